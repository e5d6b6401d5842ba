/**
 * A search the lists' shared schema refuses (longer than 200 characters, or holding a control
 * character other than the tabs and line breaks a paste brings) is checked with that schema
 * before it is sent, and said at the search field itself (aria-invalid, aria-describedby, focus
 * there), with no list or count left under it as if it were what was found, and no "Try again"
 * that could only be refused again; a pasted tab searches as a space. A page past the last,
 * even one further on than the service reads (?orgsPage=99999), says so and leads back to the
 * first. Training coverage (/reach), Who is coming, and the office's bookings and training
 * record, in real Chromium, by keyboard, axe-clean. (People and Staff accounts: see
 * people-search-refusals.test.ts.) Each failed before: the service's own words ("q is too
 * long") and a Try again over the list of the search before, or, past the service's last page,
 * "not available" in place of the whole page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, apiRequests, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const TOO_LONG = 'x'.repeat(201);
const TOO_LONG_WORDS = 'Search: use 200 characters or fewer';
const CONTROL_WORDS = 'Search: remove the control characters (invisible characters that came with a paste)';


/** The search at `fieldId` refused in `words`, said at the field (which has focus), with `countText` and no list (`rows`), no Try again, nothing of the service's. */
async function expectSearchRefused(page: Page, fieldId: string, words: string, countId: string, countText: string, rows: string) {
  const field = page.locator(`#${fieldId}`);
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain(`${fieldId}-error`);
  expect((await page.locator(`#${fieldId}-error`).textContent())?.trim()).toBe(`Error: ${words}`);
  await expectFocused(page, `#${fieldId}`);
  await expect.poll(() => page.locator(`#${countId}`).textContent()).toBe(countText);
  expect(await page.getByRole('button', { name: /Try again/ }).count(), 'no Try again that could only be refused again').toBe(0);
  expect(await page.getByText(/must not contain control characters|is too long|not available/).count(), 'none of the service’s own words').toBe(0);
  expect(await page.locator(rows).count(), 'no rows left under the refused search as if they were its answer').toBe(0);
}

