/** Signed LiveKit webhooks for the benchmarks and the profiler, and the LiveKit settings they are signed for. */
import { createHash } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import { identityOf, roomNameOf } from '../shared/live.js';
import type { LoadSpec } from './load.js';
import type { Seeded } from './seed.js';

export const LIVEKIT = { url: 'ws://127.0.0.1:7880', key: 'benchkey', secret: 'bench-secret-that-is-at-least-32-characters-long' };

/**
 * Signed LiveKit webhooks as LiveKit sends them: the JSON event as the body and a JWT in
 * Authorization whose sha256 claim is the base64 SHA-256 of the body (what
 * WebhookReceiver checks). Joins and leaves of booked people in the feed person's rooms.
 */
/** Calls made so far: each call's events are new ones (a second attempt at a load must not send the first's again). */
let calls = 0;

export async function webhookBodies(s: Seeded, n: number): Promise<NonNullable<LoadSpec['cycle']>> {
  const cycle: NonNullable<LoadSpec['cycle']> = [];
  const call = calls++;
  const t0 = Math.floor(Date.now() / 1000);
  for (let i = 0; i < n; i++) {
    const sessionId = s.feedSessionIds[i % s.feedSessionIds.length]!;
    const joined = i % 2 === 0;
    const event = {
      event: joined ? 'participant_joined' : 'participant_left',
      id: `EV_bench_${call}_${i}`,
      createdAt: String(t0 + i),
      room: { sid: `RM_${sessionId}`, name: roomNameOf(sessionId) },
      participant: { sid: `PA_${call}_${i >> 1}`, identity: identityOf(s.feedUser.id), name: 'feed', joinedAt: String(t0 + (i >> 1)) },
    };
    const body = JSON.stringify(event);
    const at = new AccessToken(LIVEKIT.key, LIVEKIT.secret);
    at.sha256 = createHash('sha256').update(body).digest('base64');
    cycle.push({ body, headers: { authorization: await at.toJwt() } });
  }
  return cycle;
}
