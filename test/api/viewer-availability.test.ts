/**
 * Availability is per viewer (issue 15, point 1): a school's own unclaimed hold counts as free
 * to its people, in the session, the list and the booking outcome alike; everyone else sees
 * the public count.
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

const book = (as: TestUser, sessionId: string) => t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: {} });

describe('held seats are seen by the school they are held for', () => {
  it('hold 20 of 25 for school B, school A takes the 5 open seats: B sees 20 free and is confirmed, C sees full and is queued', async () => {
    const [a, b, c] = [await t.org('School A'), await t.org('School B'), await t.org('School C')];
    const s = await t.session({ capacity: { online: 25 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: b.id, seat: 'online', seats: 20 } })).status).toBe(204);
    for (let i = 0; i < 5; i++) expect((await book(await t.user('staff', a.id), s.id)).json.status).toBe('confirmed');
    const aLate = await t.user('staff', a.id);
    const bStaff = await t.user('staff', b.id);
    const cStaff = await t.user('staff', c.id);

    const seen = async (who: TestUser) => (await t.request('GET', `/api/sessions/${s.id}`, { as: who })).json.seats.online;
    const listed = async (who: TestUser) => (await t.request('GET', '/api/sessions?from=2026-02-01T00:00:00Z', { as: who })).json.items.find((x: { id: string }) => x.id === s.id).seats.online;

    expect(await seen(bStaff)).toMatchObject({ capacity: 25, confirmed: 5, available: 20, publicAvailable: 0, heldForViewer: 20 });
    expect(await listed(bStaff)).toMatchObject({ available: 20, publicAvailable: 0, heldForViewer: 20 });
    expect(await seen(cStaff)).toMatchObject({ available: 0, publicAvailable: 0, heldForViewer: 0 });
    expect(await listed(cStaff)).toMatchObject({ available: 0, publicAvailable: 0 });
    expect(await seen(aLate)).toMatchObject({ available: 0 });

    expect((await book(bStaff, s.id)).json).toMatchObject({ status: 'confirmed' });
    expect((await book(cStaff, s.id)).json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await seen(await t.user('staff', b.id))).toMatchObject({ confirmed: 6, available: 19, heldForViewer: 19, waitlisted: 1 });
    expect(await seen(cStaff)).toMatchObject({ confirmed: 6, available: 0, waitlisted: 1 });
  });

  it('once the holds are released, everyone sees the same count', async () => {
    const [b, c] = [await t.org('School B'), await t.org('School C')];
    const s = await t.session({ capacity: { online: 10 }, holdsReleaseAt: '2026-02-02T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: b.id, seat: 'online', seats: 4 } });
    const [bStaff, cStaff] = [await t.user('staff', b.id), await t.user('staff', c.id)];
    const seen = async (who: TestUser) => (await t.request('GET', `/api/sessions/${s.id}`, { as: who })).json.seats.online;
    expect(await seen(bStaff)).toMatchObject({ available: 10, publicAvailable: 6, heldForViewer: 4 });
    // Another school is told of no seats held for it, though seats are free to it.
    expect(await seen(cStaff)).toMatchObject({ available: 6, publicAvailable: 6, heldForViewer: 0 });
    t.clock.set('2026-02-02T10:00:00Z');
    expect(await seen(bStaff)).toMatchObject({ available: 10, publicAvailable: 10, heldForViewer: 0 });
    expect(await seen(cStaff)).toMatchObject({ available: 10, publicAvailable: 10 });
  });

  it('a school that books more people than it holds seats for: the extra ones take open seats, so a held seat given up goes back to the school, not to everyone', async () => {
    const [b, c] = [await t.org('School B'), await t.org('School C')];
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: b.id, seat: 'online', seats: 1 } });
    const [b1, b2, cStaff] = [await t.user('staff', b.id), await t.user('staff', b.id), await t.user('staff', c.id)];
    const seen = async (who: TestUser) => (await t.request('GET', `/api/sessions/${s.id}`, { as: who })).json.seats.online;
    const first = (await book(b1, s.id)).json;
    expect(first.status).toBe('confirmed');
    expect((await book(b2, s.id)).json.status).toBe('confirmed');
    expect(await seen(cStaff)).toMatchObject({ confirmed: 2, available: 1 });
    // The first took the held seat; when they cancel, it is held for School B again.
    expect((await t.request('DELETE', `/api/bookings/${first.id}`, { as: b1 })).status).toBe(200);
    expect(await seen(cStaff)).toMatchObject({ confirmed: 1, available: 1, publicAvailable: 1, heldForViewer: 0 });
    expect(await seen(await t.user('staff', b.id))).toMatchObject({ confirmed: 1, available: 2, heldForViewer: 1 });
    // The trainer sees the hold unclaimed again (the second booking never counted against it).
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([expect.objectContaining({ orgId: b.id, seats: 1, claimed: 0 })]);
  });

  it('tells a person who books twice that they already have a seat, and an office the person’s name', async () => {
    const school = await t.org();
    const s = await t.session();
    const me = await t.user('staff', school.id, 'Sam Jones');
    const office = await t.user('office', school.id);
    await book(me, s.id);
    const again = await book(me, s.id);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe('You already have a seat for this session.');
    const byOffice = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [me.id] } });
    expect(byOffice.json.results[0].error.message).toBe('Sam Jones already has a seat for this session.');
  });
});
