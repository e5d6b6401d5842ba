/**
 * In-house training in a real browser: a trainer publishes a session for one school's staff
 * only, by keyboard at 320 CSS px (axe-clean, no sideways scroll); the school's staff see it,
 * another school's staff do not.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { runJobsOnce } from '../../server/jobs.js';
import { activate, settled, browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped, checkPage, NARROW, typeInto } from './harness.js';

warnIfSkipped(import.meta.url);

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
    await signInAt(page, trainer, '/sessions/new');
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
    // Said, and the page opens on it (focused, so it is read out).
    await page.locator('#published-status').filter({ hasText: 'Published: “Hill INSET: zones of regulation” is open for booking.' }).waitFor();
    await expectFocused(page, '#published-status');
    await checkPage(page, 'a session just published (320 px)');

    const mine = (await t.request('GET', '/api/me/sessions', { as: trainer })).json.items;
    expect(mine.map((i: any) => i.session.audience)).toEqual([{ kind: 'organisation', orgId: hill.id, orgName: 'Hill Primary' }]);
    const id = mine[0].session.id;
    expect((await t.request('GET', `/api/sessions/${id}`, { as: hillStaff })).status).toBe(200);
    expect((await t.request('GET', `/api/sessions/${id}`, { as: farStaff })).status).toBe(404);
    expect((await t.request('GET', '/api/sessions', { as: farStaff })).json.total).toBe(0);
  });

  it('a trust’s in-house lead publishes a session for one of the trust’s schools, chosen by keyboard; that school’s staff see it (320 px, axe)', async () => {
    const { t } = env.server;
    const trust = await t.org('Rowan Trust');
    const school = await t.org('Hazel Primary');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const lead = await t.user('staff', school.id, 'Lee Lead');
    const colleague = await t.user('staff', school.id);
    expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${lead.id}`, { as: await t.user('admin') })).status).toBe(204);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, lead, '/sessions/new', 'New session');
    await page.locator('#audience-org option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    expect(await page.locator('#audience-org option').allTextContents()).toEqual(['Choose…', 'Hazel Primary (Rowan Trust)', 'Rowan Trust']);
    await checkPage(page, 'new session page for a trust’s in-house lead');
    await typeInto(page, 'Title', 'Hazel twilight: dyslexia');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(5).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '15');
    await tabTo(page, 'Organisation');
    await page.keyboard.type('Hazel');
    await activate(page, 'Publish session');
    await page.getByRole('heading', { level: 1, name: 'Hazel twilight: dyslexia' }).waitFor();
    await page.getByText('Staff of Hazel Primary only (in-house)').waitFor();
    const [mine] = (await t.request('GET', '/api/me/sessions', { as: lead })).json.items;
    expect(mine.session.audience).toEqual({ kind: 'organisation', orgId: school.id, orgName: 'Hazel Primary' });
    expect((await t.request('GET', `/api/sessions/${mine.session.id}`, { as: colleague })).status).toBe(200);
    await checkPage(page, 'the published session for one school of the trust');
  });

  it('a lead of one school is offered only that school’s staff as an audience, on the new and the edit page, never a trust with none to choose; a trust’s lead is offered the trust (320 px, axe)', async () => {
    const { t } = env.server;
    const school = await t.org('Cherry Primary');
    const office = await t.user('office', school.id);
    const chloe = await t.user('staff', school.id, 'Chloe Lead');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${chloe.id}`, { as: office })).status).toBe(204);
    const ONE = 'One organisation’s staff only (in-house)';
    const TRUST = 'A trust or local authority and all its schools (in-house)';
    const audiences = (page: Page) => page.locator('input[name="audience"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, chloe, '/sessions/new', 'New session');
    await page.getByLabel(ONE).waitFor();
    expect(await audiences(page)).toEqual(['organisation']);
    expect(await page.getByLabel(TRUST).count()).toBe(0);
    expect(await page.getByLabel(ONE).isChecked()).toBe(true);
    expect(await page.locator('#audience-org option').allTextContents()).toEqual(['Choose…', 'Cherry Primary']);
    await checkPage(page, 'new session page for the lead of one school');

    // The edit page offers the same.
    const start = daysFromNow(6);
    const made = await t.request('POST', '/api/sessions', { as: chloe, body: { title: 'Cherry twilight: autism', mode: 'online', startsAt: start, endsAt: plusMinutes(start, 60), capacity: { online: 10 }, audience: { kind: 'organisation', orgId: school.id } } });
    expect(made.status).toBe(201);
    await page.goto(`/trainer/sessions/${made.json.id}/edit`);
    await page.getByRole('heading', { level: 1, name: 'Edit: Cherry twilight: autism' }).waitFor();
    await page.getByLabel(ONE).waitFor();
    expect(await audiences(page)).toEqual(['organisation']);
    expect(await page.locator('#audience-org').inputValue()).toBe(school.id);
    await checkPage(page, 'edit page for the lead of one school');

    // A trust's lead has a trust to choose, so is offered it.
    const trust = await t.org('Cedar Trust');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const lee = await t.user('staff', school.id, 'Lee Trustlead');
    expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${lee.id}`, { as: await t.user('admin') })).status).toBe(204);
    const trustPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(trustPage, lee, '/sessions/new', 'New session');
    await trustPage.getByLabel(TRUST).waitFor();
    expect(await audiences(trustPage)).toEqual(['organisation', 'trust']);
    await tabTo(trustPage, ONE);
    await trustPage.keyboard.press('ArrowDown');
    expect(await trustPage.getByLabel(TRUST).isChecked()).toBe(true);
    expect(await trustPage.locator('#audience-org option').allTextContents()).toEqual(['Choose…', 'Cedar Trust']);
  });

  it('publishing an empty new-session form lists every field to fill in at once, the start and end times among them (320 px, axe)', async () => {
    const { t } = env.server;
    const school = await t.org('Damson Primary');
    const lead = await t.user('staff', school.id, 'Dana Lead');
    expect((await t.request('PUT', `/api/orgs/${school.id}/leads/${lead.id}`, { as: await t.user('office', school.id) })).status).toBe(204);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, lead, '/sessions/new', 'New session');
    await page.getByLabel('One organisation’s staff only (in-house)').waitFor();
    await activate(page, 'Publish session');
    const summary = page.locator('.error-summary');
    await summary.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      'Title is required',
      'Enter the date of the session',
      'Enter a start time, like 16:00',
      'Enter an end time, like 17:30',
      'Number of online seats is required for this mode',
      'Choose the organisation',
    ]);
    for (const label of ['Start time', 'End time']) expect(await page.getByLabel(label, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'an empty new-session form refused');

    // With the date given, times still missing are said, and a time given is no longer.
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(7).slice(0, 10));
    await page.getByLabel('Start time').fill('16:00');
    await activate(page, 'Publish session');
    await expect.poll(() => summary.getByRole('link').allTextContents()).toEqual(['Title is required', 'Enter an end time, like 17:30', 'Number of online seats is required for this mode', 'Choose the organisation']);
    expect((await t.request('GET', '/api/me/sessions', { as: lead })).json.total).toBe(0);
  });

  it('a trainer choosing a trust with no schools under it is told so beside Who is it for, in the server’s words, not on the title; nothing is published (320 px, axe)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const lone = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Lone Learning Trust', kind: 'trust' } })).json as { id: string };
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, '/sessions/new');
    await page.getByRole('heading', { level: 1, name: 'New session' }).waitFor();
    await typeInto(page, 'Title', 'Trust SENCO network');
    await tabTo(page, 'Date');
    await page.getByLabel('Date', { exact: true }).fill(daysFromNow(10).slice(0, 10));
    await typeInto(page, 'Start time', '1600');
    await typeInto(page, 'End time', '1700');
    await typeInto(page, 'Number of online seats', '20');
    await tabTo(page, 'Everyone in the programme');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('A trust or local authority and all its schools (in-house)').isChecked()).toBe(true);
    // Found by name (one match is chosen), as among many trusts a person would.
    await typeInto(page, 'Find trust or local authority by name or URN', 'Lone Learning');
    await expect.poll(() => page.getByLabel('Trust or local authority', { exact: true }).inputValue()).toBe(lone.id);
    await tabTo(page, 'Publish session');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    const why = 'Who is it for: That organisation has no schools under it: choose "one organisation" for its own staff.';
    await page.locator('.error-summary').getByRole('link', { name: why }).waitFor();
    expect(await page.locator('.error-summary').getByRole('link').count()).toBe(1);
    expect(await page.locator('#title').getAttribute('aria-invalid')).not.toBe('true');
    expect((await t.request('GET', '/api/me/sessions', { as: trainer })).json.total).toBe(0);
    await checkPage(page, 'new session page refusing a trust with no schools');
  });

  it('a school office makes a member of staff an in-house lead from its staff page, by keyboard (320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Birch Primary');
    const office = await t.user('office', org.id);
    const senco = await t.user('staff', org.id, 'Sam Senco');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/office/people');
    await page.getByRole('heading', { level: 2, name: senco.name }).waitFor();
    await checkPage(page, 'staff page with lead controls');
    await tabTo(page, `Make in-house lead: ${senco.name}`);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Sam Senco is now an in-house lead' }).waitFor();
    expect((await t.request('GET', '/api/me/lead-orgs', { as: senco })).json.items.map((o: any) => o.id)).toEqual([org.id]);
    await checkPage(page, 'staff page after making a lead');

    // The lead publishes a session for their own school only (the programme is not among the choices).
    const leadPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(leadPage, senco, '/sessions/new');
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
    // The session they published now has no one to run it: the office is told which, and what to do.
    await page.getByRole('status').filter({ hasText: /^Sam Senco is no longer an in-house lead\. They were the only one running “Birch twilight: ADHD” \(\w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)\), which now has no trainer: the office of the organisation it is for can give it to another in-house lead on its page, or an administrator give it another trainer\.$/ }).waitFor();
    // Staff accounts lists it among the sessions no one can run, until it is given to someone.
    const needing = page.getByRole('region', { name: 'Sessions no one can run' });
    await needing.getByRole('link', { name: 'Birch twilight: ADHD', exact: true }).waitFor();
    expect(await needing.locator('p').first().textContent()).toBe('This in-house session still to come has no one to run it: whoever was running it no longer leads in-house training for Birch Primary, or their account is turned off. Open it to give it to another in-house lead.');
    await checkPage(page, 'staff accounts after removing the only lead of a session still to come');
    expect((await t.request('GET', '/api/me/lead-orgs', { as: senco })).json.items).toEqual([]);

    // The office gives the session to another lead itself: the title links to its page, which
    // says no one can run it and, with no lead left, where to make one.
    await activate(page, '“Birch twilight: ADHD”', { back: true });
    await page.getByRole('heading', { level: 1, name: 'Birch twilight: ADHD' }).waitFor();
    const who = page.getByRole('region', { name: 'Who runs this session' });
    await who.getByText('No one can run this session now').waitFor();
    await who.getByText('No one leads in-house training for Birch Primary yet.').waitFor();
    // It names who was running it, and says they no longer do.
    expect(await who.getByRole('list', { name: 'Named to run it' }).getByRole('listitem').allTextContents()).toEqual([
      'Sam Senco: no longer runs it (not one of Birch Primary’s in-house leads now, or their account is off)',
    ]);
    await who.getByText('Giving it to a lead takes anyone who no longer runs it off the session.').waitFor();
    await checkPage(page, 'an in-house session no one can run, to its office, with no lead left');
    await activate(page, 'Staff accounts');
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    const nell = await t.user('staff', org.id, 'Nell Newlead');
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Nell Newlead' }).waitFor();
    await activate(page, 'Make in-house lead: Nell Newlead');
    await page.getByRole('status').filter({ hasText: 'Nell Newlead is now an in-house lead' }).waitFor();
    // A lead whose account is off runs nothing, so is not offered.
    const away = await t.user('staff', org.id, 'Otto Away');
    expect((await t.request('PUT', `/api/orgs/${org.id}/leads/${away.id}`, { as: office })).status).toBe(204);
    await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', away.id).execute();
    await page.goBack();
    await who.getByText('No one can run this session now').waitFor();
    await tabTo(page, 'Give it to');
    expect(await page.locator('#give-lead option').allTextContents()).toEqual(['Choose an in-house lead', 'Nell Newlead']);
    await page.keyboard.type('Nell');
    expect(await page.locator('#give-lead option:checked').textContent()).toBe('Nell Newlead');
    await checkPage(page, 'an in-house session no one can run, a new lead chosen');
    await activate(page, 'Give the session to this lead');
    await who.getByRole('status').filter({ hasText: 'Nell Newlead now runs this session instead of Sam Senco.' }).waitFor();
    // The form goes with the last lead to choose, so the message takes focus rather than the page.
    await expectFocused(page, '#give-lead-status');
    await who.getByText('Every in-house lead of Birch Primary already runs it.').waitFor();
    await who.getByText('Someone named on it runs it. You can also give it to another of Birch Primary’s in-house leads, to run it with them.').waitFor();
    expect(await who.getByText('No one can run this session now').count()).toBe(0);
    // Handed over: Sam Senco is off it, Nell alone named.
    expect(await who.getByRole('list', { name: 'Named to run it' }).getByRole('listitem').allTextContents()).toEqual(['Nell Newlead: runs it']);
    expect(await who.getByText('Giving it to a lead takes anyone').count()).toBe(0);
    await checkPage(page, 'an in-house session given to a new lead');
    expect((await t.request('GET', `/api/sessions/${sessionId}`, { as: nell })).json).toMatchObject({ youRun: true, noOneRuns: false });
    // Given, it is no longer among Staff accounts' sessions no one can run.
    await activate(page, 'Staff accounts');
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Nell Newlead' }).waitFor();
    await settled(page);
    expect(await needing.count()).toBe(0);
    expect((await t.request('GET', `/api/sessions/${sessionId}/attendees`, { as: nell })).status).toBe(200);
  });
  it('staff see who an in-house session is for on the list; the emailed feedback link opens at the form; the lead reads the feedback from the Feedback menu (320 px, axe)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Primary');
    const office = await t.user('office', org.id);
    const lead = await t.user('staff', org.id, 'Lia Lead');
    expect((await t.request('PUT', `/api/orgs/${org.id}/leads/${lead.id}`, { as: office })).status).toBe(204);
    const forRowan = { audience: { kind: 'organisation', orgId: org.id }, mode: 'online', capacity: { online: 10 } };
    const upcoming = daysFromNow(4);
    expect((await t.request('POST', '/api/sessions', { as: lead, body: { ...forRowan, title: 'Rowan twilight: speech and language', startsAt: upcoming, endsAt: plusMinutes(upcoming, 60) } })).status).toBe(201);
    // A session two days ago that Ann attended (booked the day before it, registered near its end).
    const now = t.clock.now().toISOString();
    const startsAt = daysFromNow(-2);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const past = await t.request('POST', '/api/sessions', { as: lead, body: { ...forRowan, title: 'Rowan twilight: dyslexia', startsAt, endsAt: plusMinutes(startsAt, 60) } });
    expect(past.status, past.text).toBe(201);
    const ann = await t.user('staff', org.id, 'Ann Attendee');
    const booking = await t.request('POST', `/api/sessions/${past.json.id}/bookings`, { as: ann, body: {} });
    t.clock.set(plusMinutes(startsAt, 55));
    expect((await t.request('PUT', `/api/sessions/${past.json.id}/attendance/${booking.json.id}`, { as: lead, body: { attended: true, minutes: 58 } })).status).toBe(200);
    t.clock.set(now);
    await recordAttendanceOutcomes(t.deps);
    await runJobsOnce(t.deps, null);

    // Ann's session list: the in-house card says who it is for.
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, ann, '/sessions');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Rowan twilight: speech and language' }) });
    await card.getByText('Staff of Rowan Primary only (in-house)').waitFor();
    await checkPage(page, 'session list with an in-house session');

    // The emailed link opens her booking with focus on the feedback form.
    const mail = (await t.mails('feedback_request')).find((m) => m.user_id === ann.id);
    const link = mail!.message.text.match(/http\S+\/bookings\/\S+#feedback/)![0];
    await page.goto(link);
    await expectFocused(page, '.feedback > [tabindex="-1"]', 10_000);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Your feedback');
    await checkPage(page, 'booking page opened from the feedback email');
    expect((await t.request('PUT', `/api/sessions/${past.json.id}/feedback/mine`, { as: ann, body: { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'Practical ideas for phonics.' } })).status).toBe(200);

    // The lead finds it from the menu, as trainers do.
    const leadPage = await newPage(env.browser, env.server, NARROW);
    await signInTo(leadPage, lead, '/sessions', 'Sessions');
    await tabTo(leadPage, 'Feedback');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('heading', { level: 1, name: 'Feedback on my sessions' }).waitFor();
    await checkPage(leadPage, 'an in-house lead’s feedback list');
    await tabTo(leadPage, 'Rowan twilight: dyslexia');
    await leadPage.keyboard.press('Enter');
    await leadPage.getByRole('heading', { level: 1, name: 'Feedback: Rowan twilight: dyslexia' }).waitFor();
    await leadPage.getByText('Practical ideas for phonics.').waitFor();
    await leadPage.getByText('Ann Attendee, Rowan twilight: dyslexia', { exact: false }).waitFor();
    await checkPage(leadPage, 'an in-house lead’s session feedback');
  });

  it('an administrator makes and unmakes an in-house lead from the organisation’s page, by keyboard (320 px, axe)', async () => {
    const { t } = env.server;
    const trust = await t.org('Elm Trust');
    const school = await t.org('Elm Juniors');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const admin = await t.user('admin');
    const teacher = await t.user('staff', school.id, 'Tia Teacher');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/orgs/${trust.id}`);
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
    // The button pressed stays, and so does focus.
    await expectFocused(page, '#make-lead');
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items.map((l: any) => l.userId)).toEqual([teacher.id]);
    expect((await t.request('GET', '/api/me', { as: teacher })).json.runsSessions).toBe(true);
    await checkPage(page, 'an organisation page after making a lead');
    // She publishes a trust session, then stops leading: the administrator is told it has no one to run it.
    const published = await t.request('POST', '/api/sessions', { as: teacher, body: { title: 'Elm network: sensory', mode: 'online', startsAt: daysFromNow(8), endsAt: plusMinutes(daysFromNow(8), 60), capacity: { online: 20 }, audience: { kind: 'trust', orgId: trust.id } } });
    expect(published.status).toBe(201);
    await tabTo(page, 'Stop Tia Teacher being a lead', { back: true });
    await page.keyboard.press('Enter');
    // Asked first: "No" keeps her a lead, and focus goes back to the button.
    await page.getByText('Stop Tia Teacher being an in-house lead for Elm Trust? They will no longer run Elm Trust’s in-house sessions, and any of those still to come that only they run will have no trainer until you give it another.').waitFor();
    await checkPage(page, 'an organisation page asking before stopping a lead');
    await tabTo(page, 'No, keep them as a lead');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Stop Tia Teacher being a lead');
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items.map((l: any) => l.userId)).toEqual([teacher.id]);
    await page.keyboard.press('Enter');
    await tabTo(page, 'Yes, stop them being a lead');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /^Tia Teacher is no longer an in-house lead for Elm Trust\. They were the only one running “Elm network: sensory” \(.+\), which now has no trainer: give it another on its edit page\. All sessions lists it under “Needing a trainer” until then\.$/ }).waitFor();
    await checkPage(page, 'an organisation page after removing the only lead of a session still to come');
    expect((await t.request('GET', `/api/orgs/${trust.id}/leads`, { as: admin })).json.items).toEqual([]);
    // From the message (which has focus) to All sessions' "Needing a trainer", where it is listed.
    await tabTo(page, 'All sessions', { max: 5 });
    await expectFocused(page, '#leads-status a[href="/trainer/sessions?when=unstaffed"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'All sessions' }).waitFor();
    expect(await page.getByRole('link', { name: 'Needing a trainer' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Elm network: sensory' }) }).waitFor();
    // A lead whose account is turned off stays a lead, and the organisation's page says they run nothing meanwhile.
    expect((await t.request('PUT', `/api/orgs/${trust.id}/leads/${teacher.id}`, { as: admin })).status).toBe(204);
    await t.db.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', teacher.id).execute();
    await page.goBack();
    const card = page.getByRole('list', { name: 'In-house leads' }).getByRole('listitem').filter({ hasText: 'Tia Teacher' });
    await card.getByText('Account turned off: they run none of its sessions until it is turned on again.').waitFor();
    await checkPage(page, 'an organisation page with a lead whose account is off');
  });

  it('a lead removed as the trust’s lead but still leading their school sees the trainer’s section (and no booking of a seat for themselves) only on the sessions they still run, and no trainer tools in the old one’s room (320 px, axe)', async () => {
    const { t } = env.server;
    const trust = await t.org('Yew Trust');
    const school = await t.org('Yew Primary');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const admin = await t.user('admin');
    const lead = await t.user('staff', school.id, 'Lee Lead');
    for (const org of [school, trust]) expect((await t.request('PUT', `/api/orgs/${org.id}/leads/${lead.id}`, { as: admin })).status).toBe(204);
    const online = { mode: 'online', capacity: { online: 10 } };
    const forSchool = await t.request('POST', '/api/sessions', { as: lead, body: { ...online, title: 'Yew Primary INSET', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), audience: { kind: 'organisation', orgId: school.id } } });
    const forTrust = await t.request('POST', '/api/sessions', { as: lead, body: { ...online, title: 'Yew Trust network', startsAt: daysFromNow(7), endsAt: plusMinutes(daysFromNow(7), 60), audience: { kind: 'trust', orgId: trust.id } } });
    expect([forSchool.status, forTrust.status]).toEqual([201, 201]);
    expect((await t.request('DELETE', `/api/orgs/${trust.id}/leads/${lead.id}`, { as: admin })).status).toBe(200);
    // Still a lead (so /api/me says they run sessions) and still named on the trust's session.
    expect((await t.request('GET', '/api/me', { as: lead })).json.runsSessions).toBe(true);

    const page = await newPage(env.browser, env.server, NARROW);
    // The trust's session: theirs to see and book (they are its staff), no longer theirs to run.
    await signInTo(page, lead, `/sessions/${forTrust.json.id}`, 'Yew Trust network');
    await page.getByText('Staff of Yew Trust and its schools (in-house)').waitFor();
    await page.getByRole('button', { name: 'Book a seat' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Running this session' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Attendance register' }).count()).toBe(0);
    await checkPage(page, 'a session page of a session the lead no longer runs');

    // Its live room offers them no trainer's tools either.
    await page.goto(`/sessions/${forTrust.json.id}/room`);
    await page.getByRole('heading', { level: 1, name: 'Live room: Yew Trust network' }).waitFor();
    // No place on it either (they have not booked): no transcript they could not read.
    await page.getByRole('heading', { level: 2, name: 'You do not have an online place on this session' }).waitFor();
    expect(await page.getByRole('link', { name: 'Download the transcript' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Register and check-in code' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Attendance', exact: true }).count()).toBe(0);

    // Their school's session, from My sessions: theirs to run.
    await activate(page, 'My sessions');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
    await activate(page, 'Yew Primary INSET');
    await page.getByRole('heading', { level: 1, name: 'Yew Primary INSET' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Running this session' }).waitFor();
    await page.getByRole('link', { name: 'Attendance register' }).waitFor();
    // Running it, they are offered no seat of their own on it (one fewer for their colleagues).
    await page.getByText('You run this session, so you need no place on it.').waitFor();
    expect(await page.getByRole('button', { name: /Book a seat|Join the waitlist/ }).count()).toBe(0);
    await checkPage(page, 'a session page of a session the lead still runs');
  });

  it('an administrator moving a school out of its trust is told how many places and seat holds on the trust’s sessions it gave up (320 px, axe)', async () => {
    const { t } = env.server;
    const trust = await t.org('Ash Trust');
    const school = await t.org('Ash Infants');
    await t.db.updateTable('organisations').set({ parent_id: trust.id }).where('id', '=', school.id).execute();
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const teacher = await t.user('staff', school.id, 'Ted Teacher');
    const s = await t.session({ title: 'Ash Trust network', mode: 'online', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { online: 5 }, audience: { kind: 'trust', orgId: trust.id } }, trainer);
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: trainer, body: { orgId: school.id, seat: 'online', seats: 2 } })).status).toBe(204);
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: teacher, body: { seat: 'online' } })).json.status).toBe('confirmed');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/orgs/${school.id}`);
    await page.getByRole('heading', { level: 1, name: 'Ash Infants' }).waitFor();
    await tabTo(page, 'Part of (trust or local authority)');
    await page.keyboard.press('Home');
    expect(await page.getByLabel('Part of (trust or local authority)', { exact: true }).inputValue()).toBe('');
    await tabTo(page, 'Save organisation');
    await page.keyboard.press('Enter');
    // Asked first, saying what leaving the trust gives up; "No, not yet" changes nothing and goes back to Save.
    const question = page.getByRole('group', { name: 'Move out of its trust' });
    await question.getByText('Ash Infants will no longer be part of Ash Trust: its staff give up their places on Ash Trust’s in-house sessions still to come (each is told by email), its seat holds on them are released, and its people stop leading Ash Trust’s in-house training. Moving it back later does not give these back. Save anyway?').waitFor();
    await expectFocused(page, '.confirm p');
    await checkPage(page, 'an organisation about to leave its trust, asked first');
    await activate(page, 'No, not yet');
    await expectFocused(page, 'button[type=submit]');
    expect((await t.request('GET', `/api/orgs/${school.id}`, { as: admin })).json.parentId).toBe(trust.id);
    await page.keyboard.press('Enter');
    await activate(page, 'Yes, save and move it');
    await page
      .getByRole('status')
      .filter({ hasText: 'Organisation saved. 1 place of its staff on the old trust’s in-house sessions was given up for others, and its holder told by email. Its seat hold on one of those sessions was released.' })
      .waitFor();
    await expectFocused(page, '#org-saved-status');
    await checkPage(page, 'an organisation page after leaving its trust');
    expect((await t.request('GET', `/api/sessions/${s.id}/holds`, { as: trainer })).json.items).toEqual([]);
  });

  it('making an in-house lead that fails, on the organisation’s page: an alert with "Try again" in the leads section, focus staying on the button; "Try again" makes them lead and says so (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Ash Academy');
    const admin = await t.user('admin');
    const ada = await t.user('staff', org.id, 'Ada Lead');
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route('**/api/orgs/*/leads/*', (route) =>
      route.request().method() === 'PUT' && failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await signInAt(page, admin, `/admin/orgs/${org.id}`);
    const leads = page.getByRole('region', { name: 'In-house leads' });
    await leads.getByText('No one leads in-house training here yet.').waitFor();
    await tabTo(page, 'Make an in-house lead');
    await page.keyboard.type('Ada');
    await activate(page, 'Make in-house lead');
    await leads.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor();
    await expectFocused(page, 'form:has(#lead-person) button[type="submit"]');
    expect(await page.getByLabel('Make an in-house lead').inputValue()).toBe(ada.id);
    await checkPage(page, 'organisation page: making a lead failed');

    failing = false;
    await activate(page, 'Try again', { back: true });
    await leads.getByRole('status').filter({ hasText: 'Ada Lead is now an in-house lead for Ash Academy.' }).waitFor();
    await leads.getByRole('list', { name: 'In-house leads' }).getByText('Ada Lead', { exact: true }).waitFor();
    // The alert goes once the whole action (its reload too) has finished.
    await expect.poll(() => leads.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    // The failure and its button have gone: focus is back on "Make in-house lead", as after a first make.
    await expectFocused(page, '#make-lead');
    expect((await t.request('GET', `/api/orgs/${org.id}/leads`, { as: admin })).json.items.map((l: any) => l.userId)).toEqual([ada.id]);
    await checkPage(page, 'organisation page: lead made on trying again');
  });

  it('Staff accounts whose in-house leads cannot be read says so, with "Try again", instead of cards quietly without them (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Juniors');
    const office = await t.user('office', org.id);
    const lia = await t.user('staff', org.id, 'Lia Lead');
    expect((await t.request('PUT', `/api/orgs/${org.id}/leads/${lia.id}`, { as: office })).status).toBe(204);
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route('**/api/orgs/*/leads', (route) => (route.request().method() === 'GET' && failing ? route.abort('internetdisconnected') : route.continue()));
    await signInAt(page, office, '/office/people');
    await page.getByRole('heading', { level: 2, name: 'Lia Lead' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).waitFor();
    await checkPage(page, 'staff accounts whose leads could not be read');
    failing = false;
    await activate(page, 'Try again');
    await page.getByRole('button', { name: /^Stop being in-house lead\W+Lia Lead$/ }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
  });

  it('making an in-house lead that fails, on the office’s staff page: said in the person’s card as an alert, focus staying on the button, which tries again (keyboard, 320 px, axe)', async () => {
    const { t } = env.server;
    const org = await t.org('Rowan Infants');
    const office = await t.user('office', org.id);
    const ria = await t.user('staff', org.id, 'Ria Retry');
    const page = await newPage(env.browser, env.server, NARROW);
    let failing = true;
    await page.route('**/api/orgs/*/leads/*', (route) =>
      route.request().method() === 'PUT' && failing ? route.abort('internetdisconnected') : route.continue(),
    );
    await signInAt(page, office, '/office/people');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: ria.name }) });
    await card.waitFor();
    await activate(page, `Make in-house lead: ${ria.name}`);
    await card.getByRole('alert').filter({ hasText: 'The service could not be reached. Check your connection and try again.' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Make in-house lead: Ria Retry');
    await checkPage(page, 'staff page: making a lead failed');

    failing = false;
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Ria Retry is now an in-house lead' }).waitFor();
    await expect.poll(() => card.getByRole('alert').filter({ hasText: /\S/ }).count()).toBe(0);
    expect((await t.request('GET', '/api/me/lead-orgs', { as: ria })).json.items.map((o: any) => o.id)).toEqual([org.id]);
  });

  it('who a published session is for is changed on its edit page: made in-house for one school, and refused beside the field while someone booked would be left outside (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const oak = await t.org('Oakridge Audience School');
    const elm = await t.org('Elmfield Audience School');
    const elmStaff = await t.user('staff', elm.id, 'Eli Elmfield');
    const s = await t.session({ title: 'Audience changed after publishing', startsAt: daysFromNow(12), endsAt: plusMinutes(daysFromNow(12), 60), capacity: { online: 5 } }, trainer);
    const booked = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: elmStaff, body: {} })).json;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/edit`);
    await page.getByRole('heading', { level: 1, name: `Edit: ${s.title}` }).waitFor();
    expect(await page.getByLabel('Everyone in the programme').isChecked()).toBe(true);
    // A radio group is one Tab stop: into it on the chosen one, then an arrow to the next.
    await tabTo(page, 'Everyone in the programme', { max: 120 });
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('One organisation’s staff only (in-house)').isChecked()).toBe(true);
    await typeInto(page, 'Find organisation by name or URN', 'Oakridge Audience');
    await expect.poll(() => page.locator('#audience-org').inputValue()).toBe(oak.id);
    await tabTo(page, 'Save changes', { max: 120 });
    await page.keyboard.press('Enter');
    // Eli (Elmfield) is booked: refused beside Who is it for, in the server's words; nothing changed.
    const error = page.locator('#audience-org-error');
    await error.filter({ hasText: 'outside that audience' }).waitFor();
    expect(await page.locator('#audience-org').getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'edit session: a narrower audience refused (320 px)');
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.audience.kind).toBe('programme');

    // Once Eli's place is cancelled, the same change saves; Elmfield's staff no longer see it.
    expect((await t.request('DELETE', `/api/bookings/${booked.id}`, { as: elmStaff })).status).toBe(200);
    await tabTo(page, 'Save changes', { max: 120 });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: trainer })).json.audience).toEqual({ kind: 'organisation', orgId: oak.id, orgName: oak.name });
    expect((await t.request('GET', `/api/sessions/${s.id}`, { as: elmStaff })).status).toBe(404);
    await checkPage(page, 'edit session: audience saved (320 px)');
  });
});
