// CALDAV:filter XML → CalendarFilter (RFC 4791 §9.7–§9.9), checking the DTD and the nesting rules of
// §7.8 (valid-filter), what can be queried (supported-filter) and collations (supported-collation).
import { childElements, textContent, type XmlElement } from '../../dav/xml/element.ts';
import { caldav, NS, splitClark } from '../../dav/xml/names.ts';
import { parseUtc } from '../../ical/zones.ts';
import type { TimeRange } from '../../ical/time-range.ts';
import type { CalendarFilter, CompFilter, FilterTest, ParamFilter, PropFilter, TextMatch } from './ast.ts';
import { isMatchType, isSupportedCollation } from './collation.ts';
import { FilterError } from './errors.ts';

export { FilterError, type FilterErrorKind } from './errors.ts';

/** Components whose overlap with a time range §9.9 defines (plus VAVAILABILITY, RFC 7953 §3.1, and VPOLL: ical/poll-range.ts). */
const TIME_RANGE_COMPONENTS = new Set(['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VALARM', 'VAVAILABILITY', 'VPOLL', '*']);

/** Where standard components may appear (RFC 5545 §3.6, RFC 7953, RFC 9073); other names are not checked. */
const ALLOWED_CHILDREN: Record<string, readonly string[]> = {
  VCALENDAR: ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VTIMEZONE', 'VAVAILABILITY', 'VPOLL'],
  VEVENT: ['VALARM', 'PARTICIPANT', 'VLOCATION', 'VRESOURCE'],
  VTODO: ['VALARM', 'PARTICIPANT', 'VLOCATION', 'VRESOURCE'],
  VJOURNAL: ['PARTICIPANT', 'VLOCATION', 'VRESOURCE'],
  VFREEBUSY: ['PARTICIPANT', 'VLOCATION', 'VRESOURCE'],
  VTIMEZONE: ['STANDARD', 'DAYLIGHT'],
  VAVAILABILITY: ['AVAILABLE'],
  VALARM: ['VLOCATION'],
  STANDARD: [],
  DAYLIGHT: [],
  AVAILABLE: [],
};
const KNOWN_COMPONENTS = new Set([...Object.keys(ALLOWED_CHILDREN), ...Object.values(ALLOWED_CHILDREN).flat()]);

/** Standard properties whose values are never DATE, DATE-TIME or PERIOD: a time-range on them is invalid (§7.8). */
const UNTIMED_PROPERTIES = new Set([
  'ACTION', 'ATTACH', 'ATTENDEE', 'CALSCALE', 'CATEGORIES', 'CLASS', 'COMMENT', 'CONTACT', 'DESCRIPTION', 'DURATION',
  'GEO', 'LOCATION', 'METHOD', 'ORGANIZER', 'PERCENT-COMPLETE', 'PRIORITY', 'PRODID', 'RELATED-TO', 'REPEAT',
  'REQUEST-STATUS', 'RESOURCES', 'RRULE', 'SEQUENCE', 'STATUS', 'SUMMARY', 'TRANSP', 'TZID', 'TZNAME', 'TZOFFSETFROM',
  'TZOFFSETTO', 'TZURL', 'UID', 'URL', 'VERSION',
]);

/** Parses the {urn:ietf:params:xml:ns:caldav}filter element; throws FilterError. */
export function parseCalendarFilter(filterElement: XmlElement): CalendarFilter {
  if (filterElement.name !== caldav('filter')) throw invalid(`expected CALDAV:filter, got ${filterElement.name}`);
  const children = caldavChildren(filterElement);
  const root = children[0];
  if (children.length !== 1 || root?.name !== caldav('comp-filter')) throw invalid('CALDAV:filter must contain exactly one CALDAV:comp-filter');
  const rootFilter = parseCompFilter(root, undefined);
  if (rootFilter.name !== 'VCALENDAR') throw invalid(`the top-level comp-filter must be VCALENDAR, not "${rootFilter.name}"`);
  return { root: rootFilter };
}

// --- Internal helpers ---

function parseCompFilter(element: XmlElement, parent: string | undefined): CompFilter {
  const name = requiredName(element, 'comp-filter');
  if (parent !== undefined && name === 'VCALENDAR') throw invalid('VCALENDAR cannot be nested in another comp-filter');
  const allowed = parent !== undefined ? ALLOWED_CHILDREN[parent] : undefined;
  if (allowed && KNOWN_COMPONENTS.has(name) && !allowed.includes(name)) throw invalid(`${name} cannot be nested in ${parent}`);
  const filter: CompFilter = { name, isNotDefined: false, test: parseTest(element), propFilters: [], compFilters: [] };
  for (const child of caldavChildren(element)) {
    const local = splitClark(child.name).local;
    if (local === 'is-not-defined') filter.isNotDefined = true;
    else if (local === 'time-range') {
      if (filter.timeRange) throw invalid(`comp-filter ${name} has more than one CALDAV:time-range`);
      if (!TIME_RANGE_COMPONENTS.has(name)) throw new FilterError('supported-filter', `CALDAV:time-range is not supported on ${name}`);
      filter.timeRange = parseTimeRange(child);
    } else if (local === 'prop-filter') filter.propFilters.push(parsePropFilter(child));
    else if (local === 'comp-filter') filter.compFilters.push(parseCompFilter(child, name));
    else throw invalid(`unexpected CALDAV:${local} in comp-filter ${name}`);
  }
  if (filter.isNotDefined && caldavChildren(element).length > 1) throw invalid(`comp-filter ${name}: is-not-defined must be alone`);
  return filter;
}

