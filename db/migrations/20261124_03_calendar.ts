import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
export async function up(db: Kysely<any>): Promise<void> {
  // Private calendar subscription URLs. Only the SHA-256 of each token is kept.
  await db.schema
    .createTable('calendar_feed_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('calendar_feed_tokens_owner').on('calendar_feed_tokens').columns(['owner_kind', 'owner_id', 'revoked_at']).execute();
  // The calendar reads "every booking of this person on this session, in order" to keep one
  // UID per (session, person) and a SEQUENCE that never goes down across cancel and rebook.
  await db.schema.createIndex('bookings_session_user_seq').on('bookings').columns(['session_id', 'user_id', 'queue_seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('bookings_session_user_seq').execute();
  await db.schema.dropTable('calendar_feed_tokens').execute();
}
