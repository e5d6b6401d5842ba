/**
 * Training coverage (issue 19): how much of the workforce has booked, attended and completed
 * each course, for a school, a trust (its schools together) or the whole programme; by
 * organisation, by job role and week by week. Each chart has its numbers in a table and a
 * CSV download.
 */
import { JOB_ROLE_LABEL } from '../../../shared/accounts.js';
import { Coverage, type CoverageCounts } from '../../../shared/reach.js';
import { api } from '../api.js';
import { Fact, PageHeading, useApp, PendingHeading } from '../components.js';
import { Loaded, useLoad } from '../load.js';
import { formatDay, formatShortDay } from '../format.js';
import { Link } from '../router.js';
import { ColumnChart, Figure, PercentBars } from './charts.js';

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((100 * n) / of));
const ofText = (n: number, of: number) => `${n} of ${of} (${pct(n, of)}%)`;
const qs = (orgId: string | null, extra = '') => {
  const p = new URLSearchParams(extra);
  if (orgId) p.set('orgId', orgId);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export function CoveragePage() {
  const { loc } = useApp();
  const orgId = loc.query.get('orgId');
  const state = useLoad(() => api(`/api/reach/coverage${qs(orgId)}`, Coverage), [orgId]);
  return (
    <>
      <PendingHeading state={state} title="Training coverage" navigated={loc.navigated} />
      <Loaded state={state} what="training coverage">
        {(c) => <CoverageView c={c} orgId={orgId} navigated={loc.navigated} />}
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

function CoverageView({ c, orgId, navigated }: { c: Coverage; orgId: string | null; navigated: boolean }) {
  const title = `Training coverage: ${c.scope.name}`;
  const csv = (figure: string) => `/api/reach/coverage.csv${qs(orgId, `figure=${figure}`)}`;
  const t = c.totals;
  const orgWord = c.scope.kind === 'programme' ? 'trust, local authority or school' : 'school';
  const orgBars = c.byOrg.map((o) => ({ label: o.name, value: o.staff ? o.attended / o.staff : 0, text: `${ofText(o.attended, o.staff)} attended` }));
  const best = [...c.byOrg].filter((o) => o.staff > 0).sort((a, b) => b.attended / b.staff - a.attended / a.staff)[0];
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
          <Link href="/reach">Back to my coverage</Link>
        </p>
      )}
      <p>
        Staff are everyone with an active staff or office account, counted at the organisation they belong to now (people who moved bring their training with them; turned-off accounts are not counted). Booked means a seat on any session; a course is complete once its required parts have been attended.
      </p>
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
        <PercentBars
          id="by-org-chart"
          title={`Share of staff who attended at least one session, by ${orgWord}`}
          summary={
            c.byOrg.length === 0
              ? 'No organisations yet.'
              : `${c.byOrg.length} ${c.byOrg.length === 1 ? orgWord : 'organisations'}. Overall ${ofText(t.attended, t.staff)} staff attended at least one session.${best ? ` Highest: ${best.name}, ${pct(best.attended, best.staff)}%.` : ''}`
          }
          bars={orgBars}
        />
        <table class="stack">
          <caption>By {orgWord}</caption>
          <CountsHead first="Organisation" courses={c.courses} />
          <tbody>
            {c.byOrg.map((o) => (
              <tr key={o.orgId}>
                <th scope="row" data-label="Organisation">
                  {o.orgId !== c.scope.orgId ? <Link href={`/reach?orgId=${encodeURIComponent(o.orgId)}`}>{o.name}</Link> : o.name}
                </th>
                <CountsCells x={o} courses={c.courses} />
              </tr>
            ))}
          </tbody>
        </table>
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
                      {w.weekStart}
                    </th>
                    <td data-label="Attended a first session">{w.firstAttended}</td>
                    <td data-label="Course completions">{w.completions}</td>
                    <td data-label="Attended to date">{w.attendedToDate}</td>
                    <td data-label="Completions to date">{w.completionsToDate}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Figure>

      <Figure id="by-role" heading="By job role" csvHref={csv('roles')} csvName="coverage-roles.csv">
        <PercentBars
          id="by-role-chart"
          title="Share of staff who attended at least one session, by job role"
          summary={c.byRole
            .filter((r) => r.staff > 0)
            .map((r) => `${roleName(r.jobRole)}: ${ofText(r.attended, r.staff)}`)
            .join('. ') || 'No staff yet.'}
          bars={c.byRole.map((r) => ({ label: roleName(r.jobRole), value: r.staff ? r.attended / r.staff : 0, text: `${ofText(r.attended, r.staff)} attended` }))}
        />
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
      </Figure>

      <Figure id="courses" heading="Completions by course" csvHref={csv('courses')} csvName="coverage-courses.csv">
        <PercentBars
          id="courses-chart"
          title="Share of staff who completed each course"
          summary={c.courses.map((k) => `${k.title}: ${ofText(t.completed[k.courseId] ?? 0, t.staff)}`).join('. ') || 'No courses yet.'}
          bars={c.courses.map((k) => ({ label: k.title, value: t.staff ? (t.completed[k.courseId] ?? 0) / t.staff : 0, text: ofText(t.completed[k.courseId] ?? 0, t.staff) }))}
        />
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
      </Figure>
    </>
  );
}
