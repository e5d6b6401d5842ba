/**
 * "Email me a sign-in link" in a real browser, by keyboard alone, at 320 CSS pixels wide,
 * axe-clean: asking from the sign-in page, opening the emailed link in the same browser, and
 * the same link refused in another browser and once used.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, expectFocused, expectNoAxeViolations, newPage, serverAndBrowser, tabTo, typeInto, warnIfSkipped, checkPage, activate, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('sign-in link by email', () => {
  const env = serverAndBrowser();

  it('asks for a link from the sign-in page and signs in with it in the same browser, once, by keyboard, at 320 px', async () => {
    const { t, baseUrl } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/signin');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await checkPage(page, 'sign-in page');
    // The address typed to sign in is not asked for again on the way (WCAG 3.3.7).
    await tabTo(page, 'Email address');
    await page.keyboard.type('not-an-address');
    await activate(page, 'Email me a sign-in link');
    await page.getByRole('heading', { level: 1, name: 'Email me a sign-in link' }).waitFor();
    await expectFocused(page, 'h1');
    await checkPage(page, 'email sign-in page');

    // A mistyped address is caught first.
    await tabTo(page, 'Email address');
    expect(await page.getByLabel('Email address').inputValue(), 'the address typed on the sign-in page').toBe('not-an-address');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Enter an email address like' }).waitFor();
    await checkPage(page, 'email sign-in page with an error');

    await tabTo(page, 'Email address');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(staff.email);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'If that address belongs to an account, we have sent it a sign-in link' }).waitFor();
    await checkPage(page, 'email sign-in page, link sent');
    // "ask again" brings the form back with the address in it and focus on it (the link pressed has gone), not on <body>.
    await activate(page, 'ask again');
    await expectFocused(page, '#email');
    expect(await page.getByLabel('Email address').inputValue(), 'the address asked for a link for').toBe(staff.email);

    const [mail] = (await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email);
    const link = mail!.message.text.match(/http\S+\/signin-link#token=\S+/)![0];
    expect(link.startsWith(`${baseUrl}/signin-link#token=`)).toBe(true);

    // Another browser (its own cookies) cannot use it, and does not use it up.
    const other = await newPage(env.browser, env.server, NARROW);
    await other.goto(link);
    await other.getByRole('heading', { level: 1, name: 'Sign in with your link' }).waitFor();
    await other.getByRole('button', { name: 'Continue and sign in' }).click();
    await other.getByRole('alert').filter({ hasText: 'works only in the browser where you asked for it' }).waitFor();
    await checkPage(other, 'sign-in link page in another browser');

    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Sign in with your link' }).waitFor();
    await checkPage(page, 'sign-in link page');
    await activate(page, 'Continue and sign in');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(page.url()).not.toContain('token=');
    expect(new URL(page.url()).pathname).toBe('/sessions');

    // Used once: opening it again (even in the same browser) says so.
    const again = await page.context().newPage();
    await again.goto(link);
    await again.getByRole('button', { name: 'Continue and sign in' }).click();
    await again.getByRole('alert').filter({ hasText: 'has expired or has already been used' }).waitFor();
    await again.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    await checkPage(again, 'sign-in link page with a used link');
  });

  it('signed out on the way to a page, asks for a link from the sign-in page and the link opens that page, by keyboard, at 320 px', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/bookings?status=past');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/bookings?status=past');
    await activate(page, 'Email me a sign-in link');
    await page.getByRole('heading', { level: 1, name: 'Email me a sign-in link' }).waitFor();
    // The new page's heading takes focus (as the first test waits for): tabbing on before it has
    // could lose the address typed to that move, on a busy machine.
    await expectFocused(page, 'h1');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/bookings?status=past');
    await typeInto(page, 'Email address', staff.email);
    expect(await page.getByLabel('Email address').inputValue()).toBe(staff.email);
    await page.keyboard.press('Enter');
    // Sent, or (should it fail) the page's own words, so a failure says which.
    const sent = page.getByRole('status').filter({ hasText: 'we have sent it a sign-in link' });
    await sent.or(page.getByRole('alert').filter({ hasText: /\S/ })).first().waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').filter({ hasText: /\S/ }).allInnerTexts()).toEqual([]);
    await sent.waitFor();
    await checkPage(page, 'email sign-in page, link sent, on the way to a page');

    const [mail] = (await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email);
    const link = mail!.message.text.match(/http\S+\/signin-link\S*#token=\S+/)![0];
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Sign in with your link' }).waitFor();
    await activate(page, 'Continue and sign in');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    const at = new URL(page.url());
    expect(at.pathname + at.search).toBe('/bookings?status=past');
    await checkPage(page, 'my bookings, reached through the emailed link');
  });

  it('a link whose sign-in fails on the way (the network, the service) keeps its button, with Try again, which signs in (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/email-sign-in');
    await tabTo(page, 'Email address');
    await page.keyboard.type(staff.email);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'we have sent it a sign-in link' }).waitFor();
    const [mail] = (await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email);
    const link = mail!.message.text.match(/http\S+\/signin-link\S*#token=\S+/)![0];
    // The first try never reaches the server (every resend of it fails too); the next goes through.
    let failing = true;
    await page.route('**/api/auth/email-link/complete', (route) => (failing ? route.abort('connectionreset') : route.continue()));
    await page.goto(link);
    await activate(page, 'Continue and sign in');
    const alert = page.getByRole('alert').filter({ hasText: 'Try again' });
    await alert.waitFor({ timeout: 20_000 });
    expect(await page.getByText('Ask for a new link').count(), 'the link is not said to be spent').toBe(0);
    await checkPage(page, 'sign-in link page after a failure on the way');
    failing = false;
    await activate(page, 'Try again', { back: true });
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sessions');
  });
});
