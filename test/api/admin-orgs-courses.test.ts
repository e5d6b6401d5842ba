/** Administrators: organisations under trusts and local authorities, unique DfE URNs, settings; courses and who may run them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('organisations', () => {
  it('schools sit under a trust or local authority; URNs are validated and unique; settings are kept; search by name or URN', async () => {
    const admin = await t.user('admin');
    const trust = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Oak Learning Trust', kind: 'trust' } });
    expect(trust.status).toBe(201);
    const school = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Hill Primary', urn: '123456', parentId: trust.json.id, settings: { travelBufferMinutes: 45 } } });
    expect(school.status).toBe(201);
    expect(school.json).toMatchObject({ kind: 'school', urn: '123456', parentId: trust.json.id, settings: { travelBufferMinutes: 45 } });

    const taken = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Copy', urn: '123456' } });
    expect(taken.status).toBe(409);
    expect(taken.json.error.details.issues[0].path).toBe('urn');
    const badUrn = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Typo', urn: '12a456' } });
    expect(badUrn.status).toBe(400);
    expect(badUrn.json.error.details.issues[0].path).toBe('urn');
    const underSchool = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Nursery', kind: 'nursery', parentId: school.json.id } });
    expect(underSchool.status).toBe(400);
    expect(underSchool.json.error.message).toBe('The parent must be a trust or a local authority.');

    const la = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Shire County Council', kind: 'local_authority' } })).json;
    const moved = await t.request('PATCH', `/api/orgs/${school.json.id}`, { as: admin, body: { parentId: la.id, settings: { weekAStart: '2026-01-05', travelBufferMinutes: 20 } } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ parentId: la.id, settings: { weekAStart: '2026-01-05', travelBufferMinutes: 20 } });
    const other = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Vale Academy', urn: '654321' } })).json;
    expect((await t.request('PATCH', `/api/orgs/${other.id}`, { as: admin, body: { urn: '123456' } })).status).toBe(409);
    // A trust with schools under it stays a trust.
    expect((await t.request('PATCH', `/api/orgs/${la.id}`, { as: admin, body: { kind: 'school' } })).status).toBe(400);
    expect((await t.request('PATCH', `/api/orgs/${la.id}`, { as: admin, body: { parentId: trust.json.id } })).status).toBe(400);

    const found = await t.request('GET', '/api/orgs?q=hill', { as: admin });
    expect(found.json.items.map((o: any) => o.name)).toEqual(['Hill Primary']);
    expect((await t.request('GET', '/api/orgs?q=654321', { as: admin })).json.items.map((o: any) => o.name)).toEqual(['Vale Academy']);

    const trainer = await t.user('trainer');
    expect((await t.request('PATCH', `/api/orgs/${other.id}`, { as: trainer, body: { name: 'Mine now' } })).status).toBe(403);
    const office = await t.user('office', other.id);
    expect((await t.request('PATCH', `/api/orgs/${other.id}`, { as: office, body: { name: 'Mine now' } })).status).toBe(403);
    expect((await t.request('GET', '/api/orgs?q=654321', { as: admin })).json.items[0].name).toBe('Vale Academy');
  });
});

/**
 * Saving from a page loaded before another administrator's change: the page sends only what
 * it changed, with what it had read of those fields (`was`), and a field someone else changed
 * meanwhile is not saved over (409 changed_meanwhile); what they changed elsewhere stays.
 */
