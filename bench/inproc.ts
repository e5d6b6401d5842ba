/**
 * `tsx bench/inproc.ts [list|deep|feed304] [n]`: one request path run n times in this process
 * through `app.request()` on a freshly seeded database (SQLite file, or PostgreSQL with PG=url),
 * one at a time, reporting CPU microseconds per request and the queries each one made.
 * CPU time, not wall time: on a shared machine it moves far less with the others' load.
 * With `--cpu-prof` (node) it also profiles. For finding where a request's time goes.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { createApp } from '../server/app.js';
import { defaultConfig, type Deps } from '../server/platform/deps.js';
import { seed } from './seed.js';

const what = process.argv[2] ?? 'list';
const n = Number(process.argv[3] ?? 2000);
const url = process.env.PG || `sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'send-inproc-')), 'p.db')}`;
const h = openDatabase(url);
await migrateToLatest(h.db);
const s = await seed(h.db, { bookers: 500, sessions: 20, capacity: 25, signInUsers: 1, feedEvents: Number(process.env.FEED_EVENTS || 10_000), passwordCostLog2: 10, listSessions: 50, listBookings: 25 });
await sql`analyze`.execute(h.db);
let queries = 0;
const logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Deps['logger'];
const counting = h.db.withPlugin({ transformQuery: (a) => (queries++, a.node), transformResult: async (a) => a.result });
const deps: Deps = { db: counting, dbKind: h.kind, now: () => new Date(), config: defaultConfig({ publicUrl: 'http://localhost:3000' }), logger };
const app = createApp(deps);
const auth = { authorization: `Bearer ${s.bookers[0]!.token}` };
const listPath = (w: { from: string; to: string }) => `/api/sessions?from=${encodeURIComponent(w.from)}&to=${encodeURIComponent(w.to)}&limit=50`;
let req: () => Response | Promise<Response>;
if (what === 'list' || what === 'deep') {
  const p = listPath(what === 'list' ? s.list : s.deepList);
  req = () => app.request(p, { headers: auth });
} else if (what.startsWith('/')) {
  req = () => app.request(what, { headers: auth });
} else {
  const me = await app.request('/api/me/calendar', { headers: { authorization: `Bearer ${s.feedUser.token}` } });
  const feed = new URL(((await me.json()) as { url: string }).url).pathname;
  const full = await app.request(feed);
  await full.text();
  const etag = full.headers.get('etag')!;
  req = () => app.request(feed, { headers: { 'if-none-match': etag } });
}
if (process.env.SHOW) console.log((await (await req()).text()).slice(0, 300));
for (let i = 0; i < 200; i++) await (await req()).arrayBuffer(); // warm-up
queries = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
let bytes = 0;
const statuses = new Map<number, number>();
for (let i = 0; i < n; i++) {
  const r = await req();
  bytes += (await r.arrayBuffer()).byteLength;
  statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
}
const cpu = process.cpuUsage(c0);
console.log(JSON.stringify({ what, db: h.kind, n, cpu_us_per_req: Math.round((cpu.user + cpu.system) / n), wall_us_per_req: Math.round(((performance.now() - t0) * 1000) / n), queries_per_req: queries / n, bytes_per_req: Math.round(bytes / n), statuses: Object.fromEntries(statuses) }));
await h.close();
process.exit(0);
