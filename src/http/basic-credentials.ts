// The user name and password of an HTTP Basic Authorization header (RFC 7617), read in one place
// for authentication and for the request log.

export type BasicCredentials = { name: string; password: string };

/** The credentials, null without a Basic header, or a message saying what is wrong with one. */
export function parseBasicCredentials(header: string | null): BasicCredentials | null | { malformed: string } {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { malformed: 'Only HTTP Basic authentication is supported' };
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
  } catch {
    return { malformed: 'Malformed Basic credentials' };
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) return { malformed: 'Malformed Basic credentials' };
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
