import { sql, type Kysely, type Transaction } from 'kysely';
import type { BookingRow, Database, SeatKind, SessionRow } from '../../db/schema.js';
import type { DbKind } from '../../db/connect.js';
import type { SeatState } from './availability.js';
import { prepared, rowInserter } from '../../db/prepared.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Statuses that occupy a seat. */
export const SEATED = ['confirmed', 'attended', 'absent'] as const;
/** Statuses that count as "an active booking" (invariant 2). */
export const ACTIVE = ['confirmed', 'waitlisted', 'offered', 'attended', 'absent'] as const;

/**
 * Locks the session row for the rest of the transaction. On PostgreSQL this is
 * SELECT ... FOR UPDATE; on SQLite the transaction already holds the write lock
 * (BEGIN IMMEDIATE), so a plain read suffices.
 */
const sessionForUpdate = prepared<{ id: string }>()((db, arg) => db.selectFrom('sessions').selectAll().where('id', '=', arg('id')).forUpdate());
const sessionById = prepared<{ id: string }>()((db, arg) => db.selectFrom('sessions').selectAll().where('id', '=', arg('id')));

export function lockSession(trx: Transaction<Database>, kind: DbKind, sessionId: string): Promise<SessionRow | undefined> {
  return (kind === 'postgres' ? sessionForUpdate : sessionById).first(trx, { id: sessionId });
}

interface CountRow {
  session_id: string;
  seat: SeatKind;
  status: string;
  hold_org_id: string | null;
  n: number;
}

/**
 * The seat counts and the holds of sessions in one statement: rows of status 'hold' are the
 * holds, with their seats in n. `ids` is one session (an id, as the prepared form below
 * takes for every booking and change of holds) or a list.
 */
function seatRows(db: Kysely<Database>, ids: string | readonly string[]) {
  const match = Array.isArray(ids) ? ('in' as const) : ('=' as const); // (in the prepared form, the id is a placeholder)
  return db
    .selectFrom('bookings')
    .select((eb) => ['session_id', 'seat', sql<string>`status`.as('status'), 'hold_org_id', eb.fn.countAll<number>().as('n')])
    .where('session_id', match, ids)
    .where('status', '<>', 'cancelled')
    .groupBy(['session_id', 'status', 'seat', 'hold_org_id']) // the index's order: no sorting
    .unionAll(
      db
        .selectFrom('seat_holds')
        .select(['session_id', 'seat', sql<string>`'hold'`.as('status'), sql<string | null>`org_id`.as('hold_org_id'), sql<number>`seats`.as('n')])
        .where('session_id', match, ids),
    );
}
const seatRowsOfOne = prepared<{ id: string }>()((db, arg) => seatRows(db, arg('id')));

function splitHolds(rows: { session_id: string; seat: SeatKind; status: string; hold_org_id: string | null; n: number }[]) {
  const counts: CountRow[] = [];
  const holds: { session_id: string; org_id: string; seat: SeatKind; seats: number }[] = [];
  for (const r of rows) {
    if (r.status === 'hold') holds.push({ session_id: r.session_id, org_id: r.hold_org_id!, seat: r.seat, seats: Number(r.n) });
    else counts.push(r);
  }
  return [counts, holds] as const;
}

