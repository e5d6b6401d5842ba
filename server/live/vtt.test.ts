import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeCueText, toWebVtt, vttTime } from './vtt.js';

const start = Date.parse('2026-02-10T16:00:00.000Z');

describe('WebVTT transcript', () => {
  it('times cues from the session start with voice spans, in order', () => {
    const vtt = toWebVtt(
      [
        { text: 'Second point', startedAt: start + 65_000, endedAt: start + 68_500, speakerName: 'Sam Lee' },
        { text: 'Welcome everyone', startedAt: start + 2_000, endedAt: start + 4_000, speakerName: 'Dr Amira Khan' },
      ],
      start,
    );
    expect(vtt).toBe('WEBVTT\n\n1\n00:00:02.000 --> 00:00:04.000\n<v Dr Amira Khan>Welcome everyone</v>\n\n2\n00:01:05.000 --> 00:01:08.500\n<v Sam Lee>Second point</v>\n');
  });

  it('escapes markup and cannot be made to forge a timing line or end a cue', () => {
    const vtt = toWebVtt([{ text: 'a < b && c > d\n\n00:00:00.000 --> 99:00:00.000\nfake', startedAt: start, endedAt: start + 2000, speakerName: 'Eve <b>x</b>' }], start);
    expect(vtt.match(/-->/g)).toHaveLength(1);
    expect(vtt).toContain('<v Eve &lt;b&gt;x&lt;/b&gt;>a &lt; b &amp;&amp; c &gt; d 00:00:00.000 --&gt; 99:00:00.000 fake</v>');
    expect(vtt.split('\n\n')).toHaveLength(2); // the header, then exactly one cue
  });

  it('gives cues with no end a readable length and clamps early segments to zero', () => {
    const vtt = toWebVtt([{ text: 'one two three four five', startedAt: start - 5000, endedAt: null, speakerName: null }], start);
    expect(vtt).toContain('00:00:00.000 --> 00:00:02.000\none two three four five');
  });

  it('folds line breaks in long white-space runs correctly, in one pass over each run', () => {
    // A 5,000-character caption that is one run of spaces: kept as it is (no line break in it).
    const spaces = `a${' '.repeat(4_998)}b`;
    expect(escapeCueText(spaces)).toBe(spaces);
    // The same run with a line break anywhere in it becomes one space.
    expect(escapeCueText(`a${' '.repeat(2_000)}\r\n${'\t'.repeat(2_996)}b`)).toBe('a b');
    expect(escapeCueText(`a${'\n'.repeat(4_998)}b`)).toBe('a b');
    // 300 such captions make one transcript, each cue whole.
    const vtt = toWebVtt(Array.from({ length: 300 }, (_, i) => ({ text: spaces, startedAt: start + i * 1000, endedAt: start + i * 1000 + 500, speakerName: null })), start);
    expect(vtt.split('\n\n')).toHaveLength(301);
    // The pattern that searched for a line break from every character of a run (quadratic
    // in the run's length) is gone from the code.
    expect(readFileSync(new URL('./vtt.ts', import.meta.url), 'utf8')).not.toContain(String.raw`\s*[\r\n]+\s*`);
  });

  it('gives exactly what the earlier line-folding pattern gave, on every mix of white space', () => {
    const earlier = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*[\r\n]+\s*/g, ' ').trim();
    const pieces = ['a', 'b', ' ', '  ', '\t', '\n', '\r', '\r\n', '\u00a0', '\u2028', '\f', '<', '&'];
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    for (let i = 0; i < 5_000; i++) {
      const text = Array.from({ length: next() % 12 }, () => pieces[next() % pieces.length]).join('');
      expect(escapeCueText(text), JSON.stringify(text)).toBe(earlier(text));
    }
  });

  it('keeps the title in the header line as written, with no line break and no "-->"', () => {
    const header = (title: string) => toWebVtt([], start, title).split('\n')[0];
    // The header is not cue text: no entity in it is read, so none is written.
    expect(header('Speech & language')).toBe('WEBVTT - Speech & language');
    expect(header('Using <b>bold</b> visuals')).toBe('WEBVTT - Using <b>bold</b> visuals');
    // "-->" may not appear on it (it would read as a cue timing line), however many hyphens lead up to it.
    expect(header('Before --> after ---> later -> kept -- kept')).toBe('WEBVTT - Before -> after -> later -> kept -- kept');
    // No line break: the title stays on the first line and forges no cue.
    const vtt = toWebVtt([], start, 'Line one\r\n\n00:00:00.000 --> 99:00:00.000\nfake');
    expect(vtt.split('\n')[0]).toBe('WEBVTT - Line one 00:00:00.000 -> 99:00:00.000 fake');
    expect(vtt).not.toContain('-->');
    expect(vtt.split('\n')).toHaveLength(2);
    // White space without a line break is kept as it is; a title of only white space gives the bare header.
    expect(header('Tab\there')).toBe('WEBVTT - Tab\there');
    expect(header(' \n ')).toBe('WEBVTT');
    // Cue text is escaped as before.
    expect(toWebVtt([{ text: 'A & B', startedAt: start, endedAt: start + 2000, speakerName: 'S & T' }], start, 'A & B')).toBe('WEBVTT - A & B\n\n1\n00:00:00.000 --> 00:00:02.000\n<v S &amp; T>A &amp; B</v>\n');
  });

  it('formats hours, minutes, seconds and milliseconds', () => {
    expect(vttTime(3_723_004)).toBe('01:02:03.004');
    expect(escapeCueText('x-->y')).toBe('x--&gt;y');
  });
});
