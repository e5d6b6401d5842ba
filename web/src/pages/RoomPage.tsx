/**
 * `/sessions/:id/room`: the online session. First a check of camera and microphone, then
 * the live room (livekit-client, loaded only on this page), with captions from LiveKit
 * text streams on `lk.transcription`, chat, raise hand, keyboard shortcuts and, for the
 * trainer, live attendance. Without LiveKit configured on the server the page says so.
 */
import '../room.css';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { HEARTBEAT_INTERVAL_MS, identityOf, JoinResult, LiveStatus, userIdOfIdentity } from '../../../shared/live.js';
import { Session } from '../../../shared/sessions.js';
import { BookingList, READS_TRANSCRIPT, type Booking } from '../../../shared/bookings.js';
import { api, ApiError } from '../api.js';
import { Alert, DownloadMessages, isInternalWording, messageOf, PageHeading, useApp, useDownloadLink, useFocusLater } from '../components.js';
import { Retry, useLoad } from '../load.js';
import { ENGLAND, formatDate, formatDateTime, formatTimeRange, plural } from '../format.js';
import { Link } from '../router.js';
import { AttendancePanel, useAttendance } from '../room/AttendancePanel.js';
import { CaptionerBox, SpeechCaptioning, type CaptionPublisher } from '../room/CaptionComposer.js';
import { CaptionsPanel, usePanelMoves } from '../room/CaptionsPanel.js';
import { HostPanel } from '../room/HostPanel.js';
import { automaticCaptionId, deliverTranscription, emptyCaptions, loadSettings, saveSettings, type CaptionSender, type CaptionSettings, type CaptionState, type DeliveredFinal, type TranscriptionReader } from '../room/captions.js';
import { storesAgentCaptions, TrainerRoomPanel } from '../room/TrainerRoomPanel.js';
import { displayName, removalWords, RoomController, type LiveKit } from '../room/controller.js';
import { LiveRoom, RoomAnnouncements, ShortcutsHelp, useAnnouncements, useShortcuts } from '../room/LiveRoom.js';
import { PreJoin, type PreJoinChoice, type PreJoinControls } from '../room/PreJoin.js';
import { needsPublish, ONCE_JOINED, WILL_LISTEN_ONLY, type ShortcutAction } from '../room/shortcuts.js';
import { serverNow } from '../clock.js';

declare global {
  interface Window {
    /**
     * The page's entry point for transcription text streams: the live room hands every
     * `lk.transcription` stream to it. Also usable by a local speech-to-text bridge or a
     * test to deliver a stream (same shape as LiveKit's TextStreamReader).
     */
    liveRoomCaptions?: { deliver(reader: TranscriptionReader, from: CaptionSender): Promise<DeliveredFinal | null> };
  }
}


type Probe = { kind: 'checking' } | { kind: 'ready'; join: z.infer<typeof JoinResult> } | { kind: 'unavailable'; error: ApiError | Error };
type Stage = 'prejoin' | 'joining' | 'room' | 'ended';

/**
 * Refusals to join that waiting cannot change (by the server's code, not its words): no
 * online place on the session, or the session cancelled. They are said with no "Try again",
 * and the check of camera and microphone before joining is not offered.
 */
const FINAL_REFUSALS: ReadonlySet<string> = new Set(['not_attendee', 'session_cancelled']);
const isFinalRefusal = (p: Probe) => p.kind === 'unavailable' && p.error instanceof ApiError && FINAL_REFUSALS.has(p.error.code);


/**
 * Someone refused the room (not_attendee) who holds a confirmed in-person seat: they cannot
 * book a second seat, but on a hybrid session they may change theirs to an online one on the
 * session's page ("Change to an online seat", as My bookings words it), while booking is open
 * and an online seat is free to them (their booking's `otherSeats`, as that page counts it).
 */
