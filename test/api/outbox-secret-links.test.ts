/**
 * A password-reset link (and an emailed sign-in link) is a key to someone's account: only its
 * SHA-256 is kept in `password_resets` / `sign_in_links`. When mail goes out over SMTP, no
 * administrator needs to read it, so the Mail page (GET /api/outbox) never shows it, and once
 * the email has been sent the outbox row no longer holds it either: an administrator, or
 * anyone holding a copy of the database, cannot use someone else's link. The person's own
 * email still carries the link, and it works. Without a mail server (the local outbox a
 * developer reads) nothing changes: the link is there to be read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredMailer, deliverDue } from '../../server/notifications/delivery.js';
import { makeTestContext, TEST_PASSWORD, type TestContext } from '../helpers.js';
import { startSmtp, type TestSmtp } from '../smtp.js';

let t: TestContext;
let smtp: TestSmtp;
beforeEach(async () => {
  smtp = await startSmtp();
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', config: { smtpUrl: smtp.url } });
});
afterEach(async () => {
  await t.close();
  await smtp.close();
});

const TOKEN = /#token=([A-Za-z0-9_-]{20,})/;
/** The raw MIME as text, quoted-printable soft line breaks and escapes undone. */
const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');

describe('an emailed link to someone’s account, when mail goes out over SMTP', () => {
  it('is never shown to an administrator on the Mail page, and is gone from the outbox once sent; the person’s own email still works', async () => {
    const org = await t.org();
    const pat = await t.user('staff', org.id);
    const admin = await t.user('admin');
    expect((await t.request('POST', '/api/auth/password-reset', { body: { email: pat.email } })).status).toBe(202);
    const pending = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'password_reset').executeTakeFirstOrThrow();
    const token = TOKEN.exec(pending.text_body ?? '')![1]!;

    // Waiting to be sent: the Mail page lists it, without the link's token.
    const waiting = await t.request('GET', `/api/outbox?to=${encodeURIComponent(pat.email)}`, { as: admin });
    expect(waiting.status).toBe(200);
    expect(waiting.json.items.map((m: { kind: string }) => m.kind)).toEqual(['password_reset']);
    expect(waiting.json.items[0].text).toMatch(/reset-password/);
    expect(waiting.text).not.toContain(token);

    // Sent: the person's email holds the link; the row no longer does.
    expect(await deliverDue(t.deps, configuredMailer(t.deps.config))).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(unfold(smtp.received[0]!.raw)).toContain(`#token=${token}`);
    const sent = await t.db.selectFrom('outbox').selectAll().where('id', '=', pending.id).executeTakeFirstOrThrow();
    expect(sent.status).toBe('sent');
    expect(`${sent.subject}\n${sent.text_body}\n${sent.html_body}`).not.toContain(token);
    const listed = await t.request('GET', `/api/outbox?to=${encodeURIComponent(pat.email)}`, { as: admin });
    expect(listed.json.items).toHaveLength(1);
    expect(listed.text).not.toContain(token);

    // The link in the person's email is the one that works.
    expect((await t.request('POST', '/api/auth/password-reset/complete', { body: { token, password: 'a brand new passphrase' } })).status).toBe(204);
    expect((await t.request('POST', '/api/auth/login', { body: { email: pat.email, password: 'a brand new passphrase' } })).status).toBe(200);
    expect((await t.request('POST', '/api/auth/login', { body: { email: pat.email, password: TEST_PASSWORD } })).status).toBe(401);
  });

  it('an emailed sign-in link is kept out of the Mail page and the sent row alike', async () => {
    const org = await t.org();
    const pat = await t.user('staff', org.id);
    const admin = await t.user('admin');
    expect((await t.request('POST', '/api/auth/email-link', { body: { email: pat.email } })).status).toBe(202);
    const pending = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'sign_in_link').executeTakeFirstOrThrow();
    const token = TOKEN.exec(pending.text_body ?? '')![1]!;
    expect((await t.request('GET', '/api/outbox', { as: admin })).text).not.toContain(token);
    expect(await deliverDue(t.deps, configuredMailer(t.deps.config))).toEqual({ sent: 1, failed: 0 });
    expect(unfold(smtp.received[0]!.raw)).toContain(`#token=${token}`);
    const sent = await t.db.selectFrom('outbox').selectAll().where('id', '=', pending.id).executeTakeFirstOrThrow();
    expect(`${sent.text_body}\n${sent.html_body}`).not.toContain(token);
    expect((await t.request('GET', '/api/outbox', { as: admin })).text).not.toContain(token);
  });
});

describe('the local outbox (no mail server)', () => {
  it('still shows an administrator the whole link: it is the only place it can be read', async () => {
    const local = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    try {
      const org = await local.org();
      const pat = await local.user('staff', org.id);
      const admin = await local.user('admin');
      expect((await local.request('POST', '/api/auth/password-reset', { body: { email: pat.email } })).status).toBe(202);
      await deliverDue(local.deps, null);
      const listed = await local.request('GET', '/api/outbox', { as: admin });
      const token = TOKEN.exec(listed.json.items[0].text)?.[1];
      expect(token).toBeDefined();
      expect((await local.request('POST', '/api/auth/password-reset/complete', { body: { token, password: 'a brand new passphrase' } })).status).toBe(204);
    } finally {
      await local.close();
    }
  });
});
