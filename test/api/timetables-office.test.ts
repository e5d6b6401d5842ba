import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import type { Resolver } from '../../server/platform/outbound.js';
import { refreshTimetableSubscriptions } from '../../server/timetables/service.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { primaryCsv, secondaryIcs } from './timetables.fixtures.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const csv = { 'content-type': 'text/csv' };
const ics = { 'content-type': 'text/calendar' };

async function school(settings: Record<string, unknown> = {}) {
  const org = await t.org(undefined, settings);
  const office = await t.user('office', org.id);
  const a = await t.user('staff', org.id, 'Amira Khan');
  const b = await t.user('staff', org.id, 'Ben Lowe');
  return { org, office, a, b };
}

describe('booking staff onto a hybrid session', () => {
  it('shows each person’s clashes for the seat kind chosen (in person allows travel time), and the booking’s answer names the clash found', async () => {
    const { org, office, a } = await school();
    // Monday 19 January 2026, 16:00 to 17:30 in England (GMT); Amira teaches until 15:45.
    expect((await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: ['email,day,start,end,label', `${a.email},Monday,15:00,15:45,Year 5 maths`].join('\n'), headers: csv })).status).toBe(200);
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 5, online: 5 }, startsAt: '2026-01-19T16:00:00Z', endsAt: '2026-01-19T17:30:00Z' });
    const clashesOf = async (query: string) => (await t.request('GET', `/api/sessions/${s.id}/roster${query}`, { as: office })).json.items.find((p: { userId: string }) => p.userId === a.id).clashes.map((c: { label: string }) => c.label);
    expect(await clashesOf('')).toEqual([]);
    expect(await clashesOf('?seat=online')).toEqual([]);
    expect(await clashesOf('?seat=in_person')).toEqual(['Year 5 maths']);
    expect((await t.request('GET', `/api/sessions/${s.id}/roster?seat=upstairs`, { as: office })).status).toBe(400);
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [a.id], seat: 'in_person' } });
    expect(booked.status).toBe(201);
    expect(booked.json.results).toEqual([expect.objectContaining({ userId: a.id, status: 'confirmed', seat: 'in_person', clashes: [expect.objectContaining({ label: 'Year 5 maths' })] })]);
  });
});

