/**
 * The whole OpenID Connect sign-in against a real OpenID provider (`oidc-provider`) on
 * 127.0.0.1: discovery, authorization with PKCE, state and nonce, the code exchange and the
 * provider's signed ID token, as a browser would follow the redirects (with its cookies).
 * First sign-in makes the staff account in the school of the email domain; the second
 * links to it; replaying the callback is refused; an unverified email is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../server/platform/deps.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { startRealProvider, type RealProvider } from '../oidc-provider.js';

let t: TestContext;
let op: RealProvider;
let admin: TestUser;
beforeAll(async () => {
  op = await startRealProvider('http://localhost:3000/api/auth/oidc/callback');
  t = await makeTestContext({ now: new Date().toISOString(), config: { oidcSecretKey: 'a test key that is long enough to be a key', outbound: { ...defaultConfig().outbound, allow: [op.hostPort] } } });
  admin = await t.user('admin');
});
afterAll(async () => {
  await t.close();
  await op.close();
});

/** Follows a browser's redirects at the provider (keeping its cookies) until it is sent back to our callback. */
async function throughProvider(start: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  for (let i = 0; i < 10; i++) {
    if (url.startsWith('http://localhost:3000/')) return url;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }, signal: AbortSignal.timeout(5000) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      jar.set(k!.trim(), v.join('='));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects at the provider');
}

async function signIn(providerId: string) {
  const start = await t.request('GET', `/api/auth/oidc/${providerId}/start`);
  expect(start.status).toBe(302);
  const cookie = start.headers.get('set-cookie')!.match(/oidc_browser=[^;]+/)![0];
  const back = new URL(await throughProvider(start.headers.get('location')!));
  const path = back.pathname + back.search;
  const res = await t.request('GET', path, { headers: { cookie } });
  return { res, path, cookie, sid: res.headers.get('set-cookie')?.match(/sid=([^;]+)/)?.[1], error: res.status === 302 ? new URL(res.headers.get('location')!, 'http://x').searchParams.get('sso_error') : null };
}

describe('OpenID Connect with a real provider (oidc-provider)', () => {
  it('first sign-in creates the staff account in the right school, the second links to it, and a replayed callback is refused', async () => {
    const org = await t.org('Ash Primary');
    const other = await t.org('Yew Primary');
    const p = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Ash', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, orgDomains: [{ domain: 'ash.sch.uk', orgId: org.id }, { domain: 'yew.sch.uk', orgId: other.id }] } });
    expect(p.status).toBe(201);
    op.signInAs('ash-person-1', { email: 'kim@ash.sch.uk', email_verified: true, name: 'Kim Ash' });
    const first = await signIn(p.json.id);
    expect(first.error).toBeNull();
    expect(first.res.headers.get('location')).toBe('/sessions');
    const me = (await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${first.sid}` } })).json;
    expect(me).toMatchObject({ email: 'kim@ash.sch.uk', name: 'Kim Ash', role: 'staff', orgId: org.id });

    const replay = await t.request('GET', first.path, { headers: { cookie: first.cookie } });
    expect(new URL(replay.headers.get('location')!, 'http://x').searchParams.get('sso_error')).toBe('sso_failed');

    const second = await signIn(p.json.id);
    expect((await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${second.sid}` } })).json.id).toBe(me.id);
  });

  it('an unverified email is refused and nothing is created', async () => {
    const org = await t.org();
    const p = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Oak', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, orgDomains: [{ domain: 'oak9.sch.uk', orgId: org.id }] } });
    op.signInAs('oak-unverified', { email: 'new@oak9.sch.uk', email_verified: false });
    const r = await signIn(p.json.id);
    expect(r.error).toBe('sso_email_unverified');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'new@oak9.sch.uk').execute()).toHaveLength(0);
  });
});
