/**
 * Training coverage of groups with nobody in them, as an administrator reads a trust's at 320 px
 * by keyboard: a job role no one has and a school with no staff yet say "No staff" (never
 * "0 of 0 (0%)"), as their spreadsheets do; the trust's own people are named as the trust's own
 * staff, not listed as one more school; and the way back names where it goes.
 */
import type { Download } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, NARROW, newPage, serverAndBrowser, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

async function text(download: Download) {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!browserAvailable)('coverage of groups with nobody in them', () => {
  const env = serverAndBrowser();

  it('says "No staff" for a job role and a school with nobody in them, as the spreadsheets do, names the trust’s own staff, and goes back to the whole programme by name', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string };
    const trust = await org({ name: 'Elm Trust', kind: 'trust' });
    const ash = await org({ name: 'Ash Primary', parentId: trust.id });
    await org({ name: 'Empty Infants', parentId: trust.id });
    const teacher = await t.user('staff', ash.id, 'Tia Teacher');
    await t.db.updateTable('users').set({ job_role: 'teacher' }).where('id', '=', teacher.id).execute();
    await t.user('office', trust.id, 'Tom Trust-Office');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/reach?orgId=${trust.id}`, 'Training coverage: Elm Trust');
    const bySchool = page.getByRole('table', { name: 'By school' });
    await bySchool.waitFor();
    const rows = (await bySchool.getByRole('row').allInnerTexts()).slice(1).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      expect.stringMatching(/^Ash Primary .*1 .*0 of 1 \(0%\)/),
      expect.stringMatching(/^Elm Trust: the trust’s own staff \(not at a school\) .*1 .*0 of 1 \(0%\)/),
      expect.stringMatching(/^Empty Infants .*0 .*No staff .*No staff/),
    ]);
    const byRole = page.getByRole('table', { name: 'By job role' });
    const assistants = byRole.getByRole('row', { name: /Teaching assistant/ });
    expect((await assistants.getByRole('cell').allInnerTexts()).map((c) => c.trim())).toEqual(['0', 'No staff', 'No staff']);
    expect((await byRole.getByRole('row', { name: /Teacher/ }).first().getByRole('cell').allInnerTexts()).map((c) => c.trim())).toEqual(['1', '0 of 1 (0%)', '0 of 1 (0%)']);
    // Nowhere on the page: "0 of 0 (0%)".
    expect(await page.locator('main').innerText()).not.toContain('0 of 0');
    const roleChart = page.getByRole('img', { name: 'Share of staff who attended at least one session, by job role', exact: true });
    const summary = await roleChart.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
    expect(summary).toContain('No staff: Teaching assistant, Support staff, Leadership, Early years');
    await checkPage(page, 'training coverage of a trust with empty groups (320 px)');

    // The spreadsheets say the same.
    const [download] = await Promise.all([page.waitForEvent('download'), activate(page, 'Download “By job role” as a spreadsheet (CSV)', { max: 200 })]);
    const csv = await text(download);
    expect(csv).toContain('Teaching assistant,0,0,No staff,0,No staff');
    const [schools] = await Promise.all([page.waitForEvent('download'), activate(page, 'Download “Progress towards 100% by school” as a spreadsheet (CSV)', { back: true, max: 200 })]);
    const schoolsCsv = await text(schools);
    expect(schoolsCsv).toContain('Elm Trust: the trust’s own staff (not at a school),1,0,0,0,0');
    expect(schoolsCsv).toContain('Empty Infants,0,0,No staff,0,No staff');

    // Back: named for where it goes, the whole programme.
    await tabTo(page, 'Back to coverage for the whole programme', { back: true, max: 200 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Training coverage: The whole programme' }).waitFor();
    await checkPage(page, 'training coverage of the whole programme (320 px)');
  }, 90_000);
});
