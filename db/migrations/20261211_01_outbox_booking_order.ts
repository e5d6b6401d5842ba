import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A booking's notices are sent in the order they were written: delivery does not send one
// while an earlier notice of the same booking is still waiting (after a failed attempt, in
// its back-off), so "Cancelled" never reaches someone before the "Booked" it cancels. This
// index answers "is there an earlier waiting notice of this booking?" without reading the
// queue.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_booking_order').on('outbox').columns(['booking_id', 'status', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_booking_order').execute();
}
