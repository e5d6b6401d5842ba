/**
 * Stored feed revisions (a repository). Every subscription feed (a person's, an
 * organisation's) has a revision that is raised in the same transaction as any change that
 * alters what the feed shows: a booking made, moved, cancelled, offered, confirmed or marked
 * attended; a session edited or cancelled; a person moved to another organisation; who runs
 * a session (a person's own feed holds the sessions they run). A calendar polling its feed
 * with If-None-Match is then answered from this one row.
 *
 * The writers call `raiseFeeds` (and `raiseRunnerFeeds`) from the lowest level that changes
 * those rows (the booking and session repositories), so a new caller of those cannot forget it.
 */
import { sql, type CompiledQuery, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { kindOf, oneOf, prepared, runIn, type Statement, type WriteBatch } from '../../db/prepared.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Whose feeds a change alters: people by id, the people of bookings, or everyone on a
 * session: everyone ever booked on it, and (their own feeds) everyone named to run it, and
 * `runners`, who are to run it after the change (named in the same transaction, after this:
 * raised here too, so that every row the change takes is taken in one statement, in one key
 * order; two edits each naming the other's trainer could otherwise deadlock).
 */
export type FeedPeople = { userIds: readonly string[] } | { bookingIds: readonly string[] } | { sessionId: string; runners?: readonly string[] };

/**
 * Raises the feed revision of each person named and of each of their organisations, once
 * each. `cancelledAt`: the change cancelled bookings at that instant (the feed keeps showing
 * them for 30 days, so it changes again as they leave). Rows are taken in key order, so two
 * transactions raising the same feeds (an organisation's, under a rush) cannot deadlock.
 */
export async function raiseFeeds(trx: Q, people: FeedPeople, nowIso: string, cancelledAt: string | null = null): Promise<void> {
  const q = feedsRaised(trx, people, nowIso, cancelledAt);
  if (q) await runIn(trx, q);
}

/**
 * Whose own feeds a change of who runs what alters (only their own: an organisation's feed
 * holds its staff's bookings, not the sessions anyone runs): people by id (named on a session
 * or taken off it, made a lead or no longer one, an account turned off or on), or, when an
 * organisation moves to another trust (which leads run which in-house sessions follows the
 * trust: bookings/repository.ts, `runs`), everyone named on a session for it and every member
 * of it named on any session; and then the organisation's own feed too, whose maker sees its
 * staff's bookings by the sessions visible to them (`visibleTo`), which follow its trust.
 */
export type Runners = { userIds: readonly string[] } | { movedOrgId: string };

/**
 * Raises the own feeds of `runners`, once each, in one statement, in key order (as
 * `raiseFeeds`: an organisation's before people's). A school moving trust raises these before
 * its places given up raise any feed (theirs and its own, one booking at a time, after this):
 * a writer raising two of these feeds in one statement meanwhile (an edit of a session two of
 * them run) then meets the move at the first row they share, rather than holding one while
 * the move, holding the other (raised when a place of theirs was given up), waits for it.
 */
export async function raiseRunnerFeeds(trx: Q, runners: Runners, nowIso: string): Promise<void> {
  let owners;
  if ('userIds' in runners) {
    if (runners.userIds.length === 0) return;
    owners = sql`select 'user' as k, u.id as id from users u where ${oneOf(kindOf(trx), 'u.id', [...new Set(runners.userIds)])}`;
  } else {
    const org = runners.movedOrgId;
    owners = sql`select 'org' as k, o.id as id from organisations o where o.id = ${org}
      union select 'user' as k, st.user_id as id from session_trainers st inner join sessions s on s.id = st.session_id where s.audience_org_id = ${org}
      union select 'user' as k, u.id as id from users u where u.org_id = ${org} and exists (select 1 from session_trainers st where st.user_id = u.id)`;
  }
  await sql`insert into calendar_feed_revisions (owner_kind, owner_id, revision, changed_at, last_cancelled_at)
    select t.k, t.id, 1, cast(${nowIso} as text), cast(null as text) from (${owners}) t where true
    order by t.k, t.id
    ${onRaise}`.execute(trx);
}

/** Raises an organisation's own feed alone: what it shows of itself changed (its name, its time zone), not anyone's bookings. */
export async function raiseOrgFeed(trx: Q, orgId: string, nowIso: string): Promise<void> {
  await sql`insert into calendar_feed_revisions (owner_kind, owner_id, revision, changed_at, last_cancelled_at)
    values ('org', ${orgId}, 1, cast(${nowIso} as text), null)
    on conflict (owner_kind, owner_id) do update set revision = calendar_feed_revisions.revision + 1, changed_at = excluded.changed_at`.execute(trx);
}

/** `raiseFeeds` of people named by id, as one of `writes` (PostgreSQL sends it with the others). */
export async function raiseFeedsWith(writes: WriteBatch, userIds: readonly string[], nowIso: string): Promise<void> {
  const q = feedsRaised(writes.trx, { userIds }, nowIso, null);
  if (q) await writes.add(q);
}

/** The statement that raises those feeds, or null when nobody is named. */
function feedsRaised(db: Q, people: FeedPeople, nowIso: string, cancelledAt: string | null): Statement | CompiledQuery | null {
  const kind = kindOf(db);
  let who;
  if ('userIds' in people) {
    if (people.userIds.length === 0) return null;
    const userIds = [...new Set(people.userIds)];
    // On PostgreSQL one array parameter, so the statement's text (which it plans) does not
    // grow with the batch, and is built and compiled once (every booking batch raises feeds).
    if (kind === 'postgres') return feedsOfPeopleRaised.compiled(db, { userIds, now: nowIso, cancelledAt });
    who = oneOf(kind, 'u.id', userIds);
  } else if ('bookingIds' in people) {
    if (people.bookingIds.length === 0) return null;
    who = sql`u.id in (select b.user_id from bookings b where ${oneOf(kind, 'b.id', [...new Set(people.bookingIds)])})`;
  } else {
    who = sql`u.id in (select b.user_id from bookings b where b.session_id = ${people.sessionId})`;
    // Its trainers' own feeds hold it too (not their organisations': those hold bookings).
    // Only changes of a session (edits, its cancellation) name it here, never a booking.
    const named = sql`select st.user_id from session_trainers st where st.session_id = ${people.sessionId}`;
    const runners = people.runners?.length ? sql`${named} union select u.id as user_id from users u where ${oneOf(kind, 'u.id', [...new Set(people.runners)])}` : named;
    return raising(who, nowIso, cancelledAt, runners);
  }
  return raising(who, nowIso, cancelledAt);
}

/** PostgreSQL: the feeds of people named by id raised (feedsRaised), built and compiled once. */
const feedsOfPeopleRaised = prepared<{ userIds: string[]; now: string; cancelledAt: string | null }>()((db, arg) => ({
  compile: () => raising(oneOf('postgres', 'u.id', arg('userIds')), arg('now'), arg('cancelledAt')).compile(db),
}));

/** A raised feed's row: its revision up by one, changed now, its latest cancellation kept or moved on. */
const onRaise = sql`on conflict (owner_kind, owner_id) do update set
      revision = calendar_feed_revisions.revision + 1,
      changed_at = excluded.changed_at,
      last_cancelled_at = case
        when excluded.last_cancelled_at is null then calendar_feed_revisions.last_cancelled_at
        when calendar_feed_revisions.last_cancelled_at is null or excluded.last_cancelled_at > calendar_feed_revisions.last_cancelled_at then excluded.last_cancelled_at
        else calendar_feed_revisions.last_cancelled_at
      end`;

/**
 * Raises the feeds of the people `who` picks (as `u`), and of their organisations; and the
 * own feeds of the people `ownOnly` selects (one column of user ids), in the same statement,
 * so every row is taken in one key order.
 */
function raising(who: RawBuilder<unknown>, nowIso: unknown, cancelledAt: unknown, ownOnly?: RawBuilder<unknown>) {
  const own = ownOnly ? sql`union select 'user' as k, o.user_id as id from (${ownOnly}) o` : sql``;
  return sql`insert into calendar_feed_revisions (owner_kind, owner_id, revision, changed_at, last_cancelled_at)
    select t.k, t.id, 1, cast(${nowIso} as text), cast(${cancelledAt} as text) from (
      select 'user' as k, u.id as id from users u where ${who}
      union
      select 'org' as k, u.org_id as id from users u where ${who} and u.org_id is not null
      ${own}
    ) t where true
    order by t.k, t.id
    ${onRaise}`;
}

export interface FeedRevision {
  revision: number;
  changedAt: string | null;
  lastCancelledAt: string | null;
}

const revisionRow = prepared<{ kind: 'user' | 'org'; id: string }>()((db, arg) =>
  db.selectFrom('calendar_feed_revisions').select(['revision', 'changed_at', 'last_cancelled_at']).where('owner_kind', '=', arg('kind')).where('owner_id', '=', arg('id')),
);

/** A feed's stored revision (one primary-key read); a feed nothing has changed yet is at 0. */
export async function feedRevision(db: Q, kind: 'user' | 'org', id: string): Promise<FeedRevision> {
  const r = await revisionRow.first(db, { kind, id });
  return { revision: Number(r?.revision ?? 0), changedAt: r?.changed_at ?? null, lastCancelledAt: r?.last_cancelled_at ?? null };
}
