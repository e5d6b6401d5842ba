import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, signInAt, signInTo, tabTo, warnIfSkipped, serverAndBrowser, checkPage, activate, NARROW } from './harness.js';

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

/** A calendar with one weekly lesson on Mondays (from a fortnight ago), as a school's system exports it. */
function weeklyIcs(summary: string, uid: string): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 14);
  const day = d.toISOString().slice(0, 10).replaceAll('-', '');
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test school//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=Europe/London:${day}T130000`, `DTEND;TZID=Europe/London:${day}T140000`, 'RRULE:FREQ=WEEKLY;BYDAY=MO', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

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
    await signInAt(page, teacher);
    await open(page, `/timetable?week=${monday.slice(0, 10)}`, 'My timetable');
    await page.getByText('You have no timetable yet.').waitFor();
    await expectNoAxeViolations(page, 'timetable page, empty');

    // A bad file: nothing is saved, and the bad line is named.
    await page.setInputFiles('#timetable-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('day,start,end,label\nMonday,09:00,12:00,Class 4\nFunday,13:00,15:15,Class 4\n') });
    await page.getByRole('button', { name: 'Upload timetable' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    await page.getByText('Line 3: day "Funday" is not a day of the week', { exact: false }).first().waitFor();
    await expectNoAxeViolations(page, 'timetable page with upload errors');

    // Saved by Excel as "CSV (Comma delimited)" on a UK PC (Windows-1252): sent as it is and
    // refused, naming the line and how to save it as CSV UTF-8, not saved as "Zo�".
    const ansi = Buffer.from('day,start,end,label\nMonday,09:00,12:00,Zo\xeb\x92s class\n', 'latin1');
    await page.setInputFiles('#timetable-file', { name: 'ansi.csv', mimeType: 'text/csv', buffer: ansi });
    await page.getByRole('button', { name: 'Upload timetable' }).click();
    await page.getByText('Line 2: This file is not saved as UTF-8 text', { exact: false }).first().waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'There is a problem' }).textContent()).toContain('CSV UTF-8 (Comma delimited)');

    // Saved by Excel as "Unicode Text" (UTF-16, tab-separated): read as written.
    const unicodeText = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('day\tstart\tend\tlabel\r\nMonday\t09:00\t12:00\tClass 4 morning\r\nMonday\t13:00\t15:15\tClass 4 afternoon\r\n', 'utf16le')]);
    await page.setInputFiles('#timetable-file', { name: 'timetable.csv', mimeType: 'text/csv', buffer: unicodeText });
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
    await signInAt(page, office);
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

  it('the cover page counts bookings and lessons in good English: “1 booking needs cover for 2 lessons”', async () => {
    const { t } = env.server;
    const org = await t.org();
    const office = await t.user('office', org.id);
    const teacher = await t.user('staff', org.id, 'Rhys Jones');
    await t.request('PUT', `/api/users/${teacher.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,07:00,10:15,Year 3 maths\nMonday,10:15,13:00,Year 3 English\n' });
    // 09:00 to 10:30 UTC: across both lessons in GMT and in BST alike.
    const monday = nextMonday(9);
    const s = await t.session({ title: 'Dyslexia in the classroom', mode: 'online', startsAt: monday, endsAt: plusHours(monday, 1.5), capacity: { online: 10 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: teacher.id } })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    const day = monday.slice(0, 10);
    await open(page, `/office/cover?from=${day}&to=${day}`, 'Who needs cover');
    await page.getByRole('row').filter({ hasText: 'Rhys Jones' }).waitFor();
    expect((await page.locator('p.count[role="status"]').textContent())?.trim()).toBe('1 booking needs cover for 2 lessons.');
    await checkPage(page, 'cover page, one booking');

    // A place on the waitlist is listed (cover is needed if the seat comes), and said apart: it is not a seat yet.
    const full = await t.session({ title: 'A full session', mode: 'online', startsAt: monday, endsAt: plusHours(monday, 1.5), capacity: { online: 1 } });
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: await t.user('staff', org.id), body: {} })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: office, body: { userId: teacher.id } })).json.status).toBe('waitlisted');
    await page.reload();
    await expect.poll(async () => (await page.locator('p.count[role="status"]').textContent())?.trim()).toBe('1 booking needs cover for 2 lessons; 1 place on the waitlist or offered a seat would need cover for 2 lessons if the seat comes.');
    await checkPage(page, 'cover page, a place on the waitlist');
  });

  it('a CSV timetable marks an INSET day closed: the week shows it and the session that day fits; an office file closes a day for everyone in it (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Ola Office');
    const teacher = await t.user('staff', org.id, 'Sam Teacher');
    const other = await t.user('staff', org.id, 'Kit Teacher');
    const monday = nextMonday(10);
    const day = monday.slice(0, 10);
    const [y, m, d] = day.split('-');
    await t.session({ title: 'INSET-day webinar', mode: 'online', startsAt: monday, endsAt: plusHours(monday, 1), capacity: { online: 10 } });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, teacher);
    await open(page, `/timetable?week=${day}`, 'My timetable');
    await page.setInputFiles('#timetable-file', { name: 'timetable.csv', mimeType: 'text/csv', buffer: Buffer.from(`day,start,end,label\nMonday,09:00,12:00,Class 2 morning\n${d}/${m}/${y},,,INSET day\n`) });
    await activate(page, 'Upload timetable');
    await page.getByRole('status').filter({ hasText: 'Your timetable was saved from timetable.csv: 1 weekly lesson, 1 school closure.' }).waitFor();
    const week = page.getByRole('table', { name: 'Your lessons and the training sessions, day by day' });
    const mondayRow = week.getByRole('row').filter({ hasText: 'INSET-day webinar' });
    await mondayRow.getByText('School closed: INSET day').waitFor();
    // Before, the date was refused as "not a day of the week" and the Monday lesson made the session clash.
    expect(await mondayRow.textContent()).not.toContain('Class 2 morning');
    expect(await mondayRow.locator('li').filter({ hasText: 'INSET-day webinar' }).textContent()).toMatch(/Fits your timetable/);
    await checkPage(page, 'timetable with an INSET day');

    const officePage = await newPage(env.browser, env.server, NARROW);
    await signInAt(officePage, office);
    await open(officePage, '/office/cover', 'Who needs cover');
    const file = ['email,day,start,end,label', `${teacher.email},Monday,09:00,12:00,Class 2`, `${other.email},Monday,09:00,12:00,Class 5`, `,${day},,,INSET day`].join('\n');
    await officePage.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await tabTo(officePage, 'Upload staff timetables');
    await officePage.keyboard.press('Enter');
    await officePage.getByRole('status').filter({ hasText: 'Timetables saved for 2 people, with days the school is closed for all of them.' }).waitFor();
    const kit = (await t.request('GET', `/api/users/${other.id}/timetable?from=${day}T00:00:00Z&to=${plusHours(monday, 24 * 7)}`, { as: office })).json;
    expect(kit.freeDays).toEqual([expect.objectContaining({ from: day, label: 'INSET day' })]);
    await checkPage(officePage, 'cover page after a staff file with an INSET day');
  });

  it('Who needs cover lists a member of staff delivering a session in their lesson time as delivering, in words (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Elm Primary');
    const admin = await t.user('admin');
    const office = await t.user('office', org.id, 'Efe Office');
    const lead = await t.user('staff', org.id, 'Lena Lead');
    expect((await t.request('PUT', `/api/orgs/${org.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
    expect((await t.request('PUT', `/api/users/${lead.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 6 English\n' })).status).toBe(200);
    const monday = nextMonday(10);
    const published = await t.request('POST', '/api/sessions', { as: lead, body: { title: 'Elm INSET: zones of regulation', mode: 'online', startsAt: monday, endsAt: plusHours(monday, 1), capacity: { online: 20 }, audience: { kind: 'organisation', orgId: org.id } } });
    expect(published.status, published.text).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    const day = monday.slice(0, 10);
    await open(page, `/office/cover?from=${day}&to=${day}`, 'Who needs cover');
    const row = page.getByRole('row').filter({ hasText: 'Lena Lead' });
    await row.waitFor();
    // Before, a lead running the session was not listed at all: the page said no one needed cover.
    expect(await row.textContent()).toContain('Elm INSET: zones of regulation');
    expect(await row.textContent()).toContain('Delivering the session, online');
    expect(await row.textContent()).toContain('Year 6 English');
    expect((await page.locator('p.count[role="status"]').textContent())?.trim()).toBe('1 person delivering a session needs cover for 1 lesson.');
    await tabTo(page, 'Download as a spreadsheet (CSV)');
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' }).getAttribute('href'))!);
    expect(csv).toMatch(/Lena Lead.*Delivering/);
    await checkPage(page, 'cover page, a member of staff delivering a session');
  });

  it('a timetable file too large to take is refused before sending, in plain words that say how large it may be', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id);
    // A whole calendar exported for years: over the 1 MB a timetable file may hold.
    const event = (i: number) => ['BEGIN:VEVENT', `UID:lesson-${i}@school`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20200106T090000Z', 'DTEND:20200106T100000Z', `SUMMARY:Lesson ${i} ${'x'.repeat(200)}`, 'END:VEVENT'].join('\r\n');
    const big = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', ...Array.from({ length: 4500 }, (_, i) => event(i)), 'END:VCALENDAR', ''].join('\r\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, teacher);
    await open(page, '/timetable', 'My timetable');
    await page.getByText('You have no timetable yet.').waitFor();
    await page.setInputFiles('#timetable-file', { name: 'outlook-export.ics', mimeType: 'text/calendar', buffer: Buffer.from(big) });
    await activate(page, 'Upload timetable');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    const said = (await page.locator('#timetable-file-error').textContent()) ?? '';
    expect(said).toContain('Timetable file: outlook-export.ics is larger than 1 MB, the most a timetable file may be.');
    expect(said).not.toMatch(/request body|KiB/);
    expect((await t.request('GET', '/api/me/timetable', { as: teacher })).json.source).toBeNull();
    await checkPage(page, 'timetable page, a file too large');
  });

  it('both timetable uploads list the first 30 problems and say how many more there are; a week A/B row without a Week A date says what to do (320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Primary');
    const office = await t.user('office', org.id, 'Oona Office');
    const teacher = await t.user('staff', org.id, 'Tomas Teacher');
    // 250 bad rows: more than the service lists one by one (200).
    const bad = ['email,day,start,end', ...Array.from({ length: 250 }, (_, i) => `${teacher.email},Funday${i},09:00,10:00`)].join('\n');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, teacher);
    await open(page, '/timetable', 'My timetable');
    await page.setInputFiles('#timetable-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await activate(page, 'Upload timetable');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    expect(await page.locator('.problem-list li').count()).toBe(30);
    await page.getByText('and 220 more problems.', { exact: true }).waitFor();

    // Week A and B rows before anyone has set the school's Week A date: said in plain words, beside the file and in the list.
    await page.setInputFiles('#timetable-file', { name: 'two-weeks.csv', mimeType: 'text/csv', buffer: Buffer.from('day,start,end,week\nMonday,09:00:00,10:00:00,A\nMonday,10:00:00,11:00:00,B\n') });
    await activate(page, 'Upload timetable');
    await page.locator('#timetable-file-error').filter({ hasText: 'week A' }).waitFor();
    expect(await page.locator('.problem-list li').allTextContents()).toEqual([expect.stringMatching(/^Line 2: this lesson is for week A, but/), expect.stringMatching(/^Line 3: this lesson is for week B, but/)]);
    const said = (await page.locator('#timetable-file-error').textContent()) ?? '';
    expect(said).toContain('Line 2: this lesson is for week A, but your school has no Week A start date yet');
    expect(said).toContain('ask an administrator to set “Week A starts on” for your school on its Organisations page');
    expect(await page.locator('main').textContent()).not.toMatch(/settings|weekAStart|Some of what was entered/);
    await checkPage(page, 'timetable page, week rows without a Week A date');

    const officePage = await newPage(env.browser, env.server, NARROW);
    await signInAt(officePage, office);
    await open(officePage, '/office/cover', 'Who needs cover');
    const few = ['email,day,start,end', ...Array.from({ length: 35 }, (_, i) => `${teacher.email},Funday${i},09:00,10:00`)].join('\n');
    await officePage.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(few) });
    await activate(officePage, 'Upload staff timetables');
    await officePage.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    expect(await officePage.locator('.problem-list li').count()).toBe(30);
    await officePage.getByText('and 5 more problems.', { exact: true }).waitFor();
    await officePage.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await activate(officePage, 'Upload staff timetables');
    await officePage.getByText('and 220 more problems.', { exact: true }).waitFor();
    await checkPage(officePage, 'cover page, a staff file with many problems');

    // A good file: the page says so where it was sent, and the problems of the last one are gone.
    await officePage.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,day,start,end,label\n${teacher.email},Monday,09:00,10:00,Year 3 reading\n`) });
    await activate(officePage, 'Upload staff timetables');
    await officePage.getByRole('status').filter({ hasText: 'Timetables saved for 1 person.' }).waitFor();
    expect(await officePage.locator('.problem-list li').count()).toBe(0);
    expect(await officePage.getByRole('alert').filter({ hasText: 'There is a problem' }).count()).toBe(0);
    expect((await t.request('GET', `/api/users/${teacher.id}/timetable`, { as: office })).json.weekly.map((p: { label: string }) => p.label)).toEqual(['Year 3 reading']);
    await checkPage(officePage, 'cover page after a staff file was saved');
  });

  it('office staff manage one person’s timetable from Staff accounts, by keyboard at 320 px: see it, remove it, upload an ICS file, link a calendar (only its site shown)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const priya = await t.user('staff', org.id, 'Priya Shah');
    expect((await t.request('PUT', `/api/users/${priya.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 2 phonics\n' })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts', { nav: 'Staff accounts' });
    await page.getByRole('heading', { level: 2, name: 'Priya Shah' }).waitFor();
    await activate(page, 'Timetable: Priya Shah');
    await page.getByRole('heading', { level: 1, name: 'Timetable: Priya Shah' }).waitFor();
    await expectFocused(page, 'h1');
    const week = page.getByRole('table', { name: 'Priya Shah’s lessons, day by day' });
    await week.getByRole('row').filter({ hasText: 'Year 2 phonics' }).waitFor();
    await page.getByText('From an uploaded spreadsheet (CSV)').waitFor();
    await checkPage(page, 'a person’s timetable (office)');

    // A wrong upload (or a leaver's) is removed.
    await activate(page, 'Remove Priya Shah’s timetable');
    await expectFocused(page, '.confirm p');
    await activate(page, 'Yes, remove it');
    await page.getByRole('status').filter({ hasText: 'Priya Shah’s timetable was removed.' }).waitFor();
    await expectFocused(page, '#timetable-status');
    await page.getByText('Priya Shah has no timetable yet.').waitFor();
    expect((await t.request('GET', `/api/users/${priya.id}/timetable`, { as: office })).status).toBe(404);
    expect((await t.request('GET', '/api/me/timetable', { as: priya })).json.source).toBeNull();
    await checkPage(page, 'a person’s timetable after removing it');

    // Her ICS export, uploaded for her (choosing the file is the browser's own dialog).
    await page.setInputFiles('#timetable-file', { name: 'priya.ics', mimeType: 'text/calendar', buffer: Buffer.from(weeklyIcs('Year 4 maths', 'y4-maths@birch')) });
    // A slow answer: the page says it is reading the file meanwhile, not nothing.
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    await page.route('**/api/users/*/timetable', async (route) => {
      if (route.request().method() === 'PUT') await held;
      await route.continue();
    });
    await activate(page, 'Upload timetable');
    await page.getByRole('status').filter({ hasText: 'Reading priya.ics…' }).waitFor();
    answer();
    await page.getByRole('status').filter({ hasText: 'Priya Shah’s timetable was saved from priya.ics' }).waitFor();
    await page.unroute('**/api/users/*/timetable');
    await week.getByRole('row').filter({ hasText: 'Year 4 maths' }).waitFor();
    const uploaded = (await t.request('GET', `/api/users/${priya.id}/timetable`, { as: office })).json;
    expect(uploaded.source).toBe('ics');
    expect(uploaded.busy.map((b: { label: string }) => b.label)).toContain('Year 4 maths');
    await checkPage(page, 'a person’s timetable after an ICS upload');

    // Linked to the calendar her school publishes: the office sees the site, never the secret address.
    const feed = createServer((req, res) => {
      if (req.url === '/intranet/timetable') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><title>Sign in to the intranet</title><p>Sign in</p>');
      }
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.end(weeklyIcs('Year 5 science', 'y5-science@birch'));
    });
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
    try {
      const port = (feed.address() as AddressInfo).port;
      t.deps.config.outbound = { ...t.deps.config.outbound, allow: [`127.0.0.1:${port}`] };
      const secret = `http://127.0.0.1:${port}/owa/calendar/5e1c4a9b77d2/reachcalendar.ics`;
      // An address answering with a web page, not a calendar: the server's own reason is shown.
      await tabTo(page, 'Calendar address');
      await page.keyboard.type(`http://127.0.0.1:${port}/intranet/timetable`);
      await page.keyboard.press('Enter');
      const why = 'Calendar address: No calendar could be read from it. The file there is not an iCalendar timetable this service can read. The timetable was not changed.';
      await page.locator('.error-summary').getByText(why).waitFor();
      await checkPage(page, 'a person’s timetable, a calendar address that is not a calendar');
      await page.getByLabel('Calendar address').fill('');
      await tabTo(page, 'Calendar address');
      await page.keyboard.type(secret);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Priya Shah’s timetable now follows the calendar at that address' }).waitFor();
      await week.getByRole('row').filter({ hasText: 'Year 5 science' }).waitFor();
      await page.getByText(`Linked to a calendar at http://127.0.0.1:${port}`).waitFor();
      expect(await page.locator('main').textContent()).not.toContain('5e1c4a9b77d2');
      expect(await page.getByLabel('Calendar address').inputValue()).toBe('');
      const linked = (await t.request('GET', '/api/me/timetable', { as: priya })).json;
      expect(linked.source).toBe('subscription');
      expect(linked.subscription.url).toBe(secret);
      await checkPage(page, 'a person’s timetable linked to a calendar');
    } finally {
      feed.closeAllConnections();
      await new Promise<void>((resolve) => feed.close(() => resolve()));
    }
  });

  it('a calendar a teacher linked themselves is private to them: their office sees “Busy” and an unnamed whole day, and is told why; the teacher sees the names and what the office sees (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Ola Office');
    const teacher = await t.user('staff', org.id, 'Tamsin Private');
    const monday = nextMonday(13);
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const tuesday = plusHours(monday, 24).slice(0, 10).replaceAll('-', '');
    const wednesday = plusHours(monday, 48).slice(0, 10).replaceAll('-', '');
    const personal = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Personal//EN',
      'BEGIN:VEVENT', 'UID:gp@example.org', 'DTSTAMP:20260101T000000Z', `DTSTART:${stamp(monday)}`, `DTEND:${stamp(plusHours(monday, 1))}`, 'SUMMARY:GP appointment', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:wedding@example.org', 'DTSTAMP:20260101T000000Z', `DTSTART;VALUE=DATE:${tuesday}`, `DTEND;VALUE=DATE:${wednesday}`, 'SUMMARY:Sister’s wedding', 'END:VEVENT',
      'END:VCALENDAR', ''].join('\r\n');
    expect((await t.request('PUT', '/api/me/timetable', { as: teacher, body: personal, headers: { 'content-type': 'text/calendar' } })).status).toBe(200);
    const week = monday.slice(0, 10);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, `/office/people/${teacher.id}/timetable?org=${org.id}&week=${week}`, 'Timetable: Tamsin Private');
    const table = page.getByRole('table', { name: 'Tamsin Private’s lessons, day by day' });
    await table.getByRole('row').filter({ hasText: 'Busy' }).waitFor();
    const rows = (await table.innerText()).replace(/\s+/g, ' ');
    expect(rows).toMatch(/Monday, \d+ \w+ \d{4} 13:00 to 14:00 GMT Busy Tuesday, \d+ \w+ \d{4} No lessons: a whole day Tamsin Private marked in their own calendar Wednesday/);
    expect(await page.locator('body').innerText()).not.toMatch(/GP appointment|wedding/);
    await page.getByText('Tamsin Private gave this calendar themselves, so what its events are called is private to them: each is shown as “Busy”, with its times.').waitFor();
    await tabTo(page, 'Remove Tamsin Private’s timetable');
    await checkPage(page, 'an office’s view of a calendar a teacher linked themselves (320 px)');

    const own = await newPage(env.browser, env.server, NARROW);
    await signInTo(own, teacher, `/timetable?week=${week}`, 'My timetable');
    const mine = own.getByRole('table', { name: 'Your lessons and the training sessions, day by day' });
    await mine.getByRole('row').filter({ hasText: 'GP appointment' }).waitFor();
    expect((await mine.innerText()).replace(/\s+/g, ' ')).toMatch(/13:00 to 14:00 GMT GP appointment .*Tuesday, \d+ \w+ \d{4} School closed: Sister’s wedding/);
    await own.getByText('You gave this calendar yourself, so what its events are called stays private to you. Your school office and the service’s administrators see only when you are busy (each event shown as “Busy”) and which whole days it marks.').waitFor();
    await tabTo(own, 'Remove my timetable');
    await checkPage(own, 'a teacher’s own view of the calendar they linked (320 px)');
  });

  it('a leaver’s timetable (account turned off): their office sees it, is told it cannot be changed, and removes it by keyboard (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Cedar Primary');
    const office = await t.user('office', org.id, 'Cai Office');
    const leaver = await t.user('staff', org.id, 'Lee Leaving');
    expect((await t.request('PUT', `/api/users/${leaver.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 6 English\n' })).status).toBe(200);
    expect((await t.request('PATCH', `/api/users/${leaver.id}`, { as: office, body: { disabled: true } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/office/people/${leaver.id}/timetable?org=${org.id}`);
    await page.getByRole('heading', { level: 1, name: 'Timetable: Lee Leaving' }).waitFor();
    await page.getByRole('table', { name: 'Lee Leaving’s lessons, day by day' }).getByRole('row').filter({ hasText: 'Year 6 English' }).waitFor();
    await page.getByText('Lee Leaving’s account is turned off, so their timetable can be seen and removed but not changed.').waitFor();
    expect(await page.getByRole('button', { name: 'Upload timetable' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Link calendar' }).count()).toBe(0);
    await checkPage(page, 'a turned-off person’s timetable');

    await activate(page, 'Remove Lee Leaving’s timetable');
    await expectFocused(page, '.confirm p');
    await activate(page, 'Yes, remove it');
    await page.getByRole('status').filter({ hasText: 'Lee Leaving’s timetable was removed.' }).waitFor();
    await page.getByText('Lee Leaving has no timetable.').waitFor();
    expect((await t.request('GET', `/api/users/${leaver.id}/timetable`, { as: office })).status).toBe(404);
    await checkPage(page, 'a turned-off person’s timetable after removing it');
  });

  it('administrators reach anyone’s timetable from People, by keyboard at 320 px, and upload one for them', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('Hazel Academy');
    const person = await t.user('staff', org.id, 'Quinn Timetabled');
    const trainer = await t.user('trainer', null, 'Tariq Trainer');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people', 'People', { nav: 'People' });
    await tabTo(page, 'Name or email');
    await page.keyboard.type('timetabled');
    await page.keyboard.press('Enter');
    await page.getByText('People matching “timetabled”').waitFor();
    await activate(page, 'Timetable: Quinn Timetabled');
    await page.getByRole('heading', { level: 1, name: 'Timetable: Quinn Timetabled' }).waitFor();
    await expectFocused(page, 'h1');
    await page.getByText('Quinn Timetabled has no timetable yet.').waitFor();
    await checkPage(page, 'a person’s timetable (admin), none yet');

    await page.setInputFiles('#timetable-file', { name: 'quinn.csv', mimeType: 'text/csv', buffer: Buffer.from('day,start,end,label\nMonday,10:00,11:00,Year 6 reading\n') });
    await activate(page, 'Upload timetable');
    await page.getByRole('status').filter({ hasText: 'Quinn Timetabled’s timetable was saved from quinn.csv: 1 weekly lesson.' }).waitFor();
    await page.getByRole('table', { name: 'Quinn Timetabled’s lessons, day by day' }).getByRole('row').filter({ hasText: 'Year 6 reading' }).waitFor();
    const saved = (await t.request('GET', '/api/me/timetable', { as: person })).json;
    expect(saved.weekly).toEqual([expect.objectContaining({ day: 'Monday', start: '10:00', end: '11:00', label: 'Year 6 reading' })]);
    await checkPage(page, 'a person’s timetable (admin) after an upload');
    await activate(page, 'Back to People', { back: true });
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();

    // Someone with no organisation (a trainer) is found by the page too.
    await page.goto(`/admin/people/${trainer.id}/timetable`);
    await page.getByRole('heading', { level: 1, name: 'Timetable: Tariq Trainer' }).waitFor();
    await page.getByText('Tariq Trainer has no timetable yet.').waitFor();
  });

  it('a week with more sessions than the table lists says how many and links to all of them in the session list, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id);
    expect((await t.request('PUT', '/api/me/timetable', { as: teacher, body: 'day,start,end,label\nMonday,09:00,10:00,Year 5 maths\n', headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const monday = nextMonday(16);
    const trainer = await t.user('trainer');
    for (let i = 0; i < 201; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, 201 - i) }, (_, j) => t.session({ title: `Webinar ${String(i + j + 1).padStart(3, '0')}`, startsAt: monday, endsAt: plusHours(monday, 1) }, trainer)));
    }
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, `/timetable?week=${monday.slice(0, 10)}`, 'My timetable');
    // Other tests here add sessions that week too: all of them count.
    const from = monday.slice(0, 10);
    const to = new Date(Date.parse(monday) + 6 * 86_400_000).toISOString().slice(0, 10);
    const total = (await t.request('GET', `/api/sessions?from=${from}&to=${to}&limit=1`, { as: teacher })).json.total as number;
    expect(total).toBeGreaterThanOrEqual(201);
    const note = page.getByText(`This week has ${total} sessions; the first 200 are shown here, soonest first.`);
    await note.waitFor();
    await checkPage(page, 'a week of 201 sessions');
    await activate(page, 'See all the week’s sessions in the session list');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByRole('status').filter({ hasText: `of ${total} sessions` }).waitFor();
    const at = new URL(page.url()).searchParams;
    expect([at.get('from'), at.get('to')]).toEqual([from, to]);
  });
});
