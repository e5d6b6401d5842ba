/**
 * Server-side prepared statements on PostgreSQL.
 *
 * PostgreSQL plans an unnamed statement afresh every time it runs, and for the small
 * statements on the hot paths planning costs more than running them (`pg_stat_statements`
 * under the booking load, thirteenth session: the batched sign-in look 0.25 ms planning
 * against 0.03 ms running; a booking batch's writes 0.25 ms of planning each). So a statement
 * whose text has run before is sent named (after a hash of its text): each connection parses
 * and plans it once, keeps the plan (PostgreSQL's plan cache: custom plans at first, then a
 * generic one when that is no worse), and later only binds and runs it. node-postgres does
 * the protocol (`{ name, text, values }`); this decides which statements are named.
 *
 * Bounded: a connection names at most MAX_PER_CONNECTION statements (texts that vary, such as
 * an `IN` list's length, must not fill the database's memory), and only texts seen more than
 * once; the rest run unnamed, as before. Transaction control is never named.
 *
 * A schema change made by another process while this one runs (a rolling deploy's migration)
 * can change the columns a kept statement returns; PostgreSQL then refuses it ("cached plan
 * must not change result type"). That statement is prepared afresh under a new name on that
 * connection: outside a transaction it is retried at once, so the caller never sees it;
 * inside one the transaction fails as on any other error (a booking batch then runs each
 * booking again alone, and they succeed).
 *
 * `DATABASE_PREPARED_STATEMENTS=0` turns it off, for a pooler that cannot keep named
 * statements for a client (PgBouncer in transaction mode before 1.21, or without
 * `max_prepared_statements`).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Most named statements one connection keeps. */
export const MAX_PER_CONNECTION = 200;
/** Texts counted before they are named; past this the counts start again (memory stays bounded). */
const MAX_COUNTED = 10_000;
/** Longer texts are not worth keeping. */
const MAX_TEXT = 20_000;

const CONTROL = /^\s*(begin|start\s+transaction|commit|end|rollback|savepoint|release|set\s|select\s+set_config)/i;
const OPENS = /^\s*(begin|start\s+transaction)\b/i;
const CLOSES = /^\s*(commit|end|rollback)\s*;?\s*$/i;

/** The refusals that mean "this connection's kept statement is stale", not "this query is wrong". */
function isStale(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  return (err?.code === '0A000' && /cached plan must not change result type/i.test(err.message ?? '')) || err?.code === '26000';
}

type QueryFn = (text: unknown, values?: unknown) => Promise<pg.QueryResult>;

/** Names statements on every connection the pool opens (see above). */
export function keepStatementPlans(pool: pg.Pool): void {
  let counts = new Map<string, number>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    const names = new Map<string, string>(); // text -> the name it has on this connection
    let renamed = 0;
    let inTransaction = false;
    const nameFor = (text: string): string | null => {
      const named = names.get(text);
      if (named) return named;
      if (names.size >= MAX_PER_CONNECTION || text.length > MAX_TEXT || CONTROL.test(text)) return null;
      const n = (counts.get(text) ?? 0) + 1;
      if (counts.size >= MAX_COUNTED) counts = new Map();
      counts.set(text, n);
      if (n < 2) return null;
      const name = `s${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
      names.set(text, name);
      return name;
    };
    (client as unknown as { query: QueryFn }).query = async (text: unknown, values?: unknown) => {
      if (typeof text !== 'string' || (values !== undefined && !Array.isArray(values))) return query(text, values);
      if (OPENS.test(text)) inTransaction = true;
      else if (CLOSES.test(text)) inTransaction = false;
      const name = nameFor(text);
      if (!name) return query(text, values);
      try {
        return await query({ name, text, values });
      } catch (e) {
        if (!isStale(e)) throw e;
        // Prepared afresh under another name next time (node-postgres remembers the old one).
        names.set(text, `${name}_${++renamed}`);
        if (inTransaction) throw e;
        return query({ name: names.get(text), text, values });
      }
    };
  });
}
