/**
 * Writing calendars with ical-generator. `addBookingEvent` is the one VEVENT builder for a
 * booking: the emailed invite, the invite download, the subscription feeds and the office
 * export all render a booking through it, so a person's calendar sees the same event
 * whichever way it arrived. `addRunningEvent` writes a session someone runs, in their own
 * feed only; the two share what an event of a session is (`sessionEventData`). Feeds are
 * written piece by piece (`calendarHead`, `renderEvents`, `calendarTail`) so they can stream.
 */
import ical, { ICalAlarmType, ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, ICalEventTransparency, escape, foldLines, type ICalCalendar } from 'ical-generator';
import type { BookingStatus, OrgKind, SeatKind, SessionMode } from '../../db/schema.js';
import { accountOffContact } from '../notifications/messages.js';
import { mailDomain } from '../platform/deps.js';
import { awaitingSeat, eventSequence, eventStatus, eventUid, inviteMethod, partStat, runningEventUid, uidHost, type InviteMethod, type SessionStatus } from './rules.js';
import { localTimeIsExact, vtimezone, zoned } from './timezones.js';

/** Everything one calendar event is made from: a booking, its session and its person. */
export interface CalendarRow {
  bookingId: string;
  status: BookingStatus;
  seat: SeatKind;
  bookingRevision: number;
  bookingUpdatedAt: string;
  /** Sum over this person's earlier bookings of the session of (revision + 1); see rules.ts. */
  priorRevisions: number;
  userId: string;
  userName: string;
  userEmail: string;
  sessionId: string;
  title: string;
  description: string;
  mode: SessionMode;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  venue: string | null;
  sessionStatus: SessionStatus;
  sessionRevision: number;
  sessionUpdatedAt: string;
}

/** The session's part of a row: what every event of a session shows, whoever's it is. */
type SessionPart = Pick<CalendarRow, 'sessionId' | 'title' | 'description' | 'mode' | 'startsAt' | 'endsAt' | 'timeZone' | 'venue' | 'sessionStatus' | 'sessionRevision' | 'sessionUpdatedAt'>;

/**
 * A session `userId` runs (named among its trainers, and running it by the one rule of who
 * does), as an event of their own feed: no booking, so no seat, queue place or attendee.
 */
export interface RunningRow extends SessionPart {
  /** Tells it from a booking's row among a feed's pages. */
  running: true;
  userId: string;
}

/** A row of a person's feed: a booking of theirs, or a session they run. */
export type FeedRow = CalendarRow | RunningRow;
export const isRunning = (row: FeedRow): row is RunningRow => 'running' in row;

export interface CalendarContext {
  publicUrl: string;
  /** The ORGANIZER: the service's own address, where Accept/Decline replies go. */
  organizer: { name: string; email: string };
  /** Whose calendar it is: the person booked (theirs, an invite), or an office's (its staff's bookings). */
  reader?: 'person' | 'office';
  /**
   * The person's account is turned off (an invite sent to them as their place ends): they can
   * no longer sign in, so the invite points to no page of theirs and says whom to ask instead,
   * as its email does (notifications/messages.ts, accountOffContact).
   */
  signedOut?: boolean;
  /** With `signedOut`: the kind of the person's organisation, whose office they are told to ask (accountOffContact); null when they belong to none. */
  orgKind?: OrgKind | null;
}

/** What a message or invite to someone whose account is turned off says instead of a link to manage their booking. */

/** The zone a calendar with no events carries: the service's default zone for sessions. */
const DEFAULT_ZONE = 'Europe/London';

export const PROD_ID = { company: 'SEND Live Training', product: 'Live sessions', language: 'EN' };
/** How soon before the start the reminder alarm goes off (a person's own calendar and a seat only, never an office's). */
export const REMINDER_SECONDS = 60 * 60;

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');
export const sessionPageUrl = (publicUrl: string, sessionId: string) => `${base(publicUrl)}/sessions/${encodeURIComponent(sessionId)}`;
export const bookingPageUrl = (publicUrl: string, bookingId: string) => `${base(publicUrl)}/bookings/${encodeURIComponent(bookingId)}`;

