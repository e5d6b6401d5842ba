/**
 * Download links to files the API makes, whose request the server can refuse while the page
 * is open, as proved in Chromium. A plain `<a href download>` link the server refuses fails
 * only in the browser's downloads, with nothing said in the page; each link below is fetched
 * by the page (DownloadLink, web/src/components.tsx), so the refusal is said in the page, in
 * the server's words, right after the link, with focus left on it so Enter tries again; and
 * once the server allows it again the same link downloads the file the server names.
 *
 * Every refusal is a real one, brought about as it happens in use while the page is open: a
 * trainer corrects the register (a certificate is no longer due), a school leaves its trust
 * (the trust's office may no longer read its bookings or coverage), an administrator hands a
 * session to another trainer (the first may no longer read its register, its list of who is
 * coming or its transcript), a trainer takes a material off a session. Each case failed
 * before its link moved onto DownloadLink (the alert never came).
 *
 * Shared components are proved once: AfterSession's certificate (My bookings, the booking and
 * session pages) on My bookings; AddToCalendar's invite (the same three) on a booking page;
 * Figure's spreadsheets (four on the coverage page) by one of them; MaterialItem (session
 * materials and the course library) on a session page.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import type { TestContext, TestUser } from '../helpers.js';
import { FILES } from '../materials-files.js';
import { browserAvailable, checkPage, daysFromNow, expectNoAxeViolations, expectNoSidewaysScroll, newPage, plusMinutes, serverAndBrowser, signIn, signInAt, tabTo, warnIfSkipped, NARROW } from './harness.js';

/** axe-core clean, and nothing scrolls sideways (these pages are opened at 320 px). */
async function axeAndReflow(page: Page, what = page.url()) {
  await expectNoAxeViolations(page, what);
  await expectNoSidewaysScroll(page, what);
}

warnIfSkipped(import.meta.url);

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** The text of the focused element, spaces collapsed. */
const focusedText = (page: Page) => page.evaluate(() => (document.activeElement?.textContent ?? '').replace(/\s+/g, ' ').trim());

/**
 * Reaches the download link `name` by Tab and presses Enter: the server's refusal (`message`)
 * must be said in the first alert after the link (its own, not some other panel's), nothing
 * may say it is downloading, and focus must stay on the link.
 */
async function refusedByKeyboard(page: Page, name: string, message: string) {
  await tabTo(page, name);
  await page.keyboard.press('Enter');
  const link = page.getByRole('link', { name, exact: true });
  await link.locator('xpath=following::*[@role="alert"][1]').filter({ hasText: message }).waitFor({ timeout: 5000 });
  expect(await page.getByRole('status').filter({ hasText: 'is downloading' }).count()).toBe(0);
  expect(await focusedText(page)).toBe(name);
}

/**
 * Presses Enter on the focused download link `name` once the server allows it: the browser
 * gets the file (named by the server), the first status after the link says "Your <what> is
 * downloading." and the link's own alert no longer says the refusal `gone`.
 */
