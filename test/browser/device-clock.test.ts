import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { noteServerTime, serverNow } from '../../web/src/clock.js';
import { bookBeforeStart, browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, signInAt, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

/**
 * A school's shared computer keeps the wrong time. What the pages decide by the time (is an
 * offered seat's hold over, is booking still open) follows the server's clock, which every
 * answer carries (web/src/clock.ts), so the page neither hides what the server still allows
 * nor offers what it will refuse.
 */
describe.skipIf(!browserAvailable)('on a computer whose clock is wrong', () => {
  const env = serverAndBrowser();

  it('ten minutes fast: a seat offered for five more minutes can still be accepted, and a session whose booking closes in five minutes can still be booked, by keyboard (axe, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id, 'Fay Fastclock');
    const other = await t.user('staff', org.id);
    const now = t.clock.now().getTime();
    const offered = await t.session({ title: 'Offered for five minutes', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 5 });
    const closing = await t.session({ title: 'Booking closes in five minutes', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), bookingClosesAt: new Date(now + 5 * 60_000).toISOString(), capacity: { online: 5 } });
    const book = async (who: typeof me) => (await t.request('POST', `/api/sessions/${offered.id}/bookings`, { as: who, body: {} })).json;
    const theirs = await book(other);
    const mine = await book(me);
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: other })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    // The computer's clock: ten minutes ahead of the server's (its timers still run).
    await page.clock.setFixedTime(new Date(now + 10 * 60_000));
    await signInAt(page, me, '/bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    const card = page.getByRole('article', { name: 'Offered for five minutes' });
    await card.getByText(/held for you until/).waitFor();
    expect(await card.getByText(/This offer expired/).count(), 'by the computer’s clock the offer expired five minutes ago').toBe(0);
    await checkPage(page, 'My bookings with an offer, on a computer ten minutes fast');
    await tabTo(page, /^Accept seat/);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('confirmed');

    await page.goto(`/sessions/${closing.id}`);
    await page.getByRole('heading', { level: 1, name: 'Booking closes in five minutes' }).waitFor();
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    expect(await page.getByText('Booking for this session is closed.').count()).toBe(0);
    await checkPage(page, 'a session whose booking closes in five minutes, on a computer ten minutes fast');
    await tabTo(page, 'Book a seat');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => ((await t.request('GET', '/api/me/bookings', { as: me })).json.items as { session: { id: string }; status: string }[]).find((b) => b.session.id === closing.id)?.status)
      .toBe('confirmed');
  });

  it('ten minutes slow: the live room of a session starting in ten minutes can be joined (it opens 15 minutes before), and a session whose booking closed five minutes ago is said to be closed, not offered', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id, 'Sid Slowclock');
    const now = t.clock.now().getTime();
    const soon = new Date(now + 10 * 60_000).toISOString();
    const starting = await t.session({ title: 'Starting in ten minutes', startsAt: soon, endsAt: plusMinutes(soon, 60), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${starting.id}/bookings`, { as: me, body: {} })).json.status).toBe('confirmed');
    const closed = await t.session({ title: 'Booking closed five minutes ago', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), bookingClosesAt: new Date(now - 5 * 60_000).toISOString(), capacity: { online: 5 } });

    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.setFixedTime(new Date(now - 10 * 60_000));
    await signInAt(page, me, '/bookings');
    const card = page.getByRole('article', { name: 'Starting in ten minutes' });
    await card.getByRole('link', { name: /^Join now/ }).waitFor();
    expect(await card.getByText('You can join online from 15 minutes before the start.').count()).toBe(0);
    await checkPage(page, 'My bookings with a session about to start, on a computer ten minutes slow');

    await page.goto(`/sessions/${closed.id}`);
    await page.getByRole('heading', { level: 1, name: 'Booking closed five minutes ago' }).waitFor();
    await page.getByText(/^Booking for this session is closed: booking closed on \w+, \d+ \w+ \d{4}, \d\d:\d\d \w+\.$/).waitFor();
    expect(await page.getByRole('button', { name: 'Book a seat' }).count()).toBe(0);
    await checkPage(page, 'a session whose booking has closed, on a computer ten minutes slow');
  });
  it('ten minutes slow: a trainer’s Who is coming and Seat holds of a session that ended five minutes ago say it is over, and offer nothing the server would refuse (axe, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Tess Slowclock');
    const now = t.clock.now().getTime();
    const s = await t.session({ title: 'Ended five minutes ago', mode: 'hybrid', venue: 'Hall', startsAt: new Date(now - 30 * 60_000).toISOString(), endsAt: new Date(now + 30 * 60_000).toISOString(), capacity: { inPerson: 5, online: 5 } }, trainer);
    const staff = await t.user('staff', (await t.org()).id, 'Pip Present');
    expect((await bookBeforeStart(t, s, staff, { seat: 'online' })).json.status).toBe('confirmed');
    // The server's clock: five minutes after the end. The computer's: ten minutes behind it.
    const realNow = t.clock.now().toISOString();
    onTestFinished(() => t.clock.set(realNow));
    t.clock.set(new Date(now + 35 * 60_000).toISOString());
    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.setFixedTime(new Date(now + 25 * 60_000));
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('rowheader', { name: 'Pip Present' }).waitFor();
    await page.getByText('None: the session is over').waitFor();
    expect(await page.getByRole('button', { name: /^(Move to|Remove)/ }).count()).toBe(0);
    await checkPage(page, 'Who is coming of an ended session, on a computer ten minutes slow');

    await page.goto(`/trainer/sessions/${s.id}/holds`);
    await page.getByText('This session has ended, so its seat holds can no longer be set, changed or released.').waitFor();
    await checkPage(page, 'Seat holds of an ended session, on a computer ten minutes slow');
  });
});

describe('the server’s clock, kept from its answers (web/src/clock.ts)', () => {
  const answer = (date: string | null) => new Response(null, { headers: date ? { date } : {} });
  const at = (iso: string) => Date.parse(iso);
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the computer’s clock when it agrees to within the header’s rounding, follows the server’s when it does not, and ignores answers without a time', () => {
    vi.useFakeTimers({ now: at('2026-03-09T08:15:42.300Z'), toFake: ['Date'] });
    // The header is to the second (08:15:42 for 08:15:42.300): the computer's clock stands.
    noteServerTime(answer('Mon, 09 Mar 2026 08:15:42 GMT'), Date.now());
    expect(serverNow()).toBe(at('2026-03-09T08:15:42.300Z'));

    // The computer ten minutes fast: the server's time, to within the header's rounding.
    vi.setSystemTime(at('2026-03-09T08:25:42.300Z'));
    noteServerTime(answer('Mon, 09 Mar 2026 08:15:42 GMT'), Date.now());
    expect(Math.abs(serverNow() - at('2026-03-09T08:15:42.300Z'))).toBeLessThan(1000);
    const kept = serverNow();
    // The next answer a second on (the header's rounding, the network's delay): it stays put.
    noteServerTime(answer('Mon, 09 Mar 2026 08:15:43 GMT'), Date.now());
    expect(serverNow()).toBe(kept);
    // Answers without a time, or with one that is not a date, change nothing.
    noteServerTime(answer(null), Date.now());
    noteServerTime(answer('yesterday'), Date.now());
    expect(serverNow()).toBe(kept);

    // Someone sets the computer's clock right: its own clock again.
    vi.setSystemTime(at('2026-03-09T08:15:50.300Z'));
    noteServerTime(answer('Mon, 09 Mar 2026 08:15:50 GMT'), Date.now());
    expect(serverNow()).toBe(at('2026-03-09T08:15:50.300Z'));
  });
});
