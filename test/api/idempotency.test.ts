/**
 * Idempotency-Key (issue 13, point 7): a retried POST gets the first answer, never a
 * second booking or `already_booked`; a key reused for another request is 422; keys are per
 * person and kept 24 hours. Runs on SQLite and (TEST_DATABASE=postgres) PostgreSQL.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { KyselyPlugin } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, openTestDb, TEST_PASSWORD, type TestUser } from '../helpers.js';
import { startLiveKitStandIn } from '../livekit-standin.js';

const t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
afterAll(() => t.close());

const bookingsOf = (sessionId: string) => t.db.selectFrom('bookings').select(['id', 'user_id', 'status']).where('session_id', '=', sessionId).execute();
const noticesOf = async (sessionId: string) =>
  (await t.db.selectFrom('outbox').innerJoin('bookings', 'bookings.id', 'outbox.booking_id').select('outbox.id').where('bookings.session_id', '=', sessionId).execute()).length;
const book = (as: TestUser, sessionId: string, key?: string, body: unknown = { seat: 'online' }) =>
  t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

describe('Idempotency-Key on bookings', () => {
  it('the same key and body get the first answer again (status and body), and one booking with one notice', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const me = await t.user('staff', (await t.org()).id);
    const first = await book(me, s.id, '"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"');
    expect(first.status).toBe(201);
    expect(first.json.status).toBe('confirmed');
    const again = await book(me, s.id, '"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"');
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/application\/json/);
    expect(await bookingsOf(s.id)).toHaveLength(1);
    expect(await noticesOf(s.id)).toBe(1);
    // Without the key, the same request is a new one: already booked.
    expect((await book(me, s.id)).json.error.code).toBe('already_booked');
  });

  it('a waitlist answer is replayed with its position, even after others joined behind', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const org = await t.org();
    const [a, b, c] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    await book(a, s.id);
    const first = await book(b, s.id, 'wait-1');
    expect(first.json).toMatchObject({ status: 'waitlisted', position: 1 });
    await book(c, s.id);
    expect((await book(b, s.id, 'wait-1')).text).toBe(first.text);
    expect(await bookingsOf(s.id)).toHaveLength(3);
  });

  it('the same key with a different body, or on another route, is 422 idempotency_key_reused and changes nothing', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { online: 5, inPerson: 5 } });
    const other = await t.session();
    const me = await t.user('staff', (await t.org()).id);
    expect((await book(me, s.id, 'k-reuse')).status).toBe(201);
    const before = await bookingsOf(s.id);
    const different = await book(me, s.id, 'k-reuse', { seat: 'in_person' });
    expect(different.status).toBe(422);
    expect(different.json.error.code).toBe('idempotency_key_reused');
    const elsewhere = await book(me, other.id, 'k-reuse');
    expect(elsewhere.status).toBe(422);
    expect(await bookingsOf(s.id)).toEqual(before);
    expect(await bookingsOf(other.id)).toHaveLength(0);
  });

  it('the same key on the same route with another query (a dry run, then the real import) is 422 idempotency_key_reused, not the dry run again', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const body = 'name,email,role\nQuinn Query,quinn.query@example.org,staff\n';
    const headers = { 'content-type': 'text/csv', 'idempotency-key': 'k-query' };
    const dry = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true`, { as: office, body, headers });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json.dryRun).toBe(true);
    const real = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers });
    expect(real.status, real.text).toBe(422);
    expect(real.json.error.code).toBe('idempotency_key_reused');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'quinn.query@example.org').execute()).toHaveLength(0);
    // The same query written another way (a trailing &) is the same request: its answer comes again.
    const again = await t.request('POST', `/api/orgs/${org.id}/users/import?dryRun=true&`, { as: office, body, headers });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual(dry.json);
  });

  it('the answer to a large staff import (2,000 people) is kept too: sent again with its key, it is given again, not each line refused as an account that exists', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const body = `name,email,role\n${Array.from({ length: 2000 }, (_, i) => `Person ${i} With A Fairly Long Name,person.${i}.with.a.long.address@example.org,staff`).join('\n')}\n`;
    const headers = { 'content-type': 'text/csv', 'idempotency-key': 'k-big-import' };
    const first = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers });
    expect(first.status, first.text.slice(0, 300)).toBeLessThan(300);
    expect(Buffer.byteLength(first.text)).toBeGreaterThan(256 * 1024);
    const again = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body, headers });
    expect(again.status).toBe(first.status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('keys are per person: someone else’s request with the same key is their own', async () => {
    const s = await t.session();
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const ra = await book(a, s.id, 'shared-key');
    const rb = await book(b, s.id, 'shared-key');
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.json.id).not.toBe(ra.json.id);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
  });

  it('keys are kept 24 hours: within them the answer is replayed, after them the key is new', async () => {
    const s = await t.session({ startsAt: '2026-02-20T16:00:00Z', endsAt: '2026-02-20T17:00:00Z' });
    const me = await t.user('staff', (await t.org()).id);
    const first = await book(me, s.id, 'day-key');
    t.clock.advance(23 * 3600_000);
    expect((await book(me, s.id, 'day-key')).text).toBe(first.text);
    t.clock.advance(2 * 3600_000);
    const late = await book(me, s.id, 'day-key');
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('already_booked');
    // The job loop removes expired keys.
    t.clock.advance(25 * 3600_000);
    await runJobsOnce(t.deps, null);
    expect(await t.db.selectFrom('idempotency_keys').select('key').where('user_id', '=', me.id).execute()).toEqual([]);
    t.clock.set('2026-02-01T09:00:00.000Z');
  });

  it('a retry after a crash between the booking’s commit and its answer gets that booking, not already_booked', async () => {
    const s = await t.session({ capacity: { online: 3 } });
    const me = await t.user('staff', (await t.org()).id);
    const first = await book(me, s.id, 'crash-key');
    expect(first.status).toBe(201);
    // What a process killed right after the commit leaves: the booking and what it booked
    // (written in the booking's transaction), the key still in flight with no answer.
    await t.db.updateTable('idempotency_keys').set({ status: null, body: null, content_type: null, locked_until: '2999-01-01T00:00:00.000Z' }).where('user_id', '=', me.id).execute();
    const retry = await book(me, s.id, 'crash-key');
    expect(retry.status).toBe(201);
    expect(retry.json).toMatchObject({ id: first.json.id, status: 'confirmed' });
    expect(await bookingsOf(s.id)).toHaveLength(1);
    expect(await noticesOf(s.id)).toBe(1);
  });

  it('a client whose connection dropped after sending gets its booking on retry', async () => {
    const server = http.createServer(getRequestListener(t.app.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const s = await t.session({ capacity: { online: 3 } });
      const me = await t.user('staff', (await t.org()).id);
      const body = JSON.stringify({ seat: 'online' });
      // Send the whole request and hang up without reading the answer.
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end(
            `POST /api/sessions/${s.id}/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${me.token}\r\nContent-Type: application/json\r\nIdempotency-Key: dropped-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          );
          socket.destroy();
          resolve();
        });
        socket.on('error', reject);
      });
      // The booking is made even so (bounded wait for the server to get to it).
      for (let i = 0; i < 200 && (await bookingsOf(s.id)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const made = await bookingsOf(s.id);
      expect(made).toHaveLength(1);
      const retry = await fetch(`http://127.0.0.1:${port}/api/sessions/${s.id}/bookings`, { method: 'POST', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json', 'idempotency-key': 'dropped-1' }, body });
      // Either the stored answer, or (if the first is still finishing) 409 with Retry-After and then the stored answer.
      let answer = retry;
      for (let i = 0; i < 50 && answer.status === 409; i++) {
        expect((await answer.clone().json()).error.code).toBe('idempotency_key_in_flight');
        await new Promise((r) => setTimeout(r, 20));
        answer = await fetch(`http://127.0.0.1:${port}/api/sessions/${s.id}/bookings`, { method: 'POST', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json', 'idempotency-key': 'dropped-1' }, body });
      }
      expect(answer.status).toBe(201);
      expect(await answer.json()).toMatchObject({ id: made[0]!.id, status: 'confirmed' });
      expect(await bookingsOf(s.id)).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('retries racing the first wait for its answer and get it (not 409), and make one booking', async () => {
    const s = await t.session({ capacity: { online: 3 } });
    const me = await t.user('staff', (await t.org()).id);
    const answers = await Promise.all(Array.from({ length: 10 }, () => book(me, s.id, 'racing')));
    for (const a of answers) {
      expect(a.status, JSON.stringify(a.json)).toBe(201);
      expect(a.json.id).toBe(answers[0]!.json.id);
    }
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    expect(await bookingsOf(s.id)).toHaveLength(1);
    // Once answered, a retry gets the answer.
    expect((await book(me, s.id, 'racing')).json.id).toBe(answers[0]!.json.id);
  });

  it('a retry racing a first answer that is never kept (it holds a secret) runs again rather than waiting for nothing', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const rotate = () => t.request('POST', '/api/me/calendar/rotate', { as: me, headers: { 'idempotency-key': 'rotate-race' } });
    const answers = await Promise.all([rotate(), rotate(), rotate()]);
    for (const a of answers) expect(a.status, JSON.stringify(a.json)).toBeLessThan(300);
    // Each ran: each gave a new address, and only the last one still works.
    const urls = answers.map((a) => a.json.url as string);
    expect(new Set(urls).size).toBe(3);
  });

  it('an error answer is kept too; a malformed key is 400', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const missing = await book(me, '00000000-0000-4000-8000-000000000000', 'err-key');
    expect(missing.status).toBe(404);
    expect((await book(me, '00000000-0000-4000-8000-000000000000', 'err-key')).headers.get('idempotent-replayed')).toBe('true');
    const s = await t.session();
    for (const bad of ['', 'x'.repeat(256), 'tab\there']) {
      const res = await book(me, s.id, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await bookingsOf(s.id)).toHaveLength(0);
  });
});

describe('Idempotency-Key on answers that carry a secret', () => {
  /** Rows of idempotency_keys that hold `secret` anywhere. */
  const keptWith = async (db: typeof t.db, secret: string) => (await db.selectFrom('idempotency_keys').selectAll().execute()).filter((r) => JSON.stringify(r).includes(secret));
  const feedToken = (url: string) => new URL(url).pathname.split('/').pop()!.replace(/\.ics$/, '');

  it('a rotated calendar feed URL (mine, or my school’s) is never kept; a retry rotates again, and its URL is the one that works', async () => {
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const office = await t.user('office', org.id);
    for (const [as, path] of [[me, '/api/me/calendar/rotate'], [office, `/api/orgs/${org.id}/calendar/rotate`]] as const) {
      const rotate = () => t.request('POST', path, { as, headers: { 'idempotency-key': `rotate-${as.id}` } });
      const first = await rotate();
      expect(first.status).toBe(200);
      expect(await keptWith(t.db, feedToken(first.json.url))).toEqual([]);
      const retry = await rotate();
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(retry.json.url).not.toBe(first.json.url);
      expect(await keptWith(t.db, feedToken(retry.json.url))).toEqual([]);
      expect((await t.request('GET', new URL(retry.json.url).pathname)).status).toBe(200);
      expect((await t.request('GET', new URL(first.json.url).pathname)).status).toBe(404);
    }
  });

  it('a sign-in token is never kept; a retry signs in again with a token of its own', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const login = () => t.request('POST', '/api/auth/login', { as: me, body: { email: me.email, password: TEST_PASSWORD }, headers: { 'idempotency-key': 'login-1' } });
    const first = await login();
    expect(first.status).toBe(200);
    expect(await keptWith(t.db, first.json.token)).toEqual([]);
    const retry = await login();
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.json.token).not.toBe(first.json.token);
    expect(await keptWith(t.db, retry.json.token)).toEqual([]);
    for (const token of [first.json.token, retry.json.token]) expect((await t.request('GET', '/api/me', { headers: { authorization: `Bearer ${token}` } })).json.id).toBe(me.id);
  });

  it('a LiveKit join token is never kept; a retry gets a fresh answer', async () => {
    const lk = await startLiveKitStandIn();
    const ctx = await makeTestContext({ now: '2026-02-10T15:50:00.000Z', config: { livekit: lk.config } });
    try {
      const s = await ctx.session({ startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
      const join = () => ctx.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer, headers: { 'idempotency-key': 'join-1' } });
      const first = await join();
      expect(first.status).toBe(200);
      expect(first.json.token).toEqual(expect.any(String));
      expect(await keptWith(ctx.db, first.json.token)).toEqual([]);
      const retry = await join();
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(await keptWith(ctx.db, retry.json.token)).toEqual([]);
    } finally {
      await ctx.close();
      await lk.close();
    }
  });
});

