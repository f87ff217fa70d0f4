// Recurrence expansion (RFC 5545 §3.8.5 RRULE/RDATE/EXDATE, §3.8.4.4 RECURRENCE-ID and
// RANGE=THISANDFUTURE) into instances with effective start and end (RFC 4791 §9.9), always bounded.
import ICAL from 'ical.js';
import { localAsUtcMs, UTC_ZONE, utcMsToLocal, type LocalDateTime, type Zone } from '../tz/zone.ts';
import { endResolver, instanceOverlaps, type EndResolver, type TimeRange } from './time-range.ts';
import {
  addDuration, daysInMonth, fieldsOf, formatResolved, fromLocal, readingValues, resolveFirstValue, resolveProperty, resolveTime, resolveValues, shiftLocal, tzidOf, zoneContext,
  type ResolvedTime, type ZoneContext,
} from './zones.ts';
import { dateKey, exclusions, groupByUid, keyOf, untilInstant, type Group } from './recurrence-set.ts';
import type { ExpansionBudget } from './expansion-budget.ts';
import { countsPeriods, hasNoByParts, skipAheadStart } from './skip-ahead.ts';
import { rscaleOccurrences } from './rscale/iterator.ts';
import { rscaleRuleOf } from './rscale/recur.ts';
import { isRscaleProblem, type RscaleProblem, type RscaleRule } from './rscale/rule.ts';
import { civilFromDays, daysFromCivil, weekdayFromDays } from '../tz/civil.ts';

export interface Instance {
  /** The component whose properties the instance has: the master, or the override that replaces it. */
  component: ICAL.Component;
  /** RECURRENCE-ID as iCalendar text (UTC form for zoned values); null for a non-recurring component. */
  recurrenceId: string | null;
  /** Effective DTSTART; −Infinity for a to-do or journal with no date at all. */
  startUtcMs: number;
  /** Effective DTEND/DUE (or start + DURATION, or the RFC 4791 §9.9 default); +Infinity when undated. */
  endUtcMs: number;
  isOverride: boolean;
  /** DATE values and DATE-TIME values without a zone, read in the caller's floating zone. */
  isFloating: boolean;
  isAllDay: boolean;
}

/** A recurrence set that would take more than the allowed number of iteration steps (RFC 4791 §11). */
export class TooManyInstances extends Error {
  override name = 'TooManyInstances';
  constructor(readonly maxInstances: number, message = `The recurrence set has more than ${maxInstances} instances`) {
    super(message);
  }
}

export interface ExpandOptions {
  /** VEVENT, VTODO or VJOURNAL; defaults to the object's first non-VTIMEZONE component type. */
  componentName?: string | undefined;
  rangeStartUtcMs?: number | undefined;
  rangeEndUtcMs?: number | undefined;
  /** Zone for floating and DATE values (CALDAV:timezone, or the calendar's calendar-timezone); UTC by default. */
  floatingZone?: Zone | undefined;
  /** Iteration steps allowed in total (DTSTART, each RRULE occurrence, each RDATE, each override). */
  maxInstances: number;
  /** Unbounded rules are not iterated past this instant. */
  horizonUtcMs: number;
  /** 'truncate' (default) stops quietly at the limit; 'throw' raises TooManyInstances when a bounded set exceeds it. */
  onLimit?: 'truncate' | 'throw' | undefined;
  /** The request's work allowance, shared with its other expansions; spent steps are taken from it. */
  budget?: ExpansionBudget | undefined;
  /**
   * Iteration stops as soon as an instance overlapping the range satisfies this, for callers that
   * only ask whether one exists (time-range filters): a series of a million instances then costs
   * one step instead of max-instances. The instances returned are then only those found so far.
   */
  stopAt?: ((instance: Instance) => boolean) | undefined;
}

/**
 * The instances of the object's components of one type that overlap the range under the exact
 * RFC 4791 §9.9 rules (all instances when no range is given), sorted by start. Overrides are
 * reported at their own time whatever their RECURRENCE-ID, so moving an instance into or out of
 * the range is honoured; an unused override (RECURRENCE-ID outside the set) is still an instance.
 * Throws InvalidICalendarError for a malformed value, TooManyInstances only with onLimit 'throw'.
 */
