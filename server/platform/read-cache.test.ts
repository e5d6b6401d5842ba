import { describe, expect, it } from 'vitest';
import { ReadCache, windowAround } from './read-cache.js';

const at = (iso: string) => Date.parse(iso);

describe('windowAround', () => {
  it('is bounded by the latest moment at or before now and the earliest after it', () => {
    const now = at('2026-02-01T12:00:00Z');
    expect(windowAround(now, ['2026-02-03T00:00:00Z', '2026-02-01T12:00:00Z', '2026-01-30T00:00:00Z', '2026-02-02T00:00:00Z'])).toEqual({ validFrom: now, validUntil: at('2026-02-02T00:00:00Z') });
    expect(windowAround(now, [])).toEqual({ validFrom: -Infinity, validUntil: Infinity });
  });
});

describe('ReadCache', () => {
  const w = { validFrom: 100, validUntil: 200 };
  it('serves a page only under the version it was read with, inside its window', () => {
    const c = new ReadCache<string>();
    c.set('k', 'v1', w, 'page', 10);
    expect(c.get('k', 'v1', 150)).toBe('page');
    expect(c.get('k', 'v1', 100)).toBe('page');
    expect(c.get('k', 'v2', 150)).toBeUndefined();
    // A miss drops the page: it is not served even under its own version again.
    expect(c.get('k', 'v1', 150)).toBeUndefined();
    c.set('k', 'v1', w, 'page', 10);
    expect(c.get('k', 'v1', 200)).toBeUndefined();
    c.set('k', 'v1', w, 'page', 10);
    expect(c.get('k', 'v1', 99)).toBeUndefined();
    c.set('k', 'v1', w, 'page', 10);
    expect(c.get('k', null, 150)).toBeUndefined();
  });

  it('keeps nothing read without a version', () => {
    const c = new ReadCache<string>();
    c.set('k', null, w, 'page', 10);
    expect(c.size).toBe(0);
  });

  it('is bounded in entries and in size, dropping the least recently used first', () => {
    const c = new ReadCache<string>(3, 1000);
    for (const k of ['a', 'b', 'c']) c.set(k, 'v', w, k, 10);
    expect(c.get('a', 'v', 150)).toBe('a'); // a is now the most recently used
    c.set('d', 'v', w, 'd', 10);
    expect(c.size).toBe(3);
    expect(c.get('b', 'v', 150)).toBeUndefined();
    expect(c.get('a', 'v', 150)).toBe('a');
    c.set('big', 'v', w, 'big', 240); // within a quarter of the bound: kept, others make room
    c.set('big2', 'v', w, 'big2', 240);
    c.set('big3', 'v', w, 'big3', 240);
    c.set('big4', 'v', w, 'big4', 240);
    expect(c.size).toBeLessThanOrEqual(3);
    expect(c.get('big4', 'v', 150)).toBe('big4');
    c.set('huge', 'v', w, 'huge', 300); // over a quarter of the bound: never kept
    expect(c.get('huge', 'v', 150)).toBeUndefined();
  });
});

describe('ReadCache.read', () => {
  const w = { validFrom: 100, validUntil: 200 };
  it('requests that miss the same page under the same token together share one read; another token reads its own', async () => {
    const c = new ReadCache<string>();
    let reads = 0;
    const read = (value: string) => async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      return { value, window: w, bytes: 10 };
    };
    const [a, b, other] = await Promise.all([c.read('k', 'v1', 150, read('first')), c.read('k', 'v1', 160, read('second')), c.read('k', 'v2', 150, read('newer'))]);
    expect([a, b, other]).toEqual(['first', 'first', 'newer']);
    expect(reads).toBe(2);
    // Kept for the next request under the token it was read with.
    expect(await c.read('k', 'v2', 150, read('again'))).toBe('newer');
    expect(reads).toBe(2);
  });

  it('a request whose time is outside the shared read’s window reads for itself', async () => {
    const c = new ReadCache<string>();
    const read = (value: string) => async () => ({ value, window: w, bytes: 10 });
    const [a, b] = await Promise.all([c.read('k', 'v1', 150, read('before')), c.read('k', 'v1', 250, read('after'))]);
    expect([a, b]).toEqual(['before', 'after']);
  });

  it('without a token nothing is shared or kept', async () => {
    const c = new ReadCache<string>();
    let reads = 0;
    const read = async () => ({ value: `read ${++reads}`, window: w, bytes: 10 });
    expect(await Promise.all([c.read('k', null, 150, read), c.read('k', null, 150, read)])).toEqual(['read 1', 'read 2']);
    expect(c.size).toBe(0);
  });
});
