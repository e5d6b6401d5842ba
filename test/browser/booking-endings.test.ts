import { describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/**
 * A cancelled place says how it ended, on My bookings and on its booking page (the page emails
 * link to): taken off by a trainer, with who and the reason they gave; an offer that ran out,
 * and when. Before, both said only "Cancelled". By keyboard alone, at 320 px, with axe.
 */
describe.skipIf(!browserAvailable)('how a cancelled place ended', () => {
  const env = serverAndBrowser();

  it('a place a trainer took off says “Taken off by Priya Sharma (trainer): <reason>” on My bookings and its booking page (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Chestnut Primary');
    const priya = await t.user('trainer', null, 'Priya Sharma');
    const chloe = await t.user('staff', org.id, 'Chloe Chestnut');
    const s = await t.session({ title: 'TT In person A', mode: 'in_person', venue: 'Chestnut hall', capacity: { inPerson: 5 }, startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60) }, priya);
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: chloe, body: {} })).json;
    expect((await t.request('POST', `/api/bookings/${booked.id}/remove`, { as: priya, body: { reason: 'Duplicate booking – sorry' } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, chloe, '/bookings', 'My bookings');
    const card = page.getByRole('article', { name: 'TT In person A' });
    await card.getByText('Taken off by Priya Sharma (trainer): Duplicate booking – sorry').waitFor();
    await checkPage(page, 'My bookings, a place taken off by a trainer');

    await tabTo(page, 'TT In person A');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Booking: TT In person A' }).waitFor();
    await page.getByText('Taken off by Priya Sharma (trainer): Duplicate booking – sorry').waitFor();
    expect(await page.locator('.badge', { hasText: 'Cancelled' }).count()).toBeGreaterThan(0);
    await checkPage(page, 'booking page, a place taken off by a trainer');
  });

  it('an offer that ran out says so, and when, on My bookings and its booking page (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Beech Primary');
    const [ann, ben] = [await t.user('staff', org.id, 'Ann Beech'), await t.user('staff', org.id, 'Ben Beech')];
    const s = await t.session({ title: 'TT Offer I', capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 10, startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60) });
    const anns = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: {} })).json;
    const bens = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).json;
    expect((await t.request('DELETE', `/api/bookings/${anns.id}`, { as: ann })).status).toBe(200);
    const expiresAt = (await t.request('GET', `/api/bookings/${bens.id}`, { as: ben })).json.offerExpiresAt as string;
    // The sweep passes the seat on after the offer's ten minutes.
    t.clock.advance(11 * 60_000);
    await runJobsOnce(t.deps, null);
    expect((await t.request('GET', `/api/bookings/${bens.id}`, { as: ben })).json.status).toBe('cancelled');
    const at = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(expiresAt));

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, '/bookings', 'My bookings');
    const card = page.getByRole('article', { name: 'TT Offer I' });
    await card.getByText('The seat offered to you was not accepted in time').waitFor();
    expect(await card.innerText()).toContain('Offer expired');
    expect(await card.getByText(/the offer ran out at/).innerText()).toContain(at);
    await checkPage(page, 'My bookings, an offer that ran out');

    await tabTo(page, 'TT Offer I');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Booking: TT Offer I' }).waitFor();
    const said = page.getByText(/The seat offered to you was not accepted in time: the offer ran out at/);
    await said.waitFor();
    expect(await said.innerText()).toContain(at);
    await checkPage(page, 'booking page, an offer that ran out');
  });
});
