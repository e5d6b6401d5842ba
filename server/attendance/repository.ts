/** Queries of attendance: bookings with people, intervals, overrides, results, check-in secrets. */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type OnConflictBuilder, type Transaction } from 'kysely';
import type { Database, PresenceIntervalsTable } from '../../db/schema.js';
import { oneOf, rowInserter } from '../../db/prepared.js';
import type { DbKind } from '../../db/connect.js';
import { timeOrderedId } from '../platform/ids.js';
import { raiseFeeds } from '../calendar/feed-revisions.js';
import { visibleTo, type Viewer } from '../bookings/repository.js';

export type Q = Kysely<Database> | Transaction<Database>;

export const SEATED = ['confirmed', 'attended', 'absent'] as const;

/** Seated bookings of a session with each person's name, email and organisation. */
/** `orgIds`: only these organisations' staff (none: nobody). */
export function seatedBookings(db: Q, sessionId: string, orgIds?: readonly string[]) {
  let q = db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .select(['b.id', 'b.user_id', 'b.seat', 'b.status', 'b.queue_seq', 'u.name', 'u.email', 'u.org_id', 'o.name as org_name'])
    .where('b.session_id', '=', sessionId)
    .where('b.status', 'in', [...SEATED]);
  if (orgIds) q = orgIds.length ? q.where('u.org_id', 'in', orgIds) : q.where(sql<boolean>`1 = 0`);
  return q.orderBy('u.name').orderBy('b.queue_seq').execute();
}

export function intervalsOfSession(db: Q, sessionId: string) {
  return db.selectFrom('presence_intervals').selectAll().where('session_id', '=', sessionId).execute();
}

export function roomsOfSession(db: Q, sessionId: string) {
  return db.selectFrom('live_rooms').select(['room_sid', 'finished_at', 'first_seen_at']).where('session_id', '=', sessionId).execute();
}

export function overridesOfSession(db: Q, sessionId: string) {
  return db
    .selectFrom('attendance_overrides as a')
    .leftJoin('users as u', 'u.id', 'a.changed_by')
    .selectAll('a')
    .select('u.name as changed_by_name')
    .where('a.session_id', '=', sessionId)
    .execute();
}

/** A booking's current register entry (its correction), or undefined when it has none. */
export function overrideOf(db: Q, bookingId: string) {
  return db.selectFrom('attendance_overrides').selectAll().where('booking_id', '=', bookingId).executeTakeFirst();
}

export async function saveOverride(trx: Transaction<Database>, row: Database['attendance_overrides']) {
  await trx
    .insertInto('attendance_overrides')
    .values(row)
    .onConflict((oc) => oc.column('booking_id').doUpdateSet({ attended: row.attended, minutes: row.minutes, note: row.note, changed_by: row.changed_by, changed_at: row.changed_at }))
    .execute();
  await trx.insertInto('attendance_override_log').values({ ...row, id: randomUUID() }).execute();
}

export function overrideLog(db: Q, bookingId: string) {
  return db.selectFrom('attendance_override_log').selectAll().where('booking_id', '=', bookingId).orderBy('changed_at').execute();
}

export async function saveResult(trx: Q, row: Database['attendance_results']) {
  await trx
    .insertInto('attendance_results')
    .values(row)
    .onConflict((oc) => oc.column('booking_id').doUpdateSet({ minutes: row.minutes, attended: row.attended, source: row.source, computed_at: row.computed_at }))
    .execute();
}

/**
 * A session's recorded outcomes undone: its attended and absent bookings are confirmed again
 * (all three hold a seat, so the stored counts stay as they are) and their results dropped.
 */
export async function reopenOutcomes(trx: Transaction<Database>, sessionId: string, nowIso: string): Promise<number> {
  const ids = (await trx.selectFrom('bookings').select('id').where('session_id', '=', sessionId).where('status', 'in', ['attended', 'absent']).execute()).map((r) => r.id);
  if (ids.length === 0) return 0;
  await trx.updateTable('bookings').set({ status: 'confirmed', updated_at: nowIso }).where('id', 'in', ids).execute();
  await trx.deleteFrom('attendance_results').where('booking_id', 'in', ids).execute();
  await raiseFeeds(trx, { bookingIds: ids }, nowIso);
  return ids.length;
}

