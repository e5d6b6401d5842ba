/**
 * A trainer adds a co-trainer to their own session by name on its edit page, by keyboard at
 * 320 CSS px (axe-core on every page): they stay on it themselves, the name search answers
 * names only, Enter in it searches instead of saving, and the co-trainer then finds the
 * session in My sessions and runs it.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, typeInto, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('co-trainers on the session form', () => {
  const env = serverAndBrowser();

  it('a trainer adds a co-trainer on the edit page; the co-trainer then sees the session in My sessions (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const tara = await t.user('trainer', null, 'Tara Trainer');
    const cole = await t.user('trainer', null, 'Cole Second');
    await t.user('trainer', null, 'Colette Other');
    await t.user('staff', (await t.org()).id, 'Colin Staff');
    const start = daysFromNow(10);
    const s = await t.session({ title: 'Attachment and trauma', startsAt: start, endsAt: plusMinutes(start, 60) }, tara);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, tara, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Attachment and trauma' }).waitFor();
    const trainers = page.getByRole('group', { name: 'Trainers' });
    await trainers.waitFor();
    // She runs it: said, with no box to untick herself.
    expect(await trainers.innerText()).toContain('You (Tara Trainer)');
    expect(await page.locator('input[type=checkbox][name=trainers]').count()).toBe(0);
    await checkPage(page, 'edit page (trainer) with its trainers');

    // Enter in the name field finds trainers (names only: no staff), and saves nothing.
    await tabTo(page, 'Add a co-trainer: their name');
    await page.keyboard.type('col');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '2 trainers found for “col”.' }).waitFor();
    const found = page.getByRole('list', { name: 'Trainers found' });
    expect(await found.getByRole('button').allInnerTexts()).toEqual(['Add Cole Second', 'Add Colette Other']);
    expect(await found.innerText()).not.toContain('@');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: tara })).json.trainerIds).toEqual([tara.id]);
    await checkPage(page, 'trainers found by name');

    await activate(page, 'Add Cole Second');
    await expectFocused(page, `#trainer-${cole.id}`);
    expect(await page.getByLabel('Cole Second').isChecked()).toBe(true);
    await page.getByRole('status').filter({ hasText: 'Cole Second added as a co-trainer.' }).waitFor();
    expect(await found.getByRole('button').allInnerTexts()).toEqual(['Add Colette Other']);
    await activate(page, 'Save changes');
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: tara })).json.trainerIds.sort()).toEqual([tara.id, cole.id].sort());
    await checkPage(page, 'edit page (trainer) after adding a co-trainer');
    await page.context().close();

    // Cole finds it in My sessions, and its edit page names Tara, who stays on it.
    const co = await newPage(env.browser, env.server, NARROW);
    await signInTo(co, cole, '/trainer/sessions', 'My sessions', { nav: 'My sessions' });
    await co.getByRole('article', { name: 'Attachment and trauma' }).waitFor();
    await checkPage(co, 'the co-trainer’s sessions');
    await activate(co, 'Edit or cancel');
    await co.getByRole('heading', { level: 1, name: 'Edit: Attachment and trauma' }).waitFor();
    await co.getByLabel('Tara Trainer').waitFor();
    expect(await co.getByLabel('Tara Trainer').isChecked()).toBe(true);
    expect(await co.getByRole('group', { name: 'Trainers' }).innerText()).toContain('You (Cole Second)');
    await checkPage(co, 'the co-trainer’s edit page');
    await co.context().close();
  });

  it('a co-trainer on an in-house session sees its lead listed as staying, with no box to untick, and saving keeps them (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const school = await t.org('Hill Primary');
    const lead = await t.user('staff', school.id, 'Lee Lead');
    const cole = await t.user('trainer', null, 'Cole Second');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
    const start = daysFromNow(10);
    const made = await t.request('POST', '/api/sessions', { as: lead, body: { title: 'Hill INSET', mode: 'online', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 10 }, audience: { kind: 'organisation', orgId: school.id }, trainerIds: [lead.id, cole.id] } });
    expect(made.status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, cole, `/trainer/sessions/${made.json.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Hill INSET' }).waitFor();
    const trainers = page.getByRole('group', { name: 'Trainers' });
    await trainers.getByText('Lee Lead (in-house lead): only an administrator can take them off').waitFor();
    expect(await page.locator('input[type=checkbox][name=trainers]').count()).toBe(0);
    await checkPage(page, 'edit page (co-trainer) of an in-house session with its lead');
    await typeInto(page, 'Title', 'Hill INSET: zones');
    await activate(page, 'Save changes');
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${made.json.id}`, { as: lead })).json.trainerIds.sort()).toEqual([lead.id, cole.id].sort());
    await page.context().close();
  });

  it('a co-trainer search that fails says so in an alert with "Try again", focus staying in the name field; "Try again" then finds them, focus back in the field (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const tara = await t.user('trainer', null, 'Tara Failing');
    await t.user('trainer', null, 'Coral Found');
    const start = daysFromNow(11);
    const s = await t.session({ title: 'Emotion coaching', startsAt: start, endsAt: plusMinutes(start, 60) }, tara);
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route('**/api/trainers?*', (route) =>
      failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await signInAt(page, tara, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Emotion coaching' }).waitFor();
    const trainers = page.getByRole('group', { name: 'Trainers' });
    await tabTo(page, 'Add a co-trainer: their name');
    await page.keyboard.type('coral');
    await page.keyboard.press('Enter');
    // Announced (role="alert", in the page from the start), beside the search; the field typed in keeps focus and what was typed.
    await trainers.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor();
    await expectFocused(page, '#trainers');
    expect(await page.locator('#trainers').inputValue()).toBe('coral');
    expect(await page.getByRole('list', { name: 'Trainers found' }).count()).toBe(0);
    await checkPage(page, 'edit page: co-trainer search failed');

    failing = false;
    await tabTo(page, 'Try again');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '1 trainer found for “coral”.' }).waitFor();
    // The alert goes once the whole action (its reload too) has finished.
    await expect.poll(() => trainers.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await page.getByRole('list', { name: 'Trainers found' }).getByRole('button', { name: 'Add Coral Found' }).waitFor();
    // Focus is back in the name field, beside what was found, not at the top of the long form.
    await expectFocused(page, '#trainers');
    await tabTo(page, 'Add Coral Found', { max: 3 });
    await checkPage(page, 'edit page: co-trainer found on trying again');
  });
});
