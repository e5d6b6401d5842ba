/**
 * Ways to produce captions from this browser: a speaker's own speech through the browser's
 * speech recognition, and a captioner's typed live captions. Both publish on
 * `lk.transcription` (interim, then final) and store each final segment on the server.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { api } from '../api.js';
import { MAX_CAPTION_CHARS, cutText } from '../../../shared/live.js';
import { charactersIn, lengthHint, messageOf, tooLongError } from '../components.js';
import { newSegmentId } from './captions.js';
import { speechRecognitionAvailable, startSpeechCaptions, type SpeechCaptioner } from './speech.js';
import { serverNow } from '../clock.js';
import type { RoomController } from './controller.js';

export interface CaptionPublisher {
  identity: string;
  publishCaption(segmentId: string, text: string, final: boolean, speakerIdentity?: string): Promise<void>;
}

/** Stores a final segment in the session's transcript. Failures are reported, not thrown. */
async function storeFinal(sessionId: string, segmentId: string, text: string, startedAt: number, speakerIdentity: string | undefined, onError: (m: string) => void) {
  try {
    await api(`/api/sessions/${encodeURIComponent(sessionId)}/captions`, z.unknown(), {
      method: 'POST',
      body: { segmentId, text, final: true, startedAt: new Date(startedAt).toISOString(), endedAt: new Date(serverNow()).toISOString(), ...(speakerIdentity ? { speakerIdentity } : {}) },
    });
  } catch (e) {
    onError(`A caption was shown live but not saved in the transcript: ${messageOf(e)}`);
  }
}

/** Where the speaker's microphone and permission to speak are watched: the room (RoomController.canPublish, micOn and onMicChange). */
export type MicrophoneWatch = Pick<RoomController, 'canPublish' | 'micOn' | 'onMicChange'>;

/** Said, and shown under the button, while captioning is on but the microphone is off. */
export const MIC_OFF_WORDS = 'Your speech is not captioned while your microphone is off. It will be captioned again when you turn your microphone on.';

/** Said when a trainer makes the person a listener while they have captioning turned on. */
export const LISTEN_ONLY_WORDS = 'Your speech is not captioned while you are listening only. It will be captioned again when a trainer lets you speak and your microphone is on.';

/**
 * "Caption my speech": the browser's speech recognition, which listens to the microphone by
 * itself, whatever the room does with it. So it runs only while the person's microphone is on
 * in the room: muted (by themselves or by a trainer), not published, or no longer allowed to
 * speak, it stops at once and nothing it heard is sent or saved; it starts again when the
 * microphone comes back on, while the person still has captioning turned on. Mounted for
 * everyone in the room, it shows nothing to someone who may only listen, and keeps their
 * choice while a trainer takes permission to speak away and gives it back.
 */
