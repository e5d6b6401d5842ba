/**
 * Choosing an organisation: a searchable picker for administrators (any organisation), and
 * the school picker of office staff who book for more than one (a trust's office books for
 * every school of its trust; the server decides which: GET /api/orgs).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { Organisation } from '../../shared/accounts.js';
import { api } from './api.js';
import { described, FieldNotes, PageHeading, useApp, type MeValue } from './components.js';
import { Loaded, useLoad } from './load.js';
import { navigate } from './router.js';

export type Org = z.infer<typeof Organisation>;
const Orgs = z.object({ items: z.array(Organisation) });

/** Every organisation the signed-in person may see (office staff: those they book for, their own first). */
export function useOrgs(enabled = true) {
  return useLoad(async () => (enabled ? (await api('/api/orgs', Orgs)).items : []), [enabled]);
}

/** Organisations whose name holds `q` (any case) or whose URN is `q`, as `GET /api/orgs?q=` finds them; all without `q`. */
export function orgsMatching(orgs: Org[], q: string): Org[] {
  const needle = q.trim().toLowerCase();
  return needle ? orgs.filter((o) => o.name.toLowerCase().includes(needle) || o.urn === q.trim()) : orgs;
}

/** How many options a picker lists at once; the search narrows the rest. */
const SHOWN = 50;

/**
 * A select of organisations with a search box above it that narrows the list by name or URN,
 * so a list of thousands of schools stays usable by keyboard and screen reader.
 */
export function OrgSearchPicker({ id, label, orgs, value, onChange, error, hint, noneLabel = 'Choose an organisation' }: { id: string; label: string; orgs: Org[]; value: string; onChange: (orgId: string) => void; error?: string; hint?: string; noneLabel?: string }) {
  const [text, setText] = useState('');
  const matching = orgsMatching(orgs, text);
  const shown = matching.slice(0, SHOWN);
  const chosen = orgs.find((o) => o.id === value);
  if (chosen && !shown.includes(chosen)) shown.unshift(chosen);
  const countId = `${id}-count`;
  return (
    <div class={error ? 'field field-error org-picker' : 'field org-picker'}>
      <div class="field">
        <label for={`${id}-search`}>Find {label.toLowerCase()} by name or URN</label>
        <input
          id={`${id}-search`}
          type="search"
          spellcheck={false}
          value={text}
          aria-describedby={countId}
          onInput={(e) => {
            const next = (e.currentTarget as HTMLInputElement).value;
            setText(next);
            // One match: choose it, so typing a URN is enough.
            const only = next.trim() ? orgsMatching(orgs, next) : [];
            if (only.length === 1) onChange(only[0]!.id);
          }}
        />
        <p class="hint" id={countId} aria-live="polite">
          {matching.length === 0 ? 'No organisation matches.' : matching.length === 1 ? '1 organisation matches.' : matching.length > SHOWN ? `${matching.length} match; the first ${SHOWN} are listed. Type more to narrow them.` : `${matching.length} organisations match.`}
        </p>
      </div>
      <label for={id}>{label}</label>
      <FieldNotes id={id} hint={hint} error={error} />
      <select id={id} value={value} {...described(id, hint, error)} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{noneLabel}</option>
        {shown.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
            {o.urn ? ` (URN ${o.urn})` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Office staff who book for several organisations choose one; with a single one there is nothing to choose. */
export function SchoolSelect({ id, orgs, value, onChange, label = 'School' }: { id: string; orgs: Org[]; value: string; onChange: (orgId: string) => void; label?: string }) {
  if (orgs.length < 2) return null;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The organisation an office page works on: `?org=` if the person books for it, else their own. */
export function officeOrgOf(me: MeValue, orgs: Org[] | undefined, wanted: string | null): string | null {
  if (wanted && (me.role === 'admin' || orgs?.some((o) => o.id === wanted))) return wanted;
  return me.orgId;
}

/**
 * A page about one organisation: the person's own, or (`?org=`) another they book for (a
 * trust's office chooses one of its schools). While the organisations load, and when the
 * person belongs to none, the page already has its heading, so it is never a page without
 * one (every move within these pages loads them again).
 */
export function OfficeOrgGate({ title, children }: { title: string; children: (orgId: string, orgs: Org[]) => ComponentChildren }) {
  const { me, loc } = useApp();
  const orgs = useOrgs();
  const orgId = orgs.data ? officeOrgOf(me, orgs.data, loc.query.get('org')) : null;
  if (orgs.data && orgId) return <>{children(orgId, orgs.data)}</>;
  // An administrator (who belongs to no organisation) chooses which one the page is about.
  const choosing = me.role === 'admin' && !!orgs.data;
  return (
    <>
      <PageHeading title={title} navigated={loc.navigated} error={(!!orgs.data && !choosing) || !!orgs.error}>
        {title}
      </PageHeading>
      {choosing ? (
        <>
          <p>Choose the organisation whose staff this page is about.</p>
          <AdminOrgForm id="office-org" orgs={orgs.data!} value="" onChoose={(id) => navigate(`${loc.path}?org=${encodeURIComponent(id)}`)} />
        </>
      ) : orgs.data ? (
        <p role="alert">Your account does not belong to an organisation.</p>
      ) : (
        <Loaded state={orgs} what="your organisations">
          {() => null}
        </Loaded>
      )}
    </>
  );
}

/**
 * An administrator's choice of the organisation a page is about: any of them, found by name
 * or URN, then "Show". Choosing nothing says so beside the field.
 */
function AdminOrgForm({ id, orgs, value, onChoose }: { id: string; orgs: Org[]; value: string; onChoose: (orgId: string) => void }) {
  const [chosen, setChosen] = useState(value);
  const [error, setError] = useState('');
  return (
    <form
      class="filters"
      aria-label="Choose the organisation"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) {
          setError('Organisation: choose one');
          document.getElementById(id)?.focus();
          return;
        }
        setError('');
        if (chosen !== value) onChoose(chosen);
      }}
    >
      <OrgSearchPicker id={id} label="Organisation" orgs={orgs} value={chosen} onChange={(v) => { setChosen(v); setError(''); }} error={error || undefined} />
      <div class="field field-action">
        <button type="submit" class="button button-secondary">
          Show
        </button>
      </div>
    </form>
  );
}

/**
 * The school picker of a page about one organisation (office staff who book for several):
 * a select and a "Show" button, so moving through the options does not reload the page.
 */
export function SchoolForm({ id, orgs, value, onChoose, label = 'School' }: { id: string; orgs: Org[]; value: string; onChoose: (orgId: string) => void; label?: string }) {
  const { me } = useApp();
  // An administrator may look at any organisation: found by name, as there may be thousands.
  if (me.role === 'admin') return <AdminOrgForm key={value} id={id} orgs={orgs} value={value} onChoose={onChoose} />;
  if (orgs.length < 2) return null;
  return (
    <form
      class="filters"
      aria-label={`Choose the ${label.toLowerCase()}`}
      onSubmit={(e) => {
        e.preventDefault();
        const chosen = String(new FormData(e.currentTarget as HTMLFormElement).get(id) ?? '');
        if (chosen) onChoose(chosen);
      }}
    >
      <div class="field">
        <label for={id}>{label}</label>
        {/* Uncontrolled (moving through the options does not navigate); remade when the page's organisation changes. Preact writes defaultValue as an attribute a select ignores, so the option is marked instead. */}
        <select id={id} name={id} key={value}>
          {orgs.map((o) => (
            <option key={o.id} value={o.id} selected={o.id === value}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field field-action">
        <button type="submit" class="button button-secondary">
          Show
        </button>
      </div>
    </form>
  );
}
