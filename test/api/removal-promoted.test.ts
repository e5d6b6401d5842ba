/**
 * Taking a booked person off a session while others wait, as a tester found it: the answer
 * (POST /api/bookings/:id/remove) says who got the freed seat (`promoted`), confirmed at once or
 * offered it until when, and whether they were first in the queue; a removal that frees no
 * seat (a waiting place, no one waiting) says no one. Only the seat kind freed moves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:00:00.000Z';

const book = async (sessionId: string, u: TestUser, seat: 'online' | 'in_person') => (await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: u, body: { seat } })).json as { id: string; status: string };
const remove = (id: string, as: TestUser) => t.request('POST', `/api/bookings/${id}/remove`, { as, body: { reason: 'Booked twice' } });

describe('removing a booked person says who got their seat', () => {
  it('confirmed at once: Dafydd, first on the in-person waiting list, is named (the online queue does not move)', async () => {
    const org = await t.org('Oak School');
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', startsAt: START, endsAt: END, capacity: { inPerson: 1, online: 1 } });
    const [chloe, dafydd, erin, olly, owen] = await Promise.all(['Chloe Jones', 'Dafydd Price', 'Erin Wait', 'Olly Online', 'Owen Waiting'].map((n) => t.user('staff', org.id, n)));
    const chloes = await book(s.id, chloe!, 'in_person');
    const dafydds = await book(s.id, dafydd!, 'in_person');
    await book(s.id, erin!, 'in_person');
    await book(s.id, olly!, 'online');
    await book(s.id, owen!, 'online');
    expect(dafydds.status).toBe('waitlisted');

    const res = await remove(chloes.id, s.trainer);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: chloes.id, status: 'cancelled' });
    expect(res.json.promoted).toEqual([{ bookingId: dafydds.id, userId: dafydd!.id, name: 'Dafydd Price', seat: 'in_person', status: 'confirmed', offerExpiresAt: null, firstInQueue: true }]);
    expect((await t.request('GET', `/api/bookings/${dafydds.id}`, { as: dafydd })).json.status).toBe('confirmed');

    // A waiting place removed frees no seat: no one is named.
    const erins = (await t.request('GET', '/api/me/bookings', { as: erin })).json.items[0];
    const again = await remove(erins.id, s.trainer);
    expect(again.status).toBe(200);
    expect(again.json.promoted).toEqual([]);
    // Removing again (already cancelled) changes nothing, and says no one came up.
    expect((await remove(chloes.id, s.trainer)).json).toMatchObject({ status: 'cancelled', promoted: [] });
  });

  it('offered, on a session whose queue offers seats: named, with when the offer runs out', async () => {
    const org = await t.org('Ash School');
    const s = await t.session({ mode: 'in_person', venue: 'Hall', startsAt: START, endsAt: END, capacity: { inPerson: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const [chloe, dafydd] = await Promise.all(['Chloe Jones', 'Dafydd Price'].map((n) => t.user('staff', org.id, n)));
    const chloes = await book(s.id, chloe!, 'in_person');
    const dafydds = await book(s.id, dafydd!, 'in_person');
    t.clock.set('2026-02-09T09:00:00.000Z');
    const res = await remove(chloes.id, s.trainer);
    expect(res.json.promoted).toEqual([{ bookingId: dafydds.id, userId: dafydd!.id, name: 'Dafydd Price', seat: 'in_person', status: 'offered', offerExpiresAt: '2026-02-09T10:00:00.000Z', firstInQueue: true }]);
  });

  it('a seat held for a school goes to that school’s first in the queue: named, not first on the waiting list', async () => {
    const [oak, ash] = [await t.org('Oak School'), await t.org('Ash School')];
    const s = await t.session({ mode: 'online', startsAt: START, endsAt: END, capacity: { online: 2 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: ash.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const [amy, chloe, olly, arun] = [await t.user('staff', ash.id, 'Amy Ash'), await t.user('staff', oak.id, 'Chloe Oak'), await t.user('staff', oak.id, 'Olly Oak'), await t.user('staff', ash.id, 'Arun Ash')];
    const amys = await book(s.id, amy, 'online');
    expect((await book(s.id, chloe, 'online')).status).toBe('confirmed');
    expect((await book(s.id, olly, 'online')).status).toBe('waitlisted');
    const aruns = await book(s.id, arun, 'online');
    expect(aruns.status).toBe('waitlisted');
    const res = await remove(amys.id, s.trainer);
    expect(res.json.promoted).toEqual([expect.objectContaining({ bookingId: aruns.id, name: 'Arun Ash', status: 'confirmed', firstInQueue: false })]);
  });

  it('no one waiting: no one named; the response keeps the booking as before', async () => {
    const org = await t.org('Elm School');
    const s = await t.session({ mode: 'online', startsAt: START, endsAt: END, capacity: { online: 3 } });
    const chloe = await t.user('staff', org.id, 'Chloe Jones');
    const chloes = await book(s.id, chloe, 'online');
    const res = await remove(chloes.id, s.trainer);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: chloes.id, userName: 'Chloe Jones', status: 'cancelled', promoted: [] });
  });
});
