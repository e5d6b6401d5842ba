import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { TimetableRules } from './clash.js';
import { prepared } from '../../db/prepared.js';
import { trainerRuns, visibleTo, type Viewer } from '../bookings/repository.js';

type Q = Kysely<Database> | Transaction<Database>;

const timetableOfOne = prepared<{ userId: string }>()((db, arg) => db.selectFrom('timetables').select('user_id').where('user_id', '=', arg('userId')));

/** Whether any of these people has a timetable. */
export async function anyTimetable(db: Q, userIds: string[]): Promise<boolean> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return false;
  if (ids.length === 1) return (await timetableOfOne.first(db, { userId: ids[0]! })) !== undefined;
  return (await db.selectFrom('timetables').select('user_id').where('user_id', 'in', ids).limit(1).execute()).length > 0;
}

/** Which of these people have a timetable. */
export async function timetableOwners(db: Q, userIds: readonly string[]): Promise<Set<string>> {
  const rows = userIds.length === 1 ? await timetableOfOne.all(db, { userId: userIds[0]! }) : await db.selectFrom('timetables').select('user_id').where('user_id', 'in', userIds).execute();
  return new Set(rows.map((r) => r.user_id));
}

export type TimetableRow = Database['timetables'];

export function findTimetable(db: Q, userId: string) {
  return db.selectFrom('timetables').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export interface TimetableHead {
  source: TimetableRow['source'];
  timeZone: string;
  subscriptionUrl: string | null;
  lastFetchedAt: string | null;
  nextFetchAt: string | null;
  updatedBy: string | null;
  updatedAt: string;
  lockWith?: 'sqlite' | 'postgres';
}

/** Replaces a person's whole timetable (head and every period). Call inside a transaction. */
export async function replaceTimetable(trx: Transaction<Database>, userId: string, head: TimetableHead, rules: Pick<TimetableRules, 'weekly' | 'dated' | 'freeDays'>) {
  // Two uploads for one person at once take turns on the person's row (PostgreSQL; SQLite
  // runs one writer at a time anyway), so neither trips over the other's new rows.
  if (head.lockWith === 'postgres') await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
  await trx.deleteFrom('timetable_periods').where('user_id', '=', userId).execute();
  await trx.deleteFrom('timetables').where('user_id', '=', userId).execute();
  await trx
    .insertInto('timetables')
    .values({
      user_id: userId,
      source: head.source,
      time_zone: head.timeZone,
      subscription_url: head.subscriptionUrl,
      last_fetched_at: head.lastFetchedAt,
      last_error: null,
      next_fetch_at: head.nextFetchAt,
      locked_until: null,
      updated_by: head.updatedBy,
      updated_at: head.updatedAt,
    })
    .execute();
  const empty = { day: null, week: null, start_time: null, end_time: null, starts_at: null, ends_at: null, date_from: null, date_to: null };
  const rows: Database['timetable_periods'][] = [
    ...rules.weekly.map((p) => ({ ...empty, id: randomUUID(), user_id: userId, kind: 'weekly' as const, label: p.label, day: p.day, week: p.week, start_time: p.start, end_time: p.end })),
    ...rules.dated.map((p) => ({ ...empty, id: randomUUID(), user_id: userId, kind: 'dated' as const, label: p.label, starts_at: p.startsAt, ends_at: p.endsAt })),
    ...rules.freeDays.map((p) => ({ ...empty, id: randomUUID(), user_id: userId, kind: 'free' as const, label: p.label, date_from: p.from, date_to: p.to })),
  ];
  // Bounded batches keep under both databases' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('timetable_periods').values(rows.slice(i, i + 200)).execute();
}

export async function deleteTimetable(trx: Q, userId: string) {
  await trx.deleteFrom('timetable_periods').where('user_id', '=', userId).execute();
  await trx.deleteFrom('timetables').where('user_id', '=', userId).execute();
}

/** What another person sees in place of the title of an event in a calendar someone linked themselves (withheldLabels). */
export const WITHHELD_LABEL = 'Busy';

/**
 * Whether the titles in a timetable are the person's own business: a calendar (an ICS file or
 * a calendar link) they gave themselves may be their personal one ("GP appointment"), so
 * anyone else (their school office, an administrator) sees its events' times, not their
 * titles. A spreadsheet is a timetable by its nature, and a calendar the office gave is the
 * school's: their lesson names are shown.
 */
export const withheldLabels = (head: { user_id: string; source: string; updated_by: string | null }, seenBy: SeenBy) =>
  (head.source === 'ics' || head.source === 'subscription') && head.updated_by === head.user_id && seenBy !== head.user_id && seenBy !== EACH_THEIR_OWN;

/** Timetables read for each of their people about their own (a batch of emails, each to its person): every title shown. */
export const EACH_THEIR_OWN = Symbol('each person their own timetable');

/** Who is reading timetables: a person's id, each person their own (EACH_THEIR_OWN), or null for someone other than any of their people. */
export type SeenBy = string | null | typeof EACH_THEIR_OWN;

/** Which of `userIds` have a timetable whose titles anyone else sees withheld (withheldLabels). */
export async function withholdingLabels(db: Q, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const heads = await db.selectFrom('timetables').select(['user_id', 'source', 'updated_by']).where('user_id', 'in', [...new Set(userIds)]).execute();
  return new Set(heads.filter((h) => withheldLabels(h, null)).map((h) => h.user_id));
}

/**
 * The timetables (zone, weekly lessons, free days, and dated periods overlapping
 * [from, to)) of several people, in three queries, as `seenBy` may see them: the titles of a
 * calendar someone linked themselves are withheld from everyone else (withheldLabels), each
 * period then named WITHHELD_LABEL and each closed day left unnamed (''). Without `seenBy`,
 * as someone other than any of them.
 */
export async function loadRules(db: Q, userIds: string[], range?: { from: string; to: string }, seenBy: SeenBy = null): Promise<Map<string, Omit<TimetableRules, 'weekAStart'>>> {
  const out = new Map<string, Omit<TimetableRules, 'weekAStart'>>();
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return out;
  const heads = await db.selectFrom('timetables').select(['user_id', 'time_zone', 'source', 'updated_by']).where('user_id', 'in', ids).execute();
  for (const h of heads) out.set(h.user_id, { timeZone: h.time_zone, weekly: [], dated: [], freeDays: [] });
  if (heads.length === 0) return out;
  const withheld = new Set(heads.filter((h) => withheldLabels(h, seenBy)).map((h) => h.user_id));
  const label = (userId: string, text: string, closedDay = false) => (withheld.has(userId) ? (closedDay ? '' : WITHHELD_LABEL) : text);
  const withTt = heads.map((h) => h.user_id);
  let dated = db.selectFrom('timetable_periods').select(['user_id', 'label', 'starts_at', 'ends_at']).where('user_id', 'in', withTt).where('kind', '=', 'dated');
  if (range) dated = dated.where('starts_at', '<', range.to).where('ends_at', '>', range.from);
  const [others, datedRows] = await Promise.all([
    db.selectFrom('timetable_periods').selectAll().where('user_id', 'in', withTt).where('kind', 'in', ['weekly', 'free']).execute(),
    dated.orderBy('starts_at').execute(),
  ]);
  for (const r of others) {
    const t = out.get(r.user_id)!;
    if (r.kind === 'weekly') t.weekly.push({ day: r.day!, start: r.start_time!, end: r.end_time!, week: r.week, label: label(r.user_id, r.label) });
    else t.freeDays.push({ from: r.date_from!, to: r.date_to!, label: label(r.user_id, r.label, true) });
  }
  for (const r of datedRows) out.get(r.user_id)!.dated.push({ startsAt: r.starts_at!, endsAt: r.ends_at!, label: label(r.user_id, r.label) });
  for (const t of out.values()) {
    t.weekly.sort((a, b) => a.day - b.day || a.start.localeCompare(b.start) || (a.week ?? '').localeCompare(b.week ?? ''));
    t.freeDays.sort((a, b) => a.from.localeCompare(b.from));
  }
  return out;
}

export async function countPeriods(db: Q, userId: string) {
  const rows = await db
    .selectFrom('timetable_periods')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', '=', userId)
    .groupBy('kind')
    .execute();
  const n = (k: string) => Number(rows.find((r) => r.kind === k)?.n ?? 0);
  return { weekly: n('weekly'), dated: n('dated'), freeDays: n('free') };
}

/** People (with org settings) by id. */
export function usersWithOrg(db: Q, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users as u')
    .leftJoin('organisations as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.org_id', 'u.disabled_at', 'o.settings', 'o.time_zone as org_time_zone'])
    .where('u.id', 'in', ids)
    .execute();
}

