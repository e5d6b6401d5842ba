/** The calendar's queries: bookings and the sessions a person runs as calendar rows (paged in an order read once), feed tokens. */
import { sql, type Compilable, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { BookingStatus, Database, SeatKind, SessionMode } from '../../db/schema.js';
import type { CalendarRow, RunningRow } from './ics.js';
import { kindOf, oneOf, prepared } from '../../db/prepared.js';
import { orgChain, runs, viewerFor, visibleTo, type Viewer } from '../bookings/repository.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Whose bookings: one person's, or every person's of some organisations (one organisation's
 * feed; an export's organisation and, a trust's, its schools), on the sessions `viewer` may
 * see (DESIGN.md invariant 12): for a person's own feed, the person as they now are, so
 * someone moved to another organisation (or whose school left its trust) no longer reads an
 * in-house session of the one they left, as My bookings leaves it out; for an organisation's,
 * whoever reads the export or made the feed, so a trust's office never reads a school's own
 * in-house sessions. The viewer is part of the scope, and so of a feed's ETag (service.ts,
 * feedVersion): a feed whose person or school moved is never answered 304 with the old body.
 *
 * `trainer`: the person is named to run sessions (session_trainers), so their calendar also
 * holds the sessions they run (`runningRowsPage`), and a booking of theirs on one of those
 * is left out of it: one event per session, the one of running it, whose standing follows
 * the session's and not a booking's (they run it whatever became of a place they once
 * booked). Absent for everyone else, whose calendars read just as before.
 */
export type Scope = { userId: string; trainer?: true; viewer: Viewer } | { orgIds: readonly string[]; viewer: Viewer };

export interface RowFilter {
  /** Keep only the latest booking per (session, person): one event per UID. */
  latestOnly?: boolean;
  /** Drop cancelled bookings cancelled at or before this instant. */
  cancelledAfter?: string;
  /** Sessions overlapping [from, to). */
  from?: string;
  to?: string;
}

/** The keyset position after the last row read: (session start, booking id). */
export interface Cursor {
  startsAt: string;
  bookingId: string;
  /**
   * The walk's order, read with its first page, and where in it the next page begins (held
   * in memory by the walk, never sent anywhere). A cursor without it is read by keyset.
   */
  order?: { ids: string[]; starts: string[]; next: number };
}

function base(db: Q) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id');
}
type Base = ReturnType<typeof base>;

/** The bookings of `scope` that pass `f`, joined to their session and person. */
function scoped(db: Q, scope: Scope, f: RowFilter): Base {
  let q = base(db);
  if ('userId' in scope) {
    q = q.where('b.user_id', '=', scope.userId).where(visibleTo(scope.viewer, 's'));
    // The same rule as `running` below, so each session shows exactly once.
    if (scope.trainer) q = q.where((eb) => eb.not(runs({ userId: scope.userId, table: 's' })));
  } else {
    // One organisation (every feed, a school's export) as an equality, as before there were several.
    const ids = scope.orgIds;
    q = (ids.length === 1 ? q.where('u.org_id', '=', ids[0]!) : q.where(oneOf(kindOf(db), 'u.org_id', ids))).where(visibleTo(scope.viewer, 's'));
  }
  if (f.latestOnly) {
    q = q.where(sql<boolean>`not exists (select 1 from bookings n where n.session_id = b.session_id and n.user_id = b.user_id and n.queue_seq > b.queue_seq)`);
  }
  if (f.cancelledAfter) {
    const after = f.cancelledAfter;
    q = q.where((eb) => eb.or([eb('b.status', '<>', 'cancelled'), eb('b.cancelled_at', '>', after)]));
  }
  if (f.from) q = q.where('s.ends_at', '>', f.from);
  if (f.to) q = q.where('s.starts_at', '<', f.to);
  return q;
}

/** Everything a calendar row needs straight from the joined tables (no subqueries). */
const PAGE_COLUMNS = [
  'b.id as booking_id', 'b.status', 'b.seat', 'b.revision as booking_revision', 'b.updated_at as booking_updated_at', 'b.created_at as booking_created_at', 'b.queue_seq',
  'u.id as user_id', 'u.name as user_name', 'u.email as user_email', 'u.org_id as user_org_id',
  's.id as session_id', 's.title', 's.description', 's.mode', 's.starts_at', 's.ends_at', 's.time_zone', 's.venue', 's.status as session_status',
  's.revision as session_revision', 's.updated_at as session_updated_at',
] as const;

