/**
 * A stand-in for LiveKit's HTTP room API (Twirp: POST /twirp/livekit.RoomService/<Method>),
 * for tests only. It checks every call's Bearer JWT with the SDK's own TokenVerifier and
 * the grant each method needs, records the calls, keeps rooms and participants in memory,
 * and can fail (HTTP 503) or hang to show how the app copes when LiveKit is down.
 * Also: signed webhooks made exactly as LiveKit makes them (AccessToken with a sha256 claim).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessToken, ParticipantInfo, Room, TokenVerifier, WebhookEvent, type ClaimGrants } from 'livekit-server-sdk';

export const TEST_LK = { apiKey: 'APItestkey', apiSecret: 'test-secret-that-is-long-enough-for-hs256-0123456789' };

export interface StandInCall {
  method: string;
  body: any;
  grants: ClaimGrants;
}

export interface StandInParticipant {
  sid: string;
  identity: string;
  name?: string;
  joinedAtMs: number;
  state?: number;
  permission?: Record<string, unknown>;
  tracks?: { sid: string; muted?: boolean }[];
}

type Mode = 'ok' | 'fail' | 'hang';

const NEEDS: Record<string, (g: ClaimGrants, body: any) => boolean> = {
  CreateRoom: (g) => !!g.video?.roomCreate,
  DeleteRoom: (g) => !!g.video?.roomCreate,
  ListRooms: (g) => !!g.video?.roomList,
  ListParticipants: (g, b) => !!g.video?.roomAdmin && g.video.room === b.room,
  GetParticipant: (g, b) => !!g.video?.roomAdmin && g.video.room === b.room,
  RemoveParticipant: (g, b) => !!g.video?.roomAdmin && g.video.room === b.room,
  MutePublishedTrack: (g, b) => !!g.video?.roomAdmin && g.video.room === b.room,
  UpdateParticipant: (g, b) => !!g.video?.roomAdmin && g.video.room === b.room,
};

export async function startLiveKitStandIn(keys = TEST_LK) {
  const verifier = new TokenVerifier(keys.apiKey, keys.apiSecret);
  const calls: StandInCall[] = [];
  const rejected: { method: string; reason: string }[] = [];
  const rooms = new Map<string, { sid: string; name: string; emptyTimeout: number; departureTimeout: number; maxParticipants: number; metadata: string; creationTime: number }>();
  const participants = new Map<string, StandInParticipant[]>();
  let mode: Mode = 'ok';
  let roomCounter = 0;
  const hanging = new Set<http.ServerResponse>();

  const twirpError = (res: http.ServerResponse, status: number, code: string, msg: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, msg }));
  };
  const reply = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const roomJson = (name: string) => {
    const r = rooms.get(name)!;
    return new Room({ sid: r.sid, name: r.name, emptyTimeout: r.emptyTimeout, departureTimeout: r.departureTimeout, maxParticipants: r.maxParticipants, metadata: r.metadata, creationTime: BigInt(r.creationTime), numParticipants: participants.get(name)?.length ?? 0 }).toJson();
  };
  const participantJson = (p: StandInParticipant) =>
    new ParticipantInfo({ sid: p.sid, identity: p.identity, name: p.name ?? '', state: p.state ?? 2, joinedAt: BigInt(Math.floor(p.joinedAtMs / 1000)), joinedAtMs: BigInt(p.joinedAtMs), permission: p.permission as any }).toJson();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return twirpError(res, 404, 'bad_route', 'no such route');
    const method = m[1]!;
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return twirpError(res, 400, 'malformed', 'bad json');
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let grants: ClaimGrants;
    try {
      grants = await verifier.verify(auth ?? '');
    } catch (e) {
      rejected.push({ method, reason: 'bad token' });
      return twirpError(res, 401, 'unauthenticated', String(e));
    }
    const need = NEEDS[method];
    if (!need || !need(grants, body)) {
      rejected.push({ method, reason: 'missing grant' });
      return twirpError(res, 403, 'permission_denied', 'missing grant');
    }
    calls.push({ method, body, grants });
    if (mode === 'fail') return twirpError(res, 503, 'unavailable', 'stand-in is failing on purpose');
    if (mode === 'hang') {
      hanging.add(res);
      return;
    }
    const list = (room: string) => participants.get(room) ?? [];
    const find = (room: string, identity: string) => list(room).find((p) => p.identity === identity);
    switch (method) {
      case 'CreateRoom': {
        if (!rooms.has(body.name)) {
          rooms.set(body.name, { sid: `RM_stand${++roomCounter}`, name: body.name, emptyTimeout: body.emptyTimeout ?? 0, departureTimeout: body.departureTimeout ?? 0, maxParticipants: body.maxParticipants ?? 0, metadata: body.metadata ?? '', creationTime: Math.floor(Date.now() / 1000) });
        }
        return reply(res, roomJson(body.name));
      }
      case 'ListRooms': {
        const names: string[] = body.names ?? [];
        return reply(res, { rooms: [...rooms.keys()].filter((n) => names.length === 0 || names.includes(n)).map(roomJson) });
      }
      case 'DeleteRoom': {
        if (!rooms.has(body.room)) return twirpError(res, 404, 'not_found', 'room not found');
        rooms.delete(body.room);
        participants.delete(body.room);
        return reply(res, {});
      }
      case 'ListParticipants':
        return reply(res, { participants: list(body.room).map(participantJson) });
      case 'RemoveParticipant': {
        if (!find(body.room, body.identity)) return twirpError(res, 404, 'not_found', 'participant not found');
        participants.set(body.room, list(body.room).filter((p) => p.identity !== body.identity));
        return reply(res, {});
      }
      case 'MutePublishedTrack': {
        const p = find(body.room, body.identity);
        const t = p?.tracks?.find((x) => x.sid === body.trackSid);
        if (!p || !t) return twirpError(res, 404, 'not_found', 'track not found');
        t.muted = !!body.muted;
        return reply(res, { track: { sid: t.sid, muted: t.muted } });
      }
      case 'UpdateParticipant': {
        const p = find(body.room, body.identity);
        if (!p) return twirpError(res, 404, 'not_found', 'participant not found');
        if (body.permission) p.permission = body.permission;
        return reply(res, participantJson(p));
      }
      default:
        return twirpError(res, 404, 'bad_route', 'not implemented in the stand-in');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    /** As LIVEKIT_URL: ws:// like a real deployment; the SDK turns it into http:// for the API. */
    url: `ws://127.0.0.1:${port}`,
    config: { url: `ws://127.0.0.1:${port}`, apiKey: keys.apiKey, apiSecret: keys.apiSecret },
    calls,
    rejected,
    rooms,
    participants,
    setMode(m: Mode) {
      mode = m;
    },
    /** Puts a participant in a room (creating the room if needed), as if they had connected. */
    addParticipant(roomName: string, p: StandInParticipant) {
      if (!rooms.has(roomName)) rooms.set(roomName, { sid: `RM_stand${++roomCounter}`, name: roomName, emptyTimeout: 0, departureTimeout: 0, maxParticipants: 0, metadata: '', creationTime: Math.floor(Date.now() / 1000) });
      participants.set(roomName, [...(participants.get(roomName) ?? []).filter((x) => x.sid !== p.sid), p]);
      return rooms.get(roomName)!.sid;
    },
    dropParticipant(roomName: string, sid: string) {
      participants.set(roomName, (participants.get(roomName) ?? []).filter((x) => x.sid !== sid));
    },
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type LiveKitStandIn = Awaited<ReturnType<typeof startLiveKitStandIn>>;

/** A webhook exactly as LiveKit sends it: JSON body, Authorization = JWT whose sha256 claim is the body's hash. */
export async function signedWebhook(event: ConstructorParameters<typeof WebhookEvent>[0], keys = TEST_LK): Promise<{ body: string; headers: Record<string, string> }> {
  const ev = new WebhookEvent(event);
  // The SDK's WebhookEvent constructor resets `event` after copying the data; set it again.
  ev.event = (event?.event ?? '') as typeof ev.event;
  const body = ev.toJsonString();
  return { body, headers: { authorization: await webhookAuth(body, keys), 'content-type': 'application/webhook+json' } };
}

export async function webhookAuth(body: string, keys = TEST_LK): Promise<string> {
  const at = new AccessToken(keys.apiKey, keys.apiSecret);
  at.sha256 = createHash('sha256').update(body).digest('base64');
  return at.toJwt();
}

export { ParticipantInfo, Room };
