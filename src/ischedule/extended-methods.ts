// The iTIP methods beyond REQUEST, REPLY and CANCEL that a peer may send (RFC 5546 §3.2.4 ADD,
// §3.2.6 REFRESH, §3.2.7 COUNTER, §3.2.8 DECLINECOUNTER), received under the same trust rule as
// the others (scheduling/itip/authority.ts): ADD and DECLINECOUNTER only from the ORGANIZER of the
// recipient's copy, REFRESH and COUNTER only from one of its attendees.
// - ADD puts the new instances into the attendee's copy (RDATE plus an override per instance) and
//   the message into their Inbox; an attendee without a copy gets the message in the Inbox only,
//   where their client can ask for the whole event (RFC 5546 §3.2.4).
// - REFRESH is answered by the server, as a server-side scheduling agent does: the organizer's
//   current event goes back to the attendee as a REQUEST through the persisted outbound queue.
// - COUNTER and DECLINECOUNTER change no calendar: a proposal is the organizer's to accept (by
//   sending a new REQUEST) or decline, so the message lands in the Inbox for their client.
import { rightsOfUser } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { plannedCollections } from '../caldav/provisioning.ts';
import type { AppDeps } from '../dav/context.ts';
import { calendarHomePath } from '../dav/urls.ts';
import { ICAL } from '../ical/parse.ts';
import { resolveProperty, zoneContext } from '../ical/zones.ts';
import { addressSet, findLocalUser } from '../scheduling/addresses.ts';
import { copyPut, findCopy, newScheduleTag, readCalendar } from '../scheduling/copies.ts';
import { deliverGroup, jobsFor, PRODID, type Scheduler } from '../scheduling/deliver.ts';
import { historyWindow } from '../scheduling/itip/historical.ts';
import { checkAuthority } from '../scheduling/itip/authority.ts';
import { classify, type SchedulingRole } from '../scheduling/itip/classify.ts';
import { cloneComponent, instanceKey, normalizeAddress, schedulingComponents, type ItipMessage } from '../scheduling/itip/model.ts';
import { organizerMessages } from '../scheduling/itip/organizer.ts';
import { pollOf } from '../scheduling/itip/vpoll.ts';
import { inboxItem, sameCalendarUser, STATUS } from '../scheduling/local.ts';
import { PreconditionFailedError, type ResourcePut, type UserRecord } from '../storage/index.ts';

export type ExtendedMethod = 'ADD' | 'REFRESH' | 'COUNTER' | 'DECLINECOUNTER';

export interface ExtendedMessage extends Omit<ItipMessage, 'method'> {
  method: ExtendedMethod;
}

const EXTENDED: ReadonlySet<string> = new Set<ExtendedMethod>(['ADD', 'REFRESH', 'COUNTER', 'DECLINECOUNTER']);
/** Methods an attendee sends to the organizer; the others come from the organizer. */
const FROM_ATTENDEE: ReadonlySet<ExtendedMethod> = new Set(['REFRESH', 'COUNTER']);
const DELIVERY_ROUNDS = 3;

export function isExtendedMethod(method: string): method is ExtendedMethod {
  return EXTENDED.has(method);
}

