import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Every booking counts the session's seats by (seat, status, hold) under the session lock.
// With hold_org_id in the index the count reads the index alone, not every booking row.
// It replaces bookings_session_status, whose columns are its prefix.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('bookings_seat_counts').on('bookings').columns(['session_id', 'status', 'seat', 'hold_org_id']).execute();
  await db.schema.dropIndex('bookings_session_status').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('bookings_session_status').on('bookings').columns(['session_id', 'status', 'seat']).execute();
  await db.schema.dropIndex('bookings_seat_counts').execute();
}
