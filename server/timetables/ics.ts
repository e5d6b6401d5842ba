/**
 * Reads an ICS timetable, as school information systems export it: weekly RRULE lessons,
 * EXDATE for lessons that do not happen, moved lessons (RECURRENCE-ID), TZID times and
 * all-day events. ical.js parses the file and expands every recurrence; this module only
 * turns each occurrence into an instant.
 *
 * The rule for what counts: a timed event is busy (unless TRANSP:TRANSPARENT or
 * STATUS:CANCELLED); an all-day event marks the school as closed on those days (INSET days,
 * holidays), so the person is free on them whatever lessons the file also lists.
 */
import ICAL from 'ical.js';
import { isTimeZone } from '../../shared/common.js';
import { zonedTimeToUtc, type DatedPeriod, type FreeDays } from './clash.js';

export interface EventProblem {
  uid: string | null;
  summary: string | null;
  message: string;
}

export interface IcsTimetable {
  timeZone: string;
  dated: DatedPeriod[];
  freeDays: FreeDays[];
}

export type IcsResult = { ok: true; timetable: IcsTimetable } | { ok: false; problems: EventProblem[] };

export const MAX_EVENTS = 5_000;
export const MAX_OCCURRENCES = 20_000;
/** How far recurrences are expanded: from 180 days back to 400 days ahead of now. */
export const EXPAND_BACK_DAYS = 180;
export const EXPAND_AHEAD_DAYS = 400;
const MAX_ITERATIONS = 50_000;
const DAY = 86_400_000;
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Zones named in the Windows style that Microsoft-based systems write without a VTIMEZONE. */
const WINDOWS_ZONES: Record<string, string> = { 'GMT Standard Time': 'Europe/London', 'W. Europe Standard Time': 'Europe/Berlin', UTC: 'UTC' };

function ianaZone(tzid: string | null | undefined): string | null {
  if (!tzid) return null;
  if (WINDOWS_ZONES[tzid]) return WINDOWS_ZONES[tzid]!;
  if (/^[A-Za-z_]+\/[A-Za-z_+-]+(\/[A-Za-z_+-]+)?$/.test(tzid) && isTimeZone(tzid)) return tzid;
  // Vendor-prefixed ids such as /mozilla.org/20050126_1/Europe/London.
  const tail = tzid.split('/').filter(Boolean).slice(-2).join('/');
  return tail !== tzid && /^[A-Za-z_]+\/[A-Za-z_+-]+$/.test(tail) && isTimeZone(tail) ? tail : null;
}

