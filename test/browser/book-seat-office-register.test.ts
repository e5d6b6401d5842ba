/**
 * Two pages that started on, or said, what was not so for the organisation in view; each test
 * failed on the code before its fix. By keyboard, at 320 CSS px, axe-clean:
 * - an administrator's "Book staff" form on a hybrid session started on the seat kind free to
 *   the administrator (the open seats), not to the organisation chosen: with every in-person
 *   seat held for a school and one online seat open, it started on Online though 2 in-person
 *   seats are free to that school's staff. Now, once the organisation's roster (its seats as it
 *   sees them) has come, it starts on the first kind with a seat free to them, and a kind the
 *   user chose is never changed for them;
 * - a school office with no staff on a session cancelled after it was held (other schools' staff
 *   have records on it) was told it "has no register: every place on it was cancelled with it":
 *   now it is told that none of its staff has a place on it.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, settled, signInAt, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.skipIf(!browserAvailable)('the seat kind Book staff starts on, and an office’s cancelled register', () => {
  const env = serverAndBrowser();

  it('an administrator choosing a school whose hold is all the in-person seats left: the form starts on In person; Online, once chosen, stays chosen (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const admin = await t.user('admin', null, 'Ada Admin');
    const oak = await t.org('Oak Seat Primary');
    for (const name of ['Ann Oak', 'Ben Oak', 'Cy Oak']) await t.user('staff', oak.id, name);
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Sensory circuits', mode: 'hybrid', venue: 'Oak hall', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { inPerson: 2, online: 1 } });
    // Every in-person seat held for Oak: none open to anyone else; the one online seat is open.
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'in_person', seats: 2 } })).status).toBeLessThan(300);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 2, name: 'Book people onto this session' }).waitFor();
    await tabTo(page, 'Find organisation by name or URN');
    await page.keyboard.type('oak seat');
    const panel = page.getByRole('region', { name: 'Book staff from Oak Seat Primary' });
    await panel.getByRole('checkbox', { name: /Ann Oak/ }).waitFor();
    const inPerson = panel.getByRole('radio', { name: /^In person/ });
    const online = panel.getByRole('radio', { name: /^Online/ });
    // Started on In person, the kind with seats free to Oak's staff (its hold), and stays there once settled.
    await expect.poll(() => inPerson.isChecked()).toBe(true);
    await settled(page);
    expect(await inPerson.isChecked()).toBe(true);
    expect(await online.isChecked()).toBe(false);
    await panel.getByText('2 in-person seats free to Oak Seat Primary now (2 of them held for Oak Seat Primary). Anyone past that joins the waitlist.').waitFor();
    await checkPage(page, 'an administrator’s Book staff, started on the seat kind free to the school (320 px)');

    // Online chosen by keyboard: kept as the roster loads again for it, and after a booking on it.
    await tabTo(page, /^In person/);
    await page.keyboard.press('ArrowDown');
    expect(await online.isChecked()).toBe(true);
    await panel.getByText('1 online seat free to Oak Seat Primary now. Anyone past that joins the waitlist.').waitFor();
    await settled(page);
    expect(await online.isChecked()).toBe(true);
    await tabTo(page, /Ann Oak/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Book 1 person');
    await page.keyboard.press('Enter');
    await panel.getByRole('status').filter({ hasText: '1 of 1 person booked or added to the waitlist.' }).waitFor();
    await panel.locator('.roster-person', { hasText: 'Ann Oak' }).getByText('Already booked (online seat).').waitFor();
    await settled(page);
    // No online seat is left, but the user chose Online: it is not changed for them.
    expect(await online.isChecked()).toBe(true);
    await panel.getByText('No online seats are free to Oak Seat Primary now: anyone you book joins the waitlist.').waitFor();
    await checkPage(page, 'an administrator’s Book staff, Online kept as chosen (320 px)');
  }, 90_000);

  it('a school office with no staff on a session cancelled after it was held (another school’s staff have records) is told any places its staff had were cancelled with it, so there is no attendance of theirs to show, not that it has no register (320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Tia Trainer');
    const elm = await t.org('Elm Register School');
    const yew = await t.org('Yew Register School');
    const eve = await t.user('staff', elm.id, 'Eve Elm');
    const elmOffice = await t.user('office', elm.id, 'Ola Elm');
    const yewOffice = await t.user('office', yew.id, 'Otto Yew');
    await t.user('staff', yew.id, 'Yan Yew');
    // Held, its outcomes written (Eve absent), then cancelled as not having taken place.
    const now = t.clock.now().toISOString();
    t.clock.set(minutesFromNow(-300));
    const held = await t.session({ title: 'Held, then cancelled', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-180), endsAt: minutesFromNow(-120), capacity: { inPerson: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${held.id}/bookings`, { as: eve, body: {} })).status).toBe(201);
    t.clock.set(now);
    const { recordAttendanceOutcomes } = await import('../../server/attendance/service.js');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('POST', `/api/sessions/${held.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);
    // The register holds Eve's record; Yew's office sees none of it (none of theirs had a place).
    expect((await t.request('GET', `/api/sessions/${held.id}/attendance`, { as: trainer })).json.items).toHaveLength(1);
    expect((await t.request('GET', `/api/sessions/${held.id}/attendance`, { as: yewOffice })).json.items).toEqual([]);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, yewOffice, `/sessions/${held.id}/register`, 'Register: Held, then cancelled');
    await page.getByText('This session was cancelled.', { exact: true }).waitFor();
    await page.getByText('This session was cancelled: any places your staff had on it were cancelled with it, so there is no attendance of theirs to show.').waitFor();
    await settled(page);
    expect(await page.getByText(/has no register/).count()).toBe(0);
    expect(await page.getByText(/every place on it was cancelled/).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Download/ }).count()).toBe(0);
    await checkPage(page, 'a cancelled session’s register, to an office with none of its staff on it (320 px)');

    // Elm's office sees its own staff's record, read only, as before.
    const elmPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(elmPage, elmOffice, `/sessions/${held.id}/register`, 'Register: Held, then cancelled');
    await elmPage.getByRole('rowheader', { name: 'Eve Elm' }).waitFor();
    await elmPage.getByText('Its record from before it was cancelled, which can no longer be changed: 0 of 1 attended.').waitFor();
    await settled(elmPage);
    expect(await elmPage.getByText(/none of your staff/).count()).toBe(0);
    await checkPage(elmPage, 'a cancelled session’s register, to an office whose staff have a record on it (320 px)');
  }, 90_000);
});
