// The CALDAV:calendar-data property in reports (RFC 4791 §9.6): the request element is parsed once
// per report, then each object is rendered in the asked form (partial, expanded, limited, jCal).
import { el, type XmlElement } from '../../dav/xml/element.ts';
import { caldav } from '../../dav/xml/names.ts';
import { InvalidICalendarError, type Component } from '../../ical/parse.ts';
import { readingValues } from '../../ical/zones.ts';
import type { ResourceRecord } from '../../storage/index.ts';
import type { Zone } from '../../tz/zone.ts';
import { renderCalendarData } from '../calendar-data/render.ts';
import { parseCalendarDataRequest } from '../calendar-data/request.ts';

export interface CalendarDataOptions {
  /** Zone of floating and DATE values (CALDAV:timezone or the calendar's calendar-timezone); UTC if absent. */
  floatingZone?: Zone | undefined;
  /** Default: the caldav_max_instances default (10000). */
  maxInstances?: number | undefined;
  /** Unbounded rules stop here. Default: the caldav_maxdatetime default (20380119T031407Z). */
  horizonUtcMs?: number | undefined;
  /** Put back catalogue VTIMEZONEs (RFC 7809); pass wantsTimezones(ctx.request). Default true. */
  timezones?: boolean | undefined;
}

const DEFAULT_MAX_INSTANCES = 10_000;
const DEFAULT_HORIZON_UTC_MS = Date.UTC(2038, 0, 19, 3, 14, 7);

/**
 * Parses the request's CALDAV:calendar-data element (throwing DavError 400 or
 * supported-calendar-data) and returns the per-object renderer. `parsed` lets a caller that has
 * already parsed the object (calendar-query's filter) skip a second parse; it is not modified.
 */
export function calendarDataProvider(
  request: XmlElement | undefined,
  options: CalendarDataOptions = {},
): (record: ResourceRecord, parsed?: Component) => { element: XmlElement } {
  const dataRequest = parseCalendarDataRequest(request);
  const limits = {
    floatingZone: options.floatingZone,
    maxInstances: options.maxInstances ?? DEFAULT_MAX_INSTANCES,
    horizonUtcMs: options.horizonUtcMs ?? DEFAULT_HORIZON_UTC_MS,
    timezones: options.timezones ?? true,
  };
  const attributes: Record<string, string> = dataRequest.mediaType === 'text/calendar' ? {} : { 'content-type': dataRequest.mediaType };
  return (record, parsed) => {
    const text = typeof record.data === 'string' ? record.data : new TextDecoder().decode(record.data);
    try {
      return { element: el(caldav('calendar-data'), readingValues(() => renderCalendarData(text, dataRequest, limits, parsed)), attributes) };
    } catch (error) {
      // Stored objects were validated on PUT; one that no longer parses (or holds a value ical.js
      // rejects when read) is returned as stored rather than failing the whole multistatus.
      if (error instanceof InvalidICalendarError) return { element: el(caldav('calendar-data'), text) };
      throw error;
    }
  };
}
