/**
 * One person, for those who manage them: name, email, role and whether the account is on,
 * with the changes the viewer may make (turning the account off or on; their name and email
 * put right; for administrators,
 * the captioner flag; once turned off, erasing their personal data for good), a download of
 * their data (a subject access request) and a link to their timetable where the viewer manages it; for
 * administrators, their training record with certificates (PersonRecord). Used by the
 * office's staff list and the administrators' people list.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { JOB_ROLE_LABEL, LeadRemoved, PersonChanged, User } from '../../../shared/accounts.js';
import { placesGivenUp } from '../format.js';
import { LeftWithoutTrainer } from './LeftWithoutTrainer.js';
import { api } from '../api.js';
import { JobRoleForm, PersonAdmin } from '../pages/admin/PersonAdmin.js';
import { PersonRecord } from './PersonRecord.js';
import { PersonDetailsForm } from './PersonDetailsForm.js';
import { Alert, Badge, ConfirmButton, DownloadMessages, messageOf, useApp, useDownloadLink, useFocusLater } from '../components.js';
import { Link } from '../router.js';

const ROLE_LABEL = { staff: 'Staff', office: 'School office', trainer: 'Trainer', admin: 'Administrator' } as const;

/** An in-house lead control: whether the person leads in-house training for `orgId`, and what to do after a change. */
export interface LeadControl {
  orgId: string;
  isLead: boolean;
  onChanged: (isLead: boolean, message: ComponentChildren) => void;
}

/**
 * `timetableHref`: the person's timetable page (see personTimetableHref), for a viewer who may
 * see and change it (office staff for their staff and office colleagues, administrators).
 * `showRecord`: their training record, opened on demand (with their certificates for
 * administrators; office staff see the record of their staff).
 * `canSetJobRole`: their job role shown and changed on demand (office staff for their staff;
 * administrators change it with the rest in PersonAdmin).
 * `showJobRole`: their job role shown (it is counted in training coverage by job role), also
 * where the viewer may not change it: office staff's own and their office colleagues'.
 * `canSetDetails`: their name and email address put right on demand (administrators, anyone;
 * office staff, their staff: the server's rule, accounts/lifecycle.ts `updatePerson`).
 */
