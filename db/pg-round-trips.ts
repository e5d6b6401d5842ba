/**
 * A transaction's BEGIN travels with its first statement, and (when the caller asks) its
 * COMMIT with its last: two round trips fewer per transaction.
 *
 * node-postgres sends a statement only once the one before has been answered, so a
 * transaction of n statements costs n + 2 round trips (BEGIN and COMMIT are statements too).
 * On a machine whose cores the server and the database share, each round trip also wakes the
 * other process and waits for its turn, so a round trip saved is worth more than its own CPU
 * (README, "Where the time still goes": a booking batch made five, the floor one).
 *
 * - BEGIN is not sent when asked for: it is answered at once, and sent in front of the
 *   transaction's first statement, both before one Sync in PostgreSQL's extended protocol
 *   (Parse/Bind/Execute of `begin`, then the statement's own messages, then Sync). The server
 *   runs them in order; if BEGIN failed the statement would not run at all (everything up to
 *   Sync is skipped after an error), so the statement can never run outside the transaction
 *   it was meant for. A statement that has no parameters may be several statements in one
 *   text (the simple protocol allows that, the extended one does not), so BEGIN goes ahead
 *   alone before such a text, as before, except a savepoint; COMMIT or ROLLBACK straight after
 *   BEGIN (a transaction that did nothing) sends nothing at all.
 * - A statement whose text starts with AND_COMMIT (`WriteBatch.flush({ andCommit: true })`)
 *   is the transaction's last: COMMIT's messages follow its own, before the one Sync. If the
 *   statement fails, COMMIT is skipped with it and the transaction is rolled back as usual;
 *   if COMMIT fails, the statement's call fails with its error (nothing was committed). The
 *   COMMIT the caller then asks for is answered at once. Anything else asked of the
 *   transaction after that (every statement, not only the next) is refused with an error,
 *   never run outside it, until the caller ends the transaction or gives the connection
 *   back. A ROLLBACK is answered at once as well: a caller rolling back because its own code
 *   failed after the commit must see its own error, and there is nothing left to undo.
 * - node-postgres remembers a named statement as parsed on the first ParseComplete that
 *   arrives while it is the query being answered, and BEGIN's comes first. Were the
 *   statement's own Parse then refused (a table it names not there yet), the connection
 *   would believe it had the statement and never parse it again ("prepared statement does
 *   not exist" ever after). So BEGIN's answer puts that record back as it was, and only the
 *   statement's own ParseComplete makes it.
 *
 * Per connection; a connection given back to the pool forgets what it was waiting to send,
 * so it can never open (or claim to have committed) a transaction for the next borrower.
 */
import type pg from 'pg';

/** Starts the text of a transaction's last statement, to send its COMMIT with it (see above). */
export const AND_COMMIT = '/* and commit */ ';

const BEGIN = /^\s*begin\s*;?\s*$/i;
const ENDS = /^\s*(commit|end|rollback)\s*;?\s*$/i;
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;
const SAVEPOINT = /^\s*(savepoint|release|rollback\s+to)\s+\w+\s*$/i;

type QueryConfig = { text?: string; name?: string; values?: unknown[]; queryMode?: string };
type QueryFn = (text: unknown, values?: unknown) => Promise<pg.QueryResult>;
type Callback = (e: Error | null, r: pg.QueryResult) => void;
/** The parts of node-postgres's connection that send protocol messages. */
interface Wire {
  parse(q: { text: string; name?: string }): void;
  bind(c: { portal?: string; statement?: string; values?: unknown[] }): void;
  execute(c: { portal?: string; rows?: number }): void;
  sync(): void;
  /** Named statements by name: answered with ParseComplete, and sent but not yet answered. */
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}
/** node-postgres's Query, as far as this subclass uses it. */
interface QueryInternals {
  portal: string;
  name?: string;
  text: string;
  prepare(wire: Wire): void;
  handleCommandComplete(msg: unknown, wire: Wire): void;
  handleError(e: Error, wire: Wire): void;
}

const answered = (command: string): pg.QueryResult => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });
const sendUnnamed = (wire: Wire, text: string) => {
  wire.parse({ text });
  wire.bind({});
  wire.execute({});
};

