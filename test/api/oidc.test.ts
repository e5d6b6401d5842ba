/**
 * Signing in with an identity provider (OpenID Connect): an administrator adds one, a person
 * is sent there and comes back to the callback; first sign-in makes a staff account in the
 * organisation of their email domain (or of the URN claim), later ones link to it; every way
 * an ID token can be wrong is refused, and a callback cannot be replayed. The provider here
 * is a test issuer on 127.0.0.1 signing ID tokens with jose (test/oidc-issuer.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../server/platform/deps.js';
import { makeTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../helpers.js';
import { lastCodeOf, startTestIssuer, type TestIssuer } from '../oidc-issuer.js';

let t: TestContext;
let op: TestIssuer;
let admin: TestUser;
beforeAll(async () => {
  op = await startTestIssuer();
  t = await makeTestContext({ config: { oidcSecretKey: 'a test key that is long enough to be a key', outbound: { ...defaultConfig().outbound, allow: [op.hostPort] } } });
  admin = await t.user('admin');
});
afterAll(async () => {
  await t.close();
  await op.close();
});

async function provider(body: Record<string, unknown> = {}) {
  const res = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Test', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret', ...body } });
  if (res.status !== 201) throw new Error(`provider: ${res.status} ${res.text}`);
  return res.json as { id: string };
}

/** Starts at /start as a browser (with `cookie` if it has one), lets the issuer "sign in", and comes back to the callback. */
async function signInVia(providerId: string, opts: { cookie?: string; next?: string } = {}) {
  const start = await t.request('GET', `/api/auth/oidc/${providerId}/start${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`, { headers: opts.cookie ? { cookie: opts.cookie } : {} });
  expect(start.status).toBe(302);
  const location = start.headers.get('location')!;
  const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
  const { state } = op.authorize(location);
  const callbackPath = `/api/auth/oidc/callback?code=${encodeURIComponent(lastCodeOf(op))}&state=${encodeURIComponent(state)}`;
  const back = await t.request('GET', callbackPath, { headers: { cookie } });
  return { start, location, cookie, callbackPath, back, sid: back.headers.get('set-cookie')?.match(/sid=([^;]+)/)?.[1] };
}
const refusedWith = (back: { status: number; headers: Headers }) => (back.status === 302 ? new URL(back.headers.get('location')!, 'http://x').searchParams.get('sso_error') : `status ${back.status}`);
const claims = (f: (nonce: string, d: Record<string, unknown>) => Record<string, unknown>) => (op.next = { claims: f as never });

