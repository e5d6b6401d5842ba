import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Id } from '../../shared/common.js';
import { ClashList, CoverQuery, CoverReport, OrgUploadResult, SubscriptionInput, Timetable, TimetableQuery } from '../../shared/timetables.js';
import type { Deps } from '../platform/deps.js';
import { disposition, jsonBody, jsonResponse, requireRole, requireUser, router, type Env } from '../platform/http.js';
import { TIMETABLE_LIMITS } from './limits.js';
import * as timetables from './service.js';

const Params = z.object({ id: Id });

const fileBody = {
  required: true,
  description: 'An ICS calendar (text/calendar: RRULE, EXDATE, TZID; all-day events are days the school is closed) or a CSV (text/csv: day,start,end with optional label,week)',
  content: { 'text/calendar': { schema: z.string() }, 'text/csv': { schema: z.string() } },
} as const;

const { subscriptions, uploads } = TIMETABLE_LIMITS;
const underWay = 'while a timetable file or calendar this account sent is still being read (one at a time)';
const uploadLimited = { description: `\`rate_limited\`, with \`Retry-After\`, nothing changed: ${underWay}, or past ${uploads.perPerson} files an hour uploaded to this person’s timetable or ${uploads.byOneAccount} from this account (a refused file does not count)` };
const linkLimited = { description: `\`rate_limited\`, with \`Retry-After\`, nothing changed: ${underWay}, or past ${subscriptions.perPerson} links or refreshes an hour of this person’s calendar or ${subscriptions.byOneAccount} from this account (each fetch tried counts)` };
const orgUploadLimited = { description: `\`rate_limited\`, with \`Retry-After\`, nothing changed: ${underWay}, or past ${uploads.byOneAccount} timetable files an hour from this account (a refused file does not count)` };

const read = async (c: Context<Env>) => {
  const type = c.req.header('content-type');
  return { type, body: timetables.uploadText(type, new Uint8Array(await c.req.arrayBuffer())) };
};

/**
 * Timetable routes. Subscriptions reach the network only through server/platform/outbound.ts
 * (local test servers are allowed with the config's `outbound.allow`, OUTBOUND_ALLOW).
 */
export function timetableRoutes(deps: Deps) {
  const app = router();

  // ---- own timetable
  app.openapi(
    createRoute({ method: 'get', path: '/me/timetable', tags: ['timetables'], summary: 'My timetable (weekly lessons; dated lessons and closed days in ?from&to); an empty one (source null) when I have none', request: { query: TimetableQuery }, responses: { 200: jsonResponse(Timetable, 'The timetable') } }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await timetables.getTimetable(deps, user, user.id, c.req.valid('query'), { emptyWhenNone: true }), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'put', path: '/me/timetable', tags: ['timetables'], summary: 'Replace my timetable with an ICS or CSV file; a file with any bad line changes nothing', request: { body: fileBody }, responses: { 200: jsonResponse(Timetable, 'The new timetable'), 429: uploadLimited } }),
    async (c) => {
      const user = requireUser(c);
      const { type, body } = await read(c);
      return c.json(await timetables.replaceFromUpload(deps, user, user.id, type, body), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/me/timetable', tags: ['timetables'], summary: 'Clear my timetable', responses: { 204: { description: 'Cleared' } } }),
    async (c) => {
      const user = requireUser(c);
      await timetables.clearTimetable(deps, user, user.id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/me/timetable/subscription',
      tags: ['timetables'],
      summary: 'Make my timetable a subscription to an ICS URL (https://, webcal:// or http://), fetched now and refreshed every few hours',
      request: { body: jsonBody(SubscriptionInput) },
      responses: { 200: jsonResponse(Timetable, 'The timetable as fetched'), 429: linkLimited },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await timetables.setSubscription(deps, user, user.id, c.req.valid('json').url), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me/clashes', tags: ['timetables'], summary: 'My active bookings that clash with my timetable', request: { query: TimetableQuery }, responses: { 200: jsonResponse(ClashList, 'Clashing bookings, soonest first') } }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await timetables.myClashes(deps, user, c.req.valid('query')), 200);
    },
  );

  // ---- someone else's (office for own staff, admin)
  app.openapi(
    createRoute({ method: 'get', path: '/users/{id}/timetable', tags: ['timetables'], summary: 'A person’s timetable (self; office for own staff; admin)', request: { params: Params, query: TimetableQuery }, responses: { 200: jsonResponse(Timetable, 'The timetable') } }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await timetables.getTimetable(deps, actor, c.req.valid('param').id, c.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'put', path: '/users/{id}/timetable', tags: ['timetables'], summary: 'Replace a person’s timetable with an ICS or CSV file (self; office for own staff; admin)', request: { params: Params, body: fileBody }, responses: { 200: jsonResponse(Timetable, 'The new timetable'), 429: uploadLimited } }),
    async (c) => {
      const actor = requireUser(c);
      const { type, body } = await read(c);
      return c.json(await timetables.replaceFromUpload(deps, actor, c.req.valid('param').id, type, body), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/users/{id}/timetable', tags: ['timetables'], summary: 'Clear a person’s timetable (self; office for own staff; admin)', request: { params: Params }, responses: { 204: { description: 'Cleared' } } }),
    async (c) => {
      const actor = requireUser(c);
      await timetables.clearTimetable(deps, actor, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/users/{id}/timetable/subscription',
      tags: ['timetables'],
      summary: 'Make a person’s timetable a subscription to an ICS URL (self; office for own staff; admin)',
      request: { params: Params, body: jsonBody(SubscriptionInput) },
      responses: { 200: jsonResponse(Timetable, 'The timetable as fetched'), 429: linkLimited },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await timetables.setSubscription(deps, actor, c.req.valid('param').id, c.req.valid('json').url), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/orgs/{id}/timetables',
      tags: ['timetables'],
      summary: 'Replace the timetables of many staff from one CSV with an email column (office of that org, admin); people not named are left alone',
      request: { params: Params, body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
      responses: { 200: jsonResponse(OrgUploadResult, 'Whose timetables were replaced'), 429: orgUploadLimited },
    }),
    async (c) => {
      const actor = requireRole(c, 'office', 'admin');
      const { type, body } = await read(c);
      return c.json(await timetables.uploadOrgCsv(deps, actor, c.req.valid('param').id, type, body), 200);
    },
  );

  // ---- cover report
  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/cover',
      tags: ['timetables'],
      summary: 'Bookings of the organisation’s staff, and sessions they deliver (`role`), that clash with timetabled lessons, with the lessons that need cover (office of that org, admin)',
      request: { params: Params, query: CoverQuery },
      responses: { 200: jsonResponse(CoverReport, 'The cover report') },
    }),
    async (c) => {
      const actor = requireRole(c, 'office', 'admin');
      return c.json(await timetables.coverReport(deps, actor, c.req.valid('param').id, c.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/cover.csv',
      tags: ['timetables'],
      summary: 'The cover report as CSV, one row per lesson needing cover; “Taking part as” says Booked or Delivering',
      request: { params: Params, query: CoverQuery },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
    }),
    async (c) => {
      const actor = requireRole(c, 'office', 'admin');
      const { csv, filename } = await timetables.coverCsv(deps, actor, c.req.valid('param').id, c.req.valid('query'));
      c.header('Content-Disposition', disposition(filename));
      c.header('Cache-Control', 'private, no-store');
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    },
  );

  return app;
}
