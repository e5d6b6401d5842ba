/**
 * Where focus goes after an action, and the other accessibility faults an audit proved in
 * Chromium. Each case below was seen to fail before its fix: focus fell to <body> when an
 * action removed the control it was pressed on (WCAG 2.4.3), turning a page lost the "Next
 * page" link pressed, a focused error-summary link read at under 4.5:1, a button holding a
 * long file name made the page scroll sideways at 320 px, forms with an empty field did
 * nothing and said nothing (3.3.1), the check-in code error was not announced, an identity
 * provider was removed at once with no question and its failure shown as a success, and
 * the coverage chart's week labels read "03-09" (3 September, in the UK) for 9 March.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped, activate, NARROW, typeInto } from './harness.js';

warnIfSkipped(import.meta.url);

const broken = (route: Route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) });

/** What has focus, as "tag#id: text" for failure messages and checks. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return { tag: el?.tagName.toLowerCase() ?? '', id: el?.id ?? '', text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').replace(/\s+/g, ' ').trim() };
});

describe.skipIf(!browserAvailable)('focus after actions, and other audited faults', () => {
  const env = serverAndBrowser();

  it('on a session’s page, a cancelled place shows as given up at once (the booking form back, no live "Cancel booking"), focus on Your place, while the page reloads (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Given up at once', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60) });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 1, name: 'Given up at once' }).waitFor();
    // The reload after the cancel is held back.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let cancelled = false;
    await page.route('**/api/me/bookings', async (route) => {
      if (cancelled) await held;
      return route.continue();
    });
    await page.route('**/api/bookings/*', async (route) => {
      const res = await route.fetch();
      if (route.request().method() === 'DELETE') cancelled = true;
      return route.fulfill({ response: res });
    });
    await activate(page, /^Cancel booking/);
    await activate(page, 'Yes, cancel my booking');
    await page.getByRole('button', { name: 'Book a seat' }).waitFor({ timeout: 3000 });
    expect(await page.getByRole('button', { name: 'Cancel booking' }).count()).toBe(0);
    expect((await focused(page)).id).toBe('your-place-title');
    await expectNoAxeViolations(page, 'session page, place given up, reload still on its way');
    release();
  });

  it('a failed "Yes, cancel my booking" returns focus to "Cancel booking" and says what went wrong', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Cannot cancel', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60) });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff);
    await page.route('**/api/bookings/*', (route) => (route.request().method() === 'DELETE' ? broken(route) : route.continue()));
    await page.goto('/bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    await activate(page, /^Cancel booking/);
    await activate(page, 'Yes, cancel my booking');
    await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' }).waitFor();
    await expectFocused(page, 'button.button-danger');
    expect((await focused(page)).text).toBe('Cancel booking: Cannot cancel');
    await expectNoAxeViolations(page, 'bookings page after a failed cancel');
  });

  it('an office turning a staff account off focuses "Turn on account", and turning it on again focuses "Turn off account"', async () => {
    const { t } = env.server;
    const org = await t.org('Alder School');
    const office = await t.user('office', org.id, 'Olive Office');
    await t.user('staff', org.id, 'Sam Staff');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/office/people');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('heading', { level: 1 }).focus();
    await activate(page, 'Turn off account: Sam Staff');
    await activate(page, 'Yes, turn it off');
    await page.getByRole('status').filter({ hasText: 'account is turned off' }).waitFor();
    await page.waitForFunction(() => /Turn on account/.test(document.activeElement?.textContent ?? ''));
    expect((await focused(page)).text).toBe('Turn on account: Sam Staff');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'account is on again' }).waitFor();
    await page.waitForFunction(() => /Turn off account/.test(document.activeElement?.textContent ?? ''));
    await expectNoAxeViolations(page, 'staff page after turning an account off and on');
  });

  it('a trainer releasing a seat hold: focus goes to the message saying it was released', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const org = await t.org('Holly Bank School');
    const s = await t.session({ title: 'Held seats', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60) }, trainer);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: org.id, seat: 'online', seats: 2 } })).status).toBeLessThan(300);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/holds`);
    await page.getByRole('heading', { level: 1, name: 'Seat holds: Held seats' }).waitFor();
    await activate(page, 'Release the online hold for Holly Bank School');
    await activate(page, 'Yes, release it');
    await page.getByRole('status').filter({ hasText: 'Hold for Holly Bank School released.' }).waitFor();
    await expectFocused(page, '#holds-status');
    await expectNoAxeViolations(page, 'holds page after a release');
  });

  it('forgot password and email sign-in: once the link is sent, the message saying so has focus', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    for (const [path, id] of [['/forgot-password', 'reset-sent'], ['/email-sign-in', 'link-sent']] as const) {
      const page = await newPage(env.browser, env.server, NARROW);
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await typeInto(page, 'Email address', staff.email);
      await page.keyboard.press('Enter');
      await page.locator(`#${id}`).filter({ hasText: /./ }).waitFor();
      await expectFocused(page, `#${id}`);
      await expectNoAxeViolations(page, `${path} after sending`);
      await page.context().close();
    }
  });

  it('edit session: "Keep editing" on the tell-people question focuses "Save changes"', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Moving session', startsAt: daysFromNow(10), endsAt: plusMinutes(daysFromNow(10), 60) }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Moving session' }).waitFor();
    await tabTo(page, 'Start time');
    await page.getByLabel('Start time').fill('10:00');
    await page.getByLabel('End time').fill('11:00');
    await page.keyboard.press('Enter');
    await page.getByText('will be told by email').waitFor();
    await activate(page, 'Keep editing');
    await expectFocused(page, 'button[type="submit"]');
    expect((await focused(page)).text).toBe('Save changes');
  });

  it('who is coming: "Keep <name>" focuses "Remove <name>"; after a removal the message has focus', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const ben = await t.user('staff', (await t.org()).id, 'Ben Okafor');
    const s = await t.session({ title: 'Who comes', startsAt: daysFromNow(11), endsAt: plusMinutes(daysFromNow(11), 60) }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ben, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('heading', { level: 1, name: 'Who is coming: Who comes' }).waitFor();
    await activate(page, 'Remove Ben Okafor');
    await expectFocused(page, 'input[id^="reason-"]');
    await activate(page, 'Keep Ben Okafor');
    await expectFocused(page, 'button[id^="remove-"]');
    expect((await focused(page)).text).toBe('Remove Ben Okafor');
    await page.keyboard.press('Enter');
    // Wait for the reason field to take focus before typing, as a keyboard user would.
    await expectFocused(page, 'input[id^="reason-"]');
    await page.keyboard.type('Booked twice');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Ben Okafor removed.' }).waitFor();
    await expectFocused(page, '#attendees-status');
    await expectNoAxeViolations(page, 'who is coming after a removal');
  });

  it('people: "Show more people" on the last batch focuses the first person newly shown', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    await t.user('staff', (await t.org()).id, 'Zed Later');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    // The first answer is cut to one person with "more" to come, so the second is the last batch.
    await page.route('**/api/users?*', async (route) => {
      const url = new URL(route.request().url());
      const res = await route.fetch();
      const body = await res.json();
      if (url.searchParams.get('offset') === '0') return route.fulfill({ response: res, json: { ...body, items: body.items.slice(0, 1), hasMore: true } });
      return route.fulfill({ response: res, json: body });
    });
    await page.goto('/admin/people');
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await activate(page, 'Show more people');
    await page.getByRole('status').filter({ hasText: 'more shown' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Show more people' }).count()).toBe(0);
    await expectFocused(page, 'li.card h2');
    const id = (await focused(page)).id;
    expect(await page.evaluate((id) => document.querySelectorAll('li.card h2')[1]?.id === id, id)).toBe(true);
  });

  it('sessions list: turning the page focuses the results count, also on the last page where "Next page" has gone', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const trainer = await t.user('trainer');
    for (let i = 0; i < 11; i++) await t.session({ title: `Paged session ${i + 1}`, startsAt: daysFromNow(3 + i), endsAt: plusMinutes(daysFromNow(3 + i), 60) }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/sessions');
    await page.getByRole('link', { name: 'Next page' }).waitFor();
    await page.getByRole('heading', { level: 1 }).focus();
    await activate(page, 'Next page', { max: 200 });
    await expectFocused(page, '#sessions-count');
    await page.getByRole('status').filter({ hasText: /^Showing 11 to/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await activate(page, 'Previous page', { max: 200 });
    await expectFocused(page, '#sessions-count');
    await page.getByRole('status').filter({ hasText: /^Showing 1 to 10/ }).waitFor();
    await expectNoAxeViolations(page, 'sessions list after turning pages');
  });

  it('my sessions: turning the page focuses the results count, as the sessions list does, also on the last page where "Next page" has gone', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    for (let i = 0; i < 21; i++) await t.session({ title: `Paged session ${i + 1}`, startsAt: daysFromNow(3 + i), endsAt: plusMinutes(daysFromNow(3 + i), 60) }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/trainer/sessions');
    await page.getByRole('link', { name: 'Next page' }).waitFor();
    await page.getByRole('heading', { level: 1 }).focus();
    await activate(page, 'Next page', { max: 300 });
    await expectFocused(page, '#my-sessions-count');
    await page.getByRole('status').filter({ hasText: /^Showing 21 to 21 of 21 upcoming sessions/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    // The shared paging links: where the list is, which page of how many.
    await page.getByRole('navigation', { name: 'Pages of sessions' }).getByText('Page 2 of 2').waitFor();
    await activate(page, 'Previous page', { max: 300 });
    await expectFocused(page, '#my-sessions-count');
    await page.getByRole('status').filter({ hasText: /^Showing 1 to 20 of 21/ }).waitFor();
    await expectNoAxeViolations(page, 'my sessions after turning pages');
  });

  it('a focused link in the error summary reads at 4.5:1 or more on the focus colour', async () => {
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/forgot-password');
    await typeInto(page, 'Email address', 'not-an-address');
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').waitFor();
    await expectFocused(page, '.error-summary');
    await page.keyboard.press('Tab');
    await expectFocused(page, '.error-summary a');
    const ratio = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement;
      const style = getComputedStyle(a);
      const rgb = (c: string) => c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const [l1, l2] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
      return (l1! + 0.05) / (l2! + 0.05);
    });
    expect(ratio).toBeGreaterThanOrEqual(4.5);
  });

  it('a button whose label holds a long file name wraps at 320 px instead of widening the page', async () => {
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/forgot-password');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expectNoSidewaysScroll(page, 'forgot password page');
    // The label of a material's Remove button (MaterialItem, SessionMaterials, LibraryPage), in the page's own styles.
    await page.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      const actions = document.createElement('div');
      actions.className = 'actions';
      for (const cls of ['button button-secondary', 'button button-danger']) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = cls;
        b.textContent = 'Remove SEND_Code_of_Practice_January_2015_accessible_version.txt';
        actions.append(b);
      }
      main.append(actions);
    });
    await expectNoSidewaysScroll(page, 'a page with a long-named button');
    // Ordinary buttons keep their size: a short label is not broken, and the 44px target stays.
    const short = await page.getByRole('button', { name: 'Send me a link' }).boundingBox();
    expect(short!.height).toBeGreaterThanOrEqual(44);
    expect(short!.height).toBeLessThan(60);
  });

  it('add a course with no title, and check a certificate with no code: the error is shown beside the field and the summary takes focus', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/courses');
    await page.getByRole('heading', { level: 1, name: 'Courses' }).waitFor();
    await activate(page, 'Add course', { max: 200 });
    await page.getByRole('alert').filter({ hasText: 'Enter a course title' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#course-title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#course-title-error').innerText()).toContain('Enter a course title');
    await expect.poll(() => page.title()).toMatch(/^Error: /);
    await expectNoAxeViolations(page, 'courses page with an empty title');

    await page.goto('/verify');
    await page.getByRole('heading', { level: 1, name: 'Check a certificate' }).waitFor();
    await activate(page, 'Check');
    await page.getByRole('alert').filter({ hasText: 'Enter the verification code' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#verify-code').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'certificate check with no code');
  });

  it('check-in with no code: the error is announced (a focused alert), not just the already-focused field', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    // Under way, so check-in is open (the page offers the form only then).
    const begun = plusMinutes(t.clock.now().toISOString(), -10);
    const s = await t.session({ title: 'In the hall', mode: 'in_person', venue: 'Hall', capacity: { inPerson: 5 }, startsAt: begun, endsAt: plusMinutes(begun, 60) }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, `/sessions/${s.id}/checkin`);
    await page.getByRole('heading', { level: 1, name: 'Check in' }).waitFor();
    await tabTo(page, /Check-in code/);
    await page.keyboard.press('Enter');
    const summary = page.getByRole('alert').filter({ hasText: 'Enter the check-in code' });
    await summary.waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#checkin-code').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'check-in with no code');
  });

  it('identity providers: Remove asks first, and a failure is an alert (not the green "done" message) with focus back on Remove', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    const provider = { id: 'idp-1', label: 'Sign in with Nowhere', issuer: 'https://nowhere.example', clientId: 'client', hasClientSecret: true, orgDomains: [], orgClaim: null, orgClaimScope: 'own', workspaceOnly: false };
    await page.route('**/api/identity-providers', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [provider], callbackUrl: 'https://example.test/callback' }) }));
    let deletes = 0;
    await page.route('**/api/identity-providers/idp-1', (route) => {
      deletes++;
      return broken(route);
    });
    await page.goto('/admin/identity-providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await activate(page, 'Remove Sign in with Nowhere');
    await page.getByText('Remove “Sign in with Nowhere”?').waitFor();
    expect(deletes).toBe(0);
    await activate(page, 'Yes, remove it');
    await page.getByRole('alert').filter({ hasText: 'was not removed' }).waitFor();
    expect(deletes).toBe(1);
    expect(await page.locator('#idp-saved').innerText()).toBe('');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Remove Sign in with Nowhere');
    await expectNoAxeViolations(page, 'identity providers after a failed removal');
  });
  it('materials library: deleting a material focuses the message saying so (its Delete button has gone)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Sensory basics' } })).json.id as string;
    const made = await t.request('POST', `/api/courses/${course}/materials/links`, { as: admin, body: { title: 'Code of practice', url: 'https://example.org/code' } });
    expect(made.status).toBeLessThan(300);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/courses/${course}/materials`);
    await page.getByRole('heading', { level: 1, name: 'Materials: Sensory basics' }).waitFor();
    await activate(page, 'Delete Code of practice');
    await activate(page, 'Yes, remove it');
    await page.getByRole('status').filter({ hasText: '“Code of practice” deleted.' }).waitFor();
    await expectFocused(page, '#library-status');
    await expectNoAxeViolations(page, 'library after a deletion');
  });

  it('in-house leads: "Stop X being a lead" focuses the message saying so', async () => {
    const { t } = env.server;
    const org = await t.org('Elm School');
    const admin = await t.user('admin');
    const lead = await t.user('staff', org.id, 'Tia Teacher');
    expect((await t.request('PUT', `/api/orgs/${org.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/orgs/${org.id}`);
    await page.getByRole('heading', { level: 2, name: 'In-house leads' }).waitFor();
    await page.getByRole('button', { name: 'Stop Tia Teacher being a lead' }).waitFor();
    await page.getByRole('heading', { level: 1 }).focus();
    await activate(page, 'Stop Tia Teacher being a lead');
    await activate(page, 'Yes, stop them being a lead');
    await page.getByRole('status').filter({ hasText: 'Tia Teacher is no longer an in-house lead' }).waitFor();
    await expectFocused(page, '#leads-status');
  });
  it('pages whose heading comes from their data still have an h1 and an error title when the load fails', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const s = await t.session({ title: 'Never loads', startsAt: daysFromNow(12), endsAt: plusMinutes(daysFromNow(12), 60) }, trainer);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);
    await page.route(`**/api/sessions/${s.id}`, (route) => (route.request().method() === 'GET' ? broken(route) : route.continue()));
    for (const [path, heading] of [['holds', 'Seat holds: not available'], ['people', 'Who is coming: not available'], ['edit', 'Edit session: not available'], ['message', 'Message attendees: not available']] as const) {
      await page.goto(`/trainer/sessions/${s.id}/${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' }).waitFor();
      await expect.poll(() => page.title()).toBe(`Error: ${heading} – SEND Live Training`);
      await expectNoAxeViolations(page, `${path} page when the session did not load`);
    }
  });

  it('add a person, then "Email <name> a link": focus goes to the message saying it was sent, in a live region already in the page', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/people');
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await page.getByRole('combobox', { name: 'Organisation', exact: true }).waitFor();
    await typeInto(page, 'Full name', 'Nia Newcomer');
    await typeInto(page, 'Email address', 'nia.newcomer@example.org');
    await page.locator('#new-role').selectOption('trainer');
    await activate(page, 'Add person');
    await page.getByRole('heading', { name: 'Nia Newcomer was added' }).waitFor();
    await expectFocused(page, '#added-title');
    // The live region is there, empty, before the message comes, so the message is announced.
    const sent = page.getByRole('group', { name: 'Nia Newcomer was added' }).getByRole('status');
    expect(await sent.count()).toBe(1);
    expect((await sent.innerText()).trim()).toBe('');
    await activate(page, 'Email Nia Newcomer a link to choose a password');
    await sent.filter({ hasText: 'A link to choose a password is on its way to nia.newcomer@example.org' }).waitFor();
    // Its button has gone: focus goes to the message, not to the top of the page.
    await expectFocused(page, '.notice [role="status"]');
    await expectNoAxeViolations(page, 'people page after sending the link');
    await expectNoSidewaysScroll(page, 'people page after sending the link');
  });

  it('courses: an empty or out-of-range completion rule is said in an error summary that takes focus, tied to its field (not the browser’s own bubble)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Phonics basics' } })).json as { id: string };
    const field = `#parts-${course.id}`;
    const label = 'Parts to attend to complete Phonics basics';
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/courses');
    await page.getByRole('heading', { level: 1, name: 'Courses' }).waitFor();
    await tabTo(page, label, { max: 300 });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await activate(page, 'Save completion rule for Phonics basics');
    await page.getByRole('alert').filter({ hasText: 'Enter a whole number of parts from 1 to 20.' }).waitFor();
    await expectFocused(page, '.error-summary');
    const input = page.locator(field);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect((await input.getAttribute('aria-describedby'))?.split(' ')).toContain(`parts-${course.id}-error`);
    expect(await page.locator(`${field}-error`).innerText()).toContain('Enter a whole number of parts from 1 to 20.');
    await expect.poll(() => page.title()).toMatch(/^Error: /);
    await expectNoAxeViolations(page, 'courses page with an empty completion rule');
    await expectNoSidewaysScroll(page, 'courses page with an empty completion rule');

    // Out of range: the page's own error, not the browser's (the form does not validate itself).
    await page.keyboard.press('Tab');
    await expectFocused(page, '.error-summary a');
    await page.keyboard.press('Enter');
    await expectFocused(page, field);
    await page.keyboard.type('21');
    await page.keyboard.press('Enter');
    await expectFocused(page, '.error-summary');
    await page.getByRole('alert').filter({ hasText: 'Enter a whole number of parts from 1 to 20.' }).waitFor();
    expect(await input.evaluate((el) => (el as HTMLInputElement).form!.noValidate)).toBe(true);

    // Fixed: saved, and the error has gone.
    await tabTo(page, label, { back: true, max: 300 });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Phonics basics: complete once a session of each of parts 1 to 3 is attended.' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('.error-summary').count()).toBe(0);
    await expect.poll(() => page.title()).not.toMatch(/^Error: /);
    await expectNoAxeViolations(page, 'courses page after saving the completion rule');
  });
});
