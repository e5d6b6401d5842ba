/**
 * Time-driven booking work: offers that expire, holds that release, offer-expiry warnings
 * and session reminders. Each step is safe to run from several processes at once: sweeps
 * take the session lock, and every notice carries a dedupe key so it is written once.
 */
import { sql } from 'kysely';
import type { Deps } from '../platform/deps.js';
import { enqueue, enqueueDropped } from '../notifications/outbox.js';
import { OFFER_WARNING_MS, offerExpiringKey, sweepSession } from './service.js';

const HOUR = 3_600_000;

/** Sessions with an expired offer, or with released holds and people waiting. */
async function sessionsToSweep(deps: Deps): Promise<string[]> {
  const now = deps.now().toISOString();
  const expired = await deps.db
    .selectFrom('bookings')
    .select('session_id')
    .distinct()
    // Written out, not a parameter, so that the partial index of offers (status = 'offered') serves it.
    .where(sql<boolean>`status = 'offered'`)
    .where('offer_expires_at', '<=', now)
    .execute();
  const released = await deps.db
    .selectFrom('sessions as s')
    .select('s.id as session_id')
    .where('s.status', '=', 'scheduled')
    .where('s.ends_at', '>', now)
    // Released as repo.holdsReleaseAt says: at the release time set, else at the booking cut-off.
    .where((eb) => eb(eb.fn.coalesce('s.holds_release_at', 's.booking_closes_at', 's.ends_at'), '<=', now))
    .where((eb) => eb.exists(eb.selectFrom('seat_holds as h').select('h.id').whereRef('h.session_id', '=', 's.id').where('h.seats', '>', 0)))
    .where((eb) => eb.exists(eb.selectFrom('bookings as b').select('b.id').whereRef('b.session_id', '=', 's.id').where('b.status', '=', 'waitlisted')))
    .execute();
  return [...new Set([...expired, ...released].map((r) => r.session_id))];
}

export async function sweepSessions(deps: Deps): Promise<number> {
  const ids = await sessionsToSweep(deps);
  for (const id of ids) await deps.db.transaction().execute((trx) => sweepSession(trx, deps, id));
  return ids.length;
}

/**
 * Warns people whose offered seat expires within two hours, once per offer and expiry. Only
 * offers not yet decided are read (a probe of the outbox's dedupe_key index each, and of the
 * offers' own index: the bookings' history is never read): an offer made with under two
 * hours to run had its warning filed as decided when it was made (its own email says when
 * it expires), and one whose expiry moved since (a session brought forward pulls it to the
 * new start) has a new key, so it is warned of: its email said another time.
 */
export async function warnExpiringOffers(deps: Deps): Promise<void> {
  const now = deps.now();
  const soon = new Date(now.getTime() + OFFER_WARNING_MS).toISOString();
  const rows = await deps.db
    .selectFrom('bookings as b')
    .select(['b.id', 'b.offer_expires_at'])
    // Written out, not a parameter, so that the partial index of offers (status = 'offered') serves it.
    .where(sql<boolean>`b.status = 'offered'`)
    .where('b.offer_expires_at', '>', now.toISOString())
    .where('b.offer_expires_at', '<=', soon)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('outbox as o').select('o.id').where('o.dedupe_key', '=', sql<string>`'offer_expiring:' || b.id || ':' || b.offer_expires_at`))))
    .execute();
  for (const r of rows) await deps.db.transaction().execute((trx) => enqueue(trx, deps, 'offer_expiring', r.id, { dedupeKey: offerExpiringKey(r.id, r.offer_expires_at!) }));
}

/**
 * Whether a booking's place became a seat after `pointIso`: someone promoted from the
 * waiting list, or who accepted an offered place, later than that. The booking row keeps no
 * such time (its created_at is when they joined the queue, its updated_at moves with any
 * change, a seat move included), but the notice telling them of it is written in the same
 * transaction as the change (kind `promoted`, or `confirmed` on accepting an offer), so its
 * created_at is when the seat became theirs.
 */
async function seatedAfter(deps: Deps, bookingId: string, pointIso: string): Promise<boolean> {
  const found = await deps.db
    .selectFrom('outbox')
    .select('id')
    .where('booking_id', '=', bookingId)
    .where('kind', 'in', ['promoted', 'confirmed'])
    .where('booking_status', '=', 'confirmed')
    .where('created_at', '>', pointIso)
    .executeTakeFirst();
  return found !== undefined;
}

/** A reminder's dedupe key; the SQL in `sendReminders` builds the same text. */
const reminderKey = (kind: 'reminder_24h' | 'reminder_1h', bookingId: string, startsAt: string) => `${kind}:${bookingId}:${startsAt}`;

/**
 * Reminders 24 hours and 1 hour before a session, to confirmed attendees whose seat was
 * theirs before that point (booked then, or promoted or accepted an offer then: not someone
 * who joined the queue early and got the seat on the day). Keyed on the start time, so a
 * moved session reminds again.
 *
 * Each reminder is decided once: a booking whose reminder key is in the outbox (written, or
 * filed as `dropped` when it was decided against) is not among the bookings looked at again,
 * so a pass, every few seconds, costs one read per kind, not a look-up or a write per booking.
 */
export async function sendReminders(deps: Deps): Promise<void> {
  const now = deps.now();
  for (const [kind, ahead] of [['reminder_24h', 24 * HOUR], ['reminder_1h', HOUR]] as const) {
    const lower = kind === 'reminder_24h' ? new Date(now.getTime() + HOUR) : now;
    const rows = await deps.db
      .selectFrom('bookings as b')
      .innerJoin('sessions as s', 's.id', 'b.session_id')
      .select(['b.id', 'b.created_at', 'b.updated_at', 's.starts_at'])
      .where('b.status', '=', 'confirmed')
      .where('s.status', '=', 'scheduled')
      .where('s.starts_at', '>', lower.toISOString())
      .where('s.starts_at', '<=', new Date(now.getTime() + ahead).toISOString())
      // Not yet decided: no outbox row holds its key (a probe of the outbox's dedupe_key index).
      .where((eb) => eb.not(eb.exists(eb.selectFrom('outbox as o').select('o.id').where('o.dedupe_key', '=', sql<string>`${sql.lit(`${kind}:`)} || b.id || ':' || s.starts_at`))))
      .execute();
    for (const r of rows) {
      const point = Date.parse(r.starts_at) - ahead;
      // Booked after the reminder point: never reminded, and known so from the row alone.
      if (Date.parse(r.created_at) > point) continue;
      const dedupeKey = reminderKey(kind, r.id, r.starts_at);
      // Unchanged since the reminder point, it has been a seat since then. One changed after it
      // (rare: a promotion, an accepted offer, a seat move) is looked up in its notices, once:
      // a seat that became theirs after the point gets its reminder filed as dropped.
      if (Date.parse(r.updated_at) > point && (await seatedAfter(deps, r.id, new Date(point).toISOString()))) {
        await enqueueDropped(deps.db, deps, kind, r.id, dedupeKey, 'the seat became theirs after the reminder was due, and the notice that gave it to them said when the session is');
        continue;
      }
      await deps.db.transaction().execute((trx) => enqueue(trx, deps, kind, r.id, { dedupeKey }));
    }
  }
}
