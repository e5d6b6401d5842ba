/**
 * What a school office needs to see before booking its people on a session: for each of the
 * organisation's people, whether they already have a seat, an offer still open or a queue
 * place (and which), and whether the session clashes with their timetable (and with which lesson);
 * and whether the session is for them at all (an administrator may look at any organisation's
 * people on an in-house session for another).
 */
import { listUsersOfOrg } from '../accounts/repository.js';
import { orgsActableBy } from '../accounts/acting.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import type { AuthUser } from '../platform/http.js';
import { sessionAsOrgSees } from './service.js';
import { clashesForBookings } from '../timetables/service.js';
import type { Roster } from '../../shared/bookings.js';
import type { SeatKind } from '../../shared/sessions.js';
import { bookingsOfSession } from '../bookings/views.js';
import { holdsPlace } from '../bookings/service.js';
import { orgInAudience } from '../bookings/repository.js';

/** One organisation the actor books for (accounts/acting.ts): everyone in it, with their place and clashes, and the seats free and held for it. */
export async function sessionRoster(deps: Deps, actor: AuthUser, sessionId: string, orgId: string, seatAsked?: SeatKind): Promise<Roster> {
  if (!(await orgsActableBy(deps.db, actor)).has(orgId)) throw new AppError('forbidden', 'You can only see the people of the organisations you book for.');
  const session = await sessionAsOrgSees(deps, sessionId, actor, orgId); // not_found for a session the actor cannot see
  const [people, bookings, forThem] = await Promise.all([listUsersOfOrg(deps.db, orgId), bookingsOfSession(deps.db, sessionId, [orgId]), orgInAudience(deps.db, sessionId, orgId)]);
  const active = people.filter((p) => !p.disabled_at);
  // Clashes as for the seat they would be booked on: a hybrid session's in-person seat allows travel time, an online one does not.
  const seat: SeatKind = session.mode === 'hybrid' ? (seatAsked ?? 'online') : session.mode === 'in_person' ? 'in_person' : 'online';
  // As the actor may see them: the titles of a calendar someone linked themselves are theirs (timetables/repository.ts, withheldLabels).
  const clashes = await clashesForBookings(deps, active.map((p) => ({ userId: p.id, sessionId, seat })), undefined, actor.id);
  // A place they hold now, by the clock: an offer whose time has run out is none, even before
  // the sweep marks it so (the office may book them again, which passes that seat on first).
  const nowIso = deps.now().toISOString();
  const placeOf = new Map(bookings.filter((x) => holdsPlace(x, nowIso)).map((x) => [x.userId, x]));
  const items = active.map((p, i) => {
    const b = placeOf.get(p.id);
    return {
      userId: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      booking: b ? { id: b.id, status: b.status as 'confirmed' | 'waitlisted' | 'offered', seat: b.seat, position: b.position, offerExpiresAt: b.offerExpiresAt } : null,
      clashes: clashes[i] ?? [],
    };
  });
  return { items, seats: session.seats, forThem };
}