describe('Idempotency-Key on other creating POSTs', () => {
  it('organisations, people, courses and sessions are created once however often the request is retried', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const org = async () => t.request('POST', '/api/orgs', { as: admin, body: { name: 'Retry Primary' }, headers: { 'idempotency-key': 'org-1' } });
    const o1 = await org();
    const o2 = await org();
    expect(o1.status).toBe(201);
    expect(o2.text).toBe(o1.text);
    expect(await t.db.selectFrom('organisations').select('id').where('name', '=', 'Retry Primary').execute()).toHaveLength(1);

    const person = () => t.request('POST', '/api/users', { as: admin, body: { email: 'retry.person@example.org', name: 'Retry Person', role: 'staff', orgId: o1.json.id }, headers: { 'idempotency-key': 'user-1' } });
    const p1 = await person();
    expect(p1.status).toBe(201);
    expect((await person()).text).toBe(p1.text);

    const course = () => t.request('POST', '/api/courses', { as: trainer, body: { title: 'Retry course' }, headers: { 'idempotency-key': 'course-1' } });
    expect((await course()).text).toBe((await course()).text);
    expect(await t.db.selectFrom('courses').select('id').where('title', '=', 'Retry course').execute()).toHaveLength(1);

    const session = () =>
      t.request('POST', '/api/sessions', { as: trainer, body: { title: 'Retry session', mode: 'online', startsAt: '2026-03-02T15:30:00Z', endsAt: '2026-03-02T17:00:00Z', capacity: { online: 5 } }, headers: { 'idempotency-key': 'session-1' } });
    const s1 = await session();
    expect(s1.status).toBe(201);
    expect((await session()).json.id).toBe(s1.json.id);
    expect(await t.db.selectFrom('sessions').select('id').where('title', '=', 'Retry session').execute()).toHaveLength(1);
  });

  it('the OpenAPI document describes the header on every creating POST', async () => {
    const doc = (await t.request('GET', '/api/openapi.json')).json;
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
    for (const path of ['/api/sessions/{id}/bookings', '/api/orgs', '/api/users', '/api/sessions', '/api/courses']) {
      const op = doc.paths[path].post;
      expect(op.parameters, path).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
      expect(op.responses['422'], path).toBeDefined();
    }
  });
});

