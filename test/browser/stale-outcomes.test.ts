/**
 * Pages that said something no longer true beside what is, found by exploratory testers;
 * each test here failed on the code before its fix. By keyboard, at 320 CSS px, axe-clean:
 * - Who is booked where, asked for a To date before its From date, kept the last range's
 *   count and table under the error, as if they were the answer to the dates in the fields:
 *   now they are hidden and the count says to correct the dates (as Sessions does);
 * - the register of a session cancelled before it was held said "Use the register below"
 *   and "No one is booked on this session yet.": now it says it was cancelled and has no
 *   register; one cancelled after it was held shows its record read only;
 * - a session's Materials kept "“Good link” added…" beside a later upload's refusal: a new
 *   action clears the last outcome as it starts.
 */
import { describe, expect, it } from 'vitest';
import { FILES } from '../materials-files.js';
import { activate, bookBeforeStart, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, settled, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
/** A YYYY-MM-DD day `n` days after `day`. */
const dayPlus = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!browserAvailable)('no stale outcome beside a new one', () => {
  const env = serverAndBrowser();

  it('Who is booked where, To before From: the last range’s count and table are hidden, the count says to correct the dates; a range that fits (or Back) shows bookings again (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Ola Office');
    const staff = [await t.user('staff', org.id, 'Ann Rowan'), await t.user('staff', org.id, 'Ben Rowan'), await t.user('staff', org.id, 'Cy Rowan')];
    const startsAt = daysFromNow(10);
    const s = await t.session({ title: 'Stale range check', capacity: { online: 5 }, startsAt, endsAt: plusMinutes(startsAt, 60) });
    const ids: string[] = [];
    for (const who of staff) {
      const r = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} });
      expect(r.status, r.text).toBe(201);
      ids.push(r.json.id);
    }
    expect((await t.request('DELETE', `/api/bookings/${ids[2]}`, { as: staff[2]! })).status).toBe(200);
    const day = startsAt.slice(0, 10);
    const start = `/office/bookings?from=${day}&to=${day}`;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, start, 'Who is booked where');
    const count = page.locator('#org-bookings-count');
    await count.filter({ hasText: '2 bookings and 1 cancelled booking found.' }).waitFor();
    await page.getByRole('table').waitFor();

    await tabTo(page, 'From');
    await page.getByLabel('From', { exact: true }).fill(dayPlus(day, 3));
    await tabTo(page, 'To (optional)');
    await page.getByLabel('To (optional)', { exact: true }).fill(dayPlus(day, -7));
    await activate(page, 'Show bookings');
    await page.locator('.error-summary').getByRole('link', { name: 'To: must be on or after the From date' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await count.innerText()).toBe('Correct the dates above to see bookings.');
    expect(await page.getByRole('table').count(), 'the last range’s table is not shown').toBe(0);
    expect(await page.getByText(/bookings? .*found\./).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: /Pages of bookings/ }).count()).toBe(0);
    expect(new URL(page.url()).search).toBe(`?from=${day}&to=${day}`);
    await checkPage(page, 'who is booked where, To before From');

    // A range that fits: shown, with no error.
    await page.getByLabel('From', { exact: true }).fill(dayPlus(day, -1));
    await page.getByLabel('To (optional)', { exact: true }).fill(dayPlus(day, 1));
    await activate(page, 'Show bookings');
    await count.filter({ hasText: '2 bookings and 1 cancelled booking found.' }).waitFor();
    await page.getByRole('table').waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);

    // The dates wrong again, then Back: the fields take the address's dates, so the error about those typed goes.
    await page.getByLabel('To (optional)', { exact: true }).fill(dayPlus(day, -7));
    await activate(page, 'Show bookings');
    await count.filter({ hasText: 'Correct the dates above to see bookings.' }).waitFor();
    await page.goBack();
    await page.waitForURL((u) => u.search === `?from=${day}&to=${day}`);
    await count.filter({ hasText: '2 bookings and 1 cancelled booking found.' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await page.getByLabel('To (optional)', { exact: true }).inputValue()).toBe(day);
    await settled(page);
    await checkPage(page, 'who is booked where, after Back');
  }, 90_000);

  it('the register of a session cancelled before it began says it has no register, with no “Use the register below” or “yet”; one cancelled after it was held shows its record read only (320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Hazel School');
    const trainer = await t.user('trainer', null, 'Tia Trainer');
    const people = [await t.user('staff', org.id, 'Ann Hazel'), await t.user('staff', org.id, 'Ben Hazel'), await t.user('staff', org.id, 'Cy Hazel')];
    // Starts in ten minutes: its register is open (from 15 minutes before), so ticks can be given.
    const s = await t.session({ title: 'Cancelled early', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(10), endsAt: minutesFromNow(70), capacity: { inPerson: 5 } }, trainer);
    const ids: string[] = [];
    for (const who of people) {
      const r = await bookBeforeStart(t, s, who);
      expect(r.status, r.text).toBe(201);
      ids.push(r.json.id);
    }
    for (const id of ids.slice(0, 2)) expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: { reason: 'The hall is flooded.' } })).status).toBe(200);
    // What the service gives: no rows (every place went with the session).
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items).toEqual([]);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/sessions/${s.id}/register`, 'Register: Cancelled early');
    await page.getByText('This session was cancelled. Reason given: The hall is flooded.').waitFor();
    await page.getByText('This session was cancelled, so it has no register: every place on it was cancelled with it.').waitFor();
    await settled(page);
    expect(await page.getByText(/Use the register below/).count()).toBe(0);
    expect(await page.getByText(/yet\b/).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Check-in code' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Download/ }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await checkPage(page, 'the register of a session cancelled before it began');

    // Held, its outcomes written (everyone absent), then cancelled as not having taken place: its record, read only.
    const bea = await t.user('staff', org.id, 'Bea Absent');
    const now = t.clock.now().toISOString();
    t.clock.set(minutesFromNow(-300));
    const held = await t.session({ title: 'Held then cancelled', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-180), endsAt: minutesFromNow(-120), capacity: { inPerson: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${held.id}/bookings`, { as: bea, body: {} })).status).toBe(201);
    t.clock.set(now);
    const { recordAttendanceOutcomes } = await import('../../server/attendance/service.js');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('POST', `/api/sessions/${held.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);
    await page.goto(`/sessions/${held.id}/register`);
    await page.getByRole('rowheader', { name: 'Bea Absent' }).waitFor();
    await page.getByText('This session was cancelled.', { exact: true }).waitFor();
    await page.getByText('Its record from before it was cancelled, which can no longer be changed: 0 of 1 attended.').waitFor();
    await settled(page);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Correct/ }).count()).toBe(0);
    expect(await page.getByText(/Use the register below/).count()).toBe(0);
    await page.getByRole('link', { name: 'Download attendance (CSV)' }).waitFor();
    await checkPage(page, 'the register of a session cancelled after it was held');
  }, 90_000);

  it('Materials: a link added, then an HTML file refused: the “added” message goes as the upload starts, so only the refusal is shown (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Mo Trainer');
    const s = await t.session({ title: 'Materials outcome', mode: 'online', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 5 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/sessions/${s.id}`, 'Materials outcome');
    const materials = page.getByRole('region', { name: 'Materials' });
    const status = page.locator('#materials-status');
    await typeInto(page, 'Link title', 'Good link');
    await typeInto(page, 'Web address', 'https://example.org/good');
    await activate(page, 'Add link');
    await status.filter({ hasText: '“Good link” added to this session’s materials.' }).waitFor();
    await materials.getByRole('link', { name: /Good link/ }).first().waitFor();

    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'evil.html', mimeType: 'text/html', buffer: FILES.html });
    await activate(page, 'Upload file');
    await page.locator('#session-material-file-error').filter({ hasText: /This file cannot be added/ }).waitFor();
    expect(await status.innerText(), 'the last add’s message has gone').toBe('');
    expect(await page.getByText(/added to this session’s materials/).count()).toBe(0);
    await checkPage(page, 'session materials, an upload refused after a link was added');

    // A good add after it says its own outcome again.
    await typeInto(page, 'Link title', 'Second link');
    await typeInto(page, 'Web address', 'https://example.org/second');
    await activate(page, 'Add link');
    await status.filter({ hasText: '“Second link” added to this session’s materials.' }).waitFor();
  }, 90_000);

  it('a course’s materials library: a file added, then an HTML page refused: only the refusal is shown (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Stale library check' } })).json as { id: string };
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/courses/${course.id}/materials`, 'Materials: Stale library check');
    const status = page.locator('#library-status');
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Slides.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await typeInto(page, 'Title (optional)', 'Programme slides');
    await activate(page, 'Upload file');
    await status.filter({ hasText: '“Programme slides” added to the library.' }).waitFor();

    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: FILES.html });
    await activate(page, 'Upload file');
    await page.locator('#library-file-error').filter({ hasText: /This file cannot be added/ }).waitFor();
    expect(await status.innerText(), 'the last add’s message has gone').toBe('');
    await checkPage(page, 'course library, an upload refused after a file was added');
  }, 90_000);
});
