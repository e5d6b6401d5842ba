/**
 * The Audit log says what a name or email was put right from and to (looked up as it is read,
 * never kept in the log): renaming someone and renaming them back reads as two different rows.
 * By keyboard, axe-clean, at 320 CSS px: long values wrap without sideways scrolling, and a
 * value that looks like a spreadsheet formula is shown as the text it is.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, NARROW, newPage, serverAndBrowser, signInTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const LONG_NAME = 'Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh';
const LONG_EMAIL = 'maximiliana.wolfeschlegelsteinhausenbergerdorff@riverside-primary.example';
const FORMULA = '=HYPERLINK("https://evil.example","Click")';

describe.skipIf(!browserAvailable)('the audit log shows what was put right', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('names the old and new values of a rename, the rename back and an email change (320 px, keyboard)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const org = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Riverside Primary' } })).json as { id: string };
    const max = await t.user('staff', org.id, 'Max Teacher');
    const first = max.email;
    const later = () => t.clock.advance(1000);
    const patch = async (body: object) => {
      later();
      expect((await t.request('PATCH', `/api/users/${max.id}`, { as: admin, body })).status).toBe(200);
    };
    await patch({ name: LONG_NAME });
    await patch({ name: 'Max Teacher' });
    await patch({ email: LONG_EMAIL });
    await patch({ name: FORMULA });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people', 'People');
    await activate(page, 'Audit log');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await expectFocused(page, 'h1');
    const count = page.locator('#audit-count');
    await expect.poll(() => count.innerText()).toBe('4 entries, newest first.');
    const rows = page.locator('tbody tr');
    const what = async (i: number) => (await rows.nth(i).locator('td[data-label="What"]').innerText()).replace(/\s+/g, ' ').trim();
    expect(await what(0)).toBe(`Put right their name from “Max Teacher” to “${FORMULA}”`);
    expect(await what(1)).toBe(`Put right their email from “${first}” to “${LONG_EMAIL}”`);
    expect(await what(2)).toBe(`Put right their name from “${LONG_NAME}” to “Max Teacher”`);
    expect(await what(3)).toBe(`Put right their name from “Max Teacher” to “${LONG_NAME}”`);
    // Plain text: the formula made no link, and the row's only links are the people in it.
    expect(await page.locator('a[href*="evil.example"]').count()).toBe(0);
    expect(await rows.nth(0).locator('td[data-label="What"] *').count()).toBe(0);
    await checkPage(page, 'audit log with values put right (320 px)');

    // The person's record is reached from the row by keyboard.
    await activate(page, `${FORMULA} (Riverside Primary)`, { max: 40 });
    await page.getByRole('heading', { level: 1, name: FORMULA }).waitFor();
    await page.context().close();
  });
});
