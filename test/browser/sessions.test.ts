import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, settled, expectFocused, daysFromNow as inDays, expectNoAxeViolations, NARROW, newPage, plusMinutes, signIn, signInAt, tabTo, warnIfSkipped, serverAndBrowser } from './harness.js';

warnIfSkipped(import.meta.url);


describe.skipIf(!browserAvailable)('sign in, session list and session page', () => {
  const env = serverAndBrowser();

  it('signs in and lists sessions with time in England’s zone (from a browser in New York), mode, seats and waitlist (axe clean)', async () => {
    const { t } = env.server;
    const org = await t.org('Oakfield Primary');
    const staff = await t.user('staff', org.id, 'Asha Patel');
    const other = await t.user('staff', org.id);
    const startsAt = inDays(3, 15); // 15:00 UTC
    const online = await t.session({ title: 'Understanding autism', startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 1 } });
    await t.session({ title: 'Hybrid: ADHD in the classroom', mode: 'hybrid', venue: 'Oakfield hall', startsAt: inDays(4), endsAt: plusMinutes(inDays(4), 60), capacity: { inPerson: 5, online: 7 } });
    expect((await t.request('POST', `/api/sessions/${online.id}/bookings`, { as: other, body: {} })).json.status).toBe('confirmed');

    const page = await newPage(env.browser, env.server, { timezoneId: 'America/New_York' });
    // The server's CSP allows no inline script or style: the client must not need any.
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectNoAxeViolations(page, 'sign-in page');

    // A wrong password is an error tied to the field and summarised.
    await page.getByLabel('Email address').fill(staff.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'sign-in page with errors');

    await signIn(page, staff);
    const card = page.getByRole('article', { name: 'Understanding autism' });
    await card.waitFor();
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    // 15:00 UTC is 15:00 GMT or 16:00 BST in England, depending on the season, and shown so from New York.
    expect(text).toMatch(/15:00 to 16:30 GMT|16:00 to 17:30 BST/);
    expect(text).not.toMatch(/GMT-\d/);
    await page.getByRole('status').filter({ hasText: 'Days and times are in England (UK time).' }).waitFor();
    expect(text).toContain('Online');
    expect(text).toContain('Online: full (no seats free to you)');
    expect(text).toContain('No one waiting');
    const hybrid = (await page.getByRole('article', { name: 'Hybrid: ADHD in the classroom' }).innerText()).replace(/\s+/g, ' ');
    expect(hybrid).toContain('In person: 5 of 5 seats free to you');
    expect(hybrid).toContain('Online: 7 of 7 seats free to you');
    await expectNoAxeViolations(page, 'session list');

    // Filter by mode (behind "More filters", folded so the list starts on the first screen): only the hybrid session is left.
    await page.getByText('More filters').click();
    await page.getByLabel('Mode').selectOption('hybrid');
    await page.getByRole('button', { name: 'Show sessions' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 1 of 1 session' }).waitFor();
    expect(await page.getByRole('article').count()).toBe(1);

    // The session page, reached by its link, takes focus on its heading.
    await page.getByRole('link', { name: 'Hybrid: ADHD in the classroom' }).click();
    const h1 = page.getByRole('heading', { level: 1, name: 'Hybrid: ADHD in the classroom' });
    await h1.waitFor();
    await expectFocused(page, 'h1');
    expect(await page.title()).toContain('Hybrid: ADHD in the classroom');
    await page.getByText('Oakfield hall').waitFor();
    await page.getByRole('radio', { name: /In person \(5 free\)/ }).waitFor();
    await expectNoAxeViolations(page, 'session page');

    expect(cspErrors).toEqual([]);

    // Sign out: back to the sign-in page, and the API no longer knows the browser.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
  });

  it('says which sessions clash with my timetable and can show only those that fit', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const clashing = inDays(30, 10);
    const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'Europe/London' }).format(new Date(clashing));
    await t.session({ title: 'Clashes with maths', startsAt: clashing, endsAt: plusMinutes(clashing, 60) });
    await t.session({ title: 'Fits after school', startsAt: inDays(31, 10), endsAt: plusMinutes(inDays(31, 10), 60) });
    // In person only: the school's travel time (30 minutes unless it says otherwise) is allowed for, and the note says so.
    await t.session({ title: 'In person on a maths day', mode: 'in_person', venue: 'Hall', capacity: { inPerson: 10 }, startsAt: plusMinutes(clashing, 120), endsAt: plusMinutes(clashing, 180) });
    const put = await t.request('PUT', '/api/me/timetable', { as: staff, body: `day,start,end,label\n${weekday},08:00,16:00,Year 5 maths\n`, headers: { 'content-type': 'text/csv' } });
    expect(put.status).toBe(200);

    const page = await newPage(env.browser, env.server);
    await signInAt(page, staff, `/sessions?from=${inDays(29).slice(0, 10)}&to=${inDays(32).slice(0, 10)}`);
    await page.getByRole('article', { name: 'Clashes with maths' }).getByText(/Clashes with your timetable: Year 5 maths/).waitFor();
    await page.getByRole('article', { name: 'Fits after school' }).getByText('Fits your timetable').waitFor();
    await page.getByRole('article', { name: 'In person on a maths day' }).getByText(/Clashes with your timetable \(allowing 30 minutes to travel\): Year 5 maths/).waitFor();
    await page.getByLabel('Only sessions that fit my timetable').check();
    await page.getByRole('button', { name: 'Show sessions' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 1 of 1 session' }).waitFor();
    expect(await page.getByRole('article').allInnerTexts()).toEqual([expect.stringContaining('Fits after school')]);
    await expectNoAxeViolations(page, 'session list filtered by timetable');
  });

  it('pages through a long list', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const trainer = await t.user('trainer');
    for (let i = 0; i < 12; i++) await t.session({ title: `Paged session ${String(i + 1).padStart(2, '0')}`, startsAt: inDays(60 + i), endsAt: plusMinutes(inDays(60 + i), 60) }, trainer);
    const page = await newPage(env.browser, env.server);
    const from = inDays(59).slice(0, 10);
    await signInAt(page, staff, `/sessions?from=${from}`);
    await page.getByRole('link', { name: 'Paged session 01' }).waitFor();
    await page.getByRole('navigation', { name: 'Pages of sessions' }).getByRole('link', { name: 'Next page' }).click();
    await page.getByRole('link', { name: 'Paged session 11' }).waitFor();
    expect(await page.getByText('Page 2 of 2').count()).toBe(1);
    await expectNoAxeViolations(page, 'session list, page 2');
  });

  it('an address the list cannot take says what is wrong at its field, and a page past the last says so and leads back to the first, by keyboard (320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    await t.session({ title: 'Far future webinar', startsAt: inDays(300, 10), endsAt: plusMinutes(inDays(300, 10), 60) });
    const day = inDays(300).slice(0, 10);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, `/sessions?from=${day}&to=${day}&mode=dance`);
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByRole('link', { name: 'Mode: choose a mode from the list' }).waitFor();
    expect(await page.locator('#mode').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#mode-error').innerText()).toContain('Error:');
    await checkPage(page, 'session list with a mode it does not know in its address');

    await page.goto(`/sessions?from=${day}&to=${day}&page=7`);
    const count = page.locator('#sessions-count');
    await expect.poll(() => count.textContent()).toBe('This page is past the end of the list (1 session in all).');
    await checkPage(page, 'session list past its last page');
    await tabTo(page, 'Go to the first page');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 1 of 1 session. Days and times are in England (UK time).');
    await page.getByRole('link', { name: 'Far future webinar' }).waitFor();
  });

  it('dates whose To is before From are said at To, and the sessions of the filters before are not left under the error as if they were the answer (form and address, keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    await t.session({ title: 'Listening to pupils', startsAt: inDays(30, 10), endsAt: plusMinutes(inDays(30, 10), 60) });
    const [from, to] = [inDays(40).slice(0, 10), inDays(20).slice(0, 10)];
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/sessions');
    await page.getByRole('link', { name: 'Listening to pupils' }).waitFor();
    const count = page.locator('#sessions-count');
    await tabTo(page, 'More filters: dates, area, mode, course, timetable');
    await page.keyboard.press('Enter');
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await tabTo(page, 'Show sessions');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByRole('link', { name: 'To: must be on or after the From date' }).waitFor();
    expect(await page.locator('#to').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => count.textContent()).toBe('Correct the filters above to see sessions.');
    expect(await page.getByRole('link', { name: 'Listening to pupils' }).count()).toBe(0);
    await checkPage(page, 'session list with To before From');

    // The same range in an address (a link, or Back): said the same way, not "No sessions match".
    await page.goto(`/sessions?from=${from}&to=${to}`);
    await page.getByRole('link', { name: 'To: must be on or after the From date' }).waitFor();
    await expect.poll(() => count.textContent()).toBe('Correct the filters above to see sessions.');
    // Put right, the list is back.
    await page.getByLabel('From', { exact: true }).fill(to);
    await page.getByLabel('To', { exact: true }).fill(from);
    await tabTo(page, 'Show sessions');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Listening to pupils' }).waitFor();
    expect(await page.getByRole('heading', { name: 'There is a problem' }).count()).toBe(0);
  });

  it('renders a title containing <script> as text, without running it', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const title = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const s = await t.session({ title, description: '<b>bold?</b> & "quotes"', startsAt: inDays(2), endsAt: plusMinutes(inDays(2), 60) });
    const page = await newPage(env.browser, env.server);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInAt(page, staff, '/sessions');
    await page.getByText(title, { exact: true }).first().waitFor();
    await page.goto(`/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: '<script>' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    await page.getByText('<b>bold?</b> & "quotes"').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('an address with a broken %-escape (a mangled link) shows a page that says so, not a blank one', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInAt(page, staff, '/sessions/%E0%A4');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('alert').waitFor();
    expect(errors).toEqual([]);
    await expectNoAxeViolations(page, 'session page for a mangled address');
  });

  it('a listed session that can no longer be booked (ended, or past its cut-off) says so on its card instead of offering seats free (320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    await t.session({ title: 'Kestrel ended', startsAt: inDays(-2), endsAt: plusMinutes(inDays(-2), 60), capacity: { online: 5 } });
    await t.session({ title: 'Kestrel cut-off passed', startsAt: inDays(4), endsAt: plusMinutes(inDays(4), 60), bookingClosesAt: inDays(-1), capacity: { online: 5 } });
    await t.session({ title: 'Kestrel open', startsAt: inDays(5), endsAt: plusMinutes(inDays(5), 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    // An empty "from": no lower bound, so the ended one is listed too.
    await signInAt(page, me, '/sessions?q=Kestrel&from=');
    const card = (title: string) => page.getByRole('article', { name: title });
    await card('Kestrel open').waitFor();
    const text = async (title: string) => (await card(title).innerText()).replace(/\s+/g, ' ');
    expect(await text('Kestrel ended')).toContain('Booking Closed: this session has ended.');
    expect(await text('Kestrel ended')).not.toContain('free to you');
    expect(await text('Kestrel cut-off passed')).toMatch(/Booking Closed: booking closed on \w+, \d+ \w+ \d{4}, \d\d:\d\d/);
    expect(await text('Kestrel cut-off passed')).not.toContain('free to you');
    expect(await text('Kestrel open')).toContain('5 of 5 seats free to you');
    await checkPage(page, 'sessions list with closed sessions (320 px)');
  });

  it('each card says the place I already have on it (a seat, a place in the queue), linked to my booking; others say nothing of it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    const other = await t.user('staff', (await t.org()).id);
    const seated = await t.session({ title: 'Osprey booked', startsAt: inDays(4), endsAt: plusMinutes(inDays(4), 60), capacity: { online: 5 } });
    const full = await t.session({ title: 'Osprey full', startsAt: inDays(5), endsAt: plusMinutes(inDays(5), 60), capacity: { online: 1 } });
    await t.session({ title: 'Osprey free', startsAt: inDays(6), endsAt: plusMinutes(inDays(6), 60), capacity: { online: 5 } });
    const mine = await t.request('POST', `/api/sessions/${seated.id}/bookings`, { as: me, body: {} });
    expect(mine.status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: other, body: {} })).json.status).toBe('confirmed');
    expect((await t.request('POST', `/api/sessions/${full.id}/bookings`, { as: me, body: {} })).json.status).toBe('waitlisted');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, '/sessions?q=Osprey');
    const card = (title: string) => page.getByRole('article', { name: title });
    await card('Osprey free').waitFor();
    const text = async (title: string) => (await card(title).innerText()).replace(/\s+/g, ' ');
    await card('Osprey booked').getByRole('link', { name: 'Booked: an online seat' }).waitFor();
    await card('Osprey full').getByRole('link', { name: 'On the waiting list, 1st in the queue (online)' }).waitFor();
    expect(await text('Osprey free')).not.toContain('Your place');
    await checkPage(page, 'sessions list with my places (320 px)');
    await tabTo(page, 'Booked: an online seat');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/bookings/${mine.json.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
  });

  it('booking closing while the session page is open: the booking form goes, the page says why, and focus, which was on Book a seat, goes to what it says (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    // By the server's clock (the page follows it): begun 14 minutes ago, an hour long, its booking cut-off a minute from now.
    const now = t.clock.now().getTime();
    const s = await t.session({ title: 'Closing in a minute', startsAt: new Date(now - 14 * 60_000).toISOString(), endsAt: new Date(now + 46 * 60_000).toISOString(), bookingClosesAt: new Date(now + 60_000).toISOString(), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install();
    await signInAt(page, me, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'Closing in a minute' }).waitFor();
    await tabTo(page, 'Book a seat');
    await page.clock.fastForward(65_000);
    await expectFocused(page, '#booking-closed-notice');
    const said = (await page.locator('#booking-closed-notice').innerText()).replace(/\s+/g, ' ');
    expect(said).toMatch(/^Booking has closed: booking closed on \w+, \d+ \w+ \d{4}, \d\d:\d\d \w+\.$/);
    expect(await page.locator('#booking-closed-notice').evaluate((el) => el.parentElement?.getAttribute('role'))).toBe('status');
    expect(await page.getByRole('button', { name: 'Book a seat' }).count()).toBe(0);
    expect(await page.getByText(/^Booking for this session is closed/).count()).toBe(0);
    await checkPage(page, 'a session page whose booking closed while it was open (320 px)');
    // Said as it was then: at the session's end, 45 minutes on, it is not said again otherwise.
    await page.clock.fastForward(46 * 60_000);
    await page.getByText('This session has ended', { exact: false }).or(page.locator('#booking-closed-notice')).first().waitFor();
    expect((await page.locator('#booking-closed-notice').innerText()).replace(/\s+/g, ' ')).toBe(said);

    // Focus not in the booking form (on nothing, as after clicking the text being read): it is
    // not moved; the notice is said all the same.
    const s2 = await t.session({ title: 'Closing while read', startsAt: new Date(now - 14 * 60_000).toISOString(), endsAt: new Date(now + 46 * 60_000).toISOString(), bookingClosesAt: new Date(now + 60_000).toISOString(), capacity: { online: 5 } });
    const reader = await newPage(env.browser, env.server, NARROW);
    await reader.clock.install();
    await signInAt(reader, me, `/sessions/${s2.id}`);
    const h1 = reader.getByRole('heading', { level: 1, name: 'Closing while read' });
    await h1.waitFor();
    await reader.getByRole('button', { name: 'Book a seat' }).waitFor();
    await h1.focus();
    await reader.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await reader.clock.fastForward(65_000);
    await reader.locator('#booking-closed-notice').waitFor();
    await settled(reader);
    expect(await reader.evaluate(() => document.activeElement === document.body)).toBe(true);
  });

  it('a session under way is open for booking to its end: its card shows its seats; booked after too little of it is left to count, the page says so before booking; one just begun says nothing of it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id);
    // The server's clock (the page follows it): set when this file's server started.
    const now = t.clock.now().getTime();
    const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
    // An hour each, 75% to attend: someone arriving at one begun 20 minutes ago can no longer
    // attend 45 minutes of it; at one begun 2 minutes ago, they still can.
    const late = await t.session({ title: 'Merlin under way', startsAt: at(-20), endsAt: at(40), capacity: { online: 5 } });
    await t.session({ title: 'Merlin just begun', startsAt: at(-2), endsAt: at(58), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, '/sessions?q=Merlin&from=');
    const card = (title: string) => page.getByRole('article', { name: title });
    await card('Merlin just begun').waitFor();
    const text = async (title: string) => (await card(title).innerText()).replace(/\s+/g, ' ');
    expect(await text('Merlin under way')).toContain('5 of 5 seats free to you');
    expect(await text('Merlin under way')).not.toContain('Closed');
    expect(await text('Merlin just begun')).toContain('5 of 5 seats free to you');
    // Each card says it is under way, and whether booking it now can still count as attended.
    expect(await text('Merlin under way')).toMatch(/Under way Started at [^.]+\. Booking now will not count as attended: at least 75% of it must be attended\./);
    expect(await text('Merlin just begun')).toMatch(/Under way Started at [^.]+\. You can still book and join\./);
    await checkPage(page, 'sessions list with a session under way (320 px)');
    // Its page, by keyboard from its card: said before booking that it will not count, and bookable.
    await tabTo(page, 'Merlin under way');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Merlin under way' }).waitFor();
    expect((await page.locator('#late-booking-note').innerText()).replace(/\s+/g, ' ')).toBe(
      'Less than 75% of this session is left. You can still book and join for what remains, but it will not count as attended: at least 75% of it must be attended.',
    );
    await checkPage(page, 'session under way, too late to count (320 px)');
    await tabTo(page, /^Book (an online seat|a seat)$/);
    await page.keyboard.press('Enter');
    // Said again once booked: the note before the form has gone with it.
    await page.getByText('Booked: your online seat is confirmed. It will not count as attended: less than 75% of the session was left when you booked.').waitFor();
    await expectFocused(page, '#your-place-title');
    expect((await t.request('GET', `/api/sessions/${late.id}`, { as: me })).json.bookingEndsAt).toBe(late.endsAt);
    // The one just begun: no such note, and bookable.
    await page.goto('/sessions?q=Merlin&from=');
    await card('Merlin just begun').waitFor();
    await tabTo(page, 'Merlin just begun');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Merlin just begun' }).waitFor();
    await page.getByRole('button', { name: /^Book (an online seat|a seat)$/ }).waitFor();
    expect(await page.locator('#late-booking-note').count()).toBe(0);
  });

  it('an office booking staff onto a session under way, too late for it to count, is told so before and after booking (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Morgan Primary');
    const office = await t.user('office', org.id, 'Mo Office');
    await t.user('staff', org.id, 'Nia Late');
    const now = t.clock.now().getTime();
    const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
    const s = await t.session({ title: 'Morgan under way', startsAt: at(-20), endsAt: at(40), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}`);
    const panel = page.getByRole('region', { name: 'Book staff from Morgan Primary' });
    await panel.getByRole('checkbox', { name: /Nia Late/ }).waitFor();
    expect((await page.locator('#late-staff-booking-note').innerText()).replace(/\s+/g, ' ')).toBe(
      'Less than 75% of this session is left. Staff booked now can join for what remains, but it will not count as attended for them: at least 75% of it must be attended.',
    );
    await checkPage(page, 'office booking staff onto a session under way (320 px)');
    await tabTo(page, /Nia Late/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Book 1 person');
    await page.keyboard.press('Enter');
    await page.getByText('1 of 1 person booked or added to the waitlist. Booked now, it will not count as attended for them: less than 75% of the session was left.').waitFor();
  });
});
