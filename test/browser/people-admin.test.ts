/**
 * Issue 16, point 5, in a real browser, as the role that does each thing, by keyboard, at
 * desktop size and at 320 CSS pixels (no sideways scrolling), axe-clean: an administrator
 * adds a person and sends them a link; administrators and school offices import staff from
 * CSV with a line-by-line report; a trust's office books and sees the staff of its schools;
 * the courses page offers a trainer who comes after the first 100 people.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers.js';
import { activate, browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped, checkPage, NARROW, typeInto } from './harness.js';

warnIfSkipped(import.meta.url);

const WIDE = { viewport: { width: 1280, height: 900 } };

describe.skipIf(!browserAvailable)('administration of people, imports and trust offices', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  async function orgs(admin: TestUser) {
    const { t } = env.server;
    const mk = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string; name: string };
    const trust = await mk({ name: `Oak Trust ${Math.random().toString(36).slice(2, 6)}`, kind: 'trust' });
    const hill = await mk({ name: `Hill Primary ${trust.name.slice(-4)}`, parentId: trust.id, urn: String(100000 + Math.floor(Math.random() * 899999)) });
    const vale = await mk({ name: `Vale Academy ${trust.name.slice(-4)}`, parentId: trust.id });
    const other = await mk({ name: `Elm School ${trust.name.slice(-4)}` });
    return { trust, hill, vale, other };
  }

  it('the People page shows the job role of staff and office staff on their cards, as the office’s Staff accounts does (it counts in training coverage), by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const { hill } = await orgs(admin);
    const teacher = await t.user('staff', hill.id, 'Tess Teacher');
    await t.db.updateTable('users').set({ job_role: 'teacher' }).where('id', '=', teacher.id).execute();
    await t.user('office', hill.id, 'Olly Office');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/people?orgId=${hill.id}`);
    const card = (name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    const fact = (name: string) => card(name).locator('dt', { hasText: 'Job role' }).locator('xpath=following-sibling::dd[1]');
    await expect.poll(() => fact('Tess Teacher').textContent()).toBe('Teacher');
    await expect.poll(() => fact('Olly Office').textContent()).toBe('Not stated');
    await tabTo(page, 'Turn off account: Tess Teacher');
    await checkPage(page, 'people page with job roles on the cards');
  });

  it('turning off a trainer says which sessions still to come now have no one to run them (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const tara = await t.user('trainer', null, 'Tara Soleperson');
    const cole = await t.user('trainer', null, 'Cole Cotrainer');
    const sole = await t.session({ title: 'Attention autism', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60) }, tara);
    const shared = await t.session({ title: 'Zones of regulation', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), trainerIds: [tara.id, cole.id] }, tara);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/people?q=${encodeURIComponent('Tara Soleperson')}`);
    await page.getByRole('heading', { name: 'Tara Soleperson' }).waitFor();
    await activate(page, 'Turn off account: Tara Soleperson');
    await activate(page, 'Yes, turn it off');
    const status = page.locator('#people-status');
    // Named with its date and time in England ("Thu, 10 Dec 2026, 15:00 GMT").
    await status.filter({ hasText: /^Tara Soleperson's account is turned off and they have been signed out\. They were the only one running “Attention autism” \(\w{3}, \d{1,2} \w{3} \d{4}, \d{2}:00 (GMT|BST)\), which now has no trainer: give it another on its edit page\. All sessions lists it under “Needing a trainer” until then\.$/ }).waitFor();
    expect(await status.textContent()).not.toContain('Zones of regulation');
    await checkPage(page, 'people page after turning off the only trainer of a session (320 px)');
    // The message's links: the session's title to its edit page, and All sessions' "Needing a trainer".
    expect(await status.getByRole('link', { name: 'All sessions' }).getAttribute('href')).toBe('/trainer/sessions?when=unstaffed');
    await tabTo(page, '“Attention autism”', { back: true, max: 30 });
    await expectFocused(page, '#people-status a');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /Edit/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/trainer/sessions/${sole.id}/edit`);

    // The session's own page says so too, with the way to mend it.
    await page.goto(`${env.server.baseUrl}/sessions/${sole.id}`);
    await page.getByRole('heading', { level: 1, name: 'Attention autism' }).waitFor();
    await page.getByText('No one named on this session can run it now: its trainers’ accounts are turned off, or they no longer run sessions.').waitFor();
    await checkPage(page, 'session page of a session no one can run (administrator, 320 px)');
    await activate(page, 'Give it another trainer');
    await page.getByRole('heading', { level: 1, name: /Edit/ }).waitFor();
    // A session a co-trainer still runs says nothing of it.
    await page.goto(`${env.server.baseUrl}/sessions/${shared.id}`);
    await page.getByRole('heading', { level: 2, name: 'Running this session' }).waitFor();
    expect(await page.getByText(/No one named on this session can run it/).count()).toBe(0);

    // All sessions lists every such session in one place, by keyboard from the menu's page.
    await page.goto(`${env.server.baseUrl}/trainer/sessions`);
    await page.getByRole('heading', { level: 1, name: 'All sessions' }).waitFor();
    await activate(page, 'Needing a trainer');
    await page.getByRole('status').filter({ hasText: /^Showing 1 to \d+ of \d+ sess(ion|ions) needing a trainer\.$/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Needing a trainer' }).getAttribute('aria-current')).toBe('page');
    const cards = page.getByRole('article');
    await cards.filter({ has: page.getByRole('heading', { name: 'Attention autism' }) }).waitFor();
    expect(await cards.filter({ has: page.getByRole('heading', { name: 'Zones of regulation' }) }).count()).toBe(0);
    await page.getByText(/whose named trainers can no longer run them/).waitFor();
    await checkPage(page, 'all sessions needing a trainer (administrator, 320 px)');
    await activate(page, 'Edit or cancel', { max: 40 });
    await page.getByRole('heading', { level: 1, name: /Edit/ }).waitFor();
  });

  for (const [size, viewport] of [['320 px', NARROW], ['desktop', WIDE]] as const) {
    it(`an administrator adds a person (errors beside fields, duplicate email) and emails them a link, by keyboard, at ${size}`, async () => {
      const { t } = env.server;
      const admin = await t.user('admin');
      const { hill } = await orgs(admin);
      const taken = await t.user('staff', hill.id, 'Already Here');
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, '/admin/people');
      await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
      await page.getByRole('combobox', { name: 'Organisation', exact: true }).waitFor();
      await checkPage(page, `people page with the add form (${size})`);

      // Nothing filled in: each problem beside its field, the summary focused.
      await tabTo(page, 'Add person');
      await page.keyboard.press('Enter');
      await expectFocused(page, '.error-summary');
      await page.locator('#new-name-error').filter({ hasText: 'Full name is required' }).waitFor();
      await page.locator('#new-email-error').waitFor();
      await page.locator('#new-org-error').filter({ hasText: 'choose the organisation this person works for' }).waitFor();
      await checkPage(page, `add form with errors (${size})`);

      // An address that already has an account: said beside the email field.
      await typeInto(page, 'Full name', 'Amira Khan');
      await typeInto(page, 'Email address', taken.email);
      await typeInto(page, /^Find organisation by name or URN/, hill.name);
      await expect.poll(() => page.getByRole('combobox', { name: 'Organisation', exact: true }).inputValue()).toBe(hill.id);
      await tabTo(page, 'Add person');
      await page.keyboard.press('Enter');
      await page.locator('#new-email-error').filter({ hasText: 'already belongs to an account' }).waitFor();
      await checkPage(page, `add form, email taken (${size})`);

      const email = `amira.${size === '320 px' ? 'narrow' : 'wide'}@hill.example`;
      await typeInto(page, 'Email address', email);
      await tabTo(page, 'Add person');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `Amira Khan was added to ${hill.name}` }).waitFor();
      await expectFocused(page, '#added-title');
      const created = await t.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
      expect([created.name, created.role, created.org_id]).toEqual(['Amira Khan', 'staff', hill.id]);
      await checkPage(page, `person added (${size})`);

      await tabTo(page, 'Email Amira Khan a link to choose a password');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: `A link to choose a password is on its way to ${email}` }).first().waitFor();
      const mails = (await t.mails('password_reset')).filter((m) => m.to_email === email);
      expect(mails).toHaveLength(1);
      await checkPage(page, `link sent (${size})`);
    });

    it(`an administrator checks a staff CSV, sees each refused line and why, fixes it and imports, by keyboard, at ${size}`, async () => {
      const { t } = env.server;
      const admin = await t.user('admin');
      const { vale } = await orgs(admin);
      const existing = await t.user('staff', vale.id, 'Existing Person');
      const tag = size === '320 px' ? 'n' : 'w';
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, '/admin/people');
      await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
      await tabTo(page, 'import them from a spreadsheet (CSV)');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Import staff from a spreadsheet' }).waitFor();
      await page.getByRole('combobox', { name: 'Organisation', exact: true }).waitFor();
      await checkPage(page, `import page (${size})`);

      await typeInto(page, /^Find organisation by name or URN/, vale.name);
      await expect.poll(() => page.getByRole('combobox', { name: 'Organisation', exact: true }).inputValue()).toBe(vale.id);
      const bad = `name,email,role\nAsha Patel,asha.${tag}@vale.example,staff\nBen Ode,not-an-email,staff\nCal Reed,${existing.email},office\n`;
      await typeInto(page, /^Lines/, bad);
      await tabTo(page, 'Check the lines');
      await page.keyboard.press('Enter');
      const report = page.getByRole('region', { name: 'Check: some lines cannot be imported' });
      await report.waitFor();
      await expectFocused(page, '#import-report');
      const rows = report.getByRole('row');
      await expect.poll(() => rows.count()).toBe(4);
      await report.getByRole('cell', { name: 'Refused: “not-an-email” is not an email address.' }).waitFor();
      await report.getByRole('cell', { name: /Refused: .* already has an account/ }).waitFor();
      await report.getByRole('cell', { name: 'Not imported: this line is fine, but other lines have problems' }).waitFor();
      await checkPage(page, `import check with refused lines (${size})`);
      expect(await t.db.selectFrom('users').select('id').where('email', '=', `asha.${tag}@vale.example`).executeTakeFirst()).toBeUndefined();

      await typeInto(page, /^Lines/, `name,email,role\nAsha Patel,asha.${tag}@vale.example,staff\nBen Ode,ben.${tag}@vale.example,office\n`, { back: true });
      await tabTo(page, 'Check the lines');
      await page.keyboard.press('Enter');
      const ready = page.getByRole('region', { name: 'Check: every line can be imported' });
      await ready.getByRole('cell', { name: 'Ready to create' }).first().waitFor();
      expect(await t.db.selectFrom('users').select('id').where('email', '=', `asha.${tag}@vale.example`).executeTakeFirst()).toBeUndefined();
      await tabTo(page, 'Import', { back: true });
      await page.keyboard.press('Enter');
      const done = page.getByRole('region', { name: 'Imported' });
      await done.getByText(`2 people were added to ${vale.name}.`).waitFor();
      await expect.poll(() => done.getByRole('cell', { name: 'Created' }).count()).toBe(2);
      await done.getByRole('cell', { name: 'School office' }).waitFor();
      await checkPage(page, `import done (${size})`);
      const ben = await t.db.selectFrom('users').selectAll().where('email', '=', `ben.${tag}@vale.example`).executeTakeFirstOrThrow();
      expect([ben.role, ben.org_id]).toEqual(['office', vale.id]);
    });
  }

  it('a school office imports staff into its own school from a chosen file, and may not import office accounts', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const { hill } = await orgs(admin);
    const office = await t.user('office', hill.id, 'Harriet Office');
    for (const viewport of [NARROW, WIDE]) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, office, '/office/people');
      await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
      await tabTo(page, 'Import staff from a spreadsheet (CSV)');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Import staff from a spreadsheet' }).waitFor();
      await page.getByText(`Into: ${hill.name}`).waitFor();
      await checkPage(page, 'office import page');
      const tag = viewport === NARROW ? 'n' : 'w';
      // Excel's "CSV (Comma delimited)" on a UK PC is Windows-1252: refused as it is chosen,
      // beside the field, naming the line and how to save it as CSV UTF-8; its lines are not
      // shown as "Siobh�n O�Brien" to be checked.
      const ansi = Buffer.from(`name,email,role\r\nAmira Khan,amira.${tag}@hill.example,staff\r\nSiobh\xe1n O\x92Brien,siobhan.${tag}@hill.example,staff\r\n`, 'latin1');
      await page.locator('#import-file').setInputFiles({ name: 'ansi.csv', mimeType: 'text/csv', buffer: ansi });
      const notUtf8 = page.locator('#import-file-error');
      await notUtf8.filter({ hasText: 'This file is not saved as UTF-8 text' }).waitFor();
      expect(await notUtf8.textContent()).toMatch(/^Error: CSV file: .* on line 3 .*“CSV UTF-8 \(Comma delimited\) \(\*\.csv\)”/);
      await page.getByRole('alert').filter({ hasText: 'There is a problem' }).filter({ hasText: 'CSV file: This file is not saved as UTF-8 text' }).waitFor();
      await expectFocused(page, '.error-summary');
      expect(await page.locator('#import-file').getAttribute('aria-describedby')).toContain('import-file-error');
      expect(await page.getByLabel(/^Lines/).inputValue()).toBe('');
      await checkPage(page, 'office import, a file not in UTF-8');
      // A file over 1 MB is refused as it is chosen, in plain words, before it is read or sent
      // (sent, the service would refuse it as a request too large).
      const imports: string[] = [];
      page.on('request', (r) => r.url().includes('/users/import') && imports.push(r.url()));
      const everyone = Buffer.from(`name,email,role\n${`Someone,someone@hill.example,staff${' '.repeat(60)}\n`.repeat(14_000)}`);
      expect(everyone.length).toBeGreaterThan(1024 * 1024);
      await page.locator('#import-file').setInputFiles({ name: 'everyone.csv', mimeType: 'text/csv', buffer: everyone });
      await notUtf8.filter({ hasText: 'everyone.csv' }).waitFor();
      expect(await notUtf8.textContent()).toBe('Error: CSV file: everyone.csv is larger than 1 MB, the most one import may be. Split the staff into several files and import each.');
      await page.getByRole('alert').filter({ hasText: 'There is a problem' }).filter({ hasText: 'everyone.csv is larger than 1 MB' }).waitFor();
      await expectFocused(page, '.error-summary');
      expect(await page.getByLabel(/^Lines/).inputValue()).toBe('');
      await checkPage(page, 'office import, a file too large');
      if (viewport === NARROW) {
        // Pasted lines over 1 MB are refused by Check, beside the lines, and nothing is sent.
        // Put in as a paste lands, in one input event (typing a megabyte through the keyboard
        // protocol takes minutes); then Tab from the lines to Check.
        await page.getByLabel(/^Lines/).evaluate((el, v) => {
          (el as HTMLTextAreaElement).value = v;
          el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
          (el as HTMLTextAreaElement).focus();
        }, everyone.toString());
        await activate(page, 'Check the lines');
        await page.locator('#import-text-error').filter({ hasText: 'Lines: these lines come to more than 1 MB, the most one import may be. Import them in several parts.' }).waitFor();
        await expectFocused(page, '.error-summary');
        await checkPage(page, 'office import, pasted lines too many');
        expect(imports).toEqual([]);
      }
      await page.locator('#import-file').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`name,email,role\nDina Shah,dina.${tag}@hill.example,\nEd Boss,ed.${tag}@hill.example,office\n`) });
      await expect.poll(() => page.getByLabel(/^Lines/).inputValue()).toContain(`dina.${tag}@hill.example`);
      await tabTo(page, 'Import');
      await page.keyboard.press('Enter');
      const refused = page.getByRole('region', { name: 'Nobody was imported' });
      await refused.getByRole('cell', { name: /Refused: Office staff can add staff only/ }).waitFor();
      await checkPage(page, 'office import refused');
      await typeInto(page, /^Lines/, `name,email\nDina Shah,dina.${tag}@hill.example\n`, { back: true });
      await tabTo(page, 'Import');
      await page.keyboard.press('Enter');
      await page.getByRole('region', { name: 'Imported' }).getByText(`1 person was added to ${hill.name}.`).waitFor();
      await checkPage(page, 'office import done');
      const dina = await t.db.selectFrom('users').selectAll().where('email', '=', `dina.${tag}@hill.example`).executeTakeFirstOrThrow();
      expect([dina.role, dina.org_id]).toEqual(['staff', hill.id]);
    }
  });

  it('the import page’s title starts “Error: ” while the form has errors (nothing entered, refused lines), as every form’s does, and not once they are fixed (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const { hill } = await orgs(admin);
    const office = await t.user('office', hill.id, 'Ida Office');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/office/people/import');
    await page.getByRole('heading', { level: 1, name: 'Import staff from a spreadsheet' }).waitFor();
    await page.getByText(`Into: ${hill.name}`).waitFor();
    expect(await page.title()).toBe('Import staff – SEND Live Training');

    // Nothing to check: the error is in the summary and beside the field, and the title says so.
    await tabTo(page, 'Check the lines');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByRole('link', { name: 'Lines: choose a CSV file or paste its lines' }).waitFor();
    await expectFocused(page, '.error-summary');
    await expect.poll(() => page.title()).toBe('Error: Import staff – SEND Live Training');
    await checkPage(page, 'import page with nothing entered');

    // A refused line: the report says which, and the title still starts "Error: ".
    await typeInto(page, /^Lines \(paste/, `name,email,role\nJo Bloggs,not-an-email,staff\n`);
    await tabTo(page, 'Check the lines');
    await page.keyboard.press('Enter');
    const report = page.getByRole('region', { name: 'Check: some lines cannot be imported' });
    await report.getByRole('cell', { name: 'Refused: “not-an-email” is not an email address.' }).waitFor();
    await expectFocused(page, '#import-report');
    await expect.poll(() => page.title()).toBe('Error: Import staff – SEND Live Training');
    await checkPage(page, 'import page with a refused line');

    // An export whose headings are not the service's: the server's own reason, naming the headings as written.
    await typeInto(page, /^Lines \(paste/, `First name,Surname,Email\nJo,Bloggs,jo.bloggs@hill.example\n`, { back: true });
    await tabTo(page, 'Check the lines');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'The CSV file needs a "name" column (header: name,email,role; its header row has: First name, Surname, Email).' }).first().waitFor();
    await checkPage(page, 'import page with headings it does not know');

    // Fixed: every line can be imported, and the title is the page's own again.
    await typeInto(page, /^Lines \(paste/, `name,email,role\nJo Bloggs,jo.bloggs@hill.example,staff\n`, { back: true });
    await tabTo(page, 'Check the lines');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Check: every line can be imported' }).getByRole('cell', { name: 'Ready to create' }).waitFor();
    await expect.poll(() => page.title()).toBe('Import staff – SEND Live Training');
  });

  it('the import page’s title starts “Error: ” while its organisations cannot be loaded, as a page whose load failed does, and not once “Try again” brings them (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const { hill } = await orgs(admin);
    const office = await t.user('office', hill.id, 'Isla Office');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    let failing = true;
    await page.route('**/api/orgs?*', (route) =>
      route.request().method() === 'GET' && failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue(),
    );
    await page.goto('/office/people/import');
    await page.getByRole('heading', { level: 1, name: 'Import staff from a spreadsheet' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side' }).waitFor();
    await expect.poll(() => page.title()).toBe('Error: Import staff – SEND Live Training');
    await checkPage(page, 'import page whose organisations failed to load');

    failing = false;
    await page.getByRole('heading', { level: 1 }).focus();
    await tabTo(page, 'Try again');
    await page.keyboard.press('Enter');
    await page.getByText(`Into: ${hill.name}`).waitFor();
    await expect.poll(() => page.title()).toBe('Import staff – SEND Live Training');
    await checkPage(page, 'import page once its organisations came');
  });

  it('a trust office books staff of a school in its trust and sees that school’s bookings; another trust’s school is not offered', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const { trust, hill, vale, other } = await orgs(admin);
    const office = await t.user('office', trust.id, 'Tess Trust');
    await t.user('staff', hill.id, 'Hana Hill');
    await t.user('staff', vale.id, 'Vic Vale');
    await t.user('staff', other.id, 'Olly Other');
    const start = daysFromNow(5);
    const s = await t.session({ title: `Trust inclusion day ${trust.name.slice(-4)}`, startsAt: start, endsAt: plusMinutes(start, 90), capacity: { online: 10 } });
    for (const [size, viewport] of [['320 px', NARROW], ['desktop', WIDE]] as const) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, office, `/sessions/${s.id}`);
      const picker = page.getByRole('combobox', { name: 'Book staff of' });
      await picker.waitFor();
      const options = await picker.locator('option').allTextContents();
      // Nothing chosen at first: the trust's office chooses whose staff to book (the trust's own among them).
      expect(options).toEqual(['Choose a school', `${trust.name} (its own staff)`, hill.name, vale.name]);
      await checkPage(page, `session page, trust office (${size})`);

      if (size === '320 px') {
        await tabTo(page, 'Book staff of');
        // Keyboard choice of the school: Vale is the third after "Choose a school".
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await expect.poll(() => picker.inputValue()).toBe(vale.id);
        const panel = page.getByRole('region', { name: `Book staff from ${vale.name}` });
        await panel.getByRole('checkbox', { name: /Vic Vale/ }).waitFor();
        await tabTo(page, /Vic Vale/);
        await page.keyboard.press('Space');
        await tabTo(page, 'Book 1 person');
        await page.keyboard.press('Enter');
        await panel.getByText('1 of 1 person booked or added to the waitlist.').waitFor();
        await checkPage(page, `trust office booked a school's staff (${size})`);
        const booked = await t.db.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id').select(['u.name', 'b.status', 'b.booked_by']).where('b.session_id', '=', s.id).execute();
        expect(booked).toEqual([{ name: 'Vic Vale', status: 'confirmed', booked_by: office.id }]);
      }

      // Who is booked where, for a school of the trust.
      await page.goto('/office/bookings');
      await page.getByRole('heading', { level: 1, name: 'Who is booked where' }).waitFor();
      await page.getByRole('combobox', { name: 'School' }).waitFor();
      await tabTo(page, 'School');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await tabTo(page, 'Show');
      await page.keyboard.press('Enter');
      await page.waitForURL(/org=/);
      await page.locator('table').getByText('Vic Vale', { exact: true }).waitFor();
      expect(await page.getByText('Olly Other').count()).toBe(0);
      await checkPage(page, `who is booked where, a school of the trust (${size})`);

      if (size === '320 px') {
        // Who needs cover, for a school of the trust: the picker, then that school's report and spreadsheet.
        await page.goto('/office/cover');
        await page.getByRole('heading', { level: 1, name: 'Who needs cover' }).waitFor();
        await page.getByRole('combobox', { name: 'School' }).waitFor();
        await tabTo(page, 'School');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await tabTo(page, 'Show');
        await page.keyboard.press('Enter');
        await page.waitForURL(new RegExp(`org=${vale.id}`));
        await page.getByRole('table').or(page.getByText('No bookings need cover in these dates.')).first().waitFor();
        // The range form keeps the school chosen.
        await tabTo(page, 'Show cover needed');
        await page.keyboard.press('Enter');
        await page.waitForURL(/from=/);
        expect(new URL(page.url()).searchParams.get('org')).toBe(vale.id);
        await checkPage(page, `who needs cover, a school of the trust (${size})`);

        // The school's calendar feed: the picker chooses whose.
        await page.goto(`/calendar?org=${vale.id}`);
        await page.getByRole('heading', { level: 2, name: `Every booking of ${vale.name}’s staff` }).waitFor();
        // Named: it is not the trust office's own school.
        await page.getByLabel(`${vale.name}’s calendar address`).waitFor();
        await checkPage(page, `calendar feeds, a school of the trust (${size})`);
        // Another trust's school in the address is not taken: the page shows the office's own organisation.
        await page.goto(`/calendar?org=${other.id}`);
        await page.getByRole('heading', { level: 2, name: `Every booking of ${trust.name}’s own staff` }).waitFor();
      }
    }
    // The server refuses the other trust's school, whatever the page offers.
    const res = await t.request('GET', `/api/orgs/${other.id}/bookings`, { as: office });
    expect(res.status).toBe(403);
  });

  it('an office page about one school has its heading while the schools load, axe-clean at 320 px', async () => {
    const { t } = env.server;
    const org = await t.org('Slow Lane Primary');
    const office = await t.user('office', org.id);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    // The list of schools answers only when the test lets it.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route((url) => url.pathname === '/api/orgs', async (route) => {
      await held;
      await route.continue();
    });
    for (const [path, title] of [['/office/cover', 'Who needs cover'], ['/office/bookings', 'Who is booked where'], ['/office/export', 'Export bookings'], ['/office/people', 'Staff accounts']] as const) {
      await page.goto(path);
      await page.getByText('Loading your organisations…').waitFor();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await checkPage(page, `${title} while the schools load`);
    }
    release();
    await page.getByRole('heading', { level: 1, name: 'Staff accounts' }).waitFor();
    await page.getByText('Loading your organisations…').waitFor({ state: 'detached' });
    await checkPage(page, 'staff accounts once the schools are in');
  });

  it('a person whose role is changed while the list shows one role leaves the list, the count follows and the message saying so takes focus (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const school = await t.org('Rowan Filter School');
    const petra = await t.user('staff', school.id, 'Petra Rolechange');
    await t.user('staff', school.id, 'Sam Rolechange');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/people?q=rolechange&role=staff');
    await page.getByText('Staff matching “rolechange”: 2 people.').waitFor();
    await tabTo(page, /^Change role, job role or organisation, or send a reset link: /, { max: 120 });
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Save role and organisation for ${petra.name}` }).waitFor();
    await tabTo(page, 'Role');
    await page.keyboard.type('Tr'); // Trainer
    await tabTo(page, `Save role and organisation for ${petra.name}`);
    await page.keyboard.press('Enter');
    // Leaving her school's staff gives up what changing her back does not return: asked first, the question taking focus.
    const question = page.getByRole('group', { name: `Change ${petra.name}’s role or organisation` }).locator('p');
    await question.waitFor();
    await expectFocused(page, '.confirm p[tabindex="-1"]');
    expect(await question.innerText()).toBe(
      `Make ${petra.name} trainer at ${school.name}? Any places they hold on in-house sessions still to come for staff of ${school.name} that their new place does not include are given up (they are told of each by email), and if they lead in-house training there, they stop. Changing them back later does not give these back.`,
    );
    await checkPage(page, 'asked before a change of role that gives things up (320 px)');
    // "No, not yet" changes nothing and gives focus back to Save.
    await activate(page, 'No, not yet');
    await expectFocused(page, `#save-placement-${petra.id}`);
    expect((await t.request('GET', '/api/me', { as: petra })).json).toMatchObject({ role: 'staff' });
    await page.keyboard.press('Enter');
    await question.waitFor();
    await activate(page, 'Yes, save the change');
    const status = page.getByRole('status').filter({ hasText: `${petra.name} is now trainer at ${school.name}.` });
    await status.waitFor();
    expect(await status.innerText()).toBe(`${petra.name} is now trainer at ${school.name}. They are no longer listed here: this list shows staff only.`);
    // Not left listed under a role they no longer have; the count says what the list now holds.
    const people = page.getByRole('list', { name: 'People' });
    await expect.poll(() => people.getByRole('heading', { level: 2, name: petra.name }).count()).toBe(0);
    await people.getByRole('heading', { level: 2, name: 'Sam Rolechange' }).waitFor();
    await page.getByText('Staff matching “rolechange”: 1 person.').waitFor();
    // The card (and the button pressed) has gone: focus is on the message, not lost to the page.
    await expectFocused(page, '#people-status');
    expect((await t.request('GET', '/api/me', { as: petra })).json).toMatchObject({ role: 'trainer' });
    await checkPage(page, 'people list after a role change took someone off it');
  });

  it('the courses page offers a trainer who comes after the first 100 people by name', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Aaa Admin');
    const school = await t.org('Many People School');
    for (let i = 0; i < 105; i++) await t.user('staff', school.id, `Aardvark ${String(i).padStart(3, '0')}`);
    await t.user('trainer', null, 'Zebedee Trainer');
    await t.request('POST', '/api/courses', { as: admin, body: { title: 'Attention and autism' } });
    for (const viewport of [WIDE, NARROW]) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, '/admin/courses');
      const card = page.getByRole('article', { name: 'Attention and autism' });
      const zeb = card.getByRole('checkbox', { name: 'Zebedee Trainer' });
      await zeb.waitFor();
      await checkPage(page, 'courses page with many people');
      if (viewport === NARROW) {
        expect(await zeb.isChecked()).toBe(true); // saved at desktop size
        continue;
      }
      await tabTo(page, 'Zebedee Trainer');
      await page.keyboard.press('Space');
      await tabTo(page, 'Save trainers for Attention and autism');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Attention and autism: 1 trainer(s) may run its sessions.' }).waitFor();
    }
  });

  it('the People list shown for one organisation starts “Add a person” and its import link at that organisation, not asking for it again (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const school = await t.org('Quarry Bank Suggested School');
    await t.user('staff', school.id, 'Quinn Quarry');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/people?orgId=${school.id}`);
    await page.getByRole('heading', { level: 2, name: 'Quinn Quarry' }).waitFor();
    await expect.poll(() => page.locator('#new-org').inputValue()).toBe(school.id);
    expect(await page.locator('#new-org option:checked').innerText()).toContain(school.name);
    expect(await page.getByRole('link', { name: 'import them from a spreadsheet (CSV)' }).getAttribute('href')).toBe(`/admin/people/import?org=${school.id}`);
    await typeInto(page, 'Full name', 'Nadia New');
    await typeInto(page, 'Email address', 'nadia.new@quarry.example');
    await activate(page, 'Add person');
    await page.getByRole('heading', { name: `Nadia New was added to ${school.name}` }).waitFor();
    await checkPage(page, 'people list for one organisation, a person added there (320 px)');
  });
});
