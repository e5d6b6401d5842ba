/**
 * Two things a trainer sees outside a session's live hours, in a real browser, by keyboard
 * alone, at 320 CSS pixels, axe-clean: the register shows no check-in code while check-in is
 * closed (the server refuses a check-in then), saying when it opens or that it has closed, and
 * has nothing to tick until check-in opens (the server refuses a tick then too);
 * and editing a session that has ended says what a change of its times or attendance
 * threshold does to its attendance record.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, newPage, serverAndBrowser, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.skipIf(!browserAvailable)('outside a session’s live hours', () => {
  const env = serverAndBrowser();

  it('the register shows no check-in code before check-in opens or after it closes, and says when (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Alder School');
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const ben = await t.user('staff', org.id, 'Ben Okafor');
    const inPerson = { mode: 'in_person', venue: 'Hall', capacity: { inPerson: 5 } };
    const later = await t.session({ ...inPerson, title: 'Later circuits', startsAt: minutesFromNow(120), endsAt: minutesFromNow(180) }, trainer);
    const now = await t.session({ ...inPerson, title: 'Circuits now', startsAt: minutesFromNow(-10), endsAt: minutesFromNow(50) }, trainer);
    t.clock.set(minutesFromNow(-240));
    const over = await t.session({ ...inPerson, title: 'Earlier circuits', startsAt: minutesFromNow(-120), endsAt: minutesFromNow(-60) }, trainer);
    for (const s of [later, now, over]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).status).toBe(201);
    t.clock.set(new Date().toISOString());

    const page = await newPage(env.browser, env.server, NARROW);
    const codePanel = page.getByRole('region', { name: 'Check-in code' });

    await signInAt(page, trainer, `/sessions/${later.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Later circuits' }).waitFor();
    await codePanel.getByText(/^Check-in opens at \d\d:\d\d .* on .*\. The code will appear here then/).waitFor();
    expect(await codePanel.locator('.checkin-code').count()).toBe(0);
    expect(await codePanel.getByRole('img').count()).toBe(0);
    await checkPage(page, 'register before check-in opens');
    // The register lists who is booked and says when it opens: there is nothing to tick or
    // correct before then (no one can have come; the server refuses it), only the history.
    const register = page.getByRole('region', { name: 'Register' });
    await register.getByText(/^The register opens at \d\d:\d\d .* on .*, when check-in and the live room do: you can mark who attended from then\. Until then it lists who is booked\.$/).waitFor();
    await register.getByRole('rowheader', { name: 'Ben Okafor' }).waitFor();
    expect(await register.getByRole('checkbox').count()).toBe(0);
    expect(await register.getByRole('button', { name: 'Correct: Ben Okafor' }).count()).toBe(0);
    await tabTo(page, 'History: Ben Okafor');

    await page.goto(`/sessions/${over.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Earlier circuits' }).waitFor();
    await codePanel.getByText(/^Check-in closed when the session ended at \d\d:\d\d.*Use the register below to record who attended\.$/).waitFor();
    expect(await codePanel.locator('.checkin-code').count()).toBe(0);
    await checkPage(page, 'register after check-in closed');
    await tabTo(page, 'Correct: Ben Okafor');

    // While check-in is open the code is shown, as before.
    await page.goto(`/sessions/${now.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Circuits now' }).waitFor();
    await codePanel.locator('.checkin-code').waitFor();
    expect(await codePanel.getByText(/^Check-in (opens|closed)/).count()).toBe(0);
    // ...and the register is open: a tick by keyboard is saved.
    expect(await page.getByText(/^The register opens at/).count()).toBe(0);
    await tabTo(page, 'Ben Okafor attended');
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: 'Ben Okafor marked as attended.' }).waitFor();
  });

  it('editing an ended session says what a change of times or threshold does to its attendance record; a session to come says nothing of it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Ros Trainer');
    t.clock.set(minutesFromNow(-240));
    await t.session({ title: 'Precision teaching', mode: 'online', startsAt: minutesFromNow(-120), endsAt: minutesFromNow(-60), capacity: { online: 2 } }, trainer);
    t.clock.set(new Date().toISOString());
    const upcoming = await t.session({ title: 'Precision teaching again', mode: 'online', startsAt: minutesFromNow(60 * 24 * 7), endsAt: minutesFromNow(60 * 24 * 7 + 60), capacity: { online: 5 } }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/trainer/sessions?when=past');
    await page.getByRole('article', { name: 'Precision teaching' }).waitFor();
    await activate(page, 'Edit or cancel');
    await page.getByRole('heading', { level: 1, name: 'Edit: Precision teaching' }).waitFor();
    const notice = page.locator('#ended-notice');
    await notice.getByRole('heading', { level: 2, name: 'This session has ended' }).waitFor();
    const said = (await notice.innerText()).replace(/\s+/g, ' ');
    expect(said).toContain('Changing its times or attendance threshold changes its attendance record');
    expect(said).toContain('who attended is worked out again from the new times and threshold');
    expect(said).toContain('the attended and absent outcomes are undone and everyone is booked again and told of the change');
    expect(said).toContain('its register, check-ins, connections and captions so far are also cleared: that is refused once anyone has attended, since it is the record of their training (publish a new session to run it again).');
    await checkPage(page, 'editing an ended session');
    // The form is still there to use, by keyboard.
    await tabTo(page, 'Title');
    // Cancelling it now records that it did not take place, as the notice people get says.
    const cancelPanel = page.getByRole('region', { name: 'Cancel this session' });
    await cancelPanel.getByText('This session has ended. If it did not take place, cancel it to record that: it then counts towards no one’s training. No one still had a place or was waiting, so no one needs to be told.').waitFor();

    await page.goto(`/trainer/sessions/${upcoming.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Precision teaching again' }).waitFor();
    expect(await page.locator('#ended-notice').count()).toBe(0);
    await page.getByRole('region', { name: 'Cancel this session' }).getByText('No one is booked, offered a seat or waiting, so no one needs to be told.').waitFor();
  });
});
