// The three forms calendar data travels in: iCalendar text (RFC 5545, what storage keeps), jCal
// (RFC 7265) and xCal (RFC 6321). ical.js converts text ↔ jCal; xcal.ts converts jCal ↔ xCal.
import { ICAL, InvalidICalendarError } from './parse.ts';
import { jcalToXcal, xcalToJcal, type JCalComponent, type JCalProperty } from './xcal.ts';

/** In the order a server prefers them when a client accepts several equally (the first is storage's). */
export const CALENDAR_MEDIA_TYPES = ['text/calendar', 'application/calendar+json', 'application/calendar+xml'] as const;

export type CalendarMediaType = (typeof CALENDAR_MEDIA_TYPES)[number];

/** The calendar media type a Content-Type names (parameters ignored), or null for any other type. */
export function calendarMediaType(contentType: string | null | undefined): CalendarMediaType | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return CALENDAR_MEDIA_TYPES.find((candidate) => candidate === type) ?? null;
}

/** Content-Type header value for a calendar media type. */
export function calendarContentType(mediaType: CalendarMediaType): string {
  return `${mediaType}; charset=utf-8`;
}

/**
 * A calendar body in any of the three forms as iCalendar text, the form every later check reads.
 * Text is returned unchanged; jCal and xCal are converted. Throws InvalidICalendarError.
 */
export function toICalendarText(body: string, mediaType: CalendarMediaType): string {
  if (mediaType === 'text/calendar') return body;
  const jcal = mediaType === 'application/calendar+json' ? readJCal(body) : xcalToJcal(body);
  try {
    return ICAL.stringify(jcal as unknown as unknown[]);
  } catch (error) {
    throw new InvalidICalendarError(`The ${mediaType === 'application/calendar+json' ? 'jCal' : 'xCal'} data is malformed: ${(error as Error).message}`);
  }
}

/** A vcalendar tree (jCal arrays) written in the requested form. */
export function serializeCalendar(vcalendar: JCalComponent, mediaType: CalendarMediaType): string {
  if (mediaType === 'application/calendar+json') return JSON.stringify(vcalendar);
  if (mediaType === 'application/calendar+xml') return jcalToXcal(vcalendar);
  return ICAL.stringify(vcalendar as unknown as unknown[]);
}

/** Stored iCalendar text in the requested form (text is returned as it is). Throws InvalidICalendarError. */
export function fromICalendarText(text: string, mediaType: CalendarMediaType): string {
  if (mediaType === 'text/calendar') return text;
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (error) {
    throw new InvalidICalendarError(`The iCalendar data cannot be parsed: ${(error as Error).message}`);
  }
  return serializeCalendar(jcal as JCalComponent, mediaType);
}

export type { JCalComponent, JCalProperty };

// --- Internal helpers ---

/** Nesting a jCal document may have before it is refused (a component is two levels per level). */
const MAX_JCAL_DEPTH = 128;

/**
 * Parses and shape-checks jCal (RFC 7265 §3): ical.js trusts its input's shape and throws, or
 * writes garbage, on anything else. DATE, DATE-TIME, TIME and UTC-OFFSET values written in the
 * iCalendar basic format ("20270101T000000Z", which CalendarServer's own examples use) are read
 * as the extended format jCal requires.
 */
function readJCal(body: string): JCalComponent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidICalendarError(`The jCal data is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(json) || json[0] !== 'vcalendar') throw new InvalidICalendarError('jCal data must be one ["vcalendar", properties, components] array');
  checkComponent(json, 0);
  return json as JCalComponent;
}

function checkComponent(component: unknown, depth: number): void {
  if (depth > MAX_JCAL_DEPTH) throw new InvalidICalendarError(`The jCal data is nested more than ${MAX_JCAL_DEPTH} components deep`);
  if (!Array.isArray(component) || component.length !== 3 || typeof component[0] !== 'string' || !Array.isArray(component[1]) || !Array.isArray(component[2])) {
    throw new InvalidICalendarError('A jCal component must be [name, [properties], [components]] (RFC 7265 §3.2)');
  }
  for (const property of component[1] as unknown[]) checkProperty(property, component[0]);
  for (const child of component[2] as unknown[]) checkComponent(child, depth + 1);
}

function checkProperty(property: unknown, component: string): void {
  if (!Array.isArray(property) || property.length < 3 || typeof property[0] !== 'string' || typeof property[2] !== 'string'
    || property[1] === null || typeof property[1] !== 'object' || Array.isArray(property[1])) {
    throw new InvalidICalendarError(`A jCal property of ${component.toUpperCase()} must be [name, {parameters}, type, values...] (RFC 7265 §3.4)`);
  }
  const type = property[2].toLowerCase();
  for (let i = 3; i < property.length; i++) {
    const value = property[i];
    if (typeof value === 'string' && BASIC_FORMATS[type]) property[i] = BASIC_FORMATS[type](value);
    else if (type === 'period' && Array.isArray(value)) property[i] = value.map((part) => (typeof part === 'string' && !/^[+-]?P/.test(part) ? BASIC_FORMATS['date-time']!(part) : part));
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && type !== 'recur') {
      throw new InvalidICalendarError(`${property[0].toUpperCase()}: a jCal ${type} value cannot be an object`);
    }
  }
}

const BASIC_FORMATS: Record<string, (value: string) => string> = {
  date: (v) => v.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3'),
  'date-time': (v) => v.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/i, '$1-$2-$3T$4:$5:$6$7'),
  time: (v) => v.replace(/^(\d{2})(\d{2})(\d{2})(Z?)$/i, '$1:$2:$3$4'),
  'utc-offset': (v) => v.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2'),
};
