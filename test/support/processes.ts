// Starting a server as a child process for runtime tests: its own process group (so that stopping
// it also stops what it spawned, e.g. wrangler's workerd), readiness by polling its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** The checkout the servers under test are started from. */
export const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  baseUrl: string;
  /** Milliseconds from spawn until the server answered its first request. */
  startupMs: number;
  output(): string;
  /** Sends SIGTERM to the process group and resolves with the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
  /** SIGKILLs the process group at once (a crash, no clean-up) and resolves when the leader is gone. */
  kill(): Promise<void>;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  baseUrl: string;
  timeoutMs?: number;
}

/**
 * Ports below the kernel's ephemeral range (32768 and up on Linux), in a block of its own for each
 * vitest worker slot. A port the kernel picks for `listen(0)` was handed out here before, and test
 * files run side by side: another file's in-process server, or another worker's freePort, could
 * take the same one before the child binds it. The child would then fail to start while its
 * readiness poll got answers from the other file's server, and its tests would run against that
 * one (two CalDAVTester scripts sharing a server's users and inboxes fail each other's tests).
 */
const PORT_BASE = 20_000;
const PORTS_PER_SLOT = 600;
const SLOTS = Math.floor((32_768 - PORT_BASE) / PORTS_PER_SLOT);
const slot = Number(process.env.VITEST_POOL_ID ?? process.pid) % SLOTS;
let nextInSlot = 0;

/** A TCP port on 127.0.0.1 that is free now and that no other test process is handed. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORTS_PER_SLOT; tries++) {
    const port = PORT_BASE + slot * PORTS_PER_SLOT + (nextInSlot++ % PORTS_PER_SLOT);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in the block of worker slot ${slot}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startProcess(options: SpawnOptions): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: ServerProcess = {
    baseUrl: options.baseUrl,
    startupMs: 0,
    output: () => log,
    stop: () => stopGroup(child, exited),
    kill: async () => {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
    exited,
  };
  const deadline = started + (options.timeoutMs ?? 45_000);
  let gone = false;
  void exited.then(() => (gone = true));
  while (performance.now() < deadline) {
    if (gone) {
      await handle.stop(); // reaps anything the leader left behind in its group
      throw new Error(`${options.command} exited before serving:\n${log}`);
    }
    try {
      const response = await fetch(options.baseUrl, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      handle.startupMs = performance.now() - started;
      return handle;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await handle.stop();
  throw new Error(`${options.command} did not answer at ${options.baseUrl} in time:\n${log}`);
}

async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
  const code = await exited;
  clearTimeout(timer);
  // Grandchildren (workerd under wrangler) may outlive the leader for a moment.
  signalGroup(child, 'SIGKILL');
  return code;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}
