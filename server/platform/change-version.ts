/**
 * A token that changes whenever committed data may have changed, whoever changed it (this
 * process or another): what was read under one token may be served again while the token is
 * the same. Null means it cannot be told now, and nothing may be served from a cache.
 *
 * - SQLite: the reading connection's `PRAGMA data_version` with this process's own writes
 *   (db/sqlite.ts): no query, a call into SQLite.
 * - PostgreSQL: the text of `pg_current_snapshot()`, which changes when any transaction that
 *   wrote commits (its id leaves the running list, or the horizon passes it). One query,
 *   shared by the requests that ask in the same turn of the event loop; each such query is
 *   sent after every request it answers arrived, so a request never gets a token older than
 *   itself (a change committed before it was asked for always shows).
 *
 * A token read before the data it guards is safe: should a change commit between the two
 * reads, the token has changed by the next request, so what was read is never served again.
 */
import { sql } from 'kysely';
import { sqliteChangeVersion } from '../../db/sqlite.js';
import { batchedLookup } from './batching.js';
import { perDatabase, type Deps } from './deps.js';

const snapshot = perDatabase((deps: Pick<Deps, 'db'>) =>
  batchedLookup(async () => {
    const { rows } = await sql<{ v: string }>`select pg_current_snapshot()::text as v`.execute(deps.db);
    return new Map([[0, rows[0]?.v ?? null]]);
  }),
);

export async function changeVersion(deps: Pick<Deps, 'db' | 'dbKind'>): Promise<string | null> {
  if (deps.dbKind === 'sqlite') return sqliteChangeVersion(deps.db);
  try {
    return (await snapshot(deps)(0)) ?? null;
  } catch {
    return null;
  }
}