/** "Name <address>" (MAIL_FROM) as an ORGANIZER; without an address, no-reply at PUBLIC_URL's mail domain. */
export function organizerFrom(mailFrom: string, publicUrl: string): { name: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(mailFrom);
  if (m) return { name: m[1]!.trim() || m[2]!, email: m[2]! };
  const bare = mailFrom.trim();
  return { name: 'SEND Live Training', email: /^[^<>\s]+@[^<>\s]+$/.test(bare) ? bare : `no-reply@${mailDomain(publicUrl)}` };
}

/** An address safe to put after `mailto:` (no spaces, quotes, brackets or control characters). */
const SAFE_ADDRESS = /^[^\s"<>()\\,;:\u0000-\u001f\u007f]+@[^\s"<>()\\,;:\u0000-\u001f\u007f]+$/;

/** Collapses a one-line field: line breaks a person typed become spaces. */
const oneLine = (s: string) => s.replace(/\s*(?:\r\n|\r|\n)+\s*/g, ' ');

/**
 * What a booking's event says. A cancelled one says so and invites no one to join (its page is
 * named as the session page). A place in the queue or a seat on offer is no seat yet: it says
 * what it is and what to do, never "join" or "your place" (the seat is not theirs until it is
 * given, or accepted).
 */
function eventDescription(row: CalendarRow, ctx: CalendarContext): string {
  const page = sessionPageUrl(ctx.publicUrl, row.sessionId);
  const cancelled = inviteMethod(row.status, row.sessionStatus) === 'CANCEL';
  const noSeatYet = !cancelled && awaitingSeat(row.status);
  const lines: string[] = [];
  if (row.description.trim()) lines.push(row.description.trim(), '');
  // An office's calendar holds its staff's places: said of them, not of whoever reads it.
  const name = oneLine(row.userName);
  const office = ctx.reader === 'office';
  if (cancelled) {
    lines.push(row.sessionStatus === 'cancelled' ? 'This session has been cancelled.' : office ? `${name}’s booking for this session has been cancelled.` : 'Your booking for this session has been cancelled.', '');
  } else if (office) {
    if (row.status === 'waitlisted') lines.push(`${name} is on the waiting list for this session, and will be told if a place comes up.`, '');
    if (row.status === 'offered') lines.push(`A place is being held for ${name}, who can accept it from their booking page before the offer expires.`, '');
  } else {
    if (row.status === 'waitlisted') lines.push('You are on the waiting list for this session, with no seat yet. We will tell you if a place comes up.', '');
    if (row.status === 'offered') lines.push('A place is being held for you. Accept it from your booking page before the offer expires.', '');
  }
  // Nothing reads replies to an invite (ORGANIZER is the service's own address): declining it
  // in a calendar would leave the seat taken and the person marked absent, or them in the queue.
  if (!office && !cancelled && !ctx.signedOut) {
    if (row.status === 'waitlisted') lines.push('No longer need a seat? Leave the waiting list on your booking page (below): removing this from your calendar does not take you off it.', '');
    else if (row.status === 'offered') lines.push('Don’t want it? Decline it on your booking page (below), so it goes to the next person: declining this in your calendar does not turn it down.', '');
    else if (row.status === 'confirmed') lines.push('Can’t come? Cancel on your booking page (below), so your place goes to someone else: declining this in your calendar does not cancel it.', '');
  }
  if (ctx.signedOut && !office) {
    // No page they could still open: whom to ask instead.
    if (row.seat !== 'online') lines.push(`Venue: ${oneLine(row.venue ?? 'to be confirmed')}`);
    lines.push(accountOffContact(ctx.orgKind), `Booked for: ${name}`);
    return lines.join('\n');
  }
  if (row.seat === 'online') lines.push(`${cancelled || noSeatYet ? 'Session page' : 'Join online'}: ${page}`);
  else lines.push(`Venue: ${oneLine(row.venue ?? 'to be confirmed')}`, `Session page: ${page}`);
  lines.push(`${office ? 'Booking' : 'Manage your booking'}: ${bookingPageUrl(ctx.publicUrl, row.bookingId)}`, `Booked for: ${name}`);
  return lines.join('\n');
}