export function expandInstances(vcalendar: ICAL.Component, opts: ExpandOptions): Instance[] {
  return expandInstanceSet(vcalendar, opts).instances;
}

/**
 * expandInstances, also telling whether the set is complete: false when a limit (maxInstances, or
 * the rule-check budget) cut it short. Unbounded rules ending at the horizon count as complete.
 */
export function expandInstanceSet(vcalendar: ICAL.Component, opts: ExpandOptions): { instances: Instance[]; complete: boolean } {
  if (opts.budget?.exhausted) {
    opts.budget.truncated = true;
    return { instances: [], complete: false };
  }
  const name = (opts.componentName ?? primaryComponentName(vcalendar) ?? '').toLowerCase();
  const ctx = zoneContext(vcalendar, opts.floatingZone ?? UTC_ZONE);
  const run: Run = {
    ctx,
    range: { startUtcMs: opts.rangeStartUtcMs, endUtcMs: opts.rangeEndUtcMs },
    horizonUtcMs: opts.horizonUtcMs,
    stepsLeft: opts.maxInstances,
    maxInstances: opts.maxInstances,
    throwOnLimit: opts.onLimit === 'throw',
    ruleChecksLeft: MAX_RULE_CHECKS,
    budget: opts.budget,
    stopAt: opts.stopAt,
    stopped: false,
    truncated: false,
    out: [],
  };
  readingValues(() => {
    for (const group of groupByUid(name ? vcalendar.getAllSubcomponents(name) : [])) {
      if (run.stopped) break;
      expandGroup(group, run);
    }
  });
  const instances = run.out.sort((a, b) => a.startUtcMs - b.startUtcMs || (a.recurrenceId ?? '').localeCompare(b.recurrenceId ?? ''));
  return { instances, complete: !run.truncated };
}

/** Number of instances of the object; throws TooManyInstances when a bounded set is over the limit. */
export function countInstances(vcalendar: ICAL.Component, opts: Omit<ExpandOptions, 'rangeStartUtcMs' | 'rangeEndUtcMs' | 'onLimit'>): number {
  return expandInstances(vcalendar, { ...opts, onLimit: 'throw' }).length;
}

/** The type of the object's main component (first one that is not a VTIMEZONE), upper-case. */
export function primaryComponentName(vcalendar: ICAL.Component): string | undefined {
  return vcalendar.getAllSubcomponents().find((c) => c.name !== 'vtimezone')?.name.toUpperCase();
}

export function isRecurrenceMaster(component: ICAL.Component): boolean {
  return component.hasProperty('rrule') || component.hasProperty('rdate');
}

// --- Internal helpers ---

/** ical.js candidate checks allowed per expansion: about a second of work on the slowest rules. */
const MAX_RULE_CHECKS = 100_000;

class RuleChecksExhausted extends Error {}

interface Run {
  ctx: ZoneContext;
  range: TimeRange;
  horizonUtcMs: number;
  stepsLeft: number;
  maxInstances: number;
  throwOnLimit: boolean;
  /** Candidate checks ical.js may still make inside next() (a rule whose BY parts rarely match spins there). */
  ruleChecksLeft: number;
  budget: ExpansionBudget | undefined;
  stopAt: ((instance: Instance) => boolean) | undefined;
  /** stopAt was satisfied: nothing more is iterated. */
  stopped: boolean;
  /** A limit stopped the expansion before the set was complete. */
  truncated: boolean;
  out: Instance[];
}

interface Override {
  component: ICAL.Component;
  rid: ResolvedTime;
  key: string;
  thisAndFuture: boolean;
  instance: Instance;
}

/** A member of the master's recurrence set: its original start, and its end when an RDATE PERIOD gives one. */
interface Occurrence {
  start: ResolvedTime;
  periodEndMs?: number;
}

