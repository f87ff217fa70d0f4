// Shortens a fat TZif transition table to where its POSIX footer takes over (RFC 8536 §3.3), and
// proves the result equivalent. glibc 2.36's `zic -b slim` cuts America/Ojinaga at 2022-10-30,
// where its own footer still says CDT for a week, so the build compiles fat and trims here.
import { yearOfSeconds } from '../../src/tz/civil.ts';
import { parsePosixTz, posixTransitionsForYear } from '../../src/tz/posix-tz.ts';
import { TransitionZone } from '../../src/tz/transition-zone.ts';
import type { TzifData, TzifTimeType } from './tzif-reader.ts';

export function trimToFooter(tzid: string, fat: TzifData): TzifData {
  const data = dropNoOps(fat);
  const footer = parsePosixTz(data.footer);
  if (!footer) throw new Error(`${tzid}: unreadable TZif footer "${data.footer}"`);
  const typeAt = (i: number) => data.types[i < 0 ? 0 : (data.typeIndexes[i] as number)] as TzifTimeType;
  const footerType = (toDst: boolean): TzifTimeType =>
    toDst && footer.dst
      ? { utcOffset: footer.dst.utcOffset, isDst: true, abbr: footer.dst.abbr }
      : { utcOffset: footer.std.utcOffset, isDst: false, abbr: footer.std.abbr };

  // Keep the table up to the first transition of the tail the footer reproduces without a gap.
  let keep = data.transitions.length;
  for (let i = data.transitions.length - 1; i >= 0; i--) {
    const at = data.transitions[i] as number;
    const year = yearOfSeconds(at);
    const around = [year - 1, year, year + 1].flatMap((y) => posixTransitionsForYear(footer, y));
    const position = around.findIndex((change) => change.utcSeconds === at);
    const change = around[position];
    const matches = footer.dst
      ? change !== undefined && same(typeAt(i), footerType(change.toDst)) && same(typeAt(i - 1), footerType(!change.toDst))
      : same(typeAt(i), footerType(false));
    const next = data.transitions[i + 1];
    const continuous = !footer.dst || next === undefined || around[position + 1]?.utcSeconds === next;
    if (!matches || !continuous) break;
    keep = i + 1;
  }
  const trimmed: TzifData = {
    ...data,
    transitions: data.transitions.slice(0, keep),
    typeIndexes: data.typeIndexes.slice(0, keep),
  };
  assertEquivalent(tzid, data, trimmed);
  return trimmed;
}

function dropNoOps(data: TzifData): TzifData {
  const transitions: number[] = [];
  const typeIndexes: number[] = [];
  let previous = data.types[0] as TzifTimeType;
  data.transitions.forEach((at, i) => {
    const type = data.types[data.typeIndexes[i] as number] as TzifTimeType;
    if (same(type, previous)) return;
    transitions.push(at);
    typeIndexes.push(data.typeIndexes[i] as number);
    previous = type;
  });
  return { ...data, transitions, typeIndexes };
}

/** Every transition of the fat table, and the second before it, must read the same when trimmed. */
function assertEquivalent(tzid: string, fat: TzifData, trimmed: TzifData): void {
  const zone = new TransitionZone(tzid, trimmed.types, trimmed.transitions, trimmed.typeIndexes, parsePosixTz(trimmed.footer));
  fat.transitions.forEach((at, i) => {
    const expected = fat.types[fat.typeIndexes[i] as number] as TzifTimeType;
    const before = i === 0 ? (fat.types[0] as TzifTimeType) : (fat.types[fat.typeIndexes[i - 1] as number] as TzifTimeType);
    if (!same(zone.typeAt(at), expected) || !same(zone.typeAt(at - 1), before)) {
      throw new Error(`${tzid}: trimmed table disagrees with zic at ${new Date(at * 1000).toISOString()}`);
    }
  });
}

function same(a: TzifTimeType, b: TzifTimeType): boolean {
  return a.utcOffset === b.utcOffset && a.isDst === b.isDst && a.abbr === b.abbr;
}
