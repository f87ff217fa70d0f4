// Calendar object validation on PUT (RFC 4791 §4.1, §5.3.2.1): bounded nesting and size, values
// that follow their grammar, complete VTIMEZONEs, one component type, one UID, no METHOD, sane
// DTSTART/DTEND/DURATION, component allowed in the collection, dates in range.
import { CALENDAR_COMPONENTS, type AppConfig } from '../config.ts';
import { conditionError } from '../dav/errors.ts';
import { ICAL, InvalidICalendarError, parseICalendar } from '../ical/parse.ts';
import { computeIndex } from './object-index.ts';
import { checkRscale } from './rscale.ts';
import { TooManyInstances } from '../ical/recurrence.ts';
import { controlCharacterProblem } from '../ical/content-lines.ts';
import { checkStructure, checkTimezones } from '../ical/structure.ts';
import { checkTimeValues } from '../ical/value-check.ts';
import { alignEndValueTypes } from '../ical/end-value-type.ts';
import { readingValues } from '../ical/zones.ts';
import type { CalendarObjectIndex } from '../storage/index.ts';

export interface ValidatedObject {
  text: string;
  vcalendar: ICAL.Component;
  index: CalendarObjectIndex;
}

const VALID_COMPONENTS: ReadonlySet<string> = new Set(CALENDAR_COMPONENTS);

/** `body` is iCalendar text: jCal and xCal bodies are converted before they get here (calendar-format.ts). */
export function validateCalendarObject(
  body: string,
  supportedComponents: readonly string[],
  config: AppConfig,
  /** The time of the write (which instances of a long unbounded series the index lists). */
  nowUtcMs: number,
): ValidatedObject {
  const valueChecks = { recurrenceRules: !config.caldav_accept_invalid_rrules };
  let vcalendar: ICAL.Component;
  try {
    vcalendar = parseICalendar(body);
  } catch (error) {
    // ical.js refuses some malformed values (BYHOUR=24, say) while parsing, with a terse message:
    // the value checks name the component, property and value instead when they find the cause.
    asInvalidData(() => checkTimeValues(body, valueChecks));
    throw invalidData(error instanceof InvalidICalendarError ? error.message : 'The iCalendar data cannot be parsed');
  }
  // The shape is checked first: serialising jCal, and every later walk, recurse per nesting level.
  asInvalidData(() => checkStructure(vcalendar.jCal));
  let text = body;
  const controlProblem = controlCharacterProblem(text);
  if (controlProblem) throw invalidData(controlProblem);
  // A DTEND or DUE in the wrong value type (RFC 5545 §3.8.2.2, §3.8.2.3) has only one possible
  // meaning, so it is rewritten in DTSTART's type; caldav_strict_rfc5545 refuses it in checkTimes.
  if (!config.caldav_strict_rfc5545) {
    const aligned = alignEndValueTypes(text);
    if (aligned !== text) {
      text = aligned;
      vcalendar = asInvalidData(() => parseICalendar(aligned));
    }
  }
  // Values before anything reads them: ical.js throws, or reads garbage, on a malformed one.
  asInvalidData(() => checkTimeValues(text, valueChecks));
  asInvalidData(() => checkTimezones(vcalendar.jCal));
  if (vcalendar.getFirstProperty('method')) {
    throw invalidObject('A calendar object resource must not contain a METHOD property (RFC 4791 §4.1)');
  }
  const components = vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  if (components.length === 0) throw invalidObject('The calendar object contains no calendar component');
  const type = components[0]!.name.toUpperCase();
  if (components.some((c) => c.name.toUpperCase() !== type)) {
    throw invalidObject('A calendar object resource must contain components of one type only (RFC 4791 §4.1)');
  }
  if (!VALID_COMPONENTS.has(type)) throw unsupportedComponent(`${type} is not a calendar component this server stores`);
  if (!supportedComponents.includes(type)) throw unsupportedComponent(`This calendar does not accept ${type} components`);
  const uids = new Set(components.map((c) => c.getFirstPropertyValue('uid')));
  if (uids.size !== 1 || uids.has(null) || uids.has('')) {
    throw invalidObject('Every component of a calendar object resource must carry the same, non-empty UID (RFC 4791 §4.1)');
  }
  asInvalidData(() => readingValues(() => checkComponents(components, config)));
  checkRscale(components);
  let index: CalendarObjectIndex;
  try {
    index = computeIndex(vcalendar, components, config, nowUtcMs);
  } catch (error) {
    if (error instanceof TooManyInstances) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-instances' }, `The recurrence yields more than ${config.caldav_max_instances} instances (RFC 4791 §5.2.7)`);
    }
    if (error instanceof InvalidICalendarError) throw invalidData(error.message);
    throw error;
  }
  return { text, vcalendar, index };
}

