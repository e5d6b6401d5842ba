/**
 * The session catalogue: create, read, list, edit and cancel sessions. Changes that affect
 * bookings (capacity, time, place, cancellation) hand over to the booking engine inside
 * the same transaction.
 */
import { listInWords } from '../platform/words.js';
import { Temporal } from 'temporal-polyfill';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { sameLines } from '../../shared/common.js';
import type { Transaction } from 'kysely';
import type { Database, SeatKind, SessionRow } from '../../db/schema.js';
import type { SessionFit } from '../../shared/timetables.js';
import { findOrg, findUsersByIds, orgNames } from '../accounts/repository.js';
import { AppError, isForeignKeyViolation } from '../errors.js';
import { withinLimits } from '../accounts/throttle.js';
import { perDatabase, type Deps } from '../platform/deps.js';
import { rangeEdge } from '../platform/range.js';
import { batchedLookup } from '../platform/batching.js';
import { changeVersion } from '../platform/change-version.js';
import { ReadCache, windowAround } from '../platform/read-cache.js';
import type { AuthUser } from '../platform/http.js';
import {
  sessionShapeIssues,
  type AudienceInput,
  sameCourseTitle,
  type CreateCourseInput,
  type CreateSeriesInput,
  type CreateSessionInput,
  type Session,
  type SessionQuery,
  type TrainerSessionQuery,
  type UpdateCourseInput,
  type UpdateSessionInput,
} from '../../shared/sessions.js';
import { seatCounts, type SeatState } from '../bookings/availability.js';
import { anyoneRuns, bookingEndsOf, holdsOf, namedTrainers, holdsReleaseAt, lockSession, placesOverlapping, seatStatesOf, visibleSessionIds } from '../bookings/repository.js';
import { alsoBooked } from './also-booked.js';

/** The stored counts of a session no one has booked yet. */
/** Sessions read at a time to check against a timetable for `fits=me`: every matching one is checked, however many. */
const FIT_BATCH = 2000;
const NO_SEATS_TAKEN = { confirmed_in_person: 0, offered_in_person: 0, waiting_in_person: 0, confirmed_online: 0, offered_online: 0, waiting_online: 0 };
import * as engine from '../bookings/service.js';
import { placesChanged } from '../bookings/events.js';
import * as repo from './repository.js';
import { mayGiveToLead, requireLeadMayPublish, runsSessions } from './leads.js';
import { callerHasTimetable, fitsForListing, fitsForSessions, type ListedFit } from '../timetables/service.js';
import { attendedCount, finaliseSessionIfOver, moveClearsRecord, outcomesAfterSessionChange } from '../attendance/service.js';
import { reopenRoom } from '../live/repository.js';
import { sessionCancelled } from '../live/service.js';
import { tellTrainersRemoved } from '../notifications/trainer-removed.js';

/** A session as `viewerOrgId`'s people see it (their organisation's held seats count as free to them). */
export function toSession(row: repo.SessionViewRow, trainerIds: string[], seats: Record<SeatKind, SeatState>, viewerOrgId: string | null = null, names: ReadonlyMap<string, string> = new Map()): Session {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    courseId: row.course_id,
    part: Number(row.part),
    mode: row.mode,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: row.time_zone,
    venue: row.venue,
    area: row.area,
    capacity: { inPerson: row.capacity_in_person, online: row.capacity_online },
    status: row.status,
    trainerIds,
    waitlistPolicy: row.waitlist_policy,
    offerHoldMinutes: row.offer_hold_minutes,
    bookingClosesAt: row.booking_closes_at,
    bookingEndsAt: row.booking_ends_at,
    holdsReleaseAt: row.holds_release_at,
    roomKind: row.room_kind,
    attendanceThreshold: Number(row.attendance_threshold),
    seats: { inPerson: seatCounts(seats.in_person, viewerOrgId), online: seatCounts(seats.online, viewerOrgId) },
    audience: { kind: row.audience_kind, orgId: row.audience_org_id, orgName: row.audience_org_id ? (names.get(row.audience_org_id) ?? null) : null },
  };
}

/** Organisations' chains, looked up together for the requests read together (every signed-in list and session page asks). */
const orgChainOf = perDatabase((deps: Deps) => batchedLookup((ids: string[]) => repo.orgChains(deps.db, ids)));

/** Whom `user` sees sessions as: an administrator everything; anyone else by their organisation, its trust, and the sessions they run. */
export async function viewerOf(deps: Deps, user: Pick<AuthUser, 'id' | 'role' | 'orgId'>): Promise<repo.Viewer> {
  return repo.viewerFor(deps.db, user, async (orgId) => (await orgChainOf(deps)(orgId)) ?? []);
}

/**
 * The guard every route about one session goes through: a session `user` may not see is
 * answered exactly as one that does not exist (a 404).
 */
export async function requireVisibleSession(deps: Deps, user: Pick<AuthUser, 'id' | 'role' | 'orgId'>, id: string): Promise<void> {
  const seen = await visibility(deps, user, id);
  // The same words whichever it is, so they tell no one whether a session they may not see exists.
  if (seen !== 'visible') throw new AppError('not_found', 'No such session: it may have been removed, or be for another school’s staff only.');
}

/** Who each session is for, looked up together for the requests read in one turn (every request about one session asks). */
const audienceKindOf = perDatabase((deps: Deps) => batchedLookup((ids: string[]) => repo.audienceKinds(deps.db, ids)));

/**
 * Whether `user` may see a session: a programme session (most of them) is everyone's, known
 * from one look shared by the turn's requests, with no look at the viewer's organisations;
 * any other takes the one visibility rule (`visibleTo`).
 */
async function visibility(deps: Deps, user: Pick<AuthUser, 'id' | 'role' | 'orgId'>, id: string): Promise<'visible' | 'hidden' | 'missing'> {
  const kind = await audienceKindOf(deps)(id);
  if (kind === undefined) return 'missing';
  if (kind === 'programme') return 'visible';
  return repo.sessionVisibility(deps.db, id, await viewerOf(deps, user));
}

/** Whether `user` (a person being booked, say) is among the people a session is for. */
export async function isVisibleTo(deps: Deps, user: Pick<AuthUser, 'id' | 'role' | 'orgId'>, id: string): Promise<boolean> {
  return (await visibility(deps, user, id)) === 'visible';
}

/** The stored audience of a session from its input, after checking the organisation named. */
async function checkAudience(deps: Deps, audience: AudienceInput | undefined): Promise<{ audience_kind: 'programme' | 'organisation' | 'trust'; audience_org_id: string | null }> {
  if (!audience || audience.kind === 'programme') return { audience_kind: 'programme', audience_org_id: null };
  if (!(await findOrg(deps.db, audience.orgId))) {
    throw new AppError('validation_failed', 'The organisation chosen for who the session is for does not exist.', { issues: [{ path: 'audience.orgId', message: 'not found' }] });
  }
  if (audience.kind === 'trust' && !(await repo.hasChildOrgs(deps.db, audience.orgId))) {
    throw new AppError('validation_failed', 'That organisation has no schools under it: choose "one organisation" for its own staff.', { issues: [{ path: 'audience.orgId', message: 'is not a trust or local authority' }] });
  }
  return { audience_kind: audience.kind, audience_org_id: audience.orgId };
}

