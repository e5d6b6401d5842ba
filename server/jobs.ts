/**
 * The background loop every server process runs. All state lives in the database, so any
 * number of processes can run it side by side.
 */
import { sendReminders, sweepSessions, warnExpiringOffers } from './bookings/jobs.js';
import { deliverDue, type Mailer } from './notifications/delivery.js';
import type { Deps } from './platform/deps.js';

export async function runJobsOnce(deps: Deps, mailer: Mailer | null): Promise<void> {
  await sweepSessions(deps);
  await warnExpiringOffers(deps);
  await sendReminders(deps);
  // Deliver until nothing due is left, in bounded batches.
  for (let i = 0; i < 20; i++) {
    const { sent, failed } = await deliverDue(deps, mailer);
    if (sent + failed === 0 || failed > 0) break;
  }
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
    running = runJobsOnce(deps, mailer)
      .catch((e) => deps.logger.error('job pass failed', { error: String((e as Error)?.message ?? e) }))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, 100).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
