/**
 * Administrators: everyone, found by name or email, by account role (every trainer, say) and
 * by organisation (an organisation's page links here), all kept in the address
 * (`?q=&role=&orgId=`), with their accounts turned off or on, the captioner
 * flag and each person's training record. The start of the admin area (more admin pages join
 * it later).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Organisation, PeoplePage as PeoplePageSchema, Role, type User } from '../../../shared/accounts.js';
import { api } from '../api.js';
import { Field, PageHeading, Status, useApp, useFocusLater } from '../components.js';
import { plural } from '../format.js';
import { ActionButton, Loaded, Retry, useLoad } from '../load.js';
import { navigate } from '../router.js';
import { AdminPersonCard } from './AdminPersonCard.js';
import { NewPersonForm } from './NewPersonForm.js';
import { OrgSearchPicker } from '../orgs.js';
import { checkSearch, correctTheSearch, SearchField } from '../pagination.js';

const PAGE = 50;

/** The role filter's choices, and how a list of each is named ("Trainers, by name"). */
const ROLE_CHOICES = [
  ['staff', 'Staff', 'Staff'],
  ['office', 'School office', 'School office staff'],
  ['trainer', 'Trainer', 'Trainers'],
  ['admin', 'Administrator', 'Administrators'],
] as const;
const ROLE_PLURAL = Object.fromEntries(ROLE_CHOICES.map(([k, , many]) => [k, many])) as Record<Role, string>;

/** The list's address: `/admin/people`, with `q`, `role` and `orgId` when given. */
export function listHref(q: string, role: Role | null, orgId: string | null = null) {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (role) p.set('role', role);
  if (orgId) p.set('orgId', orgId);
  return p.size ? `/admin/people?${p}` : '/admin/people';
}

/** Whether a person's name or email holds what a list was searched for, as the server finds it (any case; text composed: db/like.ts). */
const holdsSearch = (p: Pick<User, 'name' | 'email'>, q: string) => {
  const text = q.trim().normalize('NFC').toLowerCase();
  return !text || [p.name, p.email].some((v) => v.normalize('NFC').toLowerCase().includes(text));
};

