/**
 * `npm run check:counts` on a live database: it agrees with a database the engine kept,
 * and names the session and count of a row changed past the engine (a deliberate drift).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite } from '../../db/connect.js';
import { createPgDatabase, makeTestContext, usePostgres, type TestContext } from '../helpers.js';

let t: TestContext | null = null;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await t?.close();
  t = null;
  for (const c of cleanups.splice(0)) await c();
});

/** A context on a database another process can open, and its DATABASE_URL. */
async function liveContext(): Promise<{ ctx: TestContext; url: string }> {
  if (usePostgres) {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const db = openPostgres(created.url, 5);
    await migrateToLatest(db.db);
    cleanups.push(created.drop);
    return { ctx: await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: db }), url: created.url };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'counts-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'app.db');
  const db = openSqlite(file);
  await migrateToLatest(db.db);
  return { ctx: await makeTestContext({ now: '2026-02-01T09:00:00.000Z', database: db }), url: `sqlite:${file}` };
}

function checkCounts(url: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'server/check-counts.ts'], { env: { ...process.env, DATABASE_URL: url }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe('npm run check:counts', () => {
  it('agrees after bookings, a queue, a hold and a cancellation, then reports a drifted count or queue number and fails', async () => {
    const live = await liveContext();
    t = live.ctx;
    const school = await t.org();
    const s = await t.session({ capacity: { online: 3 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await t.user('staff', i === 4 ? school.id : null));
    const answers = [];
    for (const p of people) answers.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json);
    expect(answers.map((a) => a.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted', 'confirmed']);
    expect((await t.request('DELETE', `/api/bookings/${answers[0].id}`, { as: people[0] })).status).toBe(200);

    const good = await checkCounts(live.url);
    expect(good.out).toContain('Seat counts agree with the bookings');
    expect(good.code).toBe(0);

    // A booking changed behind the engine's back: the stored counts no longer match it.
    await t.db.updateTable('bookings').set({ status: 'cancelled' }).where('id', '=', answers[4].id).execute();
    const bad = await checkCounts(live.url);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`session ${s.id}: confirmed_online is stored as 3 but the bookings count 2`);
    expect(bad.out).toContain(`session ${s.id}: seats claimed from the online hold of organisation ${school.id} is stored as 1 but the bookings count 0`);
    expect(bad.out).toContain('2 stored count(s) differ from the bookings.');

    // A last queue number behind the bookings would give the next booking a taken number.
    await t.db.updateTable('sessions').set({ last_queue_seq: 2 }).where('id', '=', s.id).execute();
    const behind = await checkCounts(live.url);
    expect(behind.code).toBe(1);
    expect(behind.out).toContain(`session ${s.id}: the last queue number is stored as 2 but a booking already has 5`);
    expect(behind.out).toContain('3 stored count(s) differ from the bookings.');
  }, 120_000);
});
