import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine, coveredMs, effectiveEnd, minutesInWords, minutesPresent, summarise, toSpans, type IntervalFacts } from './compute.js';

const M = 60_000;
const w = { startMs: 0, endMs: 60 * M, threshold: 0.75 };
const lk = (f: Partial<IntervalFacts>): IntervalFacts => ({ source: 'livekit', startedAt: null, leftAt: null, goneAt: null, seenAt: null, roomFinishedAt: null, aborted: false, ...f });

describe('union of intervals', () => {
  it('counts overlapping time once and clips to the session', () => {
    expect(coveredMs([{ start: 0, end: 10 }, { start: 5, end: 20 }], 0, 100)).toBe(20);
    expect(coveredMs([{ start: -50, end: 10 }, { start: 90, end: 200 }], 0, 100)).toBe(20);
    expect(coveredMs([{ start: 30, end: 40 }, { start: 0, end: 100 }], 0, 100)).toBe(100);
    expect(coveredMs([], 0, 100)).toBe(0);
  });

  it('gives the same answer in any order and with duplicates', () => {
    const spans = [{ start: 10 * M, end: 25 * M }, { start: 24 * M, end: 50 * M }, { start: 55 * M, end: 70 * M }];
    const shuffled = [spans[2]!, spans[0]!, spans[1]!, spans[0]!];
    expect(summarise(spans, w)).toEqual(summarise(shuffled, w));
    expect(summarise(spans, w)).toEqual({ minutes: 45, attended: true });
  });

  it('attends at exactly the threshold and not a moment less', () => {
    expect(summarise([{ start: 0, end: 45 * M }], w).attended).toBe(true);
    expect(summarise([{ start: 0, end: 45 * M - 1 }], w)).toEqual({ minutes: 44, attended: false });
    expect(summarise([{ start: 0, end: 60 * M }], { ...w, threshold: 1 }).attended).toBe(true);
  });

  it('never counts someone who was not there, even at a threshold of 0 or for a session of no length', () => {
    expect(summarise([], { ...w, threshold: 0 })).toEqual({ minutes: 0, attended: false });
    expect(summarise([{ start: 70 * M, end: 80 * M }], { ...w, threshold: 0 })).toEqual({ minutes: 0, attended: false });
    expect(summarise([{ start: 0, end: 10 * M }], { startMs: 5 * M, endMs: 5 * M, threshold: 0 }).attended).toBe(false);
  });
});

describe('end of an interval', () => {
  it('prefers participant_left, then the earlier of a poll miss and room_finished, else now', () => {
    expect(effectiveEnd(lk({ startedAt: 0, leftAt: 10, goneAt: 5, roomFinishedAt: 3 }), 99)).toBe(10);
    expect(effectiveEnd(lk({ startedAt: 0, goneAt: 8, roomFinishedAt: 12 }), 99)).toBe(8);
    expect(effectiveEnd(lk({ startedAt: 0, roomFinishedAt: 12 }), 99)).toBe(12);
    expect(effectiveEnd(lk({ startedAt: 0 }), 99)).toBe(99);
  });

  it('ignores a poll miss that a later sighting contradicts', () => {
    expect(effectiveEnd(lk({ startedAt: 0, goneAt: 8, seenAt: 9 }), 99)).toBe(99);
  });

  it('takes a poll miss after the last sighting as the end', () => {
    expect(effectiveEnd(lk({ startedAt: 0, seenAt: 5, goneAt: 8 }), 99)).toBe(8);
  });

  it('counts nothing for an interval that ends before it starts or a client that never sent a heartbeat', () => {
    expect(toSpans([lk({ startedAt: 50, leftAt: 40 })], 99)).toEqual([]);
    expect(toSpans([{ ...lk({ startedAt: 10 }), source: 'client' }], 99)).toEqual([]);
  });

  it('ends a client interval at its last heartbeat when it never said leave', () => {
    expect(effectiveEnd({ ...lk({ startedAt: 0, seenAt: 30 }), source: 'client' }, 99)).toBe(30);
  });

  it('never counts an aborted connection or one with no known start', () => {
    expect(toSpans([lk({ startedAt: 0, leftAt: 50, aborted: true }), lk({ leftAt: 50 })], 99)).toEqual([]);
  });
});

