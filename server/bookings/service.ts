/**
 * The booking engine. Every function here runs inside a transaction that holds the
 * session's lock (see `lockSession`), so the seat counts cannot change between the check
 * and the write. The counts are stored on the session and its holds, and every change of a
 * booking changes them in the same statement batch (`repo.changeBooking`, `SeatDeltas`).
 * The waitlist rule lives in `promoteWaitlist`.
 */
import { listInWords, wallClock } from '../platform/words.js';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { BookingRow, Database, SeatKind, SessionRow, UserRow } from '../../db/schema.js';
import { seatAdjective } from '../../shared/sessions.js';
import { findOrgs, findUserById, listUsersOfOrg, orgAndChildren, orgNames, searchOrgs, type OrgScope } from '../accounts/repository.js';
import { orgsActableBy, type ActableOrgs } from '../accounts/acting.js';
import { AppError } from '../errors.js';
import { perDatabase, type Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { enqueue, enqueueDropped, enqueueForNew, type NewBookingNotice } from '../notifications/outbox.js';
import { changeReason, DETAILS_CHANGED, detailsReason } from '../notifications/messages.js';
import { GroupCommit } from '../platform/transactions.js';
import * as idempotencyStore from '../platform/idempotency-store.js';
import { timeOrderedId } from '../platform/ids.js';
import { WriteBatch } from '../../db/prepared.js';
import { claimsHold, freeFor, unclaimed, type SeatState } from './availability.js';
import * as repo from './repository.js';
import { raiseFeeds } from '../calendar/feed-revisions.js';
import type { PlaceChange } from './events.js';

type Trx = Transaction<Database>;
const SEAT_KINDS: SeatKind[] = ['in_person', 'online'];

const capacityOf = (s: Pick<SessionRow, 'capacity_in_person' | 'capacity_online'>, seat: SeatKind) => (seat === 'online' ? s.capacity_online : s.capacity_in_person);
const seatsOfMode = (mode: SessionRow['mode']): SeatKind[] => (mode === 'hybrid' ? SEAT_KINDS : [mode]);
/** A seat kind as people read it in a message. */
/** "1 online seat", "2 in-person seats". */
const seatsOf = (n: number, seat: SeatKind) => `${n} ${seatAdjective[seat]} seat${n === 1 ? '' : 's'}`;

/** The seat state as stored now (read afresh: `s` may be older than this transaction's changes). */
async function seatState(trx: Trx, deps: Deps, s: Pick<SessionRow, 'id'>, seat: SeatKind): Promise<SeatState> {
  return (await repo.loadSeatStates(trx, [s.id], deps.now().toISOString())).get(s.id)![seat];
}

async function lockOpenSession(trx: Trx, deps: Deps, sessionId: string): Promise<SessionRow> {
  const s = await repo.lockSession(trx, deps.dbKind, sessionId);
  if (!s) throw new AppError('not_found', 'No such session.');
  return s;
}

export interface BookingOutcome {
  userId: string;
  id: string;
  status: 'confirmed' | 'waitlisted';
  seat: SeatKind;
  position?: number;
  /**
   * Waitlisted though seats of this kind were empty: how many, each held for another
   * organisation (a seat nobody has, kept from this person's school). Absent when every seat
   * was taken, so "full" is said only when it is.
   */
  heldForOthers?: number;
}
export interface BookingFailure {
  userId: string;
  error: { code: string; message: string };
}

/**
 * May `actor` see or cancel `user`'s booking on session `sessionId`? Self, admin, and office
 * staff of an organisation they act for (accounts/acting.ts: their own, or a school of their
 * trust) who may see the session themselves: a school's in-house session does not exist for
 * its trust's office (DESIGN.md invariant 12). `db` may be the transaction the caller holds.
 */
export async function mayActFor(db: Kysely<Database> | Trx, actor: AuthUser, user: Pick<UserRow, 'id' | 'org_id'>, sessionId: string): Promise<boolean> {
  if (actor.role === 'admin') return true;
  // Their own place too only on a session that exists for them: someone moved to another
  // organisation since they booked an in-house session of their old one is outside it now
  // (DESIGN.md invariant 12; their place there was given up with the move).
  if (actor.id !== user.id) {
    if (actor.role !== 'office') return false;
    if (!(await orgsActableBy(db, actor)).has(user.org_id)) return false;
  }
  return (await repo.sessionVisibility(db, sessionId, await repo.viewerFor(db, actor))) === 'visible';
}

/**
 * Trainers change only their own sessions (their seats, holds, rosters); admins any. An
 * in-house lead runs the sessions they created exactly as their trainer does, while they
 * still lead an organisation the session is for (`repo.isTrainerOf`).
 */
export async function requireSessionManager(deps: Deps, actor: AuthUser, sessionId: string) {
  if (!(await managesSession(deps, actor, sessionId))) throw notSessionManager();
}

/** The refusal `requireSessionManager` throws. */
export const notSessionManager = () => new AppError('forbidden', 'Only the session’s trainers or an administrator may do this.');

/** Whether `actor` runs the session (see requireSessionManager), for a caller that answers otherwise than 403. */
export async function managesSession(deps: Deps, actor: AuthUser, sessionId: string): Promise<boolean> {
  return actor.role === 'admin' || (await repo.isTrainerOf(deps.db, sessionId, actor.id));
}

/** One booking request: `actor` books `userIds` (usually just themselves) onto a session. */
export interface BookRequest {
  actor: AuthUser;
  sessionId: string;
  seat: SeatKind | undefined;
  userIds: string[];
  /** The request's Idempotency-Key (the actor's): what it books is recorded under it, in the same transaction. */
  idempotencyKey?: string;
}
/** Per person, a booking or why not; or, for the whole request, why not. */
export type BookAnswer = { results: (BookingOutcome | BookingFailure)[] } | { error: AppError };

/** Why nobody can book `seat` on `s` now, if so. */
function closedFor(s: SessionRow, seat: SeatKind, now: Date): AppError | null {
  if (s.status === 'cancelled') return new AppError('session_cancelled', 'This session has been cancelled.');
  // Booking closes at the cut-off, when the session sets one before its end, else at its end
  // (booking_ends_at, stored with the session). A session under way can be booked to its
  // last minute: the session page warns who would arrive too late to count as attending.
  if (now.toISOString() >= s.booking_ends_at) return bookingClosed(s, now);
  if (!seatsOfMode(s.mode).includes(seat) || capacityOf(s, seat) === 0) {
    return new AppError('validation_failed', `This session has no ${seatAdjective[seat]} seats.`, { issues: [{ path: 'seat', message: 'not offered by this session' }] });
  }
  return null;
}
const seatOf = (s: SessionRow, wanted: SeatKind | undefined): SeatKind => wanted ?? (s.mode === 'online' ? 'online' : 'in_person');
const distinct = <T>(xs: T[]) => [...new Set(xs)];

/**
 * Books each request's people, in the order the requests came: a seat when one is free to
 * the person, else a queue place. Requests that arrive together (group commit, below) are
 * booked in one transaction with shared statements: their sessions are locked, counted and
 * written together, leaving exactly what booking them one after another would. A request
 * for a session that cannot be booked gets that error; per-person problems (already
 * booked, not allowed) are results, so one bad name in an office's list does not stop the
 * others.
 */
export async function bookMany(trx: Trx, deps: Deps, requests: BookRequest[], sent?: () => void): Promise<BookAnswer[]> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const sessions = new Map((await repo.lockSessions(trx, deps.dbKind, distinct(requests.map((r) => r.sessionId)))).map((s) => [s.id, s]));
  // A retried request whose first attempt committed (its answer lost to a dropped connection
  // or a crash) gets what that attempt booked, read under the same session locks.
  const recorded = requests.some((r) => r.idempotencyKey) ? await recordedAnswers(trx, requests) : [];
  // Whether the one booking may see a session (DESIGN.md invariant 12): a programme session
  // is everyone's; an in-house one is asked once per person booking in the batch, by the
  // sign-in's view of them. Whether those booked are among the people it is for is another
  // question, asked below of their rows read under the locks (`inAudience`).
  const seen = new Map<string, Promise<boolean>>();
  const maySee = (s: SessionRow, who: Pick<AuthUser, 'id' | 'role' | 'orgId'>) => {
    if (s.audience_kind === 'programme') return true;
    const key = `${repo.pairKey(s.id, who.id)}|${who.role}|${who.orgId ?? ''}`;
    if (!seen.has(key)) seen.set(key, repo.viewerFor(trx, who).then(async (viewer) => (await repo.sessionVisibility(trx, s.id, viewer)) === 'visible'));
    return seen.get(key)!;
  };
  const answers: (BookAnswer | undefined)[] = [];
  for (const [i, r] of requests.entries()) {
    const s = sessions.get(r.sessionId);
    // A session the one booking may not see is answered as one that does not exist, before
    // anything about it is told; the route's audience guard leaves this to here.
    const hidden = s && !(await maySee(s, r.actor));
    const problem = !s || hidden ? new AppError('not_found', 'No such session.') : recorded[i] ? undefined : closedFor(s, seatOf(s, r.seat), now);
    answers.push(problem ? { error: problem } : recorded[i]);
  }
  const open = requests.flatMap((r, i) => (answers[i] ? [] : [{ r, i, s: sessions.get(r.sessionId)!, seat: seatOf(sessions.get(r.sessionId)!, r.seat) }]));
  if (open.length === 0) return answers as BookAnswer[];
  const sessionIds = distinct(open.map((o) => o.s.id));

  // Seats freed by time (expired offers, released holds) go to the queue before any
  // newcomer. Only a session with offers out can have expired ones, so most skip that look.
  // The session rows were read under their locks just now, so their stored counts are current.
  // Who is already booked is read with the holds, in one statement on PostgreSQL.
  const pairs = open.flatMap(({ s, r }) => r.userIds.map((userId) => ({ sessionId: s.id, userId })));
  // The people, those booking and those booked, read under the sessions' locks (for share on
  // PostgreSQL: see holdsAndActiveBookings), not as the sign-in found them: an account turned
  // off or moved while this request waited for its locks is seen as it now is.
  const personIds = distinct(open.flatMap(({ r }) => [r.actor.id, ...r.userIds]));
  const { holds, booked: bookedBefore, people: read } = await repo.holdsAndActiveBookings(trx, sessionIds, pairs, personIds);
  const people = new Map(read.map((u) => [u.id, u]));
  const states = repo.seatStatesOf(sessionIds.map((id) => sessions.get(id)!), holds, nowIso);
  let expired = false;
  for (const id of sessionIds) {
    const s = sessions.get(id)!;
    let st = states.get(id)!;
    if (st.in_person.offered + st.online.offered > 0 && (await expireOffersLocked(trx, deps, s)) > 0) {
      states.set(id, (st = (await repo.loadSeatStates(trx, [id], nowIso)).get(id)!));
      expired = true;
    }
    // The state the queue leaves behind, kept current below as each person is placed: the
    // session locks mean no one else can change it meanwhile.
    for (const seat of distinct(open.filter((o) => o.s.id === id).map((o) => o.seat))) st[seat] = await promoteWaitlist(trx, deps, s, seat, st[seat]);
  }

  // An offer that expired just now no longer counts as booked: then read them again.
  const booked = expired ? await repo.activeBookings(trx, deps.dbKind, pairs) : bookedBefore;
  // Read with the session's lock: the next booking takes the number after its last.
  const lastSeq = new Map(sessionIds.map((id) => [id, sessions.get(id)!.last_queue_seq]));

  const rows: BookingRow[] = [];
  const notices: NewBookingNotice[] = [];
  // Whom each office actor acts for, asked once per actor (self-bookings never ask).
  const actable = new Map<string, Promise<ActableOrgs>>();
  const mayBook = async (actor: AuthUser, user: Pick<UserRow, 'id' | 'org_id'>) => {
    if (actor.id === user.id || actor.role === 'admin') return true;
    if (actor.role !== 'office') return false;
    if (!actable.has(actor.id)) actable.set(actor.id, orgsActableBy(trx, actor));
    return (await actable.get(actor.id)!).has(user.org_id);
  };
  // Whether a person is among those a session is for (DESIGN.md invariant 12), by their
  // organisation as read under the locks: a programme session is everyone's, an in-house one
  // only its organisation's people (a trust's, its schools' too), by the rule seat holds and
  // the roster's `forThem` follow (`repo.orgInAudience`). Not whether they may see it:
  // administrators and trainers see every session, and its trainers and in-house leads run it,
  // without being among the staff it is for. Asked once per session and organisation.
  const audiences = new Map<string, Promise<boolean>>();
  const inAudience = async (s: SessionRow, orgId: string | null) => {
    if (s.audience_kind === 'programme') return true;
    if (orgId === null) return false;
    const key = `${s.id}|${orgId}`;
    if (!audiences.has(key)) audiences.set(key, repo.orgInAudience(trx, s.id, orgId));
    return audiences.get(key)!;
  };
  for (const { r: asked, i, s, seat } of open) {
    // The one booking as they now are: turned off meanwhile, they are signed out; moved or
    // given another role, they book as what they now are.
    const actorNow = people.get(asked.actor.id);
    if (!actorNow || actorNow.disabled_at) {
      answers[i] = { error: new AppError('unauthenticated', 'Please sign in.') };
      continue;
    }
    const r = { ...asked, actor: { ...asked.actor, role: actorNow.role, orgId: actorNow.org_id } };
    const state = states.get(s.id)![seat];
    const results: (BookingOutcome | BookingFailure)[] = [];
    for (const userId of r.userIds) {
      // Staff book only themselves, whoever is named.
      if (userId !== r.actor.id && r.actor.role !== 'office' && r.actor.role !== 'admin') {
        results.push({ userId, error: { code: 'forbidden', message: 'You may book only yourself.' } });
        continue;
      }
      // Someone outside the organisations an office books for gets the same answer as no one:
      // the answer does not say whether another school's account exists.
      const user = people.get(userId);
      if (!user || user.disabled_at || !(await mayBook(r.actor, user))) {
        results.push({ userId, error: { code: 'not_found', message: r.actor.role === 'office' ? 'No such person among the staff you book for.' : 'No such person.' } });
        continue;
      }
      // Nobody outside an in-house session's audience is booked onto it (DESIGN.md invariant
      // 12), whoever books them, themselves included: an administrator or trainer (no
      // organisation) sees the session but is not among its staff. The one booking sees the
      // session, so is told why in words.
      if (!(await inAudience(s, user.org_id))) {
        const message = user.id === r.actor.id ? await onlyForWords(trx, s) : `${user.name} is not among the staff this in-house session is for, so cannot be booked onto it.`;
        results.push({ userId, error: { code: 'outside_audience', message } });
        continue;
      }
      const existing = booked.get(repo.pairKey(s.id, user.id));
      if (existing) {
        results.push({ userId, error: { code: 'already_booked', message: alreadyBookedMessage(user.id === r.actor.id ? null : user.name, existing) } });
        continue;
      }
      const confirmed = freeFor(state, user.org_id) > 0;
      const holdOrg = confirmed && claimsHold(state, user.org_id) ? user.org_id : null;
      const queueSeq = lastSeq.get(s.id)! + 1; // the back of the session's queue
      lastSeq.set(s.id, queueSeq);
      const row: BookingRow = {
        id: timeOrderedId(), // appended to the id index, not written into the middle of it
        session_id: s.id,
        user_id: user.id,
        seat,
        status: confirmed ? 'confirmed' : 'waitlisted',
        queue_seq: queueSeq,
        hold_org_id: holdOrg,
        offer_expires_at: null,
        booked_by: r.actor.id,
        revision: 0,
        created_at: nowIso,
        updated_at: nowIso,
        cancelled_at: null,
      };
      rows.push(row);
      booked.set(repo.pairKey(s.id, user.id), row.status);
      if (confirmed) {
        state.confirmed++;
        const hold = holdOrg === null ? undefined : state.holds.find((h) => h.orgId === holdOrg);
        if (hold) hold.claimed++;
      } else state.waitlisted++;
      const outcome: BookingOutcome = { userId, id: row.id, status: row.status as BookingOutcome['status'], seat };
      // The newest booking is last in its queue, so its place is the queue's length (the same
      // number repo.queuePositions gives, without counting the queue again).
      if (!confirmed) outcome.position = state.waitlisted;
      // Not confirmed, so every empty seat of this kind is held for other organisations.
      const emptyHeld = state.capacity - state.confirmed - state.offered;
      if (!confirmed && emptyHeld > 0) outcome.heldForOthers = emptyHeld;
      notices.push({ kind: confirmed ? 'confirmed' : 'waitlisted', booking: row, email: user.email, position: outcome.position });
      results.push(outcome);
    }
    answers[i] = { results };
  }
  // The batch's writes read nothing each other writes: on PostgreSQL one round trip for them all.
  const writes = new WriteBatch(trx, deps.dbKind);
  await repo.insertBookings(writes, rows);
  const deltas = new repo.SeatDeltas();
  for (const row of rows) deltas.change(undefined, row);
  await deltas.apply(trx, writes);
  await enqueueForNew(writes, deps, notices);
  for (const { r, i } of open) {
    const answer = answers[i]!;
    if (r.idempotencyKey && 'results' in answer) await writes.add(idempotencyStore.outcomeRecord(trx, r.actor.id, r.idempotencyKey, JSON.stringify(answer.results)));
  }
  // The batch's last writes: on PostgreSQL its COMMIT goes with them (one round trip fewer), so
  // nothing may follow them in this transaction (GroupCommit commits it straight after). Once
  // they are on their way the next batch may start (GroupCommit, overlapCommits).
  const committed = writes.flush({ andCommit: true });
  sent?.();
  await committed;
  return answers as BookAnswer[];
}