function checkComponents(components: ICAL.Component[], config: AppConfig): void {
  const recurrenceIds = new Set<string>();
  for (const component of components) {
    const rid = component.getFirstProperty('recurrence-id');
    const key = rid ? String(rid.getFirstValue()) : 'master';
    if (recurrenceIds.has(key)) throw invalidObject('Two components share one RECURRENCE-ID');
    recurrenceIds.add(key);
    const attendees = component.getAllProperties('attendee').length;
    const limit = config.caldav_max_attendees_per_instance;
    if (limit > 0 && attendees > limit) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-attendees-per-instance' }, `${component.name.toUpperCase()} has ${attendees} attendees; this server accepts at most ${limit} per instance (RFC 4791 §5.2.9)`);
    }
    checkTimes(component, config);
  }
}

function checkTimes(component: ICAL.Component, config: AppConfig): void {
  const start = component.getFirstProperty('dtstart');
  const end = component.getFirstProperty(component.name === 'vtodo' ? 'due' : 'dtend');
  const duration = component.getFirstProperty('duration');
  if (end && duration) throw invalidData(`${component.name.toUpperCase()} must not have both ${end.name.toUpperCase()} and DURATION`);
  if (!start && (component.name === 'vevent' && component.getFirstProperty('rrule'))) throw invalidData('A recurring VEVENT needs a DTSTART');
  if (start && end) {
    const startValue = start.getFirstValue() as ICAL.Time | null;
    const endValue = end.getFirstValue() as ICAL.Time | null;
    if (!(startValue instanceof ICAL.Time) || !(endValue instanceof ICAL.Time)) throw invalidData('Malformed date-time value');
    if (startValue.isDate !== endValue.isDate) {
      throw invalidData(`DTSTART and ${end.name.toUpperCase()} must both be dates or both be date-times (RFC 5545 §3.6.1)`);
    }
    // RFC 5545 forbids an end before the start, but clients write one (an edit that moved only
    // DTSTART): CalendarServer and, for to-dos, Cyrus store it, and it is read as ending at DTSTART.
    if (config.caldav_strict_rfc5545 && endValue.compare(startValue) < 0) {
      throw invalidData(`${end.name.toUpperCase()} is before DTSTART (RFC 5545 §3.8.2.${end.name === 'due' ? 3 : 2})`);
    }
  }
  for (const property of [start, end]) {
    const value = property?.getFirstValue();
    if (!(value instanceof ICAL.Time)) continue;
    const asUtc = value.toICALString().replace(/[-:]/g, '');
    const compact = asUtc.length === 8 ? `${asUtc}T000000Z` : asUtc.endsWith('Z') ? asUtc : `${asUtc}Z`;
    if (compact < config.caldav_mindatetime) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}min-date-time' }, `${property!.name.toUpperCase()} is earlier than the server's minimum ${config.caldav_mindatetime}`);
    }
    if (compact > config.caldav_maxdatetime) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-date-time' }, `${property!.name.toUpperCase()} is later than the server's maximum ${config.caldav_maxdatetime}`);
    }
  }
}

/** Runs a check whose InvalidICalendarError is the client's mistake: valid-calendar-data. */
function asInvalidData<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidICalendarError) throw invalidData(error.message);
    throw error;
  }
}

const invalidData = (message: string) => conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, message);
const invalidObject = (message: string) => conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-object-resource' }, message);
const unsupportedComponent = (message: string) => conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-component' }, message);
