/** Queries for training materials. Lists never read a file's bytes; only `fileOf` does. */
import type { Kysely, Transaction } from 'kysely';
import type { Database, MaterialsTable } from '../../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Everything about a material except its bytes. */
const META = ['id', 'kind', 'title', 'course_id', 'session_id', 'url', 'file_name', 'content_type', 'size_bytes', 'sha256', 'created_by', 'created_at'] as const;
export type MaterialMeta = Omit<MaterialsTable, 'content'>;

export async function insertMaterial(db: Q, row: MaterialsTable): Promise<void> {
  await db.insertInto('materials').values(row).execute();
}

export function findMaterial(db: Q, id: string): Promise<MaterialMeta | undefined> {
  return db.selectFrom('materials').select(META).where('id', '=', id).executeTakeFirst();
}

/** A file's bytes with the name and type it is served under. */
export function fileOf(db: Q, id: string) {
  return db.selectFrom('materials').select(['file_name', 'content_type', 'content']).where('id', '=', id).where('kind', '=', 'file').executeTakeFirst();
}

/** A course's library, newest first. */
export function libraryOf(db: Q, courseId: string): Promise<MaterialMeta[]> {
  return db.selectFrom('materials').select(META).where('course_id', '=', courseId).where('session_id', 'is', null).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** The materials a session uses, in the order they were added. */
export function materialsOfSession(db: Q, sessionId: string): Promise<MaterialMeta[]> {
  return db
    .selectFrom('session_materials as sm')
    .innerJoin('materials as m', 'm.id', 'sm.material_id')
    .select(META.map((c) => `m.${c}` as const))
    .where('sm.session_id', '=', sessionId)
    .orderBy('sm.added_at')
    .orderBy('m.title')
    .execute();
}

export async function usedBySession(db: Q, sessionId: string, materialId: string): Promise<boolean> {
  return !!(await db.selectFrom('session_materials').select('material_id').where('session_id', '=', sessionId).where('material_id', '=', materialId).executeTakeFirst());
}

/** Adds a material to a session's list; adding it again changes nothing. */
export async function attach(db: Q, row: Database["session_materials"]): Promise<void> {
  await db.insertInto('session_materials').values(row).onConflict((oc) => oc.columns(['session_id', 'material_id']).doNothing()).execute();
}

export async function detach(db: Q, sessionId: string, materialId: string): Promise<void> {
  await db.deleteFrom('session_materials').where('session_id', '=', sessionId).where('material_id', '=', materialId).execute();
}

/** Deletes a material and takes it off every session that used it. */
export async function deleteMaterial(trx: Transaction<Database>, id: string): Promise<void> {
  await trx.deleteFrom('session_materials').where('material_id', '=', id).execute();
  await trx.deleteFrom('materials').where('id', '=', id).execute();
}

/**
 * Whether `userId` holds a seat on the session at `nowIso`: confirmed, offered while the offer
 * stands (one whose time has run out is no seat, though the sweep has yet to pass it on; one with
 * no expiry stands, as offerLapsed in bookings/service.ts reads it), or already attended or absent.
 */
export async function hasSeatOn(db: Q, sessionId: string, userId: string, nowIso: string): Promise<boolean> {
  const row = await db
    .selectFrom('bookings')
    .select('id')
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('status', 'in', ['confirmed', 'attended', 'absent']), eb.and([eb('status', '=', 'offered'), eb.or([eb('offer_expires_at', 'is', null), eb('offer_expires_at', '>', nowIso)])])]))
    .executeTakeFirst();
  return !!row;
}

/** How many materials a session lists (its own and the library's), and the bytes of its own files. */
export async function sessionUsage(db: Q, sessionId: string): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom('session_materials as sm')
    .innerJoin('materials as m', 'm.id', 'sm.material_id')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.sum<number | string | null>(eb.case().when('m.session_id', '=', sessionId).then(eb.ref('m.size_bytes')).else(0).end()).as('bytes')])
    .where('sm.session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), bytes: Number(row.bytes ?? 0) };
}

/** How many materials a course's library holds, and the bytes of its files. */
export async function libraryUsage(db: Q, courseId: string): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom('materials')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.sum<number | string | null>('size_bytes').as('bytes')])
    .where('course_id', '=', courseId)
    .where('session_id', 'is', null)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), bytes: Number(row.bytes ?? 0) };
}
