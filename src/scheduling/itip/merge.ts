// Recipient side of iTIP (RFC 5546 §3.2.2–3.2.5, RFC 6638 §4): what a REQUEST, CANCEL or REPLY
// does to the recipient's stored copy. Pure: old copy and message in, new copy out.
import { ICAL } from '../../ical/parse.ts';
import { sameSchedule } from './classify.ts';
import { isPersonalProperty } from './clean.ts';
import { tzidOf } from '../../ical/zones.ts';
import {
  MASTER, addTimeProperty, cloneComponent, componentsByKey, findAttendee, partstat, schedulingComponents, type TimeValue,
} from './model.ts';

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
  const master = incoming.get(MASTER) ?? [...incoming.values()][0];
  const storedMaster = stored.get(MASTER) ?? [...stored.values()][0];
  if (master && storedMaster && sequenceOf(master) < sequenceOf(storedMaster)) return null;
  const result = storedCalendar(message);
  for (const [key, component] of incoming) {
    const copy = cloneComponent(component);
    const mine = stored.get(key) ?? stored.get(MASTER);
    if (mine) {
      for (const alarm of mine.getAllSubcomponents('valarm')) copy.addSubcomponent(cloneComponent(alarm));
      for (const property of mine.getAllProperties()) {
        if (isPersonalProperty(property.name)) copy.addProperty(ICAL.Property.fromString(property.toICALString()));
      }
    }
    setTransparency(copy, mine ?? null, options);
    result.addSubcomponent(copy);
  }
  return result;
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
  for (const [key, component] of cancelled) {
    const override = stored.get(key);
    if (override) {
      override.updatePropertyWithValue('status', 'CANCELLED');
    } else if (master) {
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
      target = overrideFromMaster(master, { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
      result.addSubcomponent(target);
    }
    const attendee = target ? findAttendee(target, replier) : undefined;
    if (!attendee) continue;
    attendee.setParameter('partstat', partstat(answer));
    attendee.removeParameter('rsvp');
    attendee.setParameter('schedule-status', '2.0');
    changed = true;
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
  const before = componentsByKey(previous);
  let changed = false;
  for (const [key, component] of componentsByKey(next)) {
    const old = before.get(key) ?? (key === MASTER ? undefined : before.get(MASTER));
    if (!old || !sameSchedule(old, previous, component, next)) continue;
    for (const attendee of component.getAllProperties('attendee')) {
      const answered = findAttendee(old, String(attendee.getFirstValue()));
      if (!answered || partstat(answered) === partstat(attendee) || partstat(answered) === 'NEEDS-ACTION') continue;
      attendee.setParameter('partstat', partstat(answered));
      attendee.removeParameter('rsvp');
      changed = true;
    }
  }
  return changed;
}

/** Sets SCHEDULE-STATUS on the properties naming `address` (ATTENDEE for the organizer's copy, ORGANIZER for an attendee's). */
export function setScheduleStatus(vcalendar: ICAL.Component, propertyName: 'attendee' | 'organizer', address: string, status: string): boolean {
  let changed = false;
  for (const component of schedulingComponents(vcalendar)) {
    for (const property of component.getAllProperties(propertyName)) {
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

function storedCalendar(message: ICAL.Component): ICAL.Component {
  const result = new ICAL.Component('vcalendar');
  for (const property of message.getAllProperties()) {
    if (property.name !== 'method') result.addProperty(ICAL.Property.fromString(property.toICALString()));
  }
  for (const zone of message.getAllSubcomponents('vtimezone')) result.addSubcomponent(cloneComponent(zone));
  return result;
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

function overrideFromMaster(master: ICAL.Component, rid: TimeValue): ICAL.Component {
  const override = cloneComponent(master);
  for (const name of ['rrule', 'rdate', 'exdate', 'exrule', 'dtstart', 'dtend', 'due', 'recurrence-id']) override.removeAllProperties(name);
  for (const alarm of override.getAllSubcomponents('valarm')) override.removeSubcomponent(alarm);
  addTimeProperty(override, 'recurrence-id', rid);
  addTimeProperty(override, 'dtstart', rid);
  const start = master.getFirstPropertyValue('dtstart');
  const end = master.getFirstPropertyValue(master.name === 'vtodo' ? 'due' : 'dtend');
  if (start instanceof ICAL.Time && end instanceof ICAL.Time) {
    const finish = rid.time.clone();
    finish.addDuration(end.subtractDate(start));
    addTimeProperty(override, master.name === 'vtodo' ? 'due' : 'dtend', { time: finish, tzid: rid.tzid });
  }
  return override;
}
