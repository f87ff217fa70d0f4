// Writes a VTIMEZONE component (RFC 5545 §3.6.5) from a zone's transitions: RDATE observances for
// history, two RRULE observances for the ongoing rule, and RFC 7808 §7 TZUNTIL/TZID-ALIAS-OF.
import { daysFromCivil, formatBasicDateTime, SECONDS_PER_DAY } from './civil.ts';
import { escapeText, foldLine, formatUtcOffset } from './ical-text.ts';
import { findOngoingRule } from './ongoing-rule.ts';
import { sameTimeType, type TimeType, type TransitionZone } from './transition-zone.ts';

export interface VtimezoneWriteOptions {
  /** The TZID written: the canonical id, or an alias of it. */
  tzid: string;
  /** The canonical id when `tzid` is an alias (written as TZID-ALIAS-OF). */
  aliasOf?: string;
  /** Truncation (RFC 7808 §5.3): drop observances before this instant and anchor the offset there. */
  startUtcSeconds?: number;
  /** Truncation: drop onsets at or after this instant and state it as TZUNTIL. */
  endUtcSeconds?: number;
  /** Where this VTIMEZONE can be fetched again (RFC 5545 §3.8.3.5), e.g. its TZDist get URL. */
  tzurl?: string;
}

interface Observance {
  from: TimeType;
  to: TimeType;
  /** Local DTSTART, seconds since 1970 on the local clock. */
  dtstartLocal: number;
  /** Onsets (UTC) listed one RDATE per line: ical.js reads only the first value of each RDATE. */
  rdates: number[];
  rrule?: string;
}

const year = (y: number) => daysFromCivil(y, 1, 1) * SECONDS_PER_DAY;
const HISTORY_FLOOR = year(1600);
/** Where a footer RRULE cannot express runs out of RDATEs (2038 is where 32-bit TZif ends too). */
const RDATE_HORIZON = year(2038);
const TWENTY_YEARS = 20 * 365 * SECONDS_PER_DAY;

export function writeVtimezone(zone: TransitionZone, options: VtimezoneWriteOptions): string {
  const { startUtcSeconds: start, endUtcSeconds: end } = options;
  const ongoing = findOngoingRule(zone);
  let horizon = Infinity;
  if (ongoing) horizon = ongoing.sinceUtcSeconds;
  else if (zone.footerDst) horizon = end ?? Math.max(RDATE_HORIZON, (start ?? 0) + TWENTY_YEARS);
  const low = start ?? HISTORY_FLOOR;
  const high = Math.min(horizon, end ?? Infinity, year(9999));

  const observances: Observance[] = [];
  if (start === undefined) {
    // Before the first transition (usually local mean time); 1601 is where Windows time starts.
    const initial = zone.types[0] as TimeType;
    observances.push({ from: initial, to: initial, dtstartLocal: year(1601), rdates: [] });
  } else {
    const anchor = zone.typeAt(start);
    observances.push({ from: anchor, to: anchor, dtstartLocal: start + anchor.utcOffset, rdates: [] });
  }

  const groups = new Map<string, Observance>();
  for (const change of high > low ? zone.transitionsBetween(low, high) : []) {
    const key = `${change.to.isDst}|${change.from.utcOffset}|${change.to.utcOffset}|${change.to.abbr}`;
    let group = groups.get(key);
    if (!group) {
      group = { from: change.from, to: change.to, dtstartLocal: change.utcSeconds + change.from.utcOffset, rdates: [] };
      groups.set(key, group);
      observances.push(group);
    }
    group.rdates.push(change.utcSeconds);
  }

  if (ongoing && (end === undefined || end > ongoing.sinceUtcSeconds)) {
    const from = Math.max(ongoing.sinceUtcSeconds, low);
    const upcoming = zone.transitionsBetween(from, Math.min(from + 2 * 366 * SECONDS_PER_DAY, end ?? Infinity));
    const ending = end === undefined ? [] : zone.transitionsBetween(Math.max(from, end - 2 * 366 * SECONDS_PER_DAY), end);
    const rules = [[ongoing.dst, ongoing.dstRrule], [ongoing.std, ongoing.stdRrule]] as const;
    const firstOnset = (type: TimeType) => upcoming.find((change) => sameTimeType(change.to, type))?.utcSeconds ?? Infinity;
    for (const [type, rrule] of [...rules].sort(([a], [b]) => firstOnset(a) - firstOnset(b))) {
      const first = upcoming.find((change) => sameTimeType(change.to, type));
      if (!first) continue;
      const last = ending.filter((change) => sameTimeType(change.to, type)).at(-1);
      // In a VTIMEZONE, UNTIL is a UTC date-time (RFC 5545 §3.3.10). ical.js compares it with the
      // local occurrence times, which can be up to 14 h later than UTC; a day of slack keeps the
      // last onset in for it, and the next one is a year away for everybody.
      const until = last ? `;UNTIL=${formatBasicDateTime(last.utcSeconds + SECONDS_PER_DAY)}Z` : '';
      observances.push({ from: first.from, to: type, dtstartLocal: first.utcSeconds + first.from.utcOffset, rdates: [], rrule: rrule + until });
    }
  }

  const lines = ['BEGIN:VTIMEZONE', `TZID:${escapeText(options.tzid)}`];
  if (options.aliasOf !== undefined) lines.push(`TZID-ALIAS-OF:${escapeText(options.aliasOf)}`);
  if (options.tzurl !== undefined) lines.push(`TZURL:${options.tzurl}`);
  if (end !== undefined) lines.push(`TZUNTIL:${formatBasicDateTime(end)}Z`);
  for (const observance of observances) lines.push(...observanceLines(observance));
  lines.push('END:VTIMEZONE');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

function observanceLines(observance: Observance): string[] {
  const kind = observance.to.isDst ? 'DAYLIGHT' : 'STANDARD';
  const lines = [`BEGIN:${kind}`, `DTSTART:${formatBasicDateTime(observance.dtstartLocal)}`];
  if (observance.rrule) lines.push(`RRULE:${observance.rrule}`);
  // RDATEs are local times read with TZOFFSETFROM, like DTSTART; DTSTART is repeated among them
  // because ical.js ignores DTSTART as an onset when RDATEs are present without an RRULE.
  for (const onset of observance.rdates) lines.push(`RDATE:${formatBasicDateTime(onset + observance.from.utcOffset)}`);
  lines.push(
    `TZOFFSETFROM:${formatUtcOffset(observance.from.utcOffset)}`,
    `TZOFFSETTO:${formatUtcOffset(observance.to.utcOffset)}`,
    `TZNAME:${escapeText(observance.to.abbr)}`,
    `END:${kind}`,
  );
  return lines;
}
