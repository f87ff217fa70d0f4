// Opening the database on Node: an embedded libSQL file by default (created with its folder, WAL
// mode, through the native driver with cached statements), any libSQL/Turso URL otherwise, or an
// embedded replica of one (ORRERY_DB_SYNC_URL).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { createStore, migrate, type Store } from '../../src/storage/index.ts';
import { openNativeDb } from './native-db.ts';

export interface DatabaseSettings {
  url: string;
  authToken?: string | undefined;
  syncUrl?: string | undefined;
}

export const DEFAULT_DB_URL = 'file:data/orrery.db';

export async function openDatabase(settings: DatabaseSettings): Promise<{ client: { close(): void }; store: Store }> {
  const url = settings.url;
  const embedded = url.startsWith('file:') && !url.includes(':memory:');
  if (embedded) {
    const path = url.replace(/^file:(\/\/)?/, '');
    mkdirSync(dirname(resolve(path)), { recursive: true });
    if (!settings.syncUrl) {
      const client = openNativeDb(path);
      await migrate(client);
      return { client, store: createStore(client) };
    }
  }
  const client = createClient({
    url,
    ...(settings.authToken ? { authToken: settings.authToken } : {}),
    ...(settings.syncUrl ? { syncUrl: settings.syncUrl } : {}),
    // A second process writing the same file waits instead of failing at once.
    timeout: 5000,
  });
  await migrate(client);
  return { client, store: createStore(client) };
}
