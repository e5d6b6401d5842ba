import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { deliverDue, type Mailer } from '../../server/notifications/delivery.js';
import { bookingEndsOf } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const book = (as: TestUser, sessionId: string, body: Record<string, unknown> = {}) => t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
const seats = async (id: string, as: TestUser) => (await t.request('GET', `/api/sessions/${id}`, { as })).json.seats;
/** The person's calendar event for a booking, as its invite download has it now. */
const event = async (bookingId: string, as: TestUser) => {
  const res = await t.request('GET', `/api/bookings/${bookingId}/invite.ics`, { as });
  expect(res.status, res.text).toBe(200);
  const cal = readCalendar(res.text);
  return { method: cal.method, status: cal.events[0]!.status, sequence: cal.events[0]!.sequence, description: cal.events[0]!.description, summary: cal.events[0]!.summary };
};
/**
 * The person's calendar event for a booking with no seat (waiting or offered), as their own
 * feed has it now: such a place has no invite to download (409).
 */
const feedEvent = async (bookingId: string, as: TestUser) => {
  expect((await t.request('GET', `/api/bookings/${bookingId}/invite.ics`, { as })).status).toBe(409);
  const feed = await t.request('GET', new URL((await t.request('GET', '/api/me/calendar', { as })).json.url).pathname);
  expect(feed.status, feed.text).toBe(200);
  const e = readCalendar(feed.text).events.find((x) => x.description.includes(`/bookings/${bookingId}`))!;
  return { status: e.status, sequence: e.sequence, description: e.description, summary: e.summary };
};
/** The emails a person is sent (or will be), by kind: not those filed as decided against (`dropped`). */
const outboxKinds = async (userId: string) => (await t.db.selectFrom('outbox').select('kind').where('user_id', '=', userId).where('status', '!=', 'dropped').orderBy('id').execute()).map((r) => r.kind);

/**
 * Lowers a session's online capacity below its taken and held seats, past the API (which
 * refuses it): the state of a session stored before held seats counted against capacity.
 */
async function heldSeatsWithoutRoom(sessionId: string, online: number) {
  const patch = await t.request('PATCH', `/api/sessions/${sessionId}`, { as: await t.user('admin'), body: { capacity: { online } } });
  expect(patch.json.error?.message).toMatch(/held for organisations/);
  await t.db.updateTable('sessions').set({ capacity_online: online }).where('id', '=', sessionId).execute();
}

async function staff(n: number, orgId?: string) {
  const org = orgId ?? (await t.org()).id;
  const people: TestUser[] = [];
  for (let i = 0; i < n; i++) people.push(await t.user('staff', org));
  return people;
}

