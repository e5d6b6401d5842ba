/**
 * Training coverage (issue 19): how much of the workforce has booked, attended and completed
 * each course, for a school, a trust (its schools together) or the whole programme; by
 * organisation, by job role and week by week. Each chart has its numbers in a table and a
 * CSV download.
 *
 * The organisations come a page at a time (50): the whole programme has one per trust, local
 * authority and stand-alone school in England, tens of thousands. Found by name and sorted
 * by name or by share attended, kept in the address (`/reach?orgId=&orgsQ=&orgsSort=&orgsPage=`);
 * the CSV holds every one.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { JOB_ROLE_LABEL } from '../../../shared/accounts.js';
import { Coverage, CoverageFiguresQuery, CoverageOrgsSort, NO_STAFF, ownStaffLabel, sharePercent, type CoverageCounts } from '../../../shared/reach.js';
import { api } from '../api.js';
import { described, Fact, Field, PageHeading, Status, useApp, useFocusLater, PendingHeading, TableScroll } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { counted, formatDate, formatDay, formatShortDay, formatTime } from '../format.js';
import { checkSearch, correctTheSearch, Pagination, pageCountText, SearchField } from '../pagination.js';
import { Link, navigate } from '../router.js';
import { ColumnChart, Figure, PercentBars } from './charts.js';

/** How many organisations a page shows. */
const PAGE = 50;

/** As the spreadsheets say it (sharePercent): "99.9", never "100" before everyone; "0.1", never "0" once anyone has. */
const pct = (n: number, of: number) => sharePercent(n, of).toLocaleString('en-GB', { maximumFractionDigits: 1 });
/** "3 of 4 (75%)"; a group with nobody in it says "No staff" (as its spreadsheet does), never "0 of 0 (0%)". */
const ofText = (n: number, of: number) => (of === 0 ? NO_STAFF : `${n.toLocaleString('en-GB')} of ${of.toLocaleString('en-GB')} (${pct(n, of)}%)`);
/** What a bar says at its end: "3 of 4 (75%) attended", or "No staff". */
const attendedText = (n: number, of: number) => (of === 0 ? NO_STAFF : `${ofText(n, of)} attended`);
const qs = (orgId: string | null, extra = '') => {
  const p = new URLSearchParams(extra);
  if (orgId) p.set('orgId', orgId);
  const s = p.toString();
  return s ? `?${s}` : '';
};

const SORT_LABEL: Record<CoverageOrgsSort, string> = { name: 'By name', lowest: 'Lowest first', highest: 'Highest first' };
const SORT_HINT = 'Lowest and highest: by share of staff who attended at least one session.';
/** How the count line says the order: "…, lowest share first." */
const SORT_WORDS: Record<CoverageOrgsSort, string> = { name: 'by name', lowest: 'lowest share first', highest: 'highest share first' };

/** Which organisations are shown: found by name, sorted, which page. */
interface OrgsView {
  q: string;
  sort: CoverageOrgsSort;
  page: number;
}

/** The page's address, with the organisations' search, sort and page when not the first, unsorted, unfound. */
function coverageHref(orgId: string | null, { q, sort, page }: OrgsView) {
  const p = new URLSearchParams();
  if (orgId) p.set('orgId', orgId);
  if (q) p.set('orgsQ', q);
  if (sort !== 'name') p.set('orgsSort', sort);
  if (page > 1) p.set('orgsPage', String(page));
  return p.size ? `/reach?${p}` : '/reach';
}

/** The figures shown, what they were found for, and whether they were just counted again (Count again now). */
type Shown = OrgsView & { c: Coverage; recounted: boolean };

/** Whether the service reads the organisations from this far on (its largest offset): a page further on is past the end of any list. */
const offsetTaken = (page: number) => CoverageFiguresQuery.shape.orgsOffset.safeParse((page - 1) * PAGE).success;

