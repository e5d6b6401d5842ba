/**
 * Attendance records: per booking, minutes present and attended yes/no, computed from
 * presence intervals by the pure rules in compute.ts; trainers' register entries win.
 * Also in-person check-in codes, the outcome job and CPD completions.
 */
import type { Transaction } from 'kysely';
import type { Database, SessionRow } from '../../db/schema.js';
import type { z } from 'zod';
import type { AttendanceRow, Completion, OverrideInput, RegisterChange } from '../../shared/attendance.js';
import { audienceLabels, findActiveBooking, findBooking, lockSession, viewerFor } from '../bookings/repository.js';
import { findOrg, findUsersByIds } from '../accounts/repository.js';
import { slug } from '../calendar/service.js';
import { localDateTime } from '../calendar/timezones.js';
import { orgAndSchoolsFor, orgsActableBy } from '../accounts/acting.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import { writeCsv } from '../platform/csv.js';
import type { AuthUser } from '../platform/http.js';
import { dayInEngland } from '../platform/range.js';
import { findSession, isTrainerOf, joinWindow } from '../sessions/repository.js';
import { currentCode, verifyCode } from './checkin-code.js';
import { combine, effectiveEnd, lengthMinutes, minutesInWords, minutesPresent, timesOf, type IntervalFacts } from './compute.js';
import * as repo from './repository.js';
import { beforeStart, wallClock } from '../platform/words.js';

const MINUTE = 60_000;
/** Outcomes are written this long after a session ends, so late webhooks still count. */
export const OUTCOME_GRACE_MS = 15 * MINUTE;
/** Ended sessions are looked at for this long; later changes come only from the register. */
const OUTCOME_LOOKBACK_MS = 14 * 24 * 60 * MINUTE;
const CHECKIN_MAX_FAILURES = 5;
const CHECKIN_FAILURE_WINDOW_MS = 10 * MINUTE;

/** The QR code library (with its PNG encoder) is loaded when a trainer first shows a check-in code, not at start. */
let qrcodeLib: Promise<typeof import('qrcode')> | undefined;
const qrcode = () => (qrcodeLib ??= import('qrcode'));

async function requireSession(deps: Deps, id: string): Promise<SessionRow> {
  const s = await findSession(deps.db, id);
  if (!s) throw new AppError('not_found', 'No such session.');
  return s;
}

const ms = (x: string | null) => (x === null ? null : Date.parse(x));

/**
 * Every seated booking of a session with its computed (or registered) outcome, read from
 * `db`: in a transaction that holds the session's lock when the rows are to be written.
 */
