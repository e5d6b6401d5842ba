import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Delivery claims the notices that are due, soonest due first (ties by id, which is
// creation order). With the rows of this index in that order, a claim reads the few rows it
// takes and stops; ordered by id over an index on (status, next_attempt_at) it read every
// pending notice and sorted them, so each claim cost more the longer the queue of unsent
// mail, as after a launch-morning rush (21 ms a claim with a few thousand waiting).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_due').execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_due').execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
}
