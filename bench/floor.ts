/**
 * The floor: what the two loads with goals cost when nothing but their unavoidable work is
 * done, on the same machine, in the same run, over the same HTTP stack. It answers "can the
 * goal be met here at all?" with a measurement instead of a guess. It is not the service.
 *
 * - POST /api/sessions/:id/bookings does only the writes a booking must make durable (the
 *   booking row and its notice, invariant 4) in the real schema (group-committed on SQLite,
 *   one statement each on PostgreSQL), with the callers' tokens, the sessions and the seat
 *   counts already in memory: no validation, no lock, no counting, no logging, no security
 *   headers.
 * - POST /api/livekit/webhook only checks the signature with livekit-server-sdk's
 *   WebhookReceiver (which DESIGN.md asks for), and stores nothing.
 *
 * Env: DATABASE_URL (a seeded, migrated copy: sqlite:FILE or postgres://...), LIVEKIT_API_KEY,
 * LIVEKIT_API_SECRET.
 * Prints `listening on http://HOST:PORT`, as the server does.
 */
import { createHash } from 'node:crypto';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import pg from 'pg';
import { WebhookReceiver } from 'livekit-server-sdk';
import { timeOrderedId } from '../server/platform/ids.js';

interface Store {
  users: Map<string, { id: string; email: string }>;
  capacity: Map<string, number>;
  /** Writes one booking and its notice durably. */
  write(b: { id: string; noticeId: string; sessionId: string; userId: string; email: string; status: string; seq: number; now: string }): Promise<void>;
  close(): Promise<void>;
}

const BOOKING_COLUMNS = 'id, session_id, user_id, seat, status, hold_org_id, offer_expires_at, booked_by, revision, created_at, updated_at, cancelled_at, queue_seq';
const NOTICE_COLUMNS = 'id, kind, to_email, user_id, booking_id, session_id, booking_status, booking_revision, status, attempts, next_attempt_at, created_at';

/** SQLite: the writes of one event-loop turn share one transaction, as the service's bookings do. */
function sqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const users = new Map((db.prepare('select s.token_hash, u.id, u.email from auth_sessions s join users u on u.id = s.user_id').all() as { token_hash: string; id: string; email: string }[]).map((r) => [r.token_hash, { id: r.id, email: r.email }]));
  const capacity = new Map((db.prepare('select id, capacity_online from sessions').all() as { id: string; capacity_online: number }[]).map((r) => [r.id, r.capacity_online]));
  const insertBooking = db.prepare(`insert into bookings (${BOOKING_COLUMNS}) values (?, ?, ?, 'online', ?, null, null, ?, 0, ?, ?, null, ?)`);
  const insertNotice = db.prepare(`insert into outbox (${NOTICE_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, 0, 'pending', 0, ?, ?)`);
  const begin = db.prepare('begin immediate');
  const commit = db.prepare('commit');
  let queued: (() => void)[] = [];
  return {
    users,
    capacity,
    write: (b) =>
      new Promise((resolve) => {
        if (queued.length === 0) {
          setImmediate(() => {
            const batch = queued;
            queued = [];
            begin.run();
            for (const w of batch) w();
            commit.run();
          });
        }
        queued.push(() => {
          insertBooking.run(b.id, b.sessionId, b.userId, b.status, b.userId, b.now, b.now, b.seq);
          insertNotice.run(b.noticeId, b.status, b.email, b.userId, b.id, b.sessionId, b.status, b.now, b.now);
          resolve();
        });
      }),
    close: async () => {
      db.close();
    },
  };
}

/** PostgreSQL: one statement (so one round trip and one commit) writes both rows. */
async function postgresStore(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const users = new Map((await pool.query<{ token_hash: string; id: string; email: string }>('select s.token_hash, u.id, u.email from auth_sessions s join users u on u.id = s.user_id')).rows.map((r) => [r.token_hash, { id: r.id, email: r.email }]));
  const capacity = new Map((await pool.query<{ id: string; capacity_online: number }>('select id, capacity_online from sessions')).rows.map((r) => [r.id, r.capacity_online]));
  const text = `with b as (insert into bookings (${BOOKING_COLUMNS}) values ($1, $2, $3, 'online', $4, null, null, $3, 0, $5, $5, null, $6) returning id)
    insert into outbox (${NOTICE_COLUMNS}) select $7, $4, $8, $3, b.id, $2, $4, 0, 'pending', 0, $5, $5 from b`;
  return {
    users,
    capacity,
    write: async (b) => {
      await pool.query({ name: 'floor_booking', text, values: [b.id, b.sessionId, b.userId, b.status, b.now, b.seq, b.noticeId, b.email] });
    },
    close: () => pool.end(),
  };
}

const url = process.env.DATABASE_URL!;
const store = url.startsWith('postgres') ? await postgresStore(url) : sqliteStore(url.slice('sqlite:'.length));
const taken = new Map<string, number>();

const receiver = new WebhookReceiver(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
const app = new Hono();
app.post('/api/sessions/:id/bookings', async (c) => {
  const token = (c.req.header('authorization') ?? '').slice('Bearer '.length);
  const user = store.users.get(createHash('sha256').update(token).digest('hex'));
  if (!user) return c.json({ error: { code: 'unauthenticated' } }, 401);
  await c.req.json();
  const sessionId = c.req.param('id');
  // One process writes these sessions, so it knows each one's count and next queue number.
  const n = taken.get(sessionId) ?? 0;
  taken.set(sessionId, n + 1);
  const status = n < (store.capacity.get(sessionId) ?? 0) ? 'confirmed' : 'waitlisted';
  const id = timeOrderedId(); // as the service's bookings and notices are
  await store.write({ id, noticeId: timeOrderedId(), sessionId, userId: user.id, email: user.email, status, seq: n + 1, now: new Date().toISOString() });
  return c.json({ id, status, seat: 'online' }, 201);
});
app.post('/api/livekit/webhook', async (c) => {
  await receiver.receive(await c.req.text(), c.req.header('authorization'));
  return c.json({ ok: true });
});
app.get('/api/health', (c) => c.json({ ok: true }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: process.env.HOST || '127.0.0.1' }, (info) => {
  console.log(`listening on http://${info.address}:${info.port}`);
});
process.on('SIGTERM', () => {
  void store.close().finally(() => process.exit(0));
});