/** Someone outside an in-house session's audience, booking themselves, is told whom it is for. */
async function onlyForWords(trx: Trx, s: Pick<SessionRow, 'audience_kind' | 'audience_org_id'>): Promise<string> {
  const name = s.audience_org_id ? (await orgNames(trx, [s.audience_org_id])).get(s.audience_org_id) : undefined;
  const whom = name ? `the staff of ${name}${s.audience_kind === 'trust' ? ' and its schools' : ''}` : 'the staff of one organisation';
  return `This in-house session is only for ${whom}, so you cannot book a place on it.`;
}

/** Per request, what an earlier attempt under the same Idempotency-Key committed, if any. */
async function recordedAnswers(trx: Trx, requests: BookRequest[]): Promise<(BookAnswer | undefined)[]> {
  const out: (BookAnswer | undefined)[] = [];
  for (const r of requests) {
    const outcome = r.idempotencyKey ? (await idempotencyStore.recordedOutcomes(trx, r.actor.id, [r.idempotencyKey])).get(r.idempotencyKey) : undefined;
    out.push(outcome === undefined ? undefined : { results: JSON.parse(outcome) as (BookingOutcome | BookingFailure)[] });
  }
  return out;
}

/** Booking writers, one per database: requests that arrive together are booked together. */
const booker = perDatabase((deps: Deps) => new GroupCommit(deps.db, (trx, requests: BookRequest[], sent) => bookMany(trx, deps, requests, sent), deps.dbKind === 'postgres'));

