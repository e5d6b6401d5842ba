/**
 * Signing in with an identity provider (OpenID Connect): an administrator adds one, a person
 * is sent there and comes back to the callback; first sign-in makes a staff account in the
 * organisation of their email domain (or of the URN claim), later ones link to it; every way
 * an ID token can be wrong is refused, and a callback cannot be replayed. The provider here
 * is a test issuer on 127.0.0.1 signing ID tokens with jose (test/oidc-issuer.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { safeNextPath } from '../../shared/common.js';
import { sql } from 'kysely';
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
async function signInVia(providerId: string, opts: { cookie?: string; next?: string; headers?: Record<string, string> } = {}) {
  const start = await t.request('GET', `/api/auth/oidc/${providerId}/start${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`, { headers: { ...opts.headers, ...(opts.cookie ? { cookie: opts.cookie } : {}) } });
  expect(start.status).toBe(302);
  const location = start.headers.get('location')!;
  const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
  const { state } = op.authorize(location);
  const callbackPath = `/api/auth/oidc/callback?code=${encodeURIComponent(lastCodeOf(op))}&state=${encodeURIComponent(state)}`;
  const back = await t.request('GET', callbackPath, { headers: { ...opts.headers, cookie } });
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

  it('the staff of a school behind one address sign in one after another without using up its allowance: a sign-in started and not finished still counts', async () => {
    const org = await t.org('Ash Academy');
    const p = await provider({ orgDomains: [{ domain: 'ash.sch.uk', orgId: org.id }] });
    const school = { 'x-forwarded-for': '203.0.113.88' };
    const [limits, proxies] = [t.deps.config.signInLimits, t.deps.config.trustProxy];
    t.deps.config.signInLimits = { ...limits, perClient: 3 };
    t.deps.config.trustProxy = 1;
    try {
      for (let i = 0; i < 5; i++) {
        claims((nonce, d) => ({ ...d, sub: `ash-${i}`, email: `teacher${i}@ash.sch.uk`, nonce }));
        const r = await signInVia(p.id, { headers: school });
        expect(r.back.headers.get('location')).toBe('/sessions');
        expect(r.sid).toBeTruthy();
      }
      // Started and abandoned (never back at the callback): counted, and stopped at the limit.
      const starts: (string | null)[] = [];
      for (let i = 0; i < 4; i++) starts.push(refusedWith(await t.request('GET', `/api/auth/oidc/${p.id}/start`, { headers: school })));
      expect(starts).toEqual([null, null, null, 'rate_limited']);
    } finally {
      t.deps.config.signInLimits = limits;
      t.deps.config.trustProxy = proxies;
    }
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
    const p = await provider({ orgClaim: 'organisation.urn', orgClaimScope: 'national' });
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

  it('does not link a school’s sign-in to an account another school’s office made for the same email', async () => {
    const schoolA = await t.org('Ash Primary');
    const schoolB = await t.org('Birch Academy');
    const officeA = await t.user('office', schoolA.id);
    // Made by Ash's office before Birch's sign-in was set up.
    const made = await t.request('POST', '/api/users', { as: officeA, body: { email: 'sam.teacher@birch.sch.uk', name: 'Sam Teacher', role: 'staff' } });
    expect(made.status).toBe(201);
    const p = await provider({ label: 'Birch SSO', orgDomains: [{ domain: 'birch.sch.uk', orgId: schoolB.id }] });
    claims((nonce, d) => ({ ...d, sub: 'birch-sam', email: 'sam.teacher@birch.sch.uk', name: 'Sam Teacher', nonce }));
    const r = await signInVia(p.id);
    expect(refusedWith(r.back)).toBe('sso_account_elsewhere');
    expect(r.sid).toBeUndefined();
    // Nothing linked or made: the account stays Ash's, and a second try is refused the same way.
    expect(await t.db.selectFrom('user_identities').select('id').where('provider_id', '=', p.id).execute()).toHaveLength(0);
    const rows = await t.db.selectFrom('users').select(['id', 'org_id']).where('email', '=', 'sam.teacher@birch.sch.uk').execute();
    expect(rows).toEqual([{ id: made.json.id, org_id: schoolA.id }]);
    expect(refusedWith((await signInVia(p.id)).back)).toBe('sso_account_elsewhere');
  });

  it('does not link an administrator’s account with an email of a domain the provider maps to a school', async () => {
    const org = await t.org();
    const staffAdmin = await t.user('admin');
    const p = await provider({ orgDomains: [{ domain: 'example.org', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'not-the-admin', email: staffAdmin.email, nonce }));
    const r = await signInVia(p.id);
    expect(refusedWith(r.back)).toBe('sso_account_elsewhere');
    expect(r.sid).toBeUndefined();
  });

  describe('a linked provider account signs in only while the provider still looks after the person', () => {
    const me = async (sid: string | undefined) => (sid ? (await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${sid}` } })).json : null);
    const place = async (id: string, body: { role: string; orgId: string | null }) => expect((await t.request('PUT', `/api/users/${id}/placement`, { as: admin, body })).status).toBe(200);
    const links = (providerId: string) => t.db.selectFrom('user_identities').select(['user_id', 'subject']).where('provider_id', '=', providerId).execute();

    it('school IdP no longer signs in a person promoted to administrator (or trainer); placed back, it does again', async () => {
      const ash = await t.org('Ash Primary');
      const p = await provider({ orgDomains: [{ domain: 'ash.sch.uk', orgId: ash.id }] });
      claims((nonce, d) => ({ ...d, sub: 'ash-kim', email: 'kim@ash.sch.uk', name: 'Kim', nonce }));
      const first = await signInVia(p.id);
      const kim = await me(first.sid);
      expect(kim).toMatchObject({ role: 'staff', orgId: ash.id });

      await place(kim.id, { role: 'admin', orgId: null });
      const again = await signInVia(p.id);
      expect({ error: refusedWith(again.back), role: (await me(again.sid))?.role }).toEqual({ error: 'sso_account_elsewhere', role: undefined });
      // An administrator or trainer placed in the school itself is no more the school's to sign in.
      for (const role of ['admin', 'trainer']) {
        await place(kim.id, { role, orgId: ash.id });
        const r = await signInVia(p.id);
        expect({ role, error: refusedWith(r.back), sid: r.sid }).toEqual({ role, error: 'sso_account_elsewhere', sid: undefined });
      }
      // The link is kept (it grants nothing by itself): placed back as staff, Kim signs in as before.
      expect(await links(p.id)).toEqual([{ user_id: kim.id, subject: 'ash-kim' }]);
      await place(kim.id, { role: 'staff', orgId: ash.id });
      const back = await signInVia(p.id);
      expect(await me(back.sid)).toMatchObject({ id: kim.id, role: 'staff', orgId: ash.id });
    });

    it('school IdP no longer signs in a person moved to a school it does not serve; moved back, it does again', async () => {
      const ash = await t.org('Ash Primary');
      const birch = await t.org('Birch Academy');
      const p = await provider({ orgDomains: [{ domain: 'ash2.sch.uk', orgId: ash.id }] });
      claims((nonce, d) => ({ ...d, sub: 'ash-lee', email: 'lee@ash2.sch.uk', name: 'Lee', nonce }));
      const lee = await me((await signInVia(p.id)).sid);
      expect(lee).toMatchObject({ role: 'staff', orgId: ash.id });

      await place(lee.id, { role: 'staff', orgId: birch.id });
      const moved = await signInVia(p.id);
      expect({ error: refusedWith(moved.back), sid: moved.sid }).toEqual({ error: 'sso_account_elsewhere', sid: undefined });
      await place(lee.id, { role: 'office', orgId: birch.id });
      expect(refusedWith((await signInVia(p.id)).back)).toBe('sso_account_elsewhere');

      await place(lee.id, { role: 'office', orgId: ash.id });
      expect(await me((await signInVia(p.id)).sid)).toMatchObject({ id: lee.id, role: 'office', orgId: ash.id });
    });

    it('an organisation claim speaks only for the organisation it names (DfE Sign-in)', async () => {
      const mkOrg = async (name: string, urn: string) => {
        const id = crypto.randomUUID();
        await t.db.insertInto('organisations').values({ id, name, urn, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: new Date().toISOString() } as never).execute();
        return id;
      };
      const rowan = await mkOrg('Rowan Academy', '150001');
      const yew = await mkOrg('Yew Academy', '150002');
      const p = await provider({ orgClaim: 'organisation.urn', orgClaimScope: 'national' });
      let urn = '150001';
      claims((nonce, d) => ({ ...d, sub: 'dfe-ash', email: 'ash@rowan-academy.org.uk', nonce, organisation: { urn } }));
      const ash = await me((await signInVia(p.id)).sid);
      expect(ash.orgId).toBe(rowan);
      await place(ash.id, { role: 'staff', orgId: yew });
      expect(refusedWith((await signInVia(p.id)).back)).toBe('sso_account_elsewhere');
      // The provider now says Yew, where the person now is: it may speak for them.
      urn = '150002';
      expect((await me((await signInVia(p.id)).sid))?.orgId).toBe(yew);
    });
  });

  it('does not link an administrator’s or trainer’s account placed in the very school the email domain maps to', async () => {
    const org = await t.org('Hazel Primary');
    const p = await provider({ orgDomains: [{ domain: 'hazel.sch.uk', orgId: org.id }] });
    for (const role of ['admin', 'trainer']) {
      const made = await t.request('POST', '/api/users', { as: admin, body: { email: `${role}@hazel.sch.uk`, name: `Hazel ${role}`, role, orgId: org.id } });
      expect(made.status).toBe(201);
      claims((nonce, d) => ({ ...d, sub: `hazel-${role}`, email: `${role}@hazel.sch.uk`, nonce }));
      const r = await signInVia(p.id);
      expect({ role, error: refusedWith(r.back), sid: r.sid }).toEqual({ role, error: 'sso_account_elsewhere', sid: undefined });
    }
    expect(await t.db.selectFrom('user_identities').select('id').where('provider_id', '=', p.id).execute()).toHaveLength(0);
  });

  it('an office may not add an account for an email another school signs in with; that school’s office and administrators may', async () => {
    const schoolA = await t.org('Cedar Primary');
    const schoolB = await t.org('Damson Academy');
    const officeA = await t.user('office', schoolA.id);
    const officeB = await t.user('office', schoolB.id);
    await provider({ orgDomains: [{ domain: 'damson.sch.uk', orgId: schoolB.id }] });
    const refused = await t.request('POST', '/api/users', { as: officeA, body: { email: 'Jo.Bloggs@damson.sch.uk', name: 'Jo Bloggs', role: 'staff' } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.issues).toEqual([{ path: 'email', message: expect.stringMatching(/^This email belongs to Damson Academy’s sign-in/) }]);
    const csv = await t.request('POST', `/api/orgs/${schoolA.id}/users/import`, { as: officeA, headers: { 'content-type': 'text/csv' }, body: 'name,email,role\nJo Bloggs,jo.bloggs@damson.sch.uk,staff\nKim Lee,kim@cedar.sch.uk,staff\n' });
    expect(csv.status).toBe(400);
    expect(csv.json.error.details.rows).toEqual([{ line: 2, message: expect.stringMatching(/^jo\.bloggs@damson\.sch\.uk belongs to Damson Academy’s sign-in/) }]);
    expect(await t.db.selectFrom('users').select('id').where('email', 'in', ['jo.bloggs@damson.sch.uk', 'kim@cedar.sch.uk']).execute()).toHaveLength(0);
    // The school the domain belongs to adds its own people; administrators are trusted to place anyone.
    expect((await t.request('POST', '/api/users', { as: officeB, body: { email: 'jo.bloggs@damson.sch.uk', name: 'Jo Bloggs', role: 'staff' } })).status).toBe(201);
    expect((await t.request('POST', '/api/users', { as: admin, body: { email: 'visiting@damson.sch.uk', name: 'Visiting Teacher', role: 'staff', orgId: schoolA.id } })).status).toBe(201);
    // Domains no provider maps are as before.
    expect((await t.request('POST', '/api/users', { as: officeA, body: { email: 'kim@cedar.sch.uk', name: 'Kim Lee', role: 'staff' } })).status).toBe(201);
  });

  describe('after signing in, a person lands only on a page of this site', () => {
    // Each would send a browser elsewhere if used as it is: a tab or newline is dropped, a
    // backslash read as a slash, and `/.//x` resolves to `//x`.
    const hostile = ['/\t/evil.example/phish', '/\n/evil.example', '/\r\n/evil.example', '/\\evil.example', '/\\\\evil.example', '//evil.example', '/ /evil.example', 'https://evil.example/phish', 'javascript:alert(1)', '/.//evil.example', '/..//evil.example/x', '/%2e%2e//evil.example', '/signin?next=//evil.example'];
    const good: [string, string][] = [['/sessions/abc?x=1', '/sessions/abc?x=1'], ['/bookings#upcoming', '/bookings#upcoming'], ['/%2F%2Fevil.example', '/%2F%2Fevil.example']];

    it('the callback sends hostile "next" addresses to /sessions, and good ones where they say', async () => {
      const org = await t.org();
      const p = await provider({ orgDomains: [{ domain: 'next.sch.uk', orgId: org.id }] });
      claims((nonce, d) => ({ ...d, sub: 'next-1', email: 'n@next.sch.uk', nonce }));
      for (const next of hostile) {
        const r = await signInVia(p.id, { next });
        expect(r.back.status, JSON.stringify(next)).toBe(302);
        expect(r.back.headers.get('location'), JSON.stringify(next)).toBe('/sessions');
      }
      for (const [next, lands] of good) {
        const location = (await signInVia(p.id, { next })).back.headers.get('location')!;
        expect(location).toBe(lands);
        // Where a browser goes from there: this site.
        expect(new URL(location, 'http://localhost:3000').origin).toBe('http://localhost:3000');
      }
    });

    it('the web page’s own rule (after a password sign-in) is the same', () => {
      for (const next of hostile) expect(safeNextPath(next, 'https://training.example'), JSON.stringify(next)).toBe('/sessions');
      for (const [next, lands] of good) expect(safeNextPath(next, 'https://training.example')).toBe(lands);
      expect(safeNextPath(null, 'https://training.example')).toBe('/sessions');
    });
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
      const r = await signInVia(p.id, { next: '/sessions/abc' });
      expect(refusedWith(r.back)).toBe('sso_email_unverified');
      // Back on the sign-in page, still going where they were going (another way of signing in takes them there).
      expect(new URL(r.back.headers.get('location')!, 'http://x').searchParams.get('next')).toBe('/sessions/abc');
      expect(await t.db.selectFrom('users').select('id').where('email', '=', 'u@bad.sch.uk').execute()).toHaveLength(0);
    });
  });

  it('a tampered callback (a state with a NUL byte, unknown, overlong or missing) sends the browser back to the sign-in page saying so, never a page of JSON, and the real sign-in still works', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'tamper.sch.uk', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'tamper', email: 'tam@tamper.sch.uk', nonce }));
    const start = await t.request('GET', `/api/auth/oidc/${p.id}/start`);
    const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
    const { state } = op.authorize(start.headers.get('location')!);
    const code = lastCodeOf(op);
    for (const tampered of [`${state}\u0000`, 'a\u0000b', 'not-a-state-we-gave', 'x'.repeat(5000), `${state}\u202e`, null]) {
      const query = new URLSearchParams({ code });
      if (tampered !== null) query.set('state', tampered);
      for (const headers of [{ cookie }, {}] as Record<string, string>[]) {
        const back = await t.request('GET', `/api/auth/oidc/callback?${query}`, { headers });
        expect(back.status, JSON.stringify(tampered)).toBe(302);
        expect(back.headers.get('location')).toBe('/signin?sso_error=sso_failed');
        expect(back.headers.get('set-cookie') ?? '').not.toMatch(/sid=/);
      }
    }
    // Nothing was used up or made: the sign-in the browser started still finishes.
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'tam@tamper.sch.uk').execute()).toHaveLength(0);
    const back = await t.request('GET', `/api/auth/oidc/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/sessions');
    expect(back.headers.get('set-cookie')).toMatch(/sid=/);
  });

  it('a callback that fails inside (its database refusing) also sends the browser back to the sign-in page, and the failure is logged', async () => {
    const p = await provider();
    const start = await t.request('GET', `/api/auth/oidc/${p.id}/start`);
    const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
    const { state } = op.authorize(start.headers.get('location')!);
    await sql`alter table oidc_logins rename to oidc_logins_away`.execute(t.db);
    try {
      const back = await t.request('GET', `/api/auth/oidc/callback?code=${encodeURIComponent(lastCodeOf(op))}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
      expect([back.status, back.headers.get('location')]).toEqual([302, '/signin?sso_error=sso_failed']);
    } finally {
      await sql`alter table oidc_logins_away rename to oidc_logins`.execute(t.db);
    }
    expect(t.logger.lines.some((l) => l.level === 'error' && String(l.msg).includes('callback'))).toBe(true);
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
    const unknown = await t.request('POST', '/api/auth/email-link', { body: { email: 'nobody-here@example.org' } });
    const asked = await t.request('POST', '/api/auth/email-link', { body: { email: staff.email } });
    expect([asked.status, asked.json]).toEqual([unknown.status, unknown.json]); // nothing said about the account
    expect((await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email)).toHaveLength(0);
    expect(await t.db.selectFrom('sign_in_links').select('id').where('user_id', '=', staff.id).execute()).toHaveLength(0);
    // Told how to sign in instead, rather than left waiting for a link that never comes.
    const told = (await t.mails('sign_in_link_sso')).filter((m) => m.to_email === staff.email);
    expect(told).toHaveLength(1);
    expect(told[0]!.message.text).toContain('SSO School asks its staff to sign in with their school account');
    expect(told[0]!.message.text).toContain('/signin');
    expect(told[0]!.message.text).not.toMatch(/signin-link|token=/);
    expect((await t.request('POST', '/api/auth/login', { body: { email: admin.email, password: TEST_PASSWORD } })).status).toBe(200);
  });

  it('a trainer placed in such an organisation is not held to it (its sign-in serves only staff and office staff): password, sign-in link, reset link and My account as anyone else', async () => {
    const org = await t.org('SSO Academy', { ssoRequired: true });
    const trainer = await t.user('trainer', org.id);
    expect((await t.request('POST', '/api/auth/login', { body: { email: trainer.email, password: TEST_PASSWORD } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/sign-in-methods', { as: trainer })).json).toMatchObject({ password: true, emailLink: true });
    expect((await t.request('POST', `/api/users/${trainer.id}/password-reset`, { as: admin })).status).toBe(202);
    expect((await t.request('POST', '/api/auth/email-link', { body: { email: trainer.email } })).status).toBe(202);
    expect((await t.mails('sign_in_link')).filter((m) => m.to_email === trainer.email)).toHaveLength(1);
    expect((await t.mails('sign_in_link_sso')).filter((m) => m.to_email === trainer.email)).toHaveLength(0);
  });

  it('an administrator turns "require SSO" on and off in the organisation settings', async () => {
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const login = () => t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } });
    expect((await login()).status).toBe(200);
    // Not until some identity provider signs its staff in: no one there could sign in at all.
    const bare = await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } });
    expect(bare.status).toBe(400);
    expect(bare.json.error.message).toMatch(/^No identity provider signs in .*'s staff yet, so requiring it would leave no one there able to sign in\./);
    expect((await login()).status).toBe(200);
    const p = await provider({ orgDomains: [{ domain: 'example.org', orgId: org.id }] });
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    // Nor can that provider then be removed while the organisation requires it and no other serves it.
    const removing = await t.request('DELETE', `/api/identity-providers/${p.id}`, { as: admin });
    expect(removing.status).toBe(409);
    expect(removing.json.error.message).toContain('requires staff to sign in with their school account, and no other identity provider signs them in');
    expect((await login()).json.error.code).toBe('sso_required');
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: {} } })).status).toBe(200);
    expect((await login()).status).toBe(200);
  });

  it('turning "require SSO" on ends the sign-in sessions of its staff and office staff at once (not of trainers, administrators or other schools); saving it again does not', async () => {
    const org = await t.org('Rowan Primary');
    const [staff, office, trainer] = [await t.user('staff', org.id), await t.user('office', org.id), await t.user('trainer', org.id)];
    const elsewhere = await t.user('staff', (await t.org('Ash Primary')).id);
    const byPassword = (await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).json.token as string;
    const me = (headers: Record<string, string>) => t.request('GET', '/api/me', { headers }).then((r) => r.status);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect(await me(bearer(byPassword))).toBe(200);
    await provider({ orgDomains: [{ domain: 'example.org', orgId: org.id }] });
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    // Their password sign-ins no longer let them in: they sign in again with the school's sign-in.
    expect(await me(bearer(byPassword))).toBe(401);
    expect(await me(staff.auth)).toBe(401);
    expect(await me(office.auth)).toBe(401);
    for (const kept of [trainer, elsewhere, admin]) expect(await me(kept.auth)).toBe(200);
    // Signed in again since (by the school's sign-in), they are not signed out by the next change of settings.
    const again = await t.user('staff', org.id);
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true, weekAStart: '2026-09-07' } } })).status).toBe(200);
    expect(await me(again.auth)).toBe(200);
  });

  it('moving staff or office staff into an organisation that requires its own sign-in ends their sign-in sessions at once (not a trainer’s or an administrator’s, nor theirs on a change within it)', async () => {
    const rowan = await t.org('Rowan Primary', { ssoRequired: true });
    const ash = await t.org('Ash Primary');
    const [staff, office, trainer, madeStaff] = [await t.user('staff', ash.id), await t.user('office', ash.id), await t.user('trainer', ash.id), await t.user('trainer', ash.id)];
    const inside = await t.user('staff', rowan.id);
    const byPassword = (await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).json.token as string;
    const me = (headers: Record<string, string>) => t.request('GET', '/api/me', { headers }).then((r) => r.status);
    const place = async (who: TestUser, role: string, orgId: string) => expect((await t.request('PUT', `/api/users/${who.id}/placement`, { as: admin, body: { role, orgId } })).status).toBe(200);
    expect(await me({ authorization: `Bearer ${byPassword}` })).toBe(200);

    await place(staff, 'staff', rowan.id);
    await place(office, 'office', rowan.id);
    await place(madeStaff, 'staff', rowan.id);
    // Their password sign-ins no longer let them in: they sign in again with the school's sign-in.
    expect(await me({ authorization: `Bearer ${byPassword}` })).toBe(401);
    for (const ended of [staff, office, madeStaff]) expect(await me(ended.auth)).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: TEST_PASSWORD } })).json.error.code).toBe('sso_required');

    // A trainer is not held to it; someone already held to it (signed in with the school's sign-in) stays signed in.
    await place(trainer, 'trainer', rowan.id);
    await place(inside, 'office', rowan.id);
    for (const kept of [trainer, inside, admin]) expect(await me(kept.auth)).toBe(200);
  });
});

describe('changing a provider', () => {
  const row = (id: string) => t.db.selectFrom('identity_providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const links = (providerId: string) => t.db.selectFrom('user_identities').select(['user_id', 'subject']).where('provider_id', '=', providerId).execute();
  const change = (id: string, body: unknown, as: TestUser = admin) => t.request('PATCH', `/api/identity-providers/${id}`, { as, body });
  const me = async (sid: string | undefined) => (sid ? (await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${sid}` } })).json : null);

  it('an administrator changes its label, email domains and client secret: people already linked go on signing in, and the new domains decide where a new sign-in places people', async () => {
    const oak = await t.org('Oak Primary');
    const elm = await t.org('Elm Academy');
    const p = await provider({ label: 'Sign in with Oak', orgDomains: [{ domain: 'oak-edit.sch.uk', orgId: oak.id }] });
    claims((nonce, d) => ({ ...d, sub: 'oak-edit-kim', email: 'kim@oak-edit.sch.uk', nonce }));
    const kim = await me((await signInVia(p.id)).sid);
    expect(kim).toMatchObject({ role: 'staff', orgId: oak.id });
    const before = await row(p.id);

    const changed = await change(p.id, { label: 'Sign in with Oak and Elm', orgDomains: [{ domain: 'oak-edit.sch.uk', orgId: oak.id }, { domain: 'Elm-Edit.sch.uk', orgId: elm.id }], clientSecret: 'rotated-client-secret' });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      id: p.id,
      label: 'Sign in with Oak and Elm',
      issuer: op.issuer,
      hasClientSecret: true,
      orgDomains: [{ domain: 'oak-edit.sch.uk', orgId: oak.id, orgName: 'Oak Primary' }, { domain: 'elm-edit.sch.uk', orgId: elm.id, orgName: 'Elm Academy' }],
    });
    expect(changed.text).not.toContain('rotated-client-secret');
    const after = await row(p.id);
    // The new secret replaced the old, encrypted as when added; the issuer and the links are as they were.
    expect(after.client_secret_enc).toMatch(/^v1\./);
    expect(after.client_secret_enc).not.toBe(before.client_secret_enc);
    expect(JSON.stringify(after)).not.toContain('rotated-client-secret');
    expect({ issuer: after.issuer, created_at: after.created_at }).toEqual({ issuer: before.issuer, created_at: before.created_at });
    expect(await links(p.id)).toEqual([{ user_id: kim.id, subject: 'oak-edit-kim' }]);
    expect((await t.request('GET', '/api/auth/oidc/providers')).json.items).toContainEqual({ id: p.id, label: 'Sign in with Oak and Elm' });

    // The provider (the test issuer) still knows the old secret only: the rotated one is what is sent now.
    const refused = await signInVia(p.id);
    expect({ error: refusedWith(refused.back), sid: refused.sid }).toEqual({ error: 'sso_failed', sid: undefined });
    // Rotated at the provider too: Kim signs in to the same account, by the same link.
    expect((await change(p.id, { clientSecret: 'test-client-secret' })).status).toBe(200);
    expect(await me((await signInVia(p.id)).sid)).toMatchObject({ id: kim.id, orgId: oak.id });
    expect(await links(p.id)).toEqual([{ user_id: kim.id, subject: 'oak-edit-kim' }]);

    // The second domain places a new person in its school.
    claims((nonce, d) => ({ ...d, sub: 'elm-edit-lee', email: 'lee@elm-edit.sch.uk', nonce }));
    expect(await me((await signInVia(p.id)).sid)).toMatchObject({ email: 'lee@elm-edit.sch.uk', role: 'staff', orgId: elm.id });

    // Oak's domain taken off: someone new from Oak is placed nowhere, and nothing is made.
    expect((await change(p.id, { orgDomains: [{ domain: 'elm-edit.sch.uk', orgId: elm.id }] })).status).toBe(200);
    claims((nonce, d) => ({ ...d, sub: 'oak-edit-sam', email: 'sam@oak-edit.sch.uk', nonce }));
    expect(refusedWith((await signInVia(p.id)).back)).toBe('sso_no_organisation');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'sam@oak-edit.sch.uk').execute()).toHaveLength(0);
  });

  it('a stored client secret can be removed (a public client), and an organisation claim cleared', async () => {
    const p = await provider({ orgClaim: 'organisation.urn' });
    const changed = await change(p.id, { clientSecret: null, orgClaim: null });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ hasClientSecret: false, orgClaim: null, label: 'Sign in with Test', clientId: op.clientId });
    expect(await row(p.id)).toMatchObject({ client_secret_enc: null, org_claim: null });
  });

  it('only administrators may change a provider; an unknown one is 404', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'who-may.sch.uk', orgId: org.id }] });
    const before = await row(p.id);
    for (const role of ['staff', 'office', 'trainer'] as const) {
      const res = await change(p.id, { label: 'Taken over' }, await t.user(role, role === 'trainer' ? null : org.id));
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
    }
    expect((await t.request('PATCH', `/api/identity-providers/${p.id}`, { body: { label: 'Taken over' } })).status).toBe(401);
    expect(await row(p.id)).toEqual(before);
    const unknown = await change(crypto.randomUUID(), { label: 'Nobody' });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'not_found']);
  });

  it('bad input is refused (400) by field, and nothing is changed', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'bad-input.sch.uk', orgId: org.id }] });
    const before = await row(p.id);
    const cases: [unknown, string][] = [
      [{}, ''],
      [{ label: '' }, 'label'],
      [{ label: 'Two\nlines' }, 'label'],
      [{ clientId: ' ' }, 'clientId'],
      [{ clientSecret: '' }, 'clientSecret'],
      [{ orgDomains: [{ domain: 'not a domain', orgId: org.id }] }, 'orgDomains.0.domain'],
      [{ orgDomains: [{ domain: 'fine.sch.uk', orgId: org.id }, { domain: 'no-org.sch.uk', orgId: crypto.randomUUID() }] }, 'orgDomains.1.orgId'],
      [{ orgDomains: [{ domain: 'twice.sch.uk', orgId: org.id }, { domain: 'TWICE.sch.uk', orgId: org.id }] }, 'orgDomains'],
      [{ label: 'Fine', somethingElse: true }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await change(p.id, body);
      expect({ body, status: res.status, code: res.json.error.code }).toEqual({ body, status: 400, code: 'validation_failed' });
      expect(res.json.error.details.issues.map((i: { path: string }) => i.path), JSON.stringify(body)).toContain(path);
    }
    // The issuer is refused by name: another issuer would be another provider, whose accounts the links are not.
    const issuer = await change(p.id, { issuer: 'https://login.example.net', label: 'Moved' });
    expect(issuer.status).toBe(400);
    expect(issuer.json.error.details.issues).toEqual([{ path: 'issuer', message: expect.stringMatching(/^cannot be changed: people’s links are to their accounts at this issuer/) }]);
    // No key to encrypt a new secret with: refused, as when adding one.
    const key = t.deps.config.oidcSecretKey;
    t.deps.config.oidcSecretKey = null;
    try {
      const keyless = await change(p.id, { clientSecret: 'a-new-secret' });
      expect([keyless.status, keyless.json.error.details.issues[0].path]).toEqual([400, 'clientSecret']);
    } finally {
      t.deps.config.oidcSecretKey = key;
    }
    expect(await row(p.id)).toEqual(before);
  });

  it('a new client ID or secret is saved only if the discovery document is read again; other changes need no answer from the provider', async () => {
    const p = await provider();
    const before = await row(p.id);
    const allow = t.deps.config.outbound.allow;
    // The test issuer, off the allow list, cannot be reached.
    t.deps.config.outbound.allow = [];
    try {
      for (const body of [{ clientId: 'another-client' }, { clientSecret: 'another-secret' }, { clientSecret: null }]) {
        const res = await change(p.id, body);
        expect({ body, status: res.status, code: res.json.error.code }).toEqual({ body, status: 422, code: 'fetch_failed' });
      }
      expect(await row(p.id)).toEqual(before);
      expect((await change(p.id, { label: 'Renamed while away' })).status).toBe(200);
    } finally {
      t.deps.config.outbound.allow = allow;
    }
    expect((await change(p.id, { clientId: 'another-client' })).json).toMatchObject({ clientId: 'another-client', label: 'Renamed while away' });
  });

  it('refuses (409) a change that would leave an organisation requiring its own sign-in with no provider signing its staff in', async () => {
    const org = await t.org('Strand Primary');
    const p = await provider({ orgDomains: [{ domain: 'strand.sch.uk', orgId: org.id }] });
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    const before = await row(p.id);
    for (const orgDomains of [[], [{ domain: 'strand.sch.uk', orgId: (await t.org()).id }]]) {
      const res = await change(p.id, { orgDomains });
      expect(res.status).toBe(409);
      expect(res.json.error.message).toMatch(/^Strand Primary requires staff to sign in with their school account, and no other identity provider signs them in: this change would leave no one there able to sign in\./);
    }
    expect(await row(p.id)).toEqual(before);
    // Other changes, and one keeping it served, are fine.
    expect((await change(p.id, { label: 'Sign in with Strand', orgDomains: [{ domain: 'strand.sch.uk', orgId: org.id }, { domain: 'strand.org.uk', orgId: org.id }] })).status).toBe(200);

  });

  it('adding, changing and removing a provider, and an organisation requiring its own sign-in or no longer, are kept in the audit log (which settings, never their values); refused or unchanged saves are not', async () => {
    const log = async () => (await t.request('GET', `/api/audit-log?person=${admin.id}&limit=100`, { as: admin })).json.items as any[];
    const before = new Set((await log()).map((e) => e.id));
    // Each step a second after the last (the test clock stands still), so the log's order is theirs.
    const step = async <T,>(r: Promise<T>) => {
      const out = await r;
      t.clock.advance(1000);
      return out;
    };
    const fresh = async () => (await log()).filter((e) => !before.has(e.id)).reverse().map((e) => ({ action: e.action, subject: e.subject, detail: e.detail }));
    const org = await t.org('Audited Primary');
    const p = await step(provider({ label: 'Sign in with Audited', orgDomains: [{ domain: 'audited.sch.uk', orgId: org.id }] }));
    expect((await step(change(p.id, { label: 'Audited sign-in', clientSecret: 'rotated-secret' }))).status).toBe(200);
    // The same values again, and a refused change: nothing recorded.
    expect((await step(change(p.id, { label: 'Audited sign-in', orgDomains: [{ domain: 'audited.sch.uk', orgId: org.id }] }))).status).toBe(200);
    // The stored secret removed; removed again (there is none) changes nothing.
    for (let i = 0; i < 2; i++) expect((await step(change(p.id, { clientSecret: null }))).status).toBe(200);
    expect((await step(t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } }))).status).toBe(200);
    expect((await step(t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } }))).status).toBe(200);
    expect((await step(change(p.id, { orgDomains: [] }))).status).toBe(409);
    expect((await step(t.request('DELETE', `/api/identity-providers/${p.id}`, { as: admin }))).status).toBe(409);
    expect((await step(t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: false } } }))).status).toBe(200);
    expect((await step(t.request('DELETE', `/api/identity-providers/${p.id}`, { as: admin }))).status).toBe(204);
    const provided = { kind: 'identity_provider', id: p.id };
    expect(await fresh()).toEqual([
      { action: 'add_identity_provider', subject: { ...provided, name: null }, detail: { label: 'Sign in with Audited' } },
      { action: 'change_identity_provider', subject: { ...provided, name: null }, detail: { fields: ['label', 'clientSecret'] } },
      { action: 'change_identity_provider', subject: { ...provided, name: null }, detail: { fields: ['clientSecret'] } },
      { action: 'require_own_sign_in', subject: { kind: 'organisation', id: org.id, name: 'Audited Primary' }, detail: null },
      { action: 'stop_requiring_own_sign_in', subject: { kind: 'organisation', id: org.id, name: 'Audited Primary' }, detail: null },
      { action: 'remove_identity_provider', subject: { ...provided, name: null }, detail: { label: 'Audited sign-in' } },
    ]);
    // No secret, in any form, in the log.
    expect(JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute())).not.toMatch(/rotated-secret|test-client-secret|v1\./);
    // An organisation added requiring its own sign-in (a national provider's claim serves any URN).
    const q = await step(provider({ orgClaim: 'organisation.urn', orgClaimScope: 'national' }));
    const created = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Born Required', urn: '199991', settings: { ssoRequired: true } } });
    expect(created.status).toBe(201);
    expect((await fresh()).slice(-2)).toMatchObject([{ action: 'add_identity_provider', subject: { id: q.id } }, { action: 'require_own_sign_in', subject: { kind: 'organisation', id: created.json.id, name: 'Born Required' } }]);
  });

  it('two administrators each taking away one of the two providers signing in an organisation that requires its own sign-in, at the same moment: one change is refused (409), the organisation keeps a provider', async () => {
    const servedBy = async (orgId: string) => (await t.db.selectFrom('identity_providers').select('org_domains').execute()).filter((p) => (JSON.parse(p.org_domains) as { orgId: string }[]).some((d) => d.orgId === orgId)).length;
    for (let round = 0; round < 6; round++) {
      const org = await t.org(`Twin Providers ${round}`);
      const domains = (d: string) => [{ domain: `${d}${round}.twin.sch.uk`, orgId: org.id }];
      const [a, b] = [await provider({ orgDomains: domains('a') }), await provider({ orgDomains: domains('b') })];
      expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
      // Removing one while the other's domains are taken off it; then removing both at once.
      const [removed, narrowed] = await Promise.all([t.request('DELETE', `/api/identity-providers/${a.id}`, { as: admin }), change(b.id, { orgDomains: [] })]);
      expect([removed.status, narrowed.status]).toContainEqual(409);
      expect([removed.status, narrowed.status]).toContainEqual(removed.status === 204 ? 204 : 200);
      expect(await servedBy(org.id)).toBe(1);
      const left = removed.status === 204 ? b : a;
      const c = await provider({ orgDomains: domains('c') });
      const both = await Promise.all([left, c].map((p) => t.request('DELETE', `/api/identity-providers/${p.id}`, { as: admin })));
      expect(both.map((r) => r.status).sort()).toEqual([204, 409]);
      expect(await servedBy(org.id)).toBe(1);
    }
  });

  it('an organisation coming to require its own sign-in while its only provider is removed: one of the two is refused, never both done', async () => {
    for (let round = 0; round < 6; round++) {
      const org = await t.org(`Lone Provider ${round}`);
      const p = await provider({ orgDomains: [{ domain: `lone${round}.sch.uk`, orgId: org.id }] });
      const [required, removed] = await Promise.all([t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } }), t.request('DELETE', `/api/identity-providers/${p.id}`, { as: admin })]);
      const settings = JSON.parse((await t.db.selectFrom('organisations').select('settings').where('id', '=', org.id).executeTakeFirstOrThrow()).settings) as { ssoRequired?: boolean };
      const providerLeft = await t.db.selectFrom('identity_providers').select('id').where('id', '=', p.id).executeTakeFirst();
      expect({ required: required.status, removed: removed.status }).toEqual(required.status === 200 ? { required: 200, removed: 409 } : { required: 400, removed: 204 });
      expect(settings.ssoRequired === true).toBe(providerLeft !== undefined);
    }
  });

  it('refuses clearing the organisation claim that alone signs in such an organisation (it has a URN), until another provider serves it', async () => {
    // A database of its own: a national provider's claim serves every organisation with a URN, and the others here have some.
    const own = await makeTestContext({ config: t.deps.config });
    try {
      const ownAdmin = await own.user('admin');
      const add = async (orgClaim: string) => (await own.request('POST', '/api/identity-providers', { as: ownAdmin, body: { label: 'Sign in with DfE', issuer: op.issuer, clientId: op.clientId, orgClaim, orgClaimScope: 'national' } })).json as { id: string };
      await own.db.insertInto('organisations').values({ id: crypto.randomUUID(), name: 'Claim Academy', urn: '160001', parent_id: null, time_zone: 'Europe/London', settings: '{"ssoRequired":true}', created_at: new Date().toISOString() } as never).execute();
      const byClaim = await add('organisation.urn');
      const refused = await own.request('PATCH', `/api/identity-providers/${byClaim.id}`, { as: ownAdmin, body: { orgClaim: null } });
      expect([refused.status, refused.json.error.message]).toEqual([409, expect.stringMatching(/^Claim Academy requires staff to sign in with their school account/)]);
      expect((await own.db.selectFrom('identity_providers').select('org_claim').where('id', '=', byClaim.id).executeTakeFirstOrThrow()).org_claim).toBe('organisation.urn');
      await add('urn');
      expect((await own.request('PATCH', `/api/identity-providers/${byClaim.id}`, { as: ownAdmin, body: { orgClaim: null } })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('which organisations a provider’s organisation claim may name', () => {
  /** An organisation straight into `db` (the helpers' have no URN or trust). */
  const orgIn = async (db: TestContext['db'], name: string, o: { urn?: string; kind?: 'school' | 'trust'; parentId?: string } = {}) => {
    const id = crypto.randomUUID();
    await db.insertInto('organisations').values({ id, name, urn: o.urn ?? null, kind: o.kind ?? 'school', parent_id: o.parentId ?? null, time_zone: 'Europe/London', settings: '{}', created_at: new Date().toISOString() }).execute();
    return id;
  };
  const me = async (sid: string | undefined) => (sid ? (await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${sid}` } })).json : null);
  const signInAs = (sub: string, email: string, urn: string, providerId: string) => {
    claims((nonce, d) => ({ ...d, sub, email, nonce, organisation: { urn } }));
    return signInVia(providerId);
  };
  const links = (providerId: string) => t.db.selectFrom('user_identities').select(['user_id', 'subject']).where('provider_id', '=', providerId).execute();
  const usersWith = (email: string) => t.db.selectFrom('users').select(['id', 'org_id']).where('email', '=', email).execute();

  it('a trust’s own sign-in (scope "own") places each person in the school of the trust its claim names, but a claim naming another school places, links and signs in no one there', async () => {
    const trust = await orgIn(t.db, 'Heron Learning Trust', { kind: 'trust' });
    const reed = await orgIn(t.db, 'Reed Primary', { urn: '170001', parentId: trust });
    const kite = await orgIn(t.db, 'Kite Academy', { urn: '170002' });
    const p = await provider({ label: 'Sign in with Heron', orgDomains: [{ domain: 'heron-trust.org.uk', orgId: trust }], orgClaim: 'organisation.urn', orgClaimScope: 'own' });

    // A school of the trust: the claim places the person there, not in the trust the domain maps to.
    const amy = await me((await signInAs('heron-amy', 'amy@heron-trust.org.uk', '170001', p.id)).sid);
    expect(amy).toMatchObject({ role: 'staff', orgId: reed });

    // Another school: the claim is ignored, and the email domain decides (the trust), as without one.
    const ben = await me((await signInAs('heron-ben', 'ben@heron-trust.org.uk', '170002', p.id)).sid);
    expect(ben).toMatchObject({ role: 'staff', orgId: trust });
    expect(t.logger.lines.some((l) => l.level === 'warn' && String(l.msg).includes('claim outside its scope ignored') && l.urn === '170002')).toBe(true);

    // Kite's member of staff, named by the tenant with Kite's URN and their own email: not linked, not signed in.
    const made = await t.request('POST', '/api/users', { as: admin, body: { email: 'cat@kite.sch.uk', name: 'Cat Kite', role: 'staff', orgId: kite } });
    expect(made.status).toBe(201);
    const cat = await signInAs('heron-cat', 'cat@kite.sch.uk', '170002', p.id);
    expect({ error: refusedWith(cat.back), sid: cat.sid }).toEqual({ error: 'sso_no_organisation', sid: undefined });
    // Nor is anyone new made at Kite.
    const dan = await signInAs('heron-dan', 'dan@kite.sch.uk', '170002', p.id);
    expect({ error: refusedWith(dan.back), sid: dan.sid }).toEqual({ error: 'sso_no_organisation', sid: undefined });
    expect(await usersWith('dan@kite.sch.uk')).toEqual([]);
    expect(await usersWith('cat@kite.sch.uk')).toEqual([{ id: made.json.id, org_id: kite }]);
    expect((await links(p.id)).map((l) => l.subject).sort()).toEqual(['heron-amy', 'heron-ben']);

    // A linked person since placed at Kite is not signed in there by a claim naming Kite.
    expect((await t.request('PUT', `/api/users/${amy.id}/placement`, { as: admin, body: { role: 'staff', orgId: kite } })).status).toBe(200);
    const moved = await signInAs('heron-amy', 'amy@heron-trust.org.uk', '170002', p.id);
    expect({ error: refusedWith(moved.back), sid: moved.sid }).toEqual({ error: 'sso_account_elsewhere', sid: undefined });
  });

  it('a national provider (scope "national", chosen by an administrator) places and links people in any organisation with a URN, as before', async () => {
    const wren = await orgIn(t.db, 'Wren Academy', { urn: '170003' });
    const made = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with DfE', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret', orgClaim: 'organisation.urn', orgClaimScope: 'national' } });
    expect([made.status, made.json.orgClaimScope]).toEqual([201, 'national']);
    expect(await me((await signInAs('dfe-eve', 'eve@wren-academy.org.uk', '170003', made.json.id)).sid)).toMatchObject({ role: 'staff', orgId: wren });
    const fay = await t.request('POST', '/api/users', { as: admin, body: { email: 'fay@wren.sch.uk', name: 'Fay Wren', role: 'staff', orgId: wren } });
    expect((await me((await signInAs('dfe-fay', 'fay@wren.sch.uk', '170003', made.json.id)).sid))?.id).toBe(fay.json.id);
  });

  it('a provider added without a scope is "own"; a change sets the scope, sign-ins follow it from then on, and a scope that is neither is refused', async () => {
    const lark = await orgIn(t.db, 'Lark Primary', { urn: '170004' });
    const p = await provider({ orgClaim: 'organisation.urn' });
    const row = () => t.db.selectFrom('identity_providers').select('org_claim_scope').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect((p as { orgClaimScope?: string }).orgClaimScope).toBe('own');
    expect((await row()).org_claim_scope).toBe('own');
    expect((await t.request('GET', '/api/identity-providers', { as: admin })).json.items.find((x: { id: string }) => x.id === p.id).orgClaimScope).toBe('own');
    // Its claim alone places no one: Lark is no organisation of its email domains (it has none).
    expect(refusedWith((await signInAs('lark-gus', 'gus@lark.sch.uk', '170004', p.id)).back)).toBe('sso_no_organisation');
    expect(await usersWith('gus@lark.sch.uk')).toEqual([]);

    const widened = await t.request('PATCH', `/api/identity-providers/${p.id}`, { as: admin, body: { orgClaimScope: 'national' } });
    expect([widened.status, widened.json.orgClaimScope, widened.json.orgClaim]).toEqual([200, 'national', 'organisation.urn']);
    expect((await row()).org_claim_scope).toBe('national');
    const gus = await me((await signInAs('lark-gus', 'gus@lark.sch.uk', '170004', p.id)).sid);
    expect(gus).toMatchObject({ role: 'staff', orgId: lark });
    // Left out of a change, the scope is kept.
    expect((await t.request('PATCH', `/api/identity-providers/${p.id}`, { as: admin, body: { label: 'Sign in with Lark' } })).json.orgClaimScope).toBe('national');

    for (const [method, path, body] of [
      ['PATCH', `/api/identity-providers/${p.id}`, { orgClaimScope: 'everywhere' }],
      ['POST', '/api/identity-providers', { label: 'Nope', issuer: op.issuer, clientId: op.clientId, orgClaim: 'urn', orgClaimScope: 'everywhere' }],
    ] as const) {
      const res = await t.request(method, path, { as: admin, body });
      expect({ method, status: res.status, paths: res.json.error.details.issues.map((i: { path: string }) => i.path) }).toEqual({ method, status: 400, paths: ['orgClaimScope'] });
    }
    expect((await row()).org_claim_scope).toBe('national');

    // Narrowed again: the linked person's next sign-in is refused (their link stays, granting nothing).
    expect((await t.request('PATCH', `/api/identity-providers/${p.id}`, { as: admin, body: { orgClaimScope: 'own' } })).status).toBe(200);
    const refused = await signInAs('lark-gus', 'gus@lark.sch.uk', '170004', p.id);
    expect({ error: refusedWith(refused.back), sid: refused.sid }).toEqual({ error: 'sso_account_elsewhere', sid: undefined });
    expect(await links(p.id)).toEqual([{ user_id: gus.id, subject: 'lark-gus' }]);
  });

  it('an organisation outside an "own" provider’s claim cannot require its own sign-in through it; narrowing the national claim that alone serves one is refused (409), and so is a school served by its trust’s claim leaving the trust', async () => {
    // A database of its own: national providers in the shared one serve every organisation with a URN.
    const own = await makeTestContext({ config: t.deps.config });
    try {
      const ownAdmin = await own.user('admin');
      const trust = await orgIn(own.db, 'Osprey Trust', { kind: 'trust' });
      const reed = await orgIn(own.db, 'Reed Primary', { urn: '180001', parentId: trust });
      const kite = await orgIn(own.db, 'Kite Academy', { urn: '180002' });
      const add = async (body: Record<string, unknown>) => (await own.request('POST', '/api/identity-providers', { as: ownAdmin, body: { label: 'Sign in', issuer: op.issuer, clientId: op.clientId, orgClaim: 'organisation.urn', ...body } })).json as { id: string };
      const requireSso = (orgId: string, on = true) => own.request('PATCH', `/api/orgs/${orgId}`, { as: ownAdmin, body: { settings: on ? { ssoRequired: true } : {} } });
      await add({ label: 'Sign in with Osprey', orgDomains: [{ domain: 'osprey.org.uk', orgId: trust }] });

      const outside = await requireSso(kite);
      expect([outside.status, outside.json.error.details.issues[0].path]).toEqual([400, 'settings.ssoRequired']);
      expect(outside.json.error.message).toMatch(/^No identity provider signs in Kite Academy's staff yet/);
      // A school of the trust is served by the trust's claim.
      expect((await requireSso(reed)).status).toBe(200);
      const leaving = await own.request('PATCH', `/api/orgs/${reed}`, { as: ownAdmin, body: { parentId: null } });
      expect([leaving.status, leaving.json.error.details.issues[0].path]).toEqual([400, 'settings.ssoRequired']);
      expect((await own.db.selectFrom('organisations').select('parent_id').where('id', '=', reed).executeTakeFirstOrThrow()).parent_id).toBe(trust);

      // A national provider serves Kite; narrowed to its own organisations (it has none), Kite would have no way in.
      const national = await add({ label: 'Sign in with DfE', orgClaimScope: 'national' });
      expect((await requireSso(kite)).status).toBe(200);
      const narrowing = await own.request('PATCH', `/api/identity-providers/${national.id}`, { as: ownAdmin, body: { orgClaimScope: 'own' } });
      expect([narrowing.status, narrowing.json.error.message]).toEqual([409, expect.stringMatching(/^Kite Academy requires staff to sign in with their school account, and no other identity provider signs them in: this change would leave no one there able to sign in\. Keep its email domain \(or an organisation claim that may name it\)/)]);
      expect((await own.db.selectFrom('identity_providers').select('org_claim_scope').where('id', '=', national.id).executeTakeFirstOrThrow()).org_claim_scope).toBe('national');
      expect((await requireSso(kite, false)).status).toBe(200);
      expect((await own.request('PATCH', `/api/identity-providers/${national.id}`, { as: ownAdmin, body: { orgClaimScope: 'own' } })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('the name a provider gives', () => {
  it('is stored as one line: line breaks and control characters become a space, so no export starts a row with it; text-direction controls are dropped', async () => {
    const org = await t.org('Linden Primary');
    const p = await provider({ orgDomains: [{ domain: 'linden.sch.uk', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'linden-1', email: 'pat@linden.sch.uk', name: "  Pat Jones\r\n=1+1+cmd|' /C calc'!A0\u0000\t\u2028x ", nonce }));
    const r = await signInVia(p.id);
    const me = await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${r.sid}` } });
    expect(me.json.name).toBe("Pat Jones =1+1+cmd|' /C calc'!A0 x");
    // Text-direction controls are dropped, so the name shows in the order it is stored.
    claims((nonce, d) => ({ ...d, sub: 'linden-3', email: 'kim@linden.sch.uk', name: 'Kim \u202enaeR\u202c\u2066 Lee\u2069', nonce }));
    const bidi = await signInVia(p.id);
    expect((await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${bidi.sid}` } })).json.name).toBe('Kim naeR Lee');
    // A name of nothing but line breaks is no name: the email stands in, as for a missing one.
    claims((nonce, d) => ({ ...d, sub: 'linden-2', email: 'sam@linden.sch.uk', name: '\r\n\n', nonce }));
    const blank = await signInVia(p.id);
    expect((await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${blank.sid}` } })).json.name).toBe('sam@linden.sch.uk');
  });
});

