/**
 * The fields of a session (new, duplicate, series and edit share them), what they become for
 * the API, and how the API's refusals map back onto the fields.
 */
import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { AREAS, bookingEndsAt, Course, CreateCourseInput, CreateSessionInput, type Mode, type Session } from '../../../../shared/sessions.js';
import { api, ApiError } from '../../api.js';
import { ActionButton, ActionError, Loaded, useAction, useLoad } from '../../load.js';
import { described, errorFor, Field, FieldNotes, lengthHint, messageOf, Status, TextField, TimeZoneList, toFieldErrors, tooLongError, useApp, useFocusLater, type FieldError } from '../../components.js';
import { addDays, formatLongDay, formatTime, formatTimeRange, listOf, modeLabel, repeatedTime, repeatedTimeWords, skippedTime, skippedTimeWords, wallClock, zonedIso } from '../../format.js';
import { TrainersField } from './TrainersField.js';
import { serverNow } from '../../clock.js';

export interface SessionValues {
  title: string;
  description: string;
  mode: Mode;
  date: string;
  start: string;
  end: string;
  timeZone: string;
  venue: string;
  /** An area code, or '' for none. */
  area: string;
  capInPerson: string;
  capOnline: string;
  policy: 'auto' | 'offer';
  closesDate: string;
  closesTime: string;
  /** '' for no course. */
  courseId: string;
  /** Which part of its course (a whole number from 1). */
  part: string;
  /**
   * Who runs it: an administrator chooses anyone; a trainer or in-house lead is always among
   * them (they run what they publish and edit) and adds trainers as co-trainers.
   */
  trainerIds: string[];
  /** The online room: webinar (only trainers speak unless they invite someone) or workshop (everyone may speak). */
  roomKind: 'webinar' | 'workshop';
  /** The share of its time someone must be present for to count as attended, in per cent. */
  threshold: string;
  /** How long a seat offered from the waitlist is held, in minutes (with the "offer" policy). */
  offerHold: string;
  /** The date before the date field was cleared (while it is being retyped), if any. */
  lastDate?: string;
  /** The start time before the start field was cleared (while it is being retyped), if any. */
  lastStart?: string;
  /**
   * When the end time is on the day after the date, so that the session runs past midnight
   * (see endDay):
   * - 'if-before': a new session (or a copy of one that ends the day it starts): an end time
   *   before the start time (21:00 to 00:30). An end equal to the start is still a mistake to
   *   point out, not a session of 24 hours.
   * - 'if-not-after': a session being edited or copied that already ends the day after it
   *   starts (23:30 to 00:30, or 24 hours): an end time not after the start time.
   * - not given: a session being edited that ends the day it starts. An end before the start
   *   is pointed out: moving a booked session's end to the next day would tell everyone of a
   *   change a slip of the keyboard made.
   */
  endsNextDay?: 'if-before' | 'if-not-after';
  /**
   * Which of a time that happens twice (the night the clocks go back: 01:30 on the last Sunday
   * of October in England) the form's times mean: the first (BST) or the second (GMT). Not
   * given: the first, as a calendar reads such a time (RFC 5545). Used only for a time that
   * happens twice (see repeatedTime); the form asks (RepeatedTimeChoice).
   */
  occurrence?: 'first' | 'second';
}

/** Which of a time that happens twice the form's times mean (see SessionValues.occurrence). */
export const occurrenceOf = (v: Pick<SessionValues, 'occurrence'>): 'first' | 'second' => v.occurrence ?? 'first';

/** The day the end time is on: the date, or the day after it for a session that runs past midnight (endsNextDay). */
export function endDay(v: Pick<SessionValues, 'start' | 'end' | 'endsNextDay'>, date: string): string {
  if (v.end === '' || v.start === '') return date;
  const next = v.endsNextDay === 'if-before' ? v.end < v.start : v.endsNextDay === 'if-not-after' && v.end <= v.start;
  return next ? addDays(date, 1) : date;
}

/** The time zones offered beside the field (any other can be typed): England's first. */

export const EMPTY_SESSION: SessionValues = { title: '', description: '', mode: 'online', date: '', start: '', end: '', timeZone: 'Europe/London', venue: '', area: '', capInPerson: '', capOnline: '', policy: 'auto', closesDate: '', closesTime: '', courseId: '', part: '1', trainerIds: [], roomKind: 'webinar', threshold: '75', offerHold: '1440', endsNextDay: 'if-before' };

/** A share (0.75) as the per cent the form shows ("75"), to two decimal places at most. */
export const percentOf = (share: number) => String(Math.round(share * 10_000) / 100);

/** A session's values as the form shows them (times on the session's own clock), its trainers as they are. */
export function valuesOf(s: Session): SessionValues {
  const start = wallClock(s.startsAt, s.timeZone);
  const end = wallClock(s.endsAt, s.timeZone);
  const closes = s.bookingClosesAt ? wallClock(s.bookingClosesAt, s.timeZone) : null;
  // A time that happens twice is shown as the one the session has (its start's, else its end's, else its cut-off's).
  let occurrence: SessionValues['occurrence'];
  for (const [iso, at] of [[s.startsAt, start], [s.endsAt, end], [s.bookingClosesAt, closes]] as const) {
    const twice = iso && at ? repeatedTime(at.date, at.time, s.timeZone) : null;
    if (twice) {
      occurrence = Date.parse(iso!) === Date.parse(twice.first) ? 'first' : 'second';
      break;
    }
  }
  return {
    title: s.title,
    description: s.description,
    mode: s.mode,
    date: start.date,
    start: start.time,
    end: end.time,
    endsNextDay: end.date !== start.date ? 'if-not-after' : undefined,
    timeZone: s.timeZone,
    venue: s.venue ?? '',
    area: s.area ?? '',
    capInPerson: s.mode === 'online' ? '' : String(s.capacity.inPerson),
    capOnline: s.mode === 'in_person' ? '' : String(s.capacity.online),
    policy: s.waitlistPolicy,
    closesDate: closes?.date ?? '',
    closesTime: closes?.time ?? '',
    courseId: s.courseId ?? '',
    part: String(s.part ?? 1),
    trainerIds: [...s.trainerIds],
    roomKind: s.roomKind,
    threshold: percentOf(s.attendanceThreshold),
    offerHold: String(s.offerHoldMinutes),
    occurrence,
  };
}

