import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, TEST_PASSWORD, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

describe('health and API document', () => {
  it('answers health when the database answers', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });

  it('serves a generated OpenAPI 3 document naming the contract routes', async () => {
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toMatch(/^3\./);
    for (const p of ['/api/auth/login', '/api/me', '/api/sessions', '/api/sessions/{id}', '/api/sessions/{id}/bookings', '/api/bookings/{id}']) {
      expect(Object.keys(res.json.paths)).toContain(p);
    }
    expect(res.json.paths['/api/sessions'].post.requestBody).toBeDefined();
  });

  it('documents every API route the server answers, the contract’s health and document routes too', async () => {
    const doc = (await t.request('GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    const served = new Set(
      t.app.routes
        .filter((r) => r.path.startsWith('/api/') && !r.path.includes('*') && r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(served.size).toBeGreaterThan(100);
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
  });

  it('has a human reference page', async () => {
    const res = await t.request('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('/api/sessions/{id}/bookings');
  });
});

describe('errors have one shape', () => {
  it('unknown API routes are 404 with a code', async () => {
    const res = await t.request('GET', '/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('malformed JSON is a 400 malformed_json', async () => {
    const admin = await t.user('admin');
    const res = await t.request('POST', '/api/orgs', { as: admin, body: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('malformed_json');
  });

  it('oversized bodies are a 413', async () => {
    const admin = await t.user('admin');
    const res = await t.request('POST', '/api/orgs', { as: admin, body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('payload_too_large');
  });

  it('validation failures say which field and change nothing', async () => {
    const admin = await t.user('admin');
    const res = await t.request('POST', '/api/orgs', { as: admin, body: { name: '', urn: 'abc' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['name', 'urn']));
    const orgs = await t.db.selectFrom('organisations').selectAll().execute();
    expect(orgs).toHaveLength(0);
  });

  it('every response carries a request id and security headers', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const logged = t.logger.lines.find((l) => l.msg === 'request' && l.path === '/api/health');
    expect(logged).toMatchObject({ method: 'GET', status: 200, requestId: res.headers.get('x-request-id') });
  });

  it('every API answer is dated by the server’s own clock, which the web client keeps its time by, refusals too', async () => {
    t.clock.set('2026-03-09T08:15:42.000Z');
    for (const path of ['/api/health', '/api/me', '/api/no-such-route']) {
      const res = await t.request('GET', path);
      expect(res.headers.get('date'), path).toBe('Mon, 09 Mar 2026 08:15:42 GMT');
    }
  });
});

describe('signing in', () => {
  it('signs in with a password, returns a token and sets an HttpOnly SameSite cookie', async () => {
    const org = await t.org();
    const u = await t.user('staff', org.id, 'Amira Khan');
    const res = await t.request('POST', '/api/auth/login', { body: { email: u.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.json.user).toMatchObject({ id: u.id, role: 'staff', orgId: org.id, orgName: org.name });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${res.json.token}` } });
    expect(me.status).toBe(200);
    expect(me.json.email).toBe(u.email);
  });

  it('stores only a scrypt hash of the password', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const row = await t.db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });

  it('refuses a wrong password with 401 and the same message as an unknown email', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const wrong = await t.request('POST', '/api/auth/login', { body: { email: u.email, password: 'nope-nope-nope' } });
    const unknown = await t.request('POST', '/api/auth/login', { body: { email: 'nobody@example.org', password: 'nope-nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);
  });

  it('limits failed sign-ins per email, then lets them in once the window passes', async () => {
    const u = await t.user('staff', (await t.org()).id);
    for (let i = 0; i < 5; i++) expect((await t.request('POST', '/api/auth/login', { body: { email: u.email, password: 'wrong-password' } })).status).toBe(401);
    const limited = await t.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.advance(16 * 60_000);
    expect((await t.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } })).status).toBe(200);
  });

  it('sign-out revokes the token at once', async () => {
    const u = await t.user('staff', (await t.org()).id);
    const login = await t.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } });
    const auth = { authorization: `Bearer ${login.json.token}` };
    expect((await t.request('POST', '/api/auth/logout', { headers: auth })).status).toBe(204);
    const me = await t.request('GET', '/api/me', { headers: auth });
    expect(me.status).toBe(401);
    expect(me.json.error.code).toBe('unauthenticated');
  });

  it('cookie sessions need the CSRF token to change anything; bearer tokens do not', async () => {
    const org = await t.org();
    const u = await t.user('office', org.id);
    const login = await t.request('POST', '/api/auth/login', { body: { email: u.email, password: TEST_PASSWORD } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const body = { email: 'new.person@example.org', name: 'New Person', role: 'staff' };
    const without = await t.request('POST', '/api/users', { headers: { cookie }, body });
    expect(without.status).toBe(403);
    expect(without.json.error.code).toBe('csrf_failed');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', body.email).executeTakeFirst()).toBeUndefined();
    const me = await t.request('GET', '/api/me', { headers: { cookie } });
    expect(me.json.csrfToken).toBe(login.json.csrfToken);
    const withToken = await t.request('POST', '/api/users', { headers: { cookie, 'x-csrf-token': login.json.csrfToken }, body });
    expect(withToken.status).toBe(201);
  });
});

describe('organisations and people', () => {
  it('admins create organisations; others may not', async () => {
    const admin = await t.user('admin');
    const res = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Oak Tree Primary', urn: '123456' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: 'Oak Tree Primary', urn: '123456', timeZone: 'Europe/London' });
    const office = await t.user('office', res.json.id);
    expect((await t.request('POST', '/api/orgs', { as: office, body: { name: 'Mine' } })).status).toBe(403);
    expect((await t.request('POST', '/api/orgs', { body: { name: 'Mine' } })).status).toBe(401);
  });

  it('office staff add staff to their own organisation only', async () => {
    const a = await t.org();
    const b = await t.org();
    const office = await t.user('office', a.id);
    const ok = await t.request('POST', '/api/users', { as: office, body: { email: 'ta@example.org', name: 'Ben Evans', role: 'staff' } });
    expect(ok.status).toBe(201);
    expect(ok.json.orgId).toBe(a.id);
    expect((await t.request('POST', '/api/users', { as: office, body: { email: 'x@example.org', name: 'X', role: 'staff', orgId: b.id } })).status).toBe(403);
    expect((await t.request('POST', '/api/users', { as: office, body: { email: 'y@example.org', name: 'Y', role: 'trainer' } })).status).toBe(403);
    const dup = await t.request('POST', '/api/users', { as: office, body: { email: 'TA@example.org', name: 'Again', role: 'staff' } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('email_taken');
  });

  it('imports staff from CSV, and imports nobody when any row is bad', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const bad = 'name,email,role\nAmira Khan,amira@example.org,staff\nNo Email,,staff\nBoss,boss@example.org,admin\nAmira Again,amira@example.org,staff\n';
    const rejected = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: bad, headers: { 'content-type': 'text/csv' } });
    expect(rejected.status).toBe(400);
    expect(rejected.json.error.details.rows.map((r: { line: number }) => r.line)).toEqual([3, 4, 5]);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'amira@example.org').executeTakeFirst()).toBeUndefined();

    const good = '\uFEFFName,Email,Role\r\n"Khan, Amira",amira@example.org,staff\r\nBen Evans,ben@example.org,\r\n';
    const imported = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: good, headers: { 'content-type': 'text/csv' } });
    expect(imported.status).toBe(201);
    expect(imported.json.imported).toBe(2);
    expect(imported.json.users.map((u: { name: string }) => u.name).sort()).toEqual(['Ben Evans', 'Khan, Amira']);
  });
});