async function computeRows(db: repo.Q, nowMs: number, s: SessionRow, orgIds?: readonly string[]): Promise<AttendanceRow[]> {
  // In a transaction Kysely runs these one after another on its connection.
  const [bookings, intervals, rooms, overrides] = await Promise.all([
    repo.seatedBookings(db, s.id, orgIds),
    repo.intervalsOfSession(db, s.id),
    repo.roomsOfSession(db, s.id),
    repo.overridesOfSession(db, s.id),
  ]);
  const finished = new Map(rooms.map((r) => [r.room_sid, ms(r.finished_at)]));
  const byUser = new Map<string, IntervalFacts[]>();
  for (const i of intervals) {
    const f: IntervalFacts = {
      source: i.source,
      startedAt: ms(i.started_at),
      leftAt: ms(i.left_at),
      goneAt: ms(i.gone_at),
      seenAt: ms(i.seen_at),
      roomFinishedAt: i.room_sid ? (finished.get(i.room_sid) ?? null) : null,
      aborted: i.aborted === 1,
    };
    const theirs = byUser.get(i.user_id);
    if (theirs) theirs.push(f);
    else byUser.set(i.user_id, [f]);
  }
  const overrideOf = new Map(overrides.map((o) => [o.booking_id, o]));
  const now = nowMs;
  // LiveKit reports this session's room (anyone's connection, even a failed one; or a poll
  // or webhook that named the room since its join window opened, not one of old times it
  // was moved from): from then on the browser's reports credit no one (compute.ts, combine).
  const opensIso = joinWindow(s).opensAt.toISOString();
  const livekitSeesRoom = intervals.some((i) => i.source === 'livekit') || rooms.some((r) => r.first_seen_at >= opensIso);
  const window = { startMs: Date.parse(s.starts_at), endMs: Date.parse(s.ends_at), threshold: Number(s.attendance_threshold) };
  return bookings.map((b) => {
    const facts = byUser.get(b.user_id) ?? [];
    const o = overrideOf.get(b.id);
    const outcome = combine(facts, window, now, o ? { attended: o.attended === 1, minutes: o.minutes } : null, livekitSeesRoom);
    const inRoom = facts.some((f) => f.source === 'livekit' && !f.aborted && f.startedAt !== null && effectiveEnd(f, now) === now);
    return {
      bookingId: b.id,
      userId: b.user_id,
      name: b.name,
      email: b.email,
      orgId: b.org_id,
      org: b.org_name ?? null,
      seat: b.seat,
      status: b.status,
      minutes: outcome.minutes,
      attended: outcome.attended,
      source: outcome.source,
      inRoom,
      // The entry as the trainer made it (its minutes as entered: the correction form starts from them); `minutes` above is the figure stated.
      override: o ? { attended: o.attended === 1, minutes: o.minutes, note: o.note, changedBy: o.changed_by, changedByName: o.changed_by_name ?? null, changedAt: o.changed_at } : null,
    };
  });
}

/** Trainers of the session and admins see every row; office staff see those of the organisations they act for. */
async function readerScope(deps: Deps, actor: AuthUser, sessionId: string): Promise<{ orgIds?: readonly string[] }> {
  if (actor.role === 'admin') return {};
  if (await isTrainerOf(deps.db, sessionId, actor.id)) return {}; // its trainers and in-house leads
  if (actor.role === 'office' && actor.orgId) return { orgIds: (await orgsActableBy(deps.db, actor)).ids };
  throw new AppError('forbidden', 'Only the session’s trainers, administrators and school office staff can see attendance.');
}

async function sessionReport(deps: Deps, actor: AuthUser, sessionId: string) {
  const s = await requireSession(deps, sessionId);
  const scope = await readerScope(deps, actor, sessionId);
  const items = await computeRows(deps.db, deps.now().getTime(), s, scope.orgIds);
  return {
    s,
    report: {
      session: { id: s.id, title: s.title, startsAt: s.starts_at, endsAt: s.ends_at, registerOpensAt: joinWindow(s).opensAt.toISOString(), lengthMinutes: lengthMinutes(timesOf(s)), threshold: Number(s.attendance_threshold) },
      items,
    },
  };
}

export async function attendanceReport(deps: Deps, actor: AuthUser, sessionId: string) {
  return (await sessionReport(deps, actor, sessionId)).report;
}

/**
 * The same rows as CSV (UTF-8 with BOM for spreadsheets; formula-looking cells escaped),
 * named by the session's date in its own time zone: 00:30 BST on 11 June is the 11th,
 * though it is still the 10th in UTC.
 */
export async function attendanceCsv(deps: Deps, actor: AuthUser, sessionId: string): Promise<{ csv: string; filename: string }> {
  const { s, report } = await sessionReport(deps, actor, sessionId);
  // In-house attendance counts the same; the last column tells it apart ("programme", or "in-house: " and whose).
  const audience = (await audienceLabels(deps.db, [sessionId])).get(sessionId) ?? 'programme';
  const csv = writeCsv(
    report.items.map((r) => [r.name, r.email, r.org ?? '', r.seat === 'in_person' ? 'in person' : 'online', r.minutes, r.attended ? 'yes' : 'no', r.source, r.override?.note ?? '', audience]),
    { bom: true, header: true, columns: ['name', 'email', 'organisation', 'seat', 'minutes present', 'attended', 'source', 'note', 'audience'] },
  );
  const day = localDateTime(s.starts_at, s.time_zone).slice(0, 10); // YYYY-MM-DD on the session's own clock
  return { csv, filename: `attendance-${day}-${s8(sessionId)}.csv` };
}
const s8 = (id: string) => id.slice(0, 8);

