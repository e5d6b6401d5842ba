/**
 * One live room connection through livekit-client: connects with the server's join answer,
 * publishes the pre-join tracks, and turns room events into a snapshot the page renders
 * and into short messages for the page's live region. Captions and chat travel as LiveKit
 * text streams (`lk.transcription`, `lk.chat`).
 */
import type { LocalAudioTrack, LocalVideoTrack, Participant, Room, TextStreamReader } from 'livekit-client';
import { cutText, MAX_CHAT_CHARS, ROOM_ATTRIBUTES, RoomRole, TRANSCRIPTION_ATTRIBUTES, TRANSCRIPTION_TOPIC, type JoinResult, type LiveStatus } from '../../../shared/live.js';
import { wholeTextReader, type CaptionSender, type TranscriptionReader } from './captions.js';

export type LiveKit = typeof import('livekit-client');

export const CHAT_TOPIC = 'lk.chat';

/**
 * The first `max` characters of a text stream; the rest is read (so LiveKit frees it) and
 * dropped. A chat message from anyone in the room is read this way, not whole: one sent far
 * longer than a message may be would otherwise be held whole by every browser in the room.
 */
export async function readCapped(reader: AsyncIterable<string>, max: number): Promise<string> {
  let text = '';
  for await (const chunk of reader) if (text.length < max) text += chunk;
  return cutText(text, max);
}
/** Participant attribute set (by the server) while someone's hand is up (value: when it went up). */
export const HAND_ATTRIBUTE = ROOM_ATTRIBUTES.hand;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ChatItem {
  id: string;
  fromIdentity: string;
  fromName: string;
  text: string;
  at: number;
  mine: boolean;
}

export interface RoomCallbacks {
  /** Something in the room changed: render again. */
  changed(): void;
  /** A short message for the polite live region (connection states, hands, chat). */
  announce(message: string): void;
  /** A transcription text stream arrived (the room's `lk.transcription` handler), with what the room knows of its sender. */
  transcription(reader: TranscriptionReader, from: CaptionSender): void;
  /** Raises or lowers this person's hand through the server (participants cannot set their own attributes). */
  setHand(raised: boolean): Promise<void>;
  /** The connection ended; `byUser` when the person left on purpose; `final` when a trainer removed them or ended the room for everyone. */
  ended(reason: string, byUser: boolean, final: boolean): void;
}

const qualityWords: Record<string, string> = { excellent: 'excellent', good: 'good', poor: 'poor', lost: 'lost', unknown: 'unknown' };
export const qualityLabel = (q: string) => qualityWords[q] ?? 'unknown';

/**
 * The role the room shows for a participant: one of the session's trainers, else the role
 * the server set in their attributes (which participants cannot change), else none.
 * Metadata, names and any other attribute are never read for it.
 */
export function roomRoleOf(trainerIdentities: ReadonlySet<string>, identity: string, attributes: Readonly<Record<string, string>>): RoomRole | null {
  if (trainerIdentities.has(identity)) return 'trainer';
  const r = RoomRole.safeParse(attributes[ROOM_ATTRIBUTES.role]);
  return r.success ? r.data : null;
}

export const displayName = (p: Participant) => p.name || (p.isAgent ? 'Automatic captions' : p.identity);

/**
 * How long the joins and leaves of a moment are gathered into one announcement: at the start
 * of a session many people come at once, and a message each would crowd out the chat and
 * raised hands for someone listening to the page.
 */
export const PRESENCE_WINDOW_MS = 2000;
/** At most this many names in one announcement of joins or leaves; the rest are counted. */
const NAMED_AT_MOST = 5;

/** "Ann", "Ann and Ben", "Ann, Ben and Cat"; past NAMED_AT_MOST names, "Ann, Ben, Cat, Dee and 3 more". */
export function namesList(names: readonly string[]): string {
  const shown = names.length > NAMED_AT_MOST ? [...names.slice(0, NAMED_AT_MOST - 1), `${names.length - (NAMED_AT_MOST - 1)} more`] : [...names];
  return shown.length < 2 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** One announcement for the joins and leaves of a moment: "Ann joined.", "3 people joined: Ann, Ben and Cat. Dee left." */
export function presenceWords(joined: readonly string[], left: readonly string[]): string {
  const part = (names: readonly string[], verb: string) => (names.length === 0 ? '' : names.length === 1 ? `${names[0]} ${verb}.` : `${names.length} people ${verb}: ${namesList(names)}.`);
  return [part(joined, 'joined'), part(left, 'left')].filter(Boolean).join(' ');
}

/**
 * Gathers joins and leaves into one announcement, said PRESENCE_WINDOW_MS after the first of
 * them. Someone who leaves and comes back within it (a dropped connection) is not mentioned.
 */
export class PresenceNotices {
  private readonly joined = new Map<string, string>();
  private readonly left = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly say: (message: string) => void,
    private readonly windowMs = PRESENCE_WINDOW_MS,
  ) {}

  add(kind: 'joined' | 'left', identity: string, name: string) {
    const [these, opposite] = kind === 'joined' ? [this.joined, this.left] : [this.left, this.joined];
    if (!opposite.delete(identity)) these.set(identity, name);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Says what has been gathered, now. */
  flush() {
    const words = presenceWords([...this.joined.values()], [...this.left.values()]);
    this.clear();
    if (words) this.say(words);
  }

  /** Forgets what has been gathered, unsaid (this person has left the room). */
  clear() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.joined.clear();
    this.left.clear();
  }
}

