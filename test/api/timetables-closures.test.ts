/**
 * Days the school is closed in a CSV timetable (INSET days, holidays): a row whose day is a
 * date, with no times. Lessons on those days do not count, as a calendar file's busy all-day
 * events already did; before, a CSV could not say so and every session on an INSET day clashed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-11-30T09:00:00Z' });
});
afterEach(async () => {
  await t.close();
});

const csv = { 'content-type': 'text/csv' };
// Monday 4 January 2027 is an INSET day; Monday 11 January an ordinary one (GMT, so UTC = London).
const inset = { startsAt: '2027-01-04T10:00:00Z', endsAt: '2027-01-04T11:00:00Z' };
const ordinary = { startsAt: '2027-01-11T10:00:00Z', endsAt: '2027-01-11T11:00:00Z' };

async function fitOf(user: TestUser, sessionId: string) {
  const r = await t.request('GET', `/api/sessions/${sessionId}`, { as: user });
  expect(r.status, r.text).toBe(200);
  return r.json.fit as { fits: boolean; clashes: { label: string }[] };
}

describe('a CSV timetable with days the school is closed', () => {
  it('keeps a staff member free on an INSET day and in the holidays, and shows those days on their timetable', async () => {
    const org = await t.org();
    const user = await t.user('staff', org.id);
    const body = ['day,start,end,label', 'Monday,09:00,12:00,Year 4', '04/01/2027,,,INSET day', '2026-12-21 to 2027-01-01,,,Christmas holidays'].join('\n');
    const put = await t.request('PUT', '/api/me/timetable', { as: user, body, headers: csv });
    expect(put.status, put.text).toBe(200);
    const onInset = await t.session({ title: 'On the INSET day', mode: 'online', capacity: { online: 10 }, ...inset });
    const onMonday = await t.session({ title: 'On a Monday of term', mode: 'online', capacity: { online: 10 }, ...ordinary });
    expect(await fitOf(user, onInset.id)).toMatchObject({ fits: true, clashes: [] });
    expect(await fitOf(user, onMonday.id)).toMatchObject({ fits: false, clashes: [{ label: 'Year 4' }] });
    const tt = await t.request('GET', '/api/me/timetable?from=2026-12-14T00:00:00Z&to=2027-01-18T00:00:00Z', { as: user });
    expect(tt.json.counts).toEqual({ weekly: 1, dated: 0, freeDays: 2 });
    expect(tt.json.freeDays).toEqual([
      expect.objectContaining({ from: '2026-12-21', to: '2027-01-02', label: 'Christmas holidays' }),
      expect.objectContaining({ from: '2027-01-04', to: '2027-01-05', label: 'INSET day' }),
    ]);
    // The week's lessons leave out the closed days: 14 December and 11 January only.
    expect(tt.json.busy.map((b: { startsAt: string }) => b.startsAt.slice(0, 10))).toEqual(['2026-12-14', '2027-01-11']);
  });

  it('refuses a bad closure row, naming its line, and keeps the timetable there was; a file of closures alone is refused too', async () => {
    const org = await t.org();
    const user = await t.user('staff', org.id);
    expect((await t.request('PUT', '/api/me/timetable', { as: user, body: 'day,start,end\nMonday,09:00,12:00\n', headers: csv })).status).toBe(200);
    const bad = await t.request('PUT', '/api/me/timetable', { as: user, body: 'day,start,end\nMonday,09:00,10:00\n31/02/2027,,\n04/01/2027,09:00,10:00\n', headers: csv });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^Line 3: day "31\/02\/2027" is not a date.*\(and 1 more problem\)\. The timetable was not changed\.$/);
    expect(bad.json.error.details.rows.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    const only = await t.request('PUT', '/api/me/timetable', { as: user, body: 'day,start,end\n04/01/2027,,\n', headers: csv });
    expect(only.status).toBe(400);
    expect(only.json.error.message).toMatch(/only days the school is closed: add the lessons/);
    const tt = await t.request('GET', '/api/me/timetable', { as: user });
    expect(tt.json.weekly).toEqual([expect.objectContaining({ day: 'Monday', start: '09:00', end: '12:00' })]);
    expect(tt.json.counts.freeDays).toBe(0);
  });

  it('in an office file, a closure row with no email is everyone’s named in it and one with an email is that person’s alone', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const a = await t.user('staff', org.id, 'Amira Khan');
    const b = await t.user('staff', org.id, 'Ben Lowe');
    const body = ['email,day,start,end,label', `${a.email},Monday,09:00,12:00,Reception`, `${b.email},Monday,09:00,12:00,Year 2`, ',04/01/2027,,,INSET day', `${b.email},11/01/2027,,,Ben's training day off site`].join('\n');
    const put = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body, headers: csv });
    expect(put.status, put.text).toBe(200);
    expect(put.json.people).toEqual(expect.arrayContaining([{ userId: a.id, email: a.email, periods: 1, closures: 1 }, { userId: b.id, email: b.email, periods: 1, closures: 2 }]));
    const onInset = await t.session({ title: 'On the INSET day', mode: 'online', capacity: { online: 10 }, ...inset });
    const onMonday = await t.session({ title: 'On a Monday of term', mode: 'online', capacity: { online: 10 }, ...ordinary });
    expect((await fitOf(a, onInset.id)).fits).toBe(true);
    expect((await fitOf(b, onInset.id)).fits).toBe(true);
    expect((await fitOf(a, onMonday.id)).clashes.map((c) => c.label)).toEqual(['Reception']);
    expect((await fitOf(b, onMonday.id)).fits).toBe(true);
  });

  it('refuses an office file giving someone closure rows but no lessons, and changes nobody', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const a = await t.user('staff', org.id, 'Amira Khan');
    const b = await t.user('staff', org.id, 'Ben Lowe');
    expect((await t.request('PUT', '/api/me/timetable', { as: b, body: 'day,start,end\nFriday,09:00,12:00\n', headers: csv })).status).toBe(200);
    const body = ['email,day,start,end', `${a.email},Monday,09:00,12:00`, `${b.email},04/01/2027,,`].join('\n');
    const put = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body, headers: csv });
    expect(put.status).toBe(400);
    expect(put.json.error.message).toMatch(new RegExp(`^Line 3: ${b.email} has days the school is closed but no lessons in the file`));
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: office })).status).toBe(404);
    expect((await t.request('GET', `/api/users/${b.id}/timetable`, { as: office })).json.weekly).toEqual([expect.objectContaining({ day: 'Friday' })]);
    // Days closed for everyone and no one's lessons: refused, not "saved for 0 people" with nothing changed.
    const onlyClosed = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: 'email,day,start,end,label\n,21/12/2026 to 01/01/2027,,,Christmas holidays\n', headers: csv });
    expect(onlyClosed.status).toBe(400);
    expect(onlyClosed.json.error.message).toMatch(/^Line 2: the file lists only days the school is closed: add each person’s lessons too/);
    expect((await t.request('GET', `/api/users/${b.id}/timetable?from=2026-12-14T00:00:00Z&to=2027-01-11T00:00:00Z`, { as: office })).json.freeDays).toEqual([]);
  });
});

describe('a calendar file’s all-day event shown as out of office', () => {
  it('is the person away, busy all day (leave, a trip), not the school closed; a busy all-day event still marks the school closed', async () => {
    const org = await t.org();
    const user = await t.user('staff', org.id);
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      'BEGIN:VEVENT',
      'UID:lessons',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;TZID=Europe/London:20270104T090000',
      'DTEND;TZID=Europe/London:20270104T100000',
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10',
      'SUMMARY:Year 4',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:trip',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20270111',
      'DTEND;VALUE=DATE:20270112',
      'SUMMARY:Y6 residential trip',
      'X-MICROSOFT-CDO-BUSYSTATUS:OOF',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:inset',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20270104',
      'DTEND;VALUE=DATE:20270105',
      'SUMMARY:INSET day',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const put = await t.request('PUT', '/api/me/timetable', { as: user, body: ics, headers: { 'content-type': 'text/calendar' } });
    expect(put.status, put.text).toBe(200);
    // 11 January, the trip: an afternoon session (no lesson then) clashes with being away.
    const afternoon = await t.session({ title: 'On the trip day', mode: 'online', capacity: { online: 10 }, startsAt: '2027-01-11T14:00:00Z', endsAt: '2027-01-11T15:00:00Z' });
    expect(await fitOf(user, afternoon.id)).toMatchObject({ fits: false, clashes: [{ label: 'Y6 residential trip' }] });
    // 4 January, the INSET day: free all day, the lesson included.
    const onInset = await t.session({ title: 'On the INSET day', mode: 'online', capacity: { online: 10 }, ...inset });
    expect(await fitOf(user, onInset.id)).toMatchObject({ fits: true, clashes: [] });
    const tt = await t.request('GET', '/api/me/timetable?from=2027-01-04&to=2027-01-17', { as: user });
    expect(tt.json.freeDays).toEqual([expect.objectContaining({ from: '2027-01-04', to: '2027-01-05', label: 'INSET day' })]);
    expect(tt.json.busy).toContainEqual(expect.objectContaining({ startsAt: '2027-01-11T00:00:00.000Z', endsAt: '2027-01-12T00:00:00.000Z', label: 'Y6 residential trip' }));
  });
});
