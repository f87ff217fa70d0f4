// Recipient side of iTIP (RFC 5546 §3.2.2–3.2.5, RFC 6638 §4): what a REQUEST, CANCEL or REPLY
// does to the recipient's stored copy. Pure: old copy and message in, new copy out.
import { ICAL } from '../../ical/parse.ts';
import { sameSchedule } from './classify.ts';
import { isPersonalProperty } from './clean.ts';
import { tzidOf } from '../../ical/zones.ts';
import { deriveOverride } from '../../ical/override.ts';
import {
  MASTER, addTimeProperty, cloneComponent, componentsByKey, exdates, findAttendee, forceSend, instanceKey, normalizeAddress, statusOf, partstat, propertyAddress, schedulingComponents, startKey, type TimeValue,
} from './model.ts';
import { applyPollReply, pollOf, preserveBallots, voterProperties } from './vpoll.ts';

export interface RequestOptions {
  /** The recipient's address (whose participation status decides Apple-mode transparency). */
  recipient: string;
  /** caldav_allowscheduling=apple: invitations not yet answered do not block time (CalendarServer emulation). */
  apple: boolean;
}

/**
 * The attendee's new copy after a REQUEST: the organizer's components, with the attendee's own
 * alarms and personal properties carried over per instance. Returns null for a stale message
 * (lower SEQUENCE than what is stored, RFC 5546 §2.1.5).
 */
export function applyRequest(existing: ICAL.Component | null, message: ICAL.Component, options: RequestOptions): ICAL.Component | null {
  const incoming = componentsByKey(message);
  const stored = componentsByKey(existing);
  // A REQUEST without the master, for a copy whose series stands, updates the instances it carries
  // and leaves the rest of the copy as it is (RFC 5546 §3.2.2: an organizer may send just the
  // instances that changed). A copy without a master, or whose series was cancelled (the attendee
  // was taken off it), takes the message whole.
  const storedSeries = stored.get(MASTER);
  const instancesOnly = existing !== null && storedSeries !== undefined && statusOf(storedSeries) !== 'CANCELLED' && !incoming.has(MASTER);
  const master = incoming.get(MASTER) ?? [...incoming.values()][0];
  const storedMaster = (instancesOnly && master ? stored.get(instanceKey(master, message)) : undefined) ?? stored.get(MASTER) ?? [...stored.values()][0];
  if (master && storedMaster && sequenceOf(master) < sequenceOf(storedMaster)) return null;
  const result = instancesOnly ? withoutInstances(existing, message, incoming) : storedCalendar(message);
  for (const [key, component] of incoming) {
    const copy = cloneComponent(component);
    const mine = stored.get(key) ?? stored.get(MASTER);
    if (mine) {
      for (const alarm of mine.getAllSubcomponents('valarm')) copy.addSubcomponent(cloneComponent(alarm));
      for (const property of mine.getAllProperties()) {
        if (isPersonalProperty(property.name)) copy.addProperty(ICAL.Property.fromString(property.toICALString()));
      }
      keepReplyStatus(mine, copy);
    }
    setTransparency(copy, mine ?? null, options);
    result.addSubcomponent(copy);
  }
  if (existing && incoming.has(MASTER)) keepPersonalOverrides(existing, result, options);
  if (existing) keepOwnExclusions(existing, result, options.recipient);
  else leaveOutDeclined(result, options.recipient);
  return result;
}

/**
 * An override the attendee made only for data of their own (an alarm on one instance) is not in
 * the organizer's message. While the series keeps its times, it is cut again from the new master
 * with that data, so an update of the event does not take the attendee's alarm away; an instance
 * the update excludes loses it.
 */
