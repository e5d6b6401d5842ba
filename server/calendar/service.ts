/**
 * Calendars: invite downloads, private subscription feeds (per person and per
 * organisation) and the office exports (ICS and CSV). Feeds and exports are streamed in
 * batches read by keyset, so a calendar of ten thousand events is never held whole. A
 * person's feed holds their bookings and, for someone who runs sessions, those sessions.
 */
import { createHash, randomUUID } from 'node:crypto';
import { perDatabase, type Deps } from '../platform/deps.js';
import { writeCsv } from '../platform/csv.js';
import { changeVersion } from '../platform/change-version.js';
import { ReadCache, type PageWindow } from '../platform/read-cache.js';
import type { AuthUser } from '../platform/http.js';
import { findOrg, findUserById } from '../accounts/repository.js';
import { audienceLabels, queuePositions, viewerFor } from '../bookings/repository.js';
import type { BookingStatus } from '../../db/schema.js';
import { mayActFor } from '../bookings/service.js';
import { READABLE_COLUMNS, readableCells } from '../bookings/bookings-csv.js';
import { orgAndSchoolsFor, orgsActableBy } from '../accounts/acting.js';
import { AppError } from '../errors.js';
import { calendarHead, calendarTail, renderEvents, renderInvite, renderPublishedBooking, type FeedRow } from './ics.js';
import { calendarContext } from './invites.js';
import * as repo from './repository.js';
import { deriveFeedToken, feedTokenSecret, hashFeedToken, type FeedOwnerKind } from './feed-tokens.js';
import type { FeedRevision } from './feed-revisions.js';
import { CANCELLED_FEED_RETENTION_DAYS, awaitingSeat, feedCancelledCutoff } from './rules.js';
import { localDateTime } from './timezones.js';

/** Rows read and rendered per batch while streaming. */
export const BATCH_SIZE = 2000;
/** Bump when the rendering changes, so every ETag changes with it. */
const FORMAT_VERSION = 8;

const base = (deps: Deps) => deps.config.publicUrl.replace(/\/+$/, '');

export interface FeedUrls {
  url: string;
  webcalUrl: string;
}

function feedUrls(deps: Deps, token: string): FeedUrls {
  const url = `${base(deps)}/api/calendar/feeds/${token}.ics`;
  return { url, webcalUrl: url.replace(/^https?:\/\//i, 'webcal://') };
}

/** The invite for one booking: its owner, office staff of the owner's organisation, admins. */
export async function bookingInvite(deps: Deps, actor: AuthUser, bookingId: string) {
  const row = await repo.calendarRowOfBooking(deps.db, bookingId);
  // Someone who may not see a booking learns nothing about it, not even that it exists.
  if (!row || !(await mayActFor(deps.db, actor, { id: row.userId, org_id: row.userOrgId }, row.sessionId))) throw new AppError('not_found', 'No such booking.');
  // A place in the queue or a seat on offer is sent no update and no CANCEL (rules.ts,
  // noticeInviteMethod): an event downloaded for it would stay, at a stale time, for good.
  // The invite comes by email with the seat. A cancelled booking still downloads its CANCEL.
  if (awaitingSeat(row.status)) {
    throw new AppError(
      'conflict',
      row.userId === actor.id
        ? 'You have no seat on this session yet, so there is no invite to add: it is emailed to you when you get a seat.'
        : `${row.userName} has no seat on this session yet, so there is no invite to add: it is emailed to them when they get a seat.`,
    );
  }
  const filename = inviteFilename(row.title, row.startsAt, row.timeZone);
  // The person's own invite (it takes the updates they are sent); for anyone else, a copy of the event.
  if (row.userId !== actor.id) return { method: null, content: renderPublishedBooking(row, calendarContext(deps)), filename };
  return { ...renderInvite(row, calendarContext(deps)), filename };
}

/** "understanding-autism-2026-02-10.ics": the session and its date in its own zone, so a download says what it is. */
export function inviteFilename(title: string, startsAt: string, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(startsAt)).map((x) => [x.type, x.value]));
  return `${slug(title) === 'organisation' ? 'session' : slug(title)}-${p.year}-${p.month}-${p.day}.ics`;
}