const dateOf = (t: ICAL.Time) => `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(CONTROL, ' ').trim();
  return s ? s.slice(0, 200) : null;
}

/**
 * Parses and expands an ICS text. `now` fixes the expansion window; `defaultZone` is used
 * for floating times and as the timetable's zone when the file names none.
 */
export function parseTimetableIcs(source: string, opts: { now: Date; defaultZone: string }): IcsResult {
  let root: ICAL.Component;
  try {
    const jcal = ICAL.parse(source);
    root = new ICAL.Component(jcal as unknown[]);
  } catch {
    // The parser's own message names its internals ("Cannot read properties of undefined"),
    // so people get a plain one.
    return { ok: false, problems: [{ uid: null, summary: null, message: 'the file is not a valid iCalendar file (it should begin with BEGIN:VCALENDAR and hold one VEVENT per lesson)' }] };
  }
  if (root.name !== 'vcalendar') return { ok: false, problems: [{ uid: null, summary: null, message: 'the file does not start with BEGIN:VCALENDAR' }] };

  const calendarZone = ianaZone(String(root.getFirstPropertyValue('x-wr-timezone') ?? '')) ;
  const vtimezones = new Map<string, ICAL.Timezone>();
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tzid = vtz.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string') {
      try {
        vtimezones.set(tzid, new ICAL.Timezone(vtz));
      } catch {
        /* an unreadable VTIMEZONE: the TZID is then read as an IANA name, if it is one */
      }
    }
  }

  const vevents = root.getAllSubcomponents('vevent');
  if (vevents.length > MAX_EVENTS) return { ok: false, problems: [{ uid: null, summary: null, message: `a timetable may hold at most ${MAX_EVENTS} events (this file has ${vevents.length})` }] };

  let firstZone: string | null = null;
  for (const ev of vevents) {
    const tzid = ev.getFirstProperty('dtstart')?.getParameter('tzid');
    const z = ianaZone(typeof tzid === 'string' ? tzid : null);
    if (z) {
      firstZone = z;
      break;
    }
  }
  const timeZone = calendarZone ?? firstZone ?? opts.defaultZone;

  /** The instant of an ical.js time, read in its TZID (IANA, or the file's VTIMEZONE). */
  const instantOf = (t: ICAL.Time, tzid: string | null): number => {
    if (t.zone === ICAL.Timezone.utcTimezone) return t.toUnixTime() * 1000;
    const zone = ianaZone(tzid);
    if (zone) return zonedTimeToUtc(t.year, t.month, t.day, t.hour, t.minute, zone);
    const vtz = tzid ? vtimezones.get(tzid) : undefined;
    if (vtz) return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - vtz.utcOffset(t) * 1000;
    return zonedTimeToUtc(t.year, t.month, t.day, t.hour, t.minute, timeZone);
  };

  // Masters and their moved occurrences, related by UID only (never across UIDs).
  const byUid = new Map<string, { master: ICAL.Component | null; exceptions: ICAL.Component[] }>();
  const loose: ICAL.Component[] = [];
  for (const ev of vevents) {
    const uid = ev.getFirstPropertyValue('uid');
    if (typeof uid !== 'string' || !uid) {
      loose.push(ev);
      continue;
    }
    const entry = byUid.get(uid) ?? { master: null, exceptions: [] };
    if (ev.hasProperty('recurrence-id')) entry.exceptions.push(ev);
    else if (!entry.master) entry.master = ev;
    else loose.push(ev);
    byUid.set(uid, entry);
  }

  const windowStart = opts.now.getTime() - EXPAND_BACK_DAYS * DAY;
  const windowEnd = opts.now.getTime() + EXPAND_AHEAD_DAYS * DAY;
  const problems: EventProblem[] = [];
  const dated: DatedPeriod[] = [];
  const freeDays: FreeDays[] = [];
  let iterations = 0;

  const handle = (comp: ICAL.Component, exceptions: ICAL.Component[]) => {
    const uid = text(comp.getFirstPropertyValue('uid'));
    const summary = text(comp.getFirstPropertyValue('summary'));
    const problem = (message: string) => problems.push({ uid, summary, message });
    try {
      const event = new ICAL.Event(comp, { strictExceptions: true, exceptions });
      if (!comp.hasProperty('dtstart')) return problem('has no DTSTART');
      const occurrences: { start: ICAL.Time; end: ICAL.Time; item: ICAL.Event }[] = [];
      if (event.isRecurring()) {
        const freqs = comp.getAllProperties('rrule').map((p) => String((p.getFirstValue() as ICAL.Recur | null)?.freq ?? ''));
        if (freqs.some((f) => !['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(f))) return problem(`repeats ${freqs.join('/').toLowerCase()}, more often than daily; a timetable repeats daily at most`);
        const it = event.iterator();
        for (let next = it.next(); next; next = it.next()) {
          if (++iterations > MAX_ITERATIONS) return problem('repeats too often to be a timetable');
          const d = event.getOccurrenceDetails(next);
          const approx = Date.UTC(d.startDate.year, d.startDate.month - 1, d.startDate.day);
          if (approx > windowEnd + DAY) break;
          if (Date.UTC(d.endDate.year, d.endDate.month - 1, d.endDate.day) + DAY < windowStart) continue;
          occurrences.push({ start: d.startDate, end: d.endDate, item: d.item });
          if (occurrences.length > MAX_OCCURRENCES) return problem(`has more than ${MAX_OCCURRENCES} occurrences`);
        }
      } else {
        occurrences.push({ start: event.startDate, end: event.endDate, item: event });
      }
      for (const o of occurrences) {
        const item = o.item.component;
        const status = String(item.getFirstPropertyValue('status') ?? '').toUpperCase();
        if (status === 'CANCELLED') continue;
        const label = text(item.getFirstPropertyValue('summary')) ?? summary ?? 'Busy';
        if (o.start.isDate) {
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
          freeDays.push({ from, to, label });
          continue;
        }
        const transp = String(item.getFirstPropertyValue('transp') ?? '').toUpperCase();
        if (transp === 'TRANSPARENT') continue;
        const startTz = item.getFirstProperty('dtstart')?.getParameter('tzid');
        const endTz = item.getFirstProperty('dtend')?.getParameter('tzid') ?? startTz;
        const s = instantOf(o.start, typeof startTz === 'string' ? startTz : null);
        const e = o.end ? instantOf(o.end, typeof endTz === 'string' ? endTz : null) : s;
        if (!(e > s)) return problem('ends before it starts (DTEND must be after DTSTART)');
        if (e - s > 31 * DAY) return problem('is a timed event longer than 31 days');
        if (e < windowStart || s > windowEnd) continue;
        dated.push({ startsAt: new Date(s).toISOString(), endsAt: new Date(e).toISOString(), label });
        if (dated.length > MAX_OCCURRENCES) return problem(`makes the timetable longer than ${MAX_OCCURRENCES} lessons`);
      }
    } catch {
      problem('could not be read: one of its dates, times or repeat rules is not valid');
    }
  };

  for (const { master, exceptions } of byUid.values()) {
    if (master) handle(master, exceptions);
    else for (const ex of exceptions) handle(ex, []);
  }
  for (const ev of loose) handle(ev, []);

  if (problems.length) return { ok: false, problems };
  if (dated.length === 0 && freeDays.length === 0) {
    return { ok: false, problems: [{ uid: null, summary: null, message: `the calendar has no events between ${new Date(windowStart).toISOString().slice(0, 10)} and ${new Date(windowEnd).toISOString().slice(0, 10)}` }] };
  }
  dated.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  freeDays.sort((a, b) => a.from.localeCompare(b.from));
  return { ok: true, timetable: { timeZone, dated, freeDays } };
}

/** How a problem reads in a message: the event's summary and UID. */
export function describeEvent(p: EventProblem): string {
  if (!p.uid && !p.summary) return p.message.charAt(0).toUpperCase() + p.message.slice(1);
  return `Event ${p.summary ? `"${p.summary}"` : ''}${p.uid ? `${p.summary ? ' ' : ''}(UID ${p.uid})` : ''} ${p.message}`;
}
