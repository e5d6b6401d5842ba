/**
 * A subscription feed's ETag comes from its stored revision (server/calendar/feed-revisions.ts),
 * so a polling calendar's 304 reads no events. Every kind of change that alters what a feed
 * shows must raise that revision in its own transaction: each case below makes one such
 * change and expects the next conditional fetch to be a 200 with a new ETag and the change
 * in it, and a change that a feed does not show to leave it at 304.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

/** A feed as a polling calendar sees it: it remembers the last ETag and sends it back. */
async function poller(urlOf: () => Promise<string>) {
  const path = new URL(await urlOf()).pathname;
  const first = await t.request('GET', path);
  expect(first.status).toBe(200);
  let etag = first.headers.get('etag')!;
  return {
    /** Expects nothing to have changed: a 304 with the same ETag. */
    async unchanged() {
      const res = await t.request('GET', path, { headers: { 'if-none-match': etag } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
    },
    /** Expects a change: a 200 with a new ETag; returns the calendar, and remembers the ETag. */
    async changed() {
      const res = await t.request('GET', path, { headers: { 'if-none-match': etag } });
      expect(res.status).toBe(200);
      const next = res.headers.get('etag')!;
      expect(next).not.toBe(etag);
      etag = next;
      // Then it holds still again.
      expect((await t.request('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);
      return readCalendar(res.text);
    },
  };
}

async function setup(sessionInput: Record<string, unknown> = {}) {
  const org = await t.org('Ysgol y Bryn');
  const me = await t.user('staff', org.id, 'Aled');
  const office = await t.user('office', org.id);
  const s = await t.session(sessionInput);
  const mine = await poller(async () => (await t.request('GET', '/api/me/calendar', { as: me })).json.url);
  const office_ = await poller(async () => (await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office })).json.url);
  return { org, me, office, s, mine, orgFeed: office_ };
}

describe('subscription feed revisions', () => {
  it('booking, then cancelling: both the person’s and the organisation’s feed change, each time', async () => {
    const { me, s, mine, orgFeed } = await setup();
    await mine.unchanged();
    await orgFeed.unchanged();
    const b = await book(s.id, me);
    expect((await mine.changed()).events.map((e) => e.status)).toEqual(['CONFIRMED']);
    expect((await orgFeed.changed()).events).toHaveLength(1);
    t.clock.advance(MINUTE);
    expect((await t.request('DELETE', `/api/bookings/${b.id}`, { as: me })).status).toBe(200);
    expect((await mine.changed()).events.map((e) => e.status)).toEqual(['CANCELLED']);
    await orgFeed.changed();
  });

  it('a session edit that changes only its title or description changes the feed', async () => {
    const { me, s, mine, orgFeed } = await setup();
    await book(s.id, me);
    await mine.changed();
    await orgFeed.changed();
    t.clock.advance(MINUTE);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Autism in the classroom' } })).status).toBe(200);
    expect((await mine.changed()).events.map((e) => e.summary)).toEqual(['Autism in the classroom']);
    await orgFeed.changed();
    t.clock.advance(MINUTE);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { description: 'Bring a laptop.' } })).status).toBe(200);
    expect((await mine.changed()).events[0]!.description).toContain('Bring a laptop.');
    await orgFeed.changed();
  });

  it('a session moved in time, then cancelled, changes the feed each time', async () => {
    const { me, s, mine } = await setup();
    await book(s.id, me);
    await mine.changed();
    t.clock.advance(MINUTE);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-11T16:00:00.000Z', endsAt: '2026-02-11T17:30:00.000Z' } });
    expect(moved.status, moved.text).toBe(200);
    expect((await mine.changed()).events.map((e) => e.startUtc)).toEqual(['2026-02-11T16:00:00.000Z']);
    t.clock.advance(MINUTE);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    expect((await mine.changed()).events.map((e) => e.status)).toEqual(['CANCELLED']);
  });

  it('a place offered from the waiting list, the offer expiring, and an offer accepted change the waiting people’s feeds', async () => {
    const { org, me, s } = await setup({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const first = await t.user('staff', org.id);
    const third = await t.user('staff', org.id);
    const seated = await book(s.id, first);
    await book(s.id, me);
    const thirds = await book(s.id, third);
    const mine = await poller(async () => (await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    const theirs = await poller(async () => (await t.request('GET', '/api/me/calendar', { as: third })).json.url);
    // Someone else's cancellation offers me the seat: my feed changes (their feed is theirs).
    t.clock.advance(MINUTE);
    await t.request('DELETE', `/api/bookings/${seated.id}`, { as: first });
    expect((await mine.changed()).events[0]!.description).toContain('A place is being held for you');
    await theirs.unchanged();
    // My offer expires (a job): mine is cancelled, the next person is offered the seat.
    t.clock.advance(61 * MINUTE);
    await runJobsOnce(t.deps, null);
    expect((await mine.changed()).events.map((e) => e.status)).toEqual(['CANCELLED']);
    expect((await theirs.changed()).events[0]!.description).toContain('A place is being held for you');
    t.clock.advance(MINUTE);
    expect((await t.request('POST', `/api/bookings/${thirds.id}/accept`, { as: third })).status).toBe(200);
    expect((await theirs.changed()).events.map((e) => e.status)).toEqual(['CONFIRMED']);
  });

  it('a seat moved by the trainer, and attendance recorded after the session, change the feed', async () => {
    const { me, s, mine } = await setup({ mode: 'hybrid', venue: 'Hall', capacity: { online: 5, inPerson: 5 }, startsAt: '2026-01-13T09:00:00.000Z', endsAt: '2026-01-13T10:00:00.000Z' });
    const b = await book(s.id, me, { seat: 'online' });
    await mine.changed();
    t.clock.advance(MINUTE);
    const moved = await t.request('POST', `/api/bookings/${b.id}/seat`, { as: s.trainer, body: { seat: 'in_person' } });
    expect(moved.status, moved.text).toBe(200);
    expect((await mine.changed()).events[0]!.description).toContain('Venue: Hall');
    // After the session its outcome is recorded: the booking becomes attended or absent.
    t.clock.advance(3 * DAY);
    const recorded = await recordAttendanceOutcomes(t.deps);
    expect(recorded).toBeGreaterThan(0);
    expect((await t.db.selectFrom('bookings').select('status').where('id', '=', b.id).executeTakeFirstOrThrow()).status).toBe('absent');
    await mine.changed();
  });

  it('a person moved to another organisation leaves the old organisation’s feed and joins the new one’s', async () => {
    const { me, s, orgFeed } = await setup();
    await book(s.id, me);
    await orgFeed.changed();
    const other = await t.org('Ysgol Arall');
    const otherFeed = await poller(async () => (await t.request('GET', `/api/orgs/${other.id}/calendar`, { as: await t.user('office', other.id) })).json.url);
    t.clock.advance(MINUTE);
    const moved = await t.request('PUT', `/api/users/${me.id}/placement`, { as: await t.user('admin'), body: { role: 'staff', orgId: other.id } });
    expect(moved.status, moved.text).toBe(200);
    expect((await orgFeed.changed()).events).toEqual([]);
    expect((await otherFeed.changed()).events.map((e) => e.attendees[0]!.cn)).toEqual(['Aled']);
  });

  it('a person’s personal data erased changes their organisation’s feed, which names them on their past bookings', async () => {
    const { me, s, orgFeed } = await setup({ startsAt: '2026-01-13T16:00:00Z', endsAt: '2026-01-13T17:00:00Z' });
    await book(s.id, me);
    expect((await orgFeed.changed()).events.map((e) => e.attendees[0]!.cn)).toEqual(['Aled']);
    t.clock.advance(3 * DAY);
    const admin = await t.user('admin');
    // Turned off first (as erasing asks): a place already past is kept, so the feed holds still.
    expect((await t.request('PATCH', `/api/users/${me.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    await orgFeed.unchanged();
    t.clock.advance(MINUTE);
    const erased = await t.request('POST', `/api/users/${me.id}/erase`, { as: admin, body: {} });
    expect(erased.status, erased.text).toBe(200);
    const after = await orgFeed.changed();
    expect(after.events).toHaveLength(1);
    expect(JSON.stringify(after)).not.toContain('Aled');
  });

  it('an organisation renamed changes its feed’s name', async () => {
    const { org, orgFeed } = await setup();
    const renamed = await t.request('PATCH', `/api/orgs/${org.id}`, { as: await t.user('admin'), body: { name: 'Ysgol Newydd' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect((await orgFeed.changed()).name).toBe('Training bookings: Ysgol Newydd');
  });

  it('changes elsewhere leave a feed at 304: another person’s booking, another organisation’s, a session I am not on', async () => {
    const { org, me, s, mine, orgFeed } = await setup();
    await book(s.id, me);
    await mine.changed();
    await orgFeed.changed();
    const colleague = await t.user('staff', org.id);
    const stranger = await t.user('staff', (await t.org()).id);
    const elsewhere = await t.session({ title: 'Elsewhere' });
    await book(s.id, stranger);
    await book(elsewhere.id, stranger);
    await t.request('PATCH', `/api/sessions/${elsewhere.id}`, { as: elsewhere.trainer, body: { title: 'Still elsewhere' } });
    await mine.unchanged();
    await orgFeed.unchanged();
    // A colleague's booking is in the organisation's feed, not in mine.
    await book(s.id, colleague);
    await mine.unchanged();
    expect((await orgFeed.changed()).events).toHaveLength(2);
  });

  it('a cancellation leaving the feed 30 days later changes it then, and it then holds still', async () => {
    const { me, s, mine } = await setup();
    const b = await book(s.id, me);
    await mine.changed();
    t.clock.advance(MINUTE);
    await t.request('DELETE', `/api/bookings/${b.id}`, { as: me });
    await mine.changed();
    t.clock.advance(29 * DAY);
    await mine.unchanged();
    t.clock.advance(2 * DAY);
    expect((await mine.changed()).events).toEqual([]);
    t.clock.advance(DAY);
    await mine.unchanged();
  });

  it('so does a whole session’s cancellation: the cancelled event leaves both feeds 30 days later, and they change then', async () => {
    const { me, s, mine, orgFeed } = await setup();
    await book(s.id, me);
    await mine.changed();
    await orgFeed.changed();
    t.clock.advance(MINUTE);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    expect((await mine.changed()).events.map((e) => e.status)).toEqual(['CANCELLED']);
    await orgFeed.changed();
    t.clock.advance(29 * DAY);
    await mine.unchanged();
    t.clock.advance(2 * DAY);
    expect((await mine.changed()).events).toEqual([]);
    expect((await orgFeed.changed()).events).toEqual([]);
  });
});
