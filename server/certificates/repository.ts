/** Queries of certificates: issuing one once per thing certified, and finding one by its code. */
import type { Kysely, Transaction } from 'kysely';
import type { CertificatesTable, Database } from '../../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;
export type CertificateRow = CertificatesTable;

export function bySubject(db: Q, subjectKey: string) {
  return db.selectFrom('certificates').selectAll().where('subject_key', '=', subjectKey).executeTakeFirst() as Promise<CertificateRow | undefined>;
}

export function byCode(db: Q, code: string) {
  return db.selectFrom('certificates').selectAll().where('code', '=', code).executeTakeFirst() as Promise<CertificateRow | undefined>;
}

/** Stores a certificate unless its subject already has one; returns the one stored. */
export async function issue(db: Q, row: CertificateRow): Promise<CertificateRow> {
  await db.insertInto('certificates').values(row).onConflict((oc) => oc.column('subject_key').doNothing()).execute();
  return (await bySubject(db, row.subject_key))!;
}

/** A booking with what an attendance certificate prints: the person, session, course and minutes. */
export function bookingForCertificate(db: Q, bookingId: string) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .leftJoin('attendance_results as r', 'r.booking_id', 'b.id')
    .select(['b.id', 'b.user_id', 'b.status', 'b.session_id', 'u.name', 's.title', 's.starts_at', 's.status as session_status', 'c.title as course_title', 'r.minutes'])
    .where('b.id', '=', bookingId)
    .executeTakeFirst();
}

/** A booking's status, and its session's (a cancelled session's attendance counts nowhere). */
export function bookingStatus(db: Q, bookingId: string) {
  return db.selectFrom('bookings as b').innerJoin('sessions as s', 's.id', 'b.session_id').select(['b.status', 's.status as session_status']).where('b.id', '=', bookingId).executeTakeFirst();
}

/** The person's attended bookings, newest first. */
export function attendedBookings(db: Q, userId: string) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .select(['b.id', 'b.session_id', 's.title', 's.starts_at'])
    .where('b.user_id', '=', userId)
    .where('b.status', '=', 'attended')
    .where('s.status', '<>', 'cancelled')
    .orderBy('s.starts_at', 'desc')
    .limit(1000)
    .execute();
}

export function findCourse(db: Q, id: string) {
  return db.selectFrom('courses').select(['id', 'title']).where('id', '=', id).executeTakeFirst();
}