function withRowColumns(q: Base) {
  return q.select([
    ...PAGE_COLUMNS,
    sql<number>`(select coalesce(sum(p.revision + 1), 0) from bookings p where p.session_id = b.session_id and p.user_id = b.user_id and p.queue_seq < b.queue_seq)`.as('prior_revisions'),
  ]);
}

interface RawRow {
  booking_id: string;
  status: BookingStatus;
  seat: SeatKind;
  booking_revision: number;
  booking_updated_at: string;
  booking_created_at: string;
  user_id: string;
  user_name: string;
  user_email: string;
  user_org_id: string | null;
  session_id: string;
  title: string;
  description: string;
  mode: SessionMode;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  venue: string | null;
  session_status: 'scheduled' | 'cancelled';
  session_revision: number;
  session_updated_at: string;
  prior_revisions: number | string;
}

function toRow(r: RawRow): CalendarRow & { userOrgId: string | null; bookedAt: string } {
  return {
    bookingId: r.booking_id,
    status: r.status,
    seat: r.seat,
    bookingRevision: Number(r.booking_revision),
    bookingUpdatedAt: r.booking_updated_at,
    priorRevisions: Number(r.prior_revisions),
    userId: r.user_id,
    userName: r.user_name,
    userEmail: r.user_email,
    userOrgId: r.user_org_id,
    sessionId: r.session_id,
    title: r.title,
    description: r.description,
    mode: r.mode,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    timeZone: r.time_zone,
    venue: r.venue,
    sessionStatus: r.session_status,
    sessionRevision: Number(r.session_revision),
    sessionUpdatedAt: r.session_updated_at,
    bookedAt: r.booking_created_at,
  };
}

/** One booking as a calendar row, with its owner's organisation. */
export async function calendarRowOfBooking(db: Q, bookingId: string) {
  const r = await withRowColumns(base(db)).where('b.id', '=', bookingId).executeTakeFirst();
  return r && toRow(r as RawRow);
}

/** Many bookings as calendar rows (calendarRowOfBooking's), by booking id, in one query. */
export async function calendarRowsOfBookings(db: Q, bookingIds: readonly string[]) {
  if (bookingIds.length === 0) return new Map<string, ReturnType<typeof toRow>>();
  const rows = await withRowColumns(base(db)).where('b.id', 'in', [...new Set(bookingIds)]).execute();
  return new Map(rows.map((r) => toRow(r as RawRow)).map((r) => [r.bookingId, r]));
}

/**
 * One page of calendar rows in (start, booking id) order, after `cursor`, in one query. The
 * keyset walk (join, sort, limit) runs in a materialized CTE, so the per-row subqueries
 * (earlier revisions; whether a later booking supersedes this one) run for the page's rows
 * only, never for the whole calendar. Superseded rows are dropped here rather than in SQL,
 * so the cursor still moves past them. One row past the page is read to learn whether
 * another page follows without a last, empty round trip. `next` is null after the last page.
 */
export async function calendarRowsPage(db: Q, scope: Scope, f: RowFilter, cursor: Cursor | null, limit: number) {
  // A walk from the start reads its whole order once (booking ids and starts: two short
  // columns), and each page then reads its own rows by id. Read by keyset, every page sorted
  // all the rows after its cursor to find its first `limit`, so a calendar of n rows cost n²/limit.
  if (!cursor || cursor.order) return pageInOrder(db, scope, f, cursor?.order ?? (await calendarOrder(db, scope, f)), limit);
  let keys = scoped(db, scope, { ...f, latestOnly: false }).select(PAGE_COLUMNS);
  if (cursor) {
    const c = cursor;
    // After the cursor: `starts_at >= ?` on its own is a bound a plan walking sessions by start can seek to; the OR settles ties.
    keys = keys
      .where('s.starts_at', '>=', c.startsAt)
      .where((eb) => eb.or([eb('s.starts_at', '>', c.startsAt), eb('b.id', '>', c.bookingId)]));
  }
  const pageRows = keys.orderBy('s.starts_at').orderBy('b.id').limit(limit + 1);
  const raw = (await withPageExtras(db, pageRows, f).orderBy(sql`k.starts_at`).orderBy(sql`k.booking_id`).execute()) as PageRow[];
  const more = raw.length > limit;
  if (more) raw.length = limit;
  const last = raw[raw.length - 1];
  const next: Cursor | null = more && last ? { startsAt: last.starts_at, bookingId: last.booking_id } : null;
  const rows = [];
  for (const r of raw) if (!r.superseded) rows.push(toRow(r));
  return { rows, next };
}

