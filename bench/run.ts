/**
 * `npm run bench`: the real server under load, each figure beside a baseline measured in
 * the same run on the same machine. The ratio is the headline; absolute figures move with
 * the machine. Prints a table and writes bench/results.json.
 *
 * Load comes from a separate process (bench/load.ts, autocannon) on 127.0.0.1. The server
 * runs as `npm start` runs it (bundled by server/build.ts, on plain Node; the hello-world
 * baseline is bundled the same way) with PORT=0 on a fresh SQLite file, and again
 * on a fresh PostgreSQL database when one is reachable at 127.0.0.1:5432.
 *
 * With BENCH_SCALE=1 it then measures how each cost grows with its input (bench/growth.ts).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ical, { ICalAlarmType, ICalAttendeeRole, ICalAttendeeStatus, ICalEventStatus } from 'ical-generator';
import { scrypt } from 'node:crypto';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { createPgDatabase } from '../test/helpers.js';
import type { LoadResult, LoadSpec } from './load.js';
import { BENCH_PASSWORD, seed, type Seeded } from './seed.js';
import { LIVEKIT, webhookBodies } from './webhooks.js';
import { ROOT, startServer, type RunningServer } from './server.js';
import { bundleServer } from '../server/build.js';

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONNECTIONS = 50;
const SIGN_IN_CONNECTIONS = 8;
const PASSWORD_COST = 15; // the production scrypt cost (main.ts uses the default config)
const FEED_EVENTS = 10_000;
// Enough that no load runs out in a run: every booking and every webhook is a new one. The
// bookers are in two halves, one for each attempt at the booking entry: a second attempt
// (bench/run.ts `attempt`) books people the first never named, so none is already booked.
const BOOKERS = 1200; // × 200 sessions = 240,000 distinct bookings, 120,000 an attempt
const WEBHOOK_EVENTS = 160_000;
// The session list: 50 sessions of 25 bookings each, and 50 of 20 times that (500 each).
const LIST_SESSIONS = 50;
const LIST_BOOKINGS = 25;
// The launch-morning rush: this many distinct staff book one 30-seat session at once.
const LAUNCH_STAFF = 5_000;
/** `BENCH_ONLY=session_list,launch` runs only those entries (and what they are built on). */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((x) => x.trim())) : null;
const want = (...names: string[]) => ONLY === null || names.some((n) => ONLY.has(n));

export interface Entry {
  value: number | null;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  p99_ms?: number;
  baseline_p99_ms?: number;
  /** What the baseline is, in words. */
  baseline_is: string;
  database: 'sqlite' | 'postgres';
  goal?: string;
  /** Whether this run met the goal (absent when there is no goal or no figure). */
  goal_met?: boolean;
  available?: boolean;
  note?: string;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'send-bench-'));
