// CALDAV:expand of a recurring event, written from its text rather than re-serialised.
//
// The instances come from the recurrence engine, as for the full expansion (RFC 4791 §9.6.5). The
// rest of the full expansion is parsing the whole object, copying each component into a template,
// converting its times and writing the result out through ical.js, which together cost more than
// finding the instances. Here the engine reads only the lines it uses (UID, the times and the
// recurrence properties, parsed on their own), and each instance is the text of its component (the
// master, or the override that replaces it) with DTSTART, DTEND and RECURRENCE-ID in UTC (or as the
// instance's dates, for an all-day event) and the recurrence properties left out, which is what the
// full expansion writes for such an object. The other lines are given as stored, as a GET gives
// them. Only objects whose every other line the expansion would leave as it is take this way;
// anything else goes through the full expansion.
import { parseICalendar, type Component } from '../../ical/parse.ts';
import { chargeExpandedObject } from '../../ical/expansion-budget.ts';
import type { Instance } from '../../ical/recurrence.ts';
import { formatUtc } from '../../ical/zones.ts';
import { UTC_ZONE, utcMsToLocal, type LocalDateTime, type Zone } from '../../tz/zone.ts';
import { instancesInRange, type ExpandLimits } from './expand.ts';
import { LineNames, NON_UTC_DATE_TIME, TZID_PARAMETER, type NamedLine } from './expansion-lines.ts';
import type { UtcRange } from './request.ts';

/**
 * The lines the decision and the recurrence engine depend on: component boundaries, UID, times and
 * recurrence properties.
 */
const SERIES_LINES = new LineNames(['BEGIN', 'END', 'UID', 'RRULE', 'RDATE', 'EXDATE', 'EXRULE', 'RECURRENCE-ID', 'DTSTART', 'DTEND', 'DURATION', 'DUE']);
/** DTSTART, DTEND or RECURRENCE-ID in UTC, or in a zone with nothing else in its parameters. */
const TIME_VALUE = /^(?::\d{8}T\d{6}Z|;TZID=[A-Za-z0-9_+\-/]+:\d{8}T\d{6})$/i;
/** DTSTART, DTEND or RECURRENCE-ID of an all-day event, with nothing else in its parameters. */
const DATE_VALUE = /^;VALUE=DATE:\d{8}$/i;
/** A RECURRENCE-ID as the engine gives it for each kind of time (RFC 5545 UTC form, or a date). */
const ENGINE_RECURRENCE_ID: Record<TimeKind, RegExp> = { time: /^\d{8}T\d{6}Z$/, date: /^\d{8}$/ };
const RULE_PROPERTIES = new Set(['RRULE', 'RDATE', 'EXDATE', 'EXRULE']);

/**
 * What expanding `text` over `range` gives, when `text` holds only VEVENTs (with their alarms) whose
 * DTSTART, DTEND and any RECURRENCE-ID are all times in UTC or in a zone, or all dates, each on one
 * line, and no other zoned or floating time: the text of each instance, in the order the full
 * expansion gives them. Null for any other object (the full expansion then answers); `parsed`
 * saves parsing the text again when the caller has it. Charges the budget as the full expansion
 * would.
 */
export function expandEventSeries(text: string, range: UtcRange, limits: ExpandLimits, parsed?: Component): string | null {
  const object = eventsOf(text);
  if (!object) return null;
  const { events, kind } = object;
  const vcalendar = parsed ?? parseICalendar(recurrenceSkeleton(text, events));
  const components = vcalendar.getAllSubcomponents('vevent');
  if (components.length !== events.length || vcalendar.getAllSubcomponents().length !== events.length) return null;
  const eventOf = new Map(components.map((component, index) => [component, events[index]!]));
  const instances = instancesInRange(vcalendar, 'vevent', range, limits);
  // The engine writes the RECURRENCE-ID of a time in UTC or in a zone in UTC, and that of a date as
  // a date; the full expansion writes anything else its own way. Not reached for the times accepted.
  if (instances.some((instance) => instance.recurrenceId !== null && !ENGINE_RECURRENCE_ID[kind].test(instance.recurrenceId))) return null;
  const writing: InstanceWriting = { kind, floatingZone: limits.floatingZone ?? UTC_ZONE, lineBreak: text.includes('\r\n') ? '\r\n' : '\n' };
  let expanded = text.slice(0, events[0]!.from);
  for (const instance of instances) expanded += instanceText(text, eventOf.get(instance.component)!, instance, writing);
  if (limits.budget) chargeExpandedObject(limits.budget);
  return expanded + text.slice(events[events.length - 1]!.to);
}

