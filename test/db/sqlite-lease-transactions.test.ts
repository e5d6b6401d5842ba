/**
 * Two transactions one after the other on one lease of the SQLite write connection (as
 * Kysely's migrator runs every pending migration on one connection, and a migration may take
 * a transaction of its own, as 20261212_01 does): the second begins and commits, rather than
 * waiting for ever for the lock the lease already holds. Before, a fresh database whose
 * pending migrations held two such transactions never finished migrating.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { openSqlite } from '../../db/connect.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'send-lease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('SQLite: a lease that took a transaction can take another, and other writers wait for it and then go on', { timeout: 10_000 }, async () => {
  const h = openSqlite(path.join(dir, 'app.db'));
  try {
    await sql`create table t (n integer)`.execute(h.db);
    let other: Promise<unknown> | undefined;
    let otherDone = false;
    const outcome = await Promise.race([
      h.db.connection().execute(async (conn) => {
        await conn.transaction().execute((trx) => sql`insert into t values (1)`.execute(trx));
        // Another writer, outside the lease, waits for the lock the lease holds.
        other = sql`insert into t values (4)`.execute(h.db).then(() => (otherDone = true));
        await conn.transaction().execute((trx) => sql`insert into t values (2)`.execute(trx));
        // One that fails rolls back only itself.
        await expect(conn.transaction().execute(async (trx) => { await sql`insert into t values (3)`.execute(trx); throw new Error('no'); })).rejects.toThrow('no');
        await new Promise((r) => setTimeout(r, 50));
        expect(otherDone).toBe(false);
        return 'done';
      }),
      new Promise((r) => setTimeout(() => r('stuck'), 3_000)),
    ]);
    expect(outcome).toBe('done');
    // The lock was given back with the lease: the other writer goes on.
    await other;
    expect(otherDone).toBe(true);
    expect((await sql<{ n: number }>`select n from t order by n`.execute(h.db)).rows.map((r) => r.n)).toEqual([1, 2, 4]);
  } finally {
    await h.close();
  }
});
