/**
 * Trust-level office staff (the office of a trust or local authority) act for every school
 * under it: they see and book its staff, its bookings, holds, exports and people; never a
 * school of another trust. A school's office still acts for its own school only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

async function setting() {
  const admin = await t.user('admin');
  const mkOrg = async (body: Record<string, unknown>) => {
    const r = await t.request('POST', '/api/orgs', { as: admin, body });
    expect(r.status).toBe(201);
    return r.json as { id: string; name: string };
  };
  const oak = await mkOrg({ name: 'Oak Learning Trust', kind: 'trust' });
  const hill = await mkOrg({ name: 'Hill Primary', parentId: oak.id });
  const vale = await mkOrg({ name: 'Vale Academy', parentId: oak.id });
  const elm = await mkOrg({ name: 'Elm Trust', kind: 'trust' });
  const brook = await mkOrg({ name: 'Brook School', parentId: elm.id });
  const oakOffice = await t.user('office', oak.id, 'Olive Office');
  const hillOffice = await t.user('office', hill.id, 'Harriet Office');
  const hillStaff = await t.user('staff', hill.id, 'Hana Hill');
  const valeStaff = await t.user('staff', vale.id, 'Victor Vale');
  const brookStaff = await t.user('staff', brook.id, 'Bea Brook');
  const trainer = await t.user('trainer');
  const s = await t.session({ startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:30:00.000Z', capacity: { online: 10 } }, trainer);
  return { admin, oak, hill, vale, elm, brook, oakOffice, hillOffice, hillStaff, valeStaff, brookStaff, trainer, s };
}

const book = (as: TestUser, sessionId: string, body: Record<string, unknown>) => t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });

describe('trust office', () => {
  it('books the staff of a school in its trust and sees that school’s bookings, roster, holds, people and exports', async () => {
    const w = await setting();
    const booked = await book(w.oakOffice, w.s.id, { userId: w.hillStaff.id });
    expect(booked.status).toBe(201);
    expect(booked.json.status).toBe('confirmed');
    const many = await book(w.oakOffice, w.s.id, { userIds: [w.valeStaff.id] });
    expect(many.json.results[0].status).toBe('confirmed');

    // The organisations it books for: its own first, then its schools; not another trust's.
    const orgs = await t.request('GET', '/api/orgs', { as: w.oakOffice });
    expect(orgs.json.items.map((o: any) => o.name)).toEqual(['Oak Learning Trust', 'Hill Primary', 'Vale Academy']);

    const hillBookings = await t.request('GET', `/api/orgs/${w.hill.id}/bookings`, { as: w.oakOffice });
    expect(hillBookings.status).toBe(200);
    expect(hillBookings.json.items.map((b: any) => b.userName)).toEqual(['Hana Hill']);
    const roster = await t.request('GET', `/api/sessions/${w.s.id}/roster?orgId=${w.vale.id}`, { as: w.oakOffice });
    expect(roster.status).toBe(200);
    expect(roster.json.items.map((p: any) => [p.name, p.booking?.status])).toEqual([['Victor Vale', 'confirmed']]);
    const sessionBookings = await t.request('GET', `/api/sessions/${w.s.id}/bookings`, { as: w.oakOffice });
    expect(sessionBookings.json.items.map((b: any) => b.userName).sort()).toEqual(['Hana Hill', 'Victor Vale']);
    const people = await t.request('GET', `/api/orgs/${w.hill.id}/users`, { as: w.oakOffice });
    expect(people.status).toBe(200);
    expect(people.json.items.map((p: any) => p.name)).toEqual(['Hana Hill', 'Harriet Office']);
    const csv = await t.request('GET', `/api/orgs/${w.hill.id}/bookings.csv`, { as: w.oakOffice });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('Hana Hill');

    // Holds for its schools (set by the trainer) are shown to it, with their claims.
    expect((await t.request('PUT', `/api/sessions/${w.s.id}/holds`, { as: w.trainer, body: { orgId: w.vale.id, seat: 'online', seats: 2 } })).status).toBe(204);
    expect((await t.request('PUT', `/api/sessions/${w.s.id}/holds`, { as: w.trainer, body: { orgId: w.brook.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const holds = await t.request('GET', `/api/sessions/${w.s.id}/holds`, { as: w.oakOffice });
    expect(holds.json.items.map((h: any) => h.orgName)).toEqual(['Vale Academy']);

    // It cancels a booking it made for a school of its trust.
    expect((await t.request('DELETE', `/api/bookings/${booked.json.id}`, { as: w.oakOffice })).status).toBe(200);
    // And adds staff to a school of its trust.
    const added = await t.request('POST', '/api/users', { as: w.oakOffice, body: { name: 'New Teacher', email: 'new.teacher@hill.example', role: 'staff', orgId: w.hill.id } });
    expect(added.status).toBe(201);
  });

  it('is refused for a school of another trust, and changes nothing', async () => {
    const w = await setting();
    // Another trust's person is no one this office books for (404, as for an unknown id).
    const refused = await book(w.oakOffice, w.s.id, { userId: w.brookStaff.id });
    expect(refused.status).toBe(404);
    const bulk = await book(w.oakOffice, w.s.id, { userIds: [w.brookStaff.id, w.hillStaff.id] });
    expect(bulk.json.results.map((r: any) => r.error?.code ?? r.status)).toEqual(['not_found', 'confirmed']);
    expect((await t.request('GET', `/api/orgs/${w.brook.id}/bookings`, { as: w.oakOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${w.brook.id}/bookings.csv`, { as: w.oakOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${w.s.id}/roster?orgId=${w.brook.id}`, { as: w.oakOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${w.brook.id}/users`, { as: w.oakOffice })).status).toBe(403);
    expect((await t.request('POST', '/api/users', { as: w.oakOffice, body: { name: 'X', email: 'x@brook.example', role: 'staff', orgId: w.brook.id } })).status).toBe(403);
    expect((await t.request('POST', `/api/orgs/${w.brook.id}/users/import`, { as: w.oakOffice, body: 'name,email\nX,x@brook.example\n', headers: { 'content-type': 'text/csv' } })).status).toBe(403);
    const brookBooking = await book(w.admin, w.s.id, { userId: w.brookStaff.id });
    expect(brookBooking.status).toBe(201);
    expect((await t.request('GET', `/api/bookings/${brookBooking.json.id}`, { as: w.oakOffice })).status).toBe(404);
    expect((await t.request('DELETE', `/api/bookings/${brookBooking.json.id}`, { as: w.oakOffice })).status).toBe(404);
    expect((await t.request('PATCH', `/api/users/${w.brookStaff.id}`, { as: w.oakOffice, body: { disabled: true } })).status).toBe(404);
    const mine = await t.request('GET', `/api/sessions/${w.s.id}/bookings`, { as: w.oakOffice });
    expect(mine.json.items.map((b: any) => b.userName)).toEqual(['Hana Hill']);
    expect((await t.request('GET', `/api/bookings/${brookBooking.json.id}`, { as: w.brookStaff })).json.status).toBe('confirmed');
  });

  it('a school office still acts for its own school only: not its sister school, not its trust', async () => {
    const w = await setting();
    expect((await book(w.hillOffice, w.s.id, { userId: w.hillStaff.id })).status).toBe(201);
    expect((await book(w.hillOffice, w.s.id, { userId: w.valeStaff.id })).status).toBe(404);
    expect((await t.request('GET', `/api/orgs/${w.vale.id}/bookings`, { as: w.hillOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${w.s.id}/roster?orgId=${w.vale.id}`, { as: w.hillOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${w.oak.id}/users`, { as: w.hillOffice })).status).toBe(403);
    expect((await t.request('GET', '/api/orgs', { as: w.hillOffice })).json.items.map((o: any) => o.name)).toEqual(['Hill Primary']);
    // Staff of a school are not office staff of anything.
    expect((await book(w.hillStaff, w.s.id, { userId: w.valeStaff.id })).status).toBe(403);
  });

  it('sees a school’s own free and held seats with its people, counted as that school would see them', async () => {
    const w = await setting();
    // 10 online seats: 4 held for Vale, 3 for Hill (one of them taken by Hill's own staff).
    expect((await t.request('PUT', `/api/sessions/${w.s.id}/holds`, { as: w.trainer, body: { orgId: w.vale.id, seat: 'online', seats: 4 } })).status).toBe(204);
    expect((await t.request('PUT', `/api/sessions/${w.s.id}/holds`, { as: w.trainer, body: { orgId: w.hill.id, seat: 'online', seats: 3 } })).status).toBe(204);
    expect((await book(w.hillOffice, w.s.id, { userId: w.hillStaff.id })).status).toBe(201);
    const seatsFor = async (orgId: string) => {
      const r = await t.request('GET', `/api/sessions/${w.s.id}/roster?orgId=${orgId}`, { as: w.oakOffice });
      expect(r.status).toBe(200);
      return r.json.seats.online;
    };
    // Public: 10 - 1 confirmed - 4 held for Vale - 2 still held for Hill = 3.
    expect(await seatsFor(w.vale.id)).toMatchObject({ capacity: 10, confirmed: 1, available: 7, publicAvailable: 3, heldForViewer: 4 });
    expect(await seatsFor(w.hill.id)).toMatchObject({ available: 5, publicAvailable: 3, heldForViewer: 2 });
    // The trust itself holds nothing: it sees the public seats, as the session page does for it.
    const trust = await seatsFor(w.oak.id);
    expect(trust).toMatchObject({ available: 3, heldForViewer: 0 });
    expect(trust).toEqual((await t.request('GET', `/api/sessions/${w.s.id}`, { as: w.oakOffice })).json.seats.online);
  });
});

describe('a school moved out of its trust', () => {
  it('gives up its staff’s places and its seat holds on the trust’s in-house sessions, so the queue moves on, and says how many', async () => {
    const w = await setting();
    const forOak = await t.session({ mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 3 }, title: 'Oak SENCO network', audience: { kind: 'trust', orgId: w.oak.id } }, w.trainer);
    expect((await t.request('PUT', `/api/sessions/${forOak.id}/holds`, { as: w.trainer, body: { orgId: w.hill.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const hillPlace = await book(w.hillStaff, forOak.id, { seat: 'online' });
    const valePlace = await book(w.valeStaff, forOak.id, { seat: 'online' });
    const valeWaiting = await book(await t.user('staff', w.vale.id, 'Vera Vale'), forOak.id, { seat: 'online' });
    expect([hillPlace.json.status, valePlace.json.status, valeWaiting.json.status]).toEqual(['confirmed', 'confirmed', 'waitlisted']);
    const programme = await book(w.hillStaff, w.s.id, { seat: 'online' });
    expect(programme.status).toBe(201);

    const moved = await t.request('PATCH', `/api/orgs/${w.hill.id}`, { as: w.admin, body: { parentId: null } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ id: w.hill.id, parentId: null, placesGivenUp: 1, holdsReleased: 1 });

    // The place is given up and its holder told why; the hold is gone; the seat went to the queue.
    const status = async (id: string) => (await t.request('GET', `/api/bookings/${id}`, { as: w.admin })).json.status;
    expect(await status(hillPlace.json.id)).toBe('cancelled');
    expect(await status(valePlace.json.id)).toBe('confirmed');
    expect(await status(valeWaiting.json.id)).not.toBe('waitlisted');
    const told = await t.mails('cancelled');
    expect(told.map((m) => m.to_email)).toEqual([w.hillStaff.email]);
    expect(told[0]!.message.text).toContain('Hill Primary is no longer part of Oak Learning Trust');
    expect((await t.request('GET', `/api/sessions/${forOak.id}/holds`, { as: w.trainer })).json.items).toEqual([]);
    expect((await t.request('GET', `/api/sessions/${forOak.id}`, { as: w.hillStaff })).status).toBe(404);
    // Places on sessions they can still see are theirs; a change that moves nothing gives up nothing.
    expect(await status(programme.json.id)).toBe('confirmed');
    const renamed = await t.request('PATCH', `/api/orgs/${w.hill.id}`, { as: w.admin, body: { name: 'Hill Primary School' } });
    expect(renamed.json).toMatchObject({ name: 'Hill Primary School', placesGivenUp: 0, holdsReleased: 0 });
  });
});

