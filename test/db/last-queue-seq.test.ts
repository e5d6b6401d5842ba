/**
 * A session's stored last queue number: the migration that adds it takes it from the
 * bookings already there, and booking goes on from there without reusing a number.
 */
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/connect.js';
import { migrations } from '../../db/migrations/index.js';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('last queue number', () => {
  it('is taken from existing bookings when the column is added, and the next booking follows it', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
    const s = await t.session({ capacity: { online: 1 } });
    const empty = await t.session({ capacity: { online: 1 } });
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await t.user('staff'));
    for (const p of people.slice(0, 3)) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    // A cancelled booking keeps its number: the next is after it, not in its place.
    const third = await t.db.selectFrom('bookings').select('id').where('session_id', '=', s.id).where('queue_seq', '=', 3).executeTakeFirstOrThrow();
    expect((await t.request('DELETE', `/api/bookings/${third.id}`, { as: people[2]! })).status).toBe(200);

    // Back to the schema before the column, then forward again: the migration fills it in.
    const migrator = new Migrator({ db: t.db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo('20261202_01_stable_feed_tokens');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toContain('20261203_01_last_queue_seq');
    expect(await t.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow()).not.toHaveProperty('last_queue_seq');
    await migrateToLatest(t.db);
    const stored = await t.db.selectFrom('sessions').select(['id', 'last_queue_seq']).where('id', 'in', [s.id, empty.id]).execute();
    expect(Object.fromEntries(stored.map((r) => [r.id, r.last_queue_seq]))).toEqual({ [s.id]: 3, [empty.id]: 0 });
    expect(await seatCountDrift(t.db)).toEqual([]);

    const next = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: people[3]!, body: {} });
    expect(next.status).toBe(201);
    const row = await t.db.selectFrom('bookings').select('queue_seq').where('id', '=', next.json.id).executeTakeFirstOrThrow();
    expect(row.queue_seq).toBe(4);
    expect(next.json.position).toBe(2); // behind the one still waiting; the cancelled one is not counted
    expect((await t.db.selectFrom('sessions').select('last_queue_seq').where('id', '=', s.id).executeTakeFirstOrThrow()).last_queue_seq).toBe(4);
  });
});
