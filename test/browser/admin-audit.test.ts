/**
 * An audit of the administrators' pages, by keyboard, at 320 CSS px and at desktop width, with
 * realistic volumes: what an administrator would notice going wrong.
 *
 * - The Mail page lists the outbox a page at a time, saying how many messages there are in
 *   all ("Showing 100 of 260 messages"): every message can be reached by turning to older
 *   pages (it used to list the newest 200 only), and found by any part of its address.
 * - Changing a person's role to one that needs an organisation without choosing one: the
 *   refusal is said beside the Organisation field (in a summary that takes focus), not as a
 *   general error offering "Try again" that can only fail the same way.
 * - The Courses page shows everyone a course's list names, a turned-off trainer or an
 *   administrator too, ticked: "none ticked: any trainer" is true when the page says it, and
 *   they can be taken off the list.
 * - An organisation's kind refused (a trust with schools under it made a school) is marked on
 *   the Kind field itself: invalid, and described by the error, as every other field is.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, expectFocused, newPage, serverAndBrowser, signIn, signInAt, tabTo, warnIfSkipped, NARROW, typeInto } from './harness.js';
import { sentOutboxRow } from '../helpers.js';

warnIfSkipped(import.meta.url);

const WIDE = { viewport: { width: 1280, height: 900 } };
const SIZES = [['320 px', NARROW], ['desktop', WIDE]] as const;

describe.skipIf(!browserAvailable)('administrators’ pages, audited', { timeout: 180_000 }, () => {
  const env = serverAndBrowser();

  it('the Mail page pages through every message, saying how many there are, and finds one by any part of its address, by keyboard (320 px and desktop)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    // A term's worth of mail for a few thousand staff: far more than one page lists.
    const rows = Array.from({ length: 260 }, (_, i) => sentOutboxRow(i, `person${i}@school.example`, admin.id));
    for (let i = 0; i < rows.length; i += 50) await t.db.insertInto('outbox').values(rows.slice(i, i + 50)).execute();
    const total = Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(total).toBe(260);

    for (const [size, viewport] of SIZES) {
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, '/admin/mail');
      await page.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
      await page.getByRole('table').waitFor();
      // How many there are in all, not a count that reads as "all of them".
      const count = page.locator('#outbox-count');
      await expect.poll(async () => (await count.innerText()).replace(/\s+/g, ' ')).toBe('Showing 100 of 260 messages, newest first.');
      expect(await count.getAttribute('role')).toBe('status');
      expect(await page.getByRole('row').count()).toBe(101); // the header row and 100 messages
      await checkPage(page, `mail page, first of three pages (${size})`);

      // The oldest messages, which the page never listed, are two pages on; the count takes focus.
      for (const shown of ['Showing 100 older messages, of 260 in all, newest first.', 'Showing 60 older messages, of 260 in all, newest first.']) {
        const from = page.url();
        await tabTo(page, 'Older messages', { max: 80 });
        await page.keyboard.press('Enter');
        await page.waitForURL((u) => u.pathname === '/admin/mail' && u.searchParams.has('before') && u.toString() !== from);
        await expect.poll(async () => (await count.innerText()).replace(/\s+/g, ' ')).toBe(shown);
        await expectFocused(page, '#outbox-count');
      }
      await page.getByRole('rowheader', { name: /Choose a password 0$/ }).waitFor();
      expect(await page.getByRole('row').count()).toBe(61);
      await checkPage(page, `mail page, last page (${size})`);

      // Found by part of the address, in any case: person25 and person250 to person259. The
      // field is back from the count (each message's "Read" lies ahead).
      await typeInto(page, 'To (an email address, or any part of one)', 'PERSON25', { back: true });
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await count.innerText()).replace(/\s+/g, ' ')).toBe('Showing 11 of 11 messages to addresses containing “PERSON25”, newest first.');
      expect(await page.getByRole('row').count()).toBe(12);
      await page.getByRole('rowheader', { name: /Choose a password 25$/ }).waitFor();
      expect(await page.getByRole('link', { name: 'Older messages' }).count()).toBe(0);
      await checkPage(page, `mail found by part of an address (${size})`);
      await page.context().close();
    }
  });

  for (const [size, viewport] of SIZES) {
    it(`a role change refused for want of an organisation is marked on the Organisation field, by keyboard, at ${size}`, async () => {
      const { t } = env.server;
      const admin = await t.user('admin');
      const suffix = size === '320 px' ? 'Narrow' : 'Wide';
      const trainer = await t.user('trainer', null, `Quinn Placement ${suffix}`);
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, `/admin/people?q=${encodeURIComponent(trainer.email)}`);
      await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
      await page.getByRole('heading', { level: 2, name: trainer.name }).waitFor();

      await tabTo(page, /^Change role, job role or organisation, or send a reset link: /, { max: 120 });
      await page.keyboard.press('Enter');
      const roleSelect = page.locator(`#role-${trainer.id}`);
      await roleSelect.waitFor();
      await tabTo(page, 'Role');
      await page.keyboard.type('Staff');
      await expect.poll(() => roleSelect.inputValue()).toBe('staff');
      await tabTo(page, `Save role and organisation for ${trainer.name}`);
      await page.keyboard.press('Enter');

      // Said beside the field, in a summary that takes focus; no "Try again" that would fail the same way.
      const fieldError = page.locator(`#org-${trainer.id}-error`);
      await fieldError.waitFor();
      expect(await fieldError.innerText()).toMatch(/organisation/i);
      await expectFocused(page, '.error-summary');
      expect(await page.locator(`#org-${trainer.id}`).getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`#org-${trainer.id}`).getAttribute('aria-describedby')).toContain(`org-${trainer.id}-error`);
      expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
      // Nothing chosen was lost.
      expect(await roleSelect.inputValue()).toBe('staff');
      const still = await t.db.selectFrom('users').select(['role', 'org_id']).where('id', '=', trainer.id).executeTakeFirstOrThrow();
      expect(still).toEqual({ role: 'trainer', org_id: null });
      await checkPage(page, `placement refused (${size})`);

      // Following the summary's link reaches the field; choosing an organisation then saves.
      const org = (await t.request('POST', '/api/orgs', { as: admin, body: { name: `Rowan School ${suffix}` } })).json as { id: string; name: string };
      await page.reload();
      await page.getByRole('heading', { level: 2, name: trainer.name }).waitFor();
      await tabTo(page, /^Change role, job role or organisation, or send a reset link: /, { max: 120 });
      await page.keyboard.press('Enter');
      await roleSelect.waitFor();
      await tabTo(page, 'Role');
      await page.keyboard.type('Staff');
      await tabTo(page, 'Organisation');
      await page.locator(`#org-${trainer.id}`).selectOption(org.id);
      await tabTo(page, `Save role and organisation for ${trainer.name}`);
      await page.keyboard.press('Enter');
      // No longer running sessions: asked first.
      await page.getByText(`Make ${trainer.name} staff at ${org.name}? They no longer run sessions`).waitFor();
      await activate(page, 'Yes, save the change');
      await page.getByRole('status').filter({ hasText: `${trainer.name} is now staff at ${org.name}` }).waitFor();
      expect(await page.locator(`#org-${trainer.id}-error`).count()).toBe(0);
      await page.context().close();
    });
  }

  for (const [size, viewport] of SIZES) {
    it(`the Courses page shows a turned-off trainer and an administrator a course's list names, and they can be unticked, by keyboard, at ${size}`, async () => {
      const { t } = env.server;
      const admin = await t.user('admin');
      const suffix = size === '320 px' ? 'Narrow' : 'Wide';
      const off = await t.user('trainer', null, `Tara Off ${suffix}`);
      const boss = await t.user('admin', null, `Ada Admin ${suffix}`);
      const title = `Sensory needs ${suffix}`;
      const course = (await t.request('POST', '/api/courses', { as: admin, body: { title } })).json as { id: string };
      expect((await t.request('PUT', `/api/courses/${course.id}/trainers`, { as: admin, body: { trainerIds: [off.id, boss.id] } })).status).toBe(200);
      expect((await t.request('PATCH', `/api/users/${off.id}`, { as: admin, body: { disabled: true } })).status).toBe(200);

      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, '/admin/courses');
      const card = page.getByRole('article', { name: title });
      await card.waitFor();
      // Not "none ticked" while the course is closed to every other trainer.
      const offBox = card.getByRole('checkbox', { name: `Tara Off ${suffix} (account turned off)` });
      const bossBox = card.getByRole('checkbox', { name: `Ada Admin ${suffix} (administrator)` });
      await offBox.waitFor();
      expect(await offBox.isChecked()).toBe(true);
      expect(await bossBox.isChecked()).toBe(true);
      await checkPage(page, `courses with a turned-off trainer listed (${size})`);

      await tabTo(page, `Tara Off ${suffix} (account turned off)`, { max: 200 });
      await page.keyboard.press('Space');
      await tabTo(page, `Ada Admin ${suffix} (administrator)`);
      await page.keyboard.press('Space');
      await tabTo(page, `Save trainers for ${title}`);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: `${title}: any trainer may run its sessions.` }).waitFor();
      const listed = await t.db.selectFrom('course_trainers').select('user_id').where('course_id', '=', course.id).execute();
      expect(listed).toEqual([]);
      await page.context().close();
    });
  }

  for (const [size, viewport] of SIZES) {
    it(`a refused change of an organisation's kind is marked on the Kind field, by keyboard, at ${size}`, async () => {
      const { t } = env.server;
      const admin = await t.user('admin');
      const suffix = size === '320 px' ? 'Narrow' : 'Wide';
      const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: `Birch Trust ${suffix}`, kind: 'trust' } })).json as { id: string; name: string };
      await t.request('POST', '/api/orgs', { as: admin, body: { name: `Birch Primary ${suffix}`, parentId: trust.id } });
      const page = await newPage(env.browser, env.server, viewport);
      await signInAt(page, admin, `/admin/orgs/${trust.id}`);
      await page.getByRole('heading', { level: 1, name: trust.name }).waitFor();
      await tabTo(page, 'Kind');
      await page.keyboard.type('School');
      await expect.poll(() => page.locator('#org-kind').inputValue()).toBe('school');
      await tabTo(page, 'Save organisation');
      await page.keyboard.press('Enter');
      await expectFocused(page, '.error-summary');
      // The server's whole sentence, not "Kind has organisations under it".
      await page.locator('#org-kind-error').filter({ hasText: 'Kind: Other organisations sit under this one, so it must stay a trust or local authority.' }).waitFor();
      expect(await page.locator('#org-kind').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#org-kind').getAttribute('aria-describedby')).toContain('org-kind-error');
      // What was typed stays.
      expect(await page.locator('#org-kind').inputValue()).toBe('school');
      await checkPage(page, `organisation kind refused (${size})`);
      await page.context().close();
    });
  }
});
