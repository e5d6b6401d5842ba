/**
 * What a person is told after an action, and how they see where they are, as an audit
 * proved in Chromium. Each case below failed before its fix: "N sessions published" came in
 * a live region born holding its text (often not announced) while focus went to the
 * heading; a refused (422) training-record download said nothing in the page; and the
 * header's site name, once visited, read white on the yellow focus colour (about 1.6:1).
 * The fourth case guards a refactor (the edit page's "tell people?" question takes focus
 * through the shared useFocusLater hook) and passed before and after it. The last three
 * failed before their fixes too: "Organisation saved." came in a live region born holding
 * it while focus went to the heading; a refused export (403) said nothing yet the page said
 * "Your spreadsheet is downloading."; and a refused (422) cover spreadsheet said nothing.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { schoolWithRecord } from '../record-fixtures.js';
import { browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped, activate, NARROW, typeInto } from './harness.js';

/** axe-core clean, and nothing scrolls sideways (these pages are opened at 320 px). */
async function axeAndReflow(page: Page, what = page.url()) {
  await expectNoAxeViolations(page, what);
  await expectNoSidewaysScroll(page, what);
}

warnIfSkipped(import.meta.url);

const DESKTOP = { viewport: { width: 1280, height: 900 } };

/** WCAG contrast ratio of two `rgb(…)` colours, as the page computes them. */
const contrastOf = (page: Page, a: string, b: string) =>
  page.evaluate(
    ([a, b]) => {
      const lum = (c: string) => {
        const [r, g, bl] = c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
          const s = Number(v) / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
      };
      const [l1, l2] = [lum(a!), lum(b!)].sort((x, y) => y - x);
      return (l1! + 0.05) / (l2! + 0.05);
    },
    [a, b],
  );

/** Monday of next week (UTC date) at `hourUtc`:00 UTC. */
function nextMonday(hourUtc: number): string {
  const d = new Date();
  d.setUTCHours(hourUtc, 0, 0, 0);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== 1);
  return d.toISOString();
}

/**
 * Watches every live region from now on: the first one to hold text matching `pattern` is
 * recorded as having filled a region already in the page (empty before), or as arriving in
 * one created holding it (often not read out). Regions present now are marked old, so a
 * message already shown is not taken for the next one.
 */
async function watchStatuses(page: Page, pattern: RegExp) {
  await page.evaluate((source) => {
    const w = window as unknown as { seenEmptyStatus: WeakSet<Element>; statusHow: string | null; statusObserver?: MutationObserver };
    w.statusObserver?.disconnect();
    w.seenEmptyStatus = new WeakSet();
    w.statusHow = null;
    const re = new RegExp(source);
    for (const el of document.querySelectorAll('[role="status"]')) el.setAttribute('data-old-status', '');
    const look = () => {
      for (const el of document.querySelectorAll('[role="status"]:not([data-old-status])')) {
        if (w.statusHow === null && re.test(el.textContent ?? '')) w.statusHow = w.seenEmptyStatus.has(el) ? 'filled a live region already in the page' : 'arrived in a live region created holding it';
        if (!(el.textContent ?? '').trim()) w.seenEmptyStatus.add(el);
      }
    };
    for (const el of document.querySelectorAll('[role="status"]')) if (!(el.textContent ?? '').trim()) w.seenEmptyStatus.add(el);
    w.statusObserver = new MutationObserver(look);
    w.statusObserver.observe(document.body, { childList: true, subtree: true, characterData: true });
  }, pattern.source);
}

/** Whether the message `watchStatuses` waited for has been announced: focus on it, or it filled a region already there. */
const announcement = (page: Page, pattern: RegExp) =>
  page.evaluate((source) => {
    const re = new RegExp(source);
    const how = (window as unknown as { statusHow: string | null }).statusHow;
    const active = document.activeElement;
    const focusedOnIt = re.test(active?.textContent ?? '') && active?.getAttribute('role') === 'status' && !active.hasAttribute('data-old-status');
    return focusedOnIt || how === 'filled a live region already in the page' ? 'announced' : `not announced: the text ${how ?? 'has not come'}, and focus is on <${active?.tagName.toLowerCase()}> “${active?.textContent?.trim()}”`;
  }, pattern.source);

