/**
 * Double-clicking "Yes, turn it off" on a person's page (`/admin/people/:id`), as an exploratory
 * tester did: the question went at the first click, what lay below it moved up, and the second
 * click landed on the "Account history" link, which opened the audit log, so the administrator
 * never read what turning the account off did ("places given up"). Now a double click turns the
 * account off once and leaves the administrator on the person's page, reading the result, which
 * is in the page's status region (announced) and where the question was; no control is under
 * the pointer the second click lands on. At 1280 px and at 320 px, axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const WIDE = { viewport: { width: 1280, height: 900 } };

/** What is at the page's point (x, y): the control there (a link, a button...), if any, and the text of the block there. */
const at = (page: Page, x: number, y: number) =>
  page.evaluate(([px, py]) => {
    const el = document.elementFromPoint(px!, py!);
    const control = el?.closest('a[href], button, summary, input, select, textarea');
    return { control: control ? `<${control.tagName.toLowerCase()}> ${(control.textContent ?? '').trim()}` : null, text: (el?.closest('p, div, li')?.textContent ?? '').trim() };
  }, [x, y] as const);

describe.skipIf(!browserAvailable)('double-clicking "Yes, turn it off"', () => {
  const env = serverAndBrowser();

  for (const [size, viewport, delay] of [
    ['1280 px', WIDE, 150],
    ['320 px', NARROW, 150],
    ['1280 px, a quick answer', WIDE, 0],
  ] as const) {
    it(`turns the account off once and leaves the administrator on the person's page, reading what it gave up (${size})`, async () => {
      const { t } = env.server;
      const admin = await t.user('admin');
      const org = await t.org('Hazel Primary');
      const jo = await t.user('staff', org.id, `Jo Bloggs ${delay ? size : 'answered at once'}`);
      const start = daysFromNow(6);
      const s = await t.session({ title: 'Attention autism', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 10 } });
      expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: jo, body: {} })).status).toBe(201);

      const page = await newPage(env.browser, env.server, viewport);
      const path = `/admin/people/${jo.id}`;
      await signInTo(page, admin, path, jo.name);
      // The PATCH answers after a moment, as a real server's does (what the page shows meanwhile is under the pointer too), or at once.
      let patches = 0;
      await page.route(`**/api/users/${jo.id}`, async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        patches++;
        await new Promise((r) => setTimeout(r, delay));
        return route.continue();
      });
      await page.getByRole('button', { name: `Turn off account: ${jo.name}` }).click();
      const yes = page.getByRole('button', { name: 'Yes, turn it off' });
      await yes.scrollIntoViewIfNeeded();
      const box = (await yes.boundingBox())!;
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      const answered = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/api/users/${jo.id}`);
      await page.mouse.dblclick(x, y);
      await answered;
      await new Promise((r) => setTimeout(r, 200));
      expect(new URL(page.url()).pathname, 'still on the person’s page').toBe(path);

      const said = `${jo.name}'s account is turned off and they have been signed out. Their place on a session still to come was given up for others, and they have been told by email.`;
      // Announced: in the page's status region.
      await page.locator('#person-status[role="status"]').filter({ hasText: said }).waitFor();
      expect(new URL(page.url()).pathname, 'still on the person’s page').toBe(path);
      await page.getByRole('heading', { level: 1, name: jo.name }).waitFor();
      // Shown where the question was: under the pointer now are these words, and no control.
      expect(await at(page, x, y), 'what is under the pointer after the double click').toEqual({ control: null, text: said });
      // Focus is on the button that took the place of the one pressed, as after a single click.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.replace(/\s+/g, ' ').trim())).toBe(`Turn on account: ${jo.name}`);
      // Turned off once: one request, the account off, the audit log's one entry.
      expect(patches).toBe(1);
      const person = (await t.request('GET', `/api/users/${jo.id}`, { as: admin })).json as { disabled: boolean };
      expect(person.disabled).toBe(true);
      // A third click where the second landed: still nothing pressed, still here.
      await page.mouse.click(x, y);
      await new Promise((r) => setTimeout(r, 300));
      expect(new URL(page.url()).pathname).toBe(path);
      expect(patches).toBe(1);
      await checkPage(page, `the person's page after turning the account off (${size})`);
    });
  }
});