/**
 * What a published calendar (a feed, an export: no METHOD) puts before the title of a place
 * that is not a seat to turn up to. Outlook shows subscribed and imported events as they are
 * whatever their STATUS (CANCELLED, TENTATIVE), so a session called off, kept in the feed for
 * 30 days so other calendars remove it, or a place in the queue looked like a booking. An
 * invite (METHOD:REQUEST or CANCEL) keeps the plain title: clients mark a CANCEL themselves.
 */
function publishedPrefix(row: CalendarRow): string {
  if (inviteMethod(row.status, row.sessionStatus) === 'CANCEL') return 'Cancelled: ';
  if (row.status === 'waitlisted') return 'Waiting list: ';
  if (row.status === 'offered') return 'Place offered: ';
  return '';
}

/**
 * The title in a published calendar. An office's names whose place it is ("Aled Jones -
 * Understanding autism"; ASCII, so a title that is ASCII keeps feeds on the fast fold): its
 * staff on one session were otherwise as many events of the same name at the same time, told
 * apart only by opening each.
 */
function publishedSummary(row: CalendarRow, ctx: CalendarContext): string {
  return publishedPrefix(row) + (ctx.reader === 'office' ? `${oneLine(row.userName)} - ` : '') + oneLine(row.title);
}

/**
 * What any event of a session carries, whoever's it is: its times, its page, the ORGANIZER,
 * and `stamp` as DTSTAMP and LAST-MODIFIED. A cancelled event takes up no time in any
 * calendar that shows it.
 */
function sessionEventData(row: SessionPart, ctx: CalendarContext, stamp: Date, cancelled: boolean) {
  const startMs = Date.parse(row.startsAt);
  const endMs = Date.parse(row.endsAt);
  // Local time with TZID where every client reads it back as this instant; otherwise UTC
  // (a start in the hour repeated when clocks go back, the second time round).
  const local = localTimeIsExact(startMs, row.timeZone) && localTimeIsExact(endMs, row.timeZone);
  return {
    stamp,
    lastModified: stamp,
    start: zoned(startMs, row.timeZone),
    end: zoned(endMs, row.timeZone),
    timezone: local ? row.timeZone : null,
    url: sessionPageUrl(ctx.publicUrl, row.sessionId),
    organizer: { name: oneLine(ctx.organizer.name), email: ctx.organizer.email },
    transparency: cancelled ? ICalEventTransparency.TRANSPARENT : null,
  };
}

const EVENT_STATUS = { CONFIRMED: ICalEventStatus.CONFIRMED, TENTATIVE: ICalEventStatus.TENTATIVE, CANCELLED: ICalEventStatus.CANCELLED } as const;

/**
 * Adds the event for one booking to `cal`. The same row always gives the same VEVENT.
 * `published`: for a feed or an export (no METHOD), not an invite (see `publishedPrefix`).
 */