describe('booking a seat', () => {
  it('numbers every queue place in a list (the trainer’s, a person’s own) as one booking’s own answer does, per session and seat, skipping places given up', async () => {
    const [one, two] = [await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 1, online: 1 } }), await t.session({ capacity: { online: 1 } })];
    const people = await staff(9);
    const placed: { id: string; sessionId: string }[] = [];
    for (const [i, p] of people.entries()) {
      const b = await book(p, one.id, { seat: i % 2 ? 'online' : 'in_person' });
      placed.push({ id: b.json.id, sessionId: one.id });
      // Everyone waits on the second session too (the first person has its seat).
      await book(p, two.id);
    }
    // Two places in the middle of the in-person queue are given up.
    await t.request('DELETE', `/api/bookings/${placed[4]!.id}`, { as: people[4]! });
    await t.request('DELETE', `/api/bookings/${placed[6]!.id}`, { as: people[6]! });
    const one1 = async (id: string, as: TestUser) => (await t.request('GET', `/api/bookings/${id}`, { as })).json.position;
    const list = (await t.request('GET', `/api/sessions/${one.id}/attendees`, { as: one.trainer })).json.items as { bookingId: string; status: string; seat: string; position: number | null }[];
    const waiting = list.filter((r) => r.status === 'waitlisted');
    expect(waiting.map((r) => [r.seat, r.position])).toEqual([
      ['in_person', 1], ['online', 1], ['online', 2], ['online', 3], ['in_person', 2],
    ]);
    for (const r of waiting) expect(r.position).toBe(await one1(r.bookingId, people[placed.findIndex((p) => p.id === r.bookingId)]!));
    // A person's own list, across both sessions.
    const mine = (await t.request('GET', '/api/me/bookings', { as: people[8]! })).json.items as { sessionId: string; position: number | null }[];
    expect(mine.map((b) => [b.sessionId === one.id ? 'one' : 'two', b.position]).sort()).toEqual([['one', 2], ['two', 8]]);
  });

  it('confirms while seats are free, then waitlists with 1-based positions', async () => {
    const s = await t.session({ capacity: { online: 2 } });
    const [a, b, c, d] = await staff(4);
    expect((await book(a!, s.id)).json).toMatchObject({ status: 'confirmed', seat: 'online' });
    expect((await book(b!, s.id)).json.status).toBe('confirmed');
    const third = await book(c!, s.id);
    expect(third.status).toBe(201);
    expect(third.json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await book(d!, s.id)).json).toMatchObject({ status: 'waitlisted', position: 2 });
    expect(await seats(s.id, a!)).toMatchObject({ online: { capacity: 2, confirmed: 2, offered: 0, waitlisted: 2, available: 0 } });
    expect(await outboxKinds(a!.id)).toEqual(['confirmed']);
    expect(await outboxKinds(c!.id)).toEqual(['waitlisted']);
  });

  it('allows one active booking per person per session (409)', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    expect((await book(a!, s.id)).status).toBe(201);
    const again = await book(a!, s.id);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_booked');
    expect(await t.db.selectFrom('bookings').select('id').where('user_id', '=', a!.id).execute()).toHaveLength(1);
  });

  it('lets a person book again after cancelling', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    const first = await book(a!, s.id);
    expect((await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a })).json.status).toBe('cancelled');
    expect((await book(a!, s.id)).json.status).toBe('confirmed');
  });

  it('keeps separate capacity and queues per seat kind on hybrid sessions', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Main Hall', capacity: { inPerson: 1, online: 1 } });
    const [a, b, c] = await staff(3);
    expect((await book(a!, s.id, { seat: 'in_person' })).json.status).toBe('confirmed');
    expect((await book(b!, s.id, { seat: 'in_person' })).json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await book(c!, s.id, { seat: 'online' })).json.status).toBe('confirmed');
  });

  it('refuses a seat kind the session does not offer, and changes nothing', async () => {
    const s = await t.session({ capacity: { online: 5 } });
    const [a] = await staff(1);
    const res = await book(a!, s.id, { seat: 'in_person' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toBe('This session has no in-person seats.');
    expect(res.json.error.details.issues).toEqual([{ path: 'seat', message: 'not offered by this session' }]);
    expect(await t.db.selectFrom('bookings').select('id').execute()).toHaveLength(0);
  });

  it('an in-person session is booked in person without saying so; it has no online seats to book', async () => {
    const s = await t.session({ mode: 'in_person', venue: 'Main Hall', capacity: { inPerson: 1 } });
    const [a, b] = await staff(2);
    expect((await book(a!, s.id)).json).toMatchObject({ status: 'confirmed', seat: 'in_person' });
    const online = await book(b!, s.id, { seat: 'online' });
    expect(online.status).toBe(400);
    expect(online.json.error.message).toBe('This session has no online seats.');
    expect((await book(b!, s.id)).json).toMatchObject({ status: 'waitlisted', seat: 'in_person', position: 1 });
  });

  it('closes booking at the session end, or at its own cut-off', async () => {
    const s = await t.session({ startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z', bookingClosesAt: '2026-02-09T12:00:00Z' });
    const [a, b] = await staff(2);
    t.clock.set('2026-02-09T12:00:00.000Z');
    const closed = await book(a!, s.id);
    expect(closed.status).toBe(409);
    expect(closed.json.error.code).toBe('booking_closed');
    expect(closed.json.error.message).toBe('Booking for this session has closed.');
    // Under way, 08:00 to 09:30 (90 minutes, 75% of them to attend): open to its last minute
    // (CONTRACT: booking is open until a session ends), though someone booking after 08:22:30
    // cannot attend enough of it to count (the session page warns them); at its end, closed as ended.
    const past = await t.session({ startsAt: '2026-02-01T08:00:00Z', endsAt: '2026-02-01T09:30:00Z' });
    t.clock.set('2026-02-01T08:22:30.000Z');
    expect((await book(b!, past.id)).json.status).toBe('confirmed');
    t.clock.set('2026-02-01T09:29:59.999Z');
    const late = await book(a!, past.id);
    expect(late.status).toBe(201);
    expect(late.json.status).toBe('confirmed');
    await t.request('DELETE', `/api/bookings/${late.json.id}`, { as: a });
    t.clock.set('2026-02-01T09:30:00.000Z');
    expect((await book(a!, past.id)).json.error).toEqual({ code: 'booking_closed', message: 'This session has ended: it can no longer be booked.' });
    expect((await t.db.selectFrom('bookings').select('status').where('user_id', '=', a!.id).execute()).map((r) => r.status)).toEqual(['cancelled']);
  });

  it('booking is open until the session ends whatever its attendance threshold; an earlier cut-off comes first (CONTRACT)', async () => {
    const [a, b, c, d] = await staff(4);
    const at = (threshold: number, bookingClosesAt?: string) => t.session({ startsAt: '2026-02-01T10:00:00Z', endsAt: '2026-02-01T11:00:00Z', attendanceThreshold: threshold, ...(bookingClosesAt ? { bookingClosesAt } : {}) });
    const all = await at(1);
    const none = await at(0);
    const half = await at(0.5);
    const cut = await at(0.5, '2026-02-01T10:10:00Z');
    const ends = async (id: string) => (await t.request('GET', `/api/sessions/${id}`, { as: a })).json.bookingEndsAt;
    expect([await ends(all.id), await ends(none.id), await ends(half.id), await ends(cut.id)]).toEqual(['2026-02-01T11:00:00.000Z', '2026-02-01T11:00:00.000Z', '2026-02-01T11:00:00.000Z', '2026-02-01T10:10:00.000Z']);
    t.clock.set('2026-02-01T10:00:00.000Z');
    expect((await book(a!, all.id)).json.status).toBe('confirmed');
    expect((await book(a!, none.id)).json.status).toBe('confirmed');
    expect((await book(b!, half.id)).json.status).toBe('confirmed');
    t.clock.set('2026-02-01T10:10:00.000Z');
    expect((await book(c!, cut.id)).json.error.message).toBe('Booking for this session has closed.');
    expect((await book(c!, half.id)).json.status).toBe('confirmed');
    t.clock.set('2026-02-01T10:59:00.000Z');
    expect((await book(d!, half.id)).json.status).toBe('confirmed');
    expect((await book(b!, all.id)).json.status).toBe('confirmed');
    // The cut-off came first: that is still why.
    expect((await book(d!, cut.id)).json.error.message).toBe('Booking for this session has closed.');
    t.clock.set('2026-02-01T11:00:00.000Z');
    expect((await book(c!, none.id)).json.error).toEqual({ code: 'booking_closed', message: 'This session has ended: it can no longer be booked.' });
  });

  it('staff book only themselves; office staff book their own staff, several at once; admins anyone', async () => {
    const orgA = await t.org();
    const orgB = await t.org();
    const s = await t.session({ capacity: { online: 2 } });
    const [a1, a2, a3] = await staff(3, orgA.id);
    const [b1] = await staff(1, orgB.id);
    const officeA = await t.user('office', orgA.id);
    const admin = await t.user('admin');

    const notMine = await book(a1!, s.id, { userId: a2!.id });
    expect(notMine.status).toBe(403);

    const bulk = await book(officeA, s.id, { userIds: [a1!.id, a2!.id, a3!.id, b1!.id] });
    expect(bulk.status).toBe(201);
    const byUser = Object.fromEntries(bulk.json.results.map((r: { userId: string }) => [r.userId, r]));
    expect(byUser[a1!.id]).toMatchObject({ status: 'confirmed' });
    expect(byUser[a2!.id]).toMatchObject({ status: 'confirmed' });
    expect(byUser[a3!.id]).toMatchObject({ status: 'waitlisted', position: 1 });
    // Another school's person is answered as no one is: the answer does not say the account exists.
    expect(byUser[b1!.id]).toMatchObject({ error: { code: 'not_found', message: 'No such person among the staff you book for.' } });
    const nobody = await book(officeA, s.id, { userIds: [randomUUID()] });
    expect(nobody.json.results[0].error).toEqual(byUser[b1!.id].error);
    expect((await book(officeA, s.id, { userId: b1!.id })).status).toBe((await book(officeA, s.id, { userId: randomUUID() })).status);
    expect(await t.db.selectFrom('bookings').select('id').where('user_id', '=', b1!.id).execute()).toHaveLength(0);

    expect((await book(admin, s.id, { userId: b1!.id })).json).toMatchObject({ status: 'waitlisted', position: 2 });
    const roster = await t.request('GET', `/api/orgs/${orgA.id}/bookings`, { as: officeA });
    expect(roster.json.items.map((b: { userName: string }) => b.userName).sort()).toEqual([a1!.name, a2!.name, a3!.name].sort());
    expect((await t.request('GET', `/api/orgs/${orgB.id}/bookings`, { as: officeA })).status).toBe(403);
  });

  it('hides bookings from people who may not see them', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    const [other] = await staff(1);
    const officeElsewhere = await t.user('office', (await t.org()).id);
    const b = await book(a!, s.id);
    expect((await t.request('GET', `/api/bookings/${b.json.id}`, { as: a })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${b.json.id}`, { as: other })).status).toBe(404);
    expect((await t.request('DELETE', `/api/bookings/${b.json.id}`, { as: officeElsewhere })).status).toBe(404);
    expect((await t.request('GET', `/api/bookings/${b.json.id}`, { as: a })).json.status).toBe('confirmed');
  });
});

describe('reading bookings', () => {
  it('a person’s bookings say what each session is, when and where; an office narrows its school’s bookings to a range of dates', async () => {
    const org = await t.org();
    const [a] = await staff(1, org.id);
    const office = await t.user('office', org.id);
    const early = await t.session({ title: 'Early one', mode: 'in_person', venue: 'Main Hall', capacity: { inPerson: 5 }, startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z' });
    const late = await t.session({ title: 'Late one', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' });
    for (const s of [early, late]) expect((await book(a!, s.id)).status).toBe(201);

    const mine = (await t.request('GET', '/api/me/bookings', { as: a })).json.items;
    expect(mine.map((b: { session: unknown }) => b.session)).toEqual([
      { id: early.id, title: 'Early one', mode: 'in_person', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', timeZone: 'Europe/London', venue: 'Main Hall', status: 'scheduled', queueEndsAt: '2026-02-10T17:00:00.000Z', bookingEndsAt: '2026-02-10T17:00:00.000Z' },
      { id: late.id, title: 'Late one', mode: 'online', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', timeZone: 'Europe/London', venue: null, status: 'scheduled', queueEndsAt: '2026-03-10T17:00:00.000Z', bookingEndsAt: '2026-03-10T17:00:00.000Z' },
    ]);

    const titles = async (query: string) => (await t.request('GET', `/api/orgs/${org.id}/bookings${query}`, { as: office })).json.items.map((b: { session: { title: string } }) => b.session.title);
    expect(await titles('')).toEqual(['Early one', 'Late one']);
    expect(await titles('?from=2026-03-01T00:00:00.000Z')).toEqual(['Late one']);
    expect(await titles('?to=2026-03-01T00:00:00.000Z')).toEqual(['Early one']);
    // A session under way at `from` is still in the range; one starting at `to` is not.
    expect(await titles('?from=2026-02-10T16:30:00.000Z&to=2026-03-10T16:00:00.000Z')).toEqual(['Early one']);
  });

  it('a session’s trainer sees everyone on its roster in queue order; an office only its own staff', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 1 } });
    const [o1, o2] = await staff(2, oak.id);
    const [e1] = await staff(1, elm.id);
    for (const p of [o1!, e1!, o2!]) expect((await book(p, s.id)).status).toBe(201);
    const roster = async (as: TestUser) => (await t.request('GET', `/api/sessions/${s.id}/bookings`, { as })).json.items.map((b: { userName: string; status: string; position: number | null }) => [b.userName, b.status, b.position]);
    expect(await roster(s.trainer)).toEqual([
      [o1!.name, 'confirmed', null],
      [e1!.name, 'waitlisted', 1],
      [o2!.name, 'waitlisted', 2],
    ]);
    expect(await roster(await t.user('office', oak.id))).toEqual([
      [o1!.name, 'confirmed', null],
      [o2!.name, 'waitlisted', 2],
    ]);
  });
});

describe('acting for someone else', () => {
  it('their school office or an administrator can cancel a booking for them; a colleague cannot, and learns nothing of it', async () => {
    const org = await t.org();
    const s = await t.session();
    const [a, colleague] = await staff(2, org.id);
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    const first = await book(a!, s.id);
    expect((await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: colleague })).status).toBe(404);
    const byOffice = await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: office });
    expect(byOffice.status).toBe(200);
    expect(byOffice.json.status).toBe('cancelled');
    const second = await book(a!, s.id);
    const byAdmin = await t.request('DELETE', `/api/bookings/${second.json.id}`, { as: admin });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json.status).toBe('cancelled');
    expect(await outboxKinds(a!.id)).toEqual(['confirmed', 'cancelled', 'confirmed', 'cancelled']);
  });

  it('says what someone already has when they, or their office, book again', async () => {
    const s = await t.session({ capacity: { online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const org = await t.org();
    const [a, x, b, c] = await staff(4, org.id);
    const office = await t.user('office', org.id);
    const first = await book(a!, s.id);
    await book(x!, s.id);
    await book(b!, s.id);
    await book(c!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    const again = async (p: TestUser) => (await book(p, s.id)).json.error.message;
    expect(await again(x!)).toBe('You already have a seat for this session.');
    expect(await again(b!)).toBe('You already have a seat offered for this session.');
    expect(await again(c!)).toBe('You already have a place on the waitlist for this session.');
    const byOffice = await book(office, s.id, { userIds: [x!.id, c!.id] });
    expect(byOffice.json.results.map((r: { error: { message: string } }) => r.error.message)).toEqual([
      `${x!.name} already has a seat for this session.`,
      `${c!.name} already has a place on the waitlist for this session.`,
    ]);
  });
});

describe('cancelling, accepting and declining', () => {
  it('cancelling raises the event’s SEQUENCE once: cancelling again changes and sends nothing; a booking that does not exist is 404', async () => {
    const s = await t.session();
    const [a, other] = await staff(2);
    const b = await book(a!, s.id);
    const booked = await event(b.json.id, a!);
    expect((await t.request('DELETE', `/api/bookings/${b.json.id}`, { as: a })).json.status).toBe('cancelled');
    const cancelled = await event(b.json.id, a!);
    expect(cancelled.method).toBe('CANCEL');
    expect(cancelled.sequence).toBeGreaterThan(booked.sequence);
    const again = await t.request('DELETE', `/api/bookings/${b.json.id}`, { as: a });
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('cancelled');
    expect(await event(b.json.id, a!)).toEqual(cancelled);
    expect(await outboxKinds(a!.id)).toEqual(['confirmed', 'cancelled']);
    const missing = await t.request('DELETE', '/api/bookings/00000000-0000-4000-8000-000000000000', { as: a });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', message: 'No such booking.' });
    expect((await t.request('DELETE', `/api/bookings/${b.json.id}`, { as: other })).json.error).toMatchObject({ code: 'not_found', message: 'No such booking.' });
  });

  it('once attendance is recorded a booking can no longer be cancelled by the person or removed by the trainer, whether present or absent', async () => {
    const s = await t.session({ startsAt: '2026-02-01T10:00:00Z', endsAt: '2026-02-01T11:00:00Z' });
    const [a, b] = await staff(2);
    const ba = await book(a!, s.id);
    const bb = await book(b!, s.id);
    t.clock.set('2026-02-01T11:30:00.000Z');
    for (const [id, attended] of [[ba.json.id, true], [bb.json.id, false]] as const) {
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${id}`, { as: s.trainer, body: { attended } })).status).toBe(200);
    }
    expect((await t.request('GET', `/api/bookings/${ba.json.id}`, { as: a })).json.status).toBe('attended');
    expect((await t.request('GET', `/api/bookings/${bb.json.id}`, { as: b })).json.status).toBe('absent');
    for (const [id, who] of [[ba.json.id, a!], [bb.json.id, b!]] as const) {
      const cancel = await t.request('DELETE', `/api/bookings/${id}`, { as: who });
      expect(cancel.status).toBe(409);
      expect(cancel.json.error).toMatchObject({ code: 'conflict', message: 'Attendance has been recorded for this booking; it can no longer be cancelled.' });
      const remove = await t.request('POST', `/api/bookings/${id}/remove`, { as: s.trainer, body: { reason: 'Left early' } });
      expect(remove.status).toBe(409);
      expect(remove.json.error).toMatchObject({ code: 'conflict', message: 'Attendance has been recorded for this booking; it can no longer be removed.' });
    }
    expect((await t.request('GET', `/api/bookings/${ba.json.id}`, { as: a })).json.status).toBe('attended');
    expect((await t.request('GET', `/api/bookings/${bb.json.id}`, { as: b })).json.status).toBe('absent');
    expect(await t.mails('removed')).toHaveLength(0);
  });

  it('only the person offered may accept or decline; a place still waiting cannot be; accepting twice is fine; an offer is gone at its expiry to the millisecond', async () => {
    const s = await t.session({ capacity: { online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const org = await t.org();
    const [a, x, b, c, d] = await staff(5, org.id);
    const office = await t.user('office', org.id);
    const first = await book(a!, s.id);
    const second = await book(x!, s.id);
    const qb = await book(b!, s.id);
    const qc = await book(c!, s.id);
    const qd = await book(d!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    await t.request('DELETE', `/api/bookings/${second.json.id}`, { as: x });
    const offerB = (await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json;
    expect(offerB.status).toBe('offered');
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json.status).toBe('offered');

    // Their office may cancel for them, but not answer an offer for them.
    expect((await t.request('POST', `/api/bookings/${qc.json.id}/accept`, { as: office })).status).toBe(404);
    expect((await t.request('POST', `/api/bookings/${qc.json.id}/decline`, { as: office })).status).toBe(404);
    for (const action of ['accept', 'decline']) {
      const waiting = await t.request('POST', `/api/bookings/${qd.json.id}/${action}`, { as: d });
      expect(waiting.status).toBe(409);
      expect(waiting.json.error).toMatchObject({ code: 'not_offered', message: 'There is no seat on offer for this booking.' });
    }
    expect((await t.request('GET', `/api/bookings/${qd.json.id}`, { as: d })).json).toMatchObject({ status: 'waitlisted', position: 1 });

    const offeredC = await feedEvent(qc.json.id, c!);
    expect((await t.request('POST', `/api/bookings/${qc.json.id}/accept`, { as: c })).json.status).toBe('confirmed');
    expect((await event(qc.json.id, c!)).sequence).toBeGreaterThan(offeredC.sequence);
    const twice = await t.request('POST', `/api/bookings/${qc.json.id}/accept`, { as: c });
    expect(twice.status).toBe(200);
    expect(twice.json.status).toBe('confirmed');
    expect(await outboxKinds(c!.id)).toEqual(['waitlisted', 'offered', 'confirmed']);

    t.clock.set(offerB.offerExpiresAt);
    const atExpiry = await t.request('POST', `/api/bookings/${qb.json.id}/accept`, { as: b });
    expect(atExpiry.status).toBe(409);
    expect(atExpiry.json.error).toMatchObject({ code: 'not_offered', message: 'This offer has expired, so the seat goes to the next person in the queue.' });
  });

  it('answering an offer on a session cancelled since says the session was cancelled, not only that no seat is on offer, and changes nothing', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b] = await staff(2);
    const first = await book(a!, s.id);
    const queued = await book(b!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: b })).json.status).toBe('offered');
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    const kinds = await outboxKinds(b!.id);
    for (const action of ['accept', 'decline']) {
      const refused = await t.request('POST', `/api/bookings/${queued.json.id}/${action}`, { as: b });
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({ code: 'session_cancelled', message: 'This session has been cancelled, so there is no seat on offer any more.' });
    }
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: b })).json.status).toBe('cancelled');
    expect(await outboxKinds(b!.id)).toEqual(kinds);
  });

  it('moving a place its person has cancelled is refused in words, and changes nothing', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 2, online: 2 }, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a] = await staff(1);
    const mine = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: { seat: 'online' } });
    await t.request('DELETE', `/api/bookings/${mine.json.id}`, { as: a });
    const moved = await t.request('POST', `/api/bookings/${mine.json.id}/seat`, { as: s.trainer, body: { seat: 'in_person' } });
    expect(moved.status).toBe(409);
    expect(moved.json.error).toMatchObject({ code: 'conflict', message: 'This place has been cancelled, so it can no longer be moved.' });
    expect((await t.request('GET', `/api/bookings/${mine.json.id}`, { as: a })).json).toMatchObject({ status: 'cancelled', seat: 'online' });
  });

  it('declining an offer raises the event’s SEQUENCE, says so, and offers the seat on', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    const qb = await book(b!, s.id);
    const qc = await book(c!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    const offered = await feedEvent(qb.json.id, b!);
    expect((await t.request('POST', `/api/bookings/${qb.json.id}/decline`, { as: b })).json.status).toBe('cancelled');
    const declined = await event(qb.json.id, b!);
    expect(declined.method).toBe('CANCEL');
    expect(declined.sequence).toBeGreaterThan(offered.sequence);
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'offered', 'offer_declined']);
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json.status).toBe('offered');
  });

  it('at the very start of the session a freed seat is confirmed, not offered', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-01T12:00:00Z', endsAt: '2026-02-01T13:00:00Z' });
    const [a, b] = await staff(2);
    const first = await book(a!, s.id);
    const queued = await book(b!, s.id);
    t.clock.set('2026-02-01T12:00:00.000Z');
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: b })).json).toMatchObject({ status: 'confirmed', offerExpiresAt: null });
  });
});

