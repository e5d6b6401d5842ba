import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// One index where two were: a person's bookings (user_id), and the calendar's "every booking
// of this person on this session, in queue order" (session_id, user_id, queue_seq) are both
// served by (user_id, session_id, queue_seq). Every index is one more page written by each
// booking; under a booking rush the commits were a fifth smaller without the extra one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('bookings_user_session_seq').on('bookings').columns(['user_id', 'session_id', 'queue_seq']).execute();
  await db.schema.dropIndex('bookings_session_user_seq').execute();
  await db.schema.dropIndex('bookings_user').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('bookings_user').on('bookings').column('user_id').execute();
  await db.schema.createIndex('bookings_session_user_seq').on('bookings').columns(['session_id', 'user_id', 'queue_seq']).execute();
  await db.schema.dropIndex('bookings_user_session_seq').execute();
}
