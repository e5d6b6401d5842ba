import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { readCalendar } from './calendar-ical.js';
import { bookingEndsOf } from '../../server/bookings/repository.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function invite(bookingId: string, as: TestUser) {
  const res = await t.request('GET', `/api/bookings/${bookingId}/invite.ics`, { as });
  expect(res.status, res.text).toBe(200);
  return { res, cal: readCalendar(res.text) };
}

async function book(sessionId: string, as: TestUser, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; status: string };
}

describe('GET /api/bookings/:id/invite.ics', () => {
  it('is a REQUEST with the stable UID, the session zone, organiser, attendee, links and a reminder', async () => {
    const org = await t.org();
    const staff = await t.user('staff', org.id, 'Megan Jones');
    const s = await t.session({ startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    const b = await book(s.id, staff);

    const { res, cal } = await invite(b.id, staff);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(cal.method).toBe('REQUEST');
    expect(cal.zones).toEqual(['Europe/London']);
    expect(cal.events).toHaveLength(1);
    const e = cal.events[0]!;
    expect(e.uid).toBe(`booking-${s.id}-${staff.id}@localhost`);
    expect(e.sequence).toBe(0);
    expect(e.status).toBe('CONFIRMED');
    expect(e.tzid).toBe('Europe/London');
    expect(e.localStart).toBe('20260210T160000');
    expect([e.startUtc, e.endUtc]).toEqual(['2026-02-10T16:00:00.000Z', '2026-02-10T17:30:00.000Z']);
    expect(e.summary).toBe('Understanding autism');
    // PUBLIC_URL is http://localhost:3000 here: no mail domain, so the well-formed fallback.
    expect(e.organizer).toBe('mailto:no-reply@send-live-training.invalid');
    expect(e.attendees).toEqual([{ value: `mailto:${staff.email}`, cn: 'Megan Jones', partstat: 'ACCEPTED' }]);
    // An online seat: the place is the session's join page.
    expect(e.location).toBe(`http://localhost:3000/sessions/${s.id}`);
    expect(e.description).toContain(`Join online: http://localhost:3000/sessions/${s.id}`);
    expect(e.description).toContain(`Manage your booking: http://localhost:3000/bookings/${b.id}`);
    // Replies to the invite are read by no one: declining it in a calendar is not cancelling.
    expect(e.description).toContain('Can’t come? Cancel on your booking page (below), so your place goes to someone else: declining this in your calendar does not cancel it.');
    expect(e.alarms).toEqual([{ action: 'DISPLAY', trigger: '-PT1H' }]);
  });

  it('keeps its UID and raises SEQUENCE over a change, a cancellation, a re-booking and a session cancellation', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session();
    const b1 = await book(s.id, staff);
    const seen: { method: string | null; seq: number; uid: string; start: string; status: string | null; partstat: string | null; cancelHint: boolean }[] = [];
    const look = async (id: string) => {
      const { cal } = await invite(id, staff);
      const e = cal.events[0]!;
      seen.push({ method: cal.method, seq: e.sequence, uid: e.uid, start: e.startUtc, status: e.status, partstat: e.attendees[0]!.partstat, cancelHint: e.description.includes('Can’t come?') });
    };
    await look(b1.id);

    t.clock.advance(HOUR);
    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-10T17:00:00.000Z', endsAt: '2026-02-10T18:00:00.000Z' } });
    expect(moved.status, moved.text).toBe(200);
    await look(b1.id);

    t.clock.advance(HOUR);
    expect((await t.request('DELETE', `/api/bookings/${b1.id}`, { as: staff })).status).toBe(200);
    await look(b1.id);

    t.clock.advance(HOUR);
    const b2 = await book(s.id, staff);
    await look(b2.id);

    t.clock.advance(HOUR);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    await look(b2.id);

    expect(seen.map((x) => x.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL', 'REQUEST', 'CANCEL']);
    expect(seen.map((x) => x.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CANCELLED', 'CONFIRMED', 'CANCELLED']);
    // A CANCEL says the organiser called it off, not that the person declined.
    expect(seen.map((x) => x.partstat)).toEqual(['ACCEPTED', 'ACCEPTED', null, 'ACCEPTED', null]);
    // How to cancel is said while there is a place to cancel, not on a cancellation.
    expect(seen.map((x) => x.cancelHint)).toEqual([true, true, false, true, false]);
    expect(new Set(seen.map((x) => x.uid)).size).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq, `step ${i}`).toBeGreaterThan(seen[i - 1]!.seq);
    expect(seen[1]!.start).toBe('2026-02-10T17:00:00.000Z');
    // The old booking's CANCEL never outranks the new booking's event.
    const { cal: old } = await invite(b1.id, staff);
    expect(old.events[0]!.sequence).toBeLessThan(seen[4]!.seq);
  });

  it('gives the venue for in-person seats; a queue place shows as tentative in the person’s feed', async () => {
    const org = await t.org();
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ mode: 'in_person', venue: 'Tŷ Hywel, Cardiff Bay; Room 2', capacity: { inPerson: 1 } });
    const seated = await book(s.id, a);
    const queued = await book(s.id, b);
    expect(queued.status).toBe('waitlisted');
    const { cal } = await invite(seated.id, a);
    expect(cal.method).toBe('REQUEST');
    expect(cal.events[0]!.location).toBe('Tŷ Hywel, Cardiff Bay; Room 2');
    // The queue place has no invite (the test below), but the person's feed lists it.
    const feed = readCalendar((await t.request('GET', await feedPath((await t.request('GET', '/api/me/calendar', { as: b })).json.url))).text);
    const e = feed.events[0]!;
    expect(e.location).toBe('Tŷ Hywel, Cardiff Bay; Room 2');
    expect(e.status).toBe('TENTATIVE');
    expect(e.attendees[0]!.partstat).toBe('TENTATIVE');
    expect(e.description).toContain('waiting list');
  });

  it('is refused (409) for a place in the queue or a seat on offer, which is sent no update or CANCEL; a cancelled one still downloads its CANCEL', async () => {
    // A tentative REQUEST downloaded for a queue place or an offer stayed in the calendar at
    // a stale time for good: no update or CANCEL is ever sent for a place without a seat.
    const org = await t.org();
    const office = await t.user('office', org.id);
    const [first, me, gone] = [await t.user('staff', org.id), await t.user('staff', org.id, 'Nia Evans'), await t.user('staff', org.id)];
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const seated = await book(s.id, first);
    const queued = await book(s.id, me);
    const left = await book(s.id, gone);
    expect([queued.status, left.status]).toEqual(['waitlisted', 'waitlisted']);

    const refused = async (bookingId: string, as: TestUser) => {
      const res = await t.request('GET', `/api/bookings/${bookingId}/invite.ics`, { as });
      expect(res.status, res.text).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json.error.code).toBe('conflict');
      return res.json.error.message as string;
    };
    expect(await refused(queued.id, me)).toBe('You have no seat on this session yet, so there is no invite to add: it is emailed to you when you get a seat.');
    expect(await refused(queued.id, office)).toBe('Nia Evans has no seat on this session yet, so there is no invite to add: it is emailed to them when they get a seat.');
    expect(await refused(queued.id, await t.user('admin'))).toMatch(/^Nia Evans has no seat on this session yet/);
    // Someone who may not see the booking still learns nothing about it.
    expect((await t.request('GET', `/api/bookings/${queued.id}/invite.ics`, { as: await t.user('staff', org.id) })).status).toBe(404);

    // Offered: a seat held, not yet taken, so still no invite.
    t.clock.advance(HOUR);
    expect((await t.request('DELETE', `/api/bookings/${seated.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${queued.id}`, { as: me })).json.status).toBe('offered');
    expect(await refused(queued.id, me)).toMatch(/^You have no seat on this session yet/);

    // Accepted: a seat, and its invite.
    expect((await t.request('POST', `/api/bookings/${queued.id}/accept`, { as: me, body: {} })).status).toBe(200);
    const { cal } = await invite(queued.id, me);
    expect([cal.method, cal.events[0]!.status]).toEqual(['REQUEST', 'CONFIRMED']);

    // A cancelled booking (here one that only ever waited) downloads its CANCEL, as before.
    expect((await t.request('DELETE', `/api/bookings/${left.id}`, { as: gone })).status).toBe(200);
    const { res, cal: cancel } = await invite(left.id, gone);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8; method=CANCEL');
    expect([cancel.method, cancel.events[0]!.status]).toEqual(['CANCEL', 'CANCELLED']);
  });

  it('is right on the days the UK clocks change', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    t.clock.set('2026-03-01T09:00:00.000Z');
    const spring = await t.session({ startsAt: '2026-03-29T09:00:00+01:00', endsAt: '2026-03-29T10:00:00+01:00' });
    const autumn = await t.session({ startsAt: '2026-10-25T09:00:00+00:00', endsAt: '2026-10-25T10:00:00+00:00' });
    const { cal: sp } = await invite((await book(spring.id, staff)).id, staff);
    const { cal: au } = await invite((await book(autumn.id, staff)).id, staff);
    expect([sp.events[0]!.localStart, sp.events[0]!.localEnd]).toEqual(['20260329T090000', '20260329T100000']);
    expect([sp.events[0]!.startUtc, sp.events[0]!.endUtc]).toEqual(['2026-03-29T08:00:00.000Z', '2026-03-29T09:00:00.000Z']);
    expect([au.events[0]!.localStart, au.events[0]!.localEnd]).toEqual(['20261025T090000', '20261025T100000']);
    expect([au.events[0]!.startUtc, au.events[0]!.endUtc]).toEqual(['2026-10-25T09:00:00.000Z', '2026-10-25T10:00:00.000Z']);
  });

  it('uses the session’s own zone', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session({ startsAt: '2026-02-10T09:00:00+11:00', endsAt: '2026-02-10T10:00:00+11:00', timeZone: 'Australia/Sydney' });
    const { cal } = await invite((await book(s.id, staff)).id, staff);
    expect(cal.zones).toEqual(['Australia/Sydney']);
    expect(cal.events[0]!.tzid).toBe('Australia/Sydney');
    expect(cal.events[0]!.localStart).toBe('20260210T090000');
    expect(cal.events[0]!.startUtc).toBe('2026-02-09T22:00:00.000Z');
    for (const timeZone of ['UTC', 'Etc/UTC']) {
      const u = await t.session({ startsAt: '2026-02-11T09:00:00Z', endsAt: '2026-02-11T10:00:00Z', timeZone });
      const { cal: utc } = await invite((await book(u.id, staff)).id, staff);
      expect(utc.events[0]!.startUtc).toBe('2026-02-11T09:00:00.000Z');
    }
  });

  it('keeps text exactly and lets nothing a user types add a property or a line', async () => {
    const staff = await t.user('staff', (await t.org()).id, 'Siân "Sunny" O’Brien, Jr; ŵ');
    const title = 'Hyfforddiant ADY: ŵ ŷ â, "dyfynodau"; hanner-colon \\ 🎉🧠';
    const description = 'Line one, with commas; semicolons\nLine two "quoted" \\ back\n\nX\r\nATTENDEE:mailto:evil@example.org\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil';
    const venue = 'Ysgol Gymraeg, Heol y Frenhines; Caerdydd "Neuadd" 🏫 ATTENDEE:mailto:evil@example.org';
    const s = await t.session({ title, description, mode: 'in_person', venue, capacity: { inPerson: 5 } });
    const { res, cal } = await invite((await book(s.id, staff)).id, staff);
    expect(cal.events).toHaveLength(1);
    const e = cal.events[0]!;
    expect(e.summary).toBe(title);
    // Stored descriptions have CRLF normalised by nothing: whatever line ends, the text comes back.
    expect(e.description.startsWith(description.replace(/\r\n/g, '\n'))).toBe(true);
    expect(e.location).toBe(venue);
    expect(e.attendees).toEqual([{ value: `mailto:${staff.email}`, cn: 'Siân "Sunny" O’Brien, Jr; ŵ', partstat: 'ACCEPTED' }]);
    expect(res.text.match(/^ATTENDEE/gm)).toHaveLength(1);
    expect(res.text.match(/^BEGIN:VEVENT/gm)).toHaveLength(1);
    expect(res.text).not.toMatch(/^UID:evil/m);
    // A title with a line break is refused before it is stored.
    const bad = await t.request('POST', '/api/sessions', {
      as: s.trainer,
      body: { title: 'X\r\nATTENDEE:mailto:evil@example.org', mode: 'online', startsAt: '2026-02-10T16:00:00Z', endsAt: '2026-02-10T17:00:00Z', capacity: { online: 1 } },
    });
    expect(bad.status).toBe(400);
  });

  it('is for its owner, office staff of the owner’s organisation and admins only', async () => {
    const org = await t.org();
    const other = await t.org();
    const staff = await t.user('staff', org.id);
    const s = await t.session();
    const b = await book(s.id, staff);
    const path = `/api/bookings/${b.id}/invite.ics`;
    expect((await t.request('GET', path)).status).toBe(401);
    expect((await t.request('GET', path, { as: await t.user('staff', org.id) })).status).toBe(404);
    expect((await t.request('GET', path, { as: await t.user('office', other.id) })).status).toBe(404);
    expect((await t.request('GET', path, { as: await t.user('trainer') })).status).toBe(404);
    expect((await t.request('GET', path, { as: await t.user('office', org.id) })).status).toBe(200);
    expect((await t.request('GET', path, { as: await t.user('admin') })).status).toBe(200);
    expect((await t.request('GET', '/api/bookings/no-such-booking/invite.ics', { as: staff })).status).toBe(404);
  });
});

