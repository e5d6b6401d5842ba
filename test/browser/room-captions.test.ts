/**
 * The room's caption handler and shortcut rule as pure functions (no browser needed): the
 * same code the live room runs for every `lk.transcription` text stream.
 */
import { describe, expect, it } from 'vitest';
import { TRANSCRIPTION_ATTRIBUTES as A } from '../../shared/live.js';
import { deliverTranscription, emptyCaptions, handleTranscriptionChunk, loadSettings, parseSettings, saveSettings, DEFAULT_SETTINGS, type CaptionState, type TranscriptionReader } from '../../web/src/room/captions.js';
import { shortcutFor } from '../../web/src/room/shortcuts.js';

const attrs = (segmentId: string, final: boolean, trackId?: string) => ({ [A.segmentId]: segmentId, [A.final]: String(final), ...(trackId ? { [A.trackId]: trackId } : {}) });

function reader(id: string, chunks: string[], attributes: Record<string, string>): TranscriptionReader {
  return {
    info: { id, attributes },
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) yield c;
    },
  };
}

async function feed(state: CaptionState, r: TranscriptionReader, identity: string, owner: (sid: string) => string | null = () => null) {
  let s = state;
  const seen: CaptionState[] = [];
  await deliverTranscription(r, { identity }, (fn) => {
    s = fn(s);
    seen.push(s);
  }, owner);
  return { state: s, seen };
}

describe('caption handler', () => {
  it('shows interim text growing, then replaces it in place with the final text', async () => {
    let s = emptyCaptions();
    s = handleTranscriptionChunk(s, { text: 'Hello', attributes: attrs('a', false), participantIdentity: 'user-1' });
    s = handleTranscriptionChunk(s, { text: 'Hello every', attributes: attrs('a', false), participantIdentity: 'user-1' });
    expect(s.segments).toMatchObject([{ segmentId: 'a', text: 'Hello every', final: false, speakerIdentity: 'user-1' }]);
    expect(s.lastFinal).toBeNull();
    s = handleTranscriptionChunk(s, { text: 'Hello everyone.', attributes: attrs('a', true), participantIdentity: 'user-1' });
    expect(s.segments).toMatchObject([{ segmentId: 'a', text: 'Hello everyone.', final: true }]);
    expect(s.lastFinal?.text).toBe('Hello everyone.');
    // A late interim never overwrites the final text; a new segment goes after it.
    s = handleTranscriptionChunk(s, { text: 'Hello', attributes: attrs('a', false), participantIdentity: 'user-1' });
    s = handleTranscriptionChunk(s, { text: 'Next', attributes: attrs('b', false), participantIdentity: 'user-2' });
    expect(s.segments.map((x) => [x.segmentId, x.text, x.final])).toEqual([
      ['a', 'Hello everyone.', true],
      ['b', 'Next', false],
    ]);
  });

  it('reads a stream chunk by chunk as interim and applies the final flag only once it is complete', async () => {
    const { state, seen } = await feed(emptyCaptions(), reader('s1', ['Good ', 'morning'], attrs('seg', true)), 'user-9');
    expect(seen.map((x) => [x.segments[0]?.text, x.segments[0]?.final])).toEqual([
      ['Good', false],
      ['Good morning', false],
      ['Good morning', true],
    ]);
    expect(state.lastFinal?.text).toBe('Good morning');
  });

  it('names the transcribed track’s owner as the speaker when an agent sends the stream', async () => {
    const owner = (sid: string) => (sid === 'TR_mic' ? 'user-speaker' : null);
    const { state } = await feed(emptyCaptions(), reader('s2', ['Welcome'], attrs('seg', true, 'TR_mic')), 'agent-stt', owner);
    expect(state.segments[0]?.speakerIdentity).toBe('user-speaker');
    const other = await feed(emptyCaptions(), reader('s3', ['Hi'], attrs('seg2', true, 'TR_gone')), 'agent-stt', owner);
    expect(other.state.segments[0]?.speakerIdentity).toBe('agent-stt');
  });

  it('treats a stream without a segment id as its own segment and ignores empty interim text', async () => {
    let s = handleTranscriptionChunk(emptyCaptions(), { text: '  ', attributes: attrs('x', false), participantIdentity: 'u' });
    expect(s.segments).toHaveLength(0);
    s = handleTranscriptionChunk(s, { text: 'No id', attributes: {}, participantIdentity: 'u', streamId: 'stream-7' });
    expect(s.segments[0]?.segmentId).toBe('stream-7');
  });

  it('does not announce the same final twice', () => {
    let s = handleTranscriptionChunk(emptyCaptions(), { text: 'Done.', attributes: attrs('a', true), participantIdentity: 'u' });
    const first = s.lastFinal;
    s = handleTranscriptionChunk(s, { text: 'Done.', attributes: attrs('a', true), participantIdentity: 'u' });
    expect(s.lastFinal).toBe(first);
  });
});

describe('caption settings', () => {
  it('are remembered per user and fall back to defaults for anything unreadable', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveSettings(storage, 'u1', { ...DEFAULT_SETTINGS, size: 'x-large', highContrast: true, position: 'side' });
    expect(loadSettings(storage, 'u1')).toMatchObject({ size: 'x-large', highContrast: true, position: 'side' });
    expect(loadSettings(storage, 'u2')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('{"size":"huge","position":"top","announce":"yes"}')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('not json')).toEqual(DEFAULT_SETTINGS);
  });
});

describe('keyboard shortcuts', () => {
  const el = (tagName: string, type?: string) => ({ tagName, type, isContentEditable: false, closest: () => null }) as unknown as EventTarget;
  const key = (k: string, target: EventTarget, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target, ...mods });

  it('fire on plain keys outside text fields, never while typing, with modifiers, or when turned off', () => {
    expect(shortcutFor(key('m', el('BODY')), true)).toBe('mic');
    expect(shortcutFor(key('V', el('BUTTON')), true)).toBe('camera');
    expect(shortcutFor(key('h', el('INPUT', 'checkbox')), true)).toBe('hand');
    expect(shortcutFor(key('c', el('INPUT', 'text')), true)).toBeNull();
    expect(shortcutFor(key('c', el('TEXTAREA')), true)).toBeNull();
    expect(shortcutFor(key('c', el('SELECT')), true)).toBeNull();
    expect(shortcutFor(key('c', el('BODY'), { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(key('c', el('BODY')), false)).toBeNull();
    expect(shortcutFor(key('x', el('BODY')), true)).toBeNull();
  });
});
