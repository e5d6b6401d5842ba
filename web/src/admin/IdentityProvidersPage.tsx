/**
 * Administrators: the identity providers people can sign in with (OpenID Connect). Each
 * shows its issuer, client id, whether a client secret is stored (never the secret), the
 * email domains it serves and its organisation claim (with which organisations that may
 * name), with a link to change it (its own page, `/admin/identity-providers/:id`); a form
 * adds one (its discovery document must be readable).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { IdentityProvider } from '../../../shared/accounts.js';
import { api } from '../api.js';
import { Alert, ConfirmButton, Fact, messageOf, PageHeading, PendingHeading, Status, useApp, useFocusLater } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { Link, navigate } from '../router.js';
import { CLAIM_SCOPES, ProviderForm } from './IdentityProviderForm.js';

const Providers = z.object({ items: z.array(IdentityProvider), callbackUrl: z.string() });
type Provider = z.infer<typeof IdentityProvider>;

const LIST = '/admin/identity-providers';
const providerHref = (id: string) => `${LIST}/${encodeURIComponent(id)}`;

export function IdentityProvidersPage() {
  const { loc } = useApp();
  const state = useLoad(() => api('/api/identity-providers', Providers), []);
  // Back from saving a change on a provider's own page (`?saved=` its id): said here, where its new settings show.
  const savedId = loc.query.get('saved');
  const announce = !!savedId && loc.navigated;
  const changed = savedId ? state.data?.items.find((p) => p.id === savedId) : undefined;
  const [said, setSaid] = useState('');
  const [formErrors, setFormErrors] = useState(false);
  // A new form after each provider added: empty again, its rows and searches with it.
  const [formKey, setFormKey] = useState(0);
  const [removing, setRemoving] = useState(false);
  const [removeError, setRemoveError] = useState('');
  const focusLater = useFocusLater();
  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    // Once the providers have come, so the message is there to be read when it takes focus
    // (a live region that comes into the page already holding its text is often not read out).
    if (announce) focusLater(() => (latest.current.data ? document.getElementById('idp-saved') : null), { force: true });
  }, []);

  async function remove(id: string, label: string) {
    if (removing) return;
    setRemoving(true);
    setRemoveError('');
    setSaid('');
    try {
      await api(`/api/identity-providers/${encodeURIComponent(id)}`, z.unknown(), { method: 'DELETE' });
      setSaid(`Removed “${label}”. People who used it can sign in with a link by email.`);
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

  async function added(made: Provider) {
    setSaid(`Added “${made.label}”. It now shows on the sign-in page.`);
    setFormKey((k) => k + 1);
    await state.reload();
    // The form is a new one (the button pressed has gone with the old): the message takes focus.
    focusLater(() => document.getElementById('idp-saved'));
  }

  return (
    <>
      <PageHeading title="Identity providers" navigated={loc.navigated && !announce} error={formErrors}>
        Identity providers
      </PageHeading>
      <Status message={said || (changed ? `Changes to “${changed.label}” saved.` : '')} id="idp-saved" focusable />
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
                    <ProviderFacts p={p} />
                    <p>
                      <Link href={providerHref(p.id)} class="button button-secondary">
                        Edit<span class="visually-hidden"> {p.label}</span>
                      </Link>
                    </p>
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
            <section class="narrow" aria-labelledby="idp-add-heading">
              <h2 id="idp-add-heading">Add an identity provider</h2>
              <ProviderForm key={formKey} provider={null} summaryLevel={3} onSaved={(made) => void added(made)} onErrors={setFormErrors} />
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

/** A provider's settings as they are (never its secret). */
function ProviderFacts({ p }: { p: Provider }) {
  return (
    <dl class="facts">
      <Fact label="Issuer">
        <span class="break">{p.issuer}</span>
      </Fact>
      <Fact label="Client ID">
        <span class="break">{p.clientId}</span>
      </Fact>
      <Fact label="Client secret">{p.hasClientSecret ? 'Stored (encrypted; never shown)' : 'None'}</Fact>
      <Fact label="Email domains">
        {p.orgDomains.length ? (
          <ul class="plain">
            {p.orgDomains.map((d) => (
              <li key={d.domain}>
                <span class="break">{d.domain}</span> → {d.orgName ?? 'unknown organisation'}
              </li>
            ))}
          </ul>
        ) : (
          'None'
        )}
      </Fact>
      <Fact label="Organisation claim">{p.orgClaim ?? 'None'}</Fact>
      {p.orgClaim !== null && <Fact label="The claim may name">{CLAIM_SCOPES.find(([k]) => k === p.orgClaimScope)?.[1]}</Fact>}
      {p.workspaceOnly && <Fact label="Accounts">Google Workspace accounts only: a personal Google account is refused, even with a school email address</Fact>}
    </dl>
  );
}

/**
 * One provider's own page: change its settings (all but the issuer, see
 * UpdateIdentityProviderInput). Saved, it is back to the list, which says so and shows the
 * provider as it now is; people's links to it are kept.
 */
export function EditIdentityProviderPage({ id }: { id: string }) {
  const { loc } = useApp();
  // Read from the list (there are a handful of providers), so a provider removed meanwhile is simply not found.
  const state = useLoad(() => api('/api/identity-providers', Providers), [id]);
  const [formErrors, setFormErrors] = useState(false);
  return (
    <div class="narrow">
      <PendingHeading state={state} title="Edit identity provider" navigated={loc.navigated} />
      <Loaded state={state} what="the identity provider">
        {(data) => {
          const p = data.items.find((x) => x.id === id);
          if (!p)
            return (
              <>
                <PageHeading title="Identity provider not found" navigated={loc.navigated} error>
                  Identity provider not found
                </PageHeading>
                <p role="alert">There is no such identity provider. It may have been removed.</p>
                <p>
                  <Link href={LIST}>All identity providers</Link>
                </p>
              </>
            );
          const title = `Edit: ${p.label}`;
          return (
            <>
              <PageHeading title={title} navigated={loc.navigated} error={formErrors}>
                {title}
              </PageHeading>
              <p class="back">
                <Link href={LIST}>All identity providers</Link>
              </p>
              <dl class="facts">
                <Fact label="Issuer">
                  <span class="break">{p.issuer}</span>
                </Fact>
              </dl>
              <p class="hint">The issuer cannot be changed: people’s links are to their accounts there. For another issuer, add a new identity provider. Changing the rest keeps everyone’s link, so they sign in as before.</p>
              {/* Saved, back to the list (in this page's place in the history), whose message takes focus; Cancel goes back to it as any link does. */}
              <ProviderForm provider={p} cancelHref={LIST} onErrors={setFormErrors} onSaved={(saved) => navigate(`${LIST}?saved=${encodeURIComponent(saved.id)}`, { replace: true })} />
            </>
          );
        }}
      </Loaded>
    </div>
  );
}
