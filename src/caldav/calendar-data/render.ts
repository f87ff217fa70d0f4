// Produces the calendar data a CALDAV:calendar-data request asks for (RFC 4791 §9.6) from one stored
// object: limits or expansion first, then partial retrieval, then text or jCal (RFC 7265).
import { parseICalendar, type Component } from '../../ical/parse.ts';
import { expandCalendar, type ExpandLimits } from './expand.ts';
import { jcalOf, serializeJCal, type JCalComponent } from './jcal.ts';
import { limitFreeBusySet, limitRecurrenceSet } from './limit.ts';
import { selectParts } from './partial.ts';
import { isWholeObject, type CalendarDataRequest } from './request.ts';

/**
 * The requested form of one calendar object. `parsed`, when the caller already has the object
 * parsed, saves a second parse; it is read, never modified. Throws InvalidICalendarError when the
 * text must be parsed and cannot be.
 */
export function renderCalendarData(text: string, request: CalendarDataRequest, limits: ExpandLimits, parsed?: Component): string {
  if (isWholeObject(request)) return text;
  const vcalendar = parsed ?? parseICalendar(text);
  let tree: JCalComponent;
  if (request.expand) tree = expandCalendar(vcalendar, request.expand, limits);
  else if (request.limitRecurrenceSet) tree = limitRecurrenceSet(vcalendar, request.limitRecurrenceSet, limits);
  else tree = jcalOf(vcalendar);
  if (request.limitFreebusySet) tree = limitFreeBusySet(tree, request.limitFreebusySet, vcalendar);
  if (request.comp) tree = selectParts(tree, request.comp, request.mediaType === 'application/calendar+json');
  return serializeJCal(tree, request.mediaType);
}
