/** Office staff: the people of their own organisation, with their staff's accounts turned off or on. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { OrgPeopleQuery, PeoplePage } from '../../../shared/accounts.js';
import { api } from '../api.js';
import { PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { counted } from '../format.js';
import { checkSearch, correctTheSearch, ListSearch, Pagination, pageCountText } from '../pagination.js';
import { Loaded, useLoad } from '../load.js';
import { Link, navigate } from '../router.js';
import { OfficeOrgGate, SchoolForm, type Org } from '../orgs.js';
import { PersonCard } from './PersonCard.js';
import { SessionsNeedingLead } from './NeedingLead.js';
import { NewPersonForm } from '../admin/NewPersonForm.js';
import { personTimetableHref } from '../timetable/PersonTimetablePage.js';

/** Office staff: the people of an organisation they book for (a trust's office chooses one of its schools). */
export function StaffPage() {
  return <OfficeOrgGate title="Staff accounts">{(orgId, orgs) => <StaffOf key={orgId} orgId={orgId} orgs={orgs} />}</OfficeOrgGate>;
}

/** How many people a page lists. */
const PAGE = 50;

/** The page's address: the organisation, and the search and page when given. */
function staffHref(orgId: string, q: string, page = 1) {
  const p = new URLSearchParams({ org: orgId });
  if (q) p.set('q', q);
  if (page > 1) p.set('page', String(page));
  return `/office/people?${p}`;
}

/**
 * The people of one organisation, 50 a page by name, found by name or email (kept in the
 * address, `?org=&q=&page=`): a college may have thousands. The page is kept while its
 * searches and pages change the address (routes.tsx keys it by path; the gate above keys
 * this list by organisation).
 */
