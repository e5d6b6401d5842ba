import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports nothing from the app.
// A stored revision per subscription feed (a person's, an organisation's), raised in the
// transaction of every change that alters what the feed shows, so a calendar polling with
// If-None-Match is answered from this one row instead of a read of every event. Also kept:
// when it last changed (Last-Modified), and the latest cancellation it has shown (while that
// is under 30 days old, cancellations are still leaving the feed as time passes).
// Existing feeds start at revision 0 with their times taken from the rows here, once.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_feed_revisions')
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('last_cancelled_at', 'text')
    .addPrimaryKeyConstraint('calendar_feed_revisions_pk', ['owner_kind', 'owner_id'])
    .execute();
  const latest = (a: string, b: string) => sql`case when ${sql.raw(a)} >= ${sql.raw(b)} then ${sql.raw(a)} else ${sql.raw(b)} end`;
  await sql`insert into calendar_feed_revisions (owner_kind, owner_id, revision, changed_at, last_cancelled_at)
    select 'user', b.user_id, 0, max(${latest('b.updated_at', 's.updated_at')}), max(b.cancelled_at)
    from bookings b join sessions s on s.id = b.session_id
    group by b.user_id`.execute(db);
  await sql`insert into calendar_feed_revisions (owner_kind, owner_id, revision, changed_at, last_cancelled_at)
    select 'org', u.org_id, 0, max(${latest('b.updated_at', 's.updated_at')}), max(b.cancelled_at)
    from bookings b join sessions s on s.id = b.session_id join users u on u.id = b.user_id
    where u.org_id is not null
    group by u.org_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_feed_revisions').execute();
}
