/**
 * Removing a booked person on "Who is coming" while someone waits, in a real browser, by
 * keyboard alone, at 320 CSS px, axe-clean, as a tester found it: the message said only
 * "Chloe Jones removed…", though Dafydd had been moved up. It now says who got the freed seat:
 * "Their in-person seat went to Dafydd Price, first on the waiting list (confirmed)", or, on a
 * session whose queue offers seats, until when it is offered to them.
 */
import type { TestUser } from '../helpers.js';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('removing a booked person says who got their seat', () => {
  const env = serverAndBrowser();

  async function book(sessionId: string, u: TestUser, seat: 'in_person' | 'online') {
    const res = await env.server.t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: u, body: { seat } });
    expect(res.status).toBe(201);
    return res.json as { id: string; status: string };
  }

  async function removeByKeyboard(page: import('playwright-core').Page, name: string, reason: string) {
    await activate(page, `Remove ${name}`);
    await expectFocused(page, 'input[id^="reason-"]');
    await page.keyboard.type(reason);
    await page.keyboard.press('Enter');
  }

  it('confirmed at once: the message names Dafydd, first on the waiting list (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Oak School');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const start = daysFromNow(10, 15);
    const s = await t.session({ title: 'Sensory circuits', mode: 'hybrid', venue: 'Main hall', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { inPerson: 1, online: 5 } }, priya);
    const [chloe, dafydd] = [await t.user('staff', org.id, 'Chloe Jones'), await t.user('staff', org.id, 'Dafydd Price')];
    await book(s.id, chloe, 'in_person');
    expect((await book(s.id, dafydd, 'in_person')).status).toBe('waitlisted');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, priya, `/trainer/sessions/${s.id}/people`, 'Who is coming: Sensory circuits');
    await page.getByRole('table').waitFor();
    await removeByKeyboard(page, 'Chloe Jones', 'Booked twice');
    const status = page.locator('#attendees-status');
    await expect.poll(async () => flat(await status.innerText())).toBe('Chloe Jones removed. They have been sent your reason. Their in-person seat went to Dafydd Price, first on the waiting list (confirmed); they have been told.');
    await expectFocused(page, '#attendees-status');
    await expect.poll(async () => flat(await page.getByRole('row').filter({ hasText: 'Dafydd Price' }).innerText()), { timeout: 10_000 }).toContain('Confirmed');
    await checkPage(page, 'who is coming after a removal that moved someone up');
  });

  it('offered: the message says until when the seat is offered to them (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Ash School');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const start = daysFromNow(10, 15);
    const s = await t.session({ title: 'Calm corners', mode: 'in_person', venue: 'Library', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { inPerson: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 }, priya);
    const [chloe, dafydd] = [await t.user('staff', org.id, 'Chloe Jones'), await t.user('staff', org.id, 'Dafydd Price')];
    await book(s.id, chloe, 'in_person');
    expect((await book(s.id, dafydd, 'in_person')).status).toBe('waitlisted');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, priya, `/trainer/sessions/${s.id}/people`, 'Who is coming: Calm corners');
    await page.getByRole('table').waitFor();
    await removeByKeyboard(page, 'Chloe Jones', 'Not at this school');
    const status = page.locator('#attendees-status');
    await expect.poll(async () => flat(await status.innerText())).toMatch(/^Chloe Jones removed\. They have been sent your reason\. Their in-person seat went to Dafydd Price, first on the waiting list \(offered to them until .+ (GMT|BST)\); they have been told\.$/);
    const offered = (await t.db.selectFrom('bookings').select(['status', 'offer_expires_at']).where('user_id', '=', dafydd.id).executeTakeFirstOrThrow());
    expect(offered.status).toBe('offered');
    const until = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(new Date(offered.offer_expires_at!));
    expect(flat(await status.innerText())).toContain(until);
    await checkPage(page, 'who is coming after a removal that offered the seat');
  });
});
