import { useState } from 'preact/hooks';
import { LoginInput, LoginResult, type User } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { Link } from '../router.js';
import { apiIssues, ErrorSummary, errorFor, PageHeading, TextField, toFieldErrors, type FieldError, type MeValue } from '../components.js';

const FIELDS = { email: { id: 'email', label: 'Email address' }, password: { id: 'password', label: 'Password' } };

export function SignInPage({ navigated, onSignedIn }: { navigated: boolean; onSignedIn: (me: MeValue) => void }) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const input = LoginInput.safeParse({ email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') });
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
      else setErrors([{ field: 'email', message: err instanceof ApiError ? err.message : 'Signing in failed. Please try again.' }]);
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
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <TextField id="email" label="Email address" type="email" autocomplete="username" spellcheck={false} error={errorFor(errors, 'email')} />
        <TextField id="password" label="Password" type="password" autocomplete="current-password" error={errorFor(errors, 'password')} />
        <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="signin-help">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <h2>Sign in without a password</h2>
      <p>
        <Link href="/email-sign-in">Email me a sign-in link</Link>
      </p>
    </div>
  );
}
