/**
 * Dates and words shown to people. Every date and time the web client shows is England's
 * (Europe/London, ENGLAND), whatever the browser's own zone: the service is for schools in
 * England, its days are England's, and a time shown is named GMT or BST. A helper's optional
 * `timeZone` is there for a caller that truly means another zone; none passes one today.
 */
import { serverNow } from './clock.js';

/**
 * England's zone: the days the service's dates mean, and the zone every time is shown in. The
 * server reads a date alone in a query (`?from=2026-03-29`) as that day in England, and dates
 * files and records by it.
 */
export const ENGLAND = 'Europe/London';

const DATE_OPTS: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
const PLAIN_DATE_OPTS: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };
const TIME_OPTS: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const ZONE_OPTS: Intl.DateTimeFormatOptions = { timeZoneName: 'short' };
const DATE_TIME_OPTS: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };

const zonedFmts = new Map<string, Intl.DateTimeFormat>();
/** An en-GB formatter with `opts` in `timeZone` (England's unless told), made once. */
export function fmtIn(opts: Intl.DateTimeFormatOptions, timeZone: string = ENGLAND) {
  const key = `${timeZone} ${JSON.stringify(opts)}`;
  let f = zonedFmts.get(key);
  if (!f) zonedFmts.set(key, (f = new Intl.DateTimeFormat('en-GB', { ...opts, timeZone })));
  return f;
}

/**
 * The browser's own zone. Only for saying so when it is not England's ("Days and times are in
 * England (UK time)"): nothing is shown in it.
 */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant's date with its weekday, on its day in England ("Monday, 9 March 2026"). */
export const formatDate = (iso: string, timeZone: string = ENGLAND) => fmtIn(DATE_OPTS, timeZone).format(new Date(iso));
/** An instant's date without its weekday, on its day in England ("9 March 2026"). */
export const formatPlainDate = (iso: string, timeZone: string = ENGLAND) => fmtIn(PLAIN_DATE_OPTS, timeZone).format(new Date(iso));

const shortDayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** A calendar day ("2026-03-09") as "9 Mar": never "03-09", which reads in the UK as 3 September. */
export const formatShortDay = (day: string) => shortDayFmt.format(new Date(`${day}T12:00:00Z`));
/** A calendar day ("2026-03-09") as "9 March 2026". */
export const formatDay = (day: string) => dayFmt.format(new Date(`${day}T12:00:00Z`));
const longDayFmt = new Intl.DateTimeFormat('en-GB', { ...DATE_OPTS, timeZone: 'UTC' });
/** A calendar day ("2026-03-09") as formatDate shows a date (with its weekday). */
export const formatLongDay = (day: string) => longDayFmt.format(new Date(`${day}T12:00:00Z`));
/** "Tue, 10 Mar 2026, 16:00 GMT": in England's time unless told. */
export const formatDateTime = (iso: string, timeZone: string = ENGLAND) => fmtIn(DATE_TIME_OPTS, timeZone).format(new Date(iso));

