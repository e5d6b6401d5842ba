/** Reading bookings for people: with the session summary, the person's name and queue place. */
import { sql, type Kysely, type Transaction } from 'kysely';
import { alphabetical, lowerContains } from '../../db/like.js';
import type { Database } from '../../db/schema.js';
import type { AttendeeEntry, AttendeeList, AttendeesQuery, Booking, BookingEnding, OrgBookingsPage } from '../../shared/bookings.js';
import { oneOf } from '../../db/prepared.js';
import { holdsOf, holdsReleaseAt, queueEndsOf, queuePositions, visibleTo, type HoldRow, type Viewer } from './repository.js';
import { freeFor, type SeatState } from './availability.js';
import type { SeatKind } from '../../db/schema.js';
import { bookingHasTranscript } from '../live/repository.js';
import { actingRole } from '../notifications/messages.js';

type Q = Kysely<Database> | Transaction<Database>;

function bookingQuery(db: Q) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .leftJoin('organisations as ho', 'ho.id', 'b.hold_org_id')
    .select([
      'b.id', 'b.session_id', 'b.user_id', 'b.seat', 'b.status', 'b.queue_seq', 'b.offer_expires_at', 'b.hold_org_id', 'b.created_at',
      'u.name as user_name', 'u.org_id as owner_org_id', 'u.disabled_at as owner_disabled_at', 'ho.name as held_for_name',
      's.title', 's.mode', 's.starts_at', 's.ends_at', 's.booking_ends_at', 's.time_zone', 's.venue', 's.status as session_status', 's.attendance_threshold', 's.cancelled_at as session_cancelled_at', 's.cancel_reason', 'b.cancelled_at',
      // The seats of the other kind a place on a hybrid session could change to (otherSeatsOf): the counts stored on the session.
      's.capacity_in_person', 's.capacity_online', 's.confirmed_in_person', 's.offered_in_person', 's.confirmed_online', 's.offered_online', 's.holds_release_at', 's.booking_closes_at', 's.waitlist_policy', 's.offer_hold_minutes',
      // In the same statement, however many bookings are listed: no query per booking.
      bookingHasTranscript('b.status', 'b.session_id').as('has_transcript'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof bookingQuery>['execute']>>[number];

/** Rows to views, with the queue place of each waitlisted one and how each cancelled one ended. */
async function toBookings(db: Q, rows: Row[]): Promise<Booking[]> {
  const [positions, endings, holds] = await Promise.all([queuePositions(db, rows.filter((r) => r.status === 'waitlisted').map((r) => ({ id: r.id, sessionId: r.session_id }))), endingsOf(db, rows), holdsOfChangeable(db, rows)]);
  return rows.map((r) => toBooking(r, positions, endings, holds));
}

/** Statuses of a place whose seat kind may be changed (service.ts, moveSeat). */
const CHANGEABLE: readonly string[] = ['confirmed', 'offered', 'waitlisted'];
/** Whether a row is a place on a hybrid session whose seat kind may be changed: it carries `otherSeats`. */
const changeable = (r: Row) => r.mode === 'hybrid' && r.session_status === 'scheduled' && CHANGEABLE.includes(r.status);

/**
 * The holds of the sessions of the places among `rows` that may change seat kind (changeable),
 * by session: one statement per 500 such sessions (a page of bookings, never one per booking),
 * none when there are none.
 */
async function holdsOfChangeable(db: Q, rows: Row[]): Promise<Map<string, HoldRow[]>> {
  const out = new Map<string, HoldRow[]>();
  const ids = [...new Set(rows.filter(changeable).map((r) => r.session_id))];
  for (let i = 0; i < ids.length; i += ID_BATCH) {
    for (const h of await holdsOf(db, ids.slice(i, i + ID_BATCH))) out.set(h.session_id, [...(out.get(h.session_id) ?? []), h]);
  }
  return out;
}

/**
 * The seats of the kind a changeable place is not on, as its person could take them (see
 * BookingSessionSummary `otherSeats`): by the seat rule (availability.ts, freeFor) over the
 * counts stored on the session and its holds, as the session list counts them, for the held
 * seats both while they stay held and once released (the page knows which by its clock).
 */
function otherSeatsOf(r: Row, holds: readonly HoldRow[]): NonNullable<Booking['session']['otherSeats']> {
  const seat: SeatKind = r.seat === 'online' ? 'in_person' : 'online';
  const [capacity, confirmed, offered] = seat === 'online' ? [r.capacity_online, r.confirmed_online, r.offered_online] : [r.capacity_in_person, r.confirmed_in_person, r.offered_in_person];
  const state = (holdsActive: boolean): SeatState => ({
    capacity: Number(capacity),
    confirmed: Number(confirmed),
    offered: Number(offered),
    waitlisted: 0,
    holds: holds.filter((h) => h.seat === seat).map((h) => ({ orgId: h.org_id, seats: Number(h.seats), claimed: Number(h.claimed) })),
    holdsActive,
  });
  const free = freeFor(state(true), r.owner_org_id);
  return {
    seat,
    free,
    heldForOthers: freeFor(state(false), r.owner_org_id) - free,
    holdsReleaseAt: holdsReleaseAt(r),
    waitlistPolicy: r.waitlist_policy,
    offerHoldMinutes: Number(r.offer_hold_minutes),
  };
}

/**
 * The notices that end a place (outbox `kind`), one written in the same transaction as each
 * ending (bookings/service.ts): what the person was told is what the booking says happened.
 */
const ENDING_NOTICES = ['cancelled', 'left_waitlist', 'removed', 'offer_expired', 'offer_declined', 'session_cancelled'] as const;
type EndingNotice = { booking_id: string | null; kind: string; reason: string | null; acted_by: string | null; created_at: string; actor_name: string | null; actor_role: string | null; actor_org_name: string | null };
/** Bookings read a batch at a time by id (a popular session's roster holds thousands). */
const ID_BATCH = 500;

/**
 * How each cancelled booking of `rows` ended, read from what was recorded as it did: the last
 * notice ending it (its kind, who acted, the reason given), for an offer that ran out the expiry
 * its notices kept, and the person's account (turned off before the place went). Two
 * statements per 500 cancelled bookings (the second only for offers that ran out), none when
 * none is cancelled.
 */
async function endingsOf(db: Q, rows: Row[]): Promise<Map<string, BookingEnding>> {
  const out = new Map<string, BookingEnding>();
  const ended = rows.filter((r) => r.status === 'cancelled');
  if (ended.length === 0) return out;
  const notices = new Map<string, EndingNotice>();
  for (let i = 0; i < ended.length; i += ID_BATCH) {
    const found = await db
      .selectFrom('outbox as o')
      .leftJoin('users as a', 'a.id', 'o.acted_by')
      .leftJoin('organisations as ao', 'ao.id', 'a.org_id')
      .select(['o.booking_id', 'o.kind', 'o.reason', 'o.acted_by', 'o.created_at', 'a.name as actor_name', 'a.role as actor_role', 'ao.name as actor_org_name'])
      .where(oneOf(db, 'o.booking_id', ended.slice(i, i + ID_BATCH).map((r) => r.id)))
      .where('o.kind', 'in', ENDING_NOTICES)
      .orderBy('o.id')
      .execute();
    // In the order written: the last one is how it ended.
    for (const n of found) notices.set(n.booking_id!, n);
  }
  // An offer that ran out: when, as its notices kept it (the offer's, or a later one that
  // moved it), not when the sweep passed the seat on, which may be later.
  const lapsed = ended.filter((r) => notices.get(r.id)?.kind === 'offer_expired');
  const expiries = new Map<string, string>();
  for (let i = 0; i < lapsed.length; i += ID_BATCH) {
    const batch = lapsed.slice(i, i + ID_BATCH);
    const endedAt = new Map(batch.map((r) => [r.id, r.cancelled_at ?? notices.get(r.id)!.created_at]));
    const kept = await db
      .selectFrom('outbox')
      .select(['booking_id', 'offer_expires_at'])
      .where(oneOf(db, 'booking_id', batch.map((r) => r.id)))
      .where('offer_expires_at', 'is not', null)
      .execute();
    for (const k of kept) {
      const id = k.booking_id!;
      const until = k.offer_expires_at!;
      if (until <= endedAt.get(id)! && until > (expiries.get(id) ?? '')) expiries.set(id, until);
    }
  }
  for (const r of ended) {
    const ending = endingOf(r, notices.get(r.id), expiries.get(r.id));
    if (ending) out.set(r.id, ending);
  }
  return out;
}

/**
 * How each of these bookings that is cancelled ended (see endingsOf), by booking id, for a
 * reader that has the ids but not the rows (the office's bookings spreadsheet): the bookings
 * read 500 at a time, then their endings as endingsOf reads them. Those not cancelled, or with
 * nothing recorded of their ending, are left out.
 */
export async function endingsOfBookings(db: Q, ids: readonly string[]): Promise<Map<string, BookingEnding>> {
  const out = new Map<string, BookingEnding>();
  for (let i = 0; i < ids.length; i += ID_BATCH) {
    const rows = await bookingQuery(db).where(oneOf(db, 'b.id', ids.slice(i, i + ID_BATCH))).where('b.status', '=', 'cancelled').execute();
    for (const [id, ending] of await endingsOf(db, rows)) out.set(id, ending);
  }
  return out;
}

/**
 * Who ended a place, in words true to whoever reads the booking (the person, their office, a
 * trust's office, a trainer): "Olu Office (Riverside Primary’s office)", "Priya Sharma
 * (trainer)". Not the email's "from your school's office", which is written to the person.
 */
function whoActed(name: string, role: string, orgName: string | null): string {
  if (role === 'office') return orgName ? `${name} (${orgName}’s office)` : `${name} (office)`;
  return `${name} (${actingRole(role)})`;
}

/**
 * One cancelled booking's ending (see BookingEnding) from its last ending notice. Someone who
 * acted for the person is named with their role, an office by its organisation (whoActed), in
 * words true to every reader of the booking. A place the service gave up
 * (no one acted, a reason was sent) went with the person's account when it was turned off by
 * then; else the reason they were told says why. A place with no notice of its ending is one
 * given up with its turned-off account as its session moved (nothing is sent then), or one
 * recorded before notices said so (null).
 */
function endingOf(r: Row, n: EndingNotice | undefined, expiredAt: string | undefined): BookingEnding | null {
  const at = r.cancelled_at ?? n?.created_at ?? null;
  const offBy = (when: string | null) => r.owner_disabled_at !== null && when !== null && r.owner_disabled_at <= when;
  if (!n) {
    if (withSession(r)) return { how: 'session_cancelled', byThemselves: false, by: null, reason: r.cancel_reason, at };
    return offBy(at) ? { how: 'account_off', byThemselves: false, by: null, reason: null, at } : null;
  }
  const byThemselves = n.acted_by !== null && n.acted_by === r.user_id;
  const by = n.acted_by !== null && !byThemselves && n.actor_name !== null && n.actor_role !== null ? whoActed(n.actor_name, n.actor_role, n.actor_org_name) : null;
  switch (n.kind) {
    case 'session_cancelled':
      return { how: 'session_cancelled', byThemselves: false, by, reason: r.cancel_reason, at };
    case 'removed':
      return { how: 'removed', byThemselves, by, reason: n.reason, at };
    case 'offer_expired':
      return { how: 'offer_expired', byThemselves: false, by: null, reason: null, at: expiredAt ?? at };
    case 'offer_declined':
      return { how: 'offer_declined', byThemselves: true, by: null, reason: null, at };
    default: {
      const how = n.kind === 'left_waitlist' ? 'left_waitlist' : 'cancelled';
      // Given up by the service (bookings/service.ts releasePlaces): no one acted, and they were told why.
      if (n.acted_by === null && n.reason !== null) return offBy(n.created_at) ? { how: 'account_off', byThemselves: false, by: null, reason: null, at } : { how: 'given_up', byThemselves: false, by: null, reason: n.reason, at };
      return { how, byThemselves, by, reason: null, at };
    }
  }
}

/**
 * A place on a cancelled session: whether it went with it (cancelAllForSession, at the
 * session's own instant) or was given up before: nothing is cancelled once the session is, so
 * at or after its cancellation is with it (sessions cancelled before the instant was shared,
 * whose places' times were read after the session's, too).
 */
const withSession = (r: Row) => r.status === 'cancelled' && r.session_status === 'cancelled' && r.cancelled_at !== null && r.session_cancelled_at !== null && r.cancelled_at >= r.session_cancelled_at;

function toBooking(r: Row, positions: Map<string, number>, endings: Map<string, BookingEnding>, holds: Map<string, HoldRow[]>): Booking {
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
    heldForName: r.held_for_name,
    createdAt: r.created_at,
    hasTranscript: Number(r.has_transcript) === 1,
    // A place on a cancelled session says whether it went with it (withSession).
    ...(r.status === 'cancelled' && r.session_status === 'cancelled' ? { cancelledWithSession: withSession(r) } : {}),
    ...(r.status === 'cancelled' ? { ending: endings.get(r.id) ?? null } : {}),
    session: {
      id: r.session_id,
      title: r.title,
      mode: r.mode,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      timeZone: r.time_zone,
      venue: r.venue,
      status: r.session_status,
      queueEndsAt: queueEndsOf(r),
      bookingEndsAt: r.booking_ends_at,
      ...(r.session_status === 'cancelled' ? { cancelReason: r.cancel_reason } : {}),
      ...(changeable(r) ? { otherSeats: otherSeatsOf(r, holds.get(r.session_id) ?? []) } : {}),
    },
  };
}

export async function bookingView(db: Q, id: string): Promise<Booking | undefined> {
  const r = await bookingQuery(db).where('b.id', '=', id).executeTakeFirst();
  return r && (await toBookings(db, [r]))[0];
}

export async function bookingsOfUser(db: Q, userId: string, viewer: Viewer): Promise<Booking[]> {
  // Only on sessions that exist for them now (`viewer`, theirs): not an in-house session of an organisation they have since left (DESIGN.md invariant 12).
  return toBookings(db, await bookingQuery(db).where('b.user_id', '=', userId).where(visibleTo(viewer, 's')).orderBy('s.starts_at').orderBy('b.created_at').execute());
}

/**
 * A page of the bookings of the staff of these organisations (an office page's: a school, or a
 * trust and its schools), each with the person's organisation, optionally within [from, to),
 * on the sessions `viewer` may see (a trust's office reading a school's bookings does not see
 * that school's own in-house sessions, DESIGN.md invariant 12), soonest first, then by name,
 * then booking id (so pages never overlap); with how many match in all and how many of those
 * are cancelled: three statements, however many match.
 */
export async function pageOfOrgBookings(
  db: Q,
  orgIds: readonly string[],
  viewer: Viewer,
  range: { from?: string; to?: string },
  page: { limit: number; offset: number },
): Promise<OrgBookingsPage> {
  if (orgIds.length === 0) return { items: [], total: 0, hasMore: false, live: 0, cancelled: 0 };
  const matching = <T extends { where: (...a: any[]) => any }>(q: T): T => {
    // One organisation (a school's page, the commonest) as an equality, as before there were several.
    let r = (orgIds.length === 1 ? q.where('u.org_id', '=', orgIds[0]!) : q.where(oneOf(db, 'u.org_id', orgIds))).where(visibleTo(viewer, 's'));
    if (range.from) r = r.where('s.ends_at', '>', range.from);
    if (range.to) r = r.where('s.starts_at', '<', range.to);
    return r;
  };
  const rows = await matching(bookingQuery(db).leftJoin('organisations as uo', 'uo.id', 'u.org_id').select(['u.org_id as user_org_id', 'uo.name as user_org_name']))
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
  const bookings = await toBookings(db, rows);
  const items = bookings.map((b, i) => ({ ...b, orgId: rows[i]!.user_org_id, orgName: rows[i]!.user_org_name }));
  return { items, total, hasMore: page.offset + rows.length < total, live: total - cancelled, cancelled };
}

/** The roster of one session; `orgIds` narrows it to those organisations' staff (none: nobody). */
export async function bookingsOfSession(db: Q, sessionId: string, orgIds?: readonly string[]): Promise<Booking[]> {
  if (orgIds && orgIds.length === 0) return [];
  let q = bookingQuery(db).where('b.session_id', '=', sessionId);
  if (orgIds) q = q.where('u.org_id', 'in', orgIds);
  return toBookings(db, await q.orderBy('b.queue_seq').execute());
}

/** A session's places (cancelled ones left out), with each person, their school and who booked them. */
function attendeeRows(db: Q, sessionId: string) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .leftJoin('users as by', 'by.id', 'b.booked_by')
    .where('b.session_id', '=', sessionId)
    .where('b.status', '<>', 'cancelled');
}
const ATTENDEE_COLUMNS = ['b.id', 'b.user_id', 'b.seat', 'b.status', 'b.booked_by', 'b.created_at', 'b.offer_expires_at', 'u.name', 'u.email', 'u.org_id', 'o.name as org_name', 'by.name as booked_by_name'] as const;
const selectAttendees = (db: Q, sessionId: string) => attendeeRows(db, sessionId).select(ATTENDEE_COLUMNS);
type AttendeeRow = Awaited<ReturnType<ReturnType<typeof selectAttendees>['execute']>>[number];

/** Rows to entries, with the queue place of each waiting one (its place in its seat kind's whole queue). */
async function toAttendees(db: Q, sessionId: string, rows: AttendeeRow[]): Promise<AttendeeEntry[]> {
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

/**
 * "Who is coming" to a session: everyone with a place or a queue place (cancelled ones
 * left out), with their school, who booked them, and queue places, in queue order. The
 * spreadsheet's rows; the page reads `attendeesPage`.
 */
export async function attendeesOfSession(db: Q, sessionId: string): Promise<AttendeeEntry[]> {
  return toAttendees(db, sessionId, await selectAttendees(db, sessionId).orderBy('b.queue_seq').execute());
}

/** The order of the status sort: places first, then offers, the queue, and the register's outcomes. */
const STATUS_RANK = sql<number>`case b.status when 'confirmed' then 0 when 'offered' then 1 when 'waitlisted' then 2 when 'attended' then 3 when 'absent' then 4 else 5 end`;

/**
 * One page of Who is coming, narrowed and ordered in the database (a popular session's queue
 * runs to thousands), with how many match, how many places there are in all, and the whole
 * session's counts by status. Ties in any order keep booking order. An offer whose time ran out
 * at `nowIso` (its seat about to pass on) is not counted as offered.
 */
export async function attendeesPage(db: Q, sessionId: string, query: AttendeesQuery, nowIso: string): Promise<AttendeeList> {
  let matching = attendeeRows(db, sessionId);
  if (query.status === 'confirmed') matching = matching.where('b.status', 'in', ['confirmed', 'attended', 'absent']);
  else if (query.status !== 'all') matching = matching.where('b.status', '=', query.status);
  if (query.seat !== 'all') matching = matching.where('b.seat', '=', query.seat);
  const text = query.q;
  if (text) matching = matching.where((eb) => eb.or([lowerContains(db, 'u.name', text), lowerContains(db, 'u.email', text), lowerContains(db, 'o.name', text)]));
  const ordered =
    query.sort === 'name' ? matching.orderBy(alphabetical(db, 'u.name'))
    : query.sort === 'school' ? matching.orderBy(sql`coalesce(${alphabetical(db, 'o.name')}, '')`)
    : query.sort === 'status' ? matching.orderBy(STATUS_RANK)
    : matching;
  const [rows, matched, byStatus, offers] = await Promise.all([
    ordered.select(ATTENDEE_COLUMNS).orderBy('b.queue_seq').limit(query.limit).offset(query.offset).execute(),
    matching.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    attendeeRows(db, sessionId)
      .select((eb) => ['b.status', eb.fn.countAll<number | string>().as('n'), sql<number | string>`sum(case when b.offer_expires_at is not null and b.offer_expires_at <= ${nowIso} then 1 else 0 end)`.as('lapsed')])
      .groupBy('b.status')
      .execute(),
    db.selectFrom('bookings').select('offer_expires_at').where('session_id', '=', sessionId).where('status', '=', 'offered').where('offer_expires_at', '>', nowIso).orderBy('offer_expires_at').execute(),
  ]);
  const counts = { confirmed: 0, offered: 0, waitlisted: 0, attended: 0, absent: 0 };
  let everyone = 0;
  for (const r of byStatus) {
    const n = Number(r.n);
    everyone += n;
    if (r.status in counts) counts[r.status as keyof typeof counts] = r.status === 'offered' ? n - Number(r.lapsed ?? 0) : n;
  }
  return { items: await toAttendees(db, sessionId, rows), total: Number(matched.n), everyone, counts, offersUntil: offers.map((o) => o.offer_expires_at!) };
}
