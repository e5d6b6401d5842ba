import { sql, SqliteAdapter, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A cancelled session keeps when it was cancelled and the reason its trainer gave, so its page
// and its people's bookings can say why (the reason was kept only in each person's email). The
// places cancelled with it are those cancelled at that instant (the same transaction). For
// sessions cancelled before this: a cancelled session cannot be changed, so its last change
// (updated_at) is its cancellation; the reason is the one its notices were written with, if any.
async function change(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('cancelled_at', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('cancel_reason', 'text').execute();
  await sql`update sessions set cancelled_at = updated_at where status = 'cancelled'`.execute(db);
  await sql`update sessions set cancel_reason = (select o.reason from outbox o where o.session_id = sessions.id and o.kind = 'session_cancelled' and o.reason is not null and o.reason <> '' order by o.created_at desc limit 1) where status = 'cancelled'`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  // On PostgreSQL the migrator runs each migration in a transaction of its own; on SQLite it
  // does not, so this one takes one: a process stopped half way leaves no column the next
  // start would try to add again.
  if (db.getExecutor().adapter instanceof SqliteAdapter) await db.transaction().execute((trx) => change(trx));
  else await change(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('cancel_reason').execute();
  await db.schema.alterTable('sessions').dropColumn('cancelled_at').execute();
}