// Both run as built bundles on plain Node, the way `npm start` runs the service.
// (Inside the repository, so the packages left out of the bundle resolve from node_modules.)
const SERVER = path.relative(ROOT, await bundleServer());
const HELLO = path.relative(ROOT, await bundleServer('bench/hello.ts', 'dist/bench-hello.mjs'));
const FLOOR = path.relative(ROOT, await bundleServer('bench/floor.ts', 'dist/bench-floor.mjs'));
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Starts one autocannon load in its own process; `stop` ends it early (it still reports). */
function startLoad(spec: LoadSpec): { result: Promise<LoadResult>; stop: () => Promise<LoadResult> } {
  const file = path.join(tmp, `load-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/load.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const result = (async () => {
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    rmSync(file, { force: true });
    const line = out.trim().split('\n').pop();
    if (code !== 0 || !line) throw new Error(`load generator failed (exit ${code}): ${out}`);
    return JSON.parse(line) as LoadResult;
  })();
  result.catch(() => {}); // awaited by the caller
  return {
    result,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return result;
    },
  };
}

/** Runs one autocannon load from its own process. */
function load(spec: LoadSpec): Promise<LoadResult> {
  return startLoad(spec).result;
}

/**
 * fetch, once more on a network failure: a kept-alive connection the server has closed
 * meanwhile (undici's "other side closed") is not a reason to lose a bench entry.
 */
async function fetchRetry(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    log(`  ${(e as Error).message} (${(e as { cause?: Error }).cause?.message ?? 'no cause'}); trying once more`);
    return fetch(url, init);
  }
}

/**
 * Runs one entry's set-up and load, once more if it fails; if it fails again the entry says
 * why and the run goes on with the others.
 */
async function attempt(name: string, db: 'sqlite' | 'postgres', work: () => Promise<Record<string, Entry>>): Promise<Record<string, Entry>> {
  for (let tries = 1; ; tries++) {
    try {
      return await work();
    } catch (e) {
      const message = (e as Error).message.split('\n')[0]!.slice(0, 300);
      log(`${db}: ${name} failed (${message})${tries === 1 ? '; trying once more' : ''}`);
      if (tries === 2) return { [name]: { value: null, unit: '', baseline: null, ratio: null, baseline_is: '', database: db, available: false, note: `failed twice: ${message}` } };
    }
  }
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function describeErrors(r: LoadResult): string | undefined {
  const bad = Object.entries(r.status).filter(([s]) => !s.startsWith('2'));
  if (!bad.length && !r.errors && !r.timeouts) return undefined;
  return `non-2xx: ${bad.map(([s, n]) => `${n}×${s}`).join(', ') || 'none'}; socket errors ${r.errors}; timeouts ${r.timeouts}`;
}

/** A rate entry: our load beside its baseline load, the ratio ours / baseline. */
function rateEntry(ours: LoadResult, base: LoadResult, rest: Pick<Entry, 'baseline_is' | 'database' | 'goal'> & { note: string }): Entry {
  return {
    value: round(ours.rps, 0),
    unit: 'req/s',
    baseline: round(base.rps, 0),
    ratio: round(ours.rps / base.rps, 3),
    p99_ms: ours.p99_ms,
    baseline_p99_ms: base.p99_ms,
    ...rest,
    note: describeErrors(ours) ?? rest.note,
  };
}

/**
 * The baselines, each measured right next to the figure it is compared with, because the
 * machine is shared: a baseline taken a minute earlier may have run on a quieter machine.
 */
class Baselines {
  private constructor(private readonly hello: RunningServer) {}
  static async start(): Promise<Baselines> {
    const hello = await startServer(HELLO, {});
    await load({ url: hello.url, connections: CONNECTIONS, durationSeconds: 2 }); // warm-up
    return new Baselines(hello);
  }
  /** Hello-world GET at the same concurrency. */
  get(): Promise<LoadResult> {
    log('  baseline: hello-world GET');
    return load({ url: this.hello.url, connections: CONNECTIONS, durationSeconds: SECONDS });
  }
  /** Hello-world POST with a small JSON body and a bearer header, at the same concurrency. */
  post(): Promise<LoadResult> {
    log('  baseline: hello-world POST');
    return load({ url: this.hello.url, connections: CONNECTIONS, durationSeconds: SECONDS, method: 'POST', path: '/', headers: { 'content-type': 'application/json', authorization: `Bearer ${'x'.repeat(43)}` }, body: JSON.stringify({ seat: 'online' }) });
  }
  /** One hello-world process: spawn to first answer. */
  async startupMs(): Promise<number> {
    const s = await startServer(HELLO, {});
    await s.stop();
    return s.startupMs;
  }
  scryptPerSecond = scryptThroughput;
  icsMs = icalGeneratorMs;
  stop() {
    return this.hello.stop();
  }
}

/** scrypt hashes per second in this process at the production cost, SIGN_IN_CONNECTIONS at a time. */
async function scryptThroughput(): Promise<number> {
  const N = 2 ** PASSWORD_COST;
  const one = () => new Promise<void>((resolve, reject) => scrypt(BENCH_PASSWORD, 'saltsaltsaltsalt', 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 }, (e) => (e ? reject(e) : resolve())));
  log('  baseline: scrypt in-process');
  const until = performance.now() + Math.min(5, SECONDS) * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await one();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: SIGN_IN_CONNECTIONS }, worker));
  return done / ((performance.now() - started) / 1000);
}

/**
 * ical-generator building FEED_EVENTS events in memory (median of 3), the feed baseline.
 * Each event carries what the service's feed events carry: UID, SEQUENCE, stamps, zoned
 * start and end, summary, a several-line description, location, URL, status, organizer,
 * one attendee and a reminder alarm.
 */
let icalBaselineBytes = 0;
function icalGeneratorMs(): number {
  log('  baseline: ical-generator in memory');
  const times: number[] = [];
  const start = Date.now() + 30 * 86_400_000;
  const host = 'http://127.0.0.1';
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const cal = ical({ name: 'SEND Live Training', prodId: { company: 'SEND Live Training', product: 'Live sessions', language: 'EN' } });
    for (let i = 0; i < FEED_EVENTS; i++) {
      const s = new Date(start + i * 5 * 3_600_000);
      const page = `${host}/sessions/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const event = cal.createEvent({
        id: `session-${i}-user-feed@127.0.0.1`,
        sequence: 0,
        stamp: new Date(start),
        lastModified: new Date(start),
        start: s,
        end: new Date(s.getTime() + 90 * 60_000),
        timezone: 'Europe/London',
        summary: `Feed session ${i}`,
        description: `Strategies for supporting pupils with SEND in mainstream classrooms.\n\nJoin online: ${page}\nManage your booking: ${host}/bookings/${i}\nBooked for: feed`,
        location: page,
        url: page,
        status: ICalEventStatus.CONFIRMED,
        organizer: { name: 'SEND Live Training', email: 'no-reply@localhost' },
      });
      event.createAttendee({ email: 'feed@bench.example.org', name: 'feed', role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.ACCEPTED, rsvp: false });
      event.createAlarm({ type: ICalAlarmType.display, trigger: 3600, description: `Starting in one hour: Feed session ${i}` });
    }
    const text = cal.toString();
    times.push(performance.now() - t0);
    if (!text.includes('END:VCALENDAR')) throw new Error('ical-generator produced no calendar');
    icalBaselineBytes = Buffer.byteLength(text);
  }
  return median(times);
}