describe.skipIf(!browserAvailable)('searches the service would refuse, and pages past the last', () => {
  const env = serverAndBrowser();

  async function trust() {
    const { t } = env.server;
    const admin = await t.user('admin');
    const tag = Math.random().toString(36).slice(2, 6);
    const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string; name: string };
    const willow = await org({ name: `Willow Trust ${tag}`, kind: 'trust' });
    const oak = await org({ name: `Oak Hill Primary ${tag}`, parentId: willow.id });
    const elm = await org({ name: `Elm Vale Academy ${tag}`, parentId: willow.id });
    await t.user('staff', oak.id, 'Ann Oak');
    await t.user('staff', elm.id, 'Eve Elm');
    const office = await t.user('office', willow.id, 'Tess Trust');
    const total = (await t.request('GET', `/api/reach/coverage?orgId=${willow.id}`, { as: office })).json.byOrgTotal as number;
    return { willow, oak, elm, office, tag, total };
  }

  it('Training coverage: a search too long or with a control character is said at its field, with no organisations under it; a pasted tab searches as a space (keyboard, axe)', async () => {
    const { office, tag, total } = await trust();
    const page = await newPage(env.browser, env.server);
    const requests = apiRequests(page);
    await signInAt(page, office, `/reach?orgsQ=${TOO_LONG}`);
    await page.getByRole('heading', { level: 1, name: /^Training coverage: Willow Trust/ }).waitFor();
    await expectSearchRefused(page, 'orgs-q', TOO_LONG_WORDS, 'orgs-count', 'Correct the search above to see organisations.', '#by-org table, #by-org [role=img]');
    expect(await page.locator('#orgs-q').inputValue(), 'what was asked for, to put right').toBe(TOO_LONG);
    expect(requests.some((r) => r.includes(TOO_LONG)), 'the refused search is not sent').toBe(false);
    // The figures that do not depend on the search are still there.
    await page.getByRole('heading', { level: 2, name: 'By job role' }).waitFor();
    await checkPage(page, 'training coverage with a search too long in its address');
    // No maxlength: a longer paste is not cut short to 200 without a word (checkSearch says it).
    expect(await page.locator('#orgs-q').getAttribute('maxlength')).toBeNull();

    // Put right, from the field that has focus: found, and the count takes focus.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('oak hill');
    await page.keyboard.press('Enter');
    const count = page.locator('#orgs-count');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 1 of 1 organisation matching “oak hill”, by name.');
    await expectFocused(page, '#orgs-count');
    expect(await page.locator('#orgs-q').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#orgs-q-error').count()).toBe(0);

    // Two spreadsheet cells pasted ("Oak<TAB>Hill"): searched as "Oak Hill".
    await tabTo(page, 'Find an organisation', { back: true });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(`Oak\tHill Primary ${tag}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe(`Showing 1 to 1 of 1 organisation matching “Oak Hill Primary ${tag}”, by name.`);
    expect(new URL(page.url()).searchParams.get('orgsQ')).toBe(`Oak Hill Primary ${tag}`);
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
    await page.getByRole('rowheader', { name: `Oak Hill Primary ${tag}` }).waitFor();

    // A search too long, pasted into the field (as a paste is inserted, which a maxlength would
    // have cut to 200 and searched for): said at the field, kept as pasted, not sent.
    await tabTo(page, 'Find an organisation', { back: true });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(TOO_LONG);
    expect(await page.locator('#orgs-q').inputValue(), 'not cut short').toBe(TOO_LONG);
    const beforeLong = requests.length;
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'orgs-q', TOO_LONG_WORDS, 'orgs-count', 'Correct the search above to see organisations.', '#by-org table, #by-org [role=img]');
    expect(await page.locator('#orgs-q').inputValue()).toBe(TOO_LONG);
    expect(requests.slice(beforeLong).some((r) => r.includes('xxxxxxxxxx')), 'the refused search, nor 200 of it, is sent').toBe(false);

    // Any other control character (pasted): refused at the field, which keeps focus; the list of the search before is not left under it.
    await tabTo(page, 'Find an organisation', { back: true });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('Oak\u0007');
    const before = requests.length;
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'orgs-q', CONTROL_WORDS, 'orgs-count', 'Correct the search above to see organisations.', '#by-org table, #by-org [role=img]');
    expect(requests.slice(before).some((r) => r.includes('\u0007')), 'the refused search is not sent').toBe(false);
    await checkPage(page, 'training coverage with a control character typed in its search');
    // Shown (the button, by keyboard) again as it is: still refused, and focus back at the field.
    await tabTo(page, 'Show');
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'orgs-q', CONTROL_WORDS, 'orgs-count', 'Correct the search above to see organisations.', '#by-org table, #by-org [role=img]');
    // Emptied: every organisation again.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe(`Showing 1 to ${total} of ${total} organisations, by name.`);
  });

  it('Training coverage: a page further on than any (?orgsPage=99999) says there is no such page and leads back to the first, never "not available" with a Try again (keyboard, 320 px, axe)', async () => {
    const { office, willow, total } = await trust();
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/reach?orgId=${willow.id}&orgsPage=99999`);
    await page.getByRole('heading', { level: 1, name: `Training coverage: ${willow.name}` }).waitFor();
    const count = page.locator('#orgs-count');
    await expect.poll(() => count.textContent()).toBe(`There is no page 99999: ${total} organisations fill 1 page.`);
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
    expect(await page.getByText('not available').count()).toBe(0);
    expect(await page.locator('#by-org table').count()).toBe(0);
    await checkPage(page, 'training coverage past its last page (320 px)');
    await activate(page, 'Go to the first page', { max: 80 });
    await expect.poll(() => count.textContent()).toBe(`Showing 1 to ${total} of ${total} organisations, by name.`);
    await expectFocused(page, '#orgs-count');
    expect(new URL(page.url()).searchParams.has('orgsPage')).toBe(false);
    // Just past the last page (one the service reads): said the same way, with the same way back.
    await page.goto(`/reach?orgId=${willow.id}&orgsPage=3`);
    await expect.poll(() => count.textContent()).toBe(`There is no page 3: ${total} organisations fill 1 page.`);
    await page.getByRole('link', { name: 'Go to the first page' }).waitFor();
  });

  it('Who is coming: a search too long in the address or with a control character is said at its field with no people under it; a pasted tab searches as a space (keyboard, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Paste Primary');
    const trainer = await t.user('trainer', null, 'Pat Paste');
    const s = await t.session({ title: 'Pasted searches', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 10 } }, trainer);
    for (const name of ['Ann Smith', 'Ann Jones', 'Bob Smith']) {
      const p = await t.user('staff', org.id, name);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    }
    const page = await newPage(env.browser, env.server);
    const requests = apiRequests(page);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people?q=${TOO_LONG}`);
    await page.getByRole('heading', { level: 1, name: 'Who is coming: Pasted searches' }).waitFor();
    await expectSearchRefused(page, 'f-text', TOO_LONG_WORDS, 'attendees-count', 'Correct the search above to see people.', 'table, nav.pagination');
    // Not cut short to 200 without a word: what was asked for, to put right.
    expect(await page.locator('#f-text').inputValue()).toBe(TOO_LONG);
    expect(requests.some((r) => r.includes('xxxxxxxxxx')), 'the refused search is not sent').toBe(false);
    await checkPage(page, 'who is coming with a search too long in its address');

    // Put right from the field (searched as typing pauses).
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('Ann\tSmith');
    const count = page.locator('#attendees-count');
    await expect.poll(() => count.textContent()).toBe('Showing 1 person of 3.');
    expect(new URL(page.url()).searchParams.get('q')).toBe('Ann Smith');
    expect(await page.locator('tbody th').first().textContent()).toContain('Ann Smith');
    expect(await page.locator('#f-text').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);

    // Another control character: refused at the field, and the people found before are not left under it.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('Ann\u0001');
    await expectSearchRefused(page, 'f-text', CONTROL_WORDS, 'attendees-count', 'Correct the search above to see people.', 'table, nav.pagination');
    expect(requests.some((r) => r.includes('\u0001'))).toBe(false);
    await checkPage(page, 'who is coming with a control character typed in its search');
    await page.keyboard.press('Backspace');
    await expect.poll(() => count.textContent()).toBe('Showing 2 people of 3.');

    // A search too long, pasted (no maxlength to cut it to 200 and search for that without a word): said at the field, not sent.
    expect(await page.locator('#f-text').getAttribute('maxlength')).toBeNull();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(TOO_LONG);
    await expectSearchRefused(page, 'f-text', TOO_LONG_WORDS, 'attendees-count', 'Correct the search above to see people.', 'table, nav.pagination');
    expect(await page.locator('#f-text').inputValue(), 'not cut short').toBe(TOO_LONG);
    expect(requests.some((r) => r.includes('xxxxxxxxxx')), 'the refused search, nor 200 of it, is sent').toBe(false);
  });

  it('Who is coming from a link to a page past the last (?page=3): no "Go to the first page" while the list first loads, nor while the last page replaces it; then the people, with no page links (axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Link Primary');
    const trainer = await t.user('trainer', null, 'Lin Link');
    const s = await t.session({ title: 'Linked pages', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 10 } }, trainer);
    for (const name of ['Ann Link', 'Bob Link']) {
      const p = await t.user('staff', org.id, name);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    }
    const page = await newPage(env.browser, env.server);
    // Every "Go to … page" link the page ever shows, however briefly.
    await page.addInitScript(() => {
      const w = window as unknown as { pageLinksSeen: string[] };
      w.pageLinksSeen = [];
      new MutationObserver(() => {
        for (const a of document.querySelectorAll('nav.pagination a')) if (/^Go to the/.test(a.textContent ?? '') && !w.pageLinksSeen.includes(a.textContent!)) w.pageLinksSeen.push(a.textContent!);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    // The list's answers are held until let go, to look at the page while they load.
    const held: (() => void)[] = [];
    await page.route((u) => u.pathname === `/api/sessions/${s.id}/attendees`, async (route) => {
      await new Promise<void>((go) => held.push(go));
      await route.continue();
    });
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people?page=3`);
    await page.getByRole('heading', { level: 1, name: 'Who is coming: Linked pages' }).waitFor();
    await expect.poll(() => held.length).toBe(1);
    expect(await page.locator('nav.pagination').count(), 'no page links before the count is known').toBe(0);
    // Page 3's answer (two people, one page): the address goes to the last page, read again (held too).
    held.shift()!();
    await expect.poll(() => new URL(page.url()).searchParams.has('page')).toBe(false);
    await expect.poll(() => held.length).toBe(1);
    expect(await page.locator('nav.pagination').count(), 'no page links while the last page replaces a page past it').toBe(0);
    held.shift()!();
    const count = page.locator('#attendees-count');
    await expect.poll(() => count.textContent()).toBe('Showing 2 people of 2.');
    await page.getByRole('rowheader', { name: /Ann Link/ }).waitFor();
    expect(await page.locator('nav.pagination').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pageLinksSeen: string[] }).pageLinksSeen), 'never a "Go to the first page" while it loaded').toEqual([]);
    await checkPage(page, 'who is coming from a link past its last page, loaded');
  });

  it('the office’s bookings and training record far past their last page say so and lead back to the first, with no Try again (keyboard, axe)', async () => {
    const { t } = env.server;
    const school = await t.org('Far Page Primary');
    const office = await t.user('office', school.id, 'Fay Far');
    const staff = await t.user('staff', school.id, 'Sam Seat');
    const s = await t.session({ title: 'Far pages', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60), capacity: { online: 10 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server);
    await signInAt(page, office, '/office/bookings?page=99999');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    const count = page.locator('#org-bookings-count');
    await expect.poll(() => count.textContent()).toBe('There is no page 99999: 1 booking fill 1 page.');
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
    await checkPage(page, 'who is booked where far past its last page');
    await activate(page, 'Go to the first page');
    await expect.poll(() => count.textContent()).toBe('1 booking found.');
    await expectFocused(page, '#org-bookings-count');
    await page.getByRole('link', { name: 'Far pages', exact: true }).waitFor();

    await page.goto('/office/record?page=99999');
    await page.getByRole('heading', { level: 1, name: 'Training record' }).waitFor();
    await page.getByText('No attended sessions yet.', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
    await checkPage(page, 'training record far past its last page');
  });
});
