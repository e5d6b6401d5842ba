/**
 * The check before joining: a preview of the camera, the microphone's level, a choice of
 * devices (labelled selects), and camera/microphone problems explained in plain words.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { LocalAudioTrack, LocalTrack, LocalVideoTrack } from 'livekit-client';
import type { LiveKit } from './controller.js';
import { choicesOf, problemMessage, problemOf, type DeviceChoice, type DeviceProblem } from './devices.js';
import { Status, useFocusLater } from '../components.js';

/** The choice matching the device a track is using (or the first), so the select never shows blank. */
function inUse(track: LocalTrack | undefined, choices: DeviceChoice[]): string {
  const id = track?.mediaStreamTrack.getSettings().deviceId;
  return choices.find((c) => c.deviceId === id)?.deviceId ?? choices[0]?.deviceId ?? '';
}

export interface PreJoinChoice {
  audio: LocalAudioTrack | null;
  video: LocalVideoTrack | null;
  /** The chosen devices, also for a microphone or camera turned on only after joining. */
  micId: string;
  camId: string;
}

/**
 * What the page's M and V shortcuts do before joining: toggle the "Join with my microphone on"
 * and "Join with my camera on" choices. Returns what to announce.
 */
export interface PreJoinControls {
  toggle(which: 'mic' | 'camera'): string;
}

function TrackPreview({ track }: { track: LocalVideoTrack }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    track.attach(el);
    return () => void track.detach(el);
  }, [track]);
  return <video ref={ref} class="preview-video mirrored" autoPlay playsInline muted aria-label="Preview of your camera" />;
}

/** A simple level meter for the microphone, so people can see it hears them. */
function MicLevel({ track }: { track: LocalAudioTrack }) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const stream = new MediaStream([track.mediaStreamTrack]);
    let ctx: AudioContext | null = null;
    let raf = 0;
    try {
      ctx = new AudioContext();
      const src = ctx.createMediaStreamSource(stream);
      const an = ctx.createAnalyser();
      an.fftSize = 256;
      src.connect(an);
      const buf = new Uint8Array(an.frequencyBinCount);
      let last = 0;
      const tick = (t: number) => {
        raf = requestAnimationFrame(tick);
        if (t - last < 150) return;
        last = t;
        an.getByteTimeDomainData(buf);
        let peak = 0;
        for (const v of buf) peak = Math.max(peak, Math.abs(v - 128));
        setLevel(Math.min(10, Math.round((peak / 128) * 20)));
      };
      raf = requestAnimationFrame(tick);
    } catch {
      /* no Web Audio: no meter */
    }
    return () => {
      cancelAnimationFrame(raf);
      void ctx?.close();
    };
  }, [track]);
  return (
    <div class="mic-level">
      <span id="mic-level-label">Microphone level</span>
      <meter aria-labelledby="mic-level-label" min={0} max={10} low={2} high={9} optimum={5} value={level} class="mic-meter" />
    </div>
  );
}

