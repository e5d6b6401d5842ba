/**
 * Background jobs run in every process at once, claiming their work from PostgreSQL: each
 * email reaches the mail server exactly once, reminders and offer expiry happen once, and
 * work claimed by a process that dies is picked up by another after its lease.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, type Db } from '../../db/connect.js';
import type { BookingRow } from '../../db/schema.js';
import { createApp } from '../../server/app.js';
import { recountSeats } from '../../server/bookings/repository.js';
import { defaultConfig } from '../../server/platform/deps.js';
import { silentLogger } from '../../server/platform/logging.js';
import { createPgDatabase } from '../helpers.js';
import { call, cleanUp, killAll, makeOrg, makePeople, postgresSkipReason, startServer, waitFor, type Person, type ServerProcess } from './processes.js';

const skip = await postgresSkipReason();
if (skip) console.warn(`[test/scale] cross-process job tests skipped: ${skip}`);

interface Received {
  messageId: string;
  to: string[];
  at: number;
  remotePort: number;
}

/** A real SMTP server on 127.0.0.1 that records every message it accepts. */
async function mailServer(opts: { delayMs?: number; hang?: (session: SMTPServerSession) => boolean } = {}) {
  const received: Received[] = [];
  let receiving = 0;
  const connections: SMTPServerSession[] = [];
  const hung: SMTPServerSession[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onConnect(session, cb) {
      connections.push(session);
      cb();
    },
    onMailFrom(_address, session, cb) {
      // A mail server that stops answering mid-conversation: the callback is never called.
      if (opts.hang?.(session)) {
        hung.push(session);
        return;
      }
      cb();
    },
    onData(stream, session, cb) {
      receiving++;
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (data += d));
      stream.on('end', () => {
        const headers = data.split(/\r?\n\r?\n/)[0]!;
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(headers)?.[1] ?? '(none)';
        const done = () => {
          received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), at: Date.now(), remotePort: session.remotePort });
          cb();
        };
        if (opts.delayMs) setTimeout(done, opts.delayMs);
        else done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    receiving: () => receiving,
    connections,
    hung,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

/** Which process logged sending which outbox row. */
function sentBy(servers: ServerProcess[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const s of servers) {
    for (const l of s.logs()) if (l.msg === 'mail sent') m.set(l.outboxId as string, [...(m.get(l.outboxId as string) ?? []), s.name]);
  }
  return m;
}

function bookingRow(sessionId: string, userId: string, seq: number, fields: Partial<BookingRow>): BookingRow {
  const at = new Date().toISOString();
  return {
    id: randomUUID(), session_id: sessionId, user_id: userId, seat: 'online', status: 'confirmed', queue_seq: seq, hold_org_id: null,
    offer_expires_at: null, booked_by: userId, revision: 0, created_at: at, updated_at: at, cancelled_at: null, ...fields,
  };
}

async function createSession(base: string, trainer: Person, startsAt: Date, extra: Record<string, unknown> = {}) {
  const res = await call(base, 'POST', '/api/sessions', {
    token: trainer.token,
    body: { title: 'Jobs across processes', mode: 'online', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), capacity: { online: 60 }, ...extra },
  });
  if (res.status !== 201) throw new Error(`session fixture: ${res.status} ${res.text}`);
  return res.json.id as string;
}