export function CoveragePage() {
  const { loc, me } = useApp();
  const orgId = loc.query.get('orgId');
  const typedQ = loc.query.get('orgsQ') ?? '';
  // The search in the address, checked with the schema the service checks it with: one it
  // would refuse (too long, a control character) is said at the field and not sent, and the
  // figures come without it (they are the same: only the organisations listed are found by it).
  const searched = checkSearch(typedQ);
  const q = searched.q ?? '';
  // An unknown sort or page in the address (an old or edited link) is the default.
  const sort = CoverageOrgsSort.safeParse(loc.query.get('orgsSort')).data ?? 'name';
  const page = Math.max(1, Number.parseInt(loc.query.get('orgsPage') ?? '1', 10) || 1);
  // The page is kept while its organisations are found, sorted and paged (main.tsx keys it by
  // organisation): the figures in view stay while the next page of them loads, and carry what
  // they were found for, so the count describes them.
  // Another page, sort or search of the figures in view asks for those same figures (their
  // asOf): the server need not count the whole workforce again, and the pages agree with each
  // other. "Count again now" asks without it.
  const asOf = useRef<string | null>(null);
  const [counts, setCounts] = useState(0);
  const state = useLoad(async () => {
    // A page further on than the service reads (an edited address) is past the end of the
    // list: the figures are asked for with the first page's, and it is said there is no such page.
    const taken = offsetTaken(page);
    const params = new URLSearchParams({ orgsLimit: String(PAGE), orgsOffset: String(taken ? (page - 1) * PAGE : 0), orgsSort: sort });
    if (orgId) params.set('orgId', orgId);
    if (q) params.set('orgsQ', q);
    const same = asOf.current;
    if (same) params.set('asOf', same);
    const c = await api(`/api/reach/coverage?${params}`, Coverage);
    asOf.current = c.asOf;
    return { q, sort, page, c: taken ? c : { ...c, byOrg: [] }, recounted: counts > 0 && !same };
  }, [orgId, typedQ, sort, page, counts]);
  const countAgain = () => {
    asOf.current = null;
    setCounts((n) => n + 1);
  };
  // A search shown (Show): once its organisations are in (or the load failed), focus their count, where the new results start.
  const shownSearch = useRef(false);
  const focusLater = useFocusLater();
  useEffect(() => {
    if (!shownSearch.current || state.loading) return;
    shownSearch.current = false;
    focusLater(() => document.getElementById('orgs-count'), { force: true });
  }, [state.loading]);
  return (
    <>
      <PendingHeading state={state} title="Training coverage" navigated={loc.navigated} />
      <Loaded state={state} what="training coverage">
        {(s) => <CoverageView s={s} orgId={orgId} wholeProgramme={me.role === 'admin'} navigated={loc.navigated} asked={{ q: searched.error ? typedQ : q, sort, page }} searchError={searched.error} onSearch={() => (shownSearch.current = true)} onCountAgain={countAgain} counting={state.loading && asOf.current === null} />}
      </Loaded>
    </>
  );
}

function CountsCells({ x, courses }: { x: CoverageCounts; courses: Coverage['courses'] }) {
  return (
    <>
      <td data-label="Staff">{x.staff}</td>
      <td data-label="Booked">{ofText(x.booked, x.staff)}</td>
      <td data-label="Attended at least one session">{ofText(x.attended, x.staff)}</td>
      {courses.map((k) => (
        <td key={k.courseId} data-label={`Completed ${k.title}`}>
          {ofText(x.completed[k.courseId] ?? 0, x.staff)}
        </td>
      ))}
    </>
  );
}

