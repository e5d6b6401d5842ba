/**
 * Booking from "Staff not yet booked" by keyboard at 320 px: once one person is booked, focus
 * goes to the words in their row saying who was booked on what, never to the next person's Book
 * button (an office pressing Enter again booked the next person by mistake, who was sent a
 * "booked" and a "removed" email). Enter again books no one; Tab reaches the link to the booking
 * just made (to look at it or cancel it) before anyone else's Book button.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('staff not yet booked: focus after booking', () => {
  const env = serverAndBrowser();

  it('focuses the outcome in the booked person’s row, books no one else on a second Enter, and links to the booking to cancel it', async () => {
    const { t } = env.server;
    const school = await t.org('Rowan Primary');
    const office = await t.user('office', school.id, 'Zara Office');
    const amy = await t.user('staff', school.id, 'Amy Adams');
    const ben = await t.user('staff', school.id, 'Ben Brown');
    const s = await t.session({ title: 'Sensory circuits', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity: { online: 10 } });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    await expect.poll(() => page.locator('#not-booked-count').textContent()).toBe('Showing 3 of 3 people not yet booked.');
    await tabTo(page, 'Session to book people on');
    await page.keyboard.press('ArrowDown');
    await page.getByRole('button', { name: 'Book Amy Adams on Sensory circuits', exact: true }).waitFor();

    await activate(page, 'Book Amy Adams on Sensory circuits');
    await page.locator('#not-booked-status').filter({ hasText: 'Amy Adams is booked on Sensory circuits (online seat).' }).waitFor();
    // Focus: Amy's own row, saying who was booked on what; not Ben's Book button.
    await expectFocused(page, `#not-booked-placed-${amy.id}`);
    expect((await page.locator(`#not-booked-placed-${amy.id}`).innerText()).replace(/\s+/g, ' ').trim()).toBe('Amy Adams: Booked on Sensory circuits (online seat).');
    await expect.poll(() => page.locator('#not-booked-count').textContent()).toBe('Showing 2 of 2 people not yet booked. Also shown: 1 person booked just now.');
    await expectFocused(page, `#not-booked-placed-${amy.id}`);

    // Enter again (the tester's second press): nobody else is booked.
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(await t.db.selectFrom('bookings').select('user_id').where('session_id', '=', s.id).execute()).toEqual([{ user_id: amy.id }]);
    expect(await page.getByRole('button', { name: 'Book Ben Brown on Sensory circuits', exact: true }).count()).toBe(1);
    await checkPage(page, 'staff not yet booked, one just booked (320 px)');

    // Tab: the link to Amy's booking comes first, before Ben's Book button.
    await page.keyboard.press('Tab');
    await expectFocused(page, 'a[href^="/bookings/"]');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('View or cancel Amy Adams’s booking');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Booking: Sensory circuits' }).waitFor();
    expect(await t.db.selectFrom('bookings').select('id').where('user_id', '=', ben.id).execute()).toEqual([]);
  }, 90_000);
});
