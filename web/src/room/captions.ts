/**
 * Captions in the live room, as pure functions: LiveKit text streams on `lk.transcription`
 * become caption segments, and the viewer's caption settings are read and remembered.
 * The room registers `deliverTranscription` as its text-stream handler; everything it does
 * to the visible captions goes through `handleTranscriptionChunk`, so a test can feed the
 * same path without a LiveKit server.
 */
import { cutText, MAX_CAPTION_CHARS, mergeCaption, TRANSCRIPTION_ATTRIBUTES, type CaptionSegment } from '../../../shared/live.js';
import { serverNow } from '../clock.js';

/** At most this many segments are kept on screen; older ones stay in the server's transcript. */
export const MAX_SEGMENTS = 200;

export interface RoomCaption extends CaptionSegment {
  /** The identity of the person whose speech this is (the transcribed track's owner when known). */
  speakerIdentity: string;
  /** Local arrival time (ms), used for ordering only. */
  receivedAt: number;
  /** Who sent the segment's stream (LiveKit's sender, not what the stream says): only they change it. */
  sentBy: string;
}

export interface CaptionState {
  segments: RoomCaption[];
  /** The newest final segment, for the (optional) screen-reader announcement. */
  lastFinal: RoomCaption | null;
}

export const emptyCaptions = (): CaptionState => ({ segments: [], lastFinal: null });

export interface TranscriptionChunk {
  /** The stream's text so far (the whole segment text, not a delta). */
  text: string;
  /** The text stream's attributes: segment id, final flag, transcribed track id. */
  attributes: Record<string, string> | undefined;
  /** Whose speech the stream is shown as (a speaker's browser, a captioner, or a speech-to-text agent's speaker). */
  participantIdentity: string;
  /** Who sent the stream, as LiveKit says (default: participantIdentity). A segment is its sender's: another's stream reusing its id changes nothing. */
  senderIdentity?: string;
  /** The owner of the transcribed track, when the room knows it. Wins over the sender. */
  trackOwnerIdentity?: string | null;
  /**
   * False while a stream is still arriving: its text is shown as interim even when the
   * stream is marked final, so "final" is only acted on once the whole text is in.
   */
  complete?: boolean;
  /** A stable id for streams that carry no segment id (each stream is then one segment). */
  streamId?: string;
  now?: number;
}

/** True for the attribute value LiveKit uses for a final transcription ("true"). */
export const isFinalAttribute = (v: string | undefined) => v === 'true' || v === '1';

/**
 * Applies one transcription chunk: the same segment id replaces its earlier text (interim
 * grows, then the final text replaces it), a late interim never overwrites a final, and
 * empty interim text is ignored. Returns a new state; the input is not changed.
 */
export function handleTranscriptionChunk(state: CaptionState, chunk: TranscriptionChunk): CaptionState {
  const attrs = chunk.attributes ?? {};
  const segmentId = attrs[TRANSCRIPTION_ATTRIBUTES.segmentId] || chunk.streamId;
  if (!segmentId) return state;
  const final = isFinalAttribute(attrs[TRANSCRIPTION_ATTRIBUTES.final]) && chunk.complete !== false;
  const text = chunk.text.replace(/\s+/g, ' ').trim();
  if (!text && !final) return state;
  const incoming: RoomCaption = {
    segmentId,
    text,
    final,
    speakerIdentity: chunk.trackOwnerIdentity || chunk.participantIdentity,
    receivedAt: chunk.now ?? Date.now(),
    sentBy: chunk.senderIdentity ?? chunk.participantIdentity,
  };
  const before = state.segments.find((s) => s.segmentId === segmentId);
  // Someone reusing another's segment id (a trainer's line, an agent's) would rewrite it on
  // everyone's screen under the first speaker's name: ignored.
  if (before && before.sentBy !== incoming.sentBy) return state;
  let segments = mergeCaption(state.segments, incoming);
  if (before) {
    // Keep the first arrival time and the speaker known at the start of the segment.
    segments = segments.map((s) => (s.segmentId === segmentId ? { ...s, receivedAt: before.receivedAt, speakerIdentity: before.speakerIdentity } : s));
  }
  const merged = segments.find((s) => s.segmentId === segmentId)!;
  // A final segment with no text (a retraction) is dropped from view.
  if (merged.final && !merged.text) segments = segments.filter((s) => s.segmentId !== segmentId);
  if (segments.length > MAX_SEGMENTS) segments = segments.slice(segments.length - MAX_SEGMENTS);
  const becameFinal = final && merged.final && merged.text && !(before?.final && before.text === merged.text);
  return { segments, lastFinal: becameFinal ? merged : state.lastFinal };
}

