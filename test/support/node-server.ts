// A real Node server on a loopback port over a temporary database, for the tests that drive
// Orrery with clients nobody here wrote (litmus, tsdav, python caldav, a browser).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { startServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { createStore, migrate } from '../../src/storage/index.ts';
import { addUser } from '../../src/users.ts';

export interface TestServer {
  baseUrl: string;
  port: number;
  /** The temporary folder holding the database; a good working directory for tools. */
  dir: string;
  close(): Promise<void>;
}

/** Starts a server with these users (name → password) and configuration options. */
export async function startTestServer(users: Record<string, string>, entries: Record<string, string> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-server-'));
  const url = `file:${join(dir, 'orrery.db')}`;
  const setup = createClient({ url });
  await migrate(setup);
  const store = createStore(setup);
  for (const [name, password] of Object.entries(users)) await addUser(store, name, password, `${name}@example.com`, Date.now());
  setup.close();
  const server = await startServer({ host: '127.0.0.1', port: 0, database: { url }, config: parseConfig(entries) }, { quiet: true });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    port: server.port,
    dir,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
