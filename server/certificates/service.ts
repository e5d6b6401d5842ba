/**
 * Certificates: of attendance (a booking that ended `attended`) and of a completed course.
 * A certificate prints facts (the name, the session and course titles, the date, the
 * session's times and length, the minutes attended, or the course's completion date) with an unguessable verification code
 * (80 random bits, Crockford base32); what it prints is stored as printed, and the PDF is
 * rendered from that row. Only the person (and administrators) can download theirs.
 *
 * A certificate is genuine only while everything it prints is still true. Downloading one
 * compares the current certificate's printed facts with the facts as they now are: the
 * same, and the same certificate (same code) comes back; any difference (minutes corrected
 * on the register, the session moved (to other times on the same day too) or renamed, the person's name, the course's completion
 * date), and the old row is marked superseded and a new certificate (new code) is issued
 * with the current facts. The public check does the same comparison, read-only: it says
 * genuine only when the row is current and its facts still hold; replaced when what it
 * certifies stands and only a name it prints changed (see `verify`); else withdrawn. It costs a
 * few indexed reads per code (the booking; or the person, the course and their completion).
 *
 * The public check (`/verify/<code>`) is not worth enumerating: a code is one of 2^80, so
 * guessing finds nothing; on top, each client address may check 30 codes per 15 minutes
 * (the sign-in throttle's counters).
 */
import { randomBytes } from 'node:crypto';
import { CERT_CODE_LENGTH, formatCertCode, isCertCode, normaliseCertCode, type CertificateFacts, type Verification } from '../../shared/feedback.js';
import { hit, rateLimited } from '../accounts/throttle.js';
import { findUserById } from '../accounts/repository.js';
import { courseCompletion, courseCompletionsFor, type CourseCompletion } from '../reach/completion.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { dayInEngland } from '../platform/range.js';
import { wallClock } from '../platform/words.js';
import { OUTCOME_GRACE_MS } from '../attendance/service.js';
import { minutesPresent, timesOf } from '../attendance/compute.js';
import * as repo from './repository.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32
export const VERIFY_LIMIT = { perWindow: 30, windowMs: 15 * 60_000 };

/** A new verification code: 16 base32 characters from 80 random bits. */
export function newCertCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < CERT_CODE_LENGTH; i++) out = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)]! + out;
  return out;
}

/** What a stored certificate prints, as the PDF and the public check say it. */
export function factsOf(row: repo.CertificateRow): CertificateFacts {
  // The session's times only where it prints them (not on a course certificate, nor on one issued before certificates printed times).
  const times = row.session_starts_at && row.session_ends_at ? { startsAt: row.session_starts_at, endsAt: row.session_ends_at } : {};
  return { kind: row.kind, code: row.code, name: row.person_name, sessionTitle: row.session_title, courseTitle: row.course_title, date: row.held_on, minutes: row.minutes, ...times };
}

export const verifyUrl = (deps: Deps, code: string) => `${deps.config.publicUrl.replace(/\/$/, '')}/verify/${formatCertCode(code)}`;

/** What a certificate prints (besides its code): compared with the facts as they now are. */
type Printed = Pick<repo.CertificateRow, 'person_name' | 'session_title' | 'course_title' | 'held_on' | 'minutes' | 'session_starts_at' | 'session_ends_at'>;
const PRINTED = ['person_name', 'session_title', 'course_title', 'held_on', 'minutes'] as const;
/**
 * Whether the session times a certificate prints still hold. One issued before certificates
 * printed times prints none (null), so it has none to go stale: it stays current, and genuine
 * while the rest of what it prints holds.
 */
const sameTimes = (row: Printed, now: Printed) => row.session_starts_at === null || (row.session_starts_at === now.session_starts_at && row.session_ends_at === now.session_ends_at);
const samePrinted = (row: Printed, now: Printed) => PRINTED.every((k) => row[k] === now[k]) && sameTimes(row, now);

type CertBooking = NonNullable<Awaited<ReturnType<typeof repo.bookingForCertificate>>>;
/** A booking still certifiable: it ended attended and its session was not cancelled. */
const attendedNow = (b: CertBooking) => b.status === 'attended' && b.session_status !== 'cancelled';
/**
 * What an attendance certificate of the booking prints now: its minutes as every record states
 * them (minutesPresent), at most the session's length by its times as they are. A certificate
 * issued printing more (an outcome written before the times were corrected) no longer prints
 * what is true: its code answers withdrawn, as for any correction of the minutes, never genuine
 * nor replaced (which would show the old figure again as standing), and the next download
 * issues one with the true minutes.
 */
