// Which kind of scheduling object resource a calendar object is (RFC 6638 §3.1), and the checks
// on a change from one version to the next (RFC 6638 §3.2.4.1, §3.2.2.1).
import { ICAL } from '../../ical/parse.ts';
import { resolveTime, tzidOf, zoneContext } from '../../ical/zones.ts';
import { ItipError } from '../errors.ts';
import { componentsByKey, findAttendeeOf, organizerAddress, propertyAddress, scheduleAgent, schedulingComponents } from './model.ts';
import { findVoterOf } from './vpoll.ts';

export type SchedulingRole =
  | { kind: 'organizer'; organizer: string }
  | { kind: 'attendee'; organizer: string; self: string }
  | { kind: 'none' };

/** Only these component types take part in implicit scheduling (Cyrus's set; VPOLL rules in vpoll.ts). */
const SCHEDULED_TYPES = new Set(['vevent', 'vtodo', 'vpoll']);

/**
 * Organizer object when ORGANIZER is one of the owner's addresses; attendee object when it is not
 * and an ATTENDEE is; otherwise not a scheduling object at all.
 */
export function classify(vcalendar: ICAL.Component | null, ownerAddresses: ReadonlySet<string>): SchedulingRole {
  if (!vcalendar) return { kind: 'none' };
  const components = schedulingComponents(vcalendar);
  if (components.length === 0 || !SCHEDULED_TYPES.has(components[0]!.name)) return { kind: 'none' };
  const organizers = new Set<string>();
  for (const component of components) {
    const property = component.getFirstProperty('organizer');
    if (!property) continue;
    const address = propertyAddress(property);
    if (!/^[a-z][a-z0-9+.-]*:./.test(address)) {
      throw new ItipError('valid-organizer', 'ORGANIZER must be a calendar user address such as mailto:someone@example.com');
    }
    organizers.add(address);
  }
  if (organizers.size > 1) {
    throw new ItipError('same-organizer-in-all-components', 'Every component of a scheduling object must have the same ORGANIZER (RFC 6638 §3.2.4.1)');
  }
  const organizer = [...organizers][0];
  if (organizer === undefined) return { kind: 'none' };
  if (ownerAddresses.has(organizer)) return { kind: 'organizer', organizer };
  for (const component of components) {
    const mine = findAttendeeOf(component, ownerAddresses) ?? (component.name === 'vpoll' ? findVoterOf(component, ownerAddresses) : undefined);
    if (mine) return { kind: 'attendee', organizer, self: propertyAddress(mine) };
  }
  return { kind: 'none' };
}

/** The ORGANIZER of an existing scheduling object cannot be replaced by a PUT (Cyrus: "Can not change organizer address"). */
export function checkRoleChange(previous: SchedulingRole, nextVcalendar: ICAL.Component | null): void {
  if (previous.kind === 'none') return;
  const nextOrganizer = nextVcalendar ? schedulingComponents(nextVcalendar).map(organizerAddress).find((a) => a !== null) ?? null : null;
  const stillScheduled = nextVcalendar !== null && schedulingComponents(nextVcalendar).some((c) => c.hasProperty('attendee'));
  const changed = nextOrganizer === null ? stillScheduled : nextOrganizer !== previous.organizer;
  if (!changed) return;
  if (previous.kind === 'organizer') {
    throw new ItipError('allowed-organizer-scheduling-object-change', 'The ORGANIZER of a scheduling object cannot be changed; create a new event instead');
  }
  throw new ItipError('allowed-attendee-scheduling-object-change', 'An attendee cannot change the ORGANIZER of an event');
}

/** Properties an attendee may not change on instances the organizer defined (RFC 6638 §3.2.2.1). */
const ORGANIZER_OWNED = ['dtstart', 'dtend', 'due', 'duration', 'rrule', 'rdate'];

export function checkAttendeeChange(previous: ICAL.Component, next: ICAL.Component): void {
  const before = componentsByKey(previous);
  for (const [key, component] of componentsByKey(next)) {
    const old = before.get(key);
    if (!old) continue;
    const changed = ORGANIZER_OWNED.find((name) => propertyMeaning(old, name, previous) !== propertyMeaning(component, name, next));
    if (changed) {
      throw new ItipError(
        'allowed-attendee-scheduling-object-change',
        `An attendee cannot change ${changed.toUpperCase()} of an event they were invited to; ask the organizer to reschedule`,
      );
    }
  }
  // A copy the attendee's own client schedules (SCHEDULE-AGENT=CLIENT or NONE on ORGANIZER) never
  // came from the server; turning it into a server-scheduled one would have the server answer an
  // organizer for an invitation it never delivered (RFC 6638 §7.1). Opting out stays allowed.
  if (organizerAgentOf(previous) !== 'SERVER' && organizerAgentOf(next) === 'SERVER') {
    throw new ItipError(
      'allowed-attendee-scheduling-object-change',
      'An attendee cannot hand the scheduling of a copy their client manages (SCHEDULE-AGENT on ORGANIZER) to the server',
    );
  }
}

function organizerAgentOf(vcalendar: ICAL.Component): string {
  const organizer = schedulingComponents(vcalendar).map((c) => c.getFirstProperty('organizer')).find((p) => p !== null);
  return scheduleAgent(organizer);
}

/** Whether two versions of an instance happen at the same times (EXDATE included). */
export function sameSchedule(before: ICAL.Component, beforeCalendar: ICAL.Component, after: ICAL.Component, afterCalendar: ICAL.Component): boolean {
  return [...ORGANIZER_OWNED, 'exdate'].every((name) => propertyMeaning(before, name, beforeCalendar) === propertyMeaning(after, name, afterCalendar));
}

/**
 * What a property says, independent of how a client spelled it: times as UTC instants (a client
 * may write the same moment with another TZID or in UTC), durations in seconds, rules as values.
 */
function propertyMeaning(component: ICAL.Component, name: string, vcalendar: ICAL.Component): string {
  const ctx = zoneContext(vcalendar);
  return component
    .getAllProperties(name)
    .flatMap((property) =>
      (property.getValues() as unknown[]).map((value) => {
        if (value instanceof ICAL.Time) {
          const time = resolveTime(value, tzidOf(property), ctx);
          return `${time.isDate ? 'D' : ''}${time.utcMs}`;
        }
        if (value instanceof ICAL.Duration) return String(value.toSeconds());
        return String(value);
      }),
    )
    .sort()
    .join('\n');
}
