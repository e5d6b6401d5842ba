import { z } from 'zod';
import { Id, RangeEdge, rangeRunsForward, SearchText, searchText, Text } from './common.js';
import { Mode, SeatCounts, SeatKind } from './sessions.js';
import { Clash } from './timetables.js';
import { cursorParam } from './cursor.js';

export const BookingStatus = z.enum(['confirmed', 'waitlisted', 'offered', 'cancelled', 'attended', 'absent']);
export type BookingStatus = z.infer<typeof BookingStatus>;
/** The statuses of a place whose person may read the session's captions transcript: a seat, taken or recorded (the server's rule, and the room page's link). */
export const READS_TRANSCRIPT: readonly BookingStatus[] = ['confirmed', 'attended', 'absent'];
/** A booking's status in words, as the pages show it and the office's bookings spreadsheet writes it. */
export const statusLabel: Record<BookingStatus, string> = {
  confirmed: 'Confirmed',
  waitlisted: 'On the waitlist',
  offered: 'Seat offered',
  cancelled: 'Cancelled',
  attended: 'Attended',
  absent: 'Absent',
};

/** How many people one booking request may book at once (an office's Book staff form). */
export const MAX_BOOK_AT_ONCE = 200;

export const BookInput = z
  .object({
    seat: SeatKind.optional(),
    /** Book someone else (office staff for their own organisation; admins for anyone). */
    userId: Id.optional(),
    /** Book several people at once; each gets their own answer. */
    userIds: z.array(Id).min(1).max(MAX_BOOK_AT_ONCE).optional(),
  })
  .strict()
  .refine((v) => !(v.userId && v.userIds), { message: 'give userId or userIds, not both' });

export const BookResult = z.object({
  id: z.string(),
  userId: z.string(),
  status: z.enum(['confirmed', 'waitlisted']),
  seat: SeatKind,
  position: z.number().optional(),
  /**
   * Waitlisted though seats of this kind were empty: how many, each held for another
   * organisation (so not free to this person's school). Absent when every seat was taken.
   */
  heldForOthers: z.number().int().optional(),
});
export const BookFailure = z.object({ userId: z.string(), error: z.object({ code: z.string(), message: z.string() }) });
/** One person's answer in a booking of several: their place, and any timetable clashes (booking is allowed; cover may be needed), or why they were not booked. */
export const BulkBookResult = z.object({ results: z.array(z.union([BookResult.extend({ clashes: z.array(Clash).optional() }), BookFailure])) });

export const BookingSessionSummary = z.object({
  id: z.string(),
  title: z.string(),
  mode: Mode,
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  venue: z.string().nullable(),
  status: z.enum(['scheduled', 'cancelled']),
  /**
   * When the waitlist stops moving: once too little of the session is left to attend enough of
   * it (its attendance threshold), a seat that comes free goes to no one (shared/sessions.ts,
   * bookingEndsAt without a cut-off: a booking cut-off does not stop the queue).
   */
  queueEndsAt: z.string(),
  /**
   * When booking the session closes (shared/sessions.ts, bookingEndsAt): its cut-off, when it
   * sets one before its end, else its end. From then its person and their office may no longer
   * change a place's seat kind (the cut-off froze the numbers); its trainers still may until it ends.
   */
  bookingEndsAt: z.string(),
  /** A cancelled session's reason, as its trainer gave it when cancelling (null: none given); left out while it is not cancelled. */
  cancelReason: z.string().nullable().optional(),
  /**
   * On a place (confirmed, offered or waiting) on a hybrid session not cancelled: the seats of
   * the kind the place is not on, as its person could have them by changing to it (POST
   * /api/bookings/{id}/seat), counted as the session list counts "free to you" (the counts
   * stored on the session and its holds; server/bookings/availability.ts, freeFor). Left out
   * on other places and sessions of one seat kind.
   */
  otherSeats: z
    .object({
      seat: SeatKind,
      /**
       * Free to the booking's person while seats held for organisations stay held: open seats
       * plus their own organisation's unclaimed hold (what a change to this kind may take).
       */
      free: z.number().int(),
      /**
       * Empty seats more that are held for other organisations, so not free to the person
       * until `holdsReleaseAt`; from then they are free to anyone (0: none).
       */
      heldForOthers: z.number().int(),
      /** When held seats stop being held (shared/sessions.ts, heldSeatsReleasedAt). */
      holdsReleaseAt: z.string(),
      /**
       * What a waiting place changed to a kind with a free seat gets: that seat at once,
       * confirmed (`auto`, or once the session has begun), or offered to its person for
       * `offerHoldMinutes` (never past the start) to accept (`offer`).
       */
      waitlistPolicy: z.enum(['auto', 'offer']),
      offerHoldMinutes: z.number().int(),
    })
    .optional(),
});

