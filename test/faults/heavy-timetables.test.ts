/**
 * Heavy timetable files never stall the server: a real server process reads them in worker
 * threads, so a health check sent after a batch of them is answered first, and SIGTERM
 * still drains the requests in flight and exits 0 even while files that would never finish
 * are being read. Each file comes from a member of staff of its own (one account has one
 * file read at a time: server/timetables/limits.ts), made straight in the server's database.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { startServer, type RunningServer } from '../../bench/server.js';
import { openSqlite } from '../../db/connect.js';
import { insertOrg, insertUser } from '../../server/accounts/repository.js';
import { hashToken } from '../../server/accounts/service.js';
import { ABSURD_DURATION, NEVER, SINCE_1601 } from '../api/timetables-heavy.fixtures.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'send-heavy-'));
const ADMIN = { email: 'admin@example.org', password: 'a long enough admin password' };
let server: RunningServer;
let token: string;
/** Bearer tokens of staff, one for each file sent at once. */
const staffTokens: string[] = [];

beforeAll(async () => {
  server = await startServer('server/main.ts', {
    DATABASE_URL: `sqlite:${path.join(dir, 'app.db')}`,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JOBS_INTERVAL_MS: '60000',
    TIMETABLE_PARSE_TIMEOUT_MS: '2000',
    TIMETABLE_MAX_EXAMINED: '20000',
  });
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  token = ((await login.json()) as { token: string }).token;
  const h = openSqlite(path.join(dir, 'app.db'));
  try {
    const now = new Date().toISOString();
    const orgId = randomUUID();
    await insertOrg(h.db, { id: orgId, name: 'Heavy Files Academy', urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: now });
    for (let i = 0; i < 11; i++) {
      const id = randomUUID();
      await insertUser(h.db, { id, email: `heavy${i}@example.org`, name: `Heavy ${i}`, role: 'staff', orgId, passwordHash: null, createdAt: now });
      const t = randomBytes(32).toString('base64url');
      await h.db.insertInto('auth_sessions').values({ id: randomUUID(), token_hash: hashToken(t), user_id: id, csrf_token: 'csrf', created_at: now, expires_at: '2999-01-01T00:00:00.000Z', revoked_at: null }).execute();
      staffTokens.push(t);
    }
  } finally {
    await h.close();
  }
}, 90_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** 5,000 lessons that repeat daily, in a named time zone. */
function fiveThousandDaily(): string {
  const events = Array.from(
    { length: 5_000 },
    (_, i) => `BEGIN:VEVENT\r\nUID:d${i}@t\r\nDTSTART;TZID=Europe/London:20260105T${String(8 + (i % 8)).padStart(2, '0')}0000\r\nDTEND;TZID=Europe/London:20260105T${String(9 + (i % 8)).padStart(2, '0')}0000\r\nRRULE:FREQ=DAILY\r\nSUMMARY:L${i}\r\nEND:VEVENT\r\n`,
  );
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${events.join('')}END:VCALENDAR\r\n`;
}

interface Sent {
  /** Resolves when the whole request has been handed to the network. */
  sent: Promise<void>;
  /** Resolves with the status when the whole answer has arrived. */
  answered: Promise<number>;
}

/** One request on its own connection. */
function send(method: string, pathname: string, body?: string, contentType = 'text/calendar', bearer = token): Sent {
  let sent!: () => void;
  const sentP = new Promise<void>((r) => (sent = r));
  const answered = new Promise<number>((resolve, reject) => {
    const req = http.request(`${server.url}${pathname}`, {
      method,
      agent: false,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : {}) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('finish', sent);
    req.end(body);
  });
  return { sent: sentP, answered };
}

it('answers GET /api/health sent after ten 1601 files and a 5,000-event daily file before any of them', { timeout: 180_000 }, async () => {
  const order: string[] = [];
  const heavy = [...Array.from({ length: 10 }, () => SINCE_1601), fiveThousandDaily()].map((file, i) => {
    const r = send('PUT', '/api/me/timetable', file, 'text/calendar', staffTokens[i]);
    void r.answered.then(() => order.push(`file ${i}`));
    return r;
  });
  await Promise.all(heavy.map((r) => r.sent));
  const health = send('GET', '/api/health');
  void health.answered.then(() => order.push('health'));

  expect(await health.answered).toBe(200);
  const statuses = await Promise.all(heavy.map((r) => r.answered));
  for (const s of statuses) {
    expect(s).toBeGreaterThanOrEqual(400);
    expect(s).toBeLessThan(500);
  }
  expect(order[0]).toBe('health');
  expect(order).toHaveLength(12);
});

it('drains and exits 0 on SIGTERM while files that would never finish are being read', { timeout: 120_000 }, async () => {
  const inFlight = [NEVER, ABSURD_DURATION, NEVER, ABSURD_DURATION].map((file, i) => send('PUT', '/api/me/timetable', file, 'text/calendar', staffTokens[i]));
  await Promise.all(inFlight.map((r) => r.sent));
  // The server has taken every request in: a request sent after them gets its answer.
  expect(await send('GET', '/api/health').answered).toBe(200);
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  const statuses = await Promise.all(inFlight.map((r) => r.answered));
  expect(statuses).toEqual([422, 422, 422, 422]);
  expect(await exited).toBe(0);
});
