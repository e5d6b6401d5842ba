/**
 * Who may see and change which bookings, as each route asks: the rule for every role in one
 * place, so the HTTP handlers only validate, call one of these and answer.
 *
 * - A booking is its owner's, and seen or changed by office staff who book for the owner's
 *   organisation and may see its session (DESIGN.md invariant 12), and by administrators
 *   (`mayActFor`); to anyone else it does not exist.
 * - Its session's trainers and administrators may move or remove it; to someone who may
 *   not see it, it does not exist (a 404), to its owner and their office removing it is a
 *   403. Its owner and their office may move it to the other seat kind too (`moveSeat`).
 * - A session's roster, attendees and holds are its trainers' and in-house leads' and
 *   administrators' (`requireSessionManager`); office staff see their own staff's part.
 * - An organisation's bookings are its office staff's (and its trust's) and administrators'.
 */
import type { Transaction } from 'kysely';
import type { AttendeeEntry, AttendeeList, AttendeesQuery, Booking, OrgBookingsPage } from '../../shared/bookings.js';
import type { Database, SeatKind } from '../../db/schema.js';
import { findOrg, findUserById } from '../accounts/repository.js';
import { orgAndSchoolsFor, orgsActableBy } from '../accounts/acting.js';
import { withinLimits, type LimitedCounter } from '../accounts/throttle.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { writeTransaction } from '../platform/transactions.js';
import { attendeesCsv } from './attendees-csv.js';
import { placeChanged } from './events.js';
import { audienceLabels, findBooking, findSession, unplacedStaff, viewerFor } from './repository.js';
import * as engine from './service.js';
import * as views from './views.js';

/** The caller's own bookings, soonest first, with statuses and queue places. */
export const ownBookings = async (deps: Deps, actor: AuthUser): Promise<Booking[]> => views.bookingsOfUser(deps.db, actor.id, await viewerFor(deps.db, actor));

/** One booking, to those who may act for its owner; to anyone else there is no such booking. */
export async function bookingFor(deps: Deps, actor: AuthUser, id: string): Promise<Booking> {
  const b = await views.bookingView(deps.db, id);
  const owner = b && (await findUserById(deps.db, b.userId));
  if (!b || !owner || !(await engine.mayActFor(deps.db, actor, owner, b.sessionId))) throw new AppError('not_found', 'No such booking.');
  return b;
}

/** The booking as it is after `change` (run in a write transaction) has been committed. */
async function changed(deps: Deps, id: string, change: (trx: Transaction<Database>) => Promise<unknown>): Promise<Booking> {
  await writeTransaction(deps, change);
  return (await views.bookingView(deps.db, id))!;
}

/** As `changed`, for a change that may end someone's right to a place (cancel, remove, move): those who follow places hear of it once committed. */
async function changedPlace(deps: Deps, id: string, change: (trx: Transaction<Database>) => Promise<unknown>): Promise<Booking> {
  const b = await changed(deps, id, change);
  await placeChanged(deps, { sessionId: b.sessionId, userId: b.userId });
  return b;
}

/** Cancels a booking or a queue place (its owner, or someone who may act for them); the queue moves up. */
export async function cancel(deps: Deps, actor: AuthUser, id: string): Promise<Booking> {
  return withinLimits(deps, await cancellationCounters(deps, actor, id), () => changedPlace(deps, id, (trx) => engine.cancelBooking(trx, deps, actor, id)));
}

/**
 * How often places may be cancelled in an hour: one person's place on one session (booking
 * and cancelling it again and again), and all the cancelling one account does (an office's
 * for its staff). Each booking and each cancellation sends an email with a calendar invite,
 * and nothing else bounds how many a loop of them sends.
 */
export const CANCEL_LIMITS = { samePlace: 6, byOneAccount: 300, windowMs: 60 * 60_000 } as const;

/**
 * What a cancellation is counted against (withinLimits: refused with 429 and Retry-After past
 * a limit; one refused, for a limit or by the change itself, is not counted). Only one the
 * caller may make is counted: a place already cancelled, or not theirs to cancel, is refused
 * by the change itself, in its own words.
 */
async function cancellationCounters(deps: Deps, actor: AuthUser, id: string): Promise<LimitedCounter[]> {
  const b = await findBooking(deps.db, id);
  if (!b || b.status === 'cancelled') return [];
  if (b.user_id !== actor.id) {
    const owner = await findUserById(deps.db, b.user_id);
    if (!owner || !(await engine.mayActFor(deps.db, actor, owner, b.session_id))) return [];
  }
  return placeCounters('cancel', CANCEL_LIMITS, b, actor, 'cancellations of places');
}

