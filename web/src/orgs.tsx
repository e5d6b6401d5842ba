/**
 * Choosing an organisation: a searchable picker for administrators (any organisation), and
 * the school picker of office staff who book for more than one (a trust's office books for
 * every school of its trust; the server decides which: GET /api/orgs).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { Organisation, OrgPage, type OrgKind } from '../../shared/accounts.js';
import { api } from './api.js';
import { described, FieldNotes, PageHeading, useApp, useFocusLater, type MeValue } from './components.js';
import { Loaded, Retry, useLoad } from './load.js';
import { navigate } from './router.js';

export type Org = z.infer<typeof Organisation>;

/** How many organisations an office person's own lists read at once (a trust's schools; more are found by searching). */
export const OWN_ORGS_LISTED = 200;

/**
 * The organisations an office person books for (their own first) or, for anyone else, their
 * own: at most OWN_ORGS_LISTED of them. Administrators and trainers, who may see every
 * organisation in the country, find one with OrgSearchPicker instead.
 */
export function useOrgs(enabled = true, wanted: string | null = null) {
  return useLoad(async () => (enabled ? await ownOrgs(wanted) : []), [enabled, wanted]);
}

/**
 * Said where a page would offer a choice of its office's organisations when they did not load
 * (nothing, while they load or once they have): only its own organisation is offered
 * meanwhile, and Try again asks again.
 */
export function OrgsNotLoaded({ orgs }: { orgs: { error?: unknown; loading: boolean; reload: () => Promise<void> } }) {
  if (!orgs.error) return null;
  return (
    <div class="panel">
      <p>The schools you act for could not be loaded, so only your own is offered for now.</p>
      <Retry error={orgs.error} onRetry={() => void orgs.reload()} busy={orgs.loading} />
    </div>
  );
}

/**
 * The organisations a page about one of them (`wanted`, its `?org=`) offers: an office
 * person's own (see ownOrgs); for an administrator, who may choose any (found by searching),
 * only the one asked for, read by itself for its name.
 */
export async function orgsForPage(me: Pick<MeValue, 'role'>, wanted: string | null): Promise<Org[]> {
  if (me.role !== 'admin') return ownOrgs(wanted);
  return wanted ? [await api(`/api/orgs/${encodeURIComponent(wanted)}`, Organisation)] : [];
}

/**
 * See useOrgs. `wanted` (a page's `?org=`), when past the first OWN_ORGS_LISTED (a large
 * local authority's schools), is read by id and added: the server answers only if the person
 * may see it, so a page is never about an organisation they do not book for.
 */
export async function ownOrgs(wanted: string | null = null): Promise<Org[]> {
  const page = await api(`/api/orgs?limit=${OWN_ORGS_LISTED}`, OrgPage);
  if (!wanted || !page.hasMore || page.items.some((o) => o.id === wanted)) return page.items;
  const one = await api(`/api/orgs/${encodeURIComponent(wanted)}`, Organisation).catch(() => null);
  return one ? [...page.items, one] : page.items;
}

/** One page of organisations a picker may offer, and how many match in all. */
export type OrgFinder = (q: string, limit: number) => Promise<{ items: { id: string; name: string; urn: string | null }[]; total: number }>;

/** `GET /api/orgs` (of these kinds), by name, or the URN itself. */
export const findOrgs =
  (kinds?: readonly OrgKind[]): OrgFinder =>
  (q, limit) =>
    api(`/api/orgs?${new URLSearchParams({ limit: String(limit), ...(q ? { q } : {}), ...(kinds?.length ? { kind: kinds.join(',') } : {}) })}`, OrgPage);

/** How many options a picker lists at once; the search narrows the rest. */
const SHOWN = 50;
/** How long typing pauses before the search is asked (ms). */
const SEARCH_PAUSE_MS = 250;

/**
 * A select of organisations with a search box above it that narrows the list by name or URN,
 * so a list of thousands of schools stays usable by keyboard and screen reader. The server
 * does the finding (`find`; every organisation the person may see unless given), 50 at a time:
 * no page reads every organisation. `chosenName` names the organisation already chosen
 * (`value`) before any search; without it the picker asks for it.
 */
