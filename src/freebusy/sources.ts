// Loads the calendars a free-busy lookup reads: their candidate objects for the range (indexed
// prefilter), calendar-timezone for floating times (RFC 4791 §5.2.2) and schedule-calendar-transp
// (RFC 6638 §9.1). Shared by the free-busy-query REPORT, the Freebusy URL and the Outbox.
import { errorText, type Logger } from '../dav/context.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { childElements } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import type { CollectionRecord, Store } from '../storage/index.ts';
import type { FreeBusySource } from './compute.ts';
import { calendarZone } from '../caldav/calendar-zone.ts';
import type { FreeBusyRange } from './periods.ts';

const CALENDAR_TIMEZONE = caldav('calendar-timezone');
const CALENDAR_TIMEZONE_ID = caldav('calendar-timezone-id');
const SCHEDULE_CALENDAR_TRANSP = caldav('schedule-calendar-transp');

export interface LoadOptions {
  /** Leave out calendars marked transparent (a whole-home lookup); a lookup of one calendar keeps it. */
  skipTransparent: boolean;
}

/**
 * One source per calendar (in the given order): the busy time of exactly indexed event instances
 * in the range, and the other objects whose indexed span meets it, to be parsed.
 */
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
    // Event instances the index knows exactly come as busy periods; only objects with time in the
    // range it does not list are parsed (an instance found both ways merges with itself).
    const periods = await store.resources.busyInstances(calendar.id, range);
    const records = await store.resources.candidatesInRange(calendar.id, { ...range, unlistedOnly: true });
    const objects = records.map((r) => ({ path: calendar.path + r.name, data: typeof r.data === 'string' ? r.data : new TextDecoder().decode(r.data) }));
    sources.push({ objects, periods, floatingZone: calendarZone(props?.get(CALENDAR_TIMEZONE_ID), props?.get(CALENDAR_TIMEZONE)) });
  }
  return sources;
}

/** Logs the objects a lookup had to leave out (FreeBusyLimits.onUnreadable), naming each. */
export function logUnreadable(logger: Logger): (error: unknown, path: string | undefined) => void {
  return (error, path) => logger.error('A calendar object was left out of free-busy time', { href: path, error: errorText(error) });
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