async function requireRegisterKeeper(deps: Deps, actor: AuthUser, sessionId: string) {
  if (actor.role === 'admin') return;
  if (await isTrainerOf(deps.db, sessionId, actor.id)) return; // its trainers and in-house leads
  throw new AppError('forbidden', 'Only the session’s trainers can keep its register.');
}

/**
 * A trainer's register tick or correction; kept with who made it and when, and it wins.
 * A session past its outcome time has its outcomes written again in the same transaction.
 */
export async function setOverride(deps: Deps, actor: AuthUser, sessionId: string, bookingId: string, input: OverrideInput): Promise<AttendanceRow> {
  await requireSession(deps, sessionId);
  await requireRegisterKeeper(deps, actor, sessionId);
  const now = deps.now();
  const nowIso = now.toISOString();
  const s = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockSession(trx, deps.dbKind, sessionId);
    if (!locked) throw new AppError('not_found', 'No such session.');
    // Cancelled after it ended with no one attending (sessions/service.ts, cancelSession): it did
    // not take place, and no tick may now make someone attended on it.
    if (locked.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled, so its register can no longer be changed.');
    const b = await findBooking(trx, bookingId);
    if (!b || b.session_id !== sessionId || !(repo.SEATED as readonly string[]).includes(b.status)) throw new AppError('not_found', 'No such booking with a seat at this session.');
    // No one can have come before check-in opens; a tick days ahead would become the outcome.
    const { opensAt } = joinWindow(locked);
    if (now < opensAt) throw new AppError('register_not_open', `The register opens at ${wallClock(opensAt, locked.time_zone)}, ${beforeStart(locked.join_opens_minutes)}: no one can be marked as attended before then.`, { opensAt: opensAt.toISOString() });
    // A field left out keeps what the booking's correction holds (a tick on the register keeps
    // the minutes and note given earlier); null clears it. The log records the merged entry.
    const current = await repo.overrideOf(trx, b.id);
    if (input.minutes !== undefined && input.minutes !== null) refuseImpossibleMinutes(locked, input.minutes);
    const minutes = input.minutes !== undefined ? input.minutes : (current?.minutes ?? null);
    const note = input.note !== undefined ? input.note : (current?.note ?? null);
    await repo.saveOverride(trx, { booking_id: b.id, session_id: sessionId, attended: input.attended ? 1 : 0, minutes, note, changed_by: actor.id, changed_at: nowIso });
    if (isOver(locked, now)) await writeOutcomes(trx, now, locked);
    return locked;
  });
  return (await computeRows(deps.db, now.getTime(), s)).find((r) => r.bookingId === bookingId)!;
}

/** Minutes present no one could have been, more than the session lasts: refused at the field, saying its length. */
function refuseImpossibleMinutes(s: SessionRow, minutes: number) {
  const length = lengthMinutes(timesOf(s));
  if (minutes > length) {
    throw new AppError('validation_failed', `Minutes present can be at most the session’s length, ${minutesInWords(length)}.`, { issues: [{ path: 'minutes', message: `must be at most the session’s length, ${minutesInWords(length)}` }] });
  }
}

/** Every register change of one booking of the session, oldest first (its trainers, admins); a booking of no seat at this session is not found, as `setOverride` says. */
export async function overrideHistory(deps: Deps, actor: AuthUser, sessionId: string, bookingId: string) {
  await requireSession(deps, sessionId);
  await requireRegisterKeeper(deps, actor, sessionId);
  const b = await findBooking(deps.db, bookingId);
  if (!b || b.session_id !== sessionId) throw new AppError('not_found', 'No such booking at this session.');
  const rows = (await repo.overrideLog(deps.db, bookingId)).filter((r) => r.session_id === sessionId);
  const names = new Map((await findUsersByIds(deps.db, [...new Set(rows.map((r) => r.changed_by))])).map((u) => [u.id, u.name]));
  return rows.map((r): RegisterChange => ({ attended: r.attended === 1, minutes: r.minutes, note: r.note, changedBy: r.changed_by, changedByName: names.get(r.changed_by) ?? null, changedAt: r.changed_at }));
}

