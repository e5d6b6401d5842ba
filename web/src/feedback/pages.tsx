import { useState } from 'preact/hooks';
import { z } from 'zod';
import { CourseFeedback, CourseFeedbackSettings, FeedbackOverview, SessionFeedback, SessionFeedbackList } from '../../../shared/feedback.js';
import { api } from '../api.js';
import { PageHeading, useApp } from '../components.js';
import { attendanceNotYetRecorded, formatDate, formatTimeRange, plural } from '../format.js';
import { ActionError, Loaded, useAction, useLoad } from '../load.js';
import { Pagination } from '../pagination.js';
import { Link, navigate } from '../router.js';
import { FeedbackResults } from './FeedbackResults.js';
import './feedback.css';

type Row = z.infer<typeof SessionFeedbackList>['items'][number];
const avg = (x: number | null) => (x === null ? '–' : x.toFixed(1));
const shift = (x: number | null) => (x === null ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)}`);

/**
 * For a session ended so recently that its attendance is not yet recorded: who attended, and
 * so who is asked for feedback, is not known until then ("0 of 0" would say no one came).
 */
const recordingOf = (endsAt: string) => {
  const at = attendanceNotYetRecorded(endsAt);
  return at && `None yet. ${at}; attendees are asked for feedback then.`;
};

/** Sessions with their feedback in brief, each linking to its full results. */
function SessionsTable({ items, caption }: { items: Row[]; caption: string }) {
  return (
    <table class="stack">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Session</th>
          <th scope="col">Date</th>
          <th scope="col">Answers</th>
          <th scope="col">Usefulness</th>
          <th scope="col">Confidence shift</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.sessionId}>
            <th scope="row" data-label="Session">
              <Link href={`/sessions/${r.sessionId}/feedback`}>{r.title}</Link>
            </th>
            <td data-label="Date">
              <time dateTime={r.startsAt}>{formatDate(r.startsAt)}</time>, {formatTimeRange(r.startsAt, r.endsAt)}
            </td>
            <td data-label="Answers">
              {/* Attendees are those recorded as attended: none until its attendance is (and they are asked then). */}
              {recordingOf(r.endsAt) ?? `${r.responses} of ${r.attendees}`}
            </td>
            <td data-label="Usefulness">{avg(r.usefulness)}</td>
            <td data-label="Confidence shift">{shift(r.confidenceShift)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Sessions' results are read this many at a time. */
const FEEDBACK_PAGE = 50;

/** The page asked for (`?page=n`, from 1) and its `limit`/`offset` query. */
function usePageNumber() {
  const { loc } = useApp();
  const page = Math.max(1, Number.parseInt(loc.query.get('page') ?? '1', 10) || 1);
  return { page, query: `limit=${FEEDBACK_PAGE}&offset=${(page - 1) * FEEDBACK_PAGE}` };
}

const pageHref = (path: string) => (n: number) => (n > 1 ? `${path}?page=${n}` : path);

/**
 * A page of sessions with their feedback in brief: how many there are and which are shown
 * (the status focus moves to after a page is turned), the pages around the table (above it
 * too, so a keyboard user need not pass fifty rows to turn the page), and the table.
 */
function SessionsPages({ list, page, path, caption, what, none }: { list: SessionFeedbackList; page: number; path: string; caption: string; what: string; none: string }) {
  if (list.total === 0) return <p>{none}</p>;
  const pages = Math.max(1, Math.ceil(list.total / FEEDBACK_PAGE));
  const statusId = `${what}-count`;
  return (
    <>
      <p role="status" class="count" id={statusId} tabIndex={-1}>
        {list.items.length === 0 ? `There is no page ${page}: there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`}.` : `Showing ${list.offset + 1} to ${list.offset + list.items.length} of ${plural(list.total, 'session')}.`}
      </p>
      <Pagination label="Pages of sessions, above the table" page={page} pages={pages} href={pageHref(path)} resultsId={statusId} />
      {list.items.length > 0 && <SessionsTable items={list.items} caption={caption} />}
      <Pagination label="Pages of sessions, below the table" page={page} pages={pages} href={pageHref(path)} resultsId={statusId} />
    </>
  );
}

/** Trainers (and in-house leads): feedback on the sessions they run, a page at a time. */
export function MySessionsFeedbackPage() {
  const { loc } = useApp();
  const { page, query } = usePageNumber();
  const state = useLoad(() => api(`/api/me/feedback/sessions?${query}`, SessionFeedbackList), [query]);
  const title = page > 1 ? `Feedback on my sessions, page ${page}` : 'Feedback on my sessions';
  return (
    <>
      <PageHeading title={title} navigated={loc.navigated}>
        Feedback on my sessions
      </PageHeading>
      <p>What attendees said after the sessions you ran. Attendees can answer for 14 days after a session.</p>
      <Loaded state={state} what="feedback">
        {(list) => <SessionsPages list={list} page={page} path="/feedback" caption="Sessions that have ended, newest first" what="my-sessions" none="None of your sessions has ended yet." />}
      </Loaded>
    </>
  );
}

