/**
 * Administrators' lists, as an administrator meets them, by keyboard, axe-clean, and without
 * sideways scrolling at 320 CSS px:
 *
 * - Organisations: read once (the page used to ask for every organisation twice), 50 a page
 *   with "Showing 1 to 50 of 63 organisations" said politely, the page kept in the address.
 * - People: how many match the search and filters in all ("… : 55 people, 50 shown"), in a
 *   polite live region.
 * - An organisation's in-house leads: who may lead is asked for once, however many schools a
 *   trust has (it used to be one request per school); with more than the choice lists, a search
 *   by name or email finds the rest.
 * - Courses: a trainer list refused for naming someone who is no longer a trainer names them.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, newPage, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

/** The API requests the page makes whose path matches `re`, from now on. */
function requestsTo(page: Page, re: RegExp): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (re.test(u.pathname)) seen.push(u.pathname + u.search);
  });
  return seen;
}

const textOf = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('administrators’ lists', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('Organisations are read once and listed 50 a page, saying how many; a search keeps to its matches (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Zeta Learning Trust', kind: 'trust' } })).json as { id: string };
    for (let i = 0; i < 60; i++) await t.request('POST', '/api/orgs', { as: admin, body: { name: `Paged School ${String(i).padStart(2, '0')}`, ...(i === 59 ? { parentId: trust.id } : {}) } });
    const total = Number((await t.db.selectFrom('organisations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(total).toBeGreaterThan(50);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    const orgRequests = requestsTo(page, /^\/api\/orgs$/);
    await page.goto('/admin/orgs');
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    await page.getByRole('rowheader', { name: 'Paged School 00' }).waitFor();
    // Once, not twice.
    expect(orgRequests).toEqual(['/api/orgs']);
    // 50 a page, saying how many there are in all.
    expect(await page.locator('table tbody tr').count()).toBe(50);
    await expect.poll(() => textOf(page, 'p.count')).toBe(`Showing 1 to 50 of ${total} organisations.`);
    expect(await page.locator('p.count').getAttribute('role')).toBe('status');
    await checkPage(page, 'organisations, first page (320 px)');

    await tabTo(page, 'Next page', { max: 120 });
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/orgs?page=2');
    await expect.poll(() => textOf(page, '#orgs-count')).toBe(`Showing 51 to ${total} of ${total} organisations.`);
    await expectFocused(page, '#orgs-count');
    // The last school by name is on the second page, named with its trust.
    const last = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Paged School 59' }) });
    await last.waitFor();
    expect(await last.getByRole('cell').last().innerText()).toContain('Zeta Learning Trust');
    await checkPage(page, 'organisations, second page (320 px)');

    // A search by part of a name, any case: its matches, on one page.
    await tabTo(page, 'Name or URN', { back: true, max: 120 });
    await page.keyboard.type('paged school 5');
    await page.keyboard.press('Enter');
    await expect.poll(() => textOf(page, '#orgs-count')).toBe('Showing 1 to 10 of 10 organisations matching “paged school 5”.');
    expect(await page.locator('table tbody tr').count()).toBe(10);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await page.context().close();
  });

  it('People says how many match the search in all, and how many are shown, politely (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('Counting Academy');
    for (let i = 0; i < 55; i++) await t.user('staff', org.id, `Countable Person ${String(i).padStart(2, '0')}`);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people', 'People', { nav: 'People' });
    await tabTo(page, 'Name or email');
    await page.keyboard.type('countable');
    await page.keyboard.press('Enter');
    const count = 'p.count[aria-live="polite"]';
    await expect.poll(() => textOf(page, count)).toBe('People matching “countable”: 55 people, 50 shown.');
    expect(await page.locator(count).getAttribute('aria-live')).toBe('polite');
    await checkPage(page, 'people with a count (320 px)');

    await activate(page, 'Show more people', { max: 400 });
    await expect.poll(() => textOf(page, count)).toBe('People matching “countable”: 55 people.');

    // Narrowed by organisation too: the count follows.
    await page.goto(`/admin/people?${new URLSearchParams({ q: 'Person 0', orgId: org.id })}`);
    await expect.poll(() => textOf(page, count)).toBe('People at Counting Academy matching “Person 0”: 10 people.');
    await page.context().close();
  });

  it('while the next search loads, the count still describes the list in view, not the search still loading (People and Mail, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('Slow Search Academy');
    for (let i = 0; i < 3; i++) await t.user('staff', org.id, `Waiting Person ${i}`);
    await t.user('staff', org.id, 'Quicksilver Lone');

    const page = await newPage(env.browser, env.server, NARROW);
    const count = 'p.count[aria-live="polite"]';
    await signInAt(page, admin, '/admin/people?q=waiting');
    await expect.poll(() => textOf(page, count)).toBe('People matching “waiting”: 3 people.');
    // The next search's answer is held back until released: meanwhile the three people found for "waiting" are in view.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route((u) => u.pathname === '/api/users' && u.searchParams.get('q') === 'quicksilver', async (route) => {
      await held;
      await route.continue();
    });
    await tabTo(page, 'Name or email');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('quicksilver');
    const asked = page.waitForRequest((r) => new URL(r.url()).searchParams.get('q') === 'quicksilver');
    await page.keyboard.press('Enter');
    await asked;
    await page.waitForTimeout(300);
    expect(await textOf(page, count)).toBe('People matching “waiting”: 3 people.');
    await page.getByRole('heading', { name: 'Waiting Person 0' }).waitFor({ timeout: 1000 });
    release();
    await expect.poll(() => textOf(page, count)).toBe('People matching “quicksilver”: 1 person.');
    await checkPage(page, 'people after a slow search (320 px)');

    // The Mail page likewise: its count names the search whose messages are listed.
    const outbox = '#outbox-count';
    await page.goto(`/admin/mail?to=${encodeURIComponent('waiting')}`);
    const before = 'No messages to addresses containing “waiting”.';
    await expect.poll(() => textOf(page, outbox)).toBe(before);
    let releaseMail!: () => void;
    const heldMail = new Promise<void>((r) => (releaseMail = r));
    await page.route((u) => u.pathname === '/api/outbox' && u.searchParams.get('to') === 'nobody-at-all', async (route) => {
      await heldMail;
      await route.continue();
    });
    const mailAsked = page.waitForRequest((r) => new URL(r.url()).searchParams.get('to') === 'nobody-at-all');
    await tabTo(page, 'To (an email address, or any part of one)');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('nobody-at-all');
    await page.keyboard.press('Enter');
    await mailAsked;
    await page.waitForTimeout(300);
    expect(await textOf(page, outbox)).toBe(before);
    releaseMail();
    await expect.poll(() => textOf(page, outbox)).toBe('No messages to addresses containing “nobody-at-all”.');
    await checkPage(page, 'mail after a slow search (320 px)');
    await page.context().close();
  });

  it('a trust’s in-house lead candidates come in one request, not one per school, and a search finds those beyond the first 1000 (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Rowan Schools Trust', kind: 'trust' } })).json as { id: string; name: string };
    const schools: { id: string; name: string }[] = [];
    for (const name of ['Rowan Infants', 'Rowan Juniors', 'Rowan Secondary', 'Rowan Sixth Form']) schools.push((await t.request('POST', '/api/orgs', { as: admin, body: { name, parentId: trust.id } })).json as { id: string; name: string });
    // More staff than the choice lists at once: the last of them by name is beyond it.
    const now = t.clock.now().toISOString();
    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: randomUUID(),
      email: `rowan-staff-${i}@rowan.example`,
      name: `Aaron Rowan ${String(i).padStart(4, '0')}`,
      role: 'staff' as const,
      org_id: schools[i % schools.length]!.id,
      password_hash: null,
      captioner: 0,
      time_zone: null,
      created_at: now,
      disabled_at: null,
      job_role: null,
    }));
    for (let i = 0; i < many.length; i += 200) await t.db.insertInto('users').values(many.slice(i, i + 200)).execute();
    const zed = await t.user('staff', schools[3]!.id, 'Zed Sixthform');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    const peopleRequests = requestsTo(page, /^\/api\/orgs\/[^/]+\/(users|lead-candidates)$/);
    await page.goto(`/admin/orgs/${trust.id}`);
    await page.getByRole('heading', { level: 2, name: 'In-house leads' }).waitFor();
    await page.getByText('No one leads in-house training here yet.').waitFor();
    // One request for who may lead, whatever the number of schools.
    expect(peopleRequests.map((r) => r.replace(/\?.*/, ''))).toEqual([`/api/orgs/${trust.id}/lead-candidates`]);
    expect(await page.locator('#lead-person option').count()).toBe(1001); // "Choose a person" and the first 1000
    expect(await page.locator(`#lead-person option[value="${zed.id}"]`).count()).toBe(0);
    const hint = page.locator('#lead-search-hint');
    await hint.waitFor();
    expect(await hint.innerText()).toContain('Only the first 1000 people by name are offered below');
    await checkPage(page, 'in-house leads with more staff than listed (320 px)');

    // Found by name, then made a lead, by keyboard.
    await tabTo(page, 'Find a person by name or email', { max: 200 });
    await page.keyboard.type('zed');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#lead-person option').count()).toBe(2);
    await tabTo(page, 'Make an in-house lead');
    await page.keyboard.type('Zed');
    expect(await page.locator('#lead-person').inputValue()).toBe(zed.id);
    await tabTo(page, 'Make in-house lead');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Zed Sixthform is now an in-house lead for ${trust.name}.` }).waitFor();
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items.map((l: { userId: string }) => l.userId)).toEqual([zed.id]);
    expect(peopleRequests.filter((r) => r.includes('/users'))).toEqual([]);
    await checkPage(page, 'in-house leads after a search (320 px)');
    await page.context().close();
  });

  it('a course’s trainers refused for someone no longer a trainer names them (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const school = await t.org('Hazel Primary');
    const tara = await t.user('trainer', null, 'Tara Moved');
    const title = 'Speech and language basics';
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title } })).json as { id: string };
    expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [tara.id] } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/courses');
    const card = page.getByRole('article', { name: title });
    await card.getByRole('checkbox', { name: 'Tara Moved' }).waitFor();
    // Meanwhile another administrator makes Tara a member of staff at a school.
    expect((await t.request('PUT', `/api/users/${tara.id}/placement`, { as: admin, body: { role: 'staff', orgId: school.id } })).status).toBe(200);
    await tabTo(page, `Save trainers for ${title}`, { max: 300 });
    await page.keyboard.press('Enter');
    const alert = card.getByRole('alert').filter({ hasText: 'Tara Moved' });
    await alert.waitFor();
    expect((await alert.innerText()).replace(/\s+/g, ' ')).toContain('Only trainers and administrators can run sessions: Tara Moved is not a trainer.');
    expect(await alert.innerText()).not.toContain(tara.id);
    await checkPage(page, 'a course’s trainers refused (320 px)');
    await page.context().close();
  });
});
