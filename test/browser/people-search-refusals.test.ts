/**
 * People (/admin/people) and Staff accounts (/office/people): a search the lists' shared schema
 * refuses (longer than 200 characters, or holding a control character other than the tabs and
 * line breaks a paste brings) is checked with that schema before it is sent, and said at the
 * search field (aria-invalid, aria-describedby, focus there), with no list or count left under
 * it as if it were what was found, and no "Try again" that could only be refused again; a pasted
 * tab ("Ann<TAB>Pastewell", two spreadsheet cells) searches as a space; the field invites no more
 * than the limit. A page of Staff accounts further on than the service reads says there is no
 * such page and leads back to the first. Real Chromium, by keyboard, axe-clean. Each failed
 * before: the service's words ("q must not contain control characters", "q is too long") and a
 * Try again over the list and count of the search before. (Training coverage, Who is coming and
 * the office's other lists: search-refusals.test.ts.)
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, apiRequests, browserAvailable, checkPage, expectFocused, newPage, serverAndBrowser, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const TOO_LONG = 'x'.repeat(201);
const TOO_LONG_WORDS = 'Search: use 200 characters or fewer';
const CONTROL_WORDS = 'Search: remove the control characters (invisible characters that came with a paste)';
const CORRECT = 'Correct the search above to see people.';


/** The search at `fieldId` refused in `words`, said at the field (which has focus), with the count `countId` saying so and no list of people, no Try again, nothing of the service's. */
async function expectSearchRefused(page: Page, fieldId: string, words: string, countId: string) {
  const field = page.locator(`#${fieldId}`);
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain(`${fieldId}-error`);
  expect((await page.locator(`#${fieldId}-error`).textContent())?.trim()).toBe(`Error: ${words}`);
  await expectFocused(page, `#${fieldId}`);
  await expect.poll(() => page.locator(`#${countId}`).textContent()).toBe(CORRECT);
  expect(await page.getByRole('button', { name: /Try again/ }).count(), 'no Try again that could only be refused again').toBe(0);
  expect(await page.getByText(/must not contain control characters|is too long|could not|not available/).count(), 'none of the service’s own words').toBe(0);
  expect(await page.getByRole('list', { name: 'People' }).count(), 'no people left under the refused search as if they were its answer').toBe(0);
  expect(await page.getByRole('navigation', { name: 'Pages of people' }).count()).toBe(0);
}