export function addBookingEvent(cal: ICalCalendar, row: CalendarRow, ctx: CalendarContext, published = false) {
  const cancelled = inviteMethod(row.status, row.sessionStatus) === 'CANCEL';
  const stamp = new Date(Math.max(Date.parse(row.bookingUpdatedAt), Date.parse(row.sessionUpdatedAt)));
  const page = sessionPageUrl(ctx.publicUrl, row.sessionId);
  const event = cal.createEvent({
    ...sessionEventData(row, ctx, stamp, cancelled),
    id: eventUid(row.sessionId, row.userId, uidHost(ctx.publicUrl)),
    sequence: eventSequence({ sessionRevision: row.sessionRevision, bookingRevision: row.bookingRevision, priorRevisions: row.priorRevisions }),
    summary: published ? publishedSummary(row, ctx) : oneLine(row.title),
    description: eventDescription(row, ctx),
    location: row.seat === 'online' ? page : oneLine(row.venue ?? 'Venue to be confirmed'),
    status: EVENT_STATUS[eventStatus(row.status, row.sessionStatus)],
  });
  if (SAFE_ADDRESS.test(row.userEmail)) {
    event.createAttendee({
      email: row.userEmail,
      name: oneLine(row.userName),
      role: ICalAttendeeRole.REQ,
      status: { ACCEPTED: ICalAttendeeStatus.ACCEPTED, TENTATIVE: ICalAttendeeStatus.TENTATIVE, none: null }[partStat(row.status, row.sessionStatus) ?? 'none'],
      rsvp: false,
    });
  }
  // The reminder is for the person booked, and only for a seat: an office's calendar of all
  // its staff's bookings carries none, or the office would be alerted before every one of
  // them, and a place in the queue or a seat on offer is no place to turn up to.
  if (!cancelled && !awaitingSeat(row.status) && ctx.reader !== 'office') event.createAlarm({ type: ICalAlarmType.display, trigger: REMINDER_SECONDS, description: `Starting in one hour: ${oneLine(row.title)}` });
  return event;
}

/**
 * What the event of a session someone runs says: that they run it (or that it is off), and
 * where, as a booking's does: the venue unless it is online only, the session page (its
 * live room) unless it is in person only.
 */
function runningDescription(row: RunningRow, ctx: CalendarContext): string {
  const page = sessionPageUrl(ctx.publicUrl, row.sessionId);
  const lines: string[] = [];
  if (row.description.trim()) lines.push(row.description.trim(), '');
  lines.push(row.sessionStatus === 'cancelled' ? 'This session you were running has been cancelled.' : 'You are running this session.', '');
  if (row.mode !== 'online') lines.push(`Venue: ${oneLine(row.venue ?? 'to be confirmed')}`);
  // Called off, it invites no one to join: its page says what happened.
  lines.push(`${row.mode === 'in_person' || row.sessionStatus === 'cancelled' ? 'Session page' : 'Join online'}: ${page}`);
  return lines.join('\n');
}

/**
 * Adds the event of a session its reader runs to `cal` (their own feed; published, no
 * METHOD). Its SEQUENCE is the session's revision, raised by every change of time, place,
 * title or status, so it only goes up for as long as the session lives. "Running: " before
 * the title tells it from their bookings at a glance; once the session is called off it is
 * "Cancelled: ", as a booking's is (`publishedPrefix`: Outlook shows STATUS:CANCELLED events
 * of a subscription as if they stood).
 */
