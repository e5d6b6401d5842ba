/**
 * A person's copy of their own data (UK GDPR right of access; `GET /api/me/data`): a download
 * holding their account, how they sign in, their places (cancelled ones too), the sessions
 * they attended with minutes, their certificates, the feedback they gave, their timetable and
 * the messages written to them (without the text), and nothing of anyone else's. The same
 * file for someone who cannot sign in (`GET /api/users/{id}/data`), downloaded by their school
 * office or an administrator to answer a subject access request, kept in the audit log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { MyData } from '../../shared/privacy.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('my data', () => {
  it('is a JSON download of everything held about the person, and nothing of anyone else', async () => {
    const org = await t.org('Hill Primary');
    const me = await t.user('staff', org.id, 'Zoë Ní Bhriain');
    const colleague = await t.user('staff', org.id, 'Colm Colleague');
    const past = await t.session({ title: 'Understanding autism', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    const later = await t.session({ title: 'Sensory circuits', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' });
    const dropped = await t.session({ title: 'Precision teaching', startsAt: '2026-03-12T16:00:00.000Z', endsAt: '2026-03-12T17:00:00.000Z' });
    const mine = (await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: me, body: {} })).json;
    await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: colleague, body: {} });
    expect((await t.request('POST', `/api/sessions/${later.id}/bookings`, { as: me, body: {} })).status).toBe(201);
    const cancelled = (await t.request('POST', `/api/sessions/${dropped.id}/bookings`, { as: me, body: {} })).json;
    expect((await t.request('DELETE', `/api/bookings/${cancelled.id}`, { as: me })).status).toBe(200);
    expect((await t.request('PUT', '/api/me/timetable', { as: me, body: 'day,start,end,label\nMonday,09:00,12:00,Class 4 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    t.clock.set('2026-02-10T16:05:00.000Z'); // the register opens with check-in: ticked once the session is under way
    expect((await t.request('PUT', `/api/sessions/${past.id}/attendance/${mine.id}`, { as: past.trainer, body: { attended: true, minutes: 85 } })).status).toBe(200);
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('PUT', `/api/sessions/${past.id}/feedback/mine`, { as: me, body: { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'The visual timetables idea works in class 4' } })).status).toBe(200);
    // A message about no booking: a password reset link an administrator sent them.
    expect((await t.request('POST', `/api/users/${me.id}/password-reset`, { as: await t.user('admin') })).status).toBeLessThan(300);

    const res = await t.app.request('/api/me/data', { headers: me.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=my-data-2026-02-10.json');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const text = await res.text();
    const data = MyData.parse(JSON.parse(text));
    expect(data.account).toMatchObject({ id: me.id, name: 'Zoë Ní Bhriain', email: me.email, role: 'staff', orgName: 'Hill Primary' });
    expect(data.signInMethods.password).toBe(true);
    expect(data.bookings.map((b) => [b.session.title, b.status]).sort()).toEqual([
      ['Precision teaching', 'cancelled'],
      ['Sensory circuits', 'confirmed'],
      ['Understanding autism', 'attended'],
    ]);
    expect(data.attendance.map((a) => [a.title, a.minutes])).toEqual([['Understanding autism', 85]]);
    expect(data.certificates.attendance.map((c) => c.title)).toEqual(['Understanding autism']);
    expect(data.feedback).toEqual([expect.objectContaining({ sessionTitle: 'Understanding autism', usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'The visual timetables idea works in class 4' })]);
    expect(data.timetable.weekly.map((w) => w.label)).toEqual(['Class 4 maths']);
    // Their booking notices (confirmation, cancellation...), named by subject, not their text.
    // Every message written to them, about a booking or about none, newest first: as the outbox holds them.
    const written = await t.db.selectFrom('outbox').select(['kind', 'created_at']).where('user_id', '=', me.id).orderBy('id', 'desc').execute();
    expect(written.map((w) => w.kind)).toContain('password_reset');
    expect(written.length).toBeGreaterThanOrEqual(4);
    expect(data.messages.map((m) => [m.kind, m.createdAt])).toEqual(written.map((w) => [w.kind, w.created_at]));
    expect(data.messages.every((m) => m.to === me.email && m.subject.length > 0)).toBe(true);
    expect(text).not.toContain('"text"');
    // Nobody else's data.
    expect(text).not.toContain(colleague.email);
    expect(text).not.toContain('Colm Colleague');
  });

  it('needs a signed-in person', async () => {
    expect((await t.app.request('/api/me/data')).status).toBe(401);
  });
});

describe("a person's data for a subject access request", () => {
  it('is downloaded by their office once they have left (account turned off), holding what they would see, and kept in the audit log', async () => {
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    const leaver = await t.user('staff', org.id, 'Zoë Ní Bhriain');
    const colleague = await t.user('staff', org.id, 'Colm Colleague');
    const past = await t.session({ title: 'Understanding autism', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:30:00.000Z' });
    const booking = (await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: leaver, body: {} })).json;
    await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: colleague, body: {} });
    t.clock.set('2026-02-10T16:05:00.000Z'); // the register opens with check-in: ticked once the session is under way
    expect((await t.request('PUT', `/api/sessions/${past.id}/attendance/${booking.id}`, { as: past.trainer, body: { attended: true, minutes: 80 } })).status).toBe(200);
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('PATCH', `/api/users/${leaver.id}`, { as: office, body: { disabled: true } })).status).toBe(200);
    t.clock.set('2026-03-01T10:00:00.000Z');

    const res = await t.app.request(`/api/users/${leaver.id}/data`, { headers: office.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment; filename="personal-data-Zo_ N_ Bhriain-2026-03-01.json"');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''personal-data-Zo%C3%AB%20N%C3%AD%20Bhriain-2026-03-01.json");
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const text = await res.text();
    const data = MyData.parse(JSON.parse(text));
    expect(data.account).toMatchObject({ id: leaver.id, name: 'Zoë Ní Bhriain', email: leaver.email, disabled: true });
    expect(data.bookings.map((b) => [b.session.title, b.status])).toEqual([['Understanding autism', 'attended']]);
    expect(data.attendance.map((a) => [a.title, a.minutes])).toEqual([['Understanding autism', 80]]);
    expect(data.certificates.attendance.map((c) => c.title)).toEqual(['Understanding autism']);
    expect(data.messages.every((m) => m.to === leaver.email)).toBe(true);
    expect(text).not.toContain(colleague.email);
    expect(text).not.toContain(office.email);
    // Who downloaded whose data, and when, by ids only.
    expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'subject_id', 'at']).orderBy('at').execute()).toEqual([
      { action: 'disable_account', actor_id: office.id, subject_id: leaver.id, at: '2026-02-10T18:00:00.000Z' },
      { action: 'export_personal_data', actor_id: office.id, subject_id: leaver.id, at: '2026-03-01T10:00:00.000Z' },
    ]);

    // An administrator may too.
    const admin = await t.user('admin');
    expect((await t.request('GET', `/api/users/${leaver.id}/data`, { as: admin })).json.account.id).toBe(leaver.id);
  });

  it('holds the whole timetable: every dated lesson and day off, not only the next five weeks a timetable page shows', async () => {
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    const me = await t.user('staff', org.id);
    // Now is 1 February 2026: a lesson next week, one in ten weeks, one in thirty; an INSET day in June.
    const event = (uid: string, start: string, end: string, summary: string) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=Europe/London:${start}`, `DTEND;TZID=Europe/London:${end}`, `SUMMARY:${summary}`, 'END:VEVENT'];
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example SIS//EN',
      ...event('soon', '20260209T090000', '20260209T100000', 'Year 4 maths'),
      ...event('spring', '20260413T090000', '20260413T100000', 'Year 5 reading'),
      ...event('autumn', '20260831T090000', '20260831T100000', 'Year 6 science'),
      'BEGIN:VEVENT',
      'UID:inset',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;VALUE=DATE:20260612',
      'DTEND;VALUE=DATE:20260613',
      'SUMMARY:INSET day',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const put = await t.request('PUT', '/api/me/timetable', { as: me, body: ics, headers: { 'content-type': 'text/calendar' } });
    expect(put.status, put.text).toBe(200);
    for (const [path, as] of [['/api/me/data', me], [`/api/users/${me.id}/data`, office]] as const) {
      const res = await t.request('GET', path, { as });
      expect(res.status, res.text).toBe(200);
      const data = MyData.parse(res.json);
      // Its titles are the person's own (a file they uploaded themselves): their office's copy says only when (timetables-private-labels.test.ts).
      const own = as === me;
      expect(data.timetable.dated.map((d) => [d.startsAt, d.label]), path).toEqual([
        ['2026-02-09T09:00:00.000Z', own ? 'Year 4 maths' : 'Busy'],
        ['2026-04-13T08:00:00.000Z', own ? 'Year 5 reading' : 'Busy'],
        ['2026-08-31T08:00:00.000Z', own ? 'Year 6 science' : 'Busy'],
      ]);
      expect(data.timetable.counts.dated).toBe(3);
      expect(data.timetable.freeDays.map((f) => [f.from, f.label]), path).toEqual([['2026-06-12', own ? 'INSET day' : '']]);
    }
    // The timetable page itself still shows its window.
    const page = await t.request('GET', '/api/me/timetable', { as: me });
    expect(page.json.dated.map((d: { label: string }) => d.label)).toEqual(['Year 4 maths']);
  });

  it('holds the site of a subscribed calendar, not its address, as the office’s timetable view does; the person’s own copy holds it whole', async () => {
    const org = await t.org('Hill Primary');
    const office = await t.user('office', org.id);
    const person = await t.user('staff', org.id);
    const admin = await t.user('admin');
    // A published Outlook calendar: its address is its only key.
    const secret = 'https://outlook.office365.com/owa/calendar/SECRETKEY123/calendar.ics';
    expect((await t.request('PUT', '/api/me/timetable', { as: person, body: 'day,start,end,label\nMonday,09:00,12:00,Class 4 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    await t.db.updateTable('timetables').set({ source: 'subscription', subscription_url: secret, last_fetched_at: '2026-02-01T08:00:00.000Z' }).where('user_id', '=', person.id).execute();

    const own = await t.request('GET', '/api/me/data', { as: person });
    expect(own.status).toBe(200);
    expect(MyData.parse(own.json).timetable.subscription?.url).toBe(secret);
    expect(MyData.parse(own.json).timetable.weekly.map((w) => w.label)).toEqual(['Class 4 maths']);

    const view = await t.request('GET', `/api/users/${person.id}/timetable`, { as: office });
    expect(view.json.subscription.url).toBe('https://outlook.office365.com');
    for (const who of [office, admin]) {
      const res = await t.request('GET', `/api/users/${person.id}/data`, { as: who });
      expect(res.status).toBe(200);
      const data = MyData.parse(res.json);
      expect(data.timetable.subscription).toEqual({ url: 'https://outlook.office365.com', lastFetchedAt: '2026-02-01T08:00:00.000Z', lastError: null });
      // A calendar the person linked themselves: its titles are theirs (timetables-private-labels.test.ts).
      expect(data.timetable.weekly.map((w) => w.label)).toEqual(['Busy']);
      expect(res.text).not.toContain('SECRETKEY123');
    }
  });

  it('names no session the downloader may not see: a trust office does not get the school’s own in-house session; the school office, an administrator and the person do', async () => {
    const trust = await t.org('Oak Trust');
    const hill = await t.org('Hill Primary');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', hill.id).execute();
    const trustOffice = await t.user('office', trust.id);
    const hillOffice = await t.user('office', hill.id);
    const admin = await t.user('admin');
    const person = await t.user('staff', hill.id);
    const trainer = await t.user('trainer');
    const inHouse = await t.session({ title: 'Hill INSET: zones of regulation', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', audience: { kind: 'organisation', orgId: hill.id } }, trainer);
    const open = await t.session({ title: 'Programme: autism awareness', startsAt: '2026-02-11T16:00:00.000Z', endsAt: '2026-02-11T17:00:00.000Z' }, trainer);
    // The trust office may not see the school's own session at all.
    expect((await t.request('GET', `/api/sessions/${inHouse.id}`, { as: trustOffice })).status).toBe(404);
    for (const s of [inHouse, open]) {
      const booking = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: person, body: {} })).json;
      expect(booking.status).toBe('confirmed');
      t.clock.set(s.endsAt);
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booking.id}`, { as: trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
      t.clock.set(new Date(Date.parse(s.endsAt) + 3_600_000).toISOString());
      await recordAttendanceOutcomes(t.deps);
      expect((await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: person, body: { usefulness: 4, confidenceBefore: 2, confidenceAfter: 4 } })).status).toBe(200);
    }
    // The person, made an in-house lead, is given another of the school's sessions: the email saying so names it.
    expect((await t.request('PUT', `/api/orgs/${hill.id}/leads/${person.id}`, { as: admin })).status).toBe(204);
    const given = await t.session({ title: 'Hill INSET: sensory circuits', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', audience: { kind: 'organisation', orgId: hill.id } }, trainer);
    expect((await t.request('PUT', `/api/sessions/${given.id}/trainers/${person.id}`, { as: admin })).status).toBeLessThan(300);
    expect((await t.mails('session_given')).filter((m) => m.user_id === person.id)).toHaveLength(1);
    // One written before sessions were recorded on these emails (no session id) names the session too: left out for others.
    const [given1] = await t.db.selectFrom('outbox').selectAll().where('kind', '=', 'session_given').where('user_id', '=', person.id).execute();
    await t.db.insertInto('outbox').values({ ...given1!, id: `${given1!.id.slice(0, -4)}0old`, session_id: null }).execute();
    const hidden = 'Hill INSET';
    const download = async (who: TestUser) => {
      const res = await t.request('GET', who === person ? '/api/me/data' : `/api/users/${person.id}/data`, { as: who });
      expect(res.status).toBe(200);
      return { text: JSON.stringify(res.json), data: MyData.parse(res.json) };
    };

    // The trust office: the programme session in every part, the school's own in none.
    const { text, data } = await download(trustOffice);
    expect(text).not.toContain(hidden);
    expect(text).not.toContain(inHouse.id);
    expect(data.bookings.map((b) => b.session.title)).toEqual(['Programme: autism awareness']);
    expect(data.attendance.map((a) => a.title)).toEqual(['Programme: autism awareness']);
    expect(data.certificates.attendance.map((c) => c.title)).toEqual(['Programme: autism awareness']);
    expect(data.feedback.map((f) => f.sessionTitle)).toEqual(['Programme: autism awareness']);
    expect(data.messages.length).toBeGreaterThan(0);
    expect(data.messages.some((m) => m.subject.includes('Programme: autism awareness'))).toBe(true);

    // Everyone who may see it gets it whole: the person, their school's office, an administrator.
    for (const who of [person, hillOffice, admin]) {
      const all = await download(who);
      expect(all.text).toContain(hidden);
      expect(all.data.bookings.map((b) => b.session.title).sort()).toEqual(['Hill INSET: zones of regulation', 'Programme: autism awareness']);
      expect(all.data.attendance.map((a) => a.title).sort()).toEqual(['Hill INSET: zones of regulation', 'Programme: autism awareness']);
      expect(all.data.certificates.attendance.map((c) => c.title).sort()).toEqual(['Hill INSET: zones of regulation', 'Programme: autism awareness']);
      expect(all.data.feedback.map((f) => f.sessionTitle).sort()).toEqual(['Hill INSET: zones of regulation', 'Programme: autism awareness']);
      expect(all.data.messages.some((m) => m.subject.includes(hidden))).toBe(true);
      expect(all.data.messages.length).toBeGreaterThan(data.messages.length);
    }
  });

  it('is refused, and nothing recorded, to anyone who does not manage the person, and for an erased account', async () => {
    const org = await t.org('Hill Primary');
    const other = await t.org('Dale Academy');
    const office = await t.user('office', org.id);
    const otherOffice = await t.user('office', other.id);
    const staff = await t.user('staff', org.id);
    const colleague = await t.user('staff', org.id);
    const officeColleague = await t.user('office', org.id);
    const trainer = await t.user('trainer');
    const refused = async (as: typeof office, id: string) => {
      const res = await t.request('GET', `/api/users/${id}/data`, { as });
      return [res.status, res.json.error.code];
    };
    expect(await refused(otherOffice, staff.id)).toEqual([404, 'not_found']);
    expect(await refused(office, officeColleague.id)).toEqual([403, 'forbidden']);
    expect(await refused(colleague, staff.id)).toEqual([403, 'forbidden']);
    expect(await refused(trainer, staff.id)).toEqual([403, 'forbidden']);
    expect(await refused(office, 'no-such-person')).toEqual([404, 'not_found']);
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { disabled: true } })).status).toBe(200);
    expect((await t.request('POST', `/api/users/${staff.id}/erase`, { as: office })).status).toBe(200);
    const erased = await t.request('GET', `/api/users/${staff.id}/data`, { as: office });
    expect([erased.status, erased.json.error.code]).toEqual([409, 'conflict']);
    expect(erased.json.error.message).toMatch(/erased/);
    // Turning the account off and erasing it are kept; none of the refused downloads is.
    expect((await t.db.selectFrom('audit_log').select('action').orderBy('action').execute()).map((r) => r.action)).toEqual(['disable_account', 'erase_personal_data']);
  });
});