function expandGroup(group: Group, run: Run): void {
  const overrides = group.overrides.flatMap((c) => readOverride(c, run) ?? []);
  overrides.forEach(() => takeStep(run, true));
  // Every override is an instance at its own time, whether the rule yields its RECURRENCE-ID or
  // not (an unused one still counts), so all are emitted first and replace the occurrence they name.
  for (const override of overrides) emit(run, override.instance);
  const master = group.master;
  const dtstart = master && resolveProperty(master, 'dtstart', run.ctx);
  const ends = master && endResolver(master, run.ctx, dtstart);
  if (!master || !dtstart || !ends || (!isRecurrenceMaster(master) && overrides.length === 0)) {
    if (master) emit(run, singleInstance(master, dtstart, ends, run.ctx));
    return;
  }
  if (run.stopped) return;
  const overridden = new Set(overrides.map((o) => o.key));
  const futures = overrides.filter((o) => o.thisAndFuture).sort((a, b) => a.rid.utcMs - b.rid.utcMs);
  const instanceOf = (occurrence: Occurrence) => (overridden.has(keyOf(occurrence.start)) ? undefined : occurrenceInstance(master, occurrence, ends, futures));
  for (const occurrence of occurrences(master, dtstart, ends, futures, run, instanceOf)) {
    const instance = instanceOf(occurrence);
    if (instance) emit(run, instance);
  }
}

function occurrenceInstance(master: ICAL.Component, occurrence: Occurrence, ends: EndResolver, futures: Override[]): Instance {
  const start = occurrence.start;
  const recurrenceId = formatResolved(start);
  const isFloating = start.isFloating || ends.isFloating;
  // RANGE=THISANDFUTURE: later instances take the override's properties, shifted as it was (§3.8.4.4).
  const future = lastBefore(futures, start.utcMs);
  if (future) {
    const startUtcMs = start.utcMs + (future.instance.startUtcMs - future.rid.utcMs);
    const lengthMs = future.instance.endUtcMs - future.instance.startUtcMs;
    return newInstance(future.component, recurrenceId, startUtcMs, startUtcMs + lengthMs, true, isFloating, start.isDate);
  }
  return newInstance(master, recurrenceId, start.utcMs, occurrence.periodEndMs ?? ends.endOf(start), false, isFloating, start.isDate);
}

/**
 * DTSTART, the RRULE occurrences within the window, and RDATEs, less EXDATEs, deduplicated and
 * sorted. With stopAt, iteration ends at the first occurrence whose instance (per `instanceOf`,
 * undefined when an override replaces it) satisfies it.
 */
function occurrences(
  master: ICAL.Component,
  dtstart: ResolvedTime,
  ends: EndResolver,
  futures: Override[],
  run: Run,
  instanceOf: (occurrence: Occurrence) => Instance | undefined,
): Occurrence[] {
  const excluded = exclusions(master, run.ctx);
  const isExcluded = (o: Occurrence) => excluded.instants.has(o.start.utcMs) || excluded.dates.has(dateKey(o.start));
  const found = new Map<string, Occurrence>();
  const add = (occurrence: Occurrence) => {
    const key = keyOf(occurrence.start);
    if (found.has(key)) return;
    found.set(key, occurrence);
    if (run.stopAt && !isExcluded(occurrence)) {
      const instance = instanceOf(occurrence);
      if (instance && inRange(run, instance) && run.stopAt(instance)) run.stopped = true;
    }
  };
  takeStep(run, true);
  add({ start: dtstart });
  for (const property of master.getAllProperties('rdate')) {
    // Without TZID, a floating RDATE in a zoned series is read in DTSTART's zone (clients omit it).
    const tzid = tzidOf(property) ?? tzidOf(master.getFirstProperty('dtstart')!);
    const { times, periods } = resolveValues(property, tzid, run.ctx);
    for (const start of times) {
      takeStep(run, true);
      add({ start });
    }
    for (const period of periods) {
      takeStep(run, true);
      const start = resolveTime(period.start, tzid, run.ctx);
      const end = period.end ? resolveTime(period.end, tzid, run.ctx).utcMs : period.duration ? addDuration(start, period.duration) : start.utcMs;
      add({ start, periodEndMs: end });
    }
  }
  const window = iterationWindow(dtstart, ends, futures, run);
  const rules = master.getAllProperties('rrule').map((p) => p.getFirstValue()).filter((r): r is ICAL.Recur => r instanceof ICAL.Recur);
  for (const rule of rules.sort((a, b) => Number(isUnbounded(a)) - Number(isUnbounded(b)))) {
    if (run.stopped) break;
    for (const start of ruleStarts(rule, dtstart, window, run)) {
      add({ start });
      if (run.stopped) break;
    }
  }
  return [...found.values()].filter((o) => !isExcluded(o)).sort((a, b) => a.start.utcMs - b.start.utcMs);
}

