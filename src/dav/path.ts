// Request paths ↔ hrefs. Paths inside the server are decoded; hrefs on the wire are encoded.
// Path tricks (dot segments, encoded slashes, NUL) are refused here, before anything looks them up.
import { badRequest } from './errors.ts';

/** Decodes a URL pathname into segments, refusing what could escape or confuse the hierarchy. */
export function decodePath(pathname: string): { segments: string[]; trailingSlash: boolean } {
  const raw = pathname.split('/');
  if (raw[0] !== '') throw badRequest('The request path must be absolute');
  const segments: string[] = [];
  for (let i = 1; i < raw.length; i++) {
    const piece = raw[i]!;
    if (piece === '') {
      if (i === raw.length - 1) break;
      throw badRequest('Empty path segments ("//") are not allowed');
    }
    if (/%2f|%5c|%00/i.test(piece)) throw badRequest('Encoded slashes and NUL bytes are not allowed in paths');
    let segment: string;
    try {
      segment = decodeURIComponent(piece);
    } catch {
      throw badRequest('The request path is not valid percent-encoded UTF-8');
    }
    if (segment === '.' || segment === '..') throw badRequest('Dot segments are not allowed in paths');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(segment)) throw badRequest('Control characters are not allowed in paths');
    segments.push(segment);
  }
  return { segments, trailingSlash: pathname.endsWith('/') || segments.length === 0 };
}

/** Joins decoded segments into a decoded path; collections end with "/". */
export function joinPath(segments: readonly string[], collection: boolean): string {
  if (segments.length === 0) return '/';
  return `/${segments.join('/')}${collection ? '/' : ''}`;
}

/** Encodes a decoded path for use in an href or Location header. */
export function encodePath(path: string): string {
  // Most paths need nothing encoded; a listing of 10,000 members encodes 10,000 of them.
  if (NOTHING_TO_ENCODE.test(path)) return path;
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%(40|3A|21|24|26|27|28|29|2A|2B|2C|3B|3D)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))))
    .join('/');
}

/** Characters encodePath leaves as they are: unreserved, and the sub-delimiters, ':' and '@' a path segment may hold (RFC 3986 §3.3). */
const NOTHING_TO_ENCODE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

/** The parent collection path of a decoded path ("/a/b/c" → "/a/b/", "/a/b/" → "/a/"). */
export function parentPath(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1) || '/';
}

/** The last segment of a decoded path, without a trailing slash. */
export function lastSegment(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * Resolves an href from a request body or a Destination header (absolute URL or absolute path)
 * to a decoded path on this server; null when it points at another host.
 */
export function hrefToPath(href: string, requestUrl: URL): string | null {
  let url: URL;
  try {
    url = new URL(href.trim(), requestUrl);
  } catch {
    throw badRequest(`Not a valid URL: ${href}`);
  }
  if (url.host !== requestUrl.host) return null;
  const { segments, trailingSlash } = decodePath(url.pathname);
  return joinPath(segments, trailingSlash && segments.length > 0);
}
