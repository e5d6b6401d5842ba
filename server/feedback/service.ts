/**
 * Feedback after a session: each attendee (a booking that ended `attended`, by the
 * attendance threshold) answers once, and may change the answer until 14 days after the
 * session ends. The session's trainers (and in-house leads: the same "runs this session"
 * check) see its results; administrators see them per course and overall. A course set to
 * anonymous feedback shows comments without names, to everyone.
 */
import { FEEDBACK_EDIT_DAYS, type FeedbackInput, type MyFeedback, type SessionFeedbackList } from '../../shared/feedback.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { enqueue } from '../notifications/outbox.js';
import { findSession, isTrainerOf } from '../sessions/repository.js';
import * as repo from './repository.js';
import { COMMENTS_SHOWN, summarise } from './summary.js';
import { wallClock } from '../platform/words.js';

const DAY = 24 * 3_600_000;
/** Requests go out for sessions that ended within this long (after it, feedback is closed). */
const EDIT_WINDOW_MS = FEEDBACK_EDIT_DAYS * DAY;
export const FEEDBACK_REQUEST_KEY = 'feedback_request:';

export const editableUntil = (endsAtIso: string) => new Date(Date.parse(endsAtIso) + EDIT_WINDOW_MS).toISOString();

const notAttendee = () => new AppError('not_attendee', 'Only people who attended this session can give feedback on it.');

const toAnswer = (f: NonNullable<Awaited<ReturnType<typeof repo.findFeedback>>>) => ({
  usefulness: f.usefulness,
  confidenceBefore: f.confidence_before,
  confidenceAfter: f.confidence_after,
  comment: f.comment,
  updatedAt: f.updated_at,
});

/** The caller's own feedback on a session they attended, and whether they can still change it. */
export async function myFeedback(deps: Deps, actor: AuthUser, sessionId: string): Promise<MyFeedback> {
  const b = await repo.attendedBooking(deps.db, sessionId, actor.id);
  if (!b) throw notAttendee();
  const f = await repo.findFeedback(deps.db, sessionId, actor.id);
  const until = editableUntil(b.ends_at);
  return { sessionId, title: b.title, editableUntil: until, open: deps.now().toISOString() < until, answer: f ? toAnswer(f) : null };
}

/** Made at first use, not at start (a process's first Intl formatter loads ICU's data, some milliseconds). */

