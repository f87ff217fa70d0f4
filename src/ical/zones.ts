// Turns iCalendar DATE and DATE-TIME values into UTC instants (RFC 5545 §3.3.4, §3.3.5): TZID through
// the bundled IANA zones or the object's own VTIMEZONE, floating and DATE values through a caller's zone.
import ICAL from 'ical.js';
import { InvalidICalendarError } from './parse.ts';
import { getZone } from '../tz/catalogue.ts';
import { zoneFromVtimezone } from '../tz/vtimezone-zone.ts';
import { localAsUtcMs, localToUtcMs, UTC_ZONE, utcMsToLocal, type LocalDateTime, type Zone } from '../tz/zone.ts';

/** How the instants of an object's floating and DATE values are found (RFC 4791 §9.8 CALDAV:timezone). */
export interface ZoneContext {
  vcalendar: ICAL.Component;
  floatingZone: Zone;
}

/** A DATE or DATE-TIME value read from its fields (never through ical.js zone conversion). */
export interface ResolvedTime {
  local: LocalDateTime;
  zone: Zone;
  isDate: boolean;
  /** DATE values and DATE-TIME values without TZID or "Z" (RFC 5545 §3.3.5 form #1). */
  isFloating: boolean;
  utcMs: number;
}

const zoneCache = new WeakMap<ICAL.Component, Map<string, Zone>>();

/**
 * The zone a TZID names: the bundled IANA zone (or alias) when known, else the object's own VTIMEZONE
 * with that TZID, else UTC, so that an unknown TZID never makes a value unreadable.
 */
export function resolveZone(tzid: string, vcalendar?: ICAL.Component): Zone {
  const known = getZone(tzid);
  if (known) return known;
  if (!vcalendar) return UTC_ZONE;
  let cache = zoneCache.get(vcalendar);
  if (!cache) zoneCache.set(vcalendar, (cache = new Map()));
  let zone = cache.get(tzid);
  if (!zone) {
    zone = zoneFromObject(tzid, vcalendar) ?? UTC_ZONE;
    cache.set(tzid, zone);
  }
  return zone;
}

export function zoneContext(vcalendar: ICAL.Component, floatingZone: Zone = UTC_ZONE): ZoneContext {
  return { vcalendar, floatingZone };
}

/** Reads one ical.js time value, taking its zone from the owning property's TZID parameter. */
export function resolveTime(time: ICAL.Time, tzid: string | undefined, ctx: ZoneContext): ResolvedTime {
  return resolveFields(fieldsOf(time), time.isDate, isUtc(time), tzid, ctx);
}

/** The first value of a DATE/DATE-TIME property, or undefined when absent or of another type. */
export function resolveProperty(component: ICAL.Component, name: string, ctx: ZoneContext): ResolvedTime | undefined {
  const property = component.getFirstProperty(name);
  return property ? resolveFirstValue(property, ctx) : undefined;
}

/**
 * The first value of a DATE/DATE-TIME property, or undefined when it has another type. A plain
 * DATE or DATE-TIME is read from the property's jCal text, which is what the property serialises
 * to: asking ical.js for the value builds an ICAL.Time, and expanding a series asks for several
 * per instance, which cost more than the rest of resolving them.
 */
export function resolveFirstValue(property: ICAL.Property, ctx: ZoneContext): ResolvedTime | undefined {
  const text: unknown = property.jCal[3];
  if (typeof text === 'string' && (property.type === 'date-time' || property.type === 'date')) {
    const parsed = parseJCalTime(text);
    if (parsed) return resolveFields(parsed.local, parsed.isDate, parsed.utc, tzidOf(property), ctx);
  }
  const value = property.getFirstValue();
  return value instanceof ICAL.Time ? resolveTime(value, tzidOf(property), ctx) : undefined;
}

/**
 * The values of a multi-valued property (EXDATE, RDATE) read in `tzid`'s zone: DATE and DATE-TIME
 * values as times, from the jCal text as resolveFirstValue reads them, and RDATE's PERIOD values
 * as ical.js periods. A series' EXDATEs are read for every expansion of it.
 */
export function resolveValues(property: ICAL.Property, tzid: string | undefined, ctx: ZoneContext): { times: ResolvedTime[]; periods: ICAL.Period[] } {
  const times: ResolvedTime[] = [];
  const periods: ICAL.Period[] = [];
  const jCal = property.jCal;
  if (property.type === 'date-time' || property.type === 'date') {
    for (let i = 3; i < jCal.length; i++) {
      const text: unknown = jCal[i];
      const parsed = typeof text === 'string' ? parseJCalTime(text) : undefined;
      if (!parsed) break;
      times.push(resolveFields(parsed.local, parsed.isDate, parsed.utc, tzid, ctx));
    }
    if (times.length === jCal.length - 3) return { times, periods };
    times.length = 0;
  }
  for (const value of property.getValues() as unknown[]) {
    if (value instanceof ICAL.Time) times.push(resolveTime(value, tzid, ctx));
    else if (value instanceof ICAL.Period) periods.push(value);
  }
  return { times, periods };
}

/**
 * Reads a jCal DATE ("2026-03-01") or DATE-TIME ("2026-03-01T09:30:00", with "Z" in UTC) string;
 * `utc` tells whether it carried the "Z". Read character by character: it runs for every time
 * value of every expanded instance, where a regular expression cost more than the rest.
 */
