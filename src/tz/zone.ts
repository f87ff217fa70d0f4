// UTC ↔ local wall-clock conversion for any Zone, with RFC 5545 §3.3.5 rules for local times that
// fall in a DST gap or overlap. ical.js is deliberately not used here: it resolves both wrongly.
import { civilFromDays, daysFromCivil, SECONDS_PER_DAY } from './civil.ts';

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface Zone {
  readonly tzid: string;
  /** Seconds east of UTC in effect at the instant. */
  offsetAtUtc(utcMs: number): number;
}

/**
 * The instant a local time denotes in `zone`. A time inside a gap is read with the offset in effect
 * before the gap (New York 2025-03-09 02:30 → 07:30Z); an ambiguous time takes its first
 * occurrence (New York 2025-11-02 01:30 → 05:30Z), both as RFC 5545 §3.3.5 requires.
 */
export function localToUtcMs(zone: Zone, local: LocalDateTime): number {
  const localMs = localAsUtcMs(local);
  // Any transition near this local time lies within a day of it, so the offsets a day either side
  // are the only candidates (zones never change twice within a day).
  const offsetEarlier = zone.offsetAtUtc(localMs - SECONDS_PER_DAY * 1000);
  const offsetLater = zone.offsetAtUtc(localMs + SECONDS_PER_DAY * 1000);
  const earlier = localMs - offsetEarlier * 1000;
  const later = localMs - offsetLater * 1000;
  const earlierValid = zone.offsetAtUtc(earlier) === offsetEarlier;
  const laterValid = zone.offsetAtUtc(later) === offsetLater;
  if (earlierValid && laterValid) return Math.min(earlier, later);
  if (earlierValid) return earlier;
  if (laterValid) return later;
  // In a gap: `later` lies before the transition, so the offset there is the one before the gap.
  return localMs - zone.offsetAtUtc(later) * 1000;
}

export function utcMsToLocal(zone: Zone, utcMs: number): LocalDateTime {
  const localSeconds = Math.floor(utcMs / 1000) + zone.offsetAtUtc(utcMs);
  const days = Math.floor(localSeconds / SECONDS_PER_DAY);
  const secondOfDay = localSeconds - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
  };
}

export const UTC_ZONE: Zone = {
  tzid: 'UTC',
  offsetAtUtc: () => 0,
};

/** The local time read as if it were UTC, in milliseconds; fields out of range roll over. */
export function localAsUtcMs(local: LocalDateTime): number {
  const days = daysFromCivil(local.year, local.month, 1) + local.day - 1;
  return (days * SECONDS_PER_DAY + local.hour * 3600 + local.minute * 60 + local.second) * 1000;
}
