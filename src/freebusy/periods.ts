// Busy periods as plain values (RFC 5545 §3.2.9 FBTYPE, §3.8.2.6 FREEBUSY): clipping to the queried
// range and coalescing overlapping or touching periods of one type.

/** The busy FBTYPE values; FREE time is never reported (RFC 4791 §7.10). */
export type BusyType = 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE';

export interface BusyPeriod {
  type: BusyType;
  startUtcMs: number;
  endUtcMs: number;
}

/** A free-busy query range [start, end) in UTC. */
export interface FreeBusyRange {
  startUtcMs: number;
  endUtcMs: number;
}

const TYPE_ORDER: Record<BusyType, number> = { BUSY: 0, 'BUSY-TENTATIVE': 1, 'BUSY-UNAVAILABLE': 2 };

/** The part of [start, end) inside the range, or undefined when nothing of positive length is left. */
export function clipToRange(startUtcMs: number, endUtcMs: number, range: FreeBusyRange): { startUtcMs: number; endUtcMs: number } | undefined {
  const start = Math.max(startUtcMs, range.startUtcMs);
  const end = Math.min(endUtcMs, range.endUtcMs);
  return end > start ? { startUtcMs: start, endUtcMs: end } : undefined;
}

/**
 * Merges, per type, periods that overlap or touch, and sorts the result by start (then type).
 * Periods of different types are kept apart: a busy hour inside a tentative afternoon stays visible.
 */
export function coalesceBusyPeriods(periods: Iterable<BusyPeriod>): BusyPeriod[] {
  const byType = new Map<BusyType, BusyPeriod[]>();
  for (const period of periods) {
    if (!(period.endUtcMs > period.startUtcMs)) continue;
    const list = byType.get(period.type) ?? [];
    list.push(period);
    byType.set(period.type, list);
  }
  const merged: BusyPeriod[] = [];
  for (const [type, list] of byType) {
    list.sort((a, b) => a.startUtcMs - b.startUtcMs);
    let current: BusyPeriod | undefined;
    for (const period of list) {
      if (current && period.startUtcMs <= current.endUtcMs) {
        current.endUtcMs = Math.max(current.endUtcMs, period.endUtcMs);
      } else {
        current = { type, startUtcMs: period.startUtcMs, endUtcMs: period.endUtcMs };
        merged.push(current);
      }
    }
  }
  return merged.sort((a, b) => a.startUtcMs - b.startUtcMs || TYPE_ORDER[a.type] - TYPE_ORDER[b.type]);
}

/**
 * FBTYPE or BUSYTYPE text → busy type, FREE → null. Absent and unrecognised values take the
 * property's default (BUSY for FBTYPE, RFC 5545 §3.2.9; BUSY-UNAVAILABLE for BUSYTYPE, RFC 7953 §3.2).
 */
export function busyTypeOf(value: unknown, fallback: BusyType): BusyType | null {
  if (typeof value !== 'string') return fallback;
  const upper = value.trim().toUpperCase();
  if (upper === 'FREE') return null;
  return upper === 'BUSY-TENTATIVE' || upper === 'BUSY-UNAVAILABLE' || upper === 'BUSY' ? upper : fallback;
}
