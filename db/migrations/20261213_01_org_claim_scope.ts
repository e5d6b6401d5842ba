import { sql, SqliteAdapter, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// An identity provider's organisation claim (an ID token claim holding a school's URN) was
// trusted for every organisation with a URN, so a school's or trust's own tenant, whose IT
// staff set its claims, could place people in (and sign people in to) any school in the
// country. Each provider now says which organisations its claim may name: `own` (those its
// email domains map to, and the schools under them), the default from now on, or `national`
// (any with a URN, for DfE Sign-in and the like), which an administrator chooses.
//
// Providers that already read a claim were set up under the old meaning. One with no email
// domain of its own (DfE Sign-in's pattern) is a national one: made `own` it would serve no
// one, its staff refused at their next sign-in, so it is kept `national`, as it worked. One
// with email domains is a school's or trust's own tenant, exactly what the old meaning left
// open (its IT staff could name any school's URN): it becomes `own`, its claim still placing
// people in its own organisations and their schools; an administrator widens it on its page
// should it really be a national one.

/** Whether SQLite's identity_providers has the column already (see up). */
async function hasScope(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`pragma table_info(identity_providers)`.execute(db);
  return rows.some((r) => r.name === 'org_claim_scope');
}

export async function up(db: Kysely<any>): Promise<void> {
  // On PostgreSQL the migrator runs each migration in a transaction of its own; on SQLite it
  // does not, and this one is written to be run again rather than to take a transaction of
  // its own (as 20261212_01 does): a process stopped between the two statements leaves the
  // column with every claim `own` and the migration not recorded, and the next start skips
  // adding the column and widens the national claims then. No one can have chosen a scope
  // meanwhile: the service does not start until this has run.
  if (!(db.getExecutor().adapter instanceof SqliteAdapter) || !(await hasScope(db))) {
    await db.schema.alterTable('identity_providers').addColumn('org_claim_scope', 'text', (c) => c.notNull().defaultTo('own')).execute();
  }
  await db.updateTable('identity_providers').set({ org_claim_scope: 'national' }).where('org_claim', 'is not', null).where('org_domains', '=', '[]').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('identity_providers').dropColumn('org_claim_scope').execute();
}
