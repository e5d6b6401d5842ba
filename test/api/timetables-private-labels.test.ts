/**
 * A calendar a person links themselves (an ICS file they upload, or a calendar link they add)
 * may be their personal one: what its events are called ("GP appointment") is theirs alone.
 * Their school office and administrators see when they are busy, each event named "Busy", and
 * the days it closes unnamed: on their timetable, in Who needs cover (page and spreadsheet), on
 * a session's roster, in the answer to booking them, in a download of their data. The person
 * sees it whole, in their own clashes, booking answers and emails. A calendar the office gave
 * for them, and any spreadsheet, are the school's: their names are shown to the office.
 * On the database under test (SQLite, or PostgreSQL with TEST_DATABASE).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, smtpMailer } from '../../server/notifications/delivery.js';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { startSmtp } from '../smtp.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const ics = { 'content-type': 'text/calendar' };
/** A personal calendar: a GP appointment on Tuesday 20 January, 15:30 to 16:30 (GMT), and a wedding all day on Thursday 22 January. */
const personal = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example//Personal//EN',
  'BEGIN:VEVENT',
  'UID:gp-1@example.org',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260120T153000Z',
  'DTEND:20260120T163000Z',
  'SUMMARY:GP appointment',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:wedding-1@example.org',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;VALUE=DATE:20260122',
  'DTEND;VALUE=DATE:20260123',
  'SUMMARY:Sister’s wedding',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');
const WEEK = 'from=2026-01-19&to=2026-01-25';

async function school() {
  const org = await t.org('Hill Primary');
  const office = await t.user('office', org.id, 'Olly Office');
  const person = await t.user('staff', org.id, 'Pat Private');
  const admin = await t.user('admin');
  // Tuesday 20 January, 16:00 to 17:00: overlaps the GP appointment.
  const s = await t.session({ title: 'Autism and anxiety', startsAt: '2026-01-20T16:00:00Z', endsAt: '2026-01-20T17:00:00Z', capacity: { online: 10 } });
  return { org, office, person, admin, s };
}

const labels = (xs: { label: string }[]) => xs.map((x) => x.label);

async function seenBy(who: TestUser, person: TestUser, orgId: string, sessionId: string) {
  const tt = (await t.request('GET', `/api/users/${person.id}/timetable?${WEEK}`, { as: who })).json;
  const cover = (await t.request('GET', `/api/orgs/${orgId}/cover?${WEEK}`, { as: who })).json;
  const csv = (await t.request('GET', `/api/orgs/${orgId}/cover.csv?${WEEK}`, { as: who })).text;
  const roster = (await t.request('GET', `/api/sessions/${sessionId}/roster?orgId=${orgId}`, { as: who })).json;
  const data = (await t.request('GET', `/api/users/${person.id}/data`, { as: who })).json;
  return {
    withheld: tt.labelsWithheld,
    dated: labels(tt.dated),
    busy: labels(tt.busy),
    freeDays: labels(tt.freeDays),
    cover: cover.items.flatMap((i: { clashes: { label: string }[] }) => labels(i.clashes)),
    csv,
    roster: roster.items.find((p: { userId: string }) => p.userId === person.id)?.clashes.map((c: { label: string }) => c.label),
    data: { dated: labels(data.timetable.dated), freeDays: labels(data.timetable.freeDays) },
  };
}

