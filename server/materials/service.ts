/**
 * Training materials (issue 20): administrators keep a library per course (files or links);
 * a session lists the materials it uses (library ones attached to it, and its own, which its
 * trainer or in-house lead adds). Its trainers and the people with a seat on it (and
 * administrators) download them; anyone else who can see the session sees the list only.
 * Someone who cannot see the session gets a 404 before any of this (the session guard).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Material } from '../../shared/materials.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { isTrainerOf } from '../bookings/repository.js';
import { findCourse, findSession, lockCourseForUse } from '../sessions/repository.js';
import { runsSessions } from '../sessions/leads.js';
import { ALLOWED_IN_WORDS, checkedLink, examineFileInTurns, safeFileName, TEXT_PIECE } from './files.js';
import * as repo from './repository.js';

function toMaterial(m: repo.MaterialMeta, downloadUrl: string | null): Material {
  return {
    id: m.id,
    kind: m.kind,
    title: m.title,
    courseId: m.course_id,
    sessionId: m.session_id,
    url: m.url,
    fileName: m.file_name,
    contentType: m.content_type,
    sizeBytes: m.size_bytes === null ? null : Number(m.size_bytes),
    createdAt: m.created_at,
    downloadUrl,
  };
}

const libraryDownload = (id: string) => `/api/materials/${id}/download`;
const sessionDownload = (sessionId: string, id: string) => `/api/sessions/${sessionId}/materials/${id}/download`;

/** Whether `actor` runs this session: an administrator or one of its trainers (an in-house lead who made it is one). */
export async function managesSession(deps: Deps, actor: AuthUser, sessionId: string): Promise<boolean> {
  return actor.role === 'admin' || (await isTrainerOf(deps.db, sessionId, actor.id));
}

export async function requireManages(deps: Deps, actor: AuthUser, sessionId: string) {
  // The session guard lets administrators through to any id; a session that does not exist is a 404 for them too.
  const s = await findSession(deps.db, sessionId);
  if (!s) throw new AppError('not_found', 'No such session.');
  if (!(await managesSession(deps, actor, sessionId))) throw new AppError('forbidden', 'Only the session’s trainer or in-house lead, or an administrator, can change its materials.');
  // A cancelled session is not changed (as its details are not): its list stays as it was.
  if (s.status === 'cancelled') throw new AppError('session_cancelled', 'This session has been cancelled, so its materials can no longer be changed.');
}

/** Whether `actor` may download the session's materials: those who run it, and those with a seat on it. */
async function mayDownload(deps: Deps, actor: AuthUser, sessionId: string): Promise<boolean> {
  return (await managesSession(deps, actor, sessionId)) || (await repo.hasSeatOn(deps.db, sessionId, actor.id, deps.now().toISOString()));
}

/** The library is read by those who run sessions (to choose from it) and kept by administrators. */
async function requireLibraryReader(deps: Deps, actor: AuthUser) {
  if (!(await runsSessions(deps, actor))) throw new AppError('forbidden', 'Only trainers, in-house leads and administrators can see the materials library.');
}

const noSuchCourse = () => new AppError('not_found', 'No such course.');

async function requireCourse(deps: Deps, courseId: string) {
  if (!(await findCourse(deps.db, courseId))) throw noSuchCourse();
}

/** What an upload becomes: its kind checked by its bytes (Office files with macros refused, saying so), its name made safe. */
async function fileRow(deps: Deps, actor: AuthUser, bytes: Uint8Array, given: { name: string; title?: string | undefined }, owner: { course_id: string | null; session_id: string | null }) {
  if (bytes.length === 0) throw new AppError('validation_failed', 'The file is empty.', { issues: [{ path: 'file', message: 'is empty' }] });
  // Read, and hashed, a piece at a time: a file of 20 MB must not hold every other request.
  const { kind, refused } = await examineFileInTurns(bytes);
  if (refused === 'macros') {
    throw new AppError('unsupported_media_type', 'This file cannot be added: macro-enabled Office files (such as .xlsm, .docm or .pptm) are not accepted. Save it without macros as .xlsx, .docx or .pptx and add that.', { issues: [{ path: 'file', message: 'is a macro-enabled Office file' }] });
  }
  if (!kind) {
    throw new AppError('unsupported_media_type', `This file cannot be added: it must be a ${ALLOWED_IN_WORDS} file (web pages, scripts and other kinds are not accepted).`, { issues: [{ path: 'file', message: 'is not an accepted kind of file' }] });
  }
  const fileName = safeFileName(given.name, kind);
  return {
    id: randomUUID(),
    kind: 'file' as const,
    title: given.title?.trim() || fileName,
    ...owner,
    url: null,
    file_name: fileName,
    content_type: kind.contentType,
    size_bytes: bytes.length,
    sha256: await sha256InTurns(bytes),
    content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    created_by: actor.id,
    created_at: deps.now().toISOString(),
  };
}

