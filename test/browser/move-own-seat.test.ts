/**
 * Changing between an online and an in-person seat of a hybrid session from the booking
 * itself, by keyboard at 320 CSS px, axe-clean: a member of staff on My bookings, and a
 * school office on its staff member's booking page (reached from Who is booked where). The
 * change is asked first, said in the page's status with focus where the other actions put
 * it; with no free seat of the other kind, a line says so instead of offering the change.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const hybrid = (title: string, capacity: { inPerson: number; online: number }) => ({ title, mode: 'hybrid', venue: 'Oak hall', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity });

describe.skipIf(!browserAvailable)('changing seat kind without cancelling', () => {
  const env = serverAndBrowser();

  it('a member of staff changes their in-person seat to an online one from My bookings, and back (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id, 'Asha Ahmed');
    const s = await t.session(hybrid('Sensory circuits', { inPerson: 2, online: 2 }));
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'in_person' } })).json;
    expect(booked).toMatchObject({ status: 'confirmed', seat: 'in_person' });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, staff, '/bookings', 'My bookings', { nav: 'My bookings' });
    const card = page.locator(`[data-booking="${booked.id}"]`);
    await activate(page, 'Change to an online seat: Sensory circuits');
    const question = card.getByText('Change your seat on “Sensory circuits” to an online seat?');
    await question.waitFor();
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'My bookings, asked before changing to an online seat');
    await activate(page, 'Yes, change to online');

    await page.getByRole('status').filter({ hasText: 'Your place on “Sensory circuits” is now an online seat.' }).waitFor();
    // The control pressed is still there, now offering the way back: focus stays on it (as on
    // the card's other actions, it moves only when what was pressed has gone).
    await expectFocused(page, 'button[aria-label="Change to an in-person seat: Sensory circuits"]');
    await card.getByText('Online (hybrid session)').waitFor();
    expect((await t.request('GET', `/api/bookings/${booked.id}`, { as: staff })).json).toMatchObject({ status: 'confirmed', seat: 'online' });
    await checkPage(page, 'My bookings, seat changed to online');

    await activate(page, 'Change to an in-person seat: Sensory circuits');
    await activate(page, 'Yes, change to in-person');
    await page.getByRole('status').filter({ hasText: 'Your place on “Sensory circuits” is now an in-person seat.' }).waitFor();
    await card.getByText('Oak hall').waitFor();
    expect((await t.request('GET', `/api/bookings/${booked.id}`, { as: staff })).json.seat).toBe('in_person');
  });

  it('a school office changes its staff member’s place from their booking page: told in words that no online seat is free while online is full, then a waiting place keeps its turn (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id, 'Wren Office');
    const bob = await t.user('staff', org.id, 'Bob Willow');
    const s = await t.session(hybrid('Zones of regulation', { inPerson: 1, online: 1 }));
    const book = async (who: typeof bob, seat: 'online' | 'in_person') => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: { seat } })).json;
    const seated = await book(bob, 'in_person');
    const onlineHolder = await t.user('staff');
    await book(onlineHolder, 'online');
    expect(seated).toMatchObject({ status: 'confirmed', seat: 'in_person' });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/office/bookings?from=${daysFromNow(6).slice(0, 10)}`);
    await activate(page, 'Manage the booking of Bob Willow for Zones of regulation');
    await page.getByRole('heading', { level: 1, name: 'Booking: Zones of regulation' }).waitFor();
    await page.getByRole('link', { name: 'Back to who is booked where' }).waitFor();
    // Online is full: said instead of offering a change that could only be refused (a change
    // refused because the seat went meanwhile: test/browser/seat-change-free.test.ts).
    await page.getByText('No online seats are free to Bob Willow now, so Bob Willow keeps their in-person seat. Check again later: one may come free.').waitFor();
    expect(await page.getByRole('button', { name: /Change to/ }).count()).toBe(0);
    expect((await t.request('GET', `/api/bookings/${seated.id}`, { as: bob })).json).toMatchObject({ status: 'confirmed', seat: 'in_person' });
    await checkPage(page, 'a staff member’s booking, no online seat free');

    // Bob gives his seat up and waits in person behind someone else; online has a queue too, joined later.
    expect((await t.request('DELETE', `/api/bookings/${seated.id}`, { as: bob })).status).toBe(200);
    await book(await t.user('staff'), 'in_person');
    const waiting = await book(bob, 'in_person');
    const later = await t.user('staff');
    const laterPlace = await book(later, 'online');
    expect([waiting.status, laterPlace.status]).toEqual(['waitlisted', 'waitlisted']);
    await page.goto(`/bookings/${waiting.id}?back=/office/bookings`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Zones of regulation' }).waitFor();
    await page.getByText('Bob Willow is 1st in the queue').waitFor();
    await activate(page, 'Change to an online seat: Zones of regulation, Bob Willow');
    await page.getByText('Wait for an online seat on “Zones of regulation” instead of an in-person seat? Bob Willow keeps their turn in the queue.').waitFor();
    await activate(page, 'Yes, change to online');
    await page.getByRole('status').filter({ hasText: 'Bob Willow is now waiting for an online seat on “Zones of regulation”, 1st in the queue. They keep their turn.' }).waitFor();
    await expectFocused(page, 'h1');
    expect((await t.request('GET', `/api/bookings/${waiting.id}`, { as: bob })).json).toMatchObject({ status: 'waitlisted', seat: 'online', position: 1 });
    expect((await t.request('GET', `/api/bookings/${laterPlace.id}`, { as: later })).json.position).toBe(2);
    await checkPage(page, 'a staff member’s waiting place, changed to the online queue');
  });
});
