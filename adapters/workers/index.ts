// The Cloudflare Workers adapter: configuration from vars and secrets, storage on a remote
// libSQL/Turso database (ORRERY_DB) or a D1 binding (DB), set up once per isolate.
import { createClient } from '@libsql/client/web';
import type { ExecutionContext, Hono } from 'hono';
import { createApp } from '../../src/app.ts';
import { configEntriesFromEnv, parseConfig } from '../../src/config.ts';
import { CONSOLE_LOGGER as LOGGER, withRequestLog } from '../../src/http/console-log.ts';
import type { ConnectionInfo } from '../../src/http/client-address.ts';
import { createStore, migrate, type DbClient } from '../../src/storage/index.ts';
import { ensureBootstrapUser } from '../../src/users.ts';
import { d1Client, type D1Database } from './d1-client.ts';
import { processOutbox, type OutboxDeps } from '../../src/scheduling/imip/queue.ts';
import { processSchedulingJobs } from '../../src/scheduling/jobs.ts';
import { processPushDeliveries } from '../../src/push/delivery.ts';
import { chooseTransport } from '../../src/scheduling/imip/transport.ts';

export interface WorkerEnv {
  /** D1 binding, used when ORRERY_DB is not set. */
  DB?: D1Database;
  /** libsql:// or https:// URL of a libSQL server (Turso); takes precedence over DB. */
  ORRERY_DB?: string;
  ORRERY_DB_AUTH_TOKEN?: string;
  ORRERY_BOOTSTRAP_USER?: string;
  ORRERY_BOOTSTRAP_PASSWORD?: string;
  [variable: string]: unknown;
}

interface Instance {
  app: Hono;
  outbox: OutboxDeps;
}

// One app per isolate. Setting it up (migrations, bootstrap user) needs I/O, which Workers allow
// only inside a request, so the first request starts it and later ones await the same promise.
let ready: Promise<Instance> | undefined;

function instance(env: WorkerEnv): Promise<Instance> {
  ready ??= setUp(env).catch((error: unknown) => {
    ready = undefined; // let the next request try again rather than fail forever
    throw error;
  });
  return ready;
}

export default {
  fetch: withRequestLog(async (request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> => {
    // Cloudflare's edge sets CF-Connecting-IP to the peer address; a client cannot override it.
    const connection: ConnectionInfo = { clientAddress: request.headers.get('cf-connecting-ip') ?? undefined };
    return (await instance(env)).app.fetch(request, { ...env, ...connection }, ctx);
  }),
  /**
   * The cron trigger in wrangler.toml delivers scheduling messages an interrupted request left
   * behind, then retries queued iMIP messages (the webhook transport) and push messages.
   */
  async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { outbox } = await instance(env);
    ctx.waitUntil(processSchedulingJobs(outbox, Date.now()).then(() => processOutbox(outbox, Date.now())));
    // WebDAV-Push retries, and messages no request's waitUntil got to send.
    ctx.waitUntil(processPushDeliveries({ store: outbox.store, config: outbox.config, logger: LOGGER, now: Date.now }, Date.now()));
  },
};

async function setUp(env: WorkerEnv): Promise<Instance> {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') strings[key] = value;
  const config = parseConfig(configEntriesFromEnv(strings), 'Worker variables');
  const db = openDatabase(env);
  // Idempotent: migrate() skips versions recorded in schema_migrations, so isolates racing each
  // other on a fresh database are harmless.
  await migrate(db);
  const store = createStore(db);
  try {
    if (await ensureBootstrapUser(store, env.ORRERY_BOOTSTRAP_USER, env.ORRERY_BOOTSTRAP_PASSWORD, Date.now())) {
      LOGGER.info(`Created user ${env.ORRERY_BOOTSTRAP_USER} from ORRERY_BOOTSTRAP_USER`);
    }
  } catch (error) {
    // Isolates starting together on a fresh database race to create the user; losing is fine.
    if (!env.ORRERY_BOOTSTRAP_USER || !(await store.users.get(env.ORRERY_BOOTSTRAP_USER))) throw error;
  }
  const transport = chooseTransport(config, null);
  return { app: createApp(config, store, { logger: LOGGER, transport }), outbox: { store, config, logger: LOGGER, transport } };
}

function openDatabase(env: WorkerEnv): DbClient {
  if (env.ORRERY_DB) {
    return createClient({ url: env.ORRERY_DB, ...(env.ORRERY_DB_AUTH_TOKEN ? { authToken: env.ORRERY_DB_AUTH_TOKEN } : {}) });
  }
  if (env.DB) return d1Client(env.DB);
  throw new Error('No database: set ORRERY_DB (a libSQL/Turso URL) or bind a D1 database as DB');
}