const AREA_HINT = 'The region people find this session under. Choose Online / national for a session meant for anyone, anywhere.';

export const SESSION_FIELDS = {
  title: { id: 'title', label: 'Title' },
  description: { id: 'description', label: 'Description' },
  mode: { id: 'mode-online', label: 'Mode' },
  startsAt: { id: 'start', label: 'Start time' },
  endsAt: { id: 'end', label: 'End time' },
  timeZone: { id: 'timeZone', label: 'Time zone' },
  venue: { id: 'venue', label: 'Venue' },
  area: { id: 'area', label: 'Area' },
  'capacity.inPerson': { id: 'cap-in-person', label: 'Number of in-person seats' },
  'capacity.online': { id: 'cap-online', label: 'Number of online seats' },
  waitlistPolicy: { id: 'policy', label: 'When a seat frees up' },
  bookingClosesAt: { id: 'closes-date', label: 'Booking closes' },
  courseId: { id: 'course', label: 'Course' },
  part: { id: 'part', label: 'Part of the course' },
  trainerIds: { id: 'trainers', label: 'Trainers' },
  roomKind: { id: 'room-webinar', label: 'Online room' },
  attendanceThreshold: { id: 'threshold', label: 'Attendance needed' },
  offerHoldMinutes: { id: 'offer-hold', label: 'How long an offered seat is held' },
};

/**
 * The longest title, description and venue, and a new course's title, in characters: the
 * service's schemas' own. A text pasted longer is refused with a word, not cut short.
 */
const MAX_CHARS = {
  title: CreateSessionInput.shape.title.in.maxLength!,
  description: CreateSessionInput.shape.description.unwrap().maxLength!,
  venue: CreateSessionInput.shape.venue.unwrap().unwrap().maxLength!,
  courseTitle: CreateCourseInput.shape.title.in.maxLength!,
};

/** What the schema's refusals of the advanced fields mean, in the form's own units (per cent, minutes). */
const UNIT_MESSAGES: Record<string, string> = {
  threshold: 'Attendance needed must be a percentage from 0 to 100, such as 75',
  'offer-hold': 'How long an offered seat is held must be a whole number of minutes from 5 to 20160 (14 days)',
};

/** What to do about a time the clocks skip: "Choose a start time before 01:00 or from 02:00." */
export function skippedTimeAdvice(what: string, timeZone: string, day: string, time: string): string {
  const gap = skippedTime(day, time, timeZone);
  return gap ? `Choose ${what} before ${gap.from} or from ${gap.to}.` : '';
}

/** The longest a new session may run past midnight, from an end time before its start time (see toInput). */
const MAX_PAST_MIDNIGHT_HOURS = 12;

