// Relabels "negative DST" (Europe/Dublin's winter GMT, Morocco's Ramadan +00, Namibia's 1994–2017
// winter) the way tzdata's rearguard format does: the lower offset becomes standard time and the
// summer offset daylight time. Calendar clients assume a DAYLIGHT observance is ahead of STANDARD.
import { formatPosixTz, parsePosixTz, posixTransitionsForYear } from '../../src/tz/posix-tz.ts';
import { yearOfSeconds } from '../../src/tz/civil.ts';
import type { TzifData, TzifTimeType } from './tzif-reader.ts';

/** A neighbouring standard period longer than this is a genuine standard time, not a summer. */
const MAX_SUMMER_SECONDS = 366 * 86_400;

interface Period {
  start: number;
  type: TzifTimeType;
  synthetic: boolean;
}

export function relabelNegativeDst(data: TzifData): TzifData {
  const footer = parsePosixTz(data.footer);
  const periods: Period[] = [{ start: -Infinity, type: { ...(data.types[0] as TzifTimeType) }, synthetic: false }];
  data.transitions.forEach((start, i) => {
    periods.push({ start, type: { ...(data.types[data.typeIndexes[i] as number] as TzifTimeType) }, synthetic: false });
  });
  // Two years of footer periods give the last table period its real successor.
  const last = data.transitions.at(-1);
  if (footer?.dst && last !== undefined) {
    const year = yearOfSeconds(last);
    for (let y = year; y <= year + 2; y++) {
      for (const change of posixTransitionsForYear(footer, y)) {
        if (change.utcSeconds <= last) continue;
        const rule = change.toDst ? footer.dst : footer.std;
        periods.push({ start: change.utcSeconds, type: { utcOffset: rule.utcOffset, isDst: change.toDst, abbr: rule.abbr }, synthetic: true });
      }
    }
  }

  const end = (i: number) => periods[i + 1]?.start ?? Infinity;
  const isHigherStandard = (q: Period | undefined, p: Period) => q !== undefined && !q.type.isDst && q.type.utcOffset > p.type.utcOffset;
  const negative = periods.map((p, i) => p.type.isDst && isHigherStandard(periods[i - 1], p) && (i === periods.length - 1 || isHigherStandard(periods[i + 1], p)));
  const summers = new Set<number>();
  negative.forEach((isNegative, i) => {
    if (!isNegative) return;
    for (const j of [i - 1, i + 1]) {
      const q = periods[j];
      if (q && !negative[j] && end(j) - q.start < MAX_SUMMER_SECONDS) summers.add(j);
    }
  });
  negative.forEach((isNegative, i) => { if (isNegative) (periods[i] as Period).type.isDst = false; });
  for (const j of summers) (periods[j] as Period).type.isDst = true;

  const real = periods.filter((p) => !p.synthetic);
  const types: TzifTimeType[] = [];
  const indexOf = (type: TzifTimeType): number => {
    let index = types.findIndex((t) => t.utcOffset === type.utcOffset && t.isDst === type.isDst && t.abbr === type.abbr);
    if (index < 0) index = types.push(type) - 1;
    return index;
  };
  indexOf((real[0] as Period).type);
  const typeIndexes = real.slice(1).map((p) => indexOf(p.type));

  let footerText = data.footer;
  if (footer?.dst && footer.dst.utcOffset < footer.std.utcOffset) {
    // Swapping the halves keeps each rule time in the local time it was written in (POSIX: start
    // in standard time, end in daylight time), because the two roles swap together.
    footerText = formatPosixTz({
      std: { abbr: footer.dst.abbr, utcOffset: footer.dst.utcOffset },
      dst: { abbr: footer.std.abbr, utcOffset: footer.std.utcOffset, start: footer.dst.end, end: footer.dst.start },
    });
  }
  return { transitions: data.transitions, typeIndexes, types, footer: footerText };
}
