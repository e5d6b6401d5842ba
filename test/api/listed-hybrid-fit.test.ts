/**
 * The session list says how a hybrid session fits a timetable seat by seat (`fitBySeat`, as a
 * session's own answer does), so a list can say "Fits if you join online" of one whose
 * in-person seat, with travel time, clashes: with and without `fits=me`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';
import { primaryCsv } from './timetables.fixtures.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const WEEK = 'from=2026-01-19T00:00:00Z&to=2026-01-25T00:00:00Z';

describe('a hybrid session in the session list', () => {
  it('carries its fit for each seat, in the plain list and with fits=me, as its own answer does', async () => {
    const org = await t.org();
    const user = await t.user('staff', org.id);
    expect((await t.request('PUT', '/api/me/timetable', { as: user, body: primaryCsv(), headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    // Class 4 afternoon ends at 15:15: online at 15:30 fits, in person (30 minutes to travel) clashes.
    const hybrid = await t.session({ title: 'After school hybrid', mode: 'hybrid', venue: 'Town Hall, Leeds', startsAt: '2026-01-19T15:30:00+00:00', endsAt: '2026-01-19T16:30:00+00:00', capacity: { inPerson: 20, online: 20 } });
    const onlineOnly = await t.session({ title: 'After school online', mode: 'online', startsAt: '2026-01-19T15:30:00+00:00', endsAt: '2026-01-19T16:30:00+00:00', capacity: { online: 20 } });
    const own = (await t.request('GET', `/api/sessions/${hybrid.id}`, { as: user })).json;
    expect(own.fitBySeat.online.fits).toBe(true);
    expect(own.fitBySeat.inPerson).toMatchObject({ fits: false, travelBufferMinutes: 30 });

    for (const query of [`?${WEEK}`, `?fits=me&${WEEK}`]) {
      const res = await t.request('GET', `/api/sessions${query}`, { as: user });
      expect(res.status).toBe(200);
      const listed = (res.json.items as { id: string; fit: unknown; fitBySeat?: unknown }[]).find((s) => s.id === hybrid.id);
      expect(listed, query).toBeDefined();
      expect(listed!.fit, query).toEqual(own.fit);
      expect(listed!.fitBySeat, query).toEqual(own.fitBySeat);
      // A session of one seat kind has no seat-by-seat fit.
      expect((res.json.items as { id: string; fitBySeat?: unknown }[]).find((s) => s.id === onlineOnly.id)!.fitBySeat, query).toBeUndefined();
    }
  });
});
