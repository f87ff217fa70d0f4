// Opening the database on Node: an embedded libSQL file by default (created with its folder,
// WAL mode), any libSQL/Turso URL otherwise, or an embedded replica of one (ORRERY_DB_SYNC_URL).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { createStore, migrate, type Store } from '../../src/storage/index.ts';

export interface DatabaseSettings {
  url: string;
  authToken?: string | undefined;
  syncUrl?: string | undefined;
}

export const DEFAULT_DB_URL = 'file:data/orrery.db';

export async function openDatabase(settings: DatabaseSettings): Promise<{ client: Client; store: Store }> {
  const url = settings.url;
  if (url.startsWith('file:') && !url.includes(':memory:')) {
    const path = url.replace(/^file:(\/\/)?/, '');
    mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const client = createClient({
    url,
    ...(settings.authToken ? { authToken: settings.authToken } : {}),
    ...(settings.syncUrl ? { syncUrl: settings.syncUrl } : {}),
    // A second process writing the same file waits instead of failing at once.
    timeout: 5000,
    // The native binding runs each statement and batch synchronously, so one connection serves
    // every request; it also lets the per-connection PRAGMAs below hold for all of them.
    concurrency: 1,
  });
  if (url.startsWith('file:') && !url.includes(':memory:')) {
    await client.execute('PRAGMA journal_mode = WAL');
    // WAL with synchronous=NORMAL stays consistent after a crash; it can lose only the last
    // commits on power loss, and is several times faster than FULL for small writes.
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  await migrate(client);
  return { client, store: createStore(client) };
}
