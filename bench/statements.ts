/**
 * `tsx bench/statements.ts [booking|webhook] [seconds]`: runs one write load in this process
 * through `app.request()`, 50 requests at a time, on a freshly seeded database (a SQLite file,
 * or PostgreSQL with PG=postgres://…), and prints each statement the load made: how many
 * times, its mean and total time (Kysely's query log). For finding which round trips a
 * batch spends its time on; the times include waiting for the connection. `SQL_CHARS=5000`
 * prints more of each statement's text (120 characters unless asked).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type LogEvent } from 'kysely';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { createApp } from '../server/app.js';
import { defaultConfig, type Deps } from '../server/platform/deps.js';
import { seed } from './seed.js';
import { LIVEKIT, webhookBodies } from './webhooks.js';

const what = process.argv[2] ?? 'booking';
const seconds = Number(process.argv[3] ?? 5);
const url = process.env.PG || `sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'send-statements-')), 's.db')}`;
const stats = new Map<string, { n: number; ms: number }>();
let counting = false;
const log = (e: LogEvent) => {
  if (!counting) return;
  const key = e.query.sql.replace(/\s+/g, ' ').slice(0, Number(process.env.SQL_CHARS ?? 120));
  const s = stats.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += e.queryDurationMillis;
  stats.set(key, s);
};
const h = openDatabase(url, { log }, { log });
await migrateToLatest(h.db);
const s = await seed(h.db, { bookers: 100, sessions: 100, capacity: 25, signInUsers: 1, feedEvents: 10, passwordCostLog2: 10 });
await sql`analyze`.execute(h.db);
const logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Deps['logger'];
const livekit = { url: LIVEKIT.url, apiKey: LIVEKIT.key, apiSecret: LIVEKIT.secret };
const deps: Deps = { db: h.db, dbKind: h.kind, now: () => new Date(), config: { ...defaultConfig({ publicUrl: 'http://localhost:3000' }), livekit }, logger };
const app = createApp(deps);

const bookings = s.bookers.flatMap((u) => s.sessionIds.map((sid) => ({ path: `/api/sessions/${sid}/bookings`, token: u.token })));
const hooks = what === 'webhook' ? await webhookBodies(s, 15_000) : [];
const request = (i: number) => {
  if (what === 'webhook') {
    const w = hooks[i % hooks.length]!;
    return app.request('/api/livekit/webhook', { method: 'POST', headers: { ...w.headers, 'content-type': 'application/webhook+json' }, body: w.body });
  }
  const b = bookings[i]!;
  return app.request(b.path, { method: 'POST', headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' }, body: '{"seat":"online"}' });
};
const max = what === 'webhook' ? Infinity : bookings.length;
let next = 0;
let done = 0;
counting = true;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: 50 }, async () => {
    while (performance.now() - t0 < seconds * 1000 && next < max) {
      const r = await request(next++);
      if (r.status !== 200 && r.status !== 201) throw new Error(`answered ${r.status}: ${await r.text()}`);
      done++;
    }
  }),
);
counting = false;
const elapsed = (performance.now() - t0) / 1000;
console.log(`${what} on ${h.kind}: ${done} requests in ${elapsed.toFixed(1)} s (${Math.round(done / elapsed)} per second)`);
console.log('   count  mean ms  total ms  statement');
for (const [k, v] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${String(v.n).padStart(8)} ${(v.ms / v.n).toFixed(2).padStart(8)} ${String(Math.round(v.ms)).padStart(9)}  ${k}`);
}
await h.close();
process.exit(0);