/** Delivers one message to a local recipient; returns the request-status code (as planLocalDelivery's). */
export async function deliverExtended(scheduler: Scheduler, domain: string, message: ExtendedMessage): Promise<string> {
  const { deps } = scheduler;
  const recipient = await findLocalUser(deps.store, deps.config, message.recipient);
  if (!recipient) return STATUS.invalidUser;
  for (let round = 0; round < DELIVERY_ROUNDS; round++) {
    const checked = await check(deps, domain, message, recipient);
    if ('status' in checked) return checked.status;
    const now = deps.now();
    try {
      if (message.method === 'REFRESH') return await answerRefresh(scheduler, message, recipient, checked);
      const writes: ResourcePut[] = [];
      const copy = checked.copy;
      if (message.method === 'ADD' && copy) {
        const merged = mergedOrNull(() => addInstances(copy.calendar, message.calendar));
        if (!merged) return STATUS.rejected;
        writes.push(await copyPut(deps.config, {
          collection: copy.collection,
          name: copy.name,
          calendar: merged,
          expect: { etag: copy.etag },
          scheduleTag: newScheduleTag(),
        }, now));
      }
      writes.push(await inboxItem(checked.inbox, message));
      await deps.store.resources.putAll(writes, {}, now);
      deps.logger.info('iSchedule message delivered', { method: message.method, uid: message.uid, originator: message.originator, recipient: message.recipient });
      return STATUS.delivered;
    } catch (error) {
      // The recipient's copy changed while the delivery was planned: plan it again.
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  return STATUS.tempFailure;
}

// --- Internal helpers ---

interface Checked {
  inbox: Parameters<typeof inboxItem>[0];
  role: SchedulingRole;
  copy: { calendar: ICAL.Component; collection: ResourcePut['collection']; name: string; etag: string } | null;
}

/** The checks local delivery makes (Inbox right, trust, the recipient's part in the event), or the refusal's status. */
async function check(deps: AppDeps, domain: string, message: ExtendedMessage, recipient: UserRecord): Promise<Checked | { status: string }> {
  const home = calendarHomePath(recipient.name);
  let inbox = await deps.store.collections.get(`${home}Inbox/`);
  if (!inbox) {
    await deps.store.collections.ensure(plannedCollections(deps, recipient.name), deps.now());
    inbox = await deps.store.collections.get(`${home}Inbox/`);
  }
  if (!inbox) return { status: STATUS.noScheduling };
  const fromAttendee = FROM_ATTENDEE.has(message.method);
  const rights = rightsOfUser(inbox, { name: domain, isAdmin: false }, deps.config);
  if (!isOperationAllowed(fromAttendee ? 'schedule-deliver-reply' : 'schedule-deliver-invite', 'schedule-inbox', rights)) return { status: STATUS.noAuthority };

  const existing = await findCopy(deps.store, recipient.name, message.uid);
  const current = existing ? readCalendar(existing.record.data) : null;
  // An attendee's message is checked as a REPLY is (they must be listed in the organizer's copy),
  // the organizer's as a REQUEST (they must be the ORGANIZER of the copy the recipient holds).
  const refusal = await checkAuthority({ stored: current, message: { ...message, method: fromAttendee ? 'REPLY' : 'REQUEST' }, sameUser: sameCalendarUser(deps) });
  if (refusal) {
    deps.logger.info('Scheduling message refused', { method: message.method, uid: message.uid, sender: domain, recipient: recipient.name, reason: refusal.message });
    return { status: refusal.reason === 'organizer-mismatch' ? STATUS.rejected : STATUS.noAuthority };
  }
  let role: SchedulingRole;
  try {
    role = classify(current, addressSet(recipient, deps.config));
  } catch {
    return { status: STATUS.rejected };
  }
  // Polls have their own exchange (POLLSTATUS); these methods are for events and to-dos.
  if (current && pollOf(current)) return { status: STATUS.rejected };
  if (fromAttendee ? role.kind !== 'organizer' : current !== null && role.kind !== 'attendee') return { status: STATUS.rejected };
  const copy = existing && current ? { calendar: current, collection: existing.collection, name: existing.record.name, etag: existing.record.etag } : null;
  return { inbox, role, copy };
}

/**
 * REFRESH: the organizer's copy as it is now, for the attendee who asked, queued like any message
 * to them (so it is retried, and its outcome is the attendee's SCHEDULE-STATUS).
 */
async function answerRefresh(scheduler: Scheduler, message: ExtendedMessage, organizer: UserRecord, checked: Checked): Promise<string> {
  const { deps } = scheduler;
  if (!checked.copy || checked.role.kind !== 'organizer') return STATUS.rejected;
  const now = deps.now();
  const window = historyWindow(now, deps.config.caldav_historical_age_seconds, null);
  const requester = normalizeAddress(message.originator);
  const update = organizerMessages({
    previous: null,
    next: checked.copy.calendar,
    organizer: checked.role.organizer,
    self: addressSet(organizer, deps.config),
    previousHistory: window,
    nextHistory: window,
    nowMs: now,
    prodid: PRODID,
  }).filter((m) => m.method === 'REQUEST' && normalizeAddress(m.recipient) === requester);
  // An attendee whose instances are all over, or whom the organizer does not schedule, gets nothing.
  if (update.length === 0) return STATUS.noAuthority;
  const jobs = jobsFor(update, { groupId: crypto.randomUUID(), sender: organizer, allowed: true, statusTarget: null, now });
  await deps.store.resources.putAll([], { enqueue: jobs }, now);
  deps.logger.info('iSchedule REFRESH answered', { uid: message.uid, attendee: message.originator });
  await deliverGroup(scheduler, jobs[0]!.groupId).catch((error: unknown) =>
    deps.logger.error('Answering a REFRESH failed; the queue retries it', { uid: message.uid, error: String(error) }),
  );
  return STATUS.delivered;
}

/**
 * The attendee's copy with the ADD's instances in it: each becomes an RDATE of the master and an
 * override with that RECURRENCE-ID, as the organizer's own copy would express it. null when the
 * copy has no master to add to or an instance has no start.
 */
function addInstances(copy: ICAL.Component, message: ICAL.Component): ICAL.Component | null {
  const merged = cloneComponent(copy);
  const master = schedulingComponents(merged).find((component) => !component.hasProperty('recurrence-id'));
  if (!master) return null;
  for (const timezone of message.getAllSubcomponents('vtimezone')) {
    const tzid = String(timezone.getFirstPropertyValue('tzid') ?? '');
    if (!merged.getAllSubcomponents('vtimezone').some((known) => String(known.getFirstPropertyValue('tzid')) === tzid)) merged.addSubcomponent(cloneComponent(timezone));
  }
  const zones = zoneContext(merged);
  for (const added of schedulingComponents(message)) {
    const instance = cloneComponent(added);
    let rid = instance.getFirstProperty('recurrence-id');
    if (!rid) {
      const start = instance.getFirstProperty('dtstart');
      if (!start) return null;
      rid = timeProperty('recurrence-id', instance, start);
      instance.addProperty(rid);
    }
    if (!resolveProperty(instance, 'recurrence-id', zones)) return null;
    const key = instanceKey(instance, merged);
    const known = schedulingComponents(merged).find((component) => component !== master && instanceKey(component, merged) === key);
    if (known) merged.removeSubcomponent(known);
    else {
      master.addProperty(timeProperty('rdate', master, rid));
    }
    merged.addSubcomponent(instance);
  }
  return merged;
}

/** A merge that fails on data the checks let through (an odd value ical.js rejects) refuses the message, never a 500. */
function mergedOrNull(merge: () => ICAL.Component | null): ICAL.Component | null {
  try {
    return merge();
  } catch {
    return null;
  }
}

/** A date or date-time property with the value and TZID of another. */
function timeProperty(name: string, parent: ICAL.Component, source: ICAL.Property): ICAL.Property {
  const value = source.getFirstValue() as ICAL.Time;
  const property = new ICAL.Property(name, parent);
  if (value.isDate) property.resetType('date');
  property.setValue(value.clone());
  const tzid = source.getParameter('tzid');
  if (typeof tzid === 'string') property.setParameter('tzid', tzid);
  return property;
}
