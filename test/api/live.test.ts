import { TokenVerifier } from 'livekit-server-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { startLiveKitStandIn, TEST_LK, type LiveKitStandIn } from '../livekit-standin.js';

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
const END = '2026-02-10T17:30:00.000Z';
const verifier = new TokenVerifier(TEST_LK.apiKey, TEST_LK.apiSecret);

async function bookedSession(input: Record<string, unknown> = {}) {
  const org = await t.org();
  const s = await t.session({ startsAt: START, endsAt: END, ...input });
  const staff = await t.user('staff', org.id, 'Priya Shah');
  const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
  expect(booked.json.status).toBe('confirmed');
  return { s, staff, bookingId: booked.json.id as string, org };
}

const join = (id: string, as: TestUser) => t.request('POST', `/api/sessions/${id}/join`, { as });

describe('joining the live room', () => {
  it('gives a confirmed webinar attendee a listen-and-chat token with a stable identity', async () => {
    const { s, staff, bookingId } = await bookedSession();
    t.clock.set('2026-02-10T15:50:00.000Z');
    const res = await join(s.id, staff);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ serverUrl: lk.url, room: `session-${s.id}`, identity: `user-${staff.id}`, role: 'attendee', canPublish: false });
    const claims = await verifier.verify(res.json.token);
    expect(claims.sub).toBe(`user-${staff.id}`);
    expect(claims.name).toBe('Priya Shah');
    expect(JSON.parse(claims.metadata!)).toEqual({ role: 'attendee', userId: staff.id, sessionId: s.id, bookingId });
    expect(claims.video).toMatchObject({ room: `session-${s.id}`, roomJoin: true, canSubscribe: true, canPublishData: true, canPublish: false });
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.exp! - claims.nbf!).toBe(600);
    // Joining twice gives the same identity (a reconnect is the same person).
    expect((await join(s.id, staff)).json.identity).toBe(`user-${staff.id}`);
  });

  it('gives the trainer room admin and publish rights, and creates the room with limits', async () => {
    const { s } = await bookedSession({ capacity: { online: 25 } });
    t.clock.set(START);
    const res = await join(s.id, s.trainer);
    expect(res.status).toBe(200);
    const claims = await verifier.verify(res.json.token);
    expect(claims.video).toMatchObject({ roomJoin: true, roomAdmin: true, canPublish: true, canPublishData: true, canSubscribe: true });
    expect(JSON.parse(claims.metadata!)).toMatchObject({ role: 'trainer', bookingId: null });
    const create = lk.calls.find((c) => c.method === 'CreateRoom')!;
    expect(create.body).toMatchObject({ name: `session-${s.id}`, maxParticipants: 26, emptyTimeout: 600 });
    expect(create.grants.video?.roomCreate).toBe(true);
  });

  it('lets everyone publish in a workshop', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const claims = await verifier.verify((await join(s.id, staff)).json.token);
    expect(claims.video?.canPublish).toBe(true);
  });

  it('opens 15 minutes before the start and closes at the end', async () => {
    const { s, staff } = await bookedSession();
    t.clock.set('2026-02-10T15:44:59.999Z');
    const early = await join(s.id, staff);
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({ code: 'join_window_closed', details: { opensAt: '2026-02-10T15:45:00.000Z', closesAt: END } });
    expect(early.json.error.message).toContain('2026-02-10T15:45:00.000Z');
    t.clock.set('2026-02-10T15:45:00.000Z');
    expect((await join(s.id, staff)).status).toBe(200);
    t.clock.set('2026-02-10T17:29:59.999Z');
    expect((await join(s.id, staff)).status).toBe(200);
    t.clock.set(END);
    const late = await join(s.id, staff);
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('join_window_closed');
    expect((await join(s.id, s.trainer)).status).toBe(409);
  });

  it('refuses people without a confirmed online seat, and other trainers', async () => {
    const org = await t.org();
    const s = await t.session({ mode: 'hybrid', venue: 'Main Hall', startsAt: START, endsAt: END, capacity: { inPerson: 5, online: 1 } });
    const [a, b, c, stranger] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: a, body: { seat: 'online' } });
    const waiting = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: b, body: { seat: 'online' } });
    expect(waiting.json.status).toBe('waitlisted');
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: c, body: { seat: 'in_person' } });
    t.clock.set(START);
    for (const u of [b, c, stranger, await t.user('trainer')]) {
      const res = await join(s.id, u);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('not_attendee');
    }
    expect((await join(s.id, a)).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/join`)).status).toBe(401);
  });

  it('tells the web client its role, rights and the join window before joining', async () => {
    const { s, staff } = await bookedSession();
    const status = await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff });
    expect(status.json).toEqual({
      configured: true,
      role: 'attendee',
      roomKind: 'webinar',
      opensAt: '2026-02-10T15:45:00.000Z',
      closesAt: END,
      open: false,
      canPublish: false,
      canCaption: false,
      room: `session-${s.id}`,
      identity: `user-${staff.id}`,
    });
    t.clock.set(START);
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: s.trainer })).json).toMatchObject({ role: 'trainer', open: true, canPublish: true, canCaption: true });
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: await t.user('staff', (await t.org()).id) })).json).toMatchObject({ role: null, canPublish: false });
    expect(lk.calls).toEqual([]);
  });

  it('says clearly that live video is not configured when LIVEKIT_* is unset', async () => {
    const bare = await makeTestContext();
    try {
      const s = await bare.session({ startsAt: START, endsAt: END });
      bare.clock.set(START);
      const res = await bare.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('livekit_not_configured');
      expect(res.json.error.message).toContain('LIVEKIT_URL');
      expect((await bare.request('GET', `/api/sessions/${s.id}/live`, { as: s.trainer })).json.configured).toBe(false);
      const hook = await bare.request('POST', '/api/livekit/webhook', { body: '{}', headers: { authorization: 'x' } });
      expect(hook.json.error.code).toBe('livekit_not_configured');
    } finally {
      await bare.close();
    }
  });
});

describe('room control by the trainer', () => {
  async function liveRoom(input: Record<string, unknown> = {}) {
    const ctx = await bookedSession(input);
    t.clock.set(START);
    expect((await join(ctx.s.id, ctx.s.trainer)).status).toBe(200);
    const room = `session-${ctx.s.id}`;
    lk.addParticipant(room, { sid: 'PA_staff', identity: `user-${ctx.staff.id}`, joinedAtMs: Date.parse(START), tracks: [{ sid: 'TR_mic' }] });
    return { ...ctx, room };
  }

  it('mutes a participant’s track and removes a participant', async () => {
    const { s, staff, room } = await liveRoom();
    const mute = await t.request('POST', `/api/sessions/${s.id}/live/mute`, { as: s.trainer, body: { identity: `user-${staff.id}`, trackSid: 'TR_mic' } });
    expect(mute.status).toBe(200);
    expect(lk.participants.get(room)![0]!.tracks![0]!.muted).toBe(true);
    const call = lk.calls.find((c) => c.method === 'MutePublishedTrack')!;
    expect(call.body).toMatchObject({ room, identity: `user-${staff.id}`, trackSid: 'TR_mic', muted: true });
    expect(call.grants.video).toMatchObject({ roomAdmin: true, room });

    const missing = await t.request('POST', `/api/sessions/${s.id}/live/mute`, { as: s.trainer, body: { identity: `user-${staff.id}`, trackSid: 'TR_none' } });
    expect(missing.status).toBe(404);

    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${staff.id}` } })).status).toBe(200);
    expect(lk.participants.get(room)).toEqual([]);
  });

  it('promotes a listener to speaker (and the next token keeps it), then demotes', async () => {
    const { s, staff, room } = await liveRoom();
    const promote = await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } });
    expect(promote.json).toEqual({ ok: true, applied: true });
    expect(lk.participants.get(room)![0]!.permission).toMatchObject({ canPublish: true, canSubscribe: true, canPublishData: true });
    expect((await verifier.verify((await join(s.id, staff)).json.token)).video?.canPublish).toBe(true);

    await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: false } });
    const perm = lk.participants.get(room)![0]!.permission!;
    // Protobuf JSON leaves out false values: canPublish is absent, i.e. false.
    expect(perm).toMatchObject({ canSubscribe: true, canPublishData: true });
    expect(perm.canPublish ?? false).toBe(false);
    expect(lk.calls.filter((c) => c.method === 'UpdateParticipant')).toHaveLength(2);
    expect((await verifier.verify((await join(s.id, staff)).json.token)).video?.canPublish).toBe(false);
  });

  it('keeps a speaker invitation for someone not connected just now', async () => {
    const { s, staff } = await bookedSession();
    t.clock.set(START);
    const res = await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } });
    expect(res.json).toEqual({ ok: true, applied: false });
    expect((await verifier.verify((await join(s.id, staff)).json.token)).video?.canPublish).toBe(true);
    const stranger = await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: 'user-00000000-0000-4000-8000-000000000000', speaker: true } });
    expect(stranger.status).toBe(404);
  });

  it('ends the session for everyone', async () => {
    const { s, room } = await liveRoom();
    expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer })).status).toBe(200);
    expect(lk.rooms.has(room)).toBe(false);
    expect(lk.calls.find((c) => c.method === 'DeleteRoom')!.body).toEqual({ room });
  });

  it('is for the session’s trainers only', async () => {
    const { s, staff } = await liveRoom();
    const before = lk.calls.length;
    for (const u of [staff, await t.user('trainer')]) {
      for (const [path, body] of [['mute', { identity: `user-${staff.id}`, trackSid: 'TR_mic' }], ['remove', { identity: `user-${staff.id}` }], ['speaker', { identity: `user-${staff.id}`, speaker: true }], ['end', undefined]] as const) {
        const res = await t.request('POST', `/api/sessions/${s.id}/live/${path}`, { as: u, body });
        expect(res.status).toBe(403);
      }
    }
    expect(lk.calls.length).toBe(before);
  });
});

