/**
 * What a session's trainers can still do once it is over (or cancelled), on both databases:
 * seat holds are for seats still to book, so they can no longer be set, changed or released
 * (409 `session_ended`, `session_cancelled`; nothing changes); a message to attendees after
 * the end is a follow-up to the people who had a place (attended or absent, as the register
 * has it), never to those who were waiting; the session itself can still be corrected.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { seatCountDrift } from '../../server/bookings/repository.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  expect(await seatCountDrift(t.db)).toEqual([]);
  await t.close();
});

const TIMES = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' };
const putHold = (as: TestUser, sessionId: string, orgId: string, seats: number) => t.request('PUT', `/api/sessions/${sessionId}/holds`, { as, body: { orgId, seat: 'online', seats } });
const holdsOf = async (as: TestUser, sessionId: string) => (await t.request('GET', `/api/sessions/${sessionId}/holds`, { as })).json.items;

describe('seat holds once a session is over or cancelled', () => {
  it('are kept as they were: setting, changing or releasing one is 409 session_ended for its trainer, an administrator and the school’s office', async () => {
    const oak = await t.org('Oak Primary');
    const elm = await t.org('Elm Academy');
    const office = await t.user('office', oak.id);
    const admin = await t.user('admin');
    const s = await t.session({ ...TIMES, capacity: { online: 6 } });
    const staff = await t.user('staff', oak.id);
    await t.user('staff', oak.id);
    expect((await putHold(s.trainer, s.id, oak.id, 3)).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    // Under way, a hold can still be changed (booking is open until the end).
    t.clock.set('2026-03-10T16:30:00.000Z');
    expect((await putHold(s.trainer, s.id, oak.id, 2)).status).toBe(204);
    const held = [{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 2, claimed: 1 }];

    t.clock.set('2026-03-10T17:00:00.000Z'); // the end
    const attempts: [TestUser, string, number][] = [
      [s.trainer, oak.id, 4], // more
      [s.trainer, oak.id, 1], // fewer
      [admin, oak.id, 0], // released
      [s.trainer, elm.id, 1], // a new one
      [office, oak.id, 0], // the school's own office
    ];
    for (const [who, orgId, seats] of attempts) {
      const res = await putHold(who, s.id, orgId, seats);
      expect(res.status, `${who.role} holding ${seats} for ${orgId === oak.id ? 'Oak' : 'Elm'}`).toBe(409);
      expect(res.json.error).toEqual({ code: 'session_ended', message: 'This session has ended, so its seat holds can no longer be set, changed or released.' });
    }
    // What was held, and claimed, stays on record for the session's trainer and the school.
    expect(await holdsOf(s.trainer, s.id)).toEqual(held);
    expect(await holdsOf(office, s.id)).toEqual(held);
    const mine = (await t.request('GET', '/api/me/sessions?when=past', { as: s.trainer })).json.items[0];
    expect(mine.held).toEqual({ inPerson: 0, online: 2, claimed: 1 });
  });

  it('on a cancelled session, holding seats is 409 session_cancelled and holds nothing', async () => {
    const oak = await t.org('Oak Primary');
    const office = await t.user('office', oak.id);
    await t.user('staff', oak.id);
    const s = await t.session({ ...TIMES, capacity: { online: 6 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);
    for (const who of [s.trainer, office]) {
      const res = await putHold(who, s.id, oak.id, 1);
      expect(res.status).toBe(409);
      expect(res.json.error).toEqual({ code: 'session_cancelled', message: 'This session has been cancelled, so seats can no longer be held on it.' });
    }
    expect(await holdsOf(s.trainer, s.id)).toEqual([]);
  });
});

describe('a message to attendees after the session', () => {
  it('goes to everyone who had a place, attended or absent, once its register is recorded; not to those who were waiting', async () => {
    const s = await t.session({ ...TIMES, capacity: { online: 2 } });
    const [came, missed, waited] = [await t.user('staff'), await t.user('staff'), await t.user('staff')];
    const ids: string[] = [];
    for (const p of [came, missed, waited]) ids.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.id);
    t.clock.set('2026-03-10T17:30:00.000Z'); // its outcomes are written 15 minutes after the end
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${ids[0]}`, { as: s.trainer, body: { attended: true } })).status).toBe(200);
    await recordAttendanceOutcomes(t.deps);
    const statuses = await t.db.selectFrom('bookings').select(['id', 'status']).where('session_id', '=', s.id).execute();
    expect(Object.fromEntries(statuses.map((b) => [b.id, b.status]))).toEqual({ [ids[0]!]: 'attended', [ids[1]!]: 'absent', [ids[2]!]: 'waitlisted' });

    const res = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'The slides are on the session page.' } });
    expect(res.status).toBe(201);
    expect(res.json.told).toBe(2);
    const mails = await t.mails('trainer_message');
    expect(mails.map((m) => m.to_email).sort()).toEqual([came.email, missed.email].sort());
    expect(mails[0]!.message.text).toContain('The slides are on the session page.');
  });

  it('asked to include those waiting, is refused with 409 session_ended and writes nothing; before the end it reaches them', async () => {
    const s = await t.session({ ...TIMES, capacity: { online: 1 } });
    const [booked, waiting] = [await t.user('staff'), await t.user('staff')];
    for (const p of [booked, waiting]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    t.clock.set('2026-03-10T16:59:00.000Z');
    const before = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Starting soon', includeWaiting: true } });
    expect(before.json.told).toBe(2);

    t.clock.set('2026-03-10T17:05:00.000Z'); // ended; outcomes not written yet
    const after = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Thank you', includeWaiting: true } });
    expect(after.status).toBe(409);
    expect(after.json.error).toEqual({ code: 'session_ended', message: 'This session has ended, so no one is waiting for a place on it: a message now goes to the people who had a place. Send it again without those waiting.' });
    expect(await t.mails('trainer_message')).toHaveLength(2);
    const followUp = await t.request('POST', `/api/sessions/${s.id}/messages`, { as: s.trainer, body: { text: 'Thank you' } });
    expect(followUp.json.told).toBe(1);
    expect((await t.mails('trainer_message')).map((m) => m.to_email).sort()).toEqual([booked.email, booked.email, waiting.email].sort());
  });
});

describe('correcting a session after it', () => {
  it('stays possible: its title and attendance threshold can still be changed by its trainer', async () => {
    const s = await t.session({ ...TIMES });
    t.clock.set('2026-03-11T09:00:00.000Z');
    const res = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Understanding autism (part 1)', attendanceThreshold: 0.5 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ title: 'Understanding autism (part 1)', attendanceThreshold: 0.5 });
  });
});
