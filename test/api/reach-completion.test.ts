import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { courseCompletionsFor } from '../../server/reach/completion.js';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const day = (d: number) => `2026-02-${String(d).padStart(2, '0')}`;

describe('the course completion rule', () => {
  async function setup(partsRequired?: number) {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const course = await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND essentials', ...(partsRequired ? { partsRequired } : {}) } });
    expect(course.status).toBe(201);
    const org = await t.org();
    return { admin, trainer, courseId: course.json.id as string, org };
  }

  /** A session of `part` on day `d` that `people` booked and whose register says whether each attended. */
  async function held(trainer: TestUser, courseId: string | null, part: number | undefined, d: number, people: [TestUser, boolean][]) {
    t.clock.set('2026-01-12T09:00:00.000Z');
    const s = await t.session({ title: `Part ${part ?? 1}`, courseId, ...(part ? { part } : {}), startsAt: `${day(d)}T16:00:00.000Z`, endsAt: `${day(d)}T17:00:00.000Z` }, trainer);
    const bookings = [];
    for (const [u] of people) {
      const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } });
      expect(b.status).toBe(201);
      bookings.push(b.json.id as string);
    }
    t.clock.set(`${day(d)}T18:00:00.000Z`);
    for (const [i, [, attended]] of people.entries()) {
      const r = await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookings[i]}`, { as: trainer, body: { attended } });
      expect(r.status).toBe(200);
    }
    return s;
  }

  it('needs a session of every required part attended, and dates the completion by the last part', async () => {
    const { admin, trainer, courseId, org } = await setup();
    const set = await t.request('PATCH', `/api/courses/${courseId}`, { as: admin, body: { partsRequired: 2 } });
    expect(set.status).toBe(200);
    expect(set.json.partsRequired).toBe(2);
    const [ann, ben, cat] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const p1 = await held(trainer, courseId, 1, 3, [[ann, true], [ben, true], [cat, true]]);
    expect(p1.part).toBe(1);
    await held(trainer, courseId, 1, 5, [[ann, true]]); // part 1 again: does not make part 2
    const p2 = await held(trainer, courseId, 2, 10, [[ann, true], [ben, false]]); // ben booked, was absent
    await held(trainer, courseId, 2, 17, [[ann, true]]); // a second part-2 session: the first counts
    await held(trainer, courseId, 3, 20, [[cat, true]]); // part 3 is not required, and does not stand for part 2

    const result = await courseCompletionsFor(t.db, [ann.id, ben.id, cat.id]);
    expect(result.get(ben.id)).toEqual([]);
    expect(result.get(cat.id)).toEqual([]);
    const [done] = result.get(ann.id)!;
    expect(done).toMatchObject({ courseId, courseTitle: 'SEND essentials', partsRequired: 2, completedAt: `${day(10)}T17:00:00.000Z` });
    expect(done!.parts.map((p) => [p.part, p.sessionId])).toEqual([[1, p1.id], [2, p2.id]]);
  });

  it('a one-part course is complete with any attended session of it; sessions without a course never count', async () => {
    const { trainer, courseId, org } = await setup();
    const dee = await t.user('staff', org.id);
    await held(trainer, null, undefined, 3, [[dee, true]]);
    expect((await courseCompletionsFor(t.db, [dee.id])).get(dee.id)).toEqual([]);
    await held(trainer, courseId, undefined, 4, [[dee, true]]);
    expect((await courseCompletionsFor(t.db, [dee.id])).get(dee.id)!.map((c) => [c.courseId, c.completedAt])).toEqual([[courseId, `${day(4)}T17:00:00.000Z`]]);
  });

  it('raising the parts required takes a completion back until the new part is attended', async () => {
    const { admin, trainer, courseId, org } = await setup();
    const eve = await t.user('staff', org.id);
    await held(trainer, courseId, 1, 3, [[eve, true]]);
    expect((await courseCompletionsFor(t.db, [eve.id])).get(eve.id)).toHaveLength(1);
    expect((await t.request('PATCH', `/api/courses/${courseId}`, { as: admin, body: { partsRequired: 2 } })).status).toBe(200);
    expect((await courseCompletionsFor(t.db, [eve.id])).get(eve.id)).toEqual([]);
  });

  it('only administrators set the rule, and it must be a whole number of parts from 1 to 20', async () => {
    const { admin, trainer, courseId } = await setup();
    expect((await t.request('PATCH', `/api/courses/${courseId}`, { as: trainer, body: { partsRequired: 2 } })).status).toBe(403);
    for (const bad of [0, 21, 1.5, '2']) {
      const r = await t.request('PATCH', `/api/courses/${courseId}`, { as: admin, body: { partsRequired: bad } });
      expect(r.status).toBe(400);
    }
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.find((c: { id: string }) => c.id === courseId).partsRequired).toBe(1);
    const badPart = await t.request('POST', '/api/sessions', { as: trainer, body: { title: 'x', courseId, part: 0, mode: 'online', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', capacity: { online: 5 } } });
    expect(badPart.status).toBe(400);
  });
});

describe('a session cancelled after it was held', () => {
  async function held() {
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Inclusion basics' } })).json;
    const s = await t.session({ courseId: course.id });
    const org = await t.org();
    const office = await t.user('office', org.id);
    const ann = await t.user('staff', org.id, 'Ann Jones');
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: {} });
    t.clock.set('2026-02-10T16:05:00.000Z'); // the register opens with check-in: ticked once the session is under way
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: s.trainer, body: { attended: true, minutes: 85 } })).status).toBe(200);
    t.clock.set('2026-02-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    return { admin, course, s, org, office, ann, bookingId: b.json.id as string };
  }

  it('cannot be cancelled while anyone attended it: their attendance is the record of their training', async () => {
    const { s, office, bookingId } = await held();
    const refused = await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'entered twice' } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/1 person attended this session.*correct it instead/);
    // Nothing changed.
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: s.trainer })).json.status).toBe('scheduled');
    expect((await t.request('GET', '/api/reach/coverage', { as: office })).json.totals.attended).toBe(1);
    expect((await t.mails('session_cancelled')).length).toBe(0);
    // Entered twice, say: once the register says nobody attended, it can go.
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended: false } })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: { reason: 'entered twice' } })).status).toBe(200);
    expect((await t.request('GET', '/api/reach/coverage', { as: office })).json.totals.attended).toBe(0);
  });

  it('cancelled before that was refused (older data), counts nowhere: coverage, completions, the training record and certificates', async () => {
    const { s, office, course, ann, org, bookingId } = await held();
    // Before: attended, completed, on the record, certified.
    expect((await t.request('GET', '/api/reach/coverage', { as: office })).json.totals.attended).toBe(1);
    expect((await t.request('GET', `/api/courses/${course.id}/certificate.pdf`, { as: ann })).status).toBe(200);
    const cert = await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: ann });
    expect(cert.status).toBe(200);

    await t.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', s.id).execute();
    const cov = (await t.request('GET', '/api/reach/coverage', { as: office })).json;
    expect(cov.totals.attended).toBe(0);
    expect(cov.totals.completed[course.id] ?? 0).toBe(0);
    expect((await courseCompletionsFor(t.db, [ann.id])).get(ann.id) ?? []).toEqual([]);
    expect((await t.request('GET', `/api/courses/${course.id}/certificate.pdf`, { as: ann })).status).not.toBe(200);
    expect((await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: ann })).status).not.toBe(200);
    expect((await t.request('GET', '/api/me/completions', { as: ann })).json.items).toEqual([]);
    expect((await t.request('GET', `/api/orgs/${org.id}/completions`, { as: office })).json.items).toEqual([]);
  });
});
