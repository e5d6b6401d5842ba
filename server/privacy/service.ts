/**
 * A person's copy of their own data (UK GDPR right of access; shared/privacy.ts): the views
 * each domain already gives them (their account, bookings, training record, certificates,
 * timetable), and their feedback answers and the messages written to them, in one file they
 * download from My account. Only the signed-in person's own data: nothing about anyone else
 * beyond what those views already show them (a session's title, its trainers' names).
 */
import type { MyData } from '../../shared/privacy.js';
import { personView } from '../accounts/lifecycle.js';
import { signInMethods } from '../accounts/oidc.js';
import { myCompletions } from '../attendance/service.js';
import { ownBookings } from '../bookings/access.js';
import { myCertificates } from '../certificates/service.js';
import { feedbackByUser } from '../feedback/repository.js';
import { messagesToUser } from '../notifications/outbox.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { getTimetable } from '../timetables/service.js';

const ABOUT =
  'Everything this training service holds about you: your account, how you sign in, your places on sessions, the sessions you attended, your certificates, the feedback you gave, your timetable and the messages sent to you. Your school (or trust) is responsible for this data; ask your school office about anything in it.';

export async function myData(deps: Deps, actor: AuthUser): Promise<{ data: MyData; filename: string }> {
  const now = deps.now().toISOString();
  const [account, methods, bookings, attendance, certificates, feedback, timetable, messages] = await Promise.all([
    personView(deps, actor.id),
    signInMethods(deps, actor.id),
    ownBookings(deps, actor),
    myCompletions(deps, actor),
    myCertificates(deps, actor),
    feedbackByUser(deps.db, actor.id),
    getTimetable(deps, actor, actor.id, {}, { emptyWhenNone: true }),
    messagesToUser(deps, actor.id),
  ]);
  return {
    filename: `my-data-${now.slice(0, 10)}.json`,
    data: {
      exportedAt: now,
      about: ABOUT,
      account,
      signInMethods: methods,
      bookings,
      attendance: attendance.items,
      certificates,
      feedback: feedback.map((f) => ({ sessionId: f.session_id, sessionTitle: f.title, sessionStartsAt: f.starts_at, usefulness: f.usefulness, confidenceBefore: f.confidence_before, confidenceAfter: f.confidence_after, comment: f.comment, givenAt: f.created_at, changedAt: f.updated_at })),
      timetable,
      messages,
    },
  };
}
