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