/** The counters of a change to a place limited per place and per account (CANCEL_LIMITS, SEAT_MOVE_LIMITS): `${kind}-place:` and `${kind}-by:`. */
function placeCounters(kind: string, limits: { samePlace: number; byOneAccount: number; windowMs: number }, b: { session_id: string; user_id: string }, actor: AuthUser, what: string): LimitedCounter[] {
  return [
    { key: `${kind}-place:${b.session_id}|${b.user_id}`, limit: limits.samePlace, windowMs: limits.windowMs, what },
    { key: `${kind}-by:${actor.id}`, limit: limits.byOneAccount, windowMs: limits.windowMs, what },
  ];
}
/** Takes an offered seat (its owner). */
export const accept = (deps: Deps, actor: AuthUser, id: string) => changed(deps, id, (trx) => engine.acceptOffer(trx, deps, actor, id));
/** Turns down an offered seat (its owner). */
export const decline = (deps: Deps, actor: AuthUser, id: string) => changed(deps, id, (trx) => engine.declineOffer(trx, deps, actor, id));

/**
 * Checks that `actor` runs the session of booking `id` (its trainers and in-house leads,
 * admin). Anyone else who may not see the booking gets the answer a missing booking gets,
 * so the answer never tells that a booking exists; its owner and their office get a 403.
 */
async function requireManagerOfBooking(deps: Deps, actor: AuthUser, id: string) {
  const b = await findBooking(deps.db, id);
  if (b && (await engine.managesSession(deps, actor, b.session_id))) return;
  const owner = b && (await findUserById(deps.db, b.user_id));
  if (!b || !owner || !(await engine.mayActFor(deps.db, actor, owner, b.session_id))) throw new AppError('not_found', 'No such booking.');
  throw engine.notSessionManager();
}

/**
 * Moves a place to the other seat kind of a hybrid session; the person is told. Its session's
 * trainers and administrators may, and so may those who may cancel it (`mayActFor`): the
 * person themselves, and office staff who book for their organisation and see the session,
 * so a change of room is never a cancel and rebook that loses the place to the queue. They
 * may only until booking closes (the session's cut-off, which freezes the numbers: 409
 * `booking_closed`); those who run it, until it ends. To anyone else there is no such
 * booking (404), as for cancelling.
 */
export async function moveSeat(deps: Deps, actor: AuthUser, id: string, seat: SeatKind): Promise<Booking> {
  const b = await findBooking(deps.db, id);
  const owner = b && (await findUserById(deps.db, b.user_id));
  // Those who run the session may move it until the session ends; the person and their office
  // only until booking closes (its cut-off, checked by the engine under the session's lock).
  const manager = !!b && (await engine.managesSession(deps, actor, b.session_id));
  const allowed = !!b && (manager || (!!owner && (await engine.mayActFor(deps.db, actor, owner, b.session_id))));
  if (!allowed) throw new AppError('not_found', 'No such booking.');
  // Each move sends an email with a calendar invite: counted as cancellations are (SEAT_MOVE_LIMITS).
  return withinLimits(deps, placeCounters('seat', SEAT_MOVE_LIMITS, b, actor, 'seat changes'), () => changedPlace(deps, id, (trx) => engine.moveSeat(trx, deps, id, seat, { actorId: actor.id, manager })));
}

/**
 * How often places may be moved to the other seat kind in an hour: one person's place (back
 * and forth), and all the moving one account does (a trainer's or an office's). Each move
 * emails the person an updated calendar invite, as a cancellation does (CANCEL_LIMITS).
 */
export const SEAT_MOVE_LIMITS = { samePlace: 6, byOneAccount: 300, windowMs: 60 * 60_000 } as const;

/** Takes a person off a session with a reason they are sent (its trainers, admin); the queue moves up, and the answer says who got the seat it freed. */
export async function remove(deps: Deps, actor: AuthUser, id: string, reason: string): Promise<Booking & { promoted: PromotedPlace[] }> {
  await requireManagerOfBooking(deps, actor, id);
  // Set by the transaction that committed (a retried one sets it again).
  let promoted: PromotedPlace[] = [];
  const b = await changedPlace(deps, id, async (trx) => {
    promoted = (await engine.removeBooking(trx, deps, id, reason, actor.id)).promoted;
  });
  return { ...b, promoted };
}
type PromotedPlace = import('../../shared/bookings.js').PromotedPlace;

/**
 * A session's roster in queue order: everyone to those who run it (its trainers and in-house
 * leads, office staff among them, and admins); their organisations' staff to other office staff.
 */
export async function sessionBookingsFor(deps: Deps, actor: AuthUser, sessionId: string): Promise<Booking[]> {
  const scope = await readScope(deps, actor, sessionId);
  return views.bookingsOfSession(deps.db, sessionId, scope ?? undefined);
}

/**
 * What of a session the caller may read of who is booked and who holds seats: all of it
 * (null) when they run it (an office member of staff may lead a trust's in-house training,
 * and then sees it as its trainer does), their own organisations' part to other office
 * staff, nothing to anyone else.
 */
