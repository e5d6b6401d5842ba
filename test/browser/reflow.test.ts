/**
 * Reflow (WCAG 1.4.10) at 320 CSS pixels with long words people type: a name, an
 * organisation, a course title or an address in a comment made of one unbroken word must
 * wrap, not push the page (or a table's box) sideways. Each case below was seen to fail
 * before its fix: the header's "Signed in as", people's cards, a person's timetable caption
 * (a scrolling table box no keyboard could reach), the courses page, feedback comments with
 * a long web address, and the "Part of the course" hint on the session form. And date and
 * time fields with text at 200% (a phone's largest text), which widened a .row or a fieldset
 * past the screen. Every page is also axe-clean (checkPage).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { browserAvailable, checkPage, daysFromNow, newPage, plusMinutes, serverAndBrowser, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';
import { expectModeApplied, pageIn, TEXT_200_AT_320 } from './reflow-audit.js';

warnIfSkipped(import.meta.url);

/** 66 characters with nowhere to break. */
const LONG = 'Supercalifragilisticexpialidociousandevenlongerwordthatneverbreaks';

/** Opens `path` and waits for its h1 (`heading`, when given). */
async function open(page: Page, path: string, heading?: string | RegExp) {
  await page.goto(path);
  const h1 = heading === undefined ? page.getByRole('heading', { level: 1 }) : page.getByRole('heading', { level: 1, name: heading });
  await h1.waitFor();
}

