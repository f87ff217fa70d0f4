// Rewriting DATE-TIME values of jCal properties in UTC (RFC 4791 §9.6.5: "date and local time with
// reference to time zone information MUST be converted into date with UTC time").
import type { Component } from '../../ical/parse.ts';
import { parseJCalTime, resolveZone } from '../../ical/zones.ts';
import { localToUtcMs, utcMsToLocal, type Zone } from '../../tz/zone.ts';
import { jcalDate, jcalLocal, jcalUtc, type JCalComponent, type JCalProperty } from './jcal.ts';

/** How an instant is written back: as a DATE, as floating local time, or in UTC. */
export type TimeForm = 'date' | 'floating' | 'utc';

export interface TimeContext {
  /** The object the values come from: its VTIMEZONEs resolve TZIDs that are not IANA names. */
  vcalendar: Component;
  /** Zone of floating values; they are only converted when the request supplied one. */
  floatingZone: Zone | undefined;
}

/**
 * Converts, in place and in every subcomponent, the DATE-TIME and PERIOD values that carry a TZID
 * (and floating ones when a floating zone is known) to UTC, dropping the TZID parameter.
 */
export function convertTimesToUtc(component: JCalComponent, ctx: TimeContext): void {
  // Its own stack rather than recursion: stored data can nest deeper than the call stack allows.
  const pending = [component];
  while (pending.length > 0) {
    const next = pending.pop()!;
    for (const property of next[1]) convertProperty(property, ctx);
    for (const sub of next[2]) pending.push(sub);
  }
}

/** The form a value of this property is written in after expansion. */
export function timeFormOf(property: JCalProperty, ctx: TimeContext): TimeForm {
  if (property[2] === 'date') return 'date';
  const first = property[3];
  const parsed = typeof first === 'string' ? parseJCalTime(first) : undefined;
  if (parsed && !parsed.utc && typeof property[1].tzid !== 'string' && !ctx.floatingZone) return 'floating';
  return 'utc';
}

/** A jCal [type, value] for an instant in the given form; DATE and floating values are read in `zone`. */
export function timeValue(utcMs: number, form: TimeForm, zone: Zone): ['date' | 'date-time', string] {
  if (form === 'utc') return ['date-time', jcalUtc(utcMs)];
  const local = utcMsToLocal(zone, utcMs);
  return form === 'date' ? ['date', jcalDate(local)] : ['date-time', jcalLocal(local)];
}

/** Sets a DATE/DATE-TIME property in place (keeping its other parameters) or appends it. */
export function setTimeProperty(properties: JCalProperty[], name: string, value: ['date' | 'date-time', string]): void {
  const index = properties.findIndex((p) => p[0] === name);
  const params = index >= 0 ? withoutTimeParams(properties[index]![1]) : {};
  const property: JCalProperty = [name, params, value[0], value[1]];
  if (index >= 0) properties[index] = property;
  else properties.push(property);
}

/**
 * RECURRENCE-ID text as the recurrence engine formats it (formatResolved: YYYYMMDD, or
 * YYYYMMDDTHHMMSS with a "Z" in UTC) → jCal, by cutting the fixed-width text: every expanded
 * instance has one.
 */
export function recurrenceIdValue(text: string, ctx: TimeContext): ['date' | 'date-time', string] {
  const { length } = text;
  if (length !== 8 && length !== 15 && length !== 16) return ['date-time', text];
  const date = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  if (length === 8) return ['date', date];
  const local = `${date}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}`;
  if (length === 16) return ['date-time', `${local}Z`];
  const floating = ctx.floatingZone && parseJCalTime(local);
  return floating ? ['date-time', jcalUtc(localToUtcMs(ctx.floatingZone!, floating.local))] : ['date-time', local];
}

// --- Internal helpers ---

function convertProperty(property: JCalProperty, ctx: TimeContext): void {
  const type = property[2];
  if (type !== 'date-time' && type !== 'period') return;
  const tzid = typeof property[1].tzid === 'string' ? property[1].tzid : undefined;
  const zone = tzid ? resolveZone(tzid, ctx.vcalendar) : ctx.floatingZone;
  if (!zone) return;
  const convert = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const parsed = parseJCalTime(value);
    if (!parsed || parsed.isDate || parsed.utc) return value;
    return jcalUtc(localToUtcMs(zone, parsed.local));
  };
  for (let i = 3; i < property.length; i++) {
    const value = property[i];
    // A PERIOD is [start, end or duration]; only date-time parts are converted.
    property[i] = Array.isArray(value) ? value.map(convert) : convert(value);
  }
  if (tzid) delete property[1].tzid;
}

function withoutTimeParams(params: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...params };
  delete copy.tzid;
  delete copy.range;
  return copy;
}
