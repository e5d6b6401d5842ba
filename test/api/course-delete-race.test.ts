/**
 * Deleting a course while a session is published for it (or a series, or a session moved to
 * it): the two take turns on the course (sessions/repository.ts, lockCourse and
 * lockCourseForUse), so either the session is published and the delete refused in its usual
 * words, or the course is deleted and the publish refused (400 `validation_failed`, "That course
 * does not exist", beside the course field) with nothing stored. Never a 500, and never a
 * session naming a course that is gone. Each request runs in its own server process (a
 * connection of its own) to one database: a SQLite file, or PostgreSQL (TEST_DATABASE=postgres).
 *
 * Raced as they come (Promise.all, many rounds), and with the delete put exactly where it once
 * did harm: after the publish has checked the course and before it saves the session (a 500
 * from the foreign key, on both databases), and while the publish's transaction is saving it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteQueryCompiler, type KyselyPlugin, type QueryId } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPostgres, openSqlite, type Db } from '../../db/connect.js';
import { createPgDatabase, makeTestContext, usePostgres, type TestContext, type TestUser } from '../helpers.js';

const ROUNDS = 20;
const GONE = 'That course does not exist. It may have been removed.';

/**
 * Holds the publisher's process at one statement: once a statement whose SQL (as SQLite would
 * write it) matches `match` has its answer, `run` is awaited before the request goes on.
 */
const pause = { match: null as RegExp | null, run: null as (() => Promise<void>) | null, ids: new WeakSet<QueryId>(), fired: 0 };
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
      pause.fired++;
      await run();
    }
    return result;
  },
};

/** The publisher's server process, and the administrator's. */
let t: TestContext;
let other: TestContext;
const cleanups: (() => Promise<void>)[] = [];

/** Two connections to one database, as two server processes have. */
async function twoConnections(): Promise<{ one: Db; two: Db }> {
  if (usePostgres) {
    const created = await createPgDatabase();
    if ('skip' in created) throw new Error(`TEST_DATABASE=postgres but ${created.skip}`);
    const one = openPostgres(created.url, 5);
    await migrateToLatest(one.db);
    const two = openPostgres(created.url, 5);
    cleanups.push(created.drop);
    return { one, two };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'send-course-race-'));
  const file = path.join(dir, 'shared.db');
  const one = openSqlite(file);
  await migrateToLatest(one.db);
  const two = openSqlite(file);
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return { one, two };
}

