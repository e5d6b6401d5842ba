/**
 * Account pages in a real browser, by keyboard alone, at 320 CSS pixels wide, axe-clean:
 * "Forgot your password?" and the emailed reset link, changing a password, and turning
 * accounts off and on (office staff for their staff, administrators for anyone).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { providerServing, TEST_PASSWORD } from '../helpers.js';
import { browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, newPage, plusMinutes, serverAndBrowser, signIn, signInTo, tabTo, warnIfSkipped, checkPage, activate, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const NEW_PASSWORD = 'a much longer new passphrase';

describe.skipIf(!browserAvailable)('account pages', () => {
  const env = serverAndBrowser();

  it('"Forgot your password?": the emailed link sets a new password once, by keyboard, at 320 px', async () => {
    const { t, baseUrl } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/signin');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    // The address typed to sign in is not asked for again on the way (WCAG 3.3.7).
    await tabTo(page, 'Email address');
    await page.keyboard.type(staff.email);
    await activate(page, 'Forgot your password?');
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await expectFocused(page, 'h1');
    await checkPage(page, 'forgot password page');

    await tabTo(page, 'Email address');
    expect(await page.getByLabel('Email address').inputValue(), 'the address typed on the sign-in page').toBe(staff.email);
    await page.keyboard.press('Enter');
    const sent = page.getByRole('status').filter({ hasText: 'If that address belongs to an account, we have sent it a link' });
    await sent.waitFor();
    await checkPage(page, 'forgot password page, link sent');

    // "ask again" brings the form back with the address in it and focus on it (the link pressed has gone), not on <body>.
    await activate(page, 'ask again');
    await expectFocused(page, '#email');
    expect(await page.getByLabel('Email address').inputValue(), 'the address asked for a link for').toBe(staff.email);
    await page.keyboard.press('Enter');
    await sent.waitFor();

    const mail = (await t.mails('password_reset')).filter((m) => m.to_email === staff.email).at(-1);
    const link = mail!.message.text.match(/http\S+\/reset-password#token=\S+/)![0];
    expect(link.startsWith(`${baseUrl}/reset-password#token=`)).toBe(true);

    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await checkPage(page, 'reset password page');
    await tabTo(page, 'New password');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type('something different');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Type the same new password again' }).waitFor();
    await expectFocused(page, '.error-summary');
    await checkPage(page, 'reset password page with an error');

    await tabTo(page, 'Type the new password again');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your password has been changed' }).waitFor();
    expect(page.url()).not.toContain('token=');
    await checkPage(page, 'password changed page');
    // Focused, the link drawn as a button is still readable: dark text on the focus colour (was white on it, 1.64:1).
    await tabTo(page, 'Sign in');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).color)).toBe('rgb(26, 26, 26)');
    await checkPage(page, 'password changed page, Sign in focused');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await signIn(page, staff, NEW_PASSWORD);
    // Once signed in, the address is not offered to whoever signs in next on this computer.
    await activate(page, 'Sign out', { back: true });
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.getByLabel('Email address').inputValue()).toBe('');

    // The link worked once.
    const again = await newPage(env.browser, env.server, NARROW);
    await again.goto(link);
    await again.getByLabel('New password', { exact: true }).fill('yet another long passphrase');
    await again.getByLabel('Type the new password again').fill('yet another long passphrase');
    await again.getByRole('button', { name: 'Set new password' }).click();
    await again.getByRole('alert').filter({ hasText: 'has expired or has already been used' }).waitFor();
    await again.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    await checkPage(again, 'reset page with a used link');
  });

  it('a reset link that cannot work because the school now requires its own sign-in says so and points to the sign-in page; too many attempts is said above the button, not as a password problem (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('Rowan Academy');
    const staff = await t.user('staff', org.id);
    expect((await t.request('POST', '/api/auth/password-reset', { body: { email: staff.email } })).status).toBe(202);
    const mail = (await t.mails('password_reset')).filter((m) => m.to_email === staff.email).at(-1);
    const link = mail!.message.text.match(/http\S+\/reset-password#token=\S+/)![0];
    const page = await newPage(env.browser, env.server, NARROW);

    // Too many attempts from this address (the service's answer, held here): a refusal with the wait, the form kept.
    const message = 'There have been too many attempts to reset a password. Please wait 15 minutes and try again.';
    let refused = true;
    await page.route('**/api/auth/password-reset/complete', (route) => (refused ? route.fulfill({ status: 429, headers: { 'retry-after': '900' }, contentType: 'application/json', body: JSON.stringify({ error: { code: 'rate_limited', message } }) }) : route.continue()));
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await tabTo(page, 'New password');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: message }).waitFor();
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).not.toBe('true');
    expect(await page.locator('.error-summary').count()).toBe(0);
    await checkPage(page, 'reset page refused for too many attempts');

    // The school now requires its own sign-in: the link can never set a password here.
    refused = false;
    await providerServing(t, org.id);
    expect((await t.request('PATCH', `/api/orgs/${org.id}`, { as: admin, body: { settings: { ssoRequired: true } } })).status).toBe(200);
    await tabTo(page, 'Set new password');
    await page.keyboard.press('Enter');
    const problem = page.getByRole('alert').filter({ hasText: 'Your organisation asks its staff to sign in with their school account.' });
    await problem.waitFor();
    expect(await page.getByLabel('New password', { exact: true }).count()).toBe(0);
    expect(await problem.getByRole('link', { name: 'Ask for a new link' }).count()).toBe(0);
    await checkPage(page, 'reset page for a school that requires its own sign-in');
    await activate(page, 'Go to the sign-in page');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  it('changing my password on my account page, by keyboard, at 320 px; my other sign-ins end', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/account', 'My account', { nav: 'My account' });
    await checkPage(page, 'account page');

    await tabTo(page, 'Current password');
    await page.keyboard.type('not my password');
    await page.keyboard.press('Tab');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Your current password is not right' }).waitFor();
    await expectFocused(page, '.error-summary');
    await checkPage(page, 'account page with an error');

    // The current password again as the new one: said beside New password, nothing sent.
    await page.getByLabel('Current password').fill(TEST_PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByLabel('Type the new password again').fill(TEST_PASSWORD);
    await tabTo(page, 'Change password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByRole('link', { name: 'New password must be different from your current password' }).waitFor();
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await t.request('GET', '/api/me', { as: staff })).status).toBe(200);

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await tabTo(page, 'Change password');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Your password has been changed.' }).waitFor();
    await checkPage(page, 'account page after the change');
    // This browser stays signed in; the person's other sign-in (the fixture token) has ended.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    expect((await t.request('GET', '/api/me', { as: staff })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { email: staff.email, password: NEW_PASSWORD } })).status).toBe(200);
  });

  it('Staff accounts of a college with more staff than a page lists: 50 at a time, the next page by keyboard, a person found by email and their account turned off (320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Great Many College');
    const office = await t.user('office', org.id, 'Abigail Office');
    for (let i = 0; i < 63; i++) await t.user('staff', org.id, `Lecturer ${String(i).padStart(2, '0')}`);
    const leaving = await t.user('staff', org.id, 'Zara Leaving');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts', { nav: 'Staff accounts' });
    const count = page.locator('#staff-count');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 50 of 65 people.');
    const people = page.getByRole('list', { name: 'People' });
    expect(await people.getByRole('heading', { level: 2 }).count()).toBe(50);
    await checkPage(page, 'staff accounts, first page of 65');

    await tabTo(page, 'Next page', { max: 400 });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 51 to 65 of 65 people.');
    await expectFocused(page, '#staff-count');
    await people.getByRole('heading', { level: 2, name: leaving.name }).waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');

    // Found by part of the email address, any case.
    await tabTo(page, 'Find a person by name or email', { back: true, max: 400 });
    await page.keyboard.type(leaving.email.split('@')[0]!.toUpperCase());
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe(`Showing 1 to 1 of 1 person matching “${leaving.email.split('@')[0]!.toUpperCase()}”.`);
    await checkPage(page, 'staff accounts, one person found');
    await activate(page, `Turn off account: ${leaving.name}`);
    await activate(page, 'Yes, turn it off');
    await page.getByRole('status').filter({ hasText: `${leaving.name}'s account is turned off` }).waitFor();
    expect((await t.request('GET', `/api/users/${leaving.id}`, { as: office })).json.disabled).toBe(true);
  });

  it('office staff turn off a staff account: that person is signed out at once and told why at sign-in', async () => {
    const { t } = env.server;
    const org = await t.org('Maple Grove Primary');
    const office = await t.user('office', org.id);
    const staff = await t.user('staff', org.id, 'Priya Leaving-Shortly');
    const booked = await t.session({ title: 'Autism and anxiety', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60) });
    expect((await t.request('POST', `/api/sessions/${booked.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const theirs = await newPage(env.browser, env.server, NARROW);
    await signInTo(theirs, staff, '/sessions', 'Sessions');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts', { nav: 'Staff accounts' });
    await page.getByRole('heading', { level: 2, name: staff.name }).waitFor();
    await checkPage(page, 'staff accounts page');

    await activate(page, `Turn off account: ${staff.name}`);
    await expectFocused(page, '.confirm p');
    await activate(page, 'Yes, turn it off');
    // The office is told the place went to someone else, not left to find out.
    await page.getByRole('status').filter({ hasText: `${staff.name}'s account is turned off and they have been signed out. Their place on a session still to come was given up for others, and they have been told by email.` }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: staff.name }) });
    await card.getByText('Turned off', { exact: true }).waitFor();
    await checkPage(page, 'staff accounts page after turning one off');

    // Their open page finds itself signed out, and signing in says why.
    await theirs.reload();
    await theirs.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await theirs.getByLabel('Email address').fill(staff.email);
    await theirs.getByLabel('Password').fill(TEST_PASSWORD);
    await theirs.getByRole('button', { name: 'Sign in' }).click();
    await theirs.getByRole('alert').filter({ hasText: 'Your account has been turned off' }).waitFor();
    await checkPage(theirs, 'sign-in page refusing a turned-off account');

    await activate(page, `Turn on account: ${staff.name}`, { back: true });
    // Turning it on does not give back the place given up, and the office is told so.
    await page.getByRole('status').filter({ hasText: `${staff.name}'s account is on again. They can sign in. The place given up when it was turned off is not given back: book it again if they still need it.` }).waitFor();
    await card.getByText('Active', { exact: true }).waitFor();
    const place = await t.db.selectFrom('bookings').select('status').where('session_id', '=', booked.id).where('user_id', '=', staff.id).executeTakeFirstOrThrow();
    expect(place.status).toBe('cancelled');
    await signIn(theirs, staff);
  });

  it('Staff accounts shows the office person’s own job role, and an office colleague’s, as it shows staff’s; only staff’s can be changed there (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Alder Primary');
    const office = await t.user('office', org.id, 'Orla Office');
    const colleague = await t.user('office', org.id, 'Omar Office');
    const staff = await t.user('staff', org.id, 'Sian Staff');
    await t.db.updateTable('users').set({ job_role: 'leadership' }).where('id', '=', office.id).execute();
    await t.db.updateTable('users').set({ job_role: 'support_staff' }).where('id', '=', staff.id).execute();
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts', { nav: 'Staff accounts' });
    const card = (name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name }) });
    const jobRoleOf = (name: string) => card(name).locator('dt', { hasText: 'Job role' }).locator('xpath=following-sibling::dd[1]').innerText();
    await card(staff.name).waitFor();
    expect(await jobRoleOf(staff.name)).toBe('Support staff');
    // Before, the office person's own card (and an office colleague's) had no job role at all.
    expect(await jobRoleOf(office.name)).toBe('Leadership');
    expect(await jobRoleOf(colleague.name)).toBe('Not stated');
    // Reached by keyboard on the way through the cards; only the member of staff's can be changed here.
    await tabTo(page, `Timetable: ${office.name}`, { max: 80 });
    await tabTo(page, `Change job role: ${staff.name}`, { max: 80 });
    const changes = await page.locator('summary').evaluateAll((els) => els.map((e) => e.textContent).filter((x) => x?.startsWith('Change job role')));
    expect(changes).toEqual([`Change job role: ${staff.name}`]);
    await checkPage(page, 'staff accounts with office people’s job roles');
  });

  it('office staff add one new member of staff and set a colleague’s job role, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Ola Office');
    const colleague = await t.user('staff', org.id, 'Cath Colleague');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts', { nav: 'Staff accounts' });
    await page.getByRole('heading', { level: 2, name: colleague.name }).waitFor();
    await page.getByRole('region', { name: 'Add a person' }).getByText('They are added as staff of Rowan Primary.').waitFor();

    // Nothing typed: each problem beside its field, said in the summary.
    await activate(page, 'Add person');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    await checkPage(page, 'staff accounts, adding a person with nothing typed');

    await tabTo(page, 'Full name');
    await page.keyboard.type('Nell Newstarter');
    await tabTo(page, 'Email address');
    await page.keyboard.type('nell.newstarter@rowan.sch.uk');
    await tabTo(page, 'Job role (optional)');
    await page.keyboard.press('End'); // the last: early years
    await activate(page, 'Add person');
    await page.getByRole('heading', { level: 3, name: 'Nell Newstarter was added to Rowan Primary' }).waitFor();
    await expectFocused(page, '#added-title');
    await page.getByText('they sign in by asking for a sign-in link on the sign-in page').waitFor();
    const added = await t.db.selectFrom('users').select(['role', 'org_id', 'job_role']).where('email', '=', 'nell.newstarter@rowan.sch.uk').executeTakeFirstOrThrow();
    expect(added).toEqual({ role: 'staff', org_id: org.id, job_role: 'early_years' });
    await page.getByRole('heading', { level: 2, name: 'Nell Newstarter' }).waitFor();
    await checkPage(page, 'staff accounts after adding a person');

    // A colleague's job role, changed from their card.
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: colleague.name }) });
    await card.locator('dd', { hasText: 'Not stated' }).waitFor();
    await activate(page, `Change job role: ${colleague.name}`, { back: true });
    await tabTo(page, 'Job role');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown'); // Teacher
    await activate(page, `Save job role for ${colleague.name}`);
    await page.getByRole('status').filter({ hasText: `${colleague.name}’s job role is now teacher.` }).waitFor();
    await card.locator('dd', { hasText: 'Teacher' }).waitFor();
    expect((await t.db.selectFrom('users').select('job_role').where('id', '=', colleague.id).executeTakeFirstOrThrow()).job_role).toBe('teacher');
    await checkPage(page, 'staff accounts after changing a job role');

    // Their training record, opened on demand (without certificates, which are theirs and administrators').
    await activate(page, `Training record: ${colleague.name}`, { back: true });
    await card.getByText('No sessions attended yet.').waitFor();
    expect(await card.getByRole('link', { name: /certificate/i }).count()).toBe(0);
    await checkPage(page, 'staff accounts with a training record open');
  });

  it('administrators find people by name, turn accounts off and make captioners, at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('Willow Academy');
    const person = await t.user('staff', org.id, 'Quentin Findable');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people', 'People', { nav: 'People' });
    await tabTo(page, 'Name or email');
    await page.keyboard.type('findable');
    await page.keyboard.press('Enter');
    await page.getByText('People matching “findable”').waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: person.name }) });
    await card.waitFor();
    expect(await page.getByRole('listitem').filter({ has: page.locator('h2') }).count()).toBe(1);
    await checkPage(page, 'people page with a search');

    await activate(page, `Make captioner: ${person.name}`);
    await page.getByRole('status').filter({ hasText: `${person.name} is now a captioner.` }).waitFor();
    await card.getByText('Captioner', { exact: true }).waitFor();
    await activate(page, `Turn off account: ${person.name}`, { back: true });
    // Focus moves to the question, so the next Tab reaches its answers.
    await expectFocused(page, '.confirm p');
    await activate(page, 'Yes, turn it off');
    await card.getByText('Turned off', { exact: true }).waitFor();
    await checkPage(page, 'people page after changes');
    const row = await t.db.selectFrom('users').select(['captioner', 'disabled_at']).where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(row.captioner).toBe(1);
    expect(row.disabled_at).not.toBeNull();
  });
});
