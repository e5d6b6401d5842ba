/**
 * Administrators, on People: a person's training record on their card (the sessions they
 * attended, with a certificate of attendance each, and course certificates, read as an
 * administrator: `GET /api/bookings/:id/certificate.pdf`, `GET /api/courses/:id/certificate.pdf?userId=`),
 * and the list filtered by account role (`GET /api/users?role=`), kept in the address.
 * Keyboard only, axe-clean, no sideways scrolling at 320 CSS px.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { activate, browserAvailable, checkPage, daysFromNow, newPage, plusMinutes, serverAndBrowser, signInAt, signInTo, tabTo, warnIfSkipped, NARROW } from './harness.js';

warnIfSkipped(import.meta.url);

describe.skipIf(!browserAvailable)('a person’s training record and the role filter on People', { timeout: 120_000 }, () => {
  const env = serverAndBrowser();

  it('an administrator opens a person’s training record and downloads their course certificate, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Admin');
    const org = await t.org('Rowan Primary');
    const noor = await t.user('staff', org.id, 'Noor Recordholder');
    // A colleague's attendance is in the same organisation's record, and must not show on Noor's card.
    const colleague = await t.user('staff', org.id, 'Colin Colleague');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Sensory needs essentials' } })).json as { id: string; title: string };
    const now = t.clock.now().toISOString();
    const startsAt = daysFromNow(-3);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const s = await t.session({ title: 'Sensory needs in class', courseId: course.id, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } });
    const other = await t.session({ title: 'Colleague only session', startsAt: plusMinutes(startsAt, 120), endsAt: plusMinutes(startsAt, 180), capacity: { online: 10 } });
    const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: noor, body: {} })).json.id as string;
    const otherBooking = (await t.request('POST', `/api/sessions/${other.id}/bookings`, { as: colleague, body: {} })).json.id as string;
    t.clock.set(now);
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended: true, minutes: 85 } })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${other.id}/attendance/${otherBooking}`, { as: other.trainer, body: { attended: true, minutes: 60 } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people', 'People', { nav: 'People' });
    await tabTo(page, 'Name or email');
    await page.keyboard.type('Noor Recordholder');
    await page.keyboard.press('Enter');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Noor Recordholder' }) });
    await card.waitFor();

    await activate(page, 'Training record: Noor Recordholder');
    // (The accessible name may hold a space where the hidden text starts.)
    const record = card.getByRole('region', { name: /^Training record ?: Noor Recordholder$/ });
    await record.getByRole('rowheader', { name: /Sensory needs in class$/ }).waitFor();
    await record.getByText('85', { exact: true }).waitFor();
    // Drawn: the colleague's session is not Noor's.
    expect(await record.getByText('Colleague only session').count()).toBe(0);
    await checkPage(page, 'a person’s training record (320 px)');

    // The course certificate, by keyboard: a PDF the browser downloads.
    const courseLink = `Course certificate (PDF) for ${course.title}`;
    await tabTo(page, courseLink);
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await download;
    expect(await file.failure()).toBeNull();
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
    expect(readFileSync((await file.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.getByRole('status').filter({ hasText: 'Your certificate is downloading.' }).first().waitFor();

    // Both links ask for Noor's certificates (not the administrator's), and answer a PDF.
    const hrefOf = async (name: string) => (await record.getByRole('link', { name, exact: true }).getAttribute('href'))!;
    const courseHref = await hrefOf(courseLink);
    expect(courseHref).toBe(`/api/courses/${course.id}/certificate.pdf?userId=${noor.id}`);
    const sessionHref = await hrefOf('Certificate (PDF) for Sensory needs in class');
    expect(sessionHref).toBe(`/api/bookings/${bookingId}/certificate.pdf`);
    for (const href of [courseHref, sessionHref]) {
      const res = await page.request.get(href);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toBe('application/pdf');
      expect((await res.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    const issued = await t.db.selectFrom('certificates').select(['user_id', 'kind']).where('user_id', '=', noor.id).execute();
    expect(issued.map((c) => c.kind).sort()).toEqual(['attendance', 'course']);
    await checkPage(page, 'a person’s training record after a download (320 px)');
  });

  it('an administrator lists only trainers with the role filter, kept in the address, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ama Admin');
    const org = await t.org('Birch Academy');
    const trainer = await t.user('trainer', null, 'Zara Filterable');
    const staff = await t.user('staff', org.id, 'Zed Filterable');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInTo(page, admin, '/admin/people', 'People', { nav: 'People' });
    await page.getByRole('heading', { name: staff.name }).waitFor();

    await tabTo(page, 'Account role');
    // Type-ahead on the focused list: "T" picks Trainer.
    await page.keyboard.press('t');
    await expect.poll(() => page.getByRole('combobox', { name: 'Account role', exact: true }).inputValue()).toBe('trainer');
    await activate(page, 'Search');
    await page.waitForURL(/\/admin\/people\?role=trainer$/);
    await page.getByText('Trainers, by name').waitFor();
    await page.getByRole('heading', { name: trainer.name }).waitFor();
    const people = page.getByRole('list', { name: 'People' });
    // Every card drawn is a trainer's; the staff member is not listed.
    const roles = await people.locator(':scope > li dt:text-is("Role") + dd').allInnerTexts();
    expect(roles.length).toBeGreaterThan(0);
    expect(new Set(roles)).toEqual(new Set(['Trainer']));
    expect(await page.getByRole('heading', { name: staff.name }).count()).toBe(0);
    await checkPage(page, 'people filtered by role (320 px)');

    // With a name too: both kept in the address, and the form shows them after a reload.
    await tabTo(page, 'Name or email', { back: true });
    await page.keyboard.type('Filterable');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/people\?q=Filterable&role=trainer$/);
    await page.getByText('Trainers matching “Filterable”').waitFor();
    await page.getByRole('heading', { name: trainer.name }).waitFor();
    expect(await page.getByRole('heading', { name: staff.name }).count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: trainer.name }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Account role', exact: true }).inputValue()).toBe('trainer');
    expect(await page.getByRole('searchbox', { name: 'Name or email' }).inputValue()).toBe('Filterable');

    // Any role again: the staff member is back, and the address holds only the name.
    await tabTo(page, 'Account role');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByRole('combobox', { name: 'Account role', exact: true }).inputValue()).toBe('');
    await activate(page, 'Search');
    await page.waitForURL(/\/admin\/people\?q=Filterable$/);
    await page.getByRole('heading', { name: staff.name }).waitFor();
    await page.getByRole('heading', { name: trainer.name }).waitFor();
    await checkPage(page, 'people of any role again (320 px)');
  });

  it('an administrator opens an organisation’s people from its page, finds one of them by name there, and goes back to everyone, by keyboard at 320 px', async () => {
    const { t } = env.server;
    const admin = await t.user('admin', null, 'Ada Orgfilter');
    const rowan = await t.org('Rowan Orgfilter Primary');
    const other = await t.org('Alder Orgfilter College');
    const ros = await t.user('staff', rowan.id, 'Ros Orgfilter');
    const rik = await t.user('office', rowan.id, 'Rik Orgfilter');
    const ali = await t.user('staff', other.id, 'Ali Orgfilter');

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin, `/admin/orgs/${rowan.id}`);
    await page.getByRole('heading', { level: 1, name: rowan.name }).waitFor();
    await activate(page, `People at ${rowan.name}`);
    await page.waitForURL(new RegExp(`/admin/people\\?orgId=${rowan.id}$`));
    await page.getByText(`People at ${rowan.name}, by name`).waitFor();
    await page.getByRole('heading', { name: ros.name }).waitFor();
    await page.getByRole('heading', { name: rik.name }).waitFor();
    expect(await page.getByRole('heading', { name: ali.name }).count()).toBe(0);
    await expect.poll(() => page.getByRole('combobox', { name: 'School or organisation', exact: true }).inputValue()).toBe(rowan.id);
    await checkPage(page, 'an organisation’s people (320 px)');

    // A name searched within it keeps the organisation.
    await tabTo(page, 'Name or email');
    await page.keyboard.type('Ros');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/admin/people\\?q=Ros&orgId=${rowan.id}$`));
    await page.getByText(`People at ${rowan.name} matching “Ros”`).waitFor();
    await page.getByRole('heading', { name: ros.name }).waitFor();
    expect(await page.getByRole('heading', { name: rik.name }).count()).toBe(0);

    // Any organisation again: everyone matching.
    await tabTo(page, 'Name or email', { back: true });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Orgfilter');
    await tabTo(page, 'School or organisation');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByRole('combobox', { name: 'School or organisation', exact: true }).inputValue()).toBe('');
    await activate(page, 'Search');
    await page.waitForURL(/\/admin\/people\?q=Orgfilter$/);
    await page.getByRole('heading', { name: ali.name }).waitFor();
    await page.getByRole('heading', { name: ros.name }).waitFor();
    await checkPage(page, 'people of any organisation again (320 px)');
  });
});
