/**
 * A session can be cancelled after it ended when no one attended it (sessions/service.ts,
 * cancelSession). Its register is then its record from before, read-only: no tick or
 * correction can make someone attended on a session that did not take place.
 * On the database under test (SQLite, or PostgreSQL with TEST_DATABASE).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-10T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('the register of a session cancelled after it ended', () => {
  it('refuses a tick or a correction, and the booking stays absent', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    const pat = await t.user('staff', org.id);
    const booking = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: pat, body: {} })).json.id as string;
    t.clock.set('2026-02-10T17:46:00.000Z');
    await runJobsOnce(t.deps, null);
    const statusOf = async () => (await t.db.selectFrom('bookings').select('status').where('id', '=', booking).executeTakeFirstOrThrow()).status;
    expect(await statusOf()).toBe('absent');
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'The trainer was ill' } })).status).toBe(200);

    for (const body of [{ attended: true }, { attended: true, minutes: 90, note: 'was there' }]) {
      const res = await t.request('PUT', `/api/sessions/${s.id}/attendance/${booking}`, { as: s.trainer, body });
      expect(res.status, res.text).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'session_cancelled', message: 'This session has been cancelled, so its register can no longer be changed.' });
    }
    await runJobsOnce(t.deps, null);
    expect(await statusOf()).toBe('absent');
    expect(await t.db.selectFrom('attendance_overrides').selectAll().where('booking_id', '=', booking).execute()).toEqual([]);
  });
});
