/**
 * Trainers and administrators run the programme from the web, in a real browser: my
 * sessions, edit (saying how many people will be told), cancel, duplicate and series, who is
 * coming (filter, CSV, move, remove with a reason), messages to attendees, seat holds, and
 * the administrator's mail outbox with "retry now". Flows run by keyboard at 320 CSS px;
 * every page is checked with axe-core and for sideways scrolling at desktop size and 320 px.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers.js';
import { isDetailsOnly } from '../../server/notifications/messages.js';
import { browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped, checkPage, activate, NARROW, typeInto } from './harness.js';

warnIfSkipped(import.meta.url);

const DESKTOP = { viewport: { width: 1280, height: 900 } };

/** Tabs to a field and types into it (replacing what is there). */

describe.skipIf(!browserAvailable)('trainer and administrator pages', () => {
  const env = serverAndBrowser();

  async function hybridWithPeople(trainer: TestUser, title: string, opts: { inPerson?: number; online?: number } = {}) {
    const { t } = env.server;
    const start = daysFromNow(10, 15);
    const s = await t.session({ title, mode: 'hybrid', venue: 'Oak hall', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { inPerson: opts.inPerson ?? 2, online: opts.online ?? 5 } }, trainer);
    return s;
  }
  async function book(sessionId: string, user: TestUser, seat: 'in_person' | 'online', as?: TestUser) {
    const res = await env.server.t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: as ?? user, body: { seat, ...(as ? { userId: user.id } : {}) } });
    expect(res.status).toBe(201);
    return res.json as { id: string; status: string };
  }

  it('my sessions, edit with "N people will be told", a refusal beside its field, and cancel with the count told (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Tara Trainer');
    const other = await t.user('trainer');
    const school = await t.org('Hill Primary');
    const s = await hybridWithPeople(trainer, 'Autism in the early years');
    await t.session({ title: 'Someone else’s session', startsAt: daysFromNow(11), endsAt: plusMinutes(daysFromNow(11), 60) }, other);
    await book(s.id, await t.user('staff', school.id), 'in_person');
    await book(s.id, await t.user('staff', school.id), 'in_person');
    await book(s.id, await t.user('staff', school.id), 'in_person'); // waits

    for (const size of [DESKTOP, NARROW]) {
      const look = await newPage(env.browser, env.server, size);
      await signInAt(look, trainer, '/trainer/sessions');
      const card = look.getByRole('article', { name: 'Autism in the early years' });
      await card.waitFor();
      const text = (await card.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain('In person: 2 of 2 taken, 1 waiting');
      expect(text).toContain('Online: 0 of 5 taken, 0 waiting');
      expect(await look.getByRole('article', { name: 'Someone else’s session' }).count()).toBe(0);
      await checkPage(look, `my sessions at ${size.viewport.width} px`);
      await look.goto(`/trainer/sessions/${s.id}/edit`);
      await look.getByRole('heading', { level: 1, name: 'Edit: Autism in the early years' }).waitFor();
      await checkPage(look, `edit page at ${size.viewport.width} px`);
      await look.context().close();
    }

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/trainer/sessions', 'My sessions', { nav: 'My sessions' });
    await activate(page, 'Edit or cancel');
    await page.getByRole('heading', { level: 1, name: 'Edit: Autism in the early years' }).waitFor();
    await expectFocused(page, 'h1');

    // Fewer in-person seats than are taken: refused beside that field.
    await typeInto(page, 'Number of in-person seats', '1');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByLabel('Number of in-person seats').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#cap-in-person-error').filter({ hasText: '2 in-person seats are already taken' }).waitFor();
    await checkPage(page, 'edit page with an API error');

    // A new venue: the page says how many will be told before saving.
    await typeInto(page, 'Number of in-person seats', '2');
    await typeInto(page, 'Venue', 'Library, first floor');
    await page.keyboard.press('Enter');
    await page.getByText('3 people booked or waiting will be told by email').waitFor();
    expect(await t.mails('session_changed')).toHaveLength(0);
    await checkPage(page, 'edit page asking to tell people');
    await activate(page, 'Save and tell 3 people');
    await page.getByRole('status').filter({ hasText: 'Changes saved. 3 people have been told.' }).waitFor();
    expect(await t.mails('session_changed')).toHaveLength(3);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.venue).toBe('Library, first floor');

    // A new title changes what the invite in each seat holder's calendar says: the page asks
    // before they are sent its new version (the person waiting has no event, and is not).
    await typeInto(page, 'Title', 'Autism in the early years (EYFS)');
    await page.keyboard.press('Enter');
    await page.getByText('This changes what the calendar invite says. 2 people with a seat will be sent the updated invite by email. Save and tell them?').waitFor();
    await expectFocused(page, '.confirm');
    expect(await t.mails('session_changed')).toHaveLength(3);
    await checkPage(page, 'edit page asking to send the new invite');
    await activate(page, 'Save and tell 2 people');
    await page.getByRole('status').filter({ hasText: 'Changes saved. 2 people have been told.' }).waitFor();
    expect(await t.mails('session_changed')).toHaveLength(5);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.title).toBe('Autism in the early years (EYFS)');

    // Cancel with a reason: everyone is told, and the page says how many.
    await typeInto(page, 'Reason (sent to everyone; optional)', 'Trainer unwell');
    await activate(page, 'Cancel this session');
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'cancel question');
    await activate(page, 'Yes, cancel the session');
    await page.getByRole('status').filter({ hasText: 'Session cancelled. 3 people have been told.' }).waitFor();
    const cancelled = await t.mails('session_cancelled');
    expect(cancelled).toHaveLength(3);
    expect(cancelled[0]!.message.text).toContain('Reason given: Trainer unwell');
    await checkPage(page, 'cancelled session');
  });

  it('fewer seats than are taken, with a new start time, is refused beside the seats before anyone is asked about telling people, saying what to do; nothing is saved or sent (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Seth Seats');
    const s = await hybridWithPeople(trainer, 'Speech and language: first steps');
    const school = await t.org('Quince Primary');
    await book(s.id, await t.user('staff', school.id), 'in_person');
    await book(s.id, await t.user('staff', school.id), 'in_person');
    await book(s.id, await t.user('staff', school.id), 'in_person'); // waits
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Speech and language: first steps');
    await typeInto(page, 'Number of in-person seats', '1');
    await page.getByLabel('Start time').fill('09:30');
    await activate(page, 'Save changes');
    const said = '2 in-person seats are already taken, so there cannot be fewer: remove people, or move them to online seats, on Who is coming first';
    const link = page.locator('.error-summary').getByRole('link', { name: said, exact: true });
    await link.waitFor();
    // Not asked whether to tell the 3 people booked or waiting of a change that cannot be saved.
    expect(await page.getByText('This changes the time or place').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Save and tell/ }).count()).toBe(0);
    expect(await page.getByLabel('Number of in-person seats').getAttribute('aria-invalid')).toBe('true');
    expect((await page.locator('#cap-in-person-error').innerText()).replace(/\s+/g, ' ')).toBe(`Error: ${said}`);
    await checkPage(page, 'edit page refusing fewer seats than are taken');
    await link.focus();
    await page.keyboard.press('Enter');
    await expectFocused(page, '#cap-in-person');
    const after = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    expect([after.capacity.inPerson, after.startsAt]).toEqual([2, s.startsAt]);
    expect((await t.mails('session_changed')).filter((m) => m.session_id === s.id)).toHaveLength(0);

    // Enough seats again: the same new time is then asked about, as before.
    await typeInto(page, 'Number of in-person seats', '2');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Save and tell 3 people' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
  });

  it('a session that runs past midnight (23:00 to 00:30) is renamed from its edit page, its end still the next day (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Nia Night');
    // 23:00 in England, GMT or BST, 12 days from now.
    const londonHour = (iso: string) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).format(new Date(iso));
    const start = londonHour(daysFromNow(12, 23)) === '23' ? daysFromNow(12, 23) : daysFromNow(12, 22);
    expect(londonHour(start)).toBe('23');
    const s = await t.session({ title: 'Late shift: supporting SEND', startsAt: start, endsAt: plusMinutes(start, 90), capacity: { online: 10 } }, trainer);
    const endDay = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date(plusMinutes(start, 90)));
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Late shift: supporting SEND');
    // Before, the form put the end on the start's day and refused it: "End time must be after the start time".
    await typeInto(page, 'Title', 'Late shift: SEND basics');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect(await page.getByRole('heading', { name: 'There is a problem' }).count()).toBe(0);
    // The end time says which day it is on.
    expect(await page.locator('#end-hint').textContent()).toBe(`The next day, ${endDay}.`);
    await checkPage(page, 'edit page of a session past midnight');
    const saved = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    expect([saved.title, saved.startsAt, saved.endsAt]).toEqual(['Late shift: SEND basics', start, plusMinutes(start, 90)]);
  });

  it('changing a hybrid session to in person only while someone has an online seat is refused at Mode, saying what to do; nothing changes (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Hana Hybrid');
    const s = await t.session({ title: 'Hybrid: sensory needs', mode: 'hybrid', venue: 'Hall', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { inPerson: 5, online: 5 } }, trainer);
    const online = await t.user('staff', (await t.org()).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: online, body: { seat: 'online' } })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Hybrid: sensory needs');
    await tabTo(page, 'Hybrid (in person or online)');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.locator('input[name="mode"]:checked').getAttribute('value')).toBe('in_person');
    await activate(page, 'Save changes');
    // Refused at once, in the server's words: no one is asked whether to tell the person of a change that cannot be saved.
    const said = '1 person is booked on or waiting for an online seat, which a session in person only does not have. Move them to an in-person seat on Who is coming, or remove them, first; or keep it hybrid.';
    const link = page.locator('.error-summary').getByRole('link', { name: new RegExp(`^(Mode: )?${said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
    await link.waitFor();
    expect(await page.getByRole('button', { name: /^Save and tell/ }).count()).toBe(0);
    await checkPage(page, 'edit page, a mode change refused at Mode');
    await link.focus();
    await page.keyboard.press('Enter');
    await expectFocused(page, '#mode-online');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.mode).toBe('hybrid');
  });

  it('changing a hybrid session to in person only while online seats are held for a school is refused at Mode, naming the school and saying what to do; nothing changes (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Hana Holds');
    const school = await t.org('Linden Primary');
    const s = await t.session({ title: 'Hybrid: held online seats', mode: 'hybrid', venue: 'Hall', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { inPerson: 5, online: 5 } }, trainer);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: school.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/edit`, 'Edit: Hybrid: held online seats');
    await tabTo(page, 'Hybrid (in person or online)');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.locator('input[name="mode"]:checked').getAttribute('value')).toBe('in_person');
    await activate(page, 'Save changes');
    const said = '2 online seats are held for Linden Primary, which a session in person only does not have. Release them on Seat holds first, or keep it hybrid.';
    // Before, the summary's link was to the number of online seats, a field the new mode does not show.
    const link = page.getByRole('link', { name: `Mode: ${said}`, exact: true });
    await link.waitFor();
    const group = page.getByRole('group', { name: 'Mode' });
    expect(await group.getAttribute('aria-describedby')).toBe('mode-online-error');
    expect((await page.locator('#mode-online-error').innerText()).replace(/\s+/g, ' ')).toBe(`Error: Mode: ${said}`);
    await checkPage(page, 'edit page, a mode change refused at Mode for held seats');
    await link.focus();
    await page.keyboard.press('Enter');
    await expectFocused(page, '#mode-online');
    const after = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    expect([after.mode, after.seats.online.capacity]).toEqual(['hybrid', 5]);
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: trainer })).json.items.map((h: any) => [h.orgName, h.seat, h.seats])).toEqual([['Linden Primary', 'online', 2]]);
  });

  it('the session page offers those running it who is coming, edit or cancel, messaging attendees and seat holds, each reached by keyboard; staff see none of them (320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Rhian Runner');
    const school = await t.org('Runner Primary');
    const start = daysFromNow(8, 15);
    const s = await t.session({ title: 'Running it: speech and language', mode: 'hybrid', venue: 'Oak hall', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { inPerson: 3, online: 3 } }, trainer);
    const staff = await t.user('staff', school.id);
    await book(s.id, staff, 'online');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/sessions/${s.id}`, 'Running it: speech and language');
    const running = page.getByRole('region', { name: 'Running this session' });
    await running.waitFor();
    const links = ['Open the live room', 'Attendance register', 'Who is coming', 'Edit or cancel', 'Message attendees', 'Seat holds'];
    expect((await running.getByRole('link').allInnerTexts()).map((x) => x.trim())).toEqual(links);
    await checkPage(page, 'session page, to its trainer, at 320 px');
    const pages: [string, string][] = [
      ['Who is coming', 'Who is coming: Running it: speech and language'],
      ['Edit or cancel', 'Edit: Running it: speech and language'],
      ['Message attendees', 'Message attendees: Running it: speech and language'],
      ['Seat holds', 'Seat holds: Running it: speech and language'],
    ];
    for (const [name, heading] of pages) {
      await page.goto(`/sessions/${s.id}`);
      await running.waitFor();
      await activate(page, name, { max: 120 });
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/trainer/sessions/${s.id}/${{ 'Who is coming': 'people', 'Edit or cancel': 'edit', 'Message attendees': 'message', 'Seat holds': 'holds' }[name]}`);
    }

    // Someone booked on it, who does not run it, sees no such panel and none of its links.
    const other = await newPage(env.browser, env.server, NARROW);
    await signInTo(other, staff, `/sessions/${s.id}`, 'Running it: speech and language');
    await other.getByRole('heading', { name: 'Your place' }).waitFor();
    expect(await other.getByRole('region', { name: 'Running this session' }).count()).toBe(0);
    for (const name of links.slice(2)) expect(await other.getByRole('link', { name, exact: true }).count(), name).toBe(0);
    expect(await other.locator('a[href^="/trainer/"]').count()).toBe(0);
  });

  it('a cancelled session offers its trainer who is coming only; one that is over, who is coming, edit, message and feedback, but no seat holds', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Rhys Runner');
    const start = daysFromNow(8, 15);
    const off = await t.session({ title: 'Running it: called off', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 3 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${off.id}/cancel`, { as: trainer, body: { reason: 'Trainer unwell' } })).status).toBeLessThan(300);
    const past = await t.session({ title: 'Running it: last week', mode: 'in_person', venue: 'Oak hall', startsAt: daysFromNow(-7, 15), endsAt: plusMinutes(daysFromNow(-7, 15), 60), capacity: { inPerson: 3 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    const running = page.getByRole('region', { name: 'Running this session' });
    // The links My sessions gives each session, as the panel shows them (the live room and register aside).
    const managing = new Set(['Who is coming', 'Edit or cancel', 'Message attendees', 'Seat holds', 'Feedback from attendees']);
    const shown = async () => (await running.getByRole('link').allInnerTexts()).map((x) => x.trim()).filter((x) => managing.has(x));
    await signInTo(page, trainer, `/sessions/${off.id}`, 'Running it: called off');
    await running.waitFor();
    expect(await shown()).toEqual(['Who is coming']);
    await page.goto(`/sessions/${past.id}`);
    await page.getByRole('heading', { level: 1, name: 'Running it: last week', exact: true }).waitFor();
    await running.waitFor();
    expect(await shown()).toEqual(['Who is coming', 'Edit or cancel', 'Message attendees', 'Feedback from attendees']);
  });

  it('editing while a co-trainer moves the session: only what was changed here is saved, so the session stays where they moved it and no one is told of a move back; a start both changed is not saved, and the page says so, showing it as it now is (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const tara = await t.user('trainer', null, 'Tara Meanwhile');
    const cole = await t.user('trainer', null, 'Cole Meanwhile');
    const school = await t.org('Meanwhile Primary');
    const london = (iso: string) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
      return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
    };
    const start = daysFromNow(12, 16);
    const s = await t.session({ title: 'Moved meanwhile', description: 'Attachment: what it looks like in class.', startsAt: start, endsAt: plusMinutes(start, 90), capacity: { online: 10 }, trainerIds: [tara.id, cole.id] }, tara);
    await book(s.id, await t.user('staff', school.id), 'online');
    await book(s.id, await t.user('staff', school.id), 'online');
    // Change notices of this session: of a new time or place (everyone told), or of new invite text only (`details`).
    const told = async () => {
      const rows = (await t.mails('session_changed')).filter((m) => m.session_id === s.id);
      return { time: rows.filter((m) => !isDetailsOnly(m.reason)).length, details: rows.filter((m) => isDetailsOnly(m.reason)).length };
    };
    const moveAs = async (startsAt: string, endsAt: string) => expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: cole, body: { startsAt, endsAt } })).status).toBe(200);
    const current = async () => (await t.request('GET', `/api/sessions/${s.id}`, { as: tara })).json;

    // Tara opens Edit; meanwhile Cole moves the session a day later, and both booked are told.
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, tara, `/trainer/sessions/${s.id}/edit`, 'Edit: Moved meanwhile');
    const moved = plusMinutes(start, 24 * 60);
    await moveAs(moved, plusMinutes(moved, 90));
    expect(await told()).toEqual({ time: 2, details: 0 });

    // Tara fixes the description only: asked about the new invite text (not a new time), and that alone is saved.
    await typeInto(page, 'Description (optional)', 'Attachment: what it looks like in the classroom.');
    await activate(page, 'Save changes', { max: 120 });
    await page.getByText('This changes what the calendar invite says. 2 people with a seat will be sent the updated invite by email. Save and tell them?').waitFor();
    await activate(page, 'Save and tell 2 people');
    const saved = page.getByRole('status').filter({ hasText: 'Changes saved. 2 people have been told.' });
    await saved.waitFor();
    expect(await saved.innerText()).toContain('Someone else changed the date and time meanwhile: kept as they left it.');
    // Before, the whole form was sent as loaded: the session went back to its first day, and everyone was told of that move too.
    const afterFix = await current();
    expect([afterFix.startsAt, afterFix.endsAt, afterFix.description]).toEqual([moved, plusMinutes(moved, 90), 'Attachment: what it looks like in the classroom.']);
    expect(await told()).toEqual({ time: 2, details: 2 });
    // The form shows the day Cole moved it to.
    expect(await page.locator('#date').inputValue()).toBe(london(moved).date);
    await checkPage(page, 'edit page after saving beside a change made meanwhile');

    // Tara opens Edit again; meanwhile Cole moves it two hours later, and Tara changes its start too: nothing is saved.
    await page.goto(`/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Moved meanwhile' }).waitFor();
    const later = plusMinutes(moved, 120);
    await moveAs(later, plusMinutes(later, 90));
    expect(await told()).toEqual({ time: 4, details: 2 });
    await typeInto(page, 'Start time', '1500');
    await page.keyboard.press('Enter');
    const summary = page.getByRole('alert').filter({ hasText: 'This session was changed by someone else meanwhile' });
    await summary.waitFor();
    await expectFocused(page, '#conflict-summary');
    // Before, the page asked "This changes the time or place … Save and tell them?", and saving put back Tara's start.
    expect(await page.getByText('Save and tell them?').count()).toBe(0);
    const link = summary.getByRole('link', { name: /^Date and time: changed by someone else meanwhile to / });
    expect(await link.innerText()).toContain(`${london(later).time} to ${london(plusMinutes(later, 90)).time} (you had changed it to `);
    expect(await link.innerText()).toContain(`15:00 to ${london(plusMinutes(moved, 90)).time})`);
    const afterClash = await current();
    expect([afterClash.startsAt, afterClash.endsAt]).toEqual([later, plusMinutes(later, 90)]);
    expect(await told()).toEqual({ time: 4, details: 2 });
    // The form shows the session as it now is, so Tara can decide.
    expect(await page.locator('#date').inputValue()).toBe(london(later).date);
    expect(await page.locator('#start').inputValue()).toBe(london(later).time);
    expect(await page.locator('#end').inputValue()).toBe(london(plusMinutes(later, 90)).time);
    await checkPage(page, 'edit page: a start changed meanwhile by someone else too');

    // Tara keeps her start after all: asked about the move from the session as it now is, and saved.
    await typeInto(page, 'Start time', '1500');
    await page.keyboard.press('Enter');
    await page.getByText('This changes the time or place. 2 people booked or waiting will be told by email, with an updated calendar invite. Save and tell them?').waitFor();
    await activate(page, 'Save and tell 2 people');
    await page.getByRole('status').filter({ hasText: 'Changes saved. 2 people have been told.' }).waitFor();
    expect(await summary.count()).toBe(0);
    const kept = await current();
    expect([london(kept.startsAt), kept.endsAt]).toEqual([{ date: london(later).date, time: '15:00' }, plusMinutes(later, 90)]);
    expect(await told()).toEqual({ time: 6, details: 2 });
    await checkPage(page, 'edit page after saving a start once the clash was seen');
  });

  it('a new session from 21:00 to 00:30, and a weekly series from 22:00 to 01:00, are published ending the next day; an end equal to the start is still refused (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const london = (iso: string) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    };
    const nextDay = (day: string) => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const longDay = (day: string) => new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
    const day = daysFromNow(14).slice(0, 10);
    // Tabbed to and filled in: the time field's own format (12 or 24 hours, AM/PM) depends on the browser's.
    const typeTime = async (p: Page, label: string, hhmm: string) => {
      await tabTo(p, label);
      await p.getByLabel(label, { exact: true }).fill(hhmm);
    };
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(page, 'Title', 'Evening class: SEND and sleep');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(day); // the field's own date format depends on the browser's
    await typeTime(page, 'Start time', '21:00');
    // The same time twice is no session (nor one of 24 hours): refused, and nothing published.
    await typeTime(page, 'End time', '21:00');
    expect(await page.locator('#end-hint').count()).toBe(0);
    await typeInto(page, 'Number of online seats', '15');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).getByRole('link', { name: 'End time must be after the start time' }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    // An end long before the start would be a session of more than 12 hours: far more likely a
    // slip than a session, so refused, saying why, and nothing published.
    await typeTime(page, 'End time', '09:30');
    await activate(page, 'Publish session');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).getByRole('link', { name: 'The end time, 09:30, is before the start time, so the session would end the next day, more than 12 hours after it starts: check the start and end times' }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    await checkPage(page, 'new session page with an end more than 12 hours after the start');
    // An end before the start is on the next day, and the field says which day that is.
    await typeTime(page, 'End time', '00:30');
    await page.locator('#end-hint').filter({ hasText: `The next day, ${longDay(nextDay(day))}.` }).waitFor();
    await checkPage(page, 'new session page with an end the next day');
    // Before, publishing said "End time must be after the start time".
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Evening class: SEND and sleep' }).waitFor();
    const [once] = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.items.map((i: any) => i.session);
    expect([london(once.startsAt), london(once.endsAt)]).toEqual([`${day} 21:00`, `${nextDay(day)} 00:30`]);
    expect(Date.parse(once.endsAt) - Date.parse(once.startsAt)).toBe(210 * 60_000);

    // A weekly series: each date's session ends the day after it starts.
    await page.goto('/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(page, 'Title', 'Night shift: SEND in residential care');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(day);
    await typeTime(page, 'Start time', '22:00');
    await typeTime(page, 'End time', '01:00');
    await typeInto(page, 'Number of online seats', '15');
    await tabTo(page, 'Once');
    await page.keyboard.press('ArrowDown');
    await typeInto(page, 'For how many weeks', '2');
    await checkPage(page, 'new weekly series ending the next day');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '2 sessions published.' }).waitFor();
    const series = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.items.map((i: any) => i.session).filter((x: any) => x.id !== once.id);
    const week2 = new Date(Date.parse(`${day}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(series.map((x: any) => [london(x.startsAt), london(x.endsAt)])).toEqual([
      [`${day} 22:00`, `${nextDay(day)} 01:00`],
      [`${week2} 22:00`, `${nextDay(week2)} 01:00`],
    ]);
  });

  it('a weekly series, a warning for a start in the past, 0 seats refused, and duplicating a session (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await checkPage(page, 'new session page');

    await typeInto(page, 'Title', 'Sensory needs');
    await tabTo(page, 'Online'); // the checked radio of the mode group; arrows choose
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Hybrid (in person or online)').isChecked()).toBe(true);
    await page.getByLabel('Venue').waitFor();
    // A date in the past is allowed, with a warning.
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill('2020-02-01'); // the field's own date format depends on the browser's
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await page.getByRole('status').filter({ hasText: 'This start time is in the past' }).waitFor();
    await checkPage(page, 'new session page with a past warning');

    const next = daysFromNow(20).slice(0, 10); // YYYY-MM-DD
    await tabTo(page, 'Date', { back: true });
    await page.getByLabel('Date', { exact: true }).fill(next);
    expect(await page.getByLabel('Date', { exact: true }).inputValue()).toBe(next);
    // The warning shown above goes once the date is in the future (waited for: the form redraws after the input).
    await page.getByText('This start time is in the past').waitFor({ state: 'detached' });
    await typeInto(page, 'Venue', 'Hall');
    await typeInto(page, 'Number of in-person seats', '0');
    await typeInto(page, 'Number of online seats', '10');
    await tabTo(page, 'Once');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Every week, for a number of weeks').isChecked()).toBe(true);
    await typeInto(page, 'For how many weeks', '3');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByRole('link', { name: /Number of in-person seats must be at least 1/ }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    await checkPage(page, 'new session page refusing 0 seats');

    await typeInto(page, 'Number of in-person seats', '12');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    await page.getByRole('status').filter({ hasText: '3 sessions published.' }).waitFor();
    const mine = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.items;
    expect(mine.map((i: any) => i.session.title)).toEqual(['Sensory needs', 'Sensory needs', 'Sensory needs']);
    const starts = mine.map((i: any) => Date.parse(i.session.startsAt));
    expect(Math.round((starts[1] - starts[0]) / 86_400_000)).toBe(7);
    expect(Math.round((starts[2] - starts[1]) / 86_400_000)).toBe(7);
    expect(mine[0].session.capacity).toEqual({ inPerson: 12, online: 10 });
    await checkPage(page, 'my sessions after a series');

    // Duplicate: the form starts as a copy; a new date makes a new session.
    await activate(page, 'Duplicate');
    await page.getByRole('heading', { level: 1, name: 'New session (a copy of Sensory needs)' }).waitFor();
    expect(await page.getByLabel('Venue').inputValue()).toBe('Hall');
    expect(await page.getByLabel('Number of in-person seats').inputValue()).toBe('12');
    await checkPage(page, 'duplicate form');
    const later = daysFromNow(60).slice(0, 10);
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(later);
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Sensory needs', exact: true }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(4);
  });

  it('a duplicated session moved to a new date keeps its booking cut-off the same distance before it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const startsAt = `${daysFromNow(10).slice(0, 10)}T15:00:00.000Z`;
    const closes = `${daysFromNow(8).slice(0, 10)}T12:00:00.000Z`;
    const s = await t.session({ title: 'Attention autism', startsAt, endsAt: plusMinutes(startsAt, 60), bookingClosesAt: closes }, trainer);
    expect(s.bookingClosesAt).toBe(closes);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/new?from=${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'New session (a copy of Attention autism)' }).waitFor();
    expect(await page.getByLabel('Booking closes on (optional)').inputValue()).toBe(closes.slice(0, 10));
    const later = daysFromNow(40).slice(0, 10);
    await tabTo(page, 'Date');
    // Cleared and typed again, as a keyboard user may.
    await page.getByLabel('Date', { exact: true }).fill('');
    await page.getByLabel('Date', { exact: true }).fill(later);
    const movedCutOff = daysFromNow(38).slice(0, 10);
    expect(await page.getByLabel('Booking closes on (optional)').inputValue()).toBe(movedCutOff);
    await checkPage(page, 'duplicate form with its cut-off moved');
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Attention autism', exact: true }).waitFor();
    const copies = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.items.map((i: any) => i.session).filter((x: any) => x.id !== s.id);
    expect(copies).toHaveLength(1);
    expect(copies[0].bookingClosesAt).toBe(`${movedCutOff}T12:00:00.000Z`);
    expect(Date.parse(copies[0].startsAt) - Date.parse(copies[0].bookingClosesAt)).toBe(Date.parse(startsAt) - Date.parse(closes));
  });

  it('a trainer adds a course not listed yet from the new-session form, and it is chosen for the session (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await tabTo(page, 'Add a course that is not listed');
    await page.keyboard.press('Enter'); // opens the disclosure
    await tabTo(page, 'New course title');
    // Nothing typed: said beside the field; nothing added, nothing published.
    await page.keyboard.press('Enter');
    // Said as it appears (focus stays in the field, so it would not be read again).
    await page.getByRole('alert').filter({ hasText: 'Enter the course’s title' }).waitFor();
    expect((await t.request('GET', '/api/courses', { as: trainer })).json.items).toEqual([]);
    await page.keyboard.type('Attachment-aware schools');
    // Enter in the field adds the course (it does not publish the session).
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Course “Attachment-aware schools” added and chosen for this session.' }).waitFor();
    await expectFocused(page, '#new-course-status');
    const courses = (await t.request('GET', '/api/courses', { as: trainer })).json.items as { id: string; title: string }[];
    expect(courses.map((c) => c.title)).toEqual(['Attachment-aware schools']);
    expect(await page.locator('#course').inputValue()).toBe(courses[0]!.id);
    expect(await page.getByLabel('Part of the course').inputValue()).toBe('1');
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.items).toEqual([]);
    await checkPage(page, 'new session page with a course added');
  });

  it('who is coming: filter, sort, CSV, move between seat kinds and remove with a reason (keyboard, 320 px and desktop)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const school = await t.org('Hill Primary');
    const office = await t.user('office', school.id, 'Olu Office');
    const s = await hybridWithPeople(trainer, 'Speech and language', { inPerson: 1, online: 2 });
    const asha = await t.user('staff', school.id, 'Asha Patel');
    const ben = await t.user('staff', null, 'Ben Jones');
    await book(s.id, asha, 'in_person', office);
    await book(s.id, ben, 'in_person'); // waits

    const desk = await newPage(env.browser, env.server, DESKTOP);
    await signInAt(desk, trainer, `/trainer/sessions/${s.id}/people`);
    const table = desk.getByRole('table');
    await table.waitFor();
    const row = (name: string) => desk.getByRole('row').filter({ hasText: name });
    expect((await row('Asha Patel').innerText()).replace(/\s+/g, ' ')).toMatch(/Asha Patel .*Hill Primary In person Confirmed Olu Office/);
    expect((await row('Ben Jones').innerText()).replace(/\s+/g, ' ')).toMatch(/Ben Jones .*None In person On the waitlist 1st in the queue Themselves/);
    await checkPage(desk, 'who is coming at desktop size');
    const csv = await desk.evaluate(async (href) => (await fetch(href)).text(), (await desk.getByRole('link', { name: /Download everyone/ }).getAttribute('href'))!);
    expect(csv).toContain('Asha Patel');
    expect(csv).toContain('Hill Primary,in person,confirmed,,Olu Office');
    await desk.getByLabel('Status').selectOption('waitlisted');
    await desk.getByRole('status').filter({ hasText: 'Showing 1 person of 2.' }).waitFor();
    await desk.getByLabel('Sort by').selectOption('name');
    await desk.context().close();

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('table').waitFor();
    await checkPage(page, 'who is coming at 320 px');

    // Asha moves online; Ben, first in the queue, gets her in-person seat.
    await activate(page, 'Move to online: Asha Patel');
    await activate(page, 'Yes, move them');
    await page.getByRole('status').filter({ hasText: 'Asha Patel moved to an online seat. They have been told.' }).waitFor();
    // The list is read again after each change: wait for it rather than read it at once.
    await expect.poll(async () => (await page.getByRole('row').filter({ hasText: 'Ben Jones' }).innerText()).replace(/\s+/g, ' '), { timeout: 10_000 }).toContain('Confirmed');
    expect((await t.mails('seat_changed')).map((m) => m.to_email)).toEqual([asha.email]);

    // Remove Ben, with a reason sent to him.
    await activate(page, 'Remove Ben Jones');
    await expectFocused(page, 'input[id^="reason-"]');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Give a reason: it is sent to Ben Jones' }).waitFor();
    await checkPage(page, 'remove form with an error');
    await page.keyboard.type('Not a member of staff at a school in the programme');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Ben Jones removed. They have been sent your reason.' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Ben Jones' }).count(), { timeout: 10_000 }).toBe(0);
    const [removed] = await t.mails('removed');
    expect(removed!.to_email).toBe(ben.email);
    expect(removed!.message.text).toContain('Reason given: Not a member of staff at a school in the programme');
    await checkPage(page, 'who is coming after changes');
  });

  it('who is coming: the number of people shown is said in a polite status as it changes, after a removal as after a filter; a removal that failed (a 500) is done by "Try again", which says so as a first removal does (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Precision monitoring', { inPerson: 1, online: 2 });
    await book(s.id, await t.user('staff', null, 'Dev Patel'), 'in_person');
    const eve = await t.user('staff', null, 'Eve Stone');
    await book(s.id, eve, 'online');
    await book(s.id, await t.user('staff', null, 'Fay Moss'), 'in_person'); // waits
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('table').waitFor();
    const count = page.getByRole('status').filter({ hasText: /^Showing / });
    expect(await count.innerText()).toBe('Showing 3 people of 3.');

    // The first removal fails (the service answers 500): said in an alert, nothing removed, the reason kept.
    let failing = true;
    await page.route('**/api/bookings/*/remove', (route) =>
      failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await activate(page, 'Remove Eve Stone');
    await expectFocused(page, 'input[id^="reason-"]');
    await page.keyboard.type('Booked twice by mistake');
    await page.keyboard.press('Enter');
    const failed = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' });
    await failed.waitFor();
    expect(await page.locator('input[id^="reason-"]').inputValue()).toBe('Booked twice by mistake');
    expect(await page.locator('#attendees-status').innerText()).toBe('');
    expect(await count.innerText()).toBe('Showing 3 people of 3.');
    await checkPage(page, 'who is coming: a removal that failed');

    // "Try again" (Shift+Tab back to it) removes Eve, and the page says so, reloads and moves focus as a first removal does.
    failing = false;
    await activate(page, 'Try again', { back: true });
    await page.getByRole('status').filter({ hasText: 'Eve Stone removed. They have been sent your reason.' }).waitFor();
    await expectFocused(page, '#attendees-status');
    // The alert goes once the whole action (its reload too) has finished.
    await expect.poll(() => failed.count()).toBe(0);
    expect(await t.db.selectFrom('bookings').select('status').where('user_id', '=', eve.id).execute()).toEqual([{ status: 'cancelled' }]);
    // The new count is said too, in its own polite region (the message did not take its place).
    await expect.poll(() => count.innerText()).toBe('Showing 2 people of 2.');
    expect(await count.getAttribute('role')).toBe('status');
    await checkPage(page, 'who is coming after a removal');

    // A filter chosen by keyboard: the count follows, still said.
    await tabTo(page, 'Status');
    await page.keyboard.type('Waiting');
    await expect.poll(() => count.innerText()).toBe('Showing 1 person of 2.');
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Fay Moss' }).count()).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: 'Dev Patel' }).count()).toBe(0);
    await checkPage(page, 'who is coming, filtered after a removal');
  });

  it('who is coming: a removal shows in the person’s row at once (“Removed”, no “Remove” again) and focus goes to the message, not <body>, while the list is read again (held back here) (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Held back list', { inPerson: 2, online: 2 });
    const gil = await t.user('staff', null, 'Gil Green');
    const removedBooking = await book(s.id, gil, 'in_person');
    await book(s.id, await t.user('staff', null, 'Hana Hill'), 'online');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/people`, 'Who is coming: Held back list');
    await page.getByRole('table').waitFor();
    const count = page.getByRole('status').filter({ hasText: /^Showing / });
    expect(await count.innerText()).toBe('Showing 2 people of 2.');
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });

    // From here the list's reloads (GET /api/sessions/:id/attendees) are held back until
    // `release()`. Before the fix the form went and the row offered "Remove" again (and focus
    // was on <body>) until the reload came back.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reloads = 0;
    await page.route((u) => u.pathname === `/api/sessions/${s.id}/attendees`, async (route) => {
      reloads++;
      await held;
      await route.continue();
    });
    try {
      await activate(page, 'Remove Gil Green');
      await expectFocused(page, 'input[id^="reason-"]');
      await page.keyboard.type('Booked the wrong session');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Gil Green removed. They have been sent your reason.' }).waitFor();
      await expect.poll(() => reloads).toBe(1);
      // Still listed (the list is not back yet), marked removed, with nothing to press.
      expect(await row('Gil Green').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Remove Gil Green' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /Gil Green/ }).count()).toBe(0);
      expect(await page.getByRole('form', { name: 'Remove Gil Green' }).count()).toBe(0);
      expect((await row('Gil Green').innerText()).replace(/\s+/g, ' ')).toMatch(/Removed.*None: removed/);
      // Hana's row is as it was.
      expect(await page.getByRole('button', { name: 'Remove Hana Hill' }).count()).toBe(1);
      // The form (and the field that had focus) went: the message has focus, not <body>.
      await expectFocused(page, '#attendees-status');
      expect(await page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body)).toBe(true);
      await checkPage(page, 'who is coming: removed, the list not yet back');

      // The list comes back without Gil; focus stays on the message.
      release();
      await expect.poll(() => row('Gil Green').count()).toBe(0);
      await expect.poll(() => count.innerText()).toBe('Showing 1 person of 1.');
      await expectFocused(page, '#attendees-status');
      await checkPage(page, 'who is coming after a removal, the list back');
    } finally {
      release();
    }
    expect(await t.db.selectFrom('bookings').select('status').where('id', '=', removedBooking.id).execute()).toEqual([{ status: 'cancelled' }]);
  });

  it('messages everyone booked, and those waiting when chosen, once each (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Inclusive PE', { inPerson: 1, online: 1 });
    const a = await t.user('staff');
    const b = await t.user('staff');
    const c = await t.user('staff');
    await book(s.id, a, 'in_person');
    await book(s.id, b, 'online');
    await book(s.id, c, 'online'); // waits
    for (const size of [DESKTOP, NARROW]) {
      const look = await newPage(env.browser, env.server, size);
      await signInAt(look, trainer, `/trainer/sessions/${s.id}/message`);
      await look.getByRole('heading', { level: 1, name: 'Message attendees: Inclusive PE' }).waitFor();
      await checkPage(look, `message page at ${size.viewport.width} px`);
      await look.context().close();
    }
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, '/trainer/sessions', 'My sessions', { nav: 'My sessions' });
    await activate(page, 'Message attendees');
    await page.getByRole('heading', { level: 1, name: 'Message attendees: Inclusive PE' }).waitFor();
    await activate(page, 'Send message');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await checkPage(page, 'message page with an error');
    await typeInto(page, 'Message', 'Please bring a towel.');
    await activate(page, 'Send message');
    await page.getByRole('status').filter({ hasText: 'Message sent to 2 people.' }).waitFor();
    expect((await t.mails('trainer_message')).map((m) => m.to_email).sort()).toEqual([a.email, b.email].sort());
    await typeInto(page, 'Message', 'The hall has moved.');
    await tabTo(page, 'Also send it to the 1 person waiting');
    await page.keyboard.press('Space');
    await activate(page, 'Send message');
    await page.getByRole('status').filter({ hasText: 'Message sent to 3 people.' }).waitFor();
    const mails = await t.mails('trainer_message');
    expect(mails).toHaveLength(5);
    expect(mails.at(-1)!.message.text).toContain('The hall has moved.');
    await checkPage(page, 'message sent');
  });

  it('offers to send a message to those waiting only when someone is waiting (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Attachment-aware classrooms');
    const booked = await t.user('staff');
    await book(s.id, booked, 'online');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/message`, 'Message attendees: Attachment-aware classrooms');
    await page.getByText('1 person booked, 0 waiting.', { exact: false }).waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByText(/^Also send it to/).count()).toBe(0);
    await checkPage(page, 'message page with no one waiting');
    await typeInto(page, 'Message', 'Please watch the short video first.');
    await activate(page, 'Send message');
    await page.getByRole('status').filter({ hasText: 'Message sent to 1 person.' }).waitFor();
    expect((await t.mails('trainer_message')).filter((m) => m.session_id === s.id).map((m) => m.to_email)).toEqual([booked.email]);
  });

  it('another trainer’s seat holds (or who is coming) say they are not theirs to see, with no “Try again” that could only be refused again (320 px)', async () => {
    const { t } = env.server;
    const owner = await t.user('trainer', null, 'Orla Owner');
    const other = await t.user('trainer', null, 'Otto Other');
    const s = await t.session({ title: 'Not yours', mode: 'online', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 5 } }, owner);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, other, `/trainer/sessions/${s.id}/holds`);
    const refused = page.getByRole('alert').filter({ hasText: 'Only' });
    await refused.waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await checkPage(page, 'another trainer’s seat holds');
    await page.goto(`/trainer/sessions/${s.id}/people`);
    await page.getByRole('alert').filter({ hasText: 'Only' }).waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
  });

  it('seat holds: pick a school, hold seats per kind, see claims, release, and set the release time (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const hill = await t.org('Holly Bank School');
    await t.org('Vale Academy');
    const s = await hybridWithPeople(trainer, 'Attachment and trauma', { inPerson: 5, online: 5 });
    for (const size of [DESKTOP, NARROW]) {
      const look = await newPage(env.browser, env.server, size);
      await signInAt(look, trainer, `/trainer/sessions/${s.id}/holds`);
      await look.getByRole('heading', { level: 1, name: 'Seat holds: Attachment and trauma' }).waitFor();
      await checkPage(look, `holds page at ${size.viewport.width} px`);
      await look.context().close();
    }
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Attachment and trauma' }).waitFor();
    await tabTo(page, 'School');
    await page.keyboard.type('Holly Bank'); // a focused list picks the option typed
    await tabTo(page, 'In person');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Online', { exact: true }).isChecked()).toBe(true);
    await typeInto(page, 'Number of seats to hold', '3');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '3 online seats held for Holly Bank School.' }).waitFor();
    await book(s.id, await t.user('staff', hill.id), 'online');
    await page.reload();
    const held = page.getByRole('row').filter({ hasText: 'Holly Bank School' });
    await held.waitFor();
    expect((await held.innerText()).replace(/\s+/g, ' ')).toContain('1 of 3');
    await checkPage(page, 'holds page with a hold');

    const release = daysFromNow(8).slice(0, 10);
    await tabTo(page, 'Release on (optional)');
    await page.getByLabel('Release on (optional)').fill(release);
    await tabTo(page, 'Release at (optional)');
    await page.getByLabel('Release at (optional)').fill('09:00');
    await activate(page, 'Save release time');
    await page.getByRole('status').filter({ hasText: 'Unclaimed held seats will be released on' }).waitFor();
    const releaseAt = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.holdsReleaseAt;
    expect(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(releaseAt))).toBe(`${release}, 09:00`);

    // While it is released (held on its way until the page has been looked at), the button
    // says so, and its name still holds the words shown (label in name).
    let letGo!: () => void;
    const holding = new Promise<void>((r) => (letGo = r));
    await page.route(`**/api/sessions/${s.id}/holds`, async (route) => {
      if (route.request().method() === 'PUT') await holding;
      await route.continue();
    });
    await activate(page, 'Release the online hold for Holly Bank School', { back: true });
    await activate(page, 'Yes, release it');
    const releasing = page.getByRole('button', { name: 'Releasing… (Release the online hold for Holly Bank School)', exact: true });
    await releasing.waitFor();
    expect(await releasing.getAttribute('aria-disabled')).toBe('true');
    await checkPage(page, 'holds page while a hold is released');
    letGo();
    await page.getByRole('status').filter({ hasText: 'Hold for Holly Bank School released.' }).waitFor();
    // The claimed seat stays with its booking; the hold itself keeps only what was claimed.
    const holds = (await t.request('GET', `/api/sessions/${s.id}/holds`, { as: trainer })).json.items;
    expect(holds.filter((h: any) => h.seats > h.claimed)).toEqual([]);
    await checkPage(page, 'holds page after release');
  });

  it('seat holds: a release time with no date, or a date with no time, is refused beside its field and nothing is saved — not thrown away, nor taken as the midnight that starts the date (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Attachment aware schools', { inPerson: 5, online: 5 });
    const page = await newPage(env.browser, env.server, NARROW);
    let patches = 0;
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().endsWith(`/api/sessions/${s.id}`)) patches++;
    });
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Attachment aware schools' }).waitFor();
    await tabTo(page, 'Release at (optional)');
    await page.getByLabel('Release at (optional)').fill('09:00');
    await activate(page, 'Save release time');
    await expectFocused(page, '.error-summary');
    await page.getByRole('link', { name: 'Enter the date unclaimed holds are released on as well as the time, or clear the time' }).waitFor();
    expect(await page.locator('#release-date').getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'holds page, a release time with no date');
    await page.getByLabel('Release at (optional)').fill('');
    await page.getByLabel('Release on (optional)').fill(daysFromNow(8).slice(0, 10));
    await activate(page, 'Save release time');
    await page.getByRole('link', { name: 'Enter the time unclaimed holds are released at on that date, such as 09:00, or clear the date' }).waitFor();
    expect(await page.locator('#release-time').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#release-time').getAttribute('aria-describedby')).toBe('release-time-error');
    await checkPage(page, 'holds page, a release date with no time');
    expect(patches).toBe(0);
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.holdsReleaseAt).toBeNull();
  });

  it('seat holds: saving the release time says "Saving…" while it saves, and pressing it again meanwhile sends nothing more (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Restorative practice', { inPerson: 5, online: 5 });
    const page = await newPage(env.browser, env.server, NARROW);
    // The change is held on its way to the server until the page has been looked at.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let patches = 0;
    await page.route(`**/api/sessions/${s.id}`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      patches++;
      await held;
      await route.continue();
    });
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Restorative practice' }).waitFor();
    const day = daysFromNow(8).slice(0, 10);
    await tabTo(page, 'Release on (optional)');
    await page.getByLabel('Release on (optional)').fill(day);
    await tabTo(page, 'Release at (optional)');
    await page.getByLabel('Release at (optional)').fill('09:30');
    await activate(page, 'Save release time');
    const busy = page.getByRole('button', { name: 'Saving…' });
    await busy.waitFor();
    expect(await busy.getAttribute('aria-disabled')).toBe('true');
    await expectFocused(page, 'button[aria-disabled="true"]');
    await checkPage(page, 'holds page saving the release time');
    // Pressed again while it saves: nothing more is sent.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    release();
    await page.getByRole('status').filter({ hasText: 'Unclaimed held seats will be released on' }).waitFor();
    await page.getByRole('button', { name: 'Save release time' }).waitFor();
    // A save that works first time leaves focus on the button pressed ("Try again" ends there too: the next test).
    await expectFocused(page, '#save-release');
    expect(patches).toBe(1);
    const releaseAt = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.holdsReleaseAt;
    expect(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(releaseAt))).toBe(`${day}, 09:30`);
  });

  it('seat holds: a release time that could not be saved (network down, then a 500) is the general error with "Try again" above the button, which keeps focus, not an error on the field; "Trying again…" keeps the alert and focus while it runs and after it fails again; the third try saves it, focus back on the button as after a first save; a time after the end is refused beside the field (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Sensory circuits');
    const page = await newPage(env.browser, env.server, NARROW);
    // The first save finds the network down; the second (the first "Try again") is held until
    // the page has been looked at, then answered 500; the third goes through.
    let patches = 0;
    let answerSecond!: () => void;
    const secondHeld = new Promise<void>((r) => (answerSecond = r));
    await page.route(`**/api/sessions/${s.id}`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      patches++;
      if (patches === 1) return route.abort('internetdisconnected');
      if (patches > 2) return route.continue();
      await secondHeld;
      return route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) });
    });
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Sensory circuits' }).waitFor();
    const form = page.getByRole('form', { name: 'When unclaimed holds are released' });
    const day = daysFromNow(8).slice(0, 10);
    await tabTo(page, 'Release on (optional)');
    await page.getByLabel('Release on (optional)').fill(day);
    await tabTo(page, 'Release at (optional)');
    await page.getByLabel('Release at (optional)').fill('09:15');
    await activate(page, 'Save release time');

    // Not the field's fault: said as the action's failure, in the form, announced; focus stays on the button pressed.
    const notField = async (what: string) => {
      expect(await page.locator('.error-summary').count(), `${what}: no error summary`).toBe(0);
      expect(await page.locator('#release-date').getAttribute('aria-invalid'), `${what}: the field is not marked`).toBeNull();
      expect(await page.title(), `${what}: title`).toBe('Seat holds: Sensory circuits – SEND Live Training');
    };
    await form.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).waitFor();
    await expectFocused(page, 'form[aria-labelledby="release-heading"] button[type="submit"]');
    await form.getByRole('button', { name: 'Try again' }).waitFor();
    await notField('network failure');
    await checkPage(page, 'holds page: release time not saved, network down');

    // "Try again" (reached by keyboard) repeats the save. While it runs the failure stays, its
    // button saying "Trying again…" (and ignoring presses), with focus still on it.
    const retryButton = 'form[aria-labelledby="release-heading"] .retry button';
    await activate(page, 'Try again', { back: true });
    const trying = form.getByRole('button', { name: 'Trying again…' });
    await trying.waitFor();
    await expect.poll(() => patches, { message: 'the second attempt is on its way' }).toBe(2);
    expect(await trying.getAttribute('aria-disabled')).toBe('true');
    await expectFocused(page, retryButton);
    expect(await form.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).count(), 'the failure stays while trying again').toBe(1);
    await page.keyboard.press('Enter');
    // The service fails this time: the alert stays, saying so, and "Try again" keeps focus.
    answerSecond();
    await form.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor();
    await form.getByRole('button', { name: 'Try again' }).waitFor();
    await expectFocused(page, retryButton);
    expect(patches, 'Enter pressed on "Trying again…" sent nothing more').toBe(2);
    await notField('server error');
    await checkPage(page, 'holds page: release time not saved on trying again, a 500');

    // Enter again, where focus still is: it works now: saved, said, the failure has gone, and
    // focus is back on "Save release time", as after a save that works first time.
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Unclaimed held seats will be released on' }).waitFor();
    // The alert goes once the whole action (its reload too) has finished.
    await expect.poll(() => page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await expectFocused(page, '#save-release');
    expect(patches).toBe(3);
    const releaseAt = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.holdsReleaseAt;
    expect(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(releaseAt))).toBe(`${day}, 09:15`);

    // A time after the session's end is the field's fault: beside it and in the summary, which takes focus; no "Try again".
    await tabTo(page, 'Release on (optional)');
    await page.getByLabel('Release on (optional)').fill(daysFromNow(12).slice(0, 10));
    await activate(page, 'Save release time');
    const why = 'The hold release time must not be after the end time.';
    await page.locator('.error-summary').getByRole('link', { name: why }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#release-date').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#release-date-error').textContent()).toBe(`Error: ${why}`);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await checkPage(page, 'holds page: release time after the end refused');
  });

  it('seat holds: a hold that could not be saved or released (a 500) is the general error; "Try again" then saves or releases it and says so, with the holds shown as they are (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    await t.org('Juniper School');
    const s = await t.session({ title: 'Precision monitoring', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 6 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route(`**/api/sessions/${s.id}/holds`, (route) =>
      route.request().method() === 'PUT' && failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Precision monitoring' }).waitFor();
    await tabTo(page, 'School');
    await page.keyboard.type('Juniper');
    await typeInto(page, 'Number of seats to hold', '2');
    await activate(page, 'Save hold');
    const failed = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' });
    await failed.waitFor();
    await expectFocused(page, 'form[aria-labelledby="hold-heading"] button[type="submit"]');
    await checkPage(page, 'holds page: a hold not saved');

    // Trying again fails the same way: the alert stays, its words put in anew (so it says them
    // again, though they are the same), and focus stays on "Try again".
    await failed.locator('p').evaluate((p) => p.setAttribute('data-said-before', ''));
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/sessions/${s.id}/holds` && r.request().method() === 'PUT');
    await activate(page, 'Try again', { back: true });
    await answered;
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    await expect.poll(() => failed.locator('p[data-said-before]').count(), { message: 'the message is put in anew' }).toBe(0);
    expect(await failed.locator('p').count()).toBe(1);
    await expectFocused(page, '.retry button');

    // Then it works: said, and focus back on "Save hold", where a save that works first time leaves it.
    failing = false;
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '2 online seats held for Juniper School.' }).waitFor();
    await page.getByRole('rowheader', { name: 'Juniper School' }).waitFor();
    expect(await page.locator('#hold-seats').inputValue()).toBe('');
    await expectFocused(page, '#save-hold');

    failing = true;
    await activate(page, 'Release the online hold for Juniper School');
    await activate(page, 'Yes, release it');
    await failed.waitFor();
    failing = false;
    await activate(page, 'Try again', { back: true });
    await page.getByRole('status').filter({ hasText: 'Hold for Juniper School released.' }).waitFor();
    await expect.poll(() => page.getByRole('rowheader', { name: 'Juniper School' }).count()).toBe(0);
    // Its row has gone: focus is on the message, as after a release that works first time.
    await expectFocused(page, '#holds-status');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: trainer })).json.items).toEqual([]);
    await checkPage(page, 'holds page: hold released on trying again');
  });

  it('administrators see the mail outbox with status, attempts and last error, and retry a failed message now (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const s = await hybridWithPeople(trainer, 'Mail check');
    const staff = await t.user('staff');
    await book(s.id, staff, 'online');
    const [row] = (await t.mails('confirmed')).filter((m) => m.to_email === staff.email);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await t.db.updateTable('outbox').set({ status: 'pending', attempts: 4, last_error: 'Mail server refused the connection', next_attempt_at: later }).where('id', '=', row!.id).execute();

    for (const size of [DESKTOP, NARROW]) {
      const look = await newPage(env.browser, env.server, size);
      await signInAt(look, admin, `/admin/mail?to=${encodeURIComponent(staff.email)}`);
      await look.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
      await look.getByRole('row').filter({ hasText: 'Mail server refused the connection' }).waitFor();
      await checkPage(look, `mail page at ${size.viewport.width} px`);
      await look.context().close();
    }
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/mail', 'Mail', { nav: 'Mail' });
    await typeInto(page, 'To (an email address, or any part of one)', staff.email);
    await page.keyboard.press('Enter');
    const r = page.getByRole('row').filter({ hasText: 'Mail server refused the connection' });
    await r.waitFor();
    expect((await r.innerText()).replace(/\s+/g, ' ')).toMatch(/Failed, will be tried again .*4/);
    await activate(page, /^Retry now: Booked: Mail check/);
    const said = page.getByRole('status').filter({ hasText: 'will be sent again now' });
    await said.waitFor();
    // The message is still waiting (to be sent at the next pass), so its "Retry now" stays, and so does focus.
    const retryNow = `#retry-${row!.id}`;
    await expectFocused(page, retryNow);
    const after = await t.db.selectFrom('outbox').select('next_attempt_at').where('id', '=', row!.id).executeTakeFirstOrThrow();
    expect(after.next_attempt_at < later).toBe(true);
    await checkPage(page, 'mail page after retry');

    // "Retry now" again, failing once (a 500): an alert with "Try again", which ends where the
    // first "Retry now" did, on "Retry now" (not on the page's heading, where the alert's going left it).
    let retryPosts = 0;
    await page.route(`**/api/outbox/${row!.id}/retry`, (route) =>
      route.request().method() === 'POST' && ++retryPosts === 1 ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await activate(page, /^Retry now: Booked: Mail check/);
    const failed = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' });
    await failed.waitFor();
    expect(await said.count(), 'no message while it has failed').toBe(0);
    await checkPage(page, 'mail page: retry now failed');
    await activate(page, 'Try again', { back: true });
    await said.waitFor();
    await failed.waitFor({ state: 'detached' });
    await expectFocused(page, retryNow);
    expect(retryPosts).toBe(2);

    // Not for trainers.
    const tp = await newPage(env.browser, env.server, NARROW);
    await signInAt(tp, trainer, '/admin/mail');
    await tp.getByRole('heading', { level: 1, name: 'Not available to you' }).waitFor();
  });

  it('the mail page offers "Retry now" only for a message that failed and waits to be tried again, not for one not tried yet, which is sent at the next round anyway (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const staff = await t.user('staff');
    const first = await hybridWithPeople(trainer, 'Mail first');
    const second = await hybridWithPeople(trainer, 'Mail second');
    await book(first.id, staff, 'online');
    await book(second.id, staff, 'online');
    const rows = (await t.mails('confirmed')).filter((m) => m.to_email === staff.email);
    expect(rows).toHaveLength(2);
    const [failed, queued] = rows as [(typeof rows)[number], (typeof rows)[number]];
    const later = new Date(Date.now() + 3_600_000).toISOString();
    // The older one failed twice and waits out its backoff; the newer one (listed first) has not been tried.
    await t.db.updateTable('outbox').set({ status: 'pending', attempts: 2, last_error: 'Mail server refused the connection', next_attempt_at: later }).where('id', '=', failed.id).execute();
    await t.db.updateTable('outbox').set({ status: 'pending', attempts: 0, last_error: null }).where('id', '=', queued.id).execute();

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/mail?to=${encodeURIComponent(staff.email)}`, 'Mail');
    const row = (title: string) => page.getByRole('row').filter({ hasText: title });
    await row('Mail first').waitFor();
    await row('Mail second').waitFor();
    expect((await row('Mail second').innerText()).replace(/\s+/g, ' ')).toContain('Waiting to be sent');
    // Before, the message not tried yet offered "Retry now" too (and was the first one Tab reached).
    expect(await row('Mail second').getByRole('button', { name: /^Retry now/ }).count()).toBe(0);
    // Its only action is reading it.
    expect(await row('Mail second').locator('td[data-label="Actions"]').innerText()).toBe('Read');
    await tabTo(page, /^Retry now:/);
    await expectFocused(page, `#retry-${failed.id}`);
    await checkPage(page, 'mail page, a failed message and one not tried yet');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '“Booked: Mail first' }).filter({ hasText: 'will be sent again now' }).waitFor();
    expect((await t.db.selectFrom('outbox').select('next_attempt_at').where('id', '=', failed.id).executeTakeFirstOrThrow()).next_attempt_at < later).toBe(true);
  });

  it('administrators manage organisations under a trust, with a unique URN and settings, and who may run each course (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const tara = await t.user('trainer', null, 'Tara Course');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Beech Learning Trust', kind: 'trust' } })).json;
    await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Elm Primary', urn: '700001', parentId: trust.id } });
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Dyslexia in depth' } })).json;
    for (const size of [DESKTOP, NARROW]) {
      const look = await newPage(env.browser, env.server, size);
      await signInAt(look, admin, '/admin/orgs?q=elm');
      await look.getByRole('row').filter({ hasText: 'Elm Primary' }).filter({ hasText: 'Beech Learning Trust' }).waitFor();
      await checkPage(look, `organisations at ${size.viewport.width} px`);
      await look.goto('/admin/courses');
      await look.getByRole('article', { name: 'Dyslexia in depth' }).waitFor();
      await checkPage(look, `courses at ${size.viewport.width} px`);
      await look.context().close();
    }

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/orgs');
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    // A URN another organisation has: refused beside the field.
    await typeInto(page, 'Name', 'Ash Nursery');
    await tabTo(page, 'Kind');
    await page.keyboard.type('Nur');
    await typeInto(page, 'URN (optional)', '700001');
    await tabTo(page, 'Part of (trust or local authority)');
    await page.keyboard.type('Beech');
    await typeInto(page, 'Travel time around in-person sessions, in minutes (optional)', '40');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.locator('#org-urn-error').filter({ hasText: 'already used by another organisation' }).waitFor();
    await checkPage(page, 'new organisation with a taken URN');
    await typeInto(page, 'URN (optional)', '700002');
    // Requiring its own sign-in with no identity provider for it would lock everyone there out: refused, in words, beside the box.
    await tabTo(page, 'Staff must sign in with their school account (identity provider), not a password');
    await page.keyboard.press('Space');
    await tabTo(page, 'Add organisation');
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').getByRole('link', { name: 'Staff must sign in with their school account is not possible until an identity provider signs in its staff (see Identity providers)' }).waitFor();
    expect((await t.request('GET', '/api/orgs?q=700002', { as: admin })).json.items).toEqual([]);
    await checkPage(page, 'new organisation requiring a school sign-in that no provider gives');
    await tabTo(page, 'Staff must sign in with their school account (identity provider), not a password');
    await page.keyboard.press('Space');
    await tabTo(page, 'Add organisation');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Ash Nursery' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Organisation saved.' }).waitFor();
    const made = (await t.request('GET', '/api/orgs?q=700002', { as: admin })).json.items[0];
    expect(made).toMatchObject({ name: 'Ash Nursery', kind: 'nursery', urn: '700002', parentId: trust.id, settings: { travelBufferMinutes: 40 } });
    await checkPage(page, 'organisation page');

    await page.goto('/admin/courses');
    await page.getByRole('heading', { level: 1, name: 'Courses' }).waitFor();
    // Tara's box in Dyslexia in depth's list (other tests in this file add courses of their own).
    for (let i = 0; i < 10; i++) {
      await tabTo(page, 'Tara Course');
      if (await page.evaluate(() => document.activeElement?.closest('article')?.querySelector('h2, h3')?.textContent?.includes('Dyslexia in depth') ?? false)) break;
    }
    await page.keyboard.press('Space');
    await activate(page, 'Save trainers for Dyslexia in depth');
    await page.getByRole('status').filter({ hasText: 'Dyslexia in depth: 1 trainer(s) may run its sessions.' }).waitFor();
    expect((await t.request('GET', '/api/courses', { as: admin })).json.items.find((c: any) => c.id === course.id).trainerIds).toEqual([tara.id]);
    await checkPage(page, 'courses after saving');
  });

  it('administrators change a person’s role and organisation and send a reset link from the people page (keyboard, 320 px and desktop)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const from = await t.org('Rowan School');
    await t.org('Zebra Academy');
    const person = await t.user('staff', from.id, 'Petra Movable');
    for (const size of [DESKTOP, NARROW]) {
      const page = await newPage(env.browser, env.server, size);
      await signInAt(page, admin, '/admin/people');
      await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
      await tabTo(page, 'Name or email');
      await page.keyboard.type('movable');
      await page.keyboard.press('Enter');
      await page.getByText('People matching “movable”').waitFor();
      await tabTo(page, /^Change role, job role or organisation, or send a reset link: /);
      await page.keyboard.press('Enter');
      // The controls load when opened; wait for them, or Tab would pass them by (on to the add-a-person form's Role).
      await page.getByRole('button', { name: `Save role and organisation for ${person.name}` }).waitFor();
      await tabTo(page, 'Role');
      await checkPage(page, `person controls at ${size.viewport.width} px`);
      if (size === DESKTOP) {
        await page.context().close();
        continue;
      }
      await page.keyboard.type('Sch'); // School office
      await tabTo(page, 'Organisation');
      await page.keyboard.type('Zebra');
      // The first save fails (the service answers 500): said in an alert in the form, focus kept on the button, nothing changed.
      const saveButton = `form:has(#role-${person.id}) button[type="submit"]`;
      let failing = true;
      await page.route(`**/api/users/${person.id}/placement`, (route) =>
        failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
      );
      await activate(page, `Save role and organisation for ${person.name}`);
      await activate(page, 'Yes, save the change');
      const failed = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' });
      await failed.waitFor();
      await expectFocused(page, saveButton);
      expect((await t.request('GET', '/api/me', { as: person })).json).toMatchObject({ role: 'staff', orgName: 'Rowan School' });
      await checkPage(page, 'person controls: a placement that could not be saved');
      // "Try again", just before the button: saved, said as a first save is, and focus back on the button, as after a first save.
      failing = false;
      await activate(page, 'Try again', { back: true });
      await page.getByRole('status').filter({ hasText: `${person.name} is now school office at Zebra Academy.` }).waitFor();
      await expectFocused(page, saveButton);
      // The alert goes once the whole action (its reload too) has finished.
      await expect.poll(() => failed.count()).toBe(0);
      expect((await t.request('GET', '/api/me', { as: person })).json).toMatchObject({ role: 'office', orgName: 'Zebra Academy' });
      // The job role is apart from the account role.
      await tabTo(page, 'Job role');
      // Its hint is read with it (aria-describedby).
      expect(await page.evaluate(() => (document.activeElement?.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent).join(' '))).toBe('What they do at work, for training coverage by role. Separate from their account role.');
      await page.keyboard.type('Lea'); // Leadership
      await activate(page, `Save job role for ${person.name}`);
      await page.getByRole('status').filter({ hasText: `${person.name}’s job role is now leadership.` }).waitFor();
      expect((await t.request('GET', '/api/me', { as: person })).json).toMatchObject({ role: 'office', jobRole: 'leadership' });
      await activate(page, `Send a password reset link to ${person.name}`);
      await page.getByRole('status').filter({ hasText: `A password reset link is on its way to ${person.email}.` }).waitFor();
      expect((await t.db.selectFrom('outbox').select('to_email').where('kind', '=', 'password_reset').execute()).map((m) => m.to_email)).toContain(person.email);
      await checkPage(page, 'people page after changes');
    }
  });
});
