// The TZDist "leapseconds" action (RFC 7808 §5.6): TAI − UTC from each onset, with the date after
// which the table (IERS leap-seconds.list) must not be trusted.
import { TZ_DATA_DIGEST, TZ_DATA_RELEASED, TZ_DATA_VERSION } from '../tz/catalogue.ts';
import { LEAP_SECOND_TABLE, LEAP_SECONDS_EXPIRES_UTC_MS } from '../tz/leap-seconds.ts';
import { cacheHeaders, notModifiedResponse, type Validators } from './http-cache.ts';

const separator = TZ_DATA_VERSION.lastIndexOf(':');

const BODY = JSON.stringify({
  expires: isoDate(LEAP_SECONDS_EXPIRES_UTC_MS),
  // Same publisher:version split as the primary-source string (Cyrus does likewise).
  publisher: separator > 0 ? TZ_DATA_VERSION.slice(0, separator) : TZ_DATA_VERSION,
  version: separator > 0 ? TZ_DATA_VERSION.slice(separator + 1) : TZ_DATA_VERSION,
  leapseconds: LEAP_SECOND_TABLE.map((leap) => ({
    'utc-offset': leap.taiOffset,
    onset: isoDate(leap.onsetUtcSeconds * 1000),
  })),
});

export function handleLeapSeconds(request: Request): Response {
  const validators: Validators = { etag: `"leapseconds-${TZ_DATA_DIGEST}"`, lastModified: TZ_DATA_RELEASED };
  return (
    notModifiedResponse(request, validators) ??
    new Response(BODY, { status: 200, headers: cacheHeaders(validators, 'application/json; charset=utf-8') })
  );
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
