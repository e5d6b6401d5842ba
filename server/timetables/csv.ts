/**
 * Reads a CSV timetable: a header row with day,start,end and optional label,week (and, for
 * office uploads, email). Times are 24-hour HH:MM, or HH:MM:SS rounded to the minute, or
 * written as people write them (9.00, 13.30, 9am, 3:30pm). A row whose day is a date (or two
 * dates, "21/12/2026 to 01/01/2027"), with start and end left empty, marks days the school is
 * closed (INSET days, holidays), as a busy all-day event does in a calendar file: lessons on
 * them do not count. Every bad row is reported by its line number; nothing is returned
 * unless every row is good.
 */
import { parse } from 'csv-parse/sync';
import { csvErrorLine, csvReadProblem } from '../platform/csv-errors.js';
import { csvDelimiter } from '../../shared/spreadsheet-text.js';
import { MAX_LESSON_NAME_CHARS } from '../../shared/timetables.js';
import type { WeekLetter, WeeklyPeriod } from './clash.js';

export interface RowProblem {
  line: number;
  message: string;
}

export interface CsvPeriod extends WeeklyPeriod {
  line: number;
  email?: string;
}

/** Days the school is closed, from a row whose day is a date: local dates [from, to), as a calendar's all-day events are kept. */
export interface CsvClosure {
  line: number;
  from: string;
  to: string;
  label: string;
  /** An office file's row for one person; none: everyone the file names. */
  email?: string;
}

export const MAX_CSV_ROWS = 20_000;
/** The longest closure one row may mark (a school's longest holiday is six weeks; a typo in a year is not). */
export const MAX_CLOSURE_DAYS = 366;

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

/** 2026-12-21, or 21/12/2026 as dates are written in England: 'YYYY-MM-DD', null when not a real date. */
export function readDate(v: string): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : [];
  if (!y) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // Date.UTC rolls 31/02 over into March: a date that does not come back as written is not one.
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return date.toISOString().slice(0, 10);
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const DATES = /^(.+?)\s+(?:to|-|–|—)\s+(.+)$/i;
/** Looks like a date (digits with / or -), so a bad one is named as a date, not as a day of the week. */
const DATE_LIKE = /^\d{1,4}[-/]\d{1,2}[-/]\d{1,4}(\s|$)/;

/** A closure row's day cell: one date or two (inclusive), as [from, to); or what is wrong with it. */
function readClosure(raw: string): { from: string; to: string } | { problem: string } {
  const pair = DATES.exec(raw);
  const [a, b] = pair ? [pair[1]!, pair[2]!] : [raw, raw];
  const from = readDate(a.trim());
  const last = readDate(b.trim());
  const bad = !from ? a : !last ? b : null;
  if (bad !== null) return { problem: `"${clip(bad.trim())}" is not a date: write dates as 2026-12-21 or 21/12/2026` };
  if (last! < from!) return { problem: `the closure ends (${last}) before it starts (${from})` };
  const days = (Date.parse(last!) - Date.parse(from!)) / 86_400_000 + 1;
  if (days > MAX_CLOSURE_DAYS) return { problem: `a closure may span at most ${MAX_CLOSURE_DAYS} days; this one is ${days}` };
  return { from: from!, to: nextDay(last!) };
}

export type CsvResult = { ok: true; periods: CsvPeriod[]; closures: CsvClosure[] } | { ok: false; problems: RowProblem[] };

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
  const closures: CsvClosure[] = [];
  for (const { record: r, info } of records) {
    const line = info.lines;
    const rowProblems: string[] = [];
    const dayRaw = (r.day ?? '').trim();
    // Counted as every text limit is (NFC, trimmed, shared/common.ts Text) and refused over
    // it, never cut: the file is the person's own, and a cut could split a character in two.
    const label = (r.label ?? '').replace(CONTROL, ' ').normalize('NFC').trim();
    const labelTooLong = label.length > MAX_LESSON_NAME_CHARS;
    const email = opts.needEmail ? (r.email ?? '').trim().toLowerCase() : '';
    if (opts.needEmail && email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) rowProblems.push(`email "${clip(email)}" is not an email address`);
    if (!DAYS[dayRaw.toLowerCase()] && DATE_LIKE.test(dayRaw)) {
      // Days the school is closed: no times (the whole day), no week (it is dated), and in an
      // office's file for one person (email) or, with the email left empty, everyone it names.
      const closure = readClosure(dayRaw);
      if ('problem' in closure) rowProblems.push(`day ${closure.problem}`);
      if ((r.start ?? '').trim() || (r.end ?? '').trim()) rowProblems.push('a row with a date marks the school closed all day: leave its start and end empty (lessons are listed by day of the week)');
      if ((r.week ?? '').trim()) rowProblems.push('a row with a date marks the school closed that day: leave its week empty');
      if (labelTooLong) rowProblems.push(nameTooLong('the name of the closed day', label));
      if (rowProblems.length) problems.push({ line, message: rowProblems.join('; ') });
      else if (!('problem' in closure)) closures.push({ line, ...closure, label: label || 'School closed', ...(email ? { email } : {}) });
      continue;
    }
    const day = DAYS[dayRaw.toLowerCase()];
    if (!day) rowProblems.push(dayRaw ? `day "${clip(dayRaw)}" is not a day of the week (use Monday..Sunday or Mon..Sun, or a date such as 21/12/2026 with no times for a day the school is closed)` : 'day is missing');
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
    if (opts.needEmail && !email) rowProblems.push('email is missing');
    if (labelTooLong) rowProblems.push(nameTooLong('the lesson name', label));
    if (rowProblems.length) {
      problems.push({ line, message: rowProblems.join('; ') });
      continue;
    }
    periods.push({ line, day: day!, start: start!, end: end!, week, label: label || 'Busy', ...(email ? { email } : {}) });
  }
  return problems.length ? { ok: false, problems } : { ok: true, periods, closures };
}

/** A week A/B row when the organisation has no Week A date, in the words of the people who upload: what to do, and where it is set. */
const WITHOUT_WEEK_A = (week: WeekLetter) =>
  `this lesson is for week ${week}, but your school has no Week A start date yet, so week A and week B cannot be told apart: leave the week column empty for lessons every week, or ask an administrator to set “Week A starts on” for your school on its Organisations page`;

/** A label over the limit, in plain words: how long it is and how long it may be ("the lesson name in the label column is 206 characters; at most 200"). */
const nameTooLong = (what: string, label: string) =>
  `${what} in the label column is ${label.length.toLocaleString('en-GB')} characters; at most ${MAX_LESSON_NAME_CHARS.toLocaleString('en-GB')}`;

/** A cell quoted in a message: its first 40 characters, cut at a whole character (never half an emoji). */
const clip = (s: string) => (s.length > 40 ? `${s.slice(0, /[\ud800-\udbff]/.test(s[39]!) ? 39 : 40)}…` : s).replace(CONTROL, ' ');
