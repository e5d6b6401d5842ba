/** A person's copy of their own data: `GET /api/me/data`, and for someone else `GET /api/users/{id}/data` (service.ts says what is in it). */
import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { Id } from '../../shared/common.js';
import { MyData } from '../../shared/privacy.js';
import type { Deps } from '../platform/deps.js';
import { disposition, requireRole, requireUser, router } from '../platform/http.js';
import * as privacy from './service.js';

export function privacyRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/data',
      tags: ['accounts'],
      summary: 'My data (UK GDPR right of access): my account, sign-in methods, bookings, attendance, certificates, feedback, timetable and the messages written to me, as one JSON file to download',
      responses: { 200: { description: 'JSON, as a download (`my-data-YYYY-MM-DD.json`)', content: { 'application/json': { schema: MyData } } } },
    }),
    async (c) => {
      const { data, filename } = await privacy.myData(deps, requireUser(c));
      return c.json(data, 200, { 'content-disposition': disposition(filename), 'cache-control': 'private, no-store' });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/data',
      tags: ['accounts'],
      summary: 'A person’s data, for a subject access request (office staff: their own organisations’ staff; administrators: anyone): the same file as their own “My data”, kept in the audit log',
      request: { params: z.object({ id: Id }) },
      responses: {
        200: { description: 'JSON, as a download (`personal-data-NAME-YYYY-MM-DD.json`)', content: { 'application/json': { schema: MyData } } },
        409: { description: '`conflict`: the person’s data has been erased; there is nothing to download' },
      },
    }),
    async (c) => {
      const { data, filename } = await privacy.dataOf(deps, requireRole(c, 'admin', 'office'), c.req.valid('param').id);
      return c.json(data, 200, { 'content-disposition': disposition(filename), 'cache-control': 'private, no-store' });
    },
  );
  return app;
}