export function OrgSearchPicker({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  noneLabel = 'Choose an organisation',
  kinds,
  find,
  chosenName,
  searchLabel = `Find ${label.toLowerCase()} by name or URN`,
}: {
  id: string;
  label: string;
  value: string;
  /** The organisation chosen, and its name ('' for none). */
  onChange: (orgId: string, name: string) => void;
  error?: string;
  hint?: string;
  noneLabel?: string;
  kinds?: readonly OrgKind[];
  find?: OrgFinder;
  chosenName?: string;
  /** The search field's label ("Find organisation by name or URN" unless given). */
  searchLabel?: string;
}) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === q) return;
    // Clearing the search is one deliberate act, not typing: the whole list comes back at once.
    const timer = setTimeout(() => setQ(trimmed), trimmed ? SEARCH_PAUSE_MS : 0);
    return () => clearTimeout(timer);
  }, [text]);
  const finder = find ?? findOrgs(kinds);
  const found = useLoad(async () => ({ q, ...(await finder(q, SHOWN)) }), [q, kinds?.join(',') ?? '']);
  // Names of organisations seen, so the chosen one stays an option while others are searched for.
  const known = useRef(new Map<string, { name: string; urn: string | null }>());
  for (const o of found.data?.items ?? []) known.current.set(o.id, o);
  if (value && chosenName && !known.current.has(value)) known.current.set(value, { name: chosenName, urn: null });
  const unnamed = value && !known.current.has(value) && !find ? value : '';
  const chosen = useLoad(async () => (unnamed ? await api(`/api/orgs/${encodeURIComponent(unnamed)}`, Organisation) : null), [unnamed]);
  if (chosen.data && !known.current.has(chosen.data.id)) known.current.set(chosen.data.id, chosen.data);
  const choose = (orgId: string) => onChange(orgId, known.current.get(orgId)?.name ?? '');
  // One match: choose it, so typing a URN is enough.
  const onlyMatch = found.data && found.data.q && found.data.total === 1 ? found.data.items[0]!.id : '';
  useEffect(() => {
    if (onlyMatch && onlyMatch !== value) choose(onlyMatch);
  }, [onlyMatch]);
  const shown = (found.data?.items ?? []).map((o) => o.id);
  if (value && !shown.includes(value) && known.current.has(value)) shown.unshift(value);
  const countId = `${id}-count`;
  return (
    <div class={error ? 'field field-error org-picker' : 'field org-picker'}>
      <div class="field">
        <label for={`${id}-search`}>{searchLabel}</label>
        {/* Enter searches now (no pause); it never sends the form this picker sits in (publishing a session, adding an organisation). */}
        <input
          id={`${id}-search`}
          type="search"
          spellcheck={false}
          value={text}
          aria-describedby={countId}
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            setQ((e.currentTarget as HTMLInputElement).value.trim());
          }}
        />
        <p class="hint" id={countId} aria-live="polite">
          {found.error ? 'The organisations could not be loaded.' : found.data ? countWords(found.data.q, found.data.total) : 'Loading the organisations…'}
        </p>
        {/* A failed search is said with Try again, also when an earlier one's matches are still listed. */}
        {found.error ? <Retry error={found.error} onRetry={() => void found.reload()} busy={found.loading} /> : null}
      </div>
      <label for={id}>{label}</label>
      <FieldNotes id={id} hint={hint} error={error} />
      <select id={id} value={value} {...described(id, hint, error)} onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{noneLabel}</option>
        {shown.map((orgId) => {
          const o = known.current.get(orgId)!;
          return (
            <option key={orgId} value={orgId}>
              {o.name}
              {o.urn ? ` (URN ${o.urn})` : ''}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/**
 * What a picker's search found, naming the search it answers: until the next search lands
 * (the typing pause, then the server), it still describes the last one, not the box as it is.
 */
function countWords(q: string, total: number): string {
  if (!q) {
    // Nothing searched for (or the search cleared): nothing to match, only a list to choose from.
    if (total === 0) return 'There are no organisations to choose from.';
    if (total > SHOWN) return `${total.toLocaleString('en-GB')} to choose from; the first ${SHOWN} are listed. Type to narrow them.`;
    return total === 1 ? '1 organisation to choose from.' : `${total} organisations to choose from.`;
  }
  const search = `“${q}”`;
  if (total === 0) return `No organisation matches ${search}.`;
  if (total > SHOWN) return `${total.toLocaleString('en-GB')} match ${search}; the first ${SHOWN} are listed. Type more to narrow them.`;
  return total === 1 ? `1 organisation matches ${search}.` : `${total} organisations match ${search}.`;
}

/**
 * Office staff who book for several organisations choose one; with a single one there is
 * nothing to choose. `placeholder`: the first option, of none chosen yet (value ''), where
 * the choice is to be made before anything is shown.
 */
export function SchoolSelect({ id, orgs, value, onChange, label = 'School', placeholder }: { id: string; orgs: Org[]; value: string; onChange: (orgId: string) => void; label?: string; placeholder?: string }) {
  if (orgs.length < 2) return null;
  // More than a list can hold (a large local authority's schools): found by searching.
  if (orgs.length >= OWN_ORGS_LISTED) return <OrgSearchPicker id={id} label={label} value={value} onChange={onChange} chosenName={orgs.find((o) => o.id === value)?.name} {...(placeholder ? { noneLabel: placeholder } : {})} />;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Whose staff an office page is about: "the staff of Ash Primary" when the person books for several (an administrator: any), else "your organisation’s staff". */
export function staffWords(me: MeValue, orgs: Org[], orgId: string): string {
  return orgs.length > 1 || me.role === 'admin' ? `the staff of ${orgs.find((o) => o.id === orgId)?.name ?? 'this organisation'}` : 'your organisation’s staff';
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
  const wanted = loc.query.get('org');
  const orgs = useLoad(() => orgsForPage(me, wanted), [me.role, wanted]);
  const orgId = orgs.data ? officeOrgOf(me, orgs.data, wanted) : null;
  const [choiceError, setChoiceError] = useState(false);
  if (orgs.data && orgId) return <>{children(orgId, orgs.data)}</>;
  // An administrator (who belongs to no organisation) chooses which one the page is about.
  const choosing = me.role === 'admin' && !!orgs.data;
  // After a navigation (an organisation chosen, say) this heading takes focus only once the
  // organisations have come and it stays: while they load, the page about the organisation
  // is still to come, and its own heading takes focus when it is drawn. Taken at once, focus
  // went to this heading, then fell to nothing as it went, then came to that one.
  const ready = !!orgs.data || !!orgs.error;
  return (
    <>
      <PageHeading key={ready ? 'ready' : 'loading'} title={title} navigated={loc.navigated && ready} error={(!!orgs.data && !choosing) || !!orgs.error || (choosing && choiceError)}>
        {title}
      </PageHeading>
      {choosing ? (
        <>
          <p>Choose the organisation whose staff this page is about.</p>
          <OrgChoiceForm id="office-org" value="" onChoose={(id) => navigate(`${loc.path}?org=${encodeURIComponent(id)}`)} onErrors={setChoiceError} />
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
 * The choice of the organisation a page is about, found by name or URN, then "Show": any of
 * them for an administrator, those they book for to office staff with more than a list holds.
 * Choosing nothing says so beside the field; `onErrors` hears whether it does, for the page's
 * PageHeading `error` (its title then starts "Error: ", as every form's errors make it).
 */
function OrgChoiceForm({ id, value, chosenName, onChoose, onErrors }: { id: string; value: string; chosenName?: string; onChoose: (orgId: string) => void; onErrors?: (shown: boolean) => void }) {
  const [chosen, setChosen] = useState(value);
  const [error, setError] = useState('');
  const focusLater = useFocusLater();
  useLayoutEffect(() => onErrors?.(error !== ''), [error]);
  return (
    <form
      class="filters"
      aria-label="Choose the organisation"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) {
          setError('Organisation: choose one');
          // Once the error is drawn, so the field is read with it (invalid, described by it).
          focusLater(() => document.getElementById(id), { force: true });
          return;
        }
        setError('');
        if (chosen !== value) onChoose(chosen);
      }}
    >
      <OrgSearchPicker id={id} label="Organisation" value={chosen} chosenName={chosenName} onChange={(v) => { setChosen(v); setError(''); }} error={error || undefined} />
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
 * `onErrors`: whether it shows an error (see OrgChoiceForm), for the page's PageHeading `error`.
 */
export function SchoolForm({ id, orgs, value, onChoose, label = 'School', onErrors }: { id: string; orgs: Org[]; value: string; onChoose: (orgId: string) => void; label?: string; onErrors?: (shown: boolean) => void }) {
  const { me } = useApp();
  // An administrator may look at any organisation: found by name, as there may be thousands
  // (and so may office staff whose schools are more than a list holds).
  if (me.role === 'admin' || orgs.length >= OWN_ORGS_LISTED) return <OrgChoiceForm key={value} id={id} value={value} chosenName={orgs.find((o) => o.id === value)?.name} onChoose={onChoose} onErrors={onErrors} />;
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
