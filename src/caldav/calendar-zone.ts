// The zone that floating times of a calendar are read in (RFC 4791 §7.3, RFC 7809 §5):
// calendar-timezone-id first, else the VTIMEZONE in calendar-timezone; a known TZID always
// resolves to the bundled zone, an unknown one is honoured as the client defined it.
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { textContent, type XmlElement } from '../dav/xml/element.ts';
import { calendarMediaType, toICalendarText, type CalendarMediaType } from '../ical/formats.ts';
import { InvalidICalendarError, parseICalendar } from '../ical/parse.ts';
import { checkStructure, checkTimezones } from '../ical/structure.ts';
import { getZone } from '../tz/catalogue.ts';
import { zoneFromVtimezone } from '../tz/vtimezone-zone.ts';
import type { Zone } from '../tz/zone.ts';

/** From the stored (serialized) calendar-timezone-id and calendar-timezone dead properties. */
export function calendarZone(storedId: string | undefined, storedTimezone: string | undefined): Zone | undefined {
  if (storedId) {
    try {
      const zone = getZone(textContent(deserializeDeadProperty(storedId)).trim());
      if (zone) return zone;
    } catch {
      // An unreadable id falls back to calendar-timezone.
    }
  }
  return storedTimezone ? storedZone(storedTimezone) : undefined;
}

/**
 * A calendar's calendar-timezone is read by every query, multiget and free-busy lookup of the
 * calendar, and changes rarely: its zone is kept by the stored text, with the transitions it has
 * worked out, instead of parsing the VTIMEZONE each time.
 */
function storedZone(stored: string): Zone | undefined {
  if (STORED_ZONES.has(stored)) return STORED_ZONES.get(stored);
  const zone = zoneFromCalendarText(safeText(stored));
  if (stored.length <= STORED_ZONE_MAX_CHARS) {
    if (STORED_ZONES.size >= STORED_ZONES_LIMIT) STORED_ZONES.clear();
    STORED_ZONES.set(stored, zone);
  }
  return zone;
}

const STORED_ZONES = new Map<string, Zone | undefined>();
const STORED_ZONES_LIMIT = 64;
/** A VTIMEZONE with a century of RDATEs is some tens of kilobytes; larger values are not kept. */
const STORED_ZONE_MAX_CHARS = 64 * 1024;

/**
 * Why a calendar-timezone (RFC 4791 §5.2.2) or CALDAV:timezone (§7.8) value is not a valid
 * iCalendar object holding exactly one complete VTIMEZONE, or null when it is. Being an iCalendar
 * object, it has the PRODID and VERSION that RFC 5545 §3.6 requires, and no other component.
 */
export function timezoneCalendarProblem(text: string): string | null {
  try {
    const vcalendar = parseICalendar(text.trim());
    checkStructure(vcalendar.jCal);
    checkTimezones(vcalendar.jCal);
    if (!vcalendar.getFirstProperty('prodid') || !vcalendar.getFirstProperty('version')) return 'The VCALENDAR has no PRODID or no VERSION (RFC 5545 §3.6)';
    const components = vcalendar.getAllSubcomponents();
    if (components.length !== 1 || components[0]!.name !== 'vtimezone') return 'The VCALENDAR must hold exactly one VTIMEZONE and nothing else';
    return null;
  } catch (error) {
    return error instanceof InvalidICalendarError ? error.message : 'The value is not valid iCalendar data';
  }
}

/** The TZID of the VTIMEZONE in a VCALENDAR text (calendar-timezone), or undefined. */
export function tzidOfCalendarText(text: string): string | undefined {
  try {
    const tzid = parseICalendar(text).getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid');
    return typeof tzid === 'string' && tzid.trim() !== '' ? tzid.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** The zone of a VCALENDAR text holding one VTIMEZONE (calendar-timezone, CALDAV:timezone). */
export function zoneFromCalendarText(text: string | undefined): Zone | undefined {
  if (!text) return undefined;
  try {
    const vtimezone = parseICalendar(text).getFirstSubcomponent('vtimezone');
    if (!vtimezone) return undefined;
    const tzid = vtimezone.getFirstPropertyValue('tzid');
    return (typeof tzid === 'string' ? getZone(tzid) : undefined) ?? zoneFromVtimezone(vtimezone);
  } catch {
    return undefined;
  }
}

/**
 * The form a calendar-data-like property element names by its content-type and version attributes
 * (RFC 4791 §9.6): text/calendar without them, null for a form this server does not read or write.
 */
export function propertyMediaType(element: XmlElement | undefined): CalendarMediaType | null {
  const type = element?.attributes['content-type'];
  const version = element?.attributes.version;
  if (version !== undefined && version.trim() !== '2.0') return null;
  return type === undefined ? 'text/calendar' : calendarMediaType(type);
}

/**
 * A calendar-timezone value as iCalendar text, whichever form it was set in (Cyrus accepts jCal and
 * xCal by the element's content-type). Throws InvalidICalendarError for data that cannot be read.
 */
export function timezoneValueText(element: XmlElement): string {
  const mediaType = propertyMediaType(element);
  if (!mediaType) throw new InvalidICalendarError(`calendar-timezone cannot be read as ${element.attributes['content-type']}`);
  return toICalendarText(textContent(element), mediaType);
}

function safeText(stored: string): string | undefined {
  try {
    return timezoneValueText(deserializeDeadProperty(stored));
  } catch {
    return undefined;
  }
}
