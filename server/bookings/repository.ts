import { sql, type CompiledQuery, type Expression, type Kysely, type QueryCreator, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { audienceLabel, bookingEndsAt, heldSeatsReleasedAt } from '../../shared/sessions.js';
import type { BookingRow, Database, SeatKind, SessionRow, UserRow } from '../../db/schema.js';
import type { DbKind } from '../../db/connect.js';
import type { SeatState } from './availability.js';
import { kindOf, oneOf, pairArrays, pairRows, prepared, preparedIn, rowInserter, runIn, valuesRows, type Statement, type WriteBatch } from '../../db/prepared.js';
import { raiseFeeds, raiseFeedsWith, raiseRunnerFeeds } from '../calendar/feed-revisions.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Statuses that occupy a seat. */
export const SEATED = ['confirmed', 'attended', 'absent'] as const;
/** Statuses that count as "an active booking" (invariant 2). */
export const ACTIVE = ['confirmed', 'waitlisted', 'offered', 'attended', 'absent'] as const;

/**
 * Locks the session row for the rest of the transaction. On PostgreSQL this is
 * SELECT ... FOR UPDATE; on SQLite the transaction already holds the write lock
 * (BEGIN IMMEDIATE), so a plain read suffices.
 */
const sessionForUpdate = prepared<{ id: string }>()((db, arg) => db.selectFrom('sessions').selectAll().where('id', '=', arg('id')).forUpdate());
const sessionById = prepared<{ id: string }>()((db, arg) => db.selectFrom('sessions').selectAll().where('id', '=', arg('id')));

export function lockSession(trx: Transaction<Database>, kind: DbKind, sessionId: string): Promise<SessionRow | undefined> {
  return (kind === 'postgres' ? sessionForUpdate : sessionById).first(trx, { id: sessionId });
}

/** The stored count columns of a session, per seat kind. */
export const SEAT_COUNT_COLUMNS = ['confirmed_in_person', 'offered_in_person', 'waiting_in_person', 'confirmed_online', 'offered_online', 'waiting_online'] as const;
/** What seat states are made of: the session's capacities, stored counts, hold release time and whom it is for. */
export const SEAT_STATE_COLUMNS = ['id', 'capacity_in_person', 'capacity_online', 'holds_release_at', 'booking_closes_at', 'ends_at', 'audience_kind', 'audience_org_id', ...SEAT_COUNT_COLUMNS] as const;
export type SeatStateRow = Pick<SessionRow, (typeof SEAT_STATE_COLUMNS)[number]>;
type Count = 'confirmed' | 'offered' | 'waiting';
const countColumn = (count: Count, seat: SeatKind) => `${count}_${seat}` as (typeof SEAT_COUNT_COLUMNS)[number];

/** Which stored count a booking of this status adds to, if any. */
function countOf(status: BookingRow['status']): Count | null {
  if ((SEATED as readonly string[]).includes(status)) return 'confirmed';
  if (status === 'offered') return 'offered';
  if (status === 'waitlisted') return 'waiting';
  return null;
}
/** Whether a booking of this status takes a seat from the hold it names (a queue place does not). */
const claims = (status: BookingRow['status']) => (SEATED as readonly string[]).includes(status) || status === 'offered';

export interface HoldRow {
  session_id: string;
  org_id: string;
  seat: SeatKind;
  seats: number;
  claimed: number;
}

const holdsOfOne = prepared<{ id: string }>()((db, arg) => db.selectFrom('seat_holds').select(['session_id', 'org_id', 'seat', 'seats', 'claimed']).where('session_id', '=', arg('id')));

const holdsOfMany = preparedIn((db, ids: readonly string[]) => db.selectFrom('seat_holds').select(['session_id', 'org_id', 'seat', 'seats', 'claimed']).where('session_id', 'in', ids));

/** The holds of sessions, with their stored claims (one indexed look per session). */
export async function holdsOf(db: Q, ids: readonly string[]): Promise<HoldRow[]> {
  if (ids.length === 0) return [];
  if (ids.length === 1) return holdsOfOne.all(db, { id: ids[0]! });
  return holdsOfMany(db, ids);
}

/** When a session's held seats stop being held for their organisations (they are open to anyone from then). */
export function holdsReleaseAt(s: Pick<SeatStateRow, 'holds_release_at' | 'booking_closes_at' | 'ends_at'>): string {
  return heldSeatsReleasedAt({ holdsReleaseAt: s.holds_release_at, bookingClosesAt: s.booking_closes_at, endsAt: s.ends_at });
}
/**
 * When booking a session closes (`booking_ends_at`, stored with it): its cut-off, when before
 * its end, else its end (shared/sessions.ts, bookingEndsAt). For the row of a session being
 * written: the stored value is read everywhere else.
 */
export function bookingEndsOf(s: Pick<SessionRow, 'ends_at' | 'booking_closes_at'>): string {
  return bookingEndsAt({ endsAt: s.ends_at, bookingClosesAt: s.booking_closes_at });
}

/**
 * When a session's queue stops moving: at its end (bookingEndsOf without the cut-off, which
 * does not stop the queue). A seat freed from then goes to no one (service.ts,
 * tooLateToAttend); a booking's `queueEndsAt`.
 */
export function queueEndsOf(s: Pick<SessionRow, 'ends_at'>): string {
  return s.ends_at;
}

/**
 * Seat state per (session, seat kind) from sessions' stored counts and their holds. Pure:
 * the rows must have been read together (in a transaction holding the session locks, when
 * the caller will write).
 */
export function seatStatesOf(sessions: readonly SeatStateRow[], holds: readonly HoldRow[], nowIso: string): Map<string, Record<SeatKind, SeatState>> {
  const result = new Map<string, Record<SeatKind, SeatState>>();
  for (const s of sessions) {
    const holdsActive = nowIso < holdsReleaseAt(s);
    const audience = { kind: s.audience_kind, orgId: s.audience_org_id };
    const make = (seat: SeatKind, capacity: number): SeatState => ({
      audience,
      capacity,
      confirmed: Number(s[countColumn('confirmed', seat)]),
      offered: Number(s[countColumn('offered', seat)]),
      waitlisted: Number(s[countColumn('waiting', seat)]),
      holds: [],
      holdsActive,
    });
    result.set(s.id, { in_person: make('in_person', s.capacity_in_person), online: make('online', s.capacity_online) });
  }
  for (const h of holds) result.get(h.session_id)?.[h.seat].holds.push({ orgId: h.org_id, seats: Number(h.seats), claimed: Number(h.claimed) });
  return result;
}

const seatStateRowOf = prepared<{ id: string }>()((db, arg) => db.selectFrom('sessions').select(SEAT_STATE_COLUMNS).where('id', '=', arg('id')));

/**
 * Seat states of sessions as stored now: reads the sessions' counts afresh (a session row
 * read earlier in the transaction may predate its changes) and their holds. Reads no bookings.
 */
export async function loadSeatStates(db: Q, ids: readonly string[], nowIso: string) {
  if (ids.length === 0) return new Map<string, Record<SeatKind, SeatState>>();
  const [rows, holds] = await Promise.all([
    ids.length === 1 ? seatStateRowOf.all(db, { id: ids[0]! }) : db.selectFrom('sessions').select(SEAT_STATE_COLUMNS).where('id', 'in', ids).execute(),
    holdsOf(db, ids),
  ]);
  return seatStatesOf(rows, holds, nowIso);
}

/**
 * Changes to the stored counts, gathered from booking changes and written together. Only
 * for use inside the transaction that changes those bookings, holding their sessions' locks.
 */
export class SeatDeltas {
  private readonly sessions = new Map<string, Map<string, number>>();
  private readonly holds = new Map<string, { session_id: string; org_id: string; seat: SeatKind; n: number }>();
  /** The highest queue number among each session's new bookings. */
  private readonly lastSeqs = new Map<string, number>();

  /** A booking went from `before` (absent: it is new) to `after` (absent: it is gone). */
  change(before: Pick<BookingRow, 'session_id' | 'seat' | 'status' | 'hold_org_id'> | undefined, after: Pick<BookingRow, 'session_id' | 'seat' | 'status' | 'hold_org_id' | 'queue_seq'> | undefined) {
    if (before) this.add(before, -1);
    if (after) this.add(after, 1);
    if (after && !before) this.lastSeqs.set(after.session_id, Math.max(this.lastSeqs.get(after.session_id) ?? 0, after.queue_seq));
  }

  private add(b: Pick<BookingRow, 'session_id' | 'seat' | 'status' | 'hold_org_id'>, n: number) {
    const count = countOf(b.status);
    if (count) {
      const cols = this.sessions.get(b.session_id) ?? new Map<string, number>();
      this.sessions.set(b.session_id, cols);
      const col = countColumn(count, b.seat);
      cols.set(col, (cols.get(col) ?? 0) + n);
    }
    if (b.hold_org_id && claims(b.status)) {
      const key = `${b.session_id} ${b.hold_org_id} ${b.seat}`;
      const h = this.holds.get(key) ?? { session_id: b.session_id, org_id: b.hold_org_id, seat: b.seat, n: 0 };
      this.holds.set(key, h);
      h.n += n;
    }
  }

  /**
   * Writes the gathered changes and forgets them: the sessions' counts in one statement (a
   * batch of bookings touches up to a few hundred sessions, and a statement each was most
   * of a PostgreSQL batch's round trips), and one per hold touched.
   */
  async apply(trx: Transaction<Database>, writes?: WriteBatch): Promise<void> {
    const write = async (q: Statement | CompiledQuery) => (writes ? writes.add(q) : void (await runIn(trx, q)));
    const changed = [...new Set([...this.sessions.keys(), ...this.lastSeqs.keys()])]
      .map((id): SessionDelta => [id, this.sessions.get(id) ?? new Map<string, number>(), this.lastSeqs.get(id) ?? 0])
      .filter(([, cols, last]) => last > 0 || [...cols.values()].some((n) => n !== 0));
    for (let at = 0; at < changed.length; at += DELTA_ROWS) await write(countsAdded(changed.slice(at, at + DELTA_ROWS), trx));
    for (const h of this.holds.values()) {
      if (h.n === 0) continue;
      // A claim is only ever made against an existing hold, and a hold with claims is kept
      // (with no seats) when removed, so the row is there.
      await write(trx.updateTable('seat_holds').set({ claimed: sql`claimed + ${h.n}` }).where('session_id', '=', h.session_id).where('org_id', '=', h.org_id).where('seat', '=', h.seat));
    }
    this.sessions.clear();
    this.holds.clear();
    this.lastSeqs.clear();
  }
}

/** Sessions per counts statement: eight parameters each, far inside either database's limit. */
const DELTA_ROWS = 1000;

/** A session's count changes, and the highest queue number of its new bookings (0: none). */
type SessionDelta = [id: string, counts: Map<string, number>, lastSeq: number];

/**
 * Adds each session's deltas to its stored counts, and raises its last queue number to its
 * new bookings' highest, in one `UPDATE … FROM`: on SQLite over a list of values, on
 * PostgreSQL over one JSON parameter (so its text, which PostgreSQL parses and plans each
 * time, is the same however many sessions). Every count column is written, a zero where
 * nothing changed.
 */
function countsAdded(changed: SessionDelta[], trx: Q): Statement | CompiledQuery {
  const cols = SEAT_COUNT_COLUMNS;
  if (kindOf(trx) === 'postgres') {
    const json = JSON.stringify(changed.map(([id, d, last]) => Object.fromEntries([['id', id], ...cols.map((c) => [c, d.get(c) ?? 0]), ['last_queue_seq', last]])));
    return countsAddedJson.compiled(trx, { json });
  }
  const rows = changed.map(([id, d, last]) => [id, ...[...cols.map((c) => d.get(c) ?? 0), last].map((n) => sql`cast(${n} as integer)`)]);
  return sql`with d (id, ${sql.join([...cols, 'last_queue_seq'].map((c) => sql.id(c)))}) as (${valuesRows(rows)})
    update sessions set ${countsSet('sqlite')}
    from d where sessions.id = d.id`;
}
/** Each count column plus its delta, and the last queue number raised to the new bookings' highest. */
const countsSet = (kind: DbKind) =>
  sql.join([
    ...SEAT_COUNT_COLUMNS.map((c) => sql`${sql.id(c)} = sessions.${sql.id(c)} + d.${sql.id(c)}`),
    sql`last_queue_seq = ${sql.raw(kind === 'postgres' ? 'greatest' : 'max')}(sessions.last_queue_seq, d.last_queue_seq)`,
  ]);
/** PostgreSQL: countsAdded's statement, whose text never changes, built and compiled once. */
const countsAddedJson = prepared<{ json: string }>()((db, arg) => ({
  compile: () =>
    sql`update sessions set ${countsSet('postgres')} from json_to_recordset(${arg('json')}::json) as d(id text, ${sql.join([...SEAT_COUNT_COLUMNS, 'last_queue_seq'].map((c) => sql`${sql.id(c)} integer`))}) where sessions.id = d.id`.compile(db),
}));

/**
 * Changes one booking and its session's stored counts together (the caller holds the
 * session's lock). `before` is the booking as read under that lock.
 */
export async function changeBooking(trx: Transaction<Database>, before: BookingRow, set: Partial<Omit<BookingRow, 'id' | 'session_id'>>) {
  await trx.updateTable('bookings').set(set).where('id', '=', before.id).execute();
  const after = { ...before, ...set };
  // Every change of a booking shows in its person's calendar feeds.
  await raiseFeeds(trx, { userIds: [before.user_id] }, after.updated_at, after.status === 'cancelled' && before.status !== 'cancelled' ? after.cancelled_at : null);
  if (after.status !== before.status || after.seat !== before.seat || after.hold_org_id !== before.hold_org_id) {
    const d = new SeatDeltas();
    d.change(before, after);
    await d.apply(trx);
  }
}

/** The counts as the booking rows give them, per session (or for the sessions named). */
export async function countedSeats(db: Q, ids?: readonly string[]) {
  let q = db
    .selectFrom('bookings')
    .select((eb) => ['session_id', 'seat', sql<string>`status`.as('status'), 'hold_org_id', eb.fn.countAll<number>().as('n')])
    .where('status', '<>', 'cancelled')
    .groupBy(['session_id', 'status', 'seat', 'hold_org_id']);
  if (ids) q = q.where('session_id', 'in', ids);
  const rows = await q.execute();
  const sessions = new Map<string, Record<(typeof SEAT_COUNT_COLUMNS)[number], number>>();
  const holds = new Map<string, number>();
  for (const r of rows) {
    const n = Number(r.n);
    const counts = sessions.get(r.session_id) ?? Object.fromEntries(SEAT_COUNT_COLUMNS.map((c) => [c, 0])) as Record<(typeof SEAT_COUNT_COLUMNS)[number], number>;
    sessions.set(r.session_id, counts);
    const count = countOf(r.status as BookingRow['status']);
    if (count) counts[countColumn(count, r.seat)] += n;
    if (r.hold_org_id && claims(r.status as BookingRow['status'])) {
      const key = `${r.session_id} ${r.hold_org_id} ${r.seat}`;
      holds.set(key, (holds.get(key) ?? 0) + n);
    }
  }
  let last = db.selectFrom('bookings').select((eb) => ['session_id', eb.fn.max('queue_seq').as('seq')]).groupBy('session_id');
  if (ids) last = last.where('session_id', 'in', ids);
  const lastSeqs = new Map((await last.execute()).map((r) => [r.session_id, Number(r.seq)]));
  return { sessions, holds, lastSeqs };
}

export interface SeatCountDrift {
  sessionId: string;
  /** A count column, `last_queue_seq`, or `claimed` of the hold of `orgId`. */
  count: string;
  orgId?: string;
  seat?: SeatKind;
  stored: number;
  counted: number;
}

/** Every difference between the stored counts and a count of the booking rows. */
export async function seatCountDrift(db: Q): Promise<SeatCountDrift[]> {
  const { sessions: counted, holds: countedHolds, lastSeqs } = await countedSeats(db);
  const drift: SeatCountDrift[] = [];
  for (const s of await db.selectFrom('sessions').select(['id', 'last_queue_seq', ...SEAT_COUNT_COLUMNS]).orderBy('id').execute()) {
    for (const col of SEAT_COUNT_COLUMNS) {
      const want = counted.get(s.id)?.[col] ?? 0;
      if (Number(s[col]) !== want) drift.push({ sessionId: s.id, count: col, stored: Number(s[col]), counted: want });
    }
    // Behind its bookings, the next booking would take a number already taken. (Ahead is
    // harmless: a gap in the numbers, as when a booking is erased.)
    const highest = lastSeqs.get(s.id) ?? 0;
    if (Number(s.last_queue_seq) < highest) drift.push({ sessionId: s.id, count: 'last_queue_seq', stored: Number(s.last_queue_seq), counted: highest });
  }
  const stored = await db.selectFrom('seat_holds').select(['session_id', 'org_id', 'seat', 'claimed']).orderBy('session_id').execute();
  const seen = new Set<string>();
  for (const h of stored) {
    const key = `${h.session_id} ${h.org_id} ${h.seat}`;
    seen.add(key);
    const want = countedHolds.get(key) ?? 0;
    if (Number(h.claimed) !== want) drift.push({ sessionId: h.session_id, count: 'claimed', orgId: h.org_id, seat: h.seat, stored: Number(h.claimed), counted: want });
  }
  for (const [key, n] of countedHolds) {
    if (seen.has(key)) continue;
    const [sessionId, orgId, seat] = key.split(' ') as [string, string, SeatKind];
    drift.push({ sessionId, count: 'claimed', orgId, seat, stored: 0, counted: n });
  }
  return drift;
}

/**
 * Sets the stored counts of sessions to a count of their rows (under their locks): for data
 * written past the engine, such as a bench's seed, and to repair what `seatCountDrift` found.
 */
export async function recountSeats(trx: Transaction<Database>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const { sessions, holds, lastSeqs } = await countedSeats(trx, chunk);
    for (const id of chunk) {
      const counts = sessions.get(id) ?? Object.fromEntries(SEAT_COUNT_COLUMNS.map((c) => [c, 0]));
      await trx.updateTable('sessions').set({ ...counts, last_queue_seq: lastSeqs.get(id) ?? 0 }).where('id', '=', id).execute();
    }
    await trx.updateTable('seat_holds').set({ claimed: 0 }).where('session_id', 'in', chunk).execute();
    for (const [key, n] of holds) {
      const [session_id, org_id, seat] = key.split(' ') as [string, string, SeatKind];
      const done = await trx.updateTable('seat_holds').set({ claimed: n }).where('session_id', '=', session_id).where('org_id', '=', org_id).where('seat', '=', seat).executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) await trx.insertInto('seat_holds').values({ id: `${session_id}:${org_id}:${seat}`, session_id, org_id, seat, seats: 0, claimed: n, created_at: new Date(0).toISOString() }).execute();
    }
  }
}

