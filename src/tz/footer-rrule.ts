// Expresses one half of a POSIX TZ rule (RFC 8536 §3.3.1) as an RFC 5545 §3.3.10 yearly RRULE
// for a VTIMEZONE observance, where the RRULE grammar can say it exactly.
import type { PosixRule } from './posix-tz.ts';

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The RRULE (without UNTIL) whose occurrences, at the local time of day `rule.time` mod 24 h, are
 * this rule's onsets; undefined when none exists (then the caller lists the onsets as RDATEs).
 * Times outside 0–24 h move the weekday: Asia/Jerusalem "M3.4.4/26" (Thursday + 26 h) is the
 * Friday among March 23–29, written BYDAY=FR;BYMONTHDAY=23,…,29 as RFC 5545 allows.
 */
export function rruleForPosixRule(rule: PosixRule): string | undefined {
  const dayShift = Math.floor(rule.time / 86_400);
  const date = rule.date;
  if (date.kind === 'J') {
    if (dayShift !== 0) return undefined;
    const { month, day } = monthDayOfNonLeapYear(date.day);
    return `FREQ=YEARLY;BYMONTH=${month};BYMONTHDAY=${day}`;
  }
  if (date.kind === 'N') {
    return dayShift === 0 ? `FREQ=YEARLY;BYYEARDAY=${date.day + 1}` : undefined;
  }
  const weekday = WEEKDAYS[date.weekday] as string;
  if (dayShift === 0) {
    return `FREQ=YEARLY;BYMONTH=${date.month};BYDAY=${date.week === 5 ? -1 : date.week}${weekday}`;
  }
  // February's length varies, so a shifted "last" rule cannot be pinned to fixed month days.
  const monthLength = MONTH_LENGTHS[date.month - 1] as number;
  if (date.week === 5 && date.month === 2) return undefined;
  const firstDay = date.week === 5 ? monthLength - 6 : (date.week - 1) * 7 + 1;
  const from = firstDay + dayShift;
  const to = from + 6;
  const safeLength = date.month === 2 ? 28 : monthLength;
  if (from < 1 || to > safeLength) return undefined;
  const shiftedWeekday = WEEKDAYS[(((date.weekday + dayShift) % 7) + 7) % 7] as string;
  const days = Array.from({ length: 7 }, (_, i) => from + i).join(',');
  return `FREQ=YEARLY;BYMONTH=${date.month};BYDAY=${shiftedWeekday};BYMONTHDAY=${days}`;
}

function monthDayOfNonLeapYear(dayOfYear: number): { month: number; day: number } {
  let remaining = dayOfYear;
  for (let month = 1; month <= 12; month++) {
    const length = MONTH_LENGTHS[month - 1] as number;
    if (remaining <= length) return { month, day: remaining };
    remaining -= length;
  }
  return { month: 12, day: 31 };
}
