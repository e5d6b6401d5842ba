/**
 * Changing between an in-person and an online seat of a hybrid session, told before pressing
 * whether a seat of the other kind is free: with none free to the person, a line says so (and
 * that they keep their seat, or the seat offered to them) where "Change to … seat" was. A
 * change refused anyway (the seat taken meanwhile) says "you" to the person and names them to
 * their office, says what to do, is said where the page says its other results and takes focus.
 * A queue place changed to a kind with a seat free is told it gets that seat (offered until a
 * time under the offer policy, or confirmed) and, after, what it has. Keyboard only, 320 CSS
 * px, axe-clean.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../web/src/format.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const hybrid = (title: string, capacity: { inPerson: number; online: number }, more: Record<string, unknown> = {}) => ({ title, mode: 'hybrid', venue: 'Oak hall', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity, ...more });

describe.skipIf(!browserAvailable)('changing seat kind: whether a seat of the other kind is free', () => {
  const env = serverAndBrowser();
  // One server for the file: each test starts with its clock at the real time, on the minute
  // (an offer's expiry, worked out by the page as the server will, then falls in the same minute).
  beforeEach(() => env.server.t.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString()));

  it('My bookings: with both kinds full, a line says no online seat is free and the seat is kept (a seat, and an offered seat), instead of offering the change (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const ben = await t.user('staff', org.id, 'Ben Evans');
    const s = await t.session(hybrid('Zones of regulation', { inPerson: 1, online: 1 }));
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: { seat: 'in_person' } })).json;
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff'), body: { seat: 'online' } });
    // An offered seat on another session whose online seats are full too.
    const s2 = await t.session(hybrid('Attention autism', { inPerson: 1, online: 1 }, { waitlistPolicy: 'offer', offerHoldMinutes: 120 }));
    const first = await t.user('staff');
    const firstPlace = (await t.request('POST', `/api/sessions/${s2.id}/bookings`, { as: first, body: { seat: 'in_person' } })).json;
    await t.request('POST', `/api/sessions/${s2.id}/bookings`, { as: await t.user('staff'), body: { seat: 'online' } });
    const waiting = (await t.request('POST', `/api/sessions/${s2.id}/bookings`, { as: ben, body: { seat: 'in_person' } })).json;
    expect((await t.request('DELETE', `/api/bookings/${firstPlace.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${waiting.id}`, { as: ben })).json.status).toBe('offered');

    // Empty online seats, all held for another school: not free to Ben, and the line says why.
    const s3 = await t.session(hybrid('Intensive interaction', { inPerson: 2, online: 1 }, { holdsReleaseAt: daysFromNow(5) }));
    expect((await t.request('PUT', `/api/sessions/${s3.id}/holds`, { as: s3.trainer, body: { orgId: (await t.org('Hilltop Academy')).id, seat: 'online', seats: 1 } })).status).toBe(204);
    const heldPlace = (await t.request('POST', `/api/sessions/${s3.id}/bookings`, { as: ben, body: { seat: 'in_person' } })).json;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, '/bookings', 'My bookings', { nav: 'My bookings' });
    await page.locator(`[data-booking="${heldPlace.id}"]`).getByText(`No online seats are free to you now (the 1 empty seat is held for another school until ${formatDateTime(daysFromNow(5))}), so you keep your in-person seat. Check again later: one may come free.`).waitFor();
    const card = page.locator(`[data-booking="${booked.id}"]`);
    await card.getByText('No online seats are free to you now, so you keep your in-person seat. Check again later: one may come free.').waitFor();
    await page.locator(`[data-booking="${waiting.id}"]`).getByText('No online seats are free to you now, so you keep the in-person seat offered to you. Check again later: one may come free.').waitFor();
    expect(await page.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    // What else the places allow is still there, by keyboard.
    await tabTo(page, 'Accept seat: Attention autism');
    await tabTo(page, /^Cancel booking/);
    await checkPage(page, 'My bookings, no seat of the other kind free');
  });

  it('My bookings: an online seat free on loading but taken before "Yes": the refusal says "you" and what to do, in the page’s status, which takes focus; the line then takes the button’s place (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const ben = await t.user('staff', (await t.org()).id, 'Ben Evans');
    const s = await t.session(hybrid('Sensory circuits', { inPerson: 1, online: 1 }));
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: { seat: 'in_person' } })).json;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, '/bookings', 'My bookings');
    await activate(page, 'Change to an online seat: Sensory circuits');
    await page.getByText('Change your seat on “Sensory circuits” to an online seat? One is free to you now.').waitFor();
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff'), body: { seat: 'online' } });
    await activate(page, 'Yes, change to online');
    await page.locator('#bookings-status').filter({ hasText: 'There is no free online seat for you now, so you keep your in-person seat: nothing has changed. Check again later, as a seat may come free.' }).waitFor();
    await expectFocused(page, '#bookings-status');
    await page.locator(`[data-booking="${booked.id}"]`).getByText('No online seats are free to you now, so you keep your in-person seat.').waitFor();
    expect(await page.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    expect((await t.request('GET', `/api/bookings/${booked.id}`, { as: ben })).json).toMatchObject({ status: 'confirmed', seat: 'in_person' });
    await checkPage(page, 'My bookings, change of seat refused: the seat was taken meanwhile');
  });

  it('a school office on its staff member’s booking page: the line names them; a seat taken before "Yes" is refused by name, said at the top of the booking (not below its calendar links), focused (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id, 'Wren Office');
    const bob = await t.user('staff', org.id, 'Bob Willow');
    const full = await t.session(hybrid('Zones of regulation', { inPerson: 1, online: 1 }));
    const fullPlace = (await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: bob, body: { seat: 'in_person' } })).json;
    await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: await t.user('staff'), body: { seat: 'online' } });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/bookings/${fullPlace.id}?back=/office/bookings`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Zones of regulation' }).waitFor();
    await page.getByText('No online seats are free to Bob Willow now, so Bob Willow keeps their in-person seat. Check again later: one may come free.').waitFor();
    expect(await page.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    await checkPage(page, 'a staff member’s booking, no online seat free');

    const s = await t.session(hybrid('Sensory circuits', { inPerson: 1, online: 1 }));
    const seated = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: bob, body: { seat: 'in_person' } })).json;
    await page.goto(`/bookings/${seated.id}?back=/office/bookings`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Sensory circuits' }).waitFor();
    await activate(page, 'Change to an online seat: Sensory circuits, Bob Willow');
    await page.getByText('Change Bob Willow’s seat on “Sensory circuits” to an online seat? One is free to Bob Willow now.').waitFor();
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff'), body: { seat: 'online' } });
    await activate(page, 'Yes, change to online');
    const refusal = page.getByRole('alert').filter({ hasText: 'There is no free online seat for Bob Willow now, so Bob Willow keeps their in-person seat: nothing has changed. Check again later, as a seat may come free.' });
    await refusal.waitFor();
    await expectFocused(page, '[role="alert"]');
    // Said where the page says what was done (under its heading), before the booking's own facts and links.
    const order = await page.evaluate(() => {
      const alert = [...document.querySelectorAll('[role="alert"]')].find((e) => e.textContent?.includes('There is no free online seat'))!;
      const facts = document.querySelector('.booking-status')!;
      return alert.compareDocumentPosition(facts) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    await page.getByText('No online seats are free to Bob Willow now, so Bob Willow keeps their in-person seat.').waitFor();
    expect((await t.request('GET', `/api/bookings/${seated.id}`, { as: bob })).json).toMatchObject({ status: 'confirmed', seat: 'in_person' });
    await checkPage(page, 'a staff member’s booking, change of seat refused: the seat was taken meanwhile');
  });

  it('a queue place with an online seat free: asked to take it, told it will be offered until a time (offer policy), and after, that it was offered and until when (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const chloe = await t.user('staff', (await t.org()).id, 'Chloe Clark');
    const s = await t.session(hybrid('Sensory circuits', { inPerson: 1, online: 1 }, { waitlistPolicy: 'offer', offerHoldMinutes: 30 }));
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff'), body: { seat: 'in_person' } });
    const waiting = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: chloe, body: { seat: 'in_person' } })).json;
    expect(waiting.status).toBe('waitlisted');
    const until = formatDateTime(plusMinutes(t.clock.now().toISOString(), 30));

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, chloe, '/bookings', 'My bookings');
    await activate(page, 'Change to an online seat: Sensory circuits');
    await page.getByText(`An online seat is free to you on “Sensory circuits” now. Change to it, and leave the queue for an in-person seat? It will be offered to you and held until ${until}: accept it by then, or it goes to the next person.`).waitFor();
    expect(await page.getByText('You keep your turn in the queue').count()).toBe(0);
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'My bookings, asked before taking a free online seat from the queue');
    await activate(page, 'Yes, change to online');
    await page.getByRole('status').filter({ hasText: `You have been offered an online seat on “Sensory circuits”: accept it by ${until}, or it goes to the next person.` }).waitFor();
    expect(await page.getByText('still held').count()).toBe(0);
    const now = (await t.request('GET', `/api/bookings/${waiting.id}`, { as: chloe })).json;
    expect(now).toMatchObject({ status: 'offered', seat: 'online' });
    expect(formatDateTime(now.offerExpiresAt)).toBe(until);
    await tabTo(page, 'Accept seat: Sensory circuits');
    await checkPage(page, 'My bookings, offered an online seat after leaving the in-person queue');
  });

  it('a school office moves a waiting staff member to a kind with a seat free (confirmed at once): asked so, and told they now have it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id, 'Wren Office');
    const dev = await t.user('staff', org.id, 'Dev Desai');
    const s = await t.session(hybrid('Colourful semantics', { inPerson: 1, online: 2 }));
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff'), body: { seat: 'in_person' } });
    const waiting = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: dev, body: { seat: 'in_person' } })).json;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/bookings/${waiting.id}?back=/office/bookings`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Colourful semantics' }).waitFor();
    await activate(page, 'Change to an online seat: Colourful semantics, Dev Desai');
    await page.getByText('An online seat is free to Dev Desai on “Colourful semantics” now. Change to it, and leave the queue for an in-person seat? Dev Desai will have it at once, and the booking will be confirmed.').waitFor();
    await activate(page, 'Yes, change to online');
    await page.getByRole('status').filter({ hasText: 'Dev Desai now has an online seat on “Colourful semantics”: the booking is confirmed.' }).waitFor();
    await expectFocused(page, 'h1');
    expect((await t.request('GET', `/api/bookings/${waiting.id}`, { as: dev })).json).toMatchObject({ status: 'confirmed', seat: 'online' });
    await checkPage(page, 'a staff member’s waiting place, changed to a free online seat');
  });
});
