/**
 * Putting a person's name and email right, in a real browser, by keyboard at 320 CSS pixels,
 * axe-clean: an administrator on People, and a school office on Staff accounts for a member
 * of its staff. A problem is said beside its field and in the summary, which takes focus (an
 * address another account has, by the email field); once saved, the page says what changed,
 * the card shows the new name and address, and focus stays on the button pressed.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, NARROW, newPage, serverAndBrowser, signInAt, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('putting a person’s name and email right', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  const stored = (id: string) => env.server.t.db.selectFrom('users').select(['name', 'email']).where('id', '=', id).executeTakeFirstOrThrow();

  it('an administrator corrects a misspelt name and a new address on People; a taken address is said by the field (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = await t.org('Birch Primary');
    const samira = await t.user('staff', org.id, 'Samira Okafr');
    const other = await t.user('staff', org.id, 'Someone Else');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/people?q=Samira`);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Samira Okafr' }) });
    await card.waitFor();

    await activate(page, 'Change name or email: Samira Okafr', { max: 80 });
    // The form holds the details as they are.
    const nameField = page.locator(`#details-name-${samira.id}`);
    await nameField.waitFor();
    expect(await nameField.inputValue()).toBe('Samira Okafr');
    expect(await page.locator(`#details-email-${samira.id}`).inputValue()).toBe(samira.email);
    await checkPage(page, 'people page, changing a name and email (320 px)');

    // No name: said by the field and in the summary, which takes focus; nothing is sent.
    await typeInto(page, 'Full name', '');
    await page.keyboard.press('Backspace');
    await activate(page, 'Save name and email for Samira Okafr');
    await expectFocused(page, '.error-summary');
    await page.locator(`#details-name-${samira.id}-error`).filter({ hasText: 'Full name is required' }).waitFor();
    expect(await page.locator('.error-summary').getByRole('link').allTextContents()).toEqual(['Full name is required']);
    await checkPage(page, 'people page, a name left out (320 px)');

    // The name put right, and an address another account has: said by the email field.
    await typeInto(page, 'Full name', 'Samira Okafor');
    await typeInto(page, 'Email address', other.email.toUpperCase());
    await activate(page, 'Save name and email for Samira Okafr');
    await expectFocused(page, '.error-summary');
    await page.locator(`#details-email-${samira.id}-error`).filter({ hasText: 'Email address: this address already belongs to another account. Use a different one.' }).waitFor();
    expect(await page.locator(`#details-email-${samira.id}`).getAttribute('aria-invalid')).toBe('true');
    expect(await stored(samira.id)).toEqual({ name: 'Samira Okafr', email: samira.email });
    await checkPage(page, 'people page, an email already taken (320 px)');

    // From the summary's link to the field, as a keyboard user goes.
    await tabTo(page, 'Email address: this address already belongs to another account. Use a different one.');
    await page.keyboard.press('Enter');
    await expectFocused(page, `#details-email-${samira.id}`);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Samira.Okafor@birch-academy.sch.uk');
    await activate(page, 'Save name and email for Samira Okafr');
    const status = page.locator('#people-status');
    await status.filter({ hasText: 'Saved. Samira Okafr is now Samira Okafor, and their email address is now samira.okafor@birch-academy.sch.uk. Sign-in links and password reset links sent to the old address no longer work. Certificates they download from now on show the new name.' }).waitFor();
    // The card shows them as they now are; focus stays on the button pressed (now named for the new name).
    const renamed = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Samira Okafor' }) });
    await renamed.locator('dd', { hasText: 'samira.okafor@birch-academy.sch.uk' }).waitFor();
    await expectFocused(page, `#save-details-${samira.id}`);
    expect(await page.locator(`#save-details-${samira.id}`).textContent()).toBe('Save name and email for Samira Okafor');
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await stored(samira.id)).toEqual({ name: 'Samira Okafor', email: 'samira.okafor@birch-academy.sch.uk' });
    await checkPage(page, 'people page after putting a name and email right (320 px)');
  });

  it('someone put right so that they no longer hold what People was searched for leaves the list, and the message saying so takes focus', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const misspelt = await t.user('staff', (await t.org()).id, 'Jon Smtih');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/people?q=Smtih`);
    await page.getByRole('heading', { level: 2, name: 'Jon Smtih' }).waitFor();
    await activate(page, 'Change name or email: Jon Smtih', { max: 80 });
    await page.locator(`#details-name-${misspelt.id}`).waitFor();
    await typeInto(page, 'Full name', 'Jon Smith');
    await activate(page, 'Save name and email for Jon Smtih');
    const status = page.locator('#people-status');
    await status.filter({ hasText: 'Saved. Jon Smtih is now Jon Smith. Certificates they download from now on show the new name. They are no longer listed here: this list shows people matching “Smtih” only.' }).waitFor();
    await expectFocused(page, '#people-status');
    expect(await page.getByRole('heading', { level: 2, name: /Jon Sm/ }).count()).toBe(0);
    expect((await stored(misspelt.id)).name).toBe('Jon Smith');
    await checkPage(page, 'people page after a rename took someone off the list searched for (320 px)');
  });

  it('a school office corrects a member of staff’s name and email on Staff accounts; an address that is not one, and one taken, are said by the field (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id, 'Ola Office');
    const cath = await t.user('staff', org.id, 'Cath Colleage');
    const taken = await t.user('staff', (await t.org()).id, 'At Another School');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, office, '/office/people', 'Staff accounts', { nav: 'Staff accounts' });
    await page.getByRole('heading', { level: 2, name: 'Cath Colleage' }).waitFor();
    // Office staff put right their staff's details, not their own or an office colleague's.
    expect(await page.locator('summary', { hasText: 'Change name or email' }).allTextContents()).toEqual(['Change name or email: Cath Colleage']);

    await activate(page, 'Change name or email: Cath Colleage', { max: 80 });
    await page.locator(`#details-name-${cath.id}`).waitFor();
    await typeInto(page, 'Full name', 'Cath Colleague');
    await typeInto(page, 'Email address', 'cath at rowan');
    await activate(page, 'Save name and email for Cath Colleage');
    await expectFocused(page, '.error-summary');
    await page.locator(`#details-email-${cath.id}-error`).filter({ hasText: 'Email address must be an email address' }).waitFor();
    await checkPage(page, 'staff accounts, an email that is not one (320 px)');

    await typeInto(page, 'Email address', taken.email);
    await activate(page, 'Save name and email for Cath Colleage');
    await page.locator(`#details-email-${cath.id}-error`).filter({ hasText: 'this address already belongs to another account' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await stored(cath.id)).toEqual({ name: 'Cath Colleage', email: cath.email });
    await checkPage(page, 'staff accounts, an email already taken (320 px)');

    await typeInto(page, 'Email address', 'cath.colleague@rowan.sch.uk');
    await activate(page, 'Save name and email for Cath Colleage');
    await page.locator('#staff-status').filter({ hasText: 'Saved. Cath Colleage is now Cath Colleague, and their email address is now cath.colleague@rowan.sch.uk.' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Cath Colleague' }) });
    await card.locator('dd', { hasText: 'cath.colleague@rowan.sch.uk' }).waitFor();
    await expectFocused(page, `#save-details-${cath.id}`);
    expect(await stored(cath.id)).toEqual({ name: 'Cath Colleague', email: 'cath.colleague@rowan.sch.uk' });
    await checkPage(page, 'staff accounts after putting a name and email right (320 px)');
  });
});
