/**
 * The form that adds an identity provider (Identity providers page) and the one that changes
 * it (its own page): the same fields, checked by the same schemas as the server's
 * (CreateIdentityProviderInput, UpdateIdentityProviderInput), except that a change keeps the
 * issuer and may leave the client secret as it is. Email domains are a list of rows, each a
 * domain and its organisation, which rows can be added to and removed from. Beside the
 * organisation claim, which organisations it may name: its own (the default), or any with a
 * URN (a national provider), chosen only here.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { CreateIdentityProviderInput, IdentityProvider, UpdateIdentityProviderInput } from '../../../shared/accounts.js';
import { api, ApiError } from '../api.js';
import { apiIssues, described, ErrorSummary, FieldNotes, messageOf, TextField, errorFor, toFieldErrors, useFocusLater, type FieldError } from '../components.js';
import { OrgSearchPicker } from '../orgs.js';
import { Link, stillHere } from '../router.js';
import { ActionButton, ActionError, useAction } from '../load.js';

type Provider = z.infer<typeof IdentityProvider>;
type Scope = Provider['orgClaimScope'];

/** The choices of which organisations the claim may name, in the words the provider's card uses too. */
export const CLAIM_SCOPES: readonly [Scope, string][] = [
  ['own', 'Only the organisations of its email domains, and the schools of those trusts'],
  ['national', 'Any organisation with a URN (a national provider such as DfE Sign-in)'],
];
const scopeId = (k: Scope) => `idp-scope-${k}`;

/** One email domain row as typed: `key` keeps its fields (and their ids) its own as rows come and go. */
interface DomainRow {
  key: number;
  domain: string;
  orgId: string;
  /** The name of the organisation it was saved with (so its picker need not look it up). */
  orgName?: string;
}

const domainId = (r: DomainRow) => `idp-domain-${r.key}`;
const orgId = (r: DomainRow) => `idp-org-${r.key}`;
const ADD_DOMAIN_ID = 'idp-add-domain';

/** Adding a provider whose issuer address gave no discovery document: what to check. */
export const ISSUER_UNREADABLE =
  'Issuer address: no identity provider answered there. Check that it is the provider’s issuer address, up to and including the tenant (for Microsoft, https://login.microsoftonline.com/ then your tenant ID then /v2.0; for Google, https://accounts.google.com), and that this server can reach it: a firewall or proxy may block it.';

/** Words for the row at `index` (from 0), as its label says them. */
const rowName = (index: number) => `email domain ${index + 1}`;

/**
 * Adds a provider (`provider` null), or changes `provider`. `onSaved` hears what the server
 * answered (not once the person has gone to another page meanwhile); `onErrors` whether the
 * form shows errors (for the page's title, "Error: …"); `cancelHref`, where Cancel goes.
 * `summaryLevel`: the error summary's heading level, one below the heading the form is under.
 */
