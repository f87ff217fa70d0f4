// The CALDAV:calendar-data property in reports (RFC 4791 §9.6): the request element is parsed once
// per report, then each object is rendered in the asked form (partial, expanded, limited, jCal).
import { el, type XmlElement } from '../../dav/xml/element.ts';
import { caldav } from '../../dav/xml/names.ts';
import { InvalidICalendarError, type Component } from '../../ical/parse.ts';
import { readingValues } from '../../ical/zones.ts';
import { renderCalendarData, type RenderOptions } from '../calendar-data/render.ts';
import type { CalendarDataRequest } from '../calendar-data/request.ts';

/**
 * The per-object renderer for a CALDAV:calendar-data request the report has parsed (with
 * parseCalendarDataRequest, before its multistatus starts, so that a bad request is a 4xx rather
 * than a broken 207). `parsed` lets a caller that has already parsed the object (calendar-query's
 * filter) skip a second parse; it is not modified.
 */
export function calendarDataProvider(
  dataRequest: CalendarDataRequest,
  options: RenderOptions,
): (record: { data: string | Uint8Array }, parsed?: Component) => { element: XmlElement } {
  const attributes: Record<string, string> = dataRequest.mediaType === 'text/calendar' ? {} : { 'content-type': dataRequest.mediaType };
  return (record, parsed) => {
    const text = typeof record.data === 'string' ? record.data : new TextDecoder().decode(record.data);
    try {
      return { element: el(caldav('calendar-data'), readingValues(() => renderCalendarData(text, dataRequest, options, parsed)), attributes) };
    } catch (error) {
      // Stored objects were validated on PUT; one that no longer parses (or holds a value ical.js
      // rejects when read) is returned as stored rather than failing the whole multistatus. Any
      // other failure is this property's alone: computePropstats answers it with a 500 propstat.
      if (error instanceof InvalidICalendarError) return { element: el(caldav('calendar-data'), text) };
      throw error;
    }
  };
}