/**
 * Full views of many session rows, with trainers and seats (as `viewer` sees them), in two
 * queries, or none when `known` gives the trainers and holds read with the rows (a listing
 * page). The seats are the counts stored on the rows and their holds: no booking is read,
 * so a page costs the same however many people have booked.
 */
export async function sessionViews(deps: Deps, rows: repo.SessionViewRow[], viewer?: Pick<AuthUser, 'orgId'>, known?: Pick<repo.SessionPage, 'trainers' | 'holds'>, now = deps.now()): Promise<Session[]> {
  const ids = rows.map((r) => r.id);
  const [trainers, holds, names] = await Promise.all([known?.trainers ?? repo.trainerIdsOf(deps.db, ids), known?.holds ?? holdsOf(deps.db, ids), audienceNames(deps, rows)]);
  const seats = seatStatesOf(rows, holds, now.toISOString());
  return rows.map((r) => toSession(r, trainers.get(r.id) ?? [], seats.get(r.id)!, viewer?.orgId ?? null, names));
}

/** The names of the organisations in-house sessions among `rows` are for (no query when there are none). */
function audienceNames(deps: Deps, rows: readonly Pick<repo.SessionViewRow, 'audience_org_id'>[]) {
  return orgNames(deps.db, [...new Set(rows.flatMap((r) => (r.audience_org_id ? [r.audience_org_id] : [])))]);
}

/**
 * A session; with a caller, also whether it fits the caller's timetable, and their own other
 * places at the same time (`alsoBooked`).
 */
export async function getSession(deps: Deps, id: string, caller?: AuthUser): Promise<Session> {
  if (caller) await requireVisibleSession(deps, caller, id);
  const row = await repo.findSession(deps.db, id);
  if (!row) throw new AppError('not_found', 'No such session.');
  const listed = (await sessionViews(deps, [row], caller))[0]!;
  // One session's own answer says why it was cancelled, when its trainer said (lists leave it out).
  const view = row.status === 'cancelled' ? { ...listed, cancelReason: row.cancel_reason ?? null } : listed;
  if (!caller) return view;
  // A hybrid session is judged for each seat kind too (Session.fitBySeat), in the same one read of the timetable.
  const bySeat = row.mode === 'hybrid' ? (['online', 'in_person'] as const).map((seat) => ({ ...row, id: `${row.id}:${seat}`, seat })) : [];
  const [fits, others] = await Promise.all([fitsForSessions(deps, caller, [row, ...bySeat]), placesAtTheSameTime(deps, caller, row)]);
  const online = fits?.get(`${row.id}:online`);
  const inPerson = fits?.get(`${row.id}:in_person`);
  return { ...view, fit: fits?.get(row.id) ?? null, alsoBooked: others, ...(online && inPerson ? { fitBySeat: { online, inPerson } } : {}) };
}

/**
 * `caller`'s other places at the same time as the session `row` (alsoBooked, the rule): one
 * query of their own bookings. A programme session is everyone's; only when an in-house
 * session is among them does the one visibility rule (`visibleTo`) read which they may see,
 * so that one they may not (moved to another school, say) is left out as if it did not exist.
 */
async function placesAtTheSameTime(deps: Deps, caller: AuthUser, row: Pick<SessionRow, 'id' | 'starts_at' | 'ends_at'>) {
  const places = await placesOverlapping(deps.db, caller.id, { sessionId: row.id, startsAt: row.starts_at, endsAt: row.ends_at });
  const inHouse = places.filter((p) => p.audience_kind !== 'programme').map((p) => p.session_id);
  const seen = inHouse.length > 0 ? await visibleSessionIds(deps.db, inHouse, await viewerOf(deps, caller)) : new Set<string>();
  const visible = places.filter((p) => p.audience_kind === 'programme' || seen.has(p.session_id));
  return alsoBooked({ id: row.id, startsAt: row.starts_at, endsAt: row.ends_at }, visible, deps.now().toISOString());
}

/** A session, for a `caller` who can see it, with its seats as `orgId`'s people see them (an office booking that organisation's staff). */
export async function sessionAsOrgSees(deps: Deps, id: string, caller: AuthUser, orgId: string): Promise<Session> {
  await requireVisibleSession(deps, caller, id);
  const row = await repo.findSession(deps.db, id);
  if (!row) throw new AppError('not_found', 'No such session.');
  return (await sessionViews(deps, [row], { orgId }))[0]!;
}

/**
 * The session page's answer: the session as `caller` sees it, and whether they run it
 * (`youRun`, by the one rule every trainer's route applies: `managesSession`), so a lead
 * who no longer leads its organisation is not shown tools the server would refuse.
 */
export async function sessionForCaller(deps: Deps, id: string, caller: AuthUser): Promise<Session> {
  const [view, youRun] = await Promise.all([getSession(deps, id, caller), engine.managesSession(deps, caller, id)]);
  // Office staff of the organisation an in-house session is for may give it to one of its leads.
  const mayGive = caller.role === 'office' && mayGiveToLead(deps, caller, { audience_org_id: view.audience.orgId, status: view.status, ends_at: view.endsAt });
  // Said to those who could give it another trainer, while that still matters.
  const stillToCome = view.status === 'scheduled' && Date.parse(view.endsAt) > deps.now().getTime();
  const named = mayGive ? await namedTrainers(deps.db, id) : undefined;
  return {
    ...view,
    youRun,
    ...(named ? { mayGiveToLead: true, namedToRun: named.map(({ userId, name, runs }) => ({ userId, name, runs })) } : {}),
    ...((youRun || mayGive) && stillToCome ? { noOneRuns: named ? !named.some((t) => t.runs) : !(await anyoneRuns(deps.db, id)) } : {}),
  };
}

/** Whether an edit changes what a calendar invite says besides its time and place: the title, the description, or the zone its times are written in. */
const inviteTextChanged = (row: SessionRow, patch: UpdateSessionInput) =>
  (patch.title !== undefined && patch.title !== row.title) || (patch.description !== undefined && sameLines(patch.description) !== sameLines(row.description)) || (patch.timeZone !== undefined && patch.timeZone !== row.time_zone);

const iso = (s: string) => new Date(s).toISOString();

/** A session-shape problem in words for people ("The number of online seats is required for this mode"); the field path stays in the issues. */
const FIELD_NAMES: Record<string, string> = { endsAt: 'The end time', startsAt: 'the start time', bookingClosesAt: 'The booking cut-off', holdsReleaseAt: 'The hold release time', venue: 'The venue', 'capacity.inPerson': 'The number of in-person seats', 'capacity.online': 'The number of online seats' };
function shapeMessage(issue: { path: string[]; message: string }): string {
  const message = issue.message.replace(/\bstartsAt\b/, FIELD_NAMES.startsAt!).replace(/\bendsAt\b/, 'the end time');
  // "must ...", "is ...": said of the field; anything else is a sentence of its own.
  if (!/^(must|is)\b/.test(message)) return `${message[0]!.toUpperCase()}${message.slice(1)}.`;
  return `${FIELD_NAMES[issue.path.join('.')] ?? 'The session'} ${message}.`;
}

async function checkTrainers(deps: Deps, ids: string[]) {
  return checkRunners(deps, null, ids);
}

