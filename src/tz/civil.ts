// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), the base of all
// local-time work in src/tz. Date.UTC is avoided because it maps years 0–99 onto 1900–1999.

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export const SECONDS_PER_DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12; out-of-range days roll over). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday … 6 = Saturday, the numbering POSIX TZ strings use. */
export function weekdayFromDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The calendar year containing an instant counted in seconds since 1970 (UTC or shifted to local). */
export function yearOfSeconds(seconds: number): number {
  return civilFromDays(Math.floor(seconds / SECONDS_PER_DAY)).year;
}

/** A local or UTC wall-clock reading as iCalendar DATE-TIME text (RFC 5545 §3.3.5), no suffix. */
export function formatBasicDateTime(seconds: number): string {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  const secondOfDay = seconds - days * SECONDS_PER_DAY;
  return (
    pad(year, 4) + pad(month, 2) + pad(day, 2) + 'T' +
    pad(Math.floor(secondOfDay / 3600), 2) + pad(Math.floor((secondOfDay % 3600) / 60), 2) + pad(secondOfDay % 60, 2)
  );
}

/** RFC 3339 UTC date-time text ("2025-03-09T07:00:00Z") of seconds since 1970. */
export function formatIsoUtc(seconds: number): string {
  const basic = formatBasicDateTime(seconds);
  return `${basic.slice(0, 4)}-${basic.slice(4, 6)}-${basic.slice(6, 8)}T${basic.slice(9, 11)}:${basic.slice(11, 13)}:${basic.slice(13, 15)}Z`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
