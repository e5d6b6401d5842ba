/** Queries of feedback: attendees' answers, who attended, and who has yet to be asked. */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { runs } from '../bookings/repository.js';

type Q = Kysely<Database> | Transaction<Database>;

/** The caller's attended booking of a session, with the session's end. */
export function attendedBooking(db: Q, sessionId: string, userId: string) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .select(['b.id', 's.title', 's.ends_at'])
    .where('b.session_id', '=', sessionId)
    .where('b.user_id', '=', userId)
    .where('b.status', '=', 'attended')
    .executeTakeFirst();
}

export function findFeedback(db: Q, sessionId: string, userId: string) {
  return db.selectFrom('feedback').selectAll().where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
}

export interface FeedbackValues {
  usefulness: number;
  confidence_before: number;
  confidence_after: number;
  comment: string | null;
}

/** One answer per person and session: the first call creates it, later ones change it. */
export async function saveFeedback(db: Q, key: { sessionId: string; userId: string; bookingId: string }, v: FeedbackValues, nowIso: string) {
  await db
    .insertInto('feedback')
    .values({ id: randomUUID(), session_id: key.sessionId, user_id: key.userId, booking_id: key.bookingId, ...v, created_at: nowIso, updated_at: nowIso })
    .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet({ ...v, booking_id: key.bookingId, updated_at: nowIso }))
    .execute();
}

export interface Scope {
  sessionId?: string;
  courseId?: string;
  sessionIds?: string[];
}

/** Answers in scope, on sessions that were not cancelled, of people still recorded as attending (a register corrected to absent takes theirs out). */
function answersIn(db: Q, scope: Scope) {
  let q = db
    .selectFrom('feedback as f')
    .innerJoin('sessions as s', 's.id', 'f.session_id')
    .innerJoin('bookings as fb', (j) => j.onRef('fb.id', '=', 'f.booking_id').on('fb.status', '=', 'attended'))
    .where('s.status', '<>', 'cancelled');
  if (scope.sessionId) q = q.where('f.session_id', '=', scope.sessionId);
  if (scope.courseId) q = q.where('s.course_id', '=', scope.courseId);
  if (scope.sessionIds) q = q.where('f.session_id', 'in', scope.sessionIds);
  return q;
}

/** The figures of a set of answers: how many, each score's count (1..5) and the sums. */
export interface AnswerFigures {
  responses: number;
  usefulness: number[];
  confidenceBefore: number[];
  confidenceAfter: number[];
  sums: { usefulness: number; confidenceBefore: number; confidenceAfter: number };
}

const SCORES = [1, 2, 3, 4, 5] as const;
const SCORED = { usefulness: 'f.usefulness', confidenceBefore: 'f.confidence_before', confidenceAfter: 'f.confidence_after' } as const;

/**
 * The figures of the answers in scope, counted by the database (so they hold however many
 * people answered): one group (key '') or one per session or course (answers on sessions of
 * no course are left out of the per-course groups).
 */
export async function figures(db: Q, scope: Scope, by: 'all' | 'session' | 'course' = 'all'): Promise<Map<string, AnswerFigures>> {
  if (scope.sessionIds && scope.sessionIds.length === 0) return new Map();
  const columns = [
    sql<number | string>`count(*)`.as('n'),
    ...Object.entries(SCORED).flatMap(([name, col]) => [
      sql<number | string | null>`sum(${sql.ref(col)})`.as(`${name}_sum`),
      ...SCORES.map((k) => sql<number | string | null>`sum(case when ${sql.ref(col)} = ${sql.lit(k)} then 1 else 0 end)`.as(`${name}_${k}`)),
    ]),
  ];
  const base = answersIn(db, scope);
  const rows: Record<string, unknown>[] =
    by === 'all'
      ? await base.select(columns).execute()
      : by === 'session'
        ? await base.select([sql<string>`f.session_id`.as('k'), ...columns]).groupBy('f.session_id').execute()
        : await base.where('s.course_id', 'is not', null).select([sql<string>`s.course_id`.as('k'), ...columns]).groupBy('s.course_id').execute();
  const out = new Map<string, AnswerFigures>();
  for (const r of rows) {
    const responses = Number(r.n);
    if (responses === 0) continue;
    const counts = (name: string) => SCORES.map((k) => Number(r[`${name}_${k}`] ?? 0));
    out.set(by === 'all' ? '' : String(r.k), {
      responses,
      usefulness: counts('usefulness'),
      confidenceBefore: counts('confidenceBefore'),
      confidenceAfter: counts('confidenceAfter'),
      sums: { usefulness: Number(r.usefulness_sum ?? 0), confidenceBefore: Number(r.confidenceBefore_sum ?? 0), confidenceAfter: Number(r.confidenceAfter_sum ?? 0) },
    });
  }
  return out;
}

