/**
 * An office's calendar (its feed and its ICS export) holds every staff member's bookings:
 * it carries no reminder alarms, or the office would be pinged an hour before each one.
 * A person's own feed and invite keep their one-hour reminder.
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
  it('the office feed has no VALARM; each staff member’s own feed still has its one-hour reminder', async () => {
    const { org, office, ann, bob } = await setup();
    const officeFeed = await feed(`/api/orgs/${org.id}/calendar`, office);
    expect(officeFeed.events.map((e) => e.attendees[0]!.cn).sort()).toEqual(['Ann Willow', 'Bob Willow']);
    expect(officeFeed.events.map((e) => e.alarms)).toEqual([[], []]);

    for (const person of [ann, bob]) {
      const own = await feed('/api/me/calendar', person);
      expect(own.events).toHaveLength(1);
      expect(own.events[0]!.alarms).toEqual([{ action: 'DISPLAY', trigger: '-PT1H' }]);
    }
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
});
