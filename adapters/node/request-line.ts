// Request lines node:http accepts but the app cannot serve, answered here with a 4xx/5xx and a
// log line instead of a 500 or a silently closed connection.
import type { ServerType } from '@hono/node-server';
import { METHODS, type Server } from 'node:http';
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

/**
 * node:http's parser knows a fixed list of methods and, for any other (CalDAV's retired
 * SCHEDULE, say), emits a client error that it answers 400 before closing at once, often
 * resetting the connection while the client is still sending its body. A method the server does
 * not recognise is 501 (RFC 9110 §15.6.2); the rest of the request is read and dropped so that
 * the client gets the answer instead of a reset. Other client errors keep node:http's answers.
 */
export function answerClientErrors(server: ServerType, log: ((line: string) => void) | null): void {
  (server as Server).on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (!unknownMethod(error)) {
      // node:http's own answers, and its prompt close (timeouts rely on it).
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
          : '400 Bad Request';
      if ((socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
      return;
    }
    // A response still being written for an earlier request on this connection (pipelining) must
    // not be interleaved with another status line: the connection is closed without one.
    if ((socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const line = /^([A-Za-z-]{1,32}) (\/[^\s?#]{0,200})?/.exec(error.rawPacket?.toString('latin1') ?? '');
    const method = line?.[1] ?? '-';
    log?.(`${new Date().toISOString()} ${method} ${line?.[2] ?? '-'} 501 0ms`);
    const body = `${method} is not a method this server implements\n`;
    socket.on('data', () => {});
    socket.on('error', () => socket.destroy());
    socket.resume();
    socket.end(`HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    // A client that never closes its side is not waited for.
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}

/**
 * Whether the parser refused the request for its method: node:http says HPE_INVALID_METHOD; Deno's
 * node:http says only HPE_ERROR, so there the request line's first word is compared with the
 * methods node:http knows.
 */
function unknownMethod(error: Error & { code?: string; rawPacket?: Buffer }): boolean {
  if (error.code === 'HPE_INVALID_METHOD') return true;
  if (error.code !== 'HPE_ERROR') return false;
  const method = /^([A-Za-z-]{1,32}) \//.exec(error.rawPacket?.toString('latin1') ?? '')?.[1];
  return method !== undefined && !METHODS.includes(method);
}
