import { z } from 'zod';
import { JobRole, OrgKind } from './accounts.js';
import { Id, SearchText } from './common.js';
import { cursorParam, cursorText } from './cursor.js';

/** Whose coverage: the whole programme (admins; no orgId), or one organisation and the organisations under it. */
export const CoverageQuery = z.object({ orgId: Id.optional() });

/** How the organisations of the coverage are ordered: by name, or by share of staff who attended at least one session (lowest or highest first; ties by name; organisations with no staff last). */
export const CoverageOrgsSort = z.enum(['name', 'lowest', 'highest']);
export type CoverageOrgsSort = z.infer<typeof CoverageOrgsSort>;

/**
 * The coverage's figures, with one page of its organisations (`byOrg`): the whole programme
 * has one row per trust, local authority or stand-alone school, tens of thousands of them.
 * `orgsQ`: only those whose name holds it, any case.
 */
/** When the figures in view were counted (their `asOf`): another page, or the spreadsheet, of those same figures while the server keeps them; otherwise counted afresh. */
const FiguresAsOf = z.string().datetime().optional();

export const CoverageFiguresQuery = CoverageQuery.extend({
  asOf: FiguresAsOf,
  orgsLimit: z.coerce.number().int().min(1).max(200).default(50),
  orgsOffset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  orgsSort: CoverageOrgsSort.default('name'),
  orgsQ: SearchText.optional(),
});

/** The figures a coverage page can download as CSV. */
export const CoverageFigure = z.enum(['schools', 'roles', 'weekly', 'courses', 'not_booked']);
export type CoverageFigure = z.infer<typeof CoverageFigure>;
/** `asOf`: the figures in view, as for a page of them (the list of people not yet booked is always read as it is now). */
export const CoverageCsvQuery = CoverageQuery.extend({ figure: CoverageFigure, asOf: FiguresAsOf });

/** Course completions per course id. */
const Completed = z.record(z.string(), z.number());

/** Counts for one group of people: staff (active accounts), booked (a seat, ever), attended at least one session, completed each course. */
export const CoverageCounts = z.object({ staff: z.number(), booked: z.number(), attended: z.number(), completed: Completed });
export type CoverageCounts = z.infer<typeof CoverageCounts>;

/** The counts of one organisation (in the whole programme: a trust, local authority or stand-alone school, its schools together). */
/** `includes`: found by a search for a school's name, the schools counted in this row (a trust's) that match it. */
/**
 * `urn`: the school's URN, if it has one: England has many schools of one name ("St Mary's …").
 * `nameShared`: another organisation in the scope (on any page) has the same name, so the URN is what tells them apart.
 */
/**
 * `ownStaff`: only on the row of a trust's or local authority's own people in its figures (its
 * central staff, at none of its schools), the kind of organisation it is: that row is no school,
 * and is named so (ownStaffLabel). Left out when it has no one.
 */
export const CoverageOrgRow = CoverageCounts.extend({ orgId: z.string(), name: z.string(), urn: z.string().nullable().optional(), nameShared: z.boolean().optional(), includes: z.array(z.string()).optional(), ownStaff: OrgKind.optional() });
export type CoverageOrgRow = z.infer<typeof CoverageOrgRow>;

export const Coverage = z.object({
  /** When these figures were counted. Another page of them, asked for with this, shows the same figures (while the server keeps them, up to 15 minutes). */
  asOf: z.string(),
  scope: z.object({ kind: z.enum(['programme', 'group', 'school']), orgId: z.string().nullable(), name: z.string() }),
  totals: CoverageCounts,
  courses: z.array(z.object({ courseId: z.string(), title: z.string(), partsRequired: z.number() })),
  /**
   * One page of the organisations in scope (the whole programme: per trust, local authority or
   * stand-alone school), as `orgsLimit`, `orgsOffset`, `orgsSort` and `orgsQ` ask; the CSV
   * (`figure=schools`) holds every one.
   */
  byOrg: z.array(CoverageOrgRow),
  /** How many organisations match `orgsQ` in all (every page). */
  byOrgTotal: z.number(),
  /** The organisation with the highest share of staff who attended at least one session, of all in scope (ties by name; null when none has staff). */
  byOrgHighest: z.object({ orgId: z.string(), name: z.string(), urn: z.string().nullable().optional(), nameShared: z.boolean().optional(), ownStaff: OrgKind.optional(), attended: z.number(), staff: z.number() }).nullable(),
  /** Per job role; null: not stated. Every role is listed, with zeros. */
  byRole: z.array(CoverageCounts.extend({ jobRole: JobRole.nullable() })),
  /** Monday-start weeks (UTC dates) from the first with anything to the current one (at most 104). */
  weekly: z.array(z.object({ weekStart: z.string(), firstAttended: z.number(), completions: z.number(), attendedToDate: z.number(), completionsToDate: z.number() })),
});
export type Coverage = z.infer<typeof Coverage>;

