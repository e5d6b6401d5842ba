import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Stable calendar feed addresses. A feed token is now derived, an HMAC of the feed, the
// person who asked for it and a generation, under a server secret, so asking again gives
// the same address; rotating revokes every live token of the feed and the next one is of a
// later generation. Only the SHA-256 of a token is still stored. Rows from before this
// (random tokens) keep a null generation and stay valid until the feed is rotated.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('calendar_feed_tokens').addColumn('generation', 'integer').execute();
  // One token per (feed, maker, generation): two requests racing to make the same token end
  // with one row, and both get the address it belongs to. Null generations never clash.
  await db.schema.createIndex('calendar_feed_tokens_derived').unique().on('calendar_feed_tokens').columns(['owner_kind', 'owner_id', 'created_by', 'generation']).execute();
  // Secrets the server makes for itself when none is configured (the feed tokens' HMAC key
  // without FEED_TOKEN_SECRET), made once by whichever process asks first.
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute();
  await db.schema.dropIndex('calendar_feed_tokens_derived').execute();
  await db.schema.alterTable('calendar_feed_tokens').dropColumn('generation').execute();
}
