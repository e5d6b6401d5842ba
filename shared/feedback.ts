/** Feedback and certificate API shapes, shared by server routes and the web client. */
import { z } from 'zod';
import { Page, Text } from './common.js';

/** How long after a session ends an attendee may still give or change their feedback. */
export const FEEDBACK_EDIT_DAYS = 14;
export const COMMENT_MAX = 2000;

const Score = z.number().int().min(1, 'must be from 1 to 5').max(5, 'must be from 1 to 5');

export const FeedbackInput = z
  .object({
    usefulness: Score,
    confidenceBefore: Score,
    confidenceAfter: Score,
    comment: Text(COMMENT_MAX).optional(),
  })
  .strict();
export type FeedbackInput = z.infer<typeof FeedbackInput>;

export const FeedbackAnswer = z.object({
  usefulness: z.number(),
  confidenceBefore: z.number(),
  confidenceAfter: z.number(),
  comment: z.string().nullable(),
  updatedAt: z.string(),
});

/** An attendee's own feedback on one session: whether they may answer, until when, and what they said. */
export const MyFeedback = z.object({
  sessionId: z.string(),
  title: z.string(),
  editableUntil: z.string(),
  open: z.boolean(),
  answer: FeedbackAnswer.nullable(),
});
export type MyFeedback = z.infer<typeof MyFeedback>;

/** Counts of each score 1..5 (index 0 is score 1). */
export const Distribution = z.array(z.number()).length(5);

export const FeedbackSummary = z.object({
  responses: z.number(),
  /** People who attended (and so were asked). */
  attendees: z.number(),
  usefulness: z.object({ average: z.number().nullable(), distribution: Distribution }),
  confidenceBefore: z.object({ average: z.number().nullable(), distribution: Distribution }),
  confidenceAfter: z.object({ average: z.number().nullable(), distribution: Distribution }),
  /** Average of (after − before) per person. */
  confidenceShift: z.number().nullable(),
  /** The most recent comments, newest first (at most 200: `commentCount` says how many there are). */
  comments: z.array(z.object({ name: z.string().nullable(), text: z.string(), sessionTitle: z.string(), at: z.string() })),
  /** How many comments there are in all. */
  commentCount: z.number(),
  /** True when names are hidden on comments (the course is set to anonymous feedback). */
  anonymous: z.boolean(),
});
export type FeedbackSummary = z.infer<typeof FeedbackSummary>;

export const SessionFeedback = z.object({
  session: z.object({ id: z.string(), title: z.string(), startsAt: z.string(), endsAt: z.string(), courseId: z.string().nullable(), courseTitle: z.string().nullable() }),
  summary: FeedbackSummary,
});

/** A row per session in a list of results (a trainer's sessions, a course's sessions). */
export const SessionFeedbackRow = z.object({
  sessionId: z.string(),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  courseTitle: z.string().nullable(),
  attendees: z.number(),
  responses: z.number(),
  usefulness: z.number().nullable(),
  confidenceShift: z.number().nullable(),
});
/** Which page of a list of sessions' results: `limit` rows (1..200, 50 by default) from `offset`. */
export const SessionFeedbackQuery = Page;
/**
 * A page of sessions' results, newest first: `total` says how many there are in all and
 * `hasMore` whether any come after this page (read them with `offset` + the rows given).
 */
export const SessionFeedbackList = z.object({ items: z.array(SessionFeedbackRow), total: z.number(), limit: z.number(), offset: z.number(), hasMore: z.boolean() });
export type SessionFeedbackList = z.infer<typeof SessionFeedbackList>;

/** A course's results: the summary is over every session of the course; `sessions` is one page of them (`?limit&offset`). */
export const CourseFeedback = z.object({
  course: z.object({ id: z.string(), title: z.string(), anonymousFeedback: z.boolean() }),
  summary: FeedbackSummary,
  sessions: SessionFeedbackList,
});

export const CourseFeedbackRow = z.object({
  courseId: z.string(),
  title: z.string(),
  anonymousFeedback: z.boolean(),
  responses: z.number(),
  usefulness: z.number().nullable(),
  confidenceShift: z.number().nullable(),
});
export const FeedbackOverview = z.object({ summary: FeedbackSummary, courses: z.array(CourseFeedbackRow) });

