/**
 * The course completion rule. A course is split into parts (1..n; every session is one part
 * of its course, part 1 unless set). A course names how many parts it requires
 * (`parts_required`, default 1): a person has completed it once they have attended (their
 * booking became `attended`, by the attendance threshold of server/attendance) a session of
 * each part 1..parts_required. Sessions of later parts are optional extras. The course was
 * completed when the last of those parts was first attended: the end of the earliest
 * attended session of each required part, the latest of those.
 *
 * Everything here is set-based: one query for any number of people.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { attendedPartRows, completionCounts, type PeopleScope } from './repository.js';

type Q = Kysely<Database> | Transaction<Database>;

/** A person's completed course: which sessions counted for each required part. */
export interface CourseCompletion {
  userId: string;
  courseId: string;
  courseTitle: string;
  partsRequired: number;
  /** When the course was completed: the end of the session that completed its last required part (UTC ISO). */
  completedAt: string;
  /** For each required part (1..partsRequired, in order), the first attended session of it. */
  parts: { part: number; sessionId: string; sessionTitle: string; endsAt: string }[];
}

/**
 * Which courses each of `userIds` has completed, and when. Courses not completed are absent;
 * a person with none has an empty list. Disabled people are answered like anyone else (their
 * record stands).
 */
export async function courseCompletionsFor(db: Q, userIds: readonly string[]): Promise<Map<string, CourseCompletion[]>> {
  const result = new Map<string, CourseCompletion[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const rows = await attendedPartRows(db, [...new Set(userIds)]);
  // rows are ordered by user, course, part, end: the first row of each part is its earliest attended session.
  const byKey = new Map<string, { title: string; required: number; parts: Map<number, { sessionId: string; sessionTitle: string; endsAt: string }> }>();
  for (const r of rows) {
    const key = `${r.user_id}\u0000${r.course_id}`;
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { title: r.course_title, required: Number(r.parts_required), parts: new Map() }));
    const part = Number(r.part);
    if (!entry.parts.has(part)) entry.parts.set(part, { sessionId: r.session_id, sessionTitle: r.session_title, endsAt: r.ends_at });
  }
  for (const [key, e] of byKey) {
    if (e.required < 1 || e.parts.size < e.required) continue;
    const parts = [...e.parts.entries()].sort((a, b) => a[0] - b[0]).map(([part, s]) => ({ part, ...s }));
    const [userId, courseId] = key.split('\u0000') as [string, string];
    result.get(userId)?.push({
      userId,
      courseId,
      courseTitle: e.title,
      partsRequired: e.required,
      completedAt: parts.reduce((m, p) => (p.endsAt > m ? p.endsAt : m), ''),
      parts,
    });
  }
  for (const list of result.values()) list.sort((a, b) => a.completedAt.localeCompare(b.completedAt) || a.courseTitle.localeCompare(b.courseTitle));
  return result;
}

/** Whether `userId` has completed `courseId` (and when), by the same rule. */
export async function courseCompletion(db: Q, userId: string, courseId: string): Promise<CourseCompletion | null> {
  return (await courseCompletionsFor(db, [userId])).get(userId)?.find((c) => c.courseId === courseId) ?? null;
}

export { completionCounts, type PeopleScope };
