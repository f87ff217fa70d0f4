// Busy time of a calendar user over a range (RFC 4791 §7.10, RFC 5545 §3.6.4, RFC 7953 §4), from
// stored objects: opaque, not cancelled VEVENT instances, VFREEBUSY periods and VAVAILABILITY.
// Pure: shared by the free-busy-query REPORT, the Freebusy URL and the scheduling Outbox.
import { ICAL, InvalidICalendarError, parseICalendar, type Component } from '../ical/parse.ts';
import { chargeExpandedObject, type ExpansionBudget } from '../ical/expansion-budget.ts';
import { expandInstances, type Instance } from '../ical/recurrence.ts';
import { addDuration, readingValues, resolveTime, tzidOf, zoneContext, type ZoneContext } from '../ical/zones.ts';
import { UTC_ZONE, type Zone } from '../tz/zone.ts';
import { availabilityBusyPeriods, readAvailability, type AvailabilityWindow } from './availability.ts';
import { busyTypeOf, clipToRange, coalesceBusyPeriods, type BusyPeriod, type FreeBusyRange } from './periods.ts';

export type { BusyPeriod, BusyType, FreeBusyRange } from './periods.ts';
export { coalesceBusyPeriods } from './periods.ts';

/** An object as stored (iCalendar text, with its path when the caller knows it) or already parsed. */
export type FreeBusyInput = string | Component | { path: string; data: string };

export interface FreeBusyLimits {
  /** Iteration steps allowed per object (caldav_max_instances). */
  maxInstances: number;
  /** Unbounded recurrences are not followed past this instant (caldav_maxdatetime). */
  horizonUtcMs: number;
  /** Told about an object that could not be read for a reason other than malformed iCalendar. */
  onUnreadable?: ((error: unknown, path: string | undefined) => void) | undefined;
  /** The request's recurrence work over all objects (caldav_max_report_instances). */
  budget?: ExpansionBudget | undefined;
}

/** One calendar's objects, with how to read them. */
export interface FreeBusySource {
  objects: Iterable<FreeBusyInput>;
  /** Busy time already known without parsing (the time-range index's instances), to clip and add. */
  periods?: readonly BusyPeriod[] | undefined;
  /** Zone of floating and DATE values: the calendar's calendar-timezone, else UTC. */
  floatingZone?: Zone | undefined;
  /** CALDAV:schedule-calendar-transp is transparent: the calendar adds no busy time (RFC 6638 §9.1). */
  transparent?: boolean | undefined;
}

export interface FreeBusyOptions extends FreeBusyLimits {
  floatingZone?: Zone | undefined;
  transparent?: boolean | undefined;
}

/**
 * Busy periods of several calendars together, clipped to the range and coalesced per FBTYPE.
 * Availability (RFC 7953) is evaluated across all sources at once, so that PRIORITY decides
 * between VAVAILABILITY components wherever they are stored.
 */
export function computeFreeBusy(sources: Iterable<FreeBusySource>, range: FreeBusyRange, limits: FreeBusyLimits): BusyPeriod[] {
  const busy: BusyPeriod[] = [];
  const windows: AvailabilityWindow[] = [];
  for (const source of sources) {
    if (source.transparent) continue;
    const floatingZone = source.floatingZone ?? UTC_ZONE;
    const expandLimits = { floatingZone, maxInstances: limits.maxInstances, horizonUtcMs: limits.horizonUtcMs, budget: limits.budget };
    for (const period of source.periods ?? []) {
      const clipped = clipToRange(period.startUtcMs, period.endUtcMs, range);
      if (clipped) busy.push({ type: period.type, ...clipped });
    }
    for (const input of source.objects) {
      // An object that does not parse, holds a malformed value, or otherwise cannot be read
      // contributes nothing rather than failing the whole lookup (stored objects were validated
      // when written; this guards data older versions accepted).
      if (limits.budget?.exhausted) {
        limits.budget.truncated = true; // objects are left unread
        break;
      }
      try {
        readObject(parseInput(input), range, expandLimits, busy, windows);
      } catch (error) {
        if (!(error instanceof InvalidICalendarError)) limits.onUnreadable?.(error, typeof input === 'string' || input instanceof ICAL.Component ? undefined : input.path);
      }
      if (limits.budget) chargeExpandedObject(limits.budget);
    }
  }
  // Busy time that was not computed (a limit cut an expansion short, or the request's budget ran
  // out) is not free time: the whole range is then reported as unavailable rather than free.
  if (limits.budget?.truncated) busy.push({ type: 'BUSY-UNAVAILABLE', startUtcMs: range.startUtcMs, endUtcMs: range.endUtcMs });
  return coalesceBusyPeriods([...availabilityBusyPeriods(windows), ...busy]);
}

