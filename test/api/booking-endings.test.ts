/**
 * How a cancelled place ended, on both databases: a booking (`GET /api/bookings/:id`, My
 * bookings, an office's list, a trainer's roster, the person's data export) says who ended it
 * and why, as the email the person was sent said it: they themselves, their school office, a
 * trainer with the reason given, an offer that ran out (when) or was turned down, the waiting
 * list left, the session cancelled, their account turned off, a move out of who the session
 * is for. Erasing someone named in a trainer's reason scrubs it there too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
});
afterEach(async () => {
  expect(await seatCountDrift(t.db)).toEqual([]);
  await t.close();
});

const MINUTE = 60_000;
const TIMES = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  const r = res.json as { id?: string; status?: string; results?: { id: string; status: string }[] };
  return r.results ? r.results[0]! : (r as { id: string; status: string });
}

async function ok(method: string, path: string, as: TestUser, body?: unknown) {
  const res = await t.request(method, path, { as, body });
  expect(res.status, res.text).toBeLessThan(300);
  return res.json;
}

const bookingAs = async (id: string, as: TestUser) => {
  const res = await t.request('GET', `/api/bookings/${id}`, { as });
  expect(res.status, res.text).toBe(200);
  return res.json;
};

describe('a cancelled place says how it ended', () => {
  it('an offer that ran out says when it ran out (not when the sweep passed the seat on); a place given up by its person says so', async () => {
    const org = await t.org('Ash Primary');
    const [ann, ben] = [await t.user('staff', org.id, 'Ann Ash'), await t.user('staff', org.id, 'Ben Ash')];
    const s = await t.session({ title: 'TT Offer I', ...TIMES, capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 10 });
    const anns = await book(s.id, ann);
    const bens = await book(s.id, ben);
    expect(bens.status).toBe('waitlisted');
    await ok('DELETE', `/api/bookings/${anns.id}`, ann);
    const offered = await bookingAs(bens.id, ben);
    expect(offered.status).toBe('offered');
    const expiry = offered.offerExpiresAt as string;
    expect(expiry).toBe('2026-03-02T09:10:00.000Z');

    // The sweep comes late: the place still says when the offer ran out.
    t.clock.advance(25 * MINUTE);
    await runJobsOnce(t.deps, null);
    expect((await t.mails('offer_expired')).map((m) => m.user_id)).toEqual([ben.id]);
    const lapsed = await bookingAs(bens.id, ben);
    expect(lapsed).toMatchObject({ status: 'cancelled', ending: { how: 'offer_expired', at: expiry, by: null, byThemselves: false } });
    const mine = (await t.request('GET', '/api/me/bookings', { as: ben })).json.items;
    expect(mine).toEqual([expect.objectContaining({ id: bens.id, ending: expect.objectContaining({ how: 'offer_expired', at: expiry }) })]);

    expect((await bookingAs(anns.id, ann)).ending).toEqual({ how: 'cancelled', byThemselves: true, by: null, reason: null, at: '2026-03-02T09:00:00.000Z' });
    // A place still held says nothing of an ending.
    const s2 = await t.session({ title: 'TT Online B', ...TIMES });
    expect((await bookingAs((await book(s2.id, ann)).id, ann)).ending).toBeUndefined();
  });

  it('taken off by a trainer: who, with the reason given, to the person, their office and the trainer', async () => {
    const org = await t.org('Oak Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const chloe = await t.user('staff', org.id, 'Chloe Oak');
    const s = await t.session({ title: 'TT In person A', ...TIMES, mode: 'in_person', venue: 'Oak hall', capacity: { inPerson: 5 } }, priya);
    const chloes = await book(s.id, chloe);
    const removed = await ok('POST', `/api/bookings/${chloes.id}/remove`, priya, { reason: 'Duplicate booking – sorry' });
    const ending = { how: 'removed', byThemselves: false, by: 'Priya Sharma (trainer)', reason: 'Duplicate booking – sorry', at: '2026-03-02T09:00:00.000Z' };
    expect(removed.ending).toEqual(ending);
    expect((await bookingAs(chloes.id, chloe)).ending).toEqual(ending);
    expect((await bookingAs(chloes.id, office)).ending).toEqual(ending);
    const listed = (await t.request('GET', `/api/orgs/${org.id}/bookings`, { as: office })).json.items;
    expect(listed).toEqual([expect.objectContaining({ id: chloes.id, ending })]);
    const roster = (await t.request('GET', `/api/sessions/${s.id}/bookings`, { as: priya })).json.items;
    expect(roster).toEqual([expect.objectContaining({ id: chloes.id, ending })]);
  });

  it('cancelled by their school office (named as the email names them), the queue left or taken off it, an offer turned down', async () => {
    const org = await t.org('Elm Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const [dee, ed, fay, gus, hal] = await Promise.all(['Dee', 'Ed', 'Fay', 'Gus', 'Hal'].map((n) => t.user('staff', org.id, `${n} Elm`)));
    const s = await t.session({ title: 'TT Online C', ...TIMES, capacity: { online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const dees = await book(s.id, dee!);
    const hals = await book(s.id, hal!);
    const eds = await book(s.id, ed!);
    const fays = await book(s.id, fay!);
    const guss = await book(s.id, gus!);
    expect([eds.status, fays.status, guss.status]).toEqual(['waitlisted', 'waitlisted', 'waitlisted']);
    await ok('DELETE', `/api/bookings/${eds.id}`, ed!);
    await ok('DELETE', `/api/bookings/${fays.id}`, office);
    await ok('DELETE', `/api/bookings/${dees.id}`, office);
    // Dee's seat went to Gus, as an offer: he turns it down.
    expect((await bookingAs(guss.id, gus!)).status).toBe('offered');
    await ok('POST', `/api/bookings/${guss.id}/decline`, gus!);

    expect((await bookingAs(dees.id, dee!)).ending).toMatchObject({ how: 'cancelled', byThemselves: false, by: 'Olu Office (Elm Primary’s office)' });
    expect((await bookingAs(eds.id, ed!)).ending).toMatchObject({ how: 'left_waitlist', byThemselves: true, by: null });
    expect((await bookingAs(fays.id, office)).ending).toMatchObject({ how: 'left_waitlist', byThemselves: false, by: 'Olu Office (Elm Primary’s office)' });
    expect((await bookingAs(guss.id, gus!)).ending).toMatchObject({ how: 'offer_declined', byThemselves: true, by: null });
    expect((await bookingAs(hals.id, hal!)).ending).toBeUndefined();
  });

  it('the session cancelled (with its reason and who), an account turned off, a move out of who the session is for', async () => {
    const org = await t.org('Fir Primary');
    const other = await t.org('Yew Primary');
    const admin = await t.user('admin', null, 'Ada Admin');
    const office = await t.user('office', org.id, 'Olu Office');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const [ivy, jo, kit] = [await t.user('staff', org.id, 'Ivy Fir'), await t.user('staff', org.id, 'Jo Fir'), await t.user('staff', org.id, 'Kit Fir')];
    const called = await t.session({ title: 'TT Called off', ...TIMES }, priya);
    const ivys = await book(called.id, ivy);
    await ok('POST', `/api/sessions/${called.id}/cancel`, priya, { reason: 'Trainer unwell' });
    expect((await bookingAs(ivys.id, ivy)).ending).toMatchObject({ how: 'session_cancelled', by: 'Priya Sharma (trainer)', reason: 'Trainer unwell' });

    const open = await t.session({ title: 'TT Open', ...TIMES });
    const jos = await book(open.id, jo);
    await ok('PATCH', `/api/users/${jo.id}`, office, { disabled: true });
    expect((await bookingAs(jos.id, office)).ending).toMatchObject({ how: 'account_off', by: null, reason: null });

    const inHouse = await t.session({ title: 'TT In house', ...TIMES, audience: { kind: 'organisation', orgId: org.id } });
    const kits = await book(inHouse.id, kit);
    await ok('PUT', `/api/users/${kit.id}/placement`, admin, { role: 'staff', orgId: other.id });
    const given = (await bookingAs(kits.id, admin)).ending;
    expect(given).toMatchObject({ how: 'given_up', by: null });
    expect(given.reason).toMatch(/moved to another organisation/);
    // To Kit, now outside it, the in-house session and their place on it do not exist (DESIGN.md invariant 12).
    expect((await t.request('GET', `/api/bookings/${kits.id}`, { as: kit })).status).toBe(404);
    expect((await t.request('GET', `/api/bookings/${kits.id}/invite.ics`, { as: kit })).status).toBe(404);
    expect(((await t.request('GET', '/api/me/bookings', { as: kit })).json.items as { id: string }[]).map((b) => b.id)).not.toContain(kits.id);
  });

  it('a place given up without a notice, as its session moved back into the future after the account was turned off, still says the account was turned off', async () => {
    const org = await t.org('Gum Primary');
    const office = await t.user('office', org.id);
    const s = await t.session({ startsAt: '2026-03-02T10:00:00.000Z', endsAt: '2026-03-02T11:00:00.000Z', capacity: { online: 1 } });
    const lee = await t.user('staff', org.id, 'Lee Leaver');
    const lees = await book(s.id, lee);
    t.clock.set('2026-03-02T11:16:00.000Z');
    await runJobsOnce(t.deps, null);
    expect((await bookingAs(lees.id, office)).status).toBe('absent');
    await ok('PATCH', `/api/users/${lee.id}`, office, { disabled: true });
    t.clock.advance(MINUTE);
    await ok('PATCH', `/api/sessions/${s.id}`, s.trainer, { startsAt: '2026-03-09T10:00:00.000Z', endsAt: '2026-03-09T11:00:00.000Z' });
    expect((await bookingAs(lees.id, office))).toMatchObject({ status: 'cancelled', ending: { how: 'account_off' } });
  });

  it('is in the person’s data export; erasing someone a trainer’s reason names scrubs the name there too', async () => {
    const org = await t.org('Holly Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const [chloe, dan] = [await t.user('staff', org.id, 'Chloe Holly'), await t.user('staff', org.id, 'Dan Dunne')];
    const s = await t.session({ title: 'TT In person A', ...TIMES, mode: 'in_person', venue: 'Hall', capacity: { inPerson: 5 } }, priya);
    const chloes = await book(s.id, chloe);
    await book(s.id, dan);
    await ok('POST', `/api/bookings/${chloes.id}/remove`, priya, { reason: 'Booked twice, with Dan Dunne’s place' });

    const exported = await ok('GET', '/api/me/data', chloe);
    expect(exported.bookings).toEqual([expect.objectContaining({ id: chloes.id, ending: expect.objectContaining({ how: 'removed', by: 'Priya Sharma (trainer)', reason: 'Booked twice, with Dan Dunne’s place' }) })]);

    await ok('PATCH', `/api/users/${dan.id}`, office, { disabled: true });
    await ok('POST', `/api/users/${dan.id}/erase`, office);
    expect((await bookingAs(chloes.id, chloe)).ending).toMatchObject({ how: 'removed', reason: 'Booked twice, with Erased person’s place' });
    const after = await ok('GET', '/api/me/data', chloe);
    expect(JSON.stringify(after)).not.toContain('Dan Dunne');
    // Downloaded for her by her office: the same.
    expect((await ok('GET', `/api/users/${chloe.id}/data`, office)).bookings[0].ending).toMatchObject({ how: 'removed', reason: 'Booked twice, with Erased person’s place' });
  });
});
