/**
 * Who runs a session, on the new, duplicate, series and edit forms. An administrator chooses
 * from every trainer (and themselves). A trainer or in-house lead runs what they publish and
 * edit, so they stay on it (the server refuses a list without them), and add other trainers
 * as co-trainers, found by name (`GET /api/trainers`: names only); they may take a co-trainer
 * off again, but not an in-house lead or administrator who runs it (listed, not offered to
 * untick: only an administrator can). Anyone already running the session is listed by name
 * (`GET /api/sessions/:id/trainers`), so saving keeps them unless unticked. On the edit form,
 * unticking someone else who runs the session asks first, naming them (`TakeOffQuestion`):
 * saved, they no longer run it, and are emailed who took them off (the server's
 * trainer_removed message). Co-trainers run it as equals, so the trainer who published it may
 * be taken off too, asked and told as anyone.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import type { Course } from '../../../../shared/sessions.js';
import { errorFor, Status, TextField, useApp, useFocusLater, type FieldError, type MeValue } from '../../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { everyTrainer, findTrainers, runnersOf, type SessionRunner } from '../../trainers.js';

/** Someone who may be chosen. */
export interface Runner {
  id: string;
  name: string;
  /** As the checkbox says it ("You (…)" for the administrator choosing). */
  label: string;
  /** An in-house lead or administrator who runs it, listed to a trainer or lead: theirs to keep, not to untick (only an administrator can take them off). */
  fixed?: boolean;
  /** Runs the session now, account on: taken off it, they are emailed (the server's rule). */
  told?: boolean;
}

const labelOf = (r: SessionRunner) =>
  r.disabled ? `${r.name} (account turned off)` : r.runsAs === 'administrator' ? `${r.name} (administrator)` : r.runsAs === 'in-house lead' ? `${r.name} (in-house lead)` : r.name;

/**
 * Whom the form lists: the one choosing (first), for an administrator every trainer whose
 * account is on, and anyone already running the session (`current`, named through
 * `sessionId`: the session edited or copied) so that saving keeps them unless unticked.
 */
export async function runnersFor(me: Pick<MeValue, 'id' | 'name' | 'role'>, current: readonly string[], sessionId?: string): Promise<Runner[]> {
  const others = current.filter((id) => id !== me.id);
  const [trainers, running] = await Promise.all([me.role === 'admin' ? everyTrainer() : [], others.length && sessionId ? runnersOf(sessionId) : []]);
  const out: Runner[] = [{ id: me.id, name: me.name, label: `You (${me.name})` }];
  for (const p of trainers) if (p.id !== me.id && !p.disabled) out.push({ id: p.id, name: p.name, label: p.name });
  for (const id of others) {
    if (out.some((r) => r.id === id)) continue;
    const r = running.find((x) => x.id === id);
    out.push(r ? { id, name: r.name, label: labelOf(r), fixed: me.role !== 'admin' && r.runsAs !== 'trainer' && r.runs } : { id, name: 'someone no longer listed', label: 'Someone no longer listed' });
  }
  for (const r of out) {
    const now = others.includes(r.id) ? running.find((x) => x.id === r.id) : undefined;
    if (now) r.told = now.runs && !now.disabled;
  }
  return out;
}

/** The id of a runner's checkbox: an administrator's first is `trainers`, where the error summary's link leads (a trainer's: the name search). */
const boxId = (first: boolean, id: string) => (first ? 'trainers' : `trainer-${id}`);

/**
 * The trainers' checkboxes. `course`, when it names its trainers, is said in the hint: the
 * server refuses anyone else (administrators apart), beside the course field.
 */
