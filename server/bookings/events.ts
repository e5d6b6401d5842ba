/**
 * What the domains built on the booking engine hear about places once a change to one has
 * committed. The engine imports nothing from them (the live room, the catalogue); they
 * register here instead, from the app factory (server/app.ts).
 */
import type { Deps } from '../platform/deps.js';
import { followUps } from '../platform/follow-ups.js';

/** A person's place on a session changed (cancelled, taken off the session, moved to another seat), committed. */
export interface PlaceChange {
  sessionId: string;
  userId: string;
}

const placeFollowUps = followUps<PlaceChange>('a changed place', (c) => ({ sessionId: c.sessionId }));

/** Registers what to do after a place changed (the live room disconnects someone no longer entitled to be in it). */
export const onPlaceChanged = placeFollowUps.on;

/** Tells every listener of a committed change; one that fails is logged and never fails the change, which stands. */
export const placeChanged = placeFollowUps.tell;

/** `placeChanged` for each of several committed changes (places given up together), one after another. */
export async function placesChanged(deps: Deps, changes: readonly PlaceChange[]) {
  for (const change of changes) await placeChanged(deps, change);
}
