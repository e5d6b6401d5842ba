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
 * Counts one hit on `counter` (`weight` hits: an import of many addresses counts each);
 * returns the seconds until its window ends when the count is over the limit, else null.
 */
export async function hit(deps: Deps, counter: Counter, weight = 1): Promise<number | null> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - counter.windowMs).toISOString();
  const { hits, windowStart } = await repo.bumpThrottle(deps.db, counter.key, now.toISOString(), cutoff, weight);
  if (hits <= counter.limit) return null;
  return Math.max(1, Math.ceil((Date.parse(windowStart) + counter.windowMs - now.getTime()) / 1000));
}

/** A counter of something a person asks for, and the words for it in a refusal ("messages to this session’s people"). */
export interface LimitedCounter extends Counter {
  what: string;
}

/**
 * Runs `run` counted against `counters` (one hit each), refusing it first (429 `rate_limited`,
 * Retry-After) when a count would pass its limit. A refused request changes nothing: neither
 * one refused for a limit nor one `run` refuses (a 4xx AppError, or whatever `takeBackIf`
 * says) keeps its count, and a counter taken back to none is forgotten, as if never counted.
 * Not for the sign-in throttle, where every attempt counts on purpose.
 */
export async function withinLimits<T>(deps: Deps, counters: readonly LimitedCounter[], run: () => Promise<T>, takeBackIf: (e: unknown) => boolean = isRefusal): Promise<T> {
  const counted: string[] = [];
  for (const c of counters) {
    const wait = await hit(deps, c);
    counted.push(c.key);
    if (wait !== null) {
      await takeBack(deps, counted);
      const e = rateLimited(wait, c.what);
      throw new AppError(e.code, `${e.message} Nothing was changed.`, e.details, e.headers);
    }
  }
  try {
    return await run();
  } catch (e) {
    if (takeBackIf(e)) await takeBack(deps, counted).catch((err: unknown) => deps.logger.warn('a count not taken back', { keys: counted, error: String((err as Error)?.message ?? err) }));
    throw e;
  }
}

/** A refusal of what was asked (4xx), as opposed to the service failing. */
const isRefusal = (e: unknown) => e instanceof AppError && e.status < 500;

/** Takes back one count under each key, forgetting counters left holding none. */
export async function takeBack(deps: Deps, keys: string[]) {
  await repo.refundThrottle(deps.db, keys);
  await repo.forgetEmptyThrottles(deps.db, keys);
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

/**
 * A sign-in that worked by an emailed link or a school account, or a password reset that
 * worked, from `client`: what its steps counted against the client address (`times`: the
 * link or reset asked for and used; the school sign-in started) is taken back, as a right
 * password's is (countPasswordCheck). So the staff of a school behind one address, signing in
 * one after another, never use up the address's allowance, which is for failures: made-up
 * links and tokens, addresses tried, sign-ins abandoned. For an emailed link, `email` is the
 * account's, its own count and its count from this address go as a right password's do.
 */
export async function signedInFrom(deps: Deps, client: string, times: number, email?: string) {
  for (let i = 0; i < times; i++) await repo.refundThrottle(deps.db, [`client:${client}`]);
  if (email) {
    await repo.clearThrottle(deps.db, `pair:${client}|${email}`);
    await repo.refundThrottle(deps.db, [`account:${email}`]);
  }
  await repo.forgetEmptyThrottles(deps.db, [`client:${client}`, ...(email ? [`account:${email}`] : [])]);
}

/** Forgets counters whose windows ended long ago (a background job). */
export async function pruneThrottles(deps: Deps) {
  await repo.pruneThrottle(deps.db, new Date(deps.now().getTime() - 24 * 3_600_000).toISOString());
}
