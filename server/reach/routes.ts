import { createRoute } from '@hono/zod-openapi';
import { Coverage, CoverageCsvQuery, CoverageFiguresQuery, NotBookedList, NotBookedQuery } from '../../shared/reach.js';
import type { Deps } from '../platform/deps.js';
import { csvAttachment, jsonResponse, requireUser, router } from '../platform/http.js';
import * as reach from './service.js';

export function reachRoutes(deps: Deps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/reach/coverage',
      tags: ['reach'],
      summary: 'Training coverage: staff, booked, attended, completed per course; by organisation (one page: orgsLimit 1..200, default 50, orgsOffset, orgsSort name|lowest|highest, orgsQ name contains; byOrgTotal how many match, byOrgHighest of all; asOf: the figures counted then, while kept, so pages of them agree), job role and week (office: own organisation and those under it; admin: any, or the whole programme without orgId)',
      request: { query: CoverageFiguresQuery },
      responses: { 200: jsonResponse(Coverage, 'The figures') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await reach.coverage(deps, requireUser(c), q.orgId, { limit: q.orgsLimit, offset: q.orgsOffset, sort: q.orgsSort, q: q.orgsQ }, q.asOf), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/reach/coverage.csv',
      tags: ['reach'],
      summary: 'One coverage figure as CSV (schools, roles, weekly, courses: with asOf, the figures in view while kept, as the page has them; not_booked: every person as now, never cut short; more than a report may hold, 20,000, is refused with 422 report_too_large); same access as the figures',
      request: { query: CoverageCsvQuery },
      responses: { 200: { description: 'CSV (UTF-8 with BOM)', content: { 'text/csv': { schema: { type: 'string' } } } } },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return csvAttachment(c, await reach.coverageCsv(deps, requireUser(c), q.figure, q.orgId, q.asOf));
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/reach/not-booked',
      tags: ['reach'],
      summary: 'Staff who have never booked a seat, one page (limit 1..200, default 50; q name or email contains, any case) by organisation, name and id (names as an alphabetical list has them: any case, accents with their letter, the same on SQLite and PostgreSQL), after `after` (the `next` of the page before, an opaque cursor; none: from the first), so people booking while the pages are turned make no one be skipped or shown twice; total how many match in all, hasMore, next (null on the last page), and whether the whole list downloads as CSV (office: own organisation and those under it; admin: any, or everyone). `offset` (skip that many) is still taken for scripts written before cursors, not with `after`: its pages shift as people book. A cursor this list did not give is refused, 400 naming `after`',
      request: { query: NotBookedQuery },
      responses: { 200: jsonResponse(NotBookedList, 'One page of people, by organisation and name') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await reach.notBooked(deps, requireUser(c), q.orgId, { limit: q.limit, offset: q.offset, q: q.q, after: q.after }), 200);
    },
  );

  return app;
}