export function usersByEmail(db: Q, emails: string[]) {
  if (emails.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(['id', 'email', 'name', 'role', 'org_id', 'disabled_at']).where('email', 'in', emails).execute();
}

export function findOrgSettings(db: Q, orgId: string) {
  return db.selectFrom('organisations').select(['id', 'settings', 'time_zone']).where('id', '=', orgId).executeTakeFirst();
}

/** Subscriptions of accounts not turned off that are due a refresh and that no process holds; each is claimed until `lockUntil`. */
export async function claimDueSubscriptions(db: Q, nowIso: string, lockUntil: string, limit: number) {
  const due = await db
    .selectFrom('timetables')
    // A turned-off account's calendar is not fetched: it stays due, and is fetched at the
    // first pass after the account is turned on again.
    .innerJoin('users', 'users.id', 'timetables.user_id')
    .select(['timetables.user_id', 'timetables.subscription_url', 'timetables.locked_until'])
    .where('timetables.source', '=', 'subscription')
    .where('timetables.next_fetch_at', '<=', nowIso)
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('timetables.locked_until', 'is', null), eb('timetables.locked_until', '<', nowIso)]))
    .orderBy('timetables.next_fetch_at')
    .limit(limit)
    .execute();
  const claimed: { userId: string; url: string }[] = [];
  for (const d of due) {
    // Compare-and-set on the lock: only one process wins each row.
    let q = db.updateTable('timetables').set({ locked_until: lockUntil }).where('user_id', '=', d.user_id).where('source', '=', 'subscription');
    q = d.locked_until === null ? q.where('locked_until', 'is', null) : q.where('locked_until', '=', d.locked_until);
    const res = await q.executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1 && d.subscription_url) claimed.push({ userId: d.user_id, url: d.subscription_url });
  }
  return claimed;
}

