/**
 * "Erase personal data" on a person's card, by keyboard: a school office, on Staff accounts,
 * turns off a member of staff who has left and erases their personal data (asked first, with
 * what it means; "No, keep their data" changes nothing); an administrator does the same on
 * People at 320 CSS px. The card leaves the list and the message saying what happened takes
 * focus. Before erasing, the office downloads a copy of the leaver's data (a subject access
 * request) from the card. Axe-clean, no sideways scrolling.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, newPage, serverAndBrowser, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const WIDE = { viewport: { width: 1280, height: 900 } };

describe.skipIf(!browserAvailable)('erasing the personal data of someone who has left', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('a school office turns off a member of staff and erases their personal data, by keyboard', async () => {
    const { t } = env.server;
    const org = await t.org('Birchwood Primary');
    const office = await t.user('office', org.id, 'Olive Office');
    const leaver = await t.user('staff', org.id, 'Lorna Leaver');
    await t.user('staff', org.id, 'Stella Stays');

    const page = await newPage(env.browser, env.server, WIDE);
    await signInAt(page, office, `/office/people?org=${org.id}`);
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Lorna Leaver' }) });
    await card.waitFor();
    // Not offered while the account is on.
    expect(await card.getByRole('button', { name: /^Erase personal data/ }).count()).toBe(0);

    await activate(page, 'Turn off account: Lorna Leaver');
    await activate(page, 'Yes, turn it off');
    await card.getByText('Turned off', { exact: true }).waitFor();
    // The Staff accounts page with the erase control, at 320 CSS px too.
    await page.setViewportSize({ width: 320, height: 900 });
    await checkPage(page, 'staff accounts with the erase control (office, 320 px)');
    await page.setViewportSize(WIDE.viewport);

    // Before erasing, the school answers her subject access request: a copy of her data, by keyboard.
    // Its name starts with the words it shows (WCAG 2.5.3), then whose.
    // A download that fails is said in her card (a plain link failed only in the browser's downloads); Enter again tries again.
    let failing = true;
    await page.route('**/api/users/*/data', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    await tabTo(page, 'Download data (JSON file): Lorna Leaver');
    await page.keyboard.press('Enter');
    await card.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).waitFor();
    await expectFocused(page, 'a[download][href$="/data"]');
    await checkPage(page, 'staff accounts after a failed data download (office)');
    failing = false;
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^personal-data-Lorna Leaver-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    expect(data.account).toMatchObject({ id: leaver.id, name: 'Lorna Leaver', email: leaver.email, disabled: true });
    expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'subject_id']).orderBy('action').execute()).toEqual([
      { action: 'disable_account', actor_id: office.id, subject_id: leaver.id },
      { action: 'export_personal_data', actor_id: office.id, subject_id: leaver.id },
    ]);

    // Asked first, with what it means; keeping changes nothing and gives focus back.
    await activate(page, 'Erase personal data: Lorna Leaver');
    const question = card.getByText(/^Erase Lorna Leaver's personal data for good\? This cannot be undone\./);
    await question.waitFor();
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'erase personal data: the question (office)');
    await activate(page, 'No, keep their data');
    await expectFocused(page, 'button.button-danger');
    expect((await t.db.selectFrom('users').select(['name', 'erased_at']).where('id', '=', leaver.id).executeTakeFirstOrThrow())).toEqual({ name: 'Lorna Leaver', erased_at: null });

    await activate(page, 'Erase personal data: Lorna Leaver', { back: true });
    await activate(page, 'Yes, erase for good');
    const status = page.locator('#staff-status');
    await status.filter({ hasText: "Lorna Leaver's personal data has been erased for good. They are no longer listed" }).waitFor();
    await expectFocused(page, '#staff-status');
    await expect.poll(() => card.count()).toBe(0);
    await page.getByRole('heading', { name: 'Stella Stays' }).waitFor();
    await checkPage(page, 'personal data erased (office)');

    const row = await t.db.selectFrom('users').select(['name', 'email', 'erased_at', 'disabled_at']).where('id', '=', leaver.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Erased person', email: `erased-${leaver.id}@erased.invalid` });
    expect(row.erased_at).not.toBeNull();

    // After a reload they are still not listed.
    await page.reload();
    await page.getByRole('heading', { name: 'Stella Stays' }).waitFor();
    expect(await page.getByRole('heading', { name: /Lorna Leaver|Erased person/ }).count()).toBe(0);
  });

  it('an administrator erases a turned-off person on People, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const org = await t.org('Larchfield Academy');
    const gone = await t.user('staff', org.id, 'Gideon Gonewest');
    expect((await t.request('PATCH', `/api/users/${gone.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/people?q=${encodeURIComponent('Gideon Gonewest')}`);
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Gideon Gonewest' }) });
    await card.getByText('Turned off', { exact: true }).waitFor();

    await activate(page, 'Erase personal data: Gideon Gonewest');
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'erase personal data: the question (admin, 320 px)');
    await tabTo(page, 'Yes, erase for good');
    await page.keyboard.press('Enter');
    const status = page.locator('#people-status');
    await status.filter({ hasText: "Gideon Gonewest's personal data has been erased for good." }).waitFor();
    await expectFocused(page, '#people-status');
    await expect.poll(() => card.count()).toBe(0);
    await page.locator('#people-count').filter({ hasText: 'No one matches “Gideon Gonewest”.' }).waitFor();
    await checkPage(page, 'personal data erased (admin, 320 px)');
    expect((await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'subject_id']).where('subject_id', '=', gone.id).orderBy('action').execute())).toEqual([
      { action: 'disable_account', actor_id: admin.id, subject_id: gone.id },
      { action: 'erase_personal_data', actor_id: admin.id, subject_id: gone.id },
    ]);
  });
});
