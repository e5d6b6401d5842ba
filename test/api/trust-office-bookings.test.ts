/**
 * A trust's bookings, as its office reads them with the trust chosen (the default of its
 * office pages): its own staff's and its schools', each row naming the person's school, as
 * Training coverage counts them; paged and counted over all of them. A school's office still
 * reads its own school only, nobody reads another trust's, and a school's own in-house
 * sessions stay out of its trust's view (DESIGN.md invariant 12). The bookings spreadsheet
 * says modes, seats, statuses and audiences in the words the pages use.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { riversideWorld } from '../trust-fixtures.js';
import { readCalendar } from './calendar-ical.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-03-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const csvRows = (text: string) => parse(text, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
const book = (as: TestUser, sessionId: string, body: Record<string, unknown>) => t.request('POST', `/api/sessions/${sessionId}/bookings`, { as, body });

const riverside = () => riversideWorld(t);

describe('a trust office with the trust chosen', () => {
  it('lists its own staff’s and its schools’ bookings, each naming the person’s school, paged and counted over all of them', async () => {
    const w = await riverside();
    const all = await t.request('GET', `/api/orgs/${w.trust.id}/bookings?from=2026-03-01`, { as: w.tess });
    expect(all.status, all.text).toBe(200);
    expect(all.json).toMatchObject({ total: 6, hasMore: false, live: 6, cancelled: 0 });
    expect(all.json.items.map((b: any) => [b.session.title, b.userName, b.orgName])).toEqual([
      ['Autism awareness', 'Amy Primary', 'Riverside Primary School'],
      ['Autism awareness', 'Ben Primary', 'Riverside Primary School'],
      ['Autism awareness', 'Cat Hilltop', 'Hilltop Academy'],
      ['Autism awareness', 'Tess Office', 'Riverside Learning Trust'],
      ['Makaton basics', 'Amy Primary', 'Riverside Primary School'],
      ['Makaton basics', 'Cat Hilltop', 'Hilltop Academy'],
    ]);
    expect(all.json.items.find((b: any) => b.userName === 'Cat Hilltop').orgId).toBe(w.hilltop.id);

    // Page by page: every booking once, in the same order, the counts over the whole range.
    const seen: string[] = [];
    for (let offset = 0; ; offset += 4) {
      const page = await t.request('GET', `/api/orgs/${w.trust.id}/bookings?from=2026-03-01&limit=4&offset=${offset}`, { as: w.tess });
      expect(page.json).toMatchObject({ total: 6, live: 6, cancelled: 0 });
      seen.push(...page.json.items.map((b: any) => b.id));
      if (!page.json.hasMore) break;
    }
    expect(seen).toEqual(all.json.items.map((b: any) => b.id));

    // A cancellation is counted apart, as on a school's list.
    const ben = all.json.items.find((b: any) => b.userName === 'Ben Primary');
    expect((await t.request('DELETE', `/api/bookings/${ben.id}`, { as: w.tess })).status).toBe(200);
    expect((await t.request('GET', `/api/orgs/${w.trust.id}/bookings?from=2026-03-01`, { as: w.tess })).json).toMatchObject({ total: 6, live: 5, cancelled: 1 });

    // An administrator choosing the trust reads the same, the school's in-house session included (they see every session).
    const asAdmin = await t.request('GET', `/api/orgs/${w.trust.id}/bookings?from=2026-03-01`, { as: w.admin });
    expect(asAdmin.json.items.map((b: any) => b.session.title).sort()).toEqual(['Autism awareness', 'Autism awareness', 'Autism awareness', 'Autism awareness', 'Makaton basics', 'Makaton basics', 'Primary INSET']);
  });

  it('keeps every organisation check: a school’s in-house sessions stay out of the trust’s view; a school office reads its own school only; nobody reads another trust’s', async () => {
    const w = await riverside();
    const titles = async (orgId: string, as: TestUser) => {
      const r = await t.request('GET', `/api/orgs/${orgId}/bookings?from=2026-03-01`, { as });
      expect(r.status, r.text).toBe(200);
      return r.json.items.map((b: any) => `${b.userName}: ${b.session.title}`);
    };
    expect(await titles(w.trust.id, w.tess)).not.toContain('Amy Primary: Primary INSET');
    expect(await titles(w.trust.id, w.tess)).not.toContain('Bea Brook: Autism awareness');
    // The school's own office reads its in-house session, and only its own staff.
    expect(await titles(w.primary.id, w.primaryOffice)).toEqual(['Amy Primary: Autism awareness', 'Ben Primary: Autism awareness', 'Amy Primary: Primary INSET', 'Amy Primary: Makaton basics']);
    for (const path of ['bookings', 'bookings.csv', 'bookings.ics']) {
      expect((await t.request('GET', `/api/orgs/${w.trust.id}/${path}`, { as: w.primaryOffice })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.hilltop.id}/${path}`, { as: w.primaryOffice })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.other.id}/${path}`, { as: w.tess })).status, path).toBe(403);
      expect((await t.request('GET', `/api/orgs/${w.trust.id}/${path}`, { as: w.amy })).status, path).toBe(403);
    }
  });

  it('exports its own staff’s and its schools’ bookings as a spreadsheet, each row naming the school, and as a calendar', async () => {
    const w = await riverside();
    const csv = await t.request('GET', `/api/orgs/${w.trust.id}/bookings.csv?from=2026-03-01`, { as: w.tess });
    expect(csv.status, csv.text).toBe(200);
    const rows = csvRows(csv.text);
    expect(Object.keys(rows[0]!)).toEqual(['name', 'email', 'session title', 'start', 'end', 'time zone', 'mode', 'seat', 'venue', 'status', 'waitlist position', 'booked at', 'audience', 'organisation', 'how it ended', 'mode (in words)', 'seat (in words)', 'audience (in words)']);
    expect(rows.map((r) => [r.name, r.organisation, r['session title']]).sort()).toEqual([
      ['Amy Primary', 'Riverside Primary School', 'Autism awareness'],
      ['Amy Primary', 'Riverside Primary School', 'Makaton basics'],
      ['Ben Primary', 'Riverside Primary School', 'Autism awareness'],
      ['Cat Hilltop', 'Hilltop Academy', 'Autism awareness'],
      ['Cat Hilltop', 'Hilltop Academy', 'Makaton basics'],
      ['Tess Office', 'Riverside Learning Trust', 'Autism awareness'],
    ]);
    const ics = await t.request('GET', `/api/orgs/${w.trust.id}/bookings.ics?from=2026-03-01`, { as: w.tess });
    expect(ics.status).toBe(200);
    expect(readCalendar(ics.text).events.map((e: any) => e.summary).sort()).toEqual([
      'Amy Primary - Autism awareness',
      'Amy Primary - Makaton basics',
      'Ben Primary - Autism awareness',
      'Cat Hilltop - Autism awareness',
      'Cat Hilltop - Makaton basics',
      'Tess Office - Autism awareness',
    ]);
    // A school's export is still its own staff's, its in-house session in it for its own office.
    const school = csvRows((await t.request('GET', `/api/orgs/${w.primary.id}/bookings.csv?from=2026-03-01`, { as: w.primaryOffice })).text);
    expect(school.map((r) => `${r.name}: ${r['session title']}`).sort()).toEqual(['Amy Primary: Autism awareness', 'Amy Primary: Makaton basics', 'Amy Primary: Primary INSET', 'Ben Primary: Autism awareness']);
    expect(new Set(school.map((r) => r.organisation))).toEqual(new Set(['Riverside Primary School']));
  });
});

describe('the bookings spreadsheet', () => {
  it('keeps its columns’ order and codes (each person’s organisation a last column), leaves an online seat’s venue empty, and still neutralises formulas', async () => {
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id);
    const trainer = await t.user('trainer');
    const hybrid = await t.session({ title: 'Team Teach', mode: 'hybrid', venue: '=Main hall', startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', capacity: { inPerson: 1, online: 1 } }, trainer);
    const inhouse = await t.session({ title: 'Ash INSET', startsAt: '2026-03-11T16:00:00.000Z', endsAt: '2026-03-11T17:00:00.000Z', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, audience: { kind: 'organisation', orgId: org.id } }, trainer);
    const [ann, bob, cy, di] = [await t.user('staff', org.id, 'Ann'), await t.user('staff', org.id, 'Bob'), await t.user('staff', org.id, 'Cy'), await t.user('staff', org.id, 'Di')];
    expect((await book(office, hybrid.id, { userId: ann.id, seat: 'in_person' })).json.status).toBe('confirmed');
    expect((await book(office, hybrid.id, { userId: bob.id, seat: 'online' })).json.status).toBe('confirmed');
    expect((await book(office, hybrid.id, { userId: cy.id, seat: 'online' })).json.status).toBe('waitlisted');
    const seated = await book(office, inhouse.id, { userId: di.id });
    const offered = await book(office, inhouse.id, { userId: cy.id });
    expect(offered.json.status).toBe('waitlisted');
    // Di gives her seat up: Cy is offered it for an hour, and the hour runs out before any sweep.
    expect((await t.request('DELETE', `/api/bookings/${seated.json.id}`, { as: office })).status).toBe(200);
    t.clock.advance(60 * 60_000);

    const res = await t.request('GET', `/api/orgs/${org.id}/bookings.csv?from=2026-03-01`, { as: office });
    expect(res.status, res.text).toBe(200);
    const rows = csvRows(res.text);
    const row = (name: string, title: string) => rows.find((r) => r.name === name && r['session title'] === title)!;
    expect(row('Ann', 'Team Teach')).toMatchObject({ organisation: 'Ash Primary', mode: 'hybrid', seat: 'in_person', venue: `'=Main hall`, status: 'confirmed', audience: 'programme' });
    // An online seat of a hybrid session has no venue: the person joins online.
    expect(row('Bob', 'Team Teach')).toMatchObject({ mode: 'hybrid', seat: 'online', venue: '', status: 'confirmed' });
    expect(row('Cy', 'Team Teach')).toMatchObject({ seat: 'online', venue: '', status: 'waitlisted', 'waitlist position': '1' });
    expect(row('Di', 'Ash INSET')).toMatchObject({ mode: 'online', status: 'cancelled', audience: 'in-house: Ash Primary' });
    expect(row('Cy', 'Ash INSET')).toMatchObject({ status: 'offer expired' });
    // No cell begins a formula.
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });
});
