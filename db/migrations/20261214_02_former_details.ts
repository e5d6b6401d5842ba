import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A person's name or email put right (an office or administrator, PATCH /api/users/{id}): the
// values replaced are kept, with when, so that erasing the person later finds them too in what
// others were sent or wrote before the change (a trainer's message naming them by their old
// name, the notice to their old address, sign-in counters of the old address). Deleted with
// the rest of what is theirs when they are erased; shown to them in "My data".
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('former_details')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('replaced_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('former_details_user').on('former_details').columns(['user_id', 'replaced_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('former_details').execute();
}
