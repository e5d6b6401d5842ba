import { describe, expect, it } from 'vitest';
import { bufferFor, busyPeriods, clashesWith, likelySeat, timetableSettings, weekLetter, zonedTimeToUtc, type TimetableRules, type WeeklyPeriod } from './clash.js';

const london = (weekly: WeeklyPeriod[], extra: Partial<TimetableRules> = {}): TimetableRules => ({ timeZone: 'Europe/London', weekAStart: null, weekly, dated: [], freeDays: [], ...extra });
const lesson = (day: number, start: string, end: string, label: string, week: 'A' | 'B' | null = null): WeeklyPeriod => ({ day, start, end, label, week });

describe('zonedTimeToUtc', () => {
  it('reads London wall-clock time in GMT and in BST', () => {
    expect(new Date(zonedTimeToUtc(2026, 1, 12, 13, 0, 'Europe/London')).toISOString()).toBe('2026-01-12T13:00:00.000Z');
    expect(new Date(zonedTimeToUtc(2026, 6, 15, 13, 0, 'Europe/London')).toISOString()).toBe('2026-06-15T12:00:00.000Z');
  });
  it('is right on the days the clocks change', () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST. 25 October 2026: 02:00 BST becomes 01:00 GMT.
    expect(new Date(zonedTimeToUtc(2026, 3, 29, 13, 0, 'Europe/London')).toISOString()).toBe('2026-03-29T12:00:00.000Z');
    expect(new Date(zonedTimeToUtc(2026, 3, 29, 0, 30, 'Europe/London')).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(new Date(zonedTimeToUtc(2026, 10, 25, 13, 0, 'Europe/London')).toISOString()).toBe('2026-10-25T13:00:00.000Z');
    expect(new Date(zonedTimeToUtc(2026, 10, 24, 13, 0, 'Europe/London')).toISOString()).toBe('2026-10-24T12:00:00.000Z');
  });
});

describe('weekLetter', () => {
  it('alternates from the Monday of the Week A start, backwards too', () => {
    expect(weekLetter('2026-01-05', '2026-01-05')).toBe('A');
    expect(weekLetter('2026-01-11', '2026-01-05')).toBe('A'); // Sunday of week A
    expect(weekLetter('2026-01-12', '2026-01-05')).toBe('B');
    expect(weekLetter('2026-01-19', '2026-01-05')).toBe('A');
    expect(weekLetter('2025-12-29', '2026-01-05')).toBe('B');
    expect(weekLetter('2025-12-22', '2026-01-05')).toBe('A');
    // A Week A date given mid-week still means its whole week.
    expect(weekLetter('2026-01-12', '2026-01-07')).toBe('B');
  });
});

