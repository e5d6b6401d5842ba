/**
 * A session's page says when the person already has a place on another session at the same
 * time (`alsoBooked`), naming it with its day and times and linking to it, before the booking
 * form. My bookings says which upcoming bookings clash with the person's teaching timetable
 * (`GET /api/me/clashes`), so a teacher who uploads or changes a timetable after booking sees
 * that they may need cover, in words, on the booking itself; a booking that fits says
 * nothing. The clash check failing never hides the bookings: the page says so briefly and
 * offers to try again. Keyboard only, axe-clean, no sideways scrolling at 320 CSS px.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

/** An instant's wall clock in England: weekday name and HH:MM. */
function inEngland(iso: string) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: get('weekday'), time: `${get('hour')}:${get('minute')}` };
}

describe.skipIf(!browserAvailable)('clashes: with the timetable on My bookings, with other bookings on a session page', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('a teacher who adds a timetable after booking sees which booking clashes, and the other says nothing, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id, 'Tom Teacher');
    // Two sessions on consecutive days, 09:00 to 10:00 UTC; the timetable has a lesson during the first only.
    const clashStart = daysFromNow(8, 9);
    const freeStart = daysFromNow(9, 9);
    const clashing = await t.session({ title: 'Clash with maths', startsAt: clashStart, endsAt: plusMinutes(clashStart, 60), capacity: { online: 5 } });
    const fitting = await t.session({ title: 'Fits around lessons', startsAt: freeStart, endsAt: plusMinutes(freeStart, 60), capacity: { online: 5 } });
    for (const s of [clashing, fitting]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: teacher, body: {} })).status).toBe(201);

    // The timetable comes after the bookings: a lesson at exactly the first session's time, in England.
    const from = inEngland(clashStart);
    const to = inEngland(plusMinutes(clashStart, 60));
    const put = await t.request('PUT', '/api/me/timetable', { as: teacher, headers: { 'content-type': 'text/csv' }, body: `day,start,end,label\n${from.day},${from.time},${to.time},Year 5 maths\n` });
    expect(put.status).toBe(200);
    const clashes = (await t.request('GET', '/api/me/clashes', { as: teacher })).json.items as { session: { id: string } }[];
    expect(clashes.map((c) => c.session.id)).toEqual([clashing.id]);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, '/sessions', 'Sessions');
    await activate(page, 'My bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    await expectFocused(page, 'h1');

    const card = (title: string) => page.getByRole('article', { name: title });
    // Both bookings drawn, and the clash note on the first (the same render as the check below).
    const note = card('Clash with maths').getByText(/^Clashes with your timetable/);
    await note.waitFor();
    const text = (await note.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Clashes with your timetable: Year 5 maths (${from.time} to ${to.time}`);
    expect(text).toContain('let your school office know');
    await card('Fits around lessons').getByText('Confirmed', { exact: true }).waitFor();
    expect(await card('Fits around lessons').getByText(/Clashes with your timetable/).count()).toBe(0);
    expect(await card('Fits around lessons').getByText(/Year 5 maths/).count()).toBe(0);
    await checkPage(page, 'my bookings with a clash (320 px)');

    // The clash check fails: the bookings stay, the page says so briefly, and "Try again" brings the note back.
    await page.route('**/api/me/clashes*', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not check your bookings against your timetable' });
    await alert.waitFor();
    await card('Clash with maths').waitFor();
    await card('Fits around lessons').waitFor();
    expect(await page.getByText(/^Clashes with your timetable/).count()).toBe(0);
    await checkPage(page, 'my bookings, clash check failed (320 px)');
    await page.unroute('**/api/me/clashes*');
    await activate(page, 'Check for clashes again');
    await card('Clash with maths').getByText(/^Clashes with your timetable/).waitFor();
    await alert.waitFor({ state: 'detached' });
    // The notice (and the button pressed) went: focus is on the heading of the bookings it was about, not <body>.
    await expectFocused(page, '#current-title');
    expect(await card('Fits around lessons').getByText(/Clashes with your timetable/).count()).toBe(0);
  });

  it('a teacher booked on one session opens another at the same time and is told of the first, with a link to it that the keyboard reaches, at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id, 'Tia Teacher');
    // A from 16:00 to 17:00 UTC; B from 16:30 to 17:30, overlapping it.
    const aStart = daysFromNow(11, 16);
    const first = await t.session({ title: 'Autism in the classroom', startsAt: aStart, endsAt: plusMinutes(aStart, 60), capacity: { online: 5 } });
    const second = await t.session({ title: 'Sensory needs at break time', startsAt: plusMinutes(aStart, 30), endsAt: plusMinutes(aStart, 90), capacity: { online: 5 } });
    expect((await t.request('POST', `/api/sessions/${first.id}/bookings`, { as: teacher, body: {} })).status).toBe(201);

    // The day and times as England's clock shows them (GMT or BST), worked out here, not by the page's helpers.
    const parts = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).formatToParts(new Date(iso));
    const get = (iso: string, type: string) => parts(iso).find((p) => p.type === type)!.value;
    const day = `${get(aStart, 'weekday')} ${get(aStart, 'day')} ${get(aStart, 'month')}`;
    const time = (iso: string) => `${get(iso, 'hour')}:${get(iso, 'minute')}`;
    const expected = `You already have a place on “Autism in the classroom” (${day}, ${time(aStart)} to ${time(plusMinutes(aStart, 60))} ${get(aStart, 'timeZoneName')}), at the same time as this session.`;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, `/sessions/${second.id}`, 'Sensory needs at break time');
    const notice = page.getByText(/^You already have a place on/);
    await notice.waitFor();
    expect((await notice.innerText()).replace(/\s+/g, ' ').trim()).toBe(expected);
    // Said before the booking form, as plain text (not an alert: nothing went wrong).
    const [noticeBox, buttonBox] = [await notice.boundingBox(), await page.getByRole('button', { name: 'Book a seat' }).boundingBox()];
    expect(noticeBox!.y).toBeLessThan(buttonBox!.y);
    expect(await page.getByRole('alert').filter({ hasText: 'Autism in the classroom' }).count()).toBe(0);
    await checkPage(page, 'a session at the same time as one booked (320 px)');

    // The link to the first session is reached by Tab and opens its page.
    await activate(page, 'Autism in the classroom');
    await page.getByRole('heading', { level: 1, name: 'Autism in the classroom' }).waitFor();
    // There, the teacher has their place, and nothing is said of another at the same time.
    await page.getByRole('heading', { level: 2, name: 'Your place' }).waitFor();
    await page.getByText('Manage this booking').waitFor();
    expect(await page.getByText(/at the same time as this session/).count()).toBe(0);
    await checkPage(page, 'the session already booked (320 px)');
  });

  it('a hybrid session’s timetable note follows the seat chosen: online fits, in person (allowing travel time) clashes with the lesson just before, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org();
    const teacher = await t.user('staff', org.id, 'Hana Hybrid');
    const start = daysFromNow(12, 10);
    const s = await t.session({ title: 'Hybrid after a lesson', mode: 'hybrid', venue: 'Hall', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 5, inPerson: 5 } });
    // A lesson ending 15 minutes before the session starts, in England: half the school's 30 minutes of travel.
    const from = inEngland(plusMinutes(start, -60));
    const to = inEngland(plusMinutes(start, -15));
    expect((await t.request('PUT', '/api/me/timetable', { as: teacher, headers: { 'content-type': 'text/csv' }, body: `day,start,end,label\n${from.day},${from.time},${to.time},Year 5 maths\n` })).status).toBe(200);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, `/sessions/${s.id}`, 'Hybrid after a lesson');
    const note = page.locator('dd', { hasText: /your timetable/i });
    const noteText = async () => (await note.innerText()).replace(/\s+/g, ' ').trim();
    // Online, the seat that fits, is chosen first (only it fits); in person the note allows for travel, and so the lesson just before clashes.
    await expect.poll(() => page.getByLabel(/^Online/).isChecked()).toBe(true);
    await expect.poll(noteText).toBe('Fits your timetable');
    await checkPage(page, 'hybrid session page, online seat chosen');
    await tabTo(page, /^Online \(/);
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel(/^In person/).isChecked()).toBe(true);
    await expect.poll(noteText).toMatch(new RegExp(`^Clashes with your timetable \\(allowing 30 minutes to travel\\): Year 5 maths \\(${from.time} to ${to.time}`));
    await checkPage(page, 'hybrid session page, in-person seat chosen');
  });
});
