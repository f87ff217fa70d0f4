// The Node adapter: serves the app with @hono/node-server, one log line per request, graceful
// shutdown on SIGTERM/SIGINT.
import { serve, type ServerType } from '@hono/node-server';
import type { IncomingMessage } from 'node:http';
import { createApp } from '../../src/app.ts';
import type { ConnectionInfo } from '../../src/http/client-address.ts';
import { DEFAULT_CONNECTION_LIMITS, nodeHttpServerOptions } from '../../src/http/connection-limits.ts';
import { CONSOLE_LOGGER, withRequestLog } from '../../src/http/console-log.ts';
import { processOutbox } from '../../src/scheduling/imip/queue.ts';
import { processSchedulingJobs } from '../../src/scheduling/jobs.ts';
import { chooseTransport } from '../../src/scheduling/imip/transport.ts';
import { ischeduleTransport } from '../../src/ischedule/send.ts';
import type { DnsResolver } from '../../src/ischedule/peers.ts';
import { resolveSrv, resolveTxt } from 'node:dns/promises';
import { ensureBootstrapUser } from '../../src/users.ts';
import { useUtf8Codec } from '../../src/bytes/utf8.ts';
import { openDatabase } from './database.ts';
import { bufferedLines } from './line-buffer.ts';
import { answerClientErrors, refuseConnect, refuseRequestTarget } from './request-line.ts';
import type { NodeSettings } from './settings.ts';
import { smtpTransport } from './smtp-transport.ts';
import { NODE_UTF8_CODEC } from './utf8.ts';

/** How often queued iMIP messages are retried. */
const OUTBOX_INTERVAL_MS = 60_000;
/** How often scheduling messages a stopped request left undelivered are looked for. */
const SCHEDULING_INTERVAL_MS = 5_000;
/**
 * Test only: with this set to 1, the process kills itself (SIGKILL, no clean-up) right after a
 * write's scheduling messages are committed and before they are delivered.
 */
const CRASH_BEFORE_DELIVERY = 'ORRERY_TEST_KILL_BEFORE_SCHEDULING_DELIVERY';


/** iSchedule discovery (SRV) and key lookup (TXT) through the system resolver. */
const NODE_DNS: DnsResolver = { txt: resolveTxt, srv: resolveSrv };

export interface RunningServer {
  port: number;
  /** Sends the iMIP messages that are due (also run every minute); `now` lets tests skip ahead. */
  processOutbox(now?: number): Promise<{ sent: number; retried: number; failed: number }>;
  close(): Promise<void>;
}

export async function startServer(settings: NodeSettings, options: { quiet?: boolean; bootstrap?: { user?: string; password?: string } } = {}): Promise<RunningServer> {
  useUtf8Codec(NODE_UTF8_CODEC);
  const { client, store } = await openDatabase(settings.database);
  if (await ensureBootstrapUser(store, options.bootstrap?.user, options.bootstrap?.password, Date.now())) {
    CONSOLE_LOGGER.info(`Created user ${options.bootstrap!.user} from ORRERY_BOOTSTRAP_USER`);
  }
  const transport = ischeduleTransport(settings.config, chooseTransport(settings.config, smtpTransport(settings.config)), { dns: NODE_DNS });
  const beforeSchedulingDelivery = process.env[CRASH_BEFORE_DELIVERY] === '1' ? () => process.kill(process.pid, 'SIGKILL') : undefined;
  const app = createApp(settings.config, store, { logger: CONSOLE_LOGGER, transport, ischeduleDns: NODE_DNS, ...(beforeSchedulingDelivery ? { beforeSchedulingDelivery } : {}) });
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
  // Deliveries a previous process left unfinished, now and then periodically (one run at a time).
  let schedulingRun: Promise<unknown> = Promise.resolve();
  const runScheduling = () => {
    schedulingRun = schedulingRun
      .then(() => processSchedulingJobs(outbox, Date.now()))
      .catch((error) => CONSOLE_LOGGER.error('Scheduling run failed', { error: String(error) }));
  };
  runScheduling();
  const schedulingTimer = setInterval(runScheduling, SCHEDULING_INTERVAL_MS);
  schedulingTimer.unref();
  // The peer address goes to the app as its env (login throttling counts failures per client).
  const handle = (request: Request, env: { incoming?: IncomingMessage }) =>
    refuseRequestTarget(env.incoming?.url, CONSOLE_LOGGER) ?? app.fetch(request, { clientAddress: env.incoming?.socket.remoteAddress } satisfies ConnectionInfo);
  const requestLog = bufferedLines();
  const fetch = options.quiet ? handle : withRequestLog(handle, requestLog.write);
  const limits = settings.connections ?? DEFAULT_CONNECTION_LIMITS;
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, hostname: settings.host, port: settings.port, serverOptions: nodeHttpServerOptions(limits) }, () => resolve(s));
    // node:http closes connections past this at once, before reading anything from them.
    if (limits.maxConnections > 0) s.maxConnections = limits.maxConnections;
  });
  refuseConnect(server, options.quiet ? null : (line) => console.log(line));
  answerClientErrors(server, options.quiet ? null : (line) => console.log(line));
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
        clearInterval(schedulingTimer);
        server.close(() => {
          client.close();
          requestLog.flush();
          resolve();
        });
        // Idle keep-alive connections would otherwise hold the shutdown open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
