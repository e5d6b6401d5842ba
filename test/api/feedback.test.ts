/**
 * Feedback after a session: only attendees answer, once each, editable for 14 days; the
 * request goes out once by email (a real SMTP exchange); trainers see their sessions'
 * results, administrators per course and overall; an anonymous course hides names.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAttendanceOutcomes } from '../../server/attendance/service.js';
import { runJobsOnce } from '../../server/jobs.js';
import { smtpMailer } from '../../server/notifications/delivery.js';
import { makeTestContext, type TestContext, type TestUser } from '../helpers.js';
import { startSmtp, type TestSmtp } from '../smtp.js';
import { storedAnswers } from '../feedback-fixtures.js';
import { bookingEndsOf } from '../../server/bookings/repository.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestContext({ now: '2026-02-01T09:00:00.000Z' });
});
afterEach(async () => {
  await t.close();
});

const START = '2026-02-10T16:00:00.000Z';
const END = '2026-02-10T17:30:00.000Z';
const DURING = '2026-02-10T16:05:00.000Z'; // the register opens with check-in, before the start
const AFTER = '2026-02-10T18:00:00.000Z'; // outcomes are written 15 minutes after the end
const DAY = 86_400_000;

/**
 * A course session where `attendees` attended (by the trainer's register) and `absentees` did not:
 * everyone booked first, then the register ticked once the session is under way (it opens with
 * check-in), which is where the clock is left.
 */
async function heldSession(opts: { attendees: string[]; absentees?: string[]; course?: { id: string }; admin?: TestUser }) {
  const admin = opts.admin ?? (await t.user('admin'));
  const course = opts.course ?? (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND foundations' } })).json;
  const s = await t.session({ title: 'Understanding autism', courseId: course.id, startsAt: START, endsAt: END });
  const org = await t.org();
  const people: Record<string, TestUser & { bookingId: string }> = {};
  const marks: [string, boolean][] = [...opts.attendees.map((n) => [n, true] as [string, boolean]), ...(opts.absentees ?? []).map((n) => [n, false] as [string, boolean])];
  for (const [name] of marks) {
    const u = await t.user('staff', org.id, name);
    const b = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: u, body: {} });
    expect(b.status).toBe(201);
    people[name] = { ...u, bookingId: b.json.id };
  }
  t.clock.set(DURING);
  for (const [name, attended] of marks) {
    const reg = await t.request('PUT', `/api/sessions/${s.id}/attendance/${people[name]!.bookingId}`, { as: s.trainer, body: attended ? { attended: true, minutes: 85 } : { attended: false } });
    expect(reg.status).toBe(200);
  }
  return { s, course, admin, people };
}

const answer = (usefulness: number, confidenceBefore: number, confidenceAfter: number, comment?: string) => ({ usefulness, confidenceBefore, confidenceAfter, ...(comment !== undefined ? { comment } : {}) });

