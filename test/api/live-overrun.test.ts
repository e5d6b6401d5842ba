/**
 * A session that runs over, and a trainer's control aimed at someone who has just left: the
 * live room as real LiveKit runs it. Nothing closes the room at the end and LiveKit keeps
 * refreshing its connected clients' tokens, so people can still be in it when the outcome
 * job (end + 15 minutes) records their bookings attended or absent; and LiveKit's
 * MutePublishedTrack fails as "unavailable" for a participant no longer there.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, type LiveKitStandIn } from '../livekit-standin.js';

let t: TestContext;
let lk: LiveKitStandIn;
beforeEach(async () => {
  lk = await startLiveKitStandIn();
  t = await makeTestContext({ config: { livekit: lk.config } });
});
afterEach(async () => {
  // Every call the app made carried a valid token with the grant its method needs.
  expect(lk.rejected).toEqual([]);
  await t.close();
  await lk.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z'; // 90 minutes
const at = (hhmm: string) => `2026-02-10T${hhmm}:00.000Z`;
const secs = (iso: string) => BigInt(Math.floor(Date.parse(iso) / 1000));

/** A webinar with two online attendees in its room: Priya from the start, Sam only for its last ten minutes. */
async function overrunningRoom() {
  const org = await t.org();
  const s = await t.session({ startsAt: START, endsAt: END });
  const priya = await t.user('staff', org.id, 'Priya Shah');
  const sam = await t.user('staff', org.id, 'Sam Okafor');
  const bookings: Record<string, string> = {};
  for (const u of [priya, sam]) {
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } });
    expect(b.json.status).toBe('confirmed');
    bookings[u.id] = b.json.id;
  }
  const room = `session-${s.id}`;
  t.clock.set(START);
  expect((await t.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer })).status).toBe(200);
  const roomSid = lk.rooms.get(room)!.sid;
  const hook = async (id: string, event: 'participant_joined' | 'participant_left', when: string, u: TestUser, sid: string, joinedAt: string) => {
    const { body, headers } = await signedWebhook({ id, event, createdAt: secs(when), room: new Room({ sid: roomSid, name: room }), participant: new ParticipantInfo({ sid, identity: `user-${u.id}`, name: u.name, joinedAt: secs(joinedAt), joinedAtMs: BigInt(Date.parse(joinedAt)) }) });
    const res = await t.request('POST', '/api/livekit/webhook', { body, headers });
    expect(res.status).toBe(200);
  };
  const enter = async (u: TestUser, sid: string, when: string) => {
    lk.addParticipant(room, { sid, identity: `user-${u.id}`, name: u.name, joinedAtMs: Date.parse(when), tracks: [{ sid: `TR_${sid}` }] });
    await hook(`EV_in_${sid}`, 'participant_joined', when, u, sid, when);
  };
  await enter(priya, 'PA_priya1', START);
  await enter(sam, 'PA_sam', at('17:20'));
  lk.addParticipant(room, { sid: 'PA_trainer', identity: `user-${s.trainer.id}`, joinedAtMs: Date.parse(START) });
  // The trainer runs over; the outcome job runs at 17:46, with everyone still in the room.
  t.clock.set(at('17:46'));
  expect(await recordAttendanceOutcomes(t.deps)).toBe(2);
  return { s, priya, sam, bookings, room, hook };
}

async function attendance(sessionId: string, as: TestUser) {
  const res = await t.request('GET', `/api/sessions/${sessionId}/attendance`, { as });
  expect(res.status).toBe(200);
  return Object.fromEntries(res.json.items.map((r: { bookingId: string; minutes: number; attended: boolean; status: string }) => [r.bookingId, { minutes: r.minutes, attended: r.attended, status: r.status }]));
}