describe('the waitlist', () => {
  it('gives a freed seat to the head of the queue in the same transaction (auto policy)', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    await book(b!, s.id);
    await book(c!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    const mine = (await t.request('GET', '/api/me/bookings', { as: b })).json.items;
    expect(mine[0]).toMatchObject({ status: 'confirmed', position: null });
    const theirs = (await t.request('GET', '/api/me/bookings', { as: c })).json.items;
    expect(theirs[0]).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'promoted']);
    expect(await outboxKinds(a!.id)).toEqual(['confirmed', 'cancelled']);
  });

  it('closes up positions when someone leaves the queue', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const [a, b, c, d] = await staff(4);
    await book(a!, s.id);
    const qb = await book(b!, s.id);
    await book(c!, s.id);
    await book(d!, s.id);
    await t.request('DELETE', `/api/bookings/${qb.json.id}`, { as: b });
    expect((await t.request('GET', '/api/me/bookings', { as: c })).json.items[0].position).toBe(1);
    expect((await t.request('GET', '/api/me/bookings', { as: d })).json.items[0].position).toBe(2);
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'left_waitlist']);
  });

  it('offer policy: holds the seat until expiry, never past the start; accept confirms', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 24 * 60, startsAt: '2026-02-01T20:00:00Z', endsAt: '2026-02-01T21:00:00Z' });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    const qb = await book(b!, s.id);
    await book(c!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    const offered = (await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json;
    expect(offered.status).toBe('offered');
    expect(offered.offerExpiresAt).toBe('2026-02-01T20:00:00.000Z'); // capped at the start, not 24 h
    expect(await seats(s.id, a!)).toMatchObject({ online: { confirmed: 0, offered: 1, waitlisted: 1, available: 0 } });
    // Someone else cannot take the held seat.
    const [late] = await staff(1);
    expect((await book(late!, s.id)).json.status).toBe('waitlisted');
    expect((await t.request('POST', `/api/bookings/${qb.json.id}/accept`, { as: c })).status).toBe(404);
    const accepted = await t.request('POST', `/api/bookings/${qb.json.id}/accept`, { as: b });
    expect(accepted.json.status).toBe('confirmed');
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'offered', 'confirmed']);
  });

  it('offer policy: an expired offer passes to the next person; declining does too', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c, d] = await staff(4);
    const first = await book(a!, s.id);
    const qb = await book(b!, s.id);
    const qc = await book(c!, s.id);
    await book(d!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    t.clock.advance(61 * 60_000);
    const tooLate = await t.request('POST', `/api/bookings/${qb.json.id}/accept`, { as: b });
    expect(tooLate.status).toBe(409);
    expect(tooLate.json.error.code).toBe('not_offered');
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('cancelled');
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json.status).toBe('offered');
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'offered', 'offer_expired']);
    const declined = await t.request('POST', `/api/bookings/${qc.json.id}/decline`, { as: c });
    expect(declined.json.status).toBe('cancelled');
    expect((await t.request('GET', '/api/me/bookings', { as: d })).json.items[0].status).toBe('offered');
  });

  it('offer policy: someone whose offer lapsed unanswered can book again, and the booking itself lapses the offer first', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    const qb = await book(b!, s.id);
    await book(c!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('offered');
    t.clock.advance(61 * 60_000);
    // No job has run: booking again finds the lapsed offer, passes the seat on, and queues b.
    const again = await book(b!, s.id);
    expect(again.status).toBe(201);
    expect(again.json.status).toBe('waitlisted');
    expect(again.json.position).toBe(1);
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('cancelled');
    expect((await t.request('GET', '/api/me/bookings', { as: c })).json.items[0].status).toBe('offered');
  });

  it('warns before an offer expires, once, each person offered', async () => {
    const s = await t.session({ capacity: { online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 24 * 60, startsAt: '2026-02-08T16:00:00Z', endsAt: '2026-02-08T17:00:00Z' });
    const [a, c, b, d] = await staff(4);
    const first = await book(a!, s.id);
    const second = await book(c!, s.id);
    await book(b!, s.id);
    await book(d!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    await t.request('DELETE', `/api/bookings/${second.json.id}`, { as: c });
    t.clock.advance(23 * 3_600_000);
    await runJobsOnce(t.deps, null);
    await runJobsOnce(t.deps, null);
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'offered', 'offer_expiring']);
    expect(await outboxKinds(d!.id)).toEqual(['waitlisted', 'offered', 'offer_expiring']);
  });

  it('does not warn of an offer made with under two hours to run (its notice said when it expires), but does when a session brought forward pulls an offer’s expiry within two hours', async () => {
    const short = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-08T16:00:00Z', endsAt: '2026-02-08T17:00:00Z' });
    const [a, b] = await staff(2);
    const first = await book(a!, short.id);
    await book(b!, short.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    await runJobsOnce(t.deps, null);
    t.clock.advance(30 * 60_000);
    await runJobsOnce(t.deps, null);
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'offered']);

    // Offered for 24 hours; then the session is brought forward to 90 minutes from now, and the offer with it.
    const long = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 24 * 60, startsAt: '2026-02-08T16:00:00Z', endsAt: '2026-02-08T17:00:00Z' });
    const [c, d] = await staff(2);
    const seat = await book(c!, long.id);
    const waiting = await book(d!, long.id);
    await t.request('DELETE', `/api/bookings/${seat.json.id}`, { as: c });
    await runJobsOnce(t.deps, null);
    const startsAt = new Date(t.clock.now().getTime() + 90 * 60_000).toISOString();
    expect((await t.request('PATCH', `/api/sessions/${long.id}`, { as: long.trainer, body: { startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() } })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${waiting.json.id}`, { as: d })).json.offerExpiresAt).toBe(startsAt);
    t.clock.advance(5_000);
    await runJobsOnce(t.deps, null);
    await runJobsOnce(t.deps, null);
    expect((await outboxKinds(d!.id)).filter((k) => k === 'offer_expiring')).toEqual(['offer_expiring']);
  });

  it('raising capacity promotes from the queue; lowering below taken seats is refused', async () => {
    const s = await t.session({ capacity: { online: 2 } });
    const [a, b, c, d] = await staff(4);
    for (const p of [a, b, c, d]) await book(p!, s.id);
    const lower = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 1 } } });
    expect(lower.status).toBe(409);
    expect(lower.json.error.code).toBe('capacity_below_confirmed');
    expect((await seats(s.id, a!)).online.capacity).toBe(2);
    const raise = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 3 } } });
    expect(raise.status).toBe(200);
    expect(raise.json.seats.online).toMatchObject({ capacity: 3, confirmed: 3, waitlisted: 1 });
    expect((await t.request('GET', '/api/me/bookings', { as: c })).json.items[0].status).toBe('confirmed');
  });
  it('a promotion and a lapsed offer each raise the calendar event’s SEQUENCE, so calendars apply them', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    const qb = await book(b!, s.id);
    const qc = await book(c!, s.id);
    const waiting = await feedEvent(qb.json.id, b!);
    expect(waiting.status).toBe('TENTATIVE');
    const cWaiting = await feedEvent(qc.json.id, c!);

    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    const offered = await feedEvent(qb.json.id, b!);
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('offered');
    expect(offered.sequence).toBeGreaterThan(waiting.sequence);

    t.clock.advance(61 * 60_000);
    await runJobsOnce(t.deps, null);
    const lapsed = await event(qb.json.id, b!);
    expect(lapsed.method).toBe('CANCEL');
    expect(lapsed.sequence).toBeGreaterThan(offered.sequence);
    // The seat passed on: the next person's event changes too, with a higher number.
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json.status).toBe('offered');
    expect((await feedEvent(qc.json.id, c!)).sequence).toBeGreaterThan(cWaiting.sequence);
  });

  it('when capacity is raised, a waiting person from a school with a held seat takes it, and the other new seat goes to the next in the queue', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 1 } });
    const [e1, e2, e3] = await staff(3, elm.id);
    const [o1] = await staff(1, oak.id);
    for (const p of [e1, e2]) expect((await book(p!, s.id)).json.status).toBe('confirmed');
    // Capacity down to the two seats taken, so Oak's held seat has no room: the API now refuses
    // that (held seats count), but a session stored before that rule may be so.
    await heldSeatsWithoutRoom(s.id, 2);
    const oakWaits = await book(o1!, s.id);
    expect(oakWaits.json).toMatchObject({ status: 'waitlisted', position: 1 });
    const elmWaits = await book(e3!, s.id);
    expect(elmWaits.json).toMatchObject({ status: 'waitlisted', position: 2 });

    // Two more seats: Oak's person fills the held one, so the other is free to Elm's.
    const raise = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 4 } } });
    expect(raise.status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${oakWaits.json.id}`, { as: o1 })).json.status).toBe('confirmed');
    expect((await t.request('GET', `/api/bookings/${elmWaits.json.id}`, { as: e3 })).json.status).toBe('confirmed');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 1 }]);
  });

  it('when capacity is raised, waiting people of two schools with held seats each take their own, and the seat left goes to the next in the queue', async () => {
    const [oak, ash, elm] = [await t.org('Oak Primary'), await t.org('Ash Academy'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 4 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    for (const org of [oak, ash]) await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 1 } });
    const [e1, e2, e3] = await staff(3, elm.id);
    const [o1] = await staff(1, oak.id);
    const [a1] = await staff(1, ash.id);
    for (const p of [e1, e2]) expect((await book(p!, s.id)).json.status).toBe('confirmed');
    await heldSeatsWithoutRoom(s.id, 2);
    const waiting = [];
    for (const p of [o1, a1, e3]) waiting.push({ p: p!, id: (await book(p!, s.id)).json.id as string });
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 5 } } })).status).toBe(200);
    for (const w of waiting) expect((await t.request('GET', `/api/bookings/${w.id}`, { as: w.p })).json.status).toBe('confirmed');
    const holds = (await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items;
    expect(holds.map((h: { orgName: string; claimed: number }) => [h.orgName, h.claimed]).sort()).toEqual([['Ash Academy', 1], ['Oak Primary', 1]]);
  });

  it('raising capacity by one under the offer policy offers one seat, not one to everyone waiting', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c] = await staff(3);
    await book(a!, s.id);
    const qb = await book(b!, s.id);
    const qc = await book(c!, s.id);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 2 } } })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('offered');
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await seats(s.id, a!)).toMatchObject({ online: { capacity: 2, confirmed: 1, offered: 1, waitlisted: 1, available: 0 } });
  });
});

