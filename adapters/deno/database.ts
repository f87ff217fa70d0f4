// Opening the database on Deno: an embedded file by default, through the native libSQL driver as on
// Node; any libSQL/Turso URL otherwise, or an embedded replica of one (ORRERY_DB_SYNC_URL), through
// @libsql/client.
import { createClient } from '@libsql/client';
import { createStore, migrate, type Store } from '../../src/storage/index.ts';
import type { DenoSettings } from './settings.ts';
import { openNativeDb } from '../node/native-db.ts';

export async function openDatabase(settings: DenoSettings['database']): Promise<{ client: { close(): void }; store: Store }> {
  const url = settings.url;
  const isFile = url.startsWith('file:') && !url.includes(':memory:');
  if (isFile) {
    const path = url.replace(/^file:(\/\/)?/, '');
    const slash = path.lastIndexOf('/');
    if (slash > 0) Deno.mkdirSync(path.slice(0, slash), { recursive: true });
  }
  if (isFile && !settings.syncUrl) {
    // The driver Node uses for a file, with its cached statements and shared commits: the same
    // npm package @libsql/client would load, without preparing every statement afresh.
    const client = openNativeDb(url.replace(/^file:(\/\/)?/, ''));
    await migrate(client);
    return { client, store: createStore(client) };
  }
  const client = createClient({
    url,
    ...(settings.authToken ? { authToken: settings.authToken } : {}),
    ...(settings.syncUrl ? { syncUrl: settings.syncUrl } : {}),
    // As on Node: another process writing the same file is waited for, and one connection serves
    // every request because the native binding runs statements synchronously anyway.
    timeout: 5000,
    concurrency: 1,
  });
  if (isFile) {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  await migrate(client);
  return { client, store: createStore(client) };
}
