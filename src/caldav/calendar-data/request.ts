// The CALDAV:calendar-data request element (RFC 4791 §9.6, §9.6.1–§9.6.7): media type, partial
// retrieval (comp/prop), expand, limit-recurrence-set and limit-freebusy-set, parsed and checked.
import { badRequest, conditionError } from '../../dav/errors.ts';
import { childElements, textContent, type XmlElement } from '../../dav/xml/element.ts';
import { NS, splitClark } from '../../dav/xml/names.ts';
import { parseUtc } from '../../ical/zones.ts';
import { CALENDAR_MEDIA_TYPES, calendarMediaType, type CalendarMediaType } from '../../ical/formats.ts';

/** A closed-open UTC range [start, end), both bounds required (RFC 4791 §9.6.5–§9.6.7). */
export interface UtcRange {
  startUtcMs: number;
  endUtcMs: number;
}

export interface CompSelector {
  /** Upper-case component name. */
  name: string;
  /** All properties (CALDAV:allprop), or only `props`. */
  allProps: boolean;
  props: PropSelector[];
  /** All subcomponents, whole (CALDAV:allcomp), or only those named in `comps`. */
  allComps: boolean;
  comps: CompSelector[];
}

export interface PropSelector {
  /** Upper-case property name. */
  name: string;
  /** novalue="yes": the property is returned without its value (RFC 4791 §9.6.4). */
  novalue: boolean;
}

export interface CalendarDataRequest {
  mediaType: CalendarMediaType;
  /** The VCALENDAR selector; undefined returns every component and property. */
  comp?: CompSelector | undefined;
  expand?: UtcRange | undefined;
  limitRecurrenceSet?: UtcRange | undefined;
  limitFreebusySet?: UtcRange | undefined;
}

/** The whole object as stored: what an absent or empty CALDAV:calendar-data asks for. */
export const WHOLE_OBJECT: CalendarDataRequest = { mediaType: 'text/calendar' };

/**
 * Parses a CALDAV:calendar-data element of a REPORT request (undefined means the element was not
 * given attributes or children). A media type or version the server cannot produce is the
 * supported-calendar-data precondition; any other mistake is a 400 naming the element.
 */
export function parseCalendarDataRequest(element: XmlElement | undefined): CalendarDataRequest {
  if (!element) return WHOLE_OBJECT;
  const mediaType = parseMediaType(element.attributes['content-type']);
  const version = (element.attributes.version ?? '2.0').trim();
  if (version !== '2.0') throw unsupported(`iCalendar version ${version} is not supported; only 2.0 is`);
  const request: CalendarDataRequest = { mediaType };
  for (const child of caldavChildren(element)) {
    const local = splitClark(child.name).local;
    switch (local) {
      case 'comp':
        if (request.comp) throw badRequest('CALDAV:calendar-data takes at most one CALDAV:comp');
        request.comp = parseComp(child, []);
        if (request.comp.name !== 'VCALENDAR') throw badRequest(`The top-level CALDAV:comp must be VCALENDAR, not ${request.comp.name}`);
        break;
      case 'expand':
      case 'limit-recurrence-set':
        if (request.expand || request.limitRecurrenceSet) {
          throw badRequest('CALDAV:calendar-data takes one CALDAV:expand or one CALDAV:limit-recurrence-set, not both or several');
        }
        if (local === 'expand') request.expand = parseRange(child);
        else request.limitRecurrenceSet = parseRange(child);
        break;
      case 'limit-freebusy-set':
        if (request.limitFreebusySet) throw badRequest('CALDAV:calendar-data takes at most one CALDAV:limit-freebusy-set');
        request.limitFreebusySet = parseRange(child);
        break;
      default:
        throw badRequest(`Unexpected CALDAV:${local} in CALDAV:calendar-data`);
    }
  }
  return request;
}

/** Whether the request asks for the stored text unchanged (no parsing needed). */
export function isWholeObject(request: CalendarDataRequest): boolean {
  return request.mediaType === 'text/calendar' && !request.comp && !request.expand && !request.limitRecurrenceSet && !request.limitFreebusySet;
}