/** The latest `limit` comments in scope, newest first, with who gave each and the course's anonymity, and how many comments there are in all. */
export async function latestComments(db: Q, scope: Scope, limit: number) {
  if (scope.sessionIds && scope.sessionIds.length === 0) return { rows: [], total: 0 };
  const withComment = answersIn(db, scope).where('f.comment', 'is not', null);
  const [rows, counted] = await Promise.all([
    withComment
      .innerJoin('users as u', 'u.id', 'f.user_id')
      .leftJoin('courses as c', 'c.id', 's.course_id')
      .select(['f.comment', 'f.updated_at', 'u.name', 's.title', 'c.anonymous_feedback'])
      .orderBy('f.updated_at', 'desc')
      .orderBy('f.id')
      .limit(limit)
      .execute(),
    withComment.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
  ]);
  return { rows: rows.map((r) => ({ ...r, comment: r.comment! })), total: Number(counted?.n ?? 0) };
}

/** People who attended, per session, in scope. */
export async function attendeesPerSession(db: Q, scope: Scope): Promise<Map<string, number>> {
  if (scope.sessionIds && scope.sessionIds.length === 0) return new Map();
  let q = db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .select(['b.session_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('b.status', '=', 'attended')
    .where('s.status', '<>', 'cancelled')
    .groupBy('b.session_id');
  if (scope.sessionId) q = q.where('b.session_id', '=', scope.sessionId);
  if (scope.courseId) q = q.where('s.course_id', '=', scope.courseId);
  if (scope.sessionIds) q = q.where('b.session_id', 'in', scope.sessionIds);
  return new Map((await q.execute()).map((r) => [r.session_id, Number(r.n)]));
}

/**
 * A page of the ended sessions in scope (those `runBy` runs now, or of a course; every one
 * without either), newest first, and how many there are in all.
 */
export async function endedSessions(db: Q, nowIso: string, by: { runBy?: string; courseId?: string }, page: { limit: number; offset: number }) {
  let q = db.selectFrom('sessions as s').where('s.status', '<>', 'cancelled').where('s.ends_at', '<=', nowIso);
  if (by.runBy) q = q.where(runs({ userId: by.runBy, table: 's' }));
  if (by.courseId) q = q.where('s.course_id', '=', by.courseId);
  const [rows, counted] = await Promise.all([
    q
      .leftJoin('courses as c', 'c.id', 's.course_id')
      .select(['s.id', 's.title', 's.starts_at', 's.ends_at', 'c.title as course_title'])
      .orderBy('s.starts_at', 'desc')
      .orderBy('s.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(counted?.n ?? 0) };
}

export function course(db: Q, id: string) {
  return db.selectFrom('courses').select(['id', 'title', 'anonymous_feedback']).where('id', '=', id).executeTakeFirst();
}

export function courses(db: Q) {
  return db.selectFrom('courses').select(['id', 'title', 'anonymous_feedback']).orderBy('title').execute();
}

export async function setCourseAnonymous(db: Q, id: string, anonymous: boolean) {
  await db.updateTable('courses').set({ anonymous_feedback: anonymous ? 1 : 0 }).where('id', '=', id).execute();
}

/**
 * Attended bookings of sessions that ended in (endedAfter, endedBefore] whose owner has not
 * been asked for feedback yet (no outbox row with the request's dedupe key).
 */
export function attendeesNotYetAsked(db: Q, endedAfterIso: string, endedBeforeIso: string, dedupePrefix: string) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['b.id'])
    .where('b.status', '=', 'attended')
    .where('s.status', '=', 'scheduled')
    .where('s.ends_at', '>', endedAfterIso)
    .where('s.ends_at', '<=', endedBeforeIso)
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('outbox as o').select('o.id').where('o.dedupe_key', '=', sql<string>`${dedupePrefix} || b.id`))))
    .limit(500)
    .execute();
}

/** Every answer `userId` gave, newest first, with its session's title and start (their copy of their data). */
export function feedbackByUser(db: Q, userId: string) {
  return db
    .selectFrom('feedback as f')
    .innerJoin('sessions as s', 's.id', 'f.session_id')
    .select(['f.session_id', 's.title', 's.starts_at', 'f.usefulness', 'f.confidence_before', 'f.confidence_after', 'f.comment', 'f.created_at', 'f.updated_at'])
    .where('f.user_id', '=', userId)
    .orderBy('f.created_at', 'desc')
    .execute();
}