/**
 * Books with group commit (server/platform/transactions.ts); resolves once committed. One
 * batch is written at a time: several in flight were measured slower (smaller batches, more
 * round trips) on a machine whose CPU the database shares. On PostgreSQL the next batch may
 * start while the one before waits for its commit (the log flush): it locks its sessions
 * first, so where the two share a session it waits for that commit and then reads what it
 * left; elsewhere its first round trips overlap the flush. Measured at about 0.05 of the
 * floor better (booking_of_floor 0.55-0.59 against 0.48-0.53 without, same machine and hour).
 */
export function book(deps: Deps, request: BookRequest): Promise<BookAnswer> {
  return booker(deps).run(request);
}

/**
 * The waitlist rule. While a seat of this kind is free to someone in the queue, the first
 * such person in queue order gets it: confirmed straight away (policy `auto`, or once the
 * session has begun), or offered until an expiry (policy `offer`), never past the start;
 * not once the session is over (tooLateToAttend): while booking is open, the queue moves,
 * so a seat freed late goes to whoever waited, not to whoever books it first.
 * People whose organisation cannot use a held seat are passed over for that seat only.
 * Returns the seat state it leaves behind (read under the lock), for the caller to reuse.
 */
export async function promoteWaitlist(trx: Trx, deps: Deps, s: SessionRow, seat: SeatKind, known?: SeatState): Promise<SeatState> {
  const now = deps.now();
  // `known`: the caller has just read the state under this lock. It is kept current below.
  const state = known ?? (await seatState(trx, deps, s, seat));
  // Once the session is over, a freed seat is no use to anyone.
  if (tooLateToAttend(s, now)) return state;
  let queue: Awaited<ReturnType<typeof repo.waitlist>> | undefined;
  while (state.waitlisted > 0 && state.capacity - state.confirmed - state.offered > 0) {
    queue ??= await repo.waitlist(trx, s.id, seat);
    const at = queue.findIndex((w) => freeFor(state, w.org_id) > 0);
    if (at < 0) break;
    const [next] = queue.splice(at, 1) as [(typeof queue)[number]];
    const offer = s.waitlist_policy === 'offer' && now.toISOString() < s.starts_at;
    const expires = offer ? new Date(Math.min(now.getTime() + s.offer_hold_minutes * 60_000, Date.parse(s.starts_at))).toISOString() : null;
    const holdOrg = claimsHold(state, next.org_id) ? next.org_id : null;
    const { org_id: _org, ...before } = next;
    await repo.changeBooking(trx, before, { status: offer ? 'offered' : 'confirmed', offer_expires_at: expires, hold_org_id: holdOrg, revision: next.revision + 1, updated_at: now.toISOString() });
    state.waitlisted--;
    if (offer) state.offered++;
    else state.confirmed++;
    const hold = holdOrg === null ? undefined : state.holds.find((h) => h.orgId === holdOrg);
    if (hold) hold.claimed++;
    await enqueue(trx, deps, offer ? 'offered' : 'promoted', next.id);
    // An offer with little time to run already says when it expires: its "expires soon"
    // warning is filed as decided (jobs.ts warns of the others, and of one whose expiry moves).
    if (expires && Date.parse(expires) - now.getTime() <= OFFER_WARNING_MS) {
      await enqueueDropped(trx, deps, 'offer_expiring', next.id, offerExpiringKey(next.id, expires), 'the email offering the seat said when the offer expires');
    }
  }
  return state;
}

/**
 * Whether the session is over at `now`: from then a seat is no use to anyone. Read from the
 * session's own times, not its cut-off: a seat freed after an early cut-off still goes to the
 * queue.
 */
export function tooLateToAttend(s: Pick<SessionRow, 'ends_at'>, now: Date): boolean {
  return now.toISOString() >= repo.queueEndsOf(s);
}

/**
 * Why booking `s` is refused at `now`, once its booking_ends_at has come: which of the two
 * closed it (its end; else its cut-off, when that came first), as the session's page and card
 * say it (web/src/pages/SessionsPage.tsx, whyBookingClosed).
 */
function bookingClosed(s: SessionRow, now: Date): AppError {
  if (now.toISOString() >= s.ends_at) return new AppError('booking_closed', 'This session has ended: it can no longer be booked.');
  return new AppError('booking_closed', 'Booking for this session has closed.');
}

/** How long before an offer expires its holder is warned (bookings/jobs.ts). */
export const OFFER_WARNING_MS = 2 * 3_600_000;
/** The warning's dedupe key: one per offer and expiry, so an expiry moved is warned of again. The SQL in `warnExpiringOffers` builds the same text. */
export const offerExpiringKey = (bookingId: string, expiresAt: string) => `offer_expiring:${bookingId}:${expiresAt}`;

/** Offers whose time has run out go back: the person is told, and the seat moves on. */
export async function expireOffersLocked(trx: Trx, deps: Deps, s: SessionRow): Promise<number> {
  const now = deps.now().toISOString();
  const expired = await repo.expiredOffers(trx, s.id, now);
  for (const b of expired) {
    await repo.changeBooking(trx, b, { status: 'cancelled', cancelled_at: now, updated_at: now, revision: b.revision + 1, offer_expires_at: null });
    await enqueue(trx, deps, 'offer_expired', b.id);
  }
  if (expired.length) for (const seat of seatsOfMode(s.mode)) await promoteWaitlist(trx, deps, s, seat);
  return expired.length;
}

async function bookingForActor(trx: Trx, actor: AuthUser, bookingId: string, ownerOnly = false) {
  const b = await repo.findBooking(trx, bookingId);
  if (!b) throw new AppError('not_found', 'No such booking.');
  const owner = await findUserById(trx, b.user_id);
  const allowed = ownerOnly ? actor.id === b.user_id : owner !== undefined && (await mayActFor(trx, actor, owner, b.session_id));
  // Someone who may not see a booking learns nothing about it, not even that it exists.
  if (!allowed) throw new AppError('not_found', 'No such booking.');
  return b;
}

