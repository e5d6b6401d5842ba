/**
 * Queries of the programme's reach: attended course parts, and coverage counts for a set of
 * organisations (or the whole programme), all set-based (grouped in the database, never one
 * query per person).
 */
import { dayInEngland } from '../platform/range.js';
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import { alphabetical, lowerContains } from '../../db/like.js';
import { kindOf } from '../../db/prepared.js';
import type { Database, JobRole } from '../../db/schema.js';
import { visibleTo, type Viewer } from '../bookings/repository.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Whose figures: everyone in the programme, or the people of these organisations on the
 * sessions `seenBy` (who reads the figures) may see, so a trust's office never counts a
 * school's own in-house sessions (DESIGN.md invariant 12).
 */
export type PeopleScope = { kind: 'all' } | { kind: 'orgs'; orgIds: readonly string[]; seenBy: Viewer };

/**
 * Whether the session of booking alias `b` counts in `scope`: a primary-key probe. A cancelled
 * session counts nowhere (not even one held before it was cancelled); a query that already
 * joins the session checks that on its join (`joined`), leaving only visibility, if anything.
 */
function sessionCounts(scope: PeopleScope, b: string, joined = false): RawBuilder<SqlBool> {
  const everything = scope.kind === 'all' || scope.seenBy.kind === 'all';
  if (joined && everything) return sql<SqlBool>`1 = 1`;
  const notCancelled = joined ? sql<SqlBool>`1 = 1` : sql<SqlBool>`vs.status <> 'cancelled'`;
  const visible = everything ? sql<SqlBool>`1 = 1` : visibleTo(scope.seenBy, 'vs');
  return sql<SqlBool>`exists (select 1 from sessions vs where vs.id = ${sql.ref(`${b}.session_id`)} and ${notCancelled} and ${visible})`;
}

/** Booking statuses that hold (or held) a seat: "booked". */
export const SEATED = ['confirmed', 'attended', 'absent'] as const;
/** Account roles that are part of a school's workforce (trainers and administrators run the programme). */
export const WORKFORCE_ROLES = ['staff', 'office'] as const;

const CHUNK = 500;

/**
 * Each attended session of a required part (part <= the course's parts_required) of each
 * course, for these people; ordered by person, course, part, then end, so the first row of
 * a part is its earliest attended session.
 */
export async function attendedPartRows(db: Q, userIds: readonly string[]) {
  const out = [];
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('bookings as b')
      .innerJoin('sessions as s', 's.id', 'b.session_id')
      .innerJoin('courses as c', 'c.id', 's.course_id')
      .select(['b.user_id', 'c.id as course_id', 'c.title as course_title', 'c.parts_required', 's.part', 's.id as session_id', 's.title as session_title', 's.ends_at'])
      .where('b.status', '=', 'attended')
      .where('s.status', '<>', 'cancelled')
      .whereRef('s.part', '<=', 'c.parts_required')
      .where('b.user_id', 'in', userIds.slice(i, i + CHUNK))
      .orderBy('b.user_id')
      .orderBy('c.id')
      .orderBy('s.part')
      .orderBy('s.ends_at')
      .execute();
    out.push(...rows);
  }
  return out;
}

/** The people counted: workforce roles, not turned off, at their current organisation in scope. */
function inWorkforce(scope: PeopleScope) {
  return (eb: ExpressionBuilder<Database & { u: Database['users'] }, 'u'>) => {
    const parts = [eb('u.role', 'in', [...WORKFORCE_ROLES]), eb('u.disabled_at', 'is', null), eb('u.org_id', 'is not', null)];
    if (scope.kind === 'orgs') parts.push(eb('u.org_id', 'in', scope.orgIds.length ? [...scope.orgIds] : ['']));
    return eb.and(parts);
  };
}

/**
 * One row per (person, course) completed, with the person's organisation and job role and
 * when the course was completed (the latest of the earliest attended session of each
 * required part). The rule in SQL: the same as completion.ts.
 */