describe('a session that runs over its end', () => {
  it('keeps its attendees its people after the outcome is written: hands, invitations to speak and reconnects work, and their minutes stay as recorded', async () => {
    const { s, priya, sam, bookings, room, hook } = await overrunningRoom();
    const recorded = { [bookings[priya.id]!]: { minutes: 90, attended: true, status: 'attended' }, [bookings[sam.id]!]: { minutes: 10, attended: false, status: 'absent' } };
    expect(await attendance(s.id, s.trainer)).toEqual(recorded);
    const inRoom = (u: TestUser) => lk.participants.get(room)!.find((p) => p.identity === `user-${u.id}`);

    // Recorded attended and recorded absent alike may raise a hand.
    for (const u of [priya, sam]) {
      const hand = await t.request('POST', `/api/sessions/${s.id}/live/hand`, { as: u, body: { raised: true } });
      expect(hand.status, u.name).toBe(200);
      expect(inRoom(u)!.attributes).toMatchObject({ 'send.hand_raised_at': at('17:46') });
    }
    const speak = await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${priya.id}`, speaker: true } });
    expect(speak.status).toBe(200);
    expect(speak.json).toEqual({ ok: true, applied: true });
    expect(inRoom(priya)!.permission).toMatchObject({ canPublish: true });

    // A network blip: a full reconnect (LiveKit's refreshed token, a new participant sid) is reported as a join.
    t.clock.set(at('17:47'));
    lk.dropParticipant(room, 'PA_priya1');
    await hook('EV_out_priya1', 'participant_left', at('17:47'), priya, 'PA_priya1', START);
    lk.addParticipant(room, { sid: 'PA_priya2', identity: `user-${priya.id}`, name: priya.name, joinedAtMs: Date.parse(at('17:47')), permission: { canSubscribe: true, canPublish: true, canPublishData: true } });
    await hook('EV_in_priya2', 'participant_joined', at('17:47'), priya, 'PA_priya2', at('17:47'));
    expect(lk.calls.filter((c) => c.method === 'RemoveParticipant')).toEqual([]);
    expect(inRoom(priya)?.sid).toBe('PA_priya2');

    // Someone with no place is still put out, overrun or not.
    const stranger = await t.user('staff', (await t.org()).id, 'Lee Stranger');
    lk.addParticipant(room, { sid: 'PA_stranger', identity: `user-${stranger.id}`, joinedAtMs: Date.parse(at('17:47')) });
    await hook('EV_in_stranger', 'participant_joined', at('17:47'), stranger, 'PA_stranger', at('17:47'));
    expect(lk.calls.filter((c) => c.method === 'RemoveParticipant').map((c) => c.body.identity)).toEqual([`user-${stranger.id}`]);
    expect(inRoom(stranger)).toBeUndefined();

    // Time in the room after the session's end is not time at the session: leaving at 17:52
    // (every late webhook writing the outcomes again) changes no one's minutes or outcome.
    t.clock.set(at('17:52'));
    await hook('EV_out_priya2', 'participant_left', at('17:52'), priya, 'PA_priya2', at('17:47'));
    await hook('EV_out_sam', 'participant_left', at('17:52'), sam, 'PA_sam', at('17:20'));
    expect(await attendance(s.id, s.trainer)).toEqual(recorded);
    const statuses = await t.db.selectFrom('bookings').select(['id', 'status']).where('session_id', '=', s.id).execute();
    expect(Object.fromEntries(statuses.map((b) => [b.id, b.status]))).toEqual({ [bookings[priya.id]!]: 'attended', [bookings[sam.id]!]: 'absent' });
  });

  it('saves captions while LiveKit still runs the room, lets no one join anew, and stops when the room closes', async () => {
    const { s, priya, room } = await overrunningRoom();
    // The trainer's browser stores the speech-to-text agent's lines under the speaker's name.
    const caption = (segmentId: string, text: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body: { segmentId, text, final: true, speakerIdentity: `user-${priya.id}` } });
    t.clock.set(at('17:48'));
    expect((await caption('SG_over', 'One last question about sensory breaks')).status).toBe(200);
    // LiveKit is asked once for the captions of the next ten seconds, not once a caption.
    const asked = () => lk.calls.filter((c) => c.method === 'ListRooms').length;
    const before = asked();
    t.clock.advance(5_000);
    expect((await caption('SG_over2', 'And one about ear defenders')).status).toBe(200);
    expect(asked()).toBe(before);

    // The join window closed at the end: no new token, no presence report, for anyone with a place.
    const join = await t.request('POST', `/api/sessions/${s.id}/join`, { as: priya });
    expect(join.status).toBe(409);
    expect(join.json.error).toMatchObject({ code: 'join_window_closed', message: 'This session has ended, so its live room is closed.' });
    expect((await t.request('POST', `/api/sessions/${s.id}/presence`, { as: priya, body: { event: 'heartbeat' } })).json.error.code).toBe('join_window_closed');

    // Everyone gone, LiveKit closes the room: a line arriving after that is refused.
    lk.rooms.delete(room);
    lk.participants.delete(room);
    t.clock.set(at('17:55'));
    const late = await caption('SG_after', 'Said after the room closed');
    expect(late.status).toBe(409);
    expect(late.json.error.message).toBe('This session has ended: captions are saved only while its live room can be open.');
    const vtt = (await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: priya })).text;
    expect(vtt).toContain('<v Priya Shah>One last question about sensory breaks</v>');
    expect(vtt).not.toContain('Said after the room closed');
  });
});

describe('muting someone who has just left', () => {
  async function liveRoom() {
    const org = await t.org();
    const s = await t.session({ startsAt: START, endsAt: END });
    const staff = await t.user('staff', org.id, 'Priya Shah');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.status).toBe('confirmed');
    t.clock.set(START);
    expect((await t.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer })).status).toBe(200);
    const room = `session-${s.id}`;
    lk.addParticipant(room, { sid: 'PA_staff', identity: `user-${staff.id}`, joinedAtMs: Date.parse(START), tracks: [{ sid: 'TR_mic' }] });
    const mute = () => t.request('POST', `/api/sessions/${s.id}/live/mute`, { as: s.trainer, body: { identity: `user-${staff.id}`, trackSid: 'TR_mic' } });
    return { s, staff, room, mute };
  }

  it('tells the trainer they have left, not that the live video service is down', async () => {
    const { room, mute } = await liveRoom();
    lk.dropParticipant(room, 'PA_staff');
    const res = await mute();
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual({ code: 'not_found', message: 'They have left the room, so there is nothing to mute.' });
    // LiveKit was asked to mute (and could not answer), then whether they are there.
    expect(lk.calls.map((c) => c.method).slice(-2)).toEqual(['MutePublishedTrack', 'GetParticipant']);
  });

  it('still says the service did not answer when LiveKit is down, or cannot mute someone who is there', async () => {
    const { mute } = await liveRoom();
    lk.setMode('fail');
    const down = await mute();
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('livekit_unavailable');
    expect(down.json.error.message).toMatch(/^The live video service did not answer/);
    // Only the mute fails; they are in the room.
    lk.setMode('fail', ['MutePublishedTrack']);
    const stuck = await mute();
    expect(stuck.status).toBe(503);
    expect(stuck.json.error.code).toBe('livekit_unavailable');
    expect(lk.calls.map((c) => c.method).slice(-2)).toEqual(['MutePublishedTrack', 'GetParticipant']);
  });
});
