// Logging to the console, the one sink every runtime has: a Logger for the app and a wrapper
// that writes one line per request.
import type { Logger } from '../dav/context.ts';

export const CONSOLE_LOGGER: Logger = {
  info: (message, fields) => console.log(fields ? `${message} ${JSON.stringify(fields)}` : message),
  error: (message, fields) => console.error(fields ? `${message} ${JSON.stringify(fields)}` : message),
};

type FetchHandler<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>;

/** Wraps a fetch handler so that each request logs method, path, status and duration. */
export function withRequestLog<A extends unknown[]>(handler: FetchHandler<A>): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    // Date.now, not performance.now: Workers freeze the latter during a request.
    const started = Date.now();
    const response = await handler(request, ...rest);
    const url = new URL(request.url);
    console.log(`${new Date().toISOString()} ${request.method} ${url.pathname}${url.search} ${response.status} ${Date.now() - started}ms`);
    return response;
  };
}