/** Office staff who act for that organisation (its own, or its trust's) and admins may read or manage its calendars. */
export async function requireOrgCalendarAccess(deps: Deps, actor: AuthUser, orgId: string) {
  if (!(await orgsActableBy(deps.db, actor)).has(orgId)) {
    throw new AppError('forbidden', 'Only office staff of this organisation or an administrator may do this.');
  }
  const org = await findOrg(deps.db, orgId);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  return org;
}

/**
 * An organisation's feed: its own staff's bookings, as `reader` may see them (on the sessions
 * they may see, repo.Scope). A trust's feed is not its schools' too, as its export is: each
 * school's booking would then raise the trust's stored revision as well (feed-revisions.ts),
 * one row every booking in every school of a large local authority would queue on; each
 * school has a feed of its own, and the Calendar page says so.
 */
export async function orgScope(deps: Deps, reader: Pick<AuthUser, 'id' | 'role' | 'orgId'>, orgId: string): Promise<repo.Scope> {
  return { orgIds: [orgId], viewer: await viewerFor(deps.db, reader) };
}

/**
 * An office export's bookings: the organisation's staff's and, a trust's or local authority's,
 * its schools' too (orgAndSchoolsFor), as Who is booked where lists them, on the sessions
 * `reader` may see. Asked after requireOrgCalendarAccess.
 */
export async function exportScope(deps: Deps, reader: AuthUser, orgId: string): Promise<repo.Scope> {
  const [orgIds, viewer] = await Promise.all([orgsActableBy(deps.db, reader).then((acting) => orgAndSchoolsFor(deps.db, acting, orgId)), viewerFor(deps.db, reader)]);
  return { orgIds, viewer };
}

/**
 * The caller's private subscription URL for an owner's feed: the same every time they ask,
 * until the feed is rotated. The token is derived (feed-tokens.ts) from the feed, the caller
 * and a generation, and only its hash is stored, so it is made again from the stored
 * generation. An organisation's feed has one URL per office person who asks (a feed works
 * only while its maker still acts for the organisation, see `feedByToken`).
 */
export async function subscriptionUrl(deps: Deps, actor: AuthUser, ownerKind: FeedOwnerKind, ownerId: string): Promise<FeedUrls> {
  const secret = await feedTokenSecret(deps);
  const derive = (generation: number) => deriveFeedToken(secret, ownerKind, ownerId, actor.id, generation);
  for (let attempt = 0; attempt < 3; attempt++) {
    // The feed's latest generation is read first: a request that finds no live token of its
    // own after another request made one (between the two reads) then finds that one, instead
    // of making the generation after it.
    const last = await repo.lastFeedGeneration(deps.db, ownerKind, ownerId);
    // A live row whose hash the token made again matches (one made under another secret,
    // before FEED_TOKEN_SECRET was set or changed, keeps working but cannot be shown).
    for (const row of await repo.liveDerivedFeedTokens(deps.db, ownerKind, ownerId, actor.id)) {
      const token = derive(row.generation);
      if (hashFeedToken(token) === row.token_hash) return feedUrls(deps, token);
    }
    // None: the next generation of the feed, later than any token it has had, so a rotated
    // token is never made again. Two requests racing here derive the same token and the
    // unique index keeps one row; both answers are that row's URL.
    const generation = (last ?? -1) + 1;
    const token = derive(generation);
    const tokenHash = hashFeedToken(token);
    await repo.insertFeedTokenIfAbsent(deps.db, {
      id: randomUUID(),
      token_hash: tokenHash,
      owner_kind: ownerKind,
      owner_id: ownerId,
      created_by: actor.id,
      generation,
      created_at: deps.now().toISOString(),
      revoked_at: null,
    });
    // Read back: the row kept may be another request's, or (a rotation in between) revoked.
    if (await repo.liveFeedTokenExists(deps.db, tokenHash)) return feedUrls(deps, token);
  }
  throw new Error('could not make a calendar feed token');
}

/** Kills every URL of the feed so far (every maker's) and gives the caller the next one. */
export async function rotateFeed(deps: Deps, actor: AuthUser, ownerKind: FeedOwnerKind, ownerId: string): Promise<FeedUrls> {
  await repo.revokeFeedTokens(deps.db, ownerKind, ownerId, deps.now().toISOString());
  return subscriptionUrl(deps, actor, ownerKind, ownerId);
}

