/**
 * No two courses share a title: adding one (the Courses page, a trainer's "Add a course that is
 * not listed" on the session form) or renaming one to a title another course has, in any case,
 * with spaces around it or runs of spaces in it, is refused with 409 naming the course that has
 * it (`details.course`), beside the title, and nothing is stored. Two adds of one title at once
 * from two server processes (each a connection of its own to one database: a SQLite file, or
 * PostgreSQL with TEST_DATABASE=postgres) never both succeed: the check and the insert run
 * under the courses' title lock (sessions/repository.ts lockCourseTitles).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteQueryCompiler, type KyselyPlugin, type QueryId } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { createPgDatabase, makeTestContext, usePostgres, type TestContext } from '../helpers.js';

const NOW = '2026-03-01T09:00:00.000Z';
const taken = (title: string) => `There is already a course called “${title}”. Use that course, or give this one another title.`;

describe('a course title another course has', () => {
  let t: TestContext;
  afterEach(async () => {
    await t.close();
  });

  it('is refused when added (administrator or trainer), in any case and with any spaces, with 409 naming the course; nothing is stored', async () => {
    t = await makeTestContext({ now: NOW });
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const first = await t.request('POST', '/api/courses', { as: admin, body: { title: 'TB Clocks course', uniqueTitle: true } });
    expect(first.status).toBe(201);

    for (const [who, title] of [
      [admin, 'TB Clocks course'],
      [trainer, 'tb clocks course'],
      [trainer, '  TB   CLOCKS  Course '],
      [admin, 'Tb\tclocks course'],
    ] as const) {
      const again = await t.request('POST', '/api/courses', { as: who, body: { title, description: 'A second one', uniqueTitle: true } });
      expect(again.status, title).toBe(409);
      expect(again.json.error).toEqual({
        code: 'conflict',
        message: taken('TB Clocks course'),
        details: { issues: [{ path: 'title', message: 'is already the title of another course (“TB Clocks course”)' }], course: { id: first.json.id, title: 'TB Clocks course' } },
      });
    }
    const all = (await t.request('GET', '/api/courses', { as: trainer })).json.items;
    expect(all.map((c: { title: string }) => c.title)).toEqual(['TB Clocks course']);
    // A script that does not ask for a new title (no uniqueTitle) still adds it, as it always could.
    const scripted = await t.request('POST', '/api/courses', { as: trainer, body: { title: 'TB Clocks course' } });
    expect(scripted.status).toBe(201);
    expect(scripted.json.id).not.toBe(first.json.id);
    expect((await t.request('DELETE', `/api/courses/${scripted.json.id}`, { as: admin })).status).toBe(204);

    // Another title is no clash (words differ, not only spaces or case).
    expect((await t.request('POST', '/api/courses', { as: trainer, body: { title: 'TB Clocks course 2' } })).status).toBe(201);
    expect((await t.request('POST', '/api/courses', { as: trainer, body: { title: 'TBClocks course' } })).status).toBe(201);
    // A retried request with the same Idempotency-Key gets the first answer, not the 409.
    const retry = () => t.request('POST', '/api/courses', { as: trainer, body: { title: 'Retried course' }, headers: { 'idempotency-key': 'course-titles-1' } });
    const r1 = await retry();
    expect(r1.status).toBe(201);
    expect((await retry()).json.id).toBe(r1.json.id);
  });

  it('is refused when a course is renamed to it (runs of spaces inside aside too); its own title in another case or spacing is no clash', async () => {
    t = await makeTestContext({ now: NOW });
    const admin = await t.user('admin');
    const clocks = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'TB Clocks course' } })).json;
    const other = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Sensory rooms' } })).json;
    const clash = await t.request('PATCH', `/api/courses/${other.id}`, { as: admin, body: { title: 'TB  clocks   COURSE' } });
    expect(clash.status).toBe(409);
    expect(clash.json.error.message).toBe(taken('TB Clocks course'));
    expect(clash.json.error.details.course).toEqual({ id: clocks.id, title: 'TB Clocks course' });
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.map((c: { title: string }) => c.title).sort()).toEqual(['Sensory rooms', 'TB Clocks course']);
    const own = await t.request('PATCH', `/api/courses/${clocks.id}`, { as: admin, body: { title: 'TB  clocks course' } });
    expect(own.status).toBe(200);
    expect(own.json.title).toBe('TB  clocks course');
  });
});

/** Holds one process at a statement: once a statement whose SQL (as SQLite writes it) matches `match` has its answer, `run` is awaited first. */
const pause = { match: null as RegExp | null, run: null as (() => Promise<void>) | null, ids: new WeakSet<QueryId>() };
const compiler = new SqliteQueryCompiler();
const pausePlugin: KyselyPlugin = {
  transformQuery: ({ node, queryId }) => {
    if (pause.match && pause.match.test(compiler.compileQuery(node, queryId).sql)) pause.ids.add(queryId);
    return node;
  },
  transformResult: async ({ queryId, result }) => {
    const run = pause.run;
    if (run && pause.ids.has(queryId)) {
      pause.run = null;
      pause.match = null;
      await run();
    }
    return result;
  },
};

