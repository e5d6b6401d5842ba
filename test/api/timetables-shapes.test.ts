/**
 * Each shape of calendar file, uploaded as a timetable through the API: the busy times the
 * service then holds, and which of two sessions `GET /api/sessions?fits=me` keeps: one inside
 * a lesson (left out) and one outside every lesson (kept).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { primaryCsv } from './timetables.fixtures.js';
import { outlookWindowsZone, SHAPES } from './timetables.shapes.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const ics = { 'content-type': 'text/calendar; charset=utf-8' };

async function staff() {
  const org = await t.org();
  return t.user('staff', org.id);
}

const upload = (user: TestUser, body: string, headers = ics) => t.request('PUT', '/api/me/timetable', { as: user, body, headers });

describe('PUT /api/me/timetable with each shape of calendar file', () => {
  for (const shape of SHAPES) {
    it(`${shape.name}: holds its busy times, and ?fits=me keeps only the session outside its lessons`, async () => {
      const user = await staff();
      const res = await upload(user, shape.ics);
      expect(res.status, res.text).toBe(200);
      expect(res.json.timeZone).toBe(shape.timeZone);
      const got = await t.request('GET', '/api/me/timetable?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z', { as: user });
      expect(got.status).toBe(200);
      expect(got.json.busy).toEqual(shape.busy);
      expect(got.json.freeDays.map(({ from, to, label }: { from: string; to: string; label: string }) => ({ from, to, label }))).toEqual(shape.freeDays);

      const inside = await t.session({ title: 'Inside a lesson', mode: 'online', ...shape.inside, capacity: { online: 20 } });
      const outside = await t.session({ title: 'Outside every lesson', mode: 'online', ...shape.outside, capacity: { online: 20 } });
      const fits = await t.request('GET', '/api/sessions?fits=me', { as: user });
      expect(fits.status).toBe(200);
      expect(fits.json.items.map((s: { id: string }) => s.id)).toEqual([outside.id]);
      const all = await t.request('GET', '/api/sessions', { as: user });
      const fitOf = (id: string) => all.json.items.find((s: { id: string }) => s.id === id).fit;
      const lesson = shape.busy.find((b) => Date.parse(b.startsAt) < Date.parse(shape.inside.endsAt) && Date.parse(b.endsAt) > Date.parse(shape.inside.startsAt));
      expect(fitOf(inside.id)).toMatchObject({ fits: false, clashes: [lesson] });
      expect(fitOf(outside.id)).toMatchObject({ fits: true, clashes: [] });
    });
  }

  it('refuses a zone it cannot place with 422, naming the zone, and keeps the old timetable', async () => {
    const user = await staff();
    expect((await upload(user, primaryCsv(), { 'content-type': 'text/csv' })).status).toBe(200);
    const res = await upload(user, outlookWindowsZone.ics.replaceAll('Eastern Standard Time', 'Atlantis Standard Time'));
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('unknown_time_zone');
    expect(res.json.error.message).toMatch(/"Atlantis Standard Time"/);
    expect(res.json.error.message).toMatch(/not changed/);
    const got = await t.request('GET', '/api/me/timetable', { as: user });
    expect(got.json.source).toBe('csv');
    expect(got.json.weekly).toHaveLength(10);
  });

  it('explains an empty RRULE in words a person understands', async () => {
    const user = await staff();
    const res = await upload(user, outlookWindowsZone.ics.replace('RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TU', 'RRULE:'));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toMatch(/^Event "Online tutoring \(New York\)" .* has an empty repeat rule/);
    expect(res.json.error.message).not.toMatch(/TypeError|undefined|null/);
  });
});

/**
 * Files that name a zone (an IANA name, or the Windows name Outlook writes) but carry no
 * VTIMEZONE for it, as many exporters write them: a repeat rule's UNTIL and a moved
 * lesson's RECURRENCE-ID written in UTC still mean the instants they name.
 */
describe('PUT /api/me/timetable with zone names and no VTIMEZONE', () => {
  const cal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', ...lines, 'END:VCALENDAR'].join('\r\n');
  const fitOf = async (user: TestUser, id: string) => (await t.request('GET', `/api/sessions/${id}`, { as: user })).json.fit;
  const online = (title: string, startsAt: string, endsAt: string) => t.session({ title, mode: 'online', startsAt, endsAt, capacity: { online: 20 } });

  for (const tzid of ['Europe/London', 'GMT Standard Time']) {
    it(`TZID=${tzid}: keeps the last lesson of a rule whose UNTIL is in UTC during summer time (UNTIL is inclusive)`, async () => {
      const user = await staff();
      const body = cal(
        'BEGIN:VEVENT', 'UID:y9@school', 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=${tzid}:20260601T090000`, `DTEND;TZID=${tzid}:20260601T100000`,
        // 08:00Z is 09:00 BST on 15 June: the lesson that day is the rule's last.
        'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260615T080000Z', 'SUMMARY:Y9 English', 'END:VEVENT',
      );
      const res = await upload(user, body);
      expect(res.status, res.text).toBe(200);
      const got = await t.request('GET', '/api/me/timetable?from=2026-05-01T00:00:00Z&to=2026-07-01T00:00:00Z', { as: user });
      expect(got.json.busy.map((b: { startsAt: string }) => b.startsAt)).toEqual(['2026-06-01T08:00:00.000Z', '2026-06-08T08:00:00.000Z', '2026-06-15T08:00:00.000Z']);
      const s = await online('Online 15 June', '2026-06-15T08:15:00Z', '2026-06-15T08:45:00Z');
      expect((await fitOf(user, s.id)).fits).toBe(false);
    });

    it(`TZID=${tzid}: moves the lesson a RECURRENCE-ID written in UTC names`, async () => {
      const user = await staff();
      const body = cal(
        'BEGIN:VEVENT', 'UID:y10@school', 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=${tzid}:20260601T090000`, `DTEND;TZID=${tzid}:20260601T100000`, 'RRULE:FREQ=WEEKLY;COUNT=3', 'SUMMARY:Y10 Maths', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:y10@school', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20260608T080000Z', `DTSTART;TZID=${tzid}:20260608T140000`, `DTEND;TZID=${tzid}:20260608T150000`, 'SUMMARY:Y10 Maths (moved)', 'END:VEVENT',
      );
      const res = await upload(user, body);
      expect(res.status, res.text).toBe(200);
      const got = await t.request('GET', '/api/me/timetable?from=2026-05-01T00:00:00Z&to=2026-07-01T00:00:00Z', { as: user });
      expect(got.json.busy).toEqual([
        { startsAt: '2026-06-01T08:00:00.000Z', endsAt: '2026-06-01T09:00:00.000Z', label: 'Y10 Maths' },
        { startsAt: '2026-06-08T13:00:00.000Z', endsAt: '2026-06-08T14:00:00.000Z', label: 'Y10 Maths (moved)' },
        { startsAt: '2026-06-15T08:00:00.000Z', endsAt: '2026-06-15T09:00:00.000Z', label: 'Y10 Maths' },
      ]);
      const morning = await online('Morning', '2026-06-08T08:15:00Z', '2026-06-08T08:45:00Z');
      const afternoon = await online('Afternoon', '2026-06-08T13:15:00Z', '2026-06-08T13:45:00Z');
      expect((await fitOf(user, morning.id)).fits).toBe(true);
      expect((await fitOf(user, afternoon.id)).fits).toBe(false);
    });
  }
});
