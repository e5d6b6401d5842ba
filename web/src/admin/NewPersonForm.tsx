/**
 * Add one person: name, email, job role and (administrators) role and organisation, each
 * problem shown beside its field. Administrators may then email the new person a link to
 * choose a password (the account has none); office staff (`forOrg`) add a member of staff to
 * the organisation chosen on their Staff accounts page, who then signs in by an emailed
 * sign-in link (or their school's own sign-in).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { CreateUserInput, JobRole, MAX_PERSON_NAME_CHARS, User } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { apiIssues, described, ErrorSummary, errorFor, Field, lengthHint, Status, TextField, tooLongError, toFieldErrors, useFocusLater, type FieldError } from '../components.js';
import { ActionButton, ActionError, useAction } from '../load.js';
import { Link } from '../router.js';
import { OrgSearchPicker } from '../orgs.js';
import { JobRoleField } from '../pages/admin/PersonAdmin.js';

const ROLE_LABEL = { staff: 'Staff', office: 'School office', trainer: 'Trainer', admin: 'Administrator' } as const;
const FIELDS = {
  name: { id: 'new-name', label: 'Full name' },
  email: { id: 'new-email', label: 'Email address' },
  role: { id: 'new-role', label: 'Role' },
  orgId: { id: 'new-org', label: 'Organisation' },
};

export function NewPersonForm({ onAdded, forOrg, suggestedOrg }: { onAdded: (p: z.infer<typeof User>) => void; forOrg?: { id: string; name: string }; suggestedOrg?: { id: string; name: string } }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<keyof typeof ROLE_LABEL>('staff');
  // An administrator's list shown for one organisation starts the form (and the import link) there: it is not asked for again.
  const [chosenOrg, setChosenOrg] = useState(suggestedOrg?.id ?? '');
  // Follows the list's organisation until one is chosen here (what was typed stays).
  const [orgTouched, setOrgTouched] = useState(false);
  useEffect(() => {
    if (!orgTouched) setChosenOrg(suggestedOrg?.id ?? '');
  }, [suggestedOrg?.id]);
  const setOrgId = (id: string) => {
    setOrgTouched(true);
    setChosenOrg(id);
  };
  const [jobRole, setJobRole] = useState('');
  const orgId = forOrg?.id ?? chosenOrg;
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [added, setAdded] = useState<z.infer<typeof User> | null>(null);
  const [sent, setSent] = useState('');
  const create = useAction();
  const send = useAction();
  const addedRef = useRef<HTMLHeadingElement>(null);
  const focusLater = useFocusLater();
  const needsOrg = role === 'staff' || role === 'office';

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreateUserInput.safeParse({ name, email, role: forOrg ? 'staff' : role, orgId: orgId || undefined, jobRole: jobRole ? JobRole.parse(jobRole) : null });
    // A name too long is said with its limit (the schema's own words for it are zod's).
    const nameTooLong = tooLongError(FIELDS.name.label, name, MAX_PERSON_NAME_CHARS);
    const found: FieldError[] = parsed.success ? [] : toFieldErrors(parsed.error.issues, FIELDS, FIELDS.name).map((f) => (f.field === FIELDS.name.id && nameTooLong ? { ...f, message: nameTooLong } : f));
    if (needsOrg && !orgId && !found.some((f) => f.field === 'new-org')) found.push({ field: 'new-org', message: 'Organisation: choose the organisation this person works for' });
    setErrors(found);
    if (found.length || !parsed.success) return;
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await create.run(async () => {
      let person: z.infer<typeof User>;
      try {
        person = await api('/api/users', User, { method: 'POST', body: parsed.data });
      } catch (err) {
        // Problems with what was typed go beside their fields; anything else is an action error.
        if (err instanceof ApiError && err.code === 'email_taken') {
          setErrors([{ field: 'new-email', message: 'Email address: this address already belongs to an account. Use a different one, or find that person in the list.' }]);
          return;
        }
        const issues = apiIssues(err);
        if (issues.length) {
          setErrors(toFieldErrors(issues, FIELDS, FIELDS.name));
          return;
        }
        throw err;
      }
      setAdded(person);
      setSent('');
      setName('');
      setEmail('');
      setJobRole('');
      onAdded(person);
      // The new person's heading takes focus once drawn (from "Add person", which stays: so forced).
      focusLater(addedRef, { force: true });
    });
  }

  async function sendLink(p: z.infer<typeof User>) {
    await send.run(async () => {
      await api(`/api/users/${encodeURIComponent(p.id)}/password-reset`, z.object({ message: z.string() }), { method: 'POST' });
      setSent(`A link to choose a password is on its way to ${p.email}. It works for one hour.`);
      // The button pressed gives way to the message: focus goes there rather than to the top of the page.
      focusLater(() => document.getElementById('new-person-sent'));
    });
  }

  return (
    <section class="panel narrow" aria-labelledby="new-person-title">
      <h2 id="new-person-title">Add a person</h2>
      <p>
        To add many staff {forOrg ? 'at once' : 'of one school at once'}, <Link href={forOrg ? `/office/people/import?${new URLSearchParams({ org: forOrg.id })}` : `/admin/people/import${chosenOrg ? `?${new URLSearchParams({ org: chosenOrg })}` : ''}`}>import them from a spreadsheet (CSV)</Link>.
      </p>
      {added && (
        <div class="notice" role="group" aria-labelledby="added-title">
          <h3 id="added-title" ref={addedRef} tabIndex={-1}>
            {added.name} was added{added.orgName ? ` to ${added.orgName}` : ''}
          </h3>
          {forOrg ? (
            <p>They have no password: they sign in by asking for a sign-in link on the sign-in page (sent to {added.email}), or with your school’s own sign-in if it has one.</p>
          ) : (
            <>
              <p>They have no password yet. Email them a link to choose one, or they can ask for a sign-in link on the sign-in page.</p>
              {/* In the page (empty) from when the person is added, so the message is announced when it comes. */}
              <Status id="new-person-sent" message={sent} focusable />
              {!sent && (
                <ActionButton type="button" class="button button-secondary" busy={send.busy} busyLabel="Sending…" onClick={() => void sendLink(added)}>
                  Email {added.name} a link to choose a password
                </ActionButton>
              )}
              {/* "Try again" ends where a first send does: on the message saying so. */}
              <ActionError action={send} focusTo={() => document.getElementById('new-person-sent')} />
            </>
          )}
        </div>
      )}
      <form onSubmit={submit} noValidate aria-labelledby="new-person-title">
        <ErrorSummary errors={errors} />
        <TextField id="new-name" label="Full name" autoComplete="off" hint={lengthHint(name, MAX_PERSON_NAME_CHARS)} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'new-name')} />
        <TextField id="new-email" label="Email address" type="email" autoComplete="off" spellcheck={false} value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'new-email')} />
        {forOrg ? (
          <p>
            They are added as staff of <strong>{forOrg.name}</strong>.
          </p>
        ) : (
          <>
            <Field id="new-role" label="Role" error={errorFor(errors, 'new-role')}>
              <select id="new-role" value={role} {...described('new-role', undefined, errorFor(errors, 'new-role'))} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as keyof typeof ROLE_LABEL)}>
                {Object.entries(ROLE_LABEL).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            <OrgSearchPicker
              id="new-org"
              label="Organisation"
              value={orgId}
              chosenName={suggestedOrg && suggestedOrg.id === orgId ? suggestedOrg.name : undefined}
              onChange={setOrgId}
              noneLabel={needsOrg ? 'Choose an organisation' : 'None'}
              hint={needsOrg ? 'Staff and school office belong to a school, college, nursery, trust or local authority.' : 'Optional for trainers and administrators.'}
              error={errorFor(errors, 'new-org')}
            />
          </>
        )}
        <JobRoleField id="new-job" label="Job role (optional)" value={jobRole} onChange={setJobRole} />
        <ActionError action={create} />
        <ActionButton busy={create.busy} busyLabel="Adding…">
          Add person
        </ActionButton>
      </form>
    </section>
  );
}
