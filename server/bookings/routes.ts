import { createRoute, z } from '@hono/zod-openapi';
import { AttendeeList, AttendeesQuery, BookInput, BookResult, Booking, BookingList, BulkBookResult, HoldableOrgs, HoldableOrgsQuery, HoldInput, HoldList, MoveSeatInput, OrgBookingsPage, OrgBookingsQuery, RemovedBooking, RemoveBookingInput } from '../../shared/bookings.js';
import { Id } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { rangeEdge } from '../platform/range.js';
import { disposition, jsonBody, jsonResponse, requireRole, requireUser, router } from '../platform/http.js';
import * as engine from './service.js';
import * as access from './access.js';
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
      return c.json({ items: await access.ownBookings(deps, requireUser(c)) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/bookings/{id}', tags: ['bookings'], summary: 'One booking (its owner; office for own org; admin)', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'The booking') } }),
    async (c) => {
      return c.json(await access.bookingFor(deps, requireUser(c), c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/bookings/{id}', tags: ['bookings'], summary: 'Cancel a booking or leave the waitlist; the queue moves up', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'The cancelled booking') } }),
    async (c) => {
      return c.json(await access.cancel(deps, requireUser(c), c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/bookings/{id}/accept', tags: ['bookings'], summary: 'Take an offered seat (its owner)', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'Confirmed') } }),
    async (c) => {
      return c.json(await access.accept(deps, requireUser(c), c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/bookings/{id}/decline', tags: ['bookings'], summary: 'Turn down an offered seat (its owner)', request: { params: Params }, responses: { 200: jsonResponse(Booking, 'Declined') } }),
    async (c) => {
      return c.json(await access.decline(deps, requireUser(c), c.req.valid('param').id), 200);
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
      return c.json({ items: await access.sessionBookingsFor(deps, requireUser(c), c.req.valid('param').id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/bookings',
      tags: ['bookings'],
      summary: 'The bookings of an organisation’s staff (a trust’s or local authority’s: its own staff’s and its schools’, each naming the person’s organisation), a page at a time (limit 1 to 500, 100 unless given; offset), with how many match in all and how many of those are cancelled (its office staff, admin); the .ics and .csv exports hold every one',
      // As the exports: an instant, or a date (that day in England; `to` includes it).
      request: { params: Params, query: OrgBookingsQuery },
      responses: { 200: jsonResponse(OrgBookingsPage, 'A page of bookings, soonest first, then by name') },
    }),
    async (c) => {
      const actor = requireRole(c, 'office', 'admin');
      const q = c.req.valid('query');
      const range = { from: rangeEdge(q.from, 'from'), to: rangeEdge(q.to, 'to') };
      return c.json(await access.orgBookingsFor(deps, actor, c.req.valid('param').id, range, { limit: q.limit, offset: q.offset }), 200);
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
      return c.json({ items: await access.holdsFor(deps, requireUser(c), c.req.valid('param').id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/holds/organisations',
      tags: ['bookings'],
      summary: 'The organisations seats may be held for: those the session is for (its trainers and in-house leads, admin; office staff: theirs among them), a page at a time; q searches names and URNs',
      request: { params: Params, query: HoldableOrgsQuery },
      responses: { 200: jsonResponse(HoldableOrgs, 'A page, by name, with how many match in all') },
    }),
    async (c) => c.json(await access.holdableOrgsFor(deps, requireUser(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sessions/{id}/holds',
      tags: ['bookings'],
      summary: 'Hold seats for an organisation (its trainers, admin; office staff for their own); 0 removes the hold. Once the session has ended or been cancelled, 409 session_ended or session_cancelled: its holds stay as they were',
      request: { params: Params, body: jsonBody(HoldInput) },
      responses: { 204: { description: 'Saved' } },
    }),
    async (c) => {
      await access.holdSeats(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json'));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/attendees',
      tags: ['bookings'],
      summary: 'Who is coming: everyone booked, offered and waiting, with school, seat, status, queue place and who booked them, a page at a time, narrowed by status, seat and any part of a name, email or school (its trainers, admin)',
      request: { params: Params, query: AttendeesQuery },
      responses: { 200: jsonResponse(AttendeeList, 'A page in the order asked (booking order unless asked otherwise), with how many match, how many places there are, and the counts by status') },
    }),
    async (c) => c.json(await access.attendeesPageFor(deps, requireUser(c), c.req.valid('param').id, c.req.valid('query')), 200),
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
      const { id } = c.req.valid('param');
      return c.body(await access.attendeesSpreadsheetFor(deps, requireUser(c), id), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': disposition(`who-is-coming-${id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40)}.csv`),
        'Cache-Control': 'private, no-store',
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings/{id}/seat',
      tags: ['bookings'],
      summary: 'Move a place (booked, offered or waiting) to the other seat kind of a hybrid session (the person themselves; office staff for their own staff; its trainers, admin); the person is told. A seat moves only to a free one (else 409); a queue place keeps its turn in the other queue. 409 once the session has ended',
      request: { params: Params, body: jsonBody(MoveSeatInput) },
      responses: { 200: jsonResponse(Booking, 'The moved booking') },
    }),
    async (c) => {
      return c.json(await access.moveSeat(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json').seat), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings/{id}/remove',
      tags: ['bookings'],
      summary: 'Take a person off a session with a reason they are sent (its trainers, admin); the queue moves up, and the answer says who got the seat it freed (`promoted`)',
      request: { params: Params, body: jsonBody(RemoveBookingInput) },
      responses: { 200: jsonResponse(RemovedBooking, 'The cancelled booking, and who on the waiting list got its seat (`promoted`: confirmed, or offered it until `offerExpiresAt`; empty when no one did)') },
    }),
    async (c) => {
      return c.json(await access.remove(deps, requireUser(c), c.req.valid('param').id, c.req.valid('json').reason), 200);
    },
  );

  return app;
}