/**
 * Whom sessions are shown to (DESIGN.md invariant 12): everything (administrators), or one
 * person with their organisation and the organisations above it (their trust or local
 * authority). Build it with `viewerFor`.
 */
export type Viewer = { kind: 'all' } | { kind: 'person'; userId: string; orgId: string | null; orgChain: string[] };

/**
 * The one rule of who sees a session, as a condition on the sessions table (or its alias
 * `table`): a programme session is everyone's; an organisation's session its own staff's; a
 * trust's session its own staff's and its schools'; and a session is always theirs who run it
 * (its trainers, and its in-house leads while they lead: isTrainerOf). Every query that reads
 * sessions for a person adds this.
 */
export function visibleTo(viewer: Viewer, table = 'sessions'): Expression<SqlBool> {
  if (viewer.kind === 'all') return sql<SqlBool>`1 = 1`;
  const col = (c: string) => sql.ref(`${table}.${c}`);
  const parts = [sql`${col('audience_kind')} = 'programme'`];
  if (viewer.orgId) parts.push(sql`(${col('audience_kind')} = 'organisation' and ${col('audience_org_id')} = ${viewer.orgId})`);
  if (viewer.orgChain.length) parts.push(sql`(${col('audience_kind')} = 'trust' and ${col('audience_org_id')} in (${sql.join(viewer.orgChain)}))`);
  // The sessions they run (`runs`), as one uncorrelated list: a session read by id or listed
  // is matched against it once, not per row.
  parts.push(
    sql`${col('id')} in (select rt.session_id from session_trainers rt inner join users ru on ru.id = rt.user_id inner join sessions rs on rs.id = rt.session_id where rt.user_id = ${viewer.userId} and ${trainerRuns('ru', 'rs')})`,
  );
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Who each session is for, as exports say it (`audienceLabel`), in one query. */
export async function audienceLabels(db: Q, sessionIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(sessionIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('sessions as s')
    .leftJoin('organisations as o', 'o.id', 's.audience_org_id')
    .select(['s.id', 's.audience_kind', 'o.name as org_name'])
    .where('s.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, audienceLabel(r.audience_kind, r.org_name)]));
}

/** Whether a session exists, and whether `viewer` may see it (one query). */
export async function sessionVisibility(db: Q, id: string, viewer: Viewer): Promise<'visible' | 'hidden' | 'missing'> {
  const row = await db
    .selectFrom('sessions')
    .select(sql<number>`case when ${visibleTo(viewer)} then 1 else 0 end`.as('visible'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return 'missing';
  return Number(row.visible) === 1 ? 'visible' : 'hidden';
}

/**
 * Whether a booking's holder has been at its session since `sinceIso` (its start): a presence
 * that began and was not a failed connection, counted as attendance counts it, or a
 * register tick saying they attended.
 */
export async function presentSince(db: Q, b: Pick<BookingRow, 'id' | 'user_id' | 'session_id'>, sinceIso: string): Promise<boolean> {
  const [present, ticked] = await Promise.all([
    db.selectFrom('presence_intervals as p').select('p.id').where('p.session_id', '=', b.session_id).where('p.user_id', '=', b.user_id).where('p.aborted', '=', 0).where('p.started_at', 'is not', null)
      // As attendance counts them (attendance/compute.ts combine): the room itself (LiveKit) and
      // check-ins always; a browser's own reports only while LiveKit has not reported the room
      // (no webhooks set up), since once it has, a join it never saw counts nothing.
      .where((eb) =>
        eb.or([
          eb('p.source', 'in', ['livekit', 'checkin']),
          eb.and([
            eb('p.source', '=', 'client'),
            eb.not(eb.exists(db.selectFrom('presence_intervals as l').select('l.id').where('l.session_id', '=', b.session_id).where('l.source', '=', 'livekit'))),
            eb.not(eb.exists(db.selectFrom('live_rooms as r').select('r.room_sid').where('r.session_id', '=', b.session_id))),
          ]),
        ]),
      )
      .where((eb) => eb.or([eb('p.left_at', 'is', null), eb('p.left_at', '>', sinceIso)])).limit(1).executeTakeFirst(),
    db.selectFrom('attendance_overrides').select('booking_id').where('booking_id', '=', b.id).where('attended', '=', 1).executeTakeFirst(),
  ]);
  return present !== undefined || ticked !== undefined;
}

/** Which of these sessions `viewer` may see (`visibleTo`), in one query; missing ones are left out. */
export async function visibleSessionIds(db: Q, ids: readonly string[], viewer: Viewer): Promise<Set<string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Set();
  const rows = await db.selectFrom('sessions').select('id').where('id', 'in', wanted).where(visibleTo(viewer)).execute();
  return new Set(rows.map((r) => r.id));
}

const audienceKindsOf = preparedIn((db, ids: readonly string[]) => db.selectFrom('sessions').select(['id', 'audience_kind']).where('id', 'in', ids));

/** Who each of these sessions is for (programme, organisation, trust); a missing session is absent. */
export async function audienceKinds(db: Q, ids: readonly string[]): Promise<Map<string, SessionRow['audience_kind']>> {
  if (ids.length === 0) return new Map();
  return new Map((await audienceKindsOf(db, ids)).map((r) => [r.id, r.audience_kind]));
}

/** An organisation and the organisations above it, nearest first (a school, then its trust). */
export async function orgChain(db: Q, orgId: string): Promise<string[]> {
  return (await orgChains(db, [orgId])).get(orgId) ?? [];
}

const orgParents = preparedIn((db, ids: readonly string[]) => db.selectFrom('organisations').select(['id', 'parent_id']).where('id', 'in', ids));

/**
 * `orgChain` of each of these organisations, read together: a query per level (the
 * organisations, then their parents, and so on; one level deep today), not per
 * organisation. A missing organisation's chain is empty.
 */
export async function orgChains(db: Q, orgIds: readonly string[]): Promise<Map<string, string[]>> {
  const parentOf = new Map<string, string | null>();
  let wanted = [...new Set(orgIds)];
  for (let level = 0; wanted.length > 0 && level < 10; level++) {
    for (const r of await orgParents(db, wanted)) parentOf.set(r.id, r.parent_id);
    wanted = [...new Set(wanted.map((id) => parentOf.get(id)).filter((p): p is string => !!p && !parentOf.has(p)))];
  }
  return new Map(
    orgIds.map((orgId) => {
      const chain: string[] = [];
      for (let next: string | null | undefined = orgId; next && parentOf.has(next) && !chain.includes(next) && chain.length < 10; next = parentOf.get(next)) chain.push(next);
      return [orgId, chain];
    }),
  );
}

/**
 * Whether an organisation's people are among those a session is for, by the one visibility
 * rule (`visibleTo`) as it stands stored, asked for a member of staff there who runs nothing:
 * seats may be held, and its staff booked by its office, only for such organisations.
 */
/** PostgreSQL: locks an organisation's row for share until the transaction ends (see holdLocked); SQLite runs one writer at a time. */
export async function orgKept(trx: Transaction<Database>, kind: DbKind, orgId: string): Promise<void> {
  if (kind === 'postgres') await trx.selectFrom('organisations').select('id').where('id', '=', orgId).forShare().execute();
}

export async function orgInAudience(db: Q, sessionId: string, orgId: string): Promise<boolean> {
  const viewer: Viewer = { kind: 'person', userId: '', orgId, orgChain: await orgChain(db, orgId) };
  return (await sessionVisibility(db, sessionId, viewer)) === 'visible';
}

/**
 * Whom `user` sees sessions as: an administrator everything; anyone else by their
 * organisation, its trust, and the sessions they run. `chainOf` reads an organisation's
 * chain (orgChain by default; batched across requests in server/sessions/service.ts).
 */
export async function viewerFor(db: Q, user: { id: string; role: string; orgId: string | null }, chainOf: (orgId: string) => Promise<string[]> = (id) => orgChain(db, id)): Promise<Viewer> {
  if (user.role === 'admin') return { kind: 'all' };
  return { kind: 'person', userId: user.id, orgId: user.orgId, orgChain: user.orgId ? await chainOf(user.orgId) : [] };
}

/** The sessions naming `userId` as a trainer that run at some point between `fromIso` and `toIso` (whose live rooms may be open around now). */
export async function sessionsNamingTrainerBetween(db: Q, userId: string, fromIso: string, toIso: string): Promise<string[]> {
  const rows = await db
    .selectFrom('session_trainers as st')
    .innerJoin('sessions as s', 's.id', 'st.session_id')
    .select('s.id')
    .where('st.user_id', '=', userId)
    .where('s.ends_at', '>', fromIso)
    .where('s.starts_at', '<', toIso)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Whether `userId` runs a session now (`runs`): the one check behind every "its trainers and
 * administrators only". A lead who is removed, or moved to another school, keeps their name on
 * the sessions they published but runs them no longer; made a lead again, they run them again.
 */
export async function isTrainerOf(db: Q, sessionId: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('sessions').select('id').where('id', '=', sessionId).where(runs({ userId })).executeTakeFirst()) !== undefined;
}

/**
 * The sessions still to come (scheduled, not yet ended) naming `userId` as a trainer that no
 * one named on them runs now (`runs`): left without anyone to run them once the person
 * was turned off, given another role or moved. Soonest first, in one query.
 */
export async function sessionsLeftWithoutTrainer(db: Q, userId: string, nowIso: string): Promise<{ id: string; title: string; startsAt: string }[]> {
  const rows = await db
    .selectFrom('session_trainers as st')
    .innerJoin('sessions as s', 's.id', 'st.session_id')
    .select(['s.id', 's.title', 's.starts_at'])
    .where('st.user_id', '=', userId)
    .where(needsTrainer(nowIso, 's'))
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, startsAt: r.starts_at }));
}

/**
 * The in-house sessions for `orgId` itself (its own audience), still to come and not
 * cancelled, that no one named on them runs now, soonest first: at most `limit`, and how many.
 */
export async function sessionsForOrgWithoutTrainer(db: Q, orgId: string, nowIso: string, limit: number): Promise<{ items: { id: string; title: string; startsAt: string }[]; total: number }> {
  const q = db.selectFrom('sessions').where('audience_org_id', '=', orgId).where(needsTrainer(nowIso));
  const [rows, counted] = await Promise.all([
    q.select(['id', 'title', 'starts_at']).orderBy('starts_at').orderBy('id').limit(limit).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { items: rows.map((r) => ({ id: r.id, title: r.title, startsAt: r.starts_at })), total: Number(counted?.n ?? 0) };
}

/** Whether anyone named on the session as a trainer (or `userId`, when given) runs it now (`runs`). */
export async function anyoneRuns(db: Q, sessionId: string, userId?: string): Promise<boolean> {
  return (await db.selectFrom('sessions').select('id').where('id', '=', sessionId).where(runs({ userId })).executeTakeFirst()) !== undefined;
}

/**
 * The one rule of who runs a session now (DESIGN.md, in-house sessions), as a condition on the
 * sessions table (or its alias `table`): someone named on it as a trainer (`userId`, when
 * given; anyone named, when not) whose account is on and who is a trainer or administrator by
 * role, or staff or office staff still leading in-house training for an organisation the
 * session is for (`trainerRuns`). `isTrainerOf`, every list of the sessions someone runs, the
 * sessions they are shown (`visibleTo`) and those no one runs all ask it here.
 */
export function runs({ userId, table = 'sessions' }: { userId?: string; table?: string } = {}): Expression<SqlBool> {
  const who = userId === undefined ? sql`` : sql` and rt.user_id = ${userId}`;
  return sql<SqlBool>`exists (select 1 from session_trainers rt inner join users ru on ru.id = rt.user_id where rt.session_id = ${sql.ref(`${table}.id`)}${who} and ${trainerRuns('ru', table)})`;
}

/**
 * Who is named to run the session, by name, with their role, whether their account is off
 * and whether each runs it now (`runs`): what its edit form lists, and what the session page
 * tells the office of the organisation it is for.
 */
export async function namedTrainers(db: Q, sessionId: string): Promise<{ userId: string; name: string; role: UserRow['role']; disabled: boolean; runs: boolean }[]> {
  const rows = await db
    .selectFrom('session_trainers as st')
    .innerJoin('users as ru', 'ru.id', 'st.user_id')
    .innerJoin('sessions as s', 's.id', 'st.session_id')
    .select(['ru.id', 'ru.name', 'ru.role', 'ru.disabled_at', trainerRuns('ru', 's').as('runs')])
    .where('st.session_id', '=', sessionId)
    .orderBy('ru.name')
    .orderBy('ru.id')
    .execute();
  return rows.map((r) => ({ userId: r.id, name: r.name, role: r.role, disabled: r.disabled_at !== null, runs: Boolean(r.runs) }));
}

/**
 * Takes off the session everyone named on it who does not run it now (`runs`: a lead who left
 * or was removed, an account turned off), when it is handed to someone who does. Their own
 * calendar feeds are raised with it, in the same transaction. A feed holds the sessions its
 * person runs by the same rule, so most of those feeds do not hold this one now; but someone
 * whose account is off does not run it only while it is off (and their feed is not served
 * then): turned on again, they would run it by that rule, and their feed, its revision
 * unchanged, would have answered a polling calendar that still showed it with a 304.
 *
 * `runners`: whom the caller names on it next, in the same transaction (their feeds raised
 * again then): raised here too, in the one statement, so that the feed rows the hand-over
 * takes are taken in one key order (feed-revisions.ts, FeedPeople).
 */
export async function dropTrainersWhoDoNotRun(db: Q, sessionId: string, nowIso: string, runners: readonly string[] = []): Promise<void> {
  const gone = (await namedTrainers(db, sessionId)).filter((t) => !t.runs).map((t) => t.userId);
  if (gone.length === 0) return;
  await raiseRunnerFeeds(db, { userIds: [...gone, ...runners] }, nowIso);
  await db.deleteFrom('session_trainers').where('session_id', '=', sessionId).where('user_id', 'in', gone).execute();
}

/**
 * A session that needs a trainer: still to come (not yet ended), not cancelled, and no one
 * named on it runs it now (`runs`). The one condition of the administrators' "Needing a
 * trainer" list, an organisation's sessions needing a lead, and what a change to a person
 * left without anyone to run it.
 */
export function needsTrainer(nowIso: string, table = 'sessions'): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(`${table}.status`)} = 'scheduled' and ${sql.ref(`${table}.ends_at`)} > ${nowIso} and not ${runs({ table })})`;
}

/**
 * Whether the named trainer `user` (an alias of the users table) runs the session `session`
 * (an alias of the sessions table), the rule `runs` states. A lead counts only for an
 * organisation in their own chain (their school, or its trust: `currentLeadOrgIds`), and leads
 * the sessions for that organisation and for the schools directly under it (never a programme
 * session). Organisations nest one level, as the lead rule takes them. Exported for reads that
 * join people to the sessions they run (the cover report's sessions its staff deliver).
 */
export function trainerRuns(user: string, session: string): RawBuilder<SqlBool> {
  const u = (c: string) => sql.ref(`${user}.${c}`);
  const audienceOrg = sql.ref(`${session}.audience_org_id`);
  return sql<SqlBool>`(${u('disabled_at')} is null and (${u('role')} in ('trainer', 'admin') or (${u('role')} in ('staff', 'office') and exists (
    select 1 from inhouse_leads rl
    where rl.user_id = ${u('id')}
      and (rl.org_id = ${u('org_id')} or rl.org_id in (select ho.parent_id from organisations ho where ho.id = ${u('org_id')}))
      and (rl.org_id = ${audienceOrg} or rl.org_id in (select ao.parent_id from organisations ao where ao.id = ${audienceOrg}))))))`;
}

/**
 * The organisations `userId` leads in-house training for now: only those in their own
 * organisation's chain (their school, its trust), and none once they are no longer staff or
 * office staff. A lead row left behind by a move (of the person, or of their school out of
 * its trust) grants nothing.
 */
export async function currentLeadOrgIds(db: Q, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('inhouse_leads as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['l.org_id', 'u.org_id as home', 'u.role'])
    .where('l.user_id', '=', userId)
    .orderBy('l.org_id')
    .execute();
  const home = rows[0]?.home;
  if (!home || (rows[0]!.role !== 'staff' && rows[0]!.role !== 'office')) return [];
  const chain = await orgChain(db, home);
  return rows.map((r) => r.org_id).filter((id) => chain.includes(id));
}

const bookingById = prepared<{ id: string }>()((db, arg) => db.selectFrom('bookings').selectAll().where('id', '=', arg('id')));

/** A session row, unlocked (for reading). */
export function findSession(db: Q, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findBooking(db: Q, id: string): Promise<BookingRow | undefined> {
  return bookingById.first(db, { id });
}

const activeBooking = prepared<{ sessionId: string; userId: string }>()((db, arg) =>
  db.selectFrom('bookings').selectAll().where('session_id', '=', arg('sessionId')).where('user_id', '=', arg('userId')).where('status', '<>', 'cancelled'),
);

export function findActiveBooking(db: Q, sessionId: string, userId: string) {
  return activeBooking.first(db, { sessionId, userId });
}

/** The queue for one seat kind, first come first served, with each person's organisation. */
export function waitlist(trx: Q, sessionId: string, seat: SeatKind) {
  return trx
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .selectAll('b')
    .select('u.org_id')
    .where('b.session_id', '=', sessionId)
    .where('b.seat', '=', seat)
    .where('b.status', '=', 'waitlisted')
    // A turned-off account is passed over (its places are given up as it is turned off).
    .where('u.disabled_at', 'is', null)
    .orderBy('b.queue_seq')
    .execute();
}

const queuePlace = (db: Kysely<Database>) =>
  db
    .selectFrom('bookings as b')
    .select(['b.id'])
    .select((eb) =>
      eb
        .selectFrom('bookings as w')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('w.session_id', '=', 'b.session_id')
        .whereRef('w.seat', '=', 'b.seat')
        .where('w.status', '=', 'waitlisted')
        .whereRef('w.queue_seq', '<=', 'b.queue_seq')
        .as('position'),
    )
    .where('b.status', '=', 'waitlisted');
const queuePlaceOfOne = prepared<{ id: string }>()((db, arg) => queuePlace(db).where('b.id', '=', arg('id')));

/**
 * 1-based queue places of waitlisted bookings, by booking id: the one definition of a queue
 * place. One booking's place counts the queue before it (through the index); many bookings'
 * places are numbered in one pass over their sessions' queues (`row_number`), not each
 * counted from the front of its queue, which grew with the square of a long waitlist.
 */
export async function queuePositions(db: Q, waiting: readonly { id: string; sessionId: string }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (waiting.length === 0) return out;
  if (waiting.length === 1) {
    for (const r of await queuePlaceOfOne.all(db, { id: waiting[0]!.id })) out.set(r.id, Number(r.position));
    return out;
  }
  const asked = new Set(waiting.map((w) => w.id));
  const rows = await db
    .selectFrom('bookings')
    .select((eb) => ['id', eb.fn.agg<number>('row_number', []).over((ob) => ob.partitionBy(['session_id', 'seat']).orderBy('queue_seq')).as('position')])
    .where(oneOf(db, 'session_id', [...new Set(waiting.map((w) => w.sessionId))]))
    .where('status', '=', 'waitlisted')
    .execute();
  for (const r of rows) if (asked.has(r.id)) out.set(r.id, Number(r.position));
  return out;
}

/**
 * Locks sessions for the rest of the transaction (see `lockSession`), in id order: two
 * transactions locking overlapping sets always take them in the same order, so neither can
 * hold one the other is waiting for.
 */
export async function lockSessions(trx: Transaction<Database>, kind: DbKind, ids: readonly string[]): Promise<SessionRow[]> {
  if (ids.length === 1) {
    const s = await lockSession(trx, kind, ids[0]!);
    return s ? [s] : [];
  }
  if (kind === 'postgres') return sessionsForUpdate.all(trx, { ids: [...ids] });
  return trx.selectFrom('sessions').selectAll().where(oneOf(trx, 'id', ids)).orderBy('id').execute();
}
const sessionsForUpdate = prepared<{ ids: string[] }>()((db, arg) => db.selectFrom('sessions').selectAll().where(oneOf('postgres', 'id', arg('ids'))).orderBy('id').forUpdate());

/**
 * The active bookings of these (session, person) pairs, by pairKey.
 *
 * - SQLite: one index seek per pair. The pairs are listed first and joined to bookings in
 *   that order (SQLite keeps a CROSS JOIN's order). An IN list of sessions and one of people
 *   probed every combination (2,500 for a batch of 50), and with statistics gathered before
 *   the bookings grew, SQLite chose to scan every booking instead.
 * - PostgreSQL: the sessions and the people as two arrays walked side by side (activeAmong),
 *   one probe of the (session, person) index of active bookings each; a list of pairs as
 *   `VALUES` it plans afresh each time (more than the query costs).
 */
export async function activeBookings(trx: Q, kind: DbKind, pairs: readonly { sessionId: string; userId: string }[]): Promise<Map<string, string>> {
  const unique = [...new Map(pairs.map((p) => [pairKey(p.sessionId, p.userId), p])).values()];
  const rows: { session_id: string; user_id: string; status: string }[] = [];
  if (unique.length <= 1) rows.push(...(unique.length ? await activeBooking.all(trx, unique[0]!) : []));
  else if (kind === 'postgres') rows.push(...(await activeAmongPairs.all(trx, { sessionIds: unique.map((p) => p.sessionId), userIds: unique.map((p) => p.userId) })));
  else
    for (let at = 0; at < unique.length; at += PAIR_ROWS) {
      const { rows: found } = await sql<{ session_id: string; user_id: string; status: string }>`with p (session_id, user_id) as (${pairRows(kind, unique.slice(at, at + PAIR_ROWS))})
        select b.session_id, b.user_id, b.status from p cross join bookings b
        where b.session_id = p.session_id and b.user_id = p.user_id and b.status <> 'cancelled'`.execute(trx);
      rows.push(...found);
    }
  return new Map(rows.map((r) => [pairKey(r.session_id, r.user_id), r.status]));
}
/** Who a booking batch books, and who books them, as they stand while it holds its locks. */
export type BookingPerson = Pick<UserRow, 'id' | 'name' | 'email' | 'org_id' | 'disabled_at' | 'role'>;
const PERSON_COLUMNS = ['id', 'name', 'email', 'org_id', 'disabled_at', 'role'] as const satisfies readonly (keyof BookingPerson)[];

/**
 * What a booking batch reads once its sessions are locked: their holds, which of these
 * (session, person) pairs already have an active booking (by pairKey), and the people in it
 * (those booked and those booking them). On PostgreSQL that is one statement returning the
 * three as JSON arrays, each list of ids one array parameter: a round trip fewer inside the
 * batch's transaction, while it holds the sessions' locks. Its people are read `for share`:
 * an account turned off, or moved, by a transaction that commits first is read as it now
 * is, and one that comes after waits for the batch to commit, so that giving up that
 * person's places (accounts/lifecycle.ts) finds what the batch booked. On SQLite (one writer
 * at a time, in-process, no round trips) the three reads as they are.
 */
export async function holdsAndActiveBookings(
  trx: Transaction<Database>,
  ids: readonly string[],
  pairs: readonly { sessionId: string; userId: string }[],
  personIds: readonly string[],
): Promise<{ holds: HoldRow[]; booked: Map<string, string>; people: BookingPerson[] }> {
  if (kindOf(trx) === 'sqlite' || pairs.length === 0) {
    const holds = await holdsOf(trx, ids);
    const booked = await activeBookings(trx, kindOf(trx), pairs);
    const people = personIds.length === 0 ? [] : kindOf(trx) === 'postgres' ? await peopleForShare.all(trx, { personIds: [...personIds] }) : await trx.selectFrom('users').select(PERSON_COLUMNS).where('id', 'in', personIds).execute();
    return { holds, booked, people };
  }
  const row = (await holdsAndActiveAmong.first(trx, { ids: [...ids], sessionIds: pairs.map((p) => p.sessionId), userIds: pairs.map((p) => p.userId), personIds: [...personIds] }))!;
  return { holds: row.holds, booked: new Map(row.booked.map((r) => [pairKey(r.session_id, r.user_id), r.status])), people: row.people };
}
/** PostgreSQL: a batch's people, locked for share in id order, as every batch locks them. */
const peopleLocked = (db: QueryCreator<Database>, personIds: readonly string[]) => db.selectFrom('users').select(PERSON_COLUMNS).where(oneOf('postgres', 'id', personIds)).orderBy('id').forShare();
const peopleForShare = prepared<{ personIds: string[] }>()((db, arg) => peopleLocked(db, arg('personIds')));
const holdsAndActiveAmong = prepared<{ ids: string[]; sessionIds: string[]; userIds: string[]; personIds: string[] }>()((db, arg) =>
  db
    .with('people', (qb) => peopleLocked(qb, arg('personIds')))
    .selectNoFrom((eb) => [
      jsonArrayFrom(eb.selectFrom('seat_holds').select(['session_id', 'org_id', 'seat', 'seats', 'claimed']).where(oneOf('postgres', 'session_id', arg('ids')))).as('holds'),
      jsonArrayFrom(activeAmong(arg('sessionIds'), arg('userIds'))).as('booked'),
      jsonArrayFrom(eb.selectFrom('people').selectAll()).as('people'),
    ]),
);

/**
 * PostgreSQL: the active bookings of exactly these pairs, the sessions and the people as two
 * arrays walked side by side: one probe each of the (session, person) index of active
 * bookings. `'cancelled'` is written into the text, not passed, so that the partial index
 * (`where status <> 'cancelled'`) is usable by the plan each connection keeps. (Asking for
 * the sessions' and the people's arrays separately read every active booking of the one
 * among the other: in the bench, where everyone books every session, several hundred rows
 * for a batch's 25 pairs, and more as bookings grew.) The `limit 1` keeps each probe a probe.
 * In parentheses, so that it also serves as a subquery (holdsAndActiveBookings).
 */
function activeAmong(sessionIds: readonly string[], userIds: readonly string[]) {
  return sql<{ session_id: string; user_id: string; status: string }>`(select p.session_id, p.user_id, b.status
    from (${pairArrays(sessionIds, userIds)}) as p (session_id, user_id)
    cross join lateral (select status from bookings where session_id = p.session_id and user_id = p.user_id and status <> 'cancelled' limit 1) b)`;
}

/** PostgreSQL: activeAmong on its own (activeBookings), built and compiled once. */
const activeAmongPairs = prepared<{ sessionIds: string[]; userIds: string[] }>()((db, arg) => db.selectFrom(activeAmong(arg('sessionIds'), arg('userIds')).as('a')).selectAll());

/** Pairs per activeBookings statement (SQLite): two parameters each. */
const PAIR_ROWS = 5000;
/** One key for a (session, person) pair, for maps and sets (ids hold no space). */
export const pairKey = (sessionId: string, userId: string) => `${sessionId} ${userId}`;
/** The pair a `pairKey` was made from. */
export function pairOfKey(key: string): { sessionId: string; userId: string } {
  const at = key.indexOf(' ');
  return { sessionId: key.slice(0, at), userId: key.slice(at + 1) };
}

const BOOKING_COLUMNS = ['id', 'session_id', 'user_id', 'seat', 'status', 'queue_seq', 'hold_org_id', 'offer_expires_at', 'booked_by', 'revision', 'created_at', 'updated_at', 'cancelled_at'] as const satisfies readonly (keyof BookingRow)[];
/**
 * Adds bookings, already checked under the session locks. The unique index on active
 * (session, person) pairs still stands behind that check: a duplicate fails the statement.
 */
const insertBookingRows = rowInserter<BookingRow>('bookings', BOOKING_COLUMNS);
export async function insertBookings(writes: WriteBatch, rows: BookingRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertBookingRows.into(writes, rows);
  // New bookings show in their people's calendar feeds: one statement for the lot.
  await raiseFeedsWith(writes, rows.map((r) => r.user_id), rows[0]!.updated_at);
}

/**
 * Cancels a booking, leaving the counts to the caller's `SeatDeltas` (many at once: a
 * cancelled session) and the calendar feeds to the caller's one `raiseFeeds` for them all.
 */
export async function cancelledWith(trx: Transaction<Database>, id: string, set: Pick<BookingRow, 'cancelled_at' | 'updated_at' | 'revision'>) {
  await trx.updateTable('bookings').set({ ...set, status: 'cancelled', offer_expires_at: null }).where('id', '=', id).execute();
}

/**
 * Sets the seats of a hold. A hold that bookings still claim is kept with no seats when
 * removed, so that its count of claims lives on (and counts again if the hold is set again).
 */
export async function setHoldSeats(trx: Transaction<Database>, h: { id: string; session_id: string; org_id: string; seat: SeatKind; seats: number; claimed: number; created_at: string }) {
  const match = trx.updateTable('seat_holds').where('session_id', '=', h.session_id).where('org_id', '=', h.org_id).where('seat', '=', h.seat);
  if (h.seats === 0 && h.claimed === 0) {
    await trx.deleteFrom('seat_holds').where('session_id', '=', h.session_id).where('org_id', '=', h.org_id).where('seat', '=', h.seat).execute();
    return;
  }
  const done = await match.set({ seats: h.seats }).executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) await trx.insertInto('seat_holds').values({ id: h.id, session_id: h.session_id, org_id: h.org_id, seat: h.seat, seats: h.seats, claimed: 0, created_at: h.created_at }).execute();
}

/** The places claimed from a released hold become seats of their own: none of them counts against it any more (its `claimed` is set by the caller). */
export async function releaseClaims(trx: Transaction<Database>, sessionId: string, orgId: string, seat: SeatKind) {
  await trx.updateTable('bookings').set({ hold_org_id: null }).where('session_id', '=', sessionId).where('seat', '=', seat).where('hold_org_id', '=', orgId).where('status', '<>', 'cancelled').execute();
}

/**
 * Changes a booking in ways that leave the counts alone (revision, times), after its
 * session changed: the session's edit raises the calendar feeds of everyone on it.
 */
export async function touchBooking(trx: Transaction<Database>, id: string, set: Pick<Partial<BookingRow>, 'revision' | 'updated_at'>) {
  await trx.updateTable('bookings').set(set).where('id', '=', id).execute();
}

// Sorted here, not by the query: ordering by queue_seq would make SQLite walk every booking
// of the session in queue order instead of finding the few offered ones by status.
const expiredOffersOf = prepared<{ sessionId: string; now: string }>()((db, arg) =>
  db.selectFrom('bookings').selectAll().where('session_id', '=', arg('sessionId')).where('status', '=', 'offered').where('offer_expires_at', '<=', arg('now')),
);

/** Offers whose expiry has passed, in queue order. */
export async function expiredOffers(trx: Q, sessionId: string, nowIso: string) {
  return (await expiredOffersOf.all(trx, { sessionId, now: nowIso })).sort((a, b) => a.queue_seq - b.queue_seq);
}

/** The sessions not yet over on which a person is booked, offered a seat or waiting (ids). */
export async function sessionsWithPlacesOf(trx: Q, userId: string, nowIso: string): Promise<string[]> {
  return sessionsWithPlacesOfPeople(trx, [userId], nowIso);
}

/** The sessions not yet over on which any of these people is booked, offered a seat or waiting (ids, each once, in id order). */
export async function sessionsWithPlacesOfPeople(trx: Q, userIds: readonly string[], nowIso: string): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await trx
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .select('b.session_id')
    .distinct()
    .where(userIds.length === 1 ? sql<SqlBool>`b.user_id = ${userIds[0]}` : oneOf(trx, 'b.user_id', userIds))
    .where('b.status', 'in', ['confirmed', 'offered', 'waitlisted'])
    .where('s.ends_at', '>', nowIso)
    .orderBy('b.session_id')
    .execute();
  return rows.map((r) => r.session_id);
}

/** One of a person's places on a session overlapping a window of time (`placesOverlapping`). */
export interface OverlappingPlace {
  session_id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  audience_kind: SessionRow['audience_kind'];
  status: 'confirmed' | 'offered' | 'waitlisted';
  offer_expires_at: string | null;
}

/**
 * The places `userId` holds (confirmed, offered, waiting; an offer whose time has run out
 * too, until the sweep cancels it) on scheduled sessions other than `window.sessionId`
 * whose times overlap the window's: starting before it ends and ending after it starts (one
 * that only touches it is not read). With each session's audience, for the caller to check
 * whether the person may see it. One query, walking the person's own bookings (the
 * (user, session) index) to each session by its key, however many people booked.
 */
export async function placesOverlapping(db: Q, userId: string, window: { sessionId: string; startsAt: string; endsAt: string }): Promise<OverlappingPlace[]> {
  const rows = await db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .select(['b.session_id', 's.title', 's.starts_at', 's.ends_at', 's.audience_kind', 'b.status', 'b.offer_expires_at'])
    .where('b.user_id', '=', userId)
    .where('b.status', 'in', ['confirmed', 'offered', 'waitlisted'])
    .where('b.session_id', '<>', window.sessionId)
    .where('s.status', '=', 'scheduled')
    .where('s.starts_at', '<', window.endsAt)
    .where('s.ends_at', '>', window.startsAt)
    .execute();
  return rows as OverlappingPlace[];
}

/**
 * Locks these people's user rows, in id order, as changing them would (PostgreSQL: `for no key
 * update`; on SQLite the transaction already holds the write lock). A booking batch reads its
 * people `for share` after locking its sessions, so one taking these after its sessions meets a
 * batch in the same order.
 */
export async function lockPeople(trx: Transaction<Database>, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0 || kindOf(trx) !== 'postgres') return;
  await trx.selectFrom('users').select('id').where(oneOf(trx, 'id', userIds)).orderBy('id').forNoKeyUpdate().execute();
}

export function activeBookingsOfSession(trx: Q, sessionId: string) {
  return trx.selectFrom('bookings').selectAll().where('session_id', '=', sessionId).where('status', 'in', ['confirmed', 'waitlisted', 'offered']).orderBy('queue_seq').execute();
}

/** The places (seat, offer, queue place) on a session of people whose accounts are turned off. */
export function activeBookingsOfTurnedOff(trx: Q, sessionId: string) {
  return trx
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .selectAll('b')
    .where('b.session_id', '=', sessionId)
    .where('b.status', 'in', ['confirmed', 'waitlisted', 'offered'])
    .where('u.disabled_at', 'is not', null)
    .orderBy('b.queue_seq')
    .execute();
}

/** Who, among the people with a booking on a session, has had their account turned off. */
export async function turnedOffOnSession(trx: Q, sessionId: string): Promise<Set<string>> {
  const rows = await trx.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id').select('u.id').distinct().where('b.session_id', '=', sessionId).where('u.disabled_at', 'is not', null).execute();
  return new Set(rows.map((r) => r.id));
}

/** The places a session's people had a seat on: confirmed, and once recorded, attended or absent. */
export function seatedBookingsOfSession(trx: Q, sessionId: string) {
  return trx.selectFrom('bookings').selectAll().where('session_id', '=', sessionId).where('status', 'in', [...SEATED]).orderBy('queue_seq').execute();
}

/** The seats held for `orgId` on sessions still to come (scheduled, not yet over), per session and seat kind. */
export function liveHoldsOf(trx: Q, orgId: string, nowIso: string) {
  return trx
    .selectFrom('seat_holds as h')
    .innerJoin('sessions as s', 's.id', 'h.session_id')
    .select(['h.session_id', 'h.seat'])
    .where('h.org_id', '=', orgId)
    .where('h.seats', '>', 0)
    .where('s.status', '=', 'scheduled')
    .where('s.ends_at', '>', nowIso)
    .orderBy('h.session_id')
    .orderBy('h.seat')
    .execute();
}

/** How many of an organisation's own people (staff and office, accounts on) have no place on a session: a hold its office sets may not exceed what they could fill. */
export async function unplacedStaff(db: Q, sessionId: string, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('users as u')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('u.org_id', '=', orgId)
    .where('u.role', 'in', ['staff', 'office'])
    .where('u.disabled_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('bookings as b').select('b.id').whereRef('b.user_id', '=', 'u.id').where('b.session_id', '=', sessionId).where('b.status', '!=', 'cancelled'))),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
