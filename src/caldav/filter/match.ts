// Evaluates a CalendarFilter on one calendar object (RFC 4791 §9.7.1–§9.7.5, §9.9). A comp-filter's
// time-range and its child filters are tested on the same component: the instances a master or an
// override contributes are that component's own, so conditions correlate per component.
import ICAL from 'ical.js';
import type { ExpansionBudget } from '../../ical/expansion-budget.ts';
import { expandInstanceSet, type Instance } from '../../ical/recurrence.ts';
import {
  alarmOverlaps, alarmReachMs, availabilityOverlaps, freeBusyOverlaps, instantOverlaps, propertyOverlaps, type TimeRange,
} from '../../ical/time-range.ts';
import { InvalidICalendarError } from '../../ical/parse.ts';
import { pollOverlaps } from '../../ical/poll-range.ts';
import { readingValues, zoneContext, type ZoneContext } from '../../ical/zones.ts';
import type { Zone } from '../../tz/zone.ts';
import type { CalendarFilter, CompFilter, FilterTest, ParamFilter, PropFilter } from './ast.ts';
import { matchesText, propertyTexts } from './text-match.ts';

export interface MatchOptions {
  /** Zone for floating and DATE values: CALDAV:timezone(-id), else the calendar's calendar-timezone; UTC by default. */
  floatingZone?: Zone | undefined;
  horizonUtcMs: number;
  maxInstances: number;
  /** The request's recurrence budget (caldav/limits.ts), shared with its other objects. */
  budget?: ExpansionBudget | undefined;
}

/** Whether the object matches; an object with a malformed value that the filter reaches does not. */
export function matchCalendarObject(filter: CalendarFilter, vcalendar: ICAL.Component, opts: MatchOptions): boolean {
  if (vcalendar.name !== 'vcalendar' || filter.root.isNotDefined) return false;
  const ctx: MatchContext = { zones: zoneContext(vcalendar, opts.floatingZone), opts };
  try {
    return readingValues(() => matchChildren(filter.root, vcalendar, ctx));
  } catch (error) {
    if (error instanceof InvalidICalendarError) return false;
    throw error;
  }
}

// --- Internal helpers ---

interface MatchContext {
  zones: ZoneContext;
  opts: MatchOptions;
}

const DAY_MS = 86_400_000;
const TIMED_BY_INSTANCE = new Set(['vevent', 'vtodo', 'vjournal']);

/** The prop-filters and comp-filters of a comp-filter on one component, combined by its test. */
function matchChildren(filter: CompFilter, component: ICAL.Component, ctx: MatchContext): boolean {
  return combine(filter.test, [
    ...filter.propFilters.map((pf) => () => matchPropFilter(pf, component, ctx)),
    ...filter.compFilters.map((cf) => () => matchCompFilter(cf, component, ctx)),
  ]);
}

function matchCompFilter(filter: CompFilter, parent: ICAL.Component, ctx: MatchContext): boolean {
  const candidates = parent.getAllSubcomponents().filter((c) => filter.name === '*' || c.name.toUpperCase() === filter.name);
  if (filter.isNotDefined) return candidates.length === 0;
  return candidates.some(
    (component) => (!filter.timeRange || componentInRange(component, parent, filter.timeRange, ctx)) && matchChildren(filter, component, ctx),
  );
}

function componentInRange(component: ICAL.Component, parent: ICAL.Component, range: TimeRange, ctx: MatchContext): boolean {
  switch (component.name) {
    case 'vevent':
    case 'vtodo':
    case 'vjournal':
      return searchInstances(component, range, ctx, () => true).found;
    case 'vfreebusy':
      return freeBusyOverlaps(component, range, ctx.zones);
    case 'vavailability':
      return availabilityOverlaps(component, range, ctx.zones);
    case 'vpoll':
      return pollOverlaps(component, range, ctx.zones);
    case 'valarm': {
      if (!TIMED_BY_INSTANCE.has(parent.name)) return false;
      // Triggers lie within the alarm's reach of an instance's start or end: widen by it.
      // An absolute trigger needs no instance; a relative one is tested on each instance in turn.
      if (alarmOverlaps(component, [], range, ctx.zones)) return true;
      const reach = alarmReachMs(component) + 2 * DAY_MS;
      return searchInstances(parent, widen(range, reach), ctx, (instance) => alarmOverlaps(component, [instance], range, ctx.zones)).found;
    }
    default:
      return false;
  }
}

