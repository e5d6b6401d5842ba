/**
 * Attendance at the edges: a session moved after its outcome was recorded, a threshold
 * changed afterwards, presence exactly at the threshold, and someone a trainer removed from
 * the room who keeps reporting presence from their browser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { summarise } from '../../server/attendance/compute.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, type LiveKitStandIn } from '../livekit-standin.js';

let t: TestContext;
let lk: LiveKitStandIn;
beforeEach(async () => {
  lk = await startLiveKitStandIn();
  t = await makeTestContext({ config: { livekit: lk.config } });
});
afterEach(async () => {
  await t.close();
  await lk.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z';
const at = (hhmm: string) => `2026-02-10T${hhmm}:00.000Z`;
const secs = (iso: string) => BigInt(Math.floor(Date.parse(iso) / 1000));

async function hook(sessionId: string, id: string, event: 'participant_joined' | 'participant_left', user: TestUser, sid: string, joined: string, when: string) {
  const signed = await signedWebhook({
    id,
    event,
    createdAt: secs(when),
    room: new Room({ sid: `RM_${sessionId}`, name: `session-${sessionId}` }),
    participant: new ParticipantInfo({ sid, identity: `user-${user.id}`, joinedAtMs: BigInt(Date.parse(joined)) }),
  });
  expect((await t.request('POST', '/api/livekit/webhook', { body: signed.body, headers: signed.headers })).status).toBe(200);
}
const statusOf = async (bookingId: string) => (await t.db.selectFrom('bookings').select('status').where('id', '=', bookingId).executeTakeFirstOrThrow()).status;
const rowOf = async (sessionId: string, as: TestUser, bookingId: string) => ((await t.request('GET', `/api/sessions/${sessionId}/attendance`, { as })).json.items as { bookingId: string; minutes: number; attended: boolean; status: string }[]).find((r) => r.bookingId === bookingId)!;

describe('a session changed after its outcome was recorded', () => {
  it('moved to a later date: everyone is booked again, told, can join and check in, and is recorded on the new date', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'hybrid', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 5 } });
    const inPerson = await t.user('staff', org.id);
    const online = await t.user('staff', org.id);
    const bIn = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: inPerson, body: { seat: 'in_person' } })).json.id;
    const bOn = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: online, body: { seat: 'online' } })).json.id;
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect([await statusOf(bIn), await statusOf(bOn)]).toEqual(['absent', 'absent']);

    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-17T16:00:00.000Z', endsAt: '2026-02-17T17:30:00.000Z' } });
    expect(moved.status).toBe(200);
    expect([await statusOf(bIn), await statusOf(bOn)]).toEqual(['confirmed', 'confirmed']);
    const told = await t.mails('session_changed');
    expect(told.map((m) => m.user_id).sort()).toEqual([inPerson.id, online.id].sort());

    t.clock.set('2026-02-17T16:00:00.000Z');
    expect((await t.request('POST', `/api/sessions/${s.id}/join`, { as: online })).status).toBe(200);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: inPerson, body: { code } })).status).toBe(200);
    t.clock.set('2026-02-17T18:00:00.000Z');
    await runJobsOnce(t.deps, null);
    expect(await statusOf(bIn)).toBe('attended');
    expect(await statusOf(bOn)).toBe('absent'); // joined, but LiveKit never reported them present
  });

  it('moved to a later date: someone whose account was turned off since is not booked again, told, nor given a seat; the seat goes to whoever waits', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const s = await t.session({ startsAt: START, endsAt: END, capacity: { online: 1 } });
    const [leaver, waiting] = [await t.user('staff', org.id, 'Lee Leaver'), await t.user('staff', org.id, 'Wyn Waiting')];
    const gone = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: leaver, body: { seat: 'online' } })).json.id;
    const queued = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: waiting, body: { seat: 'online' } })).json;
    expect(queued.status).toBe('waitlisted');
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect(await statusOf(gone)).toBe('absent');
    expect((await t.request('PATCH', `/api/users/${leaver.id}`, { as: office, body: { disabled: true } })).status).toBe(200);
    const mailsOfLeaver = async () => (await t.db.selectFrom('outbox').select('id').where('user_id', '=', leaver.id).execute()).length;
    const before = await mailsOfLeaver();

    const moved = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: '2026-02-17T16:00:00.000Z', endsAt: '2026-02-17T17:30:00.000Z' } });
    expect(moved.status).toBe(200);
    expect(await statusOf(gone)).toBe('cancelled');
    expect(await mailsOfLeaver()).toBe(before);
    // The seat is the waiting person's, and the stored counts agree.
    expect(await statusOf(queued.id)).toBe('confirmed');
    expect(moved.json.seats.online).toMatchObject({ confirmed: 1, waitlisted: 0 });
  });

  it('a lower threshold set after the outcome records it again: the register, the booking and the certificate agree', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const staff = await t.user('staff', org.id);
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.id;
    await hook(s.id, '1', 'participant_joined', staff, 'PA_1', at('16:00'), at('16:00'));
    await hook(s.id, '2', 'participant_left', staff, 'PA_1', at('16:00'), at('16:50')); // 50 of 90 minutes
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect(await statusOf(bookingId)).toBe('absent');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { attendanceThreshold: 0.5 } })).status).toBe(200);
    const row = await rowOf(s.id, s.trainer, bookingId);
    expect([row.minutes, row.attended]).toEqual([50, true]);
    expect(await statusOf(bookingId)).toBe('attended');
    expect((await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: staff })).status).toBe(200);
  });
});

describe('a moved session is recorded from what happens at its new times', () => {
  const NEXT = { startsAt: '2026-02-17T16:00:00.000Z', endsAt: '2026-02-17T17:30:00.000Z' };
  const overridesOf = async (sessionId: string) => t.db.selectFrom('attendance_overrides').select('booking_id').where('session_id', '=', sessionId).execute();
  const intervalsOf = async (sessionId: string) => t.db.selectFrom('presence_intervals').select(['source', 'user_id']).where('session_id', '=', sessionId).execute();
  const tick = async (s: { id: string; trainer: TestUser }, bookingId: string, attended: boolean) =>
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended } })).status).toBe(200);

  it('a room ended for everyone at the old times opens again for the new ones; someone removed from it stays out', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const [staff, removed] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    for (const u of [staff, removed]) await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } });
    t.clock.set(at('16:10'));
    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${removed.id}` } })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer, body: {} })).status).toBeLessThan(300);
    // The trainer moves it to next week instead.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: NEXT })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.ended).toBe(false);
    t.clock.set(NEXT.startsAt);
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: staff, body: { event: 'join' } })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: removed, body: { event: 'join' } })).json.error?.code).toBe('removed_from_room');
  });

  it('a session someone attended cannot be moved to times not yet begun (that would clear the record of their training), and nothing changes; once the register says no one came, it can, and its old ticks are cleared', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 0 } });
    const tickedIn = await t.user('staff', org.id);
    const tickedOut = await t.user('staff', org.id);
    const bIn = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: tickedIn, body: { seat: 'in_person' } })).json.id;
    const bOut = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: tickedOut, body: { seat: 'in_person' } })).json.id;
    t.clock.set(at('17:40')); // the trainer keeps the register just after the session
    await tick(s, bIn, true);
    await tick(s, bOut, false);
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect([await statusOf(bIn), await statusOf(bOut)]).toEqual(['attended', 'absent']);

    const refused = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: NEXT });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toBe('1 person attended this session, so it cannot be moved to times that have not begun: that would clear the record of their training. Correct its times within the past, or publish a new session for the new date.');
    expect([await statusOf(bIn), await statusOf(bOut)]).toEqual(['attended', 'absent']);
    expect(await overridesOf(s.id)).toHaveLength(2);
    expect(await t.mails('session_changed')).toEqual([]);

    // The register was wrong: no one came. Now it is moved, and the old ticks go with the old date.
    await tick(s, bIn, false);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: NEXT })).status).toBe(200);
    expect([await statusOf(bIn), await statusOf(bOut)]).toEqual(['confirmed', 'confirmed']);
    // On the new date the one first ticked present stays away, the one ticked absent checks in.
    t.clock.set(NEXT.startsAt);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: tickedOut, body: { code } })).status).toBe(200);
    t.clock.set('2026-02-17T18:00:00.000Z');
    await runJobsOnce(t.deps, null);
    expect([await statusOf(bIn), await statusOf(bOut)]).toEqual(['absent', 'attended']);
    expect(await overridesOf(s.id)).toEqual([]);
    const report = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: s.trainer })).json.items as { bookingId: string; override: unknown; source: string }[];
    expect(report.map((r) => [r.bookingId, r.override, r.source]).sort()).toEqual([[bIn, null, 'none'], [bOut, null, 'checkin']].sort());
  });

  it('presence recorded on the old date (a check-in, a LiveKit connection never closed) is the record of their training: moving the session to a later date is refused and keeps it', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'hybrid', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 5 } });
    const inPerson = await t.user('staff', org.id);
    const online = await t.user('staff', org.id);
    const bIn = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: inPerson, body: { seat: 'in_person' } })).json.id;
    const bOn = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: online, body: { seat: 'online' } })).json.id;
    t.clock.set(START);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: inPerson, body: { code } })).status).toBe(200);
    await hook(s.id, 'j1', 'participant_joined', online, 'PA_old', START, START); // its leave never reached us
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect(await statusOf(bIn)).toBe('attended');
    const before = await intervalsOf(s.id);
    expect(before.length).toBeGreaterThan(0);

    const refused = await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: NEXT });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/^2 people attended this session, so it cannot be moved to times that have not begun/);
    expect(await statusOf(bIn)).toBe('attended');
    expect(await intervalsOf(s.id)).toEqual(before);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.startsAt).toBe(START);
  });

  it('captions said at the old times are not in the moved session’s transcript', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END, roomKind: 'workshop' });
    const staff = await t.user('staff', org.id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).status).toBe(201);
    t.clock.set(at('16:05'));
    const said = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body: { segmentId: 'old-1', text: 'Said on the old date', final: true } });
    expect(said.status).toBe(200);
    t.clock.set(at('16:10'));
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: NEXT })).status).toBe(200);
    t.clock.set('2026-02-17T16:05:00.000Z');
    expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body: { segmentId: 'new-1', text: 'Said on the new date', final: true } })).status).toBe(200);
    const vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.status).toBe(200);
    expect(vtt.text).not.toContain('Said on the old date');
    expect(vtt.text).toContain('Said on the new date');
  });

  it('times changed while the session is still ahead clear register entries; an edit that leaves the times keeps them', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const staff = await t.user('staff', org.id);
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.id;
    // The register opens with check-in (15:45): ticked early, ten minutes before the start.
    t.clock.set(at('15:50'));
    await tick(s, bookingId, true);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { title: 'Renamed' } })).status).toBe(200);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { attendanceThreshold: 0.6 } })).status).toBe(200);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: START, endsAt: END } })).status).toBe(200);
    expect(await overridesOf(s.id)).toEqual([{ booking_id: bookingId }]);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: NEXT })).status).toBe(200);
    expect(await overridesOf(s.id)).toEqual([]);
    expect((await rowOf(s.id, s.trainer, bookingId)).attended).toBe(false);
  });

  it('a start put back within the same sitting ("we start at ten past") keeps the check-ins and ticks of those already there', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 0 } });
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const ba = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: { seat: 'in_person' } })).json.id;
    const bb = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: { seat: 'in_person' } })).json.id;
    t.clock.set(at('15:50'));
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: a, body: { code } })).status).toBe(200);
    await tick(s, bb, true);
    t.clock.set(at('15:55'));
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: at('16:10'), endsAt: at('17:40') } })).status).toBe(200);
    expect(await overridesOf(s.id)).toEqual([{ booking_id: bb }]);
    expect((await intervalsOf(s.id)).map((i) => i.source)).toEqual(['checkin']);
    t.clock.set(at('18:00'));
    await runJobsOnce(t.deps, null);
    expect([await statusOf(ba), await statusOf(bb)]).toEqual(['attended', 'attended']);
    expect((await rowOf(s.id, s.trainer, ba)).minutes).toBe(90);
  });

  it('a session under way that is made to end later keeps its register and presence: it is the same occurrence', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 0 } });
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const ba = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: { seat: 'in_person' } })).json.id;
    const bb = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: { seat: 'in_person' } })).json.id;
    t.clock.set(at('16:05'));
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: a, body: { code } })).status).toBe(200);
    await tick(s, bb, true);
    t.clock.set(at('17:00'));
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { endsAt: at('18:00') } })).status).toBe(200);
    expect(await overridesOf(s.id)).toEqual([{ booking_id: bb }]);
    expect((await intervalsOf(s.id)).map((i) => i.source)).toEqual(['checkin']);
    t.clock.set(at('18:20'));
    await runJobsOnce(t.deps, null);
    expect([await statusOf(ba), await statusOf(bb)]).toEqual(['attended', 'attended']);
  });
});

describe('between a session’s end and its outcome being written', () => {
  const mailsTo = async (kind: string, userId: string) => (await t.mails(kind)).filter((m) => m.user_id === userId);

  it('a session someone checked in to cannot be cancelled once it has ended, before the outcome job has run', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 0 } });
    const ann = await t.user('staff', org.id, 'Ann Jones');
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: { seat: 'in_person' } })).json.id;
    t.clock.set(START);
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: ann, body: { code } })).status).toBe(200);
    t.clock.set(at('17:35')); // ended; the outcome is written at 17:45
    expect(await rowOf(s.id, s.trainer, bookingId)).toMatchObject({ attended: true, minutes: 90 });
    const cancel = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Entered twice' } });
    expect(cancel.status).toBe(409);
    expect(cancel.json.error).toMatchObject({ code: 'conflict' });
    expect(cancel.json.error.message).toMatch(/1 person attended this session/);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.status).toBe('scheduled');
    expect(await statusOf(bookingId)).toBe('confirmed');
    expect(await mailsTo('session_cancelled', ann.id)).toHaveLength(0);
    // The outcome is then written as usual: her record of the training stands.
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect(await statusOf(bookingId)).toBe('attended');
    expect((await t.request('GET', '/api/me/completions', { as: ann })).json.items.map((c: { bookingId: string }) => c.bookingId)).toEqual([bookingId]);
    expect((await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: ann })).status).toBe(200);
  });

  it('a trainer cannot take someone off a session that has ended, as its owner cannot cancel it; a queue place can still go', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END, capacity: { online: 1 } });
    const [ann, wes] = [await t.user('staff', org.id, 'Ann Jones'), await t.user('staff', org.id, 'Wes Lee')];
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: { seat: 'online' } })).json.id;
    const waiting = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: wes, body: { seat: 'online' } })).json;
    expect(waiting.status).toBe('waitlisted');
    t.clock.set(at('17:35'));
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended: true, minutes: 90 } })).status).toBe(200);
    const owner = await t.request('DELETE', `/api/bookings/${bookingId}`, { as: ann });
    expect(owner.status).toBe(409);
    expect(owner.json.error.message).toBe('This session has ended, so its booking can no longer be cancelled; attendance is recorded instead.');
    const removed = await t.request('POST', `/api/bookings/${bookingId}/remove`, { as: s.trainer, body: { reason: 'Booked in error' } });
    expect(removed.status).toBe(409);
    expect(removed.json.error).toMatchObject({ code: 'conflict', message: 'This session has ended, so its booking can no longer be removed; attendance is recorded instead.' });
    expect(await statusOf(bookingId)).toBe('confirmed');
    expect(await mailsTo('removed', ann.id)).toHaveLength(0);
    // The register's tick is attendance: the session cannot be cancelled either.
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(409);
    // Someone only waiting had no seat to use: their place can still go.
    expect((await t.request('POST', `/api/bookings/${waiting.id}/remove`, { as: s.trainer, body: { reason: 'Session over' } })).status).toBe(200);
    expect(await statusOf(waiting.id)).toBe('cancelled');
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect(await statusOf(bookingId)).toBe('attended');
  });

  it('a trainer cannot move a place to the other room once the session has ended (the page offers none): 409, the seat and the person’s email unchanged', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'hybrid', venue: 'Hall', startsAt: START, endsAt: END, capacity: { inPerson: 2, online: 2 } });
    const ann = await t.user('staff', org.id, 'Ann Jones');
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: { seat: 'in_person' } })).json.id;
    // While it runs a move is still allowed (someone who could not come in joins online).
    t.clock.set(at('16:30'));
    expect((await t.request('POST', `/api/bookings/${bookingId}/seat`, { as: s.trainer, body: { seat: 'online' } })).status).toBe(200);
    t.clock.set(at('17:35'));
    const moved = await t.request('POST', `/api/bookings/${bookingId}/seat`, { as: s.trainer, body: { seat: 'in_person' } });
    expect(moved.status).toBe(409);
    expect(moved.json.error).toMatchObject({ code: 'conflict', message: 'This session has ended, so its places can no longer be moved; attendance is recorded instead.' });
    expect((await t.request('GET', `/api/bookings/${bookingId}`, { as: ann })).json).toMatchObject({ seat: 'online', status: 'confirmed' });
    expect(await mailsTo('seat_changed', ann.id)).toHaveLength(1);
  });

  it('a session not yet started can be cancelled even with someone ticked on its register early', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END, capacity: { online: 5 } });
    const ann = await t.user('staff', org.id);
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: { seat: 'online' } })).json.id;
    t.clock.set(at('15:50'));
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended: true } })).status).toBe(200);
    const cancel = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Trainer ill' } });
    expect(cancel.status, cancel.text).toBe(200);
    expect(await statusOf(bookingId)).toBe('cancelled');
    expect(await mailsTo('session_cancelled', ann.id)).toHaveLength(1);
  });

  it('a session nobody attended can still be cancelled after its end: everyone booked is told', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'in_person', venue: 'Hall A', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 0 } });
    const [ann, ben] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const bookings = [];
    for (const u of [ann, ben]) bookings.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'in_person' } })).json.id as string);
    t.clock.set(at('16:20'));
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: s.trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: ann, body: { code } })).status).toBe(200);
    // Ann is then ticked absent (she left at once); Ben never came.
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookings[0]}`, { as: s.trainer, body: { attended: false } })).status).toBe(200);
    t.clock.set(at('17:35'));
    const cancel = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'Trainer ill' } });
    expect(cancel.status).toBe(200);
    expect(cancel.json).toMatchObject({ status: 'cancelled', told: 2 });
    expect([await statusOf(bookings[0]!), await statusOf(bookings[1]!)]).toEqual(['cancelled', 'cancelled']);
    for (const u of [ann, ben]) expect(await mailsTo('session_cancelled', u.id)).toHaveLength(1);
  });
});

describe('the threshold', () => {
  it('presence of exactly the threshold’s share attends, whatever floating point makes of the share', () => {
    const M = 60_000;
    // 0.55 of an hour is 1980000.0000000002 ms in floating point.
    expect(summarise([{ start: 0, end: 33 * M }], { startMs: 0, endMs: 60 * M, threshold: 0.55 }).attended).toBe(true);
    for (const threshold of [0.07, 0.14, 0.17, 0.28, 0.34, 0.54, 0.55, 0.56, 0.67, 0.68, 0.81]) {
      for (const minutes of [60, 90, 100, 120, 180]) {
        const need = Math.round(threshold * minutes * M);
        const w = { startMs: 0, endMs: minutes * M, threshold };
        expect(summarise([{ start: 0, end: need }], w).attended, `${threshold} of ${minutes} min`).toBe(true);
        expect(summarise([{ start: 0, end: need - 1 }], w).attended, `${threshold} of ${minutes} min, 1 ms short`).toBe(false);
      }
    }
  });
});

describe('someone kept out of the room', () => {
  it('a person a trainer removed is not credited from their browser’s presence reports', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const removed = await t.user('staff', org.id);
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: removed, body: { seat: 'online' } })).json.id;
    t.clock.set(START);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${removed.id}` } })).status).toBe(200);
    const beat = await t.request('POST', `/api/sessions/${s.id}/presence`, { as: removed, body: { event: 'heartbeat' } });
    expect(beat.status).toBe(403);
    expect(beat.json.error.code).toBe('removed_from_room');
    // Leaving is still taken: it can only end presence.
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: removed, body: { event: 'leave' } })).status).toBe(204);
    t.clock.set(at('17:46'));
    await runJobsOnce(t.deps, null);
    expect((await rowOf(s.id, s.trainer, bookingId)).attended).toBe(false);
    expect(await statusOf(bookingId)).toBe('absent');
  });

  it('after “End for everyone”, presence reports of attendees are refused', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const staff = await t.user('staff', org.id);
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
    t.clock.set(at('16:10'));
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: staff, body: { event: 'join' } })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer, body: {} })).status).toBeLessThan(300);
    const beat = await t.request('POST', `/api/sessions/${s.id}/presence`, { as: staff, body: { event: 'heartbeat' } });
    expect(beat.json.error?.code).toBe('room_ended');
  });
});

describe('a late webhook of the sitting a session was moved from', () => {
  const NEW_START = '2026-02-17T16:00:00.000Z';
  const NEW_END = '2026-02-17T17:30:00.000Z';
  /** Browser heartbeats every 2 minutes (under the 3-minute gap) from the new start to the new end. */
  async function beatThrough(sessionId: string, as: TestUser) {
    t.clock.set(NEW_START);
    expect((await t.request('POST', `/api/sessions/${sessionId}/presence`, { as, body: { event: 'join' } })).status).toBe(204);
    while (t.clock.now().getTime() + 2 * 60_000 < Date.parse(NEW_END)) {
      t.clock.advance(2 * 60_000);
      expect((await t.request('POST', `/api/sessions/${sessionId}/presence`, { as, body: { event: 'heartbeat' } })).status).toBe(204);
    }
  }

  it('does not make LiveKit look present on the new date: browser reports there still count when LiveKit reports nothing', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const staff = await t.user('staff', org.id);
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.id;
    t.clock.set(START);
    await hook(s.id, 'j-old', 'participant_joined', staff, 'PA_old', START, START);
    // At 16:20 the trainer moves the session to next week (presence so far is cleared).
    t.clock.set(at('16:20'));
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: NEW_START, endsAt: NEW_END } })).status).toBe(200);
    // LiveKit's retry of the old sitting's participant_left arrives after the move.
    t.clock.set(at('16:40'));
    await hook(s.id, 'l-old', 'participant_left', staff, 'PA_old', START, at('16:19'));
    // On the new date LiveKit's webhooks never reach us; the browser reports the whole session.
    await beatThrough(s.id, staff);
    t.clock.set('2026-02-17T18:00:00.000Z');
    await runJobsOnce(t.deps, null);
    const row = await rowOf(s.id, s.trainer, bookingId);
    expect(row).toMatchObject({ attended: true, minutes: 88 });
    expect(await statusOf(bookingId)).toBe('attended');
  });

  it('a late participant_joined of the old sitting credits no one with the new sitting’s time', async () => {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const staff = await t.user('staff', org.id);
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.id;
    t.clock.set(at('16:20'));
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { startsAt: NEW_START, endsAt: NEW_END } })).status).toBe(200);
    // The old sitting's join (its leave lost) arrives only after the move.
    t.clock.set(at('16:40'));
    await hook(s.id, 'j-old', 'participant_joined', staff, 'PA_old', START, START);
    t.clock.set('2026-02-17T18:00:00.000Z');
    await runJobsOnce(t.deps, null);
    expect(await rowOf(s.id, s.trainer, bookingId)).toMatchObject({ attended: false, minutes: 0 });
    expect(await statusOf(bookingId)).toBe('absent');
  });
});
