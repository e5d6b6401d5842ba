import { createRoute, z } from '@hono/zod-openapi';
import { LeadCandidates, LeadCandidatesQuery, LeadRemoved, SessionsNeedingLead } from '../../shared/accounts.js';
import { Roster } from '../../shared/bookings.js';
import { Id } from '../../shared/common.js';
import { AppError } from '../errors.js';
import { CancelResult, CancelSessionInput, Course, CourseTrainersInput, CreateCourseInput, UpdateCourseInput, CreateSeriesInput, CreateSessionInput, InHouseLeadList, LeadOrgs, Session, SessionList, SessionQuery, SeatKind, SessionRunnerList, TrainerPage, TrainerQuery, TrainerSessionList, TrainerSessionQuery, UpdateSessionInput } from '../../shared/sessions.js';
import type { Deps } from '../platform/deps.js';
import type { MiddlewareHandler, TypedResponse } from 'hono';
import { jsonBody, jsonResponse, requireRole, requireUser, router, type Env } from '../platform/http.js';
import * as repo from './repository.js';
import { sessionRoster } from './roster.js';
import * as sessions from './service.js';
import * as leads from './leads.js';

const Params = z.object({ id: Id });

/**
 * Middleware for every route under `/sessions/:id` (whichever domain serves it): to a
 * signed-in person outside an in-house session's audience, the session does not exist.
 * A session id that names no session is answered the same way, before any role check, so
 * no answer tells a hidden session from a missing one. Routes still check their own roles;
 * a path that names no session id (e.g. `/sessions/series`) passes through.
 */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sessionAudienceGuard(deps: Deps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const user = c.get('auth')?.user;
    const id = c.req.param('id');
    // Booking applies the same rule to the one booking and each person booked, reading the
    // session's audience with its lock (`bookMany` in server/bookings/service.ts): a look
    // here first would be a statement more for every batch of bookings.
    const booking = c.req.method === 'POST' && c.req.path === `/api/sessions/${id}/bookings`;
    if (user && id && SESSION_ID.test(id) && !booking) await sessions.requireVisibleSession(deps, user, id);
    await next();
  };
}

