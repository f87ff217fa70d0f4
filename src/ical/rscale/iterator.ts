// Occurrences of an RSCALE rule (RFC 7529 §4): the rule is evaluated in the fields of the calendar
// it names (years, months with their leap months, days of month and of year), an invalid date it
// produces is omitted or moved as SKIP says, and the result is a Gregorian wall-clock time. The
// RFC 5545 §3.3.10 expand/limit table is followed for every FREQ. BYWEEKNO is not evaluated here:
// it is refused with other scales, and a GREGORIAN rule with it is expanded by ical.js.
import { civilFromDays, daysFromCivil, weekdayFromDays } from '../../tz/civil.ts';
import type { LocalDateTime } from '../../tz/zone.ts';
import { scaleDateOf, type MonthInfo, type ScaleDate } from './calendar-scale.ts';
import type { MonthRef, RscaleRule } from './rule.ts';

export interface RscaleIteration {
  rule: RscaleRule;
  /** DTSTART as wall-clock fields (Gregorian); for a DATE value the time is midnight. */
  dtstart: LocalDateTime;
  isDate: boolean;
  /** Iteration may begin at the period holding this day (only honoured for a rule without COUNT). */
  fromDay?: number | undefined;
  /** Periods beginning after this day (days since 1970-01-01) are not looked at. */
  lastDay: number;
  /** Called for each period examined: a caller bounds the work of a rule that rarely matches by throwing. */
  onPeriod?: (() => void) | undefined;
}

/**
 * DTSTART, then the rule's occurrences after it in order, as wall-clock times. DTSTART counts as
 * the first occurrence for COUNT (RFC 5545 §3.3.10), as it does for ical.js.
 */
export function* rscaleOccurrences(iteration: RscaleIteration): Generator<LocalDateTime> {
  const { rule, dtstart } = iteration;
  const startDay = daysFromCivil(dtstart.year, dtstart.month, dtstart.day);
  const startSeconds = startDay * DAY_SECONDS + dtstart.hour * 3600 + dtstart.minute * 60 + dtstart.second;
  yield dtstart;
  let emitted = 1;
  if (rule.count !== undefined && emitted >= rule.count) return;
  const context: Context = { rule, dtstart, isDate: iteration.isDate, startDay, start: scaleDateOf(rule.scale, startDay) };
  const fromDay = rule.count === undefined ? iteration.fromDay : undefined;
  for (const period of periods(context, fromDay)) {
    iteration.onPeriod?.();
    if (period.firstDay > iteration.lastDay) return;
    let candidates = [...new Set(period.candidates())].sort((a, b) => a - b);
    if (rule.bySetPos.length > 0) candidates = selectPositions(candidates, rule.bySetPos);
    for (const seconds of candidates) {
      if (seconds <= startSeconds) continue;
      yield localOf(seconds);
      if (rule.count !== undefined && ++emitted >= rule.count) return;
    }
  }
}

// --- Internal helpers ---

const DAY_SECONDS = 86_400;

interface Context {
  rule: RscaleRule;
  dtstart: LocalDateTime;
  isDate: boolean;
  startDay: number;
  /** DTSTART in the rule's calendar: the defaults for month and day of month come from it. */
  start: ScaleDate;
}

/** One recurrence period (a year, month, week, day, hour, minute or second) and its candidate times, in local seconds. */
interface Period {
  firstDay: number;
  candidates: () => number[];
}

