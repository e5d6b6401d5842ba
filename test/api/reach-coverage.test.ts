/**
 * Coverage figures on a seeded trust with two schools (and a stand-alone school outside it),
 * checked against the rows: a turned-off teacher, a person who moved school after training,
 * someone only on a waiting list, office staff (part of the workforce) and people with no
 * job role stated.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { runJobsOnce } from '../../server/jobs.js';
import { courseCompletionsFor } from '../../server/reach/completion.js';
import { makeTestContext, openTestDb, statementCounter, type TestContext, type TestUser } from '../helpers.js';

let t: TestContext;
let admin: TestUser, trainer: TestUser;
let officeT: TestUser, officeA: TestUser, officeB: TestUser;
let a1: TestUser, a2: TestUser, a3: TestUser, a4: TestUser, b1: TestUser, b2: TestUser, b3: TestUser, c1: TestUser;
let trust: { id: string }, schoolA: { id: string }, schoolB: { id: string }, schoolC: { id: string };
let courseX: string, courseY: string;

async function held(courseId: string | null, part: number, date: string, people: [TestUser, boolean][], capacity = 20) {
  t.clock.set('2026-01-12T09:00:00.000Z');
  const s = await t.session({ title: `Session ${date}`, courseId, part, startsAt: `${date}T15:00:00.000Z`, endsAt: `${date}T16:00:00.000Z`, capacity: { online: capacity } }, trainer);
  const ids: string[] = [];
  for (const [u] of people) {
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: { seat: 'online' } });
    expect(b.status).toBe(201);
    ids.push(b.json.id);
  }
  t.clock.set(`${date}T17:00:00.000Z`);
  for (const [i, [, attended]] of people.entries()) {
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${ids[i]}`, { as: trainer, body: { attended } })).status).toBe(200);
  }
}

const person = async (role: 'staff' | 'office', orgId: string, name: string, jobRole?: string) => {
  const u = await t.user(role, orgId, name);
  if (jobRole) await t.db.updateTable('users').set({ job_role: jobRole as 'teacher' }).where('id', '=', u.id).execute();
  return u;
};

beforeAll(async () => {
  t = await makeTestContext();
  admin = await t.user('admin');
  trainer = await t.user('trainer');
  const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string };
  trust = await org({ name: 'Oak Trust', kind: 'trust' });
  schoolA = await org({ name: 'Ash Primary', parentId: trust.id });
  schoolB = await org({ name: 'Birch Academy', parentId: trust.id });
  schoolC = await org({ name: '=Cliff School' });
  officeT = await person('office', trust.id, 'Olive Trust-Office');
  officeA = await person('office', schoolA.id, 'Omar Ash-Office');
  officeB = await person('office', schoolB.id, 'Orla Birch-Office');
  a1 = await person('staff', schoolA.id, 'Ann Teacher', 'teacher');
  a2 = await person('staff', schoolA.id, 'Abe Assistant', 'teaching_assistant');
  a3 = await person('staff', schoolA.id, 'Amy Unstated');
  a4 = await person('staff', schoolA.id, 'Al Leaver', 'teacher');
  b1 = await person('staff', schoolB.id, 'Bea Support', 'support_staff');
  b2 = await person('staff', schoolA.id, 'Bob Mover'); // moves from Ash to Birch after training
  b3 = await person('staff', schoolB.id, 'Bill Leader', 'leadership');
  c1 = await person('staff', schoolC.id, 'Cat Outside', 'teacher');
  courseX = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND in depth', partsRequired: 2 } })).json.id;
  courseY = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Inclusion basics' } })).json.id;

  await held(courseX, 1, '2026-02-02', [[a1, true], [a2, false], [b2, true]]);
  await held(courseX, 2, '2026-02-09', [[a1, true]]);
  await held(courseY, 1, '2026-02-11', [[a1, true], [b1, true], [a4, true], [c1, true]]);
  // A full session: Bea has the seat, Bill waits.
  t.clock.set('2026-01-12T09:00:00.000Z');
  const full = await t.session({ title: 'Full', startsAt: '2026-03-02T15:00:00.000Z', endsAt: '2026-03-02T16:00:00.000Z', capacity: { online: 1 } }, trainer);
  expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: b1, body: { seat: 'online' } })).json.status).toBe('confirmed');
  expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: b3, body: { seat: 'online' } })).json.status).toBe('waitlisted');

  t.clock.set('2026-02-20T12:00:00.000Z');
  expect((await t.request('PATCH', `/api/users/${a4.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
  expect((await t.request('PUT', `/api/users/${b2.id}/placement`, { as: admin, body: { role: 'staff', orgId: schoolB.id } })).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await t.close();
});

const get = (as: TestUser, query = '') => t.request('GET', `/api/reach/coverage${query}`, { as });
const done = (x: number, y: number) => ({ [courseX]: x, [courseY]: y });
const strip = (c: { completed: Record<string, number> }) => ({ ...c, completed: Object.fromEntries(Object.entries(c.completed).filter(([, n]) => n > 0)) });

describe('coverage of a trust', () => {
  it('counts active staff at their current school, booked, attended and completed, by school, role and week', async () => {
    const res = await get(officeT);
    expect(res.status).toBe(200);
    const c = res.json;
    expect(c.scope).toEqual({ kind: 'group', orgId: trust.id, name: 'Oak Trust' });
    // Staff: 3 office staff, Ann, Abe, Amy, Bea, Bob, Bill (Al is turned off). Booked: Ann, Abe (absent), Bea, Bob.
    // Attended: Ann, Bea, Bob. Completed: X by Ann (Bob has part 1 only); Y by Ann and Bea (Al's does not count).
    expect(strip(c.totals)).toEqual({ staff: 9, booked: 4, attended: 3, completed: done(1, 2) });
    expect(c.byOrg.map(strip)).toEqual([
      { orgId: schoolA.id, name: 'Ash Primary', urn: null, nameShared: false, staff: 4, booked: 2, attended: 1, completed: done(1, 1) },
      { orgId: schoolB.id, name: 'Birch Academy', urn: null, nameShared: false, staff: 4, booked: 2, attended: 2, completed: { [courseY]: 1 } },
      { orgId: trust.id, name: 'Oak Trust', urn: null, nameShared: false, staff: 1, booked: 0, attended: 0, completed: {}, ownStaff: 'trust' },
    ]);
    expect(c.byRole.map(strip)).toEqual([
      { jobRole: 'teacher', staff: 1, booked: 1, attended: 1, completed: done(1, 1) },
      { jobRole: 'teaching_assistant', staff: 1, booked: 1, attended: 0, completed: {} },
      { jobRole: 'support_staff', staff: 1, booked: 1, attended: 1, completed: { [courseY]: 1 } },
      { jobRole: 'leadership', staff: 1, booked: 0, attended: 0, completed: {} },
      { jobRole: 'early_years', staff: 0, booked: 0, attended: 0, completed: {} },
      { jobRole: null, staff: 5, booked: 1, attended: 1, completed: {} },
    ]);
    expect(c.weekly).toEqual([
      { weekStart: '2026-02-02', firstAttended: 2, completions: 0, attendedToDate: 2, completionsToDate: 0 },
      { weekStart: '2026-02-09', firstAttended: 1, completions: 3, attendedToDate: 3, completionsToDate: 3 },
      { weekStart: '2026-02-16', firstAttended: 0, completions: 0, attendedToDate: 3, completionsToDate: 3 },
    ]);
    expect(c.courses).toEqual(expect.arrayContaining([{ courseId: courseX, title: 'SEND in depth', partsRequired: 2 }]));
  });

  it('agrees with the rows: a count of users and bookings, and the completion rule person by person', async () => {
    const orgIds = [trust.id, schoolA.id, schoolB.id];
    const users = (await t.db.selectFrom('users').selectAll().execute()).filter((u) => orgIds.includes(u.org_id ?? '') && u.disabled_at === null && (u.role === 'staff' || u.role === 'office'));
    const bookings = await t.db.selectFrom('bookings').select(['user_id', 'status']).execute();
    const booked = users.filter((u) => bookings.some((b) => b.user_id === u.id && ['confirmed', 'attended', 'absent'].includes(b.status)));
    const attended = users.filter((u) => bookings.some((b) => b.user_id === u.id && b.status === 'attended'));
    const rule = await courseCompletionsFor(t.db, users.map((u) => u.id));
    const completedY = users.filter((u) => rule.get(u.id)!.some((x) => x.courseId === courseY)).length;
    const completedX = users.filter((u) => rule.get(u.id)!.some((x) => x.courseId === courseX)).length;
    const c = (await get(admin, `?orgId=${trust.id}`)).json;
    expect(strip(c.totals)).toEqual({ staff: users.length, booked: booked.length, attended: attended.length, completed: done(completedX, completedY) });
  });

  it('shows a school to its office and its trust office; never a sibling school; staff and trainers get 403', async () => {
    const ash = await get(officeA);
    expect(ash.status).toBe(200);
    expect(ash.json.scope).toEqual({ kind: 'school', orgId: schoolA.id, name: 'Ash Primary' });
    expect(strip(ash.json.totals)).toEqual({ staff: 4, booked: 2, attended: 1, completed: done(1, 1) });
    expect((await get(officeT, `?orgId=${schoolA.id}`)).json.scope.orgId).toBe(schoolA.id);

    for (const [who, query] of [[officeA, `?orgId=${schoolB.id}`], [officeA, `?orgId=${trust.id}`], [officeB, `?orgId=${schoolA.id}`], [officeT, `?orgId=${schoolC.id}`], [a1, ''], [trainer, ''], [a1, `?orgId=${schoolA.id}`]] as const) {
      const r = await get(who, query);
      expect(r.status, `${who.name} ${query}`).toBe(403);
      expect(r.json.error.code).toBe('forbidden');
      expect((await t.request('GET', `/api/reach/not-booked${query}`, { as: who })).status).toBe(403);
      expect((await t.request('GET', `/api/reach/coverage.csv?figure=schools${query.replace('?', '&')}`, { as: who })).status).toBe(403);
    }
    expect((await t.request('GET', '/api/reach/coverage')).status).toBe(401);
  });

  it('gives administrators the whole programme, rolled up to trusts and stand-alone schools', async () => {
    const c = (await get(admin)).json;
    expect(c.scope).toEqual({ kind: 'programme', orgId: null, name: 'The whole programme' });
    expect(strip(c.totals)).toEqual({ staff: 10, booked: 5, attended: 4, completed: done(1, 3) });
    expect(c.byOrg.map((o: { name: string; staff: number }) => [o.name, o.staff])).toEqual([['=Cliff School', 1], ['Oak Trust', 9]]);
  });

  it('finds a school in a trust by its own name in the whole programme: the trust’s row, naming the schools found', async () => {
    const found = (await get(admin, '?orgsQ=birch')).json;
    expect(found.byOrgTotal).toBe(1);
    expect(found.byOrg.map((o: { name: string; includes?: string[] }) => [o.name, o.includes])).toEqual([['Oak Trust', ['Birch Academy']]]);
    const both = (await get(admin, '?orgsQ=a')).json;
    expect(both.byOrg.find((o: { name: string }) => o.name === 'Oak Trust').includes).toBeUndefined(); // found by its own name
    const schools = (await get(admin, '?orgsQ=ash%20p')).json;
    expect(schools.byOrg.map((o: { name: string; includes?: string[] }) => [o.name, o.includes])).toEqual([['Oak Trust', ['Ash Primary']]]);
    // Within the trust each school is a row of its own, found by name as before.
    expect((await get(admin, `?orgId=${trust.id}&orgsQ=birch`)).json.byOrg.map((o: { name: string; includes?: string[] }) => [o.name, o.includes])).toEqual([['Birch Academy', undefined]]);
  });

  it('lists staff never booked, with who is waiting and whom the viewer can book', async () => {
    const r = await t.request('GET', '/api/reach/not-booked', { as: officeT });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ total: 5, hasMore: false });
    expect(r.json.items.map((p: { name: string; waiting: boolean; canBook: boolean }) => [p.name, p.waiting, p.canBook])).toEqual([
      // A trust office books for every school in its trust (accounts/acting.ts).
      ['Amy Unstated', false, true],
      ['Omar Ash-Office', false, true],
      ['Bill Leader', true, true],
      ['Orla Birch-Office', false, true],
      ['Olive Trust-Office', false, true],
    ]);
    const ash = await t.request('GET', '/api/reach/not-booked', { as: officeA });
    expect(ash.json.items.map((p: { name: string; canBook: boolean }) => [p.name, p.canBook])).toEqual([['Amy Unstated', true], ['Omar Ash-Office', true]]);
  });

  it('downloads every figure as CSV, with spreadsheet formulas neutralised', async () => {
    const csv = async (as: TestUser, figure: string, org = '') => {
      const r = await t.request('GET', `/api/reach/coverage.csv?figure=${figure}${org}`, { as });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(r.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename=(coverage-${figure}|not-booked)-2026-02-20\\.csv`));
      const raw = await t.app.request(`/api/reach/coverage.csv?figure=${figure}${org}`, { headers: as.auth });
      expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      return parse(r.text, { columns: true, bom: true }) as Record<string, string>[];
    };
    const schools = await csv(officeT, 'schools');
    expect(schools.map((r) => [r.organisation, r.staff, r.booked, r['booked %'], r['attended at least one session'], r['completed: SEND in depth']])).toEqual([
      ['Ash Primary', '4', '2', '50', '1', '1'],
      ['Birch Academy', '4', '2', '50', '2', '0'],
      ['Oak Trust: the trust’s own staff (not at a school)', '1', '0', '0', '0', '0'],
    ]);
    expect((await csv(officeT, 'roles')).map((r) => [r['job role'], r.staff])).toEqual([['Teacher', '1'], ['Teaching assistant', '1'], ['Support staff', '1'], ['Leadership', '1'], ['Early years', '0'], ['Not stated', '5']]);
    expect((await csv(officeT, 'weekly')).map((r) => [r['week starting'], r['course completions']])).toEqual([['2026-02-02', '0'], ['2026-02-09', '3'], ['2026-02-16', '0']]);
    expect((await csv(officeT, 'courses')).find((r) => r.course === 'Inclusion basics')).toMatchObject({ 'parts required': '1', staff: '9', completed: '2' });
    expect((await csv(officeA, 'not_booked')).map((r) => r.name)).toEqual(['Amy Unstated', 'Omar Ash-Office']);
    expect((await csv(admin, 'schools')).map((r) => r.organisation)).toEqual(["'=Cliff School", 'Oak Trust']);
    expect((await t.request('GET', '/api/reach/coverage.csv?figure=everything', { as: admin })).status).toBe(400);
    // Just after midnight in an English summer it is already the next day there.
    t.clock.set('2026-07-14T23:30:00.000Z');
    for (const [figure, name] of [['schools', 'coverage-schools'], ['not_booked', 'not-booked']]) {
      const late = await t.request('GET', `/api/reach/coverage.csv?figure=${figure}`, { as: officeT });
      expect(late.headers.get('content-disposition')).toBe(`attachment; filename=${name}-2026-07-15.csv`);
    }
  });
});

describe('staff not yet booked, in their own worlds', () => {
  /** A fresh context for one test, closed after it. */
  async function own<T>(opts: Parameters<typeof makeTestContext>[0], run: (c: TestContext) => Promise<T>) {
    const c = await makeTestContext(opts);
    try {
      return await run(c);
    } finally {
      await c.close();
    }
  }
  /** `n` members of staff of `orgId`, "Staff 0000"…, written straight into the database. */
  async function staffRows(c: TestContext, orgId: string, n: number) {
    const rows = Array.from({ length: n }, (_, i) => ({
      id: `bulk-${String(i).padStart(5, '0')}`, email: `bulk${i}@example.org`, name: `Staff ${String(i).padStart(4, '0')}`, role: 'staff' as const, org_id: orgId,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }));
    for (let i = 0; i < rows.length; i += 500) await c.db.insertInto('users').values(rows.slice(i, i + 500)).execute();
    return rows;
  }

  it('downloads every one of 5,002 people as CSV, and the list reaches every one of them a page at a time, saying how many there are', { timeout: 120_000 }, () =>
    own({ now: '2026-02-20T12:00:00.000Z' }, async (c) => {
      const school = await c.org('Wide School');
      const office = await c.user('office', school.id, 'Office Person');
      const bulk = await staffRows(c, school.id, 5_001);
      const csv = await c.request('GET', `/api/reach/coverage.csv?figure=not_booked&orgId=${school.id}`, { as: office });
      expect(csv.status).toBe(200);
      const rows = parse(csv.text, { columns: true, bom: true }) as Record<string, string>[];
      expect(rows).toHaveLength(5_002);
      expect(rows.map((r) => r.email).sort()).toEqual([office.email, ...bulk.map((b) => b.email)].sort());

      const list = await c.request('GET', '/api/reach/not-booked', { as: office });
      expect(list.status).toBe(200);
      expect(list.json).toMatchObject({ total: 5_002, hasMore: true, downloadable: true });
      expect(list.json.items).toHaveLength(50);
      expect(list.json).not.toHaveProperty('truncated');
      // Past the first 5,000 (once out of reach): the last page holds the last two, by name.
      const last = await c.request('GET', '/api/reach/not-booked?offset=5000', { as: office });
      expect(last.json).toMatchObject({ total: 5_002, hasMore: false });
      expect(last.json.items.map((p: { name: string }) => p.name)).toEqual(['Staff 4999', 'Staff 5000']);
    }),
  );

  it('refuses a list larger than a report may be (422 report_too_large, saying how to narrow it), never cutting it short', () =>
    own({ now: '2026-02-20T12:00:00.000Z', config: { maxReportBookings: 3 } }, async (c) => {
      const school = await c.org('Small School');
      const office = await c.user('office', school.id, 'Office Person');
      await staffRows(c, school.id, 2);
      const fits = await c.request('GET', '/api/reach/coverage.csv?figure=not_booked', { as: office });
      expect(fits.status).toBe(200);
      expect(parse(fits.text, { columns: true, bom: true })).toHaveLength(3);
      expect((await c.request('GET', '/api/reach/not-booked', { as: office })).json).toMatchObject({ total: 3, hasMore: false, downloadable: true });

      await c.user('staff', school.id, 'One Too Many');
      const refused = await c.request('GET', '/api/reach/coverage.csv?figure=not_booked', { as: office });
      expect(refused.status).toBe(422);
      expect(refused.json.error).toMatchObject({ code: 'report_too_large', details: { max: 3 } });
      expect(refused.json.error.message).toMatch(/choose one organisation/);
      expect((await c.request('GET', '/api/reach/not-booked', { as: office })).json).toMatchObject({ total: 4, hasMore: false, downloadable: false });
    }),
  );

  it('says someone waits on a list only while the session they wait for has not ended', { timeout: 30_000 }, () =>
    own({ now: '2026-01-12T09:00:00.000Z' }, async (c) => {
      const school = await c.org('Ash Primary');
      const office = await c.user('office', school.id, 'Omar Office');
      const bea = await c.user('staff', school.id, 'Bea Booked');
      const bill = await c.user('staff', school.id, 'Bill Waiting');
      const full = await c.session({ title: 'Full', startsAt: '2026-03-02T15:00:00.000Z', endsAt: '2026-03-02T16:00:00.000Z', capacity: { online: 1 } });
      expect((await c.request('POST', `/api/sessions/${full.id}/bookings`, { as: bea, body: { seat: 'online' } })).json.status).toBe('confirmed');
      expect((await c.request('POST', `/api/sessions/${full.id}/bookings`, { as: bill, body: { seat: 'online' } })).json.status).toBe('waitlisted');
      const waiting = async () => {
        const res = await c.request('GET', '/api/reach/not-booked', { as: office });
        expect(res.status).toBe(200);
        const csv = parse((await c.request('GET', '/api/reach/coverage.csv?figure=not_booked', { as: office })).text, { columns: true, bom: true }) as Record<string, string>[];
        return { json: res.json.items.find((p: { userId: string }) => p.userId === bill.id)?.waiting, csv: csv.find((r) => r.name === 'Bill Waiting')?.['on a waiting list'] };
      };
      expect(await waiting()).toEqual({ json: true, csv: 'yes' });
      c.clock.set('2026-03-02T15:30:00.000Z'); // under way: still waiting for a seat
      expect(await waiting()).toEqual({ json: true, csv: 'yes' });

      c.clock.set('2026-06-02T09:00:00.000Z'); // months later: the session is long over
      await recordAttendanceOutcomes(c.deps);
      await runJobsOnce(c.deps, null);
      expect(await c.db.selectFrom('bookings').select('status').where('user_id', '=', bill.id).executeTakeFirst()).toEqual({ status: 'waitlisted' });
      expect(await waiting()).toEqual({ json: false, csv: 'no' });
    }),
  );
});