async function readScope(deps: Deps, actor: AuthUser, sessionId: string): Promise<readonly string[] | null> {
  if (await engine.managesSession(deps, actor, sessionId)) return null;
  if (actor.role === 'office') return (await orgsActableBy(deps.db, actor)).ids;
  throw engine.notSessionManager();
}

/**
 * The bookings of an organisation's staff, optionally within [from, to), a page at a time, with
 * how many match in all (office staff who book for it, admin). A trust's (or local authority's)
 * are its own staff's and its schools' (orgAndSchoolsFor), each row naming the person's
 * organisation. The exports hold every one.
 */
export async function orgBookingsFor(deps: Deps, actor: AuthUser, orgId: string, range: { from?: string; to?: string }, page: { limit: number; offset: number }): Promise<OrgBookingsPage> {
  const acting = await orgsActableBy(deps.db, actor);
  if (!acting.has(orgId)) throw new AppError('forbidden', 'You can only see bookings of the organisations you book for.');
  return views.pageOfOrgBookings(deps.db, await orgAndSchoolsFor(deps.db, acting, orgId), await viewerFor(deps.db, actor), range, page);
}

/** Who is coming to a session (its trainers and in-house leads, admin). */
export async function attendeesFor(deps: Deps, actor: AuthUser, sessionId: string): Promise<AttendeeEntry[]> {
  await engine.requireSessionManager(deps, actor, sessionId);
  return views.attendeesOfSession(deps.db, sessionId);
}

/** A page of who is coming (views.attendeesPage), to those who run the session. */
export async function attendeesPageFor(deps: Deps, actor: AuthUser, sessionId: string, query: AttendeesQuery): Promise<AttendeeList> {
  await engine.requireSessionManager(deps, actor, sessionId);
  return views.attendeesPage(deps.db, sessionId, query, deps.now().toISOString());
}

/** Who is coming, as a spreadsheet (see attendees-csv.ts), with who the session is for on every row. */
export async function attendeesSpreadsheetFor(deps: Deps, actor: AuthUser, sessionId: string): Promise<string> {
  const items = await attendeesFor(deps, actor, sessionId);
  const timeZone = (await findSession(deps.db, sessionId))?.time_zone ?? 'Europe/London';
  return attendeesCsv(items, (await audienceLabels(deps.db, [sessionId])).get(sessionId) ?? 'programme', timeZone);
}

/** The seats held on a session: every hold to those who run it and admins, their own organisations' to other office staff. */
export async function holdsFor(deps: Deps, actor: AuthUser, sessionId: string) {
  // Which schools hold seats, and how many, is theirs and the organisers' business only.
  const items = await engine.holdsOfSession(deps, sessionId, (await readScope(deps, actor, sessionId)) ?? undefined);
  if (!items) throw new AppError('not_found', 'No such session.');
  return items;
}

/**
 * For whom the caller may hold seats on a session: any organisation it is for (null) to its
 * trainers, in-house leads and administrators; its own organisations (those it books for)
 * to other office staff, who hold seats for their school; no one else.
 */
async function holdScope(deps: Deps, actor: AuthUser, sessionId: string): Promise<readonly string[] | null> {
  if (await engine.managesSession(deps, actor, sessionId)) return null;
  if (actor.role === 'office') return (await orgsActableBy(deps.db, actor)).ids;
  throw engine.notSessionManager();
}

/** The organisations the caller may hold seats for on a session (see holdScope). */
export async function holdableOrgsFor(deps: Deps, actor: AuthUser, sessionId: string, query: { q?: string; limit: number; offset: number }) {
  const scope = await holdScope(deps, actor, sessionId);
  return engine.holdableOrgs(deps, sessionId, { ...query, ids: scope ?? undefined });
}

/**
 * Holds seats of a kind for an organisation; 0 removes the hold. Office staff hold for their
 * own organisations only (another's is 404, as if it did not exist), from seats nobody has,
 * and no more than they could fill: the seats already claimed plus their staff with no place
 * on the session yet, online and in person together (bookings/service.ts, staffBound).
 */
export async function holdSeats(deps: Deps, actor: AuthUser, sessionId: string, hold: { orgId: string; seat: SeatKind; seats: number }) {
  const scope = await holdScope(deps, actor, sessionId);
  if (scope !== null && !scope.includes(hold.orgId)) throw new AppError('not_found', 'No such organisation among those you book for.');
  const org = await findOrg(deps.db, hold.orgId);
  if (!org) throw new AppError('validation_failed', 'That organisation does not exist.', { issues: [{ path: 'orgId', message: 'not found' }] });
  await writeTransaction(deps, (trx) =>
    engine.setHold(trx, deps, sessionId, hold.orgId, hold.seat, hold.seats, scope === null ? undefined : { name: org.name, unplaced: (t) => unplacedStaff(t, sessionId, hold.orgId) }),
  );
}
