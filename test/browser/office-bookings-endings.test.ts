import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/**
 * An office's Who is booked where says how each cancelled place ended in the words the
 * person's own My bookings uses: an offer turned down is "Offer declined" (it said only
 * "Cancelled"), a place given up by its person or cancelled by the office says so. By
 * keyboard, at 320 px, with axe.
 */
describe.skipIf(!browserAvailable)('who is booked where: how each place ended', () => {
  const env = serverAndBrowser();

  it('a declined offer says “Offer declined” and who turned it down; a place cancelled by its person or by the office says which (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Larch Primary');
    const office = await t.user('office', org.id, 'Grace Okafor');
    const [ann, ben, cy, dee] = [await t.user('staff', org.id, 'Ann Larch'), await t.user('staff', org.id, 'Ben Larch'), await t.user('staff', org.id, 'Cy Larch'), await t.user('staff', org.id, 'Dee Larch')];
    const startsAt = daysFromNow(9);
    const s = await t.session({ title: 'TT Declined offer', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60, startsAt, endsAt: plusMinutes(startsAt, 60) });
    const book = async (who: typeof ann) => {
      const r = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} });
      expect(r.status, r.text).toBe(201);
      return r.json as { id: string };
    };
    const anns = await book(ann);
    const bens = await book(ben);
    expect((await t.request('DELETE', `/api/bookings/${anns.id}`, { as: ann })).status).toBe(200);
    expect((await t.request('POST', `/api/bookings/${bens.id}/decline`, { as: ben })).status).toBe(200);
    // The seat is free again: Cy takes it and the office cancels it; Dee keeps hers.
    const cys = await book(cy);
    expect((await t.request('DELETE', `/api/bookings/${cys.id}`, { as: office })).status).toBe(200);
    await book(dee);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/office/bookings');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    const row = (name: string) => page.getByRole('table').locator('tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
    const status = (name: string) => row(name).locator('td[data-label="Status"]');
    await status('Ben Larch').getByText('Ben Larch turned down the seat offered to them.').waitFor();
    expect(await status('Ben Larch').locator('.badge').innerText()).toBe('Offer declined');
    expect(await status('Ann Larch').locator('.badge').innerText()).toBe('Cancelled');
    expect(await status('Ann Larch').innerText()).toContain('Ann Larch cancelled this place themselves.');
    expect(await status('Cy Larch').innerText()).toContain('Cancelled by Grace Okafor (Larch Primary’s office).');
    expect(await status('Dee Larch').locator('.badge').innerText()).toBe('Confirmed');
    expect(await status('Dee Larch').locator('.notice').count()).toBe(0);
    await checkPage(page, 'who is booked where, with how places ended (320 px)');

    // Its booking page, reached by keyboard, says the same.
    await tabTo(page, 'Manage the booking of Ben Larch for TT Declined offer');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Booking: TT Declined offer' }).waitFor();
    await page.getByText('Ben Larch turned down the seat offered to them.').waitFor();
  }, 90_000);
});
