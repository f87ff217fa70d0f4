// CALDAV:expand (RFC 4791 §9.6.5): every recurrence instance overlapping the range becomes its own
// component, with DTSTART/DTEND/RECURRENCE-ID in UTC, no RRULE/RDATE/EXDATE/EXRULE, no VTIMEZONE.
import { ICAL, type Component } from '../../ical/parse.ts';
import { chargeExpandedObject, type ExpansionBudget } from '../../ical/expansion-budget.ts';
import { expandInstances, type Instance } from '../../ical/recurrence.ts';
import { availabilityOverlaps, freeBusyOverlaps } from '../../ical/time-range.ts';
import { zoneContext } from '../../ical/zones.ts';
import { UTC_ZONE, type Zone } from '../../tz/zone.ts';
import { cloneJCal, jcalOf, type JCalComponent, type JCalProperty } from './jcal.ts';
import type { UtcRange } from './request.ts';
import { convertTimesToUtc, recurrenceIdValue, setTimeProperty, timeFormOf, timeValue, type TimeContext, type TimeForm } from './times.ts';

export interface ExpandLimits {
  /** Zone for floating and DATE values; when given, floating DATE-TIMEs are written in UTC too. */
  floatingZone?: Zone | undefined;
  maxInstances: number;
  horizonUtcMs: number;
  /** The request's recurrence budget (caldav/limits.ts), shared with its other objects. */
  budget?: ExpansionBudget | undefined;
}

const RECURRING = new Set(['vevent', 'vtodo', 'vjournal']);
const RECURRENCE_PROPERTIES = new Set(['rrule', 'rdate', 'exdate', 'exrule']);
/** The property holding each recurring type's end, when it has one. */
const END_PROPERTY: Record<string, string> = { vevent: 'dtend', vtodo: 'due' };

/** The instances of one component type overlapping the range, under the request's limits. */
export function instancesInRange(vcalendar: Component, componentName: string, range: UtcRange, limits: ExpandLimits): Instance[] {
  return expandInstances(vcalendar, {
    componentName,
    rangeStartUtcMs: range.startUtcMs,
    rangeEndUtcMs: range.endUtcMs,
    floatingZone: limits.floatingZone,
    maxInstances: limits.maxInstances,
    horizonUtcMs: limits.horizonUtcMs,
    budget: limits.budget,
  });
}

/** A new VCALENDAR holding one component per overlapping instance (the input is not modified). */
export function expandCalendar(vcalendar: Component, range: UtcRange, limits: ExpandLimits): JCalComponent {
  const ctx: TimeContext = { vcalendar, floatingZone: limits.floatingZone };
  const source = jcalOf(vcalendar);
  const components: JCalComponent[] = [];
  const done = new Set<string>();
  for (const component of vcalendar.getAllSubcomponents()) {
    const name = component.name;
    if (name === 'vtimezone' || done.has(name)) continue;
    if (RECURRING.has(name)) {
      done.add(name);
      const instances = instancesInRange(vcalendar, name, range, limits);
      const templates = new Map<Component, InstanceTemplate>();
      for (const instance of instances) {
        let template = templates.get(instance.component);
        if (!template) templates.set(instance.component, (template = instanceTemplate(instance.component, ctx)));
        components.push(instanceComponent(instance, template, ctx));
      }
    } else if (overlapsRange(component, vcalendar, range, limits.floatingZone ?? UTC_ZONE)) {
      const copy = cloneJCal(jcalOf(component));
      convertTimesToUtc(copy, ctx);
      components.push(copy);
    }
  }
  if (limits.budget) chargeExpandedObject(limits.budget);
  return [source[0], source[1].map((p) => [...p] as JCalProperty), components];
}

// --- Internal helpers ---

/**
 * What every instance of one component (the master, or an override) shares: its properties with
 * times in UTC and without the recurrence rules, and how its start and end are written. Built once
 * per component, so that an instance costs a copy of the property list rather than a deep copy and
 * a time-zone conversion of the whole component.
 */
