// The indexed columns of a calendar object (UID, component type, organizer, first/last occurrence
// in UTC, recurrence flag) and its rows in the time-range index, computed once at
// write time so that queries can pre-filter in SQL (caldav/filter/plan.ts decides what the index
// alone can settle).
import type { AppConfig } from '../config.ts';
import { computeOccurrenceBounds, type OccurrenceBounds } from '../ical/occurrence-bounds.ts';
import type { ICAL } from '../ical/parse.ts';
import { instanceBusyType } from '../freebusy/compute.ts';
import { instanceSpan } from '../ical/time-range.ts';
import type { CalendarObjectIndex, IndexedSpan, TimeIndex } from '../storage/index.ts';
import { recurrenceLimits } from './limits.ts';

/**
 * Past this many instances an object is indexed by its whole span instead: its rows would cost
 * more to write than parsing it costs the (rare) queries that meet its span.
 */
const MAX_INDEXED_INSTANCES = 1000;

/** `nowUtcMs`, the time of the write, decides which instances of a long unbounded series are listed. */
export function computeIndex(vcalendar: ICAL.Component, components: ICAL.Component[], config: AppConfig, nowUtcMs?: number): CalendarObjectIndex {
  const master = components.find((c) => !c.getFirstProperty('recurrence-id')) ?? components[0]!;
  const bounds = computeOccurrenceBounds(vcalendar, { ...recurrenceLimits(config), nowUtcMs });
  const organizer = master.getFirstPropertyValue('organizer');
  return {
    uid: String(master.getFirstPropertyValue('uid')),
    componentType: master.name.toUpperCase(),
    firstStart: bounds.firstStartUtcMs,
    lastEnd: bounds.lastEndUtcMs,
    isRecurring: bounds.isRecurring,
    organizer: typeof organizer === 'string' ? organizer : null,
    timeIndex: timeIndexOf(bounds),
    managedIds: managedIdsOf(components),
  };
}

/** The MANAGED-IDs of the object's ATTACH properties (RFC 8607 §4.1), each once. */
export function managedIdsOf(components: readonly ICAL.Component[]): string[] {
  const ids = new Set<string>();
  for (const component of components) {
    for (const attach of component.getAllProperties('attach')) {
      const id = attach.getParameter('managed-id');
      if (typeof id === 'string' && id !== '') ids.add(id);
    }
  }
  return [...ids];
}

/**
 * One row per instance where the instances are known exactly. Rows of VEVENT and VJOURNAL
 * instances are exact: their §9.9 rule is plain overlap, so they decide a time-range test, and
 * event rows carry the instance's free-busy type. To-do rows only narrow the candidates (VTODO's
 * table depends on which properties are present). Time the rows do not list (outside the window of
 * a long unbounded series) and objects known only by their whole span get inexact rows.
 */
function timeIndexOf(bounds: OccurrenceBounds): TimeIndex {
  const instances = bounds.completeInstances;
  if (!instances || instances.length > MAX_INDEXED_INSTANCES) {
    return { spans: [{ start: bounds.firstStartUtcMs, end: bounds.lastEndUtcMs, exact: false, busy: null }] };
  }
  const exact = bounds.componentType === 'VEVENT' || bounds.componentType === 'VJOURNAL';
  const spans = instances.map((instance): IndexedSpan => {
    const span = instanceSpan(instance);
    return { start: span.lo, end: span.hi, exact, busy: bounds.componentType === 'VEVENT' ? instanceBusyType(instance) : null };
  });
  // An undated journal entry never overlaps a range (§9.9), so it has no row at all.
  const listed = exact ? spans.filter((span) => span.start !== null && span.end !== null) : spans;
  const window = bounds.listedWindow;
  if (window) {
    if (bounds.firstStartUtcMs === null || bounds.firstStartUtcMs < window.startUtcMs) {
      listed.push({ start: bounds.firstStartUtcMs, end: window.startUtcMs, exact: false, busy: null });
    }
    if (bounds.lastEndUtcMs === null || bounds.lastEndUtcMs > window.endUtcMs) {
      listed.push({ start: window.endUtcMs, end: bounds.lastEndUtcMs, exact: false, busy: null });
    }
  }
  return { spans: listed };
}
