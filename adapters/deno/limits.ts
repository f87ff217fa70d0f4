// The connection limits (src/http/connection-limits.ts) as far as Deno.serve lets a handler apply
// them. Deno 2's server has no setting for a header, idle or keep-alive timeout, nor for a cap on
// connections, and calls the handler only once the headers are in: those are left to a reverse
// proxy (docs/deployment.md). What the handler can bound is the request body, and the requests in
// progress at once.
import type { ConnectionLimits } from '../../src/http/connection-limits.ts';

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

/**
 * The handler with ORRERY_REQUEST_TIMEOUT applied to the request body (from the moment the headers
 * are in) and ORRERY_MAX_CONNECTIONS to the requests being handled at once (503 past it).
 */
export function withRequestLimits(limits: ConnectionLimits, handler: Handler): Handler {
  let inProgress = 0;
  return async (request, info) => {
    if (limits.maxConnections > 0 && inProgress >= limits.maxConnections) {
      return new Response('The server is handling as many requests as it accepts at once; try again shortly\n', {
        status: 503,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' },
      });
    }
    inProgress++;
    try {
      return await withBodyDeadline(request, info, limits.requestTimeoutMs, handler);
    } finally {
      inProgress--;
    }
  };
}

// --- Internal helpers ---

class BodyTimeout extends Error {
  override name = 'BodyTimeout';
}

async function withBodyDeadline(request: Request, info: Deno.ServeHandlerInfo, timeoutMs: number, handler: Handler): Promise<Response> {
  if (!request.body) return handler(request, info);
  const source = request.body.getReader();
  let received = false;
  let timedOut = false;
  let pendingRead: Promise<unknown> | undefined;
  let forward: ReadableStreamDefaultController<Uint8Array> | undefined;
  // The app reads the body through this stream; at the deadline it fails, so the app's read does too.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      forward = controller;
    },
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        const read = source.read();
        pendingRead = read.catch(() => undefined);
        chunk = await read;
      } catch (error) {
        if (!timedOut) controller.error(error);
        return;
      }
      if (timedOut) return;
      if (chunk.done) {
        received = true;
        controller.close();
      } else {
        controller.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      return source.cancel(reason);
    },
  });
  const limited = new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Response>((resolve) => {
    timer = setTimeout(() => {
      if (received) return;
      timedOut = true;
      try {
        forward?.error(new BodyTimeout(`The request body did not arrive within ${timeoutMs / 1000} seconds`));
      } catch {
        // the app had already given up on the body
      }
      // Deno drops the connection only if the body it reads is cancelled before the answer goes out,
      // and with no read of it pending: the one under way ends with the client's next byte. A client
      // that sends nothing more is answered a second later, its connection left to Deno.
      const settled = Promise.race([pendingRead, new Promise((r) => setTimeout(r, 1000))]);
      void settled
        .then(() => source.cancel())
        .catch(() => undefined)
        .then(() => resolve(closingTimeout(timeoutMs)));
    }, timeoutMs);
  });
  const answered = Promise.resolve(handler(limited, info));
  try {
    // Past the deadline the app's answer (an error about the body it could not read) is dropped.
    return await Promise.race([answered.then((response) => (timedOut ? deadline : response)), deadline]);
  } finally {
    clearTimeout(timer);
    answered.catch(() => undefined);
  }
}

/**
 * 408, then the connection closed. Deno keeps reading a body the handler no longer wants (while the
 * client trickles it, for as long as it likes), and has no call to close a connection; a response
 * body that fails after its first bytes is what makes it drop one.
 */
function closingTimeout(timeoutMs: number): Response {
  const message = new TextEncoder().encode(`The request was not received within ${timeoutMs / 1000} seconds\n`);
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    // The failure comes on the read after the message, once the response is on its way: failing
    // before that leaves the connection open about half the time.
    pull(controller) {
      if (sent) return controller.error(new BodyTimeout('closing the connection of a request that timed out'));
      sent = true;
      controller.enqueue(message);
    },
  });
  return new Response(body, { status: 408, headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' } });
}
