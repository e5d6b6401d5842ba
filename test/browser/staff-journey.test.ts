/**
 * The staff and school-office booking journey without dead ends, on any phone (issue 15):
 * every point at desktop size and at 320 CSS px, axe-clean, with no sideways scroll on any page.
 */
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, newPage, plusMinutes, signIn, signInAt, tabTo, warnIfSkipped, serverAndBrowser, checkPage, settled, activate } from './harness.js';

warnIfSkipped(import.meta.url);

const PHONE = { viewport: { width: 320, height: 640 } };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const SIZES = [
  ['desktop', DESKTOP],
  ['320 px', PHONE],
] as const;

async function text(download: Download) {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!browserAvailable)('staff and office journey', () => {
  const env = serverAndBrowser();

  for (const [size, opts] of SIZES) {
    it(`held seats are seen by the school they are held for (${size}): B sees 20 free and books, C sees none free to it (held for B, not full) and queues`, async () => {
      const { t } = env.server;
      const [a, b, c] = [await t.org('School A'), await t.org('School B'), await t.org('School C')];
      const start = daysFromNow(6);
      const s = await t.session({ title: `Held seats ${size}`, startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 25 }, holdsReleaseAt: daysFromNow(5) });
      await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: b.id, seat: 'online', seats: 20 } });
      for (let i = 0; i < 5; i++) await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: await t.user('staff', a.id), body: {} });
      const [bStaff, cStaff] = [await t.user('staff', b.id), await t.user('staff', c.id)];

      const pb = await newPage(env.browser, env.server, opts);
      await signIn(pb, bStaff);
      const card = pb.getByRole('article', { name: `Held seats ${size}` });
      expect((await card.innerText()).replace(/\s+/g, ' ')).toContain('Online: 20 of 25 seats free to you (20 held for your school)');
      await checkPage(pb, `session list, school B (${size})`);
      await card.getByRole('link', { name: `Held seats ${size}` }).click();
      await pb.getByRole('heading', { level: 1, name: `Held seats ${size}` }).waitFor();
      await pb.getByText('20 online seats free to you, 20 of them held for your school.').waitFor();
      await checkPage(pb, `session page, school B (${size})`);
      // By keyboard alone.
      await tabTo(pb, 'Book a seat');
      await pb.keyboard.press('Enter');
      await pb.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
      await expectFocused(pb, '#your-place-title');

      const pc = await newPage(env.browser, env.server, opts);
      await signIn(pc, cStaff);
      expect((await pc.getByRole('article', { name: `Held seats ${size}` }).innerText()).replace(/\s+/g, ' ')).toContain('Online: none free to you (19 held for other schools)');
      await pc.getByRole('link', { name: `Held seats ${size}` }).click();
      await pc.getByRole('button', { name: 'Join the waitlist' }).click();
      await pc.getByRole('status').filter({ hasText: 'You joined the waitlist. You are number 1 in the queue for online seats.' }).waitFor();
      // A waiting place has nothing to put in a calendar yet (read once "Your place" shows the booking: the page reloads it after the status).
      await pc.getByRole('link', { name: 'Manage this booking' }).waitFor();
      expect(await pc.getByRole('link', { name: /Download the invite|Google Calendar|Outlook/ }).count()).toBe(0);
      await checkPage(pc, `session page after joining the waitlist (${size})`);

      const statuses = (await t.request('GET', `/api/sessions/${s.id}/bookings`, { as: s.trainer })).json.items.map((x: { userId: string; status: string }) => [x.userId, x.status]);
      expect(statuses).toEqual(expect.arrayContaining([[bStaff.id, 'confirmed'], [cStaff.id, 'waitlisted']]));
    });

    it(`office "Book staff" shows each person's place, clash and the seats free to the school; holds and the school feed (${size})`, async () => {
      const { t } = env.server;
      const org = await t.org('Riverside Academy');
      const office = await t.user('office', org.id, 'Olu Office');
      const [ana, ben, cai] = [await t.user('staff', org.id, 'Ana Ahmed'), await t.user('staff', org.id, 'Ben Bell'), await t.user('staff', org.id, 'Cai Cole')];
      const other = await t.user('staff', (await t.org()).id);
      const start = daysFromNow(8, 10);
      const s = await t.session({ title: `Roster ${size}`, startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 2 }, holdsReleaseAt: daysFromNow(7) });
      await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: org.id, seat: 'online', seats: 1 } });
      await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: other, body: {} });
      await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ana, body: {} });
      await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} });
      const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'Europe/London' }).format(new Date(start));
      const london = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London', hourCycle: 'h23' }).format(new Date(start));
      const lessonEnd = `${String(Number(london.slice(0, 2)) + 1).padStart(2, '0')}:${london.slice(3)}`;
      await t.request('PUT', '/api/me/timetable', { as: cai, body: `day,start,end,label\n${day},${london},${lessonEnd},Y4 maths\n`, headers: { 'content-type': 'text/csv' } });

      const page = await newPage(env.browser, env.server, opts);
      await signInAt(page, office, `/sessions/${s.id}`);
      const panel = page.getByRole('region', { name: 'Book staff from Riverside Academy' });
      await panel.getByText('Ana Ahmed').waitFor();
      await panel.getByText('No seats are free to your school now: anyone you book joins the waitlist.').waitFor();
      await panel.getByText('1 online seat held for Riverside Academy: 1 taken, 0 still held').waitFor();
      const facts = async (name: string) => (await page.locator(`#${await panel.getByRole('checkbox', { name: new RegExp(name) }).getAttribute('aria-describedby')}`).innerText()).replace(/\s+/g, ' ');
      expect(await facts('Ana Ahmed')).toContain('Already booked (online seat).');
      expect(await facts('Ben Bell')).toContain('Waiting: 1st in the queue.');
      expect(await facts('Cai Cole')).toMatch(/^Not booked\. Clashes with their timetable: Y4 maths \(/);
      expect(await panel.getByRole('checkbox', { name: /Ana Ahmed/ }).isDisabled()).toBe(true);
      expect(await panel.getByRole('checkbox', { name: /Cai Cole/ }).isDisabled()).toBe(false);
      await checkPage(page, `session page, office (${size})`);
      await panel.getByRole('checkbox', { name: /Cai Cole/ }).check();
      await panel.getByRole('button', { name: 'Book 1 person' }).click();
      await panel.getByRole('status').filter({ hasText: 'Cai Cole: On the waitlist, 2nd in the queue for online seats' }).waitFor();
      // The list is read again after booking: wait for it rather than read it at once.
      await expect.poll(() => facts('Cai Cole'), { timeout: 10_000 }).toContain('Waiting: 2nd in the queue.');

      await page.goto('/calendar');
      await page.getByRole('heading', { level: 2, name: 'Every booking of Riverside Academy’s staff' }).waitFor();
      expect(await page.getByLabel('Your school’s calendar address').inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.ics$|^http.+/);
      await checkPage(page, `calendar page, office (${size})`);

      for (const [path, heading] of [['/office/bookings', 'Who is booked where'], ['/office/export', 'Export bookings'], ['/office/cover', 'Who needs cover']] as const) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await settled(page);
        await checkPage(page, `${path} (${size})`);
      }
    });
  }

  it('office "Book staff" on a hybrid session: clashes follow the seat kind chosen (in person allows travel time), and the outcome names the clash (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Brook Primary');
    const office = await t.user('office', org.id, 'Bea Office');
    await t.user('staff', org.id, 'Ava Able');
    const cai = await t.user('staff', org.id, 'Cai Cole');
    const start = daysFromNow(8, 12);
    const s = await t.session({ title: 'Hybrid roster', mode: 'hybrid', venue: 'Hall', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { inPerson: 5, online: 5 } });
    // A lesson that ends 15 minutes before the session: no clash online, a clash in person (30 minutes to travel).
    const at = (iso: string) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London', hourCycle: 'h23' }).format(new Date(iso));
    const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'Europe/London' }).format(new Date(start));
    await t.request('PUT', '/api/me/timetable', { as: cai, body: `day,start,end,label\n${day},${at(plusMinutes(start, -75))},${at(plusMinutes(start, -15))},Y4 maths\n`, headers: { 'content-type': 'text/csv' } });

    const page = await newPage(env.browser, env.server, PHONE);
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Brook Primary' });
    const facts = async (name: string) => (await page.locator(`#${await panel.getByRole('checkbox', { name: new RegExp(name) }).getAttribute('aria-describedby')}`).innerText()).replace(/\s+/g, ' ');
    await panel.getByText('Cai Cole').waitFor();
    expect(await panel.getByRole('radio', { name: /^In person/ }).isChecked()).toBe(true);
    await expect.poll(() => facts('Cai Cole')).toMatch(/^Not booked\. Clashes with their timetable: Y4 maths \(/);
    await checkPage(page, 'book staff, in person, a clash with travel time (320 px)');
    // Online: no travel, no clash.
    // (The page's own "Book a seat" has a seat choice too: this is the panel's.)
    await panel.getByRole('radio', { name: /^In person/ }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await panel.getByRole('radio', { name: /^Online/ }).isChecked()).toBe(true);
    await expect.poll(() => facts('Cai Cole')).toBe('Not booked. No timetable clash.');
    // Back to in person, and booked: the outcome says they may need cover.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => facts('Cai Cole')).toMatch(/Clashes with their timetable: Y4 maths/);
    await tabTo(page, /^Cai Cole/);
    await page.keyboard.press('Space');
    await activate(page, 'Book 1 person');
    const outcome = panel.getByRole('status').filter({ hasText: 'Outcome for each person' });
    await outcome.waitFor();
    expect(await outcome.getByRole('listitem').allInnerTexts()).toEqual([expect.stringMatching(/^Cai Cole: Confirmed, in-person seat\. Clashes with their timetable: Y4 maths \(.+\): they may need cover\.$/)]);
    await checkPage(page, 'book staff, the outcome naming the clash (320 px)');
  });

  it('staff pages: CPD record with CSV, accept an offer on the session page, Join now while the join window is open (320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const [me, other] = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const soon = new Date(Date.now() + 5 * 60_000).toISOString();
    const live = await t.session({ title: 'Starting soon', startsAt: soon, endsAt: plusMinutes(soon, 60) });
    await t.request('POST', `/api/sessions/${live.id}/bookings`, { as: me, body: {} });
    const offerStart = daysFromNow(9);
    const offered = await t.session({ title: 'Offered seat', startsAt: offerStart, endsAt: plusMinutes(offerStart, 60), capacity: { online: 1 }, waitlistPolicy: 'offer' });
    const theirs = (await t.request('POST', `/api/sessions/${offered.id}/bookings`, { as: other, body: {} })).json;
    await t.request('POST', `/api/sessions/${offered.id}/bookings`, { as: me, body: {} });
    await t.request('DELETE', `/api/bookings/${theirs.id}`, { as: other });

    // An attended session in the past, for the CPD record.
    t.clock.set(new Date(Date.now() - 3 * 86_400_000).toISOString());
    const pastStart = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const past = await t.session({ title: 'Attended last week', startsAt: pastStart, endsAt: plusMinutes(pastStart, 90) });
    const pastBooking = (await t.request('POST', `/api/sessions/${past.id}/bookings`, { as: me, body: {} })).json;
    t.clock.set(new Date().toISOString());
    expect((await t.request('PUT', `/api/sessions/${past.id}/attendance/${pastBooking.id}`, { as: past.trainer, body: { attended: true, minutes: 85 } })).status).toBe(200);
    const { runJobsOnce } = await import('../../server/jobs.js');
    await runJobsOnce(t.deps, null);

    const page = await newPage(env.browser, env.server, PHONE);
    await signInAt(page, me, `/sessions/${offered.id}`);
    await page.getByText(/held for you until/).waitFor();
    await checkPage(page, 'session page with an offer (320 px)');
    await page.getByRole('button', { name: /Accept seat/ }).click();
    await page.getByRole('status').filter({ hasText: 'Seat accepted' }).waitFor();
    await page.getByText('Confirmed', { exact: true }).waitFor();

    await page.goto(`/sessions/${live.id}`);
    const join = page.getByRole('link', { name: 'Join now' });
    await join.waitFor();
    expect(await join.getAttribute('href')).toBe(`/sessions/${live.id}/room`);
    await page.goto('/bookings');
    await page.getByRole('article', { name: 'Starting soon' }).getByRole('link', { name: /Join now/ }).waitFor();
    await page.getByRole('article', { name: 'Offered seat' }).getByText('You can join online from 15 minutes before the start.').waitFor();
    expect(await page.getByRole('article', { name: 'Offered seat' }).getByRole('link', { name: /Join now/ }).count()).toBe(0);
    await checkPage(page, 'my bookings (320 px)');
    await page.getByRole('article', { name: 'Offered seat' }).getByRole('link', { name: 'Offered seat' }).click();
    await page.getByRole('heading', { level: 1, name: 'Booking: Offered seat' }).waitFor();
    await page.getByRole('group', { name: /Add to calendar/ }).waitFor();
    await checkPage(page, 'one booking (320 px)');
    await page.goto('/bookings');

    await page.getByRole('link', { name: 'My training record (sessions attended)' }).click();
    await page.getByRole('heading', { level: 1, name: 'My training record' }).waitFor();
    await page.getByRole('row', { name: /Attended last week/ }).waitFor();
    expect(await page.getByRole('row', { name: /Attended last week/ }).innerText()).toContain('85');
    await checkPage(page, 'my training record (320 px)');
    // A failed download is said on the page, not only in the browser's downloads.
    let failing = true;
    await page.route('**/api/me/completions.csv', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    await page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' }).click();
    await page.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).waitFor();
    await checkPage(page, 'my training record after a failed download (320 px)');
    failing = false;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cpd-record-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await text(download)).toContain('Attended last week');
  });

  it('Add to calendar at the moment of booking: invite named after the session and date, Google and Outlook links in Europe/London', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    // A summer date: London is on BST (UTC+1), so 15:00 UTC is 16:00 there.
    const year = new Date().getUTCFullYear() + 1;
    const start = `${year}-07-15T15:00:00.000Z`;
    const s = await t.session({ title: 'Summer webinar', startsAt: start, endsAt: plusMinutes(start, 90) });
    const page = await newPage(env.browser, env.server, DESKTOP);
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('button', { name: 'Book a seat' }).click();
    await page.getByRole('status').filter({ hasText: 'Booked' }).waitFor();
    const cal = page.getByRole('group', { name: /Add to calendar/ });
    // Those links make events that no later change reaches: the group says so.
    expect((await cal.innerText()).replace(/\s+/g, ' ')).toContain('The emailed invite, and one downloaded here, update when the session changes; an event added with the Google Calendar or Outlook on the web link does not.');
    const google = new URL((await cal.getByRole('link', { name: /Google Calendar/ }).getAttribute('href'))!);
    expect(google.origin + google.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(google.searchParams.get('dates')).toBe(`${year}0715T160000/${year}0715T173000`);
    expect(google.searchParams.get('ctz')).toBe('Europe/London');
    expect(google.searchParams.get('text')).toBe('Summer webinar');
    const outlook = new URL((await cal.getByRole('link', { name: /Outlook on the web/ }).getAttribute('href'))!);
    expect(outlook.hostname).toBe('outlook.office.com');
    expect(outlook.searchParams.get('startdt')).toBe(`${year}-07-15T16:00:00+01:00`);
    expect(outlook.searchParams.get('enddt')).toBe(`${year}-07-15T17:30:00+01:00`);
    const [download] = await Promise.all([page.waitForEvent('download'), cal.getByRole('link', { name: /Download the invite/ }).click()]);
    expect(download.suggestedFilename()).toBe(`summer-webinar-${year}-07-15.ics`);
    expect(await text(download)).toContain('BEGIN:VCALENDAR');
    await checkPage(page, 'session page after booking, with calendar links');
  });

  for (const [size, opts] of SIZES) {
    it(`finding a session (${size}): keyword search, course filter, venue and course shown; fitting needs a timetable and says so`, async () => {
      const { t } = env.server;
      const me = await t.user('staff', (await t.org()).id);
      const trainer = await t.user('trainer');
      const tag = size === 'desktop' ? 'dsk' : 'phn';
      const course = (await t.request('POST', '/api/courses', { as: trainer, body: { title: `Speech and language ${tag}` } })).json;
      const d = daysFromNow(12);
      await t.session({ title: `Sensory circuits ${tag}`, description: 'Regulation before learning', mode: 'in_person', venue: 'The Very Long Named Community Learning and Conference Centre, Riverside Business Park, Unit 14B', capacity: { inPerson: 10 }, startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);
      await t.session({ title: `Word aware ${tag}`, courseId: course.id, startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);

      const page = await newPage(env.browser, env.server, opts);
      await signIn(page, me);
      if (size === '320 px') {
        // The header and the filters leave the first session on the first screen.
        const first = await page.getByRole('article').first().boundingBox();
        expect(first && first.y).toBeLessThan(640);
        expect(await page.getByRole('link', { name: 'My bookings' }).isVisible()).toBe(false);
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('link', { name: 'My bookings' }).waitFor();
        await page.getByRole('button', { name: 'Menu' }).click();
      }
      await page.getByLabel('Search sessions').fill(`regulation ${tag}`);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Showing 1 to 1 of 1 session' }).waitFor();
      const card = page.getByRole('article', { name: `Sensory circuits ${tag}` });
      expect(await card.innerText()).toContain('Unit 14B');
      await checkPage(page, `search results (${size})`);

      await page.getByLabel('Search sessions').fill('');
      await page.getByText('More filters').click();
      await page.getByLabel('Course').selectOption(course.id);
      await page.getByRole('button', { name: 'Show sessions' }).click();
      await page.getByRole('status').filter({ hasText: 'Showing 1 to 1 of 1 session' }).waitFor();
      expect(await page.getByRole('article', { name: `Word aware ${tag}` }).innerText()).toContain(`Speech and language ${tag}`);

      await page.getByLabel('Only sessions that fit my timetable').check();
      await page.getByRole('button', { name: 'Show sessions' }).click();
      const note = page.getByText('You have no timetable yet, so every session is shown.');
      await note.waitFor();
      await checkPage(page, `fits without a timetable (${size})`);
      await page.getByRole('link', { name: 'Upload your timetable' }).click();
      await page.getByRole('heading', { level: 1, name: 'My timetable' }).waitFor();
      await settled(page);
      await checkPage(page, `timetable page (${size})`);
    });
  }

  it('area: the trainer sets it when publishing and when editing; the session page shows venue and area', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const d = daysFromNow(16);
    const later = await t.session({ title: 'Area: given on editing', startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);

    const tp = await newPage(env.browser, env.server, DESKTOP);
    await signInAt(tp, trainer, '/sessions/new');
    await tp.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await tp.getByLabel('Title', { exact: true }).fill('Area: in Manchester');
    await tp.getByLabel('In person', { exact: true }).check();
    await tp.getByLabel('Date', { exact: true }).fill(d.slice(0, 10));
    await tp.getByLabel('Start time').fill('16:00');
    await tp.getByLabel('End time').fill('17:00');
    await tp.getByLabel('Venue').fill('Manchester Central Library, St Peter’s Square');
    await tp.getByLabel('Number of in-person seats').fill('12');
    await tp.getByLabel('Area (optional)').selectOption({ label: 'North West' });
    await checkPage(tp, 'new session form with an area');
    await tp.getByRole('button', { name: 'Publish session' }).click();
    await tp.getByRole('heading', { level: 1, name: 'Area: in Manchester' }).waitFor();
    expect((await tp.locator('dl.facts').innerText()).replace(/\s+/g, ' ')).toMatch(/Venue Manchester Central Library, St Peter’s Square Area North West/);
    const created = (await t.request('GET', '/api/sessions?area=north-west', { as: trainer })).json.items;
    expect(created.map((s: { title: string }) => s.title)).toEqual(['Area: in Manchester']);

    await tp.goto(`/trainer/sessions/${later.id}/edit`);
    await tp.getByRole('heading', { level: 1, name: 'Edit: Area: given on editing' }).waitFor();
    expect(await tp.getByLabel('Area (optional)').inputValue()).toBe('');
    await tp.getByLabel('Area (optional)').selectOption({ label: 'North West' });
    await tp.getByRole('button', { name: 'Save changes' }).click();
    await tp.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${later.id}`, { as: trainer })).json.area).toBe('north-west');
    await checkPage(tp, 'edit session form with an area');
  }, 60_000);

  it('area: staff see venue and area in the list and filter by area by keyboard, the filter in the address (320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const me = await t.user('staff', (await t.org()).id);
    const d = daysFromNow(17);
    await t.session({ title: 'Area: in Derby', mode: 'in_person', venue: 'Derby Museum, The Strand', capacity: { inPerson: 8 }, area: 'east-midlands', startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);
    await t.session({ title: 'Area: online for Nottingham', area: 'east-midlands', startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);
    // Another area's session and one with no area: the filter leaves both out.
    await t.session({ title: 'Area: in Bristol', mode: 'in_person', venue: 'Bristol Central Library', capacity: { inPerson: 8 }, area: 'south-west', startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);
    await t.session({ title: 'Area: none given', startsAt: d, endsAt: plusMinutes(d, 60) }, trainer);

    const page = await newPage(env.browser, env.server, PHONE);
    await signIn(page, me);
    await tabTo(page, 'More filters: dates, area, mode, course, timetable');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Area');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown'); // North East, North West, Yorkshire and the Humber, East Midlands
    expect(await page.getByLabel('Area', { exact: true }).inputValue()).toBe('east-midlands');
    await tabTo(page, 'Show sessions');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 2 of 2 sessions' }).waitFor();
    expect(new URL(page.url()).searchParams.get('area')).toBe('east-midlands');
    // Only now, with the filtered list shown, is it safe to say what is not there.
    expect(await page.getByRole('article').count()).toBe(2);
    expect(await page.getByRole('article', { name: 'Area: in Bristol' }).count()).toBe(0);
    expect(await page.getByRole('article', { name: 'Area: none given' }).count()).toBe(0);
    const card = (await page.getByRole('article', { name: 'Area: in Derby' }).innerText()).replace(/\s+/g, ' ');
    expect(card).toContain('Venue Derby Museum, The Strand');
    expect(card).toContain('Area East Midlands');
    await checkPage(page, 'sessions filtered by area (320 px)');

    // The address is the filter: opened afresh, it shows that list and the chosen area.
    await page.goto('/sessions?area=south-west');
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 1 of 1 session' }).waitFor();
    expect(await page.getByLabel('Area', { exact: true }).inputValue()).toBe('south-west');
    expect((await page.getByRole('article', { name: 'Area: in Bristol' }).innerText()).replace(/\s+/g, ' ')).toContain('Area South West');
    // Back: the East Midlands list and its filter return.
    await page.goBack();
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 2 of 2 sessions' }).waitFor();
    expect(await page.getByLabel('Area', { exact: true }).inputValue()).toBe('east-midlands');
  }, 60_000);

  it('nothing blanks a page: the network goes away mid-booking and comes back; an error answer keeps the choice; buttons say what they are doing', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    const d = daysFromNow(14);
    const s = await t.session({ title: 'Offline booking', mode: 'hybrid', venue: 'Hall', capacity: { inPerson: 5, online: 5 }, startsAt: d, endsAt: plusMinutes(d, 60) });
    const page = await newPage(env.browser, env.server, PHONE);
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('radio', { name: /Online/ }).check();

    await page.context().setOffline(true);
    await page.getByRole('button', { name: 'Book a seat' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' });
    await alert.waitFor();
    // The page and the choice are still there; nothing says "fetch failed".
    await page.getByRole('heading', { level: 1, name: 'Offline booking' }).waitFor();
    expect(await page.getByRole('radio', { name: /Online/ }).isChecked()).toBe(true);
    expect(await page.locator('main').innerText()).not.toMatch(/fetch failed|TypeError/i);
    await checkPage(page, 'session page, offline booking failed');

    await page.context().setOffline(false);
    await alert.getByRole('button', { name: 'Try booking again' }).click();
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    expect((await t.request('GET', '/api/me/bookings', { as: me })).json.items.map((b: { seat: string; status: string }) => [b.seat, b.status])).toEqual([['online', 'confirmed']]);

    // A page loaded while offline recovers by itself when the network returns.
    await page.context().setOffline(true);
    await page.getByRole('link', { name: 'Back to all sessions' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not be reached' }).waitFor();
    await page.context().setOffline(false);
    // By itself: on the browser's "online" event, or at the next periodic retry.
    await page.getByRole('status').filter({ hasText: /^Showing 1 to \d+ of \d+ sessions?\./ }).waitFor({ timeout: 25_000 });
    expect(await page.getByRole('article').count()).toBeGreaterThan(0);
    expect(await page.getByRole('alert').filter({ hasText: 'could not be reached' }).count()).toBe(0);

    // An error answer: the session is cancelled after the page loaded. The page stays, says why.
    const s2 = await t.session({ title: 'Cancelled meanwhile', startsAt: d, endsAt: plusMinutes(d, 60) });
    await page.goto(`/sessions/${s2.id}`);
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    await t.request('POST', `/api/sessions/${s2.id}/cancel`, { as: s2.trainer });
    await page.getByRole('button', { name: 'Book a seat' }).click();
    await page.getByRole('alert').filter({ hasText: /cancelled/i }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Cancelled meanwhile' }).waitFor();

    // While a booking is on its way the button says so and cannot be pressed twice.
    const s3 = await t.session({ title: 'Slow answer', startsAt: d, endsAt: plusMinutes(d, 60) });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(`**/api/sessions/${s3.id}/bookings`, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`/sessions/${s3.id}`);
    await page.getByRole('button', { name: 'Book a seat' }).click();
    const busy = page.getByRole('button', { name: 'Booking…' });
    await busy.waitFor();
    expect(await busy.getAttribute('aria-disabled')).toBe('true');
    await busy.click({ force: true }); // pressed again while busy: ignored
    release();
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s3.id}/bookings`, { as: s3.trainer })).json.items).toHaveLength(1);
  }, 60_000);

  it('messages never show internal wording; a person is told "you already have a seat"', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    const d = daysFromNow(15);
    const s = await t.session({ title: 'Twice', startsAt: d, endsAt: plusMinutes(d, 60) });
    const page = await newPage(env.browser, env.server, PHONE);
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    // Booked meanwhile on another device: the answer speaks to the person, not about them.
    await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: me, body: {} });
    await page.getByRole('button', { name: 'Book a seat' }).click();
    await page.getByRole('alert').filter({ hasText: 'You already have a seat for this session.' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain(me.name);

    // An answer that leaks a setting name or a field path is replaced by plain words.
    const s2 = await t.session({ title: 'Leaky', startsAt: d, endsAt: plusMinutes(d, 60) });
    await page.route(`**/api/sessions/${s2.id}/bookings`, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'misconfigured', message: 'LIVEKIT_URL is unset: fetch failed at capacity.online' } }) }),
    );
    await page.goto(`/sessions/${s2.id}`);
    await page.getByRole('button', { name: 'Book a seat' }).click();
    await page.getByRole('alert').filter({ hasText: 'The service is having a problem. Please try again in a moment.' }).waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/LIVEKIT_URL|fetch failed|capacity\.online/);
  });
});
