/**
 * The calendar rules, in one place: which UID an event has, which SEQUENCE, which METHOD,
 * and how a booking's status shows in a calendar. Pure functions, unit-tested beside this.
 *
 * One calendar event stands for one person on one session, for its whole life (DESIGN
 * invariant 5). Cancelling and booking the same session again therefore keeps the UID: the
 * person's calendar updates the event it already has instead of keeping a cancelled ghost
 * beside a new one. The SEQUENCE continues across such re-bookings: every earlier booking
 * of the same person on the same session contributes its final revision plus one (the
 * re-booking itself is a change), so the number only ever goes up.
 */
import type { BookingStatus } from '../../db/schema.js';
import type { NoticeKind } from '../notifications/messages.js';

export type InviteMethod = 'REQUEST' | 'CANCEL';
export type PartStat = 'ACCEPTED' | 'TENTATIVE';
export type EventStatus = 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';

/** Cancelled bookings stay in subscription feeds this long, so subscribed calendars remove them. */
export const CANCELLED_FEED_RETENTION_DAYS = 30;

/** The last PUBLIC_URL seen and its host: a feed asks once per event, always with the same URL. */
let lastHost: { publicUrl: string; host: string } | null = null;

/** The host part of the UID: the host of PUBLIC_URL (a domain the service controls). */
export function uidHost(publicUrl: string): string {
  if (lastHost?.publicUrl === publicUrl) return lastHost.host;
  let host: string;
  try {
    host = new URL(publicUrl).hostname || 'localhost';
  } catch {
    host = 'localhost';
  }
  lastHost = { publicUrl, host };
  return host;
}

// Ids are UUIDs made by the app; keep only safe characters anyway so a UID can never break a line.
const safeUidPart = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '');

/** The one UID of the event for `userId` on `sessionId`: stable across changes, cancellation and re-booking. */
export function eventUid(sessionId: string, userId: string, host: string): string {
  return `booking-${safeUidPart(sessionId)}-${safeUidPart(userId)}@${safeUidPart(host)}`;
}

/**
 * The one UID of the event for `userId` running `sessionId` (named among its trainers): stable
 * for the life of the session, and never a booking's UID, so a person booked on a session and
 * then named to run it (or the other way round) has two events told apart, never one UID
 * that means two things.
 */
export function runningEventUid(sessionId: string, userId: string, host: string): string {
  return `running-${safeUidPart(sessionId)}-${safeUidPart(userId)}@${safeUidPart(host)}`;
}

export interface SequenceInput {
  /** sessions.revision: raised on every change of time, place, title or status. */
  sessionRevision: number;
  /** bookings.revision of this booking: raised on every change of its status or of the session's time or place. */
  bookingRevision: number;
  /** Sum over this person's EARLIER bookings of this session of (revision + 1). */
  priorRevisions: number;
}

/** SEQUENCE: only ever increases over the life of the (session, person) event. */
export function eventSequence(i: SequenceInput): number {
  return Math.max(0, Math.trunc(i.sessionRevision) + Math.trunc(i.bookingRevision) + Math.trunc(i.priorRevisions));
}

export type SessionStatus = 'scheduled' | 'cancelled';

const isCancelled = (status: BookingStatus, sessionStatus: SessionStatus) => status === 'cancelled' || sessionStatus === 'cancelled';

/**
 * A place in the queue or a seat on offer: no seat yet, and so no event of its own in the
 * person's calendar. Such a person is sent no invite, no update and no CANCEL (see
 * `noticeInviteMethod`), so none is offered for download either, and a feed's entry for it
 * carries no reminder.
 */
export function awaitingSeat(status: BookingStatus): boolean {
  return status === 'waitlisted' || status === 'offered';
}

/** An invite for this booking is a REQUEST while it stands and a CANCEL once it or its session is cancelled. */
export function inviteMethod(status: BookingStatus, sessionStatus: SessionStatus): InviteMethod {
  return isCancelled(status, sessionStatus) ? 'CANCEL' : 'REQUEST';
}

/**
 * The attendee's PARTSTAT: a seat is ACCEPTED, a queue place or an offer TENTATIVE. A
 * cancellation has none: METHOD:CANCEL says the organiser called the event off, and
 * DECLINED would tell the person's calendar that they had turned it down.
 */
export function partStat(status: BookingStatus, sessionStatus: SessionStatus): PartStat | null {
  if (isCancelled(status, sessionStatus)) return null;
  return status === 'waitlisted' || status === 'offered' ? 'TENTATIVE' : 'ACCEPTED';
}

/** The event's STATUS, matching the PARTSTAT. */
export function eventStatus(status: BookingStatus, sessionStatus: SessionStatus): EventStatus {
  if (isCancelled(status, sessionStatus)) return 'CANCELLED';
  return status === 'waitlisted' || status === 'offered' ? 'TENTATIVE' : 'CONFIRMED';
}

/**
 * Which invite (if any) travels with a notice email. Seats given get a REQUEST; cancellations
 * get a CANCEL. A change of time or place updates the event only for someone who holds a seat:
 * people still in the queue or offered a seat never received an event, so they get the email
 * alone, and a place in the queue or an offer that ends (`priorStatus` waitlisted or offered:
 * left, removed, its session cancelled; an offer lapsing) carries no CANCEL of an event they
 * never had. `priorStatus` unknown (an older notice): a CANCEL.
 */
export function noticeInviteMethod(kind: NoticeKind, status: BookingStatus, sessionStatus: SessionStatus, priorStatus?: BookingStatus | null): InviteMethod | null {
  switch (kind) {
    case 'confirmed':
    case 'promoted':
      return inviteMethod(status, sessionStatus) === 'REQUEST' ? 'REQUEST' : null;
    case 'session_changed':
    case 'seat_changed':
      return status === 'confirmed' && sessionStatus === 'scheduled' ? 'REQUEST' : null;
    case 'removed':
    case 'cancelled':
    case 'session_cancelled':
      return priorStatus === 'waitlisted' || priorStatus === 'offered' ? null : 'CANCEL';
    // An offer carried no event (only its acceptance does, as a REQUEST): its lapse, like
    // its refusal, cancels nothing.
    case 'offer_expired':
      return null;
    default:
      return null;
  }
}

/** Does a subscription feed still list this booking at `now`? Cancelled ones for 30 days, then no more. */
export function feedListsBooking(cancelledAt: string | null, status: BookingStatus, now: Date): boolean {
  if (status !== 'cancelled') return true;
  if (!cancelledAt) return false;
  return Date.parse(cancelledAt) > now.getTime() - CANCELLED_FEED_RETENTION_DAYS * 86_400_000;
}

/** The instant before which cancelled bookings have dropped out of feeds. */
export function feedCancelledCutoff(now: Date): string {
  return new Date(now.getTime() - CANCELLED_FEED_RETENTION_DAYS * 86_400_000).toISOString();
}
