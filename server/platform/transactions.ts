/**
 * Write transactions with group commit on SQLite.
 *
 * SQLite has one writer at a time, so under load write transactions queue behind each other
 * anyway, and each one's commit (appending every changed page to the write-ahead log) is
 * a large part of a booking's cost. Here the transactions started in one turn of the event
 * loop (the requests read together) and any that queue up while those run are run together:
 * one after another, each inside a savepoint of its own, so one that fails undoes only its
 * own work and gets its own error, and all are committed at once. Nobody is answered before
 * the commit that holds their change. On an idle server a batch is one transaction. If the
 * shared commit itself fails, every transaction in it fails with that error (and none of
 * their changes is kept). Work inside must not start another write transaction (it would
 * wait for itself).
 *
 * On PostgreSQL every transaction has its own connection and commit, as usual.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Deps } from './deps.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;
interface Job {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function groupCommitter(db: Kysely<Database>) {
  let queue: Job[] = [];
  let running = false;

  async function runBatch(batch: Job[]) {
    if (batch.length === 1) {
      const [job] = batch;
      await db.transaction().execute(job!.work).then(job!.resolve, job!.reject);
      return;
    }
    const outcomes: (() => void)[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const job of batch) {
          await sql`savepoint one_of_many`.execute(trx);
          try {
            const value = await job.work(trx);
            outcomes.push(() => job.resolve(value));
          } catch (e) {
            await sql`rollback to one_of_many`.execute(trx);
            outcomes.push(() => job.reject(e));
          }
          await sql`release one_of_many`.execute(trx);
        }
      });
    } catch (e) {
      for (const job of batch) job.reject(e);
      return;
    }
    for (const settle of outcomes) settle();
  }

  async function drain() {
    try {
      while (queue.length) {
        const batch = queue;
        queue = [];
        await runBatch(batch);
      }
    } finally {
      running = false;
    }
  }

  return <T>(work: Work<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      // Started after this turn of the event loop: SQLite answers without waiting on I/O, so
      // a transaction started at once would finish before the next request is even read,
      // and nothing would ever queue behind it. Requests read in the same turn share a commit.
      if (!running) {
        running = true;
        setImmediate(drain);
      }
    });
}

const committers = new WeakMap<Kysely<Database>, ReturnType<typeof groupCommitter>>();

/** Runs `work` in a write transaction (see above); resolves once its change is committed. */
export function writeTransaction<T>(deps: Pick<Deps, 'db' | 'dbKind'>, work: Work<T>): Promise<T> {
  if (deps.dbKind !== 'sqlite') return deps.db.transaction().execute(work);
  let commit = committers.get(deps.db);
  if (!commit) committers.set(deps.db, (commit = groupCommitter(deps.db)));
  return commit(work);
}
