// Hostile-request benchmark: a calendar of N events plus a few recurring series no real client
// stores (FREQ=SECONDLY without an end, SECONDLY and MINUTELY series at the max-instances count,
// and an attempt at FREQ=SECONDLY;COUNT=1000000000), then the slowest of the requests that cost
// a server without per-request bounds seconds to minutes (a property repeated 60,000 times in
// sync-collection and PROPFIND, CALDAV:expand over those series), and the rate of ordinary
// requests while they run. The server is `orrery serve` in a process of its own (or --url).
// Usage: npx tsx bench/hostile.ts [--events 10000] [--rounds 3] [--concurrency 2]
//        [--url http://host:port --user U --password P]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { basic, benchArgs, closeConnections, httpRequest, percentiles, runConcurrent, timeIt, waitForServer } from './lib.ts';

const args = benchArgs({ rounds: { type: 'string' } });
const events = Number(args.events ?? 10_000);
const rounds = Number(args.rounds ?? 3);
const concurrency = Number(args.concurrency ?? 2);
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 0, 1);
const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
const REPORT_HEADERS = { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' };

// --- The server ---

interface Server {
  baseUrl: string;
  auth: string;
  user: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  if (args.url) {
    const user = args.user ?? 'bench';
    return { baseUrl: args.url.replace(/\/$/, ''), user, auth: basic(user, args.password ?? 'bench'), stop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'orrery-hostile-'));
  const port = 18_400 + Math.floor(Math.random() * 500);
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/orrery.js'), 'serve', '--port', String(port)], {
    env: { PATH: process.env.PATH ?? '', ORRERY_DB: `file:${join(dir, 'bench.db')}`, ORRERY_BOOTSTRAP_USER: 'bench', ORRERY_BOOTSTRAP_PASSWORD: 'bench' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForServer(baseUrl, () => child.exitCode !== null);
  return {
    baseUrl,
    user: 'bench',
    auth: basic('bench', 'bench'),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const server = await startServer();
const calendar = `/dav/calendars/user/${server.user}/hostile-${Date.now()}/`;

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return httpRequest(server.baseUrl, method, path, { Authorization: server.auth, ...headers }, body);
}

async function request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<string> {
  const { status, text } = await send(method, path, body, headers);
  if (status >= 400) throw new Error(`${method} ${path} → ${status}: ${text.slice(0, 300)}`);
  return text;
}

// --- Calendar data: N ordinary events, and the hostile series ---

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function wrap(lines: string[]): string {
  return `${['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', 'BEGIN:VEVENT', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n')}\r\n`;
}

/** Four in five are one-hour events over 2026–2027; the others weekly series of 4 to 20 weeks. */
function ordinaryEvent(i: number): string {
  const start = FIRST_DAY + ((i * 7919) % 730) * DAY + (8 + (i % 10)) * 3_600_000;
  const common = [`UID:ordinary-${i}@orrery.bench`, 'DTSTAMP:20260101T000000Z', `DTSTART:${stamp(start)}`, `DTEND:${stamp(start + 3_600_000)}`, `SUMMARY:Event ${i}`];
  return wrap(i % 5 === 0 ? [...common, `RRULE:FREQ=WEEKLY;COUNT=${4 + (i % 17)}`] : common);
}

const HOSTILE: [string, string][] = [
  ['secondly-1', 'FREQ=SECONDLY'],
  ['secondly-2', 'FREQ=SECONDLY;INTERVAL=2'],
  ['secondly-3', 'FREQ=SECONDLY'],
  ['minutely', 'FREQ=MINUTELY'],
  ['secondly-count-9999', 'FREQ=SECONDLY;COUNT=9999'],
  ['minutely-count-9999', 'FREQ=MINUTELY;COUNT=9999'],
  ['secondly-count-billion', 'FREQ=SECONDLY;COUNT=1000000000'],
];

const hostileEvent = (name: string, rule: string) =>
  wrap([`UID:${name}@orrery.bench`, 'DTSTAMP:20260101T000000Z', `DTSTART:${stamp(Date.UTC(2026, 2, 2))}`, 'DURATION:PT1S', `RRULE:${rule}`, `SUMMARY:${name}`]);

// --- The hostile requests ---

const repeatedProp = (times: number) => `<D:prop>${'<D:getetag/>'.repeat(times)}</D:prop>`;
const syncCollection = (prop: string) => `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level>${prop}</D:sync-collection>`;
const propfind = (prop: string) => `<D:propfind xmlns:D="DAV:">${prop}</D:propfind>`;
const distinctProps = (count: number) => `<D:prop>${Array.from({ length: count }, (_, i) => `<X:p${i} xmlns:X="urn:bench"/>`).join('')}</D:prop>`;

function calendarQuery(start: number, end: number, data: 'etag' | 'expand'): string {
  const [s, e] = [stamp(start), stamp(end)];
  const dataElement = data === 'expand' ? `<C:calendar-data><C:expand start="${s}" end="${e}"/></C:calendar-data>` : '';
  return (
    `<C:calendar-query ${NS}><D:prop><D:getetag/>${dataElement}</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
    `<C:time-range start="${s}" end="${e}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
  );
}

function hostileMultiget(start: number, end: number): string {
  const hrefs = HOSTILE.map(([name]) => `<D:href>${calendar}${name}.ics</D:href>`).join('');
  return `<C:calendar-multiget ${NS}><D:prop><D:getetag/><C:calendar-data><C:expand start="${stamp(start)}" end="${stamp(end)}"/></C:calendar-data></D:prop>${hrefs}</C:calendar-multiget>`;
}

const WEEK = [Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 9)] as const;
const YEAR = [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)] as const;

const HOSTILE_REQUESTS: { label: string; method: string; body: () => string; headers: Record<string, string> }[] = [
  { label: 'sync-collection, getetag ×60,000', method: 'REPORT', body: () => syncCollection(repeatedProp(60_000)), headers: REPORT_HEADERS },
  { label: 'sync-collection, getetag ×19,990', method: 'REPORT', body: () => syncCollection(repeatedProp(19_990)), headers: REPORT_HEADERS },
  { label: 'PROPFIND Depth 1, getetag ×60,000', method: 'PROPFIND', body: () => propfind(repeatedProp(60_000)), headers: { Depth: '1' } },
  { label: 'PROPFIND Depth 1, getetag ×19,990', method: 'PROPFIND', body: () => propfind(repeatedProp(19_990)), headers: { Depth: '1' } },
  { label: 'PROPFIND Depth 1, 100 distinct props', method: 'PROPFIND', body: () => propfind(distinctProps(100)), headers: { Depth: '1' } },
  { label: 'PROPFIND Depth 1, 1,000 distinct props', method: 'PROPFIND', body: () => propfind(distinctProps(1000)), headers: { Depth: '1' } },
  { label: 'calendar-query + expand, one week', method: 'REPORT', body: () => calendarQuery(...WEEK, 'expand'), headers: REPORT_HEADERS },
  { label: 'calendar-query + expand, one year', method: 'REPORT', body: () => calendarQuery(...YEAR, 'expand'), headers: REPORT_HEADERS },
  { label: 'calendar-multiget + expand, one week', method: 'REPORT', body: () => hostileMultiget(...WEEK), headers: REPORT_HEADERS },
  { label: 'calendar-query getetag, one year', method: 'REPORT', body: () => calendarQuery(...YEAR, 'etag'), headers: REPORT_HEADERS },
];

// --- Ordinary load, running beside the hostile requests ---

let loadRunning = false;
const loadLatencies: number[] = [];
let loadErrors = 0;

async function ordinaryRequest(k: number): Promise<void> {
  const week = FIRST_DAY + ((k * 37) % 100) * 7 * DAY;
  const kind = k % 3;
  const { status } =
    kind === 0
      ? await send('GET', `${calendar}e${(k * 7919) % events}.ics`)
      : kind === 1
        ? await send('REPORT', calendar, calendarQuery(week, week + 7 * DAY, 'etag'), REPORT_HEADERS)
        : await send('PROPFIND', calendar, propfind('<D:prop><D:getetag/><D:displayname/></D:prop>'), { Depth: '0' });
  if (status >= 400) loadErrors++;
}

async function ordinaryLoad(): Promise<void> {
  let k = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (loadRunning) {
        const [, ms] = await timeIt(() => ordinaryRequest(k++));
        loadLatencies.push(ms);
      }
    }),
  );
}

