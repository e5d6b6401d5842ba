import { describe, expect, it } from 'vitest';
import type { AnswerFigures } from './repository.js';
import { summarise, type CommentFacts } from './summary.js';

/** Figures of answers given as [usefulness, before, after] triples, as the database counts them. */
function figuresOf(answers: [number, number, number][]): AnswerFigures {
  const counts = (i: number) => [1, 2, 3, 4, 5].map((k) => answers.filter((a) => a[i] === k).length);
  const sum = (i: number) => answers.reduce((n, a) => n + a[i]!, 0);
  return { responses: answers.length, usefulness: counts(0), confidenceBefore: counts(1), confidenceAfter: counts(2), sums: { usefulness: sum(0), confidenceBefore: sum(1), confidenceAfter: sum(2) } };
}
const comment = (text: string, name: string, anonymous = false): CommentFacts => ({ comment: text, name, title: 'S', updated_at: '2026-02-11T10:00:00.000Z', anonymous_feedback: anonymous ? 1 : 0 });

describe('feedback summary', () => {
  it('averages, counts each score and averages the per-person shift', () => {
    const s = summarise(figuresOf([[5, 2, 4], [4, 3, 3], [3, 1, 5]]), 6, false);
    expect(s.responses).toBe(3);
    expect(s.attendees).toBe(6);
    expect(s.usefulness).toEqual({ average: 4, distribution: [0, 0, 1, 1, 1] });
    expect(s.confidenceBefore).toEqual({ average: 2, distribution: [1, 1, 1, 0, 0] });
    expect(s.confidenceAfter.average).toBe(4);
    expect(s.confidenceShift).toBe(2); // (2 + 0 + 4) / 3
  });

  it('rounds averages to two places', () => {
    const s = summarise(figuresOf([[5, 1, 2], [4, 2, 2], [4, 2, 4]]), 3, false);
    expect(s.usefulness.average).toBe(4.33);
    expect(s.confidenceShift).toBe(1); // (1 + 0 + 2) / 3
  });

  it('has no averages without answers', () => {
    const s = summarise(undefined, 4, false);
    expect(s.responses).toBe(0);
    expect(s.usefulness.average).toBeNull();
    expect(s.confidenceShift).toBeNull();
    expect(s.usefulness.distribution).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps names on comments unless the set or the answer’s course is anonymous, and says how many there are in all', () => {
    const comments = { rows: [comment('Great', 'Ann'), comment('Hidden', 'Cat', true)], total: 250 };
    const named = summarise(figuresOf([[5, 1, 2]]), 3, false, comments);
    expect(named.comments.map((c) => [c.name, c.text])).toEqual([['Ann', 'Great'], [null, 'Hidden']]);
    expect(named.commentCount).toBe(250);
    expect(summarise(figuresOf([[5, 1, 2]]), 3, true, comments).comments.every((c) => c.name === null)).toBe(true);
  });
});
