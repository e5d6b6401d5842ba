import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, signIn, signInAt, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

/**
 * A member of staff leaves My bookings (or the session page) open on an offered seat and
 * comes back after the offer has lapsed: the page must stop offering "Accept seat" (the
 * server refuses it, 409 not_offered) and say the offer has expired, not that the seat is
 * held "until" a time already gone.
 */
describe.skipIf(!browserAvailable)('an offered seat that lapses while the page is open', () => {
  const env = serverAndBrowser();

  /**
   * A session of one online seat whose offers are held 5 minutes: `first` books it and
   * `offered` joins the waitlist; `first` cancels, so the seat is offered to `offered`.
   */
  async function offeredSeat(title: string, names: { org?: string; first?: string; offered?: string } = {}) {
    const { t } = env.server;
    const org = await t.org(names.org);
    const [offered, first] = [await t.user('staff', org.id, names.offered), await t.user('staff', org.id, names.first)];
    const s = await t.session({ title, startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 5 });
    const book = async (who: typeof offered) => (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(first);
    const offer = await book(offered);
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${offer.id}`, { as: offered })).json.status).toBe('offered');
    return { org, s, offered, offerId: offer.id as string };
  }

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
    await signInAt(page, me, '/bookings');
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
    await signInAt(page, me, `/sessions/${s.id}`);
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

  it('the session page left open on an offer that lapses with nobody else waiting counts the seat free again, and booking takes it (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const { s, offered: me } = await offeredSeat('Lapse with nobody waiting');

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('button', { name: /Accept seat/ }).waitFor();
    t.clock.advance(6 * 60_000);
    await page.clock.runFor(6 * 60_000);
    await page.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    // Nobody is waiting for it: the seat is free again, to me too (the server still counts the unswept offer as taken).
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: me })).json.seats.online).toMatchObject({ offered: 1, available: 0 });
    await page.getByText('1 online seat free to you.').waitFor({ timeout: 3000 });
    // The session's facts say the same as the form beside them, not "full".
    const seatsFact = page.locator('dl.facts div').filter({ has: page.locator('dt', { hasText: 'Seats free to you' }) }).locator('dd');
    expect((await seatsFact.innerText()).replace(/\s+/g, ' ')).toBe('Online: 1 of 1 seat free to you');
    expect(await page.getByRole('button', { name: 'Join the waitlist' }).count()).toBe(0);
    await checkPage(page, 'session page, offer lapsed with nobody waiting');
    await tabTo(page, 'Book a seat');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
  });

  it('Who is booked where, left open by the office, shows an offer that lapses as expired and counts it with the cancelled, before the sweep (axe, 320 px)', async () => {
    const { t } = env.server;
    const { org, offered: me, offerId } = await offeredSeat('Watched offer', { org: 'Lapse Watch Primary', offered: 'Olive Offered', first: 'Carl Cancelled' });
    const office = await t.user('office', org.id);

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signInAt(page, office, '/office/bookings');
    const row = page.getByRole('row', { name: /Olive Offered/ });
    await row.getByText('Seat offered').waitFor();
    await page.getByText('1 booking and 1 cancelled booking found.').waitFor();

    t.clock.advance(6 * 60_000);
    await page.clock.runFor(6 * 60_000);
    expect((await t.request('GET', `/api/bookings/${offerId}`, { as: me })).json.status).toBe('offered');
    await row.getByText('Offer expired').waitFor({ timeout: 3000 });
    expect(await row.getByText('Seat offered').count()).toBe(0);
    await page.getByText('2 cancelled bookings found.').waitFor();
    await checkPage(page, 'who is booked where, an offer lapsed before the sweep');
  });

  it('My bookings moves an offer that lapses from current bookings to "Cancelled and past", on a page left open and after a reload, before the sweep (axe, 320 px)', async () => {
    const { t } = env.server;
    const { page, current, past, lapse, offerId, me } = await offerAndKeptOpen({ offer: 'Offer that moves to past', kept: 'Seat that stays current' });
    expect(await past.count()).toBe(0);

    await lapse();
    const moved = past.getByRole('article', { name: 'Offer that moves to past' });
    await moved.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    await moved.getByText('Offer expired', { exact: true }).waitFor();
    expect(await current.getByRole('article', { name: 'Offer that moves to past' }).count()).toBe(0);
    expect(await current.getByRole('article').allInnerTexts()).toEqual([expect.stringContaining('Seat that stays current')]);
    await checkPage(page, 'My bookings, lapsed offer under past');

    // Loaded afresh, still before the sweep (the server still says `offered`): the same.
    expect((await t.request('GET', `/api/bookings/${offerId}`, { as: me })).json.status).toBe('offered');
    await page.reload();
    await moved.getByText(/This offer expired at/).waitFor();
    expect(await current.getByRole('article', { name: 'Offer that moves to past' }).count()).toBe(0);
    await current.getByRole('article', { name: 'Seat that stays current' }).waitFor();
  });

  /**
   * An offered seat and a confirmed one for a member of staff, My bookings (or, `at` 'session',
   * the offered session's page; `at` 'booking', the offer's own page, /bookings/<id>) open on a
   * clock the test runs (see above).
   */
  async function offerAndKeptOpen(titles: { offer: string; kept: string }, at: 'bookings' | 'session' | 'booking' = 'bookings') {
    const { t } = env.server;
    const org = await t.org();
    const [me, other] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: titles.offer, startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 5 });
    const kept = await t.session({ title: titles.kept, startsAt: daysFromNow(10), endsAt: plusMinutes(daysFromNow(10), 60), capacity: { online: 5 } });
    const book = async (who: typeof me, sessionId: string) => (await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(other, s.id);
    const mine = await book(me, s.id);
    expect((await book(me, kept.id)).status).toBe('confirmed');
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: other })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signInAt(page, me, at === 'bookings' ? '/bookings' : at === 'session' ? `/sessions/${s.id}` : `/bookings/${mine.id}`);
    const current = page.getByRole('region', { name: 'Current bookings and waitlist places' });
    const past = page.getByRole('region', { name: 'Cancelled and past' });
    if (at === 'bookings') {
      await current.getByRole('article', { name: titles.offer }).getByText(/held for you until/).waitFor();
      await current.getByRole('article', { name: titles.kept }).waitFor();
    } else {
      await page.getByRole('heading', { level: 1, name: at === 'session' ? titles.offer : `Booking: ${titles.offer}` }).waitFor();
      await page.getByText(/held for you until/).waitFor();
      await page.getByRole('button', { name: /Accept seat/ }).waitFor();
    }
    /** Six minutes later (the browser's clock and the server's), the sweep not yet come. */
    const lapse = async () => {
      t.clock.advance(6 * 60_000);
      await page.clock.runFor(6 * 60_000);
    };
    return { page, current, past, lapse, offerId: mine.id as string, me };
  }

  it('My bookings: focus on an offer\'s Accept button when the offer lapses goes to a message saying what happened, not to the page body (keyboard, axe, 320 px)', async () => {
    const { page, current, past, lapse } = await offerAndKeptOpen({ offer: 'Focus on a lapsing offer', kept: 'Another seat kept' });
    await tabTo(page, /^Accept seat/);
    expect(await page.evaluate(() => document.activeElement?.closest('article')?.getAttribute('aria-labelledby') ?? null)).toMatch(/^booking-.*-title$/);

    await lapse();
    const moved = past.getByRole('article', { name: 'Focus on a lapsing offer' });
    await moved.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    expect(await current.getByRole('article', { name: 'Focus on a lapsing offer' }).count()).toBe(0);
    // Focus is on the message (a status region near the top of the list), not lost to <body>.
    await expectFocused(page, '[role="status"]');
    const focused = await page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent ?? '' }));
    expect(focused.tag).not.toBe('BODY');
    expect(focused.text).toBe('The seat offered to you on “Focus on a lapsing offer” was not accepted in time, so it passes to the next person. The offer is now under “Cancelled and past”.');
    await checkPage(page, 'My bookings, focused offer lapsed');
    // The message sits above the lists: Tab goes on from it to the first booking, then the offer under "Cancelled and past".
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Another seat kept');
    await tabTo(page, 'Focus on a lapsing offer', { max: 10 });
    expect(await page.evaluate(() => document.activeElement?.closest('section')?.getAttribute('aria-labelledby'))).toBe('past-title');
  });

  it('My bookings: focus in an offer\'s "Decline this seat?" question when the offer lapses goes to the message too (keyboard)', async () => {
    const { page, past, lapse } = await offerAndKeptOpen({ offer: 'Lapsing mid-decline', kept: 'One more seat kept' });
    await tabTo(page, /^Decline offer/);
    await page.keyboard.press('Enter');
    await expectFocused(page, '.confirm p');

    await lapse();
    await past.getByRole('article', { name: 'Lapsing mid-decline' }).getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    await expectFocused(page, '#bookings-status');
    expect(await page.locator('#bookings-status').innerText()).toMatch(/^The seat offered to you on “Lapsing mid-decline” was not accepted in time/);
  });

  it('My bookings: an offer that lapses while focus is elsewhere is announced politely, and focus stays where it is (keyboard, 320 px)', async () => {
    const { page, current, past, lapse } = await offerAndKeptOpen({ offer: 'Lapsing while elsewhere', kept: 'Seat with focus on it' });
    await tabTo(page, /^Cancel booking/);
    const cancelButton = current.getByRole('article', { name: 'Seat with focus on it' }).getByRole('button', { name: 'Cancel booking' });
    expect(await cancelButton.evaluate((el) => el === document.activeElement)).toBe(true);

    await lapse();
    await past.getByRole('article', { name: 'Lapsing while elsewhere' }).getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    const status = page.getByRole('status').filter({ hasText: 'was not accepted in time' });
    await status.waitFor();
    expect(await status.innerText()).toBe('The seat offered to you on “Lapsing while elsewhere” was not accepted in time, so it passes to the next person. The offer is now under “Cancelled and past”.');
    expect(await status.getAttribute('aria-live')).toBe('polite');
    expect(await cancelButton.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  /**
   * Lapses the offer (focus on its Accept button or in its decline question) and checks its
   * buttons are gone and focus is on the notice that it expired, not lost to <body>; the
   * notice ends with `again`.
   */
  async function lapseWithFocusOnNotice(page: Page, lapse: () => Promise<void>, again: string) {
    await lapse();
    await page.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    expect(await page.getByRole('button', { name: /Accept seat/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Decline offer' }).count()).toBe(0);
    await expectFocused(page, '#offer-expired-notice');
    const text = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(text).toMatch(/^This offer expired at .+, so the seat is no longer held for you and goes to the next person\./);
    expect(text.endsWith(`next person.${again}`), text).toBe(true);
  }

  it('the session page: focus on the offer\'s Accept button when the offer lapses goes to the notice that it expired, not to the page body; the booking form is back (keyboard, axe, 320 px)', async () => {
    const { page, lapse } = await offerAndKeptOpen({ offer: 'Session page, focus on a lapsing offer', kept: 'Some other seat' }, 'session');
    await tabTo(page, /^Accept seat/);
    expect(await page.evaluate(() => document.activeElement?.closest('section')?.getAttribute('aria-labelledby') ?? null)).toBe('your-place-title');

    await lapseWithFocusOnNotice(page, lapse, ' You can book or join the waitlist again.');
    // The booking form is offered again, and Tab goes on from the notice to it.
    const form = page.getByRole('region', { name: 'Your place' }).getByRole('button', { name: /^(Book a seat|Join the waitlist)$/ });
    await form.waitFor();
    await checkPage(page, 'session page, focused offer lapsed');
    await tabTo(page, /^(Book a seat|Join the waitlist)$/, { max: 3 });
    expect(await form.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('the session page: focus in the offer\'s "Decline this seat?" question when the offer lapses goes to the notice too (keyboard)', async () => {
    const { page, lapse } = await offerAndKeptOpen({ offer: 'Session page, lapsing mid-decline', kept: 'Yet another seat' }, 'session');
    await tabTo(page, /^Decline offer/);
    await page.keyboard.press('Enter');
    await expectFocused(page, '.confirm p');

    await lapse();
    await page.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    await expectFocused(page, '#offer-expired-notice');
  });

  it('the booking page: focus on the offer\'s Accept button when the offer lapses goes to the notice that it expired, not to the page body (keyboard, axe, 320 px)', async () => {
    const { page, lapse } = await offerAndKeptOpen({ offer: 'Booking page, focus on a lapsing offer', kept: 'A seat not on this page' }, 'booking');
    await tabTo(page, /^Accept seat/);

    await lapse();
    await page.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    expect(await page.getByRole('button', { name: /Accept seat/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Decline offer' }).count()).toBe(0);
    // Focus is on the notice saying the offer expired, not lost to <body>.
    await expectFocused(page, '#offer-expired-notice');
    const focused = await page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent ?? '' }));
    expect(focused.tag).not.toBe('BODY');
    expect(focused.text).toMatch(/^This offer expired at .+, so the seat is no longer held for you and goes to the next person\.$/);
    await checkPage(page, 'booking page, focused offer lapsed');
  });

  it('the booking page: focus in the offer\'s "Decline this seat?" question when the offer lapses goes to the notice too (keyboard)', async () => {
    const { page, lapse } = await offerAndKeptOpen({ offer: 'Booking page, lapsing mid-decline', kept: 'A seat elsewhere' }, 'booking');
    await tabTo(page, /^Decline offer/);
    await page.keyboard.press('Enter');
    await expectFocused(page, '.confirm p');

    await lapse();
    await page.getByText(/This offer expired at/).waitFor({ timeout: 3000 });
    expect(await page.getByRole('button', { name: /^Yes, decline/ }).count()).toBe(0);
    await expectFocused(page, '#offer-expired-notice');
  });

  for (const { at, back: backName, again } of [
    { at: 'session', back: 'Back to all sessions', again: ' You can book or join the waitlist again.' },
    { at: 'booking', back: 'Back to my bookings', again: '' },
  ] as const) {
    it(`the ${at} page: an offer that lapses while focus is elsewhere is announced politely, and focus stays where it is (keyboard, 320 px)`, async () => {
      const { page, lapse } = await offerAndKeptOpen({ offer: `The ${at} page, lapsing while elsewhere`, kept: `A seat not on the ${at} page` }, at);
      await tabTo(page, backName);
      const back = page.getByRole('link', { name: backName });
      expect(await back.evaluate((el) => el === document.activeElement)).toBe(true);
      // Live regions in the page before the offer lapses (one must be, to be announced).
      await page.evaluate(() => document.querySelectorAll('[role="status"]').forEach((el) => el.setAttribute('data-before-lapse', '')));

      await lapse();
      const notice = page.getByRole('status').filter({ hasText: 'This offer expired at' });
      await notice.waitFor({ timeout: 3000 });
      const text = await notice.innerText();
      expect(text).toMatch(/^This offer expired at .+, so the seat is no longer held for you and goes to the next person\./);
      expect(text.endsWith(`next person.${again}`), text).toBe(true);
      expect(await notice.getAttribute('aria-live')).toBe('polite');
      expect(await notice.getAttribute('data-before-lapse')).toBe('');
      expect(await back.evaluate((el) => el === document.activeElement)).toBe(true);
      await checkPage(page, `${at} page, offer lapsed while focus was elsewhere`);
    });
  }

  it('the office’s "Book staff" list shows someone whose offer lapsed as not booked and lets them be ticked and booked again, on a page left open and after a reload, before the sweep (keyboard, axe, 320 px)', async () => {
    const { t } = env.server;
    const { org, s, offered: bo, offerId: boOffer } = await offeredSeat('Office sees a lapse', { org: 'Lapse Primary', first: 'Ann Ash', offered: 'Bo Birch' });
    const office = await t.user('office', org.id, 'Lia Office');

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Lapse Primary' });
    const boRow = panel.locator('.roster-person', { hasText: 'Bo Birch' });
    await boRow.getByText(/^Seat offered, to accept by /).waitFor();
    expect(await panel.getByRole('checkbox', { name: /Bo Birch/ }).isDisabled()).toBe(true);

    // Six minutes later, the sweep not yet come: the page left open says Bo has no place.
    t.clock.advance(6 * 60_000);
    await page.clock.runFor(6 * 60_000);
    await boRow.getByText(/^Not booked\./).waitFor({ timeout: 3000 });
    expect(await boRow.getByText(/Seat offered/).count()).toBe(0);
    expect(await panel.getByRole('checkbox', { name: /Bo Birch/ }).isDisabled()).toBe(false);

    // Loaded afresh (the server still says `offered`): the same, from the server's roster.
    expect((await t.request('GET', `/api/bookings/${boOffer}`, { as: bo })).json.status).toBe('offered');
    await page.reload();
    await boRow.getByText(/^Not booked\./).waitFor();
    expect(await boRow.getByText(/Seat offered/).count()).toBe(0);
    await checkPage(page, 'session page, office roster with a lapsed offer');

    // Ticked and booked by keyboard: Bo has the seat again.
    await tabTo(page, /^Bo Birch/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Book 1 person');
    await page.keyboard.press('Enter');
    const outcome = panel.getByRole('status').filter({ hasText: 'Outcome for each person' });
    await outcome.waitFor();
    expect(await outcome.getByRole('listitem').allInnerTexts()).toEqual(['Bo Birch: Confirmed, online seat']);
    await boRow.getByText('Already booked (online seat).').waitFor();
  });

  it('a trainer’s “Who is coming” left open as an offer lapses shows it expired, with nothing to do to it, and no longer counts it as offered (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const { s, offered } = await offeredSeat('Lapsing on the trainer’s list', { offered: 'Oona Offered' });
    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    await signInAt(page, s.trainer, `/trainer/sessions/${s.id}/people`);
    const row = page.getByRole('row').filter({ hasText: offered.name });
    await row.getByText(/until/).waitFor();
    await row.getByRole('button', { name: `Remove ${offered.name}` }).waitFor();
    await page.getByText('1 offered a seat').waitFor();

    t.clock.advance(6 * 60_000);
    await page.clock.runFor(6 * 60_000);
    await row.getByText(/Offer expired/).waitFor({ timeout: 3000 });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/Offer expired at .*: the seat passes to the next person.*None: the offer has expired/);
    expect(await row.getByRole('button').count()).toBe(0);
    await page.getByText('0 offered a seat').waitFor();
    await checkPage(page, 'who is coming, an offer lapsed while open (320 px)');
  });
});
