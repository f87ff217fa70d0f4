// The tz build pipeline: vendored sources → zic → src/tz/generated/. The committed modules must
// be exactly what the build makes from the vendored data (so a refresh cannot be half-done).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTzBuild } from '../../../scripts/tz/build.ts';
import { readLeapSecondsList, readReleaseDate, readTzdataIndex } from '../../../scripts/tz/tzdata-source.ts';
import { LEAP_SECONDS_EXPIRES_UTC_MS, LEAP_SECOND_TABLE } from '../../../src/tz/leap-seconds.ts';
import { listZones, TZ_DATA_RELEASED, TZ_DATA_VERSION } from '../../../src/tz/catalogue.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const TZDATA = join(ROOT, 'tzdata');
const zic = ['/usr/sbin/zic', '/usr/bin/zic'].find((path) => existsSync(path)) ?? (spawnSync('zic', ['--version']).error ? undefined : 'zic');

describe('vendored IANA sources', () => {
  it('index every zone and link of tzdata.zi', () => {
    const index = readTzdataIndex(readFileSync(join(TZDATA, 'tzdata.zi'), 'utf8'));
    expect(TZ_DATA_VERSION).toBe(`IANA Time Zone Database:${index.release}`);
    expect(listZones().map((zone) => zone.tzid)).toEqual(index.zones);
    expect(index.links.get('US/Eastern')).toBe('America/New_York');
    expect(listZones().reduce((sum, zone) => sum + zone.aliases.length, 0)).toBe(index.links.size);
  });

  it('read leap-seconds.list with its expiry (RFC 7808 §5.6)', () => {
    const table = readLeapSecondsList(readFileSync(join(TZDATA, 'leap-seconds.list'), 'utf8'));
    expect(table.entries[0]).toEqual([Date.UTC(1972, 0, 1) / 1000, 10]);
    expect(table.entries).toContainEqual([Date.UTC(2017, 0, 1) / 1000, 37]);
    expect(LEAP_SECONDS_EXPIRES_UTC_MS).toBe(table.expiresUtcSeconds * 1000);
    expect(LEAP_SECOND_TABLE.length).toBe(table.entries.length);
  });

  it('take the release date from tzdata/SOURCE', () => {
    expect(readReleaseDate(readFileSync(join(TZDATA, 'SOURCE'), 'utf8'))).toBe(TZ_DATA_RELEASED);
    expect(readReleaseDate('package: tzdata\n')).toBeUndefined();
  });
});

describe.skipIf(!zic)('orrery tz build (skipped without zic from libc-bin)', () => {
  it('regenerates the committed modules byte for byte', async () => {
    const out = mkdtempSync(join(tmpdir(), 'orrery-tz-build-'));
    try {
      await runTzBuild(['--out', out, '--zic', zic as string]);
      for (const name of ['catalogue.ts', 'leap-seconds.ts']) {
        const rebuilt = readFileSync(join(out, name), 'utf8');
        const committed = readFileSync(join(ROOT, 'src/tz/generated', name), 'utf8');
        expect(rebuilt === committed, `${name} differs: run npx tsx scripts/tz/build.ts`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('serves an overriding version string verbatim, as ctl_zoneinfo -r does', async () => {
    const out = mkdtempSync(join(tmpdir(), 'orrery-tz-build-'));
    try {
      await runTzBuild(['--out', out, '--zic', zic as string, '--version', 'Example Publisher:2099z']);
      expect(readFileSync(join(out, 'catalogue.ts'), 'utf8')).toContain('export const TZ_DATA_VERSION = "Example Publisher:2099z";');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
