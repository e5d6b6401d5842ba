/**
 * How much timetable work one person can ask for. Linking a calendar fetches a URL someone
 * else serves (up to 10 seconds and 5 MB) and reads it in a worker; an uploaded file is read
 * in the same workers, whose queue everyone shares. So, counted with the sign-in throttle's
 * counters (accounts/throttle.ts: one atomic upsert per counter, across processes):
 *
 * - one account has at most one fetch or file being read at a time: a second request while
 *   one is under way is refused at once (429, Retry-After), so no one person can fill the
 *   shared queue or keep several fetches going;
 * - per hour, on one person's timetable (whoever asks: the person, their office, an
 *   administrator), at most TIMETABLE_LIMITS.subscriptions.perPerson calendar links and
 *   refreshes and uploads.perPerson uploaded files; and from one account over all the
 *   timetables it manages (an office's or an administrator's), the byOneAccount numbers.
 *   An office's CSV for many staff counts as one file from its account.
 *
 * A request refused by a limit changes nothing, counters included. A link counts once the
 * fetch is tried, whatever came back: a failed fetch reached the remote server all the
 * same. An uploaded file the service refuses for what it holds (a bad line, a file too
 * complex) does not count: putting a file right takes a few tries, and the one-at-a-time
 * rule already bounds the reading.
 */
import { giveLeaseBack, leaseTakenAt, takeLease } from '../accounts/repository.js';
import { withinLimits, type LimitedCounter } from '../accounts/throttle.js';
import { AppError } from '../errors.js';
import type { Deps } from '../platform/deps.js';

/** Per hour: far above what anyone setting up or correcting a timetable needs. */
export const TIMETABLE_LIMITS = {
  subscriptions: { perPerson: 10, byOneAccount: 100 },
  uploads: { perPerson: 20, byOneAccount: 300 },
  windowMs: 60 * 60_000,
} as const;

export type TimetableWork = { kind: 'subscription'; userId: string } | { kind: 'upload'; userId: string } | { kind: 'org_upload'; orgId: string };

function countersFor(work: TimetableWork, actorId: string): LimitedCounter[] {
  const windowMs = TIMETABLE_LIMITS.windowMs;
  if (work.kind === 'subscription') {
    const { perPerson, byOneAccount } = TIMETABLE_LIMITS.subscriptions;
    return [
      { key: `timetable-link:${work.userId}`, limit: perPerson, windowMs, what: `attempts to link or refresh this timetable’s calendar (at most ${perPerson} an hour)` },
      { key: `timetable-link-by:${actorId}`, limit: byOneAccount, windowMs, what: `timetable calendars fetched at your request (at most ${byOneAccount} an hour)` },
    ];
  }
  const { perPerson, byOneAccount } = TIMETABLE_LIMITS.uploads;
  const byAccount = { key: `timetable-upload-by:${actorId}`, limit: byOneAccount, windowMs, what: `timetable files uploaded by you (at most ${byOneAccount} an hour)` };
  if (work.kind === 'org_upload') return [byAccount];
  return [{ key: `timetable-upload:${work.userId}`, limit: perPerson, windowMs, what: `files uploaded to this timetable (at most ${perPerson} an hour)` }, byAccount];
}

/** How long one account's "under way" mark lasts if its process dies before taking it off. */
const leaseMs = (deps: Deps) => 2 * deps.config.outbound.timeoutMs + 2 * deps.config.timetableParsing.timeMs + 60_000;

function underWay(deps: Deps, leaseLeft: number): AppError {
  // The longest one fetch and read normally take; the mark itself may outlast them (a dead process).
  const seconds = Math.max(1, Math.min(leaseLeft, Math.ceil((deps.config.outbound.timeoutMs + deps.config.timetableParsing.timeMs) / 1000)));
  return new AppError(
    'rate_limited',
    'A timetable file or calendar you sent is still being read. Please wait for it to finish, then try again. Nothing was changed.',
    { retryAfterSeconds: seconds },
    { 'Retry-After': String(seconds) },
  );
}

/**
 * Runs `run` (the fetch or read, and the save) as `actorId`'s one piece of timetable work
 * under way, counted against the hourly limits (accounts/throttle.ts withinLimits); throws
 * 429 `rate_limited` (Retry-After), having changed nothing, when one is under way already or
 * a limit is reached. An upload refused for what it holds is not counted; a link is, once
 * its fetch was tried (it reached the remote server whatever came back).
 */
export async function limitedTimetableWork<T>(deps: Deps, actorId: string, work: TimetableWork, run: () => Promise<T>): Promise<T> {
  // The mark is a lease with its holder's token, given back only by its holder: a refused
  // second request never touches it, so two can never both believe they hold it.
  const lease = `timetable-busy:${actorId}`;
  const now = deps.now().getTime();
  const token = await takeLease(deps.db, lease, new Date(now).toISOString(), new Date(now - leaseMs(deps)).toISOString());
  if (token === null) {
    const since = await leaseTakenAt(deps.db, lease);
    throw underWay(deps, Math.ceil(((since ? Date.parse(since) : now) + leaseMs(deps) - now) / 1000));
  }
  try {
    return await withinLimits(deps, countersFor(work, actorId), run, () => work.kind !== 'subscription');
  } finally {
    await giveLeaseBack(deps.db, lease, token).catch((e: unknown) => deps.logger.warn('timetable work mark not cleared', { actorId, error: String((e as Error)?.message ?? e) }));
  }
}