/** Original starts an RRULE yields up to the window's end, iterated in wall-clock time by ical.js. */
function* ruleStarts(recur: ICAL.Recur, dtstart: ResolvedTime, window: IterationWindow, run: Run): Generator<ResolvedTime> {
  const unbounded = isUnbounded(recur);
  // A COUNT above the limit is refused as written, without expanding it: a sparse rule (the fifth
  // Friday of each month) takes ical.js seconds to walk thousands of instances. EXDATEs could bring
  // the set back under the limit; a rule that asks for more than the limit is refused all the same.
  if (run.throwOnLimit && recur.count && recur.count > run.maxInstances) {
    limitReached(run, false, `The recurrence rule asks for ${recur.count} instances; this server allows at most ${run.maxInstances} (RFC 4791 §5.2.7)`);
  }
  const untilUtcMs = recur.until ? untilInstant(recur.until, dtstart, run.ctx) : Infinity;
  // Nothing is expanded past the horizon (caldav_maxdatetime, the latest time this server accepts),
  // bounded rules included: instances there are as far out of reach as an unbounded rule's.
  const stopUtcMs = Math.min(window.toUtcMs, untilUtcMs, run.horizonUtcMs);
  const rscale = rscaleRuleOf(recur);
  if (rscale) {
    yield* rscaleRuleStarts(rscale, dtstart, window.fromUtcMs, stopUtcMs, unbounded, run);
    return;
  }
  const rule = prepareRule(recur, dtstart);
  const skip = window.fromUtcMs !== undefined && (!rule.count || countsPeriods(rule)) ? skipAheadStart(rule, dtstart, window.fromUtcMs) : undefined;
  const months = monthStep(recur, dtstart);
  if (months !== undefined) {
    yield* monthStepStarts(months, rule.count, dtstart, skip?.periods ?? 0, stopUtcMs, unbounded, run);
    return;
  }
  const weekdays = weekdaySteps(rule, dtstart);
  if (weekdays !== undefined) {
    yield* weekdayStepStarts(weekdays, rule.count, dtstart, (skip?.periods ?? 0) * weekdays.weeks, stopUtcMs, unbounded, run);
    return;
  }
  const stepMs = wholeDayStepMs(rule, dtstart);
  if (stepMs !== undefined) {
    // One occurrence every stepMs of wall-clock time from DTSTART, worked out directly: what
    // ical.js's iterator yields for such a rule, without its per-occurrence cost (most series are
    // daily or weekly, and an expanded week of a large calendar holds hundreds of them).
    for (let period = skip?.periods ?? 0; !rule.count || period < rule.count; period++) {
      const start = fromLocal(shiftLocal(dtstart.local, period * stepMs), dtstart.zone, dtstart.isDate, dtstart.isFloating);
      if (start.utcMs > stopUtcMs || !takeStep(run, !unbounded)) return;
      yield start;
    }
    return;
  }
  if (skip && rule.count) {
    // One occurrence per period: the periods skipped are occurrences the COUNT has used up.
    if (skip.periods >= rule.count) return;
    rule.count -= skip.periods;
  }
  let iterator: ICAL.RecurIterator;
  try {
    iterator = rule.iterator(ICAL.Time.fromData({ ...(skip?.start ?? dtstart.local), isDate: dtstart.isDate }));
  } catch {
    return; // ical.js rejects some malformed rules: such a rule adds nothing
  }
  const check = iterator.check_contracting_rules.bind(iterator);
  const budget = run.budget;
  iterator.check_contracting_rules = () => {
    if (--run.ruleChecksLeft < 0) throw new RuleChecksExhausted();
    if (budget && --budget.ruleChecksLeft < 0) throw new RuleChecksExhausted();
    return check();
  };
  for (;;) {
    let next: ICAL.Time | null;
    try {
      next = iterator.next();
    } catch (error) {
      if (error instanceof RuleChecksExhausted) ruleTooCostly(run);
      return;
    }
    if (!next) return;
    const start = fromLocal(fieldsOf(next), dtstart.zone, dtstart.isDate, dtstart.isFloating);
    if (start.utcMs > stopUtcMs || !takeStep(run, !unbounded)) return;
    yield start;
  }
}

