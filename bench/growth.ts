/**
 * How cost grows (issue 17 point 5): `npm run bench:growth`, or `BENCH_SCALE=1 npm run bench`.
 *
 * For each operation and each input size it seeds a fresh database straight (SQLite file;
 * PostgreSQL too with BENCH_POSTGRES=1), builds the app in this process, warms the request
 * path up, then runs it a few times through `app.request()` and takes the CPU time of this
 * process per operation (`process.cpuUsage`, which counts the timetable parser's worker
 * threads too; on PostgreSQL it does not count the database server's own work, so wall
 * time is given beside it, and judged too). CPU time moves far less than wall time with a shared machine's
 * other load. It then says, from the smallest to the largest size, whether the cost stayed
 * flat, grew in step with the input (linear), or grew faster (worse than linear).
 *
 * Prints a markdown table and writes bench/growth-results.json (not committed).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, openDatabase, type Db } from '../db/connect.js';
import type { Database, Role } from '../db/schema.js';
import { createApp } from '../server/app.js';
import { hashToken } from '../server/accounts/service.js';
import { defaultConfig, type Deps } from '../server/platform/deps.js';
import { deliverDue } from '../server/notifications/delivery.js';
import { runJobsOnce } from '../server/jobs.js';
import { closeParsePool } from '../server/timetables/parsing.js';
import { identityOf, roomNameOf } from '../shared/live.js';
import { bookingEndsAt } from '../shared/sessions.js';
import { createPgDatabase } from '../test/helpers.js';
import { signedWebhook, TEST_LK } from '../test/livekit-standin.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg: string) => process.stderr.write(`[growth] ${msg}\n`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Above this, from the smallest size to the largest, a cost is not flat, or its cost per unit is not constant. */
const GROWTH_LIMIT = 1.5;
const DAY = 86_400_000;

type App = ReturnType<typeof createApp>;
type Request = () => Response | Promise<Response>;

interface Prepared {
  /** One operation; answers the response (its body already read). */
  run: Request;
  /** Another input for the next run, for operations that cannot be repeated on the same input (imports); not timed. */
  next?: () => unknown;
  /** What the response should say. */
  status: number;
  /** Checks the response body; a string is a problem. */
  check?: (body: string) => string | null | Promise<string | null>;
}

interface Case {
  op: string;
  /** What a size counts, and how many of them make one unit of the per-unit cost. */
  unit: string;
  perUnit: number;
  /** 'flat' when the cost should not depend on the size at all. */
  expect: 'flat' | 'linear';
  sizes: number[];
  reps: (size: number) => number;
  warm: (size: number) => number;
  setup: (db: Kysely<Database>, app: App, size: number, deps: Deps) => Promise<Prepared>;
  /** Settings the operation needs beyond the defaults. */
  config?: Partial<Deps['config']>;
}

interface Point {
  size: number;
  reps: number;
  cpu_ms: number;
  wall_ms: number;
  /** CPU ms per `perUnit` of input (null at size 0). */
  cpu_ms_per_unit: number | null;
  seed_s: number;
}

interface Row {
  op: string;
  database: 'sqlite' | 'postgres';
  unit: string;
  per_unit: number;
  expect: 'flat' | 'linear';
  points: Point[];
  /** Largest / smallest CPU ms per operation. */
  cost_growth: number | null;
  /** Largest / smallest (non-zero) size's CPU ms per unit. */
  per_unit_growth: number | null;
  verdict: 'flat' | 'linear' | 'worse than linear' | 'failed';
  /** The verdict (and the growth figures) are the wall time's, worse than the CPU time's (PostgreSQL). */
  by_wall?: boolean;
  note?: string;
}

// ---------------------------------------------------------------- seeding

async function insertChunked<T extends keyof Database>(db: Kysely<Database>, table: T, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return;
  // Under both databases' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535).
  const size = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size) as never).execute();
}

const NOW = new Date().toISOString();

function org(name: string, settings: Record<string, unknown> = {}) {
  return { id: randomUUID(), name, urn: null, parent_id: null, time_zone: 'Europe/London', settings: JSON.stringify(settings), created_at: NOW };
}

function user(role: Role, label: string, orgId: string | null) {
  return { id: randomUUID(), email: `${label}@growth.example.org`, name: label, role, org_id: orgId, password_hash: null, captioner: 0, time_zone: null, created_at: NOW, disabled_at: null };
}

/** A bearer token for a person (an auth_sessions row). */
async function tokenFor(db: Kysely<Database>, userId: string): Promise<{ authorization: string }> {
  const token = randomBytes(32).toString('base64url');
  await db.insertInto('auth_sessions').values({ id: randomUUID(), token_hash: hashToken(token), user_id: userId, csrf_token: randomBytes(24).toString('base64url'), created_at: NOW, expires_at: '2999-01-01T00:00:00.000Z', revoked_at: null } as never).execute();
  return { authorization: `Bearer ${token}` };
}

