// Organizer side of implicit scheduling (RFC 6638 §3.2.1, RFC 5546 §3.2.2, §3.2.5): compare what
// each attendee was invited to before and after a write, per instance, and derive the REQUESTs
// and CANCELs that bring every attendee's copy up to date.
import { ICAL } from '../../ical/parse.ts';
import { stripScheduleParameters, fingerprint, travellingCopy } from './clean.ts';
import { isHistorical, type HistoryWindow } from './historical.ts';
import {
  MASTER, addTimeProperty, attendeeAddresses, componentsByKey, exdates, findAttendee, forceSend, newMessageCalendar,
  pruneTimezones, scheduleAgent, startKey, statusOf, uidOf, utcStamp, type ItipMessage, type TimeValue,
} from './model.ts';
import { tzidOf } from '../../ical/zones.ts';
import { pollOf, pollOrganizerMessages } from './vpoll.ts';

export interface OrganizerChange {
  previous: ICAL.Component | null;
  /** null when the object was deleted. */
  next: ICAL.Component | null;
  organizer: string;
  /** The organizer's own addresses; an ATTENDEE naming the organizer is never sent anything. */
  self: ReadonlySet<string>;
  previousHistory: HistoryWindow;
  nextHistory: HistoryWindow;
  nowMs: number;
  prodid: string;
}

/** What one attendee takes part in: components by instance key, and the master's effective exclusions. */
interface AttendeeView {
  components: Map<string, ICAL.Component>;
  /** Instances of the master the attendee does not get: EXDATEs, and overrides that leave them out. */
  exclusions: Map<string, TimeValue>;
}

export function organizerMessages(change: OrganizerChange): ItipMessage[] {
  if (pollOf(change.next ?? change.previous)) return pollOrganizerMessages(change);
  const { previous, next } = change;
  const recipients = new Set([...scheduledAttendees(previous), ...scheduledAttendees(next)]);
  recipients.delete(change.organizer);
  for (const own of change.self) recipients.delete(own);
  const messages: ItipMessage[] = [];
  // New EXDATEs on the master change the series itself (RFC 6638 §3.2.8 counts EXDATE with
  // DTSTART and RRULE): the attendee gets the updated master as well as the CANCEL for the
  // instances, as Cyrus and CalendarServer send it.
  const excludedMore = previous !== null && next !== null && newExdates(previous, next);
  for (const attendee of [...recipients].sort()) {
    const before = previous ? viewFor(previous, attendee) : emptyView();
    const after = next ? viewFor(next, attendee) : emptyView();
    const live = (calendar: ICAL.Component, window: HistoryWindow) => ([key, component]: [string, ICAL.Component | null]) =>
      !isHistorical(calendar, component, key, window);

    if (after.components.size === 0) {
      if (before.components.size === 0) continue;
      const lost: [string, ICAL.Component][] = before.components.has(MASTER) ? [[MASTER, before.components.get(MASTER)!]] : [...before.components];
      let toCancel = lost.filter(live(previous!, change.previousHistory));
      // The event is gone: one CANCEL of the whole event (no RECURRENCE-ID, RFC 5546 §3.2.5), also
      // for an attendee who had only some instances of it, as CalendarServer sends it.
      if (next === null) toCancel = toCancel.slice(0, 1);
      if (toCancel.length > 0) messages.push(cancel(change, previous!, attendee, toCancel.map(([key, c]) => ({ key, source: c, rid: null })), next === null));
      continue;
    }

    const lostMaster = before.components.has(MASTER) && !after.components.has(MASTER);
    const restored = [...before.exclusions.keys()].some((key) => !after.exclusions.has(key));
    const changed: string[] = [];
    const cancelled = new Map<string, CancelledInstance>();
    for (const [key, component] of after.components) {
      const old = before.components.get(key);
      if (statusOf(component) === 'CANCELLED') {
        // Only an instance the attendee had is cancelled; one they never had (an invitation that
        // comes with cancelled instances) simply travels in the REQUEST as it is.
        const hadInstance = old !== undefined || (before.components.has(MASTER) && !before.exclusions.has(key));
        if (hadInstance && (!old || statusOf(old) !== 'CANCELLED') && live(next!, change.nextHistory)([key, component])) {
          cancelled.set(key, { key, source: component, rid: null });
          // A CANCEL carries nothing but the cancellation: what else the organizer changed in
          // the same write reaches the attendee's copy as a REQUEST beside it.
          if (old && changedBesidesStatus(old, component)) changed.push(key);
        }
        continue;
      }
      const forced = forceSend(findAttendee(component, attendee)) === 'REQUEST';
      const differs = lostMaster || !old || fingerprint(old) !== fingerprint(component) || (key === MASTER && (restored || excludedMore));
      if ((differs || forced) && live(next!, change.nextHistory)([key, component])) changed.push(key);
    }
    if (before.components.has(MASTER) && after.components.has(MASTER)) {
      // A series moved to another start has instances the attendee never had: the REQUEST with the
      // new master (and its exclusions) replaces their view, and there is nothing to cancel.
      const moved = startKey(before.components.get(MASTER)!, previous!) !== startKey(after.components.get(MASTER)!, next!);
      for (const [key, rid] of after.exclusions) {
        if (before.exclusions.has(key) || cancelled.has(key)) continue;
        if (moved && !before.components.has(key)) continue;
        const source = before.components.get(key) ?? after.components.get(MASTER)!;
        if (!isHistorical(next!, null, key, change.nextHistory)) cancelled.set(key, { key, source, rid });
      }
    }
    for (const [key, component] of before.components) {
      if (key === MASTER || after.components.has(key) || cancelled.has(key) || after.exclusions.has(key)) continue;
      // The CANCEL of the lost master below takes its overrides with it.
      if (lostMaster) continue;
      if (!live(previous!, change.previousHistory)([key, component])) continue;
      // An override that is gone puts the instance back on the master, which is news if the attendee has it.
      if (after.components.has(MASTER)) {
        if (!changed.includes(MASTER)) changed.push(MASTER);
      } else {
        cancelled.set(key, { key, source: component, rid: null });
      }
    }

    if (lostMaster && !isHistorical(previous!, null, MASTER, change.previousHistory)) {
      messages.push(cancel(change, previous!, attendee, [{ key: MASTER, source: before.components.get(MASTER)!, rid: null }], false));
    }
    if (changed.length > 0) messages.push(request(change, next!, attendee, after, changed));
    if (cancelled.size > 0) messages.push(cancel(change, next!, attendee, [...cancelled.values()], false));
  }
  return messages;
}