/** Seat state per (session, seat kind), computed from booking and hold rows. */
export async function loadSeatStates(db: Q, sessions: Pick<SessionRow, 'id' | 'capacity_in_person' | 'capacity_online' | 'holds_release_at' | 'booking_closes_at' | 'ends_at'>[], nowIso: string) {
  const ids = sessions.map((s) => s.id);
  const result = new Map<string, Record<SeatKind, SeatState>>();
  if (ids.length === 0) return result;
  // One session (every booking, every change of holds) takes the prepared queries.
  const [counts, holds] = splitHolds(ids.length === 1 ? await seatRowsOfOne.all(db, { id: ids[0]! }) : await seatRows(db as Kysely<Database>, ids).execute());
  for (const s of sessions) {
    const releaseAt = s.holds_release_at ?? s.booking_closes_at ?? s.ends_at;
    const holdsActive = nowIso < releaseAt;
    const make = (capacity: number): SeatState => ({ capacity, confirmed: 0, offered: 0, waitlisted: 0, holds: [], holdsActive });
    result.set(s.id, { in_person: make(s.capacity_in_person), online: make(s.capacity_online) });
  }
  for (const h of holds) {
    result.get(h.session_id)![h.seat].holds.push({ orgId: h.org_id, seats: h.seats, claimed: 0 });
  }
  for (const c of counts) {
    const st = result.get(c.session_id)![c.seat];
    const n = Number(c.n);
    if ((SEATED as readonly string[]).includes(c.status)) st.confirmed += n;
    else if (c.status === 'offered') st.offered += n;
    else if (c.status === 'waitlisted') st.waitlisted += n;
    if (c.hold_org_id && c.status !== 'waitlisted') {
      const h = st.holds.find((x) => x.orgId === c.hold_org_id);
      if (h) h.claimed += n;
    }
  }
  return result;
}

const bookingById = prepared<{ id: string }>()((db, arg) => db.selectFrom('bookings').selectAll().where('id', '=', arg('id')));

