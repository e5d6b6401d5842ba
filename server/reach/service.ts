/**
 * The programme's reach: for a school, a trust or local authority (its schools together) or
 * the whole programme, how many staff there are, how many booked, attended and completed
 * each course, by organisation, by job role and week by week.
 *
 * Who counts: people whose account role is staff or office (the workforce; trainers and
 * administrators run the programme), whose account is not turned off, counted at the
 * organisation they belong to now. A person who moved school is counted at their new
 * school, with everything they booked, attended and completed before (their training
 * moved with them); their old school no longer counts them. A turned-off account is not
 * counted anywhere, in staff or in any figure, so no rate can pass 100%.
 *
 * Office staff see their own organisation (a trust's or local authority's office: it and
 * every organisation under it); administrators everything; anyone else nothing.
 */
import { JOB_ROLE_LABEL, type JobRole, type OrgKind } from '../../shared/accounts.js';
import { NO_STAFF, ownStaffLabel, sharePercent, type Coverage, type CoverageCounts, type CoverageFigure, type CoverageOrgRow, type CoverageOrgsSort, type NotBookedList } from '../../shared/reach.js';
import { encodeCursor } from '../../shared/cursor.js';
import { orgsActableBy } from '../accounts/acting.js';
import { AppError } from '../errors.js';
import { perDatabase, type Deps } from '../platform/deps.js';
import { writeCsv } from '../platform/csv.js';
import type { AuthUser } from '../platform/http.js';
import { dayInEngland } from '../platform/range.js';
import * as repo from './repository.js';
import { viewerFor } from '../bookings/repository.js';

const JOB_ROLES: (JobRole | null)[] = ['teacher', 'teaching_assistant', 'support_staff', 'leadership', 'early_years', null];

interface ResolvedScope {
  kind: 'programme' | 'group' | 'school';
  org: { id: string; name: string; kind: OrgKind } | null;
  people: repo.PeopleScope;
  /** Organisation id -> the row its figures are shown under (the organisation itself, or for the programme its top-level organisation), with its URN to tell schools of one name apart. */
  rowOf: Map<string, { id: string; name: string; urn: string | null }>;
  /** For the programme: every organisation's own name (a school's, shown under its trust's row). */
  nameOf?: Map<string, string>;
}

/**
 * Refuses `actor` the coverage of `orgId` (none: their own; an administrator's: the whole
 * programme) unless they may see it. Answers the organisation asked about, if one.
 */
async function requireReader(deps: Deps, actor: AuthUser, orgId: string | undefined): Promise<{ id: string; name: string; kind: OrgKind; urn: string | null } | null> {
  if (actor.role !== 'admin' && actor.role !== 'office') throw new AppError('forbidden', 'Only school office staff and administrators can see training coverage.');
  if (actor.role === 'admin' && !orgId) return null;
  const targetId = orgId ?? actor.orgId;
  if (!targetId) throw new AppError('forbidden', 'You do not belong to an organisation, so there is no coverage to show.');
  if (actor.role === 'office' && targetId !== actor.orgId) {
    const mine = await repo.descendantOrgs(deps.db, actor.orgId ?? '');
    if (!mine.some((o) => o.id === targetId)) throw new AppError('forbidden', 'You can see the coverage of your own organisation (and the schools under it) only.');
  }
  const [org] = await repo.orgsByIds(deps.db, [targetId]);
  if (!org) throw new AppError('not_found', 'No such organisation.');
  return org;
}

/** The scope `actor` asked for, if they may see it. */
async function resolveScope(deps: Deps, actor: AuthUser, orgId: string | undefined): Promise<ResolvedScope> {
  const org = await requireReader(deps, actor, orgId);
  if (!org) {
    const all = await repo.allOrgs(deps.db);
    const byId = new Map(all.map((o) => [o.id, o]));
    const top = (id: string) => {
      let o = byId.get(id)!;
      for (let i = 0; i < 10 && o.parent_id && byId.has(o.parent_id); i++) o = byId.get(o.parent_id)!;
      return { id: o.id, name: o.name, urn: o.urn };
    };
    return { kind: 'programme', org: null, people: { kind: 'all' }, rowOf: new Map(all.map((o) => [o.id, top(o.id)])), nameOf: new Map(all.map((o) => [o.id, o.name])) };
  }
  const under = await repo.descendantOrgs(deps.db, org.id);
  const orgs = [org, ...under];
  return {
    kind: under.length ? 'group' : 'school',
    org: { id: org.id, name: org.name, kind: org.kind },
    // Counted on the sessions the reader may see: a trust's office does not count its schools' own in-house sessions.
    people: { kind: 'orgs', orgIds: orgs.map((o) => o.id), seenBy: await viewerFor(deps.db, actor) },
    rowOf: new Map(orgs.map((o) => [o.id, { id: o.id, name: o.name, urn: o.urn }])),
  };
}

