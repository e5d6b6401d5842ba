import { foldLines } from 'ical-generator';
import { describe, expect, it } from 'vitest';
import { fold } from './ics.js';

describe('fold', () => {
  it('folds exactly as ical-generator does', () => {
    const lines: string[] = [''];
    for (const n of [1, 73, 74, 75, 76, 147, 148, 149, 150, 222, 223, 400]) {
      lines.push('D'.repeat(n), `DESCRIPTION:${'x'.repeat(n)}`);
      // Multi-byte characters (2, 3 and 4 octets) at and around the fold points.
      for (const ch of ['é', '€', '😀']) lines.push(`SUMMARY:${'a'.repeat(n)}${ch}${'b'.repeat(n)}`, ch.repeat(n));
    }
    const text = lines.join('\r\n');
    expect(fold(text)).toBe(foldLines(text));
    for (const line of lines) expect(fold(line)).toBe(foldLines(line));
    // ASCII only (the fast path over the whole text): empty lines, a trailing CRLF, lone CR and LF.
    const ascii = [...lines.filter((l) => !/[^\x00-\x7f]/.test(l)), '', `X:${'a\nb'.repeat(40)}`, `Y:${'c\rd'.repeat(40)}`, ''].join('\r\n');
    expect(fold(ascii)).toBe(foldLines(ascii));
    expect(fold(ascii + '\r\n')).toBe(foldLines(ascii + '\r\n'));
  });
});
