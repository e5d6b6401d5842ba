import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// People of one role, by name: finding a trainer to add to a session (GET /api/trainers) and
// the People page's role filter read the few trainers among every member of staff in England
// in name order, instead of every account.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('users_role_name').on('users').columns(['role', 'name']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_role_name').execute();
}
