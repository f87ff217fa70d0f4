// The Node adapter on a real loopback port: startServer() from adapters/node/server.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { defineSmokeSuite } from './smoke.ts';

defineSmokeSuite('Node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-node-'));
  const started = performance.now();
  const server = await startServer(
    { host: '127.0.0.1', port: 0, database: { url: `file:${join(dir, 'orrery.db')}` }, config: parseConfig({}) },
    { quiet: true, bootstrap: { user: 'alice', password: 'node-secret' } },
  );
  console.info(`Node server ready in ${(performance.now() - started).toFixed(0)} ms`);
  return {
    baseUrl: `http://127.0.0.1:${server.port}/`,
    user: 'alice',
    password: 'node-secret',
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
