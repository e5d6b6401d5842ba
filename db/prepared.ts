/**
 * Queries on the hot paths (sign-in check, booking, webhooks), built and compiled once
 * instead of on every call. Building and compiling a query with Kysely costs several times
 * what SQLite takes to run a small indexed one, so a booking request spent most of its time
 * there. A prepared query is written with Kysely as usual, with `arg('name')` where a value
 * goes; it is compiled the first time it runs on each kind of database (the SQL differs:
 * `?` or `$1`), and later calls only put the values in their places.
 */
import { CompiledQuery, SqliteAdapter, sql, type Compilable, type Kysely, type OnConflictBuilder, type OperationNodeSource, type QueryResult, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { DbKind } from './connect.js';
import { AND_COMMIT } from './pg-round-trips.js';
import type { Database } from './schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Stands where a value goes in a prepared query, until the call supplies it. */
class Arg {
  constructor(readonly name: string) {}
}

/** The call's value for a prepared query's `arg(name)`; a missing one is a mistake in the caller. */
function valueOf(args: Record<string, unknown>, name: string): unknown {
  const v = args[name];
  if (v === undefined) throw new Error(`prepared query: no value for ${name}`);
  return v;
}

export type ArgFn<A> = <K extends keyof A & string>(name: K) => A[K];

export interface Prepared<A, O> {
  /** Every row. */
  all(db: Q, args: A): Promise<O[]>;
  /** The first row, if any. */
  first(db: Q, args: A): Promise<O | undefined>;
  /** Runs a write; the result carries numAffectedRows. */
  run(db: Q, args: A): Promise<QueryResult<O>>;
  /** The statement with these values, to run later (a WriteBatch's). */
  compiled(db: Q, args: A): CompiledQuery<O>;
}

/**
 * `prepared<Args>()((db, arg) => query)`. `build` must always build the same query (no
 * branches on values), and arrays of values must not be passed to `arg` (their length
 * would be fixed by the first call).
 */
export function prepared<A extends Record<string, unknown>>() {
  return <O>(build: (db: Kysely<Database>, arg: ArgFn<A>) => Compilable<O>): Prepared<A, O> => prepare(build);
}

function prepare<A extends Record<string, unknown>, O>(build: (db: Kysely<Database>, arg: ArgFn<A>) => Compilable<O>): Prepared<A, O> {
  // One compiled form per adapter class (SQLite, PostgreSQL); each connection's Kysely
  // instance, and every transaction, shares its database's adapter class.
  const compiled = new Map<unknown, { sql: string; slots: (Arg | { value: unknown })[] }>();
  const arg = ((name: string) => new Arg(name)) as ArgFn<A>;

  function compiledFor(db: Q, args: A): CompiledQuery<O> {
    const key = db.getExecutor().adapter.constructor;
    let c = compiled.get(key);
    if (!c) {
      const q = build(db as Kysely<Database>, arg).compile();
      c = { sql: q.sql, slots: q.parameters.map((p) => (p instanceof Arg ? p : { value: p })) };
      compiled.set(key, c);
    }
    const parameters = c.slots.map((s) => (s instanceof Arg ? valueOf(args, s.name) : s.value));
    return CompiledQuery.raw(c.sql, parameters) as CompiledQuery<O>;
  }

  return {
    async all(db, args) {
      return (await db.executeQuery(compiledFor(db, args))).rows;
    },
    async first(db, args) {
      return (await db.executeQuery(compiledFor(db, args))).rows[0];
    },
    run(db, args) {
      return db.executeQuery(compiledFor(db, args));
    },
    compiled: compiledFor,
  };
}

/**
 * A query over a list of values (`where x in (...)`), prepared once per list length up to
 * `max` (a page's ids: usually the same length every time); longer lists are built as usual.
 * Other values the query needs come as named `args`, with `arg` as in `prepared` (names of
 * the form `in0`, `in1`… are the list's own).
 */
export function preparedIn<V, O, A extends Record<string, unknown> = Record<never, never>>(build: (db: Kysely<Database>, values: readonly V[], arg: ArgFn<A>) => Compilable<O>, max = 100) {
  const byLength = new Map<number, Prepared<Record<string, unknown>, O>>();
  return (db: Q, values: readonly V[], args?: A): Promise<O[]> => {
    if (values.length > max) {
      const given = ((name: string) => valueOf(args ?? {}, name)) as ArgFn<A>;
      return db.executeQuery(build(db as Kysely<Database>, values, given).compile()).then((r) => r.rows);
    }
    let p = byLength.get(values.length);
    if (!p) {
      const n = values.length;
      p = prepared<Record<string, unknown>>()((kdb, arg) => build(kdb, Array.from({ length: n }, (_, i) => arg(`in${i}`) as V), arg as ArgFn<A>));
      byLength.set(n, p);
    }
    const all: Record<string, unknown> = { ...args };
    values.forEach((v, i) => (all[`in${i}`] = v));
    return p.all(db, all);
  };
}

/**
 * Inserts whole rows of `table`, each with every one of `columns` (with `onConflict`, if
 * given, as an upsert). On SQLite, where a statement costs no round trip, a prepared
 * single-row insert per row. On PostgreSQL one statement for them all, whose rows travel
 * as one JSON parameter (`json_populate_recordset`, typed by the table's own columns): its
 * text is the same however many rows, so PostgreSQL parses and plans a few lines, not a
 * `VALUES` list that grows with the rows (planning that list took longer than inserting
 * the rows). Rows are inserted in the order given.
 */
export function rowInserter<R extends Record<string, unknown>>(table: keyof Database & string, columns: readonly (keyof R & string)[], onConflict?: (oc: OnConflictBuilder<Database, never>) => unknown) {
  const withConflict = <T>(q: T): T => (onConflict ? ((q as unknown as { onConflict: (f: unknown) => T }).onConflict(onConflict)) : q);
  const one = prepared<R>()((db, arg) => withConflict(db.insertInto(table).values(Object.fromEntries(columns.map((c) => [c, arg(c)])) as never)));
  /** One insert of many rows (PostgreSQL), built and compiled once: the rows are its one parameter. */
  const many = prepared<{ rows: string }>()((db, arg) => withConflict(db.insertInto(table).columns(columns as never).expression(jsonRows(table, columns, arg('rows')))));
  const insert = async (db: Q, rows: R[]): Promise<void> => {
    if (kindOf(db) === 'sqlite' || rows.length === 1) {
      for (const row of rows) await one.run(db, row);
      return;
    }
    if (rows.length) await many.run(db, { rows: rowsJson(columns, rows) });
  };
  /** The same rows, as part of `writes` (on PostgreSQL sent with its other writes). */
  insert.into = async (writes: WriteBatch, rows: R[]): Promise<void> => {
    if (writes.kind === 'sqlite') return insert(writes.trx, rows);
    if (rows.length) await writes.add(many.compiled(writes.trx, { rows: rowsJson(columns, rows) }));
  };
  return insert;
}

/** `rows` as the JSON text `jsonRows` reads: an array of objects with exactly `columns`. */
export function rowsJson<R extends object>(columns: readonly (keyof R & string)[], rows: readonly R[]): string {
  // A plain loop into plain objects: Object.fromEntries over mapped pairs cost twice as much
  // (every booking batch and webhook batch writes its rows through here).
  return JSON.stringify(
    rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of columns) o[c] = r[c] ?? null;
      return o;
    }),
  );
}