describe('seat holds', () => {
  it('keeps held seats for the organisation’s staff until the release time', async () => {
    const schoolA = await t.org('Oak Primary');
    const schoolB = await t.org('Elm Academy');
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-03T09:00:00Z' });
    const hold = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: schoolA.id, seat: 'online', seats: 2 } });
    expect(hold.status).toBe(204);
    const [b1, b2] = await staff(2, schoolB.id);
    const [a1] = await staff(1, schoolA.id);
    expect((await book(b1!, s.id)).json.status).toBe('confirmed');
    expect((await book(b2!, s.id)).json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await book(a1!, s.id)).json.status).toBe('confirmed');
    const holds = (await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items;
    expect(holds).toEqual([{ orgId: schoolA.id, orgName: 'Oak Primary', seat: 'online', seats: 2, claimed: 1 }]);
    // At the cut-off the unclaimed held seat goes to the head of the queue.
    t.clock.set('2026-02-03T09:00:00.000Z');
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', '/api/me/bookings', { as: b2 })).json.items[0].status).toBe('confirmed');
  });

  it('a session moved later after its held seats were released and taken does not bring the holds back over a full session: refused in words, changing nothing, and other edits still work', async () => {
    const schoolA = await t.org('Oak Primary');
    const schoolB = await t.org('Elm Academy');
    const s = await t.session({ capacity: { online: 4 }, holdsReleaseAt: '2026-02-03T09:00:00Z', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: schoolA.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const bs = await staff(4, schoolB.id);
    for (const b of bs) await book(b, s.id);
    t.clock.set('2026-02-03T09:00:00.000Z');
    await runJobsOnce(t.deps, null);
    // Released: Elm's waiting staff have the held seats; the session is full.
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.seats.online).toMatchObject({ confirmed: 4, waitlisted: 0 });
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', holdsReleaseAt: '2026-03-03T09:00:00Z' } });
    expect(moved.status).toBe(409);
    expect(moved.json.error.message).toBe('This change brings back 2 online seats held for organisations, released on their release date, but 4 of 4 are now taken. Reduce or remove those seat holds first, or keep the hold release time as it was.');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json).toMatchObject({ startsAt: '2026-02-10T16:00:00.000Z', holdsReleaseAt: '2026-02-03T09:00:00.000Z' });
    // Moved without a new release time (as the edit page moves it), the holds already released stay released: the move is made.
    const kept = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-17T16:00:00Z', endsAt: '2026-02-17T17:00:00Z' } });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json).toMatchObject({ startsAt: '2026-02-17T16:00:00.000Z', holdsReleaseAt: '2026-02-03T09:00:00.000Z' });
    expect(kept.json.seats.online).toMatchObject({ confirmed: 4, waitlisted: 0 });
    // Removing the hold first, the move is made; other edits were never blocked.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Renamed' } })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: schoolA.id, seat: 'online', seats: 0 } })).status).toBe(204);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', holdsReleaseAt: '2026-03-03T09:00:00Z' } })).status).toBe(200);
  });

  it('a session whose holds were released at its booking cut-off (no release time of their own) moves later with them still released', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 2 }, bookingClosesAt: '2026-02-03T09:00:00Z', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const waiting = await staff(2, elm.id);
    for (const b of waiting) expect((await book(b, s.id)).json.status).toBe('waitlisted');
    t.clock.set('2026-02-03T09:00:00.000Z');
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.seats.online).toMatchObject({ confirmed: 2, waitlisted: 0 });
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-17T16:00:00Z', endsAt: '2026-02-17T17:00:00Z' } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ startsAt: '2026-02-17T16:00:00.000Z', bookingClosesAt: '2026-02-10T09:00:00.000Z', holdsReleaseAt: '2026-02-03T09:00:00.000Z' });
    expect(moved.json.seats.online).toMatchObject({ confirmed: 2, waitlisted: 0 });
    // A session with no holds, moved later once its cut-off passed, may be given some until its new cut-off.
    const plain = await t.session({ capacity: { online: 2 }, bookingClosesAt: '2026-02-03T09:00:00Z', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z' });
    expect((await t.request('PATCH', `/api/sessions/${plain.id}`, { as: plain.trainer, body: { startsAt: '2026-02-17T16:00:00Z', endsAt: '2026-02-17T17:00:00Z' } })).json).toMatchObject({ bookingClosesAt: '2026-02-10T09:00:00.000Z', holdsReleaseAt: null });
    expect((await t.request('PUT', `/api/sessions/${plain.id}/holds`, { as: plain.trainer, body: { orgId: oak.id, seat: 'online', seats: 1 } })).status).toBe(204);
  });

  it('refuses a hold larger than the free seats, and staff cannot set holds', async () => {
    const school = await t.org();
    const s = await t.session({ capacity: { online: 2 } });
    const [p] = await staff(1);
    await book(p!, s.id);
    const tooMany = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: school.id, seat: 'online', seats: 2 } });
    expect(tooMany.status).toBe(409);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: p, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(403);
    expect(await t.db.selectFrom('seat_holds').select('id').execute()).toHaveLength(0);
  });

  it('an administrator may hold seats on any session; another trainer may not; a seat kind the session lacks cannot be held', async () => {
    const school = await t.org('Oak Primary');
    const s = await t.session({ capacity: { online: 2 } });
    const admin = await t.user('admin');
    const otherTrainer = await t.user('trainer');
    const refused = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: otherTrainer, body: { orgId: school.id, seat: 'online', seats: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe('Only the session’s trainers or an administrator may do this.');
    const inPerson = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: admin, body: { orgId: school.id, seat: 'in_person', seats: 1 } });
    expect(inPerson.status).toBe(400);
    expect(inPerson.json.error).toMatchObject({ code: 'validation_failed', message: 'This session has no seats of that kind.', details: { issues: [{ path: 'seat', message: 'not offered by this session' }] } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: admin, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: admin })).json.items).toEqual([{ orgId: school.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 0 }]);
  });

  it('each school office sees only its own holds; a hold set to nothing is no longer listed, though its seat stays taken', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 4 } });
    for (const org of [oak, elm]) expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const oakOffice = await t.user('office', oak.id);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: oakOffice })).json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 0 }]);
    // Elm's held seat is taken, then the hold removed: the claim is kept (the seat stays Elm's person's), the hold is not shown.
    const [e1] = await staff(1, elm.id);
    expect((await book(e1!, s.id)).json.status).toBe('confirmed');
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: elm.id, seat: 'online', seats: 0 } })).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 0 }]);
  });
});