/** Attendees the server schedules for (SCHEDULE-AGENT=SERVER in at least one component). */
export function scheduledAttendees(vcalendar: ICAL.Component | null): Set<string> {
  const result = new Set<string>();
  for (const component of componentsByKey(vcalendar).values()) {
    for (const address of attendeeAddresses(component)) {
      if (scheduleAgent(findAttendee(component, address)) === 'SERVER') result.add(address);
    }
  }
  return result;
}

// --- Internal helpers ---

interface CancelledInstance {
  key: string;
  source: ICAL.Component;
  /** RECURRENCE-ID to use when the source is the master (an instance that has no override). */
  rid: TimeValue | null;
}

/**
 * Whether a component the organizer cancels changed in anything the attendee's copy shows besides
 * STATUS. Who takes part in a cancelled instance (and how ATTENDEE and ORGANIZER are written,
 * EMAIL parameters and the like) is moot once it is cancelled.
 */
function changedBesidesStatus(before: ICAL.Component, after: ICAL.Component): boolean {
  const withoutStatus = (component: ICAL.Component) => fingerprint(component).split('\n').filter((line) => !/^(STATUS|ATTENDEE|ORGANIZER)[;:]/i.test(line)).join('\n');
  return withoutStatus(before) !== withoutStatus(after);
}

/** Whether the master of `next` excludes an instance with EXDATE that the master of `previous` did not. */
function newExdates(previous: ICAL.Component, next: ICAL.Component): boolean {
  const before = componentsByKey(previous).get(MASTER);
  const after = componentsByKey(next).get(MASTER);
  if (!before || !after) return false;
  const old = exdates(before, previous);
  return [...exdates(after, next).keys()].some((key) => !old.has(key));
}