const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The API input for the form's values, or the problems with them (for the fields). */
export function toInput(v: SessionValues): { input: CreateSessionInput; errors: FieldError[] } | { input: null; errors: FieldError[] } {
  const found: FieldError[] = [];
  for (const [field, label, text] of [['title', 'Title', v.title], ['description', 'Description', v.description], ['venue', 'Venue', v.mode === 'online' ? '' : v.venue]] as const) {
    const tooLong = tooLongError(label, text, MAX_CHARS[field]);
    if (tooLong) found.push({ field, message: tooLong });
  }
  const tz = v.timeZone.trim() || 'Europe/London';
  let startsAt: string | null = null;
  let endsAt: string | null = null;
  let closesAt: string | null = null;
  // The date, the start and the end are each checked by themselves, so that a first attempt
  // at an empty form lists every one of them, not the times only once the date is right.
  const dayGiven = /^\d{4}-\d{2}-\d{2}$/.test(v.date);
  const timeGiven = (t: string) => /^\d{2}:\d{2}$/.test(t);
  try {
    // The end's day is worked out from the date (the day after, past midnight): only once there is one.
    if (dayGiven && timeGiven(v.start) && timeGiven(v.end)) {
      startsAt = zonedIso(v.date, v.start, tz, occurrenceOf(v));
      endsAt = zonedIso(endDay(v, v.date), v.end, tz, occurrenceOf(v));
      // A time the clocks skip is said as such, not as what the time it would become leads to ("the end must be after the start").
      const startGap = skippedTimeWords(v.date, v.start, tz);
      const endGap = skippedTimeWords(endDay(v, v.date), v.end, tz);
      if (startGap) {
        found.push({ field: 'start', message: `${startGap} ${skippedTimeAdvice('a start time', tz, v.date, v.start)}` });
        startsAt = null;
      }
      if (endGap) {
        found.push({ field: 'end', message: `${endGap} ${skippedTimeAdvice('an end time', tz, endDay(v, v.date), v.end)}` });
        endsAt = null;
      }
    }
    closesAt = v.closesDate ? zonedIso(v.closesDate, v.closesTime || '00:00', tz, occurrenceOf(v)) : null;
    const closesGap = v.closesDate && /^\d{4}-\d{2}-\d{2}$/.test(v.closesDate) && timeGiven(v.closesTime) ? skippedTimeWords(v.closesDate, v.closesTime, tz) : null;
    if (closesGap) {
      found.push({ field: 'closes-time', message: `${closesGap} ${skippedTimeAdvice('a time', tz, v.closesDate, v.closesTime)}` });
      closesAt = null;
    }
  } catch {
    found.push({ field: 'timeZone', message: 'Time zone must be written as region and city, such as Europe/London' });
  }
  if (!dayGiven) found.push({ field: 'date', message: 'Enter the date of the session' });
  if (!timeGiven(v.start)) found.push({ field: 'start', message: 'Enter a start time, like 16:00' });
  if (!timeGiven(v.end)) found.push({ field: 'end', message: 'Enter an end time, like 17:30' });
  if (v.closesDate && !/^\d{4}-\d{2}-\d{2}$/.test(v.closesDate)) found.push({ field: 'closes-date', message: 'Enter the date booking closes, or leave it empty' });
  // Not taken as midnight at the start of that date (booking closing a day before it seems to).
  else if (v.closesDate && !v.closesTime) found.push({ field: 'closes-time', message: 'Enter the time booking closes on that date, such as 17:00, or clear the date' });
  // A time with no date is not thrown away as if it had never been typed.
  else if (!v.closesDate && v.closesTime) found.push({ field: 'closes-date', message: 'Enter the date booking closes on as well as the time, or clear the time' });
  // An end time before the start time is the next day (a new session, 21:00 to 00:30); one
  // more than 12 hours after the start is far more likely a slip (16:00 to 15:00) than a session.
  if (startsAt && endsAt && v.endsNextDay === 'if-before' && endDay(v, v.date) !== v.date && Date.parse(endsAt) - Date.parse(startsAt) > MAX_PAST_MIDNIGHT_HOURS * 3_600_000) {
    found.push({ field: 'end', message: `The end time, ${v.end}, is before the start time, so the session would end the next day, more than ${MAX_PAST_MIDNIGHT_HOURS} hours after it starts: check the start and end times` });
  }
  // Said with what to do, not as the schema's "must not be after the end time".
  if (closesAt && endsAt && Date.parse(closesAt) > Date.parse(endsAt) && !found.some((x) => x.field === 'closes-date' || x.field === 'closes-time')) {
    found.push({ field: 'closes-date', message: `Booking closes after the session ends (${v.end} on ${formatLongDay(endDay(v, v.date))}): set it at or before the session’s end, or leave both Booking closes fields empty to keep booking open until the end` });
  }
  if (v.trainerIds.length === 0) found.push({ field: 'trainers', message: 'Choose at least one trainer to run this session' });
  const percent = v.threshold.trim().replace(/\s*%$/, '');
  if (!percent) found.push({ field: 'threshold', message: 'Enter the attendance needed, as a percentage such as 75' });
  const offers = v.policy === 'offer';
  if (offers && !v.offerHold.trim()) found.push({ field: 'offer-hold', message: 'Enter how many minutes an offered seat is held, such as 1440 (24 hours)' });
  const parsed = CreateSessionInput.safeParse({
    title: v.title,
    description: v.description || undefined,
    mode: v.mode,
    startsAt: startsAt ?? '',
    endsAt: endsAt ?? '',
    timeZone: tz,
    venue: v.mode === 'online' ? undefined : v.venue || undefined,
    // null, not left out: on an edit, an emptied area is cleared.
    area: v.area || null,
    capacity: { inPerson: v.mode === 'online' ? undefined : num(v.capInPerson), online: v.mode === 'in_person' ? undefined : num(v.capOnline) },
    waitlistPolicy: v.policy,
    bookingClosesAt: closesAt,
    courseId: v.courseId || null,
    part: v.courseId ? num(v.part) : undefined,
    trainerIds: v.trainerIds,
    roomKind: v.roomKind,
    // Per cent in the form, a share for the API (0.8 for 80).
    attendanceThreshold: percent ? Number(percent) / 100 : undefined,
    // Only used when a freed seat is offered: not sent (nor checked) otherwise.
    offerHoldMinutes: offers ? num(v.offerHold) : undefined,
  });
  if (!parsed.success) {
    for (const fe of toFieldErrors(parsed.error.issues, SESSION_FIELDS, SESSION_FIELDS.title)) {
      // Times that could not be worked out were said above (the date, a time, the zone): not again as the schema's words.
      if (!found.some((x) => x.field === fe.field) && !((!startsAt || !endsAt) && (fe.field === 'start' || fe.field === 'end'))) found.push({ ...fe, message: UNIT_MESSAGES[fe.field] ?? fe.message });
    }
  }
  if (found.length || !parsed.success) return { input: null, errors: found };
  return { input: parsed.data, errors: [] };
}

const isDay = (d: string | undefined): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d);
const isTime = (t: string | undefined): t is string => !!t && /^([01]\d|2[0-3]):[0-5]\d$/.test(t);
/** A wall-clock date and time as minutes on a clock that never changes (its hours are all an hour long). */
const wallMinutes = (day: string, time: string) => Date.parse(`${day}T${time}:00Z`) / 60_000;

/**
 * The form's values after a change: when the session's start moves (its date, its time or
 * both), a booking cut-off keeps its distance from it on the wall clock, as the server moves
 * it when an edit moves a session or a series repeats one (sessions/service.ts, movedWith):
 * so the page shows the cut-off that will be saved. A copy starts with its source's cut-off,
 * which would otherwise close booking at once, or fall after the new date. A cut-off changed
 * in the same change, or while the start was being retyped, stays as typed; a moved one never
 * falls after the end. The last whole date and time stand in while a field is cleared to be retyped.
 */
