// The ATTACH properties of managed attachments (RFC 8607 §3.3–§3.5, §4): adding one to the
// components a request names (`rid`), replacing or removing one by MANAGED-ID, and the instance
// overrides a `rid` needs. Pure: it changes an ical.js tree and knows nothing of storage or HTTP.
import { ICAL } from '../ical/parse.ts';
import { expandInstances } from '../ical/recurrence.ts';
import { deriveOverride, type InstanceStart } from '../ical/override.ts';
import { resolveTime, resolveZone, tzidOf, zoneContext } from '../ical/zones.ts';
import { utcMsToLocal, type LocalDateTime } from '../tz/zone.ts';

/** What an ATTACH property says about a managed attachment. */
export interface ManagedAttach {
  managedId: string;
  url: string;
  filename: string;
  contentType: string;
  size: number;
}

/** A `rid` item: "M" for the master, else a RECURRENCE-ID in UTC (or a DATE). */
export type RidTarget = { master: true } | { master: false; text: string; utcMs: number; isDate: boolean; local: LocalDateTime };

export class InvalidRid extends Error {
  override name = 'InvalidRid';
}

/** The calendar components of an object (its VTIMEZONEs left out). */
export function calendarComponents(vcalendar: ICAL.Component): ICAL.Component[] {
  return vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
}

export function managedIdOf(property: ICAL.Property): string | null {
  const id = property.getParameter('managed-id');
  return typeof id === 'string' && id !== '' ? id : null;
}

/** Whether any component carries an ATTACH with this MANAGED-ID. */
export function carriesManagedId(components: readonly ICAL.Component[], managedId: string): boolean {
  return components.some((c) => c.getAllProperties('attach').some((p) => managedIdOf(p) === managedId));
}

/** Distinct MANAGED-IDs over all components. */
export function distinctManagedIds(components: readonly ICAL.Component[]): Set<string> {
  const ids = new Set<string>();
  for (const component of components) {
    for (const property of component.getAllProperties('attach')) {
      const id = managedIdOf(property);
      if (id) ids.add(id);
    }
  }
  return ids;
}

/** Sets an ATTACH property to describe `attach` (value and the four parameters), keeping anything else it has. */
export function describeAttach(property: ICAL.Property, attach: ManagedAttach): void {
  property.setParameter('managed-id', attach.managedId);
  property.setParameter('fmttype', attach.contentType);
  property.setParameter('filename', attach.filename);
  property.setParameter('size', String(attach.size));
  // A URI value (the default type): drop VALUE=BINARY/ENCODING left from an inline attachment.
  property.removeParameter('value');
  property.removeParameter('encoding');
  property.resetType('uri');
  property.setValue(attach.url);
}

/** Adds the attachment to each component; the caller chose them (all, or those `rid` names). */
export function addAttach(components: readonly ICAL.Component[], attach: ManagedAttach): void {
  for (const component of components) {
    const property = new ICAL.Property('attach');
    describeAttach(property, attach);
    component.addProperty(property);
  }
}

/** Removes the ATTACH with this MANAGED-ID from each component that has it; true if any had. */
export function removeAttach(components: readonly ICAL.Component[], managedId: string): boolean {
  let found = false;
  for (const component of components) {
    for (const property of component.getAllProperties('attach')) {
      if (managedIdOf(property) === managedId) {
        component.removeProperty(property);
        found = true;
      }
    }
  }
  return found;
}

/** Replaces the ATTACH with MANAGED-ID `oldId` by one for `attach` wherever it appears (RFC 8607 §3.4). */
export function replaceAttach(components: readonly ICAL.Component[], oldId: string, attach: ManagedAttach): boolean {
  let found = false;
  for (const component of components) {
    for (const property of component.getAllProperties('attach')) {
      if (managedIdOf(property) === oldId) {
        describeAttach(property, attach);
        found = true;
      }
    }
  }
  return found;
}

