/**
 * Group commit for webhooks. Committing costs more than the few small writes a webhook
 * makes (a WAL write on SQLite, a round trip and a WAL flush on PostgreSQL), and LiveKit
 * sends them in bursts, so the jobs that arrive while one transaction is being written wait
 * and are written together, one after another, in the next one. A job arriving when nothing
 * is being written starts straight after the current turn of the event loop, so a lone
 * webhook waits for nobody.
 *
 * `apply` must leave what the same jobs in separate transactions, one after another in
 * arrival order, would leave, and give each job the same result. If the batch fails, every job
 * in it runs again alone in its own transaction (nothing of the batch was kept), so one bad
 * job fails only itself.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Enough to amortise the commit, few enough not to hold other writers up for long. */
const MAX_BATCH = 64;

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
    /** Applies jobs, in order, as if each ran alone after the ones before it; a result per job. */
    private readonly apply: (trx: Transaction<Database>, jobs: J[]) => Promise<R[]>,
  ) {}

  /** Runs `apply(trx, job)` in a transaction, perhaps shared with other jobs; resolves once committed. */
  run(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        // Starts after this turn of the event loop, so that the webhooks it delivered (a
        // SQLite transaction never yields to it) go in together.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain() {
    try {
      while (this.#queue.length > 0) await this.#write(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#writing = false;
    }
  }

  async #write(batch: Waiting<J, R>[]) {
    let results: R[];
    try {
      results = await this.db.transaction().execute((trx) => this.apply(trx, batch.map((w) => w.job)));
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      for (const w of batch) {
        await this.db
          .transaction()
          .execute((trx) => this.apply(trx, [w.job]))
          .then((r) => w.resolve(r[0]!), w.reject);
      }
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }
}
