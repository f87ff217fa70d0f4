// Report benchmark: builds a calendar of N events (80% single events over two years, 20% weekly
// series with overrides and EXDATEs), then times calendar-query (RFC 4791 §7.8, with and without
// expand), free-busy-query (§7.10), calendar-multiget (§7.9), sync-collection (RFC 6578),
// PROPFIND Depth 1 and concurrent GET, and samples the server's resident memory between phases.
// Usage: npx tsx bench/reports.ts [--events 10000] [--concurrency 8] [--pid SERVER_PID]
//        [--url http://host:port --user U --password P]
import { execFileSync } from 'node:child_process';
import { vtimezoneText } from '../src/tz/catalogue.ts';
import { benchArgs, closeConnections, httpRequest, openTarget, percentiles, runConcurrent, timeIt } from './lib.ts';

const args = benchArgs({ pid: { type: 'string' }, keep: { type: 'boolean' } });
const events = Number(args.events ?? 1000);
const concurrency = Number(args.concurrency ?? 8);
const target = await openTarget(args);
const calendar = `/dav/calendars/user/${target.user}/reports-${Date.now()}/`;
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 0, 1);
const SPAN_DAYS = 730;
const ZONE = 'America/New_York';
const VTIMEZONE = vtimezoneText(ZONE, { startUtcMs: Date.UTC(2025, 0, 1) })!.trimEnd();

interface Row {
  operation: string;
  samples: number;
  p50: number;
  p99: number;
  perSecond: number;
  note: string;
}
const rows: Row[] = [];

async function request(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<string> {
  const { status, text } = await httpRequest(target.baseUrl, method, path, { Authorization: target.auth, ...extra }, body);
  if (status >= 400) throw new Error(`${method} ${path} → ${status}: ${text.slice(0, 300)}`);
  return text;
}

/** Times `count` sequential requests (one client), so p50 is the server's latency for that operation. */
async function sequential(operation: string, count: number, task: (i: number) => Promise<string>, note = (last: string) => `${kb(last)} KB`): Promise<void> {
  const times: number[] = [];
  let last = '';
  // A few unmeasured requests first, so that the first operation measured does not pay for JIT warm-up.
  for (let i = 0; i < Math.min(3, Math.ceil(count / 10)); i++) await task(count + i);
  for (let i = 0; i < count; i++) {
    const [text, ms] = await timeIt(() => task(i));
    times.push(ms);
    last = text;
  }
  const { p50, p99, mean } = percentiles(times);
  rows.push({ operation, samples: count, p50, p99, perSecond: 1000 / mean, note: note(last) });
}

async function concurrent(operation: string, count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  const result = await runConcurrent(count, concurrency, async (i) => void (await task(i)));
  const { p50, p99 } = percentiles(result.latencies);
  rows.push({ operation: `${operation} (c=${concurrency})`, samples: count, p50, p99, perSecond: result.perSecond, note: '' });
}

// --- Calendar data ---

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const local = (ms: number) => stamp(ms).slice(0, 15);
const kb = (text: string) => (text.length / 1024).toFixed(0);

function wrap(components: string[][], zoned: boolean): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', ...(zoned ? [VTIMEZONE] : [])];
  for (const c of components) lines.push('BEGIN:VEVENT', ...c, 'END:VEVENT');
  return `${[...lines, 'END:VCALENDAR'].join('\r\n')}\r\n`;
}

/** Every fifth event is a weekly series in New York time: 4–20 weeks, one override, one EXDATE. */
function eventText(i: number, revision = 0): string {
  const day = FIRST_DAY + ((i * 7919) % SPAN_DAYS) * DAY;
  const start = day + (8 + (i % 10)) * 3_600_000 + (i % 4) * 15 * 60_000;
  const common = [`UID:reports-${i}@orrery.bench`, 'DTSTAMP:20260101T000000Z', `SEQUENCE:${revision}`];
  const text = [`SUMMARY:Benchmark event ${i}${revision ? ` (rev ${revision})` : ''}`, 'DESCRIPTION:Lorem ipsum dolor sit amet, consectetur adipiscing elit.', 'LOCATION:Room 4'];
  if (i % 5 !== 0) return wrap([[...common, `DTSTART:${stamp(start)}`, `DTEND:${stamp(start + 3_600_000)}`, ...text]], false);
  const weeks = 4 + (i % 17);
  const at = (k: number) => local(start + k * 7 * DAY);
  const master = [
    ...common, `DTSTART;TZID=${ZONE}:${at(0)}`, `DTEND;TZID=${ZONE}:${local(start + 3_600_000)}`, `RRULE:FREQ=WEEKLY;COUNT=${weeks}`,
    `EXDATE;TZID=${ZONE}:${at(2)}`, ...text,
  ];
  const moved = start + 3 * 7 * DAY + DAY;
  const override = [...common, `RECURRENCE-ID;TZID=${ZONE}:${at(3)}`, `DTSTART;TZID=${ZONE}:${local(moved)}`, `DTEND;TZID=${ZONE}:${local(moved + 5_400_000)}`, ...text];
  return wrap([master, override], true);
}

