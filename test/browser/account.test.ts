import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, expectFocused, daysFromNow, expectNoAxeViolations, expectNoBrokenWords, NARROW, newPage, plusMinutes, signInAt, signInTo, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('calendar subscription, new session, other pages', () => {
  const env = serverAndBrowser();

  it('shows the private calendar address and copies it with one click, announcing "Copied"', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const page = await newPage(env.browser, env.server, { permissions: ['clipboard-read', 'clipboard-write'] });
    await signInTo(page, staff, '/calendar', 'Subscribe to my calendar', { nav: 'Calendar feed' });
    const field = page.getByLabel('Your calendar address');
    await field.waitFor();
    const url = await field.inputValue();
    expect(url).toMatch(new RegExp(`^${env.server.baseUrl}/.+\\.ics$`));
    expect(await field.getAttribute('readonly')).not.toBeNull();
    await expectNoAxeViolations(page, 'calendar page');

    await page.getByRole('button', { name: 'Copy address' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the calendar address.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    // The feed answers at that address.
    const feed = await page.evaluate(async (u) => (await fetch(u)).text(), url);
    expect(feed).toContain('BEGIN:VCALENDAR');
    // Coming back shows the same address, not another one.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Subscribe to my calendar' }).waitFor();
    await field.waitFor();
    expect(await field.inputValue()).toBe(url);

    // A new address replaces the old one, which stops working.
    await page.getByRole('button', { name: 'Make a new address' }).click();
    await page.getByRole('button', { name: 'Yes, make a new address' }).click();
    await page.getByRole('status').filter({ hasText: 'There is a new calendar address.' }).waitFor();
    const fresh = await field.inputValue();
    expect(fresh).not.toBe(url);
    expect(await page.evaluate(async (u) => (await fetch(u)).status, url)).toBe(404);
    await expectNoAxeViolations(page, 'calendar page after a new address');
    // After a reload the page shows the new address, which works.
    await page.reload();
    await field.waitFor();
    expect(await field.inputValue()).toBe(fresh);
    expect(await page.evaluate(async (u) => (await fetch(u)).status, fresh)).toBe(200);
  });

  it('a trainer’s calendar page says their feed holds the sessions they run, and the address it gives holds them (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Tara Trainer');
    const s = await t.session({ title: 'Positive behaviour support', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 90) }, trainer);
    const page = await newPage(env.browser, env.server, { ...NARROW, permissions: ['clipboard-read', 'clipboard-write'] });
    await signInTo(page, trainer, '/calendar', 'Subscribe to my calendar', { nav: 'Calendar feed' });
    await page.getByRole('heading', { level: 2, name: 'My bookings and the sessions I run' }).waitFor();
    await page.getByText('Your bookings and the sessions you run then appear in your calendar').waitFor();
    const url = await page.getByLabel('Your calendar address').inputValue();
    // Before, a trainer's feed held only their bookings: none, so an empty calendar.
    const feed = await page.evaluate(async (u) => (await fetch(u)).text(), url);
    expect(feed).toContain('SUMMARY:Running: Positive behaviour support');
    expect(feed).toContain(`UID:running-${s.id}`);
    await tabTo(page, 'Copy address: Your calendar address');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Copied the calendar address.' }).waitFor();
    await checkPage(page, 'a trainer’s calendar page');
  });

  it('My account offers a copy of the person’s data, downloaded by keyboard as a JSON file holding their account and places (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Primary');
    const staff = await t.user('staff', org.id, 'Dana Data');
    const s = await t.session({ title: 'Attention autism', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60) });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/account');
    await page.getByRole('heading', { level: 2, name: 'Your data' }).waitFor();
    await checkPage(page, 'my account with its data download');
    // A download that fails is said on the page (a plain link failed only in the browser's
    // downloads), focus staying on the link, so Enter again tries again.
    let failing = true;
    await page.route('**/api/me/data', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    await tabTo(page, 'Download your data (JSON file)');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Download your data (JSON file)');
    await checkPage(page, 'my account after a failed data download');
    failing = false;
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    await page.getByRole('status').filter({ hasText: 'Your data file is downloading.' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: /\S/ }).count()).toBe(0);
    expect(file.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    expect(data.account).toMatchObject({ name: 'Dana Data', email: staff.email, orgName: 'Ash Primary' });
    expect(data.bookings.map((b: { session: { title: string }; status: string }) => [b.session.title, b.status])).toEqual([['Attention autism', 'confirmed']]);
  });

  it('someone with no password (they sign in by emailed link) is told so on My account, and how to set one, instead of a form that cannot work (320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Primary');
    const staff = await t.user('staff', org.id, 'Lin Linkonly');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/bookings');
    // Added by their office: no password of their own.
    await t.db.updateTable('users').set({ password_hash: null }).where('id', '=', staff.id).execute();
    await page.goto('/account');
    await page.getByRole('heading', { level: 2, name: 'Your password' }).waitFor();
    await page.getByText('You have no password here: you sign in with a sign-in link sent to your email address. To set a password, sign out and choose “Forgot your password?” on the sign-in page.').waitFor();
    expect(await page.getByLabel('Current password').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Change your password' }).count()).toBe(0);
    await checkPage(page, 'my account with no password');
  });

  it('a member of staff states their own job role on My account, by keyboard at 320 px; a trainer is not asked', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Primary');
    const staff = await t.user('staff', org.id, 'Jo Jobrole');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/account');
    await page.getByRole('heading', { level: 2, name: 'Your job role' }).waitFor();
    await tabTo(page, 'Job role');
    expect(await page.locator('#my-job-role').inputValue()).toBe('');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown'); // Teacher
    await page.keyboard.press('ArrowDown'); // Teaching assistant
    await tabTo(page, 'Save job role');
    await page.keyboard.press('Enter');
    await page.locator('#job-role-saved').filter({ hasText: /Your job role is saved: Teaching assistant\./ }).waitFor();
    await expectFocused(page, '#my-job-role-save');
    await checkPage(page, 'my account after saving a job role (320 px)');
    expect((await t.db.selectFrom('users').select('job_role').where('id', '=', staff.id).executeTakeFirstOrThrow()).job_role).toBe('teaching_assistant');
    // Kept: shown again after going elsewhere and coming back, and after a reload.
    await page.getByRole('link', { name: 'Sessions' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 2, name: 'Your job role' }).waitFor();
    expect(await page.locator('#my-job-role').inputValue()).toBe('teaching_assistant');
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Your job role' }).waitFor();
    expect(await page.locator('#my-job-role').inputValue()).toBe('teaching_assistant');

    const trainer = await t.user('trainer', null, 'Tia Trainer');
    const other = await newPage(env.browser, env.server, NARROW);
    await signInAt(other, trainer, '/account');
    await other.getByRole('heading', { level: 2, name: 'Your data' }).waitFor();
    expect(await other.getByRole('heading', { name: 'Your job role' }).count()).toBe(0);
  });

  it('the accessibility check itself reports violations (so a clean result means something)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server);
    await signInTo(page, staff, '/sessions', 'Sessions');
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'text';
      document.querySelector('main')!.append(input);
    });
    await expect(expectNoAxeViolations(page, 'a page with an unlabelled field')).rejects.toThrow(/label/);
  });

  it('the broken-words check itself finds a caption shrunk to one letter a line and a squeezed word, and passes a long address wrapped to fit (so a clean result means something)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/sessions', 'Sessions');
    await expectNoBrokenWords(page, 'the session list');
    // A long address wrapped anywhere to fit the screen is allowed.
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.style.overflowWrap = 'anywhere';
      p.textContent = 'Write to https://training.example.org/a/very/long/address/that/cannot/fit/on/one/line/at/all';
      document.querySelector('main')!.append(p);
    });
    await expectNoBrokenWords(page, 'a page with a long address wrapped');
    // A caption shrunk to its narrowest, as stacked tables' were.
    await page.evaluate(() => {
      const table = document.createElement('table');
      table.style.display = 'block';
      table.style.overflowWrap = 'anywhere';
      table.innerHTML = '<caption>Bookings soonest first</caption><tbody><tr><td>1</td></tr></tbody>';
      document.querySelector('main')!.append(table);
    });
    await expect(expectNoBrokenWords(page, 'a page with a shrunk caption')).rejects.toThrow(/"Bookings" in <caption>/);
  });

  it('a trainer publishes a session; errors are tied to their fields and summarised', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server);
    await signInTo(page, trainer, '/sessions/new', 'New session', { nav: 'New session' });
    await expectNoAxeViolations(page, 'new session page');

    await page.getByRole('button', { name: 'Publish session' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.title()).toMatch(/^Error: /);
    await expectNoAxeViolations(page, 'new session page with errors');

    const day = daysFromNow(20).slice(0, 10);
    await page.getByLabel('Title', { exact: true }).fill('Attachment and trauma, Welsh: Ymlyniad a thrawma ✨');
    await page.getByRole('radio', { name: 'Hybrid (in person or online)' }).check();
    await page.getByLabel('Date').fill(day);
    await page.getByLabel('Start time').fill('16:00');
    await page.getByLabel('End time').fill('16:00'); // the start time again: before it would be the next day
    await page.getByLabel('Venue').fill('Trust centre');
    await page.getByLabel('Number of in-person seats').fill('10');
    await page.getByLabel('Number of online seats').fill('20');
    await page.getByRole('button', { name: 'Publish session' }).click();
    await summary.getByRole('link', { name: /End time must be after the start time/ }).click();
    await expectFocused(page, '#end');

    await page.getByLabel('End time').fill('17:30');
    await page.getByRole('button', { name: 'Publish session' }).click();
    await page.getByRole('heading', { level: 1, name: 'Attachment and trauma, Welsh: Ymlyniad a thrawma ✨' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const s = (await t.request('GET', `/api/sessions/${id}`, { as: trainer })).json;
    expect(s).toMatchObject({ mode: 'hybrid', venue: 'Trust centre', capacity: { inPerson: 10, online: 20 }, timeZone: 'Europe/London' });
    // 16:00 Europe/London on that day, whatever the season.
    const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(new Date(s.startsAt));
    expect(london).toBe('16:00');
    await expectNoAxeViolations(page, 'new session’s page');
  });

  it('an unknown address says so (axe clean)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server);
    await signInAt(page, staff, '/no/such/page');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await expectNoAxeViolations(page, 'not found page');
  });
});
