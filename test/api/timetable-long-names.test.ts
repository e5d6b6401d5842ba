/**
 * Lesson names over the limit (MAX_LESSON_NAME_CHARS, 200 characters, counted as every text
 * limit is: NFC, trimmed, UTF-16 units) were cut to 200 code units without a word, and the
 * cut could split an emoji in half (stored as U+FFFD) and lose the rest of the name.
 * - A CSV (the person's own, or an office's for its staff) is refused, naming the line and
 *   the limit in plain words, and nothing is saved.
 * - A calendar (an ICS file, or a linked one) comes from a system the person cannot change:
 *   it is kept, each long name shortened at a whole character ending with "…", and the
 *   answer to the upload or link says how many names were shortened (Timetable notes). A
 *   background refresh shortens them the same way, with no one to tell.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshTimetableSubscriptions } from '../../server/timetables/service.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(() => t.close());

const csv = { 'content-type': 'text/csv' };
const ics = { 'content-type': 'text/calendar' };
/** The tester's name: 199 letters, an emoji (two UTF-16 units) and a word: 206 characters. */
const LONG = `${'a'.repeat(199)}😀 tail`;
/** Exactly at the limit, an emoji last: 198 + 2 = 200 characters, kept whole. */
const AT_LIMIT = `${'b'.repeat(198)}😀`;

/** Nothing in `s` that is half a character, nor the replacement character a split one becomes. */
function expectWholeCharacters(s: string) {
  expect(s).not.toContain('\uFFFD');
  // A high surrogate not followed by a low one, or a low one not after a high one.
  expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
}

