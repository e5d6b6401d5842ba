import { TokenVerifier } from 'livekit-server-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEARTBEAT_GAP_MS, HEARTBEAT_INTERVAL_MS } from '../../shared/live.js';
import { MAX_AUTHOR_CAPTION_SEGMENTS, MAX_CAPTION_CHARS, MAX_CAPTION_SEGMENTS, MAX_OTHERS_CAPTION_SEGMENTS } from '../../server/live/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, TEST_LK, type LiveKitStandIn } from '../livekit-standin.js';

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

const at = (hhmm: string) => `2026-02-10T${hhmm}:00.000Z`;
const join = (id: string, as: TestUser) => t.request('POST', `/api/sessions/${id}/join`, { as });

describe('joining the live room', () => {
  it('gives a token near the end only until the end (a minute at least), not ten minutes past it', async () => {
    const { s, staff } = await bookedSession();
    const end = Date.parse(END);
    t.clock.set(new Date(end - 2 * 60_000).toISOString());
    const near = await join(s.id, staff);
    expect(near.json.expiresAt).toBe(END);
    const claims = await verifier.verify(near.json.token);
    expect(claims.exp! - claims.nbf!).toBe(120);
    t.clock.set(new Date(end - 10_000).toISOString());
    const last = await join(s.id, staff);
    expect(Date.parse(last.json.expiresAt) - (end - 10_000)).toBe(60_000);
    expect((await verifier.verify(last.json.token)).exp! - (await verifier.verify(last.json.token)).nbf!).toBe(60);
  });

  it('gives a confirmed webinar attendee a listen-and-chat token with a stable identity', async () => {
    const { s, staff, bookingId } = await bookedSession();
    t.clock.set('2026-02-10T15:50:00.000Z');
    const res = await join(s.id, staff);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ serverUrl: lk.url, room: `session-${s.id}`, identity: `user-${staff.id}`, role: 'attendee', canPublish: false });
    const claims = await verifier.verify(res.json.token);
    expect(claims.sub).toBe(`user-${staff.id}`);
    expect(claims.name).toBe('Priya Shah');
    // The role the room shows is set by the server; nothing in the token names user or booking ids.
    expect(claims.attributes).toEqual({ 'send.role': 'attendee' });
    expect(claims.metadata ?? '').toBe('');
    expect(res.text).not.toContain(bookingId);
    expect(claims.video).toMatchObject({ room: `session-${s.id}`, roomJoin: true, canSubscribe: true, canPublishData: true, canPublish: false });
    expect(claims.video?.roomAdmin).toBeFalsy();
    // The grants do not let them change their own name, metadata or attributes: LiveKit refuses it.
    expect(claims.video?.canUpdateOwnMetadata).toBeFalsy();
    await lk.connect(res.json.token, 'PA_priya');
    expect(lk.selfUpdate(`session-${s.id}`, `user-${staff.id}`, { attributes: { 'send.role': 'trainer' } })).toEqual({ ok: false, reason: 'does not have permission to update own metadata' });
    expect(lk.selfUpdate(`session-${s.id}`, `user-${staff.id}`, { name: 'The Trainer' }).ok).toBe(false);
    expect(lk.participants.get(`session-${s.id}`)![0]).toMatchObject({ name: 'Priya Shah', attributes: { 'send.role': 'attendee' } });
    expect(claims.exp! - claims.nbf!).toBe(600);
    // Joining twice gives the same identity (a reconnect is the same person).
    expect((await join(s.id, staff)).json.identity).toBe(`user-${staff.id}`);
  });

  it('gives the trainer publish rights but no room admin (every control goes through the server), and creates the room with its timeouts and no fixed participant limit', async () => {
    const { s } = await bookedSession({ capacity: { online: 25 } });
    t.clock.set(START);
    const res = await join(s.id, s.trainer);
    expect(res.status).toBe(200);
    const claims = await verifier.verify(res.json.token);
    expect(claims.video).toMatchObject({ roomJoin: true, canPublish: true, canPublishData: true, canSubscribe: true });
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.video?.canUpdateOwnMetadata).toBeFalsy();
    expect(claims.attributes).toEqual({ 'send.role': 'trainer' });
    const create = lk.calls.find((c) => c.method === 'CreateRoom')!;
    expect(create.body).toMatchObject({ name: `session-${s.id}`, emptyTimeout: 600 });
    // A running room keeps its limit, while seats may be added (the test below): who is let in is the server's to say.
    expect(create.body.maxParticipants ?? 0).toBe(0);
    expect(create.body.agents).toBeUndefined();
    // The room's metadata, which everyone in it can read, names the session only.
    expect(JSON.parse(create.body.metadata)).toEqual({ sessionId: s.id, title: s.title });
    expect(create.grants.video?.roomCreate).toBe(true);
  });

  it('lets everyone with an online place in, when the online seats are raised while the room is running', async () => {
    const { s, staff: first, org } = await bookedSession({ capacity: { online: 1 } });
    t.clock.set(START);
    await lk.connect((await join(s.id, s.trainer)).json.token, 'PA_trainer');
    await lk.connect((await join(s.id, first)).json.token, 'PA_first');
    // Two more seats while the room is running (LiveKit keeps a running room's limits); a co-trainer too.
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { capacity: { online: 3 } } })).status).toBe(200);
    const co = await t.user('trainer', null, 'Cole Co');
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { trainerIds: [s.trainer.id, co.id] } })).status).toBe(200);
    const later = [await t.user('staff', org.id, 'Sam Later'), await t.user('staff', org.id, 'Ola Later')];
    for (const [i, u] of later.entries()) {
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } })).json.status).toBe('confirmed');
      await lk.connect((await join(s.id, u)).json.token, `PA_later${i}`);
    }
    await lk.connect((await join(s.id, co)).json.token, 'PA_co');
    expect(lk.participants.get(`session-${s.id}`)!.map((p) => p.identity).sort()).toEqual([s.trainer, first, ...later, co].map((u) => `user-${u.id}`).sort());
  });

  it('dispatches the configured speech-to-text agent when it creates the room, and gives browsers the public LiveKit URL', async () => {
    const ctx = await makeTestContext({ config: { livekit: { ...lk.config, publicUrl: 'wss://training-abc123.livekit.cloud', agentName: 'send-transcriber' } } });
    try {
      const s = await ctx.session({ startsAt: START, endsAt: END, capacity: { online: 3 } });
      ctx.clock.set(START);
      const res = await ctx.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer });
      expect(res.status).toBe(200);
      expect(res.json.serverUrl).toBe('wss://training-abc123.livekit.cloud');
      const create = lk.calls.find((c) => c.method === 'CreateRoom')!;
      expect(create.body.agents).toEqual([{ agentName: 'send-transcriber', metadata: JSON.stringify({ sessionId: s.id, transcribe: 'every_speaker' }) }]);
      expect(lk.rooms.get(`session-${s.id}`)!.agents.map((a) => a.agentName)).toEqual(['send-transcriber']);
      // A second join finds the room there: no second dispatch.
      await ctx.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer });
      expect(lk.rooms.get(`session-${s.id}`)!.agents).toHaveLength(1);
      // The browser may connect to the public URL and, on LiveKit Cloud, fail over to its other regions.
      const csp = (await ctx.request('GET', '/api/health')).headers.get('content-security-policy')!;
      const connect = csp.split(';').find((d) => d.trim().startsWith('connect-src'))!;
      for (const src of ['wss://training-abc123.livekit.cloud', 'https://training-abc123.livekit.cloud', 'wss://*.livekit.cloud', 'https://*.livekit.cloud']) expect(connect).toContain(src);
      expect(connect).not.toContain('127.0.0.1');
    } finally {
      await ctx.close();
    }
  });

  it('starts automatic captions again when the agent has left the room (LiveKit sends one only as the room is made); not while one is there, not for others, and says so when no agent is set up', async () => {
    const ctx = await makeTestContext({ config: { livekit: { ...lk.config, agentName: 'send-transcriber' } } });
    try {
      const org = await ctx.org();
      const staff = await ctx.user('staff', org.id);
      const s = await ctx.session({ startsAt: START, endsAt: END, capacity: { online: 3 } });
      expect((await ctx.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).status).toBe(201);
      ctx.clock.set(START);
      expect((await ctx.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer })).status).toBe(200);
      const room = `session-${s.id}`;
      const start = (as: TestUser) => ctx.request('POST', `/api/sessions/${s.id}/live/captions-agent`, { as });
      // The agent LiveKit sent with the room is there: nothing is sent.
      lk.addParticipant(room, { sid: 'PA_agent', identity: 'agent-AJ_first', joinedAtMs: Date.parse(START), kind: 4 });
      const before = lk.dispatches.length;
      expect((await start(s.trainer)).json).toEqual({ ok: true, started: false });
      expect(lk.dispatches).toHaveLength(before);
      // Its job ended (the person it followed reloaded their page): the trainer starts it again.
      lk.dropParticipant(room, 'PA_agent');
      const again = await start(s.trainer);
      expect(again.status, again.text).toBe(200);
      expect(again.json).toEqual({ ok: true, started: true });
      expect(lk.dispatches.slice(before)).toEqual([expect.objectContaining({ agentName: 'send-transcriber', room, metadata: JSON.stringify({ sessionId: s.id, transcribe: 'every_speaker' }) })]);
      // The room it made sure of carries no dispatch of its own: one agent, not two.
      expect(lk.calls.filter((c) => c.method === 'CreateRoom').at(-1)!.body.agents ?? []).toEqual([]);
      // Pressed again (or by a co-trainer) while that agent is on its way: no second one.
      expect((await start(s.trainer)).json).toEqual({ ok: true, started: true });
      expect(lk.dispatches).toHaveLength(before + 1);
      // Only the session's trainers (and administrators).
      expect((await start(staff)).status).toBe(403);
      expect((await start(await ctx.user('trainer'))).status).toBe(403);
      expect(lk.dispatches).toHaveLength(before + 1);
      // A minute on, the agent never having come, it may be asked for again; LiveKit not answering is said as such, and does not hold the next try back.
      ctx.clock.advance(61_000);
      lk.setMode('fail');
      expect((await start(s.trainer)).json.error.code).toBe('livekit_unavailable');
      lk.setMode('ok');
      expect((await start(s.trainer)).json).toEqual({ ok: true, started: true });
      expect(lk.dispatches).toHaveLength(before + 2);
    } finally {
      await ctx.close();
    }
    // Without an agent set up there is nothing to start.
    const { s } = await bookedSession();
    t.clock.set(START);
    const none = await t.request('POST', `/api/sessions/${s.id}/live/captions-agent`, { as: s.trainer });
    expect(none.status).toBe(409);
    expect(none.json.error.message).toMatch(/Automatic captions have not been set up/);
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
    expect(early.json.error.message).toMatch(/^The live room opens at 15:45 GMT on Tuesday,? 10 February 2026, 15 minutes before the session starts\.$/);
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
      ended: false,
      removed: false,
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
      // Words for people; the settings it needs are named for whoever runs the server.
      expect(res.json.error.message).toBe('Live video has not been set up on this server yet. Please ask your administrator.');
      expect(res.json.error.details).toEqual({ settings: ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] });
      expect((await bare.request('GET', `/api/sessions/${s.id}/live`, { as: s.trainer })).json.configured).toBe(false);
      const hook = await bare.request('POST', '/api/livekit/webhook', { body: '{}', headers: { authorization: 'x' } });
      expect(hook.json.error.code).toBe('livekit_not_configured');
      // No room can be entered, so no browser's word that it is in one is taken as attendance.
      const staff = await bare.user('staff', (await bare.org()).id);
      const booked = await bare.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
      expect(booked.status).toBe(201);
      for (const event of ['join', 'heartbeat']) {
        const said = await bare.request('POST', `/api/sessions/${s.id}/presence`, { as: staff, body: { event } });
        expect(said.status).toBe(503);
        expect(said.json.error.code).toBe('livekit_not_configured');
      }
      expect(await bare.db.selectFrom('presence_intervals').select('id').where('session_id', '=', s.id).execute()).toEqual([]);
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

    // The speech-to-text agent is not a person to remove: it would not come back, and captions would stop.
    const calls = lk.calls.length;
    const agent = await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: 'agent-AJ_captions' } });
    expect(agent.status).toBe(409);
    expect(agent.json.error.message).toBe('Only people can be removed from the room: the automatic captions stay (turn captions off on your own screen instead).');
    expect(lk.calls.length).toBe(calls);

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

  it('puts a reconnecting speaker back as they now are: "Stop speaking" said while they were away is not undone by the token LiveKit refreshed for them', async () => {
    const { s, staff, room } = await liveRoom();
    expect((await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } })).json.applied).toBe(true);
    // Their Wi-Fi drops; meanwhile the trainer stops them speaking (nothing to change: not connected).
    lk.dropParticipant(room, 'PA_staff');
    expect((await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: false } })).json.applied).toBe(false);
    // Their browser reconnects with the speaker's rights LiveKit last gave it, and LiveKit reports the join.
    lk.addParticipant(room, { sid: 'PA_back', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:05')), tracks: [] });
    const report = (id: string, sid: string, canPublish: boolean) =>
      signedWebhook({ id, event: 'participant_joined', createdAt: BigInt(Math.floor(Date.parse(at('16:05')) / 1000)), room: new Room({ sid: lk.rooms.get(room)!.sid, name: room }), participant: new ParticipantInfo({ sid, identity: `user-${staff.id}`, joinedAtMs: BigInt(Date.parse(at('16:05'))), permission: { canPublish, canSubscribe: true, canPublishData: true }, attributes: { 'send.role': 'attendee' } }) });
    const before = lk.calls.length;
    const back = await report('ev-back', 'PA_back', true);
    expect((await t.request('POST', '/api/livekit/webhook', { body: back.body, headers: back.headers })).status).toBe(200);
    const updates = lk.calls.slice(before).filter((c) => c.method === 'UpdateParticipant');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.body).toMatchObject({ room, identity: `user-${staff.id}`, attributes: { 'send.role': 'attendee' } });
    expect(lk.participants.get(room)!.find((p) => p.sid === 'PA_back')!.permission?.canPublish ?? false).toBe(false);
    // A join that already has the rights they should have changes nothing.
    const again = lk.calls.length;
    const same = await report('ev-same', 'PA_back', false);
    expect((await t.request('POST', '/api/livekit/webhook', { body: same.body, headers: same.headers })).status).toBe(200);
    expect(lk.calls.slice(again).filter((c) => c.method === 'UpdateParticipant')).toEqual([]);
  });

  it('a reconnect reported while LiveKit cannot be told their rights is answered 503, and LiveKit’s retry of it puts them right (a retry is not skipped as a duplicate)', async () => {
    const { s, staff, room } = await liveRoom();
    expect((await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } })).json.applied).toBe(true);
    lk.dropParticipant(room, 'PA_staff');
    expect((await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: false } })).json.applied).toBe(false);
    lk.addParticipant(room, { sid: 'PA_again', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:05')), tracks: [], permission: { canPublish: true, canSubscribe: true, canPublishData: true } });
    const report = await signedWebhook({ id: 'ev-again', event: 'participant_joined', createdAt: BigInt(Math.floor(Date.parse(at('16:05')) / 1000)), room: new Room({ sid: lk.rooms.get(room)!.sid, name: room }), participant: new ParticipantInfo({ sid: 'PA_again', identity: `user-${staff.id}`, joinedAtMs: BigInt(Date.parse(at('16:05'))), permission: { canPublish: true, canSubscribe: true, canPublishData: true }, attributes: { 'send.role': 'attendee' } }) });
    lk.setMode('fail');
    const first = await t.request('POST', '/api/livekit/webhook', { body: report.body, headers: report.headers });
    expect(first.status).toBe(503);
    expect(lk.participants.get(room)!.find((p) => p.sid === 'PA_again')!.permission?.canPublish).toBe(true);
    // LiveKit sends the same event again (same id); this time LiveKit answers.
    lk.setMode('ok');
    const retry = await t.request('POST', '/api/livekit/webhook', { body: report.body, headers: report.headers });
    expect(retry.status).toBe(200);
    expect(lk.participants.get(room)!.find((p) => p.sid === 'PA_again')!.permission?.canPublish ?? false).toBe(false);
    // Stored once: the minutes are the same as for one delivery.
    expect(await t.db.selectFrom('live_events').select('id').where('id', '=', 'ev-again').execute()).toHaveLength(1);
  });

  it('someone a trainer removed who is reported joining while LiveKit cannot remove them is answered 503, and LiveKit’s retry puts them out', async () => {
    const { s, staff, room } = await liveRoom();
    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${staff.id}` } })).status).toBe(200);
    lk.addParticipant(room, { sid: 'PA_sneak', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:06')), tracks: [] });
    const report = await signedWebhook({ id: 'ev-sneak', event: 'participant_joined', createdAt: BigInt(Math.floor(Date.parse(at('16:06')) / 1000)), room: new Room({ sid: lk.rooms.get(room)!.sid, name: room }), participant: new ParticipantInfo({ sid: 'PA_sneak', identity: `user-${staff.id}`, joinedAtMs: BigInt(Date.parse(at('16:06'))), attributes: { 'send.role': 'attendee' } }) });
    lk.setMode('fail');
    expect((await t.request('POST', '/api/livekit/webhook', { body: report.body, headers: report.headers })).status).toBe(503);
    expect(lk.participants.get(room)!.map((p) => p.sid)).toContain('PA_sneak');
    lk.setMode('ok');
    expect((await t.request('POST', '/api/livekit/webhook', { body: report.body, headers: report.headers })).status).toBe(200);
    expect(lk.participants.get(room)!.map((p) => p.sid)).not.toContain('PA_sneak');
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

  it('says that a trainer cannot unmute someone, as LiveKit refuses it, rather than reporting an outage', async () => {
    const { s, staff, room } = await liveRoom();
    const body = { identity: `user-${staff.id}`, trackSid: 'TR_mic' };
    expect((await t.request('POST', `/api/sessions/${s.id}/live/mute`, { as: s.trainer, body })).status).toBe(200);
    const unmute = await t.request('POST', `/api/sessions/${s.id}/live/mute`, { as: s.trainer, body: { ...body, muted: false } });
    expect(unmute.status).toBe(409);
    expect(unmute.json.error.code).toBe('unmute_not_allowed');
    expect(unmute.json.error.message).toMatch(/must unmute themselves/);
    expect(unmute.json.error.message).not.toMatch(/live video service did not answer/);
    // LiveKit was asked and refused: the track stays muted.
    expect(lk.calls.filter((c) => c.method === 'MutePublishedTrack').map((c) => !!c.body.muted)).toEqual([true, false]);
    expect(lk.participants.get(room)![0]!.tracks![0]!.muted).toBe(true);
  });

  it('unmutes when the LiveKit server allows remote unmute', async () => {
    const permissive = await startLiveKitStandIn(undefined, { enableRemoteUnmute: true });
    const ctx = await makeTestContext({ config: { livekit: permissive.config } });
    try {
      const s = await ctx.session({ startsAt: START, endsAt: END });
      const room = `session-${s.id}`;
      permissive.addParticipant(room, { sid: 'PA_x', identity: 'user-00000000-0000-4000-8000-00000000000a', joinedAtMs: Date.parse(START), tracks: [{ sid: 'TR_x', muted: true }] });
      const res = await ctx.request('POST', `/api/sessions/${s.id}/live/mute`, { as: s.trainer, body: { identity: 'user-00000000-0000-4000-8000-00000000000a', trackSid: 'TR_x', muted: false } });
      expect(res.status).toBe(200);
      expect(permissive.participants.get(room)![0]!.tracks![0]!.muted).toBe(false);
    } finally {
      await ctx.close();
      await permissive.close();
    }
  });

  it('acts on the connected person a trainer names in any letter case, and refuses an identity that names no one, changing nothing', async () => {
    const { s, staff, room } = await liveRoom();
    await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', staff.id).execute();
    const shouted = `USER-${staff.id.toUpperCase()}`;
    const act = (path: string, body: Record<string, unknown>, method: 'POST' | 'PUT' = 'POST') => t.request(method, `/api/sessions/${s.id}/live/${path}`, { as: s.trainer, body });
    const participant = () => lk.participants.get(room)!.find((p) => p.identity === `user-${staff.id}`);

    expect((await act('mute', { identity: shouted, trackSid: 'TR_mic' })).status).toBe(200);
    expect(participant()!.tracks![0]!.muted).toBe(true);
    expect((await act('speaker', { identity: shouted, speaker: true })).json).toEqual({ ok: true, applied: true });
    expect(participant()!.permission).toMatchObject({ canPublish: true });
    expect((await act('captioners', { identity: shouted, assigned: true }, 'PUT')).json).toEqual({ ok: true, applied: true });
    expect(participant()!.attributes).toEqual({ 'send.role': 'captioner' });
    // Every LiveKit call named them as LiveKit knows them.
    expect(lk.calls.filter((c) => c.body.identity !== undefined).map((c) => c.body.identity)).toEqual(Array(3).fill(`user-${staff.id}`));

    // Someone who is not a user, or a user's identity garbled: 404, no removal recorded, no one disconnected.
    for (const identity of ['user-00000000-0000-4000-8000-000000000000', `user-${staff.id}x`, 'nobody']) {
      for (const [path, body, method] of [['remove', { identity }, 'POST'], ['mute', { identity, trackSid: 'TR_mic', muted: false }, 'POST'], ['speaker', { identity, speaker: false }, 'POST'], ['captioners', { identity, assigned: false }, 'PUT']] as const) {
        const res = await act(path, body, method);
        expect(res.status, `${path} ${identity}`).toBe(404);
        expect(res.json.error.code).toBe('not_found');
      }
    }
    expect((await t.request('GET', `/api/sessions/${s.id}/live/removed`, { as: s.trainer })).json.items).toEqual([]);
    expect(participant()).toBeDefined();

    const removed = await act('remove', { identity: shouted });
    expect(removed.json).toEqual({ ok: true, applied: true });
    expect(lk.participants.get(room)).toEqual([]);
    expect((await t.request('GET', `/api/sessions/${s.id}/live/removed`, { as: s.trainer })).json.items).toMatchObject([{ identity: `user-${staff.id}` }]);
    expect((await join(s.id, staff)).json.error.code).toBe('removed_from_room');
  });

  it('keeps a removed participant out until a trainer lets them back in', async () => {
    const { s, staff, room } = await liveRoom();
    const removed = await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${staff.id}` } });
    expect(removed.json).toEqual({ ok: true, applied: true });
    expect(lk.participants.get(room)).toEqual([]);
    const again = await join(s.id, staff);
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('removed_from_room');
    expect(again.json.error.message).toMatch(/lets you back in/);
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.removed).toBe(true);
    const list = await t.request('GET', `/api/sessions/${s.id}/live/removed`, { as: s.trainer });
    expect(list.json.items).toMatchObject([{ identity: `user-${staff.id}`, name: 'Priya Shah' }]);
    expect((await t.request('GET', `/api/sessions/${s.id}/live/removed`, { as: staff })).status).toBe(403);
    // Trainers cannot be removed; removing someone not connected still keeps them out.
    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${s.trainer.id}` } })).status).toBe(409);

    expect((await t.request('POST', `/api/sessions/${s.id}/live/readmit`, { as: staff, body: { identity: `user-${staff.id}` } })).status).toBe(403);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/readmit`, { as: s.trainer, body: { identity: `user-${staff.id}` } })).status).toBe(200);
    expect((await join(s.id, staff)).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${s.id}/live/removed`, { as: s.trainer })).json.items).toEqual([]);
  });

  it('removes again someone removed who reconnects with a token they still hold, when LiveKit reports them joining', async () => {
    const { s, staff, room } = await liveRoom();
    const oldToken = (await join(s.id, staff)).json.token as string;
    const stayer = await t.user('staff', (await t.org()).id, 'Stays In');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: stayer, body: { seat: 'online' } })).json.status).toBe('confirmed');
    await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${staff.id}` } });
    const joined = async (sid: string, identity: string) => {
      const hook = await signedWebhook({ id: `ev-${sid}`, event: 'participant_joined', createdAt: BigInt(Math.floor(Date.parse(START) / 1000)), room: new Room({ sid: lk.rooms.get(room)!.sid, name: room }), participant: new ParticipantInfo({ sid, identity, joinedAtMs: BigInt(Date.parse(START)) }) });
      expect((await t.request('POST', '/api/livekit/webhook', { body: hook.body, headers: hook.headers })).status).toBe(200);
    };
    // The old token still works at LiveKit (it cannot be revoked)...
    await lk.connect(oldToken, 'PA_again');
    const stayerToken = (await join(s.id, stayer)).json.token as string;
    await lk.connect(stayerToken, 'PA_stayer');
    const removalsBefore = lk.calls.filter((c) => c.method === 'RemoveParticipant').length;
    await joined('PA_stayer', `user-${stayer.id}`);
    expect(lk.calls.filter((c) => c.method === 'RemoveParticipant').length).toBe(removalsBefore);
    // ...but the join LiveKit reports makes the server remove them again.
    await joined('PA_again', `user-${staff.id}`);
    expect(lk.calls.filter((c) => c.method === 'RemoveParticipant').length).toBe(removalsBefore + 1);
    expect(lk.participants.get(room)!.map((p) => p.identity)).toEqual([`user-${stayer.id}`]);
  });

  it('after "End for everyone" lets only trainers join, until a trainer reopens the room', async () => {
    const { s, staff } = await liveRoom();
    expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer })).status).toBe(200);
    const refused = await join(s.id, staff);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('room_ended');
    expect((await join(s.id, s.trainer)).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.ended).toBe(true);
    // Ending a room that is no longer running still ends it.
    lk.rooms.clear();
    expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/reopen`, { as: staff })).status).toBe(403);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/reopen`, { as: s.trainer })).status).toBe(200);
    expect((await join(s.id, staff)).status).toBe(200);
  });

  it('raises and lowers a hand through the server, which sets the participant’s attribute', async () => {
    const { s, staff, room } = await liveRoom();
    const up = await t.request('POST', `/api/sessions/${s.id}/live/hand`, { as: staff, body: { raised: true } });
    expect(up.status).toBe(200);
    expect(up.json.raisedAt).toBe(START);
    const call = lk.calls.find((c) => c.method === 'UpdateParticipant')!;
    expect(call.body).toMatchObject({ room, identity: `user-${staff.id}`, attributes: { 'send.hand_raised_at': START } });
    expect(lk.participants.get(room)![0]!.attributes).toEqual({ 'send.hand_raised_at': START });
    expect((await t.request('POST', `/api/sessions/${s.id}/live/hand`, { as: staff, body: { raised: false } })).status).toBe(200);
    expect(lk.participants.get(room)![0]!.attributes).toEqual({});
    // Not connected: said so. Not an attendee: refused.
    lk.dropParticipant(room, 'PA_staff');
    expect((await t.request('POST', `/api/sessions/${s.id}/live/hand`, { as: staff, body: { raised: true } })).json.error.code).toBe('not_in_room');
    expect((await t.request('POST', `/api/sessions/${s.id}/live/hand`, { as: await t.user('staff', (await t.org()).id), body: { raised: true } })).status).toBe(403);
  });

  it('does not offer "Stop speaking" in a workshop, where everyone may speak', async () => {
    const { s, staff } = await liveRoom({ roomKind: 'workshop' });
    const res = await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: false } });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toMatch(/everyone may speak/);
    expect(lk.calls.filter((c) => c.method === 'UpdateParticipant')).toEqual([]);
  });

  it('gives a promoted speaker no right to change their own metadata', async () => {
    const { s, staff, room } = await liveRoom();
    await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } });
    expect(lk.participants.get(room)![0]!.permission).toMatchObject({ canPublish: true });
    expect(lk.selfUpdate(room, `user-${staff.id}`, { attributes: { 'send.role': 'trainer' } }).ok).toBe(false);
  });

  it('disconnects someone taken off the session during it, and removes them again if they reconnect with the token they hold', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const room = `session-${s.id}`;
    t.clock.set(START);
    const token = (await join(s.id, staff)).json.token as string;
    await lk.connect(token, 'PA_1');
    t.clock.set(at('16:10'));
    expect((await t.request('POST', `/api/bookings/${bookingId}/remove`, { as: s.trainer, body: { reason: 'Booked in error' } })).status).toBe(200);
    // Disconnected at the removal itself.
    expect((lk.participants.get(room) ?? []).map((p) => p.identity)).not.toContain(`user-${staff.id}`);
    // The token still works at LiveKit (it cannot be revoked), but the join LiveKit reports makes the server remove them.
    lk.dropParticipant(room, 'PA_1');
    await lk.connect(token, 'PA_2');
    const hook = await signedWebhook({ id: 'ev-PA_2', event: 'participant_joined', createdAt: BigInt(Math.floor(Date.parse(at('16:11')) / 1000)), room: new Room({ sid: lk.rooms.get(room)!.sid, name: room }), participant: new ParticipantInfo({ sid: 'PA_2', identity: `user-${staff.id}`, joinedAtMs: BigInt(Date.parse(at('16:11'))) }) });
    expect((await t.request('POST', '/api/livekit/webhook', { body: hook.body, headers: hook.headers })).status).toBe(200);
    expect((lk.participants.get(room) ?? []).map((p) => p.identity)).not.toContain(`user-${staff.id}`);
  });

  it('disconnects someone who cancels their own place during the session', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const room = `session-${s.id}`;
    t.clock.set(START);
    await lk.connect((await join(s.id, staff)).json.token, 'PA_1');
    const trainerToken = (await join(s.id, s.trainer)).json.token as string;
    await lk.connect(trainerToken, 'PA_trainer');
    t.clock.set(at('16:10'));
    expect((await t.request('DELETE', `/api/bookings/${bookingId}`, { as: staff })).status).toBe(200);
    expect(lk.participants.get(room)!.map((p) => p.identity)).toEqual([`user-${s.trainer.id}`]);
  });

  it('disconnects someone whose account is turned off, or who moves away from an in-house session, during it', async () => {
    const admin = await t.user('admin');
    // Turned off: their place is given up and the room lets them go at once.
    const { s, staff } = await bookedSession();
    const room = `session-${s.id}`;
    t.clock.set(START);
    await lk.connect((await join(s.id, staff)).json.token, 'PA_1');
    await lk.connect((await join(s.id, s.trainer)).json.token, 'PA_trainer');
    t.clock.set(at('16:10'));
    const off = await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { disabled: true } });
    expect(off.status).toBe(200);
    expect(off.json.placesGivenUp).toBe(1);
    expect(lk.participants.get(room)!.map((p) => p.identity)).toEqual([`user-${s.trainer.id}`]);

    // Moved to another school: a session only for the old school is given up, and they leave its room.
    const school = await t.org();
    const inset = await t.session({ startsAt: START, endsAt: END, audience: { kind: 'organisation', orgId: school.id } });
    const mover = await t.user('staff', school.id, 'Sam Moves');
    expect((await t.request('POST', `/api/sessions/${inset.id}/bookings`, { as: mover, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const insetRoom = `session-${inset.id}`;
    t.clock.set(START);
    await lk.connect((await join(inset.id, mover)).json.token, 'PA_2');
    await lk.connect((await join(inset.id, inset.trainer)).json.token, 'PA_trainer2');
    t.clock.set(at('16:10'));
    const moved = await t.request('PUT', `/api/users/${mover.id}/placement`, { as: admin, body: { role: 'staff', orgId: (await t.org()).id } });
    expect(moved.status).toBe(200);
    expect(moved.json.placesGivenUp).toBe(1);
    expect(lk.participants.get(insetRoom)!.map((p) => p.identity)).toEqual([`user-${inset.trainer.id}`]);
  });

  it('disconnects a trainer who no longer runs the session, during it: taken off it, their account turned off, made staff, or no longer its in-house lead', async () => {
    const admin = await t.user('admin');
    const lead = await t.user('trainer', null, 'Tara Lead');
    /** A session running now with `lead` and a co-trainer both in its room; answers it and who is in the room. */
    const running = async (co: TestUser) => {
      t.clock.set(START);
      const s = await t.session({ startsAt: START, endsAt: END }, lead);
      expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: lead, body: { trainerIds: [lead.id, co.id] } })).status).toBe(200);
      await lk.connect((await join(s.id, lead)).json.token, `PA_lead_${s.id}`);
      const coJoin = await join(s.id, co);
      expect(coJoin.json.role).toBe('trainer');
      await lk.connect(coJoin.json.token, `PA_co_${s.id}`);
      t.clock.set(at('16:10'));
      return { s, inRoom: () => lk.participants.get(`session-${s.id}`)!.map((p) => p.identity).sort() };
    };

    // Taken off it by the lead trainer.
    const co1 = await t.user('trainer', null, 'Cole Co');
    const r1 = await running(co1);
    expect(r1.inRoom()).toHaveLength(2);
    expect((await t.request('PATCH', `/api/sessions/${r1.s.id}`, { as: lead, body: { trainerIds: [lead.id] } })).status).toBe(200);
    expect(r1.inRoom()).toEqual([`user-${lead.id}`]);
    expect((await join(r1.s.id, co1)).status).toBe(403);

    // Their account turned off: the repair pass would not put a trainer out either, so it must be at once.
    const co2 = await t.user('trainer', null, 'Dana Co');
    const r2 = await running(co2);
    expect((await t.request('PATCH', `/api/users/${co2.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    expect(r2.inRoom()).toEqual([`user-${lead.id}`]);

    // Made a member of staff by an administrator.
    const co3 = await t.user('trainer', null, 'Eli Co');
    const r3 = await running(co3);
    expect((await t.request('PUT', `/api/users/${co3.id}/placement`, { as: admin, body: { role: 'staff', orgId: (await t.org()).id } })).status).toBe(200);
    expect(r3.inRoom()).toEqual([`user-${lead.id}`]);

    // An in-house lead removed as lead of the school the session is for.
    const school = await t.org('Fir Primary');
    const schoolLead = await t.user('staff', school.id, 'Fay Lead');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${schoolLead.id}`, { as: admin })).status).toBe(204);
    t.clock.set(START);
    const inset = await t.request('POST', '/api/sessions', { as: schoolLead, body: { title: 'Fir INSET', mode: 'online', startsAt: START, endsAt: END, capacity: { online: 5 }, audience: { kind: 'organisation', orgId: school.id } } });
    expect(inset.status, inset.text).toBe(201);
    const colleague = await t.user('staff', school.id, 'Gus Colleague');
    expect((await t.request('POST', `/api/sessions/${inset.json.id}/bookings`, { as: colleague, body: {} })).json.status).toBe('confirmed');
    const leadJoin = await join(inset.json.id, schoolLead);
    expect(leadJoin.json.role).toBe('trainer');
    await lk.connect(leadJoin.json.token, 'PA_school_lead');
    await lk.connect((await join(inset.json.id, colleague)).json.token, 'PA_colleague');
    t.clock.set(at('16:10'));
    expect((await t.request('DELETE', `/api/orgs/${school.id}/leads/${schoolLead.id}`, { as: admin })).status).toBe(200);
    expect(lk.participants.get(`session-${inset.json.id}`)!.map((p) => p.identity)).toEqual([`user-${colleague.id}`]);
  });

  it('shows a co-trainer taken off the session who keeps an online place as the listener they now are: no trainer role, no publishing in a webinar', async () => {
    const lead = await t.user('trainer', null, 'Tara Lead');
    const co = await t.user('trainer', null, 'Cole Co');
    const s = await t.session({ startsAt: START, endsAt: END }, lead);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: lead, body: { trainerIds: [lead.id, co.id] } })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: co, body: { seat: 'online' } })).json.status).toBe('confirmed');
    t.clock.set(START);
    const coJoin = await join(s.id, co);
    expect(coJoin.json).toMatchObject({ role: 'trainer', canPublish: true });
    await lk.connect(coJoin.json.token, 'PA_co');
    t.clock.set(at('16:10'));
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: lead, body: { trainerIds: [lead.id] } })).status).toBe(200);
    // They hold a place, so they stay; but the room no longer shows them as a trainer, and
    // in a webinar they may no longer speak or show their camera (protobuf JSON leaves false out).
    const inRoom = lk.participants.get(`session-${s.id}`)!.find((p) => p.identity === `user-${co.id}`);
    expect(inRoom?.attributes).toEqual({ 'send.role': 'attendee' });
    expect(inRoom?.permission).toMatchObject({ canSubscribe: true, canPublishData: true });
    expect(inRoom?.permission?.canPublish ?? false).toBe(false);
    // As a fresh join would make them.
    expect((await join(s.id, co)).json).toMatchObject({ role: 'attendee', canPublish: false });
  });

  it('disconnects the staff of a school moved out of its trust from a live session only for the trust', async () => {
    const admin = await t.user('admin');
    const trust = await t.org('Oak Trust');
    const school = await t.org('Dale Academy');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const s = await t.session({ startsAt: START, endsAt: END, audience: { kind: 'trust', orgId: trust.id } });
    const staff = await t.user('staff', school.id, 'Dee Dale');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const room = `session-${s.id}`;
    t.clock.set(START);
    await lk.connect((await join(s.id, staff)).json.token, 'PA_1');
    await lk.connect((await join(s.id, s.trainer)).json.token, 'PA_trainer');
    t.clock.set(at('16:10'));
    const moved = await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId: null } });
    expect(moved.status).toBe(200);
    expect(moved.json.placesGivenUp).toBe(1);
    expect(lk.participants.get(room)!.map((p) => p.identity)).toEqual([`user-${s.trainer.id}`]);
  });

  it('closes the live room when the session is cancelled while it is live', async () => {
    const { s, staff } = await bookedSession();
    const room = `session-${s.id}`;
    t.clock.set(START);
    await lk.connect((await join(s.id, staff)).json.token, 'PA_1');
    t.clock.set(at('16:10'));
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'The trainer is unwell' } })).status).toBe(200);
    expect(lk.participants.get(room) ?? []).toEqual([]);
  });

  it('removes anyone without a confirmed online place, or of a cancelled session, when LiveKit reports them joining', async () => {
    const { s, staff, org } = await bookedSession();
    const room = `session-${s.id}`;
    t.clock.set(START);
    await lk.connect((await join(s.id, s.trainer)).json.token, 'PA_trainer');
    const stranger = await t.user('staff', org.id, 'Not Booked');
    const joined = async (sid: string, identity: string) => {
      lk.addParticipant(room, { sid, identity, joinedAtMs: Date.parse(START) });
      const hook = await signedWebhook({ id: `ev-${sid}`, event: 'participant_joined', createdAt: BigInt(Math.floor(Date.parse(START) / 1000)), room: new Room({ sid: lk.rooms.get(room)!.sid, name: room }), participant: new ParticipantInfo({ sid, identity, joinedAtMs: BigInt(Date.parse(START)) }) });
      expect((await t.request('POST', '/api/livekit/webhook', { body: hook.body, headers: hook.headers })).status).toBe(200);
    };
    await joined('PA_stranger', `user-${stranger.id}`);
    await joined('PA_staff', `user-${staff.id}`);
    expect(lk.participants.get(room)!.map((p) => p.identity).sort()).toEqual([`user-${s.trainer.id}`, `user-${staff.id}`].sort());
    // A cancelled session keeps everyone out but its trainers.
    await t.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', s.id).execute();
    await joined('PA_staff2', `user-${staff.id}`);
    expect(lk.participants.get(room)!.map((p) => p.identity)).toEqual([`user-${s.trainer.id}`]);
  });

  it('is for the session’s trainers only', async () => {
    const { s, staff } = await liveRoom();
    const before = lk.calls.length;
    for (const u of [staff, await t.user('trainer')]) {
      for (const [path, body] of [['mute', { identity: `user-${staff.id}`, trackSid: 'TR_mic' }], ['remove', { identity: `user-${staff.id}` }], ['speaker', { identity: `user-${staff.id}`, speaker: true }], ['end', undefined], ['reopen', undefined], ['readmit', { identity: `user-${staff.id}` }]] as const) {
        const res = await t.request('POST', `/api/sessions/${s.id}/live/${path}`, { as: u, body });
        expect(res.status).toBe(403);
      }
    }
    expect(lk.calls.length).toBe(before);
  });
});