describe('office uploads', () => {
  it('replaces the timetables of the staff named in one CSV with an email column', async () => {
    const { org, office, a, b } = await school();
    const body = ['email,day,start,end,label', `${a.email},Monday,09:00,12:00,Reception class`, `${b.email.toUpperCase()},Tuesday,13:00,15:00,Y2 phonics`, `${a.email},Friday,13:00,15:15,PPA cover`].join('\n');
    const res = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body, headers: csv });
    expect(res.status).toBe(200);
    expect(res.json.people).toEqual(expect.arrayContaining([{ userId: a.id, email: a.email, periods: 2, closures: 0 }, { userId: b.id, email: b.email, periods: 1, closures: 0 }]));
    const aTt = await t.request('GET', `/api/users/${a.id}/timetable`, { as: office });
    expect(aTt.json.weekly.map((p: { label: string }) => p.label)).toEqual(['Reception class', 'PPA cover']);
    const own = await t.request('GET', '/api/me/timetable', { as: b });
    expect(own.json.weekly).toEqual([{ kind: 'weekly', day: 'Tuesday', start: '13:00', end: '15:00', week: null, label: 'Y2 phonics' }]);
  });

  it('rejects the whole file when a row names someone outside the organisation', async () => {
    const { org, office, a } = await school();
    const otherOrg = await t.org();
    const outsider = await t.user('staff', otherOrg.id);
    await t.request('PUT', '/api/me/timetable', { as: a, body: primaryCsv(), headers: csv });
    const body = ['email,day,start,end', `${a.email},Monday,09:00,10:00`, `${outsider.email},Monday,09:00,10:00`, 'nobody@example.org,Monday,09:00,10:00'].join('\n');
    const res = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body, headers: csv });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^Line 3: .* is not a member of staff of this organisation/);
    expect(res.json.error.details.rows.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    // a's timetable is untouched.
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json.weekly).toHaveLength(10);
    expect((await t.request('GET', '/api/me/timetable', { as: outsider })).json).toMatchObject({ source: null, weekly: [], busy: [] });
  });

  it('says why a row’s person cannot be given it, so the office can put it right: an account turned off, a school of the trust other than the one chosen; nothing changes', async () => {
    const admin = await t.user('admin');
    const mkOrg = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string; name: string };
    const trust = await mkOrg({ name: 'Oak Learning Trust', kind: 'trust' });
    const hill = await mkOrg({ name: 'Hill Primary', parentId: trust.id });
    const trustOffice = await t.user('office', trust.id);
    const hillOffice = await t.user('office', hill.id);
    const atHill = await t.user('staff', hill.id, 'Hana Hill');
    const off = await t.user('staff', hill.id, 'Otto Off');
    expect((await t.request('PATCH', `/api/users/${off.id}`, { as: hillOffice, body: { disabled: true } })).status).toBe(200);
    const stranger = await t.user('staff', (await t.org('Elsewhere Academy')).id);
    // Uploaded at the trust's own level: Hana works at one of its schools.
    const atTrust = await t.request('PUT', `/api/orgs/${trust.id}/timetables`, { as: trustOffice, body: ['email,day,start,end', `${atHill.email},Monday,09:00,10:00`, `${stranger.email},Monday,09:00,10:00`].join('\n'), headers: csv });
    expect(atTrust.status).toBe(400);
    expect(atTrust.json.error.details.rows).toEqual([
      { line: 2, message: `${atHill.email} works at Hill Primary: choose Hill Primary above and upload their rows there` },
      { line: 3, message: `${stranger.email} is not a member of staff of this organisation` },
    ]);
    // At Hill Primary: Otto's account is turned off.
    const atSchool = await t.request('PUT', `/api/orgs/${hill.id}/timetables`, { as: hillOffice, body: ['email,day,start,end', `${atHill.email},Monday,09:00,10:00`, `${off.email},Monday,09:00,10:00`].join('\n'), headers: csv });
    expect(atSchool.status).toBe(400);
    expect(atSchool.json.error.details.rows).toEqual([{ line: 3, message: `${off.email}'s account is turned off: turn it on under Staff accounts, or take their rows out of the file` }]);
    expect((await t.request('GET', '/api/me/timetable', { as: atHill })).json.weekly).toEqual([]);
  });

  it('holds each person to the rows of a personal file: one over names the line and the person, and changes nothing', async () => {
    const { org, office, a, b } = await school();
    await t.request('PUT', '/api/me/timetable', { as: a, body: primaryCsv(), headers: csv });
    const before = (await t.request('GET', '/api/me/timetable', { as: a })).json;
    const rows = (email: string, n: number) => Array.from({ length: n }, (_, i) => `${email},${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][i % 5]},09:00,10:00,Lesson ${i}`);
    // b's one row is line 2; a's rows are lines 3 to 2,003, the 2,001st of them on line 2,003.
    const over = ['email,day,start,end,label', ...rows(b.email, 1), ...rows(a.email, 2_001)].join('\n');
    const res = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: over, headers: csv });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toBe(`Line 2003: ${a.email} has more than 2000 rows; one person's timetable may hold at most 2000 rows. The timetable was not changed.`);
    expect(res.json.error.details.rows).toEqual([{ line: 2003, message: `${a.email} has more than 2000 rows; one person's timetable may hold at most 2000 rows` }]);
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json).toEqual(before);
    expect((await t.request('GET', '/api/me/timetable', { as: b })).json.source).toBeNull();
    // Exactly the most one person may have, for two people in one file, is taken.
    const most = ['email,day,start,end,label', ...rows(a.email, 2_000), ...rows(b.email, 2_000)].join('\n');
    const ok = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: most, headers: csv });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.people).toEqual(expect.arrayContaining([{ userId: a.id, email: a.email, periods: 2_000, closures: 0 }, { userId: b.id, email: b.email, periods: 2_000, closures: 0 }]));
  });

  it('takes times with seconds (09:00:00, as Excel writes them), and says in plain words what a week A/B row needs', async () => {
    const { org, office, a, b } = await school();
    const body = ['email,day,start,end,label', `${a.email},Monday,09:00:00,12:00:00,Reception class`, `${b.email},Tuesday,13:00:00,15:00:00,Y2 phonics`].join('\r\n');
    const res = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body, headers: csv });
    expect(res.status, res.text).toBe(200);
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: office })).json.weekly).toEqual([{ kind: 'weekly', day: 'Monday', start: '09:00', end: '12:00', week: null, label: 'Reception class' }]);
    const weeks = ['email,day,start,end,week', `${a.email},Monday,09:00,10:00,A`, `${b.email},Monday,09:00,10:00,B`].join('\n');
    const refused = await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: weeks, headers: csv });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/^Line 2: this lesson is for week A, but your school has no Week A start date yet/);
    expect(refused.json.error.details.rows[1].message).toMatch(/ask an administrator to set “Week A starts on” for your school on its Organisations page/);
    expect(JSON.stringify(refused.json)).not.toMatch(/settings|weekAStart/);
  });

  it('lets office staff upload one ICS per person for their own staff only; staff only their own', async () => {
    const { org, office, a, b } = await school();
    const put = await t.request('PUT', `/api/users/${a.id}/timetable`, { as: office, body: secondaryIcs(), headers: ics });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ userId: a.id, source: 'ics' });

    const otherOffice = await t.user('office', (await t.org()).id);
    expect((await t.request('PUT', `/api/users/${a.id}/timetable`, { as: otherOffice, body: secondaryIcs(), headers: ics })).status).toBe(404);
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: otherOffice })).status).toBe(404);
    expect((await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: otherOffice, body: 'email,day,start,end\n', headers: csv })).status).toBe(403);
    expect((await t.request('PUT', `/api/users/${a.id}/timetable`, { as: b, body: primaryCsv(), headers: csv })).status).toBe(403);
    expect((await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: b, body: 'email,day,start,end\n', headers: csv })).status).toBe(403);

    const admin = await t.user('admin');
    expect((await t.request('DELETE', `/api/users/${a.id}/timetable`, { as: admin })).status).toBe(204);
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: office })).status).toBe(404);
  });

  it('answers another school’s office about one of its staff exactly as about an id that names nobody, so it cannot tell the account exists', async () => {
    const { a } = await school();
    const otherOffice = await t.user('office', (await t.org()).id);
    const asks: [string, string, { body?: unknown; headers?: Record<string, string> }][] = [
      ['GET', '', {}],
      ['PUT', '', { body: primaryCsv(), headers: csv }],
      ['DELETE', '', {}],
      ['PUT', '/subscription', { body: { url: 'https://example.org/timetable.ics' } }],
    ];
    for (const [method, rest, opts] of asks) {
      const theirs = await t.request(method, `/api/users/${a.id}/timetable${rest}`, { as: otherOffice, ...opts });
      const nobody = await t.request(method, `/api/users/${randomUUID()}/timetable${rest}`, { as: otherOffice, ...opts });
      expect(theirs.status, `${method} ${rest}`).toBe(404);
      expect([theirs.status, theirs.json], `${method} ${rest}`).toEqual([nobody.status, nobody.json]);
    }
    // Their timetable was not touched.
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json.source).toBeNull();
  });
});

