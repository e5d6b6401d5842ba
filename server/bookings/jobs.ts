/**
 * Time-driven booking work: offers that expire, holds that release, offer-expiry warnings
 * and session reminders. Each step is safe to run from several processes at once: sweeps
 * take the session lock, and every notice carries a dedupe key so it is written once.
 */
import type { Deps } from '../platform/deps.js';
import { enqueue } from '../notifications/outbox.js';
import { sweepSession } from './service.js';

const HOUR = 3_600_000;

/** Sessions with an expired offer, or with released holds and people waiting. */
async function sessionsToSweep(deps: Deps): Promise<string[]> {
  const now = deps.now().toISOString();
  const expired = await deps.db
    .selectFrom('bookings')
    .select('session_id')
    .distinct()
    .where('status', '=', 'offered')
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

/** Warns people whose offered seat expires within two hours (once per offer). */
export async function warnExpiringOffers(deps: Deps): Promise<void> {
  const now = deps.now();
  const soon = new Date(now.getTime() + 2 * HOUR).toISOString();
  const rows = await deps.db
    .selectFrom('bookings')
    .select(['id', 'offer_expires_at', 'updated_at'])
    .where('status', '=', 'offered')
    .where('offer_expires_at', '>', now.toISOString())
    .where('offer_expires_at', '<=', soon)
    .execute();
  for (const r of rows) {
    // An offer made with under two hours to run already says when it expires.
    if (Date.parse(r.offer_expires_at!) - Date.parse(r.updated_at) <= 2 * HOUR) continue;
    await deps.db.transaction().execute((trx) => enqueue(trx, deps, 'offer_expiring', r.id, { dedupeKey: `offer_expiring:${r.id}:${r.offer_expires_at}` }));
  }
}

/**
 * Reminders 24 hours and 1 hour before a session, to confirmed attendees who booked before
 * that point. Keyed on the start time, so a moved session reminds again.
 */
export async function sendReminders(deps: Deps): Promise<void> {
  const now = deps.now();
  for (const [kind, ahead] of [['reminder_24h', 24 * HOUR], ['reminder_1h', HOUR]] as const) {
    const lower = kind === 'reminder_24h' ? new Date(now.getTime() + HOUR) : now;
    const rows = await deps.db
      .selectFrom('bookings as b')
      .innerJoin('sessions as s', 's.id', 'b.session_id')
      .select(['b.id', 'b.created_at', 's.starts_at'])
      .where('b.status', '=', 'confirmed')
      .where('s.status', '=', 'scheduled')
      .where('s.starts_at', '>', lower.toISOString())
      .where('s.starts_at', '<=', new Date(now.getTime() + ahead).toISOString())
      .execute();
    for (const r of rows) {
      if (Date.parse(r.created_at) > Date.parse(r.starts_at) - ahead) continue;
      await deps.db.transaction().execute((trx) => enqueue(trx, deps, kind, r.id, { dedupeKey: `${kind}:${r.id}:${r.starts_at}` }));
    }
  }
}
