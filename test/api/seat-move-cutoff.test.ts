/**
 * A booking cut-off freezes how many come in person and how many online (the room, the
 * catering): once it has passed, the person and their school office may no longer move a
 * place between the kinds of a hybrid session (409 booking_closed, in words saying when it
 * closed and that the trainer still can), and nothing changes. The session's trainers and
 * administrators still may, until the session ends. Before the cut-off the person still may,
 * and a cut-off moved later by the trainer is read as it now is.
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

// Booking closes at noon the day before (12:00 GMT on Monday, 9 March 2026); the session ends at 17:00 the next day.
const hybrid = { title: 'Sensory circuits', mode: 'hybrid', venue: 'Oak hall', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', bookingClosesAt: '2026-03-09T12:00:00Z', capacity: { inPerson: 2, online: 2 } };
const CLOSED_AT = '12:00 GMT on Monday, 9 March 2026';

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
/** How many are booked, offered and waiting of each kind (what the cut-off froze). */
const seatsOf = async (sessionId: string, as: TestUser) => {
  const { seats } = (await t.request('GET', `/api/sessions/${sessionId}`, { as })).json;
  const counts = (c: { confirmed: number; offered: number; waitlisted: number }) => ({ confirmed: c.confirmed, offered: c.offered, waitlisted: c.waitlisted });
  return { inPerson: counts(seats.inPerson), online: counts(seats.online) };
};

describe('moving a seat after the booking cut-off', () => {
  it('the person and their school office are refused in words once it has passed, and nothing changes; before it the person could', async () => {
    const school = await t.org('Riverside Primary');
    const office = await t.user('office', school.id, 'Olu Office');
    const asha = await t.user('staff', school.id, 'Asha Ahmed');
    const s = await t.session(hybrid);
    const a = await book(s.id, asha, 'online');

    // Before the cut-off the person moves their own seat, and back.
    t.clock.set('2026-03-09T11:59:00Z');
    expect((await move(a.id, asha, 'in_person')).status).toBe(200);
    expect((await move(a.id, asha, 'online')).status).toBe(200);
    const mailsBefore = (await t.mails('seat_changed')).length;
    expect(mailsBefore).toBe(2);
    const seatsBefore = await seatsOf(s.id, s.trainer);

    // At the cut-off: a new booking is refused, and so is moving a seat.
    t.clock.set('2026-03-09T12:00:00Z');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff'), body: { seat: 'in_person' } })).json.error.code).toBe('booking_closed');
    const own = await move(a.id, asha, 'in_person');
    expect(own.status).toBe(409);
    expect(own.json.error).toMatchObject({
      code: 'booking_closed',
      message: `Booking for this session closed at ${CLOSED_AT}, so seats can no longer be changed here. The session’s trainer can still move you to an in-person seat: ask them.`,
    });
    t.clock.advance(3_600_000);
    const byOffice = await move(a.id, office, 'in_person');
    expect(byOffice.status).toBe(409);
    expect(byOffice.json.error).toMatchObject({
      code: 'booking_closed',
      message: `Booking for this session closed at ${CLOSED_AT}, so seats can no longer be changed here. The session’s trainer can still move Asha Ahmed to an in-person seat: ask them.`,
    });

    expect(await placeOf(a.id, asha)).toMatchObject({ seat: 'online', status: 'confirmed' });
    expect(await seatsOf(s.id, s.trainer)).toEqual(seatsBefore);
    expect(await t.mails('seat_changed')).toHaveLength(mailsBefore);
  });

  it('a waiting place is refused too: a seat of the other kind free would take it at once, changing the numbers', async () => {
    const asha = await t.user('staff', (await t.org()).id, 'Asha Ahmed');
    const s = await t.session({ ...hybrid, capacity: { inPerson: 1, online: 1 } });
    await book(s.id, await t.user('staff'), 'in_person');
    const w = await book(s.id, asha, 'in_person');
    expect(w.status).toBe('waitlisted');
    t.clock.set('2026-03-09T13:00:00Z');
    const res = await move(w.id, asha, 'online');
    expect([res.status, res.json.error.code]).toEqual([409, 'booking_closed']);
    expect(await placeOf(w.id, asha)).toMatchObject({ seat: 'in_person', status: 'waitlisted', position: 1 });
    expect((await seatsOf(s.id, s.trainer)).online).toMatchObject({ confirmed: 0 });
    expect(await t.mails('seat_changed')).toHaveLength(0);
  });

  it('the session’s trainer and an administrator still move it after the cut-off, until the session ends; the person is emailed', async () => {
    const asha = await t.user('staff', (await t.org()).id, 'Asha Ahmed');
    const s = await t.session(hybrid);
    const a = await book(s.id, asha, 'online');
    t.clock.set('2026-03-10T16:30:00Z');
    const byTrainer = await move(a.id, s.trainer, 'in_person');
    expect(byTrainer.status, byTrainer.text).toBe(200);
    expect(byTrainer.json).toMatchObject({ seat: 'in_person', status: 'confirmed' });
    const byAdmin = await move(a.id, await t.user('admin'), 'online');
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(await placeOf(a.id, asha)).toMatchObject({ seat: 'online', status: 'confirmed' });
    expect((await t.mails('seat_changed')).map((m) => m.to_email)).toEqual([asha.email, asha.email]);
    // Once the session has ended, no one moves it (attendance is recorded by the room).
    t.clock.set('2026-03-10T17:00:00Z');
    expect((await move(a.id, s.trainer, 'in_person')).status).toBe(409);
  });

  it('a cut-off the trainer moves later is read as it now is: the person may move their seat again until the new one', async () => {
    const asha = await t.user('staff', (await t.org()).id, 'Asha Ahmed');
    const s = await t.session(hybrid);
    const a = await book(s.id, asha, 'online');
    t.clock.set('2026-03-09T13:00:00Z');
    expect((await move(a.id, asha, 'in_person')).status).toBe(409);
    const later = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { bookingClosesAt: '2026-03-10T09:00:00Z' } });
    expect(later.status, later.text).toBe(200);
    const res = await move(a.id, asha, 'in_person');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ seat: 'in_person', status: 'confirmed' });
  });
});
