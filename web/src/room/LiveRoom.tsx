/**
 * Inside the live room: the video grid (active speaker highlighted, screen shares first),
 * the controls (microphone, camera, screen share, hand, leave), chat, and the connection
 * state. Every control is a labelled button; states are announced by the page's live region.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Participant, Track, TrackPublication } from 'livekit-client';
import { lengthHint, messageOf, tooLongError } from '../components.js';
import { MAX_CHAT_CHARS } from '../../../shared/live.js';
import { ENGLAND, formatTime } from '../format.js';
import { displayName, qualityLabel, type LiveKit, type RoomController } from './controller.js';
import { LISTENING_ONLY, needsPublish, SHORTCUTS, shortcutDescription, shortcutFor, type ShortcutAction, type ShortcutPlace } from './shortcuts.js';

/** How many of the room's announcements its log keeps on the page (older ones have been said). */
export const KEPT_ANNOUNCEMENTS = 5;

export interface Announcement {
  id: number;
  text: string;
}

/**
 * The room's announcements (joins and leaves, chat, hands, the connection, what an action
 * did), kept in order: each is added after the last, never put in its place, so a screen
 * reader says every one in turn however close together they come. The same words twice are a
 * second entry, and said again.
 */
export function useAnnouncements(): { entries: Announcement[]; announce: (message: string) => void } {
  const [entries, setEntries] = useState<Announcement[]>([]);
  const last = useRef(0);
  const announce = useCallback((text: string) => {
    const id = ++last.current;
    setEntries((prev) => [...prev, { id, text }].slice(-KEPT_ANNOUNCEMENTS));
  }, []);
  return { entries, announce };
}

/**
 * The room's announcements as a polite log: new entries are read as they are added (removing
 * the oldest is not read), the newest last and shown in bold.
 */
export function RoomAnnouncements({ entries, id }: { entries: Announcement[]; id?: string }) {
  return (
    <div role="log" aria-live="polite" aria-relevant="additions" aria-atomic="false" aria-label="Room announcements" id={id} class={entries.length ? 'status room-announcements' : 'room-announcements status-empty'}>
      {entries.map((e) => (
        <p key={e.id}>{e.text}</p>
      ))}
    </div>
  );
}

function VideoView({ track, mirrored, label }: { track: Track; mirrored?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    track.attach(el);
    return () => void track.detach(el);
  }, [track]);
  return <video ref={ref} class={mirrored ? 'tile-video mirrored' : 'tile-video'} autoPlay playsInline muted aria-label={label} />;
}

function AudioView({ track }: { track: Track }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    track.attach(el);
    return () => void track.detach(el);
  }, [track]);
  return <audio ref={ref} autoPlay class="room-audio" />;
}

interface Tile {
  key: string;
  participant: Participant;
  kind: 'camera' | 'screen';
  pub: TrackPublication | undefined;
}

function tilesOf(lk: LiveKit, participants: Participant[]): Tile[] {
  const screens: Tile[] = [];
  const cams: Tile[] = [];
  for (const p of participants) {
    const screen = p.getTrackPublication(lk.Track.Source.ScreenShare);
    if (screen?.track && !screen.isMuted) screens.push({ key: `${p.identity}-screen`, participant: p, kind: 'screen', pub: screen });
    cams.push({ key: `${p.identity}-camera`, participant: p, kind: 'camera', pub: p.getTrackPublication(lk.Track.Source.Camera) });
  }
  return [...screens, ...cams];
}

function ParticipantTile({ tile, isLocal, speaking, hand, quality, role }: { tile: Tile; isLocal: boolean; speaking: boolean; hand: boolean; quality: string; role: string }) {
  const p = tile.participant;
  const name = isLocal ? `${displayName(p)} (you)` : displayName(p);
  const video = tile.pub?.track && !tile.pub.isMuted ? tile.pub.track : null;
  const cls = ['tile', tile.kind === 'screen' ? 'tile-screen' : '', speaking ? 'tile-speaking' : '', hand ? 'tile-hand' : ''].filter(Boolean).join(' ');
  const label = tile.kind === 'screen' ? `Screen shared by ${name}` : `Video of ${name}`;
  return (
    <li class={cls}>
      <figure class="tile-figure">
        {video ? <VideoView track={video} mirrored={isLocal && tile.kind === 'camera'} label={label} /> : <div class="tile-placeholder" aria-hidden="true">{initials(displayName(p))}</div>}
        <figcaption class="tile-caption">
          <span class="tile-name">{tile.kind === 'screen' ? `${name}: screen` : name}</span>
          {tile.kind === 'camera' && (
            <span class="tile-flags">
              {role && <span class="flag flag-role">{role}</span>}
              {speaking && <span class="flag flag-speaking">Speaking</span>}
              {hand && <span class="flag flag-hand">Hand raised</span>}
              {!p.isMicrophoneEnabled && <span class="flag">Muted</span>}
              <span class={`flag flag-quality quality-${quality}`}>Connection {qualityLabel(quality)}</span>
            </span>
          )}
        </figcaption>
      </figure>
    </li>
  );
}

