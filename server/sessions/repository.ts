import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, NewSession, SessionArea, SessionMode, SessionRow, SessionUpdate } from '../../db/schema.js';
import { containing, folded, lowerContains } from '../../db/like.js';
import { raiseFeeds, raiseRunnerFeeds } from '../calendar/feed-revisions.js';
import { prepared, preparedIn, type Prepared } from '../../db/prepared.js';
import type { DbKind } from '../../db/connect.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * When a session's join window is open: from `join_opens_minutes` before its start until its
 * end. People join its live room, check in to it and are reported present in it only then.
 */
export function joinWindow(s: Pick<SessionRow, 'starts_at' | 'ends_at' | 'join_opens_minutes'>) {
  return { opensAt: new Date(Date.parse(s.starts_at) - s.join_opens_minutes * 60_000), closesAt: new Date(s.ends_at) };
}

export function findSession(db: Q, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

// Who may see a session (DESIGN.md invariant 12) is asked by the booking engine too (who
// may be booked); the one rule lives there, for the same reason as isTrainerOf.
export { audienceKinds, orgChain, orgChains, sessionVisibility, viewerFor, visibleTo, type Viewer } from '../bookings/repository.js';
import { currentLeadOrgIds, needsTrainer, orgInAudience, runs, visibleTo, type HoldRow, type Viewer } from '../bookings/repository.js';

/** Whether any organisation has `orgId` as its parent (a trust or local authority). */
export async function hasChildOrgs(db: Q, orgId: string): Promise<boolean> {
  return !!(await db.selectFrom('organisations').select('id').where('parent_id', '=', orgId).limit(1).executeTakeFirst());
}

const trainersOf = preparedIn((db, ids: readonly string[]) => db.selectFrom('session_trainers').select(['session_id', 'user_id']).where('session_id', 'in', ids).orderBy('user_id'));

export async function trainerIdsOf(db: Q, sessionIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(sessionIds.map((id) => [id, []]));
  if (sessionIds.length === 0) return map;
  const rows = await trainersOf(db, sessionIds);
  for (const r of rows) map.get(r.session_id)?.push(r.user_id);
  return map;
}

/** Which of `userIds` run at least one session (who sees sessions as themselves, not only as their organisation). */
export async function trainersAmong(db: Q, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  return new Set((await runningAny(db, userIds)).map((r) => r.user_id));
}
const runningAny = preparedIn((db, ids: readonly string[]) => db.selectFrom('session_trainers').select('user_id').distinct().where('user_id', 'in', ids));

// Who runs a session is asked by the booking engine too (holds, rosters); it lives there,
// since the catalogue builds on the engine and not the other way round.
export { isTrainerOf } from '../bookings/repository.js';

/** Saves a new session and who runs it, whose own calendar feeds then hold it. */
export async function insertSession(db: Q, row: NewSession, trainerIds: string[]) {
  await db.insertInto('sessions').values(row).execute();
  if (trainerIds.length) {
    await db.insertInto('session_trainers').values(trainerIds.map((user_id) => ({ session_id: row.id, user_id }))).execute();
    await raiseRunnerFeeds(db, { userIds: trainerIds }, row.updated_at);
  }
}

/**
 * Saves a change of a session; what the calendar feeds of its attendees and of those who run
 * it show changes with it. `runners`: who is to run it once the same transaction has named
 * them (`replaceTrainers`), when that changes too: their feeds are raised with the rest, in
 * one statement (feed-revisions.ts, FeedPeople).
 */
export async function updateSession(db: Q, id: string, set: SessionUpdate & { updated_at: string }, runners?: readonly string[]) {
  await db.updateTable('sessions').set(set).where('id', '=', id).execute();
  await raiseFeeds(db, { sessionId: id, runners }, set.updated_at);
}

/** Names who runs a session: the feeds of those named anew and of those taken off it change (they hold the sessions a person runs). */
export async function replaceTrainers(db: Q, sessionId: string, trainerIds: string[], nowIso: string) {
  const before = (await db.selectFrom('session_trainers').select('user_id').where('session_id', '=', sessionId).execute()).map((r) => r.user_id);
  await db.deleteFrom('session_trainers').where('session_id', '=', sessionId).execute();
  if (trainerIds.length) await db.insertInto('session_trainers').values(trainerIds.map((user_id) => ({ session_id: sessionId, user_id }))).execute();
  const changed = [...before.filter((u) => !trainerIds.includes(u)), ...trainerIds.filter((u) => !before.includes(u))];
  await raiseRunnerFeeds(db, { userIds: changed }, nowIso);
}

/** Names `userId` among the session's trainers, if they are not already: whether they were added (their feed then holds it). */
export async function addTrainer(db: Q, sessionId: string, userId: string, nowIso: string): Promise<boolean> {
  const r = await db.insertInto('session_trainers').values({ session_id: sessionId, user_id: userId }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  const added = Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  if (added) await raiseRunnerFeeds(db, { userIds: [userId] }, nowIso);
  return added;
}

/** What a session view shows (service.ts toSession): a listing reads only these, fewer values to build per row. */
export const VIEW_COLUMNS = [
  'id', 'title', 'description', 'course_id', 'part', 'mode', 'starts_at', 'ends_at', 'time_zone', 'venue', 'area', 'capacity_in_person', 'capacity_online', 'status',
  'waitlist_policy', 'offer_hold_minutes', 'booking_closes_at', 'booking_ends_at', 'holds_release_at', 'room_kind', 'attendance_threshold',
  // the stored seat counts (server/bookings/repository.ts): a listing reads no bookings
  'confirmed_in_person', 'offered_in_person', 'waiting_in_person', 'confirmed_online', 'offered_online', 'waiting_online',
  'audience_kind', 'audience_org_id',
] as const;
export type SessionViewRow = Pick<SessionRow, (typeof VIEW_COLUMNS)[number]>;

export interface SessionFilter {
  /** Every word must appear in the title, the description or the course's title (any case). */
  words?: string[];
  from?: string;
  to?: string;
  mode?: SessionMode;
  courseId?: string;
  /** Only sessions in this area. */
  area?: SessionArea;
  includeCancelled?: boolean;
  /**
   * Only sessions open for booking at this instant: scheduled, and before their booking_ends_at
   * (their cut-off, when before their end, else their end),
   * whatever `includeCancelled` says.
   */
  openAt?: string;
  /** Only the sessions this viewer may see (always given for a person's listing). */
  viewer?: Viewer;
}

function filtered(db: Q, f: SessionFilter, patterns: string[] = (f.words ?? []).map((w) => containing(w))) {
  let q = db.selectFrom('sessions');
  if (f.viewer) q = q.where(visibleTo(f.viewer));
  // A session is in range when it overlaps [from, to).
  if (f.from) q = q.where('ends_at', '>', f.from);
  if (f.to) q = q.where('starts_at', '<', f.to);
  if (f.mode) q = q.where('mode', '=', f.mode);
  if (f.courseId) q = q.where('course_id', '=', f.courseId);
  if (f.area) q = q.where('area', '=', f.area);
  if (!f.includeCancelled || f.openAt) q = q.where('status', '=', 'scheduled');
  // Open while the moment booking closes (its cut-off, else its end: booking_ends_at) is still to come.
  if (f.openAt) q = q.where('booking_ends_at', '>', f.openAt);
  // Case is folded for every letter, not only ASCII, and text is taken in Unicode's composed
  // form (NFC), as the patterns are (db/like.ts), so an "é" stored as "e" and a combining
  // accent (older text, from before typed text was stored composed) is found by "é".
  for (const pattern of patterns) {
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`${folded(db, 'title')} like ${pattern} escape '\\'`,
        sql<boolean>`${folded(db, 'description')} like ${pattern} escape '\\'`,
        eb('course_id', 'in', eb.selectFrom('courses').select('courses.id').where(sql<boolean>`${folded(db, 'courses.title')} like ${pattern} escape '\\'`)),
      ]),
    );
  }
  return q;
}

