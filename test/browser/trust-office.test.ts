/**
 * A trust's office (Tess, office staff of Riverside Learning Trust, whose schools are
 * Riverside Primary School and Hilltop Academy), on the pages whose default is the trust
 * itself: Who is booked where, the export and the training record cover the trust's own staff
 * and its schools', each row naming the school; the calendar feed, each organisation's own,
 * says plainly that it is the trust's own staff's and leads to the school picker. On a session
 * page it chooses whose staff to book first, the seats held are named for the school they are
 * held for, never "your school", and the link to hold seats opens on the school chosen.
 */
import type { Download } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../server/jobs.js';
import { activate, browserAvailable, checkPage, daysFromNow, NARROW, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, typeInto, warnIfSkipped } from './harness.js';

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

  it('with the trust chosen, Who is booked where and the export hold its schools’ staff, each naming the school; the calendar feed says it is the trust’s own staff’s (keyboard, 320 px)', async () => {
    const { t, trust, primary, hilltop, tess } = await riverside();
    const amy = await t.user('staff', primary.id, 'Amy Primary');
    const cat = await t.user('staff', hilltop.id, 'Cat Hilltop');
    const s = await t.session({ title: 'Autism awareness', startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 8 } });
    // A seat held for the trust itself, which Tess (the trust's own staff) takes.
    expect((await t.request('PUT', `/api/sessions/${s.id}/holds`, { as: s.trainer, body: { orgId: trust.id, seat: 'online', seats: 1 } })).status).toBe(204);
    for (const who of [tess, amy, cat]) expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, tess, '/office/bookings', 'Who is booked where', { nav: 'Who is booked where' });
    await page.getByText('Every booking and waitlist place of the staff of Riverside Learning Trust and its schools. Use it to plan cover.').waitFor();
    // A school's own in-house sessions exist for that school only (DESIGN.md invariant 12): the trust's office is told they are not here.
    await page.getByText('A school’s own in-house sessions, for its staff only, are not included: that school’s office sees them.').waitFor();
    await page.getByRole('status').filter({ hasText: '3 bookings found.' }).waitFor();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    expect((await row('Cat Hilltop').innerText()).replace(/\s+/g, ' ')).toContain('Hilltop Academy');
    expect((await row('Amy Primary').innerText()).replace(/\s+/g, ' ')).toContain('Riverside Primary School');
    expect((await row('Tess Office').innerText()).replace(/\s+/g, ' ')).toContain('Riverside Learning Trust');
    // The trust's own hold is named, never "your school".
    expect((await row('Tess Office').innerText()).replace(/\s+/g, ' ')).toContain('(a seat held for Riverside Learning Trust)');
    expect(await page.getByText(/your school/).count()).toBe(0);
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
    expect(lines[0]).toBe('name,email,session title,start,end,time zone,mode,seat,venue,status,waitlist position,booked at,audience,organisation,how it ended,mode (in words),seat (in words),audience (in words)');
    expect(lines.slice(1).map((l) => [l.split(',')[0]!, l.split(',')[13]!]).sort()).toEqual([
      ['Amy Primary', 'Riverside Primary School'],
      ['Cat Hilltop', 'Hilltop Academy'],
      ['Tess Office', 'Riverside Learning Trust'],
    ]);

    // The calendar feed is each organisation's own: the trust's, working while Tess is office staff for the trust.
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

  it('with the trust chosen, the training record holds its schools’ staff, each naming the school; a school chosen, its own staff (keyboard, 320 px)', async () => {
    const { t, trust, primary, hilltop, tess } = await riverside();
    const amy = await t.user('staff', primary.id, 'Amy Primary');
    const cat = await t.user('staff', hilltop.id, 'Cat Hilltop');
    // A session held two days ago, booked before it (the clock set back to publish and book it), and its register.
    const startsAt = daysFromNow(-2);
    const now = t.clock.now().toISOString();
    t.clock.set(plusMinutes(startsAt, -3 * 24 * 60));
    const s = await t.session({ title: 'Autism awareness', startsAt, endsAt: plusMinutes(startsAt, 60), capacity: { online: 8 } });
    const booked = [];
    for (const who of [amy, cat, tess]) booked.push((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: who, body: {} })).json.id as string);
    t.clock.set(now);
    for (const id of booked) expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${id}`, { as: s.trainer, body: { attended: true, minutes: 55 } })).status).toBe(200);
    await runJobsOnce(t.deps, null);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, tess, `/office/record?org=${trust.id}`, 'Training record');
    await page.getByText('Every live session the staff of Riverside Learning Trust and its schools attended, newest first, with each person’s school and the minutes they were present: evidence of their training.').waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 3 of 3 attended sessions.' }).waitFor();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    expect((await row('Cat Hilltop').innerText()).replace(/\s+/g, ' ')).toContain('Hilltop Academy');
    expect((await row('Amy Primary').innerText()).replace(/\s+/g, ' ')).toContain('Riverside Primary School');
    expect((await row('Tess Office').innerText()).replace(/\s+/g, ' ')).toContain('Riverside Learning Trust');
    expect(await page.getByRole('columnheader', { name: 'School' }).count()).toBe(1);
    await checkPage(page, 'training record, the trust chosen (320 px)');

    // A school chosen: its own staff, and no School column (every row would say the same).
    await tabTo(page, 'School');
    await page.keyboard.type('Hilltop');
    await activate(page, 'Show');
    await page.waitForURL(new RegExp(`org=${hilltop.id}`));
    await page.getByText('Every live session the staff of Hilltop Academy attended, newest first, with the minutes each person was present: evidence of their training.').waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 1 to 1 of 1 attended session.' }).waitFor();
    expect(await row('Cat Hilltop').count()).toBe(1);
    expect(await page.getByRole('columnheader', { name: 'School' }).count()).toBe(0);
    await checkPage(page, 'training record, a school chosen by its trust’s office (320 px)');
  });

  it('on a session page chooses whose staff to book first, and is told the seats held for the school it chose by name, another school’s as that school’s; holding seats opens on the school chosen (keyboard, 320 px)', async () => {
    const { t, admin, primary, hilltop, tess } = await riverside();
    const elm = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Elm Trust', kind: 'trust' } })).json as { id: string };
    const brook = (await t.request('POST', '/api/orgs', { as: admin, body: { name: 'Brook School', parentId: elm.id } })).json as { id: string };
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
    await hill.getByText('3 in-person seats held for Riverside Primary School: 2 taken, 1 still held', { exact: false }).waitFor();
    await hill.getByRole('link', { name: 'Hold seats for Hilltop Academy' }).waitFor();
    expect(await hill.getByText('your school').count()).toBe(0);
    await checkPage(page, 'session page, a trust office booking for a school with no hold (320 px)');

    // The link carries the school: the holds page opens on Hilltop, without asking again.
    await activate(page, 'Hold seats for Hilltop Academy');
    await page.waitForURL(new RegExp(`/sessions/${s.id}/holds\\?org=${hilltop.id}$`));
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Team Teach' }).waitFor();
    expect(await page.locator('#hold-org').inputValue()).toBe(hilltop.id);
    await checkPage(page, 'seat holds, opened for a trust’s school (320 px)');
    await typeInto(page, 'Number of seats to hold', '1');
    await activate(page, 'Save hold');
    await page.getByRole('status').filter({ hasText: '1 in-person seat held for Hilltop Academy.' }).waitFor();
    // Back to the session: still booking for Hilltop, its hold shown, not the choice asked again.
    await activate(page, 'Back to the session');
    await page.waitForURL(new RegExp(`/sessions/${s.id}\\?org=${hilltop.id}$`));
    await page.getByRole('region', { name: 'Book staff from Hilltop Academy' }).getByRole('link', { name: 'Change the seats held for Hilltop Academy' }).waitFor();
    expect(await page.getByLabel('Book staff of').inputValue()).toBe(hilltop.id);
    await checkPage(page, 'session page, back from the holds page with the school still chosen (320 px)');

    // Riverside Primary: its own hold, changed by name, the holds page opening on it with the hold as it stands.
    await page.goto(`/sessions/${s.id}`);
    await tabTo(page, 'Book staff of');
    await page.keyboard.type('Riverside P');
    const prim = page.getByRole('region', { name: 'Book staff from Riverside Primary School' });
    await prim.getByRole('link', { name: 'Change the seats held for Riverside Primary School' }).waitFor();
    await prim.getByText('3 in-person seats held for Riverside Primary School: 2 taken, 1 still held', { exact: false }).waitFor();
    await prim.getByText('1 in-person seat held for Hilltop Academy: 0 taken, 1 still held', { exact: false }).waitFor();
    expect(await prim.getByText('your school').count()).toBe(0);
    await checkPage(page, 'session page, a trust office booking for a school with a hold (320 px)');
    await activate(page, 'Change the seats held for Riverside Primary School');
    await page.waitForURL(new RegExp(`org=${primary.id}$`));
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Team Teach' }).waitFor();
    expect(await page.locator('#hold-org').inputValue()).toBe(primary.id);
    await page.getByText('3 in-person seats held now, 2 claimed.', { exact: false }).waitFor();

    // A school it does not act for, or no school at all, in the address: ignored, none chosen.
    for (const org of [brook.id, 'not-a-school']) {
      await page.goto(`/sessions/${s.id}/holds?org=${org}`);
      await page.getByRole('heading', { level: 1, name: 'Hold seats: Team Teach' }).waitFor();
      expect(await page.locator('#hold-org').inputValue(), org).toBe('');
    }
  });

  it('a local authority’s office with more schools than the holds page lists: the school chosen is found and chosen there too; one it does not act for is ignored (320 px)', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const org = async (body: Record<string, unknown>) => (await t.request('POST', '/api/orgs', { as: admin, body })).json as { id: string; name: string };
    const council = await org({ name: 'Northshire Council', kind: 'local_authority' });
    const schools = [];
    for (let i = 1; i <= 55; i++) schools.push(await org({ name: `Northshire School ${String(i).padStart(2, '0')}`, parentId: council.id }));
    const elsewhere = await org({ name: 'Southshire School' });
    const office = await t.user('office', council.id, 'Nia Office');
    const target = schools[53]!; // Northshire School 54: past the first 50 the page lists
    const s = await t.session({ title: 'Makaton basics', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 20 } });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/sessions/${s.id}/holds?org=${target.id}`);
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Makaton basics' }).waitFor();
    const picker = page.locator('#hold-org');
    await page.waitForFunction((id) => (document.getElementById('hold-org') as HTMLSelectElement | null)?.value === id, target.id);
    expect(await picker.locator('option:checked').innerText()).toBe('Northshire School 54');
    await checkPage(page, 'seat holds, opened for a school past the first 50 (320 px)');
    await page.goto(`/sessions/${s.id}/holds?org=${elsewhere.id}`);
    await page.getByRole('heading', { level: 1, name: 'Hold seats: Makaton basics' }).waitFor();
    expect(await picker.inputValue()).toBe('');
  });
});
