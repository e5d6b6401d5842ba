/**
 * Checks the session form makes before publishing or saving, as a tester found them wanting,
 * walked by keyboard at 320 CSS px, axe-clean; each browser test here failed on the pages
 * before its fix:
 * - a session dated in the past was published without a word: now the form asks first (a
 *   warning that takes focus, "Correct the date" or "Publish anyway"), as the edit page does
 *   for a session moved from a time to come into the past; a past session can still be
 *   recorded on purpose;
 * - wording said in plain English: the booking cut-off's hint, a session under way, a cut-off
 *   after the end (with what to do), and cancelling a session no one is booked on;
 * - a list of days with several bad dates named only the first: now every one, each with
 *   what is wrong with it;
 * - a time in the hour the clocks go back (01:15 on 31 October 2027 happens twice in England)
 *   was saved as the second (GMT) without a word: now the form says so and lets the trainer
 *   choose the first (BST, used unless they choose) or the second.
 * The helper behind the last (repeatedTime in web/src/format.ts) is tested here too.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatLongDay, repeatedTime, repeatedTimeWords, skippedTime, zonedIso } from '../../web/src/format.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Tabs to a date or time field and puts the value in it (typed digits depend on the browser's own format). */
async function fillAt(page: Page, label: string, value: string) {
  await tabTo(page, label);
  await page.getByLabel(label, { exact: true }).fill(value);
}

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();

describe('repeatedTime: a time the clocks go back over happens twice', () => {
  it('in England, 01:00 to 01:59 on the last Sunday of October: BST first, then GMT', () => {
    expect(repeatedTime('2027-10-31', '01:15', 'Europe/London')).toEqual({ first: '2027-10-31T01:15:00+01:00', second: '2027-10-31T01:15:00+00:00', firstZone: 'BST', secondZone: 'GMT', from: '02:00', to: '01:00' });
    expect(repeatedTime('2027-10-31', '01:00', 'Europe/London')?.first).toBe('2027-10-31T01:00:00+01:00');
    expect(repeatedTime('2027-10-31', '01:59', 'Europe/London')?.second).toBe('2027-10-31T01:59:00+00:00');
    expect(repeatedTime('2026-10-25', '01:30', 'Europe/London')?.first).toBe('2026-10-25T01:30:00+01:00');
  });
  it('a time that happens once (either side of the hour, another night, the hour the clocks skip) is null', () => {
    for (const [day, time] of [['2027-10-31', '00:59'], ['2027-10-31', '02:00'], ['2027-10-30', '01:15'], ['2027-06-01', '01:15'], ['2027-03-28', '01:30'], ['2027-10-31', ''], ['', '01:15'], ['2027-10-31', '25:00']]) {
      expect(repeatedTime(day!, time!, 'Europe/London'), `${day} ${time}`).toBeNull();
    }
    // The hour the clocks skip is skippedTime's, not this.
    expect(skippedTime('2027-03-28', '01:30', 'Europe/London')).not.toBeNull();
  });
  it('other zones: New York and Sydney (their own offsets and hours)', () => {
    expect(repeatedTime('2027-11-07', '01:30', 'America/New_York')).toMatchObject({ first: '2027-11-07T01:30:00-04:00', second: '2027-11-07T01:30:00-05:00', from: '02:00', to: '01:00' });
    expect(repeatedTime('2027-04-04', '02:30', 'Australia/Sydney')).toMatchObject({ first: '2027-04-04T02:30:00+11:00', second: '2027-04-04T02:30:00+10:00', from: '03:00', to: '02:00' });
    expect(repeatedTime('2027-10-31', '01:15', 'America/New_York')).toBeNull();
    expect(() => repeatedTime('2027-10-31', '01:15', 'Nowhere/Such')).toThrow();
  });
  it('zonedIso takes which occurrence is meant; without one it is as before (in England the second)', () => {
    expect(zonedIso('2027-10-31', '01:15', 'Europe/London', 'first')).toBe('2027-10-31T01:15:00+01:00');
    expect(zonedIso('2027-10-31', '01:15', 'Europe/London', 'second')).toBe('2027-10-31T01:15:00+00:00');
    expect(zonedIso('2027-10-31', '01:15', 'Europe/London')).toBe('2027-10-31T01:15:00+00:00');
    // A time that happens once is the same whichever is asked for.
    expect(zonedIso('2027-10-31', '03:00', 'Europe/London', 'first')).toBe('2027-10-31T03:00:00+00:00');
    expect(zonedIso('2027-07-01', '09:00', 'Europe/London', 'second')).toBe('2027-07-01T09:00:00+01:00');
  });
  it('repeatedTimeWords says which times happen twice, and how the clocks go back', () => {
    expect(repeatedTimeWords('2027-10-31', ['01:15', '01:45'], 'Europe/London')).toBe('01:15 and 01:45 happen twice on 31 October 2027 in Europe/London: the clocks go back from 02:00 BST to 01:00 GMT.');
    expect(repeatedTimeWords('2027-10-31', ['00:30', '01:30'], 'Europe/London')).toBe('01:30 happens twice on 31 October 2027 in Europe/London: the clocks go back from 02:00 BST to 01:00 GMT.');
    expect(repeatedTimeWords('2027-10-31', ['03:00'], 'Europe/London')).toBeNull();
  });
});

