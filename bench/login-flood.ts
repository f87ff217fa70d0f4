// Logins of valid users while a flood of bad ones comes in from many client addresses. Starts
// `orrery serve` as its own process on a temporary database with the users it needs (a signed-in
// user, and fresh users whose first login needs a password check), then measures for --seconds:
//   1. the signed-in user's requests per second and latency, alone;
//   2. the same while --flood concurrent clients send wrong passwords for random user names, each
//      request from another loopback address (127.0.0.2 and up), so that per-address lockouts
//      alone do not stop them;
//   3. how long the fresh users' first logins take during the flood.
// Usage: npx tsx bench/login-flood.ts [--seconds 10] [--flood 32] [--fresh 20] [--concurrency 4]
// (ORRERY_<OPTION> variables are passed on to the server.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@libsql/client';
import { createStore, migrate } from '../src/storage/index.ts';
import { addUser } from '../src/users.ts';
import { basic, closeConnections, httpRequest, percentiles, report, waitForServer } from './lib.ts';

const args = parseArgs({ options: { seconds: { type: 'string' }, flood: { type: 'string' }, fresh: { type: 'string' }, concurrency: { type: 'string' } } }).values;
const SECONDS = Number(args.seconds ?? 10);
const FLOOD = Number(args.flood ?? 32);
const FRESH = Number(args.fresh ?? 20);
const CONCURRENCY = Number(args.concurrency ?? 4);
const PORT = 18000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;
const HOME = '/dav/calendars/user/bench/';

const dir = mkdtempSync(join(tmpdir(), 'orrery-login-bench-'));
const db = `file:${join(dir, 'bench.db')}`;
const setup = createClient({ url: db });
await migrate(setup);
const store = createStore(setup);
await addUser(store, 'bench', 'bench', null, Date.now());
for (let i = 0; i < FRESH; i++) await addUser(store, `fresh-${i}`, `fresh-${i}`, null, Date.now());
setup.close();

const server = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(PORT), '--db', db], {
  // ORRERY_* settings of the bench's environment reach the server (e.g. ORRERY_PASSWORD_CHECK_CONCURRENCY=0 to compare).
  env: { PATH: process.env.PATH ?? '', ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ORRERY_'))) },
  stdio: 'ignore',
});
try {
  await waitForServer(BASE, () => server.exitCode !== null);
  const signedIn = { Authorization: basic('bench', 'bench'), Depth: '0' };
  if ((await httpRequest(BASE, 'PROPFIND', HOME, signedIn)).status !== 207) throw new Error('the bench user cannot sign in');

  const alone = await signedInLoad(signedIn);
  report('signed-in user, alone', alone);

  let stop = false;
  const floodStatuses = new Map<number, number>();
  let floodSent = 0;
  const flooders = Array.from({ length: FLOOD }, async (_, worker) => {
    for (let n = 0; !stop; n++) {
      const local = `127.0.${1 + ((worker * 997 + n) % 250)}.${2 + (n % 250)}`;
      const status = await badLogin(local, `nobody-${worker}-${n}`).catch(() => 0);
      floodStatuses.set(status, (floodStatuses.get(status) ?? 0) + 1);
      floodSent++;
    }
  });
  await new Promise((r) => setTimeout(r, 1000)); // let the flood build up
  const floodStart = performance.now();
  const during = await signedInLoad(signedIn);
  report(`signed-in user, flood of ${FLOOD}`, during);
  const fresh: number[] = [];
  let freshOk = 0;
  for (let i = 0; i < FRESH; i++) {
    const t0 = performance.now();
    const response = await httpRequest(BASE, 'PROPFIND', `/dav/calendars/user/fresh-${i}/`, { Authorization: basic(`fresh-${i}`, `fresh-${i}`), Depth: '0' });
    if (response.status === 207) freshOk++;
    fresh.push(performance.now() - t0);
  }
  const floodSeconds = (performance.now() - floodStart) / 1000;
  stop = true;
  await Promise.all(flooders);
  const f = percentiles(fresh);
  report('first login of a user, during flood', { ok: `${freshOk}/${FRESH}`, p50_ms: f.p50, p99_ms: f.p99 });
  report('flood', { per_s: floodSent / (floodSeconds + 1), ...Object.fromEntries([...floodStatuses].map(([s, n]) => [`status_${s}`, n])) });
} finally {
  closeConnections();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

async function signedInLoad(headers: Record<string, string>) {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const response = await httpRequest(BASE, 'PROPFIND', HOME, headers);
        if (response.status !== 207) failures++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const p = percentiles(latencies);
  return { per_s: latencies.length / ((performance.now() - started) / 1000), p50_ms: p.p50, p99_ms: p.p99, failures };
}

/** A wrong password for a made-up name, on a fresh connection from the given loopback address. */
function badLogin(localAddress: string, name: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const request = http.request(`${BASE}${HOME}`, { method: 'PROPFIND', localAddress, agent: false, headers: { Authorization: basic(name, 'wrong'), Depth: '0' } }, (response) => {
      response.resume();
      response.on('end', () => resolvePromise(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}
