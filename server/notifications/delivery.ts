/**
 * Delivers the outbox. Rows are claimed with a short lease (FOR UPDATE SKIP LOCKED on
 * PostgreSQL, the single writer on SQLite), so several processes never send the same
 * message at once, and a process that dies mid-send leaves its rows to be retried by
 * another once the lease runs out. Failures back off exponentially, without limit on
 * attempts: nothing is dropped while the mail server is down.
 */
import nodemailer from 'nodemailer';
import type { Deps } from '../platform/deps.js';
import type { OutboxParts } from './outbox.js';
import type { OutboxRow } from '../../db/schema.js';

export interface Mailer {
  send(row: OutboxRow): Promise<void>;
}

const LEASE_MS = 2 * 60_000;

/** Seconds to wait after the n-th failure: 15 s doubling to at most 30 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 60, 15 * 2 ** Math.max(0, attempts - 1));
}

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as object);
  return {
    async send(row) {
      const parts = JSON.parse(row.attachments) as OutboxParts;
      await transport.sendMail({
        from,
        to: row.to_email,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        messageId: `<${row.id}@send-live-training>`,
        ...(parts.ical ? { icalEvent: { method: parts.ical.method, content: parts.ical.content, filename: 'invite.ics' } } : {}),
      });
    },
  };
}

/** Claims up to `limit` due rows for this process. */
async function claim(deps: Deps, limit: number): Promise<OutboxRow[]> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
  return deps.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
      .orderBy('created_at')
      .limit(limit);
    if (deps.dbKind === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length) await trx.updateTable('outbox').set({ locked_until: leaseUntil }).where('id', 'in', rows.map((r) => r.id)).execute();
    return rows;
  });
}

/**
 * One delivery pass. Without a mailer (no SMTP_URL) messages are kept in the local outbox,
 * marked `local`, for an administrator to read.
 */
export async function deliverDue(deps: Deps, mailer: Mailer | null, limit = 50): Promise<{ sent: number; failed: number }> {
  const rows = await claim(deps, limit);
  let sent = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      if (mailer) await mailer.send(row);
      await deps.db
        .updateTable('outbox')
        .set({ status: mailer ? 'sent' : 'local', sent_at: deps.now().toISOString(), attempts: row.attempts + 1, locked_until: null, last_error: null })
        .where('id', '=', row.id)
        .execute();
      sent++;
    } catch (e) {
      const attempts = row.attempts + 1;
      const next = new Date(deps.now().getTime() + backoffSeconds(attempts) * 1000).toISOString();
      await deps.db
        .updateTable('outbox')
        .set({ attempts, next_attempt_at: next, locked_until: null, last_error: String((e as Error)?.message ?? e).slice(0, 500) })
        .where('id', '=', row.id)
        .execute();
      deps.logger.warn('mail delivery failed', { outboxId: row.id, attempts, error: String((e as Error)?.message ?? e) });
      failed++;
    }
  }
  return { sent, failed };
}
