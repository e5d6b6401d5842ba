/**
 * Signing in with an identity provider in a real browser, by keyboard, at 320 CSS pixels,
 * axe-clean: an administrator adds the provider on the Identity providers page; a person
 * presses its button on the sign-in page, goes to the provider (a test issuer on 127.0.0.1
 * that signs them in at once) and comes back signed in, with a staff account in the school of
 * their email domain, listed on My account; a refusal is told in plain words. An administrator
 * changes a provider (another email domain, a new client secret, which organisations its
 * claim may name) by keyboard on its own page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../oidc-issuer.js';
import { activate, browserAvailable, expectFocused, newPage, serverAndBrowser, signInAt, tabTo, typeInto, warnIfSkipped, checkPage, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('sign in with an identity provider', () => {
  const env = serverAndBrowser();
  let op: TestIssuer;
  beforeAll(async () => {
    op = await startTestIssuer();
    env.server.t.deps.config.outbound.allow = [op.hostPort];
    env.server.t.deps.config.oidcSecretKey = 'a browser test key that is long enough';
  });
  afterAll(async () => {
    await op?.close();
  });

  it('an administrator adds a provider; a person signs in with it and gets a staff account in their school', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const admin = await t.user('admin');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/identity-providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await checkPage(page, 'identity providers page');

    await tabTo(page, 'Button text');
    await page.keyboard.type('Sign in with Birch');
    // Added with the issuer and client ID missing: each said in words, not the schema's own ("Invalid URL").
    await tabTo(page, 'Add identity provider');
    await page.keyboard.press('Enter');
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: 'Issuer address must be the provider’s web address, such as https://login.microsoftonline.com/…/v2.0' }).waitFor();
    await summary.getByRole('link', { name: 'Client ID is required' }).waitFor();
    await checkPage(page, 'identity provider form with the issuer and client ID missing');
    await tabTo(page, 'Issuer address');
    await page.keyboard.type(op.issuer);
    await tabTo(page, 'Client ID');
    await page.keyboard.type(op.clientId);
    await tabTo(page, 'Client secret');
    await page.keyboard.type('test-client-secret');
    await tabTo(page, 'Email domain 1');
    await page.keyboard.type('birch.sch.uk');
    // The organisation is found by name (one match is chosen at once).
    await tabTo(page, 'Find the organisation for email domain 1 by name or URN');
    await page.keyboard.type('Birch');
    await expect.poll(() => page.locator('#idp-org-1 option:checked').innerText()).toBe('Birch Primary');
    // This service failing to answer is said above the button with Try again, not as an issuer error.
    let failing = true;
    await page.route('**/api/identity-providers', (route) =>
      failing && route.request().method() === 'POST' ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await tabTo(page, 'Add identity provider');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    expect(await page.locator('#idp-issuer').getAttribute('aria-invalid')).toBeNull();
    await checkPage(page, 'identity provider form, the save failed');
    failing = false;
    await tabTo(page, 'Try again');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Added “Sign in with Birch”' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Sign in with Birch' }).waitFor();
    // Its email domain is shown with the organisation's name (named by the server, not looked up in a list of all).
    await page.getByText('birch.sch.uk → Birch Primary').waitFor();
    expect(await page.content()).not.toContain('test-client-secret');
    // The providers are cards, not a bulleted list indented from the page's edge (at 320 px every pixel counts).
    const list = page.locator('ul').filter({ has: page.getByRole('heading', { level: 2, name: 'Sign in with Birch' }) });
    expect(await list.evaluate((ul) => [getComputedStyle(ul).listStyleType, getComputedStyle(ul).paddingLeft])).toEqual(['none', '0px']);
    await checkPage(page, 'identity providers page with a provider');

    op.next = { claims: (nonce, d) => ({ ...d, nonce, sub: 'birch-1', email: 'robin@birch.sch.uk', name: 'Robin Ash' }) };
    const person = await newPage(env.browser, env.server, NARROW);
    await person.goto('/signin');
    await person.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await person.getByRole('link', { name: 'Sign in with Birch' }).waitFor();
    await checkPage(person, 'sign-in page with a provider');
    await tabTo(person, 'Sign in with Birch');
    await person.keyboard.press('Enter');
    await person.getByRole('button', { name: 'Sign out' }).waitFor();
    const me = await person.evaluate(async () => (await fetch('/api/me')).json());
    expect(me).toMatchObject({ email: 'robin@birch.sch.uk', name: 'Robin Ash', role: 'staff', orgId: org.id });

    await person.goto('/account');
    await person.getByRole('heading', { level: 2, name: 'How you sign in' }).waitFor();
    await person.getByText(/Sign in with Birch \(linked/).waitFor();
    await checkPage(person, 'my account with sign-in methods');
  });

  it('someone whose email maps to no school is told so in plain words, and nothing is created', async () => {
    const { t, baseUrl } = env.server;
    const admin = await t.user('admin');
    const made = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Nowhere', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret' } });
    expect(made.status).toBe(201);
    op.next = { claims: (nonce, d) => ({ ...d, nonce, sub: 'lost-1', email: 'lost@elsewhere.org.uk' }) };
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto(`${baseUrl}/signin`);
    await page.getByRole('link', { name: 'Sign in with Nowhere' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not belong to an organisation that uses this service' }).waitFor();
    await checkPage(page, 'sign-in page after a refusal');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'lost@elsewhere.org.uk').execute()).toHaveLength(0);
  });

  it('too many sign-in attempts from one place: the school sign-in button leads back to the sign-in page saying to wait, in words (320 px)', async () => {
    const { t, baseUrl } = env.server;
    const admin = await t.user('admin');
    const made = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Busy', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret' } });
    expect(made.status).toBe(201);
    const limits = t.deps.config.signInLimits;
    t.deps.config.signInLimits = { ...limits, perClient: 0 };
    try {
      const page = await newPage(env.browser, env.server, NARROW);
      await page.goto(`${baseUrl}/signin`);
      await page.getByRole('link', { name: 'Sign in with Busy' }).click();
      await page.getByRole('alert').filter({ hasText: 'too many sign-in attempts from here just now' }).waitFor();
      expect(new URL(page.url()).searchParams.get('sso_error')).toBe('rate_limited');
      await checkPage(page, 'sign-in page after too many attempts');
    } finally {
      t.deps.config.signInLimits = limits;
    }
  });
  it('a personal Google account with a school address is refused in plain words; the administrator sees the provider takes Workspace accounts only (keyboard, 320 px)', async () => {
    const { t, baseUrl } = env.server;
    const org = await t.org('Hazel Primary');
    const admin = await t.user('admin');
    const before = t.deps.config.workspaceIssuers;
    // The test issuer stands in for Google's, whose issuer serves personal accounts too.
    t.deps.config.workspaceIssuers = [op.issuer];
    try {
      const made = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Google', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret', orgDomains: [{ domain: 'hazel.sch.uk', orgId: org.id }] } });
      expect(made.status).toBe(201);
      const adminPage = await newPage(env.browser, env.server, NARROW);
      await signInAt(adminPage, admin, '/admin/identity-providers');
      const card = adminPage.getByRole('listitem').filter({ has: adminPage.getByRole('heading', { level: 2, name: 'Sign in with Google' }) });
      await card.getByText('Google Workspace accounts only: a personal Google account is refused, even with a school email address').waitFor();
      await checkPage(adminPage, 'identity providers page with a Workspace-only provider');

      op.next = { claims: (nonce, d) => ({ ...d, nonce, sub: 'personal-1', email: 'former.teacher@hazel.sch.uk', email_verified: true }) };
      const page = await newPage(env.browser, env.server, NARROW);
      await page.goto(`${baseUrl}/signin`);
      await tabTo(page, 'Sign in with Google');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'The account you chose is a personal account, not one your school or trust looks after' }).waitFor();
      await checkPage(page, 'sign-in page after a personal account was refused');
      expect(await t.db.selectFrom('users').select('id').where('email', '=', 'former.teacher@hazel.sch.uk').execute()).toHaveLength(0);
    } finally {
      t.deps.config.workspaceIssuers = before;
    }
  });
  it('an administrator changes a provider by keyboard at 320 px: adds a second email domain and replaces the secret; a bad domain is said by its field; the list shows the change', async () => {
    const { t } = env.server;
    const rowan = await t.org('Rowan Primary');
    await t.org('Yew Academy');
    const admin = await t.user('admin');
    const made = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Rowan', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret', orgDomains: [{ domain: 'rowan.sch.uk', orgId: rowan.id }] } });
    expect(made.status).toBe(201);
    const stored = () => t.db.selectFrom('identity_providers').selectAll().where('id', '=', made.json.id).executeTakeFirstOrThrow();
    const before = await stored();
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/identity-providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();

    await activate(page, 'Edit Sign in with Rowan');
    await page.getByRole('heading', { level: 1, name: 'Edit: Sign in with Rowan' }).waitFor();
    await expectFocused(page, 'h1');
    expect(await page.locator('#idp-domain-1').inputValue()).toBe('rowan.sch.uk');
    await expect.poll(() => page.locator('#idp-org-1 option:checked').innerText()).toBe('Rowan Primary');
    await checkPage(page, 'a provider’s own page');

    // Another row, which takes focus; one added by mistake is removed again, focus going to the row before.
    await activate(page, 'Add another email domain');
    await expectFocused(page, '#idp-domain-2');
    await page.keyboard.type('yew_academy');
    await tabTo(page, 'Find the organisation for email domain 2 by name or URN');
    await page.keyboard.type('Yew');
    await expect.poll(() => page.locator('#idp-org-2 option:checked').innerText()).toBe('Yew Academy');
    await activate(page, 'Add another email domain');
    await expectFocused(page, '#idp-domain-3');
    await activate(page, 'Remove email domain 3');
    await expectFocused(page, '#idp-domain-2');
    await typeInto(page, 'New client secret', 'rotated-client-secret', { back: true });

    // The bad domain: said in the summary, which takes focus, and by its field; nothing is saved.
    await activate(page, 'Save changes');
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: 'Email domain 2 must be a domain like school.org.uk' }).waitFor();
    await expectFocused(page, '.error-summary');
    expect(await page.locator('#idp-domain-2').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#idp-domain-2-error').innerText()).toContain('Email domain 2 must be a domain like school.org.uk');
    expect(await page.title()).toMatch(/^Error: /);
    await checkPage(page, 'a provider’s own page with a bad email domain');
    expect(await stored()).toEqual(before);

    // The summary's link leads to the field.
    await activate(page, 'Email domain 2 must be a domain like school.org.uk');
    await expectFocused(page, '#idp-domain-2');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('yew.sch.uk');
    await activate(page, 'Save changes');

    // Back on the list, which says so (focused) and shows both domains.
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Changes to “Sign in with Rowan” saved.' }).waitFor();
    await expectFocused(page, '#idp-saved');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Sign in with Rowan' }) });
    await card.getByText('rowan.sch.uk → Rowan Primary').waitFor();
    await card.getByText('yew.sch.uk → Yew Academy').waitFor();
    expect(await page.content()).not.toContain('rotated-client-secret');
    await checkPage(page, 'identity providers page after a change');
    const after = await stored();
    expect(JSON.parse(after.org_domains)).toEqual([{ domain: 'rowan.sch.uk', orgId: rowan.id }, { domain: 'yew.sch.uk', orgId: expect.any(String) }]);
    expect(after.client_secret_enc).not.toBe(before.client_secret_enc);
    expect({ issuer: after.issuer, clientId: after.client_id }).toEqual({ issuer: before.issuer, clientId: before.client_id });

    // Cancel goes back to the list, changing nothing; its heading takes focus, as on any page opened.
    await activate(page, 'Edit Sign in with Rowan');
    await page.getByRole('heading', { level: 1, name: 'Edit: Sign in with Rowan' }).waitFor();
    await typeInto(page, 'Button text', 'Not saved');
    await activate(page, 'Cancel');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await expectFocused(page, 'h1');
    expect((await stored()).label).toBe('Sign in with Rowan');
  });

  it('an administrator makes a provider’s organisation claim national by keyboard at 320 px on its own page, and the list then says so', async () => {
    const { t } = env.server;
    const trust = await t.org('Alder Learning Trust');
    const admin = await t.user('admin');
    const made = await t.request('POST', '/api/identity-providers', { as: admin, body: { label: 'Sign in with Alder', issuer: op.issuer, clientId: op.clientId, clientSecret: 'test-client-secret', orgDomains: [{ domain: 'alder.org.uk', orgId: trust.id }], orgClaim: 'organisation.urn' } });
    expect([made.status, made.json.orgClaimScope]).toEqual([201, 'own']);
    const stored = async () => (await t.db.selectFrom('identity_providers').select('org_claim_scope').where('id', '=', made.json.id).executeTakeFirstOrThrow()).org_claim_scope;
    const OWN = 'Only the organisations of its email domains, and the schools of those trusts';
    const NATIONAL = 'Any organisation with a URN (a national provider such as DfE Sign-in)';
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/identity-providers');
    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Sign in with Alder' }) });
    await card.getByText(OWN).waitFor();
    // The form that adds one starts with its own organisations only.
    expect(await page.locator('#idp-add').getByRole('radio', { name: OWN }).isChecked()).toBe(true);

    await activate(page, 'Edit Sign in with Alder');
    await page.getByRole('heading', { level: 1, name: 'Edit: Sign in with Alder' }).waitFor();
    // One group, named by its legend and described by its hint, beside the claim it is about.
    const group = page.getByRole('group', { name: 'Which organisations may the claim name?' });
    expect(await group.getAttribute('aria-describedby')).toBe('idp-scope-own-hint');
    expect(await group.getByRole('radio', { name: OWN }).isChecked()).toBe(true);
    await checkPage(page, 'a provider’s own page with an organisation claim');
    // Tab reaches the group at its chosen radio; an arrow key chooses the other.
    await tabTo(page, OWN);
    await page.keyboard.press('ArrowDown');
    await expectFocused(page, '#idp-scope-national');
    expect(await group.getByRole('radio', { name: NATIONAL }).isChecked()).toBe(true);
    await activate(page, 'Save changes');

    await page.getByRole('heading', { level: 1, name: 'Identity providers' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Changes to “Sign in with Alder” saved.' }).waitFor();
    await card.getByText(NATIONAL).waitFor();
    expect(await card.getByText(OWN).count()).toBe(0);
    await checkPage(page, 'identity providers page with a national claim');
    expect(await stored()).toBe('national');
  });
});
