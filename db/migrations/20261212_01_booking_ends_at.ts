import { sql, SqliteAdapter, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Booking a session closes at its cut-off, or once too little of it is left to attend enough
// of it (its attendance threshold), or at its end, whichever is first; each session stores
// that moment so a list of sessions open for booking can ask for it in SQL. Written with
// every session from now on (shared/sessions.ts, bookingEndsAt); here, once, for those there
// are, by the same rule: one statement per thousand sessions.
function endsAt(r: { starts_at: string; ends_at: string; booking_closes_at: string | null; attendance_threshold: number | string }): string {
  const start = Date.parse(r.starts_at);
  const end = Date.parse(r.ends_at);
  const lastUseful = new Date(end - Math.round(Math.min(1, Math.max(0, Number(r.attendance_threshold))) * (end - start))).toISOString();
  const cutOff = r.booking_closes_at !== null && r.booking_closes_at < r.ends_at ? r.booking_closes_at : r.ends_at;
  return lastUseful < cutOff ? lastUseful : cutOff;
}

async function addAndFill(db: Kysely<any>, sqlite: boolean): Promise<void> {
  // SQLite adds a NOT NULL column only with a default; every write names it (PostgreSQL drops the default below).
  await db.schema.alterTable('sessions').addColumn('booking_ends_at', 'text', (c) => c.notNull().defaultTo('')).execute();
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('sessions').select(['id', 'starts_at', 'ends_at', 'booking_closes_at', 'attendance_threshold']).where('id', '>', after).orderBy('id').limit(1000).execute();
    if (rows.length === 0) break;
    const value = sql`case ${sql.ref('id')} ${sql.join(rows.map((r) => sql`when ${r.id} then ${endsAt(r)}`), sql` `)} end`;
    await db.updateTable('sessions').set({ booking_ends_at: value }).where('id', 'in', rows.map((r) => r.id)).execute();
    after = rows[rows.length - 1]!.id;
  }
  if (!sqlite) await sql`alter table sessions alter column booking_ends_at drop default`.execute(db);
  await db.schema.createIndex('sessions_booking_ends_at').on('sessions').column('booking_ends_at').execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  // On PostgreSQL the migrator runs each migration in a transaction of its own; on SQLite it
  // does not (its DDL is not taken as transactional), so this one is, whole: a process
  // stopped half way leaves neither a column without its values nor one the next start
  // would try to add again.
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  if (sqlite) await db.transaction().execute((trx) => addAndFill(trx, true));
  else await addAndFill(db, false);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_booking_ends_at').execute();
  await db.schema.alterTable('sessions').dropColumn('booking_ends_at').execute();
}
