// Calendar availability in free-busy time (RFC 7953 §4): each VAVAILABILITY makes its period busy
// with its BUSYTYPE except where an AVAILABLE block says free; higher PRIORITY wins where they overlap.
import { ICAL, type Component } from '../ical/parse.ts';
import type { ExpansionBudget } from '../ical/expansion-budget.ts';
import { expandInstances } from '../ical/recurrence.ts';
import { availabilitySpan } from '../ical/time-range.ts';
import { zoneContext } from '../ical/zones.ts';
import { UTC_ZONE, type Zone } from '../tz/zone.ts';
import { busyTypeOf, clipToRange, type BusyPeriod, type BusyType, type FreeBusyRange } from './periods.ts';

export interface AvailabilityWindow {
  /** 1 is the highest priority, 9 the lowest given one; PRIORITY 0 or absent ranks below all (10). */
  rank: number;
  /** Null for a BUSYTYPE of FREE: the window then only adds free blocks. */
  busyType: BusyType | null;
  /** The VAVAILABILITY's period, clipped to the queried range. */
  startUtcMs: number;
  endUtcMs: number;
  /** AVAILABLE instances inside the window. */
  free: { startUtcMs: number; endUtcMs: number }[];
}

export interface AvailabilityLimits {
  floatingZone?: Zone | undefined;
  maxInstances: number;
  horizonUtcMs: number;
  budget?: ExpansionBudget | undefined;
}

/** Reads one VAVAILABILITY of `vcalendar`; undefined when it does not reach into the range. */
export function readAvailability(vavailability: Component, vcalendar: Component, range: FreeBusyRange, limits: AvailabilityLimits): AvailabilityWindow | undefined {
  const ctx = zoneContext(vcalendar, limits.floatingZone ?? UTC_ZONE);
  const span = availabilitySpan(vavailability, ctx);
  // A missing DTSTART or DTEND leaves that side open (RFC 7953 §3.1).
  const window = clipToRange(span.lo ?? -Infinity, span.hi ?? Infinity, range);
  if (!window) return undefined;
  const priority = Number(vavailability.getFirstPropertyValue('priority') ?? 0);
  const rank = Number.isInteger(priority) && priority >= 1 && priority <= 9 ? priority : 10;
  const busyType = busyTypeOf(vavailability.getFirstPropertyValue('busytype'), 'BUSY-UNAVAILABLE');
  return { rank, busyType, ...window, free: availableBlocks(vavailability, vcalendar, window, limits) };
}

/**
 * The busy time the windows leave: painted from the lowest priority to the highest (document order
 * among equals), each window first busy over its whole period, then free over its AVAILABLE blocks.
 */
export function availabilityBusyPeriods(windows: readonly AvailabilityWindow[]): BusyPeriod[] {
  const ordered = windows.map((w, index) => ({ w, index })).sort((a, b) => b.w.rank - a.w.rank || a.index - b.index);
  let segments: Segment[] = [];
  for (const { w } of ordered) {
    segments = paint(segments, { startUtcMs: w.startUtcMs, endUtcMs: w.endUtcMs, state: w.busyType ?? 'FREE' });
    for (const block of w.free) segments = paint(segments, { ...block, state: 'FREE' });
  }
  return segments.filter((s): s is Segment & { state: BusyType } => s.state !== 'FREE').map((s) => ({ type: s.state, startUtcMs: s.startUtcMs, endUtcMs: s.endUtcMs }));
}

// --- Internal helpers ---

interface Segment {
  startUtcMs: number;
  endUtcMs: number;
  state: BusyType | 'FREE';
}

/** Lays `top` over the segments, cutting away whatever it covers. */
function paint(segments: readonly Segment[], top: Segment): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    if (s.endUtcMs <= top.startUtcMs || s.startUtcMs >= top.endUtcMs) {
      out.push(s);
      continue;
    }
    if (s.startUtcMs < top.startUtcMs) out.push({ ...s, endUtcMs: top.startUtcMs });
    if (s.endUtcMs > top.endUtcMs) out.push({ ...s, startUtcMs: top.endUtcMs });
  }
  out.push(top);
  return out;
}

/**
 * AVAILABLE instances (RRULE, RDATE, EXDATE and overrides per UID, as for events) clipped to the
 * window. They are expanded in a VCALENDAR of their own that also carries the object's VTIMEZONEs,
 * so that TZIDs defined only in the object still resolve.
 */
function availableBlocks(
  vavailability: Component,
  vcalendar: Component,
  window: FreeBusyRange,
  limits: AvailabilityLimits,
): { startUtcMs: number; endUtcMs: number }[] {
  const available = vavailability.getAllSubcomponents('available');
  if (available.length === 0) return [];
  const zones = vcalendar.getAllSubcomponents('vtimezone');
  const holder = new ICAL.Component(['vcalendar', [], [...zones.map((z) => z.jCal), ...available.map((a) => a.jCal)]]);
  const instances = expandInstances(holder, {
    componentName: 'available',
    rangeStartUtcMs: window.startUtcMs,
    rangeEndUtcMs: window.endUtcMs,
    floatingZone: limits.floatingZone,
    maxInstances: limits.maxInstances,
    horizonUtcMs: limits.horizonUtcMs,
    budget: limits.budget,
  });
  return instances.flatMap((i) => clipToRange(i.startUtcMs, i.endUtcMs, window) ?? []);
}