/** Gives or changes the caller's answer: attendees only, until 14 days after the session. */
export async function saveMyFeedback(deps: Deps, actor: AuthUser, sessionId: string, input: FeedbackInput): Promise<MyFeedback> {
  const b = await repo.attendedBooking(deps.db, sessionId, actor.id);
  if (!b) throw notAttendee();
  const until = editableUntil(b.ends_at);
  if (deps.now().toISOString() >= until) {
    throw new AppError('feedback_closed', `Feedback on this session closed at ${wallClock(new Date(until), 'Europe/London')}: answers can be given or changed for ${FEEDBACK_EDIT_DAYS} days after a session.`, { closedAt: until });
  }
  const comment = input.comment?.trim() ? input.comment.trim() : null;
  await repo.saveFeedback(deps.db, { sessionId, userId: actor.id, bookingId: b.id }, { usefulness: input.usefulness, confidence_before: input.confidenceBefore, confidence_after: input.confidenceAfter, comment }, deps.now().toISOString());
  return myFeedback(deps, actor, sessionId);
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Results of one session: its trainers (and in-house leads), administrators. */
export async function sessionFeedback(deps: Deps, actor: AuthUser, sessionId: string) {
  const s = await findSession(deps.db, sessionId);
  if (!s) throw new AppError('not_found', 'No such session.');
  if (actor.role !== 'admin' && !(await isTrainerOf(deps.db, sessionId, actor.id))) {
    throw new AppError('forbidden', 'Only the session’s trainers and administrators can see its feedback.');
  }
  const c = s.course_id ? await repo.course(deps.db, s.course_id) : undefined;
  const scope = { sessionId };
  const [fig, comments, attendees] = await Promise.all([repo.figures(deps.db, scope), repo.latestComments(deps.db, scope, COMMENTS_SHOWN), repo.attendeesPerSession(deps.db, scope)]);
  return {
    session: { id: s.id, title: s.title, startsAt: s.starts_at, endsAt: s.ends_at, courseId: s.course_id, courseTitle: c?.title ?? null },
    summary: summarise(fig.get(''), total(attendees), c?.anonymous_feedback === 1, comments),
  };
}

/** One row per session: attendees, answers, average usefulness and confidence shift. */
async function sessionRows(deps: Deps, sessions: Awaited<ReturnType<typeof repo.endedSessions>>['rows']) {
  const scope = { sessionIds: sessions.map((s) => s.id) };
  const [attendees, bySession] = await Promise.all([repo.attendeesPerSession(deps.db, scope), repo.figures(deps.db, scope, 'session')]);
  return sessions.map((s) => {
    const sum = summarise(bySession.get(s.id), attendees.get(s.id) ?? 0, true);
    return { sessionId: s.id, title: s.title, startsAt: s.starts_at, endsAt: s.ends_at, courseTitle: s.course_title ?? null, attendees: sum.attendees, responses: sum.responses, usefulness: sum.usefulness.average, confidenceShift: sum.confidenceShift };
  });
}

export interface PageQuery {
  limit: number;
  offset: number;
}

/** A page of ended sessions in scope with their feedback in brief, newest first, and how many there are. */
async function sessionPage(deps: Deps, by: Parameters<typeof repo.endedSessions>[2], page: PageQuery): Promise<SessionFeedbackList> {
  const { rows, total } = await repo.endedSessions(deps.db, deps.now().toISOString(), by, page);
  return { items: await sessionRows(deps, rows), total, limit: page.limit, offset: page.offset, hasMore: page.offset + rows.length < total };
}

/**
 * The sessions the caller runs now that have ended, a page at a time, with their feedback in
 * brief (an admin: every ended session). "Runs" is isTrainerOf's rule: a lead who was moved
 * or removed, or a trainer made staff, no longer has the sessions they ran listed here, as
 * their results are no longer theirs to read.
 */
export async function mySessionsFeedback(deps: Deps, actor: AuthUser, page: PageQuery) {
  const by = actor.role === 'admin' ? {} : { runBy: actor.id };
  return sessionPage(deps, by, page);
}

function requireAdmin(actor: AuthUser) {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can see feedback per course and overall.');
}

/** A course's feedback: all its sessions together, and a page of its sessions one by one (administrators). */
export async function courseFeedback(deps: Deps, actor: AuthUser, courseId: string, page: PageQuery) {
  requireAdmin(actor);
  const c = await repo.course(deps.db, courseId);
  if (!c) throw new AppError('not_found', 'No such course.');
  const anonymous = c.anonymous_feedback === 1;
  const scope = { courseId };
  const [fig, comments, attendees, sessions] = await Promise.all([
    repo.figures(deps.db, scope),
    repo.latestComments(deps.db, scope, COMMENTS_SHOWN),
    repo.attendeesPerSession(deps.db, scope),
    sessionPage(deps, scope, page),
  ]);
  return {
    course: { id: c.id, title: c.title, anonymousFeedback: anonymous },
    summary: summarise(fig.get(''), total(attendees), anonymous, comments),
    sessions,
  };
}

/** Every answer together, and a row per course (administrators). */
export async function feedbackOverview(deps: Deps, actor: AuthUser) {
  requireAdmin(actor);
  const [fig, comments, attendees, courses, byCourse] = await Promise.all([
    repo.figures(deps.db, {}),
    repo.latestComments(deps.db, {}, COMMENTS_SHOWN),
    repo.attendeesPerSession(deps.db, {}),
    repo.courses(deps.db),
    repo.figures(deps.db, {}, 'course'),
  ]);
  return {
    summary: summarise(fig.get(''), total(attendees), false, comments),
    courses: courses.map((c) => {
      const sum = summarise(byCourse.get(c.id), 0, true);
      return { courseId: c.id, title: c.title, anonymousFeedback: c.anonymous_feedback === 1, responses: sum.responses, usefulness: sum.usefulness.average, confidenceShift: sum.confidenceShift };
    }),
  };
}

export async function courseFeedbackSettings(deps: Deps, actor: AuthUser) {
  requireAdmin(actor);
  return { items: (await repo.courses(deps.db)).map((c) => ({ courseId: c.id, title: c.title, anonymous: c.anonymous_feedback === 1 })) };
}

export async function setCourseAnonymous(deps: Deps, actor: AuthUser, courseId: string, anonymous: boolean) {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators can change a course’s feedback settings.');
  if (!(await repo.course(deps.db, courseId))) throw new AppError('not_found', 'No such course.');
  await repo.setCourseAnonymous(deps.db, courseId, anonymous);
  return { anonymous };
}

/**
 * Job: once per attended booking, an email asking for feedback, for sessions that ended
 * within the feedback window (attendance outcomes are written 15 minutes after the end).
 * The outbox's dedupe key makes it once per person and session, from any process.
 */
export async function requestFeedback(deps: Deps): Promise<number> {
  const now = deps.now().getTime();
  const due = await repo.attendeesNotYetAsked(deps.db, new Date(now - EDIT_WINDOW_MS).toISOString(), new Date(now).toISOString(), FEEDBACK_REQUEST_KEY);
  for (const b of due) await enqueue(deps.db, deps, 'feedback_request', b.id, { dedupeKey: `${FEEDBACK_REQUEST_KEY}${b.id}` });
  return due.length;
}
