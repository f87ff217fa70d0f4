// Absolute URLs of this server, for the places a relative reference cannot go: addresses people
// copy into other programs, TZURL, the URL of a free-busy document. They come from the
// configuration (servername, http_baseurl), never from the request's Host header, which any
// client sets as it likes: echoed into a page, a cached zone or a stored document it would point
// other people at a host of the sender's choosing.
import { OPTIONS, type AppConfig } from '../config.ts';

/**
 * scheme://host[:port] of this server: http_baseurl, else https://<servername>, as behind the TLS
 * proxy every deployment reachable from the internet has (README). Null when neither names a
 * public host: the default servername, localhost, names none that other machines could use, and
 * without a configured name the server cannot tell a forged Host from a real one (behind a proxy
 * not even the listening address says what clients use), so callers fall back to relative URLs.
 */
export function publicOrigin(config: AppConfig): string | null {
  if (config.http_baseurl !== '') return config.http_baseurl;
  if (config.servername === '' || config.servername === OPTIONS.servername.default) return null;
  return `https://${config.servername}`;
}

/** The absolute URL of an encoded path (with its query) on this server, or null when none may be built. */
export function absoluteUrl(config: AppConfig, path: string): string | null {
  const origin = publicOrigin(config);
  return origin === null ? null : `${origin}${path}`;
}

/** An absolute URL when one may be built, else the path: a relative reference the client resolves against the URL it used. */
export function linkTo(config: AppConfig, path: string): string {
  return absoluteUrl(config, path) ?? path;
}
