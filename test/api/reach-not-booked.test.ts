/**
 * Staff not yet booked, a page at a time (`GET /api/reach/not-booked?limit=&offset=&q=`): the
 * whole programme has hundreds of thousands of staff, so the list is paged and counted in the
 * database (the same statements for 3 people as for 70), found by name or email (any case, `%`
 * and `_` literal), always in the same order (organisation, name, id), within the viewer's
 * scope; the spreadsheet still holds everyone.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext, openTestDb, statementCounter, type TestContext, type TestUser } from '../helpers.js';

type Person = { userId: string; name: string; email: string; orgName: string; canBook: boolean };
type Listed = { items: Person[]; total: number; hasMore: boolean; downloadable: boolean };

const pad = (i: number) => String(i).padStart(2, '0');
/** Alder's 70: person i is "Staff <i/2>" (two of each name, told apart by id), nb<i>@alder.example.org. */
const alderName = (i: number) => `Staff ${pad(Math.floor(i / 2))}`;
const alderId = (i: number) => `nb-alder-${String(i).padStart(3, '0')}`;

let t: TestContext;
/** Every statement the app runs, counted. */
const counter = statementCounter();
let admin: TestUser, birchOffice: TestUser, trustOffice: TestUser;
let trust: { id: string }, alder: { id: string }, birch: { id: string };
/** A member of staff, written straight into the database. */
const row = (id: string, name: string, email: string, orgId: string) => ({
  id, email, name, role: 'staff' as const, org_id: orgId,
  password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
});

beforeAll(async () => {
  const database = await openTestDb();
  // A report may hold 75 people: each school's list fits, the programme's (76) does not.
  t = await makeTestContext({ now: '2026-02-20T12:00:00.000Z', config: { maxReportBookings: 75 }, database: { ...database, db: database.db.withPlugin(counter.plugin) } });
  admin = await t.user('admin');
  const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string };
  trust = await org({ name: 'Oak Trust', kind: 'trust' });
  alder = await org({ name: 'Alder School', parentId: trust.id });
  birch = await org({ name: 'Birch School', parentId: trust.id });
  // Office staff are part of the workforce (not yet booked too): Alder has none, so it holds exactly the 70.
  birchOffice = await t.user('office', birch.id, 'Zed Birch-Office');
  trustOffice = await t.user('office', trust.id, 'Olive Trust-Office');
  // Written in a jumbled order, so the order answered is the one asked for, not the order they were made.
  const order = Array.from({ length: 70 }, (_, k) => (k * 29) % 70);
  await t.db.insertInto('users').values(order.map((i) => row(alderId(i), alderName(i), `nb${i}@alder.example.org`, alder.id))).execute();
  await t.db.insertInto('users').values([row('nb-birch-percy', 'Percy 100% Ready', 'percy@birch.example.org', birch.id), row('nb-birch-una', 'Una Score', 'una_score@birch.example.org', birch.id)]).execute();
}, 60_000);
afterAll(async () => {
  await t.close();
});

const list = async (as: TestUser, query = '') => {
  const r = await t.request('GET', `/api/reach/not-booked${query}`, { as });
  expect(r.status, query).toBe(200);
  return r.json as Listed;
};
const names = (l: Listed) => l.items.map((p) => p.name);
const ids = (l: Listed) => l.items.map((p) => p.userId);
/** Alder's people in the order asked for: by name, then id. */
const alderAll = Array.from({ length: 70 }, (_, i) => i);

