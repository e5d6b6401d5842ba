/**
 * Follow-ups to a committed change, for a domain that others build on: it tells, they listen.
 * The telling domain imports nothing from the listening ones; they register from the app
 * factory (server/app.ts). bookings/events.ts and accounts/events.ts are made of this.
 */
import type { Deps } from './deps.js';

export type FollowUp<T> = (deps: Deps, change: T) => Promise<void>;

/**
 * A set of follow-ups to one kind of change (`what`, for the log). `on` registers one
 * (functions, not state: the same one again, from an app built per test, adds nothing);
 * `tell` runs each after a change committed: one that fails is logged with `logged(change)`
 * and never fails the change, which stands.
 */
export function followUps<T>(what: string, logged: (change: T) => Record<string, unknown>) {
  const listeners = new Set<FollowUp<T>>();
  return {
    on(listener: FollowUp<T>) {
      listeners.add(listener);
    },
    async tell(deps: Deps, change: T) {
      for (const listener of listeners) {
        try {
          await listener(deps, change);
        } catch (e) {
          deps.logger.warn(`a follow-up to ${what} failed`, { ...logged(change), error: String((e as Error)?.message ?? e) });
        }
      }
    },
  };
}
