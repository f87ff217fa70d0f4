// RFC 4791 §9.9 time-range matching of VEVENTs checked against an independent implementation: for
// random calendars and ranges, calendar-query must return exactly the objects that the Python
// library recurring_ical_events finds an instance of. Floating and DATE values are read in UTC on
// both sides (no calendar-timezone is set). Set ORRERY_DIFF_SEED to explore other calendars.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { parseMultistatus } from '../helpers/multistatus.ts';
import { generateObject, generateRanges, seededRandom, type GeneratedObject, type QueryRange } from './calendar-generator.ts';

const PYTHON = '/usr/bin/python3';
const ORACLE = new URL('./recurring_ical_events_oracle.py', import.meta.url).pathname;
const SEED = Number(process.env.ORRERY_DIFF_SEED ?? 4791);
const OBJECTS = 120;
const RANGES = 200;
const CAL = '/dav/calendars/user/alice/differential/';

/**
 * Inputs rewritten before recurring_ical_events sees them, where version 2.0 departs from the RFCs;
 * each rewrite is an equivalent form that the library reads correctly, so the object is still compared.
 */
const REFERENCE_REWRITES: { reason: string; applies: (o: GeneratedObject) => boolean; rewrite: (text: string) => string }[] = [
  {
    reason:
      'A DATE DTSTART without DTEND or DURATION lasts one day (RFC 5545 §3.6.1, RFC 4791 §9.9); ' +
      'recurring_ical_events 2.0 gives it zero length, so it is handed the equivalent DTEND of the next day.',
    applies: (o) => /^(single|weekly|monthly)\/date\/no-end/.test(o.shape),
    rewrite: (text) =>
      text.replace(/BEGIN:VEVENT\r\n(?:(?!END:VEVENT)[\s\S])*?END:VEVENT\r\n/g, (block) =>
        block.includes('RECURRENCE-ID') ? block : block.replace(/^DTSTART;VALUE=DATE:(\d{8})\r\n/m, (line, date: string) => `${line}DTEND;VALUE=DATE:${nextDay(date)}\r\n`),
      ),
  },
];

let t: TestApp;
const objects: GeneratedObject[] = [];
const ranges: QueryRange[] = [];

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('MKCALENDAR', CAL, { expect: 201 });
  const rng = seededRandom(SEED);
  for (let i = 0; i < OBJECTS; i++) objects.push(generateObject(rng, `diff-${SEED}-${i}`));
  ranges.push(...generateRanges(rng, RANGES));
  for (const object of objects) {
    await t.request('PUT', `${CAL}${object.uid}.ics`, { body: object.text, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  }
});
afterAll(() => t?.close());

describe('RFC 4791 §9.9 VEVENT time-range, differential against recurring_ical_events', () => {
  it('calendar-query returns the same objects as recurring_ical_events for every random range', async () => {
    expect(existsSync(PYTHON), `${PYTHON} is needed (scripts/install-test-deps.sh)`).toBe(true);
    const theirs = await referenceMatches(objects, ranges);
    const disagreements: string[] = [];
    let nonEmpty = 0;
    for (const [i, range] of ranges.entries()) {
      const ours = await queryMatches(range);
      const expected = new Set(theirs.matches[i]);
      if (expected.size > 0) nonEmpty++;
      for (const object of objects) {
        const inOurs = ours.has(object.uid);
        if (inOurs !== expected.has(object.uid)) {
          disagreements.push(`${describeRange(range)} ${object.uid} [${object.shape}]: Orrery ${inOurs ? 'matches' : 'misses'}, recurring_ical_events ${inOurs ? 'misses' : 'matches'}`);
        }
      }
    }
    const context = `seed ${SEED} (rerun with ORRERY_DIFF_SEED=${SEED})`;
    expect(theirs.errors, `recurring_ical_events failed on some objects, ${context}`).toEqual({});
    if (disagreements.length > 0) {
      const uid = /diff-\S+/.exec(disagreements[0]!)![0];
      const first = objects.find((o) => o.uid === uid)!;
      expect.fail(`${disagreements.length} disagreements, ${context}:\n${disagreements.slice(0, 25).join('\n')}\n\nFirst object:\n${stripZones(first.text)}`);
    }
    // Guard against a vacuous pass: most ranges must find something on both sides.
    expect(nonEmpty).toBeGreaterThan(RANGES / 2);
  }, 60_000);
});

async function queryMatches(range: QueryRange): Promise<Set<string>> {
  const body =
    '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>' +
    '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">' +
    `<C:time-range start="${compact(range.startUtcMs)}" end="${compact(range.endUtcMs)}"/>` +
    '</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1', 'Content-Type': 'application/xml' }, expect: 207 });
  const hrefs = [...parseMultistatus(await response.text()).keys()];
  return new Set(hrefs.map((href) => href.slice(CAL.length).replace(/\.ics$/, '')));
}

async function referenceMatches(all: GeneratedObject[], queried: QueryRange[]): Promise<{ matches: string[][]; errors: Record<string, string> }> {
  const input = {
    objects: all.map((o) => ({ uid: o.uid, text: REFERENCE_REWRITES.reduce((text, r) => (r.applies(o) ? r.rewrite(text) : text), o.text) })),
    ranges: queried.map((r) => [r.startUtcMs, r.endUtcMs]),
  };
  const child = spawn(PYTHON, [ORACLE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(JSON.stringify(input));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`${ORACLE} exited with ${code}:\n${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString()) as { matches: string[][]; errors: Record<string, string> };
}

function compact(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function describeRange(range: QueryRange): string {
  return `[${compact(range.startUtcMs)}, ${compact(range.endUtcMs)})`;
}

function nextDay(date: string): string {
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) + 86_400_000;
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The object without its (long) VTIMEZONE, for failure messages. */
function stripZones(text: string): string {
  return text.replace(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/g, '');
}
