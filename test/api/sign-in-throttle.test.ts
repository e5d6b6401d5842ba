/**
 * Sign-in resists guessing without lock-outs: every attempt is counted before its password
 * is checked, atomically in the database, per account and client address, per address, and
 * per account; a throttled address does not stop the real person signing in from another.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { decoyHash } from '../../server/accounts/passwords.js';
import { makeTestContext, TEST_PASSWORD, type TestContext } from '../helpers.js';

// Every scrypt run, counted in the test (production code is unchanged): a password check is
// one run. node:crypto's own scrypt is wrapped while this file runs (syncBuiltinESMExports
// carries the change to \`import { scrypt } from 'node:crypto'\` too) and put back after.
const scryptRuns = { n: 0 };
const realScrypt = crypto.scrypt;

let t: TestContext;
beforeAll(async () => {
  crypto.scrypt = ((...args: Parameters<typeof realScrypt>) => {
    scryptRuns.n++;
    return (realScrypt as (...a: unknown[]) => void)(...args);
  }) as typeof realScrypt;
  syncBuiltinESMExports();
  t = await makeTestContext();
});
afterAll(async () => {
  crypto.scrypt = realScrypt;
  syncBuiltinESMExports();
  await t.close();
});

/** A sign-in from a given socket address (as @hono/node-server passes the socket), with optional headers. */
async function signIn(app: ReturnType<typeof createApp>, email: string, password: string, from: string, headers: Record<string, string> = {}) {
  const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password }) }, { incoming: { socket: { remoteAddress: from } } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as any };
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});