/**
 * Original starts of an RFC 7529 rule, evaluated in its calendar's fields. A scale this runtime
 * cannot evaluate adds no occurrences: reading the rule as Gregorian would put them on wrong days.
 */
function* rscaleRuleStarts(
  rule: RscaleRule | RscaleProblem,
  dtstart: ResolvedTime,
  fromUtcMs: number | undefined,
  stopUtcMs: number,
  unbounded: boolean,
  run: Run,
): Generator<ResolvedTime> {
  if (isRscaleProblem(rule)) return;
  const dayOf = (utcMs: number) => {
    const local = utcMsToLocal(dtstart.zone, utcMs);
    return daysFromCivil(local.year, local.month, local.day);
  };
  const iterator = rscaleOccurrences({
    rule,
    dtstart: dtstart.local,
    isDate: dtstart.isDate,
    fromDay: fromUtcMs !== undefined ? dayOf(fromUtcMs) : undefined,
    lastDay: Number.isFinite(stopUtcMs) ? dayOf(stopUtcMs) + 1 : dayOf(run.horizonUtcMs) + 1,
    onPeriod: () => {
      if (--run.ruleChecksLeft < 0) throw new RuleChecksExhausted();
      if (run.budget && --run.budget.ruleChecksLeft < 0) throw new RuleChecksExhausted();
    },
  });
  for (;;) {
    let next: IteratorResult<LocalDateTime>;
    try {
      next = iterator.next();
    } catch (error) {
      // A RangeError is a date out of the calendar's reach: the rule ends there.
      if (error instanceof RuleChecksExhausted) ruleTooCostly(run);
      return;
    }
    if (next.done) return;
    const start = fromLocal(next.value, dtstart.zone, dtstart.isDate, dtstart.isFloating);
    if (start.utcMs > stopUtcMs || !takeStep(run, !unbounded)) return;
    yield start;
  }
}

function ruleTooCostly(run: Run): void {
  if (run.budget && run.budget.ruleChecksLeft < 0) budgetSpent(run);
  // A rule that needs this many checks is too costly to keep, bounded or not.
  else limitReached(run, false, 'The recurrence rule is too costly to expand');
}

/**
 * The rule as ical.js must see it: UNTIL is dropped (it is compared here, in UTC, since ical.js would
 * compare it with floating wall-clock times) and a bare YEARLY rule gets the BYMONTH/BYMONTHDAY of
 * DTSTART, without which ical.js moves a 29 February series to 1 March in common years.
 */