function* periods(context: Context, fromDay: number | undefined): Generator<Period> {
  const { rule, startDay, start } = context;
  const interval = rule.interval;
  switch (rule.freq) {
    case 'YEARLY': {
      let step = fromDay === undefined ? 0 : Math.max(0, Math.floor((rule.scale.yearOf(fromDay) - start.year) / interval) - 1);
      for (;; step++) {
        const year = start.year + step * interval;
        const months = rule.scale.monthsOf(year);
        yield { firstDay: months[0]!.firstDay, candidates: () => withTimes(context, yearDays(context, year, months)) };
      }
    }
    case 'MONTHLY': {
      let year = start.year;
      let index = start.monthIndex;
      const advance = (months: number) => {
        index += months;
        for (let length = rule.scale.monthsOf(year).length; index >= length; length = rule.scale.monthsOf(year).length) {
          index -= length;
          year++;
        }
      };
      if (fromDay !== undefined) {
        const periodsApart = Math.floor(monthsBetween(context, fromDay) / interval) - 1;
        if (periodsApart > 0) advance(periodsApart * interval);
      }
      for (;;) {
        const month = rule.scale.monthsOf(year)[index]!;
        yield { firstDay: month.firstDay, candidates: () => withTimes(context, monthDays(context, month)) };
        advance(interval);
      }
    }
    case 'WEEKLY': {
      const weekStart = startDay - ((weekdayFromDays(startDay) - rule.wkst + 7) % 7);
      let step = fromDay === undefined ? 0 : Math.max(0, Math.floor((fromDay - weekStart) / (7 * interval)) - 1);
      for (;; step++) {
        const first = weekStart + step * 7 * interval;
        yield { firstDay: first, candidates: () => withTimes(context, weekDays(context, first)) };
      }
    }
    case 'DAILY': {
      let step = fromDay === undefined ? 0 : Math.max(0, Math.floor((fromDay - startDay) / interval) - 1);
      for (;; step++) {
        const day = startDay + step * interval;
        yield { firstDay: day, candidates: () => (dayMatches(context, day) ? withTimes(context, [day]) : []) };
      }
    }
    default: {
      const unit = rule.freq === 'HOURLY' ? 3600 : rule.freq === 'MINUTELY' ? 60 : 1;
      const { dtstart } = context;
      const base = startDay * DAY_SECONDS + dtstart.hour * 3600 + dtstart.minute * 60 + dtstart.second;
      const stepSeconds = unit * interval;
      let step = fromDay === undefined ? 0 : Math.max(0, Math.floor((fromDay * DAY_SECONDS - base) / stepSeconds) - 1);
      for (;; step++) {
        const seconds = base + step * stepSeconds;
        const day = Math.floor(seconds / DAY_SECONDS);
        yield { firstDay: day, candidates: () => (dayMatches(context, day) ? subDailyTimes(context, seconds) : []) };
      }
    }
  }
}

/** The days of a year a YEARLY rule selects (RFC 5545 §3.3.10 table: BYMONTH, BYYEARDAY, BYMONTHDAY, BYDAY expand). */
function yearDays(context: Context, year: number, months: readonly MonthInfo[]): number[] {
  const { rule, start } = context;
  const yearFirst = months[0]!.firstDay;
  const last = months[months.length - 1]!;
  const yearLength = last.firstDay + last.length - yearFirst;
  if (rule.byYearDay.length > 0) {
    const days = rule.byYearDay.map((n) => (n > 0 ? yearFirst + n - 1 : yearFirst + yearLength + n)).filter((d) => d >= yearFirst && d < yearFirst + yearLength);
    return days.filter((d) => dayMatches(context, d));
  }
  if (rule.byDay.length > 0 && rule.byMonthDay.length === 0) {
    if (rule.byMonth.length === 0) return weekdaysIn(yearFirst, yearLength, rule);
    return resolvedMonths(context, year, rule.byMonth).flatMap((month) => weekdaysIn(month.firstDay, month.length, rule));
  }
  const refs = rule.byMonth.length > 0 ? rule.byMonth : [{ number: start.month.number, leap: start.month.leap }];
  return resolvedMonths(context, year, refs).flatMap((month) => daysOfMonth(context, month));
}

/** The days of a month a MONTHLY rule selects; BYMONTH only limits which months have any. */
function monthDays(context: Context, month: MonthInfo): number[] {
  const { rule } = context;
  if (rule.byMonth.length > 0 && !rule.byMonth.some((ref) => isMonth(month, ref))) return [];
  if (rule.byDay.length > 0 && rule.byMonthDay.length === 0) return weekdaysIn(month.firstDay, month.length, rule);
  return daysOfMonth(context, month);
}

