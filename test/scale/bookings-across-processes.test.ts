/**
 * Three real server processes on one database: a burst of bookings for one session spread
 * across them never overbooks, queue places are exact, and cancellations racing across
 * processes hand seats to the head of the queue (DESIGN.md invariants 1-4). On PostgreSQL
 * (the scale-out set-up) and on one SQLite file shared by three processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { createPgDatabase } from '../helpers.js';
import { call, cleanUp, killAll, makeOrg, makePeople, postgresSkipReason, startServer, type Person, type ServerProcess } from './processes.js';

const skip = await postgresSkipReason();
if (skip) console.warn(`[test/scale] cross-process booking tests on PostgreSQL skipped: ${skip}`);

const CAPACITY = 17;
const PEOPLE = 150;

interface Backend {
  url: string;
  open(): Db;
  /** Start all three at once (PostgreSQL migrates under an advisory lock), or one first. */
  startTogether: boolean;
  drop(): Promise<void>;
}

async function postgresBackend(): Promise<Backend> {
  const created = await createPgDatabase();
  if ('skip' in created) throw new Error(created.skip);
  return { url: created.url, open: () => openPostgres(created.url, 5), startTogether: true, drop: created.drop };
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scale-sqlite-'));
  const file = path.join(dir, 'app.db');
  return { url: `sqlite:${file}`, open: () => openSqlite(file), startTogether: false, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe.skipIf(skip !== null)('bookings across three server processes on one PostgreSQL', () => {
  crossProcessBookings(postgresBackend);
});

describe('bookings across three server processes on one SQLite file', () => {
  crossProcessBookings(sqliteBackend);
});

function crossProcessBookings(makeBackend: () => Promise<Backend>) {
  let backend: Backend | undefined;
  let db: Db;
  let servers: ServerProcess[] = [];
  let staff: Person[] = [];
  let sessionId = '';
  const bookingOf = new Map<string, { id: string; status: string; position?: number }>();

  beforeAll(async () => {
    const b = (backend = await makeBackend());
    const start = (n: string) => startServer(n, { DATABASE_URL: b.url, JOBS_INTERVAL_MS: '200' });
    // On PostgreSQL all three start on the empty database at once: their migrations must not collide.
    servers = b.startTogether ? await Promise.all(['a', 'b', 'c'].map(start)) : [await start('a'), ...(await Promise.all(['b', 'c'].map(start)))];
    db = b.open();
    const orgId = await makeOrg(db.db, 'Scale Academy');
    const [trainer] = await makePeople(db.db, 'trainer', null, 1);
    staff = await makePeople(db.db, 'staff', orgId, PEOPLE);
    const startsAt = new Date(Date.now() + 30 * 86_400_000);
    const created = await call(servers[0]!.url, 'POST', '/api/sessions', {
      token: trainer!.token,
      body: {
        title: 'Scale test: de-escalation',
        mode: 'online',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 90 * 60_000).toISOString(),
        capacity: { online: CAPACITY },
      },
    });
    expect(created.status).toBe(201);
    sessionId = created.json.id;
  }, 60_000);

  afterAll(() => cleanUp([killAll, () => db?.close(), () => backend?.drop()]));

  it('150 concurrent bookings round-robin over three processes: exactly 17 confirmed, queue places 1..133, no 5xx', async () => {
    const answers = await Promise.all(
      staff.map((p, i) => call(servers[i % servers.length]!.url, 'POST', `/api/sessions/${sessionId}/bookings`, { token: p.token, body: {}, timeoutMs: 60_000 }).then((r) => ({ p, r }))),
    );
    const statuses = answers.map((a) => a.r.status);
    expect(answers.filter((a) => a.r.status >= 500).map((a) => [a.r.status, a.r.json?.error?.code])).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([201]));
    for (const { p, r } of answers) bookingOf.set(p.id, r.json);

    const confirmed = answers.filter((a) => a.r.json.status === 'confirmed');
    const waitlisted = answers.filter((a) => a.r.json.status === 'waitlisted');
    expect(confirmed).toHaveLength(CAPACITY);
    expect(waitlisted.map((a) => a.r.json.position).sort((x, y) => x - y)).toEqual(Array.from({ length: PEOPLE - CAPACITY }, (_, i) => i + 1));
    // Every process took part.
    for (let s = 0; s < servers.length; s++) expect(answers.filter((_, i) => i % servers.length === s).every((a) => a.r.status === 201)).toBe(true);

    // The database agrees, and queue order is the order positions were handed out in.
    const rows = await db.db.selectFrom('bookings').select(['id', 'user_id', 'status', 'queue_seq']).where('session_id', '=', sessionId).orderBy('queue_seq').execute();
    expect(rows).toHaveLength(PEOPLE);
    expect(rows.filter((r) => r.status === 'confirmed')).toHaveLength(CAPACITY);
    expect(new Set(rows.map((r) => r.queue_seq)).size).toBe(PEOPLE);
    const queue = rows.filter((r) => r.status === 'waitlisted');
    queue.forEach((r, i) => expect(bookingOf.get(r.user_id)!.position).toBe(i + 1));

    // Any process reports the same seat counts.
    const seen = await call(servers[2]!.url, 'GET', `/api/sessions/${sessionId}`, { token: staff[0]!.token });
    expect(seen.json.seats.online).toMatchObject({ capacity: CAPACITY, confirmed: CAPACITY, offered: 0, waitlisted: PEOPLE - CAPACITY });

    // Each person was told exactly once, by a notice written with the booking.
    const notices = await db.db.selectFrom('outbox').select(['booking_id', 'kind']).where('session_id', '=', sessionId).execute();
    expect(notices.filter((n) => n.kind === 'confirmed')).toHaveLength(CAPACITY);
    expect(notices.filter((n) => n.kind === 'waitlisted')).toHaveLength(PEOPLE - CAPACITY);
    expect(new Set(notices.map((n) => n.booking_id)).size).toBe(PEOPLE);
  }, 90_000);

  it('cancellations racing across processes promote the queue heads in order and keep every invariant', async () => {
    const byPosition = new Map<number, Person>();
    const seated: Person[] = [];
    for (const p of staff) {
      const b = bookingOf.get(p.id)!;
      if (b.status === 'confirmed') seated.push(p);
      else byPosition.set(b.position!, p);
    }
    expect(seated).toHaveLength(CAPACITY);
    const leavingSeats = seated.slice(0, 6);
    const leavingQueue = [2, 5, 40, 133].map((n) => byPosition.get(n)!);
    const leaving = [...leavingSeats, ...leavingQueue];
    const leavingIds = new Set(leaving.map((p) => p.id));
    const stillQueued = [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, p]) => p).filter((p) => !leavingIds.has(p.id));
    // People already holding a place try to book again at the same moment (invariant 2).
    const again = [seated[10]!, byPosition.get(1)!, byPosition.get(60)!];

    const cancels = leaving.map((p, i) => call(servers[i % 3]!.url, 'DELETE', `/api/bookings/${bookingOf.get(p.id)!.id}`, { token: p.token }));
    const rebooks = again.map((p, i) => call(servers[(i + 1) % 3]!.url, 'POST', `/api/sessions/${sessionId}/bookings`, { token: p.token, body: {} }));
    const [cancelled, rebooked] = await Promise.all([Promise.all(cancels), Promise.all(rebooks)]);
    expect(cancelled.map((r) => r.status)).toEqual(leaving.map(() => 200));
    expect(cancelled.every((r) => r.json.status === 'cancelled')).toBe(true);
    expect(rebooked.map((r) => [r.status, r.json.error?.code])).toEqual(again.map(() => [409, 'already_booked']));

    const rows = await db.db.selectFrom('bookings').select(['id', 'user_id', 'status', 'queue_seq']).where('session_id', '=', sessionId).orderBy('queue_seq').execute();
    const statusOf = new Map(rows.map((r) => [r.user_id, r.status]));
    // Invariant 1: confirmed + live offers never exceed capacity (and a free seat never sits idle with people waiting).
    expect(rows.filter((r) => r.status === 'confirmed' || r.status === 'offered')).toHaveLength(CAPACITY);
    // Invariant 2: one active booking per person.
    const active = rows.filter((r) => r.status !== 'cancelled');
    expect(new Set(active.map((r) => r.user_id)).size).toBe(active.length);
    // Invariant 3: the six freed seats went to the first six people still queuing, in order.
    for (const p of leaving) expect(statusOf.get(p.id)).toBe('cancelled');
    for (const p of stillQueued.slice(0, 6)) expect(statusOf.get(p.id)).toBe('confirmed');
    for (const p of stillQueued.slice(6)) expect(statusOf.get(p.id)).toBe('waitlisted');
    const promotedSeqs = rows.filter((r) => stillQueued.slice(0, 6).some((p) => p.id === r.user_id)).map((r) => r.queue_seq);
    const waitingSeqs = rows.filter((r) => r.status === 'waitlisted').map((r) => r.queue_seq);
    expect(Math.max(...promotedSeqs)).toBeLessThan(Math.min(...waitingSeqs));

    // The queue renumbers without gaps, as each person sees it.
    const remaining = stillQueued.slice(6);
    const mine = await Promise.all(remaining.slice(0, 5).map((p, i) => call(servers[i % 3]!.url, 'GET', '/api/me/bookings', { token: p.token })));
    mine.forEach((r, i) => {
      const b = r.json.items.find((x: { sessionId: string }) => x.sessionId === sessionId);
      expect(b).toMatchObject({ status: 'waitlisted', position: i + 1 });
    });

    // Invariant 4: each promotion wrote exactly one notice with it.
    const promotedBookingIds = rows.filter((r) => stillQueued.slice(0, 6).some((p) => p.id === r.user_id)).map((r) => r.id);
    const promotedNotices = await db.db.selectFrom('outbox').select(['booking_id']).where('kind', '=', 'promoted').where('booking_id', 'in', promotedBookingIds).execute();
    expect(promotedNotices.map((n) => n.booking_id).sort()).toEqual([...promotedBookingIds].sort());

    const seen = await call(servers[1]!.url, 'GET', `/api/sessions/${sessionId}`, { token: staff[0]!.token });
    expect(seen.json.seats.online).toMatchObject({ capacity: CAPACITY, confirmed: CAPACITY, offered: 0, waitlisted: PEOPLE - CAPACITY - leaving.length });
  }, 60_000);
}
