/**
 * Mail goes out through a real SMTP exchange with an in-process server on 127.0.0.1.
 * With the server down nothing is lost; once it is back everything arrives exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredMailer, deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { startSmtp, startStallingSmtp } from '../smtp.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

async function bookSome(n: number) {
  const s = await t.session({ title: 'Supporting pupils with ADHD', capacity: { online: 2 } });
  const org = await t.org();
  const people = [];
  for (let i = 0; i < n; i++) {
    const p = await t.user('staff', org.id);
    people.push(p);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} });
  }
  return people;
}

describe('mail delivery over SMTP', () => {
  it('delivers each notice with a text and an HTML part, then marks it sent', async () => {
    const smtp = await startSmtp();
    try {
      const [p] = await bookSome(1);
      const result = await deliverDue(t.deps, smtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'SEND Live Training <noreply@example.org>'));
      expect(result).toEqual({ sent: 1, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.to).toEqual([p!.email]);
      expect(mail.raw).toMatch(/^Subject: Booked: Supporting pupils with ADHD/m);
      expect(mail.raw).toMatch(/Content-Type: text\/plain/);
      expect(mail.raw).toMatch(/Content-Type: text\/html/);
      expect(mail.raw).toContain('Tuesday, 10 February 2026, 16:00 to 17:30 (GMT)');
      const row = await t.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    } finally {
      await smtp.close();
    }
  });

  it('keeps everything while the mail server is down or refusing, and sends each once when it is back', async () => {
    // Reserve a port, then close it so the first attempts find nobody listening.
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, 'noreply@example.org');
    const people = await bookSome(4); // 2 confirmed + 2 waitlisted notices

    const down = await deliverDue(t.deps, mailer);
    expect(down).toEqual({ sent: 0, failed: 4 });
    let rows = await t.db.selectFrom('outbox').selectAll().execute();
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 1 && r.last_error)).toBe(true);
    // Not retried before its back-off time.
    expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 0 });

    // The server answers but refuses (421): still nothing lost, back-off grows.
    const refusing = await startSmtp(port, '421-mail');
    t.clock.advance(16_000);
    expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 4 });
    expect(refusing.received).toHaveLength(0);
    await refusing.close();
    rows = await t.db.selectFrom('outbox').selectAll().execute();
    expect(rows.every((r) => r.attempts === 2 && Date.parse(r.next_attempt_at) - t.clock.now().getTime() === 30_000)).toBe(true);

    // Back up: every message arrives exactly once.
    const up = await startSmtp(port);
    try {
      t.clock.advance(31_000);
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 4, failed: 0 });
      expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 0 });
      expect(up.received.map((m) => m.to[0]).sort()).toEqual(people.map((p) => p.email).sort());
      rows = await t.db.selectFrom('outbox').selectAll().execute();
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await up.close();
    }
  });

  it('sends what has been due longest first: a message waiting to be retried does not push ahead of one due before it', async () => {
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, 'noreply@example.org');
    const s = await t.session({ title: 'Autism awareness', capacity: { online: 5 } });
    const [first, second] = [await t.user('staff'), await t.user('staff')];
    // The first booking's notice fails (nobody listening) and is due again in 15 s.
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: first, body: {} });
    expect(await deliverDue(t.deps, mailer)).toEqual({ sent: 0, failed: 1 });
    // The second booking's notice is due at once, 5 s later: before the first's retry.
    t.clock.advance(5_000);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: second, body: {} });
    const up = await startSmtp(port);
    try {
      t.clock.advance(20_000); // both are due now
      expect(await deliverDue(t.deps, mailer, 1)).toEqual({ sent: 1, failed: 0 });
      expect(up.received.map((m) => m.to[0])).toEqual([second.email]);
      expect(await deliverDue(t.deps, mailer, 1)).toEqual({ sent: 1, failed: 0 });
      expect(up.received.map((m) => m.to[0])).toEqual([second.email, first.email]);
    } finally {
      await up.close();
    }
  });
});

describe('a mail server that keeps a send waiting', () => {
  it('ends the send well within the row’s lease, so no other process sends the same email while it is still going: it goes once', async () => {
    // A short lease, so that the bound on one send (a share of it) is reached quickly. The
    // server never lets the connection go idle, so only that bound can end the send: without
    // it this pass never ends, and the row's lease runs out while it is still sending.
    const config = { ...t.deps.config, mailLeaseMs: 1_000 };
    const deps = { ...t.deps, config };
    const stalling = await startStallingSmtp();
    const smtp = await startSmtp();
    try {
      await bookSome(1);
      const row = await t.db.selectFrom('outbox').select('id').executeTakeFirstOrThrow();
      const first = deliverDue(deps, configuredMailer({ ...config, smtpUrl: stalling.url }));
      await stalling.held;
      expect(await first).toEqual({ sent: 0, failed: 1 });
      // Its connection is closed before any of the message was sent on it, and the row is let go to be retried.
      await expect.poll(() => stalling.closed()).toBe(1);
      expect(stalling.dataCommands()).toBe(0);
      expect(await t.db.selectFrom('outbox').select(['status', 'locked_until', 'attempts']).where('id', '=', row.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending', locked_until: null, attempts: 1 });
      // Retried after its back-off, by another process with a mail server that answers: the email goes once.
      t.clock.advance(16_000);
      expect(await deliverDue(deps, configuredMailer({ ...config, smtpUrl: smtp.url }))).toEqual({ sent: 1, failed: 0 });
      expect(smtp.accepted.get(row.id)).toBe(1);
    } finally {
      await stalling.close();
      await smtp.close();
    }
  }, 15_000);
});

describe('the local outbox (no mail server configured)', () => {
  it('files only what is due and not claimed by another process, soonest due first, each once, with when and how often it was tried', async () => {
    await bookSome(4); // four notices, due at once
    const rows = await t.db.selectFrom('outbox').select(['id', 'next_attempt_at']).orderBy('id').execute();
    const [later, leased, ...due] = rows.map((r) => r.id);
    const now = t.clock.now().getTime();
    // One is not due for another minute; another is being sent by another process (its lease still runs).
    await t.db.updateTable('outbox').set({ next_attempt_at: new Date(now + 60_000).toISOString() }).where('id', '=', later!).execute();
    await t.db.updateTable('outbox').set({ locked_until: new Date(now + 60_000).toISOString() }).where('id', '=', leased!).execute();
    // The two due ones: the one due earlier is filed first.
    await t.db.updateTable('outbox').set({ next_attempt_at: new Date(now - 1_000).toISOString() }).where('id', '=', due[1]!).execute();

    expect(await deliverDue(t.deps, null, 1)).toEqual({ sent: 1, failed: 0 });
    const status = async () => new Map((await t.db.selectFrom('outbox').select(['id', 'status']).execute()).map((r) => [r.id, r.status]));
    expect((await status()).get(due[1]!)).toBe('local');
    expect((await status()).get(due[0]!)).toBe('pending');
    expect(await deliverDue(t.deps, null)).toEqual({ sent: 1, failed: 0 });
    expect(await deliverDue(t.deps, null)).toEqual({ sent: 0, failed: 0 });

    const after = new Map((await t.db.selectFrom('outbox').selectAll().execute()).map((r) => [r.id, r]));
    for (const id of due) expect(after.get(id)).toMatchObject({ status: 'local', attempts: 1, locked_until: null, last_error: null, sent_at: t.clock.now().toISOString() });
    expect(after.get(later!)).toMatchObject({ status: 'pending', attempts: 0, sent_at: null });
    expect(after.get(leased!)).toMatchObject({ status: 'pending', attempts: 0, sent_at: null });

    // Once the minute has passed (and the other process's lease with it), both are filed too.
    t.clock.advance(61_000);
    expect(await deliverDue(t.deps, null)).toEqual({ sent: 2, failed: 0 });
    expect([...(await status()).values()].every((s) => s === 'local')).toBe(true);
  });
});

describe('the local outbox keeps what each message said when filed', () => {
  it('shows a "Booked" email with the time it gave, after the session moved; the change email tells the new one', async () => {
    const admin = await t.user('admin');
    const s = await t.session({ title: 'Supporting pupils with ADHD', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    const p = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    expect(await deliverDue(t.deps, null)).toEqual({ sent: 1, failed: 0 });

    // The trainer moves it an hour later; the notice of the change is filed too.
    t.clock.advance(60_000);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-10T17:00:00.000Z', endsAt: '2026-02-10T18:30:00.000Z' } });
    expect(moved.status).toBe(200);
    expect((await deliverDue(t.deps, null)).sent).toBeGreaterThanOrEqual(1);

    const page = await t.request('GET', `/api/outbox?to=${encodeURIComponent(p.email)}`, { as: admin });
    expect(page.status).toBe(200);
    const booked = page.json.items.find((m: any) => m.kind === 'confirmed');
    const changed = page.json.items.find((m: any) => m.kind === 'session_changed');
    expect(booked.status).toBe('local');
    // 16:00 UTC on 10 February is 16:00 in London: what the email said when it was filed.
    expect(booked.text).toContain('\nWhen: Tuesday, 10 February 2026, 16:00 to 17:30 (GMT)\n');
    expect(changed.text).toContain('17:00 to 18:30');
    // Its calendar invite is kept with it, at the time it gave.
    const row = await t.db.selectFrom('outbox').selectAll().where('id', '=', booked.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.attachments!).ical.content).toContain('DTSTART;TZID=Europe/London:20260210T160000');
  });

  it('an erasure while a notice is being filed keeps the scrubbed words: the filed text does not come back', async () => {
    const s = await t.session({});
    const p = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    // Filed, then scrubbed as an erasure does, before its text is stored.
    await t.db.updateTable('outbox').set({ status: 'local' }).where('user_id', '=', p.id).execute();
    await t.db.updateTable('outbox').set({ subject: 'Personal data erased', text_body: '', html_body: '', attachments: '{}' }).where('user_id', '=', p.id).execute();
    const row = await t.db.selectFrom('outbox').selectAll().where('user_id', '=', p.id).executeTakeFirstOrThrow();
    await t.db.updateTable('outbox').set({ status: 'pending' }).where('id', '=', row.id).execute();
    expect(await deliverDue(t.deps, null)).toEqual({ sent: 1, failed: 0 });
    const after = await t.db.selectFrom('outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'local', subject: 'Personal data erased', text_body: '' });
  });
});

describe('"Retry now" on a message being sent at that moment', () => {
  it('does not let another process send it again: the email goes once', async () => {
    const s = await t.session({ capacity: { online: 2 } });
    const p = await t.user('staff', (await t.org()).id);
    const admin = await t.user('admin');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    const row = await t.db.selectFrom('outbox').select('id').where('kind', '=', 'confirmed').executeTakeFirstOrThrow();
    const sent: string[] = [];
    let started!: () => void;
    const sending = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const slowServer = new Promise<void>((resolve) => (finish = resolve));
    // One process's pass, with a slow mail server; then another process's, with a quick one.
    const first = deliverDue(t.deps, {
      async send(r) {
        sent.push(`first ${r.id}`);
        started();
        await slowServer;
      },
    });
    await sending;
    expect((await t.request('POST', `/api/outbox/${row.id}/retry`, { as: admin })).status).toBe(204);
    await deliverDue(t.deps, {
      async send(r) {
        sent.push(`second ${r.id}`);
      },
    });
    finish();
    await first;
    expect(sent.filter((x) => x.endsWith(row.id))).toEqual([`first ${row.id}`]);
    expect((await t.db.selectFrom('outbox').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status).toBe('sent');
  });
});
