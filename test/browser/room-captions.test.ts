/**
 * The room's caption handler and shortcut rule as pure functions (no browser needed): the
 * same code the live room runs for every `lk.transcription` text stream.
 */
import { describe, expect, it } from 'vitest';
import { TRANSCRIPTION_ATTRIBUTES as A } from '../../shared/live.js';
import { automaticCaptionId, captionSpeaker, deliverTranscription, emptyCaptions, handleTranscriptionChunk, loadSettings, parseSettings, saveSettings, DEFAULT_SETTINGS, type CaptionSender, type CaptionState, type TranscriptionReader } from '../../web/src/room/captions.js';
import { shortcutFor } from '../../web/src/room/shortcuts.js';
import { readCapped, removalWords, RoomController, roomRoleOf, type LiveKit } from '../../web/src/room/controller.js';
import { storesAgentCaptions } from '../../web/src/room/TrainerRoomPanel.js';

const attrs = (segmentId: string, final: boolean, trackId?: string) => ({ [A.segmentId]: segmentId, [A.final]: String(final), ...(trackId ? { [A.trackId]: trackId } : {}) });

function reader(id: string, chunks: string[], attributes: Record<string, string>): TranscriptionReader {
  return {
    info: { id, attributes },
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) yield c;
    },
  };
}

/** Senders as the room knows them: LiveKit's agent kind and permissions, the server's role. */
const agent = (identity: string): CaptionSender => ({ identity, agent: true, role: null, canPublish: true });
const speaker = (identity: string): CaptionSender => ({ identity, agent: false, role: 'attendee', canPublish: true });
const listener = (identity: string): CaptionSender => ({ identity, agent: false, role: 'attendee', canPublish: false });
const trainer = (identity: string): CaptionSender => ({ identity, agent: false, role: 'trainer', canPublish: true });

async function feed(state: CaptionState, r: TranscriptionReader, from: CaptionSender | string, owner: (sid: string) => string | null = () => null) {
  let s = state;
  const seen: CaptionState[] = [];
  const final = await deliverTranscription(r, typeof from === 'string' ? speaker(from) : from, (fn) => {
    s = fn(s);
    seen.push(s);
  }, owner);
  return { state: s, seen, final };
}

/** A stream as LiveKit's agents send it: opening attributes, text deltas, then closing (trailer) attributes merged into info. */
function agentReader(id: string, chunks: string[], opening: Record<string, string>, closing: Record<string, string>): TranscriptionReader {
  const info = { id, attributes: opening };
  return {
    info,
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) yield c;
      // livekit-client's handleStreamTrailer: info.attributes = { ...info.attributes, ...trailer.attributes }, then close.
      info.attributes = { ...info.attributes, ...closing };
    },
  };
}

