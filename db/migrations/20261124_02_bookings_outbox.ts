import { Kysely, sql } from 'kysely';

// Frozen in time: this file imports nothing from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('seat', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('queue_seq', 'integer', (c) => c.notNull())
    .addColumn('hold_org_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('offer_expires_at', 'text')
    .addColumn('booked_by', 'text', (c) => c.references('users.id'))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .addCheckConstraint('bookings_seat', sql`seat in ('in_person','online')`)
    .addCheckConstraint(
      'bookings_status',
      sql`status in ('confirmed','waitlisted','offered','cancelled','attended','absent')`,
    )
    .execute();
  await db.schema.createIndex('bookings_session_status').on('bookings').columns(['session_id', 'status', 'seat']).execute();
  await db.schema.createIndex('bookings_user').on('bookings').column('user_id').execute();
  await db.schema.createIndex('bookings_session_seq').unique().on('bookings').columns(['session_id', 'queue_seq']).execute();
  // Invariant 2, held by the database itself: one active booking per person per session.
  await db.schema
    .createIndex('bookings_one_active')
    .unique()
    .on('bookings')
    .columns(['session_id', 'user_id'])
    .where(sql.ref('status'), '<>', 'cancelled')
    .execute();

  await db.schema
    .createTable('seat_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('seat', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('seat_holds_seats', sql`seats >= 0`)
    .execute();
  await db.schema.createIndex('seat_holds_unique').unique().on('seat_holds').columns(['session_id', 'org_id', 'seat']).execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_email', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('booking_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['outbox', 'seat_holds', 'bookings']) await db.schema.dropTable(t).execute();
}
