// The Deno adapter: Deno.serve over the app, migrations and the bootstrap user at start, one log
// line per request, graceful shutdown on SIGTERM/SIGINT.
import { createApp } from '../../src/app.ts';
import { ConfigError } from '../../src/config.ts';
import type { Logger } from '../../src/dav/context.ts';
import { ensureBootstrapUser, UserAdminError } from '../../src/users.ts';
import { openDatabase } from './database.ts';
import { loadSettings } from './settings.ts';

const LOGGER: Logger = {
  info: (message, fields) => console.log(fields ? `${message} ${JSON.stringify(fields)}` : message),
  error: (message, fields) => console.error(fields ? `${message} ${JSON.stringify(fields)}` : message),
};

async function main(): Promise<void> {
  const settings = loadSettings(Deno.env.toObject());
  const { client, store } = await openDatabase(settings.database);
  if (await ensureBootstrapUser(store, settings.bootstrap.user, settings.bootstrap.password, Date.now())) {
    LOGGER.info(`Created user ${settings.bootstrap.user} from ORRERY_BOOTSTRAP_USER`);
  }
  if ((await store.users.list()).length === 0) {
    LOGGER.info('No users yet. Set ORRERY_BOOTSTRAP_USER and ORRERY_BOOTSTRAP_PASSWORD, or add one with:  npx orrery user add alice --db <same database>');
  }
  const app = createApp(settings.config, store, { logger: LOGGER });
  const server = Deno.serve(
    {
      hostname: settings.host,
      port: settings.port,
      onListen: ({ hostname, port }) => console.log(`Orrery listening on http://${hostname}:${port}/`),
    },
    async (request) => {
      const started = performance.now();
      const response = await app.fetch(request);
      const url = new URL(request.url);
      console.log(`${new Date().toISOString()} ${request.method} ${url.pathname}${url.search} ${response.status} ${(performance.now() - started).toFixed(1)}ms`);
      return response;
    },
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Shutting down');
    // shutdown() lets requests in flight finish before the database closes under them.
    await server.shutdown();
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
