// src/ must run on Node, Deno and Workers alike: no runtime-specific APIs in the core, and the
// Worker bundle (built without nodejs_compat) must build from Web-standard APIs alone.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.ts';

const FORBIDDEN: [string, RegExp][] = [
  ['node: import', /\bfrom\s+['"]node:|\bimport\s*\(\s*['"]node:/],
  ['process global', /\bprocess\.\w/],
  ['Buffer', /\bBuffer\b/],
  ['Deno global', /\bDeno\./],
  ['require()', /\brequire\s*\(/],
];

describe('Portability of src/ (Node, Deno, Workers)', () => {
  it('no module under src/ uses node: imports, process, Buffer, Deno or require', () => {
    const findings: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      codeLines(readFileSync(file, 'utf8')).forEach((line, index) => {
        for (const [what, pattern] of FORBIDDEN) {
          if (pattern.test(line)) findings.push(`${relative(ROOT, file)}:${index + 1}: ${what}: ${line.trim()}`);
        }
      });
    }
    expect(findings).toEqual([]);
  });

  it('the Worker bundles with `wrangler deploy --dry-run`, without nodejs_compat, using the web libSQL client', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'orrery-bundle-'));
    try {
      const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
        cwd: ROOT,
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', WRANGLER_LOG_PATH: join(outdir, 'logs') },
        timeout: 60_000,
      });
      expect(stdout).toMatch(/--dry-run: exiting now/);
      const bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
      expect(bundle).not.toMatch(/from\s*["']node:|require\(["']node:/);
      // The export conditions must have picked @libsql/client's web build, not the native binding.
      // (esbuild heads each bundled module with a `// node_modules/...` path comment).
      expect(bundle).toMatch(/^\/\/ node_modules\/@libsql\/client\/lib-esm\/web\.js$/m);
      expect(bundle).not.toMatch(/^\/\/ node_modules\/@libsql\/client\/lib-esm\/(node|sqlite3)\.js$/m);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('Adapter type checks', () => {
  const run = promisify(execFile);

  it('adapters/workers type-checks with the project compiler options (tsc)', async () => {
    await expect(run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'adapters/workers/tsconfig.json', '--noEmit'], { cwd: ROOT, timeout: 60_000 })).resolves.toBeDefined();
  });

  it('adapters/deno type-checks under Deno (deno check)', async () => {
    const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1' };
    await expect(run(join(ROOT, 'node_modules/.bin/deno'), ['check', 'adapters/deno/main.ts'], { cwd: ROOT, env, timeout: 60_000 })).resolves.toBeDefined();
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Lines with comments blanked out (line numbers kept), so prose such as "another process." is not flagged. */
function codeLines(text: string): string[] {
  const withoutBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '));
  return withoutBlocks.split('\n').map((line) => line.replace(/(^|\s)\/\/.*$/, '$1'));
}
