import { z } from 'zod';
import { Id, Instant, Line, RangeEdge, Text, TimeZone } from './common.js';
import { SessionFit } from './timetables.js';

export const Mode = z.enum(['online', 'in_person', 'hybrid']);
export type Mode = z.infer<typeof Mode>;
export const SeatKind = z.enum(['in_person', 'online']);
export type SeatKind = z.infer<typeof SeatKind>;
/** A session's mode and a seat kind in words, as the pages show them and the office's bookings spreadsheet writes them. */
export const modeLabel: Record<Mode, string> = { online: 'Online', in_person: 'In person', hybrid: 'Hybrid (in person or online)' };
export const seatLabel: Record<SeatKind, string> = { online: 'Online', in_person: 'In person' };
/** A seat kind as a word before a noun ("an in-person seat", "online seats", "the in-person hold"). */
export const seatAdjective: Record<SeatKind, string> = { online: 'online', in_person: 'in-person' };

/**
 * Where a session is, for finding one near you: one of England's nine regions (the ONS
 * regions, which every school's local authority sits in), or "Online / national" for a
 * session meant for anyone anywhere. A fixed list rather than free text, so a filter finds
 * every session of a region however its trainer would have spelt it; the venue says exactly
 * where. Codes are stable (stored and in addresses); labels are what people read.
 */
export const AREAS = [
  ['north-east', 'North East'],
  ['north-west', 'North West'],
  ['yorkshire-humber', 'Yorkshire and the Humber'],
  ['east-midlands', 'East Midlands'],
  ['west-midlands', 'West Midlands'],
  ['east', 'East of England'],
  ['london', 'London'],
  ['south-east', 'South East'],
  ['south-west', 'South West'],
  ['national', 'Online / national'],
] as const;
export type Area = (typeof AREAS)[number][0];
const AREA_CODES = AREAS.map(([code]) => code) as [Area, ...Area[]];
export const Area = z.enum(AREA_CODES, { error: `must be one of the areas: ${AREA_CODES.join(', ')}` });
/** The name people read for an area code. */
export const areaLabel = (code: Area): string => AREAS.find(([c]) => c === code)![1];
/** A part of a course (1..20): a course is complete once a session of each required part is attended. */
export const CoursePart = z.number().int('must be a whole number').min(1, 'must be at least 1').max(20, 'must be at most 20');

const Capacity = z.number().int('must be a whole number').min(0, 'must not be negative').max(100_000, 'must be 100,000 or fewer');

export const CapacityInput = z.object({ inPerson: Capacity.optional(), online: Capacity.optional() }).strict();

/** An instant a session can sensibly have: from 2000 to the end of 2100 (years outside are typing slips). */
const SessionInstant = Instant.refine((v) => {
  const t = Date.parse(v);
  return t >= Date.UTC(2000, 0, 1) && t < Date.UTC(2101, 0, 1);
}, 'must be between the years 2000 and 2100');

/**
 * Who a session is for: the whole programme (everyone), one organisation's staff only, or a
 * trust or local authority and every school under it (in-house training). People outside
 * see nothing of it.
 */
export const AudienceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('programme') }).strict(),
  z.object({ kind: z.literal('organisation'), orgId: Id }).strict(),
  z.object({ kind: z.literal('trust'), orgId: Id }).strict(),
]);
export type AudienceInput = z.infer<typeof AudienceInput>;
export const AudienceKind = z.enum(['programme', 'organisation', 'trust']);
export const Audience = z.object({ kind: AudienceKind, orgId: z.string().nullable(), /** The organisation's name (null for the programme). */ orgName: z.string().nullable() });
export type Audience = z.infer<typeof Audience>;

/**
 * Who a session is for, in the words exports use to tell in-house training apart:
 * `programme`, or `in-house: <organisation>` (`… and its schools` for a trust's session).
 */
export function audienceLabel(kind: z.infer<typeof AudienceKind>, orgName: string | null | undefined): string {
  if (kind === 'programme') return 'programme';
  return `in-house: ${orgName ?? 'unknown organisation'}${kind === 'trust' ? ' and its schools' : ''}`;
}

