/**
 * "Too late to count as attended" (the session page's note, the Booked email's) agrees exactly
 * with how attendance is decided (server/attendance/compute.ts summarise): someone present from
 * the moment they took their place to the end counts when that is lastUsefulAt itself, and not
 * a millisecond after it.
 */
import { describe, expect, it } from 'vitest';
import { summarise } from '../server/attendance/compute.js';
import { lastUsefulAt, tooLateToCount } from './sessions.js';

/** Whether attendance counts someone present from `at` to the end of the session. */
function attendedFrom(s: { startsAt: string; endsAt: string; attendanceThreshold: number }, at: number): boolean {
  const w = { startMs: Date.parse(s.startsAt), endMs: Date.parse(s.endsAt), threshold: s.attendanceThreshold };
  return summarise([{ start: at, end: w.endMs }], w).attended;
}

describe('tooLateToCount at its boundary', () => {
  it('an hour at 75%: a place taken at 16:15 exactly still counts (not too late); at 16:15 and 1 ms it does not', () => {
    const s = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', attendanceThreshold: 0.75 };
    expect(lastUsefulAt(s)).toBe('2026-03-10T16:15:00.000Z');
    const at = Date.parse('2026-03-10T16:15:00.000Z');
    expect(tooLateToCount(s, at)).toBe(false);
    expect(attendedFrom(s, at)).toBe(true);
    expect(tooLateToCount(s, at + 1)).toBe(true);
    expect(attendedFrom(s, at + 1)).toBe(false);
  });

  it('at a threshold of 1 (all of it): a place taken as it starts counts; 1 ms after, it does not', () => {
    const s = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', attendanceThreshold: 1 };
    const start = Date.parse(s.startsAt);
    expect(tooLateToCount(s, start)).toBe(false);
    expect(attendedFrom(s, start)).toBe(true);
    expect(tooLateToCount(s, start + 1)).toBe(true);
    expect(attendedFrom(s, start + 1)).toBe(false);
  });

  it('agrees with attendance either side of lastUsefulAt, whatever the rounding of the threshold’s share', () => {
    const cases = [
      // 0.55 of an hour is 1980000.0000000002 ms in floating point; a 1001 ms session at 0.5 rounds 500.5 up.
      { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', attendanceThreshold: 0.55 },
      { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T16:00:01.001Z', attendanceThreshold: 0.5 },
      { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:30:00.007Z', attendanceThreshold: 1 / 3 },
      { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T16:45:00.000Z', attendanceThreshold: 0.8 },
    ];
    for (const s of cases) {
      const last = Date.parse(lastUsefulAt(s));
      for (const at of [last - 1, last, last + 1]) expect(tooLateToCount(s, at), `${JSON.stringify(s)} at ${at - last} ms`).toBe(!attendedFrom(s, at));
    }
  });

  it('at a threshold of 0 nothing is too late while the session is on, and nothing at or after its end is said to be', () => {
    const s = { startsAt: '2026-03-10T16:00:00.000Z', endsAt: '2026-03-10T17:00:00.000Z', attendanceThreshold: 0 };
    const end = Date.parse(s.endsAt);
    expect(tooLateToCount(s, end - 1)).toBe(false);
    expect(attendedFrom(s, end - 1)).toBe(true);
    expect(tooLateToCount(s, end)).toBe(false);
    expect(tooLateToCount({ ...s, attendanceThreshold: 0.75 }, end)).toBe(false);
  });
});
