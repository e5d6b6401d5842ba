/**
 * Administrators: the identity providers people can sign in with (OpenID Connect). Each
 * shows its issuer, client id, whether a client secret is stored (never the secret) and the
 * email domains it serves; a form adds one (its discovery document must be readable).
 */
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { CreateIdentityProviderInput, IdentityProvider } from '../../../shared/accounts.js';
import { OrgSearchPicker } from '../orgs.js';
import { api, ApiError } from '../api.js';
import { Alert, apiIssues, ConfirmButton, described, Field, ErrorSummary, errorFor, messageOf, PageHeading, Status, TextField, toFieldErrors, useApp, useFocusLater, Fact, type FieldError } from '../components.js';
import { Loaded, SaveFailure, useLoad } from '../load.js';

const Providers = z.object({ items: z.array(IdentityProvider), callbackUrl: z.string() });

const FIELDS = {
  label: { id: 'idp-label', label: 'Button text' },
  issuer: { id: 'idp-issuer', label: 'Issuer address' },
  clientId: { id: 'idp-client-id', label: 'Client ID' },
  clientSecret: { id: 'idp-client-secret', label: 'Client secret' },
  orgDomains: { id: 'idp-domain', label: 'Email domain' },
  orgClaim: { id: 'idp-claim', label: 'Organisation claim' },
};