// --- Internal helpers ---

/** Whether an object's events are timed or all-day: the two are written differently. */
type TimeKind = 'time' | 'date';

/** How the instances of one object are written. */
interface InstanceWriting {
  kind: TimeKind;
  /** Where dates are days, as the expansion reads them (UTC unless the request or calendar gives one). */
  floatingZone: Zone;
  lineBreak: string;
}

/** A span of the text: a line without its line break, or lines with theirs. */
interface Span {
  from: number;
  to: number;
}

/** One VEVENT of the text and what expanding it changes. */
interface EventText extends Span {
  start?: Span;
  end?: Span;
  recurrenceId?: Span;
  /** The recurrence properties, each with its continuation lines and line break. */
  rules: Span[];
  /** UID, with its continuation lines and line break. */
  uids: Span[];
  /** Where a RECURRENCE-ID goes when the event has none: after its properties, before any alarm. */
  propertiesEnd?: number;
}

/**
 * The VEVENTs of an object the expansion can write from text, in order; undefined for any other
 * shape: another component, a time in another form, a DURATION, lines between events, or a zoned or
 * floating time the expansion would have to convert elsewhere.
 */
function eventsOf(text: string): { events: EventText[]; kind: TimeKind } | undefined {
  const events: EventText[] = [];
  let kind: TimeKind | undefined;
  /** The lines this way rewrites or leaves out, in the order of the text. */
  const handled: Span[] = [];
  let event: EventText | undefined;
  let inAlarm = false;
  /** Where the event's last alarm so far ended: only another alarm or the event's end may follow. */
  let alarmsEnd: number | undefined;
  let calendar: 'before' | 'open' | 'closed' = 'before';
  let calendarEnd = -1;
  for (let line = SERIES_LINES.find(text, 0); line; line = SERIES_LINES.find(text, line.next)) {
    const name = line.name;
    if (name === 'BEGIN' || name === 'END') {
      const component = line.separator === ':' ? line.rest.toUpperCase() : '';
      const opens = name === 'BEGIN';
      if (component === 'VEVENT' && calendar === 'open' && !inAlarm && (event !== undefined) !== opens) {
        if (opens) {
          // Events follow one another, with nothing between them that the answer would have to keep.
          const previous = events[events.length - 1];
          if (previous && previous.to !== line.from) return undefined;
          event = { from: line.from, to: line.from, rules: [], uids: [] };
          alarmsEnd = undefined;
        } else {
          if (alarmsEnd !== undefined && alarmsEnd !== line.from) return undefined;
          event!.to = Math.min(line.next, text.length);
          event!.propertiesEnd ??= line.from;
          events.push(event!);
          event = undefined;
        }
      } else if (component === 'VALARM' && event && inAlarm !== opens) {
        // A RECURRENCE-ID goes after the event's properties, which RFC 5545 puts before its alarms;
        // the full expansion writes it last among them, so a property after an alarm would put it
        // elsewhere in the list.
        if (opens && alarmsEnd !== undefined && alarmsEnd !== line.from) return undefined;
        if (opens) event.propertiesEnd ??= line.from;
        else alarmsEnd = line.next;
        inAlarm = opens;
      } else if (component === 'VCALENDAR' && calendar === (opens ? 'before' : 'open') && !event) {
        calendar = opens ? 'open' : 'closed';
        if (!opens) calendarEnd = line.from;
      } else return undefined;
      continue;
    }
    if (name === 'UID') {
      // An alarm's UID (RFC 9074) is its own; the event's groups its instances.
      if (event && !inAlarm) event.uids.push({ from: line.from, to: logicalLineEnd(text, line) });
      continue;
    }
    // An alarm's repetition DURATION is its own; nothing else here may appear in an alarm.
    if (inAlarm && name === 'DURATION') continue;
    if (!event || inAlarm) return undefined;
    if (RULE_PROPERTIES.has(name)) {
      const rule = { from: line.from, to: logicalLineEnd(text, line) };
      event.rules.push(rule);
      handled.push(rule);
      continue;
    }
    const key = name === 'DTSTART' ? 'start' : name === 'DTEND' ? 'end' : name === 'RECURRENCE-ID' ? 'recurrenceId' : undefined;
    if (!key || event[key] || line.folded) return undefined;
    const value = line.separator + line.rest;
    const lineKind = TIME_VALUE.test(value) ? 'time' : DATE_VALUE.test(value) ? 'date' : undefined;
    // Times and dates together are left to the full expansion, which reads each its own way.
    if (!lineKind || (kind ??= lineKind) !== lineKind) return undefined;
    event[key] = { from: line.from, to: line.to };
    handled.push(event[key]);
  }
  const last = events[events.length - 1];
  if (!last || calendar !== 'closed' || calendarEnd !== last.to || events.some((e) => !e.start || !e.end)) return undefined;
  // Any other zoned or floating time (an alarm's, an unknown property's) is left to the full expansion.
  let kept = '';
  let copied = 0;
  for (const span of handled) {
    kept += text.slice(copied, span.from);
    copied = span.to;
  }
  kept += text.slice(copied);
  return TZID_PARAMETER.test(kept) || NON_UTC_DATE_TIME.test(kept) ? undefined : { events, kind: kind! };
}