/** Whether the request asks for the whole object expanded, as iCalendar text, and nothing else. */
export function isExpansionOnly(request: CalendarDataRequest): boolean {
  return request.mediaType === 'text/calendar' && !request.comp && request.expand !== undefined && !request.limitRecurrenceSet && !request.limitFreebusySet;
}

// --- Internal helpers ---

function parseMediaType(value: string | undefined): CalendarMediaType {
  if (value === undefined) return 'text/calendar';
  const known = calendarMediaType(value);
  if (!known) throw unsupported(`calendar-data cannot be returned as ${value.trim() || 'an empty media type'}; use ${CALENDAR_MEDIA_TYPES.join(', ')}`);
  return known;
}

function parseComp(element: XmlElement, path: readonly string[]): CompSelector {
  const name = element.attributes.name?.trim().toUpperCase();
  const where = [...path, name ?? '?'].join('/');
  if (!name) throw badRequest(`CALDAV:comp${path.length ? ` inside ${path.join('/')}` : ''} needs a name attribute`);
  const selector: CompSelector = { name, allProps: false, props: [], allComps: false, comps: [] };
  const children = caldavChildren(element);
  for (const child of children) {
    const local = splitClark(child.name).local;
    if (local === 'allprop') selector.allProps = true;
    else if (local === 'prop') selector.props.push(parseProp(child, where));
    else if (local === 'allcomp') selector.allComps = true;
    else if (local === 'comp') selector.comps.push(parseComp(child, [...path, name]));
    else throw badRequest(`Unexpected CALDAV:${local} in CALDAV:comp ${where}`);
  }
  if (selector.allProps && selector.props.length > 0) throw badRequest(`CALDAV:comp ${where} cannot combine CALDAV:allprop with CALDAV:prop`);
  if (selector.allComps && selector.comps.length > 0) throw badRequest(`CALDAV:comp ${where} cannot combine CALDAV:allcomp with CALDAV:comp`);
  // An empty <comp name="X"/> returns X whole: RFC 4791 §7.8.1 asks for <C:comp name="VTIMEZONE"/>
  // and shows the complete VTIMEZONE in its answer.
  if (children.length === 0) {
    selector.allProps = true;
    selector.allComps = true;
  }
  return selector;
}

function parseProp(element: XmlElement, where: string): PropSelector {
  const name = element.attributes.name?.trim().toUpperCase();
  if (!name) throw badRequest(`CALDAV:prop in CALDAV:comp ${where} needs a name attribute`);
  const novalue = element.attributes.novalue ?? 'no';
  if (novalue !== 'yes' && novalue !== 'no') throw badRequest(`CALDAV:prop ${name}: novalue must be "yes" or "no", not "${novalue}"`);
  if (childElements(element).length > 0 || textContent(element).trim() !== '') throw badRequest(`CALDAV:prop ${name} must be empty`);
  return { name, novalue: novalue === 'yes' };
}

function parseRange(element: XmlElement): UtcRange {
  const local = splitClark(element.name).local;
  const { start, end } = element.attributes;
  if (start === undefined || end === undefined) throw badRequest(`CALDAV:${local} needs both a start and an end attribute`);
  const startUtcMs = parseUtc(start.trim());
  const endUtcMs = parseUtc(end.trim());
  if (startUtcMs === undefined) throw badRequest(`CALDAV:${local} start="${start}" is not a UTC date-time (YYYYMMDDTHHMMSSZ)`);
  if (endUtcMs === undefined) throw badRequest(`CALDAV:${local} end="${end}" is not a UTC date-time (YYYYMMDDTHHMMSSZ)`);
  if (endUtcMs <= startUtcMs) throw badRequest(`CALDAV:${local} end ${end} must be later than start ${start}`);
  return { startUtcMs, endUtcMs };
}

/** CalDAV-namespace children; elements of other namespaces are extensions and are ignored (RFC 4918 §17). */
function caldavChildren(element: XmlElement): XmlElement[] {
  return childElements(element).filter((child) => splitClark(child.name).namespace === NS.CALDAV);
}

function unsupported(message: string) {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }, message);
}
