/**
 * Text limits said, never silently applied, by keyboard at 320 CSS px, axe-clean; each test
 * here failed on the code before its fix:
 * - Link calendar said the service's summary, naming its field by its internal name
 *   ("Calendar address: url is too long: …"), and sent an address over the limit to be
 *   refused: now an address too long is said beside the field before anything is sent, and a
 *   refusal of the field is said by its label.
 * - The reason for taking someone off a session, the reason for cancelling one, the live
 *   room's chat message, a course's title and description (on the courses page and added from
 *   the session form), a session's title and an organisation's name cut a pasted text short
 *   without a word (maxlength): now the text is kept whole, the limit and the excess are
 *   said, and saving or sending is refused naming the limit, with nothing changed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePage } from './fixture-page.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, launchBrowser, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Text put in the focused field at once, as a paste puts it (and as `maxlength` cuts a paste short). */
const paste = (page: Page, text: string) => page.keyboard.insertText(text);
/** `n` characters of ordinary words. */
const words = (n: number) => 'Please read the notes before we meet. '.repeat(Math.ceil(n / 38) + 1).slice(0, n).trimEnd().padEnd(n, '.');

describe.skipIf(!browserAvailable)('text limits said, not applied silently', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('Link calendar: an address over 2,000 characters is refused beside the field by its label before anything is sent; a refusal by the service is said by the field’s label, not its internal name (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org('Ash Primary')).id);
    const page = await newPage(env.browser, env.server, NARROW);
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/timetable/subscription')) sent.push(r.url());
    });
    await signInTo(page, staff, '/timetable', 'My timetable');
    await tabTo(page, 'Calendar address');
    const url = `https://calendar.example.org/${'a'.repeat(2_100)}.ics`;
    await paste(page, url);
    await page.keyboard.press('Enter');
    const summary = page.locator('.error-summary');
    const said = `Calendar address is too long: a calendar address has at most 2,000 characters, and this one has ${url.length.toLocaleString('en-GB')}. Check that only the calendar’s web address was copied, then paste it again.`;
    await summary.getByRole('link', { name: said }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#calendar-url-error').innerText()).toContain(said);
    expect(await page.getByLabel('Calendar address').getAttribute('aria-invalid')).toBe('true');
    expect(sent, 'nothing sent').toEqual([]);
    await checkPage(page, 'my timetable, a calendar address too long');

    // The service refusing the field (its rule, should it differ from the page's): said by the field's label.
    await page.route('**/api/me/timetable/subscription', (route) =>
      route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'validation_failed', message: 'url is too long: a calendar address has at most 1,000 characters', details: { issues: [{ path: 'url', message: 'is too long: a calendar address has at most 1,000 characters' }] } } }) }),
    );
    await page.getByLabel('Calendar address').fill(`https://calendar.example.org/${'b'.repeat(1_500)}.ics`);
    await tabTo(page, 'Link calendar');
    await page.keyboard.press('Enter');
    await summary.getByRole('link', { name: 'Calendar address is too long: a calendar address has at most 1,000 characters' }).waitFor();
    expect(await page.locator('#calendar-url-error').innerText()).not.toMatch(/\burl\b/);
    expect(await page.getByLabel('Calendar address').getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'my timetable, a calendar address the service refused');
  });

  it('Who is coming: a pasted reason over 500 characters for taking someone off is kept whole, the excess said, and removing refused naming the limit; they keep their place (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const ben = await t.user('staff', (await t.org()).id, 'Ben Okafor');
    const s = await t.session({ title: 'Who comes', startsAt: daysFromNow(11), endsAt: plusMinutes(daysFromNow(11), 60) }, trainer);
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).json;
    expect(booked.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/people`, 'Who is coming: Who comes');
    await activate(page, 'Remove Ben Okafor');
    await expectFocused(page, 'input[id^="reason-"]');
    const reason = page.getByLabel('Reason (sent to Ben Okafor)');
    await paste(page, words(600));
    expect((await reason.inputValue()).length, 'the reason pasted, whole').toBe(600);
    await page.getByText('Up to 500 characters: 100 too many.').waitFor();
    expect(await reason.getAttribute('aria-describedby')).toMatch(/-hint/);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Reason must be at most 500 characters: it has 600. Shorten it by 100 characters.' }).waitFor();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect((await reason.inputValue()).length, 'the reason kept').toBe(600);
    expect((await t.db.selectFrom('bookings').select('status').where('id', '=', booked.id).executeTakeFirstOrThrow()).status).toBe('confirmed');
    const told = async () => (await t.db.selectFrom('outbox').select('id').where('to_email', '=', ben.email).execute()).length;
    const toldBefore = await told();
    await checkPage(page, 'who is coming, a reason too long');

    // Shortened to the limit, it goes.
    await reason.fill(words(500));
    await page.getByText('Up to 500 characters: 0 left.').waitFor();
    await reason.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Ben Okafor removed.' }).waitFor();
    expect(await told(), 'told once, when removed').toBe(toldBefore + 1);
  });

  it('Edit or cancel: a pasted reason over 500 characters for cancelling is kept whole, the excess said, and cancelling refused naming the limit; the session stays on (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await t.session({ title: 'Sensory circuits', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60) }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Sensory circuits');
    await tabTo(page, 'Reason (sent to everyone; optional)');
    await paste(page, words(620));
    const reason = page.getByLabel('Reason (sent to everyone; optional)');
    expect((await reason.inputValue()).length, 'the reason pasted, whole').toBe(620);
    await page.locator('#cancel-reason-hint').filter({ hasText: 'Up to 500 characters: 120 too many.' }).waitFor();
    // Refused before anything is asked (the shared schema's limit): said at the field, which takes focus.
    await activate(page, 'Cancel this session');
    await page.getByRole('alert').filter({ hasText: 'Reason must be at most 500 characters: it has 620. Shorten it by 120 characters.' }).waitFor();
    await expectFocused(page, '#cancel-reason');
    expect(await page.getByRole('button', { name: 'Yes, cancel the session' }).count()).toBe(0);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect((await reason.inputValue()).length, 'the reason kept').toBe(620);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.status).toBe('scheduled');
    await expect.poll(() => page.title()).toMatch(/^Error: /);
    await checkPage(page, 'edit a session, a cancel reason too long');
  });

  it('New session: a pasted title over 200 characters is kept whole, the excess said, and publishing refused naming the limit; so is a new course’s title added from the form (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await tabTo(page, 'Title');
    await paste(page, words(212));
    const title = page.getByLabel('Title', { exact: true });
    expect((await title.inputValue()).length).toBe(212);
    await page.locator('#title-hint').filter({ hasText: 'Up to 200 characters: 12 too many.' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').getByRole('link', { name: 'Title must be at most 200 characters: it has 212. Shorten it by 12 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect((await title.inputValue()).length).toBe(212);
    await checkPage(page, 'new session, a title too long');

    await tabTo(page, 'Add a course that is not listed');
    await page.keyboard.press('Enter');
    await tabTo(page, 'New course title');
    await paste(page, words(230));
    expect((await page.getByLabel('New course title').inputValue()).length).toBe(230);
    await page.locator('#new-course-title-hint').filter({ hasText: 'Up to 200 characters: 30 too many.' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'New course title must be at most 200 characters: it has 230. Shorten it by 30 characters.' }).waitFor();
    expect(await t.db.selectFrom('courses').select('id').execute()).toEqual([]);
    await checkPage(page, 'new session, a new course’s title too long');
  });

  it('Courses: a pasted title over 200 characters, and a description over 10,000, are kept whole, the excess said, and saving refused naming the limit; nothing is added or changed (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const made = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Attention autism', description: 'One part.' } })).json as { id: string };
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/courses', 'Courses');
    await tabTo(page, 'Course title', { max: 300 });
    await paste(page, words(205));
    expect((await page.getByLabel('Course title').inputValue()).length).toBe(205);
    await page.locator('#course-title-hint').filter({ hasText: 'Up to 200 characters: 5 too many.' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').getByRole('link', { name: 'Course title must be at most 200 characters: it has 205. Shorten it by 5 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items).toHaveLength(1);
    await checkPage(page, 'courses, a new title too long');

    await activate(page, 'Edit title and description of Attention autism', { max: 300 });
    await expectFocused(page, `#title-${made.id}`);
    await tabTo(page, 'Description (optional)');
    await page.keyboard.press('ControlOrMeta+A');
    await paste(page, words(10_050));
    const description = page.getByLabel('Description (optional)');
    expect((await description.inputValue()).length).toBe(10_050);
    await page.locator(`#description-${made.id}-hint`).filter({ hasText: 'Up to 10,000 characters: 50 too many.' }).waitFor();
    await activate(page, 'Save title and description of Attention autism', { max: 10 });
    await page.locator(`#description-${made.id}-error`).filter({ hasText: 'Description must be at most 10,000 characters: it has 10,050. Shorten it by 50 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await description.getAttribute('aria-invalid')).toBe('true');
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items[0]).toMatchObject({ title: 'Attention autism', description: 'One part.' });
    await checkPage(page, 'courses, a description too long');
  });

  it('Organisations: a pasted name over 200 characters is kept whole, the excess said, and adding refused naming the limit; nothing is added (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/orgs', 'Organisations');
    await tabTo(page, 'Name', { max: 200 });
    const name = `Riverside ${'Community '.repeat(22)}Primary`.slice(0, 215);
    await paste(page, name);
    expect((await page.getByLabel('Name', { exact: true }).inputValue()).length).toBe(215);
    await page.locator('#org-name-hint').filter({ hasText: 'Up to 200 characters: 15 too many.' }).waitFor();
    await tabTo(page, 'Add organisation');
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').getByRole('link', { name: 'Name must be at most 200 characters: it has 215. Shorten it by 15 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await t.db.selectFrom('organisations').select('id').where('name', 'like', 'Riverside%').execute()).toEqual([]);
    await checkPage(page, 'organisations, a name too long');
  });
});