export function TrainersField({ chosen, initial, sessionId, onChange, errors, course }: { chosen: string[]; initial: readonly string[]; sessionId?: string; onChange: (ids: string[]) => void; errors: FieldError[]; course?: z.infer<typeof Course> }) {
  const { me } = useApp();
  const admin = me.role === 'admin';
  const runners = useLoad(() => runnersFor(me, initial, sessionId), [me.id, sessionId]);
  /** Co-trainers found by name and added on this visit. */
  const [added, setAdded] = useState<Runner[]>([]);
  const focusLater = useFocusLater();
  const error = errorFor(errors, 'trainers');
  /** Who runs the session as saved (edit form only; the first `initial`): unticking one of them asks first. */
  const [saved] = useState(() => new Set(sessionId ? initial : []));
  /** Whom the question is about while it is asked, with their checkbox's id (focus goes back there). */
  const [asking, setAsking] = useState<{ runner: Runner; box: string } | null>(null);
  /** What the last answer did, said beside the boxes. */
  const [said, setSaid] = useState('');
  const answered = (box: string, message: string) => {
    setAsking(null);
    setSaid(message);
    focusLater(() => document.getElementById(box), { force: true });
  };
  return (
    <Loaded state={runners} what="the trainers">
      {(loaded) => {
        const list = [...loaded, ...added.filter((a) => !loaded.some((r) => r.id === a.id))];
        // A trainer or lead is always on it: said, not offered as a box to untick.
        const boxes = admin ? list : list.filter((r) => r.id !== me.id && !r.fixed);
        // An in-house lead or administrator running it stays: said, as the one choosing is.
        const fixed = admin ? [] : list.filter((r) => r.fixed);
        const named = course?.trainerIds?.length ? course.trainerIds.map((id) => list.find((r) => r.id === id)?.name ?? 'a trainer no longer listed') : null;
        const courseRule = named && course ? (admin ? ` Only ${named.join(', ')} (or an administrator) may run sessions of ${course.title}.` : ` Only the trainers named for ${course.title} (or an administrator) may run its sessions.`) : '';
        // On the edit form, taking off someone who runs it is asked first, and they are emailed.
        const told = sessionId ? ' (you are asked first, and they are emailed)' : '';
        const hint = admin
          ? `Who runs its online room and register, and sees it in their sessions. Tick more than one for co-trainers${sessionId ? '; untick one to take them off' + told : ''}.${courseRule}`
          : `Who runs its online room and register, and sees it in their sessions. You run it; add other trainers as co-trainers by name, and untick one to take them off${told}.${courseRule}`;
        return (
          <fieldset class={error ? 'field field-error' : 'field'} aria-describedby={error ? 'trainers-hint trainers-error' : 'trainers-hint'}>
            <legend>Trainers</legend>
            <p class="hint" id="trainers-hint">
              {hint}
            </p>
            {error && (
              <p class="error-message" id="trainers-error">
                <span class="visually-hidden">Error: </span>
                {error}
              </p>
            )}
            {!admin && <p class="trainer-you">You ({me.name})</p>}
            {fixed.map((r) => (
              <p class="trainer-you" key={r.id}>
                {r.label}: only an administrator can take them off
              </p>
            ))}
            {boxes.length > 0 && (
              <div class="checkboxes">
                {boxes.map((r, i) => (
                  <div class="checkbox" key={r.id}>
                    <input
                      type="checkbox"
                      id={boxId(admin && i === 0, r.id)}
                      name="trainers"
                      value={r.id}
                      checked={chosen.includes(r.id)}
                      onChange={(e) => {
                        const on = (e.currentTarget as HTMLInputElement).checked;
                        setSaid('');
                        // Someone else who runs it, as saved: asked first (the box stays ticked until answered).
                        if (!on && saved.has(r.id) && r.id !== me.id) return setAsking({ runner: r, box: boxId(admin && i === 0, r.id) });
                        setAsking(null);
                        onChange(on ? [...chosen.filter((id) => id !== r.id), r.id] : chosen.filter((id) => id !== r.id));
                      }}
                    />
                    <label for={boxId(admin && i === 0, r.id)}>{r.label}</label>
                  </div>
                ))}
              </div>
            )}
            {asking && (
              <TakeOffQuestion
                name={asking.runner.name}
                told={asking.runner.told === true}
                onTakeOff={() => {
                  onChange(chosen.filter((id) => id !== asking.runner.id));
                  answered(asking.box, `${asking.runner.name} unticked: saving the session takes them off it${asking.runner.told ? ' and emails them to say so' : ''}.`);
                }}
                onKeep={() => answered(asking.box, `${asking.runner.name} kept on this session.`)}
              />
            )}
            {sessionId && <Status message={said} id="trainers-status" />}
            {!admin && (
              <FindCoTrainer
                listed={list.map((r) => r.id)}
                onAdd={(r) => {
                  setAdded((a) => [...a.filter((x) => x.id !== r.id), r]);
                  onChange([...chosen.filter((id) => id !== r.id), r.id]);
                  // The button goes with the result: focus the new co-trainer's box.
                  focusLater(() => document.getElementById(boxId(false, r.id)), { force: true });
                }}
              />
            )}
          </fieldset>
        );
      }}
    </Loaded>
  );
}

