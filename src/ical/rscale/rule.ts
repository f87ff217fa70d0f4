// An RSCALE recurrence rule (RFC 7529 §3) read from its text: the calendar scale it names, SKIP,
// and the RFC 5545 §3.3.10 parts the iterator evaluates in that calendar's fields.
import { calendarScale, type CalendarScale } from './calendar-scale.ts';

export type Frequency = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY' | 'HOURLY' | 'MINUTELY' | 'SECONDLY';
export type Skip = 'OMIT' | 'BACKWARD' | 'FORWARD';

/** A BYMONTH value: "5" or, for a leap month, "5L" (RFC 7529 §4.2). */
export interface MonthRef {
  number: number;
  leap: boolean;
}

/** A BYDAY value: weekday 0 (SU) to 6 (SA), and its position in the month or year (0 for every one). */
export interface WeekdayRef {
  weekday: number;
  position: number;
}

export interface RscaleRule {
  scale: CalendarScale;
  freq: Frequency;
  interval: number;
  count: number | undefined;
  skip: Skip;
  byMonth: MonthRef[];
  byMonthDay: number[];
  byYearDay: number[];
  byDay: WeekdayRef[];
  byHour: number[];
  byMinute: number[];
  bySecond: number[];
  bySetPos: number[];
  /** BYWEEKNO: only with GREGORIAN, whose rules ical.js then expands (weeks are the same in every Gregorian rule). */
  byWeekNo: number[];
  /** Week start, 0 (SU) to 6 (SA). */
  wkst: number;
}

/** Why a rule with RSCALE cannot be evaluated here, as a precondition and a message. */
export interface RscaleProblem {
  /** CALDAV:supported-rscale for a scale this server lacks (RFC 7529 §5.2), else valid-calendar-data. */
  unsupportedScale: boolean;
  message: string;
}

/** Reads a rule that has RSCALE; UNTIL is left to the caller, which compares it as an instant. */
export function parseRscaleRule(text: string): RscaleRule | RscaleProblem {
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) parts.set(part.slice(0, equals).toUpperCase(), part.slice(equals + 1));
  }
  const name = parts.get('RSCALE') ?? '';
  const scale = calendarScale(name);
  if (!scale) return { unsupportedScale: true, message: `RSCALE=${name} is not a calendar scale this server supports (RFC 7529 §5.2)` };
  if (parts.has('BYWEEKNO') && scale.name !== 'GREGORIAN') {
    return { unsupportedScale: false, message: `BYWEEKNO cannot be combined with RSCALE=${scale.name} on this server` };
  }
  const freq = (parts.get('FREQ') ?? '').toUpperCase();
  if (!FREQUENCIES.has(freq)) return { unsupportedScale: false, message: `FREQ=${freq} is not a frequency` };
  const skip = (parts.get('SKIP') ?? 'OMIT').toUpperCase();
  if (skip !== 'OMIT' && skip !== 'BACKWARD' && skip !== 'FORWARD') return { unsupportedScale: false, message: `SKIP=${skip} must be OMIT, BACKWARD or FORWARD` };
  const byMonth: MonthRef[] = [];
  for (const item of list(parts.get('BYMONTH'))) {
    const match = /^(\d{1,2})(L?)$/i.exec(item);
    if (!match) return { unsupportedScale: false, message: `BYMONTH value "${item}" is not a month number` };
    byMonth.push({ number: Number(match[1]), leap: match[2] !== '' });
  }
  const byDay: WeekdayRef[] = [];
  for (const item of list(parts.get('BYDAY'))) {
    const match = /^([+-]?\d{1,2})?([A-Za-z]{2})$/.exec(item);
    const weekday = match ? WEEKDAYS.indexOf(match[2]!.toUpperCase()) : -1;
    if (!match || weekday < 0) return { unsupportedScale: false, message: `BYDAY value "${item}" is not a weekday` };
    byDay.push({ weekday, position: match[1] ? Number(match[1]) : 0 });
  }
  const wkst = WEEKDAYS.indexOf((parts.get('WKST') ?? 'MO').toUpperCase());
  const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : undefined;
  return {
    scale,
    freq: freq as Frequency,
    interval: Math.max(1, Number(parts.get('INTERVAL') ?? 1) || 1),
    count: count !== undefined && count > 0 ? count : undefined,
    skip,
    byMonth,
    byMonthDay: numbers(parts.get('BYMONTHDAY')),
    byYearDay: numbers(parts.get('BYYEARDAY')),
    byDay,
    byHour: numbers(parts.get('BYHOUR')),
    byMinute: numbers(parts.get('BYMINUTE')),
    bySecond: numbers(parts.get('BYSECOND')),
    bySetPos: numbers(parts.get('BYSETPOS')),
    byWeekNo: numbers(parts.get('BYWEEKNO')),
    wkst: wkst < 0 ? 1 : wkst,
  };
}

export function isRscaleProblem(value: RscaleRule | RscaleProblem): value is RscaleProblem {
  return 'message' in value;
}

// --- Internal helpers ---

const FREQUENCIES = new Set(['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY']);
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function list(value: string | undefined): string[] {
  return value ? value.split(',').filter((item) => item !== '') : [];
}

function numbers(value: string | undefined): number[] {
  return list(value).map(Number).filter((n) => Number.isInteger(n));
}
