// Produces the calendar data a CALDAV:calendar-data request asks for (RFC 4791 §9.6) from one stored
// object: referenced time zones put back (RFC 7809), limits or expansion, partial retrieval, then
// text or jCal (RFC 7265).
import { ICAL, parseICalendar, type Component } from '../../ical/parse.ts';
import { vtimezoneText } from '../../tz/catalogue.ts';
import { insertTimezones, missingTzids } from '../timezones-by-reference.ts';
import { expandCalendar, type ExpandLimits } from './expand.ts';
import { expandSingleEvent } from './single-event-expansion.ts';
import { expandEventSeries } from './series-expansion.ts';
import { scanEvents } from './event-scan.ts';
import { jcalOf, type JCalComponent } from './jcal.ts';
import { serializeCalendar } from '../../ical/formats.ts';
import { limitFreeBusySet, limitRecurrenceSet } from './limit.ts';
import { selectParts } from './partial.ts';
import { isExpansionOnly, isWholeObject, type CalendarDataRequest } from './request.ts';

export interface RenderOptions extends ExpandLimits {
  /**
   * Put back the catalogue VTIMEZONEs that storage stripped (RFC 7809 §3.1.2); false when the
   * client sent "CalDAV-Timezones: F". Expanded data never has VTIMEZONEs (RFC 4791 §9.6.5).
   */
  timezones: boolean;
}

/**
 * The requested form of one calendar object. `parsed`, when the caller already has the stored
 * text parsed, saves a second parse; it is read, never modified. Throws InvalidICalendarError when
 * the object cannot be parsed or holds a malformed value.
 */
export function renderCalendarData(text: string, request: CalendarDataRequest, options: RenderOptions, parsed?: Component): string {
  if (isWholeObject(request)) return options.timezones ? insertTimezones(text, { truncate: true }) : text;
  if (request.expand && isExpansionOnly(request)) {
    // One scan of the text serves both ways of expanding from it.
    const scanned = scanEvents(text);
    const expanded = scanned && (expandSingleEvent(text, request.expand, options, scanned) ?? expandEventSeries(text, request.expand, options, parsed, scanned));
    if (expanded) return expanded;
  }
  const vcalendar = parsed ?? parseICalendar(text);
  let tree: JCalComponent;
  if (request.expand) tree = expandCalendar(vcalendar, request.expand, options);
  else {
    tree = request.limitRecurrenceSet ? limitRecurrenceSet(vcalendar, request.limitRecurrenceSet, options) : jcalOf(vcalendar);
    if (options.timezones) tree = withTimezones(tree, text);
  }
  if (request.limitFreebusySet) tree = limitFreeBusySet(tree, request.limitFreebusySet, vcalendar);
  if (request.comp) tree = selectParts(tree, request.comp, request.mediaType !== 'text/calendar');
  return serializeCalendar(tree, request.mediaType);
}

// --- Internal helpers ---

/** Parsed catalogue VTIMEZONEs, shared read-only between responses. */
const zoneCache = new Map<string, JCalComponent | null>();

/** The tree with the catalogue VTIMEZONE of every TZID it references but does not define, first. */
function withTimezones(tree: JCalComponent, text: string): JCalComponent {
  const zones = missingTzids(text).map(catalogueZone).filter((zone): zone is JCalComponent => zone !== null);
  return zones.length === 0 ? tree : [tree[0], tree[1], [...zones, ...tree[2]]];
}

function catalogueZone(tzid: string): JCalComponent | null {
  let zone = zoneCache.get(tzid);
  if (zone === undefined) {
    const zoneText = vtimezoneText(tzid);
    zone = zoneText ? (ICAL.parse(zoneText) as JCalComponent) : null;
    if (zoneCache.size > 256) zoneCache.clear();
    zoneCache.set(tzid, zone);
  }
  return zone;
}