/** The role a tile shows: from the session's trainers and the server-set role, or LiveKit's agent kind. */
function roleLabel(controller: RoomController, p: Participant): string {
  if (p.isAgent) return 'Automatic captions';
  const role = controller.roleOf(p);
  return role === 'trainer' ? 'Trainer' : role === 'captioner' ? 'Captioner' : '';
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

function ChatPanel({ controller, inputRef }: { controller: RoomController; inputRef: { current: HTMLInputElement | null } }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  /** The error is the message's length (the field is wrong), not a failure to send it. */
  const [tooLong, setTooLong] = useState(false);
  const logRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = logRef.current?.parentElement;
    if (el) el.scrollTop = el.scrollHeight;
  }, [controller.chat.length]);
  async function send(e: Event) {
    e.preventDefault();
    if (!text.trim()) return;
    // Refused with a word, not cut short: the text is kept to be shortened.
    const over = tooLongError('Message', text, MAX_CHAT_CHARS);
    setTooLong(!!over);
    setError(over ?? '');
    if (over) return;
    try {
      // Composed (NFC), as the limit counts its characters (`charactersIn`).
      await controller.sendChat(text.normalize('NFC'));
      setText('');
    } catch (err) {
      setError(`Your message was not sent: ${messageOf(err)}`);
    }
  }
  const hint = lengthHint(text, MAX_CHAT_CHARS);
  return (
    <section aria-labelledby="chat-title" class="panel chat-panel">
      <h2 id="chat-title">Chat</h2>
      <div class="chat-log" tabIndex={0} role="region" aria-label="Chat messages">
        {controller.chat.length === 0 ? (
          <p class="muted">No messages yet.</p>
        ) : (
          <ol ref={logRef} class="chat-list">
            {controller.chat.map((m) => (
              <li key={m.id} class={m.mine ? 'chat-item chat-mine' : 'chat-item'}>
                <span class="chat-from">{m.fromName}</span> <span class="chat-time">{formatTime(new Date(m.at), ENGLAND)}</span>
                <p class="chat-text">{m.text}</p>
              </li>
            ))}
          </ol>
        )}
      </div>
      <form onSubmit={send} class="chat-form" noValidate>
        <label for="chat-input">Message</label>
        {hint && (
          <p class="hint" id="chat-input-hint">
            {hint}
          </p>
        )}
        <div class="chat-row">
          <input
            ref={inputRef}
            id="chat-input"
            type="text"
            autoComplete="off"
            value={text}
            aria-invalid={tooLong && error ? 'true' : undefined}
            aria-describedby={[hint ? 'chat-input-hint' : '', error ? 'chat-input-error' : ''].filter(Boolean).join(' ') || undefined}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit" class="button">
            Send
          </button>
        </div>
        {error && (
          <p class="error-message" id="chat-input-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

/**
 * The list of shortcuts, with the setting that turns them off, described as they work where
 * the list is shown (`place`): before joining, the keys that only work once joined say so; in
 * the room, a listener's M and V say they are not available.
 */
export function ShortcutsHelp({ enabled, onChange, place }: { enabled: boolean; onChange: (on: boolean) => void; place: ShortcutPlace }) {
  return (
    <section aria-labelledby="shortcuts-title" class="panel shortcuts">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <div class="checkbox">
        <input type="checkbox" id="shortcuts-on" checked={enabled} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for="shortcuts-on">Use single-key shortcuts</label>
      </div>
      <p class="hint">They do nothing while you are typing in a box. Turn them off if you use speech input or they get in your way.</p>
      <dl class="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.key}>
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{shortcutDescription(s, place)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Listens for the room's single-key shortcuts on the whole page. */
export function useShortcuts(enabled: boolean, run: (a: ShortcutAction) => void) {
  const runRef = useRef(run);
  runRef.current = run;
  // Read at each key press, so a key pressed straight after turning shortcuts off (before
  // effects have run) is not taken as one.
  const enabledRef = useRef(enabled);
  enabledRef.current = enabled;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = shortcutFor(e, enabledRef.current);
      if (!a) return;
      e.preventDefault();
      runRef.current(a);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export function LiveRoom({
  lk,
  controller,
  shortcutsEnabled,
  onToggleCaptions,
  onError,
  announce,
  side,
  below,
}: {
  lk: LiveKit;
  controller: RoomController;
  shortcutsEnabled: boolean;
  onToggleCaptions: () => void;
  onError: (m: string) => void;
  /** Says something in the page's status region (why a shortcut did nothing). */
  announce: (m: string) => void;
  /** Panels shown beside the grid (captions when placed at the side, attendance). */
  side?: ComponentChildren;
  /** Panels shown below the grid (captions when placed at the bottom). */
  below?: ComponentChildren;
}) {
  const room = controller.room;
  const lp = room.localParticipant;
  const chatInput = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  // The Join button has gone: start keyboard and screen reader users at the room's state.
  useEffect(() => statusRef.current?.focus(), []);
  // A control can go while it has focus, by what the room says a moment later: "Turn on sound"
  // once the sound plays, the microphone, camera and screen buttons when a trainer makes this
  // person a listener, the captioner's box (beside or below the video: `side` and `below` are
  // inside this room for that) when a trainer unassigns the captioner. Focus would fall to
  // <body> (the top of the page, WCAG 2.4.3): it goes
  // to the room's state instead. Only when the control focused last has gone from the page,
  // so focus that has moved on, or that was put on the page itself, stays where it is.
  const lastFocused = useRef<Element | null>(null);
  useLayoutEffect(() => {
    const active = document.activeElement;
    if ((!active || active === document.body) && lastFocused.current && !lastFocused.current.isConnected) {
      lastFocused.current = null;
      statusRef.current?.focus();
    }
  });
  const participants: Participant[] = [lp, ...room.remoteParticipants.values()];
  const speaking = new Set(room.activeSpeakers.map((p) => p.identity));
  const canPublish = controller.canPublish();

  async function act(fn: () => Promise<void>, what: string) {
    try {
      await fn();
    } catch (e) {
      onError(`Could not ${what}: ${e instanceof Error && e.name === 'NotAllowedError' ? 'your browser did not allow it.' : messageOf(e)}`);
    }
  }
  const toggleMic = () => act(() => controller.toggleMic(), 'change your microphone');
  const toggleCam = () => act(() => controller.toggleCamera(), 'change your camera');
  const toggleHand = () => act(() => controller.toggleHand(), 'raise or lower your hand');

  useShortcuts(shortcutsEnabled, (a) => {
    // A listener's M and V do nothing (the list says they are not available): say why.
    // Asked at the key press, so permission given or taken away since the last render counts.
    if (needsPublish(a) && !controller.canPublish()) announce(LISTENING_ONLY[a]);
    else if (a === 'mic') void toggleMic();
    else if (a === 'camera') void toggleCam();
    else if (a === 'hand') void toggleHand();
    else if (a === 'captions') onToggleCaptions();
    else if (a === 'chat') chatInput.current?.focus();
  });

  const remoteAudio: Track[] = [];
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.audioTrackPublications.values()) if (pub.track) remoteAudio.push(pub.track);
  }
  const q = lp.connectionQuality;

  return (
    <div class="live-room" onFocusIn={(e) => (lastFocused.current = e.target as Element)}>
      <div ref={statusRef} tabIndex={-1} class={`connection connection-${controller.state}`}>
        <strong>
          {controller.state === 'reconnecting' ? 'Reconnecting…' : controller.state === 'connected' ? 'Connected' : controller.state === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </strong>
        <span class={`quality quality-${q}`}>Your connection: {qualityLabel(q)}</span>
        <span>{participants.length} in the room</span>
      </div>
      {!room.canPlaybackAudio && (
        <div class="notice notice-warning">
          <p>Your browser has paused the sound of this session.</p>
          <button type="button" class="button" onClick={() => void act(() => controller.startAudio(), 'start the sound')}>
            Turn on sound
          </button>
        </div>
      )}
      <div class="controls" role="group" aria-label="Room controls">
        {canPublish ? (
          <>
            <button type="button" class="button button-control" aria-pressed={lp.isMicrophoneEnabled ? 'false' : 'true'} onClick={() => void toggleMic()}>
              Mute microphone
            </button>
            <button type="button" class="button button-control" aria-pressed={lp.isCameraEnabled ? 'false' : 'true'} onClick={() => void toggleCam()}>
              Turn off camera
            </button>
            {'getDisplayMedia' in (navigator.mediaDevices ?? {}) && (
              <button type="button" class="button button-control" aria-pressed={lp.isScreenShareEnabled ? 'true' : 'false'} onClick={() => void act(() => controller.toggleScreenShare(), 'share your screen')}>
                Share screen
              </button>
            )}
          </>
        ) : (
          <p class="listener-note">You are listening. Raise your hand to ask to speak.</p>
        )}
        <button type="button" class="button button-control" aria-pressed={controller.handRaised() ? 'true' : 'false'} onClick={() => void toggleHand()}>
          Raise hand
        </button>
        <button type="button" class="button button-danger" onClick={() => void act(() => controller.leave(), 'leave')}>
          Leave session
        </button>
      </div>
      <div class="room-main">
        <section aria-labelledby="grid-title" class="grid-area">
          <h2 id="grid-title" class="visually-hidden">
            People in the session
          </h2>
          <ul class={`video-grid grid-count-${Math.min(participants.length, 9)}`}>
            {tilesOf(lk, participants).map((t) => (
              <ParticipantTile key={t.key} tile={t} isLocal={t.participant === lp} speaking={speaking.has(t.participant.identity)} hand={controller.handRaised(t.participant)} quality={t.participant.connectionQuality} role={roleLabel(controller, t.participant)} />
            ))}
          </ul>
          {remoteAudio.map((t) => (
            <AudioView key={t.sid ?? t.mediaStreamTrack.id} track={t} />
          ))}
        </section>
        <div class="room-side">
          {side}
          <ChatPanel controller={controller} inputRef={chatInput} />
        </div>
      </div>
      {below}
    </div>
  );
}
