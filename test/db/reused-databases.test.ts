/**
 * The PostgreSQL pass reuses a closed test context's database for the next context, emptied
 * (test/helpers.ts `emptyForReuse`). No test may see another's rows, and a database whose
 * shape a test changed (a planted trigger, a table of its own), or that another connection
 * still uses, is never handed on.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { makeTestContext, PG_ADMIN_URL, usePostgres } from '../helpers.js';

const nameOf = async (t: Awaited<ReturnType<typeof makeTestContext>>) => (await sql<{ name: string }>`select current_database() as name`.execute(t.db)).rows[0]!.name;

describe.runIf(usePostgres)('test databases reused on PostgreSQL', () => {
  it('the next context gets the last one’s database, with none of its rows', async () => {
    const first = await makeTestContext();
    const org = await first.org('Rowan Primary');
    await first.user('staff', org.id);
    await first.session();
    const used = await nameOf(first);
    await first.close();

    const next = await makeTestContext();
    try {
      expect(await nameOf(next)).toBe(used);
      for (const table of ['organisations', 'users', 'sessions', 'auth_sessions', 'outbox'] as const) {
        expect(Number((await next.db.selectFrom(table).select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), table).toBe(0);
      }
    } finally {
      await next.close();
    }
  });

  it('a database whose shape its test changed is dropped, not handed on', async () => {
    const first = await makeTestContext();
    await sql`create table left_behind (x int)`.execute(first.db);
    const changed = await nameOf(first);
    await first.close();

    const next = await makeTestContext();
    try {
      expect(await nameOf(next)).not.toBe(changed);
      expect(Number((await sql<{ n: string }>`select count(*) as n from pg_database where datname = ${changed}`.execute(next.db)).rows[0]!.n)).toBe(0);
    } finally {
      await next.close();
    }
  });

  it('a database still in use by another connection (a server the test started) is dropped, not handed on', async () => {
    const first = await makeTestContext();
    const name = await nameOf(first);
    const { default: pg } = await import('pg');
    const other = new pg.Client({ connectionString: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) });
    other.on('error', () => {});
    await other.connect();
    await first.close();
    await other.end().catch(() => {});

    const next = await makeTestContext();
    try {
      expect(await nameOf(next)).not.toBe(name);
    } finally {
      await next.close();
    }
  });
});
