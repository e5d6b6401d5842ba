/**
 * Queries of certificates: the current certificate of each thing certified, replacing it
 * when what it prints changed (the old row is kept, superseded), and finding one by its code.
 */
import type { Kysely, Transaction } from 'kysely';
import type { CertificatesTable, Database } from '../../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;
export type CertificateRow = CertificatesTable;

/** The subject's current certificate (at most one: a unique index over the rows not superseded). */
export function currentOf(db: Q, subjectKey: string) {
  return db.selectFrom('certificates').selectAll().where('subject_key', '=', subjectKey).where('superseded_at', 'is', null).executeTakeFirst() as Promise<CertificateRow | undefined>;
}

export function byCode(db: Q, code: string) {
  return db.selectFrom('certificates').selectAll().where('code', '=', code).executeTakeFirst() as Promise<CertificateRow | undefined>;
}

/**
 * Makes `row` its subject's current certificate: `staleCode` (the current one, whose printed
 * facts are no longer true) is marked superseded first. Requests racing to do the same
 * leave one current certificate: the losers' inserts do nothing and they get the winner's.
 */
export function issue(db: Kysely<Database>, row: CertificateRow, staleCode: string | null): Promise<CertificateRow> {
  return db.transaction().execute(async (trx) => {
    if (staleCode) await trx.updateTable('certificates').set({ superseded_at: row.issued_at }).where('code', '=', staleCode).where('superseded_at', 'is', null).execute();
    await trx.insertInto('certificates').values(row).onConflict((oc) => oc.doNothing()).execute();
    return (await currentOf(trx, row.subject_key))!;
  });
}

/** A booking with what an attendance certificate prints: the person, session (its title and times), course and minutes. */
export function bookingForCertificate(db: Q, bookingId: string) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .innerJoin('sessions as s', 's.id', 'b.session_id')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .leftJoin('attendance_results as r', 'r.booking_id', 'b.id')
    .select(['b.id', 'b.user_id', 'b.status', 'b.session_id', 'u.name', 'u.erased_at', 's.title', 's.starts_at', 's.ends_at', 's.status as session_status', 'c.title as course_title', 'r.minutes'])
    .where('b.id', '=', bookingId)
    .executeTakeFirst();
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