/** Parses the `rid` query parameter: a comma-separated list of RECURRENCE-IDs in UTC or DATE form, or M. */
export function parseRids(value: string): RidTarget[] {
  const targets: RidTarget[] = [];
  for (const raw of value.split(',')) {
    const text = raw.trim();
    if (text.toUpperCase() === 'M') {
      targets.push({ master: true });
      continue;
    }
    const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(text);
    if (!match) throw new InvalidRid(`"${text}" is not a RECURRENCE-ID in UTC (YYYYMMDDTHHMMSSZ), a date (YYYYMMDD) or M`);
    const [year, month, day, hour, minute, second] = match.slice(1).map((n) => Number(n ?? 0)) as [number, number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new InvalidRid(`"${text}" is not a valid date`);
    const local = { year, month, day, hour, minute, second };
    targets.push({ master: false, text, utcMs: Date.UTC(year, month - 1, day, hour, minute, second), isDate: match[4] === undefined, local });
  }
  return targets;
}

/**
 * The components a `rid` list names. An instance without an override gets one, made from the
 * master (RFC 8607 §3.3: the attachment then belongs to that instance alone); a RECURRENCE-ID that
 * is no instance of the master throws InvalidRid.
 */
export function selectInstances(vcalendar: ICAL.Component, targets: readonly RidTarget[], limits: { maxInstances: number; horizonUtcMs: number }): ICAL.Component[] {
  const components = calendarComponents(vcalendar);
  const master = components.find((c) => !c.getFirstProperty('recurrence-id'));
  const zones = zoneContext(vcalendar);
  const selected: ICAL.Component[] = [];
  for (const target of targets) {
    if (target.master) {
      if (!master) throw new InvalidRid('The object has no master component (rid=M)');
      if (!selected.includes(master)) selected.push(master);
      continue;
    }
    const existing = components.find((c) => {
      const property = c.getFirstProperty('recurrence-id');
      if (!property) return false;
      const value = property.getFirstValue();
      if (!(value instanceof ICAL.Time)) return false;
      const resolved = resolveTime(value, tzidOf(property), zones);
      return target.isDate ? resolved.isDate && sameDate(resolved.local, target.local) : !resolved.isDate && resolved.utcMs === target.utcMs;
    });
    if (existing) {
      if (!selected.includes(existing)) selected.push(existing);
      continue;
    }
    if (!master || !isInstanceOf(vcalendar, target, limits)) throw new InvalidRid(`${target.text} is not an instance of this object`);
    const override = deriveOverride(master, instanceStart(master, target, vcalendar));
    vcalendar.addSubcomponent(override);
    components.push(override);
    selected.push(override);
  }
  return selected;
}

// --- Internal helpers ---

function sameDate(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** Whether the master's recurrence set has an instance whose RECURRENCE-ID is the target. */
function isInstanceOf(vcalendar: ICAL.Component, target: Extract<RidTarget, { master: false }>, limits: { maxInstances: number; horizonUtcMs: number }): boolean {
  const day = 24 * 3600 * 1000;
  const instances = expandInstances(vcalendar, {
    rangeStartUtcMs: target.utcMs - day,
    rangeEndUtcMs: target.utcMs + 2 * day,
    maxInstances: limits.maxInstances,
    horizonUtcMs: limits.horizonUtcMs,
  });
  return instances.some((instance) => !instance.isOverride && instance.recurrenceId !== null && (instance.recurrenceId === target.text || (target.isDate && instance.recurrenceId.startsWith(target.text))));
}

/** The target instance's start in the form of the master's DTSTART: its zone, UTC, floating or a DATE. */
function instanceStart(master: ICAL.Component, target: Extract<RidTarget, { master: false }>, vcalendar: ICAL.Component): InstanceStart {
  const start = master.getFirstProperty('dtstart');
  const startValue = start?.getFirstValue();
  const tzid = start ? tzidOf(start) : undefined;
  if (target.isDate || (startValue instanceof ICAL.Time && startValue.isDate)) {
    return { time: ICAL.Time.fromData({ year: target.local.year, month: target.local.month, day: target.local.day, isDate: true }), tzid: undefined };
  }
  const floating = startValue instanceof ICAL.Time && !tzid && startValue.zone !== ICAL.Timezone.utcTimezone;
  const local = tzid ? utcMsToLocal(resolveZone(tzid, vcalendar), target.utcMs) : target.local;
  const time = tzid || floating ? ICAL.Time.fromData({ ...local, isDate: false }) : ICAL.Time.fromData({ ...local, isDate: false }, ICAL.Timezone.utcTimezone);
  return { time, tzid };
}
