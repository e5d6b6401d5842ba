import { describe, expect, it } from 'vitest';
import { batchedLookup } from './batching.js';

describe('batchedLookup', () => {
  it('asks once for the distinct keys wanted in one turn, and answers each caller', async () => {
    const asked: string[][] = [];
    const lookup = batchedLookup(async (keys: string[]) => {
      asked.push(keys);
      return new Map(keys.filter((k) => k !== 'nobody').map((k) => [k, k.toUpperCase()]));
    });
    const together = await Promise.all(['a', 'b', 'a', 'nobody'].map(lookup));
    expect(together).toEqual(['A', 'B', 'A', undefined]);
    expect(asked).toEqual([['a', 'b', 'nobody']]);
    // A later turn is a new batch.
    expect(await lookup('c')).toBe('C');
    expect(asked).toEqual([['a', 'b', 'nobody'], ['c']]);
  });

  it('tells every caller of a failed batch, and the next batch starts afresh', async () => {
    let fail = true;
    const lookup = batchedLookup(async (keys: number[]) => {
      if (fail) throw new Error('database down');
      return new Map(keys.map((k) => [k, k * 2]));
    });
    const failed = await Promise.allSettled([lookup(1), lookup(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await Promise.all([lookup(1), lookup(2)])).toEqual([2, 4]);
  });
});
