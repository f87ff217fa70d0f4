// Skipping ahead in a recurrence rule (RFC 5545 §3.3.10): iterating from just before a query's
// range instead of from DTSTART, so that a series' cost follows the range asked for, not its age.
import type ICAL from 'ical.js';
import { localAsUtcMs, utcMsToLocal, type LocalDateTime } from '../tz/zone.ts';
import { daysInMonth, shiftLocal, type ResolvedTime } from './zones.ts';

/**
 * A start for iterating a rule from just before `fromUtcMs` instead of from DTSTART: DTSTART moved
 * by a whole number of INTERVAL periods (one period short of the target), so every default taken
 * from DTSTART and the phase of the interval stay the same. The moved start itself is yielded by
 * ical.js even if it is not an occurrence; the window's slack keeps it out of the range.
 */
export function skipAheadStart(rule: ICAL.Recur, dtstart: ResolvedTime, fromUtcMs: number): { start: LocalDateTime; periods: number } | undefined {
  const start = dtstart.local;
  const target = utcMsToLocal(dtstart.zone, fromUtcMs);
  const interval = Math.max(1, rule.interval || 1);
  const fixedMs = FIXED_PERIOD_MS[rule.freq];
  if (fixedMs !== undefined) {
    if (dtstart.isDate && fixedMs < FIXED_PERIOD_MS.DAILY!) return undefined;
    const periods = Math.floor((localAsUtcMs(target) - localAsUtcMs(start)) / (fixedMs * interval));
    return periods > 0 ? { start: shiftLocal(start, periods * fixedMs * interval), periods } : undefined;
  }
  const monthsPerPeriod = (rule.freq === 'YEARLY' ? 12 : 1) * interval;
  const monthsApart = (target.year - start.year) * 12 + target.month - start.month;
  // Back off one more period when the day does not exist in the moved month (31st, 29 February).
  for (let periods = Math.floor(monthsApart / monthsPerPeriod) - 1; periods > 0; periods--) {
    const monthIndex = start.month - 1 + periods * monthsPerPeriod;
    const year = start.year + Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    if (start.day <= daysInMonth(year, month)) return { start: { ...start, year, month }, periods };
  }
  return undefined;
}

/**
 * Whether a COUNT rule has exactly one occurrence per period, so that skipping whole periods
 * skips as many occurrences: a fixed-length FREQ without BY parts (FREQ=SECONDLY;COUNT=1000000000
 * is then as cheap to query in its tenth year as in its first). MONTHLY and YEARLY are not, since
 * a month without DTSTART's day has no occurrence.
 */
export function countsPeriods(recur: ICAL.Recur): boolean {
  return FIXED_PERIOD_MS[recur.freq] !== undefined && hasNoByParts(recur);
}

/** Whether a rule has no BY parts (but `except`): its occurrences are DTSTART's fields, whole periods apart. */
export function hasNoByParts(recur: ICAL.Recur, except?: string): boolean {
  return BY_PARTS.every((part) => part === except || recur.getComponent(part).length === 0);
}

// --- Internal helpers ---

const BY_PARTS = ['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS'];

/** Frequencies whose period has a fixed length in wall-clock time. */
const FIXED_PERIOD_MS: Partial<Record<string, number>> = {
  SECONDLY: 1000,
  MINUTELY: 60_000,
  HOURLY: 3_600_000,
  DAILY: 86_400_000,
  WEEKLY: 7 * 86_400_000,
};
