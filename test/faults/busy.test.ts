/**
 * The database is busy: another connection holds the write lock (SQLite: BEGIN IMMEDIATE on
 * the same file; PostgreSQL: a row lock on the session, with a short lock_timeout for the
 * app). Writes answer 503 `database_busy` with Retry-After, nothing is half-written, reads
 * keep working, and the same request succeeds once the lock is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { seed, type Seeded } from '../../bench/seed.js';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { createApp } from '../../server/app.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { memoryLogger } from '../../server/platform/logging.js';
import { createPgDatabase, usePostgres } from '../helpers.js';

const require = createRequire(import.meta.url);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function appOn(db: Db) {
  await migrateToLatest(db.db);
  const seeded: Seeded = await seed(db.db, { bookers: 3, sessions: 1, capacity: 5, signInUsers: 0, feedEvents: 0, passwordCostLog2: 10 });
  const logger = memoryLogger();
  const app = createApp({ db: db.db, dbKind: db.kind, now: () => new Date(), config: defaultConfig({ passwordCostLog2: 10 }), logger });
  const call = async (method: string, p: string, token: string, body?: unknown) => {
    const res = await app.request(p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, json: (await res.json().catch(() => null)) as any };
  };
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of ['bookings', 'outbox', 'organisations', 'users', 'sessions'] as const) {
      const r = await db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      out[table] = Number(r.n);
    }
    return out;
  };
  return { app, call, counts, seeded, logger };
}

function expectBusy(res: { status: number; headers: Headers; json: any }) {
  expect(res.status).toBe(503);
  expect(res.json.error.code).toBe('database_busy');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('database busy', () => {
  it('SQLite: a held write lock gives 503 database_busy with Retry-After, writes nothing, and reads still work', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'send-busy-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'app.db');
    // The app waits at most 150 ms for the lock (production waits 5 s).
    const db = openSqlite(file, { busyWaitMs: 150 });
    cleanups.push(() => db.close());
    const { call, counts, seeded } = await appOn(db);
    const sessionId = seeded.sessionIds[0]!;
    const [a, b] = seeded.bookers;

    const other = new SqliteDatabase(file);
    cleanups.push(() => void other.close());
    const before = await counts();
    other.exec('begin immediate');
    try {
      expectBusy(await call('POST', `/api/sessions/${sessionId}/bookings`, a!.token, { seat: 'online' }));
      // Several at once (written together, so they share the wait for the lock): each is told.
      for (const res of await Promise.all(seeded.bookers.map((u) => call('POST', `/api/sessions/${sessionId}/bookings`, u.token, { seat: 'online' })))) expectBusy(res);
      // A plain insert outside a transaction, and an admin write, are refused the same way.
      expectBusy(await call('POST', '/api/orgs', seeded.admin.token, { name: 'Busy Academy' }));
      expectBusy(await call('PUT', `/api/sessions/${sessionId}/holds`, seeded.admin.token, { orgId: seeded.orgId, seat: 'online', seats: 2 }));
      // Reading goes on (WAL): the session and its seats are still there.
      const read = await call('GET', `/api/sessions/${sessionId}`, b!.token);
      expect(read.status).toBe(200);
      expect(read.json.seats.online.confirmed).toBe(0);
    } finally {
      other.exec('rollback');
    }
    expect(await counts()).toEqual(before);

    // With the lock gone the same request goes through, exactly once.
    const ok = await call('POST', `/api/sessions/${sessionId}/bookings`, a!.token, { seat: 'online' });
    expect(ok.status).toBe(201);
    expect(ok.json.status).toBe('confirmed');
    const after = await counts();
    expect(after.bookings).toBe(before.bookings! + 1);
    expect(after.outbox).toBe(before.outbox! + 1);
  });

  it('SQLite: while another process holds the write lock, a write waits without stopping the server: reads and /api/health sent after it are answered first, and it goes through once the lock is gone', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'send-busy-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'app.db');
    const db = openSqlite(file, { busyWaitMs: 50_000 });
    cleanups.push(() => db.close());
    const { call, counts, seeded } = await appOn(db);
    const sessionId = seeded.sessionIds[0]!;
    const before = await counts();

    // Another process takes the write lock and keeps it until told.
    const holder = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)});
      db.exec('begin immediate');
      process.stdout.write('locked\\n');
      process.stdin.once('data', () => { db.exec('rollback'); db.close(); process.stdout.write('released\\n'); process.exit(0); });
    `], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(() => void holder.kill('SIGKILL'));
    const lines = createInterface({ input: holder.stdout! });
    const said = (what: string) => new Promise<void>((resolve) => lines.on('line', (l) => l === what && resolve()));
    const released = said('released');
    await said('locked');

    const order: string[] = [];
    const booking = call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' }).then((r) => (order.push('booking'), r));
    const org = call('POST', '/api/orgs', seeded.admin.token, { name: 'Patient Academy' }).then((r) => (order.push('org'), r));
    const health = await call('GET', '/api/health', seeded.bookers[1]!.token);
    order.push('health');
    const read = await call('GET', `/api/sessions/${sessionId}`, seeded.bookers[1]!.token);
    order.push('read');
    expect(health.status).toBe(200);
    expect(read.status).toBe(200);
    expect(read.json.seats.online.confirmed).toBe(0);
    // Both writes are still waiting: the reads sent after them were answered first.
    expect(order).toEqual(['health', 'read']);

    holder.stdin!.write('go\n');
    await released;
    const [booked, created] = await Promise.all([booking, org]);
    expect(booked.status).toBe(201);
    expect(booked.json.status).toBe('confirmed');
    expect(created.status).toBe(201);
    expect(order.slice(0, 2)).toEqual(['health', 'read']);
    const after = await counts();
    expect(after.bookings).toBe(before.bookings! + 1);
    expect(after.organisations).toBe(before.organisations! + 1);
  });

  it.runIf(usePostgres)('PostgreSQL: a session row locked past lock_timeout gives 503 database_busy and writes nothing', async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    cleanups.push(created.drop);
    const url = `${created.url}?options=${encodeURIComponent('-c lock_timeout=200')}`;
    const db = openPostgres(url, 5);
    cleanups.push(() => db.close());
    const { call, counts, seeded } = await appOn(db);
    const sessionId = seeded.sessionIds[0]!;
    const holder = new pg.Client({ connectionString: created.url });
    await holder.connect();
    cleanups.push(() => holder.end());
    const before = await counts();
    await holder.query('begin');
    await holder.query('select * from sessions where id = $1 for update', [sessionId]);
    try {
      expectBusy(await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' }));
      expect((await call('GET', `/api/sessions/${sessionId}`, seeded.bookers[1]!.token)).status).toBe(200);
    } finally {
      await holder.query('rollback');
    }
    expect(await counts()).toEqual(before);
    expect((await call('POST', `/api/sessions/${sessionId}/bookings`, seeded.bookers[0]!.token, { seat: 'online' })).status).toBe(201);
  });
});

if (!usePostgres) console.info('busy.test.ts: the PostgreSQL lock case runs with TEST_DATABASE=postgres');
