// Small benchmark helpers: a target server (given by URL, or started in-process on a temporary
// database), timing with percentiles, a fixed-concurrency runner, and the server's memory and files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../adapters/node/server.ts';
import { parseConfig } from '../src/config.ts';

export interface Target {
  baseUrl: string;
  user: string;
  auth: string;
  close(): Promise<void>;
}

export function benchArgs(extra: Record<string, { type: 'string' | 'boolean' }> = {}) {
  return parseArgs({
    options: { url: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' }, events: { type: 'string' }, concurrency: { type: 'string' }, ...extra },
  }).values as Record<string, string | undefined>;
}

/** A server to measure: the one at --url, or a fresh in-process Node server on a temporary file. */
export async function openTarget(args: Record<string, string | undefined>): Promise<Target> {
  if (args.url) {
    const user = args.user ?? 'bench';
    return { baseUrl: args.url.replace(/\/$/, ''), user, auth: basic(user, args.password ?? 'bench'), close: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'orrery-bench-'));
  const server = await startServer(
    { host: '127.0.0.1', port: 0, database: { url: `file:${join(dir, 'bench.db')}` }, config: parseConfig({}) },
    { quiet: true, bootstrap: { user: 'bench', password: 'bench' } },
  );
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    user: 'bench',
    auth: basic('bench', 'bench'),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

// node:http with keep-alive rather than fetch: on a 2-core machine the load generator shares the
// CPU with the server, and fetch spends about twice as much of it per request.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** One request over a kept-alive connection; resolves once the whole body has arrived. */
export async function httpRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpResult> {
  try {
    return await send(baseUrl, method, path, headers, body);
  } catch (error) {
    // The server may close an idle kept-alive connection just as it is reused: send again, once,
    // on a fresh one (the retry Node's documentation recommends for reused sockets).
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
      return send(baseUrl, method, path, headers, body);
    }
    throw error;
  }
}

function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpResult> {
  const url = new URL(path, baseUrl);
  const transport = url.protocol === 'https:' ? https : http;
  const allHeaders = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method, headers: allHeaders, agent: agents[url.protocol as keyof typeof agents] }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(body);
  });
}

/** Resolves once the server at baseUrl answers; throws when it does not within 30 s or `gone()` says it exited. */
export async function waitForServer(baseUrl: string, gone: () => boolean = () => false): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await httpRequest(baseUrl, 'GET', '/', {});
      return;
    } catch (error) {
      if (attempt > 300 || gone()) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Lets the process exit once the run is over (kept-alive sockets would hold it open). */
export function closeConnections(): void {
  for (const agent of Object.values(agents)) agent.destroy();
}

export async function timeIt<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

export function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

/** Runs `count` tasks with `concurrency` workers (task i is run by client `worker`); returns requests per second and latencies. */
export async function runConcurrent(count: number, concurrency: number, task: (i: number, worker: number) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i, worker);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), latencies };
}

/**
 * Resident (RSS) and proportional (PSS) memory of a process in MiB, from /proc/<pid>/smaps_rollup
 * (Linux 4.14+). PSS counts each shared page divided among the processes sharing it, so it is what
 * the process adds to the machine; RSS counts shared libraries whole.
 */
export function processMemoryMiB(pid: number): { rss: number; pss: number } {
  let rollup: string;
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    // The process is gone (`wrangler dev` restarts workerd when a source file changes): no sample.
    return { rss: NaN, pss: NaN };
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return { rss: kib('Rss') / 1024, pss: kib('Pss') / 1024 };
}

/**
 * CPU time the processes have used so far, in milliseconds: every thread's time on a core, from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds), so that the work of helper threads (the garbage
 * collector's, for one) counts too. NaN when a process cannot be read. Taken around a row of the bench, it
 * gives the server's CPU per request, which a busy machine moves far less than latency: waiting for
 * a core is not counted. Time of threads that exit within the row is lost; the servers measured
 * here keep theirs.
 */
export function processCpuMs(pids: readonly number[]): number {
  let nanoseconds = 0;
  for (const pid of pids) {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      }
    } catch {
      return NaN;
    }
  }
  return nanoseconds / 1e6;
}

/** Size in MiB of a file, 0 when it does not exist (a WAL that was checkpointed and removed). */
export function fileSizeMiB(path: string): number {
  try {
    return statSync(path).size / 1048576;
  } catch {
    return 0;
  }
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function report(label: string, fields: Record<string, number | string>): void {
  const rendered = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(v < 10 ? 2 : 0) : v}`);
  console.log(`${label.padEnd(34)} ${rendered.join('  ')}`);
}
