/**
 * Mends an exploratory tester asked for on administrators' pages, by keyboard at 320 CSS px,
 * axe-clean:
 *
 * - the Audit log tells people of one name apart (each named with their organisation, or
 *   their role), links the actor to their record as it does the subject, turns its pages
 *   from above the table too, and labels every stacked cell alike ("When:" as "Who:");
 * - a link naming no one (the log filtered to an unknown id, or a person's record) says so
 *   plainly, with the way back;
 * - People: saving the same role and organisation says nothing was changed and sends
 *   nothing; turning an account on, and the role-change question, claim places given up or
 *   a lead role only as far as the page knows; someone else's data downloading is named so;
 * - adding an identity provider at an address that gives none says what to check; an
 *   organisation's time zone is asked for in plain words, with choices; a sign-in requirement
 *   refused for want of a provider links to Identity providers;
 * - renaming a course that has sessions asks first, since its certificates then check as out
 *   of date until downloaded again.
 */
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../../server/accounts/audit.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('administrators’ pages, mended', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('the audit log names each person with their organisation or role, links who did it, pages from above the table and labels each stacked cell alike (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const riverside = await t.org('Riverside Primary');
    const acorns = await t.org('Little Acorns Nursery');
    // Three people of one name, as in the demo.
    const admin = await t.user('admin', null, 'Grace Okafor');
    const office = await t.user('office', riverside.id, 'Grace Okafor');
    const teacher = await t.user('staff', acorns.id, 'Grace Okafor');
    const sam = await t.user('staff', riverside.id, 'Sam Staff');
    // Older entries, enough to fill more than a page (50): about Sam, long ago.
    for (let i = 0; i < 55; i++) await recordAudit(t.db, { action: i % 2 ? 'revoke_captioner' : 'grant_captioner', actorId: admin.id, subjectId: sam.id, at: new Date(Date.parse('2025-01-01T09:00:00.000Z') + i * 1000).toISOString() });
    expect((await t.request('PATCH', `/api/users/${teacher.id}`, { as: admin, body: { captioner: true } })).status).toBe(200);
    t.clock.advance(1000);
    expect((await t.request('PATCH', `/api/users/${sam.id}`, { as: office, body: { disabled: true } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/audit-log', 'Audit log');
    const count = page.locator('#audit-count');
    await expect.poll(() => count.innerText()).toBe('The 50 newest entries, newest first. Older entries follow on the next page.');
    const rows = page.locator('tbody tr');
    const cells = async (i: number) => (await rows.nth(i).locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    expect((await cells(0)).slice(1)).toEqual(['Grace Okafor (Riverside Primary)', 'Turned the account off', 'Sam Staff (Riverside Primary)']);
    expect((await cells(1)).slice(1)).toEqual(['Grace Okafor (Administrator)', 'Made them a captioner', 'Grace Okafor (Little Acorns Nursery)']);
    // Who links to the actor's record, as Done to does to the subject's.
    expect(await rows.nth(0).locator('td[data-label="Who"] a').getAttribute('href')).toBe(`/admin/people/${office.id}`);
    expect(await rows.nth(1).locator('td[data-label="Who"] a').getAttribute('href')).toBe(`/admin/people/${admin.id}`);
    expect(await rows.nth(1).locator('td[data-label="Done to"] a').getAttribute('href')).toBe(`/admin/people/${teacher.id}`);
    // Stacked at 320 px, every cell is labelled alike, the row's header (When) too.
    const labels = await rows.nth(0).evaluate((tr) => [...tr.children].map((c) => getComputedStyle(c, '::before').content));
    expect(labels).toEqual(['"When: "', '"Who: "', '"What: "', '"Done to: "']);
    // The pages turn from above the table too, before its 50 rows in Tab order.
    const above = page.getByRole('navigation', { name: 'Pages of the audit log, above the table' });
    await above.getByRole('link', { name: 'Older entries' }).waitFor();
    expect(await above.evaluate((nav) => !!(nav.compareDocumentPosition(document.querySelector('table')!) & Node.DOCUMENT_POSITION_FOLLOWING))).toBe(true);
    await page.getByRole('navigation', { name: 'Pages of the audit log, below the table' }).getByRole('link', { name: 'Older entries' }).waitFor();
    await checkPage(page, 'audit log naming where each person is (320 px)');

    // By keyboard: the first link after the count is the upper Older entries.
    await count.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Older entries');
    await page.keyboard.press('Enter');
    await expectFocused(page, '#audit-count');
    await expect.poll(() => count.innerText()).toBe('7 older entries, newest first. These are the oldest.');
    await page.getByRole('navigation', { name: 'Pages of the audit log, above the table' }).getByRole('link', { name: 'Newest entries' }).waitFor();
    await checkPage(page, 'audit log, older entries (320 px)');
    await activate(page, 'Newest entries');
    await expectFocused(page, '#audit-count');
    await expect.poll(() => count.innerText()).toBe('The 50 newest entries, newest first. Older entries follow on the next page.');

    // The actor's link opens their record.
    await activate(page, 'Grace Okafor (Riverside Primary)', { max: 20 });
    await page.getByRole('heading', { level: 1, name: 'Grace Okafor' }).waitFor();
    await page.getByRole('listitem').getByText('School office').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/people/${office.id}`);
  });

  it('a link naming no one says so plainly, with the way back to People or the whole log (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const nobody = '7d0f2a52-4e3b-4c51-9a55-2f1d3b0c9e11';
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/audit-log?person=${nobody}`, 'Person not found');
    await page.getByRole('alert').filter({ hasText: 'No one with this link was found. Find them in People, or read the whole audit log.' }).waitFor();
    // Nothing of "someone not found": no history, no count of it.
    expect(await page.getByText(/someone not found/i).count()).toBe(0);
    expect(await page.locator('#audit-count').count()).toBe(0);
    expect(await page.title()).toMatch(/^Error: Person not found – /);
    await checkPage(page, 'an account history for no one (320 px)');
    await activate(page, 'the whole audit log');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();

    await page.goto(`/admin/people/${nobody}`);
    await page.getByRole('heading', { level: 1, name: 'Person not found' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'No one with this link was found. Find them in People.' }).waitFor();
    expect(await page.getByText('There is no such person.').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await checkPage(page, 'a person’s record for no one (320 px)');
    await activate(page, 'Find them in People');
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    // Not an id at all: the same.
    await page.goto('/admin/people/not-an-id');
    await page.getByRole('alert').filter({ hasText: 'No one with this link was found.' }).waitFor();
  });

  it('People: the same role and organisation is not sent; warnings claim only what applies; someone else’s data downloading is named (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const acorns = await t.org('Little Acorns Nursery');
    const nia = await t.user('staff', acorns.id, 'Nia Nochange');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, `/admin/people?q=${encodeURIComponent(nia.name)}`, 'People');
    await page.getByRole('heading', { level: 2, name: nia.name }).waitFor();
    const placements: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/placement')) placements.push(r.method());
    });

    // Saved as it was: nothing sent, and said so.
    await activate(page, /^Change role, job role or organisation, or send a reset link: /, { max: 120 });
    await page.locator(`#role-${nia.id}`).waitFor();
    await activate(page, `Save role and organisation for ${nia.name}`);
    await page.getByRole('status').filter({ hasText: `Nothing was changed: ${nia.name} is still staff at Little Acorns Nursery.` }).waitFor();
    expect(await page.getByText(/is now staff at/).count()).toBe(0);
    expect(placements).toEqual([]);
    expect((await t.request('GET', `/api/audit-log?person=${nia.id}`, { as: admin })).json.items).toEqual([]);
    await checkPage(page, 'People, the same role and organisation saved (320 px)');

    // Made a trainer: the question says what happens to places and a lead role if she has any, not that she has.
    await tabTo(page, 'Role', { back: true });
    await page.keyboard.type('Tr');
    await activate(page, `Save role and organisation for ${nia.name}`);
    const question = page.getByRole('group', { name: `Change ${nia.name}’s role or organisation` }).locator('p');
    await question.waitFor();
    expect(await question.innerText()).toBe(
      `Make ${nia.name} trainer at Little Acorns Nursery? Any places they hold on in-house sessions still to come for staff of Little Acorns Nursery that their new place does not include are given up (they are told of each by email), and if they lead in-house training there, they stop. Changing them back later does not give these back.`,
    );
    await activate(page, 'No, not yet');
    expect(placements).toEqual([]);

    // Their data, downloaded for them: named as theirs.
    const download = page.waitForEvent('download');
    await activate(page, `Download data (JSON file): ${nia.name}`, { back: true, max: 80 });
    await download;
    await page.getByRole('status').filter({ hasText: `${nia.name}'s data file is downloading.` }).waitFor();
    expect(await page.getByText('Your data file is downloading.').count()).toBe(0);

    // Turned off here with no place to give up, then on: no word of places given up.
    await activate(page, `Turn off account: ${nia.name}`);
    await activate(page, 'Yes, turn it off');
    await page.getByRole('status').filter({ hasText: `${nia.name}'s account is turned off and they have been signed out.` }).waitFor();
    // Focus is on the button that took the pressed one's place.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.replace(/\s+/g, ' ').trim())).toBe(`Turn on account: ${nia.name}`);
    await page.keyboard.press('Enter');
    const on = page.getByRole('status').filter({ hasText: `${nia.name}'s account is on again.` });
    await on.waitFor();
    expect(await on.innerText()).toBe(`${nia.name}'s account is on again. They can sign in.`);

    // Turned off elsewhere, before the page opened: what it gave up is not known here, and said so.
    const omar = await t.user('staff', acorns.id, 'Omar Offbefore');
    expect((await t.request('PATCH', `/api/users/${omar.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);
    await page.goto(`/admin/people/${omar.id}`);
    await page.getByRole('heading', { level: 1, name: omar.name }).waitFor();
    await activate(page, `Turn on account: ${omar.name}`, { max: 40 });
    const omarOn = page.getByRole('status').filter({ hasText: `${omar.name}'s account is on again.` });
    await omarOn.waitFor();
    expect(await omarOn.innerText()).toBe(`${omar.name}'s account is on again. They can sign in. If any places were given up when it was turned off, they are not given back: book them again if they still need them.`);
    await checkPage(page, 'a person turned on again (320 px)');
  });

  it('an identity provider at an address that gives none says what to check; an organisation’s time zone in plain words; a sign-in requirement refused links to Identity providers (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const org = await t.org('Kestrel Primary');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/identity-providers', 'Identity providers');
    await typeInto(page, 'Button text', 'Sign in with Kestrel');
    // An address this server cannot read a discovery document at (its own machine: never fetched).
    await typeInto(page, 'Issuer address', 'https://127.0.0.1:9/kestrel-tenant/v2.0');
    await typeInto(page, 'Client ID', 'kestrel-client');
    await activate(page, 'Add identity provider');
    const issuerError = page.locator('#idp-issuer-error');
    await issuerError.waitFor();
    expect((await issuerError.innerText()).replace(/^Error:\s*/, '')).toBe(
      'Issuer address: no identity provider answered there. Check that it is the provider’s issuer address, up to and including the tenant (for Microsoft, https://login.microsoftonline.com/ then your tenant ID then /v2.0; for Google, https://accounts.google.com), and that this server can reach it: a firewall or proxy may block it.',
    );
    expect(await page.getByText('discovery document not readable').count()).toBe(0);
    await checkPage(page, 'an identity provider at an address that gives none (320 px)');

    // The organisation's time zone: asked for as its hint words it, with England's first among the choices.
    await page.goto(`/admin/orgs/${org.id}`);
    await page.getByRole('heading', { level: 1, name: org.name }).waitFor();
    await page.locator('#org-tz-hint').filter({ hasText: 'Written as region and city, such as Europe/London: choose one from the list, or type another.' }).waitFor();
    expect(await page.locator('#org-time-zones option').first().getAttribute('value')).toBe('Europe/London');
    await typeInto(page, 'Time zone', 'London');
    await activate(page, 'Save organisation');
    await page.locator('#org-tz-error').filter({ hasText: 'Time zone must be written as region and city, such as Europe/London' }).waitFor();
    expect(await page.getByText(/IANA/).count()).toBe(0);
    await checkPage(page, 'an organisation’s time zone refused in plain words (320 px)');
    await typeInto(page, 'Time zone', 'Europe/London', { back: true });

    // Requiring its own sign-in with no provider for it: refused, with Identity providers a link beside the box.
    await tabTo(page, 'Staff must sign in with their school account (identity provider), not a password');
    await page.keyboard.press('Space');
    await activate(page, 'Save organisation');
    const ssoError = page.locator('#org-sso-error');
    await ssoError.waitFor();
    expect((await ssoError.innerText()).replace(/^Error:\s*/, '')).toBe('Staff must sign in with their school account is not possible until an identity provider signs in its staff (see Identity providers)');
    expect(await ssoError.getByRole('link', { name: 'Identity providers' }).getAttribute('href')).toBe('/admin/identity-providers');
    await checkPage(page, 'a sign-in requirement refused, linking to Identity providers (320 px)');
    await activate(page, 'Identity providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
  });

  it('renaming a course that has sessions asks first, saying its certificates will check as out of date (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const basics = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Mend Basics' } })).json as { id: string };
    await t.session({ title: 'Mend basics: part 1', courseId: basics.id, startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60) });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/courses', 'Courses');
    await activate(page, 'Edit title and description of Mend Basics', { max: 400 });
    await expectFocused(page, `#title-${basics.id}`);
    // Capitals only: still a new title on every certificate.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Mend basics');
    await activate(page, 'Save title and description of Mend Basics', { max: 10 });
    const question = page.getByRole('group', { name: 'Rename Mend Basics' }).locator('p');
    await question.waitFor();
    await expectFocused(page, '.confirm p[tabindex="-1"]');
    expect(await question.innerText()).toBe('Any certificates already issued for “Mend Basics” print its old title: their codes will check as out of date (not forged) until their holders download them again. Rename it to “Mend basics”?');
    await checkPage(page, 'asked before renaming a course (320 px)');
    // "No, not yet": nothing saved, focus back on Save.
    await activate(page, 'No, not yet');
    await expectFocused(page, `#save-${basics.id}`);
    const titleNow = async () => ((await t.request('GET', '/api/courses', { as: admin })).json.items as { id: string; title: string }[]).find((c) => c.id === basics.id)!.title;
    expect(await titleNow()).toBe('Mend Basics');
    await page.keyboard.press('Enter');
    await question.waitFor();
    await activate(page, 'Yes, rename it');
    await page.getByRole('status').filter({ hasText: '“Mend Basics” is now called “Mend basics”.' }).waitFor();
    await expectFocused(page, `#edit-${basics.id}`);
    expect(await titleNow()).toBe('Mend basics');
  });
});
