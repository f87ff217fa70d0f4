// Connection limits on real server processes (ORRERY_HEADERS_TIMEOUT, ORRERY_REQUEST_TIMEOUT,
// ORRERY_KEEPALIVE_TIMEOUT, ORRERY_MAX_CONNECTIONS), driven over raw sockets: clients that trickle
// their headers or body a byte at a time, or connect and send nothing, are closed within the
// configured time; connections past the cap are closed unanswered; an ordinary client is answered
// throughout. Both the Node and the Deno adapter serve through node:http and must pass the same cases.
// Short timeouts are configured so that each case takes a few seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, startProcess, type ServerProcess } from '../support/processes.ts';

const USER = 'alice';
const PASSWORD = 'limits-secret';
const HEADERS_TIMEOUT_S = 2;
const REQUEST_TIMEOUT_S = 3;
const KEEPALIVE_TIMEOUT_S = 1;
const MAX_CONNECTIONS = 30;

interface Watched {
  socket: net.Socket;
  data: string;
  closedAfterMs?: number;
  closed: Promise<void>;
}

/** A raw connection, recording what it receives and when the server closes it. */
function connect(port: number): Watched {
  const started = performance.now();
  const socket = net.connect(port, '127.0.0.1');
  const watched: Watched = { socket, data: '', closed: Promise.resolve() };
  socket.on('data', (chunk: Buffer) => (watched.data += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  watched.closed = new Promise((resolve) => socket.on('close', () => {
    watched.closedAfterMs = performance.now() - started;
    resolve();
  }));
  return watched;
}

/** Sends `text` a byte every 250 ms until the server closes the connection. */
function trickle(watched: Watched, text: string): void {
  let i = 0;
  const timer = setInterval(() => {
    if (watched.socket.destroyed || i >= text.length) return clearInterval(timer);
    watched.socket.write(text[i++]!);
  }, 250);
  watched.socket.on('close', () => clearInterval(timer));
}

const SLOW_HEADERS = `PROPFIND / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`;
const SLOW_BODY_HEAD =
  'PUT /dav/calendars/user/alice/Default/slow.ics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/calendar\r\nContent-Length: 100000\r\n' +
  `Authorization: Basic ${btoa(`${USER}:${PASSWORD}`)}\r\n\r\n`;

/** One ordinary request on a connection of its own. */
function ordinaryRequest(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/dav/calendars/user/alice/', method: 'PROPFIND', agent: false, headers: { Depth: '0', Authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}` } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** Ordinary requests one after another until `until` settles; their statuses. */
async function ordinaryClient(port: number, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const statuses: number[] = [];
  while (!done) {
    statuses.push(await ordinaryRequest(port).catch(() => 0));
    await new Promise((r) => setTimeout(r, 100));
  }
  return statuses;
}

function limitsEnv(): Record<string, string> {
  return {
    ORRERY_BOOTSTRAP_USER: USER,
    ORRERY_BOOTSTRAP_PASSWORD: PASSWORD,
    ORRERY_HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S),
    ORRERY_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S),
    ORRERY_KEEPALIVE_TIMEOUT: String(KEEPALIVE_TIMEOUT_S),
    ORRERY_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  };
}

const startedWith408 = (w: Watched) => w.data.startsWith('HTTP/1.1 408');

/** The cases both adapters must pass: they serve through node:http with the same settings. */
function limitCases(portOf: () => number): void {
  it('clients trickling headers, trickling a body, or sending nothing get 408 and are closed within their timeouts; an ordinary client is answered meanwhile', async () => {
    const slowHeaders = Array.from({ length: 4 }, () => connect(portOf()));
    slowHeaders.forEach((w) => trickle(w, SLOW_HEADERS));
    const slowBodies = Array.from({ length: 4 }, () => connect(portOf()));
    slowBodies.forEach((w) => {
      w.socket.write(SLOW_BODY_HEAD);
      trickle(w, 'x'.repeat(100_000));
    });
    const silent = Array.from({ length: 4 }, () => connect(portOf()));
    const all = [...slowHeaders, ...slowBodies, ...silent];
    const statuses = await ordinaryClient(portOf(), Promise.all(all.map((w) => w.closed)));

    for (const w of [...slowHeaders, ...silent]) {
      expect(startedWith408(w), w.data).toBe(true);
      expect(w.closedAfterMs).toBeGreaterThan(HEADERS_TIMEOUT_S * 1000 - 300);
    }
    for (const w of slowBodies) {
      expect(startedWith408(w), w.data).toBe(true);
      expect(w.closedAfterMs).toBeGreaterThan(REQUEST_TIMEOUT_S * 1000 - 300);
    }
    // No upper bounds on the times: a server that never closed them would time the test out.
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([207]));
  }, 30_000);

  it('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
    const w = connect(portOf());
    w.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await w.closed;
    expect(w.data).toMatch(/^HTTP\/1\.1 200 /);
    expect(w.closedAfterMs).toBeGreaterThan(KEEPALIVE_TIMEOUT_S * 1000 - 300);
  }, 15_000);

  it('connections past ORRERY_MAX_CONNECTIONS are closed at once and unanswered; the server answers again once they are gone', async () => {
    const held = Array.from({ length: MAX_CONNECTIONS }, () => connect(portOf()));
    await Promise.all(held.map((w) => new Promise((r) => w.socket.once('connect', r))));
    await new Promise((r) => setTimeout(r, 300));
    const extra = Array.from({ length: 5 }, () => connect(portOf()));
    await Promise.all(extra.map((w) => w.closed));
    for (const w of extra) {
      expect(w.data).toBe('');
      expect(w.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_S * 1000);
    }
    // The connections within the cap were kept: the server closes them only at the headers timeout.
    expect(held.every((w) => w.closedAfterMs === undefined)).toBe(true);
    await Promise.all(held.map((w) => w.closed));
    expect(held.every(startedWith408)).toBe(true);
    expect(await ordinaryRequest(portOf())).toBe(207);
  }, 30_000);
}

describe('Node: connection limits', () => {
  let dir: string;
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-limits-'));
    port = await freePort();
    server = await startProcess({
      command: process.execPath,
      args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', `file:${join(dir, 'orrery.db')}`],
      cwd: ROOT,
      env: limitsEnv(),
      baseUrl: `http://127.0.0.1:${port}/`,
    });
    // Provisions alice's calendars, and lets the readiness probe's kept-alive connection expire.
    expect(await ordinaryRequest(port)).toBe(207);
    await new Promise((r) => setTimeout(r, (KEEPALIVE_TIMEOUT_S + 1) * 1000));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  limitCases(() => port);
});

describe('Deno: connection limits', () => {
  let dir: string;
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-limits-deno-'));
    port = await freePort();
    server = await startProcess({
      command: join(ROOT, 'node_modules/.bin/deno'),
      args: ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-ffi', '--allow-sys', 'adapters/deno/main.ts'],
      cwd: ROOT,
      env: { ...limitsEnv(), DENO_NO_UPDATE_CHECK: '1', ORRERY_HOST: '127.0.0.1', ORRERY_PORT: String(port), ORRERY_DB: `file:${join(dir, 'orrery.db')}` },
      baseUrl: `http://127.0.0.1:${port}/`,
    });
    // Provisions alice's calendars, and lets the readiness probe's kept-alive connection expire.
    expect(await ordinaryRequest(port)).toBe(207);
    await new Promise((r) => setTimeout(r, (KEEPALIVE_TIMEOUT_S + 1) * 1000));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  limitCases(() => port);
});
