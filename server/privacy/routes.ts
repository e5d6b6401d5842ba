/** A person's copy of their own data: `GET /api/me/data` (service.ts says what is in it). */
import { createRoute } from '@hono/zod-openapi';
import { MyData } from '../../shared/privacy.js';
import type { Deps } from '../platform/deps.js';
import { disposition, requireUser, router } from '../platform/http.js';
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
  return app;
}
