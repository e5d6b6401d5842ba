/**
 * Mends an exploratory tester asked for on trainer and staff pages, each walked by keyboard at
 * 320 CSS px, axe-clean; each test here failed on the pages before its fix:
 * - the edit page of a session someone else runs showed the whole form, cancelling and how
 *   many are booked, and refused only on saving: now it says first that only its trainers or
 *   an administrator can edit it, with no form, and a way back;
 * - the register of a session the viewer does not run said two refusals and offered a
 *   download that was refused: now one clear message; office staff see their own staff, read
 *   only, with their download;
 * - for 15 minutes after a session ends its attendance is not yet recorded, and My sessions,
 *   the feedback pages and the register now say when it will be;
 * - a list of days with a date that does not exist (31/02/2027) was refused at End time: now
 *   at The other days, naming it; a day in the past is warned of before publishing;
 * - a start or end in the hour the clocks skip said "End time must be after the start time":
 *   now it says that time does not exist that day.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** Tabs to a time field and puts the time in it (typed digits would leave a 12-hour clock's AM/PM unset). */
async function fillAt(page: Page, label: string, time: string) {
  await tabTo(page, label);
  await page.getByLabel(label, { exact: true }).fill(time);
}

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.skipIf(!browserAvailable)('trainer tester mends', () => {
  const env = serverAndBrowser();

  it('the edit page of a session someone else runs says up front that only its trainers or an administrator can edit it: no form, no cancelling, no count of people (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const priya = await t.user('trainer', null, 'Priya Patel');
    const tom = await t.user('trainer', null, 'Tom Tanner');
    const s = await t.session({ title: 'Attachment in the early years', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 10 } }, priya);
    const staff = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, tom, `/trainer/sessions/${s.id}/edit`, 'Edit: Attachment in the early years');
    await page.getByText('Only the session’s trainers, or an administrator, can edit or cancel this session. You do not run it').waitFor();
    expect(await page.getByRole('textbox', { name: 'Title' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Save changes|Cancel this session/ }).count()).toBe(0);
    expect(await page.getByText(/1 person/).count()).toBe(0);
    await checkPage(page, 'edit page of a session someone else runs');
    await activate(page, 'Back to the session');
    await page.getByRole('heading', { level: 1, name: 'Attachment in the early years' }).waitFor();

    // Its own trainer still has the form.
    const own = await newPage(env.browser, env.server, NARROW);
    await signInTo(own, priya, `/trainer/sessions/${s.id}/edit`, 'Edit: Attachment in the early years');
    await own.getByRole('textbox', { name: 'Title' }).waitFor();
    expect(await own.getByText('Only the session’s trainers, or an administrator, can edit').count()).toBe(0);
  });

  it('the register of a session the viewer does not run: one clear message and no download for a trainer or staff; office staff see their own staff, read only, with their download (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const school = await t.org('Birch Primary');
    const other = await t.org('Cedar Academy');
    const priya = await t.user('trainer', null, 'Priya Prime');
    const tom = await t.user('trainer', null, 'Tom Other');
    const office = await t.user('office', school.id, 'Olu Office');
    const sam = await t.user('staff', school.id, 'Sam Seated');
    const ola = await t.user('staff', other.id, 'Ola Elsewhere');
    const startsAt = minutesFromNow(-30);
    const s = await t.session({ title: 'Makaton basics', mode: 'in_person', venue: 'Hall', startsAt, endsAt: minutesFromNow(30), capacity: { inPerson: 10 } }, priya);
    for (const who of [sam, ola]) {
      t.clock.set(plusMinutes(startsAt, -10));
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).status).toBe(201);
    }
    t.clock.set(new Date().toISOString());

    const refusal = 'Only the session’s trainers and administrators can see its register, and school office staff their own staff’s attendance. You do not run this session, so there is nothing here for you.';
    for (const who of [tom, sam]) {
      const page = await newPage(env.browser, env.server, NARROW);
      await signInTo(page, who, `/sessions/${s.id}/register`, 'Register: Makaton basics');
      await page.getByText(refusal).waitFor();
      expect(await page.getByRole('link', { name: /Download .*attendance/ }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: /Check-in code|^Register$/ }).count()).toBe(0);
      expect(await page.getByText(/Use the register below|can see attendance/).count()).toBe(0);
      await checkPage(page, `register of a session ${who.name} does not run`);
      await activate(page, 'Back to the session');
      await page.getByRole('heading', { level: 1, name: 'Makaton basics' }).waitFor();
    }

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, `/sessions/${s.id}/register`, 'Register: Makaton basics');
    await page.getByText('Only the session’s trainers can keep its register. Below is the attendance of your organisation’s staff on it').waitFor();
    const register = page.getByRole('region', { name: 'Register', exact: true });
    await register.getByRole('rowheader', { name: 'Sam Seated' }).waitFor();
    expect(await register.getByRole('rowheader', { name: 'Ola Elsewhere' }).count()).toBe(0);
    expect(await register.getByRole('checkbox').count()).toBe(0);
    expect(await register.getByRole('button').count()).toBe(0);
    expect(await page.getByText(/Use the register below|can see attendance/).count()).toBe(0);
    await checkPage(page, 'register as the office of a school with a seat');
    await tabTo(page, 'Download your staff’s attendance (CSV)');
    const sheet = await page.request.get(`/api/sessions/${s.id}/attendance.csv`);
    expect(sheet.status()).toBe(200);
    expect(await sheet.text()).toContain('Sam Seated');
  });

  it('a session ended minutes ago: My sessions, the feedback pages and the register say when its attendance is recorded, and agree once it is (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Rae Recorder');
    const org = await t.org();
    const people = [await t.user('staff', org.id, 'Ann Arrived'), await t.user('staff', org.id, 'Ben Arrived')];
    // Ended five minutes ago, on a whole minute: its attendance is recorded 15 minutes after.
    const endsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000).toISOString();
    const startsAt = plusMinutes(endsAt, -60);
    t.clock.set(plusMinutes(startsAt, -60));
    const s = await t.session({ title: 'Sensory circuits', startsAt, endsAt, capacity: { online: 5 } }, trainer);
    const ids: string[] = [];
    for (const p of people) ids.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.id);
    t.clock.set(new Date().toISOString());
    for (const id of ids) expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    const at = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(new Date(plusMinutes(endsAt, 15)));
    const recorded = new RegExp(`Attendance is recorded at ${at} (GMT|BST), 15 minutes after the end`);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/trainer/sessions?when=past', 'My sessions');
    const card = page.getByRole('article', { name: 'Sensory circuits' });
    await card.getByText(/2 people so far\./).waitFor();
    expect(await card.innerText()).toMatch(recorded);
    await checkPage(page, 'my past sessions, attendance not yet recorded');

    await page.goto('/feedback');
    const row = page.getByRole('row').filter({ hasText: 'Sensory circuits' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(recorded);
    expect(await row.innerText()).not.toContain('0 of 0');
    await checkPage(page, 'feedback on my sessions, attendance not yet recorded');
    await activate(page, 'Sensory circuits');
    await page.getByRole('heading', { level: 1, name: 'Feedback: Sensory circuits' }).waitFor();
    await page.getByText(recorded).waitFor();
    expect(await page.getByText('0 answers').count()).toBe(0);
    await checkPage(page, 'a session’s feedback, attendance not yet recorded');

    await page.goto(`/sessions/${s.id}/register`);
    await page.getByRole('region', { name: 'Register', exact: true }).getByText(recorded).waitFor();

    // Recorded: the pages agree, and say nothing more of it.
    t.clock.set(plusMinutes(endsAt, 16));
    await recordAttendanceOutcomes(t.deps);
    await page.goto('/trainer/sessions?when=past');
    await card.waitFor();
    await expect.poll(async () => (await card.innerText()).replace(/\s+/g, ' ')).toContain('Attended 2 people');
    expect(await card.innerText()).not.toMatch(/so far|Attendance is recorded/);
    await page.goto('/feedback');
    await row.waitFor();
    expect((await row.innerText()).replace(/\s+/g, ' ')).toContain('0 of 2');
  });

  it('a list of days: a date that does not exist is refused at The other days, naming it; a day in the past is warned of before publishing (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Dee Dates');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await typeInto(page, 'Title', 'Writing social stories');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill('2027-05-04');
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1730');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'Once');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('On a list of days').isChecked()).toBe(true);

    for (const [typed, message] of <[string, string][]>[
      ['31/02/2027', '31/02/2027 is not a date: February 2027 has 28 days'],
      ['30/02/2027', '30/02/2027 is not a date: February 2027 has 28 days'],
      ['2027-13-01', '2027-13-01 is not a date: there is no month 13, months go from 1 to 12'],
    ]) {
      // From the field (or, after a refusal, from its link in the summary, which focuses it).
      if (!(await page.evaluate(() => document.activeElement?.id === 'dates'))) await tabTo(page, 'The other days');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(`2027-05-11\n${typed}`);
      await activate(page, 'Publish sessions');
      const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
      await summary.getByRole('link', { name: message }).waitFor();
      expect(await summary.getByRole('link').allInnerTexts()).toEqual([message]);
      expect(await page.getByLabel('The other days').getAttribute('aria-invalid')).toBe('true');
      await activate(page, message);
      await expectFocused(page, '#dates');
    }
    await checkPage(page, 'a list of days with a date that does not exist');
    expect((await t.request('GET', '/api/sessions?limit=100', { as: trainer })).json.items.filter((x: any) => x.title === 'Writing social stories')).toEqual([]);

    // A day in the past: said as it is typed, before anything is published.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('01/01/2020\n2027-05-11');
    await page.getByRole('status').filter({ hasText: 'The start time on 01/01/2020 is in the past: no one will be able to book that session.' }).waitFor();
    await checkPage(page, 'a list of days with one in the past');
    expect((await t.request('GET', '/api/sessions?limit=100', { as: trainer })).json.items.filter((x: any) => x.title === 'Writing social stories')).toEqual([]);
  });

  it('a start or end in the hour the clocks skip says that time does not exist that day, not that the end must be after the start (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Cal Clocks');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/sessions/new', 'New session');
    await typeInto(page, 'Title', 'Early risers');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill('2027-03-28');
    await fillAt(page, 'Start time', '01:30');
    await fillAt(page, 'End time', '02:30');
    await typeInto(page, 'Number of online seats', '20');
    await activate(page, 'Publish session');
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    const start = '01:30 does not exist on 28 March 2027 in Europe/London: the clocks go forward from 01:00 to 02:00. Choose a start time before 01:00 or from 02:00.';
    await summary.getByRole('link', { name: start }).waitFor();
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([start]);
    expect(await page.getByLabel('Start time').getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'a start time the clocks skip');

    await fillAt(page, 'Start time', '00:30');
    await fillAt(page, 'End time', '01:45');
    await activate(page, 'Publish session');
    const end = '01:45 does not exist on 28 March 2027 in Europe/London: the clocks go forward from 01:00 to 02:00. Choose an end time before 01:00 or from 02:00.';
    await summary.getByRole('link', { name: end }).waitFor();
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([end]);
    await activate(page, end);
    await expectFocused(page, '#end');
    expect((await t.request('GET', '/api/sessions?limit=100', { as: trainer })).json.items.filter((x: any) => x.title === 'Early risers')).toEqual([]);
  });
});
