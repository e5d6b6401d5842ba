import { createRoute, z } from '@hono/zod-openapi';
import { AttendanceReport, AttendanceRow, CheckinCode, CheckinInput, CheckinResult, MyCheckin, CompletionList, CompletionPage, CompletionQuery, OverrideInput, RegisterHistory } from '../../shared/attendance.js';
import { Id } from '../../shared/common.js';
import type { Deps } from '../platform/deps.js';
import { csvAttachment, jsonBody, jsonResponse, requireUser, router } from '../platform/http.js';
import * as attendance from './service.js';

const Params = z.object({ id: Id });

export function attendanceRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/attendance',
      tags: ['attendance'],
      summary: 'Attendance per booking: minutes present, attended, source (trainer, admin; office: own organisation’s rows)',
      request: { params: Params },
      responses: { 200: jsonResponse(AttendanceReport, 'The register') },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await attendance.attendanceReport(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/attendance.csv',
      tags: ['attendance'],
      summary: 'The same register as CSV',
      request: { params: Params },
      responses: { 200: { description: 'CSV (UTF-8 with BOM)', content: { 'text/csv': { schema: z.string() } } } },
    }),
    async (c) => {
      const actor = requireUser(c);
      return csvAttachment(c, await attendance.attendanceCsv(deps, actor, c.req.valid('param').id));
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sessions/{id}/attendance/{bookingId}',
      tags: ['attendance'],
      summary: 'Tick the register or correct a record (the session’s trainers, admin); kept with who changed it and when. `minutes` or `note` left out keeps the current correction’s; `null` clears it',
      description:
        '`attended` is always given. `minutes` and `note` are each set by a value, cleared by `null` (minutes then come from the room and check-ins), or, left out, kept as the booking’s current correction has them (none when it has no correction): a tick sending only `attended` keeps the minutes and note given earlier. The history records the entry as merged. The register opens with check-in and the live room (`registerOpensAt` in the register): before then no one can have come, and a change is refused.',
      request: { params: z.object({ id: Id, bookingId: Id }), body: jsonBody(OverrideInput) },
      responses: {
        200: jsonResponse(AttendanceRow, 'The row after the change'),
        404: { description: '`not_found`: no such session, or no booking with a seat at it' },
        409: { description: '`register_not_open`: before the session’s join window opens (`details.opensAt`); nothing is changed' },
      },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { id, bookingId } = c.req.valid('param');
      return c.json(await attendance.setOverride(deps, actor, id, bookingId, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/attendance/{bookingId}/history',
      tags: ['attendance'],
      summary: 'Every register change of one booking, oldest first',
      request: { params: z.object({ id: Id, bookingId: Id }) },
      responses: {
        200: jsonResponse(RegisterHistory, 'Changes'),
        404: { description: '`not_found`: no such session, or no such booking at it' },
      },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { id, bookingId } = c.req.valid('param');
      return c.json({ items: await attendance.overrideHistory(deps, actor, id, bookingId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/checkin-code',
      tags: ['attendance'],
      summary: 'The in-person check-in code and QR code; changes every minute (the session’s trainers)',
      request: { params: Params },
      responses: { 200: jsonResponse(CheckinCode, 'Code, when to refresh it, and a QR code (SVG) of the check-in link') },
    }),
    async (c) => {
      const actor = requireUser(c);
      c.header('cache-control', 'no-store');
      return c.json(await attendance.checkinCodeFor(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/checkin',
      tags: ['attendance'],
      summary: 'My own check-in to an in-person session: when I checked in with the place I hold now (null: not checked in, or no in-person seat)',
      request: { params: Params },
      responses: { 200: jsonResponse(MyCheckin, 'When the caller checked in, or null') },
    }),
    async (c) => {
      const actor = requireUser(c);
      c.header('cache-control', 'no-store');
      return c.json(await attendance.myCheckin(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/checkin',
      tags: ['attendance'],
      summary: 'Check in to an in-person session with the code the trainer shows (confirmed in-person attendee); someone already checked in gets their first check-in time, whatever the code',
      request: { params: Params, body: jsonBody(CheckinInput) },
      responses: {
        200: jsonResponse(CheckinResult, 'Checked in'),
        400: { description: '`invalid_checkin_code`: wrong or expired' },
        429: { description: '`rate_limited`, with `Retry-After`: 5 wrong codes per person and session in 10 minutes, over all their bookings of it' },
      },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await attendance.checkin(deps, actor, c.req.valid('param').id, c.req.valid('json').code), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me/completions', tags: ['attendance'], summary: 'Sessions I attended (CPD evidence)', responses: { 200: jsonResponse(CompletionList, 'Attended sessions, newest first') } }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await attendance.myCompletions(deps, actor), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/completions',
      tags: ['attendance'],
      summary: 'A person’s training record: sessions they attended, newest first (self; office for its own staff; admin)',
      request: { params: Params },
      responses: { 200: jsonResponse(CompletionList, 'Attended sessions, newest first'), 403: { description: '`forbidden`' }, 404: { description: '`not_found`: no such person, or not one the office acts for' } },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await attendance.personCompletions(deps, actor, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/completions.csv',
      tags: ['attendance'],
      summary: 'My CPD record as a spreadsheet (UTF-8 CSV for Excel): attended sessions with minutes present',
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
    }),
    async (c) => {
      const actor = requireUser(c);
      return csvAttachment(c, await attendance.myCompletionsCsv(deps, actor), { 'cache-control': 'private, no-store' });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/completions',
      tags: ['attendance'],
      summary: 'The training record of the organisation’s staff (a trust’s or local authority’s: its own staff’s and its schools’, each naming the person’s organisation): sessions they attended, newest first, a page at a time (its office staff, admin)',
      request: { params: Params, query: CompletionQuery },
      responses: { 200: jsonResponse(CompletionPage, 'A page of attended sessions, newest first, and how many there are') },
    }),
    async (c) => {
      const actor = requireUser(c);
      return c.json(await attendance.orgCompletions(deps, actor, c.req.valid('param').id, c.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/completions.csv',
      tags: ['attendance'],
      summary: 'The whole training record of the organisation’s staff (a trust’s: and its schools’) as a spreadsheet, each row naming the person’s organisation (its office staff, admin)',
      request: { params: Params },
      responses: { 200: { description: 'CSV (UTF-8 with BOM), one row per attended session', content: { 'text/csv': { schema: z.string() } } } },
    }),
    async (c) => {
      const actor = requireUser(c);
      return csvAttachment(c, await attendance.orgCompletionsCsv(deps, actor, c.req.valid('param').id), { 'cache-control': 'private, no-store' });
    },
  );

  return app;
}
