/**
 * Organisations a page at a time (there may be tens of thousands of schools): GET /api/orgs
 * answers one page (limit, offset) with how many match in all (total) and whether more come
 * (hasMore), by name; q finds a name (any case) or a URN; kind (one or more, comma-separated)
 * and parent narrow it; each names the trust or local authority it sits under (parentName).
 * Office staff see their own organisation (first) and those under it, anyone else their own.
 * GET /api/orgs/{id} answers one the caller may see. The organisations seats may be held for
 * on a session come a page at a time too, searched the same way.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgKind } from '../../shared/accounts.js';
import { makeTestContext, type TestContext } from '../helpers.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

type Org = { id: string; name: string; kind: OrgKind; urn: string | null; parentId: string | null; parentName?: string | null };
type Page = { items: Org[]; hasMore: boolean; total: number };

/** Organisations written straight to the database (quicker than one request each). */
async function orgs(rows: { name: string; kind?: OrgKind; urn?: string; parentId?: string }[]) {
  const made = rows.map((r) => ({ id: randomUUID(), name: r.name, kind: r.kind ?? 'school', urn: r.urn ?? null, parent_id: r.parentId ?? null, time_zone: 'Europe/London', settings: '{}', created_at: t.clock.now().toISOString() }));
  for (let i = 0; i < made.length; i += 100) await t.db.insertInto('organisations').values(made.slice(i, i + 100)).execute();
  return made.map((m) => ({ id: m.id, name: m.name }));
}

