// The storage contract on Cloudflare D1 through adapters/workers/d1-client.ts. The D1 binding is
// workerd's own (local D1 on SQLite, as `wrangler dev` runs it), reached from this Node process
// through wrangler's getPlatformProxy() with the binding declared in wrangler.toml.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { d1Client, type D1Database } from '../../adapters/workers/d1-client.ts';
import { defineStoreContract } from './contract.ts';

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

defineStoreContract('Cloudflare D1 (workerd, local)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-d1-'));
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: resolve(import.meta.dirname, '../../wrangler.toml'),
    persist: { path: dir },
  });
  return {
    db: d1Client(proxy.env.DB),
    close: async () => {
      await proxy.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
