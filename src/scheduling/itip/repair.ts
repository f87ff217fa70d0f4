// Repairs of organizer objects that clients send incomplete: RFC 6638 §3.2.4.1 wants the same
// ORGANIZER in every component of a scheduling object, and some clients write it only on the
// overridden instances they scheduled, leaving the master without one.
import { ICAL } from '../../ical/parse.ts';
import { organizerAddress, schedulingComponents } from './model.ts';

/**
 * Gives every component that lacks an ORGANIZER the one the other components share, so that the
 * whole object is one scheduling object. Does nothing when no component has one or they differ
 * (classify() refuses the latter). Returns whether `vcalendar` was changed.
 */
export function fillMissingOrganizer(vcalendar: ICAL.Component): boolean {
  const components = schedulingComponents(vcalendar);
  const withOrganizer = components.filter((component) => organizerAddress(component) !== null);
  if (withOrganizer.length === 0 || withOrganizer.length === components.length) return false;
  if (new Set(withOrganizer.map(organizerAddress)).size > 1) return false;
  const organizer = withOrganizer[0]!.getFirstProperty('organizer')!;
  for (const component of components) {
    if (component.hasProperty('organizer')) continue;
    const copy = ICAL.Property.fromString(organizer.toICALString());
    copy.removeParameter('schedule-status');
    component.addProperty(copy);
  }
  return true;
}
