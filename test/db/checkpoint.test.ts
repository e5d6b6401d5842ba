/**
 * SQLite's write-ahead log is copied back into the database file by a worker thread, not by
 * whichever request's commit happens to cross the threshold (db/connect.ts). The log must
 * still be checkpointed: otherwise it would grow without bound and reads would slow down.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, type Db } from '../../db/connect.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'send-ckpt-'));
let h: Db | undefined;
afterEach(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('writes reach the database file within a second or two, without any commit checkpointing them', { timeout: 20_000 }, async () => {
  const file = path.join(dir, 'app.db');
  h = openSqlite(file);
  await migrateToLatest(h.db);
  const before = statSync(file).size;
  // About 4 MB in one transaction: far below the 20,000-page backstop, so SQLite itself
  // would leave all of it in the log.
  const rows = Array.from({ length: 2000 }, (_, i) => ({ key: `r${i}${'x'.repeat(2000)}`, window_start: '2026-01-01T00:00:00Z', hits: 0 }));
  await h.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 100) await trx.insertInto('login_throttle').values(rows.slice(i, i + 100)).execute();
  });
  const deadline = Date.now() + 10_000;
  while (statSync(file).size < before + 3_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(statSync(file).size).toBeGreaterThan(before + 3_000_000);
});
