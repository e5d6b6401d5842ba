import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cursorParam, cursorText, encodeCursor } from './cursor.js';

const Key = cursorParam(z.tuple([cursorText(50), cursorText(20, 1)]), 200);

describe('a keyset cursor', () => {
  it('reads back exactly the key it was written from, any letters, as URL-safe text', () => {
    for (const key of [['zoë o’brien', 'id-1'], ['', 'x'], ['łukasz 🙂 ábel', 'u']] as const) {
      const cursor = encodeCursor(key);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Key.parse(cursor)).toEqual(key);
    }
  });

  it('takes nothing but the form it writes, of the shape asked for', () => {
    const good = encodeCursor(['ann', 'id-1']);
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
    for (const bad of [`${good}=`, `${good}A`, good.slice(1), 'a+b/', '', b64('["ann", "id-1"]'), b64('["ann"]'), b64('["ann","id-1",3]'), b64('["ann",""]'), b64('["a\\u0000","id"]'), b64('["\\ud800","id"]'), b64('{"a":1}'), b64('not json'), 'A'.repeat(201)]) {
      expect(Key.safeParse(bad).success, bad).toBe(false);
    }
    // Bytes that are not UTF-8.
    expect(Key.safeParse(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]).toString('base64url')).success).toBe(false);
  });
});