describe('clashesWith', () => {
  it('keeps a 13:00 lesson at 13:00 local across the spring clock change', () => {
    const tt = london([lesson(4, '13:00', '14:00', 'Y9 Science')]);
    // Thursday before (GMT) and after (BST) 29 March 2026.
    const before = clashesWith(tt, { startsAt: '2026-03-26T13:00:00Z', endsAt: '2026-03-26T14:00:00Z' });
    const after = clashesWith(tt, { startsAt: '2026-04-02T12:00:00Z', endsAt: '2026-04-02T13:00:00Z' });
    expect(before).toEqual([{ label: 'Y9 Science', startsAt: '2026-03-26T13:00:00.000Z', endsAt: '2026-03-26T14:00:00.000Z' }]);
    expect(after).toEqual([{ label: 'Y9 Science', startsAt: '2026-04-02T12:00:00.000Z', endsAt: '2026-04-02T13:00:00.000Z' }]);
    // 13:00 UTC after the change is 14:00 in London: the lesson has ended, so no clash.
    expect(clashesWith(tt, { startsAt: '2026-04-02T13:00:00Z', endsAt: '2026-04-02T14:00:00Z' })).toEqual([]);
  });

  it('keeps a 13:00 lesson at 13:00 local across the autumn clock change', () => {
    const tt = london([lesson(4, '13:00', '14:00', 'Y9 Science')]);
    expect(clashesWith(tt, { startsAt: '2026-10-22T12:00:00Z', endsAt: '2026-10-22T13:00:00Z' })).toHaveLength(1);
    expect(clashesWith(tt, { startsAt: '2026-10-29T13:00:00Z', endsAt: '2026-10-29T14:00:00Z' })).toHaveLength(1);
    expect(clashesWith(tt, { startsAt: '2026-10-29T12:00:00Z', endsAt: '2026-10-29T13:00:00Z' })).toEqual([]);
  });

  it('adds the travel buffer on both sides', () => {
    const tt = london([lesson(1, '14:15', '15:15', 'P5 English'), lesson(1, '17:00', '18:00', 'Staff meeting')]);
    const session = { startsAt: '2026-01-12T15:30:00Z', endsAt: '2026-01-12T16:45:00Z' };
    expect(clashesWith(tt, session, 0)).toEqual([]);
    expect(clashesWith(tt, session, 30).map((c) => c.label)).toEqual(['P5 English', 'Staff meeting']);
    expect(clashesWith(tt, session, 10)).toEqual([]);
  });

  it('lets periods that only touch the session pass', () => {
    const tt = london([lesson(2, '09:00', '10:00', 'P1')]);
    expect(clashesWith(tt, { startsAt: '2026-01-13T10:00:00Z', endsAt: '2026-01-13T11:00:00Z' })).toEqual([]);
    expect(clashesWith(tt, { startsAt: '2026-01-13T08:00:00Z', endsAt: '2026-01-13T09:00:00Z' })).toEqual([]);
    expect(clashesWith(tt, { startsAt: '2026-01-13T08:00:00Z', endsAt: '2026-01-13T09:01:00Z' })).toHaveLength(1);
  });

  it('alternates week A and week B lessons from the Week A start', () => {
    const tt = london([lesson(1, '09:00', '10:00', 'Maths 7X', 'A'), lesson(1, '09:00', '10:00', 'Maths 10Y', 'B'), lesson(1, '11:00', '12:00', 'Tutor time')], { weekAStart: '2026-01-05' });
    const mon = (date: string) => clashesWith(tt, { startsAt: `${date}T08:30:00Z`, endsAt: `${date}T11:30:00Z` }).map((c) => c.label);
    expect(mon('2026-01-05')).toEqual(['Maths 7X', 'Tutor time']);
    expect(mon('2026-01-12')).toEqual(['Maths 10Y', 'Tutor time']);
    expect(mon('2026-01-19')).toEqual(['Maths 7X', 'Tutor time']);
  });

  it('treats days the school is closed as free, for weekly and dated periods alike', () => {
    const tt = london([lesson(1, '09:00', '10:00', 'P1')], {
      dated: [{ startsAt: '2026-02-16T11:00:00Z', endsAt: '2026-02-16T12:00:00Z', label: 'Cover duty' }],
      freeDays: [{ from: '2026-02-16', to: '2026-02-21', label: 'Half term' }],
    });
    expect(clashesWith(tt, { startsAt: '2026-02-16T08:00:00Z', endsAt: '2026-02-16T13:00:00Z' })).toEqual([]);
    expect(clashesWith(tt, { startsAt: '2026-02-23T08:00:00Z', endsAt: '2026-02-23T13:00:00Z' })).toHaveLength(1);
  });

  it('lists dated periods that overlap a session spanning midnight', () => {
    const tt = london([], { dated: [{ startsAt: '2026-05-01T22:30:00Z', endsAt: '2026-05-01T23:30:00Z', label: 'Residential duty' }] });
    expect(busyPeriods(tt, Date.parse('2026-05-01T23:00:00Z'), Date.parse('2026-05-02T01:00:00Z'))).toHaveLength(1);
  });
});

describe('seat and settings', () => {
  it('applies the buffer only to in-person attendance', () => {
    expect(bufferFor('in_person', 30)).toBe(30);
    expect(bufferFor('online', 30)).toBe(0);
    expect(likelySeat({ mode: 'hybrid', capacity_online: 5 })).toBe('online');
    expect(likelySeat({ mode: 'hybrid', capacity_online: 0 })).toBe('in_person');
    expect(likelySeat({ mode: 'in_person' })).toBe('in_person');
  });
  it('reads organisation settings leniently, defaulting the buffer to 30 minutes', () => {
    expect(timetableSettings('{}')).toEqual({ weekAStart: null, travelBufferMinutes: 30 });
    expect(timetableSettings('{"weekAStart":"2026-09-07","travelBufferMinutes":45}')).toEqual({ weekAStart: '2026-09-07', travelBufferMinutes: 45 });
    expect(timetableSettings('{"weekAStart":"soon","travelBufferMinutes":-4}')).toEqual({ weekAStart: null, travelBufferMinutes: 30 });
    expect(timetableSettings('not json')).toEqual({ weekAStart: null, travelBufferMinutes: 30 });
  });
  it('keeps a buffer of 0 (the school wants none) and refuses a Week A date that is not a plain date', () => {
    expect(timetableSettings('{"travelBufferMinutes":0}').travelBufferMinutes).toBe(0);
    // Date.parse would take both of these; neither is a YYYY-MM-DD string.
    expect(timetableSettings('{"weekAStart":["2026-09-07"]}').weekAStart).toBeNull();
    expect(timetableSettings('{"weekAStart":"12026-09-07"}').weekAStart).toBeNull();
  });
  it('a dated period that only touches the window (ends as it starts, or starts as it ends) is not busy in it', () => {
    const tt = london([], {
      dated: [
        { startsAt: '2026-05-01T13:00:00Z', endsAt: '2026-05-01T14:00:00Z', label: 'Before' },
        { startsAt: '2026-05-01T15:00:00Z', endsAt: '2026-05-01T16:00:00Z', label: 'After' },
      ],
    });
    expect(busyPeriods(tt, Date.parse('2026-05-01T14:00:00Z'), Date.parse('2026-05-01T15:00:00Z'))).toEqual([]);
    expect(busyPeriods(tt, Date.parse('2026-05-01T13:59:00Z'), Date.parse('2026-05-01T15:01:00Z')).map((p) => p.label)).toEqual(['Before', 'After']);
  });
});

