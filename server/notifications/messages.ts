/**
 * What each notification says. Plain, friendly English; times in the reader's own zone;
 * every message has a text part and an accessible HTML part with the same content.
 */

/**
 * A "session changed" notice's `reason` when only its title, description or zone changed (its
 * time and place did not): `details`, then (see `detailsReason`) the title before the change.
 */
export const DETAILS_CHANGED = 'details';
import type { BookingRow, OrgKind, SessionMode, SessionRow, UserRow } from '../../db/schema.js';
import { attendShareWords, tooLateToCount } from '../../shared/sessions.js';

/**
 * Why a place was given up when its person's account was turned off (accounts/lifecycle.ts),
 * as the cancellation notice says: delivery reads it to know that a place went that way
 * (notices of that place written before it are then not sent, delivery.ts placesGivenUp).
 */
export const ACCOUNT_OFF_PLACE_REASON = 'Your account has been turned off, so your place has been given up for someone else.';

/**
 * Why a "session changed" notice written earlier is not sent (its outbox `last_error`, after
 * "No longer applies: "): a later change of the same booking's session is told instead, and
 * that message says what changed since the person was last told (see `SessionBefore`).
 */
export const LATER_CHANGE_TOLD = 'a later change of the session is told in a message of its own, which says everything';

/**
 * A session's time and place before a change of them: kept with the "session changed" notice
 * (its `reason`, as JSON: see `changeReason`), because the message is rendered when it is
 * delivered, from the session as it then is, and must still say what it was.
 */
export interface SessionBefore {
  title: string;
  startsAt: string;
  endsAt: string;
  venue: string | null;
  mode: SessionMode;
}

/** The `reason` of a "session changed" notice of a new time or place: what the session was before. */
export function changeReason(before: Pick<SessionRow, 'title' | 'starts_at' | 'ends_at' | 'venue' | 'mode'>): string {
  const was: SessionBefore = { title: before.title, startsAt: before.starts_at, endsAt: before.ends_at, venue: before.venue, mode: before.mode };
  return JSON.stringify({ was });
}

/**
 * The `reason` of a "session changed" notice of a new title, description or zone: `details`
 * and the title before the change, so that a message sent later (this one, or one of a new
 * time that tells of both) can say what the title was. Notices written before the title was
 * kept say `details` alone.
 */
export function detailsReason(titleBefore: string): string {
  return `${DETAILS_CHANGED} ${JSON.stringify({ was: { title: titleBefore } })}`;
}

/** Whether a "session changed" notice's `reason` is of a new title, description or zone only (see `detailsReason`). */
export function isDetailsOnly(reason: string | null | undefined): boolean {
  return reason === DETAILS_CHANGED || (typeof reason === 'string' && reason.startsWith(`${DETAILS_CHANGED} `));
}

/** The title a details-only notice's `reason` kept (see `detailsReason`); undefined when it kept none. */
export function titleBefore(reason: string | null | undefined): string | undefined {
  if (!isDetailsOnly(reason) || reason === DETAILS_CHANGED) return undefined;
  try {
    const title = (JSON.parse(reason!.slice(DETAILS_CHANGED.length + 1)) as { was?: { title?: unknown } }).was?.title;
    return typeof title === 'string' ? title : undefined;
  } catch {
    return undefined;
  }
}

/** What a "session changed" notice's `reason` says the session was; undefined for any other reason (none, `DETAILS_CHANGED`, one written before these were kept). */
export function changedFrom(reason: string | null | undefined): SessionBefore | undefined {
  if (!reason || !reason.startsWith('{')) return undefined;
  try {
    const was = (JSON.parse(reason) as { was?: Partial<SessionBefore> }).was;
    if (!was || typeof was.startsAt !== 'string' || typeof was.endsAt !== 'string' || typeof was.mode !== 'string' || Number.isNaN(Date.parse(was.startsAt)) || Number.isNaN(Date.parse(was.endsAt))) return undefined;
    return { title: typeof was.title === 'string' ? was.title : '', startsAt: was.startsAt, endsAt: was.endsAt, venue: typeof was.venue === 'string' ? was.venue : null, mode: was.mode };
  } catch {
    // A reason scrubbed by an erasure into something else: the message says only that the session changed.
    return undefined;
  }
}