const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${prefix} ${String(i).padStart(3, '0')}` }));
const names = (p: Page) => p.items.map((o) => o.name);

describe('GET /api/orgs, a page at a time', () => {
  it('answers the page asked for, by name, with how many in all and whether more come', async () => {
    const admin = await t.user('admin');
    await orgs(numbered('Paged School', 120));
    const get = async (query: string) => {
      const r = await t.request('GET', `/api/orgs${query}`, { as: admin });
      expect(r.status).toBe(200);
      return r.json as Page;
    };

    const first = await get('?limit=50&offset=0');
    expect(first.items).toHaveLength(50);
    expect(first).toMatchObject({ total: 120, hasMore: true });
    expect(names(first)).toEqual(numbered('Paged School', 50).map((o) => o.name));
    // Without limit or offset: the first 50.
    expect(names(await get(''))).toEqual(names(first));

    const second = await get('?limit=50&offset=50');
    expect(names(second)[0]).toBe('Paged School 050');
    expect(second).toMatchObject({ total: 120, hasMore: true });
    const last = await get('?limit=50&offset=100');
    expect(names(last)).toEqual(numbered('Paged School', 120).slice(100).map((o) => o.name));
    expect(last).toMatchObject({ total: 120, hasMore: false });
    // Past the end: nothing, and still how many there are.
    expect(await get('?limit=50&offset=120')).toEqual({ items: [], total: 120, hasMore: false });
    // Exactly to the end: no more.
    expect(await get('?limit=20&offset=100')).toMatchObject({ total: 120, hasMore: false });
    expect((await get('?limit=200')).items).toHaveLength(120);

    // Limits are kept to 1..200, offsets to 0 and over.
    for (const bad of ['?limit=0', '?limit=201', '?offset=-1', '?limit=ten']) {
      const r = await t.request('GET', `/api/orgs${bad}`, { as: admin });
      expect(r.status, bad).toBe(400);
      expect(r.json.error.code).toBe('validation_failed');
    }
  });

  it('finds a name, any case, or a URN exactly; narrows to kinds and to those under one organisation, each naming its parent', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Willow Learning Trust', kind: 'trust' } })).json as Org;
    const la = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Marsh County Council', kind: 'local_authority' } })).json as Org;
    await orgs([
      { name: 'Willow Primary', parentId: trust.id, urn: '700101' },
      { name: 'Willow Infants', kind: 'nursery', parentId: trust.id },
      { name: 'Marsh Academy', kind: 'college', parentId: la.id, urn: '700102' },
      { name: 'Lone Free School', urn: '7001011' },
    ]);
    const get = async (query: string) => (await t.request('GET', `/api/orgs?${query}`, { as: admin })).json as Page;

    // A name holds it, in any case.
    expect(names(await get('q=wILLow'))).toEqual(['Willow Infants', 'Willow Learning Trust', 'Willow Primary']);
    expect((await get('q=wILLow')).total).toBe(3);
    // A URN is found whole, not in part.
    expect(names(await get('q=700101'))).toEqual(['Willow Primary']);
    expect(names(await get('q=7001011'))).toEqual(['Lone Free School']);
    expect(await get('q=70010')).toEqual({ items: [], total: 0, hasMore: false });

    // Kinds: one, or several separated by commas.
    expect(names(await get('kind=trust'))).toEqual(['Willow Learning Trust']);
    expect(names(await get(`kind=${encodeURIComponent('trust,local_authority')}`))).toEqual(['Marsh County Council', 'Willow Learning Trust']);
    expect(names(await get('kind=trust,local_authority&q=marsh'))).toEqual(['Marsh County Council']);
    expect(names(await get('kind=nursery,college'))).toEqual(['Marsh Academy', 'Willow Infants']);
    const bad = await t.request('GET', '/api/orgs?kind=trust,academy', { as: admin });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(bad.json.error.details.issues[0].path).toBe('kind');
    expect(bad.json.error.details.issues[0].message).toContain('is not a kind of organisation');

    // Those directly under one organisation, each naming it.
    const under = await get(`parent=${trust.id}`);
    expect(under.items.map((o) => [o.name, o.parentId, o.parentName])).toEqual([
      ['Willow Infants', trust.id, 'Willow Learning Trust'],
      ['Willow Primary', trust.id, 'Willow Learning Trust'],
    ]);
    expect(under).toMatchObject({ total: 2, hasMore: false });
    expect((await get(`parent=${trust.id}&limit=1`)).total).toBe(2);
    expect((await get(`parent=${la.id}&kind=school`)).total).toBe(0);
    expect(await get(`parent=${randomUUID()}`)).toEqual({ items: [], total: 0, hasMore: false });
    // Those under nothing name nothing.
    const top = await get('q=lone');
    expect(top.items[0]).toMatchObject({ name: 'Lone Free School', parentId: null, parentName: null });
    expect((await get('q=marsh academy')).items[0]).toMatchObject({ kind: 'college', parentName: 'Marsh County Council' });
  });

  it('office staff see their organisation first and those under it; other staff only their own; trainers all', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Zinnia Trust', kind: 'trust' } })).json as Org;
    const other = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Aster Trust', kind: 'trust' } })).json as Org;
    const [alpha] = await orgs([{ name: 'Alpha School', parentId: trust.id }, { name: 'Beta School', parentId: trust.id }, { name: 'Gamma School', parentId: trust.id }]);
    const [elsewhere] = await orgs([{ name: 'Aardvark Academy', parentId: other.id }, { name: 'Beta Elsewhere' }]);
    const trustOffice = await t.user('office', trust.id);
    const get = async (as: typeof admin, query = '') => (await t.request('GET', `/api/orgs?${query}`, { as })).json as Page;

    // Their own first, though another sorts before it by name; then the rest by name; nothing else.
    const seen = await get(trustOffice);
    expect(names(seen)).toEqual(['Zinnia Trust', 'Alpha School', 'Beta School', 'Gamma School']);
    expect(seen).toMatchObject({ total: 4, hasMore: false });
    expect(seen.items[1]).toMatchObject({ parentName: 'Zinnia Trust' });
    const paged = await get(trustOffice, 'limit=2&offset=2');
    expect(names(paged)).toEqual(['Beta School', 'Gamma School']);
    expect(paged).toMatchObject({ total: 4, hasMore: false });
    expect(names(await get(trustOffice, 'limit=2'))).toEqual(['Zinnia Trust', 'Alpha School']);
    // A search keeps to them.
    expect(names(await get(trustOffice, 'q=beta'))).toEqual(['Beta School']);
    expect(names(await get(trustOffice, 'q=aardvark'))).toEqual([]);
    expect(names(await get(trustOffice, 'kind=school'))).toEqual(['Alpha School', 'Beta School', 'Gamma School']);

    // A school's office: its school only.
    const schoolOffice = await t.user('office', alpha!.id);
    expect(await get(schoolOffice)).toMatchObject({ items: [{ name: 'Alpha School', parentName: 'Zinnia Trust' }], total: 1, hasMore: false });
    // Staff: their own only, even at a trust.
    expect(names(await get(await t.user('staff', alpha!.id)))).toEqual(['Alpha School']);
    expect(names(await get(await t.user('staff', trust.id)))).toEqual(['Zinnia Trust']);
    expect(await get(await t.user('staff', alpha!.id), 'q=beta')).toEqual({ items: [], total: 0, hasMore: false });
    // In no organisation: none.
    expect(await get(await t.user('staff'))).toEqual({ items: [], total: 0, hasMore: false });
    // Trainers, like administrators, see every one.
    expect((await get(await t.user('trainer'))).total).toBe(7);
    expect((await get(admin, `parent=${other.id}`)).items.map((o) => o.id)).toEqual([elsewhere!.id]);
  });
});

describe('GET /api/orgs/{id}', () => {
  it('answers one organisation the caller may see, naming its parent; 404 for one they may not see, or none', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Hazel Trust', kind: 'trust' } })).json as Org;
    const otherTrust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Rowan Trust', kind: 'trust' } })).json as Org;
    const [ours] = await orgs([{ name: 'Hazel Primary', urn: '800001', parentId: trust.id }]);
    const [theirs] = await orgs([{ name: 'Rowan Primary', parentId: otherTrust.id }]);
    const get = (as: typeof admin, id: string) => t.request('GET', `/api/orgs/${encodeURIComponent(id)}`, { as });

    const one = await get(admin, ours!.id);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: ours!.id, name: 'Hazel Primary', kind: 'school', urn: '800001', parentId: trust.id, parentName: 'Hazel Trust', timeZone: 'Europe/London', settings: {} });
    expect((await get(admin, trust.id)).json).toMatchObject({ name: 'Hazel Trust', kind: 'trust', parentId: null, parentName: null });

    const office = await t.user('office', trust.id);
    expect((await get(office, trust.id)).status).toBe(200);
    expect((await get(office, ours!.id)).json).toMatchObject({ name: 'Hazel Primary', parentName: 'Hazel Trust' });
    // Another trust's school, or that trust: as if there were none.
    const notTheirs = await get(office, theirs!.id);
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.json.error.code).toBe('not_found');
    expect(notTheirs.text).not.toContain('Rowan Primary');
    expect((await get(office, otherTrust.id)).status).toBe(404);

    const staff = await t.user('staff', ours!.id);
    expect((await get(staff, ours!.id)).status).toBe(200);
    expect((await get(staff, trust.id)).status).toBe(404);
    expect((await get(await t.user('trainer'), theirs!.id)).status).toBe(200);

    // No such organisation.
    expect((await get(admin, randomUUID())).status).toBe(404);
    expect((await get(admin, 'no-such-org')).status).toBe(404);
    // Signed out: no.
    expect((await t.request('GET', `/api/orgs/${ours!.id}`)).status).toBe(401);
  });
});

describe('GET /api/sessions/{id}/holds/organisations, a page at a time', () => {
  it('pages and searches those seats may be held for; office staff find only theirs', async () => {
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Oak Trust', kind: 'trust' } })).json as Org;
    const [birch] = await orgs([{ name: 'Birch School', parentId: trust.id, urn: '900001' }, { name: 'Cedar School', parentId: trust.id }]);
    await orgs(numbered('Holding School', 60));
    const s = await t.session({ capacity: { online: 10 } });
    const get = async (as: typeof admin, query = '') => {
      const r = await t.request('GET', `/api/sessions/${s.id}/holds/organisations?${query}`, { as });
      expect(r.status).toBe(200);
      return r.json as { items: { id: string; name: string; urn: string | null }[]; hasMore: boolean; total: number };
    };

    // Its trainer: every organisation (the session is for the programme), 50 a page by default.
    const all = await get(s.trainer);
    expect(all.items).toHaveLength(50);
    expect(all).toMatchObject({ total: 63, hasMore: true });
    expect(all.items.slice(0, 3).map((o) => o.name)).toEqual(['Birch School', 'Cedar School', 'Holding School 000']);
    const rest = await get(s.trainer, 'limit=50&offset=50');
    expect(rest.items.map((o) => o.name)).toEqual([...numbered('Holding School', 60).slice(48).map((o) => o.name), 'Oak Trust']);
    expect(rest).toMatchObject({ total: 63, hasMore: false });
    // By name, any case, or URN.
    expect(await get(s.trainer, 'q=hOLDING school 05')).toMatchObject({ total: 10, hasMore: false });
    expect(await get(s.trainer, 'q=holding&limit=5')).toMatchObject({ total: 60, hasMore: true });
    expect((await get(s.trainer, 'q=900001')).items).toEqual([{ id: birch!.id, name: 'Birch School', urn: '900001' }]);
    expect((await get(admin, 'q=oak')).items.map((o) => o.name)).toEqual(['Oak Trust']);
    const bad = await t.request('GET', `/api/sessions/${s.id}/holds/organisations?limit=500`, { as: s.trainer });
    expect(bad.status).toBe(400);

    // A trust's office: the trust and its schools only, searched and paged among themselves.
    const office = await t.user('office', trust.id);
    const theirs = await get(office);
    expect(theirs.items.map((o) => o.name)).toEqual(['Birch School', 'Cedar School', 'Oak Trust']);
    expect(theirs).toMatchObject({ total: 3, hasMore: false });
    expect(await get(office, 'limit=2')).toMatchObject({ total: 3, hasMore: true });
    expect((await get(office, 'q=cedar')).items.map((o) => o.name)).toEqual(['Cedar School']);
    expect(await get(office, 'q=holding')).toEqual({ items: [], total: 0, hasMore: false });
    // A school's office: its school.
    expect((await get(await t.user('office', birch!.id))).items.map((o) => o.name)).toEqual(['Birch School']);
  });
});

describe("an organisation's people, a page at a time, and one person by id", () => {
  it('GET /api/orgs/{id}/users answers a page by name with the total, finds by name or email in any case, and stays within the organisations the caller books for', async () => {
    const [school, other] = await orgs([{ name: 'Many Staff College' }, { name: 'Elsewhere School' }]);
    const office = await t.user('office', school!.id, 'Aaron Office');
    for (let i = 0; i < 64; i++) await t.user('staff', school!.id, `Staff Member ${String(i).padStart(2, '0')}`);
    await t.user('staff', other!.id, 'Not Here');
    const get = async (query = '', as = office) => t.request('GET', `/api/orgs/${school!.id}/users${query}`, { as });

    const first = (await get()).json;
    expect(first.items).toHaveLength(50);
    expect(first).toMatchObject({ total: 65, hasMore: true });
    expect(first.items[0].name).toBe('Aaron Office');
    const last = (await get('?offset=50')).json;
    expect(last.items.map((p: { name: string }) => p.name)).toEqual(Array.from({ length: 15 }, (_, i) => `Staff Member ${String(49 + i).padStart(2, '0')}`));
    expect(last.hasMore).toBe(false);
    // Every person once, across the pages.
    expect(new Set([...first.items, ...last.items].map((p: { id: string }) => p.id)).size).toBe(65);

    const found = (await get('?q=MEMBER%2007')).json;
    expect(found.items.map((p: { name: string }) => p.name)).toEqual(['Staff Member 07']);
    expect(found.total).toBe(1);
    const byEmail = found.items[0].email.split('@')[0];
    expect((await get(`?q=${encodeURIComponent(byEmail.toUpperCase())}`)).json.items.map((p: { name: string }) => p.name)).toContain('Staff Member 07');
    expect((await get('?q=%25')).json.total).toBe(0); // % taken literally
    expect((await get('?limit=0')).status).toBe(400);
    expect((await get('?limit=201')).status).toBe(400);
    expect((await get('?offset=-1')).status).toBe(400);
    // Another school's office: refused.
    const otherOffice = await t.user('office', other!.id);
    expect((await get('', otherOffice)).status).toBe(403);
  });

  it('GET /api/users/{id} answers an administrator, the office staff of the person’s organisation and the person; anyone else is told there is no such person', async () => {
    const [school, other] = await orgs([{ name: 'Person School' }, { name: 'Other School' }]);
    const person = await t.user('staff', school!.id, 'Pat Person');
    const get = (as: Awaited<ReturnType<typeof t.user>>, id = person.id) => t.request('GET', `/api/users/${id}`, { as });
    for (const who of [await t.user('admin'), await t.user('office', school!.id), person]) {
      const res = await get(who);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ id: person.id, name: 'Pat Person', orgName: 'Person School' });
    }
    for (const who of [await t.user('office', other!.id), await t.user('staff', school!.id), await t.user('trainer')]) expect((await get(who)).status).toBe(404);
    expect((await get(await t.user('admin'), randomUUID())).status).toBe(404);
  });
});

describe('hostile search text', () => {
  it('organisation and people searches refuse text over 200 characters or with a control character (a NUL) on both databases alike, and take \\, %, _ and quotes literally', async () => {
    const admin = await t.user('admin');
    const [school] = await orgs([{ name: 'Under_score 100% School' }, { name: 'Plain School' }]);
    const office = await t.user('office', school!.id);
    const long = encodeURIComponent('x'.repeat(201));
    const nul = encodeURIComponent('Plain\u0000');
    const session = await t.session({ title: 'Hostile search', startsAt: '2026-03-10T10:00:00.000Z', endsAt: '2026-03-10T11:00:00.000Z' });
    for (const path of [`/api/orgs?q=${long}`, `/api/orgs/${school!.id}/users?q=${long}`, `/api/orgs?kind=${'school,'.repeat(40)}`, `/api/orgs?q=${nul}`, `/api/orgs/${school!.id}/users?q=${nul}`, `/api/sessions/${session.id}/holds/organisations?q=${nul}`]) {
      const res = await t.request('GET', path, { as: path.includes('/users') ? office : admin });
      expect(res.status, path).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
    for (const q of ['%', '_', '\\', "' or '1'='1"]) {
      const found = await t.request('GET', `/api/orgs?q=${encodeURIComponent(q)}`, { as: admin });
      expect(found.status, q).toBe(200);
      expect(found.json.items.map((o: { name: string }) => o.name), q).toEqual(q === '%' || q === '_' ? ['Under_score 100% School'] : []);
      expect((await t.request('GET', `/api/orgs/${school!.id}/users?q=${encodeURIComponent(q)}`, { as: office })).status, q).toBe(200);
    }
  });
});