interface InstanceTemplate {
  name: string;
  properties: JCalProperty[];
  subcomponents: JCalComponent[];
  startForm: TimeForm | undefined;
  endName: string | undefined;
  endForm: TimeForm | undefined;
  /** A day or week DURATION after a local DTSTART: replaced by the instance's end (see below). */
  nominalDuration: JCalProperty | undefined;
}

function instanceTemplate(component: Component, ctx: TimeContext): InstanceTemplate {
  const copy = cloneJCal(jcalOf(component));
  const name = copy[0];
  const properties = copy[1].filter((p) => !RECURRENCE_PROPERTIES.has(p[0]));
  copy[1] = properties;
  const find = (prop: string) => properties.find((p) => p[0] === prop);
  const dtstart = find('dtstart');
  const startForm = dtstart ? timeFormOf(dtstart, ctx) : undefined;
  const endName = END_PROPERTY[name];
  const end = endName ? find(endName) : undefined;
  const endForm = end ? timeFormOf(end, ctx) : undefined;
  const duration = find('duration');
  // Only a start that was local time changes meaning when written in UTC.
  const startWasLocal = dtstart !== undefined && startForm === 'utc' && !String(dtstart[3]).endsWith('Z');
  convertTimesToUtc(copy, ctx);
  const nominalDuration = !end && duration && endName && startWasLocal && isNominal(duration) ? duration : undefined;
  return { name, properties, subcomponents: copy[2], startForm: dtstart ? startForm : undefined, endName, endForm: end ? endForm : undefined, nominalDuration };
}

/**
 * One instance as a stand-alone component: the master's or the override's properties at the
 * instance's time. Its property list is its own; the property values and subcomponents it does
 * not change are shared with the template, which nothing after expansion modifies.
 */
function instanceComponent(instance: Instance, template: InstanceTemplate, ctx: TimeContext): JCalComponent {
  const zone = ctx.floatingZone ?? UTC_ZONE;
  let properties = [...template.properties];
  const { startForm, endName, endForm, nominalDuration } = template;
  if (startForm && Number.isFinite(instance.startUtcMs)) {
    setTimeProperty(properties, 'dtstart', timeValue(instance.startUtcMs, startForm, zone));
  }
  if (endForm && endName && Number.isFinite(instance.endUtcMs)) {
    setTimeProperty(properties, endName, timeValue(instance.endUtcMs, endForm, zone));
  } else if (nominalDuration && endName) {
    // A day or week DURATION is nominal (RFC 5545 §3.3.6): once DTSTART is in UTC it would no longer
    // give the length the instance has across a DST change, so the end is written out instead.
    properties = properties.filter((p) => p !== nominalDuration);
    setTimeProperty(properties, endName, timeValue(instance.endUtcMs, 'utc', zone));
  }
  if (instance.recurrenceId !== null) setTimeProperty(properties, 'recurrence-id', recurrenceIdValue(instance.recurrenceId, ctx));
  return [template.name, properties, template.subcomponents];
}

function isNominal(duration: JCalProperty): boolean {
  const value = duration[3];
  if (typeof value !== 'string') return false;
  try {
    const parsed = ICAL.Duration.fromString(value);
    return parsed.days !== 0 || parsed.weeks !== 0;
  } catch {
    return false;
  }
}

/** Components that are not recurrence sets are kept whole when they overlap (RFC 4791 §9.9 rules). */
function overlapsRange(component: Component, vcalendar: Component, range: UtcRange, floatingZone: Zone): boolean {
  const ctx = zoneContext(vcalendar, floatingZone);
  if (component.name === 'vfreebusy') return freeBusyOverlaps(component, range, ctx);
  if (component.name === 'vavailability') return availabilityOverlaps(component, range, ctx);
  return true;
}
