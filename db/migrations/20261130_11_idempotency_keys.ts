import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Idempotency-Key (IETF httpapi draft): one row per (user, key). `fingerprint` is a hash of
// the request (method, path, body); `status`/`body` are the first answer, null while the
// first request is in flight (`locked_until` is its lease); `outcome` is what a booking
// transaction committed, written in that transaction, so a retry after a crash between the
// commit and the answer gets the booking instead of booking again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('content_type', 'text')
    .addColumn('body', 'text')
    .addColumn('outcome', 'text')
    .addColumn('locked_until', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expires').on('idempotency_keys').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
