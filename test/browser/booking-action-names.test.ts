/**
 * My bookings, as an exploratory tester heard it with a screen reader: a person with many
 * bookings heard as many identical "Cancel booking" buttons (and "Leave waitlist" ones), none
 * saying which session it cancels, while "Change to an in-person seat: <title>" beside them
 * did. Each now shows the same words and is named with its session's title after them (WCAG
 * 2.4.6, 2.5.3: the name starts with what is shown); the page stays axe-clean.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, newPage, plusMinutes, serverAndBrowser, signInTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('My bookings: each card’s buttons name its session', () => {
  const env = serverAndBrowser();

  it('two bookings: two "Cancel booking" buttons, each named with its own title; a queue place’s "Leave waitlist" too', async () => {
    const { t } = env.server;
    const org = await t.org('Elm Primary');
    const sam = await t.user('staff', org.id, 'Sam Staff');
    const other = await t.user('staff', org.id, 'Olive Other');
    const first = await t.session({ title: 'Autism in the classroom', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), capacity: { online: 5 } });
    const second = await t.session({ title: 'Speech and language needs', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60), capacity: { online: 5 } });
    const full = await t.session({ title: 'Dyslexia basics', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 1 } });
    for (const s of [first, second]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: sam, body: {} })).json.status).toBe('confirmed');
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: other, body: {} })).json.status).toBe('confirmed');
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: sam, body: {} })).json.status).toBe('waitlisted');

    const page = await newPage(env.browser, env.server);
    await signInTo(page, sam, '/bookings', 'My bookings');
    const cancels = page.getByRole('button', { name: /^Cancel booking/ });
    await cancels.first().waitFor();
    expect(await cancels.count()).toBe(2);
    const names = await cancels.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(new Set(names).size).toBe(2);
    expect(names.sort()).toEqual(['Cancel booking: Autism in the classroom', 'Cancel booking: Speech and language needs']);
    // What they show is unchanged.
    for (const text of await cancels.allTextContents()) expect(text.trim()).toBe('Cancel booking');
    const leave = page.getByRole('button', { name: /^Leave waitlist/ });
    expect(await leave.count()).toBe(1);
    expect(await leave.getAttribute('aria-label')).toBe('Leave waitlist: Dyslexia basics');
    expect((await leave.textContent())?.trim()).toBe('Leave waitlist');
    await checkPage(page, 'My bookings with two bookings and a queue place');

    // The question asked names the same session.
    await page.getByRole('button', { name: 'Cancel booking: Speech and language needs' }).click();
    const question = page.getByRole('group', { name: 'Cancel booking: Speech and language needs' });
    expect((await question.locator('p').textContent())?.trim()).toMatch(/^Cancel your booking for “Speech and language needs”\?/);
    await checkPage(page, 'My bookings asking before cancelling one of two bookings');
  });
});