describe.skipIf(!browserAvailable)('announcements after actions, and the focused site name', () => {
  const env = serverAndBrowser();

  it('a published series: "N sessions published." is announced (focus moves to it, or it fills a live region already there)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(page, 'Title', 'Autism in the classroom');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(14).slice(0, 10)); // the field's own date format depends on the browser's
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'Once');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Every week, for a number of weeks').isChecked()).toBe(true);
    await typeInto(page, 'For how many weeks', '2');

    // Watch every live region: was the one that says "published" in the page, empty, before its text came?
    await page.evaluate(() => {
      const w = window as unknown as { seenEmptyStatus: WeakSet<Element>; publishedHow: string | null };
      w.seenEmptyStatus = new WeakSet();
      w.publishedHow = null;
      const look = () => {
        for (const el of document.querySelectorAll('[role="status"]')) {
          if (w.publishedHow === null && /published/.test(el.textContent ?? '')) w.publishedHow = w.seenEmptyStatus.has(el) ? 'filled a live region already in the page' : 'arrived in a live region created holding it';
          if (!(el.textContent ?? '').trim()) w.seenEmptyStatus.add(el);
        }
      };
      look();
      new MutationObserver(look).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    const message = page.getByRole('status').filter({ hasText: '2 sessions published.' });
    await message.waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(2);
    // Focus settles in the same task as the page's render (a layout effect), or not at all.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const how = (window as unknown as { publishedHow: string | null }).publishedHow;
          const focusedOnIt = /published/.test(document.activeElement?.textContent ?? '') && document.activeElement?.getAttribute('role') === 'status';
          return focusedOnIt || how === 'filled a live region already in the page' ? 'announced' : `not announced: the text ${how}, and focus is on <${document.activeElement?.tagName.toLowerCase()}> “${document.activeElement?.textContent?.trim()}”`;
        }),
      )
      .toBe('announced');
    // The fix moves focus to the message (as other pages do after an action).
    await expectFocused(page, '#my-sessions-status');
    expect(await page.title()).toBe('My sessions: upcoming – SEND Live Training');
    // From the message, Tab goes on down the page.
    await activate(page, 'Past');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    await expect.poll(() => page.title()).toBe('My sessions: past – SEND Live Training');
    await axeAndReflow(page, 'my sessions after publishing a series');
  });

  it('training record: a download the server refuses (422, too many rows) says why in the page, and one it allows still downloads', async () => {
    const { t } = env.server;
    const { school, office } = await schoolWithRecord(t, 3, 2, 'Rowan School'); // 6 attended sessions
    const was = t.deps.config.maxReportBookings;
    t.deps.config.maxReportBookings = 5;
    try {
      // The real answer, as the page's link will get it.
      const refused = await t.request('GET', `/api/orgs/${school.id}/completions.csv`, { as: office });
      expect(refused.status).toBe(422);
      expect(refused.json.error.code).toBe('report_too_large');

      const page = await newPage(env.browser, env.server, NARROW);
      await signInAt(page, office, '/office/record');
      await page.getByRole('heading', { level: 1, name: 'Training record' }).waitFor();
      await page.getByText('Showing 1 to 6 of 6 attended sessions.').waitFor();
      await activate(page, 'Download the whole record as a spreadsheet (CSV)');
      // The server's own words for its 422.
      const alert = page.getByRole('alert').filter({ hasText: 'more than the 5 one spreadsheet can hold' });
      await alert.waitFor({ timeout: 5000 });
      expect(await alert.innerText()).toContain('Read it page by page on the Training record page.');
      // Focus stays on the link, so pressing it again tries again.
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Download the whole record as a spreadsheet (CSV)');
      await axeAndReflow(page, 'training record after a refused download');

      // Within the limit the same link downloads the file, named by the server, and the error goes.
      t.deps.config.maxReportBookings = 100;
      const download = page.waitForEvent('download');
      await page.keyboard.press('Enter');
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^training-record-rowan-school-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(await file.failure()).toBeNull();
      const csv = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(csv[0]).toBe('name,email,session,course,date,start,end,seat,minutes present,audience,organisation');
      expect(csv).toHaveLength(1 + 6);
      await page.getByRole('status').filter({ hasText: 'Your spreadsheet is downloading.' }).waitFor();
      expect(await page.getByRole('alert').filter({ hasText: 'spreadsheet can hold' }).count()).toBe(0);
      await axeAndReflow(page, 'training record after a download');
    } finally {
      t.deps.config.maxReportBookings = was;
    }
  });

  it('the header’s site name, visited and focused by keyboard, reads at 4.5:1 or more on the yellow focus colour', async () => {
    const { t } = env.server;
    const staff = await t.user('staff', (await t.org()).id);
    const page = await newPage(env.browser, env.server, DESKTOP);
    // Visit the site name's own address, then leave it, so its link is :visited.
    await signInAt(page, staff, '/');
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.goto('/bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    await tabTo(page, 'SEND Live Training');
    await expectFocused(page, 'a.site-name:focus-visible');
    // Headless Chromium keeps no visited-links table for this (a link to the visited "/"
    // still draws in the unvisited blue), so :visited is also set the way DevTools' Elements
    // panel sets it; the page then draws exactly as for a link really visited.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'a.site-name' });
    await cdp.send('CSS.forcePseudoState', { nodeId, forcedPseudoClasses: ['visited'] });
    await expectFocused(page, 'a.site-name:focus-visible');

    // getComputedStyle, as the page's scripts see it. Browsers answer it as for an unvisited
    // link (they hide :visited from scripts), so it cannot see a colour only :visited sets.
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return { color: s.color, background: s.backgroundColor };
    });
    expect(style.background).toBe('rgb(255, 191, 71)');
    expect(await contrastOf(page, style.color, style.background), `getComputedStyle: ${style.color} on ${style.background}`).toBeGreaterThanOrEqual(4.5);

    // The computed style with :visited applied (DevTools sees it): this is what failed.
    const visited = Object.fromEntries((await cdp.send('CSS.getComputedStyleForNode', { nodeId })).computedStyle.map((p) => [p.name, p.value]));
    expect(visited['background-color']).toBe('rgb(255, 191, 71)');
    expect(await contrastOf(page, visited['color']!, visited['background-color']!), `visited: ${visited['color']} on ${visited['background-color']}`).toBeGreaterThanOrEqual(4.5);

    // And what is drawn: the link's own box as rendered, its commonest colour the background
    // and the colour most unlike it the text's.
    const png = (await page.locator('a.site-name').screenshot({ animations: 'disabled', caret: 'hide' })).toString('base64');
    const drawn = await page.evaluate(async (png) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [img.width, img.height];
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      const lum = (r: number, g: number, b: number) => {
        const f = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const counts = new Map<string, number>();
      for (let i = 0; i < d.length; i += 4) counts.set(`${d[i]},${d[i + 1]},${d[i + 2]}`, (counts.get(`${d[i]},${d[i + 1]},${d[i + 2]}`) ?? 0) + 1);
      const bg = [...counts].sort((a, b) => b[1] - a[1])[0]![0].split(',').map(Number) as [number, number, number];
      const lb = lum(...bg);
      let best = { ratio: 1, rgb: bg.join(',') };
      for (const key of counts.keys()) {
        const l = lum(...(key.split(',').map(Number) as [number, number, number]));
        const ratio = (Math.max(l, lb) + 0.05) / (Math.min(l, lb) + 0.05);
        if (ratio > best.ratio) best = { ratio, rgb: key };
      }
      return { background: bg.join(','), text: best.rgb, ratio: best.ratio };
    }, png);
    expect(drawn.background).toBe('255,191,71');
    expect(drawn.ratio, `drawn: text rgb(${drawn.text}) on rgb(${drawn.background})`).toBeGreaterThanOrEqual(4.5);
    await cdp.send('CSS.forcePseudoState', { nodeId, forcedPseudoClasses: [] });
    await axeAndReflow(page, 'my bookings with the site name focused');
  });

  it('edit session: the "tell people?" question takes focus when Enter is pressed in a field (through useFocusLater)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const staff = await t.user('staff', (await t.org()).id);
    const s = await t.session({ title: 'Moved again', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60) }, trainer);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Moved again' }).waitFor();
    await typeInto(page, 'Start time', '0900');
    await typeInto(page, 'End time', '1000');
    await page.keyboard.press('Enter');
    await page.getByText('1 person booked or waiting will be told by email').waitFor();
    await expectFocused(page, '.confirm[role="group"]');
    await activate(page, 'Save and tell 1 person');
    await page.getByRole('status').filter({ hasText: 'Changes saved. 1 person has been told.' }).waitFor();
    await expectFocused(page, 'button[type="submit"]');
    await axeAndReflow(page, 'edit session after saving and telling');
  });

  it('organisation saved: "Organisation saved." is announced after adding one and after saving changes (focus moves to it)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/orgs');
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Add an organisation' }).waitFor();
    await typeInto(page, 'Name', 'Hazel Nursery');
    await watchStatuses(page, /Organisation saved\./);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Hazel Nursery' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Organisation saved.' }).waitFor();
    const made = (await t.request('GET', '/api/orgs?q=Hazel', { as: admin })).json.items;
    expect(made.map((o: { name: string }) => o.name)).toEqual(['Hazel Nursery']);
    await expect.poll(() => announcement(page, /Organisation saved\./)).toBe('announced');
    await expectFocused(page, '#org-saved-status');
    expect(await page.title()).toBe('Hazel Nursery – SEND Live Training');
    // From the message, Tab goes on to the form.
    await page.keyboard.press('Tab');
    await expectFocused(page, '#org-name');
    await axeAndReflow(page, 'organisation page after adding it');

    // Saving a change: the page opens again on the message.
    await typeInto(page, 'Travel time around in-person sessions, in minutes (optional)', '30');
    await watchStatuses(page, /Organisation saved\./);
    await page.keyboard.press('Enter');
    await page.locator('[role="status"]:not([data-old-status])').filter({ hasText: 'Organisation saved.' }).waitFor();
    expect((await t.request('GET', `/api/orgs?q=Hazel`, { as: admin })).json.items[0].settings).toEqual({ travelBufferMinutes: 30 });
    await expect.poll(() => announcement(page, /Organisation saved\./)).toBe('announced');
    await expectFocused(page, '#org-saved-status');
    await axeAndReflow(page, 'organisation page after saving a change');
  });

  it('a trust office opening a school\'s page by its address sees that school chosen in the picker, and Show keeps it', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Elm Learning Trust', kind: 'trust' } })).json;
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Elm Primary', parentId: trust.id } })).json;
    const office = await t.user('office', trust.id, 'Eli Trust');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    for (const path of ['/office/export', '/office/bookings', '/office/record']) {
      await page.goto(`${path}?org=${school.id}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const picker = page.getByLabel('School', { exact: true });
      await picker.waitFor();
      // The picker says which school the page is about (it showed the trust, the first option).
      expect(await picker.inputValue()).toBe(school.id);
      await tabTo(page, 'Show');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('org') === school.id);
      expect(await picker.inputValue()).toBe(school.id);
    }
    await axeAndReflow(page, 'office page for a school of the trust');
  });

  it('export bookings: a download the server refuses (403, the school has left the trust) says why in the page, and one it allows still downloads', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Ivy Learning Trust', kind: 'trust' } })).json;
    const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Ivy Primary', parentId: trust.id } })).json;
    const office = await t.user('office', trust.id, 'Tia Trust');
    const staff = await t.user('staff', school.id, 'Sam Ivy');
    const s = await t.session({ title: 'Export me', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60) });
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: staff.id } })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/office/export?org=${school.id}`);
    await page.getByRole('heading', { level: 1, name: 'Export bookings' }).waitFor();
    await page.getByRole('button', { name: 'Download spreadsheet (CSV)' }).waitFor();
    await page.getByText('Download every booking of the staff of Ivy Primary in a date range').waitFor();

    // While the page is open, the school leaves the trust: the trust's office may no longer export its bookings.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId: null } })).status).toBe(200);
    const refused = await t.request('GET', `/api/orgs/${school.id}/bookings.csv`, { as: office });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('forbidden');

    await activate(page, 'Download spreadsheet (CSV)');
    // The server's own words for its 403.
    const alert = page.getByRole('alert').filter({ hasText: 'Only office staff of this organisation or an administrator may do this.' });
    await alert.waitFor({ timeout: 5000 });
    expect(await page.getByRole('status').filter({ hasText: 'is downloading' }).count()).toBe(0);
    // Focus stays on the button, so pressing it again tries again.
    await expectFocused(page, 'button[value="csv"]');
    await axeAndReflow(page, 'export bookings after a refused download');

    // Back in the trust, the same button downloads the file, named by the server, and the error goes.
    expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId: trust.id } })).status).toBe(200);
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^bookings-ivy-primary-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await file.failure()).toBeNull();
    expect(readFileSync((await file.path())!, 'utf8')).toContain('Sam Ivy');
    await page.getByRole('status').filter({ hasText: 'Your spreadsheet is downloading.' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Only office staff' }).count()).toBe(0);
    await axeAndReflow(page, 'export bookings after a download');
  });

  it('who needs cover: a spreadsheet the server refuses (422, too many bookings) says why in the page, and one it allows still downloads', async () => {
    const { t } = env.server;
    const org = await t.org('Juniper School');
    const office = await t.user('office', org.id);
    const [priya, ravi, sol] = [await t.user('staff', org.id, 'Priya Cover'), await t.user('staff', org.id, 'Ravi Cover'), await t.user('staff', org.id, 'Sol Cover')];
    expect((await t.request('PUT', `/api/users/${priya.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 2 phonics\n' })).status).toBe(200);
    const monday = nextMonday(10);
    const s = await t.session({ title: 'Phonics and SEND', mode: 'online', startsAt: monday, endsAt: plusMinutes(monday, 60), capacity: { online: 10 } });
    for (const u of [priya, ravi]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: u.id } })).status).toBe(201);
    const was = t.deps.config.maxReportBookings;
    t.deps.config.maxReportBookings = 2;
    try {
      const page = await newPage(env.browser, env.server, NARROW);
      const day = monday.slice(0, 10);
      await signInAt(page, office, `/office/cover?from=${day}&to=${day}`);
      await page.getByRole('heading', { level: 1, name: 'Who needs cover' }).waitFor();
      const link = page.getByRole('link', { name: 'Download as a spreadsheet (CSV)' });
      await link.waitFor();
      await page.getByRole('row').filter({ hasText: 'Priya Cover' }).waitFor();

      // While the page is open a third person is booked: more than one report may hold.
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: sol.id } })).status).toBe(201);
      const refused = await t.request('GET', (await link.getAttribute('href'))!, { as: office });
      expect(refused.status).toBe(422);
      expect(refused.json.error.code).toBe('report_too_large');

      await activate(page, 'Download as a spreadsheet (CSV)');
      // The server's own words for its 422.
      const alert = page.getByRole('alert').filter({ hasText: 'There are more than 2 bookings between these dates, too many for one report: choose a shorter range.' });
      await alert.waitFor({ timeout: 5000 });
      // Focus stays on the link, so pressing it again tries again.
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Download as a spreadsheet (CSV)');
      await axeAndReflow(page, 'who needs cover after a refused download');

      // Within the limit the same link downloads the file, named by the server, and the error goes.
      t.deps.config.maxReportBookings = was;
      const download = page.waitForEvent('download');
      await page.keyboard.press('Enter');
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^cover-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(await file.failure()).toBeNull();
      expect(readFileSync((await file.path())!, 'utf8')).toContain('Priya Cover');
      await page.getByRole('status').filter({ hasText: 'Your spreadsheet is downloading.' }).waitFor();
      expect(await page.getByRole('alert').filter({ hasText: 'too many for one report' }).count()).toBe(0);
      await axeAndReflow(page, 'who needs cover after a download');
    } finally {
      t.deps.config.maxReportBookings = was;
    }
  });
});