/**
 * Why a place can no longer be given up, whether its owner cancels it or a trainer removes it
 * (`verb`), if so: its attendance has been recorded, its session has ended (a seat on a
 * session that has ended was used or not: its attendance is recorded, not undone, even
 * before the outcome is written), or its session is under way and its holder has been at it.
 * A place in the queue can always be left.
 */
async function placeKept(trx: Trx, b: Pick<BookingRow, 'id' | 'status' | 'user_id' | 'session_id'>, s: Pick<SessionRow, 'starts_at' | 'ends_at'>, nowIso: string, verb: 'cancelled' | 'removed', byOwner = false): Promise<AppError | null> {
  if (b.status === 'attended' || b.status === 'absent') return new AppError('conflict', `Attendance has been recorded for this booking; it can no longer be ${verb}.`);
  if (b.status !== 'waitlisted' && nowIso >= s.ends_at) return new AppError('conflict', `This session has ended, so its booking can no longer be ${verb}; attendance is recorded instead.`);
  // Under way, and they have been there (checked in, in the live room, ticked on the register):
  // giving up the place would throw away the time they were there, and their record of it.
  if (b.status === 'confirmed' && nowIso >= s.starts_at && (await repo.presentSince(trx, b, s.starts_at))) {
    if (verb === 'cancelled' && byOwner) return new AppError('conflict', 'You have been recorded as being at this session, so your booking is kept and your time there counts. If you need to leave, just leave: nothing else is needed.');
    return new AppError('conflict', `This person has been recorded as being at this session, so their booking can no longer be ${verb}; ${verb === 'removed' ? 'correct their attendance on the register instead' : 'their time there counts'}.`);
  }
  return null;
}

/** Cancels a booking or leaves the queue; the freed seat moves up the queue at once. */
export async function cancelBooking(trx: Trx, deps: Deps, actor: AuthUser, bookingId: string): Promise<BookingRow> {
  const found = await bookingForActor(trx, actor, bookingId);
  const s = await lockOpenSession(trx, deps, found.session_id);
  const b = (await repo.findBooking(trx, bookingId))!;
  if (b.status === 'cancelled') return b;
  const now = deps.now().toISOString();
  const kept = await placeKept(trx, b, s, now, 'cancelled', actor.id === b.user_id);
  if (kept) throw kept;
  await repo.changeBooking(trx, b, { status: 'cancelled', cancelled_at: now, updated_at: now, revision: b.revision + 1, offer_expires_at: null });
  // Someone cancelling for the person (their office, a trainer, an administrator) is named in the email.
  await enqueue(trx, deps, b.status === 'waitlisted' ? 'left_waitlist' : 'cancelled', b.id, { actedBy: actor.id, priorStatus: b.status });
  if (b.status !== 'waitlisted') await promoteWaitlist(trx, deps, s, b.seat);
  return (await repo.findBooking(trx, b.id))!;
}

/**
 * Before anything that then gives up a person's places (releasePlaces) changes them: their
 * places' sessions in id order, then their user row (lockPlacesAndPeople), as a booking batch
 * takes them. A booking batch locks its sessions and then reads its people `for share`
 * (repo.holdsAndActiveBookings), so the user row first and the sessions after would wait on
 * a batch that waits on it, and PostgreSQL would fail one of the two as a deadlock.
 */
export async function lockPlacesOf(trx: Trx, deps: Deps, userId: string): Promise<void> {
  await lockPlacesAndPeople(trx, deps, [userId]);
}

/**
 * Gives up the places a person can no longer use (their account turned off, or a move out of
 * an in-house session's audience): each of their active bookings on a session not yet over
 * that `drop` picks is cancelled under its session's lock, they are told why, and a freed
 * seat goes to the queue at once. Returns the places given up, for `placesChanged` once committed.
 * On a session kept where they wait, the queue is looked at again: moved into an organisation
 * that holds unclaimed seats there, they may have one now (invariant 11), as a booking would give.
 */
export async function releasePlaces(trx: Trx, deps: Deps, userId: string, reason: string, drop: (s: SessionRow) => boolean | Promise<boolean> = () => true): Promise<PlaceChange[]> {
  const now = deps.now().toISOString();
  const given: PlaceChange[] = [];
  // Their organisation as it now is (a move is written before this runs): whose holds they may claim.
  const orgNow = (await findUserById(trx, userId))?.org_id ?? null;
  for (const s of await repo.lockSessions(trx, deps.dbKind, await repo.sessionsWithPlacesOf(trx, userId, now))) {
    if (!(await drop(s))) {
      const kept = await repo.findActiveBooking(trx, s.id, userId);
      if (kept?.status === 'waitlisted' && s.status === 'scheduled') await promoteWaitlist(trx, deps, s, kept.seat);
      // A seat taken from a hold of an organisation they are no longer in becomes a seat of their own.
      if (kept && (kept.status === 'confirmed' || kept.status === 'offered') && kept.hold_org_id !== null && kept.hold_org_id !== orgNow) await unclaimHeldSeat(trx, deps, s, kept, now);
      continue;
    }
    const b = await repo.findActiveBooking(trx, s.id, userId);
    if (!b || (b.status !== 'confirmed' && b.status !== 'offered' && b.status !== 'waitlisted')) continue;
    await repo.changeBooking(trx, b, { status: 'cancelled', cancelled_at: now, updated_at: now, revision: b.revision + 1, offer_expires_at: null });
    await enqueue(trx, deps, b.status === 'waitlisted' ? 'left_waitlist' : 'cancelled', b.id, { reason, priorStatus: b.status });
    if (b.status !== 'waitlisted') await promoteWaitlist(trx, deps, s, b.seat);
    given.push({ sessionId: s.id, userId });
  }
  return given;
}

/**
 * A seat (confirmed or offered) taken from the hold of an organisation its holder can no
 * longer claim from (claimsHold: a hold is claimed by its organisation's own people, and they
 * have moved away from it, or out of every organisation) stops counting against that hold:
 * the person keeps it, as a seat of their own, and the hold has a seat to give again, as when
 * a hold is released (repo.releaseClaims). The seat they sit in is still taken: it moves from
 * the hold to the seats open to everyone. When none of those is free, it cannot: the hold
 * then keeps one seat fewer, so that it never promises a seat that is not there (taken plus
 * held never past capacity, as setHold and checkSessionChange keep it). A seat the hold has
 * again goes to its organisation's queue at once (invariant 3). The caller holds the
 * session's lock; `b` was read under it.
 */
async function unclaimHeldSeat(trx: Trx, deps: Deps, s: SessionRow, b: BookingRow, nowIso: string) {
  const orgId = b.hold_org_id!;
  const state = await seatState(trx, deps, s, b.seat);
  const hold = state.holds.find((h) => h.orgId === orgId);
  // Seats no one holds and no one has taken, before the seat leaves the hold.
  const open = state.capacity - state.confirmed - state.offered - state.holds.reduce((n, h) => n + unclaimed(h), 0);
  // The claim goes with the seat's own counts (repo.changeBooking: the hold's `claimed`, in the same transaction).
  await repo.changeBooking(trx, b, { hold_org_id: null, updated_at: nowIso });
  if (hold) {
    const claimed = Math.max(0, hold.claimed - 1);
    const gained = Math.max(0, hold.seats - claimed) - unclaimed(hold);
    const seats = gained > 0 && open < gained ? Math.max(claimed, hold.seats - gained) : hold.seats;
    if (seats !== hold.seats || (seats === 0 && claimed === 0)) await repo.setHoldSeats(trx, { session_id: s.id, org_id: orgId, seat: b.seat, seats, claimed, id: randomUUID(), created_at: nowIso });
  }
  if (s.status === 'scheduled') await promoteWaitlist(trx, deps, s, b.seat);
}

/**
 * Takes, before anything is written, a booking batch's locks for a change that may give up
 * these people's places: the sessions where they have places still to come and `sessions`,
 * all in one id-ordered set, then their user rows (repo.lockPeople). Their calendar feeds,
 * written after, come last, as in a batch (which locks its sessions, reads its people `for
 * share`, then raises their feeds and their organisations'): so the two wait for each other
 * rather than deadlock.
 */