async function measureLoad(run: () => Promise<void>): Promise<{ perSecond: number; p50: number; p99: number; count: number }> {
  loadLatencies.length = 0;
  loadRunning = true;
  const started = performance.now();
  const load = ordinaryLoad();
  await run();
  loadRunning = false;
  await load;
  const seconds = (performance.now() - started) / 1000;
  const { p50, p99 } = percentiles(loadLatencies);
  return { perSecond: loadLatencies.length / seconds, p50, p99, count: loadLatencies.length };
}

// --- Run ---

await request('PROPFIND', `/dav/calendars/user/${server.user}/`, undefined, { Depth: '0' });
await request('MKCALENDAR', calendar);
const put = await runConcurrent(events, 8, async (i) => {
  await request('PUT', `${calendar}e${i}.ics`, ordinaryEvent(i), { 'Content-Type': 'text/calendar', 'If-None-Match': '*' });
});
console.log(`PUT ${events} ordinary events: ${put.perSecond.toFixed(0)}/s`);
for (const [name, rule] of HOSTILE) {
  const [{ status, text }, ms] = await timeIt(() => send('PUT', `${calendar}${name}.ics`, hostileEvent(name, rule), { 'Content-Type': 'text/calendar' }));
  const why = status >= 400 ? ` (${/<(?:\w+:)?([\w-]+)\/>/.exec(text.replace(/<\?xml[^>]*>|<D:error[^>]*>/g, ''))?.[1] ?? text.slice(0, 80)})` : '';
  console.log(`PUT ${rule.padEnd(32)} → ${status}${why} in ${ms.toFixed(0)} ms`);
}

