import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { JOB_ROLE_LABEL, JobRole, PersonChanged, Role, User } from '../../../../shared/accounts.js';
import { placesGivenUp } from '../../format.js';
import { LeftWithoutTrainer } from '../../accounts/LeftWithoutTrainer.js';
import { api } from '../../api.js';
import { apiIssues, AskBeforeSaving, described, ErrorSummary, errorFor, Field, toFieldErrors, type FieldError } from '../../components.js';
import { ActionButton, ActionError, useAction } from '../../load.js';
import { OrgSearchPicker } from '../../orgs.js';

const JOB_HINT = 'What they do at work, for training coverage by role. Separate from their account role.';

const ROLE_LABEL = { staff: 'Staff', office: 'School office', trainer: 'Trainer', admin: 'Administrator' } as const;

/** An administrator's extra controls on a person: role, organisation, and a password reset link. Opened on demand. */
export function PersonAdmin({ person, onChanged }: { person: z.infer<typeof User>; onChanged: (p: z.infer<typeof User>, message: ComponentChildren) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="field" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      {/* Named with the person, as the card's other controls are, so a list of controls tells the cards apart (the visible words start the name). */}
      <summary>
        Change role, job role or organisation, or send a reset link<span class="visually-hidden">: {person.name}</span>
      </summary>
      {open && <PersonAdminForm person={person} onChanged={onChanged} />}
    </details>
  );
}

function PersonAdminForm({ person, onChanged }: { person: z.infer<typeof User>; onChanged: (p: z.infer<typeof User>, message: ComponentChildren) => void }) {
  const [role, setRole] = useState(person.role);
  const [orgId, setOrgId] = useState(person.orgId ?? '');
  const [orgName, setOrgName] = useState(person.orgName ?? '');
  const save = useAction();
  const reset = useAction();
  /** Refusals of the role and organisation, beside their fields (the server names them: `role`, `orgId`). */
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** Asked before a change that gives up what moving them back does not return (setPlacement). */
  const [asking, setAsking] = useState(false);
  const id = (k: string) => `${k}-${person.id}`;
  const fields = { role: { id: id('role'), label: 'Role' }, orgId: { id: id('org'), label: 'Organisation' } };
  const question = asking ? placementQuestion(person, role, orgId, orgName) : null;

  // What follows success is part of the action, so "Try again" after a failure says it too.
  const submit = () =>
    save.run(async () => {
      let next: z.infer<typeof PersonChanged>;
      try {
        next = await api(`/api/users/${encodeURIComponent(person.id)}/placement`, PersonChanged, { method: 'PUT', body: { role, orgId: orgId || null } });
      } catch (err) {
        // A refusal of what was chosen goes beside its field; anything else is an action error with "Try again".
        const issues = apiIssues(err);
        if (issues.length) {
          setErrors(toFieldErrors(issues, fields, fields.orgId));
          return;
        }
        throw err;
      }
      onChanged(
        next,
        <>
          {`${next.name} is now ${placeWords(next.role, next.orgName)}.${placesGivenUp(next.placesGivenUp, 'an in-house session of their old organisation', 'in-house sessions of their old organisation')}`}
          <LeftWithoutTrainer list={next.sessionsWithoutTrainer} />
        </>,
      );
    });
  return (
    <>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (save.busy) return;
          if ((role === 'staff' || role === 'office') && !orgId) {
            setErrors([{ field: id('org'), message: `Organisation: choose the organisation ${person.name} works for. Staff and school office staff belong to one.` }]);
            return;
          }
          setErrors([]);
          // The same role and organisation again: nothing to send (the server would change nothing, and record nothing), said as the name and email form says it.
          if (role === person.role && (orgId || null) === person.orgId) {
            save.clear();
            return onChanged(person, `Nothing was changed: ${person.name} is still ${placeWords(role, person.orgName)}.`);
          }
          if (placementQuestion(person, role, orgId, orgName)) return setAsking(true);
          await submit();
        }}
      >
        <ErrorSummary errors={errors} titleId={id('placement-summary')} />
        <Field id={id('role')} label="Role" error={errorFor(errors, id('role'))}>
          <select id={id('role')} {...described(id('role'), undefined, errorFor(errors, id('role')))} value={role} onChange={(e) => {
              setRole(Role.parse((e.currentTarget as HTMLSelectElement).value));
              setAsking(false);
            }}>
            {Object.entries(ROLE_LABEL).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <OrgSearchPicker
          id={id('org')}
          label="Organisation"
          noneLabel="None"
          value={orgId}
          chosenName={person.orgName ?? undefined}
          onChange={(next, name) => {
            setOrgId(next);
            setOrgName(name);
            setAsking(false);
          }}
          error={errorFor(errors, id('org'))}
        />
        {/* "Try again" goes back to this form's button, where focus stays after a save that works first time, not to a heading above in the person's record. */}
        <ActionError action={save} focusTo={() => document.getElementById(id('save-placement'))} />
        <AskBeforeSaving
          label={`Change ${person.name}’s role or organisation`}
          question={question}
          confirmLabel="Yes, save the change"
          keepLabel="No, not yet"
          busy={save.busy}
          onConfirm={() => {
            setAsking(false);
            void submit();
          }}
          onKeep={() => setAsking(false)}
          saveId={id('save-placement')}
        >
          <ActionButton id={id('save-placement')} class="button button-secondary" busy={save.busy} busyLabel="Saving…">
            Save role and organisation<span class="visually-hidden"> for {person.name}</span>
          </ActionButton>
        </AskBeforeSaving>
      </form>
      <JobRoleForm person={person} onChanged={onChanged} />
      {/* "Try again" goes back to the button, where focus stays after a first send. */}
      <ActionError action={reset} focusTo={() => document.getElementById(id('send-reset'))} />
      <ActionButton
        id={id('send-reset')}
        type="button"
        class="button button-secondary"
        busy={reset.busy}
        busyLabel="Sending…"
        onClick={async () => {
          await reset.run(async () => {
            await api(`/api/users/${encodeURIComponent(person.id)}/password-reset`, z.object({ message: z.string() }), { method: 'POST' });
            onChanged(person, `A password reset link is on its way to ${person.email}.`);
          });
        }}
      >
        Send a password reset link<span class="visually-hidden"> to {person.name}</span>
      </ActionButton>
    </>
  );
}