export const NotBookedPerson = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  jobRole: JobRole.nullable(),
  /** On a waiting list (or offered a seat) now. */
  waiting: z.boolean(),
  /** Whether the viewer can book this person (office: their own organisation's people; admin: anyone). */
  canBook: z.boolean(),
});
/**
 * Where a page of the people not yet booked starts: after the person last seen, by the sort
 * key the list is ordered by (their organisation's name as an alphabetical list has it, the
 * organisation's id, their name so, their id), as the `next` of the page before gave it.
 */
export const NotBookedCursor = cursorParam(z.tuple([cursorText(2000), cursorText(100, 1), cursorText(2000), cursorText(100, 1)]), 6000);

/**
 * Which people not yet booked to answer: one page of them (staff in scope, by organisation,
 * name and id), `q` only those whose name or email holds it, any case (`%` and `_` literal);
 * `after`: those after the person it names (the `next` of the page before; none: from the
 * first). `offset` (skip that many first) still works for scripts written before cursors, but
 * people who book meanwhile leave the list and move the rows under it: it cannot be given
 * with `after`, and the page does not use it.
 */
export const NotBookedQuery = CoverageQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  q: SearchText.optional(),
  after: NotBookedCursor.optional(),
}).refine((v) => !(v.after && v.offset > 0), { path: ['offset'], message: 'cannot be given with after: the cursor says where the page starts' });

/** One page of the people not yet booked, by organisation, name and id. */
export const NotBookedList = z.object({
  items: z.array(NotBookedPerson),
  /** How many people not yet booked match `q` in all (every page; without `q`, everyone). */
  total: z.number(),
  /** Whether there are more after this page. */
  hasMore: z.boolean(),
  /** The `after` of the page after this one (null on the last). */
  next: z.string().nullable(),
  /**
   * Whether the whole list (everyone not yet booked in scope, whatever `q` finds) downloads as
   * one spreadsheet (`coverage.csv?figure=not_booked`, every person): false when it holds more
   * people than a report may, which that download refuses (422 `report_too_large`): choose one
   * organisation to narrow it.
   */
  downloadable: z.boolean(),
});
export type NotBookedList = z.infer<typeof NotBookedList>;

/**
 * n of `of` as a percentage to one decimal place, as the page and its spreadsheets both say it:
 * never 100 until everyone has (1,999 of 2,000 is 99.9, not 100, on a page headed "Progress
 * towards 100%"), and never 0 once anyone has (1 of 3,000 is 0.1, not 0). 0 when there is no one.
 */
export function sharePercent(n: number, of: number): number {
  if (of <= 0 || n <= 0) return 0;
  if (n >= of) return 100;
  return Math.min(99.9, Math.max(0.1, Math.round((1000 * n) / of) / 10));
}

/** What the page and its spreadsheet say of a share of a group with nobody in it, in place of "0 of 0 (0%)" or a blank. */
export const NO_STAFF = 'No staff';

/** The name of the row of a trust's or local authority's own staff (ownStaff), as the page and its spreadsheet both say it: "Oak Trust: the trust’s own staff (not at a school)". */
export function ownStaffLabel(name: string, kind: OrgKind): string {
  const whose = kind === 'trust' ? 'the trust’s' : kind === 'local_authority' ? 'the local authority’s' : 'its';
  return `${name}: ${whose} own staff (not at a school)`;
}
