// When push messages go out: a while after a write (the debounce delay, so that a burst of
// changes sends one message per subscription), and again when retries fall due. The write itself
// only committed its delivery rows (database triggers); sending happens after the response, never
// in its way. Where the runtime keeps a request alive for background work (Workers' waitUntil),
// that carries the run; elsewhere a timer in the long-running process does.
import type { AppDeps } from '../dav/context.ts';
import { processPushDeliveries, type PushRunCounts } from './delivery.ts';
import { parseDontNotify, touchedCollectionPaths } from './dont-notify.ts';

/** Where background work of a request goes: Workers' waitUntil, or undefined for the process's own timers. */
type WaitUntilSource = () => ((work: Promise<unknown>) => void) | undefined;

/** Even with nothing due, look again this often: other instances and background deliveries also queue messages. */
const IDLE_CHECK_MS = 60_000;

export class PushDispatcher {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private running: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(
    private readonly deps: AppDeps,
    private readonly sendFetch?: typeof fetch,
  ) {}

  /** After a write: send what it queued once the delay has passed. */
  afterWrite(waitUntilOf: WaitUntilSource): void {
    if (!this.deps.config.webdav_push) return;
    const waitUntil = waitUntilOf();
    const delay = this.deps.config.webdav_push_delay_seconds * 1000 + 50;
    if (waitUntil) {
      waitUntil(new Promise((resolve) => setTimeout(resolve, delay)).then(() => this.run()));
      return;
    }
    this.started = true;
    this.wakeAt(Date.now() + delay);
  }

  /**
   * The first request of a long-running process starts the periodic look for due deliveries,
   * which sends what an earlier process left queued even before anything is written.
   */
  firstRequest(waitUntilOf: WaitUntilSource): void {
    if (this.started || !this.deps.config.webdav_push || waitUntilOf()) return;
    this.started = true;
    this.wakeAt(Date.now() + this.deps.config.webdav_push_delay_seconds * 1000 + 50);
  }

  /** One run at a time in this instance; errors are logged, never thrown at the caller. */
  run(now = this.deps.now()): Promise<PushRunCounts | null> {
    const run = this.running.then(() => processPushDeliveries(this.deps, now, this.sendFetch ? { fetch: this.sendFetch } : {}));
    this.running = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      this.deps.logger.error('Push run failed', { error: error instanceof Error ? error.message : String(error) });
      return null;
    });
  }

  // --- Internal helpers ---

  private wakeAt(at: number): void {
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      void this.run().then(() => this.scheduleNext());
    }, Math.max(0, at - Date.now()));
    // A pending push must not keep a process alive that is otherwise done (tests, CLI commands).
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async scheduleNext(): Promise<void> {
    try {
      const next = await this.deps.store.push.nextDue();
      const delay = this.deps.config.webdav_push_delay_seconds * 1000;
      const at = next ? Math.max(next.nextAttemptAt, next.changedAt + delay) : Date.now() + IDLE_CHECK_MS;
      this.wakeAt(Math.min(Math.max(at, Date.now() + 1000), Date.now() + IDLE_CHECK_MS));
    } catch {
      // The database went away (a closed test store, a shutdown): nothing more to send from here.
    }
  }
}

/** Methods that never change anything, so never queue a push message. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT']);

/** Wraps the DAV handler so that every answered write wakes the dispatcher. */
export function notifyingWrites<C extends { req: { method: string; raw: Request }; executionCtx: { waitUntil(work: Promise<unknown>): void } }>(
  dispatcher: PushDispatcher,
  deps: AppDeps,
  handle: (c: C) => Promise<Response>,
): (c: C) => Promise<Response> {
  // Outside Workers, Hono throws to say there is no ExecutionContext, and an exception per request
  // is a measurable part of a small one: the answer is asked for only when needed, and once a
  // request had none, this runtime has none.
  let runtimeHasNone = false;
  return async (c) => {
    const started = deps.now();
    const response = await handle(c);
    const waitUntil = () => {
      if (runtimeHasNone) return undefined;
      const found = waitUntilOf(c);
      runtimeHasNone = found === undefined;
      return found;
    };
    if (READ_METHODS.has(c.req.method.toUpperCase()) || response.status >= 400) {
      dispatcher.firstRequest(waitUntil);
      return response;
    }
    if (deps.config.webdav_push) await withdrawUnwanted(deps, c.req.raw, started);
    dispatcher.afterWrite(waitUntil);
    return response;
  };
}

/** Push-Dont-Notify: the deliveries this request queued for the named registrations, or for all. */
async function withdrawUnwanted(deps: AppDeps, request: Request, since: number): Promise<void> {
  const dontNotify = parseDontNotify(request.headers);
  if (!dontNotify) return;
  try {
    if ('ids' in dontNotify) {
      await deps.store.push.suppress({ ids: dontNotify.ids }, since);
    } else {
      const paths = [...touchedCollectionPaths(new URL(request.url).pathname)];
      const destination = request.headers.get('destination');
      if (destination) {
        try {
          paths.push(...touchedCollectionPaths(new URL(destination, request.url).pathname));
        } catch {
          // A Destination the write itself refused or ignored touches nothing here.
        }
      }
      await deps.store.push.suppress({ collectionPaths: paths }, since);
    }
  } catch (error) {
    // The write is done; at worst its author hears of it too.
    deps.logger.error('Push-Dont-Notify not applied', { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Workers' waitUntil; the other runtimes have no ExecutionContext (Hono throws when asked for one). */
function waitUntilOf(c: { executionCtx: { waitUntil(work: Promise<unknown>): void } }): ((work: Promise<unknown>) => void) | undefined {
  try {
    const context = c.executionCtx;
    return (work) => context.waitUntil(work);
  } catch {
    return undefined;
  }
}
