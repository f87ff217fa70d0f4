// The scheduling view of a calendar object (RFC 6638 §3.1, RFC 5546 §2): its components keyed by
// instance, the ORGANIZER and ATTENDEE addresses, and the parameters that steer implicit scheduling.
import { ICAL } from '../../ical/parse.ts';
import { formatResolved, resolveProperty, resolveTime, tzidOf, zoneContext } from '../../ical/zones.ts';

/** POLLSTATUS only for VPOLL (draft-ietf-calext-vpoll §8). */
export type ItipMethod = 'REQUEST' | 'REPLY' | 'CANCEL' | 'POLLSTATUS';

/** One iTIP message for one recipient: a VCALENDAR with METHOD, ready to deliver (RFC 5546 §1.4). */
export interface ItipMessage {
  method: ItipMethod;
  uid: string;
  /** Calendar user address of the sender (ORGANIZER for REQUEST/CANCEL, the ATTENDEE for REPLY). */
  originator: string;
  recipient: string;
  calendar: ICAL.Component;
}

/** The key of the master component; overrides are keyed by their RECURRENCE-ID in canonical form. */
export const MASTER = 'master';

export type ScheduleAgent = 'SERVER' | 'CLIENT' | 'NONE';

/** Calendar user addresses compare case-insensitively (mailto: local parts in practice are). */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Components that carry scheduling data (everything but VTIMEZONE). */
export function schedulingComponents(vcalendar: ICAL.Component): ICAL.Component[] {
  return vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
}

export function instanceKey(component: ICAL.Component, vcalendar: ICAL.Component): string {
  const rid = resolveProperty(component, 'recurrence-id', zoneContext(vcalendar));
  return rid ? formatResolved(rid) : MASTER;
}

/** A component's DTSTART as an instant (time zones resolved), or null without one. */
export function startKey(component: ICAL.Component, vcalendar: ICAL.Component): string | null {
  const start = resolveProperty(component, 'dtstart', zoneContext(vcalendar));
  return start ? formatResolved(start) : null;
}

/** Components by instance key (the master first when there is one). */
export function componentsByKey(vcalendar: ICAL.Component | null): Map<string, ICAL.Component> {
  const map = new Map<string, ICAL.Component>();
  if (!vcalendar) return map;
  for (const component of schedulingComponents(vcalendar)) map.set(instanceKey(component, vcalendar), component);
  return map;
}

export interface TimeValue {
  time: ICAL.Time;
  tzid: string | undefined;
}

/** EXDATE values of a component, by canonical instance key. */
export function exdates(component: ICAL.Component, vcalendar: ICAL.Component): Map<string, TimeValue> {
  const map = new Map<string, TimeValue>();
  const ctx = zoneContext(vcalendar);
  for (const property of component.getAllProperties('exdate')) {
    for (const value of property.getValues() as unknown[]) {
      if (value instanceof ICAL.Time) map.set(formatResolved(resolveTime(value, tzidOf(property), ctx)), { time: value, tzid: tzidOf(property) });
    }
  }
  return map;
}

/** Adds a DATE or DATE-TIME property (EXDATE, RECURRENCE-ID) with the value's TZID. */
export function addTimeProperty(component: ICAL.Component, name: string, value: TimeValue): void {
  const property = new ICAL.Property(name);
  property.setValue(value.time.clone());
  if (value.tzid) property.setParameter('tzid', value.tzid);
  component.addProperty(property);
}

export function propertyAddress(property: ICAL.Property): string {
  const value = property.getFirstValue();
  return typeof value === 'string' ? normalizeAddress(value) : '';
}

export function organizerAddress(component: ICAL.Component): string | null {
  const property = component.getFirstProperty('organizer');
  if (!property) return null;
  const address = propertyAddress(property);
  return address === '' ? null : address;
}

export function findAttendee(component: ICAL.Component, address: string): ICAL.Property | undefined {
  const wanted = normalizeAddress(address);
  return component.getAllProperties('attendee').find((p) => propertyAddress(p) === wanted);
}

export function findAttendeeOf(component: ICAL.Component, addresses: ReadonlySet<string>): ICAL.Property | undefined {
  return component.getAllProperties('attendee').find((p) => addresses.has(propertyAddress(p)));
}

export function attendeeAddresses(component: ICAL.Component): string[] {
  return component.getAllProperties('attendee').map(propertyAddress).filter((a) => a !== '');
}

/** SCHEDULE-AGENT (RFC 6638 §7.1): SERVER unless the client says otherwise; unknown values mean NONE. */
export function scheduleAgent(property: ICAL.Property | undefined | null): ScheduleAgent {
  const value = property?.getParameter('schedule-agent');
  if (typeof value !== 'string' || value === '') return 'SERVER';
  const upper = value.toUpperCase();
  return upper === 'SERVER' || upper === 'CLIENT' ? upper : 'NONE';
}

/** SCHEDULE-FORCE-SEND (RFC 6638 §7.2), upper-cased, or null. */
export function forceSend(property: ICAL.Property | undefined | null): string | null {
  const value = property?.getParameter('schedule-force-send');
  return typeof value === 'string' && value !== '' ? value.toUpperCase() : null;
}

export function partstat(property: ICAL.Property | undefined | null): string {
  const value = property?.getParameter('partstat');
  return typeof value === 'string' && value !== '' ? value.toUpperCase() : 'NEEDS-ACTION';
}

export function statusOf(component: ICAL.Component): string {
  const value = component.getFirstPropertyValue('status');
  return typeof value === 'string' ? value.toUpperCase() : '';
}

export function uidOf(vcalendar: ICAL.Component): string {
  const first = schedulingComponents(vcalendar)[0];
  return String(first?.getFirstPropertyValue('uid') ?? '');
}

/** A deep copy (ical.js components share their jCal arrays). */
export function cloneComponent(component: ICAL.Component): ICAL.Component {
  return new ICAL.Component(structuredClone(component.toJSON()) as unknown[]);
}

export function parseCalendar(text: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(text) as unknown[]);
}

/** A new VCALENDAR carrying METHOD and the VTIMEZONEs the given components refer to. */
export function newMessageCalendar(method: ItipMethod, source: ICAL.Component, prodid: string): ICAL.Component {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', prodid);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('method', method);
  for (const zone of source.getAllSubcomponents('vtimezone')) calendar.addSubcomponent(cloneComponent(zone));
  return calendar;
}

/** Drops VTIMEZONEs no remaining property refers to. */
export function pruneTimezones(calendar: ICAL.Component): void {
  const used = new Set<string>();
  for (const component of schedulingComponents(calendar)) {
    for (const property of component.getAllProperties()) {
      const tzid = property.getParameter('tzid');
      if (typeof tzid === 'string') used.add(tzid);
    }
  }
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    if (!used.has(String(zone.getFirstPropertyValue('tzid')))) calendar.removeSubcomponent(zone);
  }
}

export function utcStamp(nowMs: number): ICAL.Time {
  return ICAL.Time.fromJSDate(new Date(nowMs), true);
}
