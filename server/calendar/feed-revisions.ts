/**
 * Stored feed revisions (a repository). Every subscription feed (a person's, an
 * organisation's) has a revision that is raised in the same transaction as any change that
 * alters what the feed shows: a booking made, moved, cancelled, offered, confirmed or marked
 * attended; a session edited or cancelled; a person moved to another organisation. A
 * calendar polling its feed with If-None-Match is then answered from this one row.
 *
 * The writers call `raiseFeeds` from the lowest level that changes those rows (the booking
 * and session repositories), so a new caller of those cannot forget it.
 */
import { sql, type CompiledQuery, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { kindOf, oneOf, prepared, runIn, type Statement, type WriteBatch } from '../../db/prepared.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Whose feeds a change alters: people by id, the people of bookings, or everyone ever booked on a session. */
export type FeedPeople = { userIds: readonly string[] } | { bookingIds: readonly string[] } | { sessionId: string };

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
  }
  return raising(who, nowIso, cancelledAt);
}

/** PostgreSQL: the feeds of people named by id raised (feedsRaised), built and compiled once. */
const feedsOfPeopleRaised = prepared<{ userIds: string[]; now: string; cancelledAt: string | null }>()((db, arg) => ({
  compile: () => raising(oneOf('postgres', 'u.id', arg('userIds')), arg('now'), arg('cancelledAt')).compile(db),
}));

/** Raises the feeds of the people `who` picks (as `u`), and of their organisations. */
function raising(who: RawBuilder<unknown>, nowIso: unknown, cancelledAt: unknown) {
  return sql`insert into calendar_feed_revisions (owner_kind, owner_id, revision, changed_at, last_cancelled_at)
    select t.k, t.id, 1, cast(${nowIso} as text), cast(${cancelledAt} as text) from (
      select 'user' as k, u.id as id from users u where ${who}
      union
      select 'org' as k, u.org_id as id from users u where ${who} and u.org_id is not null
    ) t where true
    order by t.k, t.id
    on conflict (owner_kind, owner_id) do update set
      revision = calendar_feed_revisions.revision + 1,
      changed_at = excluded.changed_at,
      last_cancelled_at = case
        when excluded.last_cancelled_at is null then calendar_feed_revisions.last_cancelled_at
        when calendar_feed_revisions.last_cancelled_at is null or excluded.last_cancelled_at > calendar_feed_revisions.last_cancelled_at then excluded.last_cancelled_at
        else calendar_feed_revisions.last_cancelled_at
      end`;
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