/**
 * PostgreSQL: rows of `table` as a query over one JSON parameter (`rowsJson`, or a prepared
 * query's `arg`), typed by the table's own columns; the source of an `INSERT … SELECT` whose
 * text does not change with the rows.
 */
export function jsonRows(table: keyof Database & string, columns: readonly string[], json: unknown): RawBuilder<unknown> {
  return sql`select ${sql.join(columns.map((c) => sql.id(c)))} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`;
}

/** Which database `db` (or a transaction on it) talks to. */
export const kindOf = (db: Q): DbKind => (db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres');

/**
 * `column in (values)` for text values, on `db`'s kind of database. On PostgreSQL the list is one array parameter
 * (`= any($1)`), so the statement's text, and with it the plan each connection keeps
 * (db/pg-statements.ts), is the same however many values there are; SQLite has no arrays.
 */
export function oneOf(on: Q | DbKind, column: string, values: readonly string[]): RawBuilder<SqlBool> {
  const kind = typeof on === 'string' ? on : kindOf(on);
  return kind === 'postgres' ? sql<SqlBool>`${sql.ref(column)} = any(cast(${values} as text[]))` : sql<SqlBool>`${sql.ref(column)} in (${sql.join([...values])})`;
}

/**
 * (session, person) pairs as rows `(session_id, user_id)`, for `with p (session_id, user_id)
 * as (…)` or a subquery. On PostgreSQL two array parameters walked side by side (`unnest`),
 * so the statement's text and kept plan are the same however many pairs, as with `oneOf`;
 * on SQLite, which has no arrays, a `VALUES` list.
 */
export function pairRows(on: Q | DbKind, pairs: readonly { sessionId: string; userId: string }[]): RawBuilder<unknown> {
  const kind = typeof on === 'string' ? on : kindOf(on);
  return kind === 'postgres' ? pairArrays(pairs.map((p) => p.sessionId), pairs.map((p) => p.userId)) : valuesRows(pairs.map((p) => [p.sessionId, p.userId]));
}

/** PostgreSQL: pairRows from its two arrays (or a prepared query's two `arg`s). */
export function pairArrays(sessionIds: readonly string[], userIds: readonly string[]): RawBuilder<unknown> {
  return sql`select * from unnest(cast(${sessionIds} as text[]), cast(${userIds} as text[]))`;
}

/** A statement (a query builder or `sql`), run inside the batch's transaction. */
export type Statement = OperationNodeSource;

/** Runs a statement in `trx`: a query builder and raw `sql` alike (wrapped), or one already compiled. */
export const runIn = (trx: Q, statement: Statement | CompiledQuery): Promise<QueryResult<unknown>> => (isCompiled(statement) ? trx.executeQuery(statement) : sql`${statement}`.execute(trx));

/**
 * Writes made inside one transaction that do not read what each other write: on
 * PostgreSQL they are sent together as one statement, each a data-modifying WITH of it
 * (one round trip for the lot: on these machines a round trip costs more than a small
 * write); on SQLite, where a statement costs no round trip, each runs as it is added.
 * PostgreSQL runs them all on one snapshot, in no given order, so none may read a row
 * another writes, and no two may change the same row. `flush` sends what is waiting.
 *
 * A write may come already compiled (a prepared query's `compiled`): the hot ones do, so
 * that a batch's statement is put together from texts compiled once, not built anew.
 */
export class WriteBatch {
  readonly #waiting: (Statement | CompiledQuery)[] = [];
  constructor(
    readonly trx: Transaction<Database>,
    readonly kind: DbKind,
  ) {}

  async add(statement: Statement | CompiledQuery): Promise<void> {
    if (this.kind === 'sqlite') await runIn(this.trx, statement);
    else this.#waiting.push(statement);
  }

  /**
   * Sends what is waiting. `andCommit`: these are the transaction's last writes, and on
   * PostgreSQL its COMMIT goes with them, in the same round trip (db/pg-round-trips.ts): once
   * this resolves the transaction has committed, and nothing more may be asked of it (its
   * own COMMIT is then answered at once). SQLite commits as usual, when the transaction ends.
   */
  async flush({ andCommit = false }: { andCommit?: boolean } = {}): Promise<void> {
    const waiting = this.#waiting.splice(0).map((q) => (isCompiled(q) ? q : sql`${q}`.compile(this.trx)));
    if (waiting.length === 0) return;
    const mark = andCommit ? AND_COMMIT : '';
    if (waiting.length === 1) {
      await this.trx.executeQuery(CompiledQuery.raw(mark + waiting[0]!.sql, [...waiting[0]!.parameters]));
      return;
    }
    const parameters: unknown[] = [];
    const parts = waiting.map((q, i) => {
      const text = `"w${i}" as (${shiftPlaceholders(q.sql, parameters.length)})`;
      parameters.push(...q.parameters);
      return text;
    });
    await this.trx.executeQuery(CompiledQuery.raw(`${mark}with ${parts.join(', ')} select 1`, parameters));
  }
}

const isCompiled = (q: Statement | CompiledQuery): q is CompiledQuery => 'sql' in q && 'parameters' in q;

/**
 * PostgreSQL: the `$n` placeholders of a compiled statement's text numbered from `by + 1`,
 * for putting statements together. Quoted literals and identifiers (the only quoting
 * Kysely and this code write) are passed over whole.
 */
function shiftPlaceholders(text: string, by: number): string {
  return by === 0 ? text : text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (m, n: string | undefined) => (n === undefined ? m : `$${Number(n) + by}`));
}

/**
 * `values (…), (…)`: a list of rows for `with name (columns) as (values …)`, the same SQL on
 * SQLite and PostgreSQL. Each cell is a parameter, or an expression (a cast, say).
 */
export function valuesRows(rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  return sql`values ${sql.join(rows.map((r) => sql`(${sql.join(r)})`))}`;
}
