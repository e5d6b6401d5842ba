/**
 * Captions in the live room, as pure functions: LiveKit text streams on `lk.transcription`
 * become caption segments, and the viewer's caption settings are read and remembered.
 * The room registers `deliverTranscription` as its text-stream handler; everything it does
 * to the visible captions goes through `handleTranscriptionChunk`, so a test can feed the
 * same path without a LiveKit server.
 */
import { mergeCaption, TRANSCRIPTION_ATTRIBUTES, type CaptionSegment } from '../../../shared/live.js';

/** At most this many segments are kept on screen; older ones stay in the server's transcript. */
export const MAX_SEGMENTS = 200;

export interface RoomCaption extends CaptionSegment {
  /** The identity of the person whose speech this is (the transcribed track's owner when known). */
  speakerIdentity: string;
  /** Local arrival time (ms), used for ordering only. */
  receivedAt: number;
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
  /** Who sent the stream (a speaker's browser, a captioner, or a speech-to-text agent). */
  participantIdentity: string;
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
  };
  const before = state.segments.find((s) => s.segmentId === segmentId);
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
  info: { id: string; attributes?: Record<string, string> };
  [Symbol.asyncIterator](): AsyncIterator<string>;
}

/**
 * Reads one `lk.transcription` text stream as it arrives (each chunk is a delta) and
 * dispatches its growing text through handleTranscriptionChunk; the final flag counts
 * once the stream is complete.
 */
export async function deliverTranscription(
  reader: TranscriptionReader,
  from: { identity: string },
  apply: (fn: (s: CaptionState) => CaptionState) => void,
  trackOwner: (trackSid: string) => string | null = () => null,
): Promise<void> {
  const attributes = reader.info.attributes ?? {};
  const trackSid = attributes[TRANSCRIPTION_ATTRIBUTES.trackId];
  const base = { attributes, participantIdentity: from.identity, trackOwnerIdentity: trackSid ? trackOwner(trackSid) : null, streamId: reader.info.id };
  let text = '';
  for await (const delta of reader) {
    text += delta;
    const partial = text;
    apply((s) => handleTranscriptionChunk(s, { ...base, text: partial, complete: false }));
  }
  apply((s) => handleTranscriptionChunk(s, { ...base, text, complete: true }));
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