describe('Idempotency-Key on a request that outlasts its lease', () => {
  it('a request still being handled keeps its key: a retry in another process after the first lease is 409 in flight, not a second organisation', async () => {
    // Two apps on one database, as two processes are; one clock for both. The first request
    // pauses after writing its organisation, before answering (a slow request), for as long
    // as the test holds it.
    const database = await openTestDb();
    let pause: Promise<void> | null = null;
    let paused!: () => void;
    const reached = new Promise<void>((r) => (paused = r));
    const ids = new Set<string>();
    const seam: KyselyPlugin = {
      transformQuery: (args) => {
        const into = (args.node as unknown as { into?: { table?: { identifier?: { name?: string } } } }).into;
        if (pause && args.node.kind === 'InsertQueryNode' && into?.table?.identifier?.name === 'organisations') ids.add(args.queryId.queryId);
        return args.node;
      },
      transformResult: async (args) => {
        if (ids.delete(args.queryId.queryId)) {
          paused();
          await pause;
        }
        return args.result;
      },
    };
    const lease = 1_500;
    const first = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', config: { idempotencyLeaseMs: lease }, database: { ...database, db: database.db.withPlugin(seam) } });
    const other = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', config: { idempotencyLeaseMs: lease }, database: { ...database, close: async () => {} } });
    let go: () => void = () => {};
    try {
      const admin = await first.user('admin');
      const create = (app: typeof first) => app.request('POST', '/api/orgs', { as: admin, body: { name: 'Slow Primary' }, headers: { 'idempotency-key': 'slow-org' } });
      const keyRow = () => first.db.selectFrom('idempotency_keys').select('locked_until').where('user_id', '=', admin.id).where('key', '=', 'slow-org').executeTakeFirstOrThrow();
      pause = new Promise<void>((r) => (go = r));
      const answer = create(first);
      await reached;
      const leased = (await keyRow()).locked_until;
      // Most of a lease passes; the first is renewed while it runs (a third of a lease, real time).
      for (const t of [first, other]) t.clock.advance(lease - 300);
      await expect.poll(async () => (await keyRow()).locked_until, { timeout: 5_000 }).not.toBe(leased);
      // Past the first lease: the retry from the other process is told to wait, and makes nothing.
      for (const t of [first, other]) t.clock.advance(600);
      const retry = await create(other);
      expect(retry.status).toBe(409);
      expect(retry.json.error.code).toBe('idempotency_key_in_flight');
      go();
      expect((await answer).status).toBe(201);
      const again = await create(other);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await first.db.selectFrom('organisations').select('id').where('name', '=', 'Slow Primary').execute()).toHaveLength(1);
      // Answered: the renewals stop (the lease is left as it was when the answer was kept).
      const kept = (await keyRow()).locked_until;
      await new Promise((r) => setTimeout(r, lease));
      expect((await keyRow()).locked_until).toBe(kept);
    } finally {
      go();
      await other.close();
      await first.close();
    }
  });
});
