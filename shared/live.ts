/**
 * The live room's API shapes, shared by the server routes and the web client, plus the
 * caption merge both sides use (interim captions are replaced by their final text).
 */
import { z } from 'zod';
import { Instant, Text } from './common.js';

/** The longest caption line kept (the transcript's limit; the room shows no more of a stream than this). */
export const MAX_CAPTION_CHARS = 5000;
/** The longest chat message sent or shown. */
export const MAX_CHAT_CHARS = 2000;

/** `text` cut to at most `max` UTF-16 units, never through the middle of a character (an emoji's two halves). */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Captions travel on this LiveKit text-stream topic, as LiveKit's speech-to-text agents publish them. */
export const TRANSCRIPTION_TOPIC = 'lk.transcription';
/** Text-stream attributes LiveKit agents set on each transcription segment. */
export const TRANSCRIPTION_ATTRIBUTES = { segmentId: 'lk.segment_id', final: 'lk.transcription_final', trackId: 'lk.transcribed_track_id' } as const;

/** The LiveKit identity of a user: stable across joins, so reconnects are one person. */
export const identityOf = (userId: string) => `user-${userId}`;
/** The user id inside an identity made by identityOf, or null for any other participant (agents, egress). */
export function userIdOfIdentity(identity: string): string | null {
  const m = /^user-([0-9a-f-]{36})$/i.exec(identity);
  return m ? m[1]!.toLowerCase() : null;
}
/** The LiveKit room name of a session. */
export const roomNameOf = (sessionId: string) => `session-${sessionId}`;
export function sessionIdOfRoom(name: string): string | null {
  const m = /^session-([0-9a-f-]{36})$/i.exec(name);
  return m ? m[1]!.toLowerCase() : null;
}

export const LiveRole = z.enum(['trainer', 'attendee']);

/**
 * Participant attributes only the server sets (in the join token, then with LiveKit's
 * UpdateParticipant): participants cannot change their own (no `canUpdateOwnMetadata`).
 */
export const ROOM_ATTRIBUTES = {
  /** The person's part in this session's room: see RoomRole. */
  role: 'send.role',
  /** Set while someone's hand is up (value: when it went up); raised and lowered through the server. */
  hand: 'send.hand_raised_at',
} as const;
/** trainer: runs the session; captioner: assigned by a trainer to caption this session (may name who speaks); attendee: everyone else. */
export const RoomRole = z.enum(['trainer', 'captioner', 'attendee']);
export type RoomRole = z.infer<typeof RoomRole>;

/**
 * The browser reports presence this often while in the room. Browsers run timers in a
 * background tab at most once a minute (Chrome's intensive throttling aligns them to the
 * minute), so a report can come up to about a minute late.
 */
export const HEARTBEAT_INTERVAL_MS = 30_000;
/**
 * A gap between reports longer than this starts a new presence interval: two throttled
 * minutes plus a minute of margin for a slow network, so a background tab is never cut.
 */
export const HEARTBEAT_GAP_MS = 3 * 60_000;

export const JoinResult = z.object({
  /** The LiveKit server URL to pass to `room.connect(serverUrl, token)`. */
  serverUrl: z.string(),
  token: z.string(),
  room: z.string(),
  identity: z.string(),
  role: LiveRole,
  canPublish: z.boolean(),
  /** webinar: attendees listen unless invited to speak; workshop: everyone may speak. */
  roomKind: z.enum(['webinar', 'workshop']),
  /** When the token stops working for new connections (LiveKit refreshes it for a connected client). */
  expiresAt: z.string(),
  sessionEndsAt: z.string(),
  /** A speech-to-text agent is set up (LIVEKIT_AGENT_NAME): trainers may start it again should it leave. */
  captionsAgent: z.boolean(),
});
export type JoinResult = z.infer<typeof JoinResult>;