function prepareRule(recur: ICAL.Recur, dtstart: ResolvedTime): ICAL.Recur {
  const rule = recur.clone();
  rule.until = null;
  const has = (part: string) => rule.getComponent(part).length > 0;
  if (rule.freq === 'YEARLY' && !['BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYDAY'].some(has)) {
    rule.setComponent('BYMONTHDAY', [dtstart.local.day]);
    if (!has('BYMONTH')) rule.setComponent('BYMONTH', [dtstart.local.month]);
  }
  // Clients write a weekly meeting on DTSTART's own weekday as FREQ=WEEKLY;BYDAY=MO: the BYDAY
  // names the weekday every occurrence has anyway, so the rule is a plain weekly one, which is
  // stepped through below rather than by ical.js's iterator.
  const byday = rule.getComponent('BYDAY');
  if (rule.freq === 'WEEKLY' && byday.length === 1 && hasNoByParts(rule, 'BYDAY')) {
    const { year, month, day } = dtstart.local;
    // Removed rather than emptied: ical.js takes a part that is present, even empty, as given.
    if (String(byday[0]).toUpperCase() === WEEKDAYS[weekdayFromDays(daysFromCivil(year, month, day))]) delete rule.parts.BYDAY;
  }
  return rule;
}

/** BYDAY's names of the days of the week, from Sunday (weekdayFromDays). */
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * The months between occurrences of a MONTHLY or YEARLY rule without BY parts (INTERVAL months or
 * years), whose occurrences are DTSTART's day and wall-clock time in every step's month that has
 * that day; undefined for every other rule. A leap second in DTSTART stays with ical.js.
 */
function monthStep(recur: ICAL.Recur, dtstart: ResolvedTime): number | undefined {
  if ((recur.freq !== 'MONTHLY' && recur.freq !== 'YEARLY') || !hasNoByParts(recur) || dtstart.local.second > 59) return undefined;
  return (recur.freq === 'YEARLY' ? 12 : 1) * Math.max(1, recur.interval || 1);
}

/**
 * The starts of a monthStep rule from period `first` on: what ical.js's iterator yields for it, by
 * arithmetic. Birthdays, anniversaries and monthly reminders are such rules, and ical.js's iterator
 * costs more to set up and step through for them than the rest of their expansion. A month without
 * DTSTART's day (the 31st, 29 February) has no occurrence, and it does not count towards COUNT
 * (RFC 5545 §3.3.10). `first` is past 0 only for a rule without COUNT.
 */
function* monthStepStarts(months: number, count: number | null | undefined, dtstart: ResolvedTime, first: number, stopUtcMs: number, unbounded: boolean, run: Run): Generator<ResolvedTime> {
  const { local } = dtstart;
  let counted = 0;
  for (let period = first; !count || counted < count; period++) {
    const monthIndex = local.month - 1 + period * months;
    const year = local.year + Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    if (local.day > daysInMonth(year, month)) {
      // Past the stop, a month without the day ends the rule as an occurrence would (the day
      // before its first is earlier than any of its times in any zone).
      if (localAsUtcMs({ year, month, day: 1, hour: 0, minute: 0, second: 0 }) - 86_400_000 > stopUtcMs) return;
      continue;
    }
    counted++;
    const start = fromLocal({ ...local, year, month }, dtstart.zone, dtstart.isDate, dtstart.isFloating);
    if (start.utcMs > stopUtcMs || !takeStep(run, !unbounded)) return;
    yield start;
  }
}

/**
 * The step of a DAILY or WEEKLY rule without BY parts (INTERVAL days or weeks), whose occurrences
 * are DTSTART's wall-clock time on every step's day; undefined for every other rule, which ical.js
 * iterates. A leap second in DTSTART stays with ical.js too.
 */
function wholeDayStepMs(rule: ICAL.Recur, dtstart: ResolvedTime): number | undefined {
  if ((rule.freq !== 'DAILY' && rule.freq !== 'WEEKLY') || !countsPeriods(rule) || dtstart.local.second > 59) return undefined;
  return (rule.freq === 'WEEKLY' ? 7 : 1) * 86_400_000 * Math.max(1, rule.interval || 1);
}

/** A WEEKLY rule on given days of the week: where its weeks start, and its days within them. */
interface WeekdaySteps {
  /** The days of the week, as days after the week's start (WKST), in order. */
  offsets: number[];
  /** INTERVAL: the weeks from one week of occurrences to the next. */
  weeks: number;
  /** The start (WKST) of DTSTART's week, in days since 1970-01-01. */
  firstWeekStart: number;
}

