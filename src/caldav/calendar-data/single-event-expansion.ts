// CALDAV:expand of a single event, answered from its text without parsing it.
//
// Expanding gives each instance with its times in UTC, without recurrence properties and without
// VTIMEZONE (RFC 4791 §9.6.5). For an event that does not recur, that is the stored text itself
// with DTSTART and DTEND written in UTC (an all-day event keeps its dates): nothing else changes.
// Parsing such an event and writing it out again is most of what expanding it costs, and single
// events are most of many calendars. Only plainly simple objects take this way; anything else, and
// anything this is unsure of, goes to the series expansion from text or to the full expansion,
// which give the same calendar.
import { chargeExpandedObject } from '../../ical/expansion-budget.ts';
import { daysInMonth, formatUtc, parseUtc } from '../../ical/zones.ts';
import { getZone } from '../../tz/catalogue.ts';
import { localToUtcMs, UTC_ZONE, type LocalDateTime, type Zone } from '../../tz/zone.ts';
import { scanEvents, type TimeLine } from './event-scan.ts';
import type { ExpandLimits } from './expand.ts';
import type { UtcRange } from './request.ts';

/** DTSTART or DTEND in a zone, with nothing else in its parameters: `;TZID=Europe/Paris:20260303T090000`. */
const ZONED_VALUE = /^;TZID=([A-Za-z0-9_+\-/]+):(\d{8}T\d{6})$/i;
/** DTSTART or DTEND of an all-day event, with nothing else in its parameters: `;VALUE=DATE:20260303`. */
const DATE_VALUE = /^;VALUE=DATE:(\d{8})$/i;
/** A local date, or date and time, in the basic format: `20260303` or `20260303T090000`. */
const LOCAL_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?$/;

/**
 * What expanding `text` over `range` gives, when `text` holds one VEVENT that does not recur, with
 * DTSTART and DTEND both dates, or both times in UTC or in a known zone, overlapping the range: the
 * text with times in a zone written in UTC. Null when the object is not that simple or does not
 * overlap (another expansion then answers); `scanned` saves scanning the text again. Charges the
 * budget as the full expansion would.
 */
export function expandSingleEvent(text: string, range: UtcRange, limits: ExpandLimits, scanned = scanEvents(text)): string | null {
  if (limits.budget?.exhausted || !scanned || scanned.events.length !== 1) return null;
  const event = scanned.events[0]!;
  if (event.rules.length > 0 || event.recurrenceId) return null;
  // Dates are days in the floating zone, as expansion reads them (UTC unless the request or the
  // calendar gives one).
  const floatingZone = limits.floatingZone ?? UTC_ZONE;
  const [startUtcMs, endUtcMs] = [instantOf(event.start, floatingZone), instantOf(event.end, floatingZone)];
  if (startUtcMs === undefined || endUtcMs === undefined) return null;
  if (!(endUtcMs > startUtcMs && range.startUtcMs < endUtcMs && range.endUtcMs > startUtcMs)) return null;
  if (limits.budget) chargeExpandedObject(limits.budget);
  return inUtc(text, [
    { name: 'DTSTART', line: event.start, utcMs: startUtcMs },
    { name: 'DTEND', line: event.end, utcMs: endUtcMs },
  ]);
}

// --- Internal helpers ---

/** The instant of a DTSTART or DTEND line, read as expansion reads it; undefined when unsure. */
function instantOf(line: TimeLine, floatingZone: Zone): number | undefined {
  // A leap second is left to the full expansion, which reads it its own way.
  if (line.value.startsWith(':')) return line.value.endsWith('60Z') ? undefined : parseUtc(line.value.slice(1));
  const date = DATE_VALUE.exec(line.value);
  if (date) {
    const local = localOf(date[1]);
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
function inUtc(text: string, times: readonly { name: string; line: TimeLine; utcMs: number }[]): string {
  const zoned = times.filter((time) => ZONED_VALUE.test(time.line.value)).sort((a, b) => a.line.from - b.line.from);
  let result = '';
  let copied = 0;
  for (const { name, line, utcMs } of zoned) {
    result += `${text.slice(copied, line.from)}${name}:${formatUtc(utcMs)}`;
    copied = line.to;
  }
  return zoned.length === 0 ? text : result + text.slice(copied);
}
