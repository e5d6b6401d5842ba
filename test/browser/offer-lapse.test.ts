import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, signIn, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

/**
 * A member of staff leaves My bookings (or the session page) open on an offered seat and
 * comes back after the offer has lapsed: the page must stop offering "Accept seat" (the
 * server refuses it, 409 not_offered) and say the offer has expired, not that the seat is
 * held "until" a time already gone.
 */
describe.skipIf(!browserAvailable)('an offered seat that lapses while the page is open', () => {
  const env = serverAndBrowser();

  it('My bookings and the session page stop offering Accept once the offer has expired (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const other = await t.user('staff', org.id);
    const s = await t.session({ title: 'Lapsing offer', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 5 });
    const book = async (who: typeof me) => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(other);
    const mine = await book(me);
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: other })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signIn(page, me);
    await page.goto('/bookings');
    const card = page.getByRole('article', { name: 'Lapsing offer' });
    await card.getByText(/held for you until/).waitFor();
    await card.getByRole('button', { name: /Accept seat/ }).waitFor();

    // Six minutes later (the browser's clock and the server's), the sweep not yet come.
    t.clock.advance(6 * 60_000);
    await page.clock.runFor(6 * 60_000);
    // The server refuses the offer now:
    const refused = await t.request('POST', `/api/bookings/${mine.id}/accept`, { as: me });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('not_offered');

    await card.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    expect(await card.getByRole('button', { name: /Accept seat/ }).count()).toBe(0);
    expect(await card.innerText()).not.toMatch(/held for you until/);
    await checkPage(page, 'My bookings, offer lapsed');

    // The session page, opened afresh by keyboard, says the same.
    await tabTo(page, 'Lapsing offer');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Lapsing offer' }).waitFor();
    await page.getByText(/This offer expired at/).waitFor();
    expect(await page.getByRole('button', { name: /Accept seat/ }).count()).toBe(0);
    await checkPage(page, 'session page, offer lapsed');
  });

  it('the session page left open on an offer that lapses lets the person join the queue again at once, before the sweep (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const [me, other, next] = [await t.user('staff', org.id), await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Lapse then rejoin', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 5 });
    const book = async (who: typeof me) => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(other);
    const mine = await book(me);
    expect((await book(next)).position).toBe(2);
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: other })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signIn(page, me);
    await page.goto(`/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'Lapse then rejoin' }).waitFor();
    await page.getByRole('button', { name: /Accept seat/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Join the waitlist' }).count()).toBe(0);

    // Six minutes later, the sweep not yet come: the offer is still `offered` on the server.
    t.clock.advance(6 * 60_000);
    await page.clock.runFor(6 * 60_000);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');
    await page.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    expect(await page.getByRole('button', { name: /Accept seat/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Join the waitlist' }).waitFor({ timeout: 3000 });
    await checkPage(page, 'session page, offer lapsed, joining again');

    await tabTo(page, 'Join the waitlist');
    await page.keyboard.press('Enter');
    // The seat went to the next person in the queue; I am at its back now.
    await page.getByRole('status').filter({ hasText: 'You joined the waitlist. You are number 1 in the queue for online seats.' }).waitFor();
    await page.getByText('you are 1st in the queue').waitFor();
    expect(await page.getByText(/This offer expired at/).count()).toBe(0);
    const statuses = (await t.request('GET', '/api/me/bookings', { as: me })).json.items.filter((b: { sessionId: string }) => b.sessionId === s.id).map((b: { status: string }) => b.status);
    expect(statuses.sort()).toEqual(['cancelled', 'waitlisted']);
    expect((await t.request('GET', `/api/bookings/${(await t.request('GET', '/api/me/bookings', { as: next })).json.items.find((b: { sessionId: string }) => b.sessionId === s.id).id}`, { as: next })).json.status).toBe('offered');
  });
});
