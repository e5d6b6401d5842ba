/**
 * Days chosen on the session list, the timetable and the cover pages are days in England
 * (Europe/London), whatever zone the browser is in: the server reads a date as that day in
 * England. A browser in New York or Auckland must still find a session at 00:30 England time
 * on the day asked for, and the timetable and cover pages put it on that day, in summer
 * time (BST) and in winter (GMT). Every other date and time the pages show is England's too,
 * named GMT or BST: the session page, the trainer's My sessions, My bookings and My account.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { randomUUID } from 'node:crypto';
import { browserAvailable, checkPage, newPage, serverAndBrowser, signInAt, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const NEW_YORK = { timezoneId: 'America/New_York' };
const AUCKLAND = { timezoneId: 'Pacific/Auckland' };
const plusMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString();

// Mondays: one in British Summer Time (UTC+1), one in winter (GMT, UTC+0).
const SUMMER = '2027-06-14';
const WINTER = '2027-01-11';

/** 00:30 on Monday 14 June in England; 19:30 on Sunday 13 June in New York. */
const ENGLAND_JUST_PAST_MIDNIGHT = '2027-06-13T23:30:00Z';

/**
 * Sets the server's clock and the page's to ENGLAND_JUST_PAST_MIDNIGHT (the pages keep time by
 * the server's clock, web/src/clock.ts), until the test ends. A sign-in before it has expired
 * by then: sign in after.
 */
async function justPastMidnightInEngland(t: { clock: { now(): Date; set(iso: string): void } }, page: Page) {
  const realNow = t.clock.now().toISOString();
  onTestFinished(() => t.clock.set(realNow));
  t.clock.set(ENGLAND_JUST_PAST_MIDNIGHT);
  await page.clock.setFixedTime(new Date(ENGLAND_JUST_PAST_MIDNIGHT));
}

const titles = async (page: Page) => (await page.getByRole('article').locator('h2').allInnerTexts()).map((s) => s.trim()).sort();

async function open(page: Page, path: string, heading: string) {
  await page.goto(path);
  const h1 = page.getByRole('heading', { level: 1 });
  await h1.waitFor();
  expect((await h1.textContent())?.trim()).toBe(heading);
}

/** The week table's row for a day ("Monday, 14 June 2027"). */
function dayRow(page: Page, day: string) {
  return page.getByRole('table', { name: /day by day/ }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: day, exact: true }) });
}