/** A member of an organisation's (or its schools') staff who publishes and runs its in-house sessions. */
/** An in-house lead; `accountOff`: their account is turned off, so they run nothing until it is on again (they stay a lead). */
export const InHouseLead = z.object({ userId: z.string(), name: z.string(), email: z.string(), orgId: z.string().nullable(), since: z.string(), accountOff: z.boolean() });
export const InHouseLeadList = z.object({ items: z.array(InHouseLead) });

/** Who a session is for, in words for the people looking at it. */
export function audienceWords(a: Audience): string {
  if (a.kind === 'programme') return 'Everyone in the programme';
  const name = a.orgName ?? 'one organisation';
  return a.kind === 'trust' ? `Staff of ${name} and its schools (in-house)` : `Staff of ${name} only (in-house)`;
}

/**
 * Whether someone of `viewerOrgId` is outside an in-house session's audience, so may have no
 * place on it (the server refuses one: outside_audience), as far as their organisation tells
 * without reading more: someone in no organisation (an administrator, a trainer: they see
 * every session but are no organisation's staff) is outside every in-house session, someone
 * of another organisation outside one organisation's own. A trust's session is its schools'
 * too, which only a read of the organisations tells: the booking engine asks that
 * (`orgInAudience` in server/bookings/repository.ts) before it books anyone. The pages and the
 * server's seat counts (server/bookings/availability.ts) ask this. No audience: everyone's.
 */
export function outsideAudience(a: Pick<Audience, 'kind' | 'orgId'> | undefined, viewerOrgId: string | null | undefined): boolean {
  if (!a || a.kind === 'programme') return false;
  return !viewerOrgId || (a.kind !== 'trust' && a.orgId !== viewerOrgId);
}

const SessionFields = {
  title: Line(200).pipe(z.string().min(1, 'is required')),
  description: Text(10_000).optional(),
  courseId: Id.nullable().optional(),
  /** Which part (1..20) of its course this session is (1 when not given). */
  part: CoursePart.optional(),
  mode: Mode,
  startsAt: SessionInstant,
  endsAt: SessionInstant,
  timeZone: TimeZone.optional(),
  venue: Line(300).nullable().optional(),
  /** The region people find it under (null: none given). */
  area: Area.nullable().optional(),
  capacity: CapacityInput,
  trainerIds: z.array(Id).max(20, 'may name at most 20 trainers').optional(),
  waitlistPolicy: z.enum(['auto', 'offer']).optional(),
  offerHoldMinutes: z.number().int().min(5).max(14 * 24 * 60).optional(),
  bookingClosesAt: SessionInstant.nullable().optional(),
  holdsReleaseAt: SessionInstant.nullable().optional(),
  roomKind: z.enum(['webinar', 'workshop']).optional(),
  attendanceThreshold: z.number().min(0, 'must be from 0 to 1 (none of the session to all of it)').max(1, 'must be from 0 to 1 (none of the session to all of it)').optional(),
  /** Who may see and book it; the whole programme when not given. */
  audience: AudienceInput.optional(),
};

