/**
 * The floor: what the two loads with goals cost when nothing but their unavoidable work is
 * done, on the same machine, in the same run, over the same HTTP stack. It answers "can the
 * goal be met here at all?" with a measurement instead of a guess. It is not the service.
 *
 * - POST /api/sessions/:id/bookings does only the writes a booking must make durable (the
 *   booking row and its notice, invariant 4) in the real schema, group-committed, with the
 *   caller's bearer token, the sessions and the seat counts already in memory: no
 *   validation, no lock, no counting, no logging, no security headers.
 * - POST /api/livekit/webhook only checks the signature with livekit-server-sdk's
 *   WebhookReceiver (which DESIGN.md asks for), and stores nothing.
 *
 * Env: DATABASE_FILE (a seeded, migrated SQLite file), LIVEKIT_API_KEY, LIVEKIT_API_SECRET.
 * Prints `listening on http://HOST:PORT`, as the server does.
 */
import { createHash } from 'node:crypto';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { WebhookReceiver } from 'livekit-server-sdk';
import { timeOrderedId } from '../server/platform/ids.js';

const db = new Database(process.env.DATABASE_FILE!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');

const users = new Map<string, { id: string; email: string }>();
for (const r of db.prepare('select s.token_hash, u.id, u.email from auth_sessions s join users u on u.id = s.user_id').all() as { token_hash: string; id: string; email: string }[]) {
  users.set(r.token_hash, { id: r.id, email: r.email });
}
const capacity = new Map<string, number>();
for (const r of db.prepare('select id, capacity_online from sessions').all() as { id: string; capacity_online: number }[]) capacity.set(r.id, r.capacity_online);
const taken = new Map<string, number>();

const insertBooking = db.prepare(
  `insert into bookings (id, session_id, user_id, seat, status, hold_org_id, offer_expires_at, booked_by, revision, created_at, updated_at, cancelled_at, queue_seq)
   values (?, ?, ?, 'online', ?, null, null, ?, 0, ?, ?, null, (select coalesce(max(q.queue_seq), 0) + 1 from bookings q where q.session_id = ?))`,
);
const insertNotice = db.prepare(
  `insert into outbox (id, kind, to_email, user_id, booking_id, session_id, booking_status, booking_revision, status, attempts, next_attempt_at, created_at)
   values (?, ?, ?, ?, ?, ?, ?, 0, 'pending', 0, ?, ?)`,
);
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');

// Writes queued in one event-loop turn share one transaction, as the service's bookings do.
let queued: (() => void)[] = [];
function inGroupCommit(write: () => void): Promise<void> {
  return new Promise((resolve) => {
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
      write();
      resolve();
    });
  });
}

const receiver = new WebhookReceiver(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
const app = new Hono();
app.post('/api/sessions/:id/bookings', async (c) => {
  const token = (c.req.header('authorization') ?? '').slice('Bearer '.length);
  const user = users.get(createHash('sha256').update(token).digest('hex'));
  if (!user) return c.json({ error: { code: 'unauthenticated' } }, 401);
  await c.req.json();
  const sessionId = c.req.param('id');
  const n = taken.get(sessionId) ?? 0;
  taken.set(sessionId, n + 1);
  const status = n < (capacity.get(sessionId) ?? 0) ? 'confirmed' : 'waitlisted';
  const id = timeOrderedId(); // as the service's bookings and notices are
  const now = new Date().toISOString();
  await inGroupCommit(() => {
    insertBooking.run(id, sessionId, user.id, status, user.id, now, now, sessionId);
    insertNotice.run(timeOrderedId(), status, user.email, user.id, id, sessionId, status, now, now);
  });
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
  db.close();
  process.exit(0);
});
