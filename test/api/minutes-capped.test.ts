/**
 * Minutes present are never more than the session lasts, as its times are now, as an
 * exploratory tester found them: a trainer corrects someone to 10 minutes, then corrects the
 * session to end a minute after it began. The register, its spreadsheet, the training record
 * (and its spreadsheets), the person's data, the certificate and its public check all say 1
 * minute (and "1 minute", not "1 minutes"); the trainer's attended/absent stands as given.
 * A certificate issued printing more than the session lasts is withdrawn, and the next
 * download prints the true minutes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { newCertCode } from '../../server/certificates/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

// 10 February: GMT, so the times printed are these.
const START = '2026-02-10T14:45:00.000Z';
const END = '2026-02-10T16:00:00.000Z';

async function pdfText(as: TestUser, bookingId: string) {
  const res = await t.app.request(`/api/bookings/${bookingId}/certificate.pdf`, { headers: as.auth });
  expect(res.status).toBe(200);
  const doc = await getDocument({ data: new Uint8Array(await res.arrayBuffer()) }).promise;
  return (await (await doc.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
}

/** A session of 14:45 to 16:00 with its people booked, under way at 14:50 (the register open). */
async function underWay(names: string[]) {
  const org = await t.org('Soon School');
  const s = await t.session({ title: 'TT Soon G', startsAt: START, endsAt: END });
  const office = await t.user('office', org.id, 'Olive Office');
  const people: (TestUser & { bookingId: string })[] = [];
  for (const name of names) {
    const u = await t.user('staff', org.id, name);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} });
    expect(b.status).toBe(201);
    people.push({ ...u, bookingId: b.json.id });
  }
  t.clock.set('2026-02-10T14:50:00.000Z');
  return { s, org, office, people };
}