export function sessionRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/courses', tags: ['sessions'], summary: 'All courses (to an administrator, with what uses each: `use`)', responses: { 200: jsonResponse(z.object({ items: z.array(Course) }), 'Courses') } }),
    async (c) => {
      const actor = requireUser(c);
      return c.json({ items: await sessions.listCourses(deps, actor) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/courses/{id}/trainers',
      tags: ['sessions'],
      summary: 'Which trainers may run a course’s sessions (admin); an empty list lets any trainer',
      request: { params: Params, body: jsonBody(CourseTrainersInput) },
      responses: { 200: jsonResponse(Course, 'The course with its trainers') },
    }),
    async (c) => {
      requireRole(c, 'admin');
      return c.json(await sessions.setCourseTrainers(deps, c.req.valid('param').id, c.req.valid('json').trainerIds), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/courses/{id}',
      tags: ['sessions'],
      summary: 'Change a course (admin): its title and description (a title another course has, in any case, is refused with 409), and its completion rule (a session of each part 1..partsRequired must be attended)',
      request: { params: Params, body: jsonBody(UpdateCourseInput) },
      responses: { 200: jsonResponse(Course, 'The course') },
    }),
    async (c) => {
      requireRole(c, 'admin');
      return c.json(await sessions.updateCourse(deps, c.req.valid('param').id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/courses/{id}',
      tags: ['sessions'],
      summary: 'Delete a course (admin); refused with 409 while a session not cancelled is of it, or its materials library holds anything (its cancelled sessions then name no course)',
      request: { params: Params },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      requireRole(c, 'admin');
      await sessions.deleteCourse(deps, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/courses', tags: ['sessions'], summary: 'Create a course (trainer, admin)', request: { body: jsonBody(CreateCourseInput) }, responses: { 201: jsonResponse(Course, 'Created') } }),
    async (c) => {
      requireRole(c, 'trainer', 'admin');
      return c.json(await sessions.createCourse(deps, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions',
      tags: ['sessions'],
      summary: 'Publish a session (trainer, admin)',
      request: { body: jsonBody(CreateSessionInput) },
      responses: { 201: jsonResponse(Session, 'Created') },
    }),
    async (c) => {
      const actor = requireUser(c); // trainers, admins; in-house leads for their own organisation (service)
      return c.json(await sessions.createSession(deps, actor, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/series',
      tags: ['sessions'],
      summary: 'Publish the same session on several dates at once, each its own session (trainer, admin); all or none',
      request: { body: jsonBody(CreateSeriesInput) },
      responses: { 201: jsonResponse(z.object({ items: z.array(Session) }), 'The sessions, in the order of the dates given') },
    }),
    async (c) => {
      const actor = requireUser(c); // trainers, admins; in-house leads for their own organisation (service)
      return c.json({ items: await sessions.createSeries(deps, actor, c.req.valid('json')) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/sessions',
      tags: ['sessions'],
      summary: 'Sessions I run (trainer; an administrator: every session), upcoming or past, with held seats, people and attendance',
      description: 'With `when=unstaffed` (administrators only; 403 for anyone else): the sessions still to come, not cancelled, that no one named on them can run now (every named trainer turned off, given another role, or no longer leading in-house training for it), soonest first.',
      request: { query: TrainerSessionQuery },
      responses: { 200: jsonResponse(TrainerSessionList, 'Upcoming soonest first; past latest first') },
    }),
    async (c) => {
      const actor = requireUser(c);
      if (!(await leads.runsSessions(deps, actor))) throw new AppError('forbidden', 'Your role does not allow this.');
      return c.json(await sessions.sessionsRunBy(deps, actor, c.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions',
      tags: ['sessions'],
      summary: 'List sessions (by date range, mode, course; paginated)',
      request: { query: SessionQuery },
      responses: { 200: jsonResponse(SessionList, 'A page of sessions, soonest first') },
    }),
    async (c) => {
      const user = requireUser(c);
      // The JSON is written by the service, which keeps each page's sessions written out; it is a SessionList.
      const json = await sessions.listSessionsJson(deps, c.req.valid('query'), user);
      return c.body(json, 200, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<z.infer<typeof SessionList>, 200, 'json'>;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}',
      tags: ['sessions'],
      summary: 'A session with its seats, and whether the caller runs it (youRun)',
      request: { params: Params },
      responses: { 200: jsonResponse(Session, 'The session, with youRun: true for its trainers, its in-house leads while they lead, and administrators') },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await sessions.sessionForCaller(deps, c.req.valid('param').id, user), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/sessions/{id}',
      tags: ['sessions'],
      summary: 'Change a session (its trainers, admin); attendees are told',
      request: { params: Params, body: jsonBody(UpdateSessionInput) },
      responses: { 200: jsonResponse(Session, 'The changed session') },
    }),
    async (c) => {
      const actor = requireUser(c); // trainers, admins; in-house leads for their own organisation (service)
      return c.json(await sessions.updateSession(deps, actor, c.req.valid('param').id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/trainers',
      tags: ['sessions'],
      summary: 'Trainers whose name holds every word of `q`, by name: whom to add as co-trainers (trainers, in-house leads, admin); ids and names only, at most `limit` (up to 50)',
      request: { query: TrainerQuery },
      responses: { 200: jsonResponse(TrainerPage, 'Trainers with their accounts on, by name; hasMore when more match') },
    }),
    async (c) => c.json(await sessions.findTrainers(deps, requireUser(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/trainers',
      tags: ['sessions'],
      summary: 'Who runs a session, by name (its trainers and in-house leads, admin); no emails',
      request: { params: Params },
      responses: { 200: jsonResponse(SessionRunnerList, 'Its trainers, by name') },
    }),
    async (c) => c.json({ items: await sessions.sessionRunners(deps, requireUser(c), c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/cancel',
      tags: ['sessions'],
      summary: 'Cancel a session (its trainers, admin); every booking is cancelled and everyone told',
      request: { params: Params, body: { required: false, content: { 'application/json': { schema: CancelSessionInput } } } },
      responses: { 200: jsonResponse(CancelResult, 'The cancelled session, and how many people were told') },
    }),
    async (c) => {
      const actor = requireUser(c); // trainers, admins; in-house leads for their own organisation (service)
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(await sessions.cancelSession(deps, actor, c.req.valid('param').id, body?.reason), 200);
    },
  );

  // The office's view of a session's seats for its own people (what it needs before booking them).
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/roster',
      tags: ['bookings'],
      summary: 'The people of an organisation with their place on this session and their timetable clashes, for the seat kind `seat` (a hybrid session’s in-person seats allow travel time; online unless asked) (its office staff; admin with ?orgId)',
      request: { params: Params, query: z.object({ orgId: Id.optional(), seat: SeatKind.optional() }) },
      responses: { 200: jsonResponse(Roster, 'Everyone in the organisation, by name, and the seats free and held for it') },
    }),
    async (c) => {
      const actor = requireRole(c, 'office', 'admin');
      const orgId = c.req.valid('query').orgId ?? actor.orgId;
      if (!orgId) throw new AppError('validation_failed', 'Choose an organisation.', { issues: [{ path: 'orgId', message: 'is required' }] });
      return c.json(await sessionRoster(deps, actor, c.req.valid('param').id, orgId, c.req.valid('query').seat), 200);
    },
  );

  const LeadParams = z.object({ id: Id, userId: Id });
  app.openapi(
    createRoute({ method: 'get', path: '/orgs/{id}/leads', tags: ['sessions'], summary: 'The organisation’s in-house leads (admin; its office)', request: { params: Params }, responses: { 200: jsonResponse(InHouseLeadList, 'Leads, by name') } }),
    async (c) => c.json({ items: await leads.listLeads(deps, requireUser(c), c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/lead-candidates',
      tags: ['sessions'],
      summary: 'Who may be made an in-house lead for the organisation (admin; its office): its staff and office staff (a trust’s: its schools’ too) whose accounts are on and who do not lead it yet, by name; `q` keeps those whose name or email holds it; at most `limit`, `hasMore` when more match',
      request: { params: Params, query: LeadCandidatesQuery },
      responses: { 200: jsonResponse(LeadCandidates, 'People, by name') },
    }),
    async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json(await leads.leadCandidates(deps, requireUser(c), c.req.valid('param').id, { text: q || undefined, limit }), 200);
    },
  );
  app.openapi(
    createRoute({ method: 'put', path: '/orgs/{id}/leads/{userId}', tags: ['sessions'], summary: 'Make a member of staff an in-house lead for the organisation (admin; its office)', request: { params: LeadParams }, responses: { 204: { description: 'Done' } } }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      await leads.addLead(deps, requireUser(c), id, userId);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/orgs/{id}/leads/{userId}',
      tags: ['sessions'],
      summary: 'Stop someone being an in-house lead for the organisation (admin; its office); their sessions keep them as trainer, and those left with no one able to run them are listed',
      request: { params: LeadParams },
      responses: { 200: jsonResponse(LeadRemoved, 'Done: the sessions still to come that now have no one able to run them') },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      return c.json(await leads.removeLead(deps, requireUser(c), id, userId), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/orgs/{id}/sessions-needing-lead',
      tags: ['sessions'],
      summary: 'The organisation’s own in-house sessions still to come that no one named on them can run now, soonest first: the first `limit` (up to 50) and how many (admin; the organisation’s own office)',
      request: { params: Params, query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }) },
      responses: { 200: jsonResponse(SessionsNeedingLead, 'Sessions, soonest first') },
    }),
    async (c) => c.json(await leads.sessionsNeedingLead(deps, requireUser(c), c.req.valid('param').id, c.req.valid('query').limit), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/sessions/{id}/trainers/{userId}',
      tags: ['sessions'],
      summary: 'Give an in-house session still to come to one of the in-house leads of the organisation it is for, who runs it from then on beside anyone named who still runs it; anyone named who no longer does is taken off it (that organisation’s office; admin); 400 for anyone who does not lead that organisation now',
      request: { params: LeadParams },
      responses: { 204: { description: 'Done: they run it' } },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      await leads.giveToLead(deps, requireUser(c), id, userId);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/me/lead-orgs', tags: ['sessions'], summary: 'The organisations I lead in-house training for', responses: { 200: jsonResponse(LeadOrgs, 'Organisations, a trust with its schools') } }),
    async (c) => c.json({ items: await leads.leadOrgsOf(deps, requireUser(c)) }, 200),
  );

  return app;
}
