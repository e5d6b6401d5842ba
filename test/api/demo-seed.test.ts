/**
 * DEMO=1's world says what it is: a course's sessions titled "(part 2)" and "(part 3)" are
 * those parts of it, and attending one session does not complete a three-part course.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-12-07T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('the demo world', () => {
  it('titles each session with the part of its course it is, and each course needs all its parts', async () => {
    const seeded = await seedDemo(t.deps);
    expect(seeded?.users.length).toBeGreaterThan(0);
    const courses = await t.db.selectFrom('courses').select(['id', 'title', 'parts_required']).execute();
    const sessions = await t.db.selectFrom('sessions').select(['course_id', 'title', 'part']).execute();
    expect(courses.length).toBeGreaterThan(0);
    for (const c of courses) {
      const own = sessions.filter((s) => s.course_id === c.id);
      // One session of each part the course asks for, titled as that part.
      expect(own.map((s) => s.part).sort()).toEqual(Array.from({ length: c.parts_required }, (_, i) => i + 1));
      expect(c.parts_required).toBeGreaterThan(1);
      for (const s of own) expect(s.title).toBe(`${c.title} (part ${s.part})`);
    }
    // Seeded once: a database with data is left as it is.
    expect(await seedDemo(t.deps)).toBeNull();
  });
});
