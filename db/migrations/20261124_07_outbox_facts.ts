import { Kysely, SqliteAdapter, sql } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A notice is written as facts (kind, booking, the booking's state at the time, a queue
// place or reason) in the booking's transaction and rendered when it is delivered, so the
// rendered parts become optional: they are filled in once the message has been sent.
const RENDERED = ['subject', 'text_body', 'html_body', 'attachments'];
const FACTS: [string, 'text' | 'integer'][] = [
  ['booking_status', 'text'],
  ['booking_revision', 'integer'],
  ['offer_expires_at', 'text'],
  ['queue_position', 'integer'],
  ['reason', 'text'],
];

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // SQLite cannot drop NOT NULL from a column: the table is rebuilt with the same rows.
    await sql`create table outbox_next (
      id text primary key,
      kind text not null,
      to_email text not null,
      user_id text,
      booking_id text,
      session_id text,
      subject text,
      text_body text,
      html_body text,
      attachments text,
      booking_status text,
      booking_revision integer,
      offer_expires_at text,
      queue_position integer,
      reason text,
      dedupe_key text unique,
      status text not null default 'pending',
      attempts integer not null default 0,
      next_attempt_at text not null,
      locked_until text,
      last_error text,
      created_at text not null,
      sent_at text
    )`.execute(db);
    await sql`insert into outbox_next (id, kind, to_email, user_id, booking_id, session_id, subject, text_body, html_body, attachments, dedupe_key, status, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at)
      select id, kind, to_email, user_id, booking_id, session_id, subject, text_body, html_body, attachments, dedupe_key, status, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at from outbox`.execute(db);
    await sql`drop table outbox`.execute(db);
    await sql`alter table outbox_next rename to outbox`.execute(db);
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    return;
  }
  for (const [column, type] of FACTS) await db.schema.alterTable('outbox').addColumn(column, type).execute();
  for (const column of RENDERED) await db.schema.alterTable('outbox').alterColumn(column, (c) => c.dropNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Notices written as facts only have nothing to put in the NOT NULL columns, and dropping
  // them would lose messages: going back is refused while there are any.
  const unrendered = await db.selectFrom('outbox').select('id').where('subject', 'is', null).limit(1).execute();
  if (unrendered.length) throw new Error('outbox holds notices not yet rendered; deliver them (or render them into their rows) before migrating down');
  for (const [column] of FACTS) await db.schema.alterTable('outbox').dropColumn(column).execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) return; // the columns stay nullable
  for (const column of RENDERED) await db.schema.alterTable('outbox').alterColumn(column, (c) => c.setNotNull()).execute();
}
