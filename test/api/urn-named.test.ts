/**
 * A URN another organisation has is refused naming that organisation to the administrator
 * (who may see every organisation), creating or changing one; nothing changes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-02T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

describe('a URN another organisation has', () => {
  it('is refused naming that organisation to an administrator, creating or changing one, and changes nothing', async () => {
    const admin = await t.user('admin');
    const first = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Hilltop Academy', urn: '123456' } });
    expect(first.status).toBe(201);
    const taken = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Valley School', urn: '123456' } });
    expect(taken.status).toBe(409);
    expect(taken.json.error.message).toBe('Another organisation, Hilltop Academy, already has this URN.');
    expect(taken.json.error.details.issues).toEqual([{ path: 'urn', message: 'is already used by another organisation, Hilltop Academy' }]);
    expect(await t.db.selectFrom('organisations').select('name').where('name', '=', 'Valley School').execute()).toEqual([]);

    const valley = await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Valley School' } });
    const changed = await t.request('PATCH', `/api/orgs/${valley.json.id}`, { as: admin, body: { urn: '123456' } });
    expect(changed.status).toBe(409);
    expect(changed.json.error.details.issues).toEqual([{ path: 'urn', message: 'is already used by another organisation, Hilltop Academy' }]);
    expect((await t.db.selectFrom('organisations').select('urn').where('id', '=', valley.json.id).executeTakeFirst())?.urn).toBeNull();

    // Nobody else can reach the refusal at all: only administrators create and change organisations.
    const office = await t.user('office', first.json.id, 'Olive Office');
    expect((await t.request('POST', '/api/orgs', { as: office, body: { name: 'Sneaky School', urn: '123456' } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/orgs/${first.json.id}`, { as: office, body: { urn: '123456' } })).status).toBe(403);
  });
});
