/**
 * Audit of accounts, sign-in and certificates: each test here failed on the code before its fix.
 * - My account's "How you sign in" listed a password and emailed links for people whose
 *   organisation requires its own sign-in, though both are refused (403 sso_required).
 * - The sign-in page's provider button (a link the browser follows) answered a provider that
 *   could not be reached with a page of JSON instead of the sign-in page saying so.
 * - An administrator's "send a reset link" said "on its way" when the hourly cap had held the
 *   email back, and nothing was sent.
 * - A certificate with long (but allowed: 200 characters) name and titles ran onto a second page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { renderCertificatePdf } from '../../server/certificates/pdf.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { makeTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers.js';
import { startTestIssuer } from '../oidc-issuer.js';

let t: TestContext;
let admin: TestUser;
beforeAll(async () => {
  t = await makeTestContext();
  admin = await t.user('admin');
});
afterAll(() => t.close());

describe('How you sign in (My account)', () => {
  it('does not offer a password or sign-in links to someone whose organisation requires its own sign-in; administrators keep them', async () => {
    const org = await t.org('Oak Academy', { ssoRequired: true });
    const staff = await t.user('staff', org.id);
    // What the page lists is what works.
    expect((await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).json.error.code).toBe('sso_required');
    const methods = await t.request('GET', '/api/me/sign-in-methods', { as: staff });
    expect(methods.status).toBe(200);
    expect(methods.json).toMatchObject({ password: false, emailLink: false, providers: [] });

    // Administrators are never held to it, even placed in such an organisation.
    const placedAdmin = await t.user('admin', org.id);
    expect((await t.request('GET', '/api/me/sign-in-methods', { as: placedAdmin })).json).toMatchObject({ password: true, emailLink: true });
    // Once the organisation stops requiring it, both are offered again.
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: {} } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/sign-in-methods', { as: staff })).json).toMatchObject({ password: true, emailLink: true });
  });
});

describe('starting to sign in with a provider that cannot be reached', () => {
  it('sends the browser back to the sign-in page with sso_error (and where it was going), not a page of JSON', async () => {
    const op = await startTestIssuer();
    const ctx = await makeTestContext({ config: { outbound: { ...defaultConfig().outbound, allow: [op.hostPort] } } });
    try {
      const boss = await ctx.user('admin');
      const added = await ctx.request('POST', '/api/identity-providers', { as: boss, body: { label: 'Oak sign-in', issuer: op.issuer, clientId: op.clientId } });
      expect(added.status).toBe(201);
      expect((await ctx.request('GET', `/api/auth/oidc/${added.json.id}/start`)).status).toBe(302); // reachable: off to the provider
      await op.close();
      const down = await ctx.request('GET', `/api/auth/oidc/${added.json.id}/start?next=${encodeURIComponent('/sessions/abc')}`);
      expect(down.status).toBe(302);
      const to = new URL(down.headers.get('location')!, 'http://localhost:3000');
      expect(to.pathname).toBe('/signin');
      expect(to.searchParams.get('sso_error')).toBe('sso_failed');
      expect(to.searchParams.get('next')).toBe('/sessions/abc');
      // An unknown provider is still 404.
      expect((await ctx.request('GET', '/api/auth/oidc/00000000-0000-4000-8000-000000000000/start')).status).toBe(404);
    } finally {
      await ctx.close();
    }
  });
});

describe('an administrator sends someone a reset link', () => {
  it('is told when the hourly cap holds the email back (429 with Retry-After), rather than that it is on its way', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const sent = async () => (await t.mails('password_reset')).filter((m) => m.to_email === u.email).length;
    for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/auth/password-reset', { body: { email: u.email } })).status).toBe(202);
    expect(await sent()).toBe(3);
    const held = await t.request('POST', `/api/users/${u.id}/password-reset`, { as: admin });
    expect(held.status).toBe(429);
    expect(held.json.error.code).toBe('rate_limited');
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await sent()).toBe(3);
    // An hour on, it goes.
    t.clock.advance(61 * 60_000);
    const ok = await t.request('POST', `/api/users/${u.id}/password-reset`, { as: admin });
    expect(ok.status).toBe(202);
    expect(await sent()).toBe(4);
  });
});

describe('a certificate with the longest name and titles allowed', () => {
  it('is one page, with the verification code and the check line on it', async () => {
    const longest = (word: string) => Array.from({ length: 50 }, () => word).join(' ').slice(0, 200); // 200 characters, as names and titles may be
    const pdf = await renderCertificatePdf(
      { kind: 'attendance', code: 'ABCDEFGHJKMNPQRS', name: longest('WWWW'), sessionTitle: longest('MMMM'), courseTitle: longest('WWWW'), date: '2026-02-10', minutes: 85 },
      'http://localhost:3000/verify/ABCD-EFGH-JKMN-PQRS',
      new Date('2026-02-11T09:00:00Z'),
    );
    const doc = await getDocument({ data: new Uint8Array(pdf) }).promise;
    expect(doc.numPages).toBe(1);
    const text = (await (await doc.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    expect(text).toContain('ABCD-EFGH-JKMN-PQRS');
    expect(text).toContain('Check this certificate at');
  });
});
