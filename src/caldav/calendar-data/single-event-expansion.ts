// CALDAV:expand of a single event, answered from its text without parsing it.
//
// Expanding gives each instance with its times in UTC, without recurrence properties and without
// VTIMEZONE (RFC 4791 §9.6.5). For an event that does not recur, that is the stored text itself
// with DTSTART and DTEND written in UTC (an all-day event keeps its dates): nothing else changes. Parsing such an event and writing it
// out again is most of what expanding it costs, and single events are most of many calendars. Only
// plainly simple objects take this way; anything else, and anything this scan is unsure of, goes
// through the full expansion, which gives the same calendar.
import { chargeExpandedObject } from '../../ical/expansion-budget.ts';
import { daysInMonth, formatUtc, parseUtc } from '../../ical/zones.ts';
import { getZone } from '../../tz/catalogue.ts';
import { localToUtcMs, UTC_ZONE, type LocalDateTime, type Zone } from '../../tz/zone.ts';
import type { ExpandLimits } from './expand.ts';
import { LineNames, NON_UTC_DATE_TIME, TZID_PARAMETER } from './expansion-lines.ts';
import type { UtcRange } from './request.ts';

/** The lines the decision depends on: component boundaries, recurrence properties and the event's times. */
const DECIDING_LINES = new LineNames(['BEGIN', 'END', 'RRULE', 'RDATE', 'EXDATE', 'EXRULE', 'RECURRENCE-ID', 'DTSTART', 'DTEND', 'DURATION', 'DUE']);
/** DTSTART or DTEND in a zone, with nothing else in its parameters: `TZID=Europe/Paris:20260303T090000`. */
const ZONED_VALUE = /^TZID=([A-Za-z0-9_+\-/]+):(\d{8}T\d{6})$/i;
/** DTSTART or DTEND of an all-day event, with nothing else in its parameters: `VALUE=DATE:20260303`. */
const DATE_VALUE = /^VALUE=DATE:(\d{8})$/i;
/** A local date, or date and time, in the basic format: `20260303` or `20260303T090000`. */
const LOCAL_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?$/;

/**
 * What expanding `text` over `range` gives, when `text` holds one VEVENT that does not recur, with
 * DTSTART and DTEND both dates, or both times in UTC or in a known zone, overlapping the range: the
 * text with times in a zone written in UTC. Null when the object is not that simple or does not
 * overlap (the full expansion then answers). Charges the budget as the full expansion would.
 */
export function expandSingleEvent(text: string, range: UtcRange, limits: ExpandLimits): string | null {
  if (limits.budget?.exhausted) return null;
  const event = singleEvent(text);
  if (!event) return null;
  // Dates are days in the floating zone, as expansion reads them (UTC unless the request or the
  // calendar gives one); a date and a time together are left to it.
  if ((event.start.form === 'date') !== (event.end.form === 'date')) return null;
  const floatingZone = limits.floatingZone ?? UTC_ZONE;
  const [startUtcMs, endUtcMs] = [instantOf(event.start, floatingZone), instantOf(event.end, floatingZone)];
  if (startUtcMs === undefined || endUtcMs === undefined) return null;
  if (!(endUtcMs > startUtcMs && range.startUtcMs < endUtcMs && range.endUtcMs > startUtcMs)) return null;
  const expanded = inUtc(text, [
    { line: event.start, utcMs: startUtcMs },
    { line: event.end, utcMs: endUtcMs },
  ]);
  // Any other zoned or floating time (an alarm's, an unknown property's) is left to the full expansion.
  if (TZID_PARAMETER.test(expanded) || NON_UTC_DATE_TIME.test(expanded)) return null;
  if (limits.budget) chargeExpandedObject(limits.budget);
  return expanded;
}

// --- Internal helpers ---

