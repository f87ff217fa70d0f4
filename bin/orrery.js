#!/usr/bin/env node
// Runs the TypeScript command line without a separate build step. The sources are bundled with
// esbuild into .build/ when the bundle is missing or older than any of them (under a second), and
// the bundle runs on plain Node: compiling TypeScript while running (tsx) keeps a loader thread
// and its compiled modules in memory for the life of the server, about 60 MiB. Where the bundle
// cannot be written (a read-only install), tsx runs the sources directly.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'adapters/node/cli.ts');
const BUNDLE = join(ROOT, '.build/orrery-cli.mjs');
/** What the command line is built from: a change to any file below these makes a new bundle. */
const SOURCES = ['src', 'adapters/node', 'scripts/tz'].map((dir) => join(ROOT, dir));

/** The newest modification time of the files below `dir`. */
function newestBelow(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestBelow(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsCurrent() {
  try {
    const built = statSync(BUNDLE).mtimeMs;
    return SOURCES.every((dir) => newestBelow(dir) <= built);
  } catch {
    return false;
  }
}

async function buildBundle() {
  const { build } = await import('esbuild');
  mkdirSync(dirname(BUNDLE), { recursive: true });
  // Written beside the bundle and renamed over it, so that servers starting at the same moment
  // never load a half-written file.
  const temporary = `${BUNDLE}.${process.pid}.tmp`;
  try {
    await build({
      entryPoints: [ENTRY],
      outfile: temporary,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Dependencies stay imports from node_modules: native modules (libsql) cannot be bundled.
      packages: 'external',
      logLevel: 'error',
    });
    renameSync(temporary, BUNDLE);
  } finally {
    rmSync(temporary, { force: true });
  }
}

let ready = bundleIsCurrent();
if (!ready) {
  try {
    await buildBundle();
    ready = true;
  } catch {
    ready = false;
  }
}
if (ready) {
  await import(pathToFileURL(BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../adapters/node/cli.ts');
}