function InPersonSeat({ b }: { b: Booking }) {
  const s = b.session;
  const now = serverNow();
  const o = s.otherSeats?.seat === 'online' ? s.otherSeats : null;
  // Free to the person: held seats count once their holds are released (as My bookings counts them). Null: not known.
  const free = o ? o.free + (now < Date.parse(o.holdsReleaseAt) ? 0 : o.heldForOthers) : null;
  const changeable = s.mode === 'hybrid' && Date.parse(s.endsAt) > now;
  // The cut-off (before the end) froze the numbers: only the session's trainers may move the seat from then.
  const frozen = Date.parse(s.bookingEndsAt) < Date.parse(s.endsAt) && Date.parse(s.bookingEndsAt) <= now;
  const page = `/sessions/${encodeURIComponent(s.id)}`;
  return (
    <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
      <h2>You have an in-person seat on this session</h2>
      <p>
        Your seat is in person{s.venue && <> (<span class="break">{s.venue}</span>)</>}, and the live room is only for those with an online seat.
      </p>
      {changeable && frozen && (
        <p>The seat can no longer be changed, because booking closed on {formatDateTime(s.bookingEndsAt, ENGLAND)}. The session’s trainer can still move you to an online seat.</p>
      )}
      {changeable && !frozen && free !== null && free <= 0 && <p>No online seats are free to you now, so you keep your in-person seat. Check the session’s page later: one may come free.</p>}
      {changeable && !frozen && (free === null || free > 0) && (
        <p>
          To join online, <Link href={page}>change to an online seat on the session’s page</Link>
          {free !== null && <> ({plural(free, 'online seat')} free to you)</>}.
        </p>
      )}
    </div>
  );
}

/**
 * `transcript`: the page offers the transcript (offersTranscript), so the notice may point to it.
 * `seat`: the person's own seat on the session (null: none; undefined: not known yet).
 */
function JoinProblem({ error, onRetry, session, checking, transcript, seat }: { error: ApiError | Error; onRetry: () => void; session: Session | null; checking: boolean; transcript: boolean; seat: Booking | null | undefined }) {
  const code = error instanceof ApiError ? error.code : '';
  // The notice and its button stay while it checks again (the button saying so), so focus is not lost.
  const retry = (label: string) => (
    <button type="button" class="button button-secondary" aria-disabled={checking ? 'true' : undefined} onClick={() => !checking && onRetry()}>
      {checking ? 'Checking…' : label}
    </button>
  );
  if (code === 'session_cancelled') {
    return (
      <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
        <h2>This session has been cancelled</h2>
        <p>
          Its live room will not open.
          {session?.cancelReason && <> Reason given: <span class="break">{session.cancelReason}</span></>}
        </p>
      </div>
    );
  }
  if (code === 'not_attendee') {
    if (seat?.status === 'confirmed' && seat.seat === 'in_person') return <InPersonSeat b={seat} />;
    // Booking an online seat is the only way in: offered only while one can be booked, and
    // once the person's own seat is known (someone with one cannot book a second).
    const bookable = seat === null && session && session.status === 'scheduled' && session.mode !== 'in_person' && Date.parse(session.bookingEndsAt) > serverNow() && session.seats.online.available > 0;
    return (
      <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
        <h2>You do not have an online place on this session</h2>
        <p>{messageOf(error)}</p>
        {bookable && (
          <p>
            <Link href={`/sessions/${encodeURIComponent(session.id)}`}>Book an online seat on the session’s page</Link> ({plural(session.seats.online.available, 'online seat')} free to you).
          </p>
        )}
      </div>
    );
  }
  if (code === 'join_window_closed' && session) {
    const notYet = serverNow() < Date.parse(session.startsAt);
    return (
      <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
        <h2>{notYet ? 'The live room is not open yet' : 'This session has ended'}</h2>
        <p>
          {notYet
            ? `The live room opens shortly before the session starts (${formatDateTime(session.startsAt, ENGLAND)}). This page checks again every minute, so you can keep it open.`
            : `Its live room is closed.${transcript ? ' You can still download the transcript.' : ''}`}
        </p>
        {notYet && retry('Check now')}
      </div>
    );
  }
  if (code === 'removed_from_room') {
    return (
      <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
        <h2>You were removed from this live room</h2>
        <p>A trainer removed you from this session’s live room, so you cannot join it again unless a trainer lets you back in. If you think this is a mistake, contact the trainer.</p>
        {retry('Check again')}
      </div>
    );
  }
  if (code === 'room_ended') {
    return (
      <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
        <h2>The trainer has ended this live room</h2>
        <p>The session’s live room was ended for everyone.{transcript && ' You can still download the transcript.'}</p>
      </div>
    );
  }
  if (code === 'livekit_not_configured') {
    return (
      <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
        <h2>Live video is not configured</h2>
        <p>This server has not been set up for live video yet, so you cannot join online sessions from here. Please tell your administrator that live video needs setting up (the server’s installation guide says how).</p>
        <p>You can still check your camera and microphone and set up your captions below.</p>
      </div>
    );
  }
  return (
    <div class="notice notice-warning" id="join-problem" tabIndex={-1}>
      <h2>You cannot join yet</h2>
      <p>{messageOf(error)}</p>
      {retry('Try again')}
    </div>
  );
}

