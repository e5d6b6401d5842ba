import { SqliteAdapter, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A certificate of attendance prints the session's times ("15:45 to 17:15 GMT") and its length,
// not only its date. A session's times can be corrected after people attended it (within the
// same day too), so the times printed are stored with the certificate, as its other printed
// facts are, and compared like them: a certificate whose times no longer hold is withdrawn and
// a new one issued. Certificates issued before have none (null): they print no time, and are
// compared without one.
async function change(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('certificates').addColumn('session_starts_at', 'text').execute();
  await db.schema.alterTable('certificates').addColumn('session_ends_at', 'text').execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  // On PostgreSQL the migrator runs each migration in a transaction of its own; on SQLite it
  // does not, so this one takes one: a process stopped half way leaves no column the next
  // start would try to add again.
  if (db.getExecutor().adapter instanceof SqliteAdapter) await db.transaction().execute((trx) => change(trx));
  else await change(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('certificates').dropColumn('session_ends_at').execute();
  await db.schema.alterTable('certificates').dropColumn('session_starts_at').execute();
}
