/**
 * A transaction's BEGIN travels with its first statement, and its COMMIT with a last one
 * marked so (db/pg-round-trips.ts): round trips fewer per transaction, and a statement still
 * never runs outside its transaction, nor is a failed commit taken for a committed one.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres, type Db } from '../../db/connect.js';
import { AND_COMMIT, sendControlWithStatements } from '../../db/pg-round-trips.js';
import { WriteBatch } from '../../db/prepared.js';
import { createPgDatabase } from '../helpers.js';

const made = await createPgDatabase();
const skip = 'skip' in made ? made.skip : null;
if (skip) console.warn(`[test/db] BEGIN sent with the first statement on PostgreSQL skipped: ${skip}`);

describe.skipIf(skip !== null)('BEGIN sent with the first statement (PostgreSQL)', () => {
  const url = 'url' in made ? made.url : '';
  let pool: pg.Pool;
  let other: pg.Client;
  beforeAll(async () => {
    // One connection, so each test borrows the same one again.
    pool = new pg.Pool({ connectionString: url, max: 1 });
    sendControlWithStatements(pool, pg.Query);
    other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query('create table seats (id int primary key, taken_by text)');
  });
  beforeEach(async () => {
    await other.query('truncate seats cascade');
    await other.query("insert into seats values (1, null), (2, null)");
  });
  afterAll(async () => {
    await other?.end();
    await pool?.end();
    if ('drop' in made) await made.drop();
  });

  /** Round trips: each one ends with the server saying it is ready for the next. */
  async function roundTrips<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<{ trips: number; value: T }> {
    const wire = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
    let trips = 0;
    const count = () => trips++;
    wire.on('readyForQuery', count);
    try {
      const value = await work();
      return { trips, value };
    } finally {
      wire.off('readyForQuery', count);
    }
  }

  it('takes one round trip fewer, and the first statement runs inside the transaction', async () => {
    const client = await pool.connect();
    try {
      const { trips, value } = await roundTrips(client, async () => {
        await client.query('begin', []);
        const locked = await client.query('select id from seats where id = $1 for update', [1]);
        // Held until the commit: another connection cannot take it.
        await expect(other.query('select id from seats where id = 1 for update nowait')).rejects.toThrow(/could not obtain lock/);
        await client.query('update seats set taken_by = $1 where id = $2', ['Ada', 1]);
        await client.query('commit', []);
        return locked;
      });
      expect(value.rows).toEqual([{ id: 1 }]);
      expect(value.command).toBe('SELECT');
      expect(trips).toBe(3); // BEGIN with the lock, the update, COMMIT: four before
      expect((await other.query('select taken_by from seats where id = 1')).rows).toEqual([{ taken_by: 'Ada' }]);
    } finally {
      client.release();
    }
  });

  it('a first statement that fails leaves the transaction aborted, and ROLLBACK undoes it', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin', []);
      await expect(client.query('insert into seats values ($1, $2)', [1, 'twice'])).rejects.toThrow(/duplicate key/);
      await expect(client.query('insert into seats values ($1, $2)', [3, 'Grace'])).rejects.toThrow(/current transaction is aborted/);
      await client.query('rollback', []);
      expect((await other.query('select id from seats order by id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
      // The connection is usable again, outside any transaction.
      expect((await client.query('select $1::int as n', [7])).rows).toEqual([{ n: 7 }]);
      expect((await client.query('select now() = statement_timestamp() as alone', [])).rows).toEqual([{ alone: true }]);
    } finally {
      client.release();
    }
  });

  it('a rolled-back transaction leaves nothing of its first statement', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin', []);
      await client.query('update seats set taken_by = $1 where id = $2', ['Kit', 2]);
      await client.query('rollback', []);
      expect((await other.query('select taken_by from seats where id = 2')).rows).toEqual([{ taken_by: null }]);
    } finally {
      client.release();
    }
  });

  it('a connection given back with its BEGIN unsent does not open a transaction for the next borrower', async () => {
    const first = await pool.connect();
    await first.query('begin', []);
    first.release();
    const next = await pool.connect();
    try {
      expect(next).toBe(first); // the same connection (the pool holds one)
      await next.query('update seats set taken_by = $1 where id = $2', ['Lin', 1]);
      // Committed on its own: another connection sees it at once.
      expect((await other.query('select taken_by from seats where id = 1')).rows).toEqual([{ taken_by: 'Lin' }]);
    } finally {
      next.release();
    }
  });

  it('a transaction that did nothing costs no round trip; a savepoint or a text of several statements first still works', async () => {
    const client = await pool.connect();
    try {
      const idle = await roundTrips(client, async () => {
        await client.query('begin', []);
        await client.query('commit', []);
      });
      expect(idle.trips).toBe(0);

      await client.query('begin', []);
      await client.query('savepoint one_of_many', []);
      await client.query('update seats set taken_by = $1 where id = $2', ['Mo', 1]);
      await client.query('rollback to one_of_many', []);
      await client.query('update seats set taken_by = $1 where id = $2', ['Noor', 2]);
      await client.query('commit', []);
      expect((await other.query('select id, taken_by from seats order by id')).rows).toEqual([
        { id: 1, taken_by: null },
        { id: 2, taken_by: 'Noor' },
      ]);

      await client.query('begin', []);
      await client.query("update seats set taken_by = 'Oz' where id = 1; update seats set taken_by = 'Pat' where id = 2", []);
      await client.query('rollback', []);
      expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: null }, { taken_by: 'Noor' }]);
    } finally {
      client.release();
    }
  });

  it('a last statement marked AND_COMMIT takes the COMMIT with it: committed once it is answered, its COMMIT then answered at once', async () => {
    const client = await pool.connect();
    try {
      const { trips } = await roundTrips(client, async () => {
        await client.query('begin', []);
        await client.query('update seats set taken_by = $1 where id = $2', ['Ada', 1]);
        const last = await client.query(`${AND_COMMIT}update seats set taken_by = $1 where id = $2`, ['Grace', 2]);
        expect(last.rowCount).toBe(1);
        // Committed already: another connection sees both writes before COMMIT is asked for.
        expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: 'Ada' }, { taken_by: 'Grace' }]);
        expect((await client.query('commit', [])).command).toBe('COMMIT');
      });
      expect(trips).toBe(2); // BEGIN with the first write, the last write with COMMIT: four before
      // Outside any transaction again.
      expect((await client.query('select now() = statement_timestamp() as alone', [])).rows).toEqual([{ alone: true }]);
    } finally {
      client.release();
    }
  });

  it('a marked statement that fails commits nothing; a COMMIT that fails fails the statement; nothing is ever run after a commit', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin', []);
      await client.query('update seats set taken_by = $1 where id = $2', ['Kit', 1]);
      await expect(client.query(`${AND_COMMIT}insert into seats values ($1, $2)`, [2, 'twice'])).rejects.toThrow(/duplicate key/);
      await client.query('rollback', []);
      expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: null }, { taken_by: null }]);

      // A check deferred to the commit: the statement runs, the COMMIT refuses, nothing is kept.
      await other.query('create table if not exists pairs (id int primary key, partner int references seats (id) deferrable initially deferred)');
      await client.query('begin', []);
      await expect(client.query(`${AND_COMMIT}insert into pairs values ($1, $2)`, [1, 99])).rejects.toThrow(/foreign key/);
      await client.query('rollback', []);
      expect((await other.query('select count(*)::int as n from pairs')).rows).toEqual([{ n: 0 }]);

      // After a statement that committed, anything but COMMIT is refused, not run outside the transaction.
      await client.query('begin', []);
      await client.query(`${AND_COMMIT}update seats set taken_by = $1 where id = $2`, ['Lin', 1]);
      await expect(client.query('update seats set taken_by = $1 where id = $2', ['Mo', 2])).rejects.toThrow(/committed with its last statement/);
      expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: 'Lin' }, { taken_by: null }]);
      // Until the caller ends the transaction; after that the connection is its own again.
      await client.query('rollback', []);
      expect((await client.query('select $1::int as n', [7])).rows).toEqual([{ n: 7 }]);
    } finally {
      client.release();
    }
  });

  it('after a statement that committed, every later statement is refused (not only the first), and ROLLBACK is answered, not refused', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin', []);
      await client.query(`${AND_COMMIT}update seats set taken_by = $1 where id = $2`, ['Lin', 1]);
      const later = await Promise.allSettled([
        client.query('update seats set taken_by = $1 where id = $2', ['Mo', 1]),
        client.query('update seats set taken_by = $1 where id = $2', ['Noor', 2]),
      ]);
      expect(later.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      for (const r of later) expect((r as PromiseRejectedResult).reason.message).toMatch(/committed with its last statement/);
      // One after the other as well, and a savepoint too.
      await expect(client.query('update seats set taken_by = $1 where id = $2', ['Oz', 2])).rejects.toThrow(/committed with its last statement/);
      await expect(client.query('savepoint late', [])).rejects.toThrow(/committed with its last statement/);
      // A caller rolling back because something of its own failed learns nothing new: nothing is left to undo.
      expect((await client.query('rollback', [])).command).toBe('ROLLBACK');
      expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: 'Lin' }, { taken_by: null }]);
    } finally {
      client.release();
    }
  });

  it('a named statement whose Parse failed (sent behind BEGIN) is parsed again next time, not taken for one the connection has', async () => {
    const client = await pool.connect();
    const named = { name: 'seat_later', text: 'select id from later_seats where id = $1', values: [1] };
    try {
      await other.query('drop table if exists later_seats');
      await client.query('begin', []);
      await expect(client.query(named)).rejects.toMatchObject({ code: '42P01' }); // no such table: Parse fails
      await client.query('rollback', []);
      await other.query('create table later_seats (id int primary key)');
      await other.query('insert into later_seats values (1)');
      await client.query('begin', []);
      expect((await client.query(named)).rows).toEqual([{ id: 1 }]);
      await client.query('commit', []);

      // Parsed, then refused at Bind (a value that is not a number): the statement exists, so it is not parsed twice.
      const bound = { name: 'seat_bound', text: 'select id from later_seats where id = $1', values: ['one'] };
      await client.query('begin', []);
      await expect(client.query(bound)).rejects.toMatchObject({ code: '22P02' });
      await client.query('rollback', []);
      await client.query('begin', []);
      expect((await client.query({ ...bound, values: [1] })).rows).toEqual([{ id: 1 }]);
      await client.query('commit', []);
    } finally {
      client.release();
    }
  });

  describe('through Kysely, with statement plans kept', () => {
    let h: Db;
    beforeAll(() => {
      h = openPostgres(url, { max: 1 });
    });
    afterAll(async () => h?.close());

    it('commits what a transaction wrote, and undoes all of it when it throws', async () => {
      const take = (trx: Parameters<Parameters<ReturnType<Db['db']['transaction']>['execute']>[0]>[0], id: number, who: string) =>
        sql`update seats set taken_by = ${who} where id = ${id}`.execute(trx);
      for (let round = 0; round < 3; round++) {
        // Run again so the statements are named and kept (db/pg-statements.ts) as well.
        await h.db.transaction().execute(async (trx) => {
          await take(trx, 1, `Ada ${round}`);
          await take(trx, 2, `Grace ${round}`);
        });
        await expect(
          h.db.transaction().execute(async (trx) => {
            await take(trx, 1, 'lost');
            throw new Error('changed my mind');
          }),
        ).rejects.toThrow('changed my mind');
        expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: `Ada ${round}` }, { taken_by: `Grace ${round}` }]);
      }
    });

    it('a WriteBatch flushed with its COMMIT commits its writes, in one transaction; one that fails commits none', async () => {
      for (let round = 0; round < 3; round++) {
        await h.db.transaction().execute(async (trx) => {
          const writes = new WriteBatch(trx, 'postgres');
          await writes.add(sql`update seats set taken_by = ${`Noor ${round}`} where id = ${1}`);
          await writes.add(sql`update seats set taken_by = ${`Oz ${round}`} where id = ${2}`);
          await writes.flush({ andCommit: true });
        });
        expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: `Noor ${round}` }, { taken_by: `Oz ${round}` }]);
        await expect(
          h.db.transaction().execute(async (trx) => {
            await sql`update seats set taken_by = ${'lost'} where id = ${1}`.execute(trx);
            const writes = new WriteBatch(trx, 'postgres');
            await writes.add(sql`insert into seats values (${2}, ${'twice'})`);
            await writes.add(sql`update seats set taken_by = ${'lost too'} where id = ${1}`);
            await writes.flush({ andCommit: true });
          }),
        ).rejects.toThrow(/duplicate key/);
        expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: `Noor ${round}` }, { taken_by: `Oz ${round}` }]);
      }
    });

    it('a callback that throws after its writes were flushed with the COMMIT fails with its own error, and the writes stay', async () => {
      for (let round = 0; round < 3; round++) {
        await expect(
          h.db.transaction().execute(async (trx) => {
            const writes = new WriteBatch(trx, 'postgres');
            await writes.add(sql`update seats set taken_by = ${`Pat ${round}`} where id = ${1}`);
            await writes.flush({ andCommit: true });
            throw new Error('failed after the commit');
          }),
        ).rejects.toThrow('failed after the commit');
        expect((await other.query('select taken_by from seats order by id')).rows).toEqual([{ taken_by: `Pat ${round}` }, { taken_by: null }]);
        // The connection goes on as usual for the next transaction.
        await h.db.transaction().execute(async (trx) => {
          await sql`update seats set taken_by = ${null} where id = ${1}`.execute(trx);
        });
      }
    });
  });
});