// ---------------------------------------------------------------- in-person check-in

/** Why someone without a confirmed in-person seat cannot check in, and what to do instead. */
function notCheckedIn(b: { status: string; seat: string } | undefined): AppError {
  const why =
    !b ? 'You have no place on this session, so there is nothing to check in to: book a seat on its page if one is free, then check in.'
    : b.status === 'offered' ? 'You have been offered a seat but have not taken it yet: accept it in My bookings, then check in.'
    : b.status === 'waitlisted' ? 'You are on the waiting list for this session, not booked on it: you can check in once you have a seat.'
    : b.seat === 'online' ? 'Your seat on this session is online: join it from My bookings. If you have come in person instead, tell the trainer: they can tick you on the register.'
    : 'Only people with a confirmed in-person seat can check in to this session.';
  return new AppError('not_attendee', why);
}

function requireInPerson(s: SessionRow) {
  if (s.mode === 'online') throw new AppError('conflict', 'This session is online only; there is nothing to check in to.');
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled.');
}

/** Whether check-in is open now: it is while the session's join window is. */
function checkinWindow(s: Pick<SessionRow, 'starts_at' | 'ends_at' | 'join_opens_minutes'>, now: Date) {
  const { opensAt, closesAt } = joinWindow(s);
  const state = now < opensAt ? ('not_yet' as const) : now >= closesAt ? ('closed' as const) : ('open' as const);
  return { state, opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() };
}

/**
 * The refusal of a check-in outside its window (409 `join_window_closed`, `details.checkin`
 * `not_yet` or `closed`), saying which, when, and what happens instead: before, when it
 * opens; after the end, that the trainer's register records attendance now (the check-in
 * page says the same, web/src/pages/CheckinPage.tsx).
 */
function checkinNotOpen(s: SessionRow, window: ReturnType<typeof checkinWindow>): AppError {
  const details = { checkin: window.state, opensAt: window.opensAt, closesAt: window.closesAt };
  if (window.state === 'not_yet') {
    return new AppError('join_window_closed', `Check-in has not opened yet: it opens at ${wallClock(new Date(window.opensAt), s.time_zone)}, ${beforeStart(s.join_opens_minutes)}. Check in then with the code the trainer shows.`, details);
  }
  return new AppError('join_window_closed', `This session ended at ${wallClock(new Date(window.closesAt), s.time_zone)}, so check-in has closed. Attendance is being recorded by the trainer’s register: if you were there, tell the trainer so they can mark you present.`, details);
}

/** The code (and QR code) the trainer shows; it changes every minute. Says whether check-in is open now. */
export async function checkinCodeFor(deps: Deps, actor: AuthUser, sessionId: string) {
  const s = await requireSession(deps, sessionId);
  await requireRegisterKeeper(deps, actor, sessionId);
  requireInPerson(s);
  const secret = await repo.checkinSecret(deps.db, sessionId, deps.now().toISOString());
  const now = deps.now();
  const { code, expiresAt } = currentCode(secret, sessionId, now.getTime());
  const url = `${deps.config.publicUrl}/sessions/${encodeURIComponent(sessionId)}/checkin?code=${code}`;
  const QRCode = await qrcode();
  const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const window = checkinWindow(s, now);
  return { code, expiresAt: expiresAt.toISOString(), now: now.toISOString(), url, qrSvg, checkin: window.state, opensAt: window.opensAt, closesAt: window.closesAt };
}

