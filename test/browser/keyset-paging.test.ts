/**
 * The two lists whose rows change while their pages are turned, paged by keyboard at 320 px
 * with rows changing between the turns (written through the API, as the service writes them):
 *
 * - Mail: messages written between loading the newest page and pressing "Older messages" do
 *   not put any message seen again on the older page; the count says how many are shown of how
 *   many there are now ("Showing 30 older messages, of 132 in all, newest first."), never a page
 *   number it cannot know; the cursor is in the address, so a reload shows the same messages;
 *   "Newest messages" goes back; a search starts from the newest.
 * - Staff not yet booked: people booked (one of them the last shown) between loading page 1 and
 *   pressing "Next page" do not make anyone unseen be skipped; "Back to the start" goes back; a
 *   search starts from the first; an edited cursor in the address shows the first page.
 *
 * After each turn focus is on the count, where the new rows start; each page is axe-clean and
 * does not scroll sideways at 320 px.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sentOutboxRow } from '../helpers.js';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, typeInto, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

const textOf = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('lists paged by cursor while their rows change', () => {
  const env = serverAndBrowser();

  it('Mail: messages written between page turns repeat none on the older page; the count, focus and address stay true (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const rows = Array.from({ length: 130 }, (_, i) => sentOutboxRow(i, `keyset${i}@school.example`, admin.id));
    for (let i = 0; i < rows.length; i += 50) await t.db.insertInto('outbox').values(rows.slice(i, i + 50)).execute();
    const school = await t.org('Keyset Mail School');
    const session = await t.session({ title: 'Keyset sensory circuits', mode: 'online', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60), capacity: { online: 20 } });
    /** A message written as the service writes one: someone booked, told so. */
    const mailSomeone = async () => {
      const who = await t.user('staff', school.id);
      expect((await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: admin, body: { userId: who.id, seat: 'online' } })).status).toBe(201);
    };
    const subjects = async (page: Page) => (await page.getByRole('rowheader').allInnerTexts()).map((s) => s.trim());

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, '/admin/mail');
    await page.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
    await expect.poll(() => textOf(page, '#outbox-count')).toBe('Showing 100 of 130 messages, newest first.');
    const newest = await subjects(page);
    expect(newest[0]).toBe('Choose a password 129');
    expect(newest.at(-1)).toBe('Choose a password 30');
    expect(await page.getByRole('link', { name: 'Newest messages' }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Pages of messages, above the table' }).textContent()).not.toMatch(/Page \d/);
    await checkPage(page, 'mail, the newest 100 (320 px)');

    // Two messages are written while the administrator reads: older messages are still the next 30, none again.
    await mailSomeone();
    await mailSomeone();
    await activate(page, 'Older messages', { max: 80 });
    await expect.poll(() => textOf(page, '#outbox-count')).toBe('Showing 30 older messages, of 132 in all, newest first.');
    await expectFocused(page, '#outbox-count');
    const older = await subjects(page);
    expect(older).toEqual(Array.from({ length: 30 }, (_, i) => `Choose a password ${29 - i}`));
    expect(older.filter((s) => newest.includes(s))).toEqual([]);
    const olderUrl = page.url();
    expect(new URL(olderUrl).searchParams.get('before')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new URL(olderUrl).searchParams.get('page')).toBeNull();
    expect(await page.title()).toMatch(/^Mail, older messages/);
    // The last page: nothing older to go to, and the way back to the newest.
    expect(await page.getByRole('link', { name: 'Older messages' }).count()).toBe(0);
    await checkPage(page, 'mail, older messages (320 px)');

    // More mail, then a reload (or the link shared): the same older messages, the count as it is now.
    await mailSomeone();
    await page.reload();
    await expect.poll(() => textOf(page, '#outbox-count')).toBe('Showing 30 older messages, of 133 in all, newest first.');
    expect(await subjects(page)).toEqual(older);

    // Back to the newest, by keyboard: the messages written meanwhile first.
    await activate(page, 'Newest messages', { max: 80 });
    await expect.poll(() => textOf(page, '#outbox-count')).toBe('Showing 100 of 133 messages, newest first.');
    await expectFocused(page, '#outbox-count');
    expect(new URL(page.url()).searchParams.get('before')).toBeNull();
    const again = await subjects(page);
    expect(again.slice(0, 3)).toEqual(Array(3).fill('Booked: Keyset sensory circuits'));
    expect(again[3]).toBe('Choose a password 129');
    await checkPage(page, 'mail, back to the newest (320 px)');

    // A search from the older page starts at the newest of what it finds.
    await page.goto(olderUrl);
    await expect.poll(() => textOf(page, '#outbox-count')).toBe('Showing 30 older messages, of 133 in all, newest first.');
    await typeInto(page, 'To (an email address, or any part of one)', 'keyset12');
    await page.keyboard.press('Enter');
    await expect.poll(() => textOf(page, '#outbox-count')).toBe('Showing 11 of 11 messages to addresses containing “keyset12”, newest first.');
    expect(new URL(page.url()).searchParams.get('before')).toBeNull();
    expect((await subjects(page))[0]).toBe('Choose a password 129');
    expect(await page.getByRole('navigation', { name: /^Pages of messages/ }).count()).toBe(0);
    await checkPage(page, 'mail, found by address (320 px)');
  });

  it('Staff not yet booked: people booked between page turns make nobody be skipped; the count, focus and address stay true (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const school = await t.org('Keyset Academy');
    const office = await t.user('office', school.id, 'Kit Office');
    const pad = (i: number) => String(i).padStart(2, '0');
    const id = (i: number) => `keyset-${pad(i)}`;
    const name = (i: number) => `Keyset Person ${pad(i)}`;
    // 60 staff, and Kit (office staff have not booked either; after them by name): 61 in all.
    await t.db.insertInto('users').values(Array.from({ length: 60 }, (_, i) => ({
      id: id(i), email: `keyset${pad(i)}@keyset.example.org`, name: name(i), role: 'staff' as const, org_id: school.id,
      password_hash: null, captioner: 0, time_zone: null, created_at: '2026-01-01T00:00:00.000Z', disabled_at: null, job_role: null,
    }))).execute();
    const session = await t.session({ title: 'Keyset autism basics', mode: 'online', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60), capacity: { online: 50 } });
    const book = async (i: number) => expect((await t.request('POST', `/api/sessions/${session.id}/bookings`, { as: office, body: { userId: id(i), seat: 'online' } })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, '/reach/not-booked');
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    const table = page.getByRole('table', { name: /^People not yet booked/ });
    const rowNames = async () => (await table.locator('tbody th').allInnerTexts()).map((r) => r.trim());
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 50 of 61 people not yet booked.');
    expect(await rowNames()).toEqual(Array.from({ length: 50 }, (_, i) => name(i)));
    expect(await page.getByRole('link', { name: 'Back to the start' }).count()).toBe(0);
    await checkPage(page, 'staff not yet booked, the first 50 (320 px)');

    // Two people shown on page 1 are booked meanwhile, one of them the last shown.
    await book(3);
    await book(49);
    await activate(page, 'Next page', { max: 250 });
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 11 more of 59 people not yet booked.');
    await expectFocused(page, '#not-booked-count');
    // Offset 50 would have begun at Keyset Person 52: 50 and 51, never shown, would have been skipped.
    expect(await rowNames()).toEqual([...Array.from({ length: 10 }, (_, i) => name(50 + i)), 'Kit Office']);
    const nextUrl = new URL(page.url());
    expect(nextUrl.searchParams.get('after')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(nextUrl.searchParams.get('page')).toBeNull();
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await checkPage(page, 'staff not yet booked, the next page (320 px)');

    // A reload (or the link shared) shows the same people, the count as it is now.
    await book(55);
    await page.reload();
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 10 more of 58 people not yet booked.');
    expect(await rowNames()).toEqual([50, 51, 52, 53, 54, 56, 57, 58, 59].map(name).concat('Kit Office'));

    // Back to the start, by keyboard.
    await activate(page, 'Back to the start', { max: 250 });
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 50 of 58 people not yet booked.');
    await expectFocused(page, '#not-booked-count');
    expect(new URL(page.url()).searchParams.get('after')).toBeNull();
    expect(await rowNames()).toEqual(Array.from({ length: 53 }, (_, i) => i).filter((i) => i !== 3 && i !== 49).map(name).slice(0, 50));
    await checkPage(page, 'staff not yet booked, back to the start (320 px)');

    // A search from the next page starts at the first of what it finds.
    await page.goto(nextUrl.toString());
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 10 more of 58 people not yet booked.');
    await typeInto(page, 'Find a person by name or email', 'keyset person 5');
    await page.keyboard.press('Enter');
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 9 of 9 people not yet booked matching “keyset person 5”.');
    await expectFocused(page, '#not-booked-count');
    expect(new URL(page.url()).searchParams.get('after')).toBeNull();
    expect(await page.getByRole('navigation', { name: 'Pages of people not yet booked' }).count()).toBe(0);

    // A cursor edited in the address is not one the list gave: the first page.
    await page.goto('/reach/not-booked?after=not-a-place-in-the-list');
    await expect.poll(() => textOf(page, '#not-booked-count')).toBe('Showing 50 of 58 people not yet booked.');
    await tabTo(page, 'Next page', { max: 250 });
    await checkPage(page, 'staff not yet booked, an edited link (320 px)');
  });
});
