// The Node adapter: serves the app with @hono/node-server, one log line per request, graceful
// shutdown on SIGTERM/SIGINT.
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import type { Logger } from '../../src/dav/context.ts';
import { ensureBootstrapUser } from '../../src/users.ts';
import { openDatabase } from './database.ts';
import type { NodeSettings } from './settings.ts';

export const CONSOLE_LOGGER: Logger = {
  info: (message, fields) => console.log(fields ? `${message} ${JSON.stringify(fields)}` : message),
  error: (message, fields) => console.error(fields ? `${message} ${JSON.stringify(fields)}` : message),
};

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startServer(settings: NodeSettings, options: { quiet?: boolean; bootstrap?: { user?: string; password?: string } } = {}): Promise<RunningServer> {
  const { client, store } = await openDatabase(settings.database);
  if (await ensureBootstrapUser(store, options.bootstrap?.user, options.bootstrap?.password, Date.now())) {
    CONSOLE_LOGGER.info(`Created user ${options.bootstrap!.user} from ORRERY_BOOTSTRAP_USER`);
  }
  const app = createApp(settings.config, store, { logger: CONSOLE_LOGGER });
  const fetch = options.quiet
    ? app.fetch
    : async (request: Request) => {
        const started = performance.now();
        const response = await app.fetch(request);
        const url = new URL(request.url);
        console.log(`${new Date().toISOString()} ${request.method} ${url.pathname}${url.search} ${response.status} ${(performance.now() - started).toFixed(1)}ms`);
        return response;
      };
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          client.close();
          resolve();
        });
        // Idle keep-alive connections would otherwise hold the shutdown open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