function parsePropFilter(element: XmlElement): PropFilter {
  const name = requiredName(element, 'prop-filter');
  const filter: PropFilter = { name, isNotDefined: false, test: parseTest(element), paramFilters: [] };
  for (const child of caldavChildren(element)) {
    const local = splitClark(child.name).local;
    if (local === 'is-not-defined') filter.isNotDefined = true;
    else if (local === 'time-range' || local === 'text-match') {
      const isTimeRange = local === 'time-range';
      if (isTimeRange ? filter.timeRange : filter.textMatch) throw invalid(`prop-filter ${name} has more than one CALDAV:${local}`);
      // Cyrus answers supported-filter for time-range together with text-match; we do the same.
      if (isTimeRange ? filter.textMatch : filter.timeRange) {
        throw new FilterError('supported-filter', `prop-filter ${name} cannot combine CALDAV:time-range and CALDAV:text-match`);
      }
      if (isTimeRange) {
        if (UNTIMED_PROPERTIES.has(name)) throw invalid(`CALDAV:time-range cannot apply to ${name}, which holds no date or time`);
        filter.timeRange = parseTimeRange(child);
      } else filter.textMatch = parseTextMatch(child);
    } else if (local === 'param-filter') filter.paramFilters.push(parseParamFilter(child));
    else throw invalid(`unexpected CALDAV:${local} in prop-filter ${name}`);
  }
  if (filter.isNotDefined && caldavChildren(element).length > 1) throw invalid(`prop-filter ${name}: is-not-defined must be alone`);
  return filter;
}

function parseParamFilter(element: XmlElement): ParamFilter {
  const name = requiredName(element, 'param-filter');
  const filter: ParamFilter = { name, isNotDefined: false };
  for (const child of caldavChildren(element)) {
    const local = splitClark(child.name).local;
    if (local === 'is-not-defined' && !filter.isNotDefined && !filter.textMatch) filter.isNotDefined = true;
    else if (local === 'text-match' && !filter.isNotDefined && !filter.textMatch) filter.textMatch = parseTextMatch(child);
    else throw invalid(`param-filter ${name} takes one is-not-defined or one text-match, not CALDAV:${local} here`);
  }
  return filter;
}

function parseTextMatch(element: XmlElement): TextMatch {
  const collation = (element.attributes.collation ?? 'i;ascii-casemap').toLowerCase();
  if (!isSupportedCollation(collation)) throw new FilterError('supported-collation', `collation "${collation}" is not supported`);
  const negate = element.attributes['negate-condition'] ?? 'no';
  if (negate !== 'yes' && negate !== 'no') throw invalid(`negate-condition must be "yes" or "no", not "${negate}"`);
  const matchType = element.attributes['match-type'] ?? 'contains';
  if (!isMatchType(matchType)) throw new FilterError('supported-filter', `match-type "${matchType}" is not supported`);
  return { text: textContent(element), collation, matchType, negate: negate === 'yes' };
}

function parseTimeRange(element: XmlElement): TimeRange {
  const { start, end } = element.attributes;
  if (start === undefined && end === undefined) throw invalid('CALDAV:time-range needs a start or an end attribute');
  const range: TimeRange = {};
  if (start !== undefined) range.startUtcMs = utcAttribute('start', start);
  if (end !== undefined) range.endUtcMs = utcAttribute('end', end);
  if (range.startUtcMs !== undefined && range.endUtcMs !== undefined && range.endUtcMs <= range.startUtcMs) {
    throw invalid(`CALDAV:time-range end ${end} must be later than start ${start}`);
  }
  return range;
}

function utcAttribute(name: string, value: string): number {
  const utcMs = parseUtc(value.trim());
  if (utcMs === undefined) throw invalid(`CALDAV:time-range ${name}="${value}" is not a UTC date-time (YYYYMMDDTHHMMSSZ)`);
  return utcMs;
}

function parseTest(element: XmlElement): FilterTest {
  const test = element.attributes.test ?? 'allof';
  if (test !== 'allof' && test !== 'anyof') throw invalid(`test must be "anyof" or "allof", not "${test}"`);
  return test;
}

function requiredName(element: XmlElement, kind: string): string {
  const name = element.attributes.name?.trim();
  if (!name) throw invalid(`CALDAV:${kind} needs a name attribute`);
  return name.toUpperCase();
}

/** CalDAV-namespace children; elements of other namespaces are extensions and are ignored. */
function caldavChildren(element: XmlElement): XmlElement[] {
  return childElements(element).filter((child) => splitClark(child.name).namespace === NS.CALDAV);
}

function invalid(message: string): FilterError {
  return new FilterError('valid-filter', message);
}
