/**
 * Mends an exploratory tester asked for on the trainer's session pages, walked by keyboard at
 * 320 CSS px, axe-clean; each browser test here failed on the pages before its fix:
 * - a booking cut-off already gone was saved without a word (the edit page closed booking at
 *   once; the new session page published and only then said booking had closed), and so was a
 *   seat-hold release time already gone (every school's hold open to anyone at once): now each
 *   is asked about first, as a start in the past is, saying what going ahead does, with a way
 *   back to the field; nothing is saved until "Save anyway" (or "Publish anyway");
 * - a hold release time the clocks skip (01:30 on 28 March 2027 in England) was saved as 02:30
 *   BST: now refused in the words the session's times and cut-off use;
 * - moving a session whose register has marks clears them (as intended: attendance/service.ts,
 *   moveClearsRecord), and "Save and tell" now says so;
 * - a cancel reason the service refuses (over 500 characters) was checked only after "Yes,
 *   cancel the session", with focus on the button: now before asking, said at the field, which
 *   takes focus.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../web/src/format.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Tabs to a date or time field and puts the value in it (typed digits depend on the browser's own format). */
async function fillAt(page: Page, label: string, value: string) {
  await tabTo(page, label);
  await page.getByLabel(label, { exact: true }).fill(value);
}

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();

/** What a screen reader reads with the focused field: whether it is invalid, and what describes it. */
const focusedField = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement!;
    return { id: el.id, invalid: el.getAttribute('aria-invalid'), description: (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ') };
  });

const yesterday = () => daysFromNow(-1).slice(0, 10);

