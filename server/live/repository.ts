/**
 * Queries of the live room: LiveKit rooms and events, open intervals, speakers, removals,
 * captioners, captions. Merging presence intervals is attendance's (attendance/repository.ts).
 */
import { READS_TRANSCRIPT } from '../../shared/bookings.js';
import { sql, type Expression, type Kysely, type Transaction } from 'kysely';
import { jsonRows, kindOf, pairRows, prepared, rowsJson } from '../../db/prepared.js';
import { pairKey } from '../bookings/repository.js';
import { timeOrderedId } from '../platform/ids.js';
import type { Database } from '../../db/schema.js';
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
 * with its status, times and join window; and the person its participant identity names,
 * if they exist.
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
  if (kindOf(trx) === 'postgres') return insertEventsJson.all(trx, { rows: rowsJson(EVENT_COLUMNS, sorted) });
  // SQLite: a prepared single-row insert per event (a statement costs no round trip there).
  const out = [];
  for (const row of sorted) {
    const stored = await insertEvent.first(trx, row as EventArgs);
    if (stored) out.push(stored);
  }
  return out;
}

const EVENT_COLUMNS = ['id', 'event', 'room_sid', 'room_name', 'participant_sid', 'participant_identity', 'occurred_at', 'received_at', 'payload'] as const satisfies readonly (keyof Database['live_events'])[];

type EventArgs = Record<(typeof EVENT_COLUMNS)[number], string | null>;
/**
 * PostgreSQL: many events, stored and joined to what they name (insertEvents): one look each
 * per event, where correlated subqueries in RETURNING made eight (SQLite has no INSERT in
 * WITH). Built and compiled once; the events travel as its one JSON parameter, so the
 * statement's text (which PostgreSQL parses and plans) is the same however many there are.
 *
 * Each look is a LATERAL subquery whose LIMIT 1 (a key names one row) keeps it from being
 * flattened into a join: as plain joins, PostgreSQL (expecting 100 rows from the insert,
 * where a batch brings 20-50) read the whole of sessions and users into hash tables for
 * every batch while they were small enough for that to look cheap (2.8 ms a batch with
 * 10,000 sessions, against 0.7 ms looked up by key).
 */
const insertEventsJson = prepared<{ rows: string }>()((db, arg) =>
  db
    .with('ins', (db) =>
      db
        .insertInto('live_events')
        .columns(EVENT_COLUMNS)
        .expression(jsonRows('live_events', EVENT_COLUMNS, arg('rows')))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'room_sid', 'room_name', 'participant_identity']),
    )
    .selectFrom('ins')
    .leftJoinLateral(
      (eb) => eb.selectFrom('live_rooms').select('session_id').whereRef('live_rooms.room_sid', '=', 'ins.room_sid').limit(1).as('r'),
      (j) => j.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('sessions')
          .select(['id', 'status', 'starts_at', 'ends_at', 'join_opens_minutes'])
          .where('sessions.id', '=', sql<string>`coalesce(${sql.ref('r.session_id')}, ${idIn(sql.ref('ins.room_name'), 'session-')})`)
          .limit(1)
          .as('s'),
      (j) => j.onTrue(),
    )
    .leftJoinLateral(
      (eb) => eb.selectFrom('users').select('id').where('users.id', '=', idIn(sql.ref('ins.participant_identity'), 'user-')).limit(1).as('u'),
      (j) => j.onTrue(),
    )
    .select([
      'ins.id',
      'ins.room_sid',
      'r.session_id as room_session',
      's.id as session_id',
      's.status as session_status',
      's.starts_at as session_starts_at',
      's.ends_at as session_ends_at',
      's.join_opens_minutes as session_join_opens_minutes',
      'u.id as user_id',
    ]),
);
/** One event, stored unless its id is, returned with what it names (SQLite). */
const insertEvent = prepared<EventArgs>()((db, arg) =>
  db
    .insertInto('live_events')
    .values(Object.fromEntries(EVENT_COLUMNS.map((c) => [c, arg(c)])) as never)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning((eb) => {
      const mapped = eb.selectFrom('live_rooms').select('live_rooms.session_id').whereRef('live_rooms.room_sid', '=', 'live_events.room_sid');
      const session = () => eb.selectFrom('sessions').where('sessions.id', '=', eb.fn.coalesce(mapped, idIn(eb.ref('live_events.room_name'), 'session-')));
      return [
        'id',
        'room_sid',
        mapped.as('room_session'),
        session().select('sessions.id').as('session_id'),
        session().select('sessions.status').as('session_status'),
        session().select('sessions.starts_at').as('session_starts_at'),
        session().select('sessions.ends_at').as('session_ends_at'),
        session().select('sessions.join_opens_minutes').as('session_join_opens_minutes'),
        eb.selectFrom('users').select('users.id').where('users.id', '=', idIn(eb.ref('live_events.participant_identity'), 'user-')).as('user_id'),
      ];
    }),
);

