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
import { formatBasicDateTime } from '../../tz/civil.ts';
import { UTC_ZONE, type Zone } from '../../tz/zone.ts';
import { scanEvents, type ScannedEvents, type Span, type TimeKind } from './event-scan.ts';
import { instancesInRange, type ExpandLimits } from './expand.ts';
import type { UtcRange } from './request.ts';

/** A RECURRENCE-ID as the engine gives it for each kind of time (RFC 5545 UTC form, or a date). */
const ENGINE_RECURRENCE_ID: Record<TimeKind, RegExp> = { time: /^\d{8}T\d{6}Z$/, date: /^\d{8}$/ };

/**
 * What expanding `text` over `range` gives, when its events can be expanded from their text
 * (scanEvents) and have no property after an alarm: the text of each instance, in the order the
 * full expansion gives them. Null for any other object (the full expansion then answers). `parsed`
 * saves parsing the text again when the caller has it, and `scanned` scanning it. Charges the
 * budget as the full expansion would.
 */
export function expandEventSeries(text: string, range: UtcRange, limits: ExpandLimits, parsed?: Component, scanned = scanEvents(text)): string | null {
  // A RECURRENCE-ID goes after an event's properties, which RFC 5545 puts before its alarms; the
  // full expansion writes it last among them, so a property after an alarm would put it elsewhere.
  if (!scanned || scanned.events.some((event) => event.propertyAfterAlarm)) return null;
  const { events, kind } = scanned;
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

/** How the instances of one object are written. */
interface InstanceWriting {
  kind: TimeKind;
  /** Where dates are days, as the expansion reads them (UTC unless the request or calendar gives one). */
  floatingZone: Zone;
  lineBreak: string;
}

/**
 * The object as the recurrence engine reads it: each event's UID, times and recurrence properties,
 * in the order of the text, so that its components are the events' in the same order.
 */
function recurrenceSkeleton(text: string, events: ScannedEvents['events']): string {
  let skeleton = 'BEGIN:VCALENDAR\r\n';
  for (const event of events) {
    const times = [event.start, event.end, ...(event.recurrenceId ? [event.recurrenceId] : [])].map((line) => ({ from: line.from, to: withItsLineBreak(text, line.to) }));
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
function instanceText(text: string, event: ScannedEvents['events'][number], instance: Instance, writing: InstanceWriting): string {
  const { floatingZone } = writing;
  // A date is the day the instant falls on in the floating zone.
  const date = (utcMs: number) => formatBasicDateTime(Math.floor(utcMs / 1000) + floatingZone.offsetAtUtc(utcMs)).slice(0, 8);
  const value = writing.kind === 'time' ? (utcMs: number) => `:${formatUtc(utcMs)}` : (utcMs: number) => `;VALUE=DATE:${date(utcMs)}`;
  const edits: { at: Span; text: string }[] = [
    { at: event.start, text: `DTSTART${value(instance.startUtcMs)}` },
    { at: event.end, text: `DTEND${value(instance.endUtcMs)}` },
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

/** Where the line ending at `end` (before its line break) ends with its line break. */
function withItsLineBreak(text: string, end: number): number {
  if (text[end] === '\r') end++;
  return text[end] === '\n' ? end + 1 : end;
}