function CountsHead({ first, courses }: { first: string; courses: Coverage['courses'] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">Staff</th>
        <th scope="col">Booked</th>
        <th scope="col">Attended at least one session</th>
        {courses.map((k) => (
          <th scope="col" key={k.courseId}>
            Completed {k.title}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function CoverageView({
  s,
  orgId,
  wholeProgramme,
  navigated,
  asked,
  searchError,
  onSearch,
  onCountAgain,
  counting,
}: {
  s: Shown;
  orgId: string | null;
  /** Where "Back" goes: an administrator's coverage without an organisation is the whole programme's; office staff's, their own organisation's. */
  wholeProgramme: boolean;
  navigated: boolean;
  asked: OrgsView;
  /** What is wrong with the search in the address, which was not sent (checkSearch). */
  searchError?: string;
  onSearch: () => void;
  onCountAgain: () => void;
  counting: boolean;
}) {
  const { c } = s;
  // A search refused, typed (Show) or in the address, is said at its field, and no organisations
  // are shown as what it found, nor counted as if they were. (A school's coverage has no search.)
  const [typedError, setTypedError] = useState<string | null>(null);
  useEffect(() => setTypedError(null), [asked.q, asked.sort]);
  const searchProblem = c.scope.kind === 'school' ? undefined : (typedError ?? searchError);
  const title = `Training coverage: ${c.scope.name}`;
  // The spreadsheets hold the figures in view (while the server keeps them), not a new count.
  const csv = (figure: string) => `/api/reach/coverage.csv${qs(orgId, new URLSearchParams({ figure, asOf: c.asOf }).toString())}`;
  const t = c.totals;
  const orgWord = c.scope.kind === 'programme' ? 'trust, local authority or school' : 'school';
  // Schools of one name (England has many St Mary's) told apart by their URN, where another in the scope, on any page, shares it.
  // A trust's own people (at none of its schools) are named as theirs, not as one more school.
  const orgName = (o: { name: string; urn?: string | null; nameShared?: boolean; ownStaff?: Coverage['byOrg'][number]['ownStaff'] }) =>
    o.ownStaff ? ownStaffLabel(o.name, o.ownStaff) : o.nameShared && o.urn ? `${o.name} (URN ${o.urn})` : o.name;
  const orgBars = c.byOrg.map((o) => ({ label: orgName(o), value: o.staff ? o.attended / o.staff : 0, text: attendedText(o.attended, o.staff) }));
  // A highest share of none is no highest: with no one attended anywhere yet, it says so instead.
  const best = c.byOrgHighest && c.byOrgHighest.attended > 0 ? c.byOrgHighest : null;
  const noneYet = c.byOrgHighest !== null && c.byOrgHighest !== undefined && c.byOrgHighest.attended === 0;
  const total = c.byOrgTotal;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const count = searchProblem ? correctTheSearch('organisations') : pageCountText({ page: s.page, perPage: PAGE, shown: c.byOrg.length, total, q: s.q, of: (n) => counted(n, 'organisation'), none: (q) => (q ? `No organisation matches “${q}”.` : 'No organisations yet.'), after: `, ${SORT_WORDS[s.sort]}` });
  const weekCols = c.weekly.map((w) => ({ label: formatShortDay(w.weekStart), value: w.completions }));
  const totalCompletions = c.weekly.reduce((s, w) => s + w.completions, 0);
  const busiest = [...c.weekly].sort((a, b) => b.completions - a.completions)[0];
  const roleName = (j: Coverage['byRole'][number]['jobRole']) => (j ? JOB_ROLE_LABEL[j] : 'Not stated');
  return (
    <>
      <PageHeading title={title} navigated={navigated}>
        {title}
      </PageHeading>
      {c.scope.kind !== 'programme' && orgId && (
        <p class="back">
          <Link href="/reach">{wholeProgramme ? 'Back to coverage for the whole programme' : 'Back to my coverage'}</Link>
        </p>
      )}
      <p>
        Staff are everyone with an active staff or office account, counted at the organisation they belong to now (people who moved bring their training with them; turned-off accounts are not counted). Booked means a seat on any session; a course is complete once its required parts have been attended.
      </p>
      <div class="as-of">
        <p id="coverage-as-of">
          Figures as at {formatTime(c.asOf)} on {formatDate(c.asOf)}.
        </p>
        <button type="button" class="button button-secondary" aria-disabled={counting ? 'true' : undefined} onClick={() => !counting && onCountAgain()}>
          {counting ? 'Counting…' : 'Count again now'}
        </button>
      </div>
      <Status message={s.recounted ? `Counted again: figures as at ${formatTime(c.asOf)}.` : ''} />
      <dl class="facts facts-wide">
        <Fact label="Staff">{t.staff}</Fact>
        <Fact label="Booked">{ofText(t.booked, t.staff)}</Fact>
        <Fact label="Attended at least one session">{ofText(t.attended, t.staff)}</Fact>
        {c.courses.map((k) => (
          <Fact key={k.courseId} label={`Completed ${k.title}`}>
            {ofText(t.completed[k.courseId] ?? 0, t.staff)}
          </Fact>
        ))}
      </dl>
      <p>
        <Link href={`/reach/not-booked${qs(orgId)}`}>Staff not yet booked</Link>
      </p>

      <Figure id="by-org" heading={`Progress towards 100% by ${orgWord}`} csvHref={csv('schools')} csvName="coverage-schools.csv">
        {c.scope.kind !== 'school' && <OrgsFilters orgId={orgId} asked={asked} error={searchProblem} onRefused={setTypedError} onSearch={onSearch} />}
        {/* A search shown or another page of organisations focuses this. */}
        <p role="status" class="count" id="orgs-count" tabIndex={-1}>
          {count}
        </p>
        {best && (
          <p>
            Highest share of all: {orgName(best)}, {ofText(best.attended, best.staff)} attended at least one session.
          </p>
        )}
        {noneYet && <p>No one at any {orgWord} has attended a session yet.</p>}
        {!searchProblem && c.byOrg.length > 0 && (
          <>
            <PercentBars
              id="by-org-chart"
              title={`Share of staff who attended at least one session, by ${orgWord}`}
              summary={`${count} Overall ${ofText(t.attended, t.staff)} staff attended at least one session.${best ? ` Highest of all: ${orgName(best)}, ${pct(best.attended, best.staff)}%.` : ''}`}
              bars={orgBars}
            />
            <TableScroll label={`By ${orgWord}`}>
              <table class="stack">
                <caption>
                  By {orgWord}
                  {pages > 1 && <span class="visually-hidden">, page {s.page} of {pages}</span>}
                </caption>
                <CountsHead first="Organisation" courses={c.courses} />
                <tbody>
                  {c.byOrg.map((o) => (
                    <tr key={o.orgId}>
                      <th scope="row" data-label="Organisation">
                        {o.orgId !== c.scope.orgId ? <Link href={`/reach?orgId=${encodeURIComponent(o.orgId)}`}>{orgName(o)}</Link> : orgName(o)}
                        {o.includes && <span class="row-includes">, which includes {o.includes.join(', ')}</span>}
                      </th>
                      <CountsCells x={o} courses={c.courses} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        )}
        {!searchProblem && <Pagination label="Pages of organisations" page={s.page} pages={pages} href={(n) => coverageHref(orgId, { q: s.q, sort: s.sort, page: n })} resultsId="orgs-count" />}
      </Figure>

      <Figure id="weekly" heading="Completions per week" csvHref={csv('weekly')} csvName="coverage-weekly.csv">
        {c.weekly.length === 0 ? (
          <p>No one has attended a session yet.</p>
        ) : (
          <>
            <ColumnChart
              id="weekly-chart"
              title="Course completions per week"
              summary={`${totalCompletions} course completions over ${c.weekly.length} weeks from the week of ${formatDay(c.weekly[0]!.weekStart)}.${busiest && busiest.completions > 0 ? ` Most in the week of ${formatDay(busiest.weekStart)}: ${busiest.completions}.` : ''} ${c.weekly[c.weekly.length - 1]!.attendedToDate} people have attended a session so far.`}
              columns={weekCols}
            />
            <TableScroll label="Week by week">
              <table class="stack">
                <caption>Week by week (weeks start on Monday)</caption>
                <thead>
                  <tr>
                    <th scope="col">Week starting</th>
                    <th scope="col">Attended a first session</th>
                    <th scope="col">Course completions</th>
                    <th scope="col">Attended to date</th>
                    <th scope="col">Completions to date</th>
                  </tr>
                </thead>
                <tbody>
                  {c.weekly.map((w) => (
                    <tr key={w.weekStart}>
                      <th scope="row" data-label="Week starting">
                        {/* "9 March 2026", never "2026-03-09" (read in the UK as the 3rd of September when shortened). */}
                        <time dateTime={w.weekStart}>{formatDay(w.weekStart)}</time>
                      </th>
                      <td data-label="Attended a first session">{w.firstAttended}</td>
                      <td data-label="Course completions">{w.completions}</td>
                      <td data-label="Attended to date">{w.attendedToDate}</td>
                      <td data-label="Completions to date">{w.completionsToDate}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        )}
      </Figure>

      <Figure id="by-role" heading="By job role" csvHref={csv('roles')} csvName="coverage-roles.csv">
        <PercentBars
          id="by-role-chart"
          title="Share of staff who attended at least one session, by job role"
          summary={[
            ...c.byRole.filter((r) => r.staff > 0).map((r) => `${roleName(r.jobRole)}: ${ofText(r.attended, r.staff)}`),
            ...(t.staff > 0 && c.byRole.some((r) => r.staff === 0) ? [`No staff: ${c.byRole.filter((r) => r.staff === 0).map((r) => roleName(r.jobRole)).join(', ')}`] : []),
          ].join('. ') || 'No staff yet.'}
          bars={c.byRole.map((r) => ({ label: roleName(r.jobRole), value: r.staff ? r.attended / r.staff : 0, text: attendedText(r.attended, r.staff) }))}
        />
        <TableScroll label="By job role">
          <table class="stack">
            <caption>By job role</caption>
            <CountsHead first="Job role" courses={c.courses} />
            <tbody>
              {c.byRole.map((r) => (
                <tr key={r.jobRole ?? 'none'}>
                  <th scope="row" data-label="Job role">
                    {roleName(r.jobRole)}
                  </th>
                  <CountsCells x={r} courses={c.courses} />
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Figure>

      <Figure id="courses" heading="Completions by course" csvHref={csv('courses')} csvName="coverage-courses.csv">
        {c.courses.length === 0 ? (
          <p>There are no courses yet, so no one has completed one.</p>
        ) : (
          <>
            <PercentBars
              id="courses-chart"
              title="Share of staff who completed each course"
              summary={c.courses.map((k) => `${k.title}: ${ofText(t.completed[k.courseId] ?? 0, t.staff)}`).join('. ')}
              bars={c.courses.map((k) => ({ label: k.title, value: t.staff ? (t.completed[k.courseId] ?? 0) / t.staff : 0, text: ofText(t.completed[k.courseId] ?? 0, t.staff) }))}
            />
            <TableScroll label="By course">
              <table class="stack">
                <caption>By course</caption>
                <thead>
                  <tr>
                    <th scope="col">Course</th>
                    <th scope="col">Parts to attend</th>
                    <th scope="col">Completed</th>
                  </tr>
                </thead>
                <tbody>
                  {c.courses.map((k) => (
                    <tr key={k.courseId}>
                      <th scope="row" data-label="Course">
                        {k.title}
                      </th>
                      <td data-label="Parts to attend">{k.partsRequired}</td>
                      <td data-label="Completed">{ofText(t.completed[k.courseId] ?? 0, t.staff)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        )}
      </Figure>
    </>
  );
}

/**
 * Find organisations by name and sort them; applied with Show, as a new address (kept there).
 * A search the shared schema refuses is not shown: `onRefused` is told, and `error` says it at the field.
 */
function OrgsFilters({ orgId, asked, error, onRefused, onSearch }: { orgId: string | null; asked: OrgsView; error?: string; onRefused: (error: string | null) => void; onSearch: () => void }) {
  const [text, setText] = useState(asked.q);
  const [sort, setSort] = useState<CoverageOrgsSort>(asked.sort);
  // The fields follow the address (Back, Forward): the page is kept while it changes.
  useEffect(() => {
    setText(asked.q);
    setSort(asked.sort);
  }, [asked.q, asked.sort]);
  return (
    <form
      class="filters"
      role="search"
      aria-label="Organisations"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const checked = checkSearch(text);
        onRefused(checked.error ?? null);
        if (checked.error !== undefined) {
          document.getElementById('orgs-q')?.focus();
          return;
        }
        navigate(coverageHref(orgId, { q: checked.q, sort, page: 1 }));
        onSearch();
      }}
    >
      <SearchField id="orgs-q" label="Find an organisation" value={text} error={error} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
      <Field id="orgs-sort" label="Sort" hint={SORT_HINT}>
        {/* Applied with Show, as the name is: choosing never reloads the figures by itself. */}
        <select id="orgs-sort" name="orgsSort" {...described('orgs-sort', SORT_HINT, undefined)} value={sort} onChange={(e) => setSort(CoverageOrgsSort.safeParse((e.currentTarget as HTMLSelectElement).value).data ?? 'name')}>
          {CoverageOrgsSort.options.map((k) => (
            <option key={k} value={k}>
              {SORT_LABEL[k]}
            </option>
          ))}
        </select>
      </Field>
      <div class="field field-action">
        <button type="submit" class="button">
          Show
        </button>
      </div>
    </form>
  );
}