describe('changing an organisation from a page that is out of date', () => {
  async function world() {
    const admin = await t.user('admin');
    const trust1 = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Trust One', kind: 'trust' } })).json;
    const trust2 = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Trust Two', kind: 'trust' } })).json;
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Hill Primary', parentId: trust1.id, settings: { travelBufferMinutes: 20 } } })).json;
    return { admin, trust1, trust2, school };
  }
  const get = async (id: string, as: any) => (await t.request('GET', `/api/orgs/${id}`, { as })).json;

  it('a URN saved from a page that still shows the old trust leaves the school in its new trust', async () => {
    const { admin, trust1, trust2, school } = await world();
    const other = await t.user('admin');
    const loaded = await get(school.id, other); // B's page, loaded first
    expect(loaded.parentId).toBe(trust1.id);
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId: trust2.id, was: { parentId: trust1.id } } })).status).toBe(200);

    const saved = await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { urn: '123456', was: { urn: loaded.urn } } });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ urn: '123456', parentId: trust2.id, placesGivenUp: 0, holdsReleased: 0 });
    expect(await get(school.id, admin)).toMatchObject({ urn: '123456', parentId: trust2.id, settings: { travelBufferMinutes: 20 } });
  });

  it('a field someone else changed meanwhile is not saved over: 409 naming it, with the organisation as it now is, and nothing saved', async () => {
    const { admin, trust1, trust2, school } = await world();
    const other = await t.user('admin');
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId: trust2.id, urn: '654321', was: { parentId: trust1.id, urn: null } } })).status).toBe(200);

    // B's page still says Trust One and no URN; B took it out of its trust, and changed its name and URN.
    const refused = await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { name: 'Hill Primary School', parentId: null, urn: '111111', was: { name: 'Hill Primary', parentId: trust1.id, urn: null } } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('changed_meanwhile');
    expect(refused.json.error.message).toBe('Someone else has changed this organisation’s URN and trust or local authority since you read it, so nothing was saved. Look at it as it is now, and make your change again if you still want it.');
    expect(refused.json.error.details.issues.map((i: any) => i.path)).toEqual(['urn', 'parentId']);
    expect(refused.json.error.details.organisation).toMatchObject({ id: school.id, name: 'Hill Primary', urn: '654321', parentId: trust2.id, parentName: 'Trust Two' });
    // Nothing of B's was saved, not even the name nobody else changed; no place was given up.
    expect(await get(school.id, admin)).toMatchObject({ name: 'Hill Primary', urn: '654321', parentId: trust2.id });

    // The same change made the same way by both is no conflict.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { name: 'Hill Primary School', was: { name: 'Hill Primary' } } })).status).toBe(200);
    // Nor is a save whose page read what is there now.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { urn: '111111', was: { urn: '654321' } } })).json).toMatchObject({ name: 'Hill Primary School', urn: '111111', parentId: trust2.id });
  });

  it('settings: only those the page changed are changed, on the settings as they now are; one changed by both is refused', async () => {
    const { admin, school } = await world();
    const other = await t.user('admin');
    const loaded = (await get(school.id, other)).settings;
    expect(loaded).toEqual({ travelBufferMinutes: 20 });
    // A sets Week A; B's page (loaded before) changes the travel time, and sends its settings whole.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { settings: { ...loaded, weekAStart: '2026-09-07' }, was: { settings: loaded } } })).status).toBe(200);
    const b = await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { settings: { travelBufferMinutes: 45 }, was: { settings: loaded } } });
    expect(b.status).toBe(200);
    expect(b.json.settings).toEqual({ travelBufferMinutes: 45, weekAStart: '2026-09-07' });

    // A's page (which read 20) clears the travel time that B has since set to 45: refused, named.
    const clash = await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { settings: { weekAStart: '2026-09-07' }, was: { settings: { travelBufferMinutes: 20, weekAStart: '2026-09-07' } } } });
    expect(clash.status).toBe(409);
    expect(clash.json.error.details.issues).toEqual([{ path: 'settings.travelBufferMinutes', message: 'has been changed by someone else since you opened this page' }]);
    expect(clash.json.error.message).toContain('travel time');
    expect((await get(school.id, admin)).settings).toEqual({ travelBufferMinutes: 45, weekAStart: '2026-09-07' });
    // Cleared from a page that read 45: gone, Week A kept.
    const cleared = await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { settings: { weekAStart: '2026-09-07' }, was: { settings: { travelBufferMinutes: 45, weekAStart: '2026-09-07' } } } });
    expect(cleared.json.settings).toEqual({ weekAStart: '2026-09-07' });
    // Without `was`, settings are replaced whole, as before.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { settings: {} } })).json.settings).toEqual({});
  });

  it('two saves from pages that read the same name, at once: one is saved, the other refused', async () => {
    const { admin, school } = await world();
    const other = await t.user('admin');
    const answers = await Promise.all([
      t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { name: 'Hill Primary A', was: { name: 'Hill Primary' } } }),
      t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { name: 'Hill Primary B', was: { name: 'Hill Primary' } } }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!.json.name;
    expect((await get(school.id, admin)).name).toBe(won);
    expect(answers.find((a) => a.status === 409)!.json.error.details.organisation.name).toBe(won);
  });

  it('`was` alone changes nothing (400), and is checked for size only', async () => {
    const { admin, school } = await world();
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { was: { name: 'Hill Primary' } } })).status).toBe(400);
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { name: 'X', was: { name: 'x'.repeat(1001) } } })).status).toBe(400);
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { name: 'X', was: { colour: 'red' } } })).status).toBe(400);
  });
});