/**
 * What has been recorded of a session so far, its register entries, its presence intervals
 * and its caption segments (the transcript), deleted (the register's change log is history
 * and stays). For a session moved to times that have not begun: all of it was about the
 * old occurrence, and the new one's transcript starts empty.
 * The intervals are locked in (source, key) order first on PostgreSQL, the order webhook
 * batches lock them in, so a batch arriving meanwhile cannot deadlock with this.
 */
export async function clearRecordedAttendance(trx: Transaction<Database>, kind: DbKind, sessionId: string): Promise<{ overrides: number; intervals: number; captions: number }> {
  const overrides = await trx
    .deleteFrom('attendance_overrides')
    .where('booking_id', 'in', trx.selectFrom('bookings').select('id').where('session_id', '=', sessionId))
    .executeTakeFirst();
  if (kind === 'postgres') await trx.selectFrom('presence_intervals').select('id').where('session_id', '=', sessionId).orderBy('source').orderBy('key').forUpdate().execute();
  const intervals = await trx.deleteFrom('presence_intervals').where('session_id', '=', sessionId).executeTakeFirst();
  const captions = await trx.deleteFrom('caption_segments').where('session_id', '=', sessionId).executeTakeFirst();
  return { overrides: Number(overrides.numDeletedRows), intervals: Number(intervals.numDeletedRows), captions: Number(captions.numDeletedRows) };
}

export async function setBookingStatus(trx: Q, bookingId: string, status: 'attended' | 'absent', nowIso: string) {
  const done = await trx.updateTable('bookings').set({ status, updated_at: nowIso }).where('id', '=', bookingId).where('status', 'in', [...SEATED]).executeTakeFirst();
  if (Number(done.numUpdatedRows) > 0) await raiseFeeds(trx, { bookingIds: [bookingId] }, nowIso);
}

/** Ended sessions that still have bookings waiting for their outcome. */
export function sessionsAwaitingOutcome(db: Q, endedBeforeIso: string, endedAfterIso: string) {
  return db
    .selectFrom('sessions as s')
    .selectAll('s')
    .where('s.status', '=', 'scheduled')
    .where('s.ends_at', '<=', endedBeforeIso)
    .where('s.ends_at', '>', endedAfterIso)
    .where((eb) => eb.exists(eb.selectFrom('bookings as b').select('b.id').whereRef('b.session_id', '=', 's.id').where('b.status', '=', 'confirmed')))
    .orderBy('s.ends_at')
    .limit(100)
    .execute();
}

/** The session's check-in secret, made on first use (random, 32 bytes). */
export async function checkinSecret(db: Q, sessionId: string, nowIso: string): Promise<string> {
  await db
    .insertInto('checkin_secrets')
    .values({ session_id: sessionId, secret: randomBytes(32).toString('base64url'), created_at: nowIso })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
  return (await db.selectFrom('checkin_secrets').select('secret').where('session_id', '=', sessionId).executeTakeFirstOrThrow()).secret;
}

/**
 * Wrong check-in codes a person entered for a session since `sinceIso`, over every booking
 * they have had of it: cancelling and booking again does not wipe them.
 */
