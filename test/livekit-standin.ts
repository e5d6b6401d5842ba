/**
 * A stand-in for LiveKit's HTTP room API (Twirp: POST /twirp/livekit.RoomService/<Method>),
 * for tests only. It checks every call's Bearer JWT with the SDK's own TokenVerifier and
 * the grant each method needs, records the calls, keeps rooms and participants in memory,
 * and can fail (HTTP 503) or hang to show how the app copes when LiveKit is down.
 *
 * Each method answers as livekit-server does (pkg/service/roomservice.go and
 * pkg/rtc/roommanager.go): a missing room or participant is Twirp `not_found` (404), except
 * for MutePublishedTrack, which livekit-server sends to the participant's RPC topic without
 * looking for them first: for someone not there nobody answers, and it fails as psrpc's
 * ErrNoResponse, Twirp `unavailable` (503, "no response from servers"). MutePublishedTrack
 * refuses to unmute (`failed_precondition`, 412, "remote unmute not
 * enabled") unless the server was configured with `room.enable_remote_unmute`, and answers
 * with no track when the participant has none with that sid; UpdateParticipant merges
 * attributes (an empty value deletes one), replaces the permission as a whole and sets
 * name and metadata only when given; CreateRoom returns the existing room unchanged and
 * dispatches its agents only when it creates it (a room running on a node keeps the limits
 * it was created with, maxParticipants too: livekit-server's RoomManager.getOrCreateRoom
 * answers with the running room); `connect` refuses a newcomer to a full room.
 *
 * `selfUpdate` stands for the one thing a participant can do to itself over LiveKit's
 * signal connection that matters here: change its own name, metadata or attributes, which
 * the server allows only when the join token's video grant has `canUpdateOwnMetadata`
 * (or a later permission update set `canUpdateMetadata`).
 *
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
  attributes?: Record<string, string>;
  metadata?: string;
  /** ParticipantInfo_Kind: 0 standard, 4 agent. */
  kind?: number;
  /** The join token's grants (from `connect`), for what the participant may do to itself. */
  grants?: ClaimGrants;
}

export interface StandInRoom {
  sid: string;
  name: string;
  emptyTimeout: number;
  departureTimeout: number;
  maxParticipants: number;
  metadata: string;
  creationTime: number;
  /** Agents dispatched when the room was created (CreateRoomRequest.agents). */
  agents: { agentName: string; metadata?: string }[];
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
  // AgentDispatchService (agentdispatch.go: EnsureAdminPermission for the request's room).
  CreateDispatch: (g, b) => !!g.video?.roomAdmin && g.video.room === b.room,
};

