// The parts of a recurrence set that need no iteration (RFC 5545 §3.8.5): grouping master and
// overrides by UID, EXDATE exclusions, the UNTIL instant, and the keys instances are matched by.
import ICAL from 'ical.js';
import { fieldsOf, fromLocal, resolveTime, resolveValues, tzidOf, type ResolvedTime, type ZoneContext } from './zones.ts';

export interface Group {
  master: ICAL.Component | undefined;
  overrides: ICAL.Component[];
}

export function exclusions(master: ICAL.Component, ctx: ZoneContext): { instants: Set<number>; dates: Set<string> } {
  const instants = new Set<number>();
  const dates = new Set<string>();
  for (const property of master.getAllProperties('exdate')) {
    const tzid = tzidOf(property) ?? tzidOf(master.getFirstProperty('dtstart')!);
    for (const time of resolveValues(property, tzid, ctx).times) {
      // A DATE EXDATE removes every instance on that day, whatever the type of DTSTART.
      if (time.isDate) dates.add(dateKey(time));
      else instants.add(time.utcMs);
    }
  }
  return { instants, dates };
}

/** UNTIL is inclusive; a DATE UNTIL against a DATE-TIME start runs to the end of that local day. */
export function untilInstant(until: ICAL.Time, dtstart: ResolvedTime, ctx: ZoneContext): number {
  if (until.isDate && !dtstart.isDate) {
    return fromLocal({ ...fieldsOf(until), hour: 23, minute: 59, second: 59 }, dtstart.zone, false, dtstart.isFloating).utcMs;
  }
  // UTC when DTSTART is zoned (RFC 5545 §3.3.10); a floating UNTIL is read in DTSTART's zone.
  return resolveTime(until, undefined, { ...ctx, floatingZone: dtstart.zone }).utcMs;
}

/** Master and overrides share a UID; a component without one, or a second master, stands alone. */
export function groupByUid(components: ICAL.Component[]): Group[] {
  const groups: Group[] = [];
  const byUid = new Map<string, Group>();
  for (const component of components) {
    const uid = component.getFirstPropertyValue('uid');
    const isOverride = component.hasProperty('recurrence-id');
    let group = typeof uid === 'string' ? byUid.get(uid) : undefined;
    if (!group || (!isOverride && group.master)) {
      group = { master: undefined, overrides: [] };
      groups.push(group);
      if (typeof uid === 'string' && !byUid.has(uid)) byUid.set(uid, group);
    }
    if (isOverride) group.overrides.push(component);
    else group.master = component;
  }
  return groups;
}

export function keyOf(time: ResolvedTime): string {
  return time.isDate ? `D${dateKey(time)}` : `T${time.utcMs}`;
}

export function dateKey(time: ResolvedTime): string {
  return `${time.local.year}-${time.local.month}-${time.local.day}`;
}