/**
 * Who may be named to run a session (`current`: those running it now), and by whom. Anyone
 * already running it may stay. An administrator (`actor` null: a course's list) adds trainers
 * and administrators. A trainer or in-house lead stays on it themselves (a session they
 * publish or edit is theirs to run; an administrator hands one over) and adds trainers whose
 * accounts are on, as co-trainers: never an administrator, a lead or a turned-off account.
 * They may take a co-trainer off again (co-trainers run it as equals: each could cancel it),
 * and anyone named who no longer runs it; not an in-house lead or administrator who does,
 * whom they could not put back.
 */
async function checkRunners(deps: Deps, actor: AuthUser | null, ids: string[], current: readonly string[] = [], sessionId?: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  const chooser = actor && actor.role !== 'admin' ? actor : null;
  const added = unique.filter((id) => !current.includes(id) && id !== chooser?.id);
  const users = await findUsersByIds(deps.db, added);
  const userOf = (id: string) => users.find((u) => u.id === id);
  // Named as people know them; an id only for someone who has no account (any more).
  const named = (ids: string[]) => ids.map((id) => userOf(id)?.name ?? id);
  const bad = added.filter((id) => userOf(id)?.role !== 'trainer' && userOf(id)?.role !== 'admin');
  if (bad.length) {
    const names = named(bad);
    const who = `${listInWords(names)} ${names.length === 1 ? 'is not a trainer' : 'are not trainers'}`;
    throw new AppError('validation_failed', `Only trainers and administrators can run sessions: ${who}.`, { issues: names.map((name) => ({ path: 'trainerIds', message: `${name} is not a trainer` })) });
  }
  if (!chooser) {
    // A session edited keeps someone to run it (the form asks for one at least): an
    // administrator hands it over, not away. (A trainer or lead stays on it themselves, below.)
    if (sessionId && unique.length === 0 && current.length > 0) {
      throw new AppError('validation_failed', 'A session needs at least one trainer: tick who should run it before taking the others off. Nothing was changed.', { issues: [{ path: 'trainerIds', message: 'choose at least one trainer to run this session' }] });
    }
    return unique;
  }
  if (!unique.includes(chooser.id)) {
    throw new AppError('forbidden', 'You run the sessions you publish and edit: keep yourself among its trainers (an administrator can hand a session over).', { issues: [{ path: 'trainerIds', message: 'must include you' }] });
  }
  const refused = added.filter((id) => userOf(id)?.role !== 'trainer' || userOf(id)?.disabled_at);
  if (refused.length) {
    const names = named(refused);
    const who = `${listInWords(names)} ${names.length === 1 ? 'is not a trainer' : 'are not trainers'} you can add`;
    throw new AppError('forbidden', `You can add trainers as co-trainers; only an administrator can name anyone else to run a session: ${who}.`, { issues: names.map((name) => ({ path: 'trainerIds', message: `${name} is not a trainer you can add` })) });
  }
  // Taking someone off is for those one could put back: a co-trainer (a trainer), or anyone
  // named who no longer runs it. An in-house lead or an administrator who runs it stays: a
  // co-trainer could not add them again, and the organisation would lose its own session.
  const dropped = current.filter((id) => !unique.includes(id));
  if (sessionId && dropped.length) {
    const stays = (await namedTrainers(deps.db, sessionId)).filter((t) => dropped.includes(t.userId) && t.runs && t.role !== 'trainer');
    if (stays.length) {
      const names = stays.map((t) => t.name);
      throw new AppError('forbidden', `You can take co-trainers off; ${listInWords(names)} ${names.length === 1 ? 'runs' : 'run'} it as an in-house lead or administrator, whom only an administrator can take off.`, {
        issues: names.map((name) => ({ path: 'trainerIds', message: `${name} can be taken off only by an administrator` })),
      });
    }
  }
  return unique;
}

/** A session's course is not there (never was, or deleted before or while the session was saved): refused beside the course field. */
const courseGone = () => new AppError('validation_failed', 'That course does not exist. It may have been removed.', { issues: [{ path: 'courseId', message: 'not found' }] });

async function checkCourse(deps: Deps, courseId: string | null | undefined) {
  if (courseId && !(await repo.findCourse(deps.db, courseId))) throw courseGone();
}

/**
 * In the transaction that makes a session name `courseId`: the course is held until it commits,
 * so deleting it takes turns with this (repo.lockCourseForUse): deleted first, this is refused
 * (courseGone) and changes nothing; otherwise the delete waits, counts this session and is
 * refused. checkCourse, before the transaction, only spares a doomed one its work.
 */
async function holdCourse(trx: Transaction<Database>, deps: Deps, courseId: string | null | undefined) {
  if (courseId && !(await repo.lockCourseForUse(trx, deps.dbKind, courseId))) throw courseGone();
}

/**
 * Runs `write` (a transaction saving a session for `courseId`); should the database still refuse
 * it as naming a course that is gone (a foreign-key violation, which holdCourse leaves no room
 * for), that is said as courseGone, not as a 500. Any other violation is left as it is.
 */
async function savedForCourse<T>(deps: Deps, courseId: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (courseId && isForeignKeyViolation(e) && !(await repo.findCourse(deps.db, courseId))) throw courseGone();
    throw e;
  }
}