/**
 * The object as the recurrence engine reads it: each event's UID, times and recurrence properties,
 * in the order of the text, so that its components are the events' in the same order.
 */
function recurrenceSkeleton(text: string, events: readonly EventText[]): string {
  let skeleton = 'BEGIN:VCALENDAR\r\n';
  for (const event of events) {
    const times = [event.start!, event.end!, ...(event.recurrenceId ? [event.recurrenceId] : [])].map((line) => ({ from: line.from, to: withItsLineBreak(text, line.to) }));
    skeleton += 'BEGIN:VEVENT\r\n';
    for (const span of [...event.uids, ...times, ...event.rules]) skeleton += withLineBreak(text.slice(span.from, span.to));
    skeleton += 'END:VEVENT\r\n';
  }
  return `${skeleton}END:VCALENDAR\r\n`;
}

/** A line as the skeleton holds it: the last line of an object may have no line break. */
const withLineBreak = (line: string) => (line.endsWith('\n') ? line : `${line}\r\n`);

/**
 * One instance: its component's text with its times in UTC (or its dates, for an all-day event)
 * and without recurrence properties.
 */
function instanceText(text: string, event: EventText, instance: Instance, writing: InstanceWriting): string {
  const value = writing.kind === 'time' ? (utcMs: number) => `:${formatUtc(utcMs)}` : (utcMs: number) => `;VALUE=DATE:${basicDate(utcMsToLocal(writing.floatingZone, utcMs))}`;
  const edits: { at: Span; text: string }[] = [
    { at: event.start!, text: `DTSTART${value(instance.startUtcMs)}` },
    { at: event.end!, text: `DTEND${value(instance.endUtcMs)}` },
    ...event.rules.map((rule) => ({ at: rule, text: '' })),
  ];
  if (instance.recurrenceId !== null) {
    const recurrenceId = `RECURRENCE-ID${writing.kind === 'time' ? ':' : ';VALUE=DATE:'}${instance.recurrenceId}`;
    const at = event.recurrenceId ?? { from: event.propertiesEnd!, to: event.propertiesEnd! };
    edits.push({ at, text: event.recurrenceId ? recurrenceId : recurrenceId + writing.lineBreak });
  }
  edits.sort((a, b) => a.at.from - b.at.from);
  let result = '';
  let copied = event.from;
  for (const edit of edits) {
    result += text.slice(copied, edit.at.from) + edit.text;
    copied = edit.at.to;
  }
  return result + text.slice(copied, event.to);
}

/** A date in the basic format: `20260303`. */
const basicDate = (local: LocalDateTime) => `${String(local.year).padStart(4, '0')}${String(local.month).padStart(2, '0')}${String(local.day).padStart(2, '0')}`;

/** Where the line ending at `end` (before its line break) ends with its line break. */
function withItsLineBreak(text: string, end: number): number {
  if (text[end] === '\r') end++;
  return text[end] === '\n' ? end + 1 : end;
}

/** The end, with its line break, of the property on `line`: continuation lines included. */
function logicalLineEnd(text: string, line: NamedLine): number {
  let next = Math.min(line.next, text.length);
  while (text[next] === ' ' || text[next] === '\t') {
    const newline = text.indexOf('\n', next);
    next = newline === -1 ? text.length : newline + 1;
  }
  return next;
}
