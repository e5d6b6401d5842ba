/**
 * Taking another trainer off a session on its edit page asks first, by keyboard, axe-clean and
 * without sideways scrolling at 320 CSS px: a co-trainer unticking the trainer who published
 * it is asked, naming them, what that does (they no longer run it, and are emailed); the
 * question takes focus, Escape or "Keep" leaves them ticked, "Take … off" unticks them, and
 * focus goes back to their checkbox. Saved, they are taken off and emailed who did it.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('taking a trainer off a session', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('a co-trainer unticking the trainer who published the session is asked first; saved, that trainer is emailed (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const priya = await t.user('trainer', null, 'Priya Patel');
    const tom = await t.user('trainer', null, 'Tom Okafor');
    const start = daysFromNow(10);
    const s = await t.session({ title: 'TB Clocks in practice', startsAt: start, endsAt: plusMinutes(start, 60), trainerIds: [priya.id, tom.id] }, priya);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, tom, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: TB Clocks in practice' }).waitFor();
    const box = page.getByLabel('Priya Patel', { exact: true });
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await page.locator('#trainers-hint').filter({ hasText: 'untick one to take them off (you are asked first, and they are emailed)' }).waitFor();

    // Unticking her asks first, naming her; she stays ticked until it is answered.
    await tabTo(page, 'Priya Patel', { max: 120 });
    await page.keyboard.press('Space');
    await expectFocused(page, '#take-off-question');
    const question = page.getByRole('group', { name: 'Take Priya Patel off this session?' });
    expect(await question.locator('#take-off-question').innerText()).toBe('Take Priya Patel off this session? Once you save it, they no longer run it or see it in their sessions, and they are emailed that you took them off.');
    expect(await question.getByRole('button').allInnerTexts()).toEqual(['Take Priya Patel off', 'Keep Priya Patel']);
    expect(await box.isChecked()).toBe(true);
    await checkPage(page, 'the question before a trainer is taken off (320 px)');

    // Escape keeps her, focus back on her box.
    await page.keyboard.press('Escape');
    await expectFocused(page, `#trainer-${priya.id}`);
    expect(await question.count()).toBe(0);
    expect(await box.isChecked()).toBe(true);
    await page.locator('#trainers-status').filter({ hasText: 'Priya Patel kept on this session.' }).waitFor();

    // "Keep" does the same.
    await page.keyboard.press('Space');
    await expectFocused(page, '#take-off-question');
    await activate(page, 'Keep Priya Patel', { max: 3 });
    await expectFocused(page, `#trainer-${priya.id}`);
    expect(await box.isChecked()).toBe(true);

    // The question saves nothing: the session still has both.
    expect([...(await t.request('GET', `/api/sessions/${s.id}`, { as: tom })).json.trainerIds].sort()).toEqual([priya.id, tom.id].sort());

    // "Take … off" unticks her; saved, she is taken off and emailed.
    await page.keyboard.press('Space');
    await expectFocused(page, '#take-off-question');
    await activate(page, 'Take Priya Patel off', { max: 3 });
    await expectFocused(page, `#trainer-${priya.id}`);
    expect(await box.isChecked()).toBe(false);
    await page.locator('#trainers-status').filter({ hasText: 'Priya Patel unticked: saving the session takes them off it and emails them to say so.' }).waitFor();
    await checkPage(page, 'a trainer unticked after the question (320 px)');
    // Ticking her again asks nothing.
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
    expect(await page.locator('#take-off-question').count()).toBe(0);
    await page.keyboard.press('Space');
    await activate(page, 'Take Priya Patel off', { max: 3 });
    expect(await box.isChecked()).toBe(false);

    await activate(page, 'Save changes', { max: 120 });
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: tom })).json.trainerIds).toEqual([tom.id]);
    const mail = await t.mails('trainer_removed');
    expect(mail.map((m) => m.to_email)).toEqual([priya.email]);
    expect(mail[0]!.message.subject).toBe('You no longer run “TB Clocks in practice”');
    expect(mail[0]!.message.text).toContain('Tom Okafor (trainer) took you off the trainers of the session “TB Clocks in practice”');
    await checkPage(page, 'edit page after taking a trainer off (320 px)');
  });
});
