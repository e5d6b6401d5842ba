/**
 * What a hold too large is refused with, and what an office booking someone is told when no
 * seat is free to them. The number a hold is set to is the number held in all (its form says
 * "The number held in all"), so a refusal gives the largest such number, and the number it
 * gives is then accepted. A person put on the waiting list though seats are empty (each held
 * for another school) is told so in the answer (`heldForOthers`), not as a full session.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

async function staff(n: number, orgId: string) {
  const out: TestUser[] = [];
  for (let i = 0; i < n; i++) out.push(await t.user('staff', orgId));
  return out;
}

describe('a hold too large is refused with the largest number it may be, in all', () => {
  it('5 held of 25 free: 30 and 26 are refused saying at most 25 in all (20 more than the 5 held now), and 25 is accepted', async () => {
    const riverside = await t.org('Riverside Primary');
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', capacity: { inPerson: 25 } });
    const hold = (n: number) => t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: riverside.id, seat: 'in_person', seats: n } });
    expect((await hold(5)).status).toBe(204);
    const words = 'You can hold at most 25 in-person seats in all on this session (20 more than the 5 held now).';
    for (const n of [30, 26]) {
      const refused = await hold(n);
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({ code: 'conflict', message: words, details: { most: 25 } });
    }
    expect((await hold(25)).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([{ orgId: riverside.id, orgName: 'Riverside Primary', seat: 'in_person', seats: 25, claimed: 0 }]);
  });

  it('seats its staff took from the hold count in the number said; with no hold yet it says the most alone', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 10 } });
    const hold = (orgId: string, n: number) => t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId, seat: 'online', seats: n } });
    expect((await hold(elm.id, 3)).status).toBe(204);
    // None held for Oak yet: 7 seats are not taken or held.
    const first = await hold(oak.id, 8);
    expect(first.json.error.message).toBe('You can hold at most 7 online seats on this session.');
    expect((await hold(oak.id, 4)).status).toBe(204);
    // Two of Oak's staff take seats from its hold: 4 held, 2 claimed, and 3 seats nobody has.
    for (const u of await staff(2, oak.id)) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} })).json.status).toBe('confirmed');
    const more = await hold(oak.id, 9);
    expect(more.status).toBe(409);
    expect(more.json.error).toMatchObject({ message: 'You can hold at most 7 online seats in all on this session (3 more than the 4 held now).', details: { most: 7 } });
    expect((await hold(oak.id, 8)).status).toBe(409);
    expect((await hold(oak.id, 7)).status).toBe(204);
    // Every seat now taken or held: the hold may stay as it is, and no more.
    const none = await hold(elm.id, 4);
    expect(none.json.error.message).toBe('No more seats can be held on this session: every other seat is taken or held (the 3 held now can stay).');
  });

  it('an office is told the lower of its two limits (seats free, staff to fill them), and the number told is accepted', async () => {
    const school = await t.org('Riverside Primary');
    const office = await t.user('office', school.id);
    await staff(5, school.id);
    // Six without a place (five staff and the office); eight seats free.
    const s = await t.session({ capacity: { online: 8 } });
    const hold = (n: number) => t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: school.id, seat: 'online', seats: n } });
    expect((await hold(2)).status).toBe(204);
    // Ten is past both: the staff are the lower limit, so that is what is said.
    const tooMany = await hold(10);
    expect(tooMany.json.error.message).toBe('Riverside Primary can hold at most 6 online seats here: 6 members of staff with no place on this session yet.');
    expect((await hold(6)).status).toBe(204);
    // Seats fewer than the staff: the seats are the lower limit.
    const small = await t.session({ capacity: { online: 3 } });
    const holdSmall = (n: number) => t.request('PUT', `/api/sessions/${small.id}/holds`, { as: office, body: { orgId: school.id, seat: 'online', seats: n } });
    expect((await holdSmall(1)).status).toBe(204);
    const past = await holdSmall(5);
    expect(past.json.error.message).toBe('You can hold at most 3 online seats in all on this session (2 more than the 1 held now).');
    expect((await holdSmall(3)).status).toBe(204);
  });
});

describe('an office booking someone when no seat is free to them', () => {
  it('seats empty but held for another school: waitlisted, and the answer says how many are held for others; a full session says none', async () => {
    const [hilltop, other] = [await t.org('Hilltop Academy'), await t.org('Other School')];
    const office = await t.user('office', hilltop.id);
    const [aisha, ben, cara] = await staff(3, hilltop.id);
    const s = await t.session({ capacity: { online: 3 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: other.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const bookAs = (u: TestUser) => t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: u.id } });
    const first = await bookAs(aisha!);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ status: 'confirmed', seat: 'online' });
    expect(first.json).not.toHaveProperty('heldForOthers');
    const second = await bookAs(ben!);
    expect(second.json).toMatchObject({ status: 'waitlisted', position: 1, heldForOthers: 2 });
    // The same in an answer for several.
    const many = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [cara!.id] } });
    expect(many.json.results).toEqual([expect.objectContaining({ userId: cara!.id, status: 'waitlisted', position: 2, heldForOthers: 2 })]);

    // Every seat taken: no seat is held for anyone, so the answer says nothing of holds.
    const full = await t.session({ capacity: { online: 1 } });
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: office, body: { userId: aisha!.id } })).json.status).toBe('confirmed');
    const waiting = await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: office, body: { userId: ben!.id } });
    expect(waiting.json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(waiting.json).not.toHaveProperty('heldForOthers');
  });
});
