/**
 * Claims the README makes that no other test held it to: Secure cookies (and HSTS) once
 * PUBLIC_URL is https, and the attendance threshold set per session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestContext, TEST_PASSWORD, type TestContext } from '../helpers.js';
import { ParticipantInfo, Room, signedWebhook, startLiveKitStandIn, type LiveKitStandIn } from '../livekit-standin.js';

let t: TestContext | undefined;
let lk: LiveKitStandIn | undefined;
afterEach(async () => {
  await t?.close();
  await lk?.close();
  t = undefined;
  lk = undefined;
});

async function signIn(ctx: TestContext) {
  const staff = await ctx.user('staff', (await ctx.org()).id);
  const res = await ctx.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: staff.email, password: TEST_PASSWORD }) });
  expect(res.status).toBe(200);
  return res;
}

describe('session cookies follow PUBLIC_URL', () => {
  it('with an https PUBLIC_URL the sign-in cookie is Secure, HttpOnly and SameSite, and HSTS is sent', async () => {
    t = await makeTestContext({ config: { publicUrl: 'https://training.example.org' } });
    const res = await signIn(t);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('with an http PUBLIC_URL (local development) the cookie is not Secure, so the browser keeps it', async () => {
    t = await makeTestContext({ config: { publicUrl: 'http://localhost:3000' } });
    const res = await signIn(t);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('the attendance threshold is set per session', () => {
  const secs = (iso: string) => BigInt(Math.floor(Date.parse(iso) / 1000));

  it('40 minutes of a 60-minute session counts as attended at a 50% threshold, not at the default 75%', async () => {
    lk = await startLiveKitStandIn();
    t = await makeTestContext({ config: { livekit: lk.config } });
    const ctx = t;
    const org = await ctx.org();
    const trainer = await ctx.user('trainer');
    const times = { startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z' };
    const lenient = await ctx.session({ ...times, title: 'Lenient', attendanceThreshold: 0.5 }, trainer);
    const usual = await ctx.session({ ...times, title: 'Usual' }, trainer);

    const report = async (sessionId: string) => {
      const person = await ctx.user('staff', org.id);
      const booked = await ctx.request('POST', `/api/sessions/${sessionId}/bookings`, { as: person, body: { seat: 'online' } });
      expect(booked.status).toBe(201);
      const participant = (sid: string, joinedAt: string) => new ParticipantInfo({ sid, identity: `user-${person.id}`, name: person.name, joinedAt: secs(joinedAt), joinedAtMs: BigInt(Date.parse(joinedAt)) });
      const room = new Room({ sid: `RM_${sessionId.slice(0, 8)}`, name: `session-${sessionId}` });
      for (const [id, event, at] of [
        [`EV_j_${sessionId}`, 'participant_joined', '2026-02-10T16:10:00.000Z'],
        [`EV_l_${sessionId}`, 'participant_left', '2026-02-10T16:50:00.000Z'],
      ] as const) {
        const { body, headers } = await signedWebhook({ id, event, createdAt: secs(at), room, participant: participant(`PA_${sessionId.slice(0, 8)}`, '2026-02-10T16:10:00.000Z') });
        expect((await ctx.request('POST', '/api/livekit/webhook', { body, headers })).status).toBe(200);
      }
      const res = await ctx.request('GET', `/api/sessions/${sessionId}/attendance`, { as: trainer });
      expect(res.status).toBe(200);
      return { threshold: res.json.session.threshold, row: res.json.items.find((r: { bookingId: string }) => r.bookingId === booked.json.id) };
    };

    const a = await report(lenient.id);
    const b = await report(usual.id);
    expect(a.threshold).toBe(0.5);
    expect(b.threshold).toBe(0.75);
    expect(a.row).toMatchObject({ minutes: 40, attended: true });
    expect(b.row).toMatchObject({ minutes: 40, attended: false });
  });
});