function session(title: string, startsAt: Date, createdBy: string, counts: Partial<Record<'confirmed_online' | 'waiting_online', number>> = {}, minutes = 90) {
  return {
    id: randomUUID(),
    course_id: null,
    title,
    description: 'Strategies for supporting pupils with SEND in mainstream classrooms.',
    mode: 'online',
    starts_at: startsAt.toISOString(),
    ends_at: new Date(startsAt.getTime() + minutes * 60_000).toISOString(),
    time_zone: 'Europe/London',
    venue: null,
    capacity_in_person: 0,
    capacity_online: 30,
    status: 'scheduled',
    booking_closes_at: null,
    waitlist_policy: 'auto',
    offer_hold_minutes: 1440,
    holds_release_at: null,
    room_kind: 'webinar',
    attendance_threshold: 0.75,
    booking_ends_at: bookingEndsAt({ endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString(), bookingClosesAt: null }),
    join_opens_minutes: 15,
    revision: 0,
    created_by: createdBy,
    created_at: NOW,
    updated_at: NOW,
    confirmed_in_person: 0,
    offered_in_person: 0,
    waiting_in_person: 0,
    confirmed_online: counts.confirmed_online ?? 0,
    offered_online: 0,
    waiting_online: counts.waiting_online ?? 0,
    // Every seed booking of a session is counted here and numbered 1..n.
    last_queue_seq: (counts.confirmed_online ?? 0) + (counts.waiting_online ?? 0),
  };
}

function booking(sessionId: string, userId: string, status: 'confirmed' | 'waitlisted', queueSeq: number) {
  return { id: randomUUID(), session_id: sessionId, user_id: userId, seat: 'online', status, queue_seq: queueSeq, hold_org_id: null, offer_expires_at: null, booked_by: null, revision: 0, created_at: NOW, updated_at: NOW, cancelled_at: null };
}

