/**
 * Organisations at national scale: with more organisations than a picker lists (here 130;
 * England has tens of thousands), no page reads every organisation. Each picker asks the
 * server for a page of those matching what is typed (`GET /api/orgs?q=&limit=50`, or the
 * session's holdable organisations), and one beyond the first 50 by name is found by its
 * URN and used, by keyboard, at 320 px: the People filter and a person's organisation, the
 * new-session audience (trusts and local authorities only, for a trust audience), a
 * programme session's seat holds, an office page an administrator opens, and the identity
 * providers' email-domain organisation.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Every request the page makes to `/api/orgs…` or a session's holdable organisations, path and query. */
function orgRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/^\/api\/orgs(\/[^/]+)?$/.test(u.pathname) || u.pathname.endsWith('/holds/organisations')) seen.push(u.pathname + u.search);
  });
  return seen;
}

/** None of `requests` reads every organisation: a list asks for at most 50, or one organisation is read by id. */
function expectNoneReadsAll(requests: string[]) {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const u = new URL(r, 'http://x');
    if (/^\/api\/orgs\/[^/]+$/.test(u.pathname)) continue;
    expect(Number(u.searchParams.get('limit')), r).toBeGreaterThan(0);
    expect(Number(u.searchParams.get('limit')), r).toBeLessThanOrEqual(50);
  }
}

/** Types `text` into the picker's search field (reached by keyboard) and waits until the picker has chosen `name`. */
async function findByKeyboard(page: Page, searchLabel: string, selectId: string, text: string, name: string) {
  await tabTo(page, searchLabel, { max: 120 });
  await page.keyboard.type(text);
  await page.locator(`#${selectId}-count`).filter({ hasText: `1 organisation matches “${text}”.` }).waitFor();
  await expect.poll(() => page.locator(`#${selectId} option:checked`).innerText()).toContain(name);
}

