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
