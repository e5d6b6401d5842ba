/**
 * A person's copy of their own data (UK GDPR right of access; shared/privacy.ts): the views
 * each domain already gives them (their account, bookings, training record, certificates,
 * timetable), and their feedback answers and the messages written to them, in one file they
 * download from My account. Only the person's own data: nothing about anyone else beyond what
 * those views already show them (a session's title, its trainers' names).
 *
 * The same file for someone else (`dataOf`), for the school answering a subject access
 * request from a member of staff who cannot sign in (they have left, and their account is
 * turned off): office staff for their own organisations' staff, administrators for anyone,
 * the people they may turn off (accounts/lifecycle.ts). Each such download is kept in the
 * audit log (by ids only). It holds what the downloader may see of them, as their own views
 * of the person do: the timetable as the office's timetable page shows it (a subscribed
 * calendar's site, not its address, which is often its only key), and nothing naming a
 * session the downloader may not see (a school's own in-house session, to its trust's
 * office: DESIGN.md invariant 12); an administrator sees every session.
 */
import type { MyData } from '../../shared/privacy.js';
import { recordAudit } from '../accounts/audit.js';
import { manageable, personView } from '../accounts/lifecycle.js';
import { formerDetailsOf } from '../accounts/repository.js';
import { signInMethods } from '../accounts/oidc.js';
import { myCompletions } from '../attendance/service.js';
import { ownBookings } from '../bookings/access.js';
import { viewerFor, visibleSessionIds, type Viewer } from '../bookings/repository.js';
import { myCertificates } from '../certificates/service.js';
import { feedbackByUser } from '../feedback/repository.js';
import { messagesToUser } from '../notifications/outbox.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { AppError } from '../errors.js';
import { getTimetable } from '../timetables/service.js';

const ABOUT =
  'Everything this training service holds about you: your account, how you sign in, your places on sessions, the sessions you attended, your certificates, the feedback you gave, your timetable and the messages sent to you. Your school (or trust) is responsible for this data; ask your school office about anything in it.';

/** The signed-in person's own data. */
export async function myData(deps: Deps, actor: AuthUser): Promise<{ data: MyData; filename: string }> {
  const now = deps.now().toISOString();
  return { filename: `my-data-${now.slice(0, 10)}.json`, data: await personalData(deps, actor, now) };
}

/**
 * `userId`'s data, downloaded by `actor` for them (see the file's comment): refused, changing
 * nothing, for someone the actor may not manage (as turning an account off is) and for an
 * erased account (nothing of theirs is left to give). Recorded in the audit log.
 */
export async function dataOf(deps: Deps, actor: AuthUser, userId: string): Promise<{ data: MyData; filename: string }> {
  const row = await manageable(deps, actor, userId, 'Office staff can download the data of staff only; ask an administrator.');
  if (row.erased_at) throw new AppError('conflict', 'This person’s personal data has been erased: there is nothing of theirs left to download.');
  const now = deps.now().toISOString();
  const subject: AuthUser = { id: row.id, email: row.email, name: row.name, role: row.role, orgId: row.org_id, captioner: !!row.captioner };
  const data = await personalData(deps, subject, now, actor);
  await recordAudit(deps.db, { action: 'export_personal_data', actorId: actor.id, subjectId: row.id, at: now });
  return { filename: `personal-data-${row.name}-${now.slice(0, 10)}.json`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_'), data };
}

/**
 * `person`'s data as `reader` (the person, or someone downloading it for them) may see it: the
 * timetable is read as `reader` reads it, and with someone else reading, the places,
 * attendance, certificates, feedback and messages on sessions `reader` may not see are left out.
 */
async function personalData(deps: Deps, person: AuthUser, now: string, reader: AuthUser = person): Promise<MyData> {
  const viewer: Viewer | undefined = reader.id === person.id ? undefined : await viewerFor(deps.db, reader);
  const [account, former, methods, bookings, attendance, certificates, feedback, timetable, messages] = await Promise.all([
    personView(deps, person.id),
    formerDetailsOf(deps.db, person.id),
    signInMethods(deps, person.id),
    ownBookings(deps, person),
    myCompletions(deps, person),
    myCertificates(deps, person),
    feedbackByUser(deps.db, person.id),
    getTimetable(deps, reader, person.id, {}, { emptyWhenNone: true, whole: true }),
    messagesToUser(deps, person.id, viewer),
  ]);
  const named = [...bookings.map((b) => b.sessionId), ...attendance.items.map((a) => a.sessionId), ...certificates.attendance.map((c) => c.sessionId), ...feedback.map((f) => f.session_id)];
  const seen = viewer && viewer.kind !== 'all' ? await visibleSessionIds(deps.db, named, viewer) : undefined;
  const shown = (sessionId: string) => !seen || seen.has(sessionId);
  return {
    exportedAt: now,
    about: ABOUT,
    account,
    formerDetails: former.map((f) => ({ name: f.name, email: f.email, replacedAt: f.replaced_at })),
    signInMethods: methods,
    bookings: bookings.filter((b) => shown(b.sessionId)),
    attendance: attendance.items.filter((a) => shown(a.sessionId)),
    certificates: { ...certificates, attendance: certificates.attendance.filter((c) => shown(c.sessionId)) },
    feedback: feedback
      .filter((f) => shown(f.session_id))
      .map((f) => ({ sessionId: f.session_id, sessionTitle: f.title, sessionStartsAt: f.starts_at, usefulness: f.usefulness, confidenceBefore: f.confidence_before, confidenceAfter: f.confidence_after, comment: f.comment, givenAt: f.created_at, changedAt: f.updated_at })),
    timetable,
    messages,
  };
}