export interface FeedTarget {
  scope: repo.Scope;
  /** A subscription feed's stored revision (absent for the office exports, which have no ETag). */
  revision?: FeedRevision;
  name: string;
  /** The zone whose VTIMEZONE a calendar with no events carries (an organisation's own zone). */
  timeZone?: string;
  /** What else shows in the events and has no change time of its own (the person's name). */
  fingerprint?: string;
}

/**
 * The feed behind a token, or a 404 for an unknown or rotated token. An organisation's feed
 * also dies when the person who made it may no longer read that organisation's bookings.
 */
export type SubscribedFeed = FeedTarget & { revision: FeedRevision };

export async function feedByToken(deps: Deps, token: string): Promise<SubscribedFeed> {
  const notFound = () => new AppError('not_found', 'No such calendar feed.');
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw notFound();
  const row = await repo.findLiveFeedToken(deps.db, hashFeedToken(token));
  if (!row) throw notFound();
  const revision = { revision: Number(row.revision ?? 0), changedAt: row.changed_at ?? null, lastCancelledAt: row.last_cancelled_at ?? null };
  if (row.owner_kind === 'user') {
    if (!row.user_id || row.user_disabled_at) throw notFound();
    // Someone named to run sessions reads those too (repo.Scope). The scope is part of the
    // ETag (feedVersion), so a calendar that subscribed before run sessions were in feeds
    // fetched them at its next poll, not at the next change. Their bookings are on the
    // sessions that exist for them as they now are (`viewer`, as My bookings reads them;
    // DESIGN.md invariant 12): part of the ETag too, so a move of the person, or of their
    // school out of its trust, is never answered 304 with the sessions they have left.
    const viewer = await repo.feedViewer(deps.db, row);
    const scope: repo.Scope = row.names_trainer ? { userId: row.user_id, trainer: true, viewer } : { userId: row.user_id, viewer };
    return { scope, revision, name: 'My training sessions', fingerprint: `${row.user_name}\n${row.user_email}` };
  }
  const [org, maker] = await Promise.all([findOrg(deps.db, row.owner_id), row.created_by ? findUserById(deps.db, row.created_by) : undefined]);
  // A feed works while the person who made it still acts for the organisation (accounts/acting.ts).
  const makerMay = maker && !maker.disabled_at && (await orgsActableBy(deps.db, { role: maker.role, orgId: maker.org_id })).has(row.owner_id);
  if (!org || !makerMay) throw notFound();
  // The feed shows what its maker may see, whoever holds its address.
  const scope = await orgScope(deps, { id: maker.id, role: maker.role, orgId: maker.org_id }, org.id);
  return { scope, revision, name: `Training bookings: ${org.name}`, timeZone: org.time_zone };
}

/** Feed filters: one event per UID; cancellations for 30 days. */
export const feedFilter = (now: Date): repo.RowFilter => ({ latestOnly: true, cancelledAfter: feedCancelledCutoff(now) });

export interface CalendarPlan {
  /** The zones of the calendar's events, each written once as a VTIMEZONE. */
  zones: string[];
  etag: string;
  /** When the content last changed, if it has any. */
  lastModified: Date | null;
}

/** What a streamed calendar will hold, read before streaming: its zones, ETag and Last-Modified. */
export async function planCalendar(deps: Deps, target: FeedTarget, filter: repo.RowFilter, droppedSince?: string): Promise<CalendarPlan> {
  const [summaries, dropped] = await Promise.all([
    repo.zoneSummaries(deps.db, target.scope, filter),
    droppedSince ? repo.lastDroppedCancellation(deps.db, target.scope, droppedSince) : Promise.resolve(null),
  ]);
  const zones = [...new Set(summaries.map((z) => z.timeZone))];
  let last = 0;
  for (const z of summaries) {
    last = Math.max(last, Date.parse(z.lastBookingChange), Date.parse(z.lastSessionChange));
  }
  // A cancellation leaving the feed changes it at the moment it leaves.
  if (dropped) last = Math.max(last, Date.parse(dropped) + CANCELLED_FEED_RETENTION_DAYS * 86_400_000);
  const ctx = { ...calendarContext(deps), reader: readerOf(target.scope) };
  const etag = createHash('sha256')
    .update(JSON.stringify([FORMAT_VERSION, target.name, target.fingerprint ?? null, ctx, summaries, dropped, filter.from ?? null, filter.to ?? null]))
    .digest('base64url')
    .slice(0, 32);
  return { zones, etag: `W/"${etag}"`, lastModified: last > 0 ? new Date(last) : null };
}