describe('the organisations of the coverage, a page at a time', () => {
  const pad = (i: number) => String(i).padStart(2, '0');
  /** School i (1..60) has 4 staff, of whom (7i mod 5) attended a session: shares 0%, 25%, 50%, 75%, 100%. */
  const attendedAt = (i: number) => (i * 7) % 5;
  type Row = { orgId: string; name: string; staff: number; attended: number };
  let c: TestContext;
  let admin: TestUser;
  let schools: { id: string; name: string; i: number }[];

  beforeAll(async () => {
    c = await makeTestContext({ now: '2026-02-20T12:00:00.000Z' });
    admin = await c.user('admin');
    // Made in a jumbled order, so the order answered is the one asked for, not the order they were made.
    schools = [];
    for (const i of Array.from({ length: 60 }, (_, k) => ((k * 37) % 60) + 1)) schools.push({ ...(await c.org(`Paged School ${pad(i)}`)), i });
    const s = await c.session({ title: 'Held', startsAt: '2026-02-10T16:00:00.000Z', endsAt: '2026-02-10T17:00:00.000Z', capacity: { online: 300 } });
    const users = schools.flatMap((o) =>
      Array.from({ length: 4 }, (_, k) => ({
        id: `paged-${pad(o.i)}-${k}`, email: `paged${o.i}-${k}@example.org`, name: `Person ${pad(o.i)}-${k}`, role: 'staff' as const, org_id: o.id,
        password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
      })),
    );
    await c.db.insertInto('users').values(users).execute();
    const at = '2026-02-01T00:00:00.000Z';
    const bookings = schools.flatMap((o) =>
      Array.from({ length: attendedAt(o.i) }, (_, k) => ({
        id: `paged-booking-${pad(o.i)}-${k}`, session_id: s.id, user_id: `paged-${pad(o.i)}-${k}`, seat: 'online' as const, status: 'attended' as const,
        queue_seq: o.i * 10 + k, hold_org_id: null, offer_expires_at: null, booked_by: null, revision: 1, created_at: at, updated_at: at, cancelled_at: null,
      })),
    );
    await c.db.insertInto('bookings').values(bookings).execute();
  }, 60_000);
  afterAll(async () => {
    await c.close();
  });

  const get = async (query = '') => {
    const r = await c.request('GET', `/api/reach/coverage${query}`, { as: admin });
    expect(r.status, query).toBe(200);
    return r.json as { byOrg: Row[]; byOrgTotal: number; byOrgHighest: Row | null; totals: { staff: number; attended: number } };
  };
  const names = (rows: Row[]) => rows.map((o) => o.name);
  const all = () => Array.from({ length: 60 }, (_, k) => k + 1);
  const named = (is: number[]) => is.map((i) => `Paged School ${pad(i)}`);

  it('answers the first 50 organisations by name, how many there are, and the next page after them; the totals count all of them', async () => {
    const first = await get();
    expect(names(first.byOrg)).toEqual(named(all().slice(0, 50)));
    expect(first.byOrgTotal).toBe(60);
    expect(first.totals.staff).toBe(240);
    expect(first.totals.attended).toBe(all().reduce((n, i) => n + attendedAt(i), 0));
    const row = first.byOrg.find((o) => o.name === 'Paged School 03')!;
    expect(row).toMatchObject({ staff: 4, booked: attendedAt(3), attended: attendedAt(3) });

    const second = await get('?orgsOffset=50');
    expect(names(second.byOrg)).toEqual(named(all().slice(50)));
    expect(second.byOrgTotal).toBe(60);
    expect(names((await get('?orgsLimit=7&orgsOffset=10')).byOrg)).toEqual(named(all().slice(10, 17)));
    expect(names((await get('?orgsLimit=200')).byOrg)).toHaveLength(60);
    expect(await get('?orgsOffset=60')).toMatchObject({ byOrg: [], byOrgTotal: 60 });
  });

  it('sorts by share attended, lowest or highest first, ties by name', async () => {
    const lowest = all().sort((a, b) => attendedAt(a) - attendedAt(b) || a - b);
    const highest = all().sort((a, b) => attendedAt(b) - attendedAt(a) || a - b);
    expect(names((await get('?orgsSort=lowest')).byOrg)).toEqual(named(lowest.slice(0, 50)));
    expect(names((await get('?orgsSort=lowest&orgsOffset=50')).byOrg)).toEqual(named(lowest.slice(50)));
    expect(names((await get('?orgsSort=highest')).byOrg)).toEqual(named(highest.slice(0, 50)));
    expect(names((await get('?orgsSort=name&orgsLimit=3')).byOrg)).toEqual(named([1, 2, 3]));
    expect(attendedAt(lowest[0]!)).toBe(0);
    expect(attendedAt(highest[0]!)).toBe(4);
  });

  it('finds organisations by name, any case, saying how many match; the highest share is of every organisation, whatever is found', async () => {
    const found = await get('?orgsQ=SCHOOL%201&orgsSort=highest');
    expect(found.byOrgTotal).toBe(10);
    expect(names(found.byOrg)).toEqual(named([10, 11, 12, 13, 14, 15, 16, 17, 18, 19].sort((a, b) => attendedAt(b) - attendedAt(a) || a - b)));
    // School 2 (7 x 2 mod 5 = 4: all four attended) is the first by name of those at 100%, though the search does not find it.
    expect(found.byOrgHighest).toEqual({ orgId: schools.find((o) => o.i === 2)!.id, name: 'Paged School 02', urn: null, nameShared: false, attended: 4, staff: 4 });
    expect((await get()).byOrgHighest).toEqual(found.byOrgHighest);
    expect(await get('?orgsQ=nothing%20like%20it')).toMatchObject({ byOrg: [], byOrgTotal: 0 });
    // Taken literally: "%" is no wildcard.
    expect((await get('?orgsQ=%25')).byOrgTotal).toBe(0);
    expect((await get('?orgsQ=%20%20')).byOrgTotal).toBe(60);
  });

  it('refuses a sort, limit or offset it does not know with 400, saying which', async () => {
    for (const [bad, field] of [['?orgsSort=best', 'orgsSort'], ['?orgsLimit=0', 'orgsLimit'], ['?orgsLimit=201', 'orgsLimit'], ['?orgsLimit=ten', 'orgsLimit'], ['?orgsOffset=-1', 'orgsOffset'], [`?orgsQ=${'x'.repeat(201)}`, 'orgsQ']]) {
      const r = await c.request('GET', `/api/reach/coverage${bad}`, { as: admin });
      expect(r.status, bad).toBe(400);
      expect(r.json.error.code).toBe('validation_failed');
      expect(r.json.error.details.issues[0].path).toBe(field);
    }
  });

  it('downloads every organisation as CSV, not one page', async () => {
    const r = await c.request('GET', '/api/reach/coverage.csv?figure=schools&orgsLimit=5', { as: admin });
    expect(r.status).toBe(200);
    const rows = parse(r.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((x) => x.organisation)).toEqual(named(all()));
    expect(rows.find((x) => x.organisation === 'Paged School 02')).toMatchObject({ staff: '4', 'attended at least one session': '4' });
  });

  it('in a trust, lists a school with no staff last whether lowest or highest first', async () => {
    const trust = await c.org('Quiet Trust');
    const office = await c.user('office', trust.id, 'Quinn Office');
    const empty = await c.org('Aardvark Empty School');
    await c.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', empty.id).execute();
    for (const sort of ['lowest', 'highest']) {
      const r = await c.request('GET', `/api/reach/coverage?orgsSort=${sort}`, { as: office });
      expect(r.status).toBe(200);
      expect(r.json.byOrg.map((o: Row) => o.name), sort).toEqual(['Quiet Trust', 'Aardvark Empty School']);
    }
    expect((await c.request('GET', '/api/reach/coverage', { as: office })).json.byOrg.map((o: Row) => o.name)).toEqual(['Aardvark Empty School', 'Quiet Trust']);
  });
});

