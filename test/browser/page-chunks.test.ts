import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, expectFocused, NARROW, newPage, serverAndBrowser, settled, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Words only the trainer's, office's and administrator's pages and the live room show. */
const NOT_FOR_STAFF = ['The trainer has ended this live room', 'Count again now', 'Add an organisation', 'Import staff from a spreadsheet', 'Loading the code…', 'so it can no longer be messaged', 'Feedback on my sessions', 'Feedback per course'];

/** Every script the page fetches from now on, as text. */
function scriptsOf(page: Page) {
  const seen: { url: string; text: Promise<string> }[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.endsWith('.js')) seen.push({ url: r.url(), text: r.text() });
  });
  return async () => Promise.all(seen.map(async (s) => ({ url: s.url, text: await s.text })));
}

/**
 * The web client comes in chunks (web/src/lazy.tsx): a member of staff's first visit does not
 * download the pages of those who run sessions, school offices and administrators, or the live
 * room; those come when first opened, and a chunk that cannot be fetched is said, with a way on.
 */
describe.skipIf(!browserAvailable)('the web client in chunks', () => {
  const env = serverAndBrowser();

  it('a member of staff’s session list, bookings and timetable do not download the other roles’ pages', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const page = await newPage(env.browser, env.server, NARROW);
    const scripts = scriptsOf(page);
    await signInAt(page, staff, '/sessions');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    for (const [link, heading] of [
      ['My bookings', 'My bookings'],
      ['My timetable', 'My timetable'],
    ]) {
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    await settled(page);
    const fetched = await scripts();
    expect(fetched.length).toBeGreaterThan(0);
    const all = fetched.map((s) => s.text).join('\n');
    for (const words of NOT_FOR_STAFF) expect(all.includes(words), `“${words}” came to a member of staff`).toBe(false);
  });

  it('a trainer’s page comes when first opened, takes focus at its heading, and a chunk that cannot be fetched is said with a way to reload, by keyboard (axe, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Tia Trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    const scripts = scriptsOf(page);
    // The first time, the page's chunk cannot be fetched (the connection dropped).
    let failing = true;
    await page.route(/\/assets\/MySessionsPage-[^/]+\.js$/, (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    await signInAt(page, trainer, '/sessions');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'My sessions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Page not available' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('This page could not be loaded. Check your connection, then reload the page.');
    expect(await page.title()).toMatch(/^Error: Page not available/);
    await expectFocused(page, 'h1');
    await checkPage(page, 'a page whose code could not be fetched');

    failing = false;
    await tabTo(page, 'Reload the page');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /^My sessions/ }).waitFor();
    await settled(page);
    await checkPage(page, 'My sessions, fetched when opened');
    expect((await scripts()).some((s) => /\/assets\/MySessionsPage-[^/]+\.js$/.test(s.url) && s.text.includes('Held for schools'))).toBe(true);

    // Opened again from the menu (the code already here): the page comes at once and its heading takes focus.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'My sessions' }).click();
    await page.getByRole('heading', { level: 1, name: /^My sessions/ }).waitFor();
    await expectFocused(page, 'h1');
  });
});
