import type { Kysely, Transaction } from 'kysely';
import type { Database, OrganisationRow, Role, UserRow } from '../../db/schema.js';
import type { AuthUser } from '../platform/http.js';
import { prepared } from '../../db/prepared.js';

type Q = Kysely<Database> | Transaction<Database>;

export function toAuthUser(u: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'org_id' | 'captioner'>): AuthUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.org_id, captioner: u.captioner === 1 };
}

export function findUserByEmail(db: Q, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

const userById = prepared<{ id: string }>()((db, arg) => db.selectFrom('users').selectAll().where('id', '=', arg('id')));

export function findUserById(db: Q, id: string) {
  return userById.first(db, { id });
}

export function findUsersByIds(db: Q, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as UserRow[]);
  if (ids.length === 1) return userById.all(db, { id: ids[0]! }); // every self-booking
  return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

export async function insertUser(db: Q, row: { id: string; email: string; name: string; role: Role; orgId: string | null; passwordHash: string | null; captioner?: boolean; createdAt: string }) {
  await db
    .insertInto('users')
    .values({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      org_id: row.orgId,
      password_hash: row.passwordHash,
      captioner: row.captioner ? 1 : 0,
      time_zone: null,
      created_at: row.createdAt,
      disabled_at: null,
    })
    .execute();
}

export function listUsersOfOrg(db: Q, orgId: string) {
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export function findOrg(db: Q, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Organisation names by id. */
export async function orgNames(db: Q, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export function listOrgs(db: Q) {
  return db.selectFrom('organisations').selectAll().orderBy('name').execute();
}

export async function insertOrg(db: Q, row: OrganisationRow) {
  await db.insertInto('organisations').values(row).execute();
}

export async function insertAuthSession(db: Q, row: Database['auth_sessions']) {
  await db.insertInto('auth_sessions').values(row).execute();
}

/**
 * The live sessions behind token hashes, each with its user; none for a token revoked,
 * expired or whose account is disabled. `hashes` is one (an argument, in the prepared form
 * below) or a list.
 */
function liveAuthSessions(db: Kysely<Database>, hashes: string | readonly string[], now: string) {
  return db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.token_hash', 's.id as session_id', 's.csrf_token', 'u.id', 'u.email', 'u.name', 'u.role', 'u.org_id', 'u.captioner'])
    .where('s.token_hash', Array.isArray(hashes) ? 'in' : '=', hashes)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null);
}
const liveAuthSessionOfOne = prepared<{ tokenHash: string; now: string }>()((db, arg) => liveAuthSessions(db, arg('tokenHash'), arg('now')));

/** The signed-in people behind token hashes, by hash. Every request asks (batched: accounts/service.ts). */
export async function findLiveAuthSessions(db: Q, tokenHashes: readonly string[], nowIso: string) {
  const rows = tokenHashes.length === 1 ? await liveAuthSessionOfOne.all(db, { tokenHash: tokenHashes[0]!, now: nowIso }) : await liveAuthSessions(db as Kysely<Database>, tokenHashes, nowIso).execute();
  return new Map(rows.map((r) => [r.token_hash, r]));
}

export async function revokeAuthSession(db: Q, id: string, nowIso: string) {
  await db.updateTable('auth_sessions').set({ revoked_at: nowIso }).where('id', '=', id).execute();
}

export async function recordLoginAttempt(db: Q, id: string, email: string, atIso: string, succeeded: boolean) {
  await db.insertInto('login_attempts').values({ id, email, at: atIso, succeeded: succeeded ? 1 : 0 }).execute();
}

/** Failed attempts for an email since `sinceIso` and after its last success. */
export async function recentFailures(db: Q, email: string, sinceIso: string): Promise<{ count: number; oldest: string | null }> {
  const lastSuccess = await db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('email', '=', email)
    .where('succeeded', '=', 1)
    .executeTakeFirst();
  const since = lastSuccess?.at && lastSuccess.at > sinceIso ? lastSuccess.at : sinceIso;
  const row = await db
    .selectFrom('login_attempts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
    .where('email', '=', email)
    .where('succeeded', '=', 0)
    .where('at', '>', since)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), oldest: (row?.oldest as string | null) ?? null };
}