interface DbTarget {
  kind: 'sqlite' | 'postgres';
  url: string;
  drop: () => Promise<void>;
}

async function targets(): Promise<{ list: DbTarget[]; pgSkip?: string }> {
  // BENCH_SQLITE=0 runs PostgreSQL only (BENCH_POSTGRES=0: SQLite only).
  const list: DbTarget[] = process.env.BENCH_SQLITE === '0' ? [] : [{ kind: 'sqlite', url: `sqlite:${path.join(tmp, 'bench.db')}`, drop: async () => {} }];
  if (process.env.BENCH_POSTGRES === '0') return { list, pgSkip: 'BENCH_POSTGRES=0' };
  const pg = await createPgDatabase();
  if ('skip' in pg) return { list, pgSkip: pg.skip };
  list.push({ kind: 'postgres', url: pg.url, drop: pg.drop });
  return { list };
}

async function hasRoute(server: RunningServer, method: string, p: string): Promise<boolean> {
  const doc = (await (await fetchRetry(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Boolean(doc.paths[p]?.[method]);
}

async function benchDatabase(target: DbTarget, base: Baselines): Promise<Record<string, Entry>> {
  const db = target.kind;
  const env = {
    DATABASE_URL: target.url,
    LIVEKIT_URL: LIVEKIT.url,
    LIVEKIT_API_KEY: LIVEKIT.key,
    LIVEKIT_API_SECRET: LIVEKIT.secret,
    PUBLIC_URL: 'http://127.0.0.1',
    // The job loop (reminders, mail) keeps running, as in production, at its normal pace.
  };
  const out: Record<string, Entry> = {};
  if (want('startup')) Object.assign(out, await attempt('startup', db, () => benchStartup(env, base, db)));
  const s = await seedFor(target);
  // The floor (bench/floor.ts) books on its own copy of the seeded database, so the two
  // loads write the same bookings into the same schema without meeting each other.
  const floorDb = want('booking', 'booking_floor', 'webhook', 'webhook_floor') ? await copyDatabase(target) : null;

  const server = await startServer(SERVER, env);
  try {
    await load({ url: server.url, connections: CONNECTIONS, durationSeconds: 2, path: '/api/health' }); // warm-up
    if (want('booking', 'booking_floor')) Object.assign(out, await attempt('booking', db, () => benchBooking(server, s, base, db, floorDb!.url)));
    if (want('session_list', 'session_list_deep')) Object.assign(out, await attempt('session_list', db, () => benchLists(server, s, base, db)));
    if (want('sign_in')) Object.assign(out, await attempt('sign_in', db, () => benchSignIn(server, s, base, db)));
    if (want('ics_feed')) Object.assign(out, await attempt('ics_feed', db, async () => ({ ics_feed: await benchFeed(server, s, base, db) })));
    if (want('ics_feed_304')) Object.assign(out, await attempt('ics_feed_304', db, async () => ({ ics_feed_304: await benchFeed304(server, s, base, db) })));
    if (want('webhook', 'webhook_floor')) {
      Object.assign(out, await attempt('webhook', db, async () => {
        const events = await webhookBodies(s, WEBHOOK_EVENTS);
        return benchWebhook(server, events, base, db, floorDb!.url);
      }));
    }
    if (want('launch')) Object.assign(out, await attempt('launch', db, async () => ({ launch: await benchLaunch(server, s, db) })));
  } finally {
    await server.stop();
    await floorDb?.drop();
  }
  // How near each write path comes to its floor, in the same run.
  const ofFloor = (name: string, floorName: string, min: number) => {
    const ours = out[name];
    const floor = out[floorName];
    const ratios = ours && pairRatios.get(ours);
    if (!ours?.value || !floor?.value || !ratios?.length) return;
    const ratio = round(median(ratios), 2);
    out[`${name}_of_floor`] = {
      value: ratio,
      unit: 'x floor',
      baseline: null,
      ratio,
      baseline_is: `${floorName}, alternating with it in ${ratios.length} rounds`,
      database: db,
      goal: `ratio >= ${min}`,
      note: `median of the rounds' ratios ${ratios.map((r) => round(r, 2)).join(', ')}; over all rounds ${name} ${ours.value} req/s against ${floorName} ${floor.value} req/s`,
    };
  };
  ofFloor('booking', 'booking_floor', db === 'sqlite' ? 0.8 : 0.6);
  ofFloor('webhook', 'webhook_floor', 0.7);
  return out;
}

/** Seeds the target's database (every entry's data), and gathers planner statistics. */
async function seedFor(target: DbTarget): Promise<Seeded> {
  log(`${target.kind}: seeding`);
  const handle = openDatabase(target.url);
  try {
    await migrateToLatest(handle.db);
    const s = await seed(handle.db, {
      bookers: BOOKERS,
      sessions: 200,
      capacity: 25,
      signInUsers: 50,
      feedEvents: FEED_EVENTS,
      passwordCostLog2: PASSWORD_COST,
      listSessions: LIST_SESSIONS,
      listBookings: LIST_BOOKINGS,
      launchStaff: LAUNCH_STAFF,
    });
    // Planner statistics, as a live database has them (PostgreSQL's autovacuum keeps them
    // current; it may not have run yet on a database filled seconds ago).
    await sql`analyze`.execute(handle.db);
    return s;
  } finally {
    await handle.close();
  }
}

async function benchStartup(env: Record<string, string>, base: Baselines, db: DbTarget['kind']): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  // Start-up on an empty database (spawn, migrate, listen, first /api/health), then twice
  // more on the migrated one, each beside a hello-world start.
  log(`${db}: start-up`);
  const first = await startServer(SERVER, env);
  await first.stop();
  const startups = [first.startupMs];
  const helloStartups = [await base.startupMs()];
  for (let i = 0; i < 2; i++) {
    const s = await startServer(SERVER, env);
    startups.push(s.startupMs);
    await s.stop();
    helloStartups.push(await base.startupMs());
  }
  const helloStartup = median(helloStartups);
  out.startup = {
    value: round(median(startups), 0),
    unit: 'ms',
    baseline: round(helloStartup, 0),
    ratio: round(helloStartup / median(startups), 2),
    baseline_is: 'hello-world process: spawn to first response (median of 3); ratio = baseline / ours',
    database: db,
    note: `first start (migrating an empty database): ${round(first.startupMs, 0)} ms`,
  };
  return out;
}

/** Booking attempts begun on each database: each books its own half of the bookers. */
const bookingAttempts = new Map<DbTarget['kind'], number>();

async function benchBooking(server: RunningServer, s: Seeded, base: Baselines, db: DbTarget['kind'], floorUrl: string): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  // Booking: request n books staff floor(n / sessions) on session n % sessions, so
  // consecutive requests land on different sessions and no pair repeats. An attempt after a
  // failed one books the other half of the bookers: the first may have booked any of its own.
  const attemptNo = bookingAttempts.get(db) ?? 0;
  bookingAttempts.set(db, attemptNo + 1);
  const half = Math.floor(s.bookers.length / 2);
  const bookers = attemptNo === 0 ? s.bookers.slice(0, half) : s.bookers.slice(half);
  const bookingBase = await base.post();
  const cycle: NonNullable<LoadSpec['cycle']> = [];
  for (const u of bookers) for (const sid of s.sessionIds) cycle.push({ path: `/api/sessions/${sid}/bookings`, headers: { authorization: `Bearer ${u.token}` } });
  log(`${db}: booking, alternating with its floor`);
  const { ours: booking, floor, ratios } = await alternateWithFloor(server, floorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seat: 'online' }) }, cycle);
  // Every answer a new booking (201), on both sides, or the figures say nothing: fail, so the
  // entry is tried again on the other half, or reported failed, never shown as a rate.
  for (const [side, r] of [['booking', booking], ['booking_floor', floor]] as const) {
    const wrong = describeErrors(r);
    if (wrong) throw new Error(`${side}: not every answer was a new booking (${wrong})`);
  }
  out.booking = rateEntry(booking, bookingBase, {
    baseline_is: `hello-world POST on @hono/node-server, ${CONNECTIONS} connections`,
    database: db,
    goal: 'ratio >= 0.25 and p99 <= 25 ms',
    note: `${booking.requests} distinct bookings, all 201`,
  });
  out.booking_floor = rateEntry(floor, bookingBase, {
    baseline_is: out.booking.baseline_is,
    database: db,
    note: `${floor.requests} of the same bookings, with only their unavoidable work (bench/floor.ts): the booking and notice rows, group-committed, with auth and seat counts in memory. The service does all of this and more, so its ratio stays below this one`,
  });
  pairRatios.set(out.booking, ratios);
  return out;
}