async function feedPath(url: string) {
  expect(url).toMatch(/^http:\/\/localhost:3000\/api\/calendar\/feeds\/[A-Za-z0-9_-]{43}\.ics$/);
  return new URL(url).pathname;
}

describe('personal subscription feed', () => {
  it('gives a private, webcal-friendly URL whose token is stored only as a hash', async () => {
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('GET', '/api/me/calendar')).status).toBe(401);
    const res = await t.request('GET', '/api/me/calendar', { as: staff });
    expect(res.status).toBe(200);
    const path = await feedPath(res.json.url);
    expect(res.json.webcalUrl).toBe(res.json.url.replace('http://', 'webcal://'));
    const token = path.split('/').pop()!.replace('.ics', '');
    const stored = await t.db.selectFrom('calendar_feed_tokens').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    // Calendar apps cannot sign in: the URL alone opens the feed.
    const feed = await t.request('GET', path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(readCalendar(feed.text).events).toEqual([]);
    // A guessed token is a 404.
    expect((await t.request('GET', '/api/calendar/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics')).status).toBe(404);
    expect((await t.request('GET', '/api/calendar/feeds/nonsense')).status).toBe(404);
  });

  it('lists all of my bookings, the same events as the invites, and keeps cancellations 30 days', async () => {
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const someoneElse = await t.user('staff', org.id);
    const s1 = await t.session({ title: 'One' });
    const s2 = await t.session({ title: 'Two', startsAt: '2026-03-29T09:00:00+01:00', endsAt: '2026-03-29T10:00:00+01:00' });
    const s3 = await t.session({ title: 'Three' });
    const b1 = await book(s1.id, me);
    const b2 = await book(s2.id, me);
    await book(s3.id, someoneElse);
    t.clock.advance(HOUR);
    await t.request('DELETE', `/api/bookings/${b1.id}`, { as: me });
    t.clock.advance(HOUR);
    const b1again = await book(s1.id, me);
    t.clock.advance(HOUR);
    await t.request('DELETE', `/api/bookings/${b2.id}`, { as: me });

    const path = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    const feed = readCalendar((await t.request('GET', path)).text);
    expect(feed.method).toBeNull();
    expect(feed.name).toBe('My training sessions');
    expect(feed.events.map((e) => [e.summary, e.status]).sort()).toEqual([
      ['Cancelled: Two', 'CANCELLED'],
      ['One', 'CONFIRMED'],
    ]);
    // One event per UID, identical to what the invite says.
    const one = feed.events.find((e) => e.summary === 'One')!;
    expect(one).toEqual(readCalendar((await t.request('GET', `/api/bookings/${b1again.id}/invite.ics`, { as: me })).text).events[0]);
    const two = feed.events.find((e) => e.summary === 'Cancelled: Two')!;
    expect(two.startUtc).toBe('2026-03-29T08:00:00.000Z');

    t.clock.advance(31 * DAY);
    const later = readCalendar((await t.request('GET', path)).text);
    expect(later.events.map((e) => e.summary)).toEqual(['One']);
  });

  it('says in the title of a cancelled, waiting or offered place what it is, for calendars that ignore STATUS (Outlook)', async () => {
    // Outlook shows a subscribed event with STATUS:CANCELLED or TENTATIVE as an ordinary
    // one, so a session called off (kept 30 days so other calendars remove it) or a place in
    // the queue looked like a place to turn up to. The title says it, and a cancelled event
    // leaves the time free. Emailed and downloaded invites keep the plain title: a METHOD:CANCEL
    // is marked cancelled by the client itself ("Canceled: ...").
    const org = await t.org();
    const office = await t.user('office', org.id);
    const [me, first] = [await t.user('staff', org.id, 'Cerys'), await t.user('staff', org.id)];
    const on = await t.session({ title: 'On' });
    const off = await t.session({ title: 'Called off' });
    const left = await t.session({ title: 'Given up' });
    const full = await t.session({ title: 'Full', capacity: { online: 1 } });
    const offer = await t.session({ title: 'Offered', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    await book(on.id, me);
    await book(off.id, me);
    const given = await book(left.id, me);
    await book(full.id, first);
    expect((await book(full.id, me)).status).toBe('waitlisted');
    const seated = await book(offer.id, first);
    await book(offer.id, me);
    t.clock.advance(HOUR);
    expect((await t.request('POST', `/api/sessions/${off.id}/cancel`, { as: off.trainer, body: {} })).status).toBe(200);
    expect((await t.request('DELETE', `/api/bookings/${given.id}`, { as: me })).status).toBe(200);
    expect((await t.request('DELETE', `/api/bookings/${seated.id}`, { as: first })).status).toBe(200);

    const expected = [
      ['Cancelled: Called off', 'CANCELLED', 'TRANSPARENT'],
      ['Cancelled: Given up', 'CANCELLED', 'TRANSPARENT'],
      ['On', 'CONFIRMED', 'OPAQUE'],
      ['Place offered: Offered', 'TENTATIVE', 'OPAQUE'],
      ['Waiting list: Full', 'TENTATIVE', 'OPAQUE'],
    ];
    const shown = (text: string) => readCalendar(text).events.filter((e) => e.attendees[0]!.cn === 'Cerys').map((e) => [e.summary, e.status, e.transp]).sort();
    const mine = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    expect(shown((await t.request('GET', mine)).text)).toEqual(expected);
    const theirs = await feedPath((await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office })).json.url);
    // The office's calendars also name whose place it is (the test below).
    const named = expected.map(([summary, ...rest]) => [summary!.replace(/^((?:Cancelled|Waiting list|Place offered): )?/, '$1Cerys - '), ...rest]);
    expect(shown((await t.request('GET', theirs)).text)).toEqual(named);
    expect(shown((await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office })).text)).toEqual(named);
    // The CANCEL itself keeps the session's own title.
    const { cal } = await invite(given.id, me);
    expect([cal.method, cal.events[0]!.summary]).toEqual(['CANCEL', 'Given up']);
  });

  it('answers conditional requests with 304 until something changes', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session();
    const b = await book(s.id, me);
    const path = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    t.clock.advance(60_000);
    const first = await t.request('GET', path);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(new Date(lastModified).toISOString()).toBe('2026-01-12T09:00:00.000Z');

    const again = await t.request('GET', path, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await t.request('GET', path, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await t.request('GET', path, { headers: { 'if-none-match': '"something-else"' } })).status).toBe(200);

    t.clock.advance(HOUR);
    await t.request('DELETE', `/api/bookings/${b.id}`, { as: me });
    const changed = await t.request('GET', path, { headers: { 'if-none-match': etag, 'if-modified-since': lastModified } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(readCalendar(changed.text).events[0]!.status).toBe('CANCELLED');
    expect((await t.request('GET', path, { headers: { 'if-modified-since': lastModified } })).status).toBe(200);

    // When the cancellation leaves the feed after 30 days, the feed has changed again.
    const etag2 = changed.headers.get('etag')!;
    t.clock.advance(31 * DAY);
    const dropped = await t.request('GET', path, { headers: { 'if-none-match': etag2 } });
    expect(dropped.status).toBe(200);
    expect(readCalendar(dropped.text).events).toEqual([]);
  });

  it('never answers If-Modified-Since with 304 over a change in the same second, or over a renamed organisation', async () => {
    const org = await t.org('Old Name School');
    const me = await t.user('staff', org.id);
    const s = await t.session();
    const b = await book(s.id, me);
    const path = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    // Within the second of the last change, no Last-Modified is given: a change later in that second would share it.
    const fresh = await t.request('GET', path);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('last-modified')).toBeNull();
    t.clock.advance(400);
    await t.request('DELETE', `/api/bookings/${b.id}`, { as: me });
    t.clock.advance(2_000);
    const now = await t.request('GET', path);
    const lastModified = now.headers.get('last-modified')!;
    expect(new Date(lastModified).toISOString()).toBe('2026-01-12T09:00:00.000Z');
    expect(readCalendar(now.text).events[0]!.status).toBe('CANCELLED');
    expect((await t.request('GET', path, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);

    // The organisation's feed is named after it: renaming it changes the feed for If-Modified-Since pollers too.
    const office = await t.user('office', org.id);
    const orgPath = await feedPath((await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office })).json.url);
    const before = await t.request('GET', orgPath);
    const orgModified = before.headers.get('last-modified')!;
    expect((await t.request('GET', orgPath, { headers: { 'if-modified-since': orgModified } })).status).toBe(304);
    t.clock.advance(60_000);
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: await t.user('admin'), body: { name: 'New Name School' } })).status).toBe(200);
    t.clock.advance(2_000);
    const renamed = await t.request('GET', orgPath, { headers: { 'if-modified-since': orgModified } });
    expect(renamed.status).toBe(200);
    expect(renamed.text).toContain('X-WR-CALNAME:Training bookings: New Name School');
    expect(new Date(renamed.headers.get('last-modified')!).getTime()).toBeGreaterThan(new Date(orgModified).getTime());
  });

  it('a poll of an unchanged feed is a bare 304 with the feed headers, and no log line holds the token', async () => {
    const me = await t.user('staff', (await t.org()).id);
    await book((await t.session()).id, me);
    const path = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    const token = path.slice('/api/calendar/feeds/'.length, -'.ics'.length);
    const full = await t.request('GET', path);
    // The whole feed goes through every layer: request id, security headers.
    expect(full.status).toBe(200);
    expect(full.headers.get('x-request-id')).toBeTruthy();
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = full.headers.get('etag')!;

    const poll = await t.request('GET', path, { headers: { 'if-none-match': etag } });
    expect(poll.status).toBe(304);
    expect(poll.text).toBe('');
    // What a 200 would say about the feed (RFC 9110 15.4.5), so the calendar keeps its copy.
    expect(poll.headers.get('etag')).toBe(etag);
    expect(poll.headers.get('last-modified')).toBe(full.headers.get('last-modified'));
    expect(poll.headers.get('cache-control')).toBe('private, no-cache');
    expect(poll.headers.get('referrer-policy')).toBe('no-referrer');
    expect(poll.headers.get('x-robots-tag')).toBe('noindex, nofollow');

    // A stale or unknown condition, and an unknown token, still get the full route's answers.
    expect((await t.request('GET', path, { headers: { 'if-none-match': 'W/"old"' } })).status).toBe(200);
    const unknown = await t.request('GET', '/api/calendar/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics', { headers: { 'if-none-match': etag } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
    expect(unknown.headers.get('x-content-type-options')).toBe('nosniff');

    // Polls are logged like any request; the token, a password to the person's bookings, is not.
    const feedLines = t.logger.lines.filter((l) => l.msg === 'request' && String(l.path).startsWith('/api/calendar/feeds/'));
    expect(feedLines.map((l) => l.status)).toEqual([200, 304, 200, 404]);
    expect(JSON.stringify(t.logger.lines)).not.toContain(token);
  });

  it('rotation kills the old URL and gives a working new one, which GET then gives', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session();
    await book(s.id, me);
    const old = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    // Asking again gives the same address (test/api/calendar-feed-tokens.test.ts has the rest).
    expect(await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url)).toBe(old);
    expect((await t.request('GET', old)).status).toBe(200);
    expect((await t.request('POST', '/api/me/calendar/rotate')).status).toBe(401);
    const rotated = await t.request('POST', '/api/me/calendar/rotate', { as: me });
    expect(rotated.status).toBe(200);
    const fresh = await feedPath(rotated.json.url);
    expect(fresh).not.toBe(old);
    expect((await t.request('GET', old)).status).toBe(404);
    expect(await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url)).toBe(fresh);
    const feed = await t.request('GET', fresh);
    expect(feed.status).toBe(200);
    expect(readCalendar(feed.text).events).toHaveLength(1);
    // A disabled account's feed goes dark.
    await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', me.id).execute();
    expect((await t.request('GET', fresh)).status).toBe(404);
  });

  it('streams a feed longer than one batch, in order, one event per booking', async () => {
    const me = await t.user('staff', (await t.org()).id);
    const now = t.clock.now().toISOString();
    const N = 1_234;
    const sessions = Array.from({ length: N }, (_, i) => {
      const start = new Date(Date.parse('2026-02-01T09:00:00Z') + i * HOUR);
      return {
        id: `s-${String(i).padStart(5, '0')}`, course_id: null, title: `Session ${i}`, description: '', mode: 'online' as const,
        starts_at: start.toISOString(), ends_at: new Date(start.getTime() + HOUR).toISOString(), time_zone: i % 2 ? 'Europe/London' : 'Europe/Paris', venue: null,
        capacity_in_person: 0, capacity_online: 10, status: 'scheduled' as const, booking_closes_at: null, waitlist_policy: 'auto' as const, offer_hold_minutes: 60,
        holds_release_at: null, room_kind: 'webinar' as const, attendance_threshold: 0.75, join_opens_minutes: 15, revision: 0, created_by: null, created_at: now, updated_at: now,
      };
    });
    for (let i = 0; i < N; i += 200) await t.db.insertInto('sessions').values(sessions.slice(i, i + 200).map((s) => ({ ...s, booking_ends_at: bookingEndsOf(s) }))).execute();
    const bookings = sessions.map((s, i) => ({
      id: `b-${String(i).padStart(5, '0')}`, session_id: s.id, user_id: me.id, seat: 'online' as const, status: 'confirmed' as const, queue_seq: 1, hold_org_id: null,
      offer_expires_at: null, booked_by: me.id, revision: 0, created_at: now, updated_at: now, cancelled_at: null,
    }));
    for (let i = 0; i < N; i += 200) await t.db.insertInto('bookings').values(bookings.slice(i, i + 200)).execute();

    const path = await feedPath((await t.request('GET', '/api/me/calendar', { as: me })).json.url);
    const feed = readCalendar((await t.request('GET', path)).text);
    expect(feed.zones.sort()).toEqual(['Europe/London', 'Europe/Paris']);
    expect(feed.events).toHaveLength(N);
    expect(new Set(feed.events.map((e) => e.uid)).size).toBe(N);
    expect(feed.events.map((e) => e.startUtc)).toEqual(sessions.map((s) => s.starts_at));
  });
});

