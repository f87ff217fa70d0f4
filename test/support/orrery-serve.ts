// A real `orrery serve` process (bin/orrery.js) on a free loopback port over a temporary database
// holding the given users, for end-to-end tests that need the command line and the Node adapter
// exactly as deployed. (test/support/node-server.ts starts the same server inside the test process.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createStore, migrate } from '../../src/storage/index.ts';
import { addUser } from '../../src/users.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from './processes.ts';

export interface OrreryServe extends ServerProcess {
  /** http://127.0.0.1:PORT, without a trailing slash (baseUrl has one). */
  origin: string;
  /** The temporary folder holding the database; removed by stop() and kill(). */
  dir: string;
  /** The database URL (file:…), for tests that look at what the server stored. */
  db: string;
}

/**
 * Starts `orrery serve` with these users (name → password, address name@example.com) and ORRERY_*
 * variables; `env` may be a function of the origin for options that name the server's own URL.
 */
export async function startOrreryServe(
  users: Record<string, string>,
  env: Record<string, string> | ((origin: string) => Record<string, string>) = {},
): Promise<OrreryServe> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-serve-'));
  const db = `file:${join(dir, 'orrery.db')}`;
  const setup = createClient({ url: db });
  try {
    await migrate(setup);
    const store = createStore(setup);
    for (const [name, password] of Object.entries(users)) await addUser(store, name, password, `${name}@example.com`, Date.now());
  } finally {
    setup.close();
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let server: ServerProcess;
  try {
    server = await startProcess({
      command: process.execPath,
      args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', db],
      cwd: ROOT,
      env: typeof env === 'function' ? env(origin) : env,
      baseUrl: `${origin}/`,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  return {
    ...server,
    origin,
    dir,
    db,
    stop: async () => {
      const code = await server.stop();
      removeDir();
      return code;
    },
    kill: async () => {
      await server.kill();
      removeDir();
    },
  };
}
