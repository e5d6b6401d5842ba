/**
 * What the domains built on accounts hear about a person once a change to them has
 * committed. Accounts imports nothing from them (the live room imports accounts); they
 * register here instead, from the app factory (server/app.ts), as with bookings/events.ts.
 */
import type { Deps } from '../platform/deps.js';

/** An administrator removed a person's captioner flag, ending their assignments to caption these sessions, committed. */
export interface CaptionerFlagRemoved {
  userId: string;
  /** The sessions they were assigned to caption until now. */
  sessionIds: readonly string[];
}

type CaptionerListener = (deps: Deps, change: CaptionerFlagRemoved) => Promise<void>;

// Functions, not state: registering the same one again (an app built per test) adds nothing.
const listeners = new Set<CaptionerListener>();

/** Registers what to do after a captioner flag was removed (the live room shows them as they now are). */
export function onCaptionerFlagRemoved(listener: CaptionerListener) {
  listeners.add(listener);
}

/** Tells every listener of a committed removal; one that fails is logged and never fails the change, which stands. */
export async function captionerFlagRemoved(deps: Deps, change: CaptionerFlagRemoved) {
  for (const listener of listeners) {
    try {
      await listener(deps, change);
    } catch (e) {
      deps.logger.warn('a follow-up to a removed captioner flag failed', { userId: change.userId, error: String((e as Error)?.message ?? e) });
    }
  }
}
