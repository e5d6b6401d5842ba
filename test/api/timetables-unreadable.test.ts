/**
 * An ICS timetable the parser cannot read, uploaded through `PUT /api/me/timetable`, as an
 * exploratory tester found it: a file that begins with BEGIN:VCALENDAR but has one line with
 * no colon, or an event that never closes, was refused with "it should begin with
 * BEGIN:VCALENDAR" and no line. The refusal now says what is wrong and on which line; a file
 * that is no calendar at all keeps its message; the timetable held before is kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { primaryCsv } from './timetables.fixtures.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const upload = (user: TestUser, body: string) => t.request('PUT', '/api/me/timetable', { as: user, body, headers: { 'content-type': 'text/calendar; charset=utf-8' } });
const lines = (...ls: string[]) => [...ls, ''].join('\r\n');
const start = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN'];
const lesson = (uid: string, summary = 'SUMMARY:Maths') => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTART:20260112T090000Z', 'DTEND:20260112T100000Z', summary, 'END:VEVENT'];

describe('PUT /api/me/timetable with an unreadable ICS file', () => {
  it('says which line has no colon, and which event is never closed; keeps the old timetable', async () => {
    const user = await t.user('staff', (await t.org()).id);
    expect((await t.request('PUT', '/api/me/timetable', { as: user, body: primaryCsv(), headers: { 'content-type': 'text/csv' } })).status).toBe(200);

    const noColon = await upload(user, lines(...start, ...lesson('a'), ...lesson('b', 'SUMMARY Science'), 'END:VCALENDAR'));
    expect(noColon.status).toBe(400);
    expect(noColon.json.error.code).toBe('validation_failed');
    expect(noColon.json.error.message).toBe('Line 14 has no colon: “SUMMARY Science” (each line of an iCalendar file reads NAME:value). The timetable was not changed.');

    const unclosed = await upload(user, lines(...start, ...lesson('a'), 'BEGIN:VEVENT', 'UID:b', 'DTSTART:20260113T090000Z', 'END:VCALENDAR'));
    expect(unclosed.status).toBe(400);
    expect(unclosed.json.error.message).toBe('An event starting on line 10 is never closed (no END:VEVENT). The timetable was not changed.');

    const notCalendar = await upload(user, lines('hello world'));
    expect(notCalendar.status).toBe(400);
    expect(notCalendar.json.error.message).toMatch(/^The file is not a valid iCalendar file \(it should begin with BEGIN:VCALENDAR/);

    const got = await t.request('GET', '/api/me/timetable', { as: user });
    expect(got.json.source).toBe('csv');
  });
});
