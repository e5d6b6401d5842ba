import { Kysely, SqliteAdapter, sql } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A trainer's register tick ("attended") with no minutes, for someone of whom nothing was
// observed (no check-in, no connection), leaves the minutes unknown: stored as NULL, shown
// as blank / "not recorded", never as a false 0 (the register, its CSV, the training record
// and the certificate all read this row).
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // SQLite cannot drop NOT NULL from a column: the table is rebuilt with the same rows.
    await sql`create table attendance_results_next (
      booking_id text primary key references bookings(id),
      session_id text not null,
      user_id text not null,
      minutes integer,
      attended integer not null,
      source text not null,
      computed_at text not null
    )`.execute(db);
    await sql`insert into attendance_results_next (booking_id, session_id, user_id, minutes, attended, source, computed_at)
      select booking_id, session_id, user_id, minutes, attended, source, computed_at from attendance_results`.execute(db);
    await sql`drop table attendance_results`.execute(db);
    await sql`alter table attendance_results_next rename to attendance_results`.execute(db);
  } else {
    await db.schema.alterTable('attendance_results').alterColumn('minutes', (c) => c.dropNotNull()).execute();
  }
  // Outcomes already recorded that way held a 0 (the minutes computed from no presence at
  // all): they become unknown too. A certificate that printed that 0 then answers withdrawn,
  // and downloading it again issues one without a minutes line.
  await db
    .updateTable('attendance_results')
    .set({ minutes: null })
    .where('source', '=', 'register')
    .where('attended', '=', 1)
    .where('minutes', '=', 0)
    .where('booking_id', 'in', db.selectFrom('attendance_overrides').select('booking_id').where('attended', '=', 1).where('minutes', 'is', null))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // The old code wrote 0 for unknown minutes.
  await db.updateTable('attendance_results').set({ minutes: 0 }).where('minutes', 'is', null).execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) return; // the column stays nullable
  await db.schema.alterTable('attendance_results').alterColumn('minutes', (c) => c.setNotNull()).execute();
}
