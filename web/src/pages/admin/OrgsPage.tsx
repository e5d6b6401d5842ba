import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { CreateOrgInput, Organisation, OrgChanged, OrgKind, OrgPage as OrgPageOf, PARENT_KINDS, UpdateOrgInput } from '../../../../shared/accounts.js';
import { api, ApiError } from '../../api.js';
import { apiIssues, AskBeforeSaving, ConflictSummary, described, ErrorSummary, Field, FieldNotes, errorFor, lengthHint, messageOf, PageHeading, Status, TextField, TimeZoneList, toFieldErrors, tooLongError, useApp, useFocusLater, type FieldError, PendingHeading } from '../../components.js';
import { Loaded, SaveFailure, useLoad } from '../../load.js';
import { Link, navigate, stillHere } from '../../router.js';
import { counted, formatLongDay } from '../../format.js';
import { ListSearch, Pagination, pageCountText } from '../../pagination.js';
import { OrgSearchPicker } from '../../orgs.js';
import { LeadsPanel } from './LeadsPanel.js';

type Org = z.infer<typeof Organisation>;

export const KIND_LABEL: Record<z.infer<typeof OrgKind>, string> = { school: 'School', college: 'College', nursery: 'Nursery', trust: 'Trust', local_authority: 'Local authority' };

const FIELDS = {
  name: { id: 'org-name', label: 'Name' },
  kind: { id: 'org-kind', label: 'Kind' },
  urn: { id: 'org-urn', label: 'URN' },
  parentId: { id: 'org-parent', label: 'Part of' },
  timeZone: { id: 'org-tz', label: 'Time zone' },
  'settings.weekAStart': { id: 'org-week-a', label: 'Week A starts on' },
  'settings.travelBufferMinutes': { id: 'org-buffer', label: 'Travel time around in-person sessions' },
  'settings.ssoRequired': { id: 'org-sso', label: 'Staff must sign in with their school account' },
};

/** The longest organisation name, in characters: the service's schema's own (a pasted name is refused with a word, not cut short). */
const MAX_NAME_CHARS = CreateOrgInput.shape.name.in.maxLength!;

/** The time zone field's hint (its suggestions: TimeZoneList, as the session form's). */
const TIME_ZONE_HINT = 'Written as region and city, such as Europe/London: choose one from the list, or type another.';

/** How many organisations the list shows a page. */
const PAGE = 50;

/** The list's address: `/admin/orgs`, with `q` and `page` when given. */
function listHref(q: string, page = 1) {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (page > 1) p.set('page', String(page));
  return p.size ? `/admin/orgs?${p}` : '/admin/orgs';
}


/**
 * Administrators: every organisation, by name, 50 a page; search by name or URN (kept in the
 * address, `?q=&page=`); create. Only the page in view is read (`GET /api/orgs?limit=&offset=`,
 * with `q`): there may be tens of thousands of organisations. Each names its trust or local
 * authority (`parentName`).
 */