const attendancePrinted = (b: CertBooking): Printed => ({ person_name: b.name, session_title: b.title, course_title: b.course_title ?? null, held_on: dayInEngland(b.starts_at), minutes: minutesPresent(b.minutes ?? null, timesOf(b)), session_starts_at: b.starts_at, session_ends_at: b.ends_at });
/** What a course certificate prints now. */
const coursePrinted = (name: string, done: CourseCompletion): Printed => ({ person_name: name, session_title: null, course_title: done.courseTitle, held_on: dayInEngland(done.completedAt), minutes: null, session_starts_at: null, session_ends_at: null });

/** What a stored certificate would print if issued now; null when there is nothing to certify any more (nor anyone: an erased holder). */
async function printedNow(deps: Deps, row: repo.CertificateRow): Promise<Printed | null> {
  if (row.kind === 'attendance') {
    const b = row.booking_id ? await repo.bookingForCertificate(deps.db, row.booking_id) : undefined;
    return b && !b.erased_at && attendedNow(b) ? attendancePrinted(b) : null;
  }
  if (!row.course_id) return null;
  const [person, done] = await Promise.all([findUserById(deps.db, row.user_id), courseCompletion(deps.db, row.user_id, row.course_id)]);
  return person && !person.erased_at && done ? coursePrinted(person.name, done) : null;
}

/** The names a certificate prints, which can change (a typo put right, a session or course renamed, a person's new surname) while what it certifies stands. */
const NAMES = [
  ['person_name', 'name'],
  ['session_title', 'sessionTitle'],
  ['course_title', 'courseTitle'],
] as const;

/**
 * The subject's current certificate when it prints `printed`; otherwise a new one (new code)
 * printing it, the old one (if any) superseded, so its code answers withdrawn.
 */
async function currentCertificate(deps: Deps, subject: Pick<repo.CertificateRow, 'subject_key' | 'kind' | 'user_id' | 'booking_id' | 'course_id'>, printed: Printed): Promise<repo.CertificateRow> {
  const current = await repo.currentOf(deps.db, subject.subject_key);
  if (current && samePrinted(current, printed)) return current;
  return repo.issue(deps.db, { code: newCertCode(), ...subject, ...printed, issued_at: deps.now().toISOString(), superseded_at: null }, current?.code ?? null);
}

/** The attendance certificate of a booking, issued on first asking (and again when what it prints changed): its owner (or an administrator), once they attended. */
export async function attendanceCertificate(deps: Deps, actor: AuthUser, bookingId: string): Promise<repo.CertificateRow> {
  const b = await repo.bookingForCertificate(deps.db, bookingId);
  // Someone else's booking does not exist for the caller.
  if (!b || (b.user_id !== actor.id && actor.role !== 'admin')) throw new AppError('not_found', 'No such booking.');
  if (b.erased_at) throw erasedHolder();
  if (!attendedNow(b)) throw notYetAttended(deps, b);
  return currentCertificate(deps, { subject_key: `attendance:${b.id}`, kind: 'attendance', user_id: b.user_id, booking_id: b.id, course_id: null }, attendancePrinted(b));
}

/**
 * Why there is no certificate of attendance (yet): a place still open on a session not yet
 * over, or over but not yet recorded (attendance is worked out OUTCOME_GRACE_MS after the end,
 * and the refusal says when), or no attendance recorded.
 */
function notYetAttended(deps: Deps, b: CertBooking) {
  const recordedAt = Date.parse(b.ends_at) + OUTCOME_GRACE_MS;
  if (b.session_status !== 'cancelled' && b.status === 'confirmed' && deps.now().getTime() < recordedAt) {
    return new AppError('not_attendee', `A certificate of attendance is given once the session is over and your attendance is recorded: it can be downloaded from ${wallClock(new Date(recordedAt), 'Europe/London')}, if you attended.`);
  }
  return new AppError('not_attendee', 'A certificate of attendance is given once the session is over and your attendance is recorded.');
}

/** Someone whose personal data was erased has no certificate to issue: it would print no one (their old ones are withdrawn). */
const erasedHolder = () => new AppError('not_found', 'This person’s personal data has been erased, so no certificate can be issued for them.');

