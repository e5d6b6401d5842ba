/**
 * An action refused because things changed while the page was open (409: the session
 * cancelled, the booking already gone) is said in words without "Try again", which could only
 * be refused again, and the page reloads to show how things now are; the refusal takes focus
 * when what was pressed went with the reload. Before, each kept the old page and offered a
 * retry that always failed.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('refused because things changed meanwhile', () => {
  const env = serverAndBrowser();

  it('booking a session cancelled since the page opened says so, with no retry, and the page shows it cancelled (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Refused: cancelled meanwhile', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);

    await activate(page, 'Book a seat');
    const refusal = page.getByRole('alert').filter({ hasText: 'This session has been cancelled.' });
    await refusal.waitFor();
    // The page now shows what the server said: cancelled, and nothing to book.
    await page.locator('strong', { hasText: 'This session has been cancelled.' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Book a seat' }).count()).toBe(0);
    expect(await refusal.getByRole('button').count()).toBe(0);
    // Its bookings went with it: it does not say every seat is free.
    expect(await page.getByText('Seats free to you').count()).toBe(0);
    expect(await page.getByText(/of 5 seats free to you/).count()).toBe(0);
    // "Book a seat" went with the reload: the refusal has focus, not <body>.
    await expectFocused(page, '.notice-error[role="alert"]');
    expect((await t.request('GET', '/api/me/bookings', { as: me })).json.items).toEqual([]);
    await checkPage(page, 'session page: booking refused as the session was cancelled meanwhile (320 px)');
  });

  it('a session that ended says nothing of seats free; one cancelled after it ended says it did not take place and counts towards no one’s training (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const me = await t.user('staff', org.id);
    t.clock.set(plusMinutes(daysFromNow(-2), -24 * 60));
    const held = await t.session({ title: 'Ended, held', startsAt: daysFromNow(-2), endsAt: plusMinutes(daysFromNow(-2), 60), capacity: { online: 5 } });
    const dropped = await t.session({ title: 'Ended, did not happen', startsAt: daysFromNow(-2), endsAt: plusMinutes(daysFromNow(-2), 60), capacity: { online: 5 } });
    for (const s of [held, dropped]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).status).toBe(201);
    t.clock.set(new Date().toISOString());
    expect((await t.request('POST', `/api/sessions/${dropped.id}/cancel`, { as: dropped.trainer, body: { reason: 'Trainer ill' } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, `/sessions/${held.id}`);
    await page.getByRole('heading', { level: 1, name: 'Ended, held' }).waitFor();
    await page.getByRole('heading', { name: 'Your place' }).waitFor();
    expect(await page.getByText('Seats free to you').count()).toBe(0);
    await checkPage(page, 'an ended session');

    await page.goto(`/sessions/${dropped.id}`);
    await page.getByRole('heading', { level: 1, name: 'Ended, did not happen' }).waitFor();
    await page.locator('.notice-warning').filter({ hasText: 'This session has been cancelled. It did not take place, so it counts towards no one’s training.' }).waitFor();
    expect(await page.getByText('Seats free to you').count()).toBe(0);
    await checkPage(page, 'a session cancelled after it ended');
  });

  it('another school’s in-house session, opened from a link, says it is not there for them with no “Try again”, and its check-in page offers no form (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const [hill, vale] = [await t.org('Hill Primary'), await t.org('Vale Primary')];
    const s = await t.session({ title: 'Hill only: makaton', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 5 }, audience: { kind: 'organisation', orgId: hill.id } });
    const office = await t.user('office', vale.id, 'Val Office');
    const staff = await t.user('staff', vale.id, 'Vic Staff');
    const said = 'No such session: it may have been removed, or be for another school’s staff only.';

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'Session not available' }).waitFor();
    await page.getByText(said).waitFor();
    expect(await page.getByRole('button', { name: /Try again/ }).count()).toBe(0);
    expect(await page.getByText('Hill only: makaton').count()).toBe(0);
    await checkPage(page, 'another school’s in-house session');
    await page.context().close();

    const staffPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(staffPage, staff, `/sessions/${s.id}/checkin?code=123456`);
    await staffPage.getByRole('heading', { level: 1, name: 'Check in' }).waitFor();
    await staffPage.getByText(said).waitFor();
    expect(await staffPage.getByRole('button', { name: /Try again|Confirm check-in/ }).count()).toBe(0);
    expect(await staffPage.getByLabel('Check-in code').count()).toBe(0);
    await checkPage(staffPage, 'check-in for another school’s session');
  });

  it('accepting an offered seat on a session cancelled meanwhile says why on My bookings, moves it to the past, and offers no retry (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const [first, me] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const s = await t.session({ title: 'Refused: offer on a cancelled session', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 1 }, waitlistPolicy: 'offer', offerHoldMinutes: 60 });
    const theirs = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: first, body: {} })).json;
    const mine = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} })).json;
    expect((await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: first })).status).toBe(200);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('offered');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, '/bookings');
    await page.getByRole('button', { name: /^Accept seat/ }).waitFor();
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: s.trainer, body: {} })).status).toBe(200);

    await activate(page, `Accept seat: ${s.title}`);
    const status = page.locator('#bookings-status');
    await status.filter({ hasText: 'This session has been cancelled, so there is no seat on offer any more.' }).waitFor();
    await expectFocused(page, '#bookings-status');
    // The card now stands among the cancelled and past, without Accept; nothing offers to try again.
    await expect.poll(() => page.getByRole('button', { name: 'Accept seat' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Try/ }).count()).toBe(0);
    expect((await t.request('GET', `/api/bookings/${mine.id}`, { as: me })).json.status).toBe('cancelled');
    await checkPage(page, 'My bookings: accepting refused as the session was cancelled meanwhile (320 px)');
  });

  it('a trainer moving someone who cancelled meanwhile is told, with no retry, and the list no longer shows them (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id, 'Remy Cancelled-Meanwhile');
    const s = await t.session({ title: 'Refused: moved after cancelling', mode: 'hybrid', venue: 'Hall', startsAt: daysFromNow(10), endsAt: plusMinutes(daysFromNow(10), 60), capacity: { inPerson: 5, online: 5 } });
    const b = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: { seat: 'online' } })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, s.trainer, `/trainer/sessions/${s.id}/people`);
    const moveName = `Move to in person: ${staff.name}`;
    await page.getByRole('button', { name: moveName }).waitFor();
    expect((await t.request('DELETE', `/api/bookings/${b.id}`, { as: staff })).status).toBe(200);

    await activate(page, moveName);
    // Asked first: the seat left goes to whoever waits for one.
    const question = page.getByRole('group', { name: moveName }).locator('p');
    expect(await question.innerText()).toBe(`Move ${staff.name} to an in-person seat? Their online seat goes at once to the next person waiting for one, so moving them back may find no seat free. They are told by email.`);
    await expectFocused(page, '.confirm p');
    await activate(page, 'Yes, move them');
    const refusal = page.getByRole('alert').filter({ hasText: /cancelled/i });
    await refusal.waitFor();
    expect(await refusal.getByRole('button').count()).toBe(0);
    // Reloaded: no button is left that could only be refused.
    await expect.poll(() => page.getByRole('button', { name: moveName }).count()).toBe(0);
    await expectFocused(page, '.notice-error[role="alert"]');
    expect((await t.request('GET', `/api/bookings/${b.id}`, { as: staff })).json).toMatchObject({ status: 'cancelled', seat: 'online' });
    await checkPage(page, 'attendees: a move refused as the person cancelled meanwhile (320 px)');
  });

  it('releasing a seat hold is asked first, saying what the unclaimed seats do; "No, keep the hold" keeps it and gives focus back (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Refusal Hold School');
    const s = await t.session({ title: 'Refused: hold asked first', startsAt: daysFromNow(11), endsAt: plusMinutes(daysFromNow(11), 60), capacity: { online: 5 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 3 } })).status).toBeLessThan(300);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, s.trainer, `/trainer/sessions/${s.id}/holds`);
    const name = `Release the online hold for ${org.name}`;
    await page.getByRole('button', { name }).waitFor();
    await activate(page, name);
    const question = page.getByRole('group', { name }).locator('p');
    expect(await question.innerText()).toBe(`${name}? Its 3 seats not yet claimed go at once to people waiting, or to anyone booking, so holding them again may find them taken.`);
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'seat holds: asked before a release (320 px)');
    await activate(page, 'No, keep the hold');
    await expectFocused(page, `button[aria-label="${name}"]`);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([expect.objectContaining({ orgId: org.id, seats: 3 })]);
  });
});