describe('cover report', () => {
  async function setUp() {
    const s = await school();
    const up = await t.request('PUT', `/api/orgs/${s.org.id}/timetables`, {
      as: s.office,
      headers: csv,
      body: ['email,day,start,end,label', `${s.a.email},Monday,13:05,14:05,"=HYPERLINK(""http://evil.example"")"`, `${s.a.email},Monday,14:05,15:15,Y5 Science`, `${s.b.email},Tuesday,09:00,15:15,Class 2`].join('\n'),
    });
    expect(up.status).toBe(200);
    const monday = await t.session({ title: 'Emotion coaching', mode: 'in_person', startsAt: '2026-01-19T14:30:00+00:00', endsAt: '2026-01-19T16:00:00+00:00', venue: 'Hub school', capacity: { inPerson: 10 } });
    const tuesday = await t.session({ title: 'Autism in the classroom', mode: 'online', startsAt: '2026-01-20T16:00:00+00:00', endsAt: '2026-01-20T17:00:00+00:00', capacity: { online: 10 } });
    const monB = await t.session({ title: 'Monday online', mode: 'online', startsAt: '2026-01-19T13:30:00+00:00', endsAt: '2026-01-19T14:30:00+00:00', capacity: { online: 10 } });
    for (const [session, who] of [[monday, s.a], [tuesday, s.b], [monB, s.b]] as const) {
      const r = await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: s.office, body: { userId: who.id } });
      expect(r.status).toBe(201);
    }
    return { ...s, monday };
  }

  it('a leaver’s timetable (account turned off) can be seen and removed by their office and an administrator, not changed (409) until the account is on', async () => {
    const { office, a } = await school();
    const admin = await t.user('admin');
    const body = ['day,start,end,label', 'Monday,09:00,12:00,Reception class'].join('\n');
    expect((await t.request('PUT', `/api/users/${a.id}/timetable`, { as: office, body, headers: csv })).status).toBe(200);
    expect((await t.request('PATCH', `/api/users/${a.id}`, { as: office, body: { disabled: true } })).status).toBe(200);

    const seen = await t.request('GET', `/api/users/${a.id}/timetable`, { as: office });
    expect(seen.status).toBe(200);
    expect(seen.json.weekly.map((p: { label: string }) => p.label)).toEqual(['Reception class']);
    const changed = await t.request('PUT', `/api/users/${a.id}/timetable`, { as: office, body, headers: csv });
    expect(changed.status).toBe(409);
    expect(changed.json.error.message).toMatch(/turned off/);
    expect((await t.request('PUT', `/api/users/${a.id}/timetable/subscription`, { as: admin, body: { url: 'https://calendar.example.org/a.ics' } })).status).toBe(409);
    // Someone else's office still finds no such person.
    const elsewhere = await t.user('office', (await t.org()).id);
    expect((await t.request('DELETE', `/api/users/${a.id}/timetable`, { as: elsewhere })).status).toBe(404);

    expect((await t.request('DELETE', `/api/users/${a.id}/timetable`, { as: office })).status).toBe(204);
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: admin })).status).toBe(404);
    expect(await t.db.selectFrom('timetable_periods').select('id').where('user_id', '=', a.id).execute()).toEqual([]);
  });

  it('lists every booking of the organisation’s staff that needs cover, with the lessons', async () => {
    const { org, office, a, monday } = await setUp();
    const res = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z`, { as: office });
    expect(res.status).toBe(200);
    // Only Amira's in-person Monday session clashes (with travel, 14:00-16:30 overlaps both lessons);
    // Ben's sessions fall outside his Tuesday lessons.
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({
      role: 'booked',
      userId: a.id,
      userName: 'Amira Khan',
      userEmail: a.email,
      seat: 'in_person',
      status: 'confirmed',
      travelBufferMinutes: 30,
      session: { id: monday.id, title: 'Emotion coaching' },
      clashes: [
        { label: '=HYPERLINK("http://evil.example")', startsAt: '2026-01-19T13:05:00.000Z', endsAt: '2026-01-19T14:05:00.000Z' },
        { label: 'Y5 Science', startsAt: '2026-01-19T14:05:00.000Z', endsAt: '2026-01-19T15:15:00.000Z' },
      ],
    });
    const outside = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-02-01T00:00:00Z&to=2026-02-08T00:00:00Z`, { as: office });
    expect(outside.json.items).toEqual([]);
  });

  it('a seat offered is listed while the offer stands, and not once its time has run out (before the sweep passes it on), in the cover report and in the person’s own clashes', async () => {
    const { org, office, a } = await school();
    expect((await t.request('PUT', `/api/orgs/${org.id}/timetables`, { as: office, body: ['email,day,start,end,label', `${a.email},Monday,15:00,17:00,Year 5 maths`].join('\n'), headers: csv })).status).toBe(200);
    const s = await t.session({ capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt: '2026-01-19T16:00:00Z', endsAt: '2026-01-19T17:00:00Z' });
    const first = await t.user('staff', org.id);
    const firstBooking = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: first, body: {} })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: {} })).json.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${firstBooking.id}`, { as: first })).status).toBe(200);
    const cover = async () => (await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-01-19&to=2026-01-19`, { as: office })).json.items.map((i: { status: string }) => i.status);
    const mine = async () => (await t.request('GET', '/api/me/clashes', { as: a })).json.items.map((i: { status: string }) => i.status);
    expect([await cover(), await mine()]).toEqual([['offered'], ['offered']]);
    t.clock.advance(2 * 60 * 60_000);
    expect([await cover(), await mine()]).toEqual([[], []]);
  });

  it('takes the range as dates too: days in England, the last one included, as the session list does', async () => {
    const { org, office, a, monday } = await setUp();
    const day = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-01-19&to=2026-01-19`, { as: office });
    expect(day.status).toBe(200);
    expect(day.json).toMatchObject({ from: '2026-01-19T00:00:00.000Z', to: '2026-01-20T00:00:00.000Z' });
    expect(day.json.items.map((i: { session: { id: string } }) => i.session.id)).toEqual([monday.id]);
    expect((await t.request('GET', `/api/orgs/${org.id}/cover.csv?from=2026-01-19&to=2026-01-19`, { as: office })).text).toContain('Emotion coaching');
    // In summer a day in England starts at 23:00 UTC the evening before.
    const summer = await t.request('GET', '/api/me/timetable?from=2026-06-01&to=2026-06-07', { as: a });
    expect(summer.json).toMatchObject({ from: '2026-05-31T23:00:00.000Z', to: '2026-06-07T23:00:00.000Z' });
    for (const bad of ['from=2026-13-01', 'to=19%2F01%2F2026']) {
      const res = await t.request('GET', `/api/orgs/${org.id}/cover?${bad}`, { as: office });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
  });

  it('the cover spreadsheet gives dates and times in England, as the page does, whatever zone the organisation’s settings name', async () => {
    const { org, office } = await setUp();
    await t.db.updateTable('organisations').set({ time_zone: 'Asia/Tokyo' }).where('id', '=', org.id).execute();
    const text = (await t.request('GET', `/api/orgs/${org.id}/cover.csv?from=2026-01-19&to=2026-01-19`, { as: office })).text;
    const row = text.split('\r\n').find((l) => l.includes('Emotion coaching'))!;
    // 14:30 to 16:00 GMT on Monday 19 January (23:30 in Tokyo).
    expect(row).toContain(',Emotion coaching,2026-01-19,14:30,16:00,');
  });

  it('refuses a range holding more bookings than one report reads, saying so, rather than cutting the report short', async () => {
    const { org, office } = await setUp();
    const week = `/api/orgs/${org.id}/cover?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z`;
    // Three bookings that week (one needing cover); a report may read three, but not two.
    t.deps.config.maxReportBookings = 3;
    expect((await t.request('GET', week, { as: office })).json.items).toHaveLength(1);
    t.deps.config.maxReportBookings = 2;
    for (const path of [week, week.replace('/cover?', '/cover.csv?')]) {
      const res = await t.request('GET', path, { as: office });
      expect(res.status).toBe(422);
      expect(res.json.error).toMatchObject({ code: 'report_too_large', message: 'There are more than 2 bookings between these dates, too many for one report: choose a shorter range.', details: { max: 2 } });
    }
    // A shorter range holding two is answered.
    const monday = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-01-19T00:00:00Z&to=2026-01-20T00:00:00Z`, { as: office });
    expect(monday.status).toBe(200);
    expect(monday.json.items).toHaveLength(1);
  });

  it('gives the report as a spreadsheet-safe CSV', async () => {
    const { org, office } = await setUp();
    const res = await t.request('GET', `/api/orgs/${org.id}/cover.csv?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z`, { as: office });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    // Named by the days it covers: the 26th, where the range ends, is not one of them.
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=cover-2026-01-19-to-2026-01-25\.csv/);
    // Dates as asked for, winter and summer alike (a day in England, not in UTC).
    for (const [from, to] of [['2026-01-19', '2026-01-19'], ['2026-06-01', '2026-06-07']]) {
      const named = await t.request('GET', `/api/orgs/${org.id}/cover.csv?from=${from}&to=${to}`, { as: office });
      expect(named.headers.get('content-disposition')).toBe(`attachment; filename=cover-${from}-to-${to}.csv`);
    }
    // A byte order mark, so that spreadsheet programs read the file as UTF-8.
    const raw = new Uint8Array(await (await t.app.request(`/api/orgs/${org.id}/cover.csv?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z`, { headers: office.auth })).arrayBuffer());
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('Staff member,Email,Session,Session date,Session start,Session end,Taking part as,Attending,Booking status,Travel buffer (minutes),Lesson needing cover,Lesson date,Lesson start,Lesson end');
    expect(lines).toHaveLength(3);
    // The formula is neutralised, not evaluated by a spreadsheet.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines[2]).toMatch(/^Amira Khan,.*,Emotion coaching,2026-01-19,14:30,16:00,Booked,In person,confirmed,30,Y5 Science,2026-01-19,14:05,15:15$/);
  });

  it('tells office staff which of the people they book at once will need cover', async () => {
    const { office, a, b } = await school();
    await t.request('PUT', `/api/users/${a.id}/timetable`, { as: office, headers: csv, body: 'day,start,end,label\nMonday,09:00,12:00,Reception\n' });
    const s = await t.session({ mode: 'online', startsAt: '2026-01-19T10:00:00+00:00', endsAt: '2026-01-19T11:00:00+00:00', capacity: { online: 10 } });
    const res = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [a.id, b.id] } });
    expect(res.status).toBe(201);
    const byUser = Object.fromEntries(res.json.results.map((r: { userId: string; clashes: unknown[] }) => [r.userId, r.clashes]));
    expect(byUser[a.id]).toEqual([{ label: 'Reception', startsAt: '2026-01-19T09:00:00.000Z', endsAt: '2026-01-19T12:00:00.000Z' }]);
    expect(byUser[b.id]).toEqual([]);
  });

  it('is for the organisation’s office staff and administrators only', async () => {
    const { org, a } = await setUp();
    const otherOffice = await t.user('office', (await t.org()).id);
    expect((await t.request('GET', `/api/orgs/${org.id}/cover`, { as: otherOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${org.id}/cover.csv`, { as: otherOffice })).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${org.id}/cover`, { as: a })).status).toBe(403);
    const admin = await t.user('admin');
    expect((await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-01-19T00:00:00Z&to=2026-01-26T00:00:00Z`, { as: admin })).json.items).toHaveLength(1);
    const backwards = await t.request('GET', `/api/orgs/${org.id}/cover?from=2026-01-26T00:00:00Z&to=2026-01-19T00:00:00Z`, { as: admin });
    expect(backwards.status).toBe(400);
  });
});

describe('timetable subscriptions', () => {
  let server: Server;
  let base: string;
  let served: { status: number; body: string | Buffer; delayMs?: number };
  beforeEach(async () => {
    served = { status: 200, body: secondaryIcs() };
    server = createServer((req, res) => {
      const send = () => {
        res.writeHead(served.status, { 'content-type': 'text/calendar' });
        res.end(served.body);
      };
      if (served.delayMs) setTimeout(send, served.delayMs).unref();
      else send();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A subscription served from 127.0.0.1 is internal: the test turns it on explicitly (OUTBOUND_ALLOW).
    t.deps.config.outbound = { ...t.deps.config.outbound, allow: [`127.0.0.1:${(server.address() as AddressInfo).port}`] };
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fetches the calendar at once when subscribed', async () => {
    const { a } = await school();
    const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/sis/a.ics` } });
    expect(res.status).toBe(200);
    expect(res.json.source).toBe('subscription');
    expect(res.json.subscription).toEqual({ url: `${base}/sis/a.ics`, lastFetchedAt: '2026-01-12T09:00:00.000Z', lastError: null });
    expect(res.json.counts.freeDays).toBe(1);
  });

  it('shows the subscription address whole to its owner only: the office sees the site it comes from', async () => {
    const { a, office } = await school();
    const secret = `${base}/calendar/published/0f3c9a7e5b/reachcalendar.ics`;
    expect((await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: secret } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json.subscription.url).toBe(secret);
    const seen = await t.request('GET', `/api/users/${a.id}/timetable`, { as: office });
    expect(seen.status).toBe(200);
    expect(seen.json.subscription.url).toBe(base);
    expect(seen.text).not.toContain('0f3c9a7e5b');
  });

  it('refreshes on schedule; a failed refresh keeps the last good copy', async () => {
    const { a } = await school();
    const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/sis/a.ics` } });
    expect(res.status).toBe(200);

    // The school changes the feed: Y9 Science is gone.
    served = { status: 200, body: secondaryIcs().replace(/BEGIN:VEVENT\r\nUID:y9sci-thu[\s\S]*?END:VEVENT\r\n/g, '') };
    expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 0, failed: 0 }); // not due yet
    t.clock.advance(7 * 3_600_000);
    // The server's job loop does the refresh.
    await runJobsOnce(t.deps, null);
    const after = await t.request('GET', '/api/me/timetable?from=2026-01-12T00:00:00Z&to=2026-02-12T00:00:00Z', { as: a });
    expect(after.json.dated.map((d: { label: string }) => d.label)).not.toContain('Y9 Science (Lab 2)');
    expect(after.json.dated.map((d: { label: string }) => d.label)).toContain('P1 Maths 8C');
    const lastRead = after.json.subscription.lastFetchedAt as string;
    expect(lastRead).toBe(t.deps.now().toISOString());

    served = { status: 500, body: 'oops' };
    t.clock.advance(7 * 3_600_000);
    expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 0, failed: 1 });
    const kept = await t.request('GET', '/api/me/timetable?from=2026-01-12T00:00:00Z&to=2026-02-12T00:00:00Z', { as: a });
    expect(kept.json.dated.map((d: { label: string }) => d.label)).toContain('P1 Maths 8C');
    expect(kept.json.subscription.lastError).toBe('No calendar could be read from it');
    expect(kept.json.subscription.lastError).not.toMatch(/500|oops/);
    // "Last fetched" still says when the calendar in use was read, not when the refresh failed.
    expect(kept.json.subscription.lastFetchedAt).toBe(lastRead);
  });

  it('a calendar linked by its person stays private to them after each refresh (the office sees “Busy”); one the office linked for them keeps its names for the office', async () => {
    const { a, b, office } = await school();
    expect((await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/sis/a.ics` } })).status).toBe(200);
    expect((await t.request('PUT', `/api/users/${b.id}/timetable/subscription`, { as: office, body: { url: `${base}/sis/b.ics` } })).status).toBe(200);
    const range = 'from=2026-01-12T00:00:00Z&to=2026-02-12T00:00:00Z';
    const seen = async (who: typeof a) => {
      const r = (await t.request('GET', `/api/users/${who.id}/timetable?${range}`, { as: office })).json;
      return { withheld: r.labelsWithheld, labels: [...new Set(r.dated.map((d: { label: string }) => d.label))] };
    };
    expect(await seen(a)).toEqual({ withheld: true, labels: ['Busy'] });
    expect((await seen(b)).labels).toContain('P1 Maths 8C');
    t.clock.advance(7 * 3_600_000);
    expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 2, failed: 0 });
    expect(await seen(a)).toEqual({ withheld: true, labels: ['Busy'] });
    expect(await seen(b)).toMatchObject({ withheld: false, labels: expect.arrayContaining(['P1 Maths 8C']) });
    expect((await t.request('GET', `/api/me/timetable?${range}`, { as: a })).json.dated.map((d: { label: string }) => d.label)).toContain('P1 Maths 8C');
  });

  it('stops refreshing the calendar of an account that is turned off; turned on again, it is refreshed at the next pass', async () => {
    const { a, b, office } = await school();
    expect((await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/sis/a.ics` } })).status).toBe(200);
    expect((await t.request('PUT', '/api/me/timetable/subscription', { as: b, body: { url: `${base}/sis/b.ics` } })).status).toBe(200);
    const fetched: string[] = [];
    server.on('request', (req) => fetched.push(String(req.url)));
    expect((await t.request('PATCH', `/api/users/${a.id}`, { as: office, body: { disabled: true } })).status).toBe(200);

    t.clock.advance(7 * 3_600_000);
    // The job loop's pass: Ben's calendar is fetched, Amira's (turned off) is not.
    expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 1, failed: 0 });
    expect(fetched).toEqual(['/sis/b.ics']);
    t.clock.advance(7 * 3_600_000);
    await runJobsOnce(t.deps, null);
    expect(fetched).toEqual(['/sis/b.ics', '/sis/b.ics']);
    // Turned on again: the calendar was last fetched when it was linked, so it is due, and the next pass fetches it.
    expect((await t.request('PATCH', `/api/users/${a.id}`, { as: office, body: { disabled: false } })).status).toBe(200);
    const admin = await t.user('admin');
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: admin })).json.subscription.lastFetchedAt).toBe('2026-01-12T09:00:00.000Z');
    fetched.length = 0;
    expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 1, failed: 0 });
    expect(fetched).toEqual(['/sis/a.ics']);
    expect((await t.request('GET', `/api/users/${a.id}/timetable`, { as: admin })).json.subscription.lastFetchedAt).toBe(t.deps.now().toISOString());
  });

  it('accepts only http, https and webcal addresses without credentials', async () => {
    const { a } = await school();
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/a.ics', 'javascript:alert(1)', 'not a url', `http://user:secret@${base.slice(7)}/a.ics`]) {
      const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url } });
      expect(res.status, url).toBe(422);
      expect(res.json.error.code).toBe('address_not_allowed');
      expect(res.json.error.message).toMatch(/^That address could not be used\./);
    }
  });

  it('refuses calendars that are too big, broken or unreachable, and changes nothing', async () => {
    const { a } = await school();
    await t.request('PUT', '/api/me/timetable', { as: a, body: primaryCsv(), headers: csv });
    t.deps.config.outbound = { ...t.deps.config.outbound, maxBytes: 512 * 1024 };
    served = { status: 200, body: Buffer.alloc(512 * 1024 + 10, 'x') };
    const big = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/big.ics` } });
    expect(big.status).toBe(422);
    expect(big.json.error).toMatchObject({ code: 'fetch_failed', message: expect.stringMatching(/^No calendar could be read from it\./) });
    // Whatever the remote server says or holds is not shown: not its status, its text or its events.
    served = { status: 404, body: 'secret internal page' };
    const gone = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/gone.ics` } });
    expect(gone.status).toBe(422);
    expect(gone.json.error.message).toMatch(/^No calendar could be read from it\./);
    expect(gone.json.error.message).not.toMatch(/404|secret/);
    served = { status: 200, body: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x-private-uid\r\nSUMMARY:Staff disciplinary\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' };
    const broken = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/broken.ics` } });
    expect(broken.status).toBe(422);
    expect(broken.json.error).toMatchObject({ code: 'fetch_failed', message: expect.stringMatching(/^No calendar could be read from it\./) });
    expect(JSON.stringify(broken.json)).not.toMatch(/x-private-uid|disciplinary/);
    served = { status: 200, body: '<html><body>Sign in to the intranet</body></html>' };
    const html = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/page` } });
    expect(html.json.error.message).toMatch(/^No calendar could be read from it\./);
    expect(JSON.stringify(html.json)).not.toMatch(/intranet/);
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json.source).toBe('csv');
    // The log says what went wrong and where, but not the address's path: it is often the
    // calendar's password (a "secret address").
    const warned = t.logger.lines.filter((l) => String(l.msg).startsWith('timetable subscription'));
    expect(warned.length).toBeGreaterThanOrEqual(4);
    for (const l of warned) expect(l.site).toBe(new URL(base).origin);
    expect(JSON.stringify(t.logger.lines)).not.toMatch(/big\.ics|gone\.ics|broken\.ics|\/page/);
  });

  it('gives up on a calendar that does not answer in time', async () => {
    const { a } = await school();
    t.deps.config.outbound = { ...t.deps.config.outbound, timeoutMs: 300 };
    served = { status: 200, body: secondaryIcs(), delayMs: 5_000 };
    const slow = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/slow.ics` } });
    expect(slow.status).toBe(422);
    expect(slow.json.error).toMatchObject({ code: 'fetch_failed', message: expect.stringMatching(/^No calendar could be read from it\./) });
  });

  it('without OUTBOUND_ALLOW a subscription to 127.0.0.1 is refused and the server there hears nothing', async () => {
    const { a } = await school();
    t.deps.config.outbound = { ...t.deps.config.outbound, allow: [] };
    let heard = 0;
    server.on('connection', () => heard++);
    const port = base.split(':')[2];
    for (const host of ['127.0.0.1', '2130706433', '0x7f000001', '127.1', '[::ffff:127.0.0.1]']) {
      const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `http://${host}:${port}/a.ics` } });
      expect(res.status, host).toBe(422);
      expect(res.json.error).toEqual({ code: 'address_not_allowed', message: expect.stringMatching(/^That address could not be used\./) });
    }
    // A name that resolves inside (localhost here) is refused too, but answered as a name that
    // does not resolve at all (next test): the answer does not say which internal names exist.
    const byName = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `http://localhost:${port}/a.ics` } });
    expect(byName.status).toBe(422);
    expect(byName.json.error).toMatchObject({ code: 'fetch_failed', message: expect.stringMatching(/^No calendar could be read from it\./) });
    expect(heard).toBe(0);
    // The log still says why.
    const reasons = t.logger.lines.filter((l) => l.msg === 'timetable subscription fetch failed').map((l) => String(l.reason));
    expect(reasons.some((r) => /^localhost resolves to (127\.0\.0\.1|::1)/.test(r))).toBe(true);
  });

  it('answers an internal name and an unknown one alike, however the internal one is spelled', async () => {
    const { a } = await school();
    // Names resolved here, not by the machine's DNS (the policy's `resolve`, which the site's
    // configuration does not offer; tests of outbound.ts use it too).
    const resolve: Resolver = async (host) => {
      if (host === 'intranet.hill.example') return [{ address: '10.1.2.3', family: 4 }];
      if (host === 'printer.hill.example') return [{ address: 'fd00::7', family: 6 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    t.deps.config.outbound = { ...t.deps.config.outbound, allow: [], resolve } as typeof t.deps.config.outbound;
    const ask = async (host: string) => (await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `https://${host}/calendar.ics` } })).json;
    const unknown = await ask('nothing-here.hill.example');
    expect(unknown.error.code).toBe('fetch_failed');
    // Word for word, but for the host name the person typed, which the answer names.
    expect(unknown.error.message).toContain('No server was found at nothing-here.hill.example');
    const asIfUnknown = (host: string) => JSON.parse(JSON.stringify(unknown).replaceAll('nothing-here.hill.example', host));
    expect(await ask('intranet.hill.example')).toEqual(asIfUnknown('intranet.hill.example'));
    expect(await ask('printer.hill.example')).toEqual(asIfUnknown('printer.hill.example'));
  });

  it('says in plain words why no calendar could be read: no server at the host typed, the connection refused, no answer in time, too large, an error answer, not a calendar; never what the server said or where it redirected', async () => {
    const { a } = await school();
    await t.request('PUT', '/api/me/timetable', { as: a, body: primaryCsv(), headers: csv });
    const resolve: Resolver = async (host) => {
      if (host === '127.0.0.1') return [{ address: '127.0.0.1', family: 4 }];
      if (host === 'intranet.hill.example') return [{ address: '10.1.2.3', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const port = Number(base.split(':')[2]);
    t.deps.config.outbound = { ...t.deps.config.outbound, resolve } as typeof t.deps.config.outbound;
    const link = async (url: string) => {
      const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url } });
      expect(res.status, url).toBe(422);
      expect(res.json.error.code, url).toBe('fetch_failed');
      return res.json.error.message as string;
    };
    const unchanged = ' The timetable was not changed.';

    // The host does not exist (what the tester met: https://example.invalid/cal.ics).
    expect(await link('https://example.invalid/cal.ics')).toBe(`No calendar could be read from it. No server was found at example.invalid: check the address.${unchanged}`);
    expect(await link('webcal://Example.Invalid/cal.ics')).toBe(`No calendar could be read from it. No server was found at example.invalid: check the address.${unchanged}`);

    // Nothing listens there: refused.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    t.deps.config.outbound = { ...t.deps.config.outbound, allow: [`127.0.0.1:${port}`, `127.0.0.1:${closedPort}`] };
    expect(await link(`http://127.0.0.1:${closedPort}/cal.ics`)).toBe(`No calendar could be read from it. The server at that address could not be reached (it refused or ended the connection): check the address, or try again later.${unchanged}`);

    // An error answer: said to be one, but not which, nor what it held.
    served = { status: 404, body: 'secret internal page' };
    const gone = await link(`${base}/gone.ics`);
    expect(gone).toBe(`No calendar could be read from it. The server at that address answered with an error instead of a calendar file: check the address (the calendar may no longer be published there).${unchanged}`);

    // Not a calendar file.
    served = { status: 200, body: '<html><body>Sign in to the intranet</body></html>' };
    expect(await link(`${base}/page`)).toBe(`No calendar could be read from it. The file there is not an iCalendar timetable this service can read.${unchanged}`);

    // Too large.
    t.deps.config.outbound = { ...t.deps.config.outbound, maxBytes: 512 * 1024 };
    served = { status: 200, body: Buffer.alloc(512 * 1024 + 10, 'x') };
    expect(await link(`${base}/big.ics`)).toBe(`No calendar could be read from it. The file at that address is larger than 512 KB, the most a linked calendar may be.${unchanged}`);

    // No answer in time.
    t.deps.config.outbound = { ...t.deps.config.outbound, timeoutMs: 1000 };
    served = { status: 200, body: secondaryIcs(), delayMs: 5_000 };
    expect(await link(`${base}/slow.ics`)).toBe(`No calendar could be read from it. The server at that address did not send the calendar within 1 second: try again later.${unchanged}`);

    // Sent on to a host that does not exist, or to one inside the network: the same words, naming neither.
    for (const host of ['nowhere.hill.example', 'intranet.hill.example']) {
      served = { status: 200, body: '' };
      const redirecting = createServer((_req, res) => {
        res.writeHead(302, { location: `https://${host}/private/calendar.ics` });
        res.end();
      });
      await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
      const rPort = (redirecting.address() as AddressInfo).port;
      t.deps.config.outbound = { ...t.deps.config.outbound, allow: [`127.0.0.1:${rPort}`] };
      try {
        const sentOn = await link(`http://127.0.0.1:${rPort}/cal.ics`);
        expect(sentOn, host).toBe(`No calendar could be read from it. That address sent us on to another, where no server was found: check the address.${unchanged}`);
      } finally {
        redirecting.closeAllConnections();
        await new Promise<void>((r) => redirecting.close(() => r()));
      }
    }
    expect((await t.request('GET', '/api/me/timetable', { as: a })).json.source).toBe('csv');
  });

  it('a refused address states the rule the page’s hint states: starting https://, webcal:// or http://', async () => {
    const { a } = await school();
    const res = await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: 'ftp://calendar.example/a.ics' } });
    expect(res.status).toBe(422);
    expect(res.json.error).toEqual({ code: 'address_not_allowed', message: 'That address could not be used. Give the web address of a calendar on the internet, starting https://, webcal:// or http:// (without a user name or password).' });
  });

  it('checks the address again at every scheduled refresh', async () => {
    const { a } = await school();
    expect((await t.request('PUT', '/api/me/timetable/subscription', { as: a, body: { url: `${base}/sis/a.ics` } })).status).toBe(200);
    // The development setting is gone (or the name now points inside): the refresh sends nothing.
    t.deps.config.outbound = { ...t.deps.config.outbound, allow: [] };
    let heard = 0;
    server.on('connection', () => heard++);
    t.clock.advance(7 * 3_600_000);
    expect(await refreshTimetableSubscriptions(t.deps)).toEqual({ refreshed: 0, failed: 1 });
    expect(heard).toBe(0);
    const kept = await t.request('GET', '/api/me/timetable', { as: a });
    expect(kept.json.subscription.lastError).toBe('That address could not be used');
    expect(kept.json.source).toBe('subscription');
  });
});
