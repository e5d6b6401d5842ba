import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clashNoticeFor } from '../../server/timetables/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { partTimeTaCsv, primaryCsv, secondaryIcs, twoWeekCsv } from './timetables.fixtures.js';
import { bookingEndsOf } from '../../server/bookings/repository.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const csv = { 'content-type': 'text/csv' };
const ics = { 'content-type': 'text/calendar; charset=utf-8' };

async function staff(settings: Record<string, unknown> = {}) {
  const org = await t.org(undefined, settings);
  return { org, user: await t.user('staff', org.id) };
}

async function upload(user: TestUser, body: string, headers = csv) {
  return t.request('PUT', '/api/me/timetable', { as: user, body, headers });
}

/** An online session at London wall-clock times (offset given explicitly). */
function online(startsAt: string, endsAt: string, title = 'Online session') {
  return t.session({ title, mode: 'online', startsAt, endsAt, capacity: { online: 20 } });
}
function inPerson(startsAt: string, endsAt: string, title = 'In-person session') {
  return t.session({ title, mode: 'in_person', startsAt, endsAt, venue: 'Town Hall, Leeds', capacity: { inPerson: 20 } });
}

async function listing(user: TestUser, query = '') {
  const res = await t.request('GET', `/api/sessions${query}`, { as: user });
  expect(res.status).toBe(200);
  return res.json as { items: { id: string; title: string; fit: { fits: boolean; clashes: { label: string; startsAt: string; endsAt: string }[]; travelBufferMinutes: number } | null }[]; total: number };
}