/**
 * After leaving or losing the room; takes focus once, since the room's controls have gone.
 * Someone removed, or everyone after "End for everyone", is not offered to join again
 * (trainers always are).
 */
function EndedNotice({ reason, onRejoin }: { reason: string; onRejoin: (() => void) | null }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="notice" id="room-ended">
      <h2 ref={ref} tabIndex={-1}>
        You are not in the room
      </h2>
      <p>{reason}</p>
      {onRejoin && (
        <button type="button" class="button" onClick={onRejoin}>
          Join again
        </button>
      )}
    </div>
  );
}

/** Why the room put someone out, asked of the server (removalWords); LiveKit's words when it cannot be asked. */
async function whyRemoved(sessionId: string, reason: string): Promise<{ reason: string; final: boolean }> {
  const st = await api(`/api/sessions/${encodeURIComponent(sessionId)}/live`, LiveStatus).catch(() => null);
  return st ? removalWords(st) : { reason, final: true };
}

/** Tells the server this browser is in the room (the fallback when LiveKit webhooks are not set up). */
function usePresence(sessionId: string, active: boolean, csrfToken: string | null) {
  useEffect(() => {
    if (!active) return;
    let supported = true;
    const path = `/api/sessions/${encodeURIComponent(sessionId)}/presence`;
    const send = (event: 'join' | 'heartbeat') =>
      api(path, z.unknown(), { method: 'POST', body: { event } }).catch((e) => {
        // No presence endpoint, or not an attendee (trainers): LiveKit's own records are the source.
        if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 405)) supported = false;
      });
    const leave = () => {
      if (!supported) return;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (csrfToken) headers['x-csrf-token'] = csrfToken;
      // keepalive lets the request finish while the page is closing.
      void fetch(path, { method: 'POST', headers, body: JSON.stringify({ event: 'leave' }), credentials: 'same-origin', keepalive: true }).catch(() => undefined);
    };
    void send('join');
    const t = setInterval(() => supported && void send('heartbeat'), HEARTBEAT_INTERVAL_MS);
    window.addEventListener('pagehide', leave);
    return () => {
      clearInterval(t);
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [sessionId, active]);
}