/** The rules that tie fields together; used on create and on the merged result of an edit. */
export interface SessionShape {
  mode: Mode;
  startsAt: string;
  endsAt: string;
  venue?: string | null;
  capacity: { inPerson?: number; online?: number };
  bookingClosesAt?: string | null;
  holdsReleaseAt?: string | null;
}
export function sessionShapeIssues(s: SessionShape): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (Date.parse(s.endsAt) <= Date.parse(s.startsAt)) issues.push({ path: ['endsAt'], message: 'must be after startsAt' });
  // Booking closes when the session ends at the latest: a cut-off or hold release may only be earlier.
  if (s.bookingClosesAt && Date.parse(s.bookingClosesAt) > Date.parse(s.endsAt)) issues.push({ path: ['bookingClosesAt'], message: 'must not be after endsAt' });
  if (s.holdsReleaseAt && Date.parse(s.holdsReleaseAt) > Date.parse(s.endsAt)) issues.push({ path: ['holdsReleaseAt'], message: 'must not be after endsAt' });
  const inPerson = s.capacity.inPerson ?? 0;
  const online = s.capacity.online ?? 0;
  if (s.mode === 'online' && inPerson > 0) issues.push({ path: ['capacity', 'inPerson'], message: 'an online session has no in-person seats' });
  if (s.mode === 'in_person' && online > 0) issues.push({ path: ['capacity', 'online'], message: 'an in-person session has no online seats' });
  if (s.mode !== 'online' && s.capacity.inPerson === undefined) issues.push({ path: ['capacity', 'inPerson'], message: 'is required for this mode' });
  if (s.mode !== 'in_person' && s.capacity.online === undefined) issues.push({ path: ['capacity', 'online'], message: 'is required for this mode' });
  if (s.mode !== 'online' && !s.venue) issues.push({ path: ['venue'], message: 'is required for in-person seats' });
  // A seat kind the session offers must have seats: 0 would publish a session nobody can book that way.
  if (s.mode !== 'online' && s.capacity.inPerson === 0) issues.push({ path: ['capacity', 'inPerson'], message: 'must be at least 1 for a session with in-person seats' });
  if (s.mode !== 'in_person' && s.capacity.online === 0) issues.push({ path: ['capacity', 'online'], message: 'must be at least 1 for a session with online seats' });
  return issues;
}

