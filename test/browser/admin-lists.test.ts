/**
 * Administrators' lists, as an administrator meets them, by keyboard, axe-clean, and without
 * sideways scrolling at 320 CSS px:
 *
 * - Organisations: only the page in view is read (`GET /api/orgs?limit=50&offset=…`; the page
 *   used to read every organisation in the country), 50 a page with "Showing 1 to 50 of 63
 *   organisations" said politely, the page kept in the address; an organisation's page reads
 *   that organisation and whether any sit under it, and its parent is found by searching.
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

  it('Organisations are read a page at a time and listed 50 a page, saying how many; a search keeps to its matches (320 px)', async () => {
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
    // The list asks once, for the page it shows; the new organisation's "Part of" picker asks for trusts and local authorities only, a page of them.
    await expect.poll(() => orgRequests.filter((r) => r.includes('kind=')).length).toBeGreaterThan(0);
    expect(orgRequests.filter((r) => !r.includes('kind='))).toEqual(['/api/orgs?limit=50&offset=0']);
    expect(orgRequests.filter((r) => r.includes('kind='))).toEqual([`/api/orgs?${new URLSearchParams({ limit: '50', kind: 'trust,local_authority' })}`]);
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
    expect(orgRequests.filter((r) => !r.includes('kind='))).toEqual(['/api/orgs?limit=50&offset=0', '/api/orgs?limit=50&offset=50']);
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
    expect(orgRequests.filter((r) => !r.includes('kind=')).at(-1)).toBe(`/api/orgs?${new URLSearchParams({ limit: '50', offset: '0', q: 'paged school 5' })}`);
    await page.context().close();
  });

  it('with 120 organisations the list reads only the page in view, and an organisation’s page reads only it and whether any sit under it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Centum Learning Trust', kind: 'trust' } })).json as { id: string };
    // 119 schools (two of them under the trust), straight into the database: 120 organisations named Centum.
    const now = t.clock.now().toISOString();
    const schools = Array.from({ length: 119 }, (_, i) => ({
      id: randomUUID(),
      name: `Centum School ${String(i).padStart(3, '0')}`,
      kind: 'school' as const,
      urn: null,
      parent_id: i === 117 || i === 118 ? trust.id : null,
      time_zone: 'Europe/London',
      settings: '{}',
      created_at: now,
    }));
    for (let i = 0; i < schools.length; i += 60) await t.db.insertInto('organisations').values(schools.slice(i, i + 60)).execute();
    const listRequest = (u: URL) => u.pathname === '/api/orgs' && u.searchParams.get('q') === 'centum';

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    const orgRequests = requestsTo(page, /^\/api\/orgs(\/|$)/);
    const firstAnswer = page.waitForResponse((r) => listRequest(new URL(r.url())));
    await page.goto('/admin/orgs?q=centum');
    const first = await firstAnswer;
    // One page asked for, and one page answered: 50 of the 120, saying how many in all.
    expect(Object.fromEntries(new URL(first.url()).searchParams)).toEqual({ limit: '50', offset: '0', q: 'centum' });
    const body = (await first.json()) as { items: { name: string; parentName: string | null }[]; total: number; hasMore: boolean };
    expect(body.items).toHaveLength(50);
    expect(body).toMatchObject({ total: 120, hasMore: true });
    await expect.poll(() => textOf(page, '#orgs-count')).toBe('Showing 1 to 50 of 120 organisations matching “centum”.');
    expect(await page.locator('table tbody tr').count()).toBe(50);
    // No request reads every organisation: each asks for a page (the list's, or the parent picker's trusts and local authorities).
    expect(orgRequests.length).toBeGreaterThan(0);
    for (const r of orgRequests) expect(new URL(r, 'http://x').searchParams.get('limit'), r).toMatch(/^\d+$/);
    await checkPage(page, '120 organisations, first page (320 px)');

    // By keyboard to the third page: the last 20, said politely, focus on the count.
    for (const n of [2, 3]) {
      const answered = page.waitForResponse((r) => listRequest(new URL(r.url())) && new URL(r.url()).searchParams.get('offset') === String((n - 1) * 50));
      await tabTo(page, 'Next page', { max: 120 });
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/admin/orgs?q=centum&page=${n}`);
      const r = await answered;
      expect(new URL(r.url()).searchParams.get('limit')).toBe('50');
      expect(((await r.json()) as { items: unknown[] }).items).toHaveLength(n === 3 ? 20 : 50);
      await expectFocused(page, '#orgs-count');
    }
    await expect.poll(() => textOf(page, '#orgs-count')).toBe('Showing 101 to 120 of 120 organisations matching “centum”.');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Organisations');
    expect(await page.title()).toContain('Organisations, page 3');
    expect(await page.locator('table tbody tr').count()).toBe(20);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    // The schools under the trust name it (parentName), the others nothing.
    const under = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Centum School 118' }) });
    expect(await under.getByRole('cell').last().innerText()).toContain('Centum Learning Trust');
    const alone = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Centum School 100' }) });
    expect(await alone.getByRole('cell').last().innerText()).toContain('None');
    await checkPage(page, '120 organisations, third page (320 px)');
    // Back: the second page again, asked for again.
    await page.goBack();
    await page.waitForURL('**/admin/orgs?q=centum&page=2');
    await expect.poll(() => textOf(page, '#orgs-count')).toBe('Showing 51 to 100 of 120 organisations matching “centum”.');
    // Beyond the last page: said so.
    await page.goto('/admin/orgs?q=centum&page=4');
    await expect.poll(() => textOf(page, '#orgs-count')).toBe('There is no page 4: 120 organisations matching “centum” fill 3 pages.');
    await checkPage(page, 'a page beyond the last (320 px)');

    // The trust's page: the trust itself and whether any sit under it, nothing more.
    orgRequests.length = 0;
    await page.goto(`/admin/orgs/${trust.id}`);
    await page.getByRole('heading', { level: 1, name: 'Centum Learning Trust' }).waitFor();
    await page.getByText('In-house leads publish and run training sessions for Centum Learning Trust\'s staff and its schools only').waitFor();
    expect(orgRequests.filter((r) => !/^\/api\/orgs\/[^/?]+\/(lead-candidates|leads|users)/.test(r)).sort()).toEqual([`/api/orgs/${trust.id}`, `/api/orgs?${new URLSearchParams({ parent: trust.id, limit: '1' })}`].sort());
    await checkPage(page, 'a trust’s page (320 px)');
    // Made a school, the trust would find itself among the trusts: it cannot sit under itself, said beside the field.
    await tabTo(page, 'Kind');
    await page.keyboard.type('School');
    await expect.poll(() => page.locator('#org-kind').inputValue()).toBe('school');
    await tabTo(page, 'Find the trust or local authority by name or URN');
    await page.keyboard.type('centum learning');
    await expect.poll(() => page.locator('#org-parent').inputValue()).toBe(trust.id);
    await tabTo(page, 'Save organisation');
    await page.keyboard.press('Enter');
    await expectFocused(page, '.error-summary');
    await page.locator('#org-parent-error').filter({ hasText: 'Part of: An organisation cannot sit under itself.' }).waitFor();
    expect(await page.locator('#org-parent').getAttribute('aria-invalid')).toBe('true');
    expect((await t.request('GET', `/api/orgs/${trust.id}`, { as: admin })).json).toMatchObject({ kind: 'trust' });
    await checkPage(page, 'a trust made its own parent (320 px)');

    // A school's page: its trust already chosen, by name, without reading the trusts' list for it; the picker reads a page of trusts and local authorities.
    const school = schools[118]!;
    orgRequests.length = 0;
    await page.goto(`/admin/orgs/${school.id}`);
    await page.getByRole('heading', { level: 1, name: school.name }).waitFor();
    await page.getByText(`In-house leads publish and run training sessions for ${school.name}'s staff only`).waitFor();
    expect(await page.locator('#org-parent').inputValue()).toBe(trust.id);
    expect(await page.locator('#org-parent option:checked').innerText()).toBe('Centum Learning Trust');
    const plain = orgRequests.filter((r) => !/^\/api\/orgs\/[^/?]+\/(lead-candidates|leads|users)/.test(r));
    expect(plain).toContain(`/api/orgs/${school.id}`);
    expect(plain).toContain(`/api/orgs?${new URLSearchParams({ parent: school.id, limit: '1' })}`);
    for (const r of plain.filter((r) => r.startsWith('/api/orgs?'))) {
      const q = new URL(r, 'http://x').searchParams;
      expect(q.get('limit'), r).toMatch(/^\d+$/);
      expect(q.has('parent') || q.get('kind') === 'trust,local_authority', r).toBe(true);
    }
    await checkPage(page, 'a school’s page (320 px)');
    // By keyboard: the trust found by name in the picker (the one match is chosen), and kept on saving.
    await tabTo(page, 'Find the trust or local authority by name or URN', { max: 40 });
    await page.keyboard.type('centum learning');
    await expect.poll(() => textOf(page, '#org-parent-count')).toBe('1 organisation matches “centum learning”.');
    expect(await page.locator('#org-parent').inputValue()).toBe(trust.id);
    await tabTo(page, 'Save organisation');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Organisation saved.' }).waitFor();
    await expect.poll(() => page.locator('#org-parent option:checked').innerText()).toBe('Centum Learning Trust');
    expect((await t.request('GET', `/api/orgs/${school.id}`, { as: admin })).json).toMatchObject({ parentId: trust.id, parentName: 'Centum Learning Trust' });
    await checkPage(page, 'a school’s page after saving (320 px)');

    // No organisation by that id: said so.
    await page.goto(`/admin/orgs/${randomUUID()}`);
    await page.getByRole('heading', { level: 1, name: 'Organisation not found' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'There is no such organisation.' }).waitFor();
    await checkPage(page, 'no such organisation (320 px)');
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

    await activate(page, 'Show more people', { max: 460 });
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

  it('adding an organisation: Enter in the trust search searches (it does not add the organisation); a refused "sign in with their school account" is said at its checkbox; a failed save is said above the button with Try again, not at Name (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Entwistle Learning Trust', kind: 'trust' } })).json as { id: string };
    const added = async () => (await t.request('GET', '/api/orgs?q=Enterwood', { as: admin })).json.items as { name: string; parentId: string | null }[];
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/orgs', 'Organisations');
    await tabTo(page, 'Name', { max: 80 });
    await page.keyboard.type('Enterwood Primary');
    await tabTo(page, 'Find the trust or local authority by name or URN');
    await page.keyboard.type('Entwistle');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#org-parent-count').innerText()).toBe('1 organisation matches “Entwistle”.');
    await expect.poll(() => page.locator('#org-parent').inputValue()).toBe(trust.id);
    await expectFocused(page, '#org-parent-search');
    expect(page.url()).toMatch(/\/admin\/orgs$/);
    expect(await added()).toEqual([]);

    // Its own sign-in required, with no identity provider for it: refused at the checkbox.
    await tabTo(page, 'Staff must sign in with their school account (identity provider), not a password');
    await page.keyboard.press('Space');
    await tabTo(page, 'Add organisation');
    await page.keyboard.press('Enter');
    await expectFocused(page, '.error-summary');
    const sso = page.locator('#org-sso');
    await expect.poll(() => sso.getAttribute('aria-invalid')).toBe('true');
    expect(await sso.getAttribute('aria-describedby')).toBe('org-sso-error');
    expect(await page.locator('#org-sso-error').innerText()).toMatch(/identity provider/);
    expect(await page.locator('#org-name').getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('link', { name: /Staff must sign in with their school account/ }).press('Enter');
    await expectFocused(page, '#org-sso');
    await checkPage(page, 'add an organisation, its own sign-in refused at the checkbox (320 px)');
    await page.keyboard.press('Space');

    // The service cannot be reached: said above the button with Try again; no field is blamed.
    let failing = true;
    await page.route((u) => u.pathname === '/api/orgs', (route) => (failing && route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
    await tabTo(page, 'Add organisation');
    await page.keyboard.press('Enter');
    const retry = page.getByRole('button', { name: 'Try again' });
    await retry.waitFor({ timeout: 5000 });
    expect(await page.locator('#org-name').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('.error-summary').count()).toBe(0);
    await checkPage(page, 'add an organisation, the save failed (320 px)');
    failing = false;
    // Just above the button pressed.
    await tabTo(page, 'Try again', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Enterwood Primary' }).waitFor();
    expect(await added()).toEqual([expect.objectContaining({ name: 'Enterwood Primary', parentId: trust.id })]);
  });
});
