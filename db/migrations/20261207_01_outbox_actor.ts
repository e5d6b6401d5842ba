import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Two more facts on a notice, as they were when it was written: who made the change it tells
// of (`acted_by`, a user id: a cancellation's email says who cancelled, when it was not the
// person themselves), and the booking's status before that change (`prior_status`: a
// cancellation carries a calendar CANCEL only for a place whose invite the person was sent,
// never for a place in the queue). Both null on older rows.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('acted_by', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('prior_status', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('prior_status').execute();
  await db.schema.alterTable('outbox').dropColumn('acted_by').execute();
}
