import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext();
});
afterEach(async () => {
  await t.close();
});

const csv = { 'content-type': 'text/csv' };

describe('job roles', () => {
  it('imports an optional job_role column, by its word or its label, and says what is wrong with a bad one', async () => {
    const org = await t.org();
    const office = await t.user('office', org.id);
    const bad = 'name,email,role,job_role\nAmira Khan,amira@example.org,staff,teacher\nBen Evans,ben@example.org,staff,headteacher\nCara Day,cara@example.org,staff,=cmd()\n';
    const rejected = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: bad, headers: csv });
    expect(rejected.status).toBe(400);
    expect(rejected.json.error.details.rows).toEqual([
      { line: 3, message: expect.stringMatching(/^job_role "headteacher" is not one of: teacher, teaching_assistant, support_staff, leadership, early_years/) },
      { line: 4, message: expect.stringContaining('job_role "=cmd()"') },
    ]);
    expect(await t.db.selectFrom('users').select('id').where('email', 'in', ['amira@example.org', 'ben@example.org']).execute()).toEqual([]);

    const good = 'name,email,role,job_role\nAmira Khan,amira@example.org,staff,teacher\nBen Evans,ben@example.org,staff,Teaching assistant\nCara Day,cara@example.org,staff,\nDan Ode,dan@example.org,staff,EARLY-YEARS\n';
    const imported = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: good, headers: csv });
    expect(imported.status).toBe(201);
    const byName = Object.fromEntries(imported.json.users.map((u: { name: string; jobRole: string | null }) => [u.name, u.jobRole]));
    expect(byName).toEqual({ 'Amira Khan': 'teacher', 'Ben Evans': 'teaching_assistant', 'Cara Day': null, 'Dan Ode': 'early_years' });
    const stored = await t.db.selectFrom('users').select(['email', 'job_role']).where('email', 'in', ['amira@example.org', 'cara@example.org']).orderBy('email').execute();
    expect(stored).toEqual([{ email: 'amira@example.org', job_role: 'teacher' }, { email: 'cara@example.org', job_role: null }]);
    // A file without the column still imports (job role not stated).
    const plain = await t.request('POST', `/api/orgs/${org.id}/users/import`, { as: office, body: 'name,email\nEd Fox,ed@example.org\n', headers: csv });
    expect(plain.status).toBe(201);
    expect(plain.json.users[0].jobRole).toBeNull();
  });

  it('is set apart from the account role by an administrator, or the office for its own staff', async () => {
    const org = await t.org();
    const other = await t.org();
    const admin = await t.user('admin');
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id);
    const elsewhere = await t.user('staff', other.id);

    const byAdmin = await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { jobRole: 'leadership' } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json).toMatchObject({ role: 'staff', jobRole: 'leadership' });
    const byOffice = await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { jobRole: 'support_staff' } });
    expect(byOffice.status).toBe(200);
    expect(byOffice.json.jobRole).toBe('support_staff');
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: office, body: { jobRole: null } })).json.jobRole).toBeNull();

    expect((await t.request('PATCH', `/api/users/${elsewhere.id}`, { as: office, body: { jobRole: 'teacher' } })).status).toBe(404);
    // An office colleague's is an administrator's to change, and the refusal says so of this change.
    const colleague = await t.user('office', org.id);
    const refused = await t.request('PATCH', `/api/users/${colleague.id}`, { as: office, body: { jobRole: 'teacher' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe('Office staff can change staff accounts only; ask an administrator.');
    expect((await t.request('PATCH', `/api/users/${colleague.id}`, { as: office, body: { disabled: true } })).json.error.message).toBe('Office staff can turn off staff accounts only; ask an administrator.');
    expect((await t.request('PATCH', `/api/users/${staff.id}`, { as: staff, body: { jobRole: 'teacher' } })).status).toBe(403);
    const wrong = await t.request('PATCH', `/api/users/${staff.id}`, { as: admin, body: { jobRole: 'headteacher' } });
    expect(wrong.status).toBe(400);
    expect((await t.db.selectFrom('users').select('job_role').where('id', '=', staff.id).executeTakeFirstOrThrow()).job_role).toBeNull();

    const created = await t.request('POST', '/api/users', { as: office, body: { email: 'new@example.org', name: 'New Person', role: 'staff', jobRole: 'teacher' } });
    expect(created.status).toBe(201);
    expect(created.json.jobRole).toBe('teacher');
  });

  it('is stated by staff and office staff themselves on My account, and only theirs; bad input changes nothing', async () => {
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const office = await t.user('office', org.id);
    const trainer = await t.user('trainer');
    const mine = await t.request('PATCH', '/api/me', { as: staff, body: { jobRole: 'teaching_assistant' } });
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ id: staff.id, jobRole: 'teaching_assistant' });
    expect((await t.request('GET', '/api/me', { as: staff })).json.jobRole).toBe('teaching_assistant');
    // The office sees it on their card.
    const people = (await t.request('GET', `/api/orgs/${org.id}/users`, { as: office })).json.items;
    expect(people.find((p: { id: string }) => p.id === staff.id).jobRole).toBe('teaching_assistant');
    expect((await t.request('PATCH', '/api/me', { as: office, body: { jobRole: 'leadership' } })).json.jobRole).toBe('leadership');
    expect((await t.request('PATCH', '/api/me', { as: staff, body: { jobRole: null } })).json.jobRole).toBeNull();

    // Not a job role, another field, a trainer: refused, nothing changed.
    await t.request('PATCH', '/api/me', { as: staff, body: { jobRole: 'teacher' } });
    const bad = await t.request('PATCH', '/api/me', { as: staff, body: { jobRole: 'headteacher' } });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'validation_failed']);
    const sneaky = await t.request('PATCH', '/api/me', { as: staff, body: { jobRole: 'teacher', role: 'admin' } });
    expect([sneaky.status, sneaky.json.error.code]).toEqual([400, 'validation_failed']);
    const notCounted = await t.request('PATCH', '/api/me', { as: trainer, body: { jobRole: 'teacher' } });
    expect([notCounted.status, notCounted.json.error.code]).toEqual([403, 'forbidden']);
    const rows = await t.db.selectFrom('users').select(['id', 'role', 'job_role']).where('id', 'in', [staff.id, trainer.id]).orderBy('role').execute();
    expect(rows.map((r) => [r.role, r.job_role])).toEqual([['staff', 'teacher'], ['trainer', null]]);
  });
});