describe('office feed', () => {
  it('lists every booking of the organisation’s staff, for its office staff and admins only', async () => {
    const org = await t.org('Ysgol y Bryn');
    const other = await t.org();
    const office = await t.user('office', org.id);
    const [a, b] = [await t.user('staff', org.id, 'Aled'), await t.user('staff', org.id, 'Bethan')];
    const outsider = await t.user('staff', other.id, 'Outsider');
    const s = await t.session();
    for (const u of [a, b, outsider]) await book(s.id, u);

    expect((await t.request('GET', `/api/orgs/${org.id}/calendar`)).status).toBe(401);
    expect((await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: a })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: await t.user('office', other.id) })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: await t.user('admin') })).status).toBe(200);
    const res = await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office });
    expect(res.status).toBe(200);
    const path = await feedPath(res.json.url);
    const feed = readCalendar((await t.request('GET', path)).text);
    expect(feed.name).toBe('Training bookings: Ysgol y Bryn');
    expect(feed.events.map((e) => e.attendees[0]!.cn).sort()).toEqual(['Aled', 'Bethan']);
    expect(new Set(feed.events.map((e) => e.uid))).toEqual(new Set([`booking-${s.id}-${a.id}@localhost`, `booking-${s.id}-${b.id}@localhost`]));

    expect((await t.request('POST', `/api/orgs/${org.id}/calendar/rotate`, { as: await t.user('office', other.id) })).status).toBe(403);
    const rotated = await t.request('POST', `/api/orgs/${org.id}/calendar/rotate`, { as: office });
    expect(rotated.status).toBe(200);
    expect((await t.request('GET', path)).status).toBe(404);
    const fresh = await feedPath(rotated.json.url);
    expect((await t.request('GET', fresh)).status).toBe(200);
    // The feed dies when the person who made it no longer works in that office.
    await t.db.updateTable('users').set({ org_id: other.id }).where('id', '=', office.id).execute();
    expect((await t.request('GET', fresh)).status).toBe(404);
  });

  it('names in each event’s title whose place it is, so an office sees who is out without opening each one', async () => {
    // Three staff on one session were three events all called "Understanding autism" in the
    // office's calendar grid, at the same time, in every client.
    const org = await t.org();
    const office = await t.user('office', org.id);
    const s = await t.session({ capacity: { online: 2 } });
    for (const name of ['Aled Jones', 'Bethan Rees', 'Carys Ŵyn']) await book(s.id, await t.user('staff', org.id, name));
    const expected = ['Aled Jones - Understanding autism', 'Bethan Rees - Understanding autism', 'Waiting list: Carys Ŵyn - Understanding autism'];
    const feed = await feedPath((await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office })).json.url);
    expect(readCalendar((await t.request('GET', feed)).text).events.map((e) => e.summary).sort()).toEqual(expected);
    expect(readCalendar((await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office })).text).events.map((e) => e.summary).sort()).toEqual(expected);
  });

  it('says a staff member’s waiting place is theirs, not the reader’s; their own invite speaks to them', async () => {
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id);
    const [ann, bob] = [await t.user('staff', org.id, 'Ann Willow'), await t.user('staff', org.id, 'Bob Willow')];
    const s = await t.session({ capacity: { online: 1 } });
    await book(s.id, ann);
    const waiting = await book(s.id, bob);
    expect(waiting.status).toBe('waitlisted');
    const res = await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office });
    const feed = readCalendar((await t.request('GET', await feedPath(res.json.url))).text);
    const bobs = feed.events.find((e) => e.attendees[0]!.cn === 'Bob Willow')!;
    expect(bobs.description).toContain('Bob Willow is on the waiting list for this session');
    expect(bobs.description).not.toMatch(/\bYou\b|your booking|Can’t come/i);
    const exported = readCalendar((await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office })).text);
    expect(exported.events.find((e) => e.attendees[0]!.cn === 'Bob Willow')!.description).toContain('Bob Willow is on the waiting list');
    // Bob's own feed speaks to Bob (a queue place has no invite to download).
    const own = readCalendar((await t.request('GET', await feedPath((await t.request('GET', '/api/me/calendar', { as: bob })).json.url))).text);
    expect(own.events.find((e) => e.uid.includes(bob.id))!.description).toContain('You are on the waiting list for this session');
    expect((await t.request('GET', `/api/bookings/${waiting.id}/invite.ics`, { as: bob })).status).toBe(409);
  });
});

