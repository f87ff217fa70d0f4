// Starts Orrery for the benchmarks as a process of its own, on Node, Deno or `wrangler dev` (workerd
// with a local D1 file), on a fresh database with the user bench/bench, and finds what a bench run
// needs: the URL, the process that serves (node, deno or workerd: its memory is the server's) and
// the database file.
// Usage: npx tsx bench/serve.ts node|deno|workers [--port 18300] [-- REPORTS_OPTIONS...]
// With options after `--` it runs bench/reports.ts with them against the server, then stops it;
// without, it prints the options to give a bench script and serves until Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeConnections, waitForServer } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({ options: { port: { type: 'string' } }, allowPositionals: true });
const [runtime, ...reportsArgs] = positionals;
const port = values.port ?? '18300';
const dir = join(tmpdir(), `orrery-bench-${runtime}`);
const baseUrl = `http://127.0.0.1:${port}`;
const BOOTSTRAP = { ORRERY_BOOTSTRAP_USER: 'bench', ORRERY_BOOTSTRAP_PASSWORD: 'bench' };
const SERVER_ENV = { ...BOOTSTRAP, ORRERY_DB: `file:${join(dir, 'bench.db')}`, ORRERY_HOST: '127.0.0.1', ORRERY_PORT: port };

interface Runtime {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Whether a process of the started tree is the one serving. */
  serves(pid: number): boolean;
  /** The database file, once the server has answered. */
  database(): string;
}

const RUNTIMES: Record<string, Runtime> = {
  // bin/orrery.js runs the server in its own process.
  node: { command: process.execPath, args: ['bin/orrery.js', 'serve'], env: SERVER_ENV, serves: () => true, database: () => join(dir, 'bench.db') },
  // `deno task start` runs `deno run … adapters/deno/main.ts` as a child.
  deno: {
    command: join(ROOT, 'node_modules/.bin/deno'),
    args: ['task', 'start'],
    env: SERVER_ENV,
    serves: (pid) => /\brun\b.*adapters\/deno\/main\.ts/.test(commandLine(pid)),
    database: () => join(dir, 'bench.db'),
  },
  // wrangler (Node) starts two workerd processes: one listens on the port and proxies each request
  // to the other, which runs the Worker and its local D1 (a SQLite file under --persist-to, created
  // on the Worker's first request) and is the one started with an inspector address.
  workers: {
    command: join(ROOT, 'node_modules/.bin/wrangler'),
    args: [
      'dev', '--local', '--ip', '127.0.0.1', '--port', port, '--inspector-port', String(Number(port) + 1),
      '--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false',
      ...Object.entries(BOOTSTRAP).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
    // The same switches as `npm run dev:workers`: no Request.cf download, no telemetry, so it works offline.
    env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', WRANGLER_LOG_PATH: join(dir, 'logs') },
    serves: (pid) => /\/workerd serve .*--inspector-addr/.test(commandLine(pid)),
    database: () => findFile(join(dir, 'state/v3/d1'), '.sqlite') ?? '',
  },
};

const chosen = runtime ? RUNTIMES[runtime] : undefined;
if (!chosen) {
  console.error('Usage: npx tsx bench/serve.ts node|deno|workers [--port 18300] [-- REPORTS_OPTIONS...]');
  process.exit(2);
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const log = openSync(join(dir, 'server.log'), 'a');
// A process group of its own, so that stopping it also stops what it started (deno run, workerd).
const server = spawn(chosen.command, chosen.args, { cwd: ROOT, env: { ...process.env, ...chosen.env }, detached: true, stdio: ['ignore', log, log] });
const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    closeConnections();
    if (server.exitCode === null && server.signalCode === null) {
      process.kill(-server.pid!, 'SIGTERM');
      const killer = setTimeout(() => process.kill(-server.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  })());
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  await waitForServer(baseUrl, () => server.exitCode !== null);
} catch (error) {
  await stop();
  console.error(`The server did not start (${String(error)}); its output:\n${readFileSync(join(dir, 'server.log'), 'utf8')}`);
  process.exit(1);
}
const pid = [server.pid!, ...descendants(server.pid!)].find((p) => chosen.serves(p));
const options = ['--url', baseUrl, ...(pid ? ['--pid', String(pid)] : []), '--db', chosen.database()];
console.log(`${runtime} serving on ${baseUrl} (pid ${pid ?? 'not found'}), log in ${join(dir, 'server.log')}`);

if (reportsArgs.length > 0) {
  const bench = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/reports.ts'), ...reportsArgs, ...options], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => bench.once('exit', resolve));
  await stop();
  process.exit(code ?? 1);
}
console.log(`Bench options: ${options.join(' ')}\nCtrl-C stops the server.`);
await exited;

// --- Internal helpers ---

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Every process below `pid`, from the parent field of /proc/<pid>/stat. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (second field) may hold spaces and parentheses: read after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below: number[] = [];
  for (let frontier = [pid]; frontier.length > 0; ) {
    frontier = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    below.push(...frontier);
  }
  return below;
}

function findFile(folder: string, suffix: string): string | undefined {
  try {
    const name = readdirSync(folder, { recursive: true, encoding: 'utf8' }).find((entry) => entry.endsWith(suffix));
    return name && join(folder, name);
  } catch {
    return undefined;
  }
}