describe('changing and deleting courses', () => {
  it('administrators change a course’s title and description, checked as when it is added; a rename to a title another course has (any case, spaces aside) is refused; a duplicate added is deleted', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const basics = (await t.request('POST', '/api/courses', { as: trainer, body: { title: 'SEND Basics' } })).json;
    // Adding one of the same title is not refused (scripts that add a course again must not fail); an administrator deletes it.
    const typo = await t.request('POST', '/api/courses', { as: trainer, body: { title: '  send basics ' } });
    expect(typo.status).toBe(201);
    const typoRenamed = await t.request('PATCH', `/api/courses/${typo.json.id}`, { as: admin, body: { title: 'SEND BASICS ' } });
    expect(typoRenamed.status).toBe(409);
    expect(typoRenamed.json.error.message).toBe('There is already a course called “SEND Basics”. Use that course, or give this one another title.');
    expect(typoRenamed.json.error.details.issues).toEqual([{ path: 'title', message: 'is already the title of another course (“SEND Basics”)' }]);
    expect((await t.request('DELETE', `/api/courses/${typo.json.id}`, { as: admin })).status).toBe(204);

    const other = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Autism in class' } })).json;
    const renamed = await t.request('PATCH', `/api/courses/${other.id}`, { as: admin, body: { title: '  Autism in the classroom ', description: 'Two parts.\nBring a case study.' } });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id: other.id, title: 'Autism in the classroom', description: 'Two parts.\nBring a case study.', partsRequired: 1 });
    const clash = await t.request('PATCH', `/api/courses/${other.id}`, { as: admin, body: { title: 'SEND BASICS' } });
    expect(clash.status).toBe(409);
    expect(clash.json.error.details.issues[0].path).toBe('title');
    // Its own title in another case is no clash.
    expect((await t.request('PATCH', `/api/courses/${basics.id}`, { as: admin, body: { title: 'SEND basics' } })).json.title).toBe('SEND basics');
    // The completion rule is changed as before, the rest kept.
    expect((await t.request('PATCH', `/api/courses/${other.id}`, { as: admin, body: { partsRequired: 2 } })).json).toMatchObject({ title: 'Autism in the classroom', description: 'Two parts.\nBring a case study.', partsRequired: 2 });

    for (const body of [{ title: '' }, { title: '   ' }, { title: 'Two\nlines' }, { title: 'x'.repeat(201) }, { description: 'x'.repeat(10_001) }, {}, { colour: 'red' }]) {
      expect((await t.request('PATCH', `/api/courses/${other.id}`, { as: admin, body })).status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await t.request('PATCH', `/api/courses/${other.id}`, { as: trainer, body: { title: 'Mine' } })).status).toBe(403);
    expect((await t.request('PATCH', '/api/courses/00000000-0000-4000-8000-000000000000', { as: admin, body: { title: 'Gone' } })).status).toBe(404);
    const titles = (await t.request('GET', '/api/courses', { as: trainer })).json.items.map((c: any) => c.title);
    expect(titles.sort()).toEqual(['Autism in the classroom', 'SEND basics']);
  });

  it('a course is deleted once no session counts for it and its library is empty; until then 409 says why; its cancelled sessions then name no course', async () => {
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const keep = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND Basics' } })).json;
    const dup = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND basics (copy)' } })).json;
    expect((await t.request('PUT', `/api/courses/${dup.id}/trainers`, { as: admin, body: { trainerIds: [trainer.id] } })).status).toBe(200);
    const s1 = await t.session({ title: 'Basics 1', courseId: dup.id }, trainer);
    const s2 = await t.session({ title: 'Basics 2', courseId: dup.id, startsAt: '2026-03-12T16:00:00.000Z', endsAt: '2026-03-12T17:00:00.000Z' }, trainer);
    const gone = await t.session({ title: 'Basics 3', courseId: dup.id, startsAt: '2026-03-13T16:00:00.000Z', endsAt: '2026-03-13T17:00:00.000Z' }, trainer);
    expect((await t.request('POST', `/api/sessions/${gone.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);

    // What uses each course: to administrators only.
    const listed = (await t.request('GET', '/api/courses', { as: admin })).json.items;
    expect(listed.find((c: any) => c.id === dup.id).use).toEqual({ sessions: 2, cancelledSessions: 1, materials: 0 });
    expect(listed.find((c: any) => c.id === keep.id).use).toEqual({ sessions: 0, cancelledSessions: 0, materials: 0 });
    expect((await t.request('GET', '/api/courses', { as: trainer })).json.items.every((c: any) => c.use === undefined)).toBe(true);

    const refused = await t.request('DELETE', `/api/courses/${dup.id}`, { as: admin });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toBe('“SEND basics (copy)” cannot be deleted: 2 sessions use it. Move those sessions to another course first (on each session’s Edit page), or keep the course.');
    expect((await t.request('DELETE', `/api/courses/${dup.id}`, { as: trainer })).status).toBe(403);

    expect((await t.request('PATCH', `/api/sessions/${s1.id}`, { as: admin, body: { courseId: keep.id } })).status).toBe(200);
    const one = await t.request('DELETE', `/api/courses/${dup.id}`, { as: admin });
    expect(one.json.error.message).toBe('“SEND basics (copy)” cannot be deleted: 1 session uses it. Move that session to another course first (on each session’s Edit page), or keep the course.');
    expect((await t.request('PATCH', `/api/sessions/${s2.id}`, { as: admin, body: { courseId: keep.id } })).status).toBe(200);

    const link = await t.request('POST', `/api/courses/${dup.id}/materials/links`, { as: admin, body: { title: 'Slides', url: 'https://example.org/slides' } });
    expect(link.status).toBe(201);
    const withMaterial = await t.request('DELETE', `/api/courses/${dup.id}`, { as: admin });
    expect(withMaterial.status).toBe(409);
    expect(withMaterial.json.error.message).toBe('“SEND basics (copy)” cannot be deleted: its materials library holds 1 material. Delete it from the library first (sessions may be using it), or keep the course.');
    expect((await t.request('DELETE', `/api/materials/${link.json.id}`, { as: admin })).status).toBe(204);

    expect((await t.request('DELETE', `/api/courses/${dup.id}`, { as: admin })).status).toBe(204);
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.map((c: any) => c.id)).toEqual([keep.id]);
    expect((await t.request('GET', `/api/sessions/${gone.id}`, { as: admin })).json).toMatchObject({ courseId: null, status: 'cancelled' });
    expect((await t.request('GET', `/api/sessions/${s1.id}`, { as: admin })).json.courseId).toBe(keep.id);
    expect(await t.db.selectFrom('course_trainers').selectAll().where('course_id', '=', dup.id).execute()).toEqual([]);
    // No longer a column of coverage.
    const coverage = await t.request('GET', '/api/reach/coverage', { as: admin });
    expect(coverage.json.courses.map((c: any) => c.courseId)).toEqual([keep.id]);
    expect((await t.request('DELETE', `/api/courses/${dup.id}`, { as: admin })).status).toBe(404);
    // Its title is free again.
    expect((await t.request('POST', '/api/courses', { as: trainer, body: { title: 'SEND basics (copy)' } })).status).toBe(201);
  });

  it('renamed: the certificates printing the old title say replaced (what they certify stands; the course’s title changed), and downloading again issues them with the new one', async () => {
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND basics' } })).json;
    const s = await t.session({ title: 'Basics 1', courseId: course.id, startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z' });
    const me = await t.user('staff', (await t.org()).id, 'Ravi');
    const booking = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json.id;
    t.clock.set('2026-03-10T16:05:00.000Z');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booking}`, { as: s.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    t.clock.set('2026-03-10T18:00:00.000Z');
    await recordAttendanceOutcomes(t.deps);
    const issue = async () => {
      expect((await t.request('GET', `/api/bookings/${booking}/certificate.pdf`, { as: me })).status).toBe(200);
      expect((await t.request('GET', `/api/courses/${course.id}/certificate.pdf`, { as: me })).status).toBe(200);
      return t.db.selectFrom('certificates').select(['code', 'kind', 'course_title']).where('superseded_at', 'is', null).orderBy('kind').execute();
    };
    const verify = async (code: string) => (await t.request('GET', `/api/certificates/${code}`)).json;
    const first = await issue();
    expect(first.map((c) => c.course_title)).toEqual(['SEND basics', 'SEND basics']);
    for (const c of first) expect(await verify(c.code)).toMatchObject({ status: 'genuine' });

    expect((await t.request('PATCH', `/api/courses/${course.id}`, { as: admin, body: { title: 'SEND Basics' } })).status).toBe(200);
    for (const c of first) expect(await verify(c.code)).toMatchObject({ status: 'replaced', certificate: { code: c.code, courseTitle: 'SEND basics' }, changed: ['courseTitle'] });
    const second = await issue();
    expect(second.map((c) => c.course_title)).toEqual(['SEND Basics', 'SEND Basics']);
    for (const c of second) expect(await verify(c.code)).toMatchObject({ status: 'genuine', certificate: { courseTitle: 'SEND Basics' } });
    expect(second.map((c) => c.code)).not.toContain(first[0]!.code);
    // Only a course no session counts for can be deleted.
    expect((await t.request('DELETE', `/api/courses/${course.id}`, { as: admin })).status).toBe(409);
  });
});

describe('courses and their trainers', () => {
  it('a course that names its trainers is run only by them; admins set the list', async () => {
    const admin = await t.user('admin');
    const tara = await t.user('trainer', null, 'Tara');
    const tom = await t.user('trainer', null, 'Tom');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Autism basics' } })).json;
    const session = { title: 'Autism basics 1', courseId: course.id, mode: 'online', startsAt: '2026-03-10T16:00:00Z', endsAt: '2026-03-10T17:00:00Z', capacity: { online: 5 } };
    expect((await t.request('POST', '/api/sessions', { as: tom, body: session })).status).toBe(201); // no list: anyone

    const set = await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [tara.id] } });
    expect(set.status).toBe(200);
    expect(set.json.trainerIds).toEqual([tara.id]);
    expect((await t.request('GET', '/api/courses', { as: tom })).json.items.find((c: any) => c.id === course.id).trainerIds).toEqual([tara.id]);
    const refused = await t.request('POST', '/api/sessions', { as: tom, body: session });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe('Tom may not run sessions of this course.');
    expect((await t.request('POST', '/api/sessions', { as: tara, body: session })).status).toBe(201);

    expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: tara, body: { trainerIds: [tara.id, tom.id] } })).status).toBe(403);
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [staff.id] } })).status).toBe(400);
  });
});

