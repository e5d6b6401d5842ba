/**
 * Certificates: of attendance (a booking that ended `attended`) and of a completed course.
 * A certificate is issued once per thing certified, with an unguessable verification code
 * (80 random bits, Crockford base32) and what it prints stored as printed; the PDF and the
 * public check both read that row, so they always agree. Only the person (and
 * administrators) can download theirs.
 *
 * The public check (`/verify/<code>`) is not worth enumerating: a code is one of 2^80, so
 * guessing finds nothing; on top, each client address may check 30 codes per 15 minutes
 * (the sign-in throttle's counters).
 */
import { randomBytes } from 'node:crypto';
import { CERT_CODE_LENGTH, formatCertCode, isCertCode, normaliseCertCode, type CertificateFacts, type Verification } from '../../shared/feedback.js';
import { hit, rateLimited } from '../accounts/throttle.js';
import { findUserById } from '../accounts/repository.js';
import { courseCompletion, courseCompletionsFor } from '../reach/completion.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { renderCertificatePdf } from './pdf.js';
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

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
/** YYYY-MM-DD of an instant in Europe/London. */
export const londonDay = (iso: string) => londonDate.format(new Date(iso));

export function factsOf(row: repo.CertificateRow): CertificateFacts {
  return { kind: row.kind, code: row.code, name: row.person_name, sessionTitle: row.session_title, courseTitle: row.course_title, date: row.held_on, minutes: row.minutes };
}

export const verifyUrl = (deps: Deps, code: string) => `${deps.config.publicUrl.replace(/\/$/, '')}/verify/${formatCertCode(code)}`;

/** The attendance certificate of a booking, issued on first asking: its owner (or an administrator), once they attended. */
export async function attendanceCertificate(deps: Deps, actor: AuthUser, bookingId: string): Promise<repo.CertificateRow> {
  const b = await repo.bookingForCertificate(deps.db, bookingId);
  // Someone else's booking does not exist for the caller.
  if (!b || (b.user_id !== actor.id && actor.role !== 'admin')) throw new AppError('not_found', 'No such booking.');
  if (b.status !== 'attended' || b.session_status === 'cancelled') throw new AppError('not_attendee', 'A certificate of attendance is given once the session is over and your attendance is recorded.');
  return repo.issue(deps.db, {
    code: newCertCode(),
    subject_key: `attendance:${b.id}`,
    kind: 'attendance',
    user_id: b.user_id,
    booking_id: b.id,
    course_id: null,
    person_name: b.name,
    session_title: b.title,
    course_title: b.course_title ?? null,
    held_on: londonDay(b.starts_at),
    minutes: b.minutes ?? null,
    issued_at: deps.now().toISOString(),
  });
}

/** The PDF of a stored certificate, with a file name. */
export async function certificatePdf(deps: Deps, row: repo.CertificateRow): Promise<{ pdf: Buffer; filename: string }> {
  const pdf = await renderCertificatePdf(factsOf(row), verifyUrl(deps, row.code), new Date(row.issued_at));
  const what = (row.kind === 'attendance' ? row.session_title : row.course_title) ?? 'certificate';
  const slug = what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'certificate';
  return { pdf, filename: `certificate-${row.held_on}-${slug}.pdf` };
}

/**
 * The course completion certificate of a person (the caller, or for an administrator anyone),
 * issued on first asking once the course is complete by the completion rule
 * (server/reach/completion.ts).
 */
export async function courseCertificate(deps: Deps, actor: AuthUser, courseId: string, userId = actor.id): Promise<repo.CertificateRow> {
  if (userId !== actor.id && actor.role !== 'admin') throw new AppError('not_found', 'No such person.');
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) throw new AppError('not_found', 'No such course.');
  const person = userId === actor.id ? { name: actor.name } : await findUserById(deps.db, userId);
  if (!person) throw new AppError('not_found', 'No such person.');
  const done = await courseCompletion(deps.db, userId, courseId);
  if (!done) throw new AppError('not_attendee', 'A course certificate is given once the course is complete: a session of each of its required parts attended.');
  return repo.issue(deps.db, {
    code: newCertCode(),
    subject_key: `course:${userId}:${courseId}`,
    kind: 'course',
    user_id: userId,
    booking_id: null,
    course_id: courseId,
    person_name: person.name,
    session_title: null,
    course_title: course.title,
    held_on: londonDay(done.completedAt),
    minutes: null,
    issued_at: deps.now().toISOString(),
  });
}

/** The caller's downloadable certificates: of each session attended and each course completed. */
export async function myCertificates(deps: Deps, actor: AuthUser) {
  const [rows, courses] = await Promise.all([repo.attendedBookings(deps.db, actor.id), courseCompletionsFor(deps.db, [actor.id])]);
  return {
    attendance: rows.map((r) => ({ bookingId: r.id, sessionId: r.session_id, title: r.title, startsAt: r.starts_at, url: `/api/bookings/${encodeURIComponent(r.id)}/certificate.pdf` })),
    courses: (courses.get(actor.id) ?? []).map((c) => ({ courseId: c.courseId, title: c.courseTitle, completedOn: londonDay(c.completedAt), url: `/api/courses/${encodeURIComponent(c.courseId)}/certificate.pdf` })),
  };
}

/**
 * The public check of a code, for anyone: genuine (with exactly what is printed), withdrawn
 * (the attendance it certified has since been corrected), or unknown. Counted per client.
 */
export async function verify(deps: Deps, rawCode: string, client: string): Promise<Verification> {
  const code = normaliseCertCode(rawCode);
  if (!isCertCode(code)) return { status: 'unknown' };
  const wait = await hit(deps, { key: `verify:${client}`, limit: VERIFY_LIMIT.perWindow, windowMs: VERIFY_LIMIT.windowMs });
  if (wait !== null) throw rateLimited(wait, 'certificate checks');
  const row = await repo.byCode(deps.db, code);
  if (!row) return { status: 'unknown' };
  if (row.kind === 'attendance' && row.booking_id) {
    const b = await repo.bookingStatus(deps.db, row.booking_id);
    if (b?.status !== 'attended' || b.session_status === 'cancelled') return { status: 'withdrawn' };
  }
  if (row.kind === 'course' && row.course_id && !(await courseCompletion(deps.db, row.user_id, row.course_id))) return { status: 'withdrawn' };
  return { status: 'genuine', certificate: factsOf(row) };
}
