import { createRoute, z } from '@hono/zod-openapi';
import { MessageAttendeesInput, MessageAttendeesResult, OutboxPage, OutboxQuery } from '../../shared/bookings.js';
import { Id } from '../../shared/common.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { requireSessionManager } from '../sessions/service.js';
import { sendMessage } from './attendees.js';
import { messagesPage, retryNow } from './outbox.js';
import { jsonBody, jsonResponse, requireRole, requireUser, router } from '../platform/http.js';

const Params = z.object({ id: Id });

export function notificationRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/outbox',
      tags: ['notifications'],
      summary: 'Messages the service has sent or will send (admin), newest first, a page at a time: `limit` (1..500, default 100) older than `before` (the `next` of the page before, an opaque cursor; none: the newest), so mail written while the pages are turned neither repeats nor hides any; `hasMore`, `next` (null on the last page), `total` how many match. `offset` (skip that many) is still taken for scripts written before cursors, not with `before`: its pages shift as mail is written. `to` keeps those whose address holds it (any part, any case): the local outbox when no SMTP server is set. A cursor this list did not give is refused, 400 naming `before`',
      request: { query: OutboxQuery },
      responses: { 200: jsonResponse(OutboxPage, 'A page of messages, newest first, how many match in all, and the cursor of the next page') },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const { to, limit, offset, before } = c.req.valid('query');
      return c.json(await messagesPage(deps, { to: to || undefined, limit, offset, before: before?.[0] }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/outbox/{id}/retry',
      tags: ['notifications'],
      summary: 'Try to send a message that has not gone yet again now (admin)',
      request: { params: Params },
      responses: { 204: { description: 'It will be sent at the next delivery round' } },
    }),
    async (c) => {
      requireRole(c, 'admin');
      if (!(await retryNow(deps.db, deps, c.req.valid('param').id))) throw new AppError('not_found', 'There is no message waiting to be sent with this id.');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/messages',
      tags: ['notifications'],
      summary: 'Message everyone booked on a session, and optionally those waiting (its trainers, admin); once per person, through the outbox',
      request: { params: Params, body: jsonBody(MessageAttendeesInput) },
      responses: { 201: jsonResponse(MessageAttendeesResult, 'How many people will receive it') },
    }),
    async (c) => {
      const actor = requireUser(c); // the session's trainers and in-house leads, admin
      const { id } = c.req.valid('param');
      await requireSessionManager(deps, actor, id);
      const { text, includeWaiting } = c.req.valid('json');
      const told = await sendMessage(deps, actor.id, id, text, includeWaiting);
      return c.json({ told }, 201);
    },
  );

  return app;
}
