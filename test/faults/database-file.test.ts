/**
 * The SQLite database file cannot take changes: read-only, disk full. Writes answer 503 with
 * a clear code and Retry-After (never 500) and change nothing, reads go on, /api/ready
 * answers 503 while it lasts, and the process recovers by itself (it reopens the connection
 * and tries a real write) once the file takes changes again. Also: SQLite runs with
 * synchronous = FULL, so a 201 survives a power loss.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { seed } from '../../bench/seed.js';
import { migrateToLatest, openSqlite, type Db } from '../../db/connect.js';
import { createApp } from '../../server/app.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { memoryLogger } from '../../server/platform/logging.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function appOn(db: Db) {
  await migrateToLatest(db.db);
  const seeded = await seed(db.db, { bookers: 3, sessions: 1, capacity: 5, signInUsers: 0, feedEvents: 0, passwordCostLog2: 10 });
  const app = createApp({ db: db.db, dbKind: db.kind, now: () => new Date(), config: defaultConfig({ passwordCostLog2: 10 }), logger: memoryLogger() });
  const call = async (method: string, p: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(p, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, json: (await res.json().catch(() => null)) as any };
  };
  const bookings = async () => Number((await db.db.selectFrom('bookings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { call, seeded, bookings };
}

/** Polls `check` until it is true, at most `tries` times (bounded: the test fails rather than hangs). */
async function eventually(check: () => Promise<boolean>, tries = 200) {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function expectFault(res: { status: number; headers: Headers; json: any }, code: string) {
  expect(res.status).toBe(503);
  expect(res.json.error.code).toBe(code);
  expect(res.json.error.message).not.toMatch(/SQLITE|readonly database|database or disk is full/);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'send-dbfile-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the database file cannot take changes', () => {
  it('SQLite runs with synchronous = FULL (a 201 survives a power loss)', async () => {
    const db = openSqlite(path.join(tempDir(), 'app.db'));
    cleanups.push(() => db.close());
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db.db);
    expect(rows[0]!.synchronous).toBe(2); // 2 = FULL (1 = NORMAL)
  });

  it('read-only: writes answer 503 database_read_only and change nothing, reads go on, /api/ready is 503, and the process reopens the file by itself', async () => {
    const db = openSqlite(path.join(tempDir(), 'app.db'), { recoverEveryMs: 1000 });
    cleanups.push(() => db.close());
    const { call, seeded, bookings } = await appOn(db);
    const sessionId = seeded.sessionIds[0]!;
    expect((await call('GET', '/api/ready')).status).toBe(200);

    // The connection can no longer write, as when the file or its disk turns read-only.
    await sql`pragma query_only = 1`.execute(db.db);
    const key = { 'idempotency-key': 'read-only-retry' };
    expectFault(await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' }, key), 'database_read_only');
    expectFault(await call('POST', '/api/orgs', seeded.admin.token, { name: 'Read Only Academy' }), 'database_read_only');
    expectFault(await call('GET', '/api/ready'), 'database_read_only');
    const read = await call('GET', `/api/sessions/${sessionId}`, seeded.bookers[1]!.token);
    expect(read.status).toBe(200);
    expect((await call('GET', '/api/health')).status).toBe(200);
    expect(await bookings()).toBe(0);

    // No restart: the process reopens the connection and finds the file writable.
    expect(await eventually(async () => (await call('GET', '/api/ready')).status === 200)).toBe(true);
    // The 503 was not kept under the Idempotency-Key: the same request with it now books.
    const ok = await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' }, key);
    expect(ok.status).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    expect(await bookings()).toBe(1);
  });

  // A real full disk: a small tmpfs filled to the last byte. Needs permission to mount.
  const mountable = (() => {
    const probe = mkdtempSync(path.join(os.tmpdir(), 'send-mount-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
      execFileSync('umount', [probe], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();
  if (!mountable) console.info('database-file.test.ts: the disk-full case needs permission to mount a tmpfs (root); skipped here');

  it.runIf(mountable)('disk full: writes answer 503 database_full while it lasts (readiness too), reads go on, and writes resume once space is freed', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir]);
    cleanups.push(() => void execFileSync('umount', ['-l', dir]));
    const db = openSqlite(path.join(dir, 'app.db'), { recoverEveryMs: 100 });
    cleanups.push(() => db.close());
    const { call, seeded, bookings } = await appOn(db);
    const sessionId = seeded.sessionIds[0]!;

    // An empty write-ahead log (so the next write must grow it), then fill the disk.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db.db);
    const filler = path.join(dir, 'filler');
    const { bavail, bsize } = statfsSync(dir);
    writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
    expect(statfsSync(dir).bavail).toBe(0);

    expectFault(await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' }), 'database_full');
    expect((await call('GET', `/api/sessions/${sessionId}`, seeded.bookers[1]!.token)).status).toBe(200);
    // It lasts as long as the disk is full: readiness stays 503 through many recovery attempts.
    for (let i = 0; i < 5; i++) {
      expectFault(await call('GET', '/api/ready'), 'database_full');
      await new Promise((r) => setTimeout(r, 150));
    }
    expectFault(await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' }), 'database_full');
    expect(await bookings()).toBe(0);

    unlinkSync(filler);
    expect(await eventually(async () => (await call('GET', '/api/ready')).status === 200)).toBe(true);
    const ok = await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' });
    expect(ok.status).toBe(201);
    expect(await bookings()).toBe(1);
  });
});