describe.skipIf(!browserAvailable)('organisations at national scale: pickers search the server', () => {
  const env = serverAndBrowser();
  /** School 000 … School 127 (URN 300000 + n), and Zulu Learning Trust with two schools: 131 organisations. */
  let far: { id: string; name: string; urn: string };
  let trust: { id: string; name: string };

  beforeAll(async () => {
    const { t } = env.server;
    const now = t.clock.now().toISOString();
    trust = { id: randomUUID(), name: 'Zulu Learning Trust' };
    const rows = [
      { id: trust.id, name: trust.name, kind: 'trust' as const, urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: now },
      ...Array.from({ length: 130 }, (_, i) => ({
        id: randomUUID(),
        name: i < 128 ? `School ${String(i).padStart(3, '0')}` : `Zulu Academy ${i}`,
        kind: 'school' as const,
        urn: String(300000 + i),
        parent_id: i >= 128 ? trust.id : null,
        time_zone: 'Europe/London',
        settings: '{}',
        created_at: now,
      })),
    ];
    for (let i = 0; i < rows.length; i += 60) await t.db.insertInto('organisations').values(rows.slice(i, i + 60)).execute();
    const r = rows[118]!; // School 117: well past the first 50 by name
    far = { id: r.id, name: r.name, urn: r.urn! };
  });

  it('People: the organisation filter finds a school past the first 50 by URN, and a person is moved to another such school (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const pat = await t.user('staff', far.id, 'Pat Farschool');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    const requests = orgRequests(page);
    await page.goto('/admin/people');
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await page.locator('#people-org-count').filter({ hasText: '131 to choose from; the first 50 are listed. Type to narrow them.' }).waitFor();
    expect(await page.locator('#people-org option').count()).toBe(51); // "Any organisation" and 50
    await findByKeyboard(page, 'Find school or organisation by name or URN', 'people-org', far.urn, far.name);
    await tabTo(page, 'Search');
    await page.keyboard.press('Enter');
    await page.getByText(`People at ${far.name}, by name: 1 person.`).waitFor();
    await checkPage(page, 'People filtered by a school found by URN (320 px)');

    // The person's own organisation is shown chosen (read by id, not found in a list of all), and another is found by URN.
    await tabTo(page, /^Change role, job role or organisation, or send a reset link: /, { max: 120 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`#org-${pat.id} option:checked`).innerText()).toContain(far.name);
    await findByKeyboard(page, 'Find organisation by name or URN', `org-${pat.id}`, '300120', 'School 120');
    await tabTo(page, `Save role and organisation for ${pat.name}`);
    await page.keyboard.press('Enter');
    await activate(page, 'Yes, save the change');
    await page.getByRole('status').filter({ hasText: `${pat.name} is now staff at School 120.` }).waitFor();
    expect((await t.request('GET', '/api/users?q=Farschool', { as: admin })).json.items).toEqual([expect.objectContaining({ id: pat.id, orgName: 'School 120' })]);
    await checkPage(page, 'a person moved to a school found by URN (320 px)');
    expectNoneReadsAll(requests);
  });

  it('a search that fails is said beside the field with Try again, though the first matches are still listed, and trying again finds the school (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/people');
    await page.locator('#people-org-count').filter({ hasText: '131 to choose from' }).waitFor();
    let failing = true;
    await page.route(
      (url) => url.pathname === '/api/orgs' && url.searchParams.has('q'),
      (route) => (failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue()),
    );
    await tabTo(page, 'Find school or organisation by name or URN', { max: 120 });
    await page.keyboard.type(far.urn);
    await page.locator('#people-org-count').filter({ hasText: 'The organisations could not be loaded.' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' });
    await alert.waitFor();
    await checkPage(page, 'People, an organisation search that failed (320 px)');
    failing = false;
    await tabTo(page, 'Try again');
    await page.keyboard.press('Enter');
    await page.locator('#people-org-count').filter({ hasText: `1 organisation matches “${far.urn}”.` }).waitFor();
    await expect.poll(() => page.locator('#people-org option:checked').innerText()).toContain(far.name);
    expect(await alert.count()).toBe(0);
  });

  it('New session: a trust audience offers only trusts and local authorities, found by name; one organisation’s staff, any school found by URN (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);
    const requests = orgRequests(page);
    await page.goto('/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    // The radios are one stop: arrows choose among them.
    await tabTo(page, 'Everyone in the programme', { max: 120 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('A trust or local authority and all its schools (in-house)').isChecked()).toBe(true);
    await page.locator('#audience-org-count').filter({ hasText: '1 organisation to choose from.' }).waitFor();
    // Only the trust, though 130 schools are there to see.
    expect(await page.locator('#audience-org option').allInnerTexts()).toEqual(['Choose…', trust.name]);
    expect(requests.some((r) => new URL(r, 'http://x').searchParams.get('kind') === 'trust,local_authority')).toBe(true);
    await findByKeyboard(page, 'Find trust or local authority by name or URN', 'audience-org', 'zulu', trust.name);
    await checkPage(page, 'new session, trust audience chosen (320 px)');
    // One organisation's staff: any school, found by URN.
    await tabTo(page, 'A trust or local authority and all its schools (in-house)', { back: true, max: 120 });
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel('One organisation’s staff only (in-house)').isChecked()).toBe(true);
    await page.locator('#audience-org-count').filter({ hasText: '131 to choose from; the first 50 are listed. Type to narrow them.' }).waitFor();
    await findByKeyboard(page, 'Find organisation by name or URN', 'audience-org', far.urn, far.name);
    expectNoneReadsAll(requests);
  });

  it('Seat holds on a programme session: the school is found by URN among every school and its seats are held (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const s = await t.session({ title: 'Nationwide session', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 20 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, s.trainer);
    const requests = orgRequests(page);
    await page.goto(`/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Nationwide session' }).waitFor();
    await page.locator('#hold-org-count').filter({ hasText: '131 to choose from; the first 50 are listed. Type to narrow them.' }).waitFor();
    await findByKeyboard(page, 'Find school by name or URN', 'hold-org', far.urn, far.name);
    await tabTo(page, 'Number of seats to hold');
    await page.keyboard.type('2');
    await tabTo(page, 'Save hold');
    await page.keyboard.press('Enter');
    await page.getByText(`2 online seats held for ${far.name}.`).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([expect.objectContaining({ orgId: far.id, seats: 2 })]);
    await checkPage(page, 'seat holds, a school found by URN (320 px)');
    expectNoneReadsAll(requests);
  });

  it('a local authority’s office with more schools than its list holds finds one past the first 200 by URN, and the page is about that school (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const now = t.clock.now().toISOString();
    const la = { id: randomUUID(), name: 'Yarrow Local Authority' };
    const schools = Array.from({ length: 205 }, (_, i) => ({ id: randomUUID(), name: `Yarrow School ${String(i).padStart(3, '0')}`, kind: 'school' as const, urn: String(500000 + i), parent_id: la.id, time_zone: 'Europe/London', settings: '{}', created_at: now }));
    await t.db.insertInto('organisations').values({ id: la.id, name: la.name, kind: 'local_authority', urn: null, parent_id: null, time_zone: 'Europe/London', settings: '{}', created_at: now }).execute();
    for (let i = 0; i < schools.length; i += 60) await t.db.insertInto('organisations').values(schools.slice(i, i + 60)).execute();
    const last = schools[204]!; // the authority first, then by name: past the first 200
    const office = await t.user('office', la.id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/office/bookings');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    await findByKeyboard(page, 'Find organisation by name or URN', 'office-org', last.urn, last.name);
    await tabTo(page, 'Show');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('org') === last.id);
    await page.getByText(`Every booking and waitlist place of the staff of ${last.name}.`).waitFor();
    await checkPage(page, 'a local authority office, a school past the first 200 (320 px)');
    // Opened afresh at that address, the same.
    await page.reload();
    await page.getByText(`Every booking and waitlist place of the staff of ${last.name}.`).waitFor();
  });

  it('an office page an administrator opens, and the identity providers page, find the organisation by URN (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    const requests = orgRequests(page);
    await page.goto('/office/bookings');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    await findByKeyboard(page, 'Find organisation by name or URN', 'office-org', far.urn, far.name);
    await tabTo(page, 'Show');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('org') === far.id);
    // The page about that school names it chosen, read by id (not found in a list of every organisation).
    await expect.poll(() => page.locator('#office-org option:checked').innerText()).toContain(far.name);
    await page.getByText(`Every booking and waitlist place of the staff of ${far.name}.`).waitFor();
    await checkPage(page, 'an office page about a school an administrator found by URN (320 px)');

    await page.goto('/admin/identity-providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await findByKeyboard(page, 'Find the organisation for email domain 1 by name or URN', 'idp-org-1', far.urn, far.name);
    await checkPage(page, 'identity providers, domain organisation found by URN (320 px)');
    expectNoneReadsAll(requests);
  });
});