describe('figures as at a time: the pages of one count agree', () => {
  const counter = statementCounter();
  let c: TestContext;
  afterAll(async () => {
    await c?.close();
  });

  it('another page, sort or search of figures in view (their asOf) shows those same figures without counting the workforce again; without asOf, or once not kept, they are counted afresh', async () => {
    const database = await openTestDb();
    c = await makeTestContext({ now: '2026-02-20T12:00:00.000Z', database: { ...database, db: database.db.withPlugin(counter.plugin) } });
    const admin = await c.user('admin');
    const other = await c.user('admin');
    const schools = [await c.org('Alpha School'), await c.org('Beta School'), await c.org('Gamma School')];
    for (const o of schools) for (let k = 0; k < 2; k++) await c.user('staff', o.id);
    const get = async (as: TestUser, query: string) => {
      const before = counter.count;
      const r = await c.request('GET', `/api/reach/coverage${query}`, { as });
      expect(r.status, r.text).toBe(200);
      return { ...(r.json as { asOf: string; totals: { staff: number }; byOrg: { name: string }[]; byOrgTotal: number }), statements: counter.count - before };
    };

    const first = await get(admin, '?orgsLimit=2');
    expect(first).toMatchObject({ asOf: '2026-02-20T12:00:00.000Z', totals: { staff: 6 }, byOrgTotal: 3 });
    expect(first.byOrg.map((o) => o.name)).toEqual(['Alpha School', 'Beta School']);
    // Someone joins a school after the figures were counted.
    c.clock.set('2026-02-20T12:00:05.000Z');
    await c.user('staff', schools[2]!.id);

    // The next page of the figures in view: the same count, not counted again.
    const second = await get(admin, `?orgsLimit=2&orgsOffset=2&asOf=${encodeURIComponent(first.asOf)}`);
    expect(second).toMatchObject({ asOf: first.asOf, totals: { staff: 6 }, byOrgTotal: 3 });
    expect(second.byOrg.map((o) => o.name)).toEqual(['Gamma School']);
    expect(second.statements, 'statements for a page of figures already counted').toBeLessThanOrEqual(first.statements - 5);
    expect((await get(admin, `?orgsSort=highest&orgsQ=gamma&asOf=${encodeURIComponent(first.asOf)}`)).totals.staff).toBe(6);
    // The spreadsheet of the figures in view holds those same figures (Gamma School's two, not
    // three), dated by when they were counted.
    const gammaInCsv = async (query: string) => {
      const r = await c.request('GET', `/api/reach/coverage.csv?figure=schools${query}`, { as: admin });
      expect(r.status, r.text).toBe(200);
      return { staff: (parse(r.text, { columns: true, bom: true }) as Record<string, string>[]).find((o) => o.organisation === 'Gamma School')?.staff, disposition: r.headers.get('content-disposition') };
    };
    expect(await gammaInCsv(`&asOf=${encodeURIComponent(first.asOf)}`)).toEqual({ staff: '2', disposition: 'attachment; filename=coverage-schools-2026-02-20.csv' });

    // Without asOf (a first look, or Refresh): counted afresh, as at now.
    const fresh = await get(admin, '?orgsLimit=2');
    expect(fresh).toMatchObject({ asOf: '2026-02-20T12:00:05.000Z', totals: { staff: 7 } });
    expect((await gammaInCsv(`&asOf=${encodeURIComponent(fresh.asOf)}`)).staff).toBe('3');
    // Another reader's asOf is not theirs: they get their own count.
    expect(await get(other, `?asOf=${encodeURIComponent(first.asOf)}`)).toMatchObject({ asOf: '2026-02-20T12:00:05.000Z', totals: { staff: 7 } });
    // Kept 15 minutes at most.
    c.clock.set('2026-02-20T12:15:06.000Z');
    await c.user('staff', schools[0]!.id);
    expect(await get(admin, `?asOf=${encodeURIComponent(fresh.asOf)}`)).toMatchObject({ asOf: '2026-02-20T12:15:06.000Z', totals: { staff: 8 } });
    c.clock.set('2026-02-20T12:30:07.000Z');
    await c.user('staff', schools[2]!.id);
    expect((await gammaInCsv(`&asOf=${encodeURIComponent('2026-02-20T12:15:06.000Z')}`)).staff, 'the spreadsheet of figures no longer kept: counted afresh').toBe('4');

    // Whether the reader may still see them is asked each time: office staff moved to another school are refused their old school's figures.
    const office = await c.user('office', schools[1]!.id);
    const theirs = await get(office, '');
    expect(theirs.totals.staff).toBe(3); // its two staff and the office person
    await c.db.updateTable('users').set({ org_id: schools[2]!.id }).where('id', '=', office.id).execute();
    const refused = await c.request('GET', `/api/reach/coverage?orgId=${schools[1]!.id}&asOf=${encodeURIComponent(theirs.asOf)}`, { as: office });
    expect(refused.status).toBe(403);
    // Asking for their own organisation's (no orgId) with the old figures' asOf: the new school's, counted for them now.
    const own = (await c.request('GET', `/api/reach/coverage?asOf=${encodeURIComponent(theirs.asOf)}`, { as: office })).json;
    expect(own.scope.name).toBe('Gamma School');
    expect((await c.request('GET', `/api/reach/coverage.csv?figure=schools&asOf=${encodeURIComponent(theirs.asOf)}`, { as: office })).text).not.toContain('Beta School');
    // An administrator made office staff of a school gets that school's figures, not the programme's they were counted.
    const programme = await get(other, '');
    expect(programme.byOrgTotal).toBe(3);
    await c.db.updateTable('users').set({ role: 'office', org_id: schools[0]!.id }).where('id', '=', other.id).execute();
    const demoted = (await c.request('GET', `/api/reach/coverage?asOf=${encodeURIComponent(programme.asOf)}`, { as: other })).json;
    expect([demoted.scope.name, demoted.byOrgTotal]).toEqual(['Alpha School', 1]);

    // asOf must be a time.
    for (const bad of ['yesterday', '2026-02-20', "2026-02-20T12:00:00.000Z'--"]) {
      for (const path of ['/api/reach/coverage?', '/api/reach/coverage.csv?figure=schools&']) {
        const r = await c.request('GET', `${path}asOf=${encodeURIComponent(bad)}`, { as: admin });
        expect(r.status, `${path} ${bad}`).toBe(400);
        expect(r.json.error.details.issues[0].path).toBe('asOf');
      }
    }
  });
});

