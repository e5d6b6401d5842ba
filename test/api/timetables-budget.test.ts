/**
 * Timetable files that would take a parser for ever (or for long) are read in worker
 * threads under a work budget: each gets a 4xx and changes nothing, and the service goes on
 * reading other files (a worker over time is replaced).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../server/platform/deps.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { ABSURD_DURATION, calendar, NEVER, SINCE_1601 } from './timetables-heavy.fixtures.js';

const ics = { 'content-type': 'text/calendar' };
const GOOD = calendar('DTSTART;TZID=Europe/London:20260105T090000\r\nDTEND;TZID=Europe/London:20260105T100000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n');

let t: TestContext;
let feed: Server;
let served = NEVER;
beforeAll(async () => {
  feed = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/calendar' });
    res.end(served);
  });
  await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
  // A short wall-time budget so the absurd DURATION (which only time stops) is ended quickly;
  // a large one would only make this test slower, not different.
  t = await makeTestContext({
    config: {
      timetableParsing: { ...defaultConfig().timetableParsing, timeMs: 1_500 },
      outbound: { ...defaultConfig().outbound, allow: [`127.0.0.1:${(feed.address() as AddressInfo).port}`] },
    },
  });
});
afterAll(async () => {
  await t.close();
  feed.closeAllConnections();
  await new Promise<void>((r) => feed.close(() => r()));
});

describe('timetable files over the work budget', () => {
  it('refuses each heavy file with a 4xx and keeps the timetable as it was; the next good file is read', async () => {
    const org = await t.org();
    const a = await t.user('staff', org.id);
    expect((await t.request('PUT', '/api/me/timetable', { as: a, body: GOOD, headers: ics })).status).toBe(200);
    const before = (await t.request('GET', '/api/me/timetable', { as: a })).json;

    for (const [name, file] of [['30 February', NEVER], ['absurd DURATION', ABSURD_DURATION], ['daily since 1601', SINCE_1601]] as const) {
      const res = await t.request('PUT', '/api/me/timetable', { as: a, body: file, headers: ics });
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(res.json.error.message, name).toMatch(/not changed/);
      // The two that would never finish are refused for their cost, with their own code.
      if (file !== SINCE_1601) expect(res.json.error.code, name).toBe('timetable_too_complex');
      expect((await t.request('GET', '/api/me/timetable', { as: a })).json, name).toEqual(before);
    }
    // The worker that was ended for time has been replaced: files are still read.
    const again = await t.request('PUT', '/api/me/timetable', { as: a, body: GOOD.replace('BYDAY=MO', 'BYDAY=TU'), headers: ics });
    expect(again.status).toBe(200);
  });

  it('counts the dates a rule examines, not only the lessons it produces', async () => {
    const org = await t.org();
    const a = await t.user('staff', org.id);
    // With plenty of time, the 30 February rule is still refused: by its count of examined dates.
    const patient = { ...t.deps.config.timetableParsing };
    t.deps.config.timetableParsing = { ...patient, timeMs: 600_000, maxExamined: 10_000 };
    try {
      const res = await t.request('PUT', '/api/me/timetable', { as: a, body: NEVER, headers: ics });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe('timetable_too_complex');
      // A small examine budget refuses an ordinary daily rule that produces few lessons in range.
      t.deps.config.timetableParsing = { ...patient, timeMs: 600_000, maxExamined: 50 };
      const daily = calendar('DTSTART:20250901T090000Z\r\nDTEND:20250901T100000Z\r\nRRULE:FREQ=DAILY;BYDAY=MO\r\n');
      expect((await t.request('PUT', '/api/me/timetable', { as: a, body: daily, headers: ics })).json.error.code).toBe('timetable_too_complex');
      t.deps.config.timetableParsing = { ...patient, timeMs: 600_000, maxExamined: 100_000 };
      expect((await t.request('PUT', '/api/me/timetable', { as: a, body: daily, headers: ics })).status).toBe(200);
    } finally {
      t.deps.config.timetableParsing = patient;
    }
  });

  it('reads a calendar of many long-running weekly series (100 since 2016, as a person’s own calendar holds after some years): each is within bounds, and so is the file', async () => {
    const org = await t.org();
    const a = await t.user('staff', org.id);
    const pad = (n: number) => String(n).padStart(2, '0');
    const events = Array.from({ length: 100 }, (_, i) => {
      const day = `2016${pad((i % 9) + 1)}0${(i % 5) + 1}`;
      return [`BEGIN:VEVENT`, `UID:weekly-${i}`, `SUMMARY:Weekly meeting ${i}`, `DTSTART;TZID=Europe/London:${day}T${pad(8 + (i % 8))}0000`, `DTEND;TZID=Europe/London:${day}T${pad(9 + (i % 8))}0000`, 'RRULE:FREQ=WEEKLY', 'END:VEVENT'].join('\r\n');
    });
    const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Weekly//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
    // Time is not what this is about (this file's budget is short, for the files only time
    // stops; a busy machine may take longer than that over 60,000 weekly dates).
    const short = t.deps.config.timetableParsing;
    t.deps.config.timetableParsing = { ...short, timeMs: 60_000 };
    const res = await t.request('PUT', '/api/me/timetable', { as: a, body, headers: ics }).finally(() => (t.deps.config.timetableParsing = short));
    expect(res.status, res.text).toBe(200);
    const week = await t.request('GET', '/api/me/timetable', { as: a });
    const labels = new Set(week.json.busy.map((l: { label: string }) => l.label));
    for (const i of [0, 50, 99]) expect(labels.has(`Weekly meeting ${i}`), `Weekly meeting ${i}`).toBe(true);
  });

  it('reads subscribed calendars under the same budget', async () => {
    const org = await t.org();
    const a = await t.user('staff', org.id);
    served = NEVER;
    const url = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/heavy.ics`;
    const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url } });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('timetable_too_complex');
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json?.source).not.toBe('subscription');
  });
});
