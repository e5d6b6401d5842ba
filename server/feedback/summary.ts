/** The figures of a set of feedback answers: averages, distributions, confidence shift, comments. */
import type { FeedbackSummary } from '../../shared/feedback.js';
import type { AnswerFigures } from './repository.js';

/** How many comments a summary carries: the most recent; `commentCount` says how many there are in all. */
export const COMMENTS_SHOWN = 200;

/** A comment as read with its answer: who gave it, on which session, and whether its course hides names. */
export interface CommentFacts {
  comment: string;
  name: string;
  title: string;
  updated_at: string;
  /** 1: the answer's course hides names on comments. */
  anonymous_feedback: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const averageOf = (sum: number, n: number) => (n > 0 ? round2(sum / n) : null);

/**
 * Summarises answers from their figures (counted by the database, `undefined` when there are
 * none) and their latest comments; `anonymous` says whether the whole set hides names (a
 * course's or session's setting).
 */
export function summarise(fig: AnswerFigures | undefined, attendees: number, anonymous: boolean, comments: { rows: CommentFacts[]; total: number } = { rows: [], total: 0 }): FeedbackSummary {
  const n = fig?.responses ?? 0;
  const none = [0, 0, 0, 0, 0];
  return {
    responses: n,
    attendees,
    usefulness: { average: averageOf(fig?.sums.usefulness ?? 0, n), distribution: fig?.usefulness ?? none },
    confidenceBefore: { average: averageOf(fig?.sums.confidenceBefore ?? 0, n), distribution: fig?.confidenceBefore ?? none },
    confidenceAfter: { average: averageOf(fig?.sums.confidenceAfter ?? 0, n), distribution: fig?.confidenceAfter ?? none },
    // The average of each person's (after - before) is the difference of the sums over n.
    confidenceShift: fig ? averageOf(fig.sums.confidenceAfter - fig.sums.confidenceBefore, n) : null,
    comments: comments.rows.map((c) => ({ name: anonymous || c.anonymous_feedback === 1 ? null : c.name, text: c.comment, sessionTitle: c.title, at: c.updated_at })),
    commentCount: comments.total,
    anonymous,
  };
}
