/**
 * README claims about running real server processes that no other test held it to:
 * - `DEMO=1` seeds an empty database and prints sign-in details that work (and seeds once);
 * - a statement timeout on PostgreSQL answers 503 `database_busy` with Retry-After;
 * - a request that cannot get a pooled connection within DATABASE_POOL_WAIT_MS answers 503;
 * - after SIGTERM, work still open at SHUTDOWN_TIMEOUT_MS is cut off and the process exits 1;
 * - a LiveKit webhook may reach a different process from the one that minted the join token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, type Db } from '../../db/connect.js';
import { createPgDatabase } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, TEST_LK, type LiveKitStandIn } from '../livekit-standin.js';
import { call, cleanUp, killAll, makeOrg, makePeople, postgresSkipReason, startServer, waitFor } from './processes.js';

const skip = await postgresSkipReason();
if (skip) console.warn(`[test/scale] README-claim process tests on PostgreSQL skipped: ${skip}`);

describe('DEMO=1', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'send-demo-'));
  afterAll(() => cleanUp([killAll, () => rmSync(dir, { recursive: true, force: true })]));

  it('seeds an empty database, prints sign-in details that work, and does not seed twice', async () => {
    const env = { DATABASE_URL: `sqlite:${path.join(dir, 'app.db')}`, DEMO: '1' };
    const first = await startServer('demo', env);
    const text = first.lines.join('\n');
    const password = /password for all: (\S+?)\)/.exec(text)?.[1];
    expect(password).toBeTruthy();
    const people = [...text.matchAll(/^\s+(staff|office|trainer|admin)\s+(\S+@\S+)/gm)].map((m) => ({ role: m[1]!, email: m[2]! }));
    expect(new Set(people.map((p) => p.role))).toEqual(new Set(['staff', 'office', 'trainer', 'admin']));

    const staff = people.find((p) => p.role === 'staff')!;
    const login = await call(first.url, 'POST', '/api/auth/login', { body: { email: staff.email, password } });
    expect(login.status).toBe(200);
    const list = await call(first.url, 'GET', '/api/sessions', { token: login.json.token });
    expect(list.status).toBe(200);
    expect(list.json.items.length).toBeGreaterThan(0);

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const again = await startServer('demo-again', env);
    expect(again.lines.join('\n')).toMatch(/already has data; demo not seeded again/);
    const relogin = await call(again.url, 'POST', '/api/auth/login', { body: { email: staff.email, password } });
    expect(relogin.status).toBe(200);
  }, 60_000);
});

describe.skipIf(skip !== null)('PostgreSQL processes', () => {
  let pgDb: { url: string; drop: () => Promise<void> };
  let db: Db;
  let lk: LiveKitStandIn;

  beforeAll(async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    pgDb = created;
    db = openPostgres(pgDb.url, 2);
    await migrateToLatest(db.db);
    lk = await startLiveKitStandIn();
  }, 60_000);
  afterAll(() => cleanUp([killAll, () => lk?.close(), () => db?.close(), () => pgDb?.drop()]));

  /** A session created through `server` by a new trainer, and a member of staff of a new school. */
  async function sessionAndStaff(url: string, times: { startsAt: string; endsAt: string; attendanceThreshold?: number }) {
    const orgId = await makeOrg(db.db, 'Claims Academy');
    const [trainer] = await makePeople(db.db, 'trainer', null, 1);
    const [staff] = await makePeople(db.db, 'staff', orgId, 1);
    const s = await call(url, 'POST', '/api/sessions', { token: trainer!.token, body: { title: 'Claims', mode: 'online', ...times, capacity: { online: 5 } } });
    expect(s.status).toBe(201);
    return { sessionId: s.json.id as string, trainer: trainer!, staff: staff! };
  }

  /** Holds the session's row lock on a connection of its own until `release` is called. */
  async function holdSessionLock(sessionId: string) {
    const holder = new pg.Client({ connectionString: pgDb.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select id from sessions where id = $1 for update', [sessionId]);
    return { release: async () => { await holder.query('rollback').catch(() => undefined); await holder.end().catch(() => undefined); } };
  }

  const future = () => {
    const start = Date.now() + 7 * 86_400_000;
    return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3_600_000).toISOString() };
  };

  it('a statement that runs past statement_timeout answers 503 database_busy with Retry-After, and books nothing', async () => {
    // The role's time limits, as the README advises, given here through the connection's options.
    const server = await startServer('timeouts', { DATABASE_URL: `${pgDb.url}?options=${encodeURIComponent('-c statement_timeout=300')}` });
    const { sessionId, staff } = await sessionAndStaff(server.url, future());
    const lock = await holdSessionLock(sessionId);
    try {
      const res = await fetch(`${server.url}/api/sessions/${sessionId}/bookings`, { method: 'POST', headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(20_000) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('database_busy');
    } finally {
      await lock.release();
    }
    const rows = await db.db.selectFrom('bookings').select('id').where('session_id', '=', sessionId).execute();
    expect(rows).toEqual([]);
    // Once the lock is gone the same booking goes through.
    expect((await call(server.url, 'POST', `/api/sessions/${sessionId}/bookings`, { token: staff.token, body: {} })).status).toBe(201);
  }, 60_000);

  it('a request that waits longer than DATABASE_POOL_WAIT_MS for a pooled connection answers 503, and the pool recovers', async () => {
    const server = await startServer('pool-wait', { DATABASE_URL: pgDb.url, DATABASE_POOL_MAX: '1', DATABASE_POOL_WAIT_MS: '300' });
    const { sessionId, staff } = await sessionAndStaff(server.url, future());
    // The booking holds the process's only connection while it waits on the session lock.
    const lock = await holdSessionLock(sessionId);
    let booking: ReturnType<typeof call> | undefined;
    try {
      booking = call(server.url, 'POST', `/api/sessions/${sessionId}/bookings`, { token: staff.token, body: {} });
      await waitFor('the booking to wait on the session lock', async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db.db);
        return rows[0]!.n >= 1;
      }, 10_000);
      const res = await fetch(`${server.url}/api/sessions/${sessionId}`, { headers: { authorization: `Bearer ${staff.token}` }, signal: AbortSignal.timeout(20_000) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await lock.release();
    }
    expect((await booking).status).toBe(201);
    expect((await call(server.url, 'GET', `/api/sessions/${sessionId}`, { token: staff.token })).status).toBe(200);
  }, 60_000);

  it('after SIGTERM, a request still waiting at SHUTDOWN_TIMEOUT_MS is cut off and the process exits 1', async () => {
    const server = await startServer('shutdown-timeout', { DATABASE_URL: pgDb.url, SHUTDOWN_TIMEOUT_MS: '500' });
    const { sessionId, staff } = await sessionAndStaff(server.url, future());
    const lock = await holdSessionLock(sessionId);
    try {
      const stuck = call(server.url, 'POST', `/api/sessions/${sessionId}/bookings`, { token: staff.token, body: {} });
      await waitFor('the booking to wait on the session lock', async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db.db);
        return rows[0]!.n >= 1;
      }, 10_000);
      server.child.kill('SIGTERM');
      const exit = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(server.logs().map((l) => l.msg)).toContain('shutdown timed out; closing remaining connections');
      // The cut-off request gets no answer (its connection is closed), never a false 201.
      expect((await stuck).status).not.toBe(201);
    } finally {
      await lock.release();
    }
  }, 60_000);

  it('a webhook delivered to another process than the one that minted the join token is applied', async () => {
    const livekit = { LIVEKIT_URL: lk.config.url, LIVEKIT_API_KEY: TEST_LK.apiKey, LIVEKIT_API_SECRET: TEST_LK.apiSecret };
    const [a, b] = await Promise.all([startServer('lk-a', { DATABASE_URL: pgDb.url, ...livekit }), startServer('lk-b', { DATABASE_URL: pgDb.url, ...livekit })]);
    // Running now: started 30 minutes ago, ends in 30 minutes, so the join window is open; a
    // quarter of it counts as attending, so with half of it left it can still be booked.
    const now = Math.floor(Date.now() / 60_000) * 60_000; // whole minutes, so the expected minutes are exact
    const { sessionId, trainer, staff } = await sessionAndStaff(a.url, { startsAt: new Date(now - 30 * 60_000).toISOString(), endsAt: new Date(now + 30 * 60_000).toISOString(), attendanceThreshold: 0.25 });
    const booked = await call(a.url, 'POST', `/api/sessions/${sessionId}/bookings`, { token: staff.token, body: { seat: 'online' } });
    expect(booked.json.status).toBe('confirmed');
    const joined = await call(a.url, 'POST', `/api/sessions/${sessionId}/join`, { token: staff.token, body: {} });
    expect(joined.status).toBe(200);

    const secs = (ms: number) => BigInt(Math.floor(ms / 1000));
    const joinedAt = now - 20 * 60_000;
    const participant = new ParticipantInfo({ sid: 'PA_cross', identity: joined.json.identity, name: 'staff 0', joinedAt: secs(joinedAt), joinedAtMs: BigInt(joinedAt) });
    const room = new Room({ sid: 'RM_cross', name: joined.json.room });
    for (const [id, event, at] of [['EV_cross_j', 'participant_joined', joinedAt], ['EV_cross_l', 'participant_left', now - 10 * 60_000]] as const) {
      const signed = await signedWebhook({ id, event, createdAt: secs(at), room, participant });
      const res = await fetch(`${b.url}/api/livekit/webhook`, { method: 'POST', headers: signed.headers, body: signed.body, signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
    }
    const report = await call(a.url, 'GET', `/api/sessions/${sessionId}/attendance`, { token: trainer.token });
    expect(report.status).toBe(200);
    expect(report.json.items.find((r: { bookingId: string }) => r.bookingId === booked.json.id)).toMatchObject({ minutes: 10 });
  }, 60_000);
});