export class RoomController {
  readonly room: Room;
  state: ConnectionState = 'connecting';
  chat: ChatItem[] = [];
  private leaving = false;
  private lastQuality = '';
  private readonly presence: PresenceNotices;

  constructor(
    private readonly lk: LiveKit,
    readonly join: JoinResult,
    private readonly cb: RoomCallbacks,
    /** The identities of the session's trainers (from the session itself, not from the room). */
    private readonly trainerIdentities: ReadonlySet<string> = new Set(),
  ) {
    this.room = new lk.Room({ adaptiveStream: true, dynacast: true, disconnectOnPageLeave: true });
    this.presence = new PresenceNotices((m) => this.cb.announce(m));
    this.bind();
  }

  /**
   * The role the room shows for a participant: the session's trainers, then the role the
   * server put in their attributes (participants cannot change their own), else none.
   */
  roleOf(p: Participant): RoomRole | null {
    return roomRoleOf(this.trainerIdentities, p.identity, p.attributes);
  }

  /** What the room knows of a participant as a caption sender (LiveKit's kind and permissions, the server's role). */
  senderOf(identity: string): CaptionSender {
    const lp = this.room.localParticipant;
    const p = identity === lp.identity ? lp : this.room.getParticipantByIdentity(identity);
    if (!p) return { identity, agent: false, role: this.trainerIdentities.has(identity) ? 'trainer' : null, canPublish: false };
    return { identity, agent: p.isAgent, role: this.roleOf(p), canPublish: p === lp ? this.canPublish() : !!p.permissions?.canPublish };
  }

