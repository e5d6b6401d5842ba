import { createRoute, z } from '@hono/zod-openapi';
import { OutboxMessage } from '../../shared/bookings.js';
import type { Deps } from '../platform/deps.js';
import { latestOutboxRows, renderNotice } from './outbox.js';
import { jsonResponse, requireRole, router } from '../platform/http.js';

export function notificationRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/outbox',
      tags: ['notifications'],
      summary: 'Messages the service has sent or will send (admin): the local outbox when no SMTP server is set',
      request: { query: z.object({ to: z.string().max(254).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(OutboxMessage) }), 'Newest first') },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const { to, limit } = c.req.valid('query');
      const rows = await latestOutboxRows(deps.db, limit, to?.toLowerCase());
      const items = [];
      for (const r of rows) {
        const m = await renderNotice(deps.db, deps, r);
        items.push({ id: r.id, kind: r.kind, to: r.to_email, subject: m?.subject ?? '', text: m?.text ?? '', status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at });
      }
      return c.json({ items }, 200);
    },
  );
  return app;
}
