/**
 * Text limits said, never silently applied (as in length-limits.test.ts), for the last fields
 * that cut a pasted text short without a word (maxlength): a material's title in the upload
 * form, a link's title and web address, and the comment in the feedback form. Now the text is
 * kept whole, the limit and the excess are said, and saving is refused naming the limit, with
 * nothing saved; by keyboard at 320 CSS px, axe-clean. Each test failed on the code before.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { FILES } from '../materials-files.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Text put in the focused field at once, as a paste puts it (and as `maxlength` cuts a paste short). */
const paste = (page: Page, text: string) => page.keyboard.insertText(text);
/** `n` characters of ordinary words. */
const words = (n: number) => 'Please read the notes before we meet. '.repeat(Math.ceil(n / 38) + 1).slice(0, n).trimEnd().padEnd(n, '.');

describe.skipIf(!browserAvailable)('more text limits said, not applied silently', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('Upload a file: a pasted title over 200 characters is kept whole, the excess said, and uploading refused naming the limit; nothing is added (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Zones of regulation' } })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/courses/${course.id}/materials`, 'Materials: Zones of regulation');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'slides.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await tabTo(page, 'Title (optional)');
    await paste(page, words(230));
    const title = page.getByLabel('Title (optional)');
    expect((await title.inputValue()).length, 'the title pasted, whole').toBe(230);
    await page.locator('#library-title-hint').filter({ hasText: 'Up to 200 characters: 30 too many.' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').getByRole('link', { name: 'Title must be at most 200 characters: it has 230. Shorten it by 30 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect((await title.inputValue()).length, 'the title kept').toBe(230);
    expect((await t.request('GET', `/api/courses/${course.id}/materials`, { as: admin })).json.items).toEqual([]);
    await checkPage(page, 'course library, an upload title too long');
  });

  it('Add a link: a pasted title over 200 characters and a web address over 2,000 are kept whole, the excess said, and adding refused naming each limit; nothing is added (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Sensory processing' } })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/courses/${course.id}/materials`, 'Materials: Sensory processing');
    await tabTo(page, 'Link title');
    await paste(page, words(205));
    const title = page.getByLabel('Link title');
    expect((await title.inputValue()).length, 'the title pasted, whole').toBe(205);
    await page.locator('#library-link-title-hint').filter({ hasText: 'Up to 200 characters: 5 too many.' }).waitFor();
    await tabTo(page, 'Web address');
    const url = `https://example.org/${'a'.repeat(2_080)}`;
    await paste(page, url);
    const address = page.getByLabel('Web address');
    expect(await address.inputValue(), 'the address pasted, whole').toBe(url);
    await page.locator('#library-url-hint').filter({ hasText: `Up to 2,000 characters: ${url.length - 2_000} too many.` }).waitFor();
    await page.keyboard.press('Enter');
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: 'Link title must be at most 200 characters: it has 205. Shorten it by 5 characters.' }).waitFor();
    await summary.getByRole('link', { name: `Web address must be at most 2,000 characters: it has ${url.length.toLocaleString('en-GB')}. Shorten it by ${url.length - 2_000} characters.` }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect(await address.getAttribute('aria-invalid')).toBe('true');
    expect((await title.inputValue()).length, 'the title kept').toBe(205);
    expect(await address.inputValue(), 'the address kept').toBe(url);
    expect((await t.request('GET', `/api/courses/${course.id}/materials`, { as: admin })).json.items).toEqual([]);
    await checkPage(page, 'course library, a link’s title and address too long');
  });

  it('Your feedback: a pasted comment over 2,000 characters is kept whole, the excess said, and sending refused naming the limit; nothing is saved (keyboard, 320 px)', async () => {
    const { t } = env.server;
    // A session two days ago that they attended (by the register).
    const now = t.clock.now().toISOString();
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Sensory needs course' } })).json;
    const startsAt = daysFromNow(-2);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const s = await t.session({ title: 'Sensory needs in class', courseId: course.id, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } });
    const me = await t.user('staff', (await t.org()).id, 'Priya Shah');
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} });
    expect(booked.status).toBe(201);
    t.clock.set(plusMinutes(startsAt, 80));
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booked.json.id}`, { as: s.trainer, body: { attended: true, minutes: 88 } })).status).toBe(200);
    t.clock.set(now);
    await recordAttendanceOutcomes(t.deps);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, me, `/sessions/${s.id}`, 'Sensory needs in class');
    await page.getByRole('button', { name: 'Send my feedback' }).waitFor();
    await tabTo(page, '1 (not useful)', { max: 80 });
    await page.keyboard.press('ArrowRight'); // 2
    await page.keyboard.press('Tab'); // confidence before: 1
    await page.keyboard.press('Tab'); // confidence after: 1
    await page.keyboard.press('ArrowRight'); // 2
    await tabTo(page, 'Anything else you would like to tell the trainer? (optional)');
    await paste(page, words(2_040));
    const comment = page.getByLabel('Anything else you would like to tell the trainer? (optional)');
    expect((await comment.inputValue()).length, 'the comment pasted, whole').toBe(2_040);
    await page.getByText('Up to 2,000 characters: 40 too many.').waitFor();
    await activate(page, 'Send my feedback');
    await page.locator('.error-summary').getByRole('link', { name: 'Your comment must be at most 2,000 characters: it has 2,040. Shorten it by 40 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await comment.getAttribute('aria-invalid')).toBe('true');
    expect((await comment.inputValue()).length, 'the comment kept').toBe(2_040);
    expect(await t.db.selectFrom('feedback').select('session_id').where('session_id', '=', s.id).execute()).toEqual([]);
    await checkPage(page, 'session page, a feedback comment too long');
  });
});
