// Raw jCal (RFC 7265 §3) arrays, the form calendar data is reshaped in before it is serialised:
// working on the arrays avoids ical.js's cached wrappers going stale while components are rebuilt.
import type { ICAL } from '../../ical/parse.ts';
import type { JCalComponent, JCalProperty } from '../../ical/formats.ts';
import { UTC_ZONE, utcMsToLocal, type LocalDateTime } from '../../tz/zone.ts';

export type { JCalComponent, JCalProperty };

export function jcalOf(component: ICAL.Component): JCalComponent {
  return component.jCal as JCalComponent;
}

/** A deep copy, so the copy can be edited while the parsed object stays as it was. */
export function cloneJCal(component: JCalComponent): JCalComponent {
  return copyValue(component, 0) as JCalComponent;
}

/** jCal DATE-TIME value in UTC ("2006-01-04T14:00:00Z", RFC 7265 §3.5.5). */
export function jcalUtc(utcMs: number): string {
  return `${jcalLocal(utcMsToLocal(UTC_ZONE, utcMs))}Z`;
}

/** jCal DATE-TIME value without a zone ("2006-01-04T14:00:00"). */
export function jcalLocal(local: LocalDateTime): string {
  return `${jcalDate(local)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}

/** jCal DATE value ("2006-01-04"). */
export function jcalDate(local: LocalDateTime): string {
  return `${String(local.year).padStart(4, '0')}-${pad(local.month)}-${pad(local.day)}`;
}

// --- Internal helpers ---

/**
 * Array nesting copied by recursion before the copy goes on with its own stack. Real objects stay
 * far below it (a component is two levels: itself and its list of subcomponents); data stored
 * before nesting was bounded can be thousands of components deep.
 */
const RECURSION_LIMIT = 64;

/**
 * jCal is only arrays, plain objects and primitives: copying them directly is several times faster
 * than structuredClone, which matters when expand copies a component per instance.
 */
function copyValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= RECURSION_LIMIT) return copyWithoutRecursion(value);
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyValue(value[i], depth + 1);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyValue((value as Record<string, unknown>)[key], depth + 1);
  return copy;
}

function copyWithoutRecursion(root: object): unknown {
  const shallow = (value: object): Record<string | number, unknown> => (Array.isArray(value) ? value.slice() : { ...value }) as Record<string | number, unknown>;
  const copy = shallow(root);
  const pending = [copy];
  while (pending.length > 0) {
    const container = pending.pop()!;
    for (const key of Array.isArray(container) ? container.keys() : Object.keys(container)) {
      const value = container[key];
      if (value === null || typeof value !== 'object') continue;
      const child = shallow(value);
      container[key] = child;
      pending.push(child);
    }
  }
  return copy;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
