/** The reflow audit (see reflow-audit.ts) on the calendar feed page, My bookings, a booking, My training record and My timetable. */
import { describe, expect, it } from 'vitest';
import { auditPages, LONG_NAME, LONG_ORG, LONG_TITLE, MODES, pageIn, press, staffWithBookings } from './reflow-audit.js';
import { browserAvailable, serverAndBrowser, signInAt, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('staff pages: reflow, text spacing, resized text, focus not obscured, target size', () => {
  const env = serverAndBrowser();

  it('calendar feed page: the whole private address is on screen, wrapped, at 320 px, at 400% zoom and with text spacing (not cut off in a one-line field)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org(LONG_ORG)).id, LONG_NAME);
    await auditPages(env, staff, [{ path: '/calendar', heading: 'Subscribe to my calendar', steps: [press(/^Copy address/), press('Make a new address')] }]);
    // Still a labelled, read-only field holding the address, which Copy copies.
    const page = await pageIn(env, MODES[0], { permissions: ['clipboard-read', 'clipboard-write'] });
    await signInAt(page, staff, '/calendar');
    const field = page.getByLabel('Your calendar address');
    const url = await field.inputValue();
    expect(url).toMatch(/^http.+\.ics$/);
    expect(await field.getAttribute('readonly')).not.toBeNull();
    await page.getByRole('button', { name: 'Copy address' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the calendar address.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    // Every character of it is in view: the field is as tall as its wrapped lines.
    const box = await field.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight }));
    expect(box.sw).toBeLessThanOrEqual(box.cw);
    expect(box.sh).toBeLessThanOrEqual(box.ch + 1);
  }, 240_000);

  it('My bookings, a booking, My training record and My timetable: nothing off screen, cut off, overlapping, too small or hidden from focus', async () => {
    const f = await staffWithBookings(env.server.t);
    await auditPages(env, f.staff, [
      { path: '/bookings', heading: 'My bookings', steps: [press('Cancel booking')] },
      { path: `/bookings/${f.onlineBooking.id}`, heading: `${LONG_TITLE} (online)` },
      { path: '/completions', heading: 'My training record' },
      { path: '/timetable', heading: 'My timetable', steps: [press('Remove my timetable')] },
    ]);
  }, 300_000);
});
