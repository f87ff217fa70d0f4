// Routing of iTIP messages (RFC 6638 §3.2.9): local recipients are delivered to directly, anyone
// else by iMIP; each recipient's outcome becomes a SCHEDULE-STATUS code. After a reply reaches an
// organizer here, the other local attendees are brought up to date (Cyrus: the server-side refresh).
import type { AppDeps } from '../dav/context.ts';
import type { UserRecord } from '../storage/index.ts';
import { findLocalUser, addressSet } from './addresses.ts';
import { findCopy, readCalendar } from './copies.ts';
import { historyWindow } from './itip/historical.ts';
import { classify } from './itip/classify.ts';
import type { ItipMessage } from './itip/model.ts';
import { organizerMessages } from './itip/organizer.ts';
import { sendImip } from './imip/queue.ts';
import type { MessageTransport } from './imip/transport.ts';
import { deliverLocally, STATUS } from './local.ts';

export interface Scheduler {
  deps: AppDeps;
  transport: MessageTransport | null;
}

export const PRODID = '-//Orrery//Orrery CalDAV Server//EN';

/** Delivers each message; returns recipient → SCHEDULE-STATUS (the last message to a recipient wins). */
export async function deliverAll(scheduler: Scheduler, sender: UserRecord, messages: readonly ItipMessage[], allowed: boolean): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const message of messages) {
    statuses.set(message.recipient, allowed ? await deliverOne(scheduler, sender, message) : STATUS.noAuthority);
  }
  return statuses;
}

async function deliverOne(scheduler: Scheduler, sender: UserRecord, message: ItipMessage): Promise<string> {
  const { deps } = scheduler;
  try {
    const recipient = await findLocalUser(deps.store, deps.config, message.recipient);
    if (!recipient) {
      return await sendImip({ ...deps, transport: scheduler.transport }, message, sender, deps.now());
    }
    const outcome = await deliverLocally(deps, sender, recipient, message);
    if (outcome.organizerCopy) {
      // The reply itself is delivered; a failed refresh of the others must not report otherwise.
      await refreshAttendees(scheduler, recipient, message.uid, message.originator).catch((error: unknown) =>
        deps.logger.error('Refreshing attendees after a reply failed', { uid: message.uid, error: String(error) }),
      );
    }
    return outcome.status;
  } catch (error) {
    deps.logger.error('Scheduling delivery failed', {
      method: message.method,
      recipient: message.recipient,
      error: error instanceof Error ? error.stack ?? error.message : String(error),
    });
    return STATUS.tempFailure;
  }
}

/** Sends the organizer's current state to the local attendees other than the one who replied. */
async function refreshAttendees(scheduler: Scheduler, organizer: UserRecord, uid: string, replier: string): Promise<void> {
  const { deps } = scheduler;
  const copy = await findCopy(deps.store, organizer.name, uid);
  if (!copy) return;
  const calendar = readCalendar(copy.record.data);
  const self = addressSet(organizer, deps.config);
  const role = classify(calendar, self);
  if (role.kind !== 'organizer') return;
  const now = deps.now();
  const window = historyWindow(now, deps.config.caldav_historical_age_seconds, copy.record.lastEnd);
  const updates = organizerMessages({
    previous: null,
    next: calendar,
    organizer: role.organizer,
    self,
    previousHistory: window,
    nextHistory: window,
    nowMs: now,
    prodid: PRODID,
  }).filter((m) => m.method === 'REQUEST' && m.recipient !== replier);
  for (const update of updates) {
    const attendee = await findLocalUser(deps.store, deps.config, update.recipient);
    if (attendee) await deliverLocally(deps, organizer, attendee, update, { refresh: true });
  }
}
