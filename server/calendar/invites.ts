/**
 * Invites for one booking: the download and the part attached to notice emails. Kept apart
 * from service.ts so the outbox can import it without an import cycle through the booking
 * engine.
 */
import type { BookingStatus, OrgKind } from '../../db/schema.js';
import type { NoticeKind } from '../notifications/messages.js';
import type { Deps } from '../platform/deps.js';
import { organizerFrom, renderInvite, type CalendarContext, type CalendarRow } from './ics.js';
import { calendarRowsOfBookings } from './repository.js';
import { noticeInviteMethod } from './rules.js';

export function calendarContext(deps: Deps): CalendarContext {
  return { publicUrl: deps.config.publicUrl, organizer: organizerFrom(deps.config.mailFrom, deps.config.publicUrl) };
}

/** For many notices at once (a delivery pass's emails): their bookings' calendar rows in one query, for inviteOfRow. */
export { calendarRowsOfBookings };

/**
 * The invite to attach to a notice, from its booking's calendar row (undefined: the booking is
 * gone; the result undefined when this notice carries none). `asOf` is the booking's status and
 * revision when the notice was written (and its status before the change it tells of): a notice
 * is rendered when it is delivered, and by then the booking may have moved on. `signedOut`:
 * the person's account is turned off, so the invite points to no page of theirs.
 */
export function inviteOfRow(
  deps: Deps,
  kind: NoticeKind,
  current: CalendarRow | undefined,
  asOf?: { status: BookingStatus; revision: number; priorStatus?: BookingStatus | null },
  signedOut = false,
  /** With `signedOut`: the kind of the person's organisation (CalendarContext `orgKind`). */
  orgKind?: OrgKind | null,
): { method: string; content: string } | undefined {
  if (!current) return undefined;
  const row = asOf ? { ...current, status: asOf.status, bookingRevision: asOf.revision } : current;
  const method = noticeInviteMethod(kind, row.status, row.sessionStatus, asOf?.priorStatus);
  if (!method) return undefined;
  const invite = renderInvite(row, { ...calendarContext(deps), signedOut, orgKind });
  // The rules agree by construction; a mismatch would send the wrong METHOD, so send none.
  return invite.method === method ? invite : undefined;
}
