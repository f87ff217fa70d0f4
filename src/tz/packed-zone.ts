// The compact text form in which the build bundles each zone's transition table, and its decoder.
// Types: "abbr,offset[,1]" joined by "|" (",1" marks DST). Transitions: one type-index digit
// (base 36) followed by the base-36 delta from the previous instant (absolute for the first), joined by ",".
import { parsePosixTz } from './posix-tz.ts';
import { TransitionZone, type TimeType } from './transition-zone.ts';

/** [types, transitions, POSIX footer, content hash] as written into src/tz/generated/catalogue.ts. */
export type PackedZone = readonly [string, string, string, string];

export function packTypes(types: readonly TimeType[]): string {
  return types.map((t) => `${t.abbr},${t.utcOffset}${t.isDst ? ',1' : ''}`).join('|');
}

export function packTransitions(times: readonly number[], typeIndexes: readonly number[]): string {
  const items: string[] = [];
  let previous = 0;
  times.forEach((time, i) => {
    const typeIndex = typeIndexes[i] as number;
    if (typeIndex > 35) throw new Error('a zone may use at most 36 local time types');
    items.push(typeIndex.toString(36) + (time - previous).toString(36));
    previous = time;
  });
  return items.join(',');
}

export function unpackZone(tzid: string, packed: PackedZone): TransitionZone {
  const [typesText, transitionsText, footerText] = packed;
  const types = typesText.split('|').map((entry): TimeType => {
    const [abbr = '', offset = '0', dst] = entry.split(',');
    return { abbr, utcOffset: Number(offset), isDst: dst === '1' };
  });
  const times: number[] = [];
  const typeIndexes: number[] = [];
  let previous = 0;
  if (transitionsText) {
    for (const item of transitionsText.split(',')) {
      typeIndexes.push(parseInt(item.charAt(0), 36));
      previous += parseInt(item.slice(1), 36);
      times.push(previous);
    }
  }
  return new TransitionZone(tzid, types, times, typeIndexes, footerText ? parsePosixTz(footerText) : undefined);
}
