// The Node adapter: serves the app with @hono/node-server, one log line per request, graceful
// shutdown on SIGTERM/SIGINT.
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import { CONSOLE_LOGGER, withRequestLog } from '../../src/http/console-log.ts';
import { processOutbox } from '../../src/scheduling/imip/queue.ts';
import { chooseTransport } from '../../src/scheduling/imip/transport.ts';
import { ensureBootstrapUser } from '../../src/users.ts';
import { openDatabase } from './database.ts';
import type { NodeSettings } from './settings.ts';
import { smtpTransport } from './smtp-transport.ts';

/** How often queued iMIP messages are retried. */
const OUTBOX_INTERVAL_MS = 60_000;


export interface RunningServer {
  port: number;
  /** Sends the iMIP messages that are due (also run every minute); `now` lets tests skip ahead. */
  processOutbox(now?: number): Promise<{ sent: number; retried: number; failed: number }>;
  close(): Promise<void>;
}

export async function startServer(settings: NodeSettings, options: { quiet?: boolean; bootstrap?: { user?: string; password?: string } } = {}): Promise<RunningServer> {
  const { client, store } = await openDatabase(settings.database);
  if (await ensureBootstrapUser(store, options.bootstrap?.user, options.bootstrap?.password, Date.now())) {
    CONSOLE_LOGGER.info(`Created user ${options.bootstrap!.user} from ORRERY_BOOTSTRAP_USER`);
  }
  const transport = chooseTransport(settings.config, smtpTransport(settings.config));
  const app = createApp(settings.config, store, { logger: CONSOLE_LOGGER, transport });
  const outbox = { store, config: settings.config, logger: CONSOLE_LOGGER, transport };
  let outboxRun: Promise<unknown> = Promise.resolve();
  const runOutbox = (now = Date.now()) => {
    // Runs queue one after another, so a message is never picked up twice by this process.
    const run = outboxRun.then(() => processOutbox(outbox, now));
    outboxRun = run.catch(() => undefined);
    return run;
  };
  const timer = transport
    ? setInterval(() => runOutbox().catch((error) => CONSOLE_LOGGER.error('Outbox run failed', { error: String(error) })), OUTBOX_INTERVAL_MS)
    : null;
  timer?.unref();
  const fetch = options.quiet ? app.fetch : withRequestLog((request: Request) => app.fetch(request));
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, hostname: settings.host, port: settings.port }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  if ((await store.users.list()).length === 0) {
    console.log('No users yet. Add one with:  npx orrery user add alice --password secret   (or set ORRERY_BOOTSTRAP_USER and ORRERY_BOOTSTRAP_PASSWORD)');
  }
  return {
    port,
    processOutbox: runOutbox,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => {
          client.close();
          resolve();
        });
        // Idle keep-alive connections would otherwise hold the shutdown open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
