import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// Organisations say what they are (a school, college or nursery, or a trust or local
// authority that others sit under), and courses say which trainers may run them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organisations').addColumn('kind', 'text', (c) => c.notNull().defaultTo('school')).execute();
  await db.schema.createIndex('organisations_parent').on('organisations').column('parent_id').execute();
  await db.schema
    .createTable('course_trainers')
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('course_trainers_pk', ['course_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('course_trainers').execute();
  await db.schema.dropIndex('organisations_parent').execute();
  await db.schema.alterTable('organisations').dropColumn('kind').execute();
}