type PageRow = RawRow & { superseded: boolean | number };

/**
 * A page's rows (`pageRows`, selecting PAGE_COLUMNS) as the CTE `k`, with the per-row
 * subqueries computed for those rows only: the revisions of the person's earlier bookings of
 * the session, and (for `latestOnly`) whether a later booking supersedes the row.
 */
function withPageExtras(db: Q, pageRows: Compilable<unknown> | RawBuilder<unknown>, f: RowFilter) {
  const superseded = f.latestOnly
    ? sql<boolean>`exists (select 1 from bookings n where n.session_id = k.session_id and n.user_id = k.user_id and n.queue_seq > k.queue_seq)`
    : sql<boolean>`0 = 1`;
  return db
    .with((cte) => cte('k').materialized(), () => pageRows as never)
    .selectFrom('k' as never)
    .selectAll('k' as never)
    .select([
      sql<number>`(select coalesce(sum(p.revision + 1), 0) from bookings p where p.session_id = k.session_id and p.user_id = k.user_id and p.queue_seq < k.queue_seq)`.as('prior_revisions'),
      superseded.as('superseded'),
    ]);
}

type Order = NonNullable<Cursor['order']>;

/** The booking ids of a whole calendar in page order (start, booking id). */
async function calendarOrder(db: Q, scope: Scope, f: RowFilter): Promise<Order> {
  const keys = await scoped(db, scope, { ...f, latestOnly: false }).select(['b.id', 's.starts_at']).orderBy('s.starts_at').orderBy('b.id').execute();
  return { ids: keys.map((k) => k.id), starts: keys.map((k) => k.starts_at), next: 0 };
}

/**
 * The page of `limit` rows that begins at `order.next`, read by id in one query: the same
 * columns and the same per-row subqueries as a keyset page, for these rows only. A row that
 * has changed since the order was read so that it no longer passes `f` is left out.
 */
async function pageInOrder(db: Q, scope: Scope, f: RowFilter, order: Order, limit: number) {
  const ids = order.ids.slice(order.next, order.next + limit);
  const end = order.next + ids.length;
  const next: Cursor | null = end < order.ids.length ? { startsAt: order.starts[end - 1]!, bookingId: order.ids[end - 1]!, order: { ...order, next: end } } : null;
  if (ids.length === 0) return { rows: [], next };
  const raw = (await withPageExtras(db, rowsByIds(db, scope, f, ids), f).execute()) as PageRow[];
  // In the order read (a session moved meanwhile keeps its place in this walk).
  const at = new Map(ids.map((id, i) => [id, i]));
  raw.sort((a, b) => at.get(a.booking_id)! - at.get(b.booking_id)!);
  const rows = [];
  for (const r of raw) if (!r.superseded) rows.push(toRow(r));
  return { rows, next };
}

/**
 * The rows of these bookings that pass `f`, selecting PAGE_COLUMNS. On PostgreSQL each id is
 * looked up on its own (a LATERAL subquery, kept from being flattened by its LIMIT 1: an id
 * is one booking), so a page costs its 2,000 primary-key probes however large the tables:
 * given the ids as an IN list, PostgreSQL scanned all of bookings and sessions and joined
 * them by hash whenever a page was a few percent of the table (one person's feed of 50,000
 * events: 130 ms a page against 60 ms). SQLite looks IN-listed ids up by key already.
 */
function rowsByIds(db: Q, scope: Scope, f: RowFilter, ids: string[]): Compilable<unknown> | RawBuilder<unknown> {
  const rows = scoped(db, scope, { ...f, latestOnly: false }).select(PAGE_COLUMNS);
  if (kindOf(db) !== 'postgres') return rows.where('b.id', 'in', ids);
  const one = rows.where(sql<boolean>`b.id = p.id`).limit(1);
  // In parentheses of its own: it becomes the body of the page's CTE, which Kysely writes bare.
  return sql`(select x.* from unnest(cast(${ids} as text[])) as p (id) cross join lateral ${one} as x)`;
}

export interface ZoneSummary {
  timeZone: string;
  count: number;
  firstStart: string;
  lastEnd: string;
  lastBookingChange: string;
  lastSessionChange: string;
}

