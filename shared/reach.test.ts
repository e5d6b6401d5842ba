import { describe, expect, it } from 'vitest';
import { sharePercent } from './reach.js';

describe('a share of staff as a percentage', () => {
  it('says 100 only when everyone has, and 0 only when no one has', () => {
    expect(sharePercent(1999, 2000)).toBe(99.9);
    expect(sharePercent(19_999, 20_000)).toBe(99.9);
    expect(sharePercent(2000, 2000)).toBe(100);
    expect(sharePercent(1, 3000)).toBe(0.1);
    expect(sharePercent(1, 300)).toBe(0.3);
    expect(sharePercent(0, 300)).toBe(0);
    expect(sharePercent(0, 0)).toBe(0);
  });
  it('rounds to one decimal place otherwise', () => {
    expect(sharePercent(1, 3)).toBe(33.3);
    expect(sharePercent(2, 3)).toBe(66.7);
    expect(sharePercent(5, 16)).toBe(31.3);
    expect(sharePercent(2, 5)).toBe(40);
  });
});