describe('API document', () => {
  it('lists the live and attendance routes', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    for (const p of ['/api/sessions/{id}/join', '/api/livekit/webhook', '/api/sessions/{id}/checkin', '/api/sessions/{id}/attendance', '/api/sessions/{id}/attendance.csv', '/api/sessions/{id}/captions', '/api/sessions/{id}/transcript.vtt', '/api/me/completions']) {
      expect(Object.keys(doc.json.paths)).toContain(p);
    }
  });
});

describe('when LiveKit fails', () => {
  it('answers 503 livekit_unavailable and booking still works', async () => {
    const { s, staff } = await bookedSession();
    lk.setMode('fail');
    t.clock.set(START);
    const res = await join(s.id, staff);
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('livekit_unavailable');
    expect(res.json.error.message).toMatch(/live video service/i);
    const mute = await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer });
    expect(mute.json.error.code).toBe('livekit_unavailable');
    const other = await t.user('staff', (await t.org()).id);
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: { seat: 'online' } });
    expect(booked.status).toBe(201);
    expect(booked.json.status).toBe('confirmed');
  });

  it('gives up on a LiveKit that does not answer, within a few seconds', async () => {
    const { s, staff } = await bookedSession();
    lk.setMode('hang');
    t.clock.set(START);
    const started = Date.now();
    const res = await join(s.id, staff);
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('livekit_unavailable');
    expect(Date.now() - started).toBeLessThan(6000);
    const mine = await t.request('GET', '/api/me/bookings', { as: staff });
    expect(mine.json.items[0]).toMatchObject({ sessionId: s.id, status: 'confirmed' });
  }, 15_000);
});

