/**
 * The attendance register's corrections, in a real browser, by keyboard alone, at 320 CSS
 * pixels wide, axe-clean: a trainer corrects a row with minutes present and a note (told
 * plainly when the minutes are not usable), and opens the row's history to see the change.
 * Each effect is checked through the API.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bookBeforeStart, browserAvailable, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, signIn, signInAt, tabTo, warnIfSkipped, serverAndBrowser, settled, checkPage, activate, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.skipIf(!browserAvailable)('the register', () => {
  const env = serverAndBrowser();

  it('after the session, Correct starts from the correction as it stands: minutes it left to be worked out stay empty (not fixed at the figure worked out), its note and answer kept (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Cedar School');
    const trainer = await t.user('trainer', null, 'Cara Trainer');
    const dev = await t.user('staff', org.id, 'Dev Checkedin');
    // Over an hour ago; Dev checked in ten minutes after the start (50 minutes present).
    const s = await t.session({ title: 'Sensory diets', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-120), endsAt: minutesFromNow(-60), capacity: { inPerson: 5 } }, trainer);
    const bookingId: string = (await bookBeforeStart(t, s, dev)).json.id;
    const now = t.clock.now().toISOString();
    t.clock.set(new Date(Date.parse(s.startsAt) + 10 * 60_000).toISOString());
    try {
      const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json;
      expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: dev, body: { code } })).status).toBe(200);
      // A correction that says attended, with a note, and leaves the minutes to be worked out.
      expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: trainer, body: { attended: true, minutes: null, note: 'Signed the paper register' } })).status).toBe(200);
    } finally {
      t.clock.set(now);
    }
    const row = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items.find((r: { bookingId: string }) => r.bookingId === bookingId);
    expect(row).toMatchObject({ attended: true, override: { minutes: null, note: 'Signed the paper register' } });
    expect(row.minutes).toBeGreaterThan(0);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('rowheader', { name: 'Dev Checkedin' }).waitFor();
    await activate(page, 'Correct: Dev Checkedin');
    const form = page.getByRole('form', { name: 'Correct Dev Checkedin’s record' });
    await form.waitFor();
    expect(await form.getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    expect(await page.locator(`#minutes-${bookingId}`).inputValue()).toBe('');
    expect(await page.locator(`#note-${bookingId}`).inputValue()).toBe('Signed the paper register');
    await checkPage(page, 'an ended session’s correction form (320 px)');
    // Saved as it stands (the note edited only): the minutes are still worked out.
    await tabTo(page, 'Note (optional)');
    await page.keyboard.press('End');
    await page.keyboard.type(', late bus');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /Dev Checkedin’s record corrected/ }).waitFor();
    const after = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items.find((r: { bookingId: string }) => r.bookingId === bookingId);
    expect(after.override).toMatchObject({ attended: true, minutes: null, note: 'Signed the paper register, late bus' });

    // Opened again; meanwhile an administrator changes the note. Saving only a new answer here
    // keeps their note: a field left as the form opened with it is not sent.
    await activate(page, 'Correct: Dev Checkedin', { back: true });
    await form.waitFor();
    const admin = await t.user('admin');
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: admin, body: { attended: true, note: 'From the office’s list' } })).status).toBe(200);
    await tabTo(page, 'Attended');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'Save correction: Dev Checkedin');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Dev Checkedin’s record corrected: not attended (50 minutes present), with the note “From the office’s list”.' }).waitFor();
    const last = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items.find((r: { bookingId: string }) => r.bookingId === bookingId);
    expect(last.override).toMatchObject({ attended: false, note: 'From the office’s list', minutes: null });
    // The history says each note where it was made, not again at a change that kept it.
    await activate(page, 'History: Dev Checkedin');
    const changes = page.locator(`#history-list-${bookingId}`).getByRole('listitem');
    await expect.poll(() => changes.count()).toBe(4);
    const said = (await changes.allTextContents()).map((x) => x.replace(/\s+/g, ' '));
    expect(said.map((x) => (x.match(/Note: “[^”]*”|Note removed\./) ?? [''])[0])).toEqual(['Note: “Signed the paper register”', 'Note: “Signed the paper register, late bus”', 'Note: “From the office’s list”', '']);
    await checkPage(page, 'an ended session’s register history (320 px)');
  });

  it('during the session, minutes worked out from the room and check-ins are said to be so far; a hand tick with no minutes is not recorded (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch School');
    const trainer = await t.user('trainer', null, 'Rhys Trainer');
    const [cora, dev] = [await t.user('staff', org.id, 'Cora Early'), await t.user('staff', org.id, 'Dev Ticked')];
    const s = await t.session({ title: 'Calm corners', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-20), endsAt: minutesFromNow(40), capacity: { inPerson: 5 } }, trainer);
    for (const p of [cora, dev]) expect((await bookBeforeStart(t, s, p)).json.status).toBe('confirmed');
    const { code } = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json;
    expect((await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: cora, body: { code } })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${(await t.db.selectFrom('bookings').select('id').where('user_id', '=', dev.id).executeTakeFirstOrThrow()).id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    const minutes = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) }).locator('td[data-label="Minutes"]');
    await expect.poll(() => minutes('Cora Early').innerText()).toMatch(/^\d+ so far$/);
    expect(await minutes('Dev Ticked').innerText()).toBe('not recorded');
    await checkPage(page, 'register during the session, minutes so far');
  });

  it('a trainer corrects a row with minutes and a note, by keyboard at 320 px, and its history lists the change', async () => {
    const { t } = env.server;
    const org = await t.org('Alder School');
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const ben = await t.user('staff', org.id, 'Ben Okafor');
    const s = await t.session({ title: 'Sensory circuits', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-30), endsAt: minutesFromNow(30), capacity: { inPerson: 5 } }, trainer);
    const booking = await bookBeforeStart(t, s, ben);
    expect(booking.json.status).toBe('confirmed');
    const bookingId: string = booking.json.id;
    const note = 'Arrived late after covering a lesson';

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Sensory circuits' }).waitFor();
    await page.getByRole('rowheader', { name: 'Ben Okafor' }).waitFor();
    await checkPage(page, 'register');

    // Open the row's correction form.
    await activate(page, 'Correct: Ben Okafor');
    const correct = page.locator(`#correct-${bookingId}`);
    expect(await correct.getAttribute('aria-expanded')).toBe('true');
    const form = page.getByRole('form', { name: 'Correct Ben Okafor’s record' });
    await form.waitFor();
    await checkPage(page, 'register with a correction form open');

    // During the session nothing is chosen for them (what was worked out so far would say
    // "did not attend", and a correction stands): saving without choosing says so, there.
    expect(await form.getByRole('radio', { name: 'Attended' }).isChecked()).toBe(false);
    expect(await form.getByRole('radio', { name: 'Did not attend' }).isChecked()).toBe(false);
    expect(await page.locator(`#minutes-${bookingId}`).inputValue()).toBe('');
    await tabTo(page, 'Save correction: Ben Okafor');
    await page.keyboard.press('Enter');
    await form.getByText('Choose whether Ben Okafor attended').waitFor();
    await expectFocused(page, `#correct-yes-${bookingId}`);
    await checkPage(page, 'register with whether they attended not chosen');
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance/${bookingId}/history`, { as: trainer })).json.items).toEqual([]);

    // Attended, minutes that are not a number, and a note.
    await page.keyboard.press('Space');
    expect(await form.getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    await tabTo(page, 'Minutes present');
    await page.keyboard.type('forty');
    await tabTo(page, 'Note (optional)');
    await page.keyboard.type(note);
    await page.keyboard.press('Enter');
    await form.getByText('Minutes present must be a whole number of minutes, such as 45, or left empty').waitFor();
    await expectFocused(page, `#minutes-${bookingId}`);
    expect(await page.locator(`#minutes-${bookingId}`).getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'register with a correction error');

    // More than the session lasts (an hour): no one was present that long.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('61');
    await page.keyboard.press('Enter');
    await form.getByText('Minutes present must be 60 or fewer: the session is 60 minutes long').waitFor();
    await expectFocused(page, `#minutes-${bookingId}`);
    await form.getByText('Whole minutes, from 0 to 60: the session is 60 minutes long.', { exact: false }).waitFor();
    const before = (await t.request('GET', `/api/sessions/${s.id}/attendance/${bookingId}/history`, { as: trainer })).json;
    expect(before.items).toEqual([]);

    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('45');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Ben Okafor’s record corrected: attended, 45 minutes, with the note “${note}”.` }).waitFor();
    await form.waitFor({ state: 'detached' });
    await expectFocused(page, `#correct-${bookingId}`);
    expect(await correct.getAttribute('aria-expanded')).toBe('false');
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Ben Okafor' }) });
    await row.getByText(/Corrected by Rita Trainer/).waitFor();
    await checkPage(page, 'register after a correction');

    // Stored: attended, 45 minutes, the note.
    const register = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json;
    const stored = register.items.find((r: { bookingId: string }) => r.bookingId === bookingId);
    expect(stored).toMatchObject({ attended: true, minutes: 45, override: { attended: true, minutes: 45, note, changedBy: trainer.id } });

    // The history, loaded when opened, lists the change: what, by whom, when.
    await activate(page, 'History: Ben Okafor');
    const history = page.locator(`#history-list-${bookingId}`);
    const change = history.getByRole('listitem');
    await change.waitFor();
    expect(await page.locator(`#history-${bookingId}`).getAttribute('aria-expanded')).toBe('true');
    const text = (await change.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('marked attended, 45 minutes, by you (Rita Trainer).');
    expect(text).toContain(`Note: “${note}”`);
    const api = (await t.request('GET', `/api/sessions/${s.id}/attendance/${bookingId}/history`, { as: trainer })).json;
    expect(api.items).toEqual([expect.objectContaining({ attended: true, minutes: 45, note, changedBy: trainer.id })]);
    // When, as the rest of the page writes dates and times.
    const shown = await page.evaluate((iso) => new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso)), api.items[0].changedAt as string);
    expect(text).toContain(shown);
    expect(await history.locator('time').getAttribute('datetime')).toBe(api.items[0].changedAt);
    await checkPage(page, 'register with a row’s history open');

    // A second change (not attended, minutes cleared) joins the open history.
    // The form starts from the correction: attended, 45 minutes, its note.
    await activate(page, 'Correct: Ben Okafor', { back: true });
    await form.waitFor();
    expect(await form.getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    expect(await page.locator(`#minutes-${bookingId}`).inputValue()).toBe('45');
    expect(await page.locator(`#note-${bookingId}`).inputValue()).toBe(note);
    await tabTo(page, 'Attended');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'Minutes present');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Ben Okafor’s record corrected: not attended, with the note “${note}”.` }).waitFor();
    await expect.poll(() => change.count()).toBe(2);
    expect((await change.nth(1).textContent())!.replace(/\s+/g, ' ')).toContain('marked not attended, by you (Rita Trainer).');
    const after = (await t.request('GET', `/api/sessions/${s.id}/attendance/${bookingId}/history`, { as: trainer })).json;
    expect(after.items.map((i: { attended: boolean; minutes: number | null; note: string | null }) => [i.attended, i.minutes, i.note])).toEqual([
      [true, 45, note],
      [false, null, note],
    ]);
    await checkPage(page, 'register after a second correction');
  });

  it('when the session’s name and time do not load, the register says so with Try again, which brings them (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Rhys Trainer');
    const s = await t.session({ title: 'Zones of regulation', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-30), endsAt: minutesFromNow(30), capacity: { inPerson: 5 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route(`**/api/sessions/${s.id}`, (route) => (failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side.' } }) }) : route.continue()));
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'The session’s name and time could not be loaded.' });
    await alert.waitFor();
    await checkPage(page, 'register whose session did not load');
    failing = false;
    await activate(page, 'Try again');
    await page.getByRole('heading', { level: 1, name: 'Register: Zones of regulation' }).waitFor();
    expect(await alert.count()).toBe(0);
  });

  it('two quick presses of a register tick are saved in order, the last one winning, even when the first is slow to answer (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch School');
    const trainer = await t.user('trainer', null, 'Tom Trainer');
    const cara = await t.user('staff', org.id, 'Cara Quick');
    const s = await t.session({ title: 'Quick ticks', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-30), endsAt: minutesFromNow(30), capacity: { inPerson: 5 } }, trainer);
    const bookingId: string = (await bookBeforeStart(t, s, cara)).json.id;
    const page = await newPage(env.browser, env.server, NARROW);
    // The first save is slow to reach the server (a busy school network): a second press sent at once would overtake it.
    const sent: string[] = [];
    let first = true;
    await page.route('**/attendance/*', async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      sent.push(route.request().postData() ?? '');
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 800));
      }
      await route.continue();
    });
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('rowheader', { name: 'Cara Quick' }).waitFor();
    const tick = page.getByRole('checkbox', { name: 'Cara Quick attended' });
    expect(await tick.isChecked()).toBe(false);
    await tabTo(page, 'Cara Quick attended');
    await page.keyboard.press('Space');
    await page.keyboard.press('Space');
    expect(await tick.isChecked()).toBe(false);
    await page.getByRole('status').filter({ hasText: 'Cara Quick marked as not attended.' }).waitFor();
    await settled(page);
    expect(sent.map((b) => JSON.parse(b).attended)).toEqual([true, false]);
    const stored = (await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items.find((r: { bookingId: string }) => r.bookingId === bookingId);
    expect(stored.attended).toBe(false);
    expect(await tick.isChecked()).toBe(false);
    await checkPage(page, 'register after two quick ticks (320 px)');
  });

  it('on a computer whose clock is ten minutes fast, the check-in code is shown and asked for once a minute, not every second', async () => {
    const { t } = env.server;
    // The server's clock (a test clock: it stands still unless moved) at 20 seconds past the
    // minute, so its code has 40 seconds left, whenever the test runs.
    t.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 + 20_000).toISOString());
    const trainer = await t.user('trainer', null, 'Sam Trainer');
    const s = await t.session({ title: 'Zones of regulation', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { inPerson: 5 } }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    let codeAsks = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === `/api/sessions/${s.id}/checkin-code`) codeAsks++;
    });
    // The page's clock runs ten minutes ahead of the server's, and its timers can be run forward.
    await page.clock.install({ time: Date.now() + 10 * 60_000 });
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Zones of regulation' }).waitFor();
    const panel = page.getByRole('region', { name: 'Check-in code' });
    await panel.locator('.checkin-code').waitFor();
    await settled(page);
    const asksBefore = codeAsks;
    // Twenty seconds by the page's clock: a code lasts a minute, so at most one more is asked
    // for (when this one expires by the server's clock), however far out the computer's clock is.
    for (let i = 0; i < 20; i++) {
      await page.clock.runFor(1_000);
      await settled(page);
    }
    expect(codeAsks - asksBefore, 'asks for the check-in code every second').toBeLessThanOrEqual(1);
    // The code is shown all along (the server's), with no error.
    await panel.locator('.checkin-code').waitFor();
    expect((await page.getByRole('alert').allInnerTexts()).filter((a) => a.trim())).toEqual([]);
    await checkPage(page, 'register with a fast clock');
  });
});