export const CreateSessionInput = z.object(SessionFields).strict().superRefine((s, ctx) => {
  for (const i of sessionShapeIssues(s)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
});
export type CreateSessionInput = z.infer<typeof CreateSessionInput>;

export const UpdateSessionInput = z
  .object({ ...SessionFields, capacity: CapacityInput })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateSessionInput = z.infer<typeof UpdateSessionInput>;

export const SeatCounts = z.object({
  capacity: z.number(),
  confirmed: z.number(),
  offered: z.number(),
  waitlisted: z.number(),
  /**
   * Seats the signed-in viewer may book now: capacity less confirmed seats, live offers and
   * other organisations' unclaimed holds (so a member of a school with a hold sees its held seats).
   */
  available: z.number(),
  /** Seats anyone without a hold may book now (the public count). */
  publicAvailable: z.number(),
  /** How many of `available` are held for the viewer's organisation. */
  heldForViewer: z.number(),
});
export type SeatCounts = z.infer<typeof SeatCounts>;

/**
 * When a session's held seats go to everyone, unclaimed: its hold release time, else its
 * booking cut-off, else its end, and never after its end (ISO instants, compared as text).
 * The booking engine releases them then and refuses a new or larger hold from then on; the
 * holds page says so.
 */
export function heldSeatsReleasedAt(s: { holdsReleaseAt: string | null; bookingClosesAt: string | null; endsAt: string }): string {
  const at = s.holdsReleaseAt ?? s.bookingClosesAt ?? s.endsAt;
  return at < s.endsAt ? at : s.endsAt;
}

/**
 * When booking a session closes: at its booking cut-off, when it sets one before its end, else
 * at its end (ISO instants). Booking is open while this is still to come: a session under way
 * can be booked to its last minute (someone arriving late may still want what is left of it),
 * and the page warns who books after `lastUsefulAt` that they will not count as having
 * attended. The server stores it with each session (`booking_ends_at`, so lists can filter by
 * it) and refuses booking from then on.
 */
export function bookingEndsAt(s: { endsAt: string; bookingClosesAt: string | null }): string {
  return s.bookingClosesAt !== null && s.bookingClosesAt < s.endsAt ? s.bookingClosesAt : s.endsAt;
}

/**
 * The last moment someone arriving can still attend enough of a session to count as having
 * attended it (its attendance threshold: a session attended for less is recorded as missed,
 * server/attendance/compute.ts). An hour at 0.75 is a quarter of an hour after it starts; at 1
 * (all of it) as it starts; at 0 its end. Booking stays open after it (bookingEndsAt).
 */
export function lastUsefulAt(s: { startsAt: string; endsAt: string; attendanceThreshold: number }): string {
  const start = Date.parse(s.startsAt);
  const end = Date.parse(s.endsAt);
  return new Date(end - Math.round(Math.min(1, Math.max(0, s.attendanceThreshold)) * (end - start))).toISOString();
}

/**
 * Whether a place taken at `at` (ms) comes too late to count as attended while the session is
 * still on (after lastUsefulAt, before its end): the page's note and the email's say so. As
 * attendance decides it (compute.ts summarise: attended when present at least the threshold's
 * share of the length, rounded to whole ms), someone present from `at` to the end counts when
 * `at` is lastUsefulAt itself (at a threshold of 1, the start), and not 1 ms after it.
 */
export function tooLateToCount(s: { startsAt: string; endsAt: string; attendanceThreshold: number }, at: number): boolean {
  return Date.parse(lastUsefulAt(s)) < at && at < Date.parse(s.endsAt);
}

/** The share of a session that must be attended to count, in words ("75%"). */
export const attendShareWords = (threshold: number) => `${Math.round(threshold * 100)}%`;

/**
 * One of the caller's own places on another session at the same time as the one asked for
 * (`Session.alsoBooked`): its session, its times (UTC instants) and the place they hold.
 */
export const AlsoBooked = z.object({
  sessionId: z.string(),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** A seat (`confirmed`), a seat offered to them and not yet lapsed (`offered`), or a place in the queue (`waitlisted`). */
  status: z.enum(['confirmed', 'offered', 'waitlisted']),
});
export type AlsoBooked = z.infer<typeof AlsoBooked>;

export const Session = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  courseId: z.string().nullable(),
  /** Which part of its course this session is. */
  part: z.number(),
  mode: Mode,
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  venue: z.string().nullable(),
  area: Area.nullable(),
  capacity: z.object({ inPerson: z.number(), online: z.number() }),
  status: z.enum(['scheduled', 'cancelled']),
  trainerIds: z.array(z.string()),
  waitlistPolicy: z.enum(['auto', 'offer']),
  offerHoldMinutes: z.number(),
  bookingClosesAt: z.string().nullable(),
  /** When booking actually closes (bookingEndsAt): the cut-off, when it comes before the end, else the end. */
  bookingEndsAt: z.string(),
  holdsReleaseAt: z.string().nullable(),
  roomKind: z.enum(['webinar', 'workshop']),
  attendanceThreshold: z.number(),
  seats: z.object({ inPerson: SeatCounts, online: SeatCounts }),
  /** Who the session is for (orgId null for the whole programme). */
  audience: Audience,
  /** In listings: whether the session fits the caller's timetable (null: no timetable). */
  fit: SessionFit.nullable().optional(),
  /**
   * On a hybrid session, to a caller with a timetable (its own answer, and lists): the fit for
   * each seat kind (an in-person seat allows travel time, an online one does not), so the page
   * follows the seat chosen and a list can say it fits only online; `fit` is for the seat a
   * person would most likely take.
   */
  fitBySeat: z.object({ online: SessionFit, inPerson: SessionFit }).nullable().optional(),
  /**
   * Whether the caller runs this session now (its trainer, an in-house lead of it who still
   * leads, or an administrator): what the server allows, so the page shows a trainer's tools
   * only to those it will not refuse. On the single-session answer (GET /api/sessions/:id)
   * only; lists leave it out, so a listed session costs nothing more.
   */
  youRun: z.boolean().optional(),
  /**
   * On the single-session answer to those who run it (so, when true, to administrators), while
   * it is still to come: true when no one named on it can run it now (its trainers turned off,
   * made staff, or no longer leading), so it needs another trainer.
   */
  noOneRuns: z.boolean().optional(),
  /**
   * On the single-session answer to office staff of the organisation an in-house session is
   * for, while it is still to come: they may give it to one of that organisation's leads
   * (`PUT /api/sessions/:id/trainers/:userId`), and are told `noOneRuns` too.
   */
  mayGiveToLead: z.boolean().optional(),
  /**
   * With `mayGiveToLead`: who is named to run it, and whether each runs it now (`runs`
   * false: no longer a lead of it, or their account is off); giving it to a lead takes those
   * who do not off it.
   */
  namedToRun: z.array(z.object({ userId: z.string(), name: z.string(), runs: z.boolean() })).optional(),
  /**
   * On the single-session answer to a signed-in caller: their own other places (confirmed, a
   * live offer, or waiting) on sessions whose times overlap this one's (one starting before
   * this ends and ending after it starts; only touching is no overlap), soonest first, so a
   * second booking at the same time is not made unknowingly. Sessions they may not see, and
   * cancelled ones, are left out; empty when there are none. Lists leave it out.
   */
  alsoBooked: z.array(AlsoBooked).optional(),
  /**
   * On one cancelled session's own answer (GET /api/sessions/:id, and the cancel's): the reason
   * its trainer gave when cancelling it, as its people were emailed it (null: none given).
   * Lists leave it out.
   */
  cancelReason: z.string().nullable().optional(),
});
export type Session = z.infer<typeof Session>;

