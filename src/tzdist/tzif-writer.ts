// Writes application/tzif and application/tzif-leap bodies (RFC 8536) from a bundled zone, with
// optional truncation (RFC 7808 §5.3 start/end): "-00" marks the unspecified time outside the range.
import { concatBytes } from '../bytes/concat.ts';
import { formatPosixTz } from '../tz/posix-tz.ts';
import type { LeapSecond } from '../tz/leap-seconds.ts';
import type { TimeType, TransitionZone } from '../tz/transition-zone.ts';

export interface TzifWriteOptions {
  startUtcSeconds?: number;
  endUtcSeconds?: number;
  /** Present for application/tzif-leap: transition times then count leap seconds (RFC 8536 §3.2). */
  leapSeconds?: readonly LeapSecond[];
}

const UNSPECIFIED: TimeType = { utcOffset: 0, isDst: false, abbr: '-00' };
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** 2038-01-01T00:00:00Z. */
const FAT_HORIZON = 2_145_916_800;

interface Block {
  times: number[];
  typeIndexes: number[];
  types: TimeType[];
  abbrChars: Uint8Array;
  abbrIndexes: number[];
  leaps: [number, number][];
}

export function writeTzif(zone: TransitionZone, options: TzifWriteOptions = {}): Uint8Array<ArrayBuffer> {
  const { startUtcSeconds: start, endUtcSeconds: end } = options;
  let initial = zone.types[0] as TimeType;
  let changes: { at: number; type: TimeType }[];
  let footer = zone.footer ? formatPosixTz(zone.footer) : '';
  const floor = Math.min(zone.times[0] ?? 0, start ?? 0) - 1;
  if (end !== undefined) {
    // The footer cannot stop at `end`, so the transitions it implies are written out instead.
    changes = zone.transitionsBetween(floor, end).map((change) => ({ at: change.utcSeconds, type: change.to }));
    changes.push({ at: end, type: UNSPECIFIED });
    footer = '';
  } else if (options.leapSeconds) {
    // Readers disagree on applying a footer to leap-second-counting times (zdump shifts it by the
    // correction), so, like zic's "right/" files, list transitions up to 2037 explicitly.
    changes = zone.transitionsBetween(floor, FAT_HORIZON).map((change) => ({ at: change.utcSeconds, type: change.to }));
  } else {
    changes = zone.times.map((at, i) => ({ at, type: zone.types[zone.typeIndexes[i] as number] as TimeType }));
  }
  if (start !== undefined) {
    initial = UNSPECIFIED;
    changes = [{ at: start, type: zone.typeAt(start) }, ...changes.filter((change) => change.at > start)];
  }

  const corrections = leapCorrections(options.leapSeconds ?? []);
  const shifted = (at: number) => at + correctionAt(corrections, at);
  const types: TimeType[] = [initial];
  const typeIndexOf = (type: TimeType) => {
    let index = types.findIndex((t) => t.utcOffset === type.utcOffset && t.isDst === type.isDst && t.abbr === type.abbr);
    if (index < 0) index = types.push(type) - 1;
    return index;
  };
  const times = changes.map((change) => shifted(change.at));
  const typeIndexes = changes.map((change) => typeIndexOf(change.type));
  const leaps = corrections.map(([onset, correction], i): [number, number] => [onset + (corrections[i - 1]?.[1] ?? 0), correction]);

  const { chars, indexes } = abbreviationTable(types);
  const block: Block = { times, typeIndexes, types, abbrChars: chars, abbrIndexes: indexes, leaps };
  const inRange = (at: number) => at >= INT32_MIN && at <= INT32_MAX;
  const v1: Block = {
    ...block,
    times: times.filter(inRange),
    typeIndexes: typeIndexes.filter((_, i) => inRange(times[i] as number)),
    leaps: leaps.filter(([at]) => inRange(at)),
  };
  // Rule times outside 0–24 h (Asia/Jerusalem "M3.4.4/26") need version 3 (RFC 8536 §3.3.1).
  const dst = zone.footer?.dst;
  const needsV3 = footer !== '' && dst !== undefined && [dst.start.time, dst.end.time].some((t) => t < 0 || t > 86_400);
  const version = needsV3 ? 0x33 : 0x32;
  const footerBytes = new TextEncoder().encode(`\n${footer}\n`);
  return concatBytes(header(version, v1), body(v1, 4), header(version, block), body(block, 8), footerBytes);
}

/** [onset (UTC), cumulative leap seconds from then on], without the 1972 baseline. */
function leapCorrections(table: readonly LeapSecond[]): [number, number][] {
  const baseline = table[0]?.taiOffset ?? 0;
  return table.slice(1).map((leap) => [leap.onsetUtcSeconds, leap.taiOffset - baseline]);
}

function correctionAt(corrections: [number, number][], at: number): number {
  let correction = 0;
  for (const [onset, value] of corrections) if (onset <= at) correction = value;
  return correction;
}

function abbreviationTable(types: TimeType[]): { chars: Uint8Array; indexes: number[] } {
  let text = '';
  const indexes = types.map((type) => {
    const existing = text.indexOf(`${type.abbr}\0`);
    if (existing >= 0 && (existing === 0 || text[existing - 1] === '\0')) return existing;
    const index = text.length;
    text += `${type.abbr}\0`;
    return index;
  });
  return { chars: new TextEncoder().encode(text), indexes };
}

function header(version: number, block: Block): Uint8Array {
  const bytes = new Uint8Array(44);
  const view = new DataView(bytes.buffer);
  bytes.set([0x54, 0x5a, 0x69, 0x66, version]); // "TZif" + version; 15 reserved zero bytes follow
  // isutcnt and isstdcnt stay 0: no standard/UT indicators (RFC 8536 §3.1 allows zero).
  view.setUint32(28, block.leaps.length);
  view.setUint32(32, block.times.length);
  view.setUint32(36, block.types.length);
  view.setUint32(40, block.abbrChars.length);
  return bytes;
}

function body(block: Block, timeSize: 4 | 8): Uint8Array {
  const size =
    block.times.length * (timeSize + 1) + block.types.length * 6 + block.abbrChars.length + block.leaps.length * (timeSize + 4);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  const writeTime = (value: number) => {
    if (timeSize === 8) view.setBigInt64(offset, BigInt(value));
    else view.setInt32(offset, value);
    offset += timeSize;
  };
  for (const at of block.times) writeTime(at);
  for (const index of block.typeIndexes) view.setUint8(offset++, index);
  block.types.forEach((type, i) => {
    view.setInt32(offset, type.utcOffset);
    view.setUint8(offset + 4, type.isDst ? 1 : 0);
    view.setUint8(offset + 5, block.abbrIndexes[i] as number);
    offset += 6;
  });
  bytes.set(block.abbrChars, offset);
  offset += block.abbrChars.length;
  for (const [at, correction] of block.leaps) {
    writeTime(at);
    view.setInt32(offset, correction);
    offset += 4;
  }
  return bytes;
}
