import { describe, expect, it } from 'vitest';
import { summarise, type AnswerFacts } from './summary.js';

const a = (u: number, b: number, af: number, extra: Partial<AnswerFacts> = {}): AnswerFacts => ({ usefulness: u, confidenceBefore: b, confidenceAfter: af, comment: null, name: 'Ann', sessionTitle: 'S', at: '2026-02-11T10:00:00.000Z', anonymous: false, ...extra });

describe('feedback summary', () => {
  it('averages, counts each score and averages the per-person shift', () => {
    const s = summarise([a(5, 2, 4), a(4, 3, 3), a(3, 1, 5)], 6, false);
    expect(s.responses).toBe(3);
    expect(s.attendees).toBe(6);
    expect(s.usefulness).toEqual({ average: 4, distribution: [0, 0, 1, 1, 1] });
    expect(s.confidenceBefore).toEqual({ average: 2, distribution: [1, 1, 1, 0, 0] });
    expect(s.confidenceAfter.average).toBe(4);
    expect(s.confidenceShift).toBe(2); // (2 + 0 + 4) / 3
  });

  it('has no averages without answers', () => {
    const s = summarise([], 4, false);
    expect(s.usefulness.average).toBeNull();
    expect(s.confidenceShift).toBeNull();
    expect(s.usefulness.distribution).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps names on comments unless the set or the answer’s course is anonymous; skips empty comments', () => {
    const answers = [a(5, 1, 2, { comment: 'Great', name: 'Ann' }), a(4, 1, 2, { comment: '  ', name: 'Bob' }), a(4, 1, 2, { comment: 'Hidden', name: 'Cat', anonymous: true })];
    expect(summarise(answers, 3, false).comments.map((c) => [c.name, c.text])).toEqual([['Ann', 'Great'], [null, 'Hidden']]);
    expect(summarise(answers, 3, true).comments.every((c) => c.name === null)).toBe(true);
  });
});
