/**
 * A person's other places at the same time as a session (`Session.alsoBooked`): what the
 * session page tells someone about to book a second session at the same time, besides
 * their teaching timetable (server/timetables).
 */
import type { AlsoBooked } from '../../shared/sessions.js';
import type { OverlappingPlace } from '../bookings/repository.js';
import { holdsPlace } from '../bookings/service.js';

/** Whether two spans of time overlap: each starts before the other ends. Spans that only touch (one ends as the other starts) do not. */
export function overlaps(a: { startsAt: string; endsAt: string }, b: { startsAt: string; endsAt: string }): boolean {
  return Date.parse(a.startsAt) < Date.parse(b.endsAt) && Date.parse(a.endsAt) > Date.parse(b.startsAt);
}

/**
 * The rule: of a person's places (`places`, as read by `placesOverlapping`, on sessions they
 * may see), those on another session whose times overlap `session`'s and that are still
 * theirs at `nowIso` (confirmed, waiting, or an offer whose time has not run out:
 * `holdsPlace`), soonest first (then the earlier end, then by title).
 */
export function alsoBooked(session: { id: string; startsAt: string; endsAt: string }, places: readonly OverlappingPlace[], nowIso: string): AlsoBooked[] {
  return places
    .map((p) => ({ sessionId: p.session_id, title: p.title, startsAt: p.starts_at, endsAt: p.ends_at, status: p.status, offerExpiresAt: p.offer_expires_at }))
    .filter((p) => p.sessionId !== session.id && overlaps(p, session) && holdsPlace(p, nowIso))
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || Date.parse(a.endsAt) - Date.parse(b.endsAt) || a.title.localeCompare(b.title, 'en-GB') || (a.sessionId < b.sessionId ? -1 : 1))
    .map(({ sessionId, title, startsAt, endsAt, status }) => ({ sessionId, title, startsAt, endsAt, status }));
}
