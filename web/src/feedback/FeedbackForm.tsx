import { useEffect, useRef, useState } from 'preact/hooks';
import { COMMENT_MAX, FEEDBACK_EDIT_DAYS, MyFeedback } from '../../../shared/feedback.js';
import type { Booking } from '../../../shared/bookings.js';
import { api } from '../api.js';
import { described, DownloadLink, ErrorSummary, errorFor, Field, lengthHint, Status, tooLongError, type FieldError } from '../components.js';
import { ENGLAND, formatDate, formatTime } from '../format.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../load.js';
import './feedback.css';
import { serverNow } from '../clock.js';

const DAY = 86_400_000;
type Key = 'usefulness' | 'confidenceBefore' | 'confidenceAfter';
const QUESTIONS: { key: Key; legend: string; low: string; high: string }[] = [
  { key: 'usefulness', legend: 'How useful was the session?', low: 'not useful', high: 'very useful' },
  { key: 'confidenceBefore', legend: 'How confident did you feel about this topic before the session?', low: 'not confident', high: 'very confident' },
  { key: 'confidenceAfter', legend: 'How confident do you feel about it now?', low: 'not confident', high: 'very confident' },
];

/** Whether feedback on a booking's session may still be given (the server has the last word). */
export const feedbackStillOpen = (b: Booking, now = serverNow()) => now < Date.parse(b.session.endsAt) + FEEDBACK_EDIT_DAYS * DAY;

/**
 * After a session someone attended: their certificate of attendance and, for 14 days, the
 * short evaluation. `level` is the heading level of the section (below the booking's own).
 */
export function AfterSession({ b, level }: { b: Booking; level: 2 | 3 | 4 }) {
  return (
    <>
      {/* Refused (403) once a correction to the register says they did not attend: said here, not only in the browser's downloads. */}
      <DownloadLink href={`/api/bookings/${encodeURIComponent(b.id)}/certificate.pdf`} fallbackName="certificate.pdf" what="certificate">
        Download your certificate of attendance (PDF)<span class="visually-hidden"> for {b.session.title}</span>
      </DownloadLink>
      {feedbackStillOpen(b) && <FeedbackForm sessionId={b.sessionId} title={b.session.title} idPrefix={`fb-${b.id}`} level={level} />}
    </>
  );
}

/** The evaluation of one session: three scores from 1 to 5 and a comment; saved answers can be changed until it closes. */
export function FeedbackForm({ sessionId, title, idPrefix, level }: { sessionId: string; title: string; idPrefix: string; level: 2 | 3 | 4 }) {
  const H = `h${level}` as 'h2' | 'h3' | 'h4';
  const mine = useLoad(() => api(`/api/sessions/${encodeURIComponent(sessionId)}/feedback/mine`, MyFeedback), [sessionId]);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Arriving from the email's link (#feedback), start at the form.
  useEffect(() => {
    if (mine.data && location.hash === '#feedback') headingRef.current?.focus();
  }, [!!mine.data]);
  return (
    <section aria-labelledby={`${idPrefix}-h`} id={level < 4 ? 'feedback' : undefined} class="feedback">
      <H id={`${idPrefix}-h`} ref={headingRef} tabIndex={-1}>
        Your feedback<span class="visually-hidden"> on {title}</span>
      </H>
      <Loaded state={mine} what="your feedback">
        {(m) => <Form m={m} idPrefix={idPrefix} title={title} onSaved={mine.set} level={level} />}
      </Loaded>
    </section>
  );
}

