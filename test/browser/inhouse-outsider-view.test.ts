/**
 * An in-house session is for its organisation's staff alone: nobody outside it can have a
 * place, not even an administrator (the server refuses: outside_audience). So an
 * administrator's session page and list card say so, with no Book or Join the waitlist to
 * press and no "seats free to you"; the organisation's own staff book as before.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('an in-house session seen from outside its audience', () => {
  const env = serverAndBrowser();

  it('an administrator is told they cannot book a place, on the session page and its card; its own staff can (320 px, axe)', async () => {
    const { t } = env.server;
    const school = await t.org('Riverside Primary School');
    const admin = await t.user('admin', null, 'Sam Admin');
    const staff = await t.user('staff', school.id, 'Amira Khan');
    const trainer = await t.user('trainer', null, 'Priya Trainer');
    const startsAt = daysFromNow(9);
    const s = await t.session({ title: 'Riverside INSET: sensory needs', capacity: { online: 3 }, startsAt, endsAt: plusMinutes(startsAt, 60), audience: { kind: 'organisation', orgId: school.id } }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/sessions/${s.id}`, 'Riverside INSET: sensory needs');
    await page.getByText('This session is only for the staff of Riverside Primary School, so you cannot book a place on it.').waitFor();
    expect(await page.getByRole('button', { name: /^(Book|Join the waitlist)/ }).count()).toBe(0);
    expect(await page.getByText('Seats free to you').count()).toBe(0);
    await checkPage(page, 'an in-house session, as an administrator');

    const day = startsAt.slice(0, 10);
    await page.goto(`/sessions?from=${day}&to=${day}`);
    const card = page.getByRole('listitem').filter({ hasText: 'Riverside INSET: sensory needs' });
    await card.getByText('You cannot book a place: it is only for the staff of Riverside Primary School.').waitFor();
    expect(await card.getByText('Seats free to you').count()).toBe(0);
    await checkPage(page, 'the session list, an in-house card as an administrator');

    const own = await newPage(env.browser, env.server, NARROW);
    await signInTo(own, staff, `/sessions/${s.id}`, 'Riverside INSET: sensory needs');
    await own.getByRole('button', { name: /^Book/ }).first().waitFor();
    expect(await own.getByText(/you cannot book a place/).count()).toBe(0);
  }, 90_000);
});
