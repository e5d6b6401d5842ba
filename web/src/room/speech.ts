/**
 * Captions of the speaker's own speech with the browser's SpeechRecognition (Chrome, Edge,
 * Safari). Each recognition result is one caption segment: interim text while the person
 * speaks, then the final text.
 */

interface RecognitionResult {
  readonly isFinal: boolean;
  readonly length: number;
  [index: number]: { transcript: string };
}
interface RecognitionEvent {
  readonly resultIndex: number;
  readonly results: { readonly length: number; [index: number]: RecognitionResult };
}
interface Recognition {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  onresult: ((e: RecognitionEvent) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}
type RecognitionCtor = new () => Recognition;

function ctor(): RecognitionCtor | null {
  const w = window as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export const speechRecognitionAvailable = () => typeof window !== 'undefined' && ctor() !== null;

export interface SpeechCaptioner {
  /** Stops listening; the words already heard may still come as a last final result. */
  stop(): void;
  /** Stops listening at once and drops whatever was heard but not yet given (the microphone went off). */
  abort(): void;
}

/**
 * Starts recognising speech. `onSegment` gets (key, text, final) where key is stable for
 * one result; interim updates for a result are throttled. Restarts itself when the browser
 * stops after a pause, until stop() is called.
 */
export function startSpeechCaptions(opts: { lang: string; onSegment: (key: string, text: string, final: boolean) => void; onError: (message: string) => void }): SpeechCaptioner {
  const Ctor = ctor();
  if (!Ctor) throw new Error('Speech recognition is not available in this browser.');
  let stopped = false;
  let run = 0;
  const lastInterim = new Map<string, number>();
  const rec = new Ctor();
  rec.lang = opts.lang;
  rec.continuous = true;
  rec.interimResults = true;
  rec.onresult = (e) => {
    for (let i = e.resultIndex; i < e.results.length; i++) {
      const r = e.results[i]!;
      const key = `${run}-${i}`;
      const text = r[0]?.transcript ?? '';
      if (r.isFinal) {
        lastInterim.delete(key);
        opts.onSegment(key, text, true);
      } else {
        const now = Date.now();
        if (now - (lastInterim.get(key) ?? 0) < 300) continue;
        lastInterim.set(key, now);
        opts.onSegment(key, text, false);
      }
    }
  };
  rec.onerror = (e) => {
    if (e.error === 'no-speech' || e.error === 'aborted') return;
    stopped = true;
    opts.onError(
      e.error === 'not-allowed' || e.error === 'service-not-allowed'
        ? 'Captioning your speech needs permission to use the microphone for speech recognition. Allow it in the browser, then try again.'
        : e.error === 'network'
          ? 'Speech recognition needs an internet connection to the browser’s speech service, and it could not be reached.'
          : `Speech recognition stopped (${e.error}).`,
    );
  };
  rec.onend = () => {
    if (stopped) return;
    run++;
    try {
      rec.start();
    } catch {
      /* already started */
    }
  };
  rec.start();
  return {
    stop() {
      stopped = true;
      rec.stop();
    },
    abort() {
      stopped = true;
      rec.onresult = null;
      rec.abort();
    },
  };
}
