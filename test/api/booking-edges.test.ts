/**
 * The waitlist rule at the edges of a session's life: holds released at the booking cut-off,
 * seats freed after the end, offers of a session moved earlier, lapsed offers and seat moves,
 * shrinking a released hold, and people who leave (account turned off, moved to another
 * school). After each, the stored seat counts still equal a count of the rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { sql } from 'kysely';
import { holdingLocks, lockWaits, makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  expect(await seatCountDrift(t.db)).toEqual([]);
  await t.close();
});

const book = (as: TestUser, sessionId: string, body: Record<string, unknown> = {}) => t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
const noticesTo = async (userId: string) => (await t.db.selectFrom('outbox').select('kind').where('user_id', '=', userId).orderBy('id').execute()).map((r) => r.kind);
const statusOf = async (userId: string, sessionId: string) => (await t.db.selectFrom('bookings').select('status').where('user_id', '=', userId).where('session_id', '=', sessionId).orderBy('id', 'desc').executeTakeFirstOrThrow()).status;
const staff = async () => t.user('staff', (await t.org()).id);

describe('holds and the queue', () => {
  it('a hold released at the booking cut-off (no release time set) hands its seat to the queue', async () => {
    const held = await t.org();
    const s = await t.session({ capacity: { online: 2 }, bookingClosesAt: '2026-02-04T16:00:00Z', startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: held.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const [p1, p2] = [await staff(), await staff()];
    expect((await book(p1, s.id)).json.status).toBe('confirmed');
    expect((await book(p2, s.id)).json.status).toBe('waitlisted');
    t.clock.set('2026-02-04T17:00:00Z');
    await runJobsOnce(t.deps, null);
    expect(await statusOf(p2.id, s.id)).toBe('confirmed');
    expect(await noticesTo(p2.id)).toContain('promoted');
  });

  it('a hold can be made smaller after its release, when everyone else has taken the seats', async () => {
    const org = await t.org();
    const s = await t.session({ capacity: { online: 3 }, holdsReleaseAt: '2026-02-03T09:00:00Z', startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 2 } })).status).toBe(204);
    t.clock.set('2026-02-04T09:00:00Z');
    for (let i = 0; i < 3; i++) expect((await book(await staff(), s.id)).json.status).toBe('confirmed');
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 1 } })).status).toBe(204);
    // Growing it again is still refused: there is no room.
    const grow = await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 3 } });
    expect(grow.status).toBe(409);
  });
});

describe('after the session has ended', () => {
  it('a seat cannot be cancelled once the session is over, and no one waiting is told a place came up', async () => {
    const s = await t.session({ capacity: { online: 1 }, startsAt: '2026-02-01T10:00:00Z', endsAt: '2026-02-01T11:00:00Z' });
    const [a, w] = [await staff(), await staff()];
    const ab = (await book(a, s.id)).json;
    expect(ab.status).toBe('confirmed');
    expect((await book(w, s.id)).json.status).toBe('waitlisted');
    t.clock.set('2026-02-01T11:05:00Z');
    const cancel = await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a });
    expect(cancel.status).toBe(409);
    expect(cancel.json.error.message).toMatch(/ended/);
    expect(await statusOf(a.id, s.id)).toBe('confirmed');
    // Someone still waiting may leave the queue.
    const wb = (await t.db.selectFrom('bookings').select('id').where('user_id', '=', w.id).executeTakeFirstOrThrow()).id;
    expect((await t.request('DELETE', `/api/bookings/${wb}`, { as: w })).status).toBe(200);
    expect(await noticesTo(w.id)).not.toContain('promoted');
  });

  it('more seats on a finished session go to no one', async () => {
    const s = await t.session({ capacity: { online: 1 }, startsAt: '2026-02-01T10:00:00Z', endsAt: '2026-02-01T11:00:00Z' });
    const [a, w] = [await staff(), await staff()];
    await book(a, s.id);
    await book(w, s.id);
    t.clock.set('2026-02-01T13:00:00Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 2 } } })).status).toBe(200);
    expect(await noticesTo(w.id)).not.toContain('promoted');
    expect(await statusOf(w.id, s.id)).toBe('waitlisted');
  });

  it('cancelling a session after its attendance was recorded says it told no one, and tells no one', async () => {
    const s = await t.session({ capacity: { online: 2 }, startsAt: '2026-02-01T10:00:00Z', endsAt: '2026-02-01T11:00:00Z' });
    const a = await staff();
    await book(a, s.id);
    t.clock.set('2026-02-01T12:00:00Z');
    await runJobsOnce(t.deps, null);
    expect(await statusOf(a.id, s.id)).toBe('absent');
    const c = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} });
    expect(c.status).toBe(200);
    expect(c.json.told).toBe(0);
    expect(await noticesTo(a.id)).not.toContain('session_cancelled');
  });

  it('cancelling a session tells, and counts, everyone with a place or in the queue', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const [a, w] = [await staff(), await staff()];
    await book(a, s.id);
    await book(w, s.id);
    const c = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} });
    expect(c.json.told).toBe(2);
    for (const p of [a, w]) expect(await noticesTo(p.id)).toContain('session_cancelled');
  });
});

describe('offers', () => {
  it('moving a session earlier brings a live offer’s expiry forward to the new start, and it lapses there', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 24 * 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, w, x] = [await staff(), await staff(), await staff()];
    const ab = (await book(a, s.id)).json;
    const wb = (await book(w, s.id)).json;
    await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a });
    expect((await t.request('GET', `/api/bookings/${wb.id}`, { as: w })).json.offerExpiresAt).toBe('2026-02-02T09:00:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-01T12:00:00Z', endsAt: '2026-02-01T13:00:00Z' } })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${wb.id}`, { as: w })).json.offerExpiresAt).toBe('2026-02-01T12:00:00.000Z');
    expect((await book(x, s.id)).json.status).toBe('waitlisted');
    t.clock.set('2026-02-01T12:05:00Z');
    await runJobsOnce(t.deps, null);
    const accept = await t.request('POST', `/api/bookings/${wb.id}/accept`, { as: w });
    expect(accept.status).toBe(409);
    expect(await statusOf(w.id, s.id)).toBe('cancelled');
    // The session has begun: the next in the queue gets the seat outright.
    expect(await statusOf(x.id, s.id)).toBe('confirmed');
  });

  it('moving a session to a start already passed ends its offers at once', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, w] = [await staff(), await staff()];
    const ab = (await book(a, s.id)).json;
    await book(w, s.id);
    await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a });
    expect(await statusOf(w.id, s.id)).toBe('offered');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-01T08:30:00Z', endsAt: '2026-02-01T10:00:00Z' } })).status).toBe(200);
    expect(await statusOf(w.id, s.id)).toBe('cancelled');
    expect(await noticesTo(w.id)).toContain('offer_expired');
  });

  it('a seat move counts an offer whose time has run out as gone, as booking does', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { online: 1, inPerson: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, w, m] = [await staff(), await staff(), await staff()];
    const ab = (await book(a, s.id, { seat: 'online' })).json;
    await book(w, s.id, { seat: 'online' });
    await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a });
    const mb = (await book(m, s.id, { seat: 'in_person' })).json;
    t.clock.advance(61 * 60_000);
    const mv = await t.request('POST', `/api/bookings/${mb.id}/seat`, { as: s.trainer, body: { seat: 'online' } });
    expect(mv.status).toBe(200);
    expect(mv.json.seat).toBe('online');
    expect(await statusOf(w.id, s.id)).toBe('cancelled');
  });
});

describe('seat moves', () => {
  it('moving a waiting place to the other queue says so, not that they have a seat', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { online: 1, inPerson: 1 } });
    const [a, b, w] = [await staff(), await staff(), await staff()];
    await book(a, s.id, { seat: 'online' });
    await book(b, s.id, { seat: 'in_person' });
    const wb = (await book(w, s.id, { seat: 'in_person' })).json;
    const mv = await t.request('POST', `/api/bookings/${wb.id}/seat`, { as: s.trainer, body: { seat: 'online' } });
    expect(mv.json.status).toBe('waitlisted');
    const mail = (await t.mails('seat_changed')).find((m) => m.user_id === w.id)!;
    expect(mail.message.text).toMatch(/waiting list to the queue for online seats/);
    expect(mail.message.text).not.toMatch(/moved your place to an online seat/);
  });

  it('moving an offered seat says it is still only held until the offer lapses and must be accepted, not that the seat is theirs', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { online: 1, inPerson: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 120, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, w] = [await staff(), await staff()];
    const ab = (await book(a, s.id, { seat: 'online' })).json;
    await book(w, s.id, { seat: 'online' });
    expect((await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a })).status).toBe(200);
    const offered = (await t.request('GET', '/api/me/bookings', { as: w })).json.items[0];
    expect(offered).toMatchObject({ status: 'offered', seat: 'online', offerExpiresAt: '2026-02-01T11:00:00.000Z' });
    const mv = await t.request('POST', `/api/bookings/${offered.id}/seat`, { as: s.trainer, body: { seat: 'in_person' } });
    expect(mv.json).toMatchObject({ status: 'offered', seat: 'in_person' });
    const mail = (await t.mails('seat_changed')).find((m) => m.user_id === w.id)!;
    const text = mail.message.text.replace(/\s+/g, ' ');
    expect(text).toContain('Trainer 1 (trainer) has moved the seat offered to you to an in-person seat. It is still only held for you until Sunday 1 February at 11:00 GMT: accept it');
    expect(text).toContain('accept it from your bookings page before then, or it passes to the next person');
    expect(text).not.toMatch(/moved your place to an in-person seat/);
  });

  it('moving a waiting place to a queue with a seat free gives them the seat, told once that they have a place, not also that they keep their turn', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { online: 1, inPerson: 1 } });
    const [b, w] = [await staff(), await staff()];
    await book(b, s.id, { seat: 'in_person' });
    const wb = (await book(w, s.id, { seat: 'in_person' })).json;
    expect(wb.status).toBe('waitlisted');
    const mv = await t.request('POST', `/api/bookings/${wb.id}/seat`, { as: s.trainer, body: { seat: 'online' } });
    expect(mv.json).toMatchObject({ status: 'confirmed', seat: 'online' });
    expect(await noticesTo(w.id)).toEqual(expect.arrayContaining(['promoted']));
    expect(await noticesTo(w.id)).not.toContain('seat_changed');
  });
});

describe('people who leave', () => {
  it('turning an account off gives up its places: the seat goes to the next person, the queue place is left', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const [s1, s2] = [await t.session({ capacity: { online: 1 } }), await t.session({ capacity: { online: 1 } })];
    const gone = await t.user('staff', org.id);
    const [next, first] = [await staff(), await staff()];
    expect((await book(gone, s1.id)).json.status).toBe('confirmed');
    expect((await book(next, s1.id)).json.status).toBe('waitlisted');
    expect((await book(first, s2.id)).json.status).toBe('confirmed');
    expect((await book(gone, s2.id)).json.status).toBe('waitlisted');
    const off = await t.request('PATCH', `/api/users/${gone.id}`, { as: office, body: { disabled: true } });
    expect(off.status).toBe(200);
    // The office is told how many places went: the seat and the queue place.
    expect(off.json).toMatchObject({ id: gone.id, disabled: true, placesGivenUp: 2 });
    expect(await statusOf(gone.id, s1.id)).toBe('cancelled');
    expect(await statusOf(next.id, s1.id)).toBe('confirmed');
    expect(await statusOf(gone.id, s2.id)).toBe('cancelled');
    const told = await t.mails('cancelled');
    expect(told.find((m) => m.user_id === gone.id)!.message.text).toMatch(/account has been turned off/);
    expect(await noticesTo(gone.id)).toContain('left_waitlist');
    // Turning it on again, or off twice, gives up nothing more.
    expect((await t.request('PATCH', `/api/users/${gone.id}`, { as: office, body: { disabled: false } })).json).toMatchObject({ disabled: false, placesGivenUp: 0 });
  });

  it('someone turned off while waiting (before places were given up) is passed over for a freed seat', async () => {
    const s = await t.session({ capacity: { online: 1 } });
    const [a, gone, next] = [await staff(), await staff(), await staff()];
    const ab = (await book(a, s.id)).json;
    await book(gone, s.id);
    await book(next, s.id);
    // As an account turned off before its places were given up on turning off.
    await t.db.updateTable('users').set({ disabled_at: '2026-02-01T08:00:00.000Z' }).where('id', '=', gone.id).execute();
    expect((await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a })).status).toBe(200);
    expect(await statusOf(next.id, s.id)).toBe('confirmed');
    expect(await statusOf(gone.id, s.id)).toBe('waitlisted');
  });

  it('someone moved to another school gives up their places on the old school’s in-house sessions only', async () => {
    const hill = await t.org('Hill');
    const dale = await t.org('Dale');
    const admin = await t.user('admin');
    const inHouse = await t.session({ capacity: { online: 1 }, audience: { kind: 'organisation', orgId: hill.id } });
    const open = await t.session({ capacity: { online: 2 } });
    const p = await t.user('staff', hill.id);
    const next = await t.user('staff', hill.id);
    expect((await book(p, inHouse.id)).json.status).toBe('confirmed');
    expect((await book(next, inHouse.id)).json.status).toBe('waitlisted');
    expect((await book(p, open.id)).json.status).toBe('confirmed');
    const moved = await t.request('PUT', `/api/users/${p.id}/placement`, { as: admin, body: { role: 'staff', orgId: dale.id } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ orgId: dale.id, placesGivenUp: 1 });
    expect((await t.request('GET', `/api/sessions/${inHouse.id}`, { as: p })).status).toBe(404);
    const mine = (await t.request('GET', '/api/me/bookings', { as: p })).json.items as { sessionId: string; status: string }[];
    expect(mine.filter((b) => b.status !== 'cancelled').map((b) => b.sessionId)).toEqual([open.id]);
    expect(await statusOf(next.id, inHouse.id)).toBe('confirmed');
    expect((await t.mails('cancelled')).find((m) => m.user_id === p.id)!.message.text).toMatch(/moved to another organisation/);
  });
});

describe('offers whose time ran out before the sweep', () => {
  it('moving an offer that lapsed (the sweep not yet come) to the other seat kind is refused, and the seat counts stay true', async () => {
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 1, online: 5 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c, d] = [await staff(), await staff(), await staff(), await staff()];
    const ab = (await book(a, s.id, { seat: 'in_person' })).json;
    expect(ab.status).toBe('confirmed');
    const bb = (await book(b, s.id, { seat: 'in_person' })).json;
    expect(bb.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a })).status).toBe(200);
    expect(await statusOf(b.id, s.id)).toBe('offered');
    t.clock.advance(2 * 60 * 60_000);
    const mv = await t.request('POST', `/api/bookings/${bb.id}/seat`, { as: s.trainer, body: { seat: 'online' } });
    expect(mv.status).toBe(409);
    expect(mv.json.error.code).toBe('not_offered');
    expect(mv.json.error.message).toMatch(/expired/);
    expect(await noticesTo(b.id)).not.toContain('seat_changed');
    expect(await seatCountDrift(t.db)).toEqual([]);
    // The lapsed offer holds no seat: one newcomer gets it, the next waits.
    expect((await book(c, s.id, { seat: 'in_person' })).json.status).toBe('confirmed');
    expect((await book(d, s.id, { seat: 'in_person' })).json.status).toBe('waitlisted');
    expect(await statusOf(b.id, s.id)).toBe('cancelled');
    expect(await seatCountDrift(t.db)).toEqual([]);
  });

  /**
   * One seat, held by a, with b next and c waiting; a cancels, so b is offered the seat, and
   * the clock passes the offer's expiry without the sweep having run: b's offer has lapsed
   * but is still `offered`.
   */
  async function offerLapsedBeforeSweep() {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, b, c] = [await staff(), await staff(), await staff()];
    const ab = (await book(a, s.id)).json;
    const bb = (await book(b, s.id)).json;
    expect((await book(c, s.id)).json.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a })).status).toBe(200);
    expect(await statusOf(b.id, s.id)).toBe('offered');
    t.clock.advance(61 * 60_000);
    return { s, b, bb, c };
  }

  it('declining an offer after it lapsed (the sweep not yet come) is refused as expired, as accepting is: the seat goes to the next person and the person is told it expired, not that they declined', async () => {
    const { s, b, bb, c } = await offerLapsedBeforeSweep();
    const declined = await t.request('POST', `/api/bookings/${bb.id}/decline`, { as: b });
    expect(declined.status).toBe(409);
    expect(declined.json.error).toMatchObject({ code: 'not_offered', message: 'This offer has expired, so the seat goes to the next person in the queue.' });
    await runJobsOnce(t.deps, null);
    expect(await statusOf(b.id, s.id)).toBe('cancelled');
    expect(await noticesTo(b.id)).toContain('offer_expired');
    expect(await noticesTo(b.id)).not.toContain('offer_declined');
    expect(await statusOf(c.id, s.id)).toBe('offered');
  });

  it('someone whose offer lapsed (the sweep not yet come) can join the queue again at once: the lapsed offer is not their place', async () => {
    const { s, b, bb, c } = await offerLapsedBeforeSweep();
    // Still `offered` in the answers until the sweep (README), with its expiry past.
    expect((await t.request('GET', `/api/bookings/${bb.id}`, { as: b })).json.status).toBe('offered');
    const again = await book(b, s.id);
    expect(again.status).toBe(201);
    // The seat went to the next in the queue first; b joins the back of it.
    expect(again.json).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await statusOf(c.id, s.id)).toBe('offered');
    const mine = (await t.request('GET', '/api/me/bookings', { as: b })).json.items.filter((x: { sessionId: string }) => x.sessionId === s.id);
    expect(mine.map((x: { status: string }) => x.status).sort()).toEqual(['cancelled', 'waitlisted']);
  });

  it('the office’s "Book staff" roster shows someone whose offer lapsed (the sweep not yet come) without a place, and the office books them again at once', async () => {
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const org = await t.org();
    const office = await t.user('office', org.id);
    const [a, b] = [await t.user('staff', org.id, 'Ann Ash'), await t.user('staff', org.id, 'Bo Birch')];
    const ab = (await book(a, s.id)).json;
    expect((await book(b, s.id)).json.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${ab.id}`, { as: a })).status).toBe(200);
    const place = async () => (await t.request('GET', `/api/sessions/${s.id}/roster`, { as: office })).json.items.find((p: { userId: string }) => p.userId === b.id).booking;
    expect(await place()).toMatchObject({ status: 'offered', offerExpiresAt: '2026-02-01T10:00:00.000Z' });
    // A minute before it lapses, the offer is still theirs.
    t.clock.advance(59 * 60_000);
    expect(await place()).toMatchObject({ status: 'offered' });
    // At its expiry, before the sweep: no place any more (so not "Seat offered, to accept by" a time gone).
    t.clock.advance(60_000);
    expect(await statusOf(b.id, s.id)).toBe('offered');
    expect(await place()).toBeNull();
    const again = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [b.id] } });
    expect(again.status).toBe(201);
    expect(again.json.results).toEqual([expect.objectContaining({ userId: b.id, status: 'confirmed' })]);
    expect(await place()).toMatchObject({ status: 'confirmed', seat: 'online' });
  });

  it('a smaller capacity does not count an offer whose time ran out (the sweep not yet come) as a seat taken', async () => {
    const s = await t.session({ capacity: { online: 2 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-02-05T16:00:00Z', endsAt: '2026-02-05T17:00:00Z' });
    const [a, x, w] = [await staff(), await staff(), await staff()];
    expect((await book(a, s.id)).json.status).toBe('confirmed');
    const xb = (await book(x, s.id)).json;
    expect(xb.status).toBe('confirmed');
    expect((await book(w, s.id)).json.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${xb.id}`, { as: x })).status).toBe(200);
    expect(await statusOf(w.id, s.id)).toBe('offered');
    t.clock.advance(61 * 60_000);
    const edit = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 1 } } });
    expect(edit.status).toBe(200);
    expect(edit.json.capacity.online).toBe(1);
    expect(await statusOf(w.id, s.id)).toBe('cancelled');
    expect(await noticesTo(w.id)).toContain('offer_expired');
  });
});

