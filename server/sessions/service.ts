/**
 * The session catalogue: create, read, list, edit and cancel sessions. Changes that affect
 * bookings (capacity, time, place, cancellation) hand over to the booking engine inside
 * the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { SeatKind, SessionRow } from '../../db/schema.js';
import { findUsersByIds } from '../accounts/repository.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import {
  sessionShapeIssues,
  type CreateCourseInput,
  type CreateSessionInput,
  type Session,
  type SessionQuery,
  type UpdateSessionInput,
} from '../../shared/sessions.js';
import { seatCounts, type SeatState } from '../bookings/availability.js';
import { loadSeatStates, lockSession } from '../bookings/repository.js';
import * as engine from '../bookings/service.js';
import * as repo from './repository.js';
import { fitsForSessions } from '../timetables/service.js';

/** A session as `viewerOrgId`'s people see it (their organisation's held seats count as free to them). */
export function toSession(row: repo.SessionViewRow, trainerIds: string[], seats: Record<SeatKind, SeatState>, viewerOrgId: string | null = null): Session {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    courseId: row.course_id,
    mode: row.mode,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: row.time_zone,
    venue: row.venue,
    capacity: { inPerson: row.capacity_in_person, online: row.capacity_online },
    status: row.status,
    trainerIds,
    waitlistPolicy: row.waitlist_policy,
    offerHoldMinutes: row.offer_hold_minutes,
    bookingClosesAt: row.booking_closes_at,
    holdsReleaseAt: row.holds_release_at,
    roomKind: row.room_kind,
    attendanceThreshold: Number(row.attendance_threshold),
    seats: { inPerson: seatCounts(seats.in_person, viewerOrgId), online: seatCounts(seats.online, viewerOrgId) },
  };
}

/** Full views of many session rows, with trainers and seats, in two queries; seats as `viewer` sees them. */
export async function sessionViews(deps: Deps, rows: repo.SessionViewRow[], viewer?: Pick<AuthUser, 'orgId'>): Promise<Session[]> {
  const ids = rows.map((r) => r.id);
  const [trainers, seats] = await Promise.all([repo.trainerIdsOf(deps.db, ids), loadSeatStates(deps.db, rows, deps.now().toISOString())]);
  return rows.map((r) => toSession(r, trainers.get(r.id) ?? [], seats.get(r.id)!, viewer?.orgId ?? null));
}

/** A session; with a caller, also whether it fits the caller's timetable. */
export async function getSession(deps: Deps, id: string, caller?: AuthUser): Promise<Session> {
  const row = await repo.findSession(deps.db, id);
  if (!row) throw new AppError('not_found', 'No such session.');
  const view = (await sessionViews(deps, [row], caller))[0]!;
  if (!caller) return view;
  return { ...view, fit: (await fitsForSessions(deps, caller.id, [row]))?.get(row.id) ?? null };
}

const iso = (s: string) => new Date(s).toISOString();

async function checkTrainers(deps: Deps, ids: string[]) {
  const unique = [...new Set(ids)];
  const users = await findUsersByIds(deps.db, unique);
  const bad = unique.filter((id) => users.find((u) => u.id === id)?.role !== 'trainer' && users.find((u) => u.id === id)?.role !== 'admin');
  if (bad.length) throw new AppError('validation_failed', 'trainerIds must name trainers.', { issues: bad.map((id) => ({ path: 'trainerIds', message: `${id} is not a trainer` })) });
  return unique;
}

async function checkCourse(deps: Deps, courseId: string | null | undefined) {
  if (courseId && !(await repo.findCourse(deps.db, courseId))) {
    throw new AppError('validation_failed', 'courseId is not a known course.', { issues: [{ path: 'courseId', message: 'not found' }] });
  }
}

export async function createSession(deps: Deps, actor: AuthUser, input: CreateSessionInput): Promise<Session> {
  await checkCourse(deps, input.courseId);
  const trainerIds = await checkTrainers(deps, input.trainerIds ?? (actor.role === 'trainer' ? [actor.id] : []));
  const now = deps.now().toISOString();
  const id = randomUUID();
  await deps.db.transaction().execute((trx) =>
    repo.insertSession(
      trx,
      {
        id,
        course_id: input.courseId ?? null,
        title: input.title,
        description: input.description ?? '',
        mode: input.mode,
        starts_at: iso(input.startsAt),
        ends_at: iso(input.endsAt),
        time_zone: input.timeZone ?? 'Europe/London',
        venue: input.mode === 'online' ? (input.venue ?? null) : input.venue!,
        capacity_in_person: input.capacity.inPerson ?? 0,
        capacity_online: input.capacity.online ?? 0,
        status: 'scheduled',
        booking_closes_at: input.bookingClosesAt ? iso(input.bookingClosesAt) : null,
        waitlist_policy: input.waitlistPolicy ?? 'auto',
        offer_hold_minutes: input.offerHoldMinutes ?? 1440,
        holds_release_at: input.holdsReleaseAt ? iso(input.holdsReleaseAt) : null,
        room_kind: input.roomKind ?? 'webinar',
        attendance_threshold: input.attendanceThreshold ?? 0.75,
        join_opens_minutes: 15,
        revision: 0,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      },
      trainerIds,
    ),
  );
  return getSession(deps, id);
}

/** Trainers change only their own sessions; admins any. */
export async function requireSessionManager(deps: Deps, actor: AuthUser, sessionId: string) {
  if (actor.role === 'admin') return;
  if (actor.role === 'trainer' && (await repo.isTrainerOf(deps.db, sessionId, actor.id))) return;
  throw new AppError('forbidden', 'Only the session’s trainers or an administrator may change it.');
}

