// Logging to the console, the one sink every runtime has: a Logger for the app and a wrapper
// that writes one line per request.
import type { Logger } from '../dav/context.ts';
import { failureOf, REQUEST_ID_HEADER } from './request-log.ts';

export const CONSOLE_LOGGER: Logger = {
  info: (message, fields) => console.log(fields ? `${message} ${JSON.stringify(fields)}` : message),
  error: (message, fields) => console.error(fields ? `${message} ${JSON.stringify(fields)}` : message),
};

type FetchHandler<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>;

/**
 * Wraps a fetch handler so that each request logs one line: time, method, path, status, duration
 * and request id, and for a 4xx/5xx the user and the condition or privilege that failed.
 */
export function withRequestLog<A extends unknown[]>(
  handler: FetchHandler<A>,
  writeLine: (line: string) => void = (line) => console.log(line),
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    // Date.now, not performance.now: Workers freeze the latter during a request.
    const started = Date.now();
    const response = await handler(request, ...rest);
    const url = new URL(request.url);
    const id = response.headers.get(REQUEST_ID_HEADER);
    const line = `${new Date().toISOString()} ${request.method} ${url.pathname}${url.search} ${response.status} ${Date.now() - started}ms${id ? ` id=${id}` : ''}`;
    const failure = failureOf(response);
    writeLine(failure ? `${line} ${JSON.stringify(failure)}` : line);
    return response;
  };
}
