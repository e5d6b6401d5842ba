/**
 * Who runs a session, chosen by an administrator from the trainers (and themselves) on the
 * new, duplicate, series and edit forms. Trainers publish as themselves (the server makes the
 * publishing trainer its trainer) and in-house leads run only their own sessions (the server
 * refuses any other name), so neither is offered this choice.
 */
import { z } from 'zod';
import { PeoplePage } from '../../../../shared/accounts.js';
import type { Course } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { errorFor, useApp, type FieldError, type MeValue } from '../../components.js';
import { Loaded, useLoad } from '../../load.js';

type Person = z.infer<typeof PeoplePage>['items'][number];
/** Someone who may be chosen. */
export interface Runner {
  id: string;
  name: string;
  /** As the checkbox says it ("You (…)" for the administrator choosing). */
  label: string;
}

/** Everyone with `role`, however many there are, a page at a time (as the courses page lists its trainers). */
async function everyone(role: 'trainer' | 'admin'): Promise<Person[]> {
  const all: Person[] = [];
  for (;;) {
    const page = await api(`/api/users?${new URLSearchParams({ role, limit: '100', offset: String(all.length) })}`, PeoplePage);
    all.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return all;
  }
}

/**
 * Whom the form offers: the administrator themselves, every trainer whose account is on, and
 * anyone already running the session (an administrator, a trainer turned off since) so that
 * saving keeps them unless unticked.
 */
export async function runnersFor(me: Pick<MeValue, 'id' | 'name'>, current: readonly string[]): Promise<Runner[]> {
  const trainers = await everyone('trainer');
  const out: Runner[] = [{ id: me.id, name: me.name, label: `You (${me.name})` }];
  for (const p of trainers) {
    if (p.id === me.id) continue;
    if (!p.disabled) out.push({ id: p.id, name: p.name, label: p.name });
    else if (current.includes(p.id)) out.push({ id: p.id, name: p.name, label: `${p.name} (account turned off)` });
  }
  const missing = current.filter((id) => !out.some((r) => r.id === id));
  if (missing.length) {
    const admins = await everyone('admin');
    for (const id of missing) {
      const a = admins.find((p) => p.id === id);
      out.push(a ? { id, name: a.name, label: `${a.name} (administrator)` } : { id, name: 'someone no longer listed', label: 'Someone no longer listed' });
    }
  }
  return out;
}

/** The id of a runner's checkbox: the first is `trainers`, where the error summary's link leads. */
const boxId = (i: number, id: string) => (i === 0 ? 'trainers' : `trainer-${id}`);

/**
 * The trainers' checkboxes. `course`, when it names its trainers, is said in the hint: the
 * server refuses anyone else (administrators apart), beside the course field.
 */
export function TrainersField({ chosen, initial, onChange, errors, course }: { chosen: string[]; initial: readonly string[]; onChange: (ids: string[]) => void; errors: FieldError[]; course?: z.infer<typeof Course> }) {
  const { me } = useApp();
  const runners = useLoad(() => runnersFor(me, initial), [me.id]);
  const error = errorFor(errors, 'trainers');
  return (
    <Loaded state={runners} what="the trainers">
      {(list) => {
        const named = course?.trainerIds?.length ? course.trainerIds.map((id) => list.find((r) => r.id === id)?.name ?? 'a trainer no longer listed') : null;
        const hint = `Who runs its online room and register, and sees it in their sessions. Tick more than one for co-trainers.${named && course ? ` Only ${named.join(', ')} (or an administrator) may run sessions of ${course.title}.` : ''}`;
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
            <div class="checkboxes">
              {list.map((r, i) => (
                <div class="checkbox" key={r.id}>
                  <input
                    type="checkbox"
                    id={boxId(i, r.id)}
                    name="trainers"
                    value={r.id}
                    checked={chosen.includes(r.id)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      onChange(on ? [...chosen.filter((id) => id !== r.id), r.id] : chosen.filter((id) => id !== r.id));
                    }}
                  />
                  <label for={boxId(i, r.id)}>{r.label}</label>
                </div>
              ))}
            </div>
          </fieldset>
        );
      }}
    </Loaded>
  );
}
