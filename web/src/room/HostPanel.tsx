/**
 * The trainer's room controls: raised hands in the order they went up, and for each person
 * in the room: in a webinar invite to speak (or stop), mute their microphone, remove them;
 * and end the session for everyone. The server does each action through LiveKit's room
 * API. Only what LiveKit will really do is offered: a trainer can mute someone but not
 * unmute them (LiveKit refuses remote unmute), and in a workshop everyone may speak.
 * Roles come from the session's trainers and the roles the server set, never from what a
 * participant wrote.
 */
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { AgentStarted, LiveActionResult } from '../../../shared/live.js';
import { api } from '../api.js';
import { ConfirmButton, messageOf, useFocusLater } from '../components.js';
import { displayName, HAND_ATTRIBUTE, type LiveKit, type RoomController } from './controller.js';
import { ROOM_CHANGED_EVENT } from './TrainerRoomPanel.js';

/** How long "Starting" stands before "Start automatic captions" is offered again (the server sends one agent a minute at most). */
const AGENT_WAIT_MS = 60_000;
const ROLE_WORDS = { trainer: 'trainer', captioner: 'captioner', attendee: '' } as const;
/** The id of the words "Microphone muted" beside a person (an identity may hold any character; an id may not be empty or hold spaces). */
const mutedId = (identity: string) => `host-muted-${encodeURIComponent(identity)}`;

export function HostPanel({ lk, controller, sessionId, announce }: { lk: LiveKit; controller: RoomController; sessionId: string; announce: (m: string) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const focusLater = useFocusLater();
  const room = controller.room;
  const remotes = [...room.remoteParticipants.values()];
  const hands = remotes.filter((p) => p.attributes[HAND_ATTRIBUTE]).sort((a, b) => (a.attributes[HAND_ATTRIBUTE]! < b.attributes[HAND_ATTRIBUTE]! ? -1 : 1));
  const base = `/api/sessions/${encodeURIComponent(sessionId)}/live`;
  const webinar = controller.join.roomKind === 'webinar';

  async function act(path: string, body: unknown, done: string) {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await api(`${base}/${path}`, LiveActionResult.extend({ applied: z.boolean().optional() }), { method: 'POST', body });
      announce(done);
      window.dispatchEvent(new Event(ROOM_CHANGED_EVENT));
      // The person removed leaves the list (and their buttons with them) when the room says
      // so, a moment later: focus goes to the list's heading now, before it can fall to <body>.
      if (path === 'remove') focusLater(() => document.getElementById('host-people-title'), { force: true });
      // A muted microphone's Mute button goes when LiveKit says the track is muted, a moment
      // later: focus then goes to the words that take its place (if it fell to <body> with the
      // button), not to the next button along, which is Remove.
      if (path === 'mute') focusLater(() => document.getElementById(mutedId((body as { identity: string }).identity)));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  // The speech-to-text agent, when one is set up: LiveKit sends it only as the room is made,
  // so should it leave (or fail) the trainer is told, and can send it again.
  const agentHere = remotes.some((p) => p.isAgent);
  // Asked for and not yet here: "Starting", with no button (the server sends one agent a
  // minute at most); the button comes back should none have joined within the minute.
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    if (!asked) return;
    if (agentHere) return setAsked(false);
    const timer = setTimeout(() => setAsked(false), AGENT_WAIT_MS);
    return () => clearTimeout(timer);
  }, [asked, agentHere]);
  async function startCaptions() {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const { started } = await api(`${base}/captions-agent`, AgentStarted, { method: 'POST' });
      announce(started ? 'Automatic captions were asked for: they start when the captioning service joins, in a few seconds.' : 'Automatic captions are already running.');
      setAsked(started);
      // The button goes with the answer: focus goes to the words that take its place.
      focusLater(() => document.getElementById('host-captions-state'));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="host-title" class="panel host-panel">
      <h2 id="host-title">Run the room</h2>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {controller.join.captionsAgent && (
        <>
          <h3 id="host-captions-title">Automatic captions</h3>
          <p id="host-captions-state" tabIndex={-1}>
            {agentHere
              ? 'Running: the captioning service is in the room.'
              : asked
                ? 'Starting: the captioning service has been asked to join; captions begin when it does.'
                : 'Not running: the captioning service is not in the room, so nothing said is being captioned automatically.'}
          </p>
          {!agentHere && !asked && (
            <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void startCaptions()}>
              Start automatic captions
            </button>
          )}
        </>
      )}
      <h3 id="hands-title">Raised hands</h3>
      {hands.length === 0 ? (
        <p class="muted">No hands raised.</p>
      ) : (
        <ol class="hands" aria-labelledby="hands-title">
          {hands.map((p) => (
            <li key={p.identity}>{displayName(p)}</li>
          ))}
        </ol>
      )}
      <h3 id="host-people-title" tabIndex={-1}>
        People in the room
      </h3>
      {remotes.length === 0 ? (
        <p class="muted">No one else is here yet.</p>
      ) : (
        <ul class="host-people">
          {remotes.map((p) => {
            const name = displayName(p);
            const mic = p.getTrackPublication(lk.Track.Source.Microphone);
            const speaker = !!p.permissions?.canPublish;
            const role = controller.roleOf(p);
            const attendee = role === 'attendee' || role === 'captioner';
            const roleWord = p.isAgent ? 'automatic captions' : role ? ROLE_WORDS[role] : '';
            return (
              <li key={p.identity} class="host-person">
                <span class="host-name">
                  {name}
                  {[roleWord, attendee && webinar ? (speaker ? 'speaker' : 'listening') : ''].filter(Boolean).map((w) => ` (${w})`).join('')}
                </span>
                <span class="host-actions">
                  {attendee && webinar && (
                    <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void act('speaker', { identity: p.identity, speaker: !speaker }, speaker ? `${name} is listening only now.` : `${name} was invited to speak.`)}>
                      {speaker ? 'Stop speaking' : 'Invite to speak'}
                      <span class="visually-hidden">: {name}</span>
                    </button>
                  )}
                  {mic && !mic.isMuted && (
                    <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void act('mute', { identity: p.identity, trackSid: mic.trackSid, muted: true }, `${name}'s microphone was muted. Only they can turn it back on.`)}>
                      Mute<span class="visually-hidden"> {name}</span>
                    </button>
                  )}
                  {mic && mic.isMuted && (
                    <span class="muted" id={mutedId(p.identity)} tabIndex={-1}>
                      <span class="visually-hidden">{name}: </span>Microphone muted: only they can unmute it.
                    </span>
                  )}
                  {/* The automatic captions are not a person to remove (the server refuses: they would not come back), nor is a co-trainer (refused too). */}
                  {!p.isAgent && role !== 'trainer' && (
                    <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void act('remove', { identity: p.identity }, `${name} was removed from the room and cannot join again unless you let them back in.`)}>
                      Remove<span class="visually-hidden"> {name}</span>
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <div class="actions">
        <ConfirmButton label="End the session for everyone" question="End the live session for everyone? Everyone will be disconnected." confirmLabel="Yes, end it for everyone" keepLabel="No, keep it running" busy={busy} onConfirm={() => void act('end', undefined, 'The session was ended for everyone.')} />
      </div>
    </section>
  );
}
