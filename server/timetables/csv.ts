/**
 * Reads a CSV timetable: a header row with day,start,end and optional label,week (and, for
 * office uploads, email). Times are 24-hour HH:MM, or HH:MM:SS rounded to the minute, or
 * written as people write them (9.00, 13.30, 9am, 3:30pm). Every bad row is reported by its line number; nothing is returned
 * unless every row is good.
 */
import { parse } from 'csv-parse/sync';
import { csvErrorLine, csvReadProblem } from '../platform/csv-errors.js';
import { csvDelimiter } from '../../shared/spreadsheet-text.js';
import type { WeekLetter, WeeklyPeriod } from './clash.js';

export interface RowProblem {
  line: number;
  message: string;
}

export interface CsvPeriod extends WeeklyPeriod {
  line: number;
  email?: string;
}

export const MAX_CSV_ROWS = 20_000;

const DAYS: Record<string, number> = {
  monday: 1, mon: 1,
  tuesday: 2, tue: 2, tues: 2,
  wednesday: 3, wed: 3, weds: 3,
  thursday: 4, thu: 4, thur: 4, thurs: 4,
  friday: 5, fri: 5,
  saturday: 6, sat: 6,
  sunday: 7, sun: 7,
};

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?$/;
const CONTROL = /[\u0000-\u001f\u007f]/g;
const AMPM = /^(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*([ap])\.?\s*m\.?$/i;
const DOTTED = /^(0?[1-9]|1\d|2[0-3])\.([0-5]\d)$/;
/** A time Excel wrote as a fraction of a day (0.375 is 09:00): the cell was not formatted as a time. */
const DAY_FRACTION = /^(0?\.\d+|0|1)$/;

/** Why a start or end cell is not a time, in words that say what to do. */
function timeProblem(field: 'start' | 'end', raw: string | undefined): string {
  if (!raw) return `${field} is missing`;
  if (DAY_FRACTION.test(raw.trim())) return `${field} "${clip(raw)}" is a time Excel saved as a fraction of a day: in Excel format the start and end columns as Time (13:30) and save the file again`;
  return `${field} "${clip(raw)}" is not a time in 24-hour HH:MM form (e.g. 09:00 or 13:30)`;
}

/**
 * '9:05' -> '09:05'; null when not a 24-hour HH:MM time. Seconds are taken, as spreadsheets
 * write times ('09:00:00', Excel's own form; '08:59:59' from a time it worked out), and
 * rounded to the nearest minute (30 seconds and over up: '12:00:30' -> '12:01'); a time
 * that would round up to midnight stays 23:59.
 */
export function normaliseTime(v: string): string | null {
  const text = v.trim();
  // '9am', '3.30pm', '12:15 p.m.': 12am is midnight, 12pm noon.
  const ampm = AMPM.exec(text);
  if (ampm) {
    const h = (Number(ampm[1]) % 12) + (ampm[3]!.toLowerCase() === 'p' ? 12 : 0);
    return `${String(h).padStart(2, '0')}:${ampm[2] ?? '00'}`;
  }
  // '9.00', '13.30': the full stop English writing uses between hours and minutes. Never an
  // hour 0 ('0.375' is Excel's fraction of a day, see DAY_FRACTION) nor one digit after it.
  const dotted = DOTTED.exec(text);
  if (dotted) return `${dotted[1]!.padStart(2, '0')}:${dotted[2]}`;
  const m = TIME.exec(text);
  if (!m) return null;
  const minutes = Math.min(Number(m[1]) * 60 + Number(m[2]) + (Number(m[3] ?? 0) >= 30 ? 1 : 0), 24 * 60 - 1);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export type CsvResult = { ok: true; periods: CsvPeriod[] } | { ok: false; problems: RowProblem[] };

/**
 * Parses the text. `weekAStart` is the organisation's Week A date (rows for week A or B are
 * an error without it); `needEmail` asks for the office's email column.
 */
export function parseTimetableCsv(text: string, opts: { weekAStart: string | null; needEmail?: boolean; maxRows?: number }): CsvResult {
  const maxRows = opts.maxRows ?? MAX_CSV_ROWS;
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      // Comma, or the semicolon or tab the header row uses (a European Excel; "Unicode Text").
      delimiter: csvDelimiter(text),
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
      // One row past the limit, counted in rows (`to`), not lines: a blank line or a quoted
      // line break cannot push a row past the limit out of sight (to_line dropped it silently).
      to: maxRows + 1,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (e) {
    return { ok: false, problems: [{ line: csvErrorLine(e), message: `the file could not be read as CSV: ${csvReadProblem(e)}` }] };
  }
  if (records.length === 0) {
    return { ok: false, problems: [{ line: 1, message: `the file has no timetable rows; expected a header row ${opts.needEmail ? 'email,' : ''}day,start,end with optional label,week, then one row per lesson` }] };
  }
  const header = Object.keys(records[0]!.record);
  const required = [...(opts.needEmail ? ['email'] : []), 'day', 'start', 'end'];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    return { ok: false, problems: [{ line: 1, message: `the header row needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${header.join(', ') || 'nothing'})` }] };
  }
  if (records.length > maxRows) {
    return { ok: false, problems: [{ line: records[maxRows]!.info.lines, message: `a timetable file may hold at most ${maxRows} rows` }] };
  }

  const problems: RowProblem[] = [];
  const periods: CsvPeriod[] = [];
  for (const { record: r, info } of records) {
    const line = info.lines;
    const rowProblems: string[] = [];
    const dayRaw = (r.day ?? '').trim();
    const day = DAYS[dayRaw.toLowerCase()];
    if (!day) rowProblems.push(dayRaw ? `day "${clip(dayRaw)}" is not a day of the week (use Monday..Sunday or Mon..Sun)` : 'day is missing');
    const start = normaliseTime(r.start ?? '');
    const end = normaliseTime(r.end ?? '');
    if (!start) rowProblems.push(timeProblem('start', r.start));
    if (!end) rowProblems.push(timeProblem('end', r.end));
    if (start && end && end <= start) rowProblems.push(`end ${end} must be after start ${start}`);
    let week: WeekLetter | null = null;
    // Week A and B, or as many school systems export them, Week 1 and 2.
    const weekText = (r.week ?? '').trim().toUpperCase().replace(/^WEEK\s*/, '');
    const weekRaw = weekText === '1' ? 'A' : weekText === '2' ? 'B' : weekText;
    if (weekRaw) {
      if (weekRaw !== 'A' && weekRaw !== 'B') rowProblems.push(`week "${clip(r.week!)}" must be A, B (or 1, 2) or empty (every week)`);
      else if (!opts.weekAStart) rowProblems.push(WITHOUT_WEEK_A(weekRaw));
      else week = weekRaw;
    }
    const label = (r.label ?? '').replace(CONTROL, ' ').trim().slice(0, 200);
    let email: string | undefined;
    if (opts.needEmail) {
      email = (r.email ?? '').trim().toLowerCase();
      if (!email) rowProblems.push('email is missing');
      else if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) rowProblems.push(`email "${clip(email)}" is not an email address`);
    }
    if (rowProblems.length) {
      problems.push({ line, message: rowProblems.join('; ') });
      continue;
    }
    periods.push({ line, day: day!, start: start!, end: end!, week, label: label || 'Busy', ...(email ? { email } : {}) });
  }
  return problems.length ? { ok: false, problems } : { ok: true, periods };
}

/** A week A/B row when the organisation has no Week A date, in the words of the people who upload: what to do, and where it is set. */
const WITHOUT_WEEK_A = (week: WeekLetter) =>
  `this lesson is for week ${week}, but your school has no Week A start date yet, so week A and week B cannot be told apart: leave the week column empty for lessons every week, or ask an administrator to set “Week A starts on” for your school on its Organisations page`;

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s).replace(CONTROL, ' ');