export async function countCheckinFailures(db: Q, sessionId: string, userId: string, sinceIso: string): Promise<number> {
  const r = await db
    .selectFrom('checkin_failures as f')
    .innerJoin('bookings as b', 'b.id', 'f.booking_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('b.session_id', '=', sessionId)
    .where('b.user_id', '=', userId)
    .where('f.at', '>', sinceIso)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function recordCheckinFailure(trx: Transaction<Database>, bookingId: string, at: string) {
  await trx.insertInto('checkin_failures').values({ id: randomUUID(), booking_id: bookingId, at }).execute();
}

/** When a booking's check-in was first taken, or null when it has not checked in. */
export async function findCheckinTime(db: Q, bookingId: string): Promise<string | null> {
  const row = await db.selectFrom('presence_intervals').select('started_at').where('source', '=', 'checkin').where('key', '=', `checkin:${bookingId}`).executeTakeFirst();
  return row?.started_at ?? null;
}

/** When a booking's check-in was first taken (it has checked in). */
export async function checkinTime(db: Q, bookingId: string): Promise<string> {
  const at = await findCheckinTime(db, bookingId);
  if (at === null) throw new Error(`booking ${bookingId} has not checked in`);
  return at;
}

/**
 * Whose record: one person's (all of it when it is their own; read by someone else, on the
 * sessions `viewer` may see), or the staff of these organisations' (an office page's: a
 * school, or a trust and its schools, accounts/acting.ts `orgAndSchoolsFor`; none: nobody) on
 * the sessions `viewer` (who reads it) may see, so a trust's office never reads a school's own
 * in-house sessions (DESIGN.md invariant 12).
 */
export type Whose = { userId: string; viewer?: Viewer } | { orgIds: readonly string[]; viewer: Viewer };

/** Attended bookings (CPD evidence) of one person, or of some organisations' staff, with their sessions. */
function attended(db: Q, by: Whose) {
  // A session cancelled after it was held counts nowhere, as in reach (server/reach/repository.ts).
  const q = db.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id').innerJoin('sessions as s', 's.id', 'b.session_id').where('b.status', '=', 'attended').where('s.status', '<>', 'cancelled');
  if ('userId' in by) return by.viewer ? q.where('b.user_id', '=', by.userId).where(visibleTo(by.viewer, 's')) : q.where('b.user_id', '=', by.userId);
  const { orgIds } = by;
  // One organisation (a school's record, the commonest) as an equality, as before there were several.
  const staff = orgIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : orgIds.length === 1 ? q.where('u.org_id', '=', orgIds[0]!) : q.where(oneOf(db, 'u.org_id', orgIds));
  return staff.where(visibleTo(by.viewer, 's'));
}

/** Attended sessions, newest first, each with the person's organisation: all of them, or the page `limit`/`offset`. */
export function completions(db: Q, by: Whose, page?: { limit: number; offset: number }) {
  let q = attended(db, by)
    .leftJoin('attendance_results as r', 'r.booking_id', 'b.id')
    .leftJoin('organisations as uo', 'uo.id', 'u.org_id')
    .select(['b.id', 'b.user_id', 'u.name', 'u.email', 'uo.name as org_name', 'b.seat', 's.id as session_id', 's.title', 's.course_id', 's.starts_at', 's.ends_at', 'r.minutes', 'r.source'])
    .orderBy('s.starts_at', 'desc')
    .orderBy('u.name')
    .orderBy('b.id');
  if (page) q = q.limit(page.limit).offset(page.offset);
  return q.execute();
}

/** How many attended sessions there are (for paging, and to refuse a spreadsheet too large to build). */
export async function countCompletions(db: Q, by: Whose): Promise<number> {
  const row = await attended(db, by).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Course titles by id. */
export async function courseTitles(db: Q, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('courses').select(['id', 'title']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}

// ---------------------------------------------------------------- merging presence intervals

export interface IntervalPatch {
  sessionId: string;
  userId: string;
  source: PresenceIntervalsTable['source'];
  key: string;
  roomSid?: string | null;
  /** Earliest wins. */
  startedAt?: string | null;
  /** Earliest wins. */
  leftAt?: string | null;
  /** Latest wins. */
  seenAt?: string | null;
  aborted?: boolean;
}

const earliest = (a: string | null | undefined, b: string | null | undefined) => (a == null ? (b ?? null) : b == null ? a : a < b ? a : b);
const latest = (a: string | null | undefined, b: string | null | undefined) => (a == null ? (b ?? null) : b == null ? a : a > b ? a : b);

/** Two patches of one interval as one, by the same rules as merging them into the row one after the other. */
export function combinePatches(a: IntervalPatch, b: IntervalPatch): IntervalPatch {
  return {
    ...a,
    roomSid: a.roomSid ?? b.roomSid ?? null,
    startedAt: earliest(a.startedAt, b.startedAt),
    leftAt: earliest(a.leftAt, b.leftAt),
    seenAt: latest(a.seenAt, b.seenAt),
    aborted: !!(a.aborted || b.aborted),
  };
}

// When the incoming value (excluded.x) changes the stored one (presence_intervals.x) under
// each field's merge rule. Times are ISO-8601 UTC strings, so text order is time order.
const cur = (c: string) => sql.ref(`presence_intervals.${c}`);
const inc = (c: string) => sql.ref<string>(`excluded.${c}`);
const fillsNull = (c: string) => sql<boolean>`(${cur(c)} is null and ${inc(c)} is not null)`;
const isEarlier = (c: string) => sql<boolean>`(${inc(c)} is not null and (${cur(c)} is null or ${inc(c)} < ${cur(c)}))`;
const isLater = (c: string) => sql<boolean>`(${inc(c)} is not null and (${cur(c)} is null or ${inc(c)} > ${cur(c)}))`;
const setsAborted = sql<boolean>`(${inc('aborted')} <> 0 and ${cur('aborted')} = 0)`;
const MERGE_CHANGES = {
  room_sid: fillsNull('room_sid'),
  started_at: isEarlier('started_at'),
  left_at: isEarlier('left_at'),
  seen_at: isLater('seen_at'),
  aborted: setsAborted,
};
const pick = (c: keyof typeof MERGE_CHANGES) => sql<any>`case when ${MERGE_CHANGES[c]} then ${inc(c)} else ${cur(c)} end`;

/** Merges an incoming row (`excluded`) into the stored one, touching updated_at only when something changed. */
const mergeOnConflict = (oc: OnConflictBuilder<Database, 'presence_intervals'>) =>
  oc
    .columns(['source', 'key'])
    .doUpdateSet({ room_sid: pick('room_sid'), started_at: pick('started_at'), left_at: pick('left_at'), seen_at: pick('seen_at'), aborted: pick('aborted'), updated_at: inc('updated_at') })
    .where(sql<boolean>`${sql.join(Object.values(MERGE_CHANGES), sql` or `)}`);

/**
 * Merges facts into the interval (source, key), creating it if needed. Every field merges
 * by a commutative rule (earliest start and leave, latest sighting, aborted sticks), so the
 * same facts in any order, any number of times, leave the same row. One upsert: atomic on
 * both databases (PostgreSQL locks the conflicting row), so concurrent merges serialise.
 */
export async function mergeInterval(trx: Q, p: IntervalPatch, nowIso: string): Promise<void> {
  await mergeIntervals(trx, [{ patch: p, createdAt: nowIso, updatedAt: nowIso }]);
}

/**
 * mergeInterval for many intervals in one statement: each patch with the time it creates
 * the row at and the time it changes it at. One patch per (source, key) (combinePatches
 * first); sorted by key, so that concurrent writers lock them in the same order.
 */
const INTERVAL_COLUMNS = ['id', 'session_id', 'user_id', 'source', 'key', 'room_sid', 'started_at', 'left_at', 'gone_at', 'seen_at', 'aborted', 'created_at', 'updated_at'] as const satisfies readonly (keyof PresenceIntervalsTable)[];
const upsertIntervals = rowInserter<Record<(typeof INTERVAL_COLUMNS)[number], unknown>>('presence_intervals', INTERVAL_COLUMNS, mergeOnConflict as never);

export async function mergeIntervals(trx: Q, patches: { patch: IntervalPatch; createdAt: string; updatedAt: string }[]): Promise<void> {
  if (patches.length === 0) return;
  const rows = patches
    .map(({ patch: p, createdAt, updatedAt }) => ({
      id: timeOrderedId(), // appended to the id index, not written into the middle of it
      session_id: p.sessionId,
      user_id: p.userId,
      source: p.source,
      key: p.key,
      room_sid: p.roomSid ?? null,
      started_at: p.startedAt ?? null,
      left_at: p.leftAt ?? null,
      gone_at: null,
      seen_at: p.seenAt ?? null,
      aborted: p.aborted ? 1 : 0,
      created_at: createdAt,
      updated_at: updatedAt,
    }))
    .sort((x, y) => (x.source < y.source ? -1 : x.source > y.source ? 1 : x.key < y.key ? -1 : 1));
  await upsertIntervals(trx, rows);
}
