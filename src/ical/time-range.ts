// CALDAV:time-range overlap tests, RFC 4791 §9.9: the VEVENT, VTODO, VJOURNAL and VFREEBUSY tables,
// VALARM triggers (repeated, on every recurrence instance) and DATE/DATE-TIME/PERIOD properties.
import ICAL from 'ical.js';
import { localAsUtcMs, localToUtcMs } from '../tz/zone.ts';
import type { Instance } from './recurrence.ts';
import { addDuration, resolveProperty, resolveTime, shiftLocal, tzidOf, zoneContext, type ResolvedTime, type ZoneContext } from './zones.ts';

/** A time range; a missing bound is −infinity (start) or +infinity (end), as §9.9 specifies. */
export interface TimeRange {
  startUtcMs?: number | undefined;
  endUtcMs?: number | undefined;
}

/** The smallest closed span [lo, hi] that holds every instant at which an instance can match; null is unbounded. */
export interface Span {
  lo: number | null;
  hi: number | null;
}

const DAY_MS = 86_400_000;
const ONE_DAY = ICAL.Duration.fromData({ days: 1 });

/** The effective end of any instance of a component, from the start of that instance. */
export interface EndResolver {
  endOf(start: ResolvedTime): number;
  /** Whether the value the end comes from (DTEND or DUE) is floating. */
  isFloating: boolean;
  /** Whether the length counts days (DATE values, or a DURATION with days or weeks), so DST changes can stretch it. */
  isNominal: boolean;
}

/**
 * Effective DTEND (VEVENT) or DUE (VTODO) per RFC 5545 §3.8.5.3 and RFC 4791 §9.9: DTEND/DUE keep
 * their exact distance from DTSTART (whole days for DATE values), DURATION is added nominally, and
 * without either a DATE start lasts one day (VEVENT, VJOURNAL) and a DATE-TIME start is a point.
 * Undefined when the component has no DTSTART. `dtstart`: the component's DTSTART, when the
 * caller has resolved it already (a time-zone conversion saved per component expanded).
 */
export function endResolver(component: ICAL.Component, ctx: ZoneContext, dtstart = resolveProperty(component, 'dtstart', ctx)): EndResolver | undefined {
  if (!dtstart) return undefined;
  const endName = component.name === 'vtodo' ? 'due' : component.name === 'vjournal' ? undefined : 'dtend';
  const end = endName ? resolveProperty(component, endName, ctx) : undefined;
  if (end && end.isDate && dtstart.isDate) {
    const days = Math.max(0, Math.round((localAsUtcMs(end.local) - localAsUtcMs(dtstart.local)) / DAY_MS));
    return { isFloating: true, isNominal: true, endOf: (start) => localToUtcMs(start.zone, shiftLocal(start.local, days * DAY_MS)) };
  }
  if (end) {
    const lengthMs = Math.max(0, end.utcMs - dtstart.utcMs);
    return { isFloating: end.isFloating, isNominal: false, endOf: (start) => start.utcMs + lengthMs };
  }
  const duration = component.name === 'vjournal' ? null : component.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) {
    const isNominal = duration.weeks > 0 || duration.days > 0;
    return { isFloating: false, isNominal, endOf: (start) => Math.max(start.utcMs, addDuration(start, duration)) };
  }
  if (dtstart.isDate && component.name !== 'vtodo') return { isFloating: false, isNominal: true, endOf: (start) => addDuration(start, ONE_DAY) };
  return { isFloating: false, isNominal: false, endOf: (start) => start.utcMs };
}

/**
 * Whether one recurrence instance overlaps the range. The instance's start and end are the effective
 * DTSTART and DTEND/DUE (or DTSTART+DURATION); which table row applies is read from its component.
 */
export function instanceOverlaps(instance: Instance, range: TimeRange): boolean {
  const s = range.startUtcMs ?? -Infinity;
  const e = range.endUtcMs ?? Infinity;
  if (instance.component.name === 'vtodo') return todoOverlaps(instance, s, e);
  if (!Number.isFinite(instance.startUtcMs)) return false; // VJOURNAL without DTSTART: FALSE
  const start = instance.startUtcMs;
  const end = instance.endUtcMs;
  // Positive length: (start < END AND end > DTSTART). Zero length, i.e. DURATION of 0 or a DATE-TIME
  // DTSTART alone (and the invalid DTEND = DTSTART): (start <= DTSTART AND end > DTSTART).
  return end > start ? s < end && e > start : s <= start && e > start;
}