export function RoomPage({ id }: { id: string }) {
  const { me, loc } = useApp();
  const sessionLoad = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}`, Session), [id]);
  const session = sessionLoad.data ?? null;
  const [probe, setProbe] = useState<Probe>({ kind: 'checking' });
  const [lk, setLk] = useState<LiveKit | null>(null);
  const [lkError, setLkError] = useState('');
  const [stage, setStage] = useState<Stage>('prejoin');
  /** The stage now, for an answer that arrives later (whyRemoved). */
  const stageRef = useRef(stage);
  stageRef.current = stage;
  const [endedReason, setEndedReason] = useState('');
  const [endedFinal, setEndedFinal] = useState(false);
  const [controller, setController] = useState<RoomController | null>(null);
  const [, setVersion] = useState(0);
  const [error, setError] = useState('');
  const [captions, setCaptions] = useState<CaptionState>(emptyCaptions);
  const [settings, setSettingsState] = useState<CaptionSettings>(() => loadSettings(window.localStorage, me.id));
  const controllerRef = useRef<RoomController | null>(null);
  /** The pre-join check's microphone and camera choices, for M and V before joining. */
  const prejoinControls = useRef<PreJoinControls | null>(null);
  const names = useRef(new Map<string, string>());
  /** Senders LiveKit marked as agents: their captions, when no speaker is known, are "Automatic captions". */
  const agents = useRef(new Set<string>());

  const setSettings = (s: CaptionSettings) => {
    setSettingsState(s);
    saveSettings(window.localStorage, me.id, s);
  };
  const panelMoves = usePanelMoves(settings, setSettings, stage === 'room');

  // Joins and leaves, chat, hands, the connection and what an action did: queued in a log, each said in turn.
  const { entries: announcements, announce } = useAnnouncements();

  async function runProbe(quiet = false) {
    if (!quiet) setProbe({ kind: 'checking' });
    try {
      const join = await api(`/api/sessions/${encodeURIComponent(id)}/join`, JoinResult, { method: 'POST' });
      setProbe({ kind: 'ready', join });
    } catch (e) {
      setProbe({ kind: 'unavailable', error: e instanceof Error ? e : new Error(String(e)) });
    }
  }

  // Checking again from the notice's button: the notice stays (its button saying "Checking…")
  // until the answer, which is said: the room open (focus then on the Join button, if it was on
  // the button that went), or why not still.
  const [rechecking, setRechecking] = useState(false);
  const focusLater = useFocusLater();
  async function recheck() {
    if (rechecking) return;
    setRechecking(true);
    try {
      await runProbe(true);
    } finally {
      setRechecking(false);
    }
  }
  const wasReady = useRef<boolean | null>(null);
  useEffect(() => {
    if (probe.kind === 'checking') return;
    const ready = probe.kind === 'ready';
    if (wasReady.current === false && ready) {
      announce('The live room is open: you can join now.');
      focusLater(() => document.getElementById('join-button'));
    } else if (wasReady.current !== null && !ready && probe.kind === 'unavailable' && rechecking) {
      announce(messageOf(probe.error));
    }
    wasReady.current = ready;
  }, [probe]);

  useEffect(() => {
    void runProbe();
    import('livekit-client').then(setLk, () => setLkError('The live video tools could not be loaded. Check your connection and reload the page.'));
  }, [id]);

  // Before the room opens, ask again every minute so the Join button appears by itself.
  const waitingForWindow = probe.kind === 'unavailable' && probe.error instanceof ApiError && probe.error.code === 'join_window_closed' && !!session && serverNow() < Date.parse(session.startsAt);
  useEffect(() => {
    if (!waitingForWindow) return;
    const t = setInterval(() => void runProbe(true), 60_000);
    return () => clearInterval(t);
  }, [waitingForWindow]);

  // The one handler for transcription streams, used by the room and exposed for bridges and
  // tests. A final caption from a speech-to-text agent (sent as itself, or as the speaker it
  // transcribes: automaticCaptionId) is stored in the transcript by one receiver: the trainer
  // whose identity sorts first among the trainers in the room (the server keeps one copy per
  // segment id whoever sends it).
  const deliver = useMemo(
    () => async (reader: TranscriptionReader, from: CaptionSender) => {
      const c = controllerRef.current;
      if (from.agent) agents.current.add(from.identity);
      const final = await deliverTranscription(reader, from, (fn) => setCaptions(fn), (sid) => c?.trackOwner(sid) ?? null).catch(() => null);
      const automatic = final && c && automaticCaptionId(from, final.segmentId, [...c.room.remoteParticipants.values()].some((p) => p.isAgent));
      if (final && automatic && c && storesAgentCaptions(c)) {
        await api(`/api/sessions/${encodeURIComponent(id)}/captions`, z.unknown(), {
          method: 'POST',
          body: { segmentId: automatic, text: final.text, final: true, startedAt: new Date(final.startedAt).toISOString(), endedAt: new Date(final.endedAt).toISOString(), speakerIdentity: final.speakerIdentity },
        }).catch((e) => setError(`An automatic caption was shown but not saved in the transcript: ${messageOf(e)}`));
      }
      return final;
    },
    [id],
  );
  useEffect(() => {
    window.liveRoomCaptions = { deliver };
    return () => {
      if (window.liveRoomCaptions?.deliver === deliver) delete window.liveRoomCaptions;
    };
  }, [deliver]);

  // Leave the room when the page goes away.
  useEffect(() => () => void controllerRef.current?.leave().catch(() => undefined), []);

  const isTrainer = (probe.kind === 'ready' && probe.join.role === 'trainer') || me.role === 'admin' || !!session?.youRun;
  // The person's own seat, if any: only those who run the session and those with a seat (an in-person one of a hybrid session too) may read its transcript.
  // The seat's booking also says whether the transcript holds a caption yet (hasTranscript, read in the bookings' own statement).
  const seatLoad = useLoad(() => api('/api/me/bookings', BookingList).then((r) => r.items.find((b) => b.sessionId === id && READS_TRANSCRIPT.includes(b.status)) ?? null), [id]);
  const mayReadTranscript = isTrainer || !!seatLoad.data;
  const cancelled = session?.status === 'cancelled';
  // The server has said the room is not open yet (before the start): no caption can have been saved for these times.
  // Until its first answer, not known (so a link is not shown and then taken away).
  const notOpenYet = (probe.kind === 'checking' && wasReady.current === null) || (probe.kind === 'unavailable' && probe.error instanceof ApiError && probe.error.code === 'join_window_closed' && !!session && serverNow() < Date.parse(session.startsAt));
  // The transcript is offered only when it may hold something, so no link leads to an empty file:
  // - to someone with a seat, once a caption was saved (their booking's hasTranscript) or a final caption reached this page;
  // - to those who run it (nothing they already load says whether a caption was saved), unless
  //   it was cancelled (a cancelled session offers neither its room nor feedback, and no one
  //   attended it: cancelling is refused once anyone has) or its room has not opened yet.
  const offersTranscript = mayReadTranscript && !cancelled && (seatLoad.data?.hasTranscript === true || captions.lastFinal !== null || (isTrainer && !notOpenYet));
  // Refused for good (no online place, the session cancelled): nothing below the notice can be used.
  const refusedForGood = isFinalRefusal(probe);
  // Whether the page may say "You can still join to watch and listen" (of a missing camera, say):
  // only once the server said the room is open, or opens at the start (not while it is asked, nor
  // when live video is not configured or joining was refused: "Joining is not available").
  const joinable = probe.kind === 'ready' || waitingForWindow;
  const attendance = useAttendance(id, isTrainer && session?.status !== 'cancelled');
  usePresence(id, stage === 'room', me.csrfToken);
  // Fetched by the page: refused (403) once the person's seat has gone or the session was handed to other trainers.
  const transcript = useDownloadLink(`/api/sessions/${encodeURIComponent(id)}/transcript.vtt`, 'transcript.vtt', 'transcript');

  if (controller) {
    const r = controller.room;
    for (const p of [r.localParticipant, ...r.remoteParticipants.values()]) if (p.name) names.current.set(p.identity, p.name);
  }
  const myIdentity = identityOf(me.id);
  const nameOf = (identity: string) => {
    if (identity === myIdentity || identity === controller?.room.localParticipant.identity) return `${me.name} (you)`;
    const known = names.current.get(identity);
    if (known) return known;
    const uid = userIdOfIdentity(identity);
    const row = uid ? attendance.state.data?.items.find((r) => r.userId === uid) : undefined;
    if (row) return row.name;
    const p = controller?.room.getParticipantByIdentity(identity);
    return p?.isAgent || agents.current.has(identity) ? 'Automatic captions' : 'Speaker';
  };

  async function join(take: () => PreJoinChoice) {
    if (!lk || stage === 'joining') return;
    setError('');
    setStage('joining');
    let info: z.infer<typeof JoinResult>;
    try {
      // A fresh token: the one from the page load may have expired while checking devices.
      info = await api(`/api/sessions/${encodeURIComponent(id)}/join`, JoinResult, { method: 'POST' });
    } catch (e) {
      setStage('prejoin');
      setProbe({ kind: 'unavailable', error: e instanceof Error ? e : new Error(String(e)) });
      // The Join button (which had focus) gives way to the notice saying why: it takes focus, and is said.
      announce(messageOf(e));
      focusLater(() => document.getElementById('join-problem'));
      return;
    }
    let connected = false;
    const trainerIdentities = new Set((session?.trainerIds ?? []).map(identityOf));
    const c = new RoomController(
      lk,
      info,
      {
        changed: () => setVersion((v) => v + 1),
        announce,
        transcription: (reader, from) => void deliver(reader, from),
        setHand: async (raised) => {
          await api(`/api/sessions/${encodeURIComponent(id)}/live/hand`, z.object({ raisedAt: z.string().nullable() }), { method: 'POST', body: { raised } });
        },
        ended: (reason, byUser, final) => {
          // A connection that failed before it was up is reported by the catch below instead.
          if (controllerRef.current !== c || !connected) return;
          controllerRef.current = null;
          setController(null);
          setEndedReason(reason);
          setEndedFinal(final);
          setStage('ended');
          if (byUser) return;
          if (!final) return announce(reason);
          // LiveKit says only "removed" or "room deleted", whatever the cause: the server says
          // which (a trainer's removal or "End for everyone", or a place that went: cancelled,
          // moved in person, the session over), and whether joining again can work.
          void whyRemoved(id, reason).then((why) => {
            // Gone on meanwhile ("Join again"): the answer is about a room left behind.
            if (stageRef.current !== 'ended') return;
            setEndedReason(why.reason);
            setEndedFinal(why.final);
            announce(why.reason);
          });
        },
      },
      trainerIdentities,
    );
    controllerRef.current = c;
    try {
      await c.connect(take());
      connected = true;
      try {
        const speaker = sessionStorage.getItem('send-live:speaker');
        if (speaker) await c.room.switchActiveDevice('audiooutput', speaker);
      } catch {
        /* the default output is used */
      }
      setController(c);
      setStage('room');
    } catch (e) {
      controllerRef.current = null;
      setStage('prejoin');
      // The video service's own words only when they are words (not an error class or code).
      const detail = e instanceof Error && e.message && !isInternalWording(e.message) ? ` (${e.message})` : '';
      setError(`Could not connect to the live video service. Check your connection and try again.${detail}`);
    }
  }

  const toggleCaptions = () => {
    const next = { ...settings, show: !settings.show };
    setSettings(next);
    announce(next.show ? 'Captions shown.' : 'Captions hidden.');
  };

  // Before joining, C shows or hides captions, and M and V choose whether to join with the
  // microphone and camera on (when the check offers that choice); the room has its own once
  // connected. Raising a hand and the chat wait for the room: pressing H or T says so; someone
  // who will join as a listener is told there will be no microphone or camera to use.
  const canPublishNow = probe.kind === 'ready' ? probe.join.canPublish : true;
  const choicesShown = stage === 'prejoin' && !!lk && canPublishNow;
  const waiting: ShortcutAction[] = choicesShown ? ['hand', 'chat'] : ['mic', 'camera', 'hand', 'chat'];
  useShortcuts(settings.shortcuts && stage !== 'room', (a) => {
    if (a === 'captions') return toggleCaptions();
    if (needsPublish(a) && !canPublishNow) return announce(WILL_LISTEN_ONLY[a]);
    const controls = stage === 'prejoin' ? prejoinControls.current : null;
    announce(needsPublish(a) && controls ? controls.toggle(a) : ONCE_JOINED[a]);
  });

  const title = session ? `Live room: ${session.title}` : 'Live room';
  const publisher: CaptionPublisher | null = controller ? { identity: controller.room.localParticipant.identity, publishCaption: (...a) => controller.publishCaption(...a) } : null;
  const speakers = controller ? [controller.room.localParticipant, ...controller.room.remoteParticipants.values()].map((p) => ({ identity: p.identity, name: displayName(p) })) : [];

  const captionsPanel = (
    <CaptionsPanel captions={captions} settings={settings} {...panelMoves} nameOf={nameOf} waitingText={stage === 'room' ? 'Captions will appear here when someone speaks and captions are on.' : 'Captions will appear here once you join.'}>
      {publisher && controller && (
        <div class="caption-sources">
          {/* Mounted for everyone, shown only to those who may speak: it keeps their choice while a trainer takes permission to speak away and gives it back. */}
          <SpeechCaptioning sessionId={id} publisher={publisher} microphone={controller} onStatus={announce} />
          {controller.roleOf(controller.room.localParticipant) === 'captioner' ? (
            <CaptionerBox sessionId={id} publisher={publisher} speakers={speakers} />
          ) : (
            me.captioner && !isTrainer && <p class="hint">A trainer of this session can assign you as its captioner; then you can type live captions here.</p>
          )}
        </div>
      )}
    </CaptionsPanel>
  );
  const inRoom = new Set(controller ? [...controller.room.remoteParticipants.keys(), controller.room.localParticipant.identity] : []);
  const attendancePanel = isTrainer && !cancelled ? (
    <>
      <TrainerRoomPanel sessionId={id} announce={announce} />
      <AttendancePanel {...attendance} inRoom={inRoom} sessionId={id} />
    </>
  ) : null;

  return (
    <div class={`room-page captions-${settings.position}`}>
      <p class="back">
        <Link href={`/sessions/${encodeURIComponent(id)}`}>Back to the session</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      {!session && sessionLoad.error ? (
        <Retry error={sessionLoad.error} onRetry={() => void sessionLoad.reload()} busy={sessionLoad.loading} />
      ) : (
        <>
          {session && (
            <p class="lede">
              {formatDate(session.startsAt, ENGLAND)}, {formatTimeRange(session.startsAt, session.endsAt, ENGLAND)}
              {isTrainer && !cancelled && (
                <>
                  {' · '}
                  <Link href={`/sessions/${encodeURIComponent(id)}/register`}>{session.mode === 'online' ? 'Attendance register' : 'Register and check-in code'}</Link>
                </>
              )}
              {offersTranscript && (
                <>
                  {' · '}
                  <a href={`/api/sessions/${encodeURIComponent(id)}/transcript.vtt`} download onClick={transcript.onClick}>
                    Download the transcript
                  </a>
                </>
              )}
            </p>
          )}
          <DownloadMessages download={transcript.download} />
          <RoomAnnouncements entries={announcements} id="room-status" />
          <Alert message={error || lkError} />

          {stage === 'room' && controller && lk ? (
            <div class="room-layout">
              <LiveRoom
                lk={lk}
                controller={controller}
                shortcutsEnabled={settings.shortcuts}
                onToggleCaptions={toggleCaptions}
                onError={setError}
                announce={announce}
                side={
                  <>
                    {settings.position === 'side' && captionsPanel}
                    {controller.join.role === 'trainer' && <HostPanel lk={lk} controller={controller} sessionId={id} announce={announce} />}
                  </>
                }
                below={settings.position === 'bottom' && captionsPanel}
              />
              {attendancePanel}
            </div>
          ) : (
            <div class="room-layout">
              {stage === 'ended' && (
                <EndedNotice
                  reason={endedReason}
                  onRejoin={
                    endedFinal && !isTrainer
                      ? null
                      : () => {
                          setStage('prejoin');
                          void runProbe();
                          // The notice (and this button) go: focus goes to the check before joining.
                          focusLater(() => document.getElementById('prejoin-title'));
                        }
                  }
                />
              )}
              {probe.kind === 'unavailable' && <JoinProblem error={probe.error} session={session} checking={rechecking} transcript={offersTranscript} seat={seatLoad.data === undefined && seatLoad.error ? null : seatLoad.data} onRetry={() => void recheck()} />}
              {stage !== 'ended' && !refusedForGood && (
                <div class={settings.position === 'side' ? 'prejoin-layout prejoin-side' : 'prejoin-layout'}>
                  <PreJoin
                    lk={lk}
                    canPublish={canPublishNow}
                    joinable={joinable}
                    controls={prejoinControls}
                    joinArea={(take) =>
                      probe.kind === 'checking' ? (
                        <p>Checking whether you can join…</p>
                      ) : probe.kind === 'ready' ? (
                        <button type="button" id="join-button" class="button button-large" aria-disabled={!lk || stage === 'joining' ? 'true' : undefined} onClick={() => void join(take)}>
                          {stage === 'joining' ? 'Joining…' : 'Join the session'}
                        </button>
                      ) : (
                        <p>Joining is not available: see the message above.</p>
                      )
                    }
                  />
                  {captionsPanel}
                </div>
              )}
              {attendancePanel}
            </div>
          )}
          {!refusedForGood && <ShortcutsHelp enabled={settings.shortcuts} onChange={(on) => setSettings({ ...settings, shortcuts: on })} place={stage === 'room' && controller ? { room: true, canPublish: controller.canPublish() } : { room: false, waiting, canPublish: canPublishNow }} />}
        </>
      )}
    </div>
  );
}