describe('the trainers-only list', () => {
  it('finds every trainer however many people come before them by name (more than 100 people)', async () => {
    const admin = await t.user('admin', null, 'Aardvark Admin');
    const school = await t.org();
    for (let i = 0; i < 105; i++) await t.user('staff', school.id, `Abbott ${String(i).padStart(3, '0')}`);
    const zoe = await t.user('trainer', null, 'Zoe Trainer');
    const yan = await t.user('trainer', null, 'Yan Trainer');
    const firstHundred = await t.request('GET', '/api/users?limit=100', { as: admin });
    expect(firstHundred.json.items.map((p: any) => p.id)).not.toContain(zoe.id); // why a trainer list is needed
    const trainers = await t.request('GET', '/api/users?role=trainer', { as: admin });
    expect(trainers.status).toBe(200);
    expect(trainers.json).toEqual({ items: [expect.objectContaining({ name: 'Yan Trainer', role: 'trainer' }), expect.objectContaining({ id: zoe.id, name: 'Zoe Trainer' })], hasMore: false, total: 2 });
    const paged = await t.request('GET', '/api/users?role=trainer&limit=1&offset=1', { as: admin });
    expect(paged.json.items.map((p: any) => p.id)).toEqual([zoe.id]);
    expect((await t.request('GET', '/api/users?role=trainer&q=yan', { as: admin })).json.items.map((p: any) => p.id)).toEqual([yan.id]);
    expect((await t.request('GET', '/api/users?role=wizard', { as: admin })).status).toBe(400);
    expect((await t.request('GET', '/api/users?role=trainer', { as: zoe })).status).toBe(403);
  });
});

