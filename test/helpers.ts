/**
 * Test context: the real app on a fresh, migrated database per call, a clock the test
 * controls, and fixture helpers. SQLite in memory by default; with TEST_DATABASE=postgres a
 * PostgreSQL database per context, its own while it is open (see openTestDb), so files run in parallel.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { takenPrefix } from './pg-databases.js';
import { sql, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type Transaction } from 'kysely';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../db/connect.js';
import { sqliteImage } from '../db/sqlite.js';
import type { Database, Role } from '../db/schema.js';
import { hashPassword } from '../server/accounts/passwords.js';
import { insertOrg, insertUser } from '../server/accounts/repository.js';
import { hashToken } from '../server/accounts/service.js';
import { createApp } from '../server/app.js';
import { defaultConfig, type Config, type Deps } from '../server/platform/deps.js';
import { memoryLogger } from '../server/platform/logging.js';
import { renderNotice } from '../server/notifications/outbox.js';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const usePostgres = process.env.TEST_DATABASE === 'postgres';

/** A connection to the PostgreSQL server's admin database, or why there is none. */
async function pgAdmin(): Promise<import('pg').Client | { skip: string }> {
  // Imported here, not at the top: test files on SQLite (most of them) never load the driver.
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    return admin;
  } catch (e) {
    return { skip: `PostgreSQL is not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}` };
  }
}

/** The URL of the test database `name`, and how to drop it. */
function testDatabase(name: string) {
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A fresh PostgreSQL database, empty or (with `template`) a copy of that database; `skip`
 * (with the reason) when none is reachable.
 */
export async function createPgDatabase(template?: string): Promise<{ url: string; drop: () => Promise<void> } | { skip: string }> {
  const admin = await pgAdmin();
  if ('skip' in admin) return admin;
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  return testDatabase(name);
}

/** A Kysely plugin that counts every statement the app runs (`count`), to prove a page costs the same however many rows it lists. */
export function statementCounter() {
  const counter = {
    count: 0,
    plugin: {
      transformQuery: (args: PluginTransformQueryArgs) => {
        counter.count++;
        return args.node;
      },
      transformResult: async (args: PluginTransformResultArgs) => args.result,
    } satisfies KyselyPlugin,
  };
  return counter;
}

/**
 * SQLite: one migrated in-memory database per process, copied for each test context (about
 * 1 ms, where migrating each one took 60-140 ms).
 */
let sqliteMigrated: Promise<Buffer> | null = null;
function migratedSqliteImage(): Promise<Buffer> {
  sqliteMigrated ??= (async () => {
    const db = openSqlite(':memory:');
    try {
      await migrateToLatest(db.db);
      return sqliteImage(db.db);
    } finally {
      await db.close();
    }
  })();
  return sqliteMigrated;
}

export async function openTestDb(): Promise<Db> {
  if (!usePostgres) return openSqlite(':memory:', { image: await migratedSqliteImage() });
  const run = runPgDatabases();
  if (!run) {
    const created = await createPgDatabase(await migratedPgTemplate());
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const db = openPostgres(created.url, 20);
    return { ...db, close: async () => { await db.close(); await created.drop(); } };
  }
  const reused = emptied.pop();
  const created = reused ?? (await takeReadyPgDatabase(run));
  if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
  // Unknown (the query failed): then no database is reused, as none matches it.
  if (!reused) freshShape ??= shapeOf(created.url).catch(() => 'unknown');
  const db = openPostgres(created.url, 20);
  return { ...db, close: async () => { await db.close(); await emptyForReuse(created); } };
}

/**
 * Databases of this process's earlier test contexts, emptied: the next context takes one
 * (every table as a fresh copy has it: empty) rather than a new copy of the template. A copy
 * and the new connections' first queries on it cost about a quarter of the PostgreSQL pass.
 * Under vitest's run only: test/pg-databases.ts drops them (by name) when the run ends.
 */
const emptied: { url: string; drop: () => Promise<void> }[] = [];
let deleteEverything: string | null = null;
/**
 * What a database holds besides rows: its schemas, tables, columns, indexes, constraints,
 * functions, triggers, extensions and settings. A test that changed any (a planted trigger, a
 * table of its own) leaves a database that is dropped, not reused.
 */
const SHAPE = `select md5(string_agg(x, '|' order by x)) as shape from (
  select 'n ' || nspname as x from pg_namespace
  union all select 'c ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  union all select 'a ' || a.attrelid::regclass::text || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
  union all select 'k ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
  union all select 'i ' || pg_get_indexdef(indexrelid) from pg_index where indrelid::regclass::text not like 'pg_%'
  union all select 'f ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc) from pg_proc p where p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  union all select 't ' || tgrelid::regclass::text || ' ' || tgname from pg_trigger where not tgisinternal
  union all select 'e ' || extname from pg_extension
  union all select 's ' || array_to_string(setconfig, ',') from pg_db_role_setting where setdatabase = (select oid from pg_database where datname = current_database())
) parts`;
/** The shape of a fresh copy of the run's template, taken on this process's first copy. */
let freshShape: Promise<string> | null = null;
async function shapeOf(url: string) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return (await c.query<{ shape: string }>(SHAPE)).rows[0]!.shape;
  } finally {
    await c.end();
  }
}
/**
 * Whether `c` is the only connection to its database, waiting a little for the context's own
 * (just closed) to go: one still open elsewhere (a server the test started, a pool it opened
 * itself) could still write, or hold a lock the next test would wait on.
 */
