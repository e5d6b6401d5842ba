/**
 * Coverage of groups with nobody in them (a job role no one has, a school with no staff yet) and
 * of a trust's own people: the page's figures (JSON) and the spreadsheets say the same. A group
 * with no staff says "No staff" in its share columns (never a blank, nor "0"); a trust's own row
 * is named as the trust's own staff, not as one more school, and left out when it has no one.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
let admin: TestUser;
let trust: { id: string }, ash: { id: string }, empty: { id: string }, la: { id: string }, laSchool: { id: string };

beforeAll(async () => {
  t = await makeTestContext({ now: '2026-02-20T12:00:00.000Z' });
  admin = await t.user('admin');
  const org = async (body: Record<string, unknown>) => {
    const r = await t.request('POST', '/api/orgs', { as: admin, body });
    expect(r.status).toBe(201);
    return r.json as { id: string };
  };
  trust = await org({ name: 'Elm Trust', kind: 'trust' });
  ash = await org({ name: 'Ash Primary', parentId: trust.id });
  empty = await org({ name: 'Empty Infants', parentId: trust.id });
  la = await org({ name: 'Northshire Council', kind: 'local_authority' });
  laSchool = await org({ name: 'Northshire Nursery', kind: 'nursery', parentId: la.id });
  const teacher = await t.user('staff', ash.id, 'Tia Teacher');
  await t.db.updateTable('users').set({ job_role: 'teacher' }).where('id', '=', teacher.id).execute();
  await t.user('staff', ash.id, 'Una Unstated');
  await t.user('staff', laSchool.id, 'Nel Nursery');
  await t.user('office', la.id, 'Lou Council-Office');
}, 60_000);
afterAll(async () => {
  await t.close();
});

const coverage = async (orgId: string) => {
  const r = await t.request('GET', `/api/reach/coverage?orgId=${orgId}`, { as: admin });
  expect(r.status).toBe(200);
  return r.json as { byOrg: { orgId: string; name: string; staff: number; ownStaff?: string }[]; byOrgTotal: number; byOrgHighest: { orgId: string; ownStaff?: string } | null };
};
const csv = async (figure: string, orgId: string) => {
  const r = await t.request('GET', `/api/reach/coverage.csv?figure=${figure}&orgId=${orgId}`, { as: admin });
  expect(r.status).toBe(200);
  return parse(r.text, { columns: true, bom: true }) as Record<string, string>[];
};

describe('coverage of groups with nobody in them', () => {
  it('leaves out a trust’s own row when the trust itself has no staff, and lists its schools, one with no staff yet', async () => {
    const c = await coverage(trust.id);
    expect(c.byOrg.map((o) => [o.name, o.staff, o.ownStaff])).toEqual([
      ['Ash Primary', 2, undefined],
      ['Empty Infants', 0, undefined],
    ]);
    expect(c.byOrgTotal).toBe(2);
    const schools = await csv('schools', trust.id);
    expect(schools.map((r) => r.organisation)).toEqual(['Ash Primary', 'Empty Infants']);
  });

  it('says "No staff" in the spreadsheet’s share columns of a school and of job roles with nobody in them, as the page does', async () => {
    const schools = await csv('schools', trust.id);
    expect(schools.map((r) => [r.organisation, r.staff, r.booked, r['booked %'], r['attended %']])).toEqual([
      ['Ash Primary', '2', '0', '0', '0'],
      ['Empty Infants', '0', '0', 'No staff', 'No staff'],
    ]);
    const roles = await csv('roles', trust.id);
    expect(roles.map((r) => [r['job role'], r.staff, r['booked %'], r['attended %']])).toEqual([
      ['Teacher', '1', '0', '0'],
      ['Teaching assistant', '0', 'No staff', 'No staff'],
      ['Support staff', '0', 'No staff', 'No staff'],
      ['Leadership', '0', 'No staff', 'No staff'],
      ['Early years', '0', 'No staff', 'No staff'],
      ['Not stated', '1', '0', '0'],
    ]);
    // Not one share cell is left blank.
    for (const r of [...schools, ...roles]) for (const k of ['booked %', 'attended %']) expect(r[k], `${JSON.stringify(r)} ${k}`).not.toBe('');
  });

  it('names a local authority’s own staff as its own, not as a school, on the page and in the spreadsheet', async () => {
    const c = await coverage(la.id);
    expect(c.byOrg.map((o) => [o.orgId, o.name, o.staff, o.ownStaff])).toEqual([
      [la.id, 'Northshire Council', 1, 'local_authority'],
      [laSchool.id, 'Northshire Nursery', 1, undefined],
    ]);
    const rows = await csv('schools', la.id);
    expect(rows.map((r) => [r.organisation, r.staff])).toEqual([
      ['Northshire Council: the local authority’s own staff (not at a school)', '1'],
      ['Northshire Nursery', '1'],
    ]);
  });

  it('lists a trust’s own row once someone works for the trust itself, named as the trust’s own staff', async () => {
    const office = await t.user('office', trust.id, 'Tom Trust-Office');
    const c = await coverage(trust.id);
    expect(c.byOrg.map((o) => [o.name, o.staff, o.ownStaff])).toEqual([
      ['Ash Primary', 2, undefined],
      ['Elm Trust', 1, 'trust'],
      ['Empty Infants', 0, undefined],
    ]);
    // The trust's office sees the same.
    const theirs = (await t.request('GET', '/api/reach/coverage', { as: office })).json as { byOrg: { name: string; ownStaff?: string }[] };
    expect(theirs.byOrg.find((o) => o.name === 'Elm Trust')?.ownStaff).toBe('trust');
    const rows = await csv('schools', trust.id);
    expect(rows.map((r) => [r.organisation, r.staff, r['booked %']])).toEqual([
      ['Ash Primary', '2', '0'],
      ['Elm Trust: the trust’s own staff (not at a school)', '1', '0'],
      ['Empty Infants', '0', 'No staff'],
    ]);
    // The whole programme's rows are trusts, local authorities and schools, each its people together: none is a trust's own staff.
    const all = (await t.request('GET', '/api/reach/coverage', { as: admin })).json as { byOrg: { name: string; ownStaff?: string }[] };
    expect(all.byOrg.filter((o) => o.ownStaff)).toEqual([]);
  });
});