describe('office exports', () => {
  async function setup() {
    const org = await t.org('St Mary’s, "Upper" School');
    const other = await t.org();
    const office = await t.user('office', org.id);
    const a = await t.user('staff', org.id, '=HYPERLINK("http://evil.example","click")');
    const b = await t.user('staff', org.id, 'Siân Lewis, "Deputy"');
    const c = await t.user('staff', org.id, '-2+3');
    const outsider = await t.user('staff', other.id, 'Outsider');
    const feb = await t.session({ title: '@SUM(1+1) training, part 1', mode: 'in_person', venue: '+44 Hall; Room "A"', capacity: { inPerson: 2 } });
    const march = await t.session({ title: 'Hyfforddiant ADY: ŵ ŷ â 🎉', startsAt: '2026-03-29T09:00:00+01:00', endsAt: '2026-03-29T10:00:00+01:00' });
    await book(feb.id, a);
    await book(feb.id, b);
    const queued = await book(feb.id, c);
    expect(queued.status).toBe('waitlisted');
    await book(feb.id, outsider);
    await book(march.id, b);
    return { org, other, office, a, b, c, outsider, feb, march };
  }

  it('a range to the end of the year 9999 (or from the year 0) holds every booking in it, in the CSV, the calendar and the cover report', async () => {
    const { org, office } = await setup();
    const names = (csv: string) => csv.split('\n').slice(1).filter(Boolean).length;
    const near = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-01-01&to=9999-12-30`, { as: office });
    expect(near.status).toBe(200);
    expect(names(near.text)).toBeGreaterThan(0);
    for (const q of ['from=2026-01-01&to=9999-12-31', `from=0000-01-01T00:00:00%2B05:00&to=${encodeURIComponent('9999-12-31T23:00:00-05:00')}`]) {
      const csv = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?${q}`, { as: office });
      expect(csv.status, q).toBe(200);
      expect(names(csv.text), q).toBe(names(near.text));
      const ics = await t.request('GET', `/api/orgs/${org.id}/bookings.ics?${q}`, { as: office });
      expect(readCalendar(ics.text).events.length, q).toBe(names(near.text));
    }
    const cover = await t.request('GET', `/api/orgs/${org.id}/cover?from=9999-12-01&to=9999-12-31`, { as: office });
    expect(cover.status, cover.text).toBe(200);
  });

  it('exports a CSV that Excel opens cleanly, with formulas neutralised', async () => {
    const { org, office } = await setup();
    const res = await t.request('GET', `/api/orgs/${org.id}/bookings.csv`, { as: office });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=bookings-st-marys-upper-school.csv');
    // UTF-8 with a byte order mark, so Excel reads Welsh and emoji correctly.
    const bytes = new Uint8Array(await (await t.app.request(`/api/orgs/${org.id}/bookings.csv`, { headers: office.auth })).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe('\uFEFF' + res.text);
    expect(res.text.endsWith('\r\n')).toBe(true);
    expect(res.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const { parse } = await import('csv-parse/sync');
    const rows = parse(res.text, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['name', 'email', 'session title', 'start', 'end', 'time zone', 'mode', 'seat', 'venue', 'status', 'waitlist position', 'booked at', 'audience', 'organisation', 'how it ended', 'mode (in words)', 'seat (in words)', 'audience (in words)']);
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.name)).not.toContain('Outsider');
    const byName = new Map(rows.map((r) => [`${r.name}|${r['session title']}`, r]));
    const formula = byName.get(`'=HYPERLINK("http://evil.example","click")|'@SUM(1+1) training, part 1`)!;
    expect(formula).toMatchObject({ start: '2026-02-10 16:00', end: '2026-02-10 17:30', 'time zone': 'Europe/London', mode: 'in_person', seat: 'in_person', venue: `'+44 Hall; Room "A"`, status: 'confirmed', 'waitlist position': '' });
    expect(byName.get(`'-2+3|'@SUM(1+1) training, part 1`)).toMatchObject({ status: 'waitlisted', 'waitlist position': '1' });
    expect(byName.get('Siân Lewis, "Deputy"|Hyfforddiant ADY: ŵ ŷ â 🎉')).toMatchObject({ start: '2026-03-29 09:00', end: '2026-03-29 10:00', mode: 'online', 'booked at': '2026-01-12 09:00' });
    // No cell begins with a formula character.
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('says "offer expired" for an offer whose time has run out (before the sweep marks it), as the web list does', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const [first, me] = [await t.user('staff', org.id, 'Aled'), await t.user('staff', org.id, 'Bethan')];
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const seated = await book(s.id, first);
    const queued = await book(s.id, me);
    expect((await t.request('DELETE', `/api/bookings/${seated.id}`, { as: first })).status).toBe(200);
    const { parse } = await import('csv-parse/sync');
    const statusOf = async () => {
      const res = await t.request('GET', `/api/orgs/${org.id}/bookings.csv`, { as: office });
      expect(res.status, res.text).toBe(200);
      const rows = parse(res.text, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
      return rows.find((r) => r.name === 'Bethan')!.status;
    };
    expect(await statusOf()).toBe('offered');
    t.clock.advance(60 * 60_000 - 1);
    expect(await statusOf()).toBe('offered');
    // Run out by the server's clock; no sweep has run, so the booking is still stored as offered.
    t.clock.advance(1);
    expect((await t.db.selectFrom('bookings').select('status').where('id', '=', queued.id).executeTakeFirstOrThrow()).status).toBe('offered');
    expect(await statusOf()).toBe('offer expired');
    // The web list's row for it, which the page shows as "Offer expired" from the same expiry.
    const list = await t.request('GET', `/api/orgs/${org.id}/bookings`, { as: office });
    expect(list.status, list.text).toBe(200);
    expect(list.json.items.find((b: { id: string }) => b.id === queued.id)).toMatchObject({ status: 'offered', offerExpiresAt: t.clock.now().toISOString() });
  });

  it('filters by from/to (sessions overlapping the range)', async () => {
    const { org, office } = await setup();
    const q = `from=${encodeURIComponent('2026-03-01T00:00:00Z')}&to=${encodeURIComponent('2026-04-01T00:00:00+01:00')}`;
    const csv = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?${q}`, { as: office });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename=bookings-st-marys-upper-school-2026-03-01-to-2026-03-31.csv');
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    const ics = await t.request('GET', `/api/orgs/${org.id}/bookings.ics?${q}`, { as: office });
    expect(ics.status).toBe(200);
    expect(readCalendar(ics.text).events.map((e) => [e.summary, e.startUtc])).toEqual([['Siân Lewis, "Deputy" - Hyfforddiant ADY: ŵ ŷ â 🎉', '2026-03-29T08:00:00.000Z']]);
    // The same range as dates (days in England, the last one included).
    const byDays = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-03-01&to=2026-03-31`, { as: office });
    expect(byDays.status).toBe(200);
    expect(byDays.headers.get('content-disposition')).toBe('attachment; filename=bookings-st-marys-upper-school-2026-03-01-to-2026-03-31.csv');
    expect(byDays.text).toBe(csv.text);
    const icsByDays = await t.request('GET', `/api/orgs/${org.id}/bookings.ics?from=2026-03-29&to=2026-03-29`, { as: office });
    expect(readCalendar(icsByDays.text).events.map((e) => e.summary)).toEqual(['Siân Lewis, "Deputy" - Hyfforddiant ADY: ŵ ŷ â 🎉']);
    expect((await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-03-30&to=2026-03-29`, { as: office })).status).toBe(400);
    const bad = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=yesterday`, { as: office });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].message).toBe('must be a date (2026-03-29) or an ISO 8601 date-time with an offset, e.g. 2026-03-29T09:00:00+01:00');
    expect((await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z`, { as: office })).status).toBe(400);
  });

  it('exports every booking of the staff as one calendar', async () => {
    const { org, office, a, b, c, feb } = await setup();
    const res = await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=bookings-st-marys-upper-school\.ics$/);
    const cal = readCalendar(res.text);
    expect(cal.events).toHaveLength(4);
    // c is on the waiting list, and its title says so (calendar.test.ts above).
    const feb3 = cal.events.filter((e) => e.summary.replace(/^(Waiting list: )?.* - /, '') === '@SUM(1+1) training, part 1');
    expect(feb3.map((e) => e.uid).sort()).toEqual([a, b, c].map((u) => `booking-${feb.id}-${u.id}@localhost`).sort());
    expect(feb3.find((e) => e.uid.includes(c.id))!.status).toBe('TENTATIVE');
    expect(feb3[0]!.location).toBe('+44 Hall; Room "A"');
  });

  it('is only for that organisation’s office staff and admins', async () => {
    const { org, other, a } = await setup();
    for (const ext of ['csv', 'ics']) {
      const path = `/api/orgs/${org.id}/bookings.${ext}`;
      expect((await t.request('GET', path)).status).toBe(401);
      expect((await t.request('GET', path, { as: a })).status).toBe(403);
      expect((await t.request('GET', path, { as: await t.user('trainer') })).status).toBe(403);
      expect((await t.request('GET', path, { as: await t.user('office', other.id) })).status).toBe(403);
      expect((await t.request('GET', path, { as: await t.user('admin') })).status).toBe(200);
    }
    expect((await t.request('GET', '/api/orgs/no-such-org/bookings.csv', { as: await t.user('admin') })).status).toBe(404);
  });
});