export function withCutOffMoved(before: SessionValues, after: SessionValues): SessionValues {
  // Where the start was when it was last whole (date and time both): while either is being
  // retyped, changes to the other move from there, not from a half-typed start.
  const whole = isDay(before.date) && isTime(before.start);
  const fromDay = whole ? before.date : before.lastDate;
  const fromTime = whole ? before.start : before.lastStart;
  const cutOffTyped = before.closesDate !== after.closesDate || before.closesTime !== after.closesTime;
  // A cut-off typed meanwhile is the trainer's own: not moved when the start is whole again.
  if (!isDay(after.date) || !isTime(after.start)) return cutOffTyped ? { ...after, lastDate: undefined, lastStart: undefined } : { ...after, lastDate: fromDay, lastStart: fromTime };
  const settled: SessionValues = { ...after, lastDate: undefined, lastStart: undefined };
  if (!fromDay || !fromTime || !isDay(after.closesDate) || !isTime(after.closesTime) || cutOffTyped) return settled;
  const shift = wallMinutes(after.date, after.start) - wallMinutes(fromDay, fromTime);
  if (!shift) return settled;
  // Never past the end, as the server keeps one it moves.
  let moved = wallMinutes(after.closesDate, after.closesTime) + shift;
  if (isTime(after.end)) moved = Math.min(moved, wallMinutes(endDay(after, after.date), after.end));
  const [closesDate, closesTime] = new Date(moved * 60_000).toISOString().slice(0, 16).split('T') as [string, string];
  return { ...settled, closesDate, closesTime };
}

/**
 * The API's refusal as field errors: its field issues, a capacity below the seats taken beside
 * that capacity, an in-house lead's refusal beside "Who is it for", another refusal of what was
 * entered (400) on `fallback`; null for a failure that is about no field (the network, the
 * service, the session cancelled meanwhile), which the page says as such (SaveFailure).
 */
export function apiFieldErrors(err: unknown, fallback = 'title'): FieldError[] | null {
  if (err instanceof ApiError && err.issues.length) {
    // Issues on the form's own fields go beside them. Any other (who it is for, on the new
    // session page; one date of a series) is the server's own sentence ("That organisation has
    // no schools under it: …"), beside the field it is about, never as "Title is …".
    const known = err.issues.filter((i) => i.path in SESSION_FIELDS);
    const rest = toFieldErrors(known, SESSION_FIELDS, SESSION_FIELDS.title);
    const other = err.issues.filter((i) => !(i.path in SESSION_FIELDS)).map((i) => i.path);
    if (!other.length) return rest;
    const at = other.some((p) => p.startsWith('audience')) ? { field: 'audience-org', label: 'Who is it for' } : other.some((p) => p.startsWith('occurrences')) ? { field: 'end', label: 'End time' } : { field: fallback, label: 'Title' };
    return [{ field: at.field, message: `${at.label}: ${messageOf(err)}` }, ...rest.filter((r) => r.field !== at.field)];
  }
  // Narrowing who a session is for past people on it (or seats held for others) is refused beside that field.
  if (err instanceof ApiError && err.code === 'audience_excludes_booked') return [{ field: 'audience-org', message: `Who is it for: ${messageOf(err)}` }];
  if (err instanceof ApiError && err.code === 'capacity_below_confirmed') return [{ field: /online/.test(err.message) ? 'cap-online' : 'cap-in-person', message: err.message }];
  // An in-house lead may publish only for their own organisation: said where that is chosen.
  if (err instanceof ApiError && err.status === 403 && /who is it for/i.test(err.message)) return [{ field: 'audience-org', message: `Who is it for: ${messageOf(err)}` }];
  if (err instanceof ApiError && (err.status === 400 || err.status === 422)) return [{ field: fallback, message: messageOf(err) }];
  return null;
}

export { SaveFailure } from '../../load.js';

/**
 * Whether the session on `day`, at the form's times, starts in the past by the server's clock:
 * `bookable` when people can still book it (until its cut-off, else its end: the server's own
 * rule, bookingEndsAt), `unbookable` when no one can; null while its start is still to come
 * or cannot be worked out. Another day of a series has its cut-off the same time before its
 * start as the form's date has (as the server moves it for each date).
 */
export function pastStart(v: SessionValues, day: string): 'bookable' | 'unbookable' | null {
  const tz = v.timeZone || 'Europe/London';
  let start: string | null;
  try {
    start = zonedIso(day, v.start, tz, occurrenceOf(v));
  } catch {
    return null;
  }
  if (start === null || !(Date.parse(start) < serverNow())) return null;
  try {
    const endsAt = zonedIso(endDay(v, day), v.end, tz, occurrenceOf(v));
    if (endsAt === null) return 'unbookable';
    const firstStart = zonedIso(v.date, v.start, tz, occurrenceOf(v));
    const closes = v.closesDate ? zonedIso(v.closesDate, v.closesTime || '00:00', tz, occurrenceOf(v)) : null;
    const bookingClosesAt = closes === null || firstStart === null ? null : new Date(Date.parse(closes) - Date.parse(firstStart) + Date.parse(start)).toISOString();
    const till = bookingEndsAt({ endsAt, bookingClosesAt });
    return Date.parse(till) > serverNow() ? 'bookable' : 'unbookable';
  } catch {
    return 'unbookable';
  }
}

/** A day of the session (or of a series) whose start is in the past, and whether it can still be booked. */
export interface PastDay {
  day: string;
  when: 'bookable' | 'unbookable';
}

/** The days of `days` whose start, at the form's times, is in the past by the server's clock (pastStart). */
export const pastDays = (v: SessionValues, days: readonly string[]): PastDay[] =>
  days.flatMap((day) => {
    const when = pastStart(v, day);
    return when ? [{ day, when }] : [];
  });

/**
 * Asked before publishing (or saving) a session that would start in the past: most likely a
 * slip in the date or time, though recording a session that has already taken place is
 * allowed. Drawn above the form when the button is pressed; it takes focus (`innerRef`), says
 * which start is past and what that means for booking, and offers to correct the date
 * (`onCorrect`) or to go ahead (`onGoAhead`, labelled `goAhead`, "Publish anyway").
 */