export interface FeedVersion {
  etag: string;
  /** When the content last changed, to the millisecond (`lastModifiedHeader` says what to send). */
  lastModified: Date | null;
}

/**
 * A subscription feed's ETag and Last-Modified from its stored revision (read with the
 * token), without reading its events: what a polling calendar's If-None-Match is checked
 * against. Besides the revision, a feed changes as time passes while cancellations are
 * leaving it (30 days after each): only then is the latest one gone read, a bounded read.
 */
export async function feedVersion(deps: Deps, target: SubscribedFeed, cancelledAfter: string): Promise<FeedVersion> {
  const rev = target.revision;
  let gone: string;
  let last = rev.changedAt ? Date.parse(rev.changedAt) : 0;
  if (!rev.lastCancelledAt) gone = 'none';
  else if (rev.lastCancelledAt <= cancelledAfter) {
    // Every cancellation has left; it changed when the latest one left.
    gone = `all ${rev.lastCancelledAt}`;
    last = Math.max(last, Date.parse(rev.lastCancelledAt) + CANCELLED_FEED_RETENTION_DAYS * 86_400_000);
  } else {
    const dropped = await repo.lastDroppedCancellation(deps.db, target.scope, cancelledAfter);
    gone = `some ${dropped}`;
    if (dropped) last = Math.max(last, Date.parse(dropped) + CANCELLED_FEED_RETENTION_DAYS * 86_400_000);
  }
  const etag = createHash('sha256')
    .update(JSON.stringify([FORMAT_VERSION, target.scope, rev.revision, rev.changedAt, gone, target.name, target.fingerprint ?? null, target.timeZone ?? null, calendarContext(deps)]))
    .digest('base64url')
    .slice(0, 32);
  return { etag: `W/"${etag}"`, lastModified: last > 0 ? new Date(last) : null };
}

/** Feeds as last looked up by token, with their version (platform/read-cache.ts): a polling calendar's 304 reads nothing. */
const polled = perDatabase(() => new ReadCache<{ target: SubscribedFeed; version: FeedVersion }>(20_000, 16 * 1024 * 1024));

/**
 * The feed a token opens and its version now, as `feedByToken` and `feedVersion` give them:
 * kept while nothing is committed and no cancellation is still leaving the feed (its version
 * turns with the clock then, so it is read each time). An unknown token is never kept.
 */
export async function feedForPolling(deps: Deps, token: string, now: Date): Promise<{ target: SubscribedFeed; version: FeedVersion }> {
  const version = await changeVersion(deps);
  return polled(deps).read(hashFeedToken(token), version, now.getTime(), async () => {
    const target = await feedByToken(deps, token);
    const found = { target, version: await feedVersion(deps, target, feedFilter(now).cancelledAfter!) };
    return { value: found, window: polledWindow(target.revision, now), bytes: 600 + target.name.length + (target.fingerprint?.length ?? 0) };
  });
}

/** While a feed's version stands with no write: for good once its last cancellation has left; not at all while one is leaving. */
function polledWindow(rev: SubscribedFeed['revision'], now: Date): PageWindow {
  if (!rev.lastCancelledAt) return { validFrom: -Infinity, validUntil: Infinity };
  const allGone = Date.parse(rev.lastCancelledAt) + CANCELLED_FEED_RETENTION_DAYS * 86_400_000;
  return allGone <= now.getTime() ? { validFrom: allGone, validUntil: Infinity } : { validFrom: now.getTime(), validUntil: now.getTime() };
}

/**
 * The Last-Modified to send `now`, if any: the last change's whole second, sent only once
 * that second has passed (RFC 9110 §8.8.2.2: a date in the second being answered is weak).
 * A change later in the same second would otherwise keep the same Last-Modified, and a
 * calendar polling with If-Modified-Since would be told 304 and keep the old event.
 */
