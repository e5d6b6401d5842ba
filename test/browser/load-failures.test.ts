/**
 * When what a page loads does not come, the page says so in words and offers "Try again"
 * (web/src/load.tsx), and a refresh that fails never takes away what is already on screen.
 * Each case below was seen to fail before these pages used the shared path: the account
 * page said "Loading…" for ever, the register's table vanished behind an error when a
 * refresh failed, the live room's trainer panel said "No one has been removed" when it
 * could not ask, the sign-in page silently left out the school sign-in buttons, and a
 * failed first question to the server ("who is signed in?") left the whole app on an error
 * with no heading and no way on but reloading. And when a form's answer is lost after the
 * service did what it asked (a proxy's 502 in its place), "Try again" sends the same
 * Idempotency-Key, so a series is published, and everyone emailed, once.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers.js';
import { activate, browserAvailable, daysFromNow, expectNoAxeViolations, newPage, plusMinutes, signInAt, signInTo, tabTo, typeInto, warnIfSkipped, serverAndBrowser, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** Answers like the service does when something broke on its side (not a network failure, so nothing retries by itself). */
const broken = (route: Route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) });

/** axe-clean, and nothing scrolls sideways at 320 CSS px. */
async function checkPage(page: Page, what: string) {
  await expectNoAxeViolations(page, what);
  // What sticks out past the right edge, if anything (outside the scrollable table regions).
  const over = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')].filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > width + 0.5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
  });
  expect(over, `${what} scrolls sideways`).toEqual([]);
}

/** "Try again" by keyboard alone: Tab from the page's heading to the first such button, then Enter. */
async function tryAgainByKeyboard(page: Page) {
  await page.getByRole('heading', { level: 1 }).focus();
  await tabTo(page, 'Try again');
  await page.keyboard.press('Enter');
}

/** A proxy's answer when the service's never reached it (not the service's own words: an HTML page). */
const badGateway = (route: Route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });

/**
 * Passes every POST to `pattern` to the service, but throws the first one's answer away and
 * answers 502 in its place, as a proxy does when the service's answer does not reach it in
 * time; records each POST's Idempotency-Key, the service's status and whether it replayed.
 */
async function loseFirstAnswer(page: Page, pattern: string) {
  const sent: { key: string | undefined; status: number; replayed: string | undefined }[] = [];
  await page.route(pattern, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const key = route.request().headers()['idempotency-key'];
    const answer = await route.fetch();
    sent.push({ key, status: answer.status(), replayed: answer.headers()['idempotent-replayed'] });
    return sent.length === 1 ? badGateway(route) : route.fulfill({ response: answer });
  });
  return sent;
}

/** Fails GETs of `pattern` while `failing()` is true; everything else goes through. */
async function failWhile(page: Page, pattern: string | ((u: URL) => boolean), failing: () => boolean) {
  await page.route(pattern, (route) => (route.request().method() === 'GET' && failing() ? broken(route) : route.continue()));
}

