/**
 * A course title another course has is refused where courses are added, by keyboard, axe-clean
 * and without sideways scrolling at 320 CSS px: on the Courses page (administrators) the error
 * is said in the form's summary, which takes focus and links to the title field, and beside
 * the field, with what was typed kept; on the session form (a trainer's "Add a course that is
 * not listed") beside its field, which names the course to choose instead. Either way no second
 * course is made, in any case or spacing.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, newPage, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const taken = (title: string) => `There is already a course called “${title}”. Use that course, or give this one another title.`;
const TAKEN = taken('TB Clocks course');

describe.skipIf(!browserAvailable)('course titles already taken', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('an administrator adding a course of a title another has is told beside the field, with the text kept; another title is added (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    expect((await t.request('POST', '/api/courses', { as: admin, body: { title: 'TB Clocks course' } })).status).toBe(201);
    const titles = async () => (await t.request('GET', '/api/courses', { as: admin })).json.items.map((c: { title: string }) => c.title).sort();

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/courses', 'Courses');
    await page.getByRole('article', { name: 'TB Clocks course', exact: true }).waitFor();
    await typeInto(page, 'Course title', '  tb  clocks COURSE ');
    await activate(page, 'Add course');
    await expectFocused(page, '.error-summary');
    await page.locator('.error-summary').getByRole('link', { name: TAKEN }).waitFor();
    await page.locator('#course-title-error').filter({ hasText: TAKEN }).waitFor();
    expect(await page.locator('#course-title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#course-title').inputValue()).toBe('  tb  clocks COURSE ');
    await expect.poll(() => page.title()).toMatch(/^Error: /);
    expect(await titles()).toEqual(['TB Clocks course']);
    await checkPage(page, 'a course added with a title another course has (320 px)');

    // The summary's link leads to the field, where the title is put right.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#course-title');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('TB Clocks course: part 2');
    await activate(page, 'Add course');
    await page.getByRole('status').filter({ hasText: 'Course “TB Clocks course: part 2” added.' }).waitFor();
    await page.getByRole('article', { name: 'TB Clocks course: part 2', exact: true }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await titles()).toEqual(['TB Clocks course', 'TB Clocks course: part 2']);
    await checkPage(page, 'a course added under a title of its own (320 px)');
  });

  it('a trainer adding a course not listed, of a title another has, is told beside the field and no course is made (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    expect((await t.request('POST', '/api/courses', { as: admin, body: { title: 'Zones of Regulation' } })).status).toBe(201);
    const count = async () => (await t.request('GET', '/api/courses', { as: trainer })).json.items.filter((c: { title: string }) => c.title.toLowerCase().includes('zones')).length;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await tabTo(page, 'Add a course that is not listed', { max: 120 });
    await page.keyboard.press('Enter');
    await typeInto(page, 'New course title', 'zones  of regulation');
    await page.keyboard.press('Enter');
    await page.locator('#new-course-title-error').filter({ hasText: taken('Zones of Regulation') }).waitFor();
    expect(await page.locator('#new-course-title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#new-course-title').inputValue()).toBe('zones  of regulation');
    expect(await count()).toBe(1);
    await checkPage(page, 'a trainer’s course added with a title another course has (320 px)');
  });
});
