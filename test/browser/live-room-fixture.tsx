/**
 * A page for room-listener-shortcuts.test.ts: the room's own LiveRoom and ShortcutsHelp
 * components, rendered as RoomPage renders them once joined, around a stand-in RoomController
 * (no LiveKit connection: the test stand-in has only LiveKit's HTTP API, so a real page never
 * gets past "Join"). Bundled by the test with esbuild and run in Chromium.
 *
 * window.roomFixture: `calls` (the controller methods the room called), `setCanPublish`
 * (permission given or taken away, as LiveKit's ParticipantPermissionsChanged does),
 * `setCanPlaybackAudio` (the browser letting the sound play, as LiveKit's
 * AudioPlaybackStatusChanged says), `setCaptioner` (this person made or unmade the session's
 * captioner, as a trainer does: LiveKit's ParticipantAttributesChanged). `#sound=off` in the
 * address starts with the sound paused; `#captioner=true` as the captioner. The captions
 * panel starts below the video (RoomPage's default); its settings move it beside the video, as
 * RoomPage places it.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { Status } from '../../web/src/components.js';
import type { LiveKit, RoomController } from '../../web/src/room/controller.js';
import { LiveRoom, ShortcutsHelp } from '../../web/src/room/LiveRoom.js';
import { CaptionsPanel, usePanelMoves } from '../../web/src/room/CaptionsPanel.js';
import { CaptionerBox } from '../../web/src/room/CaptionComposer.js';
import { DEFAULT_SETTINGS, emptyCaptions, type CaptionSettings } from '../../web/src/room/captions.js';

const params = new URLSearchParams(location.hash.slice(1));
const perms = { canPublish: params.get('canPublish') === 'true' };
const sound = { on: params.get('sound') !== 'off' };
const role = { captioner: params.get('captioner') === 'true' };
const calls: string[] = [];
let rerender = () => {};

const local = {
  identity: 'user-1',
  name: 'Lee Listener',
  isAgent: false,
  isMicrophoneEnabled: false,
  isCameraEnabled: false,
  isScreenShareEnabled: false,
  connectionQuality: 'excellent',
  permissions: perms,
  attributes: {},
  getTrackPublication: () => undefined,
  audioTrackPublications: new Map(),
};
// `#remote=true`: a trainer is in the room too, hand raised (two tiles, each with flags).
const remote = { ...local, identity: 'user-2', name: 'Tara Trainer-Longname', isMicrophoneEnabled: false };
const withRemote = params.get('remote') === 'true';
const controller = {
  room: {
    localParticipant: local,
    remoteParticipants: new Map(withRemote ? [[remote.identity, remote]] : []),
    activeSpeakers: [],
    get canPlaybackAudio() {
      return sound.on;
    },
  },
  state: 'connected',
  chat: [],
  join: { canPublish: perms.canPublish, role: 'attendee' },
  canPublish: () => perms.canPublish,
  toggleMic: async () => void calls.push('toggleMic'),
  toggleCamera: async () => void calls.push('toggleCamera'),
  toggleHand: async () => void calls.push('toggleHand'),
  toggleScreenShare: async () => void calls.push('toggleScreenShare'),
  handRaised: (p?: unknown) => p === remote,
  roleOf: (p: unknown) => (p === remote ? 'trainer' : p === local && role.captioner ? 'captioner' : null),
  publishCaption: async () => void calls.push('publishCaption'),
  sendChat: async () => undefined,
  leave: async () => undefined,
  startAudio: async () => void calls.push('startAudio'),
} as unknown as RoomController;
const lk = { Track: { Source: { Camera: 'camera', ScreenShare: 'screen_share' } } } as unknown as LiveKit;

(window as unknown as { roomFixture: unknown }).roomFixture = {
  calls,
  setCanPublish(on: boolean) {
    perms.canPublish = on;
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
};

function App() {
  const [message, setMessage] = useState('');
  const [, setVersion] = useState(0);
  const [shortcuts, setShortcuts] = useState(true);
  const [settings, setSettings] = useState<CaptionSettings>(DEFAULT_SETTINGS);
  // As RoomPage: the panel, rebuilt beside or below the video when moved, keeps its settings open and the choice focused.
  const panelMoves = usePanelMoves(settings, setSettings, true);
  rerender = () => setVersion((v) => v + 1);
  // As RoomPage's announce: the same words twice in a row get a trailing space, so they are read again.
  const announce = (m: string) => setMessage((prev) => (prev === m ? m + '\u00a0' : m));
  const captionsPanel = (
    <CaptionsPanel captions={emptyCaptions()} settings={settings} {...panelMoves} nameOf={() => local.name} waitingText="Captions will appear here when someone speaks and captions are on.">
      <div class="caption-sources">{controller.roleOf(local as never) === 'captioner' && <CaptionerBox sessionId="session-1" publisher={{ identity: local.identity, publishCaption: (...a) => controller.publishCaption(...a) }} speakers={[{ identity: local.identity, name: local.name }]} />}</div>
    </CaptionsPanel>
  );
  return (
    <main>
      <h1>Live room: fixture</h1>
      <Status message={message} id="room-status" />
      {/* As RoomPage: the captions panel (with the captioner's box for the captioner) beside or below the video. */}
      <div class="room-layout">
        <LiveRoom lk={lk} controller={controller} shortcutsEnabled={shortcuts} onToggleCaptions={() => announce('Captions toggled.')} onError={announce} announce={announce} side={settings.position === 'side' && captionsPanel} below={settings.position === 'bottom' && captionsPanel} />
      </div>
      <ShortcutsHelp enabled={shortcuts} onChange={setShortcuts} place={{ room: true, canPublish: controller.canPublish() }} />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
