import { Kysely, SqliteAdapter, sql } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A certificate is genuine only while everything it prints is still true. When a printed
// fact changes (minutes corrected, the session moved or renamed, the person's name, the
// course's completion date), downloading it again issues a new certificate with a new code
// and the old row is kept, marked `superseded_at`, so its code answers "withdrawn" rather
// than "unknown". So a thing certified may have several rows, only one of them current:
// the unique key on `subject_key` becomes a unique index over the rows not superseded.
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // SQLite cannot drop a column's UNIQUE: the table is rebuilt with the same rows.
    await sql`create table certificates_next (
      code text primary key,
      subject_key text not null,
      kind text not null,
      user_id text not null references users(id),
      booking_id text references bookings(id),
      course_id text references courses(id),
      person_name text not null,
      session_title text,
      course_title text,
      held_on text not null,
      minutes integer,
      issued_at text not null,
      superseded_at text
    )`.execute(db);
    await sql`insert into certificates_next (code, subject_key, kind, user_id, booking_id, course_id, person_name, session_title, course_title, held_on, minutes, issued_at)
      select code, subject_key, kind, user_id, booking_id, course_id, person_name, session_title, course_title, held_on, minutes, issued_at from certificates`.execute(db);
    await sql`drop table certificates`.execute(db);
    await sql`alter table certificates_next rename to certificates`.execute(db);
    await db.schema.createIndex('certificates_user_idx').on('certificates').column('user_id').execute();
  } else {
    await db.schema.alterTable('certificates').addColumn('superseded_at', 'text').execute();
    await db.schema.alterTable('certificates').dropConstraint('certificates_subject_key_key').execute();
  }
  await db.schema.createIndex('certificates_current_subject').on('certificates').column('subject_key').unique().where(sql.ref('superseded_at'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Replaced certificates have nowhere to go in the old shape (one row per thing certified).
  const replaced = await db.selectFrom('certificates').select('code').where('superseded_at', 'is not', null).limit(1).execute();
  if (replaced.length) throw new Error('certificates holds replaced (superseded) certificates; the old schema keeps one per thing certified');
  await db.schema.dropIndex('certificates_current_subject').execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await db.schema.createIndex('certificates_subject_key_uq').on('certificates').column('subject_key').unique().execute();
    return; // the column stays
  }
  await db.schema.alterTable('certificates').dropColumn('superseded_at').execute();
  await db.schema.alterTable('certificates').addUniqueConstraint('certificates_subject_key_key', ['subject_key']).execute();
}
