// Request lines fetch() cannot send, written on a raw socket to a real Node server: an
// absolute-form target with userinfo, a CONNECT and a method node:http does not know each get an
// answer and a log line, never a 500 or a closed connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { rawExchange } from '../support/raw-http.ts';

let server: RunningServer;
let dir: string;
const logged: string[] = [];
const AUTH = `Basic ${Buffer.from('alice:node-secret').toString('base64')}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-request-line-'));
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  // Request log lines go to standard output in batches (adapters/node/line-buffer.ts).
  vi.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => {
    logged.push(...String(text).split('\n').filter((line) => line !== ''));
    return true;
  });
  server = await startServer(
    { host: '127.0.0.1', port: 0, database: { url: `file:${join(dir, 'orrery.db')}` }, config: parseConfig({}) },
    { bootstrap: { user: 'alice', password: 'node-secret' } },
  );
});

afterAll(async () => {
  await server?.close();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const exchange = (raw: string) => rawExchange(server.port, raw);

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);

describe('request lines fetch() cannot send', () => {
  it('answers 400 to an absolute-form target with userinfo (RFC 9110 §4.2.4)', async () => {
    const body = '<propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>';
    for (const credentials of ['', `Authorization: ${AUTH}\r\n`]) {
      const answer = await exchange(
        `PROPFIND http://a:b@127.0.0.1:${server.port}/dav/calendars/user/alice/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${credentials}`
          + `Depth: 0\r\nContent-Type: application/xml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(statusOf(answer)).toBe(400);
      expect(answer).toContain('must not contain a user name or password');
    }
    expect(logged.some((line) => / PROPFIND \/dav\/calendars\/user\/alice\/ 400 /.test(line))).toBe(true);
    expect(logged.join('\n')).not.toContain('a:b@');
  });

  it('still serves an absolute-form target without userinfo', async () => {
    const answer = await exchange(`GET http://127.0.0.1:${server.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    expect(statusOf(answer)).toBe(200);
  });

  it('answers 501 to a method the server does not know (RFC 9110 §15.6.2), body and all, instead of 400 and a reset', async () => {
    const body = 'BEGIN:VCALENDAR\r\n'.repeat(200);
    const answer = await exchange(
      `SCHEDULE /dav/calendars/user/alice/Outbox/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\nContent-Type: text/calendar\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(statusOf(answer)).toBe(501);
    expect(answer).toContain('SCHEDULE is not a method this server implements');
    expect(logged.some((line) => / SCHEDULE \/dav\/calendars\/user\/alice\/Outbox\/ 501 /.test(line))).toBe(true);
    // Other malformed requests keep node:http's own answer.
    expect(statusOf(await exchange('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n'))).toBe(400);
  });

  it('answers 501 to CONNECT instead of closing the connection', async () => {
    const answer = await exchange('CONNECT host:22 HTTP/1.1\r\nHost: host:22\r\n\r\n');
    expect(statusOf(answer)).toBe(501);
    expect(logged.some((line) => / CONNECT host:22 501 /.test(line))).toBe(true);
  });
});