function matchPropFilter(filter: PropFilter, component: ICAL.Component, ctx: MatchContext): boolean {
  const properties = component.getAllProperties(filter.name === '*' ? undefined : filter.name.toLowerCase());
  if (filter.isNotDefined) return properties.length === 0;
  if (properties.length === 0) return filter.timeRange !== undefined && effectiveEndInRange(filter.name, component, filter.timeRange, ctx);
  return properties.some((property) =>
    combine(filter.test, [
      ...(filter.timeRange ? [() => propertyInRange(property, component, filter.timeRange as TimeRange, ctx)] : []),
      ...(filter.textMatch ? [() => matchesText(filter.textMatch!, propertyTexts(property))] : []),
      ...filter.paramFilters.map((pf) => () => matchParamFilter(pf, property)),
    ]),
  );
}

function matchParamFilter(filter: ParamFilter, property: ICAL.Property): boolean {
  const raw: unknown = property.getParameter(filter.name.toLowerCase());
  const values = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  if (filter.isNotDefined) return values.length === 0;
  if (values.length === 0) return false;
  return !filter.textMatch || matchesText(filter.textMatch, values);
}

/**
 * DTSTART, DTEND and DUE of a recurring component are tested on every instance's effective value
 * (§9.9: "infer an effective value for DTSTART, DTEND, DURATION, and DUE"); other properties, and
 * these on a non-recurring component, on the stored value.
 */
function propertyInRange(property: ICAL.Property, component: ICAL.Component, range: TimeRange, ctx: MatchContext): boolean {
  const name = property.name;
  if (TIMED_BY_INSTANCE.has(component.name) && (name === 'dtstart' || name === 'dtend' || name === 'due')) {
    const isDate = property.getFirstValue() instanceof ICAL.Time && (property.getFirstValue() as ICAL.Time).isDate;
    const inRange = (i: Instance) => i.recurrenceId !== null && valueInRange(name === 'dtstart' ? i.startUtcMs : i.endUtcMs, isDate, range);
    const { found, instances } = searchInstances(component, widen(range, 2 * DAY_MS), ctx, inRange);
    if (found) return true;
    if (instances.some((i) => i.recurrenceId !== null)) return false;
  }
  return propertyOverlaps(property, range, ctx.zones);
}

/** §9.9: DTSTART+DURATION stands in for a missing DTEND (VEVENT) or DUE (VTODO). */
function effectiveEndInRange(name: string, component: ICAL.Component, range: TimeRange, ctx: MatchContext): boolean {
  const standsIn = (name === 'DTEND' && component.name === 'vevent') || (name === 'DUE' && component.name === 'vtodo');
  if (!standsIn || !component.hasProperty('dtstart') || !component.hasProperty('duration')) return false;
  return searchInstances(component, widen(range, 2 * DAY_MS), ctx, (i) => instantOverlaps(i.endUtcMs, range)).found;
}

function valueInRange(utcMs: number, isDate: boolean, range: TimeRange): boolean {
  if (!isDate) return instantOverlaps(utcMs, range);
  return (range.startUtcMs ?? -Infinity) < utcMs + DAY_MS && (range.endUtcMs ?? Infinity) > utcMs;
}

/**
 * Whether this very component (master or override) has an instance overlapping the range that
 * passes `test`. Iteration stops at the first one, so a series with a million instances in the
 * range costs one step; `instances` are the component's instances found until then (all of them
 * within the limits when none passes).
 */
function searchInstances(component: ICAL.Component, range: TimeRange, ctx: MatchContext, test: (instance: Instance) => boolean): { found: boolean; instances: Instance[] } {
  const wanted = (instance: Instance) => instance.component === component && test(instance);
  const { instances } = expandInstanceSet(ctx.zones.vcalendar, {
    componentName: component.name,
    rangeStartUtcMs: range.startUtcMs,
    rangeEndUtcMs: range.endUtcMs,
    floatingZone: ctx.zones.floatingZone,
    maxInstances: ctx.opts.maxInstances,
    horizonUtcMs: ctx.opts.horizonUtcMs,
    budget: ctx.opts.budget,
    stopAt: wanted,
  });
  const own = instances.filter((instance) => instance.component === component);
  return { found: own.some(wanted), instances: own };
}

function widen(range: TimeRange, byMs: number): TimeRange {
  return {
    startUtcMs: range.startUtcMs === undefined ? undefined : range.startUtcMs - byMs,
    endUtcMs: range.endUtcMs === undefined ? undefined : range.endUtcMs + byMs,
  };
}

/** allof: every test; anyof: at least one. No tests at all always match (§9.7.1 "empty" filters). */
function combine(test: FilterTest, tests: (() => boolean)[]): boolean {
  if (tests.length === 0) return true;
  return test === 'anyof' ? tests.some((t) => t()) : tests.every((t) => t());
}