export function IdentityProvidersPage() {
  const { loc } = useApp();
  const state = useLoad(() => api('/api/identity-providers', Providers), []);
  const [domainOrg, setDomainOrg] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  /** A save that failed for a reason about no field (this service unreachable or failing): said above the button, with Try again. */
  const [failure, setFailure] = useState<unknown>(null);
  const [removing, setRemoving] = useState(false);
  const [removeError, setRemoveError] = useState('');
  const focusLater = useFocusLater();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const get = (k: string) => String(form.get(k) ?? '').trim();
    const domain = get('idp-domain');
    const orgId = domainOrg;
    const found: FieldError[] = [];
    if (domain && !orgId) found.push({ field: 'idp-org', message: 'Choose the organisation for this email domain' });
    const input = CreateIdentityProviderInput.safeParse({
      label: get('idp-label'),
      issuer: get('idp-issuer'),
      clientId: get('idp-client-id'),
      clientSecret: get('idp-client-secret') || undefined,
      orgDomains: domain ? [{ domain, orgId: orgId || 'none' }] : [],
      orgClaim: get('idp-claim') || null,
    });
    if (!input.success) found.unshift(...toFieldErrors(input.error.issues.map((i) => ({ ...i, path: [String(i.path[0])] })), FIELDS, FIELDS.label));
    setErrors(found);
    setSaved('');
    setFailure(null);
    if (found.length || !input.success) return;
    setBusy(true);
    try {
      const made = await api('/api/identity-providers', IdentityProvider, { method: 'POST', body: input.data });
      formEl.reset();
      setDomainOrg('');
      setSaved(`Added “${made.label}”. It now shows on the sign-in page.`);
      await state.reload();
    } catch (err) {
      if (apiIssues(err).length) setErrors(toFieldErrors(apiIssues(err).map((i) => ({ ...i, path: String(i.path).split('.')[0] ?? '' })), FIELDS, FIELDS.issuer));
      // The provider's discovery document could not be read or used: about the issuer.
      else if (err instanceof ApiError && err.status >= 400 && err.status < 500) setErrors([{ field: 'idp-issuer', message: messageOf(err) }]);
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string, label: string) {
    if (removing) return;
    setRemoving(true);
    setRemoveError('');
    setSaved('');
    try {
      await api(`/api/identity-providers/${id}`, z.unknown(), { method: 'DELETE' });
      setSaved(`Removed “${label}”. People who used it can sign in with a link by email.`);
      await state.reload();
      // Its card (and the button pressed) has gone: the message saying so takes focus.
      focusLater(() => document.getElementById('idp-saved'));
    } catch (err) {
      // A failure is an error (announced at once), never in the green "done" message.
      setRemoveError(`“${label}” was not removed. ${messageOf(err)}`);
    } finally {
      setRemoving(false);
    }
  }

  return (
    <>
      <PageHeading title="Identity providers" navigated={loc.navigated} error={errors.length > 0}>
        Identity providers
      </PageHeading>
      <Status message={saved} id="idp-saved" focusable />
      <Alert message={removeError} />
      <Loaded state={state} what="identity providers">
        {(data) => (
          <>
            <p>
              Register this redirect address at each provider: <code class="break">{data.callbackUrl}</code>
            </p>
            {data.items.length === 0 ? (
              <p>No identity providers yet: people sign in with a password or a link by email.</p>
            ) : (
              <ul class="plain">
                {data.items.map((p) => (
                  <li key={p.id} class="card">
                    <h2>{p.label}</h2>
                    <dl class="facts">
                      <Fact label="Issuer"><span class="break">{p.issuer}</span></Fact>
                      <Fact label="Client ID"><span class="break">{p.clientId}</span></Fact>
                      <Fact label="Client secret">{p.hasClientSecret ? 'Stored (encrypted; never shown)' : 'None'}</Fact>
                      <Fact label="Email domains">{p.orgDomains.length ? p.orgDomains.map((d) => `${d.domain} → ${d.orgName ?? 'unknown organisation'}`).join('; ') : 'None'}</Fact>
                      <Fact label="Organisation claim">{p.orgClaim ?? 'None'}</Fact>
                      {p.workspaceOnly && <Fact label="Accounts">Google Workspace accounts only: a personal Google account is refused, even with a school email address</Fact>}
                    </dl>
                    <ConfirmButton
                      label={`Remove ${p.label}`}
                      question={`Remove “${p.label}”? Its button goes from the sign-in page, and people who used it sign in with a link by email instead.`}
                      confirmLabel="Yes, remove it"
                      keepLabel="No, keep it"
                      busy={removing}
                      onConfirm={() => void remove(p.id, p.label)}
                    />
                  </li>
                ))}
              </ul>
            )}
            <h2>Add an identity provider</h2>
            <ErrorSummary errors={errors} />
            <form id="idp-add" onSubmit={submit} noValidate class="narrow">
              <TextField id="idp-label" label="Button text" hint="For example: Sign in with Microsoft" error={errorFor(errors, 'idp-label')} />
              <TextField id="idp-issuer" label="Issuer address" hint="Starts with https://; its discovery document is read from there" type="url" spellcheck={false} error={errorFor(errors, 'idp-issuer')} />
              <TextField id="idp-client-id" label="Client ID" spellcheck={false} error={errorFor(errors, 'idp-client-id')} />
              <TextField id="idp-client-secret" label="Client secret" hint="Stored encrypted and never shown again. Leave empty for a public client." type="password" autocomplete="off" error={errorFor(errors, 'idp-client-secret')} />
              <TextField id="idp-domain" label="Email domain" hint="People with this email domain get a staff account in the organisation below" spellcheck={false} error={errorFor(errors, 'idp-domain')} />
              <OrgSearchPicker id="idp-org" label="Organisation for that email domain" noneLabel="None" value={domainOrg} onChange={setDomainOrg} error={errorFor(errors, 'idp-org')} />
              <TextField id="idp-claim" label="Organisation claim" hint="Optional: an ID token claim holding the organisation's URN, such as organisation.urn for DfE Sign-in" spellcheck={false} error={errorFor(errors, 'idp-claim')} />
              <SaveFailure error={failure} busy={busy} onRetry={() => document.querySelector<HTMLFormElement>('#idp-add')?.requestSubmit()} submitId="idp-add-button" />
              <button type="submit" id="idp-add-button" class="button" aria-disabled={busy ? 'true' : undefined}>
                {busy ? 'Checking the provider…' : 'Add identity provider'}
              </button>
            </form>
          </>
        )}
      </Loaded>
    </>
  );
}
