/**
 * The migration that gives identity providers a claim scope (`org_claim_scope`) keeps a
 * provider that already read an organisation claim and has no email domain (a national one,
 * DfE Sign-in's pattern) `national`, as it worked before (narrowed, it would serve no one);
 * one with email domains (a school's or trust's own tenant) becomes `own`, and so do the rest,
 * the default from now on. On
 * SQLite, where it has no transaction of its own, a run stopped between adding the column and
 * widening the claims finishes at the next start. On the database under test (SQLite, or
 * PostgreSQL with TEST_DATABASE).
 */
import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { migrations } from '../../db/migrations/index.js';
import type { Database } from '../../db/schema.js';
import { createPgDatabase, usePostgres } from '../helpers.js';

const NAME = '20261213_01_org_claim_scope';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<Db> {
  if (usePostgres) {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const db = openPostgres(created.url, 3);
    cleanups.push(created.drop);
    cleanups.push(() => db.close());
    return db;
  }
  const db = openSqlite(':memory:');
  cleanups.push(() => db.close());
  return db;
}

/** A database migrated up to just before the claim scope, holding a provider with a claim and one without. */
async function before(): Promise<Db> {
  const db = await database();
  const earlier = Object.keys(migrations).filter((name) => name < NAME);
  const migrator = new Migrator({ db: db.db, provider: { getMigrations: async () => Object.fromEntries(earlier.map((n) => [n, migrations[n]!])) } });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  const raw = db.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const at = '2026-01-01T00:00:00.000Z';
  await raw
    .insertInto('identity_providers')
    .values([
      { id: 'dfe', label: 'Sign in with DfE', issuer: 'https://oidc.signin.education.gov.uk', client_id: 'dfe', client_secret_enc: null, org_domains: '[]', org_claim: 'organisation.urn', created_at: at },
      { id: 'oak', label: 'Sign in with Oak', issuer: 'https://login.oak.example', client_id: 'oak', client_secret_enc: null, org_domains: '[{"domain":"oak.sch.uk","orgId":"x"}]', org_claim: null, created_at: at },
      // A trust's own tenant that also read a claim: what the old meaning left open.
      { id: 'trust', label: 'Sign in with Rowan Trust', issuer: 'https://login.rowan.example', client_id: 'rowan', client_secret_enc: null, org_domains: '[{"domain":"rowan.org.uk","orgId":"y"}]', org_claim: 'school_urn', created_at: at },
    ])
    .execute();
  return db;
}

const scopes = async (db: Db) => Object.fromEntries((await db.db.selectFrom('identity_providers').select(['id', 'org_claim_scope']).orderBy('id').execute()).map((r) => [r.id, r.org_claim_scope]));

describe(`migration ${NAME}`, () => {
  it('keeps a provider that already read an organisation claim with no email domain national, makes one with domains and the others "own", and a new provider is "own" unless told', async () => {
    const db = await before();
    await migrateToLatest(db.db);
    expect(await scopes(db)).toEqual({ dfe: 'national', oak: 'own', trust: 'own' });
    // Written without one (straight into the database, as older code would): the default.
    await (db.db as unknown as Kysely<Record<string, Record<string, unknown>>>)
      .insertInto('identity_providers')
      .values({ id: 'new', label: 'New', issuer: 'https://login.new.example', client_id: 'new', client_secret_enc: null, org_domains: '[]', org_claim: 'urn', created_at: '2026-02-01T00:00:00.000Z' })
      .execute();
    expect((await scopes(db)).new).toBe('own');
  });

  it.skipIf(usePostgres)('on SQLite, a run stopped after adding the column (not recorded as run) finishes at the next start, the claims kept national', async () => {
    const db = await before();
    // What a process stopped between the migration's two statements leaves behind.
    await sql`alter table identity_providers add column org_claim_scope text not null default 'own'`.execute(db.db as Kysely<Database>);
    await migrateToLatest(db.db);
    expect(await scopes(db)).toEqual({ dfe: 'national', oak: 'own', trust: 'own' });
  });
});