async function downloadsByKeyboard(page: Page, name: string, what: string, gone: string) {
  expect(await focusedText(page)).toBe(name);
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const file = await download;
  expect(await file.failure()).toBeNull();
  const link = page.getByRole('link', { name, exact: true });
  await link.locator('xpath=following::*[@role="status"][1]').filter({ hasText: `Your ${what} is downloading.` }).waitFor();
  // The link's own alert is empty again (a panel refreshed meanwhile may say the same words in its own).
  const own = link.locator('xpath=following::*[@role="alert"][1]');
  expect(await own.innerText()).not.toContain(gone);
  expect((await own.innerText()).trim()).toBe('');
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

/** A session two days ago, in a course with one required part, that a new member of staff attended (by the register). */
async function attendedSession(t: TestContext, title: string, person: string) {
  const now = t.clock.now().toISOString();
  const admin = await t.user('admin');
  const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: `${title} course` } })).json;
  const startsAt = daysFromNow(-2);
  t.clock.set(plusMinutes(startsAt, -24 * 60)); // book the day before
  const s = await t.session({ title, courseId: course.id, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } });
  const staff = await t.user('staff', (await t.org()).id, person);
  const bookingId = (await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).json.id as string;
  t.clock.set(now);
  await recordAttendanceOutcomes(t.deps);
  const mark = async (attended: boolean) => expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${bookingId}`, { as: s.trainer, body: { attended, minutes: attended ? 88 : 0 } })).status).toBe(200);
  await mark(true);
  return { s, course, staff, bookingId, mark };
}

/** A trust with one school, the trust's office, and an administrator who can move the school out of the trust and back. */
async function trustWithSchool(t: TestContext, trustName: string, schoolName: string) {
  const admin = await t.user('admin');
  const trust = (await t.request('POST', '/api/orgs', { as: admin, body: { name: trustName, kind: 'trust' } })).json as { id: string };
  const school = (await t.request('POST', '/api/orgs', { as: admin, body: { name: schoolName, parentId: trust.id } })).json as { id: string };
  const office = await t.user('office', trust.id, `Office of ${trustName}`);
  const setParent = async (parentId: string | null) => expect((await t.request('PATCH', `/api/orgs/${school.id}`, { as: admin, body: { parentId } })).status).toBe(200);
  return { admin, trust, school, office, leaveTrust: () => setParent(null), rejoinTrust: () => setParent(trust.id) };
}

/** A session run by a trainer, and an administrator who can hand it to another trainer and back. */
async function handedSession(t: TestContext, input: Record<string, unknown>, trainerName: string) {
  const admin = await t.user('admin');
  const trainer = await t.user('trainer', null, trainerName);
  const other = await t.user('trainer', null, 'Oti Other');
  const s = await t.session(input, trainer);
  const handTo = async (u: TestUser) => expect((await t.request('PATCH', `/api/sessions/${s.id}`, { as: admin, body: { trainerIds: [u.id] } })).status).toBe(200);
  return { s, trainer, handAway: () => handTo(other), handBack: () => handTo(trainer) };
}

describe.skipIf(!browserAvailable)('downloads the server refuses while the page is open', () => {
  const env = serverAndBrowser();

  it('my bookings: a certificate of attendance refused (403, the register corrected to absent) says why, and downloads once attendance is back', async () => {
    const { t } = env.server;
    const { staff, bookingId, mark } = await attendedSession(t, 'Calm corners', 'Cass Certificate');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/bookings');
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    const name = 'Download your certificate of attendance (PDF) for Calm corners';
    await page.getByRole('link', { name, exact: true }).waitFor();

    // While the page is open, the trainer corrects the register: no longer attended.
    await mark(false);
    const refused = await t.request('GET', `/api/bookings/${bookingId}/certificate.pdf`, { as: staff });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('not_attendee');

    const message = 'A certificate of attendance is given once the session is over and your attendance is recorded.';
    await refusedByKeyboard(page, name, message);
    await axeAndReflow(page, 'my bookings after a refused certificate');

    // Marked attended again, the same link downloads the certificate.
    await mark(true);
    const file = await downloadsByKeyboard(page, name, 'certificate', message);
    expect(file.name).toMatch(/^certificate-\d{4}-\d{2}-\d{2}-calm-corners\.pdf$/);
    expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await axeAndReflow(page, 'my bookings after a certificate download');
  });

  it('my training record: the session and course certificates refused (403, attendance corrected) say why, and download once it is back', async () => {
    const { t } = env.server;
    const { staff, course, mark } = await attendedSession(t, 'Sensory diets', 'Rea Record');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, '/completions');
    await page.getByRole('heading', { level: 1, name: 'My training record' }).waitFor();
    const sessionCert = 'Certificate (PDF) for Sensory diets';
    const courseCert = 'Course certificate (PDF) for Sensory diets course';
    await page.getByRole('link', { name: sessionCert, exact: true }).waitFor();
    await page.getByRole('link', { name: courseCert, exact: true }).waitFor();

    // While the page is open, the trainer corrects the register: the session was not attended, so the course is not complete.
    await mark(false);
    const refused = await t.request('GET', `/api/courses/${course.id}/certificate.pdf`, { as: staff });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('not_attendee');

    const courseMessage = 'A course certificate is given once the course is complete: a session of each of its required parts attended.';
    await refusedByKeyboard(page, courseCert, courseMessage);
    const sessionMessage = 'A certificate of attendance is given once the session is over and your attendance is recorded.';
    await refusedByKeyboard(page, sessionCert, sessionMessage);
    await axeAndReflow(page, 'training record after refused certificates');

    // Marked attended again, both download; focus is on the session's certificate.
    await mark(true);
    const file = await downloadsByKeyboard(page, sessionCert, 'certificate', sessionMessage);
    expect(file.name).toMatch(/^certificate-\d{4}-\d{2}-\d{2}-sensory-diets\.pdf$/);
    expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await tabTo(page, courseCert, { back: true });
    const courseFile = await downloadsByKeyboard(page, courseCert, 'certificate', courseMessage);
    expect(courseFile.name).toMatch(/^certificate-\d{4}-\d{2}-\d{2}-sensory-diets-course\.pdf$/);
    await axeAndReflow(page, 'training record after certificate downloads');
  });

  it('a booking page: the invite refused to a trust office (404, the school has left the trust) says why, and downloads once it is back', async () => {
    const { t } = env.server;
    const { school, office, leaveTrust, rejoinTrust } = await trustWithSchool(t, 'Rowan Trust', 'Rowan Infants');
    const staff = await t.user('staff', school.id, 'Ivo Invite');
    const s = await t.session({ title: 'Attachment aware', startsAt: daysFromNow(4), endsAt: plusMinutes(daysFromNow(4), 60) });
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: office, body: { userId: staff.id } });
    expect(booked.status).toBe(201);
    const bookingId = booked.json.id as string;

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/bookings/${bookingId}`);
    await page.getByRole('heading', { level: 1, name: 'Booking: Attachment aware' }).waitFor();
    // Someone else's booking: a copy of the event, said to be one, with the way to keep them all current.
    const name = 'Download the event (Outlook, Apple Calendar and others)';
    await page.getByRole('link', { name, exact: true }).waitFor();
    await page.getByText('These are copies for your own calendar: they do not change when the session does (its changes are sent to Ivo Invite). Your organisation’s calendar feed keeps every booking of your staff up to date.').waitFor();
    expect(await page.getByRole('link', { name: 'calendar feed', exact: true }).getAttribute('href')).toBe('/calendar');

    await leaveTrust();
    const refused = await t.request('GET', `/api/bookings/${bookingId}/invite.ics`, { as: office });
    expect(refused.status).toBe(404);

    await refusedByKeyboard(page, name, 'No such booking.');
    await axeAndReflow(page, 'booking page after a refused invite');

    await rejoinTrust();
    const file = await downloadsByKeyboard(page, name, 'calendar event', 'No such booking.');
    expect(file.name).toMatch(/^attachment-aware-\d{4}-\d{2}-\d{2}\.ics$/);
    expect(file.bytes.toString()).toContain('BEGIN:VCALENDAR');
    expect(file.bytes.toString()).toContain('SUMMARY:Ivo Invite - Attachment aware');
    expect(file.bytes.toString()).not.toMatch(/^METHOD:/m);
    await axeAndReflow(page, 'booking page after an invite download');
  });

  it('training coverage: a figure’s spreadsheet refused to a trust office (403, the school has left the trust) says why, and downloads once it is back', async () => {
    const { t } = env.server;
    const { school, office, leaveTrust, rejoinTrust } = await trustWithSchool(t, 'Hazel Trust', 'Hazel Juniors');
    await t.user('staff', school.id, 'Nell Notbooked');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/reach?orgId=${school.id}`);
    await page.getByRole('heading', { level: 1, name: 'Training coverage: Hazel Juniors' }).waitFor();
    const name = 'Download “Progress towards 100% by school” as a spreadsheet (CSV)';
    const link = page.getByRole('link', { name, exact: true });
    await link.waitFor();

    await leaveTrust();
    const refused = await t.request('GET', (await link.getAttribute('href'))!, { as: office });
    expect(refused.status).toBe(403);

    const message = 'You can see the coverage of your own organisation (and the schools under it) only.';
    await refusedByKeyboard(page, name, message);
    await axeAndReflow(page, 'coverage after a refused spreadsheet');

    await rejoinTrust();
    const file = await downloadsByKeyboard(page, name, 'spreadsheet', message);
    expect(file.name).toMatch(/^coverage-schools-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.bytes.toString('utf8')).toContain('Hazel Juniors');
    await axeAndReflow(page, 'coverage after a spreadsheet download');
  });

  it('staff not yet booked: the list’s spreadsheet refused to a trust office (403, the school has left the trust) says why, and downloads once it is back', async () => {
    const { t } = env.server;
    const { school, office, leaveTrust, rejoinTrust } = await trustWithSchool(t, 'Larch Trust', 'Larch Primary');
    await t.user('staff', school.id, 'Nico Notbooked');
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, office, `/reach/not-booked?orgId=${school.id}`);
    await page.getByRole('heading', { level: 1, name: 'Staff not yet booked' }).waitFor();
    await page.getByRole('rowheader', { name: 'Nico Notbooked' }).waitFor();
    const name = 'Download this list as a spreadsheet (CSV)';
    await page.getByRole('link', { name, exact: true }).waitFor();

    await leaveTrust();
    const message = 'You can see the coverage of your own organisation (and the schools under it) only.';
    await refusedByKeyboard(page, name, message);
    await axeAndReflow(page, 'staff not yet booked after a refused spreadsheet');

    await rejoinTrust();
    const file = await downloadsByKeyboard(page, name, 'spreadsheet', message);
    expect(file.name).toMatch(/^not-booked-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.bytes.toString('utf8')).toContain('Nico Notbooked');
    await axeAndReflow(page, 'staff not yet booked after a spreadsheet download');
  });

  it('the register: the attendance spreadsheet refused (403, the session handed to another trainer) says why, and downloads once it is handed back', async () => {
    const { t } = env.server;
    const { s, trainer, handAway, handBack } = await handedSession(t, { title: 'Phonics for all', mode: 'in_person', venue: 'Hall', startsAt: daysFromNow(3), endsAt: plusMinutes(daysFromNow(3), 60), capacity: { inPerson: 10 } }, 'Rhi Register');
    const staff = await t.user('staff', (await t.org()).id, 'Ros Registered');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register: Phonics for all' }).waitFor();
    await page.getByRole('rowheader', { name: 'Ros Registered' }).waitFor();
    const name = 'Download attendance (CSV)';

    await handAway();
    const refused = await t.request('GET', `/api/sessions/${s.id}/attendance.csv`, { as: trainer });
    expect(refused.status).toBe(403);

    const message = 'Only the session’s trainers, administrators and school office staff can see attendance.';
    await refusedByKeyboard(page, name, message);
    await axeAndReflow(page, 'register after a refused spreadsheet');

    await handBack();
    const file = await downloadsByKeyboard(page, name, 'spreadsheet', message);
    expect(file.name).toMatch(/^attendance-\d{4}-\d{2}-\d{2}-[0-9a-f-]{8}\.csv$/);
    expect(file.bytes.toString('utf8')).toContain('Ros Registered');
    await axeAndReflow(page, 'register after a spreadsheet download');
  });

  it('the live room: the transcript and the attendance spreadsheet refused to its trainer (403, the session handed to another) say why, and download once it is handed back', async () => {
    const { t } = env.server;
    const { s, trainer, handAway, handBack } = await handedSession(t, { title: 'Webinar on dyslexia', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, 'Tam Transcript');
    const staff = await t.user('staff', (await t.org()).id, 'Uma Understood');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/sessions/${s.id}/room`);
    await page.getByRole('heading', { level: 1, name: 'Live room: Webinar on dyslexia' }).waitFor();
    await page.getByRole('region', { name: 'Attendance', exact: true }).getByRole('rowheader', { name: 'Uma Understood' }).waitFor();
    const transcript = 'Download the transcript';
    const attendance = 'Download attendance (CSV)';
    await page.getByRole('link', { name: transcript, exact: true }).waitFor();

    await handAway();
    const refused = await t.request('GET', `/api/sessions/${s.id}/transcript.vtt`, { as: trainer });
    expect(refused.status).toBe(403);

    const transcriptMessage = 'Only the session’s attendees and trainers can read its transcript.';
    await refusedByKeyboard(page, transcript, transcriptMessage);
    const attendanceMessage = 'Only the session’s trainers, administrators and school office staff can see attendance.';
    await refusedByKeyboard(page, attendance, attendanceMessage);
    await axeAndReflow(page, 'live room after refused downloads');

    await handBack();
    const sheet = await downloadsByKeyboard(page, attendance, 'spreadsheet', attendanceMessage);
    expect(sheet.bytes.toString('utf8')).toContain('Uma Understood');
    await tabTo(page, transcript, { back: true });
    const file = await downloadsByKeyboard(page, transcript, 'transcript', transcriptMessage);
    expect(file.name).toBe(`transcript-${s.id}.vtt`);
    expect(file.bytes.toString('utf8')).toMatch(/^WEBVTT/);
    await axeAndReflow(page, 'live room after downloads');
  });

  it('after an online session, its captions transcript downloads from My bookings and the session page, by keyboard (320 px); a session with no captions offers none', async () => {
    const { t } = env.server;
    const trainer = await t.user('trainer', null, 'Vic Voice');
    const s = await t.session({ title: 'Sensory needs webinar', startsAt: minutesFromNow(-5), endsAt: minutesFromNow(55), capacity: { online: 5 } }, trainer);
    // Another online session the same person had a seat on, which no one captioned.
    const quiet = await t.session({ title: 'Quiet webinar', startsAt: minutesFromNow(60), endsAt: minutesFromNow(100), capacity: { online: 5 } }, trainer);
    const staff = await t.user('staff', (await t.org()).id, 'Wren Watcher');
    for (const id of [s.id, quiet.id]) expect((await t.request('POST', `/api/sessions/${id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    expect((await t.request('POST', `/api/sessions/${s.id}/captions`, { as: trainer, body: { segmentId: 'seg-1', text: 'Welcome to the sensory needs webinar', final: true } })).status).toBe(200);
    // Two hours on: both sessions are over, their rooms (and the rooms' links) gone.
    const realNow = t.clock.now().toISOString();
    t.clock.set(minutesFromNow(120));
    try {
      const page = await newPage(env.browser, env.server, NARROW);
      await signInAt(page, staff, '/bookings');
      const name = 'Download the captions transcript: Sensory needs webinar';
      // (Its accessible name is the text and the hidden title, which Chromium joins with a space.)
      const link = () => page.getByRole('link', { name: /^Download the captions transcript ?: Sensory needs webinar$/ });
      await link().waitFor();
      // The session no one captioned is listed, with no transcript link (its file would hold no words) and nothing said instead.
      const quietCard = page.locator(`[data-booking]`).filter({ has: page.getByRole('heading', { level: 3, name: 'Quiet webinar' }) });
      await quietCard.waitFor();
      expect(await quietCard.getByRole('link', { name: /transcript/i }).count()).toBe(0);
      expect(await quietCard.getByText(/transcript|caption/i).count()).toBe(0);
      expect(await page.getByRole('link', { name: /Download the captions transcript/ }).count()).toBe(1);
      expect(await page.getByRole('link', { name: /Join now/ }).count()).toBe(0);
      await checkPage(page, 'My bookings after an online session');
      await tabTo(page, name);
      const download = page.waitForEvent('download');
      await page.keyboard.press('Enter');
      const file = await download;
      expect(await file.failure()).toBeNull();
      expect(file.suggestedFilename()).toBe(`transcript-${s.id}.vtt`);
      expect(readFileSync((await file.path())!, 'utf8')).toContain('Welcome to the sensory needs webinar');
      await link().locator('xpath=following::*[@role="status"][1]').filter({ hasText: 'Your transcript is downloading.' }).waitFor();

      await page.goto(`/sessions/${s.id}`);
      await page.getByRole('heading', { level: 1, name: 'Sensory needs webinar' }).waitFor();
      await link().waitFor();
      await checkPage(page, 'session page after an online session');

      // The quiet session's own page: its booking shown, no transcript link.
      await page.goto(`/sessions/${quiet.id}`);
      await page.getByRole('heading', { level: 1, name: 'Quiet webinar' }).waitFor();
      await page.locator(`.my-booking[data-booking]`).waitFor();
      expect(await page.getByRole('link', { name: /Download the captions transcript/ }).count()).toBe(0);
      await checkPage(page, 'session page after an online session with no captions');
    } finally {
      t.clock.set(realNow);
    }
  });

  it('who is coming: the spreadsheet refused (403, the session handed to another trainer) says why, and downloads once it is handed back', async () => {
    const { t } = env.server;
    const { s, trainer, handAway, handBack } = await handedSession(t, { title: 'Speech and language', startsAt: daysFromNow(6), endsAt: plusMinutes(daysFromNow(6), 60), capacity: { online: 5 } }, 'Wyn Whoiscoming');
    const staff = await t.user('staff', (await t.org()).id, 'Kit Coming');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, trainer, `/trainer/sessions/${s.id}/people`);
    await page.getByRole('heading', { level: 1, name: 'Who is coming: Speech and language' }).waitFor();
    await page.getByText('Kit Coming').first().waitFor();
    const name = 'Download everyone as a spreadsheet (CSV)';

    await handAway();
    const refused = await t.request('GET', `/api/sessions/${s.id}/attendees.csv`, { as: trainer });
    expect(refused.status).toBe(403);

    const message = 'Only the session’s trainers or an administrator may do this.';
    await refusedByKeyboard(page, name, message);
    await axeAndReflow(page, 'who is coming after a refused spreadsheet');

    await handBack();
    const file = await downloadsByKeyboard(page, name, 'spreadsheet', message);
    expect(file.name).toBe(`who-is-coming-${s.id}.csv`);
    expect(file.bytes.toString('utf8')).toContain('Kit Coming');
    await axeAndReflow(page, 'who is coming after a spreadsheet download');
  });

  it('a session’s materials: a file refused to a booked member of staff (404, the trainer took it off the session) says why, and downloads once it is back', async () => {
    const { t } = env.server;
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Zones of regulation' } })).json;
    const upload = await t.app.request(`/api/courses/${course.id}/materials/files?name=${encodeURIComponent('Zones – régulation (1).pdf')}&title=Zones%20slides`, { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/octet-stream' }, body: FILES.pdf });
    expect(upload.status).toBe(201);
    const material = (await upload.json()) as { id: string };
    const s = await t.session({ title: 'Zones in practice', courseId: course.id, startsAt: daysFromNow(5), endsAt: plusMinutes(daysFromNow(5), 60), capacity: { online: 5 } });
    const attach = async () => expect((await t.request('POST', `/api/sessions/${s.id}/materials`, { as: s.trainer, body: { materialId: material.id } })).status).toBe(201);
    await attach();
    const staff = await t.user('staff', (await t.org()).id, 'Mo Materials');
    expect((await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: staff, body: {} })).status).toBe(201);

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, staff, `/sessions/${s.id}`);
    await page.getByRole('heading', { level: 2, name: 'Materials' }).waitFor();
    const name = 'Download Zones slides';
    await page.getByRole('link', { name, exact: true }).waitFor();

    // While the page is open, the trainer takes the file off the session.
    expect((await t.request('DELETE', `/api/sessions/${s.id}/materials/${material.id}`, { as: s.trainer })).status).toBe(204);
    const refused = await t.request('GET', `/api/sessions/${s.id}/materials/${material.id}/download`, { as: staff });
    expect(refused.status).toBe(404);

    const message = 'This session does not use that material.';
    await refusedByKeyboard(page, name, message);
    await axeAndReflow(page, 'session materials after a refused file');

    await attach();
    const file = await downloadsByKeyboard(page, name, 'file', message);
    expect(file.name).toBe('Zones – régulation (1).pdf'); // from filename*, in UTF-8
    expect(file.bytes.equals(FILES.pdf)).toBe(true);
    await axeAndReflow(page, 'session materials after a file download');
  });
});
