import { describe, expect, it } from 'vitest';
import { secondaryIcs } from '../../test/api/timetables.fixtures.js';
import { clashesWith } from './clash.js';
import { parseTimetableIcs } from './ics.js';

const now = new Date('2026-01-12T09:00:00Z');

function parsed(text: string) {
  const r = parseTimetableIcs(text, { now, defaultZone: 'Europe/London' });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.timetable;
}

const cal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', ...lines, 'END:VCALENDAR'].join('\r\n');

describe('parseTimetableIcs', () => {
  for (const withVtimezone of [true, false]) {
    it(`expands weekly RRULEs in local time, with EXDATE and a moved lesson (${withVtimezone ? 'with' : 'without'} VTIMEZONE)`, () => {
      const tt = parsed(secondaryIcs({ withVtimezone }));
      const science = tt.dated.filter((d) => d.label.startsWith('Y9 Science'));
      const starts = science.map((d) => d.startsAt);
      // 13:00 GMT before the spring change, 13:00 BST (12:00Z) after it, 13:00 GMT after autumn.
      expect(starts).toContain('2026-03-26T13:00:00.000Z');
      expect(starts).toContain('2026-04-02T12:00:00.000Z');
      expect(starts).toContain('2026-10-22T12:00:00.000Z');
      expect(starts).toContain('2026-10-29T13:00:00.000Z');
      // EXDATE: no lesson on 19 February.
      expect(starts.some((s) => s.startsWith('2026-02-19'))).toBe(false);
      // RECURRENCE-ID: 5 March moved to 15:00.
      expect(science.filter((s) => s.startsAt.startsWith('2026-03-05'))).toEqual([{ startsAt: '2026-03-05T15:00:00.000Z', endsAt: '2026-03-05T16:00:00.000Z', label: 'Y9 Science (moved for mocks)' }]);
      // UNTIL 17 December: nothing after it.
      expect(starts.at(-1)).toBe('2026-12-17T13:00:00.000Z');
      expect(tt.freeDays).toEqual([{ from: '2026-06-01', to: '2026-06-02', label: 'INSET day (school closed to pupils)' }]);
      expect(tt.timeZone).toBe('Europe/London');
    });
  }

  it('reads files with bare LF line endings as well as CRLF', () => {
    const crlf = parsed(secondaryIcs());
    const lf = parseTimetableIcs(secondaryIcs().replace(/\r\n/g, '\n'), { now, defaultZone: 'Europe/London' });
    expect(lf.ok && lf.timetable.dated).toEqual(crlf.dated);
  });

  it('reads a TZID that is not an IANA name through the file’s own VTIMEZONE', () => {
    const tt = parsed(secondaryIcs({ tzid: 'Custom London Time' }));
    expect(tt.dated.map((d) => d.startsAt)).toContain('2026-04-02T12:00:00.000Z');
    expect(tt.dated.map((d) => d.startsAt)).toContain('2026-03-26T13:00:00.000Z');
  });

  it('makes the INSET day free even though a weekly lesson falls on it', () => {
    const tt = parsed(secondaryIcs());
    const rules = { ...tt, weekly: [], weekAStart: null };
    expect(clashesWith(rules, { startsAt: '2026-06-01T08:00:00Z', endsAt: '2026-06-01T09:30:00Z' })).toEqual([]);
    expect(clashesWith(rules, { startsAt: '2026-06-08T08:00:00Z', endsAt: '2026-06-08T09:30:00Z' }).map((c) => c.label)).toEqual(['P1 Maths 8C']);
  });

  it('leaves out transparent and cancelled events, and reads UTC times as they are', () => {
    const tt = parsed(
      cal(
        'BEGIN:VEVENT', 'UID:a', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260120T160000Z', 'DTEND:20260120T170000Z', 'SUMMARY:Parents evening', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:b', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260121T160000Z', 'DTEND:20260121T170000Z', 'TRANSP:TRANSPARENT', 'SUMMARY:Reminder', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:c', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260122T160000Z', 'DTEND:20260122T170000Z', 'STATUS:CANCELLED', 'SUMMARY:Called off', 'END:VEVENT',
      ),
    );
    expect(tt.dated).toEqual([{ startsAt: '2026-01-20T16:00:00.000Z', endsAt: '2026-01-20T17:00:00.000Z', label: 'Parents evening' }]);
  });

  it('names the event (summary and UID) that is wrong', () => {
    const r = parseTimetableIcs(
      cal('BEGIN:VEVENT', 'UID:bad-1@sis', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260120T160000Z', 'DTEND:20260120T150000Z', 'SUMMARY:Backwards lesson', 'END:VEVENT'),
      { now, defaultZone: 'Europe/London' },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ uid: 'bad-1@sis', summary: 'Backwards lesson', message: 'ends before it starts (DTEND must be after DTSTART)' }]);
  });

  it('refuses a file that is not iCalendar, and one with no events', () => {
    const junk = parseTimetableIcs('day,start,end\nMonday,09:00,10:00', { now, defaultZone: 'Europe/London' });
    expect(junk.ok).toBe(false);
    const empty = parseTimetableIcs(cal(), { now, defaultZone: 'Europe/London' });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.problems[0]!.message).toMatch(/no events/);
  });

  it('refuses a rule that repeats far too often', () => {
    const r = parseTimetableIcs(cal('BEGIN:VEVENT', 'UID:m', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T000000Z', 'DTEND:20260101T000100Z', 'RRULE:FREQ=MINUTELY', 'SUMMARY:Spam', 'END:VEVENT'), { now, defaultZone: 'Europe/London' });
    expect(r.ok).toBe(false);
  });
});