export async function startLiveKitStandIn(keys = TEST_LK, options: { enableRemoteUnmute?: boolean } = {}) {
  const verifier = new TokenVerifier(keys.apiKey, keys.apiSecret);
  const calls: StandInCall[] = [];
  const rejected: { method: string; reason: string }[] = [];
  const rooms = new Map<string, StandInRoom>();
  const participants = new Map<string, StandInParticipant[]>();
  let mode: Mode = 'ok';
  /** The methods `mode` applies to (null: every method). */
  let modeMethods: Set<string> | null = null;
  let roomCounter = 0;
  let dispatchCounter = 0;
  /** Agent dispatches made with CreateDispatch (AgentDispatchService), in order. */
  const dispatches: { id: string; agentName: string; room: string; metadata: string }[] = [];
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
    new ParticipantInfo({
      sid: p.sid,
      identity: p.identity,
      name: p.name ?? '',
      state: p.state ?? 2,
      joinedAt: BigInt(Math.floor(p.joinedAtMs / 1000)),
      joinedAtMs: BigInt(p.joinedAtMs),
      permission: p.permission as any,
      attributes: p.attributes ?? {},
      metadata: p.metadata ?? '',
      kind: p.kind ?? 0,
      tracks: (p.tracks ?? []).map((t) => ({ sid: t.sid, muted: !!t.muted })) as any,
    }).toJson();
  const notFound = (res: http.ServerResponse, what: 'room' | 'participant') => twirpError(res, 404, 'not_found', what === 'room' ? 'requested room does not exist' : 'participant does not exist');
  const newRoom = (name: string, body: any = {}): StandInRoom => ({
    sid: `RM_stand${++roomCounter}`,
    name,
    emptyTimeout: body.emptyTimeout ?? 0,
    departureTimeout: body.departureTimeout ?? 0,
    maxParticipants: body.maxParticipants ?? 0,
    metadata: body.metadata ?? '',
    creationTime: Math.floor(Date.now() / 1000),
    agents: (body.agents ?? []).map((a: any) => ({ agentName: a.agentName ?? '', ...(a.metadata ? { metadata: a.metadata } : {}) })),
  });

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/twirp\/livekit\.(?:RoomService|AgentDispatchService)\/(\w+)$/.exec(req.url ?? '');
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
    const moded = modeMethods === null || modeMethods.has(method);
    if (mode === 'fail' && moded) return twirpError(res, 503, 'unavailable', 'stand-in is failing on purpose');
    if (mode === 'hang' && moded) {
      hanging.add(res);
      return;
    }
    const list = (room: string) => participants.get(room) ?? [];
    const find = (room: string, identity: string) => list(room).find((p) => p.identity === identity);
    // roommanager.go roomAndParticipantForReq: the room first, then the participant.
    const participantOf = (): StandInParticipant | 'room' | 'participant' => {
      if (!rooms.has(body.room)) return 'room';
      return find(body.room, body.identity) ?? 'participant';
    };
    switch (method) {
      case 'CreateRoom': {
        if (!rooms.has(body.name)) rooms.set(body.name, newRoom(body.name, body));
        return reply(res, roomJson(body.name));
      }
      case 'ListRooms': {
        const names: string[] = body.names ?? [];
        return reply(res, { rooms: [...rooms.keys()].filter((n) => names.length === 0 || names.includes(n)).map(roomJson) });
      }
      case 'DeleteRoom': {
        if (!rooms.has(body.room)) return notFound(res, 'room');
        rooms.delete(body.room);
        participants.delete(body.room);
        return reply(res, {});
      }
      case 'ListParticipants':
        return reply(res, { participants: list(body.room).map(participantJson) });
      case 'GetParticipant': {
        // roomStore.LoadParticipant: someone not in the room (or no room) is ErrParticipantNotFound.
        const p = rooms.has(body.room) ? find(body.room, body.identity) : undefined;
        if (!p) return notFound(res, 'participant');
        return reply(res, participantJson(p));
      }
      case 'RemoveParticipant': {
        const p = participantOf();
        if (typeof p === 'string') return notFound(res, p);
        participants.set(body.room, list(body.room).filter((x) => x.identity !== body.identity));
        return reply(res, {});
      }
      case 'MutePublishedTrack': {
        const p = participantOf();
        // Sent to the participant's RPC topic unchecked: no one there answers (psrpc.ErrNoResponse).
        if (typeof p === 'string') return twirpError(res, 503, 'unavailable', 'no response from servers');
        if (!body.muted && !options.enableRemoteUnmute) return twirpError(res, 412, 'failed_precondition', 'remote unmute not enabled');
        const t = p.tracks?.find((x) => x.sid === body.trackSid);
        if (!t) return reply(res, {});
        t.muted = !!body.muted;
        return reply(res, { track: { sid: t.sid, muted: t.muted } });
      }
      case 'UpdateParticipant': {
        const p = participantOf();
        if (typeof p === 'string') return notFound(res, p);
        if (body.name) p.name = body.name;
        if (body.metadata) p.metadata = body.metadata;
        if (body.attributes) {
          const next = { ...(p.attributes ?? {}) };
          for (const [k, v] of Object.entries(body.attributes as Record<string, string>)) {
            if (v === '') delete next[k];
            else next[k] = v;
          }
          p.attributes = next;
        }
        if (body.permission) p.permission = body.permission;
        return reply(res, participantJson(p));
      }
      case 'CreateDispatch': {
        // A dispatch for a room is kept with it (LiveKit sends the agent once a worker takes the job; a test adds that participant itself).
        const d = { id: `AD_stand${++dispatchCounter}`, agentName: body.agentName ?? '', room: body.room, metadata: body.metadata ?? '' };
        dispatches.push(d);
        return reply(res, d);
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
    dispatches,
    /** Fails or hangs every call, or only those of the methods named. */
    setMode(m: Mode, methods?: readonly string[]) {
      mode = m;
      modeMethods = methods ? new Set(methods) : null;
    },
    /** Calls held unanswered in `hang` mode. */
    hangingCalls: () => [...hanging].filter((r) => !r.writableEnded && !r.destroyed).length,
    /** Puts a participant in a room (creating the room if needed), as if they had connected. */
    addParticipant(roomName: string, p: StandInParticipant) {
      if (!rooms.has(roomName)) rooms.set(roomName, newRoom(roomName));
      participants.set(roomName, [...(participants.get(roomName) ?? []).filter((x) => x.sid !== p.sid), p]);
      return rooms.get(roomName)!.sid;
    },
    /**
     * Connects with a join token as livekit-server accepts one: a valid signature, a
     * `roomJoin` grant for this room; the participant starts with the token's name,
     * metadata and attributes. Refused with the reason otherwise.
     */
    async connect(token: string, sid: string, tracks: { sid: string; muted?: boolean }[] = []): Promise<StandInParticipant> {
      const grants = await verifier.verify(token);
      const room = grants.video?.room;
      if (!grants.video?.roomJoin || !room) throw new Error('permission denied: no roomJoin grant');
      const p: StandInParticipant = { sid, identity: grants.sub!, name: grants.name, metadata: grants.metadata, attributes: { ...(grants.attributes ?? {}) }, kind: grants.kind === 'agent' ? 4 : 0, joinedAtMs: Date.now(), tracks, grants };
      // A full room refuses a newcomer, as livekit-server's Room.Join does (ErrMaxParticipantsExceeded);
      // someone already in it reconnecting takes their own place.
      const r = rooms.get(room);
      const others = (participants.get(room) ?? []).filter((x) => x.identity !== p.identity);
      if (r && r.maxParticipants > 0 && others.length >= r.maxParticipants) throw new Error('room is full');
      this.addParticipant(room, p);
      return p;
    },
    /**
     * A participant changing its own name, metadata or attributes over the signal
     * connection (livekit-client's setName / setMetadata / setAttributes). Refused unless
     * its grants allow it, as livekit-server refuses it.
     */
    selfUpdate(roomName: string, identity: string, update: { name?: string; metadata?: string; attributes?: Record<string, string> }): { ok: true } | { ok: false; reason: string } {
      const p = (participants.get(roomName) ?? []).find((x) => x.identity === identity);
      if (!p) return { ok: false, reason: 'participant does not exist' };
      // A permission set through UpdateParticipant replaces the token's (protobuf JSON leaves false out).
      const allowed = p.permission ? !!p.permission.canUpdateMetadata : !!p.grants?.video?.canUpdateOwnMetadata;
      if (!allowed) return { ok: false, reason: 'does not have permission to update own metadata' };
      if (update.name !== undefined) p.name = update.name;
      if (update.metadata !== undefined) p.metadata = update.metadata;
      if (update.attributes) p.attributes = { ...(p.attributes ?? {}), ...update.attributes };
      return { ok: true };
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