describe('the weekly figures are by days in England', () => {
  it('a session ending at 00:30 on a Monday in summer (23:30 on Sunday in UTC) counts in that Monday’s week, which is this week from midnight', async () => {
    const ctx = await makeTestContext({ now: '2026-06-01T09:00:00.000Z' });
    try {
      const admin = await ctx.user('admin');
      const trainer = await ctx.user('trainer');
      const school = (await ctx.request('POST', '/api/orgs', { as: admin, body: { name: 'Late Night College' } })).json as { id: string };
      const office = await ctx.user('office', school.id);
      const staff = await ctx.user('staff', school.id);
      const course = (await ctx.request('POST', '/api/courses', { as: admin, body: { title: 'Night owls' } })).json.id as string;
      const s = await ctx.session({ title: 'Late', courseId: course, part: 1, startsAt: '2026-06-28T22:30:00.000Z', endsAt: '2026-06-28T23:30:00.000Z', capacity: { online: 5 } }, trainer);
      const b = await ctx.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } });
      expect(b.status).toBe(201);
      ctx.clock.set('2026-06-28T23:35:00.000Z');
      expect((await ctx.request('PUT', `/api/sessions/${s.id}/attendance/${b.json.id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
      // 00:50 BST on Monday 29 June (still Sunday in UTC): the outcome is written, and this
      // week is the week of 29 June, which holds the session's end in England.
      ctx.clock.set('2026-06-28T23:50:00.000Z');
      await recordAttendanceOutcomes(ctx.deps);
      expect((await ctx.db.selectFrom('bookings').select('status').where('id', '=', b.json.id).executeTakeFirstOrThrow()).status).toBe('attended');
      const c = (await ctx.request('GET', '/api/reach/coverage', { as: office })).json;
      expect(c.weekly).toEqual([{ weekStart: '2026-06-29', firstAttended: 1, completions: 1, attendedToDate: 1, completionsToDate: 1 }]);
    } finally {
      await ctx.close();
    }
  });
});
