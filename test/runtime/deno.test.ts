// The Deno adapter as a real process: `deno run adapters/deno/main.ts` with the deno binary from
// node_modules, configured only through ORRERY_* variables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMultistatus, propText } from '../helpers/multistatus.ts';
import { freePort, ROOT, startProcess } from '../support/processes.ts';
import { rawExchange } from '../support/raw-http.ts';
import { defineSmokeSuite } from './smoke.ts';

const DENO = join(ROOT, 'node_modules/.bin/deno');
const PERMISSIONS = ['--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-ffi', '--allow-sys'];

async function startDeno(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-deno-'));
  const port = await freePort();
  const server = await startProcess({
    command: DENO,
    args: ['run', ...PERMISSIONS, 'adapters/deno/main.ts'],
    cwd: ROOT,
    env: {
      DENO_NO_UPDATE_CHECK: '1',
      ORRERY_HOST: '127.0.0.1',
      ORRERY_PORT: String(port),
      ORRERY_DB: `file:${join(dir, 'orrery.db')}`,
      ORRERY_BOOTSTRAP_USER: 'alice',
      ORRERY_BOOTSTRAP_PASSWORD: 'deno-secret',
      ...env,
    },
    baseUrl: `http://127.0.0.1:${port}/`,
  });
  console.info(`Deno server ready in ${server.startupMs.toFixed(0)} ms`);
  return { server, dir };
}

defineSmokeSuite('Deno', async () => {
  const { server, dir } = await startDeno();
  return {
    baseUrl: server.baseUrl,
    user: 'alice',
    password: 'deno-secret',
    stop: async () => {
      const code = await server.stop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
});

describe('Deno adapter process', () => {
  it('answers CONNECT and a method its HTTP parser does not know with 501 and a log line, as on Node', async () => {
    const { server, dir } = await startDeno();
    try {
      const { port } = new URL(server.baseUrl);
      const connectAnswer = await rawExchange(Number(port), 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
      expect(connectAnswer).toMatch(/^HTTP\/1\.1 501 /);
      const scheduleAnswer = await rawExchange(Number(port), 'SCHEDULE /dav/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
      expect(scheduleAnswer).toMatch(/^HTTP\/1\.1 501 /);
      expect(server.output()).toMatch(/CONNECT 127\.0\.0\.1:22 501 /);
      expect(server.output()).toMatch(/SCHEDULE \/dav\/ 501 /);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads ORRERY_<OPTION> settings, logs one line per request, shuts down cleanly on SIGTERM (exit 0)', async () => {
    const { server, dir } = await startDeno({ ORRERY_CALENDAR_DEFAULT_DISPLAYNAME: 'Deno default' });
    try {
      const response = await fetch(new URL('/dav/calendars/', server.baseUrl), { method: 'PROPFIND', headers: { Depth: '0' } });
      expect(response.status).toBe(401);
      const calendar = await fetch(new URL('/dav/calendars/user/alice/Default/', server.baseUrl), {
        method: 'PROPFIND',
        headers: { Depth: '0', Authorization: `Basic ${btoa('alice:deno-secret')}` },
        body: '<propfind xmlns="DAV:"><prop><displayname/></prop></propfind>',
      });
      expect(propText(parseMultistatus(await calendar.text()).get('/dav/calendars/user/alice/Default/'), '{DAV:}displayname')).toBe('Deno default');
      expect(server.output()).toMatch(/Created user alice from ORRERY_BOOTSTRAP_USER/);
      expect(server.output()).toMatch(/PROPFIND \/dav\/calendars\/ 401 /);
    } finally {
      expect(await server.stop()).toBe(0);
      expect(server.output()).toMatch(/Shutting down/);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown ORRERY_ option at start with a message naming it', async () => {
    await expect(startDeno({ ORRERY_NO_SUCH_OPTION: 'x' })).rejects.toThrow(/unknown option "no_such_option"/);
  });
});
