import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { schoolWithRecord } from '../record-fixtures.js';
import { activate, browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, plusMinutes, settled, signInAt, signInTo, tabTo, typeInto, warnIfSkipped, serverAndBrowser, checkPage, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

async function text(download: Download) {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!browserAvailable)('office staff', () => {
  const env = serverAndBrowser();

  it('booking staff onto a session whose empty seats are held for another school: each waiting place says why, not as if the session were full (320 px)', async () => {
    const { t } = env.server;
    const [mine, holder] = [await t.org('Willow Primary'), await t.org('Ash Holder')];
    const office = await t.user('office', mine.id, 'Wyn Office');
    await t.user('staff', mine.id, 'Wes Waiting');
    const s = await t.session({ title: 'Held for Ash', mode: 'online', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 2 }, holdsReleaseAt: daysFromNow(4) });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: holder.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Willow Primary' });
    await panel.getByRole('checkbox', { name: /Wes Waiting/ }).check();
    await panel.getByRole('button', { name: 'Book 1 person' }).click();
    const outcome = panel.getByRole('status').filter({ hasText: 'Outcome for each person' });
    await outcome.waitFor();
    expect(await outcome.getByRole('listitem').allInnerTexts()).toEqual(['Wes Waiting: On the waitlist, 1st in the queue for online seats (the 2 empty seats are held for other schools)']);
    await checkPage(page, 'book staff, waiting behind seats held for another school (320 px)');
  });

  it('books two staff at once and sees each outcome; sees who is booked where; exports ICS and CSV', async () => {
    const { t } = env.server;
    const org = await t.org('Riverside Academy');
    const otherOrg = await t.org('Hilltop School');
    const office = await t.user('office', org.id, 'Olu Office');
    const bea = await t.user('staff', org.id, 'Bea Brown');
    const cai = await t.user('staff', org.id, 'Cai Jones');
    await t.user('staff', otherOrg.id, 'Dee Outsider');
    const s = await t.session({ title: 'Team Teach de-escalation', mode: 'hybrid', venue: 'Riverside hall', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 120), capacity: { inPerson: 1, online: 5 } });

    const page = await newPage(env.browser, env.server);
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Riverside Academy' });
    await panel.getByRole('checkbox', { name: /Bea Brown/ }).waitFor();
    // Only the office's own organisation is listed.
    expect(await panel.getByText('Dee Outsider').count()).toBe(0);
    await expectNoAxeViolations(page, 'session page (office)');

    // Nobody chosen: a clear error, nothing booked.
    await panel.getByRole('button', { name: 'Book selected people' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose at least one person to book.' }).waitFor();
    // Said in the group it is about, straight after its name (which has focus), and read with it.
    await expectFocused(page, '#staff-legend');
    const group = panel.getByRole('group', { name: 'People to book' });
    expect(await group.getAttribute('aria-describedby')).toBe('staff-problem');
    expect(await group.evaluate((g) => g.querySelector('#staff-problem')!.compareDocumentPosition(g.querySelector('ul')!) & Node.DOCUMENT_POSITION_FOLLOWING)).toBeTruthy();
    await expectNoAxeViolations(page, 'book staff: nobody chosen');

    await panel.getByRole('checkbox', { name: /Bea Brown/ }).check();
    await panel.getByRole('checkbox', { name: /Cai Jones/ }).check();
    await panel.getByRole('radio', { name: /In person/ }).check();
    await panel.getByRole('button', { name: 'Book 2 people' }).click();
    const outcome = panel.getByRole('status').filter({ hasText: 'Outcome for each person' });
    await outcome.waitFor();
    const lines = await outcome.getByRole('listitem').allInnerTexts();
    expect(lines).toEqual(['Bea Brown: Confirmed, in-person seat', 'Cai Jones: On the waitlist, 1st in the queue for in-person seats']);
    // A booking that works leaves focus on the Book button (it stays; the outcome is announced).
    await expectFocused(page, '#book-staff-submit');
    await expectNoAxeViolations(page, 'session page with booking outcomes');
    const booked = (await t.request('GET', `/api/sessions/${s.id}/bookings`, { as: office })).json.items;
    expect(booked.map((b: { userId: string; status: string }) => [b.userId, b.status])).toEqual([
      [bea.id, 'confirmed'],
      [cai.id, 'waitlisted'],
    ]);

    // Already-booked people say so and cannot be ticked again; the waiting one shows her place.
    await panel.getByText('Already booked (in-person seat).').waitFor();
    expect(await panel.getByRole('checkbox', { name: /Bea Brown/ }).isDisabled()).toBe(true);
    expect(await panel.getByRole('checkbox', { name: /Cai Jones/ }).isDisabled()).toBe(true);
    await panel.getByText('Waiting: 1st in the queue.').waitFor();

    await page.getByRole('link', { name: 'Who is booked where' }).click();
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(2).waitFor();
    const table = (await page.getByRole('table').innerText()).replace(/\s+/g, ' ');
    expect(table).toContain('Bea Brown Team Teach de-escalation');
    expect(table).toMatch(/Cai Jones Team Teach de-escalation .* In person On the waitlist 1st in queue/);
    expect(table).not.toContain('Dee Outsider');
    await expectNoAxeViolations(page, 'who is booked where');

    await page.getByRole('link', { name: 'Export' }).click();
    await page.getByRole('heading', { level: 1, name: 'Export bookings' }).waitFor();
    await expectNoAxeViolations(page, 'export page');
    // A range that ends before it starts is an error on the field.
    await page.getByLabel('To (optional)').fill(daysFromNow(-3).slice(0, 10));
    await page.getByRole('button', { name: 'Download spreadsheet (CSV)' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByLabel('To (optional)').getAttribute('aria-describedby')).toBe('to-error');
    await expectNoAxeViolations(page, 'export page with an error');

    await page.getByLabel('To (optional)').fill(daysFromNow(30).slice(0, 10));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download spreadsheet (CSV)' }).click()]);
    const csvText = await text(csv);
    expect(csvText).toContain('Bea Brown');
    expect(csvText).toContain('Cai Jones');
    // Named by the days chosen (days in England), the last one included.
    const chosen = [await page.getByLabel('From').inputValue(), await page.getByLabel('To (optional)').inputValue()];
    expect(chosen[1]).toBe(daysFromNow(30).slice(0, 10));
    expect(csv.suggestedFilename()).toMatch(new RegExp(`^bookings-[a-z0-9-]+${chosen[0] ? `-${chosen[0]}` : ''}-to-${chosen[1]}\\.csv$`));
    const [ics] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download calendar file (ICS)' }).click()]);
    const icsText = await text(ics);
    expect(icsText).toContain('BEGIN:VCALENDAR');
    expect(icsText).toContain('Team Teach de-escalation');
    await page.getByRole('status').filter({ hasText: 'Your calendar file is downloading.' }).waitFor();
  });

  it('a college office narrows its long staff list by name, ticks kept while hidden; ticking more people than one booking takes is told how many to untick, and nothing is booked; 200 book at once (keyboard, 320 px)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const org = await t.org('Northfield College');
    const office = await t.user('office', org.id, 'Nia Office');
    // 200 lecturers and the office herself.
    for (let i = 0; i < 200; i++) await t.user('staff', org.id, i < 3 ? `Priya Lecturer ${i}` : `Lecturer ${String(i).padStart(3, '0')}`);
    const s = await t.session({ title: 'Autism awareness for FE', mode: 'online', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 250 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Northfield College' });
    const boxes = panel.getByRole('checkbox');
    await boxes.first().waitFor();
    expect(await boxes.count()).toBe(201);
    // So long a list is narrowed by name or email; someone ticked stays ticked while hidden.
    await tabTo(page, 'Find people');
    await page.keyboard.type('PRIYA lect');
    await panel.getByRole('status').filter({ hasText: 'Showing 3 of 201 people.' }).waitFor();
    expect(await boxes.count()).toBe(3);
    await tabTo(page, /^Priya Lecturer 1 /);
    await page.keyboard.press('Space');
    await tabTo(page, 'Find people', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('nobody here');
    await panel.getByRole('status').filter({ hasText: 'No one matches “nobody here”. 1 person ticked is not shown.' }).waitFor();
    await panel.getByRole('button', { name: 'Book 1 person' }).waitFor();
    await checkPage(page, 'book staff: a search that matches no one, one person ticked');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await expect.poll(() => boxes.count()).toBe(201);
    expect(await panel.getByRole('checkbox', { name: /^Priya Lecturer 1 / }).isChecked()).toBe(true);
    for (let i = 0; i < 201; i++) await boxes.nth(i).check();
    await activate(page, 'Book 201 people');
    await page.getByRole('alert').filter({ hasText: 'You have chosen 201 people: book up to 200 at a time. Untick 1, book the others, then book them.' }).waitFor();
    await expectFocused(page, '#staff-legend');
    expect((await t.request('GET', `/api/sessions/${s.id}/bookings`, { as: office })).json.items).toEqual([]);
    await checkPage(page, 'book staff: more people chosen than one booking takes');
    await boxes.last().uncheck();
    await activate(page, 'Book 200 people');
    await panel.getByRole('status').filter({ hasText: '200 of 200 people booked or added to the waitlist.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/bookings`, { as: office })).json.items).toHaveLength(200);
  });

  it('holds seats for its school by keyboard at 320 px, no more than its staff could fill, and gives them back', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id, 'Wren Office');
    await t.user('staff', org.id, 'Ada Willow');
    const s = await t.session({ title: 'Sensory circuits', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 8 } });

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, office, `/sessions/${s.id}`);
    await page.getByRole('link', { name: 'Hold seats for your school' }).waitFor();
    await tabTo(page, 'Hold seats for your school');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Sensory circuits' }).waitFor();
    await page.getByText('No seats are held for your school on this session.').waitFor();
    // Their one school is chosen already; the release time is the trainer's, not shown.
    expect(await page.locator('#hold-org').inputValue()).toBe(org.id);
    expect(await page.getByRole('heading', { name: 'When unclaimed holds are released' }).count()).toBe(0);
    await expectNoAxeViolations(page, 'office hold seats page');
    await expectNoSidewaysScroll(page, 'office hold seats page');

    // Three is more than the school's two people without a place: the refusal says why, nothing held.
    await tabTo(page, 'Number of seats to hold');
    await page.keyboard.type('3');
    await tabTo(page, 'Save hold');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Willow Primary can hold at most 2 online seats here: 2 members of staff with no place on this session yet.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([]);

    await tabTo(page, 'Number of seats to hold', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, 'Save hold');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '2 online seats held for Willow Primary.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([{ orgId: org.id, orgName: 'Willow Primary', seat: 'online', seats: 2, claimed: 0 }]);
    await expectNoAxeViolations(page, 'office hold seats page with a hold');
    await expectNoSidewaysScroll(page, 'office hold seats page with a hold');

    // The number is the hold in all, as its hint says; a lower one gives seats away at once, so it is asked first.
    expect(await page.locator('#hold-seats-hint').innerText()).toBe('The number held in all, not more: 2 online seats held now, 0 claimed. 0 releases the hold.');
    await tabTo(page, 'Number of seats to hold', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1');
    await tabTo(page, 'Save hold');
    await page.keyboard.press('Enter');
    await page.getByText('Hold 1 online seat for Willow Primary instead of 2? 1 seat not yet claimed goes at once to people waiting, or to anyone booking, so holding it again may find it taken.').waitFor();
    await expectFocused(page, '#lower-confirm');
    await checkPage(page, 'office hold seats page asking before holding fewer (320 px)');
    await activate(page, 'No, keep 2');
    await expectFocused(page, '#hold-seats');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([{ orgId: org.id, orgName: 'Willow Primary', seat: 'online', seats: 2, claimed: 0 }]);
    await tabTo(page, 'Save hold');
    await page.keyboard.press('Enter');
    await activate(page, 'Yes, hold 1');
    await page.getByRole('status').filter({ hasText: '1 online seat held for Willow Primary.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([{ orgId: org.id, orgName: 'Willow Primary', seat: 'online', seats: 1, claimed: 0 }]);

    await tabTo(page, 'Release the online hold for Willow Primary', { back: true });
    await page.keyboard.press('Enter');
    await activate(page, 'Yes, release it');
    await page.getByRole('status').filter({ hasText: 'Hold for Willow Primary released.' }).waitFor();
    await expectFocused(page, '#holds-status');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([]);

    // Back on the session page the link is there again; staff get no such page.
    await tabTo(page, 'Back to the session', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Hold seats for your school' }).waitFor();
    const staffPage = await newPage(env.browser, env.server);
    await signInAt(staffPage, await t.user('staff', org.id, 'Sol Staff'), `/sessions/${s.id}/holds`);
    await staffPage.getByRole('heading', { level: 1, name: 'Not available to you' }).waitFor();
  });

  it('on a session with every seat taken, the office is told no seats can be held instead of being sent to a form that would refuse (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Rex Office');
    await t.user('staff', org.id, 'Ria Rowan');
    const s = await t.session({ title: 'Full social stories', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 1 } });
    const elsewhere = await t.user('staff', (await t.org('Elm Primary')).id);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: elsewhere, body: { seat: 'online' } })).status).toBe(201);

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, office, `/sessions/${s.id}`);
    await page.getByText('Every seat is booked or held, so none can be held for your school on this session.').waitFor();
    expect(await page.getByRole('link', { name: 'Hold seats for your school' }).count()).toBe(0);
    await checkPage(page, 'session page, office, every seat taken');

    // A seat given back: the link is offered again.
    const [booking] = (await t.request('GET', '/api/me/bookings', { as: elsewhere })).json.items;
    expect((await t.request('DELETE', `/api/bookings/${booking.id}`, { as: elsewhere })).status).toBeLessThan(300);
    await page.reload();
    await page.getByRole('link', { name: 'Hold seats for your school' }).waitFor();
    expect(await page.getByText('Every seat is booked or held').count()).toBe(0);
  });

  it('the session page keeps seats, holds and the staff list current after each booking, and a trust office sees its school’s own seats', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Oak Learning Trust', kind: 'trust' } })).json;
    const ash = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Ash Primary', parentId: trust.id } })).json;
    const trustOffice = await t.user('office', trust.id, 'Tia Trust');
    const office = await t.user('office', ash.id, 'Ash Office');
    await t.user('staff', ash.id, 'Bob Ash');
    const s = await t.session({ title: 'Attention autism', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: ash.id, seat: 'online', seats: 2 } })).status).toBeLessThan(300);

    // The trust office booking for Ash sees Ash's seats (its hold among them), as Ash's own office does.
    const trustPage = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(trustPage, trustOffice, `/sessions/${s.id}`);
    await trustPage.getByLabel('Book staff of').selectOption({ label: 'Ash Primary' });
    const trustPanel = trustPage.getByRole('region', { name: 'Book staff from Ash Primary' });
    await trustPanel.getByText('8 seats free to Ash Primary now (2 of them held for Ash Primary). Anyone past that joins the waitlist.').waitFor({ timeout: 5000 });
    await checkPage(trustPage, 'session page, trust office booking for a school with a hold');

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Ash Primary' });
    await panel.getByText('8 seats free to your school now (2 of them held for your school).', { exact: false }).waitFor();
    await panel.getByText(/2 online seats held for Ash Primary: 0 taken, 2 still held/).waitFor();

    // Booking a member of staff: the hold's claim is shown at once.
    // Its first POST answered 500: "Try booking again" (by keyboard) books, and leaves focus on
    // the Book button, where a first booking that works leaves it (see the first test).
    let posts = 0;
    await page.route(`**/api/sessions/${s.id}/bookings`, (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts++;
      return posts === 1 ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue();
    });
    await tabTo(page, /Bob Ash/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Book 1 person');
    await page.keyboard.press('Enter');
    const failed = panel.getByRole('alert').filter({ hasText: 'Something went wrong on our side.' });
    await failed.waitFor();
    await checkPage(page, 'session page, booking a member of staff failed');
    await tabTo(page, 'Try booking again');
    await page.keyboard.press('Enter');
    await panel.getByRole('status').filter({ hasText: '1 of 1 person booked or added to the waitlist.' }).waitFor();
    await expectFocused(page, '#book-staff-submit');
    // The alert goes once the whole action (its reload too) has finished.
    await expect.poll(() => failed.count()).toBe(0);
    expect(posts).toBe(2);
    await panel.getByText(/2 online seats held for Ash Primary: 1 taken, 1 still held/).waitFor({ timeout: 5000 });
    await checkPage(page, 'session page after booking a member of staff');

    // Booking their own seat: their own entry in the staff list says so at once.
    await tabTo(page, 'Book a seat', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    await panel.getByText(/2 online seats held for Ash Primary: 2 taken, 0 still held/).waitFor({ timeout: 5000 });
    await expect.poll(() => panel.getByRole('checkbox', { name: /Ash Office/ }).isDisabled(), { timeout: 5000 }).toBe(true);
    await panel.locator('.roster-person', { hasText: 'Ash Office' }).getByText('Already booked (online seat).').waitFor({ timeout: 5000 });
    await checkPage(page, 'session page after booking their own seat');
  });

  it('an office leaving a waitlist for a member of staff is told it was them who left, and goes back to who is booked where', async () => {
    const { t } = env.server;
    const org = await t.org('Willow Primary');
    const office = await t.user('office', org.id, 'Wren Office');
    const bob = await t.user('staff', org.id, 'Bob Willow');
    const ada = await t.user('staff', org.id, 'Ada Willow');
    const s = await t.session({ title: 'Zones of regulation', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity: { online: 1 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ada, body: {} })).json).toMatchObject({ status: 'confirmed' });
    const waiting = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: bob, body: {} })).json;
    expect(waiting).toMatchObject({ status: 'waitlisted' });

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    // Opened from Who is booked where, showing the session's week.
    const from = daysFromNow(6).slice(0, 10);
    await signInAt(page, office, `/office/bookings?from=${from}`);
    await activate(page, 'Manage the booking of Bob Willow for Zones of regulation');
    await page.getByText('Bob Willow is 1st in the queue').waitFor();
    await page.getByText('Bob Willow can add it to their calendar once they have a seat.').waitFor({ timeout: 5000 });
    await page.getByRole('link', { name: 'Back to who is booked where' }).waitFor({ timeout: 5000 });
    expect(await page.getByText('once you have a seat').count()).toBe(0);
    await checkPage(page, 'a member of staff’s waitlisted booking, seen by their office');

    await tabTo(page, /^Leave waitlist/);
    await page.keyboard.press('Enter');
    await tabTo(page, 'Yes, leave the waitlist');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Bob Willow left the waitlist for “Zones of regulation”.' }).waitFor({ timeout: 5000 });
    expect(await page.getByText('You left the waitlist').count()).toBe(0);
    await checkPage(page, 'after leaving the waitlist for a member of staff');

    await tabTo(page, 'Back to who is booked where', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    // Back to the list as it was: the same dates.
    expect(new URL(page.url()).searchParams.get('from')).toBe(from);
    expect(await page.getByLabel('From').inputValue()).toBe(from);
    // Only that list of this site is a way back.
    await page.goto(`/bookings/${waiting.id}?back=${encodeURIComponent('https://evil.example/office/bookings')}`);
    expect(await page.getByRole('link', { name: 'Back to who is booked where' }).getAttribute('href')).toBe('/office/bookings');
  });

  it('an administrator with no organisation opens the office pages from the menu, chooses an organisation by name and reads its page; the other office pages, from the menu, show the same one without choosing again, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const kestrel = await t.org('Kestrel Primary');
    await t.org('Heron Academy');
    const kim = await t.user('staff', kestrel.id, 'Kim Kestrel');
    const s = await t.session({ title: 'Attachment-aware classrooms', mode: 'online', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: kim, body: { seat: 'online' } })).status).toBe(201);
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 720 } });
    await signInTo(page, admin, '/sessions', 'Sessions');
    for (const [link, heading] of [['Who is booked where', 'Who is booked where'], ['Export', 'Export bookings'], ['Training record', 'Training record'], ['Who needs cover', 'Who needs cover']] as const) {
      await tabTo(page, link, { back: link !== 'Who is booked where', max: 80 });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByRole('form', { name: 'Choose the organisation' }).waitFor();
      await expect.poll(() => page.title()).toBe(`${heading} – SEND Live Training`);
      await expectFocused(page, 'h1');
      await checkPage(page, `${heading} for an administrator, choosing an organisation`);
    }
    // Who is booked where: "Show" with nothing chosen says so beside the field; then found by name.
    await page.goto('/office/bookings');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    await activate(page, 'Show');
    await page.getByText('Organisation: choose one').waitFor();
    await expectFocused(page, '#office-org');
    await tabTo(page, 'Find organisation by name or URN', { back: true });
    await page.keyboard.type('Kestrel');
    await expect.poll(() => page.getByLabel('Organisation', { exact: true }).inputValue()).toBe(kestrel.id);
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${kestrel.id}`));
    await page.getByRole('rowheader', { name: 'Kim Kestrel' }).waitFor();
    expect(await page.getByText('Attachment-aware classrooms').count()).toBeGreaterThan(0);
    // The page keeps the choice, and another organisation can be chosen from it.
    await page.getByRole('form', { name: 'Choose the organisation' }).waitFor();
    await page.getByText('Every booking and waitlist place of the staff of Kestrel Primary.').waitFor();
    // A school's own office sees its in-house sessions: nothing is said to be left out.
    expect(await page.getByText('in-house sessions').count()).toBe(0);
    await checkPage(page, 'who is booked where, an administrator looking at one school');
    // The other office pages, reached from the menu by keyboard, show the same school without
    // choosing it again (WCAG 3.3.7), and say which it is.
    for (const [link, heading, says] of [
      ['Export', 'Export bookings', 'Download every booking of the staff of Kestrel Primary in a date range'],
      ['Who needs cover', 'Who needs cover', 'Bookings of the staff of Kestrel Primary that clash'],
      ['Training record', 'Training record', 'Every live session the staff of Kestrel Primary attended'],
      ['Who is booked where', 'Who is booked where', 'Every booking and waitlist place of the staff of Kestrel Primary.'],
    ] as const) {
      await tabTo(page, link, { back: true, max: 80 });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByText(says).first().waitFor();
      expect(new URL(page.url()).searchParams.get('org'), `${heading} from the menu`).toBe(kestrel.id);
      const picker = page.locator(link === 'Who needs cover' ? '#cover-org' : '#office-org');
      await expect.poll(() => picker.inputValue()).toBe(kestrel.id);
      expect(await picker.locator('option:checked').textContent()).toContain('Kestrel Primary');
      await checkPage(page, `${heading} for an administrator, the school chosen on another page`);
    }
    await page.getByRole('rowheader', { name: 'Kim Kestrel' }).waitFor();
  });

  it('an administrator choosing an organisation by keyboard at 320 px: "Show" with none chosen focuses the field once its error is there; a choice focuses the heading of that organisation’s page once, not a heading that then goes', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const kestrel = await t.org('Kestrel Junior');
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 720 } });
    await signInTo(page, admin, '/office/cover', 'Who needs cover', { nav: 'Who needs cover' });
    await page.getByRole('form', { name: 'Choose the organisation' }).waitFor();
    // Where focus lands, and what a screen reader reads there as it lands.
    await page.evaluate(() => {
      const w = window as unknown as { landed: { el: Element; invalid: string | null; description: string }[] };
      w.landed = [];
      document.addEventListener('focusin', (e) => {
        const el = e.target as Element;
        const description = (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
        w.landed.push({ el, invalid: el.getAttribute('aria-invalid'), description });
      });
    });
    const landed = () =>
      page.evaluate(() =>
        (window as unknown as { landed: { el: Element; invalid: string | null; description: string }[] }).landed.splice(0).map((l) => ({ tag: l.el.tagName.toLowerCase(), id: l.el.id, invalid: l.invalid, description: l.description, stays: l.el.isConnected })),
      );

    await tabTo(page, 'Show');
    await landed();
    await page.keyboard.press('Enter');
    await page.getByText('Organisation: choose one').waitFor();
    await expectFocused(page, '#office-org');
    // Focus came to the field once, when it was already marked invalid and described by its error.
    expect(await landed()).toEqual([{ tag: 'select', id: 'office-org', invalid: 'true', description: 'Error: Organisation: choose one', stays: true }]);
    await checkPage(page, 'who needs cover, no organisation chosen');

    await tabTo(page, 'Find organisation by name or URN', { back: true });
    await page.keyboard.type('Kestrel Junior');
    await expect.poll(() => page.getByLabel('Organisation', { exact: true }).inputValue()).toBe(kestrel.id);
    await tabTo(page, 'Show');
    await landed();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`org=${kestrel.id}`));
    await page.getByRole('button', { name: 'Show cover needed' }).waitFor();
    await settled(page);
    await expectFocused(page, 'h1');
    // Once, on the heading that stays (the page's own, with its content drawn).
    expect(await landed()).toEqual([{ tag: 'h1', id: '', invalid: null, description: '', stays: true }]);
    await checkPage(page, 'who needs cover for the organisation chosen');
  });

  it('an administrator pressing "Show" with no organisation chosen: the document title starts with "Error: ", as every form’s errors make it, before and after an organisation is chosen; a choice takes it away (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const linnet = await t.org('Linnet Infants');
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 720 } });
    await signInTo(page, admin, '/office/cover', 'Who needs cover', { nav: 'Who needs cover' });
    await page.getByRole('form', { name: 'Choose the organisation' }).waitFor();
    await expect.poll(() => page.title()).toBe('Who needs cover – SEND Live Training');
    await activate(page, 'Show');
    await page.getByText('Organisation: choose one').waitFor();
    await expect.poll(() => page.title()).toBe('Error: Who needs cover – SEND Live Training');
    await checkPage(page, 'who needs cover, "Show" with no organisation chosen');

    // Chosen: the error and the title's "Error: " go.
    await typeInto(page, 'Find organisation by name or URN', 'Linnet Infants', { back: true });
    await expect.poll(() => page.getByLabel('Organisation', { exact: true }).inputValue()).toBe(linnet.id);
    await expect.poll(() => page.title()).toBe('Who needs cover – SEND Live Training');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${linnet.id}`));
    await page.getByRole('button', { name: 'Show cover needed' }).waitFor();
    await settled(page);
    await expect.poll(() => page.title()).toBe('Who needs cover – SEND Live Training');

    // On the organisation's page, its choice emptied ("Choose an organisation", the first option) and "Show" pressed.
    await tabTo(page, 'Organisation', { back: true });
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByLabel('Organisation', { exact: true }).inputValue()).toBe('');
    await activate(page, 'Show');
    await page.getByText('Organisation: choose one').waitFor();
    await expectFocused(page, '#cover-org');
    await expect.poll(() => page.title()).toBe('Error: Who needs cover – SEND Live Training');
    await checkPage(page, 'who needs cover for an organisation, "Show" with the choice emptied');
  });

  it('sees the attendance of its own staff on a session that has begun, and downloads it, by keyboard at 320 px; not other schools’ people', async () => {
    const { t } = env.server;
    const school = await t.org('Holly Primary');
    const office = await t.user('office', school.id, 'Hana Office');
    const mine = await t.user('staff', school.id, 'Mo Mine');
    const other = await t.user('staff', (await t.org('Elsewhere School')).id, 'Ola Other');
    const trainer = await t.user('trainer');
    const start = new Date(t.clock.now().getTime() - 10 * 60_000).toISOString();
    const s = await t.session({ title: 'Attention and listening', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 5 } }, trainer);
    const booked: Record<string, string> = {};
    for (const p of [mine, other]) booked[p.id] = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.id;
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booked[mine.id]}`, { as: trainer, body: { attended: true, minutes: 10 } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, office, `/sessions/${s.id}`);
    const section = page.getByRole('region', { name: 'Attendance of your staff' });
    await section.getByRole('rowheader', { name: 'Mo Mine' }).waitFor();
    await section.getByText('this is attendance so far').waitFor();
    expect(await section.getByText('Ola Other').count()).toBe(0);
    const row = section.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Mo Mine' }) });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/Online 10 Yes/);
    await checkPage(page, 'session page with the attendance of the office’s staff');

    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Download your staff’s attendance (CSV)');
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    expect(await file.failure()).toBeNull();
    const text = readFileSync((await file.path())!, 'utf8');
    expect(text).toContain('Mo Mine');
    expect(text).not.toContain('Ola Other');
  });

  it('staff do not see office pages', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const page = await newPage(env.browser, env.server);
    await signInTo(page, staff, '/office/export', 'Not available to you');
    // The menu has been drawn (with a staff member's links) before its missing link is checked.
    await page.getByRole('link', { name: 'My bookings' }).waitFor({ state: 'attached' });
    expect(await page.getByRole('link', { name: 'Who is booked where' }).count()).toBe(0);
    await expectNoAxeViolations(page, 'forbidden page');
  });

  it('an office cannot set its hold below the seats its staff have taken: the refusal (409) is beside the number of seats and in the error summary, not a general "Try again" message, and the hold stays (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Larch Primary');
    const office = await t.user('office', org.id, 'Lee Office');
    const s = await t.session({ title: 'Precision teaching', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 8 } });
    const [liz, len] = [await t.user('staff', org.id, 'Liz Larch'), await t.user('staff', org.id, 'Len Larch')];
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: org.id, seat: 'online', seats: 3 } })).status).toBe(204);
    for (const p of [liz, len]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json).toMatchObject({ status: 'confirmed' });

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, office, `/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Precision teaching' }).waitFor();
    await tabTo(page, 'Number of seats to hold');
    await page.keyboard.type('1');
    await tabTo(page, 'Save hold');
    await page.keyboard.press('Enter');
    const why = '2 online seats of this hold are already taken by staff of Larch Primary: hold at least 2, or 0 to release the hold (they keep their seats).';
    // The summary takes focus and links to the field; the field says why and is marked invalid.
    const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'There is a problem' }) });
    await summary.getByRole('link', { name: why }).waitFor({ timeout: 5000 });
    await expectFocused(page, '.error-summary');
    const seats = page.getByRole('spinbutton', { name: 'Number of seats to hold' });
    expect(await seats.getAttribute('aria-invalid')).toBe('true');
    expect((await seats.getAttribute('aria-describedby'))?.split(' ')).toContain('hold-seats-error');
    expect(await page.locator('#hold-seats-error').textContent()).toBe(`Error: ${why}`);
    // Not a failure to try again: pressing "Try again" would only be refused again.
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await expect.poll(() => page.title()).toBe('Error: Hold seats: Precision teaching – SEND Live Training');
    expect(await page.getByRole('status').filter({ hasText: 'held for Larch Primary' }).count()).toBe(0);
    // The summary's link takes the keyboard to the field.
    await page.keyboard.press('Tab');
    await expectFocused(page, '.error-summary a');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#hold-seats');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([{ orgId: org.id, orgName: 'Larch Primary', seat: 'online', seats: 3, claimed: 2 }]);
    await checkPage(page, 'hold seats page refusing a hold below its claimed seats');
  });

  it('an office holding more seats than are free is told the most it may hold in all, as the field means the number held in all, and that number is then held (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Riverside Primary');
    const office = await t.user('office', org.id, 'Rae Office');
    // More staff with no place than there are seats: the seats are the bound.
    await t.db.insertInto('users').values(Array.from({ length: 30 }, (_, i) => ({
      id: `river-${i}`, email: `river${i}@riverside.example.org`, name: `River Person ${i}`, role: 'staff' as const, org_id: org.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }))).execute();
    const s = await t.session({ title: 'Riverside calm spaces', mode: 'in_person', venue: 'Hall A', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { inPerson: 25 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: office, body: { orgId: org.id, seat: 'in_person', seats: 5 } })).status).toBe(204);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Riverside calm spaces' }).waitFor();
    const why = 'You can hold at most 25 in-person seats in all on this session (20 more than the 5 held now).';
    for (const n of ['30', '26']) {
      await typeInto(page, 'Number of seats to hold', n);
      await activate(page, 'Save hold');
      await expect.poll(() => page.locator('#hold-seats-error').textContent()).toBe(`Error: ${why}`);
      await page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'There is a problem' }) }).getByRole('link', { name: why }).waitFor();
      await tabTo(page, 'Number of seats to hold', { back: true });
    }
    await checkPage(page, 'hold seats page refusing more than are free');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('25');
    await activate(page, 'Save hold');
    await page.getByRole('status').filter({ hasText: '25 in-person seats held for Riverside Primary.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: office })).json.items).toEqual([{ orgId: org.id, orgName: 'Riverside Primary', seat: 'in_person', seats: 25, claimed: 0 }]);
  });

  it('a seat hold refused because the session was cancelled or has ended meanwhile: the page says so and shows the holds as they are, with no "Try again" that could only be refused again (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const aspen = await t.org('Aspenvale Primary');
    const now = t.clock.now().getTime();
    const later = await t.session({ title: 'Cancelled since', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 8 } }, trainer);
    const running = await t.session({ title: 'Ends soon', startsAt: new Date(now - 30 * 60_000).toISOString(), endsAt: new Date(now + 30 * 60_000).toISOString(), capacity: { online: 8 } }, trainer);
    for (const s of [later, running]) expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: aspen.id, seat: 'online', seats: 2 } })).status).toBeLessThan(300);
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    const nothingToTryAgain = async (what: string) => {
      expect(await page.getByRole('button', { name: 'Try again' }).count(), `${what}: no "Try again"`).toBe(0);
      expect(await page.getByRole('alert').filter({ hasText: /\S/ }).count(), `${what}: no error`).toBe(0);
      // Nothing is offered that the server would refuse; the hold is still listed as it was.
      expect(await page.getByRole('button', { name: /^(Save hold|Release)/ }).count(), `${what}: no hold form or Release`).toBe(0);
      await page.getByRole('rowheader', { name: 'Aspenvale Primary' }).waitFor();
      await checkPage(page, what);
    };

    // Cancelled while the page was open: holding seats is refused, and the page says why.
    await signInAt(page, trainer, `/trainer/sessions/${later.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Cancelled since' }).waitFor();
    expect((await t.request('POST', `/api/sessions/${later.id}/cancel`, { as: trainer, body: {} })).status).toBe(200);
    await tabTo(page, 'School');
    await page.keyboard.type('Aspenvale');
    await expect.poll(() => page.locator('#hold-org').inputValue()).toBe(aspen.id);
    await tabTo(page, 'Number of seats to hold');
    await page.keyboard.type('3');
    await activate(page, 'Save hold');
    await page.locator('#holds-closed').filter({ hasText: 'This session has been cancelled, so seats can no longer be held on it.' }).waitFor();
    await expectFocused(page, '#holds-closed');
    await nothingToTryAgain('seat holds of a session cancelled while they were open');

    // Over by the server's clock while the page was open: giving a hold back is refused too.
    const realNow = t.clock.now().toISOString();
    onTestFinished(() => t.clock.set(realNow));
    await page.goto(`/trainer/sessions/${running.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Ends soon' }).waitFor();
    await settled(page);
    t.clock.set(new Date(now + 35 * 60_000).toISOString());
    await activate(page, 'Release the online hold for Aspenvale Primary');
    await activate(page, 'Yes, release it');
    await page.locator('#holds-closed').filter({ hasText: 'This session has ended, so its seat holds can no longer be set, changed or released.' }).waitFor();
    await expectFocused(page, '#holds-closed');
    await nothingToTryAgain('seat holds of a session that ended while they were open');
    expect((await t.request('GET', `/api/sessions/${running.id}/holds`, { as: trainer })).json.items).toEqual([{ orgId: aspen.id, orgName: 'Aspenvale Primary', seat: 'online', seats: 2, claimed: 0 }]);
  });

  it('seat holds with no school chosen: the School field’s error is read as an error ("Error: Choose a school"), as every field’s is, and the summary’s link takes the keyboard to it (320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    // Two schools it could be for, so neither is chosen already.
    await t.org('Birchwood Primary');
    await t.org('Blackthorn Primary');
    const s = await t.session({ title: 'Choosing a school', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 8 } }, trainer);
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Choosing a school' }).waitFor();
    await typeInto(page, 'Number of seats to hold', '2');
    await activate(page, 'Save hold');
    const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'There is a problem' }) });
    await summary.getByRole('link', { name: 'Choose a school' }).waitFor();
    await expectFocused(page, '.error-summary');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#hold-org');
    // What a screen reader reads with the field: invalid, and described by its error, said as one.
    const field = await page.evaluate(() => {
      const el = document.activeElement!;
      return { invalid: el.getAttribute('aria-invalid'), description: (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ') };
    });
    expect(field).toEqual({ invalid: 'true', description: 'Error: Choose a school' });
    await checkPage(page, 'seat holds with no school chosen');
  });

  it('seat holds: a hold that could not be saved is said in its form, just above "Save hold", with Try again that saves it — not at the top of the page, screens away at 320 px (keyboard)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    await t.org('Alder Primary');
    await t.org('Aspen Primary');
    const s = await t.session({ title: 'Holding on', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 8 } }, trainer);
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    let failing = true;
    await page.route(`**/api/sessions/${s.id}/holds`, (route) => (failing && route.request().method() === 'PUT' ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue()));
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Holding on' }).waitFor();
    await tabTo(page, 'School');
    await page.keyboard.type('Alder');
    await typeInto(page, 'Number of seats to hold', '2');
    await activate(page, 'Save hold');
    const form = page.getByRole('form', { name: 'Hold or change seats for a school' });
    await form.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor();
    await form.getByRole('button', { name: 'Try again' }).waitFor();
    await checkPage(page, 'seat holds, a hold not saved');
    failing = false;
    await activate(page, 'Try again', { back: true });
    await page.getByRole('status').filter({ hasText: '2 online seats held for Alder Primary.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: trainer })).json.items).toEqual([expect.objectContaining({ orgName: 'Alder Primary', seats: 2 })]);
  });

  it('who is booked where counts the bookings as listed: cancelled ones apart', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Rae Office');
    const [ria, rob] = [await t.user('staff', org.id, 'Ria Rowan'), await t.user('staff', org.id, 'Rob Rowan')];
    const s = await t.session({ title: 'Social stories', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 } });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ria, body: {} })).json).toMatchObject({ status: 'confirmed' });
    const gone = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: rob, body: {} })).json;
    expect((await t.request('DELETE', `/api/bookings/${gone.id}`, { as: rob })).status).toBe(200);

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, office, '/office/bookings');
    await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
    const table = page.getByRole('table');
    await table.getByText('Rob Rowan', { exact: true }).waitFor({ timeout: 5000 });
    expect(await page.locator('p.count').innerText()).toBe('1 booking and 1 cancelled booking found.');
    expect(await table.locator('caption').innerText()).toBe('1 booking and 1 cancelled booking, soonest first');
    await checkPage(page, 'who is booked where with a cancelled booking');
  });

  it('who is booked where names the school a held seat was for to a trust office, and says “your school” to the school’s own office; the school a trust office chooses stays chosen, and named, on every office page it reaches from the menu (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Birch Learning Trust', kind: 'trust' } })).json;
    const oak = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Oak Primary', parentId: trust.id } })).json;
    const trustOffice = await t.user('office', trust.id, 'Tom Trust');
    const oakOffice = await t.user('office', oak.id, 'Ola Office');
    const olu = await t.user('staff', oak.id, 'Olu Oak');
    const s = await t.session({ title: 'Makaton basics', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: oak.id, seat: 'online', seats: 2 } })).status).toBe(204);
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: olu, body: {} })).json;
    expect(booked).toMatchObject({ status: 'confirmed' });

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInTo(page, trustOffice, '/office/bookings', 'Who is booked where', { nav: 'Who is booked where' });
    // The trust chosen (the default): its own staff's bookings and its schools'.
    await page.getByText('Every booking and waitlist place of the staff of Birch Learning Trust and its schools.', { exact: false }).waitFor();
    // The trust's office chooses one of its schools by keyboard.
    await tabTo(page, 'School');
    await page.keyboard.type('Oak');
    expect(await page.locator('#office-org').inputValue()).toBe(oak.id);
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${oak.id}`));
    const row = page.getByRole('row').filter({ hasText: 'Olu Oak' });
    await row.waitFor({ timeout: 5000 });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toContain('Confirmed (a seat held for Oak Primary)');
    expect(await page.getByText('held for your school').count()).toBe(0);
    await checkPage(page, 'who is booked where, a trust office looking at a school with a held seat');
    // Every other office page, reached from the menu by keyboard, is about the school chosen,
    // and says so: not the trust's own, which it showed before without a word.
    for (const [link, heading, says, picker] of [
      ['Export', 'Export bookings', 'Download every booking of the staff of Oak Primary in a date range', '#office-org'],
      ['Training record', 'Training record', 'Every live session the staff of Oak Primary attended', '#office-org'],
      ['Who needs cover', 'Who needs cover', 'Bookings of the staff of Oak Primary that clash', '#cover-org'],
      ['Staff accounts', 'Staff accounts', 'Everyone in Oak Primary.', '#staff-org'],
      ['Calendar feed', 'Subscribe to my calendar', 'Every booking of Oak Primary’s staff', '#feed-org'],
    ] as const) {
      await tabTo(page, link, { back: true, max: 80 });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByText(says).first().waitFor();
      expect(new URL(page.url()).searchParams.get('org'), `${heading} from the menu`).toBe(oak.id);
      await expect.poll(() => page.locator(picker).inputValue()).toBe(oak.id);
      await checkPage(page, `${heading} for a trust office, the school chosen on another page`);
    }

    const schoolPage = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(schoolPage, oakOffice, '/office/bookings');
    const own = schoolPage.getByRole('row').filter({ hasText: 'Olu Oak' });
    await own.waitFor({ timeout: 5000 });
    expect((await own.innerText()).replace(/\s+/g, ' ')).toContain('Confirmed (a seat held for your school)');

    // Olu moves to a school outside the trust, keeping the seat: as a seat of their own, no
    // longer one of Oak's held seats (which Oak has to give again), and Ash's office sees it so.
    const ash = await t.org('Ash Academy');
    expect((await t.request('PUT', `/api/users/${olu.id}/placement`, { as: admin, body: { role: 'staff', orgId: ash.id } })).status).toBe(200);
    const ashPage = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(ashPage, await t.user('office', ash.id, 'Ari Ash'), '/office/bookings');
    const moved = ashPage.getByRole('row').filter({ hasText: 'Olu Oak' });
    await moved.waitFor({ timeout: 5000 });
    const movedText = (await moved.innerText()).replace(/\s+/g, ' ');
    expect(movedText).toContain('Confirmed');
    expect(movedText).not.toContain('held for');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: s.trainer })).json.items).toEqual([{ orgId: oak.id, orgName: 'Oak Primary', seat: 'online', seats: 2, claimed: 0 }]);
    await checkPage(ashPage, 'who is booked where, the seat of someone who left the school that held it (320 px)');
  });

  it('Training coverage follows the organisation chosen, as the other office pages do: reached from the menu it is about the school chosen elsewhere, and a school chosen on it is carried to the other office pages (trust office and administrator, keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Hazel Learning Trust', kind: 'trust' } })).json;
    const elm = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Elm Primary', parentId: trust.id } })).json;
    const yew = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Yew Primary', parentId: trust.id } })).json;
    const trustOffice = await t.user('office', trust.id, 'Hal Hazel');
    await t.user('staff', elm.id, 'Eve Elm');
    await t.user('staff', yew.id, 'Yan Yew');
    const viaMenu = async (page: Page, link: string, heading: string) => {
      await tabTo(page, link, { back: true, max: 80 });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trustOffice, '/office/bookings', 'Who is booked where', { nav: 'Who is booked where' });
    await tabTo(page, 'School');
    await page.keyboard.type('Elm');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${elm.id}`));
    await page.getByText('Every booking and waitlist place of the staff of Elm Primary.').waitFor();
    // Before, the menu's Training coverage was the trust's, whatever school was chosen.
    await viaMenu(page, 'Training coverage', 'Training coverage: Elm Primary');
    expect(new URL(page.url()).searchParams.get('orgId')).toBe(elm.id);
    await checkPage(page, 'training coverage of the school chosen on another page');

    // Back to the trust's own coverage, then a school chosen there is carried to the other pages.
    await activate(page, 'Back to my coverage');
    await page.getByRole('heading', { level: 1, name: 'Training coverage: Hazel Learning Trust' }).waitFor();
    await activate(page, 'Yew Primary');
    await page.getByRole('heading', { level: 1, name: 'Training coverage: Yew Primary' }).waitFor();
    await viaMenu(page, 'Export', 'Export bookings');
    await page.getByText('Download every booking of the staff of Yew Primary in a date range').waitFor();
    expect(new URL(page.url()).searchParams.get('org')).toBe(yew.id);
    await checkPage(page, 'export bookings of the school chosen on training coverage');

    // An administrator's choice is carried to coverage the same way.
    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(adminPage, admin, `/office/record?org=${elm.id}`, 'Training record');
    await adminPage.getByText('Every live session the staff of Elm Primary attended').waitFor();
    await viaMenu(adminPage, 'Training coverage', 'Training coverage: Elm Primary');
    expect(new URL(adminPage.url()).searchParams.get('orgId')).toBe(elm.id);
    await checkPage(adminPage, 'training coverage of the organisation an administrator chose');
  });
});

