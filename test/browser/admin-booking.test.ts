/**
 * An administrator (who belongs to no organisation) books people of any organisation onto a
 * session from its page: they find the organisation by name, see its people with their
 * places and clashes, and book them, by keyboard at 320 px.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, checkPage, daysFromNow, newPage, plusMinutes, serverAndBrowser, signIn, signInAt, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('an administrator booking people onto a session', () => {
  const env = serverAndBrowser();

  it('chooses an organisation by name, sees its seats and people, and books one of them', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const ash = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Ash Primary' } })).json;
    await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Birch Academy' } });
    const bob = await t.user('staff', ash.id, 'Bob Ash');
    await t.user('staff', ash.id, 'Cara Ash');
    const s = await t.session({ title: 'Attention autism', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: ash.id, seat: 'online', seats: 2 } })).status).toBeLessThan(300);

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, admin, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 2, name: 'Book people onto this session' }).waitFor();
    await checkPage(page, 'session page, administrator before choosing an organisation');

    await tabTo(page, 'Find organisation by name or URN');
    await page.keyboard.type('ash');
    // One match is chosen at once.
    const panel = page.getByRole('region', { name: 'Book staff from Ash Primary' });
    await panel.getByText('8 seats free to Ash Primary now (2 of them held for Ash Primary). Anyone past that joins the waitlist.').waitFor({ timeout: 5000 });
    await tabTo(page, /Bob Ash/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Book 1 person');
    await page.keyboard.press('Enter');
    await panel.getByRole('status').filter({ hasText: '1 of 1 person booked or added to the waitlist.' }).waitFor();
    await panel.locator('.roster-person', { hasText: 'Bob Ash' }).getByText('Already booked (online seat).').waitFor({ timeout: 5000 });
    await checkPage(page, 'session page after an administrator booked someone');

    const booking = (await t.request('GET', '/api/me/bookings', { as: bob })).json.items.find((b: any) => b.sessionId === s.id);
    expect(booking).toMatchObject({ status: 'confirmed', seat: 'online' });
  });

  it('on an in-house session, an organisation it is not for is told so, with nothing to book', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const hill = await t.org('Hill Primary');
    const rowan = await t.org('Rowan Academy');
    await t.user('staff', rowan.id, 'Otto Rowan');
    await t.user('staff', hill.id, 'Hana Hill');
    const s = await t.session({ title: 'Hill INSET: zones of regulation', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 }, audience: { kind: 'organisation', orgId: hill.id } });

    const page = await newPage(env.browser, env.server, { viewport: { width: 320, height: 800 } });
    await signInAt(page, admin, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 2, name: 'Book people onto this session' }).waitFor();
    await tabTo(page, 'Find organisation by name or URN');
    await page.keyboard.type('rowan');
    const panel = page.getByRole('region', { name: 'Book staff from Rowan Academy' });
    await panel.getByText('This session is for the staff of Hill Primary only: no one from Rowan Academy can be booked onto it.').waitFor();
    // No seats offered to them, no one to tick, no Book button.
    expect(await panel.getByText(/seats? free to Rowan Academy/).count()).toBe(0);
    expect(await panel.getByRole('checkbox').count()).toBe(0);
    expect(await panel.getByRole('button', { name: /^Book/ }).count()).toBe(0);
    await checkPage(page, 'session page, administrator choosing an organisation an in-house session is not for (320 px)');

    // The organisation it is for is offered as before.
    await tabTo(page, 'Find organisation by name or URN', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('hill');
    const hillPanel = page.getByRole('region', { name: 'Book staff from Hill Primary' });
    await hillPanel.getByRole('checkbox', { name: /Hana Hill/ }).waitFor();
    await hillPanel.getByText(/8 seats free to Hill Primary now/).waitFor();
  });
});
