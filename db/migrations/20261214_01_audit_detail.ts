import { SqliteAdapter, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// The audit log is read by administrators (newest first, a page at a time, or one person's
// entries) and records more kinds of action. Each entry may carry a detail (JSON, ids and codes
// only: a role changed from what to what, which fields were put right), and says what kind of
// thing its subject is: a person (every entry so far), an identity provider or an organisation.
// Newest-first keyset paging reads (at, id) from the end; one person's entries are those they
// did (actor_id) or that were done to them (subject_id, already indexed).
async function change(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('detail', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('subject_kind', 'text', (c) => c.notNull().defaultTo('person')).execute();
  await db.schema.createIndex('audit_log_at_id').on('audit_log').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'at', 'id']).execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  // On PostgreSQL the migrator runs each migration in a transaction of its own; on SQLite it
  // does not, so this one takes one: a process stopped half way leaves no column the next
  // start would try to add again.
  if (db.getExecutor().adapter instanceof SqliteAdapter) await db.transaction().execute((trx) => change(trx));
  else await change(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_actor').execute();
  await db.schema.dropIndex('audit_log_at_id').execute();
  await db.schema.alterTable('audit_log').dropColumn('subject_kind').execute();
  await db.schema.alterTable('audit_log').dropColumn('detail').execute();
}