const correct = (s: { id: string; trainer: TestUser }, bookingId: string, body: object) => t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body });
const rowOf = async (s: { id: string; trainer: TestUser }, bookingId: string) => (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items.find((r: { bookingId: string }) => r.bookingId === bookingId);

describe('minutes present after a session’s times are corrected to a shorter session', () => {
  it('corrected to 10 minutes, then the session to 14:45–14:46: every page, spreadsheet, certificate and check says 1 minute', async () => {
    const { s, org, office, people } = await underWay(['Ben Evans']);
    const ben = people[0]!;
    expect((await correct(s, ben.bookingId, { attended: true, minutes: 10 })).status).toBe(200);
    // It ended a minute after it began: its end brought back.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { endsAt: '2026-02-10T14:46:00.000Z' } })).status).toBe(200);

    // The register (and its length) and its spreadsheet; the entry as made is kept.
    const report = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json;
    expect(report.session.lengthMinutes).toBe(1);
    expect(report.items[0]).toMatchObject({ bookingId: ben.bookingId, attended: true, minutes: 1, source: 'register', override: { minutes: 10 } });
    const csv = (await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: s.trainer })).text;
    expect(csv).toContain('Ben Evans');
    expect(csv.split('\r\n').find((l) => l.startsWith('Ben Evans'))!.split(',')[4]).toBe('1');
    // Asking for more than the session now lasts is refused, in the singular.
    const tooMany = await correct(s, ben.bookingId, { attended: true, minutes: 5 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toMatchObject({ code: 'validation_failed', message: 'Minutes present can be at most the session’s length, 1 minute.', details: { issues: [{ path: 'minutes', message: 'must be at most the session’s length, 1 minute' }] } });

    // Recorded (15 minutes after the new end): the training record, its spreadsheets, the person's data.
    t.clock.set('2026-02-10T15:02:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    const stored = await t.db.selectFrom('attendance_results').select(['minutes', 'attended']).where('booking_id', '=', ben.bookingId).executeTakeFirstOrThrow();
    expect({ minutes: stored.minutes, attended: Number(stored.attended) }).toEqual({ minutes: 1, attended: 1 });
    expect((await t.request('GET', '/api/me/completions', { as: ben })).json.items).toEqual([expect.objectContaining({ bookingId: ben.bookingId, startsAt: START, endsAt: '2026-02-10T14:46:00.000Z', minutes: 1 })]);
    const mine = (await t.request('GET', '/api/me/completions.csv', { as: ben })).text.split('\r\n')[1]!.split(',');
    expect(mine.slice(3, 7)).toEqual(['14:45', '14:46', 'online', '1']);
    expect((await t.request('GET', `/api/orgs/${org.id}/completions`, { as: office })).json.items).toEqual([expect.objectContaining({ bookingId: ben.bookingId, minutes: 1 })]);
    expect((await t.request('GET', `/api/users/${ben.id}/completions`, { as: office })).json.items).toEqual([expect.objectContaining({ minutes: 1 })]);
    const data = JSON.parse(await (await t.app.request('/api/me/data', { headers: ben.auth })).text());
    expect(data.attendance).toEqual([expect.objectContaining({ bookingId: ben.bookingId, minutes: 1 })]);

    // The certificate and its public check.
    const text = await pdfText(ben, ben.bookingId);
    expect(text).toContain('Time: 14:45 to 14:46 GMT');
    expect(text).toContain('Length of session: 1 minute');
    expect(text).not.toContain('1 minutes');
    expect(text).toContain('Minutes attended: 1');
    expect(text).not.toContain('Minutes attended: 10');
    const { code } = await t.db.selectFrom('certificates').select('code').where('booking_id', '=', ben.bookingId).executeTakeFirstOrThrow();
    expect((await t.request('GET', `/api/certificates/${code}`)).json).toMatchObject({ status: 'genuine', certificate: { minutes: 1, startsAt: START, endsAt: '2026-02-10T14:46:00.000Z' } });

    // The times put back as they were: the entry as made (10 minutes) counts again, in full.
    t.clock.set('2026-02-11T09:00:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { endsAt: END } })).status).toBe(200);
    expect(await rowOf(s, ben.bookingId)).toMatchObject({ attended: true, minutes: 10 });
    expect((await t.request('GET', '/api/me/completions', { as: ben })).json.items).toEqual([expect.objectContaining({ minutes: 10 })]);
  });

  it('shortened to 14:48–14:50: 9 minutes entered count as 2; a register entry’s attended or not stands as the trainer gave it', async () => {
    const { s, people } = await underWay(['Chloe Adams', 'Dan Absent', 'Eve Ticked']);
    const [chloe, dan, eve] = people as [TestUser & { bookingId: string }, TestUser & { bookingId: string }, TestUser & { bookingId: string }];
    expect((await correct(s, chloe.bookingId, { attended: true, minutes: 9 })).status).toBe(200);
    // Marked as not attended though present 4 minutes of 75: the trainer's judgement, kept.
    expect((await correct(s, dan.bookingId, { attended: false, minutes: 4 })).status).toBe(200);
    // A tick with no minutes and no presence observed: not recorded, not 0 and not 2.
    expect((await correct(s, eve.bookingId, { attended: true })).status).toBe(200);
    // Its times corrected once it was over: 14:48 to 14:50. Its outcomes are written at once.
    t.clock.set('2026-02-10T16:05:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-10T14:48:00.000Z', endsAt: '2026-02-10T14:50:00.000Z' } })).status).toBe(200);
    await recordAttendanceOutcomes(t.deps);

    expect(await rowOf(s, chloe.bookingId)).toMatchObject({ attended: true, minutes: 2, override: { minutes: 9 } });
    expect(await rowOf(s, dan.bookingId)).toMatchObject({ attended: false, minutes: 2, status: 'absent' });
    expect(await rowOf(s, eve.bookingId)).toMatchObject({ attended: true, minutes: null });
    expect((await t.request('GET', '/api/me/completions', { as: chloe })).json.items).toEqual([expect.objectContaining({ minutes: 2 })]);
    const text = await pdfText(chloe, chloe.bookingId);
    expect(text).toContain('Length of session: 2 minutes');
    expect(text).toContain('Minutes attended: 2');
    expect(text).not.toContain('Minutes attended: 9');
  });

  it('a certificate already issued printing more minutes than the session lasts (as an earlier version issued it) is withdrawn, not genuine; the next download prints the true minutes and is genuine', async () => {
    const { s, people } = await underWay(['Chloe Adams']);
    const chloe = people[0]!;
    expect((await correct(s, chloe.bookingId, { attended: true, minutes: 9 })).status).toBe(200);
    // Its times corrected once it was over: 14:48 to 14:50. Its outcomes are written at once.
    t.clock.set('2026-02-10T16:05:00.000Z');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-10T14:48:00.000Z', endsAt: '2026-02-10T14:50:00.000Z' } })).status).toBe(200);
    await recordAttendanceOutcomes(t.deps);
    // What an earlier version stored and issued: the outcome's 9 minutes, and a certificate printing them.
    await t.db.updateTable('attendance_results').set({ minutes: 9 }).where('booking_id', '=', chloe.bookingId).execute();
    const old = newCertCode();
    await t.db
      .insertInto('certificates')
      .values({ code: old, subject_key: `attendance:${chloe.bookingId}`, kind: 'attendance', user_id: chloe.id, booking_id: chloe.bookingId, course_id: null, person_name: 'Chloe Adams', session_title: 'TT Soon G', course_title: null, held_on: '2026-02-10', minutes: 9, session_starts_at: '2026-02-10T14:48:00.000Z', session_ends_at: '2026-02-10T14:50:00.000Z', issued_at: '2026-02-10T15:07:00.000Z', superseded_at: null })
      .execute();

    // Every reader says 2, the stored 9 notwithstanding; the old code is withdrawn (it shows nothing of what it printed).
    expect((await t.request('GET', '/api/me/completions', { as: chloe })).json.items).toEqual([expect.objectContaining({ minutes: 2 })]);
    expect((await t.request('GET', `/api/certificates/${old}`)).json).toEqual({ status: 'withdrawn' });
    const text = await pdfText(chloe, chloe.bookingId);
    expect(text).toContain('Minutes attended: 2');
    const fresh = await t.db.selectFrom('certificates').select('code').where('superseded_at', 'is', null).where('booking_id', '=', chloe.bookingId).executeTakeFirstOrThrow();
    expect(fresh.code).not.toBe(old);
    expect((await t.request('GET', `/api/certificates/${fresh.code}`)).json).toMatchObject({ status: 'genuine', certificate: { minutes: 2, startsAt: '2026-02-10T14:48:00.000Z', endsAt: '2026-02-10T14:50:00.000Z' } });
    expect((await t.request('GET', `/api/certificates/${old}`)).json).toEqual({ status: 'withdrawn' });
  });
});
