/**
 * The Audit log page, by keyboard alone, axe-clean, without sideways scrolling at 320 CSS px
 * and at a desktop's width: an administrator changes a teacher's role and organisation and
 * turns an account off on People, then opens Audit log from the menu and reads both in words;
 * a person's record opens their Account history, headed with their name, with a way back to
 * the whole log; "Older entries" turns to the next page by the log's cursor (an entry written
 * meanwhile neither repeats nor skips one) and "Newest entries" back, focus going to the count.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../../server/accounts/audit.js';
import { activate, browserAvailable, checkPage, expectFocused, NARROW, newPage, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const WIDE = { width: 1280, height: 900 };
/** A name with words too long for a 320 px column: it must wrap, not push the page sideways. */
const LONG_NAME = 'Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh';

describe.skipIf(!browserAvailable)('the audit log', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('shows an administrator’s changes in words, a person’s account history, and pages by keyboard (320 px and desktop)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const org = async (name: string) => (await t.request('POST', '/api/orgs', { as: admin, body: { name } })).json as { id: string; name: string };
    const riverside = await org('Riverside Primary');
    const hilltop = await org('Hilltop');
    const tess = await t.user('staff', riverside.id, 'Tess Teacher');
    const owen = await t.user('staff', riverside.id, 'Owen Offline');
    const cara = await t.user('staff', riverside.id, LONG_NAME);
    // The test server's clock stands still unless moved: each change a second after the last, so the log's order is theirs.
    const later = () => t.clock.advance(1000);

    // People: Tess is made school office at Hilltop.
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/people?q=${encodeURIComponent(tess.name)}`, 'People');
    await page.getByRole('heading', { level: 2, name: tess.name }).waitFor();
    await activate(page, /^Change role, job role or organisation, or send a reset link: /, { max: 120 });
    const roleSelect = page.locator(`#role-${tess.id}`);
    await roleSelect.waitFor();
    await tabTo(page, 'Role');
    await page.keyboard.type('School');
    await expect.poll(() => roleSelect.inputValue()).toBe('office');
    await typeInto(page, 'Find organisation by name or URN', 'Hilltop');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`#org-${tess.id}`).inputValue()).toBe(hilltop.id);
    await activate(page, `Save role and organisation for ${tess.name}`);
    await activate(page, 'Yes, save the change');
    await page.getByRole('status').filter({ hasText: `${tess.name} is now school office at Hilltop.` }).waitFor();
    later();

    // People: Owen's account is turned off.
    await typeInto(page, 'Name or email', owen.name, { back: true });
    await page.keyboard.press('Enter');
    const owenCard = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: owen.name }) });
    await owenCard.waitFor();
    await activate(page, `Turn off account: ${owen.name}`, { max: 120 });
    await activate(page, 'Yes, turn it off');
    await owenCard.getByText('Turned off', { exact: true }).waitFor();

    // The Audit log, from the menu (behind "Menu" at 320 px), by keyboard.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await activate(page, 'Audit log');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await expectFocused(page, 'h1');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log', includeHidden: true }).getAttribute('aria-current')).toBe('page');
    const count = page.locator('#audit-count');
    await expect.poll(() => count.innerText()).toBe('2 entries, newest first.');
    const rows = page.locator('tbody tr');
    const cells = async (i: number) => (await rows.nth(i).locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    // Each person named with where they now are: an administrator by role, the others by organisation.
    expect((await cells(0)).slice(1)).toEqual(['Ada Admin (Administrator)', 'Turned the account off', `${owen.name} (Riverside Primary)`]);
    expect((await cells(1)).slice(1)).toEqual(['Ada Admin (Administrator)', 'Changed role from Staff to School office and moved from Riverside Primary to Hilltop', `${tess.name} (Hilltop)`]);
    // When: the date and time in England, with its zone, as other pages show it.
    expect((await cells(0))[0]).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)$/);
    await checkPage(page, 'audit log (320 px)');

    // Whose account links to the person's record, which opens their Account history.
    await activate(page, `${tess.name} (Hilltop)`, { max: 40 });
    await page.getByRole('heading', { level: 1, name: tess.name }).waitFor();
    await expectFocused(page, 'h1');
    await checkPage(page, 'a person’s record (320 px)');
    await activate(page, `Account history: ${tess.name}`, { max: 80 });
    await page.getByRole('heading', { level: 1, name: `Account history: ${tess.name}` }).waitFor();
    await expect.poll(() => count.innerText()).toBe(`1 entry by or about ${tess.name}, newest first.`);
    expect((await cells(0)).slice(1)).toEqual(['Ada Admin (Administrator)', 'Changed role from Staff to School office and moved from Riverside Primary to Hilltop', `${tess.name} (Hilltop)`]);
    expect(await page.title()).toMatch(/^Account history: Tess Teacher – /);
    await checkPage(page, 'account history (320 px)');
    // And back to the whole log.
    await activate(page, 'The whole audit log');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await expectFocused(page, '#audit-count');
    await expect.poll(() => count.innerText()).toBe('2 entries, newest first.');

    // More than a page: 55 more entries (Cara made a captioner and not, by turns).
    for (let i = 0; i < 55; i++) {
      later();
      expect((await t.request('PATCH', `/api/users/${cara.id}`, { as: admin, body: { captioner: i % 2 === 0 } })).status).toBe(200);
    }
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await expect.poll(() => count.innerText()).toBe('The 50 newest entries, newest first. Older entries follow on the next page.');
    expect(await rows.count()).toBe(50);
    expect((await cells(0)).slice(1)).toEqual(['Ada Admin (Administrator)', 'Made them a captioner', `${LONG_NAME} (Riverside Primary)`]);
    await checkPage(page, 'audit log, first of two pages, a long name (320 px)');
    // Written meanwhile: it is not on the older page, which starts where this one ended.
    later();
    expect((await t.request('PATCH', `/api/users/${cara.id}`, { as: admin, body: { captioner: false } })).status).toBe(200);
    await activate(page, 'Older entries', { max: 200 });
    await expectFocused(page, '#audit-count');
    await expect.poll(() => count.innerText()).toBe('7 older entries, newest first. These are the oldest.');
    expect(await rows.count()).toBe(7);
    expect((await cells(5)).slice(2)).toEqual(['Turned the account off', `${owen.name} (Riverside Primary)`]);
    expect((await cells(6)).slice(2)).toEqual(['Changed role from Staff to School office and moved from Riverside Primary to Hilltop', `${tess.name} (Hilltop)`]);
    expect(await page.getByRole('link', { name: 'Older entries' }).count()).toBe(0);
    await checkPage(page, 'audit log, older entries (320 px)');

    // At a desktop's width too.
    await page.setViewportSize(WIDE);
    await checkPage(page, 'audit log, older entries (desktop)');
    await activate(page, 'Newest entries', { max: 40 });
    await expectFocused(page, '#audit-count');
    await expect.poll(() => count.innerText()).toBe('The 50 newest entries, newest first. Older entries follow on the next page.');
    // The entry written meanwhile leads.
    expect((await cells(0)).slice(2)).toEqual(['Stopped them being a captioner', `${LONG_NAME} (Riverside Primary)`]);
    await checkPage(page, 'audit log, newest entries (desktop)');
    await page.goto(`/admin/audit-log?person=${owen.id}`);
    await page.getByRole('heading', { level: 1, name: `Account history: ${owen.name}` }).waitFor();
    await checkPage(page, 'account history (desktop)');
    await page.context().close();
  });

  it('tells identity provider changes and an organisation’s sign-in requirement in words, naming the organisation (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ivy Identity');
    const org = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Kestrel Academy' } })).json as { id: string };
    // Recorded as oidc.ts and updateOrg record them (test/api/oidc.test.ts proves when): read here in words.
    const provider = randomUUID();
    const at = (s: number) => new Date(Date.parse('2026-03-02T09:00:00.000Z') + s * 1000).toISOString();
    const base = { actorId: admin.id, subjectId: provider, subjectKind: 'identity_provider' as const };
    await recordAudit(t.db, { ...base, action: 'add_identity_provider', detail: { label: 'Sign in with Kestrel' }, at: at(1) });
    await recordAudit(t.db, { ...base, action: 'change_identity_provider', detail: { fields: ['label', 'clientSecret', 'orgDomains'] }, at: at(2) });
    await recordAudit(t.db, { actorId: admin.id, subjectId: org.id, subjectKind: 'organisation', action: 'require_own_sign_in', at: at(3) });
    await recordAudit(t.db, { actorId: admin.id, subjectId: org.id, subjectKind: 'organisation', action: 'stop_requiring_own_sign_in', at: at(4) });
    await recordAudit(t.db, { ...base, action: 'remove_identity_provider', detail: { label: 'Kestrel sign-in' }, at: at(5) });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/audit-log?person=${admin.id}`, `Account history: ${admin.name}`);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    const said = async () => Promise.all([0, 1, 2, 3, 4].map(async (i) => (await rows.nth(i).locator('td').allInnerTexts()).slice(1).map((s) => s.replace(/\s+/g, ' ').trim())));
    expect(await said()).toEqual([
      ['Removed the identity provider “Kestrel sign-in”', 'An identity provider since removed'],
      ['Stopped requiring its staff to sign in with their school account', 'Kestrel Academy (organisation)'],
      ['Required its staff to sign in with their school account', 'Kestrel Academy (organisation)'],
      ['Changed the identity provider’s button text, client secret and email domains', 'An identity provider since removed'],
      ['Added the identity provider “Sign in with Kestrel”', 'An identity provider since removed'],
    ]);
    await checkPage(page, 'account history of an administrator’s sign-in changes (320 px)');
    await page.context().close();
  });

  it('says when nothing has been recorded, and refuses an address it cannot read', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const quiet = await t.user('staff', null, 'Quinn Quiet');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/audit-log?person=${quiet.id}`, `Account history: ${quiet.name}`);
    await expect.poll(() => page.locator('#audit-count').innerText()).toBe(`Nothing has been recorded by or about ${quiet.name} yet.`);
    expect(await page.locator('table').count()).toBe(0);
    await checkPage(page, 'an empty account history (320 px)');
    await page.goto('/admin/audit-log?before=not-a-cursor');
    await page.getByRole('alert').filter({ hasText: 'This address does not name a person or a place in the audit log.' }).waitFor();
    await checkPage(page, 'an audit log address it cannot read (320 px)');
    await page.context().close();
  });
});
