/**
 * The SQLite connection: one better-sqlite3 handle per process, driven through Kysely.
 *
 * better-sqlite3 is synchronous, so SQLite's own busy_timeout would wait for another
 * process's write lock *inside* the call, with the whole event loop stopped: no read, no
 * health check, no other request meanwhile. Here busy_timeout is 0, and a statement that
 * finds the database locked gives the connection back and tries again after a short,
 * growing pause (up to `busyWaitMs`, then SQLITE_BUSY: 503 `database_busy`). Reads never
 * wait for writers (WAL), so they go on while a write waits.
 *
 * Faults of the file itself (read-only, disk full, I/O errors) are noted per database
 * (`sqliteFault`, for readiness and for the error's code); while one lasts the connection
 * is reopened every `recoverEveryMs` and tested with a real write, and the fault is over
 * once that write commits. So the process recovers by itself once the file is writable.
 */
import SqliteDatabase from 'better-sqlite3';
import { alphabeticalKey } from './like.js';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type Kysely,
  type LogConfig,
} from 'kysely';

export type SqliteFaultKind = 'read_only' | 'full' | 'failing';
export interface SqliteFault {
  kind: SqliteFaultKind;
  /** SQLite's extended error code, for the log. */
  code: string;
  since: Date;
}

export interface SqliteOptions {
  /** How long a write waits for another connection's write lock before it is refused (ms). */
  busyWaitMs?: number;
  /** While the file is faulty, how often the connection is reopened and tried (ms). */
  recoverEveryMs?: number;
  /** Told when a fault starts and ends. */
  onFault?: (fault: SqliteFault | null) => void;
  /** Kysely's query log (each statement and how long it took): for bench/statements.ts, not for production. */
  log?: LogConfig;
  /**
   * For an in-memory database (':memory:'): start as a copy of this one (`sqliteImage`), not
   * empty. The test suite opens each test's database from one migrated copy this way.
   */
  image?: Buffer;
}

/** What kind of fault of the database file an error shows, if it is one. */
export function sqliteFaultKind(err: unknown): SqliteFaultKind | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code === 'SQLITE_FULL') return 'full';
  if (/^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN|PROTOCOL)/.test(code)) return 'failing';
  return null;
}

const isBusy = (e: unknown) => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
};

const faults = new WeakMap<object, () => SqliteFault | null>();
const versions = new WeakMap<object, () => string | null>();
const images = new WeakMap<object, () => Buffer>();
/** The current fault of a SQLite database opened here (null when healthy or not SQLite). */
export function sqliteFault(db: Kysely<any>): SqliteFault | null {
  return faults.get(db)?.() ?? null;
}

/** A copy of a SQLite database opened here, as it stands (better-sqlite3's serialize()), to open others from (SqliteOptions.image). */
export function sqliteImage(db: Kysely<any>): Buffer {
  const image = images.get(db);
  if (!image) throw new Error('sqliteImage: not a SQLite database opened by openSqlite');
  return image();
}

/**
 * A token that changes whenever committed data of a SQLite database opened here may have
 * changed, by this process or any other (null when it cannot be told: not registered, or the
 * connection failed). Synchronous and cheap: a cache of what was read can be checked with it
 * on every request. See ResilientSqliteDriver.changeVersion.
 */
export function sqliteChangeVersion(db: Kysely<any>): string | null {
  // By the dialect's adapter, which the instance's plugins and transactions share with it.
  return versions.get(db.getExecutor().adapter)?.() ?? null;
}

class Mutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;
  async lock() {
    while (this.#held) await this.#held;
    this.#held = new Promise((r) => (this.#release = r));
  }
  unlock() {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The one better-sqlite3 handle, with its statement cache; reopened after a fault. */
class Handle {
  raw!: SqliteDatabase.Database;
  #cache = new Map<string, SqliteDatabase.Statement>();
  constructor(
    readonly file: string,
    private readonly configure: (raw: SqliteDatabase.Database) => void,
    private readonly image?: Buffer,
  ) {
    this.open();
  }
  open() {
    this.raw = new SqliteDatabase(this.image ?? this.file);
    this.#cache.clear();
    // SQLite's lower() folds ASCII only ('É' stays 'É'); searches fold case with this instead,
    // as JavaScript does (PostgreSQL's lower() already folds every letter), in Unicode's
    // composed form (NFC), as PostgreSQL's normalize() gives it there.
    this.raw.function('unicode_lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.normalize('NFC').toLowerCase() : s) as string | null);
    // A name's place in an alphabetical list (db/like.ts `alphabetical`): any case, accents with their letter.
    this.raw.function('alphabetical', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? alphabeticalKey(s) : s) as string | null);
    this.configure(this.raw);
  }
  reopen() {
    try {
      this.raw.close();
    } catch {
      /* a broken handle: the new one replaces it anyway */
    }
    this.open();
  }
  /**
   * Kysely's SQLite driver prepares every statement anew; preparing costs as much as
   * running a small query, so statements are cached by their SQL text (bounded).
   */
  prepare(sql: string, max = 500) {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      if (this.#cache.size >= max) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }
  run(q: CompiledQuery): QueryResult<unknown> {
    const stmt = this.prepare(q.sql);
    if (stmt.reader) return { rows: stmt.all(q.parameters as unknown[]) };
    const { changes, lastInsertRowid } = stmt.run(q.parameters as unknown[]);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }
}

/**
 * What Kysely holds for one query or one transaction. Only a transaction, or a statement
 * that writes, takes the write connection (and its lock); a read outside a transaction runs
 * on the reading connection, so a page being listed never queues behind a booking batch's
 * transaction (WAL: readers and the writer do not wait for each other).
 */
const READ_ONLY_SQL = /^\s*(select|with)\b/i;

class Lease implements DatabaseConnection {
  /** Holds the write connection's lock (from BEGIN until Kysely releases the lease). */
  holdsLock = false;
  inTransaction = false;
  constructor(private readonly driver: ResilientSqliteDriver) {}
  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, q) as Promise<QueryResult<R>>;
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield (await this.driver.execute(this, q)) as QueryResult<R>;
  }
}

class ResilientSqliteDriver implements Driver {
  readonly #mutex = new Mutex();
  #inTransaction = false;
  #fault: SqliteFault | null = null;
  #recovery: NodeJS.Timeout | null = null;
  #closed = false;
  /** Writes run on this process's write connection (statements that change rows, and commits). */
  #writes = 0;
  /** How many times the connections were opened: data_version is a property of one connection. */
  #opened = 0;
  readonly #busyWaitMs: number;
  readonly #recoverEveryMs: number;

  constructor(
    readonly handle: Handle,
    /** A second connection for reads outside transactions (none for an in-memory database, which a second connection cannot see). */
    readonly reader: Handle | null,
    private readonly opts: SqliteOptions,
  ) {
    this.#busyWaitMs = opts.busyWaitMs ?? 5000;
    this.#recoverEveryMs = opts.recoverEveryMs ?? 1000;
  }

  get fault() {
    return this.#fault;
  }

  /**
   * `PRAGMA data_version` of the reading connection changes whenever another connection
   * (this process's writer, or another process) commits; this process's own writes are also
   * counted, for an in-memory database, whose one connection does not see its own commits
   * in data_version. A write counted before its commit is harmless: what is read meanwhile
   * is only ever served again under a token that has since changed.
   */
  changeVersion(): string | null {
    try {
      const row = (this.reader ?? this.handle).prepare('pragma data_version').get() as { data_version: number };
      return `${this.#opened}.${this.#writes}.${row.data_version}`;
    } catch {
      return null;
    }
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this);
  }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    const lease = c as Lease;
    lease.inTransaction = false;
    if (lease.holdsLock) {
      lease.holdsLock = false;
      this.#mutex.unlock();
    }
  }

  /**
   * Runs one statement. A read outside a transaction runs on the reading connection, at
   * once (in WAL it never waits for a writer; should it find the file busy or faulty, it
   * goes the writers' way instead). Anything else runs on the write connection: inside a
   * transaction under the lock its lease holds, otherwise under the lock for this one
   * statement.
   */
  async execute(lease: Lease, q: CompiledQuery): Promise<QueryResult<unknown>> {
    if (lease.inTransaction) return this.#run(q);
    if (this.reader && !this.#fault) {
      const result = this.#read(this.reader, q);
      if (result) return result;
    }
    await this.#mutex.lock();
    try {
      return await this.#run(q);
    } finally {
      this.#mutex.unlock();
    }
  }

  /** The rows of a read on `reader`, or undefined when `q` writes (or the reader cannot answer now). */
  #read(reader: Handle, q: CompiledQuery): QueryResult<unknown> | undefined {
    // Only queries go there: a schema change is prepared against the writer's schema, which
    // the reader may not have read yet.
    if (!READ_ONLY_SQL.test(q.sql)) return undefined;
    try {
      const stmt = reader.prepare(q.sql);
      if (!stmt.reader) return undefined;
      return { rows: stmt.all(q.parameters as unknown[]) };
    } catch (e) {
      if (isBusy(e) || sqliteFaultKind(e)) return undefined;
      throw e;
    }
  }

  /**
   * Runs one statement on the write connection, whose lock the caller holds. Outside a
   * transaction a locked database is waited for without holding the event loop or the
   * connection: the lock is given back, and taken again after the pause.
   */
  async #run(q: CompiledQuery): Promise<QueryResult<unknown>> {
    const deadline = Date.now() + this.#busyWaitMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        const result = this.handle.run(q);
        if (result.numAffectedRows !== undefined) this.#writes++;
        if (this.#fault && !this.#inTransaction && result.numAffectedRows !== undefined && result.numAffectedRows > 0n) this.#setFault(null);
        return result;
      } catch (e) {
        if (isBusy(e) && !this.#inTransaction && Date.now() < deadline) {
          this.#mutex.unlock();
          await sleep(pause);
          await this.#mutex.lock();
          continue;
        }
        const kind = sqliteFaultKind(e);
        if (kind) this.#setFault({ kind, code: String((e as { code?: unknown }).code), since: new Date() });
        throw e;
      }
    }
  }

  /**
   * BEGIN IMMEDIATE: the write lock is taken at the start (see connect.ts), waited for as above.
   * A lease that holds it already (an earlier transaction on the same lease: Kysely's migrator
   * runs every pending migration on one connection) keeps it, rather than waiting for itself.
   */
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    const lease = c as Lease;
    if (!lease.holdsLock) await this.#mutex.lock();
    lease.holdsLock = true; // given back when Kysely releases the lease, whatever happens
    await this.#run(CompiledQuery.raw('begin immediate'));
    this.#inTransaction = true;
    lease.inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    try {
      this.handle.run(CompiledQuery.raw('commit'));
    } catch (e) {
      const kind = sqliteFaultKind(e);
      if (kind) this.#setFault({ kind, code: String((e as { code?: unknown }).code), since: new Date() });
      throw e;
    }
    this.#inTransaction = false;
    this.#writes++;
    if (this.#fault) this.#setFault(null); // a commit went through: the file takes writes again
  }

  async rollbackTransaction(): Promise<void> {
    this.#inTransaction = false;
    try {
      this.handle.run(CompiledQuery.raw('rollback'));
    } catch (e) {
      // A failed commit may already have rolled back; nothing is left to undo then.
      if (!/no transaction is active/i.test(String((e as Error)?.message))) throw e;
    }
  }

  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await c.executeQuery(CompiledQuery.raw(`savepoint ${name}`));
    void compile;
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await c.executeQuery(CompiledQuery.raw(`rollback to ${name}`));
    void compile;
  }
  async releaseSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await c.executeQuery(CompiledQuery.raw(`release ${name}`));
    void compile;
  }

  async destroy(): Promise<void> {
    this.#closed = true;
    if (this.#recovery) clearTimeout(this.#recovery);
    this.handle.raw.close();
    this.reader?.raw.close();
  }

  #setFault(fault: SqliteFault | null) {
    const was = this.#fault;
    this.#fault = fault && was ? was : fault; // keep when it began
    if ((was === null) !== (fault === null)) this.opts.onFault?.(this.#fault);
    if (fault && !this.#recovery && !this.#closed) this.#scheduleRecovery();
  }

  #scheduleRecovery() {
    this.#recovery = setTimeout(() => void this.#recover(), this.#recoverEveryMs);
    this.#recovery.unref();
  }

  /** Reopens the connection and tries a real write; the fault is over once it commits. */
  async #recover() {
    this.#recovery = null;
    if (this.#closed || !this.#fault) return;
    await this.#mutex.lock();
    try {
      if (this.#closed || !this.#fault) return;
      this.handle.reopen();
      this.reader?.reopen();
      this.#opened++;
      const raw = this.handle.raw;
      raw.exec('begin immediate');
      try {
        // Rewriting the schema's user_version with its own value changes nothing, but it is a
        // write that must reach the disk: it fails while the file is read-only or full.
        raw.pragma(`user_version = ${Number(raw.pragma('user_version', { simple: true }))}`);
        raw.exec('commit');
      } catch (e) {
        if (raw.inTransaction) raw.exec('rollback');
        throw e;
      }
      this.#setFault(null);
    } catch (e) {
      if (isBusy(e)) {
        /* someone else is writing: the file takes writes; try again shortly */
      } else {
        const kind = sqliteFaultKind(e);
        if (kind && this.#fault) this.#fault = { ...this.#fault, kind, code: String((e as { code?: unknown }).code) };
      }
    } finally {
      this.#mutex.unlock();
      if (this.#fault && !this.#recovery && !this.#closed) this.#scheduleRecovery();
    }
  }
}

/**
 * Each connection's page cache (SQLite's `cache_size`, negative: KiB): 64 MiB, used as it fills.
 * With better-sqlite3's default (about 16 MB) a report over a whole programme's workforce
 * (training coverage) read more of its pages from the operating system the more people there
 * were, and cost more per person (1.0 s for 80,000 staff against 32 ms for 5,000, `npm run
 * bench:growth`; 0.74 s with this cache).
 */
export const PAGE_CACHE = -65_536;

/** Kysely's SQLite dialect (compiler, adapter, introspection) over the driver above. */
export class ResilientSqliteDialect extends SqliteDialect {
  readonly driver: ResilientSqliteDriver;
  constructor(file: string, configure: (raw: SqliteDatabase.Database) => void, opts: SqliteOptions = {}) {
    if (opts.image && file !== ':memory:') throw new Error('SqliteOptions.image is for an in-memory database only');
    const handle = new Handle(file, configure, opts.image);
    super({ database: { close: () => handle.raw.close(), prepare: (sql: string) => handle.prepare(sql) } });
    // Opened after the writer, which has put the file in WAL mode. It never writes; a lock
    // it meets is not waited for (busy_timeout 0): the read goes the writers' way instead.
    const reader = file === ':memory:' || file === '' ? null : new Handle(file, (raw) => {
      raw.pragma('busy_timeout = 0');
      raw.pragma('query_only = ON');
      raw.pragma(`cache_size = ${PAGE_CACHE}`);
    });
    this.driver = new ResilientSqliteDriver(handle, reader, opts);
  }
  override createDriver(): Driver {
    return this.driver;
  }
  /** Registers `db` (built on this dialect) for `sqliteFault` and `sqliteChangeVersion`. */
  register(db: Kysely<any>) {
    faults.set(db, () => this.driver.fault);
    images.set(db, () => this.driver.handle.raw.serialize());
    versions.set(db.getExecutor().adapter, () => this.driver.changeVersion());
  }
}
