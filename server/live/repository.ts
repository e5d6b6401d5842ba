/** Queries of the live room: LiveKit rooms and events, presence intervals, speakers, captions. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, PresenceIntervalsTable } from '../../db/schema.js';
import type { DbKind } from '../../db/connect.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Records a room sid's session at first sight and returns the session it was first mapped to. */
export async function ensureLiveRoom(trx: Q, row: { room_sid: string; room_name: string; session_id: string; first_seen_at: string }): Promise<string> {
  await trx.insertInto('live_rooms').values({ ...row, finished_at: null }).onConflict((oc) => oc.column('room_sid').doNothing()).execute();
  const kept = await trx.selectFrom('live_rooms').select('session_id').where('room_sid', '=', row.room_sid).executeTakeFirstOrThrow();
  return kept.session_id;
}

export function findLiveRoom(db: Q, roomSid: string) {
  return db.selectFrom('live_rooms').selectAll().where('room_sid', '=', roomSid).executeTakeFirst();
}

/** room_finished: keeps the earliest finish time reported. */
export async function finishLiveRoom(trx: Q, roomSid: string, at: string) {
  await trx
    .updateTable('live_rooms')
    .set({ finished_at: at })
    .where('room_sid', '=', roomSid)
    .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '>', at)]))
    .execute();
}

/** Stores a webhook event once; false when its id was already stored (a retry). */
export async function insertEventOnce(trx: Q, row: Database['live_events']): Promise<boolean> {
  const r = await trx.insertInto('live_events').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  return r !== undefined;
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

const earliest = (a: string | null, b: string | null | undefined) => (a === null ? (b ?? null) : b == null ? a : a < b ? a : b);
const latest = (a: string | null, b: string | null | undefined) => (a === null ? (b ?? null) : b == null ? a : a > b ? a : b);

/**
 * Merges facts into the interval (source, key), creating it if needed. Every field merges
 * by a commutative rule (earliest start and leave, latest sighting, aborted sticks), so the
 * same facts in any order, any number of times, leave the same row. Runs inside a
 * transaction; the row is locked on PostgreSQL.
 */
export async function mergeInterval(trx: Transaction<Database>, kind: DbKind, p: IntervalPatch, nowIso: string): Promise<void> {
  await trx
    .insertInto('presence_intervals')
    .values({
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
      created_at: nowIso,
      updated_at: nowIso,
    })
    .onConflict((oc) => oc.columns(['source', 'key']).doNothing())
    .execute();
  let q = trx.selectFrom('presence_intervals').selectAll().where('source', '=', p.source).where('key', '=', p.key);
  if (kind === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirstOrThrow();
  const next = {
    room_sid: row.room_sid ?? p.roomSid ?? null,
    started_at: earliest(row.started_at, p.startedAt),
    left_at: earliest(row.left_at, p.leftAt),
    seen_at: latest(row.seen_at, p.seenAt),
    aborted: row.aborted || p.aborted ? 1 : 0,
  };
  if (next.room_sid !== row.room_sid || next.started_at !== row.started_at || next.left_at !== row.left_at || next.seen_at !== row.seen_at || next.aborted !== row.aborted) {
    await trx.updateTable('presence_intervals').set({ ...next, updated_at: nowIso }).where('id', '=', row.id).execute();
  }
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
