// HTTP Basic authentication (RFC 7617) in one place: the credentials of an Authorization header
// (for authentication and for the request log), and the 401 challenge that asks for them.
import { fromBase64 } from '../bytes/base64.ts';
import { DavError } from '../dav/errors.ts';

export type BasicCredentials = { name: string; password: string };

/** The credentials, null without a Basic header, or a message saying what is wrong with one. */
export function parseBasicCredentials(header: string | null): BasicCredentials | null | { malformed: string } {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { malformed: 'Only HTTP Basic authentication is supported' };
  const bytes = fromBase64(match[1]!);
  if (!bytes) return { malformed: 'Malformed Basic credentials' };
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { malformed: 'Malformed Basic credentials' };
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) return { malformed: 'Malformed Basic credentials' };
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A 401 asking for Basic credentials in the configured realm. */
export function basicChallenge(realm: string, message = 'Authentication required'): DavError {
  const quoted = realm.replace(/["\\]/g, '');
  return new DavError(401, undefined, message, { 'WWW-Authenticate': `Basic realm="${quoted}", charset="UTF-8"` });
}
