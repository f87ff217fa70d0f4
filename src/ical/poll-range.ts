// When a VPOLL (draft-ietf-calext-vpoll §4) overlaps a CALDAV:time-range. RFC 4791 §9.9 has no
// table for it; like Cyrus (ical_support.c, which times a VPOLL as a VTODO whose DUE is DTEND), a
// poll with DTSTART spans DTSTART to DTEND (or DTSTART + DURATION), and one with only DTEND is
// that instant. A poll without either is timed by its candidates (the VEVENTs and VTODOs voted
// on), and one with no time at all overlaps every range, as an undated VTODO does (§9.9).
import ICAL from 'ical.js';
import type { Span, TimeRange } from './time-range.ts';
import { addDuration, resolveProperty, type ResolvedTime, type ZoneContext } from './zones.ts';

/** Subcomponents of a VPOLL that are not candidates. */
const NOT_CANDIDATES = new Set(['participant', 'vvoter', 'valarm']);
const DAY = ICAL.Duration.fromData({ days: 1 });

/** The spans a poll occupies; empty when it has no time at all. */
export function pollSpans(poll: ICAL.Component, ctx: ZoneContext): Span[] {
  const own = ownSpan(poll, ctx, 'dtend');
  if (own) return [own];
  return poll.getAllSubcomponents().flatMap((candidate) => {
    if (NOT_CANDIDATES.has(candidate.name)) return [];
    const span = ownSpan(candidate, ctx, candidate.name === 'vtodo' ? 'due' : 'dtend');
    return span ? [span] : [];
  });
}

export function pollOverlaps(poll: ICAL.Component, range: TimeRange, ctx: ZoneContext): boolean {
  const spans = pollSpans(poll, ctx);
  if (spans.length === 0) return true;
  const s = range.startUtcMs ?? -Infinity;
  const e = range.endUtcMs ?? Infinity;
  return spans.some(({ lo, hi }) => {
    const start = lo ?? -Infinity;
    const end = hi ?? Infinity;
    // An instant is in the range when start <= it < end, a span when it meets the range (§9.9's VEVENT rows).
    return start === end ? s <= start && e > start : s < end && e > start;
  });
}

/** Whether any time the poll is placed by is floating (the index then widens its span by the zones' reach). */
export function pollHasFloating(poll: ICAL.Component, ctx: ZoneContext): boolean {
  return [poll, ...poll.getAllSubcomponents().filter((c) => !NOT_CANDIDATES.has(c.name))].some((component) =>
    ['dtstart', 'dtend', 'due'].some((name) => resolveProperty(component, name, ctx)?.isFloating),
  );
}

// --- Internal helpers ---

function ownSpan(component: ICAL.Component, ctx: ZoneContext, endName: 'dtend' | 'due'): Span | null {
  const start = resolveProperty(component, 'dtstart', ctx);
  const end = resolveProperty(component, endName, ctx);
  if (!start) return end ? { lo: end.utcMs, hi: end.utcMs } : null;
  const duration = component.getFirstPropertyValue('duration');
  const endMs = end?.utcMs ?? (duration instanceof ICAL.Duration ? addDuration(start, duration) : defaultEnd(component, start));
  return { lo: Math.min(start.utcMs, endMs), hi: Math.max(start.utcMs, endMs) };
}

/** A candidate VEVENT on a DATE lasts the day (RFC 5545 §3.6.1); anything else is an instant. */
function defaultEnd(component: ICAL.Component, start: ResolvedTime): number {
  return component.name === 'vevent' && start.isDate ? addDuration(start, DAY) : start.utcMs;
}
