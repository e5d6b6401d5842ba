import { createRoute, z } from '@hono/zod-openapi';
import { AttendeeList, BookInput, BookResult, Booking, BookingList, BulkBookResult, HoldableOrgs, HoldInput, HoldList, MoveSeatInput, RemoveBookingInput } from '../../shared/bookings.js';
import { audienceLabels, findBooking } from './repository.js';
import { attendeesCsv } from './attendees-csv.js';
import { Id, Instant } from '../../shared/common.js';
import { findOrg, findUserById } from '../accounts/repository.js';
import { orgsActableBy } from '../accounts/acting.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { jsonBody, jsonResponse, requireRole, requireUser, router } from '../platform/http.js';
import { writeTransaction } from '../platform/transactions.js';
import * as engine from './service.js';
import * as views from './views.js';
import { WithClashes } from '../../shared/timetables.js';
import { clashesForBookings } from '../timetables/service.js';

const Params = z.object({ id: Id });

export function bookingRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/bookings',
      tags: ['bookings'],
      summary: 'Book a seat or join the waitlist (self; office for own staff, one or many; admin for anyone)',
      request: { params: Params, body: jsonBody(BookInput) },
      responses: {
        201: jsonResponse(z.union([BookResult.extend(WithClashes.shape), BulkBookResult]), 'One booking (with any timetable clashes: booking is allowed, cover may be needed), or with userIds one answer per person'),
      },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const userIds = body.userIds ?? [body.userId ?? actor.id];
      const answer = await engine.book(deps, { actor, sessionId: id, seat: body.seat, userIds, idempotencyKey: c.get('idempotencyKey') });
      if ('error' in answer) throw answer.error;
      const booked = answer.results;
      // Timetable clashes do not stop a booking (cover can be arranged); the answer says so.
      // Whether the caller has a timetable came with their sign-in; anyone else booked is
      // asked once booked, when the answers of a batch are given together and their looks
      // share one query (asked while booking it took one each).
      const clashes = await clashesForBookings(deps, booked.map((r) => ('error' in r ? { userId: r.userId, sessionId: id, seat: 'online' as const } : { userId: r.userId, sessionId: id, seat: r.seat })), actor);
      const results = booked.map((r, i) => ('error' in r ? r : { ...r, clashes: clashes[i] ?? [] }));
      if (body.userIds) return c.json({ results }, 201);
      const only = results[0]!;
      if ('error' in only) throw new AppError(only.error.code as 'already_booked' | 'forbidden' | 'not_found', only.error.message);
      return c.json(only, 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/me/bookings', tags: ['bookings'], summary: 'My bookings, with statuses and queue positions', responses: { 200: jsonResponse(BookingList, 'Own bookings') } }),
    async (c) => {
      const user = requireUser(c);
      return c.json({ items: await views.bookingsOfUser(deps.db, user.id) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/bookings/{id}', tags: ['bookings'], summary: 'One booking (its owner; office for own org; admin)', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'The booking') } }),
    async (c) => {
      const actor = requireUser(c);
      const b = await views.bookingView(deps.db, c.req.valid('param').id);
      const owner = b && (await findUserById(deps.db, b.userId));
      if (!b || !owner || !(await engine.mayActFor(deps.db, actor, owner))) throw new AppError('not_found', 'No such booking.');
      return c.json(b, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/bookings/{id}', tags: ['bookings'], summary: 'Cancel a booking or leave the waitlist; the queue moves up', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'The cancelled booking') } }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      await writeTransaction(deps, (trx) => engine.cancelBooking(trx, deps, actor, id));
      return c.json((await views.bookingView(deps.db, id))!, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/bookings/{id}/accept', tags: ['bookings'], summary: 'Take an offered seat (its owner)', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'Confirmed') } }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      await writeTransaction(deps, (trx) => engine.acceptOffer(trx, deps, actor, id));
      return c.json((await views.bookingView(deps.db, id))!, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/bookings/{id}/decline', tags: ['bookings'], summary: 'Turn down an offered seat (its owner)', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'Declined') } }),
    async (c) => {
      const actor = requireUser(c);
      const { id } = c.req.valid('param');
      await writeTransaction(deps, (trx) => engine.declineOffer(trx, deps, actor, id));
      return c.json((await views.bookingView(deps.db, id))!, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/bookings',
      tags: ['bookings'],
      summary: 'Who is booked (its trainers and admin: all; office: own staff)',
      request: { params: Params },
      responses: { 200: jsonResponse(BookingList, 'Bookings in queue order') },
    }),
    async (c) => {
      const actor = requireUser(c); // its trainers and in-house leads, admin, office (own org's)
      const { id } = c.req.valid('param');
      if (actor.role === 'office') return c.json({ items: await views.bookingsOfSession(deps.db, id, (await orgsActableBy(deps.db, actor)).ids) }, 200);
      await engine.requireSessionManager(deps, actor, id);
      return c.json({ items: await views.bookingsOfSession(deps.db, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/bookings',
      tags: ['bookings'],
      summary: 'Every booking of an organisation’s staff (its office staff, admin)',
      request: { params: Params, query: z.object({ from: Instant.optional(), to: Instant.optional() }) },
      responses: { 200: jsonResponse(BookingList, 'Bookings, soonest first') },
    }),
    async (c) => {
      const actor = requireRole(c, 'office', 'admin');
      const { id } = c.req.valid('param');
      if (!(await orgsActableBy(deps.db, actor)).has(id)) throw new AppError('forbidden', 'You can only see bookings of the organisations you book for.');
      const q = c.req.valid('query');
      return c.json({ items: await views.bookingsOfOrg(deps.db, id, { from: q.from && new Date(q.from).toISOString(), to: q.to && new Date(q.to).toISOString() }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/holds',
      tags: ['bookings'],
      summary: 'Seats held for organisations (its trainers and admin: every hold; office: their own organisation’s)',
      request: { params: Params },
      responses: { 200: jsonResponse(HoldList, 'Holds') },
    }),
    async (c) => {
      const actor = requireUser(c); // its trainers and in-house leads, admin, office (own org's)
      const { id } = c.req.valid('param');
      // Which schools hold seats, and how many, is theirs and the organisers' business only.
      if (actor.role !== 'office') await engine.requireSessionManager(deps, actor, id);
      const items = await engine.holdsOfSession(deps, id, actor.role === 'office' ? (await orgsActableBy(deps.db, actor)).ids : undefined);
      if (!items) throw new AppError('not_found', 'No such session.');
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/holds/organisations',
      tags: ['bookings'],
      summary: 'The organisations seats may be held for: those the session is for (its trainers and in-house leads, admin)',
      request: { params: Params },
      responses: { 200: jsonResponse(HoldableOrgs, 'By name') },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      await engine.requireSessionManager(deps, actor, id);
      return c.json({ items: await engine.holdableOrgs(deps, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sessions/{id}/holds',
      tags: ['bookings'],
      summary: 'Hold seats for an organisation (its trainers, admin); 0 removes the hold',
      request: { params: Params, body: jsonBody(HoldInput) },
      responses: { 204: { description: 'Saved' } },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await engine.requireSessionManager(deps, actor, id);
      if (!(await findOrg(deps.db, body.orgId))) throw new AppError('validation_failed', 'That organisation does not exist.', { issues: [{ path: 'orgId', message: 'not found' }] });
      await writeTransaction(deps, (trx) => engine.setHold(trx, deps, id, body.orgId, body.seat, body.seats));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/attendees',
      tags: ['bookings'],
      summary: 'Who is coming: everyone booked, offered and waiting, with school, seat, status, queue place and who booked them (its trainers, admin)',
      request: { params: Params },
      responses: { 200: jsonResponse(AttendeeList, 'In queue order') },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      await engine.requireSessionManager(deps, actor, id);
      return c.json({ items: await views.attendeesOfSession(deps.db, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/attendees.csv',
      tags: ['bookings'],
      summary: 'Who is coming, as a spreadsheet (UTF-8 CSV for Excel; its trainers, admin)',
      request: { params: Params },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      await engine.requireSessionManager(deps, actor, id);
      const items = await views.attendeesOfSession(deps.db, id);
      const audience = (await audienceLabels(deps.db, [id])).get(id) ?? 'programme';
      return c.body(attendeesCsv(items, audience), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="who-is-coming-${id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40)}.csv"`,
        'Cache-Control': 'private, no-store',
      });
    },
  );

  /** The booking, if `actor` runs its session (else a 403, or a 404 when there is no such booking). */
  async function bookingOfManagedSession(actor: Parameters<typeof engine.requireSessionManager>[1], id: string) {
    const b = await findBooking(deps.db, id);
    if (!b) throw new AppError('not_found', 'No such booking.');
    await engine.requireSessionManager(deps, actor, b.session_id);
    return b;
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings/{id}/seat',
      tags: ['bookings'],
      summary: 'Move a person to the other seat kind of a hybrid session (its trainers, admin); they are told',
      request: { params: Params, body: jsonBody(MoveSeatInput) },
      responses: { 200: jsonResponse(Booking, 'The moved booking') },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      await bookingOfManagedSession(actor, id);
      const { seat } = c.req.valid('json');
      await writeTransaction(deps, (trx) => engine.moveSeat(trx, deps, id, seat));
      return c.json((await views.bookingView(deps.db, id))!, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings/{id}/remove',
      tags: ['bookings'],
      summary: 'Take a person off a session with a reason they are sent (its trainers, admin); the queue moves up',
      request: { params: Params, body: jsonBody(RemoveBookingInput) },
      responses: { 200: jsonResponse(Booking, 'The cancelled booking') },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      await bookingOfManagedSession(actor, id);
      const { reason } = c.req.valid('json');
      await writeTransaction(deps, (trx) => engine.removeBooking(trx, deps, id, reason));
      return c.json((await views.bookingView(deps.db, id))!, 200);
    },
  );

  return app;
}