function StaffOf({ orgId, orgs }: { orgId: string; orgs: Org[] }) {
  const { me, loc } = useApp();
  const orgName = orgs.find((o) => o.id === orgId)?.name ?? me.orgName;
  const typedQ = (loc.query.get('q') ?? '').trim();
  // Checked with the schema the service checks it with: a search it would refuse (too long, a
  // control character) is said at the field and not sent, and no list is shown as its answer.
  const searched = checkSearch(typedQ);
  const q = searched.q ?? '';
  const [refused, setRefused] = useState<string | null>(null);
  const searchProblem = refused ?? searched.error;
  const page = Math.max(1, Number.parseInt(loc.query.get('page') ?? '1', 10) || 1);
  // What the list in view was found for travels with it, so the count describes it while the next loads.
  const people = useLoad(async () => {
    if (searched.error !== undefined) return null;
    // A page further on than the service reads (an edited address) is past the end of the
    // list: only the count is asked for, and the page says there is no such page (with a way back).
    const taken = OrgPeopleQuery.shape.offset.safeParse((page - 1) * PAGE).success;
    const find = new URLSearchParams({ limit: String(taken ? PAGE : 1), offset: String(taken ? (page - 1) * PAGE : 0) });
    if (q) find.set('q', q);
    const found = await api(`/api/orgs/${encodeURIComponent(orgId)}/users?${find}`, PeoplePage);
    return { q, page, ...found, items: taken ? found.items : [] };
  }, [orgId, typedQ, page]);
  const leads = useLoad(() => api(`/api/orgs/${encodeURIComponent(orgId)}/leads`, z.object({ items: z.array(z.object({ userId: z.string() })) })).then((r) => r.items.map((l) => l.userId)), [orgId]);
  const [message, setMessage] = useState<ComponentChildren>('');
  // Bumped by a change on the page that may leave sessions with no one to run them.
  const [changes, setChanges] = useState(0);
  const [choiceError, setChoiceError] = useState(false);
  const focusLater = useFocusLater();
  const shown = people.data;
  const pages = shown ? Math.max(1, Math.ceil(shown.total / PAGE)) : 1;
  const count = searchProblem ? correctTheSearch('people') : !shown ? '' : pageCountText({ page: shown.page, perPage: PAGE, shown: shown.items.length, total: shown.total, q: shown.q, of: (n) => counted(n, 'person', 'people'), none: (q) => (q ? `Nobody matches “${q}”.` : 'No one here yet.') });
  return (
    <>
      <PageHeading title={page > 1 ? `Staff accounts, page ${page}` : 'Staff accounts'} navigated={loc.navigated} error={choiceError}>
        Staff accounts
      </PageHeading>
      <SchoolForm id="staff-org" label="Organisation" orgs={orgs} value={orgId} onChoose={(id) => navigate(staffHref(id, ''))} onErrors={setChoiceError} />
      <p>
        <Link href={`/office/people/import?org=${encodeURIComponent(orgId)}`}>Import staff from a spreadsheet (CSV)</Link>
      </p>
      <p>Everyone in {orgName ?? 'your organisation'}. Turn off the account of someone who has left: they are signed out at once and cannot sign in again until you turn it back on, and their places on sessions still to come go to others. Once someone has left and their record no longer needs to be kept (or they ask), erase their personal data: it goes for good, while their past bookings and attendance still count without their name. An in-house lead can publish and run training sessions for your organisation's staff only.</p>
      {/* The organisation's own sessions: a trust's office does not see a school's (DESIGN.md invariant 12). */}
      {me.role === 'office' && me.orgId === orgId && <SessionsNeedingLead orgId={orgId} orgName={orgName ?? 'your organisation'} version={changes} />}
      <ListSearch id="staff-search" label="Find a person by name or email" formLabel="People" value={searched.error ? typedQ : q} error={searched.error} onRefused={setRefused} onSearch={(text) => navigate(staffHref(orgId, text))} />
      {/* In the page before the list loads, so the count is read out when it arrives; turning a page focuses it. */}
      <p role="status" class="count" id="staff-count" tabIndex={-1}>
        {count}
      </p>
      <Status message={message} id="staff-status" focusable />
      {/* Who leads in-house training marks the cards and offers "Make in-house lead": a failure to read it is said, with Try again, not left as cards without them. */}
      <Loaded state={leads} what="who leads in-house training">
        {() => null}
      </Loaded>
      {!searchProblem && (
      <Loaded state={people} what="your organisation's people">
        {(data) => data && (
          <>
            <ul class="plain cards" aria-label="People">
              {data.items.map((p) => (
                <PersonCard
                  key={p.id}
                  person={p}
                  canDisable={p.role === 'staff' && p.id !== me.id}
                  canSetCaptioner={false}
                  canSetJobRole={p.role === 'staff'}
                  // Their name and email, put right: as what else of theirs may be changed here, staff only.
                  canSetDetails={p.role === 'staff'}
                  // Office staff count in coverage by job role too: theirs is shown (an administrator changes it).
                  showJobRole={p.role === 'staff' || p.role === 'office'}
                  showRecord={p.role === 'staff'}
                  timetableHref={p.role === 'staff' || p.role === 'office' ? personTimetableHref(me, { id: p.id, orgId }) : undefined}
                  lead={
                    leads.data
                      ? {
                          orgId,
                          isLead: leads.data.includes(p.id),
                          onChanged: (on, m) => {
                            leads.set(on ? [...(leads.data ?? []), p.id] : (leads.data ?? []).filter((id) => id !== p.id));
                            setMessage(m);
                            setChanges((n) => n + 1);
                          },
                        }
                      : undefined
                  }
                  onChanged={(next, m) => {
                    if (next.erased) {
                      // In no list any more: the card and the control pressed go, and the message takes focus.
                      people.set({ ...data, items: data.items.filter((x) => x.id !== next.id), total: Math.max(0, data.total - 1) });
                      setMessage(m);
                      focusLater(() => document.getElementById('staff-status'), { force: true });
                      return;
                    }
                    people.set({ ...data, items: data.items.map((x) => (x.id === next.id ? next : x)) });
                    setMessage(m);
                    setChanges((n) => n + 1);
                  }}
                />
              ))}
            </ul>
            <Pagination label="Pages of people" page={data.page} pages={pages} href={(n) => staffHref(orgId, data.q, n)} resultsId="staff-count" />
          </>
        )}
      </Loaded>
      )}
      <NewPersonForm forOrg={{ id: orgId, name: orgName ?? 'your organisation' }} onAdded={() => void people.reload()} />
    </>
  );
}
