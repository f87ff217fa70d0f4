// The TZDist "expand" action (RFC 7808 §5.5): the UTC offset changes of a zone between start and
// end, led by the observance in effect at start. Ranges longer than MAX_EXPAND_YEARS are cut short
// and the response's "end" says where: this bounds the work one request can ask for.
import { formatIsoUtc } from '../tz/civil.ts';
import { getTransitionZone, TZ_DATA_RELEASED, zoneContentHash, TZ_OUTPUT_REVISION } from '../tz/catalogue.ts';
import { cacheHeaders, notModifiedResponse, variantHash, type Validators } from './http-cache.ts';
import { parseRange } from './params.ts';
import { TzdistError } from './problem.ts';

export const MAX_EXPAND_YEARS = 100;

interface ObservanceJson {
  name: string;
  onset: string;
  'utc-offset-from': number;
  'utc-offset-to': number;
}

export function handleExpand(request: Request, url: URL, tzid: string): Response {
  const range = parseRange(url, true);
  const startMs = range.startUtcMs as number;
  const limit = new Date(startMs);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_EXPAND_YEARS);
  const endMs = Math.min(range.endUtcMs as number, limit.getTime());
  const zone = getTransitionZone(tzid);
  const hash = zoneContentHash(tzid);
  if (!zone || hash === undefined) throw new TzdistError('tzid-not-found', `no time zone "${tzid}"`);
  const validators: Validators = {
    etag: `"${hash}-${TZ_OUTPUT_REVISION}-x${variantHash(`${startMs}|${endMs}`)}"`,
    lastModified: TZ_DATA_RELEASED,
  };
  const notModified = notModifiedResponse(request, validators);
  if (notModified) return notModified;

  const start = Math.ceil(startMs / 1000);
  const end = Math.ceil(endMs / 1000);
  const changes = zone.transitionsBetween(start, end);
  const observances: ObservanceJson[] = [];
  if (changes[0]?.utcSeconds !== start) {
    const current = zone.typeAt(start);
    observances.push(observance(current.abbr, start, current.utcOffset, current.utcOffset));
  }
  for (const change of changes) {
    observances.push(observance(change.to.abbr, change.utcSeconds, change.from.utcOffset, change.to.utcOffset));
  }
  const body = { tzid, start: formatIsoUtc(start), end: formatIsoUtc(end), observances };
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: cacheHeaders(validators, 'application/json; charset=utf-8'),
  });
}

function observance(name: string, onsetSeconds: number, from: number, to: number): ObservanceJson {
  return { name, onset: formatIsoUtc(onsetSeconds), 'utc-offset-from': from, 'utc-offset-to': to };
}