describe('sign-ins started with a provider and never finished', () => {
  it('are counted per client address with sign-in attempts (past the limit, the sign-in page says so and nothing is kept), and forgotten a day after they expire', async () => {
    const p = await provider();
    const logins = async () => Number((await t.db.selectFrom('oidc_logins').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const limits = t.deps.config.signInLimits;
    const proxies = t.deps.config.trustProxy;
    t.deps.config.signInLimits = { ...limits, perClient: 3 };
    t.deps.config.trustProxy = 1;
    try {
      const before = await logins();
      const from = (address: string) => t.request('GET', `/api/auth/oidc/${p.id}/start`, { headers: { 'x-forwarded-for': address } });
      for (let i = 0; i < 3; i++) expect(new URL((await from('198.51.100.20')).headers.get('location')!).origin).toBe(new URL(op.issuer).origin);
      const refused = await from('198.51.100.20');
      expect(refused.status).toBe(302);
      expect(refused.headers.get('location')).toBe('/signin?sso_error=rate_limited');
      expect(await logins()).toBe(before + 3);
      // Another client address is not held back.
      expect(new URL((await from('198.51.100.21')).headers.get('location')!).origin).toBe(new URL(op.issuer).origin);
    } finally {
      t.deps.config.signInLimits = limits;
      t.deps.config.trustProxy = proxies;
    }
    expect(await logins()).toBeGreaterThan(0);
    t.clock.advance(24 * 3_600_000 + 11 * 60_000);
    await runJobsOnce(t.deps, null);
    expect(await logins()).toBe(0);
  });
});


describe('Google: a school Workspace account, not a personal one', () => {
  // Google's issuer (in `workspaceIssuers` by default) serves personal accounts too, which can
  // be made with any address their maker receives mail at; the test issuer stands in for it here.
  const asGoogle = async (run: () => Promise<void>) => {
    const before = t.deps.config.workspaceIssuers;
    t.deps.config.workspaceIssuers = [`${op.issuer}/`];
    try {
      await run();
    } finally {
      t.deps.config.workspaceIssuers = before;
    }
  };
  const links = (providerId: string) => t.db.selectFrom('user_identities').select(['user_id', 'subject']).where('provider_id', '=', providerId).execute();

  it('is the production default for Google’s issuer, and administrators see it on the provider', async () => {
    expect(defaultConfig().workspaceIssuers).toEqual(['https://accounts.google.com']);
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'shown.sch.uk', orgId: org.id }] });
    const shown = async () => (await t.request('GET', '/api/identity-providers', { as: admin })).json.items.find((x: any) => x.id === p.id);
    expect((await shown()).workspaceOnly).toBe(false);
    await asGoogle(async () => expect((await shown()).workspaceOnly).toBe(true));
  });

  it('a personal account with a verified school address (someone who has left, say) is refused: no account made, none linked', async () => {
    await asGoogle(async () => {
      const org = await t.org();
      const staff = await t.user('staff', org.id);
      const domain = staff.email.slice(staff.email.indexOf('@') + 1);
      const p = await provider({ orgDomains: [{ domain, orgId: org.id }] });
      // A new address in the school's domain, and the address of an account that exists.
      for (const [sub, email] of [['personal-new', `left.teacher@${domain}`], ['personal-existing', staff.email]]) {
        claims((nonce, d) => ({ ...d, sub, email, email_verified: true, nonce }));
        const r = await signInVia(p.id);
        expect(refusedWith(r.back)).toBe('sso_personal_account');
        expect(r.sid).toBeUndefined();
      }
      expect(await t.db.selectFrom('users').select('id').where('email', '=', `left.teacher@${domain}`).execute()).toHaveLength(0);
      expect(await links(p.id)).toHaveLength(0);
      // The same person's Workspace account (with `hd`) signs in to their account.
      claims((nonce, d) => ({ ...d, sub: 'workspace-1', email: staff.email, email_verified: true, hd: domain, nonce }));
      const r = await signInVia(p.id);
      expect((await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${r.sid}` } })).json.id).toBe(staff.id);
    });
  });

  it('an account linked before the rule (no hd) is refused at its next sign-in', async () => {
    const org = await t.org();
    const p = await provider({ orgDomains: [{ domain: 'linked-before.sch.uk', orgId: org.id }] });
    claims((nonce, d) => ({ ...d, sub: 'linked-personal', email: 'kim@linked-before.sch.uk', nonce }));
    const first = await signInVia(p.id);
    expect(first.sid).toBeDefined();
    await asGoogle(async () => {
      const r = await signInVia(p.id);
      expect(refusedWith(r.back)).toBe('sso_personal_account');
      expect(r.sid).toBeUndefined();
    });
  });
});
