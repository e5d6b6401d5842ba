import type { Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// In-house training. A session is open to the whole programme (audience_kind 'programme',
// no organisation), to one organisation's staff ('organisation'), or to a trust or local
// authority and every school under it ('trust'). An in-house lead is a member of staff an
// administrator or their office lets create and run sessions for one organisation.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('audience_kind', 'text', (c) => c.notNull().defaultTo('programme')).execute();
  await db.schema.alterTable('sessions').addColumn('audience_org_id', 'text', (c) => c.references('organisations.id')).execute();
  await db.schema.createIndex('sessions_audience_org_idx').on('sessions').column('audience_org_id').execute();
  await db.schema
    .createTable('inhouse_leads')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inhouse_leads_pk', ['user_id', 'org_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inhouse_leads').execute();
  await db.schema.dropIndex('sessions_audience_org_idx').execute();
  await db.schema.alterTable('sessions').dropColumn('audience_org_id').execute();
  await db.schema.alterTable('sessions').dropColumn('audience_kind').execute();
}
