/**
 * PostgreSQL keeps the plans of statements that run again (db/pg-statements.ts): named
 * statements, at most MAX_PER_CONNECTION per connection, and a schema change made by
 * another process does not break the ones kept.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Db } from '../../db/connect.js';
import { MAX_PER_CONNECTION } from '../../db/pg-statements.js';
import { createPgDatabase } from '../helpers.js';

const made = await createPgDatabase();
const skip = 'skip' in made ? made.skip : null;
if (skip) console.warn(`[test/db] kept statement plans on PostgreSQL skipped: ${skip}`);

describe.skipIf(skip !== null)('kept statement plans (PostgreSQL)', () => {
  let h: Db;
  let other: pg.Client;
  const url = 'url' in made ? made.url : '';
  beforeAll(async () => {
    // One connection, so every statement below runs on the same one.
    h = openPostgres(url, { max: 1 });
    other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query('create table people (id int primary key, name text)');
    await other.query("insert into people values (1, 'Ada'), (2, 'Grace')");
  });
  afterAll(async () => {
    await other?.end();
    await h?.close();
    if ('drop' in made) await made.drop();
  });

  const kept = async () => (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(h.db)).rows.map((r) => r.statement);

  it('keeps a statement that runs again, not one that ran once', async () => {
    const byId = (id: number) => h.db.selectFrom('people' as never).select('name' as never).where('id' as never, '=', id as never).execute();
    expect(await byId(1)).toEqual([{ name: 'Ada' }]);
    expect((await kept()).filter((s) => s.includes('from "people"'))).toEqual([]);
    expect(await byId(2)).toEqual([{ name: 'Grace' }]);
    expect(await byId(1)).toEqual([{ name: 'Ada' }]);
    expect((await kept()).filter((s) => s.includes('from "people"'))).toHaveLength(1);
  });

  it(`keeps at most ${MAX_PER_CONNECTION} on a connection, and the rest still run`, async () => {
    for (let n = 0; n < MAX_PER_CONNECTION + 50; n++) {
      for (let twice = 0; twice < 2; twice++) {
        const { rows } = await sql<{ v: number }>`select ${sql.raw(String(n))} + cast(${1} as int) as v`.execute(h.db);
        expect(rows).toEqual([{ v: n + 1 }]);
      }
    }
    expect((await kept()).length).toBe(MAX_PER_CONNECTION);
  });

  it('answers as before after another process changes the table under a kept statement', async () => {
    const h2 = openPostgres(url, { max: 1 });
    try {
      const all = () => h2.db.selectFrom('people' as never).selectAll().where('id' as never, '=', 1 as never).execute();
      await all();
      expect(await all()).toEqual([{ id: 1, name: 'Ada' }]);
      await other.query('alter table people add column role text');
      // Outside a transaction: prepared again at once, and the caller sees the new column.
      expect(await all()).toEqual([{ id: 1, name: 'Ada', role: null }]);

      const inTransaction = () => h2.db.transaction().execute((trx) => trx.selectFrom('people' as never).selectAll().where('id' as never, '=', 2 as never).execute());
      await inTransaction();
      expect(await inTransaction()).toEqual([{ id: 2, name: 'Grace', role: null }]);
      await other.query('alter table people add column school text');
      // Inside one the transaction fails, as on any other error; the next one succeeds.
      await expect(inTransaction()).rejects.toThrow(/cached plan must not change result type/);
      expect(await inTransaction()).toEqual([{ id: 2, name: 'Grace', role: null, school: null }]);
    } finally {
      await h2.close();
    }
  });
});