describe('PUT /api/me/timetable', () => {
  it('stores a primary class teacher’s CSV timetable and shows it back', async () => {
    const { user } = await staff();
    const res = await upload(user, primaryCsv());
    expect(res.status).toBe(200);
    expect(res.json.source).toBe('csv');
    expect(res.json.timeZone).toBe('Europe/London');
    expect(res.json.weekly).toHaveLength(10);
    expect(res.json.weekly[0]).toEqual({ kind: 'weekly', day: 'Monday', start: '09:00', end: '12:00', week: null, label: 'Class 4 morning' });
    const got = await t.request('GET', '/api/me/timetable', { as: user });
    expect(got.status).toBe(200);
    expect(got.json.counts).toEqual({ weekly: 10, dated: 0, freeDays: 0 });
    const week = await t.request('GET', '/api/me/timetable?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z', { as: user });
    expect(week.json.busy).toHaveLength(10);
    expect(week.json.busy[0]).toEqual({ label: 'Class 4 morning', startsAt: '2026-01-19T09:00:00.000Z', endsAt: '2026-01-19T12:00:00.000Z' });
  });

  it('rejects a file with bad lines, naming each line, and keeps the old timetable', async () => {
    const { user } = await staff();
    expect((await upload(user, primaryCsv())).status).toBe(200);
    const bad = await upload(user, 'day,start,end,label\nMonday,09:00,10:00,P1\nFunday,09:00,10:00,P2\nTuesday,10:00,09:00,P3\n');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(bad.json.error.message).toMatch(/^Line 3: day "Funday" is not a day of the week/);
    expect(bad.json.error.message).toMatch(/not changed/);
    expect(bad.json.error.details.total).toBe(2);
    expect(bad.json.error.details.rows).toEqual([
      { line: 3, message: expect.stringMatching(/Funday/) },
      { line: 4, message: 'end 09:00 must be after start 10:00' },
    ]);
    const got = await t.request('GET', '/api/me/timetable', { as: user });
    expect(got.json.weekly).toHaveLength(10);
    expect(got.json.weekly[0].label).toBe('Class 4 morning');
  });

  it('refuses week A/B rows until the organisation has a Week A start date, and says so', async () => {
    const { user } = await staff();
    const res = await upload(user, twoWeekCsv());
    expect(res.status).toBe(400);
    // Said as a teacher understands it: what is missing, what to do and where; no setting's name.
    expect(res.json.error.message).toMatch(/^Line 2: this lesson is for week A, but your school has no Week A start date yet/);
    expect(res.json.error.message).toMatch(/leave the week column empty .* or ask an administrator to set “Week A starts on” for your school on its Organisations page/);
    expect(JSON.stringify(res.json)).not.toMatch(/settings|weekAStart/);
    const none = await t.request('GET', '/api/me/timetable', { as: user });
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ source: null, updatedAt: null, counts: { weekly: 0, dated: 0, freeDays: 0 }, weekly: [], busy: [] });
  });

  it('takes times with seconds, as Excel writes them (09:00:00), rounded to the nearest minute', async () => {
    const { user } = await staff();
    const res = await upload(user, 'day,start,end,label\r\nMonday,09:00:00,10:15:00,P1\r\nTuesday,8:59:59,12:00:30,P2\r\nWednesday,13:00:00.000,14:00:29,P3\r\n');
    expect(res.status).toBe(200);
    expect(res.json.weekly.map((p: { day: string; start: string; end: string }) => `${p.day} ${p.start}-${p.end}`)).toEqual(['Monday 09:00-10:15', 'Tuesday 09:00-12:01', 'Wednesday 13:00-14:00']);
    // A lesson that rounds to nothing is still refused, naming the times as they are kept.
    const none = await upload(user, 'day,start,end\nMonday,09:00:10,09:00:20\n');
    expect(none.status).toBe(400);
    expect(none.json.error.message).toBe('Line 2: end 09:00 must be after start 09:00. The timetable was not changed.');
  });

  it('refuses other media types, oversized bodies and anonymous callers', async () => {
    const { user } = await staff();
    const wrong = await t.request('PUT', '/api/me/timetable', { as: user, body: { day: 'Monday' } });
    expect(wrong.status).toBe(415);
    expect(wrong.json.error.code).toBe('unsupported_media_type');
    const huge = await upload(user, 'day,start,end\n' + 'Monday,09:00,10:00\n'.repeat(60_000));
    expect(huge.status).toBe(413);
    const tooMany = await upload(user, 'day,start,end\n' + 'Monday,09:00,10:00\n'.repeat(2_001));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toMatch(/at most 2000 rows/);
    expect((await t.request('PUT', '/api/me/timetable', { body: primaryCsv(), headers: csv })).status).toBe(401);
  });

  it('keeps one whole timetable when several uploads for one person race', async () => {
    const { org, user } = await staff();
    // One account has one file read at a time (timetables-limits.test.ts): the race is between
    // the person, two of their office and two administrators, each sending one.
    const senders = [user, await t.user('office', org.id), await t.user('office', org.id), await t.user('admin'), await t.user('admin')];
    const files = [primaryCsv(), partTimeTaCsv(), 'day,start,end\nFriday,09:00,10:00\n', primaryCsv(), partTimeTaCsv()];
    const answers = await Promise.all(files.map((body, i) => t.request('PUT', `/api/users/${user.id}/timetable`, { as: senders[i], body, headers: csv })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const got = await t.request('GET', '/api/me/timetable', { as: user });
    // Exactly one file's lessons, never a mix or a double.
    expect([10, 6, 1]).toContain(got.json.weekly.length);
    expect(got.json.counts.weekly).toBe(got.json.weekly.length);
  });

  it('clears the timetable with DELETE; listings then carry no fit', async () => {
    const { user } = await staff();
    await upload(user, primaryCsv());
    await online('2026-01-19T10:00:00+00:00', '2026-01-19T11:00:00+00:00');
    expect((await listing(user)).items[0]!.fit?.fits).toBe(false);
    expect((await t.request('DELETE', '/api/me/timetable', { as: user })).status).toBe(204);
    const none = await t.request('GET', '/api/me/timetable', { as: user });
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ source: null, updatedAt: null, counts: { weekly: 0, dated: 0, freeDays: 0 }, weekly: [], busy: [] });
    expect((await listing(user)).items[0]!.fit).toBeNull();
  });
});

