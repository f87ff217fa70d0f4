// CALDAV:limit-recurrence-set (RFC 4791 §9.6.6): the master plus the overrides that impact the range;
// CALDAV:limit-freebusy-set (§9.6.7): only the FREEBUSY values that overlap the range.
import { ICAL, type Component } from '../../ical/parse.ts';
import { endResolver, instanceOverlaps } from '../../ical/time-range.ts';
import { parseJCalTime, resolveProperty, resolveZone, zoneContext } from '../../ical/zones.ts';
import { localToUtcMs, UTC_ZONE } from '../../tz/zone.ts';
import { chargeExpandedObject } from '../../ical/expansion-budget.ts';
import { instancesInRange, type ExpandLimits } from './expand.ts';
import { jcalOf, type JCalComponent, type JCalProperty } from './jcal.ts';
import type { UtcRange } from './request.ts';

const RECURRING = new Set(['vevent', 'vtodo', 'vjournal']);

/**
 * The object without the overridden components that do not impact the range. An override impacts it
 * when its own time overlaps, when the time of the instance it replaces overlaps, or, with
 * RANGE=THISANDFUTURE, when it can reshape instances in the range. Returned arrays share the input's.
 */
export function limitRecurrenceSet(vcalendar: Component, range: UtcRange, limits: ExpandLimits): JCalComponent {
  const ctx = zoneContext(vcalendar, limits.floatingZone ?? UTC_ZONE);
  const impacting = new Set<Component>();
  for (const name of RECURRING) {
    if (!vcalendar.getFirstSubcomponent(name)) continue;
    const instances = instancesInRange(vcalendar, name, range, limits);
    for (const instance of instances) if (instance.isOverride) impacting.add(instance.component);
  }
  const kept: JCalComponent[] = [];
  for (const component of vcalendar.getAllSubcomponents()) {
    const rid = component.getFirstProperty('recurrence-id');
    if (!rid || !RECURRING.has(component.name) || impacting.has(component)) {
      kept.push(jcalOf(component));
      continue;
    }
    const original = resolveProperty(component, 'recurrence-id', ctx);
    if (!original) continue;
    const thisAndFuture = String(rid.getParameter('range') ?? '').toUpperCase() === 'THISANDFUTURE';
    if (thisAndFuture && original.utcMs < range.endUtcMs) {
      kept.push(jcalOf(component));
      continue;
    }
    const master = masterOf(vcalendar, component);
    const ends = master ? endResolver(master, ctx) : undefined;
    const endUtcMs = ends ? ends.endOf(original) : original.utcMs;
    const originalInstance = {
      component: master ?? component,
      recurrenceId: null,
      startUtcMs: original.utcMs,
      endUtcMs,
      isOverride: false,
      isFloating: original.isFloating,
      isAllDay: original.isDate,
    };
    if (instanceOverlaps(originalInstance, range)) kept.push(jcalOf(component));
  }
  if (limits.budget) chargeExpandedObject(limits.budget);
  const source = jcalOf(vcalendar);
  return [source[0], source[1], kept];
}

/** A copy of the tree whose VFREEBUSY components keep only the FREEBUSY periods overlapping the range. */
export function limitFreeBusySet(vcalendar: JCalComponent, range: UtcRange, context: Component): JCalComponent {
  const [name, properties, components] = vcalendar;
  return [name, properties, components.map((c) => (c[0] === 'vfreebusy' ? limitComponent(c, range, context) : c))];
}

// --- Internal helpers ---

function masterOf(vcalendar: Component, override: Component): Component | undefined {
  const uid = override.getFirstPropertyValue('uid');
  return vcalendar.getAllSubcomponents(override.name).find((c) => !c.hasProperty('recurrence-id') && c.getFirstPropertyValue('uid') === uid);
}

function limitComponent(component: JCalComponent, range: UtcRange, context: Component): JCalComponent {
  const properties: JCalProperty[] = [];
  for (const property of component[1]) {
    if (property[0] !== 'freebusy') {
      properties.push(property);
      continue;
    }
    const tzid = typeof property[1].tzid === 'string' ? property[1].tzid : undefined;
    const values = property.slice(3).filter((value) => periodOverlaps(value, range, tzid, context));
    if (values.length > 0) properties.push([property[0], property[1], property[2], ...values]);
  }
  return [component[0], properties, component[2]];
}

/** The CALDAV:time-range rule for a PERIOD value (RFC 4791 §9.9), as applied to FREEBUSY values. */
function periodOverlaps(value: unknown, range: UtcRange, tzid: string | undefined, context: Component): boolean {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'string') return false;
  const start = instantOf(value[0], tzid, context);
  if (start === undefined) return false;
  let end = instantOf(value[1], tzid, context);
  if (end === undefined) {
    try {
      end = start + ICAL.Duration.fromString(value[1]).toSeconds() * 1000;
    } catch {
      return false;
    }
  }
  return end > start ? range.startUtcMs < end && range.endUtcMs > start : range.startUtcMs <= start && range.endUtcMs > start;
}

function instantOf(text: string, tzid: string | undefined, context: Component): number | undefined {
  const parsed = parseJCalTime(text);
  if (!parsed) return undefined;
  // FREEBUSY values are UTC by definition (RFC 5545 §3.8.2.6); a TZID is honoured leniently.
  const zone = parsed.utc || !tzid ? UTC_ZONE : resolveZone(tzid, context);
  return localToUtcMs(zone, parsed.local);
}
