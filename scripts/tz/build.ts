// `orrery tz build`: compiles the vendored tzdata.zi with zic into a temporary TZif tree and
// bundles every zone, link and leap second into src/tz/generated/ (the RFC 7808 data source).
// Usage: npx tsx scripts/tz/build.ts [--input DIR] [--version "IANA Time Zone Database:2026f"]
//        [--released 2026-10-29T10:32:16Z] [--out DIR] [--zic PATH]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packTransitions, packTypes } from '../../src/tz/packed-zone.ts';
import { emitCatalogueModules } from './emit-catalogue.ts';
import { relabelNegativeDst } from './negative-dst.ts';
import { trimToFooter } from './trim-table.ts';
import { readLeapSecondsList, readReleaseDate, readTzdataIndex } from './tzdata-source.ts';
import { readTzif } from './tzif-reader.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface TzBuildOptions {
  input: string;
  out: string;
  zic: string;
  version?: string;
  released?: string;
}

export async function runTzBuild(args: string[]): Promise<void> {
  const options = parseArgs(args);
  const zi = readFileSync(join(options.input, 'tzdata.zi'), 'utf8');
  const index = readTzdataIndex(zi);
  // Like Cyrus's `ctl_zoneinfo -r "<publisher>:<version>"`, the string is served verbatim.
  const version = options.version ?? `IANA Time Zone Database:${index.release}`;
  const sourcePath = join(options.input, 'SOURCE');
  const released = options.released ?? (existsSync(sourcePath) ? readReleaseDate(readFileSync(sourcePath, 'utf8')) : undefined);
  if (!released) throw new Error(`no release date: pass --released or write "released: <UTC date-time>" to ${sourcePath}`);

  const compiled = mkdtempSync(join(tmpdir(), 'orrery-tzif-'));
  const zones = new Map<string, readonly [string, string, string]>();
  try {
    // Fat output (transitions to 2037) is trimmed back to the footer by trimToFooter, which
    // checks its work; zic's own slim output is wrong for some zones (see trim-table.ts).
    execFileSync(options.zic, ['-b', 'fat', '-d', compiled, join(options.input, 'tzdata.zi')], { stdio: 'pipe' });
    for (const tzid of index.zones) {
      const data = relabelNegativeDst(trimToFooter(tzid, readTzif(readFileSync(join(compiled, tzid)))));
      zones.set(tzid, [packTypes(data.types), packTransitions(data.transitions, data.typeIndexes), data.footer]);
    }
  } finally {
    rmSync(compiled, { recursive: true, force: true });
  }

  const leapSeconds = readLeapSecondsList(readFileSync(join(options.input, 'leap-seconds.list'), 'utf8'));
  const modules = emitCatalogueModules({ version, released, zones, links: index.links, leapSeconds });
  mkdirSync(options.out, { recursive: true });
  for (const [name, text] of Object.entries(modules)) writeFileSync(join(options.out, name), text);
  console.log(`tz build: ${zones.size} zones, ${index.links.size} links, ${leapSeconds.entries.length} leap-second rows (${version}) → ${options.out}`);
}

function parseArgs(args: string[]): TzBuildOptions {
  const options: TzBuildOptions = {
    input: join(REPO_ROOT, 'tzdata'),
    out: join(REPO_ROOT, 'src/tz/generated'),
    zic: existsSync('/usr/sbin/zic') ? '/usr/sbin/zic' : 'zic',
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (value === undefined || !flag?.startsWith('--')) throw new Error(`tz build: unexpected argument ${flag ?? ''}`);
    i++;
    switch (flag) {
      case '--input': options.input = resolve(value); break;
      case '--out': options.out = resolve(value); break;
      case '--zic': options.zic = value; break;
      case '--version': options.version = value; break;
      case '--released': options.released = value; break;
      default: throw new Error(`tz build: unknown option ${flag}`);
    }
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runTzBuild(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
