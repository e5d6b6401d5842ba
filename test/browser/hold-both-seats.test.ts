/**
 * A trust's office holding seats for one of its schools on a hybrid session: the page says the
 * staff bound is on online and in-person seats together, and once the school's staff are held
 * online seats, holding in-person seats as well is refused beside the number, saying why and
 * what to do; nothing more is held. By keyboard, at 320 px.
 */
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, expectFocused, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, typeInto, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('seat holds of both kinds on a hybrid session', () => {
  const env = serverAndBrowser();

  it('a trust office holds 4 online seats for a school of 4 staff, and is told it cannot hold in-person seats as well (keyboard, 320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string; name: string };
    const trust = await org({ name: 'Riverside Learning Trust', kind: 'trust' });
    const acorns = await org({ name: 'Little Acorns Nursery', parentId: trust.id });
    const tess = await t.user('office', trust.id, 'Tess Office');
    for (const name of ['Ann Acorn', 'Bo Acorn', 'Cy Acorn', 'Di Acorn']) await t.user('staff', acorns.id, name);
    const s = await t.session({ title: 'Speech, language and communication', mode: 'hybrid', venue: 'Riverside hall', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 90), capacity: { inPerson: 30, online: 30 } });
    const held = async () => (await t.request('GET', `/api/sessions/${s.id}/holds`, { as: tess })).json.items.map((h: { seat: string; seats: number }) => `${h.seat} ${h.seats}`);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, tess, `/sessions/${s.id}/holds?org=${acorns.id}`);
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Speech, language and communication' }).waitFor();
    expect(await page.locator('#hold-org').inputValue()).toBe(acorns.id);
    await page.getByText('You can hold seats nobody has yet, up to the number of your staff with no place on this session, online and in-person seats together.', { exact: false }).waitFor();

    // Online: the radio group is one stop; the arrow moves to Online.
    await tabTo(page, 'In person');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#hold-seat-online').isChecked()).toBe(true);
    await typeInto(page, 'Number of seats to hold', '4');
    await activate(page, 'Save hold');
    await page.getByRole('status').filter({ hasText: '4 online seats held for Little Acorns Nursery.' }).waitFor();
    expect(await held()).toEqual(['online 4']);

    // In person as well: refused beside the number, saying why and what to do; nothing more held.
    await tabTo(page, 'Online', { back: true });
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#hold-seat-in_person').isChecked()).toBe(true);
    await typeInto(page, 'Number of seats to hold', '4');
    await activate(page, 'Save hold');
    const why = 'Little Acorns Nursery has 4 staff with no place on this session and already holds 4 online seats, so it cannot hold in-person seats as well. Release some online seats first.';
    await page.getByRole('alert').filter({ hasText: why }).waitFor();
    await page.locator('#hold-seats-error').filter({ hasText: why }).waitFor();
    expect(await held()).toEqual(['online 4']);
    await checkPage(page, 'seat holds, in person refused once the staff are held online seats (320 px)');

    // Fewer online seats leave room: three online, then one in person is held.
    await tabTo(page, 'In person', { back: true });
    await page.keyboard.press('ArrowDown');
    await typeInto(page, 'Number of seats to hold', '3');
    await activate(page, 'Save hold');
    await expectFocused(page, '#lower-confirm');
    await activate(page, 'Yes, hold 3');
    await page.getByRole('status').filter({ hasText: '3 online seats held for Little Acorns Nursery.' }).waitFor();
    await expectFocused(page, '#save-hold');
    await tabTo(page, 'Online', { back: true });
    await page.keyboard.press('ArrowUp');
    await typeInto(page, 'Number of seats to hold', '1');
    await activate(page, 'Save hold');
    await page.getByRole('status').filter({ hasText: '1 in-person seat held for Little Acorns Nursery.' }).waitFor();
    expect((await held()).sort()).toEqual(['in_person 1', 'online 3']);
    await checkPage(page, 'seat holds, held of both kinds (320 px)');
  });
});
