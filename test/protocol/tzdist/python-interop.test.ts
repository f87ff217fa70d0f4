// What TZDist serves, read by independent Python implementations: the icalendar library (Debian
// python3-icalendar) for text/calendar, and zoneinfo for application/tzif.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getZone } from '../../../src/tz/catalogue.ts';
import { makeTzdistApp, request } from './tzdist-app.ts';

const app = makeTzdistApp();

/** The first interpreter that can import `module` (pyenv's python3 may lack Debian's packages). */
function pythonWith(module: string): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => {
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
    return !probe.error && probe.status === 0;
  });
}

function runPython(python: string, script: string, input: unknown): unknown {
  const result = spawnSync(python, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const ICALENDAR_SCRIPT = `
import json, sys, icalendar
def text(value):
    raw = value.to_ical()
    return raw.decode('ascii') if isinstance(raw, bytes) else raw
out = []
for source in json.load(sys.stdin):
    calendar = icalendar.Calendar.from_ical(source)
    zones = calendar.walk('VTIMEZONE')
    out.append({
        'tzid': str(zones[0]['TZID']),
        'aliasOf': str(zones[0].get('TZID-ALIAS-OF', '')),
        'observances': len(zones[0].subcomponents),
        'offsets': [text(sub['TZOFFSETTO']) for sub in zones[0].subcomponents],
    })
json.dump(out, sys.stdout)
`;

const icalendarPython = pythonWith('icalendar');

describe.skipIf(!icalendarPython)('python3 icalendar parses get responses (skipped: install Debian python3-icalendar)', () => {
  it('reads full, aliased and truncated VTIMEZONEs', async () => {
    const paths = [
      '/zones/America/New_York',
      '/zones/US/Eastern',
      '/zones/Australia/Lord_Howe?start=2020-01-01T00:00:00Z&end=2030-01-01T00:00:00Z',
      '/zones/Asia/Jerusalem',
      '/zones/America/St_Johns',
    ];
    const texts = await Promise.all(paths.map(async (path) => (await request(app, path)).text()));
    const parsed = runPython(icalendarPython as string, ICALENDAR_SCRIPT, texts) as { tzid: string; aliasOf: string; observances: number; offsets: string[] }[];
    expect(parsed.map((zone) => zone.tzid)).toEqual(['America/New_York', 'US/Eastern', 'Australia/Lord_Howe', 'Asia/Jerusalem', 'America/St_Johns']);
    expect(parsed[1]?.aliasOf).toBe('America/New_York');
    expect(parsed[2]?.offsets).toEqual(['+1100', '+1030', '+1100']);
    expect(parsed[4]?.offsets).toContain('-0230');
    expect(parsed.every((zone) => zone.observances > 0)).toBe(true);
  });
});

const ZONEINFO_SCRIPT = `
import base64, io, json, sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
request = json.load(sys.stdin)
out = {}
for name, item in request.items():
    zone = ZoneInfo.from_file(io.BytesIO(base64.b64decode(item['tzif'])))
    out[name] = [int(datetime.fromtimestamp(t, timezone.utc).astimezone(zone).utcoffset().total_seconds()) for t in item['probes']]
json.dump(out, sys.stdout)
`;

const zoneinfoPython = pythonWith('zoneinfo');

describe.skipIf(!zoneinfoPython)('python3 zoneinfo reads application/tzif (skipped without python3)', () => {
  it('gives the catalogue offsets for the served TZif, footer included', async () => {
    const zones = ['America/New_York', 'Europe/Dublin', 'Asia/Jerusalem', 'America/Nuuk', 'Australia/Lord_Howe', 'Africa/Cairo', 'Asia/Kolkata'];
    const probes: number[] = [];
    for (let at = Date.UTC(1900, 0, 1) / 1000; at < Date.UTC(2060, 0, 1) / 1000; at += 9 * 86_400 + 3_607) probes.push(at);
    const input: Record<string, { tzif: string; probes: number[] }> = {};
    for (const tzid of zones) {
      const body = new Uint8Array(await (await request(app, `/zones/${tzid}?format=application/tzif`)).arrayBuffer());
      input[tzid] = { tzif: btoa(String.fromCharCode(...body)), probes };
    }
    const answer = runPython(zoneinfoPython as string, ZONEINFO_SCRIPT, input) as Record<string, number[]>;
    const mismatches: string[] = [];
    for (const tzid of zones) {
      const zone = getZone(tzid);
      answer[tzid]?.forEach((offset, i) => {
        const at = probes[i] as number;
        if (zone?.offsetAtUtc(at * 1000) !== offset) mismatches.push(`${tzid} ${new Date(at * 1000).toISOString()}`);
      });
    }
    expect(Object.keys(answer)).toEqual(zones);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
