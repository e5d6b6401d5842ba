/**
 * An audit of the trainer's pages, walked as a trainer would (keyboard only, at 320 CSS px
 * and at desktop width): each test here is a problem a trainer would have noticed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, newPage, serverAndBrowser, signIn, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.skipIf(!browserAvailable)('trainer pages audit', () => {
  const env = serverAndBrowser();

  it('just after a session ends, My sessions (past) says as many attended as the register the trainer just ticked (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const trainer = await t.user('trainer', null, 'Tess Trainer');
    const people = [await t.user('staff', org.id, 'Ada Ames'), await t.user('staff', org.id, 'Bo Birch'), await t.user('staff', org.id, 'Cy Cole')];
    // Booked before it began; it ended five minutes ago (its outcomes are written 15 minutes after the end).
    t.clock.set(minutesFromNow(-180));
    const s = await t.session({ title: 'Zones of regulation', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-65), endsAt: minutesFromNow(-5), capacity: { inPerson: 5 } }, trainer);
    for (const p of people) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    t.clock.set(new Date().toISOString());

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Zones of regulation' }).waitFor();
    for (const name of ['Ada Ames', 'Bo Birch']) {
      await tabTo(page, `${name} attended`);
      await page.keyboard.press('Space');
      await page.getByRole('status').filter({ hasText: `${name} marked as attended.` }).waitFor();
    }
    await page.getByText('2 of 3 marked as attended.').waitFor();

    await page.goto('/trainer/sessions?when=past');
    const card = page.getByRole('article', { name: 'Zones of regulation' });
    await card.waitFor();
    const facts = (await card.innerText()).replace(/\s+/g, ' ');
    expect(facts).toContain('Attended 2 people');
    await checkPage(page, 'my past sessions just after one ended');
  });

  it('after a session, Who is coming counts those who attended or were absent as booked, as My sessions does, and filters by them (keyboard, 320 px and desktop)', async () => {
    const { t } = env.server;
    const org = await t.org('Cedar Academy');
    const trainer = await t.user('trainer', null, 'Tom Trainer');
    const people = [await t.user('staff', org.id, 'Dee Dunn'), await t.user('staff', org.id, 'Eli Eze'), await t.user('staff', org.id, 'Fay Fox')];
    t.clock.set(minutesFromNow(-240));
    const s = await t.session({ title: 'Speech and language basics', mode: 'in_person', venue: 'Library', startsAt: minutesFromNow(-120), endsAt: minutesFromNow(-60), capacity: { inPerson: 5 } }, trainer);
    const ids: string[] = [];
    for (const p of people) ids.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.id);
    t.clock.set(new Date().toISOString());
    // Its outcomes are due: a tick writes them (two attended, one absent).
    for (const id of ids.slice(0, 2)) expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    const attendees = (await t.request('GET', `/api/sessions/${s.id}/attendees`, { as: trainer })).json.items;
    expect(attendees.map((a: any) => a.status).sort()).toEqual(['absent', 'attended', 'attended']);

    for (const size of [DESKTOP, NARROW]) {
      const page = await newPage(env.browser, env.server, size);
      await signInAt(page, trainer, '/trainer/sessions?when=past');
      const card = page.getByRole('article', { name: 'Speech and language basics' });
      await card.waitFor();
      const facts = (await card.innerText()).replace(/\s+/g, ' ');
      expect(facts).toContain('In person: 3 of 5 taken, 0 waiting');
      expect(facts).toContain('Attended 2 people');
      await activate(page, 'Who is coming');
      await page.getByRole('heading', { level: 1, name: 'Who is coming: Speech and language basics' }).waitFor();
      await expectFocused(page, 'h1');
      await page.getByText('3 people booked (2 attended, 1 absent), 0 offered a seat, 0 waiting.').waitFor();
      await checkPage(page, `who is coming after the session at ${size.viewport.width} px`);
      // "Booked" keeps those on the register; each outcome can be picked out.
      await tabTo(page, 'Status');
      await page.keyboard.press('ArrowDown'); // Booked
      await page.getByRole('status').filter({ hasText: 'Showing 3 people of 3.' }).waitFor();
      await page.keyboard.press('ArrowDown'); // Offered a seat
      await page.keyboard.press('ArrowDown'); // Waiting
      await page.keyboard.press('ArrowDown'); // Attended
      expect(await page.getByLabel('Status').inputValue()).toBe('attended');
      await page.getByRole('status').filter({ hasText: 'Showing 2 people of 3.' }).waitFor();
      await page.keyboard.press('ArrowDown'); // Absent
      await page.getByRole('status').filter({ hasText: 'Showing 1 person of 3.' }).waitFor();
      expect(await page.getByRole('rowheader').innerText()).toContain('Fay Fox');
      await page.context().close();
    }
  });

  it('after a session, Who is coming offers no "Remove" or "Move" the server can only refuse; a place still waiting can be removed (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Grove School');
    const trainer = await t.user('trainer', null, 'Uma Trainer');
    const people = [await t.user('staff', org.id, 'Gus Gray'), await t.user('staff', org.id, 'Hal Hart'), await t.user('staff', org.id, 'Ivy Ives')];
    t.clock.set(minutesFromNow(-240));
    const s = await t.session({ title: 'Attachment aware schools', mode: 'hybrid', venue: 'Hall', startsAt: minutesFromNow(-120), endsAt: minutesFromNow(-60), capacity: { inPerson: 2, online: 1 } }, trainer);
    const ids: string[] = [];
    for (const p of people) ids.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: { seat: 'in_person' } })).json.id);
    t.clock.set(new Date().toISOString());
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${ids[0]}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    // Gus attended, Hal was absent, Ivy is still waiting; the server keeps the first two.
    expect((await t.request('POST', `/api/bookings/${ids[1]}/remove`, { as: trainer, body: { reason: 'x' } })).status).toBe(409);
    expect((await t.request('POST', `/api/bookings/${ids[1]}/seat`, { as: trainer, body: { seat: 'online' } })).status).toBe(409);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('heading', { level: 1, name: 'Who is coming: Attachment aware schools' }).waitFor();
    await page.getByRole('rowheader', { name: /Ivy Ives/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Remove Gus Gray' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove Hal Hart' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Move to / }).count()).toBe(0);
    await checkPage(page, 'who is coming after the session');
    await activate(page, 'Remove Ivy Ives');
    await expectFocused(page, `#reason-${ids[2]}`);
    await page.keyboard.type('The session has been held');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Ivy Ives removed. They have been sent your reason.' }).waitFor();
    await expectFocused(page, '#attendees-status');
  });

  it('who is coming as a spreadsheet gives when each person booked in England time, as the office’s export does (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const org = await t.org('Elm Infants');
    const gil = await t.user('staff', org.id, 'Gil Grant');
    const startsAt = `${new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10)}T15:00:00.000Z`;
    const s = await t.session({ title: 'Precision teaching', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(), capacity: { online: 5 } }, trainer);
    // Booked at 09:30 on a summer's morning in England (08:30 UTC: British Summer Time).
    const now = new Date().toISOString();
    t.clock.set(`${new Date().getUTCFullYear() + 1}-06-10T08:30:00.000Z`);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: gil, body: {} })).status).toBe(201);
    t.clock.set(now);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('heading', { level: 1, name: 'Who is coming: Precision teaching' }).waitFor();
    await tabTo(page, 'Download everyone as a spreadsheet (CSV)');
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    const text = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '');
    const [head, row] = text.split('\r\n');
    const cells = Object.fromEntries(head!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(cells['name']).toBe('Gil Grant');
    expect(cells['booked at']).toBe(`${new Date().getUTCFullYear() + 1}-06-10 09:30`);
  });

  it('a session’s "Add a link" web address field is as large as its other fields (24 px targets, WCAG 2.5.8), at 320 px and desktop', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await t.session({ title: 'Dyslexia friendly classrooms', startsAt: minutesFromNow(60 * 24 * 7), endsAt: minutesFromNow(60 * 24 * 7 + 60) }, trainer);
    for (const size of [NARROW, DESKTOP]) {
      const page = await newPage(env.browser, env.server, size);
      await signInAt(page, trainer, `/sessions/${s.id}`);
      await page.getByRole('heading', { level: 2, name: 'Materials' }).waitFor();
      await tabTo(page, 'Web address');
      await expectFocused(page, 'input[type="url"]');
      const title = await page.getByLabel('Link title').boundingBox();
      const url = await page.getByLabel('Web address').boundingBox();
      const file = await page.getByLabel('File', { exact: true }).boundingBox();
      expect(url!.height, `Web address field at ${size.viewport.width} px`).toBeGreaterThanOrEqual(24);
      expect(url!.height).toBe(title!.height);
      expect(url!.width).toBe(title!.width);
      expect(file!.height, `File field at ${size.viewport.width} px`).toBeGreaterThanOrEqual(24);
      await checkPage(page, `session page with materials at ${size.viewport.width} px`);
      await page.context().close();
    }
  });

  it('Who is coming lists a long queue a hundred people at a time: the pages turn by keyboard, the count takes focus and says which are shown, and the filters stay while they turn (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Queue Primary');
    const trainer = await t.user('trainer', null, 'Quin Queue');
    const s = await t.session({ title: 'A very popular session', startsAt: minutesFromNow(60 * 24 * 6), endsAt: minutesFromNow(60 * 24 * 6 + 60), capacity: { online: 5 } }, trainer);
    for (let i = 0; i < 130; i++) {
      const p = await t.user('staff', org.id, `Person ${String(i).padStart(3, '0')}`);
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).status).toBe(201);
    }
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    const count = page.locator('#attendees-count');
    await expect.poll(() => count.innerText()).toBe('Showing 1 to 100 of 130 people (130 in all).');
    expect(await page.locator('tbody tr').count()).toBe(100);
    await checkPage(page, 'who is coming, first page of a long queue (320 px)');
    // Waiting only (125): still two pages.
    await tabTo(page, 'Status');
    await page.keyboard.type('Waiting');
    await expect.poll(() => count.innerText()).toBe('Showing 1 to 100 of 125 people (130 in all).');
    await tabTo(page, 'Next page', { max: 20 });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.innerText()).toBe('Showing 101 to 125 of 125 people (130 in all).');
    await expectFocused(page, '#attendees-count');
    expect(await page.locator('#f-status').inputValue()).toBe('waitlisted');
    expect(await page.locator('tbody tr').count()).toBe(25);
    await checkPage(page, 'who is coming, second page (320 px)');
    // The filter and the page are in the address: loading it again (or sharing it) shows the same.
    expect(new URL(page.url()).search).toBe('?status=waitlisted&page=2');
    await page.reload();
    await expect.poll(() => count.innerText()).toBe('Showing 101 to 125 of 125 people (130 in all).');
    expect(await page.locator('#f-status').inputValue()).toBe('waitlisted');
    // Another filter starts again at the first page.
    await page.locator('#f-status').selectOption('all');
    await expect.poll(() => count.innerText()).toBe('Showing 1 to 100 of 130 people (130 in all).');
    expect(new URL(page.url()).searchParams.has('page')).toBe(false);
    // What is typed is searched for in everyone, not only the page in view (Person 120 to 129 are on the second page).
    await page.locator('#f-status').focus();
    await tabTo(page, 'Name, email or school');
    await page.keyboard.type('person 12');
    await expect.poll(() => count.innerText()).toBe('Showing 10 people of 130.');
    expect(await page.locator('tbody tr th').evaluateAll((ths) => ths.map((th) => th.firstChild?.textContent))).toEqual(Array.from({ length: 10 }, (_, i) => `Person 12${i}`));
    expect(new URL(page.url()).searchParams.get('q')).toBe('person 12');
    // Another order keeps what was typed.
    await page.locator('#f-sort').selectOption('name');
    await expect.poll(() => new URL(page.url()).search).toBe('?q=person+12&sort=name');
    await checkPage(page, 'who is coming, searched (320 px)');
    // An address with a page far past the last (an old link) shows the last page, and says so.
    await page.goto(`/trainer/sessions/${s.id}/people?page=99999`);
    await expect.poll(() => count.innerText()).toBe('Showing 101 to 130 of 130 people (130 in all).');
    await expect.poll(() => new URL(page.url()).search).toBe('?page=2');
  });
});