/** The row of a new session from its input (times as given, or `at` for one of a series). */
function newSessionRow(actor: AuthUser, input: CreateSessionInput, now: string, audience: Awaited<ReturnType<typeof checkAudience>>, at: { startsAt: string; endsAt: string } = input) {
  const row = {
    id: randomUUID(),
    ...audience,
    course_id: input.courseId ?? null,
    part: input.part ?? 1,
    title: input.title,
    description: input.description ?? '',
    mode: input.mode,
    starts_at: iso(at.startsAt),
    ends_at: iso(at.endsAt),
    time_zone: input.timeZone ?? 'Europe/London',
    venue: input.mode === 'online' ? (input.venue ?? null) : input.venue!,
    area: input.area ?? null,
    capacity_in_person: input.capacity.inPerson ?? 0,
    capacity_online: input.capacity.online ?? 0,
    status: 'scheduled' as const,
    booking_closes_at: input.bookingClosesAt ? iso(input.bookingClosesAt) : null,
    waitlist_policy: input.waitlistPolicy ?? 'auto',
    offer_hold_minutes: input.offerHoldMinutes ?? 1440,
    holds_release_at: input.holdsReleaseAt ? iso(input.holdsReleaseAt) : null,
    room_kind: input.roomKind ?? 'webinar',
    attendance_threshold: input.attendanceThreshold ?? 0.75,
    join_opens_minutes: 15,
    revision: 0,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  return { ...row, booking_ends_at: bookingEndsOf(row) };
}

/** Whether `actor` publishes as an in-house lead (not a trainer or administrator). */
const asLead = (actor: AuthUser) => actor.role !== 'trainer' && actor.role !== 'admin';

/**
 * Who runs a new session: those named (trainers allowed for its course), or the trainer
 * publishing it. An in-house lead publishes only for their own organisation, and runs it;
 * a course an administrator has limited to named trainers is closed to leads as to any
 * other trainer not named (its sessions give completion credit).
 */
async function trainersOfNew(deps: Deps, actor: AuthUser, input: CreateSessionInput): Promise<string[]> {
  if (asLead(actor)) await requireLeadMayPublish(deps, actor, input.audience);
  const trainerIds = await checkRunners(deps, actor, input.trainerIds ?? (actor.role === 'admin' ? [] : [actor.id]));
  await checkCourseTrainers(deps, input.courseId, trainerIds);
  return trainerIds;
}

export async function createSession(deps: Deps, actor: AuthUser, input: CreateSessionInput): Promise<Session> {
  await checkCourse(deps, input.courseId);
  const trainerIds = await trainersOfNew(deps, actor, input);
  const audience = await checkAudience(deps, input.audience);
  const row = newSessionRow(actor, input, deps.now().toISOString(), audience);
  await savedForCourse(deps, input.courseId, () =>
    deps.db.transaction().execute(async (trx) => {
      await holdCourse(trx, deps, input.courseId);
      await repo.insertSession(trx, row, trainerIds);
    }),
  );
  return getSession(deps, row.id);
}

/**
 * `instant` moved as a session's start moved from `fromStart` to `toStart` (a cut-off or hold
 * release moving with its session), on the clock of `timeZone`: by the same days and the same
 * change of the clock's time, so "Friday 12:00" before a Monday session is Friday 12:00 before
 * the Monday it moves to, whether or not the clocks change in between (by the elapsed time, it
 * would be 11:00 or 13:00 there).
 */
function movedWith(instant: string, fromStart: string, toStart: string, timeZone: string): string {
  const wall = (iso: string) => Temporal.Instant.from(iso).toZonedDateTimeISO(timeZone).toPlainDateTime();
  const moved = wall(fromStart).until(wall(toStart), { largestUnit: 'days' });
  return new Date(wall(instant).add(moved).toZonedDateTime(timeZone).epochMilliseconds).toISOString();
}

/**
 * The same session on several dates at once, each its own session, all or none. A booking
 * cut-off or hold release set on the template moves with each date (the same time before its
 * start, on the session's clock: `movedWith`).
 */

export async function createSeries(deps: Deps, actor: AuthUser, input: CreateSeriesInput): Promise<Session[]> {
  const template = input.session;
  await checkCourse(deps, template.courseId);
  const trainerIds = await trainersOfNew(deps, actor, template);
  const audience = await checkAudience(deps, template.audience);
  const now = deps.now().toISOString();
  const shift = (instant: string | null | undefined, start: string) => (instant ? movedWith(instant, template.startsAt, start, template.timeZone ?? 'Europe/London') : instant);
  const rows = input.occurrences.map((o) =>
    newSessionRow(actor, { ...template, bookingClosesAt: shift(template.bookingClosesAt, o.startsAt), holdsReleaseAt: shift(template.holdsReleaseAt, o.startsAt) }, now, audience, o),
  );
  // Moved on the session's clock, a cut-off or release can land after a date's end across a
  // change of the clocks (an hour later than the schema's plain arithmetic puts it): refused
  // as a single session's would be.
  const late = rows.flatMap((r, i) =>
    (['booking_closes_at', 'holds_release_at'] as const).filter((k) => r[k] !== null && r[k]! > r.ends_at).map((k) => ({ path: `occurrences.${i}.endsAt`, message: `must not be before the session's ${k === 'booking_closes_at' ? 'booking cut-off' : 'hold release'} on this date` })),
  );
  const lateDates = new Set(late.map((l) => l.path)).size;
  if (late.length) throw new AppError('validation_failed', `On ${lateDates === 1 ? 'one date' : `${lateDates} dates`} the booking cut-off or hold release would come after the session ends (the clocks change between the dates): choose an earlier time.`, { issues: late });
  await savedForCourse(deps, template.courseId, () =>
    deps.db.transaction().execute(async (trx) => {
      await holdCourse(trx, deps, template.courseId);
      for (const row of rows) await repo.insertSession(trx, row, trainerIds);
    }),
  );
  return sessionViews(deps, rows.map((r) => ({ ...r, ...NO_SEATS_TAKEN })), actor);
}

/**
 * The sessions `actor` runs (an administrator: every session), upcoming or past, each with
 * its held seats, how many people a change would be told to, and, once over, attendance.
 */
export async function sessionsRunBy(deps: Deps, actor: AuthUser, q: z.infer<typeof TrainerSessionQuery>) {
  const now = deps.now().toISOString();
  // Someone who runs sessions runs every one of theirs: only an administrator has sessions no one can run to list.
  if (q.when === 'unstaffed' && actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators see the sessions no one can run.');
  // An in-house lead's list holds only the sessions they run now (not those of an organisation they no longer lead).
  const { rows, total } = await repo.listSessionsRunBy(deps.db, actor.role === 'admin' ? null : actor.id, q.when, now, q.limit, q.offset);
  const ids = rows.map((r) => r.id);
  const [trainers, holds, attended, names] = await Promise.all([repo.trainerIdsOf(deps.db, ids), holdsOf(deps.db, ids), repo.attendedCounts(deps.db, ids), audienceNames(deps, rows)]);
  // An ended session whose outcomes are not written yet (15 minutes after its end, by the
  // outcome job) still has bookings that say confirmed: it is counted as its register counts
  // it (attendedCount), not as "0 attended" while the register says otherwise.
  const ended = rows.filter((r) => r.ends_at <= now && r.status === 'scheduled').map((r) => r.id);
  for (const id of await repo.withConfirmedBookings(deps.db, ended)) {
    const row = await repo.findSession(deps.db, id);
    if (row) attended.set(id, await attendedCount(deps.db, deps.now(), row));
  }
  const seats = seatStatesOf(rows, holds, now);
  const items = rows.map((r) => {
    const st = seats.get(r.id)!;
    // Seats free as the people it is for see them: an in-house session's own organisation's (no one outside it can book one).
    const session = toSession(r, trainers.get(r.id) ?? [], st, r.audience_kind === 'programme' ? null : r.audience_org_id, names);
    // (a hold of no seats only keeps the claims of a removed one: not shown)
    const live = (k: SeatKind) => st[k].holds.filter((h) => h.seats > 0);
    const heldOf = (k: SeatKind) => live(k).reduce((n, h) => n + h.seats, 0);
    const claimed = [...live('in_person'), ...live('online')].reduce((n, h) => n + h.claimed, 0);
    const people = (['in_person', 'online'] as const).reduce((n, k) => n + st[k].confirmed + st[k].offered + st[k].waitlisted, 0);
    return { session, held: { inPerson: heldOf('in_person'), online: heldOf('online'), claimed }, people, attended: r.ends_at <= now ? (attended.get(r.id) ?? 0) : null };
  });
  return { items, total, limit: q.limit, offset: q.offset };
}

export const requireSessionManager = engine.requireSessionManager;

/**
 * A page of sessions, as the JSON the list answers with. With a caller, each says whether
 * it fits the caller's timetable; `fits=me` keeps only those that do, and pages over that
 * filtered list. Each session's JSON is kept with the page (see sharedPage), and only the
 * caller's fit is written per request: a page is 50 sessions, and writing them out again
 * each time cost as much as the rest of the request.
 */
export async function listSessionsJson(deps: Deps, q: z.infer<typeof SessionQuery>, caller?: AuthUser): Promise<string | Uint8Array<ArrayBuffer>> {
  const filter = {
    words: q.q ? q.q.split(/\s+/).filter(Boolean).slice(0, 10) : undefined,
    // "Fits my timetable" checks each session it reads against the timetable: with no start
    // given, from now (a session already over fits no one's week), not every session ever.
    from: rangeEdge(q.from, 'from') ?? (q.fits === 'me' && caller ? deps.now().toISOString() : undefined),
    to: rangeEdge(q.to, 'to'),
    mode: q.mode,
    courseId: q.courseId,
    area: q.area,
    includeCancelled: q.includeCancelled === 'true',
    openAt: q.bookingOpen === 'true' ? deps.now().toISOString() : undefined,
    viewer: caller ? await viewerOf(deps, caller) : undefined,
  };
  if (q.fits === 'me' && caller) {
    // Every matching session is checked against the timetable, a batch at a time (soonest
    // first, each batch after the last), keeping only the page asked for and the count.
    const page: repo.SessionViewRow[] = [];
    const fitOf = new Map<string, ListedFit | undefined>();
    let total = 0;
    let after: { startsAt: string; id: string } | undefined;
    for (;;) {
      const batch = await repo.listSessionsBatch(deps.db, filter, FIT_BATCH, after);
      const fit = await fitsForListing(deps, caller, batch);
      for (const r of batch) {
        if (fit && !fit.get(r.id)?.fit.fits) continue;
        if (total >= q.offset && page.length < q.limit) {
          page.push(r);
          fitOf.set(r.id, fit?.get(r.id));
        }
        total++;
      }
      if (batch.length < FIT_BATCH) break;
      const last = batch[batch.length - 1]!;
      after = { startsAt: last.starts_at, id: last.id };
    }
    const items = (await sessionViews(deps, page, caller)).map((s) => ({ ...s, ...fitFields(fitOf.get(s.id)) }));
    return JSON.stringify({ items, total, limit: q.limit, offset: q.offset });
  }
  // Whether the caller has a timetable is asked with the page's own looks, in the same turn.
  const [page, hasTimetable] = await Promise.all([sharedPage(deps, filter, q, caller), caller ? callerHasTimetable(deps, caller) : false]);
  if (!caller) return listJson(page.json, page.total, q);
  // Most people have no timetable: every session's fit is null, and the page is the one
  // written out (and encoded) once for all of them.
  if (!hasTimetable) return page.untimed;
  const fit = await fitsForListing(deps, { id: caller.id, hasTimetable }, page.items.map((s) => ({ id: s.id, mode: s.mode, starts_at: s.startsAt, ends_at: s.endsAt, capacity_online: s.capacity.online })));
  return listJson(page.json, page.total, q, (i) => JSON.stringify(fitFields(fit?.get(page.items[i]!.id))).slice(1, -1));
}

/** A listed session's fit fields: `fit` (null without a timetable), and a hybrid session's `fitBySeat`. */
function fitFields(f: ListedFit | undefined): { fit: SessionFit | null; fitBySeat?: ListedFit['fitBySeat'] } {
  return f?.fitBySeat ? { fit: f.fit, fitBySeat: f.fitBySeat } : { fit: f?.fit ?? null };
}

/**
 * A SessionList written out from its sessions' JSON; with `fitOf` (the fields as JSON, without
 * their braces), each session gets its fit last, as { ...session, fit } would put it (each
 * session's JSON ends with its brace).
 */
function listJson(json: string[], total: number, q: Pick<z.infer<typeof SessionQuery>, 'limit' | 'offset'>, fitOf?: (i: number) => string): string {
  const items = fitOf ? json.map((j, i) => `${j.slice(0, -1)},${fitOf(i)}}`) : json;
  return `{"items":[${items.join(',')}],"total":${total},"limit":${q.limit},"offset":${q.offset}}`;
}

/** Pages as read, shared by everyone who sees the same sessions (platform/read-cache.ts). */
const pages = perDatabase(() => new ReadCache<{ items: Session[]; json: string[]; total: number; untimed: Uint8Array<ArrayBuffer> }>());
/** Which of the people asking in one turn run sessions (and so see sessions as themselves). */
const runsAny = perDatabase((deps: Deps) => batchedLookup(async (ids: string[]) => new Map([...(await repo.trainersAmong(deps.db, ids))].map((id) => [id, true as const]))));

/**
 * A page of the list as everyone who sees the same sessions sees it (without the caller's
 * timetable fit): read afresh, or as read before when nothing it shows can have changed.
 * Who sees what is the viewer's organisation and its trust, and the sessions they run: two
 * people of one school who run none share pages; someone who runs one has their own.
 * `untimed` is the whole answer for a caller with no timetable, encoded once.
 */
async function sharedPage(deps: Deps, filter: repo.SessionFilter, q: z.infer<typeof SessionQuery>, caller?: AuthUser) {
  const v = filter.viewer;
  const [version, runs] = await Promise.all([changeVersion(deps), v?.kind === 'person' ? runsAny(deps)(v.userId) : undefined]);
  const seenAs = !v ? 'anyone' : v.kind === 'all' ? 'all' : ['person', v.orgId, v.orgChain.join(','), runs ? v.userId : ''].join('|');
  // A list of sessions open for booking is read as of its instant (`openAt`, in the key): a
  // session whose booking closes after that is gone from lists read later.
  const key = JSON.stringify([seenAs, caller?.orgId ?? null, filter.words ?? [], filter.from, filter.to, filter.mode, filter.courseId, filter.area, filter.includeCancelled, filter.openAt, q.limit, q.offset]);
  const now = deps.now();
  return pages(deps).read(key, version, now.getTime(), async () => {
    const listed = await repo.listSessions(deps.db, filter, q.limit, q.offset);
    const items = await sessionViews(deps, listed.rows, caller, listed, now);
    const json = items.map((s) => JSON.stringify(s));
    const untimed = Buffer.from(listJson(json, listed.total, q, () => '"fit":null'));
    return { value: { items, json, total: listed.total, untimed }, window: windowAround(now.getTime(), listed.rows.map(holdsReleaseAt)), bytes: json.reduce((n, j) => n + 2 * j.length + 200, 0) + untimed.byteLength };
  });
}

export async function updateSession(deps: Deps, actor: AuthUser, id: string, patch: UpdateSessionInput): Promise<Session> {
  await requireSessionManager(deps, actor, id);
  if (asLead(actor) && (patch.audience || patch.trainerIds)) {
    const current = await repo.findSession(deps.db, id);
    const audience = patch.audience ?? (current?.audience_org_id ? { kind: current.audience_kind as 'organisation' | 'trust', orgId: current.audience_org_id } : undefined);
    await requireLeadMayPublish(deps, actor, audience);
  }
  if (patch.courseId !== undefined) await checkCourse(deps, patch.courseId);
  const trainerIds = patch.trainerIds ? await checkRunners(deps, actor, patch.trainerIds, (await repo.trainerIdsOf(deps.db, [id])).get(id) ?? [], id) : undefined;
  const audience = patch.audience ? await checkAudience(deps, patch.audience) : undefined;
  if (patch.courseId || trainerIds) {
    const current = await repo.findSession(deps.db, id);
    await checkCourseTrainers(deps, patch.courseId !== undefined ? patch.courseId : current?.course_id, trainerIds ?? (await repo.trainerIdsOf(deps.db, [id])).get(id) ?? []);
  }
  let outcomeRuleChanged = false;
  let trainersBefore: string[] = [];
  // A change of time or place emails everyone booked: so many an hour per session (counted
  // only when the patch would change them, as the session stands; a refused edit is not counted).
  const counters = (await mayNotifyEveryone(deps, id, patch)) ? [{ key: `session-change:${id}`, limit: CHANGE_NOTICE_LIMIT.perSession, windowMs: CHANGE_NOTICE_LIMIT.windowMs, what: 'changes of this session that email the people booked' }] : [];
  await withinLimits(deps, counters, () => savedForCourse(deps, patch.courseId, () => deps.db.transaction().execute(async (trx) => {
    const row = await lockSession(trx, deps.dbKind, id);
    if (!row) throw new AppError('not_found', 'No such session.');
    if (row.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled and cannot be changed.');
    // Moved to a course: held until this commits, so a delete of it meanwhile takes turns with this.
    await holdCourse(trx, deps, patch.courseId);
    const startsAt = patch.startsAt ? iso(patch.startsAt) : row.starts_at;
    const endsAt = patch.endsAt ? iso(patch.endsAt) : row.ends_at;
    // A cut-off or hold release not given anew (or sent back unchanged, as the edit form does)
    // moves with the start, as in a series, and never past the end; one given anew is checked below.
    const timesMoved = startsAt !== row.starts_at || endsAt !== row.ends_at;
    const movedWithStart = (given: string | null | undefined, stored: string | null): string | null => {
      const sentBack = given && stored && iso(given) === stored;
      if (given !== undefined && !(sentBack && timesMoved)) return given ? iso(given) : null;
      if (!stored) return null;
      const at = movedWith(stored, row.starts_at, startsAt, patch.timeZone ?? row.time_zone);
      return at < endsAt ? at : endsAt;
    };
    // Seat holds already released (at their own release time or, with none, at the booking
    // cut-off) stay released when the session moves without a new release time: else a
    // session moved later would bring back holds whose seats have since gone to others
    // (refused, and the move with it). Pinned at when they were released.
    const releasedAt = holdsReleaseAt(row);
    const holdsKeptReleased =
      timesMoved &&
      (patch.holdsReleaseAt === undefined || (row.holds_release_at !== null && patch.holdsReleaseAt !== null && iso(patch.holdsReleaseAt) === row.holds_release_at)) &&
      releasedAt <= deps.now().toISOString() &&
      // Only a session that has holds: one with none is left free to be given some until its new cut-off.
      (await holdsOf(trx, [row.id])).length > 0;
    const merged = {
      mode: patch.mode ?? row.mode,
      startsAt,
      endsAt,
      venue: patch.venue !== undefined ? patch.venue : row.venue,
      capacity: {
        inPerson: patch.capacity?.inPerson ?? (patch.mode === 'online' ? 0 : row.capacity_in_person),
        online: patch.capacity?.online ?? (patch.mode === 'in_person' ? 0 : row.capacity_online),
      },
      bookingClosesAt: movedWithStart(patch.bookingClosesAt, row.booking_closes_at),
      holdsReleaseAt: holdsKeptReleased ? (releasedAt < endsAt ? releasedAt : endsAt) : movedWithStart(patch.holdsReleaseAt, row.holds_release_at),
    };
    const issues = sessionShapeIssues(merged);
    if (issues.length) throw new AppError('validation_failed', shapeMessage(issues[0]!), { issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });

    const timeOrModeChanged = merged.startsAt !== row.starts_at || merged.endsAt !== row.ends_at || merged.mode !== row.mode;
    const venueChanged = (merged.venue ?? null) !== row.venue;
    const timeOrPlaceChanged = timeOrModeChanged || venueChanged;
    const next = {
      title: patch.title ?? row.title,
      description: patch.description ?? row.description,
      course_id: patch.courseId !== undefined ? patch.courseId : row.course_id,
      part: patch.part ?? row.part,
      mode: merged.mode,
      starts_at: merged.startsAt,
      ends_at: merged.endsAt,
      time_zone: patch.timeZone ?? row.time_zone,
      venue: merged.venue ?? null,
      // The area helps people find the session; it is not its place (the venue), so a new
      // area alone tells no one and leaves the calendar invite as it was.
      area: patch.area !== undefined ? patch.area : row.area,
      capacity_in_person: merged.capacity.inPerson,
      capacity_online: merged.capacity.online,
      booking_closes_at: merged.bookingClosesAt,
      holds_release_at: merged.holdsReleaseAt,
      waitlist_policy: patch.waitlistPolicy ?? row.waitlist_policy,
      offer_hold_minutes: patch.offerHoldMinutes ?? row.offer_hold_minutes,
      room_kind: patch.roomKind ?? row.room_kind,
      attendance_threshold: patch.attendanceThreshold ?? row.attendance_threshold,
      booking_ends_at: bookingEndsOf({ ends_at: merged.endsAt, booking_closes_at: merged.bookingClosesAt }),
      ...audience,
      // Anything a calendar invite shows raises its SEQUENCE, so calendars take the new version (DESIGN.md invariant 5).
      revision: row.revision + (timeOrPlaceChanged || inviteTextChanged(row, patch) ? 1 : 0),
      updated_at: deps.now().toISOString(),
    };
    const after: SessionRow = { ...row, ...next };
    // A session not yet over, with people on it, moved to times already over is a mistyped
    // date (a year, a month): it would tell no one (no one is told of a move into the past:
    // bookings/service.ts, toldOfMove) and record everyone booked absent at once. Refused,
    // beside the start. A session under way may still have its end brought back to when it
    // finished (its start unchanged), and one over may have its times corrected.
    const nowIso = deps.now().toISOString();
    if (timesMoved && nowIso < row.ends_at && after.ends_at <= nowIso && (nowIso < row.starts_at || after.starts_at !== row.starts_at)) {
      const people = peopleOn(row);
      if (people > 0) {
        const message = `${people === 1 ? '1 person is' : `${people} people are`} booked on or waiting for this session, which has not ended, and the new times are already over: no one would be told, and anyone booked would be recorded absent. Check the date and times; if it ended early, change only its end.`;
        throw new AppError('validation_failed', message, { issues: [{ path: 'startsAt', message }] });
      }
    }
    // A session someone attended took place: moving it to times not yet begun would clear the
    // record of their training (its register, check-ins, connections and captions), so it is
    // refused, as cancelling it is. A session no one attended (all absent) may be run again later.
    if (moveClearsRecord(row, after, deps.now()) && deps.now().getTime() >= Date.parse(row.starts_at)) {
      const attended = await attendedCount(trx, deps.now(), row);
      if (attended > 0) {
        throw new AppError('conflict', `${attended === 1 ? '1 person' : `${attended} people`} attended this session, so it cannot be moved to times that have not begun: that would clear the record of their training. Correct its times within the past, or publish a new session for the new date.`);
      }
    }
    await engine.checkSessionChange(trx, deps, row, after);
    await repo.updateSession(trx, id, next, trainerIds);
    if (audience) {
      // Checked against the stored change, under the session's lock: no one booked may be left outside.
      const outside = await repo.bookedOutside(trx, id, async (u) => (await repo.sessionVisibility(trx, id, await repo.viewerFor(trx, u))) === 'visible');
      if (outside.places + outside.recorded > 0) throw audienceExcludes(outside);
      const heldFor = await repo.holdOrgsOutside(trx, id);
      if (heldFor.length > 0) {
        throw new AppError('audience_excludes_booked', `Seats are held on this session for ${heldFor.join(', ')}, outside that audience: release the hold first, or choose a wider audience.`);
      }
    }
    // Attendance is recorded by the session's times and threshold: a change of them undoes
    // outcomes of a session not yet over (before the people on it are told of the change),
    // and clears its register and presence when it moved to times not yet begun; one still
    // over is recorded again, below, once this has committed.
    outcomeRuleChanged = timesMoved || after.attendance_threshold !== row.attendance_threshold;
    if (outcomeRuleChanged) await outcomesAfterSessionChange(trx, deps, row, after);
    // A room ended for everyone at the old times opens again for the new ones (people kept out
    // of it one by one stay out: that was about them, not the date).
    if (timesMoved && Date.parse(after.starts_at) > deps.now().getTime()) await reopenRoom(trx, id);
    await engine.afterSessionChange(trx, deps, after, { timeOrPlaceChanged, inviteTextChanged: inviteTextChanged(row, patch), venueOnly: venueChanged && !timeOrModeChanged, before: row });
    if (trainerIds) {
      trainersBefore = (await repo.trainerIdsOf(trx, [id])).get(id) ?? [];
      // Those who ran it and are taken off by someone else are told, in this transaction (a
      // co-trainer may take off another, the one who published it too: they run it as equals).
      const dropped = trainersBefore.filter((u) => !trainerIds.includes(u) && u !== actor.id);
      const takenOff = dropped.length ? (await namedTrainers(trx, id)).filter((t) => t.runs && dropped.includes(t.userId)).map((t) => t.userId) : [];
      await repo.replaceTrainers(trx, id, trainerIds, next.updated_at);
      await tellTrainersRemoved(trx, deps, actor, after, takenOff);
    }
  })));
  if (outcomeRuleChanged) await finaliseSessionIfOver(deps, id);
  // A trainer taken off the session leaves its live room at once, or, holding a place in it, is shown there as an attendee (live/service.ts).
  if (trainerIds) await placesChanged(deps, trainersBefore.filter((u) => !trainerIds.includes(u)).map((userId) => ({ sessionId: id, userId })));
  return getSession(deps, id);
}

/** How many changes of one session's time or place (each emails everyone booked) an hour may make. */
export const CHANGE_NOTICE_LIMIT = { perSession: 20, windowMs: 60 * 60_000 } as const;

/**
 * Whether `patch` would change the session's time, place or mode as it stands, with someone
 * to tell (and so email everyone booked), or what seat holders' calendar invites say (its
 * title, description or zone), with a seat holder to send the new invite to. Read before the
 * session is locked, so two edits at once may be counted as each found it; the limit is a
 * bound on mail, not an invariant.
 */
async function mayNotifyEveryone(deps: Deps, id: string, patch: UpdateSessionInput): Promise<boolean> {
  const row = await repo.findSession(deps.db, id);
  if (!row) return false;
  const seated = row.confirmed_in_person + row.confirmed_online;
  // No one to email (no one booked, offered or waiting, by the stored counts): not counted.
  if (peopleOn(row) === 0) return false;
  const moved = (patch.startsAt !== undefined && iso(patch.startsAt) !== row.starts_at) || (patch.endsAt !== undefined && iso(patch.endsAt) !== row.ends_at) || (patch.venue !== undefined && (patch.venue ?? null) !== row.venue) || (patch.mode !== undefined && patch.mode !== row.mode);
  return moved || (seated > 0 && row.ends_at > deps.now().toISOString() && inviteTextChanged(row, patch));
}

/**
 * Why an audience cannot be narrowed past people on the session: places can be cancelled
 * first; a register (attended or absent) is their record of the training and stays.
 */
function audienceExcludes({ places, recorded }: { places: number; recorded: number }): AppError {
  const people = (n: number) => (n === 1 ? 'One person' : `${n} people`);
  const who = [places ? `${people(places)} booked on this session` : '', recorded ? (places ? `${people(recorded).toLowerCase()} on its register (attended or absent)` : `${people(recorded)} on this session’s register (attended or absent)`) : ''].filter(Boolean).join(' and ');
  const are = places + recorded === 1 ? 'is' : 'are';
  const what = recorded ? 'choose a wider audience (a register is the record of their training and stays theirs).' : 'cancel their places first, or choose a wider audience.';
  return new AppError('audience_excludes_booked', `${who} ${are} outside that audience: ${what}`);
}

/** How many people have a place on a session, by its stored counts: booked, offered a seat or waiting. */
function peopleOn(row: SessionRow): number {
  return [row.confirmed_in_person, row.confirmed_online, row.offered_in_person, row.offered_online, row.waiting_in_person, row.waiting_online].reduce((n, c) => n + Number(c), 0);
}

/** Cancels a session; the answer says how many people were told (0 when it already was cancelled). */
export async function cancelSession(deps: Deps, actor: AuthUser, id: string, reason?: string): Promise<Session & { told: number }> {
  await requireSessionManager(deps, actor, id);
  let told = 0;
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockSession(trx, deps.dbKind, id);
    if (!row) throw new AppError('not_found', 'No such session.');
    if (row.status === 'cancelled') return;
    // Attendance is the record of people's training: a session someone attended took place.
    // Counted from attendance as it is now (check-ins, presence, the register), not only from
    // outcomes written: those come a while after the end (attendance/service.ts). A session
    // not yet started was attended by no one, whatever the register was ticked with early.
    const started = deps.now().getTime() >= Date.parse(row.starts_at);
    const attended = started ? await attendedCount(trx, deps.now(), row) : 0;
    if (attended > 0) throw new AppError('conflict', `${attended === 1 ? '1 person' : `${attended} people`} attended this session, so it took place and cannot be cancelled: their attendance is the record of their training. If the register is wrong, correct it instead.`);
    const now = deps.now().toISOString();
    const cancelled = { ...row, status: 'cancelled' as const, revision: row.revision + 1, updated_at: now, cancelled_at: now };
    // Kept with it (not only in each person's email): its page and its people's bookings say why. Its places are cancelled at the same instant.
    await repo.updateSession(trx, id, { status: 'cancelled', revision: cancelled.revision, updated_at: now, cancelled_at: now, cancel_reason: reason?.trim() ? reason.trim() : null });
    told = await engine.cancelAllForSession(trx, deps, cancelled, reason, actor.id);
  });
  // Its live room, if running, closes now, disconnecting everyone (best effort).
  await sessionCancelled(deps, id);
  return { ...(await getSession(deps, id)), told };
}

/**
 * Trainers whose names hold every word of `q`, for someone who runs sessions (a trainer, an
 * in-house lead, an administrator) to add as co-trainers: ids and names only (no emails), at
 * most `limit` of them, and whether more match.
 */
export async function findTrainers(deps: Deps, actor: AuthUser, query: { q?: string; limit: number }) {
  if (!(await runsSessions(deps, actor))) throw new AppError('forbidden', 'Only people who run sessions can look trainers up.');
  const words = (query.q ?? '').split(/\s+/).filter(Boolean).slice(0, 10);
  const rows = await repo.searchTrainers(deps.db, words, query.limit);
  return { items: rows.slice(0, query.limit).map((r) => ({ id: r.id, name: r.name })), hasMore: rows.length > query.limit };
}

/** Who runs a session, by name, for those who run it (and administrators): what its form shows. */
export async function sessionRunners(deps: Deps, actor: AuthUser, id: string) {
  await requireSessionManager(deps, actor, id);
  const runsAs = (role: string) => (role === 'admin' ? ('administrator' as const) : role === 'trainer' ? ('trainer' as const) : ('in-house lead' as const));
  return (await namedTrainers(deps.db, id)).map((r) => ({ id: r.userId, name: r.name, runsAs: runsAs(r.role), disabled: r.disabled, runs: r.runs }));
}

/**
 * Every course with the trainers who may run it; for an administrator, what uses each (see
 * Course `use`: whether it can be deleted). Others are not told how many sessions a course
 * has: some are in-house sessions they may not know of.
 */
export async function listCourses(deps: Deps, actor: AuthUser) {
  const rows = await repo.listCourses(deps.db);
  const [trainers, use] = await Promise.all([repo.courseTrainers(deps.db, rows.map((r) => r.id)), actor.role === 'admin' ? repo.courseUse(deps.db) : undefined]);
  return rows.map((r) => ({ ...courseView(r, trainers.get(r.id) ?? []), ...(use ? { use: use.get(r.id) ?? NOT_USED } : {}) }));
}

const NOT_USED = { sessions: 0, cancelledSessions: 0, materials: 0 };
const courseView = (r: { id: string; title: string; description: string; parts_required: number }, trainerIds: string[]) => ({ id: r.id, title: r.title, description: r.description, trainerIds, partsRequired: Number(r.parts_required) });

/** Sets which trainers may run a course's sessions (an empty list: any trainer). */
export async function setCourseTrainers(deps: Deps, courseId: string, trainerIds: string[]) {
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) throw new AppError('not_found', 'No such course.');
  const ids = await checkTrainers(deps, trainerIds);
  await deps.db.transaction().execute(async (trx) => {
    // Held until this commits: a course deleted meanwhile is not given trainers (a 500 from the foreign key).
    if (!(await repo.lockCourseForUse(trx, deps.dbKind, courseId))) throw new AppError('not_found', 'No such course.');
    await repo.replaceCourseTrainers(trx, courseId, ids);
  });
  return courseView(course, ids.sort());
}

