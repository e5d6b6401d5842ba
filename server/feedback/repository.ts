/** Queries of feedback: attendees' answers, who attended, and who has yet to be asked. */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

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

/** Every answer in scope with who gave it, the session and whether its course hides names. */
export async function answers(db: Q, scope: Scope) {
  if (scope.sessionIds && scope.sessionIds.length === 0) return [];
  let q = db
    .selectFrom('feedback as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .innerJoin('sessions as s', 's.id', 'f.session_id')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .select(['f.session_id', 'f.usefulness', 'f.confidence_before', 'f.confidence_after', 'f.comment', 'f.updated_at', 'u.name', 's.title', 's.course_id', 'c.anonymous_feedback'])
    .where('s.status', '<>', 'cancelled');
  if (scope.sessionId) q = q.where('f.session_id', '=', scope.sessionId);
  if (scope.courseId) q = q.where('s.course_id', '=', scope.courseId);
  if (scope.sessionIds) q = q.where('f.session_id', 'in', scope.sessionIds);
  return q.orderBy('f.updated_at', 'desc').limit(20_000).execute();
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

/** Ended sessions in scope (run by `trainerId`, or of a course), newest first. */
export function endedSessions(db: Q, nowIso: string, by: { trainerId?: string; courseId?: string }) {
  let q = db
    .selectFrom('sessions as s')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .select(['s.id', 's.title', 's.starts_at', 's.ends_at', 'c.title as course_title'])
    .where('s.status', '<>', 'cancelled')
    .where('s.ends_at', '<=', nowIso);
  if (by.trainerId) q = q.where((eb) => eb.exists(eb.selectFrom('session_trainers as t').select('t.user_id').whereRef('t.session_id', '=', 's.id').where('t.user_id', '=', by.trainerId!)));
  if (by.courseId) q = q.where('s.course_id', '=', by.courseId);
  return q.orderBy('s.starts_at', 'desc').limit(500).execute();
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