const listPath = (w: Seeded['list']) => `/api/sessions?from=${encodeURIComponent(w.from)}&to=${encodeURIComponent(w.to)}&limit=50`;

/**
 * The session list: a page of 50 sessions with 25 bookings each, then the same page over 50
 * sessions with 20 times as many (500 each). Stored seat counts make the two cost the same.
 */
async function benchLists(server: RunningServer, s: Seeded, base: Baselines, db: DbTarget['kind']): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  const headers = { authorization: `Bearer ${s.bookers[0]!.token}` };
  const pages = [['session_list', s.list], ['session_list_deep', s.deepList]] as const;
  for (const [name, w] of pages) {
    const first = await fetchRetry(`${server.url}${listPath(w)}`, { headers });
    const page = (await first.json()) as { items?: { seats: { online: { confirmed: number; waitlisted: number } } }[] };
    const people = page.items?.[0] ? page.items[0].seats.online.confirmed + page.items[0].seats.online.waitlisted : -1;
    if (first.status !== 200 || page.items?.length !== LIST_SESSIONS || people !== w.bookingsPerSession) {
      throw new Error(`${name}: the page answered ${first.status} with ${page.items?.length} sessions of ${people} bookings (expected ${LIST_SESSIONS} of ${w.bookingsPerSession})`);
    }
  }
  // The two pages alternate in rounds, as a write load does with its floor: the deep page's
  // rate is compared with the shallow one's measured seconds before, not minutes.
  log(`${db}: session_list and session_list_deep, alternating`);
  const listBase = await base.get();
  const runs = await alternate(pages.map(([, w]) => () => load({ url: server.url, connections: CONNECTIONS, durationSeconds: ROUND_SECONDS, path: listPath(w), headers })));
  for (const [i, [name, w]] of pages.entries()) {
    out[name] = rateEntry(combined(runs[i]!), listBase, {
      baseline_is: `hello-world GET, ${CONNECTIONS} connections`,
      database: db,
      goal: name === 'session_list' ? `ratio >= ${db === 'sqlite' ? '0.1' : '0.05'}` : 'rate >= 0.9 x session_list',
      note: `GET /api/sessions?from&to&limit=50 signed in: 50 sessions with seat counts, ${w.bookingsPerSession} bookings per session`,
    });
  }
  const deep = out.session_list_deep!;
  const ratios = roundRatios(runs[1]!, runs[0]!);
  if (out.session_list!.value && deep.value) {
    const ratio = median(ratios);
    deep.goal_met = ratio >= 0.9;
    deep.note += `; ${round(ratio, 2)} of session_list's rate (median of the rounds' ${ratios.map((r) => round(r, 2)).join(', ')})`;
  }
  return out;
}