export function parseJCalTime(value: string): { local: LocalDateTime; isDate: boolean; utc: boolean } | undefined {
  const length = value.length;
  const utc = length === 20 && value.charCodeAt(19) === Z;
  if (length !== 10 && length !== 19 && !utc) return undefined;
  if (value.charCodeAt(4) !== HYPHEN || value.charCodeAt(7) !== HYPHEN) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  if (length === 10) return { local: { year, month, day, hour: 0, minute: 0, second: 0 }, isDate: true, utc: false };
  if (value.charCodeAt(10) !== T || value.charCodeAt(13) !== COLON || value.charCodeAt(16) !== COLON) return undefined;
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (hour < 0 || minute < 0 || second < 0) return undefined;
  return { local: { year, month, day, hour, minute, second }, isDate: false, utc };
}

export function tzidOf(property: ICAL.Property): string | undefined {
  const tzid = property.getParameter('tzid');
  return typeof tzid === 'string' && tzid !== '' ? tzid : undefined;
}

/** A wall-clock reading in a zone, resolved with the RFC 5545 gap and overlap rules. */
export function fromLocal(local: LocalDateTime, zone: Zone, isDate: boolean, isFloating: boolean): ResolvedTime {
  return { local, zone, isDate, isFloating, utcMs: localToUtcMs(zone, local) };
}

/**
 * Adds an iCalendar duration the way RFC 5545 §3.3.6 reads it: weeks and days are nominal (same wall
 * clock time on the later day, so 23 or 25 hours across a DST change), hours to seconds are exact.
 */
export function addDuration(start: ResolvedTime, duration: ICAL.Duration): number {
  const sign = duration.isNegative ? -1 : 1;
  const days = sign * (duration.weeks * 7 + duration.days);
  const exactMs = sign * (duration.hours * 3600 + duration.minutes * 60 + duration.seconds) * 1000;
  const base = days === 0 ? start.utcMs : localToUtcMs(start.zone, shiftLocal(start.local, days * 86_400_000));
  return base + exactMs;
}

/** Moves wall-clock fields by a number of milliseconds, ignoring any zone (floating arithmetic). */
export function shiftLocal(local: LocalDateTime, deltaMs: number): LocalDateTime {
  return utcMsToLocal(UTC_ZONE, localAsUtcMs(local) + deltaMs);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function fieldsOf(time: ICAL.Time): LocalDateTime {
  return { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
}

/** iCalendar text of a resolved value: DATE, floating DATE-TIME, or UTC DATE-TIME for zoned values. */
export function formatResolved(time: ResolvedTime): string {
  if (time.isDate) return formatDate(time.local);
  if (time.isFloating) return formatLocal(time.local);
  return formatUtc(time.utcMs);
}

export function formatUtc(utcMs: number): string {
  return `${formatLocal(utcMsToLocal(UTC_ZONE, utcMs))}Z`;
}

/** Parses "date with UTC time" (YYYYMMDDTHHMMSSZ) strictly; undefined for anything else. */
export function parseUtc(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return localAsUtcMs({ year, month, day, hour, minute, second: Math.min(second, 59) });
}

/**
 * Runs code that reads property values. ical.js decodes values lazily and throws a plain Error for
 * a malformed one ("invalid date-time value"); that becomes InvalidICalendarError, a client mistake.
 */
export function readingValues<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && error.constructor === Error) throw new InvalidICalendarError(`Malformed iCalendar value: ${error.message}`);
    throw error;
  }
}

// --- Internal helpers ---

function formatDate(local: LocalDateTime): string {
  return pad(local.year, 4) + pad(local.month, 2) + pad(local.day, 2);
}

function formatLocal(local: LocalDateTime): string {
  return `${formatDate(local)}T${pad(local.hour, 2)}${pad(local.minute, 2)}${pad(local.second, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

const [HYPHEN, COLON, T, Z, ZERO] = ['-', ':', 'T', 'Z', '0'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number];

/** The decimal number written by `count` digits from `start`, or -1 when one of them is no digit. */
function digitsAt(text: string, start: number, count: number): number {
  let number = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

function resolveFields(local: LocalDateTime, isDate: boolean, utc: boolean, tzid: string | undefined, ctx: ZoneContext): ResolvedTime {
  if (isDate) return fromLocal(local, ctx.floatingZone, true, true);
  if (utc) return fromLocal(local, UTC_ZONE, false, false);
  if (tzid) return fromLocal(local, resolveZone(tzid, ctx.vcalendar), false, false);
  return fromLocal(local, ctx.floatingZone, false, true);
}

function isUtc(time: ICAL.Time): boolean {
  return time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === 'UTC';
}

function zoneFromObject(tzid: string, vcalendar: ICAL.Component): Zone | undefined {
  const vtimezone = vcalendar.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
  return vtimezone ? guarded(zoneFromVtimezone(vtimezone)) : undefined;
}

/** A client VTIMEZONE is expanded lazily; one that cannot be read degrades to UTC instead of failing a query. */
function guarded(zone: Zone): Zone {
  let broken = false;
  return {
    tzid: zone.tzid,
    offsetAtUtc(utcMs: number): number {
      if (broken) return 0;
      try {
        return zone.offsetAtUtc(utcMs);
      } catch {
        broken = true;
        return 0;
      }
    },
  };
}