/** The PDF of a stored certificate, with a file name. */
export async function certificatePdf(deps: Deps, row: repo.CertificateRow): Promise<{ pdf: Buffer; filename: string }> {
  // The PDF code (pdfkit and its fonts) is loaded the first time a certificate is downloaded, not at start-up.
  const { renderCertificatePdf } = await import('./pdf.js');
  const pdf = await renderCertificatePdf(factsOf(row), verifyUrl(deps, row.code), new Date(row.issued_at));
  const what = (row.kind === 'attendance' ? row.session_title : row.course_title) ?? 'certificate';
  const slug = what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'certificate';
  return { pdf, filename: `certificate-${row.held_on}-${slug}.pdf` };
}

/**
 * The course completion certificate of a person (the caller, or for an administrator anyone),
 * issued on first asking once the course is complete by the completion rule
 * (server/reach/completion.ts), and again when what it prints changed.
 */
export async function courseCertificate(deps: Deps, actor: AuthUser, courseId: string, userId = actor.id): Promise<repo.CertificateRow> {
  if (userId !== actor.id && actor.role !== 'admin') throw new AppError('not_found', 'No such person.');
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) throw new AppError('not_found', 'No such course.');
  // The name as stored now (as the public check reads it), not as the sign-in session holds it.
  const person = await findUserById(deps.db, userId);
  if (!person) throw new AppError('not_found', 'No such person.');
  if (person.erased_at) throw erasedHolder();
  const done = await courseCompletion(deps.db, userId, courseId);
  if (!done) throw new AppError('not_attendee', 'A course certificate is given once the course is complete: a session of each of its required parts attended.');
  return currentCertificate(deps, { subject_key: `course:${userId}:${courseId}`, kind: 'course', user_id: userId, booking_id: null, course_id: courseId }, coursePrinted(person.name, done));
}

/** The caller's downloadable certificates: of each session attended and each course completed. */
export async function myCertificates(deps: Deps, actor: AuthUser) {
  const [rows, courses] = await Promise.all([repo.attendedBookings(deps.db, actor.id), courseCompletionsFor(deps.db, [actor.id])]);
  return {
    attendance: rows.map((r) => ({ bookingId: r.id, sessionId: r.session_id, title: r.title, startsAt: r.starts_at, url: `/api/bookings/${encodeURIComponent(r.id)}/certificate.pdf` })),
    courses: (courses.get(actor.id) ?? []).map((c) => ({ courseId: c.courseId, title: c.courseTitle, completedOn: dayInEngland(c.completedAt), url: `/api/courses/${encodeURIComponent(c.courseId)}/certificate.pdf` })),
  };
}

/**
 * The public check of a code, for anyone: genuine (with exactly what is printed) while it is
 * its subject's current certificate and everything it prints is still true; `replaced` (with
 * what it printed, and which of its names changed since) when what it certifies still stands
 * (the same attendance and minutes at the same times, or the same completion day) but a name it
 * prints was changed since, or a newer certificate replaced it: a course renamed for a typo does
 * not make every certificate of it look forged; withdrawn once the attendance or completion
 * it certified was corrected away or changed (minutes, date, times), or its holder's data was erased;
 * unknown otherwise. Read-only; counted per client.
 */
export async function verify(deps: Deps, rawCode: string, client: string): Promise<Verification> {
  const code = normaliseCertCode(rawCode);
  if (!isCertCode(code)) return { status: 'unknown' };
  const wait = await hit(deps, { key: `verify:${client}`, limit: VERIFY_LIMIT.perWindow, windowMs: VERIFY_LIMIT.windowMs });
  if (wait !== null) throw rateLimited(wait, 'certificate checks');
  const row = await repo.byCode(deps.db, code);
  if (!row) return { status: 'unknown' };
  const now = await printedNow(deps, row);
  if (!now) return { status: 'withdrawn' };
  if (row.superseded_at === null && samePrinted(row, now)) return { status: 'genuine', certificate: factsOf(row) };
  if (row.held_on !== now.held_on || row.minutes !== now.minutes || !sameTimes(row, now)) return { status: 'withdrawn' };
  return { status: 'replaced', certificate: factsOf(row), changed: NAMES.filter(([k]) => row[k] !== now[k]).map(([, said]) => said) };
}
