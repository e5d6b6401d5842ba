import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// The live room's trainer decisions that must outlast a connection: who was removed (they
// cannot join again until a trainer lets them back), whether the room was ended for
// everyone (only trainers may join then), and who is this session's assigned captioner.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_removals')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('removed_by', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_removals_pk', ['session_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('live_room_ends')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
    .addColumn('ended_by', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('live_captioners')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_captioners_pk', ['session_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['live_captioners', 'live_room_ends', 'live_removals']) await db.schema.dropTable(t).execute();
}