/** The course other than `exceptId` already called `title` (any case, spaces around it and runs of spaces in it aside), if any. */
async function courseTitled(db: Parameters<typeof repo.courseTitles>[0], title: string, exceptId?: string) {
  return (await repo.courseTitles(db)).find((c) => c.id !== exceptId && sameCourseTitle(c.title, title));
}

/**
 * Two courses of one title would be two columns of one course in coverage, and two choices on
 * every session form: refused beside the title, naming the course that has it (`details.course`:
 * its id and title, to choose it instead).
 */
function titleTaken(course: { id: string; title: string }) {
  const { title } = course;
  const message = `There is already a course called “${title}”. Use that course, or give this one another title.`;
  return new AppError('conflict', message, { issues: [{ path: 'title', message: `is already the title of another course (“${title}”)` }], course: { id: course.id, title } });
}

/**
 * Changes a course (administrators): its title and description, and its completion rule (how
 * many parts 1..n a person must attend a session of). A new title is refused when another
 * course has it. Everything that shows the title reads it from the course (sessions' pages,
 * coverage and its spreadsheets, feedback); certificates printing the old one are reissued
 * when next downloaded, and the public check calls them withdrawn (certificates/service.ts).
 */
export async function updateCourse(deps: Deps, courseId: string, input: z.infer<typeof UpdateCourseInput>) {
  const set = {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.partsRequired !== undefined ? { parts_required: input.partsRequired } : {}),
  };
  const course = await deps.db.transaction().execute(async (trx) => {
    if (input.title !== undefined) await repo.lockCourseTitles(trx, deps.dbKind);
    const now = await repo.findCourse(trx, courseId);
    if (!now) throw new AppError('not_found', 'No such course. It may have been deleted.');
    if (input.title !== undefined) {
      const other = await courseTitled(trx, input.title, courseId);
      if (other) throw titleTaken(other);
    }
    await repo.updateCourse(trx, courseId, set);
    return { ...now, ...set };
  });
  const trainers = await repo.courseTrainers(deps.db, [courseId]);
  return courseView(course, trainers.get(courseId) ?? []);
}