export const CourseFeedbackSettings = z.object({ anonymous: z.boolean() }).strict();
export const CourseFeedbackSettingsList = z.object({ items: z.array(z.object({ courseId: z.string(), title: z.string(), anonymous: z.boolean() })) });

// ---------------------------------------------------------------- certificates

/**
 * A verification code: 16 characters of Crockford base32 (80 random bits), printed in
 * groups of four. Reading one is forgiving: any case, hyphens and spaces ignored, and
 * O/I/L read as 0/1/1.
 */
export const CERT_CODE_LENGTH = 16;
export function normaliseCertCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
export const isCertCode = (code: string) => /^[0-9A-HJKMNP-TV-Z]{16}$/.test(code);
export const formatCertCode = (code: string) => (code.match(/.{1,4}/g) ?? []).join('-');

/** What a certificate says, exactly as printed. */
export const CertificateFacts = z.object({
  kind: z.enum(['attendance', 'course']),
  code: z.string(),
  name: z.string(),
  sessionTitle: z.string().nullable(),
  courseTitle: z.string().nullable(),
  date: z.string(),
  minutes: z.number().nullable(),
  /** An attendance certificate's session times (instants), printed in England as certificateTime words them; null or absent when it prints none (a course certificate, or one issued before certificates printed times). */
  startsAt: z.string().nullable().optional(),
  endsAt: z.string().nullable().optional(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

let certTimeFormats: { time: Intl.DateTimeFormat; zone: Intl.DateTimeFormat; day: Intl.DateTimeFormat } | undefined;
/** Made at first use: a process's first Intl formatter loads ICU's locale and time zone data, which only a certificate needs here. */
const certFormats = () =>
  (certTimeFormats ??= {
    time: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    zone: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' }),
    day: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }),
  });

/**
 * A certificate's session time as it prints it and the public check shows it: "15:45 to 17:15
 * GMT", in England (where its date is a day), each time's zone named across a change of the
 * clocks, an end on a later day with its date; and the session's length in whole minutes. Null
 * when it prints none.
 */
export function certificateTime(c: Pick<CertificateFacts, 'startsAt' | 'endsAt'>): { range: string; lengthMinutes: number } | null {
  if (!c.startsAt || !c.endsAt) return null;
  const { time, zone, day } = certFormats();
  const [s, e] = [new Date(c.startsAt), new Date(c.endsAt)];
  const zoneOf = (d: Date) => zone.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UK time';
  const from = zoneOf(s) !== zoneOf(e) ? `${time.format(s)} ${zoneOf(s)}` : time.format(s);
  const endDay = day.format(e) !== day.format(s) ? ` on ${day.format(e)}` : '';
  return { range: `${from} to ${time.format(e)} ${zoneOf(e)}${endDay}`, lengthMinutes: Math.round((e.getTime() - s.getTime()) / 60_000) };
}

/**
 * The public check: `genuine` with what the certificate says; `replaced`: what it certifies
 * still stands, but a newer certificate replaced it (`changed`: the names it prints that have
 * changed since, possibly none), with what it says; `withdrawn`; or `unknown`.
 */
export const Verification = z.discriminatedUnion('status', [
  z.object({ status: z.literal('genuine'), certificate: CertificateFacts }),
  z.object({ status: z.literal('replaced'), certificate: CertificateFacts, changed: z.array(z.enum(['name', 'sessionTitle', 'courseTitle'])) }),
  z.object({ status: z.literal('withdrawn') }),
  z.object({ status: z.literal('unknown') }),
]);
export type Verification = z.infer<typeof Verification>;

/** The caller's certificates that can be downloaded. */
export const MyCertificates = z.object({
  attendance: z.array(z.object({ bookingId: z.string(), sessionId: z.string(), title: z.string(), startsAt: z.string(), url: z.string() })),
  courses: z.array(z.object({ courseId: z.string(), title: z.string(), completedOn: z.string().nullable(), url: z.string() })),
});