/** The part of LiveKit's TextStreamReader the caption handler uses. */
export interface TranscriptionReader {
  /** `attributes` may change while the stream is read: LiveKit adds the closing (trailer) attributes when it ends. */
  info: { id: string; attributes?: Record<string, string> };
  [Symbol.asyncIterator](): AsyncIterator<string>;
}

/**
 * Who sent a transcription stream, as the room knows it from what LiveKit and this server
 * set (never from what the sender wrote): LiveKit fills in the sender of every data packet
 * and a participant's kind; the server sets roles in the join token and permissions.
 */
export interface CaptionSender {
  identity: string;
  /** A LiveKit agent (ParticipantKind.AGENT), such as a speech-to-text agent. */
  agent: boolean;
  /** trainer: one of the session's trainers; captioner: assigned by a trainer to this session. */
  role: 'trainer' | 'captioner' | 'attendee' | null;
  /** May publish audio (a speaker): their captions are accepted as their own speech. */
  canPublish: boolean;
}

/**
 * Whether the room shows a sender's captions, and as whose speech. Agents, trainers,
 * assigned captioners and speakers (for their own speech) may caption; anyone else is
 * ignored. The transcribed track (`lk.transcribed_track_id`) names the speaker only when an
 * agent or a captioner a trainer assigned to this session (the server sets that role; naming
 * who is speaking is their job, and the transcript keeps it so) sent it, or it is the
 * sender's own track: anyone else naming someone else's track is shown as saying it
 * themselves, so no other participant can put words in another's mouth.
 */
export function captionSpeaker(sender: CaptionSender, trackOwnerIdentity: string | null): { accept: boolean; speakerIdentity: string } {
  const accept = sender.agent || sender.role === 'trainer' || sender.role === 'captioner' || sender.canPublish;
  const speakerIdentity = (sender.agent || sender.role === 'captioner') && trackOwnerIdentity ? trackOwnerIdentity : sender.identity;
  return { accept, speakerIdentity };
}

