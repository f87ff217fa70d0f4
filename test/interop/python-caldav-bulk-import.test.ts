// Bulk import (a calendar file POSTed to a calendar collection, as Cyrus takes it) read back by a
// client nobody here wrote: the caldav Python library (python3-caldav) against a real
// `orrery serve` process. The file holds 1,000 UIDs: 990 single events and 10 weekly series
// whose overrides come at the end of the file, away from their masters, as some exports write them.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrreryServe, type OrreryServe } from '../support/orrery-serve.ts';

const run = promisify(execFile);
const SCRIPT = new URL('./python/caldav_bulk_import.py', import.meta.url).pathname;
const SINGLES = 990;
const SERIES = 10;
const DAY_MS = 86_400_000;

const utc = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const pad = (n: number) => String(n).padStart(4, '0');

/** The file: single events one a day from 2026-01-01, then the series masters, then their overrides. */
function calendarFile(): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//bulk import//EN'];
  const vevent = (uid: string, props: string[]) => lines.push('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...props, 'END:VEVENT');
  for (let i = 0; i < SINGLES; i++) {
    const start = Date.UTC(2026, 0, 1, 9) + i * DAY_MS;
    vevent(`import-${pad(i)}`, [`DTSTART:${utc(start)}`, `DTEND:${utc(start + 3_600_000)}`, `SUMMARY:Single ${i}`]);
  }
  // Weekly on Mondays from 6 January 2031, ten times.
  for (let k = 0; k < SERIES; k++) vevent(`series-${k}`, ['DTSTART:20310106T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=10', `SUMMARY:Series ${k}`]);
  for (let k = 0; k < SERIES; k++) {
    // Even series move their second instance to 1 June; odd ones only rename it.
    const moved = k % 2 === 0 ? ['DTSTART:20310601T100000Z', 'DURATION:PT1H'] : ['DTSTART:20310113T100000Z', 'DURATION:PT1H'];
    vevent(`series-${k}`, ['RECURRENCE-ID:20310113T100000Z', ...moved, `SUMMARY:Series ${k}, second`]);
    vevent(`series-${k}`, ['RECURRENCE-ID:20310120T100000Z', 'DTSTART:20310120T100000Z', 'DURATION:PT1H', `SUMMARY:Series ${k}, third`]);
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

describe('bulk import by POST, read back with the python caldav library', () => {
  let server: OrreryServe;

  beforeAll(async () => {
    server = await startOrreryServe({ pat: 'pat-pw' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('stores one object per UID, overrides with their master, and date searches find the right ones', async () => {
    const file = join(server.dir, 'import.ics');
    writeFileSync(file, calendarFile());
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, server.baseUrl, 'pat', 'pat-pw', file], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      post_status: number;
      post_type: string;
      items: { href: string; status: string; etag: string }[];
      event_count: number;
      uids: string[];
      series: Record<string, { masters: number; overrides: string[] }>;
      search_march_week: string[];
      search_moved_overrides: string[];
      search_series_week: string[];
    };
    const expectedUids = [...Array.from({ length: SINGLES }, (_, i) => `import-${pad(i)}`), ...Array.from({ length: SERIES }, (_, k) => `series-${k}`)].sort();

    expect(r.post_status).toBe(207);
    expect(r.post_type).toMatch(/xml/);
    // One answer per UID, each a new resource with its ETag.
    expect(r.items).toHaveLength(SINGLES + SERIES);
    expect(r.items.every((item) => item.status === '200' && item.etag.startsWith('"') && item.href.startsWith('/dav/calendars/user/pat/imported/'))).toBe(true);
    expect(new Set(r.items.map((item) => item.href)).size).toBe(SINGLES + SERIES);

    expect(r.event_count).toBe(SINGLES + SERIES);
    expect(r.uids).toEqual(expectedUids);
    for (let k = 0; k < SERIES; k++) expect(r.series[`series-${k}`]).toEqual({ masters: 1, overrides: ['20310113T100000Z', '20310120T100000Z'] });

    // 1-7 March 2026: days 59 to 65 of the singles.
    expect(r.search_march_week).toEqual(['import-0059', 'import-0060', 'import-0061', 'import-0062', 'import-0063', 'import-0064', 'import-0065']);
    // The moved second instances are found where the overrides put them, and only the odd series keep 13 January.
    expect(r.search_moved_overrides).toEqual(['series-0', 'series-2', 'series-4', 'series-6', 'series-8']);
    expect(r.search_series_week).toEqual(['series-1', 'series-3', 'series-5', 'series-7', 'series-9']);
  }, 180_000);
});
