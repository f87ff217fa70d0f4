// Reads the vendored IANA sources: zone and link names plus the release from tzdata.zi, the leap
// second table from leap-seconds.list (NTP timestamps, IERS format) and the release date from SOURCE.

export interface TzdataIndex {
  /** Release as written on line 1 of tzdata.zi ("2026f"). */
  release: string;
  zones: string[];
  /** alias → canonical zone, chains resolved. */
  links: Map<string, string>;
}

export interface LeapSecondTable {
  /** Seconds since 1970 UTC at which the file was last updated ("#$" line). */
  updatedUtcSeconds: number;
  /** Seconds since 1970 UTC after which the table must not be trusted ("#@" line). */
  expiresUtcSeconds: number;
  /** [onset in seconds since 1970 UTC, TAI − UTC from then on]; the first entry is the 1972 baseline. */
  entries: [number, number][];
}

/** The seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_TO_UNIX_SECONDS = 2_208_988_800;

/** Zones zic builds that are not civil time anywhere ("Factory" marks unconfigured systems). */
const EXCLUDED_ZONES = new Set(['Factory']);

export function readTzdataIndex(text: string): TzdataIndex {
  const lines = text.split('\n');
  const release = /^# version (\S+)/.exec(lines[0] ?? '')?.[1];
  if (!release) throw new Error('tzdata.zi must start with "# version <release>"');
  const zones: string[] = [];
  const rawLinks = new Map<string, string>();
  for (const line of lines) {
    const fields = line.split(/\s+/);
    if (fields[0] === 'Z' && fields[1] && !EXCLUDED_ZONES.has(fields[1])) zones.push(fields[1]);
    if (fields[0] === 'L' && fields[1] && fields[2]) rawLinks.set(fields[2], fields[1]);
  }
  const zoneSet = new Set(zones);
  const links = new Map<string, string>();
  for (const alias of rawLinks.keys()) {
    let target = rawLinks.get(alias);
    for (let hops = 0; target !== undefined && !zoneSet.has(target) && hops < 8; hops++) target = rawLinks.get(target);
    if (target !== undefined && zoneSet.has(target)) links.set(alias, target);
  }
  return { release, zones: zones.sort(), links: new Map([...links].sort(([a], [b]) => compare(a, b))) };
}

export function readLeapSecondsList(text: string): LeapSecondTable {
  let updated: number | undefined;
  let expires: number | undefined;
  const entries: [number, number][] = [];
  for (const line of text.split('\n')) {
    const updatedMatch = /^#\$\s+(\d+)/.exec(line);
    if (updatedMatch) updated = Number(updatedMatch[1]) - NTP_TO_UNIX_SECONDS;
    const expiresMatch = /^#@\s+(\d+)/.exec(line);
    if (expiresMatch) expires = Number(expiresMatch[1]) - NTP_TO_UNIX_SECONDS;
    const entry = /^(\d+)\s+(\d+)/.exec(line);
    if (entry) entries.push([Number(entry[1]) - NTP_TO_UNIX_SECONDS, Number(entry[2])]);
  }
  if (updated === undefined || expires === undefined || entries.length === 0) {
    throw new Error('leap-seconds.list lacks its "#$", "#@" lines or its entries');
  }
  return { updatedUtcSeconds: updated, expiresUtcSeconds: expires, entries };
}

/** The "released:" timestamp of tzdata/SOURCE, written by refresh-tzdata.sh. */
export function readReleaseDate(text: string): string | undefined {
  return /^released:\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\s*$/m.exec(text)?.[1];
}

/** Code-unit order, so the output does not depend on the build machine's locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
