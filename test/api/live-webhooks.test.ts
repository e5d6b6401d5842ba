import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { repairLiveRooms } from '../../server/live/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, TEST_LK, webhookAuth, type LiveKitStandIn } from '../livekit-standin.js';

let t: TestContext;
let lk: LiveKitStandIn;
beforeEach(async () => {
  lk = await startLiveKitStandIn();
  t = await makeTestContext({ config: { livekit: lk.config } });
});
afterEach(async () => {
  expect(lk.rejected).toEqual([]);
  await t.close();
  await lk.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z'; // 90 minutes; 75% = 67.5 minutes
const at = (hhmm: string) => `2026-02-10T${hhmm}:00.000Z`;
const secs = (iso: string) => BigInt(Math.floor(Date.parse(iso) / 1000));

async function bookedSession() {
  const org = await t.org();
  const s = await t.session({ startsAt: START, endsAt: END });
  const staff = await t.user('staff', org.id, 'Jo Bloggs');
  const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
  return { s, staff, bookingId: booked.json.id as string };
}

interface Ev {
  id: string;
  event: 'participant_joined' | 'participant_left' | 'participant_connection_aborted' | 'room_finished' | 'room_started';
  at: string;
  sessionId: string;
  roomSid?: string;
  user?: TestUser;
  sid?: string;
  joinedAt?: string;
}

function body(e: Ev) {
  return {
    id: e.id,
    event: e.event,
    createdAt: secs(e.at),
    room: new Room({ sid: e.roomSid ?? 'RM_one', name: `session-${e.sessionId}` }),
    participant: e.user ? new ParticipantInfo({ sid: e.sid, identity: `user-${e.user.id}`, name: e.user.name, joinedAt: secs(e.joinedAt!), joinedAtMs: BigInt(Date.parse(e.joinedAt!)) }) : undefined,
  };
}

async function send(e: Ev) {
  const { body: raw, headers } = await signedWebhook(body(e));
  return t.request('POST', '/api/livekit/webhook', { body: raw, headers });
}

async function row(sessionId: string, bookingId: string, as: TestUser) {
  const res = await t.request('GET', `/api/sessions/${sessionId}/attendance`, { as });
  expect(res.status).toBe(200);
  return res.json.items.find((r: { bookingId: string }) => r.bookingId === bookingId);
}

const countEvents = async () => Number((await t.db.selectFrom('live_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('webhook signatures', () => {
  it('stores a correctly signed event', async () => {
    const { s, staff } = await bookedSession();
    const res = await send({ id: 'EV_1', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: 'EV_1', event: 'participant_joined', duplicate: false });
    expect(await countEvents()).toBe(1);
  });

  it('refuses a forged event (wrong secret), a tampered body and a missing header, storing nothing', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const e = body({ id: 'EV_x', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    const forged = await signedWebhook(e, { apiKey: TEST_LK.apiKey, apiSecret: 'not-the-real-secret-not-the-real-secret-000' });
    const r1 = await t.request('POST', '/api/livekit/webhook', { body: forged.body, headers: forged.headers });
    expect(r1.status).toBe(401);
    expect(r1.json.error.code).toBe('invalid_signature');

    const real = await signedWebhook(e);
    const tampered = real.body.replace('PA_1', 'PA_2');
    const r2 = await t.request('POST', '/api/livekit/webhook', { body: tampered, headers: real.headers });
    expect(r2.status).toBe(401);
    expect(r2.json.error.code).toBe('invalid_signature');

    const r3 = await t.request('POST', '/api/livekit/webhook', { body: real.body, headers: { 'content-type': 'application/webhook+json' } });
    expect(r3.status).toBe(401);
    const r4 = await t.request('POST', '/api/livekit/webhook', { body: real.body, headers: { authorization: await webhookAuth(real.body, { apiKey: 'other-key', apiSecret: TEST_LK.apiSecret }) } });
    expect(r4.status).toBe(401);

    expect(await countEvents()).toBe(0);
    expect(await t.db.selectFrom('presence_intervals').selectAll().execute()).toEqual([]);
    t.clock.set(END);
    expect((await row(s.id, bookingId, s.trainer)).minutes).toBe(0);
  });

  it('takes an event signed by a LiveKit whose clock runs up to a minute ahead (its token not yet valid here by a few seconds), not one signed further ahead', async () => {
    const { s, staff } = await bookedSession();
    // LiveKit signs each webhook valid from its own "now" (nbf); LiveKit does not send a refused one again.
    const signedAhead = async (id: string, seconds: number) => {
      const e = body({ id, event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: `PA_${id}`, joinedAt: at('16:00') });
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + seconds * 1000);
        return await signedWebhook(e);
      } finally {
        vi.useRealTimers();
      }
    };
    const ahead = await signedAhead('EV_ahead', 45);
    const r1 = await t.request('POST', '/api/livekit/webhook', { body: ahead.body, headers: ahead.headers });
    expect(r1.status).toBe(200);
    const far = await signedAhead('EV_far', 120);
    const r2 = await t.request('POST', '/api/livekit/webhook', { body: far.body, headers: far.headers });
    expect(r2.status).toBe(401);
    expect(await countEvents()).toBe(1);
  });
});

describe('the webhook entry', () => {
  it('refuses a body over the limit, signed or not, storing nothing, and logs every webhook without browser headers', async () => {
    const { s, staff } = await bookedSession();
    const e = body({ id: 'EV_big', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    const padded = { ...e, room: new Room({ sid: 'RM_one', name: `session-${s.id}`, metadata: 'x'.repeat(1024 * 1024) }) };
    const big = await signedWebhook(padded);
    const r1 = await t.request('POST', '/api/livekit/webhook', { body: big.body, headers: big.headers });
    expect(r1.status).toBe(413);
    expect(r1.json.error.code).toBe('payload_too_large');
    expect(await countEvents()).toBe(0);

    const ok = await send({ id: 'EV_ok', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await countEvents()).toBe(1);
    const logged = t.logger.lines.filter((l) => l.msg === 'request' && l.path === '/api/livekit/webhook').map((l) => [l.method, l.status]);
    expect(logged).toEqual([['POST', 413], ['POST', 200]]);
  });
});

describe('presence from webhooks', () => {
  it('stores a retried event once and counts it once', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const joined: Ev = { id: 'EV_j', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') };
    const left: Ev = { id: 'EV_l', event: 'participant_left', at: at('17:10'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') };
    await send(joined);
    await send(left);
    const again = await send(left);
    expect(again.json.duplicate).toBe(true);
    await send(joined);
    expect(await countEvents()).toBe(2);
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 70, attended: true, source: 'livekit', inRoom: false });
  });

  it('copes with LiveKit delivering events and their retries at the same moment', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const joined: Ev = { id: 'C1', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_c', joinedAt: at('16:00') };
    const left: Ev = { id: 'C2', event: 'participant_left', at: at('17:20'), sessionId: s.id, user: staff, sid: 'PA_c', joinedAt: at('16:00') };
    const results = await Promise.all([send(left), send(joined), send(left), send(joined), send(left)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => !r.json.duplicate)).toHaveLength(2);
    expect(await countEvents()).toBe(2);
    expect(await t.db.selectFrom('presence_intervals').selectAll().execute()).toHaveLength(1);
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 80, attended: true });
  });

  it('a burst of events for many rooms at once (written together) leaves what they leave one by one', async () => {
    const burst = async (together: boolean) => {
      const people = [];
      for (let i = 0; i < 4; i++) people.push(await bookedSession());
      const evs: Ev[] = people.flatMap(({ s, staff }, i) => {
        const roomSid = `RM_burst_${s.id}`;
        const sid = `PA_burst_${s.id}`;
        return [
          { id: `${s.id}-j`, event: 'participant_joined', at: at('16:00'), sessionId: s.id, roomSid, user: staff, sid, joinedAt: at('16:00') },
          { id: `${s.id}-l`, event: 'participant_left', at: at(`17:${String(i * 10).padStart(2, '0')}`), sessionId: s.id, roomSid, user: staff, sid, joinedAt: at('16:00') },
        ] as Ev[];
      });
      const all = [...evs, evs[0]!, evs[3]!]; // and two retries
      const answers = together ? await Promise.all(all.map(send)) : await (async () => { const out = []; for (const e of all) out.push(await send(e)); return out; })();
      t.clock.set(at('18:00'));
      const rows = [];
      for (const p of people) rows.push(await row(p.s.id, p.bookingId, p.s.trainer));
      t.clock.set('2026-01-12T09:00:00.000Z');
      // Which of an event and its retry arriving together is stored first is a race either
      // way; what matters is that each event is stored once and every delivery is answered 200.
      const firsts = new Map<string, number>();
      for (const a of answers) if (!a.json.duplicate) firsts.set(a.json.id, (firsts.get(a.json.id) ?? 0) + 1);
      return { statuses: answers.map((a) => a.status), stored: [...firsts.entries()].sort(), rows: rows.map((r) => [r.minutes, r.attended, r.inRoom]) };
    };
    const oneByOne = await burst(false);
    const together = await burst(true);
    // Sessions (and so event ids) differ between the two runs: compare their shapes.
    expect(together.statuses).toEqual(oneByOne.statuses);
    expect(together.stored.map(([, n]) => n)).toEqual(oneByOne.stored.map(([, n]) => n));
    expect(together.rows).toEqual(oneByOne.rows);
    expect(oneByOne.statuses.every((s) => s === 200)).toBe(true);
    expect(oneByOne.stored).toHaveLength(8); // 8 events, each stored once; the 2 retries were duplicates
    expect(oneByOne.stored.every(([, n]) => n === 1)).toBe(true);
    // 60 minutes is under 75% of 90; 70, 80 and 90 are over.
    expect(oneByOne.rows).toEqual([[60, false, false], [70, true, false], [80, true, false], [90, true, false]]);
  });

  it('gives the same minutes whatever order the events arrive in', async () => {
    const events = (sessionId: string, user: TestUser): Ev[] => {
      const roomSid = `RM_${sessionId}`;
      return [
        { id: `${sessionId}-1`, event: 'participant_joined', at: at('16:00'), sessionId, roomSid, user, sid: `PA_a${sessionId}`, joinedAt: at('16:00') },
        { id: `${sessionId}-2`, event: 'participant_left', at: at('16:40'), sessionId, roomSid, user, sid: `PA_a${sessionId}`, joinedAt: at('16:00') },
        { id: `${sessionId}-3`, event: 'participant_joined', at: at('16:41'), sessionId, roomSid, user, sid: `PA_b${sessionId}`, joinedAt: at('16:41') },
        { id: `${sessionId}-4`, event: 'room_finished', at: at('17:05'), sessionId, roomSid },
      ];
    };
    const orders = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1], [1, 3, 0, 2]];
    const seen = new Set<string>();
    for (const order of orders) {
      const { s, staff, bookingId } = await bookedSession();
      const evs = events(s.id, staff);
      for (const i of order) expect((await send(evs[i]!)).status).toBe(200);
      t.clock.set(at('18:00'));
      const r = await row(s.id, bookingId, s.trainer);
      seen.add(`${r.minutes}/${r.attended}`);
      t.clock.set('2026-01-12T09:00:00.000Z');
    }
    // 16:00-16:40 and 16:41-17:05 (closed by room_finished): 64 minutes, under 75% of 90.
    expect([...seen]).toEqual(['64/false']);
  });

  it('handles a quick re-join whose participant_left arrives late', async () => {
    const { s, staff, bookingId } = await bookedSession();
    await send({ id: 'E1', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_old', joinedAt: at('16:00') });
    // Network blip at 16:30: the browser reconnects as a new participant at once...
    await send({ id: 'E2', event: 'participant_joined', at: at('16:30'), sessionId: s.id, user: staff, sid: 'PA_new', joinedAt: at('16:30') });
    // ...and LiveKit's participant_left for the old connection arrives afterwards.
    await send({ id: 'E3', event: 'participant_left', at: at('16:31'), sessionId: s.id, user: staff, sid: 'PA_old', joinedAt: at('16:00') });
    t.clock.set(at('17:00'));
    // The late left closes only the old connection: still in the room.
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 60, inRoom: true });
    await send({ id: 'E4', event: 'participant_left', at: at('17:30'), sessionId: s.id, user: staff, sid: 'PA_new', joinedAt: at('16:30') });
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 90, attended: true, inRoom: false });
  });

  it('accepts a participant_left before its participant_joined', async () => {
    const { s, staff, bookingId } = await bookedSession();
    await send({ id: 'L', event: 'participant_left', at: at('17:15'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:05') });
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 70, attended: true });
    await send({ id: 'J', event: 'participant_joined', at: at('16:05'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:05') });
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 70, attended: true });
  });

  it('closes open connections at room_finished', async () => {
    const { s, staff, bookingId } = await bookedSession();
    await send({ id: 'J', event: 'participant_joined', at: at('16:00'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    t.clock.set(at('16:20'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 20, inRoom: true });
    await send({ id: 'F', event: 'room_finished', at: at('17:00'), sessionId: s.id });
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 60, attended: false, inRoom: false });
  });

  it('does not count participant_connection_aborted as presence', async () => {
    const { s, staff, bookingId } = await bookedSession();
    // LiveKit can send participant_left for a connection that never became active.
    await send({ id: 'A', event: 'participant_connection_aborted', at: at('16:02'), sessionId: s.id, user: staff, sid: 'PA_fail', joinedAt: at('16:00') });
    await send({ id: 'L', event: 'participant_left', at: at('17:20'), sessionId: s.id, user: staff, sid: 'PA_fail', joinedAt: at('16:00') });
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 0, attended: false, source: 'none' });
  });

  it('keys rooms on their sid, so a reused room name does not mix rooms', async () => {
    const { s, staff, bookingId } = await bookedSession();
    await send({ id: 'J1', event: 'participant_joined', at: at('16:00'), sessionId: s.id, roomSid: 'RM_first', user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    // The trainer ended the room at 16:30 and opened it again: same name, new sid.
    await send({ id: 'J2', event: 'participant_joined', at: at('16:40'), sessionId: s.id, roomSid: 'RM_second', user: staff, sid: 'PA_2', joinedAt: at('16:40') });
    // The first room's room_finished arrives late; it must not close the second room's connection.
    await send({ id: 'F1', event: 'room_finished', at: at('16:30'), sessionId: s.id, roomSid: 'RM_first' });
    t.clock.set(at('17:30'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 80, attended: true, inRoom: true });
    const rooms = await t.db.selectFrom('live_rooms').select(['room_sid', 'session_id', 'finished_at']).orderBy('room_sid').execute();
    expect(rooms).toEqual([
      { room_sid: 'RM_first', session_id: s.id, finished_at: at('16:30') },
      { room_sid: 'RM_second', session_id: s.id, finished_at: null },
    ]);
  });

  it('stores but ignores events of rooms that are not sessions', async () => {
    const res = await send({ id: 'X', event: 'room_started', at: at('16:00'), sessionId: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(200);
    expect(await t.db.selectFrom('live_rooms').selectAll().execute()).toEqual([]);
  });
});

describe('repair by polling the room', () => {
  it('a pass ends at the first sign LiveKit is not answering, the other rooms left for the next pass (the job loop, mail included, waits for it); and between rooms once the loop is stopping', async () => {
    const sessions = [await bookedSession(), await bookedSession(), await bookedSession()];
    t.clock.set(at('16:05'));
    lk.setMode('fail');
    const asked = () => lk.calls.filter((c) => c.method === 'ListRooms').length;
    expect(await repairLiveRooms(t.deps)).toEqual({ rooms: 0, participants: 0 });
    expect(asked()).toBe(1);
    expect(t.logger.lines.filter((l) => l.msg === 'live room repair skipped')).toHaveLength(1);
    // LiveKit back: the next pass (its polls are due again) reaches every room.
    lk.setMode('ok');
    for (const { s, staff } of sessions) lk.addParticipant(`session-${s.id}`, { sid: `PA_${s.id.slice(0, 6)}`, identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:00')) });
    t.clock.set(at('16:10'));
    expect(await repairLiveRooms(t.deps)).toEqual({ rooms: 3, participants: 3 });
    // Stopping (a shutdown): no room is polled after the first.
    t.clock.set(at('16:15'));
    let polled = 0;
    const before = asked();
    expect(await repairLiveRooms(t.deps, () => polled++ > 0)).toMatchObject({ rooms: 1 });
    expect(asked() - before).toBe(1);
  });

  it('records people the room lists, and closes connections it no longer lists', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const room = `session-${s.id}`;
    lk.addParticipant(room, { sid: 'PA_1', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:00')) });
    t.clock.set(at('16:05'));
    expect(await repairLiveRooms(t.deps)).toEqual({ rooms: 1, participants: 1 });
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 5, inRoom: true, source: 'livekit' });
    const list = lk.calls.find((c) => c.method === 'ListParticipants')!;
    expect(list.grants.video).toMatchObject({ roomAdmin: true, room });

    // The participant_left webhook was lost; the next poll sees they are gone.
    lk.dropParticipant(room, 'PA_1');
    t.clock.set(at('16:50'));
    await repairLiveRooms(t.deps);
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 50, inRoom: false });
    // A real participant_left that turns up later is better evidence and wins.
    await send({ id: 'late', event: 'participant_left', at: at('16:45'), sessionId: s.id, user: staff, sid: 'PA_1', joinedAt: at('16:00') });
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 45 });
  });

  it('does not count a connection whose media never got through (listed as joining or joined, never active), and counts it once it is active', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const room = `session-${s.id}`;
    // JOINING (0), then JOINED (1): signalling connected, media blocked (no participant_joined from LiveKit).
    lk.addParticipant(room, { sid: 'PA_blocked', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:00')), state: 0 });
    t.clock.set(at('16:05'));
    expect(await repairLiveRooms(t.deps)).toEqual({ rooms: 1, participants: 0 });
    lk.addParticipant(room, { sid: 'PA_blocked', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:00')), state: 1 });
    t.clock.set(at('16:40'));
    expect(await repairLiveRooms(t.deps)).toEqual({ rooms: 1, participants: 0 });
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 0, inRoom: false });
    // Another try gets through: counted from when it joined.
    lk.dropParticipant(room, 'PA_blocked');
    lk.addParticipant(room, { sid: 'PA_through', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:45')), state: 2 });
    t.clock.set(at('16:50'));
    expect(await repairLiveRooms(t.deps)).toEqual({ rooms: 1, participants: 1 });
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 5, inRoom: true });
  });

  it('puts out someone a trainer removed who is back with a token they still held (LiveKit never reported the join), counting none of that time', async () => {
    const { s, staff, bookingId } = await bookedSession();
    const room = `session-${s.id}`;
    t.clock.set(START);
    expect((await t.request('POST', `/api/sessions/${s.id}/join`, { as: s.trainer })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/live/remove`, { as: s.trainer, body: { identity: `user-${staff.id}` } })).status).toBe(200);
    lk.addParticipant(room, { sid: 'PA_back', identity: `user-${staff.id}`, joinedAtMs: Date.parse(at('16:01')) });
    lk.addParticipant(room, { sid: 'PA_trainer', identity: `user-${s.trainer.id}`, joinedAtMs: Date.parse(at('16:00')) });
    for (const hhmm of ['16:02', '16:30', '17:00', '17:29']) {
      t.clock.set(at(hhmm));
      await repairLiveRooms(t.deps);
      const inRoom = (lk.participants.get(room) ?? []).map((p) => p.identity);
      expect(inRoom, hhmm).not.toContain(`user-${staff.id}`);
      expect(inRoom, hhmm).toContain(`user-${s.trainer.id}`);
      // Back again before the next check, as a client reconnecting would be.
      lk.addParticipant(room, { sid: `PA_back_${hhmm}`, identity: `user-${staff.id}`, joinedAtMs: Date.parse(at(hhmm)) });
    }
    t.clock.set(at('18:00'));
    expect(await row(s.id, bookingId, s.trainer)).toMatchObject({ minutes: 0, attended: false });
  });

  it('runs from the job loop only when LiveKit is configured, and survives LiveKit being down', async () => {
    const { s } = await bookedSession();
    t.clock.set(at('16:10'));
    await runJobsOnce(t.deps, null);
    expect(lk.calls.some((c) => c.method === 'ListRooms' && c.body.names?.includes(`session-${s.id}`))).toBe(true);
    // Several processes run the jobs: a room is polled at most every 30 seconds.
    const polls = () => lk.calls.filter((c) => c.method === 'ListRooms').length;
    const first = polls();
    await repairLiveRooms(t.deps);
    expect(polls()).toBe(first);
    t.clock.advance(30_000);
    lk.setMode('fail');
    await expect(repairLiveRooms(t.deps)).resolves.toEqual({ rooms: 0, participants: 0 });
    expect(polls()).toBe(first + 1);
    expect(t.logger.lines.some((l) => l.msg === 'live room repair skipped')).toBe(true);
    // Outside the live window nothing is polled.
    lk.setMode('ok');
    const before = lk.calls.length;
    t.clock.set(at('17:46')); // past the end and its 15-minute grace
    await repairLiveRooms(t.deps);
    expect(lk.calls.length).toBe(before);
  });
});