export async function lockPlacesAndPeople(trx: Trx, deps: Deps, userIds: readonly string[], sessions: readonly string[] = []): Promise<void> {
  const placesNow = () => repo.sessionsWithPlacesOfPeople(trx, userIds, deps.now().toISOString());
  let ids = distinct([...sessions, ...(await placesNow())]).sort();
  if (deps.dbKind !== 'postgres') {
    await repo.lockSessions(trx, deps.dbKind, ids); // SQLite: one writer at a time, nothing to meet
    return;
  }
  // A batch may commit a new place for one of them between the read above and their rows'
  // locks (it read them `for share` first). Read again once their rows are locked (no batch
  // can then add one): a session not locked yet cannot be locked now, with their rows held,
  // for another batch may hold it and be waiting to read them. So the locks are let go
  // (rolled back to the savepoint: PostgreSQL releases locks taken since) and taken again,
  // that session among them, in order. A few rounds at most; after them, the rare
  // leftover is locked by releasePlaces as before.
  for (let round = 1; ; round++) {
    await sql`savepoint lock_places`.execute(trx);
    await repo.lockSessions(trx, deps.dbKind, ids);
    await repo.lockPeople(trx, userIds);
    const missed = (await placesNow()).filter((id) => !ids.includes(id));
    if (missed.length === 0 || round === 3) {
      await sql`release savepoint lock_places`.execute(trx);
      return;
    }
    await sql`rollback to savepoint lock_places`.execute(trx);
    ids = distinct([...ids, ...missed]).sort();
  }
}

/**
 * Before an organisation is moved (lockPlacesAndPeople, before its row, its feed or any
 * place changes): the sessions where its people have places still to come or it holds
 * seats, in id order, then its people's rows.
 */
export async function lockForMovedOrg(trx: Trx, deps: Deps, orgId: string): Promise<void> {
  const people = (await listUsersOfOrg(trx, orgId)).map((u) => u.id);
  const held = (await repo.liveHoldsOf(trx, orgId, deps.now().toISOString())).map((h) => h.session_id);
  await lockPlacesAndPeople(trx, deps, people, held);
}

/**
 * After an organisation moved (a school out of its trust, or to another one): what its people
 * and its seat holds may no longer use. Each of its people gives up their places on sessions
 * still to come that they can no longer see (releasePlaces: told why, the queue moves on), and
 * its holds on such sessions are released (the seats go to the queue). Runs in the
 * transaction that moved the organisation, after the move. Says which places (for
 * `placesChanged` once committed) and how many holds. The transaction takes its locks first
 * (lockForMovedOrg), so the sessions locked here one person at a time are already its own.
 */
export async function releaseForMovedOrg(trx: Trx, deps: Deps, orgId: string, reason: string): Promise<{ places: PlaceChange[]; holdsReleased: number }> {
  const places: PlaceChange[] = [];
  for (const u of await listUsersOfOrg(trx, orgId)) {
    const viewer = await repo.viewerFor(trx, { id: u.id, role: u.role, orgId: u.org_id });
    places.push(...(await releasePlaces(trx, deps, u.id, reason, async (s) => (await repo.sessionVisibility(trx, s.id, viewer)) !== 'visible')));
  }
  let holdsReleased = 0;
  for (const h of await repo.liveHoldsOf(trx, orgId, deps.now().toISOString())) {
    if (await repo.orgInAudience(trx, h.session_id, orgId)) continue;
    // Read as still to come a moment ago: released even if it has ended since (never refused half-way through the move).
    await holdLocked(trx, deps, await lockOpenSession(trx, deps, h.session_id), orgId, h.seat, 0);
    holdsReleased++;
  }
  return { places, holdsReleased };
}

/**
 * Moves a person to the other seat kind of a hybrid session: `by.manager`, one who runs the
 * session (its trainers, administrators; access.ts decides) until it ends, and anyone else
 * allowed to (the person, their office) only until booking closes, at the session's cut-off
 * when it sets one: the cut-off freezes how many come in person and online (room, catering).
 * A seat (confirmed or offered) moves only when one of the other kind is free to them; a
 * place in the queue keeps its turn in the other kind's queue. The seat left behind goes to
 * that kind's queue. `by.actorId`: who moved it, as its email says.
 */
export async function moveSeat(trx: Trx, deps: Deps, bookingId: string, seat: SeatKind, by: { actorId?: string; manager: boolean }): Promise<BookingRow> {
  const { actorId } = by;
  const found = await repo.findBooking(trx, bookingId);
  if (!found) throw new AppError('not_found', 'No such booking.');
  const s = await lockOpenSession(trx, deps, found.session_id);
  let b = (await repo.findBooking(trx, bookingId))!;
  if (b.seat === seat) return b;
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled.');
  if (b.status === 'cancelled') throw new AppError('conflict', 'This place has been cancelled, so it can no longer be moved.');
  if (b.status !== 'confirmed' && b.status !== 'offered' && b.status !== 'waitlisted') throw new AppError('conflict', 'Only a booked, offered or waiting place can be moved.');
  const now = deps.now().toISOString();
  // Which room a place was in is what its attendance is recorded by: once the session has ended it stays.
  if (now >= s.ends_at) throw new AppError('conflict', 'This session has ended, so its places can no longer be moved; attendance is recorded instead.');
  if (!seatsOfMode(s.mode).includes(seat) || capacityOf(s, seat) === 0) {
    throw new AppError('validation_failed', `This session has no ${seatAdjective[seat]} seats.`, { issues: [{ path: 'seat', message: 'not offered by this session' }] });
  }
  const owner = (await findUserById(trx, b.user_id))!;
  // Read under the session's lock, so a cut-off moved meanwhile counts as it now is. Only an
  // earlier cut-off closes it here: booking that closes at the end is the end, said above.
  if (!by.manager && s.booking_ends_at < s.ends_at && now >= s.booking_ends_at) {
    const who = actorId === b.user_id ? 'you' : owner.name;
    throw new AppError(
      'booking_closed',
      `Booking for this session closed at ${wallClock(new Date(s.booking_ends_at), 'Europe/London')}, so seats can no longer be changed here. The session’s trainer can still move ${who} to ${seat === 'online' ? 'an online' : 'an in-person'} seat: ask them.`,
      { closedAt: s.booking_ends_at },
    );
  }
  let holdOrg: string | null = null;
  if (b.status !== 'waitlisted') {
    // An offer whose time ran out (the sweep not yet come) holds no seat, as when booking.
    // It may be this very one: then there is nothing to move (and this transaction, refused,
    // leaves its expiry to the sweep or the next booking).
    await expireOffersLocked(trx, deps, s);
    const current = (await repo.findBooking(trx, b.id))!;
    if (current.status !== b.status) throw new AppError('not_offered', 'This offer has expired, so the seat goes to the next person in the queue and there is no seat to move.');
    b = current;
    const target = await seatState(trx, deps, s, seat);
    if (freeFor(target, owner.org_id) <= 0) {
      const mine = actorId === b.user_id;
      // Those who run the session (Who is coming) are told which seat is full, and who.
      if (by.manager && !mine) throw new AppError('conflict', `There is no free ${seatAdjective[seat]} seat to move ${owner.name} to.`);
      // To the person, "you"; to their office, by name: that nothing changed, and what to do.
      const kept = b.status === 'offered' ? `${mine ? 'you keep' : `${owner.name} keeps`} the ${seatAdjective[b.seat]} seat offered to ${mine ? 'you' : 'them'}` : `${mine ? 'you keep your' : `${owner.name} keeps their`} ${seatAdjective[b.seat]} seat`;
      throw new AppError('conflict', `There is no free ${seatAdjective[seat]} seat for ${mine ? 'you' : owner.name} now, so ${kept}: nothing has changed. Check again later, as a seat may come free.`);
    }
    holdOrg = claimsHold(target, owner.org_id) ? owner.org_id : null;
  }
  await repo.changeBooking(trx, b, { seat, hold_org_id: holdOrg, revision: b.revision + 1, updated_at: now });
  // The seat left behind (or, for the queue, a seat of the new kind) may now go to someone waiting.
  await promoteWaitlist(trx, deps, s, b.seat);
  await promoteWaitlist(trx, deps, s, seat);
  const after = (await repo.findBooking(trx, b.id))!;
  // Moved to a queue with a seat free, they have it at once: "you have a place" (written by the
  // queue) says all of it; "you keep your turn in the queue" as well would say the opposite.
  // Its email says who moved it (`actorId`: the person, their office, a trainer).
  if (!(b.status === 'waitlisted' && after.status !== 'waitlisted')) await enqueue(trx, deps, 'seat_changed', b.id, actorId ? { actedBy: actorId } : {});
  return after;
}

/** Who got a seat a removal freed (shared/bookings.ts). */
type PromotedPlace = import('../../shared/bookings.js').PromotedPlace;

