/**
 * `tsx bench/cpu.ts` (after a bench run, which bundles dist/server.mjs and dist/bench-floor.mjs):
 * CPU per booking on PostgreSQL, from /proc: the server's process and every PostgreSQL
 * backend, and how idle the whole machine was, for the service and its floor alternately
 * (ROUNDS of N bookings each, defaults 3 and 6,000), on two fresh databases seeded as the
 * bench seeds them (FEED sets the feed's bookings, default 10,000). For finding where the
 * service's time goes beside the floor's, not a bench entry. Linux only.
 */
import { execSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { seed } from './seed.js';
import { ROOT, startServer } from './server.js';
import { LIVEKIT } from './webhooks.js';
import { sql } from 'kysely';

const psql = (q: string) => execSync(`psql -h 127.0.0.1 -U postgres -qc "${q}"`);
psql('drop database if exists cpu_svc'); psql('drop database if exists cpu_floor'); psql('create database cpu_svc');
const svcUrl = 'postgres://postgres@127.0.0.1:5432/cpu_svc';
const h = openDatabase(svcUrl);
await migrateToLatest(h.db);
const s = await seed(h.db, { bookers: 500, sessions: 200, capacity: 25, signInUsers: 1, feedEvents: Number(process.env.FEED || 10000), passwordCostLog2: 10, listSessions: 50, listBookings: 25, launchStaff: 0 } as any);
await sql`analyze`.execute(h.db);
await h.close();
psql('create database cpu_floor template cpu_svc');
const env = { LIVEKIT_URL: LIVEKIT.url, LIVEKIT_API_KEY: LIVEKIT.key, LIVEKIT_API_SECRET: LIVEKIT.secret, PUBLIC_URL: 'http://127.0.0.1', ...(process.env.JOBS_INTERVAL_MS ? { JOBS_INTERVAL_MS: process.env.JOBS_INTERVAL_MS } : {}) };
const svc = await startServer('dist/server.mjs', { ...env, DATABASE_URL: svcUrl });
const floor = await startServer('dist/bench-floor.mjs', { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cpu_floor' });
const ticks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
const pgTicks = () => { let n = 0; for (const d of readdirSync('/proc')) { if (!/^\d+$/.test(d)) continue; try { const st = readFileSync(`/proc/${d}/stat`, 'utf8'); if (st.includes('(postgres)')) { const f = st.split(') ')[1]!.split(' '); n += Number(f[11]) + Number(f[12]); } } catch {} } return n; };
const machine = () => { const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number); return { idle: f[3]! + f[4]!, total: f.reduce((a, b) => a + b, 0) }; };
const cycle = s.bookers.flatMap((u) => s.sessionIds.map((sid) => ({ path: `/api/sessions/${sid}/bookings`, headers: { authorization: `Bearer ${u.token}` } })));
const at = { svc: 0, floor: 0 };
const runLoad = (url: string, items: typeof cycle) => new Promise<any>((resolve) => {
  const file = path.join('/tmp', `cpu-load-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify({ url, connections: 50, durationSeconds: 30, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seat":"online"}', cycle: items, maxRequests: items.length }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = ''; child.stdout!.on('data', (c) => (out += c));
  child.once('exit', () => resolve(JSON.parse(out.trim().split('\n').at(-1)!)));
});
const N = Number(process.env.N || 6000);
for (let round = 0; round < Number(process.env.ROUNDS || 3); round++) {
  for (const [name, srv] of [['svc', svc], ['floor', floor]] as const) {
    const items = cycle.slice(at[name], at[name] + N); at[name] += N;
    const p0 = ticks(srv.child.pid!), g0 = pgTicks(), t0 = performance.now(), m0 = machine();
    const r = await runLoad(srv.url, items);
    const p1 = ticks(srv.child.pid!), g1 = pgTicks(), t1 = performance.now(), m1 = machine();
    const us = (tk: number) => ((tk * 10_000) / r.requests).toFixed(0); // 100 ticks per second
    console.log(`${name.padEnd(5)} round ${round}: ${r.requests} in ${((t1 - t0) / 1000).toFixed(1)} s, ${r.rps.toFixed(0)} req/s, status ${JSON.stringify(r.status)}; server ${us(p1 - p0)} µs, postgres ${us(g1 - g0)} µs per booking; machine idle ${((100 * (m1.idle - m0.idle)) / (m1.total - m0.total)).toFixed(0)}%`);
  }
}
// the job loop's time after the load (mail filing catching up)
const p0 = ticks(svc.child.pid!), g0 = pgTicks();
await new Promise((r) => setTimeout(r, 8000));
console.log(`svc idle 8 s after: server ${((ticks(svc.child.pid!) - p0) * 10)} ms, postgres ${((pgTicks() - g0) * 10)} ms`);
await svc.stop(); await floor.stop();
