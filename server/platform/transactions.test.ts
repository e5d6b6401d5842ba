import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, type Db } from '../../db/connect.js';
import { GroupCommit, writeTransaction } from './transactions.js';

// Group commit on SQLite: transactions that queue up behind a running one share its
// successor's commit, yet each keeps its own outcome.
let h: Db;
const deps = () => ({ db: h.db, dbKind: h.kind });
beforeEach(async () => {
  h = openSqlite(':memory:');
  await migrateToLatest(h.db);
});
afterEach(() => h.close());

const attempt = (id: string) => writeTransaction(deps(), async (trx) => {
  await trx.insertInto('login_throttle').values({ key: id, window_start: '2026-01-01T00:00:00Z', hits: 1 }).execute();
  return id;
});
const stored = async () => (await h.db.selectFrom('login_throttle').select('key').orderBy('key').execute()).map((r) => r.key);

describe('write transactions on SQLite', () => {
  it('many at once: each is answered with its own result or error, and a failure undoes only its own writes', async () => {
    await attempt('a00');
    const ids = Array.from({ length: 30 }, (_, i) => `a${String(i).padStart(2, '0')}`);
    // a00 exists already, so its second insert fails; so does every fifth, which writes and then throws.
    const results = await Promise.allSettled(
      ids.map((id, i) =>
        i % 5 === 4
          ? writeTransaction(deps(), async (trx) => {
              await trx.insertInto('login_throttle').values({ key: id, window_start: 'x', hits: 0 }).execute();
              throw new Error(`refused ${id}`);
            })
          : attempt(id),
      ),
    );
    expect(results[0]!.status).toBe('rejected');
    results.forEach((r, i) => {
      if (i === 0) return;
      if (i % 5 === 4) expect(r).toEqual({ status: 'rejected', reason: new Error(`refused ${ids[i]}`) });
      else expect(r).toEqual({ status: 'fulfilled', value: ids[i] });
    });
    expect(await stored()).toEqual(ids.filter((_, i) => i % 5 !== 4));
  });

  it('when the shared commit fails, each of its transactions is run again alone, so only the bad one fails', async () => {
    await expect(attempt('b0')).resolves.toBe('b0');
    // Three started in the same turn of the event loop share one commit, which the second's
    // dangling reference (checked only at commit) makes fail.
    const batch = [
      attempt('b1'),
      writeTransaction(deps(), async (trx) => {
        await sql`pragma defer_foreign_keys = on`.execute(trx); // until this transaction ends
        return trx.insertInto('bookings').values({ id: 'dangling', session_id: 'no-such-session', user_id: 'nobody', seat: 'online', status: 'confirmed', queue_seq: 1, hold_org_id: null, offer_expires_at: null, booked_by: null, revision: 0, created_at: 'x', updated_at: 'x', cancelled_at: null }).execute();
      }),
      attempt('b3'),
    ];
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(await stored()).toEqual(['b0', 'b1', 'b3']);
    expect(await h.db.selectFrom('bookings').select('id').execute()).toEqual([]);
    // And the next transaction works as normal.
    await expect(attempt('b4')).resolves.toBe('b4');
  });
});

describe('group commit gathers a batch while it grows', () => {
  const nextTurn = () => new Promise((r) => setImmediate(r));
  /** A writer that records the size of each batch it commits. */
  const recorder = () => {
    const batches: number[] = [];
    const writer = new GroupCommit(h.db, async (trx, keys: string[]) => {
      batches.push(keys.length);
      await trx.insertInto('login_throttle').values(keys.map((key) => ({ key, window_start: 'x', hits: 1 }))).execute();
      return keys;
    });
    return { batches, writer };
  };

  it('jobs that reach the writer over several turns in a row share one commit', async () => {
    const { batches, writer } = recorder();
    const pending: Promise<string>[] = [];
    // As under load: each turn reads a few more requests, which reach the writer then.
    for (let turn = 0; turn < 6; turn++) {
      for (let i = 0; i < 3; i++) pending.push(writer.run(`t${turn}-${i}`));
      await nextTurn();
    }
    expect(await Promise.all(pending)).toHaveLength(18);
    expect(batches).toEqual([18]);
    expect(await stored()).toHaveLength(18);
  });

  it('a job alone is written on its own, and a burst beyond a full batch goes in full batches', async () => {
    const { batches, writer } = recorder();
    await writer.run('alone');
    await Promise.all(Array.from({ length: 100 }, (_, i) => writer.run(`b${i}`)));
    expect(batches).toEqual([1, 64, 36]);
  });

  it('a steady trickle does not hold a batch back: it is written while the trickle goes on', async () => {
    const { batches, writer } = recorder();
    const first = writer.run('first');
    let firstDone = false;
    void first.then(() => (firstDone = true));
    const rest: Promise<string>[] = [];
    let turns = 0;
    while (!firstDone && turns < 200) {
      rest.push(writer.run(`r${turns++}`));
      await nextTurn();
    }
    await Promise.all(rest);
    expect(firstDone).toBe(true);
    expect(turns).toBeLessThan(40);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(turns + 1);
  });
});
