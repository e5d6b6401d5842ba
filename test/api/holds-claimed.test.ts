/**
 * A hold cannot be set below the seats its organisation's staff have already taken from it
 * (the session page would say "2 taken of 1"): the change is refused with a clear 409 and
 * nothing changes. Releasing the hold (0) stays possible: the staff keep their seats.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  expect(await seatCountDrift(t.db)).toEqual([]);
  await t.close();
});

const putHold = (as: TestUser, sessionId: string, orgId: string, seats: number) => t.request('PUT', `/api/sessions/${sessionId}/holds`, { as, body: { orgId, seat: 'online', seats } });
const holdsOf = async (as: TestUser, sessionId: string) => (await t.request('GET', `/api/sessions/${sessionId}/holds`, { as })).json.items;

describe('a hold below its claimed seats', () => {
  it('is refused with 409 and a message saying how many are taken, for office staff, trainers and administrators; nothing changes; 0 still releases it', async () => {
    const oak = await t.org('Oak Primary');
    const office = await t.user('office', oak.id);
    const admin = await t.user('admin');
    const s = await t.session({ capacity: { online: 5 }, holdsReleaseAt: '2026-02-03T09:00:00Z', startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b] = [await t.user('staff', oak.id), await t.user('staff', oak.id)];
    await t.user('staff', oak.id);
    expect((await putHold(office, s.id, oak.id, 3)).status).toBe(204);
    for (const p of [a, b]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.status).toBe('confirmed');
    expect(await holdsOf(office, s.id)).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 3, claimed: 2 }]);

    for (const who of [office, s.trainer, admin]) {
      const below = await putHold(who, s.id, oak.id, 1);
      expect(below.status).toBe(409);
      expect(below.json.error).toEqual({
        code: 'conflict',
        message: '2 online seats of this hold are already taken by staff of Oak Primary: hold at least 2, or 0 to release the hold (they keep their seats).',
        details: { claimed: 2 },
      });
      expect(await holdsOf(office, s.id)).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 3, claimed: 2 }]);
    }
    // Down to exactly what is taken is fine.
    expect((await putHold(office, s.id, oak.id, 2)).status).toBe(204);
    expect(await holdsOf(office, s.id)).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 2, claimed: 2 }]);
    // Released: the staff keep their seats.
    expect((await putHold(office, s.id, oak.id, 0)).status).toBe(204);
    expect(await holdsOf(office, s.id)).toEqual([]);
    const statuses = await t.db.selectFrom('bookings').select('status').where('session_id', '=', s.id).execute();
    expect(statuses.map((r) => r.status)).toEqual(['confirmed', 'confirmed']);
    // Held again: the new hold starts afresh, its seats all free for the school's staff (the old claims are seats of their own).
    expect((await putHold(office, s.id, oak.id, 1)).status).toBe(204);
    expect(await holdsOf(office, s.id)).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 0 }]);
    // One who had claimed a seat cancels: the seat goes back to everyone, not into the new hold.
    const aBooking = (await t.request('GET', '/api/me/bookings', { as: a })).json.items[0];
    expect((await t.request('DELETE', `/api/bookings/${aBooking.id}`, { as: a })).status).toBe(200);
    expect(await holdsOf(office, s.id)).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 0 }]);
    const session = (await t.request('GET', `/api/sessions/${s.id}`, { as: admin })).json;
    expect(session.seats.online).toMatchObject({ capacity: 5, confirmed: 1 });
  });
});

describe('someone waiting who moves into a school holding unclaimed seats on the session', () => {
  it('gets one of them at once, as booking then would give; their old school’s place in the queue is not needed', async () => {
    const admin = await t.user('admin');
    const [oldSchool, newSchool] = [await t.org('Old School'), await t.org('New School')];
    const s = await t.session({ capacity: { online: 2 }, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    expect((await putHold(s.trainer, s.id, newSchool.id, 1)).status).toBe(204);
    const [p, q] = [await t.user('staff', oldSchool.id), await t.user('staff', oldSchool.id)];
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.status).toBe('confirmed');
    const waiting = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: q, body: {} });
    expect(waiting.json.status).toBe('waitlisted');
    const moved = await t.request('PUT', `/api/users/${q.id}/placement`, { as: admin, body: { role: 'staff', orgId: newSchool.id } });
    expect(moved.status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${waiting.json.id}`, { as: admin })).json.status).toBe('confirmed');
    expect((await t.mails('promoted')).map((m) => m.to_email)).toEqual([q.email]);
    expect((await holdsOf(s.trainer, s.id)).map((h: { orgId: string; claimed: number }) => [h.orgId, h.claimed])).toEqual([[newSchool.id, 1]]);
  });
});

describe('someone holding a seat of their school’s hold who moves away from the school', () => {
  const book = async (p: TestUser, sessionId: string) => (await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: p, body: {} })).json;
  const bookingOf = async (as: TestUser, id: string) => (await t.request('GET', `/api/bookings/${id}`, { as })).json;

  it('keeps the seat as one of their own; the hold has its seat back for the school’s staff, not for anyone else; the counts stay those of the rows', async () => {
    const admin = await t.user('admin');
    const [ash, birch] = [await t.org('Ash Primary'), await t.org('Birch Primary')];
    const ashOffice = await t.user('office', ash.id);
    const [ann, amy, al] = [await t.user('staff', ash.id, 'Ann'), await t.user('staff', ash.id, 'Amy'), await t.user('staff', ash.id, 'Al')];
    const bea = await t.user('staff', birch.id, 'Bea');
    const s = await t.session({ capacity: { online: 3 }, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    expect((await putHold(ashOffice, s.id, ash.id, 2)).status).toBe(204);
    const annBooking = await book(ann, s.id);
    expect(annBooking.status).toBe('confirmed');
    expect((await bookingOf(admin, annBooking.id)).heldFor).toBe(ash.id);
    expect(await holdsOf(ashOffice, s.id)).toEqual([{ orgId: ash.id, orgName: 'Ash Primary', seat: 'online', seats: 2, claimed: 1 }]);

    const moved = await t.request('PUT', `/api/users/${ann.id}/placement`, { as: admin, body: { role: 'staff', orgId: birch.id } });
    expect(moved.status).toBe(200);
    expect(moved.json.placesGivenUp).toBe(0);
    // Ann keeps her seat, no longer taken from Ash's hold; Ash's office sees both its held seats free again.
    expect(await bookingOf(admin, annBooking.id)).toMatchObject({ status: 'confirmed', heldFor: null });
    expect(await holdsOf(ashOffice, s.id)).toEqual([{ orgId: ash.id, orgName: 'Ash Primary', seat: 'online', seats: 2, claimed: 0 }]);
    expect((await t.request('GET', `/api/orgs/${ash.id}/bookings`, { as: ashOffice })).json.items).toEqual([]);
    expect(await seatCountDrift(t.db)).toEqual([]);

    // Birch's staff cannot take Ash's held seats (invariant 11): Bea waits.
    expect((await book(bea, s.id)).status).toBe('waitlisted');
    // Ash's staff get both held seats.
    const [amyBooking, alBooking] = [await book(amy, s.id), await book(al, s.id)];
    expect([amyBooking.status, alBooking.status]).toEqual(['confirmed', 'confirmed']);
    for (const b of [amyBooking, alBooking]) expect((await bookingOf(admin, b.id)).heldFor).toBe(ash.id);
    expect(await holdsOf(ashOffice, s.id)).toEqual([{ orgId: ash.id, orgName: 'Ash Primary', seat: 'online', seats: 2, claimed: 2 }]);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: admin })).json.seats.online).toMatchObject({ capacity: 3, confirmed: 3, waitlisted: 1 });
    expect(await bookingOf(admin, annBooking.id)).toMatchObject({ status: 'confirmed', heldFor: null });
    expect(await seatCountDrift(t.db)).toEqual([]);
  });

  it('made a trainer (no organisation) when every other seat is taken or held: keeps the seat, and the hold keeps one seat fewer, never more than the session has', async () => {
    const admin = await t.user('admin');
    const ash = await t.org('Ash Primary');
    const [ann, amy, al] = [await t.user('staff', ash.id, 'Ann'), await t.user('staff', ash.id, 'Amy'), await t.user('staff', ash.id, 'Al')];
    const s = await t.session({ capacity: { online: 2 }, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    expect((await putHold(s.trainer, s.id, ash.id, 2)).status).toBe(204);
    const annBooking = await book(ann, s.id);
    expect(annBooking.status).toBe('confirmed');
    expect(await holdsOf(s.trainer, s.id)).toEqual([{ orgId: ash.id, orgName: 'Ash Primary', seat: 'online', seats: 2, claimed: 1 }]);

    const moved = await t.request('PUT', `/api/users/${ann.id}/placement`, { as: admin, body: { role: 'trainer', orgId: null } });
    expect(moved.status).toBe(200);
    expect(moved.json.placesGivenUp).toBe(0);
    // Her seat is no longer Ash's, and no seat open to everyone is left for it to become:
    // Ash has one held seat left to give (the session's other seat), not two it has not got.
    expect(await bookingOf(admin, annBooking.id)).toMatchObject({ status: 'confirmed', heldFor: null });
    expect(await holdsOf(s.trainer, s.id)).toEqual([{ orgId: ash.id, orgName: 'Ash Primary', seat: 'online', seats: 1, claimed: 0 }]);
    expect(await seatCountDrift(t.db)).toEqual([]);

    const amyBooking = await book(amy, s.id);
    expect(amyBooking.status).toBe('confirmed');
    expect((await bookingOf(admin, amyBooking.id)).heldFor).toBe(ash.id);
    expect((await book(al, s.id)).status).toBe('waitlisted');
    expect(await holdsOf(s.trainer, s.id)).toEqual([{ orgId: ash.id, orgName: 'Ash Primary', seat: 'online', seats: 1, claimed: 1 }]);
    // The holds promise no seat the session has not got, so the session can still be changed.
    const edited = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Understanding autism, part 2' } });
    expect(edited.status).toBe(200);
    expect(edited.json.seats.online).toMatchObject({ capacity: 2, confirmed: 2, waitlisted: 1 });
    expect(await seatCountDrift(t.db)).toEqual([]);
  });
});
