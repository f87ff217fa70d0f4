// Request lines node:http accepts but the app cannot serve, answered here with a 4xx/5xx and a
// log line instead of a 500 or a silently closed connection.
import type { ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest } from '../../src/dav/errors.ts';
import type { Logger } from '../../src/dav/context.ts';
import { errorResponse } from '../../src/http/on-error.ts';

/**
 * A 400 for an absolute-form target with userinfo (`PROPFIND http://a:b@host/dav/`), else null.
 * RFC 9110 §4.2.4 makes userinfo in an http(s) URI an error for a recipient, and the Fetch
 * Request the app is handed cannot be built from such a URL at all (it throws a TypeError).
 */
export function refuseRequestTarget(target: string | undefined, logger: Logger): Response | null {
  if (!target || target.startsWith('/') || !/^https?:\/\/[^/?#]*@/i.test(target)) return null;
  return errorResponse(badRequest('The request target must not contain a user name or password (RFC 9110 §4.2.4); send credentials in the Authorization header'), logger);
}

/**
 * CONNECT asks for a tunnel, which this server never opens. node:http hands CONNECT to a
 * 'connect' listener and, without one, closes the connection without a word; 501 tells the
 * client the method is not supported for any target (RFC 9110 §15.6.2).
 */
export function refuseConnect(server: ServerType, log: ((line: string) => void) | null): void {
  // This adapter serves HTTP/1.1 only; the 'connect' event is node:http's.
  (server as Server).on('connect', (request, socket: Duplex) => {
    log?.(`${new Date().toISOString()} CONNECT ${request.url ?? ''} 501 0ms`);
    const body = 'CONNECT is not supported: this is a calendar server, not a proxy\n';
    socket.end(
      'HTTP/1.1 501 Not Implemented\r\n'
        + 'Content-Type: text/plain; charset=utf-8\r\n'
        + `Content-Length: ${Buffer.byteLength(body)}\r\n`
        + 'Connection: close\r\n\r\n'
        + body,
    );
  });
}
