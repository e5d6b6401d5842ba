/**
 * The floor: what the two loads with goals cost when nothing but their unavoidable work is
 * done, on the same machine, in the same run, over the same HTTP stack. It answers "can the
 * goal be met here at all?" with a measurement instead of a guess. It is not the service.
 *
 * - POST /api/sessions/:id/bookings does only the writes a booking must make durable (the
 *   booking row and its notice, invariant 4) in the real schema, a turn's writes in one
 *   transaction (one statement on PostgreSQL), with the callers' tokens, the sessions and the seat
 *   counts already in memory: no validation, no lock, no counting, no logging, no security
 *   headers.
 * - POST /api/livekit/webhook checks the signature with livekit-server-sdk's WebhookReceiver
 *   (which DESIGN.md asks for) and records the event once, as the same write: no presence
 *   intervals, no attendance, no logging.
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
import { WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import { timeOrderedId } from '../server/platform/ids.js';

interface NewBooking {
  id: string;
  noticeId: string;
  sessionId: string;
  userId: string;
  email: string;
  status: string;
  seq: number;
  now: string;
}
type Write = { booking: NewBooking } | { event: WebhookEvent; payload: string };

interface Store {
  users: Map<string, { id: string; email: string }>;
  capacity: Map<string, number>;
  /** Writes everything queued in one event-loop turn together, durably, in one transaction. */
  flush(writes: Write[]): void | Promise<unknown>;
  close(): Promise<void>;
}

const BOOKING_COLUMNS = 'id, session_id, user_id, seat, status, hold_org_id, offer_expires_at, booked_by, revision, created_at, updated_at, cancelled_at, queue_seq';
const NOTICE_COLUMNS = 'id, kind, to_email, user_id, booking_id, session_id, booking_status, booking_revision, status, attempts, next_attempt_at, created_at';
const EVENT_COLUMNS = 'id, event, room_sid, room_name, participant_sid, participant_identity, occurred_at, received_at, payload';
const bookingValues = (b: NewBooking) => [b.id, b.sessionId, b.userId, b.status, b.userId, b.now, b.now, b.seq];
const noticeValues = (b: NewBooking) => [b.noticeId, b.status, b.email, b.userId, b.id, b.sessionId, b.status, b.now, b.now];
const eventValues = (e: WebhookEvent, payload: string) => [e.id, e.event, e.room?.sid ?? null, e.room?.name ?? null, e.participant?.sid ?? null, e.participant?.identity ?? null, new Date(Number(e.createdAt) * 1000).toISOString(), new Date().toISOString(), payload];
// Column values that are the same for every row, after the ones passed in.
const BOOKING_ROW = (p: string[]) => `(${p[0]}, ${p[1]}, ${p[2]}, 'online', ${p[3]}, null, null, ${p[4]}, 0, ${p[5]}, ${p[6]}, null, ${p[7]})`;
const NOTICE_ROW = (p: string[]) => `(${p.slice(0, 7).join(', ')}, 0, 'pending', 0, ${p[7]}, ${p[8]})`;
const EVENT_ROW = (p: string[]) => `(${p.join(', ')})`;

function sqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // as the service: a 201 survives a power loss
  db.pragma('foreign_keys = ON');
  const users = new Map((db.prepare('select s.token_hash, u.id, u.email from auth_sessions s join users u on u.id = s.user_id').all() as { token_hash: string; id: string; email: string }[]).map((r) => [r.token_hash, { id: r.id, email: r.email }]));
  const capacity = new Map((db.prepare('select id, capacity_online from sessions').all() as { id: string; capacity_online: number }[]).map((r) => [r.id, r.capacity_online]));
  const q = (n: number) => Array.from({ length: n }, () => '?');
  const insertBooking = db.prepare(`insert into bookings (${BOOKING_COLUMNS}) values ${BOOKING_ROW(q(8))}`);
  const insertNotice = db.prepare(`insert into outbox (${NOTICE_COLUMNS}) values ${NOTICE_ROW(q(9))}`);
  const insertEvent = db.prepare(`insert into live_events (${EVENT_COLUMNS}) values ${EVENT_ROW(q(9))} on conflict (id) do nothing`);
  const transaction = db.transaction((writes: Write[]) => {
    for (const w of writes) {
      if ('booking' in w) {
        insertBooking.run(...bookingValues(w.booking));
        insertNotice.run(...noticeValues(w.booking));
      } else insertEvent.run(...eventValues(w.event, w.payload));
    }
  });
  return {
    users,
    capacity,
    flush: (writes) => transaction.immediate(writes),
    close: async () => {
      db.close();
    },
  };
}

