// Background delivery of implicit scheduling messages (RFC 6638 §3.2) that no request delivered:
// those a server left behind when it stopped mid-delivery, and retries of failed deliveries. The
// adapters run it at start-up and periodically, beside processOutbox.
import type { OutboxDeps } from './imip/queue.ts';
import { attemptJob, type Scheduler } from './deliver.ts';
import { recordGroupStatuses } from './status.ts';

/** How long a run holds a message while delivering it; another server takes it over afterwards. */
const LEASE_MS = 60_000;
/** Settled messages are kept this long for diagnosis. */
const KEEP_MS = 86_400_000;

export interface SchedulingRunCounts {
  delivered: number;
  pending: number;
  recorded: number;
}

/** Delivers what is due and records the statuses of settled writes; call it at start-up and every few seconds. */
export async function processSchedulingJobs(deps: OutboxDeps, now: number, limit = 100): Promise<SchedulingRunCounts> {
  const scheduler: Scheduler = { deps: { store: deps.store, config: deps.config, logger: deps.logger, now: () => now }, transport: deps.transport };
  const jobs = deps.store.schedulingJobs;
  const counts: SchedulingRunCounts = { delivered: 0, pending: 0, recorded: 0 };
  for (const job of await jobs.due(now, limit)) {
    // Claimed by another server (or its request) meanwhile: it is that one's to deliver.
    if (!(await jobs.claim(job, now + LEASE_MS))) continue;
    if ((await attemptJob(scheduler, job)) === null) counts.pending++;
    else counts.delivered++;
  }
  for (const groupId of await jobs.unrecordedGroups(limit)) {
    try {
      if (await recordGroupStatuses(scheduler.deps, groupId)) counts.recorded++;
    } catch (error) {
      deps.logger.error('Could not record SCHEDULE-STATUS', { group: groupId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  await jobs.purge(now - KEEP_MS);
  return counts;
}