/**
 * A confirmed in-person attendee checks in with the code on the trainer's screen, from
 * the join window's opening to the session's end. Checking in again changes nothing, and
 * needs no code: the answer is the first check-in's time.
 * Presence then counts from the check-in to the end unless the trainer corrects it.
 *
 * Guessing is limited to CHECKIN_MAX_FAILURES wrong codes per person and session in
 * CHECKIN_FAILURE_WINDOW_MS, counted over all their bookings of it (cancelling and booking
 * again starts no fresh count). The count, the check and the recording of a wrong code are
 * one transaction under the session's lock, so guesses sent at once are counted one after
 * another: the sixth is refused however many arrive together.
 */
export async function checkin(deps: Deps, actor: AuthUser, sessionId: string, code: string) {
  const s = await requireSession(deps, sessionId);
  requireInPerson(s);
  const now = deps.now();
  const nowIso = now.toISOString();
  const since = new Date(now.getTime() - CHECKIN_FAILURE_WINDOW_MS).toISOString();
  const answer = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockSession(trx, deps.dbKind, sessionId);
    if (!locked) throw new AppError('not_found', 'No such session.');
    requireInPerson(locked);
    const b = await findActiveBooking(trx, sessionId, actor.id);
    if (!b || b.seat !== 'in_person' || !(repo.SEATED as readonly string[]).includes(b.status)) throw notCheckedIn(b);
    // Checking in again changes nothing: someone already in (reopening the link, its code long
    // expired) is told when they checked in, with no code to check and no wrong guess counted.
    const already = await repo.findCheckinTime(trx, b.id);
    if (already !== null) return { kind: 'in' as const, bookingId: b.id, checkedInAt: already };
    const window = checkinWindow(locked, now);
    if (window.state !== 'open') throw checkinNotOpen(locked, window);
    if ((await repo.countCheckinFailures(trx, sessionId, actor.id, since)) >= CHECKIN_MAX_FAILURES) return { kind: 'throttled' as const };
    const secret = await repo.checkinSecret(trx, sessionId, nowIso);
    if (!verifyCode(secret, sessionId, code, now.getTime())) {
      // Kept: the transaction commits, and only then is the wrong code answered.
      await repo.recordCheckinFailure(trx, b.id, nowIso);
      return { kind: 'wrong' as const };
    }
    await repo.mergeInterval(trx, { sessionId, userId: actor.id, source: 'checkin', key: `checkin:${b.id}`, startedAt: nowIso }, nowIso);
    return { kind: 'in' as const, bookingId: b.id, checkedInAt: await repo.checkinTime(trx, b.id) };
  });
  if (answer.kind === 'throttled') {
    throw new AppError('rate_limited', 'Too many wrong codes in the last 10 minutes. Please ask the trainer to tick you on the register.', undefined, { 'Retry-After': String(CHECKIN_FAILURE_WINDOW_MS / 1000) });
  }
  if (answer.kind === 'wrong') throw new AppError('invalid_checkin_code', 'That code is wrong or has expired. Enter the code the trainer is showing now.');
  return { bookingId: answer.bookingId, checkedInAt: answer.checkedInAt, sessionTitle: s.title };
}

/**
 * When the caller checked in to a session with the place they hold now (an in-person seat,
 * still confirmed or since recorded), or null: nothing to say for anyone else, a cancelled
 * place included (booking again starts afresh).
 */
export async function myCheckin(deps: Deps, actor: AuthUser, sessionId: string): Promise<{ checkedInAt: string | null }> {
  await requireSession(deps, sessionId);
  const b = await findActiveBooking(deps.db, sessionId, actor.id);
  if (!b || b.seat !== 'in_person' || !(repo.SEATED as readonly string[]).includes(b.status)) return { checkedInAt: null };
  return { checkedInAt: await repo.findCheckinTime(deps.db, b.id) };
}

// ---------------------------------------------------------------- outcomes

/**
 * Writes each seated booking's outcome (attended/absent) and its minutes, computed from what
 * `trx` reads. The caller holds the session's lock (lockSession), taken before anything of
 * it was read: every writer of outcomes takes it first, so one that read older presence
 * cannot commit after one that read newer, and the last word is always the newest.
 */