/**
 * Deletes a course (administrators) that nothing counts for: refused (409) while any session
 * not cancelled is of it (past ones too: their attendance is someone's completion of it) or
 * its library holds materials (sessions of other courses may use them), saying what to do.
 * Its cancelled sessions then name no course (they cannot be edited, so could never be moved).
 */
export async function deleteCourse(deps: Deps, courseId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const course = await repo.lockCourse(trx, deps.dbKind, courseId);
    if (!course) throw new AppError('not_found', 'No such course. It may have been deleted already.');
    const use = (await repo.courseUse(trx, [courseId])).get(courseId) ?? NOT_USED;
    if (use.sessions > 0) {
      const n = use.sessions === 1 ? '1 session uses it' : `${use.sessions} sessions use it`;
      throw new AppError('conflict', `“${course.title}” cannot be deleted: ${n}. Move ${use.sessions === 1 ? 'that session' : 'those sessions'} to another course first (on each session’s Edit page), or keep the course.`, { sessions: use.sessions });
    }
    if (use.materials > 0) {
      const n = use.materials === 1 ? '1 material' : `${use.materials} materials`;
      throw new AppError('conflict', `“${course.title}” cannot be deleted: its materials library holds ${n}. Delete ${use.materials === 1 ? 'it' : 'them'} from the library first (sessions may be using ${use.materials === 1 ? 'it' : 'them'}), or keep the course.`, { materials: use.materials });
    }
    await repo.deleteCourse(trx, courseId);
  });
}

