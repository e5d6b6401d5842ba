import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Erasing a person's personal data (UK GDPR article 17) once their account is turned off:
// `users.erased_at` marks an account whose name, email and other personal fields were
// replaced (the row and its id stay, so bookings, attendance and counts stay right), and
// `audit_log` records who did it and when, by ids only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('erased_at', 'text').execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.alterTable('users').dropColumn('erased_at').execute();
}
