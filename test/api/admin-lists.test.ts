/**
 * Administrators' lists, as an administrator reads them (both databases):
 *
 * - The Mail page's API (`GET /api/outbox`) pages (`limit`, `offset`, `total`), so every
 *   message can be reached, not only the newest; `to` finds any part of an address, any case,
 *   with `%`, `_` and `\` taken literally; and a page of messages not sent yet is rendered in
 *   a fixed number of statements, not a query (or three) per message.
 * - People (`GET /api/users`) says how many match in all (`total`), on every page.
 * - An organisation's in-house lead candidates (`GET /api/orgs/:id/lead-candidates`): its
 *   staff and its schools' staff in one request, bounded, searchable.
 * - A course's trainer list refused for naming someone who cannot run sessions names them,
 *   not their id.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDb, makeTestContext, sentOutboxRow as sentRow, statementCounter, type TestContext, type TestUser } from '../helpers.js';
import { runJobsOnce } from '../../server/jobs.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});


type Listed = { items: { id: string; to: string; subject: string; text: string; status: string }[]; total: number; limit: number; offset: number };

describe('the Mail page’s list (GET /api/outbox)', () => {
  it('pages through every message, newest first, with how many there are in all', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const rows = Array.from({ length: 260 }, (_, i) => sentRow(i, `person${i}@school.example`, admin.id));
    for (let i = 0; i < rows.length; i += 50) await t.db.insertInto('outbox').values(rows.slice(i, i + 50)).execute();

    const seen: string[] = [];
    for (const offset of [0, 100, 200]) {
      const r = await t.request('GET', `/api/outbox?limit=100&offset=${offset}`, { as: admin });
      expect(r.status).toBe(200);
      const page = r.json as Listed;
      expect(page).toMatchObject({ total: 260, limit: 100, offset });
      seen.push(...page.items.map((m) => m.subject));
    }
    // The oldest message, once beyond reach, is on the last page; none is listed twice.
    expect(seen).toHaveLength(260);
    expect(new Set(seen).size).toBe(260);
    expect(seen[0]).toBe('Choose a password 259');
    expect(seen.at(-1)).toBe('Choose a password 0');
    // Bounded like every list: no page of more than 500, no negative offset.
    expect((await t.request('GET', '/api/outbox?limit=501', { as: admin })).status).toBe(400);
    expect((await t.request('GET', '/api/outbox?offset=-1', { as: admin })).status).toBe(400);
    expect((await t.request('GET', `/api/outbox?to=${'a'.repeat(255)}`, { as: admin })).status).toBe(400);
  });

  it('finds messages by any part of the address, in any case, with %, _ and \\ taken literally', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const addresses = ['ann.smith@hill.sch.uk', 'ann_jones@dale.sch.uk', 'annex@vale.org', 'a%b@vale.org', 'back\\slash@vale.org', 'bob@hill.sch.uk'];
    await t.db.insertInto('outbox').values(addresses.map((a, i) => sentRow(i, a, admin.id))).execute();
    const to = async (part: string) => {
      const r = await t!.request('GET', `/api/outbox?to=${encodeURIComponent(part)}`, { as: admin });
      expect(r.status).toBe(200);
      return { addresses: (r.json as Listed).items.map((m) => m.to).sort(), total: (r.json as Listed).total };
    };
    expect(await to('HILL.SCH')).toEqual({ addresses: ['ann.smith@hill.sch.uk', 'bob@hill.sch.uk'], total: 2 });
    expect(await to('Ann')).toEqual({ addresses: ['ann.smith@hill.sch.uk', 'ann_jones@dale.sch.uk', 'annex@vale.org'], total: 3 });
    // Not wildcards: each matches only the address holding it.
    expect((await to('_')).addresses).toEqual(['ann_jones@dale.sch.uk']);
    expect((await to('%')).addresses).toEqual(['a%b@vale.org']);
    expect((await to('\\')).addresses).toEqual(['back\\slash@vale.org']);
    // A whole address still finds its own messages.
    expect((await to('bob@hill.sch.uk')).addresses).toEqual(['bob@hill.sch.uk']);
    expect(await to('nobody@nowhere.example')).toEqual({ addresses: [], total: 0 });
    // A control character (a NUL) is refused with a clear 400 on both databases: SQLite
    // would cut the text at it and list every message, PostgreSQL cannot hold it. (A tab or
    // line break, as a paste brings, is read as a space: test/api/search-pasted-whitespace.test.ts.)
    for (const bad of ['hill\u0000', 'hill\u0007', 'a\u000bb']) {
      const r = await t.request('GET', `/api/outbox?to=${encodeURIComponent(bad)}`, { as: admin });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.json.error.code).toBe('validation_failed');
    }
  });

  it('lists a page of messages not sent yet in the same number of statements for 3 messages as for 30, each with its words and clash warning', async () => {
    // Every statement the app runs, counted.
    const counter = statementCounter();
    const database = await openTestDb();
    t = await makeTestContext({ now: '2026-01-12T09:00:00.000Z', database: { ...database, db: database.db.withPlugin(counter.plugin) } });
    const admin = await t.user('admin');
    const school = await t.org('Hill Primary');
    // Tuesday 20 January, 09:00 to 10:00 in London, which overlaps Cai's Y4 maths.
    const s = await t.session({ title: 'Understanding autism', startsAt: '2026-01-20T09:00:00Z', endsAt: '2026-01-20T10:00:00Z', capacity: { online: 100 } });
    const cai = await t.user('staff', school.id, 'Cai Clash');
    expect((await t.request('PUT', '/api/me/timetable', { as: cai, body: 'day,start,end,label\nTuesday,09:30,10:30,Y4 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const book = async (who: TestUser) => expect((await t!.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).status).toBe(201);
    await book(cai);
    for (let i = 0; i < 2; i++) await book(await t.user('staff', school.id));
    // Filed in the local outbox (no mail server): rendered from their facts whenever they are read.
    await runJobsOnce(t.deps, null);

    const list = async () => {
      counter.count = 0;
      const r = await t!.request('GET', '/api/outbox?limit=100', { as: admin });
      expect(r.status).toBe(200);
      return { page: r.json as Listed, statements: counter.count };
    };
    const few = await list();
    expect(few.page.total).toBe(3);
    expect(few.page.items.every((m) => m.status === 'local' && m.subject === 'Booked: Understanding autism')).toBe(true);
    const caiMail = few.page.items.find((m) => m.to === cai.email)!;
    expect(caiMail.text).toContain('This session overlaps your timetable: Y4 maths (Tuesday 20 January, 09:30 to 10:30).');
    expect(few.page.items.filter((m) => m.text.includes('overlaps your timetable'))).toHaveLength(1);

    for (let i = 0; i < 27; i++) await book(await t.user('staff', school.id));
    await runJobsOnce(t.deps, null);
    const many = await list();
    expect(many.page.total).toBe(30);
    expect(many.page.items.every((m) => m.subject === 'Booked: Understanding autism' && m.text.includes('Your place is confirmed.'))).toBe(true);
    expect(many.page.items.find((m) => m.to === cai.email)!.text).toContain('overlaps your timetable');
    // Not one query (or more) per message.
    expect(many.statements).toBe(few.statements);
  });
});

describe('People (GET /api/users) says how many match', () => {
  it('gives the number of people matching the search and filters in all, on every page', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const hill = await t.org('Hill Primary');
    const dale = await t.org('Dale Academy');
    for (let i = 0; i < 5; i++) await t.user('staff', hill.id, `Findable Hill ${i}`);
    for (let i = 0; i < 2; i++) await t.user('office', dale.id, `Findable Dale ${i}`);
    await t.user('staff', hill.id, 'Someone Else');
    const get = async (query: string) => (await t!.request('GET', `/api/users?${query}`, { as: admin })).json as { items: unknown[]; hasMore: boolean; total: number };

    expect(await get('q=findable&limit=3')).toMatchObject({ hasMore: true, total: 7 });
    expect((await get('q=findable&limit=3')).items).toHaveLength(3);
    // The last page says the same total.
    const last = await get('q=findable&limit=3&offset=6');
    expect(last).toMatchObject({ hasMore: false, total: 7 });
    expect(last.items).toHaveLength(1);
    expect((await get(`orgId=${hill.id}`)).total).toBe(6);
    expect((await get('role=office&q=findable')).total).toBe(2);
    expect((await get('q=nobody-at-all')).total).toBe(0);
  });
});

describe('who may be made an in-house lead (GET /api/orgs/:id/lead-candidates)', () => {
  it('lists a trust’s and its schools’ staff whose accounts are on and who do not lead it yet, in one request, bounded and searchable', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const trust = await t.org('Oak Trust');
    const schools = [await t.org('Oak Primary'), await t.org('Oak Juniors'), await t.org('Oak Infants')];
    for (const s of schools) await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', s.id).execute();
    const other = await t.org('Elsewhere School');
    const trustOffice = await t.user('office', trust.id, 'Tess Trust Office');
    const staff = [await t.user('staff', schools[0]!.id, 'Amy Primary'), await t.user('staff', schools[1]!.id, 'Ben Juniors'), await t.user('office', schools[2]!.id, 'Cat Infants Office')];
    const already = await t.user('staff', schools[2]!.id, 'Dee Already Lead');
    expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${already.id}`, { as: admin })).status).toBe(204);
    const off = await t.user('staff', schools[0]!.id, 'Eve Turned Off');
    expect((await t.request('PATCH', `/api/users/${off.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    await t.user('trainer', schools[1]!.id, 'Fay Trainer');
    await t.user('staff', other.id, 'Gus Elsewhere');

    const get = async (query = '', as: TestUser = admin) => t!.request('GET', `/api/orgs/${trust.id}/lead-candidates${query}`, { as });
    const all = await get();
    expect(all.status).toBe(200);
    expect(all.json.items.map((u: { name: string }) => u.name)).toEqual(['Amy Primary', 'Ben Juniors', 'Cat Infants Office', 'Tess Trust Office']);
    expect(all.json.items[0]).toMatchObject({ id: staff[0]!.id, orgName: 'Oak Primary', role: 'staff' });
    expect(all.json.hasMore).toBe(false);
    // Bounded: at most `limit`, saying there are more.
    const two = await get('?limit=2');
    expect(two.json).toMatchObject({ hasMore: true });
    expect(two.json.items.map((u: { name: string }) => u.name)).toEqual(['Amy Primary', 'Ben Juniors']);
    expect((await get('?limit=1001')).status).toBe(400);
    expect((await get(`?q=${'x'.repeat(201)}`)).status).toBe(400);
    // Found by name or email, any case.
    expect((await get('?q=JUNIORS')).json.items.map((u: { id: string }) => u.id)).toEqual([staff[1]!.id]);
    expect((await get(`?q=${encodeURIComponent(trustOffice.email.slice(0, 10))}`)).json.items.map((u: { id: string }) => u.id)).toEqual([trustOffice.id]);
    // A school's own: its staff only.
    expect((await t.request('GET', `/api/orgs/${schools[0]!.id}/lead-candidates`, { as: admin })).json.items.map((u: { name: string }) => u.name)).toEqual(['Amy Primary']);
    // Those who choose leads only: the trust's office, not a school's, nor staff.
    expect((await get('', trustOffice)).status).toBe(200);
    expect((await get('', await t.user('office', schools[0]!.id))).status).toBe(403);
    expect((await get('', staff[0]!)).status).toBe(403);
    expect((await t.request('GET', `/api/orgs/${randomUUID()}/lead-candidates`, { as: admin })).status).toBe(404);
  });
});

describe('a course’s trainers refused', () => {
  it('names the people who cannot run sessions, and gives an id only for someone with no account', async () => {
    t = await makeTestContext();
    const admin = await t.user('admin');
    const school = await t.org('Hill Primary');
    const sam = await t.user('staff', school.id, 'Sam Staff');
    const olu = await t.user('office', school.id, 'Olu Office');
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const gone = randomUUID();
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Autism in the classroom' } })).json as { id: string };

    const one = await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [tara.id, sam.id] } });
    expect(one.status).toBe(400);
    expect(one.json.error.message).toBe('Only trainers and administrators can run sessions: Sam Staff is not a trainer.');
    expect(one.json.error.details.issues).toEqual([{ path: 'trainerIds', message: 'Sam Staff is not a trainer' }]);

    const three = await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [sam.id, olu.id, gone] } });
    expect(three.status).toBe(400);
    expect(three.json.error.message).toBe(`Only trainers and administrators can run sessions: Sam Staff, Olu Office and ${gone} are not trainers.`);
    expect(three.json.error.details.issues.map((i: { message: string }) => i.message)).toEqual(['Sam Staff is not a trainer', 'Olu Office is not a trainer', `${gone} is not a trainer`]);
    expect(JSON.stringify(three.json)).not.toContain(sam.id);
    // Nothing was saved.
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.find((c: { id: string }) => c.id === course.id).trainerIds).toEqual([]);
  });
});
