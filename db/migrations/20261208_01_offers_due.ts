import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Offers by expiry: every process's job pass, every few seconds, looks for offers that have
// expired or expire within two hours. Without this index both read every booking ever made.
// Partial (offers only), so that the bookings written under load add nothing to it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('bookings_offers_due').on('bookings').column('offer_expires_at').where(sql.ref('status'), '=', sql.lit('offered')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('bookings_offers_due').execute();
}
