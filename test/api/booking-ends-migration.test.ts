/**
 * The migration that stores when booking closes (`booking_ends_at`) fills it in for the
 * sessions already there, by the rule of its day (cut-off, or once too little was left to
 * attend enough of the session, or its end); the later one (20261216_01) sets it again by the
 * rule new sessions are written with now (CONTRACT: open until the session ends, unless it
 * sets an earlier cut-off); and a list of sessions open for booking then reads it. On the
 * database under test (SQLite, or PostgreSQL with TEST_DATABASE).
 */
import { Migrator, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { migrations } from '../../db/migrations/index.js';
import type { Database } from '../../db/schema.js';
import { bookingEndsAt } from '../../shared/sessions.js';
import { createPgDatabase, makeTestContext, usePostgres, type TestContext } from '../helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
const NAMES = ['Kestrel', 'Osprey', 'Heron', 'Plover'];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<Db> {
  if (usePostgres) {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const db = openPostgres(created.url, 3);
    cleanups.push(created.drop);
    return db;
  }
  return openSqlite(':memory:');
}

describe('migration 20261212_01_booking_ends_at', () => {
  it('fills in booking_ends_at for every existing session, more than one batch of them; the later migration sets it by the rule as it now is, and the open list uses it', async () => {
    const db = await database();
    const before = Object.keys(migrations).filter((name) => name < '20261212_01_booking_ends_at');
    const migrator = new Migrator({ db: db.db as Kysely<Database>, provider: { getMigrations: async () => Object.fromEntries(before.map((n) => [n, migrations[n]!])) } });
    const { error } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
    const now = '2026-02-01T09:00:00.000Z';
    // 1,203 sessions (more than one batch of 1,000), in four shapes.
    const shapes = [
      { threshold: 0.75, closes: null, start: '2026-02-01T08:55:00.000Z', end: '2026-02-01T10:25:00.000Z' }, // open to 09:17:30
      { threshold: 0.75, closes: null, start: '2026-02-01T08:30:00.000Z', end: '2026-02-01T10:00:00.000Z' }, // closed at 08:52:30
      { threshold: 0.5, closes: '2026-02-01T08:00:00.000Z', start: '2026-02-03T16:00:00.000Z', end: '2026-02-03T17:00:00.000Z' }, // cut-off passed
      { threshold: 0, closes: '2026-03-01T08:00:00.000Z', start: '2026-02-03T16:00:00.000Z', end: '2026-02-03T17:00:00.000Z' }, // cut-off after the end (stored before that was refused): its end
    ];
    const rows = Array.from({ length: 1203 }, (_, i) => {
      const shape = shapes[i % shapes.length]!;
      return {
        id: `s-${String(i).padStart(5, '0')}`, course_id: null, title: NAMES[i % shapes.length]!, description: '', mode: 'online', starts_at: shape.start, ends_at: shape.end,
        time_zone: 'Europe/London', venue: null, capacity_in_person: 0, capacity_online: 10, status: 'scheduled', booking_closes_at: shape.closes, waitlist_policy: 'auto', offer_hold_minutes: 60,
        holds_release_at: null, room_kind: 'webinar', attendance_threshold: shape.threshold, join_opens_minutes: 15, revision: 0, created_by: null, created_at: now, updated_at: now,
      };
    });
    const raw = db.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (let i = 0; i < rows.length; i += 200) await raw.insertInto('sessions').values(rows.slice(i, i + 200)).execute();
    // Up to the rule of 20261212_01's day: closed once too little was left to attend enough.
    const upTo = Object.keys(migrations).filter((name) => name < '20261216_01_booking_open_to_end');
    const then = await new Migrator({ db: db.db as Kysely<Database>, provider: { getMigrations: async () => Object.fromEntries(upTo.map((n) => [n, migrations[n]!])) } }).migrateToLatest();
    expect(then.error).toBeUndefined();
    const old = ['2026-02-01T09:17:30.000Z', '2026-02-01T08:52:30.000Z', '2026-02-01T08:00:00.000Z', '2026-02-03T17:00:00.000Z'];
    expect((await db.db.selectFrom('sessions').select('booking_ends_at').orderBy('id').execute()).map((r, i) => r.booking_ends_at === old[i % 4])).not.toContain(false);
    await migrateToLatest(db.db);
    const stored = await db.db.selectFrom('sessions').select(['id', 'booking_ends_at']).orderBy('id').execute();
    expect(stored).toHaveLength(1203);
    const want = ['2026-02-01T10:25:00.000Z', '2026-02-01T10:00:00.000Z', '2026-02-01T08:00:00.000Z', '2026-02-03T17:00:00.000Z'];
    expect(stored.map((r, i) => r.booking_ends_at === want[i % 4])).not.toContain(false);
    // The same rule as the app writes new sessions with.
    expect(shapes.map((s) => bookingEndsAt({ endsAt: s.end, bookingClosesAt: s.closes }))).toEqual(want);
    // Every session written from now on names it: the column has no default to fall back on (PostgreSQL; SQLite cannot drop one).
    if (usePostgres) await expect(raw.insertInto('sessions').values({ ...rows[0]!, id: 'no-end' }).execute()).rejects.toThrow(/booking_ends_at/);
    // The list of sessions open for booking reads it: all but the one whose cut-off has passed.
    let t: TestContext | null = await makeTestContext({ now, database: db });
    cleanups.push(() => t?.close());
    const staff = await t.user('staff', (await t.org()).id);
    const open = async (title: string) => {
      const r = await t!.request('GET', `/api/sessions?bookingOpen=true&limit=1&q=${title}`, { as: staff });
      expect(r.status).toBe(200);
      return r.json.total;
    };
    expect([await open('Kestrel'), await open('Osprey'), await open('Heron'), await open('Plover')]).toEqual([301, 301, 0, 300]);
    await t.close();
    t = null;
  });
});
