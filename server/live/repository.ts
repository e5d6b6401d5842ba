/** Queries of the live room: LiveKit rooms and events, presence intervals, speakers, captions. */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type OnConflictBuilder, type Transaction } from 'kysely';
import { prepared } from '../../db/prepared.js';
import type { Database, PresenceIntervalsTable } from '../../db/schema.js';
import type { DbKind } from '../../db/connect.js';

type Q = Kysely<Database> | Transaction<Database>;

/** A first sighting of a room sid; the session it is already mapped to wins (`returning` is empty then). */
const insertLiveRoom = prepared<{ roomSid: string; roomName: string; sessionId: string; firstSeenAt: string }>()((db, arg) =>
  db
    .insertInto('live_rooms')
    .values({ room_sid: arg('roomSid'), room_name: arg('roomName'), session_id: arg('sessionId'), first_seen_at: arg('firstSeenAt'), finished_at: null })
    .onConflict((oc) => oc.column('room_sid').doNothing())
    .returning('session_id'),
);
const liveRoomSession = prepared<{ roomSid: string }>()((db, arg) => db.selectFrom('live_rooms').select('session_id').where('room_sid', '=', arg('roomSid')));

/** Records a room sid's session at first sight and returns the session it was first mapped to. */
export async function ensureLiveRoom(trx: Q, row: { room_sid: string; room_name: string; session_id: string; first_seen_at: string }): Promise<string> {
  const args = { roomSid: row.room_sid, roomName: row.room_name, sessionId: row.session_id, firstSeenAt: row.first_seen_at };
  const inserted = await insertLiveRoom.first(trx, args);
  if (inserted) return inserted.session_id;
  // Already there (perhaps from another process just now): its first mapping stands.
  return (await liveRoomSession.first(trx, args))!.session_id;
}

/** The sessions room sids are mapped to. */
export async function liveRoomSessions(trx: Q, roomSids: string[]): Promise<Map<string, string>> {
  if (roomSids.length === 0) return new Map();
  const rows = await trx.selectFrom('live_rooms').select(['room_sid', 'session_id']).where('room_sid', 'in', roomSids).execute();
  return new Map(rows.map((r) => [r.room_sid, r.session_id]));
}

/**
 * First sightings of room sids (sorted by sid, so that concurrent writers lock them in the
 * same order). Returns those inserted; a sid already mapped keeps its mapping.
 */
export async function insertLiveRooms(trx: Q, rows: Omit<Database['live_rooms'], 'finished_at'>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const sorted = [...rows].sort((x, y) => (x.room_sid < y.room_sid ? -1 : 1)).map((r) => ({ ...r, finished_at: null }));
  const inserted = await trx.insertInto('live_rooms').values(sorted).onConflict((oc) => oc.column('room_sid').doNothing()).returning('room_sid').execute();
  return new Set(inserted.map((r) => r.room_sid));
}

/** room_finished: keeps the earliest finish time reported. */
const finishRoom = prepared<{ roomSid: string; at: string }>()((db, arg) =>
  db
    .updateTable('live_rooms')
    .set({ finished_at: arg('at') })
    .where('room_sid', '=', arg('roomSid'))
    .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '>', arg('at'))])),
);
export async function finishLiveRoom(trx: Q, roomSid: string, at: string) {
  await finishRoom.run(trx, { roomSid, at });
}

/**
 * Stores webhook events, skipping ids already stored (retries); ids must be distinct. Returns
 * the stored ones, each with what applying it needs, read in the same statement (on
 * PostgreSQL every statement is a round trip): the session its room sid is already mapped
 * to; the session it belongs to (that one, else the one its room name names) if it exists,
 * with its status and end; and the person its participant identity names, if they exist.
 * The reads see the database as it was before the insert, which touches none of it.
 *
 * Room names and identities are `session-<id>` and `user-<id>` (shared/live.ts); the SQL
 * takes the id from its place and the caller checks the whole form (roomNameOf,
 * identityOf), so a malformed one only looks up an id nobody uses.
 *
 * Sorted by id, so that concurrent writers lock them in the same order.
 */