/**
 * A trainer (`actorId`) takes a person off a session, saying why; they are told (by whom), and
 * the queue moves. Says who got the seat it freed (`promoted`, queue order: confirmed, or
 * offered it until when), so the trainer is told who came up in their place.
 */
export async function removeBooking(trx: Trx, deps: Deps, bookingId: string, reason: string, actorId?: string): Promise<BookingRow & { promoted: PromotedPlace[] }> {
  const found = await repo.findBooking(trx, bookingId);
  if (!found) throw new AppError('not_found', 'No such booking.');
  const s = await lockOpenSession(trx, deps, found.session_id);
  const b = (await repo.findBooking(trx, bookingId))!;
  if (b.status === 'cancelled') return { ...b, promoted: [] };
  const now = deps.now().toISOString();
  // The same rule as the owner's own cancelling (cancelBooking).
  const kept = await placeKept(trx, b, s, now, 'removed');
  if (kept) throw kept;
  await repo.changeBooking(trx, b, { status: 'cancelled', cancelled_at: now, updated_at: now, revision: b.revision + 1, offer_expires_at: null });
  await enqueue(trx, deps, 'removed', b.id, { reason, actedBy: actorId, priorStatus: b.status });
  const promoted: PromotedPlace[] = [];
  if (b.status !== 'waitlisted') {
    // The queue as it stood (read under the session's lock), then those of it holding a seat of
    // that kind once it has moved: at most the seat kind's capacity of rows, however long the queue.
    const queue = await repo.waitlist(trx, s.id, b.seat);
    await promoteWaitlist(trx, deps, s, b.seat);
    if (queue.length) {
      const place = new Map(queue.map((w, i) => [w.id, i]));
      const seated = await trx
        .selectFrom('bookings as b')
        .innerJoin('users as u', 'u.id', 'b.user_id')
        .select(['b.id', 'b.user_id', 'b.status', 'b.offer_expires_at', 'u.name'])
        .where('b.session_id', '=', s.id)
        .where('b.seat', '=', b.seat)
        .where('b.status', 'in', ['confirmed', 'offered'])
        .execute();
      for (const r of seated.filter((r) => place.has(r.id)).sort((x, y) => place.get(x.id)! - place.get(y.id)!)) {
        promoted.push({ bookingId: r.id, userId: r.user_id, name: r.name, seat: b.seat, status: r.status as 'confirmed' | 'offered', offerExpiresAt: r.offer_expires_at, firstInQueue: place.get(r.id) === 0 });
      }
    }
  }
  return { ...(await repo.findBooking(trx, b.id))!, promoted };
}

/** Whether an offer's time has run out at `nowIso` (it may still be `offered` until the sweep). */
const offerLapsed = (b: Pick<BookingRow, 'offer_expires_at'>, nowIso: string) => b.offer_expires_at !== null && b.offer_expires_at <= nowIso;
/**
 * Whether a booking as read for people (views.ts) is still the person's place at `nowIso`:
 * confirmed or waiting, or an offer whose time has not run out. A lapsed offer is not, though
 * it stays `offered` until the sweep: accepting it is refused, and booking passes it on first.
 */
export const holdsPlace = (b: { status: string; offerExpiresAt: string | null }, nowIso: string) =>
  b.status === 'confirmed' || b.status === 'waitlisted' || (b.status === 'offered' && !offerLapsed({ offer_expires_at: b.offerExpiresAt }, nowIso));
/** The refusal to accept or decline an offer whose time has run out. */
const sessionCancelled = () => new AppError('session_cancelled', 'This session has been cancelled, so there is no seat on offer any more.');
const offerExpired = () => new AppError('not_offered', 'This offer has expired, so the seat goes to the next person in the queue.');

/** Takes an offered seat. */
export async function acceptOffer(trx: Trx, deps: Deps, actor: AuthUser, bookingId: string): Promise<BookingRow> {
  const found = await bookingForActor(trx, actor, bookingId, true);
  const s = await lockOpenSession(trx, deps, found.session_id);
  const b = (await repo.findBooking(trx, bookingId))!;
  const now = deps.now().toISOString();
  if (b.status === 'confirmed') return b;
  // Said first: cancelling the session also cancelled the offer, and that is why there is none.
  if (s.status === 'cancelled') throw sessionCancelled();
  if (b.status !== 'offered') throw new AppError('not_offered', 'There is no seat on offer for this booking.');
  if (offerLapsed(b, now)) throw offerExpired();
  await repo.changeBooking(trx, b, { status: 'confirmed', offer_expires_at: null, updated_at: now, revision: b.revision + 1 });
  await enqueue(trx, deps, 'confirmed', b.id);
  return (await repo.findBooking(trx, b.id))!;
}

/**
 * Turns down an offered seat; it goes to the next person in the queue. An offer whose time
 * has run out (the sweep not yet come) is refused as accepting it is: there is nothing left
 * to turn down, and the sweep records it as expired (the person told so, not that they declined).
 */
export async function declineOffer(trx: Trx, deps: Deps, actor: AuthUser, bookingId: string): Promise<BookingRow> {
  const found = await bookingForActor(trx, actor, bookingId, true);
  const s = await lockOpenSession(trx, deps, found.session_id);
  const b = (await repo.findBooking(trx, bookingId))!;
  if (s.status === 'cancelled') throw sessionCancelled();
  if (b.status !== 'offered') throw new AppError('not_offered', 'There is no seat on offer for this booking.');
  const now = deps.now().toISOString();
  if (offerLapsed(b, now)) throw offerExpired();
  await repo.changeBooking(trx, b, { status: 'cancelled', cancelled_at: now, offer_expires_at: null, updated_at: now, revision: b.revision + 1 });
  await enqueue(trx, deps, 'offer_declined', b.id);
  await promoteWaitlist(trx, deps, s, b.seat);
  return (await repo.findBooking(trx, b.id))!;
}

/**
 * Called by the catalogue before it saves an edit: refuses a capacity below the seats
 * already taken or still held for organisations, or removing a seat kind that people are
 * booked on or waiting for, or that is held for organisations (both said at the mode).
 */
export async function checkSessionChange(trx: Trx, deps: Deps, before: SessionRow, after: SessionRow) {
  // An offer whose time ran out (the sweep not yet come) holds no seat, as when booking.
  await expireOffersLocked(trx, deps, before);
  const now = deps.now().toISOString();
  const states = (await repo.loadSeatStates(trx, [before.id], now)).get(before.id)!;
  for (const seat of SEAT_KINDS) {
    const st = states[seat];
    const taken = st.confirmed + st.offered;
    const kindKept = seatsOfMode(after.mode).includes(seat);
    const newCapacity = kindKept ? capacityOf(after, seat) : 0;
    // A new mode that takes away a seat kind people are on: said at the mode, with what to do.
    if (!kindKept && taken + st.waitlisted > 0) {
      const people = taken + st.waitlisted;
      const message = `${people === 1 ? `1 person is booked on or waiting for ${seat === 'online' ? 'an online' : 'an in-person'} seat` : `${people} people are booked on or waiting for ${seatAdjective[seat]} seats`}, which a session ${after.mode === 'online' ? 'online' : 'in person'} only does not have. Move ${people === 1 ? 'them' : 'each of them'} to ${after.mode === 'online' ? 'an online' : 'an in-person'} seat on Who is coming, or remove them, first; or keep it hybrid.`;
      throw new AppError('capacity_below_confirmed', message, { seat, taken, waitlisted: st.waitlisted, requested: 0, issues: [{ path: 'mode', message }] });
    }
    if (newCapacity < taken) {
      throw new AppError('capacity_below_confirmed', `${seatsOf(taken, seat)} ${taken === 1 ? 'is' : 'are'} already taken; capacity cannot go below that.`, { seat, taken, requested: newCapacity });
    }
    if (newCapacity === 0 && st.waitlisted > 0) {
      throw new AppError('capacity_below_confirmed', `${st.waitlisted} people are waiting for ${seatAdjective[seat]} seats; those seats cannot be removed.`, { seat, waitlisted: st.waitlisted });
    }
    // Seats promised to organisations are kept too, until the holds are released: as they
    // will stand after the edit. A session moved later (or its release time) brings back
    // holds already released, whose seats may have gone to others meanwhile: refused, or the
    // holds would promise seats that are not there, and every later edit be refused for it.
    const activeAfter = now < repo.holdsReleaseAt(after);
    const held = activeAfter ? st.holds.reduce((n, h) => n + unclaimed(h), 0) : 0;
    // A new mode that takes away a seat kind held for organisations: said at the mode, naming
    // them (the seat counts are not on the form once the mode is chosen), with what to do.
    if (!kindKept && held > 0) {
      const holderIds = distinct(st.holds.filter((h) => unclaimed(h) > 0).map((h) => h.orgId));
      const names = await orgNames(trx, holderIds);
      const holders = listInWords(holderIds.map((id) => names.get(id) ?? 'an organisation').sort((a, b) => a.localeCompare(b, 'en-GB')));
      const message = `${held === 1 ? `1 ${seatAdjective[seat]} seat is` : `${held} ${seatAdjective[seat]} seats are`} held for ${holders}, which a session ${after.mode === 'online' ? 'online' : 'in person'} only does not have. Release ${held === 1 ? 'it' : 'them'} on Seat holds first, or keep it hybrid.`;
      throw new AppError('capacity_below_confirmed', message, { seat, taken, held, requested: 0, issues: [{ path: 'mode', message }] });
    }
    if (newCapacity < taken + held) {
      if (!st.holdsActive) {
        throw new AppError('capacity_below_confirmed', `This change brings back ${seatsOf(held, seat)} held for organisations, released on ${held === 1 ? 'its' : 'their'} release date, but ${taken} of ${newCapacity} are now taken. Reduce or remove those seat holds first, or keep the hold release time as it was.`, { seat, taken, held, requested: newCapacity });
      }
      throw new AppError('capacity_below_confirmed', `${seatsOf(held, seat)} ${held === 1 ? 'is' : 'are'} held for organisations and ${taken} taken; capacity cannot go below ${taken + held}. Reduce the held seats first.`, { seat, taken, held, requested: newCapacity });
    }
  }
}