export function PersonCard({ person, canDisable, canSetCaptioner, canSetJobRole, showJobRole = canSetJobRole, canSetDetails, onChanged, lead, timetableHref, showRecord }: { person: User; canDisable: boolean; canSetCaptioner: boolean; canSetJobRole?: boolean; showJobRole?: boolean; canSetDetails?: boolean; onChanged: (p: User, message: ComponentChildren) => void; lead?: LeadControl; timetableHref?: string; showRecord?: boolean }) {
  const { me } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const headingId = `person-${person.id}`;
  const actionsRef = useRef<HTMLDivElement>(null);
  const dataHref = `/api/users/${encodeURIComponent(person.id)}/data`;
  // Fetched by the page, so a refusal (their data erased, moved out of reach) is said in the card.
  const personalData = useDownloadLink(dataHref, 'personal-data.json', 'data file');
  const focusLater = useFocusLater();
  /** How many places turning the account off gave up, when it was turned off here (else not known: the server keeps no count of it). */
  const givenUpHere = useRef<number | null>(null);
  /** How tall the question "Turn off account" asked stood (with the outcome above it, if any), when "Yes, turn it off" was pressed. */
  const questionHeight = useRef(0);
  /**
   * What turning the account off here did (and, once it is turned on again, what that did), in
   * words, shown where the question was and at least as tall: the second click of a double click
   * on "Yes, turn it off" lands on these words, not on a control moved up under the pointer (the
   * Account history link opened the audit log before the result could be read).
   */
  const [outcome, setOutcome] = useState<{ words: string; minHeight: number } | null>(null);

  /** Runs one of the card's changes: one at a time, its failure said on the card. */
  async function act(run: () => Promise<void>) {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await run();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  const change = (body: { disabled?: boolean; captioner?: boolean }, message: string) =>
    act(async () => {
      const next = await api(`/api/users/${encodeURIComponent(person.id)}`, PersonChanged, { method: 'PATCH', body });
      if (body.disabled === true) givenUpHere.current = next.placesGivenUp;
      const words = message + placesGivenUp(next.placesGivenUp, 'a session still to come', 'sessions still to come');
      if (body.disabled === true) setOutcome({ words, minHeight: questionHeight.current });
      else if (body.disabled === false) setOutcome((was) => was && { ...was, words });
      onChanged(
        next,
        <>
          {words}
          <LeftWithoutTrainer list={next.sessionsWithoutTrainer} canEdit={me.role === 'admin'} />
        </>,
      );
      // Turning the account off or on swaps the button pressed for its opposite: focus that one.
      if (body.disabled !== undefined) focusLater(() => (canDisable ? actionsRef.current?.querySelector<HTMLElement>('button') : null));
    });

  // Erasing their personal data (an account already turned off): the card leaves the list, so
  // the page that lists it moves focus to its message (onChanged sees `erased`).
  const erase = () =>
    act(async () => {
      const next = await api(`/api/users/${encodeURIComponent(person.id)}/erase`, User, { method: 'POST' });
      onChanged(next, `${person.name}'s personal data has been erased for good. They are no longer listed; their past bookings and attendance still count, shown as “Erased person”.`);
    });

  const setLead = (on: boolean) =>
    act(async () => {
      if (!lead) return;
      const path = `/api/orgs/${encodeURIComponent(lead.orgId)}/leads/${encodeURIComponent(person.id)}`;
      if (on) {
        await api(path, z.unknown(), { method: 'PUT' });
        lead.onChanged(true, `${person.name} is now an in-house lead: they can publish and run sessions for your organisation's staff.`);
      } else {
        const removed = await api(path, LeadRemoved, { method: 'DELETE' });
        lead.onChanged(
          false,
          <>
            {person.name} is no longer an in-house lead.
            <LeftWithoutTrainer list={removed.sessionsWithoutTrainer} canEdit={me.role === 'admin'} />
          </>,
        );
      }
    });

  return (
    <li class="card" aria-labelledby={headingId}>
      <h2 id={headingId} class="card-title" tabIndex={-1}>
        {person.name}
      </h2>
      <p class="booking-status">
        {person.disabled ? <Badge tone="cancelled">Turned off</Badge> : <Badge tone="confirmed">Active</Badge>}
        {person.captioner && <Badge tone="offered">Captioner</Badge>}
        {lead?.isLead && <Badge tone="offered">In-house lead</Badge>}
      </p>
      <dl class="facts">
        <div>
          <dt>Email address</dt>
          <dd class="break">{person.email}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{ROLE_LABEL[person.role]}</dd>
        </div>
        {showJobRole && (
          <div>
            <dt>Job role</dt>
            <dd>{person.jobRole ? JOB_ROLE_LABEL[person.jobRole] : 'Not stated'}</dd>
          </div>
        )}
        {person.orgName && (
          <div>
            <dt>Organisation</dt>
            <dd>{person.orgName}</dd>
          </div>
        )}
      </dl>
      <div class="actions" ref={actionsRef}>
        {timetableHref && (
          <Link href={timetableHref} class="button button-secondary">
            Timetable<span class="visually-hidden">: {person.name}</span>
          </Link>
        )}
        {canDisable && (
          // A copy of what the service holds about them (the file they get from My account), for
          // the school's answer to a subject access request from someone who cannot sign in.
          <a href={dataHref} download onClick={personalData.onClick} class="button button-secondary">
            Download data (JSON file)<span class="visually-hidden">: {person.name}</span>
          </a>
        )}
        {/* Plain words (its links, to sessions left without a trainer, are in the page's message): nothing here to press by mistake. */}
        {canDisable && outcome && (
          <p class="account-outcome" style={{ minHeight: `${outcome.minHeight}px` }}>
            {outcome.words}
          </p>
        )}
        {canDisable &&
          (person.disabled ? (
            <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => change({ disabled: false }, `${person.name}'s account is on again. They can sign in.${placesNotGivenBack(givenUpHere.current)}`)}>
              Turn on account<span class="visually-hidden">: {person.name}</span>
            </button>
          ) : (
            <ConfirmButton
              key="turn-off"
              label={`Turn off account: ${person.name}`}
              question={`Turn off ${person.name}'s account? They are signed out at once and cannot sign in until it is turned on again. Their places on sessions still to come are given up for others.`}
              confirmLabel="Yes, turn it off"
              keepLabel="No, keep it on"
              busy={busy}
              // The question stays, its buttons unpressable, until the account is off (ConfirmButton); then the outcome takes its place.
              onConfirm={() => {
                // From the top of the words already there (turned off and on again before), else the question's, to the question's foot.
                const question = actionsRef.current?.querySelector('.confirm');
                const from = actionsRef.current?.querySelector('.account-outcome') ?? question;
                questionHeight.current = question && from ? question.getBoundingClientRect().bottom - from.getBoundingClientRect().top : 0;
                return change({ disabled: true }, `${person.name}'s account is turned off and they have been signed out.`);
              }}
            />
          ))}
        {canDisable && person.disabled && (
          // Keyed, as "Turn off" is: else the erase control, new beside "Turn on", would take over the
          // turn-off control just confirmed (same component) and draw focus back to itself.
          <ConfirmButton
            key="erase"
            label={`Erase personal data: ${person.name}`}
            question={`Erase ${person.name}'s personal data for good? This cannot be undone. Their name, email address, job role, timetable, calendar feed, certificates, feedback comments and messages are erased, and the account can never be turned on again. Their past bookings and attendance still count, shown as “Erased person”. Do this once they have left and the record no longer needs to be kept, or when they ask.`}
            confirmLabel="Yes, erase for good"
            keepLabel="No, keep their data"
            busy={busy}
            onConfirm={() => void erase()}
          />
        )}
        {canSetCaptioner && (
          <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => change({ captioner: !person.captioner }, person.captioner ? `${person.name} is no longer a captioner.` : `${person.name} is now a captioner.`)}>
            {person.captioner ? 'Remove captioner' : 'Make captioner'}
            <span class="visually-hidden">: {person.name}</span>
          </button>
        )}
        {lead && !person.disabled && (person.role === 'staff' || person.role === 'office') && (
          <button type="button" class="button button-secondary" aria-disabled={busy ? 'true' : undefined} onClick={() => void setLead(!lead.isLead)}>
            {lead.isLead ? 'Stop being in-house lead' : 'Make in-house lead'}
            <span class="visually-hidden">: {person.name}</span>
          </button>
        )}
      </div>
      {canDisable && <DownloadMessages download={personalData.download} whose={`${person.name}'s`} />}
      {showRecord && <PersonRecord person={person} certificates={canSetCaptioner} />}
      {canSetDetails && <PersonDetails person={person} onChanged={onChanged} />}
      {canSetCaptioner && <PersonAdmin person={person} onChanged={onChanged} />}
      {canSetJobRole && !canSetCaptioner && (
        <details class="field">
          <summary>
            Change job role<span class="visually-hidden">: {person.name}</span>
          </summary>
          <JobRoleForm person={person} onChanged={onChanged} />
        </details>
      )}
      <Alert message={error} />
    </li>
  );
}

/**
 * Turning an account on does not give back the places turning it off gave up: said with how
 * many when this card turned it off (nothing when none were), else as what happens if any were.
 */
function placesNotGivenBack(givenUp: number | null): string {
  if (givenUp === 0) return '';
  if (givenUp === 1) return ' The place given up when it was turned off is not given back: book it again if they still need it.';
  if (givenUp !== null) return ` The ${givenUp} places given up when it was turned off are not given back: book them again if they still need them.`;
  return ' If any places were given up when it was turned off, they are not given back: book them again if they still need them.';
}

/** The form that puts a person's name and email right, opened on demand (drawn only when open, so its fields are not in the page's tab order until then). */
function PersonDetails({ person, onChanged }: { person: User; onChanged: (p: User, message: ComponentChildren) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="field" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        Change name or email<span class="visually-hidden">: {person.name}</span>
      </summary>
      {open && <PersonDetailsForm person={person} onChanged={onChanged} />}
    </details>
  );
}