describe.skipIf(!browserAvailable)('pages whose data fails to load', () => {
  const env = serverAndBrowser();

  it('my account: how I sign in fails to load, says so with Try again, and comes when tried again', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff);
    let failing = true;
    await failWhile(page, '**/api/me/sign-in-methods', () => failing);
    await page.goto('/account');
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' });
    await alert.waitFor();
    expect(await page.getByText('With your email address and password').count()).toBe(0);
    await checkPage(page, 'account page when how you sign in did not load');
    failing = false;
    await tryAgainByKeyboard(page);
    await page.getByText('With your email address and password').waitFor();
    await alert.waitFor({ state: 'detached' });
    // The button pressed has gone with the failure: focus is at the heading of what came, not on nothing.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('How you sign in');
  });

  it('the register: a refresh that fails keeps the table on screen with Try again; the check-in code panel recovers', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan School');
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const ben = await t.user('staff', org.id, 'Ben Okafor');
    const s = await t.session({ title: 'Sensory needs', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-10), endsAt: minutesFromNow(50), capacity: { inPerson: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);

    let attendanceFails = false;
    let codeFails = true;
    await failWhile(page, `**/api/sessions/${s.id}/attendance`, () => attendanceFails);
    await failWhile(page, `**/api/sessions/${s.id}/checkin-code`, () => codeFails);
    await page.goto(`/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Sensory needs' }).waitFor();

    // The code did not come: said in its panel, with Try again; the register loads regardless.
    const codePanel = page.getByRole('region', { name: 'Check-in code' });
    const codeAlert = codePanel.getByRole('alert');
    await codeAlert.waitFor();
    await page.getByRole('rowheader', { name: 'Ben Okafor' }).waitFor();
    await checkPage(page, 'register page without its code');
    codeFails = false;
    await tryAgainByKeyboard(page);
    await codePanel.locator('.checkin-code').waitFor();
    await codeAlert.waitFor({ state: 'detached' });

    // The tick is saved, but the register read after it fails: the table stays, with the failure above it.
    attendanceFails = true;
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Ben Okafor attended');
    await page.keyboard.press('Space');
    const registerPanel = page.getByRole('region', { name: 'Register', exact: true });
    const registerAlert = registerPanel.getByRole('alert').filter({ hasText: 'Something went wrong on our side' });
    await registerAlert.waitFor();
    expect(await page.getByRole('rowheader', { name: 'Ben Okafor' }).isVisible()).toBe(true);
    await checkPage(page, 'register page after a failed refresh');
    attendanceFails = false;
    await tryAgainByKeyboard(page);
    await page.getByText(/Marked present by Rita Trainer/).waitFor();
    await registerAlert.waitFor({ state: 'detached' });
    expect(await page.getByRole('checkbox', { name: 'Ben Okafor attended' }).isChecked()).toBe(true);
    await page.context().close();
  });

  it('the register on a computer whose clock runs five minutes fast still shows the server’s check-in code (only a failed refresh hides an expired one)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const s = await t.session({ title: 'Clock drift', mode: 'in_person', venue: 'Hall', startsAt: minutesFromNow(-10), endsAt: minutesFromNow(50), capacity: { inPerson: 5 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);
    await page.clock.setFixedTime(new Date(Date.now() + 5 * 60_000));
    await page.goto(`/sessions/${s.id}/register`);
    const shown = page.getByRole('region', { name: 'Check-in code' }).locator('.checkin-code');
    await shown.waitFor();
    // By its own clock the code expired minutes ago; the page goes on showing it (it times codes by the server's clock).
    await page.waitForTimeout(2500);
    expect(await shown.isVisible()).toBe(true);
    // The server's current code (asked again should the minute turn between the two reads).
    const current = async () => ((await t.request('GET', `/api/sessions/${s.id}/checkin-code`, { as: trainer })).json.code as string);
    await expect.poll(async () => (await shown.innerText()).replace(/\D/g, '') === (await current()), { timeout: 5000 }).toBe(true);
    await page.context().close();
  });

  it('the trainer’s room page: who may join and attendance that did not load are not shown as empty, and come on Try again', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Nursery');
    const trainer = await t.user('trainer', null, 'Tom Trainer');
    const dee = await t.user('staff', org.id, 'Dee Morgan');
    const s = await t.session({ title: 'Webinar on autism', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: dee, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);
    let failing = true;
    await failWhile(page, `**/api/sessions/${s.id}/live/removed`, () => failing);
    await failWhile(page, `**/api/sessions/${s.id}/attendance`, () => failing);
    await page.goto(`/sessions/${s.id}/room`);
    await page.getByRole('heading', { level: 1, name: 'Live room: Webinar on autism' }).waitFor();
    const who = page.getByRole('region', { name: 'Who may join' });
    const attendance = page.getByRole('region', { name: 'Attendance' });
    await who.getByRole('alert').filter({ hasText: 'Something went wrong on our side' }).waitFor();
    await attendance.getByRole('alert').filter({ hasText: 'Something went wrong on our side' }).waitFor();
    // Not "No one has been removed": that was not known.
    expect(await who.getByText('No one has been removed.').count()).toBe(0);
    expect(await who.getByText('The room is open to everyone booked online.').count()).toBe(0);
    await checkPage(page, 'trainer room page when its panels did not load');
    failing = false;
    await tryAgainByKeyboard(page);
    await who.getByText('No one has been removed.').waitFor();
    await tryAgainByKeyboard(page);
    await attendance.getByRole('rowheader', { name: 'Dee Morgan' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' }).count()).toBe(0);
    await page.context().close();
  });

  it('the sign-in page: school sign-ins that did not load are said to be missing, with Try again; password sign-in still works', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await failWhile(page, '**/api/auth/oidc/providers', () => failing);
    await page.goto('/signin');
    await page.getByText('The ways to sign in with a school account could not be loaded.').waitFor();
    await checkPage(page, 'sign-in page when school sign-ins did not load');
    failing = false;
    await tryAgainByKeyboard(page);
    // This server has no school sign-ins: once asked, nothing about them is shown.
    await page.getByText('The ways to sign in with a school account could not be loaded.').waitFor({ state: 'detached' });
    expect(await page.getByRole('heading', { name: 'Sign in with your school account' }).count()).toBe(0);
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Email address');
    await page.keyboard.type(staff.email);
    await tabTo(page, 'Password');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.context().close();
  });

  it('signing in that fails for a reason about neither field is said above the button, not as an email error: the service failing (with Try again, which signs in), and an account turned off (no Try again) (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org();
    const staff = await t.user('staff', org.id);
    const off = await t.user('staff', org.id);
    await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', off.id).execute();
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route('**/api/auth/login', (route) => (failing ? broken(route) : route.continue()));
    await page.goto('/signin');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await tabTo(page, 'Email address');
    await page.keyboard.type(staff.email);
    await tabTo(page, 'Password');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor();
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('.error-summary').count()).toBe(0);
    await checkPage(page, 'sign-in page, the service failed');
    failing = false;
    await tryAgainByKeyboard(page);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();

    const second = await newPage(env.browser, env.server, NARROW);
    await second.goto('/signin');
    await second.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await tabTo(second, 'Email address');
    await second.keyboard.type(off.email);
    await tabTo(second, 'Password');
    await second.keyboard.type(TEST_PASSWORD);
    await second.keyboard.press('Enter');
    await second.getByRole('alert').filter({ hasText: /turned off/ }).waitFor();
    expect(await second.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await second.locator('#email').getAttribute('aria-invalid')).toBeNull();
    await checkPage(second, 'sign-in page, an account turned off');
    await page.context().close();
    await second.context().close();
  });

  it('courses and a trust office’s schools that did not load are said to be missing with Try again, not shown as none: the session list’s Course filter, Book staff of, the school calendar (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    await t.request('POST', '/api/courses', { as: admin, body: { title: 'Loadfail course' } });
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Loadfail Trust', kind: 'trust' } })).json;
    for (const name of ['Loadfail North', 'Loadfail South']) await t.request('POST', '/api/orgs', { as: admin, body: { name, parentId: trust.id } });
    const office = await t.user('office', trust.id, 'Lou Loadfail');
    const s = await t.session({ title: 'Loadfail session', startsAt: minutesFromNow(60 * 24 * 5), endsAt: minutesFromNow(60 * 24 * 5 + 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await failWhile(page, '**/api/courses', () => failing);
    await failWhile(page, (u: URL) => u.pathname === '/api/orgs', () => failing);
    await signInAt(page, office, '/sessions');
    await page.getByText('More filters').click();
    await page.getByText('The courses could not be loaded, so you cannot choose one yet.').waitFor();
    expect(await page.locator('#course').getAttribute('aria-describedby')).toBe('course-hint');
    await checkPage(page, 'session list, courses did not load');
    failing = false;
    await page.getByText('The courses could not be loaded, so you cannot choose one yet.').locator('..').getByRole('button', { name: 'Try again' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#course option').allInnerTexts()).toContain('Loadfail course');

    failing = true;
    await page.goto(`/sessions/${s.id}`);
    await page.getByText('The schools you act for could not be loaded, so only your own is offered for now.').waitFor();
    await checkPage(page, 'session page, a trust office whose schools did not load');
    failing = false;
    await tryAgainByKeyboard(page);
    await page.getByLabel('Book staff of').waitFor();
    expect(await page.locator('#book-org option').allInnerTexts()).toEqual(expect.arrayContaining(['Loadfail North', 'Loadfail South']));

    failing = true;
    await page.goto('/calendar');
    await page.getByText('The schools you act for could not be loaded, so only your own is offered for now.').waitFor();
    await checkPage(page, 'calendar page, a trust office whose schools did not load');
    failing = false;
    await tryAgainByKeyboard(page);
    await page.getByText('The schools you act for could not be loaded').waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('who is signed in could not be asked: the app says so with Try again, and goes on when it answers', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff);
    let failing = true;
    await failWhile(page, '**/api/me', () => failing);
    await page.goto('/bookings');
    const alert = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' });
    await alert.waitFor();
    await checkPage(page, 'the app when /api/me failed');
    failing = false;
    await tryAgainByKeyboard(page);
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    await alert.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('a weekly series published but its answer lost (a proxy’s 502): Try again sends the same Idempotency-Key, so the series is made once and the page says it was published (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const startsAt = daysFromNow(10);
    const s = await t.session({ title: 'Lost answer series', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    const sent = await loseFirstAnswer(page, '**/api/sessions/series');
    await signInTo(page, trainer, `/sessions/new?from=${s.id}`, 'New session (a copy of Lost answer series)');
    // Every week for 3 weeks, from the copy's own date: the radios are just before the button.
    await page.getByRole('button', { name: 'Publish session' }).focus();
    await tabTo(page, 'Once', { back: true });
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Every week, for a number of weeks').isChecked()).toBe(true);
    await typeInto(page, 'For how many weeks', '3');
    await page.keyboard.press('Enter');
    const failure = page.getByRole('alert').filter({ hasText: 'The service answered with an error (502). Please try again.' });
    await failure.waitFor();
    // The service made the series; the page could not know.
    expect(sent.map((x) => x.status)).toEqual([201]);
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(4);
    await checkPage(page, 'new session page, the answer to publishing lost');

    await activate(page, 'Try again');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    await page.getByRole('status').filter({ hasText: '3 sessions published.' }).waitFor();
    // The same key both times: the service answered the second with what it did the first time.
    expect(sent).toHaveLength(2);
    expect(sent[0]!.key).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[1]).toMatchObject({ status: 201, replayed: 'true' });
    // The copied session and one series of 3: not a second series.
    const mine = (await t.request('GET', '/api/me/sessions', { as: trainer })).json;
    expect(mine.total).toBe(4);
    expect(mine.items.map((i: { session: { title: string } }) => i.session.title)).toEqual(Array(4).fill('Lost answer series'));
    await page.context().close();
  });

  it('someone who follows a link while a session is being published stays where they went when the answer comes (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const startsAt = daysFromNow(11);
    const s = await t.session({ title: 'Published while away', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let answered = false;
    await page.route('**/api/sessions', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await held;
      const res = await route.fetch();
      answered = true;
      return route.fulfill({ response: res });
    });
    await signInTo(page, trainer, `/sessions/new?from=${s.id}`, 'New session (a copy of Published while away)');
    await page.getByRole('button', { name: 'Publish session' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Publishing…' }).waitFor();
    await activate(page, 'My bookings', { back: true, max: 120 });
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    release();
    await expect.poll(() => answered).toBe(true);
    await expect.poll(async () => (await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(2);
    // The answer came, and the page they went to is still there.
    await new Promise((r) => setTimeout(r, 300));
    expect(new URL(page.url()).pathname).toBe('/bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    await page.context().close();
  });

  it('an office booking two of its staff whose answer is lost (a proxy’s 502): Try booking again sends the same Idempotency-Key, so both are booked once and the page says so, not “already has a seat” (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Lost Booking School');
    const office = await t.user('office', org.id, 'Lou Office');
    const staff = [await t.user('staff', org.id, 'Ada Lost'), await t.user('staff', org.id, 'Ben Lost')];
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Lost answer booking', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    const sent = await loseFirstAnswer(page, `**/api/sessions/${s.id}/bookings`);
    await signInTo(page, office, `/sessions/${s.id}`, 'Lost answer booking');
    const panel = page.getByRole('region', { name: 'Book staff from Lost Booking School' });
    await panel.getByText('Ada Lost').waitFor();
    for (const name of ['Ada Lost', 'Ben Lost']) {
      await tabTo(page, new RegExp(name));
      await page.keyboard.press('Space');
    }
    await activate(page, 'Book 2 people');
    await panel.getByRole('alert').filter({ hasText: 'The service answered with an error (502). Please try again.' }).waitFor();
    // Both booked; the page could not know.
    expect(sent.map((x) => x.status)).toEqual([201]);
    await tabTo(page, 'Try booking again');
    await page.keyboard.press('Enter');
    await panel.getByRole('status').filter({ hasText: '2 of 2 people booked or added to the waitlist.' }).waitFor();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[1]).toMatchObject({ status: 201, replayed: 'true' });
    expect(await panel.getByText(/already has a seat/).count()).toBe(0);
    for (const p of staff) expect((await t.request('GET', '/api/me/bookings', { as: p })).json.items.map((b: { status: string }) => b.status)).toEqual(['confirmed']);
    await checkPage(page, 'an office’s booking retried after its answer was lost (320 px)');
  });

  it('a member of staff booking their own seat whose answer is lost (a proxy’s 502): Try booking again sends the same Idempotency-Key, so the page says the seat is confirmed, not “You already have a seat” (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const me = await t.user('staff', (await t.org()).id, 'Cai Lost');
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Own lost answer', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    const sent = await loseFirstAnswer(page, `**/api/sessions/${s.id}/bookings`);
    await signInTo(page, me, `/sessions/${s.id}`, 'Own lost answer');
    await activate(page, 'Book a seat');
    await page.getByRole('alert').filter({ hasText: 'The service answered with an error (502). Please try again.' }).waitFor();
    expect(sent.map((x) => x.status)).toEqual([201]);
    await tabTo(page, 'Try booking again');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Booked: your online seat is confirmed.' }).waitFor();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[1]).toMatchObject({ status: 201, replayed: 'true' });
    expect(await page.getByText(/already have a seat/).count()).toBe(0);
    expect((await t.request('GET', '/api/me/bookings', { as: me })).json.items.map((b: { status: string }) => b.status)).toEqual(['confirmed']);
    await checkPage(page, 'own booking retried after its answer was lost (320 px)');
  });

  it('an office booking whose answer is lost, then the same two people ticked again in the other order and booked: the same request (same Idempotency-Key), booked once (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Reticked School');
    const office = await t.user('office', org.id, 'Rae Office');
    await t.user('staff', org.id, 'Ada Again');
    await t.user('staff', org.id, 'Ben Again');
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Reticked booking', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    const sent = await loseFirstAnswer(page, `**/api/sessions/${s.id}/bookings`);
    await signInTo(page, office, `/sessions/${s.id}`, 'Reticked booking');
    const panel = page.getByRole('region', { name: 'Book staff from Reticked School' });
    await panel.getByText('Ada Again').waitFor();
    const tick = async (name: string) => {
      await tabTo(page, new RegExp(name));
      await page.keyboard.press('Space');
    };
    await tick('Ada Again');
    await tick('Ben Again');
    await activate(page, 'Book 2 people');
    await panel.getByRole('alert').filter({ hasText: 'The service answered with an error (502). Please try again.' }).waitFor();
    // Unticked, and ticked again the other way round.
    await tick('Ben Again');
    await tick('Ada Again');
    await tick('Ben Again');
    await tick('Ada Again');
    await activate(page, 'Book 2 people');
    await panel.getByRole('status').filter({ hasText: '2 of 2 people booked or added to the waitlist.' }).waitFor();
    expect(sent.map((x) => x.key === sent[0]!.key)).toEqual([true, true]);
    expect(sent[1]).toMatchObject({ status: 201, replayed: 'true' });
    await checkPage(page, 'an office’s booking sent again with the same people ticked in another order (320 px)');
  });

  it('a message to everyone booked sent but its answer lost (a proxy’s 502): Try again sends the same Idempotency-Key, so each person is emailed once (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Lost Answer School');
    const trainer = await t.user('trainer');
    const people = [await t.user('staff', org.id), await t.user('staff', org.id)];
    const startsAt = daysFromNow(6);
    const s = await t.session({ title: 'Lost answer message', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 5 } }, trainer);
    for (const p of people) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: p, body: {} })).json.status).toBe('confirmed');
    const before = (await t.mails('trainer_message')).length;
    const page = await newPage(env.browser, env.server, NARROW);
    const sent = await loseFirstAnswer(page, `**/api/sessions/${s.id}/messages`);
    await signInTo(page, trainer, `/trainer/sessions/${s.id}/message`, 'Message attendees: Lost answer message');
    await page.getByRole('heading', { level: 1 }).focus();
    await typeInto(page, 'Message', 'Please bring your notes.');
    await activate(page, 'Send message');
    await page.getByRole('alert').filter({ hasText: 'The service answered with an error (502). Please try again.' }).waitFor();
    // Sent to both; the page could not know.
    expect(sent.map((x) => x.status)).toEqual([201]);
    expect((await t.mails('trainer_message')).length - before).toBe(2);

    // "Try again" is just before "Send message", which kept focus.
    await activate(page, 'Try again', { back: true });
    await page.getByRole('status').filter({ hasText: 'Message sent to 2 people.' }).waitFor();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.key).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[1]).toMatchObject({ status: 201, replayed: 'true' });
    const mails = (await t.mails('trainer_message')).slice(before);
    expect(mails.map((m) => m.to_email).sort()).toEqual(people.map((p) => p.email).sort());
    await page.context().close();
  });
});