/** What a delivered stream became: its segment when it ended final and was accepted, else null. */
export interface DeliveredFinal {
  segmentId: string;
  text: string;
  speakerIdentity: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Reads one `lk.transcription` text stream as it arrives (each chunk is a delta) and
 * dispatches its growing text through handleTranscriptionChunk, all of it as interim.
 * When the stream ends its attributes are read again, since LiveKit's agents add
 * `lk.transcription_final` only in the stream's closing attributes; a stream that closes
 * with no final flag at all (LiveKit's Node agents never send one) ends its segment too.
 * Only an explicit `lk.transcription_final: "false"` keeps it interim.
 */
export async function deliverTranscription(
  reader: TranscriptionReader,
  sender: CaptionSender,
  apply: (fn: (s: CaptionState) => CaptionState) => void,
  trackOwner: (trackSid: string) => string | null = () => null,
): Promise<DeliveredFinal | null> {
  const opening = { ...(reader.info.attributes ?? {}) };
  const trackSid = opening[TRANSCRIPTION_ATTRIBUTES.trackId];
  const who = captionSpeaker(sender, trackSid ? trackOwner(trackSid) : null);
  if (!who.accept) {
    // Drain it so LiveKit can free the stream; nothing is shown.
    for await (const _ of reader) void _;
    return null;
  }
  const startedAt = serverNow();
  const base = { participantIdentity: who.speakerIdentity, senderIdentity: sender.identity, trackOwnerIdentity: null, streamId: reader.info.id };
  // At most MAX_CAPTION_CHARS of a stream are kept and shown (the transcript keeps no more):
  // anyone allowed to caption could otherwise send a stream that grows without end, each
  // chunk making every browser in the room handle all of it again. The rest is read (so
  // LiveKit frees it) and dropped.
  let text = '';
  let kept = true;
  for await (const delta of reader) {
    if (!kept) continue;
    text += delta;
    if (text.length >= MAX_CAPTION_CHARS) {
      text = cutText(text, MAX_CAPTION_CHARS);
      kept = false;
    }
    const partial = text;
    apply((s) => handleTranscriptionChunk(s, { ...base, attributes: opening, text: partial, complete: false }));
  }
  const closing = { ...opening, ...(reader.info.attributes ?? {}) };
  if (closing[TRANSCRIPTION_ATTRIBUTES.final] === undefined) closing[TRANSCRIPTION_ATTRIBUTES.final] = 'true';
  let result: DeliveredFinal | null = null;
  apply((s) => {
    const next = handleTranscriptionChunk(s, { ...base, attributes: closing, text, complete: true });
    const segmentId = closing[TRANSCRIPTION_ATTRIBUTES.segmentId] || reader.info.id;
    const seg = next.segments.find((x) => x.segmentId === segmentId);
    // The line began when its segment first arrived: LiveKit's Python agents send each of a
    // person's interim updates, and then the final, as streams of their own, so this last
    // stream arrives only after the sentence has ended. (receivedAt is by this computer's
    // clock; the transcript's times are the server's.)
    const began = seg ? Math.min(startedAt, seg.receivedAt + (serverNow() - Date.now())) : startedAt;
    if (seg?.final && seg.text && seg.sentBy === sender.identity) result = { segmentId, text: seg.text, speakerIdentity: seg.speakerIdentity, startedAt: began, endedAt: serverNow() };
    return next;
  });
  return result;
}

/**
 * The transcript id under which the page that stores automatic captions (storesAgentCaptions)
 * saves a final caption it was delivered, or null when a browser in the room made the caption
 * and its sender saves it. A browser in the room always makes segment ids beginning with its
 * own identity (newSegmentId; the server refuses any other from someone not a trainer).
 * LiveKit's agents make their own ids ("SG_…"), and send a speaker's captions either as
 * themselves (kept as they are) or, as LiveKit's Python agents do, under the identity of the
 * speaker they transcribe (the server lets an agent publish on a participant's behalf): those
 * are saved under that speaker's identity, so such a line can never stand for, and replace,
 * anyone else's in the transcript. Such a relay is made only for ids of the agents' form
 * while an agent is in the room (`agentInRoom`).
 */
export function automaticCaptionId(sender: CaptionSender, segmentId: string, agentInRoom: boolean): string | null {
  if (sender.agent) return segmentId;
  // Only an agent's own ids ("SG_…"), and only while an agent is in the room: anything else a
  // participant sends is theirs to store (within their own limits), not relayed by a trainer.
  if (!agentInRoom || !/^SG_[A-Za-z0-9]+$/.test(segmentId)) return null;
  return `${sender.identity}-${segmentId}`.slice(0, 128);
}

/** A reader over text that is already whole: used for the local speaker's own captions. */
export function wholeTextReader(id: string, text: string, attributes: Record<string, string>): TranscriptionReader {
  return {
    info: { id, attributes },
    async *[Symbol.asyncIterator]() {
      yield text;
    },
  };
}

// ---- Settings ----------------------------------------------------------------------

export const CAPTION_SIZES = ['small', 'medium', 'large', 'x-large'] as const;
export type CaptionSize = (typeof CAPTION_SIZES)[number];
export const CAPTION_SIZE_LABELS: Record<CaptionSize, string> = { small: 'Small', medium: 'Medium', large: 'Large', 'x-large': 'Extra large' };

export interface CaptionSettings {
  show: boolean;
  size: CaptionSize;
  highContrast: boolean;
  position: 'bottom' | 'side';
  /** Read each finished caption out to screen readers. */
  announce: boolean;
  /** Single-key shortcuts in the room (WCAG 2.1.4: they can be turned off). */
  shortcuts: boolean;
}

export const DEFAULT_SETTINGS: CaptionSettings = { show: true, size: 'medium', highContrast: false, position: 'bottom', announce: true, shortcuts: true };

export const settingsKey = (userId: string) => `send-live:room-settings:${userId}`;

/** The user's remembered settings; anything missing or unreadable falls back to the default. */
export function parseSettings(raw: string | null): CaptionSettings {
  if (!raw) return { ...DEFAULT_SETTINGS };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
  if (!v || typeof v !== 'object') return { ...DEFAULT_SETTINGS };
  const o = v as Record<string, unknown>;
  const bool = (k: keyof CaptionSettings) => (typeof o[k] === 'boolean' ? (o[k] as boolean) : (DEFAULT_SETTINGS[k] as boolean));
  return {
    show: bool('show'),
    size: CAPTION_SIZES.includes(o.size as CaptionSize) ? (o.size as CaptionSize) : DEFAULT_SETTINGS.size,
    highContrast: bool('highContrast'),
    position: o.position === 'side' ? 'side' : 'bottom',
    announce: bool('announce'),
    shortcuts: bool('shortcuts'),
  };
}

export function loadSettings(storage: Pick<Storage, 'getItem'> | undefined, userId: string): CaptionSettings {
  try {
    return parseSettings(storage?.getItem(settingsKey(userId)) ?? null);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(storage: Pick<Storage, 'setItem'> | undefined, userId: string, s: CaptionSettings) {
  try {
    storage?.setItem(settingsKey(userId), JSON.stringify(s));
  } catch {
    /* private browsing or full storage: the settings last for this visit only */
  }
}

/** A fresh segment id for captions this browser publishes. */
export function newSegmentId(identity: string) {
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${identity}-${Date.now().toString(36)}-${rand}`;
}