  private bind() {
    const { RoomEvent } = this.lk;
    const r = this.room;
    const changed = () => this.cb.changed();
    for (const ev of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.TrackSubscribed,
      RoomEvent.TrackUnsubscribed,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.TrackPublished,
      RoomEvent.TrackUnpublished,
      RoomEvent.LocalTrackPublished,
      RoomEvent.LocalTrackUnpublished,
      RoomEvent.ActiveSpeakersChanged,
      RoomEvent.AudioPlaybackStatusChanged,
      RoomEvent.ParticipantNameChanged,
      RoomEvent.ActiveDeviceChanged,
      RoomEvent.MediaDevicesChanged,
    ] as const) {
      r.on(ev, changed);
    }
    r.on(RoomEvent.ParticipantConnected, (p) => this.presence.add('joined', p.identity, displayName(p)));
    r.on(RoomEvent.ParticipantDisconnected, (p) => this.presence.add('left', p.identity, displayName(p)));
    r.on(RoomEvent.ParticipantPermissionsChanged, (_prev, p) => {
      if (p === r.localParticipant) this.cb.announce(p.permissions?.canPublish ? 'You can now use your microphone and camera.' : 'You are now listening only.');
      changed();
    });
    r.on(RoomEvent.ParticipantAttributesChanged, (attrs, p) => {
      if (HAND_ATTRIBUTE in attrs && p !== r.localParticipant) {
        this.cb.announce(attrs[HAND_ATTRIBUTE] ? `${displayName(p)} raised their hand.` : `${displayName(p)} lowered their hand.`);
      }
      changed();
    });
    r.on(RoomEvent.ConnectionQualityChanged, (q, p) => {
      if (p === r.localParticipant && q !== this.lastQuality) {
        // Only worth interrupting someone for when it gets bad or recovers from bad.
        if (q === 'poor' || q === 'lost' || this.lastQuality === 'poor' || this.lastQuality === 'lost') this.cb.announce(`Your connection is ${qualityLabel(q)}.`);
        this.lastQuality = q;
      }
      changed();
    });
    r.on(RoomEvent.Reconnecting, () => {
      this.state = 'reconnecting';
      this.cb.announce('Connection lost. Reconnecting…');
      changed();
    });
    r.on(RoomEvent.SignalReconnecting, () => {
      if (this.state === 'reconnecting') return;
      this.state = 'reconnecting';
      this.cb.announce('Connection lost. Reconnecting…');
      changed();
    });
    r.on(RoomEvent.Reconnected, () => {
      this.state = 'connected';
      this.cb.announce('Reconnected.');
      changed();
    });
    r.on(RoomEvent.Disconnected, (reason) => {
      this.state = 'disconnected';
      this.presence.clear();
      changed();
      const R = this.lk.DisconnectReason;
      const final = !this.leaving && (reason === R.PARTICIPANT_REMOVED || reason === R.ROOM_DELETED);
      this.cb.ended(this.leaving ? 'You left the session.' : disconnectWords(this.lk, reason), this.leaving, final);
    });
    // `from` is the sender as LiveKit's server stamped it on the data packets.
    r.registerTextStreamHandler(TRANSCRIPTION_TOPIC, (reader: TextStreamReader, from) => this.cb.transcription(reader, this.senderOf(from.identity)));
    r.registerTextStreamHandler(CHAT_TOPIC, (reader: TextStreamReader, from) => void this.receiveChat(reader, from.identity));
  }

  private async receiveChat(reader: TextStreamReader, identity: string) {
    try {
      const text = (await readCapped(reader, MAX_CHAT_CHARS)).trim();
      if (!text) return;
      const p = this.room.getParticipantByIdentity(identity);
      const fromName = p ? displayName(p) : identity;
      this.chat = [...this.chat, { id: reader.info.id, fromIdentity: identity, fromName, text: text.slice(0, MAX_CHAT_CHARS), at: Date.now(), mine: false }].slice(-300);
      this.cb.announce(`Chat from ${fromName}: ${text.slice(0, 300)}`);
      this.cb.changed();
    } catch {
      /* a stream cut off mid-way (the sender left): nothing to show */
    }
  }

  /**
   * Connects and publishes the tracks chosen before joining (when allowed to publish). The
   * chosen devices become the room's defaults, so a microphone or camera turned on later
   * (or after being invited to speak) uses them too.
   */
  async connect(tracks: { audio?: LocalAudioTrack | null; video?: LocalVideoTrack | null; micId?: string; camId?: string }) {
    const opts = this.room.options;
    if (tracks.micId) opts.audioCaptureDefaults = { ...opts.audioCaptureDefaults, deviceId: tracks.micId };
    if (tracks.camId) opts.videoCaptureDefaults = { ...opts.videoCaptureDefaults, deviceId: tracks.camId };
    await this.room.connect(this.join.serverUrl, this.join.token, { autoSubscribe: true });
    this.state = 'connected';
    if (this.canPublish()) {
      for (const t of [tracks.audio, tracks.video]) {
        if (!t) continue;
        try {
          await this.room.localParticipant.publishTrack(t);
        } catch {
          this.cb.announce(`Your ${t.kind === 'audio' ? 'microphone' : 'camera'} could not be shared.`);
        }
      }
    } else {
      for (const t of [tracks.audio, tracks.video]) t?.stop();
    }
    this.cb.announce('You have joined the session.');
    this.cb.changed();
  }

  canPublish() {
    const perms = this.room.localParticipant.permissions;
    return perms ? perms.canPublish : this.join.canPublish;
  }

  /**
   * Whether this person's microphone is on in the room: allowed to speak, published and not
   * muted (by themselves, or by a trainer). Their speech is captioned only then.
   */
  micOn(): boolean {
    return this.canPublish() && this.room.localParticipant.isMicrophoneEnabled;
  }

  /**
   * Calls `fn` whenever this person's microphone may have gone on or off (LiveKit's mute,
   * unmute, publish and unpublish of their own tracks, and permission to speak given or taken
   * away). Returns the function that stops it.
   */
  onMicChange(fn: () => void): () => void {
    const lp = this.room.localParticipant;
    const E = this.lk.ParticipantEvent;
    const events = [E.TrackMuted, E.TrackUnmuted, E.LocalTrackPublished, E.LocalTrackUnpublished, E.ParticipantPermissionsChanged] as const;
    for (const ev of events) lp.on(ev, fn);
    return () => {
      for (const ev of events) lp.off(ev, fn);
    };
  }

  async toggleMic() {
    const lp = this.room.localParticipant;
    const on = !lp.isMicrophoneEnabled;
    await lp.setMicrophoneEnabled(on);
    this.cb.announce(on ? 'Microphone on.' : 'Microphone muted.');
    this.cb.changed();
  }

  async toggleCamera() {
    const lp = this.room.localParticipant;
    const on = !lp.isCameraEnabled;
    await lp.setCameraEnabled(on);
    this.cb.announce(on ? 'Camera on.' : 'Camera off.');
    this.cb.changed();
  }

  async toggleScreenShare() {
    const lp = this.room.localParticipant;
    const on = !lp.isScreenShareEnabled;
    await lp.setScreenShareEnabled(on, { audio: true });
    this.cb.announce(on ? 'You are sharing your screen.' : 'You stopped sharing your screen.');
    this.cb.changed();
  }

  handRaised(p: Participant = this.room.localParticipant) {
    return !!p.attributes[HAND_ATTRIBUTE];
  }

  async toggleHand() {
    const up = !this.handRaised();
    await this.cb.setHand(up);
    this.cb.announce(up ? 'Your hand is raised.' : 'Your hand is lowered.');
    this.cb.changed();
  }

  async sendChat(text: string) {
    const clean = text.trim().slice(0, MAX_CHAT_CHARS);
    if (!clean) return;
    const info = await this.room.localParticipant.sendText(clean, { topic: CHAT_TOPIC });
    const lp = this.room.localParticipant;
    this.chat = [...this.chat, { id: info.id, fromIdentity: lp.identity, fromName: 'You', text: clean, at: Date.now(), mine: true }].slice(-300);
    this.cb.changed();
  }

  /** The sid of a participant's microphone track, for the transcription's track attribute. */
  micTrackSid(identity: string): string | null {
    const p = identity === this.room.localParticipant.identity ? this.room.localParticipant : this.room.getParticipantByIdentity(identity);
    return p?.getTrackPublication(this.lk.Track.Source.Microphone)?.trackSid ?? null;
  }

  /** Who owns the track with this sid (the speaker of a transcription), if they are here. */
  trackOwner(trackSid: string): string | null {
    for (const p of [this.room.localParticipant, ...this.room.remoteParticipants.values()]) {
      for (const pub of p.trackPublications.values()) if (pub.trackSid === trackSid) return p.identity;
    }
    return null;
  }

  /**
   * Publishes a caption segment on `lk.transcription` the way LiveKit's speech-to-text
   * agents do, and shows it here through the same handler (a sender does not get its own
   * streams back).
   */
  async publishCaption(segmentId: string, text: string, final: boolean, speakerIdentity?: string) {
    const trackSid = this.micTrackSid(speakerIdentity ?? this.room.localParticipant.identity);
    const attributes: Record<string, string> = { [TRANSCRIPTION_ATTRIBUTES.segmentId]: segmentId, [TRANSCRIPTION_ATTRIBUTES.final]: String(final) };
    if (trackSid) attributes[TRANSCRIPTION_ATTRIBUTES.trackId] = trackSid;
    this.cb.transcription(wholeTextReader(`local-${segmentId}-${final ? 'f' : Date.now()}`, text, attributes), this.senderOf(this.room.localParticipant.identity));
    await this.room.localParticipant.sendText(text, { topic: TRANSCRIPTION_TOPIC, attributes });
  }

  async startAudio() {
    await this.room.startAudio();
    this.cb.changed();
  }

  async leave() {
    this.leaving = true;
    await this.room.disconnect(true);
  }
}