/**
 * Asked on the edit form before someone else who runs the session is unticked: names them,
 * says what saving then does (they no longer run it or see it in My sessions, and are emailed
 * who took them off), and offers to take them off or keep them. It takes focus as it opens;
 * either answer (or Escape, which keeps them) gives focus back to their checkbox. Its buttons
 * are not submit buttons: it sits inside the session's form.
 */
function TakeOffQuestion({ name, told, onTakeOff, onKeep }: { name: string; /** Whether saving emails them (they run it now, account on). */ told: boolean; onTakeOff: () => void; onKeep: () => void }) {
  const ref = useRef<HTMLParagraphElement>(null);
  // In the same task as the change, so a key pressed straight after unticking lands on the question.
  useLayoutEffect(() => ref.current?.focus(), [name]);
  return (
    <div
      class="confirm"
      role="group"
      aria-label={`Take ${name} off this session?`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onKeep();
        }
      }}
    >
      <p ref={ref} tabIndex={-1} id="take-off-question">
        Take {name} off this session? Once you save it, they no longer run it or see it in their sessions{told ? ', and they are emailed that you took them off' : ''}.
      </p>
      <div class="actions">
        <button type="button" class="button button-danger" onClick={onTakeOff}>
          Take {name} off
        </button>
        <button type="button" class="button button-secondary" onClick={onKeep}>
          Keep {name}
        </button>
      </div>
    </div>
  );
}

/**
 * Finds trainers by name and adds one as co-trainer. It sits inside the session's form, so
 * its buttons are not submit buttons, and Enter in its field searches rather than saving.
 */
function FindCoTrainer({ listed, onAdd }: { listed: readonly string[]; onAdd: (r: Runner) => void }) {
  const [q, setQ] = useState('');
  const [error, setError] = useState('');
  const [found, setFound] = useState<{ q: string; items: Runner[]; hasMore: boolean } | null>(null);
  const [message, setMessage] = useState('');
  const search = useAction();
  async function find() {
    const text = q.trim();
    setMessage('');
    if (!text) return setError('Enter part of the trainer’s name');
    setError('');
    // What follows the answer is part of the action, so "Try again" shows what it finds too.
    await search.run(async () => {
      const page = await findTrainers(text);
      setFound({ q: text, items: page.items.map((p) => ({ id: p.id, name: p.name, label: p.name })), hasMore: page.hasMore });
    });
  }
  const shown = found ? found.items.filter((p) => !listed.includes(p.id)) : [];
  const said = !found
    ? ''
    : shown.length === 0
      ? found.items.length
        ? `Every trainer found for “${found.q}” is listed above.`
        : `No trainer’s name holds “${found.q}”.`
      : `${shown.length === 1 ? '1 trainer' : `${shown.length} trainers`} found for “${found.q}”.${found.hasMore ? ' More match: type more of the name.' : ''}`;
  return (
    <div class="co-trainers">
      <TextField
        id="trainers"
        name="co-trainer-name"
        label="Add a co-trainer: their name"
        type="search"
        maxLength={100}
        autocomplete="off"
        spellcheck={false}
        value={q}
        error={error || undefined}
        announce
        onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void find();
          }
        }}
      />
      <ActionButton type="button" class="button button-secondary" busy={search.busy} busyLabel="Finding…" onClick={() => void find()}>
        Find trainers
      </ActionButton>
      {/* Trying again goes back to the name field, beside what it finds, not to the page's heading at the top of the form. */}
      <ActionError action={search} focusTo={() => document.getElementById('trainers')} />
      <Status message={message || said} id="co-trainer-status" />
      {shown.length > 0 && (
        <ul class="found-trainers" aria-label="Trainers found">
          {shown.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                class="button button-secondary"
                onClick={() => {
                  onAdd(p);
                  setMessage(`${p.name} added as a co-trainer.`);
                }}
              >
                Add {p.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
