// Attendee side of implicit scheduling (RFC 6638 §3.2.2, RFC 5546 §3.2.3): a REPLY to the
// organizer for every instance whose participation status changed, for instances the attendee
// removed with EXDATE, and a decline for everything when the attendee deletes the event.
import { ICAL } from '../../ical/parse.ts';
import { stripScheduleParameters } from './clean.ts';
import { isHistorical, type HistoryWindow } from './historical.ts';
import {
  MASTER, addTimeProperty, componentsByKey, exdates, findAttendee, forceSend, newMessageCalendar, partstat, pruneTimezones,
  scheduleAgent, statusOf, uidOf, utcStamp, type ItipMessage, type TimeValue,
} from './model.ts';
import { pollOf, pollVoterMessages } from './vpoll.ts';

export interface AttendeeChange {
  previous: ICAL.Component | null;
  /** null when the attendee deleted the object. */
  next: ICAL.Component | null;
  organizer: string;
  /** The attendee's address as it appears in the object. */
  self: string;
  history: HistoryWindow;
  nowMs: number;
  prodid: string;
}

/** Properties a REPLY carries besides ORGANIZER and the replying ATTENDEE (RFC 5546 §3.2.3). */
const REPLY_PROPERTIES = ['uid', 'sequence', 'recurrence-id', 'dtstart', 'dtend', 'duration', 'due', 'summary'];

export function attendeeMessages(change: AttendeeChange): ItipMessage[] {
  if (pollOf(change.next ?? change.previous)) return pollVoterMessages(change);
  const source = change.next ?? change.previous;
  if (!source || organizerAgent(source) !== 'SERVER') return [];
  const replies: { component: ICAL.Component; partstat: string; rid?: TimeValue }[] = [];
  const before = componentsByKey(change.previous);

  if (!change.next) {
    for (const [key, component] of before) {
      const mine = findAttendee(component, change.self);
      if (!mine || partstat(mine) === 'DECLINED' || statusOf(component) === 'CANCELLED') continue;
      if (isHistorical(change.previous!, component, key, change.history)) continue;
      replies.push({ component, partstat: 'DECLINED' });
    }
  } else {
    const after = componentsByKey(change.next);
    for (const [key, component] of after) {
      const mine = findAttendee(component, change.self);
      if (!mine) continue;
      const was = before.get(key) ?? (key === MASTER ? undefined : before.get(MASTER));
      const previousStatus = was ? partstat(findAttendee(was, change.self)) : change.previous ? undefined : 'NEEDS-ACTION';
      const now = partstat(mine);
      const changed = previousStatus === undefined ? now !== 'NEEDS-ACTION' : previousStatus !== now;
      if ((changed || forceSend(mine) === 'REPLY') && !isHistorical(change.next, component, key, change.history)) {
        replies.push({ component, partstat: now });
      }
    }
    // A copy without a master (invited to some instances only) cannot exclude an instance with
    // EXDATE: leaving the instance out of the copy is how the attendee declines it.
    if (!after.has(MASTER) && !before.has(MASTER)) {
      for (const [key, component] of before) {
        if (after.has(key)) continue;
        const mine = findAttendee(component, change.self);
        if (!mine || partstat(mine) === 'DECLINED' || statusOf(component) === 'CANCELLED') continue;
        if (isHistorical(change.previous!, component, key, change.history)) continue;
        replies.push({ component, partstat: 'DECLINED' });
      }
    }
    const oldMaster = before.get(MASTER);
    const newMaster = after.get(MASTER);
    if (oldMaster && newMaster) {
      const known = exdates(oldMaster, change.previous!);
      for (const [key, rid] of exdates(newMaster, change.next)) {
        if (known.has(key) || after.has(key) || isHistorical(change.next, null, key, change.history)) continue;
        // An instance the attendee had already declined in an override of its own, now excluded
        // instead: the organizer already has that answer.
        const was = before.get(key);
        if (was && partstat(findAttendee(was, change.self)) === 'DECLINED') continue;
        replies.push({ component: newMaster, partstat: 'DECLINED', rid });
      }
    }
  }
  if (replies.length === 0) return [];

  const calendar = newMessageCalendar('REPLY', source, change.prodid);
  for (const reply of replies) {
    const component = new ICAL.Component(reply.component.name);
    for (const name of REPLY_PROPERTIES) {
      if (reply.rid && (name === 'recurrence-id' || name === 'dtstart' || name === 'dtend' || name === 'duration' || name === 'due')) continue;
      const property = reply.component.getFirstProperty(name);
      if (property) component.addProperty(ICAL.Property.fromString(property.toICALString()));
    }
    if (reply.rid) addTimeProperty(component, 'recurrence-id', reply.rid);
    component.addProperty(ICAL.Property.fromString(reply.component.getFirstProperty('organizer')!.toICALString()));
    const own = findAttendee(reply.component, change.self);
    const attendee = own ? ICAL.Property.fromString(own.toICALString()) : ICAL.Property.fromString(`ATTENDEE:${change.self}`);
    attendee.setParameter('partstat', reply.partstat);
    attendee.removeParameter('rsvp');
    component.addProperty(attendee);
    component.addPropertyWithValue('dtstamp', utcStamp(change.nowMs));
    stripScheduleParameters(component);
    calendar.addSubcomponent(component);
  }
  pruneTimezones(calendar);
  return [{ method: 'REPLY', uid: uidOf(source), originator: change.self, recipient: change.organizer, calendar }];
}

/** SCHEDULE-AGENT on the ORGANIZER property of an attendee's copy (RFC 6638 §7.1). */
export function organizerAgent(vcalendar: ICAL.Component): string {
  for (const component of componentsByKey(vcalendar).values()) {
    const property = component.getFirstProperty('organizer');
    if (property) return scheduleAgent(property);
  }
  return 'NONE';
}
