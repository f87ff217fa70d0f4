// Routing of iTIP messages (RFC 6638 §3.2.9): local recipients are delivered to directly, anyone
// else by iMIP; each recipient's outcome becomes a SCHEDULE-STATUS code. After a reply reaches an
// organizer here, from a local attendee or over iSchedule, the other attendees are brought up to
// date (Cyrus: the server-side refresh): local ones directly, those on iSchedule peers through the
// transport. People reached by mail get no refresh: every reply would mail all the others.
// Messages are stored as scheduling jobs with the write that caused them; each delivery commits
// together with its job's completion, guarded on the job being still pending, so that however
// often a job is run (a retry, a restart, two servers) it takes effect exactly once.
import { errorText, type AppDeps } from '../dav/context.ts';
import { PreconditionFailedError, type NewSchedulingJob, type SchedulingJobRecord, type UserRecord } from '../storage/index.ts';
import { findLocalUser, addressSet } from './addresses.ts';
import { historyWindow } from './itip/historical.ts';
import { classify } from './itip/classify.ts';
import { normalizeAddress, parseCalendar, type ItipMessage, type ItipMethod } from './itip/model.ts';
import { organizerMessages } from './itip/organizer.ts';
import { pollOf, pollStatusMessages } from './itip/vpoll.ts';
import { imipDeliverable, pendingStatus, sendImip } from './imip/queue.ts';
import type { MessageTransport } from './imip/transport.ts';
import { planLocalDelivery, STATUS, type LocalDelivery } from './local.ts';

export interface Scheduler {
  deps: AppDeps;
  transport: MessageTransport | null;
  /**
   * Called once a write's messages are committed, just before the request delivers them. Only the
   * crash tests set it (to stop the process at that point); it must not be used for anything else.
   */
  beforeDelivery?: (() => void) | undefined;
}

export const PRODID = '-//Orrery//Orrery CalDAV Server//EN';

/**
 * How long the writing request has its new messages to itself before a background run may take
 * them: it delivers them at once, and only a request that died leaves them for the background.
 */
export const REQUEST_LEASE_MS = 10_000;

/** Delays before the 2nd, 3rd, … attempt of a delivery that failed; after the last one it is given up (5.1). */
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 4 * 3600_000, 12 * 3600_000, 24 * 3600_000];
/** How often a delivery is recomputed when the recipient's copy changed while it was planned. */
const CONFLICT_ROUNDS = 3;

export interface JobOptions {
  groupId: string;
  sender: UserRecord;
  /** The sender's right to send these messages; without it they are stored as done with 3.8. */
  allowed: boolean;
  statusTarget: NewSchedulingJob['statusTarget'];
  refresh?: boolean;
  now: number;
}

/** The job rows for a write's messages, to be committed in the write's own batch. */
export function jobsFor(messages: readonly ItipMessage[], options: JobOptions): NewSchedulingJob[] {
  return messages.map((message) => ({
    groupId: options.groupId,
    sender: options.sender.name,
    method: message.method,
    uid: message.uid,
    originator: message.originator,
    recipient: message.recipient,
    itip: message.calendar.toString(),
    refresh: options.refresh ?? false,
    status: options.allowed ? undefined : STATUS.noAuthority,
    statusTarget: options.statusTarget,
    nextAttemptAt: options.now + REQUEST_LEASE_MS,
  }));
}

/**
 * Delivers a group's pending messages now, in order; returns recipient → SCHEDULE-STATUS (the last
 * message to a recipient wins). A message that could not be delivered stays pending for a later
 * run and reports 5.1.
 */
export async function deliverGroup(scheduler: Scheduler, groupId: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const job of await scheduler.deps.store.schedulingJobs.group(groupId)) {
    const status = job.state === 'pending' ? await attemptJob(scheduler, job) : job.status;
    statuses.set(job.recipient, status ?? STATUS.tempFailure);
  }
  return statuses;
}

/** Runs one job; on an unexpected error it is scheduled for a retry (or given up). Returns its status, or null while pending. */
export async function attemptJob(scheduler: Scheduler, job: SchedulingJobRecord): Promise<string | null> {
  const { deps } = scheduler;
  try {
    return await deliverJob(scheduler, job);
  } catch (error) {
    const text = errorText(error);
    deps.logger.error('Scheduling delivery failed', { method: job.method, recipient: job.recipient, uid: job.uid, error: text });
    const delay = RETRY_DELAYS_MS[job.attempts];
    try {
      if (delay !== undefined) {
        await deps.store.schedulingJobs.markRetry(job.id, deps.now() + delay, text);
        return null;
      }
      await deps.store.schedulingJobs.commit({ complete: { id: job.id, status: STATUS.tempFailure } }, deps.now());
      return STATUS.tempFailure;
    } catch {
      return null; // the lease runs out and a later run takes the job again
    }
  }
}