/** 09:00 UTC on the Monday at least `weeksAhead` weeks from now. */
function mondayAhead(weeksAhead: number): Date {
  const d = new Date(Date.now() + weeksAhead * 7 * DAY);
  d.setUTCHours(9, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setTime(d.getTime() + DAY);
  return d;
}

// ---------------------------------------------------------------- the operations

const LIST_SESSIONS = 50;

/** GET /api/sessions?from&to&limit=50 over 50 sessions of `size` bookings each. */
const sessionList: Case = {
  op: 'session list (page of 50)',
  unit: 'bookings per session',
  perUnit: 1_000,
  expect: 'flat',
  sizes: [0, 500, 10_000],
  reps: () => 200,
  warm: () => 100,
  async setup(db, app, size) {
    const o = org('Growth Academy');
    await insertChunked(db, 'organisations', [o]);
    const trainer = user('trainer', 'trainer', null);
    const people = Array.from({ length: Math.max(size, 1) }, (_, i) => user('staff', `staff${i}`, o.id));
    await insertChunked(db, 'users', [trainer, ...people]);
    const from = mondayAhead(4);
    const sessions = Array.from({ length: LIST_SESSIONS }, (_, i) => session(`List session ${i}`, new Date(from.getTime() + i * 3_600_000), trainer.id, { confirmed_online: Math.min(size, 30), waiting_online: Math.max(0, size - 30) }));
    await insertChunked(db, 'sessions', sessions);
    await insertChunked(db, 'session_trainers', sessions.map((s) => ({ session_id: s.id, user_id: trainer.id })));
    // Every person books every listed session (30 seats, the rest queued): made by the database
    // itself, as 500,000 rows sent from here take minutes.
    await sql`insert into bookings (id, session_id, user_id, seat, status, queue_seq, hold_org_id, offer_expires_at, booked_by, revision, created_at, updated_at, cancelled_at)
      select s.id || ':' || u.id, s.id, u.id, 'online', case when u.n <= 30 then 'confirmed' else 'waitlisted' end, u.n, null, null, null, 0, ${NOW}, ${NOW}, null
      from sessions s cross join (select id, row_number() over (order by id) as n from users where org_id = ${o.id} and role = 'staff' limit ${size}) u
      where s.title like 'List session %'`.execute(db);
    const [{ n }] = (await sql<{ n: number }>`select count(*) as n from bookings`.execute(db)).rows as [{ n: number }];
    if (Number(n) !== size * LIST_SESSIONS) throw new Error(`seeded ${n} bookings, not ${size * LIST_SESSIONS}`);
    const headers = await tokenFor(db, people[0]!.id);
    const p = `/api/sessions?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(new Date(from.getTime() + LIST_SESSIONS * 3_600_000).toISOString())}&limit=50`;
    return {
      run: () => app.request(p, { headers }),
      status: 200,
      check: (body) => {
        const items = (JSON.parse(body) as { items: unknown[] }).items;
        return items.length === LIST_SESSIONS ? null : `listed ${items.length} sessions, not ${LIST_SESSIONS}`;
      },
    };
  },
};

/** The private calendar feed (ICS) of one person with `size` booked sessions, fetched in full. */
const calendarFeed: Case = {
  op: 'calendar feed (full fetch)',
  unit: 'events',
  perUnit: 1_000,
  expect: 'linear',
  sizes: [1_000, 10_000, 50_000],
  reps: (n) => (n >= 50_000 ? 3 : n >= 10_000 ? 5 : 20),
  warm: (n) => (n >= 10_000 ? 1 : 5),
  async setup(db, app, size) {
    const o = org('Growth Academy');
    await insertChunked(db, 'organisations', [o]);
    const trainer = user('trainer', 'trainer', null);
    const person = user('staff', 'feed', o.id);
    await insertChunked(db, 'users', [trainer, person]);
    const start = mondayAhead(4);
    const sessions = Array.from({ length: size }, (_, i) => session(`Feed session ${i}`, new Date(start.getTime() + i * 5 * 3_600_000), trainer.id, { confirmed_online: 1 }));
    await insertChunked(db, 'sessions', sessions);
    await insertChunked(db, 'session_trainers', sessions.map((s) => ({ session_id: s.id, user_id: trainer.id })));
    await insertChunked(db, 'bookings', sessions.map((s) => ({ ...booking(s.id, person.id, 'confirmed', 1), booked_by: person.id })));
    const me = await app.request('/api/me/calendar', { headers: await tokenFor(db, person.id) });
    if (me.status !== 200) throw new Error(`GET /api/me/calendar answered ${me.status}`);
    const feed = new URL(((await me.json()) as { url: string }).url);
    const p = feed.pathname + feed.search;
    return {
      run: () => app.request(p),
      status: 200,
      check: (body) => {
        const events = body.split('BEGIN:VEVENT').length - 1;
        return events === size ? null : `the feed held ${events} events, not ${size}`;
      },
    };
  },
};

/**
 * GET /api/orgs/:id/cover over four weeks for an organisation of `size` staff, each with a
 * weekly timetable (five lessons a day, Monday to Friday) and four online bookings in those
 * weeks that each overlap a lesson.
 */
const BOOKINGS_PER_STAFF = 4;
const coverReport: Case = {
  op: 'cover report (4 weeks)',
  unit: 'staff with timetables',
  perUnit: 100,
  expect: 'linear',
  sizes: [100, 500, 2_000],
  reps: (n) => (n >= 2_000 ? 3 : n >= 500 ? 5 : 15),
  warm: (n) => (n >= 2_000 ? 1 : 3),
  async setup(db, app, size) {
    const o = org('Growth Trust', { travelBufferMinutes: 30 });
    await insertChunked(db, 'organisations', [o]);
    const trainer = user('trainer', 'trainer', null);
    const office = user('office', 'office', o.id);
    const staff = Array.from({ length: size }, (_, i) => user('staff', `staff${i}`, o.id));
    await insertChunked(db, 'users', [trainer, office, ...staff]);
    await insertChunked(db, 'timetables', staff.map((u) => ({ user_id: u.id, source: 'csv', time_zone: 'Europe/London', subscription_url: null, last_fetched_at: null, last_error: null, next_fetch_at: null, locked_until: null, updated_by: null, updated_at: NOW })));
    const lessons = [['08:50', '09:50'], ['09:50', '10:50'], ['11:10', '12:10'], ['13:00', '14:00'], ['14:00', '15:00']] as const;
    const empty = { starts_at: null, ends_at: null, date_from: null, date_to: null, week: null };
    await insertChunked(db, 'timetable_periods', staff.flatMap((u) => [1, 2, 3, 4, 5].flatMap((day) => lessons.map(([start_time, end_time], k) => ({ ...empty, id: randomUUID(), user_id: u.id, kind: 'weekly', label: `Lesson ${k + 1}`, day, start_time, end_time })))));
    // Sessions at 10:00 and 13:30 on each weekday of the four weeks; each person books four of them.
    const from = mondayAhead(2);
    const slots: Date[] = [];
    for (let d = 0; d < 28; d++) {
      const day = new Date(from.getTime() + d * DAY);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      for (const hour of [10, 13]) slots.push(new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, 30)));
    }
    const sessions = slots.map((at, i) => session(`Cover session ${i}`, at, trainer.id, {}, 60));
    await insertChunked(db, 'sessions', sessions);
    await insertChunked(db, 'session_trainers', sessions.map((s) => ({ session_id: s.id, user_id: trainer.id })));
    const seq = new Map<string, number>();
    const rows = staff.flatMap((u, i) =>
      Array.from({ length: BOOKINGS_PER_STAFF }, (_, k) => {
        const s = sessions[(i + k * 7) % sessions.length]!;
        seq.set(s.id, (seq.get(s.id) ?? 0) + 1);
        return booking(s.id, u.id, 'confirmed', seq.get(s.id)!);
      }),
    );
    // Seats enough for everyone who booked, and the stored counts to match.
    for (const s of sessions) await db.updateTable('sessions').set({ capacity_online: Math.max(30, seq.get(s.id) ?? 0), confirmed_online: seq.get(s.id) ?? 0, last_queue_seq: seq.get(s.id) ?? 0 }).where('id', '=', s.id).execute();
    await insertChunked(db, 'bookings', rows);
    const headers = await tokenFor(db, office.id);
    const p = `/api/orgs/${o.id}/cover?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(new Date(from.getTime() + 28 * DAY).toISOString())}`;
    const want = size * BOOKINGS_PER_STAFF;
    return {
      run: () => app.request(p, { headers }),
      status: 200,
      check: (body) => {
        const items = (JSON.parse(body) as { items: unknown[] }).items;
        return items.length === want ? null : `the report listed ${items.length} bookings, not ${want}`;
      },
    };
  },
};

/**
 * GET /api/sessions/:id/roster as a school's office (Book staff): a school of `size` staff,
 * every one with a place on the session (30 seats, the rest queued) and a timetable. One row
 * per person, so it grows with the school, never worse.
 */