/** Per time zone: how many rows, their span, and when they last changed (for VTIMEZONEs and ETags). */
export async function zoneSummaries(db: Q, scope: Scope, f: RowFilter): Promise<ZoneSummary[]> {
  const [booked, run] = await Promise.all([bookingZoneSummaries(db, scope, f), 'userId' in scope && scope.trainer ? runningZoneSummaries(db, scope.userId, f) : []]);
  if (run.length === 0) return booked;
  // One entry per zone, as if the two were one table: a session run counts as changed when the session did.
  const byZone = new Map(booked.map((z) => [z.timeZone, { ...z }]));
  for (const r of run) {
    const z = byZone.get(r.timeZone);
    if (!z) {
      byZone.set(r.timeZone, r);
      continue;
    }
    z.count += r.count;
    if (r.firstStart < z.firstStart) z.firstStart = r.firstStart;
    if (r.lastEnd > z.lastEnd) z.lastEnd = r.lastEnd;
    if (r.lastSessionChange > z.lastSessionChange) z.lastSessionChange = r.lastSessionChange;
  }
  return [...byZone.values()].sort((a, b) => (a.timeZone < b.timeZone ? -1 : a.timeZone > b.timeZone ? 1 : 0));
}

async function bookingZoneSummaries(db: Q, scope: Scope, f: RowFilter): Promise<ZoneSummary[]> {
  const rows = await scoped(db, scope, f)
    .select((eb) => [
      's.time_zone',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('s.starts_at').as('first_start'),
      eb.fn.max('s.ends_at').as('last_end'),
      eb.fn.max('b.updated_at').as('last_b'),
      eb.fn.max('s.updated_at').as('last_s'),
    ])
    .groupBy('s.time_zone')
    .orderBy('s.time_zone')
    .execute();
  return rows.map((r) => ({
    timeZone: r.time_zone,
    count: Number(r.n),
    firstStart: r.first_start,
    lastEnd: r.last_end,
    lastBookingChange: r.last_b,
    lastSessionChange: r.last_s,
  }));
}

/** The latest cancellation that has already dropped out of a feed (the feed changed when it left). */
export async function lastDroppedCancellation(db: Q, scope: Scope, cutoff: string): Promise<string | null> {
  const [booked, run] = await Promise.all([
    scoped(db, scope, { latestOnly: true })
      .where('b.status', '=', 'cancelled')
      .where('b.cancelled_at', '<=', cutoff)
      .select((eb) => eb.fn.max('b.cancelled_at').as('last'))
      .executeTakeFirst(),
    'userId' in scope && scope.trainer
      ? running(db, scope.userId, {}).where('s.status', '=', 'cancelled').where('s.updated_at', '<=', cutoff).select((eb) => eb.fn.max('s.updated_at').as('last')).executeTakeFirst()
      : undefined,
  ]);
  const last = [booked?.last, run?.last].filter((x): x is string => !!x).sort();
  return last[last.length - 1] ?? null;
}

/**
 * The sessions `userId` runs, by the one rule of who does (`runs`: named among its trainers,
 * account on, a trainer or administrator, or a lead still leading training for the
 * organisation it is for), that pass `f`: overlapping [from, to), and a cancelled one only
 * while it is newer than `cancelledAfter`. A cancelled session is never changed again, so its
 * `updated_at` is when it was cancelled. Read from the person's session_trainers rows (by
 * their index), each session by its key.
 */
function running(db: Q, userId: string, f: RowFilter) {
  let q = db
    .selectFrom('session_trainers as st')
    .innerJoin('sessions as s', 's.id', 'st.session_id')
    .where('st.user_id', '=', userId)
    .where(runs({ userId, table: 's' }));
  if (f.cancelledAfter) {
    const after = f.cancelledAfter;
    q = q.where((eb) => eb.or([eb('s.status', '<>', 'cancelled'), eb('s.updated_at', '>', after)]));
  }
  if (f.from) q = q.where('s.ends_at', '>', f.from);
  if (f.to) q = q.where('s.starts_at', '<', f.to);
  return q;
}

/**
 * Where a walk of the sessions a person runs is: its order (session ids, read with its first
 * page) and where in it the next page begins. Held in memory by the walk, never sent anywhere.
 */
export interface RunningCursor {
  order: { ids: string[]; next: number };
}

/**
 * One page of the sessions `userId` runs (`running`): the `limit` that begin at `cursor` in
 * the walk's order, (start, session id) as it was when the walk began. The first page reads
 * that order whole (the ids alone of the sessions the person runs, a trainer's few hundred or
 * thousand over the years), as a walk of bookings does (`calendarOrder`); each page then reads
 * its own rows by id, at most `limit` of them. Read by keyset on the live table instead, a
 * session moved while the feed streams (edited to another day) could be read on two pages
 * (one UID twice in one calendar) or on none. A session moved meanwhile keeps its place in
 * the walk and shows as it is now; one that no longer passes `f`, or that the person no
 * longer runs, is left out; one they run since is in the next walk (its feed was raised).
 */