describe('two cancellations meeting (PostgreSQL: several connections at once)', () => {
  it.runIf(usePostgres)('each promoting someone from the other’s school: both are answered 200, the deadlock between them tried again, not a 503', async () => {
    const [X, Y] = [await t.org('X School'), await t.org('Y School')];
    const [x1, x4] = [await t.user('staff', X.id), await t.user('staff', X.id)];
    const [y2, y3] = [await t.user('staff', Y.id), await t.user('staff', Y.id)];
    const [s1, s2] = [await t.session({ capacity: { online: 1 } }), await t.session({ capacity: { online: 1 } })];
    const b1 = (await book(x1, s1.id, { seat: 'online' })).json;
    expect((await book(y3, s1.id, { seat: 'online' })).json.status).toBe('waitlisted');
    const b2 = (await book(y2, s2.id, { seat: 'online' })).json;
    expect((await book(x4, s2.id, { seat: 'online' })).json.status).toBe('waitlisted');
    // Only to put the two in the order that meets: y2's cancellation waits at y2's own feed, having raised school Y's.
    const release = await holdingLocks(t, (trx) => sql`select 1 from calendar_feed_revisions where owner_kind = 'user' and owner_id = ${y2.id} for update`.execute(trx));
    const c2 = t.request('DELETE', `/api/bookings/${b2.id}`, { as: y2 });
    let c1: ReturnType<typeof t.request> | undefined;
    try {
      await expect.poll(() => lockWaits(t)).toBe(1);
      c1 = t.request('DELETE', `/api/bookings/${b1.id}`, { as: x1 });
      await expect.poll(() => lockWaits(t)).toBe(2);
    } finally {
      await release();
    }
    const [r1, r2] = await Promise.all([c1!, c2]);
    expect([r1.status, r2.status], `${r1.text} ${r2.text}`).toEqual([200, 200]);
    expect([await statusOf(y3.id, s1.id), await statusOf(x4.id, s2.id)]).toEqual(['confirmed', 'confirmed']);
  });
});