export function PastStartQuestion({ values: v, past, total = 1, goAhead, busy, onGoAhead, onCorrect, innerRef }: { values: SessionValues; past: readonly PastDay[]; /** How many sessions would be published (a series). */ total?: number; goAhead: string; busy: boolean; onGoAhead: () => void; onCorrect: () => void; innerRef: Ref<HTMLDivElement> }) {
  const tz = v.timeZone.trim() || 'Europe/London';
  const at = (day: string) => {
    let iso: string | null = null;
    try {
      iso = zonedIso(day, v.start, tz, occurrenceOf(v));
    } catch {
      // A zone not understood: the time as typed.
    }
    return iso && tz === 'Europe/London' ? formatTime(iso) : `${v.start} (${tz})`;
  };
  const one = past.length === 1;
  const title = total === 1 ? 'This session would start in the past' : `${past.length} of these ${total} sessions would start in the past`;
  const when =
    total === 1 ? `It would start at ${at(past[0]!.day)} on ${formatLongDay(past[0]!.day)}, which has already gone.`
    : one ? `The one on ${formatLongDay(past[0]!.day)} would start at ${at(past[0]!.day)}, which has already gone.`
    : `Those on ${listOf(past.map((p) => formatLongDay(p.day)))} would start at ${v.start}${tz === 'Europe/London' ? '' : ` (${tz})`}, which has already gone.`;
  const bookable = past.filter((p) => p.when === 'bookable').length;
  const booking =
    bookable === 0
      ? `If you go ahead, no one will be able to book ${one ? 'it' : 'them'}.`
      : bookable === past.length
        ? `If you go ahead, people can book ${one ? 'it only until it ends' : 'them only until each ends'}, and anyone who books too late to be there for the attendance needed will not count as having attended.`
        : 'If you go ahead, no one will be able to book those that have ended, and anyone who books the others too late to be there for the attendance needed will not count as having attended.';
  return (
    <PastTimeQuestion id="past-question" title={title} correct={one ? 'Correct the date' : 'Correct the dates'} goAhead={goAhead} busy={busy} onGoAhead={onGoAhead} onCorrect={onCorrect} innerRef={innerRef}>
      <p>
        {when} {booking}
      </p>
      <p>If the date or time is a mistake, correct it. If you are recording a session that has already taken place, {goAhead.toLowerCase()}.</p>
    </PastTimeQuestion>
  );
}

/**
 * A question asked before saving a time already gone (a session's start, its booking cut-off,
 * when held seats are released): a warning drawn above the button pressed that takes focus
 * (`innerRef`), is named by its `title` and described by what it says (`children`: the time,
 * and what going ahead does at once), and offers to correct the time (`correct`, `onCorrect`)
 * or to go ahead (`goAhead`, `onGoAhead`). Nothing is saved until it is answered.
 */
export function PastTimeQuestion({ id, title, level = 2, correct, goAhead, busy, onGoAhead, onCorrect, innerRef, children }: { id: string; title: string; /** Its heading's level: 3 inside a section of its own. */ level?: 2 | 3; correct: string; goAhead: string; busy: boolean; onGoAhead: () => void; onCorrect: () => void; innerRef: Ref<HTMLDivElement>; children: ComponentChildren }) {
  const Heading = level === 3 ? 'h3' : 'h2';
  return (
    <div class="notice notice-warning" id={id} ref={innerRef} tabIndex={-1} role="group" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
      <Heading id={`${id}-title`}>{title}</Heading>
      <div id={`${id}-text`}>{children}</div>
      <div class="actions">
        <button type="button" class="button button-secondary" onClick={onCorrect}>
          {correct}
        </button>
        <button type="button" class="button" onClick={onGoAhead} aria-disabled={busy ? 'true' : undefined}>
          {goAhead}
        </button>
      </div>
    </div>
  );
}

/**
 * The days of `days` (the form's date, or a series') whose start is still to come but whose
 * booking cut-off has already gone by the server's clock: publishing (or saving) one closes
 * its booking at once. Another day's cut-off is the same time before its start as the form's
 * date's (as the server moves it for each date, and pastStart counts it). A day whose start is
 * past is left to PastStartQuestion, which says what its cut-off means for booking.
 */
export function pastCutOffDays(v: SessionValues, days: readonly string[]): string[] {
  if (!isDay(v.closesDate) || !isTime(v.closesTime)) return [];
  const tz = v.timeZone.trim() || 'Europe/London';
  try {
    const firstStart = zonedIso(v.date, v.start, tz, occurrenceOf(v));
    const closes = zonedIso(v.closesDate, v.closesTime, tz, occurrenceOf(v));
    if (firstStart === null || closes === null) return [];
    return days.filter((day) => {
      const start = zonedIso(day, v.start, tz, occurrenceOf(v));
      return start !== null && Date.parse(start) >= serverNow() && Date.parse(closes) - Date.parse(firstStart) + Date.parse(start) <= serverNow();
    });
  } catch {
    // A zone not understood is said at its field.
    return [];
  }
}

/** What going ahead with a booking cut-off already gone does: said the same on the new session and edit pages. */
const CUT_OFF_PAST_MEANS = 'If you go ahead, booking closes at once: no one will be able to book a place or join the waitlist.';

/**
 * Asked before publishing (or saving) a booking cut-off that has already gone (pastCutOffDays;
 * on the edit page, a cut-off changed to a time gone while booking is open): it says when
 * booking would close and that going ahead closes it at once, and offers to correct the
 * cut-off (`onCorrect`) or to go ahead (`onGoAhead`, labelled `goAhead`). As PastStartQuestion.
 */
