/**
 * A trust's training record, as its office reads it with the trust chosen (the default of its
 * office pages): the attended sessions of its own staff and of its schools' staff, each naming
 * the person's organisation, as Who is booked where and Training coverage count them; paged
 * and counted over all of them, and whole in the spreadsheet (within the report limit). It
 * used to hold only the staff the trust employs itself. A school's office still reads its own
 * school only, nobody reads another trust's, and a school's own in-house sessions stay out of
 * its trust's view (DESIGN.md invariant 12).
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { riversideWorld } from '../trust-fixtures.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const csvRows = (text: string) => parse(text, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];

/**
 * Riverside Learning Trust (Tess, its office, attends too) with Riverside Primary School (Amy,
 * Ben; Pat its office) and Hilltop Academy (Cat); Elm Trust with Brook School (Bea; Eve its
 * trust's office). Everyone booked attends, but Ben, marked absent.
 */
async function riverside() {
  const w = await riversideWorld(t);
  const { booked, ben, trainer } = w;
  // The register, once the sessions have ended; then the outcome job writes what it says.
  t.clock.set('2026-03-12T17:05:00.000Z');
  for (const [who, s, bookingId] of booked) {
    const body = who === ben ? { attended: false, minutes: 0 } : { attended: true, minutes: 55 };
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: trainer, body })).status).toBe(200);
  }
  t.clock.set('2026-03-12T18:30:00.000Z');
  await runJobsOnce(t.deps, null);
  return w;
}

const who = (items: any[]) => items.map((c) => [c.title, c.userName, c.orgName]);

