/**
 * Administrators, on an organisation's page: its in-house leads (members of its staff, or of
 * its schools' for a trust, who publish and run sessions for it), with a way to add one from
 * its people and to stop someone being one.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { LeadCandidates, LeadRemoved } from '../../../../shared/accounts.js';
import { InHouseLeadList } from '../../../../shared/sessions.js';
import { api } from '../../api.js';
import { ConfirmButton, errorFor, Status, TextField, useFocusLater, type FieldError } from '../../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { LeftWithoutTrainer } from '../../accounts/LeftWithoutTrainer.js';

/** How many people the choice lists at most; a search by name or email finds the rest. */
const LISTED = 1000;

export function LeadsPanel({ orgId, orgName, hasSchools }: { orgId: string; orgName: string; hasSchools: boolean }) {
  // Who may lead (its staff, a trust's schools' staff too) in one request, however many schools it has.
  const [search, setSearch] = useState('');
  const [searchText, setSearchText] = useState('');
  const state = useLoad(async () => {
    const [leads, people] = await Promise.all([
      api(`/api/orgs/${encodeURIComponent(orgId)}/leads`, InHouseLeadList),
      api(`/api/orgs/${encodeURIComponent(orgId)}/lead-candidates?${new URLSearchParams({ limit: String(LISTED), ...(search ? { q: search } : {}) })}`, LeadCandidates),
    ]);
    return { leads: leads.items, eligible: people.items, more: people.hasMore };
  }, [orgId, search]);
  const [chosen, setChosen] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<ComponentChildren>('');
  const action = useAction();
  const focusLater = useFocusLater();

  async function change(userId: string, on: boolean, name: string) {
    setMessage('');
    // All of it is the action, so "Try again" after a failure says what it did too.
    await action.run(async () => {
      const path = `/api/orgs/${encodeURIComponent(orgId)}/leads/${encodeURIComponent(userId)}`;
      const removed = on ? null : await api(path, LeadRemoved, { method: 'DELETE' });
      if (on) await api(path, z.unknown(), { method: 'PUT' });
      await state.reload();
      setChosen('');
      setMessage(
        on ? (
          `${name} is now an in-house lead for ${orgName}.`
        ) : (
          <>
            {`${name} is no longer an in-house lead for ${orgName}.`}
            <LeftWithoutTrainer list={removed?.sessionsWithoutTrainer ?? []} />
          </>
        ),
      );
      // "Stop … being a lead" goes with its card: the message saying so takes focus.
      focusLater(() => document.getElementById('leads-status'));
      // "Try again" ends where a first success does: "Make in-house lead" stays, and so does
      // focus; "Stop … being a lead" goes with its card, so the message takes it.
    }, { focusAfterRetry: () => document.getElementById(on ? 'make-lead' : 'leads-status') });
  }

  return (
    <section class="panel" aria-labelledby="leads-title">
      <h2 id="leads-title">In-house leads</h2>
      <p>In-house leads publish and run training sessions for {orgName}'s staff{hasSchools ? ' and its schools' : ''} only: the register, the live room, messages and seat holds of their own sessions.</p>
      <Status message={message} id="leads-status" focusable />
      <ActionError action={action} />
      <Loaded state={state} what="the in-house leads">
        {({ leads, eligible, more }) => {
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
                      {/* Still a lead, running nothing until their account is on again. */}
                      {l.accountOff && <p>Account turned off: they run none of its sessions until it is turned on again.</p>}
                      {/* Asked first, as every other removal is: sessions only they run are left with no trainer. */}
                      <ConfirmButton
                        label={`Stop ${l.name} being a lead`}
                        busyText="Saving…"
                        variant="secondary"
                        question={`Stop ${l.name} being an in-house lead for ${orgName}? They will no longer run ${orgName}’s in-house sessions, and any of those still to come that only they run will have no trainer until you give it another.`}
                        confirmLabel="Yes, stop them being a lead"
                        keepLabel="No, keep them as a lead"
                        busy={action.busy}
                        onConfirm={() => void change(l.userId, false, l.name)}
                      />
                    </li>
                  ))}
                </ul>
              )}
              {(more || search) && (
                // Too many to list at once: found by name or email instead.
                <form
                  class="filters"
                  role="search"
                  aria-label="Find someone to make an in-house lead"
                  onSubmit={(e) => {
                    e.preventDefault();
                    setChosen('');
                    setSearch(searchText.trim());
                  }}
                >
                  <TextField
                    id="lead-search"
                    label="Find a person by name or email"
                    hint={more ? `Only the first ${LISTED} people by name are offered below${search ? ` of those matching “${search}”` : ''}.` : `People matching “${search}” are offered below; search for nothing to offer everyone.`}
                    type="search"
                    spellcheck={false}
                    maxLength={200}
                    value={searchText}
                    onInput={(e) => setSearchText((e.currentTarget as HTMLInputElement).value)}
                  />
                  <div class="field field-action">
                    <button type="submit" class="button button-secondary">
                      Find
                    </button>
                  </div>
                </form>
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
                    <p class="error-message" id="lead-person-error" role="alert">
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
                    <option value="">{candidates.length ? 'Choose a person' : search ? `No one else matches “${search}”` : 'No one else can be chosen'}</option>
                    {candidates.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name} ({u.orgName ?? 'no organisation'})
                      </option>
                    ))}
                  </select>
                </div>
                <ActionButton id="make-lead" busy={action.busy} busyLabel="Saving…">
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