export function PastCutOffQuestion({ values: v, days, total = 1, goAhead, busy, onGoAhead, onCorrect, innerRef }: { values: SessionValues; /** The days whose cut-off has gone (the form's date alone, for one session). */ days: readonly string[]; /** How many sessions would be published (a series). */ total?: number; goAhead: string; busy: boolean; onGoAhead: () => void; onCorrect: () => void; innerRef: Ref<HTMLDivElement> }) {
  const tz = v.timeZone.trim() || 'Europe/London';
  let at = `${v.closesTime}${tz === 'Europe/London' ? '' : ` (${tz})`}`;
  let before = '';
  try {
    const iso = zonedIso(v.closesDate, v.closesTime, tz, occurrenceOf(v));
    const start = zonedIso(v.date, v.start, tz, occurrenceOf(v));
    if (iso && tz === 'Europe/London') at = formatTime(iso);
    if (iso && start && Date.parse(start) > Date.parse(iso)) before = lengthWords(Date.parse(start) - Date.parse(iso));
  } catch {
    // A zone not understood: the time as typed.
  }
  const one = days.length === 1;
  const title = total === 1 ? 'Booking would close in the past' : `Booking on ${days.length} of these ${total} sessions would close in the past`;
  // A series: each session's booking closes the same time before its start as the first's.
  const when =
    total === 1
      ? `Booking would close at ${at} on ${formatLongDay(v.closesDate)}, which has already gone.`
      : `For ${one ? 'the session' : 'the sessions'} on ${listOf(days.map(formatLongDay))}, booking would close ${before ? `${before} before ${one ? 'it starts' : 'each starts'}` : `when ${one ? 'it starts' : 'each starts'}`}, which has already gone.`;
  return (
    <PastTimeQuestion id="past-cut-off-question" title={title} correct="Correct the booking cut-off" goAhead={goAhead} busy={busy} onGoAhead={onGoAhead} onCorrect={onCorrect} innerRef={innerRef}>
      <p>
        {when} {CUT_OFF_PAST_MEANS}
      </p>
      <p>If the date or time booking closes is a mistake, correct it (or clear both to keep booking open until the end). To close booking now, {goAhead.toLowerCase()}.</p>
    </PastTimeQuestion>
  );
}

