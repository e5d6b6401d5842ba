/**
 * Riverside Learning Trust (Tess, its office, books herself too) with Riverside Primary School
 * (Amy, Ben; Pat its office) and Hilltop Academy (Cat); Elm Trust with Brook School (Bea; Eve
 * its trust's office). Two programme sessions in March and Riverside Primary's own in-house
 * one (not the trust's to read, DESIGN.md invariant 12), booked: Tess, Amy, Ben, Cat and Bea on
 * the first; Amy and Cat on the second; Amy on the in-house one. For the trust office tests.
 */
import { expect } from 'vitest';
import type { TestContext, TestUser } from './helpers.js';

export async function riversideWorld(t: TestContext) {
  const admin = await t.user('admin');
  const mkOrg = async (body: Record<string, unknown>) => {
    const r = await t.request('POST', '/api/orgs', { as: admin, body });
    expect(r.status, r.text).toBe(201);
    return r.json as { id: string; name: string };
  };
  const trust = await mkOrg({ name: 'Riverside Learning Trust', kind: 'trust' });
  const primary = await mkOrg({ name: 'Riverside Primary School', parentId: trust.id });
  const hilltop = await mkOrg({ name: 'Hilltop Academy', parentId: trust.id });
  const other = await mkOrg({ name: 'Elm Trust', kind: 'trust' });
  const brook = await mkOrg({ name: 'Brook School', parentId: other.id });
  const tess = await t.user('office', trust.id, 'Tess Office');
  const primaryOffice = await t.user('office', primary.id, 'Pat Office');
  const elmOffice = await t.user('office', other.id, 'Eve Office');
  const amy = await t.user('staff', primary.id, 'Amy Primary');
  const ben = await t.user('staff', primary.id, 'Ben Primary');
  const cat = await t.user('staff', hilltop.id, 'Cat Hilltop');
  const bea = await t.user('staff', brook.id, 'Bea Brook');
  const trainer = await t.user('trainer');
  const first = await t.session({ title: 'Autism awareness', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', capacity: { online: 10 } }, trainer);
  const second = await t.session({ title: 'Makaton basics', startsAt: '2026-03-12T16:00:00.000Z', endsAt: '2026-03-12T17:00:00.000Z', capacity: { online: 10 } }, trainer);
  const inset = await t.session({ title: 'Primary INSET', startsAt: '2026-03-11T16:00:00.000Z', endsAt: '2026-03-11T17:00:00.000Z', capacity: { online: 10 }, audience: { kind: 'organisation', orgId: primary.id } }, trainer);
  const booked: [TestUser, { id: string }, string][] = [];
  for (const [who, s] of [[tess, first], [amy, first], [ben, first], [cat, first], [amy, second], [cat, second], [bea, first], [amy, inset]] as const) {
    const r = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} });
    expect(r.status, r.text).toBe(201);
    booked.push([who, s, r.json.id]);
  }
  return { admin, trust, primary, hilltop, other, brook, tess, primaryOffice, elmOffice, amy, ben, cat, bea, trainer, first, second, inset, booked };
}