describe('streams longer than a caption or a chat message may be', () => {
  /** A megabyte in 100-character chunks, counting how many chunks were read. */
  function flood() {
    const counted = { read: 0 };
    const r = {
      info: { id: 'TR_flood', attributes: { [A.segmentId]: 'flood' } },
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 10_000; i++) {
          counted.read++;
          yield 'x'.repeat(100);
        }
      },
    };
    return { r, counted };
  }

  it('a caption stream keeps and shows its first 5,000 characters, handled 50 times, not a megabyte handled 10,000 times; the rest is read and dropped', async () => {
    const { r, counted } = flood();
    const { state, seen } = await feed(emptyCaptions(), r, 'user-1');
    expect(counted.read).toBe(10_000);
    expect(seen.length).toBeLessThanOrEqual(51);
    expect(state.segments).toHaveLength(1);
    expect(state.segments[0]!.text).toHaveLength(5000);
    expect(state.segments[0]!.final).toBe(true);
  });

  it('a chat message is read to its first 2,000 characters; the rest is read and dropped', async () => {
    const { r, counted } = flood();
    const text = await readCapped(r, 2000);
    expect(text).toHaveLength(2000);
    expect(counted.read).toBe(10_000);
    expect(await readCapped(reader('c', ['Hello', ' there'], {}), 2000)).toBe('Hello there');
    // Cut before a character, not through it: an emoji straddling the 2,000th unit is left out whole.
    const straddling = await readCapped(reader('e', ['x'.repeat(1999), '🙂 and more'], {}), 2000);
    expect(straddling).toBe('x'.repeat(1999));
    expect(/[\ud800-\udbff]$/.test(straddling)).toBe(false);
  });
});

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
    const { state } = await feed(emptyCaptions(), reader('s2', ['Welcome'], attrs('seg', true, 'TR_mic')), agent('agent-stt'), owner);
    expect(state.segments[0]?.speakerIdentity).toBe('user-speaker');
    const other = await feed(emptyCaptions(), reader('s3', ['Hi'], attrs('seg2', true, 'TR_gone')), agent('agent-stt'), owner);
    expect(other.state.segments[0]?.speakerIdentity).toBe('agent-stt');
  });

  it('honours a track attribute only from agents or for the sender’s own track, not from anyone naming someone else’s track', async () => {
    const owner = (sid: string) => (sid === 'TR_trainer_mic' ? 'user-trainer' : sid === 'TR_asha_mic' ? 'user-asha' : null);
    const fromAgent = await feed(emptyCaptions(), reader('a1', ['Welcome all'], attrs('seg-a', true, 'TR_trainer_mic')), agent('agent-AJ_1'), owner);
    expect(fromAgent.state.segments[0]).toMatchObject({ speakerIdentity: 'user-trainer', text: 'Welcome all', final: true });
    // An attendee who may speak sends a caption claiming the trainer's track: shown as the attendee's own words.
    const spoofed = await feed(emptyCaptions(), reader('a2', ['I am the trainer'], attrs('seg-b', true, 'TR_trainer_mic')), speaker('user-asha'), owner);
    expect(spoofed.state.segments[0]).toMatchObject({ speakerIdentity: 'user-asha', text: 'I am the trainer' });
    // Their own track is fine.
    const own = await feed(emptyCaptions(), reader('a3', ['My question'], attrs('seg-c', true, 'TR_asha_mic')), speaker('user-asha'), owner);
    expect(own.state.segments[0]?.speakerIdentity).toBe('user-asha');
    // A listener (not allowed to caption) is not shown at all, whatever it claims.
    const ignored = await feed(emptyCaptions(), reader('a4', ['Fake words'], attrs('seg-d', true, 'TR_trainer_mic')), listener('user-bob'), owner);
    expect(ignored.state.segments).toEqual([]);
    expect(ignored.final).toBeNull();
    // Not even a trainer can name another person's track: their captions show as their own.
    const byTrainer = await feed(emptyCaptions(), reader('a5', ['Yes'], attrs('seg-e', true, 'TR_asha_mic')), trainer('user-trainer'), owner);
    expect(byTrainer.state.segments[0]?.speakerIdentity).toBe('user-trainer');
    // A captioner a trainer assigned names who is speaking (their "Who is speaking" choice), as
    // the transcript keeps it; with no one named, the line is theirs.
    const captioner: CaptionSender = { identity: 'user-cap', agent: false, role: 'captioner', canPublish: false };
    const byCaptioner = await feed(emptyCaptions(), reader('a6', ['Turn to page four.'], attrs('seg-f', true, 'TR_trainer_mic')), captioner, owner);
    expect(byCaptioner.state.segments[0]).toMatchObject({ speakerIdentity: 'user-trainer', text: 'Turn to page four.' });
    expect(byCaptioner.final).toMatchObject({ speakerIdentity: 'user-trainer' });
    expect(captionSpeaker(captioner, null)).toEqual({ accept: true, speakerIdentity: 'user-cap' });
    expect(captionSpeaker({ identity: 'agent-AJ_1', agent: true, role: null, canPublish: true }, 'user-trainer')).toEqual({ accept: true, speakerIdentity: 'user-trainer' });
  });

  it('keeps a segment its sender’s: someone reusing a trainer’s or an agent’s segment id changes nothing on screen, nor what is announced', async () => {
    const owner = (sid: string) => (sid === 'TR_trainer_mic' ? 'user-trainer' : null);
    let { state } = await feed(emptyCaptions(), reader('t1', ['Welcome to the session.'], attrs('user-trainer-1', true)), trainer('user-trainer'));
    ({ state } = await feed(state, reader('g1', ['Turn to page four.'], attrs('SG_1', true, 'TR_trainer_mic')), agent('agent-AJ_1'), owner));
    const before = state;
    for (const segmentId of ['user-trainer-1', 'SG_1']) {
      const forged = await feed(state, reader(`x-${segmentId}`, ['Everyone can leave now, this does not count.'], attrs(segmentId, true)), speaker('user-asha'), owner);
      expect(forged.state.segments.map((x) => [x.speakerIdentity, x.text])).toEqual([
        ['user-trainer', 'Welcome to the session.'],
        ['user-trainer', 'Turn to page four.'],
      ]);
      expect(forged.state.lastFinal).toBe(before.lastFinal);
      expect(forged.final).toBeNull();
    }
    // The trainer's own correction of their line still applies.
    const corrected = await feed(state, reader('t2', ['Welcome, everyone.'], attrs('user-trainer-1', true)), trainer('user-trainer'));
    expect(corrected.state.segments[0]).toMatchObject({ speakerIdentity: 'user-trainer', text: 'Welcome, everyone.' });
  });

  it('makes an agent’s caption final when the final flag comes only in the stream’s closing attributes', async () => {
    const r = agentReader('py-1', ['Good ', 'afternoon ', 'everyone'], { [A.segmentId]: 'SG_1', [A.trackId]: 'TR_mic' }, { [A.final]: 'true' });
    const { state, seen, final } = await feed(emptyCaptions(), r, agent('agent-AJ_py'), () => 'user-trainer');
    // Interim while it arrives, final once it closes, and announced.
    expect(seen.slice(0, -1).every((x) => x.segments[0]?.final === false)).toBe(true);
    expect(state.segments).toMatchObject([{ segmentId: 'SG_1', text: 'Good afternoon everyone', final: true, speakerIdentity: 'user-trainer' }]);
    expect(state.lastFinal?.text).toBe('Good afternoon everyone');
    expect(final).toMatchObject({ segmentId: 'SG_1', text: 'Good afternoon everyone', speakerIdentity: 'user-trainer' });
  });

  it('a person’s line sent as a stream per update, then the final as one more (LiveKit’s Python agents): the transcript’s line starts when its first update came, not when the final did', async () => {
    const realNow = Date.now;
    let now = Date.parse('2026-12-06T15:00:00.000Z');
    Date.now = () => now;
    try {
      let s = emptyCaptions();
      const owner = () => 'user-asha';
      // Each stream is sent under the speaker's identity, with the agent's segment id.
      for (const [at, text] of [[0, 'So the'], [1_500, 'So the first thing'], [3_200, 'So the first thing is routine']] as const) {
        now = Date.parse('2026-12-06T15:00:00.000Z') + at;
        s = (await feed(s, reader(`py-${at}`, [text], attrs('SG_line', false, 'TR_asha')), speaker('user-asha'), owner)).state;
      }
      now = Date.parse('2026-12-06T15:00:05.000Z');
      const done = await feed(s, reader('py-final', ['So the first thing is routine.'], attrs('SG_line', true, 'TR_asha')), speaker('user-asha'), owner);
      expect(done.final).toMatchObject({ segmentId: 'SG_line', text: 'So the first thing is routine.' });
      expect(new Date(done.final!.startedAt).toISOString()).toBe('2026-12-06T15:00:00.000Z');
      expect(new Date(done.final!.endedAt).toISOString()).toBe('2026-12-06T15:00:05.000Z');
    } finally {
      Date.now = realNow;
    }
  });

  it('ends a segment when its stream closes with no final flag at all (LiveKit’s Node agents), but not when it says false', async () => {
    const node = agentReader('node-1', ['Hello ', 'there'], { [A.segmentId]: 'SG_n', [A.trackId]: 'TR_mic' }, {});
    const done = await feed(emptyCaptions(), node, agent('agent-AJ_node'), () => 'user-trainer');
    expect(done.state.segments[0]).toMatchObject({ text: 'Hello there', final: true });
    expect(done.state.lastFinal?.text).toBe('Hello there');
    const interim = await feed(emptyCaptions(), reader('i-1', ['Still'], attrs('SG_i', false)), agent('agent-AJ_node'));
    expect(interim.state.segments[0]).toMatchObject({ text: 'Still', final: false });
    expect(interim.final).toBeNull();
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

describe('roles in the room', () => {
  it('come from the session’s trainers and the server-set role attribute only', () => {
    const trainers = new Set(['user-t1']);
    expect(roomRoleOf(trainers, 'user-t1', {})).toBe('trainer');
    expect(roomRoleOf(trainers, 'user-a', { 'send.role': 'captioner' })).toBe('captioner');
    expect(roomRoleOf(trainers, 'user-a', { 'send.role': 'attendee', role: 'trainer', 'lk.agent.state': 'speaking' })).toBe('attendee');
    expect(roomRoleOf(trainers, 'user-a', { 'send.role': 'admin' })).toBeNull();
    expect(roomRoleOf(trainers, 'agent-1', {})).toBeNull();
  });

  it('store the captions a LiveKit agent sends, whether as itself or under the identity of the speaker it transcribes (as LiveKit’s Python agents do), and never one a browser in the room made (its sender stores it)', () => {
    // An agent sending as itself: its own segment id.
    expect(automaticCaptionId(agent('agent-AJ_stt'), 'SG_1a2b', true)).toBe('SG_1a2b');
    // An agent sending for the trainer it transcribes: the stream's sender is the trainer, the id the agent's.
    expect(automaticCaptionId(trainer('user-t1'), 'SG_1a2b', true)).toBe('user-t1-SG_1a2b');
    expect(automaticCaptionId(speaker('user-s1'), 'SG_9', true)).toBe('user-s1-SG_9');
    // No agent in the room: a participant's stream is never relayed as an agent's.
    expect(automaticCaptionId(speaker('user-s1'), 'SG_9', false)).toBeNull();
    // A browser's own captions (newSegmentId): its sender stores them.
    expect(automaticCaptionId(trainer('user-t1'), 'user-t1-lx2-abcdef', true)).toBeNull();
    expect(automaticCaptionId(speaker('user-s1'), 'user-s1-lx2-abcdef', true)).toBeNull();
    // Nor any id not of the agents' form (one naming someone else's line, say): that participant stores their own, within their own limits.
    expect(automaticCaptionId(speaker('user-s1'), 'user-t1-lx2-abcdef', true)).toBeNull();
    expect(automaticCaptionId(speaker('user-s1'), `SG_${'x'.repeat(200)}`, true)).toHaveLength(128);
  });

  it('say why someone was put out of the room from what the server says now, not LiveKit’s one reason for every removal, and offer joining again only where it can work', () => {
    const now = { removed: false, role: 'attendee', open: true, ended: false } as const;
    expect(removalWords({ ...now, removed: true })).toEqual({ reason: 'A trainer removed you from the session. You cannot join it again unless a trainer lets you back in.', final: true });
    // An office cancelled their place, or a trainer moved it in person: no trainer removed them.
    expect(removalWords({ ...now, role: null })).toEqual({ reason: 'Your place on this session has changed (cancelled, or moved to an in-person seat), so you are no longer in its live room.', final: true });
    expect(removalWords({ ...now, open: false })).toEqual({ reason: 'The live room has closed: the session is over or was cancelled.', final: true });
    expect(removalWords({ ...now, ended: true })).toEqual({ reason: 'The trainer ended the session for everyone.', final: true });
    // A trainer is not kept out by "End for everyone"; anyone still entitled may join again.
    expect(removalWords({ ...now, role: 'trainer', ended: true })).toEqual({ reason: 'The room was ended for everyone. As a trainer you can reopen it and join again.', final: false });
    // A cancelled session: its places went with it, so the room's closing is what is said.
    expect(removalWords({ ...now, role: null, open: false })).toEqual({ reason: 'The live room has closed: the session is over or was cancelled.', final: true });
    expect(removalWords(now)).toEqual({ reason: 'You were disconnected from the live session.', final: false });
  });

  it('make one trainer’s browser, the first by identity, the one that stores an agent’s captions', () => {
    const p = (identity: string, role?: string) => ({ identity, attributes: (role ? { 'send.role': role } : {}) as Record<string, string> });
    const trainers = new Set(['user-b', 'user-c']);
    const controller = (local: ReturnType<typeof p>, remotes: ReturnType<typeof p>[]) =>
      ({ room: { localParticipant: local, remoteParticipants: new Map(remotes.map((r) => [r.identity, r])) }, roleOf: (x: ReturnType<typeof p>) => roomRoleOf(trainers, x.identity, x.attributes) }) as unknown as RoomController;
    expect(storesAgentCaptions(controller(p('user-b'), [p('user-c'), p('user-a', 'attendee'), p('agent-x')]))).toBe(true);
    expect(storesAgentCaptions(controller(p('user-c'), [p('user-b'), p('user-a', 'attendee')]))).toBe(false);
    expect(storesAgentCaptions(controller(p('user-c'), [p('user-a', 'attendee')]))).toBe(true);
    expect(storesAgentCaptions(controller(p('user-a', 'captioner'), [p('agent-x')]))).toBe(false);
  });
});

describe('devices chosen before joining', () => {
  it('become the room’s capture defaults, which livekit-client uses for a microphone or camera turned on later', async () => {
    // Just enough of livekit-client's Room for the controller: its options and the calls connect makes.
    class FakeRoom {
      options = { audioCaptureDefaults: { autoGainControl: true } as Record<string, unknown>, videoCaptureDefaults: { resolution: { width: 1280, height: 720 } } as Record<string, unknown> };
      localParticipant = { identity: 'user-me', permissions: undefined, attributes: {}, publishTrack: async () => undefined };
      on() {
        return this;
      }
      registerTextStreamHandler() {}
      async connect() {}
    }
    const lk = { Room: FakeRoom, RoomEvent: {}, DisconnectReason: {} } as unknown as LiveKit;
    const join = { serverUrl: 'wss://lk.example', token: 't', room: 'r', identity: 'user-me', role: 'attendee', canPublish: false, roomKind: 'webinar', expiresAt: '', sessionEndsAt: '', captionsAgent: false } as const;
    const c = new RoomController(lk, join, { changed() {}, announce() {}, transcription() {}, setHand: async () => undefined, ended() {} });
    await c.connect({ audio: null, video: null, micId: 'mic-2', camId: 'cam-3' });
    const opts = (c.room as unknown as FakeRoom).options;
    expect(opts.audioCaptureDefaults).toEqual({ autoGainControl: true, deviceId: 'mic-2' });
    expect(opts.videoCaptureDefaults).toMatchObject({ deviceId: 'cam-3', resolution: { width: 1280, height: 720 } });
  });
});

describe('the end of a connection', () => {
  it('is final (no "Join again" for attendees) when a trainer removed them or ended the room, and not when the network dropped', () => {
    const handlers = new Map<unknown, (...a: unknown[]) => void>();
    class FakeRoom {
      options = {};
      localParticipant = { identity: 'user-me', attributes: {} };
      on(ev: unknown, fn: (...a: unknown[]) => void) {
        if (ev === 'disconnected') handlers.set(ev, fn);
        return this;
      }
      registerTextStreamHandler() {}
    }
    const R = { CLIENT_INITIATED: 1, DUPLICATE_IDENTITY: 2, PARTICIPANT_REMOVED: 4, ROOM_DELETED: 5, JOIN_FAILURE: 7, SIGNAL_CLOSE: 9 };
    const lk = { Room: FakeRoom, RoomEvent: { Disconnected: 'disconnected' }, DisconnectReason: R } as unknown as LiveKit;
    const ended: [string, boolean, boolean][] = [];
    const join = { serverUrl: '', token: '', room: 'r', identity: 'user-me', role: 'attendee', canPublish: false, roomKind: 'webinar', expiresAt: '', sessionEndsAt: '', captionsAgent: false } as const;
    new RoomController(lk, join, { changed() {}, announce() {}, transcription() {}, setHand: async () => undefined, ended: (...a) => void ended.push(a) });
    for (const reason of [R.PARTICIPANT_REMOVED, R.ROOM_DELETED, R.SIGNAL_CLOSE]) handlers.get('disconnected')!(reason);
    expect(ended.map(([, , final]) => final)).toEqual([true, true, false]);
    expect(ended[0]![0]).toMatch(/cannot join it again unless a trainer lets you back in/);
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
