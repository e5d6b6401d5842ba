import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A session's area: one of England's nine regions, or 'national' (online, for anyone), for
// finding sessions near you. Nullable: sessions published before have none. The list of
// codes is checked where input arrives (shared/sessions.ts), not by a CHECK constraint,
// so the list can change without rebuilding the table on SQLite.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('area', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('area').execute();
}
