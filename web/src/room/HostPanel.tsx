/**
 * The trainer's room controls: raised hands in the order they went up, and for each person
 * in the room: invite to speak (or stop), mute their microphone, remove them; and end the
 * session for everyone. The server does each action through LiveKit's room API.
 */
import { useState } from 'preact/hooks';
import type { Participant } from 'livekit-client';
import { LiveActionResult, ParticipantMetadata } from '../../../shared/live.js';
import { api } from '../api.js';
import { ConfirmButton, messageOf } from '../components.js';
import { displayName, HAND_ATTRIBUTE, type LiveKit, type RoomController } from './controller.js';

function roleOf(p: Participant): 'trainer' | 'attendee' | 'other' {
  try {
    return ParticipantMetadata.parse(JSON.parse(p.metadata ?? '')).role;
  } catch {
    return 'other';
  }
}

export function HostPanel({ lk, controller, sessionId, announce }: { lk: LiveKit; controller: RoomController; sessionId: string; announce: (m: string) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const room = controller.room;
  const remotes = [...room.remoteParticipants.values()];
  const hands = remotes.filter((p) => p.attributes[HAND_ATTRIBUTE]).sort((a, b) => (a.attributes[HAND_ATTRIBUTE]! < b.attributes[HAND_ATTRIBUTE]! ? -1 : 1));
  const base = `/api/sessions/${encodeURIComponent(sessionId)}/live`;

  async function act(path: string, body: unknown, done: string) {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await api(`${base}/${path}`, LiveActionResult, { method: 'POST', body });
      announce(done);
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
      <h3>People in the room</h3>
      {remotes.length === 0 ? (
        <p class="muted">No one else is here yet.</p>
      ) : (
        <ul class="host-people">
          {remotes.map((p) => {
            const name = displayName(p);
            const mic = p.getTrackPublication(lk.Track.Source.Microphone);
            const speaker = !!p.permissions?.canPublish;
            const attendee = roleOf(p) === 'attendee';
            return (
              <li key={p.identity} class="host-person">
                <span class="host-name">
                  {name}
                  {speaker ? ' (speaker)' : attendee ? ' (listening)' : ''}
                </span>
                <span class="host-actions">
                  {attendee && (
                    <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void act('speaker', { identity: p.identity, speaker: !speaker }, speaker ? `${name} is listening only now.` : `${name} was invited to speak.`)}>
                      {speaker ? 'Stop speaking' : 'Invite to speak'}
                      <span class="visually-hidden">: {name}</span>
                    </button>
                  )}
                  {mic && !mic.isMuted && (
                    <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void act('mute', { identity: p.identity, trackSid: mic.trackSid, muted: true }, `${name}'s microphone was muted.`)}>
                      Mute<span class="visually-hidden"> {name}</span>
                    </button>
                  )}
                  <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void act('remove', { identity: p.identity }, `${name} was removed from the room.`)}>
                    Remove<span class="visually-hidden"> {name}</span>
                  </button>
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