/** What the web client needs before joining: whether and when the caller can join, and with which rights. */
export const LiveStatus = z.object({
  configured: z.boolean(),
  role: LiveRole.nullable(),
  roomKind: z.enum(['webinar', 'workshop']),
  opensAt: z.string(),
  closesAt: z.string(),
  open: z.boolean(),
  canPublish: z.boolean(),
  /** May publish captions (trainer, assigned captioner, or a speaker for their own speech). */
  canCaption: z.boolean(),
  /** A trainer ended the room for everyone: only trainers may join until one reopens it. */
  ended: z.boolean(),
  /** A trainer removed the caller from this room: they may join again only once let back in. */
  removed: z.boolean(),
  room: z.string(),
  identity: z.string(),
});
export type LiveStatus = z.infer<typeof LiveStatus>;

export const Identity = z.string().min(1).max(128);
export const MuteInput = z.object({ identity: Identity, trackSid: z.string().min(1).max(128), muted: z.boolean().default(true) }).strict();
export const RemoveInput = z.object({ identity: Identity }).strict();
export const ReadmitInput = z.object({ identity: Identity }).strict();
export const SpeakerInput = z.object({ identity: Identity, speaker: z.boolean() }).strict();
export const HandInput = z.object({ raised: z.boolean() }).strict();
export const CaptionerInput = z.object({ identity: Identity, assigned: z.boolean() }).strict();
export const LiveActionResult = z.object({ ok: z.literal(true) });
/** "Start automatic captions": whether an agent was sent (false: one was in the room already). */
export const AgentStarted = z.object({ ok: z.literal(true), started: z.boolean() });
/** `applied`: whether a live connection was changed now (false: not connected; the saved decision applies when they join). */
export const LiveAppliedResult = z.object({ ok: z.literal(true), applied: z.boolean() });

/** Someone a trainer removed from the room, who cannot join again until let back in. */
export const RemovedPerson = z.object({ identity: z.string(), name: z.string(), removedAt: z.string() });
export const RemovedList = z.object({ items: z.array(RemovedPerson) });
/** A booked person with the captioner flag, and whether a trainer assigned them to caption this session. */
export const CaptionerCandidate = z.object({ identity: z.string(), name: z.string(), assigned: z.boolean() });
export const CaptionerList = z.object({ items: z.array(CaptionerCandidate) });

export const PresenceInput = z.object({ event: z.enum(['join', 'heartbeat', 'leave']) }).strict();

/** Epoch milliseconds or an ISO instant with offset. */
const Moment = z.union([Instant, z.number().int().min(0).max(8_640_000_000_000)]);
export const CaptionInput = z
  .object({
    segmentId: z.string().min(1).max(128),
    text: Text(MAX_CAPTION_CHARS),
    final: z.boolean(),
    startedAt: Moment.optional(),
    endedAt: Moment.optional(),
    speakerIdentity: Identity.optional(),
  })
  .strict();
export type CaptionInput = z.infer<typeof CaptionInput>;
export const CaptionStored = z.object({ segmentId: z.string(), final: z.boolean(), text: z.string(), startedAt: z.string(), endedAt: z.string().nullable(), speakerIdentity: z.string().nullable(), speakerName: z.string().nullable() });

/** A caption as the room shows it. */
export interface CaptionSegment {
  segmentId: string;
  text: string;
  final: boolean;
  speakerIdentity?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
}

/**
 * Puts one incoming segment into the list: the same segment id replaces the earlier one
 * in place (interim text grows, then the final text replaces it); a late interim never
 * overwrites a final; new segments go to the end. Returns a new array.
 */
export function mergeCaption<T extends CaptionSegment>(list: readonly T[], incoming: T): T[] {
  const i = list.findIndex((s) => s.segmentId === incoming.segmentId);
  if (i === -1) return [...list, incoming];
  const existing = list[i]!;
  const merged = mergeSegment(existing, incoming);
  if (merged === existing) return list.slice();
  const out = list.slice();
  out[i] = merged;
  return out;
}

/** The segment to keep when `incoming` has the same id as `existing`. */
export function mergeSegment<T extends CaptionSegment>(existing: T, incoming: T): T {
  if (existing.final && !incoming.final) return existing;
  return { ...incoming, startedAt: existing.startedAt ?? incoming.startedAt ?? null };
}