describe.skipIf(!browserAvailable)('the trainer’s session pages ask before a time already gone, and say what a move clears', () => {
  const env = serverAndBrowser();

  it('the edit page asks before saving a booking cut-off already gone: Correct goes back to it, Save anyway closes booking (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Cora Cutoff');
    const s = await t.session({ title: 'Closing early', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 10 } }, trainer);
    const cutOff = async () => (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.bookingClosesAt;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Closing early');
    await fillAt(page, 'Booking closes on (optional)', yesterday());
    await fillAt(page, 'Booking closes at (optional)', '09:00');
    await activate(page, 'Save changes');

    const question = page.getByRole('group', { name: 'Booking would close in the past' });
    await question.waitFor();
    await expectFocused(page, '#past-cut-off-question');
    expect(await text(page, '#past-cut-off-question')).toContain('which has already gone. If you go ahead, booking closes at once: no one will be able to book a place or join the waitlist.');
    expect(await page.locator('#past-cut-off-question').getAttribute('aria-describedby')).toBe('past-cut-off-question-text');
    expect(await page.getByText('Changes saved.').count()).toBe(0);
    expect(await cutOff()).toBeNull();
    await checkPage(page, 'edit page asking about a booking cut-off already gone');

    await activate(page, 'Correct the booking cut-off');
    await expectFocused(page, '#closes-date');
    expect(await question.count()).toBe(0);
    await activate(page, 'Save changes');
    await question.waitFor();
    expect(await cutOff()).toBeNull();

    await activate(page, 'Save anyway');
    await page.getByText('Changes saved.').waitFor();
    expect((await cutOff())?.slice(0, 10)).toBe(yesterday());
    // Booking is closed, as the question said.
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(409);
  });

  it('the new session page asks before publishing with a booking cut-off already gone: nothing is published until Publish anyway (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Nia New');
    const mine = async () => (await t.request('GET', '/api/sessions?limit=100&from=2020-01-01', { as: trainer })).json.items.filter((x: { title: string }) => x.title === 'Shut before it opened');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await tabTo(page, 'Title');
    await page.keyboard.type('Shut before it opened');
    await fillAt(page, 'Date', daysFromNow(10).slice(0, 10));
    await fillAt(page, 'Start time', '16:00');
    await fillAt(page, 'End time', '17:00');
    await tabTo(page, 'Number of online seats');
    await page.keyboard.type('20');
    await fillAt(page, 'Booking closes on (optional)', yesterday());
    await fillAt(page, 'Booking closes at (optional)', '12:00');
    await activate(page, 'Publish session');

    await page.getByRole('group', { name: 'Booking would close in the past' }).waitFor();
    await expectFocused(page, '#past-cut-off-question');
    expect(await text(page, '#past-cut-off-question')).toContain('If you go ahead, booking closes at once');
    expect(await text(page, '#past-cut-off-question')).toContain('To close booking now, publish anyway.');
    expect(await mine()).toEqual([]);
    await checkPage(page, 'new session asking about a booking cut-off already gone');

    await activate(page, 'Publish anyway');
    await page.getByRole('heading', { level: 1, name: 'Shut before it opened' }).waitFor();
    expect(await mine()).toHaveLength(1);
  });

  it('the holds page refuses a release time the clocks skip, and asks before one already gone: nothing saved until Save anyway (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Hal Holds');
    const school = await t.org('Rowan Primary');
    const s = await t.session({ title: 'Spring term briefing', startsAt: '2027-04-12T15:00:00.000Z', endsAt: '2027-04-12T16:00:00.000Z', capacity: { online: 10 } }, trainer);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: school.id, seat: 'online', seats: 3 } })).status).toBe(204);
    const releaseAt = async () => (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.holdsReleaseAt;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/holds`, 'Seat holds: Spring term briefing');

    // 01:30 on 28 March 2027 does not exist in England: refused as the session form refuses it.
    await fillAt(page, 'Release on (optional)', '2027-03-28');
    await fillAt(page, 'Release at (optional)', '01:30');
    await activate(page, 'Save release time');
    const words = '01:30 does not exist on 28 March 2027 in Europe/London: the clocks go forward from 01:00 to 02:00. Choose a time before 01:00 or from 02:00.';
    const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'There is a problem' }) });
    await summary.getByRole('link', { name: words }).waitFor();
    await expectFocused(page, '.error-summary');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#release-time');
    expect(await focusedField(page)).toEqual({ id: 'release-time', invalid: 'true', description: `Error: ${words}` });
    expect(await releaseAt()).toBeNull();
    await checkPage(page, 'holds page refusing a release time the clocks skip');

    // A time already gone: asked first.
    await fillAt(page, 'Release on (optional)', yesterday());
    await fillAt(page, 'Release at (optional)', '09:00');
    await activate(page, 'Save release time');
    const question = page.getByRole('group', { name: 'Held seats would be released in the past' });
    await question.waitFor();
    await expectFocused(page, '#past-release-question');
    const said = await text(page, '#past-release-question');
    expect(said).toContain(`The release time, ${formatDateTime(`${yesterday()}T09:00:00Z`)}, has already gone. If you go ahead, held seats are released to everyone at once: the 3 held seats nobody has claimed yet go to people waiting, or to anyone booking, and no more seats can be held on this session.`);
    // As written (textContent, not the rendered text, which folds spaces): no double space.
    expect(await question.locator('p').first().textContent()).not.toMatch(/\s{2}/);
    expect(await page.getByText(/Unclaimed held seats will be released on/).count()).toBe(0);
    expect(await releaseAt()).toBeNull();
    await checkPage(page, 'holds page asking about a release time already gone');

    await activate(page, 'Correct the release time');
    await expectFocused(page, '#release-date');
    expect(await question.count()).toBe(0);
    await activate(page, 'Save release time');
    await question.waitFor();
    await activate(page, 'Save anyway');
    await page.getByText(/Unclaimed held seats will be released on/).waitFor();
    await expectFocused(page, '#save-release');
    expect((await releaseAt())?.slice(0, 10)).toBe(yesterday());

    // Every held seat claimed: the question does not say held seats go to everyone (there are
    // none to go), only that no more can be held, in words with no double space.
    const staff = await t.user('staff', school.id, 'Cal Claimed');
    const full = await t.session({ title: 'All claimed', startsAt: '2027-04-12T15:00:00.000Z', endsAt: '2027-04-12T16:00:00.000Z', capacity: { online: 10 } }, trainer);
    expect((await t.request('PUT', `/api/sessions/${full.id}/holds`, { as: trainer, body: { orgId: school.id, seat: 'online', seats: 1 } })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    expect((await t.request('GET', `/api/sessions/${full.id}/holds`, { as: trainer })).json.items.map((h: { seats: number; claimed: number }) => [h.seats, h.claimed])).toEqual([[1, 1]]);
    await page.goto(`/trainer/sessions/${full.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: All claimed' }).waitFor();
    await fillAt(page, 'Release on (optional)', yesterday());
    await fillAt(page, 'Release at (optional)', '09:00');
    await activate(page, 'Save release time');
    const none = page.getByRole('group', { name: 'Held seats would be released in the past' });
    await none.waitFor();
    expect(await none.locator('p').first().textContent()).toBe(`The release time, ${formatDateTime(`${yesterday()}T09:00:00Z`)}, has already gone. If you go ahead, holds are released at once. No held seat is waiting to be claimed, so none goes to anyone else, but no more seats can be held on this session.`);
    expect(await none.getByText(/released to everyone/).count()).toBe(0);
    await checkPage(page, 'holds page asking about a release time already gone, every held seat claimed (320 px)');
  });

  it('"Save and tell" says when moving the session clears attendance already on its register, and not when there is none (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Reg Register');
    const org = await t.org();
    const staff = await t.user('staff', org.id, 'Tia Ticked');
    // Starts in ten minutes by the server's clock: its register opened five minutes ago.
    const startsAt = new Date(Math.ceil(t.clock.now().getTime() / 60_000) * 60_000 + 10 * 60_000).toISOString();
    const s = await t.session({ title: 'About to start', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 10 } }, trainer);
    const booking = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} });
    expect(booking.status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    const later = daysFromNow(7).slice(0, 10);

    // Nothing on its register yet: the question says nothing of it.
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: About to start');
    await fillAt(page, 'Date', later);
    await activate(page, 'Save changes');
    await page.locator('#tell-question').waitFor();
    expect(await text(page, '#tell-question')).not.toMatch(/attendance|cleared/);
    await activate(page, 'Keep editing');

    // Ticked on the register: the question says the move clears it.
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booking.json.id}`, { as: trainer, body: { attended: true, note: 'Arrived early' } })).status).toBe(200);
    await activate(page, 'Save changes');
    await page.locator('#tell-question').filter({ hasText: 'will be cleared' }).waitFor();
    await expectFocused(page, '.confirm');
    expect(await text(page, '#tell-question')).toBe(
      'This changes the time or place. 1 person booked or waiting will be told by email, with an updated calendar invite. The attendance already recorded for 1 person (register ticks, corrections and notes, check-ins, time in the online room) will be cleared, to be taken again at the new time. Save and tell them?',
    );
    await checkPage(page, 'edit page asking before a move that clears the register');
    await activate(page, 'Save and tell 1 person');
    await page.getByText('Changes saved. 1 person has been told.').waitFor();
    const register = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items;
    expect(register.map((r: { override: unknown }) => r.override)).toEqual([null]);
  });

  it('a cancel reason the service would refuse is said at the field before anything is asked, and the field takes focus (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Cal Cancel');
    const s = await t.session({ title: 'Called off', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 10 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Called off');
    await tabTo(page, 'Reason (sent to everyone; optional)');
    await page.getByLabel('Reason (sent to everyone; optional)').fill('x'.repeat(501));
    await activate(page, 'Cancel this session');

    await expectFocused(page, '#cancel-reason');
    const words = 'Reason must be at most 500 characters: it has 501. Shorten it by 1 character.';
    expect(await focusedField(page)).toEqual({ id: 'cancel-reason', invalid: 'true', description: `Up to 500 characters: 1 too many. Error: ${words}` });
    expect(await page.getByRole('button', { name: 'Yes, cancel the session' }).count()).toBe(0);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.status).toBe('scheduled');
    await checkPage(page, 'edit page with a cancel reason too long');

    // Shortened: the error goes, and cancelling asks as before.
    await page.keyboard.press('Backspace');
    expect(await page.locator('#cancel-reason').getAttribute('aria-invalid')).not.toBe('true');
    await activate(page, 'Cancel this session');
    await page.getByRole('button', { name: 'Yes, cancel the session' }).waitFor();
    await activate(page, 'Yes, cancel the session');
    await page.getByText('Session cancelled. No one needed to be told.').waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.cancelReason).toBe('x'.repeat(500));
  });
});
