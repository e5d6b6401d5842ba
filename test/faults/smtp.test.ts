/**
 * The mail server refuses in every way SMTP allows a temporary failure (421 at MAIL FROM,
 * 450 at RCPT TO, 451 after the whole message was sent), then goes away entirely, then
 * recovers. The job loop (the same pass the server runs) keeps every notice, backs off,
 * and once the server accepts again each notice arrives exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { startSmtp, type TestSmtp } from '../smtp.js';

let t: TestContext;
let smtp: TestSmtp | null = null;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await smtp?.close();
  smtp = null;
  await t.close();
});

const outbox = () => t.db.selectFrom('outbox').selectAll().orderBy('id').execute();

describe('SMTP refuses, then recovers', () => {
  it('keeps every notice through 421, 450, 451 and an outage, then delivers each exactly once', async () => {
    const s = await t.session({ title: 'Speech, language and communication needs', capacity: { online: 3 } });
    const org = await t.org();
    for (let i = 0; i < 6; i++) {
      const p = await t.user('staff', org.id);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    }
    const notices = await outbox();
    expect(notices).toHaveLength(6); // 3 confirmed + 3 waitlisted

    smtp = await startSmtp(0, '421-mail');
    const port = smtp.port;
    const mailer = smtpMailer(smtp.url, 'SEND Live Training <noreply@example.org>');
    let attemptsSoFar = 0;
    for (const mode of ['421-mail', '450-rcpt', '451-data'] as const) {
      smtp.refuse(mode);
      t.clock.advance(31 * 60_000); // past any back-off
      await runJobsOnce(t.deps, mailer);
      attemptsSoFar++;
      const rows = await outbox();
      // Every notice is still waiting, with the failure recorded and a later retry time.
      expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'pending'));
      expect(rows.every((r) => r.attempts >= 1 && r.attempts <= attemptsSoFar && r.last_error)).toBe(true);
      expect(rows.every((r) => Date.parse(r.next_attempt_at) > t.clock.now().getTime())).toBe(true);
      expect(smtp.accepted.size).toBe(0);
    }
    expect(smtp.refused()).toBeGreaterThanOrEqual(3);

    // The server goes away altogether.
    await smtp.close();
    smtp = null;
    t.clock.advance(31 * 60_000);
    await runJobsOnce(t.deps, mailer);
    expect((await outbox()).every((r) => r.status === 'pending' && r.last_error)).toBe(true);

    // It comes back on the same port: everything arrives, once.
    smtp = await startSmtp(port, 'none');
    t.clock.advance(31 * 60_000);
    await runJobsOnce(t.deps, mailer);
    await runJobsOnce(t.deps, mailer);
    t.clock.advance(31 * 60_000);
    await runJobsOnce(t.deps, mailer);
    const rows = await outbox();
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'sent'));
    expect([...smtp.accepted.keys()].sort()).toEqual(notices.map((n) => n.id).sort());
    expect([...smtp.accepted.values()]).toEqual(notices.map(() => 1));
  });

  it('does not retry a refused notice before its back-off time', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const p = await t.user('staff', (await t.org()).id);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
    smtp = await startSmtp(0, '451-data');
    const mailer = smtpMailer(smtp.url, 'noreply@example.org');
    await runJobsOnce(t.deps, mailer);
    const refusedOnce = smtp.refused();
    expect(refusedOnce).toBe(1);
    smtp.refuse('none');
    t.clock.advance(5_000); // the first back-off is 15 s
    await runJobsOnce(t.deps, mailer);
    expect(smtp.accepted.size).toBe(0);
    t.clock.advance(11_000);
    await runJobsOnce(t.deps, mailer);
    expect(smtp.accepted.size).toBe(1);
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });
});
