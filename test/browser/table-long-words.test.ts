/**
 * Long words without spaces in table cells, as an exploratory tester met them: a Teams meeting
 * link typed as a session's title on Who is booked where, a 200-character name on Who is coming,
 * the register and the import check. Side by side at 1280 px the cell held the whole word on one
 * line and the page scrolled sideways (scrollWidth 1342 to 4400); stacked at 320 px it wrapped.
 * Now a long word wraps inside its cell at both widths, nothing scrolls sideways, no ordinary
 * word is broken across lines (checkPage), and every page is axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bookBeforeStart, browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** A Teams meeting link pasted as a session's title: 130 characters, no spaces. */
const TEAMS = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ0ZjM5YTctYmM2Ny00ZDQ3LWE2MGItYjJlZDI2OGRhYzQz%40thread.v2/0?context=7b22';
/** A name of 200 letters without a space. */
const LONG_NAME = `Bartholomew${'x'.repeat(189)}`;
const WIDE = { viewport: { width: 1280, height: 900 } };
const widths = [
  ['1280 px', WIDE],
  ['320 px', NARROW],
] as const;

/** The page's width as scrolled, and the width it has (the tester's measure), and every table that is wider than what holds it (a register's own scroll box). */
const sideways = (page: Page) =>
  page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    tooWide: [...document.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().width > t.parentElement!.clientWidth + 1).map((t) => `${t.caption?.textContent ?? 'a table'}: ${Math.round(t.getBoundingClientRect().width)} px in ${t.parentElement!.clientWidth} px`),
  }));

describe.skipIf(!browserAvailable)('long words without spaces in table cells', () => {
  const env = serverAndBrowser();

  it('Who is booked where: a Teams link as a session title wraps in its cell; nothing scrolls sideways at 1280 or 320 px', async () => {
    expect(TEAMS).toHaveLength(130);
    const { t } = env.server;
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const staff = await t.user('staff', org.id, 'Jo Bloggs');
    const start = daysFromNow(4);
    const s = await t.session({ title: TEAMS, startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 10 } });
    const plain = await t.session({ title: 'Autism in the classroom', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 10 } });
    for (const x of [s, plain]) expect((await t.request('POST', `/api/sessions/${x.id}/bookings`, { as: office, body: { userId: staff.id } })).status).toBe(201);
    for (const [size, viewport] of widths) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInTo(page, office, '/office/bookings', 'Who is booked where');
      const link = page.getByRole('link', { name: TEAMS, exact: true });
      await link.waitFor();
      const { scrollWidth, clientWidth, tooWide } = await sideways(page);
      expect(scrollWidth, `Who is booked where at ${size}`).toBeLessThanOrEqual(clientWidth);
      expect(tooWide).toEqual([]);
      // The link wraps: more than one line, within the page.
      expect((await link.evaluate((a) => a.getClientRects().length)), `the title wraps at ${size}`).toBeGreaterThan(1);
      await checkPage(page, `Who is booked where at ${size}`);
    }
  });

  it('Who is coming and the register: a 200-letter name wraps in its cell; nothing scrolls sideways at 1280 or 320 px', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Academy');
    const trainer = await t.user('trainer', null, 'Priya Sharma');
    const long = await t.user('staff', org.id, LONG_NAME);
    const other = await t.user('staff', org.id, 'Chloe Jones');
    const startsAt = new Date(Date.now() - 30 * 60_000).toISOString();
    const s = await t.session({ title: 'Sensory circuits', mode: 'in_person', venue: 'Main hall', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { inPerson: 5 } }, trainer);
    for (const u of [long, other]) expect((await bookBeforeStart(t, s, u)).status).toBe(201);
    for (const [size, viewport] of widths) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInTo(page, trainer, `/trainer/sessions/${s.id}/people`, 'Who is coming: Sensory circuits');
      await page.getByRole('rowheader').filter({ hasText: LONG_NAME }).waitFor();
      let { scrollWidth, clientWidth, tooWide } = await sideways(page);
      expect(scrollWidth, `Who is coming at ${size}`).toBeLessThanOrEqual(clientWidth);
      expect(tooWide).toEqual([]);
      await checkPage(page, `Who is coming at ${size}`);

      await page.goto(`/sessions/${s.id}/register`);
      await page.getByRole('heading', { level: 1, name: 'Register: Sensory circuits' }).waitFor();
      await page.getByRole('rowheader').filter({ hasText: LONG_NAME }).waitFor();
      ({ scrollWidth, clientWidth, tooWide } = await sideways(page));
      expect(scrollWidth, `the register at ${size}`).toBeLessThanOrEqual(clientWidth);
      // Not even inside the register's own scroll box: the name wraps.
      expect(tooWide).toEqual([]);
      await checkPage(page, `the register at ${size}`);
    }
  });

  it('the import check: a 200-letter name wraps in its cell; nothing scrolls sideways at 1280 or 320 px', async () => {
    const { t } = env.server;
    const org = await t.org('Cedar School');
    const office = await t.user('office', org.id, 'Ida Office');
    for (const [size, viewport] of widths) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInTo(page, office, '/office/people/import', 'Import staff from a spreadsheet');
      await page.getByText(`Into: ${org.name}`).waitFor();
      await typeInto(page, /^Lines \(paste/, `name,email,role\n${LONG_NAME},long@cedar.example,staff\nJo Bloggs,jo@cedar.example,staff\n`);
      await tabTo(page, 'Check the lines');
      await page.keyboard.press('Enter');
      await page.locator('#import-report').waitFor();
      await page.getByRole('cell').filter({ hasText: LONG_NAME }).waitFor();
      const { scrollWidth, clientWidth, tooWide } = await sideways(page);
      expect(scrollWidth, `the import check at ${size}`).toBeLessThanOrEqual(clientWidth);
      expect(tooWide).toEqual([]);
      await checkPage(page, `the import check at ${size}`);
    }
  });
});