export function lastModifiedHeader(version: FeedVersion, now: Date): Date | null {
  if (!version.lastModified) return null;
  const second = Math.floor(version.lastModified.getTime() / 1000) * 1000;
  return now.getTime() >= second + 1000 ? new Date(second) : null;
}

/** Does a conditional request already hold this version? If-None-Match wins over If-Modified-Since. */
export function notModified(plan: FeedVersion, ifNoneMatch: string | undefined, ifModifiedSince: string | undefined, now: Date): boolean {
  if (ifNoneMatch) {
    const opaque = (t: string) => t.trim().replace(/^W\//, '');
    return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(plan.etag));
  }
  const lastModified = lastModifiedHeader(plan, now);
  if (ifModifiedSince && lastModified) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  return false;
}

type Page<T, C> = { rows: T[]; next: C | null };

/**
 * Where a calendar's walk is: among its bookings (`repo.calendarRowsPage`), then, in a
 * person's feed who runs sessions, among those (`repo.runningRowsPage`; `runs: null` before
 * the first). Both walks read at most BATCH_SIZE rows a page.
 */
export type FeedCursor = { bookings: repo.Cursor } | { runs: repo.RunningCursor | null };
type CalendarPage = Page<FeedRow, FeedCursor>;

/** The page of a calendar at `cursor` (null: its first): its bookings, then the sessions its person runs. */
async function calendarPage(deps: Deps, scope: repo.Scope, filter: repo.RowFilter, cursor: FeedCursor | null): Promise<CalendarPage> {
  if (!cursor || 'bookings' in cursor) {
    const page = await repo.calendarRowsPage(deps.db, scope, filter, cursor?.bookings ?? null, BATCH_SIZE);
    const runsNext = 'userId' in scope && scope.trainer ? { runs: null } : null;
    return { rows: page.rows, next: page.next ? { bookings: page.next } : runsNext };
  }
  // Only a person's feed gets here (`runsNext` above).
  const page = await repo.runningRowsPage(deps.db, (scope as { userId: string }).userId, filter, cursor.runs, BATCH_SIZE);
  return { rows: page.rows, next: page.next ? { runs: page.next } : null };
}

/**
 * A read awaited later: marked handled now, so a failure while nobody awaits it yet (or
 * after the client has gone) is not an unhandled rejection. Whoever awaits it still sees it.
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Starts reading a calendar's first page now, to hand to `streamCalendar` later: the route
 * reads it while it works out the plan (ETag, zones), which PostgreSQL can do side by side.
 */
export function readFirstPage(deps: Deps, target: FeedTarget, filter: repo.RowFilter): Promise<CalendarPage> {
  return handled(calendarPage(deps, target.scope, filter, null));
}

/**
 * Reads page by page and hands each page to `render`; the stream ends with `tail`. The next
 * page is read while the current one renders (so PostgreSQL works on it in the meantime):
 * at most two pages are held at once.
 */
function pagedStream<T, C>(
  deps: Deps,
  head: string,
  tail: string,
  readPage: (cursor: C | null) => Promise<Page<T, C>>,
  render: (rows: T[]) => Promise<string> | string,
  firstPage?: Promise<Page<T, C>>,
) {
  const encoder = new TextEncoder();
  let pending: Promise<Page<T, C>> | null = firstPage ?? null;
  let started = false;
  let done = false;
  const read = (cursor: C | null) => handled(readPage(cursor));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          pending ??= read(null);
          controller.enqueue(encoder.encode(head));
          return;
        }
        const page = await pending!;
        pending = page.next && !done ? read(page.next) : null;
        if (page.rows.length) controller.enqueue(encoder.encode(await render(page.rows)));
        if (!page.next) {
          if (tail) controller.enqueue(encoder.encode(tail));
          controller.close();
        }
      } catch (e) {
        deps.logger.error('calendar stream failed', { error: String((e as Error)?.stack ?? e) });
        controller.error(e);
      }
    },
    cancel() {
      // The client went away: read no further pages.
      done = true;
    },
  });
}

/** Whose calendar a scope makes: a person's own, or an office's of its staff's bookings. */
const readerOf = (scope: repo.Scope): 'person' | 'office' => ('userId' in scope ? 'person' : 'office');

