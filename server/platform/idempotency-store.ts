/**
 * The idempotency keys' rows (see idempotency.ts for the rule). One row per (person, key).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, IdempotencyKeyRow } from '../../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; row: IdempotencyKeyRow }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/**
 * Takes (user, key) for a request with this fingerprint: a new row in flight, or the
 * existing one when its answer is stored (replay), its body differs (mismatch), or it is in
 * flight. An in-flight row is taken over when its lease has run out, or at once when a
 * booking it made was committed (`outcome`): running the request again then returns that
 * booking instead of making another.
 */
export async function claimKey(db: Kysely<Database>, a: { userId: string; key: string; fingerprint: string; nowIso: string; lockedUntil: string; expiresAt: string }): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ user_id: a.userId, key: a.key, fingerprint: a.fingerprint, status: null, content_type: null, body: null, outcome: null, locked_until: a.lockedUntil, created_at: a.nowIso, expires_at: a.expiresAt })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { kind: 'claimed' };
    const row = await db.selectFrom('idempotency_keys').selectAll().where('user_id', '=', a.userId).where('key', '=', a.key).executeTakeFirst();
    if (!row) continue; // removed meanwhile: insert again
    if (row.expires_at <= a.nowIso) {
      // Kept 24 hours: after that the key is new again.
      await db.deleteFrom('idempotency_keys').where('user_id', '=', a.userId).where('key', '=', a.key).where('expires_at', '=', row.expires_at).execute();
      continue;
    }
    if (row.fingerprint !== a.fingerprint) return { kind: 'mismatch' };
    if (row.status !== null) return { kind: 'answered', row };
    if (row.outcome === null && row.locked_until > a.nowIso) return { kind: 'in_flight' };
    // Taken over only if no one else took it meanwhile: the lease it ran out of moves on to ours.
    return (await renewLease(db, a.userId, a.key, row.locked_until, a.lockedUntil)) ? { kind: 'claimed' } : { kind: 'in_flight' };
  }
  return { kind: 'in_flight' };
}

/** Stores the first answer; later requests with the key get it again. */
export async function storeAnswer(db: Q, userId: string, key: string, answer: { status: number; contentType: string | null; body: string }) {
  await db
    .updateTable('idempotency_keys')
    .set({ status: answer.status, content_type: answer.contentType, body: answer.body })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute();
}

/**
 * Extends the lease of a request still being handled (`from` is the lease it holds) to `to`.
 * False when the row is no longer that request's: answered, let go, or taken over after its
 * lease ran out.
 */
export async function renewLease(db: Q, userId: string, key: string, from: string, to: string): Promise<boolean> {
  const r = await db.updateTable('idempotency_keys').set({ locked_until: to }).where('user_id', '=', userId).where('key', '=', key).where('status', 'is', null).where('locked_until', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The request could not be answered (the database was busy, say): the next retry may run it at once. */
export async function releaseKey(db: Q, userId: string, key: string, nowIso: string) {
  await db.updateTable('idempotency_keys').set({ locked_until: nowIso }).where('user_id', '=', userId).where('key', '=', key).where('status', 'is', null).execute();
}

/** What bookings made under these keys committed, by key (JSON as recorded). */
export async function recordedOutcomes(trx: Q, userId: string, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await trx.selectFrom('idempotency_keys').select(['key', 'outcome']).where('user_id', '=', userId).where('key', 'in', keys).where('outcome', 'is not', null).execute();
  return new Map(rows.map((r) => [r.key, r.outcome!]));
}

/** The write that records, in the transaction that made it, what a request under `key` committed (for its WriteBatch: db/prepared.ts). */
export function outcomeRecord(trx: Transaction<Database>, userId: string, key: string, outcome: string) {
  return trx.updateTable('idempotency_keys').set({ outcome }).where('user_id', '=', userId).where('key', '=', key);
}

/** Drops keys past their 24 hours. */
export async function deleteExpiredKeys(db: Q, nowIso: string): Promise<number> {
  const res = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(res.numDeletedRows);
}