async function benchSignIn(server: RunningServer, s: Seeded, base: Baselines, db: DbTarget['kind']): Promise<Record<string, Entry>> {
  log(`${db}: sign-in`);
  const scryptRate = await base.scryptPerSecond();
  const signIn = await load({
    url: server.url,
    connections: SIGN_IN_CONNECTIONS,
    durationSeconds: SECONDS,
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    cycle: s.signInEmails.map((email) => ({ body: JSON.stringify({ email, password: BENCH_PASSWORD }) })),
  });
  return {
    sign_in: {
      value: round(signIn.rps, 1),
      unit: 'req/s',
      baseline: round(scryptRate, 1),
      ratio: round(signIn.rps / scryptRate, 3),
      p99_ms: signIn.p99_ms,
      baseline_is: `scrypt hashes/s in one process at the same cost (N=2^${PASSWORD_COST}, r=8), ${SIGN_IN_CONNECTIONS} at a time: the bound sign-in cannot beat`,
      database: db,
      note: describeErrors(signIn) ?? `${SIGN_IN_CONNECTIONS} connections`,
    },
  };
}

/** The feed URL of the seeded feed person, on the bench server. */
async function feedUrlOf(server: RunningServer, s: Seeded): Promise<string | { status: number }> {
  const me = await fetchRetry(`${server.url}/api/me/calendar`, { headers: { authorization: `Bearer ${s.feedUser.token}` } });
  if (me.status !== 200) return { status: me.status };
  const feedUrl = new URL(((await me.json()) as { url: string }).url);
  return `${server.url}${feedUrl.pathname}${feedUrl.search}`;
}

/**
 * A calendar polling the feed: the same 10,000-event feed fetched again with the ETag it
 * was given (If-None-Match), at 50 connections, beside hello-world GET. Each answer is a 304.
 */
async function benchFeed304(server: RunningServer, s: Seeded, base: Baselines, db: DbTarget['kind']): Promise<Entry> {
  const entry = { unit: 'req/s', baseline_is: `hello-world GET, ${CONNECTIONS} connections`, database: db, goal: 'ratio >= 0.3' };
  log(`${db}: calendar feed 304`);
  const local = await feedUrlOf(server, s);
  if (typeof local !== 'string') return { ...entry, value: null, baseline: null, ratio: null, available: false, note: `not available: GET /api/me/calendar answered ${local.status}` };
  const full = await fetchRetry(local);
  await full.arrayBuffer();
  const etag = full.headers.get('etag');
  if (full.status !== 200 || !etag) return { ...entry, value: null, baseline: null, ratio: null, available: false, note: `not available: the feed answered ${full.status} with ETag ${etag}` };
  const again = await fetchRetry(local, { headers: { 'if-none-match': etag } });
  await again.arrayBuffer();
  if (again.status !== 304) throw new Error(`the feed fetched again with its ETag answered ${again.status}, not 304`);
  const b = await base.get();
  const url = new URL(local);
  const r = await load({ url: server.url, connections: CONNECTIONS, durationSeconds: SECONDS, path: `${url.pathname}${url.search}`, headers: { 'if-none-match': etag } });
  const others = Object.entries(r.status).filter(([code]) => code !== '304');
  const e = rateEntry(r, b, { ...entry, note: '' });
  e.note = `${r.requests} conditional fetches of the ${FEED_EVENTS}-event feed, every one 304`;
  if (others.length || r.errors || r.timeouts) e.note = `not all 304: ${others.map(([c, n]) => `${n}x${c}`).join(', ') || 'none'}; socket errors ${r.errors}; timeouts ${r.timeouts}`;
  return e;
}