describe.skipIf(!browserAvailable)('session form checks', () => {
  const env = serverAndBrowser();

  it('a session dated in the past is asked about before it is published: the warning takes focus, Correct the date goes to the date, Publish anyway records it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Pat Past');
    const mine = async () => (await t.request('GET', '/api/sessions?limit=100&from=2020-01-01', { as: trainer })).json.items.filter((x: any) => x.title === 'Last week’s briefing');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await typeInto(page, 'Title', 'Last week’s briefing');
    const lastWeek = daysFromNow(-7).slice(0, 10);
    await fillAt(page, 'Date', lastWeek);
    await fillAt(page, 'Start time', '10:00');
    await fillAt(page, 'End time', '11:00');
    await typeInto(page, 'Number of online seats', '20');
    await activate(page, 'Publish session');

    const question = page.getByRole('group', { name: 'This session would start in the past' });
    await question.waitFor();
    await expectFocused(page, '#past-question');
    const zone = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' }).formatToParts(new Date(`${lastWeek}T12:00:00Z`)).find((p) => p.type === 'timeZoneName')!.value;
    expect(await text(page, '#past-question')).toContain(`It would start at 10:00 ${zone} on ${formatLongDay(lastWeek)}, which has already gone. If you go ahead, no one will be able to book it. If the date or time is a mistake, correct it. If you are recording a session that has already taken place, publish anyway.`);
    expect(await page.locator('#past-question').getAttribute('aria-describedby')).toBe('past-question-text');
    expect(await mine()).toEqual([]);
    await checkPage(page, 'a session in the past, asked about before publishing');

    // Correct the date: focus goes to it, the question goes; publishing the same again asks again.
    await activate(page, 'Correct the date');
    await expectFocused(page, '#date');
    expect(await page.locator('#past-question').count()).toBe(0);
    await activate(page, 'Publish session');
    await question.waitFor();
    await expectFocused(page, '#past-question');
    expect(await mine()).toEqual([]);

    // Publish anyway: recorded as typed.
    await activate(page, 'Publish anyway');
    await page.getByRole('heading', { level: 1, name: 'Last week’s briefing' }).waitFor();
    await page.locator('#published-status').filter({ hasText: 'is not open for booking: its booking has closed.' }).waitFor();
    expect((await mine()).map((s: any) => s.startsAt.slice(0, 10))).toEqual([lastWeek]);
  });

  it('a list of days with a past day asks before publishing; a series all to come is published without a question (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Sam Series');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await typeInto(page, 'Title', 'Phonics catch-up');
    const next = daysFromNow(10).slice(0, 10);
    const past = daysFromNow(-10).slice(0, 10);
    await fillAt(page, 'Date', next);
    await fillAt(page, 'Start time', '16:00');
    await fillAt(page, 'End time', '17:00');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'Once');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await typeInto(page, 'The other days', past);
    await activate(page, 'Publish sessions');
    const question = page.getByRole('group', { name: '1 of these 2 sessions would start in the past' });
    await question.waitFor();
    await expectFocused(page, '#past-question');
    expect(await text(page, '#past-question')).toContain(`The one on ${formatLongDay(past)} would start at 16:00`);
    expect(await text(page, '#past-question')).toContain('If you go ahead, no one will be able to book it. If the date or time is a mistake, correct it. If you are recording a session that has already taken place, publish them anyway.');
    await checkPage(page, 'a series with a day in the past, asked about');
    await activate(page, 'Correct the date');
    await expectFocused(page, '#dates');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(daysFromNow(17).slice(0, 10));
    await activate(page, 'Publish sessions');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(2);
  });

  it('plain words: the cut-off’s hint, a cut-off after the end says what to do, a session under way, and cancelling one no one is on (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Wren Words');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await page.locator('#course').waitFor();
    expect(await page.locator('#closes-date-hint').innerText()).toBe('Empty: booking stays open until the session ends. Anyone who books too late to be there for the attendance needed is warned first that it will not count (with 75% needed, that is more than 15 minutes into a one-hour session).');

    await typeInto(page, 'Title', 'Closing late');
    const day = daysFromNow(12).slice(0, 10);
    await fillAt(page, 'Date', day);
    await fillAt(page, 'Start time', '16:00');
    await fillAt(page, 'End time', '17:00');
    await typeInto(page, 'Number of online seats', '20');
    await fillAt(page, 'Booking closes on (optional)', day);
    await fillAt(page, 'Booking closes at (optional)', '18:00');
    await activate(page, 'Publish session');
    const message = `Booking closes after the session ends (17:00 on ${formatLongDay(day)}): set it at or before the session’s end, or leave both Booking closes fields empty to keep booking open until the end`;
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: message }).waitFor();
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([message]);
    await activate(page, message);
    await expectFocused(page, '#closes-date');
    await checkPage(page, 'a cut-off after the end');

    // A session under way, no one booked: its edit page.
    const s = await t.session({ title: 'Under way', startsAt: plusMinutes(new Date().toISOString(), -10), endsAt: plusMinutes(new Date().toISOString(), 80), capacity: { online: 10 } }, trainer);
    const edit = await newPage(env.browser, env.server, NARROW);
    await signInTo(edit, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Under way');
    await edit.getByRole('status').filter({ hasText: 'This start time is in the past: people can still book it until it ends, but anyone who books too late to be there for the attendance needed will not count as having attended.' }).waitFor();
    const cancelPanel = edit.getByRole('region', { name: 'Cancel this session' });
    await cancelPanel.getByText('No one is booked, offered a seat or waiting, so no one needs to be told.').waitFor();
    expect(await cancelPanel.innerText()).not.toMatch(/0 people/);
    await activate(edit, 'Cancel this session');
    await edit.getByText('Cancel “Under way”? No one is booked or waiting, so no one needs to be told. This cannot be undone.').waitFor();
    await checkPage(edit, 'cancelling a session no one is on');
    await activate(edit, 'Yes, cancel the session');
    await edit.getByText('Session cancelled. No one needed to be told.').waitFor();
    expect(await edit.locator('main').innerText()).not.toMatch(/0 people/);

    // An ended session, no one on it.
    const ended = await t.session({ title: 'Ended quietly', startsAt: daysFromNow(-3), endsAt: plusMinutes(daysFromNow(-3), 60), capacity: { online: 10 } }, trainer);
    await edit.goto(`/trainer/sessions/${ended.id}/edit`);
    await edit.getByRole('region', { name: 'Cancel this session' }).getByText('No one still had a place or was waiting, so no one needs to be told.').waitFor();
  });

  it('a list of days names every bad entry at once, each with what is wrong (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Dee Dates');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await typeInto(page, 'Title', 'Writing social stories');
    await fillAt(page, 'Date', '2027-05-04');
    await fillAt(page, 'Start time', '16:00');
    await fillAt(page, 'End time', '17:30');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'Once');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#dates-hint').innerText()).toContain('written as YYYY-MM-DD or DD/MM/YYYY (day first)');
    await typeInto(page, 'The other days', '2027-05-11\n2027-02-30\n04/13/2027\nnext Tuesday\n2027-02-30');
    await activate(page, 'Publish sessions');
    const message = '3 of the other days are not dates a session can be on: “2027-02-30” (no such date: February 2027 has 28 days), “04/13/2027” (no such date: there is no month 13, dates with slashes are day/month/year, so 13 April 2027 is 13/04/2027) and “next Tuesday” (not written as YYYY-MM-DD or DD/MM/YYYY). Correct or remove each of them';
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: message }).waitFor();
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([message]);
    expect(await page.locator('#dates-error').innerText()).toContain(message);
    await checkPage(page, 'a list of days with three bad entries');
    await activate(page, message);
    await expectFocused(page, '#dates');

    // One left: said alone.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('2027-05-11\n04/13/2027');
    await activate(page, 'Publish sessions');
    const one = '04/13/2027 is not a date: there is no month 13, dates with slashes are day/month/year, so 13 April 2027 is 13/04/2027';
    await summary.getByRole('link', { name: one }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
  });

  it('a time in the hour the clocks go back says it happens twice and which is used; the trainer chooses BST or GMT, and the edit page keeps the choice (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Cal Clocks');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await typeInto(page, 'Title', 'Night owls');
    await fillAt(page, 'Date', '2027-10-31');
    await fillAt(page, 'Start time', '01:15');
    await fillAt(page, 'End time', '01:45');
    await typeInto(page, 'Number of online seats', '20');
    const choice = page.getByRole('group', { name: 'Before or after the clocks go back' });
    await choice.waitFor();
    expect(await text(page, '#occurrence-hint')).toBe('01:15 and 01:45 happen twice on 31 October 2027 in Europe/London: the clocks go back from 02:00 BST to 01:00 GMT. Choose which you mean (for 01:15 and 01:45 alike): the first is used unless you choose the second.');
    const first = 'The first, before the clocks go back (BST): 01:15 to 01:45 BST, 30 minutes';
    const second = 'The second, after the clocks go back (GMT): 01:15 to 01:45 GMT, 30 minutes';
    expect(await page.getByLabel(first).isChecked()).toBe(true);
    expect(await page.getByLabel(second).isChecked()).toBe(false);
    await checkPage(page, 'a time that happens twice');
    await tabTo(page, first);
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel(second).isChecked()).toBe(true);
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Night owls' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const saved = (await t.request('GET', `/api/sessions/${id}`, { as: trainer })).json;
    expect([Date.parse(saved.startsAt), Date.parse(saved.endsAt)]).toEqual([Date.parse('2027-10-31T01:15:00Z'), Date.parse('2027-10-31T01:45:00Z')]);

    // The edit page shows the one saved, and a change to the first is saved as such.
    await page.goto(`/trainer/sessions/${id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Night owls' }).waitFor();
    await choice.waitFor();
    expect(await page.getByLabel(second).isChecked()).toBe(true);
    await tabTo(page, second);
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel(first).isChecked()).toBe(true);
    await activate(page, 'Save changes');
    await page.getByText('Changes saved.').waitFor();
    const moved = (await t.request('GET', `/api/sessions/${id}`, { as: trainer })).json;
    expect([Date.parse(moved.startsAt), Date.parse(moved.endsAt)]).toEqual([Date.parse('2027-10-31T00:15:00Z'), Date.parse('2027-10-31T00:45:00Z')]);

    // 00:30 to 01:30: only the end happens twice; each choice says how long the session is.
    const other = await newPage(env.browser, env.server, NARROW);
    await signInTo(other, trainer, '/sessions/new', 'New session');
    await typeInto(other, 'Title', 'Late shift');
    await fillAt(other, 'Date', '2027-10-31');
    await fillAt(other, 'Start time', '00:30');
    await fillAt(other, 'End time', '01:30');
    await other.getByLabel('The first, before the clocks go back (BST): 00:30 to 01:30 BST, 1 hour').waitFor();
    await other.getByLabel('The second, after the clocks go back (GMT): 00:30 BST to 01:30 GMT, 2 hours').waitFor();
    expect(await text(other, '#occurrence-hint')).toContain('01:30 happens twice on 31 October 2027');

    // A weekly series whose second week falls on that night: asked beside the series, for that day.
    await fillAt(other, 'Date', '2027-10-24');
    await fillAt(other, 'Start time', '01:15');
    await fillAt(other, 'End time', '01:45');
    expect(await other.locator('#occurrence-hint').count()).toBe(0);
    await tabTo(other, 'Once');
    await other.keyboard.press('ArrowDown');
    await typeInto(other, 'For how many weeks', '2');
    await other.getByRole('group', { name: 'Before or after the clocks go back' }).waitFor();
    expect(await text(other, '#series-occurrence-hint')).toContain('01:15 and 01:45 happen twice on 31 October 2027 in Europe/London');
    await other.getByLabel('The first, before the clocks go back (BST)', { exact: true }).waitFor();
    await checkPage(other, 'a weekly series over the night the clocks go back');
  });

  it('the edit page asks before saving a session still to come at a time already past; Save anyway saves it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Ed Edits');
    const s = await t.session({ title: 'Moved by mistake', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 10 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Moved by mistake');
    const past = daysFromNow(-5).slice(0, 10);
    await fillAt(page, 'Date', past);
    await activate(page, 'Save changes');
    await page.getByRole('group', { name: 'This session would start in the past' }).waitFor();
    await expectFocused(page, '#past-question');
    expect(await text(page, '#past-question')).toContain('If you are recording a session that has already taken place, save anyway.');
    expect(Date.parse((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.startsAt)).toBe(Date.parse(s.startsAt));
    await checkPage(page, 'edit page asking about a start in the past');
    await activate(page, 'Save anyway');
    await page.getByText('Changes saved.').waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.startsAt.slice(0, 10)).toBe(past);
  });
});