describe.skipIf(!browserAvailable)('the training record of a school', () => {
  const env = serverAndBrowser();

  it('office staff reach it by keyboard at 320 px, read it page by page, and download it whole; staff do not see it', async () => {
    const { t } = env.server;
    const { school, office } = await schoolWithRecord(t, 3, 34, 'Birch School'); // 102 attended sessions: two pages
    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 720 } });
    await signInTo(page, office, '/sessions', 'Sessions');
    await page.getByRole('button', { name: 'Menu' }).waitFor();
    await tabTo(page, 'Training record');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Training record' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 100 of 102 attended sessions.' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(101);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await expectNoAxeViolations(page, 'training record (320 px)');

    // The pages are offered above the table as well as below it: no need to pass 100 rows.
    expect(await page.getByRole('navigation', { name: /^Pages of the training record/ }).count()).toBe(2);
    await tabTo(page, 'Next page', { max: 40 });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Showing 101 to 102 of 102 attended sessions.' }).waitFor();
    await page.getByText('Page 2 of 2').first().waitFor();
    expect(await page.title()).toContain('Training record, page 2');
    await expectNoAxeViolations(page, 'training record, page 2');

    await tabTo(page, 'Download the whole record as a spreadsheet (CSV)', { back: true, max: 40 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(/^training-record-birch-school-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = (await text(download)).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv).toHaveLength(1 + 102);

    const staffPage = await newPage(env.browser, env.server);
    await signInTo(staffPage, await t.user('staff', school.id), '/office/record', 'Not available to you');
    await staffPage.getByRole('link', { name: 'My bookings' }).waitFor({ state: 'attached' });
    expect(await staffPage.getByRole('link', { name: 'Training record' }).count()).toBe(0);
  });

  it('a trust office that chose dates and then another school keeps the dates: who is booked where shows the new school in the same range, and the export page keeps dates typed before choosing (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Rowan Learning Trust', kind: 'trust' } })).json;
    const yew = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Yew Primary', parentId: trust.id } })).json;
    const fir = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Fir Primary', parentId: trust.id } })).json;
    const trustOffice = await t.user('office', trust.id, 'Tess Trust');
    const soon = await t.session({ title: 'Rowan soon session', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), capacity: { online: 8 } });
    const later = await t.session({ title: 'Rowan later session', startsAt: daysFromNow(20), endsAt: plusMinutes(daysFromNow(20), 60), capacity: { online: 8 } });
    for (const [org, name] of [[yew, 'Yara Yew'], [fir, 'Finn Fir']] as const) {
      const person = await t.user('staff', org.id, name);
      for (const s of [soon, later]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: person, body: {} })).status).toBe(201);
    }
    const day = (iso: string) => iso.slice(0, 10);
    const from = day(daysFromNow(10));
    const to = day(daysFromNow(30));

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trustOffice, `/office/bookings?org=${yew.id}`, 'Who is booked where');
    await page.getByRole('row').filter({ hasText: 'Rowan soon session' }).waitFor({ timeout: 5000 });
    await page.getByLabel('From').fill(from);
    await page.getByLabel('To (optional)').fill(to);
    await tabTo(page, 'Show bookings');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`from=${from}`));
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Rowan' }).allInnerTexts()).toEqual([expect.stringContaining('Yara Yew')]);
    // Another school, chosen by keyboard: the dates stay.
    await tabTo(page, 'School');
    await page.keyboard.type('Fir');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${fir.id}`));
    expect(new URL(page.url()).searchParams.get('from')).toBe(from);
    expect(new URL(page.url()).searchParams.get('to')).toBe(to);
    await expect.poll(() => page.getByLabel('From').inputValue()).toBe(from);
    expect(await page.getByLabel('To (optional)').inputValue()).toBe(to);
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Rowan' }).allInnerTexts()).toEqual([expect.stringContaining('Finn Fir')]);
    expect(await page.getByRole('row').filter({ hasText: 'Rowan soon session' }).count()).toBe(0);
    await checkPage(page, 'who is booked where, another school chosen after the dates');
    // No From date (every date, not from today) is kept too.
    await page.getByLabel('From').fill('');
    await page.getByLabel('To (optional)').fill('');
    await tabTo(page, 'Show bookings');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('from') === '' && !u.searchParams.has('to'));
    await tabTo(page, 'School', { back: true });
    await page.keyboard.type('Yew');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${yew.id}`));
    expect(new URL(page.url()).searchParams.get('from')).toBe('');
    expect(await page.getByLabel('From').inputValue()).toBe('');

    // Export: dates typed, then another school chosen; the dates are still there to download with.
    await page.goto(`/office/export?org=${yew.id}`);
    await page.getByRole('heading', { level: 1, name: 'Export bookings' }).waitFor();
    await page.getByLabel('From').fill(from);
    await page.getByLabel('To (optional)').fill(to);
    await tabTo(page, 'School', { back: true, max: 40 });
    await page.keyboard.type('Fir');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${fir.id}`));
    await page.getByText('Download every booking of the staff of Fir Primary in a date range').waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe(from);
    expect(await page.getByLabel('To (optional)').inputValue()).toBe(to);
    await checkPage(page, 'export, another school chosen after typing dates');
  });
});