export function addRunningEvent(cal: ICalCalendar, row: RunningRow, ctx: CalendarContext) {
  const cancelled = row.sessionStatus === 'cancelled';
  const page = sessionPageUrl(ctx.publicUrl, row.sessionId);
  const event = cal.createEvent({
    ...sessionEventData(row, ctx, new Date(row.sessionUpdatedAt), cancelled),
    id: runningEventUid(row.sessionId, row.userId, uidHost(ctx.publicUrl)),
    sequence: eventSequence({ sessionRevision: row.sessionRevision, bookingRevision: 0, priorRevisions: 0 }),
    summary: (cancelled ? 'Cancelled: ' : 'Running: ') + oneLine(row.title),
    description: runningDescription(row, ctx),
    // Where they go to run it: the venue, unless it is online only.
    location: row.mode === 'online' ? page : oneLine(row.venue ?? 'Venue to be confirmed'),
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  if (!cancelled) event.createAlarm({ type: ICalAlarmType.display, trigger: REMINDER_SECONDS, description: `Starting in one hour: ${oneLine(row.title)}` });
  return event;
}

function newCalendar(method: InviteMethod | null, name: string | null): ICalCalendar {
  const cal = ical({ prodId: PROD_ID });
  if (method) cal.method(method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  // ical-generator writes NAME and X-WR-CALNAME as given: escape here.
  if (name) cal.name(escape(oneLine(name), false));
  // No calendar-wide zone name: DTSTAMP stays in UTC. The generator writes one VTIMEZONE per event zone.
  cal.timezone({ name: null, generator: vtimezone });
  return cal;
}

/**
 * One booking's event as someone other than its person downloads it (their office, an
 * administrator): a published calendar of one event, as the office's export has it (their
 * name in the title, no reminder, no METHOD). An invite (METHOD:REQUEST) addressed to the
 * person showed the office a meeting request for someone else, with a reminder, and never
 * updated: a session's changes are sent to the person booked, not to whoever downloaded it.
 */
export function renderPublishedBooking(row: CalendarRow, ctx: CalendarContext): string {
  const office = { ...ctx, reader: 'office' as const };
  return calendarHead({ name: publishedSummary(row, office) }, [row.timeZone]) + renderEvents([row], office) + calendarTail();
}

/** A whole invite (METHOD:REQUEST, or METHOD:CANCEL once cancelled) for one booking. */
export function renderInvite(row: CalendarRow, ctx: CalendarContext): { method: InviteMethod; content: string } {
  const method = inviteMethod(row.status, row.sessionStatus);
  const cal = newCalendar(method, null);
  addBookingEvent(cal, row, ctx);
  return { method, content: cal.toString() + '\r\n' };
}

/**
 * The start of a streamed calendar: VCALENDAR properties and the VTIMEZONEs its events need.
 * A calendar with no events still holds a component, as RFC 5545 requires: the VTIMEZONE of
 * `emptyZone`.
 */
export function calendarHead(opts: { name: string; description?: string; refreshHours?: number; emptyZone?: string }, zones: Iterable<string>): string {
  const cal = newCalendar(null, opts.name);
  if (opts.description) cal.description(escape(oneLine(opts.description), false));
  if (opts.refreshHours) cal.ttl(opts.refreshHours * 3600);
  const empty = cal.toString();
  const head = empty.slice(0, empty.lastIndexOf('END:VCALENDAR'));
  let tz = [...zones].map(vtimezone).filter((s): s is string => s !== null);
  if (tz.length === 0) tz = [vtimezone(opts.emptyZone ?? DEFAULT_ZONE) ?? vtimezone(DEFAULT_ZONE)!];
  return head + tz.map((s) => foldLines(s) + '\r\n').join('');
}

export const calendarTail = () => 'END:VCALENDAR\r\n';

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * ical-generator's `foldLines`, byte for byte, with a fast path: an ASCII line is cut every
 * 74 characters, which is what `foldLines` does to it one character at a time. Lines with
 * other characters go through `foldLines` itself. Folding is a large part of rendering a feed.
 */
export function fold(text: string): string {
  if (NON_ASCII.test(text)) return text.split('\r\n').map((line) => (NON_ASCII.test(line) ? foldLines(line) : foldAscii(line))).join('\r\n');
  return foldAscii(text);
}

/** Folds every line of ASCII `text` longer than 74 characters into pieces of 74. */
function foldAscii(text: string): string {
  let out = '';
  let copied = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\r\n', start);
    if (end === -1) end = text.length;
    for (let cut = start + 74; cut < end; cut += 74) {
      out += text.slice(copied, cut) + '\r\n ';
      copied = cut;
    }
    start = end + 2;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The VEVENTs of a batch of rows, folded, exactly as they appear inside a whole calendar.
 * One scratch calendar is reused per call, so memory stays at one batch.
 */
export function renderEvents(rows: FeedRow[], ctx: CalendarContext): string {
  const cal = ical({ prodId: PROD_ID });
  let out = '';
  for (const row of rows) {
    const event = isRunning(row) ? addRunningEvent(cal, row, ctx) : addBookingEvent(cal, row, ctx, true);
    out += fold(event.toString());
    cal.clear();
  }
  return out;
}