describe('which sessions fit', () => {
  it('primary class teacher: lunchtime and after-school online sessions fit, in-person after school needs travel time', async () => {
    const { user } = await staff();
    await upload(user, primaryCsv());
    const lunch = await online('2026-01-19T12:15:00+00:00', '2026-01-19T12:45:00+00:00', 'Lunchtime online');
    const afterSchool = await online('2026-01-19T15:30:00+00:00', '2026-01-19T16:30:00+00:00', 'After school online');
    const travel = await inPerson('2026-01-19T15:30:00+00:00', '2026-01-19T16:30:00+00:00', 'After school in person');
    const morning = await online('2026-01-19T10:00:00+00:00', '2026-01-19T11:00:00+00:00', 'Morning online');
    const saturday = await inPerson('2026-01-24T10:00:00+00:00', '2026-01-24T12:00:00+00:00', 'Saturday conference');

    const all = await listing(user, '?from=2026-01-19T00:00:00Z&to=2026-01-25T00:00:00Z');
    const fit = Object.fromEntries(all.items.map((s) => [s.title, s.fit]));
    expect(fit['Lunchtime online']).toEqual({ fits: true, clashes: [], travelBufferMinutes: 0 });
    expect(fit['After school online']!.fits).toBe(true);
    expect(fit['After school in person']).toEqual({
      fits: false,
      travelBufferMinutes: 30,
      clashes: [{ label: 'Class 4 afternoon', startsAt: '2026-01-19T13:00:00.000Z', endsAt: '2026-01-19T15:15:00.000Z' }],
    });
    expect(fit['Morning online']!.clashes.map((c) => c.label)).toEqual(['Class 4 morning']);
    expect(fit['Saturday conference']!.fits).toBe(true);
    // One session on its own says the same.
    const one = await t.request('GET', `/api/sessions/${travel.id}`, { as: user });
    expect(one.json.fit).toEqual(fit['After school in person']);
    expect(one.json.fitBySeat).toBeUndefined();

    const fitting = await listing(user, '?fits=me&from=2026-01-19T00:00:00Z&to=2026-01-25T00:00:00Z');
    expect(fitting.total).toBe(3);
    expect(fitting.items.map((s) => s.id)).toEqual([lunch.id, afterSchool.id, saturday.id]);
    expect(fitting.items.every((s) => s.fit?.fits)).toBe(true);
    // Paging walks the filtered list, not the raw one.
    const page2 = await listing(user, '?fits=me&limit=1&offset=1&from=2026-01-19T00:00:00Z&to=2026-01-25T00:00:00Z');
    expect(page2.total).toBe(3);
    expect(page2.items.map((s) => s.id)).toEqual([afterSchool.id]);
    expect([travel.id, morning.id].some((id) => fitting.items.some((s) => s.id === id))).toBe(false);
    // A hybrid one, on its own, says it for each seat: online fits, in person needs the travel time.
    const both = await t.session({ title: 'After school hybrid', mode: 'hybrid', venue: 'Town Hall, Leeds', startsAt: '2026-01-19T15:30:00+00:00', endsAt: '2026-01-19T16:30:00+00:00', capacity: { inPerson: 20, online: 20 } });
    const hybrid = (await t.request('GET', `/api/sessions/${both.id}`, { as: user })).json;
    expect(hybrid.fitBySeat).toEqual({ online: { fits: true, clashes: [], travelBufferMinutes: 0 }, inPerson: fit['After school in person'] });
    expect(hybrid.fit).toEqual(hybrid.fitBySeat.online);
  });

  it('“fits my timetable” with no start given reads sessions from now, not every session ever (a past one fits no one’s week)', async () => {
    const { user } = await staff();
    await upload(user, primaryCsv());
    const past = await online('2026-01-19T12:15:00+00:00', '2026-01-19T12:45:00+00:00', 'Lunchtime last week');
    const next = await online('2026-01-26T12:15:00+00:00', '2026-01-26T12:45:00+00:00', 'Lunchtime next week');
    t.clock.set('2026-01-22T09:00:00.000Z');
    const fitting = await listing(user, '?fits=me');
    expect(fitting.items.map((s) => s.id)).toEqual([next.id]);
    expect(fitting.total).toBe(1);
    // A start asked for is kept: the past week's fitting session is found with it.
    expect((await listing(user, '?fits=me&from=2026-01-19')).items.map((s) => s.id)).toEqual([past.id, next.id]);
  });

  it('uses the organisation’s travel buffer for in-person sessions', async () => {
    const { user } = await staff({ travelBufferMinutes: 10 });
    await upload(user, primaryCsv());
    await inPerson('2026-01-19T15:30:00+00:00', '2026-01-19T16:30:00+00:00');
    const [s] = (await listing(user)).items;
    expect(s!.fit).toEqual({ fits: true, clashes: [], travelBufferMinutes: 10 });
  });

  it('checks every matching session, however many: the 5,001st that fits is listed and counted, and pages neither skip nor repeat', async () => {
    const { user } = await staff();
    expect((await upload(user, partTimeTaCsv())).status).toBe(200);
    const first = await online('2026-01-22T13:30:00+00:00', '2026-01-22T14:30:00+00:00', 'Template');
    const row = await t.db.selectFrom('sessions').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    // 5,200 more, four a day: on Mondays (a clash with the TA's interventions, 13:00-15:15) and Thursdays (free), alternately.
    const rows = [];
    for (let i = 1; i <= 5200; i++) {
      const week = Math.floor(i / 8);
      const day = i % 8 < 4 ? 0 : 3; // Monday 19 January or Thursday 22 January, plus `week` weeks
      const start = Date.parse('2026-01-19T13:30:00Z') + (week * 7 + day) * 86_400_000 + (i % 4) * 60_000;
      const at = { starts_at: new Date(start).toISOString(), ends_at: new Date(start + 3_600_000).toISOString() };
      rows.push({ ...row, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, title: `S${i}`, ...at, booking_ends_at: bookingEndsOf({ ...row, ...at }) });
    }
    for (let i = 0; i < rows.length; i += 250) await t.db.insertInto('sessions').values(rows.slice(i, i + 250)).execute();
    const fitting = 1 + rows.filter((_, i) => (i + 1) % 8 >= 4).length;
    expect(fitting).toBeGreaterThan(2000);
    const all = await listing(user, '?limit=1&offset=0');
    expect(all.total).toBe(5201);
    const fits = await listing(user, `?fits=me&limit=200&offset=${fitting - 150}`);
    expect(fits.total).toBe(fitting);
    expect(fits.items).toHaveLength(150);
    expect(fits.items.every((s) => s.fit?.fits)).toBe(true);
    expect(fits.items.at(-1)!.title).toBe(rows.filter((_, i) => (i + 1) % 8 >= 4).at(-1)!.title);
    // Pages across the batches the server reads meet exactly.
    const seen: string[] = [];
    for (let offset = 1900; offset < 2200; offset += 100) seen.push(...(await listing(user, `?fits=me&limit=100&offset=${offset}`)).items.map((s) => s.title));
    expect(new Set(seen).size).toBe(300);
  }, 60_000);

  it('part-time TA (Monday to Wednesday): Thursday and Friday sessions fit, Monday ones do not', async () => {
    const { user } = await staff();
    expect((await upload(user, partTimeTaCsv())).status).toBe(200);
    await online('2026-01-19T13:30:00+00:00', '2026-01-19T14:30:00+00:00', 'Monday');
    await online('2026-01-22T13:30:00+00:00', '2026-01-22T14:30:00+00:00', 'Thursday');
    await inPerson('2026-01-23T10:00:00+00:00', '2026-01-23T15:00:00+00:00', 'Friday');
    const res = await listing(user, '?fits=me');
    expect(res.items.map((s) => s.title)).toEqual(['Thursday', 'Friday']);
    const mon = (await listing(user)).items.find((s) => s.title === 'Monday')!;
    expect(mon.fit!.clashes).toEqual([{ label: 'Interventions, phonics', startsAt: '2026-01-19T13:00:00.000Z', endsAt: '2026-01-19T15:15:00.000Z' }]);
  });

  it('secondary teacher, two-week timetable: P3 is free in week A only, P2 in week B only', async () => {
    // Week A starts Monday 5 January 2026, so 19 January is week A and 26 January week B.
    const { user } = await staff({ weekAStart: '2026-01-05' });
    const res = await upload(user, twoWeekCsv());
    expect(res.status).toBe(200);
    expect(res.json.weekAStart).toBe('2026-01-05');
    expect(res.json.weekly).toHaveLength(40);
    const p3A = await online('2026-01-19T11:10:00+00:00', '2026-01-19T12:10:00+00:00', 'P3 week A');
    await online('2026-01-26T11:10:00+00:00', '2026-01-26T12:10:00+00:00', 'P3 week B');
    await online('2026-01-20T09:50:00+00:00', '2026-01-20T10:50:00+00:00', 'P2 week A');
    const p2B = await online('2026-01-27T09:50:00+00:00', '2026-01-27T10:50:00+00:00', 'P2 week B');
    const fits = await listing(user, '?fits=me');
    expect(fits.items.map((s) => s.id)).toEqual([p3A.id, p2B.id]);
    const all = await listing(user);
    expect(all.items.find((s) => s.title === 'P3 week B')!.fit!.clashes).toEqual([{ label: 'P3 Y8 Maths', startsAt: '2026-01-26T11:10:00.000Z', endsAt: '2026-01-26T12:10:00.000Z' }]);
    expect(all.items.find((s) => s.title === 'P2 week A')!.fit!.clashes.map((c) => c.label)).toEqual(['P2 Y10 Maths']);
  });

  it('a two-week timetable written as Week 1 and Week 2 (as many school systems export it) reads as weeks A and B', async () => {
    const { user } = await staff({ weekAStart: '2026-01-05' });
    const numbered = twoWeekCsv().replace(/,A\n/g, ',Week 1\n').replace(/,B\n/g, ',2\n');
    expect(numbered).toContain(',Week 1\n');
    const res = await upload(user, numbered);
    expect(res.status, res.text).toBe(200);
    const lettered = (await upload(user, twoWeekCsv())).json;
    expect(res.json.weekly).toEqual(lettered.weekly);
    expect((await upload(user, 'day,start,end,label,week\nMonday,09:00,10:00,Maths,Week 3\n')).json.error.message).toMatch(/must be A, B \(or 1, 2\) or empty/);
  });

  it('a 13:00 lesson clashes with a 13:00-14:00 London session on both sides of both clock changes', async () => {
    const { user } = await staff();
    await upload(user, 'day,start,end,label\nThursday,13:00,14:00,Y9 Science\n');
    const sessions = [
      ['2026-03-26T13:00:00+00:00', '2026-03-26T14:00:00+00:00'], // before 29 March (GMT)
      ['2026-04-02T13:00:00+01:00', '2026-04-02T14:00:00+01:00'], // after (BST)
      ['2026-10-22T13:00:00+01:00', '2026-10-22T14:00:00+01:00'], // before 25 October (BST)
      ['2026-10-29T13:00:00+00:00', '2026-10-29T14:00:00+00:00'], // after (GMT)
    ];
    for (const [s, e] of sessions) await online(s!, e!);
    // And 13:00 UTC in summer is 14:00 in London: after the lesson.
    await online('2026-04-02T13:00:00Z', '2026-04-02T14:00:00Z', 'Summer 14:00 London');
    const all = await listing(user);
    const clashing = all.items.filter((s) => s.fit && !s.fit.fits);
    expect(clashing).toHaveLength(4);
    expect(clashing.map((s) => s.fit!.clashes[0]!.startsAt)).toEqual(['2026-03-26T13:00:00.000Z', '2026-04-02T12:00:00.000Z', '2026-10-22T12:00:00.000Z', '2026-10-29T13:00:00.000Z']);
    expect(all.items.find((s) => s.title === 'Summer 14:00 London')!.fit!.fits).toBe(true);
  });

  it('ICS timetable: RRULE lessons clash, EXDATE and the INSET day are free, TZID holds across the clock change', async () => {
    const { user } = await staff();
    const res = await upload(user, secondaryIcs(), ics);
    expect(res.status).toBe(200);
    expect(res.json.source).toBe('ics');
    expect(res.json.counts.freeDays).toBe(1);
    await online('2026-02-19T13:00:00+00:00', '2026-02-19T14:00:00+00:00', 'EXDATE Thursday');
    await online('2026-02-26T13:00:00+00:00', '2026-02-26T14:00:00+00:00', 'Ordinary Thursday');
    await online('2026-04-02T13:00:00+01:00', '2026-04-02T14:00:00+01:00', 'Thursday after the change');
    await online('2026-06-01T09:00:00+01:00', '2026-06-01T10:00:00+01:00', 'INSET Monday');
    await online('2026-06-08T09:00:00+01:00', '2026-06-08T10:00:00+01:00', 'Ordinary Monday');
    const fit = Object.fromEntries((await listing(user)).items.map((s) => [s.title, s.fit!.fits]));
    expect(fit).toEqual({ 'EXDATE Thursday': true, 'Ordinary Thursday': false, 'Thursday after the change': false, 'INSET Monday': true, 'Ordinary Monday': false });
    const tt = await t.request('GET', '/api/me/timetable?from=2026-05-25T00:00:00Z&to=2026-06-08T00:00:00Z', { as: user });
    expect(tt.json.freeDays).toEqual([{ kind: 'free', from: '2026-06-01', to: '2026-06-02', label: 'INSET day (school closed to pupils)' }]);
    expect(tt.json.dated.map((d: { label: string }) => d.label)).toContain('Y9 Science (Lab 2)');
    // The week laid out: lessons on their dates, nothing on the INSET day.
    const busyDays = new Set(tt.json.busy.map((b: { startsAt: string }) => b.startsAt.slice(0, 10)));
    expect(busyDays).toEqual(new Set(['2026-05-25', '2026-05-28', '2026-06-04']));
    expect(busyDays.has('2026-06-01')).toBe(false);
  });

  it('a range of dates lists the closed days within it, not the day after it (winter) nor the day before it (summer)', async () => {
    const { user } = await staff();
    const closed = (uid: string, date: string) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART;VALUE=DATE:${date}`, 'SUMMARY:INSET day', 'END:VEVENT'];
    const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//y//EN',
      'BEGIN:VEVENT', 'UID:l1', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/London:20260105T090000', 'DTEND;TZID=Europe/London:20260105T100000', 'RRULE:FREQ=WEEKLY;COUNT=30', 'SUMMARY:Lesson', 'END:VEVENT',
      ...closed('winter', '20260122'), ...closed('summer', '20260531'), 'END:VCALENDAR', ''].join('\r\n');
    expect((await upload(user, body, ics)).status).toBe(200);
    const days = async (from: string, to: string) => (await t.request('GET', `/api/me/timetable?from=${from}&to=${to}`, { as: user })).json.freeDays.map((f: { from: string }) => f.from);
    expect(await days('2026-01-19', '2026-01-21')).toEqual([]);
    expect(await days('2026-01-19', '2026-01-22')).toEqual(['2026-01-22']);
    expect(await days('2026-06-01', '2026-06-05')).toEqual([]);
    expect(await days('2026-05-31', '2026-06-05')).toEqual(['2026-05-31']);
  });

  it('names the bad event of an ICS file by summary and UID, and changes nothing', async () => {
    const { user } = await staff();
    await upload(user, primaryCsv());
    const bad = secondaryIcs().replace('DTEND;TZID=Europe/London:20260105T100000', 'DTEND;TZID=Europe/London:20260105T080000');
    const res = await upload(user, bad, ics);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^Event "P1 Maths 8C" \(UID maths-mon-p1@school\.example\) ends before it starts/);
    expect(res.json.error.details.events[0]).toMatchObject({ uid: 'maths-mon-p1@school.example', summary: 'P1 Maths 8C' });
    expect((await t.request('GET', '/api/me/timetable', { as: user })).json.source).toBe('csv');
  });
});

describe('booking around a timetable', () => {
  it('allows booking a clashing session but says so, and GET /api/me/clashes lists it', async () => {
    const { user } = await staff();
    await upload(user, primaryCsv());
    const clashing = await inPerson('2026-01-19T15:30:00+00:00', '2026-01-19T16:30:00+00:00', 'Twilight in person');
    const fine = await online('2026-01-20T16:00:00+00:00', '2026-01-20T17:00:00+00:00', 'Twilight online');

    const b1 = await t.request('POST', `/api/sessions/${clashing.id}/bookings`, { as: user, body: {} });
    expect(b1.status).toBe(201);
    expect(b1.json.status).toBe('confirmed');
    expect(b1.json.clashes).toEqual([{ label: 'Class 4 afternoon', startsAt: '2026-01-19T13:00:00.000Z', endsAt: '2026-01-19T15:15:00.000Z' }]);
    const b2 = await t.request('POST', `/api/sessions/${fine.id}/bookings`, { as: user, body: {} });
    expect(b2.status).toBe(201);
    expect(b2.json.clashes).toEqual([]);

    // The words for the confirmation message.
    expect(await clashNoticeFor(t.db, b1.json.id, 'Europe/London')).toEqual([
      'This session overlaps your timetable, allowing time to travel: Class 4 afternoon (Monday 19 January, 13:00 to 15:15). You can still go, but you may need cover, so please let your school office know.',
    ]);
    expect(await clashNoticeFor(t.db, b2.json.id, 'Europe/London')).toEqual([]);
    // ...and the confirmation email carries them; the one without a clash does not.
    const mails = await t.mails('confirmed');
    const clashMail = mails.find((m) => m.booking_id === b1.json.id)!.message;
    expect(clashMail.text).toContain('This session overlaps your timetable, allowing time to travel: Class 4 afternoon (Monday 19 January, 13:00 to 15:15).');
    expect(clashMail.html).toContain('you may need cover');
    expect(mails.find((m) => m.booking_id === b2.json.id)!.message.text).not.toContain('overlaps your timetable');

    const mine = await t.request('GET', '/api/me/clashes', { as: user });
    expect(mine.status).toBe(200);
    expect(mine.json.items).toHaveLength(1);
    expect(mine.json.items[0]).toMatchObject({ bookingId: b1.json.id, status: 'confirmed', seat: 'in_person', travelBufferMinutes: 30, session: { id: clashing.id, title: 'Twilight in person' } });

    // Cancelled bookings no longer clash.
    expect((await t.request('DELETE', `/api/bookings/${b1.json.id}`, { as: user })).status).toBe(200);
    expect((await t.request('GET', '/api/me/clashes', { as: user })).json.items).toEqual([]);
  });

  it('judges a hybrid booking by the seat taken: in person travels, online does not', async () => {
    const { user } = await staff();
    await upload(user, primaryCsv());
    const hybrid = await t.session({ title: 'Hybrid', mode: 'hybrid', startsAt: '2026-01-19T15:30:00+00:00', endsAt: '2026-01-19T16:30:00+00:00', venue: 'Leeds', capacity: { inPerson: 5, online: 5 } });
    const other = await t.user('staff', user.orgId);
    await t.request('PUT', '/api/me/timetable', { as: other, body: primaryCsv(), headers: csv });
    const inRoom = await t.request('POST', `/api/sessions/${hybrid.id}/bookings`, { as: user, body: { seat: 'in_person' } });
    const remote = await t.request('POST', `/api/sessions/${hybrid.id}/bookings`, { as: other, body: { seat: 'online' } });
    expect(inRoom.json.clashes).toHaveLength(1);
    expect(remote.json.clashes).toEqual([]);
    // Browsing, a hybrid session with online seats is judged as attended online.
    expect((await listing(user)).items[0]!.fit).toEqual({ fits: true, clashes: [], travelBufferMinutes: 0 });
  });

  it('a person without a timetable gets no clashes', async () => {
    const { user } = await staff();
    const s = await online('2026-01-19T10:00:00+00:00', '2026-01-19T11:00:00+00:00');
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: user, body: {} });
    expect(b.json.clashes).toEqual([]);
    expect((await t.request('GET', '/api/me/clashes', { as: user })).json.items).toEqual([]);
  });
});

describe('timetables at the limits', () => {
  /** 2,000 rows (a personal file's most), Monday to Friday, each lesson at its own minute. */
  function denseCsv() {
    const hm = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
    const rows = Array.from({ length: 2_000 }, (_, i) => `${days[i % 5]},${hm(480 + Math.floor(i / 5))},${hm(481 + Math.floor(i / 5))},L${i}`);
    return ['day,start,end,label', ...rows].join('\n');
  }

  it('refuses to list more busy periods than one answer holds, saying to choose a shorter range; any week still shows', async () => {
    const { org, user } = await staff();
    const office = await t.user('office', org.id);
    expect((await upload(user, denseCsv())).status).toBe(200);
    for (const [who, path] of [[user, '/api/me/timetable'], [office, `/api/users/${user.id}/timetable`]] as const) {
      const year = await t.request('GET', `${path}?from=2026-01-12T00:00:00Z&to=2027-02-15T00:00:00Z`, { as: who });
      expect(year.status).toBe(422);
      expect(year.json.error).toMatchObject({ code: 'report_too_large', message: 'This timetable has more than 20,000 lessons between these dates, too many to show at once: choose a shorter range.', details: { max: 20_000 } });
    }
    // The week the timetable page asks for, and the default five weeks, answer in full.
    const week = await t.request('GET', '/api/me/timetable?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z', { as: user });
    expect(week.status).toBe(200);
    expect(week.json.busy).toHaveLength(2_000);
    const fiveWeeks = await t.request('GET', '/api/me/timetable', { as: user });
    expect(fiveWeeks.status).toBe(200);
    expect(fiveWeeks.json.busy).toHaveLength(10_000);
  });

  it('refuses an ICS with more closed days than a timetable holds, naming the limit, and changes nothing', async () => {
    const { user } = await staff();
    expect((await upload(user, primaryCsv())).status).toBe(200);
    const before = (await t.request('GET', '/api/me/timetable', { as: user })).json;
    // Four all-day "closed" events every day: 4 x 580 days in the window the file is read for.
    const daily = (i: number) => ['BEGIN:VEVENT', `UID:closed-${i}@test`, 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20250101', 'RRULE:FREQ=DAILY', `SUMMARY:Closed ${i}`, 'END:VEVENT'];
    const lessons = ['BEGIN:VEVENT', 'UID:lesson@test', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/London:20260105T090000', 'DTEND;TZID=Europe/London:20260105T100000', 'RRULE:FREQ=WEEKLY', 'SUMMARY:Y5 maths', 'END:VEVENT'];
    const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lessons, ...[1, 2, 3, 4].flatMap(daily), 'END:VCALENDAR', ''].join('\r\n');
    const res = await upload(user, body, ics);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toMatch(/^A timetable may hold at most 2,000 all-day busy events \(days the school is closed\) between 2025-07-16 and 2027-02-16; this file has 2,3\d\d\. The timetable was not changed\.$/);
    expect((await t.request('GET', '/api/me/timetable', { as: user })).json).toEqual(before);
    // Two such events (1,160 closed days) are a timetable like any other.
    const fewer = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lessons, ...[1, 2].flatMap(daily), 'END:VCALENDAR', ''].join('\r\n');
    const ok = await upload(user, fewer, ics);
    expect(ok.status).toBe(200);
    expect(ok.json.busy).toEqual([]);
  });
});