function emptyView(): AttendeeView {
  return { components: new Map(), exclusions: new Map() };
}

function viewFor(vcalendar: ICAL.Component, attendee: string): AttendeeView {
  const all = componentsByKey(vcalendar);
  const view = emptyView();
  const takesPart = (c: ICAL.Component) => scheduleAgent(findAttendee(c, attendee)) === 'SERVER' && findAttendee(c, attendee) !== undefined;
  for (const [key, component] of all) if (takesPart(component)) view.components.set(key, component);
  const master = all.get(MASTER);
  if (master && view.components.has(MASTER)) {
    view.exclusions = exdates(master, vcalendar);
    for (const [key, component] of all) {
      if (key === MASTER || findAttendee(component, attendee)) continue;
      const rid = component.getFirstProperty('recurrence-id')!;
      view.exclusions.set(key, { time: rid.getFirstValue() as ICAL.Time, tzid: tzidOf(rid) });
    }
  }
  return view;
}

/**
 * The REQUEST bringing one attendee's copy up to date: everything they take part in, or, when the
 * series itself did not change, only the instances that did (RFC 5546 §3.2.2, as Cyrus and
 * CalendarServer send it), which the recipient merges into the copy it has.
 */
function request(change: OrganizerChange, next: ICAL.Component, attendee: string, view: AttendeeView, changed: readonly string[]): ItipMessage {
  const calendar = newMessageCalendar('REQUEST', next, change.prodid);
  // Only when the attendee keeps the series: a copy without a master is always sent whole.
  const partial = view.components.has(MASTER) && !changed.includes(MASTER);
  const sent = partial ? [...view.components].filter(([key]) => changed.includes(key)) : [...view.components];
  const ordered = sent.sort(([a], [b]) => (a === MASTER ? -1 : b === MASTER ? 1 : a.localeCompare(b)));
  for (const [key, component] of ordered) {
    const copy = travellingCopy(component, 'REQUEST', change.nowMs);
    if (key === MASTER) {
      const own = exdates(component, next);
      for (const [excluded, rid] of view.exclusions) {
        if (!own.has(excluded)) addTimeProperty(copy, 'exdate', rid);
      }
    }
    calendar.addSubcomponent(copy);
  }
  pruneTimezones(calendar);
  return { method: 'REQUEST', uid: uidOf(next), originator: change.organizer, recipient: attendee, calendar };
}

function cancel(change: OrganizerChange, source: ICAL.Component, attendee: string, instances: CancelledInstance[], deleted: boolean): ItipMessage {
  const calendar = newMessageCalendar('CANCEL', source, change.prodid);
  for (const instance of instances) {
    const from = instance.source;
    const component = new ICAL.Component(from.name);
    for (const name of ['uid', 'organizer', 'summary']) {
      const property = from.getFirstProperty(name);
      if (property) component.addProperty(ICAL.Property.fromString(property.toICALString()));
    }
    const sequence = Number(from.getFirstPropertyValue('sequence') ?? 0) + (deleted ? 1 : 0);
    component.addPropertyWithValue('sequence', sequence);
    if (instance.rid) {
      addTimeProperty(component, 'recurrence-id', instance.rid);
      addTimeProperty(component, 'dtstart', instance.rid);
    } else {
      // The instance's times as the attendee has them, so that a client can show what was cancelled.
      for (const name of deleted ? ['dtstart', 'dtend', 'duration', 'due'] : ['recurrence-id', 'dtstart', 'dtend', 'duration', 'due']) {
        const property = from.getFirstProperty(name);
        if (property) component.addProperty(ICAL.Property.fromString(property.toICALString()));
      }
    }
    const own = findAttendee(from, attendee);
    component.addProperty(own ? ICAL.Property.fromString(own.toICALString()) : ICAL.Property.fromString(`ATTENDEE:${attendee}`));
    component.addPropertyWithValue('status', 'CANCELLED');
    component.addPropertyWithValue('dtstamp', utcStamp(change.nowMs));
    stripScheduleParameters(component);
    calendar.addSubcomponent(component);
  }
  pruneTimezones(calendar);
  return { method: 'CANCEL', uid: uidOf(source), originator: change.organizer, recipient: attendee, calendar };
}
