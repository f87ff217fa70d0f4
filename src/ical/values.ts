// Grammar and range of the iCalendar value types that carry time (RFC 5545 §3.3.4–§3.3.6, §3.3.9,
// §3.3.14): DATE, DATE-TIME, DURATION, PERIOD, UTC-OFFSET. ical.js turns a malformed value into
// garbage fields, or throws only when the value is first read, so values are checked as written.
import { daysInMonth } from './zones.ts';

export type TimeValueType = 'DATE' | 'DATE-TIME' | 'DURATION' | 'PERIOD' | 'UTC-OFFSET';

export const TIME_VALUE_TYPES: ReadonlySet<string> = new Set<TimeValueType>(['DATE', 'DATE-TIME', 'DURATION', 'PERIOD', 'UTC-OFFSET']);

/** Why `text` is not a valid value of `type`, or undefined when it is. */
export function valueProblem(type: TimeValueType, text: string): string | undefined {
  switch (type) {
    case 'DATE':
      return dateProblem(text);
    case 'DATE-TIME':
      return dateTimeProblem(text);
    case 'DURATION':
      return durationProblem(text);
    case 'PERIOD':
      return periodProblem(text);
    case 'UTC-OFFSET':
      return utcOffsetProblem(text);
  }
}

/** DATE: YYYYMMDD, a day that exists (February 29 only in leap years). */
export function dateProblem(text: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return 'a DATE is written YYYYMMDD (RFC 5545 §3.3.4)';
  return dayProblem(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * DATE-TIME: YYYYMMDDTHHMMSS, local or with a trailing Z for UTC. A numeric offset is not part of
 * the grammar (a zone is named with TZID instead). T and Z must be upper case: ical.js would read
 * a lower-case z as floating time.
 */
export function dateTimeProblem(text: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(text);
  if (!match) {
    if (/^\d{8}T\d{6}[+-]\d{2,4}$/.test(text)) return 'a DATE-TIME cannot carry a numeric UTC offset; use UTC (Z) or a TZID parameter (RFC 5545 §3.3.5)';
    return 'a DATE-TIME is written YYYYMMDDTHHMMSS, with a trailing Z for UTC (RFC 5545 §3.3.5)';
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return dayProblem(year, month, day) ?? timeProblem(hour, minute, second);
}

/**
 * DURATION: [+/-]P then weeks, days and a T part of hours, minutes, seconds. RFC 5545 §3.3.6 keeps
 * weeks apart from the other units and wants something after T; Apple's iCal wrote "P1DT", and
 * ical.js and common clients combine weeks and days, so those forms are accepted.
 */
export function durationProblem(text: string): string | undefined {
  const match = /^[+-]?P(\d+W)?(\d+D)?(?:T(\d+H)?(\d+M)?(\d+S)?)?$/.exec(text);
  if (!match || match.slice(1).every((part) => part === undefined)) return 'a DURATION is written like P1D, PT1H30M, -PT15M or P2W (RFC 5545 §3.3.6)';
  return undefined;
}

/** PERIOD: a DATE-TIME start, "/", then a DATE-TIME end or a DURATION (RFC 5545 §3.3.9). */
export function periodProblem(text: string): string | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return 'a PERIOD is a start and an end or duration separated by "/" (RFC 5545 §3.3.9)';
  const start = text.slice(0, slash);
  const end = text.slice(slash + 1);
  const startProblem = dateTimeProblem(start);
  if (startProblem) return `its start "${start}" is invalid: ${startProblem}`;
  const endProblem = /^[+-]?P/.test(end) ? durationProblem(end) : dateTimeProblem(end);
  return endProblem ? `its end "${end}" is invalid: ${endProblem}` : undefined;
}

/** UTC-OFFSET: +HHMM or -HHMM, optionally with seconds (RFC 5545 §3.3.14). */
export function utcOffsetProblem(text: string): string | undefined {
  const match = /^[+-](\d{2})(\d{2})(\d{2})?$/.exec(text);
  if (!match) return 'a UTC-OFFSET is written +HHMM or -HHMM, optionally with seconds (RFC 5545 §3.3.14)';
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hours > 23) return `hour ${match[1]} is out of range 00-23`;
  if (minutes > 59) return `minute ${match[2]} is out of range 00-59`;
  if (seconds > 59) return `second ${match[3]} is out of range 00-59`;
  return undefined;
}

// --- Internal helpers ---

function dayProblem(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12) return `month ${pad(month)} is out of range 01-12`;
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) return `day ${pad(day)} does not exist in ${year}-${pad(month)} (it has ${last} days)`;
  return undefined;
}

function timeProblem(hour: number, minute: number, second: number): string | undefined {
  if (hour > 23) return `hour ${pad(hour)} is out of range 00-23`;
  if (minute > 59) return `minute ${pad(minute)} is out of range 00-59`;
  // 60 is a positive leap second (RFC 5545 §3.3.12).
  if (second > 60) return `second ${pad(second)} is out of range 00-60`;
  return undefined;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