export async function runningRowsPage(db: Q, userId: string, f: RowFilter, cursor: RunningCursor | null, limit: number): Promise<{ rows: RunningRow[]; next: RunningCursor | null }> {
  const order = cursor?.order ?? (await runningOrder(db, userId, f));
  const ids = order.ids.slice(order.next, order.next + limit);
  const end = order.next + ids.length;
  const next: RunningCursor | null = end < order.ids.length ? { order: { ids: order.ids, next: end } } : null;
  if (ids.length === 0) return { rows: [], next };
  const raw = await running(db, userId, f)
    .where(oneOf(kindOf(db), 's.id', ids))
    .select(['s.id', 's.title', 's.description', 's.mode', 's.starts_at', 's.ends_at', 's.time_zone', 's.venue', 's.status', 's.revision', 's.updated_at'])
    .execute();
  // In the order read when the walk began.
  const at = new Map(ids.map((id, i) => [id, i]));
  raw.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
  return {
    rows: raw.map((r) => ({
      running: true,
      userId,
      sessionId: r.id,
      title: r.title,
      description: r.description,
      mode: r.mode,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      timeZone: r.time_zone,
      venue: r.venue,
      sessionStatus: r.status,
      sessionRevision: Number(r.revision),
      sessionUpdatedAt: r.updated_at,
    })),
    next,
  };
}

/** The ids of the sessions `userId` runs (`running`) that pass `f`, in a walk's order (start, session id). */
async function runningOrder(db: Q, userId: string, f: RowFilter): Promise<RunningCursor['order']> {
  const keys = await running(db, userId, f).select('s.id').orderBy('s.starts_at').orderBy('s.id').execute();
  return { ids: keys.map((k) => k.id), next: 0 };
}

/** `zoneSummaries` of the sessions `userId` runs (`running`). */
async function runningZoneSummaries(db: Q, userId: string, f: RowFilter): Promise<ZoneSummary[]> {
  const rows = await running(db, userId, f)
    .select((eb) => ['s.time_zone', eb.fn.countAll<number>().as('n'), eb.fn.min('s.starts_at').as('first_start'), eb.fn.max('s.ends_at').as('last_end'), eb.fn.max('s.updated_at').as('last_s')])
    .groupBy('s.time_zone')
    .orderBy('s.time_zone')
    .execute();
  return rows.map((r) => ({ timeZone: r.time_zone, count: Number(r.n), firstStart: r.first_start, lastEnd: r.last_end, lastBookingChange: r.last_s, lastSessionChange: r.last_s }));
}

/** Adds a derived token's row, unless that token (or the same maker's same generation) is there already. */
export async function insertFeedTokenIfAbsent(db: Q, row: Database['calendar_feed_tokens']) {
  await db.insertInto('calendar_feed_tokens').values(row).onConflict((oc) => oc.doNothing()).execute();
}

/** The live derived tokens one person made for a feed (generation and hash), latest generation first. */
export function liveDerivedFeedTokens(db: Q, ownerKind: 'user' | 'org', ownerId: string, makerId: string) {
  return db
    .selectFrom('calendar_feed_tokens')
    .select(['generation', 'token_hash'])
    .where('owner_kind', '=', ownerKind)
    .where('owner_id', '=', ownerId)
    .where('created_by', '=', makerId)
    .where('generation', 'is not', null)
    .where('revoked_at', 'is', null)
    .orderBy('generation', 'desc')
    .execute() as Promise<{ generation: number; token_hash: string }[]>;
}

/** The latest generation any token of the feed has had (revoked ones included), or null. */
export async function lastFeedGeneration(db: Q, ownerKind: 'user' | 'org', ownerId: string): Promise<number | null> {
  const r = await db
    .selectFrom('calendar_feed_tokens')
    .select((eb) => eb.fn.max('generation').as('g'))
    .where('owner_kind', '=', ownerKind)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return r?.g === null || r?.g === undefined ? null : Number(r.g);
}

/** Is there a live token with this hash? */
export async function liveFeedTokenExists(db: Q, tokenHash: string): Promise<boolean> {
  return !!(await db.selectFrom('calendar_feed_tokens').select('id').where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst());
}

