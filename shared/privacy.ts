/**
 * A person's copy of what this service holds about them (UK GDPR right of access), as
 * `GET /api/me/data` gives it and My account offers it: the same views the service's own pages
 * show them, in one file.
 */
import { z } from 'zod';
import { SignInMethods, User } from './accounts.js';
import { CompletionList } from './attendance.js';
import { Booking } from './bookings.js';
import { MyCertificates } from './feedback.js';
import { Timetable } from './timetables.js';

export const MyData = z.object({
  /** When this copy was made (ISO). */
  exportedAt: z.string(),
  /** What the file is, in words, for whoever opens it. */
  about: z.string(),
  account: User,
  /** Names and emails of theirs that were put right since (kept so that erasing them finds those too): the one replaced (null: that one did not change), and when. */
  formerDetails: z.array(z.object({ name: z.string().nullable(), email: z.string().nullable(), replacedAt: z.string() })),
  signInMethods: SignInMethods,
  /** Every place they have or had on a session, with its status (cancelled ones included). */
  bookings: z.array(Booking),
  /** Sessions they attended, with minutes present (their training record). */
  attendance: CompletionList.shape.items,
  certificates: MyCertificates,
  feedback: z.array(
    z.object({
      sessionId: z.string(),
      sessionTitle: z.string(),
      sessionStartsAt: z.string(),
      usefulness: z.number(),
      confidenceBefore: z.number(),
      confidenceAfter: z.number(),
      comment: z.string().nullable(),
      givenAt: z.string(),
      changedAt: z.string(),
    }),
  ),
  /** Their timetable as the timetable page shows it: weekly lessons, and dated ones and closed days from a week ago to four weeks ahead (`counts`: how many of each are stored). */
  timetable: Timetable,
  /** Messages written to them: what each was about and when; not the text (a sign-in message holds a live link). */
  messages: z.array(z.object({ kind: z.string(), subject: z.string(), to: z.string(), status: z.string(), createdAt: z.string(), sentAt: z.string().nullable() })),
});
export type MyData = z.infer<typeof MyData>;
