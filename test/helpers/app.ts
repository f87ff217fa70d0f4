// The real app over a real libSQL database in a temporary file, with test users, and a request
// helper that reports the response body when a status does not match.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { createApp, type AppOptions } from '../../src/app.ts';
import { parseConfig, type AppConfig } from '../../src/config.ts';
import { createStore, migrate, type Store } from '../../src/storage/index.ts';
import { addUser } from '../../src/users.ts';

export const PASSWORD = 'secret-password';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  store: Store;
  client: Client;
  config: AppConfig;
  dbUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  close(): void;
}

export interface RequestOptions {
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** User to authenticate as; null for anonymous. Default "alice". */
  user?: string | null;
  password?: string;
  expect?: number;
}

export async function makeTestApp(entries: Record<string, string> = {}, users = ['alice', 'bob', 'carol'], options: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-test-'));
  const dbUrl = `file:${join(dir, 'test.db')}`;
  const client = createClient({ url: dbUrl });
  await migrate(client);
  const store = createStore(client);
  const config = parseConfig({ httpmodules: 'caldav freebusy tzdist webdav', ...entries });
  for (const user of users) await addUser(store, user, PASSWORD, `${user}@example.com`, Date.UTC(2026, 0, 1));
  const app = createApp(config, store, options);
  return {
    app,
    store,
    client,
    config,
    dbUrl,
    async request(method, path, options = {}) {
      const headers = new Headers(options.headers);
      const user = options.user === undefined ? 'alice' : options.user;
      if (user !== null) headers.set('Authorization', `Basic ${btoa(`${user}:${options.password ?? PASSWORD}`)}`);
      const response = await app.fetch(new Request(`http://orrery.test${path}`, { method, headers, body: (options.body ?? null) as BodyInit | null }));
      if (options.expect !== undefined && response.status !== options.expect) {
        const text = await response.clone().text();
        throw new Error(`${method} ${path}: expected ${options.expect}, got ${response.status}\n${text}`);
      }
      return response;
    },
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function ics(lines: string[]): string {
  return `${['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR'].join('\r\n')}\r\n`;
}

export function event(uid: string, start = '20260110T100000Z', end = '20260110T110000Z', extra: string[] = []): string {
  return ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:Event ${uid}`, ...extra, 'END:VEVENT']);
}
