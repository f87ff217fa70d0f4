// The storage contract on @libsql/client over a local file (Deno's default; Node uses it for replicas).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { defineStoreContract } from './contract.ts';

defineStoreContract('native libSQL (file:)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-store-'));
  const client = createClient({ url: `file:${join(dir, 'store.db')}` });
  return {
    db: client,
    close: async () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
