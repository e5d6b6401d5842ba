import { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('timetables')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('subscription_url', 'text')
    .addColumn('last_fetched_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('next_fetch_at', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('timetables_next_fetch').on('timetables').column('next_fetch_at').execute();

  await db.schema
    .createTable('timetable_periods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('day', 'integer')
    .addColumn('week', 'text')
    .addColumn('start_time', 'text')
    .addColumn('end_time', 'text')
    .addColumn('starts_at', 'text')
    .addColumn('ends_at', 'text')
    .addColumn('date_from', 'text')
    .addColumn('date_to', 'text')
    .execute();
  await db.schema.createIndex('timetable_periods_user').on('timetable_periods').columns(['user_id', 'kind', 'starts_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['timetable_periods', 'timetables']) await db.schema.dropTable(t).execute();
}
