/**
 * `tsx bench/profile.ts [booking|webhook|list|launch|/api/some/path]`: runs one load (for `launch`,
 * the launch-morning rush: 5,000 distinct staff book one 30-seat session while 50 other
 * connections list sessions, as the bench's `launch` entry) against the real server with V8's
 * CPU profiler on and prints the heaviest functions (self time). For finding hot spots.
 * With `SCRIPT=dist/server.mjs` and then `SCRIPT=dist/bench-floor.mjs` (after `npm run build`
 * and a bench run, which bundles the floor), `bench/compare-profiles.ts` sets the two side by side.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { placeOf, sampleCounts, type Profile } from './profile-places.js';
import { seed } from './seed.js';
import { ROOT, startServer } from './server.js';
import { LIVEKIT, webhookBodies } from './webhooks.js';

const what = process.argv[2] ?? 'booking';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'send-prof-'));
const url = process.env.PG || `sqlite:${path.join(tmp, 'p.db')}`; // PG=postgres://... profiles on PostgreSQL
const h = openDatabase(url);
await migrateToLatest(h.db);
const s = await seed(h.db, { bookers: Number(process.env.BOOKERS || 100), sessions: Number(process.env.SESSIONS || 100), capacity: 25, signInUsers: 1, feedEvents: Number(process.env.FEED_EVENTS || 10), passwordCostLog2: 10, ...(what === 'launch' ? { listSessions: 50, listBookings: 25, launchStaff: 5000 } : {}) });
await h.close();
const server = await startServer(process.env.SCRIPT ?? 'server/main.ts', { DATABASE_URL: url, LIVEKIT_URL: LIVEKIT.url, LIVEKIT_API_KEY: LIVEKIT.key, LIVEKIT_API_SECRET: LIVEKIT.secret, ...(process.env.JOBS_INTERVAL_MS ? { JOBS_INTERVAL_MS: process.env.JOBS_INTERVAL_MS } : {}) }, 60_000, ['--cpu-prof', `--cpu-prof-dir=${tmp}`]);
const cycle = s.bookers.flatMap((u) => s.sessionIds.map((sid) => ({ path: `/api/sessions/${sid}/bookings`, headers: { authorization: `Bearer ${u.token}` } })));
let feedPath = '';
let etag = '';
if (what === 'feed304') {
  const me = await fetch(`${server.url}/api/me/calendar`, { headers: { authorization: `Bearer ${s.feedUser.token}` } });
  feedPath = new URL(((await me.json()) as { url: string }).url).pathname;
  const full = await fetch(`${server.url}${feedPath}`);
  await full.arrayBuffer();
  etag = full.headers.get('etag')!;
}
const spec =
  what === 'feed304'
    ? { url: server.url, connections: 50, durationSeconds: 5, path: feedPath, headers: { 'if-none-match': etag } }
    : what === 'booking'
    ? { url: server.url, connections: 50, durationSeconds: 5, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seat":"online"}', cycle, maxRequests: cycle.length }
    : what === 'webhook'
      ? { url: server.url, connections: 50, durationSeconds: 5, method: 'POST', path: '/api/livekit/webhook', headers: { 'content-type': 'application/webhook+json' }, cycle: await webhookBodies(s, 15_000) }
    : what === 'list'
      ? { url: server.url, connections: 50, durationSeconds: 5, path: `/api/sessions?from=${encodeURIComponent(s.upcomingFrom)}&limit=50`, headers: { authorization: `Bearer ${s.bookers[0]!.token}` } }
      : { url: server.url, connections: 50, durationSeconds: 5, path: what.startsWith('/') ? what : '/api/me', headers: { authorization: `Bearer ${s.bookers[0]!.token}` } };
/** Runs one load in its own process (bench/load.ts); resolves when it has printed its result. */
const runLoad = (name: string, spec: object) => {
  writeFileSync(path.join(tmp, `${name}.json`), JSON.stringify(spec));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', path.join(tmp, `${name}.json`)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return { child, done: new Promise((r) => child.once('exit', r)) };
};
if (what === 'launch') {
  const listing = runLoad('list', { url: server.url, connections: 50, durationSeconds: 600, path: `/api/sessions?from=${encodeURIComponent(s.list.from)}&to=${encodeURIComponent(s.list.to)}&limit=50`, headers: { authorization: `Bearer ${s.bookers[1]!.token}` } });
  await new Promise((r) => setTimeout(r, 500));
  const staff = s.launch.staff.map((u) => ({ path: `/api/sessions/${s.launch.sessionId}/bookings`, headers: { authorization: `Bearer ${u.token}` } }));
  await runLoad('rush', { url: server.url, connections: 50, durationSeconds: 600, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', cycle: staff, maxRequests: staff.length, timeoutSeconds: 60 }).done;
  listing.child.kill('SIGTERM');
  await listing.done;
} else await runLoad('load', spec).done;
await server.stop();
// One profile per thread (tsx runs a loader thread); the main thread's is the largest.
const file = readdirSync(tmp).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => statSync(path.join(tmp, b)).size - statSync(path.join(tmp, a)).size)[0]!;
const prof = JSON.parse(readFileSync(path.join(tmp, file), 'utf8')) as Profile;
const counts = sampleCounts(prof);
const byFn = new Map<string, number>();
for (const n of prof.nodes) {
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/main\//, '')}:${n.callFrame.lineNumber}`;
  byFn.set(k, (byFn.get(k) ?? 0) + (counts.get(n.id) ?? 0));
}
const total = prof.samples.length;
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
console.log('profile:', path.join(tmp, file));

// Self time by where the code lives (through the bundle's source map when SCRIPT is a bundle).
const groups = new Map<string, number>();
for (const n of prof.nodes) {
  const place = placeOf(n.callFrame);
  groups.set(place, (groups.get(place) ?? 0) + (counts.get(n.id) ?? 0));
}
console.log('\nby place:');
for (const [k, v] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