export function OrgsPage() {
  const { loc } = useApp();
  const q = (loc.query.get('q') ?? '').trim();
  const page = Math.max(1, Number.parseInt(loc.query.get('page') ?? '1', 10) || 1);
  // The search and page travel with their answer: while the next loads, the count and the
  // list still describe the page in view.
  const state = useLoad(async () => {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String((page - 1) * PAGE) });
    if (q) params.set('q', q);
    return { q, page, ...(await api(`/api/orgs?${params}`, OrgPageOf)) };
  }, [q, page]);
  const shownQ = state.data?.q ?? q;
  const shownPage = state.data?.page ?? page;
  const total = state.data?.total ?? 0;
  const shown = state.data?.items ?? [];
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const matching = shownQ ? ` matching “${shownQ}”` : '';
  const count = !state.data ? '' : pageCountText({ page: shownPage, perPage: PAGE, shown: shown.length, total, q: shownQ, of: (n) => counted(n, 'organisation'), none: (q) => (q ? `No organisation matches “${q}”.` : 'No organisations yet.') });
  return (
    <>
      <PageHeading title={page > 1 ? `Organisations, page ${page}` : 'Organisations'} navigated={loc.navigated}>
        Organisations
      </PageHeading>
      {/* The page is kept while its pages turn and its searches change the address (its route is keyed by path). */}
      <ListSearch id="org-search" label="Name or URN" value={q} onSearch={(text) => navigate(listHref(text))} />
      {/* In the page before the list loads, so the count is read out when it arrives; turning a page focuses it. */}
      <p role="status" class="count" id="orgs-count" tabIndex={-1}>
        {count}
      </p>
      <Loaded state={state} what="organisations">
        {(found) => (
          <>
            {found.items.length > 0 && (
              <table class="stack">
                <caption class="visually-hidden">Organisations{matching}, by name</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">URN</th>
                    <th scope="col">Part of</th>
                  </tr>
                </thead>
                <tbody>
                  {found.items.map((o) => (
                    <tr key={o.id}>
                      <th scope="row" data-label="Name">
                        <Link href={`/admin/orgs/${encodeURIComponent(o.id)}`}>{o.name}</Link>
                      </th>
                      <td data-label="Kind">{KIND_LABEL[o.kind ?? 'school']}</td>
                      <td data-label="URN">{o.urn ?? 'None'}</td>
                      <td data-label="Part of">{o.parentName ?? 'None'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Pagination label="Pages of organisations" page={found.page} pages={pages} href={(n) => listHref(found.q, n)} resultsId="orgs-count" />
            <section class="panel narrow" aria-labelledby="new-org">
              <h2 id="new-org">Add an organisation</h2>
              <OrgForm org={null} onSaved={(o) => navigate(`/admin/orgs/${encodeURIComponent(o.id)}?saved=1`)} />
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

/**
 * One organisation, or null when there is none by that id: `GET /api/orgs/{id}`, and whether
 * any sit under it (one `GET /api/orgs?parent=&limit=1`, its `total`), for the in-house leads.
 */
async function loadOrg(id: string): Promise<{ org: Org | null; hasSchools: boolean }> {
  const [org, under] = await Promise.all([
    api(`/api/orgs/${encodeURIComponent(id)}`, Organisation).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
    api(`/api/orgs?${new URLSearchParams({ parent: id, limit: '1' })}`, OrgPageOf),
  ]);
  return { org, hasSchools: under.total > 0 };
}

/** One organisation: change its name, kind, URN, parent and settings. */
export function OrgPage({ id }: { id: string }) {
  const { loc } = useApp();
  const state = useLoad(() => loadOrg(id), [id]);
  /** After a save refused because someone else changed the organisation meanwhile: the form as it is to open again (see OrgForm `carried`; a save opens the page afresh). */
  const [carried, setCarried] = useState<Carried | null>(null);
  /** Raised with each such refusal: the form opens afresh on it even when the organisation reads as before. */
  const [refusals, setRefusals] = useState(0);
  const saved = Boolean(loc.query.get('saved'));
  // Arriving from a save (adding the organisation, or saving changes: either opens this page
  // afresh), the page opens on the message saying so once the organisation has loaded, as
  // other pages focus their message after an action: a live region that comes into the page
  // already holding its text is often not read out, and focus on the heading would pass it by.
  const announce = saved && loc.navigated;
  const focusLater = useFocusLater();
  useEffect(() => {
    if (announce) focusLater(() => document.getElementById('org-saved-status'), { force: true });
  }, []);
  return (
    <div class="narrow">
      <PendingHeading state={state} title="Organisation" navigated={loc.navigated} />
      <Loaded state={state} what="the organisation">
        {({ org, hasSchools }) => {
          if (!org)
            return (
              <>
                <PageHeading title="Organisation not found" navigated={loc.navigated} error>
                  Organisation not found
                </PageHeading>
                <p role="alert">There is no such organisation.</p>
              </>
            );
          return (
            <>
              <PageHeading title={org.name} navigated={loc.navigated && !announce}>
                {org.name}
              </PageHeading>
              <p class="back">
                <Link href="/admin/orgs">All organisations</Link>
              </p>
              <p>
                <Link href={`/admin/people?${new URLSearchParams({ orgId: org.id })}`}>People at {org.name}</Link>
              </p>
              {/* A save refused since the page opened on an earlier one's message: that message no longer holds. */}
              <Status message={saved && refusals === 0 ? `Organisation saved.${movedAway(Number(loc.query.get('placesGivenUp') ?? 0), Number(loc.query.get('holdsReleased') ?? 0))}` : ''} id="org-saved-status" focusable />
              <OrgForm
                key={`${refusals} ${JSON.stringify(org)}`}
                org={org}
                carried={carried}
                onChangedMeanwhile={(now, form) => {
                  // The organisation as it now is; the form opens on it again, with what the administrator had changed.
                  setCarried(form);
                  setRefusals((n) => n + 1);
                  state.set({ org: now, hasSchools });
                }}
                onSaved={(o, changed) => {
                  // The trust's name, if the answer to the change leaves it out, is kept from before when the parent stayed (the page is opened afresh and reads it again).
                  state.set({ org: { ...o, parentName: o.parentName !== undefined ? o.parentName : o.parentId === org.parentId ? org.parentName : null }, hasSchools });
                  const gaveUp = changed && changed.placesGivenUp + changed.holdsReleased > 0 ? `&placesGivenUp=${changed.placesGivenUp}&holdsReleased=${changed.holdsReleased}` : '';
                  navigate(`/admin/orgs/${encodeURIComponent(o.id)}?saved=1${gaveUp}`, { replace: true });
                }}
              />
              <LeadsPanel orgId={org.id} orgName={org.name} hasSchools={hasSchools} />
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

/**
 * What moving a school out of its trust gave up (nothing when it gave up nothing), for the
 * message after saving: its people's places on the trust's in-house sessions, and its holds.
 */
function movedAway(places: number, holds: number): string {
  const parts = [
    places > 0 ? (places === 1 ? ' 1 place of its staff on the old trust’s in-house sessions was given up for others, and its holder told by email.' : ` ${places} places of its staff on the old trust’s in-house sessions were given up for others, and their holders told by email.`) : '',
    holds > 0 ? (holds === 1 ? ' Its seat hold on one of those sessions was released.' : ` ${holds} of its seat holds on those sessions were released.`) : '',
  ];
  return parts.join('');
}

/**
 * The sign-in requirement's error beside its box (as FieldNotes draws one), with "Identity
 * providers" in a refusal for want of one a link to that page, where one is added.
 */
function SsoError({ error }: { error: string | undefined }) {
  if (!error) return null;
  const at = error.indexOf('Identity providers');
  if (at < 0) return <FieldNotes id="org-sso" error={error} />;
  return (
    <p class="error-message" id="org-sso-error">
      <span class="visually-hidden">Error: </span>
      {error.slice(0, at)}
      <Link href="/admin/identity-providers">Identity providers</Link>
      {error.slice(at + 'Identity providers'.length)}
    </p>
  );
}

/** The form's values as typed (what the page loaded, until changed). */
interface OrgValues {
  name: string;
  kind: z.infer<typeof OrgKind>;
  urn: string;
  parentId: string;
  timeZone: string;
  weekA: string;
  buffer: string;
  ssoRequired: boolean;
}
const valuesOf = (org: Org | null): OrgValues => ({
  name: org?.name ?? '',
  kind: org?.kind ?? 'school',
  urn: org?.urn ?? '',
  parentId: org?.parentId ?? '',
  timeZone: org?.timeZone ?? 'Europe/London',
  weekA: org?.settings.weekAStart ?? '',
  buffer: org?.settings.travelBufferMinutes === undefined ? '' : String(org.settings.travelBufferMinutes),
  ssoRequired: org?.settings.ssoRequired === true,
});

/** Which of the form's values each field of a change (as UpdateOrgInput names it) is made from. */
const VALUE_OF: Record<string, keyof OrgValues> = {
  name: 'name',
  kind: 'kind',
  urn: 'urn',
  parentId: 'parentId',
  timeZone: 'timeZone',
  'settings.weekAStart': 'weekA',
  'settings.travelBufferMinutes': 'buffer',
  'settings.ssoRequired': 'ssoRequired',
};

const longDay = (day: string) => {
  try {
    return formatLongDay(day);
  } catch {
    return day;
  }
};

/** A field's value in words, for saying what someone else changed it to (null: its words are not known here). */
function valueWords(key: keyof OrgValues, v: OrgValues, org: Org | null): string | null {
  switch (key) {
    case 'name':
      return `“${v.name.trim()}”`;
    case 'kind':
      return KIND_LABEL[v.kind].toLowerCase();
    case 'urn':
      return v.urn.trim() || 'none';
    case 'parentId':
      return !v.parentId ? 'none' : org && org.parentId === v.parentId && org.parentName ? org.parentName : null;
    case 'timeZone':
      return v.timeZone;
    case 'weekA':
      return v.weekA ? longDay(v.weekA) : 'none';
    case 'buffer':
      return v.buffer.trim() ? `${v.buffer.trim()} minutes` : 'none';
    case 'ssoRequired':
      return v.ssoRequired ? 'required' : 'not required';
  }
}

/**
 * The form to open again after a save was refused because someone else changed some of the
 * fields it changed (409 changed_meanwhile): the organisation as it now is, with the
 * administrator's changes to every other field kept, and the clashes said at their fields.
 */
interface Carried {
  values: OrgValues;
  conflicts: FieldError[];
}

function OrgForm({ org, carried, onSaved, onChangedMeanwhile }: { org: Org | null; carried?: Carried | null; onSaved: (o: Org, changed?: { placesGivenUp: number; holdsReleased: number }) => void; onChangedMeanwhile?: (now: Org, form: Carried) => void }) {
  const [values, setValues] = useState<OrgValues>(() => carried?.values ?? valuesOf(org));
  const { name, kind, urn, parentId, timeZone, weekA, buffer, ssoRequired } = values;
  const set = (patch: Partial<OrgValues>) => setValues((v) => ({ ...v, ...patch }));
  const [errors, setErrors] = useState<FieldError[]>([]);
  /** Fields the administrator changed that someone else changed first (see Carried): said in their own summary and beside each. */
  const [conflicts, setConflicts] = useState<FieldError[]>(() => carried?.conflicts ?? []);
  /** A save that failed for a reason about no field (network, service, changed meanwhile): said above the button, with Try again. */
  const [failure, setFailure] = useState<{ error: unknown; parentId: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** Asked before an organisation leaves its trust (what that gives up cannot be undone by moving it back). */
  const [askingMove, setAskingMove] = useState(false);
  const isParent = PARENT_KINDS.includes(kind);
  // Leaving its trust (or local authority): its staff's places on the old one's in-house sessions still to come go.
  const leaving = !!org?.parentId && org.parentId !== (isParent ? '' : parentId);

  const submit = (e: Event) => {
    e.preventDefault();
    void save(false);
  };

  /**
   * What a change sends: only the fields the administrator changed (compared with the
   * organisation as the page loaded it), each with what the page had read of it (`was`), so
   * the server refuses it if someone else has changed one of them since, and leaves alone
   * what they changed elsewhere (a stale page would otherwise put back the trust or sign-in
   * setting it loaded). Settings go whole, with `was.settings`: only those changed are changed.
   */
  function changeOf(checked: z.infer<typeof UpdateOrgInput>, loaded: Org): z.infer<typeof UpdateOrgInput> | null {
    const before = { name: loaded.name, kind: loaded.kind ?? 'school', urn: loaded.urn, parentId: loaded.parentId, timeZone: loaded.timeZone };
    const change: Record<string, unknown> = {};
    const was: Record<string, unknown> = {};
    for (const k of ['name', 'kind', 'urn', 'parentId', 'timeZone'] as const) {
      if (checked[k] !== undefined && checked[k] !== before[k]) {
        change[k] = checked[k];
        was[k] = before[k];
      }
    }
    const settings = checked.settings ?? {};
    if ((['weekAStart', 'travelBufferMinutes', 'ssoRequired'] as const).some((k) => settings[k] !== loaded.settings[k])) {
      change.settings = settings;
      was.settings = loaded.settings;
    }
    return Object.keys(change).length ? ({ ...change, was } as z.infer<typeof UpdateOrgInput>) : null;
  }

  /** Someone else changed what this save changed: the organisation as it now is, and the form to open on it again. */
  async function changedMeanwhile(err: ApiError, loaded: Org) {
    const now = await api(`/api/orgs/${encodeURIComponent(loaded.id)}`, Organisation);
    const mine = values;
    const before = valuesOf(loaded);
    const theirs = valuesOf(now);
    const clashed = new Set(err.issues.map((i) => VALUE_OF[i.path]).filter((k): k is keyof OrgValues => k !== undefined));
    // Every field: as it now is, but for those the administrator changed that did not clash.
    const merged = { ...theirs };
    for (const k of Object.keys(mine) as (keyof OrgValues)[]) if (mine[k] !== before[k] && !clashed.has(k)) (merged as Record<string, unknown>)[k] = mine[k];
    const conflictsNow: FieldError[] = [...clashed].map((k) => {
      const path = Object.keys(VALUE_OF).find((p) => VALUE_OF[p] === k)!;
      const field = FIELDS[path as keyof typeof FIELDS];
      const [nowWords, yours] = [valueWords(k, theirs, now), valueWords(k, mine, loaded)];
      return { field: field.id, message: nowWords !== null && yours !== null ? `${field.label}: changed by someone else meanwhile to ${nowWords} (you had changed it to ${yours})` : `${field.label}: changed by someone else meanwhile (the form now shows their change)` };
    });
    onChangedMeanwhile?.(now, { values: merged, conflicts: conflictsNow });
  }

  async function save(confirmed = true) {
    if (busy) return;
    // Saving again: what clashed before has been seen (the form shows it as it now is).
    setConflicts([]);
    const settings = { ...(weekA ? { weekAStart: weekA } : {}), ...(buffer.trim() !== '' ? { travelBufferMinutes: Number(buffer) } : {}), ...(ssoRequired ? { ssoRequired: true } : {}) };
    const body = { name, kind, urn: urn.trim() || (org ? null : undefined), parentId: isParent ? (org ? null : undefined) : parentId || (org ? null : undefined), timeZone, settings };
    const parsed = org ? UpdateOrgInput.safeParse(body) : CreateOrgInput.safeParse(body);
    // A name too long is said with how much to take out, the name kept to be shortened.
    const nameTooLong = tooLongError('Name', name, MAX_NAME_CHARS);
    const schemaErrors = parsed.success ? [] : toFieldErrors(parsed.error.issues, FIELDS, FIELDS.name);
    if (nameTooLong) return setErrors([{ field: FIELDS.name.id, message: nameTooLong }, ...schemaErrors.filter((f) => f.field !== FIELDS.name.id)]);
    if (!parsed.success) return setErrors(schemaErrors);
    // A trust being made a school would find itself among the trusts: it cannot sit under itself (the server says so too).
    if (org && !isParent && parentId === org.id) return setErrors(toFieldErrors([{ path: 'parentId', message: 'An organisation cannot sit under itself.' }], FIELDS, FIELDS.name));
    setErrors([]);
    setFailure(null);
    const change = org ? changeOf(parsed.data as z.infer<typeof UpdateOrgInput>, org) : null;
    if (leaving && !confirmed) return setAskingMove(true);
    setAskingMove(false);
    setBusy(true);
    // Gone elsewhere while it saved (a link followed, Back): the page they went to stays.
    const here = stillHere();
    try {
      if (org && !change) {
        // Nothing changed here: nothing to save, and the page shows the organisation as it now is (as a save would).
        const now = await api(`/api/orgs/${encodeURIComponent(org.id)}`, Organisation);
        if (here()) onSaved(now);
      } else if (org) {
        try {
          const { placesGivenUp, holdsReleased, ...changed } = await api(`/api/orgs/${encodeURIComponent(org.id)}`, OrgChanged, { method: 'PATCH', body: change });
          if (here()) onSaved(changed, { placesGivenUp, holdsReleased });
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'changed_meanwhile' && err.issues.length)) throw err;
          if (here()) await changedMeanwhile(err, org);
        }
      } else {
        const made = await api('/api/orgs', Organisation, { method: 'POST', body: parsed.data });
        if (here()) onSaved(made);
      }
    } catch (err) {
      const issues = apiIssues(err);
      if (issues.length) setErrors(toFieldErrors(issues, FIELDS, FIELDS.name));
      // A refusal of what was typed (a URN or name already used) is said at the name; the rest is about no field.
      else if (err instanceof ApiError && (err.status === 400 || err.status === 422)) setErrors([{ field: 'org-name', message: messageOf(err) }]);
      else setFailure({ error: err, parentId });
    } finally {
      setBusy(false);
    }
  }

  // Beside their fields: the form's errors, and the fields someone else changed too.
  const fieldErrors = [...errors, ...conflicts.filter((c) => !errors.some((e) => e.field === c.field))];
  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary errors={errors} />
      <ConflictSummary conflicts={conflicts} what="organisation" idPrefix="org-conflict" />
      <TextField id="org-name" label="Name" hint={lengthHint(name, MAX_NAME_CHARS)} value={name} onInput={(e) => set({ name: (e.currentTarget as HTMLInputElement).value })} error={errorFor(fieldErrors, 'org-name')} />
      <Field id="org-kind" label="Kind" error={errorFor(fieldErrors, 'org-kind')}>
        <select id="org-kind" {...described('org-kind', undefined, errorFor(fieldErrors, 'org-kind'))} value={kind} onChange={(e) => set({ kind: (e.currentTarget as HTMLSelectElement).value as z.infer<typeof OrgKind> })}>
          {Object.entries(KIND_LABEL).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <TextField id="org-urn" label="URN (optional)" hint="The DfE unique reference number from Get Information about Schools: 6 to 8 digits." inputMode="numeric" value={urn} onInput={(e) => set({ urn: (e.currentTarget as HTMLInputElement).value })} error={errorFor(fieldErrors, 'org-urn')} />
      {!isParent && (
        <OrgSearchPicker
          id="org-parent"
          label="Part of (trust or local authority)"
          searchLabel="Find the trust or local authority by name or URN"
          noneLabel="None"
          kinds={PARENT_KINDS}
          value={parentId}
          onChange={(id) => set({ parentId: id })}
          chosenName={org?.parentId && org.parentId === parentId ? (org.parentName ?? undefined) : undefined}
          error={errorFor(fieldErrors, 'org-parent')}
        />
      )}
      <TextField id="org-tz" label="Time zone" hint={TIME_ZONE_HINT} spellcheck={false} autocomplete="off" list="org-time-zones" value={timeZone} onInput={(e) => set({ timeZone: (e.currentTarget as HTMLInputElement).value })} error={errorFor(fieldErrors, 'org-tz')} />
      <TimeZoneList id="org-time-zones" />
      <TextField id="org-week-a" label="Week A starts on (optional)" hint="For two-week timetables: a Monday of a Week A." type="date" value={weekA} onInput={(e) => set({ weekA: (e.currentTarget as HTMLInputElement).value })} error={errorFor(fieldErrors, 'org-week-a')} />
      <TextField id="org-buffer" label="Travel time around in-person sessions, in minutes (optional)" type="number" inputMode="numeric" min={0} max={240} value={buffer} onInput={(e) => set({ buffer: (e.currentTarget as HTMLInputElement).value })} error={errorFor(fieldErrors, 'org-buffer')} />
      <div class={errorFor(fieldErrors, 'org-sso') ? 'field field-error' : 'field'}>
        <SsoError error={errorFor(fieldErrors, 'org-sso')} />
        <div class="checkbox">
          <input type="checkbox" id="org-sso" checked={ssoRequired} onChange={(e) => set({ ssoRequired: e.currentTarget.checked })} {...described('org-sso', undefined, errorFor(fieldErrors, 'org-sso'))} />
          <label for="org-sso">Staff must sign in with their school account (identity provider), not a password</label>
        </div>
      </div>
      {/* Only a save already asked about (or needing no question) reaches the server: Try again asks again only if "Part of" has changed since. */}
      <SaveFailure error={failure?.error ?? null} busy={busy} onRetry={() => void save(failure?.parentId === parentId)} submitId="org-save" />
      <AskBeforeSaving
        label="Move out of its trust"
        question={
          askingMove && leaving && org
            ? `${org.name} will no longer be part of ${org.parentName ?? 'its trust or local authority'}: its staff give up their places on ${org.parentName ?? 'its'}’s in-house sessions still to come (each is told by email), its seat holds on them are released, and its people stop leading ${org.parentName ?? 'its'}’s in-house training. Moving it back later does not give these back. Save anyway?`
            : null
        }
        confirmLabel="Yes, save and move it"
        keepLabel="No, not yet"
        busy={busy}
        onConfirm={() => void save()}
        onKeep={() => setAskingMove(false)}
        saveId="org-save"
      >
        <button id="org-save" type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Saving…' : org ? 'Save organisation' : 'Add organisation'}
        </button>
      </AskBeforeSaving>
    </form>
  );
}
