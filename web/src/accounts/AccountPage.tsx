/** My account: who I am, and changing my password (my other sign-ins end). */
import { useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { ChangePasswordInput, JOB_ROLE_LABEL, Me, SignInMethods } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { apiIssues, DownloadMessages, ErrorSummary, errorFor, Fact, messageOf, PageHeading, Status, TextField, toFieldErrors, useApp, useDownloadLink, type FieldError } from '../components.js';
import { formatPlainDate } from '../format.js';
import { Loaded, useLoad } from '../load.js';
import { Link } from '../router.js';
import { JobRoleSaver } from '../pages/admin/PersonAdmin.js';

const ROLE_LABEL = { staff: 'Staff', office: 'School office', trainer: 'Trainer', admin: 'Administrator' } as const;
const FIELDS = {
  currentPassword: { id: 'current-password', label: 'Current password' },
  newPassword: { id: 'new-password', label: 'New password' },
};

const MY_DATA = '/api/me/data';

export function AccountPage() {
  const { me, loc } = useApp();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const methods = useLoad(() => api('/api/me/sign-in-methods', SignInMethods), []);
  const myData = useDownloadLink(MY_DATA, 'my-data.json', 'data file');

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const again = String(form.get('new-password-again') ?? '');
    const input = ChangePasswordInput.safeParse({ currentPassword: String(form.get('current-password') ?? ''), newPassword: String(form.get('new-password') ?? '') });
    const found: FieldError[] = input.success ? [] : toFieldErrors(input.error.issues, FIELDS, FIELDS.newPassword);
    if (input.success && input.data.newPassword === input.data.currentPassword) found.push({ field: 'new-password', message: 'New password must be different from your current password' });
    if (input.success && again !== input.data.newPassword) found.push({ field: 'new-password-again', message: 'Type the same new password again' });
    setErrors(found);
    setSaved('');
    if (found.length || !input.success) return;
    setBusy(true);
    try {
      await api('/api/me/password', z.unknown(), { method: 'POST', body: input.data });
      formRef.current?.reset();
      setSaved('Your password has been changed. You have been signed out on your other devices.');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'wrong_password') setErrors([{ field: 'current-password', message: 'Your current password is not right' }]);
      else if (apiIssues(err).length) setErrors(toFieldErrors(apiIssues(err), FIELDS, FIELDS.newPassword));
      else setErrors([{ field: 'current-password', message: messageOf(err) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="narrow">
      <PageHeading title="My account" navigated={loc.navigated} error={errors.length > 0}>
        My account
      </PageHeading>
      <dl class="facts facts-wide">
        <Fact label="Name">{me.name}</Fact>
        <Fact label="Email address">{me.email}</Fact>
        <Fact label="Role">{ROLE_LABEL[me.role]}</Fact>
        {me.orgName && <Fact label="Organisation">{me.orgName}</Fact>}
      </dl>
      <p id="correct-details">
        Your name is printed on your certificates.{' '}
        {me.role === 'admin' ? (
          <>
            As an administrator, you can correct your name or email on <Link href={`/admin/people/${encodeURIComponent(me.id)}`}>your page in People</Link>.
          </>
        ) : me.role === 'staff' && me.orgId ? (
          'To correct your name or email, ask your school office.'
        ) : (
          'To correct your name or email, ask an administrator of this service.'
        )}
      </p>
      {(me.role === 'staff' || me.role === 'office') && <MyJobRole />}
      <h2>How you sign in</h2>
      <Loaded state={methods} what="how you sign in">
        {(m) => (
          <ul>
            {m.password && <li>With your email address and password</li>}
            {m.emailLink && <li>With a sign-in link sent to your email address</li>}
            {m.providers.map((p) => (
              <li key={p.label}>
                {p.label} (linked {formatPlainDate(p.linkedAt)})
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <h2>Your data</h2>
      <p>
        A copy of everything this service holds about you: your account, your places on sessions, the sessions you attended, your certificates, the feedback you gave, your timetable and the messages sent to you.{' '}
        <a href={MY_DATA} download onClick={myData.onClick}>
          Download your data (JSON file)
        </a>
      </p>
      <DownloadMessages download={myData.download} />
      {methods.data && !methods.data.password ? (
        // No password to change (none set, or the organisation's own sign-in only): said, not a form the server refuses.
        <>
          <h2>Your password</h2>
          <p>
            You have no password here: you sign in {methods.data.emailLink ? 'with a sign-in link sent to your email address' : 'with your organisation’s own account'}
            {methods.data.emailLink && methods.data.providers.length ? ' or your school account' : ''}.
            {methods.data.emailLink ? ' To set a password, sign out and choose “Forgot your password?” on the sign-in page.' : ''}
          </p>
        </>
      ) : (
        <>
          <h2 id="change-password-title">Change your password</h2>
          <p>When you change it, you stay signed in here and are signed out everywhere else.</p>
          <ErrorSummary errors={errors} />
          <Status message={saved} id="password-saved" />
          <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="change-password-title">
            <TextField id="current-password" label="Current password" type="password" autocomplete="current-password" error={errorFor(errors, 'current-password')} />
            <TextField id="new-password" label="New password" hint="At least 10 characters." type="password" autocomplete="new-password" error={errorFor(errors, 'new-password')} />
            <TextField id="new-password-again" label="Type the new password again" type="password" autocomplete="new-password" error={errorFor(errors, 'new-password-again')} />
            <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
              {busy ? 'Changing…' : 'Change password'}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

/** Staff and office staff state their own job role (their school office can too): training coverage counts it. */
function MyJobRole() {
  const { me, setMe } = useApp();
  const [saved, setSaved] = useState('');
  return (
    <>
      <h2 id="job-role-title">Your job role</h2>
      <Status message={saved} id="job-role-saved" />
      <JobRoleSaver
        id="my-job-role"
        labelledBy="job-role-title"
        initial={me.jobRole}
        hint="What you do at work: your school’s training figures count it by role. Your school office can change it too."
        save={async (jobRole) => {
          setSaved('');
          const next = await api('/api/me', Me, { method: 'PATCH', body: { jobRole } });
          setMe(next);
          // Said as the list names it ("Teacher"), not as stored.
          setSaved(next.jobRole ? `Your job role is saved: ${JOB_ROLE_LABEL[next.jobRole]}.` : 'Your job role is saved as not stated.');
        }}
      />
    </>
  );
}