/** One session's results (its trainers, administrators). */
export function SessionFeedbackPage({ id }: { id: string }) {
  const { loc } = useApp();
  const state = useLoad(() => api(`/api/sessions/${encodeURIComponent(id)}/feedback`, SessionFeedback), [id]);
  const title = state.data ? `Feedback: ${state.data.session.title}` : 'Session feedback';
  return (
    <>
      <p class="back">
        <Link href={`/sessions/${id}`}>Back to the session</Link>
      </p>
      <PageHeading title={title} navigated={loc.navigated}>
        {title}
      </PageHeading>
      <Loaded state={state} what="the feedback">
        {({ session: s, summary }) => (
          <>
            <p>
              <time dateTime={s.startsAt}>{formatDate(s.startsAt)}</time>, {formatTimeRange(s.startsAt, s.endsAt)}
              {s.courseTitle ? `. Course: ${s.courseTitle}` : ''}
            </p>
            {recordingOf(s.endsAt) ? <p class="notice">{recordingOf(s.endsAt)}</p> : <FeedbackResults summary={summary} idPrefix="session" />}
          </>
        )}
      </Loaded>
    </>
  );
}

/** Administrators: every answer together and a row per course. */
export function FeedbackOverviewPage() {
  const { loc } = useApp();
  const state = useLoad(() => api('/api/feedback', FeedbackOverview), []);
  return (
    <>
      <PageHeading title="Feedback" navigated={loc.navigated}>
        Feedback
      </PageHeading>
      <p>
        What attendees said after their sessions, over the whole programme. Whether a course’s comments show names is set on the <Link href="/admin/courses">Courses</Link> page.
      </p>
      <Loaded state={state} what="feedback">
        {({ summary, courses }) => (
          <>
            <section aria-labelledby="per-course">
              <h2 id="per-course">By course</h2>
              {courses.length === 0 ? (
                <p>No courses yet.</p>
              ) : (
                <table class="stack">
                  <caption class="visually-hidden">Feedback per course</caption>
                  <thead>
                    <tr>
                      <th scope="col">Course</th>
                      <th scope="col">Answers</th>
                      <th scope="col">Usefulness</th>
                      <th scope="col">Confidence shift</th>
                      <th scope="col">Comments</th>
                    </tr>
                  </thead>
                  <tbody>
                    {courses.map((c) => (
                      <tr key={c.courseId}>
                        <th scope="row" data-label="Course">
                          <Link href={`/admin/feedback/courses/${c.courseId}`}>{c.title}</Link>
                        </th>
                        <td data-label="Answers">{c.responses}</td>
                        <td data-label="Usefulness">{avg(c.usefulness)}</td>
                        <td data-label="Confidence shift">{shift(c.confidenceShift)}</td>
                        <td data-label="Comments">{c.anonymousFeedback ? 'anonymous' : 'with names'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="overall">
              <h2 id="overall">All sessions together</h2>
              <FeedbackResults summary={summary} idPrefix="overall" level={3} />
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

/** Administrators: one course's sessions together, and each session, a page at a time. */
export function CourseFeedbackPage({ id }: { id: string }) {
  const { loc } = useApp();
  const { page, query } = usePageNumber();
  const state = useLoad(() => api(`/api/courses/${encodeURIComponent(id)}/feedback?${query}`, CourseFeedback), [id, query]);
  const name = state.data ? `Feedback: ${state.data.course.title}` : 'Course feedback';
  return (
    <>
      <p class="back">
        <Link href="/admin/feedback">Back to all feedback</Link>
      </p>
      <PageHeading title={page > 1 ? `${name}, sessions page ${page}` : name} navigated={loc.navigated}>
        {name}
      </PageHeading>
      <Loaded state={state} what="the feedback">
        {({ summary, sessions }) => (
          <>
            <FeedbackResults summary={summary} idPrefix="course" />
            <section aria-labelledby="course-sessions">
              <h2 id="course-sessions">Sessions</h2>
              <SessionsPages list={sessions} page={page} path={`/admin/feedback/courses/${id}`} caption="Sessions of this course that have ended, newest first" what="course-sessions" none="None of this course’s sessions has ended yet." />
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

/** On the admin courses page: whether a course's feedback comments show names. */
export function AnonymousFeedbackToggle({ courseId, title, anonymous: initial, onSaved }: { courseId: string; title: string; anonymous: boolean; onSaved: (message: string) => void }) {
  const [anonymous, setAnonymous] = useState(initial);
  const save = useAction();
  const id = `anon-${courseId}`;
  async function change(next: boolean) {
    // What follows success is part of the action, so "Try again" after a failure says it too.
    await save.run(async () => {
      const saved = await api(`/api/courses/${encodeURIComponent(courseId)}/feedback-settings`, CourseFeedbackSettings, { method: 'PUT', body: { anonymous: next } });
      setAnonymous(saved.anonymous);
      onSaved(saved.anonymous ? `${title}: feedback comments are now shown without names.` : `${title}: feedback comments now show who wrote them.`);
    });
  }
  return (
    <div class="field">
      <div class="checkbox">
        <input type="checkbox" id={id} checked={anonymous} aria-describedby={`${id}-hint`} onChange={(e) => void change((e.currentTarget as HTMLInputElement).checked)} />
        <label for={id}>
          Anonymous feedback<span class="visually-hidden"> for {title}</span>
        </label>
      </div>
      <p class="hint" id={`${id}-hint`}>
        Comments on this course’s sessions are shown to trainers and administrators without names.
      </p>
      {/* "Try again" ends where a first change does: on the checkbox. */}
      <ActionError action={save} focusTo={() => document.getElementById(id)} />
    </div>
  );
}
