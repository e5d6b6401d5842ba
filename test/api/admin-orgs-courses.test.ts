/** Administrators: organisations under trusts and local authorities, unique DfE URNs, settings; courses and who may run them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
