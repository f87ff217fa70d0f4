// The bundled IANA time-zone catalogue: zone lookup with link (alias) resolution and VTIMEZONE
// text for RFC 5545 consumers and the RFC 7808 TZDist service. Zones are decoded on first use.
import { LINKS, TZ_DATA_DIGEST, TZ_DATA_RELEASED, TZ_DATA_VERSION, ZONES } from './generated/catalogue.ts';
import { unpackZone, type PackedZone } from './packed-zone.ts';
import type { TransitionZone } from './transition-zone.ts';
import { writeVtimezone } from './vtimezone-writer.ts';
import type { Zone } from './zone.ts';

export { TZ_DATA_DIGEST, TZ_DATA_RELEASED, TZ_DATA_VERSION };

/**
 * Bumped whenever the VTIMEZONE or TZif output changes for the same data, so that ETags derived
 * from the zone content hash change with it.
 */
export const TZ_OUTPUT_REVISION = 1;

// Maps, not the generated records, so that ids such as "constructor" are not found on Object.prototype.
const packedZones = new Map<string, PackedZone>(Object.entries(ZONES));
const links = new Map<string, string>(Object.entries(LINKS));
const decoded = new Map<string, TransitionZone>();
const fullText = new Map<string, string>();
let zoneList: readonly { tzid: string; aliases: readonly string[] }[] | undefined;

export function canonicalTzid(tzid: string): string | undefined {
  if (packedZones.has(tzid)) return tzid;
  return links.get(tzid);
}

export function getZone(tzid: string): Zone | undefined {
  return getTransitionZone(tzid);
}

/** The bundled zone with its transition table (for TZDist expand and TZif output). */
export function getTransitionZone(tzid: string): TransitionZone | undefined {
  // Kept under the name asked for as well as the canonical one, so that an alias (US/Eastern)
  // costs one lookup like its zone: resolving a time asks for its zone every time. Only names
  // of the catalogue are kept, so the map stays as small as the catalogue.
  const known = decoded.get(tzid);
  if (known) return known;
  const canonical = canonicalTzid(tzid);
  if (canonical === undefined) return undefined;
  let zone = decoded.get(canonical);
  if (!zone) {
    zone = unpackZone(canonical, packedZones.get(canonical) as PackedZone);
    decoded.set(canonical, zone);
  }
  decoded.set(tzid, zone);
  return zone;
}

/** Content hash of the canonical zone's data (stable across releases that leave the zone alone). */
export function zoneContentHash(tzid: string): string | undefined {
  const canonical = canonicalTzid(tzid);
  return canonical === undefined ? undefined : (packedZones.get(canonical) as PackedZone)[3];
}

/**
 * A VTIMEZONE for a canonical or alias id (an alias keeps its own TZID and gains TZID-ALIAS-OF,
 * RFC 7808 §7.2); start/end truncate it (RFC 7808 §5.3, TZUNTIL per §7.1); tzurl adds TZURL.
 */
export function vtimezoneText(
  tzid: string,
  opts?: { startUtcMs?: number; endUtcMs?: number; tzurl?: string },
): string | undefined {
  const zone = getTransitionZone(tzid);
  if (!zone) return undefined;
  // Only the plain text is memoized: truncated variants are per request.
  const cacheable = opts?.startUtcMs === undefined && opts?.endUtcMs === undefined && opts?.tzurl === undefined;
  if (cacheable && fullText.has(tzid)) return fullText.get(tzid);
  const text = writeVtimezone(zone, {
    tzid,
    ...(zone.tzid !== tzid ? { aliasOf: zone.tzid } : {}),
    ...(opts?.startUtcMs !== undefined ? { startUtcSeconds: Math.floor(opts.startUtcMs / 1000) } : {}),
    ...(opts?.endUtcMs !== undefined ? { endUtcSeconds: Math.ceil(opts.endUtcMs / 1000) } : {}),
    ...(opts?.tzurl !== undefined ? { tzurl: opts.tzurl } : {}),
  });
  if (cacheable) {
    if (fullText.size > 256) fullText.clear();
    fullText.set(tzid, text);
  }
  return text;
}

export function listZones(): readonly { tzid: string; aliases: readonly string[] }[] {
  if (!zoneList) {
    const aliases = new Map<string, string[]>();
    for (const [alias, target] of links) {
      const list = aliases.get(target) ?? [];
      list.push(alias);
      aliases.set(target, list);
    }
    zoneList = Object.freeze(
      [...packedZones.keys()].map((tzid) => Object.freeze({ tzid, aliases: Object.freeze(aliases.get(tzid) ?? []) })),
    );
  }
  return zoneList;
}
