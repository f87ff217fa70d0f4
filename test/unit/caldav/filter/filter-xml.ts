// Builds CALDAV:filter elements for the filter tests from the XML a client would send.
import { parseXml } from '../../../../src/dav/xml/parse.ts';
import type { XmlElement } from '../../../../src/dav/xml/element.ts';
import { parseCalendarFilter } from '../../../../src/caldav/filter/parse.ts';
import type { CalendarFilter } from '../../../../src/caldav/filter/ast.ts';

/** The element of `<C:filter>` + body, with C bound to the CalDAV namespace. */
export function filterElement(body: string): XmlElement {
  return parseXml(`<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:X="http://example.com/ns/">${body}</C:filter>`);
}

export function filter(body: string): CalendarFilter {
  return parseCalendarFilter(filterElement(body));
}

/** A comp-filter VCALENDAR › comp-filter VEVENT around the given body. */
export function eventFilter(body: string, attributes = ''): CalendarFilter {
  return filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"${attributes}>${body}</C:comp-filter></C:comp-filter>`);
}
