import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers.js';
import { activate, bookBeforeStart, browserAvailable, checkPage, expectFocused, daysFromNow, expectNoAxeViolations, NARROW, newPage, plusMinutes, settled, signInAt, signInTo, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('booking and my bookings', () => {
  const env = serverAndBrowser();

  it('books a seat and joins a waitlist with the keyboard alone (Tab and Enter), the result announced', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const [a, b] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const open = await t.session({ title: 'Keyboard open session', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 3 } });
    const full = await t.session({ title: 'Keyboard full session', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 1 } });
    await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: a, body: {} });
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: b, body: {} })).json).toMatchObject({ status: 'waitlisted', position: 1 });

    const page = await newPage(env.browser, env.server);
    await page.goto('/signin');
    await tabTo(page, 'Email address');
    await page.keyboard.type(me.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();

    // Focus starts on the new page's heading; the skip link (first in the page) moves focus to the main content.
    await expectFocused(page, 'h1');
    await tabTo(page, 'Skip to main content', { back: true });
    await page.keyboard.press('Enter');
    await expectFocused(page, '#main');

    await tabTo(page, 'Keyboard open session');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard open session' }).waitFor();
    await expectFocused(page, 'h1');
    await tabTo(page, 'Book a seat');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    await expectFocused(page, '#your-place-title');
    await page.getByText('Confirmed', { exact: true }).waitFor();
    await expectNoAxeViolations(page, 'session page after booking');

    await tabTo(page, 'Back to all sessions', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await tabTo(page, 'Keyboard full session');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard full session' }).waitFor();
    await tabTo(page, 'Join the waitlist');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'You joined the waitlist. You are number 2 in the queue for online seats.' }).waitFor();
    await page.getByText('you are 2nd in the queue').waitFor();

    const mine = (await t.request('GET', '/api/me/bookings', { as: me })).json.items;
    expect(mine.map((x: { sessionId: string; status: string; position: number | null }) => [x.sessionId, x.status, x.position])).toEqual([
      [open.id, 'confirmed', null],
      [full.id, 'waitlisted', 2],
    ]);
  });

  it('a booking whose answer was lost on the way (connection reset after the server booked) is retried with the same Idempotency-Key: booked once, and the page says so', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Dropped answer session', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 3 } });
    const page = await newPage(env.browser, env.server);
    await signInAt(page, me);
    const keys: string[] = [];
    let dropped = false;
    await page.route(`**/api/sessions/${s.id}/bookings`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (dropped) return route.continue();
      dropped = true;
      // The server gets the request and books; the browser never sees the answer.
      const answer = await route.fetch();
      expect(answer.status()).toBe(201);
      await route.abort('connectionreset');
    });
    await page.goto(`/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'Dropped answer session' }).waitFor();
    await page.getByRole('button', { name: 'Book a seat' }).click();
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    const mine = (await t.request('GET', '/api/me/bookings', { as: me })).json.items;
    expect(mine.map((b: { sessionId: string; status: string }) => [b.sessionId, b.status])).toEqual([[s.id, 'confirmed']]);
    await expectNoAxeViolations(page, 'session page after a retried booking');
  });

  it('the service briefly busy (503 database_busy, Retry-After) when booking: the page tries again by itself with the same Idempotency-Key and books once; still busy after three tries, it says so and nothing is booked (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Launch morning session', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 3 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'Launch morning session' }).waitFor();
    // What the service answers when its database is busy (server/errors.ts), in place of the service.
    let busyFor = 3;
    const keys: string[] = [];
    await page.route(`**/api/sessions/${s.id}/bookings`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (busyFor-- > 0) return route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify({ error: { code: 'database_busy', message: 'The service is busy. Please try again in a moment.' } }) });
      return route.continue();
    });
    // Busy three times running: the page stops trying, says so, and nothing is booked.
    await tabTo(page, 'Book a seat');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'The service is busy. Please try again in a moment.' }).waitFor();
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect((await t.request('GET', '/api/me/bookings', { as: me })).json.items).toEqual([]);
    await checkPage(page, 'session page after the service stayed busy');
    // Busy once: pressed again, the second try books, and the page says so as usual.
    busyFor = 1;
    keys.length = 0;
    await tabTo(page, 'Book a seat');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    const mine = (await t.request('GET', '/api/me/bookings', { as: me })).json.items;
    expect(mine.map((b: { sessionId: string; status: string }) => [b.sessionId, b.status])).toEqual([[s.id, 'confirmed']]);
    await checkPage(page, 'session page booked after the service was busy');
  });

  it('a queue place on a session under way keeps its place until the end, and a seat given up then goes to it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const first = await t.user('staff', org.id, 'Fay First');
    const me = await t.user('staff', org.id, 'Quinn Queue');
    // The server's clock (the page follows it): set when this file's server started.
    const now = t.clock.now().getTime();
    // An hour, 75% to attend, begun 20 minutes ago: booking is open until the end, and so the queue moves until then.
    const s = await t.session({ title: 'Queue under way', startsAt: new Date(now - 20 * 60_000).toISOString(), endsAt: new Date(now + 40 * 60_000).toISOString(), capacity: { online: 1 } });
    const seat = await bookBeforeStart(t, s, first);
    expect(seat.json.status).toBe('confirmed');
    const queued = await bookBeforeStart(t, s, me);
    expect(queued.json.status).toBe('waitlisted');
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: me })).json.session.queueEndsAt).toBe(s.endsAt);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, me, '/bookings', 'My bookings', { nav: 'My bookings' });
    const card = (title: string) => page.getByRole('article', { name: title });
    await card('Queue under way').getByText('You are 1st in the queue').waitFor();
    expect(await card('Queue under way').getByText(/No seat will be offered/).count()).toBe(0);
    await tabTo(page, /^Leave waitlist/);
    await checkPage(page, 'my bookings with a queue place on a session under way (320 px)');
    // Fay gives up her seat: it goes to Quinn, first in the queue, not to whoever books next.
    expect((await t.request('DELETE', `/api/bookings/${seat.json.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${queued.json.id}`, { as: me })).json.status).toBe('confirmed');
    await page.reload();
    await card('Queue under way').getByText(/Confirmed|Booked/).first().waitFor();
  });

  it('my bookings: shows status, queue place and offer expiry; accepts and declines offers, leaves a waitlist, cancels a booking', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const other = await t.user('staff', org.id);
    const confirmed = await t.session({ title: 'Cancel me', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60) });
    const queued = await t.session({ title: 'Queue for me', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 1 } });
    const offered = await t.session({ title: 'Offer to me', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer' });
    const book = async (sessionId: string, who = me) => (await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: who, body: {} })).json;
    const mineConfirmed = await book(confirmed.id);
    await book(queued.id, other);
    const mineQueued = await book(queued.id);
    const othersSeat = await book(offered.id, other);
    const mineOffered = await book(offered.id);
    const declined = await t.session({ title: 'Decline me', startsAt: daysFromNow(11), endsAt: plusMinutes(daysFromNow(11), 60), capacity: { online: 1 }, waitlistPolicy: 'offer' });
    const othersSecondSeat = await book(declined.id, other);
    const mineToDecline = await book(declined.id);
    await t.request('DELETE', `/api/bookings/${othersSecondSeat.id}`, { as: other });
    expect((await t.request('DELETE', `/api/bookings/${othersSeat.id}`, { as: other })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mineOffered.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server);
    await signInTo(page, me, '/bookings', 'My bookings', { nav: 'My bookings' });
    const card = (title: string) => page.getByRole('article', { name: title });
    await card('Offer to me').getByText(/held for you until/).waitFor();
    expect(await card('Queue for me').innerText()).toContain('You are 1st in the queue');
    expect(await card('Cancel me').getByRole('link', { name: /Download the invite/ }).getAttribute('href')).toBe(`/api/bookings/${mineConfirmed.id}/invite.ics`);
    // A waiting place has nothing to put in a calendar yet.
    expect(await card('Queue for me').getByRole('link', { name: /Download the invite|Google|Outlook/ }).count()).toBe(0);
    await expectNoAxeViolations(page, 'my bookings');

    // "Add to calendar" downloads the invite.
    const [download] = await Promise.all([page.waitForEvent('download'), card('Cancel me').getByRole('link', { name: /Download the invite/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cancel-me-\d{4}-\d{2}-\d{2}\.ics$/);
    const chunks: Buffer[] = [];
    for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toContain('BEGIN:VCALENDAR');

    await card('Offer to me').getByRole('button', { name: /Accept seat/ }).click();
    await page.getByRole('status').filter({ hasText: 'Seat accepted' }).waitFor();
    await card('Offer to me').getByText('Confirmed', { exact: true }).waitFor();

    await card('Decline me').getByRole('button', { name: 'Decline offer' }).click();
    await card('Decline me').getByRole('button', { name: 'Yes, decline the seat' }).click();
    await page.getByRole('status').filter({ hasText: 'Offer declined for “Decline me”.' }).waitFor();

    await card('Queue for me').getByRole('button', { name: 'Leave waitlist' }).click();
    await expectFocused(page, '.confirm p');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('You will lose your place');
    await expectNoAxeViolations(page, 'my bookings, confirming');
    await card('Queue for me').getByRole('button', { name: 'Yes, leave the waitlist' }).click();
    await page.getByRole('status').filter({ hasText: 'You left the waitlist for “Queue for me”.' }).waitFor();

    await card('Cancel me').getByRole('button', { name: 'Cancel booking' }).click();
    await card('Cancel me').getByRole('button', { name: 'Yes, cancel my booking' }).click();
    await page.getByRole('status').filter({ hasText: 'Booking cancelled for “Cancel me”.' }).waitFor();
    await page.getByRole('region', { name: 'Cancelled and past' }).getByRole('article', { name: 'Cancel me' }).waitFor();
    await expectNoAxeViolations(page, 'my bookings after changes');

    const status = async (id: string) => (await t.request('GET', `/api/bookings/${id}`, { as: me })).json.status;
    expect([await status(mineConfirmed.id), await status(mineQueued.id), await status(mineOffered.id), await status(mineToDecline.id)]).toEqual(['cancelled', 'cancelled', 'confirmed', 'cancelled']);
  });

  it('my bookings: an accepted offer, a cancelled booking and a waitlist left show their new status, and only the actions they now allow, at once (the server’s answer), while the list is read again (held back, then failing); focus goes to the card’s heading, not <body> (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const other = await t.user('staff', org.id);
    const s = await t.session({ title: 'Offered, then cancelled', startsAt: daysFromNow(12), endsAt: plusMinutes(daysFromNow(12), 60), capacity: { online: 1 }, waitlistPolicy: 'offer' });
    const kept = await t.session({ title: 'Kept all along', startsAt: daysFromNow(13), endsAt: plusMinutes(daysFromNow(13), 60) });
    const queue = await t.session({ title: 'Queue I leave', startsAt: daysFromNow(14), endsAt: plusMinutes(daysFromNow(14), 60), capacity: { online: 1 } });
    const book = async (sessionId: string, who = me) => (await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(s.id, other);
    const mine = await book(s.id);
    expect(mine.status).toBe('waitlisted');
    expect((await book(kept.id)).status).toBe('confirmed');
    expect((await book(queue.id, other)).status).toBe('confirmed');
    const queued = await book(queue.id);
    expect(queued.status).toBe('waitlisted');
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: other })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, me, '/bookings', 'My bookings', { nav: 'My bookings' });
    const current = page.getByRole('region', { name: 'Current bookings and waitlist places' });
    const past = page.getByRole('region', { name: 'Cancelled and past' });
    const offer = current.getByRole('article', { name: 'Offered, then cancelled' });
    await offer.getByText(/held for you until/).waitFor();
    await current.getByRole('article', { name: 'Kept all along' }).waitFor();
    await current.getByRole('article', { name: 'Queue I leave' }).getByText('You are 1st in the queue').waitFor();

    // From here the list's reloads (GET /api/me/bookings, which follow each action) are held
    // back until `release()`, then fail (a 500). Before the fix the card kept its old status and
    // buttons until the reload came back (for good when it failed), and pressing again was refused.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reloadsFail = false;
    let reloads = 0;
    await page.route((u) => u.pathname === '/api/me/bookings', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      reloads++;
      if (reloadsFail) return route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) });
      await held;
      await route.continue();
    });
    try {
      // Accept: the card says Confirmed and offers "Cancel booking" (not Accept or Decline) straight away.
      await activate(page, /^Accept seat/);
      await page.getByRole('status').filter({ hasText: 'Seat accepted: your place on “Offered, then cancelled” is confirmed.' }).waitFor();
      await expect.poll(() => reloads).toBe(1);
      await offer.getByText('Confirmed', { exact: true }).waitFor({ timeout: 3000 });
      expect(await offer.getByText(/held for you until/).count()).toBe(0);
      expect(await offer.getByRole('button', { name: /Accept seat|Decline offer/ }).count()).toBe(0);
      // The Accept button went: focus is on the card's heading, where its new state is read from.
      await expectFocused(page, `#booking-${mine.id}-title`);
      await checkPage(page, 'my bookings: offer accepted, the list not yet back');

      // Cancel, the list still not back: the card moves to "Cancelled and past" at once, with no "Cancel booking" left to press.
      await activate(page, /^Cancel booking/);
      await expectFocused(page, '.confirm p');
      await activate(page, 'Yes, cancel my booking');
      await page.getByRole('status').filter({ hasText: 'Booking cancelled for “Offered, then cancelled”.' }).waitFor();
      await expect.poll(() => reloads).toBe(2);
      const cancelled = past.getByRole('article', { name: 'Offered, then cancelled' });
      await cancelled.getByText('Cancelled', { exact: true }).waitFor({ timeout: 3000 });
      expect(await current.getByRole('article', { name: 'Offered, then cancelled' }).count()).toBe(0);
      expect(await page.getByRole('article', { name: 'Offered, then cancelled' }).getByRole('button', { name: /Cancel booking|Cancelling/ }).count()).toBe(0);
      await expectFocused(page, `#booking-${mine.id}-title`);
      expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
      await checkPage(page, 'my bookings: booking cancelled, the list not yet back');

      // Both reloads come back: the newer one is shown, which agrees; focus stays where it is.
      release();
      await settled(page);
      await cancelled.getByText('Cancelled', { exact: true }).waitFor();
      expect(await current.getByRole('article', { name: 'Offered, then cancelled' }).count()).toBe(0);
      await expectFocused(page, `#booking-${mine.id}-title`);

      // Leave the waitlist (Shift+Tab back up to the current bookings), the reload failing:
      // the card still moves to "Cancelled and past" with no "Leave waitlist", and stays there.
      reloadsFail = true;
      await activate(page, /^Leave waitlist/, { back: true });
      await expectFocused(page, '.confirm p');
      await activate(page, 'Yes, leave the waitlist');
      await page.getByRole('status').filter({ hasText: 'You left the waitlist for “Queue I leave”.' }).waitFor();
      const left = past.getByRole('article', { name: 'Queue I leave' });
      await left.getByText('Cancelled', { exact: true }).waitFor({ timeout: 3000 });
      await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor();
      expect(reloads).toBe(3);
      await settled(page);
      expect(await current.getByRole('article', { name: 'Queue I leave' }).count()).toBe(0);
      expect(await page.getByRole('article', { name: 'Queue I leave' }).getByRole('button', { name: /Leave waitlist|Leaving/ }).count()).toBe(0);
      await expectFocused(page, `#booking-${queued.id}-title`);
      await current.getByRole('article', { name: 'Kept all along' }).getByText('Confirmed', { exact: true }).waitFor();
      await checkPage(page, 'my bookings: waitlist left, the list could not be read again');
    } finally {
      release();
    }

    const status = async (id: string) => (await t.request('GET', `/api/bookings/${id}`, { as: me })).json.status;
    expect([await status(mine.id), await status(queued.id)]).toEqual(['cancelled', 'cancelled']);
  });

  it('a booking link from an email asks a signed-out person to sign in, then opens the booking (axe clean)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const s = await t.session({ title: 'Linked from email', startsAt: daysFromNow(10), endsAt: plusMinutes(daysFromNow(10), 60) });
    const b = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json;
    const page = await newPage(env.browser, env.server);
    await page.goto(`/bookings/${b.id}`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Email address').fill(me.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Booking: Linked from email' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/bookings/${b.id}`);
    await page.getByText('Confirmed', { exact: true }).waitFor();
    await expectNoAxeViolations(page, 'booking page');
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByRole('button', { name: 'Yes, cancel my booking' }).click();
    await page.getByRole('status').filter({ hasText: 'Booking cancelled' }).waitFor();
    await page.getByText('Cancelled', { exact: true }).first().waitFor();
  });

  it('a waitlist place on a session that has ended is listed with the past bookings, not the current ones, and no longer offers a queue place (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    const other = await t.user('staff', org.id);
    const inMinutes = (m: number) => new Date(t.clock.now().getTime() + m * 60_000).toISOString();
    const ending = await t.session({ title: 'Queue that ran out', startsAt: inMinutes(60), endsAt: inMinutes(120), capacity: { online: 1 } });
    const later = await t.session({ title: 'Queue still to come', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 1 } });
    for (const s of [ending, later]) {
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: {} })).json.status).toBe('confirmed');
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json).toMatchObject({ status: 'waitlisted', position: 1 });
    }
    // Three hours on (the server's clock and the browser's): the first session is over, no seat having come free.
    t.clock.advance(3 * 60 * 60_000);
    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signInAt(page, me, '/bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    const current = page.getByRole('region', { name: 'Current bookings and waitlist places' });
    const past = page.getByRole('region', { name: 'Cancelled and past' });
    await current.getByRole('article', { name: 'Queue still to come' }).waitFor();
    expect(await current.getByRole('article', { name: 'Queue that ran out' }).count()).toBe(0);
    const ended = past.getByRole('article', { name: 'Queue that ran out' });
    await ended.waitFor({ timeout: 3000 });
    await ended.getByText('The session ended before a seat came free.').waitFor();
    expect(await ended.innerText()).not.toMatch(/in the queue/);
    expect(await ended.getByRole('button', { name: 'Leave waitlist' }).count()).toBe(0);
    await checkPage(page, 'my bookings, a queue place on a session that has ended');
    // The current place still has its queue place and can be left.
    expect(await current.getByRole('article', { name: 'Queue still to come' }).innerText()).toContain('You are 1st in the queue');
    await tabTo(page, 'Queue that ran out');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /Queue that ran out/ }).waitFor();
  });
});