/** The id in a room name or identity (`session-<id>`, `user-<id>`), in SQL: what follows the prefix. */
const idIn = (name: Expression<string | null>, prefix: 'session-' | 'user-') => sql<string>`lower(substr(${name}, ${prefix.length + 1}))`;

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
    .values({ id: timeOrderedId(), session_id: sessionId, user_id: userId, source: 'client', key: `client:${timeOrderedId()}`, room_sid: null, started_at: at, left_at: null, gone_at: null, seen_at: at, aborted: 0, created_at: at, updated_at: at })
    .execute();
}

export async function updateClientInterval(db: Q, id: string, set: { seen_at: string; left_at?: string | null }) {
  await db.updateTable('presence_intervals').set({ ...set, updated_at: set.seen_at }).where('id', '=', id).execute();
}

/**
 * A trainer's grant in the room (an invitation to speak, an assignment to caption) is given
 * to a person on the place they hold then: once they give that place up (cancel it, or are
 * taken off the session) it ends, and a later booking of the same session starts without it
 * until a trainer gives it again. A grant stands while no booking of theirs at the session
 * was cancelled at or after it was given (the same instant counts as after: a right is the
 * thing to lose when in doubt).
 */
const grantStands = (table: 'live_speakers' | 'live_captioners', givenAt: 'granted_at' | 'assigned_at') =>
  sql<boolean>`not exists (select 1 from bookings gb where gb.session_id = ${sql.ref(`${table}.session_id`)} and gb.user_id = ${sql.ref(`${table}.user_id`)} and gb.status = 'cancelled' and (gb.cancelled_at is null or gb.cancelled_at >= ${sql.ref(`${table}.${givenAt}`)}))`;

export async function isSpeaker(db: Q, sessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('live_speakers')
    .select('user_id')
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where(grantStands('live_speakers', 'granted_at'))
    .executeTakeFirst();
  return row !== undefined;
}

export async function setSpeaker(db: Q, sessionId: string, userId: string, speaker: boolean, by: string, at: string) {
  if (speaker) {
    // Given again: the new grant's time stands (an old one may have ended with a cancelled place).
    await db
      .insertInto('live_speakers')
      .values({ session_id: sessionId, user_id: userId, granted_by: by, granted_at: at })
      .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet({ granted_by: by, granted_at: at }))
      .execute();
  } else {
    await db.deleteFrom('live_speakers').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
  }
}

/**
 * Serialises caption writes to one session's transcript for the rest of the transaction, so
 * the shares checked against what is stored (each author's, attendees' together, the
 * trainers') cannot be overrun by writes that each read the stored use before the others
 * committed. PostgreSQL: a transaction-scoped advisory lock keyed on the session (not the
 * session's row, which bookings lock); SQLite runs one write transaction at a time already.
 */