function DeviceSelect({ id, label, choices, value, onChange }: { id: string; label: string; choices: DeviceChoice[]; value: string; onChange: (v: string) => void }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {choices.length === 0 ? (
        <p class="hint" id={id}>
          None found
        </p>
      ) : (
        <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          {choices.map((c) => (
            <option key={c.deviceId} value={c.deviceId}>
              {c.label}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

/**
 * "Join with my camera/microphone on". Without the device (none found, not allowed, or still
 * starting) the box shows what will happen, unticked, and cannot be changed; the person's own
 * choice (`on`, ticked unless they unticked it) is kept and shown again once the device is
 * there, for example after "Check again".
 */
function JoinWith({ id, what, available, checking, on, onChange }: { id: string; what: 'camera' | 'microphone'; available: boolean; checking: boolean; on: boolean; onChange: (on: boolean) => void }) {
  const hintId = `${id}-hint`;
  const hint = available ? '' : checking ? `Your ${what} is still starting.` : `No ${what} is available, so you will join with your ${what} off.`;
  return (
    <div class="join-with">
      <div class="checkbox">
        <input type="checkbox" id={id} checked={available && on} disabled={!available} aria-describedby={hint ? hintId : undefined} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>Join with my {what} on</label>
      </div>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function PreJoin({
  lk,
  canPublish,
  joinable = true,
  joinArea,
  controls,
}: {
  lk: LiveKit | null;
  canPublish: boolean;
  /** Whether the room can be joined now (or once it opens): else no problem found says "You can still join to watch and listen". */
  joinable?: boolean;
  joinArea: (take: () => PreJoinChoice) => ComponentChildren;
  /** Set to the choices' toggles while they are shown (for the keyboard shortcuts), else null. */
  controls?: { current: PreJoinControls | null };
}) {
  const [audio, setAudio] = useState<LocalAudioTrack | null>(null);
  const [video, setVideo] = useState<LocalVideoTrack | null>(null);
  const [cameras, setCameras] = useState<DeviceChoice[]>([]);
  const [mics, setMics] = useState<DeviceChoice[]>([]);
  const [speakers, setSpeakers] = useState<DeviceChoice[]>([]);
  const [camId, setCamId] = useState('');
  const [micId, setMicId] = useState('');
  const [speakerId, setSpeakerId] = useState('');
  const [camOn, setCamOn] = useState(true);
  const [micOn, setMicOn] = useState(true);
  /** What was wrong with which device; worded as rendered, so the words follow `joinable`. */
  const [problems, setProblems] = useState<{ problem: DeviceProblem; what: 'camera' | 'microphone' | 'camera and microphone' }[]>([]);
  const joinableRef = useRef(joinable);
  joinableRef.current = joinable;
  // True from the start (the check begins in an effect, after the first paint), so the tick boxes
  // never flash "No camera is available" before the camera has been asked for.
  const [checking, setChecking] = useState(true);
  const [attempt, setAttempt] = useState(0);
  /** Said after "Check again" finds what was missing (the notice and its button have gone). */
  const [foundAgain, setFoundAgain] = useState('');
  const focusLater = useFocusLater();
  const tracksRef = useRef<LocalTrack[]>([]);
  const handedOver = useRef(false);

  // Start the camera and microphone (one permission prompt; each alone if both fail together).
  useEffect(() => {
    if (!canPublish) {
      // Someone who will only listen (told so once the room opens, after checking their devices
      // while they waited) keeps no camera or microphone on: the page no longer shows or stops them.
      if (!handedOver.current) releaseTracks();
      return;
    }
    if (!lk) return;
    let cancelled = false;
    setChecking(true);
    // Checking again keeps what was wrong on screen, with its button (saying "Checking…"), until the answer.
    if (attempt === 0) setProblems([]);
    setFoundAgain('');
    (async () => {
      const got: LocalTrack[] = [];
      const found: { problem: DeviceProblem; what: 'camera' | 'microphone' | 'camera and microphone' }[] = [];
      try {
        got.push(...(await lk.createLocalTracks({ audio: true, video: true })));
      } catch (both) {
        const [a, v] = await Promise.allSettled([lk.createLocalTracks({ audio: true, video: false }), lk.createLocalTracks({ audio: false, video: true })]);
        if (a.status === 'fulfilled') got.push(...a.value);
        else found.push({ problem: problemOf(a.reason), what: 'microphone' });
        if (v.status === 'fulfilled') got.push(...v.value);
        else found.push({ problem: problemOf(v.reason), what: 'camera' });
        if (found.length === 2 && problemOf(a.status === 'rejected' ? a.reason : both) === problemOf(v.status === 'rejected' ? v.reason : both)) {
          found.splice(0, 2, { problem: problemOf(both), what: 'camera and microphone' });
        }
      }
      if (cancelled) {
        for (const t of got) t.stop();
        return;
      }
      tracksRef.current = got;
      const at = got.find((t) => t.kind === 'audio') as LocalAudioTrack | undefined;
      const vt = got.find((t) => t.kind === 'video') as LocalVideoTrack | undefined;
      setAudio(at ?? null);
      setVideo(vt ?? null);
      setProblems(found);
      // Checked again and still missing: said, as the same words in the alert would not be read again.
      if (attempt > 0 && found.length > 0) setFoundAgain(`Checked again: ${found.map((f) => problemMessage(f.problem, f.what, joinableRef.current)).join(' ')}`);
      if (attempt > 0 && found.length === 0) {
        setFoundAgain('Your camera and microphone were found: the preview shows your camera.');
        // The notice and the button pressed have gone: focus goes to the check's heading, not <body>.
        focusLater(() => document.getElementById('prejoin-title'));
      }
      // The check is over once the tracks are had or refused: what the page says of them (no
      // camera found, say) and what M and V answer must agree from that render on, not wait
      // for the device lists below.
      setChecking(false);
      try {
        const devices = await navigator.mediaDevices.enumerateDevices();
        const cams = choicesOf(devices, 'videoinput', 'Camera');
        const microphones = choicesOf(devices, 'audioinput', 'Microphone');
        const outputs = choicesOf(devices, 'audiooutput', 'Speaker');
        setCameras(cams);
        setMics(microphones);
        setSpeakers(outputs);
        setCamId(inUse(vt, cams));
        setMicId(inUse(at, microphones));
        setSpeakerId(outputs.find((d) => d.deviceId === 'default')?.deviceId ?? outputs[0]?.deviceId ?? '');
      } catch {
        /* the selects stay empty; the default devices are used */
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [lk, canPublish, attempt]);

  // Stop the preview tracks when leaving the page, unless they were handed to the room.
  useEffect(
    () => () => {
      if (!handedOver.current) for (const t of tracksRef.current) t.stop();
    },
    [],
  );

  useEffect(() => {
    if (video) void (camOn ? video.unmute() : video.mute());
  }, [camOn, video]);
  useEffect(() => {
    if (audio) void (micOn ? audio.unmute() : audio.mute());
  }, [micOn, audio]);

  // The shortcuts toggle the same choices as the tick boxes, and only when those can be ticked.
  // Set after every render, before the browser paints or handles the next key (a layout
  // effect, not a plain effect, which may run later), so a second key press straight after the
  // first sees the choice as the first left it.
  useLayoutEffect(() => {
    if (!controls) return;
    controls.current =
      canPublish && lk
        ? {
            toggle(which) {
              const what = which === 'mic' ? 'microphone' : 'camera';
              const track = which === 'mic' ? audio : video;
              const on = which === 'mic' ? micOn : camOn;
              if (!track) return checking ? `Your ${what} is still starting.` : `No ${what} is available, so you will join with it off.`;
              (which === 'mic' ? setMicOn : setCamOn)(!on);
              return `${which === 'mic' ? 'Microphone' : 'Camera'} will be ${on ? 'off' : 'on'} when you join.`;
            },
          }
        : null;
  });
  useEffect(
    () => () => {
      if (controls) controls.current = null;
    },
    [],
  );

  /** Hands the chosen tracks to the room; tracks the person turned off are stopped. */
  function take(): PreJoinChoice {
    handedOver.current = true;
    if (!micOn) audio?.stop();
    if (!camOn) video?.stop();
    return { audio: micOn ? audio : null, video: camOn ? video : null, micId, camId };
  }

  /** Stops the preview's camera and microphone and forgets them. */
  function releaseTracks() {
    for (const t of tracksRef.current) t.stop();
    tracksRef.current = [];
    setAudio(null);
    setVideo(null);
    setChecking(false);
  }

  function retry() {
    releaseTracks();
    setAttempt((n) => n + 1);
  }

  return (
    <section aria-labelledby="prejoin-title" class="panel prejoin">
      <h2 id="prejoin-title" tabIndex={-1}>Check your camera and microphone</h2>
      {!canPublish ? (
        <p>You will join this session as a listener: you can watch, listen, chat, raise your hand and follow the captions. The trainer can invite you to speak.</p>
      ) : !lk ? (
        <p>Loading the live video tools…</p>
      ) : (
        <>
          {checking && <p>Starting your camera and microphone…</p>}
          <Status message={foundAgain} />
          {problems.length > 0 && (
            <div class="notice notice-warning" role="alert">
              {problems.map((p) => (
                <p key={p.what}>{problemMessage(p.problem, p.what, joinable)}</p>
              ))}
              <button type="button" class="button button-secondary" aria-disabled={checking ? 'true' : undefined} onClick={() => !checking && retry()}>
                {checking ? 'Checking…' : 'Check again'}
              </button>
            </div>
          )}
          <div class="prejoin-grid">
            <div class={video && camOn ? 'preview' : 'preview preview-empty'}>
              {video && camOn ? <TrackPreview track={video} /> : <div class="preview-off">{video ? 'Camera is off' : 'No camera preview'}</div>}
            </div>
            <div class="prejoin-controls">
              <DeviceSelect
                id="camera-select"
                label="Camera"
                choices={cameras}
                value={camId}
                onChange={(v) => {
                  setCamId(v);
                  void video?.setDeviceId({ exact: v });
                }}
              />
              <DeviceSelect
                id="mic-select"
                label="Microphone"
                choices={mics}
                value={micId}
                onChange={(v) => {
                  setMicId(v);
                  void audio?.setDeviceId({ exact: v });
                }}
              />
              {speakers.length > 0 && (
                <DeviceSelect
                  id="speaker-select"
                  label="Speaker or headphones"
                  choices={speakers}
                  value={speakerId}
                  onChange={(v) => {
                    setSpeakerId(v);
                    try {
                      sessionStorage.setItem('send-live:speaker', v);
                    } catch {
                      /* remembered for this page only */
                    }
                  }}
                />
              )}
              {audio && micOn && <MicLevel track={audio} />}
              <JoinWith id="prejoin-cam" what="camera" available={!!video} checking={checking} on={camOn} onChange={setCamOn} />
              <JoinWith id="prejoin-mic" what="microphone" available={!!audio} checking={checking} on={micOn} onChange={setMicOn} />
            </div>
          </div>
        </>
      )}
      <div class="prejoin-join">{joinArea(take)}</div>
    </section>
  );
}
