/**
 * Against a real LiveKit server, when one is configured: LIVEKIT_URL, LIVEKIT_API_KEY and
 * LIVEKIT_API_SECRET (e.g. `livekit-server --dev` gives ws://127.0.0.1:7880, devkey, secret).
 * Otherwise it says why it skipped.
 */
import { RoomServiceClient } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { repairLiveRooms } from '../../server/live/service.js';
import { makeTestContext } from '../helpers.js';

const url = process.env.LIVEKIT_URL;
const apiKey = process.env.LIVEKIT_API_KEY;
const apiSecret = process.env.LIVEKIT_API_SECRET;
const configured = !!(url && apiKey && apiSecret);
if (!configured) {
  console.log(
    'live-real.test.ts skipped: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to run it against a real LiveKit server ' +
      '(for example `livekit-server --dev` with LIVEKIT_URL=ws://127.0.0.1:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret).',
  );
}

describe.skipIf(!configured)('with a real LiveKit server', () => {
  it('opens the room with its limits, the server accepts the join token, and the trainer can end it', async () => {
    const now = new Date();
    const t = await makeTestContext({ now: now.toISOString(), config: { livekit: { url: url!, apiKey: apiKey!, apiSecret: apiSecret! } } });
    try {
      const org = await t.org();
      const s = await t.session({ startsAt: new Date(now.getTime() - 5 * 60_000).toISOString(), endsAt: new Date(now.getTime() + 60 * 60_000).toISOString(), capacity: { online: 10 } });
      const staff = await t.user('staff', org.id);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json.status).toBe('confirmed');
      const joined = await t.request('POST', `/api/sessions/${s.id}/join`, { as: staff });
      expect(joined.status).toBe(200);

      const http = joined.json.serverUrl.replace(/^ws/, 'http').replace(/\/$/, '');
      const validate = await fetch(`${http}/rtc/validate?access_token=${encodeURIComponent(joined.json.token)}`, { signal: AbortSignal.timeout(5000) });
      expect(validate.status).toBe(200);

      const rooms = new RoomServiceClient(http, apiKey, apiSecret);
      const [room] = await rooms.listRooms([joined.json.room]);
      expect(room?.maxParticipants).toBe(0);
      expect(await repairLiveRooms(t.deps)).toMatchObject({ rooms: 1 });

      expect((await t.request('POST', `/api/sessions/${s.id}/live/end`, { as: s.trainer })).status).toBe(200);
      expect(await rooms.listRooms([joined.json.room])).toEqual([]);
    } finally {
      await t.close();
    }
  }, 30_000);
});