async function writeOutcomes(trx: Transaction<Database>, now: Date, s: SessionRow): Promise<number> {
  const rows = await computeRows(trx, now.getTime(), s);
  const nowIso = now.toISOString();
  for (const r of rows) {
    await repo.saveResult(trx, { booking_id: r.bookingId, session_id: s.id, user_id: r.userId, minutes: r.minutes, attended: r.attended ? 1 : 0, source: r.source, computed_at: nowIso });
    const status = r.attended ? 'attended' : 'absent';
    if (r.status !== status) await repo.setBookingStatus(trx, r.bookingId, status, nowIso);
  }
  return rows.length;
}

/** Whether a session's outcomes are to be written now: held (not cancelled) and past its outcome time. */
const isOver = (s: SessionRow, now: Date) => s.status === 'scheduled' && outcomeDue(s, now);

/** Whether a session's outcome time (its end and the grace after it) has come. */
export const outcomeDue = (s: Pick<SessionRow, 'ends_at'>, now: Date) => Date.parse(s.ends_at) + OUTCOME_GRACE_MS <= now.getTime();

/**
 * Inside the transaction that changes a session's times or attendance threshold: a session
 * whose outcome time has not come (moved later, or to a future date) has not been held, so
 * outcomes recorded under its old times are undone and its people can join and be recorded
 * on the new date. The caller then calls `finaliseSessionIfOver`, which records a session
 * still over again by its new times and threshold.
 *
 * A session whose times moved to ones that have not begun yet is a new occurrence: every
 * register entry and presence interval recorded so far was made before it and is about the
 * old times (a check-in or a connection never closed would otherwise count up to the new
 * date's end, and a tick would win over whatever happens then), so they are cleared too,
 * with the captions said then (the new occurrence's transcript starts empty).
 * Moved times that have begun (a session under way made to end later) keep them: they are
 * about the same occurrence. So does a start put back within the same sitting (people could
 * already check in or join, and the new start is before the old end: "we'll start at ten
 * past"), since those who have arrived are still there. A change of the threshold alone
 * keeps them.
 */
export async function outcomesAfterSessionChange(trx: Transaction<Database>, deps: Deps, before: SessionRow, after: SessionRow): Promise<void> {
  const now = deps.now();
  if (moveClearsRecord(before, after, now)) await repo.clearRecordedAttendance(trx, deps.dbKind, after.id);
  if (!outcomeDue(after, now)) await repo.reopenOutcomes(trx, after.id, now.toISOString());
}

/**
 * Whether moving a session from `before`'s times to `after`'s clears what was recorded of it
 * (outcomesAfterSessionChange): moved to times not yet begun, and not within the same sitting.
 * Once anyone has attended, such a move is refused (sessions/service.ts), as cancelling is.
 */
export function moveClearsRecord(before: SessionRow, after: Pick<SessionRow, 'starts_at' | 'ends_at'>, now: Date): boolean {
  const moved = after.starts_at !== before.starts_at || after.ends_at !== before.ends_at;
  const arriving = now.getTime() >= joinWindow(before).opensAt.getTime();
  const sameSitting = arriving && Date.parse(after.starts_at) < Date.parse(before.ends_at);
  return moved && Date.parse(after.starts_at) > now.getTime() && !sameSitting;
}

/**
 * Writes a session's outcomes if its outcome time has passed (after late data, a register
 * change or a change of its times, and from the outcome job), under the session's lock,
 * from what is stored when the lock is held. The number of bookings written.
 */
export async function finaliseSessionIfOver(deps: Deps, sessionId: string): Promise<number> {
  // A first look without a write lock: most callers ask about sessions not over yet.
  const seen = await findSession(deps.db, sessionId);
  if (!seen || !isOver(seen, deps.now())) return 0;
  return deps.db.transaction().execute(async (trx) => {
    const s = await lockSession(trx, deps.dbKind, sessionId);
    const now = deps.now();
    return s && isOver(s, now) ? writeOutcomes(trx, now, s) : 0;
  });
}

