// SCHEDULE-STATUS written back into the copy that caused the messages (RFC 6638 §3.2.9, §7.3):
// on each ATTENDEE of an organizer's object, on the ORGANIZER of an attendee's.
import type { AppDeps } from '../dav/context.ts';
import type { WriteEvent } from '../dav/content.ts';
import { strongEtag } from '../dav/content.ts';
import { PreconditionFailedError, storedIndexOf } from '../storage/index.ts';
import { setScheduleStatus } from './itip/merge.ts';
import { parseCalendar } from './itip/model.ts';

/** Returns whether the stored copy was rewritten. The Schedule-Tag stays: this is server bookkeeping. */
export async function recordStatuses(
  deps: AppDeps,
  event: WriteEvent,
  property: 'attendee' | 'organizer',
  statuses: ReadonlyMap<string, string>,
): Promise<boolean> {
  if (statuses.size === 0 || typeof event.data !== 'string') return false;
  const calendar = parseCalendar(event.data);
  let changed = false;
  for (const [address, status] of statuses) changed = setScheduleStatus(calendar, property, address, status) || changed;
  if (!changed) return false;
  const data = calendar.toString();
  const stored = event.stored;
  try {
    await deps.store.resources.put(
      event.collection,
      event.name,
      {
        contentType: stored.contentType,
        data,
        etag: await strongEtag(data),
        size: new TextEncoder().encode(data).byteLength,
        // Only SCHEDULE-STATUS changes: the object occupies the same time as before.
        index: storedIndexOf(stored),
        scheduleTag: stored.scheduleTag,
      },
      { etag: stored.etag },
      deps.now(),
    );
  } catch (error) {
    // Someone wrote the object meanwhile; their version stands and the statuses are simply lost.
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
  return true;
}
