// litmus, the WebDAV conformance suite, against a real Node server on the WebDAV file area.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/node-server.ts';

const run = promisify(execFile);

describe('litmus (RFC 4918 conformance) on /dav/drive', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ litmus: 'litmus-pw' }, { httpmodules: 'caldav webdav' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('passes every test of basic, copymove, props, locks and http', async () => {
    const url = `${server.baseUrl}/dav/drive/user/litmus/`;
    const { stdout } = await run('litmus', [url, 'litmus', 'litmus-pw'], { cwd: server.dir, timeout: 120_000 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    const summaries = [...stdout.matchAll(/summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g)];
    expect(summaries.map((m) => m[1])).toEqual(['basic', 'copymove', 'props', 'locks', 'http']);
    for (const summary of summaries) expect({ suite: summary[1], failed: Number(summary[4]) }).toEqual({ suite: summary[1], failed: 0 });
  }, 180_000);
});