describe('captions and the transcript', () => {
  it('keeps only final segments, replaced by segment id, as WebVTT timed from the start', async () => {
    const { s, staff } = await bookedSession({ title: 'Autism & <sensory> needs' });
    t.clock.set('2026-02-10T16:05:00.000Z');
    const cap = (body: Record<string, unknown>, as: TestUser = s.trainer) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body });
    expect((await cap({ segmentId: 'seg-1', text: 'Welcome ev', final: false, startedAt: '2026-02-10T16:00:02.000Z' })).status).toBe(200);
    const fin = await cap({ segmentId: 'seg-1', text: 'Welcome everyone --> & <b>hello</b>', final: true, endedAt: Date.parse('2026-02-10T16:00:05.500Z') });
    expect(fin.json).toMatchObject({ segmentId: 'seg-1', final: true, startedAt: '2026-02-10T16:00:02.000Z', speakerIdentity: `user-${s.trainer.id}`, speakerName: s.trainer.name });
    // A late interim never overwrites the final text.
    await cap({ segmentId: 'seg-1', text: 'Welc', final: false });
    await cap({ segmentId: 'seg-2', text: 'still speaking', final: false, startedAt: '2026-02-10T16:00:06.000Z' });

    const vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    expect(vtt.text).toBe(`WEBVTT - Autism &amp; &lt;sensory&gt; needs\n\n1\n00:00:02.000 --> 00:00:05.500\n<v ${s.trainer.name}>Welcome everyone --&gt; &amp; &lt;b&gt;hello&lt;/b&gt;</v>\n`);
    expect((await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: await t.user('staff', (await t.org()).id) })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: s.trainer })).status).toBe(200);
  });

  it('lets a webinar listener caption only once invited to speak, and only their own speech', async () => {
    const { s, staff } = await bookedSession();
    t.clock.set(START);
    const cap = (body: Record<string, unknown>) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: 'q1', text: 'A question', final: true, ...body } });
    expect((await cap({})).status).toBe(403);
    lk.addParticipant(`session-${s.id}`, { sid: 'PA_1', identity: `user-${staff.id}`, joinedAtMs: Date.parse(START) });
    await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } });
    const own = await cap({});
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ speakerIdentity: `user-${staff.id}`, speakerName: 'Priya Shah' });
    const other = await cap({ segmentId: 'q2', speakerIdentity: `user-${s.trainer.id}` });
    expect(other.status).toBe(403);
  });

  it('lets a booked captioner caption the trainer', async () => {
    const { s, staff } = await bookedSession();
    await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', staff.id).execute();
    t.clock.set(START);
    const res = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: 'c1', text: 'Good afternoon', final: true, speakerIdentity: `user-${s.trainer.id}` } });
    expect(res.status).toBe(200);
    expect(res.json.speakerName).toBe(s.trainer.name);
    const vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.text).toContain(`<v ${s.trainer.name}>Good afternoon</v>`);
  });

  it('lets workshop attendees caption their own speech', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const res = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: 'w1', text: 'My view', final: true } });
    expect(res.status).toBe(200);
    expect(res.json.speakerIdentity).toBe(`user-${staff.id}`);
  });
});