describe.skipIf(!browserAvailable)('reflow at 320 px with long unbroken words', () => {
  const env = serverAndBrowser();

  it('the header’s "Signed in as" wraps a long organisation name or person’s name, on every role’s pages', async () => {
    const { t } = env.server;
    const org = await t.org(`Academy ${LONG}`);
    const cases = [
      { who: await t.user('staff', org.id), paths: ['/sessions', '/bookings', '/calendar'] },
      { who: await t.user('office', org.id), paths: ['/sessions', '/office/people', '/office/bookings'] },
      { who: await t.user('trainer', null, `Sam ${LONG}`), paths: ['/sessions', '/trainer/sessions', '/sessions/new'] },
      { who: await t.user('admin', null, `Sam ${LONG}`), paths: ['/sessions', '/admin/people', '/admin/courses'] },
    ];
    for (const { who, paths } of cases) {
      const page = await newPage(env.browser, env.server, NARROW);
      await signInAt(page, who);
      for (const path of paths) {
        await open(page, path);
        await page.locator('.account').filter({ hasText: LONG }).waitFor();
        await checkPage(page, `${path} as ${who.role} with a long ${who.orgId ? 'organisation' : 'name'}`);
      }
      await page.context().close();
    }
  });

  it('people pages: a person with a long name keeps their card within the page (office staff accounts, administrators’ people)', async () => {
    const { t } = env.server;
    const org = await t.org('Reflow Primary');
    const office = await t.user('office', org.id);
    const admin = await t.user('admin');
    await t.user('staff', org.id, `Sam ${LONG}`);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    await open(page, '/office/people', 'Staff accounts');
    await page.getByRole('heading', { level: 2, name: `Sam ${LONG}` }).waitFor();
    await checkPage(page, 'staff accounts with a long name');
    await page.context().close();

    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(adminPage, admin);
    await open(adminPage, '/admin/people', 'People');
    await adminPage.getByRole('heading', { level: 2, name: `Sam ${LONG}` }).first().waitFor();
    await checkPage(adminPage, 'people with a long name');
  });

  it('a person’s timetable: the table’s caption with a long name wraps, and the table’s box is a named region the keyboard reaches', async () => {
    const { t } = env.server;
    const org = await t.org('Timetable Primary');
    const office = await t.user('office', org.id);
    const sam = await t.user('staff', org.id, `Sam ${LONG}`);
    expect((await t.request('PUT', `/api/users/${sam.id}/timetable`, { as: office, headers: { 'content-type': 'text/csv' }, body: 'day,start,end,label\nMonday,09:00,12:00,Year 2 phonics\n' })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office);
    await open(page, `/office/people/${sam.id}/timetable?org=${org.id}`, `Timetable: Sam ${LONG}`);
    const caption = `Sam ${LONG}’s lessons, day by day`;
    await page.getByRole('table', { name: caption }).getByRole('row').filter({ hasText: 'Year 2 phonics' }).first().waitFor();
    await checkPage(page, 'a person’s timetable with a long name');
    // The caption wraps within the table's box, which does not scroll sideways either.
    expect(await page.locator('.table-wrap').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // Should the table ever be wider than the screen, its box scrolls: so it is named, and Tab reaches it.
    const region = page.getByRole('region', { name: caption });
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.getByRole('table', { name: caption }).count()).toBe(1);
  });

  it('courses page: a course with a long title stays within the page', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    expect((await t.request('POST', '/api/courses', { as: admin, body: { title: `Course ${LONG}` } })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, admin);
    await open(page, '/admin/courses', 'Courses');
    await page.getByRole('heading', { level: 2, name: `Course ${LONG}` }).waitFor();
    await page.getByRole('link', { name: `Materials library: Course ${LONG}` }).waitFor();
    await checkPage(page, 'courses with a long title');
  });

  it('feedback results: a comment holding a long web address wraps (session, overview and course pages)', async () => {
    const { t } = env.server;
    const now = t.clock.now().toISOString();
    const admin = await t.user('admin');
    const trainer = await t.user('trainer');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Autism in class course' } })).json as { id: string };
    const startsAt = daysFromNow(-2);
    t.clock.set(plusMinutes(startsAt, -24 * 60)); // made and booked the day before
    const s = await t.session({ title: 'Autism in class', courseId: course.id, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } }, trainer);
    const attendee = await t.user('staff', (await t.org()).id, 'Ann Jones');
    const booking = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: attendee, body: {} });
    expect(booking.status).toBe(201);
    t.clock.set(plusMinutes(startsAt, 80)); // the register, near the end
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booking.json.id}`, { as: trainer, body: { attended: true, minutes: 88 } })).status).toBe(200);
    t.clock.set(now);
    await recordAttendanceOutcomes(t.deps);
    const comment = 'Really useful. The guide I mentioned: https://www.example.org/resources/send/autism-spectrum-condition-classroom-strategies-guide.pdf';
    expect((await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: attendee, body: { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment } })).status).toBeLessThan(300);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);
    await open(page, `/sessions/${s.id}/feedback`, 'Feedback: Autism in class');
    await page.getByText(comment).waitFor();
    await checkPage(page, 'session feedback with a long address in a comment');
    await page.context().close();

    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(adminPage, admin);
    await open(adminPage, '/admin/feedback', 'Feedback');
    await adminPage.getByText(comment).waitFor();
    await checkPage(adminPage, 'feedback overview with a long address in a comment');
    await open(adminPage, `/admin/feedback/courses/${course.id}`, 'Feedback: Autism in class course');
    await adminPage.getByText(comment).waitFor();
    await checkPage(adminPage, 'course feedback with a long address in a comment');
  });

  it('session form: the "Part of the course" hint with a long course title wraps (edit session, new session)', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const course = (await t.request('POST', '/api/courses', { as: trainer, body: { title: `Course ${LONG}` } })).json as { id: string };
    expect(course.id).toBeTruthy();
    const s = await t.session({ title: 'Part one', courseId: course.id, part: 1, startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60) }, trainer);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer);
    await open(page, `/trainer/sessions/${s.id}/edit`, 'Edit: Part one');
    await page.getByText(`Course ${LONG} is complete once`).waitFor();
    await checkPage(page, 'edit session with a long course title');

    await open(page, '/sessions/new');
    await page.locator('#course').selectOption(course.id);
    await page.getByText(`Course ${LONG} is complete once`).waitFor();
    await checkPage(page, 'new session with a long course title chosen');
  });

  it('date fields at 320 px with text at 200% stay within the screen, reached by keyboard: the session form’s booking cut-off, the seat holds’ release date, the office export’s range', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer');
    const school = await t.org('Rowan Primary');
    const office = await t.user('office', school.id);
    const s = await t.session({ title: 'Zones of regulation', mode: 'hybrid', venue: 'Hall', startsAt: daysFromNow(9), endsAt: plusMinutes(daysFromNow(9), 60), capacity: { inPerson: 3, online: 3 } }, trainer);
    const cases = [
      { who: trainer, path: '/sessions/new', heading: 'New session', fields: ['Booking closes on (optional)', 'Booking closes at (optional)'] },
      { who: trainer, path: `/trainer/sessions/${s.id}/holds`, heading: 'Seat holds: Zones of regulation', fields: ['Release on (optional)', 'Release at (optional)'] },
      { who: office, path: '/office/export', heading: 'Export bookings', fields: ['From', 'To (optional)'] },
    ];
    for (const { who, path, heading, fields } of cases) {
      // A phone's largest text: the root font at 200% (the page's own styles are in rem and em).
      const page = await pageIn(env, TEXT_200_AT_320);
      await signInAt(page, who);
      await open(page, path, heading);
      await expectModeApplied(page, TEXT_200_AT_320);
      for (const field of fields) {
        await tabTo(page, field, { max: 120 });
        const box = await page.evaluate(() => {
          const r = document.activeElement!.getBoundingClientRect();
          return { left: Math.round(r.left), right: Math.round(r.right), screen: document.documentElement.clientWidth };
        });
        expect(box.left, `${field} on ${path} starts on the screen`).toBeGreaterThanOrEqual(0);
        expect(box.right, `${field} on ${path} ends on the screen`).toBeLessThanOrEqual(box.screen);
      }
      await checkPage(page, `${path} at 320 px with text at 200%`);
      await page.context().close();
    }
  });
});