let admin: TestUser, trainer: TestUser;
beforeEach(async () => {
  const { one, two } = await twoConnections();
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z', database: { ...one, db: one.db.withPlugin(pausePlugin) } });
  other = await makeTestContext({ now: '2026-03-01T09:00:00.000Z', database: two });
  admin = await t.user('admin');
  trainer = await t.user('trainer');
  Object.assign(pause, { match: null, run: null, fired: 0 });
});
afterEach(async () => {
  await t.close();
  await other.close();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Waits `steps` steps before starting, so the two requests meet at a different point of each
 * other's work each round: awaits of settled promises (a request on SQLite runs its statements
 * without leaving the event loop's turn, so only these land between them), then turns.
 */
const after = async (steps: number) => {
  for (let i = 0; i < steps * 5; i++) await null;
  for (let i = 0; i < steps % 3; i++) await new Promise((r) => setImmediate(r));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sessions that name a course no longer there (none, ever). */
const orphans = () =>
  t.db.selectFrom('sessions as s').leftJoin('courses as c', 'c.id', 's.course_id').select(['s.id', 's.course_id']).where('s.course_id', 'is not', null).where('c.id', 'is', null).execute();

let courses = 0;
const newCourse = async () => {
  const res = await t.request('POST', '/api/courses', { as: admin, body: { title: `Race course ${++courses}` } });
  expect(res.status).toBe(201);
  return res.json as { id: string; title: string };
};
const sessionBody = (courseId: string, title: string, day = 10) => ({
  title, courseId, mode: 'online', startsAt: `2026-03-${day}T16:00:00.000Z`, endsAt: `2026-03-${day}T17:00:00.000Z`, capacity: { online: 10 },
});
/** Deleted through the other process. */
const del = (id: string) => other.request('DELETE', `/api/courses/${id}`, { as: admin });

type Answer = Awaited<ReturnType<TestContext['request']>>;

/** Three ways a session comes to name a course, each answering 2xx or refusing; `stored`: the course ids of what it saved (none when refused). */
const ways = {
  publish: {
    setUp: async () => ({}),
    act: (courseId: string, n: number) => t.request('POST', '/api/sessions', { as: trainer, body: sessionBody(courseId, `Race session ${n}`) }),
    stored: async (_: unknown, n: number) => (await t.db.selectFrom('sessions').select('course_id').where('title', '=', `Race session ${n}`).execute()).map((r) => r.course_id),
    unchanged: [] as (string | null)[],
  },
  series: {
    setUp: async () => ({}),
    act: (courseId: string, n: number) =>
      t.request('POST', '/api/sessions/series', {
        as: trainer,
        body: { session: sessionBody(courseId, `Race series ${n}`), occurrences: [10, 11, 12].map((d) => ({ startsAt: `2026-03-${d}T16:00:00.000Z`, endsAt: `2026-03-${d}T17:00:00.000Z` })) },
      }),
    stored: async (_: unknown, n: number) => (await t.db.selectFrom('sessions').select('course_id').where('title', '=', `Race series ${n}`).execute()).map((r) => r.course_id),
    unchanged: [] as (string | null)[],
  },
  move: {
    // A session of another course, moved to this one.
    setUp: async () => {
      const home = await newCourse();
      const s = await t.request('POST', '/api/sessions', { as: trainer, body: sessionBody(home.id, `To be moved ${courses}`, 10 + (courses % 18)) });
      expect(s.status).toBe(201);
      return { id: s.json.id as string, home: home.id };
    },
    act: (courseId: string, _n: number, s?: { id: string }) => t.request('PATCH', `/api/sessions/${s!.id}`, { as: trainer, body: { courseId } }),
    stored: async (s: { id: string; home: string } | undefined) => {
      const row = await t.db.selectFrom('sessions').select('course_id').where('id', '=', s!.id).executeTakeFirstOrThrow();
      return row.course_id === s!.home ? [] : [row.course_id];
    },
    unchanged: [] as (string | null)[],
  },
};
type Way = keyof typeof ways;

/** One round: the course, the way's request and the delete, started by `go`; checks the answers are one of the two clean outcomes, and the database agrees. */
async function round(way: Way, n: number, go: (act: () => Promise<Answer>, remove: () => Promise<Answer>) => Promise<[Answer, Answer]>): Promise<'saved' | 'deleted'> {
  const w = ways[way];
  const before = await w.setUp();
  const course = await newCourse();
  const [saved, deleted] = await go(() => w.act(course.id, n, before as any), () => del(course.id));
  const where = `${way} ${n}: ${saved.status} ${saved.text}; delete ${deleted.status} ${deleted.text}`;
  const stored = await w.stored(before as any, n);
  const courseThere = !!(await t.db.selectFrom('courses').select('id').where('id', '=', course.id).executeTakeFirst());
  expect([saved.status, deleted.status], where).not.toContain(500);
  if (saved.status < 300) {
    // Saved first: the delete is refused in its usual words, and the course stays.
    expect(deleted.status, where).toBe(409);
    expect(deleted.json.error.code, where).toBe('conflict');
    expect(deleted.json.error.message, where).toMatch(new RegExp(`^“${course.title}” cannot be deleted: \\d+ sessions? uses? it\\.`));
    expect(courseThere, where).toBe(true);
    expect(stored.length, where).toBe(way === 'series' ? 3 : 1);
    expect(stored.every((c) => c === course.id), where).toBe(true);
  } else {
    // Deleted first: refused, saying the course is gone, beside the course field, and nothing of it saved.
    expect(deleted.status, where).toBe(204);
    expect(saved.status, where).toBe(400);
    expect(saved.json.error, where).toMatchObject({ code: 'validation_failed', message: GONE, details: { issues: [{ path: 'courseId' }] } });
    expect(courseThere, where).toBe(false);
    expect(stored, where).toEqual([]);
  }
  expect(await orphans(), where).toEqual([]);
  return saved.status < 300 ? 'saved' : 'deleted';
}

describe('deleting a course while a session is published for it', () => {
  for (const way of ['publish', 'series', 'move'] as const) {
    const rounds = way === 'publish' ? ROUNDS : ROUNDS / 2;
    it(`${way}: raced ${rounds} times, each answer one of the two clean outcomes`, async () => {
      const seen = { saved: 0, deleted: 0 };
      for (let n = 0; n < rounds; n++) {
        // The delete starts at a different point of the other's work each round.
        seen[await round(way, n, (act, remove) => Promise.all([act(), after(n).then(remove)]))]++;
      }
      // (Which wins is up to the database; both outcomes are checked above whenever they happen.)
      expect(seen.saved + seen.deleted).toBe(rounds);
    });

    it(`${way}: the course deleted after it was checked and before the session is saved: refused (400), nothing saved`, async () => {
      for (let n = 0; n < 3; n++) {
        const outcome = await round(way, 100 + n, async (act, remove) => {
          let deleted: Answer | undefined;
          // After the course is first read (before any transaction), the other process deletes it, to the end.
          pause.match = /^select \* from "courses" where "id" = \?$/;
          pause.run = async () => {
            deleted = await remove();
          };
          const saved = await act();
          expect(pause.fired, 'the pause was reached').toBe(n + 1);
          return [saved, deleted!];
        });
        expect(outcome).toBe('deleted');
      }
    });

    it(`${way}: the course deleted while the session is being saved: saved, and the delete refused (409)`, async () => {
      for (let n = 0; n < 3; n++) {
        const outcome = await round(way, 200 + n, async (act, remove) => {
          let deleting: Promise<Answer> | undefined;
          // Once the saving transaction holds the course, the delete starts and is given time to reach it.
          pause.match = /^select "id" from "courses" where "id" = \?/;
          pause.run = async () => {
            deleting = remove();
            await sleep(150);
          };
          const saved = await act();
          expect(pause.fired, 'the pause was reached').toBe(n + 1);
          return [saved, await deleting!];
        });
        expect(outcome).toBe('saved');
      }
    });
  }
});

/**
 * The other writes that name a course: a link added to its library, and the trainers who may
 * run it. The course deleted (by the other process, to the end) after the write checked it and
 * before it saves: refused as a course not there (404), nothing saved, never a 500 from the
 * foreign key; and the delete, once the write holds the course, waits and is refused.
 */
describe('deleting a course while its library or its trainers are changed', () => {
  const writes = {
    'a library link': {
      act: (courseId: string) => t.request('POST', `/api/courses/${courseId}/materials/links`, { as: admin, body: { title: 'Reading list', url: 'https://example.org/reading' } }),
      stored: async (courseId: string) => (await t.db.selectFrom('materials').select('id').where('course_id', '=', courseId).execute()).length,
    },
    'its trainers': {
      act: (courseId: string) => t.request('PUT', `/api/courses/${courseId}/trainers`, { as: admin, body: { trainerIds: [trainer.id] } }),
      stored: async (courseId: string) => (await t.db.selectFrom('course_trainers').select('user_id').where('course_id', '=', courseId).execute()).length,
    },
  };
  for (const [what, w] of Object.entries(writes)) {
    it(`${what}: the course deleted after it was checked: 404, nothing saved`, async () => {
      const course = await newCourse();
      let deleted: Answer | undefined;
      pause.match = /^select \* from "courses" where "id" = \?$/;
      pause.run = async () => {
        deleted = await del(course.id);
      };
      const saved = await w.act(course.id);
      expect(pause.fired, 'the pause was reached').toBe(1);
      expect([deleted!.status, saved.status, saved.json.error?.code], saved.text).toEqual([204, 404, 'not_found']);
      expect(saved.json.error.message).toBe('No such course.');
      expect(await w.stored(course.id)).toBe(0);
    });

    it(`${what}: the course deleted while the write holds it: saved, and the delete waits for it`, async () => {
      const course = await newCourse();
      let deleting: Promise<Answer> | undefined;
      pause.match = /^select "id" from "courses" where "id" = \?/;
      pause.run = async () => {
        deleting = del(course.id);
        await sleep(150);
      };
      const saved = await w.act(course.id);
      expect(pause.fired, 'the pause was reached').toBe(1);
      expect(saved.status, saved.text).toBeLessThan(300);
      const deleted = await deleting!;
      // A library with a material in it is not deleted; a list of trainers alone does not keep a course.
      if (what === 'a library link') {
        expect(deleted.status, deleted.text).toBe(409);
        expect(await w.stored(course.id)).toBe(1);
      } else expect(deleted.status, deleted.text).toBe(204);
    });
  }
});