/**
 * Called by the catalogue after it saved an edit: tells people, and fills any new seats. An
 * offer never runs past the start (the waitlist rule): a session moved earlier brings its
 * offers' expiry forward with it, and one already due passes on at once.
 */
export async function afterSessionChange(trx: Trx, deps: Deps, after: SessionRow, opts: { timeOrPlaceChanged: boolean; inviteTextChanged?: boolean; venueOnly?: boolean; before?: Pick<SessionRow, 'title' | 'starts_at' | 'ends_at' | 'venue' | 'mode'> }) {
  const now = deps.now().toISOString();
  // A session held and then moved to a later date gives its register back as places: those
  // of people whose accounts have since been turned off are given up, as turning an account
  // off gives up places still to come. They have left: no seat, and nothing is sent to them.
  if (after.ends_at > now) {
    for (const b of await repo.activeBookingsOfTurnedOff(trx, after.id)) {
      await repo.changeBooking(trx, b, { status: 'cancelled', cancelled_at: now, updated_at: now, revision: b.revision + 1, offer_expires_at: null });
    }
  }
  if (opts.timeOrPlaceChanged) {
    for (const b of await repo.activeBookingsOfSession(trx, after.id)) {
      if (!toldOfMove(b, after, now, opts.venueOnly === true)) continue;
      if (b.status === 'offered' && b.offer_expires_at !== null && b.offer_expires_at > after.starts_at) {
        await repo.changeBooking(trx, b, { offer_expires_at: after.starts_at, revision: b.revision + 1, updated_at: now });
      } else await repo.touchBooking(trx, b.id, { revision: b.revision + 1, updated_at: now });
      // The notice keeps what the session was (`before`): its message says what changed, old and new.
      await enqueue(trx, deps, 'session_changed', b.id, opts.before ? { reason: changeReason(opts.before) } : {});
    }
    await expireOffersLocked(trx, deps, after);
  } else if (opts.inviteTextChanged && after.ends_at > now) {
    // A new title, description or zone changes what the invite in each seat holder's calendar
    // says: they are sent its new version (people waiting or offered a seat have no event).
    for (const b of await repo.activeBookingsOfSession(trx, after.id)) {
      if (b.status !== 'confirmed') continue;
      await repo.touchBooking(trx, b.id, { revision: b.revision + 1, updated_at: now });
      await enqueue(trx, deps, 'session_changed', b.id, { reason: opts.before ? detailsReason(opts.before.title) : DETAILS_CHANGED });
    }
  }
  for (const seat of seatsOfMode(after.mode)) await promoteWaitlist(trx, deps, after, seat);
}

/**
 * Whether a place's holder is told of a new time or place: not when only the venue changed
 * and theirs is an online seat (their invite names the session page, not the venue), and no
 * one once the session, as changed, is over (an offer whose time has run out is ended first,
 * by checkSessionChange, and told that) (a correction of a past session's times is for
 * its record: those who waited never had a place, and those who had one are past it; the
 * edit page says so).
 */
export function toldOfMove(b: Pick<BookingRow, 'seat'>, after: Pick<SessionRow, 'ends_at'>, nowIso: string, venueOnly: boolean): boolean {
  if (venueOnly && b.seat === 'online') return false;
  return after.ends_at > nowIso;
}

/** The session is off (cancelled by `actorId`): every active booking is cancelled and everyone is told, by whom. Returns how many were told. */
export async function cancelAllForSession(trx: Trx, deps: Deps, s: SessionRow, reason?: string, actorId?: string): Promise<number> {
  // The session's own instant (its cancelled_at): its places are cancelled with it at the same one.
  const now = s.cancelled_at ?? deps.now().toISOString();
  const deltas = new repo.SeatDeltas();
  const active = await repo.activeBookingsOfSession(trx, s.id);
  for (const b of active) {
    await repo.cancelledWith(trx, b.id, { cancelled_at: now, updated_at: now, revision: b.revision + 1 });
    deltas.change(b, { ...b, status: 'cancelled' });
    await enqueue(trx, deps, 'session_cancelled', b.id, { reason, actedBy: actorId, priorStatus: b.status });
  }
  await deltas.apply(trx);
  await raiseFeeds(trx, { sessionId: s.id }, now, now);
  return active.length;
}

/** Sets how many seats of a kind a session holds for an organisation (0 removes the hold). */
/**
 * Sets an organisation's hold of `seat` seats on a session. `bound` (office staff holding for
 * their own school) limits a larger hold to what the school could fill: the seats already
 * claimed plus its staff with no place on the session yet, less the seats of the other kind it
 * holds for them (staffBound: online and in person together), counted under the session's lock.
 * No one may set a hold below the seats already claimed from it (409 `conflict`); 0 still
 * releases it, and the staff who claimed seats keep them (as seats no longer of the hold). A session cancelled or over keeps
 * its holds as they were: nothing can be set, changed or released on it (409
 * `session_cancelled`, `session_ended`).
 */
export async function setHold(trx: Trx, deps: Deps, sessionId: string, orgId: string, seat: SeatKind, seats: number, bound?: { name: string; unplaced: (trx: Trx) => Promise<number> }) {
  const s = await lockOpenSession(trx, deps, sessionId);
  // A hold keeps seats for a school's staff to book: once the session is cancelled or over
  // there is nothing left to book, and its holds stay as they were, a record of what was held.
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled, so seats can no longer be held on it.');
  if (deps.now().toISOString() >= s.ends_at) throw new AppError('session_ended', 'This session has ended, so its seat holds can no longer be set, changed or released.');
  await holdLocked(trx, deps, s, orgId, seat, seats, bound);
}

