// Running the Worker under `wrangler dev --local` for runtime tests: workerd on loopback, local D1
// persisted to a temporary folder, every phone-home of wrangler switched off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, startProcess, type ServerProcess } from './processes.ts';

/** Starts the Worker from wrangler.toml with extra vars (`--var NAME:VALUE`). */
export async function startWranglerDev(vars: Record<string, string>): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-wrangler-'));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const server = await startProcess({
    command: join(ROOT, 'node_modules/.bin/wrangler'),
    args: [
      'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort),
      '--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false',
      ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
    cwd: ROOT,
    env: {
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_SEND_ERROR_REPORTS: 'false',
      WRANGLER_LOG_PATH: join(dir, 'logs'),
      XDG_CONFIG_HOME: join(dir, 'config'),
    },
    baseUrl: `http://127.0.0.1:${port}/`,
    timeoutMs: 60_000,
  });
  return {
    ...server,
    stop: async () => {
      const code = await server.stop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Waits until the process output matches, for log lines that arrive after the response. */
export async function waitForOutput(server: ServerProcess, pattern: RegExp, timeoutMs = 3000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (pattern.test(server.output())) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pattern.test(server.output());
}