/** Busy periods of one calendar's objects. */
export function computeBusyPeriods(objects: Iterable<FreeBusyInput>, range: FreeBusyRange, options: FreeBusyOptions): BusyPeriod[] {
  return computeFreeBusy([{ objects, floatingZone: options.floatingZone, transparent: options.transparent }], range, options);
}

// --- Internal helpers ---

function parseInput(input: FreeBusyInput): Component {
  if (typeof input === 'string') return parseICalendar(input);
  return input instanceof ICAL.Component ? input : parseICalendar(input.data);
}

function readObject(
  vcalendar: Component,
  range: FreeBusyRange,
  limits: FreeBusyLimits & { floatingZone: Zone },
  busy: BusyPeriod[],
  windows: AvailabilityWindow[],
): void {
  const ctx = zoneContext(vcalendar, limits.floatingZone);
  const found: BusyPeriod[] = [];
  const foundWindows: AvailabilityWindow[] = [];
  if (vcalendar.getFirstSubcomponent('vevent')) found.push(...eventBusyTime(vcalendar, range, limits));
  for (const vfreebusy of vcalendar.getAllSubcomponents('vfreebusy')) found.push(...readingValues(() => freeBusyPeriods(vfreebusy, range, ctx)));
  for (const vavailability of vcalendar.getAllSubcomponents('vavailability')) {
    const window = readingValues(() => readAvailability(vavailability, vcalendar, range, limits));
    if (window) foundWindows.push(window);
  }
  // Added only once the whole object was read, so a malformed object adds nothing at all.
  busy.push(...found);
  windows.push(...foundWindows);
}

/**
 * VEVENT instances overlapping the range. Each instance is judged by its own component, so an
 * override can make one occurrence transparent, cancelled or tentative (RFC 4791 §7.10 table).
 */
function eventBusyTime(vcalendar: Component, range: FreeBusyRange, limits: FreeBusyLimits & { floatingZone: Zone }): BusyPeriod[] {
  const periods: BusyPeriod[] = [];
  const instances = expandInstances(vcalendar, {
    componentName: 'vevent',
    rangeStartUtcMs: range.startUtcMs,
    rangeEndUtcMs: range.endUtcMs,
    floatingZone: limits.floatingZone,
    maxInstances: limits.maxInstances,
    horizonUtcMs: limits.horizonUtcMs,
    budget: limits.budget,
  });
  for (const instance of instances) {
    const type = instanceBusyType(instance);
    if (!type) continue;
    const clipped = clipToRange(instance.startUtcMs, instance.endUtcMs, range);
    if (clipped) periods.push({ type, ...clipped });
  }
  return periods;
}

/** What a VEVENT instance adds to free-busy time: nothing when transparent or cancelled (RFC 4791 §7.10 table). */
export function instanceBusyType(instance: Instance): 'BUSY' | 'BUSY-TENTATIVE' | null {
  const component = instance.component;
  if (upper(component.getFirstPropertyValue('transp')) === 'TRANSPARENT') return null;
  const status = upper(component.getFirstPropertyValue('status'));
  if (status === 'CANCELLED') return null;
  return status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY';
}

/** FREEBUSY values of a stored VFREEBUSY with their FBTYPE (FREE ones are not busy time). */
function freeBusyPeriods(vfreebusy: Component, range: FreeBusyRange, ctx: ZoneContext): BusyPeriod[] {
  const periods: BusyPeriod[] = [];
  for (const property of vfreebusy.getAllProperties('freebusy')) {
    const type = busyTypeOf(property.getParameter('fbtype'), 'BUSY');
    if (!type) continue;
    for (const value of property.getValues() as unknown[]) {
      if (!(value instanceof ICAL.Period)) continue;
      const start = resolveTime(value.start, tzidOf(property), ctx);
      const endUtcMs = value.end ? resolveTime(value.end, tzidOf(property), ctx).utcMs : value.duration ? addDuration(start, value.duration) : start.utcMs;
      const clipped = clipToRange(start.utcMs, endUtcMs, range);
      if (clipped) periods.push({ type, ...clipped });
    }
  }
  return periods;
}

function upper(value: unknown): string {
  return typeof value === 'string' ? value.trim().toUpperCase() : '';
}