/** The form's fields; `set` changes one value. `sessionId`: the session edited or copied (its trainers are named from it). */
export function SessionFields({ values, set, errors, sessionId }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; errors: FieldError[]; sessionId?: string }) {
  const v = values;
  const text = (k: keyof SessionValues) => ({ value: v[k] as string, onInput: (e: Event) => set({ [k]: (e.currentTarget as HTMLInputElement).value } as Partial<SessionValues>) });
  const past = pastStart(v, v.date);
  const descriptionHint = lengthHint(v.description, MAX_CHARS.description);
  return (
    <>
      <TextField id="title" label="Title" hint={lengthHint(v.title, MAX_CHARS.title)} error={errorFor(errors, 'title')} {...text('title')} />
      <Field id="description" label="Description (optional)" hint={descriptionHint} error={errorFor(errors, 'description')}>
        <textarea id="description" name="description" rows={5} {...described('description', descriptionHint, errorFor(errors, 'description'))} {...text('description')} />
      </Field>
      {/* Its error (the server's, say) is read with the group, and marks it, as a field's does. */}
      <fieldset class={errorFor(errors, 'mode-online') ? 'field field-error' : 'field'} aria-describedby={errorFor(errors, 'mode-online') ? 'mode-online-error' : undefined}>
        <legend>Mode</legend>
        <FieldNotes id="mode-online" error={errorFor(errors, 'mode-online')} />
        <div class="radios">
          {(['online', 'in_person', 'hybrid'] as const).map((m) => (
            <div class="radio" key={m}>
              <input type="radio" id={`mode-${m}`} name="mode" value={m} checked={v.mode === m} onChange={() => set({ mode: m })} />
              <label for={`mode-${m}`}>{modeLabel[m]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <TextField id="date" label="Date" type="date" error={errorFor(errors, 'date')} {...text('date')} />
      <div class="row">
        <TextField id="start" label="Start time" type="time" error={errorFor(errors, 'start')} {...text('start')} />
        <TextField id="end" label="End time" type="time" hint={/^\d{4}-\d{2}-\d{2}$/.test(values.date) && endDay(values, values.date) !== values.date ? `The next day, ${formatLongDay(endDay(values, values.date))}.` : undefined} error={errorFor(errors, 'end')} {...text('end')} />
      </div>
      <div role="status" class={past ? 'notice notice-warning' : 'status-empty'}>
        {past && <p>{past === 'bookable' ? PAST_BOOKABLE : 'This start time is in the past: no one will be able to book it.'}</p>}
      </div>
      <RepeatedTimeChoice values={v} set={set} times={[[v.date, v.start], [endDay(v, v.date), v.end], [v.closesDate, v.closesTime]]} />
      <TextField id="timeZone" label="Time zone" hint="The zone the times above are in, written as region and city, such as Europe/London: choose one from the list, or type another." spellcheck={false} autocomplete="off" list="time-zones" error={errorFor(errors, 'timeZone')} {...text('timeZone')} />
      <TimeZoneList id="time-zones" />
      {v.mode !== 'online' && <TextField id="venue" label="Venue" hint={lengthHint(v.venue, MAX_CHARS.venue)} error={errorFor(errors, 'venue')} {...text('venue')} />}
      <Field id="area" label="Area (optional)" hint={AREA_HINT} error={errorFor(errors, 'area')}>
        <select id="area" name="area" {...described('area', AREA_HINT, errorFor(errors, 'area'))} value={v.area} onChange={(e) => set({ area: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="">No area</option>
          {AREAS.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <div class="row">
        {v.mode !== 'online' && <TextField id="cap-in-person" name="capInPerson" label="Number of in-person seats" type="number" inputMode="numeric" min={1} error={errorFor(errors, 'cap-in-person')} {...text('capInPerson')} />}
        {v.mode !== 'in_person' && <TextField id="cap-online" name="capOnline" label="Number of online seats" type="number" inputMode="numeric" min={1} error={errorFor(errors, 'cap-online')} {...text('capOnline')} />}
      </div>
      <Field id="policy" label="When a seat frees up" error={errorFor(errors, 'policy')}>
        <select id="policy" name="policy" {...described('policy', undefined, errorFor(errors, 'policy'))} value={v.policy} onChange={(e) => set({ policy: (e.currentTarget as HTMLSelectElement).value === 'offer' ? 'offer' : 'auto' })}>
          <option value="auto">Give it straight to the next person on the waitlist</option>
          <option value="offer">Offer it to the next person for a limited time</option>
        </select>
      </Field>
      {v.policy === 'offer' && (
        <TextField
          id="offer-hold"
          name="offerHold"
          label="How long an offered seat is held (minutes)"
          hint="The person offered a seat has this long to accept it before it is offered to the next person, and never past the start. 1440 minutes is 24 hours."
          type="number"
          inputMode="numeric"
          min={5}
          max={20160}
          error={errorFor(errors, 'offer-hold')}
          {...text('offerHold')}
        />
      )}
      <CourseFields values={v} set={set} errors={errors} sessionId={sessionId} />
      <div class="row">
        <TextField id="closes-date" label="Booking closes on (optional)" type="date" hint={CLOSES_HINT} error={errorFor(errors, 'closes-date')} {...text('closesDate')} />
        <TextField id="closes-time" label="Booking closes at (optional)" type="time" error={errorFor(errors, 'closes-time')} {...text('closesTime')} />
      </div>
      <AdvancedFields values={v} set={set} errors={errors} />
    </>
  );
}

/** The booking cut-off's hint: what an empty one means, and who is warned when booking. */
export const CLOSES_HINT = 'Empty: booking stays open until the session ends. Anyone who books too late to be there for the attendance needed is warned first that it will not count (with 75% needed, that is more than 15 minutes into a one-hour session).';

/** A session under way that can still be booked: what that means for attendance. */
export const PAST_BOOKABLE = 'This start time is in the past: people can still book it until it ends, but anyone who books too late to be there for the attendance needed will not count as having attended.';

/** "1 hour", "1 hour 30 minutes", "45 minutes". */
function lengthWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const [h, m] = [Math.floor(minutes / 60), minutes % 60];
  const parts = [h ? `${h} ${h === 1 ? 'hour' : 'hours'}` : '', m || !h ? `${m} ${m === 1 ? 'minute' : 'minutes'}` : ''];
  return parts.filter(Boolean).join(' ');
}

/**
 * The night the clocks go back, a time between 01:00 and 02:00 (in England) happens twice:
 * says so for each such time of `times` ([day, time] pairs: the session's start and end, its
 * booking cut-off; on the new session page, other days of a series), and lets the trainer
 * choose the first (BST, before the clocks go back) or the second (GMT), the first chosen
 * until they do. One choice for all of them. Nothing while no time happens twice.
 */
export function RepeatedTimeChoice({ values: v, set, times, idPrefix = 'occurrence' }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; times: readonly (readonly [string, string])[]; idPrefix?: string }) {
  const tz = v.timeZone.trim() || 'Europe/London';
  const twice: { day: string; time: string; r: NonNullable<ReturnType<typeof repeatedTime>> }[] = [];
  try {
    for (const [day, time] of times) {
      const r = repeatedTime(day, time, tz);
      if (r && !twice.some((x) => x.day === day && x.time === time)) twice.push({ day, time, r });
    }
  } catch {
    // A zone not understood is said at its field.
    return null;
  }
  if (!twice.length) return null;
  const days = [...new Set(twice.map((x) => x.day))];
  const words = days.map((d) => repeatedTimeWords(d, twice.filter((x) => x.day === d).map((x) => x.time), tz)).join(' ');
  const { firstZone, secondZone } = twice[0]!.r;
  // The session's own times as each choice makes them, when one of them happens twice.
  const span = (occurrence: 'first' | 'second') => {
    if (!twice.some((x) => (x.day === v.date && x.time === v.start) || (x.day === endDay(v, v.date) && x.time === v.end))) return '';
    try {
      const start = zonedIso(v.date, v.start, tz, occurrence);
      const end = zonedIso(endDay(v, v.date), v.end, tz, occurrence);
      return start && end && Date.parse(end) > Date.parse(start) ? `: ${formatTimeRange(start, end, tz)}, ${lengthWords(Date.parse(end) - Date.parse(start))}` : '';
    } catch {
      return '';
    }
  };
  const chosen = occurrenceOf(v);
  const hintId = `${idPrefix}-hint`;
  return (
    <fieldset class="field" aria-describedby={hintId}>
      <legend>Before or after the clocks go back</legend>
      <p class="hint" id={hintId}>
        {words} {twice.length === 1 ? 'Choose which you mean' : `Choose which you mean (for ${listOf(twice.map((x) => x.time))} alike)`}: the first is used unless you choose the second.
      </p>
      <div class="radios">
        {(
          [
            ['first', `The first, before the clocks go back (${firstZone})`],
            ['second', `The second, after the clocks go back (${secondZone})`],
          ] as const
        ).map(([k, label]) => (
          <div class="radio" key={k}>
            <input type="radio" id={`${idPrefix}-${k}`} name={idPrefix} value={k} checked={chosen === k} onChange={() => set({ occurrence: k })} />
            <label for={`${idPrefix}-${k}`}>
              {label}
              {span(k)}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

const ROOM_KINDS = [
  ['webinar', 'Webinar: only trainers speak; others listen unless a trainer invites them to speak'],
  ['workshop', 'Workshop: everyone may speak'],
] as const;

/**
 * Settings most sessions keep as they are, folded away under a summary that says what they
 * are now: the online room's kind and the attendance needed. Opened by itself when one of
 * them has an error, so the error summary's link reaches the field.
 */
function AdvancedFields({ values: v, set, errors }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; errors: FieldError[] }) {
  const online = v.mode !== 'in_person';
  const thresholdError = errorFor(errors, 'threshold');
  const roomError = errorFor(errors, 'room-webinar');
  const wrong = !!(thresholdError || roomError);
  const [open, setOpen] = useState(false);
  const details = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (!wrong) return;
    setOpen(true);
    // Opened on the element too: folded away just before (its toggle event, which sets the
    // state, not yet handled), the state still says open and setting it changes nothing.
    if (details.current) details.current.open = true;
  }, [wrong, errors]);
  const shown = v.threshold.trim().replace(/\s*%$/, '');
  const summary = `Advanced: ${online ? `${v.roomKind} room, ` : ''}attended at ${shown || '?'}%`;
  return (
    <details ref={details} class="field advanced" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{summary}</summary>
      {online && (
        <fieldset class={roomError ? 'field field-error' : 'field'} aria-describedby={roomError ? 'room-error' : undefined}>
          <legend>Online room</legend>
          {roomError && (
            <p class="error-message" id="room-error">
              <span class="visually-hidden">Error: </span>
              {roomError}
            </p>
          )}
          <div class="radios">
            {ROOM_KINDS.map(([k, label]) => (
              <div class="radio" key={k}>
                <input type="radio" id={`room-${k}`} name="roomKind" value={k} checked={v.roomKind === k} onChange={() => set({ roomKind: k })} />
                <label for={`room-${k}`}>{label}</label>
              </div>
            ))}
          </div>
        </fieldset>
      )}
      <TextField
        id="threshold"
        label="Attendance needed (%)"
        hint="Someone counts as attended once present for at least this share of the session’s time. Usually 75; 0 counts anyone who was there at all."
        type="number"
        inputMode="decimal"
        min={0}
        max={100}
        step="any"
        error={thresholdError}
        value={v.threshold}
        onInput={(e) => set({ threshold: (e.currentTarget as HTMLInputElement).value })}
      />
    </details>
  );
}

/** The course a session belongs to, and which part of it (a course is complete once a session of each required part is attended). */
function CourseFields({ values: v, set, errors, sessionId }: { values: SessionValues; set: (patch: Partial<SessionValues>) => void; errors: FieldError[]; sessionId?: string }) {
  const { me } = useApp();
  const courses = useLoad(() => api('/api/courses', z.object({ items: z.array(Course) })), []);
  return (
    <Loaded state={courses} what="the courses">
      {({ items }) => {
        const course = items.find((c) => c.id === v.courseId);
        return (
          <>
            <div class="row">
              <Field id="course" label="Course (optional)" error={errorFor(errors, 'course')}>
                <select id="course" name="course" {...described('course', undefined, errorFor(errors, 'course'))} value={v.courseId} onChange={(e) => set({ courseId: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="">No course</option>
                  {items.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </select>
              </Field>
              {v.courseId && (
                <TextField
                  id="part"
                  label="Part of the course"
                  hint={course ? `${course.title} is complete once a session of ${course.partsRequired === 1 ? 'part 1' : `each of parts 1 to ${course.partsRequired}`} is attended.` : undefined}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={20}
                  error={errorFor(errors, 'part')}
                  value={v.part}
                  onInput={(e) => set({ part: (e.currentTarget as HTMLInputElement).value })}
                />
              )}
            </div>
            {/* Trainers and administrators add a course not listed yet (in-house leads choose from the programme's). */}
            {(me.role === 'trainer' || me.role === 'admin') && (
              <NewCourse
                onAdded={async (c) => {
                  await courses.reload();
                  set({ courseId: c.id, part: '1' });
                }}
              />
            )}
            <TrainersField chosen={v.trainerIds} initial={v.trainerIds} sessionId={sessionId} onChange={(ids) => set({ trainerIds: ids })} errors={errors} course={course} />
          </>
        );
      }}
    </Loaded>
  );
}

/**
 * A course not listed yet, added from the session form (POST /api/courses) and chosen for the
 * session. It sits inside the session's form, so it is a button, not a form of its own, and
 * Enter in its field adds the course rather than publishing the session.
 */
function NewCourse({ onAdded }: { onAdded: (c: z.infer<typeof Course>) => Promise<void> }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const action = useAction();
  const focusLater = useFocusLater();
  async function add() {
    setMessage('');
    const tooLong = tooLongError('New course title', title, MAX_CHARS.courseTitle);
    if (tooLong) return setError(tooLong);
    const parsed = CreateCourseInput.safeParse({ title: title.trim() });
    if (!parsed.success) return setError('Enter the course’s title');
    setError('');
    // What follows success is part of the action, so "Try again" after a failure does it too.
    await action.run(async () => {
      let made: z.infer<typeof Course>;
      try {
        made = await api('/api/courses', Course, { method: 'POST', body: { ...parsed.data, uniqueTitle: true } });
      } catch (err) {
        // A title another course has ("SEND basics" beside "SEND Basics"): said at the field, which names the course to choose instead.
        if (err instanceof ApiError && err.status === 409 && err.issues.some((i) => i.path === 'title')) return setError(messageOf(err));
        throw err;
      }
      await onAdded(made);
      setTitle('');
      setMessage(`Course “${made.title}” added and chosen for this session.`);
      focusLater(() => document.getElementById('new-course-status'), { force: true });
    });
  }
  return (
    <details class="field">
      <summary>Add a course that is not listed</summary>
      <Status message={message} id="new-course-status" focusable />
      <ActionError action={action} />
      <TextField
        id="new-course-title"
        label="New course title"
        hint={lengthHint(title, MAX_CHARS.courseTitle)}
        value={title}
        error={error || undefined}
        announce
        onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void add();
          }
        }}
      />
      <ActionButton type="button" class="button button-secondary" busy={action.busy} busyLabel="Adding…" onClick={() => void add()}>
        Add course
      </ActionButton>
    </details>
  );
}
