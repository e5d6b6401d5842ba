/**
 * The in-person register, the check-in page and the live room show their times in England
 * time, named (GMT or BST), as the rest of the service's day-by-day pages do, whatever zone
 * the device is in: a trainer's laptop left on New York time must not tell the room the code
 * "changes at 10:01" when the wall clock there says 15:01. Keyboard only, 320 CSS px, axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchWithFakeMedia, browserAvailable, checkPage, newPage, serverAndBrowser, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const NEW_YORK = { timezoneId: 'America/New_York', viewport: { width: 320, height: 720 } };
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

// What a wall clock in England shows, worked out by the browser's own Intl with the zone
// named (not by the page's code), so the words match its ICU data.
type Opts = Intl.DateTimeFormatOptions;
const inZone = (page: Page, iso: string | number, opts: Opts) => page.evaluate(({ iso, opts }) => new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: 'Europe/London' }).format(new Date(iso)), { iso, opts });
const CLOCK: Opts = { hour: '2-digit', minute: '2-digit' };
/** "15:01 BST": an instant as England's clock shows it, named. */
async function inEngland(page: Page, iso: string | number) {
  const zone = await page.evaluate((iso) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' }).formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')!.value, iso);
  return `${await inZone(page, iso, CLOCK)} ${zone}`;
}
const SHORT_DAY: Opts = { weekday: 'short', day: 'numeric', month: 'short' };
/**
 * "Monday 14 June 2027, 15:00 to 16:00 BST": a session's day and times in England; an end on
 * England's next day names it ("23:00 to Sun 6 Dec, 00:00 GMT"), as these sessions, which
 * start a few minutes before the test runs, do when it runs late in the evening.
 */
async function sessionWhen(page: Page, s: { startsAt: string; endsAt: string }) {
  const day = await inZone(page, s.startsAt, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const [startDay, endDay] = [await inZone(page, s.startsAt, SHORT_DAY), await inZone(page, s.endsAt, SHORT_DAY)];
  return `${day}, ${await inZone(page, s.startsAt, CLOCK)} to ${endDay === startDay ? '' : `${endDay}, `}${await inEngland(page, s.endsAt)}`;
}
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('times on the register, check-in and live room are England’s, from a browser in New York', () => {
  const env = serverAndBrowser({ launch: launchWithFakeMedia });

  it('register: "Changes at", the session’s times and a correction’s time; check-in: "checked in at" (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Hazel Primary');
    const trainer = await t.user('trainer', null, 'Nia Trainer');
    const ben = await t.user('staff', org.id, 'Ben Ash');
    const cara = await t.user('staff', org.id, 'Cara Birch');
    const s = await t.session({ title: 'Makaton basics', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-10), endsAt: minutesFromNow(50), capacity: { inPerson: 5 } }, trainer);
    for (const u of [ben, cara]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} })).json.status).toBe('confirmed');

    const page = await newPage(env.browser, env.server, NEW_YORK);
    await signInAt(page, trainer);
    const codeAnswer = page.waitForResponse((r) => r.url().endsWith(`/api/sessions/${s.id}/checkin-code`) && r.ok());
    await page.goto(`/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Makaton basics' }).waitFor();
    const { expiresAt } = (await (await codeAnswer).json()) as { expiresAt: string };
    const when = await sessionWhen(page, { startsAt: s.startsAt as string, endsAt: s.endsAt as string });
    const panel = page.getByRole('region', { name: 'Check-in code' });
    await panel.locator('.checkin-code').waitFor();
    expect(flat(await panel.innerText())).toContain(`Changes at ${await inEngland(page, expiresAt)}.`);
    expect(flat(await page.locator('.lede').innerText())).toBe(when);
    await checkPage(page, 'register from New York');

    // A tick, by keyboard: the correction is dated in England time.
    await tabTo(page, 'Cara Birch attended');
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: 'Cara Birch marked as attended.' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Cara Birch' }) });
    await row.getByText(/Marked present by Nia Trainer/).waitFor();
    const changedAt = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items.find((r: { name: string }) => r.name === 'Cara Birch').override.changedAt as string;
    expect(flat(await row.innerText())).toContain(`Marked present by Nia Trainer, ${await inZone(page, changedAt, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })}`);

    // Ben checks in from his phone, also on New York time.
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json.code as string;
    const phone = await newPage(env.browser, env.server, NEW_YORK);
    await signInAt(phone, ben, `/sessions/${s.id}/checkin`);
    await phone.getByRole('heading', { level: 1, name: 'Check in' }).waitFor();
    expect(flat(await phone.locator('.lede').innerText())).toContain(when);
    const checkedIn = phone.waitForResponse((r) => r.url().endsWith(`/api/sessions/${s.id}/checkin`) && r.ok());
    await tabTo(phone, 'Check-in code');
    await phone.keyboard.type(code);
    await phone.keyboard.press('Enter');
    const { checkedInAt } = (await (await checkedIn).json()) as { checkedInAt: string };
    const ok = phone.getByRole('status').filter({ hasText: 'You are checked in' });
    await ok.waitFor();
    expect(flat(await ok.innerText())).toContain(`You are checked in to Makaton basics at ${await inEngland(phone, checkedInAt)}.`);
    await checkPage(phone, 'check-in page from New York');
    await phone.context().close();
    await page.context().close();
  });

  it('live room: the session’s times and when attendance was last updated (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Larch Academy');
    const trainer = await t.user('trainer', null, 'Ola Trainer');
    const asha = await t.user('staff', org.id, 'Asha Patel');
    const s = await t.session({ title: 'Dyslexia friendly teaching', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: asha, body: {} })).json.status).toBe('confirmed');

    const page = await newPage(env.browser, env.server, { ...NEW_YORK, permissions: ['camera', 'microphone'] });
    await signInAt(page, trainer);
    // The page's clock stands still (its timers run), so "Updated" is known to the minute; the
    // pages keep time by the server's clock (web/src/clock.ts), so the page's is set to it.
    const now = t.clock.now().getTime();
    await page.clock.setFixedTime(new Date(now));
    await page.goto(`/sessions/${s.id}/room`);
    await page.getByRole('heading', { level: 1, name: 'Live room: Dyslexia friendly teaching' }).waitFor();
    expect(flat(await page.locator('.lede').first().innerText())).toContain(await sessionWhen(page, { startsAt: s.startsAt as string, endsAt: s.endsAt as string }));
    const attendance = page.getByRole('region', { name: 'Attendance', exact: true });
    await attendance.getByRole('rowheader', { name: 'Asha Patel' }).waitFor();
    expect(flat(await attendance.innerText())).toContain(`Here now: 0 of 1 person booked. Updated ${await inEngland(page, now)}.`);
    await checkPage(page, 'live room from New York');
    await page.context().close();
  });
});