describe.skipIf(!browserAvailable)('the live room’s chat (the room’s own panel around a stand-in LiveKit)', () => {
  let browser: Browser;
  let html: string;
  beforeAll(async () => {
    const [page, b] = await Promise.all([fixturePage('live-room-fixture.tsx', 'Live room fixture'), launchBrowser()]);
    browser = b;
    html = page;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a pasted message over 2,000 characters is kept whole, the excess said, and sending refused naming the limit; shortened, it goes (keyboard, 320 px)', async () => {
    const context = await browser.newContext({ ...NARROW, locale: 'en-GB', reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.route('http://fixture.test/**', (r) => r.fulfill({ contentType: 'text/html', body: html }));
    await page.goto('http://fixture.test/room');
    await page.getByRole('group', { name: 'Room controls' }).waitFor();
    const input = page.locator('#chat-input');
    await input.focus();
    await paste(page, words(2_500));
    expect((await input.inputValue()).length, 'the message pasted, whole').toBe(2_500);
    await page.locator('#chat-input-hint').filter({ hasText: 'Up to 2,000 characters: 500 too many.' }).waitFor();
    expect(await input.getAttribute('aria-describedby')).toBe('chat-input-hint');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Message must be at most 2,000 characters: it has 2,500. Shorten it by 500 characters.' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.getAttribute('aria-describedby')).toBe('chat-input-hint chat-input-error');
    expect((await input.inputValue()).length, 'the message kept, not sent').toBe(2_500);
    await checkPage(page, 'the room, a chat message too long');

    await input.fill('Could you go back a slide?');
    expect(await page.locator('#chat-input-hint').count()).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue(), { message: 'sent, the field emptied' }).toBe('');
    expect(await page.locator('#chat-input-error').count()).toBe(0);
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    await context.close();
  });
});
