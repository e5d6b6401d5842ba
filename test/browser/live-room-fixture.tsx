/**
 * A page for room-listener-shortcuts.test.ts, room-announcements.test.ts and
 * room-speech-captions.test.ts: the room's own LiveRoom, ShortcutsHelp, SpeechCaptioning and
 * announcement log, rendered as RoomPage renders them once joined, around the room's own
 * RoomController over a stand-in LiveKit Room (no LiveKit connection: the test stand-in has
 * only LiveKit's HTTP API, so a real page never gets past "Join"). The controller's actions
 * (microphone, camera, hand, chat, leaving) are stand-ins that only record the call; the
 * room's events (joins, hands, chat, the microphone muted) go through the controller's own
 * handlers. Bundled by the test with esbuild and run in Chromium.
 *
 * window.roomFixture: `calls` (the controller methods the room called), `captions` (what was
 * published on lk.transcription), `setCanPublish` (permission given or taken away, as
 * LiveKit's ParticipantPermissionsChanged does), `setCanPlaybackAudio` (the browser letting
 * the sound play, as LiveKit's AudioPlaybackStatusChanged says), `setCaptioner` (this person
 * made or unmade the session's captioner, as a trainer does: LiveKit's
 * ParticipantAttributesChanged), `setMic` ('on', 'muted' or 'unpublished': LiveKit's
 * TrackUnmuted or LocalTrackPublished, TrackMuted, LocalTrackUnpublished for this person's
 * microphone, as when they mute it or a trainer does), `join(names)` and `leave(identities)`
 * (people coming and going: ParticipantConnected, ParticipantDisconnected), `raiseHand()`
 * (the trainer's hand goes up: ParticipantAttributesChanged) and `chat(text)` (a message from
 * the trainer on lk.chat). `#sound=off` in the address starts with the sound paused;
 * `#captioner=true` as the captioner; `#mic=on` with the microphone published and on. The
 * captions panel starts below the video (RoomPage's default); its settings move it beside
 * the video, as RoomPage places it.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { DisconnectReason, ParticipantEvent, RoomEvent, Track } from 'livekit-client';
import { HAND_ATTRIBUTE, RoomController, type LiveKit } from '../../web/src/room/controller.js';
import * as liveRoom from '../../web/src/room/LiveRoom.js';
import { Status } from '../../web/src/components.js';
import { CaptionsPanel, usePanelMoves } from '../../web/src/room/CaptionsPanel.js';
import { CaptionerBox, SpeechCaptioning } from '../../web/src/room/CaptionComposer.js';
import { DEFAULT_SETTINGS, emptyCaptions, type CaptionSettings } from '../../web/src/room/captions.js';

const params = new URLSearchParams(location.hash.slice(1));
const perms = { canPublish: params.get('canPublish') === 'true' };
const sound = { on: params.get('sound') !== 'off' };
const role = { captioner: params.get('captioner') === 'true' };
const calls: string[] = [];
const captions: { segmentId: string; text: string; final: boolean }[] = [];
let rerender = () => {};
let announce = (_m: string) => {};

/** Just enough of LiveKit's event emitters (Room, LocalParticipant) for the controller. */
class Emitter {
  private readonly listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  on(ev: string, fn: (...a: unknown[]) => void) {
    if (!this.listeners.has(ev)) this.listeners.set(ev, new Set());
    this.listeners.get(ev)!.add(fn);
    return this;
  }
  off(ev: string, fn: (...a: unknown[]) => void) {
    this.listeners.get(ev)?.delete(fn);
    return this;
  }
  emit(ev: string, ...a: unknown[]) {
    for (const fn of [...(this.listeners.get(ev) ?? [])]) fn(...a);
  }
}

