// Which form calendar data is read and written in: iCalendar (RFC 5545, what is stored), jCal
// (RFC 7265) or xCal (RFC 6321), as Cyrus 3.6 negotiates it: request bodies by Content-Type,
// responses by Accept (RFC 9110 §12.5.1). CALDAV:supported-calendar-data lists the same types.
import { conditionError, DavError } from '../dav/errors.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import { negotiateMediaType } from '../http/accept.ts';
import { CALENDAR_MEDIA_TYPES, calendarMediaType, toICalendarText, type CalendarMediaType } from '../ical/formats.ts';
import { InvalidICalendarError } from '../ical/parse.ts';

export { CALENDAR_MEDIA_TYPES, type CalendarMediaType };

/**
 * The form the client's Accept header asks for; text/calendar without one. Nothing acceptable is a
 * 406 (as Cyrus answers) naming what is available, with CALDAV:supported-calendar-data, the
 * property that lists the same forms (RFC 4791 §5.2.4).
 */
export function negotiateCalendarType(request: Request): CalendarMediaType {
  const accept = request.headers.get('accept');
  const chosen = negotiateMediaType(accept, CALENDAR_MEDIA_TYPES, { version: '2.0' });
  if (!chosen) {
    throw new DavError(406, SUPPORTED_CALENDAR_DATA, `Calendar data is available as ${CALENDAR_MEDIA_TYPES.join(', ')} (version 2.0), none of which "${accept}" accepts`, { Vary: 'Accept' });
  }
  return chosen;
}

/**
 * A request body carrying one calendar object, as iCalendar text: bytes in UTF-8, in any of the
 * three forms by its Content-Type. Another type is 415 with CALDAV:supported-calendar-data, data
 * that cannot be read 403 with CALDAV:valid-calendar-data (RFC 4791 §5.3.2.1). Text is returned
 * as sent, so that what validation later checks is exactly what was sent.
 */
export function parseCalendarBody(bytes: Uint8Array, contentType: string | null): string {
  const mediaType = calendarMediaType(contentType);
  if (!mediaType) {
    throw conditionError(
      SUPPORTED_CALENDAR_DATA,
      `Calendar data must be sent as ${CALENDAR_MEDIA_TYPES.join(', ')}, not ${contentType ?? 'without a Content-Type'}`,
    );
  }
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidData('Calendar data must be UTF-8 (RFC 5545 §3.1.4)');
  }
  try {
    return toICalendarText(body, mediaType);
  } catch (error) {
    if (error instanceof InvalidICalendarError) throw invalidData(error.message);
    throw error;
  }
}

/** Whether a body of this Content-Type is stored as something other than the bytes sent. */
export function isConvertedBody(contentType: string | null): boolean {
  const mediaType = calendarMediaType(contentType);
  return mediaType !== null && mediaType !== 'text/calendar';
}

/** The CALDAV:calendar-data elements of supported-calendar-data (RFC 4791 §5.2.4): every form above. */
export function supportedCalendarData(): XmlElement[] {
  return CALENDAR_MEDIA_TYPES.map((type) => el(caldav('calendar-data'), null, { 'content-type': type, version: '2.0' }));
}

// --- Internal helpers ---

const SUPPORTED_CALENDAR_DATA = { name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' } as const;

function invalidData(message: string): DavError {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, message);
}