/**
 * How a place that is no longer anyone's came to end, as recorded when it did (the notice its
 * person was sent then: its kind, who acted and the reason given; the session's cancellation;
 * their account): cancelled or left the waiting list (by the person themselves or by someone
 * acting for them), taken off by a trainer, an offer that ran out or was turned down, the
 * session cancelled, their account turned off, or given up by the service for another reason
 * (they moved out of who the session is for: `reason` is what they were told).
 */
export const BookingEnding = z.object({
  how: z.enum(['cancelled', 'left_waitlist', 'removed', 'offer_expired', 'offer_declined', 'session_cancelled', 'account_off', 'given_up']),
  /** Ended by its person themselves (cancelled, left the queue, turned the offer down). */
  byThemselves: z.boolean(),
  /**
   * Who else ended it, as the email to the person named them ("Priya Sharma (trainer)", "Olu
   * Office from your school's office", as messages.ts `actorPhrase`); null: the person
   * themselves, nobody (an offer running out), or not recorded.
   */
  by: z.string().nullable(),
  /** The reason given: a trainer's for taking them off, the session's for cancelling it, what they were told when a place was given up; null: none. */
  reason: z.string().nullable(),
  /** When it ended (an offer that ran out: when its time ran out); null: not recorded. */
  at: z.string().nullable(),
});
export type BookingEnding = z.infer<typeof BookingEnding>;

export const Booking = z.object({
  id: z.string(),
  sessionId: z.string(),
  userId: z.string(),
  userName: z.string(),
  seat: SeatKind,
  status: BookingStatus,
  position: z.number().nullable(),
  offerExpiresAt: z.string().nullable(),
  heldFor: z.string().nullable(),
  /** The name of the organisation whose hold the seat came from (it may not be theirs now: they may have moved school since). */
  heldForName: z.string().nullable(),
  createdAt: z.string(),
  /**
   * Whether its person may download the session's captions transcript and it holds at least one
   * caption: the booking is a seat (confirmed, attended or absent; an in-person seat of a hybrid
   * session too) and a final caption was saved. False before any caption, so no link leads to
   * an empty file.
   */
  hasTranscript: z.boolean(),
  /** On a cancelled place on a cancelled session: whether it was cancelled because the session was (false: given up, declined or lapsed before). */
  cancelledWithSession: z.boolean().optional(),
  /** On a cancelled place: how it ended (null: nothing was recorded of it); left out while it is not cancelled. */
  ending: BookingEnding.nullable().optional(),
  session: BookingSessionSummary,
});
export type Booking = z.infer<typeof Booking>;
export const BookingList = z.object({ items: z.array(Booking) });
/**
 * Someone on the waiting list who got the seat a removal freed (`RemovedBooking.promoted`):
 * confirmed at once, or offered it until `offerExpiresAt` (a session whose queue offers seats).
 * `firstInQueue`: they were first in that seat kind's queue; false when those ahead of them
 * could not have it (the seat was held for another organisation's staff).
 */
