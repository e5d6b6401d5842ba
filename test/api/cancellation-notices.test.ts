/**
 * What a cancellation's email says and carries: who cancelled, when it was not the person
 * themselves (by name and role, as a booking's email says who booked), and a calendar
 * CANCEL only for a place whose invite the person was sent: never for a place in the queue,
 * whose holder was never sent an event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';
import { runJobsOnce } from '../../server/jobs.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-20T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const LATER = { startsAt: '2026-04-10T09:00:00.000Z', endsAt: '2026-04-10T10:00:00.000Z' };

async function book(sessionId: string, who: Awaited<ReturnType<TestContext['user']>>) {
  const r = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: who, body: {} });
  expect(r.status).toBe(201);
  return r.json as { id: string; status: string };
}

/** The one email of `kind` to `email`: its text, HTML and calendar part (read back with ical.js). */
async function mailTo(kind: string, email: string) {
  const found = (await t.mails(kind)).filter((m) => m.to_email === email);
  expect(found).toHaveLength(1);
  const { message } = found[0]!;
  return { text: message.text, html: message.html, ical: message.parts.ical };
}

describe('a cancellation email says who cancelled', () => {
  it('a trainer cancelling the session is named, with their role', async () => {
    const org = await t.org();
    const sam = await t.user('trainer', null, 'Sam Trainer');
    const s = await t.session(LATER, sam);
    const p = await t.user('staff', org.id);
    await book(s.id, p);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: sam, body: { reason: 'Trainer unwell' } })).status).toBe(200);
    const m = await mailTo('session_cancelled', p.email);
    expect(m.text).toContain('Sam Trainer (trainer) cancelled this session.');
    expect(m.html).toContain('Sam Trainer (trainer) cancelled this session.');
    expect(m.text).toContain('Reason given: Trainer unwell');
  });

  it('an administrator cancelling the session is named as one', async () => {
    const org = await t.org();
    const s = await t.session(LATER);
    const admin = await t.user('admin', null, 'Ada Admin');
    const p = await t.user('staff', org.id);
    await book(s.id, p);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: admin })).status).toBe(200);
    expect((await mailTo('session_cancelled', p.email)).text).toContain('Ada Admin (administrator) cancelled this session.');
  });

  it('the school office cancelling someone’s place, or taking them off the waiting list, is named as their office', async () => {
    const org = await t.org();
    const s = await t.session({ ...LATER, capacity: { online: 1 } });
    const office = await t.user('office', org.id, 'Olu Office');
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const placed = await book(s.id, a);
    const waiting = await book(s.id, b);
    expect(waiting.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${waiting.id}`, { as: office })).status).toBe(200);
    expect((await t.request('DELETE', `/api/bookings/${placed.id}`, { as: office })).status).toBe(200);
    const cancelled = await mailTo('cancelled', a.email);
    expect(cancelled.text).toContain("Olu Office from your school's office cancelled your place.");
    expect(cancelled.html).toContain('Olu Office from your school&#39;s office cancelled your place.');
    expect((await mailTo('left_waitlist', b.email)).text).toContain("Olu Office from your school's office took you off the waiting list.");
  });

  it('a trainer or administrator taking someone off the session is named', async () => {
    const org = await t.org();
    const sam = await t.user('trainer', null, 'Sam Trainer');
    const s = await t.session(LATER, sam);
    const admin = await t.user('admin', null, 'Ada Admin');
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const [ba, bb] = [await book(s.id, a), await book(s.id, b)];
    expect((await t.request('POST', `/api/bookings/${ba.id}/remove`, { as: sam, body: { reason: 'Booked twice' } })).status).toBe(200);
    expect((await t.request('POST', `/api/bookings/${bb.id}/remove`, { as: admin, body: { reason: 'Not eligible' } })).status).toBe(200);
    expect((await mailTo('removed', a.email)).text).toContain('Sam Trainer (trainer) took you off this session.');
    expect((await mailTo('removed', b.email)).text).toContain('Ada Admin (administrator) took you off this session.');
    // Not "the trainer" when an administrator did it: the first line names no one, the by-line names them.
    expect((await mailTo('removed', b.email)).text).not.toContain('The trainer has taken you off');
  });

  it('someone cancelling their own place, or leaving the queue, gets no “by” line', async () => {
    const org = await t.org();
    const s = await t.session({ ...LATER, capacity: { online: 1 } });
    const [a, b] = [await t.user('staff', org.id, 'Ann Self'), await t.user('staff', org.id, 'Bo Self')];
    const [ba, bb] = [await book(s.id, a), await book(s.id, b)];
    expect((await t.request('DELETE', `/api/bookings/${bb.id}`, { as: b })).status).toBe(200);
    expect((await t.request('DELETE', `/api/bookings/${ba.id}`, { as: a })).status).toBe(200);
    const own = await mailTo('cancelled', a.email);
    expect(own.text).not.toMatch(/cancelled your place\.|Ann Self \(/);
    expect((await mailTo('left_waitlist', b.email)).text).not.toContain('took you off');
  });
});

describe('a place in the queue that ends carries no calendar CANCEL', () => {
  it('removed from the waiting list, or its session cancelled while waiting: no event to cancel; a seat holder’s CANCEL stays', async () => {
    const org = await t.org();
    const sam = await t.user('trainer', null, 'Sam Trainer');
    const s = await t.session({ ...LATER, capacity: { online: 1 } }, sam);
    const s2 = await t.session({ ...LATER, title: 'Second', capacity: { online: 1 } }, sam);
    const [seated, queued, queued2, queued3] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const seat = await book(s.id, seated);
    expect(seat.status).toBe('confirmed');
    const q = await book(s.id, queued);
    await book(s.id, queued2);
    expect(q.status).toBe('waitlisted');
    // The person in the queue was sent no invite: their notice carries no event.
    expect((await mailTo('waitlisted', queued.email)).ical).toBeUndefined();
    // The seat holder was sent a REQUEST.
    expect(readCalendar((await mailTo('confirmed', seated.email)).ical!.content).method).toBe('REQUEST');

    // A trainer takes the first person in the queue off: email, no CANCEL of an event never sent.
    expect((await t.request('POST', `/api/bookings/${q.id}/remove`, { as: sam, body: { reason: 'Booked twice' } })).status).toBe(200);
    const removed = await mailTo('removed', queued.email);
    expect(removed.text).toContain('Reason given: Booked twice');
    expect(removed.ical).toBeUndefined();

    // The session is cancelled: the seat holder's event is cancelled; the one still waiting gets the email alone.
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: sam })).status).toBe(200);
    const seatGone = await mailTo('session_cancelled', seated.email);
    const cancel = readCalendar(seatGone.ical!.content);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.events).toHaveLength(1);
    expect(cancel.events[0]!.status).toBe('CANCELLED');
    const waitGone = await mailTo('session_cancelled', queued2.email);
    expect(waitGone.text).toContain('this session has been cancelled');
    expect(waitGone.ical).toBeUndefined();

    // Leaving the queue oneself carries none either (as before).
    await book(s2.id, await t.user('staff', org.id));
    const w = await book(s2.id, queued3);
    expect((await t.request('DELETE', `/api/bookings/${w.id}`, { as: queued3 })).status).toBe(200);
    expect((await mailTo('left_waitlist', queued3.email)).ical).toBeUndefined();
  });

  it('an offer that lapses, or is given up, cancels no event: the offer carried none', async () => {
    const org = await t.org();
    const s = await t.session({ ...LATER, capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const [first, lapses, givesUp, last] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const seat = await book(s.id, first);
    const a = await book(s.id, lapses);
    const b = await book(s.id, givesUp);
    await book(s.id, last);
    expect((await t.request('DELETE', `/api/bookings/${seat.id}`, { as: first })).status).toBe(200);
    // The seat holder's event is cancelled; the person offered the seat is sent no event.
    expect(readCalendar((await mailTo('cancelled', first.email)).ical!.content).method).toBe('CANCEL');
    expect((await mailTo('offered', lapses.email)).ical).toBeUndefined();
    t.clock.advance(61 * 60_000);
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', `/api/bookings/${a.id}`, { as: lapses })).json.status).toBe('cancelled');
    const lapsed = await mailTo('offer_expired', lapses.email);
    expect(lapsed.text).toContain('The place we held for you has passed');
    expect(lapsed.ical).toBeUndefined();
    // The next person is offered the seat and cancels while it is on offer: no event to cancel either.
    expect((await t.request('GET', `/api/bookings/${b.id}`, { as: givesUp })).json.status).toBe('offered');
    expect((await t.request('DELETE', `/api/bookings/${b.id}`, { as: givesUp })).status).toBe(200);
    expect((await mailTo('cancelled', givesUp.email)).ical).toBeUndefined();
  });

  it('a seat taken off by a trainer still cancels the event the person was sent', async () => {
    const org = await t.org();
    const s = await t.session(LATER);
    const p = await t.user('staff', org.id);
    const b = await book(s.id, p);
    expect((await t.request('POST', `/api/bookings/${b.id}/remove`, { as: s.trainer, body: { reason: 'Moved to another date' } })).status).toBe(200);
    const m = await mailTo('removed', p.email);
    const cal = readCalendar(m.ical!.content);
    expect(cal.method).toBe('CANCEL');
    expect(cal.events[0]!.status).toBe('CANCELLED');
  });
});
