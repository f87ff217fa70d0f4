// What travels in an iTIP message and what does not (RFC 6638 §7.1–7.3: SCHEDULE-* parameters
// never leave the server; Cyrus also strips per-user data such as alarms, and TRANSP in replies),
// and the "significant content" of a component used to decide whether attendees must hear of a change.
import type { ICAL } from '../../ical/parse.ts';
import { cloneComponent, utcStamp, type ItipMethod } from './model.ts';

export const SCHEDULE_PARAMS = ['schedule-agent', 'schedule-status', 'schedule-force-send'];

/**
 * Per-user properties that describe one calendar user's view, not the event. Apple's travel time
 * is each user's own journey to the event, so it stays with the copy that has it.
 */
const PERSONAL_PROPERTIES = new Set([
  'x-moz-lastack', 'x-moz-snooze-time', 'x-apple-default-alarm', 'x-jmap-usedefaultalerts', 'color',
  'x-apple-travel-duration', 'x-apple-travel-start', 'x-apple-travel-return', 'x-apple-travel-return-duration',
]);

export function isPersonalProperty(name: string): boolean {
  return PERSONAL_PROPERTIES.has(name) || name.startsWith('x-moz-snooze-time');
}

/** A copy of a stored component fit to send: no alarms, no personal data, no SCHEDULE-* parameters, a fresh DTSTAMP. */
export function travellingCopy(component: ICAL.Component, method: ItipMethod, nowMs: number): ICAL.Component {
  const copy = cloneComponent(component);
  for (const alarm of copy.getAllSubcomponents('valarm')) copy.removeSubcomponent(alarm);
  for (const property of copy.getAllProperties()) {
    if (isPersonalProperty(property.name)) copy.removeProperty(property);
  }
  if (method === 'REPLY') copy.removeAllProperties('transp');
  stripScheduleParameters(copy);
  copy.updatePropertyWithValue('dtstamp', utcStamp(nowMs));
  return copy;
}

export function stripScheduleParameters(component: ICAL.Component): void {
  for (const name of ['organizer', 'attendee']) {
    for (const property of component.getAllProperties(name)) {
      for (const param of SCHEDULE_PARAMS) property.removeParameter(param);
    }
  }
}

/** SCHEDULE-FORCE-SEND is an instruction for this one write and must not be stored (RFC 6638 §7.2). */
export function stripForceSend(vcalendar: ICAL.Component): boolean {
  let changed = false;
  for (const component of vcalendar.getAllSubcomponents()) {
    for (const name of ['organizer', 'attendee']) {
      for (const property of component.getAllProperties(name)) {
        if (property.getParameter('schedule-force-send') !== undefined) {
          property.removeParameter('schedule-force-send');
          changed = true;
        }
      }
    }
  }
  return changed;
}

/** Properties whose change alone is not news to attendees (bookkeeping, personal data, EXDATE handled apart). */
const INSIGNIFICANT = new Set(['dtstamp', 'last-modified', 'created', 'sequence', 'exdate', 'transp', 'request-status']);
/**
 * Parameters on ORGANIZER/ATTENDEE that reflect replies or server state rather than the organizer's
 * intent; EMAIL (RFC 7986 §6.2) only repeats an address some servers and clients add on their own.
 */
const REPLY_STATE_PARAMS = [...SCHEDULE_PARAMS, 'partstat', 'rsvp', 'email'];

/** The component's significant content as comparable text (order-independent). */
export function fingerprint(component: ICAL.Component): string {
  const copy = cloneComponent(component);
  const lines: string[] = [];
  for (const property of copy.getAllProperties()) {
    if (INSIGNIFICANT.has(property.name) || isPersonalProperty(property.name) || property.name.startsWith('x-lic-')) continue;
    if (property.name === 'organizer' || property.name === 'attendee') {
      for (const param of REPLY_STATE_PARAMS) property.removeParameter(param);
    }
    lines.push(property.toICALString());
  }
  for (const sub of copy.getAllSubcomponents()) {
    if (sub.name !== 'valarm') lines.push(`${sub.name}:${fingerprint(sub)}`);
  }
  return lines.sort().join('\n');
}