describe.skipIf(!browserAvailable)('People and Staff accounts: searches the service would refuse, and pages past the last', () => {
  const env = serverAndBrowser();

  async function school() {
    const { t } = env.server;
    const org = await t.org(`Pastewell Primary ${Math.random().toString(36).slice(2, 6)}`);
    const office = await t.user('office', org.id, 'Olive Office');
    for (const name of ['Ann Pastewell', 'Ann Jonesbury', 'Bob Pastewell']) await t.user('staff', org.id, name);
    return { org, office };
  }

  it('People: a pasted tab searches as a space; a control character is said at the field with no people under it, and no Try again (keyboard, axe)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    await school();
    const page = await newPage(env.browser, env.server);
    const requests = apiRequests(page);
    await signInAt(page, admin, '/admin/people');
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    const count = page.locator('#people-count');
    await expect.poll(() => count.textContent()).toMatch(/^Everyone, by name: /);

    // Two spreadsheet cells pasted: found as "Ann Pastewell".
    await tabTo(page, 'Name or email');
    await page.keyboard.insertText('Ann\tPastewell');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('People matching “Ann Pastewell”: 1 person.');
    await page.getByRole('heading', { level: 2, name: 'Ann Pastewell' }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('Ann Pastewell');
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);

    // Any other control character: refused at the field, which keeps focus; the person found before is not left under it.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('Ann\u0007');
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'q', CONTROL_WORDS, 'people-count');
    expect(requests.some((r) => r.includes('\u0007')), 'the refused search is not sent').toBe(false);
    await checkPage(page, 'people with a control character typed in the search');
    // Searched again from the button, as it is: still refused, and focus back at the field.
    await tabTo(page, 'Search');
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'q', CONTROL_WORDS, 'people-count');

    // Put right from the field.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('pastewell');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('People matching “pastewell”: 2 people.');
    expect(await page.locator('#q').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#q-error').count()).toBe(0);
    // No maxlength: a search too long, pasted, is not cut to 200 and searched for without a
    // word; it is said at the field, kept as pasted, and not sent.
    expect(await page.locator('#q').getAttribute('maxlength')).toBeNull();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(TOO_LONG);
    expect(await page.locator('#q').inputValue(), 'not cut short').toBe(TOO_LONG);
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'q', TOO_LONG_WORDS, 'people-count');
    expect(requests.some((r) => r.includes('xxxxxxxxxx')), 'the refused search, nor 200 of it, is sent').toBe(false);
  });

  it('People: a search too long in the address is said at its field, not sent, and put right from there (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    const requests = apiRequests(page);
    await signInAt(page, admin, `/admin/people?q=${TOO_LONG}`);
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await expectSearchRefused(page, 'q', TOO_LONG_WORDS, 'people-count');
    expect(await page.locator('#q').inputValue(), 'what was asked for, to put right').toBe(TOO_LONG);
    expect(requests.some((r) => r.includes('xxxxxxxxxx')), 'the refused search is not sent').toBe(false);
    await checkPage(page, 'people with a search too long in the address (320 px)');
    // One character fewer: 200, taken.
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#people-count').textContent()).toBe(`No one matches “${'x'.repeat(200)}”.`);
    expect(await page.locator('#q').getAttribute('aria-invalid')).toBeNull();
  });

  it('Staff accounts: a search too long or with a control character is said at its field with no people under it; a pasted tab searches as a space (keyboard, axe)', async () => {
    const { org, office } = await school();
    const page = await newPage(env.browser, env.server);
    const requests = apiRequests(page);
    await signInAt(page, office, `/office/people?org=${org.id}&q=${TOO_LONG}`);
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    await expectSearchRefused(page, 'staff-search', TOO_LONG_WORDS, 'staff-count');
    expect(await page.locator('#staff-search').inputValue()).toBe(TOO_LONG);
    expect(requests.some((r) => r.includes('xxxxxxxxxx')), 'the refused search is not sent').toBe(false);
    await checkPage(page, 'staff accounts with a search too long in the address');

    // Put right from the field: two spreadsheet cells pasted, found as "Ann Pastewell".
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('Ann\tPastewell');
    await page.keyboard.press('Enter');
    const count = page.locator('#staff-count');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 1 of 1 person matching “Ann Pastewell”.');
    await page.getByRole('list', { name: 'People' }).getByRole('heading', { level: 2, name: 'Ann Pastewell' }).waitFor();
    expect(await page.locator('#staff-search').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#staff-search').getAttribute('maxlength'), 'a longer paste not cut short without a word').toBeNull();

    // Another control character: refused at the field; the person found before is not left under it.
    await tabTo(page, 'Find a person by name or email', { back: true, max: 80 });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('Ann\u0001');
    await page.keyboard.press('Enter');
    await expectSearchRefused(page, 'staff-search', CONTROL_WORDS, 'staff-count');
    expect(requests.some((r) => r.includes('\u0001'))).toBe(false);
    await checkPage(page, 'staff accounts with a control character typed in the search');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 2 of 2 people matching “Ann”.');
  });

  it('Staff accounts: a page further on than any (?page=99999) says there is no such page and leads back to the first, with no Try again (keyboard, axe)', async () => {
    const { t } = env.server;
    const { org, office } = await school();
    const total = (await t.request('GET', `/api/orgs/${org.id}/users`, { as: office })).json.total as number;
    const page = await newPage(env.browser, env.server);
    await signInAt(page, office, `/office/people?org=${org.id}&page=99999`);
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    const count = page.locator('#staff-count');
    await expect.poll(() => count.textContent()).toBe(`There is no page 99999: ${total} people fill 1 page.`);
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
    await checkPage(page, 'staff accounts far past the last page');
    await activate(page, 'Go to the first page', { max: 80 });
    await expect.poll(() => count.textContent()).toBe(`Showing 1 to ${total} of ${total} people.`);
    await expectFocused(page, '#staff-count');
    expect(new URL(page.url()).searchParams.has('page')).toBe(false);
  });
});
