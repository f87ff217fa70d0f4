// Loads the calendars a free-busy lookup reads: their candidate objects for the range (indexed
// prefilter), calendar-timezone for floating times (RFC 4791 §5.2.2) and schedule-calendar-transp
// (RFC 6638 §9.1). Shared by the free-busy-query REPORT, the Freebusy URL and the Outbox.
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { childElements, textContent } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import { parseICalendar } from '../ical/parse.ts';
import type { CollectionRecord, Store } from '../storage/index.ts';
import { getZone } from '../tz/catalogue.ts';
import { zoneFromVtimezone } from '../tz/vtimezone-zone.ts';
import type { Zone } from '../tz/zone.ts';
import type { FreeBusySource } from './compute.ts';
import type { FreeBusyRange } from './periods.ts';

const CALENDAR_TIMEZONE = caldav('calendar-timezone');
const CALENDAR_TIMEZONE_ID = caldav('calendar-timezone-id');
const SCHEDULE_CALENDAR_TRANSP = caldav('schedule-calendar-transp');

export interface LoadOptions {
  /** Leave out calendars marked transparent (a whole-home lookup); a lookup of one calendar keeps it. */
  skipTransparent: boolean;
}

/** One source per calendar (in the given order), with the objects whose indexed span meets the range. */
export async function loadFreeBusySources(
  store: Store,
  calendars: readonly CollectionRecord[],
  range: FreeBusyRange,
  options: LoadOptions,
): Promise<FreeBusySource[]> {
  const dead = await store.properties.getForPaths(calendars.map((c) => c.path));
  const sources: FreeBusySource[] = [];
  for (const calendar of calendars) {
    const props = dead.get(calendar.path);
    const transparent = isTransparent(props?.get(SCHEDULE_CALENDAR_TRANSP));
    if (transparent && options.skipTransparent) continue;
    const records = await store.resources.candidatesInRange(calendar.id, range);
    const objects = records.map((r) => (typeof r.data === 'string' ? r.data : new TextDecoder().decode(r.data)));
    sources.push({ objects, floatingZone: calendarZone(props?.get(CALENDAR_TIMEZONE_ID), props?.get(CALENDAR_TIMEZONE)) });
  }
  return sources;
}

/** Whether a stored schedule-calendar-transp value is CALDAV:transparent. */
export function isTransparent(stored: string | undefined): boolean {
  if (!stored) return false;
  try {
    return childElements(deserializeDeadProperty(stored)).some((e) => e.name === caldav('transparent'));
  } catch {
    return false;
  }
}

/**
 * The calendar's zone for floating times: calendar-timezone-id (RFC 7809 §5.2) when it names a
 * known zone, else calendar-timezone (a VCALENDAR with one VTIMEZONE), else undefined (UTC).
 */
export function calendarZone(storedId: string | undefined, storedTimezone: string | undefined): Zone | undefined {
  if (storedId) {
    try {
      const zone = getZone(textContent(deserializeDeadProperty(storedId)).trim());
      if (zone) return zone;
    } catch {
      // An unreadable id falls back to calendar-timezone.
    }
  }
  return zoneFromCalendarTimezone(storedTimezone);
}

// --- Internal helpers ---

function zoneFromCalendarTimezone(stored: string | undefined): Zone | undefined {
  if (!stored) return undefined;
  try {
    const vtimezone = parseICalendar(textContent(deserializeDeadProperty(stored))).getFirstSubcomponent('vtimezone');
    if (!vtimezone) return undefined;
    const tzid = vtimezone.getFirstPropertyValue('tzid');
    return (typeof tzid === 'string' ? getZone(tzid) : undefined) ?? zoneFromVtimezone(vtimezone);
  } catch {
    return undefined;
  }
}
