import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Feedback after a session (one answer per attendee per session) and certificates (of
// attendance, and of a completed course), each with a stored verification code.
export async function up(db: Kysely<any>): Promise<void> {
  // A course set to anonymous feedback shows its comments without names.
  await db.schema.alterTable('courses').addColumn('anonymous_feedback', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('booking_id', 'text', (c) => c.notNull().references('bookings.id'))
    .addColumn('usefulness', 'integer', (c) => c.notNull())
    .addColumn('confidence_before', 'integer', (c) => c.notNull())
    .addColumn('confidence_after', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('feedback_session_user_uq', ['session_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('certificates')
    .addColumn('code', 'text', (c) => c.primaryKey())
    // 'attendance:<booking id>' or 'course:<user id>:<course id>': one certificate per thing certified.
    .addColumn('subject_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('booking_id', 'text', (c) => c.references('bookings.id'))
    .addColumn('course_id', 'text', (c) => c.references('courses.id'))
    // What is printed, as printed: the verify page shows exactly these.
    .addColumn('person_name', 'text', (c) => c.notNull())
    .addColumn('session_title', 'text')
    .addColumn('course_title', 'text')
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificates_user_idx').on('certificates').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('certificates').execute();
  await db.schema.dropTable('feedback').execute();
  await db.schema.alterTable('courses').dropColumn('anonymous_feedback').execute();
}
