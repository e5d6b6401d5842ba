/**
 * Once a hybrid session's booking cut-off has passed, its person and their school office may
 * no longer change the seat kind (the cut-off froze the numbers; its trainer still may): My
 * bookings says so in a line where "Change to … seat" was, with when booking closed, and does
 * not offer the button. A cut-off brought forward while a page is open refuses the change in
 * the server's words, where the page says other refusals, and nothing changes. Keyboard only,
 * 320 CSS px, axe-clean.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../web/src/format.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const hybrid = (title: string) => ({ title, mode: 'hybrid', venue: 'Oak hall', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity: { inPerson: 2, online: 2 } });

describe.skipIf(!browserAvailable)('changing seat kind after the booking cut-off', () => {
  const env = serverAndBrowser();
  // One server for the file: each test starts with its clock at the real time (a test moves it on).
  beforeEach(() => env.server.t.clock.set(new Date().toISOString()));

  it('My bookings says the seat can no longer be changed, and when booking closed, instead of offering the change (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id, 'Asha Ahmed');
    const closesAt = daysFromNow(3);
    const s = await t.session({ ...hybrid('Sensory circuits'), bookingClosesAt: closesAt });
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'in_person' } })).json;
    expect(booked).toMatchObject({ status: 'confirmed', seat: 'in_person' });
    t.clock.set(daysFromNow(4));

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/bookings', 'My bookings', { nav: 'My bookings' });
    const card = page.locator(`[data-booking="${booked.id}"]`);
    await card.getByText(`The seat can no longer be changed here, because booking closed on ${formatDateTime(closesAt)}. The session’s trainer can still move you to an online seat.`).waitFor();
    expect(await card.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    // What else the place allows is still there.
    await tabTo(page, /^Cancel booking/);
    await checkPage(page, 'My bookings, a hybrid session’s seat after its booking cut-off');
  });

  it('a school office on its staff member’s booking page: a cut-off brought forward while it is open refuses the change in the server’s words, and nothing changes (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id, 'Wren Office');
    const bob = await t.user('staff', org.id, 'Bob Willow');
    const s = await t.session({ ...hybrid('Zones of regulation'), bookingClosesAt: daysFromNow(3) });
    const seated = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: bob, body: { seat: 'in_person' } })).json;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/bookings/${seated.id}?back=/office/bookings`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Zones of regulation' }).waitFor();
    await activate(page, 'Change to an online seat: Zones of regulation, Bob Willow');
    await page.getByText('Change Bob Willow’s seat on “Zones of regulation” to an online seat?').waitFor();

    // Meanwhile the trainer closes booking an hour ago, to fix the numbers for the room.
    const closedAt = plusMinutes(t.clock.now().toISOString(), -60);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { bookingClosesAt: closedAt } })).status).toBe(200);
    await activate(page, 'Yes, change to online');
    const refusal = page.getByRole('alert').filter({ hasText: 'so seats can no longer be changed here. The session’s trainer can still move Bob Willow to an online seat: ask them.' });
    await refusal.waitFor();
    await expectFocused(page, '[role="alert"]');
    // The page now shows how things are: the line in the button's place.
    await page.getByText(`The seat can no longer be changed here, because booking closed on ${formatDateTime(closedAt)}. The session’s trainer can still move Bob Willow to an online seat.`).waitFor();
    expect(await page.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    expect((await t.request('GET', `/api/bookings/${seated.id}`, { as: bob })).json).toMatchObject({ status: 'confirmed', seat: 'in_person' });
    expect(await t.mails('seat_changed')).toHaveLength(0);
    await checkPage(page, 'a staff member’s booking, change of seat refused after the cut-off');
  });

  it('on My bookings, a cut-off brought forward while it is open: the refusal is said in the page’s status, which takes focus, and the line takes the button’s place', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id, 'Dev Desai');
    const s = await t.session(hybrid('Colourful semantics'));
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/bookings', 'My bookings');
    await activate(page, 'Change to an in-person seat: Colourful semantics');
    const closedAt = plusMinutes(t.clock.now().toISOString(), -30);
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { bookingClosesAt: closedAt } })).status).toBe(200);
    await activate(page, 'Yes, change to in-person');
    await page.getByRole('status').filter({ hasText: 'so seats can no longer be changed here. The session’s trainer can still move you to an in-person seat: ask them.' }).waitFor();
    await expectFocused(page, '#bookings-status');
    await page.locator(`#booking-${booked.id}-seats-frozen`).waitFor();
    expect(await page.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    expect((await t.request('GET', `/api/bookings/${booked.id}`, { as: staff })).json).toMatchObject({ status: 'confirmed', seat: 'online' });
    await checkPage(page, 'My bookings, change of seat refused after the cut-off');
  });

  it('the cut-off passing while My bookings is open takes the change away, and focus on it goes to the line saying why', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id, 'Cara Cole');
    const s = await t.session(hybrid('Attention autism'));
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json;
    // The server's clock stands still; the page's runs on from it, so the cut-off comes in a few seconds.
    const closesAt = new Date(t.clock.now().getTime() + 8_000).toISOString();
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: s.trainer, body: { bookingClosesAt: closesAt } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/bookings', 'My bookings');
    await tabTo(page, 'Change to an in-person seat: Attention autism');
    const line = page.locator(`#booking-${booked.id}-seats-frozen`);
    await line.waitFor({ timeout: 15_000 });
    await expectFocused(page, `#booking-${booked.id}-seats-frozen`);
    expect(await line.textContent()).toContain('The session’s trainer can still move you to an in-person seat.');
    t.clock.set(plusMinutes(closesAt, 1));
    await checkPage(page, 'My bookings, the cut-off passed while open');
  });
});
