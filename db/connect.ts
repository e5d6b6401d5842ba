/**
 * Opens the database named by DATABASE_URL and runs the migrations.
 * `sqlite:PATH` (default `sqlite:./data/app.db`), `sqlite::memory:` or `postgres://...`.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type LogConfig } from 'kysely';
import { sendControlWithStatements } from './pg-round-trips.js';
import { keepStatementPlans } from './pg-statements.js';
import { PAGE_CACHE, ResilientSqliteDialect, type SqliteOptions } from './sqlite.js';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';

const require = createRequire(import.meta.url);

export type DbKind = 'sqlite' | 'postgres';
export interface Db {
  db: Kysely<Database>;
  kind: DbKind;
  close(): Promise<void>;
}

/**
 * The PostgreSQL driver is loaded when a PostgreSQL database is first opened, not at start:
 * a server on SQLite never needs it. It is a CommonJS package, so `require` loads it at once
 * and openPostgres stays synchronous; in the bundle it is read from node_modules, as
 * better-sqlite3 is (server/build.ts).
 */
let pgLib: typeof pg | undefined;
function pgDriver(): typeof pg {
  if (!pgLib) {
    pgLib = require('pg') as typeof pg;
    // PostgreSQL returns bigint (count(*)) as text; our counts always fit a JS number.
    pgLib.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  }
  return pgLib;
}

/**
 * Writers take SQLite's write lock when their transaction begins (BEGIN IMMEDIATE), so a
 * transaction that reads availability and then books can never be overtaken between the
 * read and the write, across processes too. Waiting for that lock happens off the event
 * loop's back, and faults of the file are recovered from: see db/sqlite.ts.
 */
export function openSqlite(file: string, opts: SqliteOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const dialect = new ResilientSqliteDialect(
    file,
    (raw) => {
      raw.pragma('journal_mode = WAL');
      raw.pragma('foreign_keys = ON');
      // 0: a locked database is waited for by db/sqlite.ts without blocking the event loop.
      raw.pragma('busy_timeout = 0');
      // FULL: every commit is fsynced to the write-ahead log before it returns, so a 201
      // survives a power loss, not only a crash of this process (NORMAL may lose the last
      // commits then). Group commit (server/platform/transactions.ts) shares one fsync
      // among a burst's writes.
      raw.pragma('synchronous = FULL');
      raw.pragma(`cache_size = ${PAGE_CACHE}`);
      if (file !== ':memory:') raw.pragma('wal_autocheckpoint = 20000'); // see startCheckpointer
    },
    opts,
  );
  const checkpoints = file === ':memory:' ? null : startCheckpointer(file);
  const db = new Kysely<Database>({ dialect, log: opts.log });
  dialect.register(db);
  return {
    db,
    kind: 'sqlite',
    close: async () => {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

/**
 * Checkpoints (copying the write-ahead log back into the database file, with an fsync of
 * each) run on a worker thread with its own connection, every `everyMs`. Left to SQLite they
 * run inside whichever commit crosses 1,000 pages and stall the event loop with it: on
 * these machines that was about a third of a booking's cost. The commit-time checkpoint
 * stays as a backstop at a much larger log, in case the worker falls behind or stops.
 */
function startCheckpointer(file: string, everyMs = 500) {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const Database = require(workerData.driver);
     const db = new Database(workerData.file);
     db.pragma('busy_timeout = 5000');
     const timer = setInterval(() => {
       try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ }
     }, workerData.everyMs);
     parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });`,
    { eval: true, workerData: { file: path.resolve(file), everyMs, driver: require.resolve('better-sqlite3') } },
  );
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
    },
  };
}

export interface PostgresOptions {
  /** Connections this process may open (the pool's size). */
  max?: number;
  /** Told when a pooled connection breaks (database restart, failover, network). */
  onIdleError?: (error: Error) => void;
  /** How long a query waits for a connection (a new one, or a free pooled one); default 30 s. */
  waitMs?: number;
  /** Kysely's query log (each statement and how long it took): for bench/statements.ts, not for production. */
  log?: LogConfig;
  /** Keep statements' plans on each connection (db/pg-statements.ts); default true. */
  keepPlans?: boolean;
}

export function openPostgres(url: string, opts: number | PostgresOptions = {}): Db {
  const { max = 10, onIdleError, waitMs = 30_000, log, keepPlans = true } = typeof opts === 'number' ? { max: opts } : opts;
  // Waiting forever for a connection would hang requests when the database is unreachable.
  // The same limit applies to waiting for a free pooled connection, so it is generous: a
  // burst of bookings for one session queues here behind that session's row lock.
  // JIT compilation off (`jit`): PostgreSQL compiles a query it estimates as costly, which for
  // a report over a whole programme's workforce (training coverage) took longer than the
  // query itself (560 ms of 1.3 s for 80,000 staff); no query here runs long enough to repay it.
  const pool = new (pgDriver().Pool)({ connectionString: url, max, connectionTimeoutMillis: waitMs, options: '-c jit=off' });
  // A connection that breaks (database restart, failover, network) emits 'error' on the pool
  // when idle and on the client itself when checked out; without listeners Node treats the
  // event as fatal and the whole process exits. The failed query still rejects, and the pool
  // drops the broken connection.
  pool.on('error', (e) => onIdleError?.(e));
  pool.on('connect', (client) => client.on('error', (e) => onIdleError?.(e)));
  // First the BEGIN deferral, so that it wraps the connection's own query and the plan
  // keeping (which names statements) wraps it.
  sendControlWithStatements(pool, pgDriver().Query);
  if (keepPlans) keepStatementPlans(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

export function openDatabase(url: string, pgOptions: PostgresOptions = {}, sqliteOptions: SqliteOptions = {}): Db {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, pgOptions);
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length) || ':memory:', sqliteOptions);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${JSON.stringify(url.split(':')[0])})`);
}

const provider = { getMigrations: async () => migrations };

/** Brings the schema to the latest migration; safe to call from several processes at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

/** True when every migration on disk has been applied (readiness). */
export async function isMigrated(db: Kysely<Database>): Promise<boolean> {
  const migrator = new Migrator({ db, provider });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
