// The TZDist "list" (RFC 7808 §5.2) and "find" (§5.4) actions on /zones. A changedsince token
// from this data set yields no zones; a well-formed token from another release yields them all
// (only the current data is kept, so "everything may have changed"); anything else is an error.
import { listZones, TZ_DATA_DIGEST, TZ_DATA_RELEASED, TZ_OUTPUT_REVISION } from '../tz/catalogue.ts';
import { cacheHeaders, notModifiedResponse, variantHash, type Validators } from './http-cache.ts';
import { singleParam } from './params.ts';
import { TzdistError } from './problem.ts';
import { zoneEtag } from './zone-get.ts';

export const SYNC_TOKEN = `${TZ_DATA_DIGEST}-${TZ_OUTPUT_REVISION}`;
const SYNC_TOKEN_SYNTAX = /^[0-9a-f]{16}-\d+$/;

interface ZoneInfoJson {
  tzid: string;
  etag: string;
  'last-modified': string;
  aliases?: string[];
}

export function handleZones(request: Request, url: URL): Response {
  const pattern = singleParam(url, 'pattern', 'invalid-pattern');
  const changedSince = singleParam(url, 'changedsince', 'invalid-changedsince');
  if (pattern !== undefined && changedSince !== undefined) {
    throw new TzdistError('invalid-action', '"pattern" (find) and "changedsince" (list) cannot be combined');
  }
  let zones = listZones();
  if (pattern !== undefined) {
    const matches = compilePattern(pattern);
    zones = zones.filter((zone) => matches(zone.tzid) || zone.aliases.some(matches));
  } else if (changedSince !== undefined) {
    if (!SYNC_TOKEN_SYNTAX.test(changedSince)) {
      throw new TzdistError('invalid-changedsince', 'not a synctoken issued by this server');
    }
    if (changedSince === SYNC_TOKEN) zones = [];
  }

  const validators: Validators = {
    etag: `"zones-${SYNC_TOKEN}-${variantHash(`${pattern ?? ''}\n${changedSince ?? ''}`)}"`,
    lastModified: TZ_DATA_RELEASED,
  };
  const notModified = notModifiedResponse(request, validators);
  if (notModified) return notModified;

  const timezones = zones.map((zone): ZoneInfoJson => ({
    tzid: zone.tzid,
    etag: zoneEtag(zone.tzid) as string,
    'last-modified': TZ_DATA_RELEASED,
    ...(zone.aliases.length ? { aliases: [...zone.aliases] } : {}),
  }));
  return new Response(JSON.stringify({ synctoken: SYNC_TOKEN, timezones }), {
    status: 200,
    headers: cacheHeaders(validators, 'application/json; charset=utf-8'),
  });
}

/**
 * A find pattern as Cyrus reads it: "*" matches any run of characters, letters match regardless
 * of case, and a space matches "_" ("new york" finds America/New_York). A pattern without "*"
 * matches anywhere in the name.
 */
export function compilePattern(pattern: string): (name: string) => boolean {
  if (pattern === '' || /^\*+$/.test(pattern)) {
    throw new TzdistError('invalid-pattern', 'the pattern must contain more than wildcards');
  }
  const normalize = (text: string) => text.toLowerCase().replace(/ /g, '_');
  const parts = normalize(pattern).split('*');
  if (parts.length === 1) return (name) => normalize(name).includes(parts[0]!);
  // Matched piece by piece rather than as a regular expression: "a*****!" would compile to a
  // pattern whose backtracking takes minutes, and anyone may send it.
  return (name) => globMatches(parts, normalize(name));
}

/** Whether `text` is parts[0], then anything, then parts[1], …, ending with the last part. */
function globMatches(parts: readonly string[], text: string): boolean {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let position = first.length;
  // The leftmost place for each middle piece leaves the most room for the ones after it.
  for (const part of parts.slice(1, -1)) {
    const at = text.indexOf(part, position);
    if (at === -1 || at + part.length > end) return false;
    position = at + part.length;
  }
  return true;
}
