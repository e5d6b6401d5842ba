/**
 * The clash rule, as pure functions. A timetable keeps weekly lessons as local day and
 * wall-clock time in its own zone, and expands them to instants date by date, so a 13:00
 * lesson is at 13:00 on both sides of a clock change. Dated periods (calendar occurrences)
 * are exact instants already. Days the school is closed are free whatever else is listed.
 */

import { partitionPoint } from './sorted.js';

export type WeekLetter = 'A' | 'B';

/** A lesson every week (week null) or every other week (A or B). day: 1 = Monday .. 7 = Sunday. */
export interface WeeklyPeriod {
  day: number;
  /** 'HH:MM' local time in the timetable's zone. */
  start: string;
  end: string;
  week: WeekLetter | null;
  label: string;
}

export interface DatedPeriod {
  startsAt: string;
  endsAt: string;
  label: string;
}

/** Local dates [from, to) on which the school is closed. */
export interface FreeDays {
  from: string;
  to: string;
  label: string;
}

export interface TimetableRules {
  timeZone: string;
  /** Any date in Week A ('YYYY-MM-DD'); weeks alternate from its Monday. */
  weekAStart: string | null;
  weekly: WeeklyPeriod[];
  dated: DatedPeriod[];
  freeDays: FreeDays[];
}

