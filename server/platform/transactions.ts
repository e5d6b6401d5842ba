/**
 * Group commit: write transactions that arrive together share one commit.
 *
 * A commit costs more than the few small writes a booking or a webhook makes (appending the
 * changed pages to SQLite's write-ahead log, with its locks and system calls; a round trip
 * and a log flush on PostgreSQL), and requests come in bursts. So the jobs started in one
 * turn of the event loop (the requests read together), and any that queue up while those
 * are being written, are applied together in one transaction. Nobody is answered before
 * the commit that holds their change; on an idle server a batch is a single job.
 *
 * A batch is gathered turn by turn while it is still growing: under load the requests reach
 * the writer over a few turns (each read in a different turn, or waiting on its sign-in
 * lookup), and writing only what one turn brought split a burst into commits of a dozen or
 * so. A batch is written once a turn passes in which nothing joined it, or it is full; on an
 * idle server that costs one turn of the event loop, microseconds.
 *
 * `GroupCommit` is the mechanism: `apply` gets the batch's jobs in arrival order and must
 * leave what applying them one after another, each in its own transaction, would leave,
 * with a result per job. If the shared transaction fails, nothing of it was kept, and every
 * job is run again alone in its own transaction, so one bad job fails only itself; unless
 * the database was busy or unreachable, which every job of the batch is told at once.
 * Webhooks use it with an `apply` that writes a whole batch in a few multi-row statements
 * (server/live/service.ts); `writeTransaction` below uses it for any transaction function.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { perDatabase, type Deps } from './deps.js';
import { isBusyError, isDatabaseUnreachable } from '../errors.js';

/** A deadlock or serialization failure (PostgreSQL) may come from the batch's own jobs meeting other writers; alone they may pass. */
const isConflictBetweenJobs = (e: unknown) => ['40P01', '40001'].includes(String((e as { code?: unknown } | null)?.code));
/** How many times a PostgreSQL write transaction failed as a deadlock or serialization failure is tried in all. */
const PG_ATTEMPTS = 3;

/** Enough to amortise the commit, few enough not to hold other writers up for long. */
const MAX_BATCH = 64;
/** A batch still growing after this many turns is written anyway, so a steady trickle cannot hold it back. */
const MAX_GATHER_TURNS = 16;

interface Waiting<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<J, R> {
  readonly #queue: Waiting<J, R>[] = [];
  #writing = false;

  constructor(
    private readonly db: Kysely<Database>,
    /**
     * Applies jobs, in order, as if each ran alone after the ones before it; a result per job.
     * `sent` may be called once the batch's last statement (the one that carries its COMMIT
     * too: db/pg-round-trips.ts) is on its way: with `overlapCommits` the next batch starts then.
     */
    private readonly apply: (trx: Transaction<Database>, jobs: J[], sent: () => void) => Promise<R[]>,
    /** Whether the next batch may start while this one's commit is on its way (see #drain). */
    private readonly overlapCommits = false,
  ) {}

  /** Applies `job` in a transaction, perhaps shared with other jobs; resolves once committed. */
  run(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        // Not at once: SQLite answers without waiting on I/O, so a transaction started now
        // would end before the next request is even read, and nothing would ever join it.
        this.#gather();
      }
    });
  }

  /** Waits a turn, then another while the batch grew in the last one (see above), then writes. */
  #gather(turns = 0, seen = -1) {
    setImmediate(() => {
      const size = this.#queue.length;
      if (size > seen && size < MAX_BATCH && turns < MAX_GATHER_TURNS) this.#gather(turns + 1, size);
      else void this.#drain();
    });
  }

  /**
   * Writes a batch; jobs that came meanwhile (or did not fit) then start the next. With
   * `overlapCommits` (PostgreSQL, where each transaction has its own connection) the next
   * starts as soon as this batch's last writes are sent with its COMMIT (`apply`'s `sent`),
   * or once they are answered when `apply` does not say: so this batch's writes and log flush
   * overlap the next batch's gathering and first statements (a next batch that shares a
   * session waits for this commit at its session lock, and then reads what it left). A commit
   * that then fails still has its jobs retried alone (#write), after the batch that started
   * meanwhile.
   */
  async #drain() {
    let next = false;
    const startNext = () => {
      if (next) return;
      next = true;
      if (this.#queue.length > 0) this.#gather();
      else this.#writing = false;
    };
    try {
      await this.#write(this.#queue.splice(0, MAX_BATCH), this.overlapCommits ? startNext : undefined);
    } finally {
      startNext();
    }
  }

  async #write(batch: Waiting<J, R>[], applied?: () => void) {
    let results: R[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out = await this.apply(trx, batch.map((w) => w.job), () => applied?.());
        applied?.();
        return out;
      });
    } catch (e) {
      // Busy (the write lock or a row lock was not had in time) or unreachable: alone, each
      // would wait just as long again, one after another; all are told at once instead.
      if (batch.length === 1 || isDatabaseUnreachable(e) || (isBusyError(e) && !isConflictBetweenJobs(e))) {
        for (const w of batch) w.reject(e);
        return;
      }
      for (const w of batch) {
        await this.db
          .transaction()
          .execute((trx) => this.apply(trx, [w.job], () => {}))
          .then((r) => w.resolve(r[0]!), w.reject);
      }
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }
}

type Work<T> = (trx: Transaction<Database>) => Promise<T>;
type Settled = { value: unknown } | { error: unknown };

/**
 * Each job is an ordinary transaction function, run inside a savepoint of its own: one that
 * throws (a booking refused because the session is full of holds, say) has its writes
 * undone and gets its own error, and the others go on.
 */
async function applyEachInSavepoint(trx: Transaction<Database>, works: Work<unknown>[]): Promise<Settled[]> {
  if (works.length === 1) {
    // Alone, the transaction itself is the savepoint: an error rolls it back.
    return [{ value: await works[0]!(trx) }];
  }
  const out: Settled[] = [];
  for (const work of works) {
    await sql`savepoint one_of_many`.execute(trx);
    try {
      out.push({ value: await work(trx) });
    } catch (error) {
      await sql`rollback to one_of_many`.execute(trx);
      out.push({ error });
    }
    await sql`release one_of_many`.execute(trx);
  }
  return out;
}

const committer = perDatabase((deps: Pick<Deps, 'db'>) => new GroupCommit(deps.db, applyEachInSavepoint));

/**
 * Runs `work` in a write transaction; resolves once its change is committed. On SQLite,
 * where writers queue for the one write lock anyway, with group commit (above); on
 * PostgreSQL every transaction has its own connection and commit, as usual. `work` must not
 * start another write transaction (it would wait for itself), and may run more than once if
 * a shared commit fails (each earlier attempt having been rolled back).
 */
export async function writeTransaction<T>(deps: Pick<Deps, 'db' | 'dbKind'>, work: Work<T>): Promise<T> {
  if (deps.dbKind !== 'sqlite') {
    // Two ordinary changes can meet in an order no lock rule prevents (two cancellations on
    // different sessions, each promoting someone from the other's school, raise the two
    // schools' calendar feeds in opposite orders): PostgreSQL fails one as a deadlock, and it
    // is run again, rolled back, a moment later, rather than answered 503.
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.db.transaction().execute(work);
      } catch (e) {
        if (attempt >= PG_ATTEMPTS || !isConflictBetweenJobs(e)) throw e;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
  const settled = await committer(deps).run(work as Work<unknown>);
  if ('error' in settled) throw settled.error;
  return settled.value as T;
}
