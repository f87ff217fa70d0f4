// Finds where a zone's POSIX footer starts to reproduce its transitions without a break, so that a
// VTIMEZONE can state everything from there on as two RRULE observances (RFC 5545 §3.6.5).
import { yearOfSeconds } from './civil.ts';
import { rruleForPosixRule } from './footer-rrule.ts';
import { posixTransitionsForYear } from './posix-tz.ts';
import { sameTimeType, type TimeType, type TransitionZone } from './transition-zone.ts';

export interface OngoingRule {
  /** The first instant governed by the RRULEs: every transition before it is history. */
  sinceUtcSeconds: number;
  std: TimeType;
  dst: TimeType;
  /** RRULE of the onsets of daylight time (the footer's start rule). */
  dstRrule: string;
  /** RRULE of the onsets of standard time (the footer's end rule). */
  stdRrule: string;
}

const cache = new WeakMap<TransitionZone, OngoingRule | null>();

/**
 * The ongoing rule, or undefined when the footer has no DST or RRULE cannot express it (Africa/Cairo's
 * "M10.5.4/24" ends DST on the day after October's last Thursday, which can fall on November 1).
 * Riga, which skipped DST in 2000 before adopting today's EU rule, is why the run must be continuous.
 */
export function findOngoingRule(zone: TransitionZone): OngoingRule | undefined {
  const cached = cache.get(zone);
  if (cached !== undefined) return cached ?? undefined;
  const rule = computeOngoingRule(zone);
  cache.set(zone, rule ?? null);
  return rule;
}

function computeOngoingRule(zone: TransitionZone): OngoingRule | undefined {
  const footer = zone.footer;
  const std = zone.footerStd;
  const dst = zone.footerDst;
  if (!footer?.dst || !std || !dst) return undefined;
  const dstRrule = rruleForPosixRule(footer.dst.start);
  const stdRrule = rruleForPosixRule(footer.dst.end);
  if (!dstRrule || !stdRrule) return undefined;

  const footerAround = (seconds: number): { utcSeconds: number; toDst: boolean }[] => {
    const year = yearOfSeconds(seconds);
    return [year - 1, year, year + 1].flatMap((y) => posixTransitionsForYear(footer, y));
  };
  const times = zone.times;
  // Walk back from the end of the table while each transition is the footer's, with nothing
  // the footer would add in between.
  let since = Infinity;
  for (let i = times.length - 1; i >= 0; i--) {
    const at = times[i] as number;
    const to = zone.types[zone.typeIndexes[i] as number] as TimeType;
    const from = (i === 0 ? zone.types[0] : zone.types[zone.typeIndexes[i - 1] as number]) as TimeType;
    const around = footerAround(at);
    const position = around.findIndex((change) => change.utcSeconds === at);
    const change = around[position];
    if (!change) break;
    const expectedTo = change.toDst ? dst : std;
    const expectedFrom = change.toDst ? std : dst;
    if (!sameTimeType(to, expectedTo) || !sameTimeType(from, expectedFrom)) break;
    const nextInTable = times[i + 1];
    const nextInFooter = around[position + 1]?.utcSeconds;
    if (nextInTable !== undefined && nextInFooter !== nextInTable) break;
    since = at;
  }
  if (since === Infinity) {
    // Nothing in the table follows the rule yet: it starts with the footer's first change.
    // The first RRULE occurrence must also change from the offset really in effect before it
    // (its TZOFFSETFROM), otherwise that change stays history too.
    const last = zone.lastTableSeconds;
    const upcoming = footerAround(Number.isFinite(last) ? last : 0)
      .concat(footerAround((Number.isFinite(last) ? last : 0) + 3 * 365 * 86_400))
      .filter((change) => change.utcSeconds > last)
      .sort((a, b) => a.utcSeconds - b.utcSeconds);
    const first = upcoming.find((change) =>
      sameTimeType(zone.typeAt(change.utcSeconds - 1), change.toDst ? std : dst),
    );
    if (!first) return undefined;
    since = first.utcSeconds;
  }
  return { sinceUtcSeconds: since, std, dst, dstRrule, stdRrule };
}
