/**
 * Time zones for the calendars the service writes, from kept libraries: Temporal
 * (temporal-polyfill, on the runtime's own IANA data, the same data every other local time
 * the service shows comes from) finds each zone's changes of offset, and
 * timezones-ical-library gives the VTIMEZONE components.
 *
 * The polyfill computes a wall clock through several Intl calls (tens of microseconds), so
 * a 10,000-event feed asking it for every DTSTART and DTEND took seconds. Here Temporal is
 * asked once per zone and year for that year's changes of offset; each event's wall clock
 * is then arithmetic, handed to ical-generator in the Temporal.ZonedDateTime shape it reads.
 */
import ICAL from 'ical.js';
import type { ICalTemporalInstantStub, ICalTemporalPlainDateTimeStub, ICalTemporalZonedDateTimeStub } from 'ical-generator';
import { Temporal } from 'temporal-polyfill';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

const MINUTE = 60_000;

interface Transition {
  at: number;
  /** Offsets in minutes east of UTC before and after `at`. */
  from: number;
  to: number;
}

interface YearTable {
  initial: number;
  transitions: Transition[];
  /** Does our VTIMEZONE, read as ical.js reads it, give the same offsets all year? */
  vtimezoneAgrees: boolean;
}

const years = new Map<string, YearTable>();

/** A zone's offset at the start of a UTC year and every change within it, from Temporal; cached. */
function yearTable(timeZone: string, year: number): YearTable {
  const key = `${timeZone}|${year}`;
  let table = years.get(key);
  if (table) return table;
  const end = Date.UTC(year + 1, 0, 1);
  let at = Temporal.Instant.fromEpochMilliseconds(Date.UTC(year, 0, 1)).toZonedDateTimeISO(timeZone);
  const initial = at.offsetNanoseconds / 60e9;
  const transitions: Transition[] = [];
  for (let from = initial; ; ) {
    const next = at.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= end) break;
    const to = next.offsetNanoseconds / 60e9;
    transitions.push({ at: next.epochMilliseconds, from, to });
    from = to;
    at = next;
  }
  const block = zoneBlock(timeZone);
  table = { initial, transitions, vtimezoneAgrees: block !== null && sameChanges(block.reader, year, initial, transitions) };
  if (years.size > 10_000) years.clear();
  years.set(key, table);
  return table;
}

