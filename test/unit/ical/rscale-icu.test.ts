// RFC 7529 expansion checked against an independent source: the instances in
// test/fixtures/rscale/instances.json were computed by scripts/rscale-fixture.py from ICU's
// calendars through PyICU (Debian python3-icu), not by the server's Intl-based code. Every rule is
// expanded here as a stored event would be, and the dates must be exactly ICU's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInstances } from '../../../src/ical/recurrence.ts';
import { formatUtc } from '../../../src/ical/zones.ts';
import { calendarWith, utc } from './fixtures.ts';

interface FixtureCase {
  rrule: string;
  dtstart: string;
  until: string;
  instances: string[];
}

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURE = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/rscale/instances.json'), 'utf8')) as { icu: string; cases: FixtureCase[] };

function expandedDates(rule: FixtureCase): string[] {
  const calendar = calendarWith('VEVENT', [`DTSTART;VALUE=DATE:${rule.dtstart}`, `RRULE:${rule.rrule};UNTIL=${rule.until}`]);
  return expandInstances(calendar, { maxInstances: 10_000, horizonUtcMs: utc('20470101T000000Z') }).map((i) => formatUtc(i.startUtcMs).slice(0, 8));
}

describe(`RSCALE expansion against ICU ${FIXTURE.icu} (scripts/rscale-fixture.py)`, () => {
  it('holds every SKIP value for GREGORIAN and the five calendars RFC 7529 support is judged on', () => {
    const scales = new Set(FIXTURE.cases.map((c) => /RSCALE=([^;]+)/.exec(c.rrule)![1]));
    for (const scale of ['GREGORIAN', 'HEBREW', 'CHINESE', 'ISLAMIC-CIVIL', 'ETHIOPIC', 'INDIAN']) expect(scales).toContain(scale);
    const gregorianSkips = new Set(FIXTURE.cases.filter((c) => c.rrule.includes('RSCALE=GREGORIAN')).map((c) => /SKIP=(\w+)/.exec(c.rrule)![1]));
    expect([...gregorianSkips].sort()).toEqual(['BACKWARD', 'FORWARD', 'OMIT']);
  });

  it('is what scripts/rscale-fixture.py computes with the ICU installed here (python3-icu)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orrery-rscale-'));
    try {
      execFileSync('/usr/bin/python3', [join(ROOT, 'scripts/rscale-fixture.py'), join(dir, 'instances.json')], { stdio: 'pipe', timeout: 60_000 });
      const fresh = JSON.parse(readFileSync(join(dir, 'instances.json'), 'utf8')) as { cases: FixtureCase[] };
      expect(fresh.cases).toEqual(FIXTURE.cases);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const rule of FIXTURE.cases) {
    it(`${rule.rrule}: ${rule.instances.length} instances from ${rule.dtstart}`, () => {
      expect(rule.instances.length).toBeGreaterThan(2);
      expect(expandedDates(rule)).toEqual(rule.instances);
    });
  }

  it('agrees with published dates: Chinese New Year 2015-2024', () => {
    const newYear = FIXTURE.cases.find((c) => c.rrule === 'RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;SKIP=OMIT')!;
    expect(newYear.instances.filter((d) => d >= '20150101' && d < '20250101')).toEqual([
      '20150219', '20160208', '20170128', '20180216', '20190205', '20200125', '20210212', '20220201', '20230122', '20240210',
    ]);
  });
});