/** A session row, unlocked (for reading). */
export function findSession(db: Q, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findBooking(db: Q, id: string): Promise<BookingRow | undefined> {
  return bookingById.first(db, { id });
}

const activeBooking = prepared<{ sessionId: string; userId: string }>()((db, arg) =>
  db.selectFrom('bookings').selectAll().where('session_id', '=', arg('sessionId')).where('user_id', '=', arg('userId')).where('status', '<>', 'cancelled'),
);

export function findActiveBooking(db: Q, sessionId: string, userId: string) {
  return activeBooking.first(db, { sessionId, userId });
}

/** The queue for one seat kind, first come first served, with each person's organisation. */
export function waitlist(trx: Q, sessionId: string, seat: SeatKind) {
  return trx
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .selectAll('b')
    .select('u.org_id')
    .where('b.session_id', '=', sessionId)
    .where('b.seat', '=', seat)
    .where('b.status', '=', 'waitlisted')
    .orderBy('b.queue_seq')
    .execute();
}

const queuePlace = (db: Kysely<Database>) =>
  db
    .selectFrom('bookings as b')
    .select(['b.id'])
    .select((eb) =>
      eb
        .selectFrom('bookings as w')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('w.session_id', '=', 'b.session_id')
        .whereRef('w.seat', '=', 'b.seat')
        .where('w.status', '=', 'waitlisted')
        .whereRef('w.queue_seq', '<=', 'b.queue_seq')
        .as('position'),
    )
    .where('b.status', '=', 'waitlisted');
const queuePlaceOfOne = prepared<{ id: string }>()((db, arg) => queuePlace(db).where('b.id', '=', arg('id')));

/** 1-based queue places of waitlisted bookings, by booking id: the one definition of a queue place. */
export async function queuePositions(db: Q, bookingIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (bookingIds.length === 0) return out;
  const rows = bookingIds.length === 1 ? await queuePlaceOfOne.all(db, { id: bookingIds[0]! }) : await queuePlace(db as Kysely<Database>).where('b.id', 'in', bookingIds).execute();
  for (const r of rows) out.set(r.id, Number(r.position));
  return out;
}

/**
 * Locks sessions for the rest of the transaction (see `lockSession`), in id order: two
 * transactions locking overlapping sets always take them in the same order, so neither can
 * hold one the other is waiting for.
 */
export async function lockSessions(trx: Transaction<Database>, kind: DbKind, ids: readonly string[]): Promise<SessionRow[]> {
  if (ids.length === 1) {
    const s = await lockSession(trx, kind, ids[0]!);
    return s ? [s] : [];
  }
  const q = trx.selectFrom('sessions').selectAll().where('id', 'in', ids).orderBy('id');
  return (kind === 'postgres' ? q.forUpdate() : q).execute();
}

/** The status of each active booking (invariant 2: one at most) of these people on these sessions, by `pairKey`. */
export async function activeBookings(trx: Q, sessionIds: readonly string[], userIds: readonly string[]): Promise<Map<string, string>> {
  const rows =
    sessionIds.length === 1 && userIds.length === 1
      ? await activeBooking.all(trx, { sessionId: sessionIds[0]!, userId: userIds[0]! })
      : await trx.selectFrom('bookings').select(['session_id', 'user_id', 'status']).where('session_id', 'in', sessionIds).where('user_id', 'in', userIds).where('status', '<>', 'cancelled').execute();
  return new Map(rows.map((r) => [pairKey(r.session_id, r.user_id), r.status]));
}
export const pairKey = (sessionId: string, userId: string) => `${sessionId} ${userId}`;

// Each session's last number is read from the end of bookings_session_seq by a subquery of
// its own: one seek per session, where grouping the bookings would read every one of them.
const lastSeqs = (db: Kysely<Database>, ids: string | readonly string[]) =>
  db
    .selectFrom('sessions as s')
    .select((eb) => ['s.id', eb.selectFrom('bookings as b').select((b) => b.fn.max('b.queue_seq').as('seq')).whereRef('b.session_id', '=', 's.id').as('seq')])
    .where('s.id', Array.isArray(ids) ? 'in' : '=', ids);
const lastSeqOfOne = prepared<{ id: string }>()((db, arg) => lastSeqs(db, arg('id')));

/** The last queue number of each session (0 when it has no bookings): a new booking takes the next. */
export async function lastQueueSeqs(trx: Q, ids: readonly string[]): Promise<Map<string, number>> {
  const rows = ids.length === 1 ? await lastSeqOfOne.all(trx, { id: ids[0]! }) : await lastSeqs(trx as Kysely<Database>, ids).execute();
  return new Map(ids.map((id) => [id, Number(rows.find((r) => r.id === id)?.seq ?? 0)]));
}

const BOOKING_COLUMNS = ['id', 'session_id', 'user_id', 'seat', 'status', 'queue_seq', 'hold_org_id', 'offer_expires_at', 'booked_by', 'revision', 'created_at', 'updated_at', 'cancelled_at'] as const satisfies readonly (keyof BookingRow)[];
/**
 * Adds bookings, already checked under the session locks. The unique index on active
 * (session, person) pairs still stands behind that check: a duplicate fails the statement.
 */
export const insertBookings = rowInserter<BookingRow>('bookings', BOOKING_COLUMNS);

export async function updateBooking(trx: Transaction<Database>, id: string, set: Partial<Omit<BookingRow, 'id'>>) {
  await trx.updateTable('bookings').set(set).where('id', '=', id).execute();
}

// Sorted here, not by the query: ordering by queue_seq would make SQLite walk every booking
// of the session in queue order instead of finding the few offered ones by status.
const expiredOffersOf = prepared<{ sessionId: string; now: string }>()((db, arg) =>
  db.selectFrom('bookings').selectAll().where('session_id', '=', arg('sessionId')).where('status', '=', 'offered').where('offer_expires_at', '<=', arg('now')),
);

/** Offers whose expiry has passed, in queue order. */
export async function expiredOffers(trx: Q, sessionId: string, nowIso: string) {
  return (await expiredOffersOf.all(trx, { sessionId, now: nowIso })).sort((a, b) => a.queue_seq - b.queue_seq);
}

export function activeBookingsOfSession(trx: Q, sessionId: string) {
  return trx.selectFrom('bookings').selectAll().where('session_id', '=', sessionId).where('status', 'in', ['confirmed', 'waitlisted', 'offered']).orderBy('queue_seq').execute();
}