describe('a trust office’s training record with the trust chosen', () => {
  it('holds its own staff’s and its schools’ attended sessions, each naming the person’s organisation, paged and counted over all of them', async () => {
    const w = await riverside();
    const all = await t.request('GET', `/api/orgs/${w.trust.id}/completions`, { as: w.tess });
    expect(all.status, all.text).toBe(200);
    expect(all.json).toMatchObject({ total: 5, limit: 100, offset: 0 });
    expect(who(all.json.items)).toEqual([
      ['Makaton basics', 'Amy Primary', 'Riverside Primary School'],
      ['Makaton basics', 'Cat Hilltop', 'Hilltop Academy'],
      ['Autism awareness', 'Amy Primary', 'Riverside Primary School'],
      ['Autism awareness', 'Cat Hilltop', 'Hilltop Academy'],
      ['Autism awareness', 'Tess Office', 'Riverside Learning Trust'],
    ]);
    expect(all.json.items.every((c: any) => c.minutes === 55)).toBe(true);

    // Page by page: every attended session once, in the same order, the total over all of them.
    const seen: string[] = [];
    for (let offset = 0; offset < 10; offset += 2) {
      const page = await t.request('GET', `/api/orgs/${w.trust.id}/completions?limit=2&offset=${offset}`, { as: w.tess });
      expect(page.json).toMatchObject({ total: 5, limit: 2, offset });
      seen.push(...page.json.items.map((c: any) => c.bookingId));
      if (page.json.items.length < 2) break;
    }
    expect(seen).toEqual(all.json.items.map((c: any) => c.bookingId));

    // An administrator choosing the trust reads the same, the school's in-house session too (they see every session).
    const asAdmin = await t.request('GET', `/api/orgs/${w.trust.id}/completions`, { as: w.admin });
    expect(asAdmin.json.total).toBe(6);
    expect(who(asAdmin.json.items)).toContainEqual(['Primary INSET', 'Amy Primary', 'Riverside Primary School']);

    // One person's own record names no organisation: it is all theirs.
    const mine = await t.request('GET', '/api/me/completions', { as: w.amy });
    expect(mine.json.items).toHaveLength(3);
    for (const c of mine.json.items) expect(c).not.toHaveProperty('orgName');
  });

  it('downloads whole as a spreadsheet with an organisation column, within the report limit', async () => {
    const w = await riverside();
    const csv = await t.request('GET', `/api/orgs/${w.trust.id}/completions.csv`, { as: w.tess });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/filename=training-record-riverside-learning-trust-2026-03-12\.csv$/);
    const rows = csvRows(csv.text);
    expect(Object.keys(rows[0]!)).toEqual(['name', 'email', 'session', 'course', 'date', 'start', 'end', 'seat', 'minutes present', 'audience', 'organisation']);
    expect(rows.map((r) => [r.session, r.name, r.organisation])).toEqual(who((await t.request('GET', `/api/orgs/${w.trust.id}/completions`, { as: w.tess })).json.items));
    expect(rows.find((r) => r.name === 'Cat Hilltop')).toMatchObject({ email: w.cat.email, organisation: 'Hilltop Academy', date: '2026-03-12', 'minutes present': '55' });

    // A school's spreadsheet has the column too, every row its own school.
    const school = csvRows((await t.request('GET', `/api/orgs/${w.primary.id}/completions.csv`, { as: w.primaryOffice })).text);
    expect(school.map((r) => `${r.name}: ${r.session}`)).toEqual(['Amy Primary: Makaton basics', 'Amy Primary: Primary INSET', 'Amy Primary: Autism awareness']);
    expect(new Set(school.map((r) => r.organisation))).toEqual(new Set(['Riverside Primary School']));

    // Over the limit counts the schools' staff too: refused, saying how to read it instead.
    t.deps.config.maxReportBookings = 4;
    const refused = await t.request('GET', `/api/orgs/${w.trust.id}/completions.csv`, { as: w.tess });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'report_too_large' });
    expect(refused.json.error.message).toContain('The record has 5 attended sessions, more than the 4');
    expect((await t.request('GET', `/api/orgs/${w.primary.id}/completions.csv`, { as: w.tess })).status).toBe(200);
  });

  it('keeps every organisation check: a school’s in-house sessions stay out of the trust’s view; a school office reads its own school only; nobody reads another trust’s', async () => {
    const w = await riverside();
    const read = async (orgId: string, as: TestUser) => {
      const r = await t.request('GET', `/api/orgs/${orgId}/completions`, { as });
      expect(r.status, r.text).toBe(200);
      return r.json.items.map((c: any) => `${c.userName}: ${c.title}`);
    };
    // The trust's office: not the school's own INSET, whether it reads the trust or the school; not another trust's staff.
    for (const orgId of [w.trust.id, w.primary.id]) {
      expect(await read(orgId, w.tess)).not.toContain('Amy Primary: Primary INSET');
      expect(await read(orgId, w.tess)).not.toContain('Bea Brook: Autism awareness');
    }
    expect(await read(w.primary.id, w.tess)).toEqual(['Amy Primary: Makaton basics', 'Amy Primary: Autism awareness']);
    // The school's own office reads its in-house session, and only its own staff.
    expect(await read(w.primary.id, w.primaryOffice)).toEqual(['Amy Primary: Makaton basics', 'Amy Primary: Primary INSET', 'Amy Primary: Autism awareness']);
    // Another trust's office reads its own school, not Riverside's.
    expect(await read(w.other.id, w.elmOffice)).toEqual(['Bea Brook: Autism awareness']);
    for (const path of ['completions', 'completions.csv']) {
      expect((await t.request('GET', `/api/orgs/${w.trust.id}/${path}`, { as: w.primaryOffice })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.hilltop.id}/${path}`, { as: w.primaryOffice })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.other.id}/${path}`, { as: w.tess })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.brook.id}/${path}`, { as: w.tess })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.trust.id}/${path}`, { as: w.elmOffice })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.trust.id}/${path}`, { as: w.amy })).status, path).toBe(403);
    }
    // Not in the spreadsheet either.
    const csv = await t.request('GET', `/api/orgs/${w.trust.id}/completions.csv`, { as: w.tess });
    expect(csv.text).not.toContain('Primary INSET');
    expect(csv.text).not.toContain('Bea Brook');
  });
});
