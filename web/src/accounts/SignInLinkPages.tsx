/**
 * Signing in without a password: "Email me a sign-in link" asks for a link; the link opens
 * the landing page (its token is in the address's #fragment, which the browser never sends
 * to a server), where one button signs the person in. The link works only in the browser
 * that asked for it, which the server knows by a cookie set when asking.
 */
import { useState } from 'preact/hooks';
import { LoginResult, SignInLinkInput, SignInLinkRequested, SignInLinkRequestInput } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { ErrorSummary, errorFor, messageOf, PageHeading, Status, TextField, useFocusLater, type FieldError } from '../components.js';
import type { SignedIn } from '../../../shared/accounts.js';
import { useEmailRequest } from './useEmailRequest.js';
import { SaveFailure } from '../load.js';
import { Link, navigate, replaceAddress } from '../router.js';
import { safeNextPath } from '../../../shared/common.js';

/**
 * Where the person was on their way to when asked to sign in (the sign-in page's `next`): the
 * request for a link sends it, the emailed link carries it back, and signing in with the link
 * goes there, as a password sign-in does.
 */
const nextOfAddress = () => new URLSearchParams(location.search).get('next');
const withNext = (path: string, next: string | null) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);

export function EmailSignInPage({ navigated }: { navigated: boolean }) {
  const [next] = useState(nextOfAddress);
  const { errors, sent, busy, submit, again, emailField } = useEmailRequest('/api/auth/email-link', SignInLinkRequestInput, SignInLinkRequested, 'link-sent', next ? { next } : {});

  return (
    <div class="narrow">
      <PageHeading title="Email me a sign-in link" navigated={navigated} error={errors.length > 0}>
        Email me a sign-in link
      </PageHeading>
      <ErrorSummary errors={errors} />
      <Status message={sent} id="link-sent" focusable />
      {sent ? (
        <p>
          Nothing arrived? Check your junk folder, or <Link href={withNext('/email-sign-in', next)} onClick={again}>ask again</Link>. <Link href={withNext('/signin', next)}>Back to sign in</Link>
        </p>
      ) : (
        <>
          <p>Enter the email address of your account. We will email you a link that signs you in without a password. It works once, for 15 minutes, and only in this browser.</p>
          <form onSubmit={submit} noValidate>
            <TextField id="email" label="Email address" type="email" autocomplete="username" spellcheck={false} error={errorFor(errors, 'email')} {...emailField} />
            <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
              {busy ? 'Sending…' : 'Email me a sign-in link'}
            </button>
          </form>
          <p>
            <Link href={withNext('/signin', next)}>Back to sign in</Link>
          </p>
        </>
      )}
    </div>
  );
}

/** The token from the emailed link (`/signin-link#token=…`). */
function tokenFromAddress(): string {
  return new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
}

export function SignInLinkPage({ navigated, onSignedIn }: { navigated: boolean; onSignedIn: (me: SignedIn) => void }) {
  const [token] = useState(tokenFromAddress);
  const [next] = useState(nextOfAddress);
  const [problem, setProblem] = useState(token.length < 16 ? 'This link is not complete. Open the link from the email again, or ask for a new one.' : '');
  // The network or the service failed (not the link refused): the link still works, so the button stays, with Try again.
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A refusal replaces the button pressed with the words saying why: they take focus, so the
  // keyboard goes on from them (to "Ask for a new link"), not from the top of the page.
  const focusLater = useFocusLater();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const input = SignInLinkInput.safeParse({ token });
    if (!input.success) return;
    setBusy(true);
    setFailure(null);
    try {
      const result = await api('/api/auth/email-link/complete', LoginResult, { method: 'POST', body: input.data, quiet401: true });
      replaceAddress('/signin-link'); // the used token leaves the address bar
      onSignedIn({ ...result.user, csrfToken: result.csrfToken });
      navigate(safeNextPath(next, location.origin), { replace: true });
    } catch (err) {
      // Refused for the link itself (used, expired, another browser): said, with a way to ask
      // again. Too many tries from here for now (429): the link still works, so the button
      // stays, with the wait said (SaveFailure), as for the network or the service failing.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429 && err.status !== 408) {
        setProblem(messageOf(err));
        focusLater(() => document.getElementById('signin-link-problem'));
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="narrow">
      <PageHeading title="Sign in with your link" navigated={navigated} error={problem !== ''}>
        Sign in with your link
      </PageHeading>
      {problem ? (
        <div role="alert" class="notice notice-error">
          <p id="signin-link-problem" tabIndex={-1}>
            {problem}
          </p>
          <p>
            <Link href={withNext('/email-sign-in', next)}>Ask for a new link</Link>
          </p>
        </div>
      ) : (
        <form id="signin-link-form" onSubmit={submit}>
          <p>Your link is ready. Continue to sign in to SEND Live Training.</p>
          <SaveFailure error={failure} busy={busy} submitId="signin-link-button" onRetry={() => document.querySelector<HTMLFormElement>('#signin-link-form')?.requestSubmit()} />
          <button type="submit" id="signin-link-button" class="button" aria-disabled={busy ? 'true' : undefined}>
            {busy ? 'Signing in…' : 'Continue and sign in'}
          </button>
        </form>
      )}
    </div>
  );
}
