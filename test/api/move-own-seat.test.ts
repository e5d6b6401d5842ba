/**
 * Changing between an online and an in-person seat of a hybrid session without cancelling:
 * the person themselves and the office staff who book for their school may, as the session's
 * trainers may (POST /api/bookings/{id}/seat, the same engine): a seat moves only to a free
 * one, a queue place keeps its turn, the seat left goes to the queue, the person is emailed.
 * Anyone else is told there is no such booking.
 */
import { randomUUID } from 'node:crypto';
import { deliverDue } from '../../server/notifications/delivery.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const hybrid = { title: 'Sensory circuits', mode: 'hybrid', venue: 'Oak hall', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z' };

async function book(sessionId: string, who: TestUser, seat: 'in_person' | 'online') {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: who, body: { seat } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

const move = (id: string, as: TestUser, seat: 'in_person' | 'online') => t.request('POST', `/api/bookings/${id}/seat`, { as, body: { seat } });
const placeOf = async (id: string, as: TestUser) => {
  const b = (await t.request('GET', `/api/bookings/${id}`, { as })).json;
  return { seat: b.seat, status: b.status, position: b.position };
};

describe('changing seat kind without cancelling', () => {
  it('the person moves their own seat to the other kind; the seat they leave goes to the head of its queue; they are emailed', async () => {
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 2 } });
    const school = await t.org('Riverside Primary');
    const asha = await t.user('staff', school.id, 'Asha Ahmed');
    const ben = await t.user('staff', null, 'Ben Evans');
    const a = await book(s.id, asha, 'in_person');
    const b = await book(s.id, ben, 'in_person');
    expect(b.status).toBe('waitlisted');

    const res = await move(a.id, asha, 'online');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: a.id, seat: 'online', status: 'confirmed' });
    expect(await placeOf(b.id, ben)).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    const told = await t.mails('seat_changed');
    expect(told.map((m) => m.to_email)).toEqual([asha.email]);
    expect(told[0]!.message.text).toContain('You have moved your place to an online seat: you join from the session page.');
    expect(told[0]!.message.text).not.toContain('The trainer');
  });

  it('their school’s office, and their trust’s, move it for them; the person is emailed, not the office', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Valley Trust', kind: 'trust' } })).json as { id: string };
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Riverside Primary', parentId: trust.id } })).json as { id: string };
    const office = await t.user('office', school.id, 'Olu Office');
    const trustOffice = await t.user('office', trust.id, 'Tia Trust');
    const asha = await t.user('staff', school.id, 'Asha Ahmed');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 2, online: 2 } });
    const a = await book(s.id, asha, 'in_person');

    const byOffice = await move(a.id, office, 'online');
    expect(byOffice.status, byOffice.text).toBe(200);
    expect(byOffice.json).toMatchObject({ seat: 'online', status: 'confirmed', userName: 'Asha Ahmed' });
    // Filed (no mail server) before the next move, so it keeps what it said then.
    await deliverDue(t.deps, null);
    const byTrust = await move(a.id, trustOffice, 'in_person');
    expect(byTrust.status, byTrust.text).toBe(200);
    expect(await placeOf(a.id, asha)).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    const told = await t.mails('seat_changed');
    expect(told.map((m) => m.to_email)).toEqual([asha.email, asha.email]);
    // Each email says who moved it, as a cancellation's does: never "the trainer" for an office's move.
    expect(told[0]!.message.text).toContain('Olu Office from your school\'s office has moved your place to an online seat');
    expect(told[1]!.message.text).toContain('Tia Trust from your trust\'s office has moved your place to an in-person seat');
  });

  it('to another school’s office, a colleague of the same school and a trainer who does not run it there is no such booking; nothing changes', async () => {
    const school = await t.org('Riverside Primary');
    const elsewhere = await t.org('Hilltop Academy');
    const asha = await t.user('staff', school.id, 'Asha Ahmed');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 2, online: 2 } });
    const a = await book(s.id, asha, 'in_person');
    for (const who of [await t.user('office', elsewhere.id), await t.user('staff', school.id), await t.user('trainer')]) {
      const missing = await move(randomUUID(), who, 'online');
      const real = await move(a.id, who, 'online');
      expect([who.role, real.status, real.json.error]).toEqual([who.role, 404, missing.json.error]);
      expect(real.json.error.message).toBe('No such booking.');
    }
    expect(await placeOf(a.id, asha)).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    expect(await t.mails('seat_changed')).toHaveLength(0);
  });

  it('a move into a full kind is refused in words, for the person and their office alike, and changes nothing', async () => {
    const school = await t.org('Riverside Primary');
    const office = await t.user('office', school.id);
    const asha = await t.user('staff', school.id, 'Asha Ahmed');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } });
    const a = await book(s.id, asha, 'in_person');
    await book(s.id, await t.user('staff'), 'online');
    const waiting = await t.user('staff');
    const w = await book(s.id, waiting, 'in_person');
    // "You" to the person, by name to their office; nothing changed, and what to do (test/api/seat-change-free.test.ts).
    for (const [who, message] of [
      [asha, 'There is no free online seat for you now, so you keep your in-person seat: nothing has changed. Check again later, as a seat may come free.'],
      [office, 'There is no free online seat for Asha Ahmed now, so Asha Ahmed keeps their in-person seat: nothing has changed. Check again later, as a seat may come free.'],
    ] as const) {
      const res = await move(a.id, who, 'online');
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'conflict', message });
    }
    expect(await placeOf(a.id, asha)).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    expect(await placeOf(w.id, waiting)).toMatchObject({ seat: 'in_person', status: 'waitlisted', position: 1 });
    expect(await t.mails('seat_changed')).toHaveLength(0);
  });

  it('a waiting place moved by its person keeps its turn: ahead of those who joined the other queue later, and first to the next seat there', async () => {
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } });
    await book(s.id, await t.user('staff'), 'in_person');
    const onlineHolder = await t.user('staff');
    const held = await book(s.id, onlineHolder, 'online');
    const cara = await t.user('staff', null, 'Cara Cole');
    const dev = await t.user('staff', null, 'Dev Desai');
    const c = await book(s.id, cara, 'in_person'); // waiting first, for an in-person seat
    t.clock.advance(60_000);
    const d = await book(s.id, dev, 'online'); // waiting later, for an online seat
    expect(await placeOf(d.id, dev)).toMatchObject({ status: 'waitlisted', position: 1 });

    const res = await move(c.id, cara, 'online');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ seat: 'online', status: 'waitlisted', position: 1 });
    expect(await placeOf(d.id, dev)).toMatchObject({ seat: 'online', status: 'waitlisted', position: 2 });
    expect((await t.mails('seat_changed')).map((m) => m.to_email)).toEqual([cara.email]);

    expect((await t.request('DELETE', `/api/bookings/${held.id}`, { as: onlineHolder })).status).toBe(200);
    expect(await placeOf(c.id, cara)).toMatchObject({ seat: 'online', status: 'confirmed' });
    expect(await placeOf(d.id, dev)).toMatchObject({ status: 'waitlisted', position: 1 });
  });
});

describe('moving a seat back and forth', () => {
  it('is limited per place in an hour, as cancelling is: the seventh move is refused with Retry-After and changes nothing; a refused move is not counted', async () => {
    const s = await t.session({ ...hybrid, capacity: { inPerson: 2, online: 2 } });
    const asha = await t.user('staff', (await t.org()).id, 'Asha Ahmed');
    const a = await book(s.id, asha, 'in_person');
    for (let i = 0; i < 6; i++) expect((await move(a.id, asha, i % 2 === 0 ? 'online' : 'in_person')).status).toBe(200);
    const seventh = await move(a.id, asha, 'online');
    expect(seventh.status).toBe(429);
    expect(seventh.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(seventh.json.error.message).toContain('Nothing was changed.');
    expect(await placeOf(a.id, asha)).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    expect(await t.mails('seat_changed')).toHaveLength(6);
    // An hour on, it may be moved again.
    t.clock.advance(60 * 60_000 + 1_000);
    expect((await move(a.id, asha, 'online')).status).toBe(200);
  });
});
