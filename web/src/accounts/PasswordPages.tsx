/**
 * Passwords, for people who are signed out: "Forgot your password?" asks for an emailed
 * link; the link opens the reset page (its token is in the address's #fragment, which the
 * browser never sends to a server).
 */
import { useRef, useState } from 'preact/hooks';
import { PasswordResetInput, PasswordResetRequested, PasswordResetRequestInput } from '../../../shared/accounts.js';
import { z } from 'zod';
import { api, ApiError } from '../api.js';
import { apiIssues, ErrorSummary, errorFor, PageHeading, Status, TextField, toFieldErrors, useFocusLater, type FieldError } from '../components.js';
import { useEmailRequest } from './useEmailRequest.js';
import { Link, replaceAddress } from '../router.js';
import { SaveFailure } from '../load.js';

export function ForgotPasswordPage({ navigated }: { navigated: boolean }) {
  const { errors, sent, busy, submit, again, emailField } = useEmailRequest('/api/auth/password-reset', PasswordResetRequestInput, PasswordResetRequested, 'reset-sent');

  return (
    <div class="narrow">
      <PageHeading title="Forgot your password?" navigated={navigated} error={errors.length > 0}>
        Forgot your password?
      </PageHeading>
      <ErrorSummary errors={errors} />
      <Status message={sent} id="reset-sent" focusable />
      {sent ? (
        <p>
          Nothing arrived? Check your junk folder, or <Link href="/forgot-password" onClick={again}>ask again</Link>. <Link href="/signin">Back to sign in</Link>
        </p>
      ) : (
        <>
          <p>Enter the email address you sign in with. We will email you a link to choose a new password. The link works once, for one hour.</p>
          <form onSubmit={submit} noValidate>
            <TextField id="email" label="Email address" type="email" autocomplete="username" spellcheck={false} error={errorFor(errors, 'email')} {...emailField} />
            <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
              {busy ? 'Sending…' : 'Send me a link'}
            </button>
          </form>
          <p>
            <Link href="/signin">Back to sign in</Link>
          </p>
        </>
      )}
    </div>
  );
}

const RESET_FIELDS = { password: { id: 'new-password', label: 'New password' } };

/** The token from the emailed link (`/reset-password#token=…`). */
function tokenFromAddress(): string {
  return new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
}

export function ResetPasswordPage({ navigated, onSignedOut }: { navigated: boolean; onSignedOut: () => void }) {
  const [token] = useState(tokenFromAddress);
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** Why the link cannot set a password (used, expired, the account off, or the organisation's own sign-in required), and where to go instead. */
  const [linkProblem, setLinkProblem] = useState<{ message: string; signIn: boolean } | null>(null);
  /** A failure about no field (too many attempts, the network, the service): said above the button. */
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const focusLater = useFocusLater();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(form.get('new-password') ?? '');
    const again = String(form.get('new-password-again') ?? '');
    const input = PasswordResetInput.safeParse({ token, password });
    const found: FieldError[] = [];
    if (!input.success) found.push(...toFieldErrors(input.error.issues.filter((i) => i.path[0] === 'password'), RESET_FIELDS, RESET_FIELDS.password));
    if (password && again !== password) found.push({ field: 'new-password-again', message: 'Type the same new password again' });
    setErrors(found);
    setFailure(null);
    if (found.length || !input.success) return;
    setBusy(true);
    try {
      await api('/api/auth/password-reset/complete', z.unknown(), { method: 'POST', body: input.data, quiet401: true });
      replaceAddress('/reset-password'); // the used token leaves the address bar
      setDone(true);
      // The form pressed in is gone: the heading saying it worked takes focus (and is read), not <body>.
      focusLater(() => document.querySelector<HTMLElement>('h1.page-heading'));
      onSignedOut();
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'invalid_reset_link' || err.code === 'account_disabled')) setLinkProblem({ message: err.message, signIn: false });
      // The link can never set a password here: the organisation's own sign-in is the way in.
      else if (err instanceof ApiError && err.code === 'sso_required') setLinkProblem({ message: err.message, signIn: true });
      else if (apiIssues(err).length) setErrors(toFieldErrors(apiIssues(err), RESET_FIELDS, RESET_FIELDS.password));
      // Not about the password typed (too many attempts: wait; the network or the service: try again).
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div class="narrow">
        <PageHeading title="Your password has been changed" navigated={navigated}>
          Your password has been changed
        </PageHeading>
        <p>You have been signed out everywhere. Sign in with your new password.</p>
        <p>
          <Link href="/signin" class="button">
            Sign in
          </Link>
        </p>
      </div>
    );
  }
  const problem = linkProblem ?? (token.length < 16 ? { message: 'This link is not complete. Open the link from the email again, or ask for a new one.', signIn: false } : null);
  return (
    <div class="narrow">
      <PageHeading title="Choose a new password" navigated={navigated} error={errors.length > 0 || problem !== null}>
        Choose a new password
      </PageHeading>
      {problem ? (
        <div role="alert" class="notice notice-error">
          <p>{problem.message}</p>
          <p>{problem.signIn ? <Link href="/signin">Go to the sign-in page</Link> : <Link href="/forgot-password">Ask for a new link</Link>}</p>
        </div>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          <form ref={formRef} onSubmit={submit} noValidate>
            <TextField id="new-password" label="New password" hint="At least 10 characters. A few words you will remember make a good one." type="password" autocomplete="new-password" error={errorFor(errors, 'new-password')} />
            <TextField id="new-password-again" label="Type the new password again" type="password" autocomplete="new-password" error={errorFor(errors, 'new-password-again')} />
            <SaveFailure error={failure} busy={busy} onRetry={() => formRef.current?.requestSubmit()} />
            <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
              {busy ? 'Saving…' : 'Set new password'}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