const zero = (): CoverageCounts => ({ staff: 0, booked: 0, attended: 0, completed: {} });
function add(into: CoverageCounts, c: { staff?: number; booked?: number; attended?: number }) {
  into.staff += c.staff ?? 0;
  into.booked += c.booked ?? 0;
  into.attended += c.attended ?? 0;
}
function addCompleted(into: CoverageCounts, courseId: string, n: number) {
  into.completed[courseId] = (into.completed[courseId] ?? 0) + n;
}

const DAY = 86_400_000;
/** The Monday of the week holding `day` (YYYY-MM-DD, a day in England). */
function weekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * DAY).toISOString().slice(0, 10);
}

/** Which organisations of the coverage to answer (`byOrg`): see CoverageFiguresQuery. */
export interface OrgsPage {
  limit: number;
  offset: number;
  sort: CoverageOrgsSort;
  /** Only those whose name holds it, any case (empty: every one). */
  q?: string;
}
export const FIRST_ORGS_PAGE: OrgsPage = { limit: 50, offset: 0, sort: 'name' };

/**
 * `within`: in the whole programme's figures, the names of the schools counted in each row
 * (a trust's or local authority's), so a search by a school's name finds the row it is in.
 */
type AllFigures = Omit<Coverage, 'byOrg' | 'byOrgTotal' | 'byOrgHighest'> & { byOrg: CoverageOrgRow[]; within: Map<string, string[]> };
/** The most school names a row found by them lists ("includes Hill Primary, …"). */
const INCLUDES_SHOWN = 5;

const byName = (a: CoverageOrgRow, b: CoverageOrgRow) => a.name.localeCompare(b.name) || a.orgId.localeCompare(b.orgId);
/** a's share of staff who attended at least one session against b's (both with staff), exactly (no division). */
const byShare = (a: CoverageOrgRow, b: CoverageOrgRow) => a.attended * b.staff - b.attended * a.staff;
/** The order of `sort`: by name; or by share, lowest or highest first, ties by name, organisations with no staff last. */
function orgOrder(sort: CoverageOrgsSort) {
  if (sort === 'name') return byName;
  const sign = sort === 'lowest' ? 1 : -1;
  return (a: CoverageOrgRow, b: CoverageOrgRow) => {
    if (!a.staff || !b.staff) return (a.staff ? 0 : 1) - (b.staff ? 0 : 1) || byName(a, b);
    return sign * byShare(a, b) || byName(a, b);
  };
}

/**
 * Figures counted for a reader, kept so that turning the pages of their organisations,
 * sorting and searching them (which ask again with the `asOf` of the figures in view) neither
 * counts the whole workforce again (a programme's is hundreds of thousands of people: about
 * half a second per 80,000) nor shifts the rows under the reader between pages. Kept in this
 * process per reader and scope, for SNAPSHOT_MS at most, SNAPSHOT_ROWS organisation rows in
 * all (the least recently used dropped first); asked for without `asOf` (a first look, Count
 * again now), or with one no longer kept (or kept by another process), counted afresh.
 */
const SNAPSHOT_MS = 15 * 60_000;
/** At most this many organisation rows kept in all (a programme's figures hold one per trust, local authority or stand-alone school). */
const SNAPSHOT_ROWS = 200_000;
const snapshots = perDatabase(() => new Map<string, { figures: AllFigures; countedFor: string }>());

/**
 * Who figures were counted for: the reader's role and organisation decide what they cover
 * (whose sessions count, which organisation "their own" is). Kept figures are answered only
 * to a reader who is still that: one moved to another school, or made office staff from an
 * administrator, is counted afresh.
 */
const countedFor = (actor: AuthUser) => `${actor.role} ${actor.orgId ?? ''}`;

async function figuresAsOf(deps: Deps, actor: AuthUser, orgId: string | undefined, asOf: string | undefined): Promise<AllFigures> {
  const kept = snapshots(deps);
  const key = `${actor.id} ${orgId ?? ''}`;
  const held = kept.get(key);
  const now = deps.now().getTime();
  kept.delete(key);
  if (held && asOf !== undefined && held.figures.asOf === asOf && held.countedFor === countedFor(actor) && now - Date.parse(asOf) < SNAPSHOT_MS) {
    // Whether the reader may still see them is asked every time.
    await requireReader(deps, actor, orgId);
    kept.set(key, held); // the most recently used last: the first in the map is the first to go
    return held.figures;
  }
  const counted = await allFigures(deps, actor, orgId);
  kept.set(key, { figures: counted, countedFor: countedFor(actor) });
  let rows = 0;
  for (const k of kept.values()) rows += k.figures.byOrg.length;
  for (const [k, f] of kept) {
    if (rows <= SNAPSHOT_ROWS || k === key) break;
    kept.delete(k);
    rows -= f.figures.byOrg.length;
  }
  return counted;
}

