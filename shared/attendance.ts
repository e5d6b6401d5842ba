/** Attendance API shapes, shared by server routes and the web client. */
import { z } from 'zod';
import { Line, tooLong } from './common.js';
import { SeatKind } from './sessions.js';

/**
 * Where a row's minutes came from: `register` (a trainer's tick or correction), `livekit`
 * (webhooks and room polling), `checkin` (in-person code), `client` (the browser's own
 * reports, used only without LiveKit data), or `none`.
 */
export const AttendanceSource = z.enum(['register', 'livekit', 'checkin', 'livekit+checkin', 'client', 'none']);
export type AttendanceSource = z.infer<typeof AttendanceSource>;

export const AttendanceRow = z.object({
  bookingId: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  orgId: z.string().nullable(),
  org: z.string().nullable(),
  seat: SeatKind,
  status: z.string(),
  /** Null when unknown: a register tick with no minutes for someone of whom no presence was observed. */
  minutes: z.number().nullable(),
  attended: z.boolean(),
  source: AttendanceSource,
  /** True while the person has an open LiveKit connection (the trainer's live panel). */
  inRoom: z.boolean(),
  override: z.object({ attended: z.boolean(), minutes: z.number().nullable(), note: z.string().nullable(), changedBy: z.string(), changedByName: z.string().nullable(), changedAt: z.string() }).nullable(),
});
export type AttendanceRow = z.infer<typeof AttendanceRow>;

export const AttendanceReport = z.object({
  session: z.object({
    id: z.string(),
    title: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    /** When the register can first be kept: check-in (and the live room) opens then; a tick before is refused (register_not_open). */
    registerOpensAt: z.string(),
    lengthMinutes: z.number(),
    threshold: z.number(),
  }),
  items: z.array(AttendanceRow),
});

/** Every register change of one booking, oldest first: what was set, by whom (their name too, null for an account since deleted) and when. */
export const RegisterHistory = z.object({
  items: z.array(z.object({ attended: z.boolean(), minutes: z.number().nullable(), note: z.string().nullable(), changedBy: z.string(), changedByName: z.string().nullable(), changedAt: z.string() })),
});
export type RegisterChange = z.infer<typeof RegisterHistory>['items'][number];

/**
 * A register entry (a tick, or a correction) for one booking. `attended` is always given.
 * `minutes` and `note` are each either left out, which keeps what the booking's current
 * correction holds (nothing, when it has none: a tick keeps the minutes and note given
 * earlier), or `null`, which clears it (minutes then come from the room and check-ins), or a
 * value, which sets it.
 */
export const OverrideInput = z
  .object({ attended: z.boolean(), minutes: z.number().int('must be a whole number of minutes').min(0, 'must not be negative').max(24 * 60, 'must be at most 1,440 minutes (a day)').nullable().optional(), note: Line(500).nullable().optional() })
  .strict();
export type OverrideInput = z.infer<typeof OverrideInput>;

export const CheckinInput = z.object({ code: z.string().trim().min(1, 'is required').max(20, tooLong(20)) }).strict();
/**
 * The code the trainer shows, and whether check-in is open now (by the server's clock): it
 * opens `join_opens_minutes` before the start (`opensAt`) and closes at the end (`closesAt`).
 * Outside that window a check-in is refused, so a page shows when it opens or that it closed.
 */
export const CheckinCode = z.object({
  code: z.string(),
  expiresAt: z.string(),
  /** The server's time when it answered: the page times the next code by it, not by its own clock. */
  now: z.string(),
  url: z.string(),
  qrSvg: z.string(),
  checkin: z.enum(['not_yet', 'open', 'closed']),
  opensAt: z.string(),
  closesAt: z.string(),
});
/** A check-in: when (the first time, for someone already in) and to which session, so the page can say it whether or not it has read the session yet. */
export const CheckinResult = z.object({ bookingId: z.string(), checkedInAt: z.string(), sessionTitle: z.string() });
/**
 * The caller's own check-in to a session (GET /api/sessions/:id/checkin): when they checked in
 * with the place they hold now (null: not checked in, or no in-person seat), so the check-in
 * page and the session page say so instead of asking for the code again.
 */
export const MyCheckin = z.object({ checkedInAt: z.string().nullable() });

export const Completion = z.object({
  bookingId: z.string(),
  userId: z.string(),
  userName: z.string(),
  /** The person's organisation, on an organisation's record (a trust's holds its schools' staff too); not on one person's. */
  orgName: z.string().nullable().optional(),
  sessionId: z.string(),
  title: z.string(),
  courseId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  seat: SeatKind,
  minutes: z.number().nullable(),
  source: z.string().nullable(),
  /** Who the session was for: `programme`, or `in-house: <organisation>` (counts the same; told apart). */
  audience: z.string(),
});
export const CompletionList = z.object({ items: z.array(Completion) });
/** A page of an organisation's training record: attended sessions, newest first. */
export const CompletionQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const CompletionPage = CompletionList.extend({ total: z.number(), limit: z.number(), offset: z.number() });
