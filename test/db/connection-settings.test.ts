/**
 * Settings every connection the server opens carries, each for reports over a whole
 * programme's workforce (training coverage; see the growth table in README's Performance):
 * SQLite's page cache of 64 MiB on the writer and the reader alike (with the driver's 16 MB
 * such a report cost more per person the more people there were), and PostgreSQL's JIT
 * compilation off (it took longer than the report's query itself).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, openSqlite } from '../../db/connect.js';
import { PAGE_CACHE } from '../../db/sqlite.js';
import { createPgDatabase } from '../helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'send-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('SQLite: the writer and the reader each keep a 64 MiB page cache', async () => {
  const h = openSqlite(path.join(dir, 'app.db'));
  try {
    await migrateToLatest(h.db);
    expect(PAGE_CACHE).toBe(-65_536);
    // Outside a transaction a read goes to the reader; inside one, to the writer.
    const read = await sql<{ cache_size: number }>`pragma cache_size`.execute(h.db);
    const written = await h.db.transaction().execute((trx) => sql<{ cache_size: number }>`pragma cache_size`.execute(trx));
    expect([read.rows[0]?.cache_size, written.rows[0]?.cache_size]).toEqual([PAGE_CACHE, PAGE_CACHE]);
  } finally {
    await h.close();
  }
});

it('PostgreSQL: JIT compilation is off on every pooled connection', async (ctx) => {
  const pg = await createPgDatabase();
  if ('skip' in pg) {
    console.warn(`skipped: ${pg.skip}`);
    ctx.skip();
    return;
  }
  const h = openDatabase(pg.url, { max: 3 });
  try {
    // Three at once: three connections of the pool.
    const settings = await Promise.all([0, 1, 2].map(() => h.db.transaction().execute((trx) => sql<{ jit: string }>`select current_setting('jit') as jit, pg_sleep(0.05)`.execute(trx))));
    expect(settings.map((r) => r.rows[0]?.jit)).toEqual(['off', 'off', 'off']);
  } finally {
    await h.close();
    await pg.drop();
  }
});