function completedCourses(db: Q, scope: PeopleScope) {
  const firsts = db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('courses as c', 'c.id', 's.course_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .where(inWorkforce(scope))
    .where('b.status', '=', 'attended')
    .where('s.status', '<>', 'cancelled')
    .where(sessionCounts(scope, 'b', true))
    .whereRef('s.part', '<=', 'c.parts_required')
    .select((eb) => ['b.user_id', 'u.org_id', 'u.job_role', 'c.id as course_id', 'c.parts_required', 's.part', eb.fn.min('s.ends_at').as('first_end')])
    .groupBy(['b.user_id', 'u.org_id', 'u.job_role', 'c.id', 'c.parts_required', 's.part']);
  return db
    .selectFrom(firsts.as('t'))
    .select((eb) => ['t.user_id', 't.org_id', 't.job_role', 't.course_id', eb.fn.max('t.first_end').as('completed_at')])
    .groupBy(['t.user_id', 't.org_id', 't.job_role', 't.course_id', 't.parts_required'])
    .having((eb) => eb(eb.fn.countAll(), '=', eb.ref('t.parts_required')));
}

/** Per organisation and job role: staff, how many booked (any seat), how many attended at least one session. */
export async function workforceCounts(db: Q, scope: PeopleScope) {
  const rows = await db
    .selectFrom('users as u')
    .where(inWorkforce(scope))
    .select([
      'u.org_id',
      'u.job_role',
      sql<number>`count(*)`.as('staff'),
      sql<number>`sum(case when exists (select 1 from bookings b where b.user_id = u.id and b.status in ('confirmed', 'attended', 'absent') and ${sessionCounts(scope, 'b')}) then 1 else 0 end)`.as('booked'),
      sql<number>`sum(case when exists (select 1 from bookings b where b.user_id = u.id and b.status = 'attended' and ${sessionCounts(scope, 'b')}) then 1 else 0 end)`.as('attended'),
    ])
    .groupBy(['u.org_id', 'u.job_role'])
    .execute();
  return rows.map((r) => ({ orgId: r.org_id!, jobRole: (r.job_role ?? null) as JobRole | null, staff: Number(r.staff), booked: Number(r.booked ?? 0), attended: Number(r.attended ?? 0) }));
}

/** Per organisation, job role and course: how many people completed it. */
export async function completionCounts(db: Q, scope: PeopleScope) {
  const rows = await db
    .selectFrom(completedCourses(db, scope).as('cc'))
    .select((eb) => ['cc.org_id', 'cc.job_role', 'cc.course_id', eb.fn.countAll<number>().as('n')])
    .groupBy(['cc.org_id', 'cc.job_role', 'cc.course_id'])
    .execute();
  return rows.map((r) => ({ orgId: r.org_id!, jobRole: (r.job_role ?? null) as JobRole | null, courseId: r.course_id, completed: Number(r.n) }));
}

/**
 * The day in England of a UTC hour (`YYYY-MM-DDTHH` of a stored instant): England's days
 * begin on a whole UTC hour (midnight GMT or BST), so counts gathered per UTC hour (at most
 * 24 rows a day, however many sessions) fall into the right day.
 */
const dayOfHour = (hour: string) => dayInEngland(`${hour}:00:00.000Z`);

/** Course completions per day in England (the day of the session that completed each); a day may come more than once. */
export async function completionsPerDay(db: Q, scope: PeopleScope) {
  const rows = await db
    .selectFrom(completedCourses(db, scope).as('cc'))
    .select((eb) => [sql<string>`substr(cc.completed_at, 1, 13)`.as('hour'), 'cc.course_id', eb.fn.countAll<number>().as('n')])
    .groupBy([sql`substr(cc.completed_at, 1, 13)`, 'cc.course_id'])
    .execute();
  return rows.map((r) => ({ day: dayOfHour(r.hour), courseId: r.course_id, n: Number(r.n) }));
}

/** People who attended their first session, per day in England (of that session's end); a day may come more than once. */
export async function firstAttendancePerDay(db: Q, scope: PeopleScope) {
  const firsts = db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .where(inWorkforce(scope))
    .where('b.status', '=', 'attended')
    .where('s.status', '<>', 'cancelled')
    .where(sessionCounts(scope, 'b', true))
    .select((eb) => ['b.user_id', eb.fn.min('s.ends_at').as('first_end')])
    .groupBy('b.user_id');
  const rows = await db
    .selectFrom(firsts.as('f'))
    .select((eb) => [sql<string>`substr(f.first_end, 1, 13)`.as('hour'), eb.fn.countAll<number>().as('n')])
    .groupBy(sql`substr(f.first_end, 1, 13)`)
    .execute();
  return rows.map((r) => ({ day: dayOfHour(r.hour), n: Number(r.n) }));
}

/** People in scope with no seat ever booked (on a session that counts in scope). */
function notBookedIn(db: Q, scope: PeopleScope) {
  return db
    .selectFrom('users as u')
    .where(inWorkforce(scope))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('bookings as b').select('b.id').whereRef('b.user_id', '=', 'u.id').where('b.status', 'in', [...SEATED]).where(sessionCounts(scope, 'b')))));
}

/** `u.name` or `u.email` holds `text`, any case (`%`, `_` and `\` literal), the same on SQLite and PostgreSQL. */
const nameOrEmailHolds = (db: Q, text: string) => sql<SqlBool>`(${lowerContains(db, 'u.name', text)} or ${lowerContains(db, 'u.email', text)})`;

/**
 * Where the list of people not yet booked stands a person: their organisation's name and their
 * own as an alphabetical list has them (any case, accents with their letter: db/like.ts
 * `alphabetical`, the same on both databases), with the organisation's id between (two
 * organisations of one name keep their people apart) and the person's id last (a total order).
 */
export type NotBookedKey = readonly [orgName: string, orgId: string, name: string, userId: string];

/**
 * The sort key's parts as SQL, each compared by code point on both databases (SQLite's own
 * way; on PostgreSQL collation "C", whatever the database's collation): the ORDER BY and the
 * keyset comparison are these same expressions, so a page starts exactly after the last person
 * of the page before on either database.
 */
