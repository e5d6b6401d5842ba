import { z } from 'zod';
import { RangeEdge } from './common.js';

/**
 * The longest name a lesson (or a closed day) of a timetable may have, in characters as every
 * text limit counts them (shared/common.ts Text: NFC, trimmed, UTF-16 units). A CSV, written
 * by the person or their office, is refused line by line over it; a calendar (ICS file or
 * link), from a system they cannot change, is kept with each longer name shortened to fit at
 * a whole character, ending with "…", and the upload's answer says how many (Timetable notes).
 */
export const MAX_LESSON_NAME_CHARS = 200;

/** A busy period of a timetable that overlaps a session (with any travel buffer). */
export const Clash = z.object({
  label: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
});
export type Clash = z.infer<typeof Clash>;

/**
 * Whether a session fits around the caller's timetable. `null` when the caller has no
 * timetable. `travelBufferMinutes` is the buffer that was applied before and after the
 * session (0 when the person can attend online).
 */
export const SessionFit = z.object({
  fits: z.boolean(),
  clashes: z.array(Clash),
  travelBufferMinutes: z.number(),
});
export type SessionFit = z.infer<typeof SessionFit>;

export const Weekday = z.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);

/** A lesson that repeats every week (or every other week: week A or B), in local time. */
export const WeeklyPeriod = z.object({
  kind: z.literal('weekly'),
  day: Weekday,
  start: z.string(),
  end: z.string(),
  week: z.enum(['A', 'B']).nullable(),
  label: z.string(),
});
/** One dated busy period (an occurrence of a calendar event). */
export const DatedPeriod = z.object({ kind: z.literal('dated'), startsAt: z.string(), endsAt: z.string(), label: z.string() });
/** Days the school is closed (holidays, INSET days): free whatever the timetable says. */
export const FreeDays = z.object({ kind: z.literal('free'), from: z.string(), to: z.string(), label: z.string() });

/** The largest timetable file (CSV or ICS) one upload may be: 1 MB. */
export const MAX_TIMETABLE_BYTES = 1024 * 1024;
/** That limit in words, for people (worked out from it, so the two cannot disagree). */
export const MAX_TIMETABLE_SIZE_WORDS = `${MAX_TIMETABLE_BYTES / (1024 * 1024)} MB`;

export const TimetableSource = z.enum(['csv', 'ics', 'subscription']);

export const Timetable = z.object({
  userId: z.string(),
  /** How the timetable was given; null when the person has none yet (then every list is empty). */
  source: TimetableSource.nullable(),
  timeZone: z.string(),
  /** The organisation's Week A start, when the timetable has week A/B lessons. */
  weekAStart: z.string().nullable(),
  subscription: z
    .object({ url: z.string(), lastFetchedAt: z.string().nullable(), lastError: z.string().nullable() })
    .nullable(),
  /** Null when there is no timetable yet. */
  updatedAt: z.string().nullable(),
  /**
   * True for a calendar (ICS file or link) the person gave themselves: anyone else sees its
   * events' times only, each named "Busy" (a closed day unnamed); the person sees them whole.
   */
  labelsWithheld: z.boolean(),
  counts: z.object({ weekly: z.number(), dated: z.number(), freeDays: z.number() }),
  weekly: z.array(WeeklyPeriod),
  /** Dated periods and free days from `from` to `to` (GET ?from&to; default the next 4 weeks). */
  dated: z.array(DatedPeriod),
  freeDays: z.array(FreeDays),
  /** Every busy period from `from` to `to`, weekly lessons placed on their dates, closed days left out. */
  busy: z.array(Clash),
  from: z.string(),
  to: z.string(),
  /**
   * In the answer to an upload or a calendar link only: what the person should know about how
   * the file was read, in words to show them (a calendar's event names over
   * MAX_LESSON_NAME_CHARS shortened to fit, and how many). Absent when there is nothing to say.
   */
  notes: z.array(z.string()).optional().describe('Only in the answer to an upload or a calendar link: things to tell the person about how the file was read (e.g. how many event names were shortened to fit), in words to show them'),
});
export type Timetable = z.infer<typeof Timetable>;

/** `?from&to`: instants, or dates (days in England, the last one included), as the session list takes them. */
export const TimetableQuery = z.object({ from: RangeEdge.optional(), to: RangeEdge.optional() });

/** The longest calendar address (characters) a timetable may follow. */
export const MAX_CALENDAR_URL_CHARS = 2000;
export const SubscriptionInput = z
  .object({ url: z.string().trim().min(1, 'is required').max(MAX_CALENDAR_URL_CHARS, `is too long: a calendar address has at most ${MAX_CALENDAR_URL_CHARS.toLocaleString('en-GB')} characters`) })
  .strict();

/**
 * The longest span (in days, the last one included) one cover report may cover: calendar
 * days in England, so a range across a change of the clocks is as long as its dates say.
 * The page checks a range against it before asking; the service (server/timetables/service.ts
 * coverReport) refuses by it.
 */
export const MAX_COVER_REPORT_DAYS = 400;

export const ClashedBooking = z.object({
  bookingId: z.string(),
  status: z.string(),
  seat: z.enum(['in_person', 'online']),
  session: z.object({ id: z.string(), title: z.string(), mode: z.string(), startsAt: z.string(), endsAt: z.string(), venue: z.string().nullable() }),
  travelBufferMinutes: z.number(),
  clashes: z.array(Clash),
});
export const ClashList = z.object({ items: z.array(ClashedBooking) });

export const CoverQuery = TimetableQuery;
const CoverPerson = { userId: z.string(), userName: z.string(), userEmail: z.string() };
/** A booking (confirmed, offered, or a waitlist place) that clashes with the booked person's lessons. */
export const CoverBooked = ClashedBooking.extend({ role: z.literal('booked').describe('Booked on the session: bookingId and status are the booking’s'), ...CoverPerson });
/**
 * A session the person delivers (a trainer or in-house lead named on it who runs it) that
 * clashes with their lessons. There is no booking: `seat` is where they deliver it from,
 * `online` for an online session and `in_person` (at the venue, with the travel buffer) for
 * an in-person or hybrid one. Someone both booked on and delivering a session is listed once, so.
 */
export const CoverDelivering = z.object({
  role: z.literal('delivering').describe('Delivering the session (no booking): a trainer or in-house lead who runs it'),
  seat: z.enum(['in_person', 'online']).describe('Where they deliver it from: online for an online session, in_person (at the venue) for an in-person or hybrid one'),
  session: ClashedBooking.shape.session,
  travelBufferMinutes: z.number(),
  clashes: z.array(Clash),
  ...CoverPerson,
});
/** One person at one session, by `role`: booked on it, or delivering it. */
export const CoverItem = z.discriminatedUnion('role', [CoverBooked, CoverDelivering]);
export type CoverItem = z.infer<typeof CoverItem>;
/** Items soonest first, then by name. */
export const CoverReport = z.object({ orgId: z.string(), from: z.string(), to: z.string(), items: z.array(CoverItem) });
export type CoverReport = z.infer<typeof CoverReport>;

export const OrgUploadResult = z.object({
  people: z.array(z.object({ userId: z.string(), email: z.string(), periods: z.number().describe('Lessons given for them'), closures: z.number().describe('Days-closed rows given for them: their own and those for everyone in the file') })),
});

/** A booking answer with the timetable clashes of the booked person ([] when none or no timetable). */
export const WithClashes = z.object({ clashes: z.array(Clash) });