const runs = (role: Role) => role === 'trainer' || role === 'admin';

/** A role and organisation in words: "staff at Little Acorns Nursery", "trainer". */
const placeWords = (role: Role, orgName: string | null) => `${ROLE_LABEL[role].toLowerCase()}${orgName ? ` at ${orgName}` : ''}`;

/**
 * What a change of someone's role or organisation gives up, as a question to ask before saving
 * it, or null when it gives up nothing (setPlacement on the server does the giving up): leaving
 * their organisation (moved, or made a trainer or administrator) gives up their places on
 * in-house sessions only for its staff and their in-house lead roles; no longer running sessions
 * takes them off every course's list of trainers. Moving them back does not return either.
 */
export function placementQuestion(person: z.infer<typeof User>, role: Role, orgId: string, orgName: string) {
  const inOrg = (r: Role) => r === 'staff' || r === 'office';
  const leaving = !!person.orgId && inOrg(person.role) && (orgId !== person.orgId || !inOrg(role));
  const stopsRunning = runs(person.role) && !runs(role);
  if (!leaving && !stopsRunning) return null;
  const now = `${ROLE_LABEL[role].toLowerCase()}${orgId ? ` at ${orgName || 'the organisation chosen'}` : ''}`;
  const from = person.orgName ?? 'their organisation';
  return [
    `Make ${person.name} ${now}?`,
    // Whether they hold such places, or lead there, the page does not know (it would take a query the server does not offer): said as what happens if so.
    leaving && `Any places they hold on in-house sessions still to come for staff of ${from} that their new place does not include are given up (they are told of each by email), and if they lead in-house training there, they stop.`,
    stopsRunning && 'They no longer run sessions: they come off every course’s list of trainers, and any session still to come that they were to run is listed after saving, to give to another trainer.',
    'Changing them back later does not give these back.',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * What a person does at work (for training coverage by job role), changed by an administrator
 * (in PersonAdmin) or by the office that manages them (on their card in Staff accounts).
 */
export function JobRoleForm({ person, onChanged }: { person: z.infer<typeof User>; onChanged: (p: z.infer<typeof User>, message: ComponentChildren) => void }) {
  return (
    <JobRoleSaver
      id={`job-${person.id}`}
      initial={person.jobRole}
      forName={person.name}
      save={async (jobRole) => {
        const next = await api(`/api/users/${encodeURIComponent(person.id)}`, User, { method: 'PATCH', body: { jobRole } });
        onChanged(next, next.jobRole ? `${next.name}’s job role is now ${JOB_ROLE_LABEL[next.jobRole].toLowerCase()}.` : `${next.name}’s job role is now not stated.`);
      }}
    />
  );
}

/**
 * A job role's field and its save button, saved by `save` (someone else's, by their office
 * or an administrator, or one's own on My account): a failed save says why, with "Try again"
 * going back to the button, where focus stays after a first save.
 */
export function JobRoleSaver({ id, initial, save, forName, hint, labelledBy }: { id: string; initial: JobRole | null; save: (jobRole: JobRole | null) => Promise<void>; forName?: string; hint?: string; labelledBy?: string }) {
  const [jobRole, setJobRole] = useState<string>(initial ?? '');
  const saving = useAction();
  return (
    <form
      aria-labelledby={labelledBy}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        await saving.run(() => save(jobRole ? JobRole.parse(jobRole) : null));
      }}
    >
      <JobRoleField id={id} label="Job role" hint={hint} value={jobRole} onChange={setJobRole} />
      <ActionError action={saving} focusTo={() => document.getElementById(`${id}-save`)} />
      <ActionButton id={`${id}-save`} class="button button-secondary" busy={saving.busy} busyLabel="Saving…">
        Save job role{forName && <span class="visually-hidden"> for {forName}</span>}
      </ActionButton>
    </form>
  );
}

/** What someone does at work, chosen from the job roles or "Not stated" (''), with what it is for. */
export function JobRoleField({ id, label, value, onChange, hint = JOB_HINT }: { id: string; label: string; value: string; onChange: (jobRole: string) => void; hint?: string }) {
  return (
    <Field id={id} label={label} hint={hint}>
      <select id={id} {...described(id, hint, undefined)} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">Not stated</option>
        {Object.entries(JOB_ROLE_LABEL).map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}