async function aloneIn(c: import('pg').Client) {
  for (let i = 0; i < 20; i++) {
    const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    if (rows[0]!.n === 0) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

async function emptyForReuse(created: { url: string; drop: () => Promise<void> }) {
  // The context's own connections are closed first, so nothing of its holds a lock.
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: created.url, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  let emptiedNow = false;
  try {
    await c.connect();
    const [now, fresh] = [(await c.query<{ shape: string }>(SHAPE)).rows[0]!.shape, await freshShape];
    if (now === fresh && (await aloneIn(c))) {
      if (!deleteEverything) {
        const { rows } = await c.query<{ t: string }>(`select quote_ident(tablename) as t from pg_tables where schemaname = 'public' and tablename not like 'kysely%'`);
        // Foreign keys are not checked while emptying (the replica role: its triggers do not
        // fire), so the order of the tables does not matter; DELETE, not TRUNCATE: the tables
        // are small, and TRUNCATE's new files for every table cost about 75 ms.
        deleteEverything = `begin; set local session_replication_role = replica; ${rows.map((r) => `delete from ${r.t};`).join(' ')} commit;`;
      }
      await c.query(deleteEverything);
      emptiedNow = true;
    }
  } catch {
    /* not reused: dropped below */
  } finally {
    await c.end().catch(() => {});
  }
  if (emptiedNow) emptied.push(created);
  else await created.drop();
}

/** The run's template and ready copies (test/pg-databases.ts), when vitest runs with that set-up. */
function runPgDatabases() {
  if (!process.env.VITEST) return null;
  try {
    return inject('pgDatabases') ?? null;
  } catch {
    return null;
  }
}

/** The copy this process is making for the next test context, if it is making one. */
let nextCopy: Promise<void> | null = null;
/**
 * A fresh copy of the run's template (see test/pg-databases.ts): one made ahead of time,
 * taken by renaming it (a rename fails when another process took it first), else one made
 * now; then the next copy is started while the test runs.
 */
async function takeReadyPgDatabase(run: { template: string; prefix: string }): Promise<Awaited<ReturnType<typeof createPgDatabase>>> {
  const admin = await pgAdmin();
  if ('skip' in admin) return admin;
  // Named for the run (`tu_…`), so the run's teardown drops it with the rest when it ends.
  const name = `${takenPrefix(run.prefix)}${randomBytes(6).toString('hex')}`;
  try {
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [run.prefix]);
    let taken = false;
    for (const { datname } of rows) {
      try {
        await admin.query(`alter database ${datname} rename to ${name}`);
        taken = true;
        break;
      } catch {
        /* another process took it first */
      }
    }
    if (!taken) await admin.query(`create database ${name} template ${run.template}`);
  } finally {
    await admin.end();
  }
  nextCopy ??= (async () => {
    const c = await pgAdmin();
    if ('skip' in c) return;
    try {
      await c.query(`create database ${run.prefix}${randomBytes(6).toString('hex')} template ${run.template}`);
    } finally {
      await c.end();
    }
  })()
    .catch(() => {
      /* a copy not made is made when it is needed */
    })
    .finally(() => {
      nextCopy = null;
    });
  return testDatabase(name);
}

/**
 * Copying a migrated template (CREATE DATABASE ... TEMPLATE) is much cheaper than migrating
 * every test context's database. Under vitest the run's one template (test/pg-databases.ts) is
 * used; otherwise each test file migrates one template of its own and clones it, and the
 * template is dropped when the file is done.
 */
let pgTemplate: Promise<{ name: string; drop: () => Promise<void> }> | null = null;
function migratedPgTemplate(): Promise<string> {
  pgTemplate ??= (async () => {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const db = openPostgres(created.url, 1);
    await migrateToLatest(db.db);
    await db.close();
    return { name: new URL(created.url).pathname.slice(1), drop: created.drop };
  })();
  return pgTemplate.then((t) => t.name);
}
if (usePostgres && process.env.VITEST) {
  afterAll(async () => {
    // A copy still being made is finished before the file's process ends (teardown drops it).
    await nextCopy;
    const template = pgTemplate;
    pgTemplate = null;
    if (template) await (await template).drop();
  });
}

let cheapHash: Promise<string> | null = null;
export const TEST_PASSWORD = 'correct horse battery staple';
/** One real scrypt hash (at a low cost) shared by every fixture user. */
export function testPasswordHash() {
  cheapHash ??= hashPassword(TEST_PASSWORD, 10);
  return cheapHash;
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  orgId: string | null;
  token: string;
  /** Headers for a bearer-token request. */
  auth: Record<string, string>;
}

export type TestContext = Awaited<ReturnType<typeof makeTestContext>>;

/** `database`: an already migrated database to use instead of a fresh one (it is closed with the context). */
export async function makeTestContext(opts: { now?: string; config?: Partial<Config>; database?: Db } = {}) {
  const database = opts.database ?? (await openTestDb());
  let current = new Date(opts.now ?? '2026-01-12T09:00:00.000Z');
  const logger = memoryLogger();
  const deps: Deps = {
    db: database.db,
    dbKind: database.kind,
    now: () => new Date(current),
    config: defaultConfig({ passwordCostLog2: 10, publicUrl: 'http://localhost:3000', ...opts.config }),
    logger,
  };
  const app = createApp(deps);
  let counter = 0;

  const clock = {
    set(iso: string) {
      current = new Date(iso);
    },
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
    now: () => new Date(current),
  };

  async function org(name = `School ${++counter}`, settings: Record<string, unknown> = {}) {
    const id = randomUUID();
    await insertOrg(deps.db, { id, name, urn: null, parent_id: null, time_zone: 'Europe/London', settings: JSON.stringify(settings), created_at: clock.now().toISOString() });
    return { id, name };
  }

  /** A user with a live bearer token (and the fixture password). */
  async function user(role: Role, orgId: string | null = null, name?: string): Promise<TestUser> {
    const n = ++counter;
    const id = randomUUID();
    const email = `${role}${n}-${id.slice(0, 6)}@example.org`;
    const display = name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${n}`;
    await insertUser(deps.db, { id, email, name: display, role, orgId, passwordHash: await testPasswordHash(), createdAt: clock.now().toISOString() });
    const token = randomBytes(32).toString('base64url');
    await deps.db
      .insertInto('auth_sessions')
      .values({ id: randomUUID(), token_hash: hashToken(token), user_id: id, csrf_token: 'csrf', created_at: clock.now().toISOString(), expires_at: '2999-01-01T00:00:00.000Z', revoked_at: null })
      .execute();
    return { id, email, name: display, role, orgId, token, auth: { authorization: `Bearer ${token}` } };
  }

  async function request(method: string, path: string, opts: { as?: TestUser; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(opts.as?.auth ?? {}), ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** A session created through the API by `trainer` (or a new trainer). */
  async function session(input: Record<string, unknown> = {}, trainer?: TestUser) {
    const t = trainer ?? (await user('trainer'));
    const res = await request('POST', '/api/sessions', {
      as: t,
      body: {
        title: 'Understanding autism',
        mode: 'online',
        startsAt: '2026-02-10T16:00:00.000Z',
        endsAt: '2026-02-10T17:30:00.000Z',
        capacity: { online: 10 },
        ...input,
      },
    });
    if (res.status !== 201) throw new Error(`session fixture failed: ${res.status} ${res.text}`);
    return { ...res.json, trainer: t } as { id: string; trainer: TestUser } & Record<string, any>;
  }

  /** Outbox rows of one kind, oldest first, each with its message rendered as it would be sent. */
  const mails = async (kind: string) => {
    const rows = await deps.db.selectFrom('outbox').selectAll().where('kind', '=', kind).orderBy('id').execute();
    return Promise.all(rows.map(async (row) => ({ ...row, message: (await renderNotice(deps.db, deps, row))! })));
  };

  return { app, deps, db: deps.db, clock, logger, org, user, request, session, mails, close: database.close };
}

/** An outbox row already sent (an account email), written at second `i` of 1 January 2026. */
export function sentOutboxRow(i: number, to: string, userId: string) {
  const at = new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString();
  return {
    id: `0000sent${String(i).padStart(6, '0')}`,
    kind: 'password_reset',
    to_email: to,
    user_id: userId,
    booking_id: null,
    session_id: null,
    subject: `Choose a password ${i}`,
    text_body: 'Choose a password.',
    html_body: '<p>Choose a password.</p>',
    attachments: '{}',
    booking_status: null,
    booking_revision: null,
    offer_expires_at: null,
    queue_position: null,
    reason: null,
    dedupe_key: null,
    status: 'sent' as const,
    attempts: 1,
    next_attempt_at: at,
    locked_until: null,
    last_error: null,
    created_at: at,
    sent_at: at,
  };
}

/** A held lock's release (commits the holding transaction; calling it again does nothing more). */
export type HeldLocks = (() => Promise<void>) & {
  /** How many statements are waiting for this hold's locks (not for any other lock). */
  blocking: () => Promise<number>;
};

/**
 * PostgreSQL: holds `lock` (a statement taking row locks) in a transaction of its own until
 * the returned release is called, which commits it. For tests of two requests meeting.
 */
export async function holdingLocks(t: { db: Kysely<Database> }, lock: (trx: Transaction<Database>) => Promise<unknown>): Promise<HeldLocks> {
  let release!: () => void;
  let locked!: (pid: number) => void;
  const isLocked = new Promise<number>((r) => (locked = r));
  const done = t.db.transaction().execute(async (trx) => {
    const pid = Number((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid);
    await lock(trx);
    locked(pid);
    await new Promise<void>((r) => (release = r));
  });
  const pid = await Promise.race([isLocked, done.then(() => 0)]);
  const held = async () => {
    release?.();
    await done;
  };
  return Object.assign(held, {
    blocking: async () =>
      Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and ${pid}::int = any(pg_blocking_pids(pid))`.execute(t.db)).rows[0]!.n),
  });
}

/** PostgreSQL: how many statements of this test's database are waiting for a lock. */
export const lockWaits = async (t: { db: Kysely<Database> }) =>
  Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db)).rows[0]!.n);

/**
 * An identity provider row that signs in `orgId`'s staff (by an email domain), straight into
 * the database: an organisation may require its own sign-in only with one.
 */
export async function providerServing(t: { db: Kysely<Database> }, orgId: string, domain = 'example.org'): Promise<string> {
  const id = randomUUID();
  await t.db.insertInto('identity_providers').values({ id, label: 'Sign in with the school', issuer: `https://login.${domain}`, client_id: 'client', client_secret_enc: null, org_domains: JSON.stringify([{ domain, orgId }]), org_claim: null, created_at: new Date().toISOString() }).execute();
  return id;
}