/** BYMONTHDAY (or DTSTART's day) in a month, with invalid days omitted or moved as SKIP says; BYDAY limits. */
function daysOfMonth(context: Context, month: MonthInfo): number[] {
  const { rule, start } = context;
  const wanted = rule.byMonthDay.length > 0 ? rule.byMonthDay : [start.day];
  const days: number[] = [];
  for (const monthDay of wanted) {
    const n = monthDay > 0 ? monthDay : month.length + 1 + monthDay;
    if (n >= 1 && n <= month.length) days.push(month.firstDay + n - 1);
    // RFC 7529 §4.1: BACKWARD takes the last valid day before the invalid date, FORWARD the first
    // after it (the 29th February of a common year: 28 February or 1 March).
    else if (rule.skip === 'BACKWARD') days.push(n > month.length ? month.firstDay + month.length - 1 : month.firstDay - 1);
    else if (rule.skip === 'FORWARD') days.push(n > month.length ? month.firstDay + month.length : month.firstDay);
  }
  if (rule.byDay.length === 0) return days;
  return days.filter((day) => rule.byDay.some((ref) => ref.weekday === weekdayFromDays(day) && (ref.position === 0 || positionMatches(day, month, ref.position))));
}

/**
 * The months BYMONTH names in a year. A leap month the year lacks is omitted, or replaced by the
 * month it follows (BACKWARD) or the month after that (FORWARD), RFC 7529 §4.2: "5L" in a Hebrew
 * common year becomes Shevat (5) or Adar (6).
 */
function resolvedMonths(context: Context, year: number, refs: readonly MonthRef[]): MonthInfo[] {
  const months = context.rule.scale.monthsOf(year);
  const result: MonthInfo[] = [];
  for (const ref of refs) {
    const exact = months.find((m) => isMonth(m, ref));
    if (exact) {
      result.push(exact);
      continue;
    }
    const baseIndex = ref.leap ? months.findIndex((m) => m.number === ref.number && !m.leap) : -1;
    if (baseIndex < 0 || context.rule.skip === 'OMIT') continue;
    if (context.rule.skip === 'BACKWARD') result.push(months[baseIndex]!);
    else result.push(months[baseIndex + 1] ?? context.rule.scale.monthsOf(year + 1)[0]!);
  }
  return result;
}

function weekDays(context: Context, weekStart: number): number[] {
  const { rule, startDay } = context;
  const weekdays = rule.byDay.length > 0 ? rule.byDay.map((ref) => ref.weekday) : [weekdayFromDays(startDay)];
  const days: number[] = [];
  for (let day = weekStart; day < weekStart + 7; day++) {
    if (!weekdays.includes(weekdayFromDays(day))) continue;
    if (rule.byMonth.length > 0 && !rule.byMonth.some((ref) => isMonth(scaleDateOf(rule.scale, day).month, ref))) continue;
    days.push(day);
  }
  return days;
}

/** Days in [first, first + length) on a BYDAY weekday, or the nth (from the end when negative) such day. */
function weekdaysIn(first: number, length: number, rule: RscaleRule): number[] {
  const days: number[] = [];
  for (const ref of rule.byDay) {
    const offset = (ref.weekday - weekdayFromDays(first) + 7) % 7;
    const all: number[] = [];
    for (let day = first + offset; day < first + length; day += 7) all.push(day);
    if (ref.position === 0) days.push(...all);
    else {
      const day = ref.position > 0 ? all[ref.position - 1] : all[all.length + ref.position];
      if (day !== undefined) days.push(day);
    }
  }
  return days;
}

function positionMatches(day: number, month: MonthInfo, position: number): boolean {
  const index = Math.floor((day - month.firstDay) / 7);
  const fromEnd = Math.floor((month.firstDay + month.length - 1 - day) / 7);
  return position > 0 ? index === position - 1 : fromEnd === -position - 1;
}