export const SessionQuery = z.object({
  /** Words to find in the title, the course's title or the description (all of them, any case). */
  q: Line(200).optional(),
  from: RangeEdge.optional(),
  to: RangeEdge.optional(),
  mode: Mode.optional(),
  courseId: Id.optional(),
  /** Only sessions in this area (exactly: an online/national session is not in every region). */
  area: Area.optional(),
  fits: z.enum(['me']).optional(),
  includeCancelled: z.enum(['true', 'false']).optional(),
  /** Only sessions still open for booking now: scheduled, and before their bookingEndsAt. */
  bookingOpen: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only sessions that can still be booked now (not cancelled, and before their bookingEndsAt: the booking cut-off, else their end); cancelled sessions are left out even with includeCancelled'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const SessionList = z.object({ items: z.array(Session), total: z.number(), limit: z.number(), offset: z.number() });

/** A course's title: one line, 1..200 characters. No two courses share one (compared in any case, spaces around and runs of spaces inside aside: `sameCourseTitle`). */
const CourseTitle = Line(200).pipe(z.string().min(1, 'is required'));
const CourseDescription = Text(10_000);
export const CreateCourseInput = z.object({
  title: CourseTitle,
  description: CourseDescription.optional(),
  /** A person completes the course by attending a session of each part 1..partsRequired (default 1). */
  partsRequired: CoursePart.optional(),
  /**
   * Refuse (409, naming the course) a title another course already has, any case or spacing
   * aside, as the web's forms ask: two courses of one title split every course picker and the
   * coverage report. Without it a course is added whatever its title, as before, so scripts
   * and integrations that add a course again keep working.
   */
  uniqueTitle: z.boolean().optional(),
});
/** What an administrator changes on a course (any of them): its title and description, checked as when it was created, and its completion rule. */
export const UpdateCourseInput = z
  .object({ title: CourseTitle, description: CourseDescription, partsRequired: CoursePart })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
/**
 * A course title as titles are compared: in any case, without the spaces around it, and with
 * each run of spaces inside it as one space ("TB  Clocks course " is "tb clocks course").
 */
export const courseTitleKey = (title: string) => title.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
/**
 * Whether two course titles are the same title (courseTitleKey). Two courses may not share
 * one, so "SEND basics" beside "SEND  Basics" is refused, when added as when renamed.
 */
export const sameCourseTitle = (a: string, b: string) => courseTitleKey(a) === courseTitleKey(b);
export const Course = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** Trainers who may run its sessions; empty: any trainer. */
  trainerIds: z.array(z.string()).optional(),
  /** Complete once a session of each part 1..partsRequired is attended. */
  partsRequired: z.number(),
  /**
   * For administrators only (GET /api/courses): what uses the course. It can be deleted only
   * while no session still counts for it (`sessions`: those not cancelled, past ones too) and
   * its materials library is empty (`materials`); its cancelled sessions (`cancelledSessions`)
   * then simply name no course.
   */
  use: z.object({ sessions: z.number(), cancelledSessions: z.number(), materials: z.number() }).optional(),
});
export const CourseTrainersInput = z.object({ trainerIds: z.array(Id).max(200, 'may name at most 200 trainers') }).strict();

