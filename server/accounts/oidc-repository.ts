/** Identity providers, sign-ins under way with them, and which provider account is which person. */
import { sql, type Kysely, type Transaction } from 'kysely';
import { kindOf } from '../../db/prepared.js';
import type { Database, IdentityProviderRow } from '../../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export async function insertProvider(db: Q, row: IdentityProviderRow) {
  await db.insertInto('identity_providers').values(row).execute();
}

export function listProviders(db: Q) {
  return db.selectFrom('identity_providers').selectAll().orderBy('label').execute();
}

/** An organisation as far as deciding which providers sign its staff in needs it: its trust or local authority is `parent_id`. */
export type ServedOrg = { id: string; urn: string | null; parent_id: string | null };

/**
 * Whether an identity provider can sign in an organisation's staff: one that maps an email
 * domain to it, or reads organisations from a claim (their URN) that may name it (when it has
 * a URN; see claimMayName). An organisation requiring its own sign-in needs one, or no one of
 * it could sign in at all.
 */
export async function someProviderServes(db: Q, org: ServedOrg): Promise<boolean> {
  return (await listProviders(db)).some((p) => providerServes(p, org));
}

type ProviderScope = Pick<IdentityProviderRow, 'org_domains' | 'org_claim' | 'org_claim_scope'>;

/**
 * Whether `p`'s organisation claim may name `org`, by the provider's claim scope: a national
 * provider's any organisation; otherwise only one its email domains map to, or one directly
 * under such an organisation (a school of a trust whose domain it maps), so a school's or
 * trust's own tenant, which sets its own claims, never speaks for another school.
 */
export function claimMayName(p: Pick<IdentityProviderRow, 'org_domains' | 'org_claim_scope'>, org: Pick<ServedOrg, 'id' | 'parent_id'>): boolean {
  if (p.org_claim_scope === 'national') return true;
  const own = new Set((JSON.parse(p.org_domains) as { orgId: string }[]).map((d) => d.orgId));
  return own.has(org.id) || (org.parent_id !== null && own.has(org.parent_id));
}

/** Whether `p` signs in `org`'s staff (see someProviderServes), from rows already read. */
export const providerServes = (p: ProviderScope, org: ServedOrg) =>
  (JSON.parse(p.org_domains) as { orgId: string }[]).some((d) => d.orgId === org.id) || (p.org_claim !== null && org.urn !== null && claimMayName(p, org));

/**
 * In a transaction that changes who signs in where (a provider's email domains, claim or its
 * scope, or removing one; an organisation coming to require its own sign-in, or its URN or trust
 * changing while it does): such changes happen one at a time, so the check that no organisation
 * requiring its own sign-in is left with no provider reads what the one before wrote, and two
 * administrators each removing one of an organisation's two providers cannot both pass it.
 * SQLite's transaction already holds the write lock; PostgreSQL: a transaction-scoped advisory lock.
 */
export async function lockSignInSettings(trx: Transaction<Database>) {
  if (kindOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended('sign-in:settings', 0))`.execute(trx);
}

export function findProvider(db: Q, id: string) {
  return db.selectFrom('identity_providers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The settings of a provider that can change (all but its id, issuer and creation time). */
export type ProviderChanges = Partial<Pick<IdentityProviderRow, 'label' | 'client_id' | 'client_secret_enc' | 'org_domains' | 'org_claim' | 'org_claim_scope'>>;

/** Writes the settings changed (no others), giving the provider as it then is; undefined when it has gone. */
export async function updateProvider(db: Q, id: string, changes: ProviderChanges): Promise<IdentityProviderRow | undefined> {
  if (Object.keys(changes).length === 0) return findProvider(db, id);
  return db.updateTable('identity_providers').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteProvider(db: Q, id: string) {
  await db.deleteFrom('user_identities').where('provider_id', '=', id).execute();
  await db.deleteFrom('oidc_logins').where('provider_id', '=', id).execute();
  const r = await db.deleteFrom('identity_providers').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertLogin(db: Q, row: Database['oidc_logins']) {
  await db.insertInto('oidc_logins').values(row).execute();
}

/**
 * Uses up a sign-in under way: marks it used and returns it, in one statement, so a callback
 * replayed (or sent twice at once) gets nothing the second time. Undefined when unknown,
 * used, expired or from another browser.
 */
export function consumeLogin(db: Q, state: string, browserHash: string, nowIso: string) {
  return db
    .updateTable('oidc_logins')
    .set({ used_at: nowIso })
    .where('state', '=', state)
    .where('browser_hash', '=', browserHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .returningAll()
    .executeTakeFirst();
}

export async function pruneLogins(db: Q, beforeIso: string) {
  await db.deleteFrom('oidc_logins').where('expires_at', '<', beforeIso).execute();
}

export function findIdentity(db: Q, providerId: string, subject: string) {
  return db.selectFrom('user_identities').selectAll().where('provider_id', '=', providerId).where('subject', '=', subject).executeTakeFirst();
}

/**
 * Links provider account (`provider_id`, `subject`) to `user_id` unless it is linked already,
 * and says whose it is now (the user id it is linked to). Idempotent: two first sign-ins of
 * the same person at once (two tabs) both end with the one link, neither fails on the unique
 * constraint, and a link is never moved to another account.
 */
export async function linkIdentity(db: Q, row: Database['user_identities']): Promise<string> {
  await db.insertInto('user_identities').values(row).onConflict((oc) => oc.columns(['provider_id', 'subject']).doNothing()).execute();
  const linked = await findIdentity(db, row.provider_id, row.subject);
  if (!linked) throw new Error('user_identities: the link just written cannot be read');
  return linked.user_id;
}

export async function touchIdentity(db: Q, id: string, nowIso: string) {
  await db.updateTable('user_identities').set({ last_used_at: nowIso }).where('id', '=', id).execute();
}

export function identitiesOfUser(db: Q, userId: string) {
  return db
    .selectFrom('user_identities as i')
    .innerJoin('identity_providers as p', 'p.id', 'i.provider_id')
    .select(['p.label', 'i.created_at'])
    .where('i.user_id', '=', userId)
    .orderBy('p.label')
    .execute();
}

/** Which organisations identity providers sign people in for, by email domain (every provider's `org_domains`). */
export async function orgsByDomain(db: Q): Promise<Map<string, Set<string>>> {
  const byDomain = new Map<string, Set<string>>();
  for (const p of await db.selectFrom('identity_providers').select('org_domains').execute()) {
    for (const d of JSON.parse(p.org_domains) as { domain: string; orgId: string }[]) {
      byDomain.set(d.domain, (byDomain.get(d.domain) ?? new Set()).add(d.orgId));
    }
  }
  return byDomain;
}

export function findOrgByUrn(db: Q, urn: string) {
  return db.selectFrom('organisations').selectAll().where('urn', '=', urn).executeTakeFirst();
}
