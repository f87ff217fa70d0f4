// Offsets of the bundled data against two independent tz implementations: Node's ICU (Intl) and
// python3's zoneinfo (the host's TZif files). Both may ship older tzdata than ours, so the sample
// is zones whose rules have not changed since 2020, probed from 1970 to 2037.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getTransitionZone } from '../../../src/tz/catalogue.ts';

const STABLE_ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Phoenix',
  'America/Anchorage', 'America/Halifax', 'America/St_Johns', 'America/Sao_Paulo', 'Europe/London',
  'Europe/Paris', 'Europe/Berlin', 'Europe/Helsinki', 'Europe/Lisbon', 'Asia/Tokyo', 'Asia/Kolkata',
  'Asia/Shanghai', 'Asia/Kathmandu', 'Asia/Singapore', 'Australia/Sydney', 'Australia/Adelaide',
  'Australia/Lord_Howe', 'Australia/Perth', 'Pacific/Auckland', 'Pacific/Chatham', 'Pacific/Honolulu',
  'Africa/Johannesburg', 'Africa/Lagos', 'Africa/Nairobi',
];

const FROM = Date.UTC(1970, 0, 1) / 1000;
const TO = Date.UTC(2038, 0, 1) / 1000;

/** Transition instants ±1 s, plus probes every 13 days (drifting across weekdays and hours). */
function probesFor(tzid: string): number[] {
  const zone = getTransitionZone(tzid);
  if (!zone) throw new Error(`missing ${tzid}`);
  const probes: number[] = [];
  for (const change of zone.transitionsBetween(FROM, TO)) probes.push(change.utcSeconds - 1, change.utcSeconds);
  for (let at = FROM + 3_600; at < TO; at += 13 * 86_400 + 3_601) probes.push(at);
  return probes;
}

function intlOffset(format: Intl.DateTimeFormat, utcSeconds: number): number {
  const parts = Object.fromEntries(format.formatToParts(new Date(utcSeconds * 1000)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return wall / 1000 - utcSeconds;
}

describe('bundled offsets agree with Node Intl (ICU)', () => {
  it.each(STABLE_ZONES)('%s', (tzid) => {
    const zone = getTransitionZone(tzid);
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: tzid, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    const mismatches = probesFor(tzid).filter((at) => zone?.offsetAtUtc(at * 1000) !== intlOffset(format, at));
    expect(mismatches.map((at) => new Date(at * 1000).toISOString()).slice(0, 5)).toEqual([]);
  });
});

const PYTHON_SCRIPT = `
import json, sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
request = json.load(sys.stdin)
out = {}
for tzid, probes in request.items():
    try:
        zone = ZoneInfo(tzid)
    except Exception:
        continue
    out[tzid] = [int(datetime.fromtimestamp(t, timezone.utc).astimezone(zone).utcoffset().total_seconds()) for t in probes]
json.dump(out, sys.stdout)
`;

function runPythonZoneinfo(request: Record<string, number[]>): Record<string, number[]> | undefined {
  const result = spawnSync('python3', ['-c', PYTHON_SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error || result.status !== 0) return undefined;
  return JSON.parse(result.stdout) as Record<string, number[]>;
}

const pythonProbe = spawnSync('python3', ['-c', 'import zoneinfo; zoneinfo.ZoneInfo("UTC")'], { encoding: 'utf8' });
const hasPythonZoneinfo = !pythonProbe.error && pythonProbe.status === 0;

describe.skipIf(!hasPythonZoneinfo)('bundled offsets agree with python3 zoneinfo (skipped without python3 and its tz data)', () => {
  it('matches on every probe of the sample zones', () => {
    const request = Object.fromEntries(STABLE_ZONES.map((tzid) => [tzid, probesFor(tzid)]));
    const answer = runPythonZoneinfo(request);
    expect(answer).toBeDefined();
    expect(Object.keys(answer ?? {}).length).toBeGreaterThan(STABLE_ZONES.length / 2);
    const mismatches: string[] = [];
    for (const [tzid, offsets] of Object.entries(answer ?? {})) {
      const zone = getTransitionZone(tzid);
      request[tzid]?.forEach((at, i) => {
        if (zone?.offsetAtUtc(at * 1000) !== offsets[i]) mismatches.push(`${tzid} ${new Date(at * 1000).toISOString()}`);
      });
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