/**
 * Trainers found by name (`GET /api/trainers?q=`): whom a trainer, an in-house lead or an
 * administrator may add to run a session beside them. Names only, never emails; at most
 * `limit` (up to 50) a time, `hasMore` when more match (type more of the name).
 */
export const TrainerQuery = z.object({
  /** Words each found in the name (any case); none: the first trainers by name. */
  q: Line(100).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const TrainerName = z.object({ id: z.string(), name: z.string() });
export const TrainerPage = z.object({ items: z.array(TrainerName), hasMore: z.boolean() });
/** Someone running a session, as those who run it see them (`GET /api/sessions/:id/trainers`). */
export const SessionRunner = TrainerName.extend({
  /** A trainer, an administrator, or an in-house lead (someone on a school's or trust's staff). */
  runsAs: z.enum(['trainer', 'administrator', 'in-house lead']),
  /** Their account is turned off. */
  disabled: z.boolean(),
  /**
   * Whether they run it now (a lead who no longer leads its organisation, or an account turned
   * off, does not). A lead or administrator who runs it can be taken off by an administrator only.
   */
  runs: z.boolean(),
});
export const SessionRunnerList = z.object({ items: z.array(SessionRunner) });

/** A session and its dates: the same session on several dates at once, each its own session. */
export const Occurrence = z.object({ startsAt: SessionInstant, endsAt: SessionInstant }).strict();
export const CreateSeriesInput = z
  .object({
    session: CreateSessionInput,
    occurrences: z.array(Occurrence).min(1, 'give at least one date').max(52, 'at most 52 dates at once'),
  })
  .strict()
  .superRefine((v, ctx) => {
    v.occurrences.forEach((o, i) => {
      if (Date.parse(o.endsAt) <= Date.parse(o.startsAt)) ctx.addIssue({ code: 'custom', path: ['occurrences', i, 'endsAt'], message: 'must be after startsAt' });
      // A cut-off or hold release moves with each date (same distance before its start): it must still not be after that date's end.
      for (const key of ['bookingClosesAt', 'holdsReleaseAt'] as const) {
        const at = v.session[key];
        if (at && Date.parse(at) - Date.parse(v.session.startsAt) + Date.parse(o.startsAt) > Date.parse(o.endsAt)) {
          ctx.addIssue({ code: 'custom', path: ['occurrences', i, 'endsAt'], message: `must not be before the session's ${key === 'bookingClosesAt' ? 'booking cut-off' : 'hold release'} on this date` });
        }
      }
    });
  });
export type CreateSeriesInput = z.infer<typeof CreateSeriesInput>;

/**
 * Cancelling a session: the reason, if given, is emailed to everyone on it. (The route,
 * server/sessions/routes.ts, still writes this shape out itself; it should take this one.)
 */
export const CancelSessionInput = z.object({ reason: Line(500).optional() }).strict();

/** A cancelled session and how many people were told. */
export const CancelResult = Session.extend({ told: z.number() });

/** One of a trainer's sessions, with what they need to run it. */
export const TrainerSession = z.object({
  session: Session,
  /** Seats held for schools, per kind, and how many of them are claimed. */
  held: z.object({ inPerson: z.number(), online: z.number(), claimed: z.number() }),
  /** People booked, offered or waiting: who a change of time or place is told to. */
  people: z.number(),
  /** After the session: how many attended (null before). */
  attended: z.number().nullable(),
});
export type TrainerSession = z.infer<typeof TrainerSession>;
export const TrainerSessionQuery = z.object({
  /** `unstaffed` (administrators only): sessions still to come, not cancelled, that no one named on them can run. */
  when: z.enum(['upcoming', 'past', 'unstaffed']).default('upcoming'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const TrainerSessionList = z.object({ items: z.array(TrainerSession), total: z.number(), limit: z.number(), offset: z.number() });

/** The organisations someone leads in-house training for (`GET /api/me/lead-orgs`): a trust's with its schools, any of which a session may be for. */
export const LeadOrgs = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), trust: z.boolean(), schools: z.array(z.object({ id: z.string(), name: z.string(), partOf: z.string(), trust: z.boolean() })) })),
});