/**
 * Why the room put someone out, from what the server says of them now (LiveStatus), and
 * whether they may join again: LiveKit reports every removal as PARTICIPANT_REMOVED (a
 * trainer's, or the server's when a place went: cancelled, moved in person, the session over)
 * and every deleted room as ROOM_DELETED ("End for everyone", or the session cancelled).
 */
export function removalWords(st: Pick<LiveStatus, 'removed' | 'role' | 'open' | 'ended'>): { reason: string; final: boolean } {
  if (st.removed) return { reason: 'A trainer removed you from the session. You cannot join it again unless a trainer lets you back in.', final: true };
  // Closed first: a cancelled session's places are cancelled with it, and that is not about one person.
  if (!st.open) return { reason: 'The live room has closed: the session is over or was cancelled.', final: true };
  if (!st.role) return { reason: 'Your place on this session has changed (cancelled, or moved to an in-person seat), so you are no longer in its live room.', final: true };
  if (st.ended) return { reason: st.role === 'trainer' ? 'The room was ended for everyone. As a trainer you can reopen it and join again.' : 'The trainer ended the session for everyone.', final: st.role !== 'trainer' };
  return { reason: 'You were disconnected from the live session.', final: false };
}

function disconnectWords(lk: LiveKit, reason: unknown): string {
  const R = lk.DisconnectReason;
  switch (reason) {
    case R.PARTICIPANT_REMOVED:
      return 'A trainer removed you from the session. You cannot join it again unless a trainer lets you back in.';
    case R.ROOM_DELETED:
      return 'The trainer ended the session for everyone.';
    case R.DUPLICATE_IDENTITY:
      return 'You joined this session from another window or device, so this one was disconnected.';
    case R.JOIN_FAILURE:
      return 'Could not connect to the live session. Check your connection and try again.';
    default:
      return 'You were disconnected from the live session.';
  }
}