describe('school office staff hold seats for their school', () => {
  it('an office holds seats for its own school, no more than its staff with no place could fill, and gives them back; never for another school', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 10 } });
    const office = await t.user('office', oak.id, 'Olu Office');
    const [o1, o2] = await staff(2, oak.id);
    await staff(3, elm.id);
    // Oak has three people (two staff and the office) and none has a place yet.
    expect((await t.request('GET', `/api/sessions/${s.id}/holds/organisations`, { as: office })).json.items.map((o: { name: string }) => o.name)).toEqual(['Oak Primary']);
    const tooMany = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: oak.id, seat: 'online', seats: 4 } });
    expect(tooMany.status).toBe(409);
    expect(tooMany.json.error.message).toBe('Oak Primary can hold at most 3 online seats here: 3 members of staff with no place on this session yet.');
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: oak.id, seat: 'online', seats: 3 } })).status).toBe(204);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 3, claimed: 0 }]);
    expect(await seats(s.id, o1!)).toMatchObject({ online: { available: 10 } });
    const [e1] = await staff(1, elm.id);
    expect(await seats(s.id, e1!)).toMatchObject({ online: { available: 7 } });
    // Their staff claim it; the claimed seats count, so the hold cannot grow past them plus those still without a place.
    expect((await book(o1!, s.id)).json.status).toBe('confirmed');
    expect((await book(o2!, s.id)).json.status).toBe('confirmed');
    const grow = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: oak.id, seat: 'online', seats: 4 } });
    expect(grow.json.error.message).toBe('Oak Primary can hold at most 3 online seats here: 2 already claimed, and one member of staff with no place on this session yet.');
    // Another school: as if it did not exist; nothing changed.
    const elsewhere = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: elm.id, seat: 'online', seats: 1 } });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json.error.message).toBe('No such organisation among those you book for.');
    // Smaller is always possible, and 0 gives the unclaimed seat back to everyone.
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: oak.id, seat: 'online', seats: 0 } })).status).toBe(204);
    expect(await seats(s.id, e1!)).toMatchObject({ online: { available: 8 } });
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([]);
  });

  it('an office holds only seats nobody has: not a seat someone waits for', async () => {
    const oak = await t.org('Oak Primary');
    const s = await t.session({ capacity: { online: 1 } });
    const office = await t.user('office', oak.id);
    await staff(2, oak.id);
    const [x, y] = await staff(2);
    expect((await book(x!, s.id)).json.status).toBe('confirmed');
    expect((await book(y!, s.id)).json.status).toBe('waitlisted');
    const refused = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: oak.id, seat: 'online', seats: 1 } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toBe('No more seats can be held on this session: every seat is taken or held.');
    expect(await t.db.selectFrom('seat_holds').select('id').execute()).toHaveLength(0);
  });

  it('a trust office holds for the trust and its schools; staff still cannot hold seats', async () => {
    const trust = await t.org('Oak Trust');
    const school = await t.org('Birch School');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const s = await t.session({ capacity: { online: 5 } });
    const trustOffice = await t.user('office', trust.id);
    const [b1] = await staff(1, school.id);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds/organisations`, { as: trustOffice })).json.items.map((o: { name: string }) => o.name)).toEqual(['Birch School', 'Oak Trust']);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trustOffice, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(204);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: b1!, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds/organisations`, { as: b1! })).status).toBe(403);
  });
});

describe('how many seats a hold may take', () => {
  it('a school’s hold can grow by what is free once other schools’ unclaimed held seats are set aside; seats its own staff took from it count as its own; the refusal says the most it may hold in all', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 6 } });
    const hold = (orgId: string, n: number) => t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId, seat: 'online', seats: n } });
    expect((await hold(oak.id, 2)).status).toBe(204);
    expect((await hold(elm.id, 2)).status).toBe(204);
    const [o1] = await staff(1, oak.id);
    expect((await book(o1!, s.id)).json.status).toBe('confirmed');
    // Six seats: one taken (from Oak's hold), Elm's two held. Oak may hold 1 + 3 more.
    const tooMany = await hold(oak.id, 5);
    expect(tooMany.status).toBe(409);
    // The number is the hold in all: 1 taken from it and 3 free, so 4, which is 2 more than now.
    expect(tooMany.json.error).toMatchObject({ code: 'conflict', message: 'You can hold at most 4 online seats in all on this session (2 more than the 2 held now).', details: { available: 3, most: 4 } });
    expect((await hold(oak.id, 4)).status).toBe(204);
    // Elm: Oak's three unclaimed seats and the taken one leave it exactly the two it holds.
    const elmMore = await hold(elm.id, 3);
    expect(elmMore.status).toBe(409);
    expect(elmMore.json.error).toMatchObject({ message: 'No more seats can be held on this session: every other seat is taken or held (the 2 held now can stay).', details: { available: 2, most: 2 } });
    expect((await hold(elm.id, 2)).status).toBe(204);
    const items = (await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items;
    expect(items.map((h: { orgName: string; seats: number; claimed: number }) => [h.orgName, h.seats, h.claimed]).sort()).toEqual([
      ['Elm Academy', 2, 0],
      ['Oak Primary', 4, 1],
    ]);
  });

  it('a seat on offer is taken: it cannot be held for a school', async () => {
    const school = await t.org('Oak Primary');
    const s = await t.session({ capacity: { online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    await book(b!, s.id);
    expect((await book(c!, s.id)).json.status).toBe('waitlisted');
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect(await seats(s.id, s.trainer)).toMatchObject({ online: { confirmed: 1, offered: 1 } });
    const res = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: school.id, seat: 'online', seats: 1 } });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toBe('No more seats can be held on this session: every seat is taken or held.');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([]);
  });

  it('removing a hold is never refused, even for an organisation the session is not for (there is nothing to remove)', async () => {
    const [hill, far] = [await t.org('Hill Primary'), await t.org('Far School')];
    const s = await t.session({ capacity: { online: 4 }, audience: { kind: 'organisation', orgId: hill.id } });
    const remove = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: far.id, seat: 'online', seats: 0 } });
    expect(remove.status, remove.text).toBe(204);
    const add = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: far.id, seat: 'online', seats: 1 } });
    expect(add.status).toBe(400);
    expect(add.json.error.details.issues).toEqual([{ path: 'orgId', message: 'is outside who the session is for' }]);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([]);
  });
});