export function SpeechCaptioning({ sessionId, publisher, microphone, onStatus }: { sessionId: string; publisher: CaptionPublisher; microphone: MicrophoneWatch; onStatus: (m: string) => void }) {
  /** The person's choice (the button's state), kept while the microphone is off. */
  const [on, setOn] = useState(false);
  const [micOn, setMicOn] = useState(() => microphone.micOn());
  const [allowed, setAllowed] = useState(() => microphone.canPublish());
  const allowedRef = useRef(allowed);
  const [error, setError] = useState('');
  const recRef = useRef<SpeechCaptioner | null>(null);
  const onRef = useRef(false);
  const segments = useRef(new Map<string, { id: string; startedAt: number }>());
  // The newest props, for LiveKit's events (subscribed once).
  const latest = useRef({ sessionId, publisher, onStatus });
  latest.current = { sessionId, publisher, onStatus };

  const choose = (v: boolean) => {
    onRef.current = v;
    setOn(v);
  };

  /** Starts listening; true if it did. */
  function listen(): boolean {
    if (recRef.current) return true;
    try {
      recRef.current = startSpeechCaptions({
        lang: document.documentElement.lang || 'en-GB',
        onSegment: (key, text, final) => {
          // Whatever the browser heard, nothing is captioned while the microphone is off (a
          // result it had on its way as the person muted comes here too).
          if (!microphone.micOn()) return;
          const { publisher, sessionId } = latest.current;
          let seg = segments.current.get(key);
          if (!seg) {
            seg = { id: newSegmentId(publisher.identity), startedAt: serverNow() };
            segments.current.set(key, seg);
          }
          if (final) segments.current.delete(key);
          publisher.publishCaption(seg.id, text, final).catch(() => setError('Your captions could not be sent to the room.'));
          if (final && text.trim()) void storeFinal(sessionId, seg.id, text.trim(), seg.startedAt, undefined, setError);
        },
        onError: (m) => {
          setError(m);
          choose(false);
          recRef.current = null;
        },
      });
      return true;
    } catch (e) {
      setError(messageOf(e));
      choose(false);
      return false;
    }
  }

  /**
   * The microphone went off: stop listening at once, dropping what was heard and not yet
   * given, and take back a line left half-shown (an empty final removes it from every screen,
   * and nothing is saved).
   */
  function pause() {
    recRef.current?.abort();
    recRef.current = null;
    for (const seg of segments.current.values()) latest.current.publisher.publishCaption(seg.id, '', true).catch(() => undefined);
    segments.current.clear();
  }

  useEffect(() => {
    const changed = () => {
      const now = microphone.micOn();
      const mayNow = microphone.canPublish();
      const mayBefore = allowedRef.current;
      allowedRef.current = mayNow;
      setMicOn(now);
      setAllowed(mayNow);
      if (!onRef.current) return;
      const { onStatus } = latest.current;
      if (!mayNow) {
        // Made a listener: as muted, and told so whether or not it was listening just then.
        pause();
        if (mayBefore) onStatus(LISTEN_ONLY_WORDS);
      } else if (!now) {
        if (recRef.current) {
          pause();
          onStatus(MIC_OFF_WORDS);
        } else if (!mayBefore) {
          // Allowed to speak again, captioning still on, the microphone not (yet) on.
          onStatus(MIC_OFF_WORDS);
        }
      } else if (!recRef.current && listen()) {
        onStatus('Your microphone is on: captioning your speech.');
      }
    };
    changed();
    const stopWatching = microphone.onMicChange(changed);
    return () => {
      stopWatching();
      // Leaving the room: as muted, nothing more sent or saved, and no half line left behind.
      pause();
    };
  }, [microphone]);

  // Someone who may only listen is offered nothing they cannot use (their choice is kept).
  if (!allowed) return null;
  if (!speechRecognitionAvailable()) {
    return <p class="hint">This browser cannot turn your speech into captions. Chrome, Edge and Safari can.</p>;
  }

  function start() {
    setError('');
    choose(true);
    if (!microphone.micOn()) return onStatus(MIC_OFF_WORDS);
    if (listen()) onStatus('Captioning your speech. Everyone sees your words as captions.');
  }
  function stop() {
    recRef.current?.stop();
    recRef.current = null;
    choose(false);
    onStatus('Stopped captioning your speech.');
  }

  const paused = on && !micOn;
  return (
    <div class="caption-source">
      <button type="button" class="button button-secondary" aria-pressed={on ? 'true' : 'false'} aria-describedby={paused ? 'speech-paused' : undefined} onClick={on ? stop : start}>
        Caption my speech
      </button>
      {paused && (
        <p class="hint" id="speech-paused">
          {MIC_OFF_WORDS}
        </p>
      )}
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The captioner's box: typing shows as interim captions; Enter makes the line final. A line
 * may be as long as the service keeps (MAX_CAPTION_CHARS), said near the limit, never cut
 * short as typed or pasted: a longer line is refused on Enter, kept in the box with the
 * error, and its interim captions meanwhile show only as much as a caption may hold.
 */
export function CaptionerBox({ sessionId, publisher, speakers }: { sessionId: string; publisher: CaptionPublisher; speakers: { identity: string; name: string }[] }) {
  const [text, setText] = useState('');
  const [speaker, setSpeaker] = useState('');
  const [error, setError] = useState('');
  /** Whether `error` is the line's being too long (cleared once it fits). */
  const [tooLong, setTooLong] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const seg = useRef<{ id: string; startedAt: number } | null>(null);
  const lastSent = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  function sendInterim(value: string) {
    if (!seg.current) seg.current = { id: newSegmentId(publisher.identity), startedAt: serverNow() };
    const id = seg.current.id;
    // A line longer than a caption may be shows as much as it may hold, until it is shortened.
    const shown = charactersIn(value) > MAX_CAPTION_CHARS ? cutText(value.normalize('NFC').trim(), MAX_CAPTION_CHARS) : value;
    publisher.publishCaption(id, shown, false, speaker || undefined).catch(() => setError('Your captions could not be sent to the room.'));
    lastSent.current = Date.now();
  }

  function onInput(value: string) {
    setText(value);
    if (tooLong && charactersIn(value) <= MAX_CAPTION_CHARS) {
      setTooLong(false);
      setError('');
    }
    if (!value.trim()) return;
    // At most about two interim updates a second while typing.
    if (timer.current) clearTimeout(timer.current);
    const wait = Math.max(0, 500 - (Date.now() - lastSent.current));
    timer.current = setTimeout(() => sendInterim(value), wait);
  }

  async function finish(e: Event) {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    // Too long: nothing final is sent or saved; the line stays in the box, to be shortened.
    const over = tooLongError('A caption line', text, MAX_CAPTION_CHARS);
    if (over) {
      setTooLong(true);
      setError(over);
      input.current?.focus();
      return;
    }
    if (timer.current) clearTimeout(timer.current);
    setTooLong(false);
    const s = seg.current ?? { id: newSegmentId(publisher.identity), startedAt: serverNow() };
    seg.current = null;
    setText('');
    setError('');
    try {
      await publisher.publishCaption(s.id, value, true, speaker || undefined);
    } catch {
      setError('Your caption could not be sent to the room.');
    }
    await storeFinal(sessionId, s.id, value, s.startedAt, speaker || undefined, setError);
  }

  const hint = lengthHint(text, MAX_CAPTION_CHARS);
  return (
    <form class="caption-source captioner-box" onSubmit={finish} noValidate>
      <div class="field">
        <label for="captioner-speaker">Who is speaking</label>
        <select id="captioner-speaker" value={speaker} onChange={(e) => setSpeaker(e.currentTarget.value)}>
          <option value="">Not said (shown under your name)</option>
          {speakers.map((s) => (
            <option key={s.identity} value={s.identity}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="captioner-text">Live caption</label>
        <p class="hint" id="captioner-hint">
          What you type appears as a caption straight away. Press Enter to finish the line.
        </p>
        {hint && (
          <p class="hint" id="captioner-length">
            {hint}
          </p>
        )}
        <input
          ref={input}
          id="captioner-text"
          type="text"
          autoComplete="off"
          value={text}
          aria-invalid={tooLong && error ? 'true' : undefined}
          aria-describedby={['captioner-hint', hint ? 'captioner-length' : '', tooLong && error ? 'captioner-error' : ''].filter(Boolean).join(' ')}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </div>
      <button type="submit" class="button button-secondary">
        Send caption line
      </button>
      {error && (
        <p class="error-message" id="captioner-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
