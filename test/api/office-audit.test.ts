/**
 * What school office staff meet in the API, found by using it as they do: a bookings export
 * over a range that ends before it starts says so in words, and a seat hold set once held
 * seats have been released (booking closed) is refused rather than stored to do nothing.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

it('a bookings export whose To is before its From is refused with a readable message', async () => {
  const org = await t.org('Riverside');
  const office = await t.user('office', org.id);
  for (const path of ['bookings', 'bookings.csv', 'bookings.ics']) {
    const r = await t.request('GET', `/api/orgs/${org.id}/${path}?from=2026-03-20&to=2026-03-01`, { as: office });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe('to must be after from');
    expect(r.json.error.details.issues).toEqual([{ path: 'to', message: 'must be after from' }]);
  }
  // One day (the last one included) is a range.
  expect((await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-03-20&to=2026-03-20`, { as: office })).status).toBe(200);
  // In summer a date is the day in England (BST), as the server reads it: 1 July starts at
  // 23:00 UTC on 30 June, so half an hour into it is a range, and a quarter of an hour into 2
  // July is after the whole of 1 July (it was judged by midnight UTC both ways).
  for (const path of ['bookings', 'bookings.csv', 'bookings.ics']) {
    const q = (from: string, to: string) => t.request('GET', `/api/orgs/${org.id}/${path}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { as: office });
    expect((await q('2026-07-01', '2026-07-01T00:30:00+01:00')).status).toBe(200);
    const backwards = await q('2026-07-02T00:15:00+01:00', '2026-07-01');
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.message).toBe('to must be after from');
    expect((await q('2026-07-01T23:59:00+01:00', '2026-07-01')).status).toBe(200);
  }
});

it('once held seats are released (booking has closed), a hold cannot be set or raised, only lowered or released', async () => {
  const org = await t.org('Riverside');
  const office = await t.user('office', org.id, 'Olu Office');
  await t.user('staff', org.id, 'Bea Brown');
  await t.user('staff', org.id, 'Cai Jones');
  const s = await t.session({ startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:30:00.000Z', capacity: { online: 10 }, bookingClosesAt: '2026-03-05T16:00:00.000Z' });
  expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: org.id, seat: 'online', seats: 1 } })).status).toBe(204);

  t.clock.set('2026-03-06T09:00:00.000Z');
  for (const [as, seats] of [[office, 2], [s.trainer, 3]] as const) {
    const r = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as, body: { orgId: org.id, seat: 'online', seats } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('holds_released');
    expect(r.json.error.message).toMatch(/^Held seats on this session have been released .*, so no more can be held on it\./);
  }
  expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([expect.objectContaining({ seats: 1, claimed: 0 })]);
  // Giving the hold back stays possible.
  expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: org.id, seat: 'online', seats: 0 } })).status).toBe(204);
  expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([]);
});
