/**
 * Mends an exploratory tester asked for, each on its own page, by keyboard at 320 CSS px,
 * axe-clean; each test here failed on the code before its fix:
 * - a new password set from an emailed link left focus on <body>: the heading saying it is
 *   changed now takes it;
 * - linking a calendar by an address over 2,000 characters said zod's own words;
 * - Who needs cover, asked for more than 400 days, said so with a "Try again" that could only
 *   be refused again: now the To field is marked and the summary says what to choose;
 * - Message attendees and Full name cut a pasted text short without a word (maxlength): now
 *   the limit and what is over it are said, and sending is refused with the text kept.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, settled, signInAt, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Text put in the focused field at once, as a paste puts it (and as `maxlength` cuts a paste short). */
const paste = (page: Page, text: string) => page.keyboard.insertText(text);

describe.skipIf(!browserAvailable)('office tester mends', () => {
  const env = serverAndBrowser();

  it('a new password set from an emailed link: the heading saying it is changed takes focus, not <body> (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', '/api/auth/password-reset', { body: { email: staff.email } })).status).toBe(202);
    const mail = (await t.mails('password_reset')).filter((m) => m.to_email === staff.email).at(-1);
    const link = mail!.message.text.match(/http\S+\/reset-password#token=\S+/)![0];
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await tabTo(page, 'New password');
    await page.keyboard.type('a much longer new passphrase');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a much longer new passphrase');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your password has been changed' }).waitFor();
    await expectFocused(page, 'h1');
    // From there, the next Tab is the way on: Sign in.
    await page.keyboard.press('Tab');
    expect((await page.evaluate(() => document.activeElement?.textContent ?? ''))?.trim()).toBe('Sign in');
    await checkPage(page, 'password changed, its heading focused');
  });

  it('an office linking a colleague’s calendar by an address over 2,000 characters is told so in plain words beside the field (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id, 'Lou Long');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, `/office/people/${staff.id}/timetable`, 'Timetable: Lou Long');
    await tabTo(page, 'Calendar address');
    await paste(page, `https://calendar.example.org/${'a'.repeat(2_100)}.ics`);
    await page.keyboard.press('Enter');
    const refused = page.locator('#calendar-url-error');
    await refused.filter({ hasText: 'is too long: a calendar address has at most 2,000 characters' }).waitFor();
    expect(await refused.innerText()).not.toMatch(/Too big|<=/);
    await checkPage(page, 'a colleague’s timetable, a calendar address too long');
  });

  it('Who needs cover over more than 400 days marks the To date wrong in the summary, which takes focus, with no “Try again” and nothing asked; a refusal by the service is said the same way (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const office = await t.user('office', org.id);
    const page = await newPage(env.browser, env.server, NARROW);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/orgs\/[^/]+\/cover\?/.test(r.url())) asked.push(new URL(r.url()).search);
    });
    await signInTo(page, office, '/office/cover', 'Who needs cover');
    await settled(page);
    asked.length = 0;
    await tabTo(page, 'From');
    await page.getByLabel('From', { exact: true }).fill('2026-12-01');
    await tabTo(page, 'To');
    await page.getByLabel('To', { exact: true }).fill('2028-12-31');
    await activate(page, 'Show cover needed');
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: /^To: must be on or before .*4 January 2028: a cover report may span at most 400 days$/ }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#to-error').innerText()).toContain('at most 400 days');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(asked, 'nothing asked of the service').toEqual([]);
    expect(await page.title()).toMatch(/^Error: /);
    await checkPage(page, 'cover page, a range over 400 days');

    // The link in the summary goes to the field; a range that fits is then shown.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#to');
    await page.getByLabel('To', { exact: true }).fill('2028-01-04');
    await activate(page, 'Show cover needed');
    await page.getByRole('caption').or(page.getByText('No bookings need cover in these dates.')).first().waitFor();
    expect(asked.at(-1)).toBe('?from=2026-12-01&to=2028-01-04');
    expect(await page.locator('.error-summary').count()).toBe(0);

    // The same range opened from an address (a link kept): said the same way, not asked for.
    asked.length = 0;
    await page.goto('/office/cover?from=2026-12-01&to=2028-12-31');
    await page.locator('.error-summary').getByRole('link', { name: /^To: must be on or before/ }).waitFor();
    await settled(page);
    expect(asked).toEqual([]);
    expect(await page.getByText('Loading…').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);

    // The service refusing a range (its rule, should it differ from the page's): beside the field it names, no "Try again".
    await page.route('**/api/orgs/*/cover?*', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'validation_failed', message: 'A cover report may span at most 400 days.', details: { issues: [{ path: 'to', message: 'at most 400 days after from' }] } } }) }));
    await page.goto('/office/cover?from=2026-12-01&to=2026-12-31');
    await page.locator('.error-summary').getByRole('link', { name: 'To: A cover report may span at most 400 days.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await checkPage(page, 'cover page, a range the service refused');
  });

  it('Message attendees: 6,000 characters pasted are kept whole, the limit and the excess are said, and sending is refused naming the limit; nothing is sent (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const trainer = await t.user('trainer');
    const s = await t.session({ title: 'Sensory circuits', mode: 'online', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff', org.id), body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/message`, 'Message attendees: Sensory circuits');
    const hint = page.locator('#message-hint');
    expect(await hint.innerText()).toBe('Up to 5,000 characters: 5,000 left.');
    expect(await page.getByLabel('Message').getAttribute('aria-describedby')).toContain('message-hint');

    await tabTo(page, 'Message');
    const text = 'Please read the notes before we meet. '.repeat(200).slice(0, 6_000);
    await paste(page, text);
    expect((await page.getByLabel('Message').inputValue()).length, 'the text pasted, whole').toBe(6_000);
    await hint.filter({ hasText: 'Up to 5,000 characters: 1,000 too many.' }).waitFor();
    await activate(page, 'Send message');
    await page.locator('.error-summary').getByRole('link', { name: 'Message must be at most 5,000 characters: it has 6,000. Shorten it by 1,000 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#message-error').innerText()).toContain('at most 5,000 characters');
    expect((await page.getByLabel('Message').inputValue()).length, 'the text kept').toBe(6_000);
    expect(await t.mails('trainer_message')).toHaveLength(0);
    await checkPage(page, 'message attendees, a message too long');

    // Shortened to the limit, it goes.
    await page.getByLabel('Message').fill(`${text.slice(0, 4_999)}.`);
    await hint.filter({ hasText: 'Up to 5,000 characters: 0 left.' }).waitFor();
    await activate(page, 'Send message');
    await page.getByRole('status').filter({ hasText: 'Message sent to 1 person.' }).waitFor();
    expect(await t.mails('trainer_message')).toHaveLength(1);
  });

  it('Full name on Staff accounts: a pasted name over 200 characters is kept whole, the excess said, and adding refused naming the limit (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Cedar Primary');
    const office = await t.user('office', org.id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts');
    const name = `Alexandra ${'Long-Surname '.repeat(20)}Smith`.slice(0, 212);
    await tabTo(page, 'Full name');
    await paste(page, name);
    expect((await page.getByLabel('Full name').inputValue()).length).toBe(212);
    await page.locator('#new-name-hint').filter({ hasText: 'Up to 200 characters: 12 too many.' }).waitFor();
    await typeInto(page, 'Email address', 'alexandra.long@cedar.example');
    await activate(page, 'Add person');
    await page.locator('.error-summary').getByRole('link', { name: 'Full name must be at most 200 characters: it has 212. Shorten it by 12 characters.' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.getByLabel('Full name').getAttribute('aria-invalid')).toBe('true');
    expect((await page.getByLabel('Full name').inputValue()).length).toBe(212);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'alexandra.long@cedar.example').execute()).toEqual([]);
    await checkPage(page, 'staff accounts, a name too long');
  });
});
