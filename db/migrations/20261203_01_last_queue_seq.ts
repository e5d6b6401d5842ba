import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Each session keeps the last queue number it gave a booking, stored like its seat counts:
// raised only in the transaction that adds bookings, under the session's lock, so a
// booking batch reads it with the lock instead of seeking the end of the session's
// bookings in a statement of its own. Existing sessions take it from their rows here, once.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('last_queue_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update sessions set last_queue_seq = coalesce((select max(b.queue_seq) from bookings b where b.session_id = sessions.id), 0)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('last_queue_seq').execute();
}