export async function revokeFeedTokens(db: Q, ownerKind: 'user' | 'org', ownerId: string, nowIso: string) {
  await db.updateTable('calendar_feed_tokens').set({ revoked_at: nowIso }).where('owner_kind', '=', ownerKind).where('owner_id', '=', ownerId).where('revoked_at', 'is', null).execute();
}

const liveFeedToken = prepared<{ tokenHash: string }>()((db, arg) =>
  db
    .selectFrom('calendar_feed_tokens as t')
    .leftJoin('users as u', (j) => j.on('t.owner_kind', '=', 'user').onRef('u.id', '=', 't.owner_id'))
    .leftJoin('calendar_feed_revisions as r', (j) => j.onRef('r.owner_kind', '=', 't.owner_kind').onRef('r.owner_id', '=', 't.owner_id'))
    // The person's organisation and its parent, by key: what they may see now (`feedViewer`), in this one read.
    .leftJoin('organisations as o1', 'o1.id', 'u.org_id')
    .leftJoin('organisations as o2', 'o2.id', 'o1.parent_id')
    .select([
      't.owner_kind', 't.owner_id', 't.created_by',
      'u.id as user_id', 'u.name as user_name', 'u.email as user_email', 'u.disabled_at as user_disabled_at', 'u.role as user_role', 'u.org_id as user_org_id',
      'o1.id as org_id', 'o1.parent_id as org_parent_id', 'o2.id as parent_id', 'o2.parent_id as parent_parent_id',
      'r.revision', 'r.changed_at', 'r.last_cancelled_at',
      // Whether the person is named to run any session (Scope's `trainer`): one probe of session_trainers' user index.
      (eb) => eb.exists(eb.selectFrom('session_trainers as st').select('st.user_id').whereRef('st.user_id', '=', 'u.id')).as('names_trainer'),
    ])
    .where('t.token_hash', '=', arg('tokenHash'))
    .where('t.revoked_at', 'is', null),
);

/**
 * A feed token that has not been revoked, with its owner (a person's feed: who they are now,
 * their organisation and its parent) and the feed's stored revision, in one read: asked on
 * every calendar poll, so prepared once.
 */
export function findLiveFeedToken(db: Q, tokenHash: string) {
  return liveFeedToken.first(db, { tokenHash });
}

type FeedTokenRow = NonNullable<Awaited<ReturnType<typeof findLiveFeedToken>>>;

/**
 * The viewer a person's own feed is read as (`viewerFor` of the person as they now are: the
 * rule My bookings reads by), from the token's row. Their organisation's chain is known from
 * the row's two organisations (a school and its trust, as organisations nest today); only a
 * chain that goes on past those is read (`orgChain`), so a poll stays one query.
 */
export async function feedViewer(db: Q, row: Pick<FeedTokenRow, 'user_id' | 'user_role' | 'user_org_id' | 'org_id' | 'org_parent_id' | 'parent_id' | 'parent_parent_id'>): Promise<Viewer> {
  const user = { id: row.user_id!, role: row.user_role!, orgId: row.user_org_id ?? null };
  const parentOf = new Map<string, string | null>();
  if (row.org_id) parentOf.set(row.org_id, row.org_parent_id ?? null);
  if (row.parent_id) parentOf.set(row.parent_id, row.parent_parent_id ?? null);
  return viewerFor(db, user, async (orgId) => {
    // As orgChain walks it: up through the organisations that exist, never round a loop.
    const chain: string[] = [];
    for (let next: string | null | undefined = orgId; next && !chain.includes(next) && chain.length < 10; next = parentOf.get(next)) {
      // Past the two read (organisations nested deeper than today's), the walk is read whole; anything else missing ends it.
      if (!parentOf.has(next)) return next === row.parent_parent_id ? orgChain(db, orgId) : chain;
      chain.push(next);
    }
    return chain;
  });
}

/** The names of these organisations, by id (the export's people's schools, a page's worth). */
export async function orgNames(db: Q, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('organisations').select(['id', 'name']).where(oneOf(db, 'id', ids)).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Of these offered bookings, those whose offer had run out at `nowIso`: they stay `offered`
 * until the sweep job passes the seat on, but no longer hold it.
 */
export async function lapsedOffers(db: Q, offeredIds: readonly string[], nowIso: string): Promise<Set<string>> {
  const rows = await db.selectFrom('bookings').select('id').where(oneOf(db, 'id', offeredIds)).where('status', '=', 'offered').where('offer_expires_at', '<=', nowIso).execute();
  return new Set(rows.map((r) => r.id));
}
