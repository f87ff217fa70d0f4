// SCHEDULE-STATUS written back into the copy that caused the messages (RFC 6638 §3.2.9, §7.3):
// on each ATTENDEE of an organizer's object, on the ORGANIZER of an attendee's. Recorded per group
// of scheduling jobs (one write's messages), by the request or, after a crash, by a later run.
import type { AppDeps } from '../dav/context.ts';
import { strongEtag } from '../dav/content.ts';
import { PreconditionFailedError, storedIndexOf, type SchedulingEffects } from '../storage/index.ts';
import { setScheduleStatus } from './itip/merge.ts';
import { parseCalendar } from './itip/model.ts';
import { STATUS } from './local.ts';
import { utf8Length } from '../bytes/utf8.ts';

/** Rounds against concurrent writers of the copy before the statuses are left to a later run. */
const ROUNDS = 3;

/**
 * Writes the group's statuses (5.1 for messages still pending) into the copy, if it still holds
 * the version that sent them (same Schedule-Tag: later replies and statuses keep it). Once every
 * message is done the group is marked recorded in the same batch. Returns whether the copy was
 * rewritten. The Schedule-Tag stays: this is server bookkeeping.
 */
export async function recordGroupStatuses(deps: AppDeps, groupId: string): Promise<boolean> {
  const { store } = deps;
  for (let round = 0; round < ROUNDS; round++) {
    const jobs = await store.schedulingJobs.group(groupId);
    const target = jobs[0]?.statusTarget;
    if (!target || jobs[0]!.statusesRecorded) return false;
    const statuses = new Map<string, string>();
    for (const job of jobs) statuses.set(job.recipient, (job.state === 'done' ? job.status : null) ?? STATUS.tempFailure);
    const effects: SchedulingEffects = jobs.every((job) => job.state === 'done') ? { statusesRecordedFor: groupId } : {};
    const collection = await store.collections.get(target.path);
    const stored = collection ? await store.resources.get(collection.id, target.name) : undefined;
    let calendar = null;
    if (collection && stored && stored.scheduleTag === target.scheduleTag && typeof stored.data === 'string') {
      calendar = parseCalendar(stored.data);
      let changed = false;
      for (const [address, status] of statuses) changed = setScheduleStatus(calendar, target.property, address, status) || changed;
      if (!changed) calendar = null;
    }
    if (!calendar || !collection || !stored) {
      // Gone, replaced by a newer version (a new Schedule-Tag), or already up to date.
      if (effects.statusesRecordedFor) await store.schedulingJobs.commit(effects, deps.now());
      return false;
    }
    const data = calendar.toString();
    try {
      await store.resources.put(
        collection,
        target.name,
        {
          contentType: stored.contentType,
          data,
          etag: await strongEtag(data),
          size: utf8Length(data),
          // Only SCHEDULE-STATUS changes: the object occupies the same time as before.
          index: storedIndexOf(stored),
          scheduleTag: stored.scheduleTag,
          scheduling: effects,
        },
        { etag: stored.etag },
        deps.now(),
      );
      return true;
    } catch (error) {
      // Someone wrote the object meanwhile: look at it again.
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  return false;
}