describe('sign-in throttle', () => {
  it('40 wrong guesses sent at once: at most 5 reach the password check; the rest are 429 with Retry-After', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const before = scryptRuns.n;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(t.app, u.email, `wrong guess ${i}`, '203.0.113.7')));
    const checks = scryptRuns.n - before;
    const counts = tally(results.map((r) => r.status));
    expect(counts).toEqual({ 401: 5, 429: 35 });
    expect(checks).toBe(5);
    for (const r of results.filter((r) => r.status === 429)) {
      expect(r.json.error.code).toBe('rate_limited');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(15 * 60);
    }
    // Every one of the 40 was counted.
    const pair = await t.db.selectFrom('login_throttle').select('hits').where('key', '=', `pair:203.0.113.7|${u.email}`).executeTakeFirstOrThrow();
    expect(pair.hits).toBe(40);

    // Even the right password is refused from that address, without being checked...
    const again = scryptRuns.n;
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '203.0.113.7')).status).toBe(429);
    expect(scryptRuns.n).toBe(again);
    // ...while the real person signs in from another address.
    const elsewhere = await signIn(t.app, u.email, TEST_PASSWORD, '198.51.100.20');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.json.user.email).toBe(u.email);
    // When the window has passed, the first address may try again.
    t.clock.advance(15 * 60_000 + 1000);
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '203.0.113.7')).status).toBe(200);
  });

  it('an unknown email is throttled exactly like a known one, with the same answers', async () => {
    await decoyHash(t.deps.config.passwordCostLog2); // the decoy's own hash is made once, beforehand
    const u = await t.user('staff', (await t.org()).id);
    const before = scryptRuns.n;
    const unknown = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(t.app, 'nobody-here@example.org', `guess ${i}`, '203.0.113.8')));
    expect(scryptRuns.n - before).toBe(5);
    const known = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(t.app, u.email, `guess ${i}`, '203.0.113.8')));
    expect(tally(unknown.map((r) => r.status))).toEqual({ 401: 5, 429: 7 });
    expect(tally(known.map((r) => r.status))).toEqual({ 401: 5, 429: 7 });
    expect(new Set([...unknown, ...known].map((r) => r.json.error.message)).size).toBe(2); // one 401 text, one 429 text
  });

  it('IPv6 clients are counted per /64 network, IPv4-mapped addresses as IPv4', async () => {
    const u = await t.user('staff', (await t.org()).id);
    for (let i = 0; i < 5; i++) expect((await signIn(t.app, u.email, 'wrong', `2001:db8:1:2::${i + 1}`)).status).toBe(401);
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '2001:db8:1:3::1')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(t.app, u.email, 'wrong', '192.0.2.44')).status).toBe(401);
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '::ffff:192.0.2.44')).status).toBe(429);
  });

  it('a right password clears the count for that address; wrong ones count again from there', async () => {
    const u = await t.user('staff', (await t.org()).id);
    for (let i = 0; i < 4; i++) expect((await signIn(t.app, u.email, 'wrong', '192.0.2.50')).status).toBe(401);
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '192.0.2.50')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(t.app, u.email, 'wrong', '192.0.2.50')).status).toBe(401);
    expect((await signIn(t.app, u.email, 'wrong', '192.0.2.50')).status).toBe(429);
  });

  it('X-Forwarded-For is ignored unless TRUST_PROXY is set', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const spoofed = (i: number) => ({ 'x-forwarded-for': `10.9.9.${i}` });
    for (let i = 0; i < 5; i++) expect((await signIn(t.app, u.email, 'wrong', '192.0.2.60', spoofed(i))).status).toBe(401);
    expect((await signIn(t.app, u.email, TEST_PASSWORD, '192.0.2.60', spoofed(99))).status).toBe(429);
  });

  it('with TRUST_PROXY, the address the proxy saw is the client; a client-written entry before it changes nothing', async () => {
    const p = await makeTestContext({ config: { trustProxy: 1 } });
    try {
      const u = await p.user('staff', (await p.org()).id);
      const proxy = '10.0.0.2'; // every request comes from the load balancer's socket
      for (let i = 0; i < 5; i++) expect((await signIn(p.app, u.email, 'wrong', proxy, { 'x-forwarded-for': `6.6.6.${i}, 198.51.100.1` })).status).toBe(401);
      expect((await signIn(p.app, u.email, TEST_PASSWORD, proxy, { 'x-forwarded-for': '7.7.7.7, 198.51.100.1' })).status).toBe(429);
      // The real person, behind the same load balancer, from their own address.
      expect((await signIn(p.app, u.email, TEST_PASSWORD, proxy, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it('one address trying many accounts is stopped by the per-address limit; other addresses are not', async () => {
    const p = await makeTestContext({ config: { signInLimits: { windowMinutes: 15, perAccountAndClient: 5, perClient: 10, perAccount: 100 } } });
    try {
      const org = await p.org();
      const people = await Promise.all(Array.from({ length: 12 }, () => p.user('staff', org.id)));
      const sprayed = [];
      for (const person of people) sprayed.push((await signIn(p.app, person.email, 'Summer2026!', '192.0.2.70')).status);
      expect(sprayed).toEqual([...Array(10).fill(401), 429, 429]);
      expect((await signIn(p.app, people[11]!.email, TEST_PASSWORD, '192.0.2.70')).status).toBe(429);
      expect((await signIn(p.app, people[11]!.email, TEST_PASSWORD, '192.0.2.71')).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it('the per-account limit counts only attempts that got past the per-address limits', async () => {
    const p = await makeTestContext({ config: { signInLimits: { windowMinutes: 15, perAccountAndClient: 5, perClient: 100, perAccount: 12 } } });
    try {
      const u = await p.user('staff', (await p.org()).id);
      // 40 from one address: 5 reach the check, and only those 5 count for the account.
      await Promise.all(Array.from({ length: 40 }, () => signIn(p.app, u.email, 'wrong', '192.0.2.80')));
      expect((await signIn(p.app, u.email, TEST_PASSWORD, '192.0.2.81')).status).toBe(200);
      // Guessing spread over many addresses meets the account's own limit.
      const spread = [];
      for (let i = 0; i < 14; i++) spread.push((await signIn(p.app, u.email, 'wrong', `192.0.2.${100 + i}`)).status);
      // The five from the first address count (the right password was not counted): seven more get through.
      expect(spread).toEqual([...Array(7).fill(401), ...Array(7).fill(429)]);
    } finally {
      await p.close();
    }
  });

  it('the counts live in the database: two app instances (as two processes) share them', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const other = createApp(t.deps);
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(i % 2 ? other : t.app, u.email, 'wrong', '192.0.2.90')));
    expect(tally(statuses.map((r) => r.status))).toEqual({ 401: 5, 429: 5 });
  });

  it('signing in while sending a stale Authorization header works', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const res = await signIn(t.app, u.email, TEST_PASSWORD, '192.0.2.95', { authorization: 'Bearer expired-or-revoked-token' });
    expect(res.status).toBe(200);
    expect(res.json.user.email).toBe(u.email);
    // Elsewhere a stale token is still refused.
    const me = await t.request('GET', '/api/me', { headers: { authorization: 'Bearer expired-or-revoked-token' } });
    expect(me.status).toBe(401);
  });
});

describe('old counters', () => {
  it('are forgotten by the background jobs a day after their window started; current ones stay', async () => {
    const { runJobsOnce } = await import('../../server/jobs.js');
    const now = t.clock.now().getTime();
    await t.db.insertInto('login_throttle').values([
      { key: 'pair:old', window_start: new Date(now - 25 * 3_600_000).toISOString(), hits: 9 },
      { key: 'pair:current', window_start: new Date(now - 60_000).toISOString(), hits: 2 },
    ]).execute();
    await runJobsOnce(t.deps, null);
    const keys = (await t.db.selectFrom('login_throttle').select('key').where('key', 'in', ['pair:old', 'pair:current']).execute()).map((r) => r.key);
    expect(keys).toEqual(['pair:current']);
  });
});
