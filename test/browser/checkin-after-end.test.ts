/**
 * Check-in outside its window, in a real browser, by keyboard alone, at 320 CSS px, axe-clean,
 * as a tester found it: Chloe, with a confirmed in-person seat, opens her session 11 minutes
 * after it ended. Her session page no longer offers "Check in at the venue" but says that the
 * session has ended and the trainer's register records attendance; the check-in page offers
 * no "Confirm check-in" and says the same (the server refuses a late check-in with 409). Before
 * check-in opens both say when it opens. A check-in page left open as the session ends takes
 * the form away and says so in a live region. By the server's clock, not the computer's.
 */
import { describe, expect, it } from 'vitest';
import { activate, bookBeforeStart, browserAvailable, checkPage, newPage, serverAndBrowser, signInTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const inEngland = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('check-in outside its window', () => {
  const env = serverAndBrowser();

  it('11 minutes after the end: the session page and the check-in page offer no check-in and say the register records attendance (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Oak School');
    const trainer = await t.user('trainer', null, 'Priya Sharma');
    const chloe = await t.user('staff', org.id, 'Chloe Jones');
    const s = await t.session({ title: 'Sensory circuits', mode: 'in_person', venue: 'Main hall', startsAt: minutesFromNow(-71), endsAt: minutesFromNow(-11), capacity: { inPerson: 5 } }, trainer);
    expect((await bookBeforeStart(t, s, chloe)).json.status).toBe('confirmed');
    // The server refuses her check-in now, saying why.
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json.code as string;
    const refused = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: chloe, body: { code } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/^This session ended at .*, so check-in has closed\. Attendance is being recorded by the trainer’s register/);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, chloe, `/sessions/${s.id}`, 'Sensory circuits');
    const place = page.getByRole('region', { name: 'Your place' });
    await place.getByText('The session has ended, so check-in has closed. Attendance is being recorded by the trainer’s register: if you were there and did not check in, tell the trainer so they can mark you present.').waitFor();
    expect(await page.getByRole('link', { name: 'Check in at the venue' }).count()).toBe(0);
    await checkPage(page, 'the session page after the session ended');

    // The check-in link (the QR code's) opened anyway: no form, the same words.
    await page.goto(`/sessions/${s.id}/checkin?code=${code}`);
    await page.getByRole('heading', { level: 1, name: 'Check in' }).waitFor();
    const notice = page.locator('#checkin-not-open');
    await notice.getByRole('heading', { name: 'Check-in has closed' }).waitFor();
    expect(flat(await notice.innerText())).toMatch(new RegExp(`This session ended at ${inEngland(s.endsAt)} (GMT|BST), so check-in has closed`));
    expect(flat(await notice.innerText())).toContain('so check-in has closed. Attendance is being recorded by the trainer’s register: if you were there, tell the trainer so they can mark you present.');
    expect(await page.getByRole('button', { name: 'Confirm check-in' }).count()).toBe(0);
    expect(await page.getByLabel('Check-in code').count()).toBe(0);
    await checkPage(page, 'the check-in page after the session ended');
    // By keyboard, back to the session.
    await activate(page, 'About this session');
    await page.getByRole('heading', { level: 1, name: 'Sensory circuits' }).waitFor();
    expect(await t.db.selectFrom('presence_intervals').select('id').where('source', '=', 'checkin').execute()).toEqual([]);
  });

  it('before check-in opens: both pages say when it opens, with no form and no link (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Ash School');
    const trainer = await t.user('trainer', null, 'Priya Sharma');
    const dev = await t.user('staff', org.id, 'Dev Early');
    const startsAt = minutesFromNow(120);
    const s = await t.session({ title: 'Calm corners', mode: 'in_person', venue: 'Library', startsAt, endsAt: minutesFromNow(180), capacity: { inPerson: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: dev, body: {} })).json.status).toBe('confirmed');
    const opens = inEngland(new Date(Date.parse(startsAt) - 15 * 60_000).toISOString());

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, dev, `/sessions/${s.id}`, 'Calm corners');
    await page.getByRole('region', { name: 'Your place' }).getByText(new RegExp(`^Check-in at the venue opens at ${opens} (GMT|BST), 15 minutes before the start, with the code the trainer shows\\.$`)).waitFor();
    expect(await page.getByRole('link', { name: 'Check in at the venue' }).count()).toBe(0);
    await checkPage(page, 'the session page before check-in opens');

    await page.goto(`/sessions/${s.id}/checkin`);
    await page.getByRole('heading', { level: 1, name: 'Check in' }).waitFor();
    await page.getByRole('heading', { name: 'Check-in has not opened yet' }).waitFor();
    await page.getByText(new RegExp(`^Check-in opens at ${opens} (GMT|BST) on .+, 15 minutes before the session starts\\. Come back then and enter the code the trainer shows\\.$`)).waitFor();
    expect(await page.getByRole('button', { name: 'Confirm check-in' }).count()).toBe(0);
    await checkPage(page, 'the check-in page before check-in opens');
    await activate(page, 'About this session');
    await page.getByRole('heading', { level: 1, name: 'Calm corners' }).waitFor();
  });

  it('during the session the form is offered; left open as the session ends, it goes and the page says check-in has closed (320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Elm School');
    const trainer = await t.user('trainer', null, 'Priya Sharma');
    const ana = await t.user('staff', org.id, 'Ana Late');
    const s = await t.session({ title: 'Ending soon', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-30), endsAt: new Date(Date.now() + 8_000).toISOString(), capacity: { inPerson: 5 } }, trainer);
    expect((await bookBeforeStart(t, s, ana)).json.status).toBe('confirmed');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ana, `/sessions/${s.id}/checkin`, 'Check in');
    await page.getByRole('button', { name: 'Confirm check-in' }).waitFor();
    expect(await page.locator('#checkin-not-open').count()).toBe(0);
    // The end passes: the form goes, and the notice arrives in the page's polite live region.
    await page.getByRole('heading', { name: 'Check-in has closed' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Confirm check-in' }).count()).toBe(0);
    expect(await page.locator('#checkin-not-open').evaluate((el) => el.closest('[role="status"]') !== null)).toBe(true);
    await checkPage(page, 'the check-in page as the session ended');
  });
});
