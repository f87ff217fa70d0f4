// Time zones by reference (RFC 7809): VTIMEZONEs the server's catalogue knows are stripped from
// stored objects (aliases rewritten to canonical TZIDs) and put back on output unless the client
// says it does not want them. Unknown zones are kept verbatim.
//
// Default when the CalDAV-Timezones header is absent: zones are included. RFC 7809 §3.1.2 lets a
// client opt out with "F"; clients that predate it expect complete iCalendar data, so including
// them is the only safe default (Cyrus includes them only on request, which breaks such clients).
// ETags are those of the stored form and do not change with the header (Vary says so).
import { canonicalTzid, vtimezoneText } from '../tz/catalogue.ts';
import type { ICAL } from '../ical/parse.ts';

/** Removes known VTIMEZONEs and canonicalises alias TZIDs; returns null when nothing changed. */
export function stripKnownTimezones(vcalendar: ICAL.Component): ICAL.Component | null {
  let changed = false;
  const renames = new Map<string, string>();
  for (const zone of vcalendar.getAllSubcomponents('vtimezone')) {
    const tzid = String(zone.getFirstPropertyValue('tzid') ?? '');
    const canonical = canonicalTzid(tzid);
    if (canonical === undefined) continue;
    vcalendar.removeSubcomponent(zone);
    changed = true;
    if (canonical !== tzid) renames.set(tzid, canonical);
  }
  if (renames.size > 0) renameTzids(vcalendar, renames);
  return changed ? vcalendar : null;
}

/** Whether the request wants VTIMEZONEs in calendar data (RFC 7809 §3.1.2). */
export function wantsTimezones(request: Request): boolean {
  return (request.headers.get('caldav-timezones') ?? 'T').trim().toUpperCase() !== 'F';
}

/** Inserts the catalogue's VTIMEZONE for every TZID referenced but not defined in the text. */
export function insertTimezones(text: string): string {
  const missing = missingTzids(text);
  if (missing.length === 0) return text;
  const block = missing.map(zoneBlock).join('');
  if (block === '') return text;
  const at = text.search(/^BEGIN:(?!VCALENDAR)/im);
  return at === -1 ? text : text.slice(0, at) + block + text.slice(at);
}

/**
 * TZIDs referenced by properties (TZID parameters) that no VTIMEZONE in the text defines. The TZID
 * property exists only in VTIMEZONE (RFC 5545 §3.8.3.1), so its lines are the definitions.
 */
export function missingTzids(text: string): string[] {
  // Most stored objects are in UTC: they need no unfolding or scanning at all.
  if (!/;TZID=/i.test(text)) return [];
  const unfolded = /\n[ \t]/.test(text) ? text.replace(/\r?\n[ \t]/g, '') : text;
  const defined = new Set<string>();
  for (const match of unfolded.matchAll(/^TZID[;:][^\r\n]*/gim)) {
    const line = match[0];
    defined.add(line.slice(line.indexOf(':') + 1));
  }
  const referenced = new Set<string>();
  for (const match of unfolded.matchAll(/;TZID=("([^"]*)"|[^;:\r\n]*)[;:]/gi)) referenced.add(match[2] ?? match[1]!);
  return [...referenced].filter((tzid) => !defined.has(tzid));
}

/** The catalogue's VTIMEZONE with CRLF line ends, ready to insert ('' for an unknown zone); built once per zone. */
function zoneBlock(tzid: string): string {
  let block = ZONE_BLOCKS.get(tzid);
  if (block === undefined) {
    const zone = vtimezoneText(tzid);
    block = zone === undefined ? '' : zone.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n');
    if (ZONE_BLOCKS.size < ZONE_BLOCK_LIMIT) ZONE_BLOCKS.set(tzid, block);
  }
  return block;
}

const ZONE_BLOCKS = new Map<string, string>();
/** More than the catalogue's zones and aliases, so the cache stays bounded whatever clients send. */
const ZONE_BLOCK_LIMIT = 2000;

function renameTzids(component: ICAL.Component, renames: ReadonlyMap<string, string>): void {
  for (const property of component.getAllProperties()) {
    const tzid = property.getParameter('tzid');
    if (typeof tzid === 'string' && renames.has(tzid)) property.setParameter('tzid', renames.get(tzid)!);
  }
  for (const child of component.getAllSubcomponents()) renameTzids(child, renames);
}