/**
 * A page of matching sessions, soonest first, and how many match. The count also reads the
 * earliest start among the matches, and the page asks for starts from there on: a redundant
 * bound that lets the page walk the start-time index from the first match. Without it a
 * listing `from` today walks every past session from the first ever (SQLite picks that plan
 * for ORDER BY starts_at when the limit is a parameter), so the cost grew with history.
 */
export async function listSessions(db: Q, f: SessionFilter, limit: number, offset: number): Promise<SessionPage> {
  const { count, page, values } = listQueries(f);
  const summary = await count.first(db, values);
  const total = Number(summary?.n ?? 0);
  if (total === 0 || !summary?.first_start || offset >= total) return unpackPage([], total);
  return unpackPage(await page.all(db, { ...values, firstStart: summary.first_start, limit, offset }), total);
}

type ListArgs = Record<string, unknown>;
/** A listed session's trainers and seat holds, read with it (one query for the page, not three). */
type PageRow = SessionViewRow & { trainer_ids: string | null; hold_list: string | null };
type ListQueries = { count: Prepared<ListArgs, { n: number | string; first_start: string | null }>; page: Prepared<ListArgs, PageRow> };

// The same SQL on both databases (SQLite 3.44+ has string_agg with ORDER BY). Ids are UUIDs
// and seat kinds single words, so ',' and ' ' separate them safely.
const PAGE_EXTRAS = [
  sql<string | null>`(select string_agg(st.user_id, ',' order by st.user_id) from session_trainers st where st.session_id = sessions.id)`.as('trainer_ids'),
  sql<string | null>`(select string_agg(h.org_id || ' ' || h.seat || ' ' || cast(h.seats as text) || ' ' || cast(h.claimed as text), ',' order by h.org_id, h.seat) from seat_holds h where h.session_id = sessions.id)`.as('hold_list'),
] as const;