/** The offset at `epochMs` in `timeZone`, in minutes east of UTC (e.g. +60 for BST). */
function offsetAt(epochMs: number, timeZone: string): number {
  const table = yearTable(timeZone, new Date(epochMs).getUTCFullYear());
  let offset = table.initial;
  for (const t of table.transitions) {
    if (t.at > epochMs) break;
    offset = t.to;
  }
  return offset;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(epochMs: number, timeZone: string): WallClock {
  const d = new Date(epochMs + offsetAt(epochMs, timeZone) * MINUTE);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

const pad = (n: number, len = 2) => String(n).padStart(len, '0');
const isoText = (w: WallClock) => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;

/** `YYYY-MM-DD HH:mm` local time, for spreadsheets. */
export function localDateTime(iso: string, timeZone: string): string {
  return isoText(wallClock(Date.parse(iso), timeZone)).slice(0, 16).replace('T', ' ');
}

/** The wall clock of an instant, in the Temporal.PlainDateTime shape ical-generator reads. */
class PlainDateTime implements ICalTemporalPlainDateTimeStub {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  constructor(w: WallClock, private readonly epochMs: number) {
    ({ year: this.year, month: this.month, day: this.day, hour: this.hour, minute: this.minute, second: this.second } = w);
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
    return new ZonedDateTime(this.epochMs, timeZone);
  }
}

/** An instant seen in a time zone, in the Temporal.ZonedDateTime shape ical-generator reads. */
class ZonedDateTime implements ICalTemporalZonedDateTimeStub {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  constructor(
    readonly epochMilliseconds: number,
    readonly timeZoneId: string,
  ) {
    ({ year: this.year, month: this.month, day: this.day, hour: this.hour, minute: this.minute, second: this.second } = wallClock(epochMilliseconds, timeZoneId));
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
    return new PlainDateTime(this, this.epochMilliseconds);
  }
  withTimeZone(timeZone: string) {
    return timeZone === this.timeZoneId ? this : new ZonedDateTime(this.epochMilliseconds, timeZone);
  }
}

/** An instant in the Temporal.Instant shape (a class: ical-generator asks for several per event). */
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

interface ZoneBlock {
  /** The VTIMEZONE component, CRLF line ends, without a final CRLF. */
  text: string;
  /** The same component as ical.js reads it: how a client will convert local times. */
  reader: ICAL.Timezone;
}

let known: Set<string> | null = null;
const blocks = new Map<string, ZoneBlock | null>();

function zoneBlock(timeZone: string): ZoneBlock | null {
  const cached = blocks.get(timeZone);
  if (cached !== undefined) return cached;
  known ??= new Set(tzlib_get_timezones() as string[]);
  let block: ZoneBlock | null = null;
  if (timeZone !== 'UTC' && known.has(timeZone)) {
    const found = tzlib_get_ical_block(timeZone);
    const raw = Array.isArray(found) ? found[0] : '';
    if (raw) {
      // A linked zone (Asia/Calcutta) comes under its target's name (Asia/Kolkata); the
      // events name the zone the session was given, so the component must too.
      const text = raw.replace(/^TZID:.*$/m, `TZID:${timeZone}`).replace(/^X-LIC-LOCATION:.*$/m, `X-LIC-LOCATION:${timeZone}`);
      const root = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${text}\r\nEND:VCALENDAR\r\n`) as unknown[]);
      block = { text, reader: new ICAL.Timezone(root.getFirstSubcomponent('vtimezone')!) };
    }
  }
  if (blocks.size > 1_000) blocks.clear();
  blocks.set(timeZone, block);
  return block;
}

/**
 * Does the VTIMEZONE, as ical.js expands it, change offset at the same instants as the
 * zone's own history in `year`, starting from the same offset?
 */
function sameChanges(reader: ICAL.Timezone, year: number, initial: number, transitions: Transition[]): boolean {
  // Expanding a time in the next year makes ical.js list every change up to it.
  reader.utcOffset(ICAL.Time.fromData({ year: year + 1, month: 1, day: 2, hour: 0, minute: 0, second: 0, isDate: false }));
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let before: number | null = null;
  const within: Transition[] = [];
  for (const c of reader.changes as { year: number; month: number; day: number; hour: number; minute: number; second: number; utcOffset: number; prevUtcOffset: number }[]) {
    // ical.js keeps each change's time in UTC.
    const at = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
    if (at <= start) before = c.utcOffset / 60;
    else if (at < end && c.utcOffset !== c.prevUtcOffset) within.push({ at, from: c.prevUtcOffset / 60, to: c.utcOffset / 60 });
  }
  if (before === null && within.length === 0) return false;
  if ((before ?? within[0]!.from) !== initial || within.length !== transitions.length) return false;
  return within.every((c, i) => c.at === transitions[i]!.at && c.to === transitions[i]!.to);
}

/**
 * The VTIMEZONE for `timeZone` (its current rules, as RRULEs, so it holds for any date
 * ahead). Null for UTC (times in UTC need none) and for zones the library does not know.
 */
export function vtimezone(timeZone: string): string | null {
  return zoneBlock(timeZone)?.text ?? null;
}

/**
 * Does the local time of `epochMs` in `timeZone`, written with TZID and read back through
 * our VTIMEZONE, name exactly this instant for every client? Not in the hour repeated when
 * clocks go back: RFC 5545 3.3.5 reads such a local time as the first one, ical.js (and so
 * the clients built on it) as the second, so neither is safe. Nor where the VTIMEZONE's
 * current rules differ from the zone's history (an old session in a zone that has since
 * changed its rules), nor in a zone with no VTIMEZONE. Such times are written in UTC.
 */
export function localTimeIsExact(epochMs: number, timeZone: string): boolean {
  const table = yearTable(timeZone, new Date(epochMs).getUTCFullYear());
  if (!table.vtimezoneAgrees) return false;
  for (const t of table.transitions) {
    const repeated = (t.from - t.to) * MINUTE;
    if (repeated > 0 && epochMs >= t.at - repeated && epochMs < t.at + repeated) return false;
  }
  return true;
}
