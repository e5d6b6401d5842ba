/**
 * The one place that talks to LiveKit, through its official server SDK: join tokens
 * (AccessToken), room control (RoomServiceClient over LiveKit's Twirp HTTP API) and webhook
 * verification (WebhookReceiver). Any failure or timeout of LiveKit becomes a clear
 * `livekit_unavailable`; missing configuration becomes `livekit_not_configured`.
 */
import type { AgentDispatchClient, ParticipantInfo, Room, RoomAgentDispatch, RoomServiceClient, VideoGrant, WebhookEvent, WebhookReceiver } from 'livekit-server-sdk';
import { AppError } from '../errors.js';
import type { Deps, LiveKitConfig } from '../platform/deps.js';
import type { Logger } from '../platform/logging.js';

/**
 * The SDK (with LiveKit's protocol buffers, the heaviest thing the server imports) is loaded
 * the first time LiveKit is used, not when the server starts: a server without LiveKit
 * configured, and every process until a room is opened, never needs it.
 */
let sdk: Promise<typeof import('livekit-server-sdk')> | undefined;
const livekitSdk = () => (sdk ??= import('livekit-server-sdk'));

/** Seconds LiveKit keeps an empty room open, before anyone joins and after the last one leaves. */
export const EMPTY_TIMEOUT_SECONDS = 10 * 60;
/** Join tokens are short-lived; a connected client gets refreshed tokens from LiveKit itself. */
export const TOKEN_TTL_SECONDS = 10 * 60;
/** The least a join token is given, however close the end: time enough to connect. */
export const MIN_TOKEN_TTL_SECONDS = 60;
/** A LiveKit API call that takes longer than this is treated as LiveKit being unavailable. */
export const REQUEST_TIMEOUT_SECONDS = 3;

export function requireLiveKit(deps: Deps): LiveKitConfig {
  const lk = deps.config.livekit;
  if (!lk) {
    // The settings it needs are named in details (for whoever runs the server), not in the words people read.
    throw new AppError('livekit_not_configured', 'Live video has not been set up on this server yet. Please ask your administrator.', {
      settings: ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'],
    });
  }
  return lk;
}

/** The HTTP(S) base of the LiveKit API for a ws(s):// or http(s):// LIVEKIT_URL. */
export const apiHost = (url: string) => url.replace(/^ws(s?):\/\//, 'http$1://');

export async function roomClient(lk: LiveKitConfig): Promise<RoomServiceClient> {
  const { RoomServiceClient } = await livekitSdk();
  return new RoomServiceClient(apiHost(lk.url), lk.apiKey, lk.apiSecret, { requestTimeout: REQUEST_TIMEOUT_SECONDS, failover: false });
}

/** The LiveKit URL browsers connect to (LIVEKIT_PUBLIC_URL, else LIVEKIT_URL). */
export const publicUrlOf = (lk: LiveKitConfig) => lk.publicUrl || lk.url;

export interface TokenSpec {
  identity: string;
  name: string;
  room: string;
  /** Attributes only the server sets: the token carries no right to change them. */
  attributes: Record<string, string>;
  grant: Pick<VideoGrant, 'canPublish' | 'canPublishData' | 'canSubscribe'>;
  /** How long it may be used to connect (seconds; TOKEN_TTL_SECONDS unless less is left). */
  ttlSeconds?: number;
}

/**
 * A join token. It never grants `roomAdmin` (every control goes through this server) nor
 * `canUpdateOwnMetadata`, so a participant cannot change their own name, metadata or
 * attributes: what the room shows about them is what this server put there.
 */
export async function mintToken(lk: LiveKitConfig, spec: TokenSpec): Promise<string> {
  const { AccessToken } = await livekitSdk();
  const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity: spec.identity, name: spec.name, attributes: spec.attributes, ttl: spec.ttlSeconds ?? TOKEN_TTL_SECONDS });
  at.addGrant({ ...spec.grant, room: spec.room, roomJoin: true, roomAdmin: false, canUpdateOwnMetadata: false });
  return at.toJwt();
}

/** One receiver per configuration, made once rather than on every webhook. */
const receivers = new WeakMap<LiveKitConfig, WebhookReceiver>();
async function webhookReceiver(lk: LiveKitConfig): Promise<WebhookReceiver> {
  let r = receivers.get(lk);
  if (!r) {
    const { WebhookReceiver } = await livekitSdk();
    r = receivers.get(lk) ?? new WebhookReceiver(lk.apiKey, lk.apiSecret);
    receivers.set(lk, r);
  }
  return r;
}

