/**
 * Minutes present after a session's times are corrected to a shorter session, as an
 * exploratory tester found them: Ben was corrected to 10 minutes on a 75-minute session, then
 * the session was corrected to have lasted one minute. The register says 1 (and that 10 were
 * entered), its correction form starts at 1 and saves it, its history says how the 10 are
 * counted; Ben's training record and his certificate's public check say 1 minute ("1 minute",
 * not "1 minutes"). Keyboard only, axe-clean, no sideways scrolling at 320 CSS px.
 */
import { describe, expect, it } from 'vitest';
import { activate, bookBeforeStart, browserAvailable, checkPage, daysFromNow, newPage, NARROW, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('minutes present never more than the session lasts', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('the session corrected to one minute after Ben was corrected to 10: register, correction, history, training record and certificate check say 1 minute (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Soon School');
    const trainer = await t.user('trainer', null, 'Tess Trainer');
    const ben = await t.user('staff', org.id, 'Ben Evans');
    const now = t.clock.now().toISOString();
    const startsAt = daysFromNow(-1, 14);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const s = await t.session({ title: 'TT Soon G', startsAt, endsAt: plusMinutes(startsAt, 75), capacity: { online: 5 } }, trainer);
    t.clock.set(now);
    const bookingId: string = (await bookBeforeStart(t, s, ben)).json.id;
    t.clock.set(plusMinutes(startsAt, 5));
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: trainer, body: { attended: true, minutes: 10 } })).status).toBe(200);
    t.clock.set(now);
    // It ended a minute after it began: its times corrected once it was over (its outcomes written then).
    expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: trainer, body: { endsAt: plusMinutes(startsAt, 1) } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Ben Evans' }) });
    const minutes = row.locator('td[data-label="Minutes"]');
    await minutes.waitFor();
    expect((await minutes.innerText()).replace(/\s+/g, ' ').trim()).toBe('1 (entered as 10: the session is now 1 minute long)');
    await checkPage(page, 'a register whose session was shortened after a correction (320 px)');

    // The correction form starts at the minutes as counted; saved as it stands, the entry is 1.
    await activate(page, 'Correct: Ben Evans');
    const form = page.getByRole('form', { name: 'Correct Ben Evans’s record' });
    await form.waitFor();
    expect(await form.getByRole('radio', { name: 'Attended' }).isChecked()).toBe(true);
    expect(await page.locator(`#minutes-${bookingId}`).inputValue()).toBe('1');
    await form.getByText('Whole minutes, from 0 to 1: the session is 1 minute long.', { exact: false }).waitFor();
    await checkPage(page, 'the correction form of a shortened session (320 px)');
    await tabTo(page, 'Save correction: Ben Evans');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Ben Evans’s record corrected: attended, 1 minute.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/attendance`, { as: trainer })).json.items[0]).toMatchObject({ bookingId, attended: true, minutes: 1, override: { minutes: 1 } });
    await expect.poll(async () => (await minutes.innerText()).trim()).toBe('1');

    // The history keeps the 10 as entered, and says how they are counted now.
    await activate(page, 'History: Ben Evans');
    const changes = page.locator(`#history-list-${bookingId}`).getByRole('listitem');
    await expect.poll(() => changes.count()).toBe(2);
    const said = (await changes.allTextContents()).map((x) => x.replace(/\s+/g, ' '));
    expect(said[0]).toContain('marked attended, 10 minutes, by you (Tess Trainer). The minutes are counted as 1: the session’s times were corrected since, and it is now 1 minute long.');
    expect(said[1]).toContain('marked attended, 1 minute, by you (Tess Trainer).');
    expect(said[1]).not.toContain('counted as');
    await checkPage(page, 'a shortened session’s register history (320 px)');

    // Ben's training record.
    const his = await newPage(env.browser, env.server, NARROW);
    await signInTo(his, ben, '/completions', 'My training record');
    await his.getByText('1 session attended, 1 minute in all.').waitFor();
    expect(await his.locator('td[data-label="Minutes present"]').innerText()).toBe('1');
    await checkPage(his, 'a training record of a shortened session (320 px)');

    // His certificate's public check.
    expect((await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: ben })).status).toBe(200);
    const { code } = await t.db.selectFrom('certificates').select('code').where('booking_id', '=', bookingId).executeTakeFirstOrThrow();
    await his.goto(`/verify/${code}`);
    await his.getByRole('heading', { level: 1, name: 'Certificate is genuine' }).waitFor();
    const fact = (term: string) => his.locator(`dt:text-is("${term}") + dd`).innerText();
    expect(await fact('Length of session')).toBe('1 minute');
    expect(await fact('Minutes attended')).toBe('1');
    await checkPage(his, 'a certificate check of a one-minute session (320 px)');
  });
});