/** setHold on a session whose lock the caller holds (`s` read under it), with no check of whether it is still to come. */
async function holdLocked(trx: Trx, deps: Deps, s: SessionRow, orgId: string, seat: SeatKind, seats: number, bound?: { name: string; unplaced: (trx: Trx) => Promise<number> }) {
  if (!seatsOfMode(s.mode).includes(seat)) throw new AppError('validation_failed', 'This session has no seats of that kind.', { issues: [{ path: 'seat', message: 'not offered by this session' }] });
  // Its organisation kept as it is until this commits (PostgreSQL `for share`): a school moved
  // out of the trust meanwhile is either seen moved here, or waits for this hold and then
  // releases it with its others (releaseForMovedOrg), never a hold left outside who the session is for.
  if (seats > 0) await repo.orgKept(trx, deps.dbKind, orgId);
  if (seats > 0 && !(await repo.orgInAudience(trx, s.id, orgId))) {
    throw new AppError('validation_failed', 'Seats can only be held for an organisation the session is for.', { issues: [{ path: 'orgId', message: 'is outside who the session is for' }] });
  }
  // Both kinds, read together under the session's lock: an office's bound is on the seats
  // its school holds of every kind (see staffBound), so two saves cannot pass it between them.
  const states = (await repo.loadSeatStates(trx, [s.id], deps.now().toISOString())).get(s.id)!;
  const state = states[seat];
  const current = state.holds.find((h) => h.orgId === orgId);
  const claimed = current?.claimed ?? 0;
  // Held seats are open to anyone from the release time (else the booking cut-off): a hold set or
  // raised then would be stored and hold nothing. Lowering or giving one back stays possible.
  if (seats > (current?.seats ?? 0) && deps.now().toISOString() >= repo.holdsReleaseAt(s)) {
    throw new AppError('holds_released', 'Held seats on this session have been released (booking has closed, or the release time has passed), so no more can be held on it. A hold can still be lowered or given back.');
  }
  const others = state.holds.filter((h) => h.orgId !== orgId).reduce((n, h) => n + unclaimed(h), 0);
  const room = state.capacity - state.confirmed - state.offered - others;
  // A hold smaller than the seats already taken from it would read "2 taken of 1": refused.
  // Releasing it (0) stays possible: the staff keep their seats.
  if (seats > 0 && seats < claimed) {
    const name = bound?.name ?? (await orgNames(trx, [orgId])).get(orgId) ?? 'the organisation';
    throw new AppError('conflict', `${claimed} ${seatAdjective[seat]} seats of this hold are already taken by staff of ${name}: hold at least ${claimed}, or 0 to release the hold (they keep their seats).`, { claimed });
  }
  // Fewer held seats than now (down to those taken) is always possible (even once the hold is released and the seats taken).
  // A larger one is bounded by the seats free to hold and, for an office, by its staff who
  // could fill them. The number asked for is the hold in all (claimed seats included), so each
  // bound is said as the largest such number, and the lower of the two is said first: the
  // number a refusal gives is one that is then accepted.
  const held = current?.seats ?? 0;
  if (seats > held) {
    const inAll = claimed + Math.max(0, room);
    const staff = bound ? staffBound(states, seat, orgId, claimed, await bound.unplaced(trx)) : undefined;
    const staffMost = staff?.most ?? Infinity;
    if (seats > inAll && inAll <= staffMost) {
      throw new AppError(
        'conflict',
        inAll > held
          ? held > 0
            ? `You can hold at most ${seatsOf(inAll, seat)} in all on this session (${inAll - held} more than the ${held} held now).`
            : `You can hold at most ${seatsOf(inAll, seat)} on this session.`
          : held > 0
            ? `No more seats can be held on this session: every other seat is taken or held (the ${held} held now can stay).`
            : 'No more seats can be held on this session: every seat is taken or held.',
        { available: Math.max(0, room), most: inAll },
      );
    }
    if (bound && staff && seats > staffMost) {
      if (staff.otherHeld === 0 || staff.unplaced === 0) {
        const who = staffMost - claimed === 1 ? 'one member of staff' : `${staffMost - claimed} members of staff`;
        throw new AppError('conflict', `${bound.name} can hold at most ${seatsOf(staffMost, seat)} here: ${claimed ? `${claimed} already claimed, and ` : ''}${who} with no place on this session yet.`, { available: Math.max(0, staffMost), most: staffMost });
      }
      // Its staff with no place are already held seats of the other kind: said, with what to do.
      const other = seatAdjective[staff.otherSeat];
      const has = `${bound.name} has ${staff.unplaced === 1 ? '1 member of staff' : `${staff.unplaced} staff`} with no place on this session and already holds ${seatsOf(staff.otherHeld, staff.otherSeat)}${staff.otherClaimed > 0 ? ' not yet taken' : ''}`;
      const most = Math.max(held, staffMost);
      throw new AppError(
        'conflict',
        staffMost > held
          ? `${has}, so it can hold at most ${seatsOf(staffMost, seat)}${claimed ? ` in all (${claimed} already taken)` : ''}. To hold more, release some ${other} seats first.`
          : held > 0
            ? `${has}, so it cannot hold more ${seatAdjective[seat]} seats than the ${held} it holds now. Release some ${other} seats first.`
            : `${has}, so it cannot hold ${seatAdjective[seat]} seats as well. Release some ${other} seats first.`,
        { available: Math.max(0, staffMost), most },
      );
    }
  }
  // Released: the staff who claimed seats keep them as seats of their own, no longer counted
  // against the hold, so a hold set again later starts afresh (it held nothing new before).
  if (seats === 0 && claimed > 0) await repo.releaseClaims(trx, s.id, orgId, seat);
  await repo.setHoldSeats(trx, { session_id: s.id, org_id: orgId, seat, seats, claimed: seats === 0 ? 0 : claimed, id: randomUUID(), created_at: deps.now().toISOString() });
  await promoteWaitlist(trx, deps, s, seat);
}

/**
 * The most seats of `seat` an office may hold for its school (`orgId`) on a session, in all:
 * those its staff already took from this hold, plus its staff with no place on the session
 * (`unplaced`) less the seats it holds of the other kind that nobody has taken yet. So the
 * seats it holds, online and in person together, are never more than its staff could fill.
 * `states` are the session's seat states read under its lock.
 */
function staffBound(states: Record<SeatKind, SeatState>, seat: SeatKind, orgId: string, claimed: number, unplaced: number) {
  const otherSeat = SEAT_KINDS.find((k) => k !== seat)!;
  const other = states[otherSeat].holds.find((h) => h.orgId === orgId);
  const otherHeld = other ? unclaimed(other) : 0;
  return { most: claimed + Math.max(0, unplaced - otherHeld), unplaced, otherSeat, otherHeld, otherClaimed: other && other.seats > 0 ? other.claimed : 0 };
}

/**
 * Periodic work on one session under its lock: expire stale offers and hand seats freed by
 * released holds to the queue. Safe to run from any process, any number of times.
 */
export async function sweepSession(trx: Trx, deps: Deps, sessionId: string) {
  const s = await lockOpenSession(trx, deps, sessionId);
  if (s.status !== 'scheduled') return;
  await expireOffersLocked(trx, deps, s);
  for (const seat of seatsOfMode(s.mode)) await promoteWaitlist(trx, deps, s, seat);
}

/** "You already have a seat…" to the person themselves (`name` null), "Sam Jones already…" to an office booking them. */
export function alreadyBookedMessage(name: string | null, status: string): string {
  const what = status === 'waitlisted' ? 'a place on the waitlist' : status === 'offered' ? 'a seat offered' : 'a seat';
  return name === null ? `You already have ${what} for this session.` : `${name} already has ${what} for this session.`;
}

/**
 * A page of the organisations seats may be held for on a session: those it is for (every one
 * for the programme), `ids` only when given, whose name or URN matches `q`; by name.
 */
export async function holdableOrgs(deps: Deps, sessionId: string, query: { q?: string; ids?: readonly string[]; limit: number; offset: number }) {
  const s = await repo.findSession(deps.db, sessionId);
  if (!s) throw new AppError('not_found', 'No such session.');
  const scope: OrgScope = s.audience_kind === 'programme' || !s.audience_org_id ? { all: true } : { all: false, orgId: s.audience_org_id, withChildren: s.audience_kind === 'trust' };
  const { rows, total } = await searchOrgs(deps.db, { scope, text: query.q || undefined, ids: query.ids, limit: query.limit, offset: query.offset });
  return { items: rows.map((o) => ({ id: o.id, name: o.name, urn: o.urn ?? null })), hasMore: query.offset + rows.length < total, total };
}

/**
 * The seats held on a session, per organisation and seat kind, or (`orgIds`) only those of
 * these organisations. Undefined when there is no such session.
 */
export async function holdsOfSession(deps: Deps, sessionId: string, orgIds?: readonly string[]) {
  const session = await repo.findSession(deps.db, sessionId);
  if (!session) return undefined;
  const states = (await repo.loadSeatStates(deps.db, [session.id], deps.now().toISOString())).get(sessionId)!;
  // A hold of no seats only keeps the claims of one that was removed: it is not shown.
  const holds = SEAT_KINDS.flatMap((seat) => states[seat].holds.filter((h) => h.seats > 0 && (orgIds === undefined || orgIds.includes(h.orgId))).map((h) => ({ ...h, seat })));
  const names = await orgNames(deps.db, distinct(holds.map((h) => h.orgId)));
  return holds.map((h) => ({ orgId: h.orgId, orgName: names.get(h.orgId) ?? '', seat: h.seat, seats: h.seats, claimed: h.claimed }));
}