/** A course that names its trainers is run only by them. */
async function checkCourseTrainers(deps: Deps, courseId: string | null | undefined, trainerIds: string[]) {
  if (!courseId) return;
  const allowed = (await repo.courseTrainers(deps.db, [courseId])).get(courseId);
  if (!allowed) return;
  const users = await findUsersByIds(deps.db, trainerIds);
  const bad = trainerIds.filter((id) => !allowed.includes(id) && users.find((u) => u.id === id)?.role !== 'admin');
  if (bad.length) {
    const names = bad.map((id) => users.find((u) => u.id === id)?.name ?? id).join(', ');
    throw new AppError('validation_failed', `${names} may not run sessions of this course.`, { issues: [{ path: 'courseId', message: `${names} may not run sessions of this course` }] });
  }
}

/**
 * Adds a course (trainers, administrators). With `uniqueTitle` (the web's forms), a title
 * another course has (any case, spaces around it and runs of spaces in it aside:
 * sameCourseTitle) is refused with 409 naming that course (`details.course`, to use it
 * instead), as a rename to it always is (updateCourse): checked and inserted under the
 * courses' title lock (repo.lockCourseTitles), so two adds at once never both succeed.
 * Without it the title is not refused: scripts and integrations that add a course they
 * already added must not start failing, and an administrator renames or deletes a duplicate
 * on the Courses page.
 */
export async function createCourse(deps: Deps, input: z.infer<typeof CreateCourseInput>) {
  const row = { id: randomUUID(), title: input.title, description: input.description ?? '', parts_required: input.partsRequired ?? 1, created_at: deps.now().toISOString() };
  await deps.db.transaction().execute(async (trx) => {
    if (input.uniqueTitle) {
      await repo.lockCourseTitles(trx, deps.dbKind);
      const other = await courseTitled(trx, input.title);
      if (other) throw titleTaken(other);
    }
    await repo.insertCourse(trx, row);
  });
  return courseView(row, []);
}