/** A DTSTART or DTEND line as the scan finds it (its value is read once the object qualifies). */
interface TimeLine {
  name: string;
  /** `NAME:<UTC>`, `NAME;TZID=<zone>:<local>` or `NAME;VALUE=DATE:<date>` (the value is checked when read). */
  form: 'utc' | 'zoned' | 'date';
  value: string;
  /** The line's span in the text, its line break excluded. */
  from: number;
  to: number;
}

/** DTSTART and DTEND of the one VEVENT of a non-recurring object; undefined for any other shape. */
function singleEvent(text: string): { start: TimeLine; end: TimeLine } | undefined {
  let events = 0;
  let inEvent = false;
  let inAlarm = false;
  let start: TimeLine | undefined;
  let end: TimeLine | undefined;
  for (let found = DECIDING_LINES.find(text, 0); found; found = DECIDING_LINES.find(text, found.next)) {
    const { name, rest: value } = found;
    if (name === 'BEGIN' || name === 'END') {
      const component = value.toUpperCase();
      const opens = name === 'BEGIN';
      // Nesting is checked as well: only VCALENDAR ⊃ VEVENT ⊃ VALARM, each closed where it opened.
      if (component === 'VEVENT' && !inAlarm && inEvent !== opens) {
        if (opens && ++events > 1) return undefined;
        inEvent = opens;
      } else if (component === 'VALARM' && inEvent && inAlarm !== opens) inAlarm = opens;
      else if (component !== 'VCALENDAR') return undefined;
      continue;
    }
    // An alarm's repetition DURATION is its own; nothing else here may appear in an alarm.
    if (inAlarm && name === 'DURATION') continue;
    if (!inEvent || inAlarm || (name !== 'DTSTART' && name !== 'DTEND')) return undefined;
    // On one unfolded line, as `NAME:<UTC>`, `NAME;TZID=<zone>:<local>` or `NAME;VALUE=DATE:<date>`.
    if (found.folded) return undefined;
    const form = found.separator === ':' ? 'utc' : /^VALUE=/i.test(value) ? 'date' : 'zoned';
    const line: TimeLine = { name, form, value, from: found.from, to: found.to };
    if (name === 'DTSTART') {
      if (start) return undefined;
      start = line;
    } else {
      if (end) return undefined;
      end = line;
    }
  }
  return events === 1 && start && end ? { start, end } : undefined;
}

/** The instant of a DTSTART or DTEND line, read as expansion reads it; undefined when unsure. */
function instantOf(line: TimeLine, floatingZone: Zone): number | undefined {
  // A leap second is left to the full expansion, which reads it its own way.
  if (line.form === 'utc') return line.value.endsWith('60Z') ? undefined : parseUtc(line.value);
  if (line.form === 'date') {
    const local = localOf(DATE_VALUE.exec(line.value)?.[1]);
    return local && localToUtcMs(floatingZone, local);
  }
  // A local time in a zone the catalogue knows (the zones stored objects refer to).
  const parts = ZONED_VALUE.exec(line.value);
  const zone = parts ? getZone(parts[1]!) : undefined;
  const local = localOf(parts?.[2]);
  return zone && local && localToUtcMs(zone, local);
}

/** A local date or date-time in the basic format; undefined when it is not a real one. */
function localOf(text: string | undefined): LocalDateTime | undefined {
  const parts = text === undefined ? null : LOCAL_VALUE.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const real = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
  return real ? { year, month, day, hour, minute, second } : undefined;
}

/** The text with the zoned lines among `times` rewritten as `NAME:<UTC>`. */
function inUtc(text: string, times: readonly { line: TimeLine; utcMs: number }[]): string {
  const zoned = times.filter((time) => time.line.form === 'zoned').sort((a, b) => a.line.from - b.line.from);
  let result = '';
  let copied = 0;
  for (const { line, utcMs } of zoned) {
    result += `${text.slice(copied, line.from)}${line.name}:${formatUtc(utcMs)}`;
    copied = line.to;
  }
  return zoned.length === 0 ? text : result + text.slice(copied);
}
