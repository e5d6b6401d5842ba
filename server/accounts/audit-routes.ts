import { createRoute } from '@hono/zod-openapi';
import { AuditLogPage, AuditLogQuery } from '../../shared/audit.js';
import type { Deps } from '../platform/deps.js';
import { jsonResponse, requireRole, router } from '../platform/http.js';
import { auditLog } from './audit.js';

/** The audit log, for administrators (server/accounts/audit.ts). Mounted by accountRoutes. */
export function auditRoutes(deps: Deps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit-log',
      tags: ['accounts'],
      summary: 'Who did what to whose account, newest first, a page at a time (admin)',
      description:
        'The security-relevant account actions: a role or organisation changed, an account turned off or on, the captioner flag given or taken away, a password reset link sent by an administrator, a name or email put right (which, never what to: `changed` gives from and to, read from the person’s former details as the log is read, and gone once they are erased), personal data downloaded for someone or erased; and who signs in where: identity providers added, changed (which settings, never their values) or removed, and organisations made to require their own sign-in or no longer. ' +
        '`person` keeps the entries that person did or that were done to them. `next` is the cursor for the older entries (give it as `before`; null: there are none): pages follow on without repeating or skipping an entry, however many are written meanwhile. ' +
        'Names are those the accounts (and organisations) hold now: an erased person’s is the placeholder their account holds, and something since deleted has none (null).',
      request: { query: AuditLogQuery },
      responses: {
        200: jsonResponse(AuditLogPage, 'A page of entries, newest first'),
        400: { description: '`validation_failed`: `person` is not a person’s id, `before` is not a cursor the log gave, or `limit` is not 1 to 100' },
      },
    }),
    async (c) => c.json(await auditLog(deps, requireRole(c, 'admin'), c.req.valid('query')), 200),
  );
  return app;
}
