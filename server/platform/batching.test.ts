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

describe('batchedLookup under load', () => {
  it('sends one query at a time: keys asked for while one is out go together in the next, never in the one already sent', async () => {
    const asked: string[][] = [];
    const pending: (() => void)[] = [];
    const lookup = batchedLookup((keys: string[]) => {
      asked.push(keys);
      return new Promise<Map<string, string>>((resolve) => pending.push(() => resolve(new Map(keys.map((k) => [k, k.toUpperCase()])))));
    });
    const first = lookup('a');
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual([['a']]);
    // Asked in three different turns while 'a' is out: none is sent yet.
    const later = [lookup('b')];
    await new Promise((r) => setImmediate(r));
    later.push(lookup('c'));
    await new Promise((r) => setImmediate(r));
    later.push(lookup('b'));
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual([['a']]);
    pending.shift()!();
    expect(await first).toBe('A');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual([['a'], ['b', 'c']]);
    pending.shift()!();
    expect(await Promise.all(later)).toEqual(['B', 'C', 'B']);
  });

  it('does not let a query that never answers hold the next one back for long', async () => {
    const asked: string[][] = [];
    const lookup = batchedLookup((keys: string[]) => {
      asked.push(keys);
      return keys.includes('stuck') ? new Promise<Map<string, string>>(() => {}) : Promise.resolve(new Map(keys.map((k) => [k, k])));
    });
    void lookup('stuck');
    await new Promise((r) => setImmediate(r));
    expect(await lookup('next')).toBe('next');
    expect(asked).toEqual([['stuck'], ['next']]);
  });
});
