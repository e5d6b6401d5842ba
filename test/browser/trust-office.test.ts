/**
 * A trust's office (Tess, office staff of Riverside Learning Trust, whose schools are
 * Riverside Primary School and Hilltop Academy), on the pages whose default is the trust
 * itself: Who is booked where and the export cover the trust's own staff and its schools',
 * each row naming the school; the training record and the calendar feed, each organisation's
 * own, say plainly that they are the trust's own staff's and lead to the school picker. On a
 * session page it chooses whose staff to book first, and the seats held are named for the
 * school they are held for, never "your school".
 */
import type { Download } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { activate, browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped } from './harness.js';

warnIfSkipped(import.meta.url);

async function text(download: Download) {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!browserAvailable)('a trust office', () => {
  const env = serverAndBrowser();

  async function riverside() {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string; name: string };
    const trust = await org({ name: 'Riverside Learning Trust', kind: 'trust' });
    const primary = await org({ name: 'Riverside Primary School', parentId: trust.id });
    const hilltop = await org({ name: 'Hilltop Academy', parentId: trust.id });
    const tess = await t.user('office', trust.id, 'Tess Office');
    return { t, admin, trust, primary, hilltop, tess };
  }

  it('with the trust chosen, Who is booked where and the export hold its schools’ staff, each naming the school; the training record and calendar feed say they are the trust’s own staff’s (keyboard, 320 px)', async () => {
    const { t, trust, primary, hilltop, tess } = await riverside();
    const amy = await t.user('staff', primary.id, 'Amy Primary');
    const cat = await t.user('staff', hilltop.id, 'Cat Hilltop');
    const s = await t.session({ title: 'Autism awareness', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 } });
    for (const who of [amy, cat, tess]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, tess, '/office/bookings', 'Who is booked where', { nav: 'Who is booked where' });
    await page.getByText('Every booking and waitlist place of the staff of Riverside Learning Trust and its schools. Use it to plan cover.').waitFor();
    await page.getByRole('status').filter({ hasText: '3 bookings found.' }).waitFor();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    expect((await row('Cat Hilltop').innerText()).replace(/\s+/g, ' ')).toContain('Hilltop Academy');
    expect((await row('Amy Primary').innerText()).replace(/\s+/g, ' ')).toContain('Riverside Primary School');
    expect((await row('Tess Office').innerText()).replace(/\s+/g, ' ')).toContain('Riverside Learning Trust');
    expect(await page.getByRole('columnheader', { name: 'School' }).count()).toBe(1);
    await checkPage(page, 'who is booked where, the trust chosen (320 px)');

    // A school chosen: its own staff, and no School column (every row would say the same).
    await tabTo(page, 'School');
    await page.keyboard.type('Hilltop');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${hilltop.id}`));
    await page.getByText('Every booking and waitlist place of the staff of Hilltop Academy. Use it to plan cover.').waitFor();
    await page.getByRole('status').filter({ hasText: '1 booking found.' }).waitFor();
    expect(await page.getByRole('columnheader', { name: 'School' }).count()).toBe(0);

    // The export, for the trust again: every school's staff in the spreadsheet, each naming the school.
    await page.goto(`/office/export?org=${trust.id}`);
    await page.getByRole('heading', { level: 1, name: 'Export bookings' }).waitFor();
    await page.getByText('Download every booking of the staff of Riverside Learning Trust and its schools in a date range', { exact: false }).waitFor();
    await page.getByText('with each person’s school', { exact: false }).waitFor();
    await checkPage(page, 'export, the trust chosen (320 px)');
    const [csv] = await Promise.all([page.waitForEvent('download'), activate(page, 'Download spreadsheet (CSV)')]);
    const lines = (await text(csv)).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('name,email,school,session title,start,end,time zone,mode,seat,venue,status,waitlist position,booked at,audience');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 1).concat(l.split(',')[2]!)).sort()).toEqual([
      ['Amy Primary', 'Riverside Primary School'],
      ['Cat Hilltop', 'Hilltop Academy'],
      ['Tess Office', 'Riverside Learning Trust'],
    ]);

    // The training record is each organisation's own: the trust's says so, and where its schools' are.
    await page.goto(`/office/record?org=${trust.id}`);
    await page.getByRole('heading', { level: 1, name: 'Training record' }).waitFor();
    await page.getByText('Every live session the staff of Riverside Learning Trust itself attended', { exact: false }).waitFor();
    await page.getByText('Its schools’ staff are not in it: each school has a record of its own, so choose the school above to see theirs.', { exact: false }).waitFor();
    await checkPage(page, 'training record, the trust chosen (320 px)');

    // So is the calendar feed: the trust's, working while Tess is office staff for the trust.
    await page.goto(`/calendar?org=${trust.id}`);
    await page.getByRole('heading', { level: 2, name: 'Every booking of Riverside Learning Trust’s own staff' }).waitFor();
    await page.getByText('works while you are office staff for this trust.', { exact: false }).waitFor();
    expect(await page.getByText('office staff for this school').count()).toBe(0);
    await page.getByLabel('The trust’s calendar address').waitFor();
    await checkPage(page, 'calendar, the trust’s feed (320 px)');
    // A school's, chosen by the trust's office, works while Tess acts for it through the trust.
    await page.goto(`/calendar?org=${primary.id}`);
    await page.getByText('works while you are office staff for Riverside Learning Trust, whose schools you book for.', { exact: false }).waitFor();
    await page.getByLabel('Riverside Primary School’s calendar address').waitFor();
    await checkPage(page, 'calendar, a school’s feed to its trust’s office (320 px)');
  });

  it('on a session page chooses whose staff to book first, and is told the seats held for the school it chose by name, another school’s as that school’s (keyboard, 320 px)', async () => {
    const { t, primary, hilltop, tess } = await riverside();
    const [amy, ben] = [await t.user('staff', primary.id, 'Amy Primary'), await t.user('staff', primary.id, 'Ben Primary')];
    await t.user('staff', hilltop.id, 'Cat Hilltop');
    const s = await t.session({ title: 'Team Teach', mode: 'in_person', venue: 'Riverside hall', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { inPerson: 8 } });
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: primary.id, seat: 'in_person', seats: 3 } })).status).toBe(204);
    for (const who of [amy, ben]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).json.status).toBe('confirmed');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, tess, `/sessions/${s.id}`);
    // Nothing chosen yet: no staff list of the trust's own, but the choice and why.
    const choice = page.getByLabel('Book staff of');
    await choice.waitFor();
    expect(await choice.inputValue()).toBe('');
    await page.getByText('Choose whose staff to book: one of your schools, or your own organisation’s staff.', { exact: false }).waitFor();
    expect(await page.getByRole('region', { name: /^Book staff from/ }).count()).toBe(0);
    expect(await page.locator('#book-org option').allInnerTexts()).toEqual(['Choose a school', 'Riverside Learning Trust (its own staff)', 'Hilltop Academy', 'Riverside Primary School']);
    await checkPage(page, 'session page, a trust office with no school chosen (320 px)');

    // Hilltop, chosen by keyboard: it holds no seats, so it is offered to hold some, by name;
    // Riverside Primary's hold is named as Riverside Primary's.
    await tabTo(page, 'Book staff of');
    await page.keyboard.type('Hilltop');
    const hill = page.getByRole('region', { name: 'Book staff from Hilltop Academy' });
    await hill.getByRole('checkbox', { name: /Cat Hilltop/ }).waitFor();
    await hill.getByText('3 in person seats held for Riverside Primary School: 2 taken, 1 still held', { exact: false }).waitFor();
    await hill.getByRole('link', { name: 'Hold seats for Hilltop Academy' }).waitFor();
    expect(await hill.getByText('your school').count()).toBe(0);
    await checkPage(page, 'session page, a trust office booking for a school with no hold (320 px)');

    // Riverside Primary: its own hold, changed by name.
    await tabTo(page, 'Book staff of', { back: true, max: 40 });
    await page.keyboard.type('Riverside P');
    const prim = page.getByRole('region', { name: 'Book staff from Riverside Primary School' });
    await prim.getByRole('link', { name: 'Change the seats held for Riverside Primary School' }).waitFor();
    await prim.getByText('3 in person seats held for Riverside Primary School: 2 taken, 1 still held', { exact: false }).waitFor();
    expect(await prim.getByText('your school').count()).toBe(0);
    await checkPage(page, 'session page, a trust office booking for a school with a hold (320 px)');
  });
});