export async function insertEvents(trx: Q, rows: Database['live_events'][]) {
  if (rows.length === 0) return [];
  const sorted = [...rows].sort((x, y) => (x.id < y.id ? -1 : 1));
  return trx
    .insertInto('live_events')
    .values(sorted)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning((eb) => {
      const mapped = eb.selectFrom('live_rooms').select('live_rooms.session_id').whereRef('live_rooms.room_sid', '=', 'live_events.room_sid');
      const named = sql<string>`lower(substr(${eb.ref('live_events.room_name')}, ${'session-'.length + 1}))`;
      const person = sql<string>`lower(substr(${eb.ref('live_events.participant_identity')}, ${'user-'.length + 1}))`;
      const session = () => eb.selectFrom('sessions').where('sessions.id', '=', eb.fn.coalesce(mapped, named));
      return [
        'id',
        'room_sid',
        mapped.as('room_session'),
        session().select('sessions.id').as('session_id'),
        session().select('sessions.status').as('session_status'),
        session().select('sessions.ends_at').as('session_ends_at'),
        eb.selectFrom('users').select('users.id').where('users.id', '=', person).as('user_id'),
      ];
    })
    .execute();
}

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
export async function mergeIntervals(trx: Q, patches: { patch: IntervalPatch; createdAt: string; updatedAt: string }[]): Promise<void> {
  if (patches.length === 0) return;
  const rows = patches
    .map(({ patch: p, createdAt, updatedAt }) => ({
      id: randomUUID(),
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
  await trx.insertInto('presence_intervals').values(rows).onConflict(mergeOnConflict).execute();
}

/** Open LiveKit intervals of a session (no leave, not marked gone since last seen). */
export function openLivekitIntervals(db: Q, sessionId: string) {
  return db
    .selectFrom('presence_intervals')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('source', '=', 'livekit')
    .where('left_at', 'is', null)
    .where('aborted', '=', 0)
    .execute();
}

export async function markGone(db: Q, id: string, at: string) {
  await db.updateTable('presence_intervals').set({ gone_at: at, updated_at: at }).where('id', '=', id).execute();
}

/** The newest client-reported interval of a person at a session. */
export function latestClientInterval(db: Q, sessionId: string, userId: string) {
  return db
    .selectFrom('presence_intervals')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('source', '=', 'client')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertClientInterval(db: Q, sessionId: string, userId: string, at: string) {
  await db
    .insertInto('presence_intervals')
    .values({ id: randomUUID(), session_id: sessionId, user_id: userId, source: 'client', key: `client:${randomUUID()}`, room_sid: null, started_at: at, left_at: null, gone_at: null, seen_at: at, aborted: 0, created_at: at, updated_at: at })
    .execute();
}

export async function updateClientInterval(db: Q, id: string, set: { seen_at: string; left_at?: string }) {
  await db.updateTable('presence_intervals').set({ ...set, updated_at: set.seen_at }).where('id', '=', id).execute();
}

export async function isSpeaker(db: Q, sessionId: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('live_speakers').select('user_id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function setSpeaker(db: Q, sessionId: string, userId: string, speaker: boolean, by: string, at: string) {
  if (speaker) {
    await db.insertInto('live_speakers').values({ session_id: sessionId, user_id: userId, granted_by: by, granted_at: at }).onConflict((oc) => oc.columns(['session_id', 'user_id']).doNothing()).execute();
  } else {
    await db.deleteFrom('live_speakers').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
  }
}

export function findCaptionForUpdate(trx: Transaction<Database>, kind: DbKind, sessionId: string, segmentId: string) {
  let q = trx.selectFrom('caption_segments').selectAll().where('session_id', '=', sessionId).where('segment_id', '=', segmentId);
  if (kind === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function upsertCaption(trx: Q, row: Database['caption_segments']) {
  await trx
    .insertInto('caption_segments')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['session_id', 'segment_id']).doUpdateSet({
        text: row.text,
        final: row.final,
        started_at: row.started_at,
        ended_at: row.ended_at,
        speaker_identity: row.speaker_identity,
        speaker_name: row.speaker_name,
        author_id: row.author_id,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export function finalCaptions(db: Q, sessionId: string) {
  return db.selectFrom('caption_segments').selectAll().where('session_id', '=', sessionId).where('final', '=', 1).orderBy('started_at').orderBy('segment_id').execute();
}

/** Sessions whose online room may be live at `nowIso`: scheduled, with online seats, from join opening to a grace after the end. */
export function sessionsPossiblyLive(db: Q, nowIso: string, latestStartIso: string, earliestEndIso: string) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('status', '=', 'scheduled')
    .where('mode', '<>', 'in_person')
    .where('starts_at', '<=', latestStartIso)
    .where('ends_at', '>', earliestEndIso)
    .execute();
}

/**
 * Claims the right to poll a session's room now: true for exactly one caller per period,
 * across processes (a conditional update is atomic on both databases).
 */
export async function claimPoll(db: Q, sessionId: string, nowIso: string, notAfterIso: string): Promise<boolean> {
  await db.insertInto('live_polls').values({ session_id: sessionId, polled_at: '1970-01-01T00:00:00.000Z' }).onConflict((oc) => oc.column('session_id').doNothing()).execute();
  const r = await db.updateTable('live_polls').set({ polled_at: nowIso }).where('session_id', '=', sessionId).where('polled_at', '<=', notAfterIso).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