describe('giving feedback', () => {
  it('an attendee answers once; answering again changes the same answer', async () => {
    const { s, people } = await heldSession({ attendees: ['Ann Jones'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    const ann = people['Ann Jones']!;

    const before = await t.request('GET', `/api/sessions/${s.id}/feedback/mine`, { as: ann });
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ sessionId: s.id, open: true, answer: null, editableUntil: new Date(Date.parse(END) + 14 * DAY).toISOString() });

    const first = await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body: answer(4, 2, 4, '  Clear and practical.  ') });
    expect(first.status).toBe(200);
    expect(first.json.answer).toMatchObject({ usefulness: 4, confidenceBefore: 2, confidenceAfter: 4, comment: 'Clear and practical.' });

    t.clock.advance(DAY);
    const second = await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body: answer(5, 2, 5) });
    expect(second.status).toBe(200);
    expect(second.json.answer).toMatchObject({ usefulness: 5, confidenceAfter: 5, comment: null });
    const rows = await t.db.selectFrom('feedback').selectAll().where('session_id', '=', s.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: ann.id, usefulness: 5, confidence_after: 5 });
  });

  it('is editable for 14 days after the session and refused after, with a clear message and nothing changed', async () => {
    const { s, people } = await heldSession({ attendees: ['Ann Jones'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    const ann = people['Ann Jones']!;
    expect((await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body: answer(3, 3, 3) })).status).toBe(200);

    t.clock.set(new Date(Date.parse(END) + 14 * DAY - 60_000).toISOString()); // a minute before it closes
    expect((await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body: answer(4, 3, 4) })).status).toBe(200);

    t.clock.set(new Date(Date.parse(END) + 14 * DAY).toISOString());
    const late = await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body: answer(1, 1, 1, 'Too late') });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('feedback_closed');
    expect(late.json.error.message).toBe('Feedback on this session closed at 17:30 GMT on Tuesday, 24 February 2026: answers can be given or changed for 14 days after a session.');
    const mine = await t.request('GET', `/api/sessions/${s.id}/feedback/mine`, { as: ann });
    expect(mine.json).toMatchObject({ open: false, answer: { usefulness: 4, confidenceAfter: 4, comment: null } });
  });

  it('only attendees can answer: not someone absent, nor someone not booked, nor a trainer', async () => {
    const { s, people } = await heldSession({ attendees: ['Ann Jones'], absentees: ['Bob Smith'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    for (const who of [people['Bob Smith']!, await t.user('staff', (await t.org()).id), s.trainer]) {
      const put = await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: who, body: answer(5, 5, 5) });
      expect(put.status).toBe(403);
      expect(put.json.error).toMatchObject({ code: 'not_attendee', message: 'Only people who attended this session can give feedback on it.' });
      expect((await t.request('GET', `/api/sessions/${s.id}/feedback/mine`, { as: who })).status).toBe(403);
    }
    expect(await t.db.selectFrom('feedback').selectAll().execute()).toEqual([]);
    // Before the session is over nobody has attended yet.
    t.clock.set('2026-02-01T09:00:00.000Z');
    const early = await heldSession({ attendees: ['Cat Evans'] });
    expect((await t.request('PUT', `/api/sessions/${early.s.id}/feedback/mine`, { as: early.people['Cat Evans']!, body: answer(5, 5, 5) })).status).toBe(403);
  });

  it('refuses scores outside 1 to 5 and an over-long comment, changing nothing', async () => {
    const { s, people } = await heldSession({ attendees: ['Ann Jones'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    const ann = people['Ann Jones']!;
    for (const body of [answer(0, 3, 3), answer(6, 3, 3), answer(3, 2.5, 3), answer(3, 3, 3, 'x'.repeat(2001)), { usefulness: 3, confidenceBefore: 3 }, { ...answer(3, 3, 3), name: 'x' }]) {
      const res = await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
    expect(await t.db.selectFrom('feedback').selectAll().execute()).toEqual([]);
  });
});

describe('the feedback request email', () => {
  let smtp: TestSmtp;
  beforeEach(async () => {
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
  });

  it('goes once to each attendee (not to the absent), over SMTP, linking to the form', { timeout: 30_000 }, async () => {
    const { people } = await heldSession({ attendees: ['Ann Jones', 'Cat Evans'], absentees: ['Bob Smith'] });
    const mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, t.deps.config.mailFrom);
    await runJobsOnce(t.deps, mailer); // booking confirmations
    smtp.received.splice(0);

    t.clock.set(AFTER);
    await runJobsOnce(t.deps, mailer);
    t.clock.advance(60_000);
    await runJobsOnce(t.deps, mailer); // a second pass asks nobody again
    t.clock.advance(DAY);
    await runJobsOnce(t.deps, mailer);

    const requests = smtp.received.filter((m) => /^Subject: How was it\? Understanding autism/m.test(m.raw));
    expect(requests.map((m) => m.to).sort()).toEqual([[people['Ann Jones']!.email], [people['Cat Evans']!.email]].sort());
    expect(smtp.received).toHaveLength(2);
    for (const m of requests) {
      const text = m.raw.replace(/=\r?\n/g, '');
      const person = m.to[0] === people['Ann Jones']!.email ? people['Ann Jones']! : people['Cat Evans']!;
      expect(text).toContain(`Give your feedback: http://localhost:3000/bookings/${person.bookingId}#feedback`);
    }
    expect(await t.db.selectFrom('outbox').select('id').where('kind', '=', 'feedback_request').execute()).toHaveLength(2);
  });
});

describe('feedback results', () => {
  async function answered() {
    const h = await heldSession({ attendees: ['Ann Jones', 'Bob Smith', 'Cat Evans'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    await t.request('PUT', `/api/sessions/${h.s.id}/feedback/mine`, { as: h.people['Ann Jones']!, body: answer(5, 2, 4, 'Very useful examples.') });
    await t.request('PUT', `/api/sessions/${h.s.id}/feedback/mine`, { as: h.people['Bob Smith']!, body: answer(3, 3, 3, 'Too fast.') });
    return h;
  }

  it('the session’s trainer sees averages, distributions, the confidence shift and named comments; others may not', async () => {
    const { s, people } = await answered();
    const res = await t.request('GET', `/api/sessions/${s.id}/feedback`, { as: s.trainer });
    expect(res.status).toBe(200);
    expect(res.json.session).toMatchObject({ id: s.id, title: 'Understanding autism', courseTitle: 'SEND foundations' });
    expect(res.json.summary).toMatchObject({
      responses: 2,
      attendees: 3,
      usefulness: { average: 4, distribution: [0, 0, 1, 0, 1] },
      confidenceBefore: { average: 2.5, distribution: [0, 1, 1, 0, 0] },
      confidenceAfter: { average: 3.5, distribution: [0, 0, 1, 1, 0] },
      confidenceShift: 1,
      anonymous: false,
    });
    expect(res.json.summary.comments.map((c: any) => [c.name, c.text]).sort()).toEqual([['Ann Jones', 'Very useful examples.'], ['Bob Smith', 'Too fast.']]);
    for (const who of [await t.user('trainer'), people['Cat Evans']!, await t.user('office', (await t.org()).id)]) {
      expect((await t.request('GET', `/api/sessions/${s.id}/feedback`, { as: who })).status).toBe(403);
    }
    const list = await t.request('GET', '/api/me/feedback/sessions', { as: s.trainer });
    expect(list.json.items).toEqual([expect.objectContaining({ sessionId: s.id, attendees: 3, responses: 2, usefulness: 4, confidenceShift: 1 })]);
    expect((await t.request('GET', '/api/me/feedback/sessions', { as: await t.user('trainer') })).json.items).toEqual([]);
  });

  it('administrators see a course and the overall figures; an anonymous course hides names from everyone', async () => {
    const { s, course, admin } = await answered();
    const byCourse = await t.request('GET', `/api/courses/${course.id}/feedback`, { as: admin });
    expect(byCourse.status).toBe(200);
    expect(byCourse.json.course).toEqual({ id: course.id, title: 'SEND foundations', anonymousFeedback: false });
    expect(byCourse.json.summary).toMatchObject({ responses: 2, attendees: 3, confidenceShift: 1 });
    expect(byCourse.json.sessions).toEqual({ items: [expect.objectContaining({ sessionId: s.id, responses: 2 })], total: 1, limit: 50, offset: 0, hasMore: false });
    const overall = await t.request('GET', '/api/feedback', { as: admin });
    expect(overall.json.summary).toMatchObject({ responses: 2, attendees: 3 });
    expect(overall.json.courses).toEqual([{ courseId: course.id, title: 'SEND foundations', anonymousFeedback: false, responses: 2, usefulness: 4, confidenceShift: 1 }]);
    expect((await t.request('GET', '/api/feedback', { as: s.trainer })).status).toBe(403);
    expect((await t.request('GET', `/api/courses/${course.id}/feedback`, { as: s.trainer })).status).toBe(403);

    // Only an administrator changes the setting.
    expect((await t.request('PUT', `/api/courses/${course.id}/feedback-settings`, { as: s.trainer, body: { anonymous: true } })).status).toBe(403);
    const set = await t.request('PUT', `/api/courses/${course.id}/feedback-settings`, { as: admin, body: { anonymous: true } });
    expect(set.json).toEqual({ anonymous: true });
    expect((await t.request('GET', '/api/feedback/settings', { as: admin })).json.items).toEqual([{ courseId: course.id, title: 'SEND foundations', anonymous: true }]);

    const views = [
      (await t.request('GET', `/api/sessions/${s.id}/feedback`, { as: s.trainer })).json.summary,
      (await t.request('GET', `/api/courses/${course.id}/feedback`, { as: admin })).json.summary,
      (await t.request('GET', '/api/feedback', { as: admin })).json.summary,
    ];
    for (const v of views) {
      expect(v.comments.map((c: any) => c.text).sort()).toEqual(['Too fast.', 'Very useful examples.']);
      expect(v.comments.every((c: any) => c.name === null)).toBe(true);
      expect(JSON.stringify(v)).not.toMatch(/Ann Jones|Bob Smith/);
    }
    expect(views[0].anonymous).toBe(true);
  });
});

describe('feedback of someone whose attendance no longer counts', () => {
  it('an answer of someone corrected to absent counts nowhere and is not shown', async () => {
    const h = await heldSession({ attendees: ['Ann Jones', 'Bob Smith'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    const ann = h.people['Ann Jones']!;
    expect((await t.request('PUT', `/api/sessions/${h.s.id}/feedback/mine`, { as: ann, body: answer(1, 1, 1, 'Waste of time') })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${h.s.id}/feedback/mine`, { as: h.people['Bob Smith']!, body: answer(4, 2, 4) })).status).toBe(200);
    expect((await t.request('PUT', `/api/sessions/${h.s.id}/attendance/${ann.bookingId}`, { as: h.s.trainer, body: { attended: false } })).status).toBe(200);
    const res = await t.request('GET', `/api/sessions/${h.s.id}/feedback`, { as: h.s.trainer });
    expect(res.status).toBe(200);
    expect(res.json.summary.responses).toBe(1);
    expect(res.json.summary.comments).toEqual([]);
    const course = await t.request('GET', `/api/courses/${h.course.id}/feedback`, { as: h.admin });
    expect(course.json.summary.responses).toBe(1);
    expect(JSON.stringify(course.json)).not.toContain('Waste of time');
  });
});

describe('feedback at scale', () => {
  it('counts every answer, however many; carries the 200 latest comments, newest first, and says how many there are', async () => {
    const { s, course, admin, people } = await heldSession({ attendees: ['Ann Jones'] });
    t.clock.set(AFTER);
    await recordAttendanceOutcomes(t.deps);
    // 300 more attendees' answers as stored (the form's path is tested above).
    await storedAnswers(t, {
      attendedBookingId: people['Ann Jones']!.bookingId,
      n: 300,
      firstAt: AFTER,
      answer: (i) => ({ usefulness: (i % 5) + 1, confidence_before: 2, confidence_after: i < 100 ? 5 : 3, comment: i % 3 === 0 ? null : `Comment ${i}` }),
    });
    // usefulness 1..5 sixty times each: average 3; shift: 100 people +3, 200 people +1.
    const expected = { responses: 300, attendees: 301, usefulness: { average: 3, distribution: [60, 60, 60, 60, 60] }, confidenceShift: 1.67, commentCount: 200 };
    const views = [
      (await t.request('GET', `/api/sessions/${s.id}/feedback`, { as: s.trainer })).json.summary,
      (await t.request('GET', `/api/courses/${course.id}/feedback`, { as: admin })).json.summary,
      (await t.request('GET', '/api/feedback', { as: admin })).json.summary,
    ];
    for (const v of views) {
      expect(v).toMatchObject(expected);
      expect(v.comments).toHaveLength(200);
      expect(v.comments[0]).toMatchObject({ text: 'Comment 299', name: 'Person 299' });
      expect(v.comments.at(-1).text).toBe('Comment 1'); // the oldest (0, 3, 6… have none)
    }
    // 201 comments: the oldest is left out of the list, and the count says so.
    const [extra] = await t.db.selectFrom('feedback').select('id').where('comment', 'is', null).orderBy('updated_at').limit(1).execute();
    await t.db.updateTable('feedback').set({ comment: 'An early comment' }).where('id', '=', extra!.id).execute();
    const more = (await t.request('GET', '/api/feedback', { as: admin })).json;
    expect(more.summary.commentCount).toBe(201);
    expect(more.summary.comments).toHaveLength(200);
    expect(more.summary.comments.map((c: any) => c.text)).not.toContain('An early comment');
    expect(more.courses).toEqual([expect.objectContaining({ courseId: course.id, responses: 300, usefulness: 3, confidenceShift: 1.67 })]);
    expect((await t.request('GET', '/api/me/feedback/sessions', { as: s.trainer })).json.items).toEqual([expect.objectContaining({ sessionId: s.id, attendees: 301, responses: 300, usefulness: 3, confidenceShift: 1.67 })]);
  });
});

describe('every ended session, a page at a time', () => {
  /** Every row of a paged list of sessions, following `hasMore` page by page (`pick` finds the page in the answer). */
  async function everyRow(path: string, as: TestUser, pick: (json: any) => any, limit = 200) {
    const ids: string[] = [];
    const pages: { offset: number; limit: number; total: number; hasMore: boolean; n: number }[] = [];
    for (let offset = 0; pages.length < 10; ) {
      const res = await t.request('GET', `${path}?limit=${limit}&offset=${offset}`, { as });
      expect(res.status).toBe(200);
      const page = pick(res.json);
      ids.push(...page.items.map((r: any) => r.sessionId));
      pages.push({ offset: page.offset, limit: page.limit, total: page.total, hasMore: page.hasMore, n: page.items.length });
      if (!page.hasMore) break;
      offset += page.items.length;
    }
    return { ids, pages };
  }

  it('501 ended sessions of a course: every one reachable, newest first, by its course, its trainer and an administrator; the summary counts them all', { timeout: 60_000 }, async () => {
    const admin = await t.user('admin');
    const course = (await t.request('POST', '/api/courses', { as: admin, body: { title: 'SEND foundations' } })).json;
    const s = await t.session({ title: 'Understanding autism', courseId: course.id, startsAt: START, endsAt: END });
    const ann = await t.user('staff', (await t.org()).id, 'Ann Jones');
    const booked = await t.request('POST', `/api/sessions/${s.id}/bookings`, { as: ann, body: {} });
    expect(booked.status).toBe(201);
    t.clock.set(AFTER);
    expect((await t.request('PUT', `/api/sessions/${s.id}/attendance/${booked.json.id}`, { as: s.trainer, body: { attended: true, minutes: 85 } })).status).toBe(200);
    await recordAttendanceOutcomes(t.deps);
    expect((await t.request('PUT', `/api/sessions/${s.id}/feedback/mine`, { as: ann, body: answer(4, 2, 4) })).status).toBe(200);
    // 500 earlier sessions of the same course and trainer, a day apart, as stored.
    const row = await t.db.selectFrom('sessions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    const earlier = Array.from({ length: 500 }, (_, i) => {
      const start = Date.parse(START) - (i + 1) * DAY;
      const at = { starts_at: new Date(start).toISOString(), ends_at: new Date(start + 90 * 60_000).toISOString() };
      return { ...row, id: `earlier-${String(i).padStart(3, '0')}`, title: `Earlier ${i}`, ...at, booking_ends_at: bookingEndsOf({ ...row, ...at }) };
    });
    for (let i = 0; i < earlier.length; i += 100) {
      const chunk = earlier.slice(i, i + 100);
      await t.db.insertInto('sessions').values(chunk).execute();
      await t.db.insertInto('session_trainers').values(chunk.map((x) => ({ session_id: x.id, user_id: s.trainer.id }))).execute();
    }
    const newestFirst = [s.id, ...earlier.map((x) => x.id)];

    const byCourse = await everyRow(`/api/courses/${course.id}/feedback`, admin, (json) => json.sessions);
    expect(byCourse.ids).toEqual(newestFirst);
    expect(byCourse.pages).toEqual([
      { offset: 0, limit: 200, total: 501, hasMore: true, n: 200 },
      { offset: 200, limit: 200, total: 501, hasMore: true, n: 200 },
      { offset: 400, limit: 200, total: 501, hasMore: false, n: 101 },
    ]);
    for (const [who, as] of [['admin', admin], ['trainer', s.trainer]] as const) {
      const mine = await everyRow('/api/me/feedback/sessions', as, (json) => json);
      expect(mine.ids, who).toEqual(newestFirst);
      expect(mine.pages.at(-1), who).toMatchObject({ total: 501, hasMore: false, n: 101 });
    }

    // The summary is over every session, whichever page is read; a page says what it holds.
    const last = await t.request('GET', `/api/courses/${course.id}/feedback?limit=50&offset=500`, { as: admin });
    expect(last.json.summary).toMatchObject({ responses: 1, attendees: 1 });
    expect(last.json.sessions).toMatchObject({ total: 501, limit: 50, offset: 500, hasMore: false, items: [expect.objectContaining({ sessionId: earlier.at(-1)!.id })] });
    const first = await t.request('GET', `/api/courses/${course.id}/feedback`, { as: admin });
    expect(first.json.sessions).toMatchObject({ total: 501, limit: 50, offset: 0, hasMore: true });
    expect(first.json.sessions.items[0]).toMatchObject({ sessionId: s.id, attendees: 1, responses: 1, usefulness: 4, confidenceShift: 2 });
    expect((await t.request('GET', '/api/me/feedback/sessions?limit=201', { as: admin })).status).toBe(400);
  });
});