/**
 * How many people attended a session, by its attendance as it is now: what the attendance
 * answer shows (check-ins, live presence, register entries), or an outcome already written
 * as attended. Between the session's end and its outcome being written the bookings still
 * say confirmed, so their status alone would say no one did. `db`: the transaction holding
 * the session's lock (lockSession), so nothing recorded can change before the caller acts.
 */
export async function attendedCount(db: repo.Q, now: Date, s: SessionRow): Promise<number> {
  return (await computeRows(db, now.getTime(), s)).filter((r) => r.attended || r.status === 'attended').length;
}

/** Job: bookings of sessions that ended (plus a grace period) become attended or absent. */
export async function recordAttendanceOutcomes(deps: Deps): Promise<number> {
  const now = deps.now().getTime();
  const due = await repo.sessionsAwaitingOutcome(deps.db, new Date(now - OUTCOME_GRACE_MS).toISOString(), new Date(now - OUTCOME_LOOKBACK_MS).toISOString());
  let n = 0;
  for (const s of due) {
    try {
      n += await finaliseSessionIfOver(deps, s.id);
    } catch (e) {
      // One session's trouble must not stop the job loop (mail delivery runs after this).
      deps.logger.warn('attendance outcome failed', { sessionId: s.id, error: String((e as Error)?.message ?? e) });
    }
  }
  return n;
}

// ---------------------------------------------------------------- completions

/**
 * `orgName`: an organisation's record names each person's organisation (a trust's holds its schools' staff too); one person's does not.
 * The minutes are the outcome's as stated now (minutesPresent): at most the session's length by
 * its times as they are, an outcome written before they were corrected included.
 */
function toCompletion(r: Awaited<ReturnType<typeof repo.completions>>[number], audiences: Map<string, string>, orgName: boolean) {
  return { bookingId: r.id, userId: r.user_id, userName: r.name, ...(orgName ? { orgName: r.org_name ?? null } : {}), sessionId: r.session_id, title: r.title, courseId: r.course_id, startsAt: r.starts_at, endsAt: r.ends_at, seat: r.seat, minutes: minutesPresent(r.minutes ?? null, timesOf(r)), source: r.source ?? null, audience: audiences.get(r.session_id) ?? 'programme' };
}

/** Attended sessions, each saying who it was for: in-house ones count the same and are told apart. */
async function completionsOf(deps: Deps, by: repo.Whose, page?: { limit: number; offset: number }) {
  const rows = await repo.completions(deps.db, by, page);
  const audiences = await audienceLabels(deps.db, rows.map((r) => r.session_id));
  return { rows, items: rows.map((r) => toCompletion(r, audiences, 'orgIds' in by)) };
}

export async function myCompletions(deps: Deps, actor: AuthUser) {
  return { items: (await completionsOf(deps, { userId: actor.id })).items };
}

/**
 * One person's training record, as someone who manages them reads it: their own, whole;
 * their organisation's office staff (staff and office accounts only) and administrators on
 * the sessions they may see. Anyone else's is "not found", as in the organisation's record.
 */
export async function personCompletions(deps: Deps, actor: AuthUser, userId: string) {
  if (actor.id === userId) return myCompletions(deps, actor);
  if (actor.role !== 'admin' && actor.role !== 'office') throw new AppError('forbidden', 'Only office staff and administrators can see someone else’s training record.');
  const [person] = await findUsersByIds(deps.db, [userId]);
  const theirs = person && (actor.role === 'admin' || (['staff', 'office'].includes(person.role) && (await orgsActableBy(deps.db, actor)).has(person.org_id)));
  if (!theirs) throw new AppError('not_found', 'There is no such person in your organisation.');
  return { items: (await completionsOf(deps, { userId, viewer: await viewerFor(deps.db, actor) })).items };
}

/**
 * Made at first use, not at start: a process's first Intl formatter loads ICU's locale and
 * time zone data, some milliseconds that only the spreadsheets of a training record need.
 */