describe.skipIf(!browserAvailable)('days in England, from a browser in another time zone', () => {
  const env = serverAndBrowser();

  it('session list: From and To are days in England (00:30 England time is in, 00:15 the day after is out), in summer and winter, from New York', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const make = (title: string, startsAt: string) => t.session({ title, mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 45), capacity: { online: 10 } });
    // 14 June 2027 in England (BST): 00:30 is 23:30 UTC the day before; 23:00 is 22:00 UTC.
    await make('June early', '2027-06-13T23:30:00Z');
    await make('June late', '2027-06-14T22:00:00Z');
    await make('June day before', '2027-06-13T21:00:00Z'); // 22:00 to 22:45 BST on the 13th
    await make('June day after', '2027-06-14T23:15:00Z'); // 00:15 BST on the 15th
    // 11 January 2027 in England (GMT).
    await make('January early', '2027-01-11T00:30:00Z');
    await make('January late', '2027-01-11T23:00:00Z');
    await make('January day before', '2027-01-10T23:00:00Z');
    await make('January day after', '2027-01-12T00:15:00Z');

    const page = await newPage(env.browser, env.server, NEW_YORK);
    await signInAt(page, staff);
    await open(page, '/sessions', 'Sessions');

    // Chosen in the form, as a person would.
    await page.getByText('More filters').click();
    await page.getByLabel('Search sessions').fill('June');
    await page.getByLabel('From').fill(SUMMER);
    await page.getByLabel('To').fill(SUMMER);
    await page.getByRole('button', { name: 'Show sessions' }).click();
    await page.waitForURL(/from=2027-06-14/);
    await expect.poll(() => titles(page), { timeout: 5000 }).toEqual(['June early', 'June late']);
    await checkPage(page, 'session list filtered by a day in summer, from New York');

    await open(page, `/sessions?q=January&from=${WINTER}&to=${WINTER}`, 'Sessions');
    await expect.poll(() => titles(page), { timeout: 5000 }).toEqual(['January early', 'January late']);
  });

  it('session list: "from today" is today in England (a New York evening is already tomorrow there)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    await t.session({ title: 'Clockcheck yesterday', mode: 'online', startsAt: '2027-06-13T20:00:00Z', endsAt: '2027-06-13T21:00:00Z', capacity: { online: 10 } });
    await t.session({ title: 'Clockcheck today', mode: 'online', startsAt: '2027-06-14T08:00:00Z', endsAt: '2027-06-14T09:00:00Z', capacity: { online: 10 } });
    const page = await newPage(env.browser, env.server, NEW_YORK);
    await justPastMidnightInEngland(t, page);
    await signInAt(page, staff);
    await open(page, '/sessions?q=Clockcheck', 'Sessions');
    await page.getByRole('status').filter({ hasText: /Showing|No sessions match/ }).waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe('2027-06-14');
    await expect.poll(() => titles(page), { timeout: 5000 }).toEqual(['Clockcheck today']);
  });

  it('who is booked where and export: "from today" is today in England, from New York', async () => {
    const { t } = env.server;
    const org = await t.org();
    const office = await t.user('office', org.id);
    const page = await newPage(env.browser, env.server, NEW_YORK);
    await justPastMidnightInEngland(t, page);
    await signInAt(page, office);
    await open(page, '/office/bookings', 'Who is booked where');
    expect(await page.getByLabel('From').inputValue()).toBe('2027-06-14');
    await open(page, '/office/export', 'Export bookings');
    expect(await page.getByLabel('From').inputValue()).toBe('2027-06-14');
  });

  it('my timetable: the week is days in England, each session and lesson on its day in England and shown in England time, from New York and Auckland', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id);
    expect((await t.request('PUT', '/api/me/timetable', { as: teacher, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Class 4 morning\n' })).status).toBe(200);
    const make = (title: string, startsAt: string) => t.session({ title, mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 10 } });
    await make('Summer small hours', '2027-06-13T23:30:00Z'); // 00:30 BST Monday 14 June
    await make('Summer afternoon', '2027-06-14T14:00:00Z'); // 15:00 BST Monday
    await make('Summer Sunday night', '2027-06-20T21:00:00Z'); // 22:00 BST Sunday 20 June, the week's last day
    await make('Winter small hours', '2027-01-11T00:30:00Z'); // 00:30 GMT Monday 11 January

    const ny = await newPage(env.browser, env.server, { ...NEW_YORK, ...NARROW });
    await signInAt(ny, teacher);
    await open(ny, `/timetable?week=${SUMMER}`, 'My timetable');
    expect((await ny.getByRole('heading', { level: 2, name: /^Week of/ }).textContent())?.trim()).toBe('Week of Monday, 14 June 2027');
    const summerMonday = dayRow(ny, 'Monday, 14 June 2027');
    await summerMonday.filter({ hasText: 'Class 4 morning' }).waitFor();
    const summerText = (await summerMonday.innerText()).replace(/\s+/g, ' ');
    // On the Monday (England's) it is on, and shown in England time.
    expect(summerText).toContain('Summer small hours');
    expect(summerText).toContain('09:00 to 12:00 BST Class 4 morning');
    expect(summerText).toContain('00:30 to 01:30 BST Summer small hours');
    expect(summerText).toContain('15:00 to 16:00 BST Summer afternoon');
    expect((await dayRow(ny, 'Sunday, 20 June 2027').innerText()).replace(/\s+/g, ' ')).toContain('22:00 to 23:00 BST Summer Sunday night');
    await checkPage(ny, 'timetable week in summer, from New York, at 320 px');

    await open(ny, `/timetable?week=${WINTER}`, 'My timetable');
    const winterMonday = dayRow(ny, 'Monday, 11 January 2027');
    await winterMonday.filter({ hasText: 'Class 4 morning' }).waitFor();
    const winterText = (await winterMonday.innerText()).replace(/\s+/g, ' ');
    expect(winterText).toContain('Winter small hours');
    expect(winterText).toContain('09:00 to 12:00 GMT Class 4 morning');
    expect(winterText).toContain('00:30 to 01:30 GMT Winter small hours');

    // This week when no week is asked for: the week of today in England.
    await justPastMidnightInEngland(t, ny); // Monday 00:30 in England, Sunday evening in New York
    await signInAt(ny, teacher);
    await open(ny, '/timetable', 'My timetable');
    expect((await ny.getByRole('heading', { level: 2, name: /^Week of/ }).textContent())?.trim()).toBe('Week of Monday, 14 June 2027');

    const nz = await newPage(env.browser, env.server, AUCKLAND);
    await signInAt(nz, teacher);
    await open(nz, `/timetable?week=${SUMMER}`, 'My timetable');
    const nzMonday = dayRow(nz, 'Monday, 14 June 2027');
    await nzMonday.filter({ hasText: 'Class 4 morning' }).waitFor();
    const nzText = (await nzMonday.innerText()).replace(/\s+/g, ' ');
    expect(nzText).toContain('00:30 to 01:30 BST Summer small hours');
    expect(nzText).toContain('15:00 to 16:00 BST Summer afternoon');
    expect((await dayRow(nz, 'Sunday, 20 June 2027').innerText()).replace(/\s+/g, ' ')).toContain('Summer Sunday night');
  });

  it('who needs cover: From and To are days in England, and the bookings and lessons are dated and timed in England, from Auckland', async () => {
    const { t } = env.server;
    const org = await t.org();
    const office = await t.user('office', org.id);
    const teacher = await t.user('staff', org.id, 'Noor Rahman');
    await t.request('PUT', `/api/users/${teacher.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,14:00,16:00,Year 5 science\n' });
    for (const [title, startsAt] of [
      ['Summer cover workshop', '2027-06-14T14:00:00Z'], // 15:00 BST Monday 14 June: Tuesday 02:00 in Auckland
      ['Winter cover workshop', '2027-01-11T15:00:00Z'], // 15:00 GMT Monday 11 January: Tuesday 04:00 in Auckland
    ] as const) {
      const s = await t.session({ title, mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 10 } });
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: teacher.id } })).status).toBe(201);
    }

    const page = await newPage(env.browser, env.server, AUCKLAND);
    await signInAt(page, office);
    await open(page, `/office/cover?from=${SUMMER}&to=${SUMMER}`, 'Who needs cover');
    const summer = page.getByRole('row').filter({ hasText: 'Noor Rahman' });
    await summer.waitFor();
    const summerText = (await summer.innerText()).replace(/\s+/g, ' ');
    expect(summerText).toContain('Summer cover workshop');
    expect(summerText).toContain('Monday, 14 June 2027, 15:00 to 16:00 BST');
    expect(summerText).toContain('Year 5 science, Mon 14 Jun, 14:00 to 16:00 BST');
    expect(await page.getByRole('table').getByText('Cover needed from Monday, 14 June 2027 to Monday, 14 June 2027').count()).toBe(1);
    await checkPage(page, 'cover page in summer, from Auckland');

    // Through the form, in winter.
    await page.getByLabel('From', { exact: true }).fill(WINTER);
    await page.getByLabel('To', { exact: true }).fill(WINTER);
    await page.getByRole('button', { name: 'Show cover needed' }).click();
    await page.waitForURL(/from=2027-01-11/);
    const winter = page.getByRole('row').filter({ hasText: 'Winter cover workshop' });
    await winter.waitFor();
    const winterText = (await winter.innerText()).replace(/\s+/g, ' ');
    expect(winterText).toContain('Monday, 11 January 2027, 15:00 to 16:00 GMT');
    expect(winterText).toContain('Year 5 science, Mon 11 Jan, 14:00 to 16:00 GMT');
    expect(await page.getByRole('row').filter({ hasText: 'Summer cover workshop' }).count()).toBe(0);
  });

  it('session page, My sessions, My bookings and My account: dates and times are England’s, named BST or GMT, from New York', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const trainer = await t.user('trainer');
    // 00:30 BST on Tuesday 15 June 2027 in England: 19:30 on Monday 14 June in New York.
    const summer = await t.session({ title: 'Small hours summer', mode: 'online', startsAt: '2027-06-14T23:30:00Z', endsAt: '2027-06-15T00:30:00Z', bookingClosesAt: '2027-06-14T22:00:00Z', capacity: { online: 10 } }, trainer);
    // 00:30 GMT on Tuesday 12 January 2027 in England: 19:30 on Monday 11 January in New York.
    const winter = await t.session({ title: 'Small hours winter', mode: 'online', startsAt: '2027-01-12T00:30:00Z', endsAt: '2027-01-12T01:30:00Z', capacity: { online: 10 } }, trainer);
    for (const s of [summer, winter]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    // A sign-in provider linked at 00:30 BST on 15 June 2026 in England (14 June in New York).
    const providerId = randomUUID();
    await t.db.insertInto('identity_providers').values({ id: providerId, label: 'Trust sign-in', issuer: 'https://id.example.org', client_id: 'tts', client_secret_enc: null, org_domains: '[]', org_claim: null, created_at: '2026-01-01T00:00:00Z' }).execute();
    await t.db.insertInto('user_identities').values({ id: randomUUID(), provider_id: providerId, subject: 'sub-1', user_id: staff.id, created_at: '2026-06-14T23:30:00Z', last_used_at: '2026-06-14T23:30:00Z' }).execute();

    // The page's heading once it has loaded (a page shows a placeholder heading until then).
    const openAt = async (page: Page, path: string, heading: string) => {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    };
    const text = async (page: Page) => (await page.getByRole('main').innerText()).replace(/\s+/g, ' ');
    const ny = await newPage(env.browser, env.server, NEW_YORK);
    await signInAt(ny, staff);

    await openAt(ny, `/sessions/${summer.id}`, 'Small hours summer');
    await ny.getByText('00:30 to 01:30 BST').waitFor();
    const summerPage = await text(ny);
    expect(summerPage).toContain('Tuesday, 15 June 2027 00:30 to 01:30 BST');
    expect(summerPage).toContain('Booking closes Mon, 14 Jun 2027, 23:00 BST');
    expect(summerPage).not.toContain('Monday, 14 June 2027');
    expect(summerPage).not.toMatch(/GMT-\d|EDT|EST/);
    await checkPage(ny, 'session page in England time, from New York');
    await openAt(ny, `/sessions/${winter.id}`, 'Small hours winter');
    await ny.getByText('00:30 to 01:30 GMT').waitFor();
    expect(await text(ny)).toContain('Tuesday, 12 January 2027 00:30 to 01:30 GMT');

    await openAt(ny, '/bookings', 'My bookings');
    await ny.getByText('Small hours summer').first().waitFor();
    const bookings = await text(ny);
    expect(bookings).toContain('Tuesday, 15 June 2027 00:30 to 01:30 BST');
    expect(bookings).toContain('Tuesday, 12 January 2027 00:30 to 01:30 GMT');
    expect(bookings).not.toMatch(/Monday, 1[14] (June|January) 2027|GMT-\d/);

    await openAt(ny, '/account', 'My account');
    await ny.getByText('Trust sign-in (linked 15 June 2026)').waitFor();

    const trainerPage = await newPage(env.browser, env.server, NEW_YORK);
    await signInAt(trainerPage, trainer);
    await openAt(trainerPage, '/trainer/sessions', 'My sessions');
    await trainerPage.getByText('Small hours summer').waitFor();
    const mine = await text(trainerPage);
    expect(mine).toContain('Tuesday, 15 June 2027 00:30 to 01:30 BST');
    expect(mine).toContain('Tuesday, 12 January 2027 00:30 to 01:30 GMT');
    expect(mine).not.toMatch(/Monday, 1[14] (June|January) 2027|GMT-\d/);
  });
  it('a session across the clocks going back names both zones, and one ending after midnight names its end’s day: on the session page and My bookings (320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    // 00:30 BST on Sunday 31 October 2027; the clocks go back at 02:00 BST, so 01:30 GMT is two hours later.
    const across = await t.session({ title: 'Across the clock change', mode: 'online', startsAt: '2027-10-30T23:30:00Z', endsAt: '2027-10-31T01:30:00Z', capacity: { online: 10 } });
    // 22:00 GMT on Friday 5 March 2027 to 01:00 on Saturday 6 March.
    const late = await t.session({ title: 'Past midnight', mode: 'online', startsAt: '2027-03-05T22:00:00Z', endsAt: '2027-03-06T01:00:00Z', capacity: { online: 10 } });
    for (const s of [across, late]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff);
    // The page's heading once it has loaded (a page shows a placeholder heading until then).
    const openAt = async (path: string, heading: string) => {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    };
    const main = async () => (await page.getByRole('main').innerText()).replace(/\s+/g, ' ');

    await openAt(`/sessions/${across.id}`, 'Across the clock change');
    await page.getByText('00:30 BST to 01:30 GMT').waitFor();
    expect(await main()).toContain('Sunday, 31 October 2027 00:30 BST to 01:30 GMT');
    await checkPage(page, 'a session across the clock change, at 320 px');
    await openAt(`/sessions/${late.id}`, 'Past midnight');
    await page.getByText('22:00 to Sat 6 Mar, 01:00 GMT').waitFor();
    expect(await main()).toContain('Friday, 5 March 2027 22:00 to Sat 6 Mar, 01:00 GMT');

    await openAt('/bookings', 'My bookings');
    await page.getByText('Past midnight').first().waitFor();
    const bookings = await main();
    expect(bookings).toContain('Sunday, 31 October 2027 00:30 BST to 01:30 GMT');
    expect(bookings).toContain('Friday, 5 March 2027 22:00 to Sat 6 Mar, 01:00 GMT');
    await checkPage(page, 'My bookings with both, at 320 px');
  });
});
