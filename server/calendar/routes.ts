/**
 * Calendar routes: invite downloads, subscription feeds and the office exports. The feed
 * itself is reached by its unguessable URL alone (calendar apps cannot sign in).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { ExportQuery, FeedUrl } from '../../shared/calendar.js';
import { Id, isDateOnly } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { rangeEdge } from '../platform/range.js';
import { disposition, jsonResponse, requireUser, router, type Env } from '../platform/http.js';
import { answerHoldsSecret } from '../platform/idempotency.js';
import * as calendar from './service.js';

/** A feed is shown, not saved, under one name. */
const FEED_DISPOSITION = disposition('calendar.ics', 'inline');

const Params = z.object({ id: Id });
const calendarBody = (description: string) => ({ description, content: { 'text/calendar': { schema: z.string() } } }) as const;
const ICS = 'text/calendar; charset=utf-8';
const FEED_FILE_MAX = 200;

/** What every answer about a feed's version says, 304 or 200. */
function feedHeaders(version: calendar.FeedVersion, now: Date): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: version.etag,
    'Cache-Control': 'private, no-cache',
    'X-Robots-Tag': 'noindex, nofollow',
    'Referrer-Policy': 'no-referrer',
  };
  const lastModified = calendar.lastModifiedHeader(version, now);
  if (lastModified) headers['Last-Modified'] = lastModified.toUTCString();
  return headers;
}

/** The feed's token from its file name (`<token>.ics`), or null when it is not one. */
const feedToken = (file: string | undefined) => (file && file.length <= FEED_FILE_MAX && file.endsWith('.ics') ? file.slice(0, -'.ics'.length) : null);

/**
 * A calendar polling a feed it already holds: every subscribed calendar asks every few
 * minutes to hours, so this is the commonest request the service gets. app.ts mounts this
 * ahead of the request id, security headers, sign-in and idempotency layers: when the feed's
 * kept version (calendar.feedForPolling: no read while nothing has changed) matches the
 * caller's If-None-Match or If-Modified-Since, the answer is a bare 304 with the headers a 200
 * would carry about the feed (RFC 9110 §15.4.5: a 304 has no body, so a page's security
 * headers say nothing). Anything else (no condition, a changed feed, an unknown or rotated
 * token, a fault) goes on to the full route below, which answers it as it always has.
 * Polls are logged like any request (app.ts), with the token left out of the path.
 */
export function feedPoll(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const ifNoneMatch = c.req.header('if-none-match');
    const ifModifiedSince = c.req.header('if-modified-since');
    const token = feedToken(c.req.param('file'));
    if ((!ifNoneMatch && !ifModifiedSince) || !token) return next();
    const now = deps.now();
    const found = await calendar.feedForPolling(deps, token, now).catch(() => null);
    if (!found || !calendar.notModified(found.version, ifNoneMatch, ifModifiedSince, now)) return next();
    return c.body(null, 304, feedHeaders(found.version, now));
  };
}

/** A path as logged: a feed's token is a password to the person's bookings, so it is not written. */
export const loggedPath = (path: string) => (path.startsWith('/api/calendar/feeds/') ? '/api/calendar/feeds/(token).ics' : path);