describe('people', () => {
  it('an administrator changes a role, moves a person to another organisation and sends a reset link; nobody else can', async () => {
    const admin = await t.user('admin');
    const hill = await t.org('Hill');
    const vale = await t.org('Vale');
    const sam = await t.user('staff', hill.id, 'Sam');
    const moved = await t.request('PUT', `/api/users/${sam.id}/placement`, { as: admin, body: { role: 'office', orgId: vale.id } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ role: 'office', orgId: vale.id, orgName: 'Vale' });
    const noOrg = await t.request('PUT', `/api/users/${sam.id}/placement`, { as: admin, body: { role: 'staff', orgId: null } });
    expect(noOrg.status).toBe(400);
    expect(noOrg.json.error.details.issues[0].path).toBe('orgId');
    expect((await t.request('GET', '/api/me', { as: sam })).json).toMatchObject({ role: 'office', orgId: vale.id });

    const office = await t.user('office', hill.id);
    const trainer = await t.user('trainer');
    for (const who of [office, trainer, sam]) {
      expect((await t.request('PUT', `/api/users/${sam.id}/placement`, { as: who, body: { role: 'admin', orgId: null } })).status).toBe(403);
      expect((await t.request('POST', `/api/users/${sam.id}/password-reset`, { as: who })).status).toBe(403);
    }
    const sent = await t.request('POST', `/api/users/${sam.id}/password-reset`, { as: admin });
    expect(sent.status).toBe(202);
    const mails = await t.db.selectFrom('outbox').select(['to_email', 'text_body']).where('kind', '=', 'password_reset').execute();
    expect(mails.map((m) => m.to_email)).toEqual([sam.email]);
    expect(mails[0]!.text_body).toMatch(/reset-password#token=/);
  });
});