function Form({ m, idPrefix, title, onSaved, level }: { m: MyFeedback; idPrefix: string; title: string; onSaved: (m: MyFeedback) => void; level: 2 | 3 | 4 }) {
  const [scores, setScores] = useState<Partial<Record<Key, number>>>(m.answer ? { usefulness: m.answer.usefulness, confidenceBefore: m.answer.confidenceBefore, confidenceAfter: m.answer.confidenceAfter } : {});
  const [comment, setComment] = useState(m.answer?.comment ?? '');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState('');
  const save = useAction();
  const commentId = `${idPrefix}-comment`;
  const commentHint = lengthHint(comment, COMMENT_MAX, { always: true });
  const commentError = errorFor(errors, commentId);
  // It closes at the session's end time, 14 days on: said with its time, not as a whole day.
  const until = `${formatTime(m.editableUntil, ENGLAND)} on ${formatDate(m.editableUntil, ENGLAND)}`;

  if (!m.open) {
    return m.answer ? (
      <p>
        You gave usefulness {m.answer.usefulness} out of 5, confidence {m.answer.confidenceBefore} before and {m.answer.confidenceAfter} after. Feedback closed at {until}.
      </p>
    ) : (
      <p>Feedback on this session closed at {until}.</p>
    );
  }

  async function submit(e: Event) {
    e.preventDefault();
    const missing: FieldError[] = QUESTIONS.filter((q) => !scores[q.key]).map((q) => ({ field: `${idPrefix}-${q.key}-1`, message: `Choose a score for “${q.legend}”` }));
    const tooLong = tooLongError('Your comment', comment, COMMENT_MAX);
    if (tooLong) missing.push({ field: commentId, message: tooLong });
    setErrors(missing);
    if (missing.length) return;
    setStatus('');
    // What follows success is part of the action, so "Try again" after a failure says it too.
    await save.run(async () => {
      const saved = await api(`/api/sessions/${encodeURIComponent(m.sessionId)}/feedback/mine`, MyFeedback, { method: 'PUT', body: { usefulness: scores.usefulness, confidenceBefore: scores.confidenceBefore, confidenceAfter: scores.confidenceAfter, comment: comment.trim() || undefined } });
      onSaved(saved);
      setStatus(m.answer ? 'Your feedback has been updated. Thank you.' : 'Thank you: your feedback has been sent.');
    });
  }

  return (
    <form class="feedback-form" onSubmit={submit} noValidate aria-label={`Feedback on ${title}`}>
      {/* Its own id: My bookings may show the forms of several sessions, each with its problems. */}
      <ErrorSummary errors={errors} titleId={`${idPrefix}-error-summary-title`} level={(level + 1) as 3 | 4 | 5} />
      <p class="hint">
        {m.answer ? 'You have answered; you can change your answer' : 'Four short questions. You can answer, and change your answer,'} until {until}.
      </p>
      {QUESTIONS.map((q) => {
        const error = errors.find((x) => x.field === `${idPrefix}-${q.key}-1`);
        return (
          <fieldset key={q.key} class={error ? 'field field-error' : 'field'} aria-describedby={error ? `${idPrefix}-${q.key}-error` : undefined}>
            <legend>{q.legend}</legend>
            <p class="hint">
              1 is {q.low}, 5 is {q.high}.
            </p>
            {error && (
              <p class="error-message" id={`${idPrefix}-${q.key}-error`}>
                <span class="visually-hidden">Error: </span>
                {error.message}
              </p>
            )}
            <div class="scores">
              {[1, 2, 3, 4, 5].map((n) => (
                <div class="radio" key={n}>
                  <input type="radio" id={`${idPrefix}-${q.key}-${n}`} name={`${idPrefix}-${q.key}`} value={n} checked={scores[q.key] === n} onChange={() => setScores({ ...scores, [q.key]: n })} />
                  <label for={`${idPrefix}-${q.key}-${n}`}>
                    {n}
                    {n === 1 ? ` (${q.low})` : n === 5 ? ` (${q.high})` : ''}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        );
      })}
      <Field id={commentId} label="Anything else you would like to tell the trainer? (optional)" hint={commentHint} error={commentError}>
        <textarea id={commentId} {...described(commentId, commentHint, commentError)} value={comment} onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)} />
      </Field>
      {/* "Try again" ends where a first send does: on the button, which stays. */}
      <ActionError action={save} focusTo={() => document.getElementById(`${idPrefix}-send`)} />
      <ActionButton id={`${idPrefix}-send`} busy={save.busy} busyLabel="Sending…">
        {m.answer ? 'Update my feedback' : 'Send my feedback'}
      </ActionButton>
      <Status message={status} />
    </form>
  );
}
