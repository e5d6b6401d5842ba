/**
 * The trainer's decisions about the room that outlast a connection, shown before joining
 * too: whether the room was ended for everyone (and reopening it), the people removed
 * (who cannot join again until let back in), and which booked captioner captions this
 * session. Also the rule for which trainer's browser stores an agent's captions.
 */
import { useEffect } from 'preact/hooks';
import { CaptionerList, LiveActionResult, LiveAppliedResult, LiveStatus, RemovedList } from '../../../shared/live.js';
import type { z } from 'zod';
import { api } from '../api.js';
import { useFocusLater } from '../components.js';
import { ActionError, Loaded, useAction, useLoad } from '../load.js';
import type { RoomController } from './controller.js';

/** Sent on the window when a trainer's action changes who may join (the panel then loads again). */
export const ROOM_CHANGED_EVENT = 'live-room-changed';
const REFRESH_MS = 30_000;

/**
 * True when this browser is the one that stores a speech-to-text agent's final captions:
 * a trainer's, and of the trainers in the room the one whose identity sorts first (so one
 * receiver sends each segment; the server keeps one copy per segment id regardless).
 */
export function storesAgentCaptions(c: RoomController): boolean {
  const lp = c.room.localParticipant;
  if (c.roleOf(lp) !== 'trainer') return false;
  return [...c.room.remoteParticipants.values()].every((p) => c.roleOf(p) !== 'trainer' || p.identity > lp.identity);
}

export function TrainerRoomPanel({ sessionId, announce }: { sessionId: string; announce: (m: string) => void }) {
  const base = `/api/sessions/${encodeURIComponent(sessionId)}/live`;
  // Loaded now, every half minute, and when a trainer's action elsewhere on the page changes who may join.
  const state = useLoad(async () => {
    const [status, removed, captioners] = await Promise.all([api(base, LiveStatus), api(`${base}/removed`, RemovedList), api(`${base}/captioners`, CaptionerList)]);
    return { status, removed: removed.items, captioners: captioners.items };
  }, [sessionId], { everyMs: REFRESH_MS });
  const action = useAction();
  const focusLater = useFocusLater();
  useEffect(() => {
    const again = () => void state.reload();
    window.addEventListener(ROOM_CHANGED_EVENT, again);
    return () => window.removeEventListener(ROOM_CHANGED_EVENT, again);
  }, [sessionId]);

  const act = (path: string, method: 'POST' | 'PUT', body: unknown, done: string) => {
    // "Try again" ends where a first success does: "Let back in" and "Reopen" go (their list's
    // heading), an "Assign to caption" / "Stop captioning" button stays.
    const afterRetry = path === 'readmit' ? 'removed-title' : path === 'captioners' ? `caption-${(body as { identity: string }).identity}` : 'trainer-room-title';
    void action.run(async () => {
      await api(`${base}/${path}`, path === 'captioners' ? LiveAppliedResult : LiveActionResult, { method, body });
      announce(done);
      await state.reload();
      // "Let back in" goes with the person's row, "Reopen" with the notice: focus their list's heading.
      focusLater(() => document.getElementById(path === 'readmit' ? 'removed-title' : 'trainer-room-title'));
    }, { focusAfterRetry: () => document.getElementById(afterRetry) ?? document.getElementById('trainer-room-title') });
  };
  const busy = action.busy;

  return (
    <section aria-labelledby="trainer-room-title" class="panel trainer-room-panel">
      <h2 id="trainer-room-title" tabIndex={-1}>Who may join</h2>
      <ActionError action={action} />
      <Loaded state={state} what="who may join">
        {({ status, removed, captioners }) => <WhoMayJoin status={status} removed={removed} captioners={captioners} busy={busy} act={act} />}
      </Loaded>
    </section>
  );
}

function WhoMayJoin({ status, removed, captioners, busy, act }: { status: z.infer<typeof LiveStatus>; removed: z.infer<typeof RemovedList>['items']; captioners: z.infer<typeof CaptionerList>['items']; busy: boolean; act: (path: string, method: 'POST' | 'PUT', body: unknown, done: string) => void }) {
  return (
    <>
      {status.ended ? (
        <div class="notice notice-warning">
          <p>This live room was ended for everyone. Only trainers can join it until you reopen it.</p>
          <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => act('reopen', 'POST', undefined, 'The room is open to attendees again.')}>
            Reopen the room for attendees
          </button>
        </div>
      ) : (
        <p class="muted">The room is open to everyone booked online.</p>
      )}
      <h3 id="removed-title" tabIndex={-1}>Removed from the room</h3>
      {removed.length === 0 ? (
        <p class="muted">No one has been removed.</p>
      ) : (
        <ul class="host-people" aria-labelledby="removed-title">
          {removed.map((p) => (
            <li key={p.identity} class="host-person">
              <span class="host-name">{p.name}</span>
              <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => act('readmit', 'POST', { identity: p.identity }, `${p.name} can join the room again.`)}>
                Let back in<span class="visually-hidden">: {p.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3 id="captioners-title">Captioners</h3>
      {captioners.length === 0 ? (
        <p class="muted">No one booked on this session is a captioner.</p>
      ) : (
        <ul class="host-people" aria-labelledby="captioners-title">
          {captioners.map((p) => (
            <li key={p.identity} class="host-person">
              <span class="host-name">
                {p.name}
                {p.assigned ? ' (captioning this session)' : ''}
              </span>
              <button
                type="button"
                id={`caption-${p.identity}`}
                class="button button-secondary"
                aria-disabled={busy ? 'true' : undefined}
                onClick={() => act('captioners', 'PUT', { identity: p.identity, assigned: !p.assigned }, p.assigned ? `${p.name} no longer captions this session.` : `${p.name} now captions this session.`)}
              >
                {p.assigned ? 'Stop captioning' : 'Assign to caption'}
                <span class="visually-hidden">: {p.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
