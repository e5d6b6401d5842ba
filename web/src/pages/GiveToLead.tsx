/**
 * Office staff of the organisation an in-house session is for: who runs it, and a way to
 * give it to another of that organisation's in-house leads (after its lead left, say), who
 * runs it from then on. The server says when they may (`mayGiveToLead`: still to come) and
 * whether anyone named on it can run it now (`noOneRuns`).
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { InHouseLeadList, type Session } from '../../../shared/sessions.js';
import { api } from '../api.js';
import { described, Field, Status, useFocusLater } from '../components.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../load.js';
import { Link } from '../router.js';
import { listOf } from '../format.js';

export function GiveToLead({ s, onGiven }: { s: Session; onGiven: () => Promise<void> }) {
  const orgId = s.audience.orgId ?? '';
  const orgName = s.audience.orgName ?? 'your organisation';
  const leads = useLoad(() => api(`/api/orgs/${encodeURIComponent(orgId)}/leads`, InHouseLeadList), [orgId]);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const action = useAction();
  const focusLater = useFocusLater();
  const named = s.namedToRun ?? [];

  /** `last`: no one else is left to choose, so the form (and the button pressed) goes: the message takes focus. */
  async function give(userId: string, name: string, last: boolean) {
    setMessage('');
    // Those named who no longer run it are taken off it by the giving.
    const gone = named.filter((t) => !t.runs).map((t) => t.name);
    // All of it is the action, so "Try again" after a failure does all of it again.
    await action.run(async () => {
      await api(`/api/sessions/${encodeURIComponent(s.id)}/trainers/${encodeURIComponent(userId)}`, z.unknown(), { method: 'PUT' });
      await onGiven();
      setChosen('');
      setMessage(`${name} now runs this session${gone.length ? ` instead of ${listOf(gone)}` : ''}.`);
      if (last) focusLater(() => document.getElementById('give-lead-status'), { force: true });
    });
  }

  return (
    <section class="panel" aria-labelledby="give-lead-title">
      <h2 id="give-lead-title">Who runs this session</h2>
      {s.noOneRuns ? (
        <div class="notice notice-warning">
          <p>No one can run this session now: whoever was running it no longer leads in-house training for {orgName}, or their account is turned off. Give it to another of {orgName}’s in-house leads, or ask an administrator to give it a trainer.</p>
        </div>
      ) : (
        <p>Someone named on it runs it. You can also give it to another of {orgName}’s in-house leads, to run it with them.</p>
      )}
      {named.length ? (
        <>
          <h3 id="named-to-run">Named to run it</h3>
          <ul aria-labelledby="named-to-run">
            {named.map((t) => (
              <li key={t.userId}>
                {t.name}: {t.runs ? 'runs it' : `no longer runs it (not one of ${orgName}’s in-house leads now, or their account is off)`}
              </li>
            ))}
          </ul>
          {named.some((t) => !t.runs) ? <p>Giving it to a lead takes anyone who no longer runs it off the session.</p> : null}
        </>
      ) : (
        <p>No one is named to run it.</p>
      )}
      <Status message={message} id="give-lead-status" focusable />
      <ActionError action={action} />
      <Loaded state={leads} what={`${orgName}’s in-house leads`}>
        {(l) => {
          // A lead whose account is off runs nothing, so is not offered.
          const usable = l.items.filter((x) => !x.accountOff);
          const candidates = usable.filter((x) => !s.trainerIds.includes(x.userId));
          if (candidates.length === 0) {
            const why = usable.length ? `Every in-house lead of ${orgName} already runs it.` : l.items.length ? `Every in-house lead of ${orgName} has their account turned off.` : `No one leads in-house training for ${orgName} yet.`;
            return (
              <p>
                {why} Make someone a lead on <Link href="/office/people">Staff accounts</Link> (open their card), then give it to them here.
              </p>
            );
          }
          return (
            <form
              noValidate
              aria-labelledby="give-lead-title"
              onSubmit={(e) => {
                e.preventDefault();
                const lead = candidates.find((x) => x.userId === chosen);
                if (!lead) return setError('Give it to: choose an in-house lead');
                setError('');
                void give(lead.userId, lead.name, candidates.length === 1);
              }}
            >
              <Field id="give-lead" label="Give it to" error={error} announce>
                <select id="give-lead" value={chosen} {...described('give-lead', undefined, error)} onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}>
                  <option value="">Choose an in-house lead</option>
                  {candidates.map((x) => (
                    <option key={x.userId} value={x.userId}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </Field>
              <ActionButton busy={action.busy} busyLabel="Giving it to them…">
                Give the session to this lead
              </ActionButton>
            </form>
          );
        }}
      </Loaded>
    </section>
  );
}
