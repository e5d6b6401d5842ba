import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// The programme's reach (issue 19).
// - A person's job role (teacher, teaching_assistant, support_staff, leadership, early_years),
//   apart from their account role; null: not stated.
// - A session is one part (1..n) of its course; a course is complete for a person once they
//   attended a session of each part 1..parts_required.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('job_role', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('part', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('courses').addColumn('parts_required', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.createIndex('sessions_course_part').on('sessions').columns(['course_id', 'part']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_course_part').execute();
  await db.schema.alterTable('courses').dropColumn('parts_required').execute();
  await db.schema.alterTable('sessions').dropColumn('part').execute();
  await db.schema.alterTable('users').dropColumn('job_role').execute();
}
