/**
 * WriteBatch (db/prepared.ts): writes that do not read each other's rows, made in one
 * transaction. On PostgreSQL they go as one statement (one round trip: a booking batch's
 * bookings, feeds, counts and notices), on SQLite one by one as they are added. Either way
 * every write lands, or with the transaction none does.
 */
import { sql, type CompiledQuery, type KyselyPlugin, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { rowInserter, WriteBatch } from '../../db/prepared.js';
import { openTestDb } from '../helpers.js';

let h: Db;
beforeEach(async () => {
  h = await openTestDb();
});
afterEach(() => h.close());

/** Counts the statements sent through a transaction. */
function statementCounter() {
  const counter = { statements: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => (counter.statements++, args.result), // once per statement run
  };
  return { counter, plugin };
}

const keys = async () => (await h.db.selectFrom('login_throttle').select(['key', 'hits']).orderBy('key').execute()).map((r) => `${r.key}:${r.hits}`);

it(`writes to several tables and rows land together, ${process.env.TEST_DATABASE === 'postgres' ? 'as one statement on PostgreSQL' : 'one by one on SQLite'}`, async () => {
  await h.db.insertInto('login_throttle').values({ key: 'old', window_start: 'x', hits: 1 }).execute();
  const { counter, plugin } = statementCounter();
  await h.db.transaction().execute(async (outer) => {
    const trx = outer.withPlugin(plugin);
    const writes = new WriteBatch(trx, h.kind);
    await writes.add(trx.insertInto('login_throttle').values([{ key: 'a', window_start: 'x', hits: 0 }, { key: 'b', window_start: 'x', hits: 0 }]));
    await writes.add(sql`update login_throttle set hits = hits + 41 where key = ${'old'}`);
    await writes.add(trx.insertInto('server_secrets').values({ name: 'batch-test', value: 'v', created_at: 'x' }));
    await writes.flush();
    await writes.flush(); // nothing waiting: nothing sent
  });
  expect(await keys()).toEqual(['a:0', 'b:0', 'old:42']);
  expect(await h.db.selectFrom('server_secrets').select('value').where('name', '=', 'batch-test').executeTakeFirst()).toEqual({ value: 'v' });
  expect(counter.statements).toBe(h.kind === 'postgres' ? 1 : 3);
});

it('a write that fails fails the flush, and the transaction keeps none of the batch', async () => {
  await h.db.insertInto('login_throttle').values({ key: 'taken', window_start: 'x', hits: 1 }).execute();
  const attempt = h.db.transaction().execute(async (trx) => {
    const writes = new WriteBatch(trx, h.kind);
    await writes.add(trx.insertInto('login_throttle').values({ key: 'new', window_start: 'x', hits: 0 }));
    await writes.add(trx.insertInto('login_throttle').values({ key: 'taken', window_start: 'x', hits: 0 }));
    await writes.flush();
  });
  await expect(attempt).rejects.toThrow(/unique|duplicate/i);
  expect(await keys()).toEqual(['taken:1']);
});

it('rowInserter stores every value as given, and on PostgreSQL sends the same statement text however many rows (so it is planned as a short statement, not a growing VALUES list)', async () => {
  // Every statement the transaction sends, as sent (built by Kysely or compiled beforehand).
  const texts: string[] = [];
  const recording = (trx: Transaction<Database>) => {
    const executor = trx.getExecutor();
    const send = executor.executeQuery.bind(executor);
    executor.executeQuery = ((query: CompiledQuery, ...rest: unknown[]) => (texts.push(query.sql), (send as (...a: unknown[]) => unknown)(query, ...rest))) as typeof executor.executeQuery;
    return trx;
  };
  const insert = rowInserter<{ key: string; window_start: string; hits: number }>('login_throttle', ['key', 'window_start', 'hits']);
  const tricky = ['it\'s "quoted" \\ back', 'Zoë — ünïcödé 😀', 'comma, {brace}', ' spaced '];
  for (const n of [2, 5]) {
    await h.db.transaction().execute(async (outer) => {
      const trx = recording(outer);
      const writes = new WriteBatch(trx, h.kind);
      await insert.into(writes, Array.from({ length: n }, (_, i) => ({ key: `${n}:${i}:${tricky[i % tricky.length]}`, window_start: i % 2 ? 'x' : tricky[i % tricky.length]!, hits: i * 1000 + 7 })));
      await writes.flush();
    });
  }
  const rows = await h.db.selectFrom('login_throttle').selectAll().orderBy('key').execute();
  expect(rows).toHaveLength(7);
  expect(rows).toContainEqual({ key: `5:1:${tricky[1]}`, window_start: 'x', hits: 1007 });
  expect(rows).toContainEqual({ key: `5:4:${tricky[0]}`, window_start: tricky[0], hits: 4007 });
  expect(rows).toContainEqual({ key: `2:0:${tricky[0]}`, window_start: tricky[0], hits: 7 });
  if (h.kind === 'postgres') {
    const inserts = texts.filter((t) => t.startsWith('insert into "login_throttle"'));
    expect(inserts).toHaveLength(2);
    expect(new Set(inserts).size).toBe(1);
  }
});

it('writes compiled beforehand and writes built as usual go together, each with its own values (placeholders renumbered, quoted text left alone)', async () => {
  const insert = rowInserter<{ key: string; window_start: string; hits: number }>('login_throttle', ['key', 'window_start', 'hits']);
  await h.db.transaction().execute(async (trx) => {
    const writes = new WriteBatch(trx, h.kind);
    await writes.add(sql`insert into login_throttle (key, window_start, hits) values (${'first'}, '$1 stays', ${1})`);
    await insert.into(writes, [{ key: 'second', window_start: '$2', hits: 2 }, { key: 'third', window_start: 'y', hits: 3 }]);
    await writes.add(sql`insert into server_secrets (name, value, created_at) values (${'batch-$1'}, ${'"$3"'}, ${'x'})`);
    await writes.flush();
  });
  expect(await h.db.selectFrom('login_throttle').select(['key', 'window_start', 'hits']).orderBy('key').execute()).toEqual([
    { key: 'first', window_start: '$1 stays', hits: 1 },
    { key: 'second', window_start: '$2', hits: 2 },
    { key: 'third', window_start: 'y', hits: 3 },
  ]);
  expect(await h.db.selectFrom('server_secrets').select(['name', 'value']).where('name', 'like', 'batch-%').execute()).toEqual([{ name: 'batch-$1', value: '"$3"' }]);
});
