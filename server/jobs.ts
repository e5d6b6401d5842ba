/**
 * The background loop every server process runs. All state lives in the database, so any
 * number of processes can run it side by side.
 */
import { sendReminders, sweepSessions, warnExpiringOffers } from './bookings/jobs.js';
import { recordAttendanceOutcomes } from './attendance/service.js';
import { requestFeedback } from './feedback/service.js';
import { repairLiveRooms } from './live/service.js';
import { deliverDue, type Mailer } from './notifications/delivery.js';
import type { Deps } from './platform/deps.js';
import { deleteExpiredKeys } from './platform/idempotency-store.js';
import { refreshTimetableSubscriptions } from './timetables/service.js';
import { pruneThrottles } from './accounts/throttle.js';
import { forgetExpiredLogins } from './accounts/oidc.js';

/** One pass of every job. `shouldStop` (shutdown) ends the pass early between steps and messages. */
export async function runJobsOnce(deps: Deps, mailer: Mailer | null, shouldStop: () => boolean = () => false): Promise<void> {
  await sweepSessions(deps);
  if (shouldStop()) return;
  await warnExpiringOffers(deps);
  if (shouldStop()) return;
  await sendReminders(deps);
  if (deps.config.livekit && !shouldStop()) await repairLiveRooms(deps, shouldStop);
  if (!shouldStop()) await recordAttendanceOutcomes(deps);
  if (!shouldStop()) await requestFeedback(deps);
  if (!shouldStop()) await deleteExpiredKeys(deps.db, deps.now().toISOString());
  // Deliver until nothing due is left, in bounded batches.
  for (let i = 0; i < 20 && !shouldStop(); i++) {
    const { sent, failed } = await deliverDue(deps, mailer, 50, shouldStop);
    if (sent + failed === 0 || failed > 0) break;
  }
  if (!shouldStop()) await refreshTimetableSubscriptions(deps);
  if (!shouldStop()) await pruneThrottles(deps);
  if (!shouldStop()) await forgetExpiredLogins(deps);
}

export interface JobRunner {
  /** Resolves when the current pass (if any) has finished; no new pass starts. */
  stop(): Promise<void>;
}

export function startJobs(deps: Deps, mailer: Mailer | null, everyMs = 5_000): JobRunner {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = runJobsOnce(deps, mailer, () => stopped)
      .catch((e) => deps.logger.error('job pass failed', { error: String((e as Error)?.message ?? e) }))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, Math.min(100, everyMs)).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