/** The SHA-256 of `bytes` (hex), a piece of TEXT_PIECE bytes each turn of the event loop. */
async function sha256InTurns(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += TEXT_PIECE) {
    hash.update(bytes.subarray(at, at + TEXT_PIECE));
    if (at + TEXT_PIECE < bytes.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

function linkRow(deps: Deps, actor: AuthUser, input: { title: string; url: string }, owner: { course_id: string | null; session_id: string | null }) {
  const url = checkedLink(input.url);
  if (!url) throw new AppError('validation_failed', 'url must be a web address starting with https:// or http://', { issues: [{ path: 'url', message: 'must be a web address starting with https:// or http://' }] });
  return { id: randomUUID(), kind: 'link' as const, title: input.title.trim(), ...owner, url, file_name: null, content_type: null, size_bytes: null, sha256: null, content: null, created_by: actor.id, created_at: deps.now().toISOString() };
}

// --- how much a session or a library may hold ---

/**
 * A session lists at most 50 materials and its own files take at most 200 MB; a course's library
 * holds at most 200 and 1 GB. Enough for any training session; a bound on what one account can
 * make the service store. Checked in the transaction that adds (on PostgreSQL two additions at
 * the same moment may each find room: the bound is on storage, not an invariant).
 */
export const MATERIAL_LIMITS = { session: { count: 50, bytes: 200 * 1024 * 1024 }, library: { count: 200, bytes: 1024 * 1024 * 1024 } } as const;
const megabytes = (n: number) => `${Math.round(n / (1024 * 1024)).toLocaleString('en-GB')} MB`;

/** Refuses an addition of `bytes` (0 for a link) that would take `where` past its limits, saying what to do. */
function checkRoom(usage: { count: number; bytes: number }, bytes: number, where: 'session' | 'library') {
  const limit = MATERIAL_LIMITS[where];
  const what = where === 'session' ? 'This session' : 'This course’s library';
  if (usage.count >= limit.count) throw new AppError('conflict', `${what} already has ${limit.count} materials, as many as it may: remove one before adding another.`, { limit: limit.count });
  if (usage.bytes + bytes > limit.bytes) {
    const files = where === 'session' ? 'This session’s files' : 'The files in this course’s library';
    throw new AppError('conflict', `${files} would take more than ${megabytes(limit.bytes)} with this one (they take ${megabytes(usage.bytes)} now): remove a file, or add a link to where the file is kept instead.`, { limitBytes: limit.bytes });
  }
}

// --- the library (per course) ---

/** A course's library, newest first, with the upload limit its upload form says. */
export async function listLibrary(deps: Deps, actor: AuthUser, courseId: string): Promise<{ items: Material[]; maxFileBytes: number }> {
  await requireLibraryReader(deps, actor);
  await requireCourse(deps, courseId);
  const items = (await repo.libraryOf(deps.db, courseId)).map((m) => toMaterial(m, m.kind === 'file' ? libraryDownload(m.id) : null));
  return { items, maxFileBytes: deps.config.maxMaterialBytes };
}

export async function addLibraryFile(deps: Deps, actor: AuthUser, courseId: string, bytes: Uint8Array, given: { name: string; title?: string | undefined }): Promise<Material> {
  await requireCourse(deps, courseId);
  const row = await fileRow(deps, actor, bytes, given, { course_id: courseId, session_id: null });
  await addToLibrary(deps, courseId, row);
  return toMaterial(row, libraryDownload(row.id));
}

export async function addLibraryLink(deps: Deps, actor: AuthUser, courseId: string, input: { title: string; url: string }): Promise<Material> {
  await requireCourse(deps, courseId);
  const row = linkRow(deps, actor, input, { course_id: courseId, session_id: null });
  await addToLibrary(deps, courseId, row);
  return toMaterial(row, null);
}

async function addToLibrary(deps: Deps, courseId: string, row: Parameters<typeof repo.insertMaterial>[1]) {
  await deps.db.transaction().execute(async (trx) => {
    // The course held until this commits: deleted meanwhile, nothing is added (not a 500 from the
    // foreign key); a delete coming later waits, and then finds the library not empty.
    if (!(await lockCourseForUse(trx, deps.dbKind, courseId))) throw noSuchCourse();
    checkRoom(await repo.libraryUsage(trx, courseId), row.size_bytes ?? 0, 'library');
    await repo.insertMaterial(trx, row);
  });
}

/** Deletes a library material; every session that used it stops listing it. */
export async function deleteLibraryMaterial(deps: Deps, id: string): Promise<void> {
  const m = await repo.findMaterial(deps.db, id);
  if (!m || m.course_id === null || m.session_id !== null) throw new AppError('not_found', 'No such material in the library.');
  await deps.db.transaction().execute((trx) => repo.deleteMaterial(trx, id));
}

/** A library file, for those who may read the library. */
export async function libraryFile(deps: Deps, actor: AuthUser, id: string) {
  await requireLibraryReader(deps, actor);
  const m = await repo.findMaterial(deps.db, id);
  if (!m || m.kind !== 'file' || m.course_id === null || m.session_id !== null) throw new AppError('not_found', 'No such material.');
  return storedFile(deps, id);
}

// --- a session's materials (the session guard has already checked the caller may see it) ---

export async function listForSession(deps: Deps, actor: AuthUser, sessionId: string) {
  // A session the caller may not see is refused before this (sessions/routes.ts, sessionAudienceGuard).
  const s = await findSession(deps.db, sessionId);
  if (!s) throw new AppError('not_found', 'No such session.');
  // A cancelled session's list can no longer be changed (requireManages): no forms to offer.
  const [canManage, canDownload] = [s.status !== 'cancelled' && (await managesSession(deps, actor, sessionId)), await mayDownload(deps, actor, sessionId)];
  // Those who may not download see titles only: no file address, and no link either.
  const items = (await repo.materialsOfSession(deps.db, sessionId)).map((m) => toMaterial(canDownload ? m : { ...m, url: null }, m.kind === 'file' && canDownload ? sessionDownload(sessionId, m.id) : null));
  return { items, canDownload, canManage, maxFileBytes: deps.config.maxMaterialBytes };
}

/** Adds a library material to the session's list. */
export async function attachToSession(deps: Deps, actor: AuthUser, sessionId: string, materialId: string): Promise<Material> {
  await requireManages(deps, actor, sessionId);
  const m = await repo.findMaterial(deps.db, materialId);
  if (!m || m.course_id === null || m.session_id !== null) {
    throw new AppError('validation_failed', 'That material is not in the programme’s library: it may have been deleted.', { issues: [{ path: 'materialId', message: 'not found in the library' }] });
  }
  await deps.db.transaction().execute(async (trx) => {
    if (await repo.usedBySession(trx, sessionId, materialId)) return; // already listed: nothing to add
    checkRoom(await repo.sessionUsage(trx, sessionId), 0, 'session');
    await repo.attach(trx, { session_id: sessionId, material_id: materialId, added_by: actor.id, added_at: deps.now().toISOString() });
  });
  return toMaterial(m, m.kind === 'file' ? sessionDownload(sessionId, m.id) : null);
}

export async function addSessionFile(deps: Deps, actor: AuthUser, sessionId: string, bytes: Uint8Array, given: { name: string; title?: string | undefined }): Promise<Material> {
  await requireManages(deps, actor, sessionId);
  const row = await fileRow(deps, actor, bytes, given, { course_id: null, session_id: sessionId });
  await addOwn(deps, actor, row);
  return toMaterial(row, sessionDownload(sessionId, row.id));
}

export async function addSessionLink(deps: Deps, actor: AuthUser, sessionId: string, input: { title: string; url: string }): Promise<Material> {
  await requireManages(deps, actor, sessionId);
  const row = linkRow(deps, actor, input, { course_id: null, session_id: sessionId });
  await addOwn(deps, actor, row);
  return toMaterial(row, null);
}

async function addOwn(deps: Deps, actor: AuthUser, row: Parameters<typeof repo.insertMaterial>[1] & { session_id: string | null }) {
  await deps.db.transaction().execute(async (trx) => {
    checkRoom(await repo.sessionUsage(trx, row.session_id!), row.size_bytes ?? 0, 'session');
    await repo.insertMaterial(trx, row);
    await repo.attach(trx, { session_id: row.session_id!, material_id: row.id, added_by: actor.id, added_at: row.created_at });
  });
}

/** Takes a material off the session's list; a session's own material is deleted with it. */
export async function removeFromSession(deps: Deps, actor: AuthUser, sessionId: string, materialId: string): Promise<void> {
  await requireManages(deps, actor, sessionId);
  const m = await repo.findMaterial(deps.db, materialId);
  if (!m || !(await repo.usedBySession(deps.db, sessionId, materialId))) throw new AppError('not_found', 'This session does not use that material.');
  await deps.db.transaction().execute(async (trx) => {
    if (m.session_id === sessionId) await repo.deleteMaterial(trx, materialId);
    else await repo.detach(trx, sessionId, materialId);
  });
}

/** A file the session uses, for its trainers, the people with a seat on it, and administrators. */
export async function sessionFile(deps: Deps, actor: AuthUser, sessionId: string, materialId: string) {
  if (!(await repo.usedBySession(deps.db, sessionId, materialId))) throw new AppError('not_found', 'This session does not use that material.');
  if (!(await mayDownload(deps, actor, sessionId))) throw new AppError('forbidden', 'Only the people booked on this session and those running it can download its materials.');
  return storedFile(deps, materialId);
}

async function storedFile(deps: Deps, id: string) {
  const f = await repo.fileOf(deps.db, id);
  if (!f || !f.content || !f.file_name || !f.content_type) throw new AppError('not_found', 'This material is a link, not a file.');
  return { name: f.file_name, contentType: f.content_type, bytes: new Uint8Array(f.content) };
}

/** The session's course (the library shown first when choosing materials for it). */
export async function courseOfSession(deps: Deps, sessionId: string): Promise<string | null> {
  return (await findSession(deps.db, sessionId))?.course_id ?? null;
}