/** A page's rows, with each session's trainers and holds as the catalogue's other reads give them. */
export interface SessionPage {
  rows: SessionViewRow[];
  total: number;
  trainers: Map<string, string[]>;
  holds: HoldRow[];
}

function unpackPage(rows: PageRow[], total: number): SessionPage {
  const trainers = new Map<string, string[]>();
  const holds: HoldRow[] = [];
  const plain = rows.map(({ trainer_ids, hold_list, ...row }) => {
    trainers.set(row.id, trainer_ids ? trainer_ids.split(',') : []);
    for (const h of hold_list ? hold_list.split(',') : []) {
      const [org_id, seat, seats, claimed] = h.split(' ');
      holds.push({ session_id: row.id, org_id: org_id!, seat: seat as HoldRow['seat'], seats: Number(seats), claimed: Number(claimed) });
    }
    return row;
  });
  return { rows: plain, total, trainers, holds };
}
/** The listing's two queries, prepared once per shape of filter (which filters are given, how many words, the viewer's kind). */
const listShapes = new Map<string, ListQueries>();

/**
 * The listing's queries for `f`: built and compiled once per shape of filter, since building
 * them costs more than running them. Values go in as arguments; the shape (which parts the
 * filter has, how many words and organisations) picks the compiled form.
 */