/** Sends BEGIN with each transaction's first statement, and COMMIT with a last one marked AND_COMMIT, on every connection the pool opens. */
export function sendControlWithStatements(pool: pg.Pool, Query: typeof pg.Query): void {
  const base = Query.prototype as unknown as QueryInternals;
  /** A statement with BEGIN's messages before its own, COMMIT's after, or both, before the one Sync; their answers are not the caller's. */
  class WithControl extends (Query as unknown as new (config: QueryConfig, values: undefined, callback: Callback) => object) {
    #completes = 0;
    /** Whether the connection had this named statement before this query sent it. */
    #hadStatement = false;
    constructor(
      config: QueryConfig,
      callback: Callback,
      readonly begin: boolean,
      readonly commit: boolean,
    ) {
      super({ ...config, queryMode: 'extended' }, undefined, callback);
    }
    prepare(wire: Wire) {
      const { name } = this as unknown as QueryInternals;
      this.#hadStatement = name !== undefined && (name in wire.parsedStatements || name in wire.submittedNamedStatements);
      if (this.begin) sendUnnamed(wire, 'begin');
      base.prepare.call(this, wire);
    }
    /** BEGIN's ParseComplete was taken for this statement's (see above): put the record back as it was before this query. */
    #forgetBeginsParse(wire: Wire) {
      const { name, text } = this as unknown as QueryInternals;
      if (!this.begin || name === undefined || this.#hadStatement) return;
      delete wire.parsedStatements[name];
      // Its own Parse is still on its way (BEGIN succeeded) or was skipped with BEGIN (it failed).
      if (this.#completes === 1) wire.submittedNamedStatements[name] = text;
      else delete wire.submittedNamedStatements[name];
    }
    // node-postgres sends a statement's Execute and then its Sync here (no row limit is ever set).
    _getRows(wire: Wire) {
      wire.execute({ portal: (this as unknown as QueryInternals).portal });
      if (this.commit) sendUnnamed(wire, 'commit');
      wire.sync();
    }
    handleCommandComplete(msg: unknown, wire: Wire) {
      const n = ++this.#completes;
      if (this.begin && n === 1) return this.#forgetBeginsParse(wire); // BEGIN's
      if (this.commit && n === (this.begin ? 3 : 2)) return; // COMMIT's
      base.handleCommandComplete.call(this, msg, wire);
    }
    handleError(e: Error, wire: Wire) {
      if (this.#completes === 0) this.#forgetBeginsParse(wire); // BEGIN itself failed
      base.handleError.call(this, e, wire);
    }
  }

  const state = new WeakMap<pg.PoolClient, 'begin pending' | 'committed'>();
  pool.on('release', (_e: unknown, client: pg.PoolClient) => state.delete(client));
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    const send = (config: QueryConfig, begin: boolean, commit: boolean) =>
      new Promise<pg.QueryResult>((resolve, reject) => {
        void query(new WithControl(config, (e, r) => (e ? reject(e) : resolve(r)), begin, commit));
      });
    (client as unknown as { query: QueryFn }).query = async (text: unknown, values?: unknown) => {
      const config: QueryConfig | null = typeof text === 'string' ? { text, values: Array.isArray(values) ? values : undefined } : typeof text === 'object' && text && !('submit' in text) ? (text as QueryConfig) : null;
      const sql = config?.text ?? '';
      const noValues = !config?.values || config.values.length === 0;
      const control = config !== null && noValues && !config.name;
      const now = state.get(client);
      if (now === 'committed') {
        // Only the end of the transaction is answered (and ends this); anything else, however
        // many, would run outside it.
        if (!control || !ENDS.test(sql)) throw new Error('This transaction was committed with its last statement: nothing more can be done in it.');
        state.delete(client);
        return answered(ROLLBACK.test(sql) ? 'ROLLBACK' : 'COMMIT');
      }
      if (control && BEGIN.test(sql) && now !== 'begin pending') {
        state.set(client, 'begin pending');
        return answered('BEGIN');
      }
      const commit = config !== null && sql.startsWith(AND_COMMIT);
      if (now !== 'begin pending' && !commit) return query(text, values);
      const begin = now === 'begin pending';
      state.delete(client);
      if (begin && control && ENDS.test(sql)) return answered(ROLLBACK.test(sql) ? 'ROLLBACK' : 'COMMIT');
      if (!config || (noValues && !SAVEPOINT.test(sql) && !commit)) {
        await query('begin');
        return query(text, values);
      }
      const result = await send(config, begin, commit);
      if (commit) state.set(client, 'committed');
      return result;
    };
  });
}