/**
 * Coverage for the scope `actor` asked for (none: their own organisation; an administrator:
 * the whole programme), with one page of its organisations (`page`), how many match its
 * search in all, and which of all of them has the highest share attended. With the `asOf`
 * of figures this reader was answered (another page of them), those same figures while kept.
 */
export async function coverage(deps: Deps, actor: AuthUser, orgId?: string, page: OrgsPage = FIRST_ORGS_PAGE, asOf?: string): Promise<Coverage> {
  const { within, ...all } = await figuresAsOf(deps, actor, orgId, asOf);
  const q = page.q?.trim().toLowerCase() ?? '';
  // A school in a trust is counted in the trust's row: found by its own name too, which the row then names.
  const found = (o: CoverageOrgRow): CoverageOrgRow | null => {
    if (o.name.toLowerCase().includes(q)) return o;
    const includes = (within.get(o.orgId) ?? []).filter((n) => n.toLowerCase().includes(q));
    return includes.length ? { ...o, includes: includes.slice(0, INCLUDES_SHOWN) } : null;
  };
  const matching = q ? all.byOrg.flatMap((o) => found(o) ?? []) : all.byOrg;
  // The first in "highest" order, found in one pass (not by sorting every organisation).
  const first = orgOrder('highest');
  const highest = all.byOrg.reduce<CoverageOrgRow | undefined>((best, o) => (o.staff > 0 && (!best || first(o, best) < 0) ? o : best), undefined);
  // Names more than one organisation of the scope has (on any page): those rows are told apart by URN.
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const o of all.byOrg) (seen.has(o.name) ? shared : seen).add(o.name);
  const told = <T extends { name: string }>(o: T) => ({ ...o, nameShared: shared.has(o.name) });
  return {
    ...all,
    byOrg: (page.sort === 'name' ? matching : [...matching].sort(orgOrder(page.sort))).slice(page.offset, page.offset + page.limit).map(told),
    byOrgTotal: matching.length,
    byOrgHighest: highest ? told({ orgId: highest.orgId, name: highest.name, urn: highest.urn ?? null, ...(highest.ownStaff ? { ownStaff: highest.ownStaff } : {}), attended: highest.attended, staff: highest.staff }) : null,
  };
}

/** Every figure of the coverage, every organisation by name (for the page, which answers one page of them, and the CSV, which holds them all). */
async function allFigures(deps: Deps, actor: AuthUser, orgId?: string): Promise<AllFigures> {
  const asOf = deps.now().toISOString();
  const scope = await resolveScope(deps, actor, orgId);
  const [counts, completions, perDay, firstPerDay, courses] = await Promise.all([
    repo.workforceCounts(deps.db, scope.people),
    repo.completionCounts(deps.db, scope.people),
    repo.completionsPerDay(deps.db, scope.people),
    repo.firstAttendancePerDay(deps.db, scope.people),
    repo.allCourses(deps.db),
  ]);

  const totals = zero();
  const byOrg = new Map<string, CoverageOrgRow>();
  const orgRow = (orgId: string) => {
    const row = scope.rowOf.get(orgId) ?? { id: orgId, name: 'Unknown organisation', urn: null };
    let r = byOrg.get(row.id);
    if (!r) byOrg.set(row.id, (r = { orgId: row.id, name: row.name, urn: row.urn, ...zero() }));
    return r;
  };
  const byRole = new Map(JOB_ROLES.map((j) => [j, { jobRole: j, ...zero() }]));
  for (const c of counts) {
    add(totals, c);
    add(orgRow(c.orgId), c);
    add(byRole.get(c.jobRole)!, c);
  }
  for (const c of completions) {
    addCompleted(totals, c.courseId, c.completed);
    addCompleted(orgRow(c.orgId), c.courseId, c.completed);
    addCompleted(byRole.get(c.jobRole)!, c.courseId, c.completed);
  }
  // In a school or trust, every organisation is listed, even with nobody in it yet.
  if (scope.kind !== 'programme') for (const o of scope.rowOf.keys()) orgRow(o);
  // A trust's (or local authority's) own people, at none of its schools, are no school: their
  // row is named as theirs (ownStaff), and left out when there is no one.
  if (scope.kind === 'group' && scope.org) {
    const own = byOrg.get(scope.org.id);
    if (own && own.staff === 0) byOrg.delete(scope.org.id);
    else if (own) own.ownStaff = scope.org.kind;
  }
  const within = new Map<string, string[]>();
  if (scope.kind === 'programme') {
    for (const [id, row] of scope.rowOf) {
      if (id === row.id || !byOrg.has(row.id)) continue;
      const names = within.get(row.id) ?? [];
      names.push(scope.nameOf?.get(id) ?? '');
      within.set(row.id, names);
    }
    for (const names of within.values()) names.sort((a, b) => a.localeCompare(b));
  }

  return {
    asOf,
    scope: { kind: scope.kind, orgId: scope.org?.id ?? null, name: scope.org?.name ?? 'The whole programme' },
    totals,
    courses: courses.map((c) => ({ courseId: c.id, title: c.title, partsRequired: Number(c.parts_required) })),
    byOrg: [...byOrg.values()].sort(byName),
    within,
    byRole: [...byRole.values()],
    weekly: weekly(perDay, firstPerDay, deps.now()),
  };
}