/**
 * The steps of a WEEKLY rule whose only BY part is BYDAY, naming days of the week without a
 * number (FREQ=WEEKLY;BYDAY=MO,WE,FR: classes, shifts, training); undefined for every other rule.
 */
function weekdaySteps(rule: ICAL.Recur, dtstart: ResolvedTime): WeekdaySteps | undefined {
  if (rule.freq !== 'WEEKLY' || !hasNoByParts(rule, 'BYDAY') || dtstart.local.second > 59) return undefined;
  const weekdays = rule.getComponent('BYDAY').map((day) => WEEKDAYS.indexOf(String(day).toUpperCase()));
  if (weekdays.length === 0 || weekdays.some((weekday) => weekday < 0)) return undefined;
  // ical.js numbers the days of the week from Sunday as 1; WKST is Monday unless the rule says.
  const weekStart = (rule.wkst ?? 2) - 1;
  const start = daysFromCivil(dtstart.local.year, dtstart.local.month, dtstart.local.day);
  const offsets = [...new Set(weekdays.map((weekday) => (weekday - weekStart + 7) % 7))].sort((a, b) => a - b);
  return { offsets, weeks: Math.max(1, rule.interval || 1), firstWeekStart: start - ((weekdayFromDays(start) - weekStart + 7) % 7) };
}

/**
 * The starts of a weekdaySteps rule from week `firstWeek` on: what ical.js's iterator yields for
 * it, by arithmetic. Every INTERVAL-th week from DTSTART's, each of the days at DTSTART's
 * wall-clock time, none before DTSTART. DTSTART itself comes from the rule only on one of its days
 * (the caller adds it regardless, as RFC 5545 §3.8.5.3 requires). `firstWeek` is past 0 only for a
 * rule without COUNT.
 */
function* weekdayStepStarts(steps: WeekdaySteps, count: number | null | undefined, dtstart: ResolvedTime, firstWeek: number, stopUtcMs: number, unbounded: boolean, run: Run): Generator<ResolvedTime> {
  const { local } = dtstart;
  const first = daysFromCivil(local.year, local.month, local.day);
  let counted = 0;
  for (let week = firstWeek; ; week += steps.weeks) {
    for (const offset of steps.offsets) {
      const days = steps.firstWeekStart + week * 7 + offset;
      if (days < first) continue;
      if (count && counted >= count) return;
      counted++;
      const { year, month, day } = civilFromDays(days);
      const start = fromLocal({ ...local, year, month, day }, dtstart.zone, dtstart.isDate, dtstart.isFloating);
      if (start.utcMs > stopUtcMs || !takeStep(run, !unbounded)) return;
      yield start;
    }
  }
}

/** Where iterating a rule starts and stops: occurrences outside cannot overlap the range. */
interface IterationWindow {
  /** Undefined when the range has no start (iterate from DTSTART). */
  fromUtcMs: number | undefined;
  toUtcMs: number;
}

/** Where rule iteration may start (skipping ahead) and must stop, given the range and override shifts. */
function iterationWindow(dtstart: ResolvedTime, ends: EndResolver, futures: Override[], run: Run): IterationWindow {
  const shifts = futures.map((f) => f.instance.startUtcMs - f.rid.utcMs);
  const lengths = futures.map((f) => f.instance.endUtcMs - f.instance.startUtcMs);
  // A length counted in days can grow by a DST change (up to 2 hours historically): allow 3.
  const longest = Math.max(ends.endOf(dtstart) - dtstart.utcMs + (ends.isNominal ? 3 * 3_600_000 : 0), ...lengths, 0);
  const { startUtcMs, endUtcMs } = run.range;
  // An occurrence starting before fromUtcMs ends before the range; one starting after toUtcMs begins after it.
  return {
    fromUtcMs: startUtcMs !== undefined ? startUtcMs - longest - Math.max(0, ...shifts) - 1 : undefined,
    toUtcMs: endUtcMs !== undefined ? endUtcMs - Math.min(0, ...shifts) : Infinity,
  };
}

