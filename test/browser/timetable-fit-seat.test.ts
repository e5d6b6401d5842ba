/**
 * My timetable says how each session fits seat by seat, as the session list does and by the
 * server's one rule (an in-person seat allows the organisation's travel time, an online one
 * does not): a hybrid session whose in-person seat clashes "fits if you join online", not
 * "fits"; and a session the person holds a place on is judged by the seat kind they hold, an
 * in-person seat that clashes saying so with what to do. And its Previous week and Next week
 * step within the page: focus stays on the link pressed and the new week is announced, while
 * a real page change still takes focus to the page's heading. Keyboard only, 320 px, axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, NARROW, newPage, signInTo, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

/** The Monday (YYYY-MM-DD, a day in England) of the week after next: far enough ahead that every session is still to come. */
function mondayAhead(): string {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + 8);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** `HH:MM` on `day` in England as an instant (GMT or BST, whichever England keeps that day). */
function inEngland(day: string, hhmm: string): string {
  const noon = new Date(`${day}T12:00:00Z`);
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'longOffset' }).formatToParts(noon).find((p) => p.type === 'timeZoneName')!.value;
  const sign = offset === 'GMT' ? '+00:00' : offset.slice(3);
  return new Date(`${day}T${hhmm}:00${sign}`).toISOString();
}
const longDay = (day: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${day}T12:00:00Z`));

/** The text of one session's entry in the week's table. */
async function entry(page: Page, title: string): Promise<string> {
  const li = page.getByRole('table', { name: 'Your lessons and the training sessions, day by day' }).locator('li').filter({ has: page.getByRole('link', { name: title, exact: true }) });
  await li.waitFor();
  return ((await li.textContent()) ?? '').replace(/\s+/g, ' ');
}

describe.skipIf(!browserAvailable)('My timetable: fit by seat kind, and stepping through weeks', () => {
  const env = serverAndBrowser();

  it('says a hybrid session fits only online when its in-person seat (with travel time) clashes, and judges a place by the seat kind held', async () => {
    const { t } = env.server;
    const org = await t.org('Oakfield Primary', { travelBufferMinutes: 30 });
    const amira = await t.user('staff', org.id, 'Amira Khan');
    const other = await t.user('staff', org.id, 'Ben Carter');
    expect((await t.request('PUT', '/api/me/timetable', { as: amira, body: 'day,start,end,label\nMonday,15:30,16:30,Year 3 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);

    const monday = mondayAhead();
    // 16:45: 15 minutes after the lesson ends, inside the 30 minutes allowed to travel.
    const at = (title: string, extra: Record<string, unknown>) => t.session({ title, startsAt: inEngland(monday, '16:45'), endsAt: inEngland(monday, '17:45'), ...extra });
    const hybrid = { mode: 'hybrid', venue: 'Town Hall, Leeds', capacity: { inPerson: 5, online: 5 } };
    await at('Hybrid not booked', hybrid);
    const inPersonBooked = await at('Hybrid booked in person', hybrid);
    const onlineBooked = await at('Hybrid booked online', hybrid);
    const onlineFull = await at('Hybrid online full', { ...hybrid, capacity: { inPerson: 5, online: 1 } });
    await at('In person only', { mode: 'in_person', venue: 'Town Hall, Leeds', capacity: { inPerson: 5 } });
    await t.session({ title: 'Hybrid in the evening', ...hybrid, startsAt: inEngland(monday, '18:00'), endsAt: inEngland(monday, '19:00') });
    await t.session({ title: 'Online in the lesson', mode: 'online', startsAt: inEngland(monday, '16:00'), endsAt: inEngland(monday, '17:00'), capacity: { online: 5 } });
    const book = async (who: typeof amira, s: { id: string }, seat: string) => expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: { seat } })).json).toMatchObject({ status: 'confirmed', seat });
    await book(amira, inPersonBooked, 'in_person');
    await book(amira, onlineBooked, 'online');
    await book(other, onlineFull, 'online');
    await book(amira, onlineFull, 'in_person');

    // The server's own word on the in-person booking: it clashes (the cover report lists it), as the page must say.
    const clashes = (await t.request('GET', `/api/me/clashes?from=${monday}&to=${monday}`, { as: amira })).json.items as { session: { id: string }; seat: string }[];
    expect(clashes.map((c) => c.session.id).sort()).toEqual([inPersonBooked.id, onlineFull.id].sort());

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, amira, `/timetable?week=${monday}`, 'My timetable');
    const lesson = 'Year 3 maths, Mon';

    const notBooked = await entry(page, 'Hybrid not booked');
    expect(notBooked).toContain('Fits if you join online. In person it clashes with your timetable (allowing 30 minutes to travel):');
    expect(notBooked).toContain(lesson);
    expect(notBooked).not.toContain('Fits your timetable');

    const heldInPerson = await entry(page, 'Hybrid booked in person');
    expect(heldInPerson).toContain('Your in-person seat clashes with your timetable (allowing 30 minutes to travel):');
    expect(heldInPerson).toContain(lesson);
    expect(heldInPerson).toContain('An online seat is free and would fit: change to it on My bookings. Otherwise ask your school office to arrange cover.');
    expect(heldInPerson).not.toContain('Fits');

    expect(await entry(page, 'Hybrid booked online')).toContain('Your online seat fits your timetable.');

    const full = await entry(page, 'Hybrid online full');
    expect(full).toContain('Your in-person seat clashes with your timetable (allowing 30 minutes to travel):');
    expect(full).toContain('Joining online would fit, but no online seat is free now. Ask your school office to arrange cover, or give up your place on My bookings.');

    const inPersonOnly = await entry(page, 'In person only');
    expect(inPersonOnly).toContain('Clashes with your timetable (allowing 30 minutes to travel):');
    expect(inPersonOnly).toContain(lesson);
    expect(await entry(page, 'Hybrid in the evening')).toContain('Fits your timetable, in person (allowing 30 minutes to travel) or online.');
    const during = await entry(page, 'Online in the lesson');
    expect(during).toContain('Clashes with your timetable:');
    expect(during).not.toContain('travel');
    await checkPage(page, 'My timetable with fit notes by seat kind (320 px)');

    // "My bookings" in the advice leads where the seat can be changed.
    const table = page.getByRole('table', { name: 'Your lessons and the training sessions, day by day' });
    expect(await table.locator('li').filter({ hasText: 'Hybrid booked in person' }).first().getByRole('link', { name: 'My bookings' }).getAttribute('href')).toBe('/bookings');

    // The session's own page says the same of the place held: by its seat kind, with what to do.
    await page.goto(`/sessions/${inPersonBooked.id}`);
    await page.getByRole('heading', { level: 1, name: 'Hybrid booked in person' }).waitFor();
    const note = page.locator('dd', { hasText: /your timetable/i });
    await expect.poll(async () => (await note.innerText()).replace(/\s+/g, ' ').trim()).toContain('Your in-person seat clashes with your timetable (allowing 30 minutes to travel):');
    expect((await note.innerText()).replace(/\s+/g, ' ')).toContain('An online seat is free and would fit: change to it on My bookings. Otherwise ask your school office to arrange cover.');
    await checkPage(page, 'session page, in-person place that clashes (320 px)');
  });

  it('Previous week and Next week keep focus on the link pressed and announce the week; a real page change still focuses the heading', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id, 'Priya Shah');
    expect((await t.request('PUT', '/api/me/timetable', { as: staff, body: 'day,start,end,label\nMonday,09:00,10:00,Year 5 science\nTuesday,11:00,12:00,Year 6 reading\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const monday = mondayAhead();
    await t.session({ title: 'Twilight webinar', mode: 'online', startsAt: inEngland(addDays(monday, 7), '16:00'), endsAt: inEngland(addDays(monday, 7), '17:00'), capacity: { online: 5 } });

    // 320 px wide and short, so the week's links are below the first screen.
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 400 } });
    await signInTo(page, staff, `/timetable?week=${monday}`, 'My timetable', { nav: 'My timetable' });
    await page.getByRole('heading', { level: 2, name: `Week of ${longDay(monday)}` }).waitFor();

    await tabTo(page, 'Next week');
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled, 'at 320 px the week links are below the first screen').toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    const next = addDays(monday, 7);
    await page.getByRole('heading', { level: 2, name: `Week of ${longDay(next)}` }).waitFor();
    await expect.poll(() => page.url()).toContain(`week=${next}`);
    await expectFocused(page, '.week-nav a:nth-child(2)');
    // The week is said in a polite live region that was in the page before it changed.
    expect(await page.locator('#week-status').getAttribute('aria-live')).toBe('polite');
    await page.waitForFunction((text) => document.getElementById('week-status')?.textContent?.includes(text) ?? false, `Week of ${longDay(next)}: 2 lessons, 1 training session.`);
    // Nothing jumped to the top: the link pressed is still in view.
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await entry(page, 'Twilight webinar')).toContain('Fits your timetable.');

    // Again, and back: focus stays where the keyboard is each time.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: `Week of ${longDay(addDays(monday, 14))}` }).waitFor();
    await expectFocused(page, '.week-nav a:nth-child(2)');
    await page.keyboard.press('Shift+Tab');
    await expectFocused(page, '.week-nav a:nth-child(1)');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: `Week of ${longDay(next)}` }).waitFor();
    await expectFocused(page, '.week-nav a:nth-child(1)');
    await page.waitForFunction((text) => document.getElementById('week-status')?.textContent?.includes(text) ?? false, `Week of ${longDay(next)}`);
    await checkPage(page, 'My timetable after stepping through weeks (320 px)');

    // A real page change (the session's page, then the main menu's My timetable) still takes focus to its heading.
    await activate(page, 'Twilight webinar');
    await page.getByRole('heading', { level: 1, name: 'Twilight webinar' }).waitFor();
    await expectFocused(page, 'h1');
    await page.goBack();
    await page.getByRole('heading', { level: 2, name: `Week of ${longDay(next)}` }).waitFor();
    await expectFocused(page, 'h1');
    await tabTo(page, 'Menu', { back: true });
    await page.keyboard.press('Enter');
    await activate(page, 'My timetable');
    await expect.poll(() => page.url()).toMatch(/\/timetable$/);
    await expectFocused(page, 'h1');
  });
});
