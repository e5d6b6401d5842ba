/**
 * Administrators, on an organisation's page: its in-house leads (members of its staff, or of
 * its schools' for a trust, who publish and run sessions for it), with a way to add one from
 * its people and to stop someone being one.
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { User } from '../../../../shared/accounts.js';
import { InHouseLeadList } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { errorFor, Status, useFocusLater, type FieldError } from '../../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';

const People = z.object({ items: z.array(User) });

export function LeadsPanel({ orgId, orgName, schoolIds }: { orgId: string; orgName: string; schoolIds: string[] }) {
  const state = useLoad(async () => {
    const [leads, ...people] = await Promise.all([
      api(`/api/orgs/${encodeURIComponent(orgId)}/leads`, InHouseLeadList),
      ...[orgId, ...schoolIds].map((id) => api(`/api/orgs/${encodeURIComponent(id)}/users`, People)),
    ]);
    // Office and staff accounts that are turned on may lead; trainers and admins run sessions already.
    const eligible = people.flatMap((p) => p.items).filter((u) => !u.disabled && (u.role === 'staff' || u.role === 'office'));
    return { leads: leads.items, eligible };
  }, [orgId, schoolIds.join(',')]);
  const [chosen, setChosen] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const action = useAction();
  const focusLater = useFocusLater();

  async function change(userId: string, on: boolean, name: string) {
    setMessage('');
    const ok = await action.run(async () => {
      await api(`/api/orgs/${encodeURIComponent(orgId)}/leads/${encodeURIComponent(userId)}`, z.unknown(), { method: on ? 'PUT' : 'DELETE' });
      await state.reload();
      return true;
    });
    if (ok) {
      setChosen('');
      setMessage(on ? `${name} is now an in-house lead for ${orgName}.` : `${name} is no longer an in-house lead for ${orgName}.`);
      // "Stop … being a lead" goes with its card: the message saying so takes focus.
      focusLater(() => document.getElementById('leads-status'));
    }
  }

  return (
    <section class="panel" aria-labelledby="leads-title">
      <h2 id="leads-title">In-house leads</h2>
      <p>In-house leads publish and run training sessions for {orgName}'s staff{schoolIds.length ? ' and its schools' : ''} only: the register, the live room, messages and seat holds of their own sessions.</p>
      <Status message={message} id="leads-status" focusable />
      <ActionError action={action} />
      <Loaded state={state} what="the in-house leads">
        {({ leads, eligible }) => {
          const candidates = eligible.filter((u) => !leads.some((l) => l.userId === u.id));
          return (
            <>
              {leads.length === 0 ? (
                <p>No one leads in-house training here yet.</p>
              ) : (
                <ul class="plain cards" aria-label="In-house leads">
                  {leads.map((l) => (
                    <li key={l.userId} class="card">
                      <p>
                        <strong>{l.name}</strong> <span class="break">{l.email}</span>
                      </p>
                      <ActionButton type="button" class="button button-secondary" busy={action.busy} busyLabel="Saving…" onClick={() => void change(l.userId, false, l.name)}>
                        Stop {l.name} being a lead
                      </ActionButton>
                    </li>
                  ))}
                </ul>
              )}
              <form
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  const person = candidates.find((u) => u.id === chosen);
                  if (!person) return setErrors([{ field: 'lead-person', message: 'Choose a person to make an in-house lead' }]);
                  setErrors([]);
                  void change(person.id, true, person.name);
                }}
              >
                <div class="field">
                  <label for="lead-person">Make an in-house lead</label>
                  {errorFor(errors, 'lead-person') && (
                    <p class="error-message" id="lead-person-error">
                      {errorFor(errors, 'lead-person')}
                    </p>
                  )}
                  <select
                    id="lead-person"
                    value={chosen}
                    aria-invalid={errorFor(errors, 'lead-person') ? 'true' : undefined}
                    aria-describedby={errorFor(errors, 'lead-person') ? 'lead-person-error' : undefined}
                    onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}
                  >
                    <option value="">{candidates.length ? 'Choose a person' : 'No one else can be chosen'}</option>
                    {candidates.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name} ({u.orgName ?? 'no organisation'})
                      </option>
                    ))}
                  </select>
                </div>
                <ActionButton busy={action.busy} busyLabel="Saving…">
                  Make in-house lead
                </ActionButton>
              </form>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
