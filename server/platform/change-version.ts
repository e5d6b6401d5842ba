/**
 * A token that changes whenever committed data may have changed, whoever changed it (this
 * process or another): what was read under one token may be served again while the token is
 * the same. Null means it cannot be told now, and nothing may be served from a cache.
 *
 * - SQLite: the reading connection's `PRAGMA data_version` with this process's own writes
 *   (db/sqlite.ts): no query, but a read transaction's locks (about 5 µs, most of what a
 *   feed poll's 304 cost before it was shared).
 * - PostgreSQL: the text of `pg_current_snapshot()`, which changes when any transaction that
 *   wrote commits (its id leaves the running list, or the horizon passes it).
 *
 * Either is read once for the requests that ask in the same turn of the event loop, after
 * that turn (batchedLookup): so it is read after every request it answers arrived, and a
 * request never gets a token older than itself (a change committed before it was asked for
 * always shows).
 *
 * A token read before the data it guards is safe: should a change commit between the two
 * reads, the token has changed by the next request, so what was read is never served again.
 */
import { sql } from 'kysely';
import { sqliteChangeVersion } from '../../db/sqlite.js';
import { batchedLookup } from './batching.js';
import { perDatabase, type Deps } from './deps.js';

const current = perDatabase((deps: Pick<Deps, 'db' | 'dbKind'>) =>
  batchedLookup(async () => {
    if (deps.dbKind === 'sqlite') return new Map([[0, sqliteChangeVersion(deps.db)]]);
    const { rows } = await sql<{ v: string }>`select pg_current_snapshot()::text as v`.execute(deps.db);
    return new Map([[0, rows[0]?.v ?? null]]);
  }),
);

export async function changeVersion(deps: Pick<Deps, 'db' | 'dbKind'>): Promise<string | null> {
  try {
    return (await current(deps)(0)) ?? null;
  } catch {
    return null;
  }
}
