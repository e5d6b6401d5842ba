import type { FeedbackSummary } from '../../../shared/feedback.js';
import { TableScroll } from '../components.js';
import { formatDate, plural } from '../format.js';
import { BarChart } from './charts.js';

const SCORES = ['1', '2', '3', '4', '5'];
const one = (x: number | null) => (x === null ? 'none yet' : x.toFixed(1));
const signed = (x: number | null) => (x === null ? 'none yet' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)}`);
const counts = (d: number[]) => d.map((n, i) => `${plural(n, 'person', 'people')} gave ${i + 1}`).join(', ');

/** How average confidence moved, in words that follow the shift's sign (it may fall, or hold, as well as rise). */
function confidenceChange(s: FeedbackSummary): string {
  const before = one(s.confidenceBefore.average);
  const after = one(s.confidenceAfter.average);
  const shift = s.confidenceShift ?? 0;
  if (shift > 0) return `rose from ${before} before to ${after} after (a shift of ${signed(shift)} per person)`;
  if (shift < 0) return `fell from ${before} before to ${after} after (a shift of ${signed(shift)} per person)`;
  return before === after ? `stayed at ${before} before and after (no shift per person)` : `was ${before} before and ${after} after (no shift per person)`;
}

/**
 * Feedback figures: the key numbers, a chart of usefulness and one of confidence before and
 * after (each with a text summary and its numbers in a table), and the comments (without
 * names when the course is anonymous). `idPrefix` keeps ids unique on the page; `level` is
 * the heading level of its sections.
 */
export function FeedbackResults({ summary: s, idPrefix, level = 2 }: { summary: FeedbackSummary; idPrefix: string; level?: 2 | 3 }) {
  const H = `h${level}` as 'h2' | 'h3';
  const rate = s.attendees > 0 ? ` (${Math.round((s.responses / s.attendees) * 100)}% of ${plural(s.attendees, 'attendee')})` : '';
  return (
    <>
      <dl class="figures">
        <div>
          <dt>Answers</dt>
          <dd>
            {s.responses}
            <span class="visually-hidden">{rate}</span>
          </dd>
        </div>
        <div>
          <dt>Usefulness (out of 5)</dt>
          <dd>{one(s.usefulness.average)}</dd>
        </div>
        <div>
          <dt>Confidence before → after</dt>
          <dd>
            {one(s.confidenceBefore.average)} → {one(s.confidenceAfter.average)}
          </dd>
        </div>
        <div>
          <dt>Confidence shift</dt>
          <dd>{signed(s.confidenceShift)}</dd>
        </div>
      </dl>
      <p>
        {plural(s.responses, 'answer')}
        {rate}.
      </p>
      {s.responses > 0 && (
        <div class="fb-charts">
          <section aria-labelledby={`${idPrefix}-useful-h`}>
            <H id={`${idPrefix}-useful-h`}>How useful</H>
            <BarChart
              id={`${idPrefix}-useful`}
              title="Answers by usefulness score, 1 (not useful) to 5 (very useful)"
              summary={`Average usefulness ${one(s.usefulness.average)} out of 5 from ${plural(s.responses, 'answer')}: ${counts(s.usefulness.distribution)}.`}
              categories={SCORES}
              categoryAxis="Score"
              valueAxis="Answers"
              series={[{ name: 'Usefulness', values: s.usefulness.distribution, tone: 'a' }]}
            />
            {/* A table wider than the screen (with the text enlarged) scrolls in its own focusable box, not the page. */}
            <TableScroll labelledBy={`${idPrefix}-useful-table`}>
              <table>
                <caption id={`${idPrefix}-useful-table`}>Usefulness: answers per score</caption>
                <thead>
                  <tr>
                    <th scope="col">Score</th>
                    <th scope="col">Answers</th>
                  </tr>
                </thead>
                <tbody>
                  {s.usefulness.distribution.map((n, i) => (
                    <tr key={i}>
                      <th scope="row">{i + 1}</th>
                      <td>{n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
          <section aria-labelledby={`${idPrefix}-conf-h`}>
            <H id={`${idPrefix}-conf-h`}>Confidence before and after</H>
            <BarChart
              id={`${idPrefix}-conf`}
              title="Answers by confidence score, before and after the session, 1 (low) to 5 (high)"
              summary={`Average confidence ${confidenceChange(s)}. Before: ${counts(s.confidenceBefore.distribution)}. After: ${counts(s.confidenceAfter.distribution)}.`}
              categories={SCORES}
              categoryAxis="Score"
              valueAxis="Answers"
              series={[
                { name: 'Before', values: s.confidenceBefore.distribution, tone: 'b' },
                { name: 'After', values: s.confidenceAfter.distribution, tone: 'a' },
              ]}
            />
            {/* A table wider than the screen (with the text enlarged) scrolls in its own focusable box, not the page. */}
            <TableScroll labelledBy={`${idPrefix}-conf-table`}>
              <table>
                <caption id={`${idPrefix}-conf-table`}>Confidence: answers per score</caption>
                <thead>
                  <tr>
                    <th scope="col">Score</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {s.confidenceBefore.distribution.map((n, i) => (
                    <tr key={i}>
                      <th scope="row">{i + 1}</th>
                      <td>{n}</td>
                      <td>{s.confidenceAfter.distribution[i]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        </div>
      )}
      <section aria-labelledby={`${idPrefix}-comments-h`}>
        <H id={`${idPrefix}-comments-h`}>Comments</H>
        {s.anonymous && <p class="hint">This course’s feedback is anonymous: comments are shown without names.</p>}
        {s.commentCount > s.comments.length && (
          <p class="hint">
            The {s.comments.length.toLocaleString('en-GB')} most recent of {s.commentCount.toLocaleString('en-GB')} comments, newest first.
          </p>
        )}
        {s.comments.length === 0 ? (
          <p>No comments yet.</p>
        ) : (
          <ul class="comments">
            {s.comments.map((c, i) => (
              <li key={i}>
                <blockquote>{c.text}</blockquote>
                <p>
                  {c.name ?? 'Anonymous'}, {c.sessionTitle}, {formatDate(c.at)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
