// The storage contract on @libsql/client/web (the client the Workers adapter uses for Turso)
// speaking Hrana over HTTP to the local test server in test/support/hrana-server.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client/web';
import { startHranaServer } from '../support/hrana-server.ts';
import { defineStoreContract } from './contract.ts';

defineStoreContract('@libsql/client/web over Hrana HTTP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-hrana-'));
  const server = await startHranaServer({ path: join(dir, 'store.db'), authToken: 'contract-token' });
  const client = createClient({ url: server.url, authToken: 'contract-token' });
  return {
    db: client,
    close: async () => {
      client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