describe.skipIf(skip !== null)('jobs across three server processes on one PostgreSQL', () => {
  let pg: { url: string; drop: () => Promise<void> };
  let db: Db;
  let smtp: Awaited<ReturnType<typeof mailServer>>;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    pg = created;
    db = openPostgres(pg.url, 5);
    await migrateToLatest(db.db);
    // Each message takes the mail server a moment, so a process stays busy while others claim.
    smtp = await mailServer({ delayMs: 25 });
    servers = await Promise.all(
      ['a', 'b', 'c'].map((n) => startServer(n, { DATABASE_URL: pg.url, SMTP_URL: smtp.url, JOBS_INTERVAL_MS: '50' })),
    );
  }, 60_000);

  afterAll(() => cleanUp([killAll, () => smtp?.close(), () => db?.close(), () => pg?.drop()]));

  it('every notice (confirmations, reminders, offer expiry) is written once and emailed exactly once', async () => {
    const orgId = await makeOrg(db.db, 'Mail Academy');
    const [trainer] = await makePeople(db.db, 'trainer', null, 1);
    const staff = await makePeople(db.db, 'staff', orgId, 60);
    const early = await makePeople(db.db, 'staff', orgId, 10);
    const queuing = await makePeople(db.db, 'staff', orgId, 3);
    const booked = await createSession(servers[0]!.url, trainer!, new Date(Date.now() + 14 * 86_400_000));
    const soon = await createSession(servers[1]!.url, trainer!, new Date(Date.now() + 30 * 60_000));
    const offering = await createSession(servers[2]!.url, trainer!, new Date(Date.now() + 7 * 86_400_000), { capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });

    // Ten people booked days ago onto a session that starts in half an hour: due their 1-hour reminder.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    // An offered seat that ran out a minute ago, with two people queuing behind it.
    const lapsed = bookingRow(offering, queuing[0]!.id, 1, { status: 'offered', offer_expires_at: new Date(Date.now() - 60_000).toISOString() });
    const next = bookingRow(offering, queuing[1]!.id, 2, { status: 'waitlisted' });
    const after = bookingRow(offering, queuing[2]!.id, 3, { status: 'waitlisted' });
    // Written past the engine, so their sessions' stored seat counts are set from the rows in
    // the same transaction: the processes' jobs, already running, must never see one without the other.
    await db.db.transaction().execute(async (trx) => {
      await trx.insertInto('bookings').values(early.map((p, i) => bookingRow(soon, p.id, i + 1, { created_at: twoDaysAgo, updated_at: twoDaysAgo }))).execute();
      await trx.insertInto('bookings').values([lapsed, next, after]).execute();
      await recountSeats(trx, [soon, offering]);
    });

    // Sixty bookings in waves across the three processes while all three deliver mail.
    for (let wave = 0; wave < 6; wave++) {
      const answers = await Promise.all(
        staff.slice(wave * 10, wave * 10 + 10).map((p, i) => call(servers[i % 3]!.url, 'POST', `/api/sessions/${booked}/bookings`, { token: p.token, body: {}, timeoutMs: 30_000 })),
      );
      expect(answers.map((a) => a.json.status)).toEqual(answers.map(() => 'confirmed'));
      await new Promise((r) => setTimeout(r, 150));
    }

    const expected = 60 + 10 + 2; // confirmations, reminders, offer expired + seat offered
    // Notices filed as decided against (`dropped`) are never sent: the seat offered with an hour
    // to run says in its own email when it expires, so its "expires soon" warning is one of them.
    await waitFor('every notice to be delivered', async () => {
      const pending = await db.db.selectFrom('outbox').select('id').where('status', 'not in', ['sent', 'dropped']).execute();
      const all = await db.db.selectFrom('outbox').select('id').where('status', '<>', 'dropped').execute();
      return all.length >= expected && pending.length === 0;
    }, 30_000);
    // Give any duplicate a chance to show itself.
    await new Promise((r) => setTimeout(r, 600));

    const decided = await db.db.selectFrom('outbox').select(['kind', 'booking_id']).where('status', '=', 'dropped').execute();
    expect(decided).toEqual([{ kind: 'offer_expiring', booking_id: next.id }]);
    const outbox = await db.db.selectFrom('outbox').select(['id', 'kind', 'booking_id', 'to_email', 'status']).where('status', '<>', 'dropped').execute();
    expect(Object.fromEntries(countBy(outbox, (o) => o.kind))).toEqual({ confirmed: 60, reminder_1h: 10, offer_expired: 1, offered: 1 });
    expect(outbox.filter((o) => o.kind === 'offer_expired').map((o) => o.booking_id)).toEqual([lapsed.id]);
    expect(outbox.filter((o) => o.kind === 'offered').map((o) => o.booking_id)).toEqual([next.id]);
    expect(new Set(outbox.filter((o) => o.kind === 'reminder_1h').map((o) => o.booking_id)).size).toBe(10);

    // The mail server saw each outbox row exactly once, under its own Message-ID, to its person.
    const ids = countBy(smtp.received, (r) => r.messageId);
    expect(smtp.received).toHaveLength(outbox.length);
    for (const o of outbox) {
      expect(ids.get(`<${o.id}@send-live-training.invalid>`)).toBe(1);
      expect(smtp.received.find((r) => r.messageId === `<${o.id}@send-live-training.invalid>`)!.to).toEqual([o.to_email]);
    }
    // Each row was sent by exactly one process, and the work really was shared out.
    const who = sentBy(servers);
    expect(who.size).toBe(outbox.length);
    for (const names of who.values()) expect(names).toHaveLength(1);
    expect(new Set([...who.values()].map((n) => n[0])).size).toBeGreaterThanOrEqual(2);

    // The offer moved on once: the lapsed offer is gone, the next person holds the seat, the last still waits.
    const offer = await db.db.selectFrom('bookings').select(['id', 'status']).where('session_id', '=', offering).orderBy('queue_seq').execute();
    expect(offer.map((b) => b.status)).toEqual(['cancelled', 'offered', 'waitlisted']);
  }, 90_000);
});