export function calendarRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/bookings/{id}/invite.ics',
      tags: ['calendar'],
      summary: 'Calendar invite for a booking with a seat: for its owner METHOD:REQUEST, or METHOD:CANCEL once cancelled; for an office of their organisation or an administrator, the event published (no METHOD: a copy that does not update, as the office export has it)',
      request: { params: Params },
      responses: {
        200: calendarBody('The invite'),
        404: { description: '`not_found`: no such booking, or not one the caller may see' },
        409: { description: '`conflict`: the booking is a place on the waiting list or a seat on offer, with no seat yet, so no invite (it is emailed once a seat is given)' },
      },
    }),
    async (c) => {
      const actor = requireUser(c);
      const invite = await calendar.bookingInvite(deps, actor, c.req.valid('param').id);
      return c.body(invite.content, 200, {
        'Content-Type': `text/calendar; charset=utf-8${invite.method ? `; method=${invite.method}` : ''}`,
        'Content-Disposition': disposition(invite.filename),
        'Cache-Control': 'private, no-store',
      });
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me/calendar', tags: ['calendar'], summary: 'My private subscription URL for my bookings and the sessions I run: the same URL on every call until I rotate it', responses: { 200: jsonResponse(FeedUrl, 'Feed URL') } }),
    async (c) => {
      const user = requireUser(c);
      c.header('Cache-Control', 'private, no-store');
      return c.json(await calendar.subscriptionUrl(deps, user, 'user', user.id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/me/calendar/rotate', tags: ['calendar'], summary: 'Kill every URL of my feed; the new URL (returned) is then the one GET gives', responses: { 200: jsonResponse(FeedUrl, 'The new feed URL') } }),
    async (c) => {
      const user = requireUser(c);
      c.header('Cache-Control', 'private, no-store');
      answerHoldsSecret(c); // the new feed URL
      return c.json(await calendar.rotateFeed(deps, user, 'user', user.id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/orgs/{id}/calendar', tags: ['calendar'], summary: 'A private subscription URL for every booking of the organisation’s staff (its office staff, admin): one per person asking, the same on every call until the feed is rotated, working while that person acts for the organisation', request: { params: Params }, responses: { 200: jsonResponse(FeedUrl, 'Feed URL') } }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      await calendar.requireOrgCalendarAccess(deps, actor, id);
      c.header('Cache-Control', 'private, no-store');
      return c.json(await calendar.subscriptionUrl(deps, actor, 'org', id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/orgs/{id}/calendar/rotate', tags: ['calendar'], summary: 'Kill every URL of the organisation’s feed (every office person’s); the new URL (returned) is then the one GET gives the caller', request: { params: Params }, responses: { 200: jsonResponse(FeedUrl, 'The new feed URL') } }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      await calendar.requireOrgCalendarAccess(deps, actor, id);
      c.header('Cache-Control', 'private, no-store');
      answerHoldsSecret(c); // the new feed URL
      return c.json(await calendar.rotateFeed(deps, actor, 'org', id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendar/feeds/{file}',
      tags: ['calendar'],
      summary: 'A subscription feed, by its private URL (`<token>.ics`); answers If-None-Match / If-Modified-Since with 304',
      request: { params: z.object({ file: z.string().max(FEED_FILE_MAX) }) },
      responses: { 200: calendarBody('The feed'), 304: { description: 'Not modified' } },
    }),
    async (c) => {
      const token = feedToken(c.req.valid('param').file);
      if (!token) throw new AppError('not_found', 'No such calendar feed.');
      const now = deps.now();
      // The version comes from the feed's stored revision: a calendar polling an unchanged
      // feed gets its 304 without a read of the events (nor, while nothing has changed, of the token).
      const { target, version } = await calendar.feedForPolling(deps, token, now);
      const filter = calendar.feedFilter(now);
      const headers = feedHeaders(version, now);
      if (calendar.notModified(version, c.req.header('if-none-match'), c.req.header('if-modified-since'), now)) return c.body(null, 304, headers);
      // The whole feed: its first page is read while its zones are worked out.
      const firstPage = calendar.readFirstPage(deps, target, filter);
      const plan = await calendar.planCalendar(deps, target, filter);
      return c.body(calendar.streamCalendar(deps, target, filter, plan, { refreshHours: 1, firstPage }), 200, { ...headers, 'Content-Type': ICS, 'Content-Disposition': FEED_DISPOSITION });
    },
  );

  async function orgExport(c: Context<Env>, id: string, q: ExportQuery) {
    const actor = requireUser(c);
    const org = await calendar.requireOrgCalendarAccess(deps, actor, id);
    const range = { from: rangeEdge(q.from, 'from'), to: rangeEdge(q.to, 'to') };
    // Named by the days asked for: a date as given, an instant by its UTC date.
    const part = [q.from && isDateOnly(q.from) ? q.from : range.from?.slice(0, 10), q.to && isDateOnly(q.to) ? q.to : range.to?.slice(0, 10)].filter(Boolean).join('-to-');
    // A trust's export holds its schools' staff's bookings too (calendar.exportScope), as its Who is booked where does.
    const scope = await calendar.exportScope(deps, actor, org.id);
    return { org, scope, range, filename: `bookings-${calendar.slug(org.name)}${part ? `-${part}` : ''}` };
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/bookings.ics',
      tags: ['calendar'],
      summary: 'Every booking of the organisation’s staff (a trust’s or local authority’s: its own staff’s and its schools’) overlapping from/to, as one calendar (its office staff, admin)',
      request: { params: Params, query: ExportQuery },
      responses: { 200: calendarBody('The calendar') },
    }),
    async (c) => {
      const { org, scope, range, filename } = await orgExport(c, c.req.valid('param').id, c.req.valid('query'));
      const target = { scope, name: `Training bookings: ${org.name}`, timeZone: org.time_zone };
      const filter = { latestOnly: true, ...range };
      const plan = await calendar.planCalendar(deps, target, filter);
      return c.body(calendar.streamCalendar(deps, target, filter, plan), 200, {
        'Content-Type': ICS,
        'Content-Disposition': disposition(`${filename}.ics`),
        'Cache-Control': 'private, no-store',
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/bookings.csv',
      tags: ['calendar'],
      summary: 'Every booking of the organisation’s staff (a trust’s or local authority’s: its own staff’s and its schools’, each row naming the person’s school) overlapping from/to, as a spreadsheet (UTF-8 CSV for Excel; seat, mode, status and audience as the API’s codes (`in_person`, `confirmed`, `programme`), which integrations read by column and value, then how each cancelled place ended (`how it ended`, in My bookings’ words) and the mode, seat and audience in words; its office staff, admin)',
      request: { params: Params, query: ExportQuery },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
    }),
    async (c) => {
      const { scope, range, filename } = await orgExport(c, c.req.valid('param').id, c.req.valid('query'));
      return c.body(calendar.streamBookingsCsv(deps, scope, range), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': disposition(`${filename}.csv`),
        'Cache-Control': 'private, no-store',
      });
    },
  );

  return app;
}
