/**
 * What a cancelled session and a check-in keep for the pages to say, on both databases: the
 * reason a trainer gave for cancelling is kept with the session (its own answer's
 * `cancelReason`, and each booking's session), and a booking says whether it was cancelled
 * with its session (`cancelledWithSession`) rather than given up before; a cancelled session's
 * materials can no longer be changed (409 `session_cancelled`, `canManage` false); and a
 * person's own check-in is read back (`GET /api/sessions/:id/checkin`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  expect(await seatCountDrift(t.db)).toEqual([]);
  await t.close();
});

const TIMES = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };

describe('a cancelled session', () => {
  it('its places say they went with it though the clock moves between reads (as a real one does)', async () => {
    const org = await t.org('Elm Primary');
    const dee = await t.user('staff', org.id, 'Dee Moving');
    const s = await t.session({ ...TIMES, capacity: { online: 5 } });
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: dee, body: {} });
    // Every read of the clock a millisecond after the last.
    const now = t.deps.now;
    t.deps.now = () => {
      const at = now();
      t.clock.advance(1);
      return at;
    };
    try {
      expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Snow closed the venue.' } })).status).toBe(200);
    } finally {
      t.deps.now = now;
    }
    const mine = await t.request('GET', `/api/bookings/${booked.json.id}`, { as: dee });
    expect(mine.json).toMatchObject({ status: 'cancelled', cancelledWithSession: true, session: { cancelReason: 'Snow closed the venue.' } });
  });

  it('keeps the reason given, on its own answer and its people’s bookings; a place given up before is not “cancelled with the session”', async () => {
    const org = await t.org('Oak Primary');
    const ben = await t.user('staff', org.id, 'Ben Okafor');
    const cal = await t.user('staff', org.id, 'Cal Evans');
    const s = await t.session({ ...TIMES, capacity: { online: 5 } });
    const benBooking = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} });
    const calBooking = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: cal, body: {} });
    expect(calBooking.status).toBe(201);
    expect((await t.request('DELETE', `/api/bookings/${calBooking.json.id}`, { as: cal })).status).toBe(200);
    t.clock.set('2026-03-01T10:00:00.000Z');

    // Not cancelled: no reason on the answer.
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: ben })).json.cancelReason).toBeUndefined();
    const cancelled = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'The trainer is unwell; it will be run again in April.' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.cancelReason).toBe('The trainer is unwell; it will be run again in April.');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: ben })).json).toMatchObject({ status: 'cancelled', cancelReason: 'The trainer is unwell; it will be run again in April.' });

    const own = await t.request('GET', `/api/bookings/${benBooking.json.id}`, { as: ben });
    expect(own.json).toMatchObject({ status: 'cancelled', cancelledWithSession: true, session: { status: 'cancelled', cancelReason: 'The trainer is unwell; it will be run again in April.' } });
    const mine = (await t.request('GET', '/api/me/bookings', { as: ben })).json.items;
    expect(mine).toEqual([expect.objectContaining({ id: benBooking.json.id, cancelledWithSession: true })]);
    // Cal gave hers up before: it was not cancelled with the session.
    expect((await t.request('GET', `/api/bookings/${calBooking.json.id}`, { as: cal })).json).toMatchObject({ status: 'cancelled', cancelledWithSession: false });
  });

  it('with no reason given, says none (null)', async () => {
    const org = await t.org();
    const ben = await t.user('staff', org.id);
    const s = await t.session({ ...TIMES, capacity: { online: 5 } });
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} });
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: ben })).json.cancelReason).toBeNull();
    expect((await t.request('GET', `/api/bookings/${b.json.id}`, { as: ben })).json).toMatchObject({ cancelledWithSession: true, session: { cancelReason: null } });
  });

  it('has materials that can no longer be added or removed (409 session_cancelled), and offers no forms (canManage false)', async () => {
    const s = await t.session({ ...TIMES, capacity: { online: 5 } });
    const link = await t.request('POST', `/api/sessions/${s.id}/materials/links`, { as: s.trainer, body: { title: 'Slides', url: 'https://example.org/slides' } });
    expect(link.status).toBe(201);
    expect((await t.request('GET', `/api/sessions/${s.id}/materials`, { as: s.trainer })).json.canManage).toBe(true);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer })).status).toBe(200);

    const list = await t.request('GET', `/api/sessions/${s.id}/materials`, { as: s.trainer });
    expect(list.json).toMatchObject({ canManage: false, canDownload: true, items: [expect.objectContaining({ title: 'Slides' })] });
    const added = await t.request('POST', `/api/sessions/${s.id}/materials/links`, { as: s.trainer, body: { title: 'More', url: 'https://example.org/more' } });
    expect(added.status).toBe(409);
    expect(added.json.error.code).toBe('session_cancelled');
    const removed = await t.request('DELETE', `/api/sessions/${s.id}/materials/${link.json.id}`, { as: s.trainer });
    expect(removed.status).toBe(409);
    expect((await t.request('GET', `/api/sessions/${s.id}/materials`, { as: s.trainer })).json.items).toHaveLength(1);
  });
});

describe('my own check-in', () => {
  it('is null before checking in, and the first check-in’s time after; null to someone with no in-person seat', async () => {
    const org = await t.org();
    const ben = await t.user('staff', org.id);
    const online = await t.user('staff', org.id);
    const stranger = await t.user('staff', org.id);
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', ...TIMES, capacity: { inPerson: 5, online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: { seat: 'in_person' } })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: online, body: { seat: 'online' } })).status).toBe(201);
    expect((await t.request('GET', `/api/sessions/${s.id}/checkin`, { as: ben })).json).toEqual({ checkedInAt: null });

    t.clock.set('2026-03-10T16:05:00.000Z');
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json.code;
    const first = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: ben, body: { code } });
    expect(first.status).toBe(200);
    t.clock.set('2026-03-10T16:20:00.000Z');
    const mine = await t.request('GET', `/api/sessions/${s.id}/checkin`, { as: ben });
    expect(mine.status).toBe(200);
    expect(mine.json).toEqual({ checkedInAt: first.json.checkedInAt });
    expect(mine.headers.get('cache-control')).toBe('no-store');
    for (const who of [online, stranger, s.trainer]) expect((await t.request('GET', `/api/sessions/${s.id}/checkin`, { as: who })).json).toEqual({ checkedInAt: null });
  });
});