export function PeoplePage() {
  const { loc } = useApp();
  const typedQ = loc.query.get('q') ?? '';
  // Checked with the schema the service checks it with: a search it would refuse (too long, a
  // control character) is said at the field and not sent, and no list is shown as its answer.
  const searched = checkSearch(typedQ);
  const q = searched.q ?? '';
  // A search typed and refused (Search), said at the field until the next search is taken.
  const [refused, setRefused] = useState<string | null>(null);
  const searchProblem = refused ?? searched.error;
  // An unknown role in the address (an old or edited link) is no filter.
  const role = Role.safeParse(loc.query.get('role')).data ?? null;
  const [roleChoice, setRoleChoice] = useState<string>(role ?? '');
  const orgId = loc.query.get('orgId') || null;
  const [orgChoice, setOrgChoice] = useState<string>(orgId ?? '');
  const [message, setMessage] = useState<ComponentChildren>('');
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const page = (offset: number) => api(`/api/users?${new URLSearchParams({ q, ...(role ? { role } : {}), ...(orgId ? { orgId } : {}), limit: String(PAGE), offset: String(offset) })}`, PeoplePageSchema);
  // The list in view stays while the next search loads: it carries what it was found for, so
  // its count describes it, not the search still loading.
  // The organisation of the list, by name, comes with it (one asked for, not every organisation).
  const people = useLoad(async () => {
    if (searched.error !== undefined) return null;
    const [found, org] = await Promise.all([page(0), orgId ? api(`/api/orgs/${encodeURIComponent(orgId)}`, Organisation).catch(() => null) : null]);
    return { ...found, asked: { q, role, orgId }, orgName: org?.name ?? null };
  }, [typedQ, role, orgId]);
  const orgNameOf = (id: string | null) => (id ? (id === people.data?.asked.orgId && people.data.orgName) || 'the organisation chosen' : null);
  const focusLater = useFocusLater();
  // The page is kept while searches change the address (its route is keyed by path): the
  // search form follows the address (Back, Forward), and a new list starts without the last
  // one's messages, "more" still coming or its failure.
  const [text, setText] = useState(typedQ);
  const searches = useRef(0);
  useEffect(() => {
    searches.current++;
    setText(typedQ);
    setRefused(null);
    setRoleChoice(role ?? '');
    setOrgChoice(orgId ?? '');
    setMessage('');
    setMore({ busy: false, error: null });
  }, [typedQ, role, orgId]);

  async function showMore(shown: User[]) {
    if (more.busy) return;
    setMore({ busy: true, error: null });
    const searched = searches.current;
    try {
      const next = await page(shown.length);
      if (searched !== searches.current) return; // another search since: its list stands
      people.set({ items: [...shown, ...next.items], hasMore: next.hasMore, total: next.total, asked: { q, role, orgId }, orgName: people.data?.orgName ?? null });
      setMore({ busy: false, error: null });
      setMessage(`${next.items.length} more shown.`);
      // The first of those just shown takes focus (the button pressed goes after the last batch).
      const first = next.items[0];
      if (first) focusLater(() => document.getElementById(`person-${first.id}`), { force: true });
    } catch (e) {
      if (searched === searches.current) setMore({ busy: false, error: e });
    }
  }

  function search(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const checked = checkSearch(String(form.get('q') ?? ''));
    setMessage('');
    setRefused(checked.error ?? null);
    if (checked.error !== undefined) {
      document.getElementById('q')?.focus();
      return;
    }
    navigate(listHref(checked.q, Role.safeParse(form.get('role')).data ?? null, orgChoice || null));
  }

  // Whether a person still belongs in the list found for `asked` (its role and organisation, and what was searched for: their name or email may have been put right).
  const fitsList = (p: User, asked: { q: string; role: Role | null; orgId: string | null }) => (!asked.role || p.role === asked.role) && (!asked.orgId || p.orgId === asked.orgId) && holdsSearch(p, asked.q);
  // Who the list found for `asked` holds, in words: "staff", "trainers at Birch Primary", "people at Birch Primary".
  const listedWho = ({ role, orgId }: { role: Role | null; orgId: string | null }) => {
    const orgName = orgNameOf(orgId);
    return `${role ? ROLE_PLURAL[role].toLowerCase() : 'people'}${orgName ? ` at ${orgName}` : ''}`;
  };

  // How many match in all (every page) what the list in view was found for, and how many of them are shown so far.
  const summary = (total: number, shown: number, { q, role, orgId }: { q: string; role: Role | null; orgId: string | null }) => {
    const who = role ? ROLE_PLURAL[role] : 'People';
    const orgName = orgNameOf(orgId);
    const at = orgName ? ` at ${orgName}` : '';
    return total === 0
      ? q ? `No ${role ? ROLE_PLURAL[role].toLowerCase() : 'one'}${at} ${role ? 'match' : 'matches'} “${q}”.` : role ? `No ${ROLE_PLURAL[role].toLowerCase()}${at} yet.` : `No one${at} yet.`
      : `${q ? `${who}${at} matching “${q}”` : role || orgName ? `${who}${at}, by name` : 'Everyone, by name'}: ${plural(total, 'person', 'people')}${shown < total ? `, ${shown} shown` : ''}.`;
  };

  return (
    <>
      <PageHeading title="People" navigated={loc.navigated}>
        People
      </PageHeading>
      <NewPersonForm onAdded={() => void people.reload()} suggestedOrg={people.data?.asked.orgId && people.data.orgName ? { id: people.data.asked.orgId, name: people.data.orgName } : undefined} />
      <h2 id="find-people">Find people</h2>
      <form class="filters" role="search" aria-labelledby="find-people" noValidate onSubmit={search}>
        <SearchField id="q" label="Name or email" value={text} error={searchProblem} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
        <Field id="role" label="Account role">
          {/* Applied with Search, as the name is: choosing never reloads the list by itself. */}
          <select id="role" name="role" value={roleChoice} onChange={(e) => setRoleChoice((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">Any role</option>
            {ROLE_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <OrgSearchPicker id="people-org" label="School or organisation" value={orgChoice} chosenName={orgChoice === orgId ? (people.data?.orgName ?? undefined) : undefined} onChange={setOrgChoice} noneLabel="Any organisation" />
        <div class="field field-action">
          <button type="submit" class="button">
            Search
          </button>
        </div>
      </form>
      <Status message={message} id="people-status" focusable />
      {/* In the page before the people load, so the count is read out when it arrives. */}
      <p class="count" id="people-count" aria-live="polite" aria-atomic="true">
        {searchProblem ? correctTheSearch('people') : people.data ? summary(people.data.total, people.data.items.length, people.data.asked) : ''}
      </p>
      {!searchProblem && (
      <Loaded state={people} what="people">
        {(data) => data && (
          <>
            <ul class="plain cards" aria-label="People">
              {data.items.map((p: User) => (
                <AdminPersonCard
                  key={p.id}
                  person={p}
                  onChanged={(next, m) => {
                    // Erased: in no list any more (the card and the control pressed go): the message takes focus.
                    if (next.erased) {
                      people.set({ ...data, items: data.items.filter((x) => x.id !== next.id), total: Math.max(0, data.total - 1) });
                      setMessage(m);
                      focusLater(() => document.getElementById('people-status'), { force: true });
                      return;
                    }
                    // A new role or organisation the list is not for, or a name and email that no
                    // longer hold what it was searched for, takes them off it (the card and the
                    // control pressed go): the message says so and takes focus.
                    if (!fitsList(next, data.asked)) {
                      people.set({ ...data, items: data.items.filter((x) => x.id !== next.id), total: Math.max(0, data.total - 1) });
                      setMessage(
                        <>
                          {m} They are no longer listed here: this list shows {listedWho(data.asked)}
                          {holdsSearch(next, data.asked.q) ? '' : ` matching “${data.asked.q.trim()}”`} only.
                        </>,
                      );
                      focusLater(() => document.getElementById('people-status'), { force: true });
                      return;
                    }
                    people.set({ ...data, items: data.items.map((x) => (x.id === next.id ? next : x)) });
                    setMessage(m);
                  }}
                />
              ))}
            </ul>
            {data.hasMore && (
              <div class="actions">
                <ActionButton type="button" class="button button-secondary" busy={more.busy} busyLabel="Loading more…" onClick={() => void showMore(data.items)}>
                  Show more people
                </ActionButton>
              </div>
            )}
            {more.error ? <Retry error={more.error} onRetry={() => void showMore(data.items)} busy={more.busy} /> : null}
          </>
        )}
      </Loaded>
      )}
    </>
  );
}
