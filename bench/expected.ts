// What the reports of bench/reports.ts must answer, worked out from the generated calendar alone:
// the instances of each event as UTC intervals, with New York wall-clock times converted through
// the runtime's own time-zone data (Intl), not through the server's code that is being measured.
// The bench checks every answer against this (outside the timed part), so that a faster server
// that answers wrongly shows up as an error rather than as a better number.

export const DAY = 86_400_000;
const WEEK = 7 * DAY;
const HOUR = 3_600_000;
export const FIRST_DAY = Date.UTC(2026, 0, 1);
export const SPAN_DAYS = 730;
export const ZONE = 'America/New_York';

export interface Interval {
  start: number;
  end: number;
}

/** When event `i` starts (for a series: the wall-clock time of its first instance, as UTC fields). */
export function startOf(i: number): number {
  const day = FIRST_DAY + ((i * 7919) % SPAN_DAYS) * DAY;
  return day + (8 + (i % 10)) * HOUR + (i % 4) * 15 * 60_000;
}

/** Every fifth event is a weekly series in New York time. */
export const isSeries = (i: number) => i % 5 === 0;
export const weeksOf = (i: number) => 4 + (i % 17);

/**
 * The instances of event `i`: one hour at its start for a single event; for a series, one hour a
 * week at the same New York wall-clock time, COUNT weeks, without the third (EXDATE) and with the
 * fourth moved a day later and lengthened to 90 minutes (the override).
 */
export function instancesOf(i: number): Interval[] {
  const start = startOf(i);
  if (!isSeries(i)) return [{ start, end: start + HOUR }];
  const instances: Interval[] = [];
  for (let k = 0; k < weeksOf(i); k++) {
    if (k === 2) continue;
    const wallClock = k === 3 ? start + k * WEEK + DAY : start + k * WEEK;
    const utc = newYorkToUtc(wallClock);
    instances.push({ start: utc, end: newYorkToUtc(wallClock + (k === 3 ? 90 * 60_000 : HOUR)) });
  }
  return instances;
}

/** Whether [a.start, a.end) meets [b.start, b.end) (RFC 4791 §9.9 for instances with a duration). */
export const overlaps = (a: Interval, b: Interval) => a.start < b.end && a.end > b.start;

/** Sorted intervals with those that overlap or touch joined. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/**
 * Expected answers for the ranges the bench asks about, computed once per calendar: which events
 * have an instance in each of the 100 weeks it queries and how many instances that is, and the
 * busy time of each of the 24 months.
 */
export class ExpectedCalendar {
  private readonly weekEvents = new Map<number, Set<number>>();
  private readonly weekInstances = new Map<number, number>();
  private readonly monthBusy = new Map<number, Interval[]>();

  constructor(readonly events: number) {
    const monthRanges = Array.from({ length: 24 }, (_, m) => ({ start: Date.UTC(2026, m, 1), end: Date.UTC(2026, m + 1, 1) }));
    const busy = monthRanges.map((): Interval[] => []);
    for (let i = 0; i < events; i++) {
      for (const instance of instancesOf(i)) {
        const first = Math.floor((instance.start - FIRST_DAY) / WEEK);
        const last = Math.floor((instance.end - 1 - FIRST_DAY) / WEEK);
        for (let week = Math.max(0, first); week <= Math.min(99, last); week++) {
          if (!this.weekEvents.has(week)) this.weekEvents.set(week, new Set());
          this.weekEvents.get(week)!.add(i);
          this.weekInstances.set(week, (this.weekInstances.get(week) ?? 0) + 1);
        }
        monthRanges.forEach((range, m) => {
          if (overlaps(instance, range)) busy[m]!.push({ start: Math.max(instance.start, range.start), end: Math.min(instance.end, range.end) });
        });
      }
    }
    busy.forEach((intervals, m) => this.monthBusy.set(m, merge(intervals)));
  }

  /** The events with an instance in week `week` (0–99 from FIRST_DAY). */
  eventsInWeek(week: number): Set<number> {
    return this.weekEvents.get(week) ?? new Set();
  }

  instancesInWeek(week: number): number {
    return this.weekInstances.get(week) ?? 0;
  }

  /** Busy time of month `month` (0–23 from January 2026), merged. */
  busyInMonth(month: number): Interval[] {
    return this.monthBusy.get(month) ?? [];
  }
}

// --- Internal helpers ---

const newYork = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** New York's offset from UTC at an instant, in milliseconds (negative: behind UTC). */
function offsetAt(utc: number): number {
  const fields = Object.fromEntries(newYork.formatToParts(utc).map((part) => [part.type, part.value]));
  const wallClock = Date.UTC(Number(fields.year), Number(fields.month) - 1, Number(fields.day), Number(fields.hour), Number(fields.minute), Number(fields.second));
  return wallClock - utc;
}

/**
 * The instant of a New York wall-clock time given as UTC fields. A time in the spring gap moves
 * forward by the gap (RFC 5545 §3.3.5); the bench's times (08:00–17:45) are never in one.
 */
function newYorkToUtc(wallClock: number): number {
  const guess = wallClock - offsetAt(wallClock);
  return wallClock - offsetAt(guess);
}