const roster: Case = {
  op: 'office roster (Book staff)',
  unit: 'staff in the school',
  perUnit: 100,
  expect: 'linear',
  sizes: [100, 500, 2_000],
  reps: (n) => (n >= 2_000 ? 5 : n >= 500 ? 10 : 30),
  warm: (n) => (n >= 2_000 ? 1 : 3),
  async setup(db, app, size) {
    const o = org('Growth School');
    await insertChunked(db, 'organisations', [o]);
    const trainer = user('trainer', 'trainer', null);
    const office = user('office', 'office', o.id);
    const staff = Array.from({ length: size }, (_, i) => user('staff', `staff${i}`, o.id));
    await insertChunked(db, 'users', [trainer, office, ...staff]);
    await insertChunked(db, 'timetables', staff.map((u) => ({ user_id: u.id, source: 'csv', time_zone: 'Europe/London', subscription_url: null, last_fetched_at: null, last_error: null, next_fetch_at: null, locked_until: null, updated_by: null, updated_at: NOW })));
    const empty = { starts_at: null, ends_at: null, date_from: null, date_to: null, week: null };
    await insertChunked(db, 'timetable_periods', staff.flatMap((u) => [1, 2, 3, 4, 5].map((day) => ({ ...empty, id: randomUUID(), user_id: u.id, kind: 'weekly', label: 'Lesson 3', day, start_time: '11:10', end_time: '12:10' }))));
    const s = session('Roster session', new Date(mondayAhead(2).getTime() + 2 * 3_600_000), trainer.id, { confirmed_online: Math.min(size, 30), waiting_online: Math.max(0, size - 30) });
    await insertChunked(db, 'sessions', [s]);
    await insertChunked(db, 'session_trainers', [{ session_id: s.id, user_id: trainer.id }]);
    await insertChunked(db, 'bookings', staff.map((u, i) => booking(s.id, u.id, i < 30 ? 'confirmed' : 'waitlisted', i + 1)));
    await db.updateTable('sessions').set({ last_queue_seq: size }).where('id', '=', s.id).execute();
    const headers = await tokenFor(db, office.id);
    return {
      run: () => app.request(`/api/sessions/${s.id}/roster?orgId=${o.id}`, { headers }),
      status: 200,
      check: (body) => {
        // Everyone in the school: its staff and the office itself (who has no place and no timetable).
        const items = (JSON.parse(body) as { items: { role: string; booking: unknown; clashes: unknown[] }[] }).items.filter((i) => i.role === 'staff');
        if (items.length !== size) return `the roster listed ${items.length} staff, not ${size}`;
        if (items.some((i) => !i.booking)) return 'someone booked was listed without their place';
        return items.every((i) => i.clashes.length === 1) ? null : 'not everyone’s clash with Lesson 3 was found';
      },
    };
  },
};

/**
 * GET /api/reach/coverage as an administrator (the whole programme, its first page of 50
 * organisations): `size` staff in schools of 50 (a trust over every ten schools), each
 * booked on two of 40 past sessions, one attended. The figures are counted over every
 * person, so it grows with the workforce, never worse.
 */
const coverage: Case = {
  op: 'training coverage (programme)',
  unit: 'staff',
  perUnit: 10_000,
  expect: 'linear',
  sizes: [5_000, 20_000, 80_000],
  reps: (n) => (n >= 80_000 ? 3 : n >= 20_000 ? 5 : 10),
  warm: () => 1,
  async setup(db, app, size) {
    const schools = Math.ceil(size / 50);
    const trusts = Array.from({ length: Math.ceil(schools / 10) }, (_, i) => ({ ...org(`Trust ${i}`), kind: 'trust' }));
    const orgs = Array.from({ length: schools }, (_, i) => ({ ...org(`School ${i}`), kind: 'school', urn: String(100000 + i), parent_id: trusts[Math.floor(i / 10)]!.id }));
    await insertChunked(db, 'organisations', [...trusts, ...orgs]);
    const trainer = { ...user('trainer', 'trainer', null), job_role: null };
    const admin = { ...user('admin', 'admin', null), job_role: null };
    const staff = Array.from({ length: size }, (_, i) => ({ ...user('staff', `staff${i}`, orgs[Math.floor(i / 50)]!.id), job_role: i % 3 === 0 ? 'teacher' : 'teaching_assistant' }));
    await insertChunked(db, 'users', [trainer, admin, ...staff]);
    const from = new Date(Date.now() - 60 * DAY);
    const sessions = Array.from({ length: 40 }, (_, i) => session(`Past session ${i}`, new Date(from.getTime() + i * DAY), trainer.id, {}, 60));
    await insertChunked(db, 'sessions', sessions);
    // Two bookings each, the first attended, made by the database itself.
    const rows = staff.flatMap((u, i) => [0, 1].map((k) => ({ ...booking(sessions[(i + k * 13) % sessions.length]!.id, u.id, 'confirmed', i * 2 + k + 1), status: k === 0 ? 'attended' : 'confirmed' })));
    await insertChunked(db, 'bookings', rows);
    const headers = await tokenFor(db, admin.id);
    return {
      run: () => app.request('/api/reach/coverage', { headers }),
      status: 200,
      check: (body) => {
        const c = JSON.parse(body) as { totals: { staff: number; attended: number }; byOrg: unknown[]; byOrgTotal: number };
        if (c.totals.staff !== size || c.totals.attended !== size) return `counted ${c.totals.staff} staff, ${c.totals.attended} attended, not ${size}`;
        return c.byOrg.length === Math.min(50, trusts.length) ? null : `listed ${c.byOrg.length} organisations`;
      },
    };
  },
};

