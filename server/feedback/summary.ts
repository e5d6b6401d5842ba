/** The figures of a set of feedback answers: averages, distributions, confidence shift, comments. */
import type { FeedbackSummary } from '../../shared/feedback.js';

export interface AnswerFacts {
  usefulness: number;
  confidenceBefore: number;
  confidenceAfter: number;
  comment: string | null;
  name: string;
  sessionTitle: string;
  at: string;
  /** The answer's course hides names on comments. */
  anonymous: boolean;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const average = (xs: number[]) => (xs.length ? round2(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
function distribution(xs: number[]): number[] {
  const d = [0, 0, 0, 0, 0];
  for (const x of xs) if (x >= 1 && x <= 5) d[x - 1]!++;
  return d;
}

/** Summarises answers; `anonymous` says whether the whole set hides names (a course's or session's setting). */
export function summarise(answers: AnswerFacts[], attendees: number, anonymous: boolean): FeedbackSummary {
  const u = answers.map((a) => a.usefulness);
  const before = answers.map((a) => a.confidenceBefore);
  const after = answers.map((a) => a.confidenceAfter);
  return {
    responses: answers.length,
    attendees,
    usefulness: { average: average(u), distribution: distribution(u) },
    confidenceBefore: { average: average(before), distribution: distribution(before) },
    confidenceAfter: { average: average(after), distribution: distribution(after) },
    confidenceShift: average(answers.map((a) => a.confidenceAfter - a.confidenceBefore)),
    comments: answers
      .filter((a) => a.comment && a.comment.trim())
      .map((a) => ({ name: anonymous || a.anonymous ? null : a.name, text: a.comment!, sessionTitle: a.sessionTitle, at: a.at })),
    anonymous,
  };
}
