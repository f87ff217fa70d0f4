// The CALDAV:calendar-data property in reports (RFC 4791 §9.6): the object's text, or the form
// the request asks for (content-type), in one place for every report that returns data.
import { badRequest, conditionError } from '../../dav/errors.ts';
import { el, type XmlElement } from '../../dav/xml/element.ts';
import { caldav } from '../../dav/xml/names.ts';
import { ICAL } from '../../ical/parse.ts';
import type { ResourceRecord } from '../../storage/index.ts';

export function calendarDataProvider(request: XmlElement | undefined): (record: ResourceRecord) => { element: XmlElement } {
  const contentType = request?.attributes['content-type'] ?? 'text/calendar';
  const version = request?.attributes.version ?? '2.0';
  if (version !== '2.0') throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }, 'Only iCalendar version 2.0 is supported');
  if (contentType !== 'text/calendar' && contentType !== 'application/calendar+json') {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }, `calendar-data cannot be returned as ${contentType}`);
  }
  if (request && request.children.some((c) => typeof c !== 'string')) void badRequest;
  return (record) => {
    const text = typeof record.data === 'string' ? record.data : new TextDecoder().decode(record.data);
    if (contentType === 'application/calendar+json') {
      return { element: el(caldav('calendar-data'), JSON.stringify(ICAL.parse(text)), { 'content-type': contentType }) };
    }
    return { element: el(caldav('calendar-data'), text) };
  };
}