/**
 * A refresh that failed: its error and when to try again. `last_fetched_at` stays when the
 * calendar was last read, so the page's "last fetched" says how old the timetable in use is.
 */
export async function recordFetchFailure(db: Q, userId: string, url: string, error: string, nextIso: string) {
  await db
    .updateTable('timetables')
    .set({ last_error: error.slice(0, 500), next_fetch_at: nextIso, locked_until: null })
    .where('user_id', '=', userId)
    .where('subscription_url', '=', url)
    .execute();
}

/**
 * Active bookings (confirmed, offered while the offer stands, waitlisted) of a person, or of an organisation's
 * people, on the sessions `viewer` (who reads them: a person their own, as they now are) may
 * see (DESIGN.md invariant 12), with their sessions.
 */
export function activeBookings(db: Q, f: ({ userId: string; viewer: Viewer } | { orgId: string; viewer: Viewer }) & { from?: string; to?: string; now: string }, max = 20_000) {
  let q = db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select([
      'b.id as booking_id', 'b.status', 'b.seat', 'b.user_id',
      'u.name as user_name', 'u.email as user_email', 'u.org_id',
      's.id as session_id', 's.title', 's.mode', 's.starts_at', 's.ends_at', 's.venue',
    ])
    .where('b.status', 'in', ['confirmed', 'offered', 'waitlisted'])
    // An offer whose time has run out (before the sweep passes the seat on) is no place to cover.
    .where((eb) => eb.or([eb('b.status', '<>', 'offered'), eb('b.offer_expires_at', 'is', null), eb('b.offer_expires_at', '>', f.now)]))
    .where('s.status', '=', 'scheduled');
  q = ('userId' in f ? q.where('b.user_id', '=', f.userId) : q.where('u.org_id', '=', f.orgId)).where(visibleTo(f.viewer, 's'));
  if (f.from) q = q.where('s.ends_at', '>', f.from);
  if (f.to) q = q.where('s.starts_at', '<', f.to);
  return q.orderBy('s.starts_at').orderBy('u.name').orderBy('b.id').limit(max).execute();
}

/**
 * The sessions (scheduled, not cancelled) an organisation's people deliver, one row per
 * person and session, among the sessions `viewer` may see (DESIGN.md invariant 12), soonest
 * first and then by name, as `activeBookings` lists bookings. Only those who run a session now count (`trainerRuns`):
 * someone still named on it after they stopped leading, or whose account was turned off, is
 * not going to be there, and the session is listed as needing a trainer instead.
 */
export function sessionsDeliveredBy(db: Q, f: { orgId: string; viewer: Viewer; from?: string; to?: string }, max = 20_000) {
  let q = db
    .selectFrom('session_trainers as st')
    .innerJoin('sessions as s', 's.id', 'st.session_id')
    .innerJoin('users as u', 'u.id', 'st.user_id')
    .select(['st.user_id', 'u.name as user_name', 'u.email as user_email', 's.id as session_id', 's.title', 's.mode', 's.starts_at', 's.ends_at', 's.venue'])
    .where('u.org_id', '=', f.orgId)
    .where('s.status', '=', 'scheduled')
    .where(trainerRuns('u', 's'))
    .where(visibleTo(f.viewer, 's'));
  if (f.from) q = q.where('s.ends_at', '>', f.from);
  if (f.to) q = q.where('s.starts_at', '<', f.to);
  return q.orderBy('s.starts_at').orderBy('u.name').orderBy('s.id').limit(max).execute();
}
