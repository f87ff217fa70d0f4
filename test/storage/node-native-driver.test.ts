// The storage contract on the Node adapter's own client: the native libSQL driver with cached
// prepared statements (adapters/node/native-db.ts), which is what `npm start` uses for a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNativeDb } from '../../adapters/node/native-db.ts';
import { defineStoreContract } from './contract.ts';

defineStoreContract('Node native driver (cached statements)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-store-'));
  const client = openNativeDb(join(dir, 'store.db'));
  return {
    db: client,
    close: async () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
