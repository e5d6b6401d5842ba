import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, expectNoAxeViolations, newPage, signIn, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);

/** Monday of next week (UTC date) and a time on it. */
function nextMonday(hourUtc: number): string {
  const d = new Date();
  d.setUTCHours(hourUtc, 0, 0, 0);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== 1);
  return d.toISOString();
}
const plusHours = (iso: string, h: number) => new Date(Date.parse(iso) + h * 3_600_000).toISOString();

describe.skipIf(!browserAvailable)('timetable pages', () => {
  const env = serverAndBrowser();

  /** Opens a page and waits for its heading: a missing page ("Page not found") fails the test. */
  async function open(page: Page, path: string, heading: string): Promise<void> {
    await page.goto(path);
    const h1 = page.getByRole('heading', { level: 1 });
    await h1.waitFor();
    expect((await h1.textContent())?.trim()).toBe(heading);
  }

  it('a teacher uploads a timetable, sees bad lines named, and sees which sessions fit in the week view', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id);
    const monday = nextMonday(10);
    await t.session({ title: 'Morning webinar', mode: 'online', startsAt: monday, endsAt: plusHours(monday, 1), capacity: { online: 10 } });
    await t.session({ title: 'Twilight webinar', mode: 'online', startsAt: plusHours(monday, 6), endsAt: plusHours(monday, 7), capacity: { online: 10 } });

    const page = await newPage(env.browser, env.server);
    await signIn(page, teacher);
    await open(page, `/timetable?week=${monday.slice(0, 10)}`, 'My timetable');
    await page.getByText('You have no timetable yet.').waitFor();
    await expectNoAxeViolations(page, 'timetable page, empty');

    // A bad file: nothing is saved, and the bad line is named.
    await page.setInputFiles('#timetable-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('day,start,end,label\nMonday,09:00,12:00,Class 4\nFunday,13:00,15:15,Class 4\n') });
    await page.getByRole('button', { name: 'Upload timetable' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    await page.getByText('Line 3: day "Funday" is not a day of the week', { exact: false }).first().waitFor();
    await expectNoAxeViolations(page, 'timetable page with upload errors');

    await page.setInputFiles('#timetable-file', { name: 'timetable.csv', mimeType: 'text/csv', buffer: Buffer.from('day,start,end,label\nMonday,09:00,12:00,Class 4 morning\nMonday,13:00,15:15,Class 4 afternoon\n') });
    await page.getByRole('button', { name: 'Upload timetable' }).click();
    await page.getByRole('status').filter({ hasText: 'Your timetable was saved from timetable.csv' }).waitFor();

    const week = page.getByRole('table', { name: 'Your lessons and the training sessions, day by day' });
    const mondayRow = week.getByRole('row').filter({ hasText: 'Class 4 morning' });
    await mondayRow.waitFor();
    expect(await mondayRow.textContent()).toContain('Morning webinar');
    const morning = mondayRow.locator('li').filter({ hasText: 'Morning webinar' });
    expect(await morning.textContent()).toMatch(/Clashes with your timetable/);
    expect(await morning.textContent()).toMatch(/Class 4 morning/);
    expect(await mondayRow.locator('li').filter({ hasText: 'Twilight webinar' }).textContent()).toMatch(/Fits your timetable/);
    await expectNoAxeViolations(page, 'timetable page with a week of lessons and sessions');
  });

  it('office staff see who needs cover and can download it', async () => {
    const { t } = env.server;
    const org = await t.org();
    const office = await t.user('office', org.id);
    const teacher = await t.user('staff', org.id, 'Priya Shah');
    await t.request('PUT', `/api/users/${teacher.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 2 phonics\n' });
    const monday = nextMonday(10);
    const s = await t.session({ title: 'Sensory needs workshop', mode: 'online', startsAt: monday, endsAt: plusHours(monday, 1), capacity: { online: 10 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: teacher.id } })).status).toBe(201);

    const page = await newPage(env.browser, env.server);
    await signIn(page, office);
    const day = monday.slice(0, 10);
    await open(page, `/office/cover?from=${day}&to=${day}`, 'Who needs cover');
    const row = page.getByRole('row').filter({ hasText: 'Priya Shah' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Sensory needs workshop');
    expect(await row.textContent()).toContain('Year 2 phonics');
    const link = page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' });
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await link.getAttribute('href'))!);
    expect(csv).toContain('Priya Shah');
    await expectNoAxeViolations(page, 'cover page');
  });
});