/** The span the index may store for an instance so that a range prefilter never loses a match. */
export function instanceSpan(instance: Instance): Span {
  if (instance.component.name === 'vtodo' && !Number.isFinite(instance.startUtcMs)) {
    const { completed, created } = todoStamps(instance.component);
    if (completed !== undefined && created !== undefined) return { lo: Math.min(completed, created), hi: Math.max(completed, created) };
    if (completed !== undefined) return { lo: completed, hi: completed };
    if (created !== undefined) return { lo: created, hi: null };
    return { lo: null, hi: null };
  }
  if (!Number.isFinite(instance.startUtcMs)) return { lo: null, hi: null };
  return { lo: Math.min(instance.startUtcMs, instance.endUtcMs), hi: Math.max(instance.startUtcMs, instance.endUtcMs) };
}

/** VFREEBUSY: DTSTART and DTEND when both are present, else each FREEBUSY period, else FALSE. */
export function freeBusyOverlaps(component: ICAL.Component, range: TimeRange, ctx: ZoneContext): boolean {
  const s = range.startUtcMs ?? -Infinity;
  const e = range.endUtcMs ?? Infinity;
  const dtstart = resolveProperty(component, 'dtstart', ctx);
  const dtend = resolveProperty(component, 'dtend', ctx);
  if (dtstart && dtend) return s <= dtend.utcMs && e > dtstart.utcMs;
  return freeBusyPeriods(component, ctx).some((p) => s < p.hi && e > p.lo);
}

export function freeBusySpan(component: ICAL.Component, ctx: ZoneContext): Span {
  const dtstart = resolveProperty(component, 'dtstart', ctx);
  const dtend = resolveProperty(component, 'dtend', ctx);
  if (dtstart && dtend) return { lo: dtstart.utcMs, hi: dtend.utcMs };
  const periods = freeBusyPeriods(component, ctx);
  if (periods.length === 0) return { lo: null, hi: null };
  return { lo: Math.min(...periods.map((p) => p.lo)), hi: Math.max(...periods.map((p) => p.hi)) };
}

/** VAVAILABILITY (RFC 7953 §3.1): an absent DTSTART or DTEND leaves that side unbounded. */
export function availabilityOverlaps(component: ICAL.Component, range: TimeRange, ctx: ZoneContext): boolean {
  const span = availabilitySpan(component, ctx);
  return (range.startUtcMs ?? -Infinity) < (span.hi ?? Infinity) && (range.endUtcMs ?? Infinity) > (span.lo ?? -Infinity);
}

export function availabilitySpan(component: ICAL.Component, ctx: ZoneContext): Span {
  const dtstart = resolveProperty(component, 'dtstart', ctx);
  const dtend = resolveProperty(component, 'dtend', ctx);
  const duration = component.getFirstPropertyValue('duration');
  const end = dtend?.utcMs ?? (dtstart && duration instanceof ICAL.Duration ? addDuration(dtstart, duration) : undefined);
  return { lo: dtstart?.utcMs ?? null, hi: end ?? null };
}

/**
 * VALARM: (start <= trigger AND end > trigger) for any trigger, the first one and its REPEAT
 * repetitions, of the alarm on any of the given instances of its parent component (§9.9 last paragraph).
 * Relative triggers are added as exact durations to the instance's effective start or end.
 */
export function alarmOverlaps(alarm: ICAL.Component, parentInstances: readonly Instance[], range: TimeRange, ctx: ZoneContext): boolean {
  const trigger = alarm.getFirstProperty('trigger');
  if (!trigger) return false;
  const value = trigger.getFirstValue();
  const repeat = Math.max(0, Number(alarm.getFirstPropertyValue('repeat') ?? 0) || 0);
  const every = alarm.getFirstPropertyValue('duration');
  const everyMs = every instanceof ICAL.Duration ? every.toSeconds() * 1000 : 0;
  const hits = (first: number) => triggerSeriesOverlaps(first, everyMs > 0 ? repeat : 0, everyMs, range);
  if (value instanceof ICAL.Time) return hits(resolveTime(value, tzidOf(trigger), ctx).utcMs);
  if (!(value instanceof ICAL.Duration)) return false;
  const offsetMs = value.toSeconds() * 1000;
  const related = String(trigger.getParameter('related') ?? 'START').toUpperCase();
  return parentInstances.some((instance) => {
    const base = related === 'END' ? instance.endUtcMs : alarmStartBase(instance);
    return base !== undefined && Number.isFinite(base) && hits(base + offsetMs);
  });
}

/** How far (ms) any trigger of the alarm can lie from its parent instance's start or end. */
export function alarmReachMs(alarm: ICAL.Component): number {
  const trigger = alarm.getFirstPropertyValue('trigger');
  const offset = trigger instanceof ICAL.Duration ? Math.abs(trigger.toSeconds() * 1000) : 0;
  const repeat = Math.max(0, Number(alarm.getFirstPropertyValue('repeat') ?? 0) || 0);
  const every = alarm.getFirstPropertyValue('duration');
  return offset + (every instanceof ICAL.Duration ? repeat * Math.abs(every.toSeconds() * 1000) : 0);
}