describe('OpenID Connect sign-in', () => {
  it('an administrator adds a provider; the secret is encrypted at rest and never shown back; others may not', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'example.org', orgId: org.id }] });
    const list = await t.request('GET', '/api/identity-providers', { as: admin });
    expect(list.json.callbackUrl).toBe('http://localhost:3000/api/auth/oidc/callback');
    const shown = list.json.items.find((x: any) => x.id === p.id);
    expect(shown).toMatchObject({ label: 'Sign in with Test', hasClientSecret: true, orgDomains: [{ domain: 'example.org', orgId: org.id }] });
    expect(list.text).not.toContain('test-client-secret');
    const stored = await t.db.selectFrom('identity_providers').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(stored.client_secret_enc).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain('test-client-secret');
    // Buttons for everyone, settings for administrators only.
    expect((await t.request('GET', '/api/auth/oidc/providers')).json.items).toContainEqual({ id: p.id, label: 'Sign in with Test' });
    const staff = await t.user('staff', org.id);
    expect((await t.request('POST', '/api/identity-providers', { as: staff, body: { label: 'x', issuer: op.issuer, clientId: 'x' } })).status).toBe(403);
    expect((await t.request('GET', '/api/identity-providers', { as: staff })).status).toBe(403);
  });

  it('refuses an issuer without a discovery document, or on plain http, and changes nothing', async () => {
    const before = (await t.request('GET', '/api/identity-providers', { as: admin })).json.items.length;
    const missing = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Nope', issuer: `${op.issuer}/nothing-here`, clientId: 'x' } });
    expect(missing.status).toBe(422);
    const plain = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Nope', issuer: 'http://login.example.net', clientId: 'x' } });
    expect(plain.status).toBe(400);
    expect(plain.json.error.details.issues[0].path).toBe('issuer');
    expect((await t.request('GET', '/api/identity-providers', { as: admin })).json.items.length).toBe(before);
  });

  it('first sign-in makes a staff account in the school of the email domain; the second links to it; the callback cannot be replayed', async () => {
    const org = await t.org('Oak Primary');
    const p = await provider({ orgDomains: [{ domain: 'oak.sch.uk', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'oak-1', email: 'Pat.Jones@oak.sch.uk', name: 'Pat Jones', nonce }));
    const first = await signInVia(p.id, { next: '/bookings' });
    expect(first.location.startsWith(`${op.issuer}/authorize?`)).toBe(true);
    const sent = new URL(first.location).searchParams;
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('redirect_uri')).toBe('http://localhost:3000/api/auth/oidc/callback');
    expect(first.back.status).toBe(302);
    expect(first.back.headers.get('location')).toBe('/bookings');
    const me = await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${first.sid}` } });
    expect(me.json).toMatchObject({ email: 'pat.jones@oak.sch.uk', name: 'Pat Jones', role: 'staff', orgId: org.id });

    const replay = await t.request('GET', first.callbackPath, { headers: { cookie: first.cookie } });
    expect(refusedWith(replay)).toBe('sso_failed');

    const second = await signInVia(p.id);
    expect(second.back.headers.get('location')).toBe('/sessions');
    const again = await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${second.sid}` } });
    expect(again.json.id).toBe(me.json.id);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'pat.jones@oak.sch.uk').execute()).toHaveLength(1);
    const methods = await t.request('GET', '/api/me/sign-in-methods', { headers: { authorization: `Bearer ${second.sid}` } });
    expect(methods.json).toMatchObject({ password: false, providers: [{ label: 'Sign in with Test' }] });
  });

  it('links to an existing account with the same verified email; sessions behave like password ones', async () => {
    const org = await t.org();
    const existing = await t.user('staff', org.id);
    const p = await provider({ orgDomains: [{ domain: 'example.org', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: `sub-${existing.id}`, email: existing.email, nonce }));
    const r = await signInVia(p.id);
    const bearer = { authorization: `Bearer ${r.sid}` };
    expect((await t.request('GET', '/api/me', { headers: bearer })).json.id).toBe(existing.id);
    // Cookie sign-in: a change needs the CSRF token; signing out ends the session.
    expect((await t.request('POST', '/api/me/password', { headers: { cookie: `sid=${r.sid}` }, body: { currentPassword: TEST_PASSWORD, newPassword: 'another long passphrase' } })).status).toBe(403);
    expect((await t.request('POST', '/api/auth/logout', { headers: bearer })).status).toBe(204);
    expect((await t.request('GET', '/api/me', { headers: bearer })).status).toBe(401);
  });

  it('the organisation can come from a claim holding its URN (DfE Sign-in)', async () => {
    const id = crypto.randomUUID();
    await t.db.insertInto('organisations').values({ id, name: 'Elm Academy', urn: '140123', parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: new Date().toISOString() } as never).execute();
    const p = await provider({ orgClaim: 'organisation.urn' });
    claims((nonce, d) => ({ ...d, sub: 'dfe-1', email: 'lee@elm-academy.org.uk', nonce, organisation: { id: 'x', urn: '140123', name: 'Elm Academy' } }));
    const r = await signInVia(p.id);
    expect((await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${r.sid}` } })).json.orgId).toBe(id);
  });

  it('someone who maps to no organisation is refused clearly, and nothing is created', async () => {
    const p = await provider({ orgDomains: [] });
    claims((nonce, d) => ({ ...d, sub: 'nowhere-1', email: 'sam@unknown-school.org.uk', nonce }));
    const r = await signInVia(p.id);
    expect(refusedWith(r.back)).toBe('sso_no_organisation');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'sam@unknown-school.org.uk').execute()).toHaveLength(0);
  });

  it('cannot take over an account whose email domain the provider does not serve', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'oak2.sch.uk', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'intruder', email: admin.email, nonce }));
    const r = await signInVia(p.id);
    expect(refusedWith(r.back)).toBe('sso_no_organisation');
    expect(r.sid).toBeUndefined();
  });

  describe('bad ID tokens are refused, and nobody is signed in', () => {
    const cases: [string, (nonce: string, d: Record<string, any>) => Record<string, unknown>, boolean?][] = [
      ['a wrong issuer', (n, d) => ({ ...d, nonce: n, iss: 'https://evil.example.net' })],
      ['a wrong audience', (n, d) => ({ ...d, nonce: n, aud: 'some-other-client' })],
      ['a wrong nonce', (_n, d) => ({ ...d, nonce: 'not-the-nonce' })],
      ['an expired token', (n, d) => ({ ...d, nonce: n, iat: d.iat - 7200, exp: d.iat - 3600 })],
      ['a bad signature', (n, d) => ({ ...d, nonce: n }), true],
    ];
    for (const [what, shape, badSignature] of cases) {
      it(what, async () => {
        const org = await t.org();
        const p = await provider({ orgDomains: [{ domain: 'bad.sch.uk', orgId: org.id }] });
        op.next = { claims: (n, d) => shape(n, { ...d, sub: `bad-${what}`, email: `x-${what.length}@bad.sch.uk` }) as never, badSignature };
        const r = await signInVia(p.id);
        expect(refusedWith(r.back)).toBe('sso_failed');
        expect(r.sid).toBeUndefined();
        expect(await t.db.selectFrom('users').select('id').where('org_id', '=', org.id).execute()).toHaveLength(0);
      });
    }
    it('an unverified email', async () => {
      const org = await t.org();
      const p = await provider({ orgDomains: [{ domain: 'bad.sch.uk', orgId: org.id }] });
      claims((nonce, d) => ({ ...d, sub: 'unverified', email: 'u@bad.sch.uk', email_verified: false, nonce }));
      const r = await signInVia(p.id);
      expect(refusedWith(r.back)).toBe('sso_email_unverified');
      expect(await t.db.selectFrom('users').select('id').where('email', '=', 'u@bad.sch.uk').execute()).toHaveLength(0);
    });
  });

  it('a callback in another browser (without the cookie), or after 10 minutes, is refused', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'late.sch.uk', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'late', email: 'l@late.sch.uk', nonce }));
    const start = await t.request('GET', `/api/auth/oidc/${p.id}/start`);
    const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
    const { state } = op.authorize(start.headers.get('location')!);
    const path = `/api/auth/oidc/callback?code=${lastCodeOf(op)}&state=${state}`;
    expect(refusedWith(await t.request('GET', path))).toBe('sso_failed');
    t.clock.advance(10 * 60_000 + 1000);
    expect(refusedWith(await t.request('GET', path, { headers: { cookie } }))).toBe('sso_failed');
    expect(op.tokenRequests).toBeGreaterThan(0);
  });

  it('an organisation can require SSO: its staff cannot sign in with a password (or get a sign-in link); administrators still can', async () => {
    const org = await t.org('SSO School', { ssoRequired: true });
    const staff = await t.user('staff', org.id);
    const refused = await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('sso_required');
    // A wrong password still learns nothing.
    expect((await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: 'wrong one' } })).status).toBe(401);
    await t.request('POST', '/api/auth/email-link', { body: { email: staff.email } });
    expect((await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email)).toHaveLength(0);
    expect((await t.request('POST', '/api/auth/login', { body: { email: admin.email, password: TEST_PASSWORD } })).status).toBe(200);
  });

  it('an administrator turns "require SSO" on and off in the organisation settings', async () => {
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const login = () => t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } });
    expect((await login()).status).toBe(200);
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    expect((await login()).json.error.code).toBe('sso_required');
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: {} } })).status).toBe(200);
    expect((await login()).status).toBe(200);
  });
});
