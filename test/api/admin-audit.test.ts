/**
 * Server sides of the audit of the administrators' pages (test/browser/admin-audit.test.ts).
 *
 * A trainer named on a course's list who stops being a trainer (made staff or school office
 * at a school) comes off that list: otherwise the course stays restricted to someone who can
 * no longer run it, the Courses page (which offers trainers only) cannot show them to untick,
 * and every later save of the course's trainers is refused ("Only trainers and administrators
 * can run sessions") with nothing the administrator can do about it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('a course’s trainers, when one of them stops being a trainer', () => {
  it('a trainer made staff comes off the courses that named them, so the list can still be saved', async () => {
    const admin = await t.user('admin');
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Hill Primary' } })).json as { id: string };
    const tara = await t.user('trainer', null, 'Tara Leaving');
    const sam = await t.user('trainer', null, 'Sam Staying');
    const nia = await t.user('trainer', null, 'Nia New');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Autism in the classroom' } })).json as { id: string };
    const other = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Speech and language' } })).json as { id: string };
    expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [tara.id, sam.id] } })).status).toBe(200);
    expect((await t.request('PUT', `/api/courses/${other.id}/trainers`, { as: admin, body: { trainerIds: [tara.id] } })).status).toBe(200);

    // Tara becomes a member of staff at a school.
    const moved = await t.request('PUT', `/api/users/${tara.id}/placement`, { as: admin, body: { role: 'staff', orgId: school.id } });
    expect(moved.status).toBe(200);

    const courses = (await t.request('GET', '/api/courses', { as: admin })).json.items as { id: string; trainerIds: string[] }[];
    // What the Courses page sends (the course's list as it has it, plus one more trainer ticked) is saved.
    const saved = await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [...courses.find((c) => c.id === course.id)!.trainerIds, nia.id] } });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect([...saved.json.trainerIds].sort()).toEqual([sam.id, nia.id].sort());
    expect(courses.find((c) => c.id === course.id)!.trainerIds).toEqual([sam.id]);
    // A course only she could run is no longer restricted to someone who cannot.
    expect(courses.find((c) => c.id === other.id)!.trainerIds).toEqual([]);
  });

  it('a trainer made an administrator, or moved between organisations as a trainer, stays on the list', async () => {
    const admin = await t.user('admin');
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Vale Academy' } })).json as { id: string };
    const tara = await t.user('trainer', null, 'Tara Promoted');
    const omar = await t.user('trainer', null, 'Omar Moving');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'ADHD and learning' } })).json as { id: string };
    expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [tara.id, omar.id] } })).status).toBe(200);
    expect((await t.request('PUT', `/api/users/${tara.id}/placement`, { as: admin, body: { role: 'admin', orgId: null } })).status).toBe(200);
    expect((await t.request('PUT', `/api/users/${omar.id}/placement`, { as: admin, body: { role: 'trainer', orgId: school.id } })).status).toBe(200);
    const courses = (await t.request('GET', '/api/courses', { as: admin })).json.items as { id: string; trainerIds: string[] }[];
    expect([...courses.find((c) => c.id === course.id)!.trainerIds].sort()).toEqual([tara.id, omar.id].sort());
  });
});
