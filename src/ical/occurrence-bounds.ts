// The indexed time span of a calendar object, computed when it is written: first instance start and
// last instance end (RFC 4791 §9.9 semantics), and every instance when they are known exactly, so
// that time-range queries can prefilter (and often decide) in SQL.
import ICAL from 'ical.js';
import { UTC_ZONE, type Zone } from '../tz/zone.ts';
import { expandInstances, expandInstanceSet, isRecurrenceMaster, isUnbounded, primaryComponentName, type Instance } from './recurrence.ts';
import { pollHasFloating, pollSpans } from './poll-range.ts';
import { availabilitySpan, freeBusySpan, instanceSpan, type Span } from './time-range.ts';
import { readingValues, resolveProperty, zoneContext } from './zones.ts';

export interface OccurrenceBounds {
  /** Upper-case type of the object's main component ('' when it has none). */
  componentType: string;
  /** Earliest instant any instance can match a time-range at; null when unbounded (or undated). */
  firstStartUtcMs: number | null;
  /** Latest such instant; the horizon for an unbounded RRULE; null when unbounded. */
  lastEndUtcMs: number | null;
  /** RRULE or RDATE, overrides, or several components: the span alone cannot decide a query. */
  isRecurring: boolean;
  /** Some instance uses a floating or DATE value: the span has been widened (see below). */
  hasFloating: boolean;
  /**
   * Every instance, when they are known exactly at write time: a bounded set (or a single
   * instance), or an unbounded one with few instances before the horizon, with no floating or
   * DATE value, so that the same instants hold in every query's zone. null otherwise (long
   * unbounded series, floating values, VFREEBUSY and VAVAILABILITY).
   */
  completeInstances: Instance[] | null;
  /**
   * When set, completeInstances are only those overlapping this window (a long unbounded series,
   * listed around the time it was written); outside it the object's time is not listed.
   */
  listedWindow: { startUtcMs: number; endUtcMs: number } | null;
}

export interface BoundsOptions {
  horizonUtcMs: number;
  maxInstances: number;
  floatingZone?: Zone | undefined;
  /** The time of the write: a long unbounded series has its instances around it listed. */
  nowUtcMs?: number | undefined;
}

const HOUR_MS = 3_600_000;
const YEAR_MS = 366 * 24 * HOUR_MS;

/**
 * The object's span. Floating and DATE values mean a different instant in every query's zone
 * (CALDAV:timezone), so their span is widened: by 14 hours when they are read in UTC, because UTC
 * offsets run from −12:00 to +14:00, and by 26 hours when read in another zone, whose own offset
 * can sit at either end of that range. Throws TooManyInstances when a bounded recurrence set
 * (COUNT or UNTIL) has more than maxInstances instances, InvalidICalendarError for a malformed value.
 */
export function computeOccurrenceBounds(vcalendar: ICAL.Component, opts: BoundsOptions): OccurrenceBounds {
  return readingValues(() => bounds(vcalendar, opts));
}

function bounds(vcalendar: ICAL.Component, opts: BoundsOptions): OccurrenceBounds {
  const componentType = primaryComponentName(vcalendar) ?? '';
  const name = componentType.toLowerCase();
  const zone = opts.floatingZone ?? UTC_ZONE;
  const components = name ? vcalendar.getAllSubcomponents(name) : [];
  const isRecurring = components.length > 1 || components.some((c) => isRecurrenceMaster(c) || c.hasProperty('recurrence-id'));
  let spans: Span[] = [];
  let hasFloating = false;
  let unbounded = false;
  let completeInstances: Instance[] | null = null;
  let listedWindow: OccurrenceBounds['listedWindow'] = null;
  if (name === 'vevent' || name === 'vtodo' || name === 'vjournal') {
    unbounded = components.some((c) => c.getAllProperties('rrule').some((p) => isUnboundedRule(p.getFirstValue())));
    const toHorizon = unbounded ? fewInstancesToHorizon(vcalendar, name, zone, opts) : null;
    const instances = toHorizon ?? boundingInstances(vcalendar, name, zone, unbounded, opts);
    spans = instances.map(instanceSpan);
    hasFloating = instances.some((i) => i.isFloating);
    if ((!unbounded || toHorizon) && !hasFloating) completeInstances = instances;
    else if (!hasFloating && opts.nowUtcMs !== undefined) {
      const around = instancesAround(vcalendar, name, zone, opts.nowUtcMs, opts);
      if (around) [completeInstances, listedWindow] = [around.instances, around.window];
    }
  } else if (name === 'vpoll') {
    const ctx = zoneContext(vcalendar, zone);
    spans = components.flatMap((c) => pollSpans(c, ctx));
    hasFloating = components.some((c) => pollHasFloating(c, ctx));
  } else if (name === 'vfreebusy' || name === 'vavailability') {
    const ctx = zoneContext(vcalendar, zone);
    spans = components.map((c) => (name === 'vfreebusy' ? freeBusySpan(c, ctx) : availabilitySpan(c, ctx)));
    hasFloating = components.some((c) => ['dtstart', 'dtend'].some((p) => resolveProperty(c, p, ctx)?.isFloating));
  }
  if (spans.length === 0) return { componentType, firstStartUtcMs: null, lastEndUtcMs: null, isRecurring, hasFloating, completeInstances, listedWindow };
  let first = spans.some((s) => s.lo === null) ? null : Math.min(...spans.map((s) => s.lo as number));
  let last = spans.some((s) => s.hi === null) ? null : Math.max(...spans.map((s) => s.hi as number));
  if (unbounded && last !== null) last = Math.max(last, opts.horizonUtcMs);
  if (hasFloating) {
    const slackMs = (zone === UTC_ZONE || zone.tzid === 'UTC' ? 14 : 26) * HOUR_MS;
    if (first !== null) first -= slackMs;
    if (last !== null) last += slackMs;
  }
  return { componentType, firstStartUtcMs: first, lastEndUtcMs: last, isRecurring, hasFloating, completeInstances, listedWindow };
}

