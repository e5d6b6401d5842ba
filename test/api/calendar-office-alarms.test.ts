/**
 * An office's calendar (its feed and its ICS export) holds every staff member's bookings:
 * it carries no reminder alarms, or the office would be pinged an hour before each one.
 * A person's own feed and invite keep their one-hour reminder, for a seat only (not a place
 * on the waiting list or a seat on offer).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

async function book(sessionId: string, as: TestUser) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: {} });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

async function feed(urlPath: string, as: TestUser) {
  const res = await t.request('GET', urlPath, { as });
  expect(res.status, res.text).toBe(200);
  const got = await t.request('GET', new URL(res.json.url).pathname);
  expect(got.status, got.text).toBe(200);
  return readCalendar(got.text);
}

async function setup() {
  const org = await t.org('Willow Primary');
  const office = await t.user('office', org.id);
  const [ann, bob] = [await t.user('staff', org.id, 'Ann Willow'), await t.user('staff', org.id, 'Bob Willow')];
  const s = await t.session({ capacity: { online: 1 } });
  const annBooking = await book(s.id, ann);
  expect(annBooking.status).toBe('confirmed');
  expect((await book(s.id, bob)).status).toBe('waitlisted');
  return { org, office, ann, bob, annBooking };
}

describe('office calendars carry no reminder alarms', () => {
  it('the office feed has no VALARM; a staff member’s own feed has its one-hour reminder for a seat', async () => {
    const { org, office, ann, bob } = await setup();
    const officeFeed = await feed(`/api/orgs/${org.id}/calendar`, office);
    expect(officeFeed.events.map((e) => e.attendees[0]!.cn).sort()).toEqual(['Ann Willow', 'Bob Willow']);
    expect(officeFeed.events.map((e) => e.alarms)).toEqual([[], []]);

    const own = await feed('/api/me/calendar', ann);
    expect(own.events).toHaveLength(1);
    expect(own.events[0]!.alarms).toEqual([{ action: 'DISPLAY', trigger: '-PT1H' }]);
    // Bob is on the waiting list: no seat, so no reminder (the next test).
    expect((await feed('/api/me/calendar', bob)).events.map((e) => e.alarms)).toEqual([[]]);
  });
});

describe('a person’s own feed reminds them of a seat only', () => {
  it('a place on the waiting list and a seat on offer carry no VALARM; the seat, once taken, does', async () => {
    // Apple Calendar reminded people an hour before sessions they had no seat on.
    const org = await t.org();
    const [first, me] = [await t.user('staff', org.id), await t.user('staff', org.id, 'Cerys')];
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const seated = await book(s.id, first);
    const mine = await book(s.id, me);
    expect(mine.status).toBe('waitlisted');
    const shown = async () => (await feed('/api/me/calendar', me)).events.map((e) => [e.status, e.alarms]);
    expect(await shown()).toEqual([['TENTATIVE', []]]);

    t.clock.advance(60_000);
    expect((await t.request('DELETE', `/api/bookings/${seated.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');
    expect(await shown()).toEqual([['TENTATIVE', []]]);

    t.clock.advance(60_000);
    expect((await t.request('POST', `/api/bookings/${mine.id}/accept`, { as: me, body: {} })).status).toBe(200);
    expect(await shown()).toEqual([['CONFIRMED', [{ action: 'DISPLAY', trigger: '-PT1H' }]]]);

    // Cancelled: no reminder either (as before).
    t.clock.advance(60_000);
    expect((await t.request('DELETE', `/api/bookings/${mine.id}`, { as: me })).status).toBe(200);
    expect(await shown()).toEqual([['CANCELLED', []]]);
  });

  it('the office ICS export has no VALARM; the staff member’s own invite keeps its reminder', async () => {
    const { org, office, ann, annBooking } = await setup();
    const res = await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office });
    expect(res.status, res.text).toBe(200);
    const exported = readCalendar(res.text);
    expect(exported.events).toHaveLength(2);
    expect(exported.events.map((e) => e.alarms)).toEqual([[], []]);
    expect(res.text).not.toContain('BEGIN:VALARM');

    const inv = await t.request('GET', `/api/bookings/${annBooking.id}/invite.ics`, { as: ann });
    expect(inv.status, inv.text).toBe(200);
    expect(readCalendar(inv.text).events[0]!.alarms).toEqual([{ action: 'DISPLAY', trigger: '-PT1H' }]);
  });

  it('a staff member’s booking downloaded by their office (or an administrator) is a copy of the event as the export has it: named for them, published (no METHOD: not a meeting request addressed to someone else), no reminder; the person’s own is the invite', async () => {
    const { office, ann, annBooking } = await setup();
    const own = await t.request('GET', `/api/bookings/${annBooking.id}/invite.ics`, { as: ann });
    expect(own.headers.get('content-type')).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(readCalendar(own.text)).toMatchObject({ method: 'REQUEST' });
    for (const who of [office, await t.user('admin')]) {
      const copy = await t.request('GET', `/api/bookings/${annBooking.id}/invite.ics`, { as: who });
      expect(copy.status, copy.text).toBe(200);
      expect(copy.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      expect(copy.text).not.toMatch(/^METHOD:/m);
      const cal = readCalendar(copy.text);
      expect(cal.events).toHaveLength(1);
      expect(cal.events[0]).toMatchObject({ summary: 'Ann Willow - Understanding autism', alarms: [] });
      // The same event (UID) as in the office's feed and export, so importing both keeps one.
      expect(cal.events[0]!.uid).toBe(readCalendar(own.text).events[0]!.uid);
      expect(copy.text).not.toContain('Manage your booking');
    }
  });
});
