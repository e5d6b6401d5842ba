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

  it('formats hours, minutes, seconds and milliseconds', () => {
    expect(vttTime(3_723_004)).toBe('01:02:03.004');
    expect(escapeCueText('x-->y')).toBe('x--&gt;y');
  });
});