describe('staff not yet booked, a page at a time', () => {
  it('answers the first 50 by organisation, name and id, how many there are in all, and that there are more', async () => {
    const first = await list(admin, `?orgId=${alder.id}`);
    expect(first.items).toHaveLength(50);
    expect(first).toMatchObject({ total: 70, hasMore: true, downloadable: true });
    expect(ids(first)).toEqual(alderAll.slice(0, 50).map(alderId));
    expect(names(first).slice(0, 4)).toEqual(['Staff 00', 'Staff 00', 'Staff 01', 'Staff 01']);
    expect(first.items[0]).toMatchObject({ email: 'nb0@alder.example.org', orgName: 'Alder School', canBook: true });
  });

  it('answers the next page after it, and any page asked for, in the same order', async () => {
    const second = await list(admin, `?orgId=${alder.id}&offset=50`);
    expect(ids(second)).toEqual(alderAll.slice(50).map(alderId));
    expect(second).toMatchObject({ total: 70, hasMore: false });
    expect(ids(await list(admin, `?orgId=${alder.id}&limit=7&offset=10`))).toEqual(alderAll.slice(10, 17).map(alderId));
    expect(await list(admin, `?orgId=${alder.id}&limit=200`)).toMatchObject({ total: 70, hasMore: false });
    expect(await list(admin, `?orgId=${alder.id}&offset=70`)).toMatchObject({ items: [], total: 70, hasMore: false });
    expect(await list(admin, `?orgId=${alder.id}&limit=70`)).toMatchObject({ total: 70, hasMore: false });
    expect(await list(admin, `?orgId=${alder.id}&limit=69`)).toMatchObject({ total: 70, hasMore: true });
    // Pages of 13 put together are the whole list, each person once.
    const pages: string[] = [];
    for (let offset = 0; offset < 70; offset += 13) pages.push(...ids(await list(admin, `?orgId=${alder.id}&limit=13&offset=${offset}`)));
    expect(pages).toEqual(alderAll.map(alderId));
  });

  it('the whole programme: by organisation, then name', async () => {
    const all = await list(admin, '?limit=200');
    expect(all).toMatchObject({ total: 70 + 4, hasMore: false });
    expect(all.items.map((p) => p.orgName)).toEqual([...Array(70).fill('Alder School'), 'Birch School', 'Birch School', 'Birch School', 'Oak Trust']);
    expect(names(all).slice(70)).toEqual(['Percy 100% Ready', 'Una Score', 'Zed Birch-Office', 'Olive Trust-Office']);
  });

  it('finds people by name, any case, or by any part of their email, saying how many match in all', async () => {
    const byName = await list(admin, `?orgId=${alder.id}&q=${encodeURIComponent('sTaFf 1')}`);
    expect(byName).toMatchObject({ total: 20, hasMore: false });
    expect(ids(byName)).toEqual(alderAll.slice(20, 40).map(alderId));
    const paged = await list(admin, `?orgId=${alder.id}&q=staff%200&limit=6&offset=6`);
    expect(paged).toMatchObject({ total: 20, hasMore: true });
    expect(ids(paged)).toEqual(alderAll.slice(6, 12).map(alderId));
    expect(ids(await list(admin, `?orgId=${alder.id}&q=NB7%40`))).toEqual([alderId(7)]);
    expect((await list(admin, '?q=ALDER.example')).total).toBe(70);
    expect((await list(admin, '?q=%20%20percy%20')).items.map((p) => p.name)).toEqual(['Percy 100% Ready']);
    expect(await list(admin, '?q=nobody%20like%20this')).toMatchObject({ items: [], total: 0, hasMore: false });
    // An empty search is no search.
    expect((await list(admin, `?orgId=${alder.id}&q=`)).total).toBe(70);
  });

  it('takes "%" and "_" literally, not as wildcards', async () => {
    expect(names(await list(admin, '?q=%25'))).toEqual(['Percy 100% Ready']);
    expect(names(await list(admin, `?orgId=${alder.id}&q=%25`))).toEqual([]);
    expect(names(await list(admin, '?q=_'))).toEqual(['Una Score']);
    expect(names(await list(admin, '?q=a_s'))).toEqual(['Una Score']);
    expect((await list(admin, '?q=staff_0')).total).toBe(0);
  });

  it('says whether the whole list downloads, whatever the search finds', async () => {
    // The programme's 74 people... and Alder's 70 fit in a report of 75; a search does not change that.
    expect((await list(admin, '?q=percy')).downloadable).toBe(true);
    const extra = [row('nb-extra-1', 'Extra One', 'extra1@birch.example.org', birch.id), row('nb-extra-2', 'Extra Two', 'extra2@birch.example.org', birch.id)];
    await t.db.insertInto('users').values(extra).execute();
    try {
      expect(await list(admin, '?q=percy')).toMatchObject({ total: 1, downloadable: false });
      expect(await list(admin, `?orgId=${alder.id}`)).toMatchObject({ total: 70, downloadable: true });
      expect((await t.request('GET', '/api/reach/coverage.csv?figure=not_booked', { as: admin })).status).toBe(422);
    } finally {
      await t.db.deleteFrom('users').where('id', 'in', ['nb-extra-1', 'nb-extra-2']).execute();
    }
    expect((await list(admin)).downloadable).toBe(true);
  });

  it('keeps an office to its own organisation, whatever it searches for', async () => {
    const own = await list(birchOffice);
    expect(names(own)).toEqual(['Percy 100% Ready', 'Una Score', 'Zed Birch-Office']);
    expect(own).toMatchObject({ total: 3, hasMore: false });
    expect(own.items.every((p) => p.canBook)).toBe(true);
    expect(await list(birchOffice, '?q=staff')).toMatchObject({ items: [], total: 0 });
    expect(await list(birchOffice, '?q=alder.example')).toMatchObject({ items: [], total: 0 });
    for (const query of [`?orgId=${alder.id}`, `?orgId=${alder.id}&q=staff`, `?orgId=${trust.id}&limit=200`]) {
      const r = await t.request('GET', `/api/reach/not-booked${query}`, { as: birchOffice });
      expect(r.status, query).toBe(403);
      expect(r.json.error.code).toBe('forbidden');
    }
    // A trust's office sees (and books) every school's people in its trust.
    const trustWide = await list(trustOffice, '?q=staff%200');
    expect(trustWide).toMatchObject({ total: 20, hasMore: false });
    expect(trustWide.items.every((p) => p.orgName === 'Alder School' && p.canBook)).toBe(true);
    expect((await list(trustOffice)).total).toBe(74);
    expect(ids(await list(trustOffice, `?orgId=${alder.id}&offset=50`))).toEqual(alderAll.slice(50).map(alderId));
  });

  it('refuses a limit, offset or search it cannot take with 400, saying which', async () => {
    for (const [bad, field] of [['?limit=0', 'limit'], ['?limit=201', 'limit'], ['?limit=ten', 'limit'], ['?limit=1.5', 'limit'], ['?offset=-1', 'offset'], ['?offset=1000001', 'offset'], ['?offset=x', 'offset'], [`?q=${'x'.repeat(201)}`, 'q']]) {
      const r = await t.request('GET', `/api/reach/not-booked${bad}`, { as: admin });
      expect(r.status, bad).toBe(400);
      expect(r.json.error.code).toBe('validation_failed');
      expect(r.json.error.details.issues[0].path).toBe(field);
    }
    // Text a database cannot hold (a NUL) is refused or finds nobody: never a 500.
    const nul = await t.request('GET', '/api/reach/not-booked?q=a%00b', { as: admin });
    expect(nul.status).toBeLessThan(500);
  });

  it('pages and counts in the database: the same statements for a school of 3 as for one of 70, found or not', async () => {
    const count = async (query: string) => {
      counter.count = 0;
      const answer = await list(admin, query);
      return { statements: counter.count, answer };
    };
    const few = await count(`?orgId=${birch.id}`);
    expect(few.answer).toMatchObject({ total: 3, hasMore: false });
    const many = await count(`?orgId=${alder.id}`);
    expect(many.answer.items).toHaveLength(50);
    expect(many.answer).toMatchObject({ total: 70, hasMore: true });
    expect(many.statements).toBe(few.statements);
    const found = await count(`?orgId=${alder.id}&q=staff&offset=60`);
    expect(found.answer.items).toHaveLength(10);
    expect(found.statements).toBe(few.statements);
  });

  it('downloads every one as CSV, not one page nor those found', async () => {
    const r = await t.request('GET', `/api/reach/coverage.csv?figure=not_booked&orgId=${alder.id}&limit=5&q=Staff%2001`, { as: admin });
    expect(r.status).toBe(200);
    const rows = parse(r.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(70);
    expect(rows.map((x) => x.email).sort()).toEqual(alderAll.map((i) => `nb${i}@alder.example.org`).sort());
  });
});
