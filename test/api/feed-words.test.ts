/**
 * What calendar events say, read back with ical.js, on both databases. The feeds show a place
 * in the queue ("Waiting list: ") and keep a cancellation for 30 days ("Cancelled: "), as the
 * README says; neither is a seat to turn up to, so neither says "Join online", and a queue
 * place never speaks of "your place" (the person has none yet). A seat still says both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar, type ReadEvent } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const PAGE = (id: string) => `http://localhost:3000/sessions/${id}`;

async function book(sessionId: string, as: TestUser) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: {} });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

/** A person's own feed (through its private address), read with ical.js. */
async function ownFeed(who: TestUser) {
  const url = (await t.request('GET', '/api/me/calendar', { as: who })).json.url as string;
  const res = await t.request('GET', new URL(url).pathname);
  expect(res.status).toBe(200);
  return readCalendar(res.text).events;
}

/** An organisation's feed, as its office subscribes to it. */
async function officeFeed(orgId: string, office: TestUser) {
  const url = (await t.request('GET', `/api/orgs/${orgId}/calendar`, { as: office })).json.url as string;
  return readCalendar((await t.request('GET', new URL(url).pathname)).text).events;
}

const only = (events: ReadEvent[], summary: string) => {
  const found = events.filter((e) => e.summary === summary);
  expect(found, `one event "${summary}" among ${events.map((e) => e.summary).join(', ')}`).toHaveLength(1);
  return found[0]!;
};

describe('calendar feed words', () => {
  it('a waiting-list entry says what it is and how to leave, never “join” or “your place”; a seat still says both', async () => {
    const org = await t.org('Ash Primary');
    const [ann, ben] = [await t.user('staff', org.id, 'Ann Ash'), await t.user('staff', org.id, 'Ben Ash')];
    const s = await t.session({ title: 'TT Online B', capacity: { online: 1 } });
    await book(s.id, ann);
    expect((await book(s.id, ben)).status).toBe('waitlisted');

    const waiting = only(await ownFeed(ben), 'Waiting list: TT Online B');
    expect(waiting.description).toContain('You are on the waiting list for this session');
    expect(waiting.description).toContain('Leave the waiting list on your booking page');
    expect(waiting.description).toContain(`Session page: ${PAGE(s.id)}`);
    expect(waiting.description).not.toMatch(/join/i);
    expect(waiting.description).not.toMatch(/your place/i);

    // The office's feed of the same queue place invites no one to join either.
    const office = await t.user('office', org.id);
    const officeEvent = only(await officeFeed(org.id, office), 'Waiting list: Ben Ash - TT Online B');
    expect(officeEvent.description).toContain('Ben Ash is on the waiting list for this session');
    expect(officeEvent.description).not.toMatch(/join/i);

    // Ann's seat: still how to join, and how to give the place up.
    const seat = only(await ownFeed(ann), 'TT Online B');
    expect(seat.description).toContain(`Join online: ${PAGE(s.id)}`);
    expect(seat.description).toContain('so your place goes to someone else');
  });

  it('a cancelled place and a cancelled session invite no one to join, in the feed and in the emailed CANCEL', async () => {
    const org = await t.org('Birch Primary');
    const [cat, dan] = [await t.user('staff', org.id, 'Cat Birch'), await t.user('staff', org.id, 'Dan Birch')];
    const s = await t.session({ title: 'TT Online B', capacity: { online: 5 } });
    const cats = await book(s.id, cat);
    await book(s.id, dan);

    // Cat gives her seat up: her feed keeps it as cancelled, for 30 days.
    t.clock.advance(60_000);
    expect((await t.request('DELETE', `/api/bookings/${cats.id}`, { as: cat })).status).toBe(200);
    const given = only(await ownFeed(cat), 'Cancelled: TT Online B');
    expect(given.status).toBe('CANCELLED');
    expect(given.description).toContain('Your booking for this session has been cancelled.');
    expect(given.description).not.toMatch(/join/i);
    expect(given.description).not.toContain('Can’t come?');
    expect(given.description).toContain(`Session page: ${PAGE(s.id)}`);
    // The CANCEL emailed to her says the same.
    const [cancelMail] = await t.mails('cancelled');
    const invite = readCalendar(cancelMail!.message.parts.ical!.content);
    expect(invite.method).toBe('CANCEL');
    expect(invite.events[0]!.description).not.toMatch(/join/i);

    // The session is called off: Dan's event, and its trainer's, say so and invite no one.
    t.clock.advance(60_000);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Trainer unwell' } })).status).toBe(200);
    const off = only(await ownFeed(dan), 'Cancelled: TT Online B');
    expect(off.description).toContain('This session has been cancelled.');
    expect(off.description).not.toMatch(/join/i);
    const running = only(await ownFeed(s.trainer), 'Cancelled: TT Online B');
    expect(running.description).toContain('This session you were running has been cancelled.');
    expect(running.description).not.toMatch(/join/i);
    expect(running.description).toContain(`Session page: ${PAGE(s.id)}`);
  });
});