describe('two adds of one title at once, from two server processes', () => {
  let one: TestContext;
  let two: TestContext;
  const cleanups: (() => Promise<void>)[] = [];

  async function twoConnections(): Promise<{ a: Db; b: Db }> {
    if (usePostgres) {
      const created = await createPgDatabase();
      if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
      const a = openPostgres(created.url, 5);
      await migrateToLatest(a.db);
      const b = openPostgres(created.url, 5);
      cleanups.push(created.drop);
      return { a, b };
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'send-course-titles-'));
    const file = path.join(dir, 'shared.db');
    const a = openSqlite(file);
    await migrateToLatest(a.db);
    const b = openSqlite(file);
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return { a, b };
  }

  afterEach(async () => {
    Object.assign(pause, { match: null, run: null });
    await one.close();
    await two.close();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('never both succeed: raced as they come, and with the second made while the first has checked the titles and not yet stored its course', async () => {
    const { a, b } = await twoConnections();
    one = await makeTestContext({ now: NOW, database: { ...a, db: a.db.withPlugin(pausePlugin) } });
    two = await makeTestContext({ now: NOW, database: b });
    const admin = await one.user('admin');
    const trainer = await one.user('trainer');
    const count = async (title: string) => (await one.db.selectFrom('courses').select('id').where('title', '=', title).execute()).length;

    for (let round = 0; round < 10; round++) {
      const title = `Raced course ${round}`;
      const answers = await Promise.all([
        one.request('POST', '/api/courses', { as: admin, body: { title, uniqueTitle: true } }),
        two.request('POST', '/api/courses', { as: trainer, body: { title: round % 2 ? title.toUpperCase() : title, uniqueTitle: true } }),
      ]);
      expect(answers.map((r) => r.status).sort(), title).toEqual([201, 409]);
    }

    // The second add arrives after the first has read the titles (none of this one) and
    // before it inserts: it waits for the first to commit, then finds the title taken.
    const title = 'Paused course';
    let second: Promise<Awaited<ReturnType<TestContext['request']>>> | undefined;
    pause.match = /^select "id", "title" from "courses"/;
    pause.run = async () => {
      second = two.request('POST', '/api/courses', { as: trainer, body: { title: ` ${title.toLowerCase()} `, uniqueTitle: true } });
      // Time enough for the second to check and insert, were it not made to wait.
      await new Promise((r) => setTimeout(r, 300));
    };
    const first = await one.request('POST', '/api/courses', { as: admin, body: { title, uniqueTitle: true } });
    expect(pause.run).toBeNull();
    expect(first.status).toBe(201);
    const late = await second!;
    expect(late.status).toBe(409);
    expect(late.json.error.details.course).toEqual({ id: first.json.id, title });
    expect(await count(title)).toBe(1);
    expect(await count('paused course')).toBe(0);
  });
});