/**
 * The launch-morning rush: LAUNCH_STAFF distinct staff book one 30-seat session as fast as
 * they can (50 connections) while 50 other connections keep listing sessions. Every booking
 * must be a 201, exactly 30 confirmed, queue places exactly 1..LAUNCH_STAFF-30 (read back
 * through the API). Reports the time to answer all of them, booking p99, and the list's p99
 * during the rush against its p99 idle (goal: at most twice).
 */
async function benchLaunch(server: RunningServer, s: Seeded, db: DbTarget['kind']): Promise<Entry> {
  log(`${db}: launch rush`);
  const headers = { authorization: `Bearer ${s.bookers[1]!.token}` };
  const listSpec: LoadSpec = { url: server.url, connections: CONNECTIONS, durationSeconds: SECONDS, path: listPath(s.list), headers };
  // Idle: once the server has finished whatever the entry before left queued.
  await fetchRetry(`${server.url}/api/health`);
  await new Promise((r) => setTimeout(r, 2000));
  const idle = await load(listSpec);
  if (idle.requests === 0) throw new Error('the idle session list answered nothing');
  const during = startLoad({ ...listSpec, durationSeconds: 600 });
  let rush: LoadResult;
  try {
    await new Promise((r) => setTimeout(r, 500)); // the listing is under way first
    rush = await load({
      url: server.url,
      connections: CONNECTIONS,
      durationSeconds: 600,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      cycle: s.launch.staff.map((u) => ({ path: `/api/sessions/${s.launch.sessionId}/bookings`, headers: { authorization: `Bearer ${u.token}` } })),
      maxRequests: s.launch.staff.length,
      // A rush queues: an answer is late, not lost, so each booking waits up to a minute for it.
      timeoutSeconds: 60,
    });
  } finally {
    await during.stop().catch(() => undefined);
  }
  const busy = await during.result;
  const roster = await fetchRetry(`${server.url}/api/sessions/${s.launch.sessionId}/bookings`, { headers: { authorization: `Bearer ${s.trainer.token}` } });
  const items = ((await roster.json()) as { items: { status: string; position: number | null }[] }).items ?? [];
  const confirmed = items.filter((b) => b.status === 'confirmed').length;
  const places = items.filter((b) => b.status === 'waitlisted').map((b) => b.position!).sort((a, b) => a - b);
  const queueOk = places.length === LAUNCH_STAFF - s.launch.capacity && places.every((p, i) => p === i + 1);
  const all201 = (rush.status['201'] ?? 0) === LAUNCH_STAFF && rush.requests === LAUNCH_STAFF;
  const listRatio = busy.p99_ms > 0 ? round(idle.p99_ms / busy.p99_ms, 2) : null;
  const checks = [
    all201 ? `all ${LAUNCH_STAFF} answered 201` : `NOT all 201: ${describeErrors(rush) ?? JSON.stringify(rush.status)}`,
    confirmed === s.launch.capacity ? `exactly ${confirmed} confirmed` : `${confirmed} confirmed, NOT ${s.launch.capacity}`,
    queueOk ? `queue places exactly 1..${places.length}` : `queue places NOT 1..${LAUNCH_STAFF - s.launch.capacity} (${places.length} places)`,
  ];
  return {
    value: round(rush.seconds, 2),
    unit: 's',
    baseline: null,
    ratio: listRatio,
    p99_ms: rush.p99_ms,
    baseline_is: `ratio = list p99 idle / list p99 during the rush (${CONNECTIONS} listing connections)`,
    database: db,
    goal: 'ratio >= 0.5 (list p99 at most twice idle)',
    goal_met: all201 && confirmed === s.launch.capacity && queueOk && listRatio !== null && listRatio >= 0.5,
    note: `${LAUNCH_STAFF} distinct staff booked one ${s.launch.capacity}-seat session in ${round(rush.seconds, 2)} s (${CONNECTIONS} connections; booking p99 ${rush.p99_ms} ms): ${checks.join('; ')}. Session list p99 ${idle.p99_ms} ms idle, ${busy.p99_ms} ms during the rush (${round(busy.rps, 0)} req/s)`,
  };
}

async function benchFeed(server: RunningServer, s: Seeded, base: Baselines, db: DbTarget['kind']): Promise<Entry> {
  const icsMs = base.icsMs();
  const entry: Omit<Entry, 'value' | 'ratio'> = {
    unit: 'ms',
    baseline: round(icsMs, 0),
    baseline_is: `ical-generator building the same ${FEED_EVENTS} events in memory (median of 3); ratio = baseline / ours`,
    database: db,
    goal: 'ratio >= 1',
  };
  if (!(await hasRoute(server, 'get', '/api/me/calendar'))) {
    return { ...entry, value: null, ratio: null, available: false, note: 'not available: GET /api/me/calendar is not in the API (calendar feeds not built yet)' };
  }
  log(`${db}: calendar feed`);
  const local = await feedUrlOf(server, s);
  if (typeof local !== 'string') return { ...entry, value: null, ratio: null, available: false, note: `not available: GET /api/me/calendar answered ${local.status}` };
  const times: number[] = [];
  let events = 0;
  let bytes = 0;
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const res = await fetchRetry(local);
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) return { ...entry, value: null, ratio: null, available: false, note: `feed answered ${res.status}: ${text.slice(0, 200)}` };
    events = text.split('BEGIN:VEVENT').length - 1;
    bytes = Buffer.byteLength(text);
    if (i > 0) times.push(ms); // the first fetch warms up
  }
  const ms = median(times);
  return { ...entry, value: round(ms, 0), ratio: round(icsMs / ms, 2), note: `${events} events (${(bytes / 1e6).toFixed(1)} MB) fetched fully over HTTP, median of 3 after a warm-up; the baseline calendar is ${(icalBaselineBytes / 1e6).toFixed(1)} MB` };
}

