// The Workers adapter under `wrangler dev --local` on a remote libSQL database (the Turso path):
// ORRERY_DB points @libsql/client/web at the local Hrana test server, with an auth token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { startHranaServer, type HranaServer } from '../support/hrana-server.ts';
import type { ServerProcess } from '../support/processes.ts';
import { startWranglerDev } from '../support/wrangler.ts';
import { defineSmokeSuite } from './smoke.ts';

const USER = 'bob';
const PASSWORD = 'turso-secret';
const dir = mkdtempSync(join(tmpdir(), 'orrery-workers-libsql-'));
const dbPath = join(dir, 'orrery.db');
let running: Promise<{ worker: ServerProcess; hrana: HranaServer }> | undefined;

function servers() {
  running ??= (async () => {
    const hrana = await startHranaServer({ path: dbPath, authToken: 'test-token' });
    const worker = await startWranglerDev({
      ORRERY_DB: hrana.url,
      ORRERY_DB_AUTH_TOKEN: 'test-token',
      ORRERY_BOOTSTRAP_USER: USER,
      ORRERY_BOOTSTRAP_PASSWORD: PASSWORD,
    });
    console.info(`wrangler dev (libSQL over HTTP) ready in ${worker.startupMs.toFixed(0)} ms`);
    return { worker, hrana };
  })();
  return running;
}

afterAll(async () => {
  const started = await running;
  await started?.worker.stop();
  await started?.hrana.close();
  rmSync(dir, { recursive: true, force: true });
});

defineSmokeSuite('Workers with libSQL over HTTP (Turso path)', async () => ({
  baseUrl: (await servers()).worker.baseUrl,
  user: USER,
  password: PASSWORD,
  mkcalendarOverride: true,
  stop: async () => undefined,
}));

describe('Workers with ORRERY_DB', () => {
  it('stores in the libSQL database, not in D1: a calendar created through the Worker is a row of the served file', async () => {
    const { worker } = await servers();
    const path = `/dav/calendars/user/${USER}/stored-remotely/`;
    const response = await fetch(new URL(path, worker.baseUrl), {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}`, 'X-HTTP-Method-Override': 'MKCALENDAR' },
    });
    expect(response.status).toBe(201);
    const db = new Database(dbPath);
    try {
      expect(db.prepare('SELECT kind FROM collections WHERE path = ?').get(path)).toMatchObject({ kind: 'calendar' });
    } finally {
      db.close();
    }
  });
});
