import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { CreateOrgInput, Organisation, OrgChanged, OrgKind, OrgPage as OrgPageOf, PARENT_KINDS, UpdateOrgInput } from '../../../../shared/accounts.js';
import { api, ApiError } from '../../api.js';
import { apiIssues, AskBeforeSaving, described, ErrorSummary, Field, FieldNotes, errorFor, messageOf, PageHeading, Status, TextField, toFieldErrors, useApp, useFocusLater, type FieldError, PendingHeading } from '../../components.js';
import { Loaded, SaveFailure, useLoad } from '../../load.js';
import { Link, navigate, stillHere } from '../../router.js';
import { counted } from '../../format.js';
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
              <Status message={saved ? `Organisation saved.${movedAway(Number(loc.query.get('placesGivenUp') ?? 0), Number(loc.query.get('holdsReleased') ?? 0))}` : ''} id="org-saved-status" focusable />
              <OrgForm
                key={JSON.stringify(org)}
                org={org}
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

function OrgForm({ org, onSaved }: { org: Org | null; onSaved: (o: Org, changed?: { placesGivenUp: number; holdsReleased: number }) => void }) {
  const [name, setName] = useState(org?.name ?? '');
  const [kind, setKind] = useState<z.infer<typeof OrgKind>>(org?.kind ?? 'school');
  const [urn, setUrn] = useState(org?.urn ?? '');
  const [parentId, setParentId] = useState(org?.parentId ?? '');
  const [timeZone, setTimeZone] = useState(org?.timeZone ?? 'Europe/London');
  const [weekA, setWeekA] = useState(org?.settings.weekAStart ?? '');
  const [buffer, setBuffer] = useState(org?.settings.travelBufferMinutes === undefined ? '' : String(org.settings.travelBufferMinutes));
  const [ssoRequired, setSsoRequired] = useState(org?.settings.ssoRequired === true);
  const [errors, setErrors] = useState<FieldError[]>([]);
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

  async function save(confirmed = true) {
    if (busy) return;
    const settings = { ...(weekA ? { weekAStart: weekA } : {}), ...(buffer.trim() !== '' ? { travelBufferMinutes: Number(buffer) } : {}), ...(ssoRequired ? { ssoRequired: true } : {}) };
    const body = { name, kind, urn: urn.trim() || (org ? null : undefined), parentId: isParent ? (org ? null : undefined) : parentId || (org ? null : undefined), timeZone, settings };
    const parsed = org ? UpdateOrgInput.safeParse(body) : CreateOrgInput.safeParse(body);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error.issues, FIELDS, FIELDS.name));
    // A trust being made a school would find itself among the trusts: it cannot sit under itself (the server says so too).
    if (org && !isParent && parentId === org.id) return setErrors(toFieldErrors([{ path: 'parentId', message: 'An organisation cannot sit under itself.' }], FIELDS, FIELDS.name));
    setErrors([]);
    setFailure(null);
    if (leaving && !confirmed) return setAskingMove(true);
    setAskingMove(false);
    setBusy(true);
    // Gone elsewhere while it saved (a link followed, Back): the page they went to stays.
    const here = stillHere();
    try {
      if (org) {
        const { placesGivenUp, holdsReleased, ...changed } = await api(`/api/orgs/${encodeURIComponent(org.id)}`, OrgChanged, { method: 'PATCH', body: parsed.data });
        if (here()) onSaved(changed, { placesGivenUp, holdsReleased });
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

  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary errors={errors} />
      <TextField id="org-name" label="Name" maxLength={200} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'org-name')} />
      <Field id="org-kind" label="Kind" error={errorFor(errors, 'org-kind')}>
        <select id="org-kind" {...described('org-kind', undefined, errorFor(errors, 'org-kind'))} value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as z.infer<typeof OrgKind>)}>
          {Object.entries(KIND_LABEL).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <TextField id="org-urn" label="URN (optional)" hint="The DfE unique reference number from Get Information about Schools: 6 to 8 digits." inputMode="numeric" value={urn} onInput={(e) => setUrn((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'org-urn')} />
      {!isParent && (
        <OrgSearchPicker
          id="org-parent"
          label="Part of (trust or local authority)"
          searchLabel="Find the trust or local authority by name or URN"
          noneLabel="None"
          kinds={PARENT_KINDS}
          value={parentId}
          onChange={setParentId}
          chosenName={org?.parentId && org.parentId === parentId ? (org.parentName ?? undefined) : undefined}
          error={errorFor(errors, 'org-parent')}
        />
      )}
      <TextField id="org-tz" label="Time zone" spellcheck={false} value={timeZone} onInput={(e) => setTimeZone((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'org-tz')} />
      <TextField id="org-week-a" label="Week A starts on (optional)" hint="For two-week timetables: a Monday of a Week A." type="date" value={weekA} onInput={(e) => setWeekA((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'org-week-a')} />
      <TextField id="org-buffer" label="Travel time around in-person sessions, in minutes (optional)" type="number" inputMode="numeric" min={0} max={240} value={buffer} onInput={(e) => setBuffer((e.currentTarget as HTMLInputElement).value)} error={errorFor(errors, 'org-buffer')} />
      <div class={errorFor(errors, 'org-sso') ? 'field field-error' : 'field'}>
        <FieldNotes id="org-sso" error={errorFor(errors, 'org-sso')} />
        <div class="checkbox">
          <input type="checkbox" id="org-sso" checked={ssoRequired} onChange={(e) => setSsoRequired(e.currentTarget.checked)} {...described('org-sso', undefined, errorFor(errors, 'org-sso'))} />
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
