/**
 * Invites for one booking: the download and the part attached to notice emails. Kept apart
 * from service.ts so the outbox can import it without an import cycle through the booking
 * engine.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { NoticeKind } from '../notifications/messages.js';
import type { Deps } from '../platform/deps.js';
import { organizerFrom, renderInvite, type CalendarContext } from './ics.js';
import { calendarRowOfBooking } from './repository.js';
import { noticeInviteMethod } from './rules.js';

export function calendarContext(deps: Deps): CalendarContext {
  return { publicUrl: deps.config.publicUrl, organizer: organizerFrom(deps.config.mailFrom) };
}

/**
 * The invite to attach to a notice about `bookingId`, read inside the transaction that
 * made the change (so it shows the new state), or undefined when this notice carries none.
 */
export async function inviteForNotice(
  trx: Kysely<Database> | Transaction<Database>,
  deps: Deps,
  kind: NoticeKind,
  bookingId: string,
): Promise<{ method: string; content: string } | undefined> {
  const row = await calendarRowOfBooking(trx, bookingId);
  if (!row) return undefined;
  const method = noticeInviteMethod(kind, row.status, row.sessionStatus);
  if (!method) return undefined;
  const invite = renderInvite(row, calendarContext(deps));
  // The rules agree by construction; a mismatch would send the wrong METHOD, so send none.
  return invite.method === method ? invite : undefined;
}
