/**
 * What the domains built on the booking engine hear about places once a change to one has
 * committed. The engine imports nothing from them (the live room, the catalogue); they
 * register here instead, from the app factory (server/app.ts).
 */
import type { Deps } from '../platform/deps.js';

/** A person's place on a session changed (cancelled, taken off the session, moved to another seat), committed. */
export interface PlaceChange {
  sessionId: string;
  userId: string;
}

type PlaceListener = (deps: Deps, change: PlaceChange) => Promise<void>;

// Functions, not state: registering the same one again (an app built per test) adds nothing.
const listeners = new Set<PlaceListener>();

/** Registers what to do after a place changed (the live room disconnects someone no longer entitled to be in it). */
export function onPlaceChanged(listener: PlaceListener) {
  listeners.add(listener);
}

/** Tells every listener of a committed change; one that fails is logged and never fails the change, which stands. */
export async function placeChanged(deps: Deps, change: PlaceChange) {
  for (const listener of listeners) {
    try {
      await listener(deps, change);
    } catch (e) {
      deps.logger.warn('a follow-up to a changed place failed', { sessionId: change.sessionId, error: String((e as Error)?.message ?? e) });
    }
  }
}

/** `placeChanged` for each of several committed changes (places given up together), one after another. */
export async function placesChanged(deps: Deps, changes: readonly PlaceChange[]) {
  for (const change of changes) await placeChanged(deps, change);
}
