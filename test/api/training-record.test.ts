/**
 * An organisation's training record (who attended which session): read a page at a time
 * with its total, and downloaded whole as a spreadsheet. It used to stop at 5,000 rows
 * without saying so; now every attended session is on some page and in the spreadsheet.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers.js';
import { schoolWithRecord as fixture } from '../record-fixtures.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-06-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const schoolWithRecord = (people: number, sessions: number) => fixture(t, people, sessions);

describe('one person’s training record (GET /api/users/:id/completions)', () => {
  it('is theirs, their organisation’s office staff’s and administrators’ to read, and holds only their sessions', async () => {
    const { school, staff, office } = await schoolWithRecord(2, 3);
    const [pat, sam] = staff as [(typeof staff)[number], (typeof staff)[number]];
    const record = async (as: typeof office) => t.request('GET', `/api/users/${pat.id}/completions`, { as });
    const own = await record(pat);
    expect(own.status).toBe(200);
    expect(own.json.items.map((i: { title: string }) => i.title)).toEqual(['Session 2', 'Session 1', 'Session 0']);
    expect(new Set(own.json.items.map((i: { userId: string }) => i.userId))).toEqual(new Set([pat.id]));
    expect((await record(office)).json).toEqual(own.json);
    expect((await record(await t.user('admin'))).json).toEqual(own.json);
    // A colleague is refused; another school's office is told there is no such person there.
    expect((await record(sam)).status).toBe(403);
    expect((await record(await t.user('office', (await t.org('Elm School')).id))).status).toBe(404);
    expect((await record(await t.user('trainer'))).status).toBe(403);
    expect((await t.request('GET', `/api/users/${school.id}/completions`, { as: await t.user('admin') })).status).toBe(404);
  });
});

describe('an organisation’s training record', () => {
  it('is read a page at a time, newest first, with its total: every attended session on exactly one page, past 5,000', async () => {
    const { school, ids, office } = await schoolWithRecord(102, 50); // 5,100 attended sessions
    const seen: string[] = [];
    let total = 0;
    for (let offset = 0; ; offset += 500) {
      const r = await t.request('GET', `/api/orgs/${school.id}/completions?limit=500&offset=${offset}`, { as: office });
      expect(r.status).toBe(200);
      total = r.json.total;
      expect(r.json).toMatchObject({ limit: 500, offset });
      seen.push(...r.json.items.map((i: { bookingId: string }) => i.bookingId));
      if (r.json.items.length < 500) break;
    }
    expect(total).toBe(5100);
    expect(seen).toHaveLength(5100);
    expect(new Set(seen)).toEqual(new Set(ids));
    const first = await t.request('GET', `/api/orgs/${school.id}/completions`, { as: office });
    expect(first.json).toMatchObject({ total: 5100, limit: 100, offset: 0 });
    expect(first.json.items[0]).toMatchObject({ title: 'Session 49', userName: 'Person 0000' });
    // And the spreadsheet holds every one of them.
    const csv = await t.request('GET', `/api/orgs/${school.id}/completions.csv`, { as: office });
    expect(csv.text.trim().split('\r\n')).toHaveLength(1 + 5100);
  });

  it('downloads whole as a spreadsheet: one row per attended session, with the person, their email and their organisation', async () => {
    const { school, staff, office } = await schoolWithRecord(3, 2);
    const r = await t.request('GET', `/api/orgs/${school.id}/completions.csv`, { as: office });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename=training-record-oak-school-2026-06-01\.csv$/);
    const lines = r.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('name,email,session,course,date,start,end,seat,minutes present,audience,organisation');
    expect(lines).toHaveLength(1 + 6);
    expect(lines[1]).toBe(`Person 0000,${staff[0]!.email},Session 1,,2026-03-03,15:00,16:00,online,,programme,Oak School`);
  });

  it('writes a name that looks like a formula as text', async () => {
    const { school, staff, office } = await schoolWithRecord(1, 1);
    await t.db.updateTable('users').set({ name: '=HYPERLINK("http://x")' }).where('id', '=', staff[0]!.id).execute();
    const r = await t.request('GET', `/api/orgs/${school.id}/completions.csv`, { as: office });
    expect(r.text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('keeps a name or title with a line break in its own cell: no new spreadsheet row, no formula', async () => {
    const { school, staff, office } = await schoolWithRecord(2, 1);
    // A name from an identity provider, stored before names were made one line.
    await t.db.updateTable('users').set({ name: "Pat Jones\n=1+1+cmd|' /C calc'!A0" }).where('id', '=', staff[0]!.id).execute();
    await t.db.updateTable('users').set({ name: 'Sam Lee\r=2+3' }).where('id', '=', staff[1]!.id).execute();
    await t.db.updateTable('sessions').set({ title: 'Session 0\r\n=SUM(A1:A9)' }).execute();
    // As a spreadsheet program reads it: any line break outside quotes ends a row.
    const rowsOf = async (path: string, as: typeof office) => parse((await t.request('GET', path, { as })).text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true }) as string[][];
    const org = await rowsOf(`/api/orgs/${school.id}/completions.csv`, office);
    expect(org).toHaveLength(1 + 2);
    expect(org.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(org.map((r) => [r[0], r[2]]).slice(1).sort()).toEqual([
      ["Pat Jones\n=1+1+cmd|' /C calc'!A0", 'Session 0\r\n=SUM(A1:A9)'],
      ['Sam Lee\r=2+3', 'Session 0\r\n=SUM(A1:A9)'],
    ]);
    const mine = await rowsOf('/api/me/completions.csv', staff[0]!);
    expect(mine).toHaveLength(1 + 1);
    expect(mine.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
  });

  it('refuses a spreadsheet larger than a report may be, saying how to read it instead, and changes nothing', async () => {
    await t.close();
    t = await makeTestContext({ now: '2026-06-01T09:00:00.000Z', config: { maxReportBookings: 5 } });
    const { school, office } = await schoolWithRecord(3, 2);
    const r = await t.request('GET', `/api/orgs/${school.id}/completions.csv`, { as: office });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'report_too_large' });
    expect(r.json.error.message).toContain('page by page');
    expect((await t.request('GET', `/api/orgs/${school.id}/completions?limit=10`, { as: office })).json.total).toBe(6);
  });

  it('is its own organisation’s office staff’s and administrators’ only; bad paging is a clear error', async () => {
    const { school, staff } = await schoolWithRecord(1, 1);
    const other = await t.user('office', (await t.org('Elm School')).id);
    for (const path of [`/api/orgs/${school.id}/completions`, `/api/orgs/${school.id}/completions.csv`]) {
      expect((await t.request('GET', path, { as: other })).status).toBe(403);
      expect((await t.request('GET', path, { as: staff[0]! })).status).toBe(403);
      expect((await t.request('GET', path, { as: await t.user('admin') })).status).toBe(200);
    }
    for (const q of ['limit=0', 'limit=501', 'offset=-1', 'limit=ten']) {
      const r = await t.request('GET', `/api/orgs/${school.id}/completions?${q}`, { as: await t.user('admin') });
      expect(r.status).toBe(400);
    }
  });
});