/** Twenty confirmations waiting in the outbox, booked through the real app in this test process (which runs no jobs). */
async function twentyPendingNotices(db: Db) {
  const orgId = await makeOrg(db.db, 'Outbox Academy');
  const [trainer] = await makePeople(db.db, 'trainer', null, 1);
  const staff = await makePeople(db.db, 'staff', orgId, 20);
  const app = createApp({ db: db.db, dbKind: 'postgres', now: () => new Date(), config: defaultConfig({ passwordCostLog2: 10 }), logger: silentLogger });
  const post = async (path: string, token: string, body: unknown) => {
    const res = await app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as any };
  };
  const starts = new Date(Date.now() + 7 * 86_400_000);
  const session = await post('/api/sessions', trainer!.token, { title: 'Outbox test', mode: 'online', startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 3_600_000).toISOString(), capacity: { online: 60 } });
  expect(session.status).toBe(201);
  for (const p of staff) expect((await post(`/api/sessions/${session.json.id}/bookings`, p.token, {})).status).toBe(201);
  const rows = await db.db.selectFrom('outbox').select(['id', 'status', 'locked_until']).execute();
  expect(rows).toHaveLength(20);
  expect(rows.every((r) => r.status === 'pending' && r.locked_until === null)).toBe(true);
}

describe.skipIf(skip !== null)('a process killed mid-delivery', () => {
  let pg: { url: string; drop: () => Promise<void> };
  let db: Db;
  let smtp: Awaited<ReturnType<typeof mailServer>>;
  const LEASE_MS = 2_000;

  beforeAll(async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    pg = created;
    db = openPostgres(pg.url, 5);
    await migrateToLatest(db.db);
    // The first connection the mail server gets stops answering after the greeting.
    let first = true;
    smtp = await mailServer({
      hang: () => {
        const hang = first;
        first = false;
        return hang;
      },
    });
  }, 60_000);

  afterAll(() => cleanUp([killAll, () => smtp?.close(), () => db?.close(), () => pg?.drop()]));

  it('leaves its claimed messages to another process once the lease runs out, and each still arrives once', async () => {
    await twentyPendingNotices(db);

    // Process A claims all twenty, and its mail server connection stalls on the first.
    const a = await startServer('a', { DATABASE_URL: pg.url, SMTP_URL: smtp.url, JOBS_INTERVAL_MS: '100', MAIL_LEASE_MS: String(LEASE_MS) });
    await waitFor('process a to be stuck mid-send', () => smtp.hung.length === 1, 10_000);
    const claimed = await db.db.selectFrom('outbox').select(['id', 'locked_until']).where('status', '=', 'pending').where('locked_until', 'is not', null).execute();
    expect(claimed).toHaveLength(20);
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    expect(smtp.received).toHaveLength(0);

    // Two fresh processes wait out the lease, then deliver everything, each message once.
    const others = await Promise.all(['b', 'c'].map((n) => startServer(n, { DATABASE_URL: pg.url, SMTP_URL: smtp.url, JOBS_INTERVAL_MS: '100', MAIL_LEASE_MS: String(LEASE_MS) })));
    await waitFor('every message to be delivered', async () => (await db.db.selectFrom('outbox').select('id').where('status', '<>', 'sent').execute()).length === 0, 20_000);
    await new Promise((r) => setTimeout(r, 500));

    const leaseEnd = Math.max(...claimed.map((c) => Date.parse(c.locked_until!)));
    expect(smtp.received).toHaveLength(20);
    const ids = countBy(smtp.received, (r) => r.messageId);
    for (const c of claimed) expect(ids.get(`<${c.id}@send-live-training.invalid>`)).toBe(1);
    // Nothing was retried while process A's lease still stood.
    expect(Math.min(...smtp.received.map((r) => r.at))).toBeGreaterThanOrEqual(leaseEnd - 50);
    // Log lines reach standard output within a flush interval (server/platform/logging.ts).
    await waitFor('their log lines', () => sentBy(others).size >= 20, 5_000);
    const who = sentBy(others);
    expect(who.size).toBe(20);
    for (const names of who.values()) expect(names).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(skip !== null)('a process stopped with SIGTERM mid-delivery', () => {
  let pg: { url: string; drop: () => Promise<void> };
  let db: Db;
  let smtp: Awaited<ReturnType<typeof mailServer>>;

  beforeAll(async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(created.skip);
    pg = created;
    db = openPostgres(pg.url, 5);
    await migrateToLatest(db.db);
    smtp = await mailServer({ delayMs: 150 });
  }, 60_000);

  afterAll(() => cleanUp([killAll, () => smtp?.close(), () => db?.close(), () => pg?.drop()]));

  it('finishes the message it is sending, hands the rest back at once and exits 0', async () => {
    await twentyPendingNotices(db);
    // The default two-minute lease: handing back must not depend on it running out.
    const a = await startServer('a', { DATABASE_URL: pg.url, SMTP_URL: smtp.url, JOBS_INTERVAL_MS: '100' });
    await waitFor('process a to start sending', () => smtp.receiving() >= 1, 10_000, 10);
    a.child.kill('SIGTERM');
    const exit = await Promise.race([a.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5_000))]);
    expect(exit).toEqual({ code: 0, signal: null });

    const afterStop = await db.db.selectFrom('outbox').select(['id', 'status', 'locked_until']).execute();
    const sentByA = afterStop.filter((r) => r.status === 'sent');
    expect(sentByA.length).toBeGreaterThanOrEqual(1);
    expect(sentByA.length).toBeLessThan(20);
    expect(smtp.received).toHaveLength(sentByA.length);
    expect(afterStop.filter((r) => r.status === 'pending').every((r) => r.locked_until === null)).toBe(true);

    const b = await startServer('b', { DATABASE_URL: pg.url, SMTP_URL: smtp.url, JOBS_INTERVAL_MS: '100' });
    await waitFor('process b to deliver the rest', async () => (await db.db.selectFrom('outbox').select('id').where('status', '<>', 'sent').execute()).length === 0, 20_000);
    // Give any duplicate a chance to show itself, and b's last log lines time to arrive.
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received).toHaveLength(20);
    expect(new Set(smtp.received.map((r) => r.messageId)).size).toBe(20);
    expect(sentBy([b]).size).toBe(20 - sentByA.length);
  }, 60_000);
});