/** A calendar of weekly Monday lessons (from 5 January 2026), one per name, as a school's system exports it. */
function calendar(names: string[]): string {
  const events = names.flatMap((name, i) => [
    'BEGIN:VEVENT',
    `UID:lesson-${i}@school.example`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=Europe/London:20260105T${String(9 + i).padStart(2, '0')}0000`,
    `DTEND;TZID=Europe/London:20260105T${String(9 + i).padStart(2, '0')}4500`,
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10',
    `SUMMARY:${name}`,
    'END:VEVENT',
  ]);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example SIS//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
}

const range = '?from=2026-01-12T00:00:00Z&to=2026-02-12T00:00:00Z';

describe('a CSV lesson name over 200 characters', () => {
  it('is refused on My timetable, naming the line and the limit in plain words; nothing is saved (and 200 characters with an emoji last are kept whole)', async () => {
    const org = await t.org();
    const teacher = await t.user('staff', org.id);
    const res = await t.request('PUT', '/api/me/timetable', { as: teacher, headers: csv, body: `day,start,end,label\nFriday,09:00,10:00,${LONG}\n` });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toBe('Line 2: the lesson name in the label column is 206 characters; at most 200. The timetable was not changed.');
    expect(res.json.error.details.rows).toEqual([{ line: 2, message: 'the lesson name in the label column is 206 characters; at most 200' }]);
    expect((await t.request('GET', '/api/me/timetable', { as: teacher })).json.source).toBeNull();

    // Every long line is named, a closed day's name too, beside the row's other problems.
    const many = await t.request('PUT', '/api/me/timetable', {
      as: teacher,
      headers: csv,
      body: `day,start,end,label\nMonday,09:00,10:00,Fine\nTuesday,09:00,10:00,${'x'.repeat(201)}\n21/12/2026,,,${'H'.repeat(250)}\nFunday,09:00,10:00,${'y'.repeat(300)}\n`,
    });
    expect(many.status).toBe(400);
    expect(many.json.error.details.rows).toEqual([
      { line: 3, message: 'the lesson name in the label column is 201 characters; at most 200' },
      { line: 4, message: 'the name of the closed day in the label column is 250 characters; at most 200' },
      { line: 5, message: expect.stringMatching(/^day "Funday" is not a day of the week .*; the lesson name in the label column is 300 characters; at most 200$/) },
    ]);
    expect((await t.request('GET', '/api/me/timetable', { as: teacher })).json.source).toBeNull();

    // At the limit: saved as written, emoji and all. Spaces around it are not counted.
    const ok = await t.request('PUT', '/api/me/timetable', { as: teacher, headers: csv, body: `day,start,end,label\nFriday,09:00,10:00,"  ${AT_LIMIT}  "\n` });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.weekly.map((p: { label: string }) => p.label)).toEqual([AT_LIMIT]);
    expect(ok.json.notes).toBeUndefined();
  });

  it('is refused in an office’s file for its staff, naming the line; no one’s timetable is changed', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const a = await t.user('staff', org.id, 'Amira Khan');
    const b = await t.user('staff', org.id, 'Ben Lowe');
    expect((await t.request('PUT', `/api/users/${a.id}/timetable`, { as: office, headers: csv, body: 'day,start,end,label\nMonday,09:00,10:00,Year 3 reading\n' })).status).toBe(200);
    const res = await t.request('PUT', `/api/orgs/${org.id}/timetables`, {
      as: office,
      headers: csv,
      body: `email,day,start,end,label\n${a.email},Monday,09:00,10:00,Year 4 maths\n${b.email},Friday,09:00,10:00,${LONG}\n`,
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toBe('Line 3: the lesson name in the label column is 206 characters; at most 200. The timetable was not changed.');
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: office })).json.weekly.map((p: { label: string }) => p.label)).toEqual(['Year 3 reading']);
    expect((await t.request('GET', `/api/users/${b.id}/timetable`, { as: office })).status).toBe(404);
  });
});

describe('a calendar event name over 200 characters', () => {
  it('an uploaded ICS file is kept, each long name shortened at a whole character ending with “…”; the answer says how many names (each counted once, however often it repeats)', async () => {
    const org = await t.org();
    const teacher = await t.user('staff', org.id);
    const words = `Year 10 English literature ${'and literature '.repeat(20)}with Ms Evans in room 12`;
    expect(words.length).toBeGreaterThan(200);
    const res = await t.request('PUT', '/api/me/timetable', { as: teacher, headers: ics, body: calendar([LONG, words, AT_LIMIT, 'Year 7 art']) });
    expect(res.status, res.text).toBe(200);
    expect(res.json.notes).toEqual(['2 event names in the calendar are longer than 200 characters, the most a lesson name may be, so they are kept shortened, each ending with “…”.']);

    const got = await t.request('GET', `/api/me/timetable${range}`, { as: teacher });
    expect(got.json.notes).toBeUndefined();
    const labels = [...new Set(got.json.dated.map((d: { label: string }) => d.label))] as string[];
    for (const l of labels) {
      expectWholeCharacters(l);
      expect(l.length).toBeLessThanOrEqual(200);
    }
    // The emoji is not split: it is left out whole, with the rest of the name.
    expect(labels).toContain(`${'a'.repeat(199)}…`);
    // Cut at the end of a word (199 characters would end in "and lit"), with no space left before the "…".
    expect(labels).toContain(`Year 10 English literature ${'and literature '.repeat(11)}and…`);
    expect(labels).toContain(AT_LIMIT);
    expect(labels).toContain('Year 7 art');
    expect(got.json.dated.length).toBe(4 * 5);

    // One long name only: said in the singular.
    const one = await t.request('PUT', '/api/me/timetable', { as: teacher, headers: ics, body: calendar([LONG]) });
    expect(one.json.notes).toEqual(['1 event name in the calendar is longer than 200 characters, the most a lesson name may be, so it is kept shortened, ending with “…”.']);
    // None: nothing said.
    expect((await t.request('PUT', '/api/me/timetable', { as: teacher, headers: ics, body: calendar([AT_LIMIT]) })).json.notes).toBeUndefined();
  });

  describe('a linked calendar', () => {
    let server: Server;
    let base: string;
    let served: string;
    beforeEach(async () => {
      served = calendar([LONG, 'Year 7 art']);
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/calendar' });
        res.end(served);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      base = `http://127.0.0.1:${port}`;
      t.deps.config.outbound = { ...t.deps.config.outbound, allow: [`127.0.0.1:${port}`] };
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('is linked with long names shortened whole, and the answer says how many; a background refresh shortens them the same way', async () => {
      const org = await t.org();
      const teacher = await t.user('staff', org.id);
      const res = await t.request('PUT', '/api/me/timetable/subscription', { as: teacher, body: { url: `${base}/sis/teacher.ics` } });
      expect(res.status, res.text).toBe(200);
      expect(res.json.source).toBe('subscription');
      expect(res.json.notes).toEqual(['1 event name in the calendar is longer than 200 characters, the most a lesson name may be, so it is kept shortened, ending with “…”.']);
      const labels = async () => [...new Set<string>((await t.request('GET', `/api/me/timetable${range}`, { as: teacher })).json.dated.map((d: { label: string }) => d.label))].sort();
      expect(await labels()).toEqual(['Year 7 art', `${'a'.repeat(199)}…`]);

      // The school's system changes the name: the refresh keeps it shortened at a whole character.
      served = calendar([`${'c'.repeat(198)}👩‍🏫 Ms Evans`, 'Year 7 art']);
      t.clock.advance(7 * 3_600_000);
      expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 1, failed: 0 });
      const after = await labels();
      expect(after).toEqual(['Year 7 art', `${'c'.repeat(198)}…`]);
      for (const l of after) expectWholeCharacters(l);
    });
  });
});