/** PostgreSQL: a turn's writes are one statement, so one round trip and one commit. */
async function postgresStore(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const users = new Map((await pool.query<{ token_hash: string; id: string; email: string }>('select s.token_hash, u.id, u.email from auth_sessions s join users u on u.id = s.user_id')).rows.map((r) => [r.token_hash, { id: r.id, email: r.email }]));
  const capacity = new Map((await pool.query<{ id: string; capacity_online: number }>('select id, capacity_online from sessions')).rows.map((r) => [r.id, r.capacity_online]));
  return {
    users,
    capacity,
    flush: (writes) => {
      const values: unknown[] = [];
      const rows = (list: unknown[][], row: (p: string[]) => string) =>
        list.map((v) => row(v.map((x) => (values.push(x), `$${values.length}`)))).join(', ');
      const bookings = writes.flatMap((w) => ('booking' in w ? [w.booking] : []));
      const events = writes.flatMap((w) => ('event' in w ? [eventValues(w.event, w.payload)] : []));
      const parts: string[] = [];
      if (bookings.length) {
        parts.push(`b as (insert into bookings (${BOOKING_COLUMNS}) values ${rows(bookings.map(bookingValues), BOOKING_ROW)} returning 1)`);
        parts.push(`n as (insert into outbox (${NOTICE_COLUMNS}) values ${rows(bookings.map(noticeValues), NOTICE_ROW)} returning 1)`);
      }
      if (events.length) parts.push(`e as (insert into live_events (${EVENT_COLUMNS}) values ${rows(events, EVENT_ROW)} on conflict (id) do nothing returning 1)`);
      return pool.query(`with ${parts.join(', ')} select 1`, values);
    },
    close: () => pool.end(),
  };
}

const url = process.env.DATABASE_URL!;
const store = url.startsWith('postgres') ? await postgresStore(url) : sqliteStore(url.slice('sqlite:'.length));
const taken = new Map<string, number>();

// Writes queued in one event-loop turn share one transaction, as the service's do.
let queued: { write: Write; done: () => void; failed: (e: unknown) => void }[] = [];
function persist(write: Write): Promise<void> {
  return new Promise((done, failed) => {
    if (queued.length === 0) {
      setImmediate(() => {
        const batch = queued;
        queued = [];
        Promise.resolve()
          .then(() => store.flush(batch.map((b) => b.write)))
          .then(() => batch.forEach((b) => b.done()), (e) => batch.forEach((b) => b.failed(e)));
      });
    }
    queued.push({ write, done, failed });
  });
}

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
  await persist({ booking: { id, noticeId: timeOrderedId(), sessionId, userId: user.id, email: user.email, status, seq: n + 1, now: new Date().toISOString() } });
  return c.json({ id, status, seat: 'online' }, 201);
});
app.post('/api/livekit/webhook', async (c) => {
  const body = await c.req.text();
  const event = await receiver.receive(body, c.req.header('authorization'));
  await persist({ event, payload: body });
  return c.json({ ok: true });
});
app.get('/api/health', (c) => c.json({ ok: true }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: process.env.HOST || '127.0.0.1' }, (info) => {
  console.log(`listening on http://${info.address}:${info.port}`);
});
process.on('SIGTERM', () => {
  void store.close().finally(() => process.exit(0));
});