export interface BusyPeriod {
  label: string;
  startsAt: string;
  endsAt: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock parts of an instant in a zone. */
export function localParts(ms: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** Minutes the zone is ahead of UTC at this instant. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
}

/**
 * The instant at which a zone's clocks show this wall-clock time. In the hour skipped in
 * spring the time is read with the offset from before the change (so 01:30 becomes 02:30).
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  // A pure function of its arguments, and a costly one (six reads of the zone's clock), asked
  // the same few questions over and over: a cover report places the same lesson times on the
  // same dates for every person. The answers are kept, up to a bound.
  const key = `${timeZone} ${year} ${month} ${day} ${hour} ${minute}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const instant = computeZonedTimeToUtc(year, month, day, hour, minute, timeZone);
  if (instants.size >= MAX_KEPT_INSTANTS) instants.clear();
  instants.set(key, instant);
  return instant;
}

const MAX_KEPT_INSTANTS = 50_000;
const instants = new Map<string, number>();

function computeZonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets in force a day either side: no zone changes its clocks twice in two days.
  const before = zoneOffsetMinutes(wall - DAY, timeZone);
  const after = zoneOffsetMinutes(wall + DAY, timeZone);
  const readBefore = wall - before * MINUTE;
  const readAfter = wall - after * MINUTE;
  const beforeFits = zoneOffsetMinutes(readBefore, timeZone) === before;
  const afterFits = zoneOffsetMinutes(readAfter, timeZone) === after;
  // Both fit in the hour repeated in autumn: the first of the two (RFC 5545 3.3.5).
  if (beforeFits && afterFits) return Math.min(readBefore, readAfter);
  if (afterFits) return readAfter;
  return readBefore; // fits, or falls in the hour skipped in spring
}

/** 'YYYY-MM-DD' of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date (a plain calendar date, no zone). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY);
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** Week A or B of a date, alternating from the Monday of the week that holds `weekAStart`. */
export function weekLetter(date: string, weekAStart: string): WeekLetter {
  const n = dayNumber(date);
  const a = dayNumber(weekAStart);
  const monday = (x: number) => x - (isoWeekday(x) - 1);
  const weeks = Math.round((monday(n) - monday(a)) / 7);
  return ((weeks % 2) + 2) % 2 === 0 ? 'A' : 'B';
}

export function parseHm(hm: string): { hour: number; minute: number } {
  const [h, m] = hm.split(':').map(Number) as [number, number];
  return { hour: h, minute: m };
}

/**
 * Closed days as sorted, merged local-date ranges [from, to), for a binary search. A
 * timetable may list thousands of closed days and is asked about hundreds of dates (and a
 * session list asks once per session), so the ranges are merged once per list, not scanned
 * per date. Kept by list; a list that has grown since is merged again.
 */
const freeIndexes = new WeakMap<readonly FreeDays[], { length: number; from: string[]; to: string[] }>();
function freeIndex(freeDays: readonly FreeDays[]) {
  const known = freeIndexes.get(freeDays);
  if (known && known.length === freeDays.length) return known;
  const from: string[] = [];
  const to: string[] = [];
  // 'YYYY-MM-DD' strings sort as dates do; an empty range (to <= from) frees no day.
  for (const f of freeDays.filter((x) => x.from < x.to).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    const last = to.length - 1;
    if (last >= 0 && f.from <= to[last]!) {
      if (f.to > to[last]!) to[last] = f.to;
    } else {
      from.push(f.from);
      to.push(f.to);
    }
  }
  const index = { length: freeDays.length, from, to };
  freeIndexes.set(freeDays, index);
  return index;
}

function isFree(date: string, index: { from: string[]; to: string[] }): boolean {
  // The number of ranges starting on or before the date; the last of them may hold it.
  const n = partitionPoint(index.from, (from) => from <= date);
  return n > 0 && date < index.to[n - 1]!;
}

/**
 * A dated period longer than this (leave or a secondment a calendar writes with times, up to 400
 * days: ics.ts) is kept apart from the index below and is busy all through, closed days included.
 */
export const LONG_PERIOD_MS = 31 * DAY;
type Span = { s: number; e: number; label: string };
/**
 * Dated periods sorted by start, with the longest one's length, so the periods overlapping a
 * window are found by a binary search (a session list asks once per session). Kept by list.
 * The long ones (LONG_PERIOD_MS) are listed apart: in the index one six-month event would have
 * every search look back six months, reading all of a person's lessons since.
 */
const datedIndexes = new WeakMap<readonly DatedPeriod[], { length: number; s: number[]; e: number[]; label: string[]; longest: number; long: Span[] }>();
function datedIndex(dated: readonly DatedPeriod[]) {
  const known = datedIndexes.get(dated);
  if (known && known.length === dated.length) return known;
  const all = dated.map((p) => ({ s: Date.parse(p.startsAt), e: Date.parse(p.endsAt), label: p.label })).filter((p) => !Number.isNaN(p.s) && !Number.isNaN(p.e));
  all.sort((a, b) => a.s - b.s);
  const short = all.filter((p) => p.e - p.s <= LONG_PERIOD_MS);
  const index = { length: dated.length, s: short.map((p) => p.s), e: short.map((p) => p.e), label: short.map((p) => p.label), longest: short.reduce((m, p) => Math.max(m, p.e - p.s), 0), long: all.filter((p) => p.e - p.s > LONG_PERIOD_MS) };
  datedIndexes.set(dated, index);
  return index;
}

type WeeklyLesson = { hour: number; minute: number; endHour: number; endMinute: number; week: WeekLetter | null; label: string };
/**
 * Each weekday's lessons with their times read once, kept by list as the indexes above are: a
 * session list checking a page of sessions against a timetable of 2,000 lessons built this
 * afresh for every session (about a millisecond each).
 */
const weeklyIndexes = new WeakMap<readonly WeeklyPeriod[], { length: number; byDay: Map<number, WeeklyLesson[]> }>();
function weeklyIndex(weekly: readonly WeeklyPeriod[]): Map<number, WeeklyLesson[]> {
  const known = weeklyIndexes.get(weekly);
  if (known && known.length === weekly.length) return known.byDay;
  const byDay = new Map<number, WeeklyLesson[]>();
  for (const p of weekly) {
    const st = parseHm(p.start);
    const en = parseHm(p.end);
    const list = byDay.get(p.day) ?? [];
    list.push({ hour: st.hour, minute: st.minute, endHour: en.hour, endMinute: en.minute, week: p.week, label: p.label });
    byDay.set(p.day, list);
  }
  weeklyIndexes.set(weekly, { length: weekly.length, byDay });
  return byDay;
}

/**
 * A zone's clock (below), kept per zone while it has read the offsets of fewer than 20,000
 * days (a day is a number each); past that it starts afresh, so what it keeps stays small.
 */
const zoneClocks = new Map<string, ReturnType<typeof zoneClock>>();
function zoneClockOf(timeZone: string) {
  const known = zoneClocks.get(timeZone);
  if (known && known.daysRead() < 20_000) return known;
  if (zoneClocks.size > 500) zoneClocks.clear();
  const made = zoneClock(timeZone);
  zoneClocks.set(timeZone, made);
  return made;
}

/**
 * One zone's clock for one question: its offset read once per UTC day (two reads of the
 * zone's clock) rather than six reads per period placed. Like zonedTimeToUtc it takes it
 * that no zone changes its clocks twice within a day; on and around the days it does
 * change them, it asks zonedTimeToUtc and localDate, so every answer is theirs.
 */
function zoneClock(timeZone: string) {
  const offsets = new Map<number, number>();
  const offsetAt = (dayNo: number) => {
    let o = offsets.get(dayNo);
    if (o === undefined) {
      o = zoneOffsetMinutes(dayNo * DAY, timeZone);
      offsets.set(dayNo, o);
    }
    return o;
  };
  return {
    /** How many days' offsets it holds. */
    daysRead: () => offsets.size,
    /** zonedTimeToUtc for a time on local date `dayNo` (y-m-d). */
    toUtc(dayNo: number, y: number, m: number, d: number, hour: number, minute: number): number {
      const off = offsetAt(dayNo);
      // The same offset from the day before to two days after: zonedTimeToUtc, which reads
      // the offsets a day either side of the wall-clock time, would find this one too.
      if (offsetAt(dayNo - 1) === off && offsetAt(dayNo + 1) === off && offsetAt(dayNo + 2) === off) return Date.UTC(y, m - 1, d, hour, minute) - off * MINUTE;
      return zonedTimeToUtc(y, m, d, hour, minute, timeZone);
    },
    /** localDate of an instant. */
    localDate(ms: number): string {
      const u = Math.floor(ms / DAY);
      const off = offsetAt(u);
      if (offsetAt(u + 1) === off) return dateOfDayNumber(Math.floor((ms + off * MINUTE) / DAY));
      return localDate(ms, timeZone);
    },
  };
}

/**
 * Every busy period of the timetable that overlaps [fromMs, toMs), soonest first. Weekly
 * lessons are placed on each local date in the window; dated periods are taken as they
 * are. Anything on a free day is left out.
 *
 * With a `limit`, it stops once it has found more than `limit` periods (and then returns
 * limit + 1 of them, not the first ones in order): the caller refuses the question rather
 * than have the whole expansion done for an answer it will not give.
 */
export function busyPeriods(tt: TimetableRules, fromMs: number, toMs: number, limit = Infinity): BusyPeriod[] {
  const out: { s: number; e: number; label: string }[] = [];
  const free = freeIndex(tt.freeDays);
  const clock = zoneClockOf(tt.timeZone);
  if (tt.weekly.length) {
    const byDay = weeklyIndex(tt.weekly);
    // A day either side covers any zone offset.
    const first = dayNumber(localDate(fromMs, tt.timeZone)) - 1;
    const last = dayNumber(localDate(toMs, tt.timeZone)) + 1;
    days: for (let n = first; n <= last; n++) {
      const lessons = byDay.get(isoWeekday(n));
      if (!lessons) continue;
      const date = dateOfDayNumber(n);
      if (isFree(date, free)) continue;
      const letter = tt.weekAStart ? weekLetter(date, tt.weekAStart) : null;
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      for (const p of lessons) {
        // Without a Week A date a week-tagged lesson is taken as every week: it is safer to
        // warn about a clash that may not be there than to miss one.
        if (p.week && letter && p.week !== letter) continue;
        const s = clock.toUtc(n, y, m, d, p.hour, p.minute);
        const e = clock.toUtc(n, y, m, d, p.endHour, p.endMinute);
        if (s < toMs && e > fromMs) out.push({ s, e, label: p.label });
        if (out.length > limit) break days;
      }
    }
  }
  if (out.length <= limit) {
    const dated = datedIndex(tt.dated);
    // The first period that could reach into the window starts at most `longest` before it.
    const first = partitionPoint(dated.s, (s) => s < fromMs - dated.longest);
    for (let i = first; i < dated.s.length && dated.s[i]! < toMs; i++) {
      const s = dated.s[i]!;
      const e = dated.e[i]!;
      if (!(e > fromMs)) continue;
      if (isFree(clock.localDate(s), free)) continue;
      out.push({ s, e, label: dated.label[i]! });
      if (out.length > limit) break;
    }
    // Busy all through, whatever day it starts on: someone away for a term is away on an INSET day too.
    for (const p of dated.long) if (p.s < toMs && p.e > fromMs && out.length <= limit) out.push({ ...p });
  }
  out.sort((a, b) => a.s - b.s || a.e - b.e || a.label.localeCompare(b.label));
  return out.map((p) => ({ label: p.label, startsAt: new Date(p.s).toISOString(), endsAt: new Date(p.e).toISOString() }));
}

export interface SessionWindow {
  startsAt: string;
  endsAt: string;
}

/**
 * The busy periods a session clashes with. A period clashes when it overlaps the session
 * widened by `bufferMinutes` on each side (travel to and from an in-person session); a
 * period that only touches it (ends as the session starts) does not.
 */
export function clashesWith(tt: TimetableRules, session: SessionWindow, bufferMinutes = 0): BusyPeriod[] {
  const from = Date.parse(session.startsAt) - bufferMinutes * MINUTE;
  const to = Date.parse(session.endsAt) + bufferMinutes * MINUTE;
  return busyPeriods(tt, from, to);
}

/** Travel buffer for a seat: in-person attendance travels, online does not. */
export function bufferFor(seat: 'in_person' | 'online', travelBufferMinutes: number): number {
  return seat === 'in_person' ? travelBufferMinutes : 0;
}

/**
 * The seat a person would most likely take when browsing: online where a session offers
 * online seats (no travel), else in person.
 */
export function likelySeat(session: { mode: 'online' | 'in_person' | 'hybrid'; capacity_online?: number; capacityOnline?: number }): 'in_person' | 'online' {
  if (session.mode === 'online') return 'online';
  if (session.mode === 'in_person') return 'in_person';
  const online = session.capacity_online ?? session.capacityOnline ?? 0;
  return online > 0 ? 'online' : 'in_person';
}

/** The organisation settings this domain reads, parsed leniently from the settings JSON. */
export function timetableSettings(settingsJson: string | null | undefined): { weekAStart: string | null; travelBufferMinutes: number } {
  let s: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(settingsJson || '{}');
    if (parsed && typeof parsed === 'object') s = parsed as Record<string, unknown>;
  } catch {
    s = {};
  }
  const weekAStart = typeof s.weekAStart === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s.weekAStart) && !Number.isNaN(Date.parse(s.weekAStart)) ? s.weekAStart : null;
  const b = s.travelBufferMinutes;
  const travelBufferMinutes = typeof b === 'number' && Number.isFinite(b) && b >= 0 && b <= 24 * 60 ? Math.round(b) : 30;
  return { weekAStart, travelBufferMinutes };
}
