/**
 * The session form's choices beyond time and place, in a real browser: who runs the session
 * (an administrator chooses; a trainer publishes as themselves, adding co-trainers by name:
 * test/browser/co-trainers.test.ts), the online room's kind, the
 * attendance needed and how long an offered seat is held. Flows run by keyboard at 320 CSS
 * px; every page is checked with axe-core and for sideways scrolling.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped, NARROW, typeInto } from './harness.js';

warnIfSkipped(import.meta.url);

/** Tabs to a field and types into it (replacing what is there). */

describe.skipIf(!browserAvailable)('session form: trainers, room, attendance needed and offer hold', () => {
  const env = serverAndBrowser();

  it('an administrator publishes a session choosing its trainer, a workshop room, 80% attendance and a 30-minute offer hold (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const tara = await t.user('trainer', null, 'Tara Trainer');
    await t.user('trainer', null, 'Omar Other');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await page.getByRole('group', { name: 'Trainers' }).waitFor();
    // No seat is offered for a limited time yet, so how long is not asked.
    expect(await page.locator('#offer-hold').count()).toBe(0);
    await checkPage(page, 'new session page (administrator)');

    await tabTo(page, 'Title');
    await page.keyboard.type('Co-regulation in the classroom');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(12).slice(0, 10)); // the field's own date format depends on the browser's
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1730');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'When a seat frees up');
    await page.keyboard.type('Offer');
    expect(await page.locator('#policy').inputValue()).toBe('offer');
    await typeInto(page, 'How long an offered seat is held (minutes)', '30');

    // Advanced: a workshop room, and an attendance needed out of range first.
    await activate(page, /^Advanced: webinar room, attended at 75%$/);
    await tabTo(page, 'Webinar: only trainers speak; others listen unless a trainer invites them to speak'); // the checked radio; arrows choose
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Workshop: everyone may speak').isChecked()).toBe(true);
    await typeInto(page, 'Attendance needed (%)', '150');
    expect(await page.locator('details.advanced > summary').innerText()).toBe('Advanced: workshop room, attended at 150%');
    await checkPage(page, 'new session page with the advanced settings open');
    // Folded away again: the refusal opens it, so its link reaches the field.
    await activate(page, /^Advanced:/, { back: true });
    expect(await page.locator('details.advanced').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);

    // Nobody chosen to run it, and 150%: both refused in the summary; nothing is created.
    await activate(page, 'Publish session');
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: 'Choose at least one trainer to run this session' }).waitFor();
    await summary.getByRole('link', { name: 'Attendance needed must be a percentage from 0 to 100, such as 75' }).waitFor();
    await expectFocused(page, '.error-summary');
    // Opened as the refusal renders (an effect of it), so asked until it has.
    await expect.poll(() => page.locator('details.advanced').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect((await t.request('GET', '/api/sessions?limit=100', { as: admin })).json.items.filter((s: any) => s.title === 'Co-regulation in the classroom')).toEqual([]);
    await checkPage(page, 'new session page refusing no trainer and 150%');

    await activate(page, 'Attendance needed must be a percentage from 0 to 100, such as 75');
    await expectFocused(page, '#threshold');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('80');
    await tabTo(page, 'Choose at least one trainer to run this session', { back: true });
    await page.keyboard.press('Enter');
    await expectFocused(page, '#trainers');
    expect(await page.locator('#trainers').getAttribute('aria-describedby')).toBeNull(); // described through its fieldset
    expect(await page.getByRole('group', { name: 'Trainers' }).getAttribute('aria-describedby')).toBe('trainers-hint trainers-error');
    await tabTo(page, 'Tara Trainer');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Tara Trainer').isChecked()).toBe(true);
    expect(await page.getByLabel('Omar Other').isChecked()).toBe(false);
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Co-regulation in the classroom' }).waitFor();

    const id = new URL(page.url()).pathname.split('/').pop()!;
    const s = (await t.request('GET', `/api/sessions/${id}`, { as: admin })).json;
    expect(s).toMatchObject({ trainerIds: [tara.id], roomKind: 'workshop', attendanceThreshold: 0.8, waitlistPolicy: 'offer', offerHoldMinutes: 30 });
    // Tara runs it: it is in her sessions.
    const hers = (await t.request('GET', '/api/me/sessions', { as: tara })).json.items.map((i: any) => i.session.id);
    expect(hers).toContain(id);

    // The edit page shows what was chosen, and a save that changes none of it keeps it.
    await page.goto(`/trainer/sessions/${id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Co-regulation in the classroom' }).waitFor();
    await page.getByLabel('Tara Trainer').waitFor();
    expect(await page.getByLabel('Tara Trainer').isChecked()).toBe(true);
    expect(await page.getByLabel('How long an offered seat is held (minutes)').inputValue()).toBe('30');
    expect(await page.locator('details.advanced > summary').innerText()).toBe('Advanced: workshop room, attended at 80%');
    expect(await page.locator('#threshold').inputValue()).toBe('80');
    expect(await page.locator('#room-workshop').isChecked()).toBe(true);
    await checkPage(page, 'edit page (administrator)');
    await activate(page, 'Save changes');
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${id}`, { as: admin })).json).toMatchObject({ trainerIds: [tara.id], roomKind: 'workshop', attendanceThreshold: 0.8, offerHoldMinutes: 30 });
    await page.context().close();
  });

  it('a co-trainer added on the edit page sees the session in My sessions and edits it; the trainers are kept (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const tara = await t.user('trainer', null, 'Tara Lead');
    const cole = await t.user('trainer', null, 'Cole Second');
    const start = daysFromNow(14);
    const s = await t.session({ title: 'Speech and language needs', startsAt: start, endsAt: plusMinutes(start, 60) }, tara);
    expect(s.trainerIds).toEqual([tara.id]);

    // An administrator adds Cole as co-trainer, by keyboard.
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Speech and language needs' }).waitFor();
    await page.getByLabel('Cole Second').waitFor();
    expect(await page.getByLabel('Tara Lead').isChecked()).toBe(true);
    await tabTo(page, 'Cole Second');
    await page.keyboard.press('Space');
    await activate(page, 'Save changes');
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: admin })).json.trainerIds.sort()).toEqual([tara.id, cole.id].sort());
    await checkPage(page, 'edit page after adding a co-trainer');
    await page.context().close();

    // Cole sees it in My sessions and edits it: a trainer's form lists Tara as co-trainer, and a save keeps both.
    const co = await newPage(env.browser, env.server, NARROW);
    await signInTo(co, cole, '/trainer/sessions', 'My sessions', { nav: 'My sessions' });
    await co.getByRole('article', { name: 'Speech and language needs' }).waitFor();
    await checkPage(co, 'the co-trainer’s sessions');
    await activate(co, 'Edit or cancel');
    await co.getByRole('heading', { level: 1, name: 'Edit: Speech and language needs' }).waitFor();
    await co.getByLabel('Tara Lead').waitFor();
    expect(await co.getByLabel('Tara Lead').isChecked()).toBe(true);
    await activate(co, /^Advanced: webinar room, attended at 75%$/);
    await tabTo(co, 'Webinar: only trainers speak; others listen unless a trainer invites them to speak');
    await co.keyboard.press('ArrowDown');
    await typeInto(co, 'Attendance needed (%)', '60');
    await checkPage(co, 'the co-trainer’s edit page with the advanced settings open');
    await co.keyboard.press('Enter');
    await co.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    const after = (await t.request('GET', `/api/sessions/${s.id}`, { as: admin })).json;
    expect(after).toMatchObject({ roomKind: 'workshop', attendanceThreshold: 0.6, offerHoldMinutes: 1440 });
    expect(after.trainerIds.sort()).toEqual([tara.id, cole.id].sort());
    await co.context().close();
  });

  it('a trainer publishes as themselves: no box to untick themselves, and an offer hold below 5 minutes is refused beside its field (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await page.locator('#course').waitFor();
    await page.getByRole('group', { name: 'Trainers' }).waitFor();
    expect(await page.locator('input[type=checkbox][name=trainers]').count()).toBe(0);
    await typeInto(page, 'Title', 'Dyslexia: first steps');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(15).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '12');
    await tabTo(page, 'When a seat frees up');
    await page.keyboard.type('Offer');
    await typeInto(page, 'How long an offered seat is held (minutes)', '2');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'How long an offered seat is held must be a whole number of minutes from 5 to 20160 (14 days)' }).waitFor();
    expect(await page.locator('#offer-hold').getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'new session page refusing a 2-minute offer hold');
    await typeInto(page, 'How long an offered seat is held (minutes)', '45');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Dyslexia: first steps' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect((await t.request('GET', `/api/sessions/${id}`, { as: trainer })).json).toMatchObject({ trainerIds: [trainer.id], roomKind: 'webinar', attendanceThreshold: 0.75, offerHoldMinutes: 45 });
    await page.context().close();
  });

  it('a session published at times already past (to record one that took place) is said to be published but not open for booking; the cut-off’s hint says when an empty one closes it (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await page.locator('#course').waitFor();
    expect(await page.locator('#closes-date-hint').innerText()).toBe('Empty: booking stays open until the session ends. Anyone who books too late to be there for the attendance needed is warned first that it will not count (with 75% needed, that is more than 15 minutes into a one-hour session).');
    await typeInto(page, 'Title', 'Recorded afterwards');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(-3).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '12');
    await page.keyboard.press('Enter');
    // A start in the past is asked about first (probably a typo); recorded afterwards on purpose, it is published anyway.
    await page.getByRole('group', { name: 'This session would start in the past' }).waitFor();
    await activate(page, 'Publish anyway');
    await page.getByRole('heading', { level: 1, name: 'Recorded afterwards' }).waitFor();
    await page.locator('#published-status').filter({ hasText: 'Published: “Recorded afterwards” is not open for booking: its booking has closed.' }).waitFor();
    await checkPage(page, 'a session published in the past');
  });

  it('both booking cut-off fields say they are optional, as the form’s other optional fields do; a cut-off typed into them is kept (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await page.locator('#course').waitFor();
    await typeInto(page, 'Title', 'Precision teaching');
    const day = daysFromNow(15).slice(0, 10);
    const before = daysFromNow(13).slice(0, 10);
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(day); // the field's own format depends on the browser's
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '12');
    // A time with no date is not thrown away (the session published with no cut-off): refused, asking for the date.
    await tabTo(page, 'Booking closes at (optional)');
    await page.getByLabel('Booking closes at (optional)').fill('12:00');
    await activate(page, 'Publish session', { back: false });
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).getByRole('link', { name: 'Enter the date booking closes on as well as the time, or clear the time' }).waitFor();
    expect(await page.locator('#closes-date').getAttribute('aria-invalid')).toBe('true');
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    await page.getByLabel('Booking closes at (optional)').fill('');
    await tabTo(page, 'Booking closes on (optional)', { back: true });
    await page.getByLabel('Booking closes on (optional)').fill(before);
    // A date with no time is not taken as midnight at its start (booking closing a day before it
    // seems to): refused, asking for the time.
    await activate(page, 'Publish session');
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).getByRole('link', { name: 'Enter the time booking closes on that date, such as 17:00, or clear the date' }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    await checkPage(page, 'new session page with a cut-off date and no time');
    // Before, this field alone was "Booking closes at", although it may be left empty too.
    await tabTo(page, 'Booking closes at (optional)');
    await page.getByLabel('Booking closes at (optional)').fill('12:00');
    const optional = await page.locator('#closes-date, #closes-time').evaluateAll((els) => els.map((el) => document.querySelector(`label[for="${el.id}"]`)!.textContent));
    expect(optional).toEqual(['Booking closes on (optional)', 'Booking closes at (optional)']);
    await checkPage(page, 'new session page with a booking cut-off');
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Precision teaching' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const closes = (await t.request('GET', `/api/sessions/${id}`, { as: trainer })).json.bookingClosesAt;
    expect(new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/London' }).format(new Date(closes))).toBe(`${before.slice(8, 10)}/${before.slice(5, 7)}/${before.slice(0, 4)}, 12:00`);
    await page.context().close();
  });

  it('a trust audience when no trust or local authority exists yet: the picker says there are none to choose from, not that none matches a search not yet typed (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    await t.org('Willow Primary'); // a school: not offered for a trust audience
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    // The radios are one stop: arrows choose among them.
    await tabTo(page, 'Everyone in the programme', { max: 120 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('A trust or local authority and all its schools (in-house)').isChecked()).toBe(true);
    const count = page.locator('#audience-org-count');
    // With the search field still empty, it says there is nothing to choose, not that nothing matches.
    await count.filter({ hasText: 'There are no organisations to choose from.' }).waitFor();
    expect(await page.getByLabel('Find trust or local authority by name or URN').inputValue()).toBe('');
    expect(await page.locator('#audience-org option').allInnerTexts()).toEqual(['Choose…']);
    await checkPage(page, 'new session, a trust audience with no trust to choose');
    // A search that finds nothing says so, naming the search it answers; cleared, the whole
    // list is back at once, and the picker says again that there is none to choose from.
    await tabTo(page, 'Find trust or local authority by name or URN');
    await page.keyboard.type('Willow');
    await count.filter({ hasText: 'No organisation matches “Willow”.' }).waitFor();
    await checkPage(page, 'new session, a trust audience search that finds nothing');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await count.filter({ hasText: 'There are no organisations to choose from.' }).waitFor();
    await page.context().close();
  });

  it('a course its trainer may not run is refused beside the Course field, marked and read with it, not only in the summary (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const [trainer, other] = [await t.user('trainer', null, 'Tess Notlisted'), await t.user('trainer', null, 'Otto Listed')];
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Listed-only course' } })).json as { id: string };
    expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [other.id] } })).status).toBeLessThan(300);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(page, 'Title', 'Course refused at its field');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(16).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '12');
    await page.locator('#course').selectOption(course.id);
    await tabTo(page, 'Publish session');
    await page.keyboard.press('Enter');
    const error = page.locator('#course-error');
    await error.filter({ hasText: 'may not run sessions of this course' }).waitFor();
    expect(await page.locator('#course').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#course').getAttribute('aria-describedby')).toContain('course-error');
    await checkPage(page, 'new session refused for its course (320 px)');
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
  });

  it('publishing that fails for a reason about no field (the network) is said above the button with Try again, not as a Title error; trying again publishes (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Nell Network');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(page, 'Title', 'Published after a dropped connection');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(17).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '12');
    let failing = true;
    await page.route('**/api/sessions', (route) => (failing && route.request().method() === 'POST' ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue()));
    await tabTo(page, 'Publish session');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' });
    await alert.waitFor();
    expect(await page.locator('#title').getAttribute('aria-invalid')).not.toBe('true');
    expect(await page.locator('.error-summary').count()).toBe(0);
    await checkPage(page, 'new session: publishing failed for no field (320 px)');
    failing = false;
    await activate(page, 'Try again', { back: true });
    await page.getByRole('heading', { level: 1, name: 'Published after a dropped connection' }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(1);
  });

  it('moving a booked session’s date or start moves its booking cut-off on the page, as it is saved; a move to times already over is refused beside the start (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Carys Cutoff');
    const s = await t.session({ title: 'Phonics catch-up', mode: 'online', startsAt: daysFromNow(20), endsAt: plusMinutes(daysFromNow(20), 60), bookingClosesAt: daysFromNow(19, 11), capacity: { online: 10 } }, trainer);
    const staff = await t.user('staff');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Phonics catch-up' }).waitFor();
    const shown = async () => ({ date: await page.locator('#date').inputValue(), start: await page.locator('#start').inputValue(), closesDate: await page.locator('#closes-date').inputValue(), closesTime: await page.locator('#closes-time').inputValue() });
    const before = await shown();
    const day = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const hourEarlier = (time: string) => `${String(Number(time.slice(0, 2)) - 1).padStart(2, '0')}${time.slice(3)}`;

    // Ten days earlier: before its old cut-off, which moves with it (refused as after the end, before).
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(day(before.date, -10)); // the field's own format depends on the browser's
    expect(await shown()).toEqual({ ...before, date: day(before.date, -10), closesDate: day(before.closesDate, -10) });
    // An hour earlier: so is the cut-off (the server moves one it is not given by the start's move).
    await typeInto(page, 'Start time', hourEarlier(before.start).replace(':', ''));
    const moved = await shown();
    expect(moved).toEqual({ date: day(before.date, -10), start: `${hourEarlier(before.start).slice(0, 2)}:${before.start.slice(3)}`, closesDate: day(before.closesDate, -10), closesTime: `${hourEarlier(before.closesTime).slice(0, 2)}:${before.closesTime.slice(3)}` });
    await activate(page, /^Save/);
    await activate(page, 'Save and tell 1 person');
    await page.getByRole('status').filter({ hasText: 'Changes saved. 1 person has been told.' }).waitFor();
    const saved = (await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json;
    const london = (iso: string) => new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/London' }).format(new Date(iso));
    expect(london(saved.bookingClosesAt)).toBe(`${moved.closesDate} ${moved.closesTime}`);
    expect(london(saved.startsAt)).toBe(`${moved.date} ${moved.start}`);

    // A year mistyped: a session not begun, with someone on it, is not moved to times already over.
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(day(moved.date, -365));
    await activate(page, /^Save/);
    const message = '1 person is booked on or waiting for this session, which has not ended, and the new times are already over: no one would be told, and anyone booked would be recorded absent. Check the date and times; if it ended early, change only its end.';
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).getByRole('link', { name: `Start time: ${message}` }).waitFor();
    expect(await page.locator('#start-error').innerText()).toContain(message);
    expect(await page.locator('#start').getAttribute('aria-invalid')).toBe('true');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.startsAt).toBe(saved.startsAt);
    expect((await t.request('GET', '/api/me/bookings', { as: staff })).json.items[0].status).toBe('confirmed');
    await checkPage(page, 'edit page refusing a move into times already over');
  });

  it('the cut-off follows a start retyped in pieces (the date cleared while the time changes), and a moved cut-off never falls after the end (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await page.locator('#course').waitFor();
    const day = (n: number) => daysFromNow(n).slice(0, 10);
    const date = page.getByLabel('Date', { exact: true });
    await tabTo(page, 'Date');
    await date.fill(day(20));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await tabTo(page, 'Booking closes on (optional)');
    await page.getByLabel('Booking closes on (optional)').fill(day(19));
    await tabTo(page, 'Booking closes at (optional)');
    await page.getByLabel('Booking closes at (optional)').fill('12:00');
    const cutOff = async () => [await page.locator('#closes-date').inputValue(), await page.locator('#closes-time').inputValue()];
    // The date cleared, the start changed twice, then a date a week later: the cut-off moves a week and two hours.
    await tabTo(page, 'Date', { back: true });
    await date.fill('');
    await page.getByLabel('Start time').fill('17:00');
    await page.getByLabel('Start time').fill('18:00');
    await page.getByLabel('End time').fill('19:00');
    await tabTo(page, 'Date', { back: true });
    await date.fill(day(27));
    expect(await cutOff()).toEqual([day(26), '14:00']);
    // Booking closing within the session, then the start moved later than that allows: the cut-off stops at the end.
    await page.getByLabel('Booking closes on (optional)').fill(day(27));
    await page.getByLabel('Booking closes at (optional)').fill('18:30');
    await page.getByLabel('Start time').fill('18:45');
    expect(await cutOff()).toEqual([day(27), '19:00']);
    await checkPage(page, 'new session page with a moved cut-off');
  });

  it('an edit refused for now (too many changes of its time or place this hour) says how long to wait, with no Try again, and keeps what was typed (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Vera Venue');
    const s = await t.session({ title: 'Venue hopping', mode: 'in_person', venue: 'Hall', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { inPerson: 10, online: 0 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    let patches = 0;
    const message = 'There have been too many changes of this session that email the people booked. Please wait 42 minutes and try again. Nothing was changed.';
    await page.route(`**/api/sessions/${s.id}`, (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      patches++;
      return route.fulfill({ status: 429, headers: { 'retry-after': '2520' }, contentType: 'application/json', body: JSON.stringify({ error: { code: 'rate_limited', message } }) });
    });
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Venue hopping' }).waitFor();
    await typeInto(page, 'Venue', 'Room 21');
    await activate(page, /^Save/);
    await page.getByRole('alert').filter({ hasText: message }).waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await page.getByLabel('Venue').inputValue()).toBe('Room 21');
    expect(patches).toBe(1);
    await checkPage(page, 'edit session refused for now (320 px)');
  });
});
