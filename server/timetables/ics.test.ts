import ICAL from 'ical.js';
import { describe, expect, it, vi } from 'vitest';
import { secondaryIcs, VTIMEZONE_LONDON } from '../../test/api/timetables.fixtures.js';
import { appleFloating, SHAPES } from '../../test/api/timetables.shapes.js';
import { busyPeriods, clashesWith } from './clash.js';
import { describeEvent, parseTimetableIcs } from './ics.js';

const now = new Date('2026-01-12T09:00:00Z');

function parsed(text: string) {
  const r = parseTimetableIcs(text, { now, defaultZone: 'Europe/London' });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.timetable;
}

const cal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', ...lines, 'END:VCALENDAR'].join('\r\n');

describe('parseTimetableIcs', () => {
  it('looks for a TZID the file has no VTIMEZONE for once, not once per date (a file of n events read in time n, not n squared)', () => {
    const n = 300;
    const events = Array.from({ length: n }, (_, i) => {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const hour = String(8 + Math.floor(i / 28)).padStart(2, '0');
      return ['BEGIN:VEVENT', `UID:e${i}@t`, `DTSTART;TZID=Europe/London:202602${day}T${hour}0000`, `DTEND;TZID=Europe/London:202602${day}T${hour}3000`, `SUMMARY:Lesson ${i}`, 'END:VEVENT'];
    }).flat();
    const scans = vi.spyOn(ICAL.Component.prototype, 'getAllSubcomponents');
    try {
      const tt = parsed(cal(...events));
      expect(tt.dated).toHaveLength(n);
      expect(tt.dated[0]!.startsAt).toBe('2026-02-01T08:00:00.000Z');
      // Each scan of the calendar for VTIMEZONEs walks all n events: a handful, not one per DTSTART and DTEND.
      expect(scans.mock.calls.filter(([name]) => name === 'vtimezone').length).toBeLessThan(10);
    } finally {
      scans.mockRestore();
    }
  });

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
        'BEGIN:VEVENT', 'UID:d', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260123T160000Z', 'DTEND:20260123T170000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:FREE', 'SUMMARY:Shown as free in Outlook', 'END:VEVENT',
      ),
    );
    expect(tt.dated).toEqual([{ startsAt: '2026-01-20T16:00:00.000Z', endsAt: '2026-01-20T17:00:00.000Z', label: 'Parents evening' }]);
  });

  it('takes a timed event of months (leave written with times) as busy all through, an INSET day and the Easter holidays included; past 400 days it is refused, naming it', () => {
    const tt = parsed(
      cal(
        'BEGIN:VEVENT', 'UID:leave', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260201T080000Z', 'DTEND:20260501T170000Z', 'SUMMARY:Secondment', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:easter', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260330', 'DTEND;VALUE=DATE:20260411', 'SUMMARY:Easter holidays', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:lesson', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260401T090000Z', 'DTEND:20260401T100000Z', 'SUMMARY:Holiday club', 'END:VEVENT',
      ),
    );
    // Before, the whole calendar was refused for this one event ("longer than 31 days").
    expect(tt.dated).toContainEqual({ startsAt: '2026-02-01T08:00:00.000Z', endsAt: '2026-05-01T17:00:00.000Z', label: 'Secondment' });
    const rules = { timeZone: 'Europe/London', weekAStart: null, weekly: [], dated: tt.dated, freeDays: tt.freeDays };
    const at = (startsAt: string, endsAt: string) => clashesWith(rules, { startsAt, endsAt }, 0).map((c) => c.label);
    expect(at('2026-03-10T16:00:00Z', '2026-03-10T17:00:00Z')).toEqual(['Secondment']);
    // In the holidays the short event that day is free (the school is closed), the secondment is not; once, not in pieces.
    expect(at('2026-04-01T09:00:00Z', '2026-04-01T10:00:00Z')).toEqual(['Secondment']);
    expect(at('2026-05-01T17:00:00Z', '2026-05-01T18:00:00Z')).toEqual([]);
    const long = parseTimetableIcs(cal('BEGIN:VEVENT', 'UID:long', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T080000Z', 'DTEND:20270301T170000Z', 'SUMMARY:Career break', 'END:VEVENT'), { now, defaultZone: 'Europe/London' });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.problems).toEqual([{ uid: 'long', summary: 'Career break', message: 'is a timed event longer than 400 days' }]);
  });

  it('refuses a calendar of more than 100 busy periods longer than 31 days, which every clash question would read one by one, naming the limit', () => {
    const events = (n: number) => Array.from({ length: n }, (_, i) => ['BEGIN:VEVENT', `UID:long-${i}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260201T080000Z', 'DTEND:20260501T170000Z', `SUMMARY:Away ${i}`, 'END:VEVENT']).flat();
    expect(parseTimetableIcs(cal(...events(100)), { now, defaultZone: 'Europe/London' }).ok).toBe(true);
    const r = parseTimetableIcs(cal(...events(101)), { now, defaultZone: 'Europe/London' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ uid: 'long-100', message: 'makes more than 100 busy periods longer than 31 days (a timetable may hold at most 100)' })]);
  });

  it('counts out-of-office all-day events against the same limits: more than 100 of over 31 days are refused, naming the limit', () => {
    const events = (n: number) => Array.from({ length: n }, (_, i) => ['BEGIN:VEVENT', `UID:oof-${i}`, 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260201', 'DTEND;VALUE=DATE:20260501', 'X-MICROSOFT-CDO-BUSYSTATUS:OOF', `SUMMARY:Leave ${i}`, 'END:VEVENT']).flat();
    const fine = parseTimetableIcs(cal(...events(100)), { now, defaultZone: 'Europe/London' });
    expect(fine.ok).toBe(true);
    if (fine.ok) expect([fine.timetable.dated.length, fine.timetable.freeDays.length]).toEqual([100, 0]);
    const r = parseTimetableIcs(cal(...events(101)), { now, defaultZone: 'Europe/London' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ uid: 'oof-100', message: 'makes more than 100 busy periods longer than 31 days (a timetable may hold at most 100)' })]);
  });

  it('names the event (summary and UID) that is wrong', () => {
    const r = parseTimetableIcs(
      cal('BEGIN:VEVENT', 'UID:bad-1@sis', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260120T160000Z', 'DTEND:20260120T150000Z', 'SUMMARY:Backwards lesson', 'END:VEVENT'),
      { now, defaultZone: 'Europe/London' },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ uid: 'bad-1@sis', summary: 'Backwards lesson', message: 'ends before it starts (DTEND must not be before DTSTART)' }]);
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

describe('timetables in the shapes calendar programs write', () => {
  const from = Date.parse('2026-01-01T00:00:00Z');
  const to = Date.parse('2026-06-01T00:00:00Z');
  for (const shape of SHAPES) {
    it(`reads ${shape.name}: the busy times, closed days and zone`, () => {
      const tt = parsed(shape.ics);
      expect(busyPeriods({ ...tt, weekly: [], weekAStart: null }, from, to)).toEqual(shape.busy);
      expect(tt.freeDays).toEqual(shape.freeDays);
      expect(tt.timeZone).toBe(shape.timeZone);
      const rules = { ...tt, weekly: [], weekAStart: null };
      expect(clashesWith(rules, shape.inside)).not.toEqual([]);
      expect(clashesWith(rules, shape.outside)).toEqual([]);
    });
  }

  it('reads floating times in the organisation’s zone when the calendar names none', () => {
    const tt = parsed(appleFloating.ics.replace('X-WR-TIMEZONE:Europe/Paris\r\n', ''));
    expect(tt.dated.map((d) => d.startsAt)).toEqual(['2026-01-21T09:00:00.000Z', '2026-01-28T09:00:00.000Z', '2026-02-04T09:00:00.000Z']);
    const r = parseTimetableIcs(appleFloating.ics.replace('X-WR-TIMEZONE:Europe/Paris\r\n', ''), { now, defaultZone: 'Europe/Paris' });
    expect(r.ok && r.timetable.dated[0]!.startsAt).toBe('2026-01-21T08:00:00.000Z');
  });

  it('maps every Windows zone name through CLDR’s table, whatever its case', () => {
    const at = (tzid: string) => {
      const tt = parsed(cal('BEGIN:VEVENT', 'UID:w', 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=${tzid}:20260701T120000`, `DTEND;TZID=${tzid}:20260701T130000`, 'SUMMARY:Meeting', 'END:VEVENT'));
      return tt.dated[0]!.startsAt;
    };
    expect(at('Eastern Standard Time')).toBe('2026-07-01T16:00:00.000Z');
    expect(at('GMT Standard Time')).toBe('2026-07-01T11:00:00.000Z');
    expect(at('W. Europe Standard Time')).toBe('2026-07-01T10:00:00.000Z');
    expect(at('AUS Eastern Standard Time')).toBe('2026-07-01T02:00:00.000Z');
    expect(at('India Standard Time')).toBe('2026-07-01T06:30:00.000Z');
    expect(at('"pacific standard time"')).toBe('2026-07-01T19:00:00.000Z');
  });

  it('reads a TZID by the file’s own VTIMEZONE before its name', () => {
    // An Outlook export whose zone definition has no summer time, under a Windows name that has.
    const tt = parsed(
      cal(
        'BEGIN:VTIMEZONE', 'TZID:Eastern Standard Time', 'BEGIN:STANDARD', 'DTSTART:16010101T000000', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0500', 'END:STANDARD', 'END:VTIMEZONE',
        'BEGIN:VEVENT', 'UID:v', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Eastern Standard Time:20260701T170000', 'DTEND;TZID=Eastern Standard Time:20260701T180000', 'SUMMARY:Call', 'END:VEVENT',
      ),
    );
    expect(tt.dated).toEqual([{ startsAt: '2026-07-01T22:00:00.000Z', endsAt: '2026-07-01T23:00:00.000Z', label: 'Call' }]);
  });

  it('refuses a zone it cannot place, naming it, instead of guessing London time', () => {
    const r = parseTimetableIcs(
      cal(
        'BEGIN:VEVENT', 'UID:x1', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Mars Standard Time:20260120T170000', 'DTEND;TZID=Mars Standard Time:20260120T180000', 'SUMMARY:Rover drive', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:x2', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Mars Standard Time:20260121T170000', 'DTEND;TZID=Mars Standard Time:20260121T180000', 'SUMMARY:Rover park', 'END:VEVENT',
      ),
      { now, defaultZone: 'Europe/London' },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      // One problem for the zone, not one per event.
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ uid: 'x1', zone: 'Mars Standard Time', message: expect.stringContaining('"Mars Standard Time"') });
    }
    const floating = parseTimetableIcs(appleFloating.ics.replace('X-WR-TIMEZONE:Europe/Paris', 'X-WR-TIMEZONE:Paris Time'), { now, defaultZone: 'Europe/London' });
    expect(!floating.ok && floating.problems[0]).toMatchObject({ zone: 'Paris Time', message: expect.stringContaining('X-WR-TIMEZONE') });
  });

  it('explains an empty RRULE in words', () => {
    const r = parseTimetableIcs(cal('BEGIN:VEVENT', 'UID:e', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260120T160000Z', 'DTEND:20260120T170000Z', 'RRULE:', 'SUMMARY:Club', 'END:VEVENT'), { now, defaultZone: 'Europe/London' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(describeEvent(r.problems[0]!)).toBe('Event "Club" (UID e) has an empty repeat rule (an RRULE line without FREQ): give the rule, for example RRULE:FREQ=WEEKLY;BYDAY=MO, or remove the line');
  });

  it('accepts a calendar of reminders only, which leaves nobody busy', () => {
    const tt = parsed(cal('BEGIN:VEVENT', 'UID:r', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260126', 'TRANSP:TRANSPARENT', 'SUMMARY:Birthday', 'END:VEVENT'));
    expect(tt).toMatchObject({ dated: [], freeDays: [] });
  });
});

/**
 * An UNTIL or a RECURRENCE-ID in UTC, with a start in a zone the file names but gives no
 * VTIMEZONE for (ical.js then reads the start as floating), and the other ways round: each
 * names an instant, and is read as one. Dates in June 2026 are in British Summer Time.
 */
describe('UNTIL and RECURRENCE-ID read as instants, whatever zone they are written in', () => {
  const starts = (text: string) => parsed(text).dated.map((d) => `${d.startsAt.slice(5, 16)} ${d.label}`);
  /** A weekly lesson from Monday 1 June; `start` formats a DTSTART/DTEND value line for a day and hh:mm. */
  type Form = { name: string; head: string[]; at: (prop: string, day: string, hm: string) => string };
  const zoned = (tzid: string, head: string[] = []): Form => ({ name: `TZID=${tzid}${head.length ? ' with VTIMEZONE' : ', no VTIMEZONE'}`, head, at: (prop, day, hm) => `${prop};TZID=${tzid}:202606${day}T${hm.replace(':', '')}00` });
  const london = (prop: string, day: string, hm: string) => {
    // The same instant in UTC (BST is an hour ahead).
    const h = String(+hm.slice(0, 2) - 1).padStart(2, '0');
    return `${prop}:202606${day}T${h}${hm.slice(3)}00Z`;
  };
  const forms: Form[] = [
    zoned('Europe/London'),
    zoned('GMT Standard Time'),
    zoned('/mozilla.org/20050126_1/Europe/London'),
    zoned('Europe/London', VTIMEZONE_LONDON),
    { name: 'UTC', head: [], at: london },
    { name: 'floating, in X-WR-TIMEZONE', head: ['X-WR-TIMEZONE:Europe/London'], at: (prop, day, hm) => `${prop}:202606${day}T${hm.replace(':', '')}00` },
  ];
  const lesson = (f: Form, rule: string, ...extra: string[]) => [
    'BEGIN:VEVENT', 'UID:l@school', 'DTSTAMP:20260101T000000Z', f.at('DTSTART', '01', '09:00'), f.at('DTEND', '01', '10:00'), rule, ...extra, 'SUMMARY:Lesson', 'END:VEVENT',
  ];
  const override = (rid: string, f: Form, day: string, hm: string, ...extra: string[]) => [
    'BEGIN:VEVENT', 'UID:l@school', 'DTSTAMP:20260101T000000Z', rid, f.at('DTSTART', day, hm), f.at('DTEND', day, `${String(+hm.slice(0, 2) + 1).padStart(2, '0')}${hm.slice(2)}`), ...extra, 'SUMMARY:Moved', 'END:VEVENT',
  ];

  for (const f of forms) {
    describe(f.name, () => {
      it('keeps the last lesson when UNTIL, in UTC, is its very start (UNTIL is inclusive)', () => {
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260615T080000Z')))).toEqual(['06-01T08:00 Lesson', '06-08T08:00 Lesson', '06-15T08:00 Lesson']);
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260615T075959Z')))).toEqual(['06-01T08:00 Lesson', '06-08T08:00 Lesson']);
      });

      it('keeps the last day’s lesson when UNTIL is a date only (as Outlook and Google read it), though the start has a time', () => {
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260615')))).toEqual(['06-01T08:00 Lesson', '06-08T08:00 Lesson', '06-15T08:00 Lesson']);
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260614')))).toEqual(['06-01T08:00 Lesson', '06-08T08:00 Lesson']);
      });

      it('keeps the last lesson when the event also has RDATEs', () => {
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260615T080000Z', f.at('RDATE', '17', '09:00'))))).toEqual([
          '06-01T08:00 Lesson', '06-08T08:00 Lesson', '06-15T08:00 Lesson', '06-17T08:00 Lesson',
        ]);
      });

      for (const [ridName, rid] of [
        ['in UTC', 'RECURRENCE-ID:20260608T080000Z'],
        ['with TZID=Europe/London', 'RECURRENCE-ID;TZID=Europe/London:20260608T090000'],
        ['with a Windows TZID', 'RECURRENCE-ID;TZID=GMT Standard Time:20260608T090000'],
        ['floating (in the calendar’s zone)', 'RECURRENCE-ID:20260608T090000'],
      ] as const) {
        it(`moves the lesson a RECURRENCE-ID ${ridName} names, and only that one`, () => {
          expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;COUNT=3'), ...override(rid, f, '08', '14:00')))).toEqual(['06-01T08:00 Lesson', '06-08T13:00 Moved', '06-15T08:00 Lesson']);
        });
      }

      it('cancels the lesson a cancelled override in UTC names', () => {
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;COUNT=3'), ...override('RECURRENCE-ID:20260608T080000Z', f, '08', '09:00', 'STATUS:CANCELLED')))).toEqual(['06-01T08:00 Lesson', '06-15T08:00 Lesson']);
      });

      it('moves this and later lessons by a RANGE=THISANDFUTURE override in UTC', () => {
        expect(starts(cal(...f.head, ...lesson(f, 'RRULE:FREQ=WEEKLY;COUNT=4'), ...override('RECURRENCE-ID;RANGE=THISANDFUTURE:20260608T080000Z', f, '08', '14:00')))).toEqual([
          '06-01T08:00 Lesson', '06-08T13:00 Moved', '06-15T13:00 Moved', '06-22T13:00 Moved',
        ]);
      });
    });
  }

  it('does not move a lesson by a RECURRENCE-ID an hour away from it (09:00Z is 10:00 in London), but shows the override at its own time', () => {
    const f = forms[0]!;
    expect(starts(cal(...lesson(f, 'RRULE:FREQ=WEEKLY;COUNT=3'), ...override('RECURRENCE-ID:20260608T090000Z', f, '08', '14:00')))).toEqual(['06-01T08:00 Lesson', '06-08T08:00 Lesson', '06-08T13:00 Moved', '06-15T08:00 Lesson']);
  });

  it('leaves out an EXDATE in UTC even when the lesson also has an override', () => {
    const f = forms[1]!;
    expect(starts(cal(...lesson(f, 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260615T080000Z'), ...override('RECURRENCE-ID:20260608T080000Z', f, '08', '14:00')))).toEqual(['06-01T08:00 Lesson', '06-08T13:00 Moved']);
  });

  it('reads a floating override in the calendar’s zone (X-WR-TIMEZONE), not the organisation’s', () => {
    const f = forms[0]!;
    const text = cal('X-WR-TIMEZONE:America/New_York', ...lesson(f, 'RRULE:FREQ=WEEKLY;COUNT=3'), ...override('RECURRENCE-ID:20260608T040000', f, '08', '14:00'));
    expect(starts(text)).toEqual(['06-01T08:00 Lesson', '06-08T13:00 Moved', '06-15T08:00 Lesson']);
  });
});

/**
 * A moved lesson is shown where its override puts it (its own DTSTART and DTEND), as Thunderbird
 * and sabre/vobject place overrides, whatever its RECURRENCE-ID names: an occurrence outside the
 * expansion window (now is 12 January 2026, so the window runs from 16 July 2025 to 16 February
 * 2027), or a time the rule never reaches. Times in June and October are BST, in December GMT.
 */
describe('overrides placed by their own DTSTART and DTEND', () => {
  const lessons = (text: string) => parsed(text).dated.map((d) => `${d.startsAt.slice(0, 16)}-${d.endsAt.slice(11, 16)} ${d.label}`);
  const forms = [
    { name: 'TZID=Europe/London, no VTIMEZONE', head: [] as string[] },
    { name: 'TZID=Europe/London with VTIMEZONE', head: VTIMEZONE_LONDON },
  ];
  const london = (prop: string, local: string) => `${prop};TZID=Europe/London:${local}`;
  /** A weekly Monday lesson at 09:00 to 10:00, London time, from the given first day. */
  const series = (first: string, rule: string, ...extra: string[]) => [
    'BEGIN:VEVENT', 'UID:y8@school', 'DTSTAMP:20250101T000000Z', london('DTSTART', `${first}T090000`), london('DTEND', `${first}T100000`), rule, ...extra, 'SUMMARY:Y8 English', 'END:VEVENT',
  ];
  /** An override of the occurrence at `rid` (London time), moved to `day` from 14:00 to 15:00 London time. */
  const moved = (rid: string, day: string, ...extra: string[]) => [
    'BEGIN:VEVENT', 'UID:y8@school', 'DTSTAMP:20250101T000000Z', london('RECURRENCE-ID', rid), london('DTSTART', `${day}T140000`), london('DTEND', `${day}T150000`), ...extra, 'SUMMARY:Y8 English (moved)', 'END:VEVENT',
  ];

  for (const f of forms) {
    describe(f.name, () => {
      it('shows a lesson moved into the window from a date after it (or before it) on its new date, and not on its old one', () => {
        const all = lessons(
          cal(
            ...f.head,
            ...series('20250602', 'RRULE:FREQ=WEEKLY;BYDAY=MO'),
            // From Monday 9 June 2025, before the window, to Wednesday 15 October 2025.
            ...moved('20250609T090000', '20251015'),
            // From Mondays 8 and 15 March 2027, after the window, to Wednesdays 10 June and 9 December 2026.
            ...moved('20270308T090000', '20260610'),
            ...moved('20270315T090000', '20261209'),
            // From Monday 5 October 2026, in the window, to Monday 5 April 2027, after it.
            ...moved('20261005T090000', '20270405'),
          ),
        );
        expect(all.filter((l) => l.endsWith('(moved)'))).toEqual([
          '2025-10-15T13:00-14:00 Y8 English (moved)',
          '2026-06-10T13:00-14:00 Y8 English (moved)',
          '2026-12-09T14:00-15:00 Y8 English (moved)',
        ]);
        // The lesson moved out of the window is on neither date; the Mondays either side are as they were.
        expect(all.filter((l) => /^2026-(09-28|10-05|10-12)/.test(l))).toEqual(['2026-09-28T08:00-09:00 Y8 English', '2026-10-12T08:00-09:00 Y8 English']);
        expect(all.at(-1)).toBe('2027-02-15T09:00-10:00 Y8 English');
      });

      it('shows an override whose RECURRENCE-ID names no lesson of the rule on its own date and time', () => {
        const all = lessons(
          cal(
            ...f.head,
            ...series('20260601', 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3', london('EXDATE', '20261116T090000')),
            // Wednesday 3 June is not a Monday; 9 November is after the third and last lesson.
            ...moved('20260603T090000', '20260603'),
            ...moved('20261109T090000', '20261111'),
            // Still left out: one cancelled, and one for a lesson the series' EXDATE removes.
            ...moved('20261102T090000', '20261104', 'STATUS:CANCELLED'),
            ...moved('20261116T090000', '20261118'),
          ),
        );
        expect(all).toEqual([
          '2026-06-01T08:00-09:00 Y8 English',
          '2026-06-03T13:00-14:00 Y8 English (moved)',
          '2026-06-08T08:00-09:00 Y8 English',
          '2026-06-15T08:00-09:00 Y8 English',
          '2026-11-11T14:00-15:00 Y8 English (moved)',
        ]);
      });
    });
  }
});

describe('a file the parser cannot read: what is wrong, and on which line', () => {
  const refused = (text: string) => {
    const r = parseTimetableIcs(text, { now, defaultZone: 'Europe/London' });
    if (r.ok) throw new Error('read');
    expect(r.problems).toHaveLength(1);
    return describeEvent(r.problems[0]!);
  };
  const event = (uid: string) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTART:20260112T090000Z', 'DTEND:20260112T100000Z', 'SUMMARY:Maths', 'END:VEVENT'];

  it('a line with no colon: its number as an editor counts lines (a folded line’s continuation too) and its text', () => {
    // Lines 1-3 are the calendar's, 4-10 the first event (its SUMMARY folded over lines 8 and 9), the bad line is 13.
    const text = cal('BEGIN:VEVENT', 'UID:a', 'DTSTART:20260112T090000Z', 'DTEND:20260112T100000Z', 'SUMMARY:A long', ' er name', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'SUMMARY Science', 'END:VEVENT');
    expect(refused(text)).toBe('Line 13 has no colon: “SUMMARY Science” (each line of an iCalendar file reads NAME:value)');
  });

  it('a very long line with no colon is quoted shortened', () => {
    expect(refused(cal(...event('a'), 'x'.repeat(200)))).toBe(`Line 10 has no colon: “${'x'.repeat(60)}…” (each line of an iCalendar file reads NAME:value)`);
  });

  it('an event that never closes: the line it starts on, whether the calendar ends after it or the file does', () => {
    expect(refused(cal(...event('a'), 'BEGIN:VEVENT', 'UID:b', 'DTSTART:20260113T090000Z', 'SUMMARY:Art'))).toBe('An event starting on line 10 is never closed (no END:VEVENT)');
    expect(refused(['BEGIN:VCALENDAR', 'VERSION:2.0', ...event('a'), 'BEGIN:VEVENT', 'UID:b'].join('\n'))).toBe('An event starting on line 9 is never closed (no END:VEVENT)');
    expect(refused(['BEGIN:VCALENDAR', 'VERSION:2.0', ...event('a')].join('\r\n'))).toBe('The calendar starting on line 1 is never closed (no END:VCALENDAR)');
  });

  it('a hostile file of many nested BEGINs and unmatched ENDs is answered in one pass, naming the innermost one never closed', () => {
    const n = 40_000;
    const lines = ['BEGIN:VCALENDAR', ...Array.from({ length: n }, () => 'BEGIN:VEVENT'), ...Array.from({ length: n }, () => 'END:VALARM')];
    // Each END:VALARM closes nothing open; at the end the innermost event is still open.
    expect(refused(lines.join('\r\n'))).toBe(`An event starting on line ${n + 1} is never closed (no END:VEVENT)`);
  });

  it('a file that does not begin with BEGIN:VCALENDAR keeps saying so', () => {
    expect(refused('hello world\r\n')).toBe('The file is not a valid iCalendar file (it should begin with BEGIN:VCALENDAR and hold one VEVENT per lesson)');
    expect(refused('Day,Start,End\r\nMonday,09:00,10:00\r\n')).toMatch(/^The file is not a valid iCalendar file \(it should begin with BEGIN:VCALENDAR/);
  });
});
