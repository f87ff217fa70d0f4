// The TZDist "get" action (RFC 7808 §5.3): one zone as iCalendar, jCal, xCal or TZif, optionally
// truncated by start/end, with aliases answered under their own TZID plus TZID-ALIAS-OF (§7.2).
import ICAL from 'ical.js';
import {
  canonicalTzid,
  getTransitionZone,
  TZ_DATA_DIGEST,
  TZ_DATA_RELEASED,
  TZ_OUTPUT_REVISION,
  vtimezoneText,
  zoneContentHash,
} from '../tz/catalogue.ts';
import { LEAP_SECOND_TABLE } from '../tz/leap-seconds.ts';
import { CONTENT_TYPES, negotiateZoneFormat, type ZoneFormat } from './formats.ts';
import { cacheHeaders, notModifiedResponse, variantHash, type Validators } from './http-cache.ts';
import { parseRange, type UtcRange } from './params.ts';
import { TzdistError } from './problem.ts';
import { jcalToXcal, type JCalComponent } from '../ical/xcal.ts';
import { writeTzif } from './tzif-writer.ts';

export const PRODID = '-//Orrery//TZDist//EN';

const FORMAT_TAGS: Record<ZoneFormat, string> = {
  'text/calendar': '',
  'application/calendar+json': '-jcal',
  'application/calendar+xml': '-xcal',
  'application/tzif': '-tzif',
  // Leap-second records change with leap-seconds.list, which the data digest covers.
  'application/tzif-leap': `-tzifleap-${TZ_DATA_DIGEST}`,
};

/**
 * The entity tag of a zone's data. Untruncated iCalendar uses exactly the tag the list action
 * reports per zone (§5.2), so a client can compare the two.
 */
export function zoneEtag(tzid: string, format: ZoneFormat = 'text/calendar', range: UtcRange = {}): string | undefined {
  const hash = zoneContentHash(tzid);
  if (hash === undefined) return undefined;
  const truncation =
    range.startUtcMs !== undefined || range.endUtcMs !== undefined ? `-t${variantHash(`${range.startUtcMs}|${range.endUtcMs}`)}` : '';
  return `"${hash}-${TZ_OUTPUT_REVISION}${FORMAT_TAGS[format]}${truncation}"`;
}

/** `origin` is this server's configured scheme://host[:port] (http/public-url.ts); without one there is no TZURL. */
export function handleZoneGet(request: Request, url: URL, tzid: string, tzdistPath: string, origin: string | null = null): Response {
  const format = negotiateZoneFormat(url, request.headers.get('Accept'));
  const range = parseRange(url, false);
  const canonical = canonicalTzid(tzid);
  const etag = zoneEtag(tzid, format, range);
  if (canonical === undefined || etag === undefined) throw new TzdistError('tzid-not-found', `no time zone "${tzid}"`);
  const validators: Validators = { etag, lastModified: TZ_DATA_RELEASED };
  const notModified = notModifiedResponse(request, validators);
  if (notModified) return notModified;

  const headers = cacheHeaders(validators, CONTENT_TYPES[format]);
  // Bodies depend on the format, the zone and the TZURL (the configured origin, with start and
  // end as written); repeated gets skip regeneration.
  const cacheKey = [format, origin ?? '', tzid, url.searchParams.get('start'), url.searchParams.get('end')].join(' ');
  const cached = bodyCache.get(cacheKey);
  if (cached !== undefined) return new Response(cached.slice(0), { status: 200, headers });
  const body = renderZone(tzid, format, range, origin === null ? undefined : tzurlFor(url, origin, tzdistPath, tzid));
  if (bodyCache.size >= BODY_CACHE_ENTRIES) bodyCache.clear();
  bodyCache.set(cacheKey, body);
  return new Response(body.slice(0), { status: 200, headers });
}

const BODY_CACHE_ENTRIES = 256;
const bodyCache = new Map<string, Uint8Array<ArrayBuffer>>();
const encoder = new TextEncoder();

function renderZone(tzid: string, format: ZoneFormat, range: UtcRange, tzurl: string | undefined): Uint8Array<ArrayBuffer> {
  if (format === 'application/tzif' || format === 'application/tzif-leap') {
    const zone = getTransitionZone(tzid);
    if (!zone) throw new TzdistError('tzid-not-found');
    return writeTzif(zone, {
      ...(range.startUtcMs !== undefined ? { startUtcSeconds: Math.floor(range.startUtcMs / 1000) } : {}),
      ...(range.endUtcMs !== undefined ? { endUtcSeconds: Math.ceil(range.endUtcMs / 1000) } : {}),
      ...(format === 'application/tzif-leap' ? { leapSeconds: LEAP_SECOND_TABLE } : {}),
    });
  }
  const vtimezone = vtimezoneText(tzid, { ...range, ...(tzurl === undefined ? {} : { tzurl }) }) as string;
  const text = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:${PRODID}\r\n${vtimezone}END:VCALENDAR\r\n`;
  if (format === 'text/calendar') return encoder.encode(text);
  const jcal = withRfc7808Types(ICAL.parse(text));
  return encoder.encode(format === 'application/calendar+json' ? JSON.stringify(jcal) : jcalToXcal(jcal as JCalComponent));
}

/** The absolute get URL of this zone (with its truncation), as Cyrus puts in TZURL. */
function tzurlFor(url: URL, origin: string, tzdistPath: string, tzid: string): string {
  const path = tzid.split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams();
  for (const name of ['start', 'end']) {
    const value = url.searchParams.get(name);
    if (value !== null) query.set(name, value);
  }
  const search = query.size ? `?${query.toString()}` : '';
  return `${origin}${tzdistPath.replace(/\/$/, '')}/zones/${path}${search}`;
}

/** ical.js does not know the RFC 7808 §7 properties; give them their registered value types. */
function withRfc7808Types(jcal: unknown): unknown {
  const visit = (component: [string, unknown[][], unknown[]]) => {
    for (const property of component[1]) {
      if (property[0] === 'tzid-alias-of') property[2] = 'text';
      if (property[0] === 'tzuntil' && typeof property[3] === 'string') {
        property[2] = 'date-time';
        property[3] = property[3].replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
      }
    }
    for (const child of component[2]) visit(child as [string, unknown[][], unknown[]]);
  };
  visit(jcal as [string, unknown[][], unknown[]]);
  return jcal;
}
