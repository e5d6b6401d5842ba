/**
 * The audit log: actions on a person's personal data kept on record by ids only (no personal
 * data), who did what to whom and when. Erasing it (erasure.ts), downloading a copy of it
 * for someone else (privacy/service.ts, a subject access request) and putting their name or
 * email right (lifecycle.ts `updatePerson`: a new address is also a new way into the account)
 * are recorded.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLogTable } from '../../db/schema.js';
import type { Q } from './repository.js';

export async function recordAudit(db: Q, action: AuditLogTable['action'], actorId: string, subjectId: string, at: string) {
  await db.insertInto('audit_log').values({ id: randomUUID(), action, actor_id: actorId, subject_id: subjectId, at }).execute();
}