const put = (i: number, revision = 0) =>
  request('PUT', `${calendar}e${i}.ics`, eventText(i, revision), { 'Content-Type': 'text/calendar', ...(revision ? {} : { 'If-None-Match': '*' }) });

// --- Request bodies ---

const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
const weekOf = (k: number) => FIRST_DAY + ((k * 37) % 100) * 7 * DAY;

function calendarQuery(k: number, data: 'etag' | 'data' | 'expand'): string {
  const [start, end] = [stamp(weekOf(k)), stamp(weekOf(k) + 7 * DAY)];
  const dataElement = data === 'etag' ? '' : data === 'data' ? '<C:calendar-data/>' : `<C:calendar-data><C:expand start="${start}" end="${end}"/></C:calendar-data>`;
  return (
    `<C:calendar-query ${NS}><D:prop><D:getetag/>${dataElement}</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
    `<C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
  );
}

function freeBusyQuery(k: number): string {
  const month = Date.UTC(2026, k % 24, 1);
  return `<C:free-busy-query ${NS}><C:time-range start="${stamp(month)}" end="${stamp(Date.UTC(2026, (k % 24) + 1, 1))}"/></C:free-busy-query>`;
}

function multiget(k: number): string {
  const hrefs = Array.from({ length: 50 }, (_, j) => `<D:href>${calendar}e${((k * 50 + j) * 104_729) % events}.ics</D:href>`);
  return `<C:calendar-multiget ${NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs.join('')}</C:calendar-multiget>`;
}

const syncCollection = (token: string) =>
  `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
const syncTokenOf = (xml: string) => /<(?:\w+:)?sync-token>([^<]*)<\/(?:\w+:)?sync-token>/.exec(xml)?.[1] ?? '';
const responsesIn = (xml: string) => (xml.match(/<(?:\w+:)?response>/g) ?? []).length;

// --- Memory ---

const memory: string[] = [];
function sampleRss(label: string): void {
  let kib: number | undefined;
  if (args.pid) kib = Number(execFileSync('ps', ['-o', 'rss=', '-p', args.pid]).toString().trim());
  else if (!args.url) kib = Math.round(process.memoryUsage().rss / 1024);
  if (kib !== undefined) memory.push(`${label}: ${(kib / 1024).toFixed(0)} MiB`);
}

// --- Run ---

const REPORT = { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' };
sampleRss('start');
await request('PROPFIND', `/dav/calendars/user/${target.user}/`, undefined, { Depth: '0' });
await request('MKCALENDAR', calendar);
await concurrent(`PUT ${events} events`, events, (i) => put(i));
sampleRss('after PUT');

for (const [label, data] of [['one-week calendar-query, getetag', 'etag'], ['one-week calendar-query + calendar-data', 'data'], ['one-week calendar-query + expand', 'expand']] as const) {
  await sequential(label, 40, (k) => request('REPORT', calendar, calendarQuery(k, data), REPORT), (last) => `${responsesIn(last)} objects, ${kb(last)} KB`);
}
sampleRss('after calendar-query');
await sequential('one-month free-busy-query', 30, (k) => request('REPORT', calendar, freeBusyQuery(k), REPORT));
await sequential('calendar-multiget, 50 hrefs', 40, (k) => request('REPORT', calendar, multiget(k), REPORT));
await sequential('sync-collection, initial', 8, () => request('REPORT', calendar, syncCollection(''), REPORT), (last) => `${responsesIn(last)} members, ${kb(last)} KB`);
const token = syncTokenOf(await request('REPORT', calendar, syncCollection(''), REPORT));
for (let i = 0; i < 10; i++) await put(i * 13, 1);
await sequential('sync-collection, after 10 changes', 100, () => request('REPORT', calendar, syncCollection(token), REPORT), (last) => `${responsesIn(last)} changes`);
const propfind = '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontenttype/><D:resourcetype/></D:prop></D:propfind>';
await sequential('PROPFIND Depth 1', 8, () => request('PROPFIND', calendar, propfind, { Depth: '1', 'Content-Type': 'application/xml' }), (last) => `${responsesIn(last)} responses, ${kb(last)} KB`);
sampleRss('after reports');
await concurrent('GET', Math.max(4000, events), (i) => request('GET', `${calendar}e${(i * 7919) % events}.ics`));
sampleRss('after GET');

// --keep leaves the calendar in place, e.g. to profile a server against it afterwards.
if (args.keep) console.log(`kept ${calendar}`);
else await request('DELETE', calendar);
closeConnections();
await target.close();

console.log(`\n${events} events (${events / 5} weekly series), ${target.baseUrl}\n`);
console.log(`${'operation'.padEnd(42)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'req/s'.padStart(8)}  note`);
for (const r of rows) {
  console.log(`${r.operation.padEnd(42)} ${String(r.samples).padStart(5)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.perSecond.toFixed(0).padStart(8)}  ${r.note}`);
}
if (memory.length) console.log(`\nServer RSS: ${memory.join(', ')}`);
