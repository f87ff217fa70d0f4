// The caldav Python library (python3-caldav) searching to-dos by date, one per row of RFC 4791
// §9.9's VTODO table, and editing one instance of an organizer-less recurring event.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/node-server.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

async function runScript(server: TestServer, name: string): Promise<Record<string, unknown>> {
  expect(existsSync(PYTHON)).toBe(true);
  const script = new URL(`./python/${name}`, import.meta.url).pathname;
  const { stdout } = await run(PYTHON, [script, `${server.baseUrl}/`, 'pat', 'pat-pw'], { timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('python caldav client: to-do date search and instance edits', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ pat: 'pat-pw' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('finds the to-dos of each §9.9 row that the range holds', async () => {
    const result = await runScript(server, 'caldav_todo_search.py');
    const dated = ['completed-created', 'completed-only', 'created-only', 'due-only', 'start-due', 'start-duration', 'start-only', 'undated'];
    const pending = dated.filter((uid) => !uid.startsWith('completed'));
    expect(result.before).toEqual({ pending: ['undated'], all: ['undated'], date_search: ['undated'] });
    expect(result.overlapping).toEqual({ pending, all: dated, date_search: dated });
    expect(result.after).toEqual({ pending: ['created-only', 'undated'], all: ['created-only', 'undated'], date_search: ['created-only', 'undated'] });
  }, 90_000);

  it('saves an edited occurrence and an added overridden instance', async () => {
    const result = await runScript(server, 'caldav_instance_edit.py');
    expect(result.expanded_has_recurrence_id).toBe(true);
    expect(result.expanded_saved).toBe(true);
    expect(result.override_components).toEqual([false, true]);
    expect(result.override_instance_summaries).toEqual(['Moved (override)']);
  }, 90_000);
});
