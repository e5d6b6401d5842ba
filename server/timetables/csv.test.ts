import { describe, expect, it } from 'vitest';
import { partTimeTaCsv, twoWeekCsv } from '../../test/api/timetables.fixtures.js';
import { normaliseTime, parseTimetableCsv } from './csv.js';

describe('normaliseTime', () => {
  it('takes HH:MM, and HH:MM:SS rounded to the nearest minute, never past 23:59', () => {
    expect(['9:05', '09:00:00', '08:59:59', '12:00:29', '12:00:30', '13:00:00.000', '23:59:45', '0:00:00'].map(normaliseTime)).toEqual(['09:05', '09:00', '09:00', '12:00', '12:01', '13:00', '23:59', '00:00']);
    expect(['24:00', '09:60', '09:00:60', '09:00:5', '09:00:00:00', ''].map(normaliseTime)).toEqual([null, null, null, null, null, null]);
  });
  it('takes times as people write them (9.00, 13.30, 9am, 3:30pm, 12 p.m.), never an hour 0 with a full stop (Excel’s day fraction) nor decimal hours', () => {
    expect(['9.00', '09.15', '13.30', '9am', '9 AM', '3:30pm', '3.30pm', '12pm', '12 p.m.', '12am', '12:30am'].map(normaliseTime)).toEqual(['09:00', '09:15', '13:30', '09:00', '09:00', '15:30', '15:30', '12:00', '12:00', '00:00', '00:30']);
    expect(['0.375', '0.50', '.5', '9.5', '24.00', '13pm', '0am', '9.60', '9,00'].map(normaliseTime)).toEqual([null, null, null, null, null, null, null, null, null]);
  });
});

