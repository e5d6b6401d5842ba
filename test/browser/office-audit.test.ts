/**
 * School office staff, keyboard only at 320 px: the seat holds page of a session whose held
 * seats have been released (booking has closed) says so and offers no hold the server refuses;
 * giving a hold back still works and its message takes focus.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signIn, signInAt, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('office staff: seat holds once released', () => {
  const env = serverAndBrowser();

  it('says the held seats were released, offers no new hold, and still gives one back', async () => {
    const { t } = env.server;
    const org = await t.org('Riverside Academy');
    const office = await t.user('office', org.id, 'Olu Office');
    await t.user('staff', org.id, 'Bea Brown');
    await t.user('staff', org.id, 'Cai Jones');
    const s = await t.session({ title: 'Held seats', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 90), capacity: { online: 6 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: org.id, seat: 'online', seats: 1 } })).status).toBe(204);
    // Booking closed yesterday: held seats are open to anyone now.
    await t.db.updateTable('sessions').set({ booking_closes_at: daysFromNow(-1), booking_ends_at: daysFromNow(-1) }).where('id', '=', s.id).execute();
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: org.id, seat: 'online', seats: 2 } })).status).toBe(409);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Held seats' }).waitFor();
    await page.getByText(/Held seats on this session were released on .*: they are open to anyone now, so no more seats can be held on it\./).waitFor({ timeout: 3000 });
    // No form whose every save the server refuses.
    expect(await page.getByRole('button', { name: 'Save hold' }).count()).toBe(0);
    expect(await page.getByText(/Held seats are kept for your staff until/).count()).toBe(0);
    await checkPage(page, 'holds page, held seats released (320 px)');

    await activate(page, 'Release the online hold for Riverside Academy');
    await activate(page, 'Yes, release it');
    await page.getByText('Hold for Riverside Academy released.').waitFor();
    await expectFocused(page, '#holds-status');
    await page.getByText('No seats are held for your school on this session.').waitFor();
    await checkPage(page, 'holds page after giving the hold back (320 px)');
  });

  it('an office gives up a seat offered to one of its staff (off sick, say), asked first; the seat passes on and the person is told (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Offer Sick School');
    const office = await t.user('office', org.id);
    const [first, sick, next] = [await t.user('staff', org.id, 'Fay First'), await t.user('staff', org.id, 'Sid Sick'), await t.user('staff', org.id, 'Nia Next')];
    const s = await t.session({ title: 'Offer given up by the office', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 600 });
    const book = async (who: typeof first) => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(first);
    const offer = await book(sick);
    const later = await book(next);
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${offer.id}`, { as: sick })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/bookings/${offer.id}`);
    const name = `Give up the offered seat: ${sick.name}, ${s.title}`;
    await page.getByRole('button', { name }).waitFor();
    // Only Sid may take or turn down the offer.
    expect(await page.getByRole('button', { name: /Accept seat/ }).count()).toBe(0);
    await activate(page, name);
    await page.getByText(`Give up the seat offered to ${sick.name} on “${s.title}”? It goes to the next person on the waitlist, and ${sick.name} is told by email.`).waitFor();
    await checkPage(page, 'office: asked before giving up an offered seat (320 px)');
    await activate(page, 'Yes, give it up');
    await page.getByRole('status').filter({ hasText: `The seat offered to ${sick.name} on “${s.title}” has been given up. It passes to the next person waiting.` }).waitFor();
    expect((await t.request('GET', `/api/bookings/${offer.id}`, { as: sick })).json.status).toBe('cancelled');
    expect((await t.request('GET', `/api/bookings/${later.id}`, { as: next })).json.status).toBe('offered');
    expect((await t.mails('cancelled')).map((m) => m.to_email)).toContain(sick.email);
    await checkPage(page, 'office: an offered seat given up (320 px)');
  });
});