const baseline = await measureLoad(() => new Promise((r) => setTimeout(r, 10_000)));

interface Row {
  label: string;
  statuses: Set<number>;
  times: number[];
  bytes: number;
}
const rows: Row[] = HOSTILE_REQUESTS.map((r) => ({ label: r.label, statuses: new Set(), times: [], bytes: 0 }));
const underLoad = await measureLoad(async () => {
  for (let round = 0; round < rounds; round++) {
    for (const [i, hostile] of HOSTILE_REQUESTS.entries()) {
      const [{ status, text }, ms] = await timeIt(() => send(hostile.method, calendar, hostile.body(), hostile.headers));
      rows[i]!.statuses.add(status);
      rows[i]!.times.push(ms);
      rows[i]!.bytes = text.length;
    }
  }
});

await request('DELETE', calendar);
closeConnections();
await server.stop();

console.log(`\n${events} events + ${HOSTILE.length} hostile series, ${server.baseUrl}, ${rounds} rounds\n`);
console.log(`${'hostile request'.padEnd(40)} ${'status'.padEnd(8)} ${'max ms'.padStart(8)} ${'p50 ms'.padStart(8)} ${'KB'.padStart(8)}`);
for (const r of rows) {
  const { p50 } = percentiles(r.times);
  console.log(`${r.label.padEnd(40)} ${[...r.statuses].join(',').padEnd(8)} ${Math.max(...r.times).toFixed(0).padStart(8)} ${p50.toFixed(0).padStart(8)} ${(r.bytes / 1024).toFixed(0).padStart(8)}`);
}
const slowest = rows.reduce((a, b) => (Math.max(...b.times) > Math.max(...a.times) ? b : a));
console.log(`\nslowest hostile request: ${slowest.label}, ${Math.max(...slowest.times).toFixed(0)} ms`);
const line = (label: string, l: Awaited<ReturnType<typeof measureLoad>>) =>
  console.log(`${label.padEnd(40)} ${l.perSecond.toFixed(1).padStart(7)} req/s  p50 ${l.p50.toFixed(0)} ms  p99 ${l.p99.toFixed(0)} ms  (${l.count} requests, c=${concurrency})`);
line('ordinary requests, alone', baseline);
line('ordinary requests, during hostile ones', underLoad);
if (loadErrors > 0) console.log(`ordinary requests that failed: ${loadErrors}`);
