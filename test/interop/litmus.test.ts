// litmus, the WebDAV conformance suite, against a real Node server on the WebDAV file area.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';

const run = promisify(execFile);

describe('litmus (RFC 4918 conformance) on /dav/drive', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-litmus-'));
    server = await startServer(
      { host: '127.0.0.1', port: 0, database: { url: `file:${join(dir, 'litmus.db')}` }, config: parseConfig({ httpmodules: 'caldav webdav' }) },
      { quiet: true, bootstrap: { user: 'litmus', password: 'litmus-pw' } },
    );
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every test of basic, copymove, props, locks and http', async () => {
    const url = `http://127.0.0.1:${server.port}/dav/drive/user/litmus/`;
    const { stdout } = await run('litmus', [url, 'litmus', 'litmus-pw'], { cwd: dir, timeout: 120_000 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    const summaries = [...stdout.matchAll(/summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g)];
    expect(summaries.map((m) => m[1])).toEqual(['basic', 'copymove', 'props', 'locks', 'http']);
    for (const summary of summaries) expect({ suite: summary[1], failed: Number(summary[4]) }).toEqual({ suite: summary[1], failed: 0 });
  }, 180_000);
});
