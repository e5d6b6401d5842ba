import { useState } from 'preact/hooks';
import { z } from 'zod';
import { LoginInput, LoginResult, SignInProvider, type User } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { Refusal, Retry, SaveFailure, useLoad, type LoadState } from '../load.js';
import { Link } from '../router.js';
import { apiIssues, ErrorSummary, errorFor, PageHeading, TextField, toFieldErrors, type FieldError } from '../components.js';
import type { SignedIn } from '../../../shared/accounts.js';
import { rememberedEmailAddress, rememberEmailAddress } from '../accounts/useEmailRequest.js';

/** What the callback's `sso_error` means, in words (the code only: no text from the address is shown). */
const SSO_ERRORS: Record<string, string> = {
  sso_failed: 'Signing in with your school account did not work, so you have not been signed in. Please try again, or use another way to sign in.',
  sso_email_unverified: 'Your school account did not confirm your email address, so you have not been signed in. Ask your IT team to make sure your email address is verified.',
  sso_personal_account: 'The account you chose is a personal account, not one your school or trust looks after, so you have not been signed in. Sign in again and choose your school account, or use another way to sign in.',
  sso_no_organisation: 'Your school account does not belong to an organisation that uses this service (or is not set up for your email address here), so no account was made. Ask your school office to add you.',
  sso_account_elsewhere: 'There is already an account with your email address here that your school account cannot sign in to, so you have not been signed in and nothing was changed. Ask your school office or an administrator to sort out the account.',
  account_disabled: 'Your account has been turned off, so you cannot sign in. Ask your school office or an administrator to turn it back on.',
  rate_limited: 'There have been too many sign-in attempts from here just now, so you have not been signed in. Please wait a few minutes and try again.',
};

const FIELDS = { email: { id: 'email', label: 'Email address' }, password: { id: 'password', label: 'Password' } };

export function SignInPage({ navigated, onSignedIn }: { navigated: boolean; onSignedIn: (me: SignedIn) => void }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** Signing in failed for a reason about neither field (too many attempts, the service unreachable): said above the button. */
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Schools' own sign-ins (OIDC). Should they not load, the page says so: staff whose school
  // signs them in that way may have no password to use instead.
  const providers = useLoad(async () => (await api('/api/auth/oidc/providers', z.object({ items: z.array(SignInProvider) }), { quiet401: true })).items, []);
  const query = new URLSearchParams(location.search);
  const ssoError = query.get('sso_error');
  const next = query.get('next');

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const input = LoginInput.safeParse({ email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') });
    setFailure(null);
    if (!input.success) {
      setErrors(toFieldErrors(input.error.issues.map((i) => ({ ...i, message: i.path[0] === 'password' ? 'enter your password' : 'enter an email address like name@school.org.uk' })), FIELDS, FIELDS.email));
      return;
    }
    setBusy(true);
    try {
      const result = await api('/api/auth/login', LoginResult, { method: 'POST', body: input.data, quiet401: true });
      const user: User = result.user;
      onSignedIn({ ...user, csrfToken: result.csrfToken });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setErrors([{ field: 'email', message: 'The email address or password is not right. Check them and try again.' }]);
      else if (apiIssues(err).length) setErrors(toFieldErrors(apiIssues(err), FIELDS, FIELDS.email));
      else {
        setErrors([]);
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="narrow">
      <PageHeading title="Sign in" navigated={navigated} error={errors.length > 0}>
        Sign in
      </PageHeading>
      <p>Sign in to book live SEND and inclusion training sessions.</p>
      {ssoError && errors.length === 0 && (
        <div role="alert" class="notice notice-error">
          <p>{SSO_ERRORS[ssoError] ?? SSO_ERRORS.sso_failed}</p>
        </div>
      )}
      <SchoolSignIns providers={providers} next={next} />
      <ErrorSummary errors={errors} />
      <form id="sign-in-form" onSubmit={submit} noValidate>
        <TextField id="email" label="Email address" type="email" autocomplete="username" spellcheck={false} error={errorFor(errors, 'email')} defaultValue={rememberedEmailAddress()} onInput={(e) => rememberEmailAddress((e.currentTarget as HTMLInputElement).value)} />
        <TextField id="password" label="Password" type="password" autocomplete="current-password" error={errorFor(errors, 'password')} />
        {/* Too many attempts, an account turned off or school sign-in required: said with no Try again (it would be refused again); the network or the service: with it. */}
        {failure instanceof ApiError && failure.status >= 400 && failure.status < 500 ? <Refusal error={failure} /> : <SaveFailure error={failure} busy={busy} onRetry={() => document.querySelector<HTMLFormElement>('#sign-in-form')?.requestSubmit()} submitId="sign-in-button" />}
        <button type="submit" id="sign-in-button" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="signin-help">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <h2>Sign in without a password</h2>
      <p>
        <Link href={next ? `/email-sign-in?next=${encodeURIComponent(next)}` : '/email-sign-in'}>Email me a sign-in link</Link>
      </p>
    </div>
  );
}

/** The buttons for signing in with a school account (none when no school uses one); if they did not load, says so with "Try again". */
function SchoolSignIns({ providers, next }: { providers: LoadState<{ id: string; label: string }[]>; next: string | null }) {
  if (!providers.data && providers.error) {
    return (
      <>
        <h2>Sign in with your school account</h2>
        <p>The ways to sign in with a school account could not be loaded.</p>
        <Retry error={providers.error} onRetry={() => void providers.reload()} busy={providers.loading} />
        <h2>Or sign in with your email and password</h2>
      </>
    );
  }
  if (!providers.data?.length) return null;
  return (
    <>
      <h2>Sign in with your school account</h2>
      <ul class="plain sso-buttons">
        {providers.data.map((p) => (
          <li key={p.id}>
            <a class="button button-secondary" href={`/api/auth/oidc/${encodeURIComponent(p.id)}/start${next ? `?next=${encodeURIComponent(next)}` : ''}`}>
              {p.label}
            </a>
          </li>
        ))}
      </ul>
      <h2>Or sign in with your email and password</h2>
    </>
  );
}