describe('the titles of a calendar someone linked themselves', () => {
  it('are shown to the office and administrators as “Busy”, with their times, everywhere they see the timetable; the person sees them whole', async () => {
    const { org, office, person, admin, s } = await school();
    expect((await t.request('PUT', '/api/me/timetable', { as: person, body: personal, headers: ics })).status).toBe(200);
    // The office books them onto the session: the answer names the clash, not what it is.
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [person.id] } });
    expect(booked.status).toBe(201);
    expect(booked.json.results[0].clashes.map((c: { label: string; startsAt: string }) => [c.label, c.startsAt])).toEqual([['Busy', '2026-01-20T15:30:00.000Z']]);

    for (const who of [office, admin]) {
      const seen = await seenBy(who, person, org.id, s.id);
      expect(seen).toMatchObject({ withheld: true, dated: ['Busy'], busy: ['Busy'], freeDays: [''], cover: ['Busy'], roster: ['Busy'], data: { dated: ['Busy'], freeDays: [''] } });
      expect(seen.csv).toContain('Pat Private');
      expect(seen.csv).toContain('Busy');
      expect(JSON.stringify(seen)).not.toMatch(/GP appointment|wedding/);
    }

    // The person: their own timetable, clashes and data whole, and told the office sees it as "Busy".
    const own = (await t.request('GET', `/api/me/timetable?${WEEK}`, { as: person })).json;
    expect({ withheld: own.labelsWithheld, dated: labels(own.dated), freeDays: labels(own.freeDays) }).toEqual({ withheld: true, dated: ['GP appointment'], freeDays: ['Sister’s wedding'] });
    const clashes = (await t.request('GET', `/api/me/clashes?from=2026-01-19T00:00:00Z`, { as: person })).json;
    expect(clashes.items.flatMap((i: { clashes: { label: string }[] }) => labels(i.clashes))).toEqual(['GP appointment']);
    const myData = (await t.request('GET', '/api/me/data', { as: person })).json;
    expect(labels(myData.timetable.dated)).toEqual(['GP appointment']);

    // Their confirmation email names their own appointment (sent over SMTP); an administrator
    // reading the outbox sees it without the name, before it is sent, once filed in the local
    // outbox (it keeps what it said to the person, as one sent does), and once sent.
    const outboxText = async () => (await t.request('GET', '/api/outbox?limit=100', { as: admin })).json.items.find((m: { to: string }) => m.to === person.email).text as string;
    expect(await outboxText()).toContain('This session overlaps your timetable: Busy (Tuesday 20 January, 15:30 to 16:30). You can still go, but you may need cover');
    await runJobsOnce(t.deps, null);
    expect(await t.db.selectFrom('outbox').select(['status', 'text_body']).where('to_email', '=', person.email).executeTakeFirst()).toEqual({ status: 'local', text_body: expect.stringContaining('GP appointment') });
    expect(await outboxText()).toContain('This session overlaps your timetable: times in a calendar they gave themselves, what its events are called private to them. You can still go, but you may need cover');
    expect(await outboxText()).not.toContain('GP appointment');
    const smtp = await startSmtp();
    try {
      await t.db.updateTable('outbox').set({ status: 'pending' }).where('status', '=', 'local').execute();
      expect((await deliverDue(t.deps, smtpMailer(`smtp://127.0.0.1:${smtp.port}`, t.deps.config.mailFrom))).failed).toBe(0);
      const mail = smtp.received.find((m) => m.to.includes(person.email));
      expect(mail?.raw.replace(/=\r?\n/g, '')).toContain('GP appointment');
    } finally {
      await smtp.close();
    }
    expect(await t.db.selectFrom('outbox').select('text_body').where('to_email', '=', person.email).executeTakeFirst()).toEqual({ text_body: expect.stringContaining('GP appointment') });
    const sent = await outboxText();
    expect(sent).toContain('This session overlaps your timetable: times in a calendar they gave themselves, what its events are called private to them. You can still go, but you may need cover');
    expect(sent).not.toContain('GP appointment');
  });

  it('a staff member booking themselves is told of their own appointment by name', async () => {
    const { person, s } = await school();
    expect((await t.request('PUT', '/api/me/timetable', { as: person, body: personal, headers: ics })).status).toBe(200);
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: person, body: {} });
    expect(booked.status).toBe(201);
    expect(labels(booked.json.clashes)).toEqual(['GP appointment']);
    const fit = (await t.request('GET', `/api/sessions/${s.id}`, { as: person })).json.fit;
    expect(labels(fit.clashes)).toEqual(['GP appointment']);
  });

  it('a calendar the office gave for the person, and a spreadsheet the person gave, keep their names for the office', async () => {
    const { org, office, person, s } = await school();
    expect((await t.request('PUT', `/api/users/${person.id}/timetable`, { as: office, body: personal, headers: ics })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userIds: [person.id] } })).status).toBe(201);
    const seen = await seenBy(office, person, org.id, s.id);
    expect(seen).toMatchObject({ withheld: false, dated: ['GP appointment'], freeDays: ['Sister’s wedding'], cover: ['GP appointment'], roster: ['GP appointment'] });
    expect((await t.request('GET', `/api/me/timetable?${WEEK}`, { as: person })).json.labelsWithheld).toBe(false);
    // The person's own spreadsheet of lessons: a timetable by its nature.
    expect((await t.request('PUT', '/api/me/timetable', { as: person, body: 'day,start,end,label\nTuesday,15:00,16:30,Year 4 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const after = await seenBy(office, person, org.id, s.id);
    expect(after).toMatchObject({ withheld: false, cover: ['Year 4 maths'], roster: ['Year 4 maths'] });
  });
});