async function benchWebhook(server: RunningServer, cycle: NonNullable<LoadSpec['cycle']>, base: Baselines, db: DbTarget['kind'], floorUrl: string): Promise<Record<string, Entry>> {
  const entry: Omit<Entry, 'value' | 'ratio' | 'baseline'> = {
    unit: 'req/s',
    baseline_is: `hello-world POST, ${CONNECTIONS} connections`,
    database: db,
    goal: 'ratio >= 0.25',
  };
  if (!(await hasRoute(server, 'post', '/api/livekit/webhook'))) {
    return { webhook: { ...entry, value: null, baseline: null, ratio: null, available: false, note: 'not available: POST /api/livekit/webhook is not in the API (LiveKit webhooks not built yet)' } };
  }
  log(`${db}: webhooks, alternating with their floor`);
  const b = await base.post();
  const { ours: r, floor, ratios } = await alternateWithFloor(server, floorUrl, { method: 'POST', path: '/api/livekit/webhook', headers: { 'content-type': 'application/webhook+json' } }, cycle);
  // As for booking: every event answered 200 on both sides, or the entry failed (and is tried
  // again with events never sent: bench/webhooks.ts).
  for (const [side, x] of [['webhook', r], ['webhook_floor', floor]] as const) {
    const wrong = describeErrors(x);
    if (wrong) throw new Error(`${side}: not every event was taken (${wrong})`);
  }
  const webhook = rateEntry(r, b, { ...entry, note: `${r.requests} distinct signed participant_joined/participant_left events, each stored once` });
  pairRatios.set(webhook, ratios);
  return {
    webhook,
    webhook_floor: rateEntry(floor, b, {
      baseline_is: `hello-world POST, ${CONNECTIONS} connections`,
      database: db,
      note: `the same signed events, each checked by livekit-server-sdk's WebhookReceiver and recorded once, group-committed (bench/floor.ts): no presence intervals or attendance. The service does all of this and more, so its ratio stays below this one`,
    }),
  };
}

/** Per entry measured against its floor: ours / floor in each round, in the order run. */
const pairRatios = new WeakMap<Entry, number[]>();
/**
 * Rounds of an alternation: each runs the compared loads one after the other, each load for
 * ROUND_SECONDS. Five, not three: on these shared machines one entry's rounds spread from
 * 0.46 to 0.60 of the floor within a minute, and the median of three moved with any one of
 * them; the median of five is steadier, and no higher or lower on average.
 */
const ROUNDS = 5;
const ROUND_SECONDS = SECONDS / 3;

/**
 * Runs the loads in turn, ROUNDS times over, so that loads compared with each other are
 * measured seconds apart rather than minutes: each load's results, round by round.
 */
async function alternate(loads: (() => Promise<LoadResult>)[]): Promise<LoadResult[][]> {
  const runs = loads.map((): LoadResult[] => []);
  for (let round = 0; round < ROUNDS; round++) for (const [i, run] of loads.entries()) runs[i]!.push(await run());
  return runs;
}

/** `a`'s rate over `b`'s, round by round. */
const roundRatios = (a: LoadResult[], b: LoadResult[]) => a.map((r, i) => r.rps / b[i]!.rps);

/**
 * Our load and the floor's (bench/floor.ts, on its own copy of the database), alternated
 * ROUNDS times over the same cycle, each load ROUND_SECONDS at a time. Run
 * one after the other, the two rates were minutes apart on a shared machine, and their
 * ratio moved by 2x between runs of the same code (webhook 0.36 and 0.87); each pair here
 * is measured seconds apart, and the ratio taken is the median pair's. Each side goes on
 * where its last round stopped, so no request repeats.
 */
async function alternateWithFloor(server: RunningServer, floorUrl: string, spec: Pick<LoadSpec, 'method' | 'path' | 'headers' | 'body'>, cycle: NonNullable<LoadSpec['cycle']>): Promise<{ ours: LoadResult; floor: LoadResult; ratios: number[] }> {
  return withFloor(floorUrl, async (floorServerUrl) => {
    // Each side goes on through the cycle from where its last round stopped.
    // A round may take at most its share of what is left of the cycle, so that a side faster
    // than the cycle was sized for ends its rounds early (its rate is over the seconds it ran)
    // instead of running out before the last one (the load generator then had no request to send).
    const side = (url: string) => {
      let at = 0;
      let round = 0;
      return async () => {
        const share = Math.floor((cycle.length - at) / (ROUNDS - round++));
        if (share < CONNECTIONS * 2) throw new Error(`the load's ${cycle.length} distinct requests ran out after ${at} (seed more: BOOKERS, WEBHOOK_EVENTS)`);
        const r = await load({ ...spec, url, connections: CONNECTIONS, durationSeconds: ROUND_SECONDS, cycle: cycle.slice(at, at + share), maxRequests: share });
        at += r.sent;
        return r;
      };
    };
    const [ours, floors] = (await alternate([side(server.url), side(floorServerUrl)])) as [LoadResult[], LoadResult[]];
    return { ours: combined(ours), floor: combined(floors), ratios: roundRatios(ours, floors) };
  });
}