function listQueries(f: SessionFilter): ListQueries & { values: ListArgs } {
  const v = f.viewer;
  const key = [f.from ? 'f' : '', f.to ? 't' : '', f.mode ? 'm' : '', f.courseId ? 'c' : '', f.area ? 'a' : '', f.includeCancelled ? 'x' : '', f.openAt ? 'b' : '', f.words?.length ?? 0, !v ? '-' : v.kind === 'all' ? 'all' : `${v.orgId ? 'o' : ''}${v.orgChain.length}`].join(' ');
  const values: ListArgs = { from: f.from, to: f.to, mode: f.mode, courseId: f.courseId, area: f.area, openAt: f.openAt };
  (f.words ?? []).forEach((w, i) => (values[`w${i}`] = containing(w)));
  if (v?.kind === 'person') {
    values.userId = v.userId;
    values.orgId = v.orgId;
    v.orgChain.forEach((o, i) => (values[`c${i}`] = o));
  }
  for (const k of Object.keys(values)) if (values[k] === undefined || values[k] === null) delete values[k];
  // The same filter with an argument where each value goes.
  const template = (arg: (name: string) => unknown) => {
    const a = <T>(name: string) => arg(name) as T;
    const viewer: Viewer | undefined = !v || v.kind === 'all' ? v : { kind: 'person', userId: a('userId'), orgId: v.orgId ? a('orgId') : null, orgChain: v.orgChain.map((_, i) => a(`c${i}`)) };
    const shaped: SessionFilter = { from: f.from && a('from'), to: f.to && a('to'), mode: f.mode && a('mode'), courseId: f.courseId && a('courseId'), area: f.area && a('area'), includeCancelled: f.includeCancelled, openAt: f.openAt && a('openAt'), viewer };
    return { shaped, patterns: (f.words ?? []).map((_, i) => a<string>(`w${i}`)) };
  };
  let q = listShapes.get(key);
  if (!q) {
    q = {
      count: prepared<ListArgs>()((db, arg) => {
        const { shaped, patterns } = template(arg);
        return filtered(db, shaped, patterns).select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('starts_at').as('first_start')]);
      }),
      page: prepared<ListArgs>()((db, arg) => {
        const { shaped, patterns } = template(arg);
        return filtered(db, shaped, patterns)
          .where('starts_at', '>=', arg('firstStart') as string)
          .select(VIEW_COLUMNS)
          .select(PAGE_EXTRAS)
          .orderBy('starts_at')
          .orderBy('id')
          .limit(arg('limit') as number)
          .offset(arg('offset') as number);
      }) as Prepared<ListArgs, PageRow>,
    };
    // Shapes are few (flags, up to 10 words, up to 10 organisations); a bound all the same.
    if (listShapes.size < 1000) listShapes.set(key, q);
  }
  return { ...q, values };
}

/** Every matching session (no paging), for filters that must look at each one. */
/** Matching sessions soonest first, `max` at a time: those after `after` (the last one of the batch before). */
export function listSessionsBatch(db: Q, f: SessionFilter, max: number, after?: { startsAt: string; id: string }): Promise<SessionViewRow[]> {
  let q = filtered(db, f);
  if (after) q = q.where((eb) => eb.or([eb('starts_at', '>', after.startsAt), eb.and([eb('starts_at', '=', after.startsAt), eb('id', '>', after.id)])]));
  return q.select(VIEW_COLUMNS).orderBy('starts_at').orderBy('id').limit(max).execute();
}

