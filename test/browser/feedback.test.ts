/**
 * Feedback and certificates in a real browser, by keyboard, at 320 CSS pixels wide,
 * axe-clean: an attendee's feedback form and certificate link on My bookings, the trainer's
 * and the administrator's results (HTML bar charts, readable at 320 px and with text enlarged, with tables), the anonymous-feedback setting,
 * and the public certificate check, which rejects a forged code.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { formatCertCode } from '../../shared/feedback.js';
import { newCertCode } from '../../server/certificates/service.js';
import { storedAnswers } from '../feedback-fixtures.js';
import type { TestContext } from '../helpers.js';
import { activate, browserAvailable, daysFromNow, expectFocused, expectNoAxeViolations, expectNoSidewaysScroll, newPage, plusMinutes, serverAndBrowser, settled, signInAt, signInTo, tabTo, warnIfSkipped, checkPage, NARROW } from './harness.js';
import { bookingEndsOf } from '../../server/bookings/repository.js';

warnIfSkipped(import.meta.url);

/** A session two days ago that `names` attended (by the register), in a course. */
async function heldSession(t: TestContext, names: string[], title = 'Sensory needs in class') {
  const now = t.clock.now().toISOString();
  const admin = await t.user('admin');
  const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: `${title} course` } })).json;
  const startsAt = daysFromNow(-2);
  t.clock.set(plusMinutes(startsAt, -24 * 60)); // book the day before
  const s = await t.session({ title, courseId: course.id, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } });
  const org = await t.org();
  const people = [];
  for (const name of names) {
    const u = await t.user('staff', org.id, name);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} });
    expect(b.status).toBe(201);
    people.push({ ...u, bookingId: b.json.id as string });
  }
  t.clock.set(plusMinutes(startsAt, 80)); // the register, near the end
  for (const p of people) expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${p.bookingId}`, { as: s.trainer, body: { attended: true, minutes: 88 } })).status).toBe(200);
  t.clock.set(now);
  await recordAttendanceOutcomes(t.deps);
  return { s, course, admin, people };
}

/** What a reader sees of a chart: each piece of its text in reading order, at the size it is drawn. */
interface ChartText {
  text: string;
  /** The font size on the screen in CSS px (SVG text shrinks or grows with its drawing's scale). */
  px: number;
}

/** The visible text of the chart image named `name` (not its hidden title and summary). */
async function chartTexts(page: Page, name: string): Promise<ChartText[]> {
  const img = page.getByRole('img', { name, exact: true });
  await img.waitFor();
  return img.evaluate((root) => {
    const out: { text: string; px: number }[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      const text = (n.textContent ?? '').trim();
      if (!text || el.closest('[hidden], title, desc')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const scale = el instanceof SVGGraphicsElement ? Math.abs(el.getScreenCTM()?.a ?? 1) : 1;
      out.push({ text, px: Math.round(parseFloat(getComputedStyle(el).fontSize) * scale * 10) / 10 });
    }
    return out;
  });
}

const USEFUL_CHART = 'Answers by usefulness score, 1 (not useful) to 5 (very useful)';
const CONF_CHART = 'Answers by confidence score, before and after the session, 1 (low) to 5 (high)';

/**
 * The two results charts of Ann (usefulness 5, confidence 2 → 4) and Bob (3, 3 → 4), read as a
 * sighted reader would at the page's width: every label and value is real text of at least
 * 12 px, in reading order score then its values (each value named by its series when there
 * are two), and the page does not scroll sideways. Then with the root text size doubled (as a
 * reader's text-only enlargement does) every label grows with it, and still nothing scrolls
 * sideways and axe finds nothing. The root size is put back afterwards. Returns nothing; fails
 * with the labels and their sizes.
 */
async function expectReadableCharts(page: Page, what: string) {
  const useful = await chartTexts(page, USEFUL_CHART);
  const conf = await chartTexts(page, CONF_CHART);
  for (const [chart, texts] of [['usefulness', useful], ['confidence', conf]] as const) {
    const small = texts.filter((t) => t.px < 12);
    expect(small, `${what}: ${chart} chart labels under 12 px at 320 px wide: ${JSON.stringify(small)}`).toEqual([]);
  }
  // The numbers drawn are the data (the same as in the tables beside the charts).
  expect(useful.map((t) => t.text), `${what}: usefulness chart text`).toEqual(['Score', 'Answers', '1', '0', '2', '0', '3', '1', '4', '0', '5', '1']);
  expect(conf.map((t) => t.text), `${what}: confidence chart text`).toEqual(['Score', 'Answers', '1', 'Before: 0', 'After: 0', '2', 'Before: 1', 'After: 0', '3', 'Before: 1', 'After: 0', '4', 'Before: 0', 'After: 2', '5', 'Before: 0', 'After: 0']);
  // Two series are told apart in words too: the legend (hidden from assistive technology, which has the summary) names them.
  const legend = page.locator('figure', { has: page.getByRole('img', { name: CONF_CHART, exact: true }) }).locator('li');
  expect((await legend.allTextContents()).map((t) => t.trim()), `${what}: confidence chart legend`).toEqual(['Before', 'After']);
  // Bars are drawn to scale: After at 4 (2 answers) is twice Before at 2 (1 answer), and a 0 has no bar.
  const bars = await page.getByRole('img', { name: CONF_CHART, exact: true }).locator('.fb-chart-bar').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  expect(bars.length).toBe(10);
  expect(bars[7]! / bars[2]!, `${what}: bar widths ${JSON.stringify(bars)}`).toBeCloseTo(2, 1);
  expect(bars[0]).toBe(0);
  await expectNoSidewaysScroll(page, `${what} at 320 px`);

  // Text-only enlargement: the root font size doubled, the layout's width unchanged.
  await page.evaluate(() => {
    document.documentElement.style.fontSize = '200%';
  });
  try {
    for (const [name, before] of [[USEFUL_CHART, useful], [CONF_CHART, conf]] as const) {
      const after = await chartTexts(page, name);
      expect(after.map((t) => t.text)).toEqual(before.map((t) => t.text));
      const fixed = after.map((t, i) => ({ text: t.text, before: before[i]!.px, after: t.px })).filter((t) => t.after < t.before * 1.5);
      expect(fixed, `${what}: labels of "${name}" that did not grow with the root text size doubled`).toEqual([]);
    }
    await checkPage(page, `${what} with the root text size doubled, at 320 px`);
  } finally {
    await page.evaluate(() => {
      document.documentElement.style.fontSize = '';
    });
  }
}

/**
 * A long category label wraps inside the chart rather than pushing the page sideways: the
 * first label of the usefulness chart is given a long name with an unbroken word, in place.
 */
async function expectLongLabelWraps(page: Page, what: string) {
  const label = page.getByRole('img', { name: USEFUL_CHART, exact: true }).locator('.fb-chart-label').first();
  const oneLine = await label.evaluate((el) => el.getBoundingClientRect().height);
  await label.evaluate((el) => {
    el.textContent = 'Supercalifragilisticexpialidocious-and-more strongly agree';
  });
  expect(await label.evaluate((el) => el.getBoundingClientRect().height), `${what}: the long label is on one line`).toBeGreaterThan(oneLine * 1.5);
  await expectNoSidewaysScroll(page, `${what} with a long category label`);
}

/** Content-Security-Policy refusals logged by the page (an inline style attribute would be one). */
function watchCsp(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

describe.skipIf(!browserAvailable)('feedback and certificates', () => {
  const env = serverAndBrowser();

  it('an attendee gives feedback from My bookings by keyboard at 320 px, and downloads the certificate', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const { s, people } = await heldSession(t, ['Priya Shah']);
    const me = people[0]!;
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, me, '/bookings');
    await page.getByRole('heading', { name: 'Your feedback on Sensory needs in class' }).waitFor();
    // It closes at the session's end time 14 days on: said with that time, not as a whole day.
    const closes = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(Date.parse(s.endsAt) + 14 * 86_400_000);
    await page.getByText(new RegExp(`^Four short questions\\. You can answer, and change your answer, until ${closes} (GMT|BST) on .+ \\d{4}\\.$`)).waitFor();
    await checkPage(page, 'my bookings with the feedback form');

    // Sending with nothing chosen says what is missing.
    await tabTo(page, 'Send my feedback');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByRole('link', { name: 'Choose a score for “How useful was the session?”' }).waitFor();
    // The summary's title has the form's own id (My bookings may show several forms with problems), and no id is used twice.
    expect(await page.getByRole('heading', { name: 'There is a problem' }).getAttribute('id')).toMatch(/^fb-.+-error-summary-title$/);
    // One level below the form's own heading ("Your feedback on …"), not an h2 in the middle of a booking's card.
    const [formLevel, summaryLevel] = await page.evaluate(() => [document.querySelector('.feedback > :is(h2,h3,h4)')!.tagName, document.querySelector('.error-summary :is(h2,h3,h4,h5)')!.tagName]);
    expect(Number(summaryLevel.slice(1))).toBe(Number(formLevel.slice(1)) + 1);
    expect(await page.evaluate(() => { const ids = [...document.querySelectorAll('[id]')].map((e) => e.id); return ids.filter((id, i) => ids.indexOf(id) !== i); })).toEqual([]);
    await checkPage(page, 'feedback form with errors');

    // Each question is a radio group: Tab into it, arrows choose.
    await tabTo(page, '1 (not useful)', { back: true, max: 40 });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight'); // 4
    await page.keyboard.press('Tab'); // confidence before: 1
    await page.keyboard.press('ArrowRight'); // 2
    await page.keyboard.press('Tab'); // confidence after: 1
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight'); // 4
    await page.keyboard.press('Tab');
    await page.keyboard.type('The visual timetable ideas were great.');
    await tabTo(page, 'Send my feedback');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Thank you: your feedback has been sent.' }).waitFor();
    await page.getByRole('button', { name: 'Update my feedback' }).waitFor();
    await expect.poll(async () => (await t.db.selectFrom('feedback').selectAll().where('session_id', '=', s.id).execute()).map((f) => [f.usefulness, f.confidence_before, f.confidence_after, f.comment])).toEqual([[4, 2, 4, 'The visual timetable ideas were great.']]);
    await checkPage(page, 'feedback form after sending');

    // The certificate link downloads a PDF for this person.
    const link = page.getByRole('link', { name: 'Download your certificate of attendance (PDF) for Sensory needs in class' });
    const href = await link.getAttribute('href');
    expect(href).toBe(`/api/bookings/${me.bookingId}/certificate.pdf`);
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // The training record links each attended session's certificate too.
    await page.goto('/completions');
    await page.getByRole('link', { name: 'Certificate (PDF) for Sensory needs in class', exact: true }).waitFor();
    // The course has one required part, so attending this session completed it.
    const courseLink = page.getByRole('link', { name: 'Course certificate (PDF) for Sensory needs in class course' });
    const courseHref = await courseLink.getAttribute('href');
    const coursePdf = await page.request.get(courseHref!);
    expect(coursePdf.status()).toBe(200);
    expect(coursePdf.headers()['content-type']).toBe('application/pdf');
    await checkPage(page, 'training record with certificate links');

    // The session page of the past session shows the same form, with the answer given.
    await page.goto(`/sessions/${s.id}`);
    await page.getByRole('button', { name: 'Update my feedback' }).waitFor();
    expect(await page.getByRole('radio', { name: '4', exact: true }).first().isChecked()).toBe(true);
    await checkPage(page, 'past session page with feedback');
  });

  it('the trainer and the administrator see results as charts with tables at 320 px, the charts’ labels real text of at least 12 px that grows with the text size; the course can be made anonymous by keyboard', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const { s, course, admin, people } = await heldSession(t, ['Ann Jones', 'Bob Smith'], 'Speech and language');
    await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: people[0]!, body: { usefulness: 5, confidenceBefore: 2, confidenceAfter: 4, comment: 'Loved the role play.' } });
    await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: people[1]!, body: { usefulness: 3, confidenceBefore: 3, confidenceAfter: 4 } });

    const page = await newPage(env.browser, env.server, NARROW);
    const cspErrors = watchCsp(page);
    await signInTo(page, s.trainer, '/feedback', 'Feedback on my sessions', { nav: 'Feedback' });
    await checkPage(page, 'trainer feedback list');
    await tabTo(page, 'Speech and language');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Feedback: Speech and language' }).waitFor();
    const useful = page.getByRole('img', { name: 'Answers by usefulness score, 1 (not useful) to 5 (very useful)' });
    await useful.waitFor();
    expect(await useful.getAttribute('aria-describedby')).toBeTruthy();
    await page.getByText('Average usefulness 4.0 out of 5 from 2 answers', { exact: false }).first().waitFor({ state: 'attached' });
    await page.getByRole('img', { name: /confidence score, before and after/ }).waitFor();
    await page.getByRole('table', { name: 'Confidence: answers per score' }).waitFor();
    await page.getByText('Loved the role play.').waitFor();
    await page.getByText('Ann Jones, Speech and language', { exact: false }).waitFor();
    await checkPage(page, 'session feedback results');
    await expectReadableCharts(page, 'session feedback results');
    await expectLongLabelWraps(page, 'session feedback results');
    expect(cspErrors).toEqual([]);

    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(adminPage, admin, '/admin/courses');
    await adminPage.getByRole('heading', { level: 1, name: 'Courses' }).waitFor();
    await settled(adminPage);
    await tabTo(adminPage, 'Anonymous feedback for Speech and language course', { max: 200 });
    await expectFocused(adminPage, `#anon-${course.id}`);
    // The first save fails: the box goes back to the setting as it is (comments with names),
    // not left ticked as if they were anonymous; "Try again" saves it, and the box is ticked.
    let failing = true;
    await adminPage.route('**/feedback-settings', (route) => (failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) }) : route.continue()));
    const box = adminPage.getByRole('checkbox', { name: 'Anonymous feedback for Speech and language course' });
    // Space sends the change (seen as its request: on a loaded CI machine the answer has taken
    // longer than the usual 10 s to be drawn, so both are waited for longer here).
    // Pressed on the box itself (reached by Tab above): once on a loaded CI machine a Space
    // pressed on whatever had focus sent nothing, focus having moved meanwhile.
    await Promise.all([adminPage.waitForRequest((r) => r.url().endsWith('/feedback-settings') && r.method() === 'PUT', { timeout: 30_000 }), box.press('Space')]);
    await adminPage.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again.' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => box.isChecked(), { message: 'a setting not saved is not shown as saved' }).toBe(false);
    const stored = () => env.server.t.db.selectFrom('courses').select('anonymous_feedback').where('id', '=', course.id).executeTakeFirstOrThrow();
    expect((await stored()).anonymous_feedback).toBe(0);
    await checkPage(adminPage, 'courses page, the anonymous setting not saved');
    failing = false;
    await activate(adminPage, 'Try again');
    await adminPage.getByRole('status').filter({ hasText: 'Speech and language course: feedback comments are now shown without names.' }).waitFor();
    expect(await box.isChecked()).toBe(true);
    expect((await stored()).anonymous_feedback).toBe(1);
    await checkPage(adminPage, 'courses page with the anonymous setting');

    await adminPage.goto('/admin/feedback');
    await adminPage.getByRole('heading', { level: 1, name: 'Feedback' }).waitFor();
    await adminPage.getByRole('link', { name: 'Speech and language course' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Feedback: Speech and language course' }).waitFor();
    await adminPage.getByText('Loved the role play.').waitFor();
    await adminPage.getByText('comments are shown without names', { exact: false }).waitFor();
    expect(await adminPage.getByText('Ann Jones').count()).toBe(0);
    await checkPage(adminPage, 'course feedback (anonymous)');
    await expectReadableCharts(adminPage, 'course feedback (anonymous)');
    expect(course.id).toBeTruthy();
  });

  it('when confidence fell or held, the confidence chart’s description says so, not that it rose (320 px, axe)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const fell = await heldSession(t, ['Dee Down'], 'Challenging behaviour');
    await t.request('PUT', `/api/sessions/${fell.s.id}/feedback/mine`, { as: fell.people[0]!, body: { usefulness: 2, confidenceBefore: 4, confidenceAfter: 2 } });
    const held = await heldSession(t, ['Sam Same'], 'Makaton basics');
    await t.request('PUT', `/api/sessions/${held.s.id}/feedback/mine`, { as: held.people[0]!, body: { usefulness: 3, confidenceBefore: 3, confidenceAfter: 3 } });

    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, fell.s.trainer, `/sessions/${fell.s.id}/feedback`);
    await page.getByRole('img', { name: /confidence score, before and after/ }).waitFor();
    expect(await page.locator('#session-conf-desc').textContent()).toMatch(/^Average confidence fell from 4\.0 before to 2\.0 after \(a shift of −2\.0 per person\)\./);
    await checkPage(page, 'session feedback, confidence fell');

    const samePage = await newPage(env.browser, env.server, NARROW);
    await signInAt(samePage, held.s.trainer, `/sessions/${held.s.id}/feedback`);
    await samePage.getByRole('img', { name: /confidence score, before and after/ }).waitFor();
    expect(await samePage.locator('#session-conf-desc').textContent()).toMatch(/^Average confidence stayed at 3\.0 before and after \(no shift per person\)\./);
  });

  it('a session with more comments than are shown says how many there are and which are shown, at 320 px', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const { s, people } = await heldSession(t, ['Ann Jones'], 'Attention and listening');
    // 201 attendees' answers as stored (the form's own path is tested above).
    await storedAnswers(t, { attendedBookingId: people[0]!.bookingId, n: 201, firstAt: plusMinutes(s.endsAt, 1), answer: (i) => ({ usefulness: 4, confidence_before: 2, confidence_after: 4, comment: `Comment ${i}` }) });
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, s.trainer, `/sessions/${s.id}/feedback`);
    await page.getByRole('heading', { level: 1, name: 'Feedback: Attention and listening' }).waitFor();
    await page.getByText('The 200 most recent of 201 comments, newest first.').waitFor();
    await page.getByText('Average usefulness 4.0 out of 5 from 201 answers', { exact: false }).first().waitFor({ state: 'attached' });
    expect(await page.locator('ul.comments > li').count()).toBe(200);
    expect(await page.locator('ul.comments > li blockquote').first().textContent()).toBe('Comment 200');
    expect(await page.getByText('Comment 0', { exact: true }).count()).toBe(0);
    await checkPage(page, 'session feedback with many comments');
  });

  it('501 ended sessions: the trainer’s list and the course’s page reach every one, a page at a time by keyboard, at 320 px', { timeout: 180_000 }, async () => {
    const { t } = env.server;
    const now = t.clock.now().toISOString();
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'Phonics through the years' } })).json;
    const startsAt = daysFromNow(-2);
    t.clock.set(plusMinutes(startsAt, -24 * 60));
    const s = await t.session({ title: 'Phonics newest', courseId: course.id, startsAt, endsAt: plusMinutes(startsAt, 90), capacity: { online: 10 } });
    t.clock.set(now);
    // 500 earlier sessions of the course and trainer, a day apart, as stored: "Phonics 1" the newest of them, "Phonics 500" the oldest.
    const row = await t.db.selectFrom('sessions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    const earlier = Array.from({ length: 500 }, (_, i) => {
      const at = { starts_at: plusMinutes(startsAt, -(i + 1) * 24 * 60), ends_at: plusMinutes(startsAt, -(i + 1) * 24 * 60 + 90) };
      return { ...row, id: `phonics-${i + 1}`, title: `Phonics ${i + 1}`, ...at, booking_ends_at: bookingEndsOf({ ...row, ...at }) };
    });
    for (let i = 0; i < earlier.length; i += 100) {
      const chunk = earlier.slice(i, i + 100);
      await t.db.insertInto('sessions').values(chunk).execute();
      await t.db.insertInto('session_trainers').values(chunk.map((x) => ({ session_id: x.id, user_id: s.trainer.id }))).execute();
    }
    const status = (p: Page, id: string) => p.locator(`#${id}`);

    // The trainer turns every page by keyboard, to the oldest session.
    const page = await newPage(env.browser, env.server, NARROW);
    await signInAt(page, s.trainer, '/feedback');
    await page.getByRole('heading', { level: 1, name: 'Feedback on my sessions' }).waitFor();
    await expect.poll(() => status(page, 'my-sessions-count').textContent()).toBe('Showing 1 to 50 of 501 sessions.');
    await page.getByRole('link', { name: 'Phonics newest', exact: true }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages of sessions, above the table' }).getByText('Page 1 of 11').count()).toBe(1);
    await checkPage(page, 'trainer feedback list, page 1 of 11');
    for (let n = 2; n <= 11; n++) {
      await tabTo(page, 'Next page', { max: 100 });
      await page.keyboard.press('Enter');
      await expect.poll(() => status(page, 'my-sessions-count').textContent()).toBe(`Showing ${(n - 1) * 50 + 1} to ${Math.min(n * 50, 501)} of 501 sessions.`);
      await expectFocused(page, '#my-sessions-count');
      if (n === 2) {
        expect(new URL(page.url()).search).toBe('?page=2');
        await page.getByRole('link', { name: 'Phonics 50', exact: true }).waitFor();
        await checkPage(page, 'trainer feedback list, page 2');
      }
    }
    await page.getByRole('link', { name: 'Phonics 500', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Previous page' }).first().waitFor();
    await checkPage(page, 'trainer feedback list, the last page');

    // The administrator's course page: the summary over every session, the sessions a page at a time.
    const adminPage = await newPage(env.browser, env.server, NARROW);
    await signInAt(adminPage, admin, `/admin/feedback/courses/${course.id}`);
    await adminPage.getByRole('heading', { level: 1, name: 'Feedback: Phonics through the years' }).waitFor();
    await expect.poll(() => status(adminPage, 'course-sessions-count').textContent()).toBe('Showing 1 to 50 of 501 sessions.');
    await checkPage(adminPage, 'course feedback, sessions page 1');
    await tabTo(adminPage, 'Next page', { max: 200 });
    await adminPage.keyboard.press('Enter');
    await expect.poll(() => status(adminPage, 'course-sessions-count').textContent()).toBe('Showing 51 to 100 of 501 sessions.');
    await expectFocused(adminPage, '#course-sessions-count');
    await adminPage.getByRole('link', { name: 'Phonics 50', exact: true }).waitFor();
    expect(await adminPage.title()).toMatch(/Feedback: Phonics through the years, sessions page 2/);
    await checkPage(adminPage, 'course feedback, sessions page 2');
  });

  it('the public check says a real certificate is genuine with what it prints, and a forged code is not, at 320 px without signing in', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const { people } = await heldSession(t, ['Zoë Ní Bhriain'], 'Inclusive early years');
    const me = people[0]!;
    expect((await t.app.request(`/api/bookings/${me.bookingId}/certificate.pdf`, { headers: me.auth })).status).toBe(200);
    const { code } = await t.db.selectFrom('certificates').select('code').where('booking_id', '=', me.bookingId).executeTakeFirstOrThrow();

    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto(`/verify/${formatCertCode(code)}`);
    await page.getByRole('heading', { level: 1, name: 'Certificate is genuine' }).waitFor();
    // The answer arrives after the page: said in a live region there from the start.
    await page.locator('#verify-said[role="status"]').filter({ hasText: 'Checked: the certificate is genuine. What it says follows.' }).waitFor();
    await page.getByText('Zoë Ní Bhriain').waitFor();
    await page.getByText('Inclusive early years', { exact: true }).waitFor();
    await page.getByText('88', { exact: true }).waitFor();
    expect(await page.getByText(me.email).count()).toBe(0);
    await checkPage(page, 'verify page, genuine');

    // A forged code typed into the form, by keyboard.
    let forged = newCertCode();
    while (forged === code) forged = newCertCode();
    await tabTo(page, 'Verification code');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(formatCertCode(forged));
    await page.keyboard.press('Enter');
    // Headed by what is known (no certificate has this code), not "not genuine": one mistyped
    // character gives the same answer, so checking the typing is said first.
    await page.getByRole('heading', { level: 1, name: 'No certificate has this code' }).waitFor();
    await page.getByText('Check the code was typed exactly as printed on the certificate: 16 letters and digits', { exact: false }).waitFor();
    await page.getByText('If it was typed correctly, the certificate is not genuine.', { exact: false }).waitFor();
    await page.locator('#verify-said').filter({ hasText: 'Checked: no certificate has this code. Check it was typed correctly; if it was, the certificate is not genuine.' }).waitFor();
    expect(await page.getByText('Zoë Ní Bhriain').count()).toBe(0);
    await checkPage(page, 'verify page, forged code');
  });

  it('a certificate whose course was renamed says out of date, with what it printed and what changed, not forged; once its attendance is corrected away it says withdrawn (320 px, axe)', { timeout: 120_000 }, async () => {
    const { t } = env.server;
    const { s, course, admin, people } = await heldSession(t, ['Ola Adeyemi'], 'Sensory breaks');
    const me = people[0]!;
    expect((await t.app.request(`/api/bookings/${me.bookingId}/certificate.pdf`, { headers: me.auth })).status).toBe(200);
    const { code } = await t.db.selectFrom('certificates').select('code').where('booking_id', '=', me.bookingId).executeTakeFirstOrThrow();
    expect((await t.request('PATCH', `/api/courses/${course.id}`, { as: admin, body: { title: 'Sensory breaks in every classroom' } })).status).toBe(200);

    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto(`/verify/${formatCertCode(code)}`);
    await page.getByRole('heading', { level: 1, name: 'Certificate out of date' }).waitFor();
    await page.locator('#verify-said').filter({ hasText: 'Checked: the certificate was genuine and what it certifies still stands, but it is out of date.' }).waitFor();
    await page.getByText('what it certifies still stands. Since it was issued the course it names has changed, so its holder can download a newer certificate printing the current details.', { exact: false }).waitFor();
    // What it printed: the old title, the name and minutes.
    await page.getByText('Sensory breaks course', { exact: true }).waitFor();
    await page.getByText('Ola Adeyemi', { exact: true }).waitFor();
    await page.getByText('88', { exact: true }).waitFor();
    expect(await page.getByText('Sensory breaks in every classroom').count()).toBe(0);
    await checkPage(page, 'verify page, replaced after a course rename');

    // The attendance corrected away: withdrawn, nothing it printed shown.
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${me.bookingId}`, { as: s.trainer, body: { attended: false } })).status).toBe(200);
    await page.reload();
    // Issued, then withdrawn: not called forged ("not genuine") to an employer checking it.
    await page.getByRole('heading', { level: 1, name: 'Certificate withdrawn' }).waitFor();
    await page.locator('#verify-said').filter({ hasText: 'Checked: the certificate has been withdrawn: what it certifies can no longer be confirmed.' }).waitFor();
    await page.getByText('This certificate has been withdrawn: what it certifies can no longer be confirmed', { exact: false }).waitFor();
    expect(await page.getByText('Ola Adeyemi').count()).toBe(0);
    await checkPage(page, 'verify page, withdrawn');
  });

  it('a code of only hyphens or spaces is asked for again in the form, and a link holding one says no certificate has it; the page never goes blank (320 px, axe)', { timeout: 60_000 }, async () => {
    const page = await newPage(env.browser, env.server, NARROW);
    await page.goto('/verify');
    await page.getByRole('heading', { level: 1, name: 'Check a certificate' }).waitFor();
    await tabTo(page, 'Verification code');
    await page.keyboard.type('- -');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Enter the verification code printed on the certificate' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/verify');
    await checkPage(page, 'verify page, a code of hyphens typed');

    // The same as an address (a link copied without its code).
    await page.goto('/verify/-');
    await page.getByRole('heading', { level: 1, name: 'No certificate has this code' }).waitFor();
    await page.locator('.verify-not').getByText('No certificate has this code.', { exact: true }).waitFor();
    await page.getByLabel('Verification code').waitFor();
    await checkPage(page, 'verify page, an address holding only a hyphen');
  });
});