describe('edges the mutation run found untested', () => {
  it('reads a wall-clock time in the hour skipped in spring with the offset from before the change', () => {
    // London 29 March 2026: 01:30 does not exist; it is read as 01:30 GMT (02:30 BST).
    expect(new Date(zonedTimeToUtc(2026, 3, 29, 1, 30, 'Europe/London')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // New York 8 March 2026: 02:30 does not exist; read with EST (UTC-5), it is 03:30 EDT.
    expect(new Date(zonedTimeToUtc(2026, 3, 8, 2, 30, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // Sydney 4 October 2026 (southern spring): 02:30 does not exist; read with AEST (UTC+10).
    expect(new Date(zonedTimeToUtc(2026, 10, 4, 2, 30, 'Australia/Sydney')).toISOString()).toBe('2026-10-03T16:30:00.000Z');
  });

  it('reads a wall-clock time in the hour repeated in autumn as the first of the two (RFC 5545 3.3.5)', () => {
    expect(new Date(zonedTimeToUtc(2026, 10, 25, 1, 30, 'Europe/London')).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 01:30 BST
    expect(new Date(zonedTimeToUtc(2026, 11, 1, 1, 30, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
  });

  it('takes a mid-week Week A date to mean its whole week, from Monday to Sunday', () => {
    expect(weekLetter('2026-01-05', '2026-01-08')).toBe('A'); // the Monday before a Thursday start
    expect(weekLetter('2026-01-11', '2026-01-08')).toBe('A'); // that week's Sunday
    expect(weekLetter('2026-01-12', '2026-01-08')).toBe('B');
    expect(weekLetter('2026-01-04', '2026-01-08')).toBe('B'); // the Sunday before
    expect(weekLetter('2026-03-02', '2026-01-08')).toBe('A'); // eight weeks on
    expect(weekLetter('2025-11-17', '2026-01-08')).toBe('B'); // seven weeks back
  });

  it('ends a closure on the day before its `to` date', () => {
    const tt = london([lesson(6, '09:00', '10:00', 'Saturday club')], { freeDays: [{ from: '2026-02-16', to: '2026-02-21', label: 'Half term' }] });
    // 21 February 2026 is a Saturday: the first day after the closure.
    expect(clashesWith(tt, { startsAt: '2026-02-21T09:30:00Z', endsAt: '2026-02-21T10:30:00Z' })).toHaveLength(1);
  });

  it('lists busy periods soonest first, then by end, then by name, whatever order the timetable gave', () => {
    const tt = london([lesson(1, '11:00', '12:00', 'Later'), lesson(1, '09:00', '10:30', 'Long'), lesson(1, '09:00', '10:00', 'Short B'), lesson(1, '09:00', '10:00', 'Short A')], {
      dated: [{ startsAt: '2026-02-09T08:00:00Z', endsAt: '2026-02-09T08:30:00Z', label: 'Briefing' }],
    });
    expect(busyPeriods(tt, Date.parse('2026-02-09T00:00:00Z'), Date.parse('2026-02-10T00:00:00Z')).map((p) => p.label)).toEqual(['Briefing', 'Short A', 'Short B', 'Long', 'Later']);
  });

  it('finds lessons on the first and last local days of a window, and none that only touch its edges', () => {
    const tt = london([lesson(1, '15:00', '16:00', 'Monday P6'), lesson(5, '08:00', '09:00', 'Friday P1')]);
    const from = Date.parse('2026-02-09T15:30:00Z');
    const to = Date.parse('2026-02-13T08:30:00Z');
    expect(busyPeriods(tt, from, to).map((p) => p.label)).toEqual(['Monday P6', 'Friday P1']);
    expect(busyPeriods(tt, Date.parse('2026-02-09T16:00:00Z'), Date.parse('2026-02-13T08:00:00Z'))).toEqual([]);
  });

  it('picks the likely seat from the mode first, the online capacity only for hybrids', () => {
    expect(likelySeat({ mode: 'online' })).toBe('online');
    expect(likelySeat({ mode: 'online', capacity_online: 0 })).toBe('online');
    expect(likelySeat({ mode: 'in_person', capacity_online: 5 })).toBe('in_person');
    expect(likelySeat({ mode: 'hybrid', capacityOnline: 3 })).toBe('online');
    expect(likelySeat({ mode: 'hybrid' })).toBe('in_person');
  });

  it('ignores settings that are not an object, dates that are not whole dates, and buffers over a day', () => {
    for (const json of ['null', '[]', '"text"', '42', '', null, undefined]) expect(timetableSettings(json)).toEqual({ weekAStart: null, travelBufferMinutes: 30 });
    expect(timetableSettings('{"weekAStart":"2026-13-45"}').weekAStart).toBeNull();
    expect(timetableSettings('{"weekAStart":"x2026-09-07"}').weekAStart).toBeNull();
    expect(timetableSettings('{"weekAStart":"2026-09-07T00:00"}').weekAStart).toBeNull();
    expect(timetableSettings('{"travelBufferMinutes":1440}').travelBufferMinutes).toBe(1440);
    expect(timetableSettings('{"travelBufferMinutes":1441}').travelBufferMinutes).toBe(30);
    expect(timetableSettings('{"travelBufferMinutes":12.6}').travelBufferMinutes).toBe(13);
    expect(timetableSettings('{"travelBufferMinutes":"45"}').travelBufferMinutes).toBe(30);
  });
});

describe('timetables far bigger than a school’s', () => {
  const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

  it('frees overlapping, nested and touching closures, and no day for an empty one', () => {
    const tt = london([lesson(1, '09:00', '10:00', 'Mon'), lesson(3, '09:00', '10:00', 'Wed'), lesson(5, '09:00', '10:00', 'Fri')], {
      freeDays: [
        { from: '2026-03-09', to: '2026-03-12', label: 'Mon to Wed' },
        { from: '2026-03-10', to: '2026-03-11', label: 'nested' },
        { from: '2026-03-12', to: '2026-03-14', label: 'touching: Thu and Fri' },
        { from: '2026-03-18', to: '2026-03-18', label: 'empty' },
        { from: '2026-03-27', to: '2026-03-20', label: 'backwards' },
      ],
    });
    const labels = busyPeriods(tt, Date.parse('2026-03-09T00:00:00Z'), Date.parse('2026-03-21T00:00:00Z')).map((p) => `${p.startsAt.slice(0, 10)} ${p.label}`);
    expect(labels).toEqual(['2026-03-16 Mon', '2026-03-18 Wed', '2026-03-20 Fri']);
  });

  it('answers right with 29,000 closed days and a lesson on every day, across a clock change', () => {
    // Every day from 2026 for 29,000 days is closed except Wednesdays; a dated duty at noon every day.
    const all = days('2026-01-01', 29_000);
    const wednesday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() === 3;
    const tt = london([lesson(3, '13:00', '14:00', 'Y9 Science'), lesson(4, '13:00', '14:00', 'Y10 Science')], {
      freeDays: all.flatMap((d, i) => (wednesday(d) ? [] : [{ from: d, to: all[i + 1] ?? '2105-01-01', label: `Closed ${i}` }])),
      dated: all.slice(0, 400).map((d) => ({ startsAt: `${d}T12:00:00.000Z`, endsAt: `${d}T12:30:00.000Z`, label: 'Duty' })),
    });
    const busy = busyPeriods(tt, Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-30T00:00:00Z'));
    const weds = days('2026-03-01', 60).filter(wednesday);
    expect(busy.map((p) => p.label)).toEqual(weds.flatMap(() => ['Duty', 'Y9 Science']));
    // 13:00 London is 13:00Z before the change (29 March) and 12:00Z after it.
    expect(busy.filter((p) => p.label === 'Y9 Science').map((p) => p.startsAt)).toEqual(weds.map((d) => `${d}T${d < '2026-03-29' ? '13' : '12'}:00:00.000Z`));
  });

  it('stops placing lessons once it has found more than the limit it was given', () => {
    // 2,000 weekly lessons, each at its own minute, Monday to Friday.
    const weekly = Array.from({ length: 2_000 }, (_, i) => {
      const m = 8 * 60 + Math.floor(i / 5);
      const hm = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
      return lesson(1 + (i % 5), hm(m), hm(m + 1), `L${i}`);
    });
    const tt = london(weekly);
    const from = Date.parse('2026-01-12T00:00:00Z');
    const year = Date.parse('2027-02-15T00:00:00Z');
    expect(busyPeriods(tt, from, year, 20_000)).toHaveLength(20_001);
    // Under the limit the answer is whole: one week holds every lesson once.
    expect(busyPeriods(tt, from, from + 7 * 86_400_000, 20_000)).toHaveLength(2_000);
  });
});