function zoneName(d: Date, timeZone: string) {
  return fmtIn(ZONE_OPTS, timeZone).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

const SHORT_DATE_OPTS: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
/**
 * "16:00 to 17:30 GMT" (or "… BST"): in England's time unless told. Shown after the start's
 * date, so an end on a later day names its day ("23:00 to Sun 25 Oct, 01:00 BST"), and a
 * range across a change of the clocks names each time's zone ("00:30 BST to 01:30 GMT": two
 * hours, not one).
 */
export function formatTimeRange(startIso: string, endIso: string, timeZone: string = ENGLAND) {
  const s = new Date(startIso);
  const e = new Date(endIso);
  const t = fmtIn(TIME_OPTS, timeZone);
  const day = fmtIn(SHORT_DATE_OPTS, timeZone);
  const [startZone, endZone] = [zoneName(s, timeZone), zoneName(e, timeZone)];
  const from = startZone !== endZone ? `${t.format(s)} ${startZone}` : t.format(s);
  const endDay = day.format(e) !== day.format(s) ? `${day.format(e)}, ` : '';
  return `${from} to ${endDay}${t.format(e)} ${endZone}`.trim();
}

/** "16:05 GMT" (or "… BST"): an instant's time of day, named with its zone, in England's time unless told. */
export function formatTime(at: string | Date, timeZone: string = ENGLAND) {
  const d = typeof at === 'string' ? new Date(at) : at;
  return `${fmtIn(TIME_OPTS, timeZone).format(d)} ${zoneName(d, timeZone)}`.trim();
}

// Shared with the server, whose office spreadsheet says them in the same words.
export { modeLabel, seatAdjective, seatLabel } from '../../shared/sessions.js';
export { statusLabel } from '../../shared/bookings.js';

export const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;
/** As plural, with the number grouped in thousands ("1,234 organisations"), for counts that may be large. */
export const counted = (n: number, one: string, many = one + 's') => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** "3rd" etc., for queue positions. */
export function ordinal(n: number) {
  const rem100 = n % 100;
  const suffix = rem100 >= 11 && rem100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * The date (YYYY-MM-DD) an instant falls on in England, now by default: what a date field
 * that the server reads as a day in England starts at ("from today"), and which day's row
 * an instant goes in on pages laid out by days in England.
 */
export function dayInEngland(at: Date | string = new Date(serverNow())): string {
  return wallClock(typeof at === 'string' ? at : at.toISOString(), ENGLAND).date;
}

function zoneOffsetMs(utcMs: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A wall-clock date and time in an IANA zone as an ISO 8601 instant with its offset,
 * e.g. ("2026-03-29", "09:00", "Europe/London") -> "2026-03-29T09:00:00+01:00". A time that
 * happens twice (the clocks going back) is the `occurrence` asked for; with none, whichever
 * the zone's offsets lead to (in England the second, GMT).
 */
export function zonedIso(day: string, time: string, timeZone: string, occurrence?: 'first' | 'second'): string | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return null;
  // A time the clocks go back over happens twice: `occurrence` says which is meant (see repeatedTime).
  const twice = occurrence ? repeatedTime(day, time, timeZone) : null;
  if (twice) return occurrence === 'first' ? twice.first : twice.second;
  const wall = Date.UTC(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(tm[1]), Number(tm[2]));
  let offset = zoneOffsetMs(wall, timeZone);
  offset = zoneOffsetMs(wall - offset, timeZone);
  return withOffset(day, time, offset);
}

/** "2026-03-29T09:00:00+01:00": a wall-clock date and time with an offset from UTC (in ms). */
function withOffset(day: string, time: string, offset: number): string {
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset) / 60000;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day}T${time}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant as the date and time a wall clock in `timeZone` shows ("2026-03-29", "09:00"). */
export function wallClock(iso: string, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** A calendar day `days` later ("2026-03-29" + 7 -> "2026-04-05"). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(Date.UTC(y!, m! - 1, d! + days));
  return t.toISOString().slice(0, 10);
}

/** Says how many places a change to a person gave up (nothing when none was), for the message after it. */
export function placesGivenUp(n: number, one: string, many: string): string {
  if (n <= 0) return '';
  return ` ${n === 1 ? `Their place on ${one} was` : `Their ${n} places on ${many} were`} given up for others, and they have been told by email.`;
}

/** Names or titles as one English list: "A", "A and B", "A, B and C". */
export const listOf = (items: readonly string[]): string => new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(items);


/**
 * The hour the clocks skip: when `time` on `day` is no time at all in `timeZone` (01:30 on the
 * last Sunday of March in England, when the clocks go forward from 01:00 to 02:00), the wall
 * times either side of the gap ("01:00", "02:00"); null for a time that exists. zonedIso turns
 * a skipped time into another that does exist, so a form says this instead of what follows
 * from it ("the end must be after the start"). Throws as zonedIso does for an unknown zone.
 */
export function skippedTime(day: string, time: string, timeZone: string): { from: string; to: string } | null {
  const iso = zonedIso(day, time, timeZone);
  if (!iso) return null;
  const shown = wallClock(iso, timeZone);
  if (shown.date === day && shown.time === time) return null;
  // The change of offset lies within a day and a half either side: found to the minute.
  const wall = Date.parse(`${day}T${time}:00Z`);
  let lo = wall - 36 * 3_600_000;
  let hi = wall + 36 * 3_600_000;
  const before = zoneOffsetMs(lo, timeZone);
  const after = zoneOffsetMs(hi, timeZone);
  if (after <= before) return null;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (zoneOffsetMs(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  return { from: clock(hi + before), to: clock(hi + after) };
}

/** "01:30 does not exist on 28 March 2027 in Europe/London: the clocks go forward from 01:00 to 02:00."; null for a time that exists (see skippedTime). */
export function skippedTimeWords(day: string, time: string, timeZone: string): string | null {
  const gap = skippedTime(day, time, timeZone);
  return gap && `${time} does not exist on ${formatDay(day)} in ${timeZone}: the clocks go forward from ${gap.from} to ${gap.to}.`;
}

/**
 * The hour the clocks repeat: when `time` on `day` happens twice in `timeZone` (01:30 on the
 * last Sunday of October in England, when the clocks go back from 02:00 BST to 01:00 GMT),
 * each of the two instants (`first` before the clocks go back, `second` after), the zone's
 * name at each ("BST", "GMT") and the wall times the clocks go back from and to ("02:00",
 * "01:00"); null for a time that happens once (or not at all, see skippedTime), or that is no
 * date and time. zonedIso takes which of the two is meant. Throws as zonedIso does for an
 * unknown zone.
 */
export function repeatedTime(day: string, time: string, timeZone: string): { first: string; second: string; firstZone: string; secondZone: string; from: string; to: string } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return null;
  const wall = Date.parse(`${day}T${time}:00Z`);
  if (!Number.isFinite(wall)) return null;
  // The clocks going back lies within a day and a half either side: the offsets before and after it.
  const before = zoneOffsetMs(wall - 36 * 3_600_000, timeZone);
  const after = zoneOffsetMs(wall + 36 * 3_600_000, timeZone);
  if (after >= before) return null;
  // The wall time at each offset, if the zone keeps that offset then: both do only in the repeated hour.
  const [early, late] = [wall - before, wall - after];
  if (zoneOffsetMs(early, timeZone) !== before || zoneOffsetMs(late, timeZone) !== after) return null;
  const change = changeOfOffset(wall - 36 * 3_600_000, wall + 36 * 3_600_000, timeZone);
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  return {
    first: withOffset(day, time, before),
    second: withOffset(day, time, after),
    firstZone: zoneName(new Date(early), timeZone),
    secondZone: zoneName(new Date(late), timeZone),
    from: clock(change + before),
    to: clock(change + after),
  };
}

/** The first minute (ms since 1970) at which `timeZone`'s offset is no longer what it was at `lo`, given it has changed by `hi`. */
function changeOfOffset(lo: number, hi: number, timeZone: string): number {
  const start = zoneOffsetMs(lo, timeZone);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (zoneOffsetMs(mid, timeZone) === start) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * "01:30 happens twice on 31 October 2027 in Europe/London: the clocks go back from 02:00 BST
 * to 01:00 GMT."; null for a time that happens once (see repeatedTime). `times`: more than one
 * time of that night ("01:15 and 01:45").
 */
export function repeatedTimeWords(day: string, times: readonly string[], timeZone: string): string | null {
  const twice = times.filter((t) => repeatedTime(day, t, timeZone));
  const r = twice.length ? repeatedTime(day, twice[0]!, timeZone) : null;
  if (!r) return null;
  return `${listOf(twice)} ${twice.length === 1 ? 'happens' : 'happen'} twice on ${formatDay(day)} in ${timeZone}: the clocks go back from ${r.from} ${r.firstZone} to ${r.to} ${r.secondZone}.`;
}

/**
 * How long after a session's end its attendance is recorded: the server's outcome job writes
 * who attended then (server/attendance/service.ts, OUTCOME_GRACE_MS). No answer of the API
 * says it, so the pages keep the same figure; until then attendance may still change and lists
 * built from what is recorded (feedback, training records) leave the session out.
 */
export const ATTENDANCE_RECORDED_AFTER_MINUTES = 15;

/**
 * For a session that has ended but whose attendance is not yet recorded (now by the server's
 * clock): "Attendance is recorded at 16:15 GMT, 15 minutes after the end"; null before its end
 * and once it is recorded.
 */
export function attendanceNotYetRecorded(endsAt: string, now: number = serverNow()): string | null {
  const end = Date.parse(endsAt);
  const at = end + ATTENDANCE_RECORDED_AFTER_MINUTES * 60_000;
  if (!(now >= end && now < at)) return null;
  return `Attendance is recorded at ${formatTime(new Date(at))}, ${ATTENDANCE_RECORDED_AFTER_MINUTES} minutes after the end`;
}
