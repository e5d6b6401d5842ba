/**
 * The outbox: a notification is a row written in the same transaction as the change it
 * tells of, so a change is never saved without its message, nor a message sent for a
 * change that was rolled back. Delivery happens later (delivery.ts).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Deps } from '../platform/deps.js';
import { compose, type NoticeKind } from './messages.js';
import { inviteForNotice } from '../calendar/invites.js';
import { timeOrderedId } from '../platform/ids.js';
import { clashNoticeFor } from '../timetables/service.js';

/** Extra parts of a message. `ical` becomes a text/calendar alternative with its METHOD. */
export interface OutboxParts {
  ical?: { method: string; content: string };
}

const CLASH_NOTICE_KINDS = new Set<NoticeKind>(['confirmed', 'promoted', 'offered', 'waitlisted', 'session_changed']);

export function manageUrl(deps: Deps, bookingId: string) {
  return `${deps.config.publicUrl.replace(/\/$/, '')}/bookings/${encodeURIComponent(bookingId)}`;
}

/** Writes one notice for a booking's owner. With a dedupe key, a second call is a no-op. */
export async function enqueue(
  trx: Kysely<Database> | Transaction<Database>,
  deps: Deps,
  kind: NoticeKind,
  bookingId: string,
  extra: { position?: number; reason?: string; dedupeKey?: string } = {},
) {
  const row = await trx
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .select([
      'b.id', 'b.seat', 'b.offer_expires_at', 'b.session_id', 'b.user_id',
      'u.name', 'u.email', 'u.time_zone as user_tz',
      's.title', 's.starts_at', 's.ends_at', 's.venue', 's.mode', 's.time_zone as session_tz',
      'o.time_zone as org_tz',
    ])
    .where('b.id', '=', bookingId)
    .executeTakeFirstOrThrow();
  const timeZone = row.user_tz ?? row.org_tz ?? row.session_tz;
  // People booking a session that overlaps their timetable are told, so they can arrange cover.
  const notes = CLASH_NOTICE_KINDS.has(kind) ? await clashNoticeFor(trx, bookingId, timeZone) : [];
  const message = compose({
    kind,
    notes,
    user: row,
    session: row,
    booking: row,
    timeZone,
    manageUrl: manageUrl(deps, row.id),
    position: extra.position,
    reason: extra.reason,
  });
  const parts: OutboxParts = { ical: await inviteForNotice(trx, deps, kind, bookingId) };
  const now = deps.now().toISOString();
  await trx
    .insertInto('outbox')
    .values({
      id: timeOrderedId(),
      kind,
      to_email: row.email,
      user_id: row.user_id,
      booking_id: row.id,
      session_id: row.session_id,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      attachments: JSON.stringify(parts),
      dedupe_key: extra.dedupeKey ?? null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}
