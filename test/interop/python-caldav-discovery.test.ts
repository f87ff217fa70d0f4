// Discovery as a new user does it with the caldav Python library (python3-caldav): from the bare
// server URL and from /.well-known/caldav, the client must find the principal and calendar home,
// list the calendars, create one and store an event in it (RFC 6764 §5, RFC 5397).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/node-server.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('./python/caldav_discovery.py', import.meta.url).pathname;

describe('python caldav client discovery', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ pat: 'pat-pw' });
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const [label, path, calendar] of [
    ['the bare server URL', '/', 'from-root'],
    ['the well-known URL', '/.well-known/caldav', 'from-well-known'],
  ] as const) {
    it(`works from ${label}`, async () => {
      expect(existsSync(PYTHON)).toBe(true);
      const { stdout } = await run(PYTHON, [SCRIPT, `${server.baseUrl}${path}`, 'pat', 'pat-pw', calendar], { timeout: 60_000 });
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result.principal).toBe(`${server.baseUrl}/dav/principals/user/pat/`);
      expect(result.calendar_home).toBe(`${server.baseUrl}/dav/calendars/user/pat/`);
      expect(result.calendars_before).toEqual(expect.arrayContaining([`${server.baseUrl}/dav/calendars/user/pat/Default/`]));
      expect(result.created).toBe(`${server.baseUrl}/dav/calendars/user/pat/${calendar}/`);
      expect(result.event).toMatch(new RegExp(`^${server.baseUrl}/dav/calendars/user/pat/${calendar}/[^/]+\\.ics$`));
      expect(result.events).toEqual([`disc-${calendar}`]);
    }, 90_000);
  }
});
