// Time zones by reference (RFC 7809): VTIMEZONEs the server's catalogue knows are stripped from
// stored objects and put back on output unless the client says it does not want them. Unknown zones
// are kept verbatim.
//
// TZIDs stay exactly as the client wrote them, aliases included (US/Eastern is not rewritten to
// America/New_York): clients compare what they read back with what they wrote, and a text-match on
// the TZID parameter (RFC 4791 §9.7.5) must see the client's name. The zone put back for an alias
// carries the alias as its TZID (with TZID-ALIAS-OF, RFC 7808 §7.2), and every time computation
// resolves the alias through the catalogue (ical/zones.ts).
//
// Default when the CalDAV-Timezones header is absent: zones are included. RFC 7809 §3.1.2 lets a
// client opt out with "F"; clients that predate it expect complete iCalendar data, so including
// them is the only safe default (Cyrus includes them only on request, which breaks such clients).
// ETags are those of the stored form and do not change with the header (Vary says so).
import { canonicalTzid, vtimezoneText } from '../tz/catalogue.ts';
import type { ICAL } from '../ical/parse.ts';

/** Removes the VTIMEZONEs the catalogue knows (aliases included); returns null when nothing changed. */
export function stripKnownTimezones(vcalendar: ICAL.Component): ICAL.Component | null {
  let changed = false;
  for (const zone of vcalendar.getAllSubcomponents('vtimezone')) {
    if (canonicalTzid(String(zone.getFirstPropertyValue('tzid') ?? '')) === undefined) continue;
    vcalendar.removeSubcomponent(zone);
    changed = true;
  }
  return changed ? vcalendar : null;
}

/** Whether the request wants VTIMEZONEs in calendar data (RFC 7809 §3.1.2). */
export function wantsTimezones(request: Request): boolean {
  return (request.headers.get('caldav-timezones') ?? 'T').trim().toUpperCase() !== 'F';
}

export interface InsertOptions {
  /**
   * Start each zone shortly before the earliest date the object gives in it (RFC 7808 §5.3
   * truncation) instead of at its first rule: New York's whole history is 5 KB, the rules since
   * 2025 are 450 bytes. Only for a single object: an export shares one VTIMEZONE between objects.
   */
  truncate?: boolean;
}

/** Inserts the catalogue's VTIMEZONE for every TZID referenced but not defined in the text. */
export function insertTimezones(text: string, options: InsertOptions = {}): string {
  const uses = missingZoneUses(text);
  if (uses.size === 0) return text;
  const block = [...uses].map(([tzid, earliestYear]) => zoneBlock(tzid, options.truncate ? earliestYear : undefined)).join('');
  if (block === '') return text;
  const at = text.search(/^BEGIN:(?!VCALENDAR)/im);
  return at === -1 ? text : text.slice(0, at) + block + text.slice(at);
}

/** The catalogue's VTIMEZONEs for these TZIDs, whole, as CRLF text ('' for unknown ones). */
export function catalogueZones(tzids: readonly string[]): string {
  return tzids.map((tzid) => zoneBlock(tzid, undefined)).join('');
}

/** TZIDs referenced by properties (TZID parameters) that no VTIMEZONE in the text defines. */
export function missingTzids(text: string): string[] {
  return [...missingZoneUses(text).keys()];
}

// --- Internal helpers ---

/**
 * Each TZID referenced but not defined, with the earliest year of the dates given in it (undefined
 * when none parses). The TZID property exists only in VTIMEZONE (RFC 5545 §3.8.3.1), so its lines
 * are the definitions.
 */
function missingZoneUses(text: string): Map<string, number | undefined> {
  const uses = new Map<string, number | undefined>();
  // Most stored objects are in UTC: they need no unfolding or scanning at all.
  if (!/;TZID=/i.test(text)) return uses;
  const unfolded = /\n[ \t]/.test(text) ? text.replace(/\r?\n[ \t]/g, '') : text;
  for (const match of unfolded.matchAll(/;TZID=("([^"]*)"|[^;:\r\n]*)[^:\r\n]*:([^\r\n]*)/gi)) {
    const tzid = match[2] ?? match[1]!;
    let earliest = uses.get(tzid);
    // Every date of the value (EXDATE and RDATE lists included): YYYYMMDD, then T or the end.
    for (const date of match[3]!.matchAll(/(?:^|,)(\d{4})\d{4}/g)) earliest = Math.min(earliest ?? Infinity, Number(date[1]));
    uses.set(tzid, earliest);
  }
  for (const match of unfolded.matchAll(/^TZID[;:][^\r\n]*/gim)) {
    const line = match[0];
    uses.delete(line.slice(line.indexOf(':') + 1));
  }
  return uses;
}

/**
 * The catalogue's VTIMEZONE with CRLF line ends, ready to insert ('' for an unknown zone), from two
 * days before `fromYear` begins (any UTC offset) when given; built once per zone and year.
 */
function zoneBlock(tzid: string, fromYear: number | undefined): string {
  const key = fromYear === undefined ? tzid : `${tzid}\u0000${fromYear}`;
  let block = ZONE_BLOCKS.get(key);
  if (block === undefined) {
    const startUtcMs = fromYear === undefined ? undefined : Date.UTC(fromYear, 0, 1) - 2 * 86_400_000;
    const zone = vtimezoneText(tzid, startUtcMs === undefined ? undefined : { startUtcMs });
    block = zone === undefined ? '' : zone.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n');
    if (ZONE_BLOCKS.size < ZONE_BLOCK_LIMIT) ZONE_BLOCKS.set(key, block);
  }
  return block;
}

const ZONE_BLOCKS = new Map<string, string>();
/** Zones × years actually used stay far below this; the bound only guards against odd input. */
const ZONE_BLOCK_LIMIT = 5000;
