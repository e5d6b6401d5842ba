import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers.js';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, plusMinutes, signInAt, signInTo, tabTo, typeInto, warnIfSkipped, serverAndBrowser, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

async function fitsWidth(page: Page, what: string) {
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  expect(fits, `${what} scrolls sideways at 320 px`).toBe(true);
}

async function text(download: Download) {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!browserAvailable)('training coverage pages', () => {
  const env = serverAndBrowser();

  // First, before any test here adds a course: a programme on its first day has none.
  it('before the programme has any course, "Completions by course" says so, not an empty chart and a table of headings alone', async () => {
    const { t } = env.server;
    const school = await t.org('Hazel Primary');
    const office = await t.user('office', school.id, 'Hana Office');
    await t.user('staff', school.id, 'Hal Staff');
    const page = await newPage(env.browser, env.server, { viewport: { width: 1280, height: 900 } });
    await signInTo(page, office, '/reach', 'Training coverage: Hazel Primary', { nav: 'Training coverage' });
    const courses = page.getByRole('region', { name: 'Completions by course' });
    await courses.getByText('There are no courses yet, so no one has completed one.').waitFor();
    expect(await courses.getByRole('table').count(), 'no table with headings and no rows').toBe(0);
    expect(await courses.getByRole('img').count(), 'no chart of nothing').toBe(0);
    await checkPage(page, 'training coverage with no course yet');
    // And at 320 px: the sentence in place of the chart keeps to the screen.
    await page.setViewportSize(NARROW.viewport);
    await expectNoSidewaysScroll(page, 'training coverage with no course yet (320 px)');
  });

  it('shows a trust office its schools as charts with text summaries and tables, downloads CSV, and books someone not yet booked', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string };
    const trust = await org({ name: 'Willow Trust', kind: 'trust' });
    const ash = await org({ name: 'Ash Primary', parentId: trust.id });
    const birch = await org({ name: 'Birch Academy', parentId: trust.id });
    const trustOffice = await t.user('office', trust.id, 'Tess Trust');
    const ashOffice = await t.user('office', ash.id, 'Omar Office');
    const ann = await t.user('staff', ash.id, 'Ann Attended');
    await t.user('staff', ash.id, 'Nia Notbooked');
    const bea = await t.user('staff', birch.id, 'Bea Birch');
    await t.db.updateTable('users').set({ job_role: 'teacher' }).where('id', 'in', [ann.id, bea.id]).execute();
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Inclusion basics' } })).json.id as string;

    // A session held two days from now, attended by Ann and Bea (the clock moves past it and back).
    const realNow = t.clock.now().toISOString();
    const held = await t.session({ title: 'Inclusion part 1', courseId: course, startsAt: daysFromNow(2), endsAt: plusMinutes(daysFromNow(2), 60), capacity: { online: 10 } }, trainer);
    const ids: string[] = [];
    for (const u of [ann, bea] as TestUser[]) ids.push((await t.request('POST', `/api/sessions/${held.id}/bookings`, { as: u, body: { seat: 'online' } })).json.id);
    t.clock.set(plusMinutes(daysFromNow(2), 120));
    for (const id of ids) expect((await t.request('PUT', `/api/sessions/${held.id}/attendance/${id}`, { as: trainer, body: { attended: true } })).status).toBe(200);
    t.clock.set(realNow);
    await t.session({ title: 'Inclusion part 1 again', courseId: course, startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 10 } }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, trustOffice, '/reach', 'Training coverage: Willow Trust', { nav: 'Training coverage' });

    // The chart is an image named by its title (only: a screen reader says the name, then the
    // summary as its description), with the same numbers in a table.
    const chart = page.getByRole('img', { name: 'Share of staff who attended at least one session, by school', exact: true });
    await chart.waitFor();
    const desc = await chart.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
    expect(desc).toContain('Overall 2 of 5 (40%) staff attended at least one session');
    const table = page.getByRole('table', { name: 'By school' });
    const rows = await table.getByRole('row').allInnerTexts();
    expect(rows.slice(1).map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^Ash Primary.*3.*1 of 3 \(33.3%\).*1 of 3 \(33.3%\).*1 of 3 \(33.3%\)/),
      expect.stringMatching(/^Birch Academy.*1.*1 of 1 \(100%\)/),
      expect.stringMatching(/^Willow Trust.*1.*0 of 1 \(0%\)/),
    ]);
    await page.getByRole('img', { name: 'Course completions per week' }).waitFor();
    // Week labels read as UK dates ("9 Mar"), never "03-09" (which reads in the UK as 3 September).
    const weekLabels = await page.locator('svg[aria-labelledby^="weekly-chart"] text.chart-axis[text-anchor="middle"]').allTextContents();
    expect(weekLabels.length).toBeGreaterThan(0);
    for (const l of weekLabels) expect(l).toMatch(/^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/);
    // So does the table beside the chart ("9 March 2026").
    const weekRows = await page.getByRole('table', { name: 'Week by week (weeks start on Monday)' }).getByRole('rowheader').allInnerTexts();
    expect(weekRows.length).toBeGreaterThan(0);
    for (const w of weekRows) expect(w.trim()).toMatch(/^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/);
    // At 320 px the column chart is not shrunk to half-size words: its labels are at least the
    // page's small text, and the chart scrolls in its own box, reachable by keyboard.
    const labelPx = await page.locator('svg[aria-labelledby^="weekly-chart"] text.chart-axis').first().evaluate((el) => el.getBoundingClientRect().height);
    expect(labelPx).toBeGreaterThanOrEqual(12);
    const scroller = page.getByRole('region', { name: 'Course completions per week (chart)' });
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth && el.tabIndex === 0)).toBe(true);
    await page.getByRole('table', { name: 'By job role' }).getByRole('row', { name: /Teacher/ }).waitFor();
    await expectNoAxeViolations(page, 'coverage page (trust office)');
    await fitsWidth(page, 'coverage page');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download “Progress towards 100% by school” as a spreadsheet (CSV)' }).click()]);
    const csv = await text(download);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('organisation,staff,booked,booked %,attended at least one session,attended %,completed: Inclusion basics');
    expect(csv).toContain('Ash Primary,3,1,33.3,1,33.3,1');

    // The school office books a colleague from the "not yet booked" list.
    const office = await newPage(env.browser, env.server, NARROW);
    await signInAt(office, ashOffice, '/reach');
    await office.getByRole('heading', { level: 1, name: 'Training coverage: Ash Primary' }).waitFor();
    await office.getByRole('link', { name: 'Staff not yet booked' }).click();
    await office.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    await office.getByRole('row', { name: /Nia Notbooked/ }).waitFor();
    await expectNoAxeViolations(office, 'staff not yet booked');
    await fitsWidth(office, 'staff not yet booked');
    const value = await office.locator('#book-session option', { hasText: 'Inclusion part 1 again' }).getAttribute('value');
    await office.getByLabel('Session to book people on').selectOption(value!);
    await office.getByRole('button', { name: 'Book Nia Notbooked on Inclusion part 1 again' }).click();
    await office.getByRole('status').filter({ hasText: 'Nia Notbooked is booked on Inclusion part 1 again (online seat).' }).waitFor();
    // Her row stays, saying so in place of its Book button; the list read again no longer counts her.
    await expect.poll(() => office.getByRole('row', { name: /Nia Notbooked/ }).getByRole('cell').last().innerText()).toContain('Booked on Inclusion part 1 again (online seat).');
    await expect.poll(() => office.locator('#not-booked-count').textContent()).toBe('Showing 1 of 1 person not yet booked. Also shown: 1 person booked just now.');
    await office.getByRole('row', { name: /Omar Office/ }).waitFor();
  }, 90_000);

  it('an administrator sees the whole programme 50 organisations at a time: pages, finds by name and sorts by share attended, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const pad = (i: number) => String(i).padStart(2, '0');
    // 62 stand-alone schools, "Zone School 01"…, each with 2 staff, of whom i mod 3 attended a session (0%, 50% or 100%).
    const schools: { id: string; i: number }[] = [];
    for (let i = 1; i <= 62; i++) schools.push({ id: (await t.org(`Zone School ${pad(i)}`)).id, i });
    await t.db.insertInto('users').values(schools.flatMap((o) => [0, 1].map((k) => ({
      id: `zone-${o.i}-${k}`, email: `zone${o.i}-${k}@example.org`, name: `Zone Person ${o.i}-${k}`, role: 'staff' as const, org_id: o.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    })))).execute();
    // A school in a trust is counted in its trust's row, and found by its own name there.
    const zoneTrust = await t.org('Zone Trust');
    const quince = await t.org('Quince Primary');
    await t.db.updateTable('organisations').set({ parent_id: zoneTrust.id }).where('id', '=', quince.id).execute();
    await t.user('staff', quince.id);
    const held = await t.session({ title: 'Zone session', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), capacity: { online: 200 } });
    const at = new Date().toISOString();
    await t.db.insertInto('bookings').values(schools.flatMap((o) => Array.from({ length: o.i % 3 }, (_, k) => ({
      id: `zone-booking-${o.i}-${k}`, session_id: held.id, user_id: `zone-${o.i}-${k}`, seat: 'online' as const, status: 'attended' as const,
      queue_seq: o.i * 10 + k, hold_org_id: null, offer_expires_at: null, booked_by: null, revision: 1, created_at: at, updated_at: at, cancelled_at: null,
    })))).execute();
    // Other tests here add organisations of their own: every one in the programme counts.
    const total = (await t.request('GET', '/api/reach/coverage', { as: admin })).json.byOrgTotal as number;
    expect(total).toBeGreaterThanOrEqual(62);
    const secondPage = (await t.request('GET', '/api/reach/coverage?orgsOffset=50', { as: admin })).json.byOrg.map((o: { name: string }) => o.name) as string[];

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/reach');
    await page.getByRole('heading', { level: 1, name: 'Training coverage: The whole programme' }).waitFor();
    const count = page.locator('#orgs-count');
    const table = page.getByRole('table', { name: /^By trust, local authority or school/ });
    const rowNames = async () => (await table.locator('tbody th').allInnerTexts()).map((r) => r.trim());
    await expect.poll(() => count.textContent()).toBe(`Showing 1 to 50 of ${total} organisations, by name.`);
    expect(await table.locator('tbody tr').count()).toBe(50);
    await page.getByRole('img', { name: /by trust, local authority or school/ }).waitFor();
    const desc = (await page.locator('#by-org-chart-desc').textContent()) ?? '';
    // The highest share is of every organisation, not only of those on the page.
    expect(desc).toContain('Highest of all: Zone School 02, 100%.');
    expect(await page.getByRole('navigation', { name: 'Pages of organisations' }).textContent()).toContain(`Page 1 of ${Math.ceil(total / 50)}`);
    await checkPage(page, 'training coverage, the whole programme');

    // The next page, by keyboard: focus goes to the count, where the new rows start.
    await tabTo(page, 'Next page', { max: 400 });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe(`Showing 51 to ${Math.min(100, total)} of ${total} organisations, by name.`);
    await expectFocused(page, '#orgs-count');
    expect(new URL(page.url()).searchParams.get('orgsPage')).toBe('2');
    await expect.poll(rowNames).toEqual(secondPage);
    await checkPage(page, 'training coverage, page 2');

    // Find by name (any case): the first page of what matches.
    await typeInto(page, 'Find an organisation', 'zone SCHOOL 1', { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 10 of 10 organisations matching “zone SCHOOL 1”, by name.');
    await expectFocused(page, '#orgs-count');
    expect(await rowNames()).toEqual(Array.from({ length: 10 }, (_, k) => `Zone School ${10 + k}`));
    expect(await page.getByRole('navigation', { name: 'Pages of organisations' }).count()).toBe(0);

    // Lowest share first: those where nobody attended (12, 15, 18), then half (10, 13, 16, 19), then everyone (11, 14, 17).
    await tabTo(page, 'Sort', { back: true });
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByLabel('Sort').inputValue()).toBe('lowest');
    await tabTo(page, 'Show');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 10 of 10 organisations matching “zone SCHOOL 1”, lowest share first.');
    await expectFocused(page, '#orgs-count');
    expect(await rowNames()).toEqual([12, 15, 18, 10, 13, 16, 19, 11, 14, 17].map((i) => `Zone School ${i}`));
    const url = new URL(page.url());
    expect([url.searchParams.get('orgsQ'), url.searchParams.get('orgsSort'), url.searchParams.get('orgsPage')]).toEqual(['zone SCHOOL 1', 'lowest', null]);
    expect(await page.getByLabel('Find an organisation').inputValue()).toBe('zone SCHOOL 1');
    await checkPage(page, 'training coverage, found and sorted');

    // A school in a trust: its trust's row, which says it includes the school.
    await typeInto(page, 'Find an organisation', 'quince', { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 1 to 1 of 1 organisation matching “quince”, lowest share first.');
    expect(await rowNames()).toEqual(['Zone Trust, which includes Quince Primary']);
    await checkPage(page, 'training coverage, a school found in its trust');

    // Nothing found: said so.
    await typeInto(page, 'Find an organisation', 'no such place', { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('No organisation matches “no such place”.');
    expect(await table.count()).toBe(0);
    await checkPage(page, 'training coverage, nothing found');
  }, 120_000);

  it('the pages of the figures in view agree, counted once; "Count again now" counts them afresh and says so, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const trust = await t.org('Yew Trust');
    const office = await t.user('office', trust.id, 'Yusuf Office');
    const schools: { id: string }[] = [];
    for (let i = 1; i <= 52; i++) schools.push(await t.org(`Yew School ${String(i).padStart(2, '0')}`));
    for (const o of schools) await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', o.id).execute();
    await t.db.insertInto('users').values(schools.map((o, i) => ({
      id: `yew-trust-${i}`, email: `yew-trust${i}@example.org`, name: `Yew Trust Person ${i}`, role: 'staff' as const, org_id: o.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }))).execute();

    const page = await newPage(env.browser, env.server, NARROW);
    const asked: URL[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/reach/coverage') asked.push(u);
    });
    await signInAt(page, office, '/reach');
    await page.getByRole('heading', { level: 1, name: 'Training coverage: Yew Trust' }).waitFor();
    const staff = page.locator('.facts > div').filter({ has: page.locator('dt', { hasText: /^Staff$/ }) }).locator('dd');
    const count = page.locator('#orgs-count');
    await expect.poll(() => staff.textContent()).toBe('53'); // 52 staff and the office person
    await page.locator('#coverage-as-of').filter({ hasText: /^Figures as at \d\d:\d\d (GMT|BST) on / }).waitFor();
    const asOf = asked.at(-1)!.searchParams.get('asOf');
    expect(asOf, 'the first look asks for the figures as at now').toBeNull();
    await checkPage(page, 'training coverage with when its figures were counted');

    // Someone joins after the figures were counted: the next page is of the same figures.
    await t.user('staff', schools[0]!.id, 'Yew Newcomer');
    await tabTo(page, 'Next page', { max: 400 });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 51 to 53 of 53 organisations, by name.');
    expect(asked.at(-1)!.searchParams.get('asOf'), 'the next page asks for the figures in view').toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await staff.textContent()).toBe('53');
    // The spreadsheet holds the figures in view too (School 01's one person, not the newcomer).
    const schoolOneInCsv = async () => {
      const link = page.getByRole('link', { name: 'Download “Progress towards 100% by school” as a spreadsheet (CSV)' });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const line = (await text(download)).split('\r\n').find((l) => l.startsWith('Yew School 01,'));
      return line?.split(',')[1];
    };
    expect(await schoolOneInCsv()).toBe('1');

    // Counted again, by keyboard: the newcomer counts, and it is said.
    await tabTo(page, 'Count again now', { back: true, max: 400 });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /^Counted again: figures as at \d\d:\d\d (GMT|BST)\.$/ }).waitFor();
    await expect.poll(() => staff.textContent()).toBe('54');
    expect(asked.at(-1)!.searchParams.get('asOf'), 'counting again asks for the figures as at now').toBeNull();
    await expectFocused(page, 'button.button-secondary');
    await checkPage(page, 'training coverage counted again');
    expect(await schoolOneInCsv()).toBe('2');
  }, 120_000);

  it('more people not yet booked than a page lists: every one is reached a page at a time, the count says how many, the spreadsheet holds all of them, and no download is offered that would be refused', async () => {
    const { t } = env.server;
    const school = await t.org('Vast Academy');
    const office = await t.user('office', school.id, 'Vic Office');
    const rows = Array.from({ length: 5_001 }, (_, i) => ({
      id: `vast-${i}`, email: `vast${i}@example.org`, name: `Vast Person ${String(i).padStart(4, '0')}`, role: 'staff' as const, org_id: school.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }));
    for (let i = 0; i < rows.length; i += 500) await t.db.insertInto('users').values(rows.slice(i, i + 500)).execute();

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    const count = page.locator('#not-booked-count');
    const table = page.getByRole('table', { name: /^People not yet booked/ });
    const nav = page.getByRole('navigation', { name: 'Pages of people not yet booked' });
    await expect.poll(() => count.textContent()).toBe('Showing 50 of 5,002 people not yet booked.');
    expect(await table.locator('tbody tr').count()).toBe(50);
    expect(await nav.textContent()).toBe('Next page');
    // Nothing to warn of: the list fits in one spreadsheet.
    expect(await page.locator('#not-booked-more').count()).toBe(0);
    await fitsWidth(page, 'staff not yet booked, the first 50');

    // The last page, past the first 5,000 (once out of reach), from a link carrying its cursor
    // (the API's, after the 5,000th person: a cursor is a place in the list, whatever the page size).
    let after = '';
    for (let shown = 0; shown < 5_000; shown += 200) after = (await t.request('GET', `/api/reach/not-booked?limit=200${after ? `&after=${after}` : ''}`, { as: office })).json.next;
    await page.goto(`${env.server.baseUrl}/reach/not-booked?after=${after}`);
    await expect.poll(() => count.textContent()).toBe('Showing 2 more of 5,002 people not yet booked.');
    expect((await table.locator('tbody th').allInnerTexts()).map((n) => n.trim())).toEqual(['Vast Person 5000', 'Vic Office']);
    expect(await nav.textContent()).toBe('Back to the start');
    const name = 'Download all 5,002 people as a spreadsheet (CSV)';
    await tabTo(page, name, { max: 200, back: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const csv = await text(download);
    expect(csv.trim().split('\r\n')).toHaveLength(1 + 5_002);
    expect(csv).toContain('Vast Person 0000');
    expect(csv).toContain('Vast Person 5000');
    await checkPage(page, 'staff not yet booked, the last 2 of 5,002');

    // More than one spreadsheet may hold (the bound lowered to 2 here; 20,000 in service): said,
    // with no link that would only be refused.
    const small = await t.org('Small Academy');
    const smallOffice = await t.user('office', small.id, 'Sam Office');
    for (const n of ['Pat Unbooked', 'Kim Unbooked']) await t.user('staff', small.id, n);
    const bound = t.deps.config.maxReportBookings;
    t.deps.config.maxReportBookings = 2;
    try {
      const few = await newPage(env.browser, env.server, NARROW);
      await signInAt(few, smallOffice, '/reach/not-booked');
      await expect.poll(() => few.locator('#not-booked-count').textContent()).toBe('Showing 3 of 3 people not yet booked.');
      const said = few.locator('#not-booked-more');
      expect(await said.textContent()).toBe('3 people have not booked yet: too many for one spreadsheet.To download everyone, look at one organisation at a time: choose it by name on Training coverage, then open its staff not yet booked.');
      await said.getByRole('link', { name: 'Training coverage' }).waitFor();
      expect(await few.getByRole('link', { name: /spreadsheet/ }).count()).toBe(0);
      await checkPage(few, 'staff not yet booked, too many for a spreadsheet');
      // Finding one person does not make the whole list fit.
      await typeInto(few, 'Find a person by name or email', 'pat');
      await few.keyboard.press('Enter');
      await expect.poll(() => few.locator('#not-booked-count').textContent()).toBe('Showing 1 of 1 person not yet booked matching “pat”.');
      expect(await said.textContent()).toContain('The whole list of people not yet booked is too many for one spreadsheet.');
      expect(await few.getByRole('link', { name: /spreadsheet/ }).count()).toBe(0);
      // The same page over the 5,002: said, and no download either.
      await page.reload();
      await expect.poll(() => page.locator('#not-booked-more').textContent()).toContain('5,002 people have not booked yet: too many for one spreadsheet.');
      expect(await page.getByRole('link', { name: /spreadsheet/ }).count()).toBe(0);
    } finally {
      t.deps.config.maxReportBookings = bound;
    }
  }, 120_000);

  it('an office with more staff not yet booked than a page lists sees 50 and how many, turns the page, finds a person by name and books them (after a failed booking, by "Try again"), by keyboard at 320 px', async () => {
    const { t } = env.server;
    const school = await t.org('Yew Primary');
    const office = await t.user('office', school.id, 'Yara Office');
    const pad = (i: number) => String(i).padStart(2, '0');
    // 64 staff, "Yew Person 00"…; with Yara (who has not booked either, and comes first by name) 65 in all.
    await t.db.insertInto('users').values(Array.from({ length: 64 }, (_, i) => ({
      id: `yew-${pad(i)}`, email: `yew${pad(i)}@yew.example.org`, name: `Yew Person ${pad(i)}`, role: 'staff' as const, org_id: school.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }))).execute();
    await t.session({ title: 'Yew sensory circuits', mode: 'online', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60), capacity: { online: 10 } });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    const count = page.locator('#not-booked-count');
    const table = page.getByRole('table', { name: /^People not yet booked/ });
    const rowNames = async () => (await table.locator('tbody th').allInnerTexts()).map((r) => r.trim());
    await expect.poll(() => count.textContent()).toBe('Showing 50 of 65 people not yet booked.');
    expect(await rowNames()).toEqual(['Yara Office', ...Array.from({ length: 49 }, (_, i) => `Yew Person ${pad(i)}`)]);
    expect(await page.getByRole('navigation', { name: 'Pages of people not yet booked' }).textContent()).toBe('Next page');
    await checkPage(page, 'staff not yet booked, the first page');

    // The session first, found by title and chosen by keyboard.
    await tabTo(page, 'Find a session by title');
    await page.keyboard.type('yew sensory');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#book-session-hint').textContent()).toBe('1 upcoming session matches.');
    await tabTo(page, 'Session to book people on');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('#book-session option:checked').textContent()).toMatch(/^Yew sensory circuits, /);

    // The next page, by keyboard: focus goes to the count, where the new rows start.
    await tabTo(page, 'Next page', { max: 200 });
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 15 more of 65 people not yet booked.');
    await expectFocused(page, '#not-booked-count');
    const secondPage = new URL(page.url()).searchParams.get('after');
    expect(secondPage).toMatch(/^[A-Za-z0-9_-]+$/);
    await expect.poll(rowNames).toEqual(Array.from({ length: 15 }, (_, i) => `Yew Person ${pad(49 + i)}`));
    // The session chosen is kept while the pages turn.
    expect(await page.locator('#book-session option:checked').textContent()).toMatch(/^Yew sensory circuits, /);
    await checkPage(page, 'staff not yet booked, the next page');

    // Booking from page 2 reloads page 2. The first try fails (the service answers 500): an
    // alert, nobody booked, the list as it was; "Try again" books and says so as a first booking does.
    let failing = true;
    // The second try is held until the test lets it go, to see the rows while it runs.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/sessions/*/bookings', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      if (failing) return route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) });
      await held;
      return route.continue();
    });
    await tabTo(page, 'Book Yew Person 60 on Yew sensory circuits');
    await page.keyboard.press('Enter');
    const failed = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' });
    await failed.waitFor();
    expect(await page.locator('#not-booked-status').innerText()).toBe('');
    expect(await count.textContent()).toBe('Showing 15 more of 65 people not yet booked.');
    expect(await t.db.selectFrom('bookings').select('id').where('user_id', '=', 'yew-60').execute()).toEqual([]);
    await checkPage(page, 'staff not yet booked, a booking that failed');
    failing = false;
    await activate(page, 'Try again', { back: true });
    // While it runs, only Yew Person 60's button says so; the others keep their names.
    await page.getByRole('button', { name: 'Booking… (Book Yew Person 60 on Yew sensory circuits)' }).waitFor();
    expect(await page.getByRole('button', { name: /^Booking…/ }).count()).toBe(1);
    const other = page.getByRole('button', { name: 'Book Yew Person 61 on Yew sensory circuits', exact: true });
    expect(await other.count()).toBe(1);
    // Not pressable meanwhile, and said so (a press would be dropped): aria-disabled.
    expect(await other.getAttribute('aria-disabled')).toBe('true');
    release();
    await page.getByRole('status').filter({ hasText: 'Yew Person 60 is booked on Yew sensory circuits (online seat).' }).waitFor();
    // The alert goes once the whole action (its reload too) has finished.
    await expect.poll(() => failed.count()).toBe(0);
    expect(await t.db.selectFrom('bookings').select('status').where('user_id', '=', 'yew-60').execute()).toEqual([{ status: 'confirmed' }]);
    await expect.poll(() => count.textContent()).toBe('Showing 14 more of 64 people not yet booked. Also shown: 1 person booked just now.');
    // Their row stays where it was, saying what happened, and focus is on those words (never
    // on the next person's Book button, where a second Enter would book them by mistake).
    expect((await rowNames()).slice(10, 13)).toEqual(['Yew Person 59', 'Yew Person 60', 'Yew Person 61']);
    expect(await table.getByRole('row', { name: /Yew Person 60/ }).getByRole('cell').last().innerText()).toContain('Booked on Yew sensory circuits (online seat).');
    await expectFocused(page, '#not-booked-placed-yew-60');
    expect(new URL(page.url()).searchParams.get('after')).toBe(secondPage);

    // Find one person by name (any case): the first page of what matches.
    await typeInto(page, 'Find a person by name or email', 'yew PERSON 07');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.textContent()).toBe('Showing 1 of 1 person not yet booked matching “yew PERSON 07”.');
    await expectFocused(page, '#not-booked-count');
    expect(await rowNames()).toEqual(['Yew Person 07']);
    const url = new URL(page.url());
    expect([url.searchParams.get('q'), url.searchParams.get('after')]).toEqual(['yew PERSON 07', null]);
    expect(await page.getByRole('navigation', { name: 'Pages of people not yet booked' }).count()).toBe(0);
    await checkPage(page, 'staff not yet booked, one found');

    await tabTo(page, 'Book Yew Person 07 on Yew sensory circuits');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Yew Person 07 is booked on Yew sensory circuits (online seat).' }).waitFor();
    await expect.poll(() => count.textContent()).toBe('Nobody matches “yew PERSON 07”. Also shown: 1 person booked just now.');
    // The last row: its new words take focus.
    await expectFocused(page, '#not-booked-placed-yew-07');
    expect(await rowNames()).toEqual(['Yew Person 07']);
    await checkPage(page, 'staff not yet booked, booked the one found');

    // Back (the browser's): the page before the search, its field following the address. It
    // starts after the same person as before: Yew Person 07, booked from page 1, moves no one
    // after it onto page 1 unseen (by offset, page 2 would now begin at Yew Person 50).
    await page.goBack();
    await expect.poll(() => count.textContent()).toBe('Showing 14 more of 63 people not yet booked.');
    expect((await rowNames())[0]).toBe('Yew Person 49');
    expect(await page.getByLabel('Find a person by name or email').inputValue()).toBe('');
  }, 120_000);

  it('an office finds a session by title among more upcoming sessions than the picker lists, keeps it chosen while finding others, and books from it, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const school = await t.org('Rowan Infants');
    const office = await t.user('office', school.id, 'Ria Office');
    await t.user('staff', school.id, 'Tam Notyet');
    for (let i = 0; i < 55; i++) await t.session({ title: `Soon session ${i}`, mode: 'online', startsAt: daysFromNow(2), endsAt: plusMinutes(daysFromNow(2), 60), capacity: { online: 5 } });
    await t.session({ title: 'Zebra sensory circuits', mode: 'online', startsAt: daysFromNow(40), endsAt: plusMinutes(daysFromNow(40), 60), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    const hint = page.locator('#book-session-hint');
    await expect.poll(() => hint.textContent()).toMatch(/^\d+ upcoming sessions; the 50 soonest are listed\. Find a session by title to list others\.$/);
    expect(await page.locator('#book-session option', { hasText: 'Zebra sensory circuits' }).count()).toBe(0);
    await checkPage(page, 'staff not yet booked, more sessions than listed');

    await tabTo(page, 'Find a session by title');
    await page.keyboard.type('zebra');
    await page.keyboard.press('Enter');
    await expect.poll(() => hint.textContent()).toBe('1 upcoming session matches.');
    await tabTo(page, 'Session to book people on');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByLabel('Session to book people on').inputValue()).not.toBe('');
    // Finding something else keeps the session chosen.
    await tabTo(page, 'Find a session by title', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('nothing like this');
    await page.keyboard.press('Enter');
    await expect.poll(() => hint.textContent()).toBe('No upcoming session matches “nothing like this”.');
    expect(await page.locator('#book-session option:checked').textContent()).toMatch(/^Zebra sensory circuits, /);
    await tabTo(page, 'Book Tam Notyet on Zebra sensory circuits');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /^Tam Notyet is booked on Zebra sensory circuits \(online seat\)\.$/ }).waitFor();
    await fitsWidth(page, 'staff not yet booked after booking');
  }, 90_000);

  it('the session picker offers only sessions still open for booking, not one whose booking cut-off has passed, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const school = await t.org('Quince Juniors');
    const office = await t.user('office', school.id, 'Qim Office');
    await t.user('staff', school.id, 'Quin Notyet');
    await t.session({ title: 'Quokka calm spaces', mode: 'online', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 5 } });
    // Upcoming, but its booking closed yesterday: booking onto it would be refused.
    await t.session({ title: 'Quokka closed booking', mode: 'online', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), bookingClosesAt: daysFromNow(-1), capacity: { online: 5 } });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    await tabTo(page, 'Find a session by title');
    await page.keyboard.type('quokka');
    await page.keyboard.press('Enter');
    const hint = page.locator('#book-session-hint');
    await expect.poll(() => hint.textContent()).toBe('1 upcoming session matches.');
    const options = await page.locator('#book-session option').allTextContents();
    expect(options.filter((o) => o.startsWith('Quokka'))).toEqual([expect.stringMatching(/^Quokka calm spaces, /)]);
    await page.getByText('Only sessions still open for booking are listed.').waitFor();
    await checkPage(page, 'staff not yet booked, sessions open for booking');
    await tabTo(page, 'Session to book people on');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('#book-session option:checked').textContent()).toMatch(/^Quokka calm spaces, /);
    await tabTo(page, 'Book Quin Notyet on Quokka calm spaces');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Quin Notyet is booked on Quokka calm spaces (online seat).' }).waitFor();
  }, 90_000);
  it('booking from "Staff not yet booked" on a hybrid session: the seat is chosen, not assumed; each row then says where its person was put (a waiting list place when the seats left are held for another school) instead of offering Book again, and focus goes on to the next Book button, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const school = await t.org('Hilltop Academy');
    const elsewhere = await t.org('Valley School');
    const office = await t.user('office', school.id, 'Zoe Office');
    const aisha = await t.user('staff', school.id, 'Aisha Ahmed');
    const ben = await t.user('staff', school.id, 'Ben Evans');
    await t.user('staff', school.id, 'Cai Jones');
    const s = await t.session({ title: 'Hilltop hybrid circuits', mode: 'hybrid', venue: 'Hall', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), capacity: { inPerson: 2, online: 5 } });
    // Of the two in-person seats, one is held for another school.
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: elsewhere.id, seat: 'in_person', seats: 1 } })).status).toBe(204);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    const count = page.locator('#not-booked-count');
    const table = page.getByRole('table', { name: /^People not yet booked/ });
    const bookCell = (name: string) => table.getByRole('row', { name: new RegExp(name) }).getByRole('cell').last();
    await expect.poll(() => count.textContent()).toBe('Showing 4 of 4 people not yet booked.');
    await tabTo(page, 'Find a session by title');
    await page.keyboard.type('hilltop');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#book-session-hint').textContent()).toBe('1 upcoming session matches.');
    await tabTo(page, 'Session to book people on');
    await page.keyboard.press('ArrowDown');
    // Hybrid: no seat is taken as chosen, so nobody can be booked onto one unseen.
    const seat = page.getByLabel('Seat to book people on');
    await seat.waitFor();
    expect(await seat.inputValue()).toBe('');
    expect(await bookCell('Aisha Ahmed').innerText()).toBe('Choose a seat first');
    expect(await table.getByRole('button', { name: /^Book / }).count()).toBe(0);
    await checkPage(page, 'staff not yet booked, a hybrid session before its seat is chosen');
    await tabTo(page, 'Seat to book people on');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => seat.inputValue()).toBe('in_person');
    // Each Book button names the seat it books.
    await table.getByRole('button', { name: 'Book Cai Jones on Hilltop hybrid circuits, in-person seat', exact: true }).waitFor();

    // Aisha takes the in-person seat nobody holds: said beside the table, with the session and
    // seat; her row says so, and focus is on those words.
    await activate(page, 'Book Aisha Ahmed on Hilltop hybrid circuits, in-person seat');
    const status = page.locator('#not-booked-status');
    await expect.poll(() => status.textContent()).toBe('Aisha Ahmed is booked on Hilltop hybrid circuits (in-person seat).');
    await expect.poll(() => bookCell('Aisha Ahmed').innerText()).toContain('Booked on Hilltop hybrid circuits (in-person seat).');
    await expectFocused(page, `#not-booked-placed-${aisha.id}`);
    await expect.poll(() => count.textContent()).toBe('Showing 3 of 3 people not yet booked. Also shown: 1 person booked just now.');

    // Ben: the one in-person seat left is held for Valley School, so not free to him. Said as
    // that, not as a full session.
    await activate(page, 'Book Ben Evans on Hilltop hybrid circuits, in-person seat');
    await expect.poll(() => status.textContent()).toBe('No in-person seats on Hilltop hybrid circuits are free to Hilltop Academy’s staff: the 1 empty seat is held for another school. Ben Evans is on the waiting list, place 1.');
    await expect.poll(() => bookCell('Ben Evans').innerText()).toContain('On the waiting list for Hilltop hybrid circuits (in-person seat), place 1.');
    // Still not booked (waiting), so still listed: with no Book button to press again for this session.
    await expect.poll(() => table.getByRole('row', { name: /Ben Evans/ }).getByRole('cell').nth(2).innerText()).toBe('Waiting for a seat');
    expect(await table.getByRole('button', { name: /^Book Ben Evans/ }).count()).toBe(0);
    await expectFocused(page, `#not-booked-placed-${ben.id}`);
    // Nor for the other seat: one place per session.
    await tabTo(page, 'Seat to book people on', { back: true });
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => seat.inputValue()).toBe('online');
    expect(await bookCell('Ben Evans').innerText()).toContain('On the waiting list for Hilltop hybrid circuits (in-person seat), place 1.');
    await table.getByRole('button', { name: 'Book Zoe Office on Hilltop hybrid circuits, online seat', exact: true }).waitFor();

    // The last row booked: its own new words take focus, there being no Book button below it.
    await activate(page, 'Book Zoe Office on Hilltop hybrid circuits, online seat');
    await expect.poll(() => status.textContent()).toBe('Zoe Office is booked on Hilltop hybrid circuits (online seat).');
    await expectFocused(page, `#not-booked-placed-${office.id}`);
    expect(await bookCell('Zoe Office').innerText()).toContain('Booked on Hilltop hybrid circuits (online seat).');
    const booked = await t.db.selectFrom('bookings').select(['user_id', 'seat', 'status']).where('session_id', '=', s.id).execute();
    expect(booked.map((b) => [b.user_id, b.seat, b.status]).sort()).toEqual(
      [[aisha.id, 'in_person', 'confirmed'], [ben.id, 'in_person', 'waitlisted'], [office.id, 'online', 'confirmed']].sort(),
    );
    await checkPage(page, 'staff not yet booked, after booking from it');
  }, 90_000);
  it('between a phone and a desktop (780 and 900 px) a coverage table with a column per course scrolls in its own box, reached by Tab, and the page never sideways; so does the mail outbox', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    for (const title of ['Supporting pupils with autism in mainstream classrooms', 'Speech, language and communication needs in the early years', 'Social, emotional and mental health: de-escalation', 'Dyslexia and literacy difficulties across the curriculum']) {
      expect((await t.request('POST', '/api/courses', { as: admin, body: { title } })).status).toBe(201);
    }
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Rowanfield Learning Partnership', kind: 'trust' } })).json as { id: string };
    await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Rowanfield Primary', parentId: trust.id } });
    for (const width of [780, 900]) {
      const page = await newPage(env.browser, env.server, { viewport: { width, height: 900 } });
      await signInAt(page, admin, `/reach?orgId=${trust.id}`);
      await page.getByRole('region', { name: 'By school, table' }).waitFor();
      await checkPage(page, `training coverage at ${width} px`);
      await tabTo(page, 'By school, table', { max: 120 });
      await page.goto('/admin/mail');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await checkPage(page, `mail outbox at ${width} px`);
      await page.context().close();
    }
  });

  it('a trust where no one has attended yet names no school as having the highest share; once someone has, it names theirs (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Level Learning Trust', kind: 'trust' } })).json as { id: string };
    const schools = [];
    for (const name of ['Level Primary', 'Level Academy']) schools.push((await t.request('POST', '/api/orgs', { as: admin, body: { name, parentId: trust.id } })).json as { id: string });
    const office = await t.user('office', trust.id, 'Lev Office');
    const staff = [await t.user('staff', schools[0]!.id, 'Pat Level'), await t.user('staff', schools[1]!.id, 'Sam Level')];
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach');
    const figure = page.getByRole('region', { name: /^Progress towards 100% by school/ });
    await figure.getByText('No one at any school has attended a session yet.').waitFor();
    expect(await page.getByText(/Highest share of all/).count()).toBe(0);
    await checkPage(page, 'coverage with no one attended');

    // Sam attends one: Level Academy has the highest share.
    t.clock.set(plusMinutes(daysFromNow(-2), -24 * 60));
    const s = await t.session({ title: 'Attended by Sam', startsAt: daysFromNow(-2), endsAt: plusMinutes(daysFromNow(-2), 60), capacity: { online: 5 } });
    const b = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff[1]!, body: {} })).json as { id: string };
    t.clock.set(plusMinutes(daysFromNow(-2), 50));
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${b.id}`, { as: s.trainer, body: { attended: true } })).status).toBe(200);
    t.clock.set(new Date().toISOString());
    await recordAttendanceOutcomes(t.deps);
    await page.reload();
    await page.getByText('Highest share of all: Level Academy, 1 of 1 (100%) attended at least one session.').waitFor();
    expect(await page.getByText('No one at any school has attended a session yet.').count()).toBe(0);
  });

  it('schools of one name (England has many St Mary’s) are told apart by their URN on the page and in its spreadsheet (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Two Marys Trust', kind: 'trust' } })).json as { id: string };
    const marys = [];
    for (const urn of ['100001', '100002']) marys.push((await t.request('POST', '/api/orgs', { as: admin, body: { name: 'St Mary’s Primary', urn, parentId: trust.id } })).json as { id: string });
    await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Unique Primary', urn: '100003', parentId: trust.id } });
    // Someone at the second St Mary's attended: the highest share names it with its URN.
    const mo = await t.user('staff', marys[1]!.id, 'Mo Marys');
    t.clock.set(plusMinutes(daysFromNow(-2), -24 * 60));
    const held = await t.session({ title: 'Held at St Mary’s', startsAt: daysFromNow(-2), endsAt: plusMinutes(daysFromNow(-2), 60), capacity: { online: 5 } });
    const b = (await t.request('POST', `/api/sessions/${held.id}/bookings`, { as: mo, body: {} })).json as { id: string };
    t.clock.set(plusMinutes(daysFromNow(-2), 50));
    expect((await t.request('PUT', `/api/sessions/${held.id}/attendance/${b.id}`, { as: held.trainer, body: { attended: true } })).status).toBe(200);
    t.clock.set(new Date().toISOString());
    await recordAttendanceOutcomes(t.deps);
    // One to a page: the name is shared with a row on another page, and the row says so.
    const one = (await t.request('GET', `/api/reach/coverage?orgId=${trust.id}&orgsLimit=1`, { as: admin })).json;
    // (Which of the two comes first is by id: either, named with its own URN.)
    expect(one.byOrg.map((o: any) => [o.name, o.nameShared])).toEqual([['St Mary’s Primary', true]]);
    expect(['100001', '100002']).toContain(one.byOrg[0].urn);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/reach?orgId=${trust.id}`);
    const table = page.getByRole('table', { name: 'By school' });
    await table.getByRole('link', { name: 'St Mary’s Primary (URN 100001)' }).waitFor();
    await table.getByRole('link', { name: 'St Mary’s Primary (URN 100002)' }).waitFor();
    // A name no other row shares needs no URN.
    await table.getByRole('link', { name: 'Unique Primary', exact: true }).waitFor();
    await page.getByText('Highest share of all: St Mary’s Primary (URN 100002), 1 of 1 (100%) attended at least one session.').waitFor();
    await checkPage(page, 'coverage with two schools of one name');
    const csv = await t.request('GET', `/api/reach/coverage.csv?figure=schools&orgId=${trust.id}`, { as: admin });
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]!.split(',').at(-1)).toBe('urn');
    expect(lines.filter((l) => l.startsWith('St Mary’s Primary,')).map((l) => l.split(',').at(-1)).sort()).toEqual(['100001', '100002']);
  });

  it('between a phone and a desktop (780 and 1024 px) a long email address or school name wraps within its cell: Who is coming, Who is booked where, a session’s staff attendance and Organisations never scroll the page sideways', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('The Blessed Sacrament and Saint Aloysius Gonzaga Catholic Voluntary Academy');
    const office = await t.user('office', org.id, 'Olu Office');
    const trainer = await t.user('trainer', null, 'Rita Trainer');
    const long = await t.user('staff', org.id, 'Alexandra Montgomery-Fitzwilliam');
    const email = 'alexandra.montgomery.fitzwilliam.specialeducationalneedscoordinator@blessedsacramentandsaintaloysiusgonzaga.sch.uk';
    await t.db.updateTable('users').set({ email }).where('id', '=', long.id).execute();
    const s = await t.session({ title: 'Understanding autism', startsAt: daysFromNow(7, 16), endsAt: plusMinutes(daysFromNow(7, 16), 90), capacity: { online: 10 } }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: long, body: {} })).status).toBe(201);
    for (const width of [780, 1024]) {
      const page = await newPage(env.browser, env.server, { viewport: { width, height: 900 } });
      await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
      await page.getByText(email).waitFor();
      await checkPage(page, `Who is coming with a long email at ${width} px`);
      await page.context().close();

      const officePage = await newPage(env.browser, env.server, { viewport: { width, height: 900 } });
      await signInAt(officePage, office, `/office/bookings?from=${daysFromNow(0).slice(0, 10)}`);
      await officePage.getByText('Alexandra Montgomery-Fitzwilliam').first().waitFor();
      await checkPage(officePage, `Who is booked where with a long school name at ${width} px`);
      await officePage.goto(`/sessions/${s.id}`);
      await officePage.getByText('Alexandra Montgomery-Fitzwilliam').first().waitFor();
      await checkPage(officePage, `a session's staff attendance at ${width} px`);
      await officePage.context().close();

      const adminPage = await newPage(env.browser, env.server, { viewport: { width, height: 900 } });
      await signInAt(adminPage, admin, '/admin/orgs');
      await adminPage.getByText(org.name).first().waitFor();
      await checkPage(adminPage, `Organisations with a long name at ${width} px`);
      await adminPage.context().close();
    }
  });
});