/**
 * After a REPLY merged into a local organizer's copy (`delivery.organizerCopy`): the organizer's
 * current state for the other attendees, as refresh jobs to commit with the reply's own writes.
 * Empty for any other delivery.
 */
export async function refreshJobs(scheduler: Scheduler, organizer: UserRecord, delivery: LocalDelivery, replier: string, now: number): Promise<NewSchedulingJob[]> {
  const { deps, transport } = scheduler;
  const calendar = delivery.organizerCopy;
  if (!calendar) return [];
  const self = addressSet(organizer, deps.config);
  const role = classify(calendar, self);
  if (role.kind !== 'organizer') return [];
  const lastEnd = delivery.writes.find((put) => put.write.index)?.write.index?.lastEnd ?? null;
  const window = historyWindow(now, deps.config.caldav_historical_age_seconds, lastEnd);
  // A poll's other voters get the ballots as POLLSTATUS (Cyrus sched_pollstatus), not the whole poll again.
  const updates = pollOf(calendar) ? pollStatusMessages(calendar, role.organizer, self, replier, now, PRODID) : organizerMessages({
    previous: null,
    next: calendar,
    organizer: role.organizer,
    self,
    previousHistory: window,
    nextHistory: window,
    nowMs: now,
    prodid: PRODID,
  }).filter((m) => m.method === 'REQUEST' && normalizeAddress(m.recipient) !== normalizeAddress(replier));
  const chosen: ItipMessage[] = [];
  for (const update of updates) {
    if (transport?.updatesCalendar?.(update.recipient) || (await findLocalUser(deps.store, deps.config, update.recipient))) chosen.push(update);
  }
  return jobsFor(chosen, { groupId: crypto.randomUUID(), sender: organizer, allowed: true, statusTarget: null, refresh: true, now });
}

/** Delivers committed refresh jobs; the reply itself is delivered, so a failed refresh is only logged (a later run retries it). */
export async function deliverRefreshes(scheduler: Scheduler, refreshes: readonly NewSchedulingJob[], uid: string): Promise<void> {
  if (!refreshes[0]) return;
  await deliverGroup(scheduler, refreshes[0].groupId).catch((error: unknown) =>
    scheduler.deps.logger.error('Refreshing attendees after a reply failed', { uid, error: String(error) }),
  );
}

// --- Internal helpers ---

async function deliverJob(scheduler: Scheduler, job: SchedulingJobRecord): Promise<string | null> {
  const { deps } = scheduler;
  const jobs = deps.store.schedulingJobs;
  const message = messageOf(job);
  for (let round = 0; round < CONFLICT_ROUNDS; round++) {
    const now = deps.now();
    try {
      const sender = await deps.store.users.get(job.sender);
      if (!sender) {
        await jobs.commit({ complete: { id: job.id, status: STATUS.noAuthority } }, now);
        return STATUS.noAuthority;
      }
      const recipient = await findLocalUser(deps.store, deps.config, message.recipient);
      if (!recipient) return await deliverRemotely(scheduler, job, message, sender, now);
      const plan = await planLocalDelivery(deps, sender, recipient, message, { refresh: job.refresh });
      const refreshes = await refreshJobs(scheduler, recipient, plan, message.originator, now);
      await deps.store.resources.putAll(plan.writes, { complete: { id: job.id, status: plan.status }, enqueue: refreshes }, now);
      await deliverRefreshes(scheduler, refreshes, message.uid);
      return plan.status;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      // Another run delivered it meanwhile, or the recipient's copy changed under the plan.
      const current = await jobs.get(job.id);
      if (!current || current.state !== 'pending') return current?.status ?? null;
    }
  }
  throw new Error('The recipient\'s copy kept changing during delivery');
}

async function deliverRemotely(scheduler: Scheduler, job: SchedulingJobRecord, message: ItipMessage, sender: UserRecord, now: number): Promise<string> {
  const { deps } = scheduler;
  const outbox = { ...deps, transport: scheduler.transport };
  if (!imipDeliverable(outbox, message)) {
    await deps.store.schedulingJobs.commit({ complete: { id: job.id, status: STATUS.invalidUser } }, now);
    return STATUS.invalidUser;
  }
  // Queued and completed together as "not sent yet"; the outbox records the final status itself.
  const pending = pendingStatus(outbox, message.recipient);
  const status = await sendImip(outbox, message, sender, now, { complete: { id: job.id, status: pending } });
  if (status !== pending) await deps.store.schedulingJobs.setStatus(job.id, status);
  return status;
}

function messageOf(job: SchedulingJobRecord): ItipMessage {
  return { method: job.method as ItipMethod, uid: job.uid, originator: job.originator, recipient: job.recipient, calendar: parseCalendar(job.itip) };
}