/** The day-level limits of a DAILY (or shorter) rule, read in the rule's calendar. */
function dayMatches(context: Context, day: number): boolean {
  const { rule } = context;
  if (rule.byDay.length > 0 && !rule.byDay.some((ref) => ref.weekday === weekdayFromDays(day))) return false;
  if (rule.byMonth.length === 0 && rule.byMonthDay.length === 0 && rule.byYearDay.length === 0) return true;
  const date = scaleDateOf(rule.scale, day);
  if (rule.byMonth.length > 0 && !rule.byMonth.some((ref) => isMonth(date.month, ref))) return false;
  if (rule.byMonthDay.length > 0 && !rule.byMonthDay.some((n) => (n > 0 ? n : date.month.length + 1 + n) === date.day)) return false;
  if (rule.byYearDay.length > 0) {
    const months = rule.scale.monthsOf(date.year);
    const first = months[0]!.firstDay;
    const last = months[months.length - 1]!;
    const length = last.firstDay + last.length - first;
    if (!rule.byYearDay.some((n) => (n > 0 ? first + n - 1 : first + length + n) === day)) return false;
  }
  return true;
}

/** Candidate times of day-level candidates: BYHOUR, BYMINUTE, BYSECOND expand, DTSTART's time by default. */
function withTimes(context: Context, days: number[]): number[] {
  if (context.isDate) return days.map((day) => day * DAY_SECONDS);
  const { rule, dtstart } = context;
  const hours = rule.byHour.length > 0 ? rule.byHour : [dtstart.hour];
  const minutes = rule.byMinute.length > 0 ? rule.byMinute : [dtstart.minute];
  const seconds = rule.bySecond.length > 0 ? rule.bySecond : [dtstart.second];
  const result: number[] = [];
  for (const day of days) for (const h of hours) for (const m of minutes) for (const s of seconds) result.push(day * DAY_SECONDS + h * 3600 + m * 60 + s);
  return result;
}

/** HOURLY, MINUTELY, SECONDLY: the period fixes the larger fields (BY parts limit them) and the smaller ones expand. */
function subDailyTimes(context: Context, periodSeconds: number): number[] {
  const { rule, dtstart } = context;
  const day = Math.floor(periodSeconds / DAY_SECONDS);
  const ofDay = periodSeconds - day * DAY_SECONDS;
  const hour = Math.floor(ofDay / 3600);
  const minute = Math.floor((ofDay % 3600) / 60);
  const second = ofDay % 60;
  if (rule.byHour.length > 0 && !rule.byHour.includes(hour)) return [];
  const fixedMinute = rule.freq !== 'HOURLY';
  if (fixedMinute && rule.byMinute.length > 0 && !rule.byMinute.includes(minute)) return [];
  if (rule.freq === 'SECONDLY' && rule.bySecond.length > 0 && !rule.bySecond.includes(second)) return [];
  const minutes = fixedMinute ? [minute] : rule.byMinute.length > 0 ? rule.byMinute : [dtstart.minute];
  const seconds = rule.freq === 'SECONDLY' ? [second] : rule.bySecond.length > 0 ? rule.bySecond : [dtstart.second];
  const result: number[] = [];
  for (const m of minutes) for (const s of seconds) result.push(day * DAY_SECONDS + hour * 3600 + m * 60 + s);
  return result;
}

function selectPositions(sorted: number[], positions: readonly number[]): number[] {
  const chosen = positions.map((p) => (p > 0 ? sorted[p - 1] : sorted[sorted.length + p])).filter((v): v is number => v !== undefined);
  return [...new Set(chosen)].sort((a, b) => a - b);
}

/** Whole months from DTSTART's month to the month holding `day`, counted in the rule's calendar. */
function monthsBetween(context: Context, day: number): number {
  const { rule, start } = context;
  const target = scaleDateOf(rule.scale, day);
  if (target.year < start.year) return 0;
  let months = target.monthIndex - start.monthIndex;
  for (let year = start.year; year < target.year; year++) months += rule.scale.monthsOf(year).length;
  return months;
}

function isMonth(month: MonthInfo, ref: MonthRef): boolean {
  return month.number === ref.number && month.leap === ref.leap;
}

function localOf(seconds: number): LocalDateTime {
  const day = Math.floor(seconds / DAY_SECONDS);
  const ofDay = seconds - day * DAY_SECONDS;
  const { year, month, day: dayOfMonth } = civilFromDays(day);
  return { year, month, day: dayOfMonth, hour: Math.floor(ofDay / 3600), minute: Math.floor((ofDay % 3600) / 60), second: ofDay % 60 };
}
