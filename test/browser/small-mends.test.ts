/**
 * Small mends an exploratory tester asked for, each on its own page, by keyboard at 320 CSS px,
 * axe-clean: a refused sign-in link's words take focus; a calendar address that cannot be read
 * says why (no server at the host typed), and the hint and the refusal state one rule; the
 * session form's time zone in plain words, with choices, and what a past start means; My
 * account says how to correct a name and says a job role as the list names it; Escape closes
 * the main menu; the Mail page reads a message's text.
 */
import { describe, expect, it } from 'vitest';
import type { Resolver } from '../../server/platform/outbound.js';
import { activate, browserAvailable, checkPage, expectFocused, NARROW, newPage, serverAndBrowser, signInAt, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('small mends', () => {
  const env = serverAndBrowser();

  it('a sign-in link refused (opened in another browser) puts focus on the words saying why, then on “Ask for a new link” (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    // Asked for from somewhere else (no cookie of this browser's).
    expect((await t.request('POST', '/api/auth/email-link', { body: { email: staff.email } })).status).toBeLessThan(300);
    const [mail] = (await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email);
    const link = mail!.message.text.match(/http\S+\/signin-link\S*#token=\S+/)![0];
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
    await page.getByRole('heading', { level: 1, name: 'Sign in with your link' }).waitFor();
    await activate(page, 'Continue and sign in');
    await page.getByRole('alert').filter({ hasText: 'works only in the browser where you asked for it' }).waitFor();
    // Not left on <body>: the words that replaced the button pressed have it.
    await expectFocused(page, '#signin-link-problem');
    await page.keyboard.press('Tab');
    await expectFocused(page, 'a[href^="/email-sign-in"]');
    await checkPage(page, 'sign-in link refused, its words focused');
  });

  it('linking a calendar whose host does not exist says so, naming it; a refused address states the rule the hint states (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    // The machine's DNS is not asked (it may not answer here): nothing exists but what this names.
    const resolve: Resolver = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const before = t.deps.config.outbound;
    t.deps.config.outbound = { ...before, resolve } as typeof before;
    try {
      const page = await newPage(env.browser, env.server, NARROW);
      await signInTo(page, staff, '/timetable', 'My timetable');
      const hint = await page.locator('#calendar-url-hint').innerText();
      expect(hint).toContain('starting https://, webcal:// or http://');

      await typeInto(page, 'Calendar address', 'ftp://calendar.example/me.ics');
      await page.keyboard.press('Enter');
      const refused = page.locator('#calendar-url-error');
      await refused.filter({ hasText: 'That address could not be used' }).waitFor();
      // The same rule, in the same words, as the hint above the field.
      expect(await refused.innerText()).toContain('starting https://, webcal:// or http://');

      await typeInto(page, 'Calendar address', 'https://example.invalid/cal.ics');
      await page.keyboard.press('Enter');
      await refused.filter({ hasText: 'No server was found at example.invalid: check the address.' }).waitFor();
      expect(await refused.innerText()).not.toContain('within 10 seconds');
      await checkPage(page, 'timetable page, a calendar address whose host does not exist');
    } finally {
      t.deps.config.outbound = before;
    }
  });

  it('the session form says a time zone in plain words and offers the common ones, Europe/London first; a past start says no one can book it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    const zones = await page.locator(`datalist#${await page.getByLabel('Time zone').getAttribute('list')} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(zones[0]).toBe('Europe/London');
    expect(zones.length).toBeGreaterThan(3);

    await typeInto(page, 'Title', 'Sensory needs');
    // Begun ten minutes ago, 90 minutes long: it can still be booked while enough is left to attend.
    const london = (ms: number) => Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    const began = london(Date.now() - 10 * 60_000);
    const ends = london(Date.now() + 80 * 60_000);
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(`${began.year}-${began.month}-${began.day}`);
    await page.getByLabel('Start time').fill(`${began.hour}:${began.minute}`);
    await page.getByLabel('End time').fill(`${ends.hour}:${ends.minute}`);
    await page.getByRole('status').filter({ hasText: 'This start time is in the past: people can still book it until it ends, but anyone who books too late to be there for the attendance needed will not count as having attended.' }).waitFor();

    await tabTo(page, 'Date', { back: true });
    await page.getByLabel('Date', { exact: true }).fill('2020-02-01');
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await page.getByRole('status').filter({ hasText: 'This start time is in the past: no one will be able to book it.' }).waitFor();
    expect(await page.getByText('You can still save it').count()).toBe(0);

    await typeInto(page, 'Time zone', 'London');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Time zone must be written as region and city, such as Europe/London' }).waitFor();
    expect(await page.locator('#timeZone-error').innerText()).toContain('Time zone must be written as region and city, such as Europe/London');
    expect(await page.getByText('IANA').count()).toBe(0);
    await checkPage(page, 'new session page, a time zone not understood');
  });

  it('My account says who can correct a name or email, and a job role saved as the list names it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const staff = await t.user('staff', org.id, 'Sam Spelling');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/account', 'My account');
    await page.getByText('To correct your name or email, ask your school office.').waitFor();
    await tabTo(page, 'Job role');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown'); // Teacher
    await activate(page, 'Save job role');
    const saved = page.locator('#job-role-saved');
    await saved.filter({ hasText: 'Your job role is saved' }).waitFor();
    // The option's own words, capital and all, not the stored code.
    expect(await saved.innerText()).toContain('Your job role is saved: Teacher.');
    await checkPage(page, 'my account, staff');

    const office = await t.user('office', org.id, 'Olu Office');
    const officePage = await newPage(env.browser, env.server, NARROW);
    await signInTo(officePage, office, '/account', 'My account');
    await officePage.getByText('To correct your name or email, ask an administrator of this service.').waitFor();

    const admin = await t.user('admin', null, 'Ada Admin');
    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(adminPage, admin, '/account', 'My account');
    await adminPage.getByRole('link', { name: 'your page in People' }).waitFor();
    expect(await adminPage.getByRole('link', { name: 'your page in People' }).getAttribute('href')).toBe(`/admin/people/${admin.id}`);
    await checkPage(adminPage, 'my account, administrator');
  });

  it('Escape closes the main menu at 320 px and puts focus back on its button', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/account', 'My account');
    const toggle = page.getByRole('button', { name: 'Menu' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#main-nav-links') !== null), 'focus on a link of the menu').toBe(true);
    await page.keyboard.press('Escape');
    await expectFocused(page, '.menu-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#main-nav-links a').first().isVisible()).toBe(false);
    // From the button itself too.
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await expectFocused(page, '.menu-toggle');
  });

  it('the Mail page reads a message’s text (a sign-in link, whole, wrapped at 320 px) by keyboard, and hides it again', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id, 'Rea Reader');
    expect((await t.request('POST', '/api/auth/email-link', { body: { email: staff.email } })).status).toBeLessThan(300);
    const [mail] = (await t.mails('sign_in_link')).filter((m) => m.to_email === staff.email);
    const link = mail!.message.text.match(/http\S+\/signin-link\S*#token=\S+/)![0];
    const admin = await t.user('admin');
    // On a desktop too, where the table scrolls in its own box: the text still wraps within the page.
    const wide = await newPage(env.browser, env.server, { viewport: { width: 1280, height: 800 } });
    await signInAt(wide, admin, `/admin/mail?to=${encodeURIComponent(staff.email)}`);
    await wide.getByRole('button', { name: /^Read: / }).click();
    await wide.getByText(link, { exact: false }).waitFor();
    await checkPage(wide, 'mail page, a message read (1280 px)');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/mail?to=${encodeURIComponent(staff.email)}`);
    await page.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
    const read = page.getByRole('button', { name: new RegExp(`^Read: .* to ${staff.email.replace(/[.+]/g, '\\$&')}$`) });
    await read.waitFor();
    expect(await read.getAttribute('aria-expanded')).toBe('false');
    await tabTo(page, new RegExp(`^Read: .* to `));
    await page.keyboard.press('Enter');
    expect(await read.getAttribute('aria-expanded')).toBe('true');
    const text = page.locator(`#${await read.getAttribute('aria-controls')}`);
    await text.getByText(link, { exact: false }).waitFor();
    expect(await text.innerText()).toContain('Rea Reader');
    await expectFocused(page, '[aria-expanded="true"]');
    await checkPage(page, 'mail page, a message read (320 px)');
    await page.keyboard.press('Enter');
    expect(await read.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByText(link, { exact: false }).count()).toBe(0);
  });
});