/**
 * A page of sessions. With a caller, each says whether it fits the caller's timetable;
 * `fits=me` keeps only those that do, and pages over that filtered list.
 */
export async function listSessions(deps: Deps, q: z.infer<typeof SessionQuery>, caller?: AuthUser) {
  const filter = {
    words: q.q ? q.q.split(/\s+/).filter(Boolean).slice(0, 10) : undefined,
    from: q.from ? iso(q.from) : undefined,
    to: q.to ? iso(q.to) : undefined,
    mode: q.mode,
    courseId: q.courseId,
    includeCancelled: q.includeCancelled === 'true',
  };
  if (q.fits === 'me' && caller) {
    const all = await repo.listAllSessions(deps.db, filter);
    const fit = await fitsForSessions(deps, caller.id, all);
    const kept = fit ? all.filter((r) => fit.get(r.id)?.fits) : all;
    const page = kept.slice(q.offset, q.offset + q.limit);
    const items = (await sessionViews(deps, page, caller)).map((s) => ({ ...s, fit: fit?.get(s.id) ?? null }));
    return { items, total: kept.length, limit: q.limit, offset: q.offset };
  }
  const { rows, total } = await repo.listSessions(deps.db, filter, q.limit, q.offset);
  const fit = caller ? await fitsForSessions(deps, caller.id, rows) : null;
  const items = (await sessionViews(deps, rows, caller)).map((s) => (caller ? { ...s, fit: fit?.get(s.id) ?? null } : s));
  return { items, total, limit: q.limit, offset: q.offset };
}

export async function updateSession(deps: Deps, actor: AuthUser, id: string, patch: UpdateSessionInput): Promise<Session> {
  await requireSessionManager(deps, actor, id);
  if (patch.courseId !== undefined) await checkCourse(deps, patch.courseId);
  const trainerIds = patch.trainerIds ? await checkTrainers(deps, patch.trainerIds) : undefined;
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockSession(trx, deps.dbKind, id);
    if (!row) throw new AppError('not_found', 'No such session.');
    if (row.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled and cannot be changed.');
    const merged = {
      mode: patch.mode ?? row.mode,
      startsAt: patch.startsAt ? iso(patch.startsAt) : row.starts_at,
      endsAt: patch.endsAt ? iso(patch.endsAt) : row.ends_at,
      venue: patch.venue !== undefined ? patch.venue : row.venue,
      capacity: {
        inPerson: patch.capacity?.inPerson ?? (patch.mode === 'online' ? 0 : row.capacity_in_person),
        online: patch.capacity?.online ?? (patch.mode === 'in_person' ? 0 : row.capacity_online),
      },
    };
    const issues = sessionShapeIssues(merged);
    if (issues.length) throw new AppError('validation_failed', `${issues[0]!.path.join('.')} ${issues[0]!.message}`, { issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });

    const timeOrPlaceChanged = merged.startsAt !== row.starts_at || merged.endsAt !== row.ends_at || (merged.venue ?? null) !== row.venue || merged.mode !== row.mode;
    const next = {
      title: patch.title ?? row.title,
      description: patch.description ?? row.description,
      course_id: patch.courseId !== undefined ? patch.courseId : row.course_id,
      mode: merged.mode,
      starts_at: merged.startsAt,
      ends_at: merged.endsAt,
      time_zone: patch.timeZone ?? row.time_zone,
      venue: merged.venue ?? null,
      capacity_in_person: merged.capacity.inPerson,
      capacity_online: merged.capacity.online,
      booking_closes_at: patch.bookingClosesAt !== undefined ? (patch.bookingClosesAt ? iso(patch.bookingClosesAt) : null) : row.booking_closes_at,
      holds_release_at: patch.holdsReleaseAt !== undefined ? (patch.holdsReleaseAt ? iso(patch.holdsReleaseAt) : null) : row.holds_release_at,
      waitlist_policy: patch.waitlistPolicy ?? row.waitlist_policy,
      offer_hold_minutes: patch.offerHoldMinutes ?? row.offer_hold_minutes,
      room_kind: patch.roomKind ?? row.room_kind,
      attendance_threshold: patch.attendanceThreshold ?? row.attendance_threshold,
      revision: row.revision + (timeOrPlaceChanged || patch.title !== undefined ? 1 : 0),
      updated_at: deps.now().toISOString(),
    };
    const after: SessionRow = { ...row, ...next };
    await engine.checkSessionChange(trx, deps, row, after);
    await repo.updateSession(trx, id, next);
    await engine.afterSessionChange(trx, deps, after, { timeOrPlaceChanged });
    if (trainerIds) await repo.replaceTrainers(trx, id, trainerIds);
  });
  return getSession(deps, id);
}

export async function cancelSession(deps: Deps, actor: AuthUser, id: string, reason?: string): Promise<Session> {
  await requireSessionManager(deps, actor, id);
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockSession(trx, deps.dbKind, id);
    if (!row) throw new AppError('not_found', 'No such session.');
    if (row.status === 'cancelled') return;
    const now = deps.now().toISOString();
    const cancelled = { ...row, status: 'cancelled' as const, revision: row.revision + 1, updated_at: now };
    await repo.updateSession(trx, id, { status: 'cancelled', revision: cancelled.revision, updated_at: now });
    await engine.cancelAllForSession(trx, deps, cancelled, reason);
  });
  return getSession(deps, id);
}

export async function createCourse(deps: Deps, input: z.infer<typeof CreateCourseInput>) {
  const row = { id: randomUUID(), title: input.title, description: input.description ?? '', created_at: deps.now().toISOString() };
  await repo.insertCourse(deps.db, row);
  return { id: row.id, title: row.title, description: row.description };
}
