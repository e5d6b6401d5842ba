/**
 * What the domains built on the booking engine hear about places once a change to one has
 * committed. The engine imports nothing from them (the live room, the catalogue); they
 * register here instead, from the app factory (server/app.ts).
 */
import type { Deps } from '../platform/deps.js';
import { followUps } from '../platform/follow-ups.js';
import { sessionsNamingTrainerBetween } from './repository.js';

/**
 * A person's place on a session changed (cancelled, taken off the session, moved to another
 * seat), or their standing on it did (no longer one of its trainers, their account turned
 * off), committed: whatever entitled them to be in its live room may be gone.
 */
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

/**
 * After a committed change that may end someone's running of sessions (their account turned
 * off, another role or organisation, no longer an in-house lead): the live rooms of the
 * sessions naming them as a trainer that may be open around now hear of it, and put them
 * out unless they still run the session or hold a place in it. A day either side of now
 * holds every room's window.
 */
export async function runningMayHaveEnded(deps: Deps, userId: string) {
  const now = deps.now().getTime();
  const sessionIds = await sessionsNamingTrainerBetween(deps.db, userId, new Date(now - 86_400_000).toISOString(), new Date(now + 86_400_000).toISOString());
  await placesChanged(deps, sessionIds.map((sessionId) => ({ sessionId, userId })));
}