export const PromotedPlace = z.object({
  bookingId: z.string(),
  userId: z.string(),
  name: z.string(),
  seat: SeatKind,
  status: z.enum(['confirmed', 'offered']),
  offerExpiresAt: z.string().nullable(),
  firstInQueue: z.boolean(),
});
export type PromotedPlace = z.infer<typeof PromotedPlace>;
/** The answer to taking someone off a session (POST /api/bookings/:id/remove): their booking, cancelled, and who got the seat it freed (empty: no one was waiting who could). */
export const RemovedBooking = Booking.extend({ promoted: z.array(PromotedPlace) });
export type RemovedBooking = z.infer<typeof RemovedBooking>;
/**
 * An organisation's bookings a page at a time: the range as the exports take it (ExportQuery,
 * `to` after `from`), soonest first.
 */
export const OrgBookingsQuery = z
  .object({
    from: RangeEdge.optional(),
    to: RangeEdge.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .refine(rangeRunsForward, { message: 'must be after from', path: ['to'] });
/**
 * A booking on an office's list, with the person's organisation: a trust's list holds its own
 * staff's and its schools' bookings, and each row says whose staff the person is.
 */
export const OrgBooking = Booking.extend({ orgId: z.string().nullable(), orgName: z.string().nullable() });
/** One page of them, with how many match in all (`total`), and of those how many are still places or queue places (`live`) and how many cancelled. */
export const OrgBookingsPage = z.object({ items: z.array(OrgBooking), total: z.number(), hasMore: z.boolean(), live: z.number(), cancelled: z.number() });
export type OrgBookingsPage = z.infer<typeof OrgBookingsPage>;

export const HoldInput = z.object({ orgId: Id, seat: SeatKind, seats: z.number().int('must be a whole number').min(0, 'must not be negative').max(100_000, 'must be 100,000 or fewer') }).strict();
export const Hold = z.object({ orgId: z.string(), orgName: z.string(), seat: SeatKind, seats: z.number(), claimed: z.number() });
export const HoldList = z.object({ items: z.array(Hold) });
/** The organisations seats may be held for on a session (those it is for). */
export const HoldableOrgs = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), urn: z.string().nullable() })), hasMore: z.boolean(), total: z.number() });
/** Finding organisations to hold seats for, a page at a time (`q`: name, any case, or URN). */
export const HoldableOrgsQuery = z.object({
  q: SearchText.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const OutboxMessage = z.object({
  id: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  /** dropped: never sent, because what it said no longer applied when its turn came (lastError says why). */
  status: z.enum(['pending', 'sent', 'local', 'dropped']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

/**
 * Where a page of the Mail page's list starts: after the message last seen, by its id (ids are
 * unique and grow with time, so newest first is `id` descending, a total order), as the
 * `next` of the page before gave it.
 */
export const OutboxCursor = cursorParam(z.tuple([z.string().regex(/^[\x21-\x7e]{1,100}$/)]), 200);

/**
 * Which messages the Mail page lists: those whose address holds `to` (any part of it, any
 * case), newest first, `limit` (1..500, 100 by default) older than the message `before`
 * names (the `next` of the page before; none: the newest). `offset` (skip that many first)
 * still works for scripts written before cursors, but mail written meanwhile moves the rows
 * under it: it cannot be given with `before`, and the Mail page does not use it.
 */
export const OutboxQuery = z
  .object({
    to: searchText(254).optional(), // an email address is at most 254 characters
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    before: OutboxCursor.optional(),
  })
  .refine((q) => !(q.before && q.offset > 0), { path: ['offset'], message: 'cannot be given with before: the cursor says where the page starts' });
/**
 * A page of the outbox, newest first, and how many messages match in all. `next`: the
 * `before` of the page after this one (null on the last); `hasMore`: whether there is one.
 * `offset`: the one asked for (0 when paged by cursor).
 */
export const OutboxPage = z.object({ items: z.array(OutboxMessage), total: z.number(), limit: z.number(), offset: z.number(), hasMore: z.boolean(), next: z.string().nullable() });

/** One person of an organisation as its office sees them on a session's "Book staff" list. */
export const RosterEntry = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  /** Their active booking on this session, if any (then they cannot be booked again). */
  booking: z
    .object({ id: z.string(), status: z.enum(['confirmed', 'waitlisted', 'offered']), seat: SeatKind, position: z.number().nullable(), offerExpiresAt: z.string().nullable() })
    .nullable(),
  /** Lessons in their timetable the session overlaps (empty: fits, or no timetable). */
  clashes: z.array(Clash),
});
export type RosterEntry = z.infer<typeof RosterEntry>;
/**
 * An organisation's people on a session, and the session's seats as that organisation sees
 * them (its own unclaimed hold counts as free to it): a trust's office booking one of its
 * schools' staff sees that school's free and held seats, counted by the server's one rule.
 */
export const Roster = z.object({
  items: z.array(RosterEntry),
  seats: z.object({ inPerson: SeatCounts, online: SeatCounts }),
  /** Whether the session is for this organisation's staff: an in-house session for another organisation is not, and none of them can be booked onto it. */
  forThem: z.boolean(),
});
export type Roster = z.infer<typeof Roster>;

/** One line of a session's "who is coming" list (its trainers and admins). */
export const AttendeeEntry = z.object({
  bookingId: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  orgId: z.string().nullable(),
  orgName: z.string().nullable(),
  seat: SeatKind,
  status: BookingStatus,
  /** Place in the queue, for people waiting. */
  position: z.number().nullable(),
  /** Who made the booking when it was not the person themselves. */
  bookedBy: z.string().nullable(),
  bookedAt: z.string(),
  offerExpiresAt: z.string().nullable(),
});
export type AttendeeEntry = z.infer<typeof AttendeeEntry>;
/** How Who is coming may be narrowed and ordered. "confirmed" is everyone with a seat: booked, or attended or absent once the register is written. */
export const AttendeeStatusFilter = z.enum(['all', 'confirmed', 'offered', 'waitlisted', 'attended', 'absent']);
export type AttendeeStatusFilter = z.infer<typeof AttendeeStatusFilter>;
export const AttendeeSort = z.enum(['queue', 'name', 'school', 'status']);
export type AttendeeSort = z.infer<typeof AttendeeSort>;
/** Who is coming, a page at a time (a popular session's queue runs to thousands): by status, seat kind, any part of a name, email or school, in an order. */
export const AttendeesQuery = z.object({
  status: AttendeeStatusFilter.default('all'),
  seat: z.enum(['all', 'in_person', 'online']).default('all'),
  q: SearchText.optional(),
  sort: AttendeeSort.default('queue'),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type AttendeesQuery = z.infer<typeof AttendeesQuery>;
/**
 * A page of Who is coming: `total` match the query, `everyone` is every place on the session
 * (cancelled ones left out), and `counts` the whole session's places by status, whatever the
 * query (an offer whose time has run out is no longer counted as offered).
 */
export const AttendeeList = z.object({
  items: z.array(AttendeeEntry),
  total: z.number(),
  everyone: z.number(),
  counts: z.object({ confirmed: z.number(), offered: z.number(), waitlisted: z.number(), attended: z.number(), absent: z.number() }),
  /** When each offer counted as offered runs out, soonest first (no more than the seats there are): a page left open stops counting each as its time passes. */
  offersUntil: z.array(z.string()),
});
export type AttendeeList = z.infer<typeof AttendeeList>;

export const MoveSeatInput = z.object({ seat: SeatKind }).strict();
/** Emailed to the person taken off: free text like any other (shared/common.ts `Text`), line breaks allowed. */
const Reason = Text(500).pipe(z.string().min(1, 'is required'));
export const RemoveBookingInput = z.object({ reason: Reason }).strict();

/** A trainer's message to the people booked on a session (and, if chosen, those waiting). */
export const MessageAttendeesInput = z
  .object({
    // Emailed to everyone booked: no control or text-direction characters (shared/common.ts `Text`); line breaks kept.
    text: Text(5000).pipe(z.string().min(1, 'is required')),
    includeWaiting: z.boolean().default(false),
  })
  .strict();
export const MessageAttendeesResult = z.object({ told: z.number() });