export async function lockTranscript(trx: Transaction<Database>, kind: DbKind, sessionId: string) {
  if (kind === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`captions:${sessionId}`}, 0))`.execute(trx);
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

/** Caption segments (interim or final) and their characters. */
export interface CaptionUse {
  segments: number;
  chars: number;
}

/**
 * What a session's captions use, in one statement: those written by its trainers (and the
 * speech-to-text agent's, which a trainer's browser stores), those written by everyone else
 * together, and those written by one of them (`authorId`).
 */
export async function captionUsage(db: Q, sessionId: string, authorId: string): Promise<{ trainers: CaptionUse; others: CaptionUse; author: CaptionUse }> {
  const byTrainer = sql<boolean>`author_id in (select user_id from session_trainers where session_id = ${sessionId})`;
  const mine = sql<boolean>`author_id = ${authorId}`;
  const row = await db
    .selectFrom('caption_segments')
    .select([
      sql<number | string | null>`sum(case when ${byTrainer} then 1 else 0 end)`.as('trainer_segments'),
      sql<number | string | null>`sum(case when ${byTrainer} then length(text) else 0 end)`.as('trainer_chars'),
      sql<number | string>`count(*)`.as('segments'),
      sql<number | string | null>`sum(length(text))`.as('chars'),
      sql<number | string | null>`sum(case when ${mine} then 1 else 0 end)`.as('author_segments'),
      sql<number | string | null>`sum(case when ${mine} then length(text) else 0 end)`.as('author_chars'),
    ])
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  const n = (v: number | string | null | undefined) => Number(v ?? 0);
  const trainers = { segments: n(row?.trainer_segments), chars: n(row?.trainer_chars) };
  return {
    trainers,
    others: { segments: n(row?.segments) - trainers.segments, chars: n(row?.chars) - trainers.chars },
    author: { segments: n(row?.author_segments), chars: n(row?.author_chars) },
  };
}

/** Deletes an author's unfinished (interim) segments of a session other than `keep`: a new segment supersedes them. */
export async function dropInterimCaptions(trx: Q, sessionId: string, authorId: string, keep: string) {
  await trx.deleteFrom('caption_segments').where('session_id', '=', sessionId).where('author_id', '=', authorId).where('final', '=', 0).where('segment_id', '<>', keep).execute();
}


/**
 * Whether a booking gives its person a transcript with something in it, as a column (1 or 0)
 * for a query of many bookings (`status` and `sessionId`: the booking's columns): it is one that
 * may read the transcript (READS_TRANSCRIPT) and its session has a final caption with words.
 * toWebVtt writes a cue for every final segment whose text is not empty once escaped and
 * trimmed, and caption text is trimmed as it is saved (CaptionInput's Text), so non-empty is
 * the same test. An EXISTS per row stops at the first such caption (the key leads with the
 * session), however long the transcript.
 */
export function bookingHasTranscript(status: string, sessionId: string) {
  const readers = sql.join(READS_TRANSCRIPT.map((s) => sql.lit(s)));
  return sql<number>`case when ${sql.ref(status)} in (${readers}) and exists (select 1 from caption_segments c where c.session_id = ${sql.ref(sessionId)} and c.final = 1 and c.text <> '') then 1 else 0 end`;
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

// ---------------------------------------------------------------- trainer decisions that outlast a connection

export async function isRemoved(db: Q, sessionId: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('live_removals').select('user_id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

/** Records a removal; the first one stands (its time and trainer). */
export async function addRemoval(db: Q, row: Database['live_removals']) {
  await db.insertInto('live_removals').values(row).onConflict((oc) => oc.columns(['session_id', 'user_id']).doNothing()).execute();
}

/** Lets a removed person back; true when they had been removed. */
export async function deleteRemoval(db: Q, sessionId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('live_removals').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The people removed from a session's room, first removed first, with their names. */
export function removals(db: Q, sessionId: string) {
  return db
    .selectFrom('live_removals')
    .innerJoin('users', 'users.id', 'live_removals.user_id')
    .select(['live_removals.user_id', 'users.name', 'live_removals.removed_at'])
    .where('live_removals.session_id', '=', sessionId)
    .orderBy('live_removals.removed_at')
    .orderBy('live_removals.user_id')
    .execute();
}

/**
 * The statuses of a booking that, with an online seat, is a place in the live room:
 * confirmed, or since recorded attended or absent (the outcome is written 15 minutes after
 * the end, while a session running over can still have its people in the room: see
 * service.ts holdsRoomPlace).
 */
export const ROOM_PLACE_STATUSES = ['confirmed', 'attended', 'absent'] as const;

/**
 * Which of these (session, person) pairs are kept out of the session's room: removed from
 * it, the room was ended for everyone, the session was cancelled, or the person holds no
 * online place on it (ROOM_PLACE_STATUSES: never had one, cancelled it, was taken off it or
 * moved to an in-person seat). Trainers hold no place: the caller leaves them in. One query
 * for all of them (the webhook path asks for every join LiveKit reports), by pairKey.
 */
export async function keptOutAmong(db: Q, pairs: readonly { sessionId: string; userId: string }[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let at = 0; at < pairs.length; at += KEPT_OUT_ROWS) {
    const { rows } = await sql<{ session_id: string; user_id: string }>`with p (session_id, user_id) as (${pairRows(db, pairs.slice(at, at + KEPT_OUT_ROWS))})
      select p.session_id, p.user_id from p
      where exists (select 1 from live_removals r where r.session_id = p.session_id and r.user_id = p.user_id)
         or exists (select 1 from live_room_ends e where e.session_id = p.session_id)
         or exists (select 1 from sessions s where s.id = p.session_id and s.status = 'cancelled')
         or not exists (select 1 from bookings b where b.session_id = p.session_id and b.user_id = p.user_id and b.status in (${sql.join(ROOM_PLACE_STATUSES.map((x) => sql.lit(x)))}) and b.seat = 'online')`.execute(db);
    for (const r of rows) out.add(pairKey(r.session_id, r.user_id));
  }
  return out;
}
const KEPT_OUT_ROWS = 5000;

export async function roomEnded(db: Q, sessionId: string): Promise<boolean> {
  return (await db.selectFrom('live_room_ends').select('session_id').where('session_id', '=', sessionId).executeTakeFirst()) !== undefined;
}

export async function markRoomEnded(db: Q, row: Database['live_room_ends']) {
  await db.insertInto('live_room_ends').values(row).onConflict((oc) => oc.column('session_id').doNothing()).execute();
}

export async function reopenRoom(db: Q, sessionId: string) {
  await db.deleteFrom('live_room_ends').where('session_id', '=', sessionId).execute();
}

/**
 * Whether a trainer assigned this person to caption the session and they still hold the
 * captioner flag: an administrator taking the flag away takes the assignment's power with it.
 */
export async function isAssignedCaptioner(db: Q, sessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('live_captioners')
    .innerJoin('users', 'users.id', 'live_captioners.user_id')
    .select('live_captioners.user_id')
    .where('live_captioners.session_id', '=', sessionId)
    .where('live_captioners.user_id', '=', userId)
    .where('users.captioner', '=', 1)
    .where(grantStands('live_captioners', 'assigned_at'))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Assigns a person to caption a session, or takes the assignment back. An assignment is
 * written only while the person holds the captioner flag, read in the same statement (on
 * PostgreSQL with their row locked, so an administrator removing the flag at that moment
 * either waits for it, and then ends it, or wins, and nothing is written). Says whether the
 * person is assigned now.
 */
export async function setCaptioner(db: Q, sessionId: string, userId: string, assigned: boolean, by: string, at: string): Promise<boolean> {
  if (!assigned) {
    await db.deleteFrom('live_captioners').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
    return false;
  }
  let flagged = db
    .selectFrom('users')
    .select([sql<string>`cast(${sessionId} as text)`.as('session_id'), 'users.id as user_id', sql<string>`cast(${by} as text)`.as('assigned_by'), sql<string>`cast(${at} as text)`.as('assigned_at')])
    .where('users.id', '=', userId)
    .where('users.captioner', '=', 1);
  if (kindOf(db) === 'postgres') flagged = flagged.forUpdate();
  // Assigned again: the new assignment's time stands (an old one may have ended with a cancelled place).
  await db
    .insertInto('live_captioners')
    .columns(['session_id', 'user_id', 'assigned_by', 'assigned_at'])
    .expression(flagged)
    .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet({ assigned_by: by, assigned_at: at }))
    .execute();
  return isAssignedCaptioner(db, sessionId, userId);
}

/** People with a seat at the session who hold the captioner flag, each with whether they are assigned to it. */
export function captionerCandidates(db: Q, sessionId: string) {
  return db
    .selectFrom('bookings')
    .innerJoin('users', 'users.id', 'bookings.user_id')
    .leftJoin('live_captioners', (j) => j.onRef('live_captioners.session_id', '=', 'bookings.session_id').onRef('live_captioners.user_id', '=', 'bookings.user_id').on(grantStands('live_captioners', 'assigned_at')))
    .select(['users.id as user_id', 'users.name', 'live_captioners.assigned_at'])
    .where('bookings.session_id', '=', sessionId)
    .where('bookings.status', 'in', ['confirmed', 'attended', 'absent'])
    // Only an online seat is in the live room (an in-person one on a hybrid session is not: its captions are refused).
    .where('bookings.seat', '=', 'online')
    .where('users.captioner', '=', 1)
    .orderBy('users.name')
    .orderBy('users.id')
    .execute();
}