describe('the queue and held seats', () => {
  it('a held seat given up by its school stays held: the head of the queue from another school does not get it while the hold lasts', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 1 } });
    const [e1, e2, e3] = await staff(3, elm.id);
    const [o1] = await staff(1, oak.id);
    for (const p of [e1, e2]) expect((await book(p!, s.id)).json.status).toBe('confirmed');
    const waiting = await book(e3!, s.id);
    expect(waiting.json).toMatchObject({ status: 'waitlisted', position: 1 });
    const held = await book(o1!, s.id);
    expect(held.json.status).toBe('confirmed');
    expect((await t.request('DELETE', `/api/bookings/${held.json.id}`, { as: o1 })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${waiting.json.id}`, { as: e3 })).json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await seats(s.id, (await staff(1, oak.id))[0]!)).online).toMatchObject({ available: 1, heldForViewer: 1 });
  });

  it('an offer that lapsed is passed to the next in the queue when someone next books, and the newcomer queues behind', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-08T16:00:00Z', endsAt: '2026-02-08T17:00:00Z' });
    const [a, b, c, d] = await staff(4);
    const first = await book(a!, s.id);
    const qb = await book(b!, s.id);
    const qc = await book(c!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    t.clock.advance(61 * 60_000);
    expect((await book(d!, s.id)).json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('cancelled');
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json.status).toBe('offered');
  });

  it('on a hybrid session, an online offer that lapsed is passed on when someone next books an in-person seat', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Main Hall', capacity: { inPerson: 1, online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-08T16:00:00Z', endsAt: '2026-02-08T17:00:00Z' });
    const [a, b, c, d] = await staff(4);
    const first = await book(a!, s.id, { seat: 'online' });
    const qb = await book(b!, s.id, { seat: 'online' });
    const qc = await book(c!, s.id, { seat: 'online' });
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    t.clock.advance(61 * 60_000);
    expect((await book(d!, s.id, { seat: 'in_person' })).json.status).toBe('confirmed');
    expect((await t.request('GET', `/api/bookings/${qb.json.id}`, { as: b })).json.status).toBe('cancelled');
    expect((await t.request('GET', `/api/bookings/${qc.json.id}`, { as: c })).json.status).toBe('offered');
  });

  it('once the session has begun, a freed seat goes straight to the next person (no offer to wait on)', async () => {
    // 08:50 to 10:00, now 09:00: 60 of its 70 minutes are left, more than the 75% it takes to attend.
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-01T08:50:00Z', endsAt: '2026-02-01T10:00:00Z' });
    const [a, b] = await staff(2);
    const first = await book(a!, s.id);
    const queued = await book(b!, s.id);
    expect(queued.json.status).toBe('waitlisted');
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: b })).json.status).toBe('confirmed');
  });
  it('a seat freed while the session is under way goes to the next person waiting, before anyone booking now; once it is over, to no one', async () => {
    // 08:30 to 10:00, booked before it starts; at 09:00, with a place given up, the queue moves:
    // booking is open until the end (CONTRACT), so the seat is not left for a newcomer to take.
    t.clock.set('2026-02-01T08:00:00.000Z');
    const s = await t.session({ capacity: { online: 1 }, startsAt: '2026-02-01T08:30:00Z', endsAt: '2026-02-01T10:00:00Z' });
    const [a, b, c] = await staff(3);
    const first = await book(a!, s.id);
    const queued = await book(b!, s.id);
    expect(queued.json.status).toBe('waitlisted');
    const third = await book(c!, s.id);
    expect(third.json.status).toBe('waitlisted');
    t.clock.set('2026-02-01T09:00:00.000Z');
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: b })).json.status).toBe('confirmed');
    expect((await t.mails('promoted')).filter((m) => m.user_id === b!.id)).toHaveLength(1);
    const [late] = await staff(1);
    expect((await book(late!, s.id)).json.status).toBe('waitlisted');
    // Over: a seat given up then goes to no one.
    t.clock.set('2026-02-01T10:00:00.000Z');
    await t.request('DELETE', `/api/bookings/${queued.json.id}`, { as: b });
    expect((await t.request('GET', `/api/bookings/${third.json.id}`, { as: c })).json.status).toBe('waitlisted');
    expect((await t.mails('promoted')).filter((m) => m.user_id === c!.id)).toEqual([]);
  });
  it('in one batch, a school’s person who fills its held seat leaves the open seats to the others in the batch', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 1 } });
    const [o1] = await staff(1, oak.id);
    const [e1, e2] = await staff(2, elm.id);
    const admin = await t.user('admin');
    const batch = await book(admin, s.id, { userIds: [o1!.id, e1!.id, e2!.id] });
    expect(batch.status).toBe(201);
    expect(batch.json.results.map((r: { status: string }) => r.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 1, claimed: 1 }]);
  });

  it('in one batch, people of two schools with held seats each fill their own school’s hold, leaving the open seat to the next person', async () => {
    const [oak, elm, ash] = [await t.org('Oak Primary'), await t.org('Elm Academy'), await t.org('Ash College')];
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    for (const org of [oak, elm]) expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const [o1] = await staff(1, oak.id);
    const [e1] = await staff(1, elm.id);
    const [a1] = await staff(1, ash.id);
    const admin = await t.user('admin');
    const batch = await book(admin, s.id, { userIds: [e1!.id, o1!.id, a1!.id] });
    expect(batch.status).toBe(201);
    expect(batch.json.results.map((r: { status: string }) => r.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    const holds = (await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items;
    expect(holds.map((h: { orgName: string; claimed: number }) => [h.orgName, h.claimed]).sort()).toEqual([['Elm Academy', 1], ['Oak Primary', 1]]);
  });

  it('an office batch after a hold lapsed: the freed seat goes to the head of the queue first, and the batch queues behind with the right places', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ capacity: { online: 2 }, holdsReleaseAt: '2026-02-03T09:00:00Z' });
    await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 1 } });
    const [e1, e2, e3, e4] = await staff(4, elm.id);
    const office = await t.user('office', elm.id);
    expect((await book(e1!, s.id)).json.status).toBe('confirmed');
    const queued = await book(e2!, s.id);
    expect(queued.json).toMatchObject({ status: 'waitlisted', position: 1 });
    // The hold lapses; no sweep has run, so the seat is handed on by the next booking.
    t.clock.set('2026-02-03T09:00:00.000Z');
    const batch = await book(office, s.id, { userIds: [e3!.id, e4!.id] });
    expect(batch.status).toBe(201);
    expect(batch.json.results).toMatchObject([
      { userId: e3!.id, status: 'waitlisted', position: 1 },
      { userId: e4!.id, status: 'waitlisted', position: 2 },
    ]);
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: e2 })).json.status).toBe('confirmed');
    expect(await seats(s.id, e1!)).toMatchObject({ online: { capacity: 2, confirmed: 2, offered: 0, waitlisted: 2, available: 0 } });
  });
});

describe('session changes', () => {
  it('cancelling a session cancels every booking and tells everyone', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const [a, b] = await staff(2);
    await book(a!, s.id);
    await book(b!, s.id);
    const res = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Trainer unwell' } });
    expect(res.json.status).toBe('cancelled');
    for (const p of [a, b]) {
      expect((await t.request('GET', '/api/me/bookings', { as: p })).json.items[0].status).toBe('cancelled');
      expect((await outboxKinds(p!.id)).at(-1)).toBe('session_cancelled');
    }
    const [mail] = await t.mails('session_cancelled');
    expect(mail!.message.text).toContain('Trainer unwell');
    expect((await book((await staff(1))[0]!, s.id)).json.error).toMatchObject({ code: 'session_cancelled', message: 'This session has been cancelled.' });
  });

  it('a time change tells every attendee in their own time zone', async () => {
    const s = await t.session({ startsAt: '2026-06-10T14:00:00Z', endsAt: '2026-06-10T15:00:00Z' });
    const [a] = await staff(1);
    await book(a!, s.id);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-06-11T14:00:00+00:00', endsAt: '2026-06-11T15:30:00+00:00' } });
    expect(moved.status).toBe(200);
    const [mail] = await t.mails('session_changed');
    expect(mail!.message.text).toContain('Thursday, 11 June 2026, 15:00 to 16:30 (BST)');
    expect(mail!.message.html).toContain('<a href="http://localhost:3000/bookings/');
  });

  it('capacity cannot go below the seats taken, offered seats included; the refusal says how many, of which kind', async () => {
    const s = await t.session({ capacity: { online: 3 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const [a, b, c, d] = await staff(4);
    const first = await book(a!, s.id);
    for (const p of [b, c, d]) await book(p!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    expect(await seats(s.id, s.trainer)).toMatchObject({ online: { confirmed: 2, offered: 1 } });
    const lower = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 2 } } });
    expect(lower.status).toBe(409);
    expect(lower.json.error).toMatchObject({ code: 'capacity_below_confirmed', message: '3 online seats are already taken; capacity cannot go below that.', details: { seat: 'online', taken: 3, requested: 2 } });

    const room = await t.session({ mode: 'in_person', venue: 'Hall', capacity: { inPerson: 2 } });
    for (const p of [b, c]) await book(p!, room.id);
    const fewer = await t.request('PATCH', `/api/sessions/${room.id}`, { as: room.trainer, body: { capacity: { inPerson: 1 } } });
    expect(fewer.status).toBe(409);
    expect(fewer.json.error).toMatchObject({ message: '2 in-person seats are already taken; capacity cannot go below that.', details: { seat: 'in_person', taken: 2, requested: 1 } });
    expect((await seats(room.id, room.trainer)).inPerson.capacity).toBe(2);
  });

  it('capacity cannot go below the seats taken and those still held for schools; once the holds are released it can', async () => {
    const oak = await t.org('Oak Primary');
    const s = await t.session({ capacity: { online: 4 }, holdsReleaseAt: '2026-02-05T09:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const [a] = await staff(1);
    await book(a!, s.id);
    const lower = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 2 } } });
    expect(lower.status).toBe(409);
    expect(lower.json.error).toMatchObject({
      code: 'capacity_below_confirmed',
      message: '2 online seats are held for organisations and 1 taken; capacity cannot go below 3. Reduce the held seats first.',
      details: { seat: 'online', taken: 1, held: 2, requested: 2 },
    });
    expect((await seats(s.id, s.trainer)).online.capacity).toBe(4);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 3 } } })).status).toBe(200);
    // An Oak person takes a held seat: the hold keeps only what is left of it.
    const [o1] = await staff(1, oak.id);
    expect((await book(o1!, s.id)).json.status).toBe('confirmed');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 2 } } })).json.error.details).toEqual({ seat: 'online', taken: 2, held: 1, requested: 2 });
    t.clock.set('2026-02-05T09:00:00.000Z');
    const released = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 2 } } });
    expect(released.status, released.text).toBe(200);
    expect(released.json.seats.online).toMatchObject({ capacity: 2, confirmed: 2 });

    const room = await t.session({ mode: 'in_person', venue: 'Hall', capacity: { inPerson: 3 } });
    expect((await t.request('PUT', `/api/sessions/${room.id}/holds`, { as: room.trainer, body: { orgId: oak.id, seat: 'in_person', seats: 2 } })).status).toBe(204);
    const fewer = await t.request('PATCH', `/api/sessions/${room.id}`, { as: room.trainer, body: { capacity: { inPerson: 1 } } });
    expect(fewer.json.error.message).toBe('2 in-person seats are held for organisations and 0 taken; capacity cannot go below 2. Reduce the held seats first.');
  });

  it('a seat kind people are waiting for cannot be removed, though none of its seats is taken', async () => {
    const [oak, elm] = [await t.org('Oak Primary'), await t.org('Elm Academy')];
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { online: 1, inPerson: 1 }, holdsReleaseAt: '2026-02-09T09:00:00Z' });
    for (const seat of ['online', 'in_person']) {
      expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat, seats: 1 } })).status).toBe(204);
    }
    // Every seat is held for Oak, so Elm's people wait.
    const [e1, e2] = await staff(2, elm.id);
    expect((await book(e1!, s.id, { seat: 'online' })).json.status).toBe('waitlisted');
    expect((await book(e2!, s.id, { seat: 'in_person' })).json.status).toBe('waitlisted');
    const noOnline = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { mode: 'in_person' } });
    expect(noOnline.status).toBe(409);
    // Said at the mode, with what to do (the seat counts it names are not on the form once the mode is chosen).
    const onlineGone = '1 person is booked on or waiting for an online seat, which a session in person only does not have. Move them to an in-person seat on Who is coming, or remove them, first; or keep it hybrid.';
    expect(noOnline.json.error).toMatchObject({ code: 'capacity_below_confirmed', message: onlineGone, details: { seat: 'online', waitlisted: 1, issues: [{ path: 'mode', message: onlineGone }] } });
    const noRoom = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { mode: 'online', venue: null } });
    expect(noRoom.status).toBe(409);
    expect(noRoom.json.error).toMatchObject({ message: '1 person is booked on or waiting for an in-person seat, which a session online only does not have. Move them to an online seat on Who is coming, or remove them, first; or keep it hybrid.', details: { seat: 'in_person', waitlisted: 1 } });
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.mode).toBe('hybrid');
  });

  it('several changes of the place made before the first was sent are told once, in one message saying the place as it now is; a change after that is told again', async () => {
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', capacity: { inPerson: 5, online: 0 } });
    const [a] = await staff(1);
    expect((await book(a!, s.id, { seat: 'in_person' })).status).toBe(201);
    const sent: { to: string; kind: string; text: string }[] = [];
    const mailer: Mailer = { send: async (row, message) => void sent.push({ to: row.to_email, kind: row.kind, text: message.text }) };
    await deliverDue(t.deps, mailer);
    sent.length = 0;
    for (const venue of ['Hall B', 'Room 12', 'Main Hall, north door']) expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { venue } })).status).toBe(200);
    await deliverDue(t.deps, mailer);
    expect(sent.map((m) => m.kind)).toEqual(['session_changed']);
    expect(sent[0]!.text).toContain('Main Hall, north door');
    const dropped = await t.db.selectFrom('outbox').select('last_error').where('user_id', '=', a!.id).where('kind', '=', 'session_changed').where('status', '=', 'dropped').execute();
    expect(dropped.map((r) => r.last_error)).toEqual(Array(2).fill('No longer applies: a later change of the session is told in a message of its own, which says everything'));
    // Once told, a further change is told in its turn.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { venue: 'Hall B' } })).status).toBe(200);
    await deliverDue(t.deps, mailer);
    expect(sent.map((m) => m.kind)).toEqual(['session_changed', 'session_changed']);
  });

  it('a new title sends the seat holder the updated invite, as a new time does, each raising its SEQUENCE; the same title sent back tells no one', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    const b = await book(a!, s.id);
    const before = await event(b.json.id, a!);
    const kindsBefore = await outboxKinds(a!.id);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the classroom', description: 'Bring a laptop.' } })).status).toBe(200);
    expect(await outboxKinds(a!.id)).toEqual([...kindsBefore, 'session_changed']);
    const renamed = await event(b.json.id, a!);
    expect(renamed.summary).toBe('Autism in the classroom');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the classroom' } })).status).toBe(200);
    expect(await outboxKinds(a!.id)).toEqual([...kindsBefore, 'session_changed']);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-11T16:00:00.000Z', endsAt: '2026-02-11T17:30:00.000Z' } });
    expect(moved.status).toBe(200);
    expect(await outboxKinds(a!.id)).toEqual([...kindsBefore, 'session_changed', 'session_changed']);
    const after = await event(b.json.id, a!);
    expect(renamed.sequence).toBeGreaterThan(before.sequence);
    expect(after.sequence).toBeGreaterThan(renamed.sequence);
  });

  it('a new description or time zone raises the invite’s SEQUENCE, so calendars take the new text; the same values sent back do not', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    const b = await book(a!, s.id);
    const before = await event(b.json.id, a!);
    const edit = async (body: Record<string, unknown>) => expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body })).status).toBe(200);
    await edit({ description: 'Meet in room 4; no laptop needed.' });
    const described = await event(b.json.id, a!);
    expect(described.description).toContain('Meet in room 4; no laptop needed.');
    expect(described.sequence).toBeGreaterThan(before.sequence);
    // The edit form sends every field back: unchanged ones say nothing new to a calendar.
    await edit({ title: 'Understanding autism', description: 'Meet in room 4; no laptop needed.', capacity: { online: 10 } });
    expect((await event(b.json.id, a!)).sequence).toBe(described.sequence);
    await edit({ timeZone: 'Europe/Dublin' });
    expect((await event(b.json.id, a!)).sequence).toBeGreaterThan(described.sequence);
  });

  it('cancelling a session raises each invite’s SEQUENCE, so calendars remove it', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    const b = await book(a!, s.id);
    const before = await event(b.json.id, a!);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    const after = await event(b.json.id, a!);
    expect(after.method).toBe('CANCEL');
    expect(after.sequence).toBeGreaterThan(before.sequence);
    expect((await t.request('GET', `/api/bookings/${b.json.id}`, { as: a })).json).toMatchObject({ status: 'cancelled' });
  });

  it('only the session’s own trainers or an admin may change it', async () => {
    const s = await t.session();
    const otherTrainer = await t.user('trainer');
    const res = await t.request('PATCH', `/api/sessions/${s.id}`, { as: otherTrainer, body: { title: 'Mine now' } });
    expect(res.status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: otherTrainer })).json.title).toBe('Understanding autism');
  });
});

describe('reminders', () => {
  it('sends a 24-hour and a 1-hour reminder once each to confirmed attendees', async () => {
    const s = await t.session({ startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' });
    const [a] = await staff(1);
    await book(a!, s.id);
    t.clock.set('2026-02-03T16:30:00.000Z');
    await runJobsOnce(t.deps, null);
    await runJobsOnce(t.deps, null);
    t.clock.set('2026-02-04T15:10:00.000Z');
    await runJobsOnce(t.deps, null);
    expect(await outboxKinds(a!.id)).toEqual(['confirmed', 'reminder_24h', 'reminder_1h']);
    const local = await t.db.selectFrom('outbox').select('status').execute();
    expect(local.every((r) => r.status === 'local')).toBe(true);
  });
});

describe('who is reminded, and when', () => {
  it('reminds confirmed people only; someone who booked within the last day gets only the 1-hour reminder; a first look inside the last hour sends only that one', async () => {
    const day4 = { startsAt: '2026-02-04T16:00:00Z', endsAt: '2026-02-04T17:00:00Z' };
    const full = await t.session({ capacity: { online: 1 }, ...day4 });
    const [a, waiting] = await staff(2);
    await book(a!, full.id);
    expect((await book(waiting!, full.id)).json.status).toBe('waitlisted');
    const lateBooked = await t.session({ title: 'Booked late', ...day4 });
    const nextDay = await t.session({ title: 'Next day', startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [late, early] = await staff(2);
    await book(early!, nextDay.id);

    t.clock.set('2026-02-03T16:30:00.000Z');
    await runJobsOnce(t.deps, null);
    t.clock.set('2026-02-04T06:00:00.000Z'); // ten hours before: past the 24-hour point
    await book(late!, lateBooked.id);
    await runJobsOnce(t.deps, null);
    t.clock.set('2026-02-04T15:10:00.000Z');
    await runJobsOnce(t.deps, null);
    t.clock.set('2026-02-05T15:10:00.000Z'); // the first look at the next day's session is inside its last hour
    await runJobsOnce(t.deps, null);

    expect(await outboxKinds(a!.id)).toEqual(['confirmed', 'reminder_24h', 'reminder_1h']);
    expect(await outboxKinds(waiting!.id)).toEqual(['waitlisted']);
    expect(await outboxKinds(late!.id)).toEqual(['confirmed', 'reminder_1h']);
    expect(await outboxKinds(early!.id)).toEqual(['confirmed', 'reminder_1h']);
  });

  it('does not warn about an offer made with two hours or less to run (its own notice says when it expires)', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 120, startsAt: '2026-02-08T16:00:00Z', endsAt: '2026-02-08T17:00:00Z' });
    const [a, b] = await staff(2);
    const first = await book(a!, s.id);
    await book(b!, s.id);
    await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: a });
    t.clock.advance(30 * 60_000);
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', '/api/me/bookings', { as: b })).json.items[0].status).toBe('offered');
    expect(await outboxKinds(b!.id)).toEqual(['waitlisted', 'offered']);
  });
});

describe('local outbox', () => {
  it('lets an admin read mail that had no SMTP server to go to', async () => {
    const s = await t.session();
    const [a] = await staff(1);
    await book(a!, s.id);
    await runJobsOnce(t.deps, null);
    const admin = await t.user('admin');
    const res = await t.request('GET', `/api/outbox?to=${encodeURIComponent(a!.email)}`, { as: admin });
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({ kind: 'confirmed', status: 'local', subject: 'Booked: Understanding autism' });
    expect((await t.request('GET', '/api/outbox', { as: a })).status).toBe(403);
  });
});

describe('booking closes when the session ends at the latest', () => {
  it('booking a session that has already ended (moved earlier, its old cut-off left as it was)', async () => {
    const s = await t.session({ startsAt: '2026-02-20T16:00:00.000Z', endsAt: '2026-02-20T17:30:00.000Z', bookingClosesAt: '2026-02-19T16:00:00.000Z' });
    const p = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' } });
    expect(p.status).toBe(200);
    t.clock.set('2026-02-12T09:00:00.000Z');
    const staff = await t.user('staff', (await t.org()).id);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} });
    expect(b.status).toBe(409);
    expect(b.json.error.code).toBe('booking_closed');
  });

  it('a stored cut-off after the end (from before it was refused) closes booking at the end, and the session says so', async () => {
    const s = await t.session({ startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    // As stored before such a cut-off was refused, its booking_ends_at as the migration (and every write) reckons it.
    const row = { starts_at: s.startsAt, ends_at: s.endsAt, booking_closes_at: '2026-03-10T16:00:00.000Z', attendance_threshold: 0 };
    await t.db.updateTable('sessions').set({ booking_closes_at: row.booking_closes_at, holds_release_at: '2026-03-10T16:00:00.000Z', attendance_threshold: 0, booking_ends_at: bookingEndsOf(row) }).where('id', '=', s.id).execute();
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: staff })).json.bookingEndsAt).toBe('2026-02-10T17:30:00.000Z');
    t.clock.set('2026-02-10T17:29:00.000Z');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    t.clock.set('2026-02-10T17:30:00.000Z');
    const other = await t.user('staff', (await t.org()).id);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: {} });
    expect(b.status).toBe(409);
    expect(b.json.error).toEqual({ code: 'booking_closed', message: 'This session has ended: it can no longer be booked.' });
  });
});

describe('a person’s other places at the same time (alsoBooked)', () => {
  const at = (hhmm: string) => `2026-02-10T${hhmm}:00.000Z`;
  const sessionAt = (title: string, from: string, to: string, more: Record<string, unknown> = {}) => t.session({ title, startsAt: at(from), endsAt: at(to), capacity: { online: 5 }, ...more });
  const alsoBooked = async (sessionId: string, as: TestUser) => {
    const res = await t.request('GET', `/api/sessions/${sessionId}`, { as });
    expect(res.status, res.text).toBe(200);
    return res.json.alsoBooked as { sessionId: string; title: string; startsAt: string; endsAt: string; status: string }[];
  };

  it('names the caller’s own overlapping places, soonest first, with their status: not a session only touching, not the session itself, not a cancelled place, a lapsed offer, a cancelled or hidden session, nor anyone else’s', async () => {
    const hill = await t.org('Hill School');
    const [p, other, fresh] = await staff(3, hill.id);
    const a = await sessionAt('Autism basics', '16:00', '17:00');
    const b = await sessionAt('Behaviour that challenges', '16:30', '17:30');
    const c = await sessionAt('Communication', '17:00', '18:00');
    expect((await book(p!, a.id)).json.status).toBe('confirmed');

    // A overlaps B (16:00-17:00 and 16:30-17:30); C only touches A (17:00), so is no clash; A is not its own.
    expect(await alsoBooked(b.id, p!)).toEqual([{ sessionId: a.id, title: 'Autism basics', startsAt: at('16:00'), endsAt: at('17:00'), status: 'confirmed' }]);
    expect(await alsoBooked(c.id, p!)).toEqual([]);
    expect(await alsoBooked(a.id, p!)).toEqual([]);

    // A place in a queue: one seat, taken by someone else first.
    const waiting = await sessionAt('Dyslexia', '16:15', '16:45', { capacity: { online: 1 } });
    await book(other!, waiting.id);
    expect((await book(p!, waiting.id)).json.status).toBe('waitlisted');
    // Two offers: one held a day, one an hour, which lapses unanswered (no sweep has run yet).
    const offerOf = async (title: string, minutes: number) => {
      const s = await sessionAt(title, '16:00', '17:30', { capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: minutes });
      const first = await book(other!, s.id);
      const mine = await book(p!, s.id);
      await t.request('DELETE', `/api/bookings/${first.json.id}`, { as: other });
      expect((await t.request('GET', `/api/bookings/${mine.json.id}`, { as: p })).json.status).toBe('offered');
      return s;
    };
    const offered = await offerOf('Emotional wellbeing', 24 * 60);
    const lapsing = await offerOf('Fine motor skills', 60);
    // A place given up, and a session cancelled, at the same time.
    const givenUp = await sessionAt('Gaining attention', '16:00', '17:00');
    await t.request('DELETE', `/api/bookings/${(await book(p!, givenUp.id)).json.id}`, { as: p });
    const called = await sessionAt('Hearing impairment', '16:00', '17:00');
    await book(p!, called.id);
    expect((await t.request('POST', `/api/sessions/${called.id}/cancel`, { as: called.trainer, body: {} })).status).toBe(200);
    // An in-house session for Hill School, booked while P was there; P then moves on, so it no longer exists for them.
    const inHouse = await sessionAt('Inclusive PE', '16:00', '17:00', { audience: { kind: 'organisation', orgId: hill.id } });
    await book(p!, inHouse.id);
    const seenHere = await sessionAt('Inclusion at Hill', '16:45', '17:15', { audience: { kind: 'organisation', orgId: hill.id } });
    await book(p!, seenHere.id);

    const place = (s: { id: string } & Record<string, any>, status: string) => ({ sessionId: s.id, title: s.title, startsAt: s.startsAt, endsAt: s.endsAt, status });
    // Soonest first; of two starting together, the one ending first.
    expect(await alsoBooked(b.id, p!)).toEqual([
      place(a, 'confirmed'),
      place(inHouse, 'confirmed'),
      place(offered, 'offered'),
      place(lapsing, 'offered'),
      place(waiting, 'waitlisted'),
      place(seenHere, 'confirmed'),
    ]);

    // An hour on, the shorter offer has lapsed (still `offered` until the sweep); P has moved to another school.
    t.clock.advance(61 * 60_000);
    await t.db.updateTable('users').set({ org_id: (await t.org('Vale School')).id }).where('id', '=', p!.id).execute();
    expect((await alsoBooked(b.id, p!)).map((x) => [x.title, x.status])).toEqual([
      ['Autism basics', 'confirmed'],
      ['Emotional wellbeing', 'offered'],
      ['Dyslexia', 'waitlisted'],
    ]);

    // Someone else's places are never shown: a colleague with none sees none; one with a seat on Dyslexia sees only that.
    expect(await alsoBooked(b.id, fresh!)).toEqual([]);
    expect(await alsoBooked(b.id, other!)).toEqual([place(waiting, 'confirmed')]);
    // The session list leaves it out (no work per listed session).
    const list = await t.request('GET', '/api/sessions?from=2026-02-10&to=2026-02-10', { as: p });
    expect(list.json.items.length).toBeGreaterThan(0);
    expect(list.json.items.every((s: Record<string, unknown>) => !('alsoBooked' in s))).toBe(true);
  });
});
