/** Reading bookings for people: with the session summary, the person's name and queue place. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AttendeeEntry, Booking } from '../../shared/bookings.js';
import { queuePositions, visibleTo, type Viewer } from './repository.js';

type Q = Kysely<Database> | Transaction<Database>;

function bookingQuery(db: Q) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select([
      'b.id', 'b.session_id', 'b.user_id', 'b.seat', 'b.status', 'b.queue_seq', 'b.offer_expires_at', 'b.hold_org_id', 'b.created_at',
      'u.name as user_name',
      's.title', 's.mode', 's.starts_at', 's.ends_at', 's.time_zone', 's.venue', 's.status as session_status',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof bookingQuery>['execute']>>[number];

/** Rows to views, with the queue place of each waitlisted one. */
async function toBookings(db: Q, rows: Row[]): Promise<Booking[]> {
  const positions = await queuePositions(db, rows.filter((r) => r.status === 'waitlisted').map((r) => ({ id: r.id, sessionId: r.session_id })));
  return rows.map((r) => toBooking(r, positions));
}

function toBooking(r: Row, positions: Map<string, number>): Booking {
  return {
    id: r.id,
    sessionId: r.session_id,
    userId: r.user_id,
    userName: r.user_name,
    seat: r.seat,
    status: r.status,
    position: positions.get(r.id) ?? null,
    offerExpiresAt: r.offer_expires_at,
    heldFor: r.hold_org_id,
    createdAt: r.created_at,
    session: { id: r.session_id, title: r.title, mode: r.mode, startsAt: r.starts_at, endsAt: r.ends_at, timeZone: r.time_zone, venue: r.venue, status: r.session_status },
  };
}

export async function bookingView(db: Q, id: string): Promise<Booking | undefined> {
  const r = await bookingQuery(db).where('b.id', '=', id).executeTakeFirst();
  return r && (await toBookings(db, [r]))[0];
}

export async function bookingsOfUser(db: Q, userId: string): Promise<Booking[]> {
  return toBookings(db, await bookingQuery(db).where('b.user_id', '=', userId).orderBy('s.starts_at').orderBy('b.created_at').execute());
}

/**
 * A page of the bookings of an organisation's staff, optionally within [from, to), on the
 * sessions `viewer` may see (a trust's office reading a school's bookings does not see that
 * school's own in-house sessions, DESIGN.md invariant 12), soonest first, then by name, then
 * booking id (so pages never overlap); with how many match in all and how many of those are
 * cancelled: three statements, however many match.
 */
export async function pageOfOrgBookings(
  db: Q,
  orgId: string,
  viewer: Viewer,
  range: { from?: string; to?: string },
  page: { limit: number; offset: number },
): Promise<{ items: Booking[]; total: number; hasMore: boolean; live: number; cancelled: number }> {
  const matching = <T extends { where: (...a: any[]) => any }>(q: T): T => {
    let r = q.where('u.org_id', '=', orgId).where(visibleTo(viewer, 's'));
    if (range.from) r = r.where('s.ends_at', '>', range.from);
    if (range.to) r = r.where('s.starts_at', '<', range.to);
    return r;
  };
  const rows = await matching(bookingQuery(db))
    .orderBy('s.starts_at')
    .orderBy('u.name')
    .orderBy('b.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const counts = await matching(
    db
      .selectFrom('bookings as b')
      .innerJoin('sessions as s', 's.id', 'b.session_id')
      .innerJoin('users as u', 'u.id', 'b.user_id')
      .select((eb) => [eb.fn.countAll<number | string>().as('total'), eb.fn.sum<number | string | null>(eb.case().when('b.status', '=', 'cancelled').then(1).else(0).end()).as('cancelled')]),
  ).executeTakeFirst();
  const total = Number(counts?.total ?? 0);
  const cancelled = Number(counts?.cancelled ?? 0);
  return { items: await toBookings(db, rows), total, hasMore: page.offset + rows.length < total, live: total - cancelled, cancelled };
}

/** The roster of one session; `orgIds` narrows it to those organisations' staff (none: nobody). */
export async function bookingsOfSession(db: Q, sessionId: string, orgIds?: readonly string[]): Promise<Booking[]> {
  if (orgIds && orgIds.length === 0) return [];
  let q = bookingQuery(db).where('b.session_id', '=', sessionId);
  if (orgIds) q = q.where('u.org_id', 'in', orgIds);
  return toBookings(db, await q.orderBy('b.queue_seq').execute());
}

/**
 * "Who is coming" to a session: everyone with a place or a queue place (cancelled ones
 * left out), with their school, who booked them, and queue places, in queue order.
 */
export async function attendeesOfSession(db: Q, sessionId: string): Promise<AttendeeEntry[]> {
  const rows = await db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .leftJoin('users as by', 'by.id', 'b.booked_by')
    .select(['b.id', 'b.user_id', 'b.seat', 'b.status', 'b.booked_by', 'b.created_at', 'b.offer_expires_at', 'u.name', 'u.email', 'u.org_id', 'o.name as org_name', 'by.name as booked_by_name'])
    .where('b.session_id', '=', sessionId)
    .where('b.status', '<>', 'cancelled')
    .orderBy('b.queue_seq')
    .execute();
  const positions = await queuePositions(db, rows.filter((r) => r.status === 'waitlisted').map((r) => ({ id: r.id, sessionId })));
  return rows.map((r) => ({
    bookingId: r.id,
    userId: r.user_id,
    name: r.name,
    email: r.email,
    orgId: r.org_id,
    orgName: r.org_name,
    seat: r.seat,
    status: r.status,
    position: positions.get(r.id) ?? null,
    bookedBy: r.booked_by && r.booked_by !== r.user_id ? (r.booked_by_name ?? null) : null,
    bookedAt: r.created_at,
    offerExpiresAt: r.offer_expires_at,
  }));
}
