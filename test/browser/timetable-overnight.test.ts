/**
 * A lesson that runs past midnight (an evening class from 17:30 to 01:00) is on the timetable
 * week's rows of both days it covers: the second says until when, and from when it began,
 * not "No lessons".
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, newPage, serverAndBrowser, signInTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

/** A Monday some weeks ahead, as YYYY-MM-DD. */
function mondayAhead(weeks: number): string {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + 7 * weeks);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
const dayAfter = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!browserAvailable)('a lesson past midnight on the timetable week', () => {
  const env = serverAndBrowser();

  it('is on both days: Wednesday from 17:30, Thursday until 01:00 (from Wednesday), not "No lessons" (320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Night School');
    const teacher = await t.user('staff', org.id, 'Nia Evening');
    const monday = mondayAhead(2);
    const [wednesday, thursday] = [dayAfter(monday, 2), dayAfter(monday, 3)];
    const compact = (d: string) => d.replaceAll('-', '');
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Evening//EN',
      'BEGIN:VEVENT', 'UID:evening@example.org', 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=Europe/London:${compact(wednesday)}T173000`, `DTEND;TZID=Europe/London:${compact(thursday)}T010000`, 'SUMMARY:Adult literacy evening', 'END:VEVENT',
      'END:VCALENDAR', ''].join('\r\n');
    const put = await t.request('PUT', '/api/me/timetable', { as: teacher, body: ics, headers: { 'content-type': 'text/calendar' } });
    expect(put.status, put.text).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, `/timetable?week=${monday}`, 'My timetable');
    const table = page.getByRole('table', { name: 'Your lessons and the training sessions, day by day' });
    await table.getByRole('row').filter({ hasText: 'Adult literacy evening' }).first().waitFor();
    const rowText = async (name: RegExp) => (await table.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) }).innerText()).replace(/\s+/g, ' ');
    expect(await rowText(/^Wednesday/)).toMatch(/17:30 to \d+ \w+, 01:00 G|17:30 to .*01:00 .*Adult literacy evening/);
    const second = await rowText(/^Thursday/);
    expect(second).toMatch(/Until 01:00 (GMT|BST) Adult literacy evening \(from Wednesday, \d+ \w+ \d{4}, 17:30 (GMT|BST)\)/);
    expect(second).not.toContain('No lessons');
    expect(await rowText(/^Friday/)).toContain('No lessons');
    await checkPage(page, 'a timetable week with a lesson past midnight (320 px)');
  });
});