/**
 * Verifies a webhook's Authorization JWT (its sha256 claim must be the raw body's hash)
 * and decodes the event. A forged, tampered or unreadable call is a 401 and nothing else
 * happens.
 */
export async function receiveWebhook(lk: LiveKitConfig, rawBody: string, authorization: string | undefined, logger: Pick<Logger, 'warn'>): Promise<WebhookEvent> {
  const receiver = await webhookReceiver(lk);
  try {
    return await receiver.receive(rawBody, authorization ?? '', false, WEBHOOK_CLOCK_TOLERANCE_S);
  } catch (err) {
    // Why, for whoever runs the service: a wrong secret and a clock out of step look alike to LiveKit.
    logger.warn('livekit webhook refused', { error: err instanceof Error ? err.message : String(err) });
    throw new AppError('invalid_signature', 'The webhook signature is missing, expired or does not match its body.');
  }
}

/**
 * LiveKit signs a webhook valid from its own clock's "now" for five minutes, and does not send
 * one again that was refused: the SDK's default 10 s allowance would lose every event while
 * this server's clock ran more than 10 s behind LiveKit's. A minute either way is allowed.
 */
const WEBHOOK_CLOCK_TOLERANCE_S = 60;

/**
 * Runs one LiveKit API call. "Not found" (the participant or room is not there) is a 404
 * the caller can act on; LiveKit refusing to unmute someone (it does unless its
 * `room.enable_remote_unmute` is on) is `unmute_not_allowed`; anything else (refused, 5xx,
 * timeout) is `livekit_unavailable`.
 */
export async function callLiveKit<T>(deps: Deps, what: string, fn: (client: RoomServiceClient) => Promise<T>): Promise<T> {
  return callService(deps, what, roomClient, fn);
}

/** Runs one call of LiveKit's agent dispatch API, its failures as callLiveKit's. */
export async function callAgentDispatch<T>(deps: Deps, what: string, fn: (client: AgentDispatchClient) => Promise<T>): Promise<T> {
  return callService(deps, what, dispatchClient, fn);
}

async function dispatchClient(lk: LiveKitConfig): Promise<AgentDispatchClient> {
  const { AgentDispatchClient } = await livekitSdk();
  return new AgentDispatchClient(apiHost(lk.url), lk.apiKey, lk.apiSecret, { requestTimeout: REQUEST_TIMEOUT_SECONDS });
}

async function callService<C, T>(deps: Deps, what: string, client: (lk: LiveKitConfig) => Promise<C>, fn: (client: C) => Promise<T>): Promise<T> {
  const lk = requireLiveKit(deps);
  const { TwirpError } = await livekitSdk();
  try {
    return await fn(await client(lk));
  } catch (e) {
    if (e instanceof TwirpError && (e.status === 404 || e.code === 'not_found')) {
      throw new AppError('not_found', `LiveKit could not ${what}: that participant or room is not there.`);
    }
    if (e instanceof TwirpError && e.code === 'failed_precondition') {
      throw new AppError('unmute_not_allowed', 'They must unmute themselves: the live video service does not let a trainer turn someone’s microphone on. Ask them to unmute.');
    }
    deps.logger.warn('livekit call failed', { what, error: String((e as Error)?.message ?? e) });
    throw new AppError('livekit_unavailable', `The live video service did not answer (could not ${what}). Please try again in a moment.`);
  }
}

/** LiveKit's ParticipantInfo_Kind.AGENT (livekit_models.proto), which the server SDK does not re-export. */
const AGENT_KIND = 4;

/** Whether an agent (LiveKit's participant kind AGENT) is connected to the room now. */
export async function agentConnected(deps: Deps, room: string): Promise<boolean> {
  const { ParticipantInfo_State } = await livekitSdk();
  const people = await callLiveKit(deps, 'list who is in the room', (c) => c.listParticipants(room));
  return people.some((p) => Number(p.kind) === AGENT_KIND && p.state !== ParticipantInfo_State.DISCONNECTED);
}

/** Asks LiveKit to send the named agent to a room as it is created. */
export async function agentDispatch(agentName: string, metadata: string): Promise<RoomAgentDispatch> {
  const { RoomAgentDispatch } = await livekitSdk();
  return new RoomAgentDispatch({ agentName, metadata });
}

export type { ParticipantInfo, Room, WebhookEvent };