describe('the browser’s presence reports and the server’s gap rule', () => {
  it('agree with margin: a background tab’s throttled heartbeats keep one interval, a longer silence starts another', async () => {
    // The browser beats every 30 s; a background tab's timers fire at most once a minute, so
    // beats can come two minutes apart. The gap rule must not cut such a tab.
    expect(HEARTBEAT_INTERVAL_MS).toBeLessThanOrEqual(60_000);
    expect(HEARTBEAT_GAP_MS).toBeGreaterThanOrEqual(2 * 60_000 + HEARTBEAT_INTERVAL_MS);
    const { s, staff } = await bookedSession();
    const report = (event: string, at: string) => {
      t.clock.set(at);
      return t.request('POST', `/api/sessions/${s.id}/presence`, { as: staff, body: { event } });
    };
    expect((await report('join', '2026-02-10T16:00:00.000Z')).status).toBe(204);
    await report('heartbeat', '2026-02-10T16:02:00.000Z');
    await report('heartbeat', '2026-02-10T16:04:10.000Z');
    await report('heartbeat', '2026-02-10T16:06:15.000Z');
    const rows = () => t.db.selectFrom('presence_intervals').select(['started_at', 'seen_at']).where('source', '=', 'client').orderBy('started_at').execute();
    expect(await rows()).toEqual([{ started_at: '2026-02-10T16:00:00.000Z', seen_at: '2026-02-10T16:06:15.000Z' }]);
    // Silent for longer than the gap rule (the laptop slept): a new interval, the gap not counted.
    await report('heartbeat', '2026-02-10T16:10:00.000Z');
    expect(await rows()).toEqual([
      { started_at: '2026-02-10T16:00:00.000Z', seen_at: '2026-02-10T16:06:15.000Z' },
      { started_at: '2026-02-10T16:10:00.000Z', seen_at: '2026-02-10T16:10:00.000Z' },
    ]);
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
    const res = await join(s.id, staff);
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('livekit_unavailable');
    // The app gave up by itself: LiveKit's call is still unanswered when the answer arrives.
    expect(lk.hangingCalls()).toBeGreaterThan(0);
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
    // The header line keeps the title as written (no entity is read there); cue text is escaped.
    expect(vtt.text).toBe(`WEBVTT - Autism & <sensory> needs\n\n1\n00:00:02.000 --> 00:00:05.500\n<v ${s.trainer.name}>Welcome everyone --&gt; &amp; &lt;b&gt;hello&lt;/b&gt;</v>\n`);
    expect((await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: await t.user('staff', (await t.org()).id) })).status).toBe(403);
    expect((await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: s.trainer })).status).toBe(200);
  });

  it('counts an attendee’s caption writes: the 121st in a minute is refused (429, Retry-After) and changes nothing, a minute later they are taken again; the trainers’ are not counted', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const cap = (as: TestUser, n: number) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { segmentId: `user-${as.id}-w${n}`, text: `Line ${n}`, final: true } });
    // Rewriting one unfinished line adds nothing to the writer's share, but is a write like any other.
    for (let i = 0; i < 120; i++) expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-same`, text: `Typing ${i}`, final: false } })).status).toBe(200);
    const refused = await cap(staff, 1);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await t.db.selectFrom('caption_segments').select('segment_id').where('segment_id', '=', `user-${staff.id}-w1`).execute()).toEqual([]);
    // The trainer, meanwhile, as many as they need.
    for (let i = 0; i < 130; i++) expect((await cap(s.trainer, i)).status).toBe(200);
    t.clock.advance(61_000);
    expect((await cap(staff, 1)).status).toBe(200);
  });

  it('lets a webinar listener caption only once invited to speak, and only their own speech', async () => {
    const { s, staff } = await bookedSession();
    t.clock.set(START);
    const cap = (body: Record<string, unknown>) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-q1`, text: 'A question', final: true, ...body } });
    expect((await cap({})).status).toBe(403);
    lk.addParticipant(`session-${s.id}`, { sid: 'PA_1', identity: `user-${staff.id}`, joinedAtMs: Date.parse(START) });
    await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } });
    const own = await cap({});
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ speakerIdentity: `user-${staff.id}`, speakerName: 'Priya Shah' });
    const other = await cap({ segmentId: `user-${staff.id}-q2`, speakerIdentity: `user-${s.trainer.id}` });
    expect(other.status).toBe(403);
  });

  it('takes a caption’s speaker identity in any letter case as the person it names, and refuses one naming no one in the session, storing nothing', async () => {
    const { s, staff, org } = await bookedSession();
    const shouted = `USER-${staff.id.toUpperCase()}`;
    t.clock.set(START);
    const cap = (as: TestUser, body: Record<string, unknown>) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { text: 'Good afternoon', final: true, ...body } });
    // A speaker naming themselves in capitals is captioning their own speech.
    await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } });
    const own = await cap(staff, { segmentId: `user-${staff.id}-q1`, speakerIdentity: shouted });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ speakerIdentity: `user-${staff.id}`, speakerName: 'Priya Shah' });
    // A trainer captioning for them stores the identity the room knows them by.
    const forThem = await cap(s.trainer, { segmentId: 'SG_1', speakerIdentity: shouted });
    expect(forThem.status).toBe(200);
    expect(forThem.json).toMatchObject({ speakerIdentity: `user-${staff.id}`, speakerName: 'Priya Shah' });
    const trainerShouted = await cap(s.trainer, { segmentId: 'SG_2', speakerIdentity: `USER-${s.trainer.id.toUpperCase()}` });
    expect(trainerShouted.json).toMatchObject({ speakerIdentity: `user-${s.trainer.id}`, speakerName: s.trainer.name });
    // An agent speaking for itself names no person: kept as given.
    expect((await cap(s.trainer, { segmentId: 'SG_3', speakerIdentity: 'agent-AJ_1' })).json).toMatchObject({ speakerIdentity: 'agent-AJ_1', speakerName: null });

    // No such user, a user with no place (in the same school), someone whose place was cancelled: 400, nothing stored.
    const outsider = await t.user('staff', org.id, 'Not Booked');
    const leaver = await t.user('staff', org.id, 'Cancelled Place');
    const left = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: leaver, body: { seat: 'online' } });
    expect((await t.request('DELETE', `/api/bookings/${left.json.id}`, { as: leaver })).status).toBeLessThan(300);
    const stored = () => t.db.selectFrom('caption_segments').select(['segment_id', 'speaker_identity']).where('session_id', '=', s.id).orderBy('segment_id').execute();
    const before = await stored();
    for (const who of ['user-00000000-0000-4000-8000-000000000000', `USER-${outsider.id.toUpperCase()}`, `user-${leaver.id}`]) {
      const res = await cap(s.trainer, { segmentId: `SG_x_${who}`, speakerIdentity: who });
      expect(res.status, who).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'speakerIdentity' }] } });
      expect(res.json.error.message).toMatch(/speaker/);
    }
    expect(await stored()).toEqual(before);
    expect(before.map((r) => r.speaker_identity)).toEqual([`user-${staff.id}`, `user-${s.trainer.id}`, 'agent-AJ_1', `user-${staff.id}`]);
  });

  it('takes no captions from an in-person seat of a hybrid session, which is not in the live room, whatever its flags (a workshop, the captioner flag, an assignment)', async () => {
    for (const kind of ['workshop', 'captioner', 'assigned'] as const) {
      const org = await t.org();
      const s = await t.session({ startsAt: START, endsAt: END, mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 5, online: 5 }, roomKind: kind === 'workshop' ? 'workshop' : 'webinar' });
      const staff = await t.user('staff', org.id, 'In Person');
      if (kind !== 'workshop') await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', staff.id).execute();
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'in_person' } })).json.status).toBe('confirmed');
      // Not offered to the trainer as a captioner, and the assignment refused, saying why: the seat is not in the room.
      if (kind === 'assigned') {
        expect((await t.request('GET', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer })).json.items).toEqual([]);
        const refused = await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } });
        expect(refused.status).toBe(409);
        expect(refused.json.error.message).toBe('In Person has an in-person seat, so they are not in the live room and cannot caption it: only someone with an online seat can.');
        expect(await t.db.selectFrom('live_captioners').select('user_id').where('session_id', '=', s.id).execute()).toEqual([]);
      }
      t.clock.set(START);
      expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.canCaption, kind).toBe(false);
      const res = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-x1`, text: 'I was never in the room', final: true } });
      expect(res.status, kind).toBe(403);
      expect(await t.db.selectFrom('caption_segments').select('segment_id').where('session_id', '=', s.id).execute(), kind).toEqual([]);
    }
  });

  it('shows a captioner’s text as their own until a trainer assigns them to the session, then lets them name the speaker', async () => {
    const { s, staff } = await bookedSession();
    await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', staff.id).execute();
    t.clock.set(START);
    const cap = (segmentId: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-${segmentId}`, text: 'Good afternoon', final: true, speakerIdentity: `user-${s.trainer.id}` } });
    const unassigned = await cap('c0');
    expect(unassigned.status).toBe(200);
    expect(unassigned.json).toMatchObject({ speakerIdentity: `user-${staff.id}`, speakerName: 'Priya Shah' });
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.canCaption).toBe(false);

    // The trainer assigns them; the list shows it; the next token carries the captioner role.
    expect((await t.request('GET', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer })).json.items).toEqual([{ identity: `user-${staff.id}`, name: 'Priya Shah', assigned: false }]);
    const assign = await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } });
    expect(assign.json).toEqual({ ok: true, applied: false });
    expect((await t.request('GET', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer })).json.items[0].assigned).toBe(true);
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: staff, body: { identity: `user-${staff.id}`, assigned: true } })).status).toBe(403);
    expect((await verifier.verify((await join(s.id, staff)).json.token)).attributes).toEqual({ 'send.role': 'captioner' });
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.canCaption).toBe(true);

    const res = await cap('c1');
    expect(res.status).toBe(200);
    expect(res.json.speakerName).toBe(s.trainer.name);
    const vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.text).toContain(`<v ${s.trainer.name}>Good afternoon</v>`);
    expect(vtt.text).toContain(`<v Priya Shah>Good afternoon</v>`);
  });

  it('lets only a segment’s author or the session’s trainers replace it', async () => {
    const { s, staff, org } = await bookedSession({ roomKind: 'workshop' });
    const other = await t.user('staff', org.id, 'Sam Green');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: { seat: 'online' } })).json.status).toBe('confirmed');
    t.clock.set(START);
    const cap = (as: TestUser, text: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { segmentId: `user-${staff.id}-seg`, text, final: true } });
    expect((await cap(staff, 'What Priya said')).status).toBe(200);
    // Another attendee cannot even name it: their segment ids begin with their own identity.
    const hijack = await cap(other, 'Words put in Priya’s mouth');
    expect(hijack.status).toBe(400);
    expect(hijack.json.error.code).toBe('validation_failed');
    // Nor change one of theirs that a trainer wrote.
    expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body: { segmentId: `user-${other.id}-t`, text: 'By the trainer', final: true } })).status).toBe(200);
    const overwrite = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: other, body: { segmentId: `user-${other.id}-t`, text: 'Rewritten', final: true } });
    expect(overwrite.status).toBe(403);
    expect(overwrite.json.error.code).toBe('forbidden');
    let vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.text).toContain('<v Priya Shah>What Priya said</v>');
    expect(vtt.text).not.toContain('mouth');
    // A trainer may correct it.
    const fixed = await cap(s.trainer, 'What Priya said, corrected');
    expect(fixed.status).toBe(200);
    vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.text).toContain('What Priya said, corrected');
  });

  it('keeps a speech-to-text agent’s caption once per segment when the trainer’s browser stores it, under the speaker’s name', async () => {
    const { s, staff } = await bookedSession();
    t.clock.set(START);
    const body = { segmentId: 'SG_agent_1', text: 'Thank you for having me', final: true, startedAt: '2026-02-10T16:00:10.000Z', endedAt: '2026-02-10T16:00:12.000Z', speakerIdentity: `user-${staff.id}` };
    // Sent twice (a retry, or a second trainer's browser): one cue.
    for (let i = 0; i < 2; i++) expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body })).status).toBe(200);
    const vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.text.match(/Thank you for having me/g)).toHaveLength(1);
    expect(vtt.text).toContain('00:00:10.000 --> 00:00:12.000\n<v Priya Shah>Thank you for having me</v>');
  });

  it('takes captions only while the live room can be open, and says when it opens', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    const cap = (segmentId: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-${segmentId}`, text: `Said as ${segmentId}`, final: true } });
    // Weeks before the session (the test clock starts a month early): refused, saying when.
    const early = await cap('early');
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('join_window_closed');
    expect(early.json.error.message).toMatch(/^The live room opens at 15:45 GMT on Tuesday,? 10 February 2026: captions are saved only while its live room can be open\.$/);
    t.clock.set('2026-02-10T15:45:00.000Z');
    expect((await cap('opening')).status).toBe(200);
    // A last segment arriving just after the end is kept; one long after is refused.
    t.clock.set('2026-02-10T17:44:59.999Z');
    expect((await cap('late')).status).toBe(200);
    t.clock.set('2026-02-10T17:45:00.000Z');
    const after = await cap('after');
    expect(after.status).toBe(409);
    expect(after.json.error.message).toMatch(/^This session has ended: captions are saved only while/);
    const vtt = (await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff })).text;
    expect(vtt.match(/Said as \w+/g)).toEqual(['Said as opening', 'Said as late']);
  });

  it('refuses the trainers’ new captions once their part of the transcript is full, saying so, and keeps what it holds', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const row = (i: number, text: string) => ({ session_id: s.id, segment_id: `old-${i}`, text, final: 1, started_at: START, ended_at: null, speaker_identity: `user-${s.trainer.id}`, speaker_name: s.trainer.name, author_id: s.trainer.id, created_at: START, updated_at: START });
    const fill = async (n: number, text: string) => {
      for (let i = 0; i < n; i += 500) await t.db.insertInto('caption_segments').values(Array.from({ length: Math.min(500, n - i) }, (_, k) => row(i + k, text))).execute();
    };
    const cap = (segmentId: string, text = 'One more thing', as: TestUser = s.trainer) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { segmentId, text, final: true } });
    const count = async () => (await t.db.selectFrom('caption_segments').select('segment_id').where('session_id', '=', s.id).execute()).length;

    // As many segments as the trainers' part holds: no new one, but an existing one may still be corrected.
    await fill(MAX_CAPTION_SEGMENTS, 'ok');
    const full = await cap('new-1');
    expect(full.status).toBe(409);
    expect(full.json.error.code).toBe('conflict');
    expect(full.json.error.message).toBe('This session’s transcript is full (at most 20,000 captions and 2,000,000 characters), so no more captions can be saved for it.');
    expect(await count()).toBe(MAX_CAPTION_SEGMENTS);
    expect((await cap('old-7', 'ok, corrected')).status).toBe(200);
    expect(await count()).toBe(MAX_CAPTION_SEGMENTS);
    // An attendee's own budget is theirs: what the trainers used does not count against it.
    expect((await cap(`user-${staff.id}-1`, 'My question', staff)).status).toBe(200);

    // As many characters as it holds: up to the limit is taken, one more is not.
    await t.db.deleteFrom('caption_segments').where('session_id', '=', s.id).execute();
    await fill(MAX_CAPTION_CHARS / 5_000 - 1, 'x'.repeat(5_000));
    expect((await cap('last', 'y'.repeat(5_000))).status).toBe(200);
    const over = await cap('over', '!');
    expect(over.status).toBe(409);
    expect(over.json.error.message).toMatch(/transcript is full/);
    const vtt = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff });
    expect(vtt.status).toBe(200);
    expect(vtt.text).toContain('y'.repeat(5_000));
    expect(vtt.text).not.toContain('!');
  });

  it('refuses captions from someone a trainer removed from the room, and from attendees after "End for everyone"', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    const cap = (as: TestUser, segmentId: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { segmentId, text: 'Words for the transcript', final: true } });
    t.clock.set(at('16:10'));
    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${staff.id}` } })).status).toBe(200);
    const removed = await cap(staff, `user-${staff.id}-abuse-1`);
    expect(removed.status).toBe(403);
    expect(removed.json.error.code).toBe('removed_from_room');
    expect((await t.request('POST', `/api/sessions/${s.id}/live/readmit`, { as: s.trainer, body: { identity: `user-${staff.id}` } })).status).toBe(200);
    expect((await cap(staff, `user-${staff.id}-back-1`)).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer })).status).toBe(200);
    const ended = await cap(staff, `user-${staff.id}-abuse-2`);
    expect(ended.status).toBe(409);
    expect(ended.json.error.code).toBe('room_ended');
    // The trainers still caption (they may join an ended room too).
    expect((await cap(s.trainer, 'trainer-after-end')).status).toBe(200);
    const vtt = (await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: s.trainer })).text;
    expect(vtt.match(/Words for the transcript/g)).toHaveLength(2);
  });

  it('gives each attendee a caption budget of their own, so one cannot fill the transcript and silence the trainer', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const cap = (as: TestUser, segmentId: string, text: string, final: boolean) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { segmentId, text, final } });
    const statuses: number[] = [];
    // One a second: under the count of writes a minute (see the test of it above).
    for (let i = 0; i < 400; i++) {
      t.clock.advance(1000);
      statuses.push((await cap(staff, `user-${staff.id}-flood-${i}`, 'x'.repeat(5_000), false)).status);
    }
    // Interim captions never pile up: each new one ends the person's earlier unfinished one.
    expect(statuses.every((st) => st === 200)).toBe(true);
    const held = await t.db.selectFrom('caption_segments').select('segment_id').where('session_id', '=', s.id).where('author_id', '=', staff.id).execute();
    expect(held).toHaveLength(1);
    // Final captions count against their own budget, and are refused past it, saying so.
    let refused = null;
    for (let i = 0; i < 200 && !refused; i++) {
      t.clock.advance(1000);
      const res = await cap(staff, `user-${staff.id}-final-${i}`, 'y'.repeat(5_000), true);
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).toBe(409);
    expect(refused?.json.error.message).toMatch(/^You have used the captions one person may save for this session/);
    // The trainer's captions (and the agent's, which a trainer's browser stores) go on.
    const trainer = await cap(s.trainer, 'trainer-1', 'Let us move on', true);
    expect(trainer.status).toBe(200);
    expect((await cap(s.trainer, 'SG_agent_1', 'An agent caption', true)).status).toBe(200);
  });

  it('holds a person to their caption share when their captions arrive all at once (one can be taken, not ten)', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    // Their share (150,000 characters) all but used: room for one more 5,000-character caption.
    const used = 150_000 - 5_000;
    const rows = Array.from({ length: used / 5_000 }, (_, i) => ({ session_id: s.id, segment_id: `user-${staff.id}-old-${i}`, text: 'x'.repeat(5_000), final: 1, started_at: START, ended_at: null, speaker_identity: `user-${staff.id}`, speaker_name: staff.name, author_id: staff.id, created_at: START, updated_at: START }));
    await t.db.insertInto('caption_segments').values(rows).execute();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-rush-${i}`, text: 'y'.repeat(5_000), final: true } }).then((r) => r.status)),
    );
    expect(statuses.filter((st) => st === 200)).toHaveLength(1);
    expect(statuses.filter((st) => st === 409)).toHaveLength(9);
    const held = await t.db.selectFrom('caption_segments').select('text').where('session_id', '=', s.id).where('author_id', '=', staff.id).execute();
    expect(held.reduce((n, r) => n + r.text.length, 0)).toBe(150_000);
  });

  it('keeps what several attendees may save together below the whole transcript, leaving the trainers’ part free', async () => {
    const { s, org } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const row = (author: string, i: number, final = 1) => ({ session_id: s.id, segment_id: `${author}-${i}`, text: 'ab', final, started_at: START, ended_at: null, speaker_identity: `user-${author}`, speaker_name: 'Someone', author_id: author, created_at: START, updated_at: START });
    // Others (not trainers) already hold their whole share between them.
    const others = await Promise.all(Array.from({ length: MAX_OTHERS_CAPTION_SEGMENTS / MAX_AUTHOR_CAPTION_SEGMENTS }, (_, k) => t.user('staff', org.id, `Attendee ${k}`)));
    for (const o of others) {
      for (let i = 0; i < MAX_AUTHOR_CAPTION_SEGMENTS; i += 500) await t.db.insertInto('caption_segments').values(Array.from({ length: 500 }, (_, k) => row(o.id, i + k))).execute();
    }
    const late = await t.user('staff', org.id, 'Late Speaker');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: late, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const refused = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: late, body: { segmentId: `user-${late.id}-1`, text: 'Me too', final: true } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/trainers’ captions are still saved/);
    expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: s.trainer, body: { segmentId: 'trainer-1', text: 'Still heard', final: true } })).status).toBe(200);
  });

  it('takes back an assigned captioner’s power to name speakers when an administrator removes their captioner flag', async () => {
    const { s, staff } = await bookedSession();
    const admin = await t.user('admin');
    t.clock.set(START);
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { captioner: true } })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } })).status).toBe(200);
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { captioner: false } })).status).toBe(200);
    const res = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-mfx12ab-0a1b2c3d4e5f`, text: 'I resign', final: true, speakerIdentity: `user-${s.trainer.id}` } });
    // A listener in a webinar, no longer a captioner: not theirs to caption at all.
    expect(res.status).toBe(403);
    const vtt = (await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: s.trainer })).text;
    expect(vtt).not.toContain('I resign');
    expect((await verifier.verify((await join(s.id, staff)).json.token)).attributes).toEqual({ 'send.role': 'attendee' });
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.canCaption).toBe(false);
    // The trainer may still take the assignment back.
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: false } })).status).toBe(200);
  });

  it('ends a captioner’s assignments when an administrator removes their flag: granting it again does not bring them back', async () => {
    const { s, staff } = await bookedSession();
    const admin = await t.user('admin');
    const list = async () => (await t.request('GET', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer })).json.items;
    const flag = async (captioner: boolean) => expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { captioner } })).status).toBe(200);
    await flag(true);
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } })).status).toBe(200);
    expect(await list()).toEqual([{ identity: `user-${staff.id}`, name: 'Priya Shah', assigned: true }]);
    await flag(false);
    expect(await list()).toEqual([]);
    // Months later the flag is granted again: they are a captioner the trainer may assign, not assigned.
    await flag(true);
    expect(await list()).toEqual([{ identity: `user-${staff.id}`, name: 'Priya Shah', assigned: false }]);
    t.clock.set(START);
    expect((await verifier.verify((await join(s.id, staff)).json.token)).attributes).toEqual({ 'send.role': 'attendee' });
    expect((await t.request('GET', `/api/sessions/${s.id}/live`, { as: staff })).json.canCaption).toBe(false);
  });

  it('an assignment racing the flag’s removal is refused, not left behind to come back with the flag', async () => {
    const { s, staff } = await bookedSession();
    await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', staff.id).execute();
    let assigning: Promise<{ status: number; json: any }> | undefined;
    // The administrator's change (as setCaptioner makes it), held open while the trainer assigns them.
    // The race is PostgreSQL's (concurrent transactions); on SQLite the one connection runs them in turn.
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ captioner: 0 }).where('id', '=', staff.id).execute();
      await trx.deleteFrom('live_captioners').where('user_id', '=', staff.id).execute();
      assigning = t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } });
      // Time for the assignment to read the flag as it stood (still held) and reach its write.
      await new Promise((r) => setTimeout(r, 300));
    });
    const answer = await assigning!;
    expect(answer.status).toBe(409);
    expect(answer.json.error.message).toMatch(/administrator made captioners/);
    expect(await t.db.selectFrom('live_captioners').select('user_id').where('session_id', '=', s.id).execute()).toEqual([]);
  });

  it('shows a connected captioner as an attendee at once when an administrator removes their flag, and a LiveKit failure does not fail the change', async () => {
    const { s, staff } = await bookedSession();
    const admin = await t.user('admin');
    const room = `session-${s.id}`;
    const identity = `user-${staff.id}`;
    const flag = async (captioner: boolean) => expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { captioner } })).status).toBe(200);
    const assign = async () => expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity, assigned: true } })).status).toBe(200);
    const cap = (segmentId: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `${identity}-${segmentId}`, text: 'Good afternoon', final: true, speakerIdentity: `user-${s.trainer.id}` } });
    await flag(true);
    await assign();
    t.clock.set(START);
    await lk.connect((await join(s.id, s.trainer)).json.token, 'PA_trainer');
    await lk.connect((await join(s.id, staff)).json.token, 'PA_cap');
    const participant = () => lk.participants.get(room)!.find((p) => p.identity === identity)!;
    expect(participant().attributes).toEqual({ 'send.role': 'captioner' });
    expect((await cap('c1')).json.speakerName).toBe(s.trainer.name);

    const callsBefore = lk.calls.length;
    await flag(false);
    // One UpdateParticipant, for them only, giving what a fresh join would: the attendee role, a webinar listener's rights.
    const updates = lk.calls.slice(callsBefore).filter((c) => c.method === 'UpdateParticipant');
    expect(updates.map((c) => c.body.identity)).toEqual([identity]);
    expect(updates[0]!.body.attributes).toEqual({ 'send.role': 'attendee' });
    expect(participant().attributes).toEqual({ 'send.role': 'attendee' });
    expect(participant().permission).toMatchObject({ canSubscribe: true, canPublishData: true });
    expect(participant().permission!.canPublish ?? false).toBe(false);
    expect(participant().permission!.canUpdateMetadata ?? false).toBe(false);
    // Their captions are no longer a captioner’s: in a webinar, not theirs to send at all.
    expect((await cap('c2')).status).toBe(403);

    // LiveKit down: the flag is still removed (and the assignment with it); the failure is logged.
    await flag(true);
    await assign();
    lk.setMode('fail');
    const removed = await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { captioner: false } });
    lk.setMode('ok');
    expect(removed.status).toBe(200);
    expect(removed.json.captioner).toBe(false);
    await flag(true);
    expect((await t.request('GET', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer })).json.items[0].assigned).toBe(false);
    expect(t.logger.lines.some((l) => l.level === 'warn' && String(l.msg).includes('captioner'))).toBe(true);
  });

  it('keeps a speaker’s own segment ids theirs: another attendee cannot claim one first', async () => {
    const { s, staff, org } = await bookedSession({ roomKind: 'workshop' });
    const other = await t.user('staff', org.id, 'Sam Green');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: { seat: 'online' } })).json.status).toBe('confirmed');
    t.clock.set(START);
    const segmentId = `user-${staff.id}-mfx12ab-0a1b2c3d4e5f`;
    const cap = (as: TestUser, text: string) => t.request('POST', `/api/sessions/${s.id}/captions`, { as, body: { segmentId, text, final: true } });
    const squat = await cap(other, 'Squatted');
    expect(squat.status).toBe(400);
    expect(squat.json.error.message).toMatch(/must begin with your own identity/);
    const own = await cap(staff, 'What Priya said');
    expect(own.status).toBe(200);
    const vtt = (await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: staff })).text;
    expect(vtt).toContain('<v Priya Shah>What Priya said</v>');
    expect(vtt).not.toContain('Squatted');
  });

  it('lets workshop attendees caption their own speech', async () => {
    const { s, staff } = await bookedSession({ roomKind: 'workshop' });
    t.clock.set(START);
    const res = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-w1`, text: 'My view', final: true } });
    expect(res.status).toBe(200);
    expect(res.json.speakerIdentity).toBe(`user-${staff.id}`);
  });
});

describe('rights a trainer gave in the room end with the place they were given on', () => {
  const liveOf = async (id: string, as: TestUser) => (await t.request('GET', `/api/sessions/${id}/live`, { as })).json;

  it('a speaker who cancels and books again joins as a listener, not with the old invitation', async () => {
    const { s, staff, bookingId } = await bookedSession();
    t.clock.set(START);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } })).status).toBe(200);
    expect((await liveOf(s.id, staff)).canPublish).toBe(true);
    expect((await t.request('DELETE', `/api/bookings/${bookingId}`, { as: staff })).status).toBe(200);
    t.clock.advance(60_000);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const res = await join(s.id, staff);
    expect(res.status).toBe(200);
    expect(res.json.canPublish).toBe(false);
    expect((await verifier.verify(res.json.token)).video?.canPublish).toBe(false);
    expect(await liveOf(s.id, staff)).toMatchObject({ canPublish: false, canCaption: false });
    const cap = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-x1`, text: 'Hello', final: true } });
    expect(cap.status).toBe(403);
    // Invited again on the new place: it counts.
    expect((await t.request('POST', `/api/sessions/${s.id}/live/speaker`, { as: s.trainer, body: { identity: `user-${staff.id}`, speaker: true } })).status).toBe(200);
    expect((await join(s.id, staff)).json.canPublish).toBe(true);
  });

  it('an assigned captioner taken off the session and booked again is not the session’s captioner any more', async () => {
    const { s, staff, bookingId } = await bookedSession();
    await t.db.updateTable('users').set({ captioner: 1 }).where('id', '=', staff.id).execute();
    t.clock.set(START);
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } })).status).toBe(200);
    expect((await t.request('POST', `/api/bookings/${bookingId}/remove`, { as: s.trainer, body: { reason: 'Booked by mistake' } })).status).toBe(200);
    t.clock.advance(60_000);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const res = await join(s.id, staff);
    expect(res.status).toBe(200);
    expect((await verifier.verify(res.json.token)).attributes).toEqual({ 'send.role': 'attendee' });
    expect((await t.request('GET', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer })).json.items).toEqual([{ identity: `user-${staff.id}`, name: 'Priya Shah', assigned: false }]);
    // Their text is their own words again, not a captioner's naming the trainer.
    const cap = await t.request('POST', `/api/sessions/${s.id}/captions`, { as: staff, body: { segmentId: `user-${staff.id}-c1`, text: 'Good afternoon', final: true, speakerIdentity: `user-${s.trainer.id}` } });
    expect(cap.status).toBe(200);
    expect(cap.json.speakerIdentity).toBe(`user-${staff.id}`);
    // Assigned again on the new place: it counts.
    expect((await t.request('PUT', `/api/sessions/${s.id}/live/captioners`, { as: s.trainer, body: { identity: `user-${staff.id}`, assigned: true } })).status).toBe(200);
    expect((await verifier.verify((await join(s.id, staff)).json.token)).attributes).toEqual({ 'send.role': 'captioner' });
  });
});
