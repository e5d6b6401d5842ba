/**
 * Reads an ICS timetable, as school information systems and people's own calendars export
 * it: weekly RRULE lessons, EXDATE for lessons that do not happen, moved lessons
 * (RECURRENCE-ID), extra dates (RDATE, as dates or periods), TZID times (IANA names, the
 * file's own VTIMEZONEs, or the Windows names Outlook and Exchange write), floating times,
 * all-day events and files holding several VCALENDARs. ical.js parses the file and expands
 * RRULEs; this module turns each occurrence into an instant. An RRULE's UNTIL, an EXDATE and
 * a RECURRENCE-ID each name an instant, and are read as one, whatever zone each is written in
 * (ical.js compares them as written, and reads a TZID with no VTIMEZONE as floating). A moved
 * lesson is where its override puts it, even when the occurrence it replaces lies outside the
 * dates expanded or is not one the series has.
 *
 * The rule for what counts: an event counts only when it is busy: not TRANSP:TRANSPARENT,
 * not Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE, not STATUS:CANCELLED. A busy timed event
 * is a busy period (an event of zero length takes no time); a busy all-day event marks the
 * school as closed on those days (INSET days, holidays), so the person is free on them
 * whatever lessons the file also lists, unless it is shown as out of office
 * (X-MICROSOFT-CDO-BUSYSTATUS:OOF: leave, a trip): then the person is away, busy all day.
 */
import ICAL from 'ical.js';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { isTimeZone } from '../../shared/common.js';
import { MAX_LESSON_NAME_CHARS } from '../../shared/timetables.js';
import { LONG_PERIOD_MS, localParts, zonedTimeToUtc, type DatedPeriod, type FreeDays } from './clash.js';
import type { EventProblem } from './event-problems.js';
import { partitionPoint } from './sorted.js';

export { describeEvent, type EventProblem } from './event-problems.js';

export interface IcsTimetable {
  timeZone: string;
  dated: DatedPeriod[];
  freeDays: FreeDays[];
  /**
   * Event names (SUMMARY) longer than MAX_LESSON_NAME_CHARS among those kept, each counted
   * once however often its event repeats: kept shortened (shortenName), for the upload's
   * answer to say how many.
   */
  shortenedNames: number;
}

export type IcsResult = { ok: true; timetable: IcsTimetable } | { ok: false; problems: EventProblem[] };

export const MAX_EVENTS = 5_000;
export const MAX_OCCURRENCES = 20_000;
/**
 * Busy all-day events (days the school is closed) a timetable may hold in the window. A
 * school's year has a few dozen; even a mark on every day of the window is under 600.
 */
export const MAX_FREE_DAYS = 2_000;
/** Busy timed periods longer than 31 days (leave, secondments) a timetable may hold in the window. */
export const MAX_LONG_PERIODS = 100;
/** How far recurrences are expanded: from 180 days back to 400 days ahead of now. */
export const EXPAND_BACK_DAYS = 180;
export const EXPAND_AHEAD_DAYS = 400;
/** The occurrences one event may step through (from its DTSTART, before the window too). */
const MAX_ITERATIONS = 50_000;
const DAY = 86_400_000;
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Windows zone names (CLDR's windowsZones, kept by the windows-iana package), lower-cased, to their IANA zone. */
let windowsZones: Map<string, string> | null = null;
function windowsZone(name: string): string | null {
  if (!windowsZones) {
    windowsZones = new Map();
    // Territory 001 is CLDR's main zone for each Windows name.
    for (const z of WINDOWS_TO_IANA_MAP) if (z.territory === '001' && z.iana[0]) windowsZones.set(z.windowsName.toLowerCase(), z.iana[0]);
  }
  return windowsZones.get(name.toLowerCase()) ?? null;
}

const IANA_SHAPE = /^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2}|UTC|GMT|Etc\/[A-Za-z0-9+-]+)$/;

/**
 * The IANA zone a TZID (or X-WR-TIMEZONE) names: an IANA name, a Windows name such as
 * "Eastern Standard Time", or a vendor-prefixed IANA name such as
 * /mozilla.org/20050126_1/Europe/London. Null when it names none of these.
 */
export function ianaZone(tzid: string | null | undefined): string | null {
  const name = (tzid ?? '').trim().replace(/^"(.*)"$/, '$1');
  if (!name) return null;
  if (IANA_SHAPE.test(name) && isTimeZone(name)) return name;
  const windows = windowsZone(name);
  if (windows && isTimeZone(windows)) return windows;
  const tail = name.split('/').filter(Boolean).slice(-2).join('/');
  return tail !== name && /^[A-Za-z_]+\/[A-Za-z0-9_+-]+$/.test(tail) && isTimeZone(tail) ? tail : null;
}

