/**
 * The seat rule, as a pure function of the seat counts read under the session lock.
 *
 * A seat is taken by a confirmed (or later attended/absent) booking or by a live offer.
 * Seats an organisation holds, and has not yet filled, are kept from everyone else until
 * the hold is released. The counts are stored on the session and its holds and change only
 * with the bookings, under the lock (server/bookings/repository.ts); this rule is recomputed
 * from them every time, for each viewer.
 */
import { outsideAudience, type SeatCounts } from '../../shared/sessions.js';

export interface HoldState {
  orgId: string;
  seats: number;
  /** Bookings that took this organisation's held seats and still occupy a seat. */
  claimed: number;
}

/** Whom a session is for (DESIGN.md invariant 12): everyone (the programme), or an organisation's people (a trust's: its schools' too). */
export interface SeatAudience {
  kind: 'programme' | 'organisation' | 'trust';
  orgId: string | null;
}

export interface SeatState {
  /** Whom the session's seats are for; absent: everyone. */
  audience?: SeatAudience;
  capacity: number;
  confirmed: number;
  offered: number;
  waitlisted: number;
  holds: HoldState[];
  /** False once the holds' release time has passed: held seats are then anyone's. */
  holdsActive: boolean;
}

export function unclaimed(h: HoldState): number {
  return Math.max(0, h.seats - h.claimed);
}

/** Seats a person from `orgId` (null: no organisation, or anyone) can take now. */
export function freeFor(s: SeatState, orgId: string | null): number {
  const heldForOthers = s.holdsActive ? s.holds.filter((h) => h.orgId !== orgId).reduce((n, h) => n + unclaimed(h), 0) : 0;
  return Math.max(0, s.capacity - s.confirmed - s.offered - heldForOthers);
}

/** Whether a seat taken now by someone from `orgId` should count against their organisation's hold. */
export function claimsHold(s: SeatState, orgId: string | null): boolean {
  if (!s.holdsActive || orgId === null) return false;
  const h = s.holds.find((x) => x.orgId === orgId);
  return h !== undefined && unclaimed(h) > 0;
}

/** Unclaimed seats held for `orgId` that it can still take now (0 without a live hold). */
export function heldFor(s: SeatState, orgId: string | null): number {
  if (!s.holdsActive || orgId === null) return 0;
  const h = s.holds.find((x) => x.orgId === orgId);
  return h ? unclaimed(h) : 0;
}

/**
 * The counts a viewer sees: `available` is what someone of `viewerOrgId` can book now (open
 * seats plus their organisation's unclaimed hold, DESIGN invariant 11), `publicAvailable`
 * what anyone without a hold can, `heldForViewer` the part of `available` held for them.
 * Someone outside an in-house session's people (`outsideAudience`: an administrator looking
 * at a school's own session) can book no seat on it, so none is free to them.
 */
export function seatCounts(s: SeatState, viewerOrgId: string | null = null): SeatCounts {
  const free = outsideAudience(s.audience, viewerOrgId) ? 0 : freeFor(s, viewerOrgId);
  return {
    capacity: s.capacity,
    confirmed: s.confirmed,
    offered: s.offered,
    waitlisted: s.waitlisted,
    available: free,
    publicAvailable: freeFor(s, null),
    heldForViewer: Math.min(heldFor(s, viewerOrgId), free),
  };
}
