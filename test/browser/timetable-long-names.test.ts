/**
 * Lesson names over 200 characters, as a person meets them on My timetable and an office on
 * Who needs cover, by keyboard at 320 px, axe-clean: a CSV with one is refused, naming the
 * line and the limit, and nothing is saved; a calendar file with one is saved with the name
 * shortened at a whole character (ending with "…"), and the saved message says so, in the
 * page's status region where the person is told their timetable was saved.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, NARROW, newPage, serverAndBrowser, signInTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

/** The tester's name: 199 letters, an emoji and a word (206 characters). */
const LONG = `${'a'.repeat(199)}😀 tail`;
/** A long event name from a school's system, in words. */
const WORDY = `Year 10 English literature ${'and literature '.repeat(20)}with Ms Evans in room 12`;

/** A calendar of weekly Monday lessons from a fortnight ago, one per name, as a school's system exports it. */
function calendar(names: string[]): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 14);
  const day = d.toISOString().slice(0, 10).replaceAll('-', '');
  const events = names.flatMap((name, i) => [
    'BEGIN:VEVENT',
    `UID:lesson-${i}@school.example`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=Europe/London:${day}T${String(9 + i).padStart(2, '0')}0000`,
    `DTEND;TZID=Europe/London:${day}T${String(9 + i).padStart(2, '0')}4500`,
    'RRULE:FREQ=WEEKLY;BYDAY=MO',
    `SUMMARY:${name}`,
    'END:VEVENT',
  ]);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example SIS//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
}

describe.skipIf(!browserAvailable)('timetable lesson names over 200 characters', () => {
  const env = serverAndBrowser();

  it('My timetable refuses a CSV with one, naming the line and the limit; a calendar file with one is saved shortened, and the saved message says how many names were shortened', async () => {
    const { t } = env.server;
    const org = await t.org('Elm Primary');
    const teacher = await t.user('staff', org.id, 'Esme Evans');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, '/timetable', 'My timetable');
    await page.getByText('You have no timetable yet.').waitFor();

    await page.setInputFiles('#timetable-file', { name: 'lessons.csv', mimeType: 'text/csv', buffer: Buffer.from(`day,start,end,label\nMonday,09:00,10:00,Year 3 maths\nFriday,09:00,10:00,${LONG}\n`) });
    await activate(page, 'Upload timetable');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    const said = (await page.locator('#timetable-file-error').textContent()) ?? '';
    expect(said).toContain('Line 3: the lesson name in the label column is 206 characters; at most 200.');
    expect(said).toContain('The timetable was not changed.');
    expect(await page.locator('.problem-list li').allTextContents()).toEqual(['Line 3: the lesson name in the label column is 206 characters; at most 200']);
    expect((await t.request('GET', '/api/me/timetable', { as: teacher })).json.source).toBeNull();
    await checkPage(page, 'My timetable, a CSV with a lesson name too long');

    await page.setInputFiles('#timetable-file', { name: 'school.ics', mimeType: 'text/calendar', buffer: Buffer.from(calendar([WORDY, LONG, 'Year 7 art'])) });
    await activate(page, 'Upload timetable');
    const status = page.getByRole('status').filter({ hasText: 'Your timetable was saved from school.ics' });
    await status.waitFor();
    expect(await status.textContent()).toMatch(/^Your timetable was saved from school\.ics: \d+ dated lessons\. 2 event names in the calendar are longer than 200 characters, the most a lesson name may be, so they are kept shortened, each ending with “…”\.$/);
    // The refusal of the file before is gone.
    expect(await page.getByRole('alert').filter({ hasText: 'There is a problem' }).count()).toBe(0);
    const week = page.getByRole('table', { name: 'Your lessons and the training sessions, day by day' });
    await week.getByRole('row').filter({ hasText: `Year 10 English literature ${'and literature '.repeat(11)}and…` }).first().waitFor();
    expect(await week.textContent()).not.toContain('\uFFFD');
    await checkPage(page, 'My timetable, a calendar saved with names shortened');
  });

  it('Who needs cover refuses an office’s staff file with a lesson name too long, naming the line; nothing is saved', async () => {
    const { t } = env.server;
    const org = await t.org('Fir Primary');
    const office = await t.user('office', org.id, 'Olu Office');
    const teacher = await t.user('staff', org.id, 'Tomas Teacher');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/cover', 'Who needs cover');
    await page.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,day,start,end,label\n${teacher.email},Monday,09:00,10:00,${WORDY}\n`) });
    await activate(page, 'Upload staff timetables');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    expect(await page.locator('.problem-list li').allTextContents()).toEqual([`Line 2: the lesson name in the label column is ${WORDY.length} characters; at most 200`]);
    expect((await t.request('GET', `/api/users/${teacher.id}/timetable`, { as: office })).status).toBe(404);
    await checkPage(page, 'Who needs cover, a staff file with a lesson name too long');
  });
});
