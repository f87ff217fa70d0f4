// A bundled IANA zone: its TZif-style transition table plus the POSIX footer rule that governs
// every instant after the last transition (RFC 8536 §3.2–3.3). Offsets come from a binary search.
import { yearOfSeconds } from './civil.ts';
import { posixTransitionsForYear, type PosixTransition, type PosixTz } from './posix-tz.ts';
import { firstAtOrAfter, lastAtOrBefore } from './sorted.ts';
import type { Zone } from './zone.ts';

export interface TimeType {
  readonly utcOffset: number;
  readonly isDst: boolean;
  readonly abbr: string;
}

export interface Transition {
  readonly utcSeconds: number;
  readonly from: TimeType;
  readonly to: TimeType;
}

export function sameTimeType(a: TimeType, b: TimeType): boolean {
  return a.utcOffset === b.utcOffset && a.isDst === b.isDst && a.abbr === b.abbr;
}

export class TransitionZone implements Zone {
  readonly footerStd: TimeType | undefined;
  readonly footerDst: TimeType | undefined;
  private readonly footerYears = new Map<number, PosixTransition[]>();
  /**
   * The footer's last answer and the span between the two changes around it, where every instant
   * has that type. Expanding a series asks about instants close to each other, four times for
   * each local time it converts, so most lookups end here without working out any year's changes.
   */
  private footerSpan: { fromSeconds: number; toSeconds: number; type: TimeType } | undefined;

  constructor(
    readonly tzid: string,
    /** types[0] is in effect before the first transition. */
    readonly types: readonly TimeType[],
    /** Transition instants, seconds since 1970 UTC, ascending. */
    readonly times: readonly number[],
    readonly typeIndexes: readonly number[],
    readonly footer: PosixTz | undefined,
  ) {
    this.footerStd = footer && { utcOffset: footer.std.utcOffset, isDst: false, abbr: footer.std.abbr };
    this.footerDst = footer?.dst && { utcOffset: footer.dst.utcOffset, isDst: true, abbr: footer.dst.abbr };
  }

  /** Instant of the last table transition; the footer rules after it (-Infinity when there is none). */
  get lastTableSeconds(): number {
    return this.times.length ? (this.times[this.times.length - 1] as number) : -Infinity;
  }

  offsetAtUtc(utcMs: number): number {
    return this.typeAt(Math.floor(utcMs / 1000)).utcOffset;
  }

  typeAt(utcSeconds: number): TimeType {
    const times = this.times;
    if (this.footerStd && utcSeconds > this.lastTableSeconds) return this.footerTypeAt(utcSeconds);
    const found = lastAtOrBefore(times, utcSeconds);
    const index = found < 0 ? 0 : (this.typeIndexes[found] as number);
    return this.types[index] ?? this.footerStd ?? UTC_TYPE;
  }

  /** Every change of local time type with fromSeconds <= instant < toSeconds, ascending. */
  transitionsBetween(fromSeconds: number, toSeconds: number): Transition[] {
    const result: Transition[] = [];
    const times = this.times;
    let i = firstAtOrAfter(times, fromSeconds);
    for (; i < times.length && (times[i] as number) < toSeconds; i++) {
      const from = i === 0 ? this.types[0] : this.types[this.typeIndexes[i - 1] as number];
      const to = this.types[this.typeIndexes[i] as number];
      if (from && to) result.push({ utcSeconds: times[i] as number, from, to });
    }
    if (!this.footerDst || toSeconds <= this.lastTableSeconds) return result;
    const last = this.lastTableSeconds;
    const firstYear = yearOfSeconds(Math.max(last, fromSeconds)) - 1;
    const lastYear = yearOfSeconds(toSeconds) + 1;
    const changes: PosixTransition[] = [];
    for (let year = firstYear; year <= lastYear; year++) {
      for (const change of this.footerTransitions(year)) {
        if (change.utcSeconds <= last || change.utcSeconds < fromSeconds || change.utcSeconds >= toSeconds) continue;
        // All-year DST ends one year exactly when the next begins: no change at all.
        if (changes.at(-1)?.utcSeconds === change.utcSeconds) changes.pop();
        else changes.push(change);
      }
    }
    let previous = this.typeAt(Math.max(last, fromSeconds - 1));
    for (const change of changes) {
      const to = this.typeAt(change.utcSeconds);
      if (!sameTimeType(previous, to)) result.push({ utcSeconds: change.utcSeconds, from: previous, to });
      previous = to;
    }
    return result;
  }

  private footerTypeAt(utcSeconds: number): TimeType {
    const std = this.footerStd as TimeType;
    if (!this.footerDst) return std;
    const span = this.footerSpan;
    if (span && utcSeconds >= span.fromSeconds && utcSeconds < span.toSeconds) return span.type;
    const year = yearOfSeconds(utcSeconds);
    let current: PosixTransition | undefined;
    let next: PosixTransition | undefined;
    for (let y = year - 1; y <= year + 1 && !next; y++) {
      for (const change of this.footerTransitions(y)) {
        if (change.utcSeconds > utcSeconds) {
          next = change;
          break;
        }
        current = change;
      }
    }
    const type = current?.toDst ? this.footerDst : std;
    if (current && next) this.footerSpan = { fromSeconds: current.utcSeconds, toSeconds: next.utcSeconds, type };
    return type;
  }

  private footerTransitions(year: number): PosixTransition[] {
    let list = this.footerYears.get(year);
    if (!list) {
      list = this.footer ? posixTransitionsForYear(this.footer, year) : [];
      if (this.footerYears.size > 512) this.footerYears.clear();
      this.footerYears.set(year, list);
    }
    return list;
  }
}

const UTC_TYPE: TimeType = { utcOffset: 0, isDst: false, abbr: 'UTC' };
