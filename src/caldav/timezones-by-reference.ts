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
  const zones = missing.map((tzid) => vtimezoneText(tzid)).filter((zone): zone is string => zone !== undefined);
  if (zones.length === 0) return text;
  const block = zones.map((zone) => zone.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n')).join('');
  const at = text.search(/^BEGIN:(?!VCALENDAR)/im);
  return at === -1 ? text : text.slice(0, at) + block + text.slice(at);
}

/** TZIDs referenced by properties (TZID parameters) that no VTIMEZONE in the text defines. */
export function missingTzids(text: string): string[] {
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  const defined = new Set<string>();
  const referenced = new Set<string>();
  let inZone = false;
  for (const line of unfolded.split(/\r?\n/)) {
    if (/^BEGIN:VTIMEZONE$/i.test(line)) inZone = true;
    else if (/^END:VTIMEZONE$/i.test(line)) inZone = false;
    else if (inZone && /^TZID[:;]/i.test(line)) defined.add(line.slice(line.indexOf(':') + 1));
    else if (!inZone) {
      const match = /;TZID=("([^"]*)"|[^;:]*)[;:]/i.exec(line);
      if (match) referenced.add(match[2] ?? match[1]!);
    }
  }
  return [...referenced].filter((tzid) => !defined.has(tzid));
}

function renameTzids(component: ICAL.Component, renames: ReadonlyMap<string, string>): void {
  for (const property of component.getAllProperties()) {
    const tzid = property.getParameter('tzid');
    if (typeof tzid === 'string' && renames.has(tzid)) property.setParameter('tzid', renames.get(tzid)!);
  }
  for (const child of component.getAllSubcomponents()) renameTzids(child, renames);
}
