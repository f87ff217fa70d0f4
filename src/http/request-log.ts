// What the request log needs to say why a request failed: for a 4xx or 5xx, the user, and the
// precondition or privilege that failed with the server's message. Every response carries the
// request's id in X-Request-ID, and the log line names it too, so that a user's report can be
// matched to the log.
import type { MiddlewareHandler } from 'hono';
import { DavError } from '../dav/errors.ts';
import { parseBasicCredentials } from './basic-credentials.ts';

export const REQUEST_ID_HEADER = 'X-Request-ID';

/** Why a request failed, as the error handler saw it. */
interface Failure {
  condition?: string;
  privilege?: string;
  message?: string;
}

// Keyed by the request object, which the error handler and the middleware share.
const failures = new WeakMap<Request, Failure>();
// Keyed by the response object, which is what the adapter's request log sees.
const outcomes = new WeakMap<Response, Record<string, string>>();

/** Called by the error handler, so that the request's log line can name the failed condition. */
export function noteFailure(request: Request, error: unknown): void {
  if (error instanceof DavError) {
    const precondition = error.precondition;
    const failure: Failure = { message: error.message };
    if (precondition) failure.condition = precondition.name;
    if (precondition?.name === '{DAV:}need-privileges') failure.privilege = precondition.resources.map((r) => `${r.privilege} on ${r.href}`).join(', ');
    failures.set(request, failure);
  } else {
    failures.set(request, { message: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Gives each request an id, sent back in X-Request-ID, and keeps what the log line of a failed
 * one needs with its response (failureOf), for the adapter's request log (console-log.ts).
 */
export function requestIds(): MiddlewareHandler {
  return async (c, next) => {
    const id = crypto.randomUUID();
    await next();
    try {
      c.res.headers.set(REQUEST_ID_HEADER, id);
    } catch {
      // A response with immutable headers is copied once to carry the id.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set(REQUEST_ID_HEADER, id);
    }
    if (c.res.status >= 400) outcomes.set(c.res, { user: claimedUser(c.req.raw) ?? 'anonymous', ...failures.get(c.req.raw) });
  };
}

/** For the log line of a 4xx/5xx response: who asked, and which condition or privilege failed. */
export function failureOf(response: Response): Record<string, string> | undefined {
  return outcomes.get(response);
}

// --- Internal helpers ---

/** The user name a request's Basic credentials claim (verified or not: a 401 logs who was tried). */
function claimedUser(request: Request): string | undefined {
  const credentials = parseBasicCredentials(request.headers.get('authorization'));
  return credentials && 'name' in credentials ? credentials.name : undefined;
}
