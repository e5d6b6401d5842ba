/**
 * Group commit on PostgreSQL (server/platform/transactions.ts) with overlapping commits, as
 * the booking writer runs it: once a batch's writes are all sent, the next batch may start
 * while that commit is still on its way (a commit costs a log flush; the next batch's first
 * round trips need not wait for it). Each job is still answered only once its own commit is
 * done. Row locks keep overlapping batches apart where they touch the same rows.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { GroupCommit } from '../../server/platform/transactions.js';
import { openTestDb, usePostgres } from '../helpers.js';

let h: Db;
beforeEach(async () => {
  h = await openTestDb();
});
afterEach(() => h.close());

/** A table whose rows make their transaction's COMMIT take 300 ms (a deferred trigger sleeps). */
async function slowCommits() {
  await sql`create table commit_delay (job text)`.execute(h.db);
  await sql`create function commit_delay_sleep() returns trigger language plpgsql as $$ begin perform pg_sleep(0.3); return null; end $$`.execute(h.db);
  await sql`create constraint trigger commit_delay_t after insert on commit_delay deferrable initially deferred for each row execute function commit_delay_sleep()`.execute(h.db);
}

/** Runs a slow-to-commit job, then another once the first is applied; the order things happened in. */
async function twoBatches(overlap: boolean) {
  const events: string[] = [];
  let applied!: () => void;
  const slowApplied = new Promise<void>((r) => (applied = r));
  const writer = new GroupCommit(
    h.db,
    async (trx, jobs: string[]) => {
      events.push(`apply ${jobs.join(',')}`);
      await sql`insert into commit_delay (job) select unnest(cast(${jobs} as text[]))`.execute(trx);
      if (jobs.includes('slow')) applied();
      return jobs;
    },
    overlap,
  );
  const first = writer.run('slow').then(async (r) => {
    // Answered: its commit is done, so any other connection sees it.
    const seen = await h.db.selectFrom('commit_delay' as never).select(sql<string>`job`.as('job')).execute();
    events.push(`answered ${r} (stored: ${seen.map((s) => s.job).join(',')})`);
  });
  await slowApplied;
  await new Promise((r) => setTimeout(r, 20)); // its commit is under way
  const second = writer.run('next').then((r) => void events.push(`answered ${r}`));
  await Promise.all([first, second]);
  return events;
}

describe('group commit with overlapping commits (PostgreSQL)', () => {
  it.runIf(usePostgres)('the next batch is applied while the one before is still committing; each is answered after its own commit', async () => {
    await slowCommits();
    const events = await twoBatches(true);
    expect(events.indexOf('apply next')).toBeLessThan(events.findIndex((e) => e.startsWith('answered slow')));
    expect(events).toContain('answered slow (stored: slow)');
    expect(events).toContain('answered next');
  });

  it.runIf(usePostgres)('without overlap, the next batch waits for the commit before it', async () => {
    await slowCommits();
    const events = await twoBatches(false);
    expect(events).toEqual(['apply slow', 'answered slow (stored: slow)', 'apply next', 'answered next']);
  });
});