export type NoticeKind =
  | 'confirmed'
  | 'waitlisted'
  | 'promoted'
  | 'offered'
  | 'offer_expiring'
  | 'offer_expired'
  | 'offer_declined'
  | 'cancelled'
  | 'left_waitlist'
  | 'session_cancelled'
  | 'session_changed'
  | 'reminder_24h'
  | 'reminder_1h'
  | 'seat_changed'
  | 'removed'
  | 'trainer_message'
  | 'feedback_request';

export interface NoticeContext {
  kind: NoticeKind;
  user: Pick<UserRow, 'name' | 'email'>;
  /**
   * `booking_ends_at` (when booking closes: its cut-off, else its end) decides whether the
   * person may still move their place themselves (bookings/service.ts moveSeat); without it,
   * the session's end does.
   */
  session: Pick<SessionRow, 'title' | 'starts_at' | 'ends_at' | 'venue' | 'mode'> & Partial<Pick<SessionRow, 'attendance_threshold' | 'booking_ends_at'>>;
  /** As it was when the notice was written (its status then). */
  booking: Pick<BookingRow, 'id' | 'seat' | 'status' | 'offer_expires_at'>;
  timeZone: string;
  manageUrl: string;
  position?: number;
  reason?: string;
  /**
   * Who booked the place, when someone else did (their school office, an administrator): said
   * in the booking's notice as what they did, by the place's status then (a seat booked for
   * them, a place on the waiting list: see `bookedByLine`).
   */
  bookedBy?: string;
  /**
   * A waiting-list notice's seats as they are when it is sent (see `waitlistLines`): whether
   * seats of its kind are still empty but held for other organisations (so not this person's
   * to take), and how many of the other kind (on a hybrid session) this person could book now.
   */
  seats?: { heldForOthers: boolean; otherFree: number };
  /**
   * The person's account is turned off: they cannot sign in, so the message gives no link to
   * manage the booking, nor anything to do on its pages (accept an offer, move a place, join
   * online), and says whom to ask instead (their organisation's office: see `orgKind`).
   */
  accountOff?: boolean;
  /**
   * The kind of the person's organisation, so a turned-off account is told whose office to ask
   * (accountOffContact); null when they belong to none; unknown (undefined): said for any.
   */
  orgKind?: OrgKind | null;
  /**
   * Who cancelled, when someone other than the person did (a trainer, their school office, an
   * administrator), as the message names them: "Sam Trainer (trainer)", "Olu Office from your
   * school's office". Said in a cancellation's notice.
   */
  actedBy?: string;
  /** The person made the change themselves (a seat they moved): said as "You". */
  actedBySelf?: boolean;
  /**
   * Who wrote a message to the session's people (`trainer_message`): one of those running it
   * (a trainer or an in-house lead) or an administrator, named in its subject and first line.
   * Not known for a message written before senders were recorded: it is then from "the
   * session's organiser", which is true of each of them.
   */
  sender?: Pick<UserRow, 'name' | 'role'>;
  /** Extra paragraphs, e.g. a timetable clash warning. */
  notes?: string[];
  /**
   * When the message is sent (or filed): a reminder's subject says "Today" or "Tomorrow"
   * from the reader's local date then. Defaults to the current time.
   */
  sentAt?: string;
  /** When the change it tells of was made (the notice was written): a session cancelled after its end is told as one that did not take place. */
  writtenAt?: string;
  /** A "session changed" notice's: the session as the person was last told of it, so the message says what changed, old and new. */
  changedFrom?: SessionBefore;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (it was an eighth
// of a booking request's CPU time), so each (style, zone) formatter is built once.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(style: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
    if (formatters.size > 2000) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/**
 * "Tuesday, 10 February 2026, 16:00 to 17:30 (GMT)". A session that ends on a later day names
 * that day too, and one that spans a change of the clocks names each time's zone ("00:30 (BST)
 * to 01:30 (GMT)": two hours, not one).
 */
export function formatWhen(startIso: string, endIso: string, timeZone: string): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const dayOf = formatter('day', timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const time = formatter('time', timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const zoneOf = (d: Date) => formatter('zone', timeZone, { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  const [startDay, endDay] = [dayOf.format(start), dayOf.format(end)];
  const [startZone, endZone] = [zoneOf(start), zoneOf(end)];
  return `${startDay}, ${time.format(start)}${startZone !== endZone ? ` (${startZone})` : ''} to ${endDay !== startDay ? `${endDay}, ` : ''}${time.format(end)} (${endZone})`;
}

export function formatInstant(iso: string, timeZone: string): string {
  return formatter('instant', timeZone, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(new Date(iso));
}

/** The reader's calendar date of an instant, as YYYY-MM-DD. */
function localDate(iso: string, timeZone: string): string {
  const parts = formatter('date', timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * How a reminder names the day of the session, from the reader's local dates: a 24-hour
 * reminder is sent on the day before or (when it went out late) on the day itself.
 */
export function dayWord(startIso: string, sentIso: string, timeZone: string): 'Today' | 'Tomorrow' | 'Coming up' {
  const start = localDate(startIso, timeZone);
  const sent = localDate(sentIso, timeZone);
  if (start === sent) return 'Today';
  // The calendar day after the sending day (dates as UTC noon, so no zone shift moves them).
  const next = new Date(Date.parse(`${sent}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return start === next ? 'Tomorrow' : 'Coming up';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What a seat move means to the person: a seat to use, a seat still to accept (by `expiry`), or a turn in the other queue. */
/**
 * What a move of a place to the other seat kind says: who moved it (`who`: "You", someone
 * named as actorPhrase names them, or "The trainer" for a notice that kept no one), and where
 * it is now.
 */
function seatChanged(b: NoticeContext['booking'], expiry: string, who: string, accountOff: boolean): string {
  const kind = b.seat === 'online' ? 'online' : 'in-person';
  const moved = `${who} ${who === 'You' ? 'have' : 'has'} moved`;
  // A turned-off account cannot sign in: nothing to accept or join on a page of ours.
  if (b.status === 'offered') return `${moved} the seat offered to you to ${b.seat === 'online' ? 'an online' : 'an in-person'} seat. It is still only held for you${expiry ? ` until ${expiry}` : ''}${accountOff ? '.' : ': accept it from your bookings page before then, or it passes to the next person.'}`;
  if (b.status === 'waitlisted') return `${moved} your place on the waiting list to the queue for ${kind} seats. You keep your turn, and we will let you know if a seat comes up.`;
  if (b.seat === 'online') return accountOff ? `${moved} your place to an online seat.` : `${moved} your place to an online seat: you join from the session page.`;
  return `${moved} your place to an in-person seat: please come to the venue below.`;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

const MODE_WORDS: Record<SessionMode, string> = { online: 'online only', in_person: 'in person only', hybrid: 'in person and online' };

/**
 * A session's times in the reader's zone, for saying what changed: "15:45 to 17:15 GMT on
 * Monday 14 December"; `withDay` false leaves out the day (it is the one said just before).
 * One that ends on a later day names both days, and one across a change of the clocks both zones.
 */
function timesInWords(startIso: string, endIso: string, timeZone: string, withDay: boolean, withYear: boolean): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const dayOf = formatter('weekday-day', timeZone, { weekday: 'long', day: 'numeric', month: 'long' });
  const time = formatter('time', timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const zoneOf = (d: Date) => formatter('zone', timeZone, { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  const day = (iso: string, d: Date) => `${dayOf.format(d)}${withYear ? ` ${localDate(iso, timeZone).slice(0, 4)}` : ''}`;
  const [startZone, endZone] = [zoneOf(start), zoneOf(end)];
  if (localDate(startIso, timeZone) !== localDate(endIso, timeZone)) return `${time.format(start)} ${startZone} on ${day(startIso, start)} to ${time.format(end)} ${endZone} on ${day(endIso, end)}`;
  return `${time.format(start)}${startZone !== endZone ? ` ${startZone}` : ''} to ${time.format(end)} ${endZone}${withDay ? ` on ${day(startIso, start)}` : ''}`;
}

/**
 * What a change of a session's time or place changed, old and new, one line each, as the
 * person reads it: their seat's place (an online seat has no venue), times in their zone.
 * Names and venues are people's text: each is put on one line.
 */
function changeLines(was: SessionBefore, s: NoticeContext['session'], seat: NoticeContext['booking']['seat'], timeZone: string): string[] {
  const lines: string[] = [];
  if (was.title && oneLine(was.title) !== oneLine(s.title)) lines.push(`Title changed: it was “${oneLine(was.title)}”, it is now “${oneLine(s.title)}”.`);
  if (Date.parse(was.startsAt) !== Date.parse(s.starts_at) || Date.parse(was.endsAt) !== Date.parse(s.ends_at)) {
    const oneDay = (a: string, b: string) => localDate(a, timeZone) === localDate(b, timeZone);
    const sameDay = oneDay(was.startsAt, was.endsAt) && oneDay(s.starts_at, s.ends_at) && oneDay(was.startsAt, s.starts_at);
    const withYear = localDate(was.startsAt, timeZone).slice(0, 4) !== localDate(s.starts_at, timeZone).slice(0, 4);
    lines.push(`Time changed: it was ${timesInWords(was.startsAt, was.endsAt, timeZone, true, withYear)}, it is now ${timesInWords(s.starts_at, s.ends_at, timeZone, !sameDay, withYear)}.`);
  }
  if (was.mode !== s.mode) lines.push(`Format changed: it was ${MODE_WORDS[was.mode] ?? was.mode}, it is now ${MODE_WORDS[s.mode]}.`);
  const venue = (v: string | null) => (v === null ? '' : oneLine(v));
  if (seat !== 'online' && venue(was.venue) !== venue(s.venue)) lines.push(`Venue changed: it was ${venue(was.venue) || 'not yet set'}, it is now ${venue(s.venue) || 'to be confirmed'}.`);
  return lines;
}

/** What a "session changed" notice of a new time or place says: what changed, old and new, when the notice kept what the session was. */
function sessionChanged(ctx: NoticeContext): string[] {
  if (!ctx.changedFrom) return ['The details of this session have changed. Please check the new time and place below.'];
  const lines = changeLines(ctx.changedFrom, ctx.session, ctx.booking.seat, ctx.timeZone);
  if (lines.length === 0) return ['The time and place of this session were changed and then put back: they are as they were before. The details are below.'];
  return ['This session has changed.', ...lines, 'Please check the details below.'];
}

/** What a "session changed" notice of a new title, description or zone says: the title, old and new, when it changed and the notice kept what it was. */
function detailsChanged(ctx: NoticeContext): string[] {
  const lines = ctx.changedFrom ? changeLines(ctx.changedFrom, ctx.session, ctx.booking.seat, ctx.timeZone) : [];
  if (lines.length === 0) return ['The title or description of this session has changed; its time and place are as they were. The calendar invite attached has the new version.'];
  return ['The title or description of this session has changed; its time and place are as they were.', ...lines, 'The calendar invite attached has the new version.'];
}

/** What a cancellation's notice says the person who made it did (after their name). */
const ACTED: Partial<Record<NoticeKind, string>> = {
  cancelled: 'cancelled your place',
  left_waitlist: 'took you off the waiting list',
  removed: 'took you off this session',
  session_cancelled: 'cancelled this session',
};

/**
 * How a cancellation's notice names who made it: their name and role, or for office staff
 * the office they work in (their reader's own school's, or the trust's that books for it).
 */
export function actorPhrase(actor: Pick<UserRow, 'name' | 'role' | 'org_id'>, readerOrgId: string | null): string {
  if (actor.role === 'office') return `${actor.name} from your ${actor.org_id !== null && actor.org_id === readerOrgId ? 'school' : 'trust'}'s office`;
  return `${actor.name} (${actingRole(actor.role)})`;
}

/** How a message or a booking names the role of someone who acted, other than an office: administrator, trainer, or (anyone else running a session) in-house lead. */
export const actingRole = (role: string) => (role === 'admin' ? 'administrator' : role === 'trainer' ? 'trainer' : 'in-house lead');

/**
 * How a message to a session's people names who wrote it, for its subject and its first line
 * ("Lia Lead", "Lia Lead (in-house lead)"). Anyone who is not a trainer or an administrator
 * runs a session as its organisation's in-house lead.
 */
function senderWords(sender: NoticeContext['sender']): { short: string; full: string } {
  if (!sender) return { short: 'the session’s organiser', full: 'The session’s organiser' };
  const name = oneLine(sender.name);
  const role = sender.role === 'admin' ? 'administrator' : sender.role === 'trainer' ? 'trainer' : 'in-house lead';
  return { short: name, full: `${name} (${role})` };
}

/**
 * Whose office a person of an organisation of `kind` asks (their own organisation's): "your
 * school office", "your trust’s office", "your local authority’s office". Unknown: "your
 * organisation’s office", true of each.
 */
function officeOf(kind: OrgKind | undefined): string {
  switch (kind) {
    case 'school':
    case 'college':
    case 'nursery':
      return `your ${kind} office`;
    case 'trust':
      return 'your trust’s office';
    case 'local_authority':
      return 'your local authority’s office';
    default:
      return 'your organisation’s office';
  }
}

/**
 * What a message to someone whose account is turned off says instead of a link to manage their
 * booking: whom to ask, by the kind of their organisation (`null`: they belong to none, so the
 * service's administrators, who manage their account; unknown: wording true of any organisation).
 */
export function accountOffContact(orgKind?: OrgKind | null): string {
  const whom = orgKind === null ? 'the SEND Live Training administrators' : officeOf(orgKind);
  return `You can no longer sign in to SEND Live Training, so if you have any questions about this booking, please contact ${whom}.`;
}

/** What accountOffContact says when the kind of the person's organisation is not known (true of any). */
export const ACCOUNT_OFF_CONTACT = accountOffContact();

/**
 * What someone who booked the place for the person did, by the place's status when the notice
 * was written: a seat booked for them, or a place on the waiting list (they have no seat).
 */
function bookedByLine(by: string, status: NoticeContext['booking']['status']): string {
  if (status === 'waitlisted') return `${by} put you on the waiting list.`;
  if (status === 'offered') return `${by} put you on the waiting list, and a place has come up for you.`;
  return `${by} booked this place for you.`;
}

const SEAT_WORDS = { in_person: { all: 'All in-person seats', other: 'Online seats', a: 'an in-person seat', anOther: 'an online seat' }, online: { all: 'All online seats', other: 'In-person seats', a: 'an online seat', anOther: 'an in-person seat' } } as const;

/**
 * A waiting-list notice: which seats are full (on a hybrid session, the kind the person is
 * waiting for: the other kind may have room), their place in the queue, and (on a hybrid
 * session with seats of the other kind free to them as it is sent) that they may take one.
 */
function waitlistLines(ctx: NoticeContext): string[] {
  const { session: s, booking: b, seats } = ctx;
  // Moving a place is theirs to do only signed in, and only until booking closes (at the
  // cut-off, when set before the end: bookings/service.ts moveSeat refuses it from then on).
  const canMove = !ctx.accountOff && Date.parse(ctx.sentAt ?? new Date().toISOString()) < Date.parse(s.booking_ends_at ?? s.ends_at);
  const at = `at number ${ctx.position ?? '?'}`;
  const hybrid = s.mode === 'hybrid';
  const words = SEAT_WORDS[b.seat];
  let first: string;
  if (seats?.heldForOthers) {
    first = hybrid
      ? `The ${b.seat === 'online' ? 'online' : 'in-person'} seats not yet taken are held for other schools, so you are on the waiting list for ${words.a} ${at}.`
      : `The seats not yet taken are held for other schools, so you are on the waiting list ${at}.`;
  } else {
    first = hybrid ? `${words.all} are taken, so you are on the waiting list for ${words.a} ${at}.` : `The session is full, so you are on the waiting list ${at}.`;
  }
  const other =
    hybrid && seats && seats.otherFree > 0 && canMove
      ? [`${words.other} are still free. If ${b.seat === 'online' ? 'coming in person' : 'joining online'} suits you, you can move your place to ${words.anOther} from your bookings page.`]
      : [];
  return [first, ...other, 'If a place comes up we will let you know straight away.'];
}

/**
 * A seat booked (or come up) once too little of the session was left to count as attended
 * (shared/sessions.ts lastUsefulAt, as the session page warns before booking): said, in the
 * page's words, so the person is not surprised to be recorded as not attending.
 */
function lateNote(ctx: NoticeContext): string[] {
  const s = ctx.session;
  if (ctx.writtenAt === undefined || s.attendance_threshold === undefined) return [];
  if (!tooLateToCount({ startsAt: s.starts_at, endsAt: s.ends_at, attendanceThreshold: s.attendance_threshold }, Date.parse(ctx.writtenAt))) return [];
  const share = attendShareWords(s.attendance_threshold);
  return [`Less than ${share} of this session was left when this place became yours. You can still join for what remains, but it will not count as attended: at least ${share} of it must be attended.`];
}

export function compose(ctx: NoticeContext): { subject: string; text: string; html: string } {
  const { session: s, booking: b } = ctx;
  const from = senderWords(ctx.sender);
  const when = formatWhen(s.starts_at, s.ends_at, ctx.timeZone);
  // Once the session is over (a feedback request, a follow-up message) no one is told to join it: only where it was.
  const over = ctx.kind === 'feedback_request' || Date.parse(ctx.sentAt ?? new Date().toISOString()) >= Date.parse(s.ends_at);
  // (An in-person session over with no venue ever given has no Where line.)
  // (Nor is someone who can no longer sign in: their account is turned off.)
  const where = b.seat === 'online' ? (over || ctx.accountOff ? 'Online' : 'Online (join from the session page)') : (s.venue ?? (over ? null : 'Venue to be confirmed'));
  // A turned-off account cannot sign in to accept an offer: no "accept it from your bookings page".
  const accept = (line: string) => (ctx.accountOff ? [] : [line]);
  const expiry = b.offer_expires_at ? formatInstant(b.offer_expires_at, ctx.timeZone) : '';
  const lines: Record<NoticeKind, [string, string[]]> = {
    confirmed: [`Booked: ${s.title}`, ['Your place is confirmed.', ...lateNote(ctx)]],
    waitlisted: [`On the waiting list: ${s.title}`, waitlistLines(ctx)],
    promoted: [`You have a place: ${s.title}`, ['A place came up and it is now yours. Your booking is confirmed.', ...lateNote(ctx)]],
    offered: [`A place is free for you: ${s.title}`, [`A place came up. It is held for you until ${expiry}.`, ...accept('Accept it from your bookings page before then, or it passes to the next person.')]],
    offer_expiring: [`Your offered place expires soon: ${s.title}`, [`The place held for you expires at ${expiry}.`, ...accept('Accept it from your bookings page if you still want it.')]],
    offer_expired: [`Offer expired: ${s.title}`, ['The place we held for you has passed to the next person on the waiting list. You can book again if places free up.']],
    offer_declined: [`Place declined: ${s.title}`, ['You turned down the offered place. It has gone to the next person on the waiting list.']],
    cancelled: [`Cancelled: ${s.title}`, ['Your booking has been cancelled.', ...(ctx.reason ? [ctx.reason] : [])]],
    left_waitlist: [`Left the waiting list: ${s.title}`, ['You are no longer on the waiting list for this session.', ...(ctx.reason ? [ctx.reason] : [])]],
    session_cancelled:
      ctx.writtenAt !== undefined && Date.parse(ctx.writtenAt) >= Date.parse(s.ends_at)
        ? [`Did not take place: ${s.title}`, ['This session has been recorded as cancelled after the time it was due: it did not take place, so it does not count towards your training, and your booking is cancelled with it. Nothing more is needed from you.', ...(ctx.reason ? [`Reason given: ${ctx.reason}`] : [])]]
        : [`Session cancelled: ${s.title}`, ['Sorry: this session has been cancelled, and your booking with it.', ...(ctx.reason ? [`Reason given: ${ctx.reason}`] : [])]],
    session_changed: [`Changed: ${s.title}`, isDetailsOnly(ctx.reason) ? detailsChanged(ctx) : sessionChanged(ctx)],
    reminder_24h: [`${dayWord(s.starts_at, ctx.sentAt ?? new Date().toISOString(), ctx.timeZone)}: ${s.title}`, ['A reminder that your session is coming up.']],
    reminder_1h: [`Starting within the hour: ${s.title}`, ['Your session starts soon.']],
    seat_changed: [`Your place has changed: ${s.title}`, [seatChanged(b, expiry, ctx.actedBySelf ? 'You' : (ctx.actedBy ?? 'The trainer'), ctx.accountOff === true)]],
    removed: [`Removed from: ${s.title}`, ['You have been taken off this session, so your place is cancelled.', ...(ctx.reason ? [`Reason given: ${ctx.reason}`] : [])]],
    feedback_request: [`How was it? ${s.title}`, ['Thank you for coming to this session. Please tell us how useful it was and how confident you felt before and after it: four short questions, two minutes at most.', 'You can answer, and change your answer, for 14 days after the session, from your bookings page. Your answer helps trainers improve the training.']],
    trainer_message: [`Message from ${from.short}: ${s.title}`, [`${from.full} has sent this message about the session:`, ...(ctx.reason ?? '').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)]],
  };
  const [subject, basic] = lines[ctx.kind];
  const byLine = ctx.actedBy ? ACTED[ctx.kind] : undefined;
  const paras = [
    // Who booked them goes straight after what the place is, before what comes next.
    ...basic.slice(0, 1),
    ...(ctx.bookedBy ? [bookedByLine(oneLine(ctx.bookedBy), b.status)] : []),
    ...basic.slice(1),
    ...(byLine ? [`${oneLine(ctx.actedBy!)} ${byLine}.`] : []),
    ...(ctx.notes ?? []),
    // No link they could no longer use: whom to ask instead.
    ...(ctx.accountOff ? [accountOffContact(ctx.orgKind)] : []),
  ];
  const details = [`Session: ${s.title}`, `When: ${when}`, ...(where === null ? [] : [`Where: ${where}`])];
  // A feedback request's link leads to the form; every other notice's to the booking.
  const feedback = ctx.kind === 'feedback_request';
  const linkLabel = feedback ? 'Give your feedback' : 'Manage your booking';
  // Paragraphs are separated by a blank line; a paragraph keeps its own line breaks (a
  // trainer's list, say), in the text part as written and in the HTML part as <br>.
  const text = [`Hello ${ctx.user.name},`, paras.join('\n\n'), details.join('\n'), ...(ctx.accountOff ? [] : [`${linkLabel}: ${ctx.manageUrl}`]), 'SEND Live Training'].join('\n\n');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; background: #ffffff;">
<h1 style="font-size: 22px;">${escapeHtml(subject)}</h1>
<p>Hello ${escapeHtml(ctx.user.name)},</p>
${paras.map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>\n')}</p>`).join('\n')}
<dl>
<dt style="font-weight: bold;">Session</dt><dd>${escapeHtml(s.title)}</dd>
<dt style="font-weight: bold;">When</dt><dd>${escapeHtml(when)}</dd>
${where === null ? '' : `<dt style="font-weight: bold;">Where</dt><dd>${escapeHtml(where)}</dd>\n`}</dl>
${ctx.accountOff ? '' : `<p><a href="${escapeHtml(ctx.manageUrl)}" style="color: #1d4ed8;">${feedback ? 'Give your feedback on' : 'Manage your booking for'} ${escapeHtml(s.title)}</a></p>\n`}<p>SEND Live Training</p>
</body></html>`;
  return { subject, text, html };
}
