/**
 * The question asked before an office cancels a place (`/bookings/:id`), as an exploratory
 * tester found it: it always said "The seat will go to someone else", but a seat taken from the
 * seats held for a school goes back to that school's held seats, and a person waiting from
 * another school does not get it while the hold lasts. Now the question says so for a held seat
 * ("The seat goes back to the seats held for Elm Primary."), and keeps its words for any other;
 * both axe-clean. Cancelling the held seat does what the question said: the other school's
 * person is still waiting.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, newPage, plusMinutes, serverAndBrowser, signInTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('cancelling a place: where its seat goes', () => {
  const env = serverAndBrowser();

  it('a seat from a school’s held seats goes back to them; any other seat goes to someone else', async () => {
    const { t } = env.server;
    const elm = await t.org('Elm Primary');
    const ash = await t.org('Ash Academy');
    const office = await t.user('office', elm.id, 'Olu Office');
    const eve = await t.user('staff', elm.id, 'Eve Elm');
    const asha = await t.user('staff', ash.id, 'Asha Ash');
    const start = daysFromNow(5);
    // One seat, held for Elm Primary: Eve takes it from the hold, Asha (of another school) waits.
    const held = await t.session({ title: 'Held for Elm', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 1 } });
    expect((await t.request('PUT', `/api/sessions/${held.id}/holds`, { as: held.trainer, body: { orgId: elm.id, seat: 'online', seats: 1 } })).status).toBe(204);
    const eves = await t.request('POST', `/api/sessions/${held.id}/bookings`, { as: eve, body: {} });
    expect((await t.request('GET', `/api/bookings/${eves.json.id}`, { as: office })).json).toMatchObject({ status: 'confirmed', heldFor: elm.id, heldForName: 'Elm Primary' });
    const ashas = await t.request('POST', `/api/sessions/${held.id}/bookings`, { as: asha, body: {} });
    expect(ashas.json.status).toBe('waitlisted');
    // A seat of no hold.
    const open = await t.session({ title: 'Open to all', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 5 } });
    const plain = await t.request('POST', `/api/sessions/${open.id}/bookings`, { as: eve, body: {} });
    expect((await t.request('GET', `/api/bookings/${plain.json.id}`, { as: office })).json).toMatchObject({ status: 'confirmed', heldFor: null });

    const page = await newPage(env.browser, env.server);
    const question = page.getByRole('group', { name: 'Cancel booking' });

    await signInTo(page, office, `/bookings/${plain.json.id}`, 'Booking: Open to all');
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    expect((await question.locator('p').textContent())?.trim()).toBe('Cancel Eve Elm’s booking for “Open to all”? The seat will go to someone else.');
    await checkPage(page, 'the question before cancelling a seat of no hold');

    await page.goto(`/bookings/${eves.json.id}`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Held for Elm' }).waitFor();
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    expect((await question.locator('p').textContent())?.trim()).toBe('Cancel Eve Elm’s booking for “Held for Elm”? The seat goes back to the seats held for Elm Primary.');
    await checkPage(page, 'the question before cancelling a held seat');
    await question.getByRole('button', { name: 'Yes, cancel the booking' }).click();
    await page.getByRole('status').filter({ hasText: /cancelled/i }).waitFor();

    // As it said: the seat is Elm Primary's again, and Asha, of another school, still waits.
    expect((await t.request('GET', `/api/bookings/${ashas.json.id}`, { as: asha })).json.status).toBe('waitlisted');
    expect((await t.request('GET', `/api/bookings/${eves.json.id}`, { as: eve })).json.status).toBe('cancelled');
  });

  it('on a hybrid session, whose booking says when held seats are released: until then, and from then to someone else', async () => {
    const { t } = env.server;
    const elm = await t.org('Elm Primary');
    const office = await t.user('office', elm.id, 'Olu Office');
    const eve = await t.user('staff', elm.id, 'Eve Elm');
    const start = daysFromNow(5);
    const releaseAt = plusMinutes(start, -24 * 60);
    const s = await t.session({ title: 'Hybrid, held', mode: 'hybrid', venue: 'Main hall', startsAt: start, endsAt: plusMinutes(start, 60), holdsReleaseAt: releaseAt, capacity: { inPerson: 2, online: 2 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: elm.id, seat: 'in_person', seats: 1 } })).status).toBe(204);
    const eves = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: eve, body: { seat: 'in_person' } });
    expect((await t.request('GET', `/api/bookings/${eves.json.id}`, { as: office })).json).toMatchObject({ status: 'confirmed', heldFor: elm.id, session: { otherSeats: { holdsReleaseAt: releaseAt } } });

    const page = await newPage(env.browser, env.server);
    const question = page.getByRole('group', { name: 'Cancel booking' });
    await signInTo(page, office, `/bookings/${eves.json.id}`, 'Booking: Hybrid, held');
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    expect((await question.locator('p').textContent())?.trim()).toMatch(/^Cancel Eve Elm’s booking for “Hybrid, held”\? The seat goes back to the seats held for Elm Primary until \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)\.$/);
    await checkPage(page, 'the question before cancelling a held seat, with the holds’ release time');

    // Once the holds are released (by the server's clock, which the page keeps), the seat is anyone's.
    const now = t.clock.now().toISOString();
    t.clock.set(plusMinutes(releaseAt, 1));
    try {
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Booking: Hybrid, held' }).waitFor();
      await page.getByRole('button', { name: 'Cancel booking' }).click();
      expect((await question.locator('p').textContent())?.trim()).toBe('Cancel Eve Elm’s booking for “Hybrid, held”? The seat will go to someone else.');
    } finally {
      t.clock.set(now);
    }
  });
});