const dateOf = (t: ICAL.Time) => `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;

/**
 * A property's text, control characters as spaces, in NFC and trimmed (as every text limit
 * counts it, shared/common.ts Text), at most MAX_LESSON_NAME_CHARS long: a longer one is
 * shortened at a whole character (shortenName). A calendar comes from a system the person
 * cannot change, so a long name is kept shortened rather than the calendar refused.
 */
function text(v: unknown): string | null {
  return nameOf(v)?.label ?? null;
}

/** An event's name as kept (text), and when it had to be shortened, the name as the file gave it (cleaned). */
function nameOf(v: unknown): { label: string; long: string | null } | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(CONTROL, ' ').normalize('NFC').trim();
  if (!s) return null;
  return s.length > MAX_LESSON_NAME_CHARS ? { label: shortenName(s), long: s } : { label: s, long: null };
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Where a shortened name may end at a word: a space no further back than this from the cut. */
const WORD_REACH = 40;

/**
 * `s` if it is at most `max` characters (UTF-16 units, as limits count them); otherwise its
 * start, cut between whole characters as people see them (grapheme clusters: an emoji, a
 * letter with its accents, a flag stay whole, and a surrogate pair is never split), at the
 * end of a word when one ends near the cut, followed by "…", `max` characters at most in all.
 */
export function shortenName(s: string, max = MAX_LESSON_NAME_CHARS): string {
  if (s.length <= max) return s;
  const room = max - 1;
  // Only the start is segmented (a calendar may repeat a long name thousands of times); a
  // boundary within `room` depends only on the characters up to it and the one after.
  let end = 0;
  for (const { index, segment } of graphemes.segment(s.slice(0, max + 1))) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  // One cluster longer than the room (a letter under hundreds of accents): cut between code points.
  if (end === 0) {
    for (const ch of s) {
      if (end + ch.length > room) break;
      end += ch.length;
    }
  }
  let kept = s.slice(0, end);
  // At a word's end when one is near (unless the cut already falls before a space), without
  // the spaces and punctuation that would be left hanging before the "…".
  if (!/\s/.test(s.charAt(end))) {
    let space = end - 1;
    while (space > 0 && space >= end - WORD_REACH && !/\s/.test(kept.charAt(space))) space--;
    if (space > 0 && space >= end - WORD_REACH) kept = kept.slice(0, space);
  }
  kept = kept.replace(/[\s,;:\-–—]+$/u, '');
  return `${kept || s.slice(0, end)}…`;
}

const upper = (v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : '');

/** Does this event take the person's time? Not when cancelled, transparent or shown as free. */
function isBusy(item: ICAL.Component): boolean {
  if (upper(item.getFirstPropertyValue('status')) === 'CANCELLED') return false;
  if (upper(item.getFirstPropertyValue('x-microsoft-cdo-busystatus')) === 'FREE') return false;
  return upper(item.getFirstPropertyValue('transp')) !== 'TRANSPARENT';
}

/** Shown as out of office (Outlook and Exchange write OOF): away, not at school. */
const isAway = (item: ICAL.Component) => upper(item.getFirstPropertyValue('x-microsoft-cdo-busystatus')) === 'OOF';

/** How a zone is read: an IANA zone, or a VTIMEZONE carried by the file. */
type Zone = { kind: 'iana'; name: string } | { kind: 'vtimezone'; tz: ICAL.Timezone };

/** A VEVENT with the floating-time zone of the VCALENDAR it came from. */
interface Vevent {
  comp: ICAL.Component;
  /** X-WR-TIMEZONE of its calendar, as written (null when absent). */
  calendarTzid: string | null;
}

interface Occurrence {
  start: ICAL.Time;
  startTzid: string | null;
  end: ICAL.Time | null;
  endTzid: string | null;
  item: ICAL.Component;
  /** X-WR-TIMEZONE of the calendar the occurrence's VEVENT came from: the zone of its floating times. */
  calendarTzid: string | null;
}

/** A moved occurrence (a VEVENT with a RECURRENCE-ID) of a repeating event. */
interface Moved {
  vevent: Vevent;
  event: ICAL.Event;
  /** Where it sits among the series' occurrences: the instant (or date, at midnight UTC) its RECURRENCE-ID names. */
  at: number;
  /** The occurrence its RECURRENCE-ID names, keyed as EXDATEs are: the date for a date, else the instant. */
  key: string;
}

class UnknownZone extends Error {
  constructor(readonly zone: string, readonly source: 'tzid' | 'x-wr-timezone') {
    super(zone);
  }
}

const tzidOf = (p: ICAL.Property | null | undefined): string | null => {
  const v = p?.getParameter('tzid');
  return typeof v === 'string' && v ? v : null;
};

/** The roots of a file: one VCALENDAR, or several one after the other. */
function parseRoots(source: string): ICAL.Component[] {
  const jcal = ICAL.parse(source) as unknown[];
  const list = Array.isArray(jcal[0]) ? (jcal as unknown[][]) : [jcal];
  return list.map((j) => rememberMissingZones(new ICAL.Component(j as unknown[])));
}

/**
 * ical.js reads each DTSTART, DTEND and EXDATE with a TZID by asking the VCALENDAR for that
 * zone's VTIMEZONE. It caches the zones it finds, but not the ones it does not: a TZID with
 * no VTIMEZONE in the file (TZID=Europe/London, as many exporters write it) is looked for
 * again through every component of the calendar, each time, so reading a file of n such
 * events took time in n squared. This root remembers which TZIDs it has no VTIMEZONE for.
 * (The roots are only read here, never added to, so what is missing stays missing.)
 */
function rememberMissingZones(root: ICAL.Component): ICAL.Component {
  const lookup = root.getTimeZoneByID.bind(root);
  const missing = new Set<string>();
  root.getTimeZoneByID = (tzid: string) => {
    if (missing.has(tzid)) return null as unknown as ICAL.Timezone;
    const zone = lookup(tzid);
    if (!zone) missing.add(tzid);
    return zone;
  };
  return root;
}

/** The longest part of a line quoted in a message. */
const QUOTED_LINE_CHARS = 60;

/**
 * Why ical.js could not read `source`, for a person: a file that does not begin with
 * BEGIN:VCALENDAR is said to be no iCalendar file; otherwise the first line with no colon, or
 * the component (an event, most often) that is never closed, with its line number (lines of
 * the file as an editor numbers them, a folded line counted at its first). Only asked once
 * the parser has refused the file, so it never refuses one the parser reads.
 */
export function unreadableIcs(source: string): string {
  const physical = source.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const logical: { line: number; text: string }[] = [];
  physical.forEach((text, i) => {
    if (/^[ \t]/.test(text) && logical.length) logical[logical.length - 1]!.text += text.slice(1);
    else if (text.trim()) logical.push({ line: i + 1, text });
  });
  if (logical[0]?.text.trim().toUpperCase() !== 'BEGIN:VCALENDAR') return 'the file is not a valid iCalendar file (it should begin with BEGIN:VCALENDAR and hold one VEVENT per lesson)';
  const open: { name: string; line: number }[] = [];
  // How many of each name are open: an END of one not open costs nothing (a hostile file of
  // many unmatched ENDs is read in one pass, not once per END).
  const openCount = new Map<string, number>();
  for (const { line, text } of logical) {
    if (!text.includes(':')) {
      const shown = text.length > QUOTED_LINE_CHARS ? `${text.slice(0, QUOTED_LINE_CHARS)}…` : text;
      return `line ${line} has no colon: “${shown}” (each line of an iCalendar file reads NAME:value)`;
    }
    const m = /^(BEGIN|END):(.*)$/i.exec(text.trim());
    if (!m) continue;
    const name = m[2]!.trim().toUpperCase();
    if (m[1]!.toUpperCase() === 'BEGIN') {
      open.push({ name, line });
      openCount.set(name, (openCount.get(name) ?? 0) + 1);
    } else if (openCount.get(name)) {
      // An END that closes an outer component while an inner one is still open: the inner one was never closed.
      if (open[open.length - 1]!.name !== name) return neverClosed(open[open.length - 1]!);
      open.pop();
      openCount.set(name, openCount.get(name)! - 1);
    }
  }
  if (open.length) return neverClosed(open[open.length - 1]!);
  return 'the file could not be read as an iCalendar file (it should hold one VEVENT per lesson, each line reading NAME:value)';
}

function neverClosed(c: { name: string; line: number }): string {
  const what = c.name === 'VEVENT' ? 'an event' : c.name === 'VCALENDAR' ? 'the calendar' : `a ${c.name}`;
  return `${what} starting on line ${c.line} is never closed (no END:${c.name})`;
}

/**
 * Parses and expands an ICS text. `now` fixes the expansion window; `defaultZone` (the
 * organisation's zone) is used for floating times when the calendar names no zone
 * (X-WR-TIMEZONE), and as the timetable's zone when the file names none.
 */
export function parseTimetableIcs(source: string, opts: { now: Date; defaultZone: string }): IcsResult {
  let roots: ICAL.Component[];
  try {
    roots = parseRoots(source);
  } catch {
    // The parser's own message names its internals ("Cannot read properties of undefined")
    // and no line, so people get a plain one, saying what is wrong and where when it can.
    return { ok: false, problems: [{ uid: null, summary: null, message: unreadableIcs(source) }] };
  }
  if (roots.length === 0 || roots.some((r) => r.name !== 'vcalendar')) return { ok: false, problems: [{ uid: null, summary: null, message: 'the file does not start with BEGIN:VCALENDAR' }] };

  // A VTIMEZONE in the file says exactly how its TZID reads, so it wins over what the name means elsewhere.
  const vtimezones = new Map<string, ICAL.Timezone>();
  const vevents: Vevent[] = [];
  for (const root of roots) {
    for (const vtz of root.getAllSubcomponents('vtimezone')) {
      const tzid = vtz.getFirstPropertyValue('tzid');
      if (typeof tzid === 'string' && !vtimezones.has(tzid)) {
        try {
          const tz = new ICAL.Timezone(vtz);
          // Reading an offset now finds an unreadable component here rather than mid-expansion.
          tz.utcOffset(ICAL.Time.fromData({ year: 2026, month: 1, day: 1 }));
          vtimezones.set(tzid, tz);
        } catch {
          /* an unreadable VTIMEZONE: the TZID is then read as a zone name, if it is one */
        }
      }
    }
    const calendarTzid = text(root.getFirstPropertyValue('x-wr-timezone'));
    for (const comp of root.getAllSubcomponents('vevent')) vevents.push({ comp, calendarTzid });
  }
  if (vevents.length > MAX_EVENTS) return { ok: false, problems: [{ uid: null, summary: null, message: `a timetable may hold at most ${MAX_EVENTS} events (this file has ${vevents.length})` }] };

  // Each zone name is resolved once per file (resolving one builds an Intl.DateTimeFormat).
  const zones = new Map<string, Zone | null>();
  const zoneOf = (tzid: string): Zone | null => {
    let zone = zones.get(tzid);
    if (zone !== undefined) return zone;
    const vtz = vtimezones.get(tzid);
    const name = vtz ? null : ianaZone(tzid);
    zone = vtz ? { kind: 'vtimezone', tz: vtz } : name ? { kind: 'iana', name } : null;
    zones.set(tzid, zone);
    return zone;
  };
  const calendarZones = new Map<string, string | null>();
  const calendarZone = (tzid: string): string | null => {
    if (!calendarZones.has(tzid)) calendarZones.set(tzid, ianaZone(tzid));
    return calendarZones.get(tzid)!;
  };

  // The timetable's own zone (for local dates): the calendar's, or the first event zone with an IANA name.
  let timeZone: string | null = null;
  for (const { calendarTzid } of vevents) if (!timeZone && calendarTzid) timeZone = ianaZone(calendarTzid);
  for (const { comp } of vevents) {
    if (timeZone) break;
    const tzid = tzidOf(comp.getFirstProperty('dtstart'));
    const vtz = tzid ? vtimezones.get(tzid) : undefined;
    timeZone = ianaZone(tzid) ?? ianaZone(text(vtz?.component.getFirstPropertyValue('x-lic-location')));
  }
  timeZone ??= opts.defaultZone;

  /** The zone a time that is not in UTC is read in: its TZID's, or for a floating time the calendar's. */
  const zoneFor = (tzid: string | null, calendarTzid: string | null): Zone => {
    if (tzid) {
      const zone = zoneOf(tzid);
      if (!zone) throw new UnknownZone(tzid, 'tzid');
      return zone;
    }
    if (calendarTzid) {
      const name = calendarZone(calendarTzid);
      if (!name) throw new UnknownZone(calendarTzid, 'x-wr-timezone');
      return { kind: 'iana', name };
    }
    return { kind: 'iana', name: opts.defaultZone };
  };

  /** The instant of an ical.js time: in UTC, in its TZID, or floating in the calendar's zone. */
  const instantOf = (t: ICAL.Time, tzid: string | null, calendarTzid: string | null): number => {
    if (t.zone === ICAL.Timezone.utcTimezone) return t.toUnixTime() * 1000;
    const zone = zoneFor(tzid, calendarTzid);
    if (zone.kind === 'vtimezone') return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - zone.tz.utcOffset(t) * 1000;
    return zonedTimeToUtc(t.year, t.month, t.day, t.hour, t.minute, zone.name) + t.second * 1000;
  };

  /** Where a date or time sits in its series: its instant, or for a date its midnight in UTC. */
  const positionOf = (t: ICAL.Time, tzid: string | null, calendarTzid: string | null): number =>
    t.isDate ? Date.UTC(t.year, t.month - 1, t.day) : instantOf(t, tzid, calendarTzid);

  /**
   * The time at instant `ms` as ical.js reads times like `like` (of that TZID and calendar):
   * in UTC or the VTIMEZONE ical.js found for it, as they are; otherwise ical.js reads it as
   * floating (a TZID with no VTIMEZONE, such as Europe/London or a Windows name, or no TZID),
   * so this is the wall-clock time in the zone instantOf reads it in, floating.
   */
  const timeAt = (ms: number, like: ICAL.Time, tzid: string | null, calendarTzid: string | null): ICAL.Time => {
    const utc = ICAL.Time.fromJSDate(new Date(ms), true);
    if (like.zone !== ICAL.Timezone.localTimezone) return utc.convertToZone(like.zone);
    const zone = zoneFor(tzid, calendarTzid);
    const p = zone.kind === 'vtimezone' ? utc.convertToZone(zone.tz) : localParts(ms, zone.name);
    return ICAL.Time.fromData({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, isDate: false }, ICAL.Timezone.localTimezone);
  };

  // Masters and their moved occurrences, related by UID only (never across UIDs).
  const byUid = new Map<string, { master: Vevent | null; exceptions: Vevent[] }>();
  const loose: Vevent[] = [];
  for (const ev of vevents) {
    const uid = ev.comp.getFirstPropertyValue('uid');
    if (typeof uid !== 'string' || !uid) {
      loose.push(ev);
      continue;
    }
    const entry = byUid.get(uid) ?? { master: null, exceptions: [] };
    if (ev.comp.hasProperty('recurrence-id')) entry.exceptions.push(ev);
    else if (!entry.master) entry.master = ev;
    else loose.push(ev);
    byUid.set(uid, entry);
  }

  const windowStart = opts.now.getTime() - EXPAND_BACK_DAYS * DAY;
  const windowEnd = opts.now.getTime() + EXPAND_AHEAD_DAYS * DAY;
  const problems: EventProblem[] = [];
  const unknownZones = new Set<string>();
  const dated: DatedPeriod[] = [];
  const freeDays: FreeDays[] = [];
  /** Event names shortened to be kept (nameOf's `long`), each once. */
  const shortened = new Set<string>();
  /** Events with an occurrence in the window, busy or not: a file of reminders only is still a calendar. */
  let seen = 0;
  let longPeriods = 0;

  const handle = ({ comp, calendarTzid }: Vevent, exceptions: Vevent[]) => {
    // Counted for each event (a series since 2016 steps through its years before the window):
    // the file as a whole is bounded by the parse's work budget (budget.ts), so one event's
    // count says whether that event, not the file so far, repeats too often.
    let iterations = 0;
    const uid = text(comp.getFirstPropertyValue('uid'));
    const masterName = nameOf(comp.getFirstPropertyValue('summary'));
    const summary = masterName?.label ?? null;
    const problem = (message: string) => problems.push({ uid, summary, message });
    try {
      if (!comp.hasProperty('dtstart')) return problem('has no DTSTART');
      const rrules = comp.getAllProperties('rrule').map((p) => p.getFirstValue() as ICAL.Recur | null);
      if (rrules.some((r) => !r?.freq)) return problem('has an empty repeat rule (an RRULE line without FREQ): give the rule, for example RRULE:FREQ=WEEKLY;BYDAY=MO, or remove the line');
      const freqs = rrules.map((r) => String(r!.freq));
      if (freqs.some((f) => !['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(f))) return problem(`repeats ${freqs.join('/').toLowerCase()}, more often than daily; a timetable repeats daily at most`);

      // RDATEs are expanded here (ical.js cannot read RDATE periods), so ical.js sees the rest.
      const rdates = comp.getAllProperties('rdate');
      const copy = () => {
        const c = new ICAL.Component(JSON.parse(JSON.stringify(comp.toJSON())) as unknown[]);
        c.removeAllProperties('rdate');
        return c;
      };
      let base = rdates.length ? copy() : comp;
      const masterStartTzid = tzidOf(comp.getFirstProperty('dtstart'));

      // ical.js reads a time whose TZID has no VTIMEZONE (TZID=Europe/London, or a Windows
      // name, as many exporters write them) as floating, and compares a floating start with an
      // UNTIL in UTC (as RFC 5545 has it for zoned starts) as if the start were in UTC too: in
      // summer time the last occurrence was lost. Such an UNTIL is given to ical.js as the
      // wall-clock time, in the start's zone, of the instant it names.
      const dtstart = base.getFirstPropertyValue('dtstart');
      if (dtstart instanceof ICAL.Time && !dtstart.isDate && dtstart.zone === ICAL.Timezone.localTimezone) {
        const untilInUtc = (p: ICAL.Property) => {
          const until = (p.getFirstValue() as ICAL.Recur).until;
          return !!until && !until.isDate && until.zone === ICAL.Timezone.utcTimezone;
        };
        if (base.getAllProperties('rrule').some(untilInUtc)) {
          if (base === comp) base = copy();
          for (const p of base.getAllProperties('rrule').filter(untilInUtc)) {
            const rule = p.getFirstValue() as ICAL.Recur;
            rule.until = timeAt(rule.until!.toUnixTime() * 1000, dtstart, masterStartTzid, calendarTzid);
          }
        }
      }
      // An UNTIL of a date only, on a start with a time (against RFC 5545, but written by some
      // exporters), is read as Outlook and Google read it: up to the end of that day, in the
      // start's zone. ical.js read it as that day's midnight and dropped the last day's lesson.
      if (dtstart instanceof ICAL.Time && !dtstart.isDate) {
        const untilDateOnly = (p: ICAL.Property) => !!(p.getFirstValue() as ICAL.Recur).until?.isDate;
        if (base.getAllProperties('rrule').some(untilDateOnly)) {
          if (base === comp) base = copy();
          for (const p of base.getAllProperties('rrule').filter(untilDateOnly)) {
            const rule = p.getFirstValue() as ICAL.Recur;
            const day = rule.until!;
            rule.until = new ICAL.Time({ year: day.year, month: day.month, day: day.day, hour: 23, minute: 59, second: 59, isDate: false }, dtstart.zone);
          }
        }
      }
      // Moved occurrences are matched to the series below, not by ical.js (which matches them by
      // how their time is written); an empty list also stops it looking for them through the calendar.
      const event = new ICAL.Event(base, { exceptions: [] });
      const tzidsOf = (item: ICAL.Component) => {
        const s = tzidOf(item.getFirstProperty('dtstart'));
        return { startTzid: s, endTzid: tzidOf(item.getFirstProperty('dtend')) ?? s };
      };

      // EXDATEs are compared as instants, so one written in UTC still removes a local-time occurrence.
      const exdates = new Set<string>();
      for (const p of comp.getAllProperties('exdate')) {
        for (const v of p.getValues() as ICAL.Time[]) exdates.add(v.isDate ? dateOf(v) : String(instantOf(v, tzidOf(p), calendarTzid)));
      }
      const excluded = (t: ICAL.Time, tzid: string | null) => exdates.has(t.isDate ? dateOf(t) : String(instantOf(t, tzid, calendarTzid)));

      // Moved occurrences are matched to the occurrence they replace by instant too, like
      // EXDATEs: ical.js matches a RECURRENCE-ID by its written time, so one in UTC missed a
      // lesson in local time (or in a zone with no VTIMEZONE), or one in local time a series in UTC.
      const moved = new Map<string, Moved>();
      const thisAndFuture: Moved[] = [];
      for (const vevent of exceptions) {
        const ev = new ICAL.Event(vevent.comp);
        const at = positionOf(ev.recurrenceId, tzidOf(vevent.comp.getFirstProperty('recurrence-id')), vevent.calendarTzid);
        const m = { vevent, event: ev, at, key: ev.recurrenceId.isDate ? dateOf(ev.recurrenceId) : String(at) };
        // A later one for the same occurrence wins, as in ical.js.
        moved.set(m.key, m);
        if (ev.modifiesFuture()) thisAndFuture.push(m);
      }
      thisAndFuture.sort((a, b) => a.at - b.at);
      const movedAts = [...moved.values()].map((m) => m.at).sort((a, b) => a - b);
      const rangeAts = thisAndFuture.map((m) => m.at);
      /** How many values of a sorted list are at or below `at`. */
      const atOrBelow = (list: readonly number[], at: number) => partitionPoint(list, (x) => x <= at);
      const movedOccurrence = (m: Moved, start: ICAL.Time, end: ICAL.Time | null): Occurrence => {
        const s = tzidOf(m.vevent.comp.getFirstProperty('dtstart'));
        return { start, end, item: m.vevent.comp, startTzid: s, endTzid: tzidOf(m.vevent.comp.getFirstProperty('dtend')) ?? s, calendarTzid: m.vevent.calendarTzid };
      };
      /** Moved occurrences that took the place of an occurrence of the series. */
      const placed = new Set<Moved>();
      /** The occurrence that replaces the series' occurrence at `t` (in `tzid`), if one is moved. */
      const movedAt = (t: ICAL.Time, tzid: string | null): Occurrence | null => {
        // A time's instant is within a day of its wall-clock time read as UTC: the exact instant
        // (costly to find in a zone) is needed only when a RECURRENCE-ID is that near.
        const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
        const near = atOrBelow(movedAts, wall + DAY) > atOrBelow(movedAts, wall - DAY - 1);
        if (!near && !(rangeAts.length && rangeAts[0]! <= wall + DAY)) return null;
        const at = positionOf(t, tzid, calendarTzid);
        const exact = moved.get(t.isDate ? dateOf(t) : String(at));
        if (exact) {
          placed.add(exact);
          return movedOccurrence(exact, exact.event.startDate, exact.event.endDate);
        }
        // RANGE=THISANDFUTURE: this occurrence and later ones move as the latest such one at or
        // before it did (as ical.js moves them), by the difference between its new start and
        // its old one, read as the series' wall-clock time.
        const r = atOrBelow(rangeAts, at);
        if (r === 0) return null;
        const range = thisAndFuture[r - 1]!;
        const newStart = range.event.startDate;
        const original = range.event.recurrenceId.isDate ? range.event.recurrenceId.clone() : timeAt(range.at, event.startDate, masterStartTzid, calendarTzid);
        original.zone = newStart.zone;
        const start = t.clone();
        start.zone = newStart.zone;
        start.addDuration(newStart.subtractDate(original));
        const end = start.clone();
        end.addDuration(range.event.duration);
        return movedOccurrence(range, start, end);
      };

      const occurrences: Occurrence[] = [];
      const starts = new Set<string>();
      const add = (o: Occurrence) => {
        const key = o.start.toString();
        if (starts.has(key)) return;
        starts.add(key);
        occurrences.push(o);
      };
      const inWindow = (start: ICAL.Time, end: ICAL.Time | null) =>
        Date.UTC(start.year, start.month - 1, start.day) <= windowEnd + DAY && Date.UTC((end ?? start).year, (end ?? start).month - 1, (end ?? start).day) + DAY >= windowStart;

      if (event.isRecurring()) {
        const it = event.iterator();
        for (let next = it.next(); next; next = it.next()) {
          if (++iterations > MAX_ITERATIONS) return problem('repeats too often to be a timetable');
          if (Date.UTC(next.year, next.month - 1, next.day) > windowEnd + DAY) break;
          const d = event.getOccurrenceDetails(next);
          const o = movedAt(next, masterStartTzid) ?? { start: d.startDate, end: d.endDate, item: comp, ...tzidsOf(comp), calendarTzid };
          if (!inWindow(o.start, o.end)) continue;
          if (excluded(next, masterStartTzid)) continue;
          add(o);
          if (occurrences.length > MAX_OCCURRENCES) return problem(`has more than ${MAX_OCCURRENCES} occurrences`);
        }
      } else {
        const d = event.getOccurrenceDetails(event.startDate);
        add(movedAt(event.startDate, masterStartTzid) ?? { start: d.startDate, end: d.endDate, item: comp, ...tzidsOf(comp), calendarTzid });
      }
      for (const p of rdates) {
        const tzid = tzidOf(p) ?? masterStartTzid;
        for (const v of p.getValues() as (ICAL.Time | ICAL.Period)[]) {
          if (++iterations > MAX_ITERATIONS) return problem('repeats too often to be a timetable');
          const period = v instanceof ICAL.Period ? v : null;
          const start = period ? period.start : (v as ICAL.Time);
          if (excluded(start, tzid)) continue;
          // A moved occurrence (RECURRENCE-ID) replaces this date.
          add(movedAt(start, tzid) ?? { start, startTzid: tzid, end: period ? period.getEnd() : event.getOccurrenceDetails(start).endDate, endTzid: tzid, item: comp, calendarTzid });
          if (occurrences.length > MAX_OCCURRENCES) return problem(`has more than ${MAX_OCCURRENCES} occurrences`);
        }
      }
      // A moved occurrence that took no occurrence's place is still a lesson at its own DTSTART
      // and DTEND, as Thunderbird and sabre/vobject place every override: the occurrence it
      // replaces lies beyond the dates expanded (a lesson moved into the window from a date after
      // it), or its RECURRENCE-ID names a time the series does not have. One whose RECURRENCE-ID
      // an EXDATE removes stays removed, as it does when it names an occurrence.
      for (const m of moved.values()) {
        if (placed.has(m) || exdates.has(m.key)) continue;
        add(movedOccurrence(m, m.event.startDate, m.event.endDate));
        if (occurrences.length > MAX_OCCURRENCES) return problem(`has more than ${MAX_OCCURRENCES} occurrences`);
      }

      for (const o of occurrences) {
        if (!inWindow(o.start, o.end)) continue;
        const item = o.item;
        const name = item === comp ? masterName : (nameOf(item.getFirstPropertyValue('summary')) ?? masterName);
        const label = name?.label ?? 'Busy';
        /** Counts the event's name among those shortened, once it is kept. */
        const kept = () => {
          if (name?.long) shortened.add(name.long);
        };
        if (o.start.isDate) {
          // RFC 5545 3.6.1: an all-day event without a later DTEND lasts the one day.
          const from = dateOf(o.start);
          let to = o.end && o.end.isDate ? dateOf(o.end) : '';
          if (!to || to <= from) {
            const next = o.start.clone();
            next.day += 1;
            next.isDate = true;
            to = dateOf(next);
          }
          if (Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10)) - Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10)) > 400 * DAY) {
            return problem('is an all-day event longer than 400 days');
          }
          seen++;
          if (!isBusy(item)) continue;
          if (isAway(item)) {
            // Out of office (Outlook's OOF: leave, a trip, jury service): the person is away, busy
            // all through those days, not free because the school is closed.
            const s = zonedTimeToUtc(+from.slice(0, 4), +from.slice(5, 7), +from.slice(8, 10), 0, 0, timeZone);
            const e = zonedTimeToUtc(+to.slice(0, 4), +to.slice(5, 7), +to.slice(8, 10), 0, 0, timeZone);
            dated.push({ startsAt: new Date(s).toISOString(), endsAt: new Date(e).toISOString(), label });
            kept();
            if (dated.length > MAX_OCCURRENCES) return problem(`makes the timetable longer than ${MAX_OCCURRENCES} lessons`);
            if (e - s > LONG_PERIOD_MS && ++longPeriods > MAX_LONG_PERIODS) return problem(`makes more than ${MAX_LONG_PERIODS} busy periods longer than 31 days (a timetable may hold at most ${MAX_LONG_PERIODS})`);
            continue;
          }
          freeDays.push({ from, to, label });
          kept();
          continue;
        }
        const s = instantOf(o.start, o.startTzid, o.calendarTzid);
        // RFC 5545 3.6.1: a timed event without DTEND (or with DTEND equal to DTSTART) takes no time.
        const e = o.end ? instantOf(o.end, o.endTzid, o.calendarTzid) : s;
        if (e < s) return problem('ends before it starts (DTEND must not be before DTSTART)');
        // As long as an all-day one may be: a term's leave or a secondment written with times
        // (clash.ts keeps those over 31 days apart from its index, LONG_PERIOD_MS). An hour
        // more for a clock change on the way.
        if (e - s > 400 * DAY + 3_600_000) return problem('is a timed event longer than 400 days');
        if (e < windowStart || s > windowEnd) continue;
        seen++;
        if (e === s || !isBusy(item)) continue;
        dated.push({ startsAt: new Date(s).toISOString(), endsAt: new Date(e).toISOString(), label });
        kept();
        if (dated.length > MAX_OCCURRENCES) return problem(`makes the timetable longer than ${MAX_OCCURRENCES} lessons`);
        // Each one is looked at by every clash question (clash.ts keeps them outside its index): a few a year, never thousands.
        if (e - s > LONG_PERIOD_MS && ++longPeriods > MAX_LONG_PERIODS) return problem(`makes more than ${MAX_LONG_PERIODS} busy periods longer than 31 days (a timetable may hold at most ${MAX_LONG_PERIODS})`);
      }
    } catch (e) {
      if (e instanceof UnknownZone) {
        if (unknownZones.has(e.zone)) return;
        unknownZones.add(e.zone);
        const where = e.source === 'x-wr-timezone' ? `has floating times in the calendar's time zone (X-WR-TIMEZONE) "${e.zone}"` : `is in the time zone "${e.zone}"`;
        problems.push({ uid, summary, zone: e.zone, message: `${where}, which is not a time zone this service knows: export the calendar with its VTIMEZONE, or with a zone name such as Europe/London` });
        return;
      }
      problem('could not be read: one of its dates, times or repeat rules is not valid (check its DTSTART, DTEND, RRULE, RDATE and EXDATE lines)');
    }
  };

  for (const { master, exceptions } of byUid.values()) {
    if (master) handle(master, exceptions);
    else for (const ex of exceptions) handle(ex, []);
  }
  for (const ev of loose) handle(ev, []);

  if (freeDays.length > MAX_FREE_DAYS && !problems.length) {
    return { ok: false, problems: [{ uid: null, summary: null, message: `a timetable may hold at most ${MAX_FREE_DAYS.toLocaleString('en-GB')} all-day busy events (days the school is closed) between ${new Date(windowStart).toISOString().slice(0, 10)} and ${new Date(windowEnd).toISOString().slice(0, 10)}; this file has ${freeDays.length.toLocaleString('en-GB')}` }] };
  }
  if (problems.length) {
    // Unknown zones first: they are the one thing to fix for the whole file.
    return { ok: false, problems: [...problems.filter((p) => p.zone), ...problems.filter((p) => !p.zone)] };
  }
  if (seen === 0) {
    return { ok: false, problems: [{ uid: null, summary: null, message: `the calendar has no events between ${new Date(windowStart).toISOString().slice(0, 10)} and ${new Date(windowEnd).toISOString().slice(0, 10)}` }] };
  }
  dated.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  freeDays.sort((a, b) => a.from.localeCompare(b.from));
  return { ok: true, timetable: { timeZone, dated, freeDays, shortenedNames: shortened.size } };
}