/**
 * Property time-range (§9.9 property paragraph): a DATE-TIME value v matches when
 * (start <= v AND end > v); a DATE covers its whole day and a PERIOD its whole period, like the
 * component tables treat them. Values of any other type never match.
 */
export function propertyOverlaps(property: ICAL.Property, range: TimeRange, ctx: ZoneContext): boolean {
  const s = range.startUtcMs ?? -Infinity;
  const e = range.endUtcMs ?? Infinity;
  const tzid = tzidOf(property);
  return property.getValues().some((value: unknown) => {
    if (value instanceof ICAL.Time) {
      const time = resolveTime(value, tzid, ctx);
      if (!time.isDate) return s <= time.utcMs && e > time.utcMs;
      return s < addDuration(time, ONE_DAY) && e > time.utcMs;
    }
    if (value instanceof ICAL.Period) {
      const span = periodSpan(value, tzid, ctx);
      return span.hi > span.lo ? s < span.hi && e > span.lo : s <= span.lo && e > span.lo;
    }
    return false;
  });
}

/** A point-in-time test for an effective value (DTSTART+DURATION standing in for DTEND or DUE). */
export function instantOverlaps(utcMs: number, range: TimeRange): boolean {
  return (range.startUtcMs ?? -Infinity) <= utcMs && (range.endUtcMs ?? Infinity) > utcMs;
}

// --- Internal helpers ---

/** The eight VTODO rows, selected by which of DTSTART, DURATION, DUE, COMPLETED, CREATED exist. */
function todoOverlaps(instance: Instance, s: number, e: number): boolean {
  const component = instance.component;
  const hasDue = component.hasProperty('due');
  if (component.hasProperty('dtstart') && Number.isFinite(instance.startUtcMs)) {
    const dtstart = instance.startUtcMs;
    const end = instance.endUtcMs;
    if (hasDue) return (s < end || s <= dtstart) && (e > dtstart || e >= end);
    if (component.hasProperty('duration')) return s <= end && (e > dtstart || e >= end);
    return s <= dtstart && e > dtstart;
  }
  if (hasDue && Number.isFinite(instance.endUtcMs)) return s < instance.endUtcMs && e >= instance.endUtcMs;
  const { completed, created } = todoStamps(component);
  if (completed !== undefined && created !== undefined) return (s <= created || s <= completed) && (e >= created || e >= completed);
  if (completed !== undefined) return s <= completed && e >= completed;
  if (created !== undefined) return e > created;
  return true;
}

function todoStamps(component: ICAL.Component): { completed?: number; created?: number } {
  const ctx = zoneContext(component.parent ?? component);
  const completed = resolveProperty(component, 'completed', ctx)?.utcMs;
  const created = resolveProperty(component, 'created', ctx)?.utcMs;
  return { ...(completed !== undefined ? { completed } : {}), ...(created !== undefined ? { created } : {}) };
}

/** RELATED=START needs DTSTART; a VTODO without one falls back to DUE (RFC 4791 §7.8.5 example). */
function alarmStartBase(instance: Instance): number | undefined {
  const component = instance.component;
  if (component.hasProperty('dtstart')) return instance.startUtcMs;
  if (component.name === 'vtodo' && component.hasProperty('due')) return instance.endUtcMs;
  return undefined;
}

function triggerSeriesOverlaps(first: number, repeat: number, everyMs: number, range: TimeRange): boolean {
  const s = range.startUtcMs ?? -Infinity;
  const e = range.endUtcMs ?? Infinity;
  if (repeat === 0) return s <= first && e > first;
  // Triggers are first + k·every for k in 0..repeat; find whether any k lands in [s, e).
  const kMin = Number.isFinite(s) ? Math.max(0, Math.ceil((s - first) / everyMs)) : 0;
  const kMax = Number.isFinite(e) ? Math.min(repeat, Math.ceil((e - first) / everyMs) - 1) : repeat;
  return kMin <= kMax;
}

function freeBusyPeriods(component: ICAL.Component, ctx: ZoneContext): { lo: number; hi: number }[] {
  const periods: { lo: number; hi: number }[] = [];
  for (const property of component.getAllProperties('freebusy')) {
    for (const value of property.getValues() as unknown[]) {
      if (value instanceof ICAL.Period) periods.push(periodSpan(value, tzidOf(property), ctx));
    }
  }
  return periods;
}

function periodSpan(period: ICAL.Period, tzid: string | undefined, ctx: ZoneContext): { lo: number; hi: number } {
  const start = resolveTime(period.start, tzid, ctx);
  const end = period.end ? resolveTime(period.end, tzid, ctx).utcMs : period.duration ? addDuration(start, period.duration) : start.utcMs;
  return { lo: start.utcMs, hi: end };
}
