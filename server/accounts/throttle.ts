/**
 * Throttling password checks without letting anyone lock a person out.
 *
 * Every attempt is counted before its password is checked, by an atomic upsert in the
 * database (so it holds across processes, and forty guesses sent at once count as forty).
 * Three counters, each over a window that starts with its first attempt:
 * - one account from one client address: the guessing limit (5 per 15 minutes);
 * - one client address over all accounts: one password tried on many accounts;
 * - one account over all addresses, counting only attempts that got past the first two, so
 *   that hammering from one address never uses up the account's allowance: the real person
 *   signing in from elsewhere is not stopped by it.
 * The answer is the same whether or not the email belongs to anyone.
 */
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';
import * as repo from './repository.js';

export interface Counter {
  key: string;
  limit: number;
  windowMs: number;
}

/**
 * Counts one hit on `counter`; returns the seconds until its window ends when the count is
 * over the limit, else null.
 */
export async function hit(deps: Deps, counter: Counter): Promise<number | null> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - counter.windowMs).toISOString();
  const { hits, windowStart } = await repo.bumpThrottle(deps.db, counter.key, now.toISOString(), cutoff);
  if (hits <= counter.limit) return null;
  return Math.max(1, Math.ceil((Date.parse(windowStart) + counter.windowMs - now.getTime()) / 1000));
}

export function rateLimited(seconds: number, what = 'sign-in attempts'): AppError {
  const minutes = Math.ceil(seconds / 60);
  const wait = seconds < 60 ? 'a minute' : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return new AppError('rate_limited', `There have been too many ${what}. Please wait ${wait} and try again.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
}

export interface PasswordCheckTicket {
  /** The password was right: the attempt does not count against the person. */
  succeeded(): Promise<void>;
}

/**
 * Counts a password check for `email` from `client` before it happens; throws `rate_limited`
 * (429 with Retry-After) when a limit is reached, so the check never runs.
 */
export async function countPasswordCheck(deps: Deps, email: string, client: string): Promise<PasswordCheckTicket> {
  const { windowMinutes, perAccountAndClient, perClient, perAccount } = deps.config.signInLimits;
  const windowMs = windowMinutes * 60_000;
  const pairKey = `pair:${client}|${email}`;
  const counters: Counter[] = [
    { key: pairKey, limit: perAccountAndClient, windowMs },
    { key: `client:${client}`, limit: perClient, windowMs },
    { key: `account:${email}`, limit: perAccount, windowMs },
  ];
  // In order, stopping at the first refusal: a refused attempt does not reach the later counters.
  for (const counter of counters) {
    const wait = await hit(deps, counter);
    if (wait !== null) throw rateLimited(wait);
  }
  return {
    async succeeded() {
      await repo.clearThrottle(deps.db, pairKey);
      await repo.refundThrottle(deps.db, counters.slice(1).map((c) => c.key));
    },
  };
}

/** Forgets counters whose windows ended long ago (a background job). */
export async function pruneThrottles(deps: Deps) {
  await repo.pruneThrottle(deps.db, new Date(deps.now().getTime() - 24 * 3_600_000).toISOString());
}