function keepPersonalOverrides(existing: ICAL.Component, result: ICAL.Component, options: RequestOptions): void {
  const stored = componentsByKey(existing);
  const current = componentsByKey(result);
  const master = current.get(MASTER);
  const storedMaster = stored.get(MASTER);
  if (!master || !storedMaster || !sameSchedule(storedMaster, existing, master, result)) return;
  const excluded = exdates(master, result);
  for (const [key, mine] of stored) {
    if (key === MASTER || current.has(key) || excluded.has(key)) continue;
    const personal = mine.getAllProperties().filter((property) => isPersonalProperty(property.name));
    const alarms = mine.getAllSubcomponents('valarm');
    const rid = mine.getFirstProperty('recurrence-id');
    if ((alarms.length === 0 && personal.length === 0) || !rid) continue;
    const copy = deriveOverride(master, { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
    // The instance's own alarms replace the series' ones, as they did in the stored override.
    for (const alarm of copy.getAllSubcomponents('valarm')) copy.removeSubcomponent(alarm);
    for (const alarm of alarms) copy.addSubcomponent(cloneComponent(alarm));
    for (const property of personal) copy.addProperty(ICAL.Property.fromString(property.toICALString()));
    keepReplyStatus(mine, copy);
    setTransparency(copy, mine, options);
    result.addSubcomponent(copy);
  }
}

/**
 * A new copy for an attendee who has no copy (they deleted theirs) leaves out the overridden
 * instances they declined: only what the organizer asks them about again comes back. The master
 * excludes such an instance with EXDATE. A copy the attendee declined altogether is not made at
 * all (local delivery decides that).
 */
function leaveOutDeclined(result: ICAL.Component, recipient: string): void {
  const current = componentsByKey(result);
  const master = current.get(MASTER);
  if (master && partstat(findAttendee(master, recipient)) === 'DECLINED') return;
  const declined = [...current].filter(([key, instance]) => key !== MASTER && partstat(findAttendee(instance, recipient)) === 'DECLINED');
  if (declined.length === 0 || declined.length === current.size) return;
  for (const [, instance] of declined) {
    result.removeSubcomponent(instance);
    const rid = instance.getFirstProperty('recurrence-id');
    if (master && rid) addTimeProperty(master, 'exdate', { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
  }
}

/**
 * An instance the attendee excluded from their copy (EXDATE, RFC 6638 §3.2.2.3), and which the
 * organizer's data shows them as having declined, stays excluded when an update brings it back as
 * a declined override: the attendee chose not to see it (CalendarServer hides it likewise). So
 * does a declined instance the attendee left out of a copy that has no master. Once the organizer
 * asks again (PARTSTAT no longer DECLINED, e.g. the instance was moved), it returns.
 */
function keepOwnExclusions(existing: ICAL.Component, result: ICAL.Component, recipient: string): void {
  const stored = componentsByKey(existing);
  const storedMaster = stored.get(MASTER);
  const current = componentsByKey(result);
  const master = current.get(MASTER);
  if (!storedMaster && !master) {
    // A copy of some instances only: one the attendee declined and then left out of the copy.
    const dropped = [...current].filter(([key, instance]) => !stored.has(key) && partstat(findAttendee(instance, recipient)) === 'DECLINED');
    if (dropped.length < current.size) for (const [, instance] of dropped) result.removeSubcomponent(instance);
    return;
  }
  if (!storedMaster || !master) return;
  const already = exdates(master, result);
  for (const [key, value] of exdates(storedMaster, existing)) {
    if (already.has(key)) continue;
    const instance = current.get(key);
    if (!instance || partstat(findAttendee(instance, recipient)) !== 'DECLINED') continue;
    result.removeSubcomponent(instance);
    addTimeProperty(master, 'exdate', value);
  }
}

/**
 * The attendee's copy after a CANCEL: the whole event, or the named instances, marked
 * STATUS:CANCELLED; an instance without an override of its own is excluded from the master.
 */
export function applyCancel(existing: ICAL.Component, message: ICAL.Component): ICAL.Component {
  const result = cloneComponent(existing);
  const stored = componentsByKey(result);
  const cancelled = componentsByKey(message);
  if (cancelled.has(MASTER)) {
    const sequence = sequenceOf(cancelled.get(MASTER)!);
    for (const component of stored.values()) {
      component.updatePropertyWithValue('status', 'CANCELLED');
      if (sequence > sequenceOf(component)) component.updatePropertyWithValue('sequence', sequence);
    }
    return result;
  }
  const master = stored.get(MASTER);
  // The organizer's update that excluded the instance may have reached the copy first.
  const excluded = master ? exdates(master, result) : new Map<string, TimeValue>();
  for (const [key, component] of cancelled) {
    const override = stored.get(key);
    if (override) {
      override.updatePropertyWithValue('status', 'CANCELLED');
    } else if (master && !excluded.has(key)) {
      const rid = component.getFirstProperty('recurrence-id');
      if (rid) addTimeProperty(master, 'exdate', { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
    }
  }
  return result;
}

/**
 * The organizer's copy after a REPLY: the replying attendee's PARTSTAT per instance, with
 * SCHEDULE-STATUS 2.0 (RFC 6638 §7.3). An instance replied to that has no override yet gets one
 * cut from the master. Returns null when nothing in the copy names the replying attendee.
 */
export function applyReply(existing: ICAL.Component, message: ICAL.Component, replier: string): ICAL.Component | null {
  if (pollOf(existing)) return applyPollReply(existing, message, replier);
  const result = cloneComponent(existing);
  const stored = componentsByKey(result);
  let changed = false;
  for (const [key, component] of componentsByKey(message)) {
    const answer = findAttendee(component, replier);
    if (!answer) continue;
    let target = stored.get(key);
    if (!target && key !== MASTER) {
      const master = stored.get(MASTER);
      const rid = component.getFirstProperty('recurrence-id');
      if (!master || !findAttendee(master, replier) || !rid) continue;
      target = deriveOverride(master, { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
      result.addSubcomponent(target);
    }
    // Every ATTENDEE naming the replier: a client may have listed the same address twice.
    const wanted = normalizeAddress(replier);
    for (const attendee of target?.getAllProperties('attendee') ?? []) {
      if (propertyAddress(attendee) !== wanted) continue;
      attendee.setParameter('partstat', partstat(answer));
      attendee.removeParameter('rsvp');
      attendee.setParameter('schedule-status', '2.0');
      changed = true;
    }
  }
  return changed ? result : null;
}

/**
 * An organizer's write keeps the answers attendees gave (RFC 6638 §3.2.10: a reply is merged
 * without a new Schedule-Tag, so the organizer's client may not have seen it). Only instances
 * the write does not reschedule keep them; a rescheduled one takes what the organizer sent.
 * Returns whether `next` was changed.
 */
export function preserveAttendeeAnswers(previous: ICAL.Component, next: ICAL.Component): boolean {
  if (pollOf(next)) return preserveBallots(previous, next);
  const before = componentsByKey(previous);
  let changed = false;
  for (const [key, component] of componentsByKey(next)) {
    const old = before.get(key) ?? (key === MASTER ? undefined : before.get(MASTER));
    if (!old || !sameSchedule(old, previous, component, next)) continue;
    for (const attendee of component.getAllProperties('attendee')) {
      // SCHEDULE-FORCE-SEND=REQUEST with NEEDS-ACTION is a deliberate re-invitation (RFC 6638 §7.2).
      if (forceSend(attendee) === 'REQUEST') continue;
      const answered = findAttendee(old, String(attendee.getFirstValue()));
      if (!answered) continue;
      const differs = partstat(answered) !== partstat(attendee);
      if (differs && partstat(answered) === 'NEEDS-ACTION') continue;
      // The answer as the server holds it: PARTSTAT, whether one is still expected, and how the
      // last message to that attendee went (SCHEDULE-STATUS is the server's, RFC 6638 §7.3).
      const before = attendee.toICALString();
      if (differs) attendee.setParameter('partstat', partstat(answered));
      for (const name of ['rsvp', 'schedule-status']) {
        const value = answered.getParameter(name);
        if (typeof value === 'string') attendee.setParameter(name, value);
        else attendee.removeParameter(name);
      }
      if (attendee.toICALString() !== before) changed = true;
    }
  }
  return changed;
}

/**
 * An attendee's write that leaves out an overridden instance the stored copy has does not remove
 * it: the override is the organizer's data (RFC 6638 §3.2.2.1), and an attendee declines an
 * instance by excluding it (EXDATE) instead. The stored override goes back unchanged, with the
 * time zones it needs. Returns whether `next` was changed.
 */
export function keepDroppedOverrides(previous: ICAL.Component, next: ICAL.Component): boolean {
  const after = componentsByKey(next);
  const master = after.get(MASTER);
  if (!master) return false;
  const excluded = exdates(master, next);
  let changed = false;
  for (const [key, component] of componentsByKey(previous)) {
    if (key === MASTER || after.has(key) || excluded.has(key)) continue;
    addZonesFor(previous, component, next);
    next.addSubcomponent(cloneComponent(component));
    changed = true;
  }
  return changed;
}

/**
 * An attendee invited to some instances only has a copy made of overrides, without a master.
 * Some clients write such a copy back with an instance turned into a stand-alone event (no
 * RECURRENCE-ID, no RRULE): it is still that instance of the organizer's event, and stored as a
 * master beside the override it would be a second event with the same UID. The component whose
 * start matches a stored override's RECURRENCE-ID (or, failing that, its DTSTART) takes that
 * RECURRENCE-ID back, as CalendarServer does. Returns whether `next` was changed.
 */
export function restoreInstanceIdentity(previous: ICAL.Component, next: ICAL.Component): boolean {
  const before = componentsByKey(previous);
  if (before.size === 0 || before.has(MASTER)) return false;
  const after = componentsByKey(next);
  const standalone = after.get(MASTER);
  if (!standalone || standalone.hasProperty('rrule') || standalone.hasProperty('rdate')) return false;
  const start = startKey(standalone, next);
  if (start === null) return false;
  const instance = (before.has(start) && !after.has(start) ? before.get(start) : undefined)
    ?? [...before].find(([key, component]) => !after.has(key) && startKey(component, previous) === start)?.[1];
  const rid = instance?.getFirstProperty('recurrence-id');
  if (!rid) return false;
  standalone.addProperty(ICAL.Property.fromString(rid.toICALString()));
  addZonesFor(previous, standalone, next);
  return true;
}

/**
 * An attendee's write that leaves out the master component the stored copy has does not remove
 * the series: the master is the organizer's data, and some clients drop it when they write back
 * an answer to one instance. The stored master goes back unchanged (the attendee answers for the
 * series by changing its PARTSTAT, or leaves it by deleting the object), as CalendarServer
 * restores it. Returns whether `next` was changed.
 */
export function keepDroppedMaster(previous: ICAL.Component, next: ICAL.Component): boolean {
  const master = componentsByKey(previous).get(MASTER);
  const after = componentsByKey(next);
  if (!master || after.has(MASTER) || after.size === 0) return false;
  addZonesFor(previous, master, next);
  next.addSubcomponent(cloneComponent(master));
  return true;
}

/** Adds to `next` the VTIMEZONEs of `previous` that `component` uses and `next` lacks. */
function addZonesFor(previous: ICAL.Component, component: ICAL.Component, next: ICAL.Component): void {
  const zones = new Set(next.getAllSubcomponents('vtimezone').map((zone) => String(zone.getFirstPropertyValue('tzid'))));
  for (const zone of previous.getAllSubcomponents('vtimezone')) {
    const tzid = String(zone.getFirstPropertyValue('tzid'));
    if (zones.has(tzid) || !usesZone(component, tzid)) continue;
    next.addSubcomponent(cloneComponent(zone));
    zones.add(tzid);
  }
}

function usesZone(component: ICAL.Component, tzid: string): boolean {
  return component.getAllProperties().some((property) => property.getParameter('tzid') === tzid);
}

/**
 * An attendee's write cannot change what the other attendees answered (RFC 6638 §3.2.2.1): their
 * PARTSTAT and RSVP stay as the stored copy has them. The server refreshes those answers without
 * a new Schedule-Tag (§3.2.10), so the attendee's client may write over a version that predates
 * them. Returns whether `next` was changed.
 */
export function keepOtherAttendeesAnswers(previous: ICAL.Component, next: ICAL.Component, self: ReadonlySet<string>): boolean {
  const before = componentsByKey(previous);
  let changed = false;
  for (const [key, component] of componentsByKey(next)) {
    const old = before.get(key) ?? (key === MASTER ? undefined : before.get(MASTER));
    if (!old) continue;
    for (const attendee of component.getAllProperties('attendee')) {
      const address = propertyAddress(attendee);
      if (address === '' || self.has(address)) continue;
      const stored = findAttendee(old, address);
      if (!stored || partstat(stored) === partstat(attendee)) continue;
      attendee.setParameter('partstat', partstat(stored));
      const rsvp = stored.getParameter('rsvp');
      if (typeof rsvp === 'string') attendee.setParameter('rsvp', rsvp);
      else attendee.removeParameter('rsvp');
      changed = true;
    }
  }
  return changed;
}

/** Sets SCHEDULE-STATUS on the properties naming `address` (ATTENDEE for the organizer's copy, ORGANIZER for an attendee's). */
export function setScheduleStatus(vcalendar: ICAL.Component, propertyName: 'attendee' | 'organizer', address: string, status: string): boolean {
  let changed = false;
  for (const component of schedulingComponents(vcalendar)) {
    const voters = propertyName === 'attendee' ? voterProperties(component) : [];
    for (const property of [...component.getAllProperties(propertyName), ...voters]) {
      const value = property.getFirstValue();
      if (typeof value !== 'string' || value.trim().toLowerCase() !== address) continue;
      if (property.getParameter('schedule-status') === status) continue;
      property.setParameter('schedule-status', status);
      changed = true;
    }
  }
  return changed;
}

// --- Internal helpers ---

/**
 * The stored copy without the instances an instance-only REQUEST replaces, a replaced instance no
 * longer excluded from the master, and with the time zones the message brings.
 */
function withoutInstances(existing: ICAL.Component, message: ICAL.Component, incoming: Map<string, ICAL.Component>): ICAL.Component {
  const result = cloneComponent(existing);
  const current = componentsByKey(result);
  for (const key of incoming.keys()) {
    const replaced = current.get(key);
    if (replaced) result.removeSubcomponent(replaced);
  }
  const master = current.get(MASTER);
  if (master) {
    const excluded = exdates(master, result);
    const restored = [...incoming.keys()].filter((key) => excluded.has(key));
    if (restored.length > 0) {
      const kept = [...excluded].filter(([key]) => !restored.includes(key)).map(([, value]) => value);
      master.removeAllProperties('exdate');
      for (const value of kept) addTimeProperty(master, 'exdate', value);
    }
  }
  const zones = new Set(result.getAllSubcomponents('vtimezone').map((zone) => String(zone.getFirstPropertyValue('tzid'))));
  for (const zone of message.getAllSubcomponents('vtimezone')) {
    if (!zones.has(String(zone.getFirstPropertyValue('tzid')))) result.addSubcomponent(cloneComponent(zone));
  }
  return result;
}

function storedCalendar(message: ICAL.Component): ICAL.Component {
  const result = new ICAL.Component('vcalendar');
  for (const property of message.getAllProperties()) {
    if (property.name !== 'method') result.addProperty(ICAL.Property.fromString(property.toICALString()));
  }
  for (const zone of message.getAllSubcomponents('vtimezone')) result.addSubcomponent(cloneComponent(zone));
  return result;
}

/**
 * SCHEDULE-STATUS on the ORGANIZER of an attendee's copy says how the attendee's last reply was
 * delivered (RFC 6638 §7.3); the organizer's update does not change that, so it stays.
 */
function keepReplyStatus(mine: ICAL.Component, copy: ICAL.Component): void {
  const status = mine.getFirstProperty('organizer')?.getParameter('schedule-status');
  const organizer = copy.getFirstProperty('organizer');
  if (typeof status === 'string' && organizer && organizer.getParameter('schedule-status') === undefined) organizer.setParameter('schedule-status', status);
}

function sequenceOf(component: ICAL.Component): number {
  const value = Number(component.getFirstPropertyValue('sequence') ?? 0);
  return Number.isFinite(value) ? value : 0;
}

/** Apple mode: unanswered invitations are transparent; otherwise the attendee's own TRANSP stays. */
function setTransparency(copy: ICAL.Component, mine: ICAL.Component | null, options: RequestOptions): void {
  copy.removeAllProperties('transp');
  const status = partstat(findAttendee(copy, options.recipient));
  if (options.apple && copy.name === 'vevent' && status === 'NEEDS-ACTION') {
    copy.addPropertyWithValue('transp', 'TRANSPARENT');
    return;
  }
  const own = mine?.getFirstPropertyValue('transp');
  const ownWasOurs = options.apple && mine !== null && partstat(findAttendee(mine, options.recipient)) === 'NEEDS-ACTION';
  if (typeof own === 'string' && !(ownWasOurs && own.toUpperCase() === 'TRANSPARENT')) copy.addPropertyWithValue('transp', own);
}