function notBookedOrder(db: Q) {
  const byCodePoint = (e: RawBuilder<string>) => (kindOf(db) === 'sqlite' ? e : sql<string>`(${e} collate "C")`);
  return [byCodePoint(sql<string>`coalesce(${sql.ref('o.sort_key')}, '')`), byCodePoint(sql<string>`${sql.ref('u.org_id')}`), byCodePoint(alphabetical(db, 'u.name')), byCodePoint(sql<string>`${sql.ref('u.id')}`)] as const;
}

/**
 * The organisations of `scope` with their names' places in an alphabetical list (`sort_key`),
 * worked out once an organisation, not once a person: a programme's tens of thousands of
 * schools against its hundreds of thousands of staff (on PostgreSQL about half the cost of the
 * whole programme's page). There `offset 0` keeps the planner from folding it into the outer
 * query, where the key would be worked out again for every person.
 */
function orgsWithSortKey(db: Q, scope: PeopleScope) {
  let orgs = db.selectFrom('organisations').select(['id', 'name', alphabetical(db, 'name').as('sort_key')]);
  if (scope.kind === 'orgs') orgs = orgs.where('id', 'in', scope.orgIds.length ? [...scope.orgIds] : ['']);
  return kindOf(db) === 'sqlite' ? orgs : orgs.modifyEnd(sql`offset 0`);
}

/**
 * A page of the people in scope with no seat ever booked, by NotBookedKey (`q`: only those
 * whose name or email holds it, any case; `after`: only those after this key, where the page
 * before ended), each with its key (`sort_org`, `sort_name`) and whether they wait on a list
 * now: waitlisted (or offered a seat) on a session that has not ended by `nowIso` (a place left
 * on the list of a session long over is waiting for nothing). One statement, however many.
 */
export async function notBooked(db: Q, scope: PeopleScope, opts: { nowIso: string; limit: number; offset?: number; after?: NotBookedKey; q?: string }) {
  let people = notBookedIn(db, scope).leftJoin(orgsWithSortKey(db, scope).as('o'), 'o.id', 'u.org_id');
  if (opts.q) people = people.where(nameOrEmailHolds(db, opts.q));
  const [orgKey, orgId, nameKey, userId] = notBookedOrder(db);
  const after = opts.after;
  // A row-value comparison: SQLite and PostgreSQL both compare (a, b, c, d) > (w, x, y, z) part by part, as ORDER BY does.
  if (after) people = people.where(sql<SqlBool>`(${orgKey}, ${orgId}, ${nameKey}, ${userId}) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]})`);
  return people
    .select((eb) => [
      'u.id',
      'u.name',
      'u.email',
      'u.org_id',
      'u.job_role',
      'o.name as org_name',
      orgKey.as('sort_org'),
      nameKey.as('sort_name'),
      eb
        .exists(
          eb
            .selectFrom('bookings as w')
            .innerJoin('sessions as ws', 'ws.id', 'w.session_id')
            .select('w.id')
            .whereRef('w.user_id', '=', 'u.id')
            .where('w.status', 'in', ['waitlisted', 'offered'])
            .where('ws.ends_at', '>', opts.nowIso)
            .where(sessionCounts(scope, 'w')),
        )
        .as('waiting'),
    ])
    .orderBy(orgKey)
    .orderBy(orgId)
    .orderBy(nameKey)
    .orderBy(userId)
    .limit(opts.limit)
    .offset(opts.offset ?? 0)
    .execute();
}

/**
 * How many people in scope have no seat ever booked (`all`), and how many of them have a name
 * or email holding `q` (`matching`; without `q`, all of them): one statement.
 */
export async function countNotBooked(db: Q, scope: PeopleScope, q?: string): Promise<{ all: number; matching: number }> {
  const row = await notBookedIn(db, scope)
    .select((eb) => [
      eb.fn.countAll<number | string>().as('n'),
      (q ? sql<number | string | null>`sum(case when ${nameOrEmailHolds(db, q)} then 1 else 0 end)` : eb.fn.countAll<number | string>()).as('matching'),
    ])
    .executeTakeFirst();
  return { all: Number(row?.n ?? 0), matching: Number(row?.matching ?? 0) };
}

/** Organisations by id (name, kind, parent, URN). */
export function orgsByIds(db: Q, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('organisations').select(['id', 'name', 'kind', 'parent_id', 'urn']).where('id', 'in', [...ids]).execute();
}

export { descendantOrgs } from '../accounts/repository.js';

/** Every course, with how many parts complete it. */
export function allCourses(db: Q) {
  return db.selectFrom('courses').select(['id', 'title', 'parts_required']).orderBy('title').execute();
}

/** Every organisation (id, name, parent, URN), for rolling the programme up to its top-level organisations. */
export function allOrgs(db: Q) {
  return db.selectFrom('organisations').select(['id', 'name', 'parent_id', 'urn']).execute();
}
