/**
 * The sign-in throttle holds across real server processes on one PostgreSQL database:
 * guesses spread over two processes are counted together, before any password is checked.
 * Client addresses come from real sockets, and from X-Forwarded-For only where TRUST_PROXY
 * is set in the process's environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Db } from '../../db/connect.js';
import { createPgDatabase, TEST_PASSWORD } from '../helpers.js';
import { cleanUp, killAll, makeOrg, makePeople, postgresSkipReason, startServer, type Person, type ServerProcess } from './processes.js';

const skip = await postgresSkipReason();
if (skip) console.warn(`[test/scale] cross-process sign-in tests skipped: ${skip}`);

async function signIn(base: string, email: string, password: string, forwardedFor?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers, body: JSON.stringify({ email, password }), signal: AbortSignal.timeout(20_000) });
  await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

describe.skipIf(skip !== null)('sign-in throttle across processes', () => {
  let created: { url: string; drop: () => Promise<void> };
  let db: Db;
  let proxied: ServerProcess[];
  let direct: ServerProcess;
  let people: Person[];

  beforeAll(async () => {
    const c = await createPgDatabase();
    if ('skip' in c) throw new Error(c.skip);
    created = c;
    const env = { DATABASE_URL: c.url, JOBS_INTERVAL_MS: '60000' };
    proxied = await Promise.all(['a', 'b'].map((n) => startServer(n, { ...env, TRUST_PROXY: '1' })));
    direct = await startServer('c', env);
    db = openPostgres(c.url, 2);
    people = await makePeople(db.db, 'staff', await makeOrg(db.db, 'Throttle Academy'), 2);
  }, 60_000);

  afterAll(async () => {
    await cleanUp([() => killAll(), () => db?.close(), () => created?.drop()]);
  });

  it('40 guesses at once over two processes: 5 reach the password check, 35 are 429; another address still signs in', async () => {
    const [person] = people;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(proxied[i % 2]!.url, person!.email, `wrong ${i}`, '203.0.113.9')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    for (const r of results.filter((r) => r.status === 429)) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect((await signIn(proxied[0]!.url, person!.email, TEST_PASSWORD, '203.0.113.9')).status).toBe(429);
    expect((await signIn(proxied[1]!.url, person!.email, TEST_PASSWORD, '198.51.100.3')).status).toBe(200);
  });

  it('without TRUST_PROXY a client cannot escape the limit by writing X-Forwarded-For', async () => {
    const [, person] = people;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(direct.url, person!.email, `wrong ${i}`, `10.1.2.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
