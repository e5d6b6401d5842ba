/**
 * Time zones for calendars without a time zone package: wall-clock times and VTIMEZONE
 * components are computed from the runtime's own IANA data (Intl), so they agree with
 * every other place the service shows a local time.
 *
 * ical-generator writes `DTSTART;TZID=...` from a Temporal.ZonedDateTime-like value; Node 20
 * has no Temporal, so `zoned()` gives the small part of that shape the library reads.
 */
import type { ICalTemporalInstantStub, ICalTemporalPlainDateTimeStub, ICalTemporalZonedDateTimeStub } from 'ical-generator';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The local date and time at `epochMs` in `timeZone`. */
export function wallClock(epochMs: number, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** UTC offset in minutes at `epochMs` in `timeZone` (e.g. +60 for BST). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const w = wallClock(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

const pad = (n: number, len = 2) => String(n).padStart(len, '0');

/** Per zone and UTC year: the offset at the year's start and every change within it. */
const yearOffsets = new Map<string, { initial: number; transitions: Transition[] }>();

/**
 * The UTC offset at `epochMs`, from the same transition table the VTIMEZONE is written from
 * (so a DTSTART and its VTIMEZONE always agree), cached per zone and year: rendering ten
 * thousand events costs a few hundred Intl calls, not tens of thousands.
 */
export function zoneOffset(epochMs: number, timeZone: string): number {
  const year = new Date(epochMs).getUTCFullYear();
  const key = `${timeZone}|${year}`;
  let table = yearOffsets.get(key);
  if (!table) {
    const start = Date.UTC(year, 0, 1);
    table = { initial: offsetMinutes(start, timeZone), transitions: offsetTransitions(timeZone, start, Date.UTC(year + 1, 0, 1)) };
    if (yearOffsets.size > 10_000) yearOffsets.clear();
    yearOffsets.set(key, table);
  }
  let offset = table.initial;
  for (const t of table.transitions) {
    if (t.at > epochMs) break;
    offset = t.to;
  }
  return offset;
}

/** The local date and time at `epochMs` in `timeZone`, via the cached offset table. */
function fastWallClock(epochMs: number, timeZone: string): WallClock {
  return wallAtOffset(epochMs, zoneOffset(epochMs, timeZone));
}

/** `YYYY-MM-DD HH:mm` local time, for spreadsheets. */
export function localDateTime(iso: string, timeZone: string): string {
  const w = fastWallClock(Date.parse(iso), timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

const isoText = (w: WallClock) => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;

class PlainDateTime implements ICalTemporalPlainDateTimeStub {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  constructor(w: WallClock, private readonly epochMs: number, private readonly zoneId: string) {
    this.year = w.year;
    this.month = w.month;
    this.day = w.day;
    this.hour = w.hour;
    this.minute = w.minute;
    this.second = w.second;
  }
  toString() {
    return isoText(this);
  }
  toJSON() {
    return isoText(this);
  }
  toPlainDate() {
    const text = isoText(this).slice(0, 10);
    return { year: this.year, month: this.month, day: this.day, toJSON: () => text, toString: () => text };
  }
  toZonedDateTime(timeZone: string) {
    return new ZonedDateTime(this.epochMs, timeZone ?? this.zoneId);
  }
}

/** An instant seen in a time zone, in the Temporal.ZonedDateTime shape ical-generator accepts. */
class ZonedDateTime implements ICalTemporalZonedDateTimeStub {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  constructor(readonly epochMilliseconds: number, readonly timeZoneId: string) {
    const w = fastWallClock(epochMilliseconds, timeZoneId);
    this.year = w.year;
    this.month = w.month;
    this.day = w.day;
    this.hour = w.hour;
    this.minute = w.minute;
    this.second = w.second;
  }
  toInstant(): ICalTemporalInstantStub {
    return new Instant(this.epochMilliseconds);
  }
  toString() {
    return `${new Date(this.epochMilliseconds).toISOString()}[${this.timeZoneId}]`;
  }
  toJSON() {
    return this.toString();
  }
  toPlainDateTime() {
    return new PlainDateTime(this, this.epochMilliseconds, this.timeZoneId);
  }
  withTimeZone(timeZone: string) {
    return timeZone === this.timeZoneId ? this : new ZonedDateTime(this.epochMilliseconds, timeZone);
  }
}

/**
 * An instant in the Temporal.Instant shape. A class, not an object of closures: ical-generator
 * asks for several per event, and closures made per call cost more than the rest of it.
 */
class Instant implements ICalTemporalInstantStub {
  constructor(readonly epochMilliseconds: number) {}
  toJSON() {
    return new Date(this.epochMilliseconds).toISOString();
  }
  toString() {
    return this.toJSON();
  }
  toZonedDateTimeISO(timeZone: string) {
    return new ZonedDateTime(this.epochMilliseconds, timeZone);
  }
}

/** An instant seen in a time zone, for ical-generator's DTSTART/DTEND with TZID. */
export function zoned(epochMs: number, timeZone: string): ICalTemporalZonedDateTimeStub {
  return new ZonedDateTime(epochMs, timeZone);
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

/** Every change of UTC offset in [startMs, endMs), found to the minute. */
export function offsetTransitions(timeZone: string, startMs: number, endMs: number): Transition[] {
  const DAY = 86_400_000;
  const out: Transition[] = [];
  let prevT = startMs;
  let prevOff = offsetMinutes(startMs, timeZone);
  for (let t = startMs + DAY; t <= endMs + DAY; t += DAY) {
    const off = offsetMinutes(t, timeZone);
    if (off !== prevOff) {
      // The change lies in (prevT, t]: narrow it to the minute.
      let lo = prevT;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetMinutes(mid, timeZone) === prevOff) lo = mid;
        else hi = mid;
      }
      if (hi < endMs) out.push({ at: hi, from: prevOff, to: offsetMinutes(hi, timeZone) });
      prevOff = offsetMinutes(t, timeZone);
    }
    prevT = t;
  }
  return out;
}

const fmtOffset = (m: number) => `${m < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(m) / 60))}${pad(Math.abs(m) % 60)}`;
const fmtLocal = (w: WallClock) => `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
/** The wall clock at `epochMs` in a fixed offset (a VTIMEZONE's DTSTART is local time in TZOFFSETFROM). */
function wallAtOffset(epochMs: number, offset: number): WallClock {
  const d = new Date(epochMs + offset * 60_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

const shortNames = new Map<string, Intl.DateTimeFormat>();
function zoneAbbreviation(epochMs: number, timeZone: string): string | null {
  let f = shortNames.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' });
    shortNames.set(timeZone, f);
  }
  const name = f.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  // TZNAME is plain text; keep it to the characters a zone abbreviation uses.
  return /^[A-Za-z0-9+\-:]{1,16}$/.test(name) ? name : null;
}

const cache = new Map<string, string | null>();

/**
 * A VTIMEZONE for `timeZone` that is exact for every instant in the years
 * [fromYear, toYear]: one component per actual change of offset (no RRULE to guess), so
 * clients convert local times to the same UTC instants the service stored. Null for UTC
 * (times in UTC need no VTIMEZONE) and for zones the runtime does not know.
 */
export function vtimezone(timeZone: string, fromYear: number, toYear: number): string | null {
  if (timeZone === 'UTC') return null;
  const key = `${timeZone}|${fromYear}|${toYear}`;
  if (cache.has(key)) return cache.get(key)!;
  let result: string | null = null;
  try {
    formatter(timeZone);
    if (/^[A-Za-z0-9_+\-/]+$/.test(timeZone)) {
      const start = Date.UTC(fromYear, 0, 1) - 14 * 3_600_000;
      const end = Date.UTC(toYear + 1, 0, 1) + 14 * 3_600_000;
      const transitions = offsetTransitions(timeZone, start, end);
      const initial = offsetMinutes(start, timeZone);
      const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`, `X-LIC-LOCATION:${timeZone}`];
      const component = (kind: 'STANDARD' | 'DAYLIGHT', at: number, from: number, to: number) => {
        const name = zoneAbbreviation(at, timeZone);
        lines.push(`BEGIN:${kind}`, `DTSTART:${fmtLocal(wallAtOffset(at, from))}`, `TZOFFSETFROM:${fmtOffset(from)}`, `TZOFFSETTO:${fmtOffset(to)}`);
        if (name) lines.push(`TZNAME:${name}`);
        lines.push(`END:${kind}`);
      };
      // The offset in force at the start of the range; it is summer time if the first change goes back.
      const firstGoesBack = transitions.length > 0 && transitions[0]!.to < transitions[0]!.from;
      component(firstGoesBack ? 'DAYLIGHT' : 'STANDARD', start, initial, initial);
      for (const t of transitions) component(t.to > t.from ? 'DAYLIGHT' : 'STANDARD', t.at, t.from, t.to);
      lines.push('END:VTIMEZONE');
      result = lines.join('\r\n');
    }
  } catch {
    result = null;
  }
  cache.set(key, result);
  return result;
}

/** The calendar years an event from `startIso` to `endIso` touches, with a year either side. */
export function yearsAround(startIso: string, endIso: string): [number, number] {
  return [new Date(startIso).getUTCFullYear() - 1, new Date(endIso).getUTCFullYear() + 1];
}
