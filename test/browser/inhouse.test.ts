/**
 * In-house training in a real browser: a trainer publishes a session for one school's staff
 * only, by keyboard at 320 CSS px (axe-clean, no sideways scroll); the school's staff see it,
 * another school's staff do not.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, daysFromNow, expectNoAxeViolations, newPage, serverAndBrowser, signIn, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

const NARROW = { viewport: { width: 320, height: 720 } };

async function checkPage(page: Page, what: string) {
  await expectNoAxeViolations(page, what);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  expect(fits, `${what} scrolls sideways at ${page.viewportSize()?.width} px`).toBe(true);
}

async function typeInto(page: Page, label: string | RegExp, text: string) {
  await tabTo(page, label);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

describe.skipIf(!browserAvailable)('in-house sessions', () => {
  const env = serverAndBrowser();

  it('a trainer publishes a session for one school’s staff only, choosing the school by keyboard (320 px, axe)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const hill = await t.org('Hill Primary');
    const far = await t.org('Far School');
    const hillStaff = await t.user('staff', hill.id);
    const farStaff = await t.user('staff', far.id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signIn(page, trainer);
    await page.goto('/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    expect(await page.getByLabel('Everyone in the programme').isChecked()).toBe(true);

    await typeInto(page, 'Title', 'Hill INSET: zones of regulation');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(10).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'Everyone in the programme'); // the checked radio of the group; arrows choose
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('One organisation’s staff only (in-house)').isChecked()).toBe(true);
    await page.getByLabel('Organisation', { exact: true }).waitFor();
    await checkPage(page, 'new session page choosing an organisation');

    // Publishing without choosing the school is refused beside the field; nothing is created.
    await tabTo(page, 'Publish session');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByRole('link', { name: 'Choose the organisation' }).waitFor();
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    await checkPage(page, 'new session page refusing a missing organisation');

    await tabTo(page, 'Organisation');
    await page.keyboard.type('Hill');
    expect(await page.getByLabel('Organisation', { exact: true }).inputValue()).toBe(hill.id);
    await tabTo(page, 'Publish session');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Hill INSET: zones of regulation' }).waitFor();

    const mine = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.items;
    expect(mine.map((i: any) => i.session.audience)).toEqual([{ kind: 'organisation', orgId: hill.id, orgName: 'Hill Primary' }]);
    const id = mine[0].session.id;
    expect((await t.request('GET', `/api/sessions/${id}`, { as: hillStaff })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${id}`, { as: farStaff })).status).toBe(404);
    expect((await t.request('GET', '/api/sessions', { as: farStaff })).json.total).toBe(0);
  });

  it('a school office makes a member of staff an in-house lead from its staff page, by keyboard (320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const office = await t.user('office', org.id);
    const senco = await t.user('staff', org.id, 'Sam Senco');
    const page = await newPage(env.browser, env.server, NARROW);
    await signIn(page, office);
    await page.goto('/office/people');
    await page.getByRole('heading', { level: 2, name: senco.name }).waitFor();
    await checkPage(page, 'staff page with lead controls');
    await tabTo(page, `Make in-house lead: ${senco.name}`);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Sam Senco is now an in-house lead' }).waitFor();
    expect((await t.request('GET', '/api/me/lead-orgs', { as: senco })).json.items.map((o: any) => o.id)).toEqual([org.id]);
    await checkPage(page, 'staff page after making a lead');

    // The lead publishes a session for their own school only (the programme is not among the choices).
    const leadPage = await newPage(env.browser, env.server, NARROW);
    await signIn(leadPage, senco);
    await leadPage.goto('/sessions/new');
    await leadPage.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    // Read once the audience choices are there (the heading shows before the form).
    expect(await leadPage.getByLabel('One organisation’s staff only (in-house)').isChecked()).toBe(true);
    expect(await leadPage.getByLabel('Everyone in the programme').count()).toBe(0);
    await checkPage(leadPage, 'new session page for an in-house lead');
    await typeInto(leadPage, 'Title', 'Birch twilight: ADHD');
    await tabTo(leadPage, 'Date');
    await leadPage.getByLabel('Date', { exact: true }).fill(daysFromNow(5).slice(0, 10));
    await typeInto(leadPage, 'Start time', '1600');
    await typeInto(leadPage, 'End time', '1700');
    await typeInto(leadPage, 'Number of online seats', '15');
    await tabTo(leadPage, 'Organisation');
    await leadPage.keyboard.type('Birch');
    await tabTo(leadPage, 'Publish session');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('heading', { level: 1, name: 'Birch twilight: ADHD' }).waitFor();
    const published = (await t.request('GET', '/api/me/sessions', { as: senco })).json.items;
    expect(published.map((i: any) => [i.session.title, i.session.audience, i.session.trainerIds])).toEqual([['Birch twilight: ADHD', { kind: 'organisation', orgId: org.id, orgName: 'Birch Primary' }, [senco.id]]]);
    const sessionId = published[0].session.id;
    // The session page says who it is for.
    await leadPage.getByText('Staff of Birch Primary only (in-house)').waitFor();

    // Everything a trainer has for their own sessions, from the menu: My sessions, who is coming, seat holds.
    const colleague = await t.user('staff', org.id, 'Cal Colleague');
    expect((await t.request('POST', `/api/sessions/${sessionId}/bookings`, { as: colleague, body: { seat: 'online' } })).status).toBe(201);
    await tabTo(leadPage, 'My sessions');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    await leadPage.getByRole('link', { name: 'Birch twilight: ADHD' }).waitFor();
    await checkPage(leadPage, 'an in-house lead’s My sessions page');
    await tabTo(leadPage, 'Who is coming');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('heading', { level: 1, name: /Birch twilight: ADHD/ }).waitFor();
    await leadPage.getByText('Cal Colleague').first().waitFor();
    await checkPage(leadPage, 'an in-house lead’s attendee list');
    await leadPage.goBack();
    await leadPage.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    await tabTo(leadPage, 'Seat holds');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByLabel('School', { exact: true }).waitFor();
    // Seats can be held only for the school the session is for.
    await leadPage.locator('#hold-org option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    expect(await leadPage.locator('#hold-org option').allTextContents()).toEqual(['Choose a school', 'Birch Primary']);
    await checkPage(leadPage, 'an in-house lead’s seat holds page');
    await tabTo(page, `Stop being in-house lead: ${senco.name}`, { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Sam Senco is no longer an in-house lead' }).waitFor();
    expect((await t.request('GET', '/api/me/lead-orgs', { as: senco })).json.items).toEqual([]);
  });
  it('an administrator makes and unmakes an in-house lead from the organisation’s page, by keyboard (320 px, axe)', async () => {
    const { t } = env.server;
    const trust = await t.org('Elm Trust');
    const school = await t.org('Elm Juniors');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const admin = await t.user('admin');
    const teacher = await t.user('staff', school.id, 'Tia Teacher');
    const page = await newPage(env.browser, env.server, NARROW);
    await signIn(page, admin);
    await page.goto(`/admin/orgs/${trust.id}`);
    await page.getByRole('heading', { level: 2, name: 'In-house leads' }).waitFor();
    await page.getByText('No one leads in-house training here yet.').waitFor();
    await checkPage(page, 'an organisation page with its in-house leads');
    // Nobody chosen: said beside the field, nothing changes.
    await tabTo(page, 'Make in-house lead');
    await page.keyboard.press('Enter');
    await page.getByText('Choose a person to make an in-house lead').waitFor();
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items).toEqual([]);
    // A trust's lead may come from its schools.
    await tabTo(page, 'Make an in-house lead', { back: true });
    await page.keyboard.type('Tia');
    expect(await page.getByLabel('Make an in-house lead').inputValue()).toBe(teacher.id);
    await tabTo(page, 'Make in-house lead');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Tia Teacher is now an in-house lead for Elm Trust.' }).waitFor();
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items.map((l: any) => l.userId)).toEqual([teacher.id]);
    expect((await t.request('GET', '/api/me', { as: teacher })).json.runsSessions).toBe(true);
    await checkPage(page, 'an organisation page after making a lead');
    await tabTo(page, 'Stop Tia Teacher being a lead', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Tia Teacher is no longer an in-house lead for Elm Trust.' }).waitFor();
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items).toEqual([]);
  });
});