function weekly(perDay: { day: string; n: number }[], firstPerDay: { day: string; n: number }[], now: Date): Coverage['weekly'] {
  const completions = new Map<string, number>();
  const first = new Map<string, number>();
  for (const r of perDay) completions.set(weekOf(r.day), (completions.get(weekOf(r.day)) ?? 0) + r.n);
  for (const r of firstPerDay) first.set(weekOf(r.day), (first.get(weekOf(r.day)) ?? 0) + r.n);
  const weeks = [...completions.keys(), ...first.keys()].sort();
  if (weeks.length === 0) return [];
  const last = [weekOf(dayInEngland(now)), weeks[weeks.length - 1]!].sort()[1]!;
  const out: Coverage['weekly'] = [];
  let attendedToDate = 0;
  let completionsToDate = 0;
  for (let t = Date.parse(`${weeks[0]}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 7 * DAY) {
    const w = new Date(t).toISOString().slice(0, 10);
    attendedToDate += first.get(w) ?? 0;
    completionsToDate += completions.get(w) ?? 0;
    out.push({ weekStart: w, firstAttended: first.get(w) ?? 0, completions: completions.get(w) ?? 0, attendedToDate, completionsToDate });
  }
  return out.slice(-104);
}

type NotBookedRow = Awaited<ReturnType<typeof repo.notBooked>>[number];
const notBookedPerson = (r: NotBookedRow) => ({
  userId: r.id,
  name: r.name,
  email: r.email,
  orgId: r.org_id!,
  orgName: r.org_name ?? '',
  jobRole: (r.job_role ?? null) as JobRole | null,
  waiting: Boolean(Number(r.waiting)),
});

/** Which people not yet booked to answer: see NotBookedQuery. */
export interface NotBookedPage {
  limit: number;
  /** Skip this many first (API clients written before cursors; the page pages by `after`). */
  offset: number;
  /** Only those whose name or email holds it, any case (empty: every one). */
  q?: string;
  /** Only those after the person with this sort key: where the page before ended. */
  after?: repo.NotBookedKey;
}
export const FIRST_NOT_BOOKED_PAGE: NotBookedPage = { limit: 50, offset: 0 };

/**
 * One page of the staff in scope who have never had a seat (by organisation, name and id;
 * `page.q` finds by name or email; `page.after` starts after the last person of the page
 * before), whether the viewer can book each one, how many match in all, the cursor of the next
 * page, and whether the whole list (not only those found) downloads as one spreadsheet (see
 * coverageCsv). Paged and counted in the database: the same few statements however many.
 */
export async function notBooked(deps: Deps, actor: AuthUser, orgId?: string, page: NotBookedPage = FIRST_NOT_BOOKED_PAGE): Promise<NotBookedList> {
  const scope = await resolveScope(deps, actor, orgId);
  const q = page.q?.trim() || undefined;
  const [rows, counts, actable] = await Promise.all([
    // One more than the page, so the answer knows whether there are more.
    repo.notBooked(deps.db, scope.people, { nowIso: deps.now().toISOString(), limit: page.limit + 1, offset: page.offset, after: page.after, q }),
    repo.countNotBooked(deps.db, scope.people, q),
    orgsActableBy(deps.db, actor),
  ]);
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  const hasMore = rows.length > page.limit;
  return {
    // The office booking API books the people of every organisation the office acts for.
    items: shown.map((r) => ({ ...notBookedPerson(r), canBook: actable.has(r.org_id) })),
    total: counts.matching,
    hasMore,
    // The key as the database wrote it, so the next page's comparison is with exactly what it ordered by.
    next: hasMore && last ? encodeCursor([last.sort_org, last.org_id!, last.sort_name, last.id] satisfies repo.NotBookedKey) : null,
    downloadable: counts.all <= deps.config.maxReportBookings,
  };
}

/**
 * Everyone in scope not yet booked, for the spreadsheet: every person, never cut short. A list
 * longer than a report may be (`maxReportBookings`, as the training record and the cover
 * report) is refused with 422 report_too_large, saying how to narrow it.
 */
async function everyoneNotBooked(deps: Deps, actor: AuthUser, orgId?: string) {
  const scope = await resolveScope(deps, actor, orgId);
  const max = deps.config.maxReportBookings;
  // One more than the bound is read, so a longer list is refused rather than cut short.
  const rows = await repo.notBooked(deps.db, scope.people, { nowIso: deps.now().toISOString(), limit: max + 1 });
  if (rows.length > max) {
    throw new AppError('report_too_large', `More than ${max.toLocaleString('en-GB')} people have not booked a session yet, too many for one spreadsheet: choose one organisation on the Training coverage page and download its list.`, { max });
  }
  return rows.map(notBookedPerson);
}

// A group with nobody in it says so, as the page does (never a blank, nor "0").
const pct = (n: number, of: number) => (of === 0 ? NO_STAFF : String(sharePercent(n, of)));
const roleLabel = (j: JobRole | null) => (j ? JOB_ROLE_LABEL[j] : 'Not stated');

/**
 * One figure of the coverage as CSV (UTF-8 with BOM, CRLF, formula-looking cells neutralised).
 * With the `asOf` of the figures on the reader's page, those same figures while kept (the
 * spreadsheet agrees with the page it was downloaded from), otherwise counted afresh.
 */
export async function coverageCsv(deps: Deps, actor: AuthUser, figure: CoverageFigure, orgId?: string, asOf?: string): Promise<{ csv: string; filename: string }> {
  const write = (columns: string[], rows: (string | number)[][]) => writeCsv([columns, ...rows], { bom: true });
  // Dated as in England (just after midnight in summer it is already tomorrow there), by when
  // the list was read or the figures counted.
  if (figure === 'not_booked') {
    const day = dayInEngland(deps.now());
    const people = await everyoneNotBooked(deps, actor, orgId);
    return {
      csv: write(['name', 'email', 'organisation', 'job role', 'on a waiting list'], people.map((p) => [p.name, p.email, p.orgName, roleLabel(p.jobRole), p.waiting ? 'yes' : 'no'])),
      filename: `not-booked-${day}.csv`,
    };
  }
  // Every organisation, never one page of them.
  const c = await figuresAsOf(deps, actor, orgId, asOf);
  const day = dayInEngland(new Date(c.asOf));
  const courseCols = c.courses.map((k) => `completed: ${k.title}`);
  const done = (x: CoverageCounts) => c.courses.map((k) => x.completed[k.courseId] ?? 0);
  const base = (x: CoverageCounts) => [x.staff, x.booked, pct(x.booked, x.staff), x.attended, pct(x.attended, x.staff)];
  const baseCols = ['staff', 'booked', 'booked %', 'attended at least one session', 'attended %'];
  let csv: string;
  // The URN last: schools of one name told apart, the columns before it where they were.
  if (figure === 'schools') csv = write(['organisation', ...baseCols, ...courseCols, 'urn'], c.byOrg.map((o) => [o.ownStaff ? ownStaffLabel(o.name, o.ownStaff) : o.name, ...base(o), ...done(o), o.urn ?? '']));
  else if (figure === 'roles') csv = write(['job role', ...baseCols, ...courseCols], c.byRole.map((r) => [roleLabel(r.jobRole), ...base(r), ...done(r)]));
  else if (figure === 'weekly') csv = write(['week starting', 'attended a first session', 'course completions', 'attended to date', 'course completions to date'], c.weekly.map((w) => [w.weekStart, w.firstAttended, w.completions, w.attendedToDate, w.completionsToDate]));
  else csv = write(['course', 'parts required', 'staff', 'completed', 'completed %'], c.courses.map((k) => [k.title, k.partsRequired, c.totals.staff, c.totals.completed[k.courseId] ?? 0, pct(c.totals.completed[k.courseId] ?? 0, c.totals.staff)]));
  return { csv, filename: `coverage-${figure}-${day}.csv` };
}