export function findCourse(db: Q, id: string) {
  return db.selectFrom('courses').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listCourses(db: Q) {
  return db.selectFrom('courses').selectAll().orderBy('title').execute();
}

export async function insertCourse(db: Q, row: Insertable<Database['courses']>) {
  await db.insertInto('courses').values(row).execute();
}

/**
 * In a transaction that writes a course's title: the courses' titles change one writer at a
 * time, so two courses are never given the same title at once. SQLite's
 * transaction already holds the write lock; on PostgreSQL a transaction-scoped advisory lock.
 */
export async function lockCourseTitles(trx: Transaction<Database>, kind: DbKind) {
  if (kind === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended('courses:titles', 0))`.execute(trx);
}

/** Every course's id and title (there are tens of them): what a new title is compared with. */
export function courseTitles(db: Q) {
  return db.selectFrom('courses').select(['id', 'title']).execute();
}

export async function updateCourse(db: Q, id: string, set: { title?: string; description?: string; parts_required?: number }) {
  await db.updateTable('courses').set(set).where('id', '=', id).execute();
}

/**
 * What uses each course: its sessions not cancelled and its cancelled ones, and the materials
 * in its library. Courses nothing uses are missing from the map.
 */
export async function courseUse(db: Q, courseIds?: readonly string[]): Promise<Map<string, { sessions: number; cancelledSessions: number; materials: number }>> {
  const map = new Map<string, { sessions: number; cancelledSessions: number; materials: number }>();
  if (courseIds?.length === 0) return map;
  const entry = (id: string) => map.get(id) ?? map.set(id, { sessions: 0, cancelledSessions: 0, materials: 0 }).get(id)!;
  let sessions = db.selectFrom('sessions').select((eb) => ['course_id', 'status', eb.fn.countAll<number>().as('n')]).where('course_id', 'is not', null).groupBy(['course_id', 'status']);
  if (courseIds) sessions = sessions.where('course_id', 'in', courseIds);
  let materials = db.selectFrom('materials').select((eb) => ['course_id', eb.fn.countAll<number>().as('n')]).where('course_id', 'is not', null).where('session_id', 'is', null).groupBy('course_id');
  if (courseIds) materials = materials.where('course_id', 'in', courseIds);
  for (const r of await sessions.execute()) {
    const e = entry(r.course_id!);
    if (r.status === 'cancelled') e.cancelledSessions += Number(r.n);
    else e.sessions += Number(r.n);
  }
  for (const r of await materials.execute()) entry(r.course_id!).materials = Number(r.n);
  return map;
}

/**
 * Locks a course's row to delete it (PostgreSQL; SQLite's transaction holds the write lock): a
 * session being published for it or moved to it (lockCourseForUse) waits, and is then refused;
 * one whose transaction locked it first is committed first, and counted.
 */
export async function lockCourse(trx: Transaction<Database>, kind: DbKind, id: string) {
  let q = trx.selectFrom('courses').selectAll().where('id', '=', id);
  if (kind === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * In a transaction that makes a session name a course (publishing it, or moving it there), or
 * adds to its library or sets its trainers (materials/service.ts, sessions/service.ts):
 * whether the course is there, kept there until the transaction ends. On PostgreSQL a KEY
 * SHARE lock on its row, the lock the foreign key itself takes, now rather than at the insert:
 * a delete under way (lockCourse, FOR UPDATE) is waited for, and then the course is found gone;
 * a delete that comes later waits for this transaction and counts its session. Sessions
 * published for one course at once, and renaming it, do not wait on each other (KEY SHARE
 * conflicts only with FOR UPDATE and deleting). SQLite's transaction holds the write lock.
 */
export async function lockCourseForUse(trx: Transaction<Database>, kind: DbKind, id: string): Promise<boolean> {
  let q = trx.selectFrom('courses').select('id').where('id', '=', id);
  if (kind === 'postgres') q = q.forKeyShare();
  return !!(await q.executeTakeFirst());
}

/**
 * Removes a course nothing counts for any more (the caller checked: no session but cancelled
 * ones, an empty library). Its cancelled sessions name no course from now on; its course
 * certificates (whose completion went with its sessions) keep what they print but no longer
 * name it, so their codes answer "withdrawn" (certificates/service.ts, printedNow).
 */
export async function deleteCourse(trx: Transaction<Database>, id: string) {
  await trx.updateTable('sessions').set({ course_id: null }).where('course_id', '=', id).where('status', '=', 'cancelled').execute();
  await trx.updateTable('certificates').set({ course_id: null }).where('course_id', '=', id).execute();
  await trx.deleteFrom('course_trainers').where('course_id', '=', id).execute();
  await trx.deleteFrom('courses').where('id', '=', id).execute();
}

/**
 * Sessions `runnerId` runs now (`runs`; every session when null), upcoming (not yet ended,
 * soonest first) or past (latest first), cancelled ones included, and how many there are.
 * `unstaffed`: those that need a trainer (`needsTrainer`: upcoming, not cancelled, no one named on
 * them runs them now), soonest first.
 */
export async function listSessionsRunBy(db: Q, runnerId: string | null, when: 'upcoming' | 'past' | 'unstaffed', nowIso: string, limit: number, offset: number) {
  let q = db.selectFrom('sessions');
  if (runnerId) q = q.where(runs({ userId: runnerId }));
  q = when === 'past' ? q.where('ends_at', '<=', nowIso) : when === 'unstaffed' ? q.where(needsTrainer(nowIso)) : q.where('ends_at', '>', nowIso);
  const counted = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows: SessionViewRow[] = await q
    .select(VIEW_COLUMNS)
    .orderBy('starts_at', when === 'past' ? 'desc' : 'asc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  return { rows, total: Number(counted?.n ?? 0) };
}

/** How many bookings of each session are marked attended. */
export async function attendedCounts(db: Q, sessionIds: string[]): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  if (sessionIds.length === 0) return map;
  const rows = await db
    .selectFrom('bookings')
    .select((eb) => ['session_id', eb.fn.countAll<number>().as('n')])
    .where('session_id', 'in', sessionIds)
    .where('status', '=', 'attended')
    .groupBy('session_id')
    .execute();
  for (const r of rows) map.set(r.session_id, Number(r.n));
  return map;
}

/**
 * Which of these sessions still have bookings that say "confirmed": an ended one among them
 * has not had its outcomes (attended or absent) written yet.
 */
export async function withConfirmedBookings(db: Q, sessionIds: string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db.selectFrom('bookings').select('session_id').distinct().where('session_id', 'in', sessionIds).where('status', '=', 'confirmed').execute();
  return new Set(rows.map((r) => r.session_id));
}

/**
 * How many people on a session `sees` says could not see it: those with a place (booked,
 * offered or waiting) and those on its register (attended or absent: their record of the
 * training, which the session must stay visible to them for).
 */
export async function bookedOutside(db: Q, sessionId: string, sees: (u: { id: string; role: string; orgId: string | null }) => Promise<boolean>): Promise<{ places: number; recorded: number }> {
  const people = await db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['u.id', 'u.role', 'u.org_id', 'b.status'])
    .where('b.session_id', '=', sessionId)
    .where('b.status', '<>', 'cancelled')
    .execute();
  const outside = { places: 0, recorded: 0 };
  for (const p of people) {
    if (await sees({ id: p.id, role: p.role, orgId: p.org_id })) continue;
    if (p.status === 'attended' || p.status === 'absent') outside.recorded++;
    else outside.places++;
  }
  return outside;
}

/** The names of organisations holding seats on a session that are outside its stored audience. */
export async function holdOrgsOutside(db: Q, sessionId: string): Promise<string[]> {
  const holds = await db
    .selectFrom('seat_holds as h')
    .innerJoin('organisations as o', 'o.id', 'h.org_id')
    .select(['h.org_id', 'o.name'])
    .where('h.session_id', '=', sessionId)
    .where('h.seats', '>', 0)
    .execute();
  const outside = new Set<string>();
  for (const h of holds) if (!(await orgInAudience(db, sessionId, h.org_id))) outside.add(h.name);
  return [...outside].sort();
}

/** Trainers allowed per course (courses without a list are missing from the map). */
export async function courseTrainers(db: Q, courseIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (courseIds.length === 0) return map;
  const rows = await db.selectFrom('course_trainers').select(['course_id', 'user_id']).where('course_id', 'in', courseIds).orderBy('user_id').execute();
  for (const r of rows) map.set(r.course_id, [...(map.get(r.course_id) ?? []), r.user_id]);
  return map;
}

export async function replaceCourseTrainers(db: Q, courseId: string, trainerIds: string[]) {
  await db.deleteFrom('course_trainers').where('course_id', '=', courseId).execute();
  if (trainerIds.length) await db.insertInto('course_trainers').values(trainerIds.map((user_id) => ({ course_id: courseId, user_id }))).execute();
}

/** The organisations `userId` is an in-house lead for now (in their own organisation's chain only: see currentLeadOrgIds). */
export const leadOrgIds = currentLeadOrgIds;

/** An organisation's in-house leads, by name. */
export function leadsOfOrg(db: Q, orgId: string) {
  return db
    .selectFrom('inhouse_leads as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['u.id', 'u.name', 'u.email', 'u.org_id', 'u.disabled_at', 'l.created_at'])
    .where('l.org_id', '=', orgId)
    .orderBy('u.name')
    .execute();
}

/**
 * Who may be made an in-house lead for `orgId`: staff and office staff of it or of an
 * organisation directly under it (a trust's schools), accounts on, not leading it already,
 * by name, with their organisation's name; only those whose name or email holds `text` (any
 * case) when given. One more than `limit` is read so the caller knows whether there are more.
 */
export function leadCandidates(db: Q, orgId: string, opts: { text?: string; limit: number }) {
  let q = db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.org_id')
    .selectAll('u')
    .select('o.name as org_name')
    .where((eb) => eb.or([eb('o.id', '=', orgId), eb('o.parent_id', '=', orgId)]))
    .where('u.disabled_at', 'is', null)
    .where('u.role', 'in', ['staff', 'office'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('inhouse_leads as l').select('l.user_id').whereRef('l.user_id', '=', 'u.id').where('l.org_id', '=', orgId))))
    .orderBy('u.name')
    .orderBy('u.id')
    .limit(opts.limit + 1);
  if (opts.text) {
    const text = opts.text;
    q = q.where((eb) => eb.or([lowerContains(db, 'u.name', text), lowerContains(db, 'u.email', text)]));
  }
  return q.execute();
}

/** Makes someone a lead: sessions they are named on for the organisation are theirs to run again, and in their calendar feed. */
export async function addLead(db: Q, row: Database['inhouse_leads']) {
  const exists = await db.selectFrom('inhouse_leads').select('user_id').where('user_id', '=', row.user_id).where('org_id', '=', row.org_id).executeTakeFirst();
  if (exists) return;
  await db.insertInto('inhouse_leads').values(row).execute();
  await raiseRunnerFeeds(db, { userIds: [row.user_id] }, row.created_at);
}

/**
 * `userId` as a lead of `orgId` (their name, email and whether their account is off), with
 * the lead and the person kept as they are until the transaction ends on PostgreSQL (`FOR
 * SHARE`): removing the lead, turning the account off or moving them waits, so a session is
 * never given to someone who stopped leading at the same moment. (SQLite runs one writing
 * transaction at a time.)
 */
export function leadKept(trx: Transaction<Database>, kind: DbKind, orgId: string, userId: string) {
  const q = trx
    .selectFrom('inhouse_leads as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['u.id', 'u.name', 'u.email', 'u.disabled_at'])
    .where('l.org_id', '=', orgId)
    .where('l.user_id', '=', userId);
  return (kind === 'postgres' ? q.forShare() : q).executeTakeFirst();
}

/** Ends someone's leadership: the sessions they are named on for the organisation leave their calendar feed (they run them no longer). */
export async function removeLead(db: Q, orgId: string, userId: string, nowIso: string) {
  const r = await db.deleteFrom('inhouse_leads').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(r.numDeletedRows) > 0) await raiseRunnerFeeds(db, { userIds: [userId] }, nowIso);
}

/**
 * Trainers (role trainer, account on) whose name holds every word of `words` (any case, for
 * every letter, as the session search folds it), by name; one more than `limit` is read so the
 * caller knows whether more match. Only ids and names are read.
 */
export function searchTrainers(db: Q, words: string[], limit: number) {
  let q = db.selectFrom('users as u').select(['u.id', 'u.name']).where('u.role', '=', 'trainer').where('u.disabled_at', 'is', null);
  for (const word of words) q = q.where(sql<boolean>`${folded(db, 'u.name')} like ${containing(word)} escape '\\'`);
  return q.orderBy('u.name').orderBy('u.id').limit(limit + 1).execute();
}
