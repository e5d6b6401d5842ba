/**
 * Helpers for cross-process tests: real server processes (`node --import tsx server/main.ts`)
 * on one database, fixtures written straight into that database, and bounded HTTP calls.
 * Every process started here is killed by `killAll`, which tests call in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database, Role } from '../../db/schema.js';
import { insertOrg, insertUser } from '../../server/accounts/repository.js';
import { hashToken } from '../../server/accounts/service.js';
import { PG_ADMIN_URL, testPasswordHash } from '../helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Every stdout line, in order. */
  lines: string[];
  /** stdout lines that are JSON log records. */
  logs(): Record<string, unknown>[];
  /** The last few kilobytes of stderr. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

const started = new Set<ServerProcess>();

/**
 * Starts `server/main.ts` with PORT=0 on 127.0.0.1 and resolves once it prints its
 * `listening on` line; rejects (and kills it) if that takes longer than `timeoutMs`.
 */
export function startServer(name: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_OPTIONS']) if (process.env[key]) base[key] = process.env[key]!;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...base, PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: 'http://localhost:3000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const proc: ServerProcess = {
    name,
    url: '',
    child,
    lines,
    exited,
    alive: () => exitInfo === null,
    stderr: () => stderr,
    logs: () =>
      lines.flatMap((l) => {
        if (!l.startsWith('{')) return [];
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
  started.add(proc);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server ${name} did not start: ${why}\nstdout: ${lines.slice(-10).join('\n')}\nstderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`no "listening on" line within ${timeoutMs} ms`), timeoutMs);
    child.stdout!.on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m && !proc.url) {
          clearTimeout(timer);
          proc.url = m[1]!;
          resolve(proc);
        }
      }
    });
    void exited.then((e) => {
      if (!proc.url) fail(`exited early (code ${e.code}, signal ${e.signal})`);
    });
  });
}

/** Kills every process these helpers started that is still running, and waits for each to go. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...started].map(async (p) => {
      if (p.alive()) p.child.kill('SIGKILL');
      await p.exited;
      started.delete(p);
    }),
  );
}

/**
 * A JSON request with a time limit. Never throws: a connection that fails or times out is
 * status 0 with the reason as `text`, so one failure cannot leave the others unobserved.
 */
export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; timeoutMs?: number } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  let text: string;
  try {
    res = await fetch(base + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
    text = await res.text();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, json: undefined as any, text: `${(e as Error).message}: ${cause?.code ?? cause?.message ?? ''}` };
  }
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

export interface Person {
  id: string;
  email: string;
  token: string;
}

/** An organisation, written straight into the database. */
export async function makeOrg(db: Kysely<Database>, name: string): Promise<string> {
  const id = randomUUID();
  await insertOrg(db, { id, name, urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: new Date().toISOString() });
  return id;
}

/** People with live bearer tokens, written straight into the database (as makeTestContext's `user()`). */
export async function makePeople(db: Kysely<Database>, role: Role, orgId: string | null, count: number): Promise<Person[]> {
  const hash = await testPasswordHash();
  const now = new Date().toISOString();
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const email = `${role}${i}-${id.slice(0, 8)}@example.org`;
    const token = randomBytes(32).toString('base64url');
    await insertUser(db, { id, email, name: `${role} ${i}`, role, orgId, passwordHash: hash, createdAt: now });
    people.push({ id, email, token });
  }
  await db
    .insertInto('auth_sessions')
    .values(people.map((p) => ({ id: randomUUID(), token_hash: hashToken(p.token), user_id: p.id, csrf_token: 'csrf', created_at: now, expires_at: '2999-01-01T00:00:00.000Z', revoked_at: null })))
    .execute();
  return people;
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Why PostgreSQL tests cannot run here, or null when a server answers at TEST_PG_URL. */
export async function postgresSkipReason(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (e) {
    return `PostgreSQL is not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`;
  }
}

/**
 * Runs every clean-up step even when one fails or hangs (each gets `stepMs`), so child
 * processes are always killed and test databases always dropped; rethrows the first error.
 */
export async function cleanUp(steps: (() => unknown)[], stepMs = 15_000): Promise<void> {
  let first: unknown = null;
  for (const step of steps) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(step),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`clean-up step took over ${stepMs} ms`)), stepMs);
        }),
      ]);
    } catch (e) {
      first ??= e;
    } finally {
      clearTimeout(timer);
    }
  }
  if (first) throw first;
}