/** Loads run one after another, as one: their requests over their seconds; the worst p99. */
function combined(rs: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => rs.reduce((n, r) => n + f(r), 0);
  const status: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.status)) status[k] = (status[k] ?? 0) + v;
  const seconds = sum((r) => r.seconds);
  return {
    requests: sum((r) => r.requests),
    rps: sum((r) => r.requests) / seconds,
    p50_ms: median(rs.map((r) => r.p50_ms)),
    p99_ms: Math.max(...rs.map((r) => r.p99_ms)),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    status,
    seconds,
    sent: sum((r) => r.sent),
  };
}

/** A copy of the seeded database: a file copy, or a PostgreSQL database made from it as a template. */
async function copyDatabase(target: DbTarget): Promise<{ url: string; drop: () => Promise<void> }> {
  if (target.kind === 'sqlite') {
    const file = path.join(tmp, 'floor.db');
    copyFileSync(target.url.slice('sqlite:'.length), file);
    return { url: `sqlite:${file}`, drop: async () => rmSync(file, { force: true }) };
  }
  const copy = await createPgDatabase(new URL(target.url).pathname.slice(1));
  if ('skip' in copy) throw new Error(copy.skip);
  return copy;
}

/** Runs `work` against the floor server on the database at `databaseUrl`, then stops it. */
async function withFloor<T>(databaseUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const floor = await startServer(FLOOR, { DATABASE_URL: databaseUrl, LIVEKIT_API_KEY: LIVEKIT.key, LIVEKIT_API_SECRET: LIVEKIT.secret });
  try {
    return await work(floor.url);
  } finally {
    await floor.stop();
  }
}

function table(entries: Record<string, Entry>): string {
  const rows = [['entry', 'db', 'ours', 'baseline', 'ratio', 'p99 ms', 'goal']];
  for (const [name, e] of Object.entries(entries)) {
    const key = name.replace(/_postgres$/, '');
    rows.push([
      key,
      e.database,
      e.value === null ? 'n/a' : `${e.value} ${e.unit}`,
      e.baseline === null ? 'n/a' : `${e.baseline} ${e.unit}`,
      e.ratio === null ? 'n/a' : String(e.ratio),
      e.p99_ms === undefined ? '' : String(e.p99_ms),
      e.goal ? `${e.goal}${e.goal_met === undefined ? '' : e.goal_met ? ' (met)' : ' (not met)'}` : '',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main() {
  const began = performance.now();
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${SECONDS} s per load`);
  const base = await Baselines.start();
  const { list, pgSkip } = await targets();
  const results: Record<string, Entry> = {};
  try {
    for (const target of list) {
      try {
        const entries = await benchDatabase(target, base);
        for (const [k, v] of Object.entries(entries)) results[target.kind === 'sqlite' ? k : `${k}_postgres`] = v;
      } catch (e) {
        // (seeding or starting the server failed: the other database still runs)
        log(`${target.kind}: failed: ${(e as Error).message}`);
        results[target.kind === 'sqlite' ? 'database' : 'database_postgres'] = { value: null, unit: '', baseline: null, ratio: null, baseline_is: '', database: target.kind, available: false, note: `failed: ${(e as Error).message.split('\n')[0]}` };
      } finally {
        await target.drop();
      }
    }
  } finally {
    await base.stop();
  }
  for (const e of Object.values(results)) {
    if (!e.goal || e.ratio === null || e.goal_met !== undefined) continue;
    const min = Number(/ratio >= ([\d.]+)/.exec(e.goal)?.[1] ?? 0);
    const p99 = /p99 <= (\d+) ms/.exec(e.goal)?.[1];
    e.goal_met = e.ratio >= min && (p99 === undefined || (e.p99_ms ?? Infinity) <= Number(p99));
  }
  writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nSEND Live Training benchmarks: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${SECONDS} s per load`);
  console.log('Ratios, not absolute numbers, are the comparable figures (ours / baseline for rates; baseline / ours for times).\n');
  console.log(table(results));
  if (pgSkip) console.log(`\nPostgreSQL skipped: ${pgSkip}`);
  for (const [k, e] of Object.entries(results)) if (e.note) console.log(`- ${k}: ${e.note}`);
  console.log(`\nwrote bench/results.json in ${round((performance.now() - began) / 1000, 0)} s`);
  // BENCH_SCALE=1: how each cost grows with its input as well (bench/growth.ts; `npm run bench:growth` runs only that).
  if (process.env.BENCH_SCALE === '1') {
    const { runGrowth } = await import('./growth.js');
    await runGrowth();
  }
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