describe('combining sources', () => {
  const client = (start: number, seen: number): IntervalFacts => ({ ...lk({ startedAt: start, seenAt: seen }), source: 'client' });

  it('uses client reports only when there is no LiveKit data for the booking', () => {
    const onlyClient = combine([client(0, 50 * M)], w, 60 * M, null);
    expect(onlyClient).toEqual({ minutes: 50, attended: true, source: 'client' });
    const both = combine([client(0, 50 * M), lk({ startedAt: 0, leftAt: 10 * M })], w, 60 * M, null);
    expect(both).toEqual({ minutes: 10, attended: false, source: 'livekit' });
  });

  it('falls back to client reports when the only LiveKit data is an aborted connection, while LiveKit is not known to report the room', () => {
    expect(combine([client(0, 50 * M), lk({ startedAt: 0, leftAt: 10 * M, aborted: true })], w, 60 * M, null).source).toBe('client');
  });

  it('gives client reports no weight once LiveKit reports the session’s room: someone it never saw was not there', () => {
    expect(combine([client(0, 60 * M)], w, 60 * M, null, true)).toEqual({ minutes: 0, attended: false, source: 'none' });
    expect(combine([client(0, 60 * M), lk({ startedAt: 0, leftAt: 10 * M, aborted: true })], w, 60 * M, null, true).source).toBe('none');
    // What LiveKit saw, a check-in and the register count as before.
    expect(combine([client(0, 60 * M), lk({ startedAt: 0, leftAt: 50 * M })], w, 60 * M, null, true)).toEqual({ minutes: 50, attended: true, source: 'livekit' });
    expect(combine([client(0, 60 * M)], w, 60 * M, { attended: true, minutes: null }, true)).toEqual({ minutes: null, attended: true, source: 'register' });
  });

  it('says where minutes came from when there is only a check-in', () => {
    expect(combine([{ ...lk({ startedAt: 0 }), source: 'checkin' }], w, 60 * M, null)).toEqual({ minutes: 60, attended: true, source: 'checkin' });
  });

  it('joins LiveKit and check-in intervals as one union', () => {
    const r = combine([lk({ startedAt: 0, leftAt: 20 * M }), { ...lk({ startedAt: 10 * M }), source: 'checkin' }], w, 60 * M, null);
    expect(r).toEqual({ minutes: 60, attended: true, source: 'livekit+checkin' });
  });

  it('lets a register entry win, keeping computed minutes unless it gives its own', () => {
    expect(combine([lk({ startedAt: 0, leftAt: 10 * M })], w, 60 * M, { attended: true, minutes: null })).toEqual({ minutes: 10, attended: true, source: 'register' });
    expect(combine([], w, 60 * M, { attended: false, minutes: 5 })).toEqual({ minutes: 5, attended: false, source: 'register' });
  });

  it('states a register entry’s minutes as at most the session’s length as it is now (its times corrected since), its attended flag as given', () => {
    const short = { startMs: 0, endMs: 1 * M, threshold: 0.75 };
    expect(combine([], short, 60 * M, { attended: true, minutes: 10 })).toEqual({ minutes: 1, attended: true, source: 'register' });
    expect(combine([], short, 60 * M, { attended: false, minutes: 10 })).toEqual({ minutes: 1, attended: false, source: 'register' });
    expect(combine([], short, 60 * M, { attended: true, minutes: null })).toEqual({ minutes: null, attended: true, source: 'register' });
    expect(minutesPresent(9, { startMs: 0, endMs: 2 * M })).toBe(2);
    expect(minutesPresent(null, { startMs: 0, endMs: 2 * M })).toBeNull();
    expect(minutesPresent(45, w)).toBe(45);
    expect([minutesInWords(1), minutesInWords(0), minutesInWords(75)]).toEqual(['1 minute', '0 minutes', '75 minutes']);
  });

  it('says none when nothing is known', () => {
    expect(combine([], w, 60 * M, null)).toEqual({ minutes: 0, attended: false, source: 'none' });
    // An aborted LiveKit attempt is not a client report either.
    expect(combine([lk({ startedAt: 0, leftAt: 10 * M, aborted: true })], w, 60 * M, null)).toEqual({ minutes: 0, attended: false, source: 'none' });
  });
});

describe('invariant 6, as a property', () => {
  const span = fc.tuple(fc.integer({ min: -20, max: 80 }), fc.integer({ min: 0, max: 60 })).map(([a, len]) => ({ start: a * M, end: (a + len) * M }));

  it('any order and any duplicates of the same intervals give the same minutes', () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 8 }), fc.infiniteStream(fc.nat()), (spans, rnd) => {
        const it = rnd[Symbol.iterator]();
        const shuffled = [...spans, ...spans.filter(() => it.next().value! % 2 === 0)].sort(() => (it.next().value! % 3) - 1);
        expect(summarise(shuffled, w)).toEqual(summarise(spans, w));
      }),
    );
  });

  it('matches counting minute by minute', () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 6 }), (spans) => {
        let minutes = 0;
        for (let m = 0; m < 60; m++) if (spans.some((s) => s.start <= m * M && s.end >= (m + 1) * M)) minutes++;
        expect(summarise(spans, w).minutes).toBe(minutes);
      }),
    );
  });
});