/** An ICS of `n` one-off lessons in the expansion window, fifteen a day from tomorrow. */
function timetableIcs(n: number, salt: string): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Growth bench//EN', 'X-WR-TIMEZONE:Europe/London'];
  const base = new Date(Date.now() + DAY);
  const stamp = (d: Date, hour: number) => `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}T${String(hour).padStart(2, '0')}0000`;
  for (let i = 0; i < n; i++) {
    const day = new Date(base.getTime() + Math.floor(i / 15) * DAY);
    const hour = 7 + (i % 15);
    lines.push('BEGIN:VEVENT', `UID:${salt}-${i}@growth`, 'DTSTAMP:20261201T000000Z', `DTSTART;TZID=Europe/London:${stamp(day, hour)}`, `DTEND;TZID=Europe/London:${stamp(day, hour + 1)}`, `SUMMARY:Lesson ${i % 15}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

/** PUT /api/me/timetable with an ICS of `size` events (the most a file may hold is 5,000). */
const timetableImport: Case = {
  op: 'timetable import (ICS)',
  unit: 'events',
  perUnit: 1_000,
  expect: 'linear',
  sizes: [100, 1_000, 5_000],
  reps: (n) => (n >= 5_000 ? 4 : n >= 1_000 ? 8 : 30),
  warm: (n) => (n >= 5_000 ? 1 : 3),
  async setup(db, app, size) {
    const o = org('Growth Academy');
    await insertChunked(db, 'organisations', [o]);
    const person = user('staff', 'teacher', o.id);
    await insertChunked(db, 'users', [person]);
    const headers = { ...(await tokenFor(db, person.id)), 'content-type': 'text/calendar' };
    // A different file each time (new UIDs), made before the clock starts.
    let body = timetableIcs(size, randomUUID().slice(0, 8));
    if (Buffer.byteLength(body) > 1024 * 1024) throw new Error(`the ICS is ${Buffer.byteLength(body)} bytes, over the 1 MiB a timetable may be`);
    return {
      run: () => app.request('/api/me/timetable', { method: 'PUT', headers, body }),
      next: () => (body = timetableIcs(size, randomUUID().slice(0, 8))),
      status: 200,
      check: (text) => ((JSON.parse(text) as { source?: string }).source === 'ics' ? null : `the timetable answered ${text.slice(0, 200)}`),
    };
  },
};

/** The most people one staff CSV may hold. */
const MAX_CSV_PEOPLE = 5_000;

/** POST /api/orgs/:id/users/import (name,email,role); over 5,000 people it takes several files. */
const staffImport: Case = {
  op: 'staff CSV import',
  unit: 'people',
  perUnit: 1_000,
  expect: 'linear',
  sizes: [100, 1_000, 10_000],
  reps: (n) => (n >= 10_000 ? 2 : n >= 1_000 ? 5 : 20),
  warm: () => 1,
  async setup(db, app, size) {
    const o = org('Growth Trust');
    await insertChunked(db, 'organisations', [o]);
    const office = user('office', 'office', o.id);
    await insertChunked(db, 'users', [office]);
    const headers = { ...(await tokenFor(db, office.id)), 'content-type': 'text/csv' };
    const files = () => {
      const salt = randomUUID().slice(0, 8);
      const out: string[] = [];
      for (let start = 0; start < size; start += MAX_CSV_PEOPLE) {
        const n = Math.min(MAX_CSV_PEOPLE, size - start);
        out.push(['name,email,role', ...Array.from({ length: n }, (_, i) => `Person ${start + i},p${start + i}-${salt}@growth.example.org,staff`)].join('\n') + '\n');
      }
      return out;
    };
    let bodies = files();
    return {
      run: async () => {
        let last: Response | null = null;
        for (const body of bodies) {
          if (last) await last.arrayBuffer();
          last = await app.request(`/api/orgs/${o.id}/users/import`, { method: 'POST', headers, body });
          if (last.status !== 201) return last;
        }
        return last!;
      },
      next: () => (bodies = files()),
      status: 201,
      check: (text) => {
        const imported = (JSON.parse(text) as { imported: number }).imported;
        return imported === Math.min(size, MAX_CSV_PEOPLE) ? null : `the last file imported ${imported} people`;
      },
    };
  },
};

/**
 * POST /api/livekit/webhook: one signed participant_joined (a new event and connection each
 * time) for a booked person, in a database of `size` sessions and `size` people. A webhook
 * names its session and person by id, so its cost should not depend on how many there are.
 */
const webhook: Case = {
  op: 'LiveKit webhook (one event)',
  unit: 'sessions and people',
  perUnit: 1_000,
  expect: 'flat',
  sizes: [1_000, 10_000, 50_000],
  reps: () => 100,
  warm: () => 30,
  config: { livekit: { url: 'ws://127.0.0.1:7880', apiKey: TEST_LK.apiKey, apiSecret: TEST_LK.apiSecret } },
  async setup(db, app, size) {
    const o = org('Growth Academy');
    await insertChunked(db, 'organisations', [o]);
    const trainer = user('trainer', 'trainer', null);
    const people = Array.from({ length: size }, (_, i) => user('staff', `staff${i}`, o.id));
    await insertChunked(db, 'users', [trainer, ...people]);
    const start = new Date(Date.now() - 10 * 60_000); // live now
    const sessions = Array.from({ length: size }, (_, i) => session(`Webhook session ${i}`, new Date(start.getTime() + i * 60_000), trainer.id, i === 0 ? { confirmed_online: 1 } : {}));
    await insertChunked(db, 'sessions', sessions);
    const live = sessions[0]!;
    const person = people[0]!;
    await insertChunked(db, 'bookings', [booking(live.id, person.id, 'confirmed', 1)]);
    let n = 0;
    const event = () => {
      n++;
      const at = Math.floor(Date.now() / 1000);
      return signedWebhook({
        event: 'participant_joined',
        id: `EV_growth_${n}`,
        createdAt: BigInt(at),
        room: { sid: 'RM_growth', name: roomNameOf(live.id) },
        participant: { sid: `PA_growth_${n}`, identity: identityOf(person.id), name: 'growth', joinedAt: BigInt(at) },
      } as never);
    };
    let next = await event();
    return {
      run: () => app.request('/api/livekit/webhook', { method: 'POST', headers: next.headers, body: next.body }),
      next: async () => (next = await event()),
      status: 200,
      check: (text) => ((JSON.parse(text) as { duplicate?: boolean }).duplicate === false ? null : `the webhook answered ${text.slice(0, 200)}`),
    };
  },
};

/**
 * One pass of mail delivery (claim up to 50 due notices and file them; no mail server, so
 * they stay in the local outbox) with 1,000 notices waiting and `size` sent before them: the
 * outbox keeps every message it sent, so a pass must not read its history. The filed ones
 * are put back between runs, untimed, so each run finds the same.
 */
const MAIL_WAITING = 1_000;
const mailClaim: Case = {
  op: 'mail delivery pass (50 notices)',
  unit: 'notices sent before',
  perUnit: 1_000,
  expect: 'flat',
  sizes: [1_000, 10_000, 50_000],
  reps: () => 100,
  warm: () => 20,
  async setup(db, _app, size, deps) {
    const sent = new Date(Date.now() - DAY).toISOString();
    const due = new Date(Date.now() - 60_000).toISOString();
    // Ids are time-ordered, as the service's are: the sent ones first.
    const notice = (i: number, at: string, status: 'pending' | 'local') => ({ id: `${at}-${String(i).padStart(7, '0')}`, kind: 'booking_confirmed', to_email: `p${i}@growth.example.org`, user_id: null, booking_id: null, session_id: null, status, attempts: status === 'local' ? 1 : 0, next_attempt_at: at, created_at: at, sent_at: status === 'local' ? at : null });
    await insertChunked(db, 'outbox', Array.from({ length: size }, (_, i) => notice(i, sent, 'local')));
    await insertChunked(db, 'outbox', Array.from({ length: MAIL_WAITING }, (_, i) => notice(i, due, 'pending')));
    return {
      run: async () => {
        const r = await deliverDue(deps, null, 50);
        return new Response(JSON.stringify(r), { status: 200 });
      },
      next: () => db.updateTable('outbox').set({ status: 'pending', sent_at: null, attempts: 0 }).where('status', '=', 'local').where('created_at', '=', due).execute(),
      status: 200,
      check: (text) => ((JSON.parse(text) as { sent: number }).sent === 50 ? null : `a pass filed ${text}, not 50`),
    };
  },
};

/**
 * One pass of the background jobs (every 5 seconds in every process: sweeps, offer-expiry
 * warnings, reminders, attendance, feedback requests, mail) with `size` bookings of sessions
 * held two months ago, each with the notice that told of it, and twenty offers expiring
 * within two hours, already warned: a pass must not read the history, nor look again at
 * what it decided before.
 */
const JOB_OFFERS = 20;
const jobsPass: Case = {
  op: 'jobs pass (every 5 s)',
  unit: 'bookings held before',
  perUnit: 10_000,
  expect: 'flat',
  sizes: [1_000, 20_000, 100_000],
  reps: () => 40,
  warm: () => 5,
  async setup(db, _app, size, deps) {
    const o = org('Growth Academy');
    await insertChunked(db, 'organisations', [o]);
    const trainer = user('trainer', 'trainer', null);
    const people = Array.from({ length: 500 }, (_, i) => user('staff', `staff${i}`, o.id));
    await insertChunked(db, 'users', [trainer, ...people]);
    // The history: sessions two months ago, 500 bookings each (attended), each with its notice sent.
    const perSession = Math.min(size, 500);
    const past = Array.from({ length: Math.ceil(size / perSession) }, (_, i) => ({ ...session(`Past session ${i}`, new Date(Date.now() - 60 * DAY - i * 3_600_000), trainer.id), capacity_online: perSession, confirmed_online: perSession, last_queue_seq: perSession }));
    await insertChunked(db, 'sessions', past);
    await sql`insert into bookings (id, session_id, user_id, seat, status, queue_seq, hold_org_id, offer_expires_at, booked_by, revision, created_at, updated_at, cancelled_at)
      select s.id || ':' || u.id, s.id, u.id, 'online', 'attended', u.n, null, null, null, 0, ${NOW}, ${NOW}, null
      from sessions s cross join (select id, row_number() over (order by id) as n from users where org_id = ${o.id} and role = 'staff' limit ${perSession}) u
      where s.title like 'Past session %'`.execute(db);
    await sql`insert into outbox (id, kind, to_email, user_id, booking_id, session_id, status, attempts, next_attempt_at, created_at, sent_at)
      select 'h' || b.id, 'confirmed', 'p@growth.example.org', b.user_id, b.id, b.session_id, 'local', 1, ${NOW}, ${NOW}, ${NOW} from bookings b`.execute(db);
    // Twenty offers expiring within the next two hours on a session tomorrow (policy offer).
    const soon = { ...session('Offer session', new Date(Date.now() + DAY), trainer.id), capacity_online: 0, waitlist_policy: 'offer', offered_online: JOB_OFFERS, last_queue_seq: JOB_OFFERS };
    await insertChunked(db, 'sessions', [soon]);
    const expires = new Date(Date.now() + 90 * 60_000).toISOString();
    await insertChunked(db, 'bookings', people.slice(0, JOB_OFFERS).map((u, i) => ({ ...booking(soon.id, u.id, 'confirmed', i + 1), status: 'offered', offer_expires_at: expires })));
    const [{ n }] = (await sql<{ n: number }>`select count(*) as n from bookings where status = 'attended'`.execute(db)).rows as [{ n: number }];
    if (Number(n) < size) throw new Error(`seeded ${n} past bookings, not ${size}`);
    return {
      run: async () => {
        await runJobsOnce(deps, null);
        return new Response('{}', { status: 200 });
      },
      status: 200,
      // The warm-up's first pass warned the twenty (and filed the warnings): later passes find them done.
      check: async () => {
        const [{ w }] = (await sql<{ w: number }>`select count(*) as w from outbox where kind = 'offer_expiring'`.execute(db)).rows as [{ w: number }];
        return Number(w) === JOB_OFFERS ? null : `warned ${w} offers, not ${JOB_OFFERS}`;
      },
    };
  },
};

export const CASES: Case[] = [sessionList, calendarFeed, coverReport, roster, coverage, timetableImport, staffImport, webhook, mailClaim, jobsPass];

// ---------------------------------------------------------------- measuring

interface Target {
  kind: 'sqlite' | 'postgres';
  open: () => Promise<{ h: Db; drop: () => Promise<void> }>;
}

function targets(tmp: string): Target[] {
  const list: Target[] = [];
  let n = 0;
  if (process.env.BENCH_SQLITE !== '0') {
    list.push({
      kind: 'sqlite',
      open: async () => {
        const file = path.join(tmp, `growth-${n++}.db`);
        return { h: openDatabase(`sqlite:${file}`), drop: async () => ['', '-wal', '-shm'].forEach((x) => rmSync(file + x, { force: true })) };
      },
    });
  }
  // PostgreSQL only when asked: the in-process CPU time leaves out the database server's.
  if (process.env.BENCH_POSTGRES === '1') {
    list.push({
      kind: 'postgres',
      open: async () => {
        const pg = await createPgDatabase();
        if ('skip' in pg) throw new Error(pg.skip);
        return { h: openDatabase(pg.url), drop: pg.drop };
      },
    });
  }
  return list;
}

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Deps['logger'];

async function measure(target: Target, c: Case, size: number): Promise<Point> {
  const { h, drop } = await target.open();
  try {
    await migrateToLatest(h.db);
    const deps: Deps = { db: h.db, dbKind: h.kind, now: () => new Date(), config: { ...defaultConfig({ publicUrl: 'http://localhost:3000' }), ...c.config }, logger: quiet };
    const app = createApp(deps);
    const s0 = performance.now();
    const p = await c.setup(h.db, app, size, deps);
    await sql`analyze`.execute(h.db);
    // The seeding's write-ahead log is copied back now, not by the first runs' commits.
    if (h.kind === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(h.db);
    const seedS = (performance.now() - s0) / 1000;
    const once = async () => {
      const r = await p.run();
      const body = await r.text();
      if (r.status !== p.status) throw new Error(`answered ${r.status}, not ${p.status}: ${body.slice(0, 300)}`);
      return body;
    };
    const warm = c.warm(size);
    for (let i = 0; i < warm; i++) {
      const body = await once();
      if (i === 0) {
        const problem = await p.check?.(body);
        if (problem) throw new Error(problem);
      }
      await p.next?.();
    }
    const reps = c.reps(size);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await once();
      const used = process.cpuUsage(c0);
      wall.push(performance.now() - t0);
      cpu.push((used.user + used.system) / 1000);
      await p.next?.();
    }
    // The median of the repetitions: a garbage collection or a neighbour's burst moves one, not all.
    const cpuMs = median(cpu);
    return { size, reps, cpu_ms: round(cpuMs, 3), wall_ms: round(median(wall), 3), cpu_ms_per_unit: size > 0 ? round((cpuMs / size) * c.perUnit, 3) : null, seed_s: round(seedS, 1) };
  } finally {
    await h.close();
    await drop();
  }
}

type Verdict = Row['verdict'];
const ORDER: Verdict[] = ['flat', 'linear', 'worse than linear'];

/** Flat, linear or worse, from one cost per point (CPU or wall ms per operation). */
function judge(points: Point[], cost: (p: Point) => number): { growth: number; perUnit: number | null; verdict: Verdict } {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const growth = round(cost(last) / cost(first), 2);
  const perUnit = (p: Point) => (p.size > 0 ? cost(p) / p.size : null);
  const firstUnit = points.find((x) => x.size > 0);
  const perUnitGrowth = firstUnit && last.size > 0 && firstUnit !== last ? round(perUnit(last)! / perUnit(firstUnit)!, 2) : null;
  const verdict: Verdict = growth <= GROWTH_LIMIT ? 'flat' : perUnitGrowth !== null && perUnitGrowth <= GROWTH_LIMIT ? 'linear' : 'worse than linear';
  return { growth, perUnit: perUnitGrowth, verdict };
}

/**
 * The verdict from the CPU time of this process; on PostgreSQL also from the wall time,
 * which is where the database server's own work shows (a query reading more rows as a
 * table grows costs this process nothing), and the worse of the two counts.
 */
export function verdictOf(database: Row['database'], points: Point[]): Pick<Row, 'cost_growth' | 'per_unit_growth' | 'verdict' | 'by_wall'> {
  const cpu = judge(points, (p) => p.cpu_ms);
  const wall = database === 'postgres' ? judge(points, (p) => p.wall_ms) : null;
  if (wall && ORDER.indexOf(wall.verdict) > ORDER.indexOf(cpu.verdict)) return { cost_growth: wall.growth, per_unit_growth: wall.perUnit, verdict: wall.verdict, by_wall: true };
  return { cost_growth: cpu.growth, per_unit_growth: cpu.perUnit, verdict: cpu.verdict };
}

const fmt = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: n >= 100 ? 0 : n >= 10 ? 1 : 2 });

export function growthTable(rows: Row[]): string {
  const out = ['| operation | db | input | CPU ms per operation | CPU ms per unit | cost growth, smallest to largest | verdict | wall ms per operation |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const sizes = r.points.map((p) => fmt(p.size)).join(' / ');
    const cpu = r.points.map((p) => fmt(p.cpu_ms)).join(' / ');
    const unit = r.points.map((p) => (p.cpu_ms_per_unit === null ? '–' : fmt(p.cpu_ms_per_unit))).join(' / ');
    const growth = r.cost_growth === null ? '' : `${r.cost_growth}x cost${r.per_unit_growth === null ? '' : `, ${r.per_unit_growth}x per unit`}`;
    out.push(`| ${r.op} | ${r.database} | ${sizes} ${r.unit} | ${cpu} | ${unit} (per ${fmt(r.per_unit)}) | ${growth}${r.by_wall ? ' (wall time)' : ''} | ${r.verdict}${r.verdict === 'worse than linear' ? ' (**fix**)' : r.expect === 'flat' && r.verdict !== 'flat' ? ' (expected flat)' : ''} | ${r.points.map((p) => fmt(p.wall_ms)).join(' / ')} |`);
  }
  return out.join('\n');
}

export async function runGrowth(): Promise<Row[]> {
  const began = performance.now();
  // GROWTH_ONLY=cover,feed: only the operations whose names begin so.
  const only = process.env.GROWTH_ONLY ? process.env.GROWTH_ONLY.split(',').map((x) => x.trim()) : null;
  const cases = CASES.filter((c) => !only || only.some((o) => c.op.startsWith(o)));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'send-growth-'));
  const rows: Row[] = [];
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  try {
    for (const target of targets(tmp)) {
      for (const c of cases) {
        const points: Point[] = [];
        try {
          // GROWTH_SIZES=50000: only those sizes (for profiling one of them; no verdict from one).
          const sizes = process.env.GROWTH_SIZES ? c.sizes.filter((n) => process.env.GROWTH_SIZES!.split(',').map(Number).includes(n)) : c.sizes;
          for (const size of sizes) {
            log(`${target.kind}: ${c.op}, ${size} ${c.unit}`);
            const p = await measure(target, c, size);
            log(`  ${p.cpu_ms} CPU ms (${p.wall_ms} wall ms) per operation, median of ${p.reps}; seeded in ${p.seed_s} s`);
            points.push(p);
          }
          rows.push({ op: c.op, database: target.kind, unit: c.unit, per_unit: c.perUnit, expect: c.expect, points, ...verdictOf(target.kind, points) });
        } catch (e) {
          const message = (e as Error).message.split('\n')[0]!.slice(0, 300);
          log(`${target.kind}: ${c.op} failed: ${message}`);
          rows.push({ op: c.op, database: target.kind, unit: c.unit, per_unit: c.perUnit, expect: c.expect, points, cost_growth: null, per_unit_growth: null, verdict: 'failed', note: message });
        }
      }
    }
  } finally {
    await closeParsePool();
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(path.join(ROOT, 'bench/growth-results.json'), JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? null, node: process.version, loadavg_at_end: os.loadavg() }, rows }, null, 2) + '\n');
  console.log(`\nHow cost grows: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; CPU time of this process per operation through app.request(), median of the repetitions`);
  console.log(`Verdict: flat when the cost grew at most ${GROWTH_LIMIT}x from the smallest input to the largest; linear when the cost per unit did; otherwise worse than linear. On PostgreSQL the wall time is judged the same way too (the database server's work shows only there), and the worse verdict counts.\n`);
  console.log(growthTable(rows));
  for (const r of rows) if (r.note) console.log(`- ${r.op} (${r.database}): ${r.note}`);
  console.log(`\nwrote bench/growth-results.json in ${round((performance.now() - began) / 1000, 0)} s`);
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runGrowth();
  process.exit(0);
}
