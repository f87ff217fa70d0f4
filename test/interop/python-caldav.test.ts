// The caldav Python library (python3-caldav) against a real Node server: principal discovery,
// calendars, events and todos, date_search with and without expansion, sync tokens, free-busy.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/node-server.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

describe('python caldav client', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ pat: 'pat-pw' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('discovers, stores, searches, syncs and queries free-busy', async () => {
    expect(existsSync(PYTHON)).toBe(true);
    const script = new URL('./python/caldav_client.py', import.meta.url).pathname;
    const { stdout } = await run(PYTHON, [script, `${server.baseUrl}/`, 'pat', 'pat-pw'], { timeout: 60_000 });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result.principal).toMatch(/\/dav\/principals\/user\/pat\/$/);
    expect(result.calendars).toEqual(expect.arrayContaining([expect.stringMatching(/\/python\/$/), expect.stringMatching(/\/Default\/$/)]));
    expect(result.date_search).toEqual(['py-single', 'py-weekly']);
    // The weekly series has one instance in the week: 2026-03-09 09:00 Berlin = 08:00Z.
    expect(result.expanded_starts).toEqual(['2026-03-05 10:00:00+00:00', '2026-03-09 08:00:00+00:00']);
    expect(result.todos).toEqual(['py-todo']);
    expect(result.initial_sync).toBe(3);
    expect(result.incremental_sync).toHaveLength(1);
    expect(result).not.toHaveProperty('freebusy_error');
  }, 90_000);
});
