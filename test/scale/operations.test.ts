/**
 * Operating a server process: readiness that tells a load balancer the truth when the
 * database goes away, and a SIGTERM that lets in-flight requests finish before exiting 0.
 */
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, type Db } from '../../db/connect.js';
import { createPgDatabase } from '../helpers.js';
import { call, cleanUp, killAll, makeOrg, makePeople, postgresSkipReason, startServer, waitFor } from './processes.js';

const skip = await postgresSkipReason();
if (skip) console.warn(`[test/scale] operations tests skipped: ${skip}`);

/** A TCP relay in front of PostgreSQL that the test can cut, as if the database went down. */
async function cuttableRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  let current = server;
  return {
    port,
    async cut() {
      const closed = new Promise<void>((r) => current.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async restore() {
      current = net.createServer(server.listeners('connection')[0] as (s: net.Socket) => void);
      await new Promise<void>((r) => current.listen(port, '127.0.0.1', r));
    },
    close() {
      for (const s of sockets) s.destroy();
      current.close();
    },
  };
}

/** Resolves with the error code of a fresh TCP connection attempt ('connected' if it worked). */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe.skipIf(skip !== null)('readiness and liveness', () => {
  let pgDb: { url: string; drop: () => Promise<void> };
  let db: Db;
  let relay: Awaited<ReturnType<typeof cuttableRelay>>;

  beforeAll(async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    pgDb = created;
    db = openPostgres(pgDb.url, 3);
    await migrateToLatest(db.db);
    relay = await cuttableRelay(new URL(pgDb.url));
  }, 60_000);

  afterAll(() => cleanUp([killAll, () => relay?.close(), () => db?.close(), () => pgDb?.drop()]));

  it('answers 503 database_unavailable while the database is unreachable, stays up, and recovers', async () => {
    const viaRelay = new URL(pgDb.url);
    viaRelay.port = String(relay.port);
    const server = await startServer('ready', { DATABASE_URL: viaRelay.toString(), JOBS_INTERVAL_MS: '100' });
    const [staff] = await makePeople(db.db, 'staff', await makeOrg(db.db, 'Ready School'), 1);

    expect(await call(server.url, 'GET', '/api/ready')).toMatchObject({ status: 200, json: { ok: true, database: 'postgres' } });
    expect(await call(server.url, 'GET', '/api/health')).toMatchObject({ status: 200, json: { ok: true } });

    await relay.cut();
    const ready = await call(server.url, 'GET', '/api/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.error.code).toBe('database_unavailable');
    expect((await call(server.url, 'GET', '/api/health')).json.error.code).toBe('database_unavailable');
    // Ordinary requests say the same rather than a bare 500.
    const me = await call(server.url, 'GET', '/api/me', { token: staff!.token });
    expect([me.status, me.json.error.code]).toEqual([503, 'database_unavailable']);
    // Broken pooled connections and failing job passes do not bring the process down.
    await new Promise((r) => setTimeout(r, 400));
    expect(server.alive()).toBe(true);

    await relay.restore();
    await waitFor('readiness to come back', async () => (await call(server.url, 'GET', '/api/ready')).status === 200, 10_000, 100);
    expect((await call(server.url, 'GET', '/api/me', { token: staff!.token })).status).toBe(200);
  });

  it('answers 503 database_not_migrated when the schema is behind this version', async () => {
    const server = await startServer('migrations', { DATABASE_URL: pgDb.url, JOBS_INTERVAL_MS: '60000' });
    const last = await db.db.selectFrom('kysely_migration' as any).selectAll().orderBy('name', 'desc').limit(1).executeTakeFirstOrThrow();
    await sql`delete from kysely_migration where name = ${last.name}`.execute(db.db);
    try {
      const ready = await call(server.url, 'GET', '/api/ready');
      expect([ready.status, ready.json.error.code]).toEqual([503, 'database_not_migrated']);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last.name}, ${last.timestamp})`.execute(db.db);
    }
    expect((await call(server.url, 'GET', '/api/ready')).status).toBe(200);
  });
});

describe.skipIf(skip !== null)('SIGTERM', () => {
  let pgDb: { url: string; drop: () => Promise<void> };
  let db: Db;

  beforeAll(async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    pgDb = created;
    db = openPostgres(pgDb.url, 3);
    await migrateToLatest(db.db);
  }, 60_000);

  afterAll(() => cleanUp([killAll, () => db?.close(), () => pgDb?.drop()]));

  it('refuses new connections, finishes the bookings in flight, closes idle keep-alive connections and exits 0', async () => {
    // A pool big enough that every booking below reaches PostgreSQL and waits there.
    const server = await startServer('term', { DATABASE_URL: pgDb.url, JOBS_INTERVAL_MS: '100', DATABASE_POOL_MAX: '25' });
    const port = Number(new URL(server.url).port);
    const [trainer] = await makePeople(db.db, 'trainer', null, 1);
    const staff = await makePeople(db.db, 'staff', await makeOrg(db.db, 'Term School'), 20);
    const starts = new Date(Date.now() + 86_400_000);
    const session = await call(server.url, 'POST', '/api/sessions', {
      token: trainer!.token,
      body: { title: 'Shutdown', mode: 'online', startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 3_600_000).toISOString(), capacity: { online: 5 } },
    });
    expect(session.status).toBe(201);

    // An idle keep-alive connection, as a load balancer or browser would leave open.
    const agent = new http.Agent({ keepAlive: true });
    const idle = await new Promise<number>((resolve, reject) => {
      http.get(`${server.url}/api/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      }).on('error', reject);
    });
    expect(idle).toBe(200);

    // Hold the session's row lock so twenty bookings are in flight, then ask the process to stop.
    const holder = new pg.Client({ connectionString: pgDb.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from sessions where id = $1 for update', [session.json.id]);
      const sent = staff.map((p) => post(server.url, `/api/sessions/${session.json.id}/bookings`, p.token));
      const inFlight = sent.map((r) => r.answer);
      await Promise.all(sent.map((r) => r.written));
      // The server books requests that arrive together in one transaction (group commit), so
      // the first of them waits on the lock and the rest queue behind it in the process.
      // (Asked on another connection: inside a transaction pg_stat_activity is a frozen snapshot.)
      await waitFor('bookings to queue on the session lock', async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db.db);
        return rows[0]!.n >= 1;
      }, 10_000);
      // Every request was written before the wait began; an idle event loop reads them at once.
      await new Promise((r) => setTimeout(r, 200));

      server.child.kill('SIGTERM');
      await waitFor('the listener to close', async () => (await tryConnect(port)) === 'ECONNREFUSED', 3_000, 20);
      expect(server.alive()).toBe(true);

      await holder.query('commit');
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual(staff.map(() => 201));
      expect(answers.filter((a) => a.json.status === 'confirmed')).toHaveLength(5);
      expect(answers.filter((a) => a.json.status === 'waitlisted').map((a) => a.json.position).sort((x, y) => x - y)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));

      const exit = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5_000))]);
      // 'hung' if it had not exited within 5 s: the outcome is what is asserted, not a time.
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
      expect(await tryConnect(port)).toBe('ECONNREFUSED');
    } finally {
      agent.destroy();
      await holder.end().catch(() => undefined);
    }
    const rows = await db.db.selectFrom('bookings').select('status').where('session_id', '=', session.json.id).execute();
    expect(rows).toHaveLength(20);
  }, 60_000);

  it('exits 0 promptly when idle, even with a keep-alive connection open', async () => {
    const server = await startServer('idle', { DATABASE_URL: pgDb.url, JOBS_INTERVAL_MS: '100' });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${server.url}/api/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    server.child.kill('SIGTERM');
    // Its keep-alive connection must not hold it open: it exits by itself, well before the
    // shutdown timeout would cut it off (that would exit 1, and 'hung' means it never exited).
    const exit = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5_000))]);
    agent.destroy();
    expect(exit).toEqual({ code: 0, signal: null });
  });
});

/** A booking POST on its own connection: `written` once the whole request is on the wire, `answer` its status and JSON. */
function post(base: string, path: string, token: string) {
  let written!: () => void;
  const whenWritten = new Promise<void>((r) => (written = r));
  const answer = new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = http.request(base + path, { method: 'POST', agent: false, timeout: 15_000, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('finish', written);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end('{}');
  });
  return { written: whenWritten, answer };
}