const person = {
  isAgent: false,
  isMicrophoneEnabled: false,
  isCameraEnabled: false,
  isScreenShareEnabled: false,
  connectionQuality: 'excellent',
  attributes: {} as Record<string, string>,
  getTrackPublication: () => undefined,
  audioTrackPublications: new Map(),
};
// This person's microphone, as LiveKit publishes it (`#mic=on`: published and on).
const micPub = { trackSid: 'TR_mic_local', source: Track.Source.Microphone, isMuted: false };
let micPublished = params.get('mic') === 'on';
class FakeLocalParticipant extends Emitter {
  identity = 'user-1';
  name = 'Lee Listener';
  isAgent = false;
  isCameraEnabled = false;
  isScreenShareEnabled = false;
  connectionQuality = 'excellent';
  permissions = perms;
  attributes: Record<string, string> = {};
  audioTrackPublications = new Map();
  /** As LiveKit's: published and not muted. */
  get isMicrophoneEnabled() {
    return micPublished && !micPub.isMuted;
  }
  getTrackPublication(source: string) {
    return source === Track.Source.Microphone && micPublished ? micPub : undefined;
  }
}
const local = new FakeLocalParticipant();
// `#remote=true`: a trainer is in the room too, hand raised (two tiles, each with flags).
const remote = { ...person, identity: 'user-2', name: 'Tara Trainer-Longname', permissions: { canPublish: true } };
const withRemote = params.get('remote') === 'true';

/** LiveKit's Room, as far as the controller and LiveRoom use it; `emit` stands for LiveKit sending an event. */
class FakeRoom extends Emitter {
  localParticipant = local;
  remoteParticipants = new Map<string, typeof remote>(withRemote ? [[remote.identity, remote]] : []);
  activeSpeakers = [];
  textHandlers = new Map<string, (reader: unknown, from: { identity: string }) => void>();
  get canPlaybackAudio() {
    return sound.on;
  }
  registerTextStreamHandler(topic: string, fn: (reader: unknown, from: { identity: string }) => void) {
    this.textHandlers.set(topic, fn);
  }
  getParticipantByIdentity(identity: string) {
    return identity === local.identity ? local : this.remoteParticipants.get(identity);
  }
}
const lk = { Room: FakeRoom, RoomEvent, ParticipantEvent, DisconnectReason, Track } as unknown as LiveKit;
const controller = new RoomController(
  lk,
  { canPublish: perms.canPublish, role: 'attendee' } as unknown as ConstructorParameters<typeof RoomController>[1],
  { changed: () => rerender(), announce: (m) => announce(m), transcription() {}, setHand: async () => undefined, ended() {} },
);
const room = controller.room as unknown as FakeRoom;
// The actions only record that they were asked for.
Object.assign(controller, {
  state: 'connected',
  canPublish: () => perms.canPublish,
  toggleMic: async () => void calls.push('toggleMic'),
  toggleCamera: async () => void calls.push('toggleCamera'),
  toggleHand: async () => void calls.push('toggleHand'),
  toggleScreenShare: async () => void calls.push('toggleScreenShare'),
  handRaised: (p?: unknown) => p === remote,
  roleOf: (p: unknown) => (p === remote ? 'trainer' : p === local && role.captioner ? 'captioner' : null),
  publishCaption: async (segmentId: string, text: string, final: boolean) => {
    calls.push('publishCaption');
    captions.push({ segmentId, text, final });
  },
  sendChat: async () => undefined,
  leave: async () => undefined,
  startAudio: async () => void calls.push('startAudio'),
});

/** LiveKit's events for this person's microphone, on them and on the room (which redraws the page). */
function setMic(state: 'on' | 'muted' | 'unpublished') {
  const was = micPublished;
  micPublished = state !== 'unpublished';
  micPub.isMuted = state === 'muted';
  const ev = !micPublished ? ParticipantEvent.LocalTrackUnpublished : !was ? ParticipantEvent.LocalTrackPublished : state === 'muted' ? ParticipantEvent.TrackMuted : ParticipantEvent.TrackUnmuted;
  local.emit(ev, micPub);
  room.emit(ev === ParticipantEvent.TrackMuted ? RoomEvent.TrackMuted : ev === ParticipantEvent.TrackUnmuted ? RoomEvent.TrackUnmuted : ev === ParticipantEvent.LocalTrackPublished ? RoomEvent.LocalTrackPublished : RoomEvent.LocalTrackUnpublished, micPub, local);
}

