// Reads the version 2+ data block and footer of a TZif file as zic writes it (RFC 8536 §3).
// Only what the catalogue needs: transitions, local time types and the POSIX TZ footer.

export interface TzifTimeType {
  utcOffset: number;
  isDst: boolean;
  abbr: string;
}

export interface TzifData {
  /** Transition instants in seconds since 1970 UTC, ascending. */
  transitions: number[];
  /** Index into `types` of the type in effect from each transition on. */
  typeIndexes: number[];
  /** `types[0]` is in effect before the first transition (RFC 8536 §3.2). */
  types: TzifTimeType[];
  /** The POSIX TZ string governing instants after the last transition; '' when absent. */
  footer: string;
}

export function readTzif(bytes: Uint8Array): TzifData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const v1 = readHeader(view, 0);
  if (v1.version < 2) throw new Error('TZif version 1 files carry no 64-bit data');
  // Skip the 32-bit block: zic writes the same data again with 64-bit times.
  const v1Size =
    v1.timecnt * 5 + v1.typecnt * 6 + v1.charcnt + v1.leapcnt * 8 + v1.isstdcnt + v1.isutcnt;
  const start = 44 + v1Size;
  const header = readHeader(view, start);
  let offset = start + 44;

  const transitions: number[] = [];
  for (let i = 0; i < header.timecnt; i++, offset += 8) {
    transitions.push(Number(view.getBigInt64(offset)));
  }
  const typeIndexes: number[] = [];
  for (let i = 0; i < header.timecnt; i++, offset += 1) typeIndexes.push(view.getUint8(offset));
  const rawTypes: { utcOffset: number; isDst: boolean; abbrIndex: number }[] = [];
  for (let i = 0; i < header.typecnt; i++, offset += 6) {
    rawTypes.push({
      utcOffset: view.getInt32(offset),
      isDst: view.getUint8(offset + 4) === 1,
      abbrIndex: view.getUint8(offset + 5),
    });
  }
  const chars = bytes.subarray(offset, offset + header.charcnt);
  offset += header.charcnt + header.leapcnt * 12 + header.isstdcnt + header.isutcnt;
  const types = rawTypes.map((t) => ({ utcOffset: t.utcOffset, isDst: t.isDst, abbr: cString(chars, t.abbrIndex) }));

  // The footer is "\n" TZ-string "\n".
  const rest = new TextDecoder().decode(bytes.subarray(offset));
  const footer = rest.startsWith('\n') ? rest.slice(1, rest.indexOf('\n', 1)) : '';
  return { transitions, typeIndexes, types, footer };
}

interface TzifHeader {
  version: number;
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

function readHeader(view: DataView, at: number): TzifHeader {
  const magic = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  if (magic !== 'TZif') throw new Error('not a TZif file');
  const versionByte = view.getUint8(at + 4);
  return {
    version: versionByte === 0 ? 1 : versionByte - 0x30,
    isutcnt: view.getUint32(at + 20),
    isstdcnt: view.getUint32(at + 24),
    leapcnt: view.getUint32(at + 28),
    timecnt: view.getUint32(at + 32),
    typecnt: view.getUint32(at + 36),
    charcnt: view.getUint32(at + 40),
  };
}

function cString(chars: Uint8Array, from: number): string {
  let end = from;
  while (end < chars.length && chars[end] !== 0) end++;
  return new TextDecoder().decode(chars.subarray(from, end));
}