let londonTimeFormat: Intl.DateTimeFormat | undefined;
const londonTime = () => (londonTimeFormat ??= new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));

/** Spreadsheet cells of attended sessions: the session's own, times in Europe/London. */
async function recordCells(deps: Deps, items: z.infer<typeof Completion>[]) {
  const courses = await repo.courseTitles(deps.db, [...new Set(items.map((i) => i.courseId).filter((x): x is string => x !== null))]);
  return items.map((r) => [r.title, r.courseId ? (courses.get(r.courseId) ?? '') : '', dayInEngland(r.startsAt), londonTime().format(new Date(r.startsAt)), londonTime().format(new Date(r.endsAt)), r.seat === 'in_person' ? 'in person' : 'online', r.minutes ?? '', r.audience]);
}
const RECORD_COLUMNS = ['session', 'course', 'date', 'start', 'end', 'seat', 'minutes present', 'audience'];
const recordCsv = (columns: string[], rows: unknown[][]) => writeCsv(rows, { bom: true, header: true, columns });

/** A person's CPD record as a spreadsheet: one row per attended session, times in Europe/London. */
export async function myCompletionsCsv(deps: Deps, actor: AuthUser): Promise<{ csv: string; filename: string }> {
  const { items } = await myCompletions(deps, actor);
  return { csv: recordCsv(RECORD_COLUMNS, await recordCells(deps, items)), filename: `cpd-record-${dayInEngland(deps.now().toISOString())}.csv` };
}

/**
 * The organisation's record as `actor` may read it: its staff's and, for a trust or local
 * authority, its schools' staff's too (orgAndSchoolsFor), as Who is booked where and Training
 * coverage count them; on the sessions they may see, so a trust's office never reads a
 * school's own in-house sessions (DESIGN.md invariant 12).
 */
async function requireOrgRecord(deps: Deps, actor: AuthUser, orgId: string): Promise<repo.Whose> {
  const acting = await orgsActableBy(deps.db, actor);
  if (!acting.has(orgId)) throw new AppError('forbidden', 'Only the organisation’s office staff and administrators can see its training record.');
  return { orgIds: await orgAndSchoolsFor(deps.db, acting, orgId), viewer: await viewerFor(deps.db, actor) };
}

/** A page of the training record of an organisation's staff (a trust's: and its schools'): every attended session, newest first, and how many there are. */
export async function orgCompletions(deps: Deps, actor: AuthUser, orgId: string, page: { limit: number; offset: number }) {
  const whose = await requireOrgRecord(deps, actor, orgId);
  const [{ items }, total] = await Promise.all([completionsOf(deps, whose, page), repo.countCompletions(deps.db, whose)]);
  return { items, total, limit: page.limit, offset: page.offset };
}

/**
 * The whole training record of an organisation's staff (a trust's: and its schools') as a
 * spreadsheet: who attended which session, and for how long, each row naming the person's
 * organisation in a last column (added after the others, which keep their places, as in the
 * bookings spreadsheet).
 */
export async function orgCompletionsCsv(deps: Deps, actor: AuthUser, orgId: string): Promise<{ csv: string; filename: string }> {
  const whose = await requireOrgRecord(deps, actor, orgId);
  const max = deps.config.maxReportBookings;
  const total = await repo.countCompletions(deps.db, whose);
  if (total > max) throw new AppError('report_too_large', `The record has ${total.toLocaleString('en-GB')} attended sessions, more than the ${max.toLocaleString('en-GB')} one spreadsheet can hold. Read it page by page on the Training record page.`, { max });
  const { rows, items } = await completionsOf(deps, whose);
  const cells = await recordCells(deps, items);
  const org = await findOrg(deps.db, orgId);
  return { csv: recordCsv(['name', 'email', ...RECORD_COLUMNS, 'organisation'], cells.map((c, i) => [rows[i]!.name, rows[i]!.email, ...c, rows[i]!.org_name ?? ''])), filename: `training-record-${slug(org?.name ?? '') || 'organisation'}-${dayInEngland(deps.now().toISOString())}.csv` };
}