function singleInstance(component: ICAL.Component, dtstart: ResolvedTime | undefined, ends: EndResolver | undefined, ctx: ZoneContext): Instance {
  if (dtstart && ends) return newInstance(component, null, dtstart.utcMs, ends.endOf(dtstart), false, dtstart.isFloating || ends.isFloating, dtstart.isDate);
  const due = component.name === 'vtodo' ? resolveProperty(component, 'due', ctx) : undefined;
  if (due) return newInstance(component, null, due.utcMs, due.utcMs, false, due.isFloating, due.isDate);
  return newInstance(component, null, -Infinity, Infinity, false, false, false);
}

/**
 * An Instance built in one literal, its fields always in the same order: every instance then has
 * one shape. Spreading a shared base into each literal instead took a fifth of the time of
 * expanding a series (V8 copies such objects on a slow path).
 */
function newInstance(component: ICAL.Component, recurrenceId: string | null, startUtcMs: number, endUtcMs: number, isOverride: boolean, isFloating: boolean, isAllDay: boolean): Instance {
  return { component, recurrenceId, startUtcMs, endUtcMs, isOverride, isFloating, isAllDay };
}

function readOverride(component: ICAL.Component, run: Run): Override | undefined {
  const property = component.getFirstProperty('recurrence-id');
  const rid = property && resolveFirstValue(property, run.ctx);
  if (!property || !rid) return undefined;
  const ownStart = resolveProperty(component, 'dtstart', run.ctx);
  const dtstart = ownStart ?? rid;
  const ends = endResolver(component, run.ctx, ownStart);
  const own = newInstance(component, formatResolved(rid), dtstart.utcMs, ends ? ends.endOf(dtstart) : dtstart.utcMs, true, dtstart.isFloating || Boolean(ends?.isFloating), dtstart.isDate);
  const thisAndFuture = String(property.getParameter('range') ?? '').toUpperCase() === 'THISANDFUTURE';
  return { component, rid, key: keyOf(rid), thisAndFuture, instance: own };
}

function takeStep(run: Run, bounded: boolean): boolean {
  if (run.budget && run.budget.stepsLeft <= 0) return budgetSpent(run);
  if (run.stepsLeft > 0) {
    run.stepsLeft--;
    if (run.budget) run.budget.stepsLeft--;
    return true;
  }
  return limitReached(run, !bounded);
}

function limitReached(run: Run, unbounded: boolean, message?: string): false {
  if (run.throwOnLimit && !unbounded) throw new TooManyInstances(run.maxInstances, message);
  run.truncated = true;
  if (run.budget) run.budget.truncated = true;
  return false;
}

/** The request's budget is spent: this expansion and every later one stop where they are. */
function budgetSpent(run: Run): false {
  run.truncated = true;
  run.stopped = true;
  run.budget!.exhausted = true;
  run.budget!.truncated = true;
  return false;
}

function inRange(run: Run, instance: Instance): boolean {
  const { startUtcMs, endUtcMs } = run.range;
  return (startUtcMs === undefined && endUtcMs === undefined) || instanceOverlaps(instance, run.range);
}

function emit(run: Run, instance: Instance): void {
  if (!inRange(run, instance)) return;
  run.out.push(instance);
  if (run.stopAt?.(instance)) run.stopped = true;
}

/** A rule with neither COUNT nor UNTIL: it recurs until the horizon. */
export function isUnbounded(recur: ICAL.Recur): boolean {
  return !recur.count && !recur.until;
}

/** The last of the overrides (sorted by RECURRENCE-ID) whose RECURRENCE-ID is before `utcMs`: a binary search, once per occurrence. */
function lastBefore(futures: readonly Override[], utcMs: number): Override | undefined {
  let low = 0;
  let high = futures.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (futures[middle]!.rid.utcMs < utcMs) low = middle + 1;
    else high = middle;
  }
  return low > 0 ? futures[low - 1] : undefined;
}