/** A whole calendar of `target`'s bookings (and, a person's, the sessions they run) passing `filter`, as a byte stream. */
export function streamCalendar(
  deps: Deps,
  target: FeedTarget,
  filter: repo.RowFilter,
  plan: CalendarPlan,
  opts: { refreshHours?: number; firstPage?: Promise<CalendarPage> } = {},
): ReadableStream<Uint8Array> {
  const ctx = { ...calendarContext(deps), reader: readerOf(target.scope) };
  return pagedStream(
    deps,
    calendarHead({ name: target.name, refreshHours: opts.refreshHours, emptyZone: target.timeZone }, plan.zones),
    calendarTail(),
    (cursor) => calendarPage(deps, target.scope, filter, cursor),
    (rows) => renderEvents(rows, ctx),
    opts.firstPage,
  );
}

export const CSV_COLUMNS = ['name', 'email', 'session title', 'start', 'end', 'time zone', 'mode', 'seat', 'venue', 'status', 'waitlist position', 'booked at', 'audience', 'organisation', ...READABLE_COLUMNS];

/**
 * Every booking (history included) of an organisation's staff (`scope`, see exportScope: a
 * trust's and its schools') overlapping the range, as CSV. Its columns keep their order and
 * their values the codes the API uses (mode, seat, status, audience), for spreadsheets and
 * integrations that read them by place or value; each person's organisation is a column added
 * after, then (bookings-csv.ts) how a cancelled place ended, in My bookings' words, and the
 * mode, seat and audience in words. An online seat has no venue, even on a hybrid session: the
 * person joins online.
 */
export function streamBookingsCsv(deps: Deps, scope: repo.Scope, filter: repo.RowFilter): ReadableStream<Uint8Array> {
  const head = writeCsv([CSV_COLUMNS], { bom: true });
  return pagedStream(
    deps,
    head,
    '',
    (cursor: repo.Cursor | null) => repo.calendarRowsPage(deps.db, scope, filter, cursor, BATCH_SIZE),
    async (rows) => {
      const [positions, audiences, lapsed, orgs] = await Promise.all([
        queuePositions(deps.db, rows.filter((r) => r.status === 'waitlisted').map((r) => ({ id: r.bookingId, sessionId: r.sessionId }))),
        audienceLabels(deps.db, rows.map((r) => r.sessionId)),
        lapsedOffers(deps, rows.filter((r) => r.status === 'offered').map((r) => r.bookingId)),
        repo.orgNames(deps.db, [...new Set(rows.map((r) => r.userOrgId).filter((id): id is string => id !== null))]),
      ]);
      const readable = await readableCells(deps.db, rows, lapsed);
      return writeCsv(
        rows.map((r) => [
          r.userName,
          r.userEmail,
          r.title,
          localDateTime(r.startsAt, r.timeZone),
          localDateTime(r.endsAt, r.timeZone),
          r.timeZone,
          r.mode,
          r.seat,
          r.seat === 'online' ? '' : (r.venue ?? ''),
          csvStatus(r, lapsed.has(r.bookingId)),
          positions.get(r.bookingId) ?? '',
          localDateTime(r.bookedAt, r.timeZone),
          audiences.get(r.sessionId) ?? 'programme',
          (r.userOrgId && orgs.get(r.userOrgId)) ?? '',
          ...(readable.get(r.bookingId) ?? []),
        ]),
      );
    },
  );
}

/** Of these offered bookings, those whose offer has run out by the server's clock (repo.lapsedOffers). */
async function lapsedOffers(deps: Deps, offeredIds: string[]): Promise<Set<string>> {
  return offeredIds.length === 0 ? new Set() : repo.lapsedOffers(deps.db, offeredIds, deps.now().toISOString());
}

/** A booking's status as the CSV says it: as the office's web list does (an offer run out is "offer expired"). */
function csvStatus(r: { status: BookingStatus; sessionStatus: string }, offerLapsed: boolean): string {
  const status = r.status === 'offered' && offerLapsed ? 'offer expired' : r.status;
  return r.sessionStatus === 'cancelled' && r.status !== 'cancelled' ? `${status} (session cancelled)` : status;
}

/** A filename fragment: letters, digits and dashes only. */
export function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'organisation'
  );
}
