import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Booking a session is open until its end, unless it sets an earlier cut-off (the service's
// contract). Sessions stored before this closed booking once too little of them was left to
// attend enough of them (their attendance threshold): their stored booking_ends_at is set
// again by the rule as it now is, in one statement (no row needs the app to work it out).
export async function up(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      booking_ends_at: sql`case when ${sql.ref('booking_closes_at')} is not null and ${sql.ref('booking_closes_at')} < ${sql.ref('ends_at')} then ${sql.ref('booking_closes_at')} else ${sql.ref('ends_at')} end`,
    })
    .where(sql<boolean>`${sql.ref('booking_ends_at')} <> case when ${sql.ref('booking_closes_at')} is not null and ${sql.ref('booking_closes_at')} < ${sql.ref('ends_at')} then ${sql.ref('booking_closes_at')} else ${sql.ref('ends_at')} end`)
    .execute();
}

export async function down(): Promise<void> {
  // The earlier rule's values are not kept: a session's stored moment stays as this set it.
}
