// The Deno adapter: the app served through Deno's node:http (with @hono/node-server, as on Node),
// migrations and the bootstrap user at start, one log line per request, graceful shutdown on
// SIGTERM/SIGINT. node:http rather than Deno.serve because only it has the header, request and
// keep-alive timeouts and the connection cap (src/http/connection-limits.ts); Deno 2.9's
// node:http enforces them as Node does.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createApp } from '../../src/app.ts';
import { ConfigError } from '../../src/config.ts';
import { CONSOLE_LOGGER as LOGGER, withRequestLog } from '../../src/http/console-log.ts';
import type { ConnectionInfo } from '../../src/http/client-address.ts';
import { ensureBootstrapUser, UserAdminError } from '../../src/users.ts';
import { openDatabase } from './database.ts';
import { nodeHttpServerOptions } from '../../src/http/connection-limits.ts';
import { answerClientErrors, refuseConnect, refuseRequestTarget } from '../node/request-line.ts';
import { loadSettings } from './settings.ts';
import { processOutbox } from '../../src/scheduling/imip/queue.ts';
import { processSchedulingJobs } from '../../src/scheduling/jobs.ts';
import { chooseTransport } from '../../src/scheduling/imip/transport.ts';
import { ischeduleTransport } from '../../src/ischedule/send.ts';
import { denoDns } from './dns.ts';

const DENO_DNS = denoDns();

async function main(): Promise<void> {
  const settings = loadSettings(Deno.env.toObject());
  const { client, store } = await openDatabase(settings.database);
  const { user, password } = settings.bootstrap;
  try {
    if (await ensureBootstrapUser(store, user, password, Date.now())) LOGGER.info(`Created user ${user} from ORRERY_BOOTSTRAP_USER`);
  } catch (error) {
    // Instances starting together on a fresh database race to create the user; losing is fine.
    if (!user || !(await store.users.get(user))) throw error;
  }
  if ((await store.users.list()).length === 0) {
    LOGGER.info('No users yet. Set ORRERY_BOOTSTRAP_USER and ORRERY_BOOTSTRAP_PASSWORD, or add one with:  npx orrery user add alice --db <same database>');
  }
  // Outside attendees get mail through the webhook transport (imip_webhook_url), or iSchedule for
  // peer domains; queued messages are retried every minute.
  const transport = ischeduleTransport(settings.config, chooseTransport(settings.config, null), { dns: DENO_DNS });
  const app = createApp(settings.config, store, { logger: LOGGER, transport, ischeduleDns: DENO_DNS });
  const outbox = { store, config: settings.config, logger: LOGGER, transport };
  const outboxTimer = transport ? setInterval(() => void processOutbox(outbox, Date.now()).catch((error) => LOGGER.error('Outbox run failed', { error: String(error) })), 60_000) : undefined;
  // Scheduling deliveries a previous process left unfinished: now, then every 5 seconds, one run at a time.
  let schedulingRun: Promise<unknown> = Promise.resolve();
  const runScheduling = () => {
    schedulingRun = schedulingRun.then(() => processSchedulingJobs(outbox, Date.now())).catch((error) => LOGGER.error('Scheduling run failed', { error: String(error) }));
  };
  runScheduling();
  const schedulingTimer = setInterval(runScheduling, 5_000);
  // The peer address goes to the app as its env (login throttling counts failures per client).
  const handle = (request: Request, env: { incoming?: { url?: string; socket: { remoteAddress?: string | undefined } } }) =>
    refuseRequestTarget(env.incoming?.url, LOGGER) ?? app.fetch(request, { clientAddress: env.incoming?.socket.remoteAddress } satisfies ConnectionInfo);
  const limits = settings.connections;
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      { fetch: withRequestLog(handle), hostname: settings.host, port: settings.port, serverOptions: nodeHttpServerOptions(limits) },
      ({ address, port }) => {
        console.log(`Orrery listening on http://${address}:${port}/`);
        resolve(s as Server);
      },
    ) as Server;
    // node:http closes connections past this at once, before reading anything from them.
    if (limits.maxConnections > 0) s.maxConnections = limits.maxConnections;
    // CONNECT and methods node:http's parser does not know get a 501 and a log line, as on Node.
    const log = (line: string) => console.log(line);
    refuseConnect(s, log);
    answerClientErrors(s, log);
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Shutting down');
    // close() lets requests in flight finish before the database closes under them; idle
    // kept-alive connections would otherwise hold it open until their timeout.
    clearInterval(outboxTimer);
    clearInterval(schedulingTimer);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    client.close();
    Deno.exit(0);
  };
  Deno.addSignalListener('SIGTERM', stop);
  Deno.addSignalListener('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UserAdminError) console.error(`orrery: ${error.message}`);
  else console.error(error);
  Deno.exit(1);
});