describe('parseTimetableCsv', () => {
  it('reads days in any case, long or short, times as HH:MM, quoted labels and CRLF', () => {
    const r = parseTimetableCsv(partTimeTaCsv(), { weekAStart: null });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.periods).toHaveLength(6);
    expect(r.periods[1]).toEqual({ line: 3, day: 1, start: '13:00', end: '15:15', week: null, label: 'Interventions, phonics' });
    expect(new Set(r.periods.map((p) => p.day))).toEqual(new Set([1, 2, 3]));
  });

  it('reads a two-week timetable once a Week A date is known', () => {
    const r = parseTimetableCsv(twoWeekCsv(), { weekAStart: '2026-01-05' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.periods.filter((p) => p.week === 'A')).toHaveLength(20);
  });

  it('says, line by line, what is wrong', () => {
    const text = [
      '\uFEFFday,start,end,label,week',
      'Monday,09:00,10:00,P1,',
      'Funday,09:00,10:00,P1,',
      'Tue,9.5,10:00,P1,',
      'Wed,11:00,10:00,P1,',
      'thu,09:00,10:00,P1,C',
      'Fri,7:05,8:00,Early club,',
    ].join('\n');
    const r = parseTimetableCsv(text, { weekAStart: '2026-01-05' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(r.problems[0]!.message).toMatch(/day "Funday" is not a day of the week/);
    expect(r.problems[1]!.message).toMatch(/start "9.5" is not a time/);
    expect(r.problems[2]!.message).toMatch(/end 10:00 must be after start 11:00/);
    expect(r.problems[3]!.message).toMatch(/week "C" must be A, B \(or 1, 2\) or empty/);
  });

  it('refuses week A/B rows without the Week A start date, saying so', () => {
    const r = parseTimetableCsv('day,start,end,week\nMonday,09:00,10:00,A\nMonday,10:00,11:00,\n', { weekAStart: null });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ line: 2, message: expect.stringMatching(/Week A start date/) }]);
  });

  it('needs the day, start and end columns (and email for an office file)', () => {
    const r = parseTimetableCsv('day,from,to\nMonday,09:00,10:00\n', { weekAStart: null });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toEqual({ line: 1, message: expect.stringMatching(/needs the columns start, end/) });
    const office = parseTimetableCsv('day,start,end\nMonday,09:00,10:00\n', { weekAStart: null, needEmail: true });
    expect(office.ok).toBe(false);
  });

  it('reports a broken CSV structure with its line', () => {
    const r = parseTimetableCsv('day,start,end\nMonday,09:00,10:00\nTuesday,"09:00,10:00\n', { weekAStart: null });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/could not be read as CSV/);
  });

  it('keeps to the row limit', () => {
    const rows = ['day,start,end', ...Array.from({ length: 11 }, () => 'Monday,09:00,10:00')].join('\n');
    const r = parseTimetableCsv(rows, { weekAStart: null, maxRows: 10 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/at most 10 rows/);
  });

  it('counts rows, not lines: blank lines do not hide a row past the limit, and its line is named', () => {
    const rows = ['day,start,end', ...Array.from({ length: 10 }, () => 'Monday,09:00,10:00'), '', '', 'Tuesday,09:00,10:00'].join('\n');
    const r = parseTimetableCsv(rows, { weekAStart: null, maxRows: 10 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toEqual({ line: 14, message: expect.stringMatching(/at most 10 rows/) });
    const fits = parseTimetableCsv(['day,start,end', ...Array.from({ length: 10 }, () => 'Monday,09:00,10:00'), '', ''].join('\n'), { weekAStart: null, maxRows: 10 });
    expect(fits.ok).toBe(true);
  });

  it('reads a row whose day is a date, with no times, as days the school is closed: one date or two, as ISO or as dates are written in England', () => {
    const text = ['day,start,end,label', 'Monday,09:00,10:00,P1', '2027-01-04,,,INSET day', '21/12/2026 to 1/1/2027,,,Christmas holidays', '15/02/2027 – 19/02/2027,,,', '29/02/2028,,,Leap day'].join('\n');
    const r = parseTimetableCsv(text, { weekAStart: null });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.periods).toHaveLength(1);
    // [from, to): the day after the last one, as a calendar's all-day events are kept.
    expect(r.closures).toEqual([
      { line: 3, from: '2027-01-04', to: '2027-01-05', label: 'INSET day' },
      { line: 4, from: '2026-12-21', to: '2027-01-02', label: 'Christmas holidays' },
      { line: 5, from: '2027-02-15', to: '2027-02-20', label: 'School closed' },
      { line: 6, from: '2028-02-29', to: '2028-03-01', label: 'Leap day' },
    ]);
  });

  it('says what is wrong with a closure row: a date that is not one, backwards, over a year, with times or a week', () => {
    const text = ['day,start,end,label,week', '31/02/2027,,,x,', '2027-13-01,,,x,', '04/01/2027 to 01/01/2027,,,x,', '2026-01-01 to 2027-06-01,,,x,', '04/01/2027,09:00,10:00,x,', '04/01/2027,,,x,A', 'Monday to Friday,09:00,10:00,x,'].join('\n');
    const r = parseTimetableCsv(text, { weekAStart: '2026-09-07' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.line, p.message])).toEqual([
      [2, expect.stringMatching(/"31\/02\/2027" is not a date: write dates as 2026-12-21 or 21\/12\/2026/)],
      [3, expect.stringMatching(/"2027-13-01" is not a date/)],
      [4, expect.stringMatching(/ends \(2027-01-01\) before it starts \(2027-01-04\)/)],
      [5, expect.stringMatching(/at most 366 days; this one is 517/)],
      [6, expect.stringMatching(/leave its start and end empty/)],
      [7, expect.stringMatching(/leave its week empty/)],
      // Not a date: named as a day of the week that is not one, with the date form offered.
      [8, expect.stringMatching(/day "Monday to Friday" is not a day of the week .*a date such as 21\/12\/2026/)],
    ]);
  });

  it('in an office file, a closure row may name one person or, with no email, be everyone’s', () => {
    const r = parseTimetableCsv('email,day,start,end\na@x.org,Mon,09:00,10:00\n,2027-01-04,,\nA@x.org,2027-01-05,,\n,Tue,09:00,10:00\n', { weekAStart: null, needEmail: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // A lesson still needs its person.
    expect(r.problems).toEqual([{ line: 5, message: 'email is missing' }]);
    const ok = parseTimetableCsv('email,day,start,end\na@x.org,Mon,09:00,10:00\n,2027-01-04,,\nA@x.org,2027-01-05,,\n', { weekAStart: null, needEmail: true });
    expect(ok.ok && ok.closures.map((c) => [c.from, c.email])).toEqual([['2027-01-04', undefined], ['2027-01-05', 'a@x.org']]);
  });
});
