/**
 * A staff member's training record and the session list, as an exploratory tester found them:
 * - the record's total does not count a session whose minutes were not recorded (a hand tick
 *   with no minutes) as 0 minutes, on My training record and on a person's record on People;
 * - the list says a hybrid session "Fits if you join online" when only its online seat fits
 *   (in person, with travel time, it clashes), with and without "Only sessions that fit my
 *   timetable"; its page, with the in-person seat chosen, says it would fit online;
 * - the list's default ("from today") leaves out sessions that already ended today, and a
 *   session over says nothing of the timetable when the list looks back.
 * And a certificate's public check shows the session's time and length, as the PDF prints them.
 * Keyboard only, axe-clean, no sideways scrolling at 320 CSS px.
 */
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { activate, browserAvailable, checkPage, daysFromNow, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

/** An instant's wall clock in England: weekday name and HH:MM. */
function inEngland(iso: string) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: get('weekday'), time: `${get('hour')}:${get('minute')}` };
}

describe.skipIf(!browserAvailable)('the training record’s total and the session list', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('a session ticked attended with no minutes is not counted as 0 minutes, on My training record and on People; a certificate’s check shows its time, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Recordadmin');
    const org = await t.org('Hazel Primary');
    const noor = await t.user('staff', org.id, 'Noor Handtick');
    const now = t.clock.now().toISOString();
    const startsAt = daysFromNow(-3);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const hall = await t.session({ title: 'Hall workshop', mode: 'in_person', venue: 'Hall A', startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { inPerson: 10, online: 0 } });
    const online = await t.session({ title: 'Online follow-up', startsAt: plusMinutes(startsAt, 120), endsAt: plusMinutes(startsAt, 180), capacity: { online: 10 } });
    const hallBooking = (await t.request('POST', `/api/sessions/${hall.id}/bookings`, { as: noor, body: { seat: 'in_person' } })).json.id as string;
    const onlineBooking = (await t.request('POST', `/api/sessions/${online.id}/bookings`, { as: noor, body: {} })).json.id as string;
    t.clock.set(now);
    await recordAttendanceOutcomes(t.deps);
    // Ticked by hand, no minutes given, and no presence observed: minutes unknown.
    expect((await t.request('PUT', `/api/sessions/${hall.id}/attendance/${hallBooking}`, { as: hall.trainer, body: { attended: true } })).status).toBe(200);
    expect((await t.request('GET', '/api/me/completions', { as: noor })).json.items).toEqual([expect.objectContaining({ bookingId: hallBooking, minutes: null })]);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, noor, '/completions', 'My training record');
    await page.getByText('1 session attended; its minutes present were not recorded.').waitFor();
    expect(await page.getByText(/0 minutes in all/).count()).toBe(0);
    await page.getByRole('cell', { name: 'not recorded' }).waitFor();
    await checkPage(page, 'a training record with minutes not recorded (320 px)');

    // A second session, with its minutes: the total is of those known, and says how many are not.
    expect((await t.request('PUT', `/api/sessions/${online.id}/attendance/${onlineBooking}`, { as: online.trainer, body: { attended: true, minutes: 45 } })).status).toBe(200);
    await page.reload();
    await page.getByText('2 sessions attended, 45 minutes in all, and 1 session whose minutes were not recorded.').waitFor();
    await checkPage(page, 'a training record with some minutes not recorded (320 px)');

    // A person's record on People says the same.
    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(adminPage, admin, '/admin/people', 'People', { nav: 'People' });
    await tabTo(adminPage, 'Name or email');
    await adminPage.keyboard.type('Noor Handtick');
    await adminPage.keyboard.press('Enter');
    const card = adminPage.getByRole('listitem').filter({ has: adminPage.getByRole('heading', { name: 'Noor Handtick' }) });
    await card.waitFor();
    await activate(adminPage, 'Training record: Noor Handtick');
    const record = card.getByRole('region', { name: /^Training record ?: Noor Handtick$/ });
    await record.getByText('2 sessions attended, 45 minutes in all, and 1 session whose minutes were not recorded.').waitFor();
    await checkPage(adminPage, 'a person’s training record with some minutes not recorded (320 px)');

    // The certificate of the online session, checked in public: its time (in England, the zone named) and length, as printed.
    expect((await t.request('GET', `/api/bookings/${onlineBooking}/certificate.pdf`, { as: noor })).status).toBe(200);
    const { code } = await t.db.selectFrom('certificates').select('code').where('booking_id', '=', onlineBooking).executeTakeFirstOrThrow();
    await adminPage.goto(`/verify/${code}`);
    await adminPage.getByRole('heading', { level: 1, name: 'Certificate is genuine' }).waitFor();
    const fact = (term: string) => adminPage.locator(`dt:text-is("${term}") + dd`).innerText();
    const range = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(await fact('Time')).toMatch(new RegExp(`^${range.format(new Date(online.startsAt))} to ${range.format(new Date(online.endsAt))} (GMT|BST)$`));
    expect(await fact('Length of session')).toBe('60 minutes');
    expect(await fact('Minutes attended')).toBe('45');
    await checkPage(adminPage, 'a certificate’s public check with its time (320 px)');
  });

  it('the list leaves out sessions ended today, says a hybrid session fits only if joined online, and says nothing of the timetable for a session over, by keyboard at 320 px', async () => {
    const { t } = env.server;
    // Two in the afternoon in England, today.
    const at = daysFromNow(0, 14);
    t.clock.set(at);
    const org = await t.org('Aspen Primary');
    const teacher = await t.user('staff', org.id, 'Tara Timetabled');
    const ended = await t.session({ title: 'Morning briefing over', startsAt: plusMinutes(at, -300), endsAt: plusMinutes(at, -240), capacity: { online: 5 } });
    // A lesson until 15 minutes before it starts: online it fits, in person (30 minutes to travel) it clashes.
    const hybrid = await t.session({ title: 'After school hybrid', mode: 'hybrid', venue: 'Town Hall, Leeds', startsAt: plusMinutes(at, 90), endsAt: plusMinutes(at, 150), capacity: { inPerson: 10, online: 10 } });
    const later = await t.session({ title: 'Evening online', startsAt: plusMinutes(at, 180), endsAt: plusMinutes(at, 240), capacity: { online: 5 } });
    const lesson = (from: string, to: string, label: string) => `${inEngland(from).day},${inEngland(from).time},${inEngland(to).time},${label}`;
    const csv = ['day,start,end,label', lesson(ended.startsAt, ended.endsAt, 'Year 5 maths'), lesson(at, plusMinutes(at, 75), 'Class 4 afternoon')].join('\n');
    expect((await t.request('PUT', '/api/me/timetable', { as: teacher, headers: { 'content-type': 'text/csv' }, body: csv })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, teacher, '/sessions', 'Sessions');
    const card = (title: string) => page.getByRole('article', { name: title });
    await card(hybrid.title).waitFor();
    await card(later.title).waitFor();
    // From today: what has not ended yet, so the session over this morning is not first (nor listed).
    expect(await card(ended.title).count()).toBe(0);
    await page.getByText('Showing 1 to 2 of 2 sessions.', { exact: false }).waitFor();
    const fit = async (title: string) => (await card(title).locator('dt:text-is("Your timetable") + dd').innerText()).replace(/\s+/g, ' ');
    const hybridFit = await fit(hybrid.title);
    expect(hybridFit).toMatch(/^Fits if you join online\. In person it clashes with your timetable \(allowing 30 minutes to travel\): Class 4 afternoon \(/);
    expect(await fit(later.title)).toBe('Fits your timetable');
    await checkPage(page, 'the session list from today, with a timetable (320 px)');

    // Only sessions that fit: the hybrid one is there (it fits online), saying so.
    await activate(page, 'More filters: dates, area, mode, course, timetable');
    await tabTo(page, 'Only sessions that fit my timetable');
    await page.keyboard.press('Space');
    await activate(page, 'Show sessions');
    await page.waitForURL(/fits=me/);
    await page.getByText('Showing 1 to 2 of 2 sessions.', { exact: false }).waitFor();
    expect(await fit(hybrid.title)).toBe(hybridFit);
    expect(await card(ended.title).count()).toBe(0);
    await checkPage(page, 'the session list, only those that fit (320 px)');

    // Looking back (From yesterday): the session over is listed as closed, with no timetable note.
    const yesterday = new Date(Date.parse(at) - 24 * 3600_000).toISOString().slice(0, 10);
    await page.goto(`/sessions?from=${yesterday}`);
    await card(ended.title).waitFor();
    await card(ended.title).getByText('Closed: this session has ended.').waitFor();
    expect(await card(ended.title).getByText(/timetable|Year 5 maths/).count()).toBe(0);
    expect(await fit(hybrid.title)).toBe(hybridFit);
    await checkPage(page, 'the session list looking back (320 px)');

    // Its own page: the online seat, the one that fits, chosen first; choosing in person shows the clash, and that it fits online.
    await activate(page, hybrid.title);
    await page.getByRole('heading', { level: 1, name: hybrid.title }).waitFor();
    const note = page.locator('dd', { hasText: /your timetable/i });
    await expect.poll(() => page.getByRole('radio', { name: /^Online/ }).isChecked()).toBe(true);
    await expect.poll(async () => (await note.innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^Fits your timetable/);
    await page.getByRole('radio', { name: /^Online/ }).focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.getByRole('radio', { name: /^In person/ }).isChecked()).toBe(true);
    await expect.poll(async () => (await note.innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^Clashes with your timetable \(allowing 30 minutes to travel\): Class 4 afternoon \([^)]*\)\. It fits if you join online\.$/);
    await checkPage(page, 'a hybrid session that fits only online, in-person seat chosen (320 px)');
    // A session over shows no timetable note on its page either.
    await page.goto(`/sessions/${ended.id}`);
    await page.getByRole('heading', { level: 1, name: ended.title }).waitFor();
    expect(await page.locator('dt', { hasText: 'Your timetable' }).count()).toBe(0);
  });
  it('turning the default list’s pages keeps the moment it was first read: the next page starts where the first ended, though minutes pass', async () => {
    const { t } = env.server;
    const teacher = await t.user('staff', (await t.org()).id, 'Pat Pager');
    for (let i = 0; i < 12; i++) await t.session({ title: `Paged session ${String(i).padStart(2, '0')}`, startsAt: plusMinutes(daysFromNow(3), i * 90), endsAt: plusMinutes(daysFromNow(3), i * 90 + 60) });
    const page = await newPage(env.browser, env.server, NARROW);
    await page.clock.install({ time: new Date(t.clock.now()) });
    const froms: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/sessions' && u.searchParams.has('offset')) froms.push(`${u.searchParams.get('offset')}:${u.searchParams.get('from')}`);
    });
    await signInTo(page, teacher, '/sessions', 'Sessions');
    await page.getByRole('link', { name: 'Next page' }).first().waitFor();
    // Minutes pass before the next page is asked for (a session could end meanwhile).
    await page.clock.fastForward(5 * 60_000);
    await tabTo(page, 'Next page', { max: 200 });
    await page.keyboard.press('Enter');
    await expect.poll(() => froms.filter((f) => f.startsWith('10:')).length).toBeGreaterThan(0);
    const [first] = froms.filter((f) => f.startsWith('0:'));
    const [second] = froms.filter((f) => f.startsWith('10:'));
    expect(second!.slice(3)).toBe(first!.slice(2));
  });
});
