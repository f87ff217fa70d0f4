// Serving the server-information document, and the Link header that points DAV clients to it
// (draft-douglass-server-info, as Cyrus 3.6 does both).
import type { Context } from 'hono';
import type { AppDeps } from '../dav/context.ts';
import { DavError, methodNotAllowed } from '../dav/errors.ts';
import { negotiateMediaType } from '../http/accept.ts';
import type { Authenticator } from '../http/auth.ts';
import { clientAddressOf } from '../http/client-address.ts';
import { checkReadConditions } from '../http/conditional.ts';
import { buildServerInfo, SERVER_INFO_MEDIA_TYPE, SERVER_INFO_PATH, type ServerInfo } from './document.ts';

export { SERVER_INFO_PATH };

/** The document of this app's configuration, built on first use (its token takes a digest). */
export function serverInfoSource(deps: AppDeps): () => Promise<ServerInfo> {
  let built: Promise<ServerInfo> | undefined;
  return () => (built ??= buildServerInfo(deps.config));
}

/**
 * GET or HEAD of the document. Like Cyrus, only signed-in users read it (it describes the
 * service to its clients, not to the world), an Accept header must admit its media type, and the
 * token is its ETag, so a client can revalidate with If-None-Match.
 */
export function serveServerInfo(deps: AppDeps, authenticator: Authenticator, source: () => Promise<ServerInfo>) {
  return async (c: Context): Promise<Response> => {
    const request = c.req.raw;
    if (request.method === 'OPTIONS') return new Response(null, { status: 200, headers: { Allow: ALLOWED.join(', '), 'Content-Length': '0' } });
    if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed(ALLOWED, 'The server-info document is only read');
    const principal = await authenticator.authenticate(request, clientAddressOf(c.env, request, deps.config.trusted_proxies));
    if (!principal) throw authenticator.challenge();
    if (negotiateMediaType(request.headers.get('accept'), [SERVER_INFO_MEDIA_TYPE, 'application/xml'] as const) === null) {
      throw new DavError(406, undefined, `The server-info document is available as ${SERVER_INFO_MEDIA_TYPE}`, { Vary: 'Accept' });
    }
    const info = await source();
    const etag = `"${info.token}"`;
    checkReadConditions(request, { exists: true, etag, lastModifiedMs: null });
    const body = new TextEncoder().encode(info.body);
    const headers = {
      'Content-Type': `${SERVER_INFO_MEDIA_TYPE}; charset=utf-8`,
      'Content-Length': String(body.byteLength),
      ETag: etag,
      // Cyrus lets clients keep it a day; the token in every Link header tells them sooner when it changed.
      'Cache-Control': 'private, max-age=86400',
      Vary: 'Accept',
    };
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

/**
 * Adds `Link: <...>; rel="server-info"; token="..."` to a DAV response when the client's
 * Server-Info-Token header names another token (or "*", asking for it), and to OPTIONS when the
 * client sent none: the points at which Cyrus sends it, so that a client learns of a change on
 * its next request without fetching the document each time.
 */
export async function withServerInfoLink(request: Request, response: Response, source: () => Promise<ServerInfo>): Promise<Response> {
  const known = request.headers.get('server-info-token');
  if (known === null && request.method !== 'OPTIONS') return response;
  const { token } = await source();
  if (known !== null && known.trim().replace(/^"(.*)"$/, '$1') === token) return response;
  const link = `<${SERVER_INFO_PATH}>; rel="server-info"; token="${token}"`;
  // Responses built here have mutable headers; one that came from elsewhere is copied first.
  try {
    response.headers.append('Link', link);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.append('Link', link);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** Paths the WebDAV handler answers, whose responses the Link header goes on (the document's own excepted). */
export function isDavPath(path: string): boolean {
  return path === '/' || ((path === '/dav' || path.startsWith('/dav/')) && path !== SERVER_INFO_PATH);
}

const ALLOWED = ['OPTIONS', 'GET', 'HEAD'];
