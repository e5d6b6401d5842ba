/**
 * Administrators changing what others may be changing too, by keyboard, axe-clean and without
 * sideways scrolling at 320 CSS px:
 *
 * - Courses: a course's title and description are changed in its card (a title another
 *   course has is refused beside the field); a course no session counts for is deleted after
 *   a question; one that sessions use says why it cannot be, with no Delete button.
 * - An organisation's page loaded before another administrator changed the organisation
 *   saves only what was changed on it: the other change stays. A field both changed is not
 *   saved; the form shows the organisation as it now is, with the administrator's other
 *   changes kept, and says what clashed.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('administrators changing courses and organisations', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('an administrator renames a course and deletes a duplicate by keyboard; a course in use cannot be deleted and says why (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = async (title: string) => (await t.request('POST', '/api/courses', { as: admin, body: { title } })).json as { id: string };
    const basics = await course('SEND Basics');
    const typo = await course('Autism in class');
    const duplicate = await course('SEND Basics (old)');
    await t.session({ title: 'SEND basics: part 1', courseId: basics.id, startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60) });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/courses', 'Courses');
    const basicsCard = page.getByRole('article', { name: 'SEND Basics', exact: true });
    await basicsCard.getByText('1 session uses this course, so it cannot be deleted. To delete it, move that session to another course on its Edit page first; or keep the course.').waitFor();
    expect(await basicsCard.getByRole('button', { name: /^Delete course/ }).count()).toBe(0);
    await checkPage(page, 'courses, each with Edit and Delete or why it cannot be deleted (320 px)');

    // Rename: the form opens in the card with its title field focused.
    await activate(page, 'Edit title and description of Autism in class', { max: 300 });
    await expectFocused(page, `#title-${typo.id}`);
    // A title another course has (in another case) is refused, beside the field.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('send basics');
    await activate(page, 'Save title and description of Autism in class', { max: 10 });
    await expectFocused(page, '.error-summary');
    await page.locator(`#title-${typo.id}-error`).filter({ hasText: 'There is already a course called “SEND Basics”. Use that course, or give this one another title.' }).waitFor();
    expect(await page.locator(`#title-${typo.id}`).getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.title()).toMatch(/^Error: /);
    await checkPage(page, 'a course renamed to a title another course has (320 px)');

    await typeInto(page, 'Title', 'Autism in the classroom');
    await typeInto(page, 'Description (optional)', 'Two parts, a week apart.');
    await activate(page, 'Save title and description of Autism in class', { max: 10 });
    await page.getByRole('status').filter({ hasText: '“Autism in class” is now called “Autism in the classroom”.' }).waitFor();
    // The form has closed: focus is back on Edit, in the card under its new title.
    await expectFocused(page, `#edit-${typo.id}`);
    await page.getByRole('article', { name: 'Autism in the classroom' }).getByText('Two parts, a week apart.').waitFor();
    await expect.poll(() => page.title()).not.toMatch(/^Error: /);
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.find((c: { id: string }) => c.id === typo.id)).toMatchObject({ title: 'Autism in the classroom', description: 'Two parts, a week apart.' });
    await checkPage(page, 'a course renamed (320 px)');

    // Cancel gives focus back to Edit and changes nothing.
    await page.keyboard.press('Enter');
    await expectFocused(page, `#title-${typo.id}`);
    await page.keyboard.type(' (draft)');
    await activate(page, 'Cancel changing Autism in the classroom', { max: 10 });
    await expectFocused(page, `#edit-${typo.id}`);
    await page.getByRole('heading', { level: 2, name: 'Autism in the classroom', exact: true }).waitFor();

    // Delete the duplicate: asked first; "No" keeps it, focus back on Delete.
    await activate(page, 'Delete course SEND Basics (old)', { max: 300 });
    await page.getByRole('group', { name: 'Delete course SEND Basics (old)' }).getByText('Delete the course “SEND Basics (old)”? This cannot be undone.').waitFor();
    await activate(page, 'No, keep it', { max: 5 });
    await page.getByRole('button', { name: 'Delete course SEND Basics (old)' }).waitFor();
    await expectFocused(page, 'button.button-danger');
    await page.keyboard.press('Enter');
    await activate(page, 'Yes, delete the course', { max: 5 });
    await page.getByRole('status').filter({ hasText: 'Course “SEND Basics (old)” deleted.' }).waitFor();
    // Its card has gone, with the button pressed: the message saying so has focus.
    await expectFocused(page, '#courses-status');
    expect(await page.getByRole('article', { name: 'SEND Basics (old)' }).count()).toBe(0);
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.map((c: { id: string }) => c.id)).not.toContain(duplicate.id);
    await checkPage(page, 'a course deleted (320 px)');
    await page.context().close();
  });

  it('an organisation’s page loaded before another administrator moved the school saves only its own change; a field both changed is not saved, and the form shows it as it now is (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const other = await t.user('admin');
    const trust = async (name: string) => (await t.request('POST', '/api/orgs', { as: admin, body: { name, kind: 'trust' } })).json as { id: string };
    const [oak, elm] = [await trust('Oak Learning Trust'), await trust('Elm Learning Trust')];
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Birch Primary', parentId: oak.id, settings: { travelBufferMinutes: 20 } } })).json as { id: string };
    const stored = async () => (await t.request('GET', `/api/orgs/${school.id}`, { as: admin })).json;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/orgs/${school.id}`, 'Birch Primary');
    await expect.poll(() => page.locator('#org-parent option:checked').innerText()).toBe('Oak Learning Trust');
    // Meanwhile another administrator moves it to Elm and sets Week A.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { parentId: elm.id, settings: { travelBufferMinutes: 20, weekAStart: '2026-09-07' } } })).status).toBe(200);

    // This page (still saying Oak) corrects the URN and the travel time.
    await typeInto(page, 'URN (optional)', '123456');
    await typeInto(page, 'Travel time around in-person sessions, in minutes (optional)', '30');
    await activate(page, 'Save organisation');
    await page.getByRole('status').filter({ hasText: 'Organisation saved.' }).waitFor();
    // No question about leaving its trust was asked, and it stayed where the other administrator put it.
    expect(await stored()).toMatchObject({ urn: '123456', parentId: elm.id, settings: { travelBufferMinutes: 30, weekAStart: '2026-09-07' } });
    await expect.poll(() => page.locator('#org-parent option:checked').innerText()).toBe('Elm Learning Trust');
    expect(await page.locator('#org-week-a').inputValue()).toBe('2026-09-07');

    // Now both change the URN: the other administrator first.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: other, body: { urn: '654321', was: { urn: '123456' } } })).status).toBe(200);
    await typeInto(page, 'Name', 'Birch Primary School', { back: true });
    await typeInto(page, 'URN (optional)', '111111');
    await activate(page, 'Save organisation');
    const summary = page.locator('#org-conflict-summary');
    await summary.getByRole('heading', { name: 'This organisation was changed by someone else meanwhile' }).waitFor();
    await expectFocused(page, '#org-conflict-summary');
    expect((await summary.innerText()).replace(/\s+/g, ' ')).toContain('URN: changed by someone else meanwhile to 654321 (you had changed it to 111111)');
    // Nothing was saved; the form shows their URN, and keeps this administrator's new name.
    expect(await stored()).toMatchObject({ name: 'Birch Primary', urn: '654321' });
    expect(await page.locator('#org-urn').inputValue()).toBe('654321');
    expect(await page.locator('#org-urn').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#org-name').inputValue()).toBe('Birch Primary School');
    // The earlier save's message no longer holds, so it has gone.
    expect((await page.locator('#org-saved-status').innerText()).trim()).toBe('');
    await checkPage(page, 'an organisation changed by someone else meanwhile (320 px)');
    // The link goes to the field; saving again saves the name (the URN as it now is).
    await page.getByRole('link', { name: /^URN: changed by someone else/ }).press('Enter');
    await expectFocused(page, '#org-urn');
    await activate(page, 'Save organisation');
    await page.getByRole('status').filter({ hasText: 'Organisation saved.' }).waitFor();
    expect(await stored()).toMatchObject({ name: 'Birch Primary School', urn: '654321', parentId: elm.id });
    await page.context().close();
  });
});