(window as unknown as { roomFixture: unknown }).roomFixture = {
  calls,
  captions,
  setCanPublish(on: boolean) {
    const prev = { ...perms };
    perms.canPublish = on;
    // As LiveKit does: on the room first (its own listener on the participant comes first; the
    // controller says so), then on the participant, where the microphone is watched; the page is drawn again.
    room.emit(RoomEvent.ParticipantPermissionsChanged, prev, local);
    local.emit(ParticipantEvent.ParticipantPermissionsChanged, prev);
    rerender();
  },
  setCanPlaybackAudio(on: boolean) {
    sound.on = on;
    rerender();
  },
  setCaptioner(on: boolean) {
    role.captioner = on;
    rerender();
  },
  setMic,
  join(names: string[]) {
    for (const name of names) {
      const p = { ...person, identity: `user-${name.toLowerCase()}`, name, permissions: { canPublish: false }, attributes: {} };
      room.remoteParticipants.set(p.identity, p);
      room.emit(RoomEvent.ParticipantConnected, p);
    }
  },
  leave(identities: string[]) {
    for (const identity of identities) {
      const p = room.remoteParticipants.get(identity);
      if (!p) continue;
      room.remoteParticipants.delete(identity);
      room.emit(RoomEvent.ParticipantDisconnected, p);
    }
  },
  raiseHand() {
    remote.attributes = { ...remote.attributes, [HAND_ATTRIBUTE]: new Date().toISOString() };
    room.emit(RoomEvent.ParticipantAttributesChanged, { [HAND_ATTRIBUTE]: remote.attributes[HAND_ATTRIBUTE] }, remote);
  },
  chat(text: string) {
    const reader = {
      info: { id: `chat-${Math.random()}` },
      async *[Symbol.asyncIterator]() {
        yield text;
      },
    };
    room.textHandlers.get('lk.chat')!(reader, { identity: remote.identity });
  },
};

const { LiveRoom, ShortcutsHelp } = liveRoom;

/**
 * The room's log of announcements. A namespace import, so this page still loads against the
 * code from before the log (one status region, each message put in place of the last, the
 * same words twice made new with a trailing space) and its tests fail there for what they check.
 */
const useAnnouncements: typeof liveRoom.useAnnouncements =
  liveRoom.useAnnouncements ??
  (() => {
    const [entries, setEntries] = useState<liveRoom.Announcement[]>([]);
    return { entries, announce: (m: string) => setEntries((prev) => [{ id: 0, text: prev[0]?.text === m ? m + '\u00a0' : m }]) };
  });
const RoomAnnouncements: typeof liveRoom.RoomAnnouncements = liveRoom.RoomAnnouncements ?? (({ entries, id }) => <Status message={entries[0]?.text ?? ''} id={id} />);

function App() {
  const [, setVersion] = useState(0);
  const [shortcuts, setShortcuts] = useState(true);
  const [settings, setSettings] = useState<CaptionSettings>(DEFAULT_SETTINGS);
  // As RoomPage: the panel, rebuilt beside or below the video when moved, keeps its settings open and the choice focused.
  const panelMoves = usePanelMoves(settings, setSettings, true);
  rerender = () => setVersion((v) => v + 1);
  // As RoomPage: every announcement goes into the room's log.
  const log = useAnnouncements();
  announce = log.announce;
  const publisher = { identity: local.identity, publishCaption: (...a: Parameters<RoomController['publishCaption']>) => controller.publishCaption(...a) };
  const captionsPanel = (
    <CaptionsPanel captions={emptyCaptions()} settings={settings} {...panelMoves} nameOf={() => local.name} waitingText="Captions will appear here when someone speaks and captions are on.">
      <div class="caption-sources">
        <SpeechCaptioning sessionId="session-1" publisher={publisher} microphone={controller} onStatus={log.announce} />
        {controller.roleOf(local as never) === 'captioner' && <CaptionerBox sessionId="session-1" publisher={publisher} speakers={[{ identity: local.identity, name: local.name }]} />}
      </div>
    </CaptionsPanel>
  );
  return (
    <main>
      <h1>Live room: fixture</h1>
      <RoomAnnouncements entries={log.entries} id="room-status" />
      {/* As RoomPage: the captions panel (with "Caption my speech" for someone who may speak, and the captioner's box for the captioner) beside or below the video. */}
      <div class="room-layout">
        <LiveRoom lk={lk} controller={controller} shortcutsEnabled={shortcuts} onToggleCaptions={() => log.announce('Captions toggled.')} onError={log.announce} announce={log.announce} side={settings.position === 'side' && captionsPanel} below={settings.position === 'bottom' && captionsPanel} />
      </div>
      <ShortcutsHelp enabled={shortcuts} onChange={setShortcuts} place={{ room: true, canPublish: controller.canPublish() }} />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
