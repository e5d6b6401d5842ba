/**
 * Calendars the service writes, read back with ical.js: an empty calendar is still a valid
 * one, a start in the hour repeated when clocks go back lands at the right instant, the
 * organiser and Message-ID speak for PUBLIC_URL's domain, a CANCEL does not say the person
 * declined.
 */
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { configuredMailer, deliverDue } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { startSmtp } from '../smtp.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
afterEach(async () => {
  await t.close();
});

async function book(sessionId: string, as: TestUser) {
  const res = await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body: {} });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string };
}

async function invite(bookingId: string, as: TestUser) {
  const res = await t.request('GET', `/api/bookings/${bookingId}/invite.ics`, { as });
  expect(res.status, res.text).toBe(200);
  return { text: res.text, cal: readCalendar(res.text) };
}

describe('an organisation with no bookings', () => {
  it('gets an export and a feed that still hold a component: the VTIMEZONE of its zone', async () => {
    t = await makeTestContext();
    const org = await t.org('Ysgol Dawel');
    await t.db.updateTable('organisations').set({ time_zone: 'Europe/Dublin' }).where('id', '=', org.id).execute();
    const office = await t.user('office', org.id);
    const exported = await t.request('GET', `/api/orgs/${org.id}/bookings.ics`, { as: office });
    expect(exported.status).toBe(200);
    const feedUrl = (await t.request('GET', `/api/orgs/${org.id}/calendar`, { as: office })).json.url as string;
    const feed = await t.request('GET', new URL(feedUrl).pathname);
    expect(feed.status).toBe(200);
    for (const text of [exported.text, feed.text]) {
      const cal = readCalendar(text);
      expect(cal.events).toEqual([]);
      expect(cal.zones).toEqual(['Europe/Dublin']);
      const root = new ICAL.Component(ICAL.parse(text));
      expect(root.getAllSubcomponents().length).toBeGreaterThan(0);
    }
  });

  it('gets the service’s default zone for a person’s empty feed', async () => {
    t = await makeTestContext();
    const staff = await t.user('staff', (await t.org()).id);
    const url = (await t.request('GET', '/api/me/calendar', { as: staff })).json.url as string;
    const cal = readCalendar((await t.request('GET', new URL(url).pathname)).text);
    expect(cal.events).toEqual([]);
    expect(cal.zones).toEqual(['Europe/London']);
  });
});

describe('the night the clocks go back', () => {
  it('writes a start in the repeated hour in UTC, so every client places it at the right instant', async () => {
    t = await makeTestContext({ now: '2026-10-01T09:00:00.000Z' });
    const staff = await t.user('staff', (await t.org()).id);
    // 01:30 on Sunday 25 October 2026 happens twice in London: 00:30 UTC (BST) and 01:30 UTC (GMT).
    const second = await t.session({ title: 'Night shift training', startsAt: '2026-10-25T01:30:00+00:00', endsAt: '2026-10-25T02:30:00+00:00', timeZone: 'Europe/London' });
    const first = await t.session({ title: 'Night shift training (early)', startsAt: '2026-10-25T01:30:00+01:00', endsAt: '2026-10-25T02:30:00+00:00', timeZone: 'Europe/London' });
    const ordinary = await t.session({ title: 'Morning session', startsAt: '2026-10-25T09:00:00+00:00', endsAt: '2026-10-25T10:00:00+00:00', timeZone: 'Europe/London' });
    const s2 = (await invite((await book(second.id, staff)).id, staff)).cal.events[0]!;
    expect(s2.localStart).toBe('20261025T013000Z');
    expect([s2.startUtc, s2.endUtc]).toEqual(['2026-10-25T01:30:00.000Z', '2026-10-25T02:30:00.000Z']);
    const s1 = (await invite((await book(first.id, staff)).id, staff)).cal.events[0]!;
    expect([s1.startUtc, s1.endUtc]).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00.000Z']);
    expect(s1.localStart).toBe('20261025T003000Z');
    // Every other time keeps its local time and zone.
    const o = (await invite((await book(ordinary.id, staff)).id, staff)).cal.events[0]!;
    expect([o.tzid, o.localStart, o.startUtc]).toEqual(['Europe/London', '20261025T090000', '2026-10-25T09:00:00.000Z']);
    // The feed holding all three agrees.
    const url = (await t.request('GET', '/api/me/calendar', { as: staff })).json.url as string;
    const feed = readCalendar((await t.request('GET', new URL(url).pathname)).text);
    expect(feed.events.map((e) => e.startUtc).sort()).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T09:00:00.000Z']);
  });
});

describe('a zone whose rules have changed', () => {
  it('writes a session from before the change in UTC, since the VTIMEZONE holds today’s rules', async () => {
    t = await makeTestContext({ now: '2018-11-01T09:00:00.000Z' });
    const staff = await t.user('staff', (await t.org()).id);
    // São Paulo kept summer time (UTC-2) until 2019; today it is UTC-3 all year.
    const old = await t.session({ startsAt: '2018-12-03T10:00:00-02:00', endsAt: '2018-12-03T11:00:00-02:00', timeZone: 'America/Sao_Paulo' });
    const now = await t.session({ startsAt: '2026-12-03T10:00:00-03:00', endsAt: '2026-12-03T11:00:00-03:00', timeZone: 'America/Sao_Paulo' });
    const o = (await invite((await book(old.id, staff)).id, staff)).cal.events[0]!;
    expect([o.tzid, o.localStart, o.startUtc]).toEqual([null, '20181203T120000Z', '2018-12-03T12:00:00.000Z']);
    const n = (await invite((await book(now.id, staff)).id, staff)).cal.events[0]!;
    expect([n.tzid, n.localStart, n.startUtc]).toEqual(['America/Sao_Paulo', '20261203T100000', '2026-12-03T13:00:00.000Z']);
  });
});

describe('who the mail and invites are from', () => {
  it('uses PUBLIC_URL’s host for the default organiser and the Message-ID domain', async () => {
    t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z', config: { publicUrl: 'https://training.example.org' } });
    const smtp = await startSmtp();
    try {
      const staff = await t.user('staff', (await t.org()).id);
      const s = await t.session();
      const booking = await book(s.id, staff);
      const { cal } = await invite(booking.id, staff);
      expect(cal.events[0]!.organizer).toBe('mailto:no-reply@training.example.org');
      const mailer = configuredMailer({ ...t.deps.config, smtpUrl: `smtp://127.0.0.1:${smtp.port}` })!;
      expect((await deliverDue(t.deps, mailer)).sent).toBe(1);
      const raw = smtp.received[0]!.raw;
      expect(raw).toMatch(/^Message-ID: <[^@>\s]+@training\.example\.org>\r$/im);
      expect(raw).toMatch(/^From: SEND Live Training <no-reply@training\.example\.org>\r$/im);
    } finally {
      await smtp.close();
    }
  });
});

describe('a cancellation', () => {
  it('is a CANCEL that does not say the person declined', async () => {
    t = await makeTestContext();
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session();
    const booking = await book(s.id, staff);
    expect((await t.request('DELETE', `/api/bookings/${booking.id}`, { as: staff })).status).toBeLessThan(300);
    const { cal, text } = await invite(booking.id, staff);
    expect(cal.method).toBe('CANCEL');
    expect(cal.events[0]!.status).toBe('CANCELLED');
    expect(cal.events[0]!.attendees).toEqual([{ value: `mailto:${staff.email}`, cn: staff.name, partstat: null }]);
    expect(text).not.toContain('DECLINED');
  });
});
