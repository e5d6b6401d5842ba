/** "Who is booked where" for a large college: 100 bookings a page, turned by keyboard, focus on the count (axe, 320 px). */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, expectFocused, newPage, NARROW, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('who is booked where, a page at a time', () => {
  const env = serverAndBrowser();

  it('shows 100 of 130 bookings with the counts over them all, and turns to page 2 by keyboard with focus on the count, at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org('Paging Sixth Form College');
    const office = await t.user('office', org.id, 'Pam Office');
    const pad = (i: number) => String(i).padStart(3, '0');
    await t.db.insertInto('users').values(Array.from({ length: 130 }, (_, i) => ({
      id: `bp-user-${pad(i)}`, email: `bp${i}@example.org`, name: `Pager ${pad(i)}`, role: 'staff' as const, org_id: org.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }))).execute();
    const first = await t.session({ title: 'Paging first session', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), capacity: { online: 200 } });
    const second = await t.session({ title: 'Paging second session', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60), capacity: { online: 200 } });
    const at = new Date().toISOString();
    // 70 on the first session, 60 on the second; every 13th cancelled (10 in all).
    await t.db.insertInto('bookings').values(Array.from({ length: 130 }, (_, i) => ({
      id: `bp-booking-${pad(i)}`, session_id: i < 70 ? first.id : second.id, user_id: `bp-user-${pad(i)}`, seat: 'online' as const, status: i % 13 === 0 ? ('cancelled' as const) : ('confirmed' as const),
      queue_seq: i + 1, hold_org_id: null, offer_expires_at: null, booked_by: null, revision: 1, created_at: at, updated_at: at, cancelled_at: i % 13 === 0 ? at : null,
    }))).execute();

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/office/bookings');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    const count = page.locator('#org-bookings-count');
    await expect.poll(() => count.innerText()).toBe('Showing 1 to 100 of 130 (120 bookings and 10 cancelled bookings).');
    const rows = page.getByRole('table').locator('tbody tr');
    expect(await rows.count()).toBe(100);
    expect(await rows.first().getByRole('rowheader').innerText()).toBe('Pager 000');
    expect(await page.getByRole('navigation', { name: 'Pages of bookings, above the table' }).getByText('Page 1 of 2').count()).toBe(1);
    await checkPage(page, 'who is booked where, page 1 of 2');

    await tabTo(page, 'Next page');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#org-bookings-count');
    await expect.poll(() => count.innerText()).toBe('Showing 101 to 130 of 130 (120 bookings and 10 cancelled bookings).');
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(await rows.count()).toBe(30);
    expect(await rows.first().getByRole('rowheader').innerText()).toBe('Pager 100');
    expect(await page.title()).toMatch(/^Who is booked where, page 2/);
    await checkPage(page, 'who is booked where, page 2 of 2');

    // Back to page 1 the same way, from the link before the table.
    await tabTo(page, 'Previous page');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#org-bookings-count');
    await expect.poll(() => count.innerText()).toBe('Showing 1 to 100 of 130 (120 bookings and 10 cancelled bookings).');
    expect(await rows.count()).toBe(100);
  }, 90_000);
});
