/**
 * A transaction's BEGIN travels with its first statement, in one round trip.
 *
 * node-postgres sends a statement only once the one before has been answered, so a
 * transaction of n statements costs n + 2 round trips (BEGIN and COMMIT are statements too).
 * On a machine whose cores the server and the database share, each round trip also wakes the
 * other process and waits for its turn, so a round trip saved is worth more than its own CPU
 * (README, "Where the time still goes": a booking batch made five, the floor one).
 *
 * So BEGIN is not sent when asked for: it is answered at once, and sent in front of the
 * transaction's first statement, both before one Sync in PostgreSQL's extended protocol
 * (Parse/Bind/Execute of `begin`, then the statement's own messages, then Sync). The server
 * runs them in order; if BEGIN failed the statement would not run at all (everything up to
 * Sync is skipped after an error), so the statement can never run outside the transaction
 * it was meant for. A statement that has no parameters may be several statements in one text
 * (the simple protocol allows that, the extended one does not), so BEGIN goes ahead alone
 * before such a text, as before, except a savepoint; COMMIT or ROLLBACK straight after BEGIN
 * (a transaction that did nothing) sends nothing at all.
 *
 * Per connection; a connection given back to the pool with its BEGIN still unsent forgets it,
 * so it can never open a transaction for the next borrower.
 */
import type pg from 'pg';

const BEGIN = /^\s*begin\s*;?\s*$/i;
const ENDS = /^\s*(commit|end|rollback)\s*;?\s*$/i;
const SAVEPOINT = /^\s*(savepoint|release|rollback\s+to)\s+\w+\s*$/i;

type QueryConfig = { text?: string; name?: string; values?: unknown[]; queryMode?: string };
type QueryFn = (text: unknown, values?: unknown) => Promise<pg.QueryResult>;
/** The parts of node-postgres's connection that send protocol messages. */
interface Wire {
  parse(q: { text: string; name?: string }): void;
  bind(c: { portal?: string; statement?: string; values?: unknown[] }): void;
  execute(c: { portal?: string }): void;
}

const answered = (command: string): pg.QueryResult => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });

/** Sends BEGIN with each transaction's first statement on every connection the pool opens. */
export function sendBeginWithFirstStatement(pool: pg.Pool, Query: typeof pg.Query): void {
  /** A statement whose messages follow BEGIN's, before the one Sync; BEGIN's own answer is not the caller's. */
  class AfterBegin extends (Query as unknown as new (config: QueryConfig, values: undefined, callback: (e: Error | null, r: pg.QueryResult) => void) => object) {
    #begun = false;
    prepare(wire: Wire) {
      wire.parse({ text: 'begin' });
      wire.bind({});
      wire.execute({});
      (Query.prototype as unknown as { prepare(w: Wire): void }).prepare.call(this, wire);
    }
    handleCommandComplete(msg: unknown, wire: Wire) {
      if (!this.#begun) {
        this.#begun = true;
        return;
      }
      (Query.prototype as unknown as { handleCommandComplete(m: unknown, w: Wire): void }).handleCommandComplete.call(this, msg, wire);
    }
  }

  const pending = new WeakSet<pg.PoolClient>();
  pool.on('release', (_e: unknown, client: pg.PoolClient) => pending.delete(client));
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    (client as unknown as { query: QueryFn }).query = (text: unknown, values?: unknown) => {
      const config: QueryConfig | null = typeof text === 'string' ? { text, values: Array.isArray(values) ? values : undefined } : typeof text === 'object' && text && !('submit' in text) ? (text as QueryConfig) : null;
      const sql = config?.text ?? '';
      const noValues = !config?.values || config.values.length === 0;
      if (config && noValues && !config.name && BEGIN.test(sql)) {
        if (pending.has(client)) return query(text, values); // a second BEGIN: let PostgreSQL say so
        pending.add(client);
        return Promise.resolve(answered('BEGIN'));
      }
      if (!pending.has(client)) return query(text, values);
      pending.delete(client);
      if (config && noValues && ENDS.test(sql)) return Promise.resolve(answered(/^\s*rollback/i.test(sql) ? 'ROLLBACK' : 'COMMIT'));
      if (!config || (noValues && !SAVEPOINT.test(sql))) return query('begin').then(() => query(text, values));
      return new Promise<pg.QueryResult>((resolve, reject) => {
        const q = new AfterBegin({ ...config, queryMode: 'extended' }, undefined, (e, r) => (e ? reject(e) : resolve(r)));
        void query(q);
      });
    };
  });
}