/**
 * The instances that decide the span. An unbounded rule's span ends at the horizon anyway, so only
 * its first year is iterated: later occurrences start later, and overrides and RDATEs are always
 * included. Should that year hold no occurrence of the master at all, the whole horizon is used.
 */
function boundingInstances(vcalendar: ICAL.Component, name: string, zone: Zone, unbounded: boolean, opts: BoundsOptions): Instance[] {
  const expand = (horizonUtcMs: number) =>
    expandInstances(vcalendar, { ...opts, horizonUtcMs, componentName: name, floatingZone: zone, onLimit: 'throw' });
  if (!unbounded) return expand(opts.horizonUtcMs);
  const starts = vcalendar.getAllSubcomponents(name).flatMap((c) => resolveProperty(c, 'dtstart', zoneContext(vcalendar, zone))?.utcMs ?? []);
  const firstYear = expand(Math.min(opts.horizonUtcMs, Math.min(...starts) + YEAR_MS));
  return firstYear.some((i) => !i.isOverride) ? firstYear : expand(opts.horizonUtcMs);
}

/**
 * Every instance of a set with unbounded rules up to the horizon, when there are few: a yearly
 * birthday or a monthly meeting has some dozens until 2038, cheap to list once at write time and
 * then known exactly. null when a rule would yield more (a weekly or daily series is iterated
 * from the query's range instead) or when a limit cut the expansion short.
 */
function fewInstancesToHorizon(vcalendar: ICAL.Component, name: string, zone: Zone, opts: BoundsOptions): Instance[] | null {
  const ctx = zoneContext(vcalendar, zone);
  let estimate = 0;
  for (const component of vcalendar.getAllSubcomponents(name)) {
    const startUtcMs = resolveProperty(component, 'dtstart', ctx)?.utcMs;
    for (const property of component.getAllProperties('rrule')) {
      const rule = property.getFirstValue();
      if (!isUnboundedRule(rule) || startUtcMs === undefined) continue;
      estimate += estimatedOccurrences(rule, startUtcMs, opts.horizonUtcMs);
    }
  }
  if (estimate > MAX_LISTED_UNBOUNDED) return null;
  const maxInstances = Math.min(opts.maxInstances, 2 * MAX_LISTED_UNBOUNDED);
  const { instances, complete } = expandInstanceSet(vcalendar, { ...opts, maxInstances, componentName: name, floatingZone: zone });
  return complete ? instances : null;
}

/**
 * The instances of a long unbounded series from half a year before `nowUtcMs` to two years after
 * it, where nearly all queries fall (clients sync from a few weeks or months back; a weekly meeting
 * has about 130 instances there, a daily one about 910), when no limit cut the expansion short.
 * Queries inside the window are then settled by the index; others parse.
 */
function instancesAround(vcalendar: ICAL.Component, name: string, zone: Zone, nowUtcMs: number, opts: BoundsOptions): { instances: Instance[]; window: { startUtcMs: number; endUtcMs: number } } | null {
  const window = { startUtcMs: nowUtcMs - YEAR_MS / 2, endUtcMs: Math.min(opts.horizonUtcMs, nowUtcMs + 2 * YEAR_MS) };
  if (window.endUtcMs <= window.startUtcMs) return null;
  const { instances, complete } = expandInstanceSet(vcalendar, {
    ...opts,
    componentName: name,
    floatingZone: zone,
    rangeStartUtcMs: window.startUtcMs,
    rangeEndUtcMs: window.endUtcMs,
    maxInstances: Math.min(opts.maxInstances, MAX_LISTED_AROUND),
  });
  return complete ? { instances, window } : null;
}

/** Estimated instances an unbounded rule expands to the horizon: periods times the choices its BY parts allow in each. */
function estimatedOccurrences(rule: ICAL.Recur, startUtcMs: number, horizonUtcMs: number): number {
  const periodMs = (APPROXIMATE_PERIOD_MS[rule.freq] ?? 1000) * Math.max(1, rule.interval || 1);
  let perPeriod = 1;
  for (const part of ['BYMONTH', 'BYWEEKNO', 'BYYEARDAY', 'BYMONTHDAY', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'BYSECOND']) {
    perPeriod *= Math.max(1, rule.getComponent(part).length);
  }
  return (Math.max(0, horizonUtcMs - startUtcMs) / periodMs + 1) * perPeriod;
}

const MAX_LISTED_UNBOUNDED = 400;
/** Iteration steps allowed for the window: enough for a daily series, not for an hourly one. */
const MAX_LISTED_AROUND = 1000;
const APPROXIMATE_PERIOD_MS: Partial<Record<string, number>> = {
  YEARLY: 365 * 24 * HOUR_MS,
  MONTHLY: 28 * 24 * HOUR_MS,
  WEEKLY: 7 * 24 * HOUR_MS,
  DAILY: 24 * HOUR_MS,
  HOURLY: HOUR_MS,
  MINUTELY: 60_000,
};

function isUnboundedRule(value: unknown): value is ICAL.Recur {
  return value instanceof ICAL.Recur && isUnbounded(value);
}