export function ProviderForm({ provider, onSaved, onErrors, cancelHref, summaryLevel = 2 }: { provider: Provider | null; onSaved: (saved: Provider) => void; onErrors?: (shown: boolean) => void; cancelHref?: string; summaryLevel?: 2 | 3 }) {
  const nextKey = useRef(0);
  const newRow = (d?: Provider['orgDomains'][number]): DomainRow => ({ key: ++nextKey.current, domain: d?.domain ?? '', orgId: d?.orgId ?? '', orgName: d?.orgName ?? undefined });
  const [label, setLabel] = useState(provider?.label ?? '');
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState(provider?.clientId ?? '');
  const [secret, setSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  // A new provider starts with one empty row (left empty, it is not sent); a provider with none starts with none.
  const [rows, setRows] = useState<DomainRow[]>(() => (provider ? provider.orgDomains.map(newRow) : [newRow()]));
  const [claim, setClaim] = useState(provider?.orgClaim ?? '');
  // A new provider's claim speaks only for its own organisations until an administrator says it is a national one.
  const [scope, setScope] = useState<Scope>(provider?.orgClaimScope ?? 'own');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const action = useAction();
  const focusLater = useFocusLater();
  useLayoutEffect(() => onErrors?.(errors.length > 0), [errors]);

  const editing = provider !== null;
  const secretHint = !editing
    ? 'Stored encrypted and never shown again. Leave empty for a public client.'
    : provider.hasClientSecret
      ? 'A secret is stored (encrypted, never shown). Leave this empty to keep it; type a new one to replace it, as when it expires.'
      : 'None is stored (a public client). Leave this empty to keep it so; type one to store it.';

  /** Where the issues of each part of the request go: its field, and its label to say them with. */
  function fieldsFor(sent: DomainRow[]) {
    const fields: Record<string, { id: string; label: string }> = {
      label: { id: 'idp-label', label: 'Button text' },
      issuer: { id: 'idp-issuer', label: 'Issuer address' },
      clientId: { id: 'idp-client-id', label: 'Client ID' },
      clientSecret: { id: 'idp-client-secret', label: editing ? 'New client secret' : 'Client secret' },
      orgClaim: { id: 'idp-claim', label: 'Organisation claim' },
      orgClaimScope: { id: scopeId('own'), label: 'Which organisations may the claim name' },
      orgDomains: { id: rows[0] ? domainId(rows[0]) : ADD_DOMAIN_ID, label: 'Email domains' },
    };
    sent.forEach((r, i) => {
      const n = rows.indexOf(r);
      fields[`orgDomains.${i}.domain`] = { id: domainId(r), label: `Email domain ${n + 1}` };
      fields[`orgDomains.${i}.orgId`] = { id: orgId(r), label: `Organisation for ${rowName(n)}` };
    });
    return fields;
  }

  /** What the rows say, checked as far as a row goes: each with a domain and an organisation, or neither (not sent), each domain once. */
  function checkRows(): { sent: DomainRow[]; found: FieldError[] } {
    const found: FieldError[] = [];
    const sent: DomainRow[] = [];
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const domain = r.domain.trim().toLowerCase();
      if (!domain && !r.orgId) return;
      if (!domain) found.push({ field: domainId(r), message: `Enter ${rowName(i)}, or remove it` });
      else if (seen.has(domain)) found.push({ field: domainId(r), message: `Email domain ${i + 1} is the same as ${rowName(seen.get(domain)!)}: remove one of them` });
      if (domain && !r.orgId) found.push({ field: orgId(r), message: `Choose the organisation for ${rowName(i)}` });
      if (domain && !seen.has(domain)) seen.set(domain, i);
      sent.push(r);
    });
    return { sent, found };
  }

  function submit(e: Event) {
    e.preventDefault();
    if (action.busy) return;
    const { sent, found } = checkRows();
    const fields = fieldsFor(sent);
    const orgDomains = sent.map((r) => ({ domain: r.domain.trim(), orgId: r.orgId }));
    if (removeSecret && secret) found.push({ field: 'idp-client-secret', message: 'New client secret: type a new one, or remove the stored one, not both' });
    const common = { label: label.trim(), clientId: clientId.trim(), orgDomains, orgClaim: claim.trim() || null, orgClaimScope: scope };
    const parsed = editing
      ? UpdateIdentityProviderInput.safeParse({ ...common, ...(removeSecret ? { clientSecret: null } : secret ? { clientSecret: secret } : {}) })
      : CreateIdentityProviderInput.safeParse({ ...common, issuer: issuer.trim(), clientSecret: secret || undefined });
    // The schema's word on a field comes first; the rows' own checks add what it cannot know.
    const all = [...(parsed.success ? [] : toFieldErrors(parsed.error.issues, fields, fields.label!)), ...found];
    // One error a field.
    const unique = all.filter((f, i) => all.findIndex((o) => o.field === f.field) === i);
    setErrors(unique);
    if (unique.length || !parsed.success) return;
    const body = parsed.data;
    void action.run(async () => {
      // Gone elsewhere while it saved (a link followed, Back): the page they went to stays.
      const here = stillHere();
      try {
        const saved = editing
          ? await api(`/api/identity-providers/${encodeURIComponent(provider.id)}`, IdentityProvider, { method: 'PATCH', body })
          : await api('/api/identity-providers', IdentityProvider, { method: 'POST', body });
        if (here()) onSaved(saved);
      } catch (err) {
        // Adding: no discovery document could be read at the issuer typed (422 fetch_failed): said with what to check.
        if (!editing && err instanceof ApiError && err.code === 'fetch_failed') return setErrors([{ field: 'idp-issuer', message: ISSUER_UNREADABLE }]);
        const issues = apiIssues(err).map((i) => (/^orgDomains\.\d+\.orgId$/.test(String(i.path)) ? { ...i, message: 'must be chosen again: the organisation chosen no longer exists' } : i));
        if (issues.length) return setErrors(toFieldErrors(issues, fields, editing ? fields.label! : fields.issuer!));
        // Adding: the discovery document could not be read or used at the issuer typed.
        if (!editing && err instanceof ApiError && err.status >= 400 && err.status < 500) return setErrors([{ field: 'idp-issuer', message: messageOf(err) }]);
        // Changing: an organisation requiring its own sign-in would be left with none, said by
        // what was changed: its email domains, else the claim, else the claim's scope.
        if (editing && err instanceof ApiError && err.status === 409) return setErrors([{ field: strandedBy(body).id, message: messageOf(err) }]);
        throw err;
      }
    });
  }

  /** Which field a change refused for stranding an organisation is about (see submit). */
  function strandedBy(body: { orgDomains?: { domain: string; orgId: string }[]; orgClaim?: string | null; orgClaimScope?: Scope }) {
    const fields = fieldsFor([]);
    const domains = (ds: readonly { domain: string; orgId: string }[]) => JSON.stringify(ds.map((d) => [d.domain.toLowerCase(), d.orgId]));
    if (!provider || domains(body.orgDomains ?? []) !== domains(provider.orgDomains)) return fields.orgDomains!;
    if ((body.orgClaim ?? null) !== provider.orgClaim) return fields.orgClaim!;
    return body.orgClaimScope !== provider.orgClaimScope ? fields.orgClaimScope! : fields.orgDomains!;
  }

  function setRow(key: number, change: Partial<DomainRow>) {
    setRows((now) => now.map((r) => (r.key === key ? { ...r, ...change } : r)));
  }
  function addRow() {
    const row = newRow();
    setRows((now) => [...now, row]);
    focusLater(() => document.getElementById(domainId(row)), { force: true });
  }
  function removeRow(index: number) {
    const left = rows.filter((_, i) => i !== index);
    setRows(left);
    setErrors((now) => now.filter((e) => e.field !== domainId(rows[index]!) && e.field !== orgId(rows[index]!)));
    // Its button has gone: focus goes to the row that takes its place, else the one before, else to adding one.
    const next = left[index] ?? left[index - 1];
    focusLater(() => document.getElementById(next ? domainId(next) : ADD_DOMAIN_ID), { force: true });
  }

  const domainsHint = 'People with an email address at each domain get a staff account in its organisation when they first sign in.';
  const scopeHint =
    'Used only with an organisation claim. A school’s or trust’s own sign-in (Microsoft, Google) should name only its own organisations: its IT staff set the claim, and could otherwise name any school. A claim naming an organisation it may not name is ignored, and the email domain decides.';
  const scopeError = errorFor(errors, scopeId('own'));
  return (
    <form id={editing ? 'idp-edit' : 'idp-add'} onSubmit={submit} noValidate>
      <ErrorSummary errors={errors} level={summaryLevel} />
      <TextField id="idp-label" label="Button text" hint="For example: Sign in with Microsoft" value={label} onInput={(e) => setLabel(e.currentTarget.value)} error={errorFor(errors, 'idp-label')} />
      {!editing && (
        <TextField id="idp-issuer" label="Issuer address" hint="Starts with https://; its discovery document is read from there" type="url" spellcheck={false} value={issuer} onInput={(e) => setIssuer(e.currentTarget.value)} error={errorFor(errors, 'idp-issuer')} />
      )}
      <TextField id="idp-client-id" label="Client ID" spellcheck={false} value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} error={errorFor(errors, 'idp-client-id')} />
      {/* "new-password": a browser must never fill in the administrator's own saved password here, which would replace the provider's secret. */}
      <TextField id="idp-client-secret" label={editing ? 'New client secret' : 'Client secret'} hint={secretHint} type="password" autocomplete="new-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} error={errorFor(errors, 'idp-client-secret')} />
      {editing && provider.hasClientSecret && (
        <div class="field checkbox">
          <input type="checkbox" id="idp-remove-secret" checked={removeSecret} onChange={(e) => setRemoveSecret(e.currentTarget.checked)} />
          <label for="idp-remove-secret">Remove the stored client secret (a public client)</label>
        </div>
      )}
      <fieldset class="field" aria-describedby="idp-domains-hint">
        <legend>Email domains</legend>
        <FieldNotes id="idp-domains" hint={domainsHint} />
        {rows.length === 0 && <p>None: only the organisation claim, if any, places people.</p>}
        <ol class="plain domain-rows">
          {rows.map((r, i) => (
            <li key={r.key} class="domain-row">
              <TextField id={domainId(r)} label={`Email domain ${i + 1}`} hint={i === 0 ? 'Such as school.org.uk' : undefined} spellcheck={false} autocomplete="off" value={r.domain} onInput={(e) => setRow(r.key, { domain: e.currentTarget.value })} error={errorFor(errors, domainId(r))} />
              <OrgSearchPicker
                id={orgId(r)}
                label={`Organisation for ${rowName(i)}`}
                searchLabel={`Find the organisation for ${rowName(i)} by name or URN`}
                noneLabel="None chosen"
                value={r.orgId}
                chosenName={r.orgName}
                onChange={(id) => setRow(r.key, { orgId: id })}
                error={errorFor(errors, orgId(r))}
              />
              <button type="button" class="button button-secondary" onClick={() => removeRow(i)}>
                Remove {rowName(i)}
              </button>
            </li>
          ))}
        </ol>
        <button type="button" id={ADD_DOMAIN_ID} class="button button-secondary" onClick={addRow}>
          {rows.length ? 'Add another email domain' : 'Add an email domain'}
        </button>
      </fieldset>
      <TextField id="idp-claim" label="Organisation claim" hint="Optional: an ID token claim holding the organisation's URN, such as organisation.urn for DfE Sign-in" spellcheck={false} value={claim} onInput={(e) => setClaim(e.currentTarget.value)} error={errorFor(errors, 'idp-claim')} />
      {/* Its error (the server's, say) is read with the group, and marks it, as a field's does. */}
      <fieldset class={scopeError ? 'field field-error' : 'field'} aria-describedby={described(scopeId('own'), scopeHint, scopeError)['aria-describedby']}>
        <legend>Which organisations may the claim name?</legend>
        <FieldNotes id={scopeId('own')} hint={scopeHint} error={scopeError} />
        <div class="radios">
          {CLAIM_SCOPES.map(([k, words]) => (
            <div class="radio" key={k}>
              <input type="radio" id={scopeId(k)} name="idp-claim-scope" value={k} checked={scope === k} onChange={() => setScope(k)} />
              <label for={scopeId(k)}>{words}</label>
            </div>
          ))}
        </div>
      </fieldset>
      {/* Trying again after a failure ends where a first save does (the page's message, or the page it opens). */}
      <ActionError action={action} focusTo={() => document.getElementById('idp-saved')} />
      <div class="actions">
        <ActionButton id={editing ? 'idp-save-button' : 'idp-add-button'} busy={action.busy} busyLabel={editing ? 'Saving…' : 'Checking the provider…'}>
          {editing ? 'Save changes' : 'Add identity provider'}
        </ActionButton>
        {cancelHref && (
          <Link href={cancelHref} class="button button-secondary">
            Cancel
          </Link>
        )}
      </div>
    </form>
  );
}
