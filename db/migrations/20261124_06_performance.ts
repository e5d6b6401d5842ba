import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Indexes found missing under load (npm run bench).
export async function up(db: Kysely<any>): Promise<void> {
  // The session list asks for sessions that end after an instant ("upcoming") and counts
  // them; without this index both read every session ever held.
  await db.schema.createIndex('sessions_ends_at').on('sessions').column('ends_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_ends_at').execute();
}
