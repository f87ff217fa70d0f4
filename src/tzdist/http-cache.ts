// Caching for TZDist responses (RFC 7808 §4.1.2): strong ETags, conditional GET per RFC 9110
// §13.1.2 (If-None-Match) and §13.1.3 (If-Modified-Since), and one day of shared caching.

export interface Validators {
  /** Quoted strong entity tag. */
  etag: string;
  /** RFC 3339 UTC timestamp of the data release. */
  lastModified: string;
}

/** Data changes a few times a year; a day matches Cyrus and keeps clients reasonably fresh. */
const CACHE_CONTROL = 'public, max-age=86400';

export function cacheHeaders(validators: Validators, contentType?: string): Headers {
  const headers = new Headers({
    ETag: validators.etag,
    'Last-Modified': new Date(validators.lastModified).toUTCString(),
    'Cache-Control': CACHE_CONTROL,
    // Representations depend on Accept (get) and caches must not mix them.
    Vary: 'Accept',
  });
  if (contentType) headers.set('Content-Type', contentType);
  return headers;
}

/** A 304 when the request's validators match, otherwise undefined. */
export function notModifiedResponse(request: Request, validators: Validators): Response | undefined {
  const ifNoneMatch = request.headers.get('If-None-Match');
  if (ifNoneMatch !== null) {
    // RFC 9110 §13.1.2: weak comparison, and If-Modified-Since is then ignored.
    return etagListMatches(ifNoneMatch, validators.etag) ? notModified(validators) : undefined;
  }
  const ifModifiedSince = request.headers.get('If-Modified-Since');
  if (ifModifiedSince !== null) {
    const since = Date.parse(ifModifiedSince);
    const modified = Math.floor(Date.parse(validators.lastModified) / 1000) * 1000;
    if (!Number.isNaN(since) && modified <= since) return notModified(validators);
  }
  return undefined;
}

/** A short stable hash (FNV-1a, 32 bits) for composing entity tags from request variants. */
export function variantHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

function notModified(validators: Validators): Response {
  return new Response(null, { status: 304, headers: cacheHeaders(validators) });
}

function etagListMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((candidate) => opaque(candidate) === wanted);
}
