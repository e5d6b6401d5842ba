/**
 * A staff member's and a trainer's session pages in states they used to handle badly, in a
 * real browser, by keyboard, at 320 CSS px, axe-clean: a cancelled session says why the
 * person's place went (the trainer's reason) and invites no booking or download, and offers its
 * trainer nothing that cannot be used; the live room refuses someone with no online place, or
 * a cancelled session, without "yet" or "Try again", and offers no transcript to someone who
 * may not read it; the check-in page and the session page say when someone checked in instead
 * of asking for the code again; the last seat taken just before pressing "Book a seat" is said
 * as such; and a trainer's own page shows the session's seats as taken, not "free to you".
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.skipIf(!browserAvailable)('session pages in awkward states', () => {
  const env = serverAndBrowser();

  it('a cancelled session: Ben’s page and booking say his place went with it and why, with nothing to book or download; its trainer is offered nothing that cannot be used', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Alder School');
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const ben = await t.user('staff', org.id, 'Ben Okafor');
    const startsAt = daysFromNow(5);
    const s = await t.session({ title: 'Sensory circuits', mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} });
    expect(booked.status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${s.id}/materials/links`, { as: trainer, body: { title: 'Circuit cards', url: 'https://example.org/cards' } })).status).toBe(201);
    const reason = 'The trainer is unwell; it will run again in the spring term.';
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: { reason } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, `/sessions/${s.id}`, 'Sensory circuits');
    await page.getByText('This session has been cancelled.').waitFor();
    const place = page.getByRole('region', { name: 'Your place' });
    await place.getByText(`Your place was cancelled because the session was cancelled: ${reason}`).waitFor();
    expect(await place.getByText(/Booking for this session is closed/).count()).toBe(0);
    const materials = page.getByRole('region', { name: 'Materials' });
    await materials.getByText('This session was cancelled, so its materials are not available to download.').waitFor();
    expect(await page.getByText(/Book a place/).count()).toBe(0);
    await checkPage(page, 'a cancelled session’s page, to someone whose place went with it');

    await page.goto(`/bookings/${booked.json.id}`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Sensory circuits' }).waitFor();
    await page.getByText(`Your place was cancelled because the session was cancelled: ${reason}`).waitFor();
    await checkPage(page, 'a booking cancelled with its session');

    const trainerPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(trainerPage, trainer, `/sessions/${s.id}`, 'Sensory circuits');
    const running = trainerPage.getByRole('region', { name: 'Running this session' });
    await running.getByRole('link', { name: 'Who is coming' }).waitFor();
    await trainerPage.getByText(`Reason given: ${reason}`).waitFor();
    await trainerPage.getByRole('region', { name: 'Materials' }).getByText('Circuit cards').waitFor();
    await expect.poll(() => trainerPage.evaluate(() => document.querySelectorAll('p.loading').length)).toBe(0);
    expect(await trainerPage.getByRole('link', { name: 'Open the live room' }).count()).toBe(0);
    expect(await trainerPage.getByRole('link', { name: /Attendance register/ }).count()).toBe(0);
    expect(await trainerPage.getByRole('heading', { name: 'Add from the programme’s library' }).count()).toBe(0);
    expect(await trainerPage.getByRole('button', { name: /Remove Circuit cards/ }).count()).toBe(0);
    expect(await trainerPage.getByLabel(/File/).count()).toBe(0);
    expect(await trainerPage.getByRole('region', { name: 'Your place' }).count()).toBe(0);
    await checkPage(trainerPage, 'a cancelled session’s page, to its trainer');

    // Its live room, as its trainer: said to be cancelled, with no "yet" and nothing to try again.
    await trainerPage.goto(`/sessions/${s.id}/room`);
    await trainerPage.getByRole('heading', { level: 1, name: 'Live room: Sensory circuits' }).waitFor();
    await trainerPage.getByRole('heading', { level: 2, name: 'This session has been cancelled' }).waitFor();
    await trainerPage.getByText(`Its live room will not open. Reason given: ${reason}`).waitFor();
    expect(await trainerPage.getByText(/cannot join yet/).count()).toBe(0);
    expect(await trainerPage.getByRole('button', { name: /Try again|Check now/ }).count()).toBe(0);
    expect(await trainerPage.getByRole('link', { name: /Register/ }).count()).toBe(0);
    await checkPage(trainerPage, 'the live room of a cancelled session');
  });

  it('a session that ended, had its outcomes written and was then cancelled keeps its register link (it holds records)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Rhys Trainer');
    const ben = await t.user('staff', (await t.org()).id, 'Bea Absent');
    t.clock.set(minutesFromNow(-300));
    const s = await t.session({ title: 'Held and empty', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-180), endsAt: minutesFromNow(-120), capacity: { inPerson: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).status).toBe(201);
    t.clock.set(new Date().toISOString());
    const { recordAttendanceOutcomes } = await import('../../server/attendance/service.js');
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('POST', `/api/sessions/${s.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/sessions/${s.id}`, 'Held and empty');
    await page.getByRole('region', { name: 'Running this session' }).getByRole('link', { name: 'Attendance register' }).waitFor();
    expect(await page.getByRole('link', { name: 'Feedback from attendees' }).count()).toBe(0);
    await checkPage(page, 'a cancelled session whose register holds records');
    // My sessions, Past, agrees: no Feedback for a session that did not take place.
    await page.goto('/trainer/sessions?when=past');
    const actions = page.getByRole('list', { name: 'Actions for Held and empty' });
    await actions.getByRole('link', { name: 'Who is coming' }).waitFor();
    expect(await actions.getByRole('link', { name: 'Feedback' }).count()).toBe(0);
  });

  it('the live room to someone with no online place: said so, a link to book one, no “Try again” and no transcript link (keyboard, 320 px)', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Rose Trainer');
    const cara = await t.user('staff', (await t.org()).id, 'Cara Unbooked');
    const startsAt = daysFromNow(3);
    const s = await t.session({ title: 'Attention autism', mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 4 } }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, cara, `/sessions/${s.id}/room`, 'Live room: Attention autism');
    await page.getByRole('heading', { level: 2, name: 'You do not have an online place on this session' }).waitFor();
    await page.getByText('Only confirmed online attendees and the session’s trainers can join its live room.').waitFor();
    expect(await page.getByText(/cannot join yet/).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Try again|Check/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Download the transcript' }).count()).toBe(0);
    await checkPage(page, 'the live room to someone with no place');
    await activate(page, 'Book an online seat on the session’s page');
    await page.getByRole('heading', { level: 1, name: 'Attention autism' }).waitFor();
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
  });

  it('checked in already: the check-in page and the session page say when, and do not ask for the code again', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Ravi Trainer');
    const ben = await t.user('staff', (await t.org()).id, 'Ben Checked');
    t.clock.set(minutesFromNow(-30));
    const s = await t.session({ title: 'Zones of regulation', mode: 'in_person', venue: 'Main hall', startsAt: minutesFromNow(-10), endsAt: minutesFromNow(50), capacity: { inPerson: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).status).toBe(201);
    t.clock.set(new Date().toISOString());
    const code = (await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json.code;
    const checkin = await t.request('POST', `/api/sessions/${s.id}/checkin`, { as: ben, body: { code } });
    expect(checkin.status).toBe(200);
    const at = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(checkin.json.checkedInAt));

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, `/sessions/${s.id}/checkin`, 'Check in');
    await page.getByText(new RegExp(`^You checked in at ${at} (GMT|BST)\\. You do not need to do anything more\\.$`)).waitFor();
    expect(await page.getByLabel('Check-in code').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Confirm check-in' }).count()).toBe(0);
    await checkPage(page, 'the check-in page after checking in');

    await activate(page, 'About this session');
    await page.getByRole('heading', { level: 1, name: 'Zones of regulation' }).waitFor();
    await page.getByRole('region', { name: 'Your place' }).getByText(new RegExp(`^You checked in at ${at} (GMT|BST)\\.$`)).waitFor();
    expect(await page.getByRole('link', { name: 'Check in at the venue' }).count()).toBe(0);
    await checkPage(page, 'the session page after checking in');
  });

  it('the last seat taken just before “Book a seat” is pressed: said so, first on the waitlist, with Leave waitlist next by keyboard', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const org = await t.org('Birch School');
    const trainer = await t.user('trainer', null, 'Rae Trainer');
    const ann = await t.user('staff', org.id, 'Ann First');
    const ben = await t.user('staff', org.id, 'Ben Second');
    const startsAt = daysFromNow(4);
    const s = await t.session({ title: 'Last seat', mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 1 } }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, `/sessions/${s.id}`, 'Last seat');
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    // Ann takes it while Ben's page still shows it free.
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: {} })).json.status).toBe('confirmed');
    await activate(page, 'Book a seat');
    await page.getByRole('status').filter({ hasText: 'The last online seat was taken just before you, so you have been put first on the waitlist. Leave the waitlist if you would rather not wait.' }).waitFor();
    expect(await page.getByText(/You joined the waitlist/).count()).toBe(0);
    await expectFocused(page, '#your-place-title');
    await page.keyboard.press('Tab');
    expect((await page.evaluate(() => document.activeElement?.textContent ?? '')).trim()).toBe('Leave waitlist');
    await checkPage(page, 'after losing the last seat to someone else');
  });

  it('the free seats held for another school just before “Book a seat” is pressed: said as it is, not as the last seat taken', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const [birch, oak] = [await t.org('Birch Held'), await t.org('Oak Holder')];
    const trainer = await t.user('trainer', null, 'Ria Trainer');
    const ben = await t.user('staff', birch.id, 'Ben Outside');
    const startsAt = daysFromNow(4);
    const s = await t.session({ title: 'Held meanwhile', mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 2 }, holdsReleaseAt: daysFromNow(3) }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, ben, `/sessions/${s.id}`, 'Held meanwhile');
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    // Both seats held for Oak while Ben's page still shows them free.
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: oak.id, seat: 'online', seats: 2 } })).status).toBe(204);
    await activate(page, 'Book a seat');
    await page.getByRole('status').filter({ hasText: 'No online seats are free to you now: the 2 empty ones are held for other schools, so you have been put first on the waitlist. Leave the waitlist if you would rather not wait.' }).waitFor();
    await checkPage(page, 'after the free seats were held for another school');
  });

  it('a trainer’s own session page shows its seats as taken, not “free to you”', async () => {
    const { t } = env.server;
    t.clock.set(new Date().toISOString());
    const trainer = await t.user('trainer', null, 'Ruth Trainer');
    const staff = await t.user('staff', (await t.org()).id, 'Sam Booked');
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Precision monitoring', mode: 'online', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/sessions/${s.id}`, 'Precision monitoring');
    await page.getByText('You run this session, so you need no place on it.').waitFor();
    await page.getByText('Online: 1 of 5 taken, 0 waiting').waitFor();
    expect(await page.getByText(/free to you/).count()).toBe(0);
    await checkPage(page, 'a trainer’s own session page');
    await tabTo(page, 'Open the live room');
  });
});
