/**
 * vitest globalSetup for the PostgreSQL pass (TEST_DATABASE=postgres; on SQLite it does
 * nothing): one migrated template database for the whole run, and a few databases copied
 * from it ahead of time.
 *
 * Every test context gets a database of its own, a copy of a migrated template. A copy
 * (CREATE DATABASE … TEMPLATE) takes about 200 ms here, most of it PostgreSQL writing and
 * syncing files, and each test file used to migrate a template of its own first (another
 * 300 ms): about a quarter of the PostgreSQL pass. Now the template is migrated once, and a
 * context takes a copy made while the tests before it ran (test/helpers.ts `openTestDb`
 * renames one of `prefix`'s databases to its own name, and starts the next copy); it makes
 * its copy itself only when none is ready. A context's database, closed, is emptied and kept
 * by its process for the next context (test/helpers.ts `emptyForReuse`): no context sees
 * another's rows. Teardown drops the template and every copy, taken or not.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated template and the name prefix of its ready copies; absent off PostgreSQL. */
    pgDatabases: { template: string; prefix: string } | null;
  }
}

/** The name prefix of the run's copies once a test process has taken them (renamed, so no other takes it). */
export const takenPrefix = (prefix: string) => prefix.replace(/^tp_/, 'tu_');

const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Copies made before the first test: one for each of the first files of each worker. */
const READY_AT_START = 2;

export default async function setup(project: TestProject) {
  project.provide('pgDatabases', null);
  if (process.env.TEST_DATABASE !== 'postgres') return;
  const { default: pg } = await import('pg');
  const run = randomBytes(4).toString('hex');
  const template = `tt_${run}`;
  const prefix = `tp_${run}_`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    // Each test says PostgreSQL is unreachable (test/helpers.ts); nothing to set up here.
    console.warn(`test/pg-databases.ts: PostgreSQL is not reachable at ${ADMIN_URL}: ${(e as Error).message}`);
    return;
  }
  try {
    await admin.query(`create database ${template}`);
    const { migrateToLatest, openPostgres } = await import('../db/connect.js');
    const db = openPostgres(ADMIN_URL.replace(/\/[^/]*$/, `/${template}`), 1);
    try {
      await migrateToLatest(db.db);
    } finally {
      await db.close();
    }
    for (let i = 0; i < READY_AT_START; i++) await admin.query(`create database ${prefix}${randomBytes(6).toString('hex')} template ${template}`);
  } finally {
    await admin.end();
  }
  project.provide('pgDatabases', { template, prefix });

  return async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    try {
      const { rows } = await c.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1) or starts_with(datname, $2)', [prefix, takenPrefix(prefix)]);
      for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
      await c.query(`drop database if exists ${template} with (force)`);
    } finally {
      await c.end();
    }
  };
}
